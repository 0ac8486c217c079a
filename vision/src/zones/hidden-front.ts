import type { Box } from '../detect/detection.ts';
import type { GroundCamera } from './camera-from-ground.ts';
import type { GroundProjection } from './homography.ts';
import { groundContactPoint } from './lane-assignment.ts';
import { type SizePrototype, prototypeImageBox } from './prototype-image-box.ts';

/**
 * Vehicles whose front is hidden by the vehicle before them. Seen from a pole facing oncoming traffic, a motorbike
 * behind a car is boxed only above the car: the box's bottom is the car's roof line, not the road, and its "ground
 * point" lands metres too far upstream (Núi Thành N/1: drawn 6.1 m from the stop line, placed at 13.5 m) — a gap
 * that breaks the queue chain and delays the count. Such a vehicle stands behind the one that hides it, and its top
 * (a rider's helmet, a roof) is still in view: its front is where a vehicle of its class would show that top, kept
 * between the back of the hiding vehicle and where its box's bottom would put it.
 */

/** A vehicle already placed in this frame (nearer to the camera) that may hide others. */
export interface PlacedVehicle {
  box: Box;
  /** Ground y of its back (m upstream of the stop line). */
  backM: number;
}

/**
 * A box's bottom must lie this share of the hiding box's height above that box's bottom: a vehicle beside another
 * (motorbikes abreast, the next lane in perspective) has its bottom near the other's.
 */
const HIDDEN_ABOVE_SHARE = 0.2;
/** A hidden vehicle stands at least this far (m) behind the back of the one hiding it. */
const BEHIND_GAP_M = 0.3;

/** The placed vehicle whose box holds this box's bottom middle well above its own bottom (the furthest back of them), if any. */
export function hidingVehicle(box: Box, placed: readonly PlacedVehicle[]): PlacedVehicle | undefined {
  const [u, v] = groundContactPoint(box);
  let hiding: PlacedVehicle | undefined;
  for (const other of placed) {
    const [x1, y1, x2, y2] = other.box;
    if (u < x1 || u > x2 || v < y1 || v > y2 - HIDDEN_ABOVE_SHARE * (y2 - y1)) continue;
    if (hiding === undefined || other.backM > hiding.backM) hiding = other;
  }
  return hiding;
}

export interface HiddenFrontInput {
  /** The hidden vehicle's box (frame pixels). */
  box: Box;
  /** Ground point (m) of its box's bottom middle: the furthest it can be. */
  bottomGround: readonly [number, number];
  hiding: PlacedVehicle;
  projection: GroundProjection;
  /** The calibrated pinhole camera; without it the vehicle is placed just behind the hiding one. */
  camera: GroundCamera | undefined;
  /** The hidden vehicle's class dimensions, for where its top would show. */
  size: SizePrototype;
  /** Frame height (px): a top at the frame's edge is cut off and says nothing. */
  frameHeight: number;
}

/** Ground point (m across, m upstream) of a hidden vehicle's front; the bottom's ground point when it cannot be nearer. */
export function hiddenFront(input: HiddenFrontInput): [number, number] {
  const { box, bottomGround, hiding, projection, camera, size } = input;
  const nearest = hiding.backM + BEHIND_GAP_M;
  const furthest = bottomGround[1];
  if (!(nearest < furthest)) return [bottomGround[0], bottomGround[1]];
  // the ground under the box's middle column is a line (a homography keeps lines): x along it at any y
  const nearer = projection.imageToGround([groundContactPoint(box)[0], hiding.box[3]]);
  const slope = Math.abs(nearer[1] - furthest) > 1e-6 ? (nearer[0] - bottomGround[0]) / (nearer[1] - furthest) : 0;
  const across = (y: number) => bottomGround[0] + slope * (y - furthest);
  const top = box[1];
  if (camera === undefined || top <= 2 || top >= input.frameHeight - 2) return [across(nearest), nearest];
  // the image top of the class's box standing at y rises (smaller row) the further upstream it stands
  const topAt = (y: number) => prototypeImageBox(camera, across(y), y, size)?.[1];
  const topNearest = topAt(nearest);
  const topFurthest = topAt(furthest);
  if (topNearest === undefined || topFurthest === undefined || topNearest <= top) return [across(nearest), nearest];
  if (topFurthest >= top) return [bottomGround[0], furthest];
  let lo = nearest;
  let hi = furthest;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    const row = topAt(mid);
    if (row === undefined) break;
    if (row > top) lo = mid;
    else hi = mid;
  }
  const y = (lo + hi) / 2;
  return [across(y), y];
}

/** A motorbike with its rider (helmet top), as seen from a pole. */
export const RIDDEN_MOTORBIKE: SizePrototype = { lengthM: 1.9, widthM: 0.8, heightM: 1.7 };
