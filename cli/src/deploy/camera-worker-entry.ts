// Worker thread of CameraWorker: renders each camera's second from the twin's approach views and runs its vision
// pipeline on the frames; answers with what each camera measured and whether it is healthy.
import { parentPort, workerData } from 'node:worker_threads';
import type { ApproachView, CameraConfig } from '@greenwave/contracts';
import { CameraPipeline, LaneChangeSmoother, type SyntheticCamera, renderApproach } from '@greenwave/vision';
import type { CameraWorkerReply, CameraWorkerSetup } from './camera-worker.ts';
import { pilotDetector } from './pilot-detector.ts';
import { viewEarlier } from './view-earlier.ts';

const setup = workerData as CameraWorkerSetup;
const detectors = await pilotDetector(setup.cameras.map((c) => c.config as CameraConfig));
const cameras = setup.cameras.map((c) => ({ ...c, pipeline: new CameraPipeline(c.config as CameraConfig, detectors), lateral: new LaneChangeSmoother(c.seed) }));
const frameMs: number[] = [];

parentPort!.on('message', async (message: { kind: 'second'; views: Record<string, ApproachView> } | { kind: 'stop' }) => {
  if (message.kind === 'stop') {
    await detectors.close();
    process.exit(0);
  }
  const endMs = Date.now();
  for (const cam of cameras) {
    const view = message.views[cam.id];
    if (!view) continue;
    for (let k = 1; k <= setup.fps; k++) {
      const back = 1 - k / setup.fps;
      const started = performance.now();
      const rendered = await renderApproach(cam.lateral.smooth(viewEarlier(view, back)), cam.camera as SyntheticCamera, { seed: cam.seed });
      await cam.pipeline.process({ data: rendered.frame.data as Buffer, width: rendered.frame.width, height: rendered.frame.height, index: cam.pipeline.stats.frames, timeMs: Math.round(endMs - back * 1000) });
      frameMs.push(performance.now() - started);
      if (frameMs.length > 500) frameMs.shift();
    }
  }
  const reply: CameraWorkerReply = {
    kind: 'measured',
    cameras: cameras.map((c) => ({ id: c.id, measurements: c.pipeline.take(), health: c.pipeline.health() })),
    frameMsP50: [...frameMs].sort((a, b) => a - b)[frameMs.length >> 1] ?? 0,
  };
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ kind: 'ready' });
