import { vehicleClasses, type Candidate, type ClassMap, type Detection, type DetectionClass } from './detection.ts';
import { fuseRiders } from './fuse-riders.ts';
import { boxToFrame, type Letterbox } from './letterbox.ts';
import { nonMaxSuppression } from './nms.ts';

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
 * class-agnostic NMS across vehicle classes (persons apart), rider fusion (then NMS again), class filter, best first.
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
  if (options.classes !== undefined) detections = detections.filter((detection) => options.classes?.has(detection.class));
  return detections.sort((a, b) => b.score - a.score).slice(0, options.maxDetections);
}
