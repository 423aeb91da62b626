/**
 * TypeORM data sources for the project's schema, against a real Postgres or the embedded PGlite
 * server alike (both speak the wire protocol; see `embedded.ts`). Built from arguments only: callers
 * read the environment in their own config module.
 *
 * Everything here stays within what PGlite's single shared backend allows: no named prepared
 * statements, no `SET`, no temporary tables, no `LISTEN`/`NOTIFY` (TypeORM's postgres driver issues
 * none of these for this schema).
 * @module
 */
import pg from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import { Initial1763700000000 } from './migrations/1763700000000-initial.ts';
import { ReceiptEvidence1763800000000 } from './migrations/1763800000000-receipt-evidence.ts';
import { ApiIndexes1763900000000 } from './migrations/1763900000000-api-indexes.ts';
import { Sentinel1764000000000 } from './migrations/1764000000000-sentinel.ts';
import { OneVerdict1764100000000 } from './migrations/1764100000000-one-verdict.ts';
import { SkippedEras1764200000000 } from './migrations/1764200000000-skipped-eras.ts';
import { BillingReport1764300000000 } from './migrations/1764300000000-billing-report.ts';
import { SentinelVrf1764400000000 } from './migrations/1764400000000-sentinel-vrf.ts';
import { FilterIndexes1764500000000 } from './migrations/1764500000000-filter-indexes.ts';
import { CheckCounts1764600000000 } from './migrations/1764600000000-check-counts.ts';
import { ActivityCounts1764700000000 } from './migrations/1764700000000-activity-counts.ts';
import { RecordWrites1764800000000 } from './migrations/1764800000000-record-writes.ts';

/** Every migration, oldest first. */
export const MIGRATIONS = [
  Initial1763700000000,
  ReceiptEvidence1763800000000,
  ApiIndexes1763900000000,
  Sentinel1764000000000,
  OneVerdict1764100000000,
  SkippedEras1764200000000,
  BillingReport1764300000000,
  SentinelVrf1764400000000,
  FilterIndexes1764500000000,
  CheckCounts1764600000000,
  ActivityCounts1764700000000,
  RecordWrites1764800000000,
];

export interface DataSourceOptions {
  /** Most connections the pool opens (pg's default is 10). */
  poolSize?: number;
  /** Log every query TypeORM runs (default false). */
  logging?: boolean;
}

/** A data source for `url` (`postgres://…`), not yet initialized. */
export function createDataSource(url: string, opts: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    // Migrations only: the tables' shapes are the migrations', their rows db/rows.ts's.
    entities: [],
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'all',
    migrationsRun: false,
    synchronize: false,
    logging: opts.logging ?? false,
    ...(opts.poolSize === undefined ? {} : { poolSize: opts.poolSize }),
  });
}

async function withDataSource<T>(url: string, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = await createDataSource(url, { poolSize: 1 }).initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

/** Runs every pending migration in one transaction; returns their names, oldest first. */
export function migrate(url: string): Promise<string[]> {
  // Callers in one process take turns too: on PGlite the advisory lock cannot tell them apart.
  const run = (migrating.get(url) ?? Promise.resolve()).then(() => migrateLocked(url));
  const settled = run.then(
    () => {},
    () => {}
  );
  migrating.set(url, settled);
  void settled.then(() => {
    if (migrating.get(url) === settled) migrating.delete(url);
  });
  return run;
}

const migrating = new Map<string, Promise<void>>();

async function migrateLocked(url: string): Promise<string[]> {
  // Processes starting together (an indexer and a sentinel on a fresh database) take turns: the
  // second waits on a session lock, then finds nothing left to run. Without it both create the
  // same tables and one fails on a duplicate type. (On PGlite every connection shares one
  // session, so the lock is re-entrant there; only one process can open a PGlite folder anyway.)
  const lock = new pg.Client({ connectionString: url });
  lock.on('error', () => {});
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock($1)`, [MIGRATION_LOCK]);
    return await withDataSource(url, async (ds) => {
      const done = await ds.runMigrations({ transaction: 'all' });
      return done.map((m) => m.name);
    });
  } finally {
    await lock.query(`SELECT pg_advisory_unlock($1)`, [MIGRATION_LOCK]).catch(() => {});
    await lock.end().catch(() => {});
  }
}

/** The advisory lock key of migrations (an arbitrary constant: "prfroom" in ASCII). */
const MIGRATION_LOCK = 0x70726672_6f6f6dn.toString();

/** Undoes every executed migration, newest first; returns their names in the order undone. */
export async function revertAll(url: string): Promise<string[]> {
  return withDataSource(url, async (ds) => {
    const executor = new MigrationExecutor(ds);
    const executed = async (): Promise<Set<string>> =>
      new Set((await executor.getExecutedMigrations()).map((m) => m.name));
    const undone: string[] = [];
    let before = await executed();
    while (before.size > 0) {
      await ds.undoLastMigration({ transaction: 'all' });
      const after = await executed();
      const gone = [...before].filter((name) => !after.has(name));
      if (gone.length === 0) throw new Error(`revertAll: undoing a migration changed nothing`);
      undone.push(...gone);
      before = after;
    }
    return undone;
  });
}
