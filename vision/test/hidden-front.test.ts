import type { ApproachView } from '@greenwave/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Box } from '../src/detect/detection.ts';
import { defaultSyntheticCamera } from '../src/synthetic/camera.ts';
import { syntheticCameraConfig } from '../src/synthetic/camera-config.ts';
import { cameraFromGround } from '../src/zones/camera-from-ground.ts';
import { RIDDEN_MOTORBIKE, hiddenFront, hidingVehicle } from '../src/zones/hidden-front.ts';
import { groundProjectionFromCalibration } from '../src/zones/homography.ts';
import { LaneMeasurementBuilder } from '../src/zones/lane-measurement-builder.ts';
import { prototypeImageBox } from '../src/zones/prototype-image-box.ts';
import { SIZE_PROTOTYPES } from '../src/zones/size-class.ts';

const view: Pick<ApproachView, 'intersectionId' | 'approachId' | 'lanes'> = {
  intersectionId: 'j',
  approachId: 'N',
  lanes: [0, 1].map((index) => ({ index, widthM: 3.5 })),
};

function setup(heightM: number) {
  const config = syntheticCameraConfig(view, defaultSyntheticCamera(view, { width: 640, height: 360, heightM }), {});
  const projection = groundProjectionFromCalibration(config.calibration);
  const camera = cameraFromGround(projection, 640, 360)!;
  return { config, projection, camera };
}

const car = SIZE_PROTOTYPES.car;

describe('a vehicle hidden behind the one before it', () => {
  it('is placed within 0.5 m of where it stands, from the top of its box above the car hiding its front (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 6, max: 12, noNaN: true }),
        fc.double({ min: 0, max: 25, noNaN: true }),
        fc.double({ min: 0.3, max: 2.5, noNaN: true }),
        fc.double({ min: -0.6, max: 0.6, noNaN: true }),
        (heightM, carFront, gap, offset) => {
          const { projection, camera } = setup(heightM);
          const x = 1.75;
          const carBox = prototypeImageBox(camera, x, carFront, car)!;
          const bikeFront = carFront + car.lengthM + gap;
          const whole = prototypeImageBox(camera, x + offset, bikeFront, RIDDEN_MOTORBIKE)!;
          // only what shows above the car's roof line is boxed
          if (whole[3] <= carBox[1] + 2) return; // seen whole: nothing hidden
          const seen: Box = [whole[0], whole[1], whole[2], carBox[1] + 1];
          if (seen[3] - seen[1] < 4) return;
          // its middle beside the car's box in the picture: its bottom is in view, nothing hidden
          const middle = (seen[0] + seen[2]) / 2;
          if (middle < carBox[0] || middle > carBox[2]) return;
          const placedCar = { box: carBox, backM: carFront + car.lengthM };
          const hiding = hidingVehicle(seen, [placedCar]);
          expect(hiding).toBe(placedCar);
          const bottomGround = projection.imageToGround([(seen[0] + seen[2]) / 2, seen[3]]);
          expect(bottomGround[1]).toBeGreaterThan(bikeFront); // what the box's bottom alone would say
          const [across, along] = hiddenFront({ box: seen, bottomGround, hiding: hiding!, projection, camera, size: RIDDEN_MOTORBIKE, frameHeight: 360 });
          expect(Math.abs(along - bikeFront)).toBeLessThan(0.5);
          expect(Math.abs(across - (x + offset))).toBeLessThan(0.5);
          // never nearer than just behind the car, never further than the bottom says
          expect(along).toBeGreaterThanOrEqual(placedCar.backM);
          expect(along).toBeLessThanOrEqual(bottomGround[1] + 1e-9);
        },
      ),
    );
  });

  it('is not taken for hidden when it stands beside the other vehicle or in front of it (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 6, max: 12, noNaN: true }), fc.double({ min: 0, max: 25, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (heightM, front, along) => {
        const { camera } = setup(heightM);
        const carBox = prototypeImageBox(camera, 1.75, front, car)!;
        // a motorbike abreast of the car's front, in the next lane (its front within a metre of the car's)
        const beside = prototypeImageBox(camera, -0.9, Math.max(0, front + along), RIDDEN_MOTORBIKE)!;
        expect(hidingVehicle(beside, [{ box: carBox, backM: front + car.lengthM }])).toBeUndefined();
        // the car seen from the motorbike behind it: the nearer box is never hidden by a further one
        const behind = prototypeImageBox(camera, 1.75, front + car.lengthM + 1, RIDDEN_MOTORBIKE)!;
        expect(hidingVehicle(carBox, [{ box: behind, backM: front + car.lengthM + 1 + RIDDEN_MOTORBIKE.lengthM }])).toBeUndefined();
      }),
    );
  });

  it('without a pinhole camera, or when the top is cut off, stands just behind the hiding vehicle', () => {
    const { projection, camera } = setup(8);
    const carBox = prototypeImageBox(camera, 1.75, 5, car)!;
    const seen: Box = [300, 0, 320, carBox[1] + 1];
    const bottomGround = projection.imageToGround([310, seen[3]]);
    const hiding = { box: carBox, backM: 9.5 };
    for (const input of [
      { camera: undefined, box: [300, 40, 320, carBox[1] + 1] as Box },
      { camera, box: seen },
    ]) {
      const [, along] = hiddenFront({ ...input, bottomGround, hiding, projection, size: RIDDEN_MOTORBIKE, frameHeight: 360 });
      expect(along).toBeCloseTo(9.8, 6);
    }
  });

  it('the lane measurement places a motorbike boxed above a waiting car right behind it, so both make one queue', () => {
    const { config, camera } = setup(8);
    const builder = new LaneMeasurementBuilder({ camera: config });
    const x = 1.75;
    const carBox = prototypeImageBox(camera, x, 1, car)!;
    const whole = prototypeImageBox(camera, x, 1 + car.lengthM + 0.8, RIDDEN_MOTORBIKE)!;
    const seen: Box = [whole[0], whole[1], whole[2], carBox[1] + 1];
    for (let t = 0; t <= 2000; t += 200) {
      builder.observe(t, [
        { id: 1, class: 'car', box: carBox },
        { id: 2, class: 'motorbike', box: seen },
      ]);
    }
    const bike = builder.vehicles().find((v) => v.trackId === 2)!;
    expect(bike.frontM).toBeGreaterThan(1 + car.lengthM);
    expect(bike.frontM).toBeLessThan(1 + car.lengthM + 1.3);
    const measured = builder.observe(3000, [
      { id: 1, class: 'car', box: carBox },
      { id: 2, class: 'motorbike', box: seen },
    ]);
    const lane = measured[bike.laneZoneIndex!]!;
    expect(lane.vehiclesInZone).toBe(2);
    expect(lane.queueVehicles).toBe(2);
  });
});
