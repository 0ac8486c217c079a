import { ErrorCode, GreenwaveError } from '@greenwave/contracts';

/** A camera source that cannot start or goes wrong: names the source and what ffmpeg (or the file system) said. */
export class FrameSourceError extends GreenwaveError {
  constructor(
    readonly source: string,
    detail: string,
    cause?: unknown,
  ) {
    super(ErrorCode.IO, `camera source ${source}: ${detail}`, { cause, recoverable: true });
    this.name = 'FrameSourceError';
  }
}
