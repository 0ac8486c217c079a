import {
  type CameraConfig,
  ErrorCode,
  GreenwaveError,
  type LaneMeasurement,
  type PerClass,
  type VehicleClassName,
  type VehicleClassParams,
  defaultVehicleClasses,
  emptyPerClass,
} from '@greenwave/contracts';
import type { Box, DetectionClass } from '../detect/detection.ts';
import { cameraFromGround } from './camera-from-ground.ts';
import { CountLineCrossings } from './count-line-crossings.ts';
import { vehicleClassOfDetection } from './detection-vehicle-class.ts';
import { type GroundSample, groundSpeedMps, groundVelocity } from './ground-speed.ts';
import { type GroundProjection, groundProjectionFromCalibration } from './homography.ts';
import { type PlacedVehicle, RIDDEN_MOTORBIKE, hiddenFront, hidingVehicle } from './hidden-front.ts';
import { groundContactPoint, laneZoneOfPoint } from './lane-assignment.ts';
import { type LaneVehicle, measureLane } from './measure-lane.ts';
import type { GroundCamera } from './camera-from-ground.ts';
import { SIZE_PROTOTYPES, SizeEvidence, SizeFit, isFourWheel } from './size-class.ts';

/** What the builder needs of a camera's config. */
export type MeasuredCamera = Pick<CameraConfig, 'intersectionId' | 'approachId' | 'width' | 'height' | 'calibration' | 'lanes' | 'countLines' | 'zoneLengthM'>;

export interface LaneMeasurementBuilderOptions {
  camera: MeasuredCamera;
  /** Length of one measurement interval (1 s). Intervals end on whole multiples of it (ms since the epoch). */
  intervalS?: number;
  /** Count-line margin (m): a vehicle counts once it has been upstream and then this far downstream (1). */
  countMarginM?: number;
  /** Count-line margin (m) for a track not driving downstream at COUNT_MOVING_MPS (`countMarginM`). */
  countSlowMarginM?: number;
  /** Observations in a row upstream to arm and beyond the margin to count (1; see `CountLineCrossingsOptions`). */
  countConfirmObservations?: number;
  /** Ground positions over this window (s) give a track's speed (1). */
  speedWindowS?: number;
  /** Motorbikes ride this many abreast (2, the twin's default). */
  motorbikeColumnsPerLane?: number;
  /** Lengths and PCU per class (the twin's defaults). */
  vehicleClasses?: Readonly<Record<VehicleClassName, VehicleClassParams>>;
  /** A track not seen for this long (s) is forgotten (5). */
  forgetAfterS?: number;
  /**
   * A crossing is held this long (s) before it counts, and taken back if the track is seen upstream of the line by
   * more than `countSlowMarginM` in that time (default 0: counted at once). A vehicle creeping up to a queue, boxed
   * together with the one waiting in front of it, is placed metres further on for a frame or two, past the line,
   * then back (Núi Thành E: counted 49 s before it drove over the line).
   */
  countHoldS?: number;
  /**
   * Car, truck or bus by the size of the track's boxes against the calibrated camera (see `SizeFit`) instead of the
   * detector's class (default true; without effect when the calibration fits no pinhole camera).
   */
  classifyBySize?: boolean;
}

/** What the builder reads of a track (a `TrackedObject` fits). */
export interface TrackInFrame {
  id: number;
  class: DetectionClass;
  /** Frame pixels. */
  box: Box;
  /**
   * False for a track not detected in this frame (its box a prediction): it still takes its place in the queue, but
   * never counts — a track lost upstream while a new one took over the vehicle would otherwise be counted again as
   * its prediction drives on over the line. Default true.
   */
  observed?: boolean;
}

/** A vehicle as the builder placed it in the latest frame. */
export interface MeasuredVehicle extends LaneVehicle {
  trackId: number;
  /** Ground x (m across the approach). */
  lateralM: number;
  /** Index into `camera.lanes` of the lane zone the track was last seen in; undefined before it entered any. */
  laneZoneIndex: number | undefined;
}

interface TrackMemory {
  history: GroundSample[];
  laneZoneIndex: number | undefined;
  lastSeenMs: number;
  /** Where the track was last detected, and its speed downstream then (m/s, from its positions over the speed window). */
  lastObserved?: GroundSample & { downstreamMps: number };
  size: SizeEvidence;
  /** The class it was last measured as. */
  vehicleClass?: VehicleClassName;
  /** A track of a person (outside the lanes: a rider boxed alone past the stop line) once seen at vehicle speed. */
  riding?: boolean;
  /** When it crossed the count line, while its count is held (see `countHoldS`). */
  heldSinceMs?: number;
}

/**
 * A new track first seen past the count line is the continuation of a track lost at most HANDOVER_MS ago that was
 * moving downstream at least HANDOVER_MIN_MPS, when it starts within HANDOVER_REACH_M (plus half the distance the old
 * one would have covered) of where the old one would be by now and within HANDOVER_ACROSS_M across: it takes over the
 * old one's progress at the lines. Seen at Núi Thành: a motorbike hidden for two frames 4 m before the line came back
 * 0.3 m past it under a new id, and its crossing was never counted.
 */
const HANDOVER_MS = 1500;
const HANDOVER_MIN_MPS = 1.5;
const HANDOVER_REACH_M = 2;
const HANDOVER_ACROSS_M = 2;
/**
 * A track driving downstream at least this fast (m/s) counts on its first observation beyond the count margin (see
 * `CountLineCrossings.update`).
 */
const COUNT_MOVING_MPS = 3;
/**
 * A person track moving at least this fast (m/s, faster than a jogger) is a motorbike's rider. Past the stop line,
 * outside the lane zones, NanoDet boxes a motorbike seen from above as its rider (`person`); one hidden for three
 * frames by a vehicle crossing in front came back only as a person, turning, and was never counted (Núi Thành W/0).
 */
const RIDER_MIN_MPS = 4;
/**
 * A track last seen driving on (at least HANDOVER_MIN_MPS downstream) with two observations in a row past the count
 * line by the moving margin, but short of the slow margin's count, counts once it has not been seen for LOST_COUNT_MS.
 * Núi Thành W/0: a motorbike pulling away from the queue at 2.4 m/s was 1.8 m past the line when a vehicle crossing
 * in front hid it; it came back only as its rider at the frame's edge and was never counted.
 */
const LOST_COUNT_MS = 600;

/**
 * Turns tracks into per-lane measurements each interval. Per frame: each vehicle track's ground contact point (the
 * bottom centre of its box; tracks whose contact point is outside the picture are skipped) is placed in a lane zone (image polygon; the last zone is kept once the vehicle leaves
 * all of them, e.g. past the stop line) and projected to the ground; its speed comes from its ground positions over
 * the speed window; crossings of the first count line (the stop line when none is configured) are counted for the
 * lane and class. At every interval boundary the latest frame's vehicles give one `LaneMeasurement` per lane zone
 * (see `measureLane`), with the counts since the previous one. Persons are ignored until seen at vehicle speed
 * (`RIDER_MIN_MPS`). Pure state: no IO, no clock — time comes with each frame.
 */
export class LaneMeasurementBuilder {
  readonly projection: GroundProjection;
  readonly intervalMs: number;
  private readonly camera: MeasuredCamera;
  private readonly counter: CountLineCrossings;
  private readonly speedWindowMs: number;
  private readonly forgetAfterMs: number;
  private readonly holdMs: number;
  private readonly vehicleClasses: Readonly<Record<VehicleClassName, VehicleClassParams>>;
  private readonly motorbikeColumns: number;
  private readonly memory = new Map<number, TrackMemory>();
  /** Undefined when sizing is off or the calibration fits no pinhole camera: the detector's class is kept. */
  readonly sizeFit: SizeFit | undefined;
  /** The pinhole camera behind the calibration (undefined when it fits none): where a hidden vehicle's top shows. */
  private readonly ground: GroundCamera | undefined;
  private crossings: Array<PerClass<number>>;
  private latest: MeasuredVehicle[] = [];
  private lastTimeMs: number | undefined;
  private nextEmitMs: number | undefined;

  constructor(options: LaneMeasurementBuilderOptions) {
    this.camera = options.camera;
    this.projection = groundProjectionFromCalibration(options.camera.calibration);
    this.ground = cameraFromGround(this.projection, options.camera.width, options.camera.height);
    this.sizeFit = options.classifyBySize === false || this.ground === undefined ? undefined : new SizeFit(this.ground, this.projection, options.camera.width, options.camera.height);
    this.intervalMs = Math.round((options.intervalS ?? 1) * 1000);
    if (!(this.intervalMs >= 1)) throw invalidOption('intervalS', options.intervalS, 'must be at least 0.001 s');
    const lines = options.camera.countLines.length > 0 ? options.camera.countLines : [{ name: 'stop line', groundY: 0 }];
    this.counter = new CountLineCrossings(lines, { marginM: options.countMarginM ?? 1, slowMarginM: options.countSlowMarginM, confirmObservations: options.countConfirmObservations ?? 1 });
    this.speedWindowMs = (options.speedWindowS ?? 1) * 1000;
    if (!(this.speedWindowMs > 0)) throw invalidOption('speedWindowS', options.speedWindowS, 'must be positive');
    this.forgetAfterMs = (options.forgetAfterS ?? 5) * 1000;
    this.holdMs = (options.countHoldS ?? 0) * 1000;
    if (!(this.holdMs >= 0 && this.holdMs < this.forgetAfterMs)) throw invalidOption('countHoldS', options.countHoldS, 'must be from 0 to less than forgetAfterS');
    this.vehicleClasses = options.vehicleClasses ?? defaultVehicleClasses;
    this.motorbikeColumns = options.motorbikeColumnsPerLane ?? 2;
    if (!(this.motorbikeColumns >= 1)) throw invalidOption('motorbikeColumnsPerLane', options.motorbikeColumnsPerLane, 'must be 1 or more');
    this.crossings = options.camera.lanes.map(() => emptyPerClass());
  }

  /**
   * Feeds one frame's tracks (time in ms, never decreasing). Returns the measurements of every interval that ended
   * at or before this frame — usually none, at a boundary one per lane zone.
   */
  observe(timeMs: number, tracks: readonly TrackInFrame[]): LaneMeasurement[] {
    if (!Number.isFinite(timeMs) || (this.lastTimeMs !== undefined && timeMs < this.lastTimeMs)) {
      throw new GreenwaveError(ErrorCode.INVALID_REQUEST, `frame time ${timeMs} ms is not after the previous frame (${this.lastTimeMs} ms)`, { recoverable: true });
    }
    this.lastTimeMs = timeMs;
    this.nextEmitMs ??= (Math.floor(timeMs / this.intervalMs) + 1) * this.intervalMs;

    this.latest = [];
    const observedNow = new Set(tracks.filter((t) => t.observed !== false).map((t) => t.id));
    // nearest first (lowest box bottom): a vehicle is placed before those it may hide
    const placed: PlacedVehicle[] = [];
    for (const track of [...tracks].sort((a, b) => b.box[3] - a.box[3])) {
      const vehicle = this.place(timeMs, track, observedNow, placed);
      if (vehicle === undefined) continue;
      this.latest.push(vehicle);
      placed.push({ box: track.box, backM: vehicle.frontM + this.vehicleClasses[vehicle.class].lengthM });
    }
    for (const [id, memory] of this.memory) {
      const last = memory.lastObserved;
      if (last !== undefined && !observedNow.has(id) && timeMs - last.timeMs >= LOST_COUNT_MS && last.downstreamMps >= HANDOVER_MIN_MPS && memory.laneZoneIndex !== undefined && memory.vehicleClass !== undefined && this.counter.countLost(id, 0)) {
        this.countCrossing(memory);
      }
      if (memory.heldSinceMs !== undefined && timeMs - memory.heldSinceMs >= this.holdMs) {
        memory.heldSinceMs = undefined;
        this.countCrossing(memory);
      }
      if (timeMs - memory.lastSeenMs > this.forgetAfterMs) {
        this.memory.delete(id);
        this.counter.forget(id);
      }
    }

    const out: LaneMeasurement[] = [];
    while (timeMs >= this.nextEmitMs) {
      out.push(...this.emit(this.nextEmitMs));
      this.nextEmitMs += this.intervalMs;
    }
    return out;
  }

  /** The vehicles placed in the latest frame. */
  vehicles(): readonly MeasuredVehicle[] {
    return this.latest;
  }

  private place(timeMs: number, track: TrackInFrame, observedNow: ReadonlySet<number>, placed: readonly PlacedVehicle[]): MeasuredVehicle | undefined {
    const onFoot = track.class === 'person';
    const detectedClass = onFoot ? 'motorbike' : vehicleClassOfDetection(track.class);
    if (detectedClass === undefined) return undefined;
    let contact = groundContactPoint(track.box);
    // a (predicted) box whose bottom has left the picture is a vehicle that has driven out of view
    if (contact[0] < 0 || contact[0] > this.camera.width || contact[1] < 0 || contact[1] > this.camera.height) return undefined;
    if (!this.projection.seesGround(contact)) return undefined;
    let [x, y] = this.projection.imageToGround(contact);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
    let memory = this.memory.get(track.id);
    const hiding = hidingVehicle(track.box, placed);
    if (hiding !== undefined) {
      const size = detectedClass === 'motorbike' ? RIDDEN_MOTORBIKE : SIZE_PROTOTYPES[memory?.size.classOr(detectedClass) ?? detectedClass];
      [x, y] = hiddenFront({ box: track.box, bottomGround: [x, y], hiding, projection: this.projection, camera: this.ground, size, frameHeight: this.camera.height });
      contact = this.projection.groundToImage([x, y]);
    }
    if (memory === undefined) {
      memory = { history: [], laneZoneIndex: undefined, lastSeenMs: timeMs, size: new SizeEvidence() };
      this.memory.set(track.id, memory);
      if (!onFoot) this.handOverIfContinued(timeMs, track, x, y, observedNow);
    }
    memory.lastSeenMs = timeMs;
    const zone = laneZoneOfPoint(contact, this.camera.lanes);
    if (zone !== undefined) memory.laneZoneIndex = this.camera.lanes.indexOf(zone);
    memory.history.push({ timeMs, x, y });
    while (memory.history.length > 0 && timeMs - memory.history[0]!.timeMs > this.speedWindowMs) memory.history.shift();
    if (onFoot && memory.riding !== true) {
      // a person is a vehicle only once seen at vehicle speed; then it may continue a lost vehicle track
      if (track.observed === false || !((groundSpeedMps(memory.history, this.speedWindowMs / 2) ?? 0) >= RIDER_MIN_MPS)) return undefined;
      memory.riding = true;
      this.handOverIfContinued(timeMs, track, x, y, observedNow);
    }

    if (track.observed !== false) memory.lastObserved = { timeMs, x, y, downstreamMps: -(groundVelocity(memory.history, this.speedWindowMs / 2)?.vy ?? 0) };
    let vehicleClass = detectedClass;
    if (this.sizeFit !== undefined && isFourWheel(detectedClass)) {
      // a box whose bottom is hidden is not the vehicle's size
      const costs = track.observed === false || hiding !== undefined ? undefined : this.sizeFit.costs(track.box);
      if (costs !== undefined) memory.size.add(costs);
      vehicleClass = memory.size.classOr(detectedClass);
    }
    memory.vehicleClass = vehicleClass;
    const crossed = track.observed === false ? [] : this.counter.update(track.id, y, memory.lastObserved!.downstreamMps >= COUNT_MOVING_MPS);
    if (crossed.includes(0)) memory.heldSinceMs = timeMs;
    else if (memory.heldSinceMs !== undefined && track.observed !== false && y > this.counter.lines[0]!.groundY + this.counter.slowMarginM) {
      // back upstream of the line while held (by more than a box flickering to its rider alone moves a vehicle that
      // has just crossed): the crossing was a box reaching over the vehicle in front
      memory.heldSinceMs = undefined;
      this.counter.uncount(track.id, 0);
    }

    return {
      trackId: track.id,
      class: vehicleClass,
      frontM: y,
      lateralM: x,
      speedMps: groundSpeedMps(memory.history, this.speedWindowMs / 2),
      laneZoneIndex: memory.laneZoneIndex,
    };
  }

  /** Counts the track's crossing in the lane and as the class it is in now (a held one: where and what it is when it counts). */
  private countCrossing(memory: TrackMemory): void {
    if (memory.laneZoneIndex !== undefined && memory.vehicleClass !== undefined) this.crossings[memory.laneZoneIndex]![memory.vehicleClass]++;
  }

  /** A track new to the measurement past the count line takes over the progress of the lost track it continues, if any. */
  private handOverIfContinued(timeMs: number, track: TrackInFrame, x: number, y: number, observedNow: ReadonlySet<number>): void {
    // only past the line: upstream a new track arms itself, and a track lost there may yet be found again
    if (track.observed === false || y >= this.counter.lines[0]!.groundY) return;
    const continued = this.continuedTrack(timeMs, x, y, observedNow);
    if (continued !== undefined) this.counter.handOver(continued, track.id);
  }

  /** The lost track a new track at (x, y) continues, if one fits (see HANDOVER_MS); the nearest to where it would be. */
  private continuedTrack(timeMs: number, x: number, y: number, observedNow: ReadonlySet<number>): number | undefined {
    let best: number | undefined;
    let bestMiss = Number.POSITIVE_INFINITY;
    for (const [id, memory] of this.memory) {
      const last = memory.lastObserved;
      if (last === undefined || observedNow.has(id) || this.counter.wasHandedOver(id) || last.downstreamMps < HANDOVER_MIN_MPS) continue;
      const dtS = (timeMs - last.timeMs) / 1000;
      if (!(dtS > 0 && dtS * 1000 <= HANDOVER_MS) || Math.abs(x - last.x) > HANDOVER_ACROSS_M) continue;
      const travelled = last.downstreamMps * dtS;
      const miss = Math.abs(y - (last.y - travelled));
      if (miss <= HANDOVER_REACH_M + travelled / 2 && miss + Math.abs(x - last.x) < bestMiss) {
        best = id;
        bestMiss = miss + Math.abs(x - last.x);
      }
    }
    return best;
  }

  private emit(timeMs: number): LaneMeasurement[] {
    const measurements = this.camera.lanes.map((zone, zoneIndex) =>
      measureLane({
        intersectionId: this.camera.intersectionId,
        approachId: zone.approachId,
        laneIndex: zone.laneIndex,
        timeMs,
        intervalS: this.intervalMs / 1000,
        zoneLengthM: this.camera.zoneLengthM,
        vehicles: this.latest.filter((vehicle) => vehicle.laneZoneIndex === zoneIndex),
        crossings: this.crossings[zoneIndex]!,
        vehicleClasses: this.vehicleClasses,
        motorbikeColumnsPerLane: this.motorbikeColumns,
      }),
    );
    this.crossings = this.camera.lanes.map(() => emptyPerClass());
    return measurements;
  }
}

function invalidOption(field: string, value: unknown, rule: string): GreenwaveError {
  return new GreenwaveError(ErrorCode.INVALID_CONFIG, `lane measurement option ${field} = ${String(value)}: ${rule}`, { recoverable: false });
}
