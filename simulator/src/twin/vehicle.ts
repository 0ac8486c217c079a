import type { VehicleClassParams } from '@greenwave/contracts';
import type { RtLane, RtMovement } from './runtime-network.ts';

export const CLASS_INDEX = { motorbike: 0, car: 1, bus: 2, truck: 3 } as const;
export const CLASS_NAMES = ['motorbike', 'car', 'bus', 'truck'] as const;

/** One vehicle in the twin. Positions are of the front bumper, metres from the start of the current lane. */
export class Vehicle {
  readonly lengthM: number;
  readonly minGapM: number;
  readonly maxSpeedMps: number;
  readonly accelMps2: number;
  readonly decelMps2: number;
  readonly reactionTimeS: number;
  readonly imperfection: number;
  readonly pcu: number;

  routeIndex = 0;
  lane!: RtLane;
  pos = 0;
  speed = 0;
  nextSpeed = 0;
  /** Motorbike column in the lane (0..columns-1); -1 for vehicles that take the lane's whole width. */
  column = -1;
  /** Speed limit while crossing a junction (pos < 0 means the vehicle is still inside the junction). */
  junctionSpeedMps = 0;
  /** Set while deciding: the lane to enter and the movement used when crossing the stop line this step. */
  passLane: RtLane | null = null;
  passMovement: RtMovement | null = null;
  /** Movement at the end of the current edge (cached). */
  nextMovement: RtMovement | null = null;

  insertedS = 0;
  timeLossS = 0;
  stops = 0;
  halting = false;
  distanceM = 0;

  constructor(
    readonly id: number,
    readonly classIndex: number,
    params: VehicleClassParams,
    readonly route: Int32Array,
    /** Where the trip ends on its last edge (m from the edge's start). */
    readonly arrivalPosM: number,
    readonly departS: number,
  ) {
    this.lengthM = params.lengthM;
    this.minGapM = params.minGapM;
    this.maxSpeedMps = params.maxSpeedMps;
    this.accelMps2 = params.accelMps2;
    this.decelMps2 = params.decelMps2;
    this.reactionTimeS = params.reactionTimeS;
    this.imperfection = params.imperfection;
    this.pcu = params.pcu;
  }

  get onLastEdge(): boolean {
    return this.routeIndex === this.route.length - 1;
  }
}
