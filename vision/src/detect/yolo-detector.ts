import { DetectorError } from '../errors.ts';
import { cocoClassMap } from './coco-classes.ts';
import type { ClassMap } from './detection.ts';
import type { CommonDetectorOptions } from './detector.ts';
import { OnnxDetector, type ModelAdapter } from './onnx-detector.ts';
import { createCpuSession, floatOutput, type ort } from './onnx-session.ts';
import { decodeYolo, detectYoloLayout, type YoloLayout } from './yolo-decode.ts';

export interface YoloOptions extends CommonDetectorOptions {
  kind: 'yolo';
  /** A YOLO v5 / v8 / v11 ONNX export with one output (boxes + scores, NMS not included). */
  modelPath: string;
  /** Output layout; default: read from the output shape. `yolov11` is the v8 layout. */
  layout?: YoloLayout | 'yolov11' | 'auto';
  /** Model class index -> greenwave class (default: COCO). */
  classMap?: ClassMap;
  /** Classes the model outputs, to tell v5 from v8 by the shape (default 80 with the COCO map, else the longer axis decides). */
  classCount?: number;
  /** Input size when the model does not declare it (default 640). */
  inputSize?: number;
}

/** Ultralytics exports: RGB, 0..1, letterbox padded with grey 114. */
export async function createYoloDetector(options: YoloOptions): Promise<OnnxDetector> {
  const session = await createCpuSession(options.modelPath, options);
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (inputName === undefined || outputName === undefined) {
    await session.release();
    throw new DetectorError('model', `${options.modelPath} has no input or no output`);
  }
  const [inputWidth, inputHeight] = declaredInputSize(session, options.inputSize ?? 640);
  const classMap = options.classMap ?? cocoClassMap;
  const classCount = options.classCount ?? (options.classMap === undefined ? 80 : undefined);
  const fixedLayout = options.layout === undefined || options.layout === 'auto' ? undefined : options.layout === 'yolov11' ? 'yolov8' : options.layout;
  let layout: YoloLayout | undefined = fixedLayout;
  const adapter: ModelAdapter = {
    kind: 'yolo',
    inputName,
    inputWidth,
    inputHeight,
    normalisation: { channelOrder: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], padValue: 114 },
    classMap,
    decode(outputs, scoreThreshold, classIndices) {
      const { data, dims } = floatOutput(outputs, outputName);
      layout ??= detectYoloLayout(dims, classCount);
      try {
        return decodeYolo(data, dims, { layout, scoreThreshold, classIndices });
      } catch (error) {
        throw new DetectorError('model', `${options.modelPath}: ${(error as Error).message}`, error);
      }
    },
  };
  return new OnnxDetector(session, adapter, options);
}

function declaredInputSize(session: ort.InferenceSession, fallback: number): [number, number] {
  const metadata = session.inputMetadata[0];
  const shape = metadata !== undefined && metadata.isTensor ? metadata.shape : [];
  const height = shape[2];
  const width = shape[3];
  return typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0 ? [width, height] : [fallback, fallback];
}
