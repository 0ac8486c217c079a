// Public face of @greenwave/vision.
export { DetectorError, ModelConversionError } from './errors.ts';
export type { DetectorErrorKind } from './errors.ts';

// model preparation
export {
  CONVERTER_VERSION,
  DEFAULT_MODEL_FILE,
  LICENSE_FILE,
  defaultModelCacheDir,
  defaultModelPath,
  prepareDefaultModel,
} from './model/prepare-default-model.ts';
export type { ModelPrecision, PrepareOptions, PrepareProgress, PrepareStage, PreparedModel } from './model/prepare-default-model.ts';
export { activationsToCalibrate, quantiseConvolutions } from './model/quantise-int8.ts';
export type { QuantiseOptions, TensorRange } from './model/quantise-int8.ts';
export { calibrateRanges } from './model/calibrate-ranges.ts';
export { convertTfjsGraph, supportedOps } from './model/convert-tfjs-graph.ts';
export type { ConversionResult, ConvertOptions } from './model/convert-tfjs-graph.ts';
export { readTfjsModel } from './model/read-tfjs-model.ts';
export { encodeOnnxModel } from './model/onnx-writer.ts';

// detection
export { createDetector, detectorFactories } from './detect/create-detector.ts';
export { cpuHasIntegerDotProduct } from './detect/cpu-features.ts';
export type { DetectorConfig } from './detect/create-detector.ts';
export type { CommonDetectorOptions, DetectionResult, DetectionTimings, DetectorKind, VehicleDetector } from './detect/detector.ts';
export { detectionClasses, vehicleClasses } from './detect/detection.ts';
export type { Box, Candidate, ClassMap, Detection, DetectionClass } from './detect/detection.ts';
export { NANODET_INPUT_SIZE } from './detect/nanodet-detector.ts';
export type { NanoDetOptions } from './detect/nanodet-detector.ts';
export type { YoloOptions } from './detect/yolo-detector.ts';
export type { ImageInput, RawRgbImage } from './detect/image-input.ts';
export { cocoClassMap, cocoClassNames } from './detect/coco-classes.ts';
export { decodeGflLevel, expectedBin } from './detect/gfl-decode.ts';
export { decodeYolo, detectYoloLayout } from './detect/yolo-decode.ts';
export type { YoloLayout } from './detect/yolo-decode.ts';
export { intersectionOverUnion, nonMaxSuppression } from './detect/nms.ts';
export { fuseRiders } from './detect/fuse-riders.ts';
export type { FuseRidersOptions } from './detect/fuse-riders.ts';
export { boxToFrame, computeLetterbox } from './detect/letterbox.ts';
export type { Letterbox } from './detect/letterbox.ts';

// frame sources
export type { Frame, FrameSource, SourceStats } from './source/frame.ts';
export { FrameSourceError } from './source/source-error.ts';
export { FfmpegSource } from './source/ffmpeg-source.ts';
export type { FfmpegSourceOptions } from './source/ffmpeg-source.ts';
export { ImageSource, decodeImage, listImages } from './source/image-source.ts';
export { probeVideo } from './source/probe.ts';
export type { VideoInfo } from './source/probe.ts';

// pipeline
export { detectorFromSettings } from './pipeline/detector-from-settings.ts';
export { annotate } from './pipeline/annotate.ts';

// tracking
export { ByteTracker, verifyTrackerOptions } from './track/byte-tracker.ts';
export type { ByteTrackerOptions, TrackState, TrackedObject } from './track/byte-tracker.ts';
export { assignWithCostLimit } from './track/assignment.ts';
export type { AssignmentResult } from './track/assignment.ts';

// zones and lane measurements
export { CalibrationError } from './zones/calibration-error.ts';
export { applyHomography, groundProjectionFromCalibration, homographyFromPoints, invertHomography } from './zones/homography.ts';
export type { GroundProjection, Homography, PlanePoint } from './zones/homography.ts';
export { pointInPolygon } from './zones/polygon.ts';
export { groundContactPoint, laneZoneOfBox, laneZoneOfPoint } from './zones/lane-assignment.ts';
export { cameraFromGround } from './zones/camera-from-ground.ts';
export type { GroundCamera } from './zones/camera-from-ground.ts';
export { SIZE_PROTOTYPES, SizeEvidence, SizeFit } from './zones/size-class.ts';
export type { FourWheelClass, SizePrototype } from './zones/size-class.ts';
export { CountLineCrossings } from './zones/count-line-crossings.ts';
export type { CountLineAt, CountLineCrossingsOptions } from './zones/count-line-crossings.ts';
export { QUEUE_JOIN_GAP_M, QUEUE_MAX_OVER_LINE_M, QUEUE_SPEED_MPS, stopLineQueue } from './zones/stop-line-queue.ts';
export type { QueueCandidate, StopLineQueue } from './zones/stop-line-queue.ts';
export { measureLane } from './zones/measure-lane.ts';
export type { LaneSnapshot, LaneVehicle } from './zones/measure-lane.ts';
export { LaneMeasurementBuilder } from './zones/lane-measurement-builder.ts';
export type { LaneMeasurementBuilderOptions, MeasuredCamera, MeasuredVehicle, TrackInFrame } from './zones/lane-measurement-builder.ts';
export { vehicleClassOfDetection } from './zones/detection-vehicle-class.ts';
export { CameraPipeline } from './pipeline/camera-pipeline.ts';
export type { CameraPipelineDeps, CameraPipelineStats } from './pipeline/camera-pipeline.ts';
export { CameraWatchdog, frameFingerprint } from './pipeline/camera-watchdog.ts';
export type { CameraHealth } from './pipeline/camera-watchdog.ts';

// synthetic cameras (frames rendered from the twin, with ground truth)
export { DEFAULT_HEADING_WOBBLE, approachSpanX, laneSpans, placeVehicle, NEAR_PLANE_M, PinholeCamera, clipNear, clipToFrame, defaultSyntheticCamera, resizeCamera, calibrationPoints, syntheticCameraConfig, renderApproach, LaneChangeSmoother, DEFAULT_LATERAL_SPEEDS } from './synthetic/index.ts';
export type { HeadingWobble, LaneSpan, VehiclePlacement, DefaultCameraOptions, SyntheticCamera, Vec3, SyntheticCameraIds, RenderOptions, RenderedFrame, RgbFrame, TruthObject, LateralSpeeds } from './synthetic/index.ts';
export { accumulateLane } from './pipeline/accumulate.ts';
