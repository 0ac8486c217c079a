import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Deployed, deploySmall, until } from './deploy-harness.ts';

describe('agents and centre on loopback (small town, 15 intersections, Modbus TCP and OPC UA)', () => {
  let d: Deployed;
  beforeAll(async () => {
    d = await deploySmall();
  }, 120_000);
  afterAll(async () => {
    await d?.stop();
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
    const first = d.agents[0]!;
    const rows = await centre.store.measurements(first.config.intersectionId, 0, Date.now() + 60_000, '1m');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.reduce((s, r) => s + r.samples, 0)).toBeGreaterThanOrEqual(first.stats.measurements - first.outbox.size);
  }, 90_000);
});
