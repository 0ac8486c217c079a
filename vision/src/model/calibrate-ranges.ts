import { ort } from '../detect/onnx-session.ts';
import type { OnnxGraph } from './onnx-graph.ts';
import { encodeOnnxModel } from './onnx-writer.ts';
import type { TensorRange } from './quantise-int8.ts';

/** One model input for calibration: its tensor name, data and dims. */
export interface CalibrationInput {
  name: string;
  data: Float32Array;
  dims: readonly number[];
}

/**
 * Runs the float graph on the calibration inputs with the named activations as extra outputs and returns the
 * smallest and largest value each took (plain min/max: the activations here are convolution outputs and LeakyRelus,
 * without the long tails that call for percentiles).
 */
export async function calibrateRanges(graph: OnnxGraph, tensors: readonly string[], inputs: readonly CalibrationInput[][], opsetVersion: number): Promise<Map<string, TensorRange>> {
  const declared = new Set(graph.outputs.map((output) => output.name));
  const probed: OnnxGraph = {
    ...graph,
    outputs: [...graph.outputs, ...tensors.filter((name) => !declared.has(name)).map((name) => ({ name, elementType: 'float32' as const, shape: ['n', 'c', 'h', 'w'] }))],
  };
  const bytes = encodeOnnxModel(probed, { opsetVersion, producerName: 'greenwave calibration', producerVersion: '1' });
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1, graphOptimizationLevel: 'basic' });
  const ranges = new Map<string, TensorRange>(tensors.map((name) => [name, { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY }]));
  try {
    for (const feeds of inputs) {
      const outputs = await session.run(Object.fromEntries(feeds.map((input) => [input.name, new ort.Tensor('float32', input.data, [...input.dims])])), tensors as string[]);
      for (const name of tensors) {
        const data = outputs[name]?.data as Float32Array | undefined;
        if (data === undefined) throw new Error(`calibration: the model gave no values for ${name}`);
        const range = ranges.get(name) as TensorRange;
        for (let index = 0; index < data.length; index++) {
          const value = data[index] as number;
          if (value < range.min) range.min = value;
          if (value > range.max) range.max = value;
        }
      }
      for (const output of Object.values(outputs)) output.dispose();
    }
  } finally {
    await session.release();
  }
  return ranges;
}
