import type { DetectorSettings } from '@greenwave/contracts';
import { cpuHasIntegerDotProduct } from '../detect/cpu-features.ts';
import { createDetector } from '../detect/create-detector.ts';
import type { ClassMap } from '../detect/detection.ts';
import { DetectorError } from '../errors.ts';
import type { VehicleDetector } from '../detect/detector.ts';

/** A detector from a camera's `detector` settings: the default NanoDet (converted and cached by setup) or a YOLO export. */
export function detectorFromSettings(settings: DetectorSettings, options: { cacheDir?: string; /** Keep detections down to this score (a tracker wants the weak ones too). */ scoreThreshold?: number } = {}): Promise<VehicleDetector> {
  const classMap: ClassMap | undefined = settings.classMap ? Object.fromEntries(Object.entries(settings.classMap).map(([k, v]) => [Number(k), v])) : undefined;
  const common = { scoreThreshold: options.scoreThreshold ?? settings.scoreThreshold, iouThreshold: settings.iouThreshold, intraOpNumThreads: settings.threads, classMap };
  if (settings.kind === 'nanodet') {
    const inputSize: [number, number] = typeof settings.inputSize === 'number' ? [settings.inputSize, settings.inputSize] : settings.inputSize;
    const precision = settings.precision === 'auto' ? (cpuHasIntegerDotProduct() ? 'int8' : 'float32') : settings.precision;
    return createDetector({ kind: 'nanodet', ...common, ...(settings.model === 'default' ? { cacheDir: options.cacheDir, inputSize, precision } : { modelPath: settings.model }) });
  }
  if (settings.model === 'default') throw new DetectorError('model', 'a YOLO detector needs the path of its ONNX file in detector.model');
  return createDetector({ kind: 'yolo', ...common, modelPath: settings.model, layout: settings.layout, inputSize: typeof settings.inputSize === 'number' ? settings.inputSize : Math.max(...settings.inputSize) });
}
