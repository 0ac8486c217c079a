import { DanangGeneratorParams, controllerKinds, defaultControllerConfig } from '@greenwave/contracts';
import { SafetyObserver, Twin, generateDanangCity, loadScenario } from '@greenwave/simulator';
import { describe, expect, it } from 'vitest';
import { CityRunner } from '../src/runner/city-runner.ts';

// A 5 x 3 city under each controller for 15 minutes, every cabinet watched tick by tick by an independent observer.
describe('closed loop on a small city', () => {
  const { scenario } = loadScenario('danang');
  const network = generateDanangCity(DanangGeneratorParams.parse({ columns: 5, rows: 3 }), 3);
  for (const kind of controllerKinds) {
    it(`${kind}: safe signals, no rejected decisions, traffic flows`, () => {
      const twin = new Twin({ scenario: { ...scenario, warmupS: 0, demand: { ...scenario.demand, peakVehiclesPerHour: 4000 } }, network });
      const runner = new CityRunner(twin, () => defaultControllerConfig(kind));
      const observers = twin.junctions.map((j) => new SafetyObserver(j.model));
      twin.startWindow(900);
      for (let s = 0; s < 900; s++) {
        twin.step();
        twin.junctions.forEach((j, i) => observers[i]!.observe(j.cabinet));
        runner.tick();
      }
      expect(observers.flatMap((o) => o.violations)).toEqual([]);
      expect(runner.stats.rejectedBySupervisor).toBe(0);
      expect(runner.stats.refusedByCabinet).toBe(0);
      expect(twin.junctions.every((j) => !j.cabinet.isDark())).toBe(true);
      expect(twin.totals.completed).toBeGreaterThan(300);
      expect(twin.totals.timeLossS / twin.totals.completed).toBeLessThan(300);
    });
  }
});
