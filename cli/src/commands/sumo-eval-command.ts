import { existsSync, writeFileSync } from 'node:fs';
import { ControllerKind, ErrorCode, GreenwaveError, controllerKinds } from '@greenwave/contracts';
import { SUMO_PROGRAMS, type SumoProgramType, stopAllSumo } from '@greenwave/simulator';
import { type SumoEvalDetail, type SumoEvalRow, runSumoEvaluation } from '@greenwave/controller';
import { type FlagSpec, parseFlags, usageError } from './args.ts';
import { formatTable } from './table.ts';

export const sumoEvalFlags: FlagSpec[] = [
  { name: 'net', kind: 'string', description: 'SUMO network (.net.xml)' },
  { name: 'routes', kind: 'string', description: 'SUMO routes (.rou.xml), comma list' },
  { name: 'controllers', kind: 'string', description: `greenwave controllers, comma list of ${controllerKinds.join(', ')}`, default: 'maxpressure,queue,density' },
  { name: 'baselines', kind: 'string', description: `SUMO programs, comma list of ${SUMO_PROGRAMS.join(', ')}`, default: SUMO_PROGRAMS.join(',') },
  { name: 'seed', kind: 'number', description: 'SUMO random seed (same for every run)', default: 1 },
  { name: 'end', kind: 'number', description: 'stop every run at this simulated time (s)' },
  { name: 'json', kind: 'string', description: 'also write the results as JSON to this file' },
  { name: 'parallel', kind: 'number', description: 'runs at a time', default: 2 },
];

const list = (value: unknown) =>
  String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export async function sumoEvalCommand(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, sumoEvalFlags, 'sumo-eval');
  if (flags.net === undefined) throw usageError('sumo-eval', sumoEvalFlags, '--net is required');
  if (flags.routes === undefined) throw usageError('sumo-eval', sumoEvalFlags, '--routes is required');
  const netFile = String(flags.net);
  const routeFiles = list(flags.routes);
  for (const f of [netFile, ...routeFiles]) if (!existsSync(f)) throw usageError('sumo-eval', sumoEvalFlags, `no such file: ${f}`);
  const controllers = list(flags.controllers);
  for (const c of controllers) if (!ControllerKind.safeParse(c).success) throw usageError('sumo-eval', sumoEvalFlags, `unknown controller "${c}" (known: ${controllerKinds.join(', ')})`);
  const baselines = list(flags.baselines);
  for (const b of baselines) if (!(SUMO_PROGRAMS as readonly string[]).includes(b)) throw usageError('sumo-eval', sumoEvalFlags, `unknown SUMO program "${b}" (known: ${SUMO_PROGRAMS.join(', ')})`);
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed) || seed < 0) throw usageError('sumo-eval', sumoEvalFlags, `--seed must be a whole number >= 0, got ${flags.seed}`);
  const parallel = Number(flags.parallel);
  if (!Number.isInteger(parallel) || parallel < 1) throw usageError('sumo-eval', sumoEvalFlags, `--parallel must be a positive whole number, got ${flags.parallel}`);
  const endS = flags.end === undefined ? undefined : Number(flags.end);
  if (endS !== undefined && !(endS > 0)) throw usageError('sumo-eval', sumoEvalFlags, `--end must be positive, got ${flags.end}`);

  // Ctrl-C: every SUMO process goes down with us
  const interrupt = () => {
    stopAllSumo();
    console.error('\ninterrupted: every SUMO process stopped');
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const runs = [...baselines.map((b) => `sumo:${b}`), ...controllers];
  console.log(`SUMO evaluation of ${netFile} with ${routeFiles.join(', ')}, seed ${seed}: ${baselines.map((b) => `SUMO ${b}`).join(', ')}; greenwave ${controllers.join(', ')}`);
  const progress = new Map<string, number>();
  const startedAt = performance.now();
  let lastPrinted = 0;
  const tty = process.stdout.isTTY === true;
  const results = await runSumoEvaluation({
    netFile,
    routeFiles,
    controllers: controllers as ControllerKind[],
    baselines: baselines as SumoProgramType[],
    seed,
    parallel,
    ...(endS !== undefined ? { endS } : {}),
    onProgress: (run, s) => {
      progress.set(run, s);
      const line = runs.map((r) => `${r} ${progress.has(r) ? `${progress.get(r)} s` : '–'}`).join('  ');
      const elapsed = ((performance.now() - startedAt) / 1000).toFixed(0);
      if (tty) process.stdout.write(`\r  simulated: ${line}  (${elapsed} s)`);
      else if (performance.now() - lastPrinted > 10_000) {
        console.log(`  simulated: ${line}  (${elapsed} s)`);
        lastPrinted = performance.now();
      }
    },
  }).finally(() => {
    stopAllSumo();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  });
  if (tty) process.stdout.write('\n');
  const reference = results.find((r) => r.controller === 'delay_based');
  console.log('');
  console.log(
    formatTable(
      ['controller', 'source', 'time loss s/trip', 'travel time s', 'waiting s', 'completed trips', 'teleports', 'vs delay_based', 'wall s'],
      results.map((r: SumoEvalDetail) => [
        r.controller,
        r.source,
        r.meanTimeLossS,
        r.meanTravelTimeS,
        r.meanWaitingS,
        r.completedTrips,
        r.teleports,
        reference ? `${((100 * r.meanTimeLossS) / reference.meanTimeLossS).toFixed(1)}%` : '–',
        r.wallS,
      ]),
    ),
  );
  const unsafe = results.reduce((s, r) => s + r.safetyViolations, 0);
  console.log(`time loss, travel and waiting time as in SUMO's tripinfo (completed trips). Unsafe signal transitions seen: ${unsafe}.`);
  if (flags.json !== undefined) {
    const report: { net: string; results: SumoEvalRow[]; details: SumoEvalDetail[] } = {
      net: netFile,
      results: results.map(({ controller, source, meanTimeLossS, meanTravelTimeS, meanWaitingS, completedTrips, teleports }) => ({ controller, source, meanTimeLossS, meanTravelTimeS, meanWaitingS, completedTrips, teleports })),
      details: results,
    };
    try {
      writeFileSync(String(flags.json), `${JSON.stringify(report, null, 2)}\n`);
    } catch (cause) {
      throw new GreenwaveError(ErrorCode.IO, `cannot write ${flags.json}: ${(cause as Error).message}`, { cause });
    }
    console.log(`wrote ${flags.json}`);
  }
}
