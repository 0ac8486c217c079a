import type { Detection, DetectionClass } from './detection.ts';
import type { ImageInput } from './image-input.ts';

export type DetectorKind = 'nanodet' | 'yolo';

export interface DetectionTimings {
  /** Decode (if encoded), scale and build the input tensor. */
  preprocessMs: number;
  inferenceMs: number;
  /** Output decoding, NMS and rider fusion. */
  postprocessMs: number;
}

export interface DetectionResult {
  detections: Detection[];
  timings: DetectionTimings;
  /** Frame size the boxes refer to. */
  frameWidth: number;
  frameHeight: number;
}

/** One object detector: frames in, road users out (boxes in frame pixels). */
export interface VehicleDetector {
  readonly kind: DetectorKind;
  readonly inputWidth: number;
  readonly inputHeight: number;
  detect(image: ImageInput): Promise<Detection[]>;
  /** The same as `detect`, with the frame size and where the time went. */
  run(image: ImageInput): Promise<DetectionResult>;
  close(): Promise<void>;
}

/** Options every detector takes. */
export interface CommonDetectorOptions {
  /** Minimum class score kept (default 0.35). */
  scoreThreshold?: number;
  /** IoU above which NMS drops the weaker box (default 0.5); vehicle classes suppress each other. */
  iouThreshold?: number;
  /** onnxruntime intra-op threads (default 1). */
  intraOpNumThreads?: number;
  /** Merge riders into their motorbike or bicycle (default true). */
  fuseRiders?: boolean;
  /** Classes to report (default all). */
  classes?: readonly DetectionClass[];
  /** At most this many detections per frame (default 300). */
  maxDetections?: number;
}
