import { type ControllerConfig, type ControllerKind, type Network, type Scenario, defaultControllerConfig } from '@greenwave/contracts';
import { Twin, laneQueue } from '@greenwave/simulator';
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
  for (let s = 0; s < scenario.warmupS; s++) {
    twin.step();
    await runner.tick();
    progress(twin.simS);
  }
  twin.startWindow(twin.simS + durationS);
  for (let s = 0; s < durationS; s++) {
    twin.step();
    await runner.tick();
    twin.sampleQueues((lane) => laneQueue(lane).lengthM);
    progress(twin.simS);
  }
  for (let s = 0; s < coolDownS && twin.windowOpenTrips().count > 0; s++) {
    twin.step();
    await runner.tick();
    progress(twin.simS);
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
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
