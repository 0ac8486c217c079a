import { ModelConversionError } from '../errors.ts';
import { cast, foldableOps, foldConstantNode } from './constant-folding.ts';
import { ConversionContext, type OpTranslator, type TensorValue } from './conversion-context.ts';
import { optimiseGraph } from './graph-optimiser.ts';
import type { HostTensor } from './host-tensor.ts';
import type { OnnxGraph, OnnxValueInfo } from './onnx-graph.ts';
import { parseTensorRef, TfNode, type TensorRef } from './tf-node.ts';
import { shapeFromJson, type TfjsModelJson } from './tfjs-model-json.ts';
import { basicTranslators } from './translate-basic-ops.ts';
import { spatialTranslators } from './translate-spatial-ops.ts';

/** Every TF op the converter translates (Const and Placeholder are handled by the converter itself). */
export const opTranslators: Readonly<Record<string, OpTranslator>> = { ...basicTranslators, ...spatialTranslators };

export const supportedOps: readonly string[] = [...new Set(['Const', 'Placeholder', ...foldableOps, ...Object.keys(opTranslators)])].sort();

export interface ConvertOptions {
  /** Shapes for graph inputs whose declared shape has unknown (-1) dimensions, by input name. */
  inputShapes?: Record<string, number[]>;
  /**
   * Running a fully convolutional graph at another input size than it was exported with: its resize ops carry their
   * output sizes as constants for the original size; these are multiplied by (height, width) factors — the new input
   * size over the original — and must come out whole.
   */
  resizeScale?: [number, number];
  graphName?: string;
}

export interface ConversionResult {
  graph: OnnxGraph;
  /** TF op counts of the nodes that were converted (after pruning nodes the outputs do not need). */
  tfOpCounts: Record<string, number>;
}

/**
 * Converts a TF.js graph model (JSON + decoded weights) into an ONNX graph in NCHW with static shapes: Const
 * nodes become initializers, shape-only subgraphs are folded, NHWC ops are wrapped in Transposes and those are
 * merged away where they cancel. An op the converter does not know stops it with a ModelConversionError naming
 * the op and the node.
 */
export function convertTfjsGraph(model: TfjsModelJson, weights: ReadonlyMap<string, HostTensor>, options: ConvertOptions = {}): ConversionResult {
  const nodes = model.modelTopology.node.map((json) => new TfNode(json));
  const byName = new Map(nodes.map((node) => [node.name, node]));
  if ((model.modelTopology.library?.function ?? []).length > 0) {
    throw new ModelConversionError(undefined, undefined, 'the graph uses TF functions (control flow), which the converter does not support');
  }
  const outputRefs = graphOutputs(model, nodes);
  const order = topologicalOrder(outputRefs, byName);
  const context = new ConversionContext(nodes);
  if (options.resizeScale) context.resizeScale = options.resizeScale;
  const inputs: OnnxValueInfo[] = [];
  const tfOpCounts: Record<string, number> = {};

  // constants first, so fusions can look at a reader's other (constant) inputs before reaching that reader
  for (const node of order) {
    if (node.op !== 'Const') continue;
    const weight = weights.get(node.name);
    if (weight === undefined) throw node.fail('constant has no value in the weights manifest');
    context.setOutputs(node, [{ kind: 'constant', tensor: cast(weight, node.dataType('dtype', weight.dtype)) }]);
  }
  for (const node of order) {
    tfOpCounts[node.op] = (tfOpCounts[node.op] ?? 0) + 1;
    if (context.isHandled(node.name)) continue;
    if (node.op === 'Placeholder') {
      const value = placeholder(node, context, options);
      inputs.push({ name: value.name, elementType: value.dtype, shape: value.shape });
      context.setOutputs(node, [value]);
      continue;
    }
    const inputValues = node.inputs.map((ref) => context.valueOf(ref, node));
    if (inputValues.length > 0 && inputValues.every((value) => value.kind === 'constant')) {
      const folded = foldConstantNode(
        node,
        inputValues.map((value) => (value.kind === 'constant' ? value.tensor : (undefined as never))),
      );
      if (folded !== undefined) {
        context.setOutputs(node, folded.map((tensor) => ({ kind: 'constant', tensor })));
        continue;
      }
    }
    const translator = opTranslators[node.op];
    if (translator === undefined && foldableOps.includes(node.op)) {
      throw node.fail(`op "${node.op}" converts only when all its inputs are constants (it is evaluated during conversion)`);
    }
    if (translator === undefined) {
      throw node.fail(`op "${node.op}" is not supported by the TF.js to ONNX converter (supported: ${supportedOps.join(', ')})`);
    }
    context.setOutputs(node, translator(node, context));
  }

  const outputs: OnnxValueInfo[] = outputRefs.map((ref) => {
    const name = ref.node;
    const value = context.asTensor(context.valueOf(ref), `${name}/constant`);
    const final: TensorValue = value.name === name ? value : (context.emit('Identity', [value.name], [], [{ name, dtype: value.dtype, shape: value.shape }])[0] as TensorValue);
    if (final.name !== name) throw new ModelConversionError(name, undefined, `output name ${name} is taken by another tensor`);
    checkDeclaredShape(model, ref, final, options.resizeScale !== undefined);
    return { name, elementType: final.dtype, shape: final.shape };
  });

  const graph: OnnxGraph = { name: options.graphName ?? 'converted', nodes: context.nodes, initializers: context.initializers, inputs, outputs };
  return { graph: optimiseGraph(graph), tfOpCounts };
}

/** Outputs from the signature (sorted by name: Identity, Identity_1, ...), else every tensor nothing reads. */
function graphOutputs(model: TfjsModelJson, nodes: readonly TfNode[]): TensorRef[] {
  const declared = Object.values(model.signature?.outputs ?? {}).map((info) => parseTensorRef(info.name));
  const refs = declared.filter((ref): ref is TensorRef => ref !== undefined);
  if (refs.length > 0) return refs.sort((a, b) => a.node.localeCompare(b.node, 'en', { numeric: true }));
  const read = new Set(nodes.flatMap((node) => node.inputs.map((ref) => ref.node)));
  return nodes.filter((node) => !read.has(node.name) && node.op !== 'Const').map((node) => ({ node: node.name, output: 0 }));
}

/** Nodes the outputs depend on, each after its inputs. */
function topologicalOrder(outputs: readonly TensorRef[], byName: ReadonlyMap<string, TfNode>): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: Array<{ node: TfNode; next: number }> = [];
  const push = (name: string, reader: TfNode | undefined) => {
    const node = byName.get(name);
    if (node === undefined) {
      throw new ModelConversionError(reader?.name ?? name, reader?.op, `reads "${name}", which is not a node of the graph`);
    }
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw node.fail('the graph has a cycle through this node');
    state.set(name, 'visiting');
    stack.push({ node, next: 0 });
  };
  for (const ref of outputs) {
    push(ref.node, undefined);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: TfNode; next: number };
      const ref = top.node.inputs[top.next];
      if (ref !== undefined) {
        top.next += 1;
        push(ref.node, top.node);
        continue;
      }
      stack.pop();
      state.set(top.node.name, 'done');
      order.push(top.node);
    }
  }
  return order;
}

function placeholder(node: TfNode, context: ConversionContext, options: ConvertOptions): TensorValue {
  const given = options.inputShapes?.[node.name];
  const declared = shapeFromJson(node.raw('shape')?.shape);
  const shape = given ?? declared;
  if (shape === undefined || shape.some((size) => !Number.isInteger(size) || size < 1)) {
    throw node.fail(`input shape [${declared ?? 'unknown'}] is not fully known: pass inputShapes["${node.name}"]`);
  }
  const name = context.uniqueName(node.name);
  return { kind: 'tensor', name, dtype: node.dataType('dtype', 'float32'), shape: [...shape] };
}

/** The output shapes the model declares hold for its own input size: with `resizeScale` only the rank is checked. */
function checkDeclaredShape(model: TfjsModelJson, ref: TensorRef, value: TensorValue, rankOnly: boolean): void {
  const info = Object.values(model.signature?.outputs ?? {}).find((entry) => parseTensorRef(entry.name)?.node === ref.node);
  const declared = shapeFromJson(info?.tensorShape);
  if (declared === undefined || declared.some((size) => size < 0)) return;
  if (declared.length !== value.shape.length || (!rankOnly && declared.some((size, axis) => size !== value.shape[axis]))) {
    throw new ModelConversionError(ref.node, undefined, `converted output has shape [${value.shape}], the model declares [${declared}]`);
  }
}
