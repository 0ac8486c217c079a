/**
 * Where things are on an approach, in the approach frame (contracts/src/camera.ts): x across, growing to the right
 * as a driver approaching the stop line sees it, 0 at the left edge of lane 0; y upstream of the stop line.
 *
 * Lane 0 is the kerb-side (rightmost) lane, so lane 0 spans [0, w0] and the kerb is at x = w0; lane 1 lies to its
 * left at [-w1, 0], lane 2 at [-w1 - w2, -w1], and so on: the median side of the approach has negative x.
 */
import type { ApproachVehicle, ApproachView } from '@greenwave/contracts';

export interface LaneSpan {
  index: number;
  /** Left and right edges (m, approach frame), left < right. */
  left: number;
  right: number;
}

/** Across extent of every lane of the approach. */
export function laneSpans(view: Pick<ApproachView, 'lanes'>): LaneSpan[] {
  const lanes = [...view.lanes].sort((a, b) => a.index - b.index);
  const spans: LaneSpan[] = [];
  let left = 0;
  lanes.forEach((lane, i) => {
    if (i === 0) {
      spans.push({ index: lane.index, left: 0, right: lane.widthM });
      left = 0;
    } else {
      spans.push({ index: lane.index, left: left - lane.widthM, right: left });
      left -= lane.widthM;
    }
  });
  return spans;
}

/** Across extent of the whole approach: from the median side (left) to the kerb (right). */
export function approachSpanX(view: Pick<ApproachView, 'lanes'>): { left: number; right: number } {
  const spans = laneSpans(view);
  if (spans.length === 0) return { left: -3.5, right: 0 };
  return { left: Math.min(...spans.map((s) => s.left)), right: Math.max(...spans.map((s) => s.right)) };
}

/** Deterministic 32-bit hash of a few integers (for per-vehicle looks and per-frame noise). */
export function hash32(...values: number[]): number {
  let h = 0x811c9dc5 ^ values.length;
  for (const value of values) {
    let v = Math.floor(value) | 0;
    h = Math.imul(h ^ v, 0x85ebca6b);
    h ^= h >>> 13;
    v = Math.floor(value / 4294967296) | 0;
    h = Math.imul(h ^ v, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

/** A small seeded generator (mulberry32). */
export function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where a vehicle stands: its front bumper's middle on the road and its heading. */
export interface VehiclePlacement {
  /** Across position of the front bumper's middle (m). */
  x: number;
  /** Along position of the front bumper (m upstream of the stop line) = the vehicle's distanceM. */
  y: number;
  /** Heading offset from straight down the lane (rad, positive turns the front towards +x). */
  yaw: number;
}

/**
 * Lateral position of a vehicle in its lane: the lane's middle for whole-lane vehicles, the middle of its column for
 * motorbikes (column 0 on the kerb side), with a small per-vehicle offset and heading wobble so that queues do not
 * look machine-made, plus the vehicle's `lateralOffsetM` while it drifts over after a lane change. Deterministic in
 * (vehicle id, seed).
 */
export interface HeadingWobble {
  /** Largest heading offset of motorbikes (rad). */
  motorbike: number;
  /** ... of cars, buses and trucks (rad). */
  other: number;
}

/** Motorbikes weave and stop at angles in their column (up to ~11 degrees); cars keep to their lane. */
export const DEFAULT_HEADING_WOBBLE: HeadingWobble = { motorbike: 0.2, other: 0.025 };

export function placeVehicle(view: Pick<ApproachView, 'lanes'>, vehicle: ApproachVehicle, seed: number, wobbleMax: HeadingWobble = DEFAULT_HEADING_WOBBLE): VehiclePlacement {
  const spans = laneSpans(view);
  const span = spans.find((s) => s.index === vehicle.laneIndex) ?? spans[0] ?? { index: 0, left: 0, right: 3.5 };
  const width = span.right - span.left;
  const random = makeRandom(hash32(vehicle.id, seed, 17));
  const wobble = random() * 2 - 1;
  const turn = random() * 2 - 1;
  if (vehicle.column < 0 || vehicle.columns <= 1) {
    const room = Math.max(0, (width - widthOf(vehicle)) / 2 - 0.25);
    return { x: (span.left + span.right) / 2 + wobble * Math.min(0.3, room) + (vehicle.lateralOffsetM ?? 0), y: vehicle.distanceM, yaw: turn * wobbleMax.other };
  }
  const columnWidth = width / vehicle.columns;
  const column = Math.min(Math.max(vehicle.column, 0), vehicle.columns - 1);
  const middle = span.right - (column + 0.5) * columnWidth;
  return { x: middle + wobble * Math.max(0, columnWidth / 2 - 0.45) + (vehicle.lateralOffsetM ?? 0), y: vehicle.distanceM, yaw: turn * wobbleMax.motorbike };
}

/** Body width (m) by class, before per-vehicle variation. */
export function widthOf(vehicle: Pick<ApproachVehicle, 'class'>): number {
  switch (vehicle.class) {
    case 'motorbike':
      return 0.7;
    case 'car':
      return 1.8;
    case 'bus':
      return 2.5;
    case 'truck':
      return 2.4;
  }
}
