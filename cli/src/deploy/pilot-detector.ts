import { type CameraConfig, DetectorSettings } from '@greenwave/contracts';
import { type VehicleDetector, detectorFromSettings } from '@greenwave/vision';

/**
 * The one detector the pilot cameras share (they all have the same detector settings; the first camera's are used),
 * reporting weak detections down to 0.1 too: ByteTrack's second association extends tracks with them.
 */
export function pilotDetector(configs: readonly Pick<CameraConfig, 'detector'>[], threads?: number, precision?: DetectorSettings['precision']): Promise<VehicleDetector> {
  const settings = configs[0]?.detector ?? DetectorSettings.parse({});
  return detectorFromSettings({ ...settings, threads: threads ?? settings.threads, precision: precision ?? settings.precision }, { scoreThreshold: 0.1 });
}
