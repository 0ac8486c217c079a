import { CameraConfig, LaneMeasurement, type VehicleClassName, defaultVehicleClasses, vehicleClassNames } from '@greenwave/contracts';
import { describe, expect, it } from 'vitest';
import type { Box, Detection, DetectionClass } from '../src/detect/detection.ts';
import { ByteTracker } from '../src/track/byte-tracker.ts';
import { LaneMeasurementBuilder, type TrackInFrame } from '../src/zones/lane-measurement-builder.ts';
import { QUEUE_JOIN_GAP_M, type StopLineQueue, stopLineQueue } from '../src/zones/stop-line-queue.ts';

// ---------------------------------------------------------------------------------------------------------------
// A pinhole camera on a pole 15 m past the stop line, 10 m up, facing the oncoming traffic of a three-lane approach
// (lanes 3.5 m wide, x = 0 at the left edge of lane 0 as drivers see it, y upstream of the stop line).
// ---------------------------------------------------------------------------------------------------------------

const IMAGE_WIDTH = 1280;
const IMAGE_HEIGHT = 720;
const FOCAL_PX = 900;
const LANE_WIDTH_M = 3.5;
const LANES = 3;
const ZONE_LENGTH_M = 60;
const camera = { x: (LANES * LANE_WIDTH_M) / 2, y: -15, z: 10, tiltRad: (20 * Math.PI) / 180 };
// camera axes in the approach frame: right (the drivers' left), down, forward (upstream, tilted down)
const right = [-1, 0, 0] as const;
const down = [0, -Math.sin(camera.tiltRad), -Math.cos(camera.tiltRad)] as const;
const forward = [0, Math.cos(camera.tiltRad), -Math.sin(camera.tiltRad)] as const;

function project(x: number, y: number, z = 0): [number, number] {
  const p = [x - camera.x, y - camera.y, z - camera.z];
  const dot = (axis: readonly number[]) => axis[0]! * p[0]! + axis[1]! * p[1]! + axis[2]! * p[2]!;
  const depth = dot(forward);
  return [IMAGE_WIDTH / 2 + (FOCAL_PX * dot(right)) / depth, IMAGE_HEIGHT / 2 + (FOCAL_PX * dot(down)) / depth];
}

const size: Record<VehicleClassName, { widthM: number; heightM: number }> = {
  car: { widthM: 1.8, heightM: 1.5 },
  bus: { widthM: 2.5, heightM: 3.2 },
  truck: { widthM: 2.5, heightM: 3.0 },
  motorbike: { widthM: 0.8, heightM: 1.4 },
};

/** The image box around a vehicle's 3-D body: front at ground y `frontM`, centred at ground x `lateralM`. */
function boxOf(vehicleClass: VehicleClassName, lateralM: number, frontM: number): Box {
  const { widthM, heightM } = size[vehicleClass];
  const lengthM = defaultVehicleClasses[vehicleClass].lengthM;
  const corners: Array<[number, number]> = [];
  for (const dx of [-widthM / 2, widthM / 2]) for (const y of [frontM, frontM + lengthM]) for (const z of [0, heightM]) corners.push(project(lateralM + dx, y, z));
  return [Math.min(...corners.map((c) => c[0])), Math.min(...corners.map((c) => c[1])), Math.max(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[1]))];
}

const laneCentre = (lane: number) => (lane + 0.5) * LANE_WIDTH_M;

const cameraConfig: CameraConfig = CameraConfig.parse({
  id: 'cam-1',
  intersectionId: 'j-1',
  approachId: 'N',
  source: { kind: 'synthetic' },
  width: IMAGE_WIDTH,
  height: IMAGE_HEIGHT,
  calibration: {
    image: [project(0, 0), project(LANES * LANE_WIDTH_M, 0), project(LANES * LANE_WIDTH_M, ZONE_LENGTH_M), project(0, ZONE_LENGTH_M)],
    ground: [
      [0, 0],
      [LANES * LANE_WIDTH_M, 0],
      [LANES * LANE_WIDTH_M, ZONE_LENGTH_M],
      [0, ZONE_LENGTH_M],
    ],
  },
  lanes: Array.from({ length: LANES }, (_, lane) => ({
    approachId: 'N',
    laneIndex: lane,
    polygon: [project(lane * LANE_WIDTH_M, 0), project((lane + 1) * LANE_WIDTH_M, 0), project((lane + 1) * LANE_WIDTH_M, ZONE_LENGTH_M), project(lane * LANE_WIDTH_M, ZONE_LENGTH_M)],
  })),
  zoneLengthM: ZONE_LENGTH_M,
});

/** Deterministic random numbers (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface StaticVehicle {
  id: number;
  class: VehicleClassName;
  lane: number;
  frontM: number;
}

/** Feeds the builder still vehicles (perfect boxes, one track each) for `seconds`; returns every measurement. */
function observeStill(builder: LaneMeasurementBuilder, vehicles: readonly StaticVehicle[], seconds: number, startMs = 0): LaneMeasurement[] {
  const out: LaneMeasurement[] = [];
  for (let t = startMs; t <= startMs + seconds * 1000; t += 100) {
    const tracks: TrackInFrame[] = vehicles.map((v) => ({ id: v.id, class: v.class, box: boxOf(v.class, laneCentre(v.lane), v.frontM) }));
    out.push(...builder.observe(t, tracks));
  }
  return out;
}

describe('lane measurement builder', () => {
  it('measures a queue of still vehicles as the expected chain back from the stop line', () => {
    const builder = new LaneMeasurementBuilder({ camera: cameraConfig });
    const lane1: StaticVehicle[] = [
      { id: 1, class: 'car', lane: 1, frontM: 0.5 }, // 0.5 .. 5
      { id: 2, class: 'car', lane: 1, frontM: 7.5 }, // 7.5 .. 12
      { id: 3, class: 'truck', lane: 1, frontM: 14.5 }, // 14.5 .. 23.5
      { id: 4, class: 'car', lane: 1, frontM: 26 }, // 26 .. 30.5
      { id: 5, class: 'car', lane: 1, frontM: 40 }, // starts 9.5 m behind the queue: not in it
    ];
    const lane0: StaticVehicle[] = [{ id: 6, class: 'bus', lane: 0, frontM: 20 }]; // 20 m from the stop line: no queue
    const measurements = observeStill(builder, [...lane1, ...lane0], 2);
    expect(measurements.map((m) => m.timeMs)).toEqual([1000, 1000, 1000, 2000, 2000, 2000]);
    const [m0, m1, m2] = measurements.slice(3);
    expect(m1).toMatchObject({ laneIndex: 1, queueVehicles: 4, queuePcu: 5.5, vehiclesInZone: 5, presentByClass: { car: 4, truck: 1, bus: 0, motorbike: 0 } });
    expect(m1!.meanSpeedMps).toBeCloseTo(0, 9);
    expect(m1!.queueLengthM).toBeCloseTo(30.5, 6);
    expect(m1!.occupancy).toBeCloseTo((4 * 4.5 + 9) / 60, 6);
    expect(m1!.densityVehPerKm).toBeCloseTo((5 / 60) * 1000, 9);
    expect(m1!.densityPcuPerKm).toBeCloseTo((6.5 / 60) * 1000, 9);
    expect(m0).toMatchObject({ laneIndex: 0, queueVehicles: 0, queueLengthM: 0, vehiclesInZone: 1, presentByClass: { bus: 1 } });
    expect(m0!.occupancy).toBeCloseTo(11 / 60, 6);
    expect(m2).toMatchObject({ laneIndex: 2, vehiclesInZone: 0, occupancy: 0, meanSpeedMps: null, queueLengthM: 0, count: 0 });
    for (const m of measurements) expect(LaneMeasurement.parse(m)).toEqual(m);
  });

  it('takes car, truck or bus from the size of the boxes in the calibrated picture, not from the detector (unless told not to)', () => {
    // the detector's labels are all wrong: a car called a truck, a truck called a car, a bus called a truck
    const mislabelled: Array<StaticVehicle & { label: DetectionClass }> = [
      { id: 1, class: 'car', label: 'truck', lane: 0, frontM: 0.5 },
      { id: 2, class: 'truck', label: 'car', lane: 1, frontM: 0.5 },
      { id: 3, class: 'bus', label: 'truck', lane: 2, frontM: 0.5 },
      { id: 4, class: 'car', label: 'car', lane: 0, frontM: 7.5 },
    ];
    const run = (classifyBySize: boolean) => {
      const builder = new LaneMeasurementBuilder({ camera: cameraConfig, classifyBySize });
      const out: LaneMeasurement[] = [];
      for (let t = 0; t <= 2000; t += 100) {
        out.push(...builder.observe(t, mislabelled.map((v) => ({ id: v.id, class: v.label, box: boxOf(v.class, laneCentre(v.lane), v.frontM) }))));
      }
      return { builder, last: out.filter((m) => m.timeMs === 2000) };
    };
    const sized = run(true);
    expect(sized.builder.sizeFit).toBeDefined();
    expect(sized.last.map((m) => m.presentByClass)).toEqual([
      { motorbike: 0, car: 2, bus: 0, truck: 0 },
      { motorbike: 0, car: 0, bus: 0, truck: 1 },
      { motorbike: 0, car: 0, bus: 1, truck: 0 },
    ]);
    expect(sized.last.map((m) => m.queuePcu)).toEqual([2, 2.5, 2]);
    const labelled = run(false);
    expect(labelled.builder.sizeFit).toBeUndefined();
    expect(labelled.last.map((m) => m.presentByClass)).toEqual([
      { motorbike: 0, car: 1, bus: 0, truck: 1 },
      { motorbike: 0, car: 1, bus: 0, truck: 0 },
      { motorbike: 0, car: 0, bus: 0, truck: 1 },
    ]);
  });

  it('counts a car the detector calls a truck as a car (1 PCU) when it crosses the line', () => {
    const builder = new LaneMeasurementBuilder({ camera: cameraConfig, countMarginM: 1 });
    const out: LaneMeasurement[] = [];
    for (let t = 0; t <= 4000; t += 100) out.push(...builder.observe(t, [{ id: 1, class: 'truck', box: boxOf('car', laneCentre(1), 12 - (t / 1000) * 5) }]));
    const counted = out.filter((m) => m.laneIndex === 1 && m.count > 0);
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatchObject({ countByClass: { motorbike: 0, car: 1, bus: 0, truck: 0 }, countPcu: 1 });
  });

  it('counts a vehicle once in its lane and class when it has crossed the stop line, and ignores persons on foot', () => {
    const builder = new LaneMeasurementBuilder({ camera: cameraConfig, countMarginM: 1 });
    const out: LaneMeasurement[] = [];
    for (let t = 0; t <= 4000; t += 100) {
      const front = 12 - (t / 1000) * 5; // 5 m/s: crosses y = 0 at 2.4 s, y = -1 at 2.6 s
      out.push(
        ...builder.observe(t, [
          { id: 1, class: 'motorbike', box: boxOf('motorbike', laneCentre(2), front) },
          { id: 2, class: 'bicycle', box: boxOf('motorbike', laneCentre(0), front + 1) },
          { id: 3, class: 'person', box: boxOf('motorbike', laneCentre(1), 3 - (t / 1000) * 1.4) }, // walking over the line
        ]),
      );
    }
    const countsAt = (lane: number) => out.filter((m) => m.laneIndex === lane).map((m) => m.count);
    expect(countsAt(2)).toEqual([0, 0, 1, 0]);
    expect(countsAt(0)).toEqual([0, 0, 1, 0]); // crosses y = -1 at 2.8 s
    expect(countsAt(1)).toEqual([0, 0, 0, 0]);
    const lane2 = out.filter((m) => m.laneIndex === 2)[2]!;
    expect(lane2.countByClass).toEqual({ motorbike: 1, car: 0, bus: 0, truck: 0 });
    expect(lane2.countPcu).toBe(0.3);
    expect(out.filter((m) => m.laneIndex === 0)[2]!.countByClass).toEqual({ motorbike: 1, car: 0, bus: 0, truck: 0 }); // a bicycle
    // moving at 5 m/s
    const first = out.find((m) => m.laneIndex === 0 && m.timeMs === 1000)!;
    expect(first.meanSpeedMps).toBeCloseTo(5, 3);
    expect(first.occupancy).toBeCloseTo(1.9 / 2 / 60, 6); // a motorbike covers half the lane's width
  });

  it('with a count hold, takes back the crossing of a vehicle creeping up to the queue boxed together with the one in front', () => {
    const run = (frontAt: (t: number) => number | undefined, countHoldS = 1) => {
      const builder = new LaneMeasurementBuilder({ camera: cameraConfig, countMarginM: 0.5, countSlowMarginM: 1, countConfirmObservations: 2, countHoldS });
      const counts: number[] = [];
      for (let t = 0; t <= 5000; t += 200) {
        const front = frontAt(t);
        const tracks = front === undefined ? [] : [{ id: 1, class: 'motorbike' as const, box: boxOf('motorbike', laneCentre(1), front) }];
        counts.push(...builder.observe(t, tracks).filter((m) => m.laneIndex === 1).map((m) => m.count));
      }
      return counts;
    };
    // at 1 m/s from 5 m, its box reaching down to the motorbike waiting 1.2 m past the line for two frames, then back
    const creeping = (t: number) => (t === 1400 || t === 1600 ? -1.2 : Math.max(2, 5 - t / 1000));
    expect(run(creeping)).toEqual([0, 0, 0, 0, 0]);
    expect(run(creeping, 0)).toEqual([0, 1, 0, 0, 0]); // what the hold is for
    // one driving over the line at 8 m/s counts a second after it crossed (at 1.6 s); it leaving the picture does not stop that
    expect(run((t) => 12 - (8 * t) / 1000)).toEqual([0, 0, 1, 0, 0]);
    expect(run((t) => (t <= 1800 ? 12 - (8 * t) / 1000 : undefined))).toEqual([0, 0, 1, 0, 0]);
    // as one pulling away from the line at 2 m/s², its box flickering to its rider alone before it gets there
    expect(run((t) => (t < 1000 ? 2 : 2 - ((t - 1000) / 1000) ** 2 + (t === 2400 ? 1.6 : 0)))).toEqual([0, 0, 0, 1, 0]);
  });
  it('never counts a track while it is only predicted (not detected), and counts it once it is seen past the line', () => {
    const builder = new LaneMeasurementBuilder({ camera: cameraConfig, countMarginM: 0.5 });
    const frames: Array<[number, number, boolean]> = [
      [0, 4, true],
      [200, -2, false], // track 1 predicted past the line: not counted (another track may have taken the vehicle over)
      [400, -4, false],
      [1200, 5, true],
      [1400, -1, true], // track 1 seen past the line: counted now
    ];
    const out: LaneMeasurement[] = [];
    for (const [t, front, observed] of frames) {
      out.push(...builder.observe(t, [{ id: 1, class: 'car', box: boxOf('car', laneCentre(1), front), observed }, { id: 2, class: 'car', box: boxOf('car', laneCentre(2), 6 - t / 100), observed: false }]));
    }
    out.push(...builder.observe(2000, []));
    expect(out.filter((m) => m.laneIndex === 1).map((m) => m.countByClass.car)).toEqual([0, 1]);
    expect(out.filter((m) => m.laneIndex === 2).map((m) => m.count)).toEqual([0, 0]); // only ever predicted
  });

  it('counts a crossing once when the vehicle gets a new track just past the line, and not when the old track comes back', () => {
    // a motorbike at 6 m/s, detected every 0.2 s: track 1 until it is 0.5 m past a count line 10 m before the stop line
    // (not yet beyond the margin), unseen for 0.6 s, then track 2; track 1 found again further on counts nothing more
    const camera = { ...cameraConfig, countLines: [{ name: 'count line 10 m before the stop line', groundY: 10 }] };
    const front = (t: number) => 20.3 - (t / 1000) * 6;
    const counted = (comesBack: boolean) => {
      const builder = new LaneMeasurementBuilder({ camera, countMarginM: 0.5, countConfirmObservations: 2 });
      const out: LaneMeasurement[] = [];
      for (let t = 0; t <= 3400; t += 200) {
        const box = boxOf('motorbike', laneCentre(1), front(t));
        const tracks: TrackInFrame[] = t <= 1800 ? [{ id: 1, class: 'motorbike', box }] : t < 2600 ? [] : [{ id: 2, class: 'motorbike', box }];
        if (comesBack && t === 3000) tracks.push({ id: 1, class: 'motorbike', box: boxOf('motorbike', laneCentre(1), front(t) - 1) });
        out.push(...builder.observe(t, tracks));
      }
      return out.filter((m) => m.laneIndex === 1).reduce((n, m) => n + m.count, 0);
    };
    expect(front(1800)).toBeCloseTo(9.5, 6);
    expect(counted(false)).toBe(1);
    expect(counted(true)).toBe(1);
    // a vehicle standing still whose track is lost is not continued by a new track ahead of it
    const still = new LaneMeasurementBuilder({ camera, countMarginM: 0.5, countConfirmObservations: 2 });
    const counts: LaneMeasurement[] = [];
    for (let t = 0; t <= 3000; t += 200) {
      const tracks: TrackInFrame[] = t <= 1000 ? [{ id: 1, class: 'motorbike', box: boxOf('motorbike', laneCentre(1), 10.8) }] : t < 1600 ? [] : [{ id: 2, class: 'motorbike', box: boxOf('motorbike', laneCentre(1), 9 - (t - 1600) / 1000) }];
      counts.push(...still.observe(t, tracks));
    }
    expect(counts.reduce((n, m) => n + m.count, 0)).toBe(0);
  });

  it('a motorbike hidden at the line and found again past it only as its rider (person) is counted once; a person on foot never', () => {
    // 6 m/s, every 0.2 s, a count line 10 m before the stop line (this test camera sees 3 m past the stop line); track 1
    // (motorbike) until 1.2 m before the line, hidden 0.6 s, then track 2 (person)
    const camera = { ...cameraConfig, countLines: [{ name: 'count line 10 m before the stop line', groundY: 10 }] };
    const front = (t: number) => 23.2 - (t / 1000) * 6;
    const run = (riderMps: number) => {
      const builder = new LaneMeasurementBuilder({ camera, countMarginM: 0.5, countSlowMarginM: 1, countConfirmObservations: 2 });
      const out: LaneMeasurement[] = [];
      for (let t = 0; t <= 4000; t += 200) {
        const rider = front(2600) - ((t - 2600) / 1000) * riderMps;
        const tracks: TrackInFrame[] = t <= 2000 ? [{ id: 1, class: 'motorbike', box: boxOf('motorbike', laneCentre(1), front(t)) }] : t < 2600 ? [] : [{ id: 2, class: 'person', box: boxOf('motorbike', laneCentre(1), rider) }];
        out.push(...builder.observe(t, tracks));
        if (t >= 2600 && riderMps < 4) expect(builder.vehicles().map((v) => v.trackId)).toEqual([]);
      }
      return out.filter((m) => m.laneIndex === 1).reduce((n, m) => n + m.count, 0);
    };
    expect(front(2000)).toBeCloseTo(11.2, 6);
    expect(run(6)).toBe(1);
    // the same person walking on from there was no rider: the motorbike's crossing was not seen
    expect(run(1.4)).toBe(0);
  });

  it('counts a vehicle pulling away that is hidden just past the line once it has been gone 0.6 s; not one that stood still', () => {
    // 2.5 m/s from 8 m, every 0.2 s, a count line 3 m before the stop line; hidden from 1.6 m past the line
    const camera = { ...cameraConfig, countLines: [{ name: 'count line', groundY: 3 }] };
    const run = (speedMps: number, hiddenAtM: number) => {
      const builder = new LaneMeasurementBuilder({ camera, countMarginM: 0.5, countSlowMarginM: 1, countConfirmObservations: 2 });
      const out: LaneMeasurement[] = [];
      for (let t = 0; t <= 5000; t += 200) {
        const front = 8 - (t / 1000) * speedMps;
        out.push(...builder.observe(t, front > hiddenAtM ? [{ id: 1, class: 'car', box: boxOf('car', laneCentre(1), front) }] : []));
      }
      return out.filter((m) => m.laneIndex === 1).map((m) => m.count);
    };
    // last seen at 1.5 and 2 m (t = 2.6 s): counted in the interval ending 4 s (gone 0.6 s at 3.2 s)
    expect(run(2.5, 1.4)).toEqual([0, 0, 0, 1, 0]);
    // a vehicle that stopped 0.2 m past the line (speed 0) and then went out of sight is not counted on its loss
    const stopped = new LaneMeasurementBuilder({ camera, countMarginM: 0.5, countSlowMarginM: 1, countConfirmObservations: 2 });
    const out: LaneMeasurement[] = [];
    for (let t = 0; t <= 8000; t += 200) out.push(...stopped.observe(t, t <= 4000 ? [{ id: 1, class: 'car', box: boxOf('car', laneCentre(1), Math.max(2.4, 8 - (t / 1000) * 2.5)) }] : []));
    expect(out.reduce((n, m) => n + m.count, 0)).toBe(0);
  });

  it('emits on whole intervals, catches up over a gap with empty counts and refuses time going back', () => {
    const builder = new LaneMeasurementBuilder({ camera: cameraConfig, intervalS: 1 });
    expect(builder.observe(1_700_000_000_250, [])).toEqual([]);
    expect(builder.observe(1_700_000_000_999, [])).toEqual([]);
    expect(builder.observe(1_700_000_001_000, []).map((m) => m.timeMs)).toEqual([1_700_000_001_000, 1_700_000_001_000, 1_700_000_001_000]);
    const late = builder.observe(1_700_000_003_400, []);
    expect(late.map((m) => m.timeMs)).toEqual([2, 2, 2, 3, 3, 3].map((s) => 1_700_000_000_000 + s * 1000));
    expect(() => builder.observe(1_700_000_003_000, [])).toThrow(/not after the previous frame/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Full pipeline: ground-truth traffic -> camera boxes with noise -> ByteTracker -> measurements, against the truth.
// ---------------------------------------------------------------------------------------------------------------

interface SimVehicle {
  id: number;
  class: VehicleClassName;
  lane: number;
  lateralM: number;
  frontM: number;
  speedMps: number;
  /** Decided at the onset of red that it cannot stop and goes through. */
  passing: boolean;
  crossed: boolean;
}

const STEP_S = 0.1;
const DURATION_S = 60;
/** Red from 12 to 40 s and from 48 s on; green otherwise. */
const isRed = (timeS: number) => (timeS >= 12 && timeS < 40) || timeS >= 48;
const signalChangesS = [12, 40, 48];

function simulateTraffic(seed: number) {
  const rand = random(seed);
  const arrivals: Array<{ timeS: number; lane: number; class: VehicleClassName }> = [];
  for (let lane = 0; lane < LANES; lane++) {
    for (let t = rand() * 2; t < DURATION_S - 5; t += 3.2 + rand() * 2.5) {
      const r = rand();
      arrivals.push({ timeS: t, lane, class: r < 0.75 ? 'car' : r < 0.85 ? 'motorbike' : r < 0.93 ? 'truck' : 'bus' });
    }
  }
  arrivals.sort((a, b) => a.timeS - b.timeS);
  const vehicles: SimVehicle[] = [];
  let nextId = 1;
  const crossingsByLane = Array.from({ length: LANES }, () => ({ total: 0, byClass: { motorbike: 0, car: 0, bus: 0, truck: 0 } as Record<VehicleClassName, number>, timesS: [] as number[] }));
  const frames: Array<{ timeMs: number; vehicles: SimVehicle[] }> = [];
  for (let step = 1; step <= DURATION_S / STEP_S; step++) {
    const timeS = step * STEP_S;
    while (arrivals.length > 0 && arrivals[0]!.timeS <= timeS) {
      const arrival = arrivals.shift()!;
      vehicles.push({ id: nextId++, class: arrival.class, lane: arrival.lane, lateralM: laneCentre(arrival.lane) + (rand() - 0.5) * 0.6, frontM: 75, speedMps: 10, passing: false, crossed: false });
    }
    if (isRed(timeS) && !isRed(timeS - STEP_S)) {
      for (const v of vehicles) v.passing = v.frontM <= (v.speedMps * v.speedMps) / (2 * 4.5) + 0.5;
    }
    for (let lane = 0; lane < LANES; lane++) {
      const inLane = vehicles.filter((v) => v.lane === lane).sort((a, b) => a.frontM - b.frontM);
      inLane.forEach((v, i) => {
        const params = defaultVehicleClasses[v.class];
        let allowedM = Number.POSITIVE_INFINITY;
        let leaderSpeed = 0;
        const leader = inLane[i - 1];
        if (leader !== undefined) {
          allowedM = v.frontM - (leader.frontM + defaultVehicleClasses[leader.class].lengthM) - params.minGapM;
          leaderSpeed = leader.speedMps;
        }
        if (isRed(timeS) && !v.passing && !v.crossed && v.frontM - 0.5 < allowedM) {
          allowedM = v.frontM - 0.5;
          leaderSpeed = 0;
        }
        const safe = Math.sqrt(leaderSpeed * leaderSpeed + 2 * params.decelMps2 * Math.max(0, allowedM));
        const speed = Math.max(0, Math.min(10, v.speedMps + params.accelMps2 * STEP_S, safe, Math.max(0, allowedM) / STEP_S + leaderSpeed));
        v.speedMps = speed;
        v.frontM -= speed * STEP_S;
        if (!v.crossed && v.frontM <= 0) {
          v.crossed = true;
          crossingsByLane[lane]!.total++;
          crossingsByLane[lane]!.byClass[v.class]++;
          crossingsByLane[lane]!.timesS.push(timeS);
        }
      });
    }
    for (let i = vehicles.length - 1; i >= 0; i--) if (vehicles[i]!.frontM < -30) vehicles.splice(i, 1);
    frames.push({ timeMs: Math.round(timeS * 1000), vehicles: vehicles.map((v) => ({ ...v })) });
  }
  return { frames, crossingsByLane };
}

/** What a decent detector would report: every visible vehicle, boxes off by up to ±1 px, a few misses, low scores and wrong classes. */
function detect(vehicles: readonly SimVehicle[], rand: () => number): Detection[] {
  const out: Detection[] = [];
  for (const v of vehicles) {
    const box = boxOf(v.class, v.lateralM, v.frontM);
    if (box[3] > IMAGE_HEIGHT || box[1] < 0 || box[0] < 0 || box[2] > IMAGE_WIDTH) continue; // leaving the picture
    if (rand() < 0.03) continue; // missed
    const noisy = box.map((c) => c + (rand() * 2 - 1)) as Box;
    const score = rand() < 0.08 ? 0.2 + rand() * 0.25 : 0.6 + rand() * 0.35;
    let detectionClass: DetectionClass = v.class;
    const r = rand();
    if (v.class === 'car' && r < 0.1) detectionClass = 'truck';
    if (v.class === 'motorbike' && r < 0.3) detectionClass = 'bicycle';
    if (v.class === 'truck' && r < 0.15) detectionClass = 'bus';
    out.push({ class: detectionClass, score, box: noisy });
  }
  return out;
}

/** The truth for one lane at one instant, by the same definitions. */
function trueLaneState(vehicles: readonly SimVehicle[], lane: number) {
  const inLane = vehicles.filter((v) => v.lane === lane);
  const inZone = inLane.filter((v) => v.frontM < ZONE_LENGTH_M && v.frontM + defaultVehicleClasses[v.class].lengthM > 0);
  // the camera measures a queue only as far as its zone reaches: vehicles beyond it are in no lane polygon. Ground
  // positions there are off by up to ~0.7 m, so the truth is taken with the zone ending 1.5 m short and 1.5 m long.
  const queueUpTo = (endM: number) =>
    stopLineQueue(inLane.filter((v) => v.frontM < endM).map((v) => ({ frontM: v.frontM, lengthM: defaultVehicleClasses[v.class].lengthM, pcu: defaultVehicleClasses[v.class].pcu, speedMps: v.speedMps })));
  const queues = [queueUpTo(ZONE_LENGTH_M - 1.5), queueUpTo(ZONE_LENGTH_M + 1.5)];
  const meanSpeed = inZone.length === 0 ? null : inZone.reduce((sum, v) => sum + v.speedMps, 0) / inZone.length;
  return { queues, inZone: inZone.length, meanSpeed };
}

/** Runs one seeded 60 s scenario through the pipeline; returns every way the measurements miss the truth. */
function runPipeline(seed: number): string[] {
  const { frames, crossingsByLane } = simulateTraffic(seed);
  const rand = random(seed * 7919);
  const tracker = new ByteTracker({ maxLostFrames: 30 });
  const builder = new LaneMeasurementBuilder({ camera: cameraConfig });
  const measurements: LaneMeasurement[] = [];
  const truthAt = new Map<number, ReturnType<typeof trueLaneState>[]>();
  for (const frame of frames) {
    tracker.update(detect(frame.vehicles, rand));
    const emitted = builder.observe(frame.timeMs, tracker.confirmedTracks(10));
    if (emitted.length > 0) truthAt.set(frame.timeMs, [0, 1, 2].map((lane) => trueLaneState(frame.vehicles, lane)));
    measurements.push(...emitted);
  }
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(`seed ${seed}: ${what}`);
  };
  check(measurements.length === DURATION_S * LANES, `${measurements.length} measurements`);
  for (const m of measurements) LaneMeasurement.parse(m);

  for (let lane = 0; lane < LANES; lane++) {
    const ofLane = measurements.filter((m) => m.laneIndex === lane);
    const truth = crossingsByLane[lane]!;
    check(truth.total > 3, `lane ${lane}: only ${truth.total} crossings, too little traffic to test`);
    // counts: the total and per class equal the true crossings; each is reported at most 2 s after it happened
    const counted = ofLane.reduce((sum, m) => sum + m.count, 0);
    check(counted === truth.total, `lane ${lane}: counted ${counted}, truth ${truth.total}`);
    for (const name of vehicleClassNames) {
      const countedOfClass = ofLane.reduce((sum, m) => sum + m.countByClass[name], 0);
      check(countedOfClass === truth.byClass[name], `lane ${lane}: counted ${countedOfClass} ${name}, truth ${truth.byClass[name]}`);
    }
    let cumulative = 0;
    for (const m of ofLane) {
      cumulative += m.count;
      const timeS = m.timeMs / 1000;
      const before = truth.timesS.filter((t) => t <= timeS).length;
      const twoSecondsBefore = truth.timesS.filter((t) => t <= timeS - 2).length;
      check(cumulative <= before && cumulative >= twoSecondsBefore, `${timeS}s lane ${lane}: ${cumulative} counted so far, truth ${twoSecondsBefore}..${before}`);
    }

    // queues, every second except the 3 s after a signal change (speeds lag ~0.5 s, so a whole queue can flip)
    let compared = 0;
    let standingSeconds = 0;
    for (const m of ofLane) {
      const timeS = m.timeMs / 1000;
      if (signalChangesS.some((change) => timeS >= change && timeS < change + 3)) continue;
      const truthNow = truthAt.get(m.timeMs)![lane]!;
      const truthText = truthNow.queues.map((q) => `${q.vehicles} veh ${q.lengthM.toFixed(1)} m`).join(' or ');
      const row = `${timeS}s lane ${lane}: queue ${m.queueVehicles} veh ${m.queueLengthM.toFixed(1)} m, truth ${truthText}`;
      // within 15 %, or one vehicle (its length and the gap before it) more or less
      const close = (queue: StopLineQueue) => {
        const vehiclesOff = Math.abs(m.queueVehicles - queue.vehicles);
        const metresOff = Math.abs(m.queueLengthM - queue.lengthM);
        if (vehiclesOff === 0) return metresOff <= Math.max(0.15 * queue.lengthM, 1);
        return vehiclesOff === 1 && metresOff <= Math.max(0.15 * queue.lengthM, defaultVehicleClasses.bus.lengthM + QUEUE_JOIN_GAP_M);
      };
      check(truthNow.queues.some(close), row);
      // a standing queue (the same for the last 2 s): exact in vehicles, within 15 % in metres
      const queueAt = (timeMs: number) => truthAt.get(timeMs)?.[lane]!.queues[0]!.vehicles;
      const standing = truthNow.queues[0]!.vehicles;
      if (standing > 0 && queueAt(m.timeMs - 1000) === standing && queueAt(m.timeMs - 2000) === standing) {
        const exact = (queue: StopLineQueue) => m.queueVehicles === queue.vehicles && Math.abs(m.queueLengthM - queue.lengthM) <= 0.15 * queue.lengthM;
        check(truthNow.queues.some(exact), `standing queue: ${row}`);
        standingSeconds++;
      }
      check(Math.abs(m.vehiclesInZone - truthNow.inZone) <= 1, `${timeS}s lane ${lane}: ${m.vehiclesInZone} vehicles in zone, truth ${truthNow.inZone}`);
      compared++;
    }
    check(compared > 40, `lane ${lane}: only ${compared} seconds compared`);
    check(standingSeconds > 5, `lane ${lane}: only ${standingSeconds} seconds of standing queue`);
    const longest = Math.max(...ofLane.map((m) => truthAt.get(m.timeMs)![lane]!.queues[0]!.vehicles));
    check(longest >= 4, `lane ${lane}: the longest queue has only ${longest} vehicles`);
  }

  // mean speed over the zone follows the truth
  const speedErrors: number[] = [];
  for (const m of measurements) {
    const truth = truthAt.get(m.timeMs)![m.laneIndex]!.meanSpeed;
    if (truth !== null && m.meanSpeedMps !== null) speedErrors.push(Math.abs(truth - m.meanSpeedMps));
  }
  const meanSpeedError = speedErrors.reduce((sum, e) => sum + e, 0) / speedErrors.length;
  check(speedErrors.length > 100 && meanSpeedError < 1, `mean speed off by ${meanSpeedError.toFixed(2)} m/s on average over ${speedErrors.length} lane-seconds`);
  return problems;
}

describe('pipeline: synthetic traffic through camera, tracker and measurement builder', () => {
  it.each([7, 21, 35])('counts every stop-line crossing per lane and class over 60 s and measures queues within 15 percent or one vehicle (seed %i)', (seed) => {
    expect(runPipeline(seed)).toEqual([]);
  });
});
