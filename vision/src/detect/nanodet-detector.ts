import { DetectorError } from '../errors.ts';
import { type ModelPrecision, NANODET_INPUT_NAME, NANODET_NATIVE_SIZE, NANODET_NORMALISATION, prepareDefaultModel } from '../model/prepare-default-model.ts';
import { cocoClassMap } from './coco-classes.ts';
import type { ClassMap } from './detection.ts';
import type { CommonDetectorOptions } from './detector.ts';
import { decodeGflLevel } from './gfl-decode.ts';
import { OnnxDetector, type ModelAdapter } from './onnx-detector.ts';
import { createCpuSession, floatOutput } from './onnx-session.ts';

export interface NanoDetOptions extends CommonDetectorOptions {
  kind: 'nanodet';
  /** ONNX file; default: the converted NanoDet in the model cache (converted on first use). */
  modelPath?: string;
  /** Cache folder for the default model (default data/models/ under the repository root). */
  cacheDir?: string;
  /** Input (width, height) of the default model, converted for it on first use (default 416 x 416). */
  inputSize?: readonly [number, number];
  /** Precision of the default model (float32 unless asked; see `ModelPrecision`). */
  precision?: ModelPrecision;
  classMap?: ClassMap;
}

/** NanoDet as converted by prepareDefaultModel: 416x416, BGR, NanoDet's own normalisation. */
export const NANODET_INPUT_SIZE = NANODET_NATIVE_SIZE[0];
const STRIDES = [8, 16, 32] as const;
const CLASS_COUNT = 80;
const BIN_COUNT = 11;
const SCORE_OUTPUTS = ['Identity', 'Identity_1', 'Identity_2'] as const;
const DISTRIBUTION_OUTPUTS = ['Identity_3', 'Identity_4', 'Identity_5'] as const;

/** The NanoDet adapter for a model converted at `inputWidth` x `inputHeight` (multiples of 32). */
export function nanodetAdapterFor(inputWidth: number, inputHeight: number): ModelAdapter {
  return {
    kind: 'nanodet',
    inputName: NANODET_INPUT_NAME,
    inputWidth,
    inputHeight,
    normalisation: NANODET_NORMALISATION,
    classMap: cocoClassMap,
    decode: (outputs, scoreThreshold, classIndices) => decodeNanoDet(outputs, scoreThreshold, classIndices, inputWidth),
  };
}

export const nanodetAdapter: ModelAdapter = nanodetAdapterFor(NANODET_INPUT_SIZE, NANODET_INPUT_SIZE);

function decodeNanoDet(outputs: Parameters<ModelAdapter['decode']>[0], scoreThreshold: number, classIndices: Parameters<ModelAdapter['decode']>[2], inputWidth: number) {
  return STRIDES.flatMap((stride, level) =>
    decodeGflLevel(
      {
        scores: floatOutput(outputs, SCORE_OUTPUTS[level] as string).data,
        distributions: floatOutput(outputs, DISTRIBUTION_OUTPUTS[level] as string).data,
        stride,
        gridWidth: Math.ceil(inputWidth / stride),
      },
      { classCount: CLASS_COUNT, binCount: BIN_COUNT, scoreThreshold, classIndices },
    ),
  );
}

export async function createNanoDetDetector(options: NanoDetOptions): Promise<OnnxDetector> {
  const modelPath = options.modelPath ?? (await prepareDefaultModel(options.cacheDir, { ...(options.inputSize ? { input: options.inputSize } : {}), ...(options.precision ? { precision: options.precision } : {}) })).modelPath;
  const session = await createCpuSession(modelPath, options);
  const missing = [...SCORE_OUTPUTS, ...DISTRIBUTION_OUTPUTS].filter((name) => !session.outputNames.includes(name));
  if (!session.inputNames.includes(nanodetAdapter.inputName) || missing.length > 0) {
    await session.release();
    throw new DetectorError('model', `${modelPath} is not a converted NanoDet: needs input input_1 and outputs ${[...SCORE_OUTPUTS, ...DISTRIBUTION_OUTPUTS].join(', ')}`);
  }
  // the input size the model was converted at (416 x 416 unless prepared for a camera's aspect ratio)
  const shape = session.inputMetadata.find((m) => m.name === nanodetAdapter.inputName);
  const dims = shape !== undefined && shape.isTensor ? shape.shape : [];
  const [height, width] = [dims[2], dims[3]];
  const adapter = typeof width === 'number' && typeof height === 'number' ? nanodetAdapterFor(width, height) : nanodetAdapter;
  return new OnnxDetector(session, { ...adapter, classMap: options.classMap ?? cocoClassMap }, options);
}
