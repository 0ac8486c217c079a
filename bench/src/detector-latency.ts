import { createDetector, decodeImage } from '@greenwave/vision';

export interface DetectorLatencyRun {
  /** Model inference alone per frame (ms). */
  inferenceMs: number[];
  /** Scale + tensor + inference + decode + NMS per frame (ms), the frame already decoded. */
  totalMs: number[];
  frameSize: string;
}

/**
 * The default NanoDet model at 416 px (or converted for another input size, e.g. the pilot cameras' 576 x 320) with 1
 * onnxruntime thread, on a decoded 546x413 photograph from Debian's opencv-doc (a bus and cars): `runs` frames after
 * `warmup` (DESIGN §7 budgets inference p99), in float32 or int8.
 */
export async function detectorLatency(runs = 300, warmup = 20, inputSize?: [number, number], precision: 'float32' | 'int8' = 'float32', image = '/usr/share/doc/opencv-doc/opencv4/html/pexels_double_decker_bus.jpg'): Promise<DetectorLatencyRun> {
  const frame = await decodeImage(image);
  const detector = await createDetector({ kind: 'nanodet', intraOpNumThreads: 1, precision, ...(inputSize ? { inputSize } : {}) });
  const inferenceMs: number[] = [];
  const totalMs: number[] = [];
  try {
    for (let i = 0; i < warmup + runs; i++) {
      const started = performance.now();
      const result = await detector.run(frame);
      if (i < warmup) continue;
      totalMs.push(performance.now() - started);
      inferenceMs.push(result.timings.inferenceMs);
      if (result.detections.length === 0) throw new Error(`the detector found nothing in ${image}: not a meaningful latency`);
    }
  } finally {
    await detector.close();
  }
  return { inferenceMs, totalMs, frameSize: `${frame.width}x${frame.height}` };
}
