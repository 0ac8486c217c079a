import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GreenwaveError, ValidationError } from '@greenwave/contracts';
import { describe, expect, it } from 'vitest';
import { listScenarios, loadScenario } from './scenario-loader.ts';

describe('scenario files', () => {
  it('ships the danang scenario, valid, at the morning peak, motorbike-heavy', () => {
    expect(listScenarios()).toContain('danang');
    const { scenario, network } = loadScenario('danang');
    expect(network.intersections.length).toBe(200);
    expect(scenario.demand.classMix.motorbike).toBeGreaterThanOrEqual(0.75);
    expect(scenario.demand.classMix.motorbike).toBeLessThanOrEqual(0.85);
  });

  it('names an unknown scenario and lists the known ones', () => {
    expect(() => loadScenario('atlantis')).toThrow(/no scenario "atlantis".*danang/s);
    try {
      loadScenario('atlantis');
    } catch (error) {
      expect((error as GreenwaveError).code).toBe('NOT_FOUND');
    }
  });

  it('explains a broken scenario file with its line, path and value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-scenario-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'name: broken\nseed: -4\nnetwork: { kind: danang }\nstartTime: "7am"\ndemand:\n  peakVehiclesPerHour: 100\n  classMix: { motorbike: 1, car: 0, bus: 0, truck: 0 }\n  profile: [{ time: "07:00", factor: 1 }]\ncontrol: { default: { kind: queue } }\n');
    try {
      loadScenario(file);
      throw new Error('should fail');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const text = (error as Error).message;
      expect(text).toContain(`${file}:2: seed: Too small`);
      expect(text).toContain('(got -4)');
      expect(text).toContain(`${file}:4: startTime: must be a time of day HH:MM`);
    }
  });
});
