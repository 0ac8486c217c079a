import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Network, Scenario } from '@greenwave/contracts';
import { Centre, CentreStore, newToken, openDatabase, tokenHash } from '@greenwave/controller';
import { Twin, loadScenario, readJunction } from '@greenwave/simulator';
import WebSocket from 'ws';

/** A real centre in this process on a temporary SQLite file, for the intersections of a scenario (danang: 200). */
export interface BenchCentre {
  centre: Centre;
  scenario: Scenario;
  network: Network;
  dir: string;
  /** Agent id and token per intersection, registered with the centre (only the token's hash is stored). */
  credentials: { agentId: string; intersectionId: string; token: string }[];
  close(): Promise<void>;
}

export async function startBenchCentre(scenarioName = 'danang'): Promise<BenchCentre> {
  const { scenario, network } = loadScenario(scenarioName);
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-centre-'));
  const store = new CentreStore(await openDatabase({ sqliteFile: join(dir, 'centre.db'), url: '' }));
  const centre = new Centre({ store, intersections: network.intersections, defaultController: (x) => x.control ?? scenario.control.default, log: () => {} });
  try {
    await centre.start();
  } catch (error) {
    await store.close();
    throw error;
  }
  const now = Date.now();
  const credentials = [];
  for (const x of network.intersections) {
    const c = { agentId: `bench-${x.id}`, intersectionId: x.id, token: newToken() };
    await store.upsertAgent(c.agentId, c.intersectionId, tokenHash(c.token), now);
    credentials.push(c);
  }
  return {
    centre,
    scenario,
    network,
    dir,
    credentials,
    close: async () => {
      await centre.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Realistic per-lane measurements of every junction of the scenario's twin after a warm-up: `snapshots` consecutive
 * seconds, each as a measurement-lanes JSON array split where the lanes' time goes (`parts.join(String(timeMs))`), so
 * a message can be stamped with any time without building objects while the clock runs.
 */
export function laneSnapshots(scenario: Scenario, network: Network, snapshots = 30, warmupS = 120): string[][][] {
  const twin = new Twin({ scenario: { ...scenario, warmupS: 0 }, network });
  for (let s = 0; s < warmupS; s++) twin.step();
  const out: string[][][] = twin.junctions.map(() => []);
  for (let s = 0; s < snapshots; s++) {
    twin.step();
    twin.junctions.forEach((j, i) => {
      const json = JSON.stringify(readJunction(j, 0, 1));
      out[i]!.push(json.split('"timeMs":0,'));
    });
  }
  return out;
}

export function measurementJson(seq: number, timeMs: number, lanes: string[]): string {
  return `{"type":"measurement","seq":${seq},"timeMs":${timeMs},"lanes":${lanes.join(`"timeMs":${timeMs},`)}}`;
}

/** Opens a raw agent connection to the centre and says hello; resolves with the centre's welcome. */
export function connectAgent(centreUrl: string, credential: { agentId: string; intersectionId: string; token: string }): Promise<{ ws: WebSocket; lastStoredSeq: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${centreUrl.replace(/^http/, 'ws')}/agent`, { maxPayload: 1024 * 1024 });
    const fail = (error: Error) => {
      ws.terminate();
      reject(error);
    };
    ws.once('error', fail);
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, agentId: credential.agentId, intersectionId: credential.intersectionId, token: credential.token, configVersion: 'bench' }));
    });
    ws.once('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; lastStoredSeq?: number; message?: string };
      if (message.type !== 'welcome') return fail(new Error(`centre refused ${credential.agentId}: ${message.message ?? message.type}`));
      ws.off('error', fail);
      ws.on('error', () => {});
      resolve({ ws, lastStoredSeq: message.lastStoredSeq ?? 0 });
    });
  });
}
