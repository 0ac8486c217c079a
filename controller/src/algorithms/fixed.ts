import type { ControlAlgorithm } from './types.ts';

/** Runs the intersection's stored fallback plan, unchanged: the baseline every city starts from. */
export const fixedAlgorithm: ControlAlgorithm<'fixed', { sent: boolean }> = {
  kind: 'fixed',
  init: () => ({ sent: false }),
  decide(view, _config, state) {
    if (state.sent) return { state, request: null };
    return { state: { sent: true }, request: { mode: 'fixed', plan: view.intersection.fallbackPlan }, reason: 'stored plan' };
  },
};
