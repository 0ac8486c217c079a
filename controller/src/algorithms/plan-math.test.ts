import { buildPhaseModel, checkPlan, clearanceS } from '@greenwave/contracts';
import { fourLegIntersection } from '@greenwave/simulator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { websterPlan } from './plan-math.ts';

const params = { minCycleS: 40, maxCycleS: 150, saturationFlowPcuPerHourPerLane: 1850, startupLostTimeS: 2 };

describe('Webster plan', () => {
  it('matches the formula on a two-stage junction: C0 = (1.5L + 5) / (1 - Y), greens in proportion to y', () => {
    const x = fourLegIntersection({ phasing: 'two-stage' });
    const model = buildPhaseModel(x);
    const flows = [0, 0.4 * 1850, 0.2 * 1850];
    const lost = (p: number) => 2 + clearanceS(model.timing[p]!) - 2;
    const L = lost(1) + lost(2);
    const C0 = (1.5 * L + 5) / (1 - 0.6);
    const result = websterPlan(model, flows, params);
    expect(result.optimumCycleS).toBeCloseTo(C0, 6);
    expect(result.plan.cycleS).toBeCloseTo(C0, 0);
    const split = (p: number) => result.plan.splits.find((s) => s.phase === p)!.splitS;
    expect(split(1) - lost(1)).toBeCloseTo(((C0 - L) * 0.4) / 0.6, 0);
    expect(split(2) - lost(2)).toBeCloseTo(((C0 - L) * 0.2) / 0.6, 0);
    expect(split(1) + split(2)).toBeCloseTo(result.plan.cycleS, 6);
  });

  it('goes to the longest cycle when demand reaches capacity', () => {
    const model = buildPhaseModel(fourLegIntersection({ phasing: 'two-stage' }));
    const result = websterPlan(model, [0, 1400, 900], params);
    expect(result.criticalFlowRatio).toBeGreaterThan(0.95);
    expect(result.plan.cycleS).toBeCloseTo(150, 0);
  });

  it('always gives a plan the cabinet accepts (min greens, ring sums, barriers), for any flows', () => {
    for (const phasing of ['nema8', 'two-stage'] as const) {
      const model = buildPhaseModel(fourLegIntersection({ phasing, sideLanes: 2 }));
      fc.assert(
        fc.property(fc.array(fc.double({ min: 0, max: 3000, noNaN: true }), { minLength: 8, maxLength: 8 }), (values) => {
          const flows = new Array(17).fill(0);
          model.phases.forEach((p, i) => (flows[p] = values[i]!));
          const { plan } = websterPlan(model, flows, params);
          const barriers = model.rings.length > 1 ? Array.from({ length: model.barrierCount }, (_, b) => model.phases.filter((p) => model.barrierOf[p] === b)) : [];
          expect(checkPlan(plan, { timingOf: (p) => model.timing[p], rings: model.rings, barriers })).toEqual([]);
        }),
      );
    }
  });
});
