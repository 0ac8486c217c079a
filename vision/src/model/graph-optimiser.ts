import { intsAttribute, type OnnxGraph, type OnnxNode } from './onnx-graph.ts';

/**
 * Clean-ups after translation: merge chains of Transposes (removing pairs that cancel, which the NHWC wrapping
 * leaves next to the graph's own layout Transposes), then drop nodes and initializers nothing reads.
 */
export function optimiseGraph(graph: OnnxGraph): OnnxGraph {
  // dead Transposes left by the merge still read the Pads: drop them before folding
  return removeUnused(foldPadsIntoWindows(removeUnused(mergeTransposes(graph))));
}

/**
 * A constant spatial Pad read only by convolutions (padding with 0) or max-pools (padding with -Infinity, which a
 * max-pool's own padding means) becomes those nodes' `pads`: onnx-tf exports pad explicitly before every VALID op.
 */
export function foldPadsIntoWindows(graph: OnnxGraph): OnnxGraph {
  const readers = new Map<string, OnnxNode[]>();
  for (const node of graph.nodes) for (const input of node.inputs) readers.set(input, [...(readers.get(input) ?? []), node]);
  const outputNames = new Set(graph.outputs.map((output) => output.name));
  const folded = new Set<OnnxNode>();
  const replaced = new Map<OnnxNode, OnnxNode>();
  for (const pad of graph.nodes) {
    if (pad.opType !== 'Pad') continue;
    const output = pad.outputs[0] as string;
    const consumers = readers.get(output) ?? [];
    const spatial = spatialPads(graph, pad);
    const fill = padFill(graph, pad);
    if (spatial === undefined || fill === undefined || consumers.length === 0 || outputNames.has(output)) continue;
    const fits = (node: OnnxNode) => node.inputs[0] === output && ((node.opType === 'Conv' && fill === 0) || (node.opType === 'MaxPool' && fill === Number.NEGATIVE_INFINITY));
    if (!consumers.every(fits)) continue;
    for (const consumer of consumers) {
      const current = replaced.get(consumer) ?? consumer;
      const pads = intsAttribute(current, 'pads') ?? [0, 0, 0, 0];
      replaced.set(consumer, {
        ...current,
        inputs: [pad.inputs[0] as string, ...current.inputs.slice(1)],
        attributes: [...current.attributes.filter((attribute) => attribute.name !== 'pads'), { name: 'pads', kind: 'ints', value: pads.map((value, index) => value + (spatial[index] as number)) }],
      });
    }
    folded.add(pad);
  }
  return { ...graph, nodes: graph.nodes.filter((node) => !folded.has(node)).map((node) => replaced.get(node) ?? node) };
}

/** [top, left, bottom, right] of a constant-mode 4-D Pad that leaves N and C alone; undefined otherwise. */
function spatialPads(graph: OnnxGraph, pad: OnnxNode): number[] | undefined {
  const mode = pad.attributes.find((attribute) => attribute.name === 'mode');
  if (mode !== undefined && !(mode.kind === 'string' && mode.value === 'constant')) return undefined;
  const pads = graph.initializers.get(pad.inputs[1] ?? '');
  if (pads === undefined || pads.shape.length !== 1 || pads.shape[0] !== 8) return undefined;
  const [n0, c0, top, left, n1, c1, bottom, right] = Array.from(pads.data as ArrayLike<number>);
  if (n0 !== 0 || c0 !== 0 || n1 !== 0 || c1 !== 0) return undefined;
  const spatial = [top, left, bottom, right] as number[];
  return spatial.every((value) => value >= 0) ? spatial : undefined;
}

function padFill(graph: OnnxGraph, pad: OnnxNode): number | undefined {
  const name = pad.inputs[2];
  if (name === undefined || name === '') return 0;
  const value = graph.initializers.get(name);
  return value === undefined || value.data.length !== 1 ? undefined : (value.data[0] as number);
}

export function mergeTransposes(graph: OnnxGraph): OnnxGraph {
  const outputNames = new Set(graph.outputs.map((output) => output.name));
  const renamed = new Map<string, string>();
  const producers = new Map<string, OnnxNode>();
  const nodes: OnnxNode[] = [];
  for (const original of graph.nodes) {
    const node: OnnxNode = { ...original, inputs: original.inputs.map((name) => renamed.get(name) ?? name) };
    const producer = node.opType === 'Transpose' ? producers.get(node.inputs[0] ?? '') : undefined;
    const outer = intsAttribute(node, 'perm');
    const inner = producer?.opType === 'Transpose' ? intsAttribute(producer, 'perm') : undefined;
    if (producer !== undefined && outer !== undefined && inner !== undefined && outer.length === inner.length) {
      // Transpose(inner) then Transpose(outer) is Transpose(perm[k] = inner[outer[k]]) of the first input
      const composed = outer.map((axis) => inner[axis] as number);
      const source = producer.inputs[0] as string;
      const output = node.outputs[0] as string;
      if (composed.every((axis, index) => axis === index)) {
        if (outputNames.has(output)) {
          nodes.push({ name: node.name, opType: 'Identity', inputs: [source], outputs: [output], attributes: [] });
        } else {
          renamed.set(output, source);
        }
        continue;
      }
      node.inputs = [source];
      node.attributes = node.attributes.map((attribute) => (attribute.name === 'perm' ? { name: 'perm', kind: 'ints', value: composed } : attribute));
    }
    for (const output of node.outputs) producers.set(output, node);
    nodes.push(node);
  }
  return { ...graph, nodes };
}

export function removeUnused(graph: OnnxGraph): OnnxGraph {
  const needed = new Set(graph.outputs.map((output) => output.name));
  const kept: OnnxNode[] = [];
  for (let index = graph.nodes.length - 1; index >= 0; index -= 1) {
    const node = graph.nodes[index] as OnnxNode;
    if (!node.outputs.some((output) => needed.has(output))) continue;
    kept.push(node);
    for (const input of node.inputs) if (input !== '') needed.add(input);
  }
  const initializers = new Map([...graph.initializers].filter(([name]) => needed.has(name)));
  return { ...graph, nodes: kept.reverse(), initializers };
}
