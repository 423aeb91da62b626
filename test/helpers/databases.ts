/**
 * Postgres-backed tests run on two legs: `pglite` (the embedded server, always) and `postgres` (a
 * real server at TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres). The real
 * leg runs when that server answers within 2 s; under CI=true an unreachable server is an error,
 * never a skip. Every test gets a database of its own:
 *
 *     const legs = await databaseLegs();
 *     describe.each(legs)('on %s', (leg) => {
 *       it('…', () => withTestDatabase(leg, async ({ url }) => { … }));
 *     });
 *
 * On `postgres` that is `CREATE DATABASE pr_test_<random>`, dropped `WITH (FORCE)` afterwards; on
 * `pglite` an embedded server of its own on a fresh temporary directory, removed afterwards. The
 * directory is a copy of a template data directory (PGlite's initdb takes ~3 s, a copy a fraction
 * of that), made once per PGlite version and kept in the OS temp dir for later runs.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { MIGRATIONS, createDataSource } from '../../db/index.ts';
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import type { EmbeddedPostgres, EmbeddedPostgresOptions } from '../../db/embedded.ts';

export type Leg = 'pglite' | 'postgres';

/** The real server's URL; its database is used only to create and drop the test databases. */
export const POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let legs: Promise<Leg[]> | undefined;

/** The legs to run: always `pglite`, plus `postgres` when it is reachable (required under CI). */
export function databaseLegs(): Promise<Leg[]> {
  legs ??= reachable(POSTGRES_URL).then((error) => {
    if (error === null) return ['pglite', 'postgres'];
    const message = `Postgres leg: ${redact(POSTGRES_URL)} is not reachable (${error})`;
    if (process.env.CI === 'true') {
      throw new Error(`${message}; CI must run it (set TEST_DATABASE_URL or start Postgres)`);
    }
    console.warn(`${message}; running the pglite leg only`);
    return ['pglite'];
  });
  return legs;
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const redact = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

export interface TestDatabase {
  leg: Leg;
  /** A `postgres://` URL to an empty database of this test's own. */
  url: string;
  /** The embedded server, on the `pglite` leg. */
  embedded?: EmbeddedPostgres;
  /** Drops the database (closes the server and removes its directory on `pglite`). */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Options for the embedded server on the `pglite` leg (the watchdog is off unless given). */
  embedded?: Omit<EmbeddedPostgresOptions, 'dataDir'>;
}

/** Creates an empty database for one test on `leg`. */
export async function createTestDatabase(
  leg: Leg,
  opts: TestDatabaseOptions = {}
): Promise<TestDatabase> {
  return leg === 'postgres' ? createPostgresDatabase() : createPgliteDatabase(opts);
}

/** Runs `fn` with a database of its own on `leg` and drops it afterwards, whatever happens. */
export async function withTestDatabase<T>(
  leg: Leg,
  fn: (db: TestDatabase) => Promise<T>,
  opts: TestDatabaseOptions = {}
): Promise<T> {
  const db = await createTestDatabase(leg, opts);
  try {
    return await fn(db);
  } finally {
    await db.drop();
  }
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `pr_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    leg: 'postgres',
    url: url.toString(),
    drop: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

/** Creates an empty directory under the OS temp dir; removed by the caller. */
/** Runs `fn` with a client of its own connected to `url`, ended afterwards. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

let template: Promise<string> | undefined;

/**
 * A freshly initialized, cleanly closed PGlite data directory for the installed PGlite version.
 * Processes racing to make it each initialize their own and rename it into place; the first wins.
 */
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const pkg = path.join(path.dirname(entry), '..', 'package.json');
    const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
    const dir = path.join(tmpdir(), `proofroom-pglite-template-${version}`);
    if (existsSync(path.join(dir, 'PG_VERSION'))) return dir;
    const work = tempDir('proofroom-pglite-init-');
    try {
      const db = await PGlite.create(work);
      await db.close();
      renameSync(work, dir);
    } catch (error) {
      if (!existsSync(path.join(dir, 'PG_VERSION'))) throw error;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return dir;
  })();
  return template;
}

/** A fresh PGlite data directory (a copy of the template); the caller removes it. */
export async function freshPgliteDir(): Promise<string> {
  const dir = tempDir('proofroom-pglite-');
  cpSync(await pgliteTemplate(), dir, { recursive: true });
  return dir;
}

async function createPgliteDatabase(opts: TestDatabaseOptions): Promise<TestDatabase> {
  const dataDir = await freshPgliteDir();
  let embedded: EmbeddedPostgres;
  try {
    embedded = await startEmbeddedPostgres({ watchdog: false, ...opts.embedded, dataDir });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    leg: 'pglite',
    url: embedded.url,
    embedded,
    drop: async () => {
      try {
        await embedded.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Undoes the migration `first` and every later one on the migrated database `url`, newest first;
 * returns their names oldest first (what `migrate` runs again).
 */
export async function undoMigrationsFrom(url: string, first: string): Promise<string[]> {
  const names = MIGRATIONS.map((M) => new M().name);
  const i = names.indexOf(first);
  if (i < 0) throw new Error(`no migration named ${first}`);
  const undone = names.slice(i);
  const ds = await createDataSource(url, { poolSize: 1 }).initialize();
  try {
    for (let k = 0; k < undone.length; k++) await ds.undoLastMigration({ transaction: 'all' });
  } finally {
    await ds.destroy();
  }
  return undone;
}
