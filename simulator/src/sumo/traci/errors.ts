import { ErrorCode, GreenwaveError } from '@greenwave/contracts';

/** SUMO refused one command (status 0xFF or not implemented); the connection stays usable (SUMO's TraCIException). */
export class TraciCommandError extends GreenwaveError {
  constructor(
    readonly command: string,
    readonly objectId: string,
    readonly description: string,
  ) {
    super(ErrorCode.INVALID_REQUEST, `TraCI ${command}${objectId ? ` "${objectId}"` : ''} failed: ${description}`, { recoverable: true });
    this.name = 'TraciCommandError';
  }
}

/** The connection is gone or the stream is corrupt; nothing more can be sent (SUMO's FatalTraCIError). */
export class TraciConnectionError extends GreenwaveError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.IO, `TraCI connection: ${message}`, { cause, recoverable: false });
    this.name = 'TraciConnectionError';
  }
}
