import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POINTS, decodePoint, encodePoint, point } from './point-map.ts';

describe('point map', () => {
  it('has no two points on the same register', () => {
    for (const area of ['input', 'holding'] as const) {
      const used = new Map<number, string>();
      for (const p of POINTS.filter((x) => x.area === area)) {
        for (let i = 0; i < p.registers; i++) {
          expect(used.get(p.address + i), `${p.id} overlaps`).toBeUndefined();
          used.set(p.address + i, p.id);
        }
      }
    }
    expect(new Set(POINTS.map((p) => p.id)).size).toBe(POINTS.length);
    expect(new Set(POINTS.map((p) => p.opcuaPath.join('/'))).size).toBe(POINTS.length);
  });

  it('round-trips every value in range through its registers', () => {
    for (const def of POINTS) {
      if (def.type === 'ascii') {
        fc.assert(fc.property(fc.string({ maxLength: def.max, unit: fc.constantFrom(...'abcXYZ0123-_. '.split('')) }), (text) => {
          expect(decodePoint(def, encodePoint(def, text))).toBe(text);
        }), { numRuns: 20 });
        continue;
      }
      fc.assert(
        fc.property(fc.integer({ min: Math.ceil(def.min / def.scale), max: Math.floor(def.max / def.scale) }), (raw) => {
          const value = Math.round(raw * def.scale * 1000) / 1000;
          expect(decodePoint(def, encodePoint(def, value))).toBeCloseTo(value, 6);
        }),
        { numRuns: 20 },
      );
    }
  });

  it('refuses values out of range, naming the point', () => {
    expect(() => encodePoint(point('timing.phase02.yellow'), 7)).toThrow(/timing\.phase02\.yellow: 7 is outside 0\.\.6 s/);
    expect(() => encodePoint(point('identity.vendor'), 'x'.repeat(17))).toThrow(/longer than 16 characters/);
    expect(() => point('nope')).toThrow(/no point "nope" in point map v1/);
    expect(encodePoint(point('status.clock'), 100000.5)).toEqual([Math.floor(1000005 / 65536), 1000005 % 65536]);
  });
});
