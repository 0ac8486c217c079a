import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { ErrorCode, GreenwaveError } from '@greenwave/contracts';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { type Dialect, migrationProvider } from './migrations.ts';
import type { Database } from './schema.ts';

// PostgreSQL bigint (int8) comes back as a string by default; our times and counters fit a double exactly
pg.types.setTypeParser(20, (value: string) => Number(value));

export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it lives, for messages (a file, or the URL without the password). */
  location: string;
  close(): Promise<void>;
}

/**
 * Opens the centre's database: PostgreSQL when a postgres:// URL is given (DATABASE_URL), otherwise the embedded
 * SQLite file (WAL, synchronous=NORMAL: a commit survives a process kill). Runs pending migrations.
 */
export async function openDatabase(options: { url?: string; sqliteFile?: string } = {}): Promise<OpenedDatabase> {
  const url = options.url ?? process.env.DATABASE_URL;
  let opened: OpenedDatabase;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    try {
      await pool.query('select 1');
    } catch (cause) {
      await pool.end();
      throw new GreenwaveError(ErrorCode.IO, `cannot reach PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(cause as Error).message}`, { cause });
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    opened = { db, dialect: 'postgres', location: url.replace(/:[^:@/]*@/, ':***@'), close: () => db.destroy() };
  } else {
    if (url) throw new GreenwaveError(ErrorCode.INVALID_CONFIG, `DATABASE_URL must be a postgres:// URL, got "${url}"`, { recoverable: true });
    const file = options.sqliteFile ?? 'data/greenwave.db';
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    opened = { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
  }
  const { error, results } = await new Migrator({ db: opened.db, provider: migrationProvider(opened.dialect) }).migrateToLatest();
  if (error) {
    await opened.close();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new GreenwaveError(ErrorCode.IO, `database migration ${failed} failed on ${opened.location}: ${(error as Error).message}`, { cause: error });
  }
  return opened;
}
