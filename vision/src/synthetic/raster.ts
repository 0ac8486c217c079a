/**
 * A small software rasteriser for synthetic frames: anti-aliased convex polygons (4 sub-scanlines, exact horizontal
 * coverage) over a float RGB buffer, with an id buffer that remembers which object covers each pixel.
 */

const SUB = 4;

export type Rgb = readonly [number, number, number];

export class Raster {
  readonly rgb: Float32Array;
  /** Object drawn last over each pixel (>= 0), or -1. */
  readonly ids: Int32Array;
  /** Last object that wrote each pixel (to count an object's pixels once). */
  private readonly mark: Int32Array;
  private readonly cov: Float32Array;
  private xs = new Float64Array(64);
  private ys = new Float64Array(64);
  private n = 0;
  private minY = 0;
  private maxY = 0;
  /** Columns the last covered row touched. */
  private lo = 0;
  private hi = -1;
  /** Pixels the current object covered (at least half), counted once each. */
  drawnPixels = 0;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgb = new Float32Array(width * height * 3);
    this.ids = new Int32Array(width * height).fill(-1);
    this.mark = new Int32Array(width * height).fill(-1);
    this.cov = new Float32Array(width + 2);
  }

  /** Starts a new frame from a background. */
  reset(background: Float32Array): void {
    this.rgb.set(background);
    this.ids.fill(-1);
    this.mark.fill(-1);
  }

  /** Loads a polygon into the scratch arrays; false when it is degenerate or off the frame vertically. */
  private load(points: readonly (readonly [number, number])[]): boolean {
    const n = points.length;
    if (n < 3) return false;
    if (n > this.xs.length) {
      this.xs = new Float64Array(n * 2);
      this.ys = new Float64Array(n * 2);
    }
    let minY = Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const p = points[i]!;
      this.xs[i] = p[0];
      const y = p[1];
      this.ys[i] = y;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    this.n = n;
    this.minY = minY;
    this.maxY = maxY;
    return maxY > 0 && minY < this.height && Number.isFinite(minY) && Number.isFinite(maxY);
  }

  /**
   * Coverage of image row `py` by the loaded convex polygon (4 sub-scanlines, exact horizontal coverage) into
   * cov[lo..hi]; the reader must clear what it reads.
   */
  private coverRow(py: number): void {
    const w = this.width;
    const cov = this.cov;
    const xs = this.xs;
    const ys = this.ys;
    const n = this.n;
    let lo = w;
    let hi = -1;
    for (let k = 0; k < SUB; k++) {
      const sy = py + (k + 0.5) / SUB;
      if (sy < this.minY || sy > this.maxY) continue;
      let xl = Infinity;
      let xr = -Infinity;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const ya = ys[j]!;
        const yb = ys[i]!;
        if ((sy < ya && sy < yb) || (sy > ya && sy > yb) || ya === yb) continue;
        const xa = xs[j]!;
        const x = xa + ((sy - ya) * (xs[i]! - xa)) / (yb - ya);
        if (x < xl) xl = x;
        if (x > xr) xr = x;
      }
      if (xl < 0) xl = 0;
      if (xr > w) xr = w;
      if (!(xr > xl)) continue;
      const ix0 = Math.floor(xl);
      const ix1 = Math.min(w - 1, Math.floor(xr));
      if (ix0 === ix1) {
        cov[ix0]! += (xr - xl) / SUB;
      } else {
        cov[ix0]! += (ix0 + 1 - xl) / SUB;
        for (let x = ix0 + 1; x < ix1; x++) cov[x]! += 1 / SUB;
        cov[ix1]! += (Math.min(xr, ix1 + 1) - ix1) / SUB;
      }
      if (ix0 < lo) lo = ix0;
      if (ix1 > hi) hi = ix1;
    }
    this.lo = lo;
    this.hi = hi;
  }

  /**
   * Fills a convex polygon (image points, px) with a colour (0..255), optionally fading vertically to `bottom`
   * between the polygon's top and bottom, and records it as object `id` where it covers at least half a pixel.
   */
  fill(points: readonly (readonly [number, number])[], colour: Rgb, id = -1, alpha = 1, bottom?: Rgb): void {
    if (!this.load(points)) return;
    const rgb = this.rgb;
    const ids = this.ids;
    const mark = this.mark;
    const cov = this.cov;
    const w = this.width;
    const [r0, g0, b0] = colour;
    const top = this.minY;
    const span = this.maxY - top || 1;
    const record = id >= 0 && alpha >= 0.5;
    const y0 = Math.max(0, Math.floor(this.minY));
    const y1 = Math.min(this.height - 1, Math.ceil(this.maxY) - 1);
    let r = r0;
    let g = g0;
    let b = b0;
    for (let y = y0; y <= y1; y++) {
      this.coverRow(y);
      const lo = this.lo;
      const hi = this.hi;
      if (hi < lo) continue;
      if (bottom) {
        const t = Math.min(1, Math.max(0, (y + 0.5 - top) / span));
        r = r0 + (bottom[0] - r0) * t;
        g = g0 + (bottom[1] - g0) * t;
        b = b0 + (bottom[2] - b0) * t;
      }
      const row = y * w;
      for (let x = lo; x <= hi; x++) {
        const c = cov[x]!;
        if (c <= 0) continue;
        cov[x] = 0;
        const p = row + x;
        const q = p * 3;
        if (c >= 0.999 && alpha >= 1) {
          rgb[q] = r;
          rgb[q + 1] = g;
          rgb[q + 2] = b;
        } else {
          const a = (c > 1 ? 1 : c) * alpha;
          rgb[q] = rgb[q]! + (r - rgb[q]!) * a;
          rgb[q + 1] = rgb[q + 1]! + (g - rgb[q + 1]!) * a;
          rgb[q + 2] = rgb[q + 2]! + (b - rgb[q + 2]!) * a;
        }
        if (record && c >= 0.5) {
          ids[p] = id;
          if (mark[p] !== id) {
            mark[p] = id;
            this.drawnPixels++;
          }
        }
      }
    }
  }

  /** Adds a convex polygon to a coverage mask (max of coverage and `strength`). */
  fillMask(mask: Float32Array, points: readonly (readonly [number, number])[], strength = 1): void {
    if (!this.load(points)) return;
    const cov = this.cov;
    const w = this.width;
    const y0 = Math.max(0, Math.floor(this.minY));
    const y1 = Math.min(this.height - 1, Math.ceil(this.maxY) - 1);
    for (let y = y0; y <= y1; y++) {
      this.coverRow(y);
      const row = y * w;
      for (let x = this.lo; x <= this.hi; x++) {
        const c = cov[x]!;
        if (c <= 0) continue;
        cov[x] = 0;
        const v = (c > 1 ? 1 : c) * strength;
        if (v > mask[row + x]!) mask[row + x] = v;
      }
    }
  }
}

/**
 * Box blur of a one-channel mask inside the rectangle [x0, x1] x [y0, y1] (clamped to the image; pixels outside it
 * are read as they are and left alone), in place, `passes` times (2 passes: a tent filter).
 */
export function boxBlurMask(mask: Float32Array, width: number, height: number, radius: number, passes = 2, area?: { x0: number; x1: number; y0: number; y1: number }): void {
  if (radius < 1) return;
  const x0 = Math.max(0, area ? Math.floor(area.x0) : 0);
  const x1 = Math.min(width - 1, area ? Math.ceil(area.x1) : width - 1);
  const y0 = Math.max(0, area ? Math.floor(area.y0) : 0);
  const y1 = Math.min(height - 1, area ? Math.ceil(area.y1) : height - 1);
  if (y1 < y0 || x1 < x0) return;
  const w = x1 - x0 + 1;
  const n = y1 - y0 + 1;
  const tmp = new Float32Array(w * n);
  const acc = new Float32Array(w);
  const norm = 1 / (2 * radius + 1);
  for (let pass = 0; pass < passes; pass++) {
    // rows: sliding sums into tmp
    for (let y = y0; y <= y1; y++) {
      const o = y * width;
      const t = (y - y0) * w;
      let sum = 0;
      for (let x = x0 - radius; x <= x0 + radius; x++) sum += mask[o + (x < x0 ? x0 : x > x1 ? x1 : x)]!;
      for (let x = x0; x <= x1; x++) {
        tmp[t + x - x0] = sum * norm;
        const add = x + radius + 1;
        const sub = x - radius;
        sum += mask[o + (add > x1 ? x1 : add)]! - mask[o + (sub < x0 ? x0 : sub)]!;
      }
    }
    // columns: sliding sums over whole rows of tmp back into the mask
    acc.fill(0);
    for (let k = -radius; k <= radius; k++) {
      const yy = y0 + k;
      const t = ((yy < y0 ? y0 : yy > y1 ? y1 : yy) - y0) * w;
      for (let x = 0; x < w; x++) acc[x]! += tmp[t + x]!;
    }
    for (let y = y0; y <= y1; y++) {
      const o = y * width + x0;
      const ya = y + radius + 1;
      const ys = y - radius;
      const add = ((ya > y1 ? y1 : ya) - y0) * w;
      const sub = ((ys < y0 ? y0 : ys) - y0) * w;
      for (let x = 0; x < w; x++) {
        mask[o + x] = acc[x]! * norm;
        acc[x] = acc[x]! + tmp[add + x]! - tmp[sub + x]!;
      }
    }
  }
}

let blurScratch: Float32Array | null = null;

/**
 * Separable Gaussian blur of an interleaved float RGB image, in place. Kernels are 7 taps (sigma <= 1.2 per pass);
 * larger sigmas run several passes (their sigmas add in quadrature).
 */
export function gaussianBlurRgb(rgb: Float32Array, width: number, height: number, sigma: number): void {
  if (!(sigma > 0.2)) return;
  const passes = Math.ceil((sigma / 1.2) ** 2);
  const s = sigma / Math.sqrt(passes);
  const w = [0, 1, 2, 3].map((i) => Math.exp((-i * i) / (2 * s * s)));
  const total = w[0]! + 2 * (w[1]! + w[2]! + w[3]!);
  const [k0, k1, k2, k3] = w.map((v) => v / total) as [number, number, number, number];
  if (!blurScratch || blurScratch.length !== rgb.length) blurScratch = new Float32Array(rgb.length);
  const tmp = blurScratch;
  const stride = width * 3;
  for (let pass = 0; pass < passes; pass++) {
    // rows -> tmp
    for (let y = 0; y < height; y++) {
      const o = y * stride;
      for (let i = 9; i < stride - 9; i++) {
        const p = o + i;
        tmp[p] = k0 * rgb[p]! + k1 * (rgb[p - 3]! + rgb[p + 3]!) + k2 * (rgb[p - 6]! + rgb[p + 6]!) + k3 * (rgb[p - 9]! + rgb[p + 9]!);
      }
      for (let x = 0; x < width; x++) {
        if (x === 3) x = width - 3;
        const xm1 = (x - 1 < 0 ? 0 : x - 1) * 3;
        const xm2 = (x - 2 < 0 ? 0 : x - 2) * 3;
        const xm3 = (x - 3 < 0 ? 0 : x - 3) * 3;
        const xp1 = (x + 1 >= width ? width - 1 : x + 1) * 3;
        const xp2 = (x + 2 >= width ? width - 1 : x + 2) * 3;
        const xp3 = (x + 3 >= width ? width - 1 : x + 3) * 3;
        for (let c = 0; c < 3; c++) {
          const q = o + c;
          tmp[q + x * 3] = k0 * rgb[q + x * 3]! + k1 * (rgb[q + xm1]! + rgb[q + xp1]!) + k2 * (rgb[q + xm2]! + rgb[q + xp2]!) + k3 * (rgb[q + xm3]! + rgb[q + xp3]!);
        }
      }
    }
    // columns: tmp -> rgb
    for (let y = 0; y < height; y++) {
      const o = y * stride;
      const m1 = (y - 1 < 0 ? 0 : y - 1) * stride;
      const m2 = (y - 2 < 0 ? 0 : y - 2) * stride;
      const m3 = (y - 3 < 0 ? 0 : y - 3) * stride;
      const p1 = (y + 1 >= height ? height - 1 : y + 1) * stride;
      const p2 = (y + 2 >= height ? height - 1 : y + 2) * stride;
      const p3 = (y + 3 >= height ? height - 1 : y + 3) * stride;
      for (let i = 0; i < stride; i++) {
        rgb[o + i] = k0 * tmp[o + i]! + k1 * (tmp[m1 + i]! + tmp[p1 + i]!) + k2 * (tmp[m2 + i]! + tmp[p2 + i]!) + k3 * (tmp[m3 + i]! + tmp[p3 + i]!);
      }
    }
  }
}
