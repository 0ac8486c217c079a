import type { CabinetRequest, LaneMeasurement } from '@greenwave/contracts';
import { type IntersectionView, type PerPhase, newPerPhase, sameStage, sharesOf, stageMinGreenS } from './intersection-view.ts';
import type { ControlInput, ControlOutput } from './types.ts';

/** Shared state of the algorithms that pick stages one at a time. */
export interface StageState {
  /** Stage requested from the cabinet (sorted phases), null before the first decision. */
  target: number[] | null;
  /** When the target stage was first seen fully green (ms), null while the cabinet is still changing. */
  greenSinceMs: number | null;
  /** Per phase number: since when it has had demand while not green (ms); -1 when it has none. */
  waitingSinceMs: PerPhase;
}

export function initialStageState(): StageState {
  return { target: null, greenSinceMs: null, waitingSinceMs: notWaiting() };
}

function notWaiting(): PerPhase {
  return [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];
}

/** Vehicles wanting each phase: queued or present in the zone, in PCU (shared lanes split). */
export function phaseDemandPcu(view: IntersectionView, lanes: readonly LaneMeasurement[]): PerPhase {
  // perPhase with the lane value inlined: this runs for every intersection every second
  const out = newPerPhase();
  for (let i = 0; i < lanes.length; i++) {
    const m = lanes[i]!;
    const shares = sharesOf(view, m, i);
    if (!shares) continue;
    // PCU wanting to go from a lane: its queue, or what is in its zone if that is more
    const inZone = (m.densityPcuPerKm * m.zoneLengthM) / 1000;
    const value = m.queuePcu > inZone ? m.queuePcu : inZone;
    for (let k = 0; k < shares.length; k++) out[shares[k]!.phase]! += value * shares[k]!.share;
  }
  return out;
}

/** Updates green/waiting bookkeeping from what the cabinet reports. Pure: a new state, or the same one when nothing changed. */
export function observe(view: IntersectionView, state: StageState, input: ControlInput, demand: PerPhase): StageState {
  const greens = input.signal.greens;
  let greenSinceMs = state.greenSinceMs;
  if (state.target && sameSet(greens, state.target)) greenSinceMs ??= input.timeMs;
  else greenSinceMs = null;
  // copy the waiting table only when it changes (it rarely does): this runs for every intersection every second
  let waitingSinceMs = state.waitingSinceMs;
  for (const phase of view.model.phases) {
    const since = state.waitingSinceMs[phase]!;
    const wants = demand[phase]! > 0.05 && !greens.includes(phase);
    const next = wants ? (since >= 0 ? since : input.timeMs) : -1;
    if (next !== since) {
      if (waitingSinceMs === state.waitingSinceMs) waitingSinceMs = state.waitingSinceMs.slice();
      waitingSinceMs[phase] = next;
    }
  }
  if (greenSinceMs === state.greenSinceMs && waitingSinceMs === state.waitingSinceMs) return state;
  return { target: state.target, greenSinceMs, waitingSinceMs };
}

/** Same phases, in any order. */
function sameSet(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (const p of a) if (!b.includes(p)) return false;
  return true;
}

/** First decision: take over the stage the cabinet shows (timing its green from now), or the first of the sequence. */
export function adoptCurrentStage<S extends StageState>(view: IntersectionView, state: S, input: ControlInput): S {
  const greens = [...input.signal.greens].sort((a, b) => a - b);
  const shown = view.model.stages.find((s) => sameStage(s, greens));
  if (shown) return { ...state, target: shown, greenSinceMs: input.timeMs };
  return { ...state, target: view.sequence[0]!, greenSinceMs: null };
}

const requestCache = new WeakMap<readonly number[], CabinetRequest>();

/** The request for a stage. Stages come from the view (stable arrays), so each request object is made once. */
export function stageRequest(stage: readonly number[]): CabinetRequest {
  let request = requestCache.get(stage);
  if (!request) {
    request = Object.freeze({ mode: 'centre', stage: [...stage], heartbeat: true }) as CabinetRequest;
    requestCache.set(stage, request);
  }
  return request;
}

/** The stage of the sequence holding a phase that has waited longer than `maxWaitS`, longest wait first. */
export function starvedStage(view: IntersectionView, state: StageState, nowMs: number, maxWaitS: number): number[] | null {
  let worst: number | null = null;
  let worstSince = Infinity;
  for (const phase of view.model.phases) {
    const since = state.waitingSinceMs[phase]!;
    if (since >= 0 && nowMs - since > maxWaitS * 1000 && since < worstSince) {
      worst = phase;
      worstSince = since;
    }
  }
  if (worst === null) return null;
  return view.sequence.find((s) => s.includes(worst!)) ?? null;
}

/** Largest of a per-phase quantity over a stage. */
export function stageMax(stage: readonly number[], perPhaseValue: PerPhase): number {
  let max = -Infinity;
  for (const p of stage) if (perPhaseValue[p]! > max) max = perPhaseValue[p]!;
  return max;
}

/** Total of a per-phase quantity over a stage. */
export function stageSum(stage: readonly number[], perPhaseValue: PerPhase): number {
  let sum = 0;
  for (const p of stage) sum += perPhaseValue[p]!;
  return sum;
}

/** First stage after `from` in the service sequence (cyclic) whose phases have demand. */
export function nextStageWithDemand(view: IntersectionView, from: readonly number[] | null, demand: PerPhase): number[] | null {
  const n = view.sequence.length;
  const start = from ? view.sequence.findIndex((s) => sameStage(s, from)) : -1;
  for (let k = 1; k <= n; k++) {
    const stage = view.sequence[(start + k + n) % n]!;
    if (from && sameStage(stage, from)) continue;
    if (stageSum(stage, demand) > 0.05) return stage;
  }
  return null;
}

export type DecisionPoint<S> = { output: ControlOutput<S> } | { target: number[]; elapsedS: number };

/**
 * The steps every stage-picking algorithm starts with: take over the stage the cabinet shows, keep asking for the
 * target while the cabinet changes to it, hold it through its minimum green. Returns the output to give now, or the
 * target and its green time so far when the algorithm has a choice to make.
 */
export function untilDecisionPoint<S extends StageState>(view: IntersectionView, base: S, input: ControlInput): DecisionPoint<S> {
  if (base.target === null) {
    const adopted = adoptCurrentStage(view, base, input);
    return { output: { state: adopted, request: stageRequest(adopted.target!), reason: 'start' } };
  }
  const target = base.target;
  if (base.greenSinceMs === null) return { output: { state: base, request: stageRequest(target) } };
  const elapsedS = (input.timeMs - base.greenSinceMs) / 1000;
  if (elapsedS < stageMinGreenS(view, target)) return { output: { state: base, request: stageRequest(target) } };
  return { target, elapsedS };
}
