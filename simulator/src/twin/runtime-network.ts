import { type Edge, type Intersection, type Network, type PhaseModel, type RoadClass, type Turn, buildPhaseModel, movementConflict } from '@greenwave/contracts';
import { Cabinet } from '../cabinet/cabinet.ts';
import type { Vehicle } from './vehicle.ts';

export const TURN_BIT: Record<Turn, number> = { left: 1, through: 2, right: 4, uturn: 8 };
/** Presence zone that drives the cabinet's own detector calls (m upstream of the stop line). */
export const DETECTOR_ZONE_M = 30;

export class RtLane {
  vehicles: Vehicle[] = [];
  /** Lane of an approach to a signalised junction (null for exit links). */
  approach: RtApproach | null = null;
  turnsMask = 0;
  /** Phases this lane's turns belong to (bitmap), for detector calls. */
  phaseBits = 0;
  zoneNearM = 0;
  zoneFarM = 60;
  // counters since the last camera read
  crossCount = 0;
  crossByClass = [0, 0, 0, 0];
  crossPcu = 0;
  /** Vehicles over the stop line since the start (never reset: the cabinet's detector count). */
  totalCount = 0;
  detectorOccupied = false;

  constructor(
    readonly globalIndex: number,
    readonly edge: RtEdge,
    readonly index: number,
    readonly lengthM: number,
    readonly speedLimitMps: number,
    readonly columns: number,
  ) {}

  get id(): string {
    return `${this.edge.id}#${this.index}`;
  }
}

export class RtMovement {
  /** Protected movements (and junction-internal paths) this one yields to while permissive. */
  opposing: RtMovement[] = [];
  lastEntryS = -1e9;
  /** Turners let through on the current yellow. */
  sneakers = 0;

  constructor(
    readonly index: number,
    readonly junction: RtJunction,
    readonly id: string,
    readonly fromEdge: RtEdge,
    readonly toEdge: RtEdge,
    readonly turn: Turn,
    readonly phase: number,
    readonly permissive: boolean,
    readonly lengthM: number,
    readonly speedMps: number,
  ) {}
}

export interface RtApproach {
  id: string;
  junction: RtJunction;
  edge: RtEdge;
  lanes: RtLane[];
}

export class RtJunction {
  readonly model: PhaseModel;
  readonly cabinet: Cabinet;
  readonly approaches: RtApproach[] = [];
  readonly movements: RtMovement[] = [];
  lastEntryS = -1e9;
  // ground truth, accumulated while measuring
  delayS = 0;
  throughput = 0;

  constructor(
    readonly index: number,
    readonly intersection: Intersection,
  ) {
    this.model = buildPhaseModel(intersection);
    this.cabinet = new Cabinet({ model: this.model, mode: 'fixed' });
  }

  get id(): string {
    return this.intersection.id;
  }
}

export class RtEdge {
  readonly lanes: RtLane[] = [];
  /** Movement to take to each next edge, by the next edge's index. */
  readonly outMovements = new Map<number, RtMovement>();
  junction: RtJunction | null = null;
  approachId: string | null = null;
  fromBoundary = false;
  toBoundary = false;
  midX = 0;
  midY = 0;

  constructor(
    readonly index: number,
    readonly spec: Edge,
  ) {}

  get id(): string {
    return this.spec.id;
  }
  get lengthM(): number {
    return this.spec.lengthM;
  }
  get roadClass(): RoadClass {
    return this.spec.roadClass;
  }
}

export interface RuntimeNetwork {
  network: Network;
  edges: RtEdge[];
  lanes: RtLane[];
  junctions: RtJunction[];
  edgeById: Map<string, RtEdge>;
  junctionById: Map<string, RtJunction>;
}

/** Width of a street at a junction (both directions), from its lane counts. */
function crossingWidthM(edges: readonly (Edge | undefined)[]): number {
  return edges.reduce((w, e) => w + (e ? e.lanes * 3.5 : 0), 0);
}

/** Compiles a validated network into the arrays and objects the twin steps over. */
export function compileNetwork(network: Network, motorbikeColumns: number): RuntimeNetwork {
  const edges = network.edges.map((spec, i) => new RtEdge(i, spec));
  const edgeById = new Map(edges.map((e) => [e.id, e]));
  const nodeKind = new Map(network.nodes.map((n) => [n.id, n]));
  const lanes: RtLane[] = [];
  for (const edge of edges) {
    const from = nodeKind.get(edge.spec.from)!;
    const to = nodeKind.get(edge.spec.to)!;
    edge.fromBoundary = from.kind === 'boundary';
    edge.toBoundary = to.kind === 'boundary';
    edge.midX = (from.xM + to.xM) / 2;
    edge.midY = (from.yM + to.yM) / 2;
    for (let l = 0; l < edge.spec.lanes; l++) {
      const lane = new RtLane(lanes.length, edge, l, edge.spec.lengthM, edge.spec.speedLimitMps, motorbikeColumns);
      lanes.push(lane);
      edge.lanes.push(lane);
    }
  }
  const junctions = network.intersections.map((x, i) => new RtJunction(i, x));
  for (const junction of junctions) {
    const x = junction.intersection;
    const approachById = new Map(x.approaches.map((a) => [a.id, a]));
    for (const approach of x.approaches) {
      if (approach.inboundEdgeId === null) continue;
      const edge = edgeById.get(approach.inboundEdgeId)!;
      edge.junction = junction;
      edge.approachId = approach.id;
      const rt: RtApproach = { id: approach.id, junction, edge, lanes: edge.lanes };
      junction.approaches.push(rt);
      approach.lanes.forEach((laneSpec, i) => {
        const lane = edge.lanes[i]!;
        lane.approach = rt;
        lane.zoneNearM = laneSpec.zone.nearM;
        lane.zoneFarM = Math.min(laneSpec.zone.farM, lane.lengthM);
        for (const turn of laneSpec.turns) {
          lane.turnsMask |= TURN_BIT[turn];
          for (const m of x.movements) if (m.from === approach.id && m.turn === turn) lane.phaseBits |= 1 << (m.phase - 1);
        }
      });
    }
    // junction size from the crossing streets
    const inboundOf = (id: string) => {
      const a = approachById.get(id);
      return a?.inboundEdgeId ? network.edges.find((e) => e.id === a.inboundEdgeId) : undefined;
    };
    const outboundOf = (id: string) => {
      const a = approachById.get(id);
      return a?.outboundEdgeId ? network.edges.find((e) => e.id === a.outboundEdgeId) : undefined;
    };
    for (const m of x.movements) {
      const fromEdge = edgeById.get(approachById.get(m.from)!.inboundEdgeId!)!;
      const toEdge = edgeById.get(approachById.get(m.to)!.outboundEdgeId!)!;
      // the path crosses the other street: through ~ its width, left ~ 1.3x, right short
      const others = x.approaches.filter((a) => a.id !== m.from && a.id !== m.to).map((a) => a.id);
      const crossWidth = crossingWidthM(others.flatMap((id) => [inboundOf(id), outboundOf(id)]));
      const ownWidth = crossingWidthM([inboundOf(m.from), outboundOf(m.from)]);
      const lengthM = m.turn === 'right' ? 8 : m.turn === 'left' ? Math.max(12, 0.8 * (crossWidth + ownWidth)) : Math.max(10, crossWidth + 2);
      const speedMps = m.turn === 'right' ? 5 : m.turn === 'left' ? 6.5 : Math.min(fromEdge.spec.speedLimitMps, toEdge.spec.speedLimitMps);
      const movement = new RtMovement(junction.movements.length, junction, m.id, fromEdge, toEdge, m.turn, m.phase, m.permissive, lengthM, speedMps);
      junction.movements.push(movement);
      fromEdge.outMovements.set(toEdge.index, movement);
    }
    // permissive movements yield to conflicting movements from the opposite leg that run in the same phase group
    const model = junction.model;
    const bearing = new Map(x.approaches.map((a) => [a.id, a.bearingDeg]));
    const bearingOf = (id: string) => bearing.get(id) ?? 0;
    for (const m of junction.movements) {
      if (!m.permissive) continue;
      const spec = x.movements.find((s) => s.id === m.id)!;
      for (const o of junction.movements) {
        if (o === m || o.permissive) continue;
        const other = x.movements.find((s) => s.id === o.id)!;
        if (other.from === spec.from) continue;
        // same phase (two-stage) or concurrent phases: the yielding happens on the street
        if (other.phase !== spec.phase && model.conflicts.conflicts(other.phase, spec.phase)) continue;
        if (movementConflict(spec, other, bearingOf) !== 'none') m.opposing.push(o);
      }
    }
  }
  return { network, edges, lanes, junctions, edgeById, junctionById: new Map(junctions.map((j) => [j.id, j])) };
}
