import type { Intersection, LaneMeasurement } from '@greenwave/contracts';
import { emptyPerClass } from '@greenwave/contracts';

/** Zone length assumed for a lane on recall when nothing else is known (m), as the twin's default zone. */
const RECALL_ZONE_M = 60;

/**
 * Decision input for approaches whose detection failed (a camera down or frozen): their lanes are replaced by a
 * full-demand reading (zone full, queue to its end), so every algorithm serves their phases each cycle up to their
 * maximum — the "max recall" a cabinet puts a phase on when its detector fails. Only for deciding: never stored.
 */
export function withRecall(intersection: Intersection, lanes: readonly LaneMeasurement[], recall: ReadonlySet<string>, timeMs: number): LaneMeasurement[] {
  if (recall.size === 0) return lanes as LaneMeasurement[];
  const out = lanes.filter((l) => !recall.has(l.approachId));
  for (const approach of intersection.approaches) {
    if (!recall.has(approach.id)) continue;
    for (const lane of approach.lanes) {
      const zoneLengthM = lanes.find((l) => l.approachId === approach.id && l.laneIndex === lane.index)?.zoneLengthM ?? RECALL_ZONE_M;
      const vehicles = Math.round(zoneLengthM / 7);
      out.push({
        intersectionId: intersection.id,
        approachId: approach.id,
        laneIndex: lane.index,
        timeMs,
        intervalS: 1,
        count: 0,
        countByClass: emptyPerClass(),
        countPcu: 0,
        occupancy: 1,
        queueLengthM: zoneLengthM,
        queueVehicles: vehicles,
        queuePcu: vehicles,
        vehiclesInZone: vehicles,
        presentByClass: { ...emptyPerClass(), car: vehicles },
        densityVehPerKm: (vehicles / zoneLengthM) * 1000,
        densityPcuPerKm: (vehicles / zoneLengthM) * 1000,
        meanSpeedMps: 0,
        zoneLengthM,
      });
    }
  }
  return out;
}
