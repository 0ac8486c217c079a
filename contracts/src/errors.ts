/** Error codes shared by every package; the map is the single list of what can go wrong. */
export const ErrorCode = {
  INVALID_CONFIG: 'INVALID_CONFIG',
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  INVALID_REQUEST: 'INVALID_REQUEST',
  UNSAFE_DECISION: 'UNSAFE_DECISION',
  NOT_FOUND: 'NOT_FOUND',
  UNKNOWN_KIND: 'UNKNOWN_KIND',
  IO: 'IO',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface GreenwaveErrorOptions {
  cause?: unknown;
  /** Whether the caller may carry on (retry, skip the item) or must stop. */
  recoverable?: boolean;
}

/** Base of every error greenwave throws on purpose. */
export class GreenwaveError extends Error {
  readonly code: ErrorCode;
  readonly recoverable: boolean;

  constructor(code: ErrorCode, message: string, options: GreenwaveErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GreenwaveError';
    this.code = code;
    this.recoverable = options.recoverable ?? false;
  }
}

/** One problem found while validating a file or message. */
export interface ValidationIssue {
  /** Where the data came from: a file path or a description such as "message from agent X". */
  source: string;
  /** Path inside the document, e.g. `intersections[3].phases[0].timing.minGreenS`. */
  path: string;
  message: string;
  /** The offending value, when there is one. */
  value?: unknown;
  /** 1-based line in the source file, when known. */
  line?: number;
}

export function formatIssue(issue: ValidationIssue): string {
  const where = issue.line === undefined ? issue.source : `${issue.source}:${issue.line}`;
  const value = 'value' in issue ? ` (got ${describeValue(issue.value)})` : '';
  return `${where}: ${issue.path || '<root>'}: ${issue.message}${value}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // too deeply nested (or cyclic) to print: say what it is
    return Array.isArray(value) ? 'a deeply nested array' : typeof value === 'object' ? 'a deeply nested object' : typeof value;
  }
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Thrown when a config file or message fails validation; lists every issue found. */
export class ValidationError extends GreenwaveError {
  readonly issues: ValidationIssue[];

  constructor(code: ErrorCode, issues: ValidationIssue[]) {
    const shown = issues.slice(0, 20).map(formatIssue);
    const more = issues.length > 20 ? [`... and ${issues.length - 20} more`] : [];
    super(code, [`${issues.length} problem(s) found:`, ...shown, ...more].join('\n  '), { recoverable: true });
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** Converts anything thrown into a GreenwaveError, keeping the original as the cause. */
export function toGreenwaveError(thrown: unknown): GreenwaveError {
  if (thrown instanceof GreenwaveError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new GreenwaveError(ErrorCode.INTERNAL, message, { cause: thrown });
}
