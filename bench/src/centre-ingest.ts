import type WebSocket from 'ws';
import { connectAgent, laneSnapshots, measurementJson, startBenchCentre } from './centre-fixture.ts';

export interface CentreIngestRun {
  agents: number;
  messages: number;
  /** Wall seconds from the first message sent to the last one acknowledged. */
  wallS: number;
  /** Messages stored (acknowledged) per wall second over the whole backlog. */
  ratePerS: number;
  /** Per message: sent -> first acknowledgement that covers it (ms). */
  ackLatencyMs: number[];
  /** Stored per second while the backlog drained (progress). */
  perSecond: number[];
  batches: number;
  /** Wall ms of each group commit (the centre's latest 1000). */
  commitMs: number[];
  duplicates: number;
  /** Out-of-order or overloaded answers that made an agent resend (0 expected). */
  resends: number;
  meanBytes: number;
}

export interface CentreIngestOptions {
  /** Messages in each agent's replay backlog. */
  backlog?: number;
  /** Unacknowledged messages on the wire per agent, like the real agent's `maxInFlight`. */
  window?: number;
  onProgress?: (stored: number, total: number) => void;
}

/**
 * A real centre on a temporary SQLite file with the 200 intersections of danang; one raw WebSocket agent per
 * intersection (registered with a token) replays a backlog of measurements (real per-lane twin readings, one per
 * second of the past) with an in-flight window like the real agent's; every message must be stored and acknowledged
 * (group commit). Measures the stored rate over the whole backlog and the per-message acknowledgement latency.
 */
export async function centreIngest(options: CentreIngestOptions = {}): Promise<CentreIngestRun> {
  const backlog = options.backlog ?? 300;
  const window = options.window ?? 200;
  const bench = await startBenchCentre('danang');
  const { centre, credentials } = bench;
  const snapshots = laneSnapshots(bench.scenario, bench.network);
  const clients: WebSocket[] = [];
  try {
    const connected = await Promise.all(credentials.map((c) => connectAgent(centre.url, c)));
    for (const c of connected) {
      clients.push(c.ws);
      if (c.lastStoredSeq !== 0) throw new Error(`a fresh centre should have stored nothing, got lastStoredSeq ${c.lastStoredSeq}`);
    }
    const total = connected.length * backlog;
    const ackLatencyMs: number[] = [];
    let resends = 0;
    let bytes = 0;
    let finished = 0;
    const firstTimeMs = Date.now() - backlog * 1000 - 60_000;
    (globalThis as { gc?: () => void }).gc?.();
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const started = performance.now();
    connected.forEach(({ ws }, i) => {
      const lanes = snapshots[i]!;
      const sentAt = new Float64Array(backlog + 1);
      let acked = 0;
      let sentUpTo = 0;
      let pausedUntil = 0;
      const pump = () => {
        if (ws.readyState !== ws.OPEN || performance.now() < pausedUntil) return;
        while (sentUpTo < backlog && sentUpTo - acked < window && ws.bufferedAmount < 1024 * 1024) {
          const seq = ++sentUpTo;
          const text = measurementJson(seq, firstTimeMs + seq * 1000, lanes[seq % lanes.length]!);
          bytes += text.length;
          sentAt[seq] = performance.now();
          ws.send(text);
        }
      };
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { type: string; seq?: number; code?: string };
        if (message.type === 'ack' && message.seq! > acked) {
          const now = performance.now();
          for (let s = acked + 1; s <= message.seq!; s++) ackLatencyMs.push(now - sentAt[s]!);
          acked = message.seq!;
          if (sentUpTo < acked) sentUpTo = acked;
          if (acked >= backlog) {
            if (++finished === connected.length) resolveDone();
            return;
          }
          pump();
        } else if (message.type === 'error' && (message.code === 'out-of-order' || message.code === 'overloaded')) {
          // as the real agent: resend from the last acknowledged one (after a pause when the centre is busy)
          resends++;
          sentUpTo = acked;
          if (message.code === 'overloaded') {
            pausedUntil = performance.now() + 500;
            setTimeout(pump, 500);
          } else pump();
        }
      });
      pump();
    });
    const perSecond: number[] = [];
    let lastStored = 0;
    const progress = setInterval(() => {
      const stored = centre.ingestStats.stored;
      perSecond.push(stored - lastStored);
      lastStored = stored;
      options.onProgress?.(stored, total);
    }, 1000);
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        done,
        new Promise((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`centre ingest: only ${centre.ingestStats.stored} of ${total} messages stored after 120 s`)), 120_000);
        }),
      ]);
    } finally {
      clearInterval(progress);
      clearTimeout(timeout);
    }
    const wallS = (performance.now() - started) / 1000;
    await centre.flushIngest();
    const stats = centre.ingestStats;
    if (stats.stored !== total) throw new Error(`centre ingest: ${stats.stored} messages stored, expected ${total}`);
    return { agents: connected.length, messages: total, wallS, ratePerS: total / wallS, ackLatencyMs, perSecond, batches: stats.batches, commitMs: [...stats.commitMs], duplicates: stats.duplicates, resends, meanBytes: bytes / total };
  } finally {
    // the centre closes first, so the closed connections wait out TIME_WAIT on its port, not on ephemeral ones
    await bench.close();
    for (const ws of clients) ws.terminate();
  }
}
