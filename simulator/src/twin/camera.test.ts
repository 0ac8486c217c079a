import { describe, expect, it } from 'vitest';
import { quietScenario, singleJunctionNetwork } from '../testing/fixtures.ts';
import { laneQueue, readJunction } from './camera.ts';
import { Twin } from './twin.ts';

describe('perfect camera', () => {
  function queuedTwin() {
    const twin = new Twin({ scenario: quietScenario(), network: singleJunctionNetwork({ mainLanes: 1 }) });
    const cabinet = twin.junctions[0]!.cabinet;
    cabinet.request({ mode: 'centre', stage: [2] }); // main street red
    for (let i = 0; i < 10; i++) twin.inject(['in-W', 'out-E'], 'car', i * 2);
    for (let i = 0; i < 6; i++) twin.inject(['in-W', 'out-E'], 'motorbike', 30 + i);
    for (let s = 0; s < 150; s++) {
      cabinet.request({ heartbeat: true });
      twin.step();
    }
    return { twin, cabinet };
  }

  it('measures a standing queue in metres, vehicles and PCU at a red light', () => {
    const { twin } = queuedTwin();
    const lane = twin.rt.edgeById.get('in-W')!.lanes[0]!;
    const queue = laneQueue(lane);
    expect(queue.vehicles).toBe(16);
    expect(queue.pcu).toBeCloseTo(10 + 6 * 0.3, 5);
    // 10 cars at 4.5 m + 2.5 m gap, then 6 motorbikes two abreast (3 ranks of 1.9 m + 1 m)
    expect(queue.lengthM).toBeGreaterThan(10 * 7 + 3 * 2.9 - 4);
    expect(queue.lengthM).toBeLessThan(10 * 7 + 3 * 2.9 + 4);
    const m = readJunction(twin.junctions[0]!, 150_000, 1).find((x) => x.approachId === 'W')!;
    expect(m.queueVehicles).toBe(16);
    expect(m.presentByClass.car + m.presentByClass.motorbike).toBe(m.vehiclesInZone);
    expect(m.meanSpeedMps).toBeCloseTo(0, 1);
    expect(m.occupancy).toBeGreaterThan(0.5);
    expect(m.densityVehPerKm).toBeCloseTo((m.vehiclesInZone / m.zoneLengthM) * 1000, 6);
  });

  it('counts each vehicle once at the stop line, per class, when the light turns green', () => {
    const { twin, cabinet } = queuedTwin();
    const junction = twin.junctions[0]!;
    readJunction(junction, 0, 1); // reset counters
    cabinet.request({ stage: [1] });
    const counts = { car: 0, motorbike: 0, total: 0, pcu: 0 };
    for (let s = 0; s < 90; s++) {
      cabinet.request({ heartbeat: true });
      twin.step();
      const m = readJunction(junction, (151 + s) * 1000, 1).find((x) => x.approachId === 'W')!;
      counts.car += m.countByClass.car;
      counts.motorbike += m.countByClass.motorbike;
      counts.total += m.count;
      counts.pcu += m.countPcu;
    }
    expect(counts).toEqual({ car: 10, motorbike: 6, total: 16, pcu: expect.closeTo(11.8, 5) });
    expect(laneQueue(twin.rt.edgeById.get('in-W')!.lanes[0]!).vehicles).toBe(0);
  });
});
