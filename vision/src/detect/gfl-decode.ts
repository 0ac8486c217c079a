import type { Box, Candidate } from './detection.ts';

/**
 * Decoding of NanoDet's Generalized Focal Loss head. Per level (stride 8, 16, 32) the model gives, for each grid
 * cell in row-major order, the class scores (already sigmoid) and for each side (left, top, right, bottom) a
 * distribution over `binCount` distances; the distance is the expectation of the softmax, times the stride,
 * measured from the cell centre.
 */

export interface GflLevel {
  /** [cells, classCount] */
  scores: Float32Array;
  /** [cells, 4 * binCount] */
  distributions: Float32Array;
  stride: number;
  /** Cells per row: ceil(inputWidth / stride). */
  gridWidth: number;
}

export interface GflDecodeOptions {
  classCount: number;
  /** 11 for NanoDet (reg_max 10). */
  binCount: number;
  scoreThreshold: number;
  /** Only these class indices are decoded (default: all). */
  classIndices?: readonly number[];
}

/** Expected bin index of the softmax of `binCount` logits starting at `offset`. */
export function expectedBin(logits: ArrayLike<number>, offset: number, binCount: number): number {
  let maximum = Number.NEGATIVE_INFINITY;
  for (let bin = 0; bin < binCount; bin += 1) maximum = Math.max(maximum, logits[offset + bin] as number);
  let total = 0;
  let weighted = 0;
  for (let bin = 0; bin < binCount; bin += 1) {
    const weight = Math.exp((logits[offset + bin] as number) - maximum);
    total += weight;
    weighted += weight * bin;
  }
  return weighted / total;
}

/** The box of one cell, in model-input pixels. */
export function gflCellBox(level: GflLevel, cell: number, binCount: number): Box {
  const centreX = ((cell % level.gridWidth) + 0.5) * level.stride;
  const centreY = (Math.floor(cell / level.gridWidth) + 0.5) * level.stride;
  const base = cell * 4 * binCount;
  const left = expectedBin(level.distributions, base, binCount) * level.stride;
  const top = expectedBin(level.distributions, base + binCount, binCount) * level.stride;
  const right = expectedBin(level.distributions, base + 2 * binCount, binCount) * level.stride;
  const bottom = expectedBin(level.distributions, base + 3 * binCount, binCount) * level.stride;
  return [centreX - left, centreY - top, centreX + right, centreY + bottom];
}

/** One candidate per (cell, class) whose score reaches the threshold. */
export function decodeGflLevel(level: GflLevel, options: GflDecodeOptions): Candidate[] {
  const { classCount, binCount, scoreThreshold } = options;
  const cells = level.scores.length / classCount;
  if (!Number.isInteger(cells) || level.distributions.length !== cells * 4 * binCount) {
    throw new RangeError(`GFL level (stride ${level.stride}): ${level.scores.length} scores and ${level.distributions.length} distribution values do not fit ${classCount} classes and ${binCount} bins`);
  }
  const classIndices = options.classIndices ?? Array.from({ length: classCount }, (_, index) => index);
  const candidates: Candidate[] = [];
  for (let cell = 0; cell < cells; cell += 1) {
    let box: Box | undefined;
    for (const classIndex of classIndices) {
      const score = level.scores[cell * classCount + classIndex] as number;
      if (score < scoreThreshold) continue;
      box ??= gflCellBox(level, cell, binCount);
      candidates.push({ classIndex, score, box });
    }
  }
  return candidates;
}
