import { describe, expect, it } from 'vitest';
import { evaluateInParallel } from '../src/eval/parallel.ts';

// The claim the project stands on, checked on every run: on the default city at the morning peak, each adaptive
// controller loses less time per trip than Webster's fixed-time plans (same seed, same demand). 30-minute window
// here to keep the suite short; `pnpm greenwave eval` runs the full hour.
describe('danang evaluation', () => {
  it('density, queue and max-pressure each beat Webster on mean time loss', async () => {
    const results = await evaluateInParallel(
      ['webster', 'density', 'queue', 'maxpressure'].map((controller) => ({ scenario: 'danang', controller: controller as never, durationS: 1800, coolDownS: 600 })),
      () => {},
    );
    const loss = Object.fromEntries(results.map((r) => [r.controller, r.meanTimeLossS]));
    for (const kind of ['density', 'queue', 'maxpressure']) expect(loss[kind], `${kind} vs webster ${JSON.stringify(loss)}`).toBeLessThan(loss.webster!);
    for (const r of results) {
      expect(r.completedTrips).toBeGreaterThan(7000);
      expect(r.supervisorRejections).toBe(0);
    }
  }, 600_000);
});
