import type { Candidate, Detection } from './detection.ts';
import type { CommonDetectorOptions, DetectionResult, DetectorKind, VehicleDetector } from './detector.ts';
import { scaleToInput, type ImageInput } from './image-input.ts';
import { rgbToNchwTensor, type TensorNormalisation } from './letterbox.ts';
import { ort } from './onnx-session.ts';
import { classIndicesToDecode, finishDetections, type PostprocessOptions } from './postprocess.ts';
import type { ClassMap, DetectionClass } from './detection.ts';

/** What differs between model families: input geometry and normalisation, and how outputs decode. */
export interface ModelAdapter {
  kind: DetectorKind;
  inputName: string;
  inputWidth: number;
  inputHeight: number;
  normalisation: TensorNormalisation;
  classMap: ClassMap;
  decode(outputs: ort.InferenceSession.ReturnType, scoreThreshold: number, classIndices: readonly number[]): Candidate[];
}

/** A detector running one ONNX model on the CPU: scale + normalise, infer, decode, NMS, fuse riders. */
export class OnnxDetector implements VehicleDetector {
  readonly kind: DetectorKind;
  readonly inputWidth: number;
  readonly inputHeight: number;
  private readonly scoreThreshold: number;
  private readonly postprocess: PostprocessOptions;
  private readonly classIndices: number[];
  private readonly inputBuffer: Float32Array;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly adapter: ModelAdapter,
    options: CommonDetectorOptions,
  ) {
    this.kind = adapter.kind;
    this.inputWidth = adapter.inputWidth;
    this.inputHeight = adapter.inputHeight;
    this.scoreThreshold = options.scoreThreshold ?? 0.35;
    this.postprocess = {
      classMap: adapter.classMap,
      iouThreshold: options.iouThreshold ?? 0.5,
      maxDetections: options.maxDetections ?? 300,
      fuseRiders: options.fuseRiders ?? true,
      classes: options.classes === undefined ? undefined : new Set<DetectionClass>(options.classes),
    };
    this.classIndices = classIndicesToDecode(this.postprocess);
    this.inputBuffer = new Float32Array(3 * adapter.inputWidth * adapter.inputHeight);
  }

  async detect(image: ImageInput): Promise<Detection[]> {
    return (await this.run(image)).detections;
  }

  run(image: ImageInput): Promise<DetectionResult> {
    // one inference at a time per session: the input buffer is reused
    const result = this.running.then(() => this.runNow(image));
    this.running = result.catch(() => undefined);
    return result;
  }

  private async runNow(image: ImageInput): Promise<DetectionResult> {
    const started = performance.now();
    const { rgb, letterbox } = await scaleToInput(image, this.inputWidth, this.inputHeight);
    rgbToNchwTensor(rgb, letterbox, this.adapter.normalisation, this.inputBuffer);
    const input = new ort.Tensor('float32', this.inputBuffer, [1, 3, this.inputHeight, this.inputWidth]);
    const inferenceStarted = performance.now();
    const outputs = await this.session.run({ [this.adapter.inputName]: input });
    const inferenceEnded = performance.now();
    const candidates = this.adapter.decode(outputs, this.scoreThreshold, this.classIndices);
    const detections = finishDetections(candidates, letterbox, this.postprocess);
    for (const output of Object.values(outputs)) output.dispose();
    return {
      detections,
      frameWidth: letterbox.sourceWidth,
      frameHeight: letterbox.sourceHeight,
      timings: { preprocessMs: inferenceStarted - started, inferenceMs: inferenceEnded - inferenceStarted, postprocessMs: performance.now() - inferenceEnded },
    };
  }

  async close(): Promise<void> {
    await this.running;
    await this.session.release();
  }
}
