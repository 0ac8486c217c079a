import { TwinCameras } from '@greenwave/cli';
import { Twin, loadScenario } from '@greenwave/simulator';

/**
 * The whole per-frame vision pipeline on one core (detector with 1 thread): decoded frame -> NanoDet -> ByteTrack ->
 * lane measurements, on frames of synthetic cameras on every approach of a busy twin junction (rendering, the
 * camera's own work, is not counted). Returns each frame's time (ms).
 */
export async function visionPipelineFrames(seconds = 10, fps = 5): Promise<{ frameMs: number[]; cameras: number }> {
  const { scenario, network } = loadScenario('small');
  const twin = new Twin({ scenario, network });
  for (let s = 0; s < 300; s++) twin.step();
  // the junction with the most vehicles on its approaches
  const junction = [...twin.junctions].sort((a, b) => count(b) - count(a))[0]!;
  const cameras = await TwinCameras.create(twin, [junction.id], { fps });
  try {
    for (let s = 0; s < seconds; s++) {
      twin.step();
      await cameras.processSecond();
    }
  } finally {
    await cameras.close();
  }
  // the first second of each camera warms up
  return { frameMs: cameras.cameras.flatMap((c) => c.pipeline.stats.frameMs.slice(fps)), cameras: cameras.cameras.length };
}

function count(junction: Twin['junctions'][number]): number {
  return junction.approaches.reduce((n, a) => n + a.lanes.reduce((m, l) => m + l.vehicles.length, 0), 0);
}
