import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, GreenwaveError, Network, type Scenario, Scenario as ScenarioSchema, loadFile } from '@greenwave/contracts';
import { generateDanangCity } from './network/city-generator.ts';

/** Folder of the scenarios shipped with greenwave. */
export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

export interface LoadedScenario {
  scenario: Scenario;
  network: Network;
  file: string;
}

export function listScenarios(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Loads a scenario by name (a file in SCENARIO_DIR) or by path, and builds or reads its network. */
export function loadScenario(nameOrPath: string): LoadedScenario {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml') || nameOrPath.endsWith('.json');
  const file = looksLikePath ? resolve(nameOrPath) : join(SCENARIO_DIR, `${nameOrPath}.yaml`);
  if (!existsSync(file)) {
    throw new GreenwaveError(ErrorCode.NOT_FOUND, `no scenario "${nameOrPath}" (looked for ${file}; shipped scenarios: ${listScenarios().join(', ')})`);
  }
  const scenario = loadFile(ScenarioSchema, file);
  return { scenario, network: buildNetwork(scenario, dirname(file)), file };
}

export function buildNetwork(scenario: Scenario, baseDir: string): Network {
  if (scenario.network.kind === 'danang') return generateDanangCity(scenario.network.params, scenario.seed);
  const path = isAbsolute(scenario.network.path) ? scenario.network.path : join(baseDir, scenario.network.path);
  return loadFile(Network, path);
}
