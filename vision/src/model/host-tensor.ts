/** A constant tensor held in memory while converting: weights, folded shapes, attribute tensors. */
export type HostDataType = 'float32' | 'int32' | 'int64' | 'bool' | 'int8' | 'uint8';

/**
 * Integers (int32 and int64) are held as doubles, exact up to 2^53: plenty for shapes, indices and paddings, and
 * one array type keeps the constant folding simple.
 */
export type HostTensor =
  | { readonly dtype: 'float32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'int32' | 'int64'; readonly shape: readonly number[]; readonly data: Float64Array }
  | { readonly dtype: 'bool'; readonly shape: readonly number[]; readonly data: Uint8Array }
  // quantised weights and zero points (written by the int8 quantiser, never folded)
  | { readonly dtype: 'int8'; readonly shape: readonly number[]; readonly data: Int8Array }
  | { readonly dtype: 'uint8'; readonly shape: readonly number[]; readonly data: Uint8Array };

export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dimension of shape) count *= dimension;
  return count;
}

export function floatTensor(shape: readonly number[], data: Float32Array): HostTensor {
  return { dtype: 'float32', shape: [...shape], data };
}

export function integerTensor(dtype: 'int32' | 'int64', shape: readonly number[], values: ArrayLike<number>): HostTensor {
  return { dtype, shape: [...shape], data: Float64Array.from(values) };
}

/** The values as plain numbers (for integers and booleans; floats come back as they are). */
export function tensorValues(tensor: HostTensor): number[] {
  return Array.from(tensor.data);
}
