import type { VehicleClassName } from '@greenwave/contracts';
import type { Box } from '../detect/detection.ts';
import type { GroundCamera } from './camera-from-ground.ts';
import type { GroundProjection } from './homography.ts';
import { groundContactPoint } from './lane-assignment.ts';
import { type SizePrototype, prototypeImageBox } from './prototype-image-box.ts';

export type { SizePrototype };

/**
 * Car, truck or bus by size. Seen from a pole, NanoDet calls most cars trucks (measured on the pilots' synthetic
 * cameras: 58–67% of the cars it found in the zone) and most trucks buses, which puts 2.5 PCU and 9 m of queue where
 * a car stands. The calibrated camera knows how tall and wide a car, a truck and a bus standing at a box's ground
 * point would look; the prototype whose box fits best (summed over the track's frames) is the class.
 */
export type FourWheelClass = 'car' | 'truck' | 'bus';

/** Typical dimensions (m): a car (sedan to SUV), a rigid truck, a city bus — the twin's classes. */
export const SIZE_PROTOTYPES: Readonly<Record<FourWheelClass, SizePrototype>> = {
  car: { lengthM: 4.5, widthM: 1.8, heightM: 1.5 },
  truck: { lengthM: 9, widthM: 2.5, heightM: 3.2 },
  bus: { lengthM: 11, widthM: 2.5, heightM: 3.2 },
};

const FOUR_WHEEL: readonly FourWheelClass[] = ['car', 'truck', 'bus'];

/** Boxes this close to the frame edge (px) are cut off: their size says nothing. */
const EDGE_PX = 2;
/** Smaller boxes (px tall) are too coarse to size. */
const MIN_HEIGHT_PX = 16;

export function isFourWheel(vehicleClass: VehicleClassName): vehicleClass is FourWheelClass {
  return vehicleClass === 'car' || vehicleClass === 'truck' || vehicleClass === 'bus';
}

/** How badly each prototype fits detected boxes: |log(height ratio)| + |log(width ratio)| of the projected prototype box. */
export class SizeFit {
  constructor(
    private readonly camera: GroundCamera,
    private readonly projection: GroundProjection,
    private readonly frameWidth: number,
    private readonly frameHeight: number,
    private readonly prototypes: Readonly<Record<FourWheelClass, SizePrototype>> = SIZE_PROTOTYPES,
  ) {
    const all = FOUR_WHEEL.map((name) => prototypes[name]);
    this.envelope = { lengthM: Math.max(...all.map((p) => p.lengthM)), widthM: Math.max(...all.map((p) => p.widthM)), heightM: Math.max(...all.map((p) => p.heightM)) };
  }

  /** Each dimension's largest value over the prototypes (with the defaults, the bus). */
  private readonly envelope: SizePrototype;

  /** Each prototype's misfit for one box, or undefined when the box is cut off by the frame, too small, or off the road. */
  costs(box: Box): Record<FourWheelClass, number> | undefined {
    const [x1, y1, x2, y2] = box;
    const width = x2 - x1;
    const height = y2 - y1;
    if (x1 <= EDGE_PX || y1 <= EDGE_PX || x2 >= this.frameWidth - EDGE_PX || y2 >= this.frameHeight - EDGE_PX || height < MIN_HEIGHT_PX || width <= 0) return undefined;
    const contact = groundContactPoint(box);
    if (!this.projection.seesGround(contact)) return undefined;
    const [x, y] = this.projection.imageToGround(contact);
    const out = {} as Record<FourWheelClass, number>;
    for (const name of FOUR_WHEEL) {
      const expected = prototypeImageBox(this.camera, x, y, this.prototypes[name]);
      if (expected === undefined) return undefined;
      out[name] = Math.abs(Math.log(height / (expected[3] - expected[1]))) + Math.abs(Math.log(width / (expected[2] - expected[0])));
    }
    return out;
  }

  /**
   * Whether the box is more than `factor` times as wide as the largest prototype (a bus) would look standing at its
   * ground point. False when that cannot be told (bottom off the ground, prototype not in view).
   */
  widerThanAnyVehicle(box: Box, factor: number): boolean {
    const contact = groundContactPoint(box);
    if (!this.projection.seesGround(contact)) return false;
    const [x, y] = this.projection.imageToGround(contact);
    // the image of a 3D box is the hull of its corners', so the box of the prototypes' largest dimensions holds all of theirs
    const expected = prototypeImageBox(this.camera, x, y, this.envelope);
    return expected !== undefined && box[2] - box[0] > factor * (expected[2] - expected[0]);
  }
}

/** One track's summed misfits; the class is the best-fitting prototype once a frame could be sized. */
export class SizeEvidence {
  private readonly sums: Record<FourWheelClass, number> = { car: 0, truck: 0, bus: 0 };
  frames = 0;

  add(costs: Readonly<Record<FourWheelClass, number>>): void {
    for (const name of FOUR_WHEEL) this.sums[name] += costs[name];
    this.frames++;
  }

  /** The best-fitting four-wheel class, or `fallback` (the detector's) before any frame was sized. */
  classOr(fallback: FourWheelClass): FourWheelClass {
    if (this.frames === 0) return fallback;
    return FOUR_WHEEL.reduce((best, name) => (this.sums[name] < this.sums[best] ? name : best), fallback);
  }
}
