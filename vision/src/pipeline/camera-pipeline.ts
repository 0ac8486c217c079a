import type { CameraConfig, LaneMeasurement } from '@greenwave/contracts';
import { accumulateLane } from './accumulate.ts';
import type { Detection } from '../detect/detection.ts';
import type { VehicleDetector } from '../detect/detector.ts';
import type { Frame, FrameSource } from '../source/frame.ts';
import { ByteTracker } from '../track/byte-tracker.ts';
import { LaneMeasurementBuilder } from '../zones/lane-measurement-builder.ts';
import { CameraWatchdog, type CameraHealth } from './camera-watchdog.ts';
import { cropRgb, farFieldRegion, type FrameRegion, mergeFarDetections } from './far-field.ts';
import { ridersInLanesAsMotorbikes } from './riders-in-lanes.ts';
import { withoutWiderThanVehicles } from './wider-than-vehicles.ts';

export interface CameraPipelineStats {
  frames: number;
  /** Frames the source dropped because detection was behind (live sources). */
  dropped: number;
  /** Detector time per frame (ms), latest 200. */
  detectMs: number[];
  /** Whole per-frame time: detect + track + measure (ms), latest 200. */
  frameMs: number[];
  measurements: number;
  errors: number;
  lastError: string | null;
}

export interface CameraPipelineDeps {
  /** Where frames come from when the pipeline runs on its own (`start`); lockstep runs call `process` instead. */
  source?: FrameSource;
  detector: VehicleDetector;
  /** Detector for the far region (`detector.farField`), at that setting's input size; without it there is none. */
  farDetector?: VehicleDetector;
  /** Wall clock (ms) for the watchdog; frames carry their own time. */
  clock?: () => number;
}

/** Detections below this score only extend tracks (ByteTrack's second association); they never start one. */
const LOW_SCORE = 0.1;
/**
 * Association for low frame rates (5 frames/s, vehicles near the camera move half their length per frame): buffered
 * IoU, and IoU alone as the cost — NanoDet's scores on vehicles (0.3-0.6) times IoU left fast vehicles unmatched and
 * new tracks never confirmed (Núi Thành, 60 s: 14 of 21 count-line crossings counted before, 21 of 21 after, with
 * counting on the detected box; 5 min at Núi Thành: -22.8% counted before, +5.3% after).
 */
const FUSE_SCORE = false;
const MATCH_BUFFER = 0.3;
const UNCONFIRMED_BUFFER = 0.5;
/**
 * Weak tracks (see ByteTrackerOptions.weakStartScoreThreshold): started by a detection between the high threshold and
 * the new-track score clear of other tracks, kept by detections down to this score, confirmed on the third in a row.
 */
const WEAK_SCORE = 0.2;
/** A crossing counts once the track has not come back upstream of the line for this long (s; see `countHoldS`). */
const COUNT_HOLD_S = 1;
/** Tracks lost for up to this many frames keep their predicted place in queues (a vehicle briefly hidden); they never count. */
const KEEP_LOST_FRAMES = 10;
/**
 * A vehicle that stood still when its track was lost keeps its id this long (s): longer than a red phase, so a
 * vehicle waiting at the stop line that goes undetected and is found again is not a new vehicle that counts again
 * when it drives off (Núi Thành, 300 s: 14 of 114 counts were such second tracks of one waiting motorbike).
 */
const KEEP_STATIONARY_S = 120;

/**
 * One camera: frames from its source -> vehicle detection -> ByteTrack -> per-lane measurements each second, in the
 * same schema as the twin's perfect camera. `take()` hands the agent what was measured since its last call; the
 * watchdog says whether the camera can be trusted (frames arriving, not frozen).
 */
export class CameraPipeline {
  readonly stats: CameraPipelineStats = { frames: 0, dropped: 0, detectMs: [], frameMs: [], measurements: 0, errors: 0, lastError: null };
  readonly tracker: ByteTracker;
  readonly builder: LaneMeasurementBuilder;
  readonly watchdog: CameraWatchdog;
  /** What the detector found in the last frame (riders in lanes already counted as motorbikes). */
  lastDetections: readonly Detection[] = [];
  private pending = new Map<string, LaneMeasurement>();
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly clock: () => number;
  /** The frame region of the road beyond the zone, detected a second time magnified; undefined without far field. */
  readonly farRegion: FrameRegion | undefined;

  constructor(
    readonly config: CameraConfig,
    private readonly deps: CameraPipelineDeps,
  ) {
    this.clock = deps.clock ?? Date.now;
    const high = config.detector.scoreThreshold;
    this.tracker = new ByteTracker({ highScoreThreshold: high, lowScoreThreshold: LOW_SCORE, newTrackScoreThreshold: Math.min(0.95, high + 0.1), weakStartScoreThreshold: Math.min(high, WEAK_SCORE), separatePersons: false, fuseScore: FUSE_SCORE, matchBuffer: MATCH_BUFFER, unconfirmedMatchBuffer: UNCONFIRMED_BUFFER, maxLostFrames: Math.max(KEEP_LOST_FRAMES, Math.round(config.fps * 3)), maxLostFramesStationary: Math.round(config.fps * KEEP_STATIONARY_S) });
    // 0.5 m past the count line is enough near the camera (Núi Thành, 5 min: -22.8% counted vs -23.7% with 1 m)
    // two observations in a row on each side: queued motorbikes whose box flickers between bike and rider were
    // counted while standing (Núi Thành, 300 s, counted vs crossing: E 15 -> 14 of 12, W 20 -> 19 of 15, N 35 of 35 both)
    this.builder = new LaneMeasurementBuilder({ camera: config, countMarginM: 0.5, countSlowMarginM: 1.0, countConfirmObservations: 2, countHoldS: COUNT_HOLD_S, forgetAfterS: KEEP_STATIONARY_S + 1 });
    this.watchdog = new CameraWatchdog(config.watchdog, this.clock());
    const far = config.detector.farField;
    const { projection } = this.builder;
    this.farRegion =
      far !== undefined && deps.farDetector !== undefined
        ? farFieldRegion(
            projection,
            config.lanes.flatMap((lane) => lane.polygon.map((point) => projection.imageToGround(point)[0])),
            { zoneLengthM: config.zoneLengthM, toM: far.toM, inputSize: far.inputSize, frameWidth: config.width, frameHeight: config.height },
          )
        : undefined;
  }

  /** Starts pulling frames; resolves when the source ends or `stop()` is called. */
  start(): Promise<void> {
    const source = this.deps.source;
    if (!source) throw new Error(`camera ${this.config.id}: no frame source to start from`);
    this.running ??= this.loop(source);
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.deps.source?.stop();
    await this.running;
  }

  /** Processes one frame (also used directly by lockstep runs without a live loop). */
  async process(frame: Frame): Promise<LaneMeasurement[]> {
    const started = performance.now();
    this.watchdog.frame(frame, this.clock());
    let found = await this.deps.detector.detect(frame);
    // the far region and the size fit are in the configured frame's pixels
    const configuredSize = frame.width === this.config.width && frame.height === this.config.height;
    const region = this.farRegion;
    if (region !== undefined && this.deps.farDetector !== undefined && configuredSize) {
      found = mergeFarDetections(found, await this.deps.farDetector.detect(cropRgb(frame, region)), region, frame.width, frame.height);
    }
    const fit = this.builder.sizeFit;
    if (fit !== undefined && configuredSize) found = withoutWiderThanVehicles(found, fit);
    const detections = ridersInLanesAsMotorbikes(found, this.config.lanes);
    const detected = performance.now();
    this.lastDetections = detections;
    this.tracker.update(detections);
    // a vehicle seen this frame is placed where it was detected; the Kalman box lags one that speeds up (measured:
    // ~1 m behind a car pulling away from the stop line), only hidden vehicles are placed where predicted
    const tracks = this.tracker.confirmedTracks(KEEP_LOST_FRAMES).map((t) => (t.framesSinceSeen === 0 ? { ...t, box: t.detectedBox } : { ...t, observed: false }));
    const measured = this.builder.observe(frame.timeMs, tracks);
    this.stats.frames++;
    push(this.stats.detectMs, detected - started);
    push(this.stats.frameMs, performance.now() - started);
    for (const m of measured) this.add(m);
    return measured;
  }

  /**
   * What was measured since the last call, one measurement per lane: the latest interval's state (queue, occupancy,
   * density, speed) with the counts of every interval since then added up, so nothing is lost when the agent reads at
   * another rhythm than the camera's seconds. Empty when no interval has ended since.
   */
  take(): LaneMeasurement[] {
    const out = [...this.pending.values()];
    this.pending = new Map();
    return out;
  }

  health(): CameraHealth {
    return this.watchdog.health(this.clock());
  }

  private add(m: LaneMeasurement): void {
    this.stats.measurements++;
    accumulateLane(this.pending, m);
  }

  private async loop(source: FrameSource): Promise<void> {
    while (!this.stopped) {
      let frame: Frame | null;
      try {
        frame = await source.next();
      } catch (error) {
        this.fail(error);
        return;
      }
      this.stats.dropped = source.stats.dropped;
      if (!frame) return;
      try {
        await this.process(frame);
      } catch (error) {
        // a bad frame is counted and skipped; the camera keeps running
        this.fail(error);
      }
    }
  }

  private fail(error: unknown): void {
    this.stats.errors++;
    this.stats.lastError = (error as Error).message;
  }
}

function push(list: number[], value: number): void {
  list.push(value);
  if (list.length > 200) list.shift();
}
