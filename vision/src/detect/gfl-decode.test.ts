import { describe, expect, it } from 'vitest';
import { decodeGflLevel, expectedBin, gflCellBox, type GflLevel } from './gfl-decode.ts';

const BINS = 11;

/** Logits whose softmax puts probability `p` on bin `a` and 1 - p on bin `b` (others ~0). */
function twoBinLogits(a: number, b: number, p: number): number[] {
  const logits = Array<number>(BINS).fill(-50);
  logits[a] = Math.log(p);
  logits[b] = Math.log(1 - p);
  return logits;
}

function level(gridWidth: number, stride: number, classCount: number): GflLevel {
  const cells = gridWidth * gridWidth;
  return { scores: new Float32Array(cells * classCount), distributions: new Float32Array(cells * 4 * BINS), stride, gridWidth };
}

describe('GFL decode', () => {
  it('takes the expectation of the softmax over the bins', () => {
    expect(expectedBin(twoBinLogits(2, 4, 0.5), 0, BINS)).toBeCloseTo(3, 9);
    expect(expectedBin(twoBinLogits(0, 10, 0.25), 0, BINS)).toBeCloseTo(7.5, 9);
    // equal logits: uniform over 0..10, mean 5
    expect(expectedBin(Array<number>(BINS).fill(3), 0, BINS)).toBeCloseTo(5, 9);
  });

  it('gives centre ± distance × stride for a known cell', () => {
    const grid = level(4, 8, 2);
    const cell = 6; // column 2, row 1: centre (20, 12)
    const sides = [twoBinLogits(1, 1, 0.5), twoBinLogits(2, 2, 0.5), twoBinLogits(0, 2, 0.5), twoBinLogits(3, 5, 0.5)];
    sides.forEach((logits, side) => grid.distributions.set(logits, cell * 4 * BINS + side * BINS));
    const [x1, y1, x2, y2] = gflCellBox(grid, cell, BINS);
    expect(x1).toBeCloseTo(20 - 1 * 8, 6);
    expect(y1).toBeCloseTo(12 - 2 * 8, 6);
    expect(x2).toBeCloseTo(20 + 1 * 8, 6);
    expect(y2).toBeCloseTo(12 + 4 * 8, 6);
  });

  it('keeps (cell, class) pairs at or above the threshold, only for the requested classes', () => {
    const grid = level(2, 32, 3);
    grid.scores.set([0.9, 0.1, 0.6], 0 * 3); // cell 0: class 0 and 2
    grid.scores.set([0.2, 0.5, 0.49], 3 * 3); // cell 3: class 1
    const all = decodeGflLevel(grid, { classCount: 3, binCount: BINS, scoreThreshold: 0.5 });
    expect(all.map(({ classIndex, score }) => [classIndex, Number(score.toFixed(2))])).toEqual([
      [0, 0.9],
      [2, 0.6],
      [1, 0.5],
    ]);
    // uniform distributions: 5 bins × 32 px on each side of the centre (48, 48) of cell 3
    expect(all[2]?.box.map((value) => Number(value.toFixed(3)))).toEqual([48 - 160, 48 - 160, 48 + 160, 48 + 160]);
    const onlyClass2 = decodeGflLevel(grid, { classCount: 3, binCount: BINS, scoreThreshold: 0.5, classIndices: [2] });
    expect(onlyClass2).toHaveLength(1);
    expect(onlyClass2[0]?.classIndex).toBe(2);
  });

  it('rejects outputs that do not match the class and bin counts', () => {
    const grid = level(2, 8, 3);
    expect(() => decodeGflLevel(grid, { classCount: 3, binCount: 8, scoreThreshold: 0.5 })).toThrow(/do not fit 3 classes and 8 bins/);
  });
});
