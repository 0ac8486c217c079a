import { ErrorCode, GreenwaveError } from '@greenwave/contracts';

export interface FlagSpec {
  /** Flag name without dashes. */
  name: string;
  kind: 'string' | 'number' | 'boolean';
  description: string;
  default?: string | number | boolean;
}

export type ParsedFlags = Record<string, string | number | boolean | undefined>;

/** Thrown by parseFlags for `--help`: the caller prints the usage and exits cleanly. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super(text);
    this.name = 'HelpRequested';
  }
}

/** Parses `--name value`, `--name=value` and boolean `--name`; unknown flags and bad numbers are errors. */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], command: string): ParsedFlags {
  const out: ParsedFlags = {};
  for (const spec of specs) if (spec.default !== undefined) out[spec.name] = spec.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new HelpRequested(usage(command, specs));
    if (!arg.startsWith('--')) throw usageError(command, specs, `unexpected argument "${arg}"`);
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const spec = specs.find((s) => s.name === rawName);
    if (!spec) throw usageError(command, specs, `unknown option --${rawName}`);
    if (spec.kind === 'boolean') {
      out[spec.name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw usageError(command, specs, `--${spec.name} needs a value`);
    if (spec.kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw usageError(command, specs, `--${spec.name} must be a number, got "${value}"`);
      out[spec.name] = n;
    } else out[spec.name] = value;
  }
  return out;
}

export function usage(command: string, specs: readonly FlagSpec[]): string {
  const lines = specs.map((s) => `  --${s.name}${s.kind === 'boolean' ? '' : ` <${s.kind}>`}`.padEnd(28) + s.description + (s.default !== undefined ? ` (default ${s.default})` : ''));
  return [`usage: pnpm greenwave ${command} [options]`, ...lines].join('\n');
}

export function usageError(command: string, specs: readonly FlagSpec[], message: string): GreenwaveError {
  return new GreenwaveError(ErrorCode.INVALID_REQUEST, `${message}\n${usage(command, specs)}`, { recoverable: true });
}
