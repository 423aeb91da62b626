/**
 * The database part: the row contract of every table (generated from schema.graphql), data
 * sources and migrations, and the embedded Postgres used when no database URL is given.
 * @module
 */
export type { Inserts, Rows, Table, TableSpec } from './rows.ts';
export { TABLES } from './rows.ts';
export { MIGRATIONS, createDataSource, migrate, revertAll } from './data-source.ts';
export type { DataSourceOptions } from './data-source.ts';
export { BLOCK_TABLES, Initial1763700000000 } from './migrations/1763700000000-initial.ts';
export { ReceiptEvidence1763800000000 } from './migrations/1763800000000-receipt-evidence.ts';
export { ApiIndexes1763900000000 } from './migrations/1763900000000-api-indexes.ts';
export { Sentinel1764000000000 } from './migrations/1764000000000-sentinel.ts';
export { DataDirInUseError, pingPostgres, startEmbeddedPostgres } from './embedded.ts';
export { startEmbeddedPostgresThread } from './embedded-thread.ts';
export type {
  EmbeddedEvent,
  EmbeddedPostgres,
  EmbeddedPostgresOptions,
  EmbeddedServer,
  WatchdogOptions,
} from './embedded.ts';
