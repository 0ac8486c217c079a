/** What a detector reports, in frame pixel coordinates. */

export const detectionClasses = ['car', 'motorbike', 'bus', 'truck', 'bicycle', 'person'] as const;
export type DetectionClass = (typeof detectionClasses)[number];

/** Vehicle classes share one NMS group (one vehicle is never both a car and a truck); persons have their own. */
export const vehicleClasses: ReadonlySet<DetectionClass> = new Set(['car', 'motorbike', 'bus', 'truck', 'bicycle']);

/** [x1, y1, x2, y2] in pixels, x1 <= x2, y1 <= y2. */
export type Box = [number, number, number, number];

export interface Detection {
  class: DetectionClass;
  /** 0..1 */
  score: number;
  box: Box;
}

/** A decoded model output before NMS: the model's own class index and a box in model-input pixels. */
export interface Candidate {
  classIndex: number;
  score: number;
  box: Box;
}

/** Model class index -> greenwave class; indices not in the map are ignored. */
export type ClassMap = Readonly<Record<number, DetectionClass>>;
