import { describe, expect, it } from 'vitest';
import type { Box } from './detection.ts';
import { intersectionOverUnion, nonMaxSuppression } from './nms.ts';

const item = (name: string, score: number, box: Box, group = 'vehicle') => ({ name, score, box, group });

describe('IoU', () => {
  it('is 1 for equal boxes, 0 for disjoint or touching ones, and the area ratio otherwise', () => {
    expect(intersectionOverUnion([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(intersectionOverUnion([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(intersectionOverUnion([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150, 12);
    expect(intersectionOverUnion([0, 0, 0, 10], [0, 0, 0, 10])).toBe(0);
  });
});

describe('non-maximum suppression', () => {
  it('merges overlapping boxes of different vehicle classes into the best one and keeps distant ones', () => {
    const kept = nonMaxSuppression(
      [item('truck', 0.6, [102, 101, 200, 182]), item('car', 0.8, [100, 100, 200, 180]), item('car far away', 0.4, [400, 300, 480, 360]), item('bus', 0.5, [98, 95, 205, 185])],
      { iouThreshold: 0.5, groupOf: (entry) => entry.group },
    );
    expect(kept.map((entry) => entry.name)).toEqual(['car', 'car far away']);
  });

  it('lets groups overlap each other (a rider over a motorbike is not suppressed)', () => {
    const kept = nonMaxSuppression([item('motorbike', 0.7, [100, 120, 160, 200]), item('person', 0.9, [102, 100, 158, 190], 'person')], {
      iouThreshold: 0.5,
      groupOf: (entry) => entry.group,
    });
    expect(kept.map((entry) => entry.name)).toEqual(['person', 'motorbike']);
  });

  it('keeps boxes whose overlap is at or under the threshold and honours maxDetections', () => {
    const boxes = [item('a', 0.9, [0, 0, 10, 10]), item('b', 0.8, [5, 0, 15, 10]), item('c', 0.7, [100, 0, 110, 10])];
    expect(nonMaxSuppression(boxes, { iouThreshold: 0.34 }).map((entry) => entry.name)).toEqual(['a', 'b', 'c']);
    expect(nonMaxSuppression(boxes, { iouThreshold: 0.3 }).map((entry) => entry.name)).toEqual(['a', 'c']);
    expect(nonMaxSuppression(boxes, { iouThreshold: 0.34, maxDetections: 2 }).map((entry) => entry.name)).toEqual(['a', 'b']);
  });
});
