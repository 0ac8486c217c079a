import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentConfig, type AgentConfigInput, loadFile } from '@greenwave/contracts';
import { type CentreStore, newToken, tokenHash } from '@greenwave/controller';
import { EdgeAgent } from '@greenwave/edge-agent';
import { readJunction } from '@greenwave/simulator';
import type { CabinetCity } from './cabinet-city.ts';
import type { CameraWorker } from './camera-worker.ts';

export interface Credential {
  agentId: string;
  token: string;
}

/** Issues a fresh token for the agent of each intersection (only the hash is stored at the centre). */
export async function provisionAgents(store: CentreStore, intersectionIds: readonly string[], nowMs: number): Promise<Map<string, Credential>> {
  const out = new Map<string, Credential>();
  for (const id of intersectionIds) {
    const credential = { agentId: `agent-${id}`, token: newToken() };
    await store.upsertAgent(credential.agentId, id, tokenHash(credential.token), nowMs);
    out.set(id, credential);
  }
  return out;
}

export interface FleetOptions {
  city: CabinetCity;
  centreUrl: string;
  credentials: ReadonlyMap<string, Credential>;
  /** Agent config files and outboxes go under here (agents/<id>.json, outbox/<id>.db). */
  dataDir: string;
  config?: Partial<AgentConfigInput>;
  log?: (record: Record<string, unknown>) => void;
  /** Cameras measuring some junctions through the vision path (the others use the twin's perfect feed). */
  cameras?: CameraWorker;
}

/**
 * One agent per cabinet, each from its own config file, with its own outbox, connection and state; measurements
 * come from the twin's per-lane camera feed of its junction.
 */
export function buildFleet(options: FleetOptions): EdgeAgent[] {
  const configDir = join(options.dataDir, 'agents');
  mkdirSync(configDir, { recursive: true });
  const agents: EdgeAgent[] = [];
  const wsUrl = `${options.centreUrl.replace(/^http/, 'ws')}/agent`;
  options.city.field.devices.forEach((device, i) => {
    const credential = options.credentials.get(device.id);
    if (!credential) return;
    const junction = options.city.twin.junctions[i]!;
    const safe = encodeURIComponent(device.id);
    const input: AgentConfigInput = {
      agentId: credential.agentId,
      intersectionId: device.id,
      centreUrl: wsUrl,
      token: credential.token,
      cabinet: device.address,
      outboxPath: join(options.dataDir, 'outbox', `${safe}.db`),
      ...options.config,
      cameras: options.cameras?.setup.cameras.filter((c) => c.junctionId === device.id).map((c) => c.config) ?? [],
    };
    const file = join(configDir, `${safe}.json`);
    writeFileSync(file, `${JSON.stringify(input, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    const config = loadFile(AgentConfig, file);
    const source = config.cameras.length > 0 && options.cameras ? options.cameras.sourceFor(junction) : { read: (t: number) => readJunction(junction, t, 1) };
    agents.push(new EdgeAgent(config, { intersection: junction.intersection, source, log: options.log }));
  });
  return agents;
}
