import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentConfigInput } from '@greenwave/contracts';
import type { Centre, CentreStore } from '@greenwave/controller';
import { AgentHost, type EdgeAgent } from '@greenwave/edge-agent';
import { freePortBlock, loadScenario } from '@greenwave/simulator';
import { buildFleet, provisionAgents, type Credential } from '../src/deploy/agent-fleet.ts';
import { CabinetCity } from '../src/deploy/cabinet-city.ts';
import { startCentreService, stopCentreService } from '../src/deploy/centre-service.ts';
import { FaultyLink } from './faulty-link.ts';

/** A free block of ports for a field city (OPC UA on base - 1, Modbus on base + i). */
export const portBlock = (): Promise<number> => freePortBlock();

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000, everyMs = 50): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface Deployed {
  dir: string;
  city: CabinetCity;
  centre: Centre | null;
  agents: EdgeAgent[];
  host: AgentHost;
  credentials: Map<string, Credential>;
  link: FaultyLink | null;
  stop(): Promise<void>;
}

/** The small town in the deployed shape on loopback: cabinets, a centre on SQLite in a temp dir, one agent each. */
export async function deploySmall(options: { intersections?: number; agentConfig?: Partial<AgentConfigInput>; link?: boolean; dir?: string; store?: CentreStore; ingestQueueLimit?: number } = {}): Promise<Deployed> {
  const { scenario, network } = loadScenario('small');
  const limit = options.intersections ?? network.intersections.length;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'gw-deploy-'));
  const city = await CabinetCity.start({ scenario, network, protocol: 'mixed', basePort: await portBlock(), warmupS: 120 });
  const centre = await startCentreService({ scenario, network, sqliteFile: join(dir, 'centre.db'), databaseUrl: '', store: options.store, ingestQueueLimit: options.ingestQueueLimit, log: () => {} });
  const ids = network.intersections.slice(0, limit).map((x) => x.id);
  const credentials = await provisionAgents(centre.store, ids, Date.now());
  const link = options.link ? await FaultyLink.start(Number(new URL(centre.url).port)) : null;
  const agents = buildFleet({ city, centreUrl: link?.url ?? centre.url, credentials, dataDir: dir, config: options.agentConfig });
  const host = new AgentHost(agents);
  await host.start();
  const deployed: Deployed = {
    dir,
    city,
    centre,
    agents,
    host,
    credentials,
    link,
    stop: async () => {
      await host.stop();
      await link?.close();
      if (deployed.centre) await stopCentreService(deployed.centre);
      await city.close();
    },
  };
  return deployed;
}

/** Lanes per measurement of an intersection (the twin's camera reports every inbound lane). */
export function laneCount(d: Deployed, intersectionId: string): number {
  const j = d.city.twin.junctions.find((x) => x.id === intersectionId)!;
  return j.approaches.reduce((n, a) => n + a.lanes.length, 0);
}

/** What the centre stored for one intersection: measurement samples (lane rows), events, alarms, the agent's mark. */
export async function storedFor(store: CentreStore, intersectionId: string, agentId: string) {
  const rows = await store.measurements(intersectionId, 0, Number.MAX_SAFE_INTEGER, '1m');
  const quarter = await store.measurements(intersectionId, 0, Number.MAX_SAFE_INTEGER, '15m');
  return {
    samples: rows.reduce((s, r) => s + r.samples, 0),
    samples15: quarter.reduce((s, r) => s + r.samples, 0),
    events: await store.eventCount(intersectionId),
    alarms: (await store.alarms({ intersectionId, limit: 100_000 })).length,
    lastSeq: Number((await store.agent(agentId))?.last_seq ?? -1),
  };
}
