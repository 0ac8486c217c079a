import type { Box } from './detection.ts';

export function boxArea(box: Box): number {
  return Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
}

export function intersectionArea(a: Box, b: Box): number {
  const width = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const height = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return width > 0 && height > 0 ? width * height : 0;
}

/** Intersection over union, 0 for disjoint or empty boxes. */
export function intersectionOverUnion(a: Box, b: Box): number {
  const intersection = intersectionArea(a, b);
  if (intersection === 0) return 0;
  return intersection / (boxArea(a) + boxArea(b) - intersection);
}

export interface NmsOptions<T> {
  /** Boxes overlapping a better one by more than this IoU are dropped. */
  iouThreshold: number;
  /** Only items of one group suppress each other (e.g. all vehicle classes together, persons apart). */
  groupOf?: (item: T) => string | number;
  maxDetections?: number;
}

/** Greedy non-maximum suppression: best score first, dropping overlapping items of the same group. */
export function nonMaxSuppression<T extends { score: number; box: Box }>(items: readonly T[], options: NmsOptions<T>): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  const limit = options.maxDetections ?? Number.POSITIVE_INFINITY;
  for (const item of sorted) {
    if (kept.length >= limit) break;
    const group = options.groupOf?.(item);
    const suppressed = kept.some((other) => (options.groupOf === undefined || options.groupOf(other) === group) && intersectionOverUnion(item.box, other.box) > options.iouThreshold);
    if (!suppressed) kept.push(item);
  }
  return kept;
}
