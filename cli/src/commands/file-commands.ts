import { Intersection, Network, Scenario, ValidationError, loadFile, parseDocumentText } from '@greenwave/contracts';
import { readFileSync } from 'node:fs';
import { listScenarios, loadScenario } from '@greenwave/simulator';
import { type FlagSpec, parseFlags, usageError } from './args.ts';

export async function scenariosCommand(argv: readonly string[]): Promise<void> {
  parseFlags(argv, [], 'scenarios');
  for (const name of listScenarios()) {
    const { scenario, network } = loadScenario(name);
    console.log(`${name.padEnd(16)}${network.intersections.length} intersections, peak ${scenario.demand.peakVehiclesPerHour} veh/h, start ${scenario.startTime} — ${scenario.description}`);
  }
}

const validateFlags: FlagSpec[] = [
  { name: 'file', kind: 'string', description: 'YAML or JSON file to check' },
  { name: 'as', kind: 'string', description: 'scenario | network | intersection (default: guessed from the content)' },
];

const schemas = { scenario: Scenario, network: Network, intersection: Intersection } as const;

/** Validates a config file and prints every problem with file, line, path and value. */
export async function validateCommand(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, validateFlags, 'validate');
  if (flags.file === undefined) throw usageError('validate', validateFlags, '--file is required');
  const file = String(flags.file);
  let kind = flags.as === undefined ? undefined : String(flags.as);
  if (kind !== undefined && !(kind in schemas)) throw usageError('validate', validateFlags, `--as must be scenario, network or intersection, got "${kind}"`);
  if (kind === undefined) {
    const { data } = parseDocumentText(readFileSync(file, 'utf8'), file);
    const keys = data && typeof data === 'object' ? Object.keys(data) : [];
    kind = keys.includes('demand') ? 'scenario' : keys.includes('edges') ? 'network' : 'intersection';
  }
  try {
    loadFile(schemas[kind as keyof typeof schemas], file);
    console.log(`${file}: valid ${kind}`);
  } catch (error) {
    if (error instanceof ValidationError) error.message = `${file} is not a valid ${kind}.\n  ${error.message}`;
    throw error;
  }
}
