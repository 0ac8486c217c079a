import type { FixedPlan } from '@greenwave/contracts';
import { laneKey, perPhaseMax } from './intersection-view.ts';
import { websterPlan } from './plan-math.ts';
import type { ControlAlgorithm } from './types.ts';

export interface WebsterState {
  /** PCU counted at each lane's stop line since the last plan. */
  pcuByLane: Record<string, number>;
  windowS: number;
  plan: FixedPlan | null;
  lastPlanMs: number;
  plansMade: number;
}

/** Seconds of counts before the first plan replaces the stored one. */
const FIRST_PLAN_AFTER_S = 300;

/** Fixed-time control with Webster's cycle and splits, recomputed from the flows counted since the last plan. */
export const websterAlgorithm: ControlAlgorithm<'webster', WebsterState> = {
  kind: 'webster',
  init: () => ({ pcuByLane: {}, windowS: 0, plan: null, lastPlanMs: 0, plansMade: 0 }),
  decide(view, config, state, input) {
    const pcuByLane = { ...state.pcuByLane };
    let windowS = state.windowS;
    if (input.lanes.length > 0) windowS += input.lanes[0]!.intervalS;
    for (const m of input.lanes) {
      const key = laneKey(m.approachId, m.laneIndex);
      pcuByLane[key] = (pcuByLane[key] ?? 0) + m.countPcu;
    }
    if (state.plan === null) {
      const plan = view.intersection.fallbackPlan;
      return { state: { pcuByLane, windowS, plan, lastPlanMs: input.timeMs, plansMade: 0 }, request: { mode: 'fixed', plan }, reason: 'stored plan until flows are counted' };
    }
    const due = state.plansMade === 0 ? FIRST_PLAN_AFTER_S : config.replanIntervalS;
    if (windowS < due) return { state: { ...state, pcuByLane, windowS }, request: null };
    const flows = perPhaseMax(view, input.lanes, (m) => ((pcuByLane[laneKey(m.approachId, m.laneIndex)] ?? 0) * 3600) / windowS);
    const result = websterPlan(view.model, flows, config);
    const next: WebsterState = { pcuByLane: {}, windowS: 0, plan: result.plan, lastPlanMs: input.timeMs, plansMade: state.plansMade + 1 };
    return {
      state: next,
      request: { mode: 'fixed', plan: result.plan },
      reason: `Y=${result.criticalFlowRatio.toFixed(2)} L=${result.lostTimeS.toFixed(0)}s C=${result.plan.cycleS}s`,
    };
  },
};
