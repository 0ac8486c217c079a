import type { LaneMeasurement } from '@greenwave/contracts';
import type { CameraPipeline } from '@greenwave/vision';
import type { MeasurementSource } from './agent.ts';

/**
 * Measurements from the agent's cameras (one vision pipeline per approach); approaches without a camera come from the
 * fallback source (in the demo: the twin's perfect camera). A camera that is down or frozen reports no lanes and
 * says so in `cameraHealth`, which puts its approach on recall.
 */
export class VisionMeasurementSource implements MeasurementSource {
  private readonly covered: Set<string>;

  constructor(
    readonly pipelines: readonly CameraPipeline[],
    private readonly fallback?: MeasurementSource,
  ) {
    this.covered = new Set(pipelines.map((p) => p.config.approachId));
  }

  read(timeMs: number): LaneMeasurement[] {
    const out = (this.fallback?.read(timeMs) ?? []).filter((m) => !this.covered.has(m.approachId));
    for (const p of this.pipelines) {
      const measured = p.take();
      if (!p.health().ok) continue;
      for (const m of measured) out.push({ ...m, timeMs });
    }
    return out;
  }

  cameraHealth() {
    return this.pipelines.map((p) => ({ cameraId: p.config.id, approachId: p.config.approachId, ...p.health() }));
  }
}
