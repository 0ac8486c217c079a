import type { CameraLaneZone } from '@greenwave/contracts';
import type { Box, Detection } from '../detect/detection.ts';
import { laneZoneOfBox } from '../zones/lane-assignment.ts';

/** Share of box a covered by box b. */
function coveredBy(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.max(1e-9, (a[2] - a[0]) * (a[3] - a[1]));
}

/**
 * A COCO detector often sees a motorbike's rider as `person` and the bike weakly or not at all (rider fusion needs
 * both). A person standing in a traffic lane upstream of the stop line is, in this traffic, a rider: such a person
 * counts as a motorbike, unless a two-wheeler box already covers them (the same vehicle). Persons outside the lane
 * zones (pavement, the crosswalk beyond the stop line) stay persons and are never vehicles.
 */
export function ridersInLanesAsMotorbikes(detections: readonly Detection[], lanes: readonly CameraLaneZone[]): Detection[] {
  const bikes = detections.filter((d) => d.class === 'motorbike' || d.class === 'bicycle');
  const out: Detection[] = [];
  for (const d of detections) {
    if (d.class !== 'person' || !laneZoneOfBox(d.box, lanes)) out.push(d);
    else if (!bikes.some((b) => coveredBy(d.box, b.box) > 0.3)) out.push({ ...d, class: 'motorbike' });
  }
  return out;
}
