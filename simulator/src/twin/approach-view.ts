import { type ApproachVehicle, type ApproachView, ErrorCode, GreenwaveError } from '@greenwave/contracts';
import { type RtEdge, type RtJunction, type RtLane, type RtMovement, TURN_BIT } from './runtime-network.ts';
import { CLASS_NAMES, type Vehicle } from './vehicle.ts';

export interface ViewApproachOptions {
  /** Vehicles further upstream of the stop line than this (m) are left out (default: the whole link). */
  maxDistanceM?: number;
  /** Vehicles that crossed the stop line are kept while their front is at most this far past it (m, default 15). */
  pastStopLineM?: number;
}

const DEFAULT_LANE_WIDTH_M = 3.5;

/**
 * The approach `approachId` of `junction` as a camera would see it now: its lanes and the vehicles on them, with the
 * distance of each front bumper upstream of the stop line. Vehicles that have just crossed the stop line (inside the
 * junction, up to `pastStopLineM`) are included with a negative distance, on a lane of the approach that allows
 * their turn.
 */
export function viewApproach(junction: RtJunction, approachId: string, timeS: number, options: ViewApproachOptions = {}): ApproachView {
  const approach = junction.approaches.find((a) => a.id === approachId);
  const spec = junction.intersection.approaches.find((a) => a.id === approachId);
  if (!approach || !spec) {
    const known = junction.approaches.map((a) => a.id).join(', ');
    throw new GreenwaveError(ErrorCode.NOT_FOUND, `intersection ${junction.id} has no inbound approach "${approachId}" (inbound approaches: ${known || 'none'})`);
  }
  const maxDistanceM = options.maxDistanceM ?? Infinity;
  const pastStopLineM = options.pastStopLineM ?? 15;
  const lanes = approach.lanes.map((lane) => ({ index: lane.index, widthM: spec.lanes[lane.index]?.widthM ?? DEFAULT_LANE_WIDTH_M }));
  const vehicles: ApproachVehicle[] = [];
  const record = (v: Vehicle, lane: RtLane, laneIndex: number, distanceM: number) => {
    vehicles.push({
      id: v.id,
      class: CLASS_NAMES[v.classIndex]!,
      laneIndex,
      column: v.column < 0 ? -1 : Math.min(v.column, lane.columns - 1),
      columns: lane.columns,
      distanceM,
      lengthM: v.lengthM,
      speedMps: v.speed,
    });
  };
  for (const lane of approach.lanes) {
    for (const v of lane.vehicles) {
      // pos < 0: still inside the upstream junction, not on this approach yet
      if (v.pos < 0) continue;
      const distanceM = lane.lengthM - v.pos;
      if (distanceM > maxDistanceM) continue;
      record(v, lane, lane.index, distanceM);
    }
  }
  if (pastStopLineM > 0) {
    // vehicles past the stop line sit on the next lane with pos < 0 (pos + movement length = metres past the line)
    const edge = approach.edge;
    const seen = new Set<RtEdge>();
    for (const movement of edge.outMovements.values()) {
      if (seen.has(movement.toEdge)) continue;
      seen.add(movement.toEdge);
      for (const target of movement.toEdge.lanes) {
        for (const v of target.vehicles) {
          if (v.pos >= 0 || v.routeIndex === 0 || v.route[v.routeIndex - 1] !== edge.index) continue;
          const pastM = v.pos + movement.lengthM;
          if (pastM < 0 || pastM > pastStopLineM) continue;
          const lane = laneForTurn(approach.lanes, movement.turn, target.index);
          record(v, lane, lane.index, -pastM);
        }
      }
    }
  }
  vehicles.sort((a, b) => a.distanceM - b.distanceM || a.id - b.id);
  const exitEdge = spec.outboundEdgeId === null ? undefined : junction.movements.find((m) => m.toEdge.id === spec.outboundEdgeId)?.toEdge;
  return {
    intersectionId: junction.id,
    approachId,
    timeS,
    lanes,
    stopLineM: approach.edge.lengthM,
    ...(exitEdge ? { exitLanes: exitEdge.lanes.length } : spec.outboundEdgeId === null ? { exitLanes: 0 } : {}),
    vehicles,
  };
}

/** The lane a vehicle that left by `turn` most likely used: one allowing the turn, nearest to `hint`. */
function laneForTurn(lanes: readonly RtLane[], turn: RtMovement['turn'], hint: number): RtLane {
  const allowed = lanes.filter((lane) => (lane.turnsMask & TURN_BIT[turn]) !== 0);
  const pool = allowed.length > 0 ? allowed : lanes;
  let best = pool[0]!;
  for (const lane of pool) if (Math.abs(lane.index - hint) < Math.abs(best.index - hint)) best = lane;
  return best;
}
