import {
  type ControllerConfigInput,
  type FixedPlan,
  Intersection,
  type IntersectionInput,
  type PhaseTimingInput,
  type RoadClass,
  type Turn,
  clearanceS,
  parseWith,
} from '@greenwave/contracts';

/** One leg of a junction to be built. */
export interface LegSpec {
  id: string;
  bearingDeg: number;
  inboundEdgeId: string | null;
  outboundEdgeId: string | null;
  inboundLanes: number;
  roadClass: RoadClass;
}

export type Phasing = 'nema8' | 'two-stage';

export interface IntersectionSpec {
  id: string;
  name: string;
  /** Legs; the two with `main: true` in `mainLegs` form the main street. */
  legs: LegSpec[];
  mainLegs: [string, string];
  phasing: Phasing;
  cycleS?: number;
  control?: ControllerConfigInput;
  location?: { xM: number; yM: number };
}

function norm(deg: number): number {
  return ((deg % 360) + 360) % 360;
}

function angleBetween(a: number, b: number): number {
  const d = Math.abs(norm(a - b));
  return Math.min(d, 360 - d);
}

/** The leg a turn from `from` leads to (right-hand traffic), or undefined when no leg lies that way. */
export function legForTurn(legs: readonly LegSpec[], from: LegSpec, turn: Exclude<Turn, 'uturn'>): LegSpec | undefined {
  const target = norm(from.bearingDeg + (turn === 'through' ? 180 : turn === 'left' ? 90 : -90));
  let best: LegSpec | undefined;
  let bestAngle = 46;
  for (const leg of legs) {
    if (leg.id === from.id) continue;
    const angle = angleBetween(leg.bearingDeg, target);
    if (angle < bestAngle) {
      best = leg;
      bestAngle = angle;
    }
  }
  return best;
}

/** Turns per lane, kerb side first: right turns from the kerb lane, lefts from the median lane. */
export function laneTurns(available: readonly Turn[], lanes: number): Turn[][] {
  const has = (t: Turn) => available.includes(t);
  if (lanes === 1) return [[...available]];
  const out: Turn[][] = Array.from({ length: lanes }, () => []);
  const kerb = out[0]!;
  const median = out[lanes - 1]!;
  if (has('right')) kerb.push('right');
  if (has('left')) median.push('left');
  if (has('through')) {
    for (let i = 0; i < lanes; i++) {
      // with three or more lanes the median lane is an exclusive left when there is a left
      if (i === lanes - 1 && lanes >= 3 && has('left')) continue;
      out[i]!.unshift('through');
    }
  } else {
    // no through movement: split lanes between the turns
    for (let i = 0; i < lanes; i++) if (out[i]!.length === 0) out[i]!.push(i < lanes / 2 && has('right') ? 'right' : has('left') ? 'left' : 'right');
  }
  return out.map((turnsOfLane) => (turnsOfLane.length === 0 ? [available[0]!] : turnsOfLane));
}

const timingByClass: Record<RoadClass, { through: PhaseTimingInput; left: PhaseTimingInput }> = {
  arterial: {
    through: { minGreenS: 10, passageS: 2, maxGreenS: 60, yellowS: 3, redClearanceS: 2, walkS: 7, pedClearanceS: 15 },
    left: { minGreenS: 6, passageS: 2, maxGreenS: 30, yellowS: 3, redClearanceS: 2 },
  },
  collector: {
    through: { minGreenS: 8, passageS: 2, maxGreenS: 45, yellowS: 3, redClearanceS: 2, walkS: 7, pedClearanceS: 10 },
    left: { minGreenS: 5, passageS: 2, maxGreenS: 25, yellowS: 3, redClearanceS: 2 },
  },
  local: {
    through: { minGreenS: 7, passageS: 2, maxGreenS: 35, yellowS: 3, redClearanceS: 1, walkS: 7, pedClearanceS: 8 },
    left: { minGreenS: 5, passageS: 2, maxGreenS: 20, yellowS: 3, redClearanceS: 1 },
  },
};

const classRank: Record<RoadClass, number> = { arterial: 0, collector: 1, local: 2 };

function topClass(legs: readonly LegSpec[]): RoadClass {
  return legs.reduce<RoadClass>((best, leg) => (classRank[leg.roadClass] < classRank[best] ? leg.roadClass : best), 'local');
}

/**
 * Builds a validated intersection config from its legs: lanes and shared-lane turns, movements, phases (NEMA
 * 8-phase with protected lefts, or two stages with permissive lefts), timing by road class and a fallback plan.
 */
export function buildIntersection(spec: IntersectionSpec): Intersection {
  const legs = spec.legs;
  const mainIds = new Set(spec.mainLegs);
  const movements: IntersectionInput['movements'] = [];
  const approaches: IntersectionInput['approaches'] = [];
  const mainClass = topClass(legs.filter((l) => mainIds.has(l.id)));
  const sideClass = topClass(legs.filter((l) => !mainIds.has(l.id)));

  // NEMA numbering: main street throughs 2 and 6, their opposing lefts 1 and 5; side street 4 and 8, lefts 3 and 7
  const [mainA, mainB] = spec.mainLegs;
  const sideLegs = legs.filter((l) => !mainIds.has(l.id)).sort((a, b) => a.bearingDeg - b.bearingDeg);
  const nemaThrough = new Map<string, number>([[mainA, 2], [mainB, 6]]);
  const nemaLeft = new Map<string, number>([[mainA, 5], [mainB, 1]]);
  if (sideLegs[0]) {
    nemaThrough.set(sideLegs[0].id, 4);
    nemaLeft.set(sideLegs[0].id, 7);
  }
  if (sideLegs[1]) {
    nemaThrough.set(sideLegs[1].id, 8);
    nemaLeft.set(sideLegs[1].id, 3);
  }

  const usedPhases = new Set<number>();
  for (const leg of legs) {
    const available: Turn[] = [];
    for (const turn of ['left', 'through', 'right'] as const) {
      const to = legForTurn(legs, leg, turn);
      if (to && to.outboundEdgeId !== null && leg.inboundEdgeId !== null) {
        available.push(turn);
        let phase: number;
        let permissive = false;
        if (spec.phasing === 'two-stage') {
          phase = mainIds.has(leg.id) ? 1 : 2;
          permissive = turn === 'left';
        } else {
          phase = turn === 'left' ? nemaLeft.get(leg.id)! : nemaThrough.get(leg.id)!;
        }
        usedPhases.add(phase);
        movements.push({ id: `${leg.id}-${turn}`, from: leg.id, to: to.id, turn, phase, permissive });
      }
    }
    const lanes = leg.inboundEdgeId === null ? [] : laneTurns(available, leg.inboundLanes).map((t, index) => ({ index, turns: t }));
    approaches.push({ id: leg.id, bearingDeg: leg.bearingDeg, inboundEdgeId: leg.inboundEdgeId, outboundEdgeId: leg.outboundEdgeId, lanes });
  }

  const phaseNumbers = [...usedPhases].sort((a, b) => a - b);
  const isLeftPhase = (p: number) => spec.phasing === 'nema8' && [1, 3, 5, 7].includes(p);
  const isMainPhase = (p: number) => (spec.phasing === 'two-stage' ? p === 1 : [1, 2, 5, 6].includes(p));
  const phases = phaseNumbers.map((number) => {
    const cls = isMainPhase(number) ? mainClass : sideClass;
    return { number, timing: { ...timingByClass[cls][isLeftPhase(number) ? 'left' : 'through'] } };
  });

  let structure: IntersectionInput['structure'];
  if (spec.phasing === 'two-stage') {
    structure = { kind: 'stages', sequence: phaseNumbers };
  } else {
    const ring1 = [1, 2, 3, 4].filter((p) => usedPhases.has(p));
    const ring2 = [5, 6, 7, 8].filter((p) => usedPhases.has(p));
    structure = {
      kind: 'dual-ring',
      rings: [ring1, ring2].filter((r) => r.length > 0),
      barriers: [[1, 2, 5, 6].filter((p) => usedPhases.has(p)), [3, 4, 7, 8].filter((p) => usedPhases.has(p))].filter((b) => b.length > 0),
    };
  }

  const draft = {
    id: spec.id,
    name: spec.name,
    ...(spec.location ? { location: spec.location } : {}),
    approaches,
    movements,
    phases,
    structure,
    fallbackPlan: { cycleS: 60, offsetS: 0, splits: [] as { phase: number; splitS: number }[] },
    ...(spec.control ? { control: spec.control } : {}),
  };
  draft.fallbackPlan = defaultPlan(draft, spec.cycleS);
  return parseWith(Intersection, draft, `intersection ${spec.id}`);
}

/**
 * A reasonable fixed plan: the main street gets the larger share, protected lefts their minimum plus a little.
 * Splits are whole seconds; each barrier's rings sum to the same time.
 */
function defaultPlan(draft: { phases: { number: number; timing: PhaseTimingInput }[]; structure: IntersectionInput['structure'] }, cycleS?: number): FixedPlan {
  const need = new Map(draft.phases.map((p) => [p.number, Math.ceil(p.timing.minGreenS + clearanceS({ walkS: 0, pedClearanceS: 0, ...p.timing }))]));
  if (draft.structure.kind === 'stages') {
    const seq = draft.structure.sequence;
    const minCycle = seq.reduce((s, p) => s + need.get(p)!, 0);
    const cycle = Math.max(cycleS ?? 60, minCycle + 10);
    const spare = cycle - minCycle;
    // main stage (first) gets 60% of the spare time
    const splits = seq.map((phase, i) => ({ phase, splitS: need.get(phase)! + (i === 0 ? Math.round(spare * 0.6) : 0) }));
    const rest = cycle - splits.reduce((s, x) => s + x.splitS, 0);
    splits[splits.length - 1]!.splitS += rest;
    return { cycleS: cycle, offsetS: 0, splits };
  }
  const { rings, barriers } = draft.structure;
  // time each barrier needs: the larger of its rings' minimums
  const barrierNeed = barriers.map((group) => Math.max(...rings.map((ring) => ring.filter((p) => group.includes(p)).reduce((s, p) => s + need.get(p)!, 0))));
  const minCycle = barrierNeed.reduce((a, b) => a + b, 0);
  const cycle = Math.max(cycleS ?? 100, minCycle + 10);
  const spare = cycle - minCycle;
  const barrierTime = barrierNeed.map((n, b) => n + Math.round(spare * (b === 0 ? 0.6 : 0.4)));
  barrierTime[barrierTime.length - 1]! += cycle - barrierTime.reduce((a, b) => a + b, 0);
  const splits: { phase: number; splitS: number }[] = [];
  barriers.forEach((group, b) => {
    for (const ring of rings) {
      const inGroup = ring.filter((p) => group.includes(p));
      if (inGroup.length === 0) continue;
      const ringNeed = inGroup.reduce((s, p) => s + need.get(p)!, 0);
      // the through phase (last in the group for standard NEMA order) takes the slack
      inGroup.forEach((phase, i) => splits.push({ phase, splitS: need.get(phase)! + (i === inGroup.length - 1 ? barrierTime[b]! - ringNeed : 0) }));
    }
  });
  return { cycleS: cycle, offsetS: 0, splits };
}
