import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ControllerKind, defaultControllerConfig } from '@greenwave/contracts';
import { type SumoProgramType, readTeleports, readTripinfo, retypeTrafficLights, startSumo } from '@greenwave/simulator';
import { runCosim } from './cosim.ts';

/** One row of the SUMO comparison (and of the JSON `sumo-eval` writes). */
export interface SumoEvalRow {
  controller: string;
  source: 'greenwave' | 'sumo';
  meanTimeLossS: number;
  meanTravelTimeS: number;
  meanWaitingS: number;
  completedTrips: number;
  teleports: number;
}

export interface SumoEvalDetail extends SumoEvalRow {
  meanDepartDelayS: number;
  wallS: number;
  safetyViolations: number;
}

export interface SumoEvalOptions {
  netFile: string;
  routeFiles: readonly string[];
  controllers: readonly ControllerKind[];
  baselines: readonly SumoProgramType[];
  seed: number;
  endS?: number;
  parallel?: number;
  onProgress?: (run: string, simulatedS: number) => void;
}

/** Runs SUMO's own program types and greenwave's controllers on the same net, routes and seed. */
export async function runSumoEvaluation(options: SumoEvalOptions): Promise<SumoEvalDetail[]> {
  const dir = mkdtempSync(join(tmpdir(), 'greenwave-sumo-eval-'));
  type Job = () => Promise<SumoEvalDetail>;
  const jobs: Job[] = [
    ...options.baselines.map((type): Job => async () => {
      const started = performance.now();
      const runDir = mkdtempSync(join(dir, `${type}-`));
      const net = retypeTrafficLights(options.netFile, type, runDir);
      const tripinfo = join(runDir, 'tripinfo.xml');
      const statistics = join(runDir, 'statistics.xml');
      const args = ['-n', net, '-r', options.routeFiles.join(','), '--seed', String(options.seed), '--step-length', '1', '--tripinfo-output', tripinfo,
        '--statistic-output', statistics, '--no-warnings', 'true', '--time-to-teleport', '300', '--duration-log.disable', 'true', '--step-log.period', '60'];
      if (options.endS !== undefined) args.push('--end', String(options.endS));
      const sumo = startSumo(args, (t) => options.onProgress?.(`sumo:${type}`, t));
      const code = await sumo.exited;
      if (code !== 0) throw new Error(`SUMO (${type}) failed with exit ${code}: ${sumo.stderr().trim().split('\n').slice(-3).join(' | ')}`);
      const trips = readTripinfo(tripinfo);
      return { controller: type, source: 'sumo', ...trips, teleports: readTeleports(statistics), wallS: Math.round((performance.now() - started) / 100) / 10, safetyViolations: 0 };
    }),
    ...options.controllers.map((kind): Job => async () => {
      const r = await runCosim({
        netFile: options.netFile,
        routeFiles: options.routeFiles,
        config: defaultControllerConfig(kind),
        seed: options.seed,
        ...(options.endS !== undefined ? { endS: options.endS } : {}),
        workDir: mkdtempSync(join(dir, `${kind}-`)),
        onProgress: (s) => options.onProgress?.(kind, s),
      });
      return {
        controller: kind,
        source: 'greenwave',
        meanTimeLossS: r.meanTimeLossS,
        meanTravelTimeS: r.meanTravelTimeS,
        meanWaitingS: r.meanWaitingS,
        completedTrips: r.completedTrips,
        teleports: r.teleports,
        meanDepartDelayS: r.meanDepartDelayS,
        wallS: r.wallS,
        safetyViolations: r.safetyViolations.length,
      };
    }),
  ];
  const results: SumoEvalDetail[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel ?? 2, jobs.length)) }, worker));
  return results;
}
