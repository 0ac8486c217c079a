import type { CameraConfig, LaneMeasurement } from '@greenwave/contracts';
import { viewEarlier } from './view-earlier.ts';
import { VisionMeasurementSource, pipelineFeed } from '@greenwave/edge-agent';
import { type RtJunction, type Twin, readJunction, viewApproach } from '@greenwave/simulator';
import { CameraPipeline, LaneChangeSmoother, type SyntheticCamera, type TruthObject, renderApproach } from '@greenwave/vision';
import { pilotCameras } from './pilot-camera.ts';
import { type PilotDetectors, pilotDetector } from './pilot-detector.ts';

/** One synthetic camera on one approach of a twin junction, with its vision pipeline. */
export interface TwinCamera {
  junction: RtJunction;
  approachId: string;
  camera: SyntheticCamera;
  config: CameraConfig;
  pipeline: CameraPipeline;
  seed: number;
  /** Vehicles drift across to a new lane instead of jumping there as in the twin. */
  lateral: LaneChangeSmoother;
}

export interface TwinCamerasOptions {
  /** Frames per simulated second each camera renders and processes (default 5). */
  fps?: number;
  /** onnxruntime threads of the shared detector (default 1). */
  threads?: number;
  /** Precision of the default detector model (the cameras' setting, auto, unless given). */
  precision?: 'auto' | 'float32' | 'int8';
  /** False: the cameras detect without their far field (comparisons; default true). */
  farField?: boolean;
  /** Called with each rendered frame's ground truth and what the pipeline measured (accuracy reports). */
  onFrame?: (camera: TwinCamera, truth: readonly TruthObject[], measured: readonly LaneMeasurement[]) => void;
}

/**
 * Synthetic cameras on every inbound approach of some twin junctions, each feeding the full vision path: frames
 * rendered from the twin (perspective, detailed vehicles, blur, noise, JPEG) -> NanoDet -> ByteTrack -> per-lane
 * measurements. Lockstep: after each twin step, `processSecond()` renders the second that just passed at `fps`
 * (positions in between from the vehicles' speeds) and runs the pipelines on it. One detector serves every camera.
 */
export class TwinCameras {
  readonly cameras: TwinCamera[] = [];
  private constructor(
    readonly twin: Twin,
    private readonly detectors: PilotDetectors,
    readonly fps: number,
    private readonly onFrame?: TwinCamerasOptions['onFrame'],
  ) {}

  static async create(twin: Twin, junctionIds: readonly string[], options: TwinCamerasOptions = {}): Promise<TwinCameras> {
    const fps = options.fps ?? 5;
    const pilots = pilotCameras(twin, junctionIds, fps);
    const detectors = await pilotDetector(pilots.map((p) => p.config), options.threads, options.precision, options.farField ?? true);
    const out = new TwinCameras(twin, detectors, fps, options.onFrame);
    const clock = () => twin.simS * 1000;
    for (const c of pilots) {
      out.cameras.push({ junction: c.junction, approachId: c.approachId, camera: c.camera, config: c.config, seed: c.seed, pipeline: new CameraPipeline(c.config, { ...detectors, clock }), lateral: new LaneChangeSmoother(c.seed) });
    }
    return out;
  }

  /** Renders and processes the simulated second that just ended, for every camera. */
  async processSecond(): Promise<void> {
    const endS = this.twin.simS;
    for (const cam of this.cameras) {
      const view = viewApproach(cam.junction, cam.approachId, endS);
      for (let k = 1; k <= this.fps; k++) {
        const back = 1 - k / this.fps;
        const rendered = await renderApproach(cam.lateral.smooth(viewEarlier(view, back)), cam.camera, { seed: cam.seed });
        const timeMs = Math.round((endS - back) * 1000);
        const measured = await cam.pipeline.process({ data: rendered.frame.data, width: rendered.frame.width, height: rendered.frame.height, index: cam.pipeline.stats.frames, timeMs });
        this.onFrame?.(cam, rendered.truth, measured);
      }
    }
  }

  /** An agent's measurement source for a junction: its cameras' measurements, the perfect feed for the rest. */
  sourceFor(junction: RtJunction): VisionMeasurementSource {
    const pipelines = this.cameras.filter((c) => c.junction === junction).map((c) => c.pipeline);
    return new VisionMeasurementSource(pipelines.map(pipelineFeed), { read: (timeMs) => readJunction(junction, timeMs, 1) });
  }

  async close(): Promise<void> {
    await this.detectors.close();
  }
}
