import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

export type Dialect = 'sqlite' | 'postgres';

/** An auto-numbered primary key in either dialect. */
function withId<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigserial', (c: ColumnDefinitionBuilder) => c.primaryKey())
    : table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement());
}

/** Migrations in code, in order; each runs once per database. */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '001-initial': {
      async up(db: Kysely<unknown>) {
        await db.schema.createTable('users').addColumn('username', 'varchar(64)', (c) => c.primaryKey()).addColumn('password_hash', 'text', (c) => c.notNull()).addColumn('role', 'varchar(16)', (c) => c.notNull()).addColumn('created_ms', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createTable('sessions').addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey()).addColumn('username', 'varchar(64)', (c) => c.notNull()).addColumn('role', 'varchar(16)', (c) => c.notNull()).addColumn('expires_ms', 'bigint', (c) => c.notNull()).execute();
        await db.schema
          .createTable('agents')
          .addColumn('agent_id', 'varchar(100)', (c) => c.primaryKey())
          .addColumn('intersection_id', 'varchar(100)', (c) => c.notNull())
          .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
          .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('last_command_seq', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('created_ms', 'bigint', (c) => c.notNull())
          .execute();
        for (const table of ['measurements_1m', 'measurements_15m']) {
          await db.schema
            .createTable(table)
            .addColumn('intersection_id', 'varchar(100)', (c) => c.notNull())
            .addColumn('approach_id', 'varchar(100)', (c) => c.notNull())
            .addColumn('lane_index', 'integer', (c) => c.notNull())
            .addColumn('bucket_ms', 'bigint', (c) => c.notNull())
            .addColumn('samples', 'integer', (c) => c.notNull())
            .addColumn('count', 'integer', (c) => c.notNull())
            .addColumn('count_pcu', 'double precision', (c) => c.notNull())
            .addColumn('occupancy_sum', 'double precision', (c) => c.notNull())
            .addColumn('queue_max_m', 'double precision', (c) => c.notNull())
            .addColumn('queue_pcu_sum', 'double precision', (c) => c.notNull())
            .addColumn('density_sum', 'double precision', (c) => c.notNull())
            .addColumn('speed_sum', 'double precision', (c) => c.notNull())
            .addColumn('speed_samples', 'integer', (c) => c.notNull())
            .addPrimaryKeyConstraint(`${table}_pk`, ['intersection_id', 'approach_id', 'lane_index', 'bucket_ms'])
            .execute();
        }
        await withId(db.schema.createTable('events'), dialect).addColumn('intersection_id', 'varchar(100)', (c) => c.notNull()).addColumn('time_ms', 'bigint', (c) => c.notNull()).addColumn('code', 'integer', (c) => c.notNull()).addColumn('param', 'integer', (c) => c.notNull()).execute();
        await db.schema.createIndex('events_by_time').on('events').columns(['intersection_id', 'time_ms']).execute();
        await withId(db.schema.createTable('alarms'), dialect)
          .addColumn('intersection_id', 'varchar(100)', (c) => c.notNull())
          .addColumn('time_ms', 'bigint', (c) => c.notNull())
          .addColumn('code', 'varchar(32)', (c) => c.notNull())
          .addColumn('severity', 'varchar(16)', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('alarms_by_time').on('alarms').columns(['intersection_id', 'time_ms']).execute();
        await withId(db.schema.createTable('audit'), dialect)
          .addColumn('time_ms', 'bigint', (c) => c.notNull())
          .addColumn('username', 'varchar(64)', (c) => c.notNull())
          .addColumn('role', 'varchar(16)', (c) => c.notNull())
          .addColumn('action', 'varchar(64)', (c) => c.notNull())
          .addColumn('target', 'varchar(200)', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('detail', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createTable('controller_choice').addColumn('intersection_id', 'varchar(100)', (c) => c.primaryKey()).addColumn('config_json', 'text', (c) => c.notNull()).addColumn('username', 'varchar(64)', (c) => c.notNull()).addColumn('time_ms', 'bigint', (c) => c.notNull()).execute();
        await db.schema
          .createTable('overrides')
          .addColumn('intersection_id', 'varchar(100)', (c) => c.primaryKey())
          .addColumn('kind', 'varchar(32)', (c) => c.notNull())
          .addColumn('detail_json', 'text', (c) => c.notNull())
          .addColumn('username', 'varchar(64)', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('time_ms', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    // 15-minute rows are rolled up from the 1-minute rows after the commit (half the rows written on the ingest
    // path); the quarters still to roll up are kept in the same transaction as the measurements, so a crash loses none
    '002-rollup-pending': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('rollup_pending')
          .addColumn('intersection_id', 'varchar(100)', (c) => c.notNull())
          .addColumn('bucket_ms', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('rollup_pending_pk', ['intersection_id', 'bucket_ms'])
          .execute();
      },
    },
  };
  return { getMigrations: async () => migrations };
}
