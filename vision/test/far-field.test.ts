import type { ApproachView } from '@greenwave/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Box, Detection } from '../src/detect/detection.ts';
import { cropRgb, farFieldRegion, mergeFarDetections } from '../src/pipeline/far-field.ts';
import { defaultSyntheticCamera } from '../src/synthetic/camera.ts';
import { syntheticCameraConfig } from '../src/synthetic/camera-config.ts';
import { groundProjectionFromCalibration } from '../src/zones/homography.ts';

const view = (lanes: number): Pick<ApproachView, 'intersectionId' | 'approachId' | 'lanes'> => ({
  intersectionId: 'j',
  approachId: 'N',
  lanes: Array.from({ length: lanes }, (_, index) => ({ index, widthM: 3.5 })),
});

const inside = (point: readonly [number, number], region: { x: number; y: number; width: number; height: number }) =>
  point[0] >= region.x && point[0] <= region.x + region.width && point[1] >= region.y && point[1] <= region.y + region.height;

describe('far field', () => {
  it('frames the road beyond the measurement zone, at the far detector’s aspect ratio, inside the frame', () => {
    let framed = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.double({ min: 6, max: 12, noNaN: true }), fc.integer({ min: 40, max: 70 }), (lanes, heightM, zoneLengthM) => {
        const v = view(lanes);
        const spec = defaultSyntheticCamera(v, { width: 640, height: 360, heightM });
        const config = syntheticCameraConfig(v, spec, { zoneLengthM });
        const projection = groundProjectionFromCalibration(config.calibration);
        const laneX = config.lanes.flatMap((lane) => lane.polygon.map((point) => projection.imageToGround(point)[0]));
        const region = farFieldRegion(projection, laneX, { zoneLengthM, toM: 150, inputSize: [320, 192], frameWidth: 640, frameHeight: 360 });
        const middle = (Math.min(...laneX) + Math.max(...laneX)) / 2;
        if (region === undefined) return; // a camera that sees the far road large gets no second detection
        framed++;
        expect(region.x).toBeGreaterThanOrEqual(0);
        expect(region.y).toBeGreaterThanOrEqual(0);
        expect(region.x + region.width).toBeLessThanOrEqual(640);
        expect(region.y + region.height).toBeLessThanOrEqual(360);
        expect(region.width).toBeLessThanOrEqual(0.6 * 640 + 1);
        // the middle of the road from the zone's end to 150 m is in it where the frame shows it; the stop line is not
        for (const y of [zoneLengthM + 5, 100, 145]) {
          const point = projection.groundToImage([middle, y]);
          if (point[1] >= 0) expect(inside(point, region)).toBe(true);
        }
        expect(inside(projection.groundToImage([middle, 0]), region)).toBe(false);
        // not clipped by the frame's edges, the region has the detector's 5:3 shape
        if (region.y > 0 && region.x > 0 && region.x + region.width < 640) expect(Math.abs(region.width / region.height - 320 / 192)).toBeLessThan(0.05);
      }),
    );
    expect(framed).toBeGreaterThan(50);
  });

  it('crops a raw RGB frame pixel for pixel', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 20 }), (x, y, width, height) => {
        const frame = { width: 80, height: 50, data: Uint8Array.from({ length: 80 * 50 * 3 }, (_, index) => (index * 7919) % 251) };
        const crop = cropRgb(frame, { x, y, width, height });
        expect([crop.width, crop.height]).toEqual([width, height]);
        for (const [cx, cy] of [[0, 0], [width - 1, height - 1], [width >> 1, height >> 1]] as const) {
          for (let channel = 0; channel < 3; channel++) expect(crop.data[(cy * width + cx) * 3 + channel]).toBe(frame.data[((y + cy) * 80 + x + cx) * 3 + channel]);
        }
      }),
    );
  });

  it('moves far detections into the frame, drops the ones cut by the region and the duplicates of full-frame ones', () => {
    const region = { x: 200, y: 0, width: 160, height: 96 };
    const det = (cls: Detection['class'], score: number, box: Box): Detection => ({ class: cls, score, box });
    const full = [det('truck', 0.6, [250, 60, 290, 90]), det('car', 0.5, [400, 200, 480, 260])];
    const far = [
      det('car', 0.7, [50, 62, 90, 89]), // the truck above, seen better: replaces it
      det('car', 0.4, [10, 10, 22, 20]), // a small car only the far detection sees
      det('motorbike', 0.5, [150, 40, 160, 60]), // cut by the region's right edge
      det('car', 0.45, [100, 0, 120, 12]), // at the frame's top edge: kept
    ];
    const merged = mergeFarDetections(full, far, region, 640, 360);
    expect(merged.map((d) => [d.class, d.score, d.box])).toEqual([
      ['car', 0.7, [250, 62, 290, 89]],
      ['car', 0.5, [400, 200, 480, 260]],
      ['car', 0.45, [300, 0, 320, 12]],
      ['car', 0.4, [210, 10, 222, 20]],
    ]);
  });
});
