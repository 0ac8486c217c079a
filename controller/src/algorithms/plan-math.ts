import { type FixedPlan, type PhaseModel, clearanceS } from '@greenwave/contracts';

export interface WebsterParams {
  minCycleS: number;
  maxCycleS: number;
  saturationFlowPcuPerHourPerLane: number;
  startupLostTimeS: number;
}

export interface WebsterResult {
  plan: FixedPlan;
  /** Sum of critical flow ratios. */
  criticalFlowRatio: number;
  lostTimeS: number;
  /** Webster's optimum before clamping to the cycle limits. */
  optimumCycleS: number;
}

/**
 * Webster's method: optimum cycle C0 = (1.5 L + 5) / (1 - Y), effective green shared in proportion to the critical
 * flow ratios y = q / s, on the critical path of the ring-barrier structure. Splits never go below min green +
 * clearance; rings meet at every barrier; splits are in tenths of a second.
 *
 * `criticalFlowPcuPerHour`: flow of each phase's most loaded lane (PCU/h per lane), indexed by phase number.
 */
export function websterPlan(model: PhaseModel, criticalFlowPcuPerHour: ArrayLike<number>, params: WebsterParams): WebsterResult {
  const y = new Map<number, number>();
  for (const p of model.phases) y.set(p, Math.max(0, (criticalFlowPcuPerHour[p] ?? 0) / params.saturationFlowPcuPerHourPerLane));
  // lost time per phase: start-up lost time + clearance, minus the 2 s of yellow drivers still use
  const lost = (p: number) => Math.max(0, params.startupLostTimeS + clearanceS(model.timing[p]!) - 2);
  const minSplit = (p: number) => model.timing[p]!.minGreenS + clearanceS(model.timing[p]!);
  const barriers = model.rings.length === 1 ? [model.phases] : Array.from({ length: model.barrierCount }, (_, b) => model.phases.filter((p) => model.barrierOf[p] === b));
  // per barrier: each ring's y and lost time; the critical ring is the one with the larger y
  const barrierInfo = barriers.map((group) => {
    const rings = model.rings.map((ring) => ring.filter((p) => group.includes(p))).filter((r) => r.length > 0);
    const ringY = rings.map((r) => r.reduce((s, p) => s + y.get(p)!, 0));
    const ringL = rings.map((r) => r.reduce((s, p) => s + lost(p), 0));
    let critical = 0;
    for (let i = 1; i < rings.length; i++) if (ringY[i]! > ringY[critical]! || (ringY[i] === ringY[critical] && ringL[i]! > ringL[critical]!)) critical = i;
    return { rings, ringY, ringL, critical };
  });
  const Y = barrierInfo.reduce((s, b) => s + b.ringY[b.critical]!, 0);
  const L = barrierInfo.reduce((s, b) => s + b.ringL[b.critical]!, 0);
  const optimumCycleS = Y < 0.95 ? (1.5 * L + 5) / (1 - Y) : Infinity;
  let cycle = Math.min(params.maxCycleS, Math.max(params.minCycleS, optimumCycleS));
  // barrier times in proportion to their critical y (equal when there is no flow at all)
  const effective = Math.max(0, cycle - L);
  let barrierTime = barrierInfo.map((b) => b.ringL[b.critical]! + (Y > 0 ? (effective * b.ringY[b.critical]!) / Y : effective / barrierInfo.length));
  // every ring of a barrier must fit its minimums
  barrierTime = barrierTime.map((t, i) => Math.max(t, ...barrierInfo[i]!.rings.map((r) => r.reduce((s, p) => s + minSplit(p), 0))));
  cycle = barrierTime.reduce((a, b) => a + b, 0);
  // round barrier times to 0.1 s and fix the cycle to their sum
  barrierTime = barrierTime.map((t) => Math.round(t * 10) / 10);
  cycle = Math.round(barrierTime.reduce((a, b) => a + b, 0) * 10) / 10;
  const splits: { phase: number; splitS: number }[] = [];
  barrierInfo.forEach((b, i) => {
    const T = barrierTime[i]!;
    b.rings.forEach((ring, r) => {
      splits.push(...splitRing(ring, T, (p) => y.get(p)!, lost, minSplit, b.ringY[r]!, b.ringL[r]!));
    });
  });
  return { plan: { cycleS: cycle, offsetS: 0, splits }, criticalFlowRatio: Y, lostTimeS: L, optimumCycleS };
}

/** Shares time T among the phases of one ring in one barrier: lost time plus green in proportion to y, minimums kept. */
function splitRing(
  ring: readonly number[],
  T: number,
  yOf: (p: number) => number,
  lost: (p: number) => number,
  minSplit: (p: number) => number,
  ringY: number,
  ringL: number,
): { phase: number; splitS: number }[] {
  const green = Math.max(0, T - ringL);
  let raw = ring.map((p) => lost(p) + (ringY > 0 ? (green * yOf(p)) / ringY : green / ring.length));
  // lift phases below their minimum, taking the time from the others in proportion to their slack
  for (let iteration = 0; iteration < ring.length; iteration++) {
    const deficit = ring.reduce((s, p, i) => s + Math.max(0, minSplit(p) - raw[i]!), 0);
    if (deficit <= 1e-9) break;
    const slack = ring.map((p, i) => Math.max(0, raw[i]! - minSplit(p)));
    const totalSlack = slack.reduce((a, b) => a + b, 0);
    raw = raw.map((v, i) => {
      const p = ring[i]!;
      if (v < minSplit(p)) return minSplit(p);
      return totalSlack > 0 ? v - (deficit * slack[i]!) / totalSlack : v;
    });
  }
  // tenths of a second, the last phase absorbs the rounding so the ring sums to T exactly
  const rounded = raw.map((v) => Math.round(v * 10) / 10);
  const diff = Math.round((T - rounded.reduce((a, b) => a + b, 0)) * 10) / 10;
  let last = rounded.length - 1;
  for (let i = rounded.length - 1; i >= 0; i--) if (rounded[i]! + diff >= minSplit(ring[i]!) - 1e-9) { last = i; break; }
  rounded[last] = Math.round((rounded[last]! + diff) * 10) / 10;
  return ring.map((phase, i) => ({ phase, splitS: rounded[i]! }));
}
