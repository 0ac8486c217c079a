import type { Box } from '../detect/detection.ts';
import { type Matrix, diagonalMatrix, multiplyMatrices, solveLinearSystems, transposeMatrix } from './small-matrix.ts';

/**
 * ByteTrack's (and DeepSORT's) constant-velocity Kalman filter over a box as [centre x, centre y, aspect w/h,
 * height], all in pixels and per frame. State: those four and their velocities. Noise scales with the box height,
 * so near (large) vehicles are allowed to move more pixels than far ones.
 */

/** [centre x, centre y, width / height, height] in pixels. */
export type BoxMeasurement = [number, number, number, number];

export interface KalmanBoxState {
  /** [cx, cy, aspect, height, vcx, vcy, vaspect, vheight] (pixels and pixels per frame). */
  mean: number[];
  /** 8x8 covariance. */
  covariance: Matrix;
}

/** ByteTrack's weights: position noise 1/20 of the height, velocity noise 1/160 of the height. */
const POSITION_WEIGHT = 1 / 20;
const VELOCITY_WEIGHT = 1 / 160;

export function boxToMeasurement(box: Box): BoxMeasurement {
  const width = box[2] - box[0];
  const height = box[3] - box[1];
  return [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, width / height, height];
}

export function stateToBox(state: KalmanBoxState): Box {
  const [centreX, centreY, aspect, height] = state.mean as [number, number, number, number];
  const width = aspect * height;
  return [centreX - width / 2, centreY - height / 2, centreX + width / 2, centreY + height / 2];
}

export function initiateKalmanState(measurement: BoxMeasurement): KalmanBoxState {
  const height = measurement[3];
  const deviations = [
    2 * POSITION_WEIGHT * height,
    2 * POSITION_WEIGHT * height,
    1e-2,
    2 * POSITION_WEIGHT * height,
    10 * VELOCITY_WEIGHT * height,
    10 * VELOCITY_WEIGHT * height,
    1e-5,
    10 * VELOCITY_WEIGHT * height,
  ];
  return { mean: [...measurement, 0, 0, 0, 0], covariance: diagonalMatrix(deviations.map((d) => d * d)) };
}

/**
 * One frame ahead: x += v. `freezeHeight` zeroes the height velocity first, as ByteTrack does for tracks that were
 * not matched last frame (a lost box should not keep growing or shrinking).
 */
export function predictKalmanState(state: KalmanBoxState, freezeHeight = false): KalmanBoxState {
  const mean = [...state.mean];
  if (freezeHeight) mean[7] = 0;
  const height = mean[3]!;
  for (let i = 0; i < 4; i++) mean[i]! += mean[i + 4]!;
  const p = state.covariance;
  // F P F^T with F = [[I, I], [0, I]]: blocks P11 + P12 + P21 + P22, P12 + P22, P21 + P22, P22
  const covariance: Matrix = p.map((row) => [...row]);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) {
      let value = p[i]![j]!;
      if (i < 4) value += p[i + 4]![j]!;
      if (j < 4) value += p[i]![j + 4]!;
      if (i < 4 && j < 4) value += p[i + 4]![j + 4]!;
      covariance[i]![j] = value;
    }
  }
  const position = POSITION_WEIGHT * height;
  const velocity = VELOCITY_WEIGHT * height;
  const noise = [position, position, 1e-2, position, velocity, velocity, 1e-5, velocity];
  for (let i = 0; i < 8; i++) covariance[i]![i]! += noise[i]! * noise[i]!;
  return { mean, covariance };
}

/** Corrects the state with a measured box (standard Kalman update with H = [I4 0]). */
export function updateKalmanState(state: KalmanBoxState, measurement: BoxMeasurement): KalmanBoxState {
  const p = state.covariance;
  const height = state.mean[3]!;
  const position = POSITION_WEIGHT * height;
  const measurementNoise = [position, position, 1e-1, position];
  // S = H P H^T + R (top-left 4x4 of P plus R)
  const innovationCovariance: Matrix = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => p[i]![j]! + (i === j ? measurementNoise[i]! * measurementNoise[i]! : 0)));
  // K = P H^T S^-1  <=>  S K^T = (P H^T)^T = H P  (S symmetric)
  const hp: Matrix = [0, 1, 2, 3].map((i) => [...p[i]!]); // 4x8
  const gainTransposed = solveLinearSystems(innovationCovariance, hp);
  if (gainTransposed === undefined) return state; // degenerate box (zero height): keep the prediction
  const gain = transposeMatrix(gainTransposed); // 8x4
  const innovation = measurement.map((value, i) => value - state.mean[i]!);
  const mean = state.mean.map((value, i) => value + gain[i]!.reduce((sum, k, j) => sum + k * innovation[j]!, 0));
  // P - K S K^T = P - K (H P)
  const correction = multiplyMatrices(gain, hp);
  const covariance = p.map((row, i) => row.map((value, j) => value - correction[i]![j]!));
  return { mean, covariance };
}
