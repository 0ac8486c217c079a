import { type CabinetRequest, buildPhaseModel, unitModes } from '@greenwave/contracts';
import { Cabinet, fourLegIntersection, oneWaySideIntersection } from '@greenwave/simulator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { superviseRequest } from './supervisor.ts';

describe('safety supervisor', () => {
  for (const [name, x] of [
    ['NEMA 8-phase', fourLegIntersection({ phasing: 'nema8' })],
    ['two-stage', fourLegIntersection({ phasing: 'two-stage' })],
    ['one-way side street', oneWaySideIntersection()],
  ] as const) {
    it(`${name}: passes only what the cabinet accepts without flashing, rejects everything it would refuse`, () => {
      const model = buildPhaseModel(x);
      // mostly real phases, sometimes ones the intersection does not have
      const phase = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...model.phases) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 16 }) });
      const phases = fc.uniqueArray(phase, { maxLength: 3 });
      const request: fc.Arbitrary<CabinetRequest> = fc.record(
        {
          mode: fc.constantFrom(...unitModes),
          hold: phases,
          forceOff: phases,
          vehicleCall: phases,
          omit: phases,
          stage: fc.oneof(phases, fc.constantFrom(...model.stages)),
          plan: fc.constantFrom(x.fallbackPlan, { ...x.fallbackPlan, cycleS: x.fallbackPlan.cycleS + 5 }),
          reset: fc.boolean(),
        },
        { requiredKeys: [] },
      );
      let passed = 0;
      fc.assert(
        fc.property(request, (r) => {
          const verdict = superviseRequest(model, r, 'operator');
          const cabinet = new Cabinet({ model, mode: 'centre' });
          const result = cabinet.request(r);
          if (verdict.ok) {
            passed++;
            expect(result).toEqual({ accepted: true, flashed: false, problems: [] });
          }
          if (!result.accepted) expect(verdict.ok).toBe(false);
          // algorithms may never ask for flash, dark or a reset
          if (r.mode === 'flash' || r.mode === 'off' || r.reset) expect(superviseRequest(model, r, 'algorithm').ok).toBe(false);
        }),
        { numRuns: 2000 },
      );
      expect(passed).toBeGreaterThan(100);
    });
  }
});
