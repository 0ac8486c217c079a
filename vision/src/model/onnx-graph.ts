import type { HostDataType, HostTensor } from './host-tensor.ts';

/** In-memory ONNX graph the converter builds, optimises and then serialises. */

export type OnnxAttribute =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'ints'; value: number[] }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'floats'; value: number[] }
  | { name: string; kind: 'string'; value: string };

export interface OnnxNode {
  name: string;
  opType: string;
  /** Input tensor names; '' for an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  elementType: HostDataType;
  /** Dimensions; a string names a symbolic (free) dimension. */
  shape: Array<number | string>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: Map<string, HostTensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export function attributeOf(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((attribute) => attribute.name === name);
}

export function intsAttribute(node: OnnxNode, name: string): number[] | undefined {
  const attribute = attributeOf(node, name);
  return attribute?.kind === 'ints' ? attribute.value : undefined;
}

/** How many nodes of each op type the graph holds, for reports and tests. */
export function countOps(graph: OnnxGraph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of graph.nodes) counts[node.opType] = (counts[node.opType] ?? 0) + 1;
  return counts;
}
