import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../src/detect/create-detector.ts';
import type { Box, Detection, DetectionClass } from '../src/detect/detection.ts';
import type { VehicleDetector } from '../src/detect/detector.ts';
import { intersectionOverUnion } from '../src/detect/nms.ts';
import { DetectorError } from '../src/errors.ts';
import { opencvDocPhotos, preparedDefaultModel } from './support/default-model.ts';

let detector: VehicleDetector;

beforeAll(async () => {
  const model = await preparedDefaultModel();
  detector = await createDetector({ kind: 'nanodet', modelPath: model.modelPath, scoreThreshold: 0.3 });
});

afterAll(async () => {
  await detector?.close();
});

function describeDetections(photo: string, detections: readonly Detection[]): void {
  console.log(`${photo}:\n${detections.map((d) => `  ${d.class.padEnd(9)} ${d.score.toFixed(2)}  [${d.box.map((v) => Math.round(v)).join(', ')}]`).join('\n')}`);
}

function best(detections: readonly Detection[], classes: readonly DetectionClass[], where: (box: Box) => boolean = () => true): Detection | undefined {
  return detections.filter((detection) => classes.includes(detection.class) && where(detection.box)).sort((a, b) => b.score - a.score)[0];
}

describe('NanoDet on real photographs (opencv-doc)', () => {
  it('finds the double-decker bus and the cars beside it (546x413 street photo)', async () => {
    const detections = await detector.detect(opencvDocPhotos.doubleDeckerBus);
    describeDetections('pexels_double_decker_bus.jpg', detections);
    const bus = best(detections, ['bus']);
    expect(bus?.score).toBeGreaterThanOrEqual(0.8);
    // the bus fills the middle of the frame, from the left kerb to the right edge of its windscreen
    expect(intersectionOverUnion(bus?.box ?? [0, 0, 0, 0], [65, 115, 472, 392])).toBeGreaterThan(0.85);
    // the white car parked at the left edge, below the bus's top deck
    const leftCar = best(detections, ['car'], (box) => box[2] < 120 && box[1] > 250);
    expect(leftCar?.score).toBeGreaterThanOrEqual(0.5);
    // one vehicle box per vehicle: no car or truck on top of the bus
    expect(detections.filter((d) => d.class !== 'person' && d !== bus && intersectionOverUnion(d.box, bus?.box ?? [0, 0, 0, 0]) > 0.5)).toEqual([]);
  });

  it('finds the city bus (416x416, the model input size: no scaling)', async () => {
    const { detections, frameWidth, frameHeight } = await detector.run(opencvDocPhotos.bus);
    describeDetections('bus_det.jpg', detections);
    expect([frameWidth, frameHeight]).toEqual([416, 416]);
    const bus = best(detections, ['bus']);
    expect(bus?.score).toBeGreaterThanOrEqual(0.7);
    expect(intersectionOverUnion(bus?.box ?? [0, 0, 0, 0], [15, 110, 390, 340])).toBeGreaterThan(0.8);
  });

  it('still finds a car in a heavily motion-blurred close-up', async () => {
    const detections = await detector.detect(opencvDocPhotos.blurredCar);
    describeDetections('licenseplate_motion.jpg', detections);
    const car = best(detections, ['car']);
    expect(car?.score).toBeGreaterThanOrEqual(0.3);
    // the car fills the frame
    expect(intersectionOverUnion(car?.box ?? [0, 0, 0, 0], [0, 0, 600, 482])).toBeGreaterThan(0.6);
  });

  it('finds the van and car parked at the far end of a campus scene, and the walking people', async () => {
    const detections = await detector.detect(opencvDocPhotos.campus);
    describeDetections('Background_Subtraction_Tutorial_frame.jpg', detections);
    // the white van sits at about (486..544, 33..74) in the top right corner of the 576x432 frame
    const van = best(detections, ['car', 'truck', 'bus'], (box) => box[0] > 470 && box[2] < 560 && box[3] < 90);
    expect(van?.score).toBeGreaterThanOrEqual(0.3);
    // and the car cut by the right edge behind it
    const car = best(detections, ['car'], (box) => box[0] > 540 && box[3] < 90);
    expect(car?.score).toBeGreaterThanOrEqual(0.3);
    expect(detections.filter((d) => d.class === 'person' && d.score >= 0.5).length).toBeGreaterThanOrEqual(5);
  });

  it('gives the same result for a raw RGB frame as for the encoded file, and honours the class filter', async () => {
    const { data, info } = await sharp(opencvDocPhotos.doubleDeckerBus).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const fromRaw = await detector.detect({ data, width: info.width, height: info.height });
    const fromFile = await detector.detect(opencvDocPhotos.doubleDeckerBus);
    expect(fromRaw).toEqual(fromFile);
    const carsOnly = await createDetector({ kind: 'nanodet', modelPath: (await preparedDefaultModel()).modelPath, scoreThreshold: 0.3, classes: ['car'] });
    try {
      const cars = await carsOnly.detect({ data, width: info.width, height: info.height });
      expect(cars.length).toBeGreaterThan(0);
      expect(cars.every((d) => d.class === 'car')).toBe(true);
      expect(cars).toEqual(fromFile.filter((d) => d.class === 'car'));
    } finally {
      await carsOnly.close();
    }
  });

  it('rejects frames it cannot read with a typed error', async () => {
    await expect(detector.detect({ data: new Uint8Array(10), width: 4, height: 4 })).rejects.toMatchObject({ name: 'DetectorError', kind: 'input' });
    await expect(detector.detect('/nonexistent/frame.jpg')).rejects.toBeInstanceOf(DetectorError);
    await expect(detector.detect('/nonexistent/frame.jpg')).rejects.toMatchObject({ kind: 'io', code: 'IO' });
    await expect(detector.detect(Buffer.from('not an image'))).rejects.toThrow(/cannot decode encoded image/);
  });
});
