import type { LaneMeasurement } from './measurement.ts';

/**
 * The centre's hot path: measurement messages arrive ~200 a second per 200 agents and zod parsing (which copies
 * every object) was a quarter of the ingest's CPU. This allocation-free test is never looser than the schema
 * (MeasurementMessage accepts whatever it accepts; a property test holds it to that); a message it does not accept
 * goes through zod, which also says what is wrong.
 */
export function isValidMeasurementMessage(v: unknown): v is { type: 'measurement'; seq: number; timeMs: number; lanes: LaneMeasurement[] } {
  if (!isRecord(v) || !hasExactly(v, 4) || v.type !== 'measurement') return false;
  if (!isInt(v.seq, 1) || !isInt(v.timeMs, 0)) return false;
  const lanes = v.lanes;
  if (!Array.isArray(lanes) || lanes.length > 64) return false;
  for (const lane of lanes) if (!isValidLane(lane)) return false;
  return true;
}

const LANE_KEYS = 18;
const CLASSES = ['motorbike', 'car', 'bus', 'truck'] as const;

function isValidLane(l: unknown): boolean {
  if (!isRecord(l) || !hasExactly(l, LANE_KEYS)) return false;
  return (
    isId(l.intersectionId) &&
    isId(l.approachId) &&
    isInt(l.laneIndex, 0) &&
    (l.laneIndex as number) <= 7 &&
    isInt(l.timeMs, 0) &&
    isNum(l.intervalS) &&
    (l.intervalS as number) > 0 &&
    (l.intervalS as number) <= 900 &&
    isInt(l.count, 0) &&
    isPerClass(l.countByClass) &&
    isNonNegative(l.countPcu) &&
    isNonNegative(l.occupancy) &&
    (l.occupancy as number) <= 1 &&
    isNonNegative(l.queueLengthM) &&
    isInt(l.queueVehicles, 0) &&
    isNonNegative(l.queuePcu) &&
    isInt(l.vehiclesInZone, 0) &&
    isPerClass(l.presentByClass) &&
    isNonNegative(l.densityVehPerKm) &&
    isNonNegative(l.densityPcuPerKm) &&
    (l.meanSpeedMps === null || isNonNegative(l.meanSpeedMps)) &&
    isNum(l.zoneLengthM) &&
    (l.zoneLengthM as number) > 0
  );
}

function isPerClass(v: unknown): boolean {
  if (!isRecord(v) || !hasExactly(v, 4)) return false;
  for (const c of CLASSES) if (!isInt(v[c], 0)) return false;
  return true;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Exactly n own keys (the schema is strict: with the named keys all checked, any extra one shows in the count). */
function hasExactly(v: object, n: number): boolean {
  let keys = 0;
  for (const k in v) if (Object.hasOwn(v, k)) keys++;
  return keys === n;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNonNegative = (v: unknown) => isNum(v) && v >= 0;
const isInt = (v: unknown, min: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isId = (v: unknown) => typeof v === 'string' && v.length >= 1;
