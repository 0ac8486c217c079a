/**
 * Camera degradation in one or two passes: optics blur, then sensor noise, then quantisation to 8 bits. (JPEG comes
 * after, in the renderer.)
 */
import { gaussianBlurRgb } from './raster.ts';

/**
 * Sensor noise in units of 1/NOISE_SCALE sigma, as (r, g, b) triplets: luminance noise shared by the channels plus a
 * little chroma noise. Small enough to stay in cache; every image row reads it from its own seeded offset.
 */
const NOISE_PIXELS = 65_536;
const NOISE_SCALE = 24;
let noiseTable: Int8Array | null = null;
function unitNoise(): Int8Array {
  if (noiseTable) return noiseTable;
  const table = new Int8Array(NOISE_PIXELS * 3);
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  const q = (v: number) => Math.max(-127, Math.min(127, Math.round(v * NOISE_SCALE)));
  for (let i = 0; i < table.length; i += 3) {
    const l = gauss();
    table[i] = q(l + 0.4 * gauss());
    table[i + 1] = q(l);
    table[i + 2] = q(l + 0.4 * gauss());
  }
  noiseTable = table;
  return table;
}

let scratch: Float32Array | null = null;

/**
 * Blurs `rgb` (float, 0..255, interleaved RGB) by a Gaussian of `blurSigma` px, adds Gaussian noise of `noiseSigma`
 * levels (luminance plus a little chroma), and writes 8-bit RGB to `out`. `rgb` may be overwritten. Deterministic
 * in `seed`.
 */
export function degradeToBytes(rgb: Float32Array, width: number, height: number, out: Uint8Array, blurSigma: number, noiseSigma: number, seed: number): void {
  const stride = width * 3;
  let src = rgb;
  let fused = false;
  let a = 0;
  if (blurSigma > 0.8) {
    gaussianBlurRgb(rgb, width, height, blurSigma);
  } else if (blurSigma > 0.2) {
    // [a, 1 - 2a, a] has variance 2a: rows here, columns fused with the noise below
    a = (blurSigma * blurSigma) / 2;
    const b = 1 - 2 * a;
    if (!scratch || scratch.length !== rgb.length) scratch = new Float32Array(rgb.length);
    const tmp = scratch;
    for (let y = 0; y < height; y++) {
      const o = y * stride;
      for (let i = 3; i < stride - 3; i++) {
        const p = o + i;
        tmp[p] = b * rgb[p]! + a * (rgb[p - 3]! + rgb[p + 3]!);
      }
      for (let c = 0; c < 3; c++) {
        tmp[o + c] = (a + b) * rgb[o + c]! + a * rgb[o + 3 + c]!;
        const e = o + stride - 3 + c;
        tmp[e] = (a + b) * rgb[e]! + a * rgb[e - 3]!;
      }
    }
    src = tmp;
    fused = true;
  }
  const s = (noiseSigma > 0 ? noiseSigma : 0) / NOISE_SCALE;
  if (fused) blurColumnsNoiseQuantise(src, out, width, height, a, s, seed);
  else noiseQuantise(src, out, width, height, s, seed);
}

function blurColumnsNoiseQuantise(src: Float32Array, out: Uint8Array, width: number, height: number, a: number, s: number, seed: number): void {
  const stride = width * 3;
  const b = 1 - 2 * a;
  const noise = unitNoise();
  const wrap = noise.length;
  let r = seed >>> 0 || 1;
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    const m = (y === 0 ? 0 : y - 1) * stride;
    const p = (y === height - 1 ? y : y + 1) * stride;
    r ^= r << 13;
    r ^= r >>> 17;
    r ^= r << 5;
    let j = ((r >>> 0) % NOISE_PIXELS) * 3;
    for (let i = 0; i < stride; i++) {
      const v = b * src[o + i]! + a * (src[m + i]! + src[p + i]!) + s * noise[j]!;
      if (++j === wrap) j = 0;
      out[o + i] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
    }
  }
}

function noiseQuantise(src: Float32Array, out: Uint8Array, width: number, height: number, s: number, seed: number): void {
  const stride = width * 3;
  const noise = unitNoise();
  const wrap = noise.length;
  let r = seed >>> 0 || 1;
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    r ^= r << 13;
    r ^= r >>> 17;
    r ^= r << 5;
    let j = ((r >>> 0) % NOISE_PIXELS) * 3;
    for (let i = 0; i < stride; i++) {
      const v = src[o + i]! + s * noise[j]!;
      if (++j === wrap) j = 0;
      out[o + i] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
    }
  }
}
