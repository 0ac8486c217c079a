import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Network, Scenario } from '@greenwave/contracts';
import { AgentHost } from '@greenwave/edge-agent';
import { loadScenario } from '@greenwave/simulator';
import { CabinetCity, buildFleet, provisionAgents, startCentreService, stopCentreService } from '@greenwave/cli';

export interface MeasurementToCabinetRun {
  /** Every agent's measurement sent -> cabinet acknowledged the command decided on it (ms). */
  samples: number[];
  byProtocol: { modbus: number[]; opcua: number[] };
  agents: number;
  commandsApplied: number;
  /** Agents that lost the centre during the run (0 expected). */
  localSwitches: number;
  measuredS: number;
}

export interface MeasurementToCabinetOptions {
  /** Seconds measured, after `settleS` seconds for every agent to connect and the first decisions. */
  durationS?: number;
  settleS?: number;
  onProgress?: (doneS: number, totalS: number) => void;
}

/**
 * The cabinets on a random block of ports (OPC UA on base - 1, Modbus on base + i) below Linux's ephemeral range
 * (32768-60999), where closed client connections of this process (TIME_WAIT) or of others could hold a port;
 * another block when one is taken all the same.
 */
async function startCity(scenario: Scenario, network: Network): Promise<CabinetCity> {
  for (let attempt = 1; ; attempt++) {
    const basePort = 20_000 + Math.floor(Math.random() * 120) * 100;
    try {
      return await CabinetCity.start({ scenario, network, protocol: 'mixed', basePort, warmupS: 60 });
    } catch (error) {
      if (!/EADDRINUSE/.test(`${(error as NodeJS.ErrnoException).code} ${(error as Error).message}`) || attempt >= 5) throw error;
    }
  }
}

/**
 * The real protocol path in the deployed shape on loopback (as `greenwave start`, small town): the twin's cabinets
 * served over Modbus TCP and OPC UA, a centre on a temporary SQLite file, one edge agent per cabinet with its own
 * config, outbox and WebSocket. Each second an agent sends its status and measurement; the centre decides as the
 * measurement arrives and sends the command; the agent writes it to its cabinet. Collects every agent's
 * decisionLatencyMs (measurement sent -> the cabinet acknowledged the decision made on it).
 */
export async function measurementToCabinet(options: MeasurementToCabinetOptions = {}): Promise<MeasurementToCabinetRun> {
  const durationS = options.durationS ?? 20;
  const settleS = options.settleS ?? 3;
  const { scenario, network } = loadScenario('small');
  const city = await startCity(scenario, network);
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-m2c-'));
  let centre: Awaited<ReturnType<typeof startCentreService>> | null = null;
  let host: AgentHost | null = null;
  try {
    centre = await startCentreService({ scenario, network, sqliteFile: join(dir, 'centre.db'), databaseUrl: '', log: () => {} });
    const credentials = await provisionAgents(centre.store, network.intersections.map((x) => x.id), Date.now());
    const agents = buildFleet({ city, centreUrl: centre.url, credentials, dataDir: dir });
    host = new AgentHost(agents);
    await host.start();
    const deadline = performance.now() + 15_000;
    while (agents.some((a) => !a.connected) && performance.now() < deadline) await sleep(50);
    if (agents.some((a) => !a.connected)) throw new Error(`${agents.filter((a) => !a.connected).length} of ${agents.length} agents did not connect to the centre`);
    await sleep(settleS * 1000);
    // only what happens after every agent is connected and settled counts
    const before = agents.map((a) => ({ applied: a.stats.commandsApplied, switches: a.stats.localSwitches }));
    (globalThis as { gc?: () => void }).gc?.();
    for (const a of agents) a.stats.decisionLatencyMs.length = 0;
    const started = performance.now();
    for (let s = 1; s <= durationS; s++) {
      await sleep(started + s * 1000 - performance.now());
      options.onProgress?.(s, durationS);
    }
    const measuredS = (performance.now() - started) / 1000;
    const byProtocol = { modbus: [] as number[], opcua: [] as number[] };
    const protocolOf = new Map(city.field.devices.map((d) => [d.id, d.protocol]));
    for (const a of agents) byProtocol[protocolOf.get(a.config.intersectionId)!].push(...a.stats.decisionLatencyMs);
    return {
      samples: [...byProtocol.modbus, ...byProtocol.opcua],
      byProtocol,
      agents: agents.length,
      commandsApplied: agents.reduce((n, a, i) => n + a.stats.commandsApplied - before[i]!.applied, 0),
      localSwitches: agents.reduce((n, a, i) => n + a.stats.localSwitches - before[i]!.switches, 0),
      measuredS,
    };
  } finally {
    await host?.stop();
    if (centre) await stopCentreService(centre);
    await city.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
