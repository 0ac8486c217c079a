import { Random } from '../random.ts';
import type { RuntimeNetwork } from './runtime-network.ts';

/** Expected extra time per turn at a signal (s): steers routes to arterials and away from needless lefts. */
const TURN_PENALTY_S = { left: 20, through: 8, right: 4, uturn: 60 } as const;

/**
 * Shortest routes by free-flow time plus turn penalties, as next-hop tables per destination edge (built on first use).
 * With `spread` > 0 each edge's time is perturbed by up to ±spread (seeded), so that several routers give drivers
 * different but sensible routes instead of loading one shortest path.
 */
export class Router {
  private readonly tables = new Map<number, { next: Int32Array; cost: Float64Array }>();
  private readonly predecessors: { edge: number; penalty: number }[][];
  private readonly edgeTime: Float64Array;

  constructor(
    private readonly rt: RuntimeNetwork,
    options: { spread?: number; seed?: number } = {},
  ) {
    this.predecessors = rt.edges.map(() => []);
    this.edgeTime = new Float64Array(rt.edges.length);
    const random = new Random(options.seed ?? 1);
    const spread = options.spread ?? 0;
    for (const edge of rt.edges) {
      this.edgeTime[edge.index] = (edge.lengthM / edge.spec.speedLimitMps) * (1 + spread * (2 * random.next() - 1));
      for (const [toIndex, movement] of edge.outMovements) this.predecessors[toIndex]!.push({ edge: edge.index, penalty: TURN_PENALTY_S[movement.turn] });
    }
  }

  private table(dest: number): { next: Int32Array; cost: Float64Array } {
    let table = this.tables.get(dest);
    if (table) return table;
    const n = this.rt.edges.length;
    const cost = new Float64Array(n).fill(Infinity);
    const next = new Int32Array(n).fill(-1);
    cost[dest] = this.edgeTime[dest]! / 2;
    // binary heap of edge indices keyed by cost (lazy deletion: an edge may sit in it more than once)
    const heap = new Int32Array(n * 4 + 8);
    let size = 0;
    const done = new Uint8Array(n);
    heap[size++] = dest;
    while (size > 0) {
      const e = heap[0]!;
      const last = heap[--size]!;
      if (size > 0) {
        // sift the last element down from the root
        let i = 0;
        const lastCost = cost[last]!;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= size) break;
          const r = l + 1;
          const m = r < size && cost[heap[r]!]! < cost[heap[l]!]! ? r : l;
          if (cost[heap[m]!]! >= lastCost) break;
          heap[i] = heap[m]!;
          i = m;
        }
        heap[i] = last;
      }
      if (done[e]) continue;
      done[e] = 1;
      for (const { edge: p, penalty } of this.predecessors[e]!) {
        const c = cost[e]! + this.edgeTime[p]! + penalty;
        if (c < cost[p]!) {
          cost[p] = c;
          next[p] = e;
          // sift up
          let i = size++;
          while (i > 0) {
            const parent = (i - 1) >> 1;
            if (cost[heap[parent]!]! <= c) break;
            heap[i] = heap[parent]!;
            i = parent;
          }
          heap[i] = p;
        }
      }
    }
    table = { next, cost };
    this.tables.set(dest, table);
    return table;
  }

  /** Edge indices from origin to destination inclusive, or null when unreachable. */
  route(origin: number, dest: number): Int32Array | null {
    if (origin === dest) return null;
    const { next, cost } = this.table(dest);
    if (!Number.isFinite(cost[origin]!)) return null;
    const path: number[] = [origin];
    let e = origin;
    while (e !== dest) {
      e = next[e]!;
      if (e < 0 || path.length > 10_000) return null;
      path.push(e);
    }
    return Int32Array.from(path);
  }
}
