import type { Box, Detection } from '../detect/detection.ts';
import { vehicleClasses } from '../detect/detection.ts';
import type { RawRgbImage } from '../detect/image-input.ts';
import { nonMaxSuppression } from '../detect/nms.ts';
import type { GroundProjection } from '../zones/homography.ts';

/** A rectangle of the frame (px, integers). */
export interface FrameRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FarFieldOptions {
  /** Where the measurement zone ends (m upstream of the stop line); the region starts a little before it. */
  zoneLengthM: number;
  /** How far upstream the region reaches (m). */
  toM: number;
  /** The far detector's input (width, height): the region takes its aspect ratio. */
  inputSize: readonly [number, number];
  frameWidth: number;
  frameHeight: number;
}

/** Share of the frame's width above which the far road is not small: no second detection. */
const MAX_WIDTH_SHARE = 0.6;

/**
 * The part of the frame showing the approach's road beyond the measurement zone (from the zone's end to
 * `toM`, across the lanes' width), grown upwards by the height of a truck at the far end and to the far detector's
 * aspect ratio. Vehicles there are 12-24 px tall, and NanoDet found 8% of them on the full frame: magnified in a
 * detection of their own they become 24-48 px. Undefined when the region would not be small.
 */
export function farFieldRegion(projection: GroundProjection, laneGroundX: readonly number[], options: FarFieldOptions): FrameRegion | undefined {
  const [xMin, xMax] = [Math.min(...laneGroundX), Math.max(...laneGroundX)];
  const near = options.zoneLengthM;
  const points = [near, options.toM].flatMap((y) => [projection.groundToImage([xMin, y]), projection.groundToImage([xMax, y])]);
  if (points.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) return undefined;
  let x1 = Math.min(...points.map((p) => p[0]));
  let x2 = Math.max(...points.map((p) => p[0]));
  const y2 = Math.max(...points.map((p) => p[1]));
  // a vehicle's top stands above its ground point: half the road's depth in the image, at least 20 px
  let y1 = Math.min(...points.map((p) => p[1]));
  y1 -= Math.max(20, 0.5 * (y2 - y1));
  // to the detector's aspect ratio around the middle, then inside the frame
  const aspect = options.inputSize[0] / options.inputSize[1];
  let width = x2 - x1;
  let height = y2 - y1;
  if (width / height < aspect) width = height * aspect;
  else height = width / aspect;
  const middle = (x1 + x2) / 2;
  x1 = middle - width / 2;
  x2 = middle + width / 2;
  y1 = y2 - height;
  if (width > MAX_WIDTH_SHARE * options.frameWidth) return undefined;
  const shift = (low: number, high: number, limit: number): [number, number] => (low < 0 ? [0, high - low] : high > limit ? [low - (high - limit), limit] : [low, high]);
  [x1, x2] = shift(x1, x2, options.frameWidth);
  [y1] = shift(y1, y2, options.frameHeight);
  const region = { x: Math.max(0, Math.floor(x1)), y: Math.max(0, Math.floor(y1)), width: Math.round(width), height: Math.round(height) };
  region.width = Math.min(region.width, options.frameWidth - region.x);
  region.height = Math.min(region.height, options.frameHeight - region.y);
  return region.width >= 16 && region.height >= 16 ? region : undefined;
}

/** The region of a raw RGB frame as a frame of its own. */
export function cropRgb(frame: RawRgbImage, region: FrameRegion): RawRgbImage {
  if ((frame.channels ?? 3) !== 3) throw new Error(`far field: frames must be RGB, got ${frame.channels} channels`);
  const data = new Uint8Array(region.width * region.height * 3);
  for (let row = 0; row < region.height; row++) {
    const start = ((region.y + row) * frame.width + region.x) * 3;
    data.set(frame.data.subarray(start, start + region.width * 3), row * region.width * 3);
  }
  return { data, width: region.width, height: region.height };
}

/** Far detections touching the region's edge inside the frame (px) are cut off: the full-frame detection has them whole. */
const CUT_EDGE_PX = 2;

/**
 * The full frame's detections with those of the far region (boxes moved into frame pixels; those cut by the region's
 * inner edges dropped), suppressed across both by IoU like the detector's own NMS (vehicle classes as one).
 */
export function mergeFarDetections(full: readonly Detection[], far: readonly Detection[], region: FrameRegion, frameWidth: number, frameHeight: number, iouThreshold = 0.5): Detection[] {
  const [left, top, right, bottom] = [region.x, region.y, region.x + region.width, region.y + region.height];
  const moved = far
    .map((d) => ({ ...d, box: [d.box[0] + left, d.box[1] + top, d.box[2] + left, d.box[3] + top] as Box }))
    .filter(({ box }) => !((box[0] <= left + CUT_EDGE_PX && left > 0) || (box[1] <= top + CUT_EDGE_PX && top > 0) || (box[2] >= right - CUT_EDGE_PX && right < frameWidth) || (box[3] >= bottom - CUT_EDGE_PX && bottom < frameHeight)));
  return nonMaxSuppression([...full, ...moved], { iouThreshold, groupOf: (d: Detection) => (vehicleClasses.has(d.class) ? 'vehicle' : d.class) }).sort((a, b) => b.score - a.score);
}
