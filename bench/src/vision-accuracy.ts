import { type LaneMeasurement, defaultVehicleClasses } from '@greenwave/contracts';
import { type TwinCamera, TwinCameras } from '@greenwave/cli';
import { Twin, loadScenario, readJunction } from '@greenwave/simulator';
import { type Detection, type TruthObject, laneZoneOfPoint } from '@greenwave/vision';

export interface DetectionTally {
  /** Truth vehicles (≥ 60% visible, ≥ 12 px tall) by class, found by a detection with IoU ≥ 0.5 (any vehicle class). */
  byClass: Record<string, { truth: number; found: number; rightClass: number }>;
  /** The same by box height (px). */
  bySize: Record<string, { truth: number; found: number }>;
  /** The same by class for the vehicles in the camera's measurement zone (front between the stop line and zoneLengthM). */
  inZoneByClass: Record<string, { truth: number; found: number; rightClass: number }>;
  /** Found vehicles in the measurement zone by true class, then by the class the detector gave them. */
  zoneConfusion: Record<string, Record<string, number>>;
  /** Vehicle detections (score ≥ the operating threshold) and those that overlap no vehicle (IoU < 0.3 with every truth box). */
  detections: number;
  falsePositives: number;
}

export interface LaneResult {
  lane: string;
  /**
   * Vehicles drawn crossing the camera's count line (the line the camera counts at), by the lane under their drawn
   * position as they cross.
   */
  truthCount: number;
  /** Of the twin's vehicles in this lane (its own lane index) as they crossed, those drawn in another lane (still drifting over). */
  drawnElsewhere: number;
  /**
   * Of `truthCount`, vehicles hidden from the camera as they crossed: never drawn at least HIDDEN_VISIBILITY visible
   * from 10 m before the line to 3 m past it (behind a bus or truck all the way).
   */
  hiddenAtLine: number;
  /** The twin's own stop-line count (its perfect camera), for reference: it differs by the vehicles between the lines at the window's ends. */
  stopLineCount: number;
  visionCount: number;
  /** The same two counts minute by minute of the run (a count in the wrong minute is a flow error the controller sees). */
  truthByMinute: number[];
  visionByMinute: number[];
  /** The same crossings by class (truth: the drawn vehicle's class; vision: the class it was counted as). */
  truthByClass: Record<string, number>;
  visionByClass: Record<string, number>;
  /** Their passenger-car units (the twin's PCU per class; vision: the measurements' countPcu). */
  truthPcu: number;
  visionPcu: number;
  /** Summed |queue PCU error| over the queue lane-seconds. */
  queueAbsErrPcu: number;
  /** Lane-seconds with a queue in truth or vision, and those within ±15% or ±1 vehicle. */
  queueSeconds: number;
  queueWithin: number;
  queueAbsErrVeh: number;
  queueAbsErrM: number;
  /**
   * Lane-seconds on either side of the queue controller's "discharged" threshold (DISCHARGED_PCU): vision above it
   * while the truth is at or below (a green held for a queue that has gone), and the reverse (a queue not seen).
   */
  queueHeldS: number;
  queueUnseenS: number;
}

/** The queue controller's default `dischargedQueuePcu`: at or below it a stage's queue counts as discharged. */
export const DISCHARGED_PCU = 1;

export interface VisionAccuracyRun {
  junctionId: string;
  fps: number;
  durationS: number;
  frames: number;
  wallS: number;
  detection: DetectionTally;
  lanes: LaneResult[];
  /** Whole-pipeline time per frame: render excluded (ms). */
  frameMs: number[];
}

const SIZE_BUCKETS: [string, number][] = [
  ['12-24 px', 24],
  ['24-48 px', 48],
  ['48-96 px', 96],
  ['96+ px', Infinity],
];

function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter);
}

const HIDDEN_VISIBILITY = 0.5;

const VEHICLES = new Set(['car', 'motorbike', 'bus', 'truck', 'bicycle']);
const detectedClass = (d: Detection) => (d.class === 'bicycle' ? 'motorbike' : d.class);

/**
 * Matches one frame's detections to its ground truth (greedy by IoU) and adds them to the tally; truth vehicles whose
 * front is within [0, zoneLengthM] of the stop line are also tallied as in the zone.
 */
export function tallyFrame(tally: DetectionTally, truth: readonly TruthObject[], detections: readonly Detection[], threshold: number, zoneLengthM = 60): void {
  const vehicles = detections.filter((d) => VEHICLES.has(d.class) && d.score >= threshold);
  const used = new Set<number>();
  const counted = truth.filter((t) => t.visibility >= 0.6 && t.box[3] - t.box[1] >= 12);
  const inZone = (t: TruthObject) => t.distanceM >= 0 && t.distanceM <= zoneLengthM;
  for (const t of [...counted].sort((a, b) => b.box[3] - b.box[1] - (a.box[3] - a.box[1]))) {
    let best = -1;
    let bestIou = 0.5;
    vehicles.forEach((d, i) => {
      const o = iou(t.box, d.box);
      if (!used.has(i) && o >= bestIou) {
        best = i;
        bestIou = o;
      }
    });
    const c = (tally.byClass[t.class] ??= { truth: 0, found: 0, rightClass: 0 });
    const z = inZone(t) ? (tally.inZoneByClass[t.class] ??= { truth: 0, found: 0, rightClass: 0 }) : undefined;
    const height = t.box[3] - t.box[1];
    const size = (tally.bySize[SIZE_BUCKETS.find(([, max]) => height < max)![0]] ??= { truth: 0, found: 0 });
    c.truth++;
    size.truth++;
    if (z) z.truth++;
    if (best >= 0) {
      used.add(best);
      c.found++;
      size.found++;
      if (z) {
        z.found++;
        const row = (tally.zoneConfusion[t.class] ??= {});
        row[detectedClass(vehicles[best]!)] = (row[detectedClass(vehicles[best]!)] ?? 0) + 1;
      }
      if (detectedClass(vehicles[best]!) === t.class) {
        c.rightClass++;
        if (z) z.rightClass++;
      }
    }
  }
  tally.detections += vehicles.length;
  tally.falsePositives += vehicles.filter((d) => !truth.some((t) => iou(t.box, d.box) >= 0.3)).length;
}

/**
 * The full camera path on one junction of danang at the morning peak: a synthetic camera on each inbound approach,
 * rendered from the twin at `fps`, NanoDet -> ByteTrack -> per-lane measurements, against the twin's ground truth each
 * second: detection recall by class and size, counts per lane over the run (against the twin's vehicles crossing the
 * camera's count line, and the twin's stop-line count for reference), queue length per lane-second (the perfect
 * camera's). The junction's signals run its stored plan (the cabinet's fixed mode).
 */
export async function visionAccuracy(options: {
  junctionId: string;
  durationS?: number;
  fps?: number;
  warmupS?: number;
  scenario?: string;
  /** Precision of the detector model (the cameras' setting, auto, unless given). */
  precision?: 'auto' | 'float32' | 'int8';
  /** False: the cameras detect without their far field (default true). */
  farField?: boolean;
  onProgress?: (s: number, total: number) => void;
  /** Each camera frame's ground truth, for recordings that follow single vehicles (debugging). */
  onFrame?: (camera: TwinCamera, truth: readonly TruthObject[], measured: readonly LaneMeasurement[]) => void;
}): Promise<VisionAccuracyRun> {
  const durationS = options.durationS ?? 300;
  const fps = options.fps ?? 5;
  const { scenario, network } = loadScenario(options.scenario ?? 'danang');
  const twin = new Twin({ scenario, network });
  const junction = twin.junctions.find((j) => j.id === options.junctionId);
  if (!junction) throw new Error(`no junction ${options.junctionId} in ${options.scenario ?? 'danang'}`);
  for (let s = 0; s < (options.warmupS ?? 600); s++) twin.step();
  const tally: DetectionTally = { byClass: {}, bySize: {}, inZoneByClass: {}, zoneConfusion: {}, detections: 0, falsePositives: 0 };
  const operating = 0.3;
  const lanes = new Map<string, LaneResult>();
  // the vehicles drawn crossing each camera's count line, frame by frame, in the lane under their drawn position (the
  // twin moves a vehicle to another lane in one step; the camera draws it drifting across for a few seconds)
  const lastDistance = new Map<string, number>();
  // each vehicle's best visibility near the line, and the lane each crossing was counted in
  const visibleNearLine = new Map<string, number>();
  const crossings: { key: string; lane: LaneResult }[] = [];
  let counting = false;
  // the second of the run being rendered (1-based): which minute a crossing falls in
  let second = 0;
  const minuteOf = (s: number) => Math.floor((s - 1) / 60);
  const countLineCrossings = (camera: TwinCamera, truth: readonly TruthObject[]) => {
    const lineM = camera.config.countLines[0]?.groundY ?? 0;
    for (const t of truth) {
      const key = `${camera.approachId}:${t.id}`;
      const was = lastDistance.get(key);
      lastDistance.set(key, t.distanceM);
      if (t.distanceM <= lineM + 10 && t.distanceM >= lineM - 3) visibleNearLine.set(key, Math.max(visibleNearLine.get(key) ?? 0, t.visibility));
      if (!counting || was === undefined || was <= lineM || t.distanceM > lineM) continue;
      const zone = laneZoneOfPoint(camera.pipeline.builder.projection.groundToImage([t.ground[0], lineM]), camera.config.lanes);
      const crossedIn = lane({ approachId: camera.approachId, laneIndex: zone?.laneIndex ?? t.laneIndex });
      crossedIn.truthCount++;
      const minute = minuteOf(second);
      crossedIn.truthByMinute[minute] = (crossedIn.truthByMinute[minute] ?? 0) + 1;
      crossedIn.truthByClass[t.class] = (crossedIn.truthByClass[t.class] ?? 0) + 1;
      crossedIn.truthPcu += defaultVehicleClasses[t.class].pcu;
      crossings.push({ key, lane: crossedIn });
      if (zone !== undefined && zone.laneIndex !== t.laneIndex) lane({ approachId: camera.approachId, laneIndex: t.laneIndex }).drawnElsewhere++;
    }
  };
  const onFrame = (camera: TwinCamera, truth: readonly TruthObject[], measured: readonly LaneMeasurement[]) => {
    tallyFrame(tally, truth, camera.pipeline.lastDetections, operating, camera.config.zoneLengthM);
    countLineCrossings(camera, truth);
    options.onFrame?.(camera, truth, measured);
  };
  const cameras = await TwinCameras.create(twin, [junction.id], { fps, onFrame, ...(options.precision ? { precision: options.precision } : {}), farField: options.farField ?? true });
  const lane = (m: Pick<LaneMeasurement, 'approachId' | 'laneIndex'>) => {
    const key = `${m.approachId}/${m.laneIndex}`;
    let r = lanes.get(key);
    if (!r) lanes.set(key, (r = { lane: key, truthCount: 0, drawnElsewhere: 0, hiddenAtLine: 0, stopLineCount: 0, visionCount: 0, truthByMinute: [], visionByMinute: [], queueSeconds: 0, queueWithin: 0, queueAbsErrVeh: 0, queueAbsErrM: 0, queueHeldS: 0, queueUnseenS: 0, truthByClass: {}, visionByClass: {}, truthPcu: 0, visionPcu: 0, queueAbsErrPcu: 0 }));
    return r;
  };
  const started = performance.now();
  readJunction(junction, twin.simS * 1000, 1); // counts from here on
  counting = true;
  try {
    for (let s = 1; s <= durationS; s++) {
      second = s;
      twin.step();
      await cameras.processSecond();
      const truth = readJunction(junction, twin.simS * 1000, 1);
      const measured = new Map(cameras.cameras.flatMap((c) => c.pipeline.take()).map((m) => [`${m.approachId}/${m.laneIndex}`, m]));
      for (const t of truth) {
        const r = lane(t);
        const m = measured.get(r.lane);
        r.stopLineCount += t.count;
        r.visionCount += m?.count ?? 0;
        r.visionByMinute[minuteOf(s)] = (r.visionByMinute[minuteOf(s)] ?? 0) + (m?.count ?? 0);
        r.visionPcu += m?.countPcu ?? 0;
        for (const [c, n] of Object.entries(m?.countByClass ?? {})) if (n > 0) r.visionByClass[c] = (r.visionByClass[c] ?? 0) + n;
        const mv = m?.queueVehicles ?? 0;
        const mm = m?.queueLengthM ?? 0;
        if (t.queueVehicles > 0 || mv > 0) {
          r.queueSeconds++;
          if (Math.abs(mv - t.queueVehicles) <= 1 || Math.abs(mm - t.queueLengthM) <= 0.15 * t.queueLengthM) r.queueWithin++;
          r.queueAbsErrVeh += Math.abs(mv - t.queueVehicles);
          r.queueAbsErrM += Math.abs(mm - t.queueLengthM);
          r.queueAbsErrPcu += Math.abs((m?.queuePcu ?? 0) - t.queuePcu);
        }
        if ((m?.queuePcu ?? 0) > DISCHARGED_PCU && t.queuePcu <= DISCHARGED_PCU) r.queueHeldS++;
        if ((m?.queuePcu ?? 0) <= DISCHARGED_PCU && t.queuePcu > DISCHARGED_PCU) r.queueUnseenS++;
      }
      options.onProgress?.(s, durationS);
    }
  } finally {
    await cameras.close();
  }
  for (const c of crossings) if ((visibleNearLine.get(c.key) ?? 0) < HIDDEN_VISIBILITY) c.lane.hiddenAtLine++;
  return {
    junctionId: junction.id,
    fps,
    durationS,
    frames: cameras.cameras.reduce((n, c) => n + c.pipeline.stats.frames, 0),
    wallS: (performance.now() - started) / 1000,
    detection: tally,
    lanes: [...lanes.values()].sort((a, b) => a.lane.localeCompare(b.lane)),
    frameMs: cameras.cameras.flatMap((c) => c.pipeline.stats.frameMs),
  };
}
