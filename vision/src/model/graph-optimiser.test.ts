import { describe, expect, it } from 'vitest';
import { mergeTransposes, optimiseGraph } from './graph-optimiser.ts';
import type { HostTensor } from './host-tensor.ts';
import type { OnnxGraph, OnnxNode } from './onnx-graph.ts';

function transpose(name: string, input: string, perm: number[]): OnnxNode {
  return { name, opType: 'Transpose', inputs: [input], outputs: [name], attributes: [{ name: 'perm', kind: 'ints', value: perm }] };
}

function graphOf(nodes: OnnxNode[], output: string): OnnxGraph {
  return {
    name: 'test',
    nodes,
    initializers: new Map(),
    inputs: [{ name: 'x', elementType: 'float32', shape: [1, 2, 3, 4] }],
    outputs: [{ name: output, elementType: 'float32', shape: [] }],
  };
}

const relu = (name: string, input: string): OnnxNode => ({ name, opType: 'Relu', inputs: [input], outputs: [name], attributes: [] });

describe('transpose merging', () => {
  it('removes an NCHW->NHWC->NCHW pair and rewires its reader', () => {
    const graph = optimiseGraph(graphOf([transpose('a', 'x', [0, 2, 3, 1]), transpose('b', 'a', [0, 3, 1, 2]), relu('y', 'b')], 'y'));
    expect(graph.nodes.map((node) => node.opType)).toEqual(['Relu']);
    expect(graph.nodes[0]?.inputs).toEqual(['x']);
  });

  it('composes two transposes that do not cancel into one', () => {
    const graph = optimiseGraph(graphOf([transpose('a', 'x', [0, 2, 3, 1]), transpose('b', 'a', [0, 2, 3, 1]), relu('y', 'b')], 'y'));
    expect(graph.nodes.map((node) => node.opType)).toEqual(['Transpose', 'Relu']);
    // x [N,C,H,W] -> a [N,H,W,C] -> b [N,W,C,H]: b[k] = x[[0,2,3,1][[0,2,3,1][k]]] = x[[0,3,1,2][k]]
    expect(graph.nodes[0]).toMatchObject({ inputs: ['x'], attributes: [{ name: 'perm', value: [0, 3, 1, 2] }] });
  });

  it('keeps a graph output name by turning a cancelled transpose into an Identity', () => {
    const graph = mergeTransposes(graphOf([transpose('a', 'x', [1, 0, 2, 3]), transpose('y', 'a', [1, 0, 2, 3])], 'y'));
    expect(graph.nodes.at(-1)).toMatchObject({ opType: 'Identity', inputs: ['x'], outputs: ['y'] });
  });

  it('keeps a transpose that another node also reads', () => {
    const graph = optimiseGraph(
      graphOf(
        [
          transpose('a', 'x', [0, 2, 3, 1]),
          transpose('b', 'a', [0, 3, 1, 2]),
          relu('r', 'a'),
          { name: 'y', opType: 'Add', inputs: ['b', 'r'], outputs: ['y'], attributes: [] },
        ],
        'y',
      ),
    );
    expect(graph.nodes.map((node) => node.opType)).toEqual(['Transpose', 'Relu', 'Add']);
    expect(graph.nodes[2]?.inputs).toEqual(['x', 'r']);
  });
});

describe('pad folding', () => {
  const padsOf = (values: number[]) => ({ dtype: 'int64' as const, shape: [8], data: Float64Array.from(values) });
  const window = (name: string, opType: string, input: string, pads = [0, 0, 0, 0]): OnnxNode => ({
    name,
    opType,
    inputs: opType === 'Conv' ? [input, 'w'] : [input],
    outputs: [name],
    attributes: [{ name: 'pads', kind: 'ints', value: pads }],
  });
  const pad = (name: string, input: string, padsName: string, valueName?: string): OnnxNode => ({
    name,
    opType: 'Pad',
    inputs: valueName === undefined ? [input, padsName] : [input, padsName, valueName],
    outputs: [name],
    attributes: [{ name: 'mode', kind: 'string', value: 'constant' }],
  });

  it('moves a zero spatial pad into the convolution and a -Infinity pad into the max-pool', () => {
    const graph = optimiseGraph({
      ...graphOf([pad('p1', 'x', 'pads1'), window('conv', 'Conv', 'p1', [1, 0, 0, 0]), pad('p2', 'conv', 'pads2', 'minus_infinity'), window('y', 'MaxPool', 'p2')], 'y'),
      initializers: new Map<string, HostTensor>([
        ['pads1', padsOf([0, 0, 1, 2, 0, 0, 3, 4])],
        ['pads2', padsOf([0, 0, 1, 1, 0, 0, 1, 1])],
        ['minus_infinity', { dtype: 'float32', shape: [], data: Float32Array.of(Number.NEGATIVE_INFINITY) }],
        ['w', { dtype: 'float32', shape: [1], data: Float32Array.of(1) }],
      ]),
    });
    expect(graph.nodes.map((node) => node.opType)).toEqual(['Conv', 'MaxPool']);
    expect(graph.nodes[0]).toMatchObject({ inputs: ['x', 'w'], attributes: [{ name: 'pads', value: [2, 2, 3, 4] }] });
    expect(graph.nodes[1]).toMatchObject({ inputs: ['conv'], attributes: [{ name: 'pads', value: [1, 1, 1, 1] }] });
    expect([...graph.initializers.keys()]).toEqual(['w']);
  });

  it('keeps pads that a max-pool would read differently, that pad channels, or that other nodes read', () => {
    const initializers = new Map<string, HostTensor>([
      ['zero_pads', padsOf([0, 0, 1, 1, 0, 0, 1, 1])],
      ['channel_pads', padsOf([0, 1, 0, 0, 0, 0, 0, 0])],
      ['w', { dtype: 'float32' as const, shape: [1], data: Float32Array.of(1) }],
    ]);
    const zeroIntoPool = optimiseGraph({ ...graphOf([pad('p', 'x', 'zero_pads'), window('y', 'MaxPool', 'p')], 'y'), initializers });
    expect(zeroIntoPool.nodes.map((node) => node.opType)).toEqual(['Pad', 'MaxPool']);
    const channels = optimiseGraph({ ...graphOf([pad('p', 'x', 'channel_pads'), window('y', 'Conv', 'p')], 'y'), initializers });
    expect(channels.nodes.map((node) => node.opType)).toEqual(['Pad', 'Conv']);
    const shared = optimiseGraph({
      ...graphOf([pad('p', 'x', 'zero_pads'), window('c', 'Conv', 'p'), relu('r', 'p'), { name: 'y', opType: 'Add', inputs: ['c', 'r'], outputs: ['y'], attributes: [] }], 'y'),
      initializers,
    });
    expect(shared.nodes.map((node) => node.opType)).toEqual(['Pad', 'Conv', 'Relu', 'Add']);
  });
});
