import type { LaneMeasurement } from '@greenwave/contracts';
import type { CameraPipeline } from '@greenwave/vision';
import type { MeasurementSource } from './agent.ts';

/** What the source needs of one camera: its lanes measured since the last call, and whether it can be trusted. */
export interface CameraFeed {
  cameraId: string;
  approachId: string;
  take(): LaneMeasurement[];
  health(): { ok: boolean; problem: string | null };
}

/** A vision pipeline running in this process as a camera feed. */
export function pipelineFeed(pipeline: CameraPipeline): CameraFeed {
  return { cameraId: pipeline.config.id, approachId: pipeline.config.approachId, take: () => pipeline.take(), health: () => pipeline.health() };
}

/**
 * Measurements from the agent's cameras (one feed per approach: a pipeline in this process, or one in a worker);
 * approaches without a camera come from the fallback source (in the demo: the twin's perfect camera). A camera that
 * is down or frozen reports no lanes and says so in `cameraHealth`, which puts its approach on recall.
 */
export class VisionMeasurementSource implements MeasurementSource {
  private readonly covered: Set<string>;

  constructor(
    readonly feeds: readonly CameraFeed[],
    private readonly fallback?: MeasurementSource,
  ) {
    this.covered = new Set(feeds.map((f) => f.approachId));
  }

  read(timeMs: number): LaneMeasurement[] {
    const out = (this.fallback?.read(timeMs) ?? []).filter((m) => !this.covered.has(m.approachId));
    for (const feed of this.feeds) {
      const measured = feed.take();
      if (!feed.health().ok) continue;
      for (const m of measured) out.push({ ...m, timeMs });
    }
    return out;
  }

  cameraHealth() {
    return this.feeds.map((f) => ({ cameraId: f.cameraId, approachId: f.approachId, ...f.health() }));
  }
}
