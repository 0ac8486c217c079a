import { type PerPhase, newPerPhase, sameStage } from './intersection-view.ts';
import { type StageState, initialStageState, observe, phaseDemandPcu, stageRequest, stageSum, starvedStage, untilDecisionPoint } from './stage-control.ts';
import type { ControlAlgorithm, ControlInput } from './types.ts';
import type { IntersectionView } from './intersection-view.ts';

/**
 * Pressure of each phase (Varaiya 2013): vehicles waiting to use it minus vehicles already waiting where it sends
 * them, per lane. Upstream: PCU queued or present in each lane's zone; downstream: PCU per lane on the outbound edge.
 * A phase nobody waits for moves nobody: its pressure is 0, not negative.
 */
export function phasePressures(view: IntersectionView, input: ControlInput, upstream: PerPhase = phaseDemandPcu(view, input.lanes)): PerPhase {
  const out = newPerPhase();
  for (const phase of view.model.phases) {
    const up = upstream[phase]!;
    if (up < 0.05) continue;
    let downstream = 0;
    for (const exit of view.phaseExits.get(phase) ?? []) {
      const d = input.downstream.get(exit.edgeId);
      if (d && d.lanes > 0) downstream += (exit.share * d.queuePcu) / d.lanes;
    }
    out[phase] = up - downstream * (view.lanesOfPhase[phase] || 1);
  }
  return out;
}

/**
 * Max-pressure control, work-conserving: after min green, serve the stage with the highest total pressure if it
 * beats the current one by a margin; never leave a stage with demand for one without; a phase waiting longer than
 * maxWaitS is served first.
 */
export const maxPressureAlgorithm: ControlAlgorithm<'maxpressure', StageState> = {
  kind: 'maxpressure',
  init: () => initialStageState(),
  decide(view, config, state, input) {
    const demand = phaseDemandPcu(view, input.lanes);
    const base = observe(view, state, input, demand);
    const point = untilDecisionPoint(view, base, input);
    if ('output' in point) return point.output;
    const target = point.target;
    const starved = starvedStage(view, base, input.timeMs, config.maxWaitS);
    if (starved && !sameStage(starved, target)) return { state: { ...base, target: starved, greenSinceMs: null }, request: stageRequest(starved), reason: `starvation guard ${starved.join('+')}` };
    const pressure = phasePressures(view, input, demand);
    const currentPressure = stageSum(target, pressure);
    let best = target;
    let bestPressure = currentPressure + config.switchMarginPcu;
    for (const stage of view.model.stages) {
      if (sameStage(stage, target) || stageSum(stage, demand) < 0.05) continue;
      const p = stageSum(stage, pressure);
      if (p > bestPressure) {
        best = stage;
        bestPressure = p;
      }
    }
    // work-conserving: if the current stage has nobody left, move to any stage with demand
    if (sameStage(best, target) && stageSum(target, demand) < 0.05) {
      let most = 0;
      for (const stage of view.model.stages) {
        const d = stageSum(stage, demand);
        if (!sameStage(stage, target) && d > most) {
          most = d;
          best = stage;
        }
      }
    }
    if (sameStage(best, target)) return { state: base, request: stageRequest(target) };
    return { state: { ...base, target: best, greenSinceMs: null }, request: stageRequest(best), reason: `pressure ${bestPressure.toFixed(1)} > ${currentPressure.toFixed(1)}` };
  },
};

