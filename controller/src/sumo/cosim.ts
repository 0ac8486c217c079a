import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ControllerConfig, ErrorCode, GreenwaveError, buildPhaseModel } from '@greenwave/contracts';
import {
  Cabinet,
  type ImportedTls,
  LinkSafetyChecker,
  SafetyObserver,
  SumoCamera,
  TRACI,
  TraciClient,
  freePort,
  importSumoNet,
  parseSumoNet,
  readTeleports,
  readTripinfo,
  startSumo,
  sumoStateFor,
  writeStopLineLoops,
} from '@greenwave/simulator';
import { DecisionLoop } from '../runner/decision-loop.ts';

export interface CosimOptions {
  netFile: string;
  routeFiles: readonly string[];
  /** Controller for every traffic light. */
  config: ControllerConfig;
  seed: number;
  /** Stop at this simulated time even if vehicles remain (s). */
  endS?: number;
  /** Read every traffic light's state back from SUMO each step and check it (slower; tests). */
  verifyInSumo?: boolean;
  workDir?: string;
  onProgress?: (simulatedS: number, vehiclesLeft: number) => void;
  /** Called before each decision round, for tests that need to interfere (e.g. a rogue request). */
  beforeDecision?: (stepS: number, cabinets: ReadonlyMap<string, Cabinet>) => void;
}

export interface CosimResult {
  controller: string;
  source: 'greenwave';
  meanTimeLossS: number;
  meanTravelTimeS: number;
  meanWaitingS: number;
  meanDepartDelayS: number;
  completedTrips: number;
  teleports: number;
  steps: number;
  wallS: number;
  /** Unsafe transitions found in what SUMO reported (with verifyInSumo) and by the cabinets' observers. */
  safetyViolations: string[];
  supervisorRejections: number;
  flashes: number;
}

/**
 * Runs SUMO under TraCI with greenwave in control of every traffic light: SUMO's lanes feed the controllers through
 * the camera schema, each decision passes the safety supervisor and a cabinet model, and SUMO only ever receives the
 * signal states the cabinet shows (yellow and clearances included). SUMO is stopped on every way out.
 */
export async function runCosim(options: CosimOptions): Promise<CosimResult> {
  const started = performance.now();
  const dir = options.workDir ?? mkdtempSync(join(tmpdir(), 'greenwave-cosim-'));
  const tlss = importSumoNet(parseSumoNet(options.netFile));
  const loops = join(dir, 'stop-line-loops.add.xml');
  writeStopLineLoops(loops, tlss);
  const tripinfo = join(dir, 'tripinfo.xml');
  const statistics = join(dir, 'statistics.xml');
  const port = await freePort();
  const args = ['-n', options.netFile, '-r', options.routeFiles.join(','), '-a', loops, '--remote-port', String(port), '--seed', String(options.seed),
    '--step-length', '1', '--tripinfo-output', tripinfo, '--statistic-output', statistics, '--no-step-log', 'true', '--no-warnings', 'true',
    '--time-to-teleport', '300', '--duration-log.disable', 'true'];
  if (options.endS !== undefined) args.push('--end', String(options.endS));
  const sumo = startSumo(args);
  let client: TraciClient | null = null;
  try {
    client = await Promise.race([
      TraciClient.connect({ port, retryForMs: 30_000 }),
      sumo.exited.then((code) => {
        throw new GreenwaveError(ErrorCode.IO, `SUMO stopped (exit ${code}) before accepting TraCI: ${sumo.stderr().trim().split('\n').slice(-3).join(' | ')}`);
      }),
    ]);
    await client.getVersion();
    const models = tlss.map((t) => buildPhaseModel(t.intersection));
    const cabinets = tlss.map((t, i) => new Cabinet({ model: models[i]!, mode: 'fixed' }));
    const cabinetById = new Map(tlss.map((t, i) => [t.tlsId, cabinets[i]!]));
    const observers = models.map((m) => new SafetyObserver(m));
    const checkers = tlss.map((t) => new LinkSafetyChecker(t, Math.min(...t.intersection.phases.map((p) => p.timing.yellowS))));
    const loop = new DecisionLoop(tlss.map((t, i) => ({ intersection: t.intersection, model: models[i]!, cabinet: cabinets[i]!, config: options.config })));
    const camera = new SumoCamera(tlss);
    await camera.subscribe(client);
    await client.subscribeSimulation([TRACI.VAR_MIN_EXPECTED_VEHICLES, TRACI.VAR_TIME]);
    const sent = tlss.map(() => '');
    let step = 0;
    let remaining = Infinity;
    for (;;) {
      const timeMs = step * 1000;
      options.beforeDecision?.(step, cabinetById);
      if (step > 0) loop.decide(timeMs, tlss.map((t) => camera.read(t, timeMs, 1)));
      for (let i = 0; i < tlss.length; i++) {
        cabinets[i]!.advance(1000);
        observers[i]!.observe(cabinets[i]!);
      }
      const c = client;
      const results = await c.batch(() => {
        tlss.forEach((t: ImportedTls, i) => {
          const state = sumoStateFor(t, cabinets[i]!);
          if (state !== sent[i]) {
            void c.setRedYellowGreenState(t.tlsId, state);
            sent[i] = state;
          }
        });
        void c.simulationStep();
      });
      const subscriptions = results.at(-1) as Awaited<ReturnType<TraciClient['simulationStep']>>;
      camera.update(subscriptions);
      step++;
      const sim = subscriptions.get(TRACI.RESPONSE_SUBSCRIBE_SIM_VARIABLE)?.get('');
      remaining = (sim?.get(TRACI.VAR_MIN_EXPECTED_VEHICLES) as number) ?? remaining;
      if (options.verifyInSumo) {
        const states = (await c.batch(() => tlss.forEach((t) => void c.getRedYellowGreenState(t.tlsId)))) as string[];
        states.forEach((state, i) => checkers[i]!.observe(state, step));
      }
      if (step % 60 === 0) options.onProgress?.(step, remaining);
      if (remaining <= 0 && step > 1) break;
      if (options.endS !== undefined && step >= options.endS) break;
    }
    await client.close();
    client = null;
    await sumo.exited;
    const trips = readTripinfo(tripinfo);
    return {
      controller: options.config.kind,
      source: 'greenwave',
      meanTimeLossS: trips.meanTimeLossS,
      meanTravelTimeS: trips.meanTravelTimeS,
      meanWaitingS: trips.meanWaitingS,
      meanDepartDelayS: trips.meanDepartDelayS,
      completedTrips: trips.completedTrips,
      teleports: readTeleports(statistics),
      steps: step,
      wallS: Math.round((performance.now() - started) / 100) / 10,
      safetyViolations: [...checkers.flatMap((c) => c.violations), ...observers.flatMap((o) => o.violations)],
      supervisorRejections: loop.stats.rejectedBySupervisor,
      flashes: cabinets.filter((c) => c.latched).length,
    };
  } catch (error) {
    // when SUMO itself stopped, its own message says why
    const code = await Promise.race([sumo.exited, sleep(1000).then(() => undefined)]);
    if (code !== undefined && code !== 0) {
      throw new GreenwaveError(ErrorCode.IO, `SUMO stopped (exit ${code}): ${sumo.stderr().trim().split('\n').slice(-3).join(' | ')}`, { cause: error });
    }
    throw error;
  } finally {
    client?.destroy();
    sumo.kill();
  }
}
