import type { CameraLaneZone } from '@greenwave/contracts';
import type { Box } from '../detect/detection.ts';
import type { PlanePoint } from './homography.ts';
import { pointInPolygon } from './polygon.ts';

/**
 * Where a box touches the road: the middle of its bottom edge. For a camera facing oncoming traffic that is the
 * vehicle's front bumper, i.e. the vehicle's front position on the ground.
 */
export function groundContactPoint(box: Box): [number, number] {
  return [(box[0] + box[2]) / 2, box[3]];
}

/** The first lane zone whose image polygon holds the point (pixels), or undefined. */
export function laneZoneOfPoint(point: PlanePoint, lanes: readonly CameraLaneZone[]): CameraLaneZone | undefined {
  return lanes.find((lane) => pointInPolygon(point, lane.polygon as PlanePoint[]));
}

/** The lane zone of a tracked box, by its ground contact point. */
export function laneZoneOfBox(box: Box, lanes: readonly CameraLaneZone[]): CameraLaneZone | undefined {
  return laneZoneOfPoint(groundContactPoint(box), lanes);
}
