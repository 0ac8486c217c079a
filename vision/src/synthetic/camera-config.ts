/**
 * The CameraConfig a synthetic camera implies: a ground calibration (four road points with their image points) and
 * lane zones (each lane from the stop line to zoneLengthM, projected and clipped to the frame), computed with the
 * same pinhole model the renderer draws with.
 */
import { type ApproachView, CameraConfig, type CameraConfigInput, ErrorCode, GreenwaveError } from '@greenwave/contracts';
import { approachSpanX, laneSpans } from './approach-geometry.ts';
import { PinholeCamera, type SyntheticCamera, clipToFrame } from './camera.ts';

export interface SyntheticCameraIds {
  /** Camera id (default `<intersection>-<approach>-synthetic`). */
  cameraId?: string;
  /** Seed of the synthetic source (default 1): the seed to render with. */
  seed?: number;
  /** Measurement zone length (m, default 60). */
  zoneLengthM?: number;
  fps?: number;
  /** Anything else of the config (detector settings, watchdog, count lines). */
  extra?: Partial<Pick<CameraConfigInput, 'detector' | 'watchdog' | 'countLines'>>;
}

/** Three-point collinearity guard for calibration points (px^2 of twice the triangle area). */
function area2(a: [number, number], b: [number, number], c: [number, number]): number {
  return Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
}

/**
 * Four ground points for the calibration: the corners of the approach from the stop line to `farM`, moved inwards
 * (across and along) until all four are in the frame.
 */
export function calibrationPoints(view: Pick<ApproachView, 'lanes'>, camera: PinholeCamera, zoneLengthM: number): { ground: [number, number][]; image: [number, number][] } {
  const span = approachSpanX(view);
  const inFrame = (p: [number, number] | null): p is [number, number] => p !== null && p[0] >= 0 && p[0] <= camera.width && p[1] >= 0 && p[1] <= camera.height;
  let near = 0;
  let far = zoneLengthM;
  let left = span.left;
  let right = span.right;
  for (let i = 0; i < 60; i++) {
    const ground: [number, number][] = [
      [left, near],
      [right, near],
      [right, far],
      [left, far],
    ];
    const image = ground.map(([x, y]) => camera.project(x, y, 0));
    if (image.every(inFrame)) {
      const pts = image as [number, number][];
      const ok = area2(pts[0]!, pts[1]!, pts[2]!) > 4 && area2(pts[0]!, pts[2]!, pts[3]!) > 4 && area2(pts[0]!, pts[1]!, pts[3]!) > 4 && area2(pts[1]!, pts[2]!, pts[3]!) > 4;
      if (ok) return { ground, image: pts };
    }
    // shrink towards the middle of the approach at a third of the zone
    const midX = (span.left + span.right) / 2;
    left += (midX - left) * 0.1;
    right += (midX - right) * 0.1;
    const midY = zoneLengthM / 3;
    near += (midY - near) * 0.1;
    far += (midY - far) * 0.1;
  }
  throw new GreenwaveError(ErrorCode.INVALID_CONFIG, 'the synthetic camera does not see the approach: no four calibration points on it fall inside the frame');
}

/** The camera configuration that matches frames rendered by `renderApproach(view, camera, { seed })`. */
export function syntheticCameraConfig(view: Pick<ApproachView, 'intersectionId' | 'approachId' | 'lanes'>, camera: SyntheticCamera, ids: SyntheticCameraIds = {}): CameraConfig {
  const cam = new PinholeCamera(camera);
  const zoneLengthM = ids.zoneLengthM ?? 60;
  const calibration = calibrationPoints(view, cam, zoneLengthM);
  const lanes = laneSpans(view)
    .map((span) => {
      const poly = cam.projectPolygon([
        [span.left, 0, 0],
        [span.right, 0, 0],
        [span.right, zoneLengthM, 0],
        [span.left, zoneLengthM, 0],
      ]);
      const clipped = clipToFrame(poly, cam.width, cam.height).map(([x, y]) => [round3(x), round3(y)] as [number, number]);
      return { approachId: view.approachId, laneIndex: span.index, polygon: dedupe(clipped) };
    })
    .filter((zone) => zone.polygon.length >= 3)
    .sort((a, b) => a.laneIndex - b.laneIndex);
  const input: CameraConfigInput = {
    id: ids.cameraId ?? `${view.intersectionId}-${view.approachId}-synthetic`,
    intersectionId: view.intersectionId,
    approachId: view.approachId,
    source: { kind: 'synthetic', seed: ids.seed ?? 1 },
    width: camera.width,
    height: camera.height,
    ...(ids.fps !== undefined ? { fps: ids.fps } : {}),
    calibration: { image: calibration.image, ground: calibration.ground },
    lanes,
    zoneLengthM,
    ...(ids.extra ?? {}),
  };
  return CameraConfig.parse(input);
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function dedupe(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && Math.abs(last[0] - p[0]) < 1e-6 && Math.abs(last[1] - p[1]) < 1e-6) continue;
    out.push(p);
  }
  while (out.length > 1 && Math.abs(out[0]![0] - out[out.length - 1]![0]) < 1e-6 && Math.abs(out[0]![1] - out[out.length - 1]![1]) < 1e-6) out.pop();
  return out.slice(0, 32);
}
