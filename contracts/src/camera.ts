import { z } from 'zod';

/** A point in image pixels, [x, y], origin top-left. */
const ImagePoint = z.tuple([z.number().finite(), z.number().finite()]);
/**
 * A point on the road in metres in the approach's own frame: x across the approach (from the left edge of lane 0 as
 * a driver approaching the stop line sees it, towards the right), y along it (0 at the stop line, growing upstream).
 */
const GroundPoint = z.tuple([z.number().finite(), z.number().finite()]);

export const CameraLaneZone = z
  .strictObject({
    approachId: z.string().min(1).max(100),
    laneIndex: z.number().int().min(0).max(7),
    polygon: z.array(ImagePoint).min(3).max(32).meta({ description: 'The lane in the image (px), from the stop line up to the end of the measurement zone' }),
  })
  .meta({ title: 'CameraLaneZone' });
export type CameraLaneZone = z.infer<typeof CameraLaneZone>;

export const GroundCalibration = z
  .strictObject({
    image: z.array(ImagePoint).length(4).meta({ description: 'Four image points (px), no three on one line' }),
    ground: z.array(GroundPoint).length(4).meta({ description: 'The same four points on the road (m, approach frame)' }),
  })
  .meta({ title: 'GroundCalibration', description: 'Four image points with their positions on the road: a homography image -> ground' });
export type GroundCalibration = z.infer<typeof GroundCalibration>;

export const CountLine = z
  .strictObject({
    name: z.string().min(1).max(50),
    /** Ground y (m upstream of the stop line) of the line; 0 is the stop line. */
    groundY: z.number().min(-20).max(300),
  })
  .meta({ title: 'CountLine' });

export const CameraSource = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('synthetic'), seed: z.number().int().min(0).default(1) }).meta({ description: 'Frames rendered from the twin (demo and measurement)' }),
    z.strictObject({ kind: z.literal('ffmpeg'), url: z.string().min(1).meta({ description: 'File path or rtsp:// URL, decoded by Debian ffmpeg' }) }),
    z.strictObject({ kind: z.literal('images'), path: z.string().min(1).meta({ description: 'An image file or a folder of them (sorted by name)' }) }),
  ])
  .meta({ title: 'CameraSource' });
export type CameraSource = z.infer<typeof CameraSource>;

export const DetectorSettings = z
  .strictObject({
    model: z.string().min(1).default('default').meta({ description: '"default" (NanoDet converted by setup) or the path of an ONNX file' }),
    kind: z.enum(['nanodet', 'yolo']).default('nanodet').meta({ description: 'nanodet (the default model) or a YOLO v5 / v8 / v11 ONNX export' }),
    layout: z.enum(['auto', 'yolov5', 'yolov8', 'yolov11']).default('auto').meta({ description: 'YOLO output layout; auto reads it from the output shape' }),
    inputSize: z
      .union([z.number().int().min(128).max(1280), z.tuple([z.number().int().min(128).max(1280), z.number().int().min(128).max(1280)])])
      .default(416)
      .meta({ description: 'Model input: one size (square) or [width, height]. The default NanoDet is converted for it (multiples of 32; [576, 320] fits 16:9 cameras); a YOLO export is read at its own size, this is the fallback' }),
    scoreThreshold: z.number().min(0.01).max(0.99).default(0.3),
    iouThreshold: z.number().min(0.1).max(0.95).default(0.5),
    threads: z.number().int().min(1).max(16).default(1).meta({ description: 'onnxruntime intra-op threads' }),
    farField: z
      .strictObject({
        toM: z.number().positive().max(500).default(150).meta({ description: 'How far upstream (m) the far region reaches' }),
        inputSize: z.tuple([z.number().int().min(128).max(1280), z.number().int().min(128).max(1280)]).default([320, 192]).meta({ description: 'The far detection’s model input [width, height] (multiples of 32 for the default NanoDet)' }),
      })
      .optional()
      .meta({ description: 'A second detection on the road beyond the measurement zone, magnified into its own model input: far vehicles (12-24 px) are found and tracked before they reach the zone' }),
    precision: z
      .enum(['auto', 'float32', 'int8'])
      .default('auto')
      .meta({ description: 'The default NanoDet as float32 or with int8 convolutions; auto: int8 where the CPU has integer dot products (AVX-512 VNNI, AVX-VNNI, Arm dotprod), float32 elsewhere' }),
    classMap: z.record(z.string().regex(/^\d+$/), z.enum(['car', 'motorbike', 'bus', 'truck', 'bicycle', 'person'])).optional().meta({ description: 'Model class index -> class, for a YOLO model not trained on COCO' }),
  })
  .meta({ title: 'DetectorSettings' });
export type DetectorSettings = z.infer<typeof DetectorSettings>;

/** One camera watching one approach of an intersection. */
export const CameraConfig = z
  .strictObject({
    id: z.string().min(1).max(100),
    intersectionId: z.string().min(1).max(100),
    approachId: z.string().min(1).max(100),
    source: CameraSource,
    width: z.number().int().min(64).max(8192),
    height: z.number().int().min(64).max(8192),
    fps: z.number().min(1).max(60).default(10).meta({ description: 'Frames processed per second (more are dropped and counted)' }),
    calibration: GroundCalibration,
    lanes: z.array(CameraLaneZone).min(1).max(8),
    countLines: z.array(CountLine).max(4).default([{ name: 'stop line', groundY: 0 }]).meta({ description: 'Vehicles are counted when they have fully crossed the first line' }),
    zoneLengthM: z.number().positive().max(300).default(60).meta({ description: 'Measurement zone: from the stop line this far upstream' }),
    detector: DetectorSettings.default({ model: 'default', kind: 'nanodet', layout: 'auto', inputSize: 416, scoreThreshold: 0.3, iouThreshold: 0.5, threads: 1, precision: 'auto' }),
    watchdog: z
      .strictObject({
        noFrameS: z.number().positive().max(600).default(5).meta({ description: 'No frame for this long: camera-down alarm, approach on recall' }),
        frozenS: z.number().positive().max(600).default(10).meta({ description: 'Identical frames for this long: the same' }),
      })
      .default({ noFrameS: 5, frozenS: 10 }),
  })
  .meta({ title: 'CameraConfig', description: 'A camera on one approach: source, calibration, lane zones, count lines, detector' });
export type CameraConfig = z.infer<typeof CameraConfig>;
export type CameraConfigInput = z.input<typeof CameraConfig>;
