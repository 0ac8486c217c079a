import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Box, Candidate } from './detection.ts';
import { computeLetterbox } from './letterbox.ts';
import { boxArea, intersectionArea, intersectionOverUnion } from './nms.ts';
import { finishDetections, withoutVehicleParts } from './postprocess.ts';

const classMap = { 0: 'person', 1: 'bicycle', 2: 'car', 3: 'motorbike' } as const;
const letterbox = computeLetterbox(416, 416, 416, 416);
const options = { classMap, iouThreshold: 0.5, maxDetections: 100, fuseRiders: true, classes: undefined };

const box = fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 10, max: 80 }), fc.integer({ min: 10, max: 80 })).map(([x, y, w, h]): Box => [x, y, x + w, y + h]);
const candidate = fc.record({ classIndex: fc.constantFrom(0, 1, 2, 3), score: fc.double({ min: 0.1, max: 1, noNaN: true }), box });

describe('finishing detections', () => {
  it('never reports two vehicles overlapping by more than the NMS threshold, also after rider fusion (property)', () => {
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 14 }), (candidates: Candidate[]) => {
        const vehicles = finishDetections(candidates, letterbox, options).filter((d) => d.class !== 'person');
        for (const [i, a] of vehicles.entries()) for (const b of vehicles.slice(i + 1)) expect(intersectionOverUnion(a.box, b.box)).toBeLessThanOrEqual(0.5);
      }),
      { numRuns: 500 },
    );
  });
});

describe('vehicle parts', () => {
  it('drops a bike without its rider inside the whole motorbike, keeps the bike behind and the bike beside', () => {
    const whole = { class: 'motorbike' as const, score: 0.55, box: [470, 223, 509, 295] as Box };
    const part = { class: 'motorbike' as const, score: 0.33, box: [473, 252, 499, 297] as Box };
    const behind = { class: 'motorbike' as const, score: 0.3, box: [472, 200, 505, 270] as Box };
    const beside = { class: 'motorbike' as const, score: 0.3, box: [495, 224, 530, 296] as Box };
    expect(withoutVehicleParts([whole, part, behind, beside])).toEqual([whole, behind, beside]);
    // the better-scoring one is the whole: a part scoring higher than its whole keeps both
    expect(withoutVehicleParts([{ ...whole, score: 0.2 }, part])).toHaveLength(2);
  });

  it('keeps a car at the bottom of a box over most of the frame (no vehicle part is that small a share of its whole)', () => {
    const frameWide = { class: 'bus' as const, score: 0.31, box: [206, 1, 637, 339] as Box };
    const car = { class: 'car' as const, score: 0.3, box: [336, 195, 424, 300] as Box };
    expect(withoutVehicleParts([frameWide, car])).toEqual([frameWide, car]);
  });

  it('never reports a vehicle mostly inside a better one on the same ground line (property)', () => {
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 14 }), (candidates: Candidate[]) => {
        const vehicles = finishDetections(candidates, letterbox, options).filter((d) => d.class !== 'person');
        for (const a of vehicles) {
          for (const b of vehicles) {
            if (a === b || a.score >= b.score) continue;
            const inside = intersectionArea(a.box, b.box) / boxArea(a.box);
            const share = boxArea(a.box) / boxArea(b.box);
            expect(inside >= 0.75 && share >= 0.25 && Math.abs(a.box[3] - b.box[3]) <= 0.12 * (b.box[3] - b.box[1])).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
