import * as ort from 'onnxruntime-node';
import { DetectorError } from '../errors.ts';

export interface SessionOptions {
  /** Threads inside one operator (default 1: on 2-core machines one thread per camera was faster). */
  intraOpNumThreads?: number;
}

/** An onnxruntime CPU session (the only execution provider available here). */
export async function createCpuSession(modelPath: string, options: SessionOptions = {}): Promise<ort.InferenceSession> {
  const threads = options.intraOpNumThreads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new DetectorError('model', `intraOpNumThreads must be a positive integer, got ${threads}`);
  try {
    return await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new DetectorError('model', `cannot load ONNX model ${modelPath}: ${(error as Error).message}`, error);
  }
}

/** The output as float32 data with its dims, or a clear error naming the output. */
export function floatOutput(outputs: ort.InferenceSession.ReturnType, name: string): { data: Float32Array; dims: readonly number[] } {
  const tensor = outputs[name];
  if (tensor === undefined) throw new DetectorError('model', `model has no output "${name}" (outputs: ${Object.keys(outputs).join(', ')})`);
  if (tensor.type !== 'float32') throw new DetectorError('model', `output "${name}" is ${tensor.type}, expected float32`);
  return { data: tensor.data as Float32Array, dims: tensor.dims };
}

export { ort };
