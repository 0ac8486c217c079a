import { type ControllerConfig, type ControllerKind, type Network, type Scenario, defaultControllerConfig } from '@greenwave/contracts';
import { PILOTS, Twin, laneQueue } from '@greenwave/simulator';
import { TwinCameras } from '../deploy/twin-cameras.ts';

const PILOT_IDS: string[] = Object.values(PILOTS).map((p) => p.id);
import { CityRunner } from '@greenwave/controller';
import { ProtocolCityRunner } from './protocol-runner.ts';

export interface EvaluationOptions {
  scenario: Scenario;
  network: Network;
  controller: ControllerKind;
  /** Parameters of the controller; its defaults when absent. */
  config?: ControllerConfig;
  durationS: number;
  /** After the window, keep simulating (demand continues) until the window's trips finish, at most this long. */
  coolDownS?: number;
  onProgress?: (simulatedS: number, totalS: number) => void;
  /** `direct`: controllers talk to the cabinets in process; `protocol`: through Modbus TCP / OPC UA (mixed city). */
  via?: 'direct' | 'protocol';
  /** First port of the protocol path's cabinets. */
  basePort?: number;
  /** These junctions are measured by synthetic cameras through the full vision path (direct path only). */
  vision?: { junctionIds: string[]; fps: number; precision?: 'auto' | 'float32' | 'int8'; farField?: boolean };
  /** Junctions reported on their own (default: the vision junctions, else the scenario's pilots). */
  pilotIds?: string[];
}

/** One controller's row of the evaluation table (and of the JSON the CLI writes). */
export interface EvaluationResult {
  controller: string;
  /** How decisions reached the cabinets. */
  via: 'direct' | 'protocol';
  meanTimeLossS: number;
  meanTravelTimeS: number;
  meanStops: number;
  completedTrips: number;
  p95QueueM: number;
  /** Trips that departed in the window but had not arrived when the cool-down ended. */
  unfinishedTrips: number;
  /** Mean time loss over every trip of the window, unfinished ones counted with their loss so far. */
  meanTimeLossAllTripsS: number;
  wallS: number;
  vehicleUpdates: number;
  supervisorRejections: number;
  /** `vision`: the vision junctions were measured through cameras; every other junction by the perfect camera. */
  feed: 'perfect' | 'vision';
  /** The pilot (or vision) junctions over the window: delay per vehicle through them and vehicles served. */
  pilots: { id: string; name: string; delayPerVehicleS: number; throughput: number }[];
}

/**
 * Runs the twin with every intersection under one controller: warm-up, a measured window of `durationS`, then a
 * cool-down so that trips of the window can finish. Trips departing in the window are the sample; demand is
 * identical for every controller (same seed).
 */
export async function evaluateController(options: EvaluationOptions): Promise<EvaluationResult> {
  const started = performance.now();
  const { scenario, network, durationS } = options;
  const coolDownS = options.coolDownS ?? 900;
  const twin = new Twin({ scenario, network });
  const config = options.config ?? defaultControllerConfig(options.controller);
  if (options.vision && options.via === 'protocol') throw new Error('the vision feed runs on the direct path only');
  const runner =
    options.via === 'protocol'
      ? await ProtocolCityRunner.start(twin, () => config, { basePort: options.basePort ?? 20000, intervalS: scenario.control.decisionIntervalS })
      : new CityRunner(twin, () => config, scenario.control.decisionIntervalS);
  try {
    return await run(options, twin, runner, started, coolDownS);
  } finally {
    if (runner instanceof ProtocolCityRunner) await runner.close();
  }
}

async function run(options: EvaluationOptions, twin: Twin, runner: CityRunner | ProtocolCityRunner, started: number, coolDownS: number): Promise<EvaluationResult> {
  const { scenario, durationS } = options;
  const total = scenario.warmupS + durationS + coolDownS;
  const progress = (s: number) => {
    if (options.onProgress && s % 60 === 0) options.onProgress(s, total);
  };
  // the cameras start 30 s before the window so their tracks are established when their measurements take over
  let cameras: TwinCameras | null = null;
  const cameraLeadS = Math.min(30, scenario.warmupS);
  const step = async () => {
    twin.step();
    if (cameras) await cameras.processSecond();
    await runner.tick();
  };
  try {
    for (let s = 0; s < scenario.warmupS; s++) {
      if (options.vision && s === scenario.warmupS - cameraLeadS) cameras = await TwinCameras.create(twin, options.vision.junctionIds, { fps: options.vision.fps, ...(options.vision.precision ? { precision: options.vision.precision } : {}), farField: options.vision.farField ?? true });
      await step();
      progress(twin.simS);
    }
    if (cameras && runner instanceof CityRunner) for (const j of twin.junctions) if (options.vision!.junctionIds.includes(j.id)) runner.sources.set(j.id, cameras.sourceFor(j));
    twin.startWindow(twin.simS + durationS);
    for (let s = 0; s < durationS; s++) {
      await step();
      twin.sampleQueues((lane) => laneQueue(lane).lengthM);
      progress(twin.simS);
    }
    for (let s = 0; s < coolDownS && twin.windowOpenTrips().count > 0; s++) {
      await step();
      progress(twin.simS);
    }
  } finally {
    await cameras?.close();
  }
  options.onProgress?.(total, total);
  const totals = twin.totals;
  const open = twin.windowOpenTrips();
  const n = Math.max(1, totals.completed);
  return {
    controller: options.controller,
    via: options.via ?? 'direct',
    meanTimeLossS: round(totals.timeLossS / n, 1),
    meanTravelTimeS: round(totals.travelTimeS / n, 1),
    meanStops: round(totals.stops / n, 2),
    completedTrips: totals.completed,
    p95QueueM: twin.queuePercentile(0.95),
    unfinishedTrips: open.count,
    meanTimeLossAllTripsS: round((totals.timeLossS + open.timeLossS) / Math.max(1, totals.completed + open.count), 1),
    wallS: round((performance.now() - started) / 1000, 1),
    vehicleUpdates: twin.vehicleUpdates,
    supervisorRejections: runner.stats.rejectedBySupervisor,
    feed: options.vision ? 'vision' : 'perfect',
    pilots: twin
      .intersectionTruth()
      .filter((x) => (options.pilotIds ?? options.vision?.junctionIds ?? PILOT_IDS).includes(x.id))
      .map((x) => ({ id: x.id, name: x.name, delayPerVehicleS: round(x.delayVehS / Math.max(1, x.throughput), 1), throughput: x.throughput })),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
