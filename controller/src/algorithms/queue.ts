import { perPhase, sameStage, stageMaxGreenS } from './intersection-view.ts';
import { type StageState, initialStageState, observe, phaseDemandPcu, stageRequest, stageSum, starvedStage, untilDecisionPoint } from './stage-control.ts';
import type { ControlAlgorithm } from './types.ts';

/**
 * Queue-length control (the Hà Huy Tập – Huỳnh Ngọc Huệ pilot): the green stage is held while its measured queue
 * is still discharging (up to max green); then the stage with the longest queue (PCU) is served next. A phase that
 * has waited longer than maxWaitS is served first, so no approach starves.
 */
export const queueAlgorithm: ControlAlgorithm<'queue', StageState> = {
  kind: 'queue',
  init: () => initialStageState(),
  decide(view, config, state, input) {
    const demand = phaseDemandPcu(view, input.lanes);
    const queues = perPhase(view, input.lanes, queueOf);
    const base = observe(view, state, input, demand);
    const point = untilDecisionPoint(view, base, input);
    if ('output' in point) return point.output;
    const { target, elapsedS } = point;
    const starved = starvedStage(view, base, input.timeMs, config.maxWaitS);
    const ownQueue = stageSum(target, queues);
    const discharging = ownQueue > config.dischargedQueuePcu && elapsedS < stageMaxGreenS(view, target);
    if (discharging && !(starved && !sameStage(starved, target))) return { state: base, request: stageRequest(target), reason: `discharging ${ownQueue.toFixed(1)} PCU` };
    // serve the longest queue elsewhere (or the starved stage)
    let best: number[] | null = starved && !sameStage(starved, target) ? starved : null;
    if (!best) {
      let bestQueue = 0;
      for (const stage of view.model.stages) {
        if (sameStage(stage, target)) continue;
        const q = stageSum(stage, queues) + 0.01 * stageSum(stage, demand);
        if (q > bestQueue + 1e-9) {
          bestQueue = q;
          best = stage;
        }
      }
    }
    if (!best) return { state: base, request: stageRequest(target), reason: 'rest: no queue elsewhere' };
    return { state: { ...base, target: best, greenSinceMs: null }, request: stageRequest(best), reason: `serve longest queue ${best.join('+')}` };
  },
};

function queueOf(m: { queuePcu: number }): number {
  return m.queuePcu;
}
