import { ErrorCode, GreenwaveError } from '@greenwave/contracts';

/**
 * A camera calibration that cannot give a ground mapping: not four finite points, three points on one line, or image
 * and ground points listed in different orders. Names the config field and the points at fault.
 */
export class CalibrationError extends GreenwaveError {
  constructor(
    /** Config path, e.g. `calibration.image`. */
    readonly field: string,
    /** Indices of the offending points within that field. */
    readonly pointIndices: readonly number[],
    detail: string,
  ) {
    super(ErrorCode.INVALID_CONFIG, `${field}: ${detail}`, { recoverable: false });
    this.name = 'CalibrationError';
  }
}
