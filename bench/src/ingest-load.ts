import type WebSocket from 'ws';
import { connectAgent, measurementJson } from './centre-fixture.ts';

/** What the load side needs: it runs in its own worker thread so the centre keeps this thread's core. */
export interface IngestLoadJob {
  centreUrl: string;
  credentials: { agentId: string; intersectionId: string; token: string }[];
  /** Per agent: lane JSON parts of consecutive seconds (see laneSnapshots). */
  snapshots: string[][][];
  /** Replay: messages in each agent's backlog, sent as fast as the window allows. */
  backlog: number;
  window: number;
  /** Then paced: messages per second in total over all agents, for `pacedS` seconds (0: no paced phase). */
  pacedRatePerS: number;
  pacedS: number;
}

export interface IngestLoadResult {
  replay: { wallS: number; ackLatencyMs: number[] };
  paced: { wallS: number; sent: number; ackLatencyMs: number[] };
  resends: number;
  bytes: number;
}

interface Agent {
  ws: WebSocket;
  lanes: string[][];
  sentAt: Map<number, number>;
  acked: number;
  sentUpTo: number;
  pausedUntil: number;
  /** Acknowledgement latencies land in this list (switched between phases). */
  into: number[];
  onAcked: () => void;
}

/**
 * Raw agent connections (hello with a token, then measurements with gap-free sequence numbers) acting like the real
 * agent: an in-flight window, resend from the last acknowledgement after `out-of-order` or (paused) `overloaded`.
 */
export async function runIngestLoad(job: IngestLoadJob, onProgress?: (phase: string) => void): Promise<IngestLoadResult> {
  const connected = await Promise.all(job.credentials.map((c) => connectAgent(job.centreUrl, c)));
  const firstTimeMs = Date.now() - (job.backlog + job.pacedS * 100 + 60) * 1000;
  let resends = 0;
  let bytes = 0;
  const send = (a: Agent, seq: number) => {
    const text = measurementJson(seq, firstTimeMs + seq * 1000, a.lanes[seq % a.lanes.length]!);
    bytes += text.length;
    a.sentAt.set(seq, performance.now());
    a.ws.send(text);
  };
  const agents: Agent[] = connected.map(({ ws, lastStoredSeq }, i) => {
    if (lastStoredSeq !== 0) throw new Error(`a fresh centre should have stored nothing, got lastStoredSeq ${lastStoredSeq}`);
    const a: Agent = { ws, lanes: job.snapshots[i]!, sentAt: new Map(), acked: 0, sentUpTo: 0, pausedUntil: 0, into: [], onAcked: () => {} };
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; seq?: number; code?: string };
      if (message.type === 'ack' && message.seq! > a.acked) {
        const now = performance.now();
        for (let s = a.acked + 1; s <= message.seq!; s++) {
          a.into.push(now - a.sentAt.get(s)!);
          a.sentAt.delete(s);
        }
        a.acked = message.seq!;
        if (a.sentUpTo < a.acked) a.sentUpTo = a.acked;
        a.onAcked();
      } else if (message.type === 'error' && (message.code === 'out-of-order' || message.code === 'overloaded')) {
        resends++;
        a.sentUpTo = a.acked;
        a.pausedUntil = message.code === 'overloaded' ? performance.now() + 500 : 0;
        setTimeout(() => a.onAcked(), message.code === 'overloaded' ? 500 : 0);
      }
    });
    return a;
  });

  // replay: every agent drains its backlog through its window
  onProgress?.('replay');
  const replayLatency: number[] = [];
  const replayStarted = performance.now();
  await Promise.all(
    agents.map(
      (a) =>
        new Promise<void>((resolve) => {
          a.into = replayLatency;
          a.onAcked = () => {
            if (a.acked >= job.backlog) return resolve();
            if (performance.now() < a.pausedUntil) return;
            while (a.sentUpTo < job.backlog && a.sentUpTo - a.acked < job.window && a.ws.bufferedAmount < 1024 * 1024) send(a, ++a.sentUpTo);
          };
          a.onAcked();
        }),
    ),
  );
  const replayWallS = (performance.now() - replayStarted) / 1000;

  // paced: the agents together send pacedRatePerS, spread evenly over each 10 ms slot
  const pacedLatency: number[] = [];
  let sent = 0;
  let pacedWallS = 0;
  if (job.pacedS > 0) {
    onProgress?.('paced');
    for (const a of agents) {
      a.into = pacedLatency;
      a.onAcked = () => {};
    }
    const perSlot = job.pacedRatePerS / 100;
    const slots = job.pacedS * 100;
    const started = performance.now();
    let owed = 0;
    let next = 0;
    for (let slot = 0; slot < slots; slot++) {
      const wait = started + slot * 10 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      for (owed += perSlot; owed >= 1; owed--) {
        const a = agents[next++ % agents.length]!;
        send(a, ++a.sentUpTo);
        sent++;
      }
    }
    const deadline = performance.now() + 30_000;
    while (agents.some((a) => a.acked < a.sentUpTo) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    pacedWallS = (performance.now() - started) / 1000;
    const behind = agents.reduce((n, a) => n + a.sentUpTo - a.acked, 0);
    if (behind > 0) throw new Error(`paced ingest: ${behind} messages not acknowledged 30 s after the last was sent`);
  }
  for (const a of agents) a.ws.terminate();
  return { replay: { wallS: replayWallS, ackLatencyMs: replayLatency }, paced: { wallS: pacedWallS, sent, ackLatencyMs: pacedLatency }, resends, bytes };
}
