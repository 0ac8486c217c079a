import { AgentConfig, loadFile } from '@greenwave/contracts';
import { EdgeAgent, VisionMeasurementSource, pipelineFeed } from '@greenwave/edge-agent';
import { readJunction, viewApproach } from '@greenwave/simulator';
import { CameraPipeline, type Frame, type FrameSource, type SourceStats, approachSpanX, createDetector, defaultSyntheticCamera, renderApproach, syntheticCameraConfig } from '@greenwave/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Deployed, deploySmall, until } from './deploy-harness.ts';

/** A camera whose picture can be cut (no frames) or frozen (the same frame again), rendered from the live twin. */
class ControllableCamera implements FrameSource {
  readonly stats: SourceStats = { frames: 0, delivered: 0, dropped: 0, restarts: 0, lastError: null };
  mode: 'live' | 'cut' | 'frozen' = 'live';
  private last: Frame | null = null;
  private stopped = false;
  constructor(private readonly render: () => Promise<Frame>) {}
  async next(): Promise<Frame | null> {
    await new Promise((r) => setTimeout(r, 200));
    while (this.mode === 'cut' && !this.stopped) await new Promise((r) => setTimeout(r, 50));
    if (this.stopped) return null;
    const frame = this.mode === 'frozen' && this.last ? { ...this.last, index: this.stats.frames, timeMs: Date.now() } : await this.render();
    this.last = frame;
    this.stats.frames++;
    this.stats.delivered++;
    return frame;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
}

describe('an agent measuring an approach by camera (small town, real centre and cabinet)', () => {
  let d: Deployed;
  beforeAll(async () => {
    d = await deploySmall({ intersections: 1 });
    await until('the agent under centre control', () => d.agents[0]!.connected && d.agents[0]!.control === 'centre', 30_000);
  }, 120_000);
  afterAll(async () => {
    await d?.stop();
  }, 60_000);

  it('a camera that stops or freezes raises camera-down for its approach, puts it on recall at the centre, and clears when it is back', async () => {
    const old = d.agents[0]!;
    await old.stop();
    const config = loadFile(AgentConfig, `${d.dir}/agents/${encodeURIComponent(old.config.intersectionId)}.json`);
    const junction = d.city.twin.junctions.find((j) => j.id === config.intersectionId)!;
    const approachId = junction.approaches[0]!.id;
    const view = () => viewApproach(junction, approachId, d.city.twin.simS);
    const camera = defaultSyntheticCamera(view(), { xM: approachSpanX(view()).right - 2, zoneEndRow: 0.2 });
    const cameraConfig = syntheticCameraConfig(view(), camera, { cameraId: 'cam-under-test', extra: { watchdog: { noFrameS: 1.5, frozenS: 2 } } });
    let index = 0;
    const source = new ControllableCamera(async () => {
      const r = await renderApproach(view(), camera, { seed: 1 });
      return { ...r.frame, data: Buffer.from(r.frame.data), index: index++, timeMs: Date.now() };
    });
    const detector = await createDetector({ kind: 'nanodet', scoreThreshold: 0.1 });
    const pipeline = new CameraPipeline(cameraConfig, { source, detector });
    void pipeline.start();
    const agent = new EdgeAgent(config, { intersection: junction.intersection, source: new VisionMeasurementSource([pipelineFeed(pipeline)], { read: (t) => readJunction(junction, t, 1) }) });
    d.agents[0] = agent;
    try {
      await agent.start();
      const live = () => d.centre!.live.find((l) => l.id === junction.id)!;
      await until('under the centre, camera healthy', () => agent.connected && agent.control === 'centre' && pipeline.stats.frames > 3, 20_000);
      expect(live().recall).toEqual([]);
      // measurements of the camera's approach come from the vision path
      await until('the camera measured its lanes', () => live().lanes.some((l) => l.approachId === approachId), 10_000);

      source.mode = 'cut';
      await until('camera-down at the centre, approach on recall', () => live().recall.includes(approachId), 10_000);
      // (the agent keeps measuring: the stored alarm is awaited, not drained)
      const stored = async (match: RegExp) => (await d.centre!.store.alarms({ intersectionId: junction.id })).find((a) => a.code === 'camera-down' && Number(a.active) === 1 && match.test(a.message));
      await until('the alarm stored', async () => (await stored(/no frame/)) !== undefined, 10_000);
      expect((await stored(/no frame/))!.message).toMatch(/camera cam-under-test \(approach .*\): no frame for .* on recall/);
      // while on recall the camera's lanes are left out of the stored measurements (no made-up data)
      expect(live().lanes.some((l) => l.approachId === approachId)).toBe(false);

      source.mode = 'live';
      await until('recall cleared when frames come back', () => live().recall.length === 0, 10_000);

      source.mode = 'frozen';
      await until('a frozen picture also puts the approach on recall', () => live().recall.includes(approachId), 10_000);
      await until('the frozen alarm stored', async () => (await stored(/frozen: the same picture/)) !== undefined, 10_000);
      source.mode = 'live';
      await until('back again', () => live().recall.length === 0, 10_000);
    } finally {
      await pipeline.stop();
      await detector.close();
    }
  }, 120_000);
});
