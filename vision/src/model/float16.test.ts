import { describe, expect, it } from 'vitest';
import { dequantiseFloat16, float16BitsToFloat32 } from './float16.ts';

describe('float16 dequantisation', () => {
  it('decodes normal, subnormal, signed and special values', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0xc000)).toBe(-2);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x3555)).toBeCloseTo(1 / 3, 3);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x0000)).toBe(0);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
  });

  it('reads little-endian pairs from an unaligned slice', () => {
    const bytes = new Uint8Array([0xff, 0x00, 0x3c, 0x00, 0xc0]);
    expect(Array.from(dequantiseFloat16(bytes.subarray(1), 2))).toEqual([1, -2]);
    expect(() => dequantiseFloat16(bytes.subarray(1, 3), 2)).toThrow(/float16 data holds 2 bytes/);
  });
});
