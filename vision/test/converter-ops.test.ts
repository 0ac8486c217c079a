import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuSession, ort } from '../src/detect/onnx-session.ts';
import { ModelConversionError } from '../src/errors.ts';
import { convertTfjsGraph } from '../src/model/convert-tfjs-graph.ts';
import { countOps } from '../src/model/onnx-graph.ts';
import { encodeOnnxModel } from '../src/model/onnx-writer.ts';
import { decodeWeights } from '../src/model/tfjs-weights.ts';
import { attr, TfjsGraphBuilder } from './support/tfjs-graph-builder.ts';
import { loadTfjsGraphModel, maxAbsDifference, runTfjs, seededValues } from './support/tfjs-runtime.ts';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'greenwave-converter-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Converts the built graph, runs it in TF.js and onnxruntime on one input, and returns the per-output differences. */
async function compare(built: ReturnType<TfjsGraphBuilder['build']>, inputShape: number[], outputs: string[]) {
  const { graph } = convertTfjsGraph(built.json, decodeWeights(built.json.weightsManifest, [built.bin]));
  const path = join(folder, `model-${Math.random().toString(36).slice(2)}.onnx`);
  await writeFile(path, encodeOnnxModel(graph, { opsetVersion: 13, producerName: 'greenwave-test', producerVersion: '0' }));
  const input = seededValues(inputShape.reduce((a, b) => a * b, 1), 7);
  const session = await createCpuSession(path);
  const onnx = await session.run({ x: new ort.Tensor('float32', input, inputShape) });
  await session.release();
  const reference = await runTfjs(await loadTfjsGraphModel(built.json, built.bin), input, inputShape, outputs);
  return {
    ops: countOps(graph),
    differences: outputs.map((name, index) => ({ name, dims: onnx[name]?.dims, maxAbsDiff: maxAbsDifference(onnx[name]?.data as Float32Array, reference[index] as Float32Array) })),
  };
}

describe('TF.js -> ONNX op translation (parity with TF.js on small graphs)', () => {
  it('convolutions (SAME/EXPLICIT padding, strides, dilations, fused biases), pooling and both resize modes', async () => {
    const graph = new TfjsGraphBuilder();
    const x = graph.placeholder('x', [1, 3, 17, 19]);
    graph.intConst('to_nhwc', [4], [0, 2, 3, 1]);
    graph.op('nhwc', 'Transpose', [x, 'to_nhwc'], { Tperm: attr.type('DT_INT32') });
    graph.floatConst('w1', [3, 3, 3, 8], seededValues(3 * 3 * 3 * 8, 1), true);
    graph.op('conv1', 'Conv2D', ['nhwc', 'w1'], { strides: attr.ints([1, 2, 2, 1]), padding: attr.string('SAME'), data_format: attr.string('NHWC'), dilations: attr.ints([1, 1, 1, 1]) });
    graph.floatConst('b1', [8], seededValues(8, 2));
    graph.op('bias1', 'BiasAdd', ['conv1', 'b1'], { data_format: attr.string('NHWC') });
    graph.op('act1', 'LeakyRelu', ['bias1'], { alpha: attr.float(0.2) });
    graph.floatConst('w2', [3, 3, 8, 6], seededValues(3 * 3 * 8 * 6, 3));
    graph.op('conv2', 'Conv2D', ['act1', 'w2'], {
      strides: attr.ints([1, 1, 1, 1]),
      padding: attr.string('EXPLICIT'),
      explicit_paddings: attr.ints([0, 0, 1, 2, 2, 1, 0, 0]),
      data_format: attr.string('NHWC'),
      dilations: attr.ints([1, 2, 2, 1]),
    });
    graph.floatConst('b2', [6], seededValues(6, 4));
    graph.op('bias2', 'AddV2', ['conv2', 'b2']);
    graph.op('act2', 'Relu', ['bias2']);
    graph.op('pool', 'MaxPool', ['act2'], { ksize: attr.ints([1, 3, 3, 1]), strides: attr.ints([1, 2, 2, 1]), padding: attr.string('SAME'), data_format: attr.string('NHWC') });
    graph.intConst('size_up', [2], [11, 13]);
    graph.op('up', 'ResizeBilinear', ['pool', 'size_up'], { align_corners: attr.bool(true), half_pixel_centers: attr.bool(false) });
    graph.intConst('size_half', [2], [7, 5]);
    graph.op('half', 'ResizeBilinear', ['up', 'size_half'], { align_corners: attr.bool(false), half_pixel_centers: attr.bool(true) });
    graph.intConst('size_plain', [2], [9, 8]);
    graph.op('plain', 'ResizeBilinear', ['half', 'size_plain'], { align_corners: attr.bool(false), half_pixel_centers: attr.bool(false) });
    graph.intConst('to_nchw', [4], [0, 3, 1, 2]);
    graph.op('out', 'Transpose', ['plain', 'to_nchw'], { Tperm: attr.type('DT_INT32') });
    const result = await compare(graph.build([{ name: 'out', shape: [1, 6, 9, 8] }]), [1, 3, 17, 19], ['out']);
    console.table(result.differences);
    expect(result.differences[0]?.dims).toEqual([1, 6, 9, 8]);
    expect(result.differences[0]?.maxAbsDiff).toBeLessThan(1e-4);
    // both biases folded into the convolutions; the layout transposes cancel except around the resizes' NHWC input
    expect(result.ops.Add).toBeUndefined();
    expect(result.ops.Conv).toBe(2);
  });

  it('padding, split, concat, reshape and element-wise ops, with a shape built by SparseToDense + int AddV2', async () => {
    const graph = new TfjsGraphBuilder();
    const x = graph.placeholder('x', [1, 4, 5, 6]);
    graph.intConst('pads', [4, 2], [0, 0, 1, 0, 2, 1, 0, 0]);
    graph.floatConst('pad_value', [], [-0.5]);
    graph.op('padded', 'PadV2', [x, 'pads', 'pad_value'], { Tpaddings: attr.type('DT_INT32') });
    graph.intConst('zero_pads', [4, 2], [0, 0, 0, 0, 1, 1, 1, 1]);
    graph.op('zero_padded', 'Pad', [x, 'zero_pads'], { Tpaddings: attr.type('DT_INT32') });
    graph.intConst('sizes', [2], [1, -1]);
    graph.intConst('split_dim', [], [1]);
    graph.op('parts', 'SplitV', ['padded', 'sizes', 'split_dim'], { num_split: attr.int(2), Tlen: attr.type('DT_INT32') });
    graph.intConst('concat_axis', [], [-3]);
    graph.op('swapped', 'ConcatV2', ['parts:1', 'parts', 'concat_axis'], { N: attr.int(2), Tidx: attr.type('DT_INT32') });
    graph.op('squashed', 'Sigmoid', ['swapped']);
    graph.floatConst('scale', [1, 1, 1, 6], seededValues(6, 9));
    graph.op('scaled', 'Mul', ['squashed', 'scale']);
    graph.op('shifted', 'Sub', ['scaled', 'squashed']);
    // the target shape [1, -1, 6] comes out of SparseToDense (all defaults) + AddV2, as in onnx-tf exports
    graph.intConst('where', [0, 1], []);
    graph.intConst('dense_shape', [1], [3]);
    graph.intConst('no_values', [0], []);
    graph.intConst('zero', [], [0]);
    graph.op('dense', 'SparseToDense', ['where', 'dense_shape', 'no_values', 'zero'], { T: attr.type('DT_INT64'), Tindices: attr.type('DT_INT64') });
    graph.intConst('base_shape', [3], [1, -1, 6]);
    graph.op('target', 'AddV2', ['base_shape', 'dense'], { T: attr.type('DT_INT64') });
    graph.op('flat', 'Reshape', ['shifted', 'target'], { Tshape: attr.type('DT_INT64') });
    graph.op('out', 'Identity', ['flat']);
    graph.op('second', 'Identity', ['zero_padded']);
    const result = await compare(
      graph.build([
        { name: 'out', shape: [1, 40, 6] },
        { name: 'second', shape: [1, 4, 7, 8] },
      ]),
      [1, 4, 5, 6],
      ['out', 'second'],
    );
    console.table(result.differences);
    expect(result.differences.map((difference) => difference.dims)).toEqual([
      [1, 40, 6],
      [1, 4, 7, 8],
    ]);
    for (const difference of result.differences) expect(difference.maxAbsDiff).toBeLessThan(1e-5);
    expect(result.ops.SparseToDense).toBeUndefined();
  });

  it('stops at an op it does not know, naming the op and the node', () => {
    const graph = new TfjsGraphBuilder();
    const x = graph.placeholder('x', [1, 3]);
    graph.intConst('axis', [], [1]);
    graph.op('model/running_total', 'Cumsum', [x, 'axis']);
    graph.op('out', 'Identity', ['model/running_total']);
    const built = graph.build([{ name: 'out', shape: [1, 3] }]);
    const convert = () => convertTfjsGraph(built.json, decodeWeights(built.json.weightsManifest, [built.bin]));
    expect(convert).toThrow(ModelConversionError);
    expect(convert).toThrow(/node "model\/running_total" \(op Cumsum\).*op "Cumsum" is not supported/);
  });

  it('refuses a shape-only op whose inputs are computed at run time', () => {
    const graph = new TfjsGraphBuilder();
    const x = graph.placeholder('x', [2]);
    graph.intConst('indices', [2, 1], [0, 2]);
    graph.intConst('dense_shape', [1], [4]);
    graph.floatConst('zero', [], [0]);
    graph.op('scatter', 'SparseToDense', ['indices', 'dense_shape', x, 'zero'], { Tindices: attr.type('DT_INT32') });
    const built = graph.build([{ name: 'scatter', shape: [4] }]);
    expect(() => convertTfjsGraph(built.json, decodeWeights(built.json.weightsManifest, [built.bin]))).toThrow(
      /node "scatter" \(op SparseToDense\).*converts only when all its inputs are constants/,
    );
  });

  it('says which input is missing a fully known shape', () => {
    const graph = new TfjsGraphBuilder();
    graph.placeholder('x', [-1, 3]);
    graph.op('out', 'Sigmoid', ['x']);
    const built = graph.build([{ name: 'out', shape: [-1, 3] }]);
    const weights = decodeWeights(built.json.weightsManifest, [built.bin]);
    expect(() => convertTfjsGraph(built.json, weights)).toThrow(/input shape \[-1,3\] is not fully known: pass inputShapes\["x"\]/);
    expect(convertTfjsGraph(built.json, weights, { inputShapes: { x: [2, 3] } }).graph.inputs[0]?.shape).toEqual([2, 3]);
  });
});
