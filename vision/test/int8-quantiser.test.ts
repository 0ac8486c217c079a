import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuHasIntegerDotProduct } from '../src/detect/cpu-features.ts';
import { createDetector } from '../src/detect/create-detector.ts';
import type { Detection } from '../src/detect/detection.ts';
import { intersectionOverUnion } from '../src/detect/nms.ts';
import { ort } from '../src/detect/onnx-session.ts';
import { calibrateRanges } from '../src/model/calibrate-ranges.ts';
import type { HostTensor } from '../src/model/host-tensor.ts';
import { countOps, type OnnxGraph } from '../src/model/onnx-graph.ts';
import { encodeOnnxModel } from '../src/model/onnx-writer.ts';
import { prepareDefaultModel } from '../src/model/prepare-default-model.ts';
import { activationQuantisation, activationsToCalibrate, quantiseConvolutions, quantiseWeights } from '../src/model/quantise-int8.ts';
import { busyApproach } from '../src/synthetic/busy-approach.ts';
import { defaultSyntheticCamera } from '../src/synthetic/camera.ts';
import { renderApproach } from '../src/synthetic/render-approach.ts';
import { preparedDefaultModel, opencvDocPhotos } from './support/default-model.ts';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const floatTensor = (shape: number[], random: () => number, scale: number): HostTensor => ({ dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * scale) });

/** x -> Conv 3x3 -> LeakyRelu -> MaxPool 2x2 -> Conv 1x1 -> y: the patterns NanoDet is made of. */
function tinyNetwork(): OnnxGraph {
  const random = seeded(7);
  return {
    name: 'tiny',
    inputs: [{ name: 'x', elementType: 'float32', shape: [1, 8, 16, 16] }],
    outputs: [{ name: 'y', elementType: 'float32', shape: [1, 4, 8, 8] }],
    initializers: new Map([
      ['w1', floatTensor([16, 8, 3, 3], random, 0.3)],
      ['b1', floatTensor([16], random, 0.5)],
      ['w2', floatTensor([4, 16, 1, 1], random, 0.5)],
      ['b2', floatTensor([4], random, 0.2)],
    ]),
    nodes: [
      { name: 'conv1', opType: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], attributes: [{ name: 'pads', kind: 'ints', value: [1, 1, 1, 1] }] },
      { name: 'relu1', opType: 'LeakyRelu', inputs: ['c1'], outputs: ['r1'], attributes: [{ name: 'alpha', kind: 'float', value: 0.1 }] },
      { name: 'pool1', opType: 'MaxPool', inputs: ['r1'], outputs: ['p1'], attributes: [{ name: 'kernel_shape', kind: 'ints', value: [2, 2] }, { name: 'strides', kind: 'ints', value: [2, 2] }] },
      { name: 'conv2', opType: 'Conv', inputs: ['p1', 'w2', 'b2'], outputs: ['y'], attributes: [] },
    ],
  };
}

async function run(graph: OnnxGraph, input: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeOnnxModel(graph, { opsetVersion: 13, producerName: 'test', producerVersion: '1' }), { intraOpNumThreads: 1 });
  try {
    const outputs = await session.run({ x: new ort.Tensor('float32', input, [1, 8, 16, 16]) });
    return outputs.y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('int8 quantisation', () => {
  it('activation scales hold zero exactly and reproduce every value of the range within half a step', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (low, width, at) => {
        const range = { min: low, max: low + width };
        const { scale, zeroPoint } = activationQuantisation(range);
        expect(Number.isInteger(zeroPoint) && zeroPoint >= 0 && zeroPoint <= 255).toBe(true);
        // 0 (zero padding) dequantises to exactly 0
        expect((zeroPoint - zeroPoint) * scale).toBe(0);
        const value = range.min + at * (range.max - range.min);
        const q = Math.round(value / scale) + zeroPoint;
        expect(q).toBeGreaterThanOrEqual(0);
        expect(q).toBeLessThanOrEqual(255);
        expect(Math.abs((q - zeroPoint) * scale - value)).toBeLessThanOrEqual(scale / 2 + 1e-9 * Math.max(1, Math.abs(value)));
      }),
    );
  });

  it('weights per output channel use the whole signed range and reconstruct within half a step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 20 }), fc.constantFrom(7 as const, 8 as const), fc.integer(), (channels, perChannel, bits, seed) => {
        const random = seeded(seed);
        const weights = floatTensor([channels, perChannel, 1, 1], random, 1 + random() * 10);
        const { values, scales } = quantiseWeights(weights, bits);
        const limit = bits === 7 ? 63 : 127;
        for (let channel = 0; channel < channels; channel++) {
          const slice = Array.from(values.slice(channel * perChannel, (channel + 1) * perChannel));
          expect(Math.max(...slice.map(Math.abs))).toBe(limit);
          for (let index = 0; index < perChannel; index++) {
            const original = weights.data[channel * perChannel + index] as number;
            expect(Math.abs((slice[index] as number) * (scales[channel] as number) - original)).toBeLessThanOrEqual((scales[channel] as number) / 2 + 1e-6);
          }
        }
      }),
    );
  });

  it('a quantised convolution network computes what the float one does, with the max-pool on its input scale', async () => {
    const graph = tinyNetwork();
    const random = seeded(11);
    const sample = () => Float32Array.from({ length: 8 * 16 * 16 }, () => random() * 4 - 1);
    const names = activationsToCalibrate(graph);
    // every tensor a convolution reads or writes, the LeakyRelu's and the pool's outputs; not the graph output
    expect(names.sort()).toEqual(['c1', 'p1', 'r1', 'x']);
    const ranges = await calibrateRanges(graph, names, Array.from({ length: 6 }, () => [{ name: 'x', data: sample(), dims: [1, 8, 16, 16] }]), 13);
    expect(ranges.get('x')!.min).toBeLessThan(-0.9);
    expect(ranges.get('x')!.max).toBeGreaterThan(2.9);
    const quantised = quantiseConvolutions(graph, ranges, { weightBits: 8 });
    expect(countOps(quantised)).toMatchObject({ Conv: 2, QuantizeLinear: 4, DequantizeLinear: 8 });
    // the float weights are gone, int8 ones and int32 biases in their place
    expect(quantised.initializers.has('w1')).toBe(false);
    expect(quantised.initializers.get('w1/q')?.dtype).toBe('int8');
    expect(quantised.initializers.get('b2/q')?.dtype).toBe('int32');
    expect(quantised.nodes.find((n) => n.name === 'conv2')?.inputs).toEqual(['p1/dq', 'w2/dq', 'b2/dq']);
    expect(quantised.initializers.get('p1/scale')?.data[0]).toBe(quantised.initializers.get('r1/scale')?.data[0]);

    const input = sample();
    const [expected, actual] = [await run(graph, input), await run(quantised, input)];
    const span = Math.max(...expected) - Math.min(...expected);
    let worst = 0;
    let total = 0;
    for (let index = 0; index < expected.length; index++) {
      const difference = Math.abs((expected[index] as number) - (actual[index] as number));
      worst = Math.max(worst, difference);
      total += difference;
    }
    expect(worst / span).toBeLessThan(0.03);
    expect(total / expected.length / span).toBeLessThan(0.005);
    // and the quantised graph is not the float one: its outputs moved
    expect(worst).toBeGreaterThan(0);
  });

  it('refuses to quantise an activation it has no range for, naming it', () => {
    expect(() => quantiseConvolutions(tinyNetwork(), new Map([['x', { min: -1, max: 1 }]]), {})).toThrow(/no calibrated range for activation (c1|r1|p1)/);
  });

  it('reads integer dot-product support from /proc/cpuinfo flags', () => {
    expect(cpuHasIntegerDotProduct('processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n')).toBe(true);
    expect(cpuHasIntegerDotProduct('flags\t\t: fpu sse2 avx avx2 avx_vnni\n')).toBe(true);
    expect(cpuHasIntegerDotProduct('flags\t\t: fpu sse2 avx avx2 fma\n')).toBe(false);
    expect(cpuHasIntegerDotProduct('Features\t: fp asimd asimddp\n')).toBe(true);
    expect(cpuHasIntegerDotProduct('')).toBe(false);
  });
});

describe('the default NanoDet in int8', () => {
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'greenwave-model-int8-'));
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('is calibrated, cached apart from the float model, and finds what the float model finds', async () => {
    const stages: string[] = [];
    const int8 = await prepareDefaultModel(cacheDir, { precision: 'int8', onProgress: ({ stage }) => stages.push(stage) });
    expect(int8.modelPath).toMatch(/nanodet-416-int8\.onnx$/);
    expect(stages).toContain('calibrate');
    expect(int8.onnxOps).toMatchObject({ Conv: 34, QuantizeLinear: expect.any(Number) });
    expect(JSON.parse(await readFile(int8.modelPath.replace(/\.onnx$/, '.manifest.json'), 'utf8')).precision).toBe('int8');
    // a quarter of the float file: int8 weights
    expect(int8.sizeBytes).toBeLessThan((await preparedDefaultModel()).sizeBytes / 3);
    expect((await prepareDefaultModel(cacheDir, { precision: 'int8' })).converted).toBe(false);

    const float = await createDetector({ kind: 'nanodet', modelPath: (await preparedDefaultModel()).modelPath, scoreThreshold: 0.3 });
    const quantised = await createDetector({ kind: 'nanodet', modelPath: int8.modelPath, scoreThreshold: 0.3 });
    try {
      const view = busyApproach(0, 3, 40, 5);
      const synthetic = (await renderApproach(view, defaultSyntheticCamera(view, { width: 640, height: 360 }), { seed: 5, jpegQuality: 80 })).frame;
      for (const image of [opencvDocPhotos.doubleDeckerBus, opencvDocPhotos.bus, synthetic]) {
        const vehicles = (detections: Detection[]) => detections.filter((d) => d.class !== 'person');
        const [reference, found] = [vehicles(await float.detect(image)), vehicles(await quantised.detect(image))];
        const clear = reference.filter((d) => d.score >= 0.45);
        expect(clear.length).toBeGreaterThan(0);
        // every vehicle the float model is sure of, the int8 model finds in the same place
        const matched = clear.filter((d) => found.some((f) => intersectionOverUnion(d.box, f.box) >= 0.7));
        expect(matched.length / clear.length).toBeGreaterThanOrEqual(0.9);
        expect(Math.abs(found.length - reference.length)).toBeLessThanOrEqual(Math.max(2, 0.2 * reference.length));
      }
    } finally {
      await float.close();
      await quantised.close();
    }
  });
});
