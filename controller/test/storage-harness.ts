import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/centre/storage/database.ts';
import { CentreStore } from '../src/centre/storage/store.ts';

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  open(): Promise<{ store: CentreStore; url?: string; sqliteFile?: string; cleanup(): Promise<void> }>;
}

/** SQLite always; PostgreSQL when DATABASE_URL is set (CI sets it), each test in a schema of its own. */
export function storeTargets(): StoreTarget[] {
  const targets: StoreTarget[] = [
    {
      name: 'sqlite',
      open: async () => {
        const sqliteFile = join(mkdtempSync(join(tmpdir(), 'gw-store-')), 'centre.db');
        const store = new CentreStore(await openDatabase({ sqliteFile, url: '' }));
        return { store, sqliteFile, cleanup: () => store.close().catch(() => {}) };
      },
    },
  ];
  const base = process.env.DATABASE_URL;
  if (base) {
    targets.push({
      name: 'postgres',
      open: async () => {
        const schema = `gw_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
        const admin = new pg.Client({ connectionString: base });
        await admin.connect();
        await admin.query(`create schema ${schema}`);
        await admin.end();
        const url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
        const store = new CentreStore(await openDatabase({ url }));
        return {
          store,
          url,
          cleanup: async () => {
            // a test may have closed (and reopened) the store itself
            await store.close().catch(() => {});
            const c = new pg.Client({ connectionString: base });
            await c.connect();
            await c.query(`drop schema ${schema} cascade`);
            await c.end();
          },
        };
      },
    });
  }
  return targets;
}
