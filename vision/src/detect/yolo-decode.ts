import type { Candidate } from './detection.ts';

/**
 * Decoding of standard YOLO ONNX exports (boxes as centre x, centre y, width, height in model-input pixels):
 * - `yolov5`: [1, N, 5 + C]: one row per candidate, objectness at index 4, score = objectness x class score;
 * - `yolov8` (also v11): [1, 4 + C, N]: one column per candidate, no objectness.
 */
export type YoloLayout = 'yolov5' | 'yolov8';

/**
 * Picks the layout from the output shape: with a known class count, the dimension that equals 5 + C (v5) or
 * 4 + C (v8) decides; otherwise the longer axis holds the candidates.
 */
export function detectYoloLayout(dims: readonly number[], classCount?: number): YoloLayout {
  if (dims.length !== 3 || dims[0] !== 1) throw new RangeError(`YOLO output should be [1, a, b], got [${dims}]`);
  const [, rows, columns] = dims as [number, number, number];
  if (classCount !== undefined) {
    if (columns === 5 + classCount && rows !== 4 + classCount) return 'yolov5';
    if (rows === 4 + classCount && columns !== 5 + classCount) return 'yolov8';
  }
  return rows > columns ? 'yolov5' : 'yolov8';
}

export interface YoloDecodeOptions {
  layout: YoloLayout;
  scoreThreshold: number;
  /** Only these class indices are decoded (default: all). */
  classIndices?: readonly number[];
}

export function decodeYolo(data: Float32Array, dims: readonly number[], options: YoloDecodeOptions): Candidate[] {
  const [, rows, columns] = dims as [number, number, number];
  const v5 = options.layout === 'yolov5';
  const count = v5 ? rows : columns;
  const features = v5 ? columns : rows;
  const classCount = features - (v5 ? 5 : 4);
  if (classCount < 1 || data.length !== rows * columns) throw new RangeError(`YOLO output [${dims}] does not fit layout ${options.layout}`);
  // feature f of candidate i
  const at = v5 ? (i: number, f: number) => data[i * features + f] as number : (i: number, f: number) => data[f * count + i] as number;
  const firstClass = v5 ? 5 : 4;
  const classIndices = options.classIndices ?? Array.from({ length: classCount }, (_, index) => index);
  const candidates: Candidate[] = [];
  for (let index = 0; index < count; index += 1) {
    const objectness = v5 ? at(index, 4) : 1;
    if (objectness < options.scoreThreshold) continue;
    for (const classIndex of classIndices) {
      if (classIndex >= classCount) continue;
      const score = objectness * at(index, firstClass + classIndex);
      if (score < options.scoreThreshold) continue;
      const centreX = at(index, 0);
      const centreY = at(index, 1);
      const halfWidth = at(index, 2) / 2;
      const halfHeight = at(index, 3) / 2;
      candidates.push({ classIndex, score, box: [centreX - halfWidth, centreY - halfHeight, centreX + halfWidth, centreY + halfHeight] });
    }
  }
  return candidates;
}
