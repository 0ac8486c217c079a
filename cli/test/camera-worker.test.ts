import { Twin, loadScenario } from '@greenwave/simulator';
import { describe, expect, it } from 'vitest';
import { CameraWorker } from '../src/deploy/camera-worker.ts';
import { until } from './deploy-harness.ts';

describe('camera worker (the vision path beside a live twin)', () => {
  it('measures a junction’s approaches through synthetic cameras in a worker thread; the rest come from the perfect feed', async () => {
    const { scenario, network } = loadScenario('small');
    const twin = new Twin({ scenario, network });
    for (let s = 0; s < 300; s++) twin.step();
    const junction = twin.junctions[4]!;
    const stepper = setInterval(() => twin.step(), 1000);
    const worker = await CameraWorker.start(twin, [junction.id], { fps: 2 });
    try {
      expect(worker.setup.cameras.map((c) => c.approachId).sort()).toEqual(junction.approaches.map((a) => a.id).sort());
      // every camera's config is a valid CameraConfig for the agent file, with lanes and a calibration
      for (const c of worker.setup.cameras) expect(c.config.lanes.length).toBe(junction.approaches.find((a) => a.id === c.approachId)!.lanes.length);
      const source = worker.sourceFor(junction);
      await until('the worker measured a few seconds', () => worker.stats.seconds >= 3, 60_000, 100);
      const lanes = source.read(Date.now());
      const expected = junction.approaches.reduce((n, a) => n + a.lanes.length, 0);
      expect(lanes.length).toBe(expected);
      expect(source.cameraHealth!().every((c) => c.ok)).toBe(true);
      // what was taken is gone: a second read right away has only what arrived since
      expect(source.read(Date.now()).length).toBeLessThanOrEqual(expected);
      // another junction is not the worker's: its source is the perfect feed only
      const other = worker.sourceFor(twin.junctions[0]!);
      expect(other.cameraHealth!()).toEqual([]);
    } finally {
      clearInterval(stepper);
      await worker.close();
    }
  }, 120_000);
});
