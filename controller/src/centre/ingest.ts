import type { StoredAgentMessage } from '@greenwave/contracts';
import type { CentreStore, IngestOutcome } from './storage/store.ts';

export interface Pending {
  agentId: string;
  intersectionId: string;
  message: StoredAgentMessage;
}

/**
 * Group commit: messages from every agent are collected for a few milliseconds (or up to a batch size) and stored
 * in one transaction; only then is each agent told how far it is stored. Bounded: when the queue is full, new messages
 * are refused (the agent keeps them in its outbox and sends them again).
 */
export class IngestQueue {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  stored = 0;
  duplicates = 0;
  batches = 0;
  /** Wall ms of the last batch commits, for the ack-latency metric. */
  readonly commitMs: number[] = [];

  constructor(
    private readonly store: CentreStore,
    private readonly onStored: (outcomes: Map<string, IngestOutcome>) => void,
    private readonly onError: (error: Error) => void,
    private readonly options: { maxQueue: number; maxBatch: number; delayMs: number } = { maxQueue: 100_000, maxBatch: 2000, delayMs: 5 },
  ) {}

  get length(): number {
    return this.queue.length;
  }

  /** False when the queue is full (back-pressure). */
  offer(item: Pending): boolean {
    if (this.queue.length >= this.options.maxQueue) return false;
    this.queue.push(item);
    if (this.queue.length >= this.options.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.delayMs);
    return true;
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing) {
      await this.flushing;
      if (this.queue.length > 0) return this.flush();
      return;
    }
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    const groups = new Map<string, { agentId: string; intersectionId: string; messages: StoredAgentMessage[] }>();
    for (const p of batch) {
      let g = groups.get(p.agentId);
      if (!g) groups.set(p.agentId, (g = { agentId: p.agentId, intersectionId: p.intersectionId, messages: [] }));
      g.messages.push(p.message);
    }
    const started = performance.now();
    this.flushing = this.store
      .ingest([...groups.values()])
      .then((outcomes) => {
        this.batches++;
        this.commitMs.push(performance.now() - started);
        if (this.commitMs.length > 1000) this.commitMs.splice(0, this.commitMs.length - 1000);
        for (const o of outcomes.values()) {
          this.stored += o.stored;
          this.duplicates += o.duplicates;
        }
        this.onStored(outcomes);
      })
      .catch((error: Error) => this.onError(error))
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
    if (this.queue.length > 0) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
