import type { ApproachVehicle, ApproachView } from '@greenwave/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeVehicle } from '../src/synthetic/approach-geometry.ts';
import { DEFAULT_LATERAL_SPEEDS, LaneChangeSmoother } from '../src/synthetic/lane-change-smoother.ts';

const lanes = [0, 1, 2].map((index) => ({ index, widthM: 3.5 }));
const view = (timeS: number, vehicles: ApproachVehicle[]): ApproachView => ({ intersectionId: 'j', approachId: 'N', timeS, lanes, vehicles });
const vehicle = (laneIndex: number, column: number, vehicleClass: ApproachVehicle['class'] = 'car'): ApproachVehicle => ({
  id: 7,
  class: vehicleClass,
  laneIndex,
  column,
  columns: column < 0 ? 1 : 2,
  distanceM: 30,
  lengthM: 4.5,
  speedMps: 0,
});

describe('lane change smoother', () => {
  it('slides a vehicle that the twin moved to another lane across at the lateral speed, then leaves it in its lane', () => {
    const smoother = new LaneChangeSmoother(1);
    const x = (v: ApproachView) => placeVehicle(v, v.vehicles[0]!, 1).x;
    const start = x(smoother.smooth(view(0, [vehicle(0, -1)])));
    const drawn = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4].map((t) => x(smoother.smooth(view(t, [vehicle(1, -1)]))));
    const target = placeVehicle(view(0, []), vehicle(1, -1), 1).x;
    expect(start - target).toBeGreaterThan(3); // lane 1 lies 3.5 m towards the median
    expect(start - drawn[0]!).toBeCloseTo(0.6, 6); // 1.2 m/s for 0.5 s
    expect(drawn[4]! - target).toBeCloseTo(start - target - 3, 6);
    expect(drawn.at(-1)).toBeCloseTo(target, 9);
  });

  it('never moves a vehicle across faster than its lateral speed, and ends every change in the twin lane (property)', () => {
    const change = fc.record({ laneIndex: fc.integer({ min: 0, max: 2 }), column: fc.integer({ min: -1, max: 1 }), motorbike: fc.boolean(), dt: fc.double({ min: 0.05, max: 2, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 30 }), (changes) => {
        const smoother = new LaneChangeSmoother(3);
        let t = 0;
        let previous: number | undefined;
        for (const c of changes) {
          t += c.dt;
          const v = vehicle(c.laneIndex, c.column, c.motorbike ? 'motorbike' : 'car');
          const smoothed = smoother.smooth(view(t, [v]));
          const drawn = placeVehicle(smoothed, smoothed.vehicles[0]!, 3).x;
          const speed = c.motorbike ? DEFAULT_LATERAL_SPEEDS.motorbike : DEFAULT_LATERAL_SPEEDS.other;
          if (previous !== undefined) expect(Math.abs(drawn - previous)).toBeLessThanOrEqual(speed * c.dt + 1e-9);
          previous = drawn;
        }
        // long enough after the last change, it is drawn where the twin puts it
        const last = changes.at(-1)!;
        const v = vehicle(last.laneIndex, last.column, last.motorbike ? 'motorbike' : 'car');
        let settled = view(t, [v]);
        for (let k = 1; k <= 10; k++) settled = smoother.smooth(view(t + k, [v])); // up to 2 lanes (7 m) at >= 1.2 m/s
        expect(placeVehicle(settled, settled.vehicles[0]!, 3).x).toBeCloseTo(placeVehicle(view(0, []), v, 3).x, 9);
      }),
    );
  });
});
