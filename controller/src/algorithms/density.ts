import { currentStageIndex, newPerPhase, sharesOf, sameStage, stageClearanceS, stageMinGreenS } from './intersection-view.ts';
import { type StageState, initialStageState, observe, phaseDemandPcu, stageMax, stageRequest, stageSum } from './stage-control.ts';
import type { ControlAlgorithm } from './types.ts';
import type { ControllerConfigOf } from '@greenwave/contracts';
import type { IntersectionView } from './intersection-view.ts';

/** PCU a lane discharges per second of green at saturation (1,850 PCU/h). */
const SATURATION_PCU_PER_S = 1850 / 3600;

export interface DensityState extends StageState {
  cycleS: number;
  /** Green time planned for each stage of the current cycle (s), by index in the service sequence. */
  greensS: number[];
  /** Index in the service sequence of the stage being served. */
  index: number;
  /** Density of each stage's critical lane, summed over the cycle so far (PCU/km · samples), by sequence index. */
  densitySum: number[];
  samples: number;
  /** PCU discharged and green seconds used per stage index in this cycle, for the degree of saturation. */
  servedPcu: number[];
  greenUsedS: number[];
  /** The same for the stage on green now, added to the arrays when it ends. */
  servedNowPcu: number;
  greenNowS: number;
}

type Config = ControllerConfigOf<'density'>;

/**
 * Density-based control (the Núi Thành – Phan Đăng Lưu pilot). Each cycle the green is shared among the stages in
 * proportion to the density of their critical lanes over the last cycle; the cycle length follows the highest degree
 * of saturation (SCATS-like: lengthen above the target DS, shorten below). Within a cycle a stage whose lanes are
 * empty ends early once min green is served.
 */
export const densityAlgorithm: ControlAlgorithm<'density', DensityState> = {
  kind: 'density',
  init(view) {
    const n = view.sequence.length;
    const cycleS = view.intersection.fallbackPlan.cycleS;
    const clearance = view.sequence.reduce((s, stage) => s + stageClearanceS(view, stage), 0);
    const green = Math.max(0, cycleS - clearance) / n;
    return {
      ...initialStageState(),
      cycleS,
      greensS: view.sequence.map((stage) => Math.max(green, stageMinGreenS(view, stage))),
      index: 0,
      densitySum: new Array(n).fill(0),
      samples: 0,
      servedPcu: new Array(n).fill(0),
      greenUsedS: new Array(n).fill(0),
      servedNowPcu: 0,
      greenNowS: 0,
    };
  },
  decide(view, config, state, input) {
    const demand = phaseDemandPcu(view, input.lanes);
    // critical-lane density and stop-line count per phase, in one pass over the lanes
    const density = newPerPhase();
    const served = newPerPhase();
    for (let i = 0; i < input.lanes.length; i++) {
      const m = input.lanes[i]!;
      const shares = sharesOf(view, m, i);
      if (!shares) continue;
      for (let k = 0; k < shares.length; k++) {
        const { phase, share } = shares[k]!;
        if (m.densityPcuPerKm * share > density[phase]!) density[phase] = m.densityPcuPerKm * share;
        if (m.countPcu * share > served[phase]!) served[phase] = m.countPcu * share;
      }
    }
    // one fresh state per decision; the input state is never changed
    const observed = observe(view, state, input, demand);
    const s: DensityState = {
      ...state,
      target: observed.target,
      greenSinceMs: observed.greenSinceMs,
      waitingSinceMs: observed.waitingSinceMs,
      densitySum: state.densitySum.slice(),
      samples: state.samples + 1,
    };
    for (let i = 0; i < view.sequence.length; i++) s.densitySum[i]! += stageMax(view.sequence[i]!, density);
    if (s.target === null) {
      const shown = currentStageIndex(view, input.signal.greens);
      s.index = Math.max(0, shown);
      s.target = view.sequence[s.index]!;
      s.greenSinceMs = shown >= 0 ? input.timeMs : null;
      return { state: s, request: stageRequest(s.target), reason: 'start' };
    }
    const target = s.target;
    if (s.greenSinceMs === null) return { state: s, request: stageRequest(target) };
    // bookkeeping for the degree of saturation of the stage on green
    s.servedNowPcu += stageMax(target, served);
    s.greenNowS += input.lanes[0]?.intervalS ?? 1;
    const elapsedS = (input.timeMs - s.greenSinceMs) / 1000;
    if (elapsedS < stageMinGreenS(view, target)) return { state: s, request: stageRequest(target) };
    const planned = s.greensS[s.index] ?? 0;
    let othersWaiting = false;
    for (let i = 0; i < view.sequence.length && !othersWaiting; i++) if (i !== s.index && stageSum(view.sequence[i]!, demand) > 0.05) othersWaiting = true;
    const empty = stageMax(target, density) < config.emptyDensityPcuPerKm && stageSum(target, demand) < 0.5;
    if (elapsedS < planned && !(empty && othersWaiting)) return { state: s, request: stageRequest(target) };
    if (!othersWaiting) return { state: s, request: stageRequest(target), reason: 'rest: no demand elsewhere' };
    // next stage with demand in sequence; a new cycle starts when the sequence wraps
    const n = view.sequence.length;
    let nextIndex = s.index;
    for (let k = 1; k <= n; k++) {
      const i = (s.index + k) % n;
      if (stageSum(view.sequence[i]!, demand) > 0.05) {
        nextIndex = i;
        break;
      }
    }
    const next = view.sequence[nextIndex]!;
    if (sameStage(next, target)) return { state: s, request: stageRequest(target) };
    // the stage ends: book its discharge for the degree of saturation
    s.servedPcu = s.servedPcu.slice();
    s.greenUsedS = s.greenUsedS.slice();
    s.servedPcu[s.index]! += s.servedNowPcu;
    s.greenUsedS[s.index]! += s.greenNowS;
    s.servedNowPcu = 0;
    s.greenNowS = 0;
    const out = nextIndex <= s.index ? newCycle(view, config, s) : s;
    out.index = nextIndex;
    out.target = next;
    out.greenSinceMs = null;
    return { state: out, request: stageRequest(next), reason: `next stage, planned green ${(out.greensS[nextIndex] ?? 0).toFixed(0)} s of a ${out.cycleS.toFixed(0)} s cycle` };
  },
};

function newCycle(view: IntersectionView, config: Config, s: DensityState): DensityState {
  // cycle from the highest degree of saturation of the last cycle
  let dsMax = 0;
  view.sequence.forEach((_, i) => {
    const used = s.greenUsedS[i] ?? 0;
    if (used < 3) return;
    const ds = (s.servedPcu[i] ?? 0) / (SATURATION_PCU_PER_S * used);
    if (ds > dsMax) dsMax = ds;
  });
  const cycleS = Math.min(config.maxCycleS, Math.max(config.minCycleS, s.cycleS * (1 + config.cycleGain * (dsMax - config.targetDegreeOfSaturation))));
  // splits in proportion to the mean density of each stage's critical lane
  const weights = view.sequence.map((_, i) => s.densitySum[i]! / Math.max(1, s.samples) + 0.5);
  const total = weights.reduce((a, b) => a + b, 0);
  const clearance = view.sequence.reduce((sum, stage) => sum + stageClearanceS(view, stage), 0);
  const green = Math.max(0, cycleS - clearance);
  const greensS = view.sequence.map((stage, i) => Math.max(stageMinGreenS(view, stage), (green * weights[i]!) / total));
  const n = view.sequence.length;
  return { ...s, cycleS, greensS, densitySum: new Array(n).fill(0), samples: 0, servedPcu: new Array(n).fill(0), greenUsedS: new Array(n).fill(0) };
}
