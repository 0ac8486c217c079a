import { Worker } from 'node:worker_threads';
import { TS_WORKER_BOOT } from '@greenwave/cli';
import { laneSnapshots, startBenchCentre } from './centre-fixture.ts';
import type { IngestLoadJob, IngestLoadResult } from './ingest-load.ts';

export interface CentreIngestRun {
  agents: number;
  /** Replay phase: every agent's backlog as fast as its in-flight window allows. */
  replay: { messages: number; wallS: number; ratePerS: number; ackLatencyMs: number[] };
  /** Paced phase: a steady total rate spread over the agents. */
  paced: { messages: number; wallS: number; ratePerS: number; ackLatencyMs: number[] };
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
  /** Steady phase after the replay: total messages per second, and for how long. */
  pacedRatePerS?: number;
  pacedS?: number;
  onProgress?: (phase: string) => void;
}

/**
 * A real centre on a temporary SQLite file with the 200 intersections of danang, alone on this thread; one raw
 * WebSocket agent per intersection (registered with a token) in a worker thread. First every agent replays a backlog
 * of real per-lane twin readings (one per second of the past) through an in-flight window like the real agent's:
 * the stored rate. Then the agents together send a steady rate: the acknowledgement latency at that load. Every
 * message must be stored once and acknowledged (group commit).
 */
export async function centreIngest(options: CentreIngestOptions = {}): Promise<CentreIngestRun> {
  const backlog = options.backlog ?? 300;
  const window = options.window ?? 200;
  const pacedRatePerS = options.pacedRatePerS ?? 10_000;
  const pacedS = options.pacedS ?? 5;
  const bench = await startBenchCentre('danang');
  const { centre, credentials } = bench;
  try {
    const job: IngestLoadJob = { centreUrl: centre.url, credentials, snapshots: laneSnapshots(bench.scenario, bench.network), backlog, window, pacedRatePerS, pacedS };
    (globalThis as { gc?: () => void }).gc?.();
    const result = await new Promise<IngestLoadResult>((resolve, reject) => {
      const worker = new Worker(TS_WORKER_BOOT, { workerData: { entry: new URL('./ingest-load-worker.ts', import.meta.url).href, job } });
      const timeout = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`centre ingest: not done after 180 s (${centre.ingestStats.stored} messages stored)`));
      }, 180_000);
      worker.on('message', (m: { kind: 'progress'; phase: string } | { kind: 'result'; result: IngestLoadResult } | { kind: 'error'; message: string }) => {
        if (m.kind === 'progress') options.onProgress?.(m.phase);
        else {
          clearTimeout(timeout);
          void worker.terminate();
          if (m.kind === 'result') resolve(m.result);
          else reject(new Error(`centre ingest load: ${m.message}`));
        }
      });
      worker.on('error', (error) => {
        clearTimeout(timeout);
        reject(error);
      });
    });
    await centre.flushIngest();
    const stats = centre.ingestStats;
    const replayed = credentials.length * backlog;
    const total = replayed + result.paced.sent;
    if (stats.stored !== total) throw new Error(`centre ingest: ${stats.stored} messages stored, expected ${total}`);
    return {
      agents: credentials.length,
      replay: { messages: replayed, wallS: result.replay.wallS, ratePerS: replayed / result.replay.wallS, ackLatencyMs: result.replay.ackLatencyMs },
      paced: { messages: result.paced.sent, wallS: result.paced.wallS, ratePerS: result.paced.sent / Math.max(result.paced.wallS, 1e-9), ackLatencyMs: result.paced.ackLatencyMs },
      batches: stats.batches,
      commitMs: [...stats.commitMs],
      duplicates: stats.duplicates,
      resends: result.resends,
      meanBytes: result.bytes / total,
    };
  } finally {
    await bench.close();
  }
}
