/**
 * The static part of a synthetic approach frame: asphalt with texture and wear, lane lines, stop line, zebra
 * crossing, kerbs, sidewalks and building fronts, sky. Ray-cast per pixel (2 x 2 samples) once per camera and cached.
 */
import type { ApproachView } from '@greenwave/contracts';
import { approachSpanX, hash32, laneSpans, makeRandom } from './approach-geometry.ts';
import type { PinholeCamera } from './camera.ts';

export const LANE_WIDTH_DEFAULT_M = 3.5;
/** Zebra crossing: from this far past the stop line (m, inside the junction) ... */
export const CROSSWALK_NEAR_M = 1.2;
/** ... to this far. */
export const CROSSWALK_FAR_M = 5.2;
export const SIDEWALK_M = 4;
/** Lane lines are solid for this far upstream of the stop line, dashed beyond. */
export const SOLID_LANE_LINE_M = 20;

/** Across layout of the street the approach belongs to (m, approach frame). */
export interface StreetLayout {
  /** Approach lanes: median side (left) to kerb (right). */
  approachLeft: number;
  approachRight: number;
  /** Left kerb of the whole street (the exit lanes lie between it and approachLeft). */
  streetLeft: number;
  laneLines: number[];
  exitLaneLines: number[];
}

export function streetLayout(view: Pick<ApproachView, 'lanes' | 'exitLanes'>): StreetLayout {
  const span = approachSpanX(view);
  const exitLanes = view.exitLanes ?? Math.max(1, view.lanes.length);
  const exitWidth = exitLanes * LANE_WIDTH_DEFAULT_M;
  const spans = laneSpans(view).sort((a, b) => a.left - b.left);
  const laneLines = spans.slice(1).map((s) => s.left);
  const exitLaneLines = Array.from({ length: Math.max(0, exitLanes - 1) }, (_, i) => span.left - (i + 1) * LANE_WIDTH_DEFAULT_M);
  return { approachLeft: span.left, approachRight: span.right, streetLeft: span.left - exitWidth, laneLines, exitLaneLines };
}

// ---------------------------------------------------------------- noise

function lattice(ix: number, iy: number, salt: number): number {
  return hash32(ix, iy, salt) / 4294967296;
}

function valueNoise(x: number, y: number, salt: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const a = lattice(ix, iy, salt);
  const b = lattice(ix + 1, iy, salt);
  const c = lattice(ix, iy + 1, salt);
  const d = lattice(ix + 1, iy + 1, salt);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}

// ---------------------------------------------------------------- scene

interface Building {
  y0: number;
  y1: number;
  height: number;
  colour: [number, number, number];
  sign: [number, number, number];
  windowRows: number;
}

function buildings(seed: number, salt: number): Building[] {
  const random = makeRandom(hash32(seed, salt, 5));
  const palette: [number, number, number][] = [
    [226, 214, 170],
    [236, 232, 220],
    [190, 210, 220],
    [230, 190, 170],
    [200, 200, 196],
    [240, 226, 150],
    [180, 196, 170],
    [214, 170, 150],
  ];
  const signs: [number, number, number][] = [
    [200, 40, 40],
    [40, 90, 180],
    [240, 200, 40],
    [40, 140, 80],
    [240, 240, 240],
    [230, 120, 40],
  ];
  const out: Building[] = [];
  let y = 0.5;
  while (y < 600) {
    const w = 4 + random() * 4;
    out.push({
      y0: y,
      y1: y + w,
      height: 7 + random() * 14,
      colour: palette[Math.floor(random() * palette.length)]!,
      sign: signs[Math.floor(random() * signs.length)]!,
      windowRows: 2 + Math.floor(random() * 2),
    });
    y += w + (random() < 0.2 ? 1 + random() * 2 : 0);
  }
  return out;
}

function buildingAt(list: readonly Building[], y: number): Building | undefined {
  // blocks are sorted: binary search
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = list[mid]!;
    if (y < b.y0) hi = mid - 1;
    else if (y >= b.y1) lo = mid + 1;
    else return b;
  }
  return undefined;
}

type Rgb = [number, number, number];

function facadeColour(b: Building, along: number, z: number, out: Rgb): void {
  const local = along - b.y0;
  const w = b.y1 - b.y0;
  let [r, g, bl] = b.colour;
  if (z < 3.2) {
    // ground floor: a dark shop opening under a sign board
    if (z > 2.5) {
      [r, g, bl] = b.sign;
    } else if (local > 0.4 && local < w - 0.4) {
      r = 48;
      g = 46;
      bl = 44;
    }
  } else {
    const floor = (z - 3.2) % 3.2;
    const bay = local % 2.2;
    if (floor > 0.9 && floor < 2.3 && bay > 0.5 && bay < 1.7) {
      r = 70;
      g = 82;
      bl = 92;
    } else if (floor < 0.15) {
      r *= 0.82;
      g *= 0.82;
      bl *= 0.82;
    }
  }
  out[0] = r;
  out[1] = g;
  out[2] = bl;
}

const WHITE_PAINT: Rgb = [222, 222, 214];
const YELLOW_PAINT: Rgb = [226, 186, 60];

/**
 * The road surface colour at a ground point (m, approach frame).
 */
function groundColour(layout: StreetLayout, x: number, y: number, seed: number, out: Rgb): void {
  const { approachLeft, approachRight, streetLeft } = layout;
  const onRoadAcross = x >= streetLeft && x <= approachRight;
  const cornerY = -0.8;
  // sidewalks along the leg, cut by the cross street
  if (!onRoadAcross && y >= cornerY) {
    const kerb = x > approachRight ? x - approachRight : streetLeft - x;
    if (kerb < 0.22) {
      const v = 182 + 10 * valueNoise(x * 3, y * 3, seed + 3);
      out[0] = v;
      out[1] = v;
      out[2] = v - 4;
      return;
    }
    const tx = Math.floor(x / 0.4);
    const ty = Math.floor(y / 0.4);
    const fx = x / 0.4 - tx;
    const fy = y / 0.4 - ty;
    const grout = fx < 0.06 || fy < 0.06;
    const t = lattice(tx, ty, seed + 11);
    const dirt = valueNoise(x * 0.5, y * 0.5, seed + 13);
    const base = grout ? 120 : 150 + 22 * t;
    const k = 0.85 + 0.2 * dirt;
    out[0] = base * k + 12;
    out[1] = base * k;
    out[2] = base * k - 6;
    return;
  }
  // asphalt: patches, grain, wheel tracks
  const patches = valueNoise(x * 0.35, y * 0.35, seed + 1);
  const grain = valueNoise(x * 9, y * 9, seed + 2);
  const fine = lattice(Math.floor(x * 40), Math.floor(y * 40), seed + 4);
  let v = 84 + 16 * patches + 10 * grain + 8 * fine;
  if (y > 0 && x > approachLeft && x < approachRight) {
    // darker tracks where the wheels run, an oil strip in the lane middle near the stop line
    const lanes = [approachLeft, ...layout.laneLines, approachRight];
    for (let i = 0; i + 1 < lanes.length; i++) {
      const a = lanes[i]!;
      const b = lanes[i + 1]!;
      if (x < a || x > b) continue;
      const off = Math.abs(x - (a + b) / 2);
      if (Math.abs(off - 0.8) < 0.3) v -= 7;
      if (off < 0.45 && y < 25) v -= 9 * (1 - y / 25) * (0.5 + valueNoise(x * 2, y * 0.7, seed + 6));
    }
  }
  let r = v;
  let g = v + 1;
  let b = v + 4;
  // markings
  const paint = marking(layout, x, y);
  if (paint !== null) {
    const wear = 0.78 + 0.22 * valueNoise(x * 6, y * 6, seed + 7);
    const [pr, pg, pb] = paint === 'yellow' ? YELLOW_PAINT : WHITE_PAINT;
    r = r + (pr - r) * wear;
    g = g + (pg - g) * wear;
    b = b + (pb - b) * wear;
  }
  out[0] = r;
  out[1] = g;
  out[2] = b;
}

function marking(layout: StreetLayout, x: number, y: number): 'white' | 'yellow' | null {
  const { approachLeft, approachRight, streetLeft } = layout;
  // zebra crossing across the whole street
  if (y <= -CROSSWALK_NEAR_M && y >= -CROSSWALK_FAR_M && x >= streetLeft + 0.3 && x <= approachRight - 0.3) {
    const phase = (x - streetLeft - 0.3) % 1.0;
    return phase < 0.5 ? 'white' : null;
  }
  if (y < 0) return null;
  // stop line over the approach lanes
  if (y <= 0.4 && x >= approachLeft && x <= approachRight - 0.2) return 'white';
  // double yellow centre line (none on a one-way street)
  const dc = Math.abs(x - approachLeft);
  if (streetLeft < approachLeft && dc <= 0.27 && dc >= 0.09) return 'yellow';
  // lane lines: solid near the stop line, dashed 3 m on 6 m beyond
  for (const line of layout.laneLines) {
    if (Math.abs(x - line) <= 0.075) return y <= SOLID_LANE_LINE_M || y % 9 < 3 ? 'white' : null;
  }
  for (const line of layout.exitLaneLines) {
    if (Math.abs(x - line) <= 0.075) return y % 9 < 3 ? 'white' : null;
  }
  // edge line along the kerb
  if (Math.abs(x - (approachRight - 0.35)) <= 0.06) return 'white';
  if (Math.abs(x - (streetLeft + 0.35)) <= 0.06) return 'white';
  return null;
}

/** Renders the static background (float RGB, 0..255) seen by `camera`. */
export function renderBackground(view: Pick<ApproachView, 'lanes' | 'exitLanes'>, camera: PinholeCamera, seed: number): Float32Array {
  const { width, height } = camera;
  const layout = streetLayout(view);
  const rightFacade = layout.approachRight + SIDEWALK_M;
  const leftFacade = layout.streetLeft - SIDEWALK_M;
  const rightBlocks = buildings(seed, 1);
  const leftBlocks = buildings(seed, 2);
  const out = new Float32Array(width * height * 3);
  const c: Rgb = [0, 0, 0];
  const [px, py, pz] = camera.position;
  const samples = [0.25, 0.75];
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const sv of samples) {
        for (const su of samples) {
          const d = camera.ray(u + su, v + sv);
          let best = Infinity;
          let kind = 0; // 0 sky, 1 ground, 2 right facade, 3 left facade
          if (d[2] < 0) {
            best = -pz / d[2];
            kind = 1;
          }
          for (const [fx, k] of [
            [rightFacade, 2],
            [leftFacade, 3],
          ] as const) {
            const t = (fx - px) / d[0];
            if (t > 0 && t < best) {
              const y = py + t * d[1];
              const z = pz + t * d[2];
              const bld = y >= 0 ? buildingAt(k === 2 ? rightBlocks : leftBlocks, y) : undefined;
              if (bld && z >= 0 && z <= bld.height) {
                best = t;
                kind = k;
              }
            }
          }
          if (kind === 1) {
            groundColour(layout, px + best * d[0], py + best * d[1], seed, c);
          } else if (kind >= 2) {
            const y = py + best * d[1];
            const z = pz + best * d[2];
            const bld = buildingAt(kind === 2 ? rightBlocks : leftBlocks, y)!;
            facadeColour(bld, y, z, c);
            // the street-facing walls are in the shade on one side
            const k = kind === 2 ? 0.78 : 0.95;
            c[0] *= k;
            c[1] *= k;
            c[2] *= k;
          } else {
            const up = Math.min(1, Math.max(0, d[2] / Math.hypot(d[0], d[1], d[2])));
            c[0] = 205 - 60 * up;
            c[1] = 214 - 40 * up;
            c[2] = 222 - 10 * up;
          }
          r += c[0];
          g += c[1];
          b += c[2];
        }
      }
      const q = (v * width + u) * 3;
      out[q] = r / 4;
      out[q + 1] = g / 4;
      out[q + 2] = b / 4;
    }
  }
  return out;
}

const cache = new Map<string, Float32Array>();
const CACHE_SIZE = 16;

/** The background for this camera and street, rendered once and kept (up to CACHE_SIZE cameras). */
export function cachedBackground(view: Pick<ApproachView, 'lanes' | 'exitLanes'>, camera: PinholeCamera, seed: number): Float32Array {
  const key = JSON.stringify([camera.spec, camera.width, camera.height, view.lanes, view.exitLanes ?? null, seed]);
  let bg = cache.get(key);
  if (!bg) {
    bg = renderBackground(view, camera, seed);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, bg);
  }
  return bg;
}
