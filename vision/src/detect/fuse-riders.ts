import { boxArea, intersectionArea } from './nms.ts';
import type { Box, Detection } from './detection.ts';

export interface FuseRidersOptions {
  /** Intersection over the smaller box's area from which a person counts as riding a two-wheeler (default 0.3). */
  minOverlap?: number;
  /** Class of a ridden bicycle after fusion (default 'motorbike': COCO models often call scooters bicycles). */
  riddenBicycleClass?: 'motorbike' | 'bicycle';
}

/**
 * A COCO detector sees a motorbike with its rider as a `motorcycle` (or `bicycle`) box plus one or more `person`
 * boxes. Each person whose box overlaps a two-wheeler (by at least `minOverlap` of the smaller box) and whose
 * horizontal centre lies over it is taken as that vehicle's rider (the best-overlapping one when several qualify);
 * the vehicle becomes one motorbike with the union box and the highest score. Persons that ride nothing are kept.
 */
export function fuseRiders(detections: readonly Detection[], options: FuseRidersOptions = {}): Detection[] {
  const minOverlap = options.minOverlap ?? 0.3;
  const riddenBicycle = options.riddenBicycleClass ?? 'motorbike';
  const twoWheelers = detections.filter((detection) => detection.class === 'motorbike' || detection.class === 'bicycle');
  const riders = new Map<Detection, Detection[]>();
  const riding = new Set<Detection>();
  for (const person of detections) {
    if (person.class !== 'person') continue;
    let best: Detection | undefined;
    let bestOverlap = minOverlap;
    for (const vehicle of twoWheelers) {
      const overlap = riderOverlap(person.box, vehicle.box);
      if (overlap >= bestOverlap) {
        best = vehicle;
        bestOverlap = overlap;
      }
    }
    if (best === undefined) continue;
    riders.set(best, [...(riders.get(best) ?? []), person]);
    riding.add(person);
  }
  const fused: Detection[] = [];
  for (const detection of detections) {
    if (riding.has(detection)) continue;
    const onBoard = riders.get(detection);
    if (onBoard === undefined) {
      fused.push(detection);
      continue;
    }
    fused.push({
      class: detection.class === 'bicycle' ? riddenBicycle : 'motorbike',
      score: Math.max(detection.score, ...onBoard.map((rider) => rider.score)),
      box: onBoard.reduce<Box>((union, rider) => unionBox(union, rider.box), detection.box),
    });
  }
  return fused;
}

function riderOverlap(person: Box, vehicle: Box): number {
  const centreX = (person[0] + person[2]) / 2;
  if (centreX < vehicle[0] || centreX > vehicle[2]) return 0;
  const smaller = Math.min(boxArea(person), boxArea(vehicle));
  return smaller === 0 ? 0 : intersectionArea(person, vehicle) / smaller;
}

export function unionBox(a: Box, b: Box): Box {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}
