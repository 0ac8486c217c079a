import { secondsToClock } from '@greenwave/contracts';
import { Twin, laneQueue, loadScenario } from '@greenwave/simulator';
import { CityRunner } from '@greenwave/controller';
import { type FlagSpec, parseFlags, usageError } from './args.ts';
import { formatTable } from './table.ts';

export const startFlags: FlagSpec[] = [
  { name: 'scenario', kind: 'string', description: 'scenario name or YAML path', default: 'danang' },
  { name: 'speed', kind: 'number', description: 'simulated seconds per wall second', default: 1 },
  { name: 'every', kind: 'number', description: 'print the live table every this many wall seconds', default: 5 },
  { name: 'duration', kind: 'number', description: 'stop after this many simulated seconds (default: until Ctrl-C)' },
];

/** Runs the whole city live under its configured controllers and prints a compact table until Ctrl-C. */
export async function startCommand(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, startFlags, 'start');
  const speed = Number(flags.speed);
  const every = Number(flags.every);
  if (!(speed > 0 && speed <= 1000)) throw usageError('start', startFlags, `--speed must be in (0, 1000], got ${flags.speed}`);
  if (!(every >= 0.5 && every <= 3600)) throw usageError('start', startFlags, `--every must be 0.5..3600 s, got ${flags.every}`);
  const duration = flags.duration === undefined ? Infinity : Number(flags.duration);
  if (!(duration > 0)) throw usageError('start', startFlags, `--duration must be positive, got ${flags.duration}`);

  const { scenario, network } = loadScenario(String(flags.scenario));
  const twin = new Twin({ scenario, network });
  const runner = new CityRunner(twin, (j) => j.intersection.control ?? scenario.control.default, scenario.control.decisionIntervalS);
  const kinds = new Map<string, number>();
  for (const m of runner.managed) kinds.set(m.controller.kind, (kinds.get(m.controller.kind) ?? 0) + 1);
  console.log(`greenwave twin · ${scenario.name} · ${network.intersections.length} signalised intersections · ${network.edges.length} road links`);
  console.log(`controllers: ${[...kinds].map(([k, n]) => `${k} ×${n}`).join(', ')} · pilots: ${runner.managed.filter((m) => m.junction.intersection.control).map((m) => `${m.junction.intersection.name} (${m.controller.kind})`).join(', ')}`);
  process.stdout.write(`warming up ${scenario.warmupS} s of traffic before ${scenario.startTime}... `);
  for (let s = 0; s < scenario.warmupS; s++) {
    twin.step();
    runner.tick();
  }
  twin.startWindow(Infinity);
  console.log(`done. Live at ×${speed}; Ctrl-C to stop.\n`);

  let stopped = false;
  let simulated = 0;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    console.log(`\nstopped at ${secondsToClock(twin.timeOfDayS)} after ${simulated} simulated s.`);
    printTable(twin, runner);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const started = performance.now();
  let nextPrint = started + every * 1000;
  printTable(twin, runner);
  while (!stopped && simulated < duration) {
    const due = Math.floor(((performance.now() - started) / 1000) * speed);
    while (simulated < due && simulated < duration && !stopped) {
      twin.step();
      runner.tick();
      simulated++;
    }
    if (performance.now() >= nextPrint) {
      printTable(twin, runner);
      nextPrint += every * 1000;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!stopped) stop();
}

function printTable(twin: Twin, runner: CityRunner): void {
  const t = twin.allTrips;
  const meanDelay = t.completed > 0 ? (t.timeLossS / t.completed).toFixed(1) : '–';
  const worst = runner.managed
    .map((m) => {
      let queue = 0;
      let vehicles = 0;
      for (const a of m.junction.approaches) {
        for (const lane of a.lanes) {
          const q = laneQueue(lane);
          queue = Math.max(queue, q.lengthM);
          vehicles += q.vehicles;
        }
      }
      return { m, queue, vehicles };
    })
    .sort((a, b) => b.queue - a.queue)
    .slice(0, 5);
  console.log(
    `${secondsToClock(twin.timeOfDayS)}  vehicles in network ${twin.inNetwork.toLocaleString('en-US')}  waiting to enter ${twin.waitingToEnter}  ` +
      `trips done ${t.completed.toLocaleString('en-US')}  mean delay so far ${meanDelay} s/trip`,
  );
  console.log(
    formatTable(
      ['worst 5 by queue', 'longest lane queue m', 'queued vehicles', 'controller', 'signal'],
      worst.map(({ m, queue, vehicles }) => [
        m.junction.intersection.name,
        Math.round(queue),
        vehicles,
        m.controller.kind,
        m.junction.cabinet.isDark() ? 'FLASH' : `green ${m.junction.cabinet.status().greens.join('+') || '(changing)'}`,
      ]),
    )
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n'),
  );
  console.log('');
}
