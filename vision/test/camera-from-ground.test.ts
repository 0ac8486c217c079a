import type { ApproachView } from '@greenwave/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PinholeCamera, defaultSyntheticCamera } from '../src/synthetic/camera.ts';
import { syntheticCameraConfig } from '../src/synthetic/camera-config.ts';
import type { Box } from '../src/detect/detection.ts';
import { cameraFromGround } from '../src/zones/camera-from-ground.ts';
import { SIZE_PROTOTYPES, SizeEvidence, SizeFit, type SizePrototype } from '../src/zones/size-class.ts';
import { groundProjectionFromCalibration } from '../src/zones/homography.ts';

const view = (lanes: number): Pick<ApproachView, 'intersectionId' | 'approachId' | 'lanes'> => ({
  intersectionId: 'j',
  approachId: 'N',
  lanes: Array.from({ length: lanes }, (_, index) => ({ index, widthM: 3.5 })),
});

describe('cameraFromGround', () => {
  it('recovers focal length, mounting height and the projection of points above the road from a 4-point calibration', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 5, max: 14, noNaN: true }),
        fc.double({ min: 5, max: 40, noNaN: true }),
        fc.double({ min: -6, max: 6, noNaN: true }),
        fc.constantFrom([640, 360] as const, [1280, 720] as const, [800, 600] as const),
        (lanes, heightM, setbackM, offsetM, [width, height]) => {
          const v = view(lanes);
          const spec = defaultSyntheticCamera(v, { width, height, heightM, setbackM, xM: lanes * 3.5 + offsetM });
          const config = syntheticCameraConfig(v, spec);
          const camera = cameraFromGround(groundProjectionFromCalibration(config.calibration), width, height);
          expect(camera).toBeDefined();
          expect(camera!.focalPx).toBeCloseTo(spec.focalPx, -Math.log10(spec.focalPx * 0.01));
          expect(Math.abs(camera!.heightM - heightM)).toBeLessThan(0.05 * heightM);
          const truth = new PinholeCamera(spec);
          // the corners of a truck 20 m upstream in lane 0: 2.5 m wide, 9 m long, 3.2 m high
          for (const point of [[0.5, 20, 0], [3, 20, 3.2], [0.5, 29, 3.2], [3, 29, 0]] as const) {
            const expected = truth.project(point[0], point[1], point[2]);
            const got = camera!.project(point);
            expect(expected).not.toBeNull();
            expect(got).toBeDefined();
            expect(Math.hypot(got![0] - expected![0], got![1] - expected![1])).toBeLessThan(0.005 * width);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives no camera for a calibration no pinhole camera looking at the road can make', () => {
    // an affine ground mapping (a map drawn from straight above, no perspective): no focal length fits it
    const projection = groundProjectionFromCalibration({
      image: [[100, 500], [240, 500], [240, 100], [100, 100]],
      ground: [[0, 0], [7, 0], [7, 20], [0, 20]],
    });
    expect(cameraFromGround(projection, 640, 600)).toBeUndefined();
  });
});

describe('SizeFit', () => {
  const v = view(3);
  const spec = defaultSyntheticCamera(v, { width: 640, height: 360 });
  const truth = new PinholeCamera(spec);
  const projection = groundProjectionFromCalibration(syntheticCameraConfig(v, spec).calibration);
  const fit = new SizeFit(cameraFromGround(projection, 640, 360)!, projection, 640, 360);
  const boxOf = (x: number, y: number, { lengthM, widthM, heightM }: SizePrototype): Box => {
    const points = [];
    for (const dx of [-widthM / 2, widthM / 2]) for (const dy of [0, lengthM]) for (const z of [0, heightM]) points.push(truth.project(x + dx, y + dy, z)!);
    return [Math.min(...points.map((p) => p[0])), Math.min(...points.map((p) => p[1])), Math.max(...points.map((p) => p[0])), Math.max(...points.map((p) => p[1]))];
  };

  it('fits each prototype best to its own box, anywhere in the zone', () => {
    for (const name of ['car', 'truck', 'bus'] as const) {
      for (const [x, y] of [[1.75, 10], [5.25, 22], [8.75, 32]] as const) {
        const costs = fit.costs(boxOf(x, y, SIZE_PROTOTYPES[name]))!;
        expect(costs).toBeDefined();
        const best = (Object.keys(costs) as (keyof typeof costs)[]).reduce((a, b) => (costs[b] < costs[a] ? b : a));
        expect(best).toBe(name);
        expect(costs[name]).toBeLessThan(0.1);
      }
    }
  });

  it('does not size a box cut off by the frame edge or too small, and evidence falls back to the detector until it has a frame', () => {
    const car = boxOf(5.25, 25, SIZE_PROTOTYPES.car);
    expect(fit.costs([car[0], car[1], car[2], 360])).toBeUndefined();
    expect(fit.costs([0, car[1], car[2], car[3]])).toBeUndefined();
    expect(fit.costs([100, 100, 110, 110])).toBeUndefined();
    const evidence = new SizeEvidence();
    expect(evidence.classOr('truck')).toBe('truck');
    evidence.add(fit.costs(car)!);
    expect(evidence.classOr('truck')).toBe('car');
  });
});
