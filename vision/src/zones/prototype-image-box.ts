import type { Box } from '../detect/detection.ts';
import type { GroundCamera } from './camera-from-ground.ts';

/** A vehicle's outer dimensions (m). */
export interface SizePrototype {
  lengthM: number;
  widthM: number;
  heightM: number;
}

/**
 * The image box of a vehicle of `size` whose front middle stands at ground (x, y), facing the stop line (downstream,
 * -y): the hull of its 3D box's corners. Undefined when a corner is behind the camera or the box is empty.
 */
export function prototypeImageBox(camera: GroundCamera, x: number, y: number, size: SizePrototype): Box | undefined {
  let box: Box | undefined;
  for (const across of [x - size.widthM / 2, x + size.widthM / 2]) {
    for (const along of [y, y + size.lengthM]) {
      for (const up of [0, size.heightM]) {
        const point = camera.project([across, along, up]);
        if (point === undefined) return undefined;
        box = box === undefined ? [point[0], point[1], point[0], point[1]] : [Math.min(box[0], point[0]), Math.min(box[1], point[1]), Math.max(box[2], point[0]), Math.max(box[3], point[1])];
      }
    }
  }
  return box !== undefined && box[2] > box[0] && box[3] > box[1] ? box : undefined;
}
