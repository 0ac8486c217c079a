import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUMO_HOME, requireSumoTool, runTool } from './sumo-process.ts';

/** A `netgenerate` grid with a traffic light at every crossing (and stubs of `blockM` where traffic enters). */
export function makeGridNet(dir: string, options: { columns: number; rows: number; blockM?: number; lanes?: number; name?: string }): string {
  requireSumoTool('netgenerate');
  const file = join(dir, `${options.name ?? `grid-${options.columns}x${options.rows}`}.net.xml`);
  const block = options.blockM ?? 200;
  runTool(
    'netgenerate',
    ['--grid', '--grid.x-number', String(options.columns), '--grid.y-number', String(options.rows), '--grid.length', String(block), '--grid.attach-length', String(block),
      '--default.lanenumber', String(options.lanes ?? 2), '--tls.guess', '--no-turnarounds', '--seed', '1', '-o', file],
    `netgenerate ${options.columns}x${options.rows} grid`,
  );
  return file;
}

/** Edge ids of the single crossing's legs (netgenerate names the stubs of a 1 x 1 grid left0, right0, top0, bottom0). */
export const SINGLE_LEGS = { W: 'left0', E: 'right0', N: 'top0', S: 'bottom0' } as const;

/** One four-leg signalised crossing (junction A0) with `legM` legs and `lanes` lanes each way: a 1 x 1 netgenerate grid. */
export function makeSingleJunctionNet(dir: string, options: { legM?: number; lanes?: number } = {}): string {
  requireSumoTool('netgenerate');
  const file = join(dir, 'single.net.xml');
  runTool(
    'netgenerate',
    ['--grid', '--grid.x-number', '1', '--grid.y-number', '1', '--grid.attach-length', String(options.legM ?? 300), '--default.lanenumber', String(options.lanes ?? 2),
      '--tls.guess', '--no-turnarounds', '--seed', '1', '-o', file],
    'netgenerate single crossing',
  );
  return file;
}

/** Seeded random trips with SUMO's randomTrips.py, routed by duarouter: `perHour` trips over `durationS`. */
export function makeRandomTrips(dir: string, netFile: string, options: { perHour: number; durationS: number; seed: number; name?: string }): string {
  requireSumoTool('duarouter');
  const routes = join(dir, `${options.name ?? 'random'}.rou.xml`);
  const trips = join(dir, `${options.name ?? 'random'}.trips.xml`);
  runTool(
    'python3',
    [join(SUMO_HOME, 'tools', 'randomTrips.py'), '-n', netFile, '-o', trips, '-r', routes, '--seed', String(options.seed), '-b', '0', '-e', String(options.durationS),
      '-p', String(3600 / options.perHour), '--validate', '--fringe-factor', '10'],
    'randomTrips.py',
  );
  return routes;
}

/**
 * The asymmetric single-crossing demand: `mainPerHour` per direction east-west, `sidePerHour` per direction
 * north-south, each split 80% through, 10% left, 10% right.
 */
export function makeAsymmetricRoutes(dir: string, options: { mainPerHour: number; sidePerHour: number; durationS: number }): string {
  const file = join(dir, 'asymmetric.rou.xml');
  const left: Record<string, string> = { W: 'N', E: 'S', N: 'E', S: 'W' };
  const right: Record<string, string> = { W: 'S', E: 'N', N: 'W', S: 'E' };
  const through: Record<string, string> = { W: 'E', E: 'W', N: 'S', S: 'N' };
  const flows: string[] = [];
  const leg = SINGLE_LEGS as Record<string, string>;
  for (const from of ['W', 'E', 'N', 'S']) {
    const perHour = from === 'W' || from === 'E' ? options.mainPerHour : options.sidePerHour;
    for (const [turn, to, share] of [['through', through[from]!, 0.8], ['left', left[from]!, 0.1], ['right', right[from]!, 0.1]] as const) {
      flows.push(`  <flow id="${from}-${turn}" begin="0" end="${options.durationS}" vehsPerHour="${perHour * share}" from="${leg[from]}A0" to="A0${leg[to]}" departLane="best" departSpeed="max"/>`);
    }
  }
  writeFileSync(file, `<routes>\n${flows.join('\n')}\n</routes>\n`);
  return file;
}
