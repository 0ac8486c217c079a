import type { GroundProjection } from './homography.ts';

/**
 * The pinhole camera behind a ground calibration. A homography of the road plane is K [r1 r2 t] up to scale; with
 * square pixels and the principal point at the image centre (true of almost every fixed traffic camera) the two
 * rotation columns must be orthogonal and of equal length, which fixes the focal length, and then the whole pose —
 * so heights above the road can be projected too. This is what lets the measurement tell a car from a truck by its
 * size in the picture, which COCO detectors seen from a pole get wrong (cars called trucks in most frames).
 */
export interface GroundCamera {
  focalPx: number;
  /** Height of the camera above the road (m). */
  heightM: number;
  /** World point (approach frame: x across, y upstream, z up, metres) -> pixel; undefined behind the camera. */
  project(point: readonly [number, number, number]): [number, number] | undefined;
}

/**
 * Recovers the camera from the ground projection and the image size; undefined when the calibration does not fit a
 * pinhole camera with a centred principal point (the focal length comes out imaginary or the two constraints
 * disagree by more than `tolerance`), so callers fall back to what needs no camera.
 */
export function cameraFromGround(projection: GroundProjection, width: number, height: number, tolerance = 0.25): GroundCamera | undefined {
  const g = projection.groundToImageMatrix;
  const cx = width / 2;
  const cy = height / 2;
  // columns of G with the principal point taken out: [a, b, c] = [g_x - cx g_z, g_y - cy g_z, g_z]
  const column = (j: number): [number, number, number] => [(g[j] as number) - cx * (g[6 + j] as number), (g[3 + j] as number) - cy * (g[6 + j] as number), g[6 + j] as number];
  const [a1, b1, c1] = column(0);
  const [a2, b2, c2] = column(1);
  const [a3, b3, c3] = column(2);
  // r1 . r2 = 0 and |r1| = |r2| for r = K^-1 g = [a / f, b / f, c]
  const fromOrthogonal = c1 * c2 !== 0 ? -(a1 * a2 + b1 * b2) / (c1 * c2) : Number.NaN;
  const fromEqualNorm = c2 * c2 !== c1 * c1 ? (a1 * a1 + b1 * b1 - a2 * a2 - b2 * b2) / (c2 * c2 - c1 * c1) : Number.NaN;
  const estimates = [fromOrthogonal, fromEqualNorm].filter((value) => Number.isFinite(value) && value > 0);
  if (estimates.length === 0) return undefined;
  if (estimates.length === 2 && Math.abs(Math.sqrt(estimates[0]!) - Math.sqrt(estimates[1]!)) > tolerance * Math.sqrt(Math.max(...estimates))) return undefined;
  const f = Math.sqrt(estimates.reduce((sum, value) => sum + value, 0) / estimates.length);
  const unscaled = (a: number, b: number, c: number): [number, number, number] => [a / f, b / f, c];
  let r1 = unscaled(a1, b1, c1);
  let r2 = unscaled(a2, b2, c2);
  let t = unscaled(a3, b3, c3);
  const scale = (Math.hypot(...r1) + Math.hypot(...r2)) / 2;
  // the sign makes the road lie in front of the camera (positive depth)
  const sign = t[2] > 0 ? 1 : -1;
  r1 = r1.map((value) => (sign * value) / scale) as [number, number, number];
  r2 = r2.map((value) => (sign * value) / scale) as [number, number, number];
  t = t.map((value) => (sign * value) / scale) as [number, number, number];
  let r3 = cross(r1, r2);
  // camera centre C = -R^T t; up is the side of the road the camera is on
  const centreZ = -(r3[0] * t[0] + r3[1] * t[1] + r3[2] * t[2]);
  if (centreZ < 0) r3 = r3.map((value) => -value) as [number, number, number];
  const heightM = Math.abs(centreZ);
  return {
    focalPx: f,
    heightM,
    project([x, y, z]) {
      const cameraX = r1[0] * x + r2[0] * y + r3[0] * z + t[0];
      const cameraY = r1[1] * x + r2[1] * y + r3[1] * z + t[1];
      const depth = r1[2] * x + r2[2] * y + r3[2] * z + t[2];
      if (!(depth > 1e-6)) return undefined;
      return [cx + (f * cameraX) / depth, cy + (f * cameraY) / depth];
    },
  };
}

function cross(a: readonly [number, number, number], b: readonly [number, number, number]): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
