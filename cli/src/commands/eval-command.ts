import { writeFileSync } from 'node:fs';
import { ControllerKind, ErrorCode, GreenwaveError, controllerKinds } from '@greenwave/contracts';
import { PILOTS, loadScenario } from '@greenwave/simulator';
import type { EvaluationResult } from '../eval/evaluate.ts';
import { evaluateInParallel, jobLabel } from '../eval/parallel.ts';
import { type FlagSpec, parseFlags, usageError } from './args.ts';
import { formatTable } from './table.ts';

export const evalFlags: FlagSpec[] = [
  { name: 'scenario', kind: 'string', description: 'scenario name or YAML path', default: 'danang' },
  { name: 'controllers', kind: 'string', description: `comma list of ${controllerKinds.join(', ')}`, default: 'webster,actuated,density,queue,maxpressure' },
  { name: 'duration', kind: 'number', description: 'measured window (simulated s)', default: 3600 },
  { name: 'cool-down', kind: 'number', description: 'extra time for the window’s trips to finish (s)', default: 900 },
  { name: 'json', kind: 'string', description: 'also write the results as JSON to this file' },
  { name: 'parallel', kind: 'number', description: 'controllers simulated at once (default: CPU cores)' },
  { name: 'via', kind: 'string', description: 'direct | protocol (every cabinet through Modbus TCP / OPC UA) | both', default: 'direct' },
  { name: 'feed', kind: 'string', description: 'perfect | vision (the pilots measured by synthetic cameras through detection and tracking) | both', default: 'perfect' },
  { name: 'vision-junctions', kind: 'string', description: 'junctions the vision feed measures (default: the scenario’s pilots)' },
  { name: 'vision-fps', kind: 'number', description: 'frames per second each camera renders and processes', default: 4 },
  { name: 'vision-precision', kind: 'string', description: 'auto | float32 | int8: the cameras’ detector model', default: 'auto' },
  { name: 'vision-far-field', kind: 'string', description: 'on | off: the cameras’ far-field detection (where configured)', default: 'on' },
  { name: 'base-port', kind: 'number', description: 'first port for the protocol path’s cabinets', default: 21000 },
];

export interface EvaluationReport {
  scenario: string;
  durationS: number;
  results: Pick<EvaluationResult, 'controller' | 'meanTimeLossS' | 'meanTravelTimeS' | 'meanStops' | 'completedTrips' | 'p95QueueM'>[];
  /** Everything else measured per controller (unfinished trips, wall time...). */
  details: EvaluationResult[];
}

export async function evalCommand(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, evalFlags, 'eval');
  const controllers = String(flags.controllers)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const c of controllers) {
    if (!ControllerKind.safeParse(c).success) throw usageError('eval', evalFlags, `unknown controller "${c}" (known: ${controllerKinds.join(', ')})`);
  }
  if (controllers.length === 0) throw usageError('eval', evalFlags, '--controllers is empty');
  const durationS = Number(flags.duration);
  if (!Number.isInteger(durationS) || durationS < 60 || durationS > 86_400) throw usageError('eval', evalFlags, `--duration must be a whole number of seconds from 60 to 86400, got ${flags.duration}`);
  const coolDownS = Number(flags['cool-down']);
  if (!Number.isInteger(coolDownS) || coolDownS < 0 || coolDownS > 7200) throw usageError('eval', evalFlags, `--cool-down must be 0..7200 s, got ${flags['cool-down']}`);
  const scenarioName = String(flags.scenario);
  const loaded = loadScenario(scenarioName); // fail fast on a bad scenario, before starting workers
  const via = String(flags.via);
  if (!['direct', 'protocol', 'both'].includes(via)) throw usageError('eval', evalFlags, `--via must be direct, protocol or both, got "${via}"`);
  const basePort = Number(flags['base-port']);
  const parallel = flags.parallel === undefined ? undefined : Number(flags.parallel);
  if (parallel !== undefined && (!Number.isInteger(parallel) || parallel < 1)) throw usageError('eval', evalFlags, `--parallel must be a positive whole number`);

  console.log(`evaluating ${controllers.join(', ')} on "${loaded.scenario.name}" (${loaded.network.intersections.length} intersections), ` +
    `warm-up ${loaded.scenario.warmupS} s + ${durationS} s measured + up to ${coolDownS} s cool-down, seed ${loaded.scenario.seed}`);
  const paths = via === 'both' ? (['direct', 'protocol'] as const) : ([via] as ['direct' | 'protocol']);
  const labels: string[] = [];
  const progress = new Map<string, number>();
  const tty = process.stdout.isTTY === true;
  let lastPrintedMs = 0;
  const startedAt = performance.now();
  const show = (controller: string, done: number, total: number) => {
    progress.set(controller, Math.floor((100 * done) / total));
    const line = labels.map((c) => `${c} ${String(progress.get(c) ?? 0).padStart(3)}%`).join('  ');
    const elapsed = ((performance.now() - startedAt) / 1000).toFixed(0);
    if (tty) process.stdout.write(`\r  ${line}  (${elapsed} s)`);
    else if (performance.now() - lastPrintedMs > 10_000 || done === total) {
      // logs and CI: a line every 10 s at most
      console.log(`  ${line}  (${elapsed} s)`);
      lastPrintedMs = performance.now();
    }
  };
  const feed = String(flags.feed);
  if (!['perfect', 'vision', 'both'].includes(feed)) throw usageError('eval', evalFlags, `--feed must be perfect, vision or both, got "${feed}"`);
  const visionFps = Number(flags['vision-fps']);
  if (!(visionFps >= 1 && visionFps <= 30)) throw usageError('eval', evalFlags, `--vision-fps must be 1..30, got ${flags['vision-fps']}`);
  const visionPrecision = String(flags['vision-precision']);
  if (!['auto', 'float32', 'int8'].includes(visionPrecision)) throw usageError('eval', evalFlags, `--vision-precision must be auto, float32 or int8, got "${visionPrecision}"`);
  const visionFarField = String(flags['vision-far-field']);
  if (!['on', 'off'].includes(visionFarField)) throw usageError('eval', evalFlags, `--vision-far-field must be on or off, got "${visionFarField}"`);
  const pilotIds = Object.values(PILOTS).map((p) => p.id).filter((id) => loaded.network.intersections.some((x) => x.id === id));
  const visionIds = flags['vision-junctions'] ? String(flags['vision-junctions']).split(',').map((s) => s.trim()).filter(Boolean) : pilotIds;
  const unknown = visionIds.filter((id) => !loaded.network.intersections.some((x) => x.id === id));
  if (feed !== 'perfect' && (visionIds.length === 0 || unknown.length > 0)) {
    throw usageError('eval', evalFlags, unknown.length ? `--vision-junctions: no intersection ${unknown.join(', ')} in ${loaded.scenario.name}` : `${loaded.scenario.name} has no pilots: name the junctions with --vision-junctions`);
  }
  if (feed !== 'perfect' && via !== 'direct') throw usageError('eval', evalFlags, '--feed vision runs on --via direct only');
  const feeds = feed === 'both' ? [false, true] : [feed === 'vision'];
  const jobs = paths.flatMap((path) =>
    feeds.flatMap((vision) => controllers.map((controller) => ({ scenario: loaded.file, controller: controller as ControllerKind, durationS, coolDownS, via: path, ...(feed !== 'perfect' ? { pilotIds: visionIds } : {}), ...(vision ? { vision: { junctionIds: visionIds, fps: visionFps, precision: visionPrecision as 'auto' | 'float32' | 'int8', farField: visionFarField === 'on' } } : {}) }))),
  );
  labels.push(...jobs.map(jobLabel));
  // each protocol job serves its own cabinets: give every job its own port range
  const details = await evaluateInParallel(
    jobs.map((job, i) => ({ ...job, basePort: basePort + i * (loaded.network.intersections.length + 10) })),
    (controller, done, total) => show(controller, done, total),
    parallel,
  );
  if (tty) process.stdout.write('\n');
  const webster = details.find((r) => r.controller === 'webster' && r.via === paths[0] && r.feed === 'perfect') ?? details.find((r) => r.controller === 'webster' && r.via === paths[0]);
  const showFeed = feed !== 'perfect';
  const pilotHeaders = showFeed ? visionIds.map((id) => `${id.slice(0, 14)} delay s/veh`) : [];
  console.log('');
  console.log(
    formatTable(
      ['controller', ...(paths.length > 1 || paths[0] === 'protocol' ? ['path'] : []), ...(showFeed ? ['feed'] : []), 'time loss s/trip', 'travel time s', 'stops/trip', 'completed trips', 'p95 queue m', 'vs webster', 'unfinished', 'wall s', ...pilotHeaders],
      details.map((r) => [
        r.controller,
        ...(paths.length > 1 || paths[0] === 'protocol' ? [r.via === 'protocol' ? 'Modbus/OPC UA' : 'direct'] : []),
        ...(showFeed ? [r.feed === 'vision' ? 'cameras at pilots' : 'perfect'] : []),
        r.meanTimeLossS,
        r.meanTravelTimeS,
        r.meanStops,
        r.completedTrips,
        r.p95QueueM,
        webster ? `${((100 * r.meanTimeLossS) / webster.meanTimeLossS).toFixed(1)}%` : '–',
        r.unfinishedTrips,
        r.wallS,
        ...(showFeed ? visionIds.map((id) => r.pilots.find((p) => p.id === id)?.delayPerVehicleS ?? '–') : []),
      ]),
    ),
  );
  if (!webster) console.log('(add webster to --controllers to see each controller’s time loss relative to it)');
  console.log('time loss per trip includes waiting to enter the network; trips = those departing in the measured window;');
  console.log('p95 queue = 95th percentile, over every approach and second, of the approach’s longest lane queue.');
  if (flags.json !== undefined) {
    const report: EvaluationReport = {
      scenario: loaded.scenario.name,
      durationS,
      results: details.map(({ controller, meanTimeLossS, meanTravelTimeS, meanStops, completedTrips, p95QueueM }) => ({ controller, meanTimeLossS, meanTravelTimeS, meanStops, completedTrips, p95QueueM })),
      details,
    };
    try {
      writeFileSync(String(flags.json), `${JSON.stringify(report, null, 2)}\n`);
    } catch (cause) {
      throw new GreenwaveError(ErrorCode.IO, `cannot write ${flags.json}: ${(cause as Error).message}`, { cause });
    }
    console.log(`wrote ${flags.json}`);
  }
}
