import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@greenwave/controller';
import { storeTargets } from '../../controller/test/storage-harness.ts';
import { type Deployed, deploySmall, until } from './deploy-harness.ts';

// the whole loop on every storage dialect: SQLite always, PostgreSQL when DATABASE_URL is set (CI)
for (const target of storeTargets()) describe(`agents and centre on loopback, ${target.name} (small town, 15 intersections, Modbus TCP and OPC UA)`, () => {
  let d: Deployed;
  let cleanup = async () => {};
  beforeAll(async () => {
    const opened = await target.open();
    cleanup = opened.cleanup;
    d = await deploySmall({ store: opened.store });
  }, 120_000);
  afterAll(async () => {
    await d?.stop();
    await cleanup().catch(() => {});
  }, 60_000);

  it('measurements flow in, decisions reach the cabinets, signal events are stored', async () => {
    const centre = d.centre!;
    await until('every agent under centre control', () => d.agents.every((a) => a.connected && a.control === 'centre'), 20_000);
    // every cabinet accepts decisions made at the centre
    await until('a command applied at every cabinet', () => d.agents.every((a) => a.stats.commandsApplied > 0), 20_000);
    await until('events stored', async () => (await centre.store.eventCount()) > 20, 20_000);
    await centre.flushIngest();
    for (const a of d.agents) {
      expect(a.stats.commandsRefused, a.config.agentId).toBe(0);
      const live = centre.live[centre.byId.get(a.config.intersectionId)!]!;
      expect(live.online).toBe(true);
      expect(live.status?.control).toBe('centre');
      expect(live.lastCommand?.accepted).not.toBe(false);
    }
    // the event log comes out of the API in the ATSPM hi-res format, phase by phase
    await centre.store.createUser('ops', await hashPassword('operator pass'), 'operator', Date.now());
    const login = (await (await fetch(`${centre.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ops', password: 'operator pass' }) })).json()) as { token: string };
    await until('phase changes logged at some intersection', () => d.agents.some((a) => a.stats.eventsLogged >= 6 && a.outbox.size === 0), 30_000, 200);
    const id = d.agents.find((a) => a.stats.eventsLogged >= 6)!.config.intersectionId;
    const csv = await (await fetch(`${centre.url}/api/intersections/${id}/events.csv?from=${Date.now() - 600_000}`, { headers: { authorization: `Bearer ${login.token}` } })).text();
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('SignalId,Timestamp,EventCode,EventParam');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`^${id},\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d,(1|7|8|9|10|11|173),\\d+$`));
    const codes = new Set(lines.slice(1).map((l) => l.split(',')[2]));
    expect(codes.has('1') && codes.has('8')).toBe(true);
    const first = d.agents[0]!;
    const rows = await centre.store.measurements(first.config.intersectionId, 0, Date.now() + 60_000, '1m');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.reduce((s, r) => s + r.samples, 0)).toBeGreaterThanOrEqual(first.stats.measurements - first.outbox.size);
  }, 90_000);
});
