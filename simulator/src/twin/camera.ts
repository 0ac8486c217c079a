import { type LaneMeasurement, emptyPerClass } from '@greenwave/contracts';
import type { RtJunction, RtLane } from './runtime-network.ts';
import { CLASS_NAMES } from './vehicle.ts';

/** Slower than this (m/s) a vehicle counts as queued, as camera analytics usually define it. */
export const QUEUE_SPEED_MPS = 2;
/** Largest gap (m) between queued vehicles that still belong to one queue. */
export const QUEUE_JOIN_GAP_M = 8;

/**
 * Queue at the stop line of a lane: vehicles slower than QUEUE_SPEED_MPS, chained back from the stop line
 * with gaps of at most QUEUE_JOIN_GAP_M (motorbikes side by side count as one rank).
 */
export function laneQueue(lane: RtLane): { lengthM: number; vehicles: number; pcu: number } {
  const vehicles = lane.vehicles;
  let frontier = lane.lengthM; // back of the queue so far
  let count = 0;
  let pcu = 0;
  for (let i = 0; i < vehicles.length; i++) {
    const v = vehicles[i]!;
    if (v.pos < 0) break;
    if (frontier - v.pos > QUEUE_JOIN_GAP_M) break;
    if (v.speed >= QUEUE_SPEED_MPS) break;
    const back = v.pos - v.lengthM;
    if (back < frontier) frontier = back;
    count++;
    pcu += v.pcu;
  }
  return { lengthM: count === 0 ? 0 : lane.lengthM - Math.max(0, frontier), vehicles: count, pcu };
}

/**
 * What a perfect camera reports for a lane since the last read: stop-line counts, zone occupancy, queue,
 * density and speed, per class. Reading resets the counters.
 */
export function readLane(junction: RtJunction, approachId: string, lane: RtLane, timeMs: number, intervalS: number): LaneMeasurement {
  const zoneStart = lane.lengthM - lane.zoneFarM;
  const zoneEnd = lane.lengthM - lane.zoneNearM;
  const zoneLength = zoneEnd - zoneStart;
  let covered = 0;
  let present = 0;
  let presentPcu = 0;
  let speedSum = 0;
  const presentByClass = emptyPerClass();
  for (const v of lane.vehicles) {
    const back = v.pos - v.lengthM;
    if (v.pos <= zoneStart || back >= zoneEnd) continue;
    const overlap = Math.min(v.pos, zoneEnd) - Math.max(back, zoneStart);
    covered += v.column < 0 ? overlap : overlap / lane.columns;
    present++;
    presentPcu += v.pcu;
    speedSum += v.speed;
    presentByClass[CLASS_NAMES[v.classIndex]!]++;
  }
  const queue = laneQueue(lane);
  const countByClass = emptyPerClass();
  CLASS_NAMES.forEach((name, i) => (countByClass[name] = lane.crossByClass[i]!));
  const measurement: LaneMeasurement = {
    intersectionId: junction.id,
    approachId,
    laneIndex: lane.index,
    timeMs,
    intervalS,
    count: lane.crossCount,
    countByClass,
    countPcu: Math.round(lane.crossPcu * 100) / 100,
    occupancy: Math.min(1, covered / zoneLength),
    queueLengthM: queue.lengthM,
    queueVehicles: queue.vehicles,
    queuePcu: Math.round(queue.pcu * 100) / 100,
    vehiclesInZone: present,
    presentByClass,
    densityVehPerKm: (present / zoneLength) * 1000,
    densityPcuPerKm: (presentPcu / zoneLength) * 1000,
    meanSpeedMps: present === 0 ? null : speedSum / present,
    zoneLengthM: zoneLength,
  };
  lane.crossCount = 0;
  lane.crossByClass.fill(0);
  lane.crossPcu = 0;
  return measurement;
}

/** All inbound lanes of a junction. */
export function readJunction(junction: RtJunction, timeMs: number, intervalS: number): LaneMeasurement[] {
  const out: LaneMeasurement[] = [];
  for (const approach of junction.approaches) for (const lane of approach.lanes) out.push(readLane(junction, approach.id, lane, timeMs, intervalS));
  return out;
}
