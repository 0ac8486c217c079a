import type { HostTensor } from './host-tensor.ts';
import { removeUnused } from './graph-optimiser.ts';
import type { OnnxGraph, OnnxNode } from './onnx-graph.ts';

/**
 * Static int8 quantisation of a float graph's convolutions in the QDQ form onnxruntime fuses: every activation a
 * convolution reads or writes (and the LeakyRelu after it) passes QuantizeLinear -> DequantizeLinear with a uint8
 * scale from calibration; weights are stored int8 per output channel and biases int32. onnxruntime rewrites
 * DQ -> Conv -> Q into QLinearConv and DQ -> LeakyRelu -> Q into QLinearLeakyRelu, which run on the CPU's integer
 * dot-product units (VNNI) where it has them. Everything else (pooling, resize, concat, the heads' sigmoid) stays float.
 */

/** The smallest and largest value a tensor took over the calibration frames. */
export interface TensorRange {
  min: number;
  max: number;
}

export interface QuantiseOptions {
  /**
   * Weight bits, symmetric per output channel: 7 (±63) keeps the sums of AVX2's u8 x s8 pair instruction (VPMADDUBSW)
   * from saturating on CPUs without VNNI, so one file is right everywhere; 8 (±127) is finer.
   */
  weightBits?: 7 | 8;
}

/**
 * Convolutions to quantise: all with float weights stored in the graph. Measured on NanoDet at 576 x 320 (AVX-512
 * VNNI): the first, 3-channel convolution kept float left the max-pool after it in float NCHW, 8.4 of 20 ms; the
 * heads' 1x1 convolutions kept float cost 2 ms and gave no accuracy back (Núi Thành, 300 s: 112 vs 111 counted of
 * 109, vehicles 24-48 px tall 68.6% vs 67.3% found; float32 74.4%).
 */
function quantisedConvs(graph: OnnxGraph): OnnxNode[] {
  return graph.nodes.filter((node) => node.opType === 'Conv' && graph.initializers.get(node.inputs[1] ?? '')?.dtype === 'float32');
}

function maxPools(graph: OnnxGraph): OnnxNode[] {
  return graph.nodes.filter((node) => node.opType === 'MaxPool' && node.outputs.length === 1);
}

/** The activations whose ranges the quantiser needs (calibrate these), in graph order. */
export function activationsToCalibrate(graph: OnnxGraph): string[] {
  const convs = quantisedConvs(graph);
  const names = new Set<string>();
  for (const conv of convs) {
    names.add(conv.inputs[0] as string);
    names.add(conv.outputs[0] as string);
  }
  // a LeakyRelu between two quantised tensors runs as QLinearLeakyRelu instead of dequantise, float, quantise
  for (const node of graph.nodes) {
    if (node.opType === 'LeakyRelu' && names.has(node.inputs[0] as string)) names.add(node.outputs[0] as string);
  }
  // a max-pool runs on uint8 when both sides are quantised alike (float, onnxruntime's NCHW max-pool took 8.4 of
  // the int8 model's 20 ms)
  for (const node of maxPools(graph)) {
    if (names.has(node.inputs[0] as string) || names.has(node.outputs[0] as string)) {
      names.add(node.inputs[0] as string);
      names.add(node.outputs[0] as string);
    }
  }
  const outputs = new Set(graph.outputs.map((output) => output.name));
  return [...names].filter((name) => !outputs.has(name));
}

/** uint8 scale and zero point covering [min, max] and 0 exactly (zero padding must stay 0). */
export function activationQuantisation(range: TensorRange): { scale: number; zeroPoint: number } {
  const min = Math.min(range.min, 0);
  const max = Math.max(range.max, 0);
  // the scale as stored (float32); a range too narrow for float32 steps (a constant activation) gets step 1
  const scale = max - min > 1e-30 ? Math.fround((max - min) / 255) : 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-min / scale))) };
}

/** Symmetric int8 weights per output channel (axis 0) and their scales. */
export function quantiseWeights(weights: HostTensor, bits: 7 | 8): { values: Int8Array; scales: Float32Array } {
  if (weights.dtype !== 'float32') throw new Error(`int8 quantiser: weights must be float32, got ${weights.dtype}`);
  const channels = weights.shape[0] as number;
  const perChannel = weights.data.length / channels;
  const limit = bits === 7 ? 63 : 127;
  const values = new Int8Array(weights.data.length);
  const scales = new Float32Array(channels);
  for (let channel = 0; channel < channels; channel++) {
    const offset = channel * perChannel;
    let largest = 0;
    for (let index = 0; index < perChannel; index++) largest = Math.max(largest, Math.abs(weights.data[offset + index] as number));
    const scale = largest > 1e-30 ? Math.fround(largest / limit) : 1;
    scales[channel] = scale;
    for (let index = 0; index < perChannel; index++) values[offset + index] = Math.max(-limit, Math.min(limit, Math.round((weights.data[offset + index] as number) / scale)));
  }
  return { values, scales };
}

/** The graph with QDQ pairs around the convolutions' activations and quantised weights and biases. */
export function quantiseConvolutions(graph: OnnxGraph, ranges: ReadonlyMap<string, TensorRange>, options: QuantiseOptions = {}): OnnxGraph {
  const bits = options.weightBits ?? 7;
  const activations = activationsToCalibrate(graph);
  const initializers = new Map(graph.initializers);
  const activation = new Map<string, { scale: number; zeroPoint: number }>();
  for (const name of activations) {
    const range = ranges.get(name);
    if (range === undefined || !Number.isFinite(range.min) || !Number.isFinite(range.max)) throw new Error(`int8 quantiser: no calibrated range for activation ${name}`);
    const q = activationQuantisation(range);
    activation.set(name, q);
    initializers.set(`${name}/scale`, { dtype: 'float32', shape: [], data: Float32Array.of(q.scale) });
    initializers.set(`${name}/zero_point`, { dtype: 'uint8', shape: [], data: Uint8Array.of(q.zeroPoint) });
  }
  // a max-pool's output keeps its input's scale: onnxruntime then drops the pair around it and pools uint8
  for (const node of maxPools(graph)) {
    const input = activation.get(node.inputs[0] as string);
    if (input !== undefined && activation.has(node.outputs[0] as string)) {
      activation.set(node.outputs[0] as string, input);
      initializers.set(`${node.outputs[0]}/scale`, { dtype: 'float32', shape: [], data: Float32Array.of(input.scale) });
      initializers.set(`${node.outputs[0]}/zero_point`, { dtype: 'uint8', shape: [], data: Uint8Array.of(input.zeroPoint) });
    }
  }
  const qdq = (name: string): OnnxNode[] => [
    { name: `${name}/quantise`, opType: 'QuantizeLinear', inputs: [name, `${name}/scale`, `${name}/zero_point`], outputs: [`${name}/q`], attributes: [] },
    { name: `${name}/dequantise`, opType: 'DequantizeLinear', inputs: [`${name}/q`, `${name}/scale`, `${name}/zero_point`], outputs: [`${name}/dq`], attributes: [] },
  ];
  const read = (name: string) => (activation.has(name) ? `${name}/dq` : name);

  const convs = new Set(quantisedConvs(graph));
  const nodes: OnnxNode[] = [];
  for (const input of graph.inputs) if (activation.has(input.name)) nodes.push(...qdq(input.name));
  for (const node of graph.nodes) {
    let inputs = node.inputs.map(read);
    if (convs.has(node)) inputs = [inputs[0] as string, ...quantiseConvParameters(node, initializers, activation, bits, nodes)];
    nodes.push({ ...node, inputs });
    for (const output of node.outputs) if (activation.has(output)) nodes.push(...qdq(output));
  }
  // the float weights and biases nothing reads any more
  return removeUnused({ ...graph, nodes, initializers });
}

/** Adds the weight (and bias) DequantizeLinear nodes of one convolution; returns its new weight and bias inputs. */
function quantiseConvParameters(
  conv: OnnxNode,
  initializers: Map<string, HostTensor>,
  activation: ReadonlyMap<string, { scale: number; zeroPoint: number }>,
  bits: 7 | 8,
  nodes: OnnxNode[],
): string[] {
  const weightName = conv.inputs[1] as string;
  const weights = initializers.get(weightName) as HostTensor;
  const channels = weights.shape[0] as number;
  const { values, scales } = quantiseWeights(weights, bits);
  const axis = [{ name: 'axis', kind: 'int' as const, value: 0 }];
  initializers.set(`${weightName}/q`, { dtype: 'int8', shape: weights.shape, data: values });
  initializers.set(`${weightName}/scale`, { dtype: 'float32', shape: [channels], data: scales });
  initializers.set(`${weightName}/zero_point`, { dtype: 'int8', shape: [channels], data: new Int8Array(channels) });
  nodes.push({ name: `${weightName}/dequantise`, opType: 'DequantizeLinear', inputs: [`${weightName}/q`, `${weightName}/scale`, `${weightName}/zero_point`], outputs: [`${weightName}/dq`], attributes: axis });
  const biasName = conv.inputs[2];
  const bias = biasName === undefined || biasName === '' ? undefined : initializers.get(biasName);
  if (biasName === undefined || bias === undefined || bias.dtype !== 'float32') return [`${weightName}/dq`, ...conv.inputs.slice(2)];
  // int32 bias on the accumulator's scale (input scale x weight scale), as QLinearConv adds it
  const inputScale = (activation.get(conv.inputs[0] as string) as { scale: number }).scale;
  const biasScales = Float32Array.from(scales, (scale) => scale * inputScale);
  initializers.set(`${biasName}/q`, { dtype: 'int32', shape: [channels], data: Float64Array.from(bias.data, (value, channel) => Math.round(value / (biasScales[channel] as number))) });
  initializers.set(`${biasName}/scale`, { dtype: 'float32', shape: [channels], data: biasScales });
  initializers.set(`${biasName}/zero_point`, { dtype: 'int32', shape: [channels], data: new Float64Array(channels) });
  nodes.push({ name: `${biasName}/dequantise`, opType: 'DequantizeLinear', inputs: [`${biasName}/q`, `${biasName}/scale`, `${biasName}/zero_point`], outputs: [`${biasName}/dq`], attributes: axis });
  return [`${weightName}/dq`, `${biasName}/dq`];
}
