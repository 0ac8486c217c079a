import { clearanceS, type FixedPlan, type PhaseModel } from '@greenwave/contracts';

/** Where each phase's green sits in the cycle of a fixed plan (ms from the start of the cycle). */
export interface PlanWindows {
  cycleMs: number;
  offsetMs: number;
  /** Indexed by phase number. */
  greenStartMs: Int32Array;
  forceOffMs: Int32Array;
}

export function planWindows(model: PhaseModel, plan: FixedPlan): PlanWindows {
  const greenStartMs = new Int32Array(17);
  const forceOffMs = new Int32Array(17);
  const split = new Map(plan.splits.map((s) => [s.phase, s.splitS]));
  for (const ring of model.rings) {
    let at = 0;
    for (const phase of ring) {
      const timing = model.timing[phase]!;
      const s = split.get(phase) ?? 0;
      greenStartMs[phase] = Math.round(at * 1000);
      forceOffMs[phase] = Math.round((at + s - clearanceS(timing)) * 1000);
      at += s;
    }
  }
  return { cycleMs: Math.round(plan.cycleS * 1000), offsetMs: Math.round(plan.offsetS * 1000), greenStartMs, forceOffMs };
}

/** Position in the plan's cycle at a time (ms). */
export function cycleTimeMs(windows: PlanWindows, timeMs: number): number {
  const c = (timeMs - windows.offsetMs) % windows.cycleMs;
  return c < 0 ? c + windows.cycleMs : c;
}

/** True when `t` is inside [from, to) on a cycle of length `cycle`. */
export function inWindow(t: number, from: number, to: number): boolean {
  return from <= to ? t >= from && t < to : t >= from || t < to;
}
