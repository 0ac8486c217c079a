import type { Detection } from '../detect/detection.ts';
import type { SizeFit } from '../zones/size-class.ts';

/**
 * How many times wider than a bus standing at the same ground point a box may be and still be a vehicle. Two
 * motorbikes abreast are narrower than a bus; a box around several lanes' vehicles is no vehicle either.
 */
export const MAX_WIDTH_IN_BUSES = 2;

/**
 * Drops detections more than MAX_WIDTH_IN_BUSES times as wide as a bus would look where the box stands. NanoDet gives
 * boxes over most of the frame at scores 0.2–0.35 (int8 more often); at Núi Thành one, 3.8 buses wide, stood 2–3 m
 * past the stop line for most of five minutes as a "bus" track, headed a 2 PCU queue, and the queue controller held
 * the green for it. Boxes that cannot be sized (bottom off the ground) are kept.
 */
export function withoutWiderThanVehicles(detections: readonly Detection[], fit: SizeFit, factor = MAX_WIDTH_IN_BUSES): Detection[] {
  return detections.filter((d) => !fit.widerThanAnyVehicle(d.box, factor));
}
