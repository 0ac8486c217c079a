import type { LaneMeasurement, StoredAgentMessage } from '@greenwave/contracts';
import { type Kysely, type Transaction, sql } from 'kysely';
import type { OpenedDatabase } from './database.ts';
import type { Database, MeasurementRow } from './schema.ts';

export interface IngestGroup {
  agentId: string;
  intersectionId: string;
  messages: StoredAgentMessage[];
}

export interface IngestOutcome {
  /** Highest sequence number stored for the agent (everything up to it is in the database). */
  lastSeq: number;
  stored: number;
  duplicates: number;
  /** Set when a message came after a gap: the agent must resend from lastSeq + 1. */
  gapAt?: number;
}

export interface MeasurementSummary {
  approachId: string;
  laneIndex: number;
  bucketMs: number;
  samples: number;
  count: number;
  countPcu: number;
  occupancy: number;
  queueMaxM: number;
  queuePcu: number;
  densityPcuPerKm: number;
  meanSpeedMps: number | null;
}

const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;

type Bucket = Omit<MeasurementRow, never>;

function addLane(into: Map<string, Bucket>, intersectionId: string, m: LaneMeasurement, span: number): void {
  const bucket = Math.floor(m.timeMs / span) * span;
  const key = `${intersectionId}\u0000${m.approachId}\u0000${m.laneIndex}\u0000${bucket}`;
  let row = into.get(key);
  if (!row) {
    row = { intersection_id: intersectionId, approach_id: m.approachId, lane_index: m.laneIndex, bucket_ms: bucket, samples: 0, count: 0, count_pcu: 0, occupancy_sum: 0, queue_max_m: 0, queue_pcu_sum: 0, density_sum: 0, speed_sum: 0, speed_samples: 0 };
    into.set(key, row);
  }
  row.samples++;
  row.count += m.count;
  row.count_pcu += m.countPcu;
  row.occupancy_sum += m.occupancy;
  row.queue_max_m = Math.max(row.queue_max_m, m.queueLengthM);
  row.queue_pcu_sum += m.queuePcu;
  row.density_sum += m.densityPcuPerKm;
  if (m.meanSpeedMps !== null) {
    row.speed_sum += m.meanSpeedMps;
    row.speed_samples++;
  }
}

/**
 * Everything the centre keeps, over Kysely (SQLite or PostgreSQL, same code). Ingest is exactly-once per agent: a
 * message is stored only if its sequence number follows the agent's last stored one, in the same transaction that
 * moves the agent's mark, so an acknowledgement is never ahead of what a crash would keep.
 */
export class CentreStore {
  readonly db: Kysely<Database>;

  constructor(readonly opened: OpenedDatabase) {
    this.db = opened.db;
  }

  async close(): Promise<void> {
    await this.opened.close();
  }

  // ---------------------------------------------------------------- agents

  async upsertAgent(agentId: string, intersectionId: string, tokenHash: string, nowMs: number): Promise<void> {
    await this.db
      .insertInto('agents')
      .values({ agent_id: agentId, intersection_id: intersectionId, token_hash: tokenHash, last_seq: 0, last_command_seq: 0, created_ms: nowMs })
      .onConflict((oc) => oc.column('agent_id').doUpdateSet({ intersection_id: intersectionId, token_hash: tokenHash }))
      .execute();
  }

  agent(agentId: string) {
    return this.db.selectFrom('agents').selectAll().where('agent_id', '=', agentId).executeTakeFirst();
  }

  // ---------------------------------------------------------------- ingest

  async ingest(groups: readonly IngestGroup[]): Promise<Map<string, IngestOutcome>> {
    return this.db.transaction().execute(async (tx) => {
      const outcomes = new Map<string, IngestOutcome>();
      const minute = new Map<string, Bucket>();
      const quarters = new Map<string, { intersection_id: string; bucket_ms: number }>();
      const events: Omit<Database['events'], 'id'>[] = [];
      const alarms: Omit<Database['alarms'], 'id'>[] = [];
      // one read and one write of the agents' marks per batch (not two statements per agent): the group commit's
      // cost then grows with the lanes it touches, not with the agents in it
      const marks = new Map<string, number>();
      for (let i = 0; i < groups.length; i += 500) {
        const ids = groups.slice(i, i + 500).map((g) => g.agentId);
        for (const r of await tx.selectFrom('agents').select(['agent_id', 'last_seq']).where('agent_id', 'in', ids).execute()) marks.set(r.agent_id, Number(r.last_seq));
      }
      const moved: [string, number][] = [];
      for (const group of groups) {
        const mark = marks.get(group.agentId);
        let last = mark ?? 0;
        const outcome: IngestOutcome = { lastSeq: last, stored: 0, duplicates: 0 };
        for (const message of [...group.messages].sort((a, b) => a.seq - b.seq)) {
          if (message.seq <= last) {
            outcome.duplicates++;
            continue;
          }
          if (message.seq !== last + 1) {
            outcome.gapAt = message.seq;
            break;
          }
          last = message.seq;
          outcome.stored++;
          if (message.type === 'measurement') {
            for (const lane of message.lanes) {
              addLane(minute, group.intersectionId, lane, MINUTE);
              const q = Math.floor(lane.timeMs / QUARTER) * QUARTER;
              quarters.set(`${group.intersectionId}\u0000${q}`, { intersection_id: group.intersectionId, bucket_ms: q });
            }
          } else if (message.type === 'events') {
            for (const e of message.events) events.push({ intersection_id: group.intersectionId, time_ms: e.timeMs, code: e.code, param: e.param });
          } else {
            const a = message.alarm;
            alarms.push({ intersection_id: group.intersectionId, time_ms: a.timeMs, code: a.code, severity: a.severity, message: a.message, active: a.active ? 1 : 0 });
          }
        }
        outcome.lastSeq = last;
        outcomes.set(group.agentId, outcome);
        if (mark !== undefined && last !== mark) moved.push([group.agentId, last]);
      }
      for (let i = 0; i < moved.length; i += 500) {
        const chunk = moved.slice(i, i + 500);
        const cases = sql.join(chunk.map(([id, seq]) => sql`when ${id} then cast(${seq} as bigint)`), sql` `);
        await tx.updateTable('agents').set({ last_seq: sql`case agent_id ${cases} end` }).where('agent_id', 'in', chunk.map(([id]) => id)).execute();
      }
      await upsertBuckets(tx, 'measurements_1m', [...minute.values()]);
      const pending = [...quarters.values()];
      for (let i = 0; i < pending.length; i += 1000) {
        await tx.insertInto('rollup_pending').values(pending.slice(i, i + 1000)).onConflict((oc) => oc.columns(['intersection_id', 'bucket_ms']).doNothing()).execute();
      }
      for (let i = 0; i < events.length; i += 500) await tx.insertInto('events').values(events.slice(i, i + 500)).execute();
      for (let i = 0; i < alarms.length; i += 500) await tx.insertInto('alarms').values(alarms.slice(i, i + 500)).execute();
      return outcomes;
    });
  }

  // ---------------------------------------------------------------- queries

  /**
   * Recomputes the pending quarters (all, or one intersection's) from their 1-minute rows: idempotent, so a quarter
   * rolled up twice, or again after a crash, comes out the same. The centre runs it every few seconds.
   */
  async rollUp(intersectionId?: string): Promise<number> {
    let q = this.db.selectFrom('rollup_pending').select(['intersection_id', 'bucket_ms']).orderBy('bucket_ms').limit(5000);
    if (intersectionId !== undefined) q = q.where('intersection_id', '=', intersectionId);
    const pending = await q.execute();
    // small transactions with a pause between: on SQLite each one holds the event loop while it runs
    for (let i = 0; i < pending.length; i += 25) {
      const chunk = pending.slice(i, i + 25);
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      await this.db.transaction().execute(async (tx) => {
        // rows are deleted before they are read: a commit that marks the quarter again meanwhile is rolled up next time
        for (const p of chunk) await tx.deleteFrom('rollup_pending').where('intersection_id', '=', p.intersection_id).where('bucket_ms', '=', p.bucket_ms).execute();
        const quarter = sql<number>`(bucket_ms / ${sql.lit(QUARTER)}) * ${sql.lit(QUARTER)}`;
        const rows = await tx
          .selectFrom('measurements_1m')
          .select((eb) => [
            'intersection_id',
            'approach_id',
            'lane_index',
            quarter.as('bucket_ms'),
            eb.fn.sum<number>('samples').as('samples'),
            eb.fn.sum<number>('count').as('count'),
            eb.fn.sum<number>('count_pcu').as('count_pcu'),
            eb.fn.sum<number>('occupancy_sum').as('occupancy_sum'),
            eb.fn.max<number>('queue_max_m').as('queue_max_m'),
            eb.fn.sum<number>('queue_pcu_sum').as('queue_pcu_sum'),
            eb.fn.sum<number>('density_sum').as('density_sum'),
            eb.fn.sum<number>('speed_sum').as('speed_sum'),
            eb.fn.sum<number>('speed_samples').as('speed_samples'),
          ])
          .where((eb) => eb.or(chunk.map((p) => eb.and([eb('intersection_id', '=', p.intersection_id), eb('bucket_ms', '>=', Number(p.bucket_ms)), eb('bucket_ms', '<', Number(p.bucket_ms) + QUARTER)]))))
          .groupBy(['intersection_id', 'approach_id', 'lane_index', quarter])
          .execute();
        const buckets: Bucket[] = rows.map((r) => ({
          intersection_id: r.intersection_id,
          approach_id: r.approach_id,
          lane_index: Number(r.lane_index),
          bucket_ms: Number(r.bucket_ms),
          samples: Number(r.samples),
          count: Number(r.count),
          count_pcu: Number(r.count_pcu),
          occupancy_sum: Number(r.occupancy_sum),
          queue_max_m: Number(r.queue_max_m),
          queue_pcu_sum: Number(r.queue_pcu_sum),
          density_sum: Number(r.density_sum),
          speed_sum: Number(r.speed_sum),
          speed_samples: Number(r.speed_samples),
        }));
        await upsertBuckets(tx, 'measurements_15m', buckets, 'replace');
      });
    }
    return pending.length;
  }

  async measurements(intersectionId: string, fromMs: number, toMs: number, resolution: '1m' | '15m'): Promise<MeasurementSummary[]> {
    if (resolution === '15m') while ((await this.rollUp(intersectionId)) > 0);
    const rows = await this.db
      .selectFrom(resolution === '1m' ? 'measurements_1m' : 'measurements_15m')
      .selectAll()
      .where('intersection_id', '=', intersectionId)
      .where('bucket_ms', '>=', fromMs)
      .where('bucket_ms', '<', toMs)
      .orderBy('bucket_ms')
      .orderBy('approach_id')
      .orderBy('lane_index')
      .execute();
    return rows.map((r) => ({
      approachId: r.approach_id,
      laneIndex: Number(r.lane_index),
      bucketMs: Number(r.bucket_ms),
      samples: Number(r.samples),
      count: Number(r.count),
      countPcu: round(Number(r.count_pcu)),
      occupancy: round(Number(r.occupancy_sum) / Number(r.samples)),
      queueMaxM: round(Number(r.queue_max_m)),
      queuePcu: round(Number(r.queue_pcu_sum) / Number(r.samples)),
      densityPcuPerKm: round(Number(r.density_sum) / Number(r.samples)),
      meanSpeedMps: Number(r.speed_samples) === 0 ? null : round(Number(r.speed_sum) / Number(r.speed_samples)),
    }));
  }

  events(intersectionId: string, fromMs: number, toMs: number) {
    return this.db
      .selectFrom('events')
      .select(['time_ms', 'code', 'param'])
      .where('intersection_id', '=', intersectionId)
      .where('time_ms', '>=', fromMs)
      .where('time_ms', '<', toMs)
      .orderBy('time_ms')
      .orderBy('id')
      .execute();
  }

  async eventCount(intersectionId?: string): Promise<number> {
    let q = this.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n'));
    if (intersectionId) q = q.where('intersection_id', '=', intersectionId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  alarms(options: { intersectionId?: string; limit?: number } = {}) {
    let q = this.db.selectFrom('alarms').selectAll().orderBy('time_ms', 'desc').orderBy('id', 'desc').limit(options.limit ?? 200);
    if (options.intersectionId) q = q.where('intersection_id', '=', options.intersectionId);
    return q.execute();
  }

  // ---------------------------------------------------------------- audit, users, sessions

  async audit(entry: Omit<Database['audit'], 'id'>): Promise<void> {
    await this.db.insertInto('audit').values(entry).execute();
  }

  auditLog(limit = 200) {
    return this.db.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
  }

  async createUser(username: string, passwordHash: string, role: string, nowMs: number): Promise<void> {
    await this.db.insertInto('users').values({ username, password_hash: passwordHash, role, created_ms: nowMs }).execute();
  }

  async setPassword(username: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('username', '=', username).execute();
    // a new password ends every session of the user
    await this.db.deleteFrom('sessions').where('username', '=', username).execute();
  }

  user(username: string) {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async userCount(): Promise<number> {
    return Number((await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  }

  async createSession(tokenHash: string, username: string, role: string, expiresMs: number): Promise<void> {
    await this.db.insertInto('sessions').values({ token_hash: tokenHash, username, role, expires_ms: expiresMs }).execute();
  }

  session(tokenHash: string) {
    return this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  // ---------------------------------------------------------------- controller choice and overrides

  async setControllerChoice(intersectionId: string, configJson: string, username: string, nowMs: number): Promise<void> {
    await this.db
      .insertInto('controller_choice')
      .values({ intersection_id: intersectionId, config_json: configJson, username, time_ms: nowMs })
      .onConflict((oc) => oc.column('intersection_id').doUpdateSet({ config_json: configJson, username, time_ms: nowMs }))
      .execute();
  }

  controllerChoices() {
    return this.db.selectFrom('controller_choice').selectAll().execute();
  }

  async setOverride(row: Database['overrides']): Promise<void> {
    await this.db
      .insertInto('overrides')
      .values(row)
      .onConflict((oc) => oc.column('intersection_id').doUpdateSet({ kind: row.kind, detail_json: row.detail_json, username: row.username, reason: row.reason, time_ms: row.time_ms }))
      .execute();
  }

  async clearOverride(intersectionId: string): Promise<void> {
    await this.db.deleteFrom('overrides').where('intersection_id', '=', intersectionId).execute();
  }

  overrides() {
    return this.db.selectFrom('overrides').selectAll().execute();
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Adds a batch of buckets to their rows (insert, or add to the row already there). */
async function upsertBuckets(tx: Transaction<Database>, table: 'measurements_1m' | 'measurements_15m', rows: Bucket[], mode: 'add' | 'replace' = 'add'): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const t = sql.table(table);
    const key = ['intersection_id', 'approach_id', 'lane_index', 'bucket_ms'] as const;
    if (mode === 'replace') {
      await tx
        .insertInto(table)
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(key).doUpdateSet((eb) => ({
            samples: eb.ref('excluded.samples'),
            count: eb.ref('excluded.count'),
            count_pcu: eb.ref('excluded.count_pcu'),
            occupancy_sum: eb.ref('excluded.occupancy_sum'),
            queue_max_m: eb.ref('excluded.queue_max_m'),
            queue_pcu_sum: eb.ref('excluded.queue_pcu_sum'),
            density_sum: eb.ref('excluded.density_sum'),
            speed_sum: eb.ref('excluded.speed_sum'),
            speed_samples: eb.ref('excluded.speed_samples'),
          })),
        )
        .execute();
      continue;
    }
    await tx
      .insertInto(table)
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(key).doUpdateSet({
          samples: sql`${t}.samples + excluded.samples`,
          count: sql`${t}.count + excluded.count`,
          count_pcu: sql`${t}.count_pcu + excluded.count_pcu`,
          occupancy_sum: sql`${t}.occupancy_sum + excluded.occupancy_sum`,
          queue_max_m: sql`case when ${t}.queue_max_m > excluded.queue_max_m then ${t}.queue_max_m else excluded.queue_max_m end`,
          queue_pcu_sum: sql`${t}.queue_pcu_sum + excluded.queue_pcu_sum`,
          density_sum: sql`${t}.density_sum + excluded.density_sum`,
          speed_sum: sql`${t}.speed_sum + excluded.speed_sum`,
          speed_samples: sql`${t}.speed_samples + excluded.speed_samples`,
        }),
      )
      .execute();
  }
}
