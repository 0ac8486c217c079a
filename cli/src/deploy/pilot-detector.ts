import { type CameraConfig, DetectorSettings } from '@greenwave/contracts';
import { type VehicleDetector, detectorFromSettings } from '@greenwave/vision';

export interface PilotDetectors {
  detector: VehicleDetector;
  /** The far-field detector (`detector.farField`), when the cameras have one. */
  farDetector?: VehicleDetector;
  close(): Promise<void>;
}

/**
 * The detectors the pilot cameras share (they all have the same detector settings; the first camera's are used),
 * reporting weak detections down to 0.1 too: ByteTrack's second association extends tracks with them.
 */
export async function pilotDetector(
  configs: readonly Pick<CameraConfig, 'detector'>[],
  threads?: number,
  precision?: DetectorSettings['precision'],
  /** False: no far field even where the cameras configure one (comparisons). */
  farField = true,
): Promise<PilotDetectors> {
  const base = configs[0]?.detector ?? DetectorSettings.parse({});
  const settings = { ...base, threads: threads ?? base.threads, precision: precision ?? base.precision, farField: farField ? base.farField : undefined };
  const detector = await detectorFromSettings(settings, { scoreThreshold: 0.1 });
  const farDetector = settings.farField === undefined ? undefined : await detectorFromSettings({ ...settings, inputSize: settings.farField.inputSize }, { scoreThreshold: 0.1 });
  return {
    detector,
    ...(farDetector ? { farDetector } : {}),
    close: async () => {
      await detector.close();
      await farDetector?.close();
    },
  };
}
