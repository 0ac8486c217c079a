import type { GroundCalibration } from '@greenwave/contracts';
import { solveLinearSystem } from '../track/small-matrix.ts';
import { CalibrationError } from './calibration-error.ts';

/** A point [x, y]: pixels in the image, metres on the ground (approach frame). */
export type PlanePoint = readonly [number, number];

/** A 3x3 projective transform, row-major; applied to [x, y, 1]. */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

/** Both directions of a camera's ground mapping. */
export interface GroundProjection {
  readonly imageToGroundMatrix: Homography;
  readonly groundToImageMatrix: Homography;
  /** Pixel -> metres in the approach frame (x across from the left edge of lane 0, y upstream of the stop line). */
  imageToGround(point: PlanePoint): [number, number];
  /** Metres in the approach frame -> pixel. */
  groundToImage(point: PlanePoint): [number, number];
  /** Whether an image point lies below the horizon, on the same side as the calibration points (else it has no ground position). */
  seesGround(point: PlanePoint): boolean;
}

export interface HomographyFieldNames {
  /** Config path of the source points, for errors (default `from`). */
  from?: string;
  /** Config path of the target points (default `to`). */
  to?: string;
}

/**
 * Three points closer to one line than this share of the points' extent squared count as collinear (the cross
 * product of two sides over the extent squared: 1e-6 is 0.001 px off a line across a 1000 px image).
 */
const COLLINEAR_TOLERANCE = 1e-6;

/**
 * The homography mapping four points onto four others, by the direct linear transform: eight equations in the eight
 * unknowns of H (h33 = 1) solved by Gaussian elimination, on Hartley-normalised points for conditioning. Throws a
 * CalibrationError when a point is not finite, three points of either set lie on one line, or the sets are listed
 * in different orders (the mapping would fold the quadrilateral through the horizon).
 */
export function homographyFromPoints(from: readonly PlanePoint[], to: readonly PlanePoint[], names: HomographyFieldNames = {}): Homography {
  const fromName = names.from ?? 'from';
  const toName = names.to ?? 'to';
  verifyFourFinitePoints(from, fromName);
  verifyFourFinitePoints(to, toName);
  verifyNoThreeOnOneLine(from, fromName);
  verifyNoThreeOnOneLine(to, toName);
  const fromNormaliser = normaliser(from);
  const toNormaliser = normaliser(to);
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = applyHomography(fromNormaliser, from[i]!);
    const [u, v] = applyHomography(toNormaliser, to[i]!);
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const solution = solveLinearSystem(a, b, 1e-10);
  if (solution === undefined) {
    // With no three points on a line this only happens when h33 = 0 after normalisation: the centroid of the source
    // points maps to infinity. The homography's denominator is affine, so its value at the centroid is the mean of its
    // values at the four points — zero only if they differ in sign: the points are listed in different orders.
    throw orderError(fromName, toName, [0, 1, 2, 3], 'the middle of the area would map to the horizon');
  }
  const normalised = [...solution, 1] as unknown as Homography;
  const homography = scaleToUnit(multiplyHomographies(invertHomography(toNormaliser), multiplyHomographies(normalised, fromNormaliser)));
  verifySameOrder(homography, from, fromName, toName);
  return homography;
}

/** The ground mapping of a camera calibration (image points -> ground points). */
export function groundProjectionFromCalibration(calibration: GroundCalibration): GroundProjection {
  const imageToGroundMatrix = homographyFromPoints(calibration.image as PlanePoint[], calibration.ground as PlanePoint[], { from: 'calibration.image', to: 'calibration.ground' });
  const groundToImageMatrix = invertHomography(imageToGroundMatrix);
  const groundSide = Math.sign(denominator(imageToGroundMatrix, calibration.image[0] as PlanePoint));
  return {
    seesGround: (point) => Math.sign(denominator(imageToGroundMatrix, point)) === groundSide,
    imageToGroundMatrix,
    groundToImageMatrix,
    imageToGround: (point) => applyHomography(imageToGroundMatrix, point),
    groundToImage: (point) => applyHomography(groundToImageMatrix, point),
  };
}

function denominator(h: Homography, [x, y]: PlanePoint): number {
  return h[6] * x + h[7] * y + h[8];
}

export function applyHomography(h: Homography, point: PlanePoint): [number, number] {
  const [x, y] = point;
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/** The inverse mapping (adjugate, scaled so h33 = 1 when it can be). */
export function invertHomography(h: Homography): Homography {
  const [a, b, c, d, e, f, g, k, l] = h;
  const adjugate: Homography = [e * l - f * k, c * k - b * l, b * f - c * e, f * g - d * l, a * l - c * g, c * d - a * f, d * k - e * g, b * g - a * k, a * e - b * d];
  return scaleToUnit(adjugate);
}

export function multiplyHomographies(left: Homography, right: Homography): Homography {
  const result: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) result.push(left[i * 3]! * right[j]! + left[i * 3 + 1]! * right[3 + j]! + left[i * 3 + 2]! * right[6 + j]!);
  return result as unknown as Homography;
}

function scaleToUnit(h: Homography): Homography {
  const norm = Math.hypot(...h);
  // h33 = 1 is the usual convention; fall back to unit norm when h33 is (nearly) zero
  const divisor = Math.abs(h[8]) > 1e-12 * norm ? h[8] : norm;
  return h.map((value) => value / divisor) as unknown as Homography;
}

/** Similarity moving the points' centroid to the origin and their mean distance from it to √2 (Hartley). */
function normaliser(points: readonly PlanePoint[]): Homography {
  const centreX = points.reduce((sum, p) => sum + p[0], 0) / points.length;
  const centreY = points.reduce((sum, p) => sum + p[1], 0) / points.length;
  const meanDistance = points.reduce((sum, p) => sum + Math.hypot(p[0] - centreX, p[1] - centreY), 0) / points.length;
  const scale = Math.SQRT2 / meanDistance;
  return [scale, 0, -scale * centreX, 0, scale, -scale * centreY, 0, 0, 1];
}

export function verifyFourFinitePoints(points: readonly PlanePoint[], field: string): void {
  if (points.length !== 4) throw new CalibrationError(field, [], `needs exactly 4 points, got ${points.length}`);
  points.forEach((point, i) => {
    if (point.length !== 2 || !Number.isFinite(point[0]) || !Number.isFinite(point[1])) {
      throw new CalibrationError(field, [i], `point ${i} is not a finite [x, y] pair (got ${JSON.stringify(point)})`);
    }
  });
}

/** Throws when any three of the points lie on one line (which includes two points being the same). */
export function verifyNoThreeOnOneLine(points: readonly PlanePoint[], field: string): void {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const extent = Math.hypot(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  if (extent === 0) throw new CalibrationError(field, [0, 1, 2, 3], `all four points are the same point ${formatPoints(points.slice(0, 1))}`);
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      for (let k = j + 1; k < points.length; k++) {
        const [a, b, c] = [points[i]!, points[j]!, points[k]!];
        const cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
        if (Math.abs(cross) <= COLLINEAR_TOLERANCE * extent * extent) {
          throw new CalibrationError(field, [i, j, k], `points ${i}, ${j} and ${k} ${formatPoints([a, b, c])} lie on one line; choose four points, no three on a line (e.g. the corners of a lane section)`);
        }
      }
    }
  }
}

/** All four source points must lie on the same side of the line the homography sends to infinity. */
function verifySameOrder(h: Homography, from: readonly PlanePoint[], fromName: string, toName: string): void {
  const signs = from.map((point) => Math.sign(denominator(h, point)));
  if (signs.some((sign) => sign !== signs[0])) {
    const odd = signs.map((sign, i) => (sign !== signs[0] ? i : -1)).filter((i) => i >= 0);
    throw orderError(fromName, toName, odd, `point ${odd.join(', ')} would map through the horizon`);
  }
}

function orderError(fromName: string, toName: string, pointIndices: number[], why: string): CalibrationError {
  return new CalibrationError(toName, pointIndices, `the points are not listed in the same order as ${fromName} (${why}); list the same four corners in the same order in both`);
}

function formatPoints(points: readonly PlanePoint[]): string {
  return points.map((p) => `[${p[0]}, ${p[1]}]`).join(' ');
}
