/**
 * Pinhole cameras for synthetic frames, in the approach frame of contracts/src/camera.ts: x across the approach
 * (metres, growing to the right as a driver approaching the stop line sees it, 0 at the left edge of lane 0), y along
 * it (0 at the stop line, growing upstream), z up from the road surface.
 */
import type { ApproachView } from '@greenwave/contracts';
import { approachSpanX } from './approach-geometry.ts';

export type Vec3 = [number, number, number];

/** A pinhole camera: where it is, where it looks, its focal length. No lens distortion. */
export interface SyntheticCamera {
  width: number;
  height: number;
  /** Optical centre in the approach frame (m). */
  position: Vec3;
  /** Heading: 0 = looking upstream (+y, facing the approaching traffic); positive turns towards +x. */
  yawDeg: number;
  /** Tilt below the horizontal (degrees, positive = looking down). */
  pitchDeg: number;
  /** Rotation about the optical axis (degrees, positive = clockwise in the image). */
  rollDeg?: number;
  /** Focal length in pixels. */
  focalPx: number;
  /** Principal point (px); defaults to the image centre. */
  cx?: number;
  cy?: number;
}

/** Points closer to the camera than this (m, along the optical axis) are clipped away. */
export const NEAR_PLANE_M = 0.5;

/** A camera with its rotation worked out: world <-> camera <-> image. */
export class PinholeCamera {
  readonly width: number;
  readonly height: number;
  readonly focal: number;
  readonly cx: number;
  readonly cy: number;
  readonly position: Vec3;
  /** Camera axes in world coordinates: image right, image down, optical axis. */
  readonly right: Vec3;
  readonly down: Vec3;
  readonly forward: Vec3;

  constructor(readonly spec: SyntheticCamera) {
    this.width = spec.width;
    this.height = spec.height;
    this.focal = spec.focalPx;
    this.cx = spec.cx ?? spec.width / 2;
    this.cy = spec.cy ?? spec.height / 2;
    this.position = [...spec.position];
    const yaw = (spec.yawDeg * Math.PI) / 180;
    const pitch = (spec.pitchDeg * Math.PI) / 180;
    const roll = ((spec.rollDeg ?? 0) * Math.PI) / 180;
    // horizontal heading and the image right for it (facing +y, a driver's right, +x, is on the image's left)
    const hx = Math.sin(yaw);
    const hy = Math.cos(yaw);
    const forward: Vec3 = [Math.cos(pitch) * hx, Math.cos(pitch) * hy, -Math.sin(pitch)];
    const right0: Vec3 = [-hy, hx, 0];
    const down0: Vec3 = [-Math.sin(pitch) * hx, -Math.sin(pitch) * hy, -Math.cos(pitch)];
    const c = Math.cos(roll);
    const s = Math.sin(roll);
    this.forward = forward;
    this.right = [c * right0[0] + s * down0[0], c * right0[1] + s * down0[1], c * right0[2] + s * down0[2]];
    this.down = [-s * right0[0] + c * down0[0], -s * right0[1] + c * down0[1], -s * right0[2] + c * down0[2]];
  }

  /** World point -> camera coordinates [right, down, depth] (m). */
  toCamera(x: number, y: number, z: number): Vec3 {
    const dx = x - this.position[0];
    const dy = y - this.position[1];
    const dz = z - this.position[2];
    return [
      dx * this.right[0] + dy * this.right[1] + dz * this.right[2],
      dx * this.down[0] + dy * this.down[1] + dz * this.down[2],
      dx * this.forward[0] + dy * this.forward[1] + dz * this.forward[2],
    ];
  }

  /** World point -> image point (px), or null when it lies behind the near plane. */
  project(x: number, y: number, z = 0): [number, number] | null {
    const [cx, cy, depth] = this.toCamera(x, y, z);
    if (depth < NEAR_PLANE_M) return null;
    return [this.cx + (this.focal * cx) / depth, this.cy + (this.focal * cy) / depth];
  }

  /** Camera-space point -> image point (depth must be >= the near plane). */
  projectCamera(p: Vec3): [number, number] {
    return [this.cx + (this.focal * p[0]) / p[2], this.cy + (this.focal * p[1]) / p[2]];
  }

  /** Ray through an image point, as a world direction (not normalised). */
  ray(u: number, v: number): Vec3 {
    const a = (u - this.cx) / this.focal;
    const b = (v - this.cy) / this.focal;
    return [
      this.forward[0] + a * this.right[0] + b * this.down[0],
      this.forward[1] + a * this.right[1] + b * this.down[1],
      this.forward[2] + a * this.right[2] + b * this.down[2],
    ];
  }

  /** Image point -> the ground point (z = 0) it sees, or null above the horizon. */
  imageToGround(u: number, v: number): [number, number] | null {
    const d = this.ray(u, v);
    if (d[2] >= -1e-9) return null;
    const t = -this.position[2] / d[2];
    return [this.position[0] + t * d[0], this.position[1] + t * d[1]];
  }

  /**
   * A world polygon clipped to the near plane and projected: image points (px), empty when nothing is in front of
   * the camera. The polygon must be planar and convex for the result to be convex.
   */
  projectPolygon(points: readonly Vec3[]): [number, number][] {
    const cam = points.map((p) => this.toCamera(p[0], p[1], p[2]));
    const clipped = clipNear(cam, NEAR_PLANE_M);
    return clipped.map((p) => this.projectCamera(p));
  }
}

/** Sutherland–Hodgman against depth >= near (camera space). */
export function clipNear(points: readonly Vec3[], near: number): Vec3[] {
  const out: Vec3[] = [];
  const n = points.length;
  for (let i = 0; i < n; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % n]!;
    const aIn = a[2] >= near;
    const bIn = b[2] >= near;
    if (aIn) out.push(a);
    if (aIn !== bIn) {
      const t = (near - a[2]) / (b[2] - a[2]);
      out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), near]);
    }
  }
  return out;
}

/** Sutherland–Hodgman of an image polygon against the rectangle [0, width] x [0, height]. */
export function clipToFrame(points: readonly [number, number][], width: number, height: number): [number, number][] {
  let poly = points.slice();
  const edges: Array<(p: [number, number]) => number> = [(p) => p[0], (p) => width - p[0], (p) => p[1], (p) => height - p[1]];
  for (const inside of edges) {
    if (poly.length === 0) break;
    const next: [number, number][] = [];
    for (let i = 0; i < poly.length; i++) {
      const a = poly[i]!;
      const b = poly[(i + 1) % poly.length]!;
      const da = inside(a);
      const db = inside(b);
      if (da >= 0) next.push(a);
      if ((da >= 0) !== (db >= 0)) {
        const t = da / (da - db);
        next.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
      }
    }
    poly = next;
  }
  return poly;
}

export interface DefaultCameraOptions {
  width?: number;
  height?: number;
  /** Mounting height above the road (m, default 8). */
  heightM?: number;
  /**
   * How far past the stop line the camera stands (m, default 25: on the signal mast on the far side of the junction,
   * which keeps far vehicles larger in the frame than a camera right at the stop line).
   */
  setbackM?: number;
  /**
   * Across position of the camera (m, approach frame). Default: 2 m outside the kerb line of lane 0 (a pole on the
   * far-side corner), which shows vehicles slightly from the side.
   */
  xM?: number;
  /** Length of approach to frame (m upstream of the stop line, default 60). */
  zoneLengthM?: number;
  /** Image row (fraction of the height) where the stop line's middle lands (default 0.86). */
  stopLineRow?: number;
  /** Image row where the middle of the approach at zoneLengthM lands (default 0.1). */
  zoneEndRow?: number;
  rollDeg?: number;
}

/**
 * A camera on a pole on the far side of the junction, looking up the approach at the oncoming traffic, with the
 * pitch and focal length chosen so that the stop line sits near the bottom of the image and the end of the
 * measurement zone near the top.
 */
export function defaultSyntheticCamera(view: Pick<ApproachView, 'lanes'>, options: DefaultCameraOptions = {}): SyntheticCamera {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const h = options.heightM ?? 8;
  const setback = options.setbackM ?? 25;
  const zone = options.zoneLengthM ?? 60;
  const nearRow = (options.stopLineRow ?? 0.86) * height;
  const farRow = (options.zoneEndRow ?? 0.1) * height;
  const span = approachSpanX(view);
  const x = options.xM ?? span.right + 2;
  const midX = (span.left + span.right) / 2;
  const position: Vec3 = [x, -setback, h];
  // aim at the middle of the approach halfway up the zone
  const yawDeg = (Math.atan2(midX - x, setback + zone / 2) * 180) / Math.PI;
  // pitch: the image rows of the stop line and the zone end must be nearRow and farRow for one focal length
  const rowsFor = (pitchDeg: number) => {
    const cam = new PinholeCamera({ width, height, position, yawDeg, pitchDeg, focalPx: 1, rollDeg: options.rollDeg ?? 0 });
    const near = cam.toCamera(midX, 0, 0);
    const far = cam.toCamera(midX, zone, 0);
    const a = near[1] / near[2];
    const b = far[1] / far[2];
    const focal = (nearRow - farRow) / (a - b);
    return { focal, residual: height / 2 + focal * a - nearRow };
  };
  let lo = 0.5;
  let hi = 80;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    // more pitch moves both points up the image: the stop line row falls
    if (rowsFor(mid).residual > 0) lo = mid;
    else hi = mid;
  }
  const pitchDeg = (lo + hi) / 2;
  return { width, height, position, yawDeg, pitchDeg, rollDeg: options.rollDeg ?? 0, focalPx: rowsFor(pitchDeg).focal };
}

/** The same camera for another image size (focal length and principal point scaled with the width). */
export function resizeCamera(camera: SyntheticCamera, width: number, height: number): SyntheticCamera {
  if (width === camera.width && height === camera.height) return camera;
  const k = width / camera.width;
  const cx = (camera.cx ?? camera.width / 2) * k;
  const cy = (camera.cy ?? camera.height / 2) * k + (height - camera.height * k) / 2;
  return { ...camera, width, height, focalPx: camera.focalPx * k, cx, cy };
}
