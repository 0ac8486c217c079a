import type { CabinetRequest, LaneMeasurement } from '@greenwave/contracts';
import { type IntersectionView, perPhase, sameStage } from './intersection-view.ts';
import type { ControlInput } from './types.ts';

/** Shared state of the algorithms that pick stages one at a time. */
export interface StageState {
  /** Stage requested from the cabinet (sorted phases), null before the first decision. */
  target: number[] | null;
  /** When the target stage was first seen fully green (ms), null while the cabinet is still changing. */
  greenSinceMs: number | null;
  /** Per phase: since when it has had demand while not green (ms); absent when it has none. */
  waitingSinceMs: Record<number, number>;
}

export function initialStageState(): StageState {
  return { target: null, greenSinceMs: null, waitingSinceMs: {} };
}

/** Vehicles wanting each phase: queued or present in the zone, in PCU (shared lanes split). */
export function phaseDemandPcu(view: IntersectionView, lanes: readonly LaneMeasurement[]): Map<number, number> {
  return perPhase(view, lanes, (m) => Math.max(m.queuePcu, (m.densityPcuPerKm * m.zoneLengthM) / 1000));
}

/** Updates green/waiting bookkeeping from what the cabinet reports. Pure: returns a new state. */
export function observe(view: IntersectionView, state: StageState, input: ControlInput, demand: Map<number, number>): StageState {
  const greens = [...input.signal.greens].sort((a, b) => a - b);
  let greenSinceMs = state.greenSinceMs;
  if (state.target && sameStage(greens, state.target)) greenSinceMs ??= input.timeMs;
  else greenSinceMs = null;
  const waitingSinceMs: Record<number, number> = {};
  for (const phase of view.model.phases) {
    const wants = (demand.get(phase) ?? 0) > 0.05;
    if (wants && !greens.includes(phase)) waitingSinceMs[phase] = state.waitingSinceMs[phase] ?? input.timeMs;
  }
  return { target: state.target, greenSinceMs, waitingSinceMs };
}

export function stageRequest(stage: readonly number[]): CabinetRequest {
  return { mode: 'centre', stage: [...stage], heartbeat: true };
}

/** The stage of the sequence holding a phase that has waited longer than `maxWaitS`, longest wait first. */
export function starvedStage(view: IntersectionView, state: StageState, nowMs: number, maxWaitS: number): number[] | null {
  let worst: number | null = null;
  let worstSince = Infinity;
  for (const [phase, since] of Object.entries(state.waitingSinceMs)) {
    if (nowMs - since > maxWaitS * 1000 && since < worstSince) {
      worst = Number(phase);
      worstSince = since;
    }
  }
  if (worst === null) return null;
  return view.sequence.find((s) => s.includes(worst!)) ?? null;
}

/** Total of a per-phase quantity over a stage. */
export function stageSum(stage: readonly number[], perPhaseValue: Map<number, number>): number {
  let sum = 0;
  for (const p of stage) sum += perPhaseValue.get(p) ?? 0;
  return sum;
}

/** First stage after `from` in the service sequence (cyclic) whose phases have demand. */
export function nextStageWithDemand(view: IntersectionView, from: readonly number[] | null, demand: Map<number, number>): number[] | null {
  const n = view.sequence.length;
  const start = from ? view.sequence.findIndex((s) => sameStage(s, from)) : -1;
  for (let k = 1; k <= n; k++) {
    const stage = view.sequence[(start + k + n) % n]!;
    if (from && sameStage(stage, from)) continue;
    if (stageSum(stage, demand) > 0.05) return stage;
  }
  return null;
}
