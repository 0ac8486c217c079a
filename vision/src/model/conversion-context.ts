import type { HostDataType, HostTensor } from './host-tensor.ts';
import type { OnnxAttribute, OnnxNode } from './onnx-graph.ts';
import { refKey, type TensorRef, type TfNode } from './tf-node.ts';

/** What a TF tensor became: a constant known at conversion time, or an ONNX tensor with a static shape. */
export type ConvertedValue = { kind: 'constant'; tensor: HostTensor } | TensorValue;

export interface TensorValue {
  kind: 'tensor';
  /** Name of the ONNX tensor. */
  name: string;
  dtype: HostDataType;
  shape: number[];
}

export interface EmittedOutput {
  name: string;
  dtype: HostDataType;
  shape: number[];
}

/** Translates one TF node; returns one value per TF output of the node. */
export type OpTranslator = (node: TfNode, context: ConversionContext) => ConvertedValue[];

/**
 * State of one conversion: the ONNX nodes and initializers emitted so far, and what each TF tensor became.
 * Translators read their inputs and emit nodes through it.
 */
export class ConversionContext {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, HostTensor>();
  private readonly values = new Map<string, ConvertedValue>();
  private readonly usedNames = new Set<string>();
  private readonly materialised = new Map<HostTensor, string>();
  private readonly consumersByTensor = new Map<string, TfNode[]>();
  private readonly handled = new Set<string>();
  /** (height, width) factors for the constant output sizes of resize ops (see `ConvertOptions.resizeScale`). */
  resizeScale: readonly [number, number] = [1, 1];

  constructor(allNodes: readonly TfNode[]) {
    for (const node of allNodes) {
      for (const ref of node.inputs) {
        const key = refKey(ref);
        const list = this.consumersByTensor.get(key) ?? [];
        if (!list.includes(node)) list.push(node);
        this.consumersByTensor.set(key, list);
      }
    }
  }

  /** TF nodes (anywhere in the model) that read output `output` of `nodeName`. */
  consumers(nodeName: string, output = 0): readonly TfNode[] {
    return this.consumersByTensor.get(refKey({ node: nodeName, output })) ?? [];
  }

  setOutputs(node: TfNode, outputs: readonly ConvertedValue[]): void {
    outputs.forEach((value, index) => this.values.set(refKey({ node: node.name, output: index }), value));
    this.handled.add(node.name);
  }

  /** Whether a node was already translated (as part of a fusion with an earlier node). */
  isHandled(nodeName: string): boolean {
    return this.handled.has(nodeName);
  }

  valueOf(ref: TensorRef, reader?: TfNode): ConvertedValue {
    const value = this.values.get(refKey(ref));
    if (value === undefined) {
      const detail = `input ${ref.node}:${ref.output} has no value (missing node or output index)`;
      throw reader === undefined ? new Error(detail) : reader.fail(detail);
    }
    return value;
  }

  input(node: TfNode, index: number): ConvertedValue {
    return this.valueOf(node.input(index), node);
  }

  /** Input `index` as an ONNX tensor; constants become initializers. */
  tensor(node: TfNode, index: number): TensorValue {
    return this.asTensor(this.input(node, index), `${node.name}/input_${index}`);
  }

  asTensor(value: ConvertedValue, nameHint: string): TensorValue {
    if (value.kind === 'tensor') return value;
    return { kind: 'tensor', name: this.initializer(value.tensor, nameHint), dtype: value.tensor.dtype, shape: [...value.tensor.shape] };
  }

  /** Input `index`, which must be known at conversion time (a weight, a shape, an axis). */
  constant(node: TfNode, index: number, what = `input #${index}`): HostTensor {
    const value = this.input(node, index);
    if (value.kind !== 'constant') throw node.fail(`${what} must be a constant for the ONNX conversion, it is computed at run time`);
    return value.tensor;
  }

  constantOf(ref: TensorRef): HostTensor | undefined {
    const value = this.values.get(refKey(ref));
    return value?.kind === 'constant' ? value.tensor : undefined;
  }

  /** Adds (once) a constant as an initializer and returns its name. */
  initializer(tensor: HostTensor, nameHint: string): string {
    const existing = this.materialised.get(tensor);
    if (existing !== undefined) return existing;
    const name = this.uniqueName(nameHint);
    this.initializers.set(name, tensor);
    this.materialised.set(tensor, name);
    return name;
  }

  /** Adds an ONNX node (in the argument order of onnx.helper.make_node, attributes before outputs). */
  emit(opType: string, inputs: readonly string[], attributes: readonly OnnxAttribute[], outputs: readonly EmittedOutput[]): TensorValue[] {
    const names = outputs.map((output) => this.uniqueName(output.name));
    this.nodes.push({
      name: this.uniqueName(`${names[0] ?? opType}/${opType}`),
      opType,
      inputs: [...inputs],
      outputs: names,
      attributes: [...attributes],
    });
    return outputs.map((output, index) => ({ kind: 'tensor', name: names[index] as string, dtype: output.dtype, shape: [...output.shape] }));
  }

  /** Reserves a name no tensor or node has yet. */
  uniqueName(hint: string): string {
    let name = hint;
    for (let suffix = 1; this.usedNames.has(name); suffix += 1) name = `${hint}__${suffix}`;
    this.usedNames.add(name);
    return name;
  }
}

export const attribute = {
  int: (name: string, value: number): OnnxAttribute => ({ name, kind: 'int', value }),
  ints: (name: string, value: number[]): OnnxAttribute => ({ name, kind: 'ints', value }),
  float: (name: string, value: number): OnnxAttribute => ({ name, kind: 'float', value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, kind: 'string', value }),
};
