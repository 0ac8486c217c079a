import type { VehicleClassName } from '@greenwave/contracts';
import type { DetectionClass } from '../detect/detection.ts';

/**
 * The measurement class of a detector class: bicycles count as motorbikes (the twin's two-wheeler class); persons
 * are never vehicles (undefined).
 */
export function vehicleClassOfDetection(detectionClass: DetectionClass): VehicleClassName | undefined {
  switch (detectionClass) {
    case 'car':
    case 'bus':
    case 'truck':
    case 'motorbike':
      return detectionClass;
    case 'bicycle':
      return 'motorbike';
    case 'person':
      return undefined;
  }
}
