import { elementCount, type HostDataType, type HostTensor } from './host-tensor.ts';
import type { TfNode } from './tf-node.ts';

/**
 * Evaluates a TF node whose inputs are all constants, for the ops that only compute shapes and indices in graphs
 * exported through onnx-tf (SparseToDense + int64 AddV2 building Reshape targets, Cast, Identity). Returns
 * `undefined` for an op it does not evaluate: the converter then emits it as an ONNX node.
 */
export function foldConstantNode(node: TfNode, inputs: readonly HostTensor[]): HostTensor[] | undefined {
  const folder = folders[node.op];
  return folder === undefined ? undefined : folder(node, inputs);
}

type Folder = (node: TfNode, inputs: readonly HostTensor[]) => HostTensor[];

const folders: Record<string, Folder> = {
  Identity: (_node, [input]) => [required(input)],
  Cast: (node, [input]) => [cast(required(input), node.dataType('DstT'))],
  Add: (node, inputs) => [addTensors(node, inputs)],
  AddV2: (node, inputs) => [addTensors(node, inputs)],
  SparseToDense: (node, inputs) => [sparseToDense(node, inputs)],
};

/** Ops the converter evaluates when all their inputs are constants. */
export const foldableOps: readonly string[] = Object.keys(folders);

function required(tensor: HostTensor | undefined): HostTensor {
  if (tensor === undefined) throw new Error('constant folding: missing input');
  return tensor;
}

export function cast(tensor: HostTensor, dtype: HostDataType): HostTensor {
  if (dtype === tensor.dtype) return tensor;
  const values = Array.from(tensor.data as ArrayLike<number>);
  switch (dtype) {
    case 'float32':
      return { dtype, shape: tensor.shape, data: Float32Array.from(values) };
    case 'int32':
    case 'int64':
      return { dtype, shape: tensor.shape, data: Float64Array.from(values, Math.trunc) };
    case 'bool':
      return { dtype, shape: tensor.shape, data: Uint8Array.from(values, (value) => (value === 0 ? 0 : 1)) };
    case 'int8':
    case 'uint8':
      throw new Error(`constant folding: no cast to ${dtype} (quantised tensors are written, never folded)`);
  }
}

/** Element-wise sum with numpy broadcasting; the result takes the node's declared type (T) when it has one. */
function addTensors(node: TfNode, inputs: readonly HostTensor[]): HostTensor {
  const [left, right] = [required(inputs[0]), required(inputs[1])];
  const shape = broadcastShapes(left.shape, right.shape);
  if (shape === undefined) throw node.fail(`cannot broadcast constant shapes [${left.shape}] and [${right.shape}]`);
  const dtype = node.has('T') ? node.dataType('T') : left.dtype;
  const count = elementCount(shape);
  const leftIndex = broadcastIndexer(left.shape, shape);
  const rightIndex = broadcastIndexer(right.shape, shape);
  const values = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    values[index] = (left.data[leftIndex(index)] as number) + (right.data[rightIndex(index)] as number);
  }
  return cast({ dtype: 'int64', shape, data: values }, dtype);
}

/** SparseToDense(sparse_indices, output_shape, sparse_values, default_value). */
function sparseToDense(node: TfNode, inputs: readonly HostTensor[]): HostTensor {
  const [indices, outputShape, sparseValues, defaultValue] = inputs.map(required);
  if (indices === undefined || outputShape === undefined || sparseValues === undefined || defaultValue === undefined) {
    throw node.fail('SparseToDense needs four inputs');
  }
  const shape = Array.from(outputShape.data as ArrayLike<number>);
  const strides = shape.map((_, axis) => elementCount(shape.slice(axis + 1)));
  const count = elementCount(shape);
  const dtype = node.has('T') ? node.dataType('T') : sparseValues.dtype;
  const values = new Float64Array(count).fill(defaultValue.data[0] as number);
  const rank = indices.shape.length === 2 ? (indices.shape[1] as number) : 1;
  const pointCount = indices.shape.length === 0 ? 1 : (indices.shape[0] as number);
  for (let point = 0; point < pointCount; point += 1) {
    let flat = 0;
    for (let axis = 0; axis < rank; axis += 1) flat += (indices.data[point * rank + axis] as number) * (strides[axis] as number);
    if (flat < 0 || flat >= count) throw node.fail(`SparseToDense index ${point} lands outside the output shape [${shape}]`);
    values[flat] = (sparseValues.data[sparseValues.shape.length === 0 ? 0 : point] as number) ?? 0;
  }
  return cast({ dtype: 'int64', shape, data: values }, dtype);
}

/** numpy broadcasting of two shapes; `undefined` when they do not broadcast. */
export function broadcastShapes(left: readonly number[], right: readonly number[]): number[] | undefined {
  const rank = Math.max(left.length, right.length);
  const shape: number[] = [];
  for (let axis = 0; axis < rank; axis += 1) {
    const a = left[left.length - rank + axis] ?? 1;
    const b = right[right.length - rank + axis] ?? 1;
    if (a !== b && a !== 1 && b !== 1) return undefined;
    shape.push(a === 1 ? b : a);
  }
  return shape;
}

/** Maps a flat index of the broadcast output to the flat index of an input of shape `from`. */
function broadcastIndexer(from: readonly number[], to: readonly number[]): (index: number) => number {
  const offset = to.length - from.length;
  const outStrides = to.map((_, axis) => elementCount(to.slice(axis + 1)));
  const inStrides = from.map((_, axis) => elementCount(from.slice(axis + 1)));
  return (index) => {
    let source = 0;
    for (let axis = 0; axis < from.length; axis += 1) {
      const coordinate = Math.floor(index / (outStrides[axis + offset] as number)) % (to[axis + offset] as number);
      source += (from[axis] === 1 ? 0 : coordinate) * (inStrides[axis] as number);
    }
    return source;
  };
}
