import { attribute, type ConversionContext, type OpTranslator, type TensorValue } from './conversion-context.ts';
import { elementCount, type HostTensor } from './host-tensor.ts';
import type { TfNode } from './tf-node.ts';

/**
 * Convolution, pooling, padding and resizing. TF runs Conv2D, MaxPool and ResizeBilinear on NHWC tensors, ONNX on
 * NCHW: each NHWC op is wrapped in a Transpose pair, which the optimiser cancels against the Transposes the graph
 * already has around it.
 */

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

interface Layout {
  format: 'NHWC' | 'NCHW';
  channelAxis: number;
  heightAxis: number;
  widthAxis: number;
}

function layoutOf(node: TfNode): Layout {
  const format = node.string('data_format', 'NHWC');
  if (format === 'NHWC') return { format, channelAxis: 3, heightAxis: 1, widthAxis: 2 };
  if (format === 'NCHW') return { format, channelAxis: 1, heightAxis: 2, widthAxis: 3 };
  throw node.fail(`data_format ${format} is not supported (NHWC or NCHW)`);
}

function permute(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((axis) => shape[axis] as number);
}

function transpose(context: ConversionContext, input: TensorValue, perm: number[], name: string): TensorValue {
  const [output] = context.emit('Transpose', [input.name], [attribute.ints('perm', perm)], [{ name, dtype: input.dtype, shape: permute(input.shape, perm) }]);
  return output as TensorValue;
}

interface NchwWrap {
  layout: Layout;
  input: TensorValue;
  /** Name of the result in the node's own layout. */
  outputName: string;
}

/** Runs `body` on the NCHW form of a 4-D input and gives the result back in the node's own layout. */
function inNchw(context: ConversionContext, { layout, input, outputName }: NchwWrap, body: (nchw: TensorValue, nchwOutputName: string) => TensorValue): TensorValue {
  if (layout.format === 'NCHW') return body(input, outputName);
  const nchw = transpose(context, input, NHWC_TO_NCHW, `${outputName}/to_nchw`);
  const result = body(nchw, `${outputName}/nchw`);
  return transpose(context, result, NCHW_TO_NHWC, outputName);
}

function requireRank4(node: TfNode, value: TensorValue): void {
  if (value.shape.length !== 4) throw node.fail(`expects a 4-D input, got shape [${value.shape}]`);
}

export interface SpatialPadding {
  /** ONNX order: [top, left, bottom, right]. */
  pads: [number, number, number, number];
  outputSize: [number, number];
}

export interface SpatialWindow {
  /** VALID, SAME or EXPLICIT. */
  padding: string;
  /** [height, width] of the input. */
  inputSize: readonly [number, number];
  kernel: readonly [number, number];
  strides: readonly [number, number];
  dilations: readonly [number, number];
  /** [[top, bottom], [left, right]] for EXPLICIT padding. */
  explicitPairs: readonly [[number, number], [number, number]] | undefined;
}

/** TF's VALID / SAME / EXPLICIT padding as explicit ONNX pads plus the output size. */
export function spatialPadding(node: TfNode, { padding, inputSize, kernel, strides, dilations, explicitPairs }: SpatialWindow): SpatialPadding {
  const before: number[] = [];
  const after: number[] = [];
  const output: number[] = [];
  for (let axis = 0; axis < 2; axis += 1) {
    const size = inputSize[axis] as number;
    const stride = strides[axis] as number;
    const extent = ((kernel[axis] as number) - 1) * (dilations[axis] as number) + 1;
    if (padding === 'VALID') {
      before.push(0);
      after.push(0);
      output.push(Math.floor((size - extent) / stride) + 1);
    } else if (padding === 'SAME') {
      const out = Math.ceil(size / stride);
      const total = Math.max((out - 1) * stride + extent - size, 0);
      before.push(Math.floor(total / 2));
      after.push(total - Math.floor(total / 2));
      output.push(out);
    } else if (padding === 'EXPLICIT') {
      const pair = explicitPairs?.[axis];
      if (pair === undefined) throw node.fail('EXPLICIT padding without explicit_paddings');
      before.push(pair[0]);
      after.push(pair[1]);
      output.push(Math.floor((size + pair[0] + pair[1] - extent) / stride) + 1);
    } else {
      throw node.fail(`padding ${padding} is not supported (VALID, SAME, EXPLICIT)`);
    }
  }
  if (output.some((size) => size < 1)) throw node.fail(`output would be empty (input ${inputSize}, kernel ${kernel}, padding ${padding})`);
  return { pads: [before[0], before[1], after[0], after[1]] as [number, number, number, number], outputSize: output as [number, number] };
}

/** H and W entries of a 4-entry TF list (strides, dilations, ksize) in the node's layout. */
function spatialPair(node: TfNode, name: string, layout: Layout, fallback?: number[]): [number, number] {
  const list = node.ints(name, fallback);
  if (list.length !== 4) throw node.fail(`attribute ${name} should have 4 entries, it has [${list}]`);
  return [list[layout.heightAxis] as number, list[layout.widthAxis] as number];
}

function explicitPaddings(node: TfNode, layout: Layout): [[number, number], [number, number]] | undefined {
  const list = node.ints('explicit_paddings', []);
  if (list.length === 0) return undefined;
  if (list.length !== 8) throw node.fail(`explicit_paddings should have 8 entries, it has ${list.length}`);
  const pair = (axis: number): [number, number] => [list[2 * axis] as number, list[2 * axis + 1] as number];
  return [pair(layout.heightAxis), pair(layout.widthAxis)];
}

/** HWIO (TF) filter to OIHW (ONNX). */
export function hwioToOihw(filter: HostTensor): HostTensor {
  const [height, width, inputs, outputs] = filter.shape as [number, number, number, number];
  const source = filter.data as Float32Array;
  const target = new Float32Array(source.length);
  for (let h = 0; h < height; h += 1) {
    for (let w = 0; w < width; w += 1) {
      for (let i = 0; i < inputs; i += 1) {
        for (let o = 0; o < outputs; o += 1) {
          target[((o * inputs + i) * height + h) * width + w] = source[((h * width + w) * inputs + i) * outputs + o] as number;
        }
      }
    }
  }
  return { dtype: 'float32', shape: [outputs, inputs, height, width], data: target };
}

const biasOps = new Set(['Add', 'AddV2', 'BiasAdd']);

/**
 * A bias added right after a convolution (the only reader of the conv output, adding a constant that varies only
 * along the channel axis) is folded into the ONNX Conv's B input.
 */
function findBias(node: TfNode, context: ConversionContext, layout: Layout, channels: number): { reader: TfNode; bias: HostTensor } | undefined {
  const readers = context.consumers(node.name);
  const reader = readers[0];
  if (readers.length !== 1 || reader === undefined || !biasOps.has(reader.op) || reader.inputs.length !== 2) return undefined;
  const convIndex = reader.inputs.findIndex((ref) => ref.node === node.name && ref.output === 0);
  const otherRef = reader.inputs[1 - convIndex];
  if (convIndex < 0 || otherRef === undefined || otherRef.node === node.name) return undefined;
  if (reader.op === 'BiasAdd' && (convIndex !== 0 || reader.string('data_format', 'NHWC') !== layout.format)) return undefined;
  const bias = context.constantOf(otherRef);
  if (bias === undefined || bias.dtype !== 'float32' || elementCount(bias.shape) !== channels || bias.shape.length > 4) return undefined;
  if (reader.op !== 'BiasAdd') {
    const aligned = [...Array<number>(4 - bias.shape.length).fill(1), ...bias.shape];
    const channelOnly = aligned.every((size, axis) => (axis === layout.channelAxis ? size === channels : size === 1));
    if (!channelOnly) return undefined;
  }
  return { reader, bias: { dtype: 'float32', shape: [channels], data: bias.data as Float32Array } };
}

const conv2d: OpTranslator = (node, context) => {
  const layout = layoutOf(node);
  const input = context.tensor(node, 0);
  requireRank4(node, input);
  const filter = context.constant(node, 1, 'the filter');
  if (filter.dtype !== 'float32' || filter.shape.length !== 4) throw node.fail(`filter must be a 4-D float tensor, got ${filter.dtype} [${filter.shape}]`);
  const [kernelHeight, kernelWidth, inputsPerGroup, outputChannels] = filter.shape as [number, number, number, number];
  const inputChannels = input.shape[layout.channelAxis] as number;
  if (inputChannels % inputsPerGroup !== 0) throw node.fail(`input has ${inputChannels} channels, the filter expects a multiple of ${inputsPerGroup}`);
  const group = inputChannels / inputsPerGroup;
  if (outputChannels % group !== 0) throw node.fail(`${outputChannels} output channels do not split into ${group} groups`);
  const strides = spatialPair(node, 'strides', layout);
  const dilations = spatialPair(node, 'dilations', layout, [1, 1, 1, 1]);
  const inputSize: [number, number] = [input.shape[layout.heightAxis] as number, input.shape[layout.widthAxis] as number];
  const { pads, outputSize } = spatialPadding(node, {
    padding: node.string('padding'),
    inputSize,
    kernel: [kernelHeight, kernelWidth],
    strides,
    dilations,
    explicitPairs: explicitPaddings(node, layout),
  });

  const fused = findBias(node, context, layout, outputChannels);
  const outputName = fused?.reader.name ?? node.name;
  const weights = context.initializer(hwioToOihw(filter), `${node.name}/weights_oihw`);
  const biasName = fused === undefined ? undefined : context.initializer(fused.bias, `${fused.reader.name}/bias`);
  const result = inNchw(context, { layout, input, outputName }, (nchw, name) => {
    const [output] = context.emit(
      'Conv',
      biasName === undefined ? [nchw.name, weights] : [nchw.name, weights, biasName],
      [
        attribute.ints('kernel_shape', [kernelHeight, kernelWidth]),
        attribute.ints('strides', strides),
        attribute.ints('dilations', dilations),
        attribute.ints('pads', pads),
        attribute.int('group', group),
      ],
      [{ name, dtype: 'float32', shape: [nchw.shape[0] as number, outputChannels, ...outputSize] }],
    );
    return output as TensorValue;
  });
  if (fused !== undefined) context.setOutputs(fused.reader, [result]);
  return [result];
};

const maxPool: OpTranslator = (node, context) => {
  const layout = layoutOf(node);
  const input = context.tensor(node, 0);
  requireRank4(node, input);
  const kernel = spatialPair(node, 'ksize', layout);
  const strides = spatialPair(node, 'strides', layout);
  const inputSize: [number, number] = [input.shape[layout.heightAxis] as number, input.shape[layout.widthAxis] as number];
  const { pads, outputSize } = spatialPadding(node, { padding: node.string('padding'), inputSize, kernel, strides, dilations: [1, 1], explicitPairs: explicitPaddings(node, layout) });
  return [
    inNchw(context, { layout, input, outputName: node.name }, (nchw, name) => {
      const [output] = context.emit(
        'MaxPool',
        [nchw.name],
        [attribute.ints('kernel_shape', kernel), attribute.ints('strides', strides), attribute.ints('pads', pads)],
        [{ name, dtype: input.dtype, shape: [nchw.shape[0] as number, nchw.shape[1] as number, ...outputSize] }],
      );
      return output as TensorValue;
    }),
  ];
};

/** Pad and PadV2 (constant mode); the paddings are a constant [rank, 2] tensor. */
const pad: OpTranslator = (node, context) => {
  const input = context.tensor(node, 0);
  const paddings = context.constant(node, 1, 'paddings');
  const rank = input.shape.length;
  if (paddings.shape.length !== 2 || paddings.shape[0] !== rank || paddings.shape[1] !== 2) {
    throw node.fail(`paddings must have shape [${rank}, 2], got [${paddings.shape}]`);
  }
  const values = Array.from(paddings.data as ArrayLike<number>);
  const befores = values.filter((_, index) => index % 2 === 0);
  const afters = values.filter((_, index) => index % 2 === 1);
  const padsName = context.initializer({ dtype: 'int64', shape: [2 * rank], data: Float64Array.from([...befores, ...afters]) }, `${node.name}/pads`);
  const inputs = [input.name, padsName];
  if (node.op === 'PadV2') {
    const fill = context.constant(node, 2, 'constant_values');
    inputs.push(context.initializer({ dtype: 'float32', shape: [], data: Float32Array.of(fill.data[0] as number) }, `${node.name}/value`));
  }
  const shape = input.shape.map((size, axis) => size + (befores[axis] as number) + (afters[axis] as number));
  return context.emit('Pad', inputs, [attribute.string('mode', 'constant')], [{ name: node.name, dtype: input.dtype, shape }]);
};

/** ResizeBilinear (NHWC) to ONNX Resize, linear mode, with the coordinate mapping TF used. */
const resizeBilinear: OpTranslator = (node, context) => {
  const input = context.tensor(node, 0);
  requireRank4(node, input);
  const declared = Array.from(context.constant(node, 1, 'the output size').data as ArrayLike<number>);
  if (declared.length !== 2) throw node.fail(`size must hold [height, width], got [${declared}]`);
  const size = declared.map((s, axis) => s * context.resizeScale[axis]!);
  if (!size.every((s) => Number.isInteger(s) && s >= 1)) throw node.fail(`output size [${declared}] scaled by [${context.resizeScale}] is [${size}], not whole`);
  const alignCorners = node.bool('align_corners', false);
  const halfPixel = node.bool('half_pixel_centers', false);
  if (alignCorners && halfPixel) throw node.fail('align_corners and half_pixel_centers cannot both be set');
  const mode = alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric';
  const layout: Layout = { format: 'NHWC', channelAxis: 3, heightAxis: 1, widthAxis: 2 };
  return [
    inNchw(context, { layout, input, outputName: node.name }, (nchw, name) => {
      const sizes: number[] = [nchw.shape[0] as number, nchw.shape[1] as number, size[0] as number, size[1] as number];
      const sizesName = context.initializer({ dtype: 'int64', shape: [4], data: Float64Array.from(sizes) }, `${node.name}/sizes`);
      const [output] = context.emit(
        'Resize',
        [nchw.name, '', '', sizesName],
        [attribute.string('mode', 'linear'), attribute.string('coordinate_transformation_mode', mode)],
        [{ name, dtype: input.dtype, shape: sizes }],
      );
      return output as TensorValue;
    }),
  ];
};

export const spatialTranslators: Record<string, OpTranslator> = {
  Conv2D: conv2d,
  MaxPool: maxPool,
  Pad: pad,
  PadV2: pad,
  ResizeBilinear: resizeBilinear,
};

