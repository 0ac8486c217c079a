/**
 * Synthetic camera frames of an approach, with ground truth: the static street (cached), then soft vehicle shadows,
 * then the vehicles far to near (painter's algorithm) as shaded 3D parts, then optics blur, sensor noise and JPEG.
 */
import type { ApproachVehicle, ApproachVehicleClass, ApproachView } from '@greenwave/contracts';
import sharp from 'sharp';
import { type HeadingWobble, hash32, placeVehicle } from './approach-geometry.ts';
import { cachedBackground } from './background.ts';
import { NEAR_PLANE_M, PinholeCamera, type SyntheticCamera, type Vec3, resizeCamera } from './camera.ts';
import { degradeToBytes } from './degrade.ts';
import { Raster, type Rgb, boxBlurMask } from './raster.ts';
import { type Face, type Part, type PartGeometry, type VehicleModel, partGeometry, vehicleModel } from './vehicle-models.ts';

export interface RenderOptions {
  /** Seeds the street's look, the vehicles' looks and the noise (default 1). */
  seed?: number;
  /** Frame size (default: the camera's; the camera's intrinsics scale with the width). */
  width?: number;
  height?: number;
  /** Optics blur, Gaussian sigma in pixels (default 0.6; 0 = none). */
  blur?: number;
  /** Sensor noise, Gaussian sigma in 8-bit levels (default 3; 0 = none). */
  noise?: number;
  /** JPEG round trip at this quality (default 80; 0 = none). */
  jpegQuality?: number;
  /** Largest per-vehicle heading offsets (rad; default DEFAULT_HEADING_WOBBLE). */
  headingWobble?: HeadingWobble;
  /** Vehicles further than this from the camera (m) are not drawn (default 250). */
  maxRangeM?: number;
}

/** An RGB frame: 3 bytes per pixel, row-major, no padding. */
export interface RgbFrame {
  data: Buffer;
  width: number;
  height: number;
}

/** Ground truth for one vehicle in a frame. */
export interface TruthObject {
  id: number;
  class: ApproachVehicleClass;
  laneIndex: number;
  /** Front bumper distance upstream of the stop line (m), as in the view. */
  distanceM: number;
  /** Bounding box of the projected 3D shape, clipped to the frame: [x1, y1, x2, y2] px. */
  box: [number, number, number, number];
  /** The same before clipping (may reach outside the frame). */
  fullBox: [number, number, number, number];
  /** Share of the unclipped box's area inside the frame (0..1). */
  inFrame: number;
  /** Share of the vehicle's drawn pixels hidden by vehicles in front of it (0..1). */
  occluded: number;
  /** inFrame x (1 - occluded): roughly the share of the vehicle one can see. */
  visibility: number;
  /** Pixels where the vehicle is the front-most object. */
  visiblePixels: number;
  /** Middle of the front bumper on the road (m, approach frame: x across, y upstream of the stop line). */
  ground: [number, number];
}

export interface RenderedFrame {
  frame: RgbFrame;
  truth: TruthObject[];
  /** The encoded JPEG when jpegQuality > 0. */
  jpeg?: Buffer;
  timings: { drawMs: number; degradeMs: number };
}

/** Direction towards the sun (approach frame), for face shading and shadows. */
const LIGHT: Vec3 = normalise([0.35, -0.45, 0.82]);
const AMBIENT = 0.52;
const DIFFUSE = 0.5;
const SHADOW_DARKNESS = 0.55;

function normalise(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

const models = new Map<string, VehicleModel>();
const MODEL_CACHE = 4000;
function cachedModel(vehicle: ApproachVehicle, seed: number): VehicleModel {
  const key = `${vehicle.id}|${seed}|${vehicle.class}|${vehicle.lengthM}`;
  let model = models.get(key);
  if (model) {
    models.delete(key);
  } else {
    model = vehicleModel(vehicle, seed);
    if (models.size >= MODEL_CACHE) models.delete(models.keys().next().value!);
  }
  models.set(key, model);
  return model;
}

const rasters = new Map<string, Raster>();
function rasterFor(width: number, height: number): Raster {
  const key = `${width}x${height}`;
  let r = rasters.get(key);
  if (!r) {
    if (rasters.size > 4) rasters.clear();
    r = new Raster(width, height);
    rasters.set(key, r);
  }
  return r;
}

interface Placed {
  vehicle: ApproachVehicle;
  model: VehicleModel;
  /** Local (s, t, z) -> world. */
  toWorld: (p: Vec3) => Vec3;
  /** World directions of the local s (backwards) and t (rightwards) axes. */
  axes: { sx: number; sy: number; tx: number; ty: number };
  ground: [number, number];
  range: number;
}

/**
 * Renders what `camera` sees of the approach in `view`: an RGB frame and, for every vehicle that shows in it, its
 * image box and how much of it can be seen. Deterministic for the same view, camera and options.
 */
export async function renderApproach(view: ApproachView, camera: SyntheticCamera, options: RenderOptions = {}): Promise<RenderedFrame> {
  const started = performance.now();
  const seed = options.seed ?? 1;
  const width = options.width ?? camera.width;
  const height = options.height ?? camera.height;
  const cam = new PinholeCamera(resizeCamera(camera, width, height));
  const background = cachedBackground(view, cam, seed);
  const raster = rasterFor(width, height);
  raster.reset(background);
  const maxRange = options.maxRangeM ?? 250;

  // place the vehicles, far to near
  const placed: Placed[] = [];
  for (const vehicle of view.vehicles) {
    const at = placeVehicle(view, vehicle, seed, options.headingWobble);
    const model = cachedModel(vehicle, seed);
    const fx = Math.sin(at.yaw);
    const fy = -Math.cos(at.yaw);
    const rx = Math.cos(at.yaw);
    const ry = Math.sin(at.yaw);
    const toWorld = (p: Vec3): Vec3 => [at.x - p[0] * fx + p[1] * rx, at.y - p[0] * fy + p[1] * ry, p[2]];
    const centre = toWorld([model.lengthM / 2, 0, model.heightM / 2]);
    const range = Math.hypot(centre[0] - cam.position[0], centre[1] - cam.position[1], centre[2] - cam.position[2]);
    if (range > maxRange) continue;
    // anything in front of the camera at all?
    const c = cam.toCamera(centre[0], centre[1], centre[2]);
    if (c[2] < -model.lengthM) continue;
    placed.push({ vehicle, model, toWorld, axes: { sx: -fx, sy: -fy, tx: rx, ty: ry }, ground: [at.x, at.y], range });
  }
  placed.sort((a, b) => b.range - a.range || a.vehicle.id - b.vehicle.id);

  drawShadows(raster, cam, placed);

  const drawn: { placed: Placed; index: number; box: [number, number, number, number]; pixels: number }[] = [];
  placed.forEach((p, index) => {
    raster.drawnPixels = 0;
    const box = drawVehicle(raster, cam, p, index);
    if (box) drawn.push({ placed: p, index, box, pixels: raster.drawnPixels });
  });

  // who is in front where
  const visible = new Int32Array(placed.length);
  const ids = raster.ids;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id >= 0) visible[id]!++;
  }
  const truth: TruthObject[] = [];
  for (const d of drawn) {
    const [x1, y1, x2, y2] = d.box;
    const cx1 = Math.max(0, x1);
    const cy1 = Math.max(0, y1);
    const cx2 = Math.min(width, x2);
    const cy2 = Math.min(height, y2);
    if (cx2 <= cx1 || cy2 <= cy1) continue;
    const fullArea = (x2 - x1) * (y2 - y1);
    const inFrame = fullArea > 0 ? ((cx2 - cx1) * (cy2 - cy1)) / fullArea : 0;
    const seen = visible[d.index]!;
    const occluded = d.pixels > 0 ? Math.max(0, 1 - seen / d.pixels) : 1;
    const v = d.placed.vehicle;
    truth.push({
      id: v.id,
      class: v.class,
      laneIndex: v.laneIndex,
      distanceM: v.distanceM,
      box: [cx1, cy1, cx2, cy2],
      fullBox: [x1, y1, x2, y2],
      inFrame,
      occluded,
      visibility: inFrame * (1 - occluded),
      visiblePixels: seen,
      ground: d.placed.ground,
    });
  }
  truth.sort((a, b) => a.distanceM - b.distanceM || a.id - b.id);
  const drawMs = performance.now() - started;

  // degradation: optics, sensor, compression
  const degradeStarted = performance.now();
  const rgb = raster.rgb;
  const data = Buffer.allocUnsafe(width * height * 3);
  degradeToBytes(rgb, width, height, data, options.blur ?? 0.6, options.noise ?? 3, hash32(seed, Math.round(view.timeS * 1000), 77));
  const quality = options.jpegQuality ?? 80;
  let frame: RgbFrame = { data, width, height };
  let jpeg: Buffer | undefined;
  if (quality > 0) {
    jpeg = await sharp(data, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: Math.min(100, Math.max(1, Math.round(quality))), chromaSubsampling: '4:2:0', optimiseCoding: false })
      .toBuffer();
    const decoded = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    frame = { data: decoded.data, width: decoded.info.width, height: decoded.info.height };
  }
  const degradeMs = performance.now() - degradeStarted;
  return { frame, truth, ...(jpeg ? { jpeg } : {}), timings: { drawMs, degradeMs } };
}

// ---------------------------------------------------------------- drawing

function drawShadows(raster: Raster, cam: PinholeCamera, placed: readonly Placed[]): void {
  const { width, height } = raster;
  const mask = shadowMask(width, height);
  let x0 = width;
  let x1 = -1;
  let y0 = height;
  let y1 = -1;
  for (const p of placed) {
    const fp = p.model.footprint;
    const h = p.model.heightM * 0.45;
    const dx = (-LIGHT[0] / LIGHT[2]) * h;
    const dy = (-LIGHT[1] / LIGHT[2]) * h;
    const pts: [number, number][] = [];
    for (const [s, t] of fp) {
      const a = p.toWorld([s, t, 0]);
      pts.push([a[0], a[1]], [a[0] + dx, a[1] + dy]);
    }
    const hull = convexHull(pts);
    const core = fp.map(([s, t]) => p.toWorld([s, t, 0]));
    for (const [poly, strength] of [
      [hull.map(([x, y]) => [x, y, 0] as Vec3), 0.75],
      [core, 1],
    ] as const) {
      const img = cam.projectPolygon(poly);
      if (img.length < 3) continue;
      for (const [u, v] of img) {
        if (u < x0) x0 = u;
        if (u > x1) x1 = u;
        if (v < y0) y0 = v;
        if (v > y1) y1 = v;
      }
      raster.fillMask(mask, img, strength);
    }
  }
  if (y1 < 0 || x1 < 0 || x0 >= width || y0 >= height) return;
  const radius = 3;
  const area = {
    x0: Math.max(0, Math.floor(x0) - 2 * radius),
    x1: Math.min(width - 1, Math.ceil(x1) + 2 * radius),
    y0: Math.max(0, Math.floor(y0) - 2 * radius),
    y1: Math.min(height - 1, Math.ceil(y1) + 2 * radius),
  };
  boxBlurMask(mask, width, height, radius, 1, area);
  const rgb = raster.rgb;
  for (let y = area.y0; y <= area.y1; y++) {
    for (let x = area.x0; x <= area.x1; x++) {
      const i = y * width + x;
      const m = mask[i]!;
      mask[i] = 0;
      if (m <= 0.001) continue;
      const k = 1 - SHADOW_DARKNESS * m;
      rgb[i * 3] = rgb[i * 3]! * k;
      rgb[i * 3 + 1] = rgb[i * 3 + 1]! * k;
      rgb[i * 3 + 2] = rgb[i * 3 + 2]! * k * 1.02;
    }
  }
}

let maskBuffer: Float32Array | null = null;
function shadowMask(width: number, height: number): Float32Array {
  // kept all zero between frames: drawShadows clears what it used
  if (!maskBuffer || maskBuffer.length !== width * height) maskBuffer = new Float32Array(width * height);
  return maskBuffer;
}

/** On screen smaller than this (px tall), a vehicle is drawn without its detail parts (mirrors, stalks, necks). */
const LOD_DETAIL_PX = 60;
/** ... and smaller than this, without any part smaller than SMALL_PART_M either. */
const LOD_SMALL_PX = 36;
const SMALL_PART_M = 0.13;

/** Draws one vehicle; returns the bounding box of its projected shape (unclipped), or null if none of it shows. */
function drawVehicle(raster: Raster, cam: PinholeCamera, p: Placed, id: number): [number, number, number, number] | null {
  const box = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number];
  const centre = p.toWorld([p.model.lengthM / 2, 0, 0]);
  const depth = cam.toCamera(centre[0], centre[1], centre[2])[2];
  const pixelHeight = depth > 0 ? (cam.focal * p.model.heightM) / depth : Infinity;
  for (const part of p.model.parts) {
    const geometry = partGeometry(part);
    const skip = (part.detail === true && pixelHeight < LOD_DETAIL_PX) || (pixelHeight < LOD_SMALL_PX && geometry.extent < SMALL_PART_M);
    // skipped parts still count for the box: it bounds the whole 3D shape whatever the level of detail
    if (skip) growWithPart(box, cam, p, part);
    else drawPart(raster, cam, p, part, geometry, id, box);
  }
  const [x1, y1, x2, y2] = box;
  if (!(x2 > x1 && y2 > y1)) return null;
  if (x2 <= 0 || y2 <= 0 || x1 >= raster.width || y1 >= raster.height) return null;
  return box;
}

function grow(box: [number, number, number, number], pts: readonly (readonly [number, number])[]): void {
  for (const [u, v] of pts) {
    if (u < box[0]) box[0] = u;
    if (u > box[2]) box[2] = u;
    if (v < box[1]) box[1] = v;
    if (v > box[3]) box[3] = v;
  }
}

function growWithPart(box: [number, number, number, number], cam: PinholeCamera, p: Placed, part: Part): void {
  const world = part.verts.map((v) => p.toWorld(v));
  const cams = world.map((w) => cam.toCamera(w[0], w[1], w[2]));
  if (cams.every((c) => c[2] >= NEAR_PLANE_M)) grow(box, cams.map((c) => cam.projectCamera(c)));
  else for (const face of part.faces) grow(box, cam.projectPolygon(face.idx.map((i) => world[i]!)));
}

const scratchPoly: [number, number][] = [];
/** Reused image points of the current part's vertices. */
const imgPool: [number, number][] = [];

function drawPart(raster: Raster, cam: PinholeCamera, p: Placed, part: Part, geometry: PartGeometry, id: number, box: [number, number, number, number]): void {
  const eye = cam.position;
  const { sx, sy, tx, ty } = p.axes;
  const [ox, oy] = p.ground;
  // local (s, t, z) -> camera: c = a + s * S + t * T + z * Z, per camera axis (right, down, forward)
  const rgt = cam.right;
  const dwn = cam.down;
  const fwd = cam.forward;
  const dx = ox - eye[0];
  const dy = oy - eye[1];
  const dz = -eye[2];
  const a0 = dx * rgt[0] + dy * rgt[1] + dz * rgt[2];
  const a1 = dx * dwn[0] + dy * dwn[1] + dz * dwn[2];
  const a2 = dx * fwd[0] + dy * fwd[1] + dz * fwd[2];
  const s0 = sx * rgt[0] + sy * rgt[1];
  const s1 = sx * dwn[0] + sy * dwn[1];
  const s2 = sx * fwd[0] + sy * fwd[1];
  const t0 = tx * rgt[0] + ty * rgt[1];
  const t1 = tx * dwn[0] + ty * dwn[1];
  const t2 = tx * fwd[0] + ty * fwd[1];
  const verts = part.verts;
  const n = verts.length;
  let allInFront = true;
  while (imgPool.length < n) imgPool.push([0, 0]);
  const f = cam.focal;
  for (let i = 0; i < n; i++) {
    const v = verts[i]!;
    const depth = a2 + v[0] * s2 + v[1] * t2 + v[2] * fwd[2];
    if (depth < NEAR_PLANE_M) {
      allInFront = false;
      break;
    }
    const q = imgPool[i]!;
    q[0] = cam.cx + (f * (a0 + v[0] * s0 + v[1] * t0 + v[2] * rgt[2])) / depth;
    q[1] = cam.cy + (f * (a1 + v[0] * s1 + v[1] * t1 + v[2] * dwn[2])) / depth;
    if (q[0] < box[0]) box[0] = q[0];
    if (q[0] > box[2]) box[2] = q[0];
    if (q[1] < box[1]) box[1] = q[1];
    if (q[1] > box[3]) box[3] = q[1];
  }
  // the eye in local coordinates (S, T are orthonormal and horizontal), for back-face culling
  const ex = -(dx * sx + dy * sy);
  const ey = -(dx * tx + dy * ty);
  const ez = eye[2];
  const world = allInFront ? null : verts.map((v) => p.toWorld(v));
  for (let fi = 0; fi < part.faces.length; fi++) {
    const face = part.faces[fi]!;
    const ln = geometry.normals[fi]!;
    const lc = geometry.centres[fi]!;
    const facing = ln[0] * (ex - lc[0]) + ln[1] * (ey - lc[1]) + ln[2] * (ez - lc[2]) > 0;
    // local -> world: s runs along (sx, sy), t along (tx, ty), z up
    const nx = ln[0] * sx + ln[1] * tx;
    const ny = ln[0] * sy + ln[1] * ty;
    const nz = ln[2];
    if (world) {
      // the box counts every face, seen or not, clipped at the near plane
      const poly = cam.projectPolygon(face.idx.map((i) => world[i]!));
      grow(box, poly);
      if (!facing || poly.length < 3) continue;
      drawFace(raster, cam, face, poly, face.idx.map((i) => world[i]!), nx, ny, nz, id);
      continue;
    }
    if (!facing) continue;
    scratchPoly.length = face.idx.length;
    for (let k = 0; k < face.idx.length; k++) scratchPoly[k] = imgPool[face.idx[k]!]!;
    // slivers of less than a fifth of a pixel change nothing visible
    if (polygonArea(scratchPoly) < 0.2) continue;
    drawFace(raster, cam, face, scratchPoly, face.decals.length > 0 ? face.idx.map((i) => p.toWorld(verts[i]!)) : null, nx, ny, nz, id);
  }
}

function drawFace(raster: Raster, cam: PinholeCamera, face: Face, poly: readonly [number, number][], pts: Vec3[] | null, nx: number, ny: number, nz: number, id: number): void {
  const light = AMBIENT + DIFFUSE * Math.max(0, nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]);
  const shade = (c: Rgb, on: boolean): Rgb => (on ? [c[0] * light, c[1] * light, c[2] * light] : c);
  const on = face.shaded ?? true;
  raster.fill(poly, shade(face.colour, on), id, 1, face.bottom ? shade(face.bottom, on) : undefined);
  if (!pts || pts.length !== 4 || polygonArea(poly) < 6) return;
  const [bl, br, tr, tl] = pts as [Vec3, Vec3, Vec3, Vec3];
  const at = (u: number, v: number): Vec3 => {
    const a = (1 - u) * (1 - v);
    const b = u * (1 - v);
    const c = u * v;
    const e = (1 - u) * v;
    return [a * bl[0] + b * br[0] + c * tr[0] + e * tl[0], a * bl[1] + b * br[1] + c * tr[1] + e * tl[1], a * bl[2] + b * br[2] + c * tr[2] + e * tl[2]];
  };
  for (const d of face.decals) {
    let quad: Vec3[];
    if (d.oval) {
      quad = [];
      const mu = (d.u0 + d.u1) / 2;
      const mv = (d.v0 + d.v1) / 2;
      const ru = (d.u1 - d.u0) / 2;
      const rv = (d.v1 - d.v0) / 2;
      for (let k = 0; k < 8; k++) {
        const a = ((k + 0.5) / 8) * Math.PI * 2;
        quad.push(at(mu + ru * Math.cos(a), mv + rv * Math.sin(a)));
      }
    } else {
      quad = [at(d.u0, d.v1), at(d.u1, d.v1), at(d.u1, d.v0), at(d.u0, d.v0)];
    }
    const dimg = cam.projectPolygon(quad);
    if (dimg.length < 3) continue;
    const shadedDecal = d.shaded ?? false;
    // glass fades from the top edge to the bottom
    raster.fill(dimg, shade(d.colour, shadedDecal), id, 1, d.bottom ? shade(d.bottom, shadedDecal) : undefined);
  }
}

function polygonArea(pts: readonly (readonly [number, number])[]): number {
  let a = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) a += (pts[j]![0] - pts[i]![0]) * (pts[j]![1] + pts[i]![1]);
  return Math.abs(a) / 2;
}

function convexHull(points: [number, number][]): [number, number][] {
  const pts = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  upper.pop();
  lower.pop();
  return lower.concat(upper);
}
