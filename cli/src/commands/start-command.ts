import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { secondsToClock } from '@greenwave/contracts';
import { type Centre, hashPassword } from '@greenwave/controller';
import { AgentHost, quantile } from '@greenwave/edge-agent';
import { PILOTS, laneQueue, loadScenario } from '@greenwave/simulator';
import { buildFleet, provisionAgents } from '../deploy/agent-fleet.ts';
import { CabinetCity } from '../deploy/cabinet-city.ts';
import { CameraWorker } from '../deploy/camera-worker.ts';
import { startCentreService, stopCentreService } from '../deploy/centre-service.ts';
import { type FlagSpec, parseFlags, usageError } from './args.ts';

export const startFlags: FlagSpec[] = [
  { name: 'scenario', kind: 'string', description: 'scenario name or YAML path', default: 'danang' },
  { name: 'port', kind: 'number', description: 'centre API/WebSocket port (agents’ health on port + 1; 0: any free port)', default: 8080 },
  { name: 'base-port', kind: 'number', description: 'Modbus cabinet i on base-port + i, OPC UA on base-port - 1', default: 15020 },
  { name: 'data', kind: 'string', description: 'data directory (SQLite database, agent configs and outboxes)', default: 'data' },
  { name: 'every', kind: 'number', description: 'print the live summary every this many seconds', default: 5 },
  { name: 'duration', kind: 'number', description: 'stop after this many seconds (default: until Ctrl-C)' },
  { name: 'cameras', kind: 'string', description: 'pilots: the pilot intersections measured by synthetic cameras through the vision path; none: every junction on the perfect feed', default: 'pilots' },
  { name: 'camera-fps', kind: 'number', description: 'frames per second each camera renders and processes', default: 2 },
];

const DEMO_USER = 'demo-admin';

/**
 * The whole system in its deployed shape on one machine: the twin's traffic and cabinets (Modbus TCP and OPC UA on
 * loopback), one edge agent per intersection (own config file, outbox and connection), and the centre on SQLite.
 * Prints the API URL and a one-line live summary until Ctrl-C, then stops everything.
 */
export async function startCommand(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, startFlags, 'start');
  const every = Number(flags.every);
  if (!(every >= 0.5 && every <= 3600)) throw usageError('start', startFlags, `--every must be 0.5..3600 s, got ${flags.every}`);
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65534) throw usageError('start', startFlags, `--port must be 0..65534, got ${flags.port}`);
  const basePort = Number(flags['base-port']);
  if (!Number.isInteger(basePort) || basePort < 1025 || basePort > 60000) throw usageError('start', startFlags, `--base-port must be 1025..60000, got ${flags['base-port']}`);
  const duration = flags.duration === undefined ? Infinity : Number(flags.duration);
  if (!(duration > 0)) throw usageError('start', startFlags, `--duration must be positive, got ${flags.duration}`);
  const dataDir = String(flags.data);

  const cameraMode = String(flags.cameras);
  if (!['pilots', 'none'].includes(cameraMode)) throw usageError('start', startFlags, `--cameras must be pilots or none, got "${cameraMode}"`);
  const cameraFps = Number(flags['camera-fps']);
  if (!(cameraFps >= 1 && cameraFps <= 10)) throw usageError('start', startFlags, `--camera-fps must be 1..10, got ${flags['camera-fps']}`);
  const { scenario, network } = loadScenario(String(flags.scenario));
  console.log(`greenwave · ${scenario.name} · ${network.intersections.length} signalised intersections · deployed shape: cabinets + one agent each + centre`);
  const city = await CabinetCity.start({
    scenario,
    network,
    protocol: 'mixed',
    basePort,
    onProgress: (done, total) => process.stdout.write(`\rwarming up traffic ${done}/${total} s`),
  });
  const modbus = city.field.devices.filter((d) => d.protocol === 'modbus').length;
  console.log(`\rcabinets on line: ${modbus} Modbus TCP (ports ${basePort}…), ${city.field.devices.length - modbus} OPC UA (port ${basePort - 1})`);

  const logFile = join(dataDir, 'greenwave.log');
  const logLines: string[] = [];
  const log = (record: Record<string, unknown>) => {
    logLines.push(JSON.stringify({ t: new Date().toISOString(), ...record }));
    if (logLines.length >= 200) flushLog();
  };
  const flushLog = () => {
    if (logLines.length === 0) return;
    writeFileSync(logFile, `${logLines.join('\n')}\n`, { flag: 'a' });
    logLines.length = 0;
  };
  let centre: Centre;
  try {
    centre = await startCentreService({ scenario, network, sqliteFile: join(dataDir, 'greenwave.db'), port, log });
  } catch (error) {
    await city.close();
    throw error;
  }
  // demo only: a fresh random password each start (outside the demo an admin is created with `admin create-user`)
  const password = randomBytes(12).toString('base64url');
  if (await centre.store.user(DEMO_USER)) await centre.store.setPassword(DEMO_USER, await hashPassword(password));
  else await centre.store.createUser(DEMO_USER, await hashPassword(password), 'admin', Date.now());
  writeFileSync(join(dataDir, 'demo-login.txt'), `${DEMO_USER}\n${password}\n`, { mode: 0o600 });

  const pilots = Object.values(PILOTS).filter((p) => network.intersections.some((x) => x.id === p.id));
  let cameras: CameraWorker | undefined;
  if (cameraMode === 'pilots' && pilots.length > 0) {
    process.stdout.write('cameras: preparing the vision path at the pilots… ');
    cameras = await CameraWorker.start(city.twin, pilots.map((p) => p.id), { fps: cameraFps });
    console.log(`${cameras.setup.cameras.length} synthetic cameras at ${pilots.map((p) => p.name).join(' and ')} (${cameraFps} frames/s each, detection and tracking in a worker thread)`);
  }
  const credentials = await provisionAgents(centre.store, network.intersections.map((x) => x.id), Date.now());
  const agents = buildFleet({ city, centreUrl: centre.url, credentials, dataDir, config: { statusPollMs: 500 }, log, ...(cameras ? { cameras } : {}) });
  const host = new AgentHost(agents);
  await host.start();
  const agentsUrl = await host.serve(port === 0 ? 0 : port + 1);
  console.log(`centre API   ${centre.url}/api (OpenAPI: ${centre.url}/api/openapi.json, live: ${centre.url.replace('http', 'ws')}/live)`);
  console.log(`health       ${centre.url}/health · ${centre.url}/metrics · agents ${agentsUrl}/health · ${agentsUrl}/metrics`);
  console.log(`demo login   ${DEMO_USER} / ${password} (also in ${join(dataDir, 'demo-login.txt')}) · log ${logFile}`);
  console.log('Ctrl-C stops everything.\n');

  let stopping = false;
  let resolveStop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (resolveStop = resolve));
  const stop = () => {
    if (stopping) return;
    stopping = true;
    resolveStop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const started = performance.now();
  let lastStored = 0;
  let lastCommands = 0;
  let lastT = started;
  const summary = () => {
    const now = performance.now();
    const dt = (now - lastT) / 1000;
    const stats = centre.ingestStats;
    const commands = agents.reduce((n, a) => n + a.stats.commandsApplied, 0);
    const online = agents.filter((a) => a.connected).length;
    const local = agents.filter((a) => a.control === 'local').length;
    const trips = city.twin.allTrips;
    let worst = { name: '–', queue: 0 };
    for (const j of city.twin.junctions) for (const a of j.approaches) for (const lane of a.lanes) {
      const q = laneQueue(lane).lengthM;
      if (q > worst.queue) worst = { name: j.intersection.name, queue: q };
    }
    const latency = quantile(agents.flatMap((a) => a.stats.decisionLatencyMs.slice(-50)), 0.99);
    console.log(
      [
        secondsToClock(city.twin.timeOfDayS),
        `agents ${online}/${agents.length} online${local ? `, ${local} local` : ''}`,
        `stored ${((stats.stored - lastStored) / dt).toFixed(0)}/s`,
        `commands ${((commands - lastCommands) / dt).toFixed(0)}/s`,
        `meas→cabinet p99 ${latency === null ? '–' : `${latency.toFixed(0)} ms`}`,
        `vehicles ${city.twin.inNetwork.toLocaleString('en-US')}`,
        `mean delay ${trips.completed > 0 ? (trips.timeLossS / trips.completed).toFixed(1) : '–'} s`,
        `worst queue ${Math.round(worst.queue)} m at ${worst.name}`,
        ...(cameras ? [`cameras ${cameras.setup.cameras.length}: ${cameras.stats.frameMsP50.toFixed(0)} ms/frame, ${cameras.stats.skipped} s skipped`] : []),
      ].join(' · '),
    );
    lastStored = stats.stored;
    lastCommands = commands;
    lastT = now;
    flushLog();
  };
  const timer = setInterval(summary, every * 1000);
  const limit = Number.isFinite(duration) ? setTimeout(stop, duration * 1000) : null;
  await stopped;
  clearInterval(timer);
  if (limit) clearTimeout(limit);
  process.stdout.write('\nstopping: agents… ');
  await host.stop();
  if (cameras) {
    process.stdout.write('cameras… ');
    await cameras.close();
  }
  process.stdout.write('centre… ');
  await stopCentreService(centre);
  process.stdout.write('cabinets… ');
  await city.close();
  flushLog();
  console.log(`stopped after ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  // Everything was closed in order; a handle still open now is a bug, but Ctrl-C must still end the system: name
  // what is left (in the log) and exit instead of running on.
  setTimeout(() => {
    const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    console.error(`still open 5 s after the stop (a bug, please report): ${left.join(', ') || 'nothing named'}; exiting`);
    process.exit(process.exitCode ?? 0);
  }, 5000).unref();
}
