import type { RuntimeNetwork } from './runtime-network.ts';

/** Expected extra time per turn at a signal (s): steers routes to arterials and away from needless lefts. */
const TURN_PENALTY_S = { left: 20, through: 8, right: 4, uturn: 60 } as const;

/**
 * Shortest routes by free-flow time plus turn penalties, as next-hop tables per destination edge (built on first use).
 */
export class Router {
  private readonly tables = new Map<number, { next: Int32Array; cost: Float64Array }>();
  private readonly predecessors: { edge: number; penalty: number }[][];
  private readonly edgeTime: Float64Array;

  constructor(private readonly rt: RuntimeNetwork) {
    this.predecessors = rt.edges.map(() => []);
    this.edgeTime = new Float64Array(rt.edges.length);
    for (const edge of rt.edges) {
      this.edgeTime[edge.index] = edge.lengthM / edge.spec.speedLimitMps;
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
    // binary heap of edge indices keyed by cost
    const heap: number[] = [dest];
    const push = (e: number) => {
      heap.push(e);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (cost[heap[parent]!]! <= cost[heap[i]!]!) break;
        [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
        i = parent;
      }
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && cost[heap[l]!]! < cost[heap[m]!]!) m = l;
          if (r < heap.length && cost[heap[r]!]! < cost[heap[m]!]!) m = r;
          if (m === i) break;
          [heap[m], heap[i]] = [heap[i]!, heap[m]!];
          i = m;
        }
      }
      return top;
    };
    const done = new Uint8Array(n);
    while (heap.length > 0) {
      const e = pop();
      if (done[e]) continue;
      done[e] = 1;
      for (const { edge: p, penalty } of this.predecessors[e]!) {
        const c = cost[e]! + this.edgeTime[p]! + penalty;
        if (c < cost[p]!) {
          cost[p] = c;
          next[p] = e;
          push(p);
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
