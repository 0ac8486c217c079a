import { type Intersection, type LaneMeasurement, type PhaseModel, type PhaseTiming, buildPhaseModel, clearanceS } from '@greenwave/contracts';

/** How a lane feeds the phases: its share of demand for each phase it serves. */
export interface LanePhaseShare {
  phase: number;
  share: number;
}

/**
 * An intersection seen by the control algorithms: which lanes serve which phases, the service sequence of stages,
 * and per-phase aggregates of lane measurements. Built once per intersection; pure helpers only.
 */
export interface IntersectionView {
  intersection: Intersection;
  model: PhaseModel;
  /** `${approachId}/${laneIndex}` -> phases the lane serves with its share (shared lanes are split evenly). */
  laneShares: Map<string, LanePhaseShare[]>;
  /** The same, by approach id then lane index: the hot path looks lanes up without building strings. */
  sharesByApproach: Map<string, LanePhaseShare[][]>;
  /** Lanes in config order (the order cameras and the twin report them), for a lookup without hashing. */
  orderedLanes: { approachId: string; laneIndex: number; shares: LanePhaseShare[] }[];
  /** Stages in service order: for dual-ring, leading lefts then throughs per barrier; one phase per stage otherwise. */
  sequence: number[][];
  /** Outbound edge ids each phase sends traffic to, with the share of the phase's movements. */
  phaseExits: Map<number, { edgeId: string; share: number }[]>;
  /** Lanes serving each phase (shared lanes count by their share), indexed by phase number. */
  lanesOfPhase: PerPhase;
}

/** A number per phase, indexed by phase number (1..16). */
export type PerPhase = number[];

/**
 * Plain arrays: allocating a small typed array costs several times more, and this runs 200 times a second. The
 * literal starts with a fraction so V8 stores doubles from the start (no re-allocation on the first fractional add).
 */
export function newPerPhase(): PerPhase {
  const out = [0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  out[0] = 0;
  return out;
}

export function laneKey(approachId: string, laneIndex: number): string {
  return `${approachId}/${laneIndex}`;
}

export function buildView(intersection: Intersection): IntersectionView {
  const model = buildPhaseModel(intersection);
  const laneShares = new Map<string, LanePhaseShare[]>();
  const sharesByApproach = new Map<string, LanePhaseShare[][]>();
  const lanesOfPhase = newPerPhase();
  const orderedLanes: IntersectionView['orderedLanes'] = [];
  for (const approach of intersection.approaches) {
    for (const lane of approach.lanes) {
      const phases = new Set<number>();
      for (const turn of lane.turns) {
        const movement = intersection.movements.find((m) => m.from === approach.id && m.turn === turn);
        if (movement) phases.add(movement.phase);
      }
      const share = 1 / Math.max(1, phases.size);
      const shares = [...phases].map((phase) => ({ phase, share }));
      laneShares.set(laneKey(approach.id, lane.index), shares);
      if (!sharesByApproach.has(approach.id)) sharesByApproach.set(approach.id, []);
      sharesByApproach.get(approach.id)![lane.index] = shares;
      orderedLanes.push({ approachId: approach.id, laneIndex: lane.index, shares });
      for (const phase of phases) lanesOfPhase[phase]! += share;
    }
  }
  const phaseExits = new Map<number, { edgeId: string; share: number }[]>();
  for (const phase of model.phases) {
    const movements = model.movementsByPhase[phase]!;
    const exits = movements
      .map((m) => intersection.approaches.find((a) => a.id === m.to)?.outboundEdgeId)
      .filter((id): id is string => typeof id === 'string');
    phaseExits.set(phase, exits.map((edgeId) => ({ edgeId, share: 1 / exits.length })));
  }
  return { intersection, model, laneShares, sharesByApproach, orderedLanes, sequence: serviceSequence(model), phaseExits, lanesOfPhase };
}

function serviceSequence(model: PhaseModel): number[][] {
  if (model.rings.length === 1) return model.rings[0]!.map((p) => [p]);
  const out: number[][] = [];
  for (let b = 0; b < model.barrierCount; b++) {
    const perRing = model.rings.map((ring) => ring.filter((p) => model.barrierOf[p] === b)).filter((r) => r.length > 0);
    const steps = Math.max(...perRing.map((r) => r.length));
    for (let k = 0; k < steps; k++) {
      const stage = perRing.map((r) => r[Math.min(k, r.length - 1)]!).sort((a, c) => a - c);
      if (!out.some((s) => s.join() === stage.join())) out.push(stage);
    }
  }
  return out;
}

/** The phases a measured lane serves; lanes usually arrive in config order, which needs no lookup. */
export function sharesOf(view: IntersectionView, m: LaneMeasurement, position: number): LanePhaseShare[] | undefined {
  const expected = view.orderedLanes[position];
  if (expected !== undefined && expected.approachId === m.approachId && expected.laneIndex === m.laneIndex) return expected.shares;
  return view.sharesByApproach.get(m.approachId)?.[m.laneIndex];
}

/** Sum of a lane quantity over the lanes serving each phase, weighted by the lanes' shares. */
export function perPhase(view: IntersectionView, lanes: readonly LaneMeasurement[], pick: (m: LaneMeasurement) => number): PerPhase {
  return combinePerPhase(view, lanes, pick, false);
}

/** Largest lane value (by share) among the lanes of each phase: the critical lane. */
export function perPhaseMax(view: IntersectionView, lanes: readonly LaneMeasurement[], pick: (m: LaneMeasurement) => number): PerPhase {
  return combinePerPhase(view, lanes, pick, true);
}

function combinePerPhase(view: IntersectionView, lanes: readonly LaneMeasurement[], pick: (m: LaneMeasurement) => number, max: boolean): PerPhase {
  const out = newPerPhase();
  for (let i = 0; i < lanes.length; i++) {
    const m = lanes[i]!;
    const shares = sharesOf(view, m, i);
    if (!shares) continue;
    const value = pick(m);
    for (const { phase, share } of shares) {
      const v = value * share;
      if (!max) out[phase]! += v;
      else if (v > out[phase]!) out[phase] = v;
    }
  }
  return out;
}

export function timingOf(view: IntersectionView, phase: number): PhaseTiming {
  return view.model.timing[phase]!;
}

/** Longest clearance (yellow + red) among the phases of a stage. */
export function stageClearanceS(view: IntersectionView, stage: readonly number[]): number {
  return Math.max(...stage.map((p) => clearanceS(timingOf(view, p))));
}

export function stageMinGreenS(view: IntersectionView, stage: readonly number[]): number {
  return Math.max(...stage.map((p) => timingOf(view, p).minGreenS));
}

export function stageMaxGreenS(view: IntersectionView, stage: readonly number[]): number {
  return Math.max(...stage.map((p) => timingOf(view, p).maxGreenS));
}

export function sameStage(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** The stage of the sequence currently green, if the signal shows exactly one. */
export function currentStageIndex(view: IntersectionView, greens: readonly number[]): number {
  const sorted = [...greens].sort((a, b) => a - b);
  return view.sequence.findIndex((s) => sameStage(s, sorted));
}
