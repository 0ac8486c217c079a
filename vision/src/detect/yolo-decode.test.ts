import { describe, expect, it } from 'vitest';
import { decodeYolo, detectYoloLayout } from './yolo-decode.ts';

describe('YOLO layout detection', () => {
  it('tells v5 rows from v8 columns by the class count', () => {
    expect(detectYoloLayout([1, 25200, 85], 80)).toBe('yolov5');
    expect(detectYoloLayout([1, 84, 8400], 80)).toBe('yolov8');
    // few candidates: the class count decides where the longer-axis rule would guess wrong
    expect(detectYoloLayout([1, 3, 7], 2)).toBe('yolov5');
    expect(detectYoloLayout([1, 7, 2], 3)).toBe('yolov8');
  });

  it('falls back to the longer axis holding the candidates', () => {
    expect(detectYoloLayout([1, 6300, 9])).toBe('yolov5');
    expect(detectYoloLayout([1, 6, 2100])).toBe('yolov8');
    expect(() => detectYoloLayout([2100, 6])).toThrow(/should be \[1, a, b\]/);
  });
});

describe('YOLO decode', () => {
  it('decodes v5 rows: centre/size to corners, score = objectness × class score', () => {
    // 3 candidates, 2 classes: [cx, cy, w, h, obj, c0, c1]
    const rows = [
      [100, 50, 40, 20, 0.9, 0.1, 0.8], // class 1, 0.72
      [10, 10, 4, 4, 0.2, 0.9, 0.9], // objectness too low
      [300, 200, 100, 60, 0.8, 0.7, 0.6], // class 0 (0.56) and class 1 (0.48)
    ];
    const candidates = decodeYolo(Float32Array.from(rows.flat()), [1, 3, 7], { layout: 'yolov5', scoreThreshold: 0.45 });
    expect(candidates.map((candidate) => ({ ...candidate, score: Number(candidate.score.toFixed(3)) }))).toEqual([
      { classIndex: 1, score: 0.72, box: [80, 40, 120, 60] },
      { classIndex: 0, score: 0.56, box: [250, 170, 350, 230] },
      { classIndex: 1, score: 0.48, box: [250, 170, 350, 230] },
    ]);
  });

  it('decodes v8 columns without objectness', () => {
    // features × candidates: rows cx, cy, w, h, c0, c1, c2 ; 2 candidates
    const features = [
      [64, 200],
      [32, 100],
      [16, 50],
      [8, 20],
      [0.1, 0.3],
      [0.95, 0.2],
      [0.2, 0.6],
    ];
    const candidates = decodeYolo(Float32Array.from(features.flat()), [1, 7, 2], { layout: 'yolov8', scoreThreshold: 0.5, classIndices: [1, 2] });
    expect(candidates).toEqual([
      { classIndex: 1, score: expect.closeTo(0.95, 6), box: [56, 28, 72, 36] },
      { classIndex: 2, score: expect.closeTo(0.6, 6), box: [175, 90, 225, 110] },
    ]);
  });

  it('rejects data that does not fit the shape', () => {
    expect(() => decodeYolo(new Float32Array(10), [1, 3, 7], { layout: 'yolov5', scoreThreshold: 0.5 })).toThrow(/does not fit/);
  });
});
