import { type PerPhase, newPerPhase, sharesOf, stageMaxGreenS, timingOf } from './intersection-view.ts';
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
  init: () => ({ ...initialStageState(), lastActuationMs: new Array<number>(17).fill(-1) }),
  decide(view, config, state, input) {
    const demand = phaseDemandPcu(view, input.lanes);
    // a vehicle over the detector: crossed the stop line, waiting at it, or present in a zone as short as a loop's
    const lastActuationMs = state.lastActuationMs.slice();
    for (let i = 0; i < input.lanes.length; i++) {
      const m = input.lanes[i]!;
      const actuated = m.count > 0 || m.queueVehicles > 0 || (m.vehiclesInZone > 0 && m.zoneLengthM <= config.detectorLengthM);
      if (!actuated) continue;
      const shares = sharesOf(view, m, i);
      if (shares) for (let k = 0; k < shares.length; k++) lastActuationMs[shares[k]!.phase] = input.timeMs;
    }
    const observed = observe(view, state, input, demand);
    const base: ActuatedState = { target: observed.target, greenSinceMs: observed.greenSinceMs, waitingSinceMs: observed.waitingSinceMs, lastActuationMs };
    const point = untilDecisionPoint(view, base, input);
    if ('output' in point) return point.output;
    const { target, elapsedS } = point;
    const next = nextStageWithDemand(view, target, demand);
    if (next === null) return { state: base, request: stageRequest(target), reason: 'rest: no calls elsewhere' };
    const maxedOut = elapsedS >= stageMaxGreenS(view, target);
    let gappedOut = true;
    const greenSince = base.greenSinceMs ?? input.timeMs;
    for (const p of target) {
      if (input.timeMs - Math.max(lastActuationMs[p]!, greenSince) < timingOf(view, p).passageS * 1000) gappedOut = false;
    }
    if (!maxedOut && !gappedOut) return { state: base, request: stageRequest(target) };
    return {
      state: { ...base, target: next, greenSinceMs: null },
      request: stageRequest(next),
      reason: maxedOut ? `max-out after ${elapsedS}s` : `gap-out after ${elapsedS}s`,
    };
  },
};
