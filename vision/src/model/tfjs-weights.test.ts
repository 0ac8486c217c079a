import { describe, expect, it } from 'vitest';
import { ModelConversionError } from '../errors.ts';
import { decodeWeights } from './tfjs-weights.ts';

function bytesOf(...parts: ArrayBufferView[]): Uint8Array {
  return Buffer.concat(parts.map((part) => new Uint8Array(part.buffer, part.byteOffset, part.byteLength)));
}

describe('decodeWeights', () => {
  it('dequantises float16 and uint8 weights and keeps float32, int32 and bool ones, in manifest order', () => {
    const data = bytesOf(
      new Uint16Array([0x3c00, 0x4000, 0xbc00]), // float16 1, 2, -1
      new Uint8Array([0, 10, 255]), // uint8, scale 0.5, min -1
      new Float32Array([0.25]),
      new Int32Array([-7, 9]),
      new Uint8Array([1, 0]),
    );
    const weights = decodeWeights(
      [
        {
          paths: ['group1-shard1of1.bin'],
          weights: [
            { name: 'half', shape: [3], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } },
            { name: 'byte', shape: [3, 1], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
            { name: 'single', shape: [], dtype: 'float32' },
            { name: 'ints', shape: [2], dtype: 'int32' },
            { name: 'flags', shape: [2], dtype: 'bool' },
          ],
        },
      ],
      [data],
    );
    expect(Array.from(weights.get('half')?.data ?? [])).toEqual([1, 2, -1]);
    expect(weights.get('byte')?.shape).toEqual([3, 1]);
    expect(Array.from(weights.get('byte')?.data ?? [])).toEqual([-1, 4, 126.5]);
    expect(Array.from(weights.get('single')?.data ?? [])).toEqual([0.25]);
    expect(weights.get('ints')).toMatchObject({ dtype: 'int32', shape: [2] });
    expect(Array.from(weights.get('ints')?.data ?? [])).toEqual([-7, 9]);
    expect(Array.from(weights.get('flags')?.data ?? [])).toEqual([1, 0]);
  });

  it('names the weight when the file is shorter than the manifest says', () => {
    const decode = () => decodeWeights([{ paths: ['w.bin'], weights: [{ name: 'conv/kernel', shape: [4], dtype: 'float32' }] }], [new Uint8Array(8)]);
    expect(decode).toThrow(ModelConversionError);
    expect(decode).toThrow(/conv\/kernel.*ends at byte 8/);
  });

  it('rejects a file longer than the manifest describes', () => {
    expect(() => decodeWeights([{ paths: ['w.bin'], weights: [{ name: 'a', shape: [1], dtype: 'float32' }] }], [new Uint8Array(8)])).toThrow(/holds 8 bytes, the manifest describes 4/);
  });
});
