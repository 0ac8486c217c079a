import { DetectorError } from '../errors.ts';
import type { DetectorKind, VehicleDetector } from './detector.ts';
import { createNanoDetDetector, type NanoDetOptions } from './nanodet-detector.ts';
import { createYoloDetector, type YoloOptions } from './yolo-detector.ts';

/** A detector's configuration, picked by `kind`. */
export type DetectorConfig = NanoDetOptions | YoloOptions;

type Factory<K extends DetectorKind> = (config: Extract<DetectorConfig, { kind: K }>) => Promise<VehicleDetector>;

export const detectorFactories = {
  nanodet: createNanoDetDetector,
  yolo: createYoloDetector,
} satisfies { [K in DetectorKind]: Factory<K> };

/** Creates the detector `config.kind` names; an unknown kind is an error. */
export async function createDetector(config: DetectorConfig): Promise<VehicleDetector> {
  switch (config.kind) {
    case 'nanodet':
      return detectorFactories.nanodet(config);
    case 'yolo':
      return detectorFactories.yolo(config);
    default: {
      const kind = (config as { kind?: unknown }).kind;
      throw new DetectorError('model', `unknown detector kind ${JSON.stringify(kind)} (known: ${Object.keys(detectorFactories).join(', ')})`);
    }
  }
}
