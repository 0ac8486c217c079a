import { loadScenario } from '@greenwave/simulator';
import { startCentreService, stopCentreService } from '../deploy/centre-service.ts';
import { type FlagSpec, parseFlags, usageError } from './args.ts';

export const centreFlags: FlagSpec[] = [
  { name: 'scenario', kind: 'string', description: 'scenario whose intersections the centre controls', default: 'danang' },
  { name: 'port', kind: 'number', description: 'HTTP/WebSocket port (0: any free port)', default: 8080 },
  { name: 'host', kind: 'string', description: 'address to listen on', default: '127.0.0.1' },
  { name: 'db', kind: 'string', description: 'SQLite file (DATABASE_URL=postgres://… selects PostgreSQL instead)', default: 'data/greenwave.db' },
];

/** Runs the centre alone (agents connect to it), logging JSON lines, until SIGINT/SIGTERM. */
export async function centreCommand(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, centreFlags, 'centre');
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('centre', centreFlags, `--port must be 0..65535, got ${flags.port}`);
  const { scenario, network } = loadScenario(String(flags.scenario));
  const centre = await startCentreService({ scenario, network, sqliteFile: String(flags.db), port, host: String(flags.host) });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stopCentreService(centre);
  centre.log({ level: 'info', msg: 'centre stopped' });
}
