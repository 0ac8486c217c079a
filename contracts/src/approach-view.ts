/**
 * What a camera on one approach of an intersection would see at one moment, read from the twin: the approach's
 * lanes and the road users on them. Synthetic cameras render frames (and their ground truth) from it.
 *
 * Lane 0 is the kerb-side (rightmost) lane, as in the intersection config. Distances are along the lane, in metres.
 */

export type ApproachVehicleClass = 'motorbike' | 'car' | 'bus' | 'truck';

export interface ApproachLane {
  /** 0 = kerb-side (rightmost) lane. */
  index: number;
  widthM: number;
}

export interface ApproachVehicle {
  /** The twin's vehicle id (stable for the vehicle's whole trip). */
  id: number;
  class: ApproachVehicleClass;
  laneIndex: number;
  /** -1 = the vehicle takes the lane's whole width; otherwise its motorbike column, 0 = the kerb-side column. */
  column: number;
  /** Motorbike columns of the lane (columns across the lane's width). */
  columns: number;
  /** Front bumper's distance upstream of the stop line (m); negative = past it, inside the junction. */
  distanceM: number;
  lengthM: number;
  speedMps: number;
  /**
   * Rendering only: how far (m, along the approach frame's x: towards the kerb side) the vehicle is drawn from its lane
   * or column position while it drifts over after a lane change; 0 or absent otherwise.
   */
  lateralOffsetM?: number;
}

export interface ApproachView {
  intersectionId: string;
  approachId: string;
  /** Twin time (s since the twin started). */
  timeS: number;
  /** Inbound lanes, kerb side first. */
  lanes: ApproachLane[];
  /** How far upstream the approach's road runs from the stop line (m), when known (the link's length). */
  stopLineM?: number;
  /** Outbound lanes on the same leg (the other half of the street), when known. */
  exitLanes?: number;
  vehicles: ApproachVehicle[];
}
