import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { StoredAgentMessage } from '@greenwave/contracts';

type Body = StoredAgentMessage extends infer M ? (M extends StoredAgentMessage ? Omit<M, 'seq'> : never) : never;

/**
 * The agent's store-and-forward outbox: every measurement, event batch and alarm gets the next sequence number and is
 * written to SQLite before it is sent; rows are deleted only when the centre acknowledges them. Sequence numbers
 * have no gaps, so the centre can tell a loss from a duplicate. The next number is kept apart from the rows, so it
 * never goes back even when the outbox is empty.
 */
export class Outbox {
  private readonly db: SqliteDatabase.Database;
  private readonly insert: SqliteDatabase.Statement;
  private readonly deleteUpTo: SqliteDatabase.Statement;
  private readonly selectAfter: SqliteDatabase.Statement;
  private readonly countRows: SqliteDatabase.Statement;
  private readonly saveNext: SqliteDatabase.Statement;
  private next: number;
  private rows: number;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new SqliteDatabase(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL: a row survives the agent process dying (the power-loss window of WAL is the OS's, not ours)
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      create table if not exists outbox (seq integer primary key, type text not null, body text not null, created_ms integer not null);
      create table if not exists meta (key text primary key, value integer not null);
      insert or ignore into meta (key, value) values ('next_seq', 1);
    `);
    this.insert = this.db.prepare('insert into outbox (seq, type, body, created_ms) values (?, ?, ?, ?)');
    this.deleteUpTo = this.db.prepare('delete from outbox where seq <= ?');
    this.selectAfter = this.db.prepare('select seq, body from outbox where seq > ? order by seq limit ?');
    this.countRows = this.db.prepare('select count(*) as n from outbox');
    this.saveNext = this.db.prepare("update meta set value = ? where key = 'next_seq'");
    this.next = (this.db.prepare("select value from meta where key = 'next_seq'").get() as { value: number }).value;
    this.rows = (this.countRows.get() as { n: number }).n;
  }

  /** Rows waiting for an acknowledgement. */
  get size(): number {
    return this.rows;
  }

  /** The sequence number the next message will get. */
  get nextSeq(): number {
    return this.next;
  }

  /** Stores a message under the next sequence number and returns it as sent. */
  append(body: Body, nowMs: number): StoredAgentMessage {
    const seq = this.next;
    const message = { ...body, seq } as StoredAgentMessage;
    this.db.transaction(() => {
      this.insert.run(seq, body.type, JSON.stringify(message), nowMs);
      this.saveNext.run(seq + 1);
    })();
    this.next = seq + 1;
    this.rows++;
    return message;
  }

  /** The centre has stored everything up to `seq`. */
  acknowledge(seq: number): void {
    const removed = this.deleteUpTo.run(seq).changes;
    this.rows -= removed;
  }

  /** Up to `limit` messages after `afterSeq`, in order. */
  after(afterSeq: number, limit: number): StoredAgentMessage[] {
    return (this.selectAfter.all(afterSeq, limit) as { body: string }[]).map((r) => JSON.parse(r.body) as StoredAgentMessage);
  }

  /**
   * Reconciles with the centre's mark after a hello: rows up to the mark are stored, the rest must follow the mark
   * without a gap. If they do not (the outbox or the centre's database was replaced), the waiting rows are renumbered
   * to follow the mark, so they are neither taken for duplicates nor left behind a gap.
   */
  reconcile(centreLastSeq: number): { renumbered: number } {
    this.acknowledge(centreLastSeq);
    const pending = this.after(0, Number.MAX_SAFE_INTEGER);
    if (pending.length === 0 || pending[0]!.seq === centreLastSeq + 1) {
      if (this.next <= centreLastSeq) {
        this.next = centreLastSeq + 1;
        this.saveNext.run(this.next);
      }
      return { renumbered: 0 };
    }
    let seq = centreLastSeq + 1;
    this.db.transaction(() => {
      this.db.prepare('delete from outbox').run();
      for (const m of pending) {
        this.insert.run(seq, m.type, JSON.stringify({ ...m, seq }), Date.now());
        seq++;
      }
      this.saveNext.run(seq);
    })();
    this.next = seq;
    this.rows = pending.length;
    return { renumbered: pending.length };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
