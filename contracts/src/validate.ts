import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ErrorCode, GreenwaveError, ValidationError, type ValidationIssue } from './errors.ts';

export type PathSegment = string | number;

/** `['a', 0, 'b']` -> `a[0].b` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

export function valueAt(data: unknown, path: readonly PathSegment[]): { found: boolean; value?: unknown } {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return { found: false };
    if (!(segment in (current as Record<PathSegment, unknown>))) return { found: false };
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return { found: true, value: current };
}

/** Finds the 1-based line of a path in a parsed YAML/JSON document, if it has one. */
export type LineLocator = (path: readonly PathSegment[]) => number | undefined;

/**
 * Validates `data` against `schema`. On failure throws a ValidationError whose issues name the source,
 * the path inside it and the offending value.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  data: unknown,
  source: string,
  options: { locate?: LineLocator; code?: ErrorCode } = {},
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((zodIssue) => {
    const path = zodIssue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const issue: ValidationIssue = { source, path: formatPath(path), message: zodIssue.message };
    // unrecognized_keys points at the parent: name the key itself
    if (zodIssue.code === 'unrecognized_keys') {
      const keys = (zodIssue as { keys: string[] }).keys;
      issue.path = formatPath([...path, keys[0] ?? '']);
      issue.message = `unknown key${keys.length > 1 ? `s ${keys.map((k) => `"${k}"`).join(', ')}` : ` "${keys[0]}"`} (not allowed here)`;
    } else {
      const at = valueAt(data, path);
      if (at.found) issue.value = at.value;
    }
    const line = options.locate?.(path);
    if (line !== undefined) issue.line = line;
    return issue;
  });
  throw new ValidationError(options.code ?? ErrorCode.INVALID_CONFIG, issues);
}

export interface LoadedDocument {
  data: unknown;
  locate: LineLocator;
}

/** Parses YAML (and therefore JSON) text keeping positions so errors can cite lines. */
export function parseDocumentText(text: string, source: string): LoadedDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues: ValidationIssue[] = doc.errors.map((error) => ({
      source,
      path: '',
      message: error.message.split('\n')[0] ?? error.message,
      line: error.linePos?.[0]?.line,
    }));
    throw new ValidationError(ErrorCode.INVALID_CONFIG, issues);
  }
  const locate: LineLocator = (path) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { data: doc.toJS({ maxAliasCount: 100 }), locate };
}

/** Reads and validates a YAML or JSON file. */
export function loadFile<S extends z.ZodType>(schema: S, file: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GreenwaveError(ErrorCode.IO, `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  const doc = parseDocumentText(text, file);
  return parseWith(schema, doc.data, file, { locate: doc.locate });
}
