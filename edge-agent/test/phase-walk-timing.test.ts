import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationRange, withinRange } from '../src/commissioning/commission.ts';

describe('phase walk: interval length from polled readings', () => {
  it('bounds the true length by the readings around its start and end, and judges against those bounds', () => {
    // a 3 s yellow read at 0.2 s steps, but one slow reading left 0.8 s between the last yellow and the next
    const range = durationRange({ startAfterS: 9.9, startS: 10.1, endAfterS: 12.5, endS: 13.3 });
    expect(range.min).toBeCloseTo(2.4, 9);
    expect(range.max).toBeCloseTo(3.4, 9);
    expect(range.seen).toBeCloseTo(3.2, 9);
    expect(withinRange(range, 3, 0.5)).toBe(true);
    // a yellow really 1 s too short fails however the readings fall
    expect(withinRange(durationRange({ startAfterS: 10, startS: 10.2, endAfterS: 12, endS: 12.2 }), 3, 0.5)).toBe(false);
  });

  it('always contains the true length, and fails a length off by more than the tolerance plus the reading gaps (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0.5, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (start, length, gap, startPhase, endPhase) => {
          // readings every `gap` s: the first to show the interval comes after its start, the first not to after its end
          const startS = start + startPhase * gap;
          const endS = start + length + endPhase * gap;
          const range = durationRange({ startAfterS: startS - gap, startS, endAfterS: endS - gap, endS });
          expect(range.min).toBeLessThanOrEqual(length + 1e-9);
          expect(range.max).toBeGreaterThanOrEqual(length - 1e-9);
          expect(withinRange(range, length, 1e-9)).toBe(true);
          expect(withinRange(range, length + 2 * gap + 0.6, 0.5)).toBe(false);
        },
      ),
    );
  });
});
