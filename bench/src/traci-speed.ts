import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultControllerConfig } from '@greenwave/contracts';
import { runCosim } from '@greenwave/controller';
import { makeGridNet, makeRandomTrips } from '@greenwave/simulator';

export interface TraciSpeed {
  stepsPerSecond: number;
  steps: number;
  lights: number;
}

/**
 * The SUMO grid (20 x 10 crossings, 200 m blocks, 2 lanes, lights guessed, ~18,000 random trips an hour)
 * under max-pressure through TraCI: simulation steps per wall second once running (SUMO start-up excluded).
 */
export async function measureTraciSpeed(steps = 900): Promise<TraciSpeed> {
  const dir = mkdtempSync(join(tmpdir(), 'greenwave-bench-traci-'));
  const net = makeGridNet(dir, { columns: 20, rows: 10, blockM: 200, lanes: 2 });
  const routes = makeRandomTrips(dir, net, { perHour: 18_000, durationS: 3600, seed: 42 });
  let firstAt = 0;
  let lastAt = 0;
  let firstStep = 0;
  let lastStep = 0;
  await runCosim({
    netFile: net,
    routeFiles: [routes],
    config: defaultControllerConfig('maxpressure'),
    seed: 1,
    endS: steps,
    workDir: dir,
    onProgress: (step) => {
      const now = performance.now();
      if (firstAt === 0) {
        firstAt = now;
        firstStep = step;
      }
      lastAt = now;
      lastStep = step;
    },
  });
  return { stepsPerSecond: ((lastStep - firstStep) * 1000) / Math.max(1, lastAt - firstAt), steps: lastStep, lights: 200 };
}
