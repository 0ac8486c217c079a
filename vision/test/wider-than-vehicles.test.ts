import type { ApproachView } from '@greenwave/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Box, Detection } from '../src/detect/detection.ts';
import { MAX_WIDTH_IN_BUSES, withoutWiderThanVehicles } from '../src/pipeline/wider-than-vehicles.ts';
import { defaultSyntheticCamera } from '../src/synthetic/camera.ts';
import { syntheticCameraConfig } from '../src/synthetic/camera-config.ts';
import { cameraFromGround } from '../src/zones/camera-from-ground.ts';
import { groundProjectionFromCalibration } from '../src/zones/homography.ts';
import { SIZE_PROTOTYPES, SizeFit } from '../src/zones/size-class.ts';

const view = (lanes: number): Pick<ApproachView, 'intersectionId' | 'approachId' | 'lanes'> => ({
  intersectionId: 'j',
  approachId: 'N',
  lanes: Array.from({ length: lanes }, (_, index) => ({ index, widthM: 3.5 })),
});

/** The image box of a vehicle (width x length x height m) with its front middle at ground (x, y), facing the stop line. */
function vehicleBox(project: (p: [number, number, number]) => [number, number] | undefined, x: number, y: number, size: [number, number, number]): Box | undefined {
  let box: Box | undefined;
  for (const across of [x - size[0] / 2, x + size[0] / 2])
    for (const along of [y, y + size[1]])
      for (const up of [0, size[2]]) {
        const p = project([across, along, up]);
        if (p === undefined) return undefined;
        box = box === undefined ? [p[0], p[1], p[0], p[1]] : [Math.min(box[0], p[0]), Math.min(box[1], p[1]), Math.max(box[2], p[0]), Math.max(box[3], p[1])];
      }
  return box;
}

const detection = (box: Box): Detection => ({ class: 'bus', score: 0.3, box });

describe('boxes wider than any vehicle', () => {
  it('keeps every motorbike, car, truck and bus on the approach, two motorbikes abreast too, and drops boxes wider than two buses (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 6, max: 12, noNaN: true }),
        fc.double({ min: -1, max: 80, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom<[number, number, number]>([0.8, 1.9, 1.5], [2, 1.9, 1.5], [1.8, 4.5, 1.5], [2.5, 9, 3.2], [2.5, 11, 3.2]),
        fc.double({ min: 1.05, max: 6, noNaN: true }),
        (lanes, heightM, y, across, size, wider) => {
          const v = view(lanes);
          const config = syntheticCameraConfig(v, defaultSyntheticCamera(v, { width: 640, height: 360, heightM }), {});
          const projection = groundProjectionFromCalibration(config.calibration);
          const camera = cameraFromGround(projection, 640, 360)!;
          const fit = new SizeFit(camera, projection, 640, 360);
          // anywhere on the road, wholly inside it
          const x = (across - 0.5) * (lanes * 3.5 - size[0]);
          const box = vehicleBox((p) => camera.project(p), x, y, size);
          if (box !== undefined) expect(withoutWiderThanVehicles([detection(box)], fit)).toHaveLength(1);
          // a box `wider` times as wide as the widest vehicle would stand there is dropped
          const bus = vehicleBox((p) => camera.project(p), x, y, [SIZE_PROTOTYPES.bus.widthM, SIZE_PROTOTYPES.bus.lengthM, SIZE_PROTOTYPES.bus.heightM]);
          const truck = vehicleBox((p) => camera.project(p), x, y, [SIZE_PROTOTYPES.truck.widthM, SIZE_PROTOTYPES.truck.lengthM, SIZE_PROTOTYPES.truck.heightM]);
          if (bus === undefined || truck === undefined) return;
          const widest = Math.max(bus[2] - bus[0], truck[2] - truck[0]);
          const middle = (bus[0] + bus[2]) / 2;
          const half = (MAX_WIDTH_IN_BUSES * wider * widest) / 2;
          expect(withoutWiderThanVehicles([detection([middle - half, bus[1], middle + half, bus[3]])], fit)).toEqual([]);
        },
      ),
    );
  });
});
