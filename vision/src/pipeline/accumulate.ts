import { type LaneMeasurement, emptyPerClass } from '@greenwave/contracts';

/**
 * Adds a lane's newer measurement to what is waiting for the reader: the newer state (queue, occupancy, density,
 * speed) with the counts of both intervals added, so a reader with another rhythm than the camera loses no count.
 */
export function accumulateLane(pending: Map<string, LaneMeasurement>, m: LaneMeasurement): void {
  const key = `${m.approachId}/${m.laneIndex}`;
  const before = pending.get(key);
  if (!before) {
    pending.set(key, m);
    return;
  }
  const countByClass = emptyPerClass();
  for (const k of Object.keys(countByClass) as (keyof typeof countByClass)[]) countByClass[k] = before.countByClass[k] + m.countByClass[k];
  pending.set(key, { ...m, intervalS: before.intervalS + m.intervalS, count: before.count + m.count, countByClass, countPcu: Math.round((before.countPcu + m.countPcu) * 100) / 100 });
}
