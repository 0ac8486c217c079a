import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../src/detect/create-detector.ts';
import type { DetectorConfig } from '../src/detect/create-detector.ts';
import type { OnnxGraph } from '../src/model/onnx-graph.ts';
import { encodeOnnxModel } from '../src/model/onnx-writer.ts';

/**
 * YOLO exports are not shipped in any package here, so these tests write tiny stand-in ONNX models whose output is
 * a fixed tensor in the real export layouts (the input only flows through a ReduceMean x 0 so it is used), and run
 * them through the YOLO detector end to end: session, letterbox, layout detection, decode, NMS, class map, fusion.
 */

const INPUT = 64;
const CLASSES = 80;

/** [cx, cy, w, h, class index, score] in model-input pixels (64x64). */
const candidates: Array<[number, number, number, number, number, number]> = [
  [32, 32, 20, 10, 2, 0.9], // car
  [33, 32, 21, 11, 7, 0.6], // truck on the same vehicle: suppressed by class-agnostic NMS
  [10, 40, 6, 10, 0, 0.8], // pedestrian
  [50, 42, 8, 6, 3, 0.7], // motorbike ...
  [50, 38, 6, 10, 0, 0.75], // ... and its rider
  [20, 20, 4, 4, 9, 0.95], // traffic light: not a road user, ignored
  [40, 20, 4, 4, 2, 0.2], // below threshold
];

function stubModel(layout: 'yolov5' | 'yolov8'): Uint8Array {
  const count = candidates.length;
  const features = layout === 'yolov5' ? 5 + CLASSES : 4 + CLASSES;
  const data = new Float32Array(count * features);
  const set = (candidate: number, feature: number, value: number) => {
    data[layout === 'yolov5' ? candidate * features + feature : feature * count + candidate] = value;
  };
  candidates.forEach(([cx, cy, w, h, classIndex, score], index) => {
    [cx, cy, w, h].forEach((value, feature) => set(index, feature, value));
    if (layout === 'yolov5') set(index, 4, 1); // objectness 1: the class score is the score
    set(index, (layout === 'yolov5' ? 5 : 4) + classIndex, score);
  });
  const dims = layout === 'yolov5' ? [1, count, features] : [1, features, count];
  const graph: OnnxGraph = {
    name: `stub-${layout}`,
    nodes: [
      { name: 'mean', opType: 'ReduceMean', inputs: ['images'], outputs: ['mean'], attributes: [{ name: 'keepdims', kind: 'int', value: 0 }] },
      { name: 'nothing', opType: 'Mul', inputs: ['mean', 'zero'], outputs: ['nothing'], attributes: [] },
      { name: 'output', opType: 'Add', inputs: ['fixed', 'nothing'], outputs: ['output0'], attributes: [] },
    ],
    initializers: new Map([
      ['zero', { dtype: 'float32', shape: [], data: Float32Array.of(0) }],
      ['fixed', { dtype: 'float32', shape: dims, data }],
    ]),
    inputs: [{ name: 'images', elementType: 'float32', shape: [1, 3, INPUT, INPUT] }],
    outputs: [{ name: 'output0', elementType: 'float32', shape: dims }],
  };
  return encodeOnnxModel(graph, { opsetVersion: 13, producerName: 'greenwave-test', producerVersion: '0' });
}

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'greenwave-yolo-'));
  await writeFile(join(folder, 'v5.onnx'), stubModel('yolov5'));
  await writeFile(join(folder, 'v8.onnx'), stubModel('yolov8'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

// a 128x64 frame: scale 0.5 into the 64x64 input, 16 px of padding above and below
const frame = { data: new Uint8Array(128 * 64 * 3).fill(90), width: 128, height: 64 };
const toFrame = (cx: number, cy: number, w: number, h: number) => [(cx - w / 2) * 2, (cy - h / 2 - 16) * 2, (cx + w / 2) * 2, (cy + h / 2 - 16) * 2];

describe('YOLO detector on v5 and v8 export layouts', () => {
  for (const layout of ['yolov5', 'yolov8'] as const) {
    it(`${layout}: reads the layout from the output shape and maps boxes to the frame`, async () => {
      const detector = await createDetector({ kind: 'yolo', modelPath: join(folder, layout === 'yolov5' ? 'v5.onnx' : 'v8.onnx'), scoreThreshold: 0.3 });
      try {
        expect([detector.inputWidth, detector.inputHeight]).toEqual([INPUT, INPUT]);
        const detections = await detector.detect(frame);
        const rounded = detections.map((d) => ({ class: d.class, score: Number(d.score.toFixed(3)), box: d.box.map((v) => Number(v.toFixed(3))) }));
        expect(rounded).toEqual([
          { class: 'car', score: 0.9, box: toFrame(32, 32, 20, 10) },
          { class: 'person', score: 0.8, box: toFrame(10, 40, 6, 10) },
          // rider fused into the motorbike: union box, best score
          { class: 'motorbike', score: 0.75, box: [46 * 2, (33 - 16) * 2, 54 * 2, (45 - 16) * 2] },
        ]);
      } finally {
        await detector.close();
      }
    });
  }

  it('takes a class map for a custom model and can keep riders apart', async () => {
    // a model trained on two classes of its own: index 2 is a motorbike, index 0 a car
    const config: DetectorConfig = { kind: 'yolo', modelPath: join(folder, 'v8.onnx'), layout: 'yolov11', classMap: { 0: 'car', 2: 'motorbike' }, fuseRiders: false, scoreThreshold: 0.3 };
    const detector = await createDetector(config);
    try {
      const detections = await detector.detect(await sharp(frame.data, { raw: { width: 128, height: 64, channels: 3 } }).png().toBuffer());
      expect(detections.map((d) => [d.class, Number(d.score.toFixed(2))])).toEqual([
        ['motorbike', 0.9],
        ['car', 0.8],
        ['car', 0.75],
      ]);
    } finally {
      await detector.close();
    }
  });

  it('refuses an unknown detector kind and a missing model file', async () => {
    await expect(createDetector({ kind: 'ssd' } as unknown as DetectorConfig)).rejects.toThrow(/unknown detector kind "ssd" \(known: nanodet, yolo\)/);
    await expect(createDetector({ kind: 'yolo', modelPath: join(folder, 'missing.onnx') })).rejects.toMatchObject({ name: 'DetectorError', kind: 'model' });
  });
});
