import { GroundCalibration, type CameraLaneZone } from '@greenwave/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalibrationError } from '../src/zones/calibration-error.ts';
import { CountLineCrossings } from '../src/zones/count-line-crossings.ts';
import { type Homography, type PlanePoint, applyHomography, groundProjectionFromCalibration, homographyFromPoints } from '../src/zones/homography.ts';
import { groundContactPoint, laneZoneOfBox, laneZoneOfPoint } from '../src/zones/lane-assignment.ts';
import { pointInPolygon } from '../src/zones/polygon.ts';
import { stopLineQueue } from '../src/zones/stop-line-queue.ts';

/** A quadrilateral with one corner near each corner of a width x height rectangle, clockwise from top-left. */
const quad = (width: number, height: number) => {
  const corner = (cellX: number, cellY: number) =>
    fc.tuple(fc.double({ min: cellX * width * 0.65, max: cellX * width * 0.65 + width * 0.35, noNaN: true }), fc.double({ min: cellY * height * 0.65, max: cellY * height * 0.65 + height * 0.35, noNaN: true }));
  // clockwise from top-left, as a user clicks lane corners
  return fc.tuple(corner(0, 0), corner(1, 0), corner(1, 1), corner(0, 1));
};

/** Whether the corners, in order, turn the same way at each corner (what four points on a road plane look like). */
function isConvex(points: readonly PlanePoint[]): boolean {
  const turns = points.map((a, i) => {
    const b = points[(i + 1) % 4]!;
    const c = points[(i + 2) % 4]!;
    return Math.sign((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]));
  });
  return turns.every((turn) => turn !== 0 && turn === turns[0]);
}

/** Smallest |cross product| of any three points over the extent squared: 0 for collinear points. */
function flatness(points: readonly PlanePoint[]): number {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const extent = Math.hypot(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  let smallest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 4; i++)
    for (let j = i + 1; j < 4; j++)
      for (let k = j + 1; k < 4; k++) {
        const [a, b, c] = [points[i]!, points[j]!, points[k]!];
        smallest = Math.min(smallest, Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) / (extent * extent));
      }
  return smallest;
}

/** A point inside the quadrilateral: a convex combination of its corners. */
const insideOf = (points: readonly PlanePoint[], weights: readonly number[]): [number, number] => {
  const total = weights.reduce((sum, w) => sum + w, 0);
  return [points.reduce((sum, p, i) => sum + (p[0] * weights[i]!) / total, 0), points.reduce((sum, p, i) => sum + (p[1] * weights[i]!) / total, 0)];
};

describe('homography', () => {
  it('round-trips ground -> image -> ground within 1e-6 m and maps the calibration points onto each other (property)', () => {
    fc.assert(
      fc.property(quad(1920, 1080), quad(20, 80), fc.array(fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 10 }), (image, ground, weights) => {
        fc.pre(isConvex(image) && isConvex(ground) && flatness(image) > 1e-3 && flatness(ground) > 1e-3);
        const projection = groundProjectionFromCalibration(GroundCalibration.parse({ image, ground }));
        image.forEach((pixel, i) => {
          const [x, y] = projection.imageToGround(pixel);
          expect(Math.hypot(x - ground[i]![0], y - ground[i]![1])).toBeLessThan(1e-6);
        });
        for (const w of weights) {
          const point = insideOf(ground, w);
          const back = projection.imageToGround(projection.groundToImage(point));
          expect(Math.hypot(back[0] - point[0], back[1] - point[1])).toBeLessThan(1e-6);
          expect(projection.seesGround(projection.groundToImage(point))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('recovers a known perspective mapping from four of its points', () => {
    // ground -> image of a camera looking along the road: strong perspective in y
    const truth: Homography = [-40, 3, 700, 2, 6, 900, 0.001, 0.09, 1];
    const ground: PlanePoint[] = [
      [0, 0],
      [10.5, 0],
      [10.5, 60],
      [0, 60],
    ];
    const fitted = homographyFromPoints(
      ground.map((p) => applyHomography(truth, p)),
      ground,
    );
    for (const point of [
      [1, 1],
      [5.25, 30],
      [9, 55],
      [3, -3],
      [7, 80],
    ] as PlanePoint[]) {
      const [x, y] = applyHomography(fitted, applyHomography(truth, point));
      expect(x).toBeCloseTo(point[0], 9);
      expect(y).toBeCloseTo(point[1], 9);
    }
  });

  const goodImage: PlanePoint[] = [
    [400, 300],
    [900, 300],
    [1200, 700],
    [100, 700],
  ];
  const goodGround: PlanePoint[] = [
    [0, 50],
    [10.5, 50],
    [10.5, 0],
    [0, 0],
  ];

  it('explains a degenerate calibration: three points on a line, a repeated point, a different order', () => {
    const collinear = goodImage.map((p, i) => (i === 2 ? ([650, 300] as PlanePoint) : p));
    const error = catchError(() => groundProjectionFromCalibration({ image: collinear as [number, number][], ground: goodGround as [number, number][] }));
    expect(error).toBeInstanceOf(CalibrationError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', field: 'calibration.image', pointIndices: [0, 1, 2] });
    expect(error.message).toMatch(/calibration\.image: points 0, 1 and 2 \[400, 300\] \[900, 300\] \[650, 300\] lie on one line/);

    const repeated = goodGround.map((p, i) => (i === 3 ? goodGround[0]! : p));
    expect(catchError(() => homographyFromPoints(goodImage, repeated, { from: 'calibration.image', to: 'calibration.ground' }))).toMatchObject({ field: 'calibration.ground' });

    const swapped = [goodGround[0]!, goodGround[2]!, goodGround[1]!, goodGround[3]!];
    const orderError = catchError(() => homographyFromPoints(goodImage, swapped, { from: 'calibration.image', to: 'calibration.ground' }));
    expect(orderError).toBeInstanceOf(CalibrationError);
    expect(orderError.message).toMatch(/not listed in the same order as calibration\.image/);

    expect(catchError(() => homographyFromPoints(goodImage.slice(0, 3), goodGround))).toMatchObject({ message: 'from: needs exactly 4 points, got 3' });
    expect(catchError(() => homographyFromPoints(goodImage, goodGround.map((p, i) => (i === 1 ? ([Number.NaN, 0] as PlanePoint) : p))))).toMatchObject({ field: 'to', pointIndices: [1] });
    expect(() => homographyFromPoints(goodImage, goodGround)).not.toThrow();
  });

  it('tells points beyond the horizon from points on the road', () => {
    const projection = groundProjectionFromCalibration({ image: goodImage as [number, number][], ground: goodGround as [number, number][] });
    const horizonY = projection.groundToImage([5, 1e9])[1];
    expect(projection.seesGround([650, horizonY + 5])).toBe(true);
    expect(projection.seesGround([650, horizonY - 5])).toBe(false);
  });
});

describe('point in polygon and lane assignment', () => {
  const lanes: CameraLaneZone[] = [
    {
      approachId: 'N',
      laneIndex: 0,
      polygon: [
        [100, 700],
        [600, 700],
        [630, 300],
        [450, 300],
      ],
    },
    {
      approachId: 'N',
      laneIndex: 1,
      polygon: [
        [600, 700],
        [1100, 700],
        [810, 300],
        [630, 300],
      ],
    },
  ];

  it('handles a concave polygon', () => {
    const notch: PlanePoint[] = [
      [0, 0],
      [10, 0],
      [10, 10],
      [5, 4],
      [0, 10],
    ];
    expect(pointInPolygon([5, 2], notch)).toBe(true);
    expect(pointInPolygon([5, 8], notch)).toBe(false);
    expect(pointInPolygon([9, 8], notch)).toBe(true);
    expect(pointInPolygon([11, 5], notch)).toBe(false);
  });

  it('puts every point of the shared edge of two lanes in exactly one of them (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (t) => {
        const point: PlanePoint = [600 + (630 - 600) * t, 700 + (300 - 700) * t];
        const inside = lanes.filter((lane) => pointInPolygon(point, lane.polygon as PlanePoint[]));
        expect(inside).toHaveLength(1);
      }),
    );
  });

  it('assigns a box to the lane under the middle of its bottom edge, not where most of the box is', () => {
    // a tall truck leaning into lane 1 in the image while its wheels are in lane 0
    const box: [number, number, number, number] = [500, 380, 720, 650];
    expect(groundContactPoint(box)).toEqual([610, 650]);
    expect(laneZoneOfBox(box, lanes)?.laneIndex).toBe(1);
    const wheelsInLaneZero: [number, number, number, number] = [450, 380, 700, 650];
    expect(laneZoneOfBox(wheelsInLaneZero, lanes)?.laneIndex).toBe(0);
    expect(laneZoneOfPoint([50, 650], lanes)).toBeUndefined();
  });
});

describe('count line crossings', () => {
  const margin = 1;

  it('never counts a track that jitters around the line by less than the margin (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 50, noNaN: true }), fc.array(fc.double({ min: -0.999, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 200 }), (lineY, offsets) => {
        const counter = new CountLineCrossings([{ name: 'stop line', groundY: lineY }], { marginM: margin });
        for (const offset of offsets) expect(counter.update(7, lineY + offset * margin)).toEqual([]);
        expect(counter.hasCounted(7, 0)).toBe(false);
      }),
    );
  });

  it('counts a noisy track crossing once exactly once, however it jitters afterwards (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 3, max: 60, noNaN: true }),
        fc.double({ min: 0.3, max: 15, noNaN: true }),
        fc.array(fc.double({ min: -0.99, max: 0.99, noNaN: true }), { minLength: 300, maxLength: 300 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 50, maxLength: 50 }),
        (startY, stepM, noise, jitterAfter) => {
          const counter = new CountLineCrossings([{ name: 'stop line', groundY: 0 }], { marginM: margin });
          let counts = 0;
          let y = startY;
          let i = 0;
          // drive from upstream to well past the line with noise below the margin
          while (y > -5) {
            counts += counter.update(1, y + noise[i++ % noise.length]! * margin * 0.99).length;
            y -= stepM * 0.1;
          }
          // then wander around and across the line, even back upstream
          for (const step of jitterAfter) counts += counter.update(1, step * 5).length;
          expect(counts).toBe(1);
        },
      ),
    );
  });

  it('counts each line once per track, tracks waiting just before the line too, not tracks first seen past it', () => {
    const counter = new CountLineCrossings(
      [
        { name: 'stop line', groundY: 0 },
        { name: 'advance', groundY: 30 },
      ],
      { marginM: 1 },
    );
    expect(counter.update(1, 40)).toEqual([]);
    expect(counter.update(1, 28.5)).toEqual([1]);
    expect(counter.update(1, 10)).toEqual([]);
    expect(counter.update(1, -1.5)).toEqual([0]);
    expect(counter.update(1, 35)).toEqual([]);
    expect(counter.update(1, -3)).toEqual([]);
    // the first of a queue waits a few decimetres before the line: counted when it drives off
    expect(counter.update(2, 0.5)).toEqual([]);
    expect(counter.update(2, -4)).toEqual([0]);
    // first seen already past the line (it crossed before the camera saw it): never counted here
    expect(counter.update(4, -0.5)).toEqual([]);
    expect(counter.update(4, -4)).toEqual([]);
    expect(counter.update(3, 1.2)).toEqual([]);
    expect(counter.update(3, -1.2)).toEqual([0]);
    counter.forget(3);
    expect(counter.hasCounted(3, 0)).toBe(false);
    expect(counter.trackedCount).toBe(3);
  });
});

describe('count line crossings confirmed by two observations in a row', () => {
  it('never counts a standing track whose position flickers between two places on either side of the line (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.6, max: 3, noNaN: true }), fc.double({ min: 0.1, max: 3, noNaN: true }), fc.array(fc.boolean(), { minLength: 2, maxLength: 200 }), (downstreamM, upstreamM, pattern) => {
        const counter = new CountLineCrossings([{ name: 'count line', groundY: 3 }], { marginM: 0.5, confirmObservations: 2 });
        // upstream runs of any length, the downstream place never twice in a row
        let previousDown = false;
        for (const up of pattern) {
          const down: boolean = !up && !previousDown;
          expect(counter.update(1, down ? 3 - downstreamM : 3 + upstreamM)).toEqual([]);
          previousDown = down;
        }
      }),
    );
  });

  it('counts a vehicle seen twice upstream and then twice past the line, once', () => {
    const counter = new CountLineCrossings([{ name: 'count line', groundY: 3 }], { marginM: 0.5, confirmObservations: 2 });
    expect([6, 4.2, 2, 0.2, -1, -2.5].map((y) => counter.update(1, y))).toEqual([[], [], [], [0], [], []]);
    // one observation upstream is not enough to arm
    expect([3.5, 1, -1].map((y) => counter.update(2, y))).toEqual([[], [], []]);
    expect(() => new CountLineCrossings([], { confirmObservations: 0 })).toThrow(/confirmObservations/);
  });

  it('counts a track seen driving downstream on its first observation past the margin, once', () => {
    const counter = new CountLineCrossings([{ name: 'count line', groundY: 3 }], { marginM: 0.5, confirmObservations: 2 });
    // seen once past the line, then lost: counted only when it was moving
    expect([8, 5.6, 1.2].map((y) => counter.update(1, y, y < 8))).toEqual([[], [], [0]]);
    expect([8, 5.6, 1.2].map((y) => counter.update(2, y, false))).toEqual([[], [], []]);
    expect(counter.update(1, -1, true)).toEqual([]);
  });
});

describe('count line crossings of slow tracks', () => {
  it('never counts a track not seen driving whose box reaches less than the slow margin past the line, however long (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1.55, max: 6, noNaN: true }), { minLength: 2, maxLength: 300 }), (ys) => {
        // a motorbike waiting before the line, boxed now alone (upstream), now with the one in front (up to 1.45 m past)
        const counter = new CountLineCrossings([{ name: 'count line', groundY: 3 }], { marginM: 0.5, slowMarginM: 1.5, confirmObservations: 2 });
        for (const y of [4, 4, ...ys]) expect(counter.update(1, y, false)).toEqual([]);
      }),
    );
  });

  it('counts a slow track once it is the slow margin past the line, and a moving one at the margin', () => {
    const counter = new CountLineCrossings([{ name: 'count line', groundY: 3 }], { marginM: 0.5, slowMarginM: 1.5, confirmObservations: 2 });
    expect([4, 3.5, 2.2, 2, 1.4, 1.2, 0.5].map((y) => counter.update(1, y, false))).toEqual([[], [], [], [], [], [0], []]);
    expect([6, 4.5, 2.2].map((y) => counter.update(2, y, true))).toEqual([[], [], [0]]);
    expect(() => new CountLineCrossings([], { slowMarginM: -1 })).toThrow(/slow margin/);
  });
});

describe('count line crossings of tracks lost past the line', () => {
  it('counts a lost track that was armed and twice past the moving margin, once; not one past it once, nor a handed-over one', () => {
    const counter = new CountLineCrossings([{ name: 'count line', groundY: 3 }], { marginM: 0.5, slowMarginM: 1, confirmObservations: 2 });
    // pulling away slowly: 2.4 and 2.2 are past the moving margin (2.5), not twice past the slow one (2)
    expect([5, 4, 2.4, 2.2].map((y) => counter.update(1, y, false))).toEqual([[], [], [], []]);
    expect(counter.countLost(1, 0)).toBe(true);
    expect(counter.countLost(1, 0)).toBe(false);
    expect(counter.update(1, 0.5, true)).toEqual([]); // found again: counted already
    // once past the margin, then back: no run of two
    expect([5, 4, 2.4, 2.7].map((y) => counter.update(2, y, false))).toEqual([[], [], [], []]);
    expect(counter.countLost(2, 0)).toBe(false);
    // never armed (first seen past the line)
    expect([2.4, 2.2].map((y) => counter.update(3, y, false))).toEqual([[], []]);
    expect(counter.countLost(3, 0)).toBe(false);
    // its progress went to the track that continued it
    [5, 4, 2.4, 2.2].forEach((y) => counter.update(4, y, false));
    counter.handOver(4, 5);
    expect(counter.countLost(4, 0)).toBe(false);
    expect(counter.countLost(99, 0)).toBe(false);
  });

  it('never counts a standing track that flickers past the line and is lost (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.6, max: 3, noNaN: true }), fc.array(fc.boolean(), { minLength: 2, maxLength: 100 }), (downstreamM, pattern) => {
        const counter = new CountLineCrossings([{ name: 'count line', groundY: 3 }], { marginM: 0.5, slowMarginM: 1, confirmObservations: 2 });
        let previousDown = false;
        for (const up of [true, true, ...pattern]) {
          const down: boolean = !up && !previousDown;
          counter.update(1, down ? 3 - downstreamM : 3.4, false);
          previousDown = down;
          expect(counter.countLost(1, 0)).toBe(false);
        }
      }),
    );
  });
});

describe('stop-line queue', () => {
  const car = (frontM: number, speedMps: number | null = 0) => ({ frontM, lengthM: 4.5, pcu: 1, speedMps });
  const motorbike = (frontM: number, speedMps = 0) => ({ frontM, lengthM: 1.9, pcu: 0.3, speedMps });

  it('chains stopped vehicles back from the stop line with gaps of at most 8 m', () => {
    // 0.5..5, 7.5..12, 14.5..19 | 27.5 starts 8.5 m behind the queue: not part of it
    expect(stopLineQueue([car(14.5), car(0.5), car(27.5), car(7.5)])).toEqual({ lengthM: 19, vehicles: 3, pcu: 3 });
    // a gap of exactly 8 m still joins
    expect(stopLineQueue([car(0.5), car(13)])).toEqual({ lengthM: 17.5, vehicles: 2, pcu: 2 });
  });

  it('ends the queue at the first vehicle moving at 2 m/s or more, or of unknown speed', () => {
    expect(stopLineQueue([car(0.5), car(7.5, 2.5), car(14.5)])).toMatchObject({ vehicles: 1, lengthM: 5 });
    expect(stopLineQueue([car(0.5), car(7.5, 1.9), car(14.5)])).toMatchObject({ vehicles: 3, lengthM: 19 });
    expect(stopLineQueue([car(0.5), car(7.5, null), car(14.5)])).toMatchObject({ vehicles: 1 });
    expect(stopLineQueue([car(0.5, 5), car(7.5)])).toEqual({ lengthM: 0, vehicles: 0, pcu: 0 });
    // no queue when the first stopped vehicle is more than 8 m from the stop line
    expect(stopLineQueue([car(9)])).toEqual({ lengthM: 0, vehicles: 0, pcu: 0 });
  });

  it('counts motorbikes side by side as one rank and ignores vehicles past the stop line', () => {
    const queue = stopLineQueue([motorbike(0.3), motorbike(0.4), motorbike(3.2), motorbike(3.3), car(6.5), car(-6, 8)]);
    expect(queue.vehicles).toBe(5);
    expect(queue.pcu).toBeCloseTo(2.2, 9);
    expect(queue.lengthM).toBeCloseTo(11, 9);
    // nose over the line, still heading the queue
    expect(stopLineQueue([car(-0.4), car(6.6)])).toEqual({ lengthM: 11.1, vehicles: 2, pcu: 2 });
  });

  it('never lets a vehicle standing more than 1 m over the line head the queue, whatever its length (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: -1.001, noNaN: true }), fc.double({ min: 1.5, max: 18, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true }), (front, length, behind) => {
        const queue = stopLineQueue([{ frontM: front, lengthM: length, pcu: 2, speedMps: 0 }, car(behind)]);
        // the vehicle behind it is queued only if it stands within 8 m of the line, as if the other were not there
        expect(queue).toEqual(stopLineQueue([car(behind)]));
      }),
    );
    expect(stopLineQueue([car(-0.9), car(6)]).vehicles).toBe(2);
  });
});

function catchError(run: () => unknown): Error & Record<string, unknown> {
  try {
    run();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected an error');
}
