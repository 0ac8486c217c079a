/** IEEE 754 half-precision to single-precision, as TF.js stores float16-quantised weights. */

const exponentTable = new Float32Array(32);
for (let exponent = 0; exponent < 32; exponent += 1) exponentTable[exponent] = 2 ** (exponent - 15);

export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * (exponentTable[exponent] as number) * (1 + mantissa / 1024);
}

export function dequantiseFloat16(bytes: Uint8Array, count: number): Float32Array {
  if (bytes.byteLength < count * 2) {
    throw new RangeError(`float16 data holds ${bytes.byteLength} bytes, ${count} values need ${count * 2}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  const result = new Float32Array(count);
  for (let index = 0; index < count; index += 1) result[index] = float16BitsToFloat32(view.getUint16(index * 2, true));
  return result;
}
