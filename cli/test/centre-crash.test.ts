import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CentreStore, openDatabase } from '@greenwave/controller';
import { AgentHost } from '@greenwave/edge-agent';
import { freePort, loadScenario, readJunction } from '@greenwave/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFleet, provisionAgents } from '../src/deploy/agent-fleet.ts';
import { CabinetCity } from '../src/deploy/cabinet-city.ts';
import { portBlock, until } from './deploy-harness.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, 'cli', 'src', 'main.ts');
const PREFILL = 3000;

/** Starts `greenwave centre` as its own process and waits until it listens. */
async function startCentre(db: string, port: number): Promise<ChildProcess> {
  // node itself, not the tsx wrapper: SIGKILL must hit the centre, not a parent that cannot pass it on
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'centre', '--scenario', 'small', '--port', String(port), '--db', db], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  await until('centre listening', () => out.includes('"centre started"') || child.exitCode !== null, 60_000);
  if (child.exitCode !== null) throw new Error(`centre exited: ${out}`);
  return child;
}

async function storedMarks(db: string) {
  const store = new CentreStore(await openDatabase({ sqliteFile: db, url: '' }));
  return store;
}

describe('centre killed with SIGKILL during ingest', () => {
  let city: CabinetCity | null = null;
  let host: AgentHost | null = null;
  let centre: ChildProcess | null = null;
  afterAll(async () => {
    centre?.kill('SIGKILL');
    await host?.stop();
    await city?.close();
  }, 60_000);

  it('every acknowledged record survives; agents take over within 1 s and hand back; nothing lost or duplicated after the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-crash-'));
    const db = join(dir, 'centre.db');
    const { scenario, network } = loadScenario('small');
    const setup = await storedMarks(db);
    const credentials = await provisionAgents(setup, network.intersections.map((x) => x.id), Date.now());
    await setup.close();
    city = await CabinetCity.start({ scenario, network, protocol: 'mixed', basePort: await portBlock(), warmupS: 60 });
    const port = await freePort();
    const agents = buildFleet({ city, centreUrl: `http://127.0.0.1:${port}`, credentials, dataDir: dir, config: { maxInFlight: 400 } });
    // a backlog in every outbox (as after a long outage): measurements 1..PREFILL, replayed when the centre is up
    const lanes = new Map<string, number>();
    const now = Date.now();
    for (const a of agents) {
      const j = city.twin.junctions.find((x) => x.id === a.config.intersectionId)!;
      const sample = readJunction(j, now, 1);
      lanes.set(a.config.intersectionId, sample.length);
      for (let k = 0; k < PREFILL; k++) {
        const t = now - (PREFILL - k) * 1000;
        a.outbox.append({ type: 'measurement', timeMs: t, lanes: sample.map((l) => ({ ...l, timeMs: t })) }, t);
      }
    }
    centre = await startCentre(db, port);
    host = new AgentHost(agents);
    await host.start();
    const total = PREFILL * agents.length;
    await until('part of the backlog acknowledged', () => agents.reduce((n, a) => n + a.stats.ackedSeq, 0) > total * 0.05, 60_000, 2);
    const killedAt = performance.now();
    centre.kill('SIGKILL');
    await new Promise((resolve) => centre!.once('exit', resolve));
    const acked = new Map(agents.map((a) => [a.config.agentId, a.stats.ackedSeq]));
    const backlog = agents.reduce((n, a) => n + a.outbox.size, 0);
    expect(backlog, 'the kill came while ingest was still busy').toBeGreaterThan(0);
    console.log(`SIGKILL with ${[...acked.values()].reduce((a, b) => a + b, 0)} messages acknowledged and ${backlog} still in outboxes`);
    // centre gone: every agent drives its cabinet itself within 1 s
    await until('local control', () => agents.every((a) => a.control === 'local'), 5000, 10);
    expect(performance.now() - killedAt).toBeLessThan(1000);

    const afterKill = await storedMarks(db);
    for (const a of agents) {
      const row = await afterKill.agent(a.config.agentId);
      const mark = Number(row!.last_seq);
      expect(mark, `${a.config.agentId}: stored mark vs acknowledged`).toBeGreaterThanOrEqual(acked.get(a.config.agentId)!);
      if (mark <= PREFILL) {
        const rows = await afterKill.measurements(a.config.intersectionId, 0, Number.MAX_SAFE_INTEGER, '1m');
        expect(rows.reduce((s, r) => s + r.samples, 0), `${a.config.agentId}: samples up to the mark`).toBe(mark * lanes.get(a.config.intersectionId)!);
      }
    }
    await afterKill.close();

    // restart: agents replay from the centre's mark and hand back
    centre = await startCentre(db, port);
    await until('back under the centre', () => agents.every((a) => a.control === 'centre' && a.connected), 30_000);
    await until('commands applied again', () => agents.every((a) => a.stats.commandsApplied > 0), 30_000);
    await Promise.all(agents.map((a) => a.drain(60_000)));
    // agents stop first, so losing the centre now adds nothing to their outboxes
    await host.stop();
    host = null;
    centre.kill('SIGTERM');
    await new Promise((resolve) => centre!.once('exit', resolve));
    centre = null;
    const final = await storedMarks(db);
    for (const a of agents) {
      const id = a.config.intersectionId;
      const rows = await final.measurements(id, 0, Number.MAX_SAFE_INTEGER, '1m');
      expect(Number((await final.agent(a.config.agentId))!.last_seq)).toBe(a.outbox.nextSeq - 1);
      expect(rows.reduce((s, r) => s + r.samples, 0), `${id} samples`).toBe((PREFILL + a.stats.measurements) * lanes.get(id)!);
      expect(await final.eventCount(id), `${id} events`).toBe(a.stats.eventsLogged);
      expect((await final.alarms({ intersectionId: id, limit: 100_000 })).length, `${id} alarms`).toBe(a.stats.alarms);
    }
    await final.close();
  }, 240_000);
});
