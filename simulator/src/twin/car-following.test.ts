import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../scenario-loader.ts';
import { quietScenario, singleJunctionNetwork } from '../testing/fixtures.ts';
import { krausNextSpeed, krausSafeSpeed } from './krauss.ts';
import { Twin } from './twin.ts';
import type { Vehicle } from './vehicle.ts';

describe('Krauss car-following', () => {
  it('never exceeds the safe speed or the top speed, never goes negative', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 20, noNaN: true }), // speed
        fc.double({ min: 0, max: 20, noNaN: true }), // leader speed
        fc.double({ min: -5, max: 200, noNaN: true }), // gap
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (speed, leaderSpeed, gap, uniform) => {
          const safe = krausSafeSpeed(gap, speed, leaderSpeed, 1, 4.5);
          const next = krausNextSpeed(speed, 13.9, safe, 2.6, 0.5, 1, uniform);
          expect(next).toBeGreaterThanOrEqual(0);
          expect(next).toBeLessThanOrEqual(Math.max(0, Math.min(13.9, speed + 2.6, safe)) + 1e-9);
        },
      ),
    );
  });

  it('a driver approaching a stopped obstacle from a stoppable distance stops before it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 16, noNaN: true }), fc.double({ min: 0, max: 150, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (speed0, extra, seed) => {
        const decel = 4.5;
        let gap = (speed0 * speed0) / (2 * decel) + speed0 + extra;
        let speed = speed0;
        for (let t = 0; t < 200; t++) {
          const safe = krausSafeSpeed(gap, speed, 0, 1, decel);
          speed = krausNextSpeed(speed, 16, safe, 2.6, 0.5, 1, ((seed * 7919 + t * 104729) % 1000) / 1000);
          gap -= speed;
          expect(gap).toBeGreaterThanOrEqual(-1e-9);
        }
      }),
    );
  });
});

/** Nearest vehicle ahead that shares space with v (cars take the whole lane, motorbikes one column). */
function leaderOf(vehicles: readonly Vehicle[], i: number): Vehicle | undefined {
  const v = vehicles[i]!;
  for (let k = i - 1; k >= 0; k--) {
    const u = vehicles[k]!;
    if (v.column < 0 || u.column < 0 || u.column === v.column) return u;
  }
  return undefined;
}

describe('the twin’s traffic', () => {
  it('never overlaps vehicles, never has negative speeds, keeps lanes ordered (whole city, 400 s at the peak)', () => {
    const { scenario, network } = loadScenario('danang');
    const twin = new Twin({ scenario: { ...scenario, warmupS: 0 }, network });
    let checked = 0;
    const faults: string[] = [];
    const fault = (text: string) => faults.length < 20 && faults.push(text);
    for (let s = 0; s < 400; s++) {
      twin.step();
      for (const lane of twin.rt.lanes) {
        const vehicles = lane.vehicles;
        for (let i = 0; i < vehicles.length; i++) {
          const v = vehicles[i]!;
          checked++;
          if (!(v.speed >= 0)) fault(`t=${s} vehicle ${v.id}: speed ${v.speed}`);
          if (v.speed > v.maxSpeedMps + 1e-9) fault(`t=${s} vehicle ${v.id}: speed ${v.speed} over its top speed`);
          if (i > 0 && vehicles[i - 1]!.pos < v.pos) fault(`t=${s} lane ${lane.id}: not ordered at ${i}`);
          const leader = leaderOf(vehicles, i);
          if (leader && leader.pos - leader.lengthM < v.pos - 1e-6) fault(`t=${s} lane ${lane.id}: vehicle ${v.id} overlaps ${leader.id}`);
          if (!v.onLastEdge && v.pos > lane.lengthM + 1e-9) fault(`t=${s} vehicle ${v.id} past the stop line of ${lane.id}`);
        }
      }
    }
    expect(faults).toEqual([]);
    expect(checked).toBeGreaterThan(300_000);
  });

  /** Vehicles per hour over the stop line of a one-lane approach with a standing queue and a long green. */
  function saturationFlow(className: 'car' | 'motorbike', seed: number): number {
    const twin = new Twin({ scenario: quietScenario({ seed }), network: singleJunctionNetwork({ mainLanes: 1 }) });
    const cabinet = twin.junctions[0]!.cabinet;
    cabinet.request({ mode: 'centre', stage: [2] }); // side street green: a queue builds on the main street
    for (let i = 0; i < 500; i++) twin.inject(['in-W', 'out-E'], className, i * 0.25);
    const lane = twin.rt.edgeById.get('in-W')!.lanes[0]!;
    const crossings: number[] = [];
    for (let s = 0; s < 300; s++) {
      cabinet.request(s === 120 ? { stage: [1] } : { heartbeat: true });
      const before = lane.crossCount;
      twin.step();
      crossings.push(lane.crossCount - before);
    }
    const first = crossings.findIndex((c) => c > 0);
    // skip start-up lost time, then 120 s of saturated discharge
    return crossings.slice(first + 10, first + 130).reduce((a, b) => a + b, 0) * 30;
  }

  it('a saturated through lane of cars discharges 1,800-1,900 veh/h', () => {
    const flows = [1, 2, 3, 4].map((seed) => saturationFlow('car', seed));
    const mean = flows.reduce((a, b) => a + b, 0) / flows.length;
    expect(mean).toBeGreaterThanOrEqual(1800);
    expect(mean).toBeLessThanOrEqual(1900);
  });

  it('motorbikes two abreast discharge far more per lane than cars (4,000-6,500/h)', () => {
    const flow = saturationFlow('motorbike', 1);
    expect(flow).toBeGreaterThan(4000);
    expect(flow).toBeLessThan(6500);
  });

  it('queues back up into the upstream link when a lane is full (spillback), and nobody enters a blocked junction', () => {
    const twin = new Twin({ scenario: quietScenario(), network: singleJunctionNetwork({ mainLanes: 1, legM: 150 }) });
    const cabinet = twin.junctions[0]!.cabinet;
    cabinet.request({ mode: 'centre', stage: [2] });
    for (let i = 0; i < 200; i++) twin.inject(['in-W', 'out-E'], 'car', i * 0.5);
    for (let s = 0; s < 200; s++) {
      cabinet.request({ heartbeat: true });
      twin.step();
    }
    const approach = twin.rt.edgeById.get('in-W')!.lanes[0]!;
    // the 150 m approach holds ~21 cars at 7 m each; the rest wait to enter the network
    expect(approach.vehicles.length).toBeGreaterThanOrEqual(19);
    expect(approach.vehicles.length).toBeLessThanOrEqual(22);
    expect(twin.waitingToEnter).toBeGreaterThan(100);
    expect(approach.crossCount).toBe(0);
  });
});
