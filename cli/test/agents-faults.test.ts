import { setTimeout as sleep } from 'node:timers/promises';
import { AgentConfig, loadFile } from '@greenwave/contracts';
import { EdgeAgent } from '@greenwave/edge-agent';
import { readJunction } from '@greenwave/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Deployed, deploySmall, laneCount, storedFor, until } from './deploy-harness.ts';

/** Every measurement, event batch and alarm an agent took is stored exactly once (sample counts would show a duplicate). */
async function expectExactlyOnce(d: Deployed, agents: readonly EdgeAgent[], extra = new Map<string, { measurements: number; events: number; alarms: number }>()) {
  for (const a of agents) {
    const id = a.config.intersectionId;
    const before = extra.get(id) ?? { measurements: 0, events: 0, alarms: 0 };
    const stored = await storedFor(d.centre!.store, id, a.config.agentId);
    expect(a.outbox.size, `${id} outbox`).toBe(0);
    expect(stored.lastSeq, `${id} mark`).toBe(a.outbox.nextSeq - 1);
    expect(stored.samples, `${id} lane samples`).toBe((before.measurements + a.stats.measurements) * laneCount(d, id));
    expect(stored.samples15, `${id} 15-minute samples`).toBe(stored.samples);
    expect(stored.events, `${id} events`).toBe(before.events + a.stats.eventsLogged);
    expect(stored.alarms, `${id} alarms`).toBe(before.alarms + a.stats.alarms);
  }
}

describe('store-and-forward under link faults (small town through a faulty link)', () => {
  let d: Deployed;
  beforeAll(async () => {
    d = await deploySmall({ link: true });
    await until('every agent under centre control', () => d.agents.every((a) => a.connected && a.control === 'centre'), 30_000);
  }, 120_000);
  afterAll(async () => {
    await d?.stop();
  }, 60_000);

  it('100 random disconnects and reconnects: nothing lost, nothing duplicated', async () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let cuts = 0;
    while (cuts < 100) {
      if (d.link!.cut(random())) cuts++;
      await sleep(40 + random() * 160);
    }
    expect(d.link!.cuts).toBe(100);
    const reconnects = d.agents.reduce((n, a) => n + a.stats.connects, 0);
    expect(reconnects).toBeGreaterThanOrEqual(d.agents.length + 50);
    await until('every agent reconnected', () => d.agents.every((a) => a.connected), 20_000);
    // keep the intersections we check below running; drain the rest and check them exactly
    const drained = d.agents.slice(2);
    await Promise.all(drained.map((a) => a.drain()));
    await d.centre!.flushIngest();
    await expectExactlyOnce(d, drained);
  }, 120_000);

  it('a silent centre: local control within 1 s; an agent restarted with a full outbox replays it; back under the centre', async () => {
    const [a0, a1] = d.agents as [EdgeAgent, EdgeAgent];
    await until('both under the centre', () => a0.control === 'centre' && a1.control === 'centre' && a0.connected && a1.connected);
    const commandsBefore = a1.stats.commandsApplied;
    const frozenAt = performance.now();
    d.link!.freeze();
    const took = await until('local control', () => a0.control === 'local' && a1.control === 'local', 5000, 10);
    expect(took).toBeLessThan(1000);
    // the cabinet acknowledged a local request within 1 s of the last word from the centre
    await until('a local request reached each cabinet', () => a0.stats.takeoverMs.length > 0 && a1.stats.takeoverMs.length > 0, 3000);
    expect(performance.now() - frozenAt).toBeLessThan(5000);
    expect(a1.stats.takeoverMs.at(-1)!).toBeLessThan(1000);
    await sleep(2500);
    // restart agent 0 while the centre is unreachable: its outbox holds what it took meanwhile
    await a0.stop();
    const kept = a0.outbox.size;
    expect(kept).toBeGreaterThan(0);
    const file = `${d.dir}/agents/${encodeURIComponent(a0.config.intersectionId)}.json`;
    const config = loadFile(AgentConfig, file);
    const junction = d.city.twin.junctions.find((j) => j.id === config.intersectionId)!;
    const restarted = new EdgeAgent(config, { intersection: junction.intersection, source: { read: (t) => readJunction(junction, t, 1) } });
    expect(restarted.outbox.size).toBe(kept);
    await restarted.start();
    d.agents[0] = restarted;
    d.link!.thaw();
    await until('back under the centre', () => restarted.control === 'centre' && a1.control === 'centre' && restarted.connected && a1.connected, 10_000);
    await until('centre commands again', () => a1.stats.commandsApplied > commandsBefore, 10_000);
    await Promise.all([restarted.drain(), a1.drain()]);
    await d.centre!.flushIngest();
    await expectExactlyOnce(d, [a1]);
    await expectExactlyOnce(d, [restarted], new Map([[a0.config.intersectionId, { measurements: a0.stats.measurements, events: a0.stats.eventsLogged, alarms: a0.stats.alarms }]]));
  }, 120_000);
});
