import type { ApproachVehicle, ApproachView } from '@greenwave/contracts';
import { describe, expect, it } from 'vitest';
import { laneSpans } from '../src/synthetic/approach-geometry.ts';
import { PinholeCamera, clipNear, defaultSyntheticCamera, resizeCamera } from '../src/synthetic/camera.ts';
import { syntheticCameraConfig } from '../src/synthetic/camera-config.ts';
import { renderApproach } from '../src/synthetic/render-approach.ts';
import { groundProjectionFromCalibration } from '../src/zones/homography.ts';

function vehicle(id: number, cls: ApproachVehicle['class'], laneIndex: number, distanceM: number, column = -1): ApproachVehicle {
  const lengthM = { motorbike: 1.9, car: 4.5, bus: 11, truck: 8 }[cls];
  return { id, class: cls, laneIndex, column: cls === 'motorbike' ? column : -1, columns: 2, distanceM, lengthM, speedMps: 0 };
}

function approach(vehicles: ApproachVehicle[], timeS = 100): ApproachView {
  return {
    intersectionId: 'x1',
    approachId: 'W',
    timeS,
    lanes: [
      { index: 0, widthM: 3.5 },
      { index: 1, widthM: 3.25 },
    ],
    exitLanes: 2,
    vehicles,
  };
}

/** A queue at the stop line: cars and bus in lane 1, motorbikes two abreast in lane 0. */
function queue(): ApproachView {
  const vehicles: ApproachVehicle[] = [];
  let id = 1;
  for (let k = 0; k < 6; k++) {
    vehicles.push(vehicle(id++, 'motorbike', 0, 0.5 + k * 3, 0));
    vehicles.push(vehicle(id++, 'motorbike', 0, 1 + k * 3, 1));
  }
  vehicles.push(vehicle(id++, 'car', 1, 0.5), vehicle(id++, 'car', 1, 7.5), vehicle(id++, 'bus', 1, 14.5), vehicle(id++, 'truck', 0, 20));
  return approach(vehicles);
}

function variance(data: Uint8Array): number {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < data.length; i++) {
    sum += data[i]!;
    sq += data[i]! * data[i]!;
  }
  const mean = sum / data.length;
  return sq / data.length - mean * mean;
}

describe('synthetic camera geometry', () => {
  const view = approach([]);
  const camera = defaultSyntheticCamera(view);
  const cam = new PinholeCamera(camera);

  it('frames the stop line near the bottom and the end of the 60 m zone near the top', () => {
    expect(camera.width).toBe(640);
    expect(camera.height).toBe(360);
    expect(camera.position[2]).toBe(8);
    const spans = laneSpans(view);
    const midX = (Math.min(...spans.map((s) => s.left)) + Math.max(...spans.map((s) => s.right))) / 2;
    expect(cam.project(midX, 0, 0)![1]).toBeCloseTo(0.86 * 360, 3);
    expect(cam.project(midX, 60, 0)![1]).toBeCloseTo(0.1 * 360, 3);
    // the approach's lanes are in the picture across its width at the stop line
    for (const s of spans) {
      for (const x of [s.left, s.right]) {
        const [u] = cam.project(x, 0, 0)!;
        expect(u).toBeGreaterThan(0);
        expect(u).toBeLessThan(640);
      }
    }
  });

  it('frames any approach width and mounting height the same way', () => {
    for (const lanes of [1, 2, 4]) {
      for (const heightM of [6, 8, 10]) {
        const v = { lanes: Array.from({ length: lanes }, (_, index) => ({ index, widthM: 3.5 })) };
        const c = new PinholeCamera(defaultSyntheticCamera(v, { heightM, zoneLengthM: 80 }));
        const midX = 1.75 - (lanes - 1) * 1.75;
        expect(Math.abs(c.project(midX, 0, 0)![1] - 0.86 * 360)).toBeLessThan(0.5);
        expect(Math.abs(c.project(midX, 80, 0)![1] - 0.1 * 360)).toBeLessThan(0.5);
      }
    }
  });

  it('refuses a camera that does not see the approach', () => {
    expect(() => syntheticCameraConfig(view, { ...camera, pitchDeg: -40 })).toThrow(/does not see the approach/);
  });

  it('lane 0 is the kerb-side lane: x from 0 to its width, the others to its left (negative x)', () => {
    expect(laneSpans(view)).toEqual([
      { index: 0, left: 0, right: 3.5 },
      { index: 1, left: -3.25, right: 0 },
    ]);
    // facing the oncoming traffic, the kerb lane is on the image's left
    expect(cam.project(1.75, 20, 0)![0]).toBeLessThan(cam.project(-1.6, 20, 0)![0]);
  });

  it("projects ground points exactly as the config's calibration homography does (within 0.5 px)", () => {
    const config = syntheticCameraConfig(view, camera, { cameraId: 'cam-w', seed: 4 });
    expect(config).toMatchObject({ id: 'cam-w', intersectionId: 'x1', approachId: 'W', width: 640, height: 360, source: { kind: 'synthetic', seed: 4 }, zoneLengthM: 60 });
    const projection = groundProjectionFromCalibration(config.calibration);
    let worst = 0;
    for (let y = 0; y <= 60; y += 2.5) {
      for (let x = -3.25; x <= 3.5; x += 0.75) {
        const [u, v] = cam.project(x, y, 0)!;
        const [hu, hv] = projection.groundToImage([x, y]);
        worst = Math.max(worst, Math.hypot(u - hu, v - hv));
        const [gx, gy] = projection.imageToGround([u, v]);
        expect(gx).toBeCloseTo(x, 3);
        expect(gy).toBeCloseTo(y, 3);
        // the renderer's inverse ray agrees too
        const g = cam.imageToGround(u, v)!;
        expect(Math.hypot(g[0] - x, g[1] - y)).toBeLessThan(1e-6);
      }
    }
    expect(worst).toBeLessThan(0.5);
    // calibration points are in the frame
    for (const [u, v] of config.calibration.image) {
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThanOrEqual(640);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(360);
    }
  });

  it('lane zones are the projected lane rectangles, clipped to the frame', () => {
    const config = syntheticCameraConfig(view, camera);
    expect(config.lanes.map((l) => l.laneIndex)).toEqual([0, 1]);
    const projection = groundProjectionFromCalibration(config.calibration);
    for (const zone of config.lanes) {
      const span = laneSpans(view).find((s) => s.index === zone.laneIndex)!;
      for (const [u, v] of zone.polygon) {
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(640);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(360);
        // every vertex lies on the lane rectangle (0..60 m) or on the frame's edge
        const [x, y] = projection.imageToGround([u, v]);
        expect(x).toBeGreaterThan(span.left - 0.05);
        expect(x).toBeLessThan(span.right + 0.05);
        expect(y).toBeGreaterThan(-0.05);
        expect(y).toBeLessThan(60.05);
      }
      // the lane's middle at 30 m is inside its polygon
      expect(pointInPolygon(cam.project((span.left + span.right) / 2, 30, 0)!, zone.polygon)).toBe(true);
    }
  });

  it('clips polygons at the near plane instead of projecting points behind the camera', () => {
    // a ground rectangle under and behind the camera
    const poly = cam.projectPolygon([
      [-2, -40, 0],
      [2, -40, 0],
      [2, 10, 0],
      [-2, 10, 0],
    ]);
    expect(poly.length).toBeGreaterThanOrEqual(3);
    for (const [u, v] of poly) {
      expect(Number.isFinite(u) && Number.isFinite(v)).toBe(true);
    }
    expect(cam.project(0, -40, 0)).toBeNull();
    expect(clipNear([[0, 0, -1], [1, 0, -1], [1, 0, -2]], 0.5)).toEqual([]);
  });

  it('scales the intrinsics with the frame size', () => {
    const big = new PinholeCamera(resizeCamera(camera, 1280, 720));
    const [u, v] = cam.project(1, 20, 0)!;
    const [U, V] = big.project(1, 20, 0)!;
    expect(U).toBeCloseTo(2 * u, 6);
    expect(V).toBeCloseTo(2 * v, 6);
  });
});

describe('renderApproach', () => {
  const camera = defaultSyntheticCamera(approach([]));

  it('returns an RGB frame with texture, deterministic for a seed', async () => {
    const view = queue();
    const a = await renderApproach(view, camera, { seed: 5 });
    const b = await renderApproach(view, camera, { seed: 5 });
    const c = await renderApproach(view, camera, { seed: 6 });
    // whatever was rendered in between
    await renderApproach(approach([vehicle(99, 'bus', 0, 3)]), camera, { seed: 5 });
    const d = await renderApproach(view, camera, { seed: 5 });
    expect(Buffer.compare(a.frame.data, d.frame.data)).toBe(0);
    expect(a.frame.width).toBe(640);
    expect(a.frame.height).toBe(360);
    expect(a.frame.data.length).toBe(640 * 360 * 3);
    expect(Buffer.compare(a.frame.data, b.frame.data)).toBe(0);
    expect(a.truth).toEqual(b.truth);
    expect(Buffer.compare(a.frame.data, c.frame.data)).not.toBe(0);
    expect(variance(a.frame.data)).toBeGreaterThan(400);
    expect(a.jpeg?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('gives every vehicle in view a truth box inside the frame, with class, lane, ground position and visibility', async () => {
    const view = queue();
    const { truth } = await renderApproach(view, camera, { seed: 1 });
    expect(truth.map((t) => t.id).sort((x, y) => x - y)).toEqual(view.vehicles.map((v) => v.id));
    for (const t of truth) {
      const v = view.vehicles.find((x) => x.id === t.id)!;
      expect(t.class).toBe(v.class);
      expect(t.laneIndex).toBe(v.laneIndex);
      expect(t.distanceM).toBe(v.distanceM);
      expect(t.ground[1]).toBe(v.distanceM);
      const [x1, y1, x2, y2] = t.box;
      expect(x1).toBeGreaterThanOrEqual(0);
      expect(y1).toBeGreaterThanOrEqual(0);
      expect(x2).toBeLessThanOrEqual(640);
      expect(y2).toBeLessThanOrEqual(360);
      expect(x2 - x1).toBeGreaterThan(3);
      expect(y2 - y1).toBeGreaterThan(3);
      expect(t.visibility).toBeGreaterThanOrEqual(0);
      expect(t.visibility).toBeLessThanOrEqual(1);
      // the box's bottom middle is the front bumper on the road, give or take the wheels and the shadowless edge
      const bumper = new PinholeCamera(camera).project(t.ground[0], t.ground[1], 0)!;
      expect(Math.abs(bumper[1] - y2)).toBeLessThan(6);
    }
    // the front row is fully visible; somebody behind the bus is partly hidden
    expect(truth.find((t) => t.distanceM === 0.5 && t.class === 'car')!.occluded).toBe(0);
    expect(truth.some((t) => t.occluded > 0.2)).toBe(true);
  });

  it('boxes grow as a vehicle approaches the camera, and leave the frame past its edge', async () => {
    const heights: number[] = [];
    for (const d of [55, 40, 25, 12, 5, 0]) {
      const { truth } = await renderApproach(approach([vehicle(7, 'car', 0, d)]), camera, { seed: 2 });
      expect(truth).toHaveLength(1);
      expect(truth[0]!.inFrame).toBe(1);
      heights.push(truth[0]!.box[3] - truth[0]!.box[1]);
    }
    for (let i = 1; i < heights.length; i++) expect(heights[i]!).toBeGreaterThan(heights[i - 1]!);
    // far past the stop line, under the camera: out of the frame
    const gone = await renderApproach(approach([vehicle(7, 'car', 0, -30)]), camera, { seed: 2 });
    expect(gone.truth).toHaveLength(0);
  });

  it("draws each vehicle inside its truth box: the box's pixels differ from the empty road", async () => {
    const view = queue();
    const full = await renderApproach(view, camera, { seed: 3, noise: 0, jpegQuality: 0 });
    const empty = await renderApproach({ ...view, vehicles: [] }, camera, { seed: 3, noise: 0, jpegQuality: 0 });
    expect(empty.truth).toEqual([]);
    for (const t of full.truth.filter((x) => x.visibility > 0.9)) {
      const [x1, y1, x2, y2] = t.box.map(Math.round) as [number, number, number, number];
      let changed = 0;
      let total = 0;
      for (let y = y1; y < y2; y++) {
        for (let x = x1; x < x2; x++) {
          const q = (y * 640 + x) * 3;
          const diff = Math.max(...[0, 1, 2].map((c) => Math.abs(full.frame.data[q + c]! - empty.frame.data[q + c]!)));
          if (diff > 25) changed++;
          total++;
        }
      }
      expect(changed / total).toBeGreaterThan(0.3);
    }
    // a corner of the sky / far buildings, away from every vehicle, is unchanged
    let diff = 0;
    for (let x = 0; x < 40; x++) diff += Math.abs(full.frame.data[(5 * 640 + x) * 3]! - empty.frame.data[(5 * 640 + x) * 3]!);
    expect(diff).toBe(0);
  });

  it('degrades: blur and noise change the frame, and more blur lowers the high-frequency energy', async () => {
    const view = queue();
    const sharpFrame = await renderApproach(view, camera, { seed: 1, blur: 0, noise: 0, jpegQuality: 0 });
    const blurred = await renderApproach(view, camera, { seed: 1, blur: 2, noise: 0, jpegQuality: 0 });
    const energy = (data: Buffer) => {
      let e = 0;
      for (let i = 3; i < data.length; i++) e += Math.abs(data[i]! - data[i - 3]!);
      return e;
    };
    expect(energy(blurred.frame.data)).toBeLessThan(0.7 * energy(sharpFrame.frame.data));
    const noisy = await renderApproach(view, camera, { seed: 1, blur: 0, noise: 6, jpegQuality: 0 });
    expect(Buffer.compare(noisy.frame.data, sharpFrame.frame.data)).not.toBe(0);
    // the truth does not depend on the degradation
    expect(noisy.truth).toEqual(sharpFrame.truth);
  });
});

function pointInPolygon([x, y]: [number, number], polygon: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
