import { ModelConversionError } from '../errors.ts';
import { dequantiseFloat16 } from './float16.ts';
import { elementCount, type HostTensor } from './host-tensor.ts';
import type { TfjsWeightEntry, TfjsWeightsGroup } from './tfjs-model-json.ts';

/**
 * Decodes every weight of a TF.js weights manifest into float32 / integer host tensors. `groupBytes[g]` is the
 * concatenation of group g's files in the manifest's order. Quantised weights are dequantised: float16 to float32,
 * uint8/uint16 affine (value = q * scale + min).
 */
export function decodeWeights(manifest: readonly TfjsWeightsGroup[], groupBytes: readonly Uint8Array[]): Map<string, HostTensor> {
  const weights = new Map<string, HostTensor>();
  manifest.forEach((group, groupIndex) => {
    const bytes = groupBytes[groupIndex];
    if (bytes === undefined) throw new ModelConversionError(undefined, undefined, `weights group ${groupIndex} (${group.paths.join(', ')}) has no data`);
    let offset = 0;
    for (const entry of group.weights) {
      const byteLength = storedByteLength(entry);
      if (offset + byteLength > bytes.byteLength) {
        throw new ModelConversionError(entry.name, 'Const', `weights file ${group.paths.join('+')} ends at byte ${bytes.byteLength}, the weight needs bytes ${offset}..${offset + byteLength}`);
      }
      weights.set(entry.name, decodeEntry(entry, bytes.subarray(offset, offset + byteLength)));
      offset += byteLength;
    }
    if (offset !== bytes.byteLength) {
      throw new ModelConversionError(undefined, undefined, `weights group ${group.paths.join('+')} holds ${bytes.byteLength} bytes, the manifest describes ${offset}`);
    }
  });
  return weights;
}

const bytesPerValue: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 };

function storedByteLength(entry: TfjsWeightEntry): number {
  const storedType = entry.quantization?.dtype ?? entry.dtype;
  const size = bytesPerValue[storedType];
  if (size === undefined) throw new ModelConversionError(entry.name, 'Const', `weights of type ${storedType} are not supported (float32, int32, bool, float16, uint8, uint16 are)`);
  return elementCount(entry.shape) * size;
}

function decodeEntry(entry: TfjsWeightEntry, bytes: Uint8Array): HostTensor {
  const count = elementCount(entry.shape);
  const shape = [...entry.shape];
  // copy into an aligned buffer: entries sit at arbitrary offsets of the weights file
  const aligned = new Uint8Array(bytes);
  const quantization = entry.quantization;
  if (quantization !== undefined) {
    if (entry.dtype !== 'float32') throw new ModelConversionError(entry.name, 'Const', `quantised ${entry.dtype} weights are not supported`);
    if (quantization.dtype === 'float16') return { dtype: 'float32', shape, data: dequantiseFloat16(aligned, count) };
    const { scale, min } = quantization;
    if (scale === undefined || min === undefined) throw new ModelConversionError(entry.name, 'Const', `${quantization.dtype} quantisation needs scale and min`);
    const quantised = quantization.dtype === 'uint8' ? aligned : new Uint16Array(aligned.buffer, 0, count);
    const data = new Float32Array(count);
    for (let index = 0; index < count; index += 1) data[index] = (quantised[index] as number) * scale + min;
    return { dtype: 'float32', shape, data };
  }
  switch (entry.dtype) {
    case 'float32':
      return { dtype: 'float32', shape, data: new Float32Array(aligned.buffer, 0, count) };
    case 'int32':
      return { dtype: 'int32', shape, data: Float64Array.from(new Int32Array(aligned.buffer, 0, count)) };
    case 'bool':
      return { dtype: 'bool', shape, data: aligned };
    default:
      throw new ModelConversionError(entry.name, 'Const', `weights of type ${entry.dtype} are not supported`);
  }
}
