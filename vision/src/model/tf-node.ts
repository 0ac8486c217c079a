import { ModelConversionError } from '../errors.ts';
import type { HostDataType } from './host-tensor.ts';
import type { TfAttrValue, TfNodeJson } from './tfjs-model-json.ts';

/** A reference to one output of a TF node: `name` or `name:1`. */
export interface TensorRef {
  node: string;
  output: number;
}

/** Parses a TF input string; control dependencies (`^name`) give `undefined`. */
export function parseTensorRef(input: string): TensorRef | undefined {
  if (input.startsWith('^')) return undefined;
  const match = /^(.*):(\d+)$/.exec(input);
  return match === null ? { node: input, output: 0 } : { node: match[1] as string, output: Number(match[2]) };
}

export function refKey(ref: TensorRef): string {
  return `${ref.node}:${ref.output}`;
}

/** One node of the TF graph with typed attribute readers that name the node when an attribute is missing or odd. */
export class TfNode {
  readonly name: string;
  readonly op: string;
  /** Data inputs only (control dependencies dropped). */
  readonly inputs: readonly TensorRef[];
  private readonly attributes: Record<string, TfAttrValue>;

  constructor(json: TfNodeJson) {
    this.name = json.name;
    this.op = json.op;
    this.inputs = (json.input ?? []).map(parseTensorRef).filter((ref): ref is TensorRef => ref !== undefined);
    this.attributes = json.attr ?? {};
  }

  fail(detail: string, cause?: unknown): ModelConversionError {
    return new ModelConversionError(this.name, this.op, detail, cause);
  }

  input(index: number): TensorRef {
    const ref = this.inputs[index];
    if (ref === undefined) throw this.fail(`expected an input #${index}, the node has ${this.inputs.length}`);
    return ref;
  }

  has(name: string): boolean {
    return name in this.attributes;
  }

  int(name: string, fallback?: number): number {
    const value = this.attributes[name]?.i;
    if (value === undefined) return this.orFallback(name, fallback);
    return Number(value);
  }

  float(name: string, fallback?: number): number {
    const value = this.attributes[name]?.f;
    // proto3 JSON leaves out zero values: a present attribute without `f` is 0
    if (value === undefined) return this.has(name) ? 0 : this.orFallback(name, fallback);
    return Number(value);
  }

  bool(name: string, fallback?: boolean): boolean {
    const value = this.attributes[name]?.b;
    if (value === undefined) return this.has(name) ? false : this.orFallback(name, fallback);
    return value;
  }

  string(name: string, fallback?: string): string {
    const value = this.attributes[name]?.s;
    if (value === undefined) return this.orFallback(name, fallback);
    return Buffer.from(value, 'base64').toString('utf8');
  }

  ints(name: string, fallback?: number[]): number[] {
    const list = this.attributes[name]?.list;
    if (list === undefined) return this.orFallback(name, fallback);
    return (list.i ?? []).map(Number);
  }

  dataType(name: string, fallback?: HostDataType): HostDataType {
    const type = this.attributes[name]?.type;
    if (type === undefined) return this.orFallback(name, fallback);
    const mapped = tfDataTypes[type];
    if (mapped === undefined) throw this.fail(`attribute ${name} has data type ${type}, which the converter does not handle`);
    return mapped;
  }

  /** The raw attribute, for the few ops that read nested values (Placeholder shape, Const tensor). */
  raw(name: string): TfAttrValue | undefined {
    return this.attributes[name];
  }

  private orFallback<T>(name: string, fallback: T | undefined): T {
    if (fallback === undefined) throw this.fail(`attribute "${name}" is missing`);
    return fallback;
  }
}

const tfDataTypes: Record<string, HostDataType> = {
  DT_FLOAT: 'float32',
  DT_INT32: 'int32',
  DT_INT64: 'int64',
  DT_BOOL: 'bool',
};
