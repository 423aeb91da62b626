/**
 * Opens the database a command works on: the PostgreSQL at `--database` / DATABASE_URL, checked
 * with a connection and `SELECT 1`, or else the embedded PostgreSQL (PGlite) in `<data dir>/pg`.
 * Every way this can fail becomes one UsageError that says what to change.
 * @module
 */
import path from 'node:path';
import pg from 'pg';
import type { EmbeddedServer } from '../db/embedded.ts';
import { SetupError } from './args.ts';

export interface OpenedDatabase {
  readonly url: string;
  /** The URL with its password replaced by `***`, for messages. */
  readonly shown: string;
  /** The embedded database this process serves, or null for an external PostgreSQL. */
  readonly embedded: EmbeddedServer | null;
  close(): Promise<void>;
}

/** A URL with its password hidden. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SetupError(
      `the database URL "${redactUrl(url)}" is not a URL; give --database or DATABASE_URL as postgres://user:password@host:5432/database`
    );
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new SetupError(
      `the database URL must start with postgres:// or postgresql:// (got ${u.protocol}//…); fix --database or DATABASE_URL`
    );
}

/** Connects once and runs `SELECT 1`; throws a UsageError naming the URL and the fix. */
export async function probeDatabase(url: string, timeoutMs = 5000): Promise<void> {
  const probe = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.query('SELECT 1');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ECONNREFUSED'
        ? 'nothing listens there'
        : err.code === 'ENOTFOUND'
          ? 'unknown host'
          : err.code === '28P01' || err.code === '28000'
            ? 'the server refused the user or password'
            : err.code === '3D000'
              ? 'no such database (create it first: createdb <name>)'
              : err.message || String(e);
    throw new SetupError(
      `cannot reach the database at ${redactUrl(url)}: ${why}. Check --database or DATABASE_URL, or leave both unset to use the embedded database`
    );
  } finally {
    await probe.end().catch(() => {});
  }
}

/**
 * The database for a command: `url` (from --database or DATABASE_URL) when given, checked;
 * otherwise the embedded PostgreSQL on `<dataDir>/pg`, refused with a clear message when another
 * process has that folder open. The embedded one runs on a worker thread of its own unless
 * `embeddedThread` is false (PROOFROOM_EMBEDDED_THREAD=0).
 */
export async function openDatabase(
  url: string | null | undefined,
  dataDir: string,
  opts: { port?: number; readerTurnMs?: number | undefined; embeddedThread?: boolean } = {}
): Promise<OpenedDatabase> {
  if (url) {
    checkUrl(url);
    await probeDatabase(url);
    return { url, shown: redactUrl(url), embedded: null, close: async () => {} };
  }
  const { DataDirInUseError } = await import('../db/embedded-dir.ts');
  // On a thread of its own, PGlite is loaded by the worker only (db/embedded-dir.ts).
  const start =
    (opts.embeddedThread ?? true)
      ? (await import('../db/embedded-thread.ts')).startEmbeddedPostgresThread
      : (await import('../db/embedded.ts')).startEmbeddedPostgres;
  let embedded: EmbeddedServer;
  try {
    embedded = await start({
      dataDir: path.join(dataDir, 'pg'),
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.readerTurnMs !== undefined ? { transactionDeferMs: opts.readerTurnMs } : {}),
      onEvent: (event) => {
        // Nothing serves the database any more: every query fails until the process restarts.
        if (event.type === 'thread-exit')
          process.stderr.write(
            `proofroom: the embedded database's thread ended (exit code ${event.code}${event.error instanceof Error ? `: ${event.error.message}` : ''}); restart this command\n`
          );
      },
    });
  } catch (e) {
    if (e instanceof DataDirInUseError) throw new SetupError(e.message);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EACCES' || err.code === 'EROFS' || err.code === 'ENOSPC')
      throw new SetupError(
        `cannot open the embedded database in ${path.join(dataDir, 'pg')} (${err.code}); choose a writable data folder with --data or PROOFROOM_DATA_DIR`
      );
    throw e;
  }
  return {
    url: embedded.url,
    shown: `${embedded.url} (embedded PGlite, data in ${embedded.dataDir})`,
    embedded,
    close: () => embedded.close(),
  };
}

/**
 * Records per indexer write transaction on the embedded database: no API request runs while one
 * is open there, and `npm run bench readers` (30,000 records, 50 readers) measured 0 errors with
 * chunks of 150 against 101 timeouts with 500, at the same indexing speed.
 */
export const EMBEDDED_CHUNK_RECORDS = 150;

/**
 * What the CLI sets for an indexer on the embedded database: small write transactions, and each
 * write finished before the next chunk is prepared while API requests wait (indexer/config.ts).
 */
export const EMBEDDED_INDEXER_ENV: Readonly<Record<string, string>> = Object.freeze({
  PROOFROOM_WRITE_CHUNK_RECORDS: String(EMBEDDED_CHUNK_RECORDS),
  PROOFROOM_WRITE_YIELD: '1',
});

/**
 * What the indexer child needs to know of its database: on the embedded one, EMBEDDED_INDEXER_ENV,
 * except what the environment sets itself.
 */
export function indexerDatabaseEnv(
  db: OpenedDatabase,
  childEnv: NodeJS.ProcessEnv
): NodeJS.ProcessEnv {
  if (!db.embedded) return {};
  return Object.fromEntries(
    Object.entries(EMBEDDED_INDEXER_ENV).filter(([k]) => !childEnv[k]?.trim())
  );
}
