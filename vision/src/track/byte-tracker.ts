import { ErrorCode, GreenwaveError } from '@greenwave/contracts';
import type { Box, Detection, DetectionClass } from '../detect/detection.ts';
import { boxArea, intersectionArea, intersectionOverUnion } from '../detect/nms.ts';
import { assignWithCostLimit } from './assignment.ts';
import { type KalmanBoxState, boxToMeasurement, initiateKalmanState, predictKalmanState, stateToBox, updateKalmanState } from './kalman-box-filter.ts';
import { ClassVotes } from './class-votes.ts';

/**
 * ByteTrack (Zhang et al., ECCV 2022) without appearance features, frame by frame:
 *  1. every confirmed track (tracked or lost) is predicted one frame ahead by its Kalman filter;
 *  2. high-score detections are matched to them by 1 − IoU (times the detection score, as ByteTrack's
 *     `fuse_score`), optimally (Hungarian), pairs only below `firstMatchMaxCost`; lost tracks matched here are
 *     re-found with their old id (except those lost standing still longer than `maxLostFrames`); the detections left are then matched to
 *     the tracks left that stand (or stood when lost) still, by their last detected box; a track standing still never takes a detection reaching more than
 *     a quarter of its height below its boxes (that is the vehicle in front of it) or lying wholly that much above them;
 *  3. low-score detections are matched to the tracks still unmatched that were tracked last frame (never to lost
 *     ones), below `secondMatchMaxCost` — so a vehicle whose score drops behind an occluder keeps its track;
 *     tracks still unmatched become lost;
 *  4. tracks born last frame (unconfirmed) are matched to the remaining high-score detections and confirmed, or
 *     dropped; weak ones may also match low-score detections down to `weakStartScoreThreshold` and are confirmed
 *     only after `weakConfirmHits` detections in a row;
 *  5. remaining high-score detections at or above `newTrackScoreThreshold` start unconfirmed tracks, those below it
 *     weak ones when clear of every tracked vehicle — low-score detections never start one;
 *  6. tracks lost for more than `maxLostFrames` frames are removed (`maxLostFramesStationary` for a track that stood
 *     still when it was lost); a lost track overlapping a tracked one by IoU above 0.85 is a duplicate and the
 *     younger of the two goes (the lost one when it stood still).
 * Ids are given on confirmation, from 1, per tracker. A track's class is the majority vote over its detections.
 * Persons and vehicles never match each other (unless `separatePersons` is false). Pure: no IO, no clock.
 */

export type TrackState = 'tracked' | 'lost';

export interface ByteTrackerOptions {
  /** Detections at or above this score take part in the first association (ByteTrack `track_thresh`, 0.5). */
  highScoreThreshold?: number;
  /** Detections below this score are ignored altogether (0.1). */
  lowScoreThreshold?: number;
  /** An unmatched high-score detection starts a track only at or above this score (`track_thresh + 0.1`, 0.6). */
  newTrackScoreThreshold?: number;
  /**
   * Weak tracks: a high-score detection below `newTrackScoreThreshold` that overlaps no tracked vehicle starts one; it
   * is confirmed after `weakConfirmHits` detections in a row, each scoring at least this (which may be below the high
   * threshold). Default: the same as `newTrackScoreThreshold`, i.e. no weak tracks. NanoDet scores some fast motorbikes
   * 0.25–0.4 on every frame up to the count line: they never got a track and were never counted.
   */
  weakStartScoreThreshold?: number;
  /** Detections in a row that confirm a weak track (3). */
  weakConfirmHits?: number;
  /** First association: largest cost 1 − IoU·score that still matches (ByteTrack `match_thresh`, 0.8). */
  firstMatchMaxCost?: number;
  /** Second association (low-score detections): largest cost 1 − IoU (0.5). */
  secondMatchMaxCost?: number;
  /** Unconfirmed tracks: largest cost 1 − IoU·score (0.7). */
  unconfirmedMatchMaxCost?: number;
  /** Frames a track may stay lost and still be re-found with its id (ByteTrack `track_buffer`, 30). */
  maxLostFrames?: number;
  /**
   * Frames a track that stood still when it was lost may stay lost (default: `maxLostFrames`). A vehicle waiting at a
   * red light can go undetected for a minute (dark, half hidden, its box flickering); when it is found again it must
   * get its old id back, or it is a new vehicle that counts again when it drives off.
   */
  maxLostFramesStationary?: number;
  /** Multiply IoU by the detection score in the first and unconfirmed associations (true, as ByteTrack on MOT17). */
  fuseScore?: boolean;
  /** Persons and vehicles never match each other (true). */
  separatePersons?: boolean;
  /**
   * Buffered IoU (C-BIoU, Yang et al. 2023): both boxes are widened by this share of their width and height on every
   * side before the IoU of the first and second associations (0 = plain IoU). Low frame rates move a vehicle near the
   * camera by half its length between frames; plain IoU then finds no overlap and the track breaks.
   */
  matchBuffer?: number;
  /** The same for unconfirmed tracks, which have no velocity yet to predict with (default: `matchBuffer`). */
  unconfirmedMatchBuffer?: number;
}

/** A confirmed track as the tracker reports it. */
export interface TrackedObject {
  id: number;
  /** Majority vote over the classes of the detections matched to this track. */
  class: DetectionClass;
  /** The Kalman estimate of the box this frame, in frame pixels (a prediction while lost). */
  box: Box;
  /** Score of the last matched detection. */
  score: number;
  state: TrackState;
  /** 0 when a detection was matched this frame. */
  framesSinceSeen: number;
  /** Detections matched to the track so far. */
  hits: number;
  /** Tracker frame number (1-based) at which the track was first seen. */
  firstFrame: number;
  /** Kalman velocity of the box centre, pixels per frame. */
  velocityPxPerFrame: [number, number];
  /** The box of the last detection matched to the track (the Kalman `box` lags a vehicle that speeds up). */
  detectedBox: Box;
}

interface InternalTrack {
  /** 0 until confirmed. */
  id: number;
  kalman: KalmanBoxState;
  confirmed: boolean;
  state: TrackState;
  group: 'person' | 'vehicle';
  votes: ClassVotes;
  score: number;
  firstFrame: number;
  lastSeenFrame: number;
  /** The last few detected boxes, oldest first (never empty): where it was last seen, and whether it stood still. */
  recentBoxes: Box[];
  /** Stood still when it was lost: kept `maxLostFramesStationary` frames where it was, looked for where it was last detected. */
  stationary: boolean;
  hits: number;
  /** Started by a detection below `newTrackScoreThreshold`: confirmed after `weakConfirmHits`. */
  weak: boolean;
}

const defaults: Required<ByteTrackerOptions> = {
  highScoreThreshold: 0.5,
  lowScoreThreshold: 0.1,
  newTrackScoreThreshold: 0.6,
  weakStartScoreThreshold: Number.NaN,
  weakConfirmHits: 3,
  firstMatchMaxCost: 0.8,
  secondMatchMaxCost: 0.5,
  unconfirmedMatchMaxCost: 0.7,
  maxLostFrames: 30,
  maxLostFramesStationary: Number.NaN,
  fuseScore: true,
  separatePersons: true,
  matchBuffer: 0,
  unconfirmedMatchBuffer: Number.NaN,
};

/** A weak start must overlap every tracked vehicle's last box less than this (a part of a tracked vehicle is no new one). */
const WEAK_CLEAR_IOU = 0.1;
/** IoU above which a lost track duplicates a tracked one (ByteTrack: IoU distance below 0.15). */
const DUPLICATE_IOU = 0.85;
/**
 * Whether a track stands still: over its last STILL_BOXES detected boxes, how much each must hold of the latest (area
 * share) and how far its middle and top or bottom edge may shift (share of the box height).
 */
const STILL_BOXES = 3;
const STILL_OVERLAP = 0.7;
const STILL_SHIFT = 0.06;
/** The same for the middle across: NanoDet boxes a waiting motorbike in two shapes whose middles are 8% of its height apart. */
const STILL_SHIFT_ACROSS = 0.15;
/**
 * How far (share of its height) a detection may reach below the boxes of a vehicle that stands still, or lie wholly
 * above them, and still be that vehicle. A box flickering to the rider alone rises at the bottom only; one reaching
 * further down over a waiting motorbike is the vehicle in front of it, or the two in one box (NanoDet often boxes a
 * column of two waiting motorbikes as one): taken, the track jumped to the front vehicle's place and counted (Núi
 * Thành, 300 s: a motorbike waiting 0.4 m before the count line was counted 42 s before it drove off, and not when it
 * did). One wholly higher is the vehicle behind: a track lost while waiting was found again 36 s later on the next
 * vehicle of the queue, 3 m further back, and that vehicle was never counted.
 */
const STILL_MAX_STEP = 0.25;

export class ByteTracker {
  readonly options: Readonly<Required<ByteTrackerOptions>>;
  private frame = 0;
  private nextId = 1;
  private tracks: InternalTrack[] = [];

  constructor(options: ByteTrackerOptions = {}) {
    const merged = { ...defaults, ...stripUndefined(options) };
    if (Number.isNaN(merged.unconfirmedMatchBuffer)) merged.unconfirmedMatchBuffer = merged.matchBuffer;
    if (Number.isNaN(merged.maxLostFramesStationary)) merged.maxLostFramesStationary = merged.maxLostFrames;
    if (Number.isNaN(merged.weakStartScoreThreshold)) merged.weakStartScoreThreshold = merged.newTrackScoreThreshold;
    this.options = verifyTrackerOptions(merged);
  }

  /** Frames seen so far. */
  get frameNumber(): number {
    return this.frame;
  }

  /** Feeds one frame's detections; returns the confirmed tracks matched in this frame (ByteTrack's output). */
  update(detections: readonly Detection[]): TrackedObject[] {
    const options = this.options;
    this.frame++;
    const usable = detections.filter((d) => Number.isFinite(d.score) && d.score >= options.lowScoreThreshold && d.box.every(Number.isFinite) && d.box[2] > d.box[0] && d.box[3] > d.box[1]);
    const high = usable.filter((d) => d.score >= options.highScoreThreshold);
    const low = usable.filter((d) => d.score < options.highScoreThreshold);

    const unconfirmed = this.tracks.filter((t) => !t.confirmed);
    const pool = this.tracks.filter((t) => t.confirmed);
    // a track lost while standing still is not moved on: its velocity is mostly the flicker of its boxes
    for (const track of pool) if (!(track.state === 'lost' && track.stationary)) track.kalman = predictKalmanState(track.kalman, track.state !== 'tracked');

    // 1. high-score detections against tracked and lost tracks (not those lost standing still for longer than a moving
    // one is kept: a vehicle driving up to where one of them waited is the vehicle's own track's, found by its
    // prediction; see 1b for those)
    const waiting = pool.filter((t) => t.state === 'lost' && t.stationary && this.frame - t.lastSeenFrame > options.maxLostFrames);
    const active = pool.filter((t) => !waiting.includes(t));
    const first = this.associate(active, high, options.firstMatchMaxCost, options.fuseScore, options.matchBuffer);
    for (const [t, d] of first.matches) this.absorb(active[t]!, high[d]!);
    // 1b. what is left against the tracks left that stand (or stood when lost) still, by where they were last
    // detected: a box that flickers between a whole motorbike and its rider alone throws the filter's velocity and
    // size off, and its prediction drifts from where the vehicle waits (a waiting motorbike got a new id every few
    // frames). Only after every prediction had its turn: in a column starting at green, the last box of one vehicle
    // is where the next one is now.
    const still = [...first.unmatchedRows.map((t) => active[t]!).filter(standsStill), ...waiting];
    const afterFirst = first.unmatchedColumns.map((d) => high[d]!);
    const refound = this.associate(still, afterFirst, options.firstMatchMaxCost, options.fuseScore, options.matchBuffer, lastDetectedBox);
    for (const [t, d] of refound.matches) this.absorb(still[t]!, afterFirst[d]!);

    // 2. low-score detections against tracks that were tracked until now
    const stillTracked = first.unmatchedRows.map((t) => active[t]!).filter((t) => t.state === 'tracked' && t.lastSeenFrame < this.frame);
    const second = this.associate(stillTracked, low, options.secondMatchMaxCost, false, options.matchBuffer);
    for (const [t, d] of second.matches) this.absorb(stillTracked[t]!, low[d]!);
    for (const t of second.unmatchedRows) this.lose(stillTracked[t]!);

    // 3. unconfirmed tracks against the remaining high-score detections (weak ones also against low-score
    // detections at or above the weak start score: the motorbikes they are for score around the high threshold)
    const remainingHigh = refound.unmatchedColumns.map((d) => afterFirst[d]!);
    const remainingLow = second.unmatchedColumns.map((d) => low[d]!).filter((d) => d.score >= options.weakStartScoreThreshold);
    const third = this.associate(unconfirmed, remainingHigh, options.unconfirmedMatchMaxCost, options.fuseScore, options.unconfirmedMatchBuffer);
    const removed = new Set<InternalTrack>();
    for (const [t, d] of third.matches) this.absorb(unconfirmed[t]!, remainingHigh[d]!);
    const weakLeft = third.unmatchedRows.map((t) => unconfirmed[t]!).filter((t) => t.weak);
    const thirdWeak = this.associate(weakLeft, remainingLow, options.unconfirmedMatchMaxCost, options.fuseScore, options.unconfirmedMatchBuffer);
    for (const [t, d] of thirdWeak.matches) this.absorb(weakLeft[t]!, remainingLow[d]!);
    for (const t of unconfirmed) if (t.lastSeenFrame < this.frame) removed.add(t);

    // 4. new tracks from what is left, high scores only; weak ones only clear of every track
    const born: InternalTrack[] = [];
    // where tracked vehicles are, and those born this frame: a weak start must be clear of all of them
    const taken = this.tracks.filter((t) => t.state === 'tracked').map(lastDetectedBox);
    const left = third.unmatchedColumns.map((d) => remainingHigh[d]!);
    const begin = (detection: Detection, weak: boolean) => {
      born.push(this.start(detection, weak));
      taken.push(detection.box);
    };
    for (const detection of left) if (detection.score >= options.newTrackScoreThreshold) begin(detection, false);
    for (const detection of left) {
      if (detection.score >= options.newTrackScoreThreshold || detection.score < options.weakStartScoreThreshold) continue;
      if (taken.every((box) => intersectionOverUnion(box, detection.box) < WEAK_CLEAR_IOU)) begin(detection, true);
    }

    // 5. forget tracks lost too long; 6. drop duplicates
    for (const track of pool) {
      const keep = track.stationary ? options.maxLostFramesStationary : options.maxLostFrames;
      if (track.state === 'lost' && this.frame - track.lastSeenFrame > keep) removed.add(track);
    }
    this.removeDuplicates(pool.filter((t) => !removed.has(t)), removed);
    this.tracks = [...this.tracks.filter((t) => !removed.has(t)), ...born];
    return this.tracks.filter((t) => t.confirmed && t.state === 'tracked').map((t) => this.view(t));
  }

  /**
   * Confirmed tracks, tracked or lost for at most `maxFramesLost` frames (default all kept lost tracks), with their
   * predicted boxes — what measurements should see so a briefly hidden vehicle does not vanish from a queue.
   */
  confirmedTracks(maxFramesLost = Number.POSITIVE_INFINITY): TrackedObject[] {
    return this.tracks.filter((t) => t.confirmed && this.frame - t.lastSeenFrame <= maxFramesLost).map((t) => this.view(t));
  }

  private associate(tracks: readonly InternalTrack[], detections: readonly Detection[], maxCost: number, fuseScore: boolean, buffer: number, boxOf = (track: InternalTrack) => stateToBox(track.kalman)) {
    const detectionBoxes = detections.map((d) => bufferBox(d.box, buffer));
    const cost = tracks.map((track) => {
      const box = bufferBox(boxOf(track), buffer);
      const still = standsOrStoodStill(track);
      return detections.map((detection, i) => {
        if (this.options.separatePersons && groupOf(detection.class) !== track.group) return Number.POSITIVE_INFINITY;
        if (still && !admissibleForStill(track, detection.box)) return Number.POSITIVE_INFINITY;
        const iou = intersectionOverUnion(box, detectionBoxes[i]!);
        return 1 - (fuseScore ? iou * detection.score : iou);
      });
    });
    return assignWithCostLimit(cost, detections.length, maxCost);
  }

  private absorb(track: InternalTrack, detection: Detection): void {
    track.kalman = updateKalmanState(track.kalman, boxToMeasurement(detection.box));
    track.state = 'tracked';
    track.lastSeenFrame = this.frame;
    track.recentBoxes = [...track.recentBoxes.slice(1 - STILL_BOXES), detection.box];
    track.stationary = false;
    track.score = detection.score;
    track.hits++;
    track.votes.add(detection.class, detection.score);
    if (!track.confirmed && (!track.weak || track.hits >= this.options.weakConfirmHits)) this.confirm(track);
  }

  private start(detection: Detection, weak: boolean): InternalTrack {
    const track: InternalTrack = {
      id: 0,
      kalman: initiateKalmanState(boxToMeasurement(detection.box)),
      confirmed: false,
      state: 'tracked',
      group: groupOf(detection.class),
      votes: new ClassVotes(),
      score: detection.score,
      firstFrame: this.frame,
      lastSeenFrame: this.frame,
      recentBoxes: [detection.box],
      stationary: false,
      hits: 1,
      weak,
    };
    track.votes.add(detection.class, detection.score);
    // as ByteTrack: tracks of the very first frame are confirmed at once, later ones on their second detection
    if (this.frame === 1 && !weak) this.confirm(track);
    return track;
  }

  /** A track not found this frame; whether it stood still decides how long it is kept and where it is looked for. */
  private lose(track: InternalTrack): void {
    track.state = 'lost';
    track.stationary = standsStill(track);
  }

  private confirm(track: InternalTrack): void {
    track.confirmed = true;
    track.id = this.nextId++;
  }

  private removeDuplicates(tracks: readonly InternalTrack[], removed: Set<InternalTrack>): void {
    const tracked = tracks.filter((t) => t.state === 'tracked');
    const lost = tracks.filter((t) => t.state === 'lost');
    for (const a of tracked) {
      for (const b of lost) {
        if (removed.has(a) || removed.has(b)) continue;
        if (intersectionOverUnion(stateToBox(a.kalman), stateToBox(b.kalman)) <= DUPLICATE_IOU) continue;
        // a vehicle seen where one lost while standing still waited: that one has left unseen (kept, it would take
        // over the next vehicle to wait there — at a stop line, the next cycle's first)
        removed.add(b.stationary || this.frame - a.firstFrame >= this.frame - b.firstFrame ? b : a);
      }
    }
  }

  private view(track: InternalTrack): TrackedObject {
    const mean = track.kalman.mean;
    return {
      id: track.id,
      class: track.votes.winner(),
      box: stateToBox(track.kalman),
      score: track.score,
      state: track.state,
      framesSinceSeen: this.frame - track.lastSeenFrame,
      hits: track.hits,
      firstFrame: track.firstFrame,
      velocityPxPerFrame: [mean[4]!, mean[5]!],
      detectedBox: lastDetectedBox(track),
    };
  }
}

/** Rejects thresholds that cannot work together, naming the option and its value. */
export function verifyTrackerOptions(options: Required<ByteTrackerOptions>): Required<ByteTrackerOptions> {
  const fail = (field: keyof ByteTrackerOptions, rule: string) => {
    throw new GreenwaveError(ErrorCode.INVALID_CONFIG, `tracker option ${field} = ${String(options[field])}: ${rule}`, { recoverable: false });
  };
  for (const field of ['highScoreThreshold', 'lowScoreThreshold', 'newTrackScoreThreshold'] as const) {
    if (!(options[field] >= 0 && options[field] <= 1)) fail(field, 'must be a score between 0 and 1');
  }
  for (const field of ['firstMatchMaxCost', 'secondMatchMaxCost', 'unconfirmedMatchMaxCost'] as const) {
    if (!(options[field] > 0 && options[field] <= 1)) fail(field, 'must be a cost 1 - IoU in (0, 1]');
  }
  if (options.lowScoreThreshold > options.highScoreThreshold) fail('lowScoreThreshold', `must not exceed highScoreThreshold (${options.highScoreThreshold})`);
  if (!(options.weakStartScoreThreshold >= options.lowScoreThreshold && options.weakStartScoreThreshold <= options.newTrackScoreThreshold)) fail('weakStartScoreThreshold', `must be a score from lowScoreThreshold (${options.lowScoreThreshold}) to newTrackScoreThreshold (${options.newTrackScoreThreshold})`);
  if (!(Number.isInteger(options.weakConfirmHits) && options.weakConfirmHits >= 2)) fail('weakConfirmHits', 'must be a whole number of detections, 2 or more');
  if (options.newTrackScoreThreshold < options.highScoreThreshold) fail('newTrackScoreThreshold', `must be at least highScoreThreshold (${options.highScoreThreshold}): only high-score detections start tracks`);
  for (const field of ['matchBuffer', 'unconfirmedMatchBuffer'] as const) {
    if (!(options[field] >= 0 && options[field] <= 2)) fail(field, 'must be a share of the box size between 0 and 2');
  }
  for (const field of ['maxLostFrames', 'maxLostFramesStationary'] as const) {
    if (!(Number.isInteger(options[field]) && options[field] >= 0)) fail(field, 'must be a whole number of frames, 0 or more');
  }
  return options;
}

/** Where the track was last detected. */
function lastDetectedBox(track: InternalTrack): Box {
  return track.recentBoxes.at(-1)!;
}

/**
 * The track's last few detected boxes are where the latest is: each holds most of the other, the same middle across
 * and the same top or the same bottom edge (within 6% of the box size). A box flickering between a whole motorbike and
 * its rider alone keeps its top; a vehicle that moves shifts both edges.
 */
function standsStill(track: InternalTrack): boolean {
  const latest = lastDetectedBox(track);
  if (track.recentBoxes.length < STILL_BOXES) return false;
  return track.recentBoxes.every((b) => {
    const size = Math.max(b[3] - b[1], latest[3] - latest[1]);
    const sameEdge = Math.abs(b[1] - latest[1]) <= STILL_SHIFT * size || Math.abs(b[3] - latest[3]) <= STILL_SHIFT * size;
    return heldShare(b, latest) >= STILL_OVERLAP && sameEdge && Math.abs((b[0] + b[2]) / 2 - (latest[0] + latest[2]) / 2) <= STILL_SHIFT_ACROSS * size;
  });
}

function standsOrStoodStill(track: InternalTrack): boolean {
  return track.state === 'lost' ? track.stationary : standsStill(track);
}

/**
 * Whether a detection can be the vehicle that stands still (see STILL_MAX_STEP): its bottom edge no lower than the
 * track's boxes reach by more than the step, and not the whole box higher by more than it (the vehicle behind).
 */
function admissibleForStill(track: InternalTrack, box: Box): boolean {
  const height = Math.max(...track.recentBoxes.map((b) => b[3] - b[1]));
  const step = STILL_MAX_STEP * height;
  const bottom = Math.max(...track.recentBoxes.map((b) => b[3]));
  const top = Math.min(...track.recentBoxes.map((b) => b[1]));
  return box[3] <= bottom + step && !(box[1] < top - step && box[3] < bottom - step);
}

/** Intersection of the two boxes over the smaller one's area: 1 when one holds the other. */
function heldShare(a: Box, b: Box): number {
  const smaller = Math.min(boxArea(a), boxArea(b));
  return smaller > 0 ? intersectionArea(a, b) / smaller : 0;
}

/** The box widened by `share` of its width and height on every side. */
function bufferBox(box: Box, share: number): Box {
  if (share === 0) return box;
  const bw = (box[2] - box[0]) * share;
  const bh = (box[3] - box[1]) * share;
  return [box[0] - bw, box[1] - bh, box[2] + bw, box[3] + bh];
}

function groupOf(detectionClass: DetectionClass): 'person' | 'vehicle' {
  return detectionClass === 'person' ? 'person' : 'vehicle';
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
