import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CabinetRequest, defaultControllerConfig } from '@greenwave/contracts';
import { Random, makeAsymmetricRoutes, makeGridNet, makeRandomTrips, makeSingleJunctionNet, runningSumoCount } from '@greenwave/simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCosim } from '../src/sumo/cosim.ts';

const dir = mkdtempSync(join(tmpdir(), 'gw-cosim-'));
let grid: string;
let routes: string;

beforeAll(() => {
  grid = makeGridNet(dir, { columns: 3, rows: 3 });
  routes = makeRandomTrips(dir, grid, { perHour: 2400, durationS: 600, seed: 5 });
});

describe('greenwave controlling SUMO through TraCI', () => {
  it('max-pressure runs the grid; every state SUMO reports is safe; all trips finish', async () => {
    const result = await runCosim({ netFile: grid, routeFiles: [routes], config: defaultControllerConfig('maxpressure'), seed: 1, verifyInSumo: true });
    expect(result.safetyViolations).toEqual([]);
    expect(result.completedTrips).toBe(readFileSync(routes, 'utf8').match(/<vehicle /g)!.length);
    expect(result.teleports).toBe(0);
    expect(result.flashes).toBe(0);
    expect(result.meanTimeLossS).toBeGreaterThan(0);
    expect(result.meanTravelTimeS).toBeGreaterThan(result.meanTimeLossS);
    expect(runningSumoCount()).toBe(0);
  });

  it('random and conflicting requests hammering the cabinets never put an unsafe transition into SUMO', async () => {
    const random = new Random(99);
    let conflictingSent = 0;
    const result = await runCosim({
      netFile: grid,
      routeFiles: [routes],
      config: defaultControllerConfig('queue'),
      seed: 2,
      endS: 400,
      verifyInSumo: true,
      beforeDecision: (_step, cabinets) => {
        for (const cabinet of cabinets.values()) {
          if (random.next() > 0.2) continue;
          const phases = cabinet.model.phases;
          const pick = () => phases.filter(() => random.next() < 0.5);
          const request: CabinetRequest = { mode: 'centre', stage: pick(), hold: [], forceOff: pick(), heartbeat: true };
          if (random.next() < 0.01) request.reset = true;
          const stage = request.stage!;
          if (stage.some((a) => stage.some((b) => cabinet.model.conflicts.conflicts(a, b)))) conflictingSent++;
          cabinet.request(request);
        }
      },
    });
    expect(conflictingSent).toBeGreaterThan(0);
    expect(result.flashes).toBeGreaterThan(0);
    expect(result.safetyViolations).toEqual([]);
  });

  it('stops SUMO when the run fails', async () => {
    await expect(runCosim({ netFile: grid, routeFiles: [join(dir, 'missing.rou.xml')], config: defaultControllerConfig('fixed'), seed: 1 })).rejects.toThrow(/SUMO stopped \(exit 1\).*missing\.rou\.xml/);
    expect(runningSumoCount()).toBe(0);
  });
});

describe('greenwave sumo-eval', () => {
  it('compares SUMO programs and greenwave controllers on one net and writes the agreed JSON', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const net = makeSingleJunctionNet(dir);
    const demand = makeAsymmetricRoutes(dir, { mainPerHour: 900, sidePerHour: 300, durationS: 600 });
    const out = join(dir, 'sumo.json');
    const run = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'cli', 'src', 'main.ts'), 'sumo-eval', '--net', net, '--routes', demand, '--controllers', 'maxpressure', '--baselines', 'static,delay_based', '--json', out], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/controller\s+source\s+time loss s\/trip\s+travel time s\s+waiting s\s+completed trips\s+teleports\s+vs delay_based/);
    expect(run.stdout).toMatch(/delay_based\s+sumo\s+.*100\.0%/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.net).toBe(net);
    expect(report.results.map((r: { controller: string; source: string }) => `${r.source}:${r.controller}`)).toEqual(['sumo:static', 'sumo:delay_based', 'greenwave:maxpressure']);
    for (const r of report.results) {
      expect(Object.keys(r).sort()).toEqual(['completedTrips', 'controller', 'meanTimeLossS', 'meanTravelTimeS', 'meanWaitingS', 'source', 'teleports']);
      expect(r.completedTrips).toBe(400);
    }
    const bad = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'cli', 'src', 'main.ts'), 'sumo-eval', '--net', net, '--routes', demand, '--baselines', 'smart'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown SUMO program "smart" \(known: static, actuated, delay_based\)/);
  });

  it('Ctrl-C stops every SUMO process it started', async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const own = mkdtempSync(join(dir, 'ctrl-c-'));
    const demand = makeRandomTrips(own, grid, { perHour: 20_000, durationS: 3600, seed: 8, name: 'ctrl-c' });
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'cli', 'src', 'main.ts'), 'sumo-eval', '--net', grid, '--routes', demand, '--controllers', 'maxpressure', '--baselines', 'static'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // SUMO processes of this run only (their command lines name its route file)
    const sumoFor = () => spawnSync('pgrep', ['-f', `^sumo .*${demand}`], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).length;
    // wait until both runs have their SUMO
    for (let i = 0; i < 200 && sumoFor() < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(sumoFor()).toBe(2);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(out).toMatch(/interrupted: every SUMO process stopped/);
    await new Promise((r) => setTimeout(r, 300));
    expect(sumoFor()).toBe(0);
  });
});
