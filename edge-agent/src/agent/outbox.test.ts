import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';

const alarm = (n: number) => ({ type: 'alarm' as const, alarm: { code: 'camera-down' as const, severity: 'info' as const, message: `m${n}`, timeMs: n, active: true } });
const file = () => join(mkdtempSync(join(tmpdir(), 'gw-outbox-')), 'outbox.db');

describe('agent outbox', () => {
  it('numbers without gaps, survives a reopen, and never reuses a number after everything was acknowledged', () => {
    const path = file();
    let box = new Outbox(path);
    expect([1, 2, 3].map((n) => box.append(alarm(n), n).seq)).toEqual([1, 2, 3]);
    box.acknowledge(2);
    expect(box.after(0, 10).map((m) => m.seq)).toEqual([3]);
    box.close();
    box = new Outbox(path);
    expect(box.size).toBe(1);
    box.acknowledge(3);
    box.close();
    box = new Outbox(path);
    expect(box.size).toBe(0);
    expect(box.append(alarm(4), 4).seq).toBe(4);
    box.close();
  });

  it('reconciles with the centre: a stored prefix is dropped; rows behind a gap or a replaced database are renumbered after the mark', () => {
    const box = new Outbox(file());
    for (let n = 1; n <= 5; n++) box.append(alarm(n), n);
    expect(box.reconcile(3)).toEqual({ renumbered: 0 });
    expect(box.after(0, 10).map((m) => m.seq)).toEqual([4, 5]);
    // the centre's database was restored from an older backup: its mark is behind the oldest row
    expect(box.reconcile(1)).toEqual({ renumbered: 2 });
    expect(box.after(0, 10).map((m) => [m.seq, (m as ReturnType<typeof alarm> & { seq: number }).alarm.message])).toEqual([[2, 'm4'], [3, 'm5']]);
    expect(box.nextSeq).toBe(4);
    // the outbox was replaced (new disk): the centre has stored more than it ever numbered
    expect(box.reconcile(100)).toEqual({ renumbered: 0 });
    expect(box.size).toBe(0);
    expect(box.append(alarm(6), 6).seq).toBe(101);
    box.close();
  });

  it('after any acknowledgements and reconciliations the waiting rows follow the mark without a gap', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant<'append'>('append'), fc.integer({ min: 0, max: 40 })), { maxLength: 40 }), fc.integer({ min: 0, max: 60 }), (ops, mark) => {
        const box = new Outbox(':memory:');
        let n = 0;
        for (const op of ops) {
          if (op === 'append') box.append(alarm(++n), n);
          else box.acknowledge(op);
        }
        box.reconcile(mark);
        const seqs = box.after(0, 1000).map((m) => m.seq);
        box.close();
        return seqs.every((s, i) => s === mark + 1 + i) && (seqs.length === 0 || seqs.at(-1)! + 1 === box.nextSeq);
      }),
      { numRuns: 200 },
    );
  });
});
