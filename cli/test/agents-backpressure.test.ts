import { setTimeout as sleep } from 'node:timers/promises';
import { readJunction } from '@greenwave/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Deployed, deploySmall, laneCount, storedFor, until } from './deploy-harness.ts';

/**
 * The two bounds of store-and-forward: an agent whose outbox is full stops keeping new measurements (counted as
 * dropped; events and alarms are still kept), and a centre whose ingest queue is full answers `overloaded`, the
 * agent pauses and resends from its outbox. Neither may lose or duplicate anything that was kept.
 */
describe('back-pressure: a full outbox and a busy centre', () => {
  let d: Deployed;
  beforeAll(async () => {
    // a centre that holds at most 3 messages for its group commit, agents with the smallest outbox allowed
    d = await deploySmall({ intersections: 3, link: true, ingestQueueLimit: 3, agentConfig: { maxOutboxRows: 100 } });
    await until('every agent under centre control', () => d.agents.every((a) => a.connected && a.control === 'centre'), 30_000);
  }, 120_000);
  afterAll(async () => {
    await d?.stop();
  }, 60_000);

  it('a full outbox drops new measurements only; the busy centre makes agents resend; every kept record stored once', async () => {
    const [a0] = d.agents;
    d.link!.freeze();
    await until('local control', () => d.agents.every((a) => a.control === 'local'), 5000, 20);
    // fill agent 0's outbox to its limit with real readings of its junction (as after ~100 s without the centre)
    const junction = d.city.twin.junctions.find((j) => j.id === a0!.config.intersectionId)!;
    const now = Date.now();
    let filled = 0;
    while (a0!.outbox.size < 100) {
      a0!.outbox.append({ type: 'measurement', timeMs: now - (200 - filled) * 1000, lanes: readJunction(junction, now, 1) }, now);
      filled++;
    }
    const droppedBefore = a0!.stats.measurementsDropped;
    const eventsBefore = a0!.stats.eventsLogged;
    await sleep(3000);
    expect(a0!.stats.measurementsDropped - droppedBefore).toBeGreaterThanOrEqual(2);
    // events are still kept beyond the limit (the signal keeps changing under local control)
    expect(a0!.stats.eventsLogged).toBeGreaterThan(eventsBefore);
    const measurementRows = a0!.outbox.after(0, 10_000).filter((m) => m.type === 'measurement').length;
    expect(measurementRows).toBeLessThanOrEqual(100);

    const refused = async () => (await d.centre!.metrics.overloaded.get()).values.reduce((n, v) => n + v.value, 0);
    const busyBefore = await refused();
    d.link!.thaw();
    await until('back under the centre', () => d.agents.every((a) => a.connected && a.control === 'centre'), 15_000);
    await Promise.all(d.agents.map((a) => a.drain()));
    await d.centre!.flushIngest();
    // the replay of ~100 rows against a queue of 3 must have been refused at least once, and recovered
    expect(a0!.stats.centreBusy).toBeGreaterThan(0);
    expect(await refused()).toBeGreaterThan(busyBefore);

    for (const a of d.agents) {
      const id = a.config.intersectionId;
      const stored = await storedFor(d.centre!.store, id, a.config.agentId);
      const kept = a.stats.measurements + (a === a0 ? filled : 0);
      expect(a.outbox.size, `${id} outbox`).toBe(0);
      expect(stored.lastSeq, `${id} mark`).toBe(a.outbox.nextSeq - 1);
      expect(stored.samples, `${id} lane samples`).toBe(kept * laneCount(d, id));
      expect(stored.events, `${id} events`).toBe(a.stats.eventsLogged);
      expect(stored.alarms, `${id} alarms`).toBe(a.stats.alarms);
    }
  }, 120_000);
});
