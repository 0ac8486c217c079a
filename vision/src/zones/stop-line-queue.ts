/**
 * The queue at a stop line by the rules of the twin's perfect camera (`laneQueue` in simulator/src/twin/camera.ts),
 * so field and twin queues mean the same: vehicles slower than QUEUE_SPEED_MPS, taken from the stop line back, each
 * starting at most QUEUE_JOIN_GAP_M behind the back of the queue so far. Vehicles side by side (motorbikes two
 * abreast) extend the queue by the longer of them only.
 */

/** Slower than this (m/s) a vehicle counts as queued (same as the twin). */
export const QUEUE_SPEED_MPS = 2;
/** Largest gap (m) between queued vehicles that still belong to one queue (same as the twin). */
export const QUEUE_JOIN_GAP_M = 8;
/**
 * A vehicle with its nose further than this (m) over the stop line is in the crosswalk or the junction, not waiting
 * at this line (the twin never has one there). Núi Thành N/1: a phantom "bus" box standing 2–3 m past the line for
 * most of five minutes headed a 2 PCU queue the queue controller held the green for.
 */
export const QUEUE_MAX_OVER_LINE_M = 1;

export interface QueueCandidate {
  /** Ground y of the vehicle's front (m upstream of the stop line; negative once over it). */
  frontM: number;
  lengthM: number;
  pcu: number;
  /** Ground speed; null when not yet known (such a vehicle ends the queue, as a moving one would). */
  speedMps: number | null;
}

export interface StopLineQueue {
  /** From the stop line to the back of the last queued vehicle. */
  lengthM: number;
  vehicles: number;
  pcu: number;
}

/**
 * Vehicles wholly past the stop line, or with their nose more than QUEUE_MAX_OVER_LINE_M over it, are ignored; one
 * stopped with its nose a little over the line still heads the queue (the twin moves a vehicle off the lane as soon
 * as its front crosses, a real car may stop a little over).
 */
export function stopLineQueue(candidates: readonly QueueCandidate[]): StopLineQueue {
  const onApproach = candidates.filter((v) => v.frontM + v.lengthM > 0 && v.frontM >= -QUEUE_MAX_OVER_LINE_M).sort((a, b) => a.frontM - b.frontM);
  let frontier = 0; // back of the queue so far, m upstream of the stop line
  let count = 0;
  let pcu = 0;
  for (const vehicle of onApproach) {
    if (vehicle.frontM - frontier > QUEUE_JOIN_GAP_M) break;
    if (vehicle.speedMps === null || vehicle.speedMps >= QUEUE_SPEED_MPS) break;
    frontier = Math.max(frontier, vehicle.frontM + vehicle.lengthM);
    count++;
    pcu += vehicle.pcu;
  }
  return { lengthM: count === 0 ? 0 : frontier, vehicles: count, pcu };
}
