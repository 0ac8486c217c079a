import { type ControllerKind, defaultControllerConfig } from '@greenwave/contracts';
import { CityRunner } from '@greenwave/controller';
import { Twin, loadScenario } from '@greenwave/simulator';

/**
 * Time to decide for every intersection of the city once (controllers, supervisor, requests to the cabinets), from
 * measurements already read; sampled over `ticks` seconds of peak traffic after a warm-up. Run with --expose-gc so
 * the simulator's garbage is collected outside the timed section (the decision's own garbage still counts).
 */
export function decisionTicksMs(kind: ControllerKind, warmupS = 300, ticks = 600): number[] {
  const { scenario, network } = loadScenario('danang');
  const twin = new Twin({ scenario: { ...scenario, warmupS: 0 }, network });
  const runner = new CityRunner(twin, () => defaultControllerConfig(kind));
  for (let s = 0; s < warmupS; s++) {
    twin.step();
    runner.tick();
  }
  const samples: number[] = [];
  // empty the young generation before each tick, so the twin's own garbage is not collected on the decision's time
  const minorGc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
  for (let s = 0; s < ticks; s++) {
    twin.step();
    if (process.env.GW_MINOR_GC !== '0') minorGc?.({ type: 'minor' });
    runner.tick();
    samples.push(runner.lastDecisionNs / 1e6);
  }
  return samples;
}
