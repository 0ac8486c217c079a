import { broadcastShapes } from './constant-folding.ts';
import { attribute, type OpTranslator } from './conversion-context.ts';
import { elementCount } from './host-tensor.ts';
import type { TfNode } from './tf-node.ts';

/** Element-wise, shape and layout ops that map one to one onto ONNX. */

function normaliseAxis(node: TfNode, axis: number, rank: number): number {
  const normalised = axis < 0 ? axis + rank : axis;
  if (normalised < 0 || normalised >= rank) throw node.fail(`axis ${axis} is out of range for rank ${rank}`);
  return normalised;
}

function binary(onnxOp: string): OpTranslator {
  return (node, context) => {
    const left = context.tensor(node, 0);
    const right = context.tensor(node, 1);
    const shape = broadcastShapes(left.shape, right.shape);
    if (shape === undefined) throw node.fail(`shapes [${left.shape}] and [${right.shape}] do not broadcast`);
    return context.emit(onnxOp, [left.name, right.name], [], [{ name: node.name, dtype: left.dtype, shape }]);
  };
}

function unary(onnxOp: string, attributes: (node: TfNode) => ReturnType<typeof attribute.float>[] = () => []): OpTranslator {
  return (node, context) => {
    const input = context.tensor(node, 0);
    return context.emit(onnxOp, [input.name], attributes(node), [{ name: node.name, dtype: input.dtype, shape: input.shape }]);
  };
}

const transpose: OpTranslator = (node, context) => {
  const input = context.tensor(node, 0);
  const perm = Array.from(context.constant(node, 1, 'perm').data as ArrayLike<number>);
  if (perm.length !== input.shape.length || [...perm].sort((a, b) => a - b).some((axis, index) => axis !== index)) {
    throw node.fail(`perm [${perm}] is not a permutation of the input's ${input.shape.length} axes`);
  }
  const shape = perm.map((axis) => input.shape[axis] as number);
  return context.emit('Transpose', [input.name], [attribute.ints('perm', perm)], [{ name: node.name, dtype: input.dtype, shape }]);
};

/** ConcatV2(values..., axis). */
const concat: OpTranslator = (node, context) => {
  const count = node.inputs.length - 1;
  const parts = Array.from({ length: count }, (_, index) => context.tensor(node, index));
  const first = parts[0];
  if (first === undefined) throw node.fail('ConcatV2 without inputs');
  const axis = normaliseAxis(node, context.constant(node, count, 'axis').data[0] as number, first.shape.length);
  const shape = [...first.shape];
  shape[axis] = parts.reduce((sum, part) => sum + (part.shape[axis] as number), 0);
  return context.emit('Concat', parts.map((part) => part.name), [attribute.int('axis', axis)], [{ name: node.name, dtype: first.dtype, shape }]);
};

/** Reshape with a constant target shape; -1 is resolved here so ONNX gets a fully known shape. */
const reshape: OpTranslator = (node, context) => {
  const input = context.tensor(node, 0);
  const target = Array.from(context.constant(node, 1, 'the target shape').data as ArrayLike<number>);
  const known = target.filter((size) => size !== -1);
  const total = elementCount(input.shape);
  const shape = target.map((size) => (size === -1 ? total / Math.max(1, elementCount(known)) : size));
  if (target.filter((size) => size === -1).length > 1 || !Number.isInteger(elementCount(shape)) || elementCount(shape) !== total) {
    throw node.fail(`cannot reshape [${input.shape}] to [${target}]`);
  }
  const shapeName = context.initializer({ dtype: 'int64', shape: [shape.length], data: Float64Array.from(shape) }, `${node.name}/shape`);
  return context.emit('Reshape', [input.name, shapeName], [], [{ name: node.name, dtype: input.dtype, shape }]);
};

function emitSplit(node: TfNode, context: Parameters<OpTranslator>[1], valueIndex: number, axisValue: number, sizes: number[]) {
  const input = context.tensor(node, valueIndex);
  const axis = normaliseAxis(node, axisValue, input.shape.length);
  const length = input.shape[axis] as number;
  const unknown = sizes.filter((size) => size === -1).length;
  const known = sizes.filter((size) => size !== -1).reduce((sum, size) => sum + size, 0);
  const resolved = sizes.map((size) => (size === -1 ? length - known : size));
  if (unknown > 1 || resolved.reduce((sum, size) => sum + size, 0) !== length || resolved.some((size) => size < 0)) {
    throw node.fail(`split sizes [${sizes}] do not add up to ${length} along axis ${axis}`);
  }
  const splitName = context.initializer({ dtype: 'int64', shape: [resolved.length], data: Float64Array.from(resolved) }, `${node.name}/split`);
  return context.emit(
    'Split',
    [input.name, splitName],
    [attribute.int('axis', axis)],
    resolved.map((size, index) => {
      const shape = [...input.shape];
      shape[axis] = size;
      return { name: `${node.name}:${index}`, dtype: input.dtype, shape };
    }),
  );
}

/** SplitV(value, size_splits, split_dim). */
const splitV: OpTranslator = (node, context) => {
  const sizes = Array.from(context.constant(node, 1, 'size_splits').data as ArrayLike<number>);
  return emitSplit(node, context, 0, context.constant(node, 2, 'split_dim').data[0] as number, sizes);
};

/** Split(split_dim, value) into num_split equal parts. */
const split: OpTranslator = (node, context) => {
  const parts = node.int('num_split');
  const input = context.tensor(node, 1);
  const axis = normaliseAxis(node, context.constant(node, 0, 'split_dim').data[0] as number, input.shape.length);
  const length = input.shape[axis] as number;
  if (length % parts !== 0) throw node.fail(`axis ${axis} of length ${length} does not split into ${parts} equal parts`);
  return emitSplit(node, context, 1, axis, Array<number>(parts).fill(length / parts));
};

/** Identity passes its input through; the converter adds an ONNX Identity only where a graph output needs the name. */
const identity: OpTranslator = (node, context) => [context.input(node, 0)];

export const basicTranslators: Record<string, OpTranslator> = {
  Identity: identity,
  Transpose: transpose,
  Add: binary('Add'),
  AddV2: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  LeakyRelu: unary('LeakyRelu', (node) => [attribute.float('alpha', node.float('alpha', 0.2))]),
  Relu: unary('Relu'),
  Sigmoid: unary('Sigmoid'),
  ConcatV2: concat,
  Reshape: reshape,
  SplitV: splitV,
  Split: split,
};
