/**
 * 3D-ish vehicle models for synthetic frames: convex parts (boxes with tapered tops, wheel prisms) with per-face
 * colours and decals (glass, lights, grille, plate). Local coordinates: s metres back from the front bumper, t
 * metres to the vehicle's right, z metres up from the road.
 */
import type { ApproachVehicle } from '@greenwave/contracts';
import { hash32, makeRandom } from './approach-geometry.ts';
import type { Vec3 } from './camera.ts';
import type { Rgb } from './raster.ts';

export type FaceName = 'front' | 'back' | 'left' | 'right' | 'top' | 'side';

export interface Decal {
  /** Rectangle in face coordinates: u from the viewer's left to right, v from bottom to top (0..1). */
  u0: number;
  u1: number;
  v0: number;
  v1: number;
  colour: Rgb;
  /** Fade to this colour towards the decal's bottom (glass reflections). */
  bottom?: Rgb;
  oval?: boolean;
  /** Apply the face's lighting (default false: glass, lamps and plates keep their own colour). */
  shaded?: boolean;
}

export interface Face {
  name: FaceName;
  /** Vertex indices; quads are ordered bottom-left, bottom-right, top-right, top-left as seen from outside. */
  idx: number[];
  colour: Rgb;
  bottom?: Rgb;
  /** Apply lighting (default true). */
  shaded?: boolean;
  decals: Decal[];
}

export interface Part {
  verts: Vec3[];
  faces: Face[];
  /** A small or mostly hidden part, left out when the vehicle is small on screen. */
  detail?: boolean;
}

/** Marks parts as details (see Part.detail). */
function detail(part: Part): Part {
  part.detail = true;
  return part;
}

/** Outward unit normal and centre of each face of a part (local coordinates), and the part's largest extent. */
export interface PartGeometry {
  normals: Vec3[];
  centres: Vec3[];
  extent: number;
}

const geometryCache = new WeakMap<Part, PartGeometry>();

export function partGeometry(part: Part): PartGeometry {
  let g = geometryCache.get(part);
  if (g) return g;
  const n = part.verts.length;
  const c: Vec3 = [0, 0, 0];
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const v of part.verts) {
    for (let k = 0 as 0 | 1 | 2; k < 3; k++) {
      c[k] += v[k] / n;
      lo[k] = Math.min(lo[k], v[k]);
      hi[k] = Math.max(hi[k], v[k]);
    }
  }
  const normals: Vec3[] = [];
  const centres: Vec3[] = [];
  for (const face of part.faces) {
    const pts = face.idx.map((i) => part.verts[i]!);
    // Newell's method, then point it away from the part's centre
    let nx = 0;
    let ny = 0;
    let nz = 0;
    const f: Vec3 = [0, 0, 0];
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i]!;
      const b = pts[(i + 1) % pts.length]!;
      nx += (a[1] - b[1]) * (a[2] + b[2]);
      ny += (a[2] - b[2]) * (a[0] + b[0]);
      nz += (a[0] - b[0]) * (a[1] + b[1]);
      for (let k = 0 as 0 | 1 | 2; k < 3; k++) f[k] += a[k] / pts.length;
    }
    const len = Math.hypot(nx, ny, nz) || 1;
    let normal: Vec3 = [nx / len, ny / len, nz / len];
    if (normal[0] * (f[0] - c[0]) + normal[1] * (f[1] - c[1]) + normal[2] * (f[2] - c[2]) < 0) normal = [-normal[0], -normal[1], -normal[2]];
    normals.push(normal);
    centres.push(f);
  }
  g = { normals, centres, extent: Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) };
  geometryCache.set(part, g);
  return g;
}

export interface VehicleModel {
  parts: Part[];
  /** Ground outline for the shadow (local s, t). */
  footprint: [number, number][];
  heightM: number;
  widthM: number;
  lengthM: number;
}

export interface BoxSpec {
  s0: number;
  s1: number;
  t0: number;
  t1: number;
  z0: number;
  z1: number;
  /** The top face is smaller than the bottom by these (m): a sloped windscreen, rear window, tumblehome. */
  insetFront?: number;
  insetBack?: number;
  insetSide?: number;
  colour: Rgb;
  /** Per-face colour overrides. */
  faceColours?: Partial<Record<FaceName, Rgb>>;
}

/** A box part; faces are named so that decals can be added with `decal(part, name, ...)`. */
export function box(spec: BoxSpec): Part {
  const { s0, s1, t0, t1, z0, z1 } = spec;
  const f = spec.insetFront ?? 0;
  const b = spec.insetBack ?? 0;
  const sd = spec.insetSide ?? 0;
  // 0..3 bottom: (s0,t0) (s0,t1) (s1,t1) (s1,t0); 4..7 top, same order
  const verts: Vec3[] = [
    [s0, t0, z0],
    [s0, t1, z0],
    [s1, t1, z0],
    [s1, t0, z0],
    [s0 + f, t0 + sd, z1],
    [s0 + f, t1 - sd, z1],
    [s1 - b, t1 - sd, z1],
    [s1 - b, t0 + sd, z1],
  ];
  const c = (name: FaceName) => spec.faceColours?.[name] ?? spec.colour;
  const faces: Face[] = [
    { name: 'front', idx: [1, 0, 4, 5], colour: c('front'), decals: [] },
    { name: 'back', idx: [3, 2, 6, 7], colour: c('back'), decals: [] },
    { name: 'right', idx: [2, 1, 5, 6], colour: c('right'), decals: [] },
    { name: 'left', idx: [0, 3, 7, 4], colour: c('left'), decals: [] },
    { name: 'top', idx: [4, 5, 6, 7], colour: c('top'), decals: [] },
  ];
  return { verts, faces };
}

/** A wheel: an octagonal prism across the vehicle, centred at (s, z), from t0 to t1. */
export function wheel(s: number, z: number, radius: number, t0: number, t1: number, tyre: Rgb, hub: Rgb): Part {
  const verts: Vec3[] = [];
  const n = 8;
  for (const t of [t0, t1]) {
    for (let i = 0; i < n; i++) {
      const a = ((i + 0.5) / n) * Math.PI * 2;
      verts.push([s + radius * Math.cos(a), t, z + radius * Math.sin(a)]);
    }
  }
  const faces: Face[] = [];
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    faces.push({ name: 'side', idx: [i, j, n + j, n + i], colour: tyre, decals: [] });
  }
  const inner = Array.from({ length: n }, (_, i) => i);
  const outer = Array.from({ length: n }, (_, i) => n + i);
  faces.push({ name: 'left', idx: inner, colour: tyre, decals: [] });
  faces.push({ name: 'right', idx: outer, colour: tyre, decals: [] });
  // hubs: smaller octagons just outside each cap
  const hubPart = (t: number): Face => {
    const base = verts.length;
    for (let i = 0; i < n; i++) {
      const a = ((i + 0.5) / n) * Math.PI * 2;
      verts.push([s + radius * 0.55 * Math.cos(a), t, z + radius * 0.55 * Math.sin(a)]);
    }
    return { name: 'side', idx: Array.from({ length: n }, (_, i) => base + i), colour: hub, decals: [] };
  };
  faces.push({ ...hubPart(t0 - 0.005), name: 'left' });
  faces.push({ ...hubPart(t1 + 0.005), name: 'right' });
  return { verts, faces };
}

/**
 * An upright prism with an elliptical (`sides`-gon) cross-section centred at (s, t), radii rs along and rt across,
 * from z0 to z1; the top is scaled by `top` (a dome or a tapering torso). Faces are 'side' and 'top'.
 */
export function uprightPrism(s: number, t: number, rs: number, rt: number, z0: number, z1: number, colour: Rgb, options: { sides?: number; top?: number; topShiftS?: number } = {}): Part {
  const n = options.sides ?? 8;
  const top = options.top ?? 1;
  const shift = options.topShiftS ?? 0;
  const verts: Vec3[] = [];
  for (let i = 0; i < n; i++) {
    const a = ((i + 0.5) / n) * Math.PI * 2;
    verts.push([s + rs * Math.cos(a), t + rt * Math.sin(a), z0]);
  }
  for (let i = 0; i < n; i++) {
    const a = ((i + 0.5) / n) * Math.PI * 2;
    verts.push([s + shift + rs * top * Math.cos(a), t + rt * top * Math.sin(a), z1]);
  }
  const faces: Face[] = [];
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    faces.push({ name: 'side', idx: [i, j, n + j, n + i], colour, decals: [] });
  }
  faces.push({ name: 'top', idx: Array.from({ length: n }, (_, i) => n + i), colour, decals: [] });
  return { verts, faces };
}

export function decal(part: Part, face: FaceName, d: Decal): Part {
  const f = part.faces.find((x) => x.name === face);
  if (f) f.decals.push(d);
  return part;
}

const scale = (a: Rgb, k: number): Rgb => [Math.min(255, a[0] * k), Math.min(255, a[1] * k), Math.min(255, a[2] * k)];

function pick<T>(random: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r <= 0) return item;
  }
  return items[items.length - 1]![0];
}

const CAR_COLOURS: readonly (readonly [Rgb, number])[] = [
  [[232, 232, 228], 26], // white
  [[178, 182, 186], 16], // silver
  [[28, 29, 32], 16], // black
  [[96, 98, 102], 10], // grey
  [[165, 28, 30], 9], // red
  [[30, 62, 140], 8], // blue
  [[22, 34, 70], 5], // dark blue
  [[196, 178, 140], 4], // beige
  [[120, 30, 40], 3], // dark red
  [[40, 110, 70], 3], // green
];
const BIKE_COLOURS: readonly (readonly [Rgb, number])[] = [
  [[25, 25, 28], 22],
  [[190, 30, 35], 16],
  [[230, 230, 230], 14],
  [[35, 70, 160], 12],
  [[160, 165, 170], 10],
  [[110, 70, 40], 6],
  [[210, 120, 30], 5],
  [[240, 200, 40], 4],
  [[60, 130, 80], 4],
  [[200, 110, 150], 4],
];
const CLOTHES: readonly (readonly [Rgb, number])[] = [
  [[35, 38, 48], 14],
  [[230, 230, 225], 10],
  [[70, 100, 170], 10],
  [[150, 40, 50], 7],
  [[90, 90, 95], 8],
  [[200, 160, 120], 6],
  [[240, 150, 170], 6],
  [[60, 120, 90], 6],
  [[240, 210, 80], 4],
  [[120, 70, 150], 4],
  [[200, 90, 40], 4],
];
const HELMETS: readonly (readonly [Rgb, number])[] = [
  [[235, 235, 235], 10],
  [[25, 25, 28], 10],
  [[200, 30, 40], 8],
  [[40, 80, 180], 8],
  [[240, 200, 40], 5],
  [[240, 140, 170], 5],
  [[140, 140, 145], 5],
  [[40, 140, 90], 4],
];
const SKIN: readonly (readonly [Rgb, number])[] = [
  [[215, 170, 135], 5],
  [[190, 140, 105], 5],
  [[160, 115, 85], 3],
];
const TROUSERS: readonly (readonly [Rgb, number])[] = [
  [[30, 34, 50], 10],
  [[50, 55, 70], 6],
  [[20, 20, 22], 6],
  [[120, 100, 80], 3],
  [[60, 90, 140], 4],
];

const GLASS_TOP: Rgb = [118, 132, 146];
const GLASS_BOTTOM: Rgb = [24, 28, 36];
const TYRE: Rgb = [22, 22, 24];
const HUB: Rgb = [120, 122, 126];
const LAMP: Rgb = [236, 236, 228];
const UNDER: Rgb = [14, 14, 16];
const PLATE_WHITE: Rgb = [238, 238, 232];
const PLATE_YELLOW: Rgb = [232, 196, 60];

function glass(u0: number, u1: number, v0: number, v1: number): Decal {
  return { u0, u1, v0, v1, colour: GLASS_TOP, bottom: GLASS_BOTTOM };
}

function plate(u0: number, u1: number, v0: number, v1: number, colour: Rgb): Decal[] {
  // the plate with two rows of dark "characters"
  const du = u1 - u0;
  const dv = v1 - v0;
  return [
    { u0, u1, v0, v1, colour },
    { u0: u0 + du * 0.1, u1: u1 - du * 0.1, v0: v0 + dv * 0.3, v1: v1 - dv * 0.3, colour: [40, 40, 44] },
  ];
}

/** The model of a vehicle, deterministic in (id, seed). */
export function vehicleModel(vehicle: Pick<ApproachVehicle, 'id' | 'class' | 'lengthM'>, seed: number): VehicleModel {
  const random = makeRandom(hash32(vehicle.id, seed, 91));
  switch (vehicle.class) {
    case 'motorbike':
      return motorbikeModel(vehicle.lengthM, random);
    case 'car':
      return carModel(vehicle.lengthM, random);
    case 'bus':
      return busModel(vehicle.lengthM, random);
    case 'truck':
      return truckModel(vehicle.lengthM, random);
  }
}

function wheelsAt(parts: Part[], axles: number[], z: number, radius: number, halfTrack: number, tyreWidth: number): void {
  for (const s of axles) {
    parts.push(wheel(s, z, radius, -halfTrack - tyreWidth / 2, -halfTrack + tyreWidth / 2, TYRE, HUB));
    parts.push(wheel(s, z, radius, halfTrack - tyreWidth / 2, halfTrack + tyreWidth / 2, TYRE, HUB));
  }
}

function rectFootprint(length: number, halfWidth: number): [number, number][] {
  return [
    [0, -halfWidth],
    [0, halfWidth],
    [length, halfWidth],
    [length, -halfWidth],
  ];
}

function carModel(lengthM: number, random: () => number): VehicleModel {
  const L = Math.max(3.2, lengthM * (0.92 + random() * 0.12));
  const W = 1.7 + random() * 0.15;
  const h = W / 2;
  const kind = pick(random, [
    ['sedan', 4],
    ['suv', 3],
    ['hatch', 2],
    ['mpv', 2],
  ] as const);
  let colour = pick(random, CAR_COLOURS);
  const taxi = random() < 0.12;
  if (taxi) colour = random() < 0.5 ? [40, 150, 90] : [235, 235, 232];
  const dims = {
    sedan: { zb: 0.3, zt: 0.98, zr: 1.46, c0: 0.3, c1: 0.8, f: 0.5, b: 0.35 },
    suv: { zb: 0.42, zt: 1.12, zr: 1.78, c0: 0.27, c1: 0.97, f: 0.4, b: 0.08 },
    hatch: { zb: 0.3, zt: 0.96, zr: 1.5, c0: 0.28, c1: 0.97, f: 0.45, b: 0.15 },
    mpv: { zb: 0.36, zt: 1.06, zr: 1.8, c0: 0.22, c1: 0.98, f: 0.45, b: 0.06 },
  }[kind];
  const parts: Part[] = [];
  const radius = kind === 'suv' ? 0.38 : 0.32;
  wheelsAt(parts, [0.85, L - 0.9], radius, radius, h - 0.16, 0.21);
  // dark underbody between the wheels
  parts.push(box({ s0: 0.25, s1: L - 0.25, t0: -h + 0.12, t1: h - 0.12, z0: 0.04, z1: dims.zb + 0.02, colour: UNDER }));
  const body = box({ s0: 0, s1: L, t0: -h, t1: h, z0: dims.zb, z1: dims.zt, insetFront: 0.12, insetBack: 0.06, insetSide: 0.05, colour });
  // front: bumper, grille, headlights, plate
  decal(body, 'front', { u0: 0, u1: 1, v0: 0, v1: 0.26, colour: scale(colour, 0.55), shaded: true });
  decal(body, 'front', { u0: 0.28, u1: 0.72, v0: 0.38, v1: 0.7, colour: [30, 31, 34] });
  decal(body, 'front', { u0: 0.04, u1: 0.24, v0: 0.58, v1: 0.86, colour: LAMP, oval: true });
  decal(body, 'front', { u0: 0.76, u1: 0.96, v0: 0.58, v1: 0.86, colour: LAMP, oval: true });
  for (const d of plate(0.38, 0.62, 0.06, 0.3, taxi ? PLATE_YELLOW : random() < 0.1 ? PLATE_YELLOW : PLATE_WHITE)) decal(body, 'front', d);
  decal(body, 'back', { u0: 0.04, u1: 0.24, v0: 0.55, v1: 0.8, colour: [170, 20, 24] });
  decal(body, 'back', { u0: 0.76, u1: 0.96, v0: 0.55, v1: 0.8, colour: [170, 20, 24] });
  // sides: a darker sill and a door line
  for (const side of ['left', 'right'] as const) {
    decal(body, side, { u0: 0.02, u1: 0.98, v0: 0, v1: 0.15, colour: scale(colour, 0.6), shaded: true });
    decal(body, side, { u0: 0.5, u1: 0.505, v0: 0.15, v1: 0.95, colour: scale(colour, 0.5), shaded: true });
  }
  parts.push(body);
  const cabin = box({
    s0: L * dims.c0,
    s1: L * dims.c1,
    t0: -h + 0.06,
    t1: h - 0.06,
    z0: dims.zt,
    z1: dims.zr,
    insetFront: dims.f,
    insetBack: dims.b,
    insetSide: 0.14,
    colour,
  });
  decal(cabin, 'front', glass(0.04, 0.96, 0.04, 0.96));
  decal(cabin, 'back', glass(0.06, 0.94, 0.1, 0.92));
  for (const side of ['left', 'right'] as const) {
    decal(cabin, side, glass(0.05, 0.47, 0.1, 0.9));
    decal(cabin, side, glass(0.53, 0.95, 0.1, 0.9));
  }
  parts.push(cabin);
  // mirrors
  for (const t of [-h - 0.1, h - 0.02]) {
    parts.push(detail(box({ s0: L * dims.c0 + 0.1, s1: L * dims.c0 + 0.22, t0: t, t1: t + 0.12, z0: dims.zt + 0.02, z1: dims.zt + 0.14, colour: scale(colour, 0.8) })));
  }
  if (taxi) parts.push(box({ s0: L * 0.5, s1: L * 0.5 + 0.25, t0: -0.3, t1: 0.3, z0: dims.zr, z1: dims.zr + 0.16, colour: [240, 240, 235] }));
  return { parts, footprint: rectFootprint(L, h + 0.05), heightM: dims.zr, widthM: W, lengthM: L };
}

function busModel(lengthM: number, random: () => number): VehicleModel {
  const L = Math.max(7, lengthM * (0.95 + random() * 0.08));
  const W = 2.5;
  const h = W / 2;
  const H = 3.0 + random() * 0.3;
  const livery = pick(random, [
    [[[236, 180, 40], [200, 40, 40]], 3], // yellow with red
    [[[240, 240, 236], [40, 130, 80]], 3], // white with green
    [[[240, 240, 236], [40, 80, 170]], 2], // white with blue
    [[[190, 35, 40], [240, 240, 236]], 2], // red with white
  ] as const) as readonly [Rgb, Rgb];
  const [colour, stripe] = livery;
  const parts: Part[] = [];
  wheelsAt(parts, [2.2, L - 2.6], 0.48, 0.48, h - 0.25, 0.3);
  parts.push(box({ s0: 0.4, s1: L - 0.4, t0: -h + 0.15, t1: h - 0.15, z0: 0.08, z1: 0.42, colour: UNDER }));
  const body = box({ s0: 0, s1: L, t0: -h, t1: h, z0: 0.4, z1: H, insetFront: 0.08, insetBack: 0.04, insetSide: 0.04, colour });
  decal(body, 'front', glass(0.04, 0.96, 0.4, 0.88));
  decal(body, 'front', { u0: 0.12, u1: 0.88, v0: 0.9, v1: 0.97, colour: [30, 30, 30] });
  decal(body, 'front', { u0: 0.2, u1: 0.62, v0: 0.915, v1: 0.955, colour: [250, 150, 40] });
  decal(body, 'front', { u0: 0, u1: 1, v0: 0, v1: 0.1, colour: scale(colour, 0.55), shaded: true });
  decal(body, 'front', { u0: 0.05, u1: 0.2, v0: 0.13, v1: 0.22, colour: LAMP, oval: true });
  decal(body, 'front', { u0: 0.8, u1: 0.95, v0: 0.13, v1: 0.22, colour: LAMP, oval: true });
  decal(body, 'front', { u0: 0, u1: 1, v0: 0.3, v1: 0.38, colour: stripe, shaded: true });
  for (const d of plate(0.4, 0.6, 0.03, 0.11, PLATE_YELLOW)) decal(body, 'front', d);
  const panes = Math.max(4, Math.round(L / 1.8));
  for (const side of ['left', 'right'] as const) {
    decal(body, side, { u0: 0, u1: 1, v0: 0.3, v1: 0.4, colour: stripe, shaded: true });
    for (let i = 0; i < panes; i++) {
      const u0 = 0.03 + (0.94 * i) / panes;
      decal(body, side, glass(u0 + 0.008, u0 + 0.94 / panes - 0.008, 0.5, 0.9));
    }
  }
  decal(body, 'back', glass(0.1, 0.9, 0.55, 0.9));
  parts.push(body);
  // roof air conditioner
  parts.push(box({ s0: L * 0.3, s1: L * 0.55, t0: -0.8, t1: 0.8, z0: H, z1: H + 0.22, insetFront: 0.1, insetBack: 0.1, insetSide: 0.1, colour: [200, 202, 205] }));
  return { parts, footprint: rectFootprint(L, h + 0.05), heightM: H + 0.2, widthM: W, lengthM: L };
}

function truckModel(lengthM: number, random: () => number): VehicleModel {
  const L = Math.max(5, lengthM * (0.92 + random() * 0.1));
  const W = 2.2 + random() * 0.25;
  const h = W / 2;
  const cabColour = pick(random, [
    [[40, 80, 170] as Rgb, 4],
    [[236, 236, 232] as Rgb, 4],
    [[200, 40, 40] as Rgb, 2],
    [[236, 200, 50] as Rgb, 1],
  ]);
  const cargo = pick(random, [
    [[190, 192, 196] as Rgb, 4], // metal box
    [[60, 100, 70] as Rgb, 2], // green tarp
    [[40, 70, 130] as Rgb, 2], // blue tarp
    [[160, 120, 70] as Rgb, 1],
  ]);
  const cabLength = 1.8;
  const cabTop = 2.5 + random() * 0.3;
  const cargoTop = cabTop + 0.1 + random() * 0.5;
  const parts: Part[] = [];
  wheelsAt(parts, [1.0, L - 1.6], 0.46, 0.46, h - 0.3, 0.3);
  if (L > 7.5) wheelsAt(parts, [L - 2.7], 0.46, 0.46, h - 0.3, 0.3);
  parts.push(box({ s0: 0.4, s1: L - 0.3, t0: -h + 0.3, t1: h - 0.3, z0: 0.3, z1: 0.9, colour: [28, 28, 30] }));
  const box1 = box({ s0: cabLength + 0.15, s1: L, t0: -h - 0.05, t1: h + 0.05, z0: 0.95, z1: cargoTop, colour: cargo });
  for (const side of ['left', 'right'] as const) {
    for (let i = 1; i < 6; i++) decal(box1, side, { u0: i / 6, u1: i / 6 + 0.01, v0: 0, v1: 1, colour: scale(cargo, 0.75), shaded: true });
  }
  parts.push(box1);
  const cab = box({ s0: 0, s1: cabLength, t0: -h, t1: h, z0: 0.55, z1: cabTop, insetFront: 0.18, insetBack: 0, insetSide: 0.05, colour: cabColour });
  decal(cab, 'front', glass(0.05, 0.95, 0.52, 0.93));
  decal(cab, 'front', { u0: 0.25, u1: 0.75, v0: 0.2, v1: 0.42, colour: [35, 36, 40] });
  decal(cab, 'front', { u0: 0, u1: 1, v0: 0, v1: 0.12, colour: [45, 45, 48] });
  decal(cab, 'front', { u0: 0.04, u1: 0.2, v0: 0.15, v1: 0.28, colour: LAMP, oval: true });
  decal(cab, 'front', { u0: 0.8, u1: 0.96, v0: 0.15, v1: 0.28, colour: LAMP, oval: true });
  for (const d of plate(0.4, 0.6, 0.02, 0.12, PLATE_YELLOW)) decal(cab, 'front', d);
  for (const side of ['left', 'right'] as const) decal(cab, side, glass(0.08, 0.6, 0.55, 0.92));
  parts.push(cab);
  return { parts, footprint: rectFootprint(L, h + 0.05), heightM: cargoTop, widthM: W, lengthM: L };
}

/**
 * A limb: a four-sided beam from point a to point b (local coordinates), w wide (horizontally across the beam) and
 * h thick, tapering to wb x hb at b. Faces are 'side' (the ends 'front' and 'back').
 */
export function limb(a: Vec3, b: Vec3, w: number, h: number, colour: Rgb, wb = w, hb = h): Part {
  const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len = Math.hypot(d[0], d[1], d[2]) || 1;
  const dn: Vec3 = [d[0] / len, d[1] / len, d[2] / len];
  // u: horizontal, across the beam (or along t for an upright one); v = d x u
  let u: Vec3 = [dn[1], -dn[0], 0];
  const ul = Math.hypot(u[0], u[1]);
  u = ul < 1e-6 ? [0, 1, 0] : [u[0] / ul, u[1] / ul, 0];
  const v: Vec3 = [dn[1] * u[2] - dn[2] * u[1], dn[2] * u[0] - dn[0] * u[2], dn[0] * u[1] - dn[1] * u[0]];
  const corner = (p: Vec3, cw: number, ch: number, su: number, sv: number): Vec3 => [
    p[0] + u[0] * su * cw * 0.5 + v[0] * sv * ch * 0.5,
    p[1] + u[1] * su * cw * 0.5 + v[1] * sv * ch * 0.5,
    p[2] + u[2] * su * cw * 0.5 + v[2] * sv * ch * 0.5,
  ];
  const verts: Vec3[] = [];
  for (const [p, cw, ch] of [
    [a, w, h],
    [b, wb, hb],
  ] as const) {
    verts.push(corner(p, cw, ch, -1, -1), corner(p, cw, ch, 1, -1), corner(p, cw, ch, 1, 1), corner(p, cw, ch, -1, 1));
  }
  const faces: Face[] = [];
  for (let i = 0; i < 4; i++) {
    const j = (i + 1) % 4;
    faces.push({ name: 'side', idx: [i, j, 4 + j, 4 + i], colour, decals: [] });
  }
  faces.push({ name: 'front', idx: [0, 1, 2, 3], colour, decals: [] });
  faces.push({ name: 'back', idx: [4, 5, 6, 7], colour, decals: [] });
  return { verts, faces };
}

function motorbikeModel(lengthM: number, random: () => number): VehicleModel {
  const L = Math.max(1.7, Math.min(2.05, lengthM * (0.95 + random() * 0.1)));
  const colour = pick(random, BIKE_COLOURS);
  const shirt = pick(random, CLOTHES);
  const trousers = pick(random, TROUSERS);
  const helmet = pick(random, HELMETS);
  const skin = pick(random, SKIN);
  const pillion = random() < 0.3;
  const scooter = random() < 0.55;
  const mask = random() < 0.4;
  const r = scooter ? 0.26 : 0.29;
  const parts: Part[] = [];
  const dark: Rgb = [26, 26, 28];
  const metal: Rgb = [150, 152, 156];
  const shoe: Rgb = [38, 34, 32];
  // far to near as the oncoming camera sees it: rear wheel, tail, seat, riders, then the front of the bike
  parts.push(detail(wheel(L - r - 0.05, r, r, -0.055, 0.055, TYRE, HUB)));
  const tail = box({ s0: 0.95, s1: L - 0.06, t0: -0.17, t1: 0.17, z0: 0.38, z1: 0.78, insetBack: 0.22, insetSide: -0.01, colour: scooter ? colour : scale(colour, 0.9) });
  decal(tail, 'back', { u0: 0.25, u1: 0.75, v0: 0.55, v1: 0.85, colour: [170, 20, 24] });
  parts.push(tail);
  parts.push(detail(box({ s0: 0.88, s1: L - 0.24, t0: -0.15, t1: 0.15, z0: 0.78, z1: 0.87, insetFront: 0.03, colour: [30, 28, 28] })));
  if (!scooter) {
    // underbone: the engine and the frame between the legs
    parts.push(detail(box({ s0: 0.55, s1: 1.25, t0: -0.12, t1: 0.12, z0: 0.2, z1: 0.5, colour: [70, 70, 74] })));
    parts.push(box({ s0: 0.5, s1: 1.0, t0: -0.07, t1: 0.07, z0: 0.5, z1: 0.72, insetFront: -0.06, colour }));
  } else {
    parts.push(box({ s0: 0.45, s1: 0.98, t0: -0.17, t1: 0.17, z0: 0.24, z1: 0.36, colour: scale(colour, 0.8) }));
  }
  const rider = (s: number, clothes: Rgb, head: Rgb, driver: boolean) => {
    // seated: hips on the seat, thighs forward and out to the knees, shins down to the feet on the floor
    const knee = s - 0.44;
    for (const side of [-1, 1]) {
      parts.push(limb([s - 0.02, side * 0.11, 0.88], [knee, side * 0.2, 0.78], 0.15, 0.15, trousers, 0.13, 0.13));
      parts.push(limb([knee + 0.02, side * 0.2, 0.8], [knee + 0.1, side * 0.17, 0.36], 0.12, 0.12, trousers, 0.1, 0.1));
      parts.push(detail(box({ s0: knee - 0.04, s1: knee + 0.2, t0: side > 0 ? 0.11 : -0.23, t1: side > 0 ? 0.23 : -0.11, z0: 0.28, z1: 0.38, insetFront: 0.05, colour: shoe })));
    }
    parts.push(detail(box({ s0: s - 0.14, s1: s + 0.12, t0: -0.18, t1: 0.18, z0: 0.8, z1: 0.98, colour: trousers })));
    parts.push(uprightPrism(s + 0.06, 0, 0.13, 0.2, 0.94, 1.2, clothes, { top: 1.06, topShiftS: -0.02 }));
    parts.push(uprightPrism(s + 0.04, 0, 0.14, 0.215, 1.2, 1.42, clothes, { top: 0.7, topShiftS: -0.02 }));
    parts.push(detail(uprightPrism(s + 0.04, 0, 0.05, 0.05, 1.4, 1.49, skin, { sides: 6 })));
    parts.push(uprightPrism(s + 0.02, 0, 0.1, 0.085, 1.45, 1.63, skin));
    if (mask && driver) parts.push(detail(box({ s0: s - 0.085, s1: s - 0.06, t0: -0.07, t1: 0.07, z0: 1.46, z1: 1.53, colour: pick(random, CLOTHES) })));
    // a half-shell helmet: a rim, then a dome
    parts.push(uprightPrism(s + 0.04, 0, 0.155, 0.135, 1.56, 1.67, head, { top: 0.92 }));
    parts.push(uprightPrism(s + 0.04, 0, 0.143, 0.124, 1.67, 1.76, head, { top: 0.5 }));
  };
  if (pillion) rider(1.32, pick(random, CLOTHES), pick(random, HELMETS), false);
  rider(0.98, shirt, helmet, true);
  // front wheel and fender, fork, leg shield, headlight cowl, handlebar, arms, mirrors
  const ax = r + 0.04;
  parts.push(wheel(ax, r, r, -0.05, 0.05, TYRE, HUB));
  // the fender over the top of the front wheel, its nose curving down in front of the tyre
  const fc = scooter || random() < 0.5 ? colour : dark;
  parts.push(box({ s0: ax - r * 0.75, s1: ax + r * 0.8, t0: -0.07, t1: 0.07, z0: 2 * r - 0.02, z1: 2 * r + 0.06, insetFront: 0.04, colour: fc }));
  parts.push(detail(limb([ax - r * 0.72, 0, 2 * r + 0.02], [ax - r * 1.02, 0, r * 1.2], 0.14, 0.05, fc, 0.13, 0.05)));
  // fork legs from the axle up to the steering head (a scooter's show below its apron)
  for (const t of [-0.065, 0.065]) parts.push(limb([ax, t, r], [0.4, t, 0.92], 0.04, 0.04, metal));
  if (scooter) {
    // the apron: narrow at the floor, wide where the knees are
    const shield = box({ s0: 0.3, s1: 0.44, t0: -0.1, t1: 0.1, z0: 0.45, z1: 0.82, insetFront: 0.1, insetBack: -0.02, insetSide: -0.08, colour });
    decal(shield, 'front', { u0: 0.3, u1: 0.7, v0: 0.0, v1: 0.3, colour: scale(colour, 0.6), shaded: true });
    parts.push(shield);
  } else {
    // small knee guards either side of the frame
    for (const side of [-1, 1]) parts.push(box({ s0: 0.44, s1: 0.56, t0: side > 0 ? 0.06 : -0.2, t1: side > 0 ? 0.2 : -0.06, z0: 0.46, z1: 0.82, insetFront: 0.05, colour }));
  }
  const cowl = box({ s0: 0.36, s1: 0.56, t0: -0.17, t1: 0.17, z0: 0.9, z1: 1.08, insetFront: 0.06, insetSide: 0.03, colour: scooter || random() < 0.5 ? colour : dark });
  decal(cowl, 'front', { u0: 0.16, u1: 0.84, v0: 0.22, v1: 0.82, colour: LAMP, oval: true });
  parts.push(cowl);
  // handlebar half-width, mirrors' offset and top
  const hb = 0.38;
  const mo = 0.36;
  const mh = 1.3;
  parts.push(box({ s0: 0.46, s1: 0.51, t0: -hb, t1: hb, z0: 1.0, z1: 1.04, colour: dark }));
  for (const side of [-1, 1]) {
    // the arm from the shoulder down to the grip, the hand on it
    parts.push(limb([0.96, side * 0.2, 1.37], [0.5, side * 0.31, 1.05], 0.11, 0.11, shirt, 0.08, 0.08));
    parts.push(detail(box({ s0: 0.44, s1: 0.54, t0: side * 0.31 - 0.045, t1: side * 0.31 + 0.045, z0: 1.0, z1: 1.08, colour: skin })));
    parts.push(detail(limb([0.49, side * 0.25, 1.03], [0.5, side * (mo - 0.01), mh - 0.06], 0.025, 0.025, dark)));
    parts.push(box({ s0: 0.48, s1: 0.52, t0: side * mo - 0.06, t1: side * mo + 0.06, z0: mh - 0.09, z1: mh, colour: [40, 40, 44] }));
  }
  // what casts the shadow: front wheel, handlebar and the rider's shoulders, the tail (the sun is high)
  const footprint: [number, number][] = [
    [0, -0.08],
    [0, 0.08],
    [0.45, 0.36],
    [1.1, 0.26],
    [L - 0.2, 0.16],
    [L, 0.08],
    [L, -0.08],
    [L - 0.2, -0.16],
    [1.1, -0.26],
    [0.45, -0.36],
  ];
  return { parts, footprint, heightM: 1.76, widthM: 2 * (mo + 0.06), lengthM: L };
}
