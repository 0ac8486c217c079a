import { type PerPhase, newPerPhase, perPhase, stageMaxGreenS, timingOf } from './intersection-view.ts';
import { type StageState, initialStageState, nextStageWithDemand, observe, phaseDemandPcu, stageRequest, untilDecisionPoint } from './stage-control.ts';
import type { ControlAlgorithm } from './types.ts';

export interface ActuatedState extends StageState {
  /** Per phase number: last time a vehicle was detected on its lanes (ms); -1 never. */
  lastActuationMs: PerPhase;
}

/**
 * Fully actuated control: a stage keeps its green while vehicles keep arriving on its detectors (each resets the
 * passage timer); it gaps out when none comes within the passage time, or maxes out at max green, once another
 * stage has a call. Stages are served in ring order, skipping those without calls.
 */
export const actuatedAlgorithm: ControlAlgorithm<'actuated', ActuatedState> = {
  kind: 'actuated',
  init: () => ({ ...initialStageState(), lastActuationMs: newPerPhase().fill(-1) }),
  decide(view, config, state, input) {
    const demand = phaseDemandPcu(view, input.lanes);
    // a vehicle over the detector: crossed the stop line, or present in the presence zone near it
    const near = perPhase(view, input.lanes, (m) => m.count + (m.queueVehicles > 0 ? 1 : 0) + (m.vehiclesInZone > 0 && m.zoneLengthM <= config.detectorLengthM ? 1 : 0));
    const lastActuationMs = state.lastActuationMs.slice();
    for (const phase of view.model.phases) if (near[phase]! > 0) lastActuationMs[phase] = input.timeMs;
    const base = { ...observe(view, state, input, demand), lastActuationMs };
    const point = untilDecisionPoint(view, base, input);
    if ('output' in point) return point.output;
    const { target, elapsedS } = point;
    const next = nextStageWithDemand(view, target, demand);
    if (next === null) return { state: base, request: stageRequest(target), reason: 'rest: no calls elsewhere' };
    const maxedOut = elapsedS >= stageMaxGreenS(view, target);
    const gappedOut = target.every((p) => input.timeMs - Math.max(lastActuationMs[p]!, base.greenSinceMs ?? input.timeMs) >= timingOf(view, p).passageS * 1000);
    if (!maxedOut && !gappedOut) return { state: base, request: stageRequest(target) };
    return {
      state: { ...base, target: next, greenSinceMs: null },
      request: stageRequest(next),
      reason: maxedOut ? `max-out after ${elapsedS}s` : `gap-out after ${elapsedS}s`,
    };
  },
};
