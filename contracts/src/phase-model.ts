import { derivePhaseConflicts, type PhaseConflictTable } from './conflicts.ts';
import type { FixedPlan, Intersection, Movement } from './intersection.ts';
import type { PhaseTiming } from './timing.ts';

export const MAX_PHASE = 16;

/**
 * An intersection's phases compiled for fast use by the cabinet, the safety supervisor and the controllers.
 * Arrays are indexed by phase number (1..16); index 0 is unused.
 */
export interface PhaseModel {
  intersectionId: string;
  phases: number[];
  timing: (PhaseTiming | undefined)[];
  pedestrian: boolean[];
  /** Phase order per ring; a stage structure is one ring. */
  rings: number[][];
  ringOf: Int8Array;
  /** Barrier group per phase; a stage structure has one group. */
  barrierOf: Int8Array;
  barrierCount: number;
  conflicts: PhaseConflictTable;
  movementsByPhase: Movement[][];
  /** Every set of phases that may be green together and cannot grow (one phase per ring, one barrier group). */
  stages: number[][];
  fallbackPlan: FixedPlan;
}

export function buildPhaseModel(x: Intersection): PhaseModel {
  const phases = x.phases.map((p) => p.number).sort((a, b) => a - b);
  const timing: (PhaseTiming | undefined)[] = new Array(MAX_PHASE + 1).fill(undefined);
  const pedestrian: boolean[] = new Array(MAX_PHASE + 1).fill(false);
  for (const phase of x.phases) {
    timing[phase.number] = phase.timing;
    pedestrian[phase.number] = phase.pedestrian;
  }
  const rings = x.structure.kind === 'stages' ? [[...x.structure.sequence]] : x.structure.rings.map((r) => [...r]);
  const ringOf = new Int8Array(MAX_PHASE + 1).fill(-1);
  rings.forEach((ring, r) => ring.forEach((p) => (ringOf[p] = r)));
  const barrierOf = new Int8Array(MAX_PHASE + 1).fill(-1);
  let barrierCount = 1;
  if (x.structure.kind === 'dual-ring') {
    x.structure.barriers.forEach((group, b) => group.forEach((p) => (barrierOf[p] = b)));
    barrierCount = x.structure.barriers.length;
  } else {
    for (const p of phases) barrierOf[p] = 0;
  }
  const conflicts = derivePhaseConflicts(phases, x.approaches, x.movements, x.conflictOverrides);
  const movementsByPhase: Movement[][] = Array.from({ length: MAX_PHASE + 1 }, () => []);
  for (const m of x.movements) movementsByPhase[m.phase]!.push(m);
  const model: PhaseModel = {
    intersectionId: x.id,
    phases,
    timing,
    pedestrian,
    rings,
    ringOf,
    barrierOf,
    barrierCount,
    conflicts,
    movementsByPhase,
    stages: [],
    fallbackPlan: x.fallbackPlan,
  };
  model.stages = enumerateStages(model);
  return model;
}

/** Two distinct phases may time together: other rings, same barrier group, no conflict. */
export function mayRunTogether(model: PhaseModel, a: number, b: number): boolean {
  if (a === b) return true;
  return (
    model.ringOf[a] !== model.ringOf[b] &&
    model.barrierOf[a] === model.barrierOf[b] &&
    !model.conflicts.conflicts(a, b)
  );
}

function enumerateStages(model: PhaseModel): number[][] {
  if (model.rings.length === 1) return model.rings[0]!.map((p) => [p]);
  const stages: number[][] = [];
  for (let barrier = 0; barrier < model.barrierCount; barrier++) {
    const perRing = model.rings.map((ring) => ring.filter((p) => model.barrierOf[p] === barrier)).filter((r) => r.length > 0);
    let combos: number[][] = [[]];
    for (const options of perRing) {
      const next: number[][] = [];
      for (const combo of combos) {
        for (const phase of options) {
          if (combo.every((other) => mayRunTogether(model, other, phase))) next.push([...combo, phase]);
        }
        // a ring may also stay dark when nothing in it is compatible
        if (options.every((phase) => !combo.every((other) => mayRunTogether(model, other, phase)))) next.push(combo);
      }
      combos = next;
    }
    for (const combo of combos) if (combo.length > 0) stages.push(combo.sort((a, b) => a - b));
  }
  return stages;
}

/** Phase numbers to a bitmap (bit p-1 for phase p), the form cabinets and point maps use. */
export function phasesToBitmap(phases: Iterable<number>): number {
  let bits = 0;
  for (const p of phases) bits |= 1 << (p - 1);
  return bits >>> 0;
}

export function bitmapToPhases(bits: number): number[] {
  const out: number[] = [];
  for (let p = 1; p <= MAX_PHASE; p++) if (bits & (1 << (p - 1))) out.push(p);
  return out;
}
