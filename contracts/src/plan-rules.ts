import type { FixedPlan } from './intersection.ts';
import { clearanceS, type PhaseTiming } from './timing.ts';

export interface PlanLayout {
  timingOf(phase: number): PhaseTiming | undefined;
  rings: readonly (readonly number[])[];
  /** Barrier groups for dual-ring structures; empty for stage sequences. */
  barriers: readonly (readonly number[])[];
}

export interface PlanProblem {
  path: (string | number)[];
  message: string;
  value: unknown;
}

/** A plan must give each phase at least min green plus clearance, fill the cycle in every ring and cross barriers together. */
export function checkPlan(plan: FixedPlan, layout: PlanLayout): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const split = new Map<number, number>();
  plan.splits.forEach((entry, s) => {
    if (split.has(entry.phase)) problems.push({ path: ['splits', s, 'phase'], message: 'phase listed twice', value: entry.phase });
    split.set(entry.phase, entry.splitS);
    const timing = layout.timingOf(entry.phase);
    if (!timing) {
      problems.push({ path: ['splits', s, 'phase'], message: 'no phase with this number', value: entry.phase });
      return;
    }
    const needed = timing.minGreenS + clearanceS(timing);
    if (entry.splitS + 1e-9 < needed) {
      problems.push({ path: ['splits', s, 'splitS'], message: `shorter than min green + yellow + red clearance of phase ${entry.phase} (${needed.toFixed(1)} s)`, value: entry.splitS });
    }
  });
  if (plan.offsetS >= plan.cycleS) problems.push({ path: ['offsetS'], message: `must be less than the cycle (${plan.cycleS} s)`, value: plan.offsetS });
  layout.rings.forEach((ring, r) => {
    let total = 0;
    for (const phase of ring) {
      const s = split.get(phase);
      if (s === undefined) {
        problems.push({ path: ['splits'], message: `phase ${phase} has no split`, value: phase });
        return;
      }
      total += s;
    }
    if (Math.abs(total - plan.cycleS) > 0.05) {
      problems.push({ path: ['cycleS'], message: `splits of ring ${r + 1} add up to ${total.toFixed(1)} s, not the cycle`, value: plan.cycleS });
    }
  });
  layout.barriers.forEach((group, b) => {
    const sums = layout.rings.map((ring) => ring.filter((p) => group.includes(p)).reduce((sum, p) => sum + (split.get(p) ?? 0), 0));
    const nonZero = sums.filter((s) => s > 0);
    if (nonZero.length > 1 && Math.max(...nonZero) - Math.min(...nonZero) > 0.05) {
      problems.push({ path: ['splits'], message: `rings reach barrier ${b + 1} at different times (${nonZero.map((s) => s.toFixed(1)).join(' vs ')} s)`, value: sums });
    }
  });
  return problems;
}
