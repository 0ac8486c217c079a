import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Box, Candidate } from './detection.ts';
import { computeLetterbox } from './letterbox.ts';
import { intersectionOverUnion } from './nms.ts';
import { finishDetections } from './postprocess.ts';

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
