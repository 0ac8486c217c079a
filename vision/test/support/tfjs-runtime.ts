import * as tf from '@tensorflow/tfjs';
import type { TfjsModelJson } from '../../src/model/tfjs-model-json.ts';

/** TF.js on its pure-JavaScript CPU backend: the reference the converted ONNX models are compared with. */
export async function loadTfjsGraphModel(json: TfjsModelJson, weightBytes: Uint8Array): Promise<tf.GraphModel> {
  await tf.setBackend('cpu');
  const weightData = weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.byteLength) as ArrayBuffer;
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights) as tf.io.WeightsManifestEntry[];
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs,
      weightData,
      format: json.format ?? 'graph-model',
      ...(json.signature === undefined ? {} : { signature: json.signature }),
    }),
  );
}

/** Runs the model on one float32 input and returns the named outputs' data. */
export async function runTfjs(model: tf.GraphModel, input: Float32Array, shape: number[], outputs: string[]): Promise<Float32Array[]> {
  const tensor = tf.tensor(input, shape, 'float32');
  try {
    const result = await model.executeAsync(tensor, outputs);
    const list = Array.isArray(result) ? result : [result];
    const data = list.map((output) => output.dataSync() as Float32Array);
    tf.dispose(list);
    return data;
  } finally {
    tensor.dispose();
  }
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let maximum = 0;
  for (let index = 0; index < a.length; index += 1) maximum = Math.max(maximum, Math.abs((a[index] as number) - (b[index] as number)));
  return maximum;
}

/** Deterministic pseudo-random values in [-1, 1). */
export function seededValues(count: number, seed: number): Float32Array {
  const values = new Float32Array(count);
  let state = seed >>> 0;
  for (let index = 0; index < count; index += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[index] = state / 2 ** 31 - 1;
  }
  return values;
}
