import { DetectorError } from '../errors.ts';
import { prepareDefaultModel } from '../model/prepare-default-model.ts';
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
  classMap?: ClassMap;
}

/** NanoDet as converted by prepareDefaultModel: 416x416, BGR, NanoDet's own normalisation. */
export const NANODET_INPUT_SIZE = 416;
const STRIDES = [8, 16, 32] as const;
const CLASS_COUNT = 80;
const BIN_COUNT = 11;
const SCORE_OUTPUTS = ['Identity', 'Identity_1', 'Identity_2'] as const;
const DISTRIBUTION_OUTPUTS = ['Identity_3', 'Identity_4', 'Identity_5'] as const;

export const nanodetAdapter: ModelAdapter = {
  kind: 'nanodet',
  inputName: 'input_1',
  inputWidth: NANODET_INPUT_SIZE,
  inputHeight: NANODET_INPUT_SIZE,
  normalisation: { channelOrder: 'bgr', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395], padValue: 0 },
  classMap: cocoClassMap,
  decode(outputs, scoreThreshold, classIndices) {
    return STRIDES.flatMap((stride, level) =>
      decodeGflLevel(
        {
          scores: floatOutput(outputs, SCORE_OUTPUTS[level] as string).data,
          distributions: floatOutput(outputs, DISTRIBUTION_OUTPUTS[level] as string).data,
          stride,
          gridWidth: Math.ceil(NANODET_INPUT_SIZE / stride),
        },
        { classCount: CLASS_COUNT, binCount: BIN_COUNT, scoreThreshold, classIndices },
      ),
    );
  },
};

export async function createNanoDetDetector(options: NanoDetOptions): Promise<OnnxDetector> {
  const modelPath = options.modelPath ?? (await prepareDefaultModel(options.cacheDir)).modelPath;
  const session = await createCpuSession(modelPath, options);
  const missing = [...SCORE_OUTPUTS, ...DISTRIBUTION_OUTPUTS].filter((name) => !session.outputNames.includes(name));
  if (!session.inputNames.includes(nanodetAdapter.inputName) || missing.length > 0) {
    await session.release();
    throw new DetectorError('model', `${modelPath} is not a converted NanoDet: needs input input_1 and outputs ${[...SCORE_OUTPUTS, ...DISTRIBUTION_OUTPUTS].join(', ')}`);
  }
  return new OnnxDetector(session, { ...nanodetAdapter, classMap: options.classMap ?? cocoClassMap }, options);
}
