import type { Network, Scenario } from '@greenwave/contracts';
import { Centre, CentreStore, openDatabase } from '@greenwave/controller';

export interface CentreServiceOptions {
  scenario: Scenario;
  network: Network;
  /** postgres:// URL; otherwise the SQLite file. */
  databaseUrl?: string;
  sqliteFile?: string;
  port?: number;
  host?: string;
  log?: (record: Record<string, unknown>) => void;
  /** An already opened store (tests); otherwise one is opened from the URL or file. */
  store?: CentreStore;
  ingestQueueLimit?: number;
}

/** Opens the centre's database (migrating it) and starts the centre for a scenario's intersections. */
export async function startCentreService(options: CentreServiceOptions): Promise<Centre> {
  const store = options.store ?? new CentreStore(await openDatabase({ url: options.databaseUrl ?? process.env.DATABASE_URL ?? '', sqliteFile: options.sqliteFile }));
  const centre = new Centre({
    store,
    intersections: options.network.intersections,
    defaultController: (x) => x.control ?? options.scenario.control.default,
    port: options.port,
    host: options.host,
    log: options.log,
    ingestQueueLimit: options.ingestQueueLimit,
  });
  try {
    await centre.start();
  } catch (error) {
    await store.close();
    throw error;
  }
  return centre;
}

/** Stops the centre and closes its database. */
export async function stopCentreService(centre: Centre): Promise<void> {
  await centre.stop();
  await centre.store.close();
}
