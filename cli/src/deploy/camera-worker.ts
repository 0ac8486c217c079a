import { Worker } from 'node:worker_threads';
import type { ApproachView, CameraConfig, LaneMeasurement } from '@greenwave/contracts';
import { type CameraFeed, type MeasurementSource, VisionMeasurementSource } from '@greenwave/edge-agent';
import { type RtJunction, type Twin, readJunction, viewApproach } from '@greenwave/simulator';
import { type CameraHealth, type SyntheticCamera, accumulateLane } from '@greenwave/vision';
import { pilotCameras } from './pilot-camera.ts';

export interface CameraWorkerSetup {
  fps: number;
  cameras: { id: string; junctionId: string; approachId: string; camera: SyntheticCamera; config: CameraConfig; seed: number }[];
}

export type CameraWorkerReply = { kind: 'measured'; cameras: { id: string; measurements: LaneMeasurement[]; health: CameraHealth }[]; frameMsP50: number };

export interface CameraWorkerStats {
  /** Seconds of the twin the worker rendered and measured. */
  seconds: number;
  /** Seconds skipped because the worker was still busy with the previous one (back-pressure). */
  skipped: number;
  frameMsP50: number;
}

/** A camera whose results are this old is reported down (the worker has stalled). */
const STALE_MS = 5000;

/**
 * Synthetic cameras on every approach of some junctions of a live (real-time) twin, with their vision pipelines in a
 * worker thread so rendering and detection do not hold up the agents' event loop. Every second the approaches'
 * current views go to the worker (skipped while it is still busy: the cameras drop frames rather than fall behind);
 * it renders `fps` frames per camera, runs detection, tracking and lane measurement, and answers with what each
 * camera measured and its health. `sourceFor` gives an agent its measurement source.
 */
export class CameraWorker {
  readonly stats: CameraWorkerStats = { seconds: 0, skipped: 0, frameMsP50: 0 };
  private readonly pending = new Map<string, Map<string, LaneMeasurement>>();
  private readonly health = new Map<string, { health: CameraHealth; atMs: number }>();
  private busy = false;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly twin: Twin,
    private readonly worker: Worker,
    readonly setup: CameraWorkerSetup,
  ) {}

  static async start(twin: Twin, junctionIds: readonly string[], options: { fps?: number } = {}): Promise<CameraWorker> {
    const fps = options.fps ?? 2;
    const cameras: CameraWorkerSetup['cameras'] = pilotCameras(twin, junctionIds, fps).map(({ junction, ...c }) => ({ ...c, junctionId: junction.id }));
    const setup: CameraWorkerSetup = { fps, cameras };
    const worker = new Worker(new URL('../eval/worker-boot.mjs', import.meta.url), { workerData: { ...setup, entry: new URL('./camera-worker-entry.ts', import.meta.url).href } });
    const out = new CameraWorker(twin, worker, setup);
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => resolve());
    });
    worker.on('error', () => {
      // the cameras go stale and their approaches on recall; the agents keep running
    });
    worker.on('message', (reply: CameraWorkerReply) => out.receive(reply));
    out.timer = setInterval(() => out.send(), 1000);
    return out;
  }

  /** An agent's source for a junction: camera approaches from the worker, the others from the perfect feed. */
  sourceFor(junction: RtJunction): MeasurementSource {
    const feeds: CameraFeed[] = this.setup.cameras
      .filter((c) => c.junctionId === junction.id)
      .map((c) => ({
        cameraId: c.id,
        approachId: c.approachId,
        take: () => {
          const measured = this.pending.get(c.id);
          this.pending.delete(c.id);
          return [...(measured?.values() ?? [])];
        },
        health: () => this.healthOf(c.id),
      }));
    return new VisionMeasurementSource(feeds, { read: (timeMs) => readJunction(junction, timeMs, 1) });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.worker.postMessage({ kind: 'stop' });
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    const timeout = setTimeout(() => void this.worker.terminate(), 3000);
    await exited;
    clearTimeout(timeout);
  }

  private healthOf(id: string): { ok: boolean; problem: string | null } {
    const h = this.health.get(id);
    if (!h) return { ok: true, problem: null };
    if (Date.now() - h.atMs > STALE_MS) return { ok: false, problem: `no result from the camera worker for ${((Date.now() - h.atMs) / 1000).toFixed(0)} s` };
    return { ok: h.health.ok, problem: h.health.problem };
  }

  private send(): void {
    if (this.busy) {
      this.stats.skipped++;
      return;
    }
    const views: Record<string, ApproachView> = {};
    for (const c of this.setup.cameras) views[c.id] = viewApproach(this.twin.junctions.find((j) => j.id === c.junctionId)!, c.approachId, this.twin.simS);
    this.busy = true;
    this.worker.postMessage({ kind: 'second', views });
  }

  private receive(reply: CameraWorkerReply): void {
    this.busy = false;
    this.stats.seconds++;
    this.stats.frameMsP50 = reply.frameMsP50;
    const now = Date.now();
    for (const c of reply.cameras) {
      this.health.set(c.id, { health: c.health, atMs: now });
      let into = this.pending.get(c.id);
      if (!into) this.pending.set(c.id, (into = new Map()));
      for (const m of c.measurements) accumulateLane(into, m);
    }
  }
}
