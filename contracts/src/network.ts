import { z } from 'zod';
import { Intersection } from './intersection.ts';

export const roadClasses = ['arterial', 'collector', 'local'] as const;
export const RoadClass = z.enum(roadClasses);
export type RoadClass = z.infer<typeof RoadClass>;

export const NetworkNode = z
  .strictObject({
    id: z.string().min(1),
    kind: z.enum(['signalised', 'boundary']).meta({ description: 'boundary nodes are where traffic enters and leaves the model' }),
    xM: z.number(),
    yM: z.number(),
    name: z.string().optional(),
  })
  .meta({ title: 'NetworkNode' });
export type NetworkNode = z.infer<typeof NetworkNode>;

export const Edge = z
  .strictObject({
    id: z.string().min(1),
    name: z.string().min(1).meta({ description: 'Street name' }),
    from: z.string().min(1),
    to: z.string().min(1),
    lengthM: z.number().min(20).max(20_000),
    lanes: z.number().int().min(1).max(6),
    speedLimitMps: z.number().min(2).max(40),
    roadClass: RoadClass,
    /** Trips may start and end part way along this edge (side streets, shops, homes). */
    zone: z.boolean().default(false),
  })
  .meta({ title: 'Edge', description: 'A directed road link between two nodes' });
export type Edge = z.infer<typeof Edge>;

const NetworkShape = z.strictObject({
  name: z.string().min(1),
  nodes: z.array(NetworkNode).min(2),
  edges: z.array(Edge).min(1),
  intersections: z.array(Intersection),
});

export const Network = NetworkShape.superRefine((net, ctx) => {
  const nodes = new Map(net.nodes.map((n) => [n.id, n]));
  const edges = new Map(net.edges.map((e) => [e.id, e]));
  const seenNodes = new Set<string>();
  net.nodes.forEach((node, i) => {
    if (seenNodes.has(node.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: 'duplicate node id', input: node.id });
    seenNodes.add(node.id);
  });
  const seenEdges = new Set<string>();
  net.edges.forEach((edge, i) => {
    if (seenEdges.has(edge.id)) ctx.addIssue({ code: 'custom', path: ['edges', i, 'id'], message: 'duplicate edge id', input: edge.id });
    seenEdges.add(edge.id);
    for (const end of ['from', 'to'] as const) {
      if (!nodes.has(edge[end])) ctx.addIssue({ code: 'custom', path: ['edges', i, end], message: 'no node with this id', input: edge[end] });
    }
  });
  net.intersections.forEach((x, i) => {
    const node = nodes.get(x.id);
    if (!node || node.kind !== 'signalised') {
      ctx.addIssue({ code: 'custom', path: ['intersections', i, 'id'], message: 'must be the id of a signalised node', input: x.id });
    }
    x.approaches.forEach((approach, a) => {
      if (approach.inboundEdgeId !== null) {
        const edge = edges.get(approach.inboundEdgeId);
        if (!edge) ctx.addIssue({ code: 'custom', path: ['intersections', i, 'approaches', a, 'inboundEdgeId'], message: 'no edge with this id', input: approach.inboundEdgeId });
        else {
          if (edge.to !== x.id) ctx.addIssue({ code: 'custom', path: ['intersections', i, 'approaches', a, 'inboundEdgeId'], message: `edge ends at ${edge.to}, not at this intersection`, input: approach.inboundEdgeId });
          if (edge.lanes !== approach.lanes.length) ctx.addIssue({ code: 'custom', path: ['intersections', i, 'approaches', a, 'lanes'], message: `edge ${edge.id} has ${edge.lanes} lane(s) but the approach lists ${approach.lanes.length}`, input: approach.lanes.length });
        }
      }
      if (approach.outboundEdgeId !== null) {
        const edge = edges.get(approach.outboundEdgeId);
        if (!edge) ctx.addIssue({ code: 'custom', path: ['intersections', i, 'approaches', a, 'outboundEdgeId'], message: 'no edge with this id', input: approach.outboundEdgeId });
        else if (edge.from !== x.id) ctx.addIssue({ code: 'custom', path: ['intersections', i, 'approaches', a, 'outboundEdgeId'], message: `edge starts at ${edge.from}, not at this intersection`, input: approach.outboundEdgeId });
      }
    });
  });
  const signalised = new Set(net.intersections.map((x) => x.id));
  net.nodes.forEach((node, i) => {
    if (node.kind === 'signalised' && !signalised.has(node.id)) {
      ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: 'signalised node has no intersection config', input: node.id });
    }
  });
}).meta({ title: 'Network', description: 'Road network: nodes, directed edges and signalised intersections' });
export type Network = z.infer<typeof Network>;
export type NetworkInput = z.input<typeof Network>;
