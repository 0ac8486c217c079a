import { ErrorCode, GreenwaveError } from '@greenwave/contracts';

/**
 * A TF.js graph that cannot be converted to ONNX: an op the converter does not know, an attribute or constant it
 * cannot use, or a malformed model file. Names the node and its op so the model author can find it.
 */
export class ModelConversionError extends GreenwaveError {
  constructor(
    readonly nodeName: string | undefined,
    readonly op: string | undefined,
    detail: string,
    cause?: unknown,
  ) {
    const where = nodeName === undefined ? '' : ` node "${nodeName}"${op === undefined ? '' : ` (op ${op})`}`;
    super(ErrorCode.INVALID_CONFIG, `model conversion failed at${where || ' model level'}: ${detail}`, { cause, recoverable: false });
    this.name = 'ModelConversionError';
  }
}

export type DetectorErrorKind = 'model' | 'input' | 'io';

/** A detector that cannot load its model, a frame it cannot read, or an output it cannot decode. */
export class DetectorError extends GreenwaveError {
  constructor(
    readonly kind: DetectorErrorKind,
    detail: string,
    cause?: unknown,
  ) {
    const code = kind === 'io' ? ErrorCode.IO : kind === 'input' ? ErrorCode.INVALID_REQUEST : ErrorCode.INVALID_CONFIG;
    super(code, detail, { cause, recoverable: kind === 'input' });
    this.name = 'DetectorError';
  }
}
