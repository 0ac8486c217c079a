import type { LaneMeasurement, StoredAgentMessage } from '@greenwave/contracts';
import { emptyPerClass } from '@greenwave/contracts';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/centre/storage/database.ts';
import { CentreStore } from '../src/centre/storage/store.ts';
import { storeTargets } from './storage-harness.ts';

const lane = (timeMs: number, approachId: string, laneIndex: number, values: Partial<LaneMeasurement> = {}): LaneMeasurement => ({
  intersectionId: 'x1', approachId, laneIndex, timeMs, intervalS: 1, count: 1, countByClass: emptyPerClass(), countPcu: 0.5, occupancy: 0.2, queueLengthM: 10,
  queueVehicles: 2, queuePcu: 1, vehiclesInZone: 3, presentByClass: emptyPerClass(), densityVehPerKm: 50, densityPcuPerKm: 20, meanSpeedMps: 5, zoneLengthM: 60, ...values,
});
const measurement = (seq: number, timeMs: number, queue = 10): StoredAgentMessage => ({ type: 'measurement', seq, timeMs, lanes: [lane(timeMs, 'N', 0, { queueLengthM: queue }), lane(timeMs, 'E', 1, { meanSpeedMps: null })] });
const events = (seq: number, timeMs: number): StoredAgentMessage => ({ type: 'events', seq, events: [{ intersectionId: 'x1', timeMs, code: 1, param: 2 }, { intersectionId: 'x1', timeMs: timeMs + 100, code: 8, param: 2 }] });

// One suite, every storage dialect (like Hono's shared router tests): the same behaviour on SQLite and PostgreSQL.
for (const target of storeTargets()) {
  describe(`centre storage on ${target.name}`, () => {
    it('migrates once and again without harm', async () => {
      const t = await target.open();
      try {
        const again = new CentreStore(await openDatabase(t.url ? { url: t.url } : { sqliteFile: t.sqliteFile!, url: '' }));
        expect(await again.userCount()).toBe(0);
        await again.close();
      } finally {
        await t.cleanup();
      }
    });

    it('stores each agent message exactly once, in order, and says where a gap is', async () => {
      const { store, cleanup } = await target.open();
      try {
        await store.upsertAgent('a1', 'x1', 'h', 0);
        await store.upsertAgent('a2', 'x1', 'h', 0);
        let out = await store.ingest([{ agentId: 'a1', intersectionId: 'x1', messages: [measurement(1, 60_000), events(2, 60_500), measurement(3, 61_000, 30)] }]);
        expect(out.get('a1')).toEqual({ lastSeq: 3, stored: 3, duplicates: 0 });
        // replay after a reconnect: duplicates are acknowledged, not stored twice
        out = await store.ingest([{ agentId: 'a1', intersectionId: 'x1', messages: [measurement(2, 999), events(2, 60_500), measurement(3, 61_000), measurement(4, 62_000)] }]);
        expect(out.get('a1')).toEqual({ lastSeq: 4, stored: 1, duplicates: 3 });
        // a gap stops the group there
        out = await store.ingest([{ agentId: 'a1', intersectionId: 'x1', messages: [measurement(6, 63_000)] }, { agentId: 'a2', intersectionId: 'x1', messages: [events(1, 70_000)] }]);
        expect(out.get('a1')).toEqual({ lastSeq: 4, stored: 0, duplicates: 0, gapAt: 6 });
        expect(out.get('a2')).toEqual({ lastSeq: 1, stored: 1, duplicates: 0 });
        expect(Number((await store.agent('a1'))!.last_seq)).toBe(4);
        expect(await store.eventCount('x1')).toBe(4);
        const minutes = await store.measurements('x1', 0, 10 * 60_000, '1m');
        const north = minutes.find((m) => m.approachId === 'N' && m.bucketMs === 60_000)!;
        expect(north).toMatchObject({ samples: 3, count: 3, countPcu: 1.5, occupancy: 0.2, queueMaxM: 30, queuePcu: 1, densityPcuPerKm: 20, meanSpeedMps: 5 });
        expect(minutes.find((m) => m.approachId === 'E')!.meanSpeedMps).toBeNull();
        const quarter = await store.measurements('x1', 0, 10 * 60_000, '15m');
        expect(quarter.find((m) => m.approachId === 'N')).toMatchObject({ bucketMs: 0, samples: 3, count: 3, queueMaxM: 30 });
        const ev = await store.events('x1', 60_000, 61_000);
        expect(ev.map((e) => [Number(e.time_ms), Number(e.code), Number(e.param)])).toEqual([[60_500, 1, 2], [60_600, 8, 2]]);
      } finally {
        await cleanup();
      }
    });

    it('15-minute rows: rolled up from the 1-minute rows after the commit, still pending after a restart, the same when rolled up twice', async () => {
      const t = await target.open();
      let reopened: CentreStore | null = null;
      try {
        await t.store.upsertAgent('a1', 'x1', 'h', 0);
        // three quarters: minutes 14 and 15 straddle a boundary
        const times = [60_000, 14 * 60_000 + 30_000, 15 * 60_000, 15 * 60_000 + 1000, 31 * 60_000];
        await t.store.ingest([{ agentId: 'a1', intersectionId: 'x1', messages: times.map((timeMs, i) => measurement(i + 1, timeMs, 10 + i)) }]);
        // the process stops before the roll-up ran: the pending quarters are in the database
        await t.store.close();
        reopened = new CentreStore(await openDatabase(t.url ? { url: t.url } : { sqliteFile: t.sqliteFile!, url: '' }));
        expect(await reopened.rollUp()).toBe(3);
        expect(await reopened.rollUp()).toBe(0);
        const first = await reopened.measurements('x1', 0, 60 * 60_000, '15m');
        const north = first.filter((m) => m.approachId === 'N').map((m) => [m.bucketMs, m.samples, m.count, m.queueMaxM]);
        expect(north).toEqual([[0, 2, 2, 11], [15 * 60_000, 2, 2, 13], [30 * 60_000, 1, 1, 14]]);
        // more data into a rolled-up quarter: that quarter again, replaced (not added twice)
        await reopened.ingest([{ agentId: 'a1', intersectionId: 'x1', messages: [measurement(6, 16 * 60_000, 40)] }]);
        const second = await reopened.measurements('x1', 0, 60 * 60_000, '15m');
        expect(second.filter((m) => m.approachId === 'N').map((m) => [m.bucketMs, m.samples, m.queueMaxM])).toEqual([[0, 2, 11], [15 * 60_000, 3, 40], [30 * 60_000, 1, 14]]);
        // the quarter rows add up to the minute rows
        const minutes = await reopened.measurements('x1', 0, 60 * 60_000, '1m');
        expect(second.reduce((n, m) => n + m.samples, 0)).toBe(minutes.reduce((n, m) => n + m.samples, 0));
      } finally {
        await reopened?.close();
        await t.cleanup();
      }
    });

    it('keeps users, sessions, audit, controller choices, overrides and alarms', async () => {
      const { store, cleanup } = await target.open();
      try {
        await store.createUser('ana', 'hash', 'operator', 1);
        await expect(store.createUser('ana', 'hash2', 'admin', 2)).rejects.toThrow();
        expect((await store.user('ana'))!.role).toBe('operator');
        await store.createSession('t1', 'ana', 'operator', 1000);
        expect((await store.session('t1'))!.username).toBe('ana');
        await store.deleteSession('t1');
        expect(await store.session('t1')).toBeUndefined();
        await store.audit({ time_ms: 5, username: 'ana', role: 'operator', action: 'override', target: 'x1', reason: 'incident', detail: '{}' });
        expect((await store.auditLog())[0]).toMatchObject({ username: 'ana', action: 'override', reason: 'incident' });
        await store.setControllerChoice('x1', '{"kind":"queue"}', 'ana', 6);
        await store.setControllerChoice('x1', '{"kind":"density"}', 'ana', 7);
        expect((await store.controllerChoices()).map((c) => c.config_json)).toEqual(['{"kind":"density"}']);
        await store.setOverride({ intersection_id: 'x1', kind: 'flash', detail_json: '{}', username: 'ana', reason: 'r', time_ms: 8 });
        expect((await store.overrides())[0]!.kind).toBe('flash');
        await store.clearOverride('x1');
        expect(await store.overrides()).toEqual([]);
        await store.upsertAgent('a1', 'x1', 'h', 0);
        await store.ingest([{ agentId: 'a1', intersectionId: 'x1', messages: [{ type: 'alarm', seq: 1, alarm: { code: 'camera-down', severity: 'warning', message: 'no frames', timeMs: 9, active: true } }] }]);
        expect((await store.alarms({ intersectionId: 'x1' }))[0]).toMatchObject({ code: 'camera-down', active: 1 });
      } finally {
        await cleanup();
      }
    });
  });
}
