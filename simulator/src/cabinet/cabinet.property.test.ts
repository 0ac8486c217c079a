import { type CabinetRequest, type Intersection, buildPhaseModel, unitModes } from '@greenwave/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fourLegIntersection, oneWaySideIntersection } from '../testing/fixtures.ts';
import { Cabinet } from './cabinet.ts';
import { SafetyObserver } from './safety-observer.ts';

type Action =
  | { kind: 'ticks'; count: number }
  | { kind: 'request'; request: CabinetRequest }
  | { kind: 'detectors'; bits: number };

function actionArb(x: Intersection): fc.Arbitrary<Action> {
  const phases = x.phases.map((p) => p.number);
  const subset = fc.subarray(phases);
  const model = buildPhaseModel(x);
  // mostly valid stages (so phases get served), sometimes any subset (often conflicting: must flash)
  const stage = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...model.stages, []) }, { weight: 1, arbitrary: subset });
  const mode = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('centre', 'fixed', 'actuated') as fc.Arbitrary<(typeof unitModes)[number]> }, { weight: 1, arbitrary: fc.constantFrom(...unitModes) });
  // plans: the stored one, a stretched one, and invalid ones the cabinet must refuse
  const plans = [x.fallbackPlan, { ...x.fallbackPlan, offsetS: 7 }, { ...x.fallbackPlan, cycleS: x.fallbackPlan.cycleS + 1 }];
  const request: fc.Arbitrary<CabinetRequest> = fc.record(
    {
      mode,
      hold: subset,
      forceOff: subset,
      vehicleCall: subset,
      pedCall: subset,
      omit: subset,
      stage,
      plan: fc.constantFrom(...plans),
      reset: fc.boolean(),
      heartbeat: fc.constant(true),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 40 }).map((count) => ({ kind: 'ticks' as const, count })) },
    { weight: 3, arbitrary: request.map((r) => ({ kind: 'request' as const, request: r })) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xff }).map((bits) => ({ kind: 'detectors' as const, bits })) },
  );
}

const cases: [string, Intersection][] = [
  ['NEMA 8-phase', fourLegIntersection({ phasing: 'nema8' })],
  ['two-stage', fourLegIntersection({ phasing: 'two-stage' })],
  ['one-way side street', oneWaySideIntersection()],
];

describe('cabinet safety under random request sequences', () => {
  let totalTicks = 0;
  let totalGreens = 0;
  let totalFlashes = 0;
  for (const [name, x] of cases) {
    it(`${name}: never conflicting greens, minimum green, yellow and red clearance always kept, flash latches`, () => {
      const model = buildPhaseModel(x);
      fc.assert(
        fc.property(fc.array(actionArb(x), { minLength: 20, maxLength: 120 }), fc.constantFrom(...unitModes), (actions, startMode) => {
          const cabinet = new Cabinet({ model, mode: startMode, watchdogS: 3 });
          const observer = new SafetyObserver(model);
          let latchedExpected = false;
          for (const action of actions) {
            if (action.kind === 'ticks') {
              for (let i = 0; i < action.count; i++) {
                cabinet.tick();
                observer.observe(cabinet);
                totalTicks++;
                // flash latches: nothing but a reset clears it
                expect(cabinet.latched).toBe(latchedExpected);
              }
            } else if (action.kind === 'detectors') {
              cabinet.setDetectors(action.bits);
            } else {
              const result = cabinet.request(action.request);
              observer.observe(cabinet);
              if (result.flashed) {
                latchedExpected = true;
                totalFlashes++;
              }
              else if (result.accepted && action.request.reset) latchedExpected = false;
              // a request with conflicting stage phases must latch flash
              const stage = action.request.stage ?? [];
              const conflicting = stage.some((a) => stage.some((b) => model.conflicts.conflicts(a, b)));
              expect(result.flashed).toBe(conflicting);
            }
            expect(observer.violations).toEqual([]);
          }
          totalGreens += observer.greenStarts;
        }),
        { numRuns: 160, seed: 20261127 },
      );
    });
  }

  it('ran at least 100k cabinet steps in total, with many greens and flashes', () => {
    expect(totalTicks).toBeGreaterThanOrEqual(100_000);
    expect(totalGreens).toBeGreaterThan(1_000);
    expect(totalFlashes).toBeGreaterThan(20);
  });
});
