import type { ControllerConfigInput, Intersection, RoadClass } from '@greenwave/contracts';
import { type LegSpec, type Phasing, buildIntersection } from '../network/intersection-builder.ts';

/** A four-leg junction with N/E/S/W legs, for tests and examples. Main street runs east-west. */
export function fourLegIntersection(options: {
  id?: string;
  phasing?: Phasing;
  mainLanes?: number;
  sideLanes?: number;
  mainClass?: RoadClass;
  sideClass?: RoadClass;
  control?: ControllerConfigInput;
  cycleS?: number;
} = {}): Intersection {
  const id = options.id ?? 'x1';
  const leg = (name: string, bearingDeg: number, lanes: number, roadClass: RoadClass): LegSpec => ({
    id: name,
    bearingDeg,
    inboundEdgeId: `${id}-${name}-in`,
    outboundEdgeId: `${id}-${name}-out`,
    inboundLanes: lanes,
    roadClass,
  });
  const main = options.mainLanes ?? 2;
  const side = options.sideLanes ?? 1;
  const mainClass = options.mainClass ?? 'arterial';
  const sideClass = options.sideClass ?? 'local';
  return buildIntersection({
    id,
    name: `Test junction ${id}`,
    legs: [leg('N', 0, side, sideClass), leg('E', 90, main, mainClass), leg('S', 180, side, sideClass), leg('W', 270, main, mainClass)],
    mainLegs: ['W', 'E'],
    phasing: options.phasing ?? 'nema8',
    ...(options.control ? { control: options.control } : {}),
    ...(options.cycleS ? { cycleS: options.cycleS } : {}),
  });
}

/** A junction of a two-way main street with a one-way side street entering from the north only. */
export function oneWaySideIntersection(id = 'x2'): Intersection {
  return buildIntersection({
    id,
    name: `One-way side ${id}`,
    legs: [
      { id: 'N', bearingDeg: 0, inboundEdgeId: `${id}-N-in`, outboundEdgeId: null, inboundLanes: 1, roadClass: 'local' },
      { id: 'E', bearingDeg: 90, inboundEdgeId: `${id}-E-in`, outboundEdgeId: `${id}-E-out`, inboundLanes: 2, roadClass: 'arterial' },
      { id: 'S', bearingDeg: 180, inboundEdgeId: null, outboundEdgeId: `${id}-S-out`, inboundLanes: 0, roadClass: 'local' },
      { id: 'W', bearingDeg: 270, inboundEdgeId: `${id}-W-in`, outboundEdgeId: `${id}-W-out`, inboundLanes: 2, roadClass: 'arterial' },
    ],
    mainLegs: ['W', 'E'],
    phasing: 'nema8',
  });
}
