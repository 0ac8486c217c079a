import { ErrorCode, GreenwaveError } from '@greenwave/contracts';

export type FieldErrorKind = 'timeout' | 'connection' | 'exception' | 'protocol' | 'invalid-value';

/**
 * Anything that goes wrong talking to a cabinet, naming the device address and the point. `exception` (the device
 * refused: bad address or value) is not retried; timeouts and connection losses are, with reconnects.
 */
export class FieldDeviceError extends GreenwaveError {
  constructor(
    readonly kind: FieldErrorKind,
    readonly address: string,
    readonly pointId: string,
    detail: string,
    cause?: unknown,
  ) {
    super(kind === 'invalid-value' || kind === 'exception' ? ErrorCode.INVALID_REQUEST : ErrorCode.IO, `${address}${pointId ? ` ${pointId}` : ''}: ${detail}`, {
      cause,
      recoverable: kind !== 'exception' && kind !== 'invalid-value',
    });
    this.name = 'FieldDeviceError';
  }
}
