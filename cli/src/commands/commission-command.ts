import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, GreenwaveError, Intersection, loadFile } from '@greenwave/contracts';
import { commission, driverFor, reportMarkdown } from '@greenwave/edge-agent';
import { loadScenario } from '@greenwave/simulator';
import { type FlagSpec, parseFlags, usageError } from './args.ts';

export const commissionFlags: FlagSpec[] = [
  { name: 'intersection', kind: 'string', description: 'intersection id' },
  { name: 'target', kind: 'string', description: 'modbus://host:port | modbus-rtu:/dev/tty…?baud=… | opc.tcp://host:port/path#id' },
  { name: 'scenario', kind: 'string', description: 'where the intersection config comes from', default: 'danang' },
  { name: 'config', kind: 'string', description: 'or: an intersection config file (YAML/JSON)' },
  { name: 'phase-walk', kind: 'boolean', description: 'walk every phase (the cabinet must be in test mode)', default: false },
  { name: 'operator', kind: 'string', description: 'who runs it (default: the login name)' },
  { name: 'out', kind: 'string', description: 'folder for the report', default: 'data/commissioning' },
  { name: 'detector-window', kind: 'number', description: 'cabinet seconds to wait for traffic on every detector', default: 60 },
  { name: 'tolerance', kind: 'number', description: 'allowed timing error in the phase walk (s)', default: 0.5 },
];

/** Commissions one cabinet; writes the report (JSON + Markdown) and exits non-zero on any failed check. */
export async function commissionCommand(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, commissionFlags, 'commission');
  if (flags.target === undefined) throw usageError('commission', commissionFlags, '--target is required');
  let intersection: Intersection;
  if (flags.config !== undefined) intersection = loadFile(Intersection, String(flags.config));
  else {
    if (flags.intersection === undefined) throw usageError('commission', commissionFlags, '--intersection (or --config) is required');
    const { network } = loadScenario(String(flags.scenario));
    const found = network.intersections.find((x) => x.id === flags.intersection);
    if (!found) throw new GreenwaveError(ErrorCode.NOT_FOUND, `no intersection "${flags.intersection}" in scenario ${flags.scenario}`, { recoverable: true });
    intersection = found;
  }
  const target = String(flags.target);
  const driver = driverFor(target, { timeoutMs: 2000, retries: 2 });
  const operator = flags.operator === undefined ? userInfo().username : String(flags.operator);
  console.log(`commissioning ${intersection.name} (${intersection.id}) at ${target}, run by ${operator}`);
  const report = await commission({
    intersection,
    driver,
    target,
    operator,
    phaseWalk: flags['phase-walk'] === true,
    detectorWindowS: Number(flags['detector-window']),
    toleranceS: Number(flags.tolerance),
    onProgress: (line) => console.log(`  ${line}`),
  });
  for (const c of report.checks) {
    console.log(`${c.pass ? 'PASS' : 'FAIL'}  ${c.title}`);
    for (const line of c.details) console.log(`      ${line}`);
  }
  const dir = String(flags.out);
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${intersection.id}-${report.startedAt.replace(/[:.]/g, '-')}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.md`, reportMarkdown(report));
  console.log(`${report.pass ? 'PASS' : 'FAIL'}: report written to ${base}.json and ${base}.md`);
  if (!report.pass) process.exitCode = 1;
}
