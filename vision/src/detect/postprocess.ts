import { vehicleClasses, type Candidate, type ClassMap, type Detection, type DetectionClass } from './detection.ts';
import { fuseRiders } from './fuse-riders.ts';
import { boxToFrame, type Letterbox } from './letterbox.ts';
import { boxArea, intersectionArea, nonMaxSuppression } from './nms.ts';

export interface PostprocessOptions {
  classMap: ClassMap;
  iouThreshold: number;
  maxDetections: number;
  fuseRiders: boolean;
  /** Reported classes; undefined = all. */
  classes: ReadonlySet<DetectionClass> | undefined;
}

/** Model indices worth decoding: the mapped ones, narrowed to the reported classes (persons kept for fusion). */
export function classIndicesToDecode(options: PostprocessOptions): number[] {
  return Object.entries(options.classMap)
    .filter(([, name]) => options.classes === undefined || options.classes.has(name) || (options.fuseRiders && name === 'person'))
    .map(([index]) => Number(index));
}

/**
 * Candidates (model-input pixels, model class indices) to detections in frame pixels: class mapping,
 * class-agnostic NMS across vehicle classes (persons apart), rider fusion (then NMS again), parts of vehicles dropped
 * (`withoutVehicleParts`), class filter, best first.
 */
export function finishDetections(candidates: readonly Candidate[], letterbox: Letterbox, options: PostprocessOptions): Detection[] {
  const mapped: Detection[] = [];
  for (const candidate of candidates) {
    const name = options.classMap[candidate.classIndex];
    if (name !== undefined) mapped.push({ class: name, score: candidate.score, box: candidate.box });
  }
  const nms = { iouThreshold: options.iouThreshold, groupOf: (detection: Detection) => (vehicleClasses.has(detection.class) ? 'vehicle' : detection.class) };
  const kept = nonMaxSuppression(mapped, nms);
  let detections = kept
    .map((detection) => ({ ...detection, box: boxToFrame(detection.box, letterbox) }))
    .filter((detection) => detection.box[2] > detection.box[0] && detection.box[3] > detection.box[1]);
  // a rider fused with a weak second box of a bike can grow into a duplicate of another vehicle (in a queue of
  // motorbikes such a box's track flickered between two standing bikes and counted one of them), so suppress again
  if (options.fuseRiders) detections = nonMaxSuppression(fuseRiders(detections), nms);
  detections = withoutVehicleParts(detections);
  if (options.classes !== undefined) detections = detections.filter((detection) => options.classes?.has(detection.class));
  return detections.sort((a, b) => b.score - a.score).slice(0, options.maxDetections);
}

/** Share of a vehicle box inside a better one, and bottom edges this close (share of the better box's height), that make it a part. */
const PART_INSIDE = 0.75;
const PART_BOTTOM = 0.12;
/**
 * A part holds at least this share of its whole's area (a bike is ~40% of bike and rider): NanoDet also gives boxes
 * over most of the frame (score 0.2–0.3 on the pilots' cameras), and a car near the bottom of such a box was dropped
 * as its part, and never counted (Núi Thành N/1, 300 s: a car lost 1 m before it would have counted).
 */
const PART_MIN_SHARE = 0.25;

/**
 * Drops vehicle detections that are a part of a better-scoring vehicle detection: mostly inside it, standing on the
 * same ground line (bottom edges within 12% of its height) and at least a quarter of its area — a motorbike's bike
 * without its rider, a car's lower half. NMS keeps them (their IoU with the whole is 0.3-0.5), and in a queue of motorbikes a track that took such a
 * part of the bike in front and the part of the bike behind in turn jumped 2 m and counted a standing bike. A vehicle
 * beside or behind another does not stand on the same line in the picture, so it is kept.
 */
export function withoutVehicleParts(detections: readonly Detection[]): Detection[] {
  const vehicles = detections.filter((d) => vehicleClasses.has(d.class)).sort((a, b) => b.score - a.score);
  const parts = new Set<Detection>();
  for (const [i, part] of vehicles.entries()) {
    const area = boxArea(part.box);
    if (area <= 0) continue;
    const whole = vehicles
      .slice(0, i)
      .find((w) => !parts.has(w) && area >= PART_MIN_SHARE * boxArea(w.box) && intersectionArea(part.box, w.box) / area >= PART_INSIDE && Math.abs(part.box[3] - w.box[3]) <= PART_BOTTOM * (w.box[3] - w.box[1]));
    if (whole !== undefined) parts.add(part);
  }
  return detections.filter((d) => !parts.has(d));
}
