import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import {
  ActivityRecordEntity,
  BlockEntity,
  BucketEntity,
  CustomerDepositEntity,
  ENTITIES,
  GarGrantEntity,
  IndexerStatusEntity,
  PayoutBatchEntity,
  RemarkEntity,
  SentinelCheckEntity,
  VerificationLineEntity,
  createDataSource,
  migrate,
  revertAll,
  DataDirInUseError,
  startEmbeddedPostgres,
} from '../db/index.ts';
import type { Block } from '../db/index.ts';
import { databaseLegs, freshPgliteDir, withTestDatabase } from './helpers/databases.ts';

const U128_MAX = '340282366920938463463374607431768211455';
const U64_MAX = '18446744073709551615';
const I64_MAX = '9223372036854775807';
const MIGRATIONS_RUN = [
  'Initial1763700000000',
  'ReceiptEvidence1763800000000',
  'ApiIndexes1763900000000',
  'Sentinel1764000000000',
  'OneVerdict1764100000000',
  'SkippedEras1764200000000',
  'BillingReport1764300000000',
];
/** The migrations from one-verdict on, which a database of the version before it lacks. */
const SINCE_ONE_VERDICT = MIGRATIONS_RUN.slice(MIGRATIONS_RUN.indexOf('OneVerdict1764100000000'));
const ENTITY_TABLES = ENTITIES.map((e) => e.options.tableName as string).sort();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs one query on a new connection; `ok:<first column>` or `error:<message>`, never hangs. */
async function tryQuery(url: string, sql: string, timeoutMs = 5000): Promise<string> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query(sql);
    return `ok:${Object.values(rows[0] as object)[0]}`;
  } catch (error) {
    return `error:${(error as Error).message}`;
  } finally {
    void client.end().catch(() => {});
  }
}

async function tableNames(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`
    );
    return rows.map((r) => r.table_name as string);
  });
}

/** Columns, indexes (with definitions) and constraints of one schema, schema name removed. */
async function schemaShape(c: pg.Client, schema: string): Promise<string[]> {
  const strip = (s: string | null): string | null =>
    s === null
      ? null
      : s
          .replaceAll(`${schema}.`, '')
          // TypeORM writes a bigint default as '0', which Postgres keeps as '0'::bigint.
          .replace(/^'(-?\d+)'::bigint$/, '$1');
  const params = [schema];
  const columns = await c.query(
    `SELECT table_name, ordinal_position, column_name, data_type, numeric_precision,
            numeric_scale, is_nullable, column_default
     FROM information_schema.columns
     WHERE table_schema = $1 AND table_name <> 'migrations'`,
    params
  );
  const indexes = await c.query(
    `SELECT tablename, indexname, indexdef FROM pg_indexes
     WHERE schemaname = $1 AND tablename <> 'migrations'`,
    params
  );
  const constraints = await c.query(
    `SELECT t.relname, k.conname, k.contype, pg_get_constraintdef(k.oid) AS def
     FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
     JOIN pg_namespace n ON n.oid = k.connamespace
     WHERE n.nspname = $1 AND t.relname <> 'migrations'`,
    params
  );
  return [
    ...columns.rows.map((r) => JSON.stringify({ ...r, column_default: strip(r.column_default) })),
    ...indexes.rows.map((r) => JSON.stringify({ ...r, indexdef: strip(r.indexdef) })),
    ...constraints.rows.map((r) => JSON.stringify(r)),
  ].sort();
}

const legs = await databaseLegs();

describe.each(legs)('database on %s', (leg) => {
  it('runs the migrations once when two callers start on an empty database together', async () => {
    await withTestDatabase(leg, async ({ url }) => {
      const [a, b] = await Promise.all([migrate(url), migrate(url)]);
      expect([...a, ...b].sort()).toEqual([...MIGRATIONS_RUN].sort());
      expect(await migrate(url)).toEqual([]);
    });
    if (leg !== 'postgres') return;
    // Two processes (an indexer and a sentinel starting together): the advisory lock orders them.
    await withTestDatabase(leg, async ({ url }) => {
      const child = () =>
        new Promise<string[]>((resolve, reject) => {
          const p = spawn(
            process.execPath,
            [
              '--import',
              'tsx',
              '-e',
              `import('./db/data-source.ts').then((m) => m.migrate(process.argv[1])).then((r) => console.log(JSON.stringify(r)))`,
              url,
            ],
            { stdio: ['ignore', 'pipe', 'inherit'] }
          );
          let out = '';
          p.stdout.on('data', (d: Buffer) => (out += d.toString()));
          p.on('exit', (code) =>
            code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`exit ${code}`))
          );
        });
      const [a, b] = await Promise.all([child(), child()]);
      expect([...a, ...b].sort()).toEqual([...MIGRATIONS_RUN].sort());
    });
  });

  it('migrate creates every table; revertAll drops them; migrating again works', () =>
    withTestDatabase(leg, async ({ url }) => {
      expect(await migrate(url)).toEqual(MIGRATIONS_RUN);
      expect(await migrate(url)).toEqual([]);
      // Every table of the migration has an entity and vice versa.
      expect(await tableNames(url)).toEqual([...ENTITY_TABLES, 'migrations'].sort());
      expect(ENTITY_TABLES).toHaveLength(31);

      expect(await revertAll(url)).toEqual([...MIGRATIONS_RUN].reverse());
      expect(await tableNames(url)).toEqual(['migrations']);
      expect(await withClient(url, (c) => c.query('SELECT * FROM migrations'))).toMatchObject({
        rowCount: 0,
      });
      expect(await revertAll(url)).toEqual([]);

      expect(await migrate(url)).toEqual(MIGRATIONS_RUN);
      expect(await tableNames(url)).toEqual([...ENTITY_TABLES, 'migrations'].sort());
    }));

  it('upgrading to one-verdict drops what an earlier indexer derived and keeps the sentinel', () =>
    withTestDatabase(leg, async ({ url }) => {
      await migrate(url);
      const ds = await createDataSource(url, { poolSize: 1 }).initialize();
      try {
        for (let i = 0; i < SINCE_ONE_VERDICT.length; i++)
          await ds.undoLastMigration({ transaction: 'all' });
      } finally {
        await ds.destroy();
      }
      // A database as the previous version left it: indexed rows, a position, sentinel checks.
      await withClient(url, async (c) => {
        await c.query(`INSERT INTO hot_block VALUES (7, '0x07')`);
        await c.query(`INSERT INTO validator VALUES ('0xaa', 3, '3-1')`);
        await c.query(
          `INSERT INTO indexer_status (id, height, hash, finalized_height, finalized_hash,
             best_height, best_hash) VALUES ('main', 7, '0x07', 5, '0x05', 7, '0x07')`
        );
        await c.query(
          `INSERT INTO sentinel_check (payload_hash, node_url, ok) VALUES ('0x01', 'http://n', true)`
        );
      });
      expect(await migrate(url)).toEqual(SINCE_ONE_VERDICT);
      await withClient(url, async (c) => {
        for (const t of ['hot_block', 'validator', 'indexer_status'])
          expect((await c.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n, t).toBe(0);
        expect((await c.query(`SELECT count(*)::int AS n FROM sentinel_check`)).rows[0].n).toBe(1);
      });
    }));

  it('the entities match the migration column for column and index for index', () =>
    withTestDatabase(leg, async ({ url }) => {
      await migrate(url);
      // TypeORM's own comparison: nothing to change.
      const ds = await createDataSource(url).initialize();
      try {
        const log = await ds.driver.createSchemaBuilder().log();
        expect(log.upQueries.map((q) => q.query)).toEqual([]);
      } finally {
        await ds.destroy();
      }
      // TypeORM does not compare index column order or partial-index predicates, so also build
      // the schema from the entities alone, next to the migrated one, and compare the catalogs.
      await withClient(url, (c) => c.query('CREATE SCHEMA entity_sync'));
      const sync = new DataSource({
        type: 'postgres',
        url,
        schema: 'entity_sync',
        entities: [...ENTITIES],
        poolSize: 1,
      });
      await sync.initialize();
      try {
        await sync.synchronize();
      } finally {
        await sync.destroy();
      }
      await withClient(url, async (c) => {
        const migrated = await schemaShape(c, 'public');
        expect(migrated.length).toBeGreaterThan(300);
        expect(await schemaShape(c, 'entity_sync')).toEqual(migrated);
      });
    }));

  it('round-trips rows through the repository API: bigint, numeric, bytea, jsonb, timestamptz', () =>
    withTestDatabase(leg, async ({ url }) => {
      await migrate(url);
      const ds = await createDataSource(url, { poolSize: 2 }).initialize();
      try {
        const status = ds.getRepository(IndexerStatusEntity);
        await status.insert({
          id: 'main',
          height: 10,
          hash: '0x0a',
          finalizedHeight: 8,
          finalizedHash: '0x08',
          bestHeight: 11,
          bestHash: '0x0b',
        });
        const s = await status.findOneByOrFail({ id: 'main' });
        expect(s.garCursor).toBe('0'); // column default, bigint as a string
        expect(s.updatedAt).toBeInstanceOf(Date);
        await status.update({ id: 'main' }, { garCursor: I64_MAX });
        expect((await status.findOneByOrFail({ id: 'main' })).garCursor).toBe(I64_MAX);

        const blocks = ds.getRepository(BlockEntity);
        const block: Block = {
          height: 7,
          hash: '0x07',
          parentHash: '0x06',
          timestamp: new Date('2026-11-21T10:00:00.123Z'),
          specVersion: 73052,
          indexedExtrinsics: 2,
          indexedEvents: 5,
          final: false,
        };
        await blocks.insert(block);
        expect(await blocks.findOneByOrFail({ height: 7 })).toEqual(block);
        await expect(blocks.insert({ ...block, height: 8 })).rejects.toMatchObject({
          code: '23505', // block_hash_key
        });

        const deposits = ds.getRepository(CustomerDepositEntity);
        await deposits.insert([
          { id: 'd1', customerId: 'c', clusterId: null, amount: U128_MAX, blockHeight: 7 },
          { id: 'd2', customerId: 'c', clusterId: '0xc1', amount: U128_MAX, blockHeight: 7 },
        ]);
        expect(await deposits.findOneByOrFail({ id: 'd1' })).toEqual({
          id: 'd1',
          customerId: 'c',
          clusterId: null,
          amount: U128_MAX,
          blockHeight: 7,
        });
        // numeric arithmetic stays exact past 2^128.
        const { total } = (await deposits
          .createQueryBuilder('d')
          .select('SUM(d.amount)', 'total')
          .where('d.customerId = :c', { c: 'c' })
          .getRawOne()) as { total: string };
        expect(total).toBe((2n * BigInt(U128_MAX)).toString());
        // numeric(39, 0) holds 39 digits and no more.
        await expect(
          deposits.insert({
            id: 'd3',
            customerId: 'c',
            clusterId: null,
            amount: '1' + '0'.repeat(39),
            blockHeight: 7,
          })
        ).rejects.toMatchObject({ code: '22003' });

        const buckets = ds.getRepository(BucketEntity);
        await buckets.insert({
          id: U64_MAX,
          ownerId: 'o',
          clusterId: 'c',
          params: null,
          blockHeight: 7,
        });
        expect((await buckets.findOneByOrFail({ id: U64_MAX })).id).toBe(U64_MAX);

        const grants = ds.getRepository(GarGrantEntity);
        const scope = { actions: ['read', 'write'], limits: { bytes: '1' + '0'.repeat(30) } };
        await grants.insert({
          seq: I64_MAX,
          userId: 'u',
          agentId: 'a',
          payload: 'p',
          signature: 's',
          payloadHash: '0xaa',
          createdAt: new Date(0),
          expiresAt: null,
          revoked: false,
          scope,
          url: 'https://gar.example/1',
          parseCode: null,
        });
        const grant = await grants.findOneByOrFail({ seq: I64_MAX });
        expect(grant).toMatchObject({
          seq: I64_MAX,
          scope,
          createdAt: new Date(0),
          revoked: false,
        });
        expect(grant.fetchedAt).toBeInstanceOf(Date);

        const raw = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        const usage = {
          stored: 12,
          ключ: 'значение',
          nested: [1, null, { deep: true }],
          none: null,
        };
        const records = ds.getRepository(ActivityRecordEntity);
        await records.insert({
          id: 'r1',
          recordId: '0xr',
          batchId: 'b1',
          leafIndex: 0,
          clusterId: 'c',
          era: 3,
          userId: null,
          agentId: null,
          customerId: 'c',
          providerId: null,
          nodeId: null,
          timestamp: null,
          cost: U128_MAX,
          usage,
          raw,
          ok: true,
          failed: 0,
          blockHeight: 7,
        });
        const record = await records.findOneByOrFail({ id: 'r1' });
        expect(Buffer.isBuffer(record.raw)).toBe(true);
        expect(record.raw.equals(raw)).toBe(true);
        expect(record.usage).toEqual(usage);
        expect(record.cost).toBe(U128_MAX);
        expect(record.timestamp).toBeNull();

        const remarks = ds.getRepository(RemarkEntity);
        await remarks.insert([
          {
            id: 'm1',
            blockHeight: 7,
            eventIndex: 1,
            extrinsicId: null,
            sender: null,
            hash: '0x1',
            envelope: Buffer.alloc(0),
            kind: null,
            code: null,
          },
          {
            id: 'm2',
            blockHeight: 7,
            eventIndex: 2,
            extrinsicId: null,
            sender: null,
            hash: '0x2',
            envelope: null,
            kind: null,
            code: null,
          },
        ]);
        expect((await remarks.findOneByOrFail({ id: 'm1' })).envelope).toEqual(Buffer.alloc(0));
        expect((await remarks.findOneByOrFail({ id: 'm2' })).envelope).toBeNull();

        // jsonb keeps a top-level array and a string as JSON (TypeORM serializes them).
        const batches = ds.getRepository(PayoutBatchEntity);
        const entries = [{ account: '0x01', amount: U128_MAX }];
        await batches.insert({
          id: 'pb',
          clusterId: 'c',
          era: 3,
          side: 'payees',
          batchIndex: 0,
          maxBatchIndex: 0,
          entries,
          proof: 'leaf-only',
          extrinsicId: 'x',
          blockHeight: 7,
        });
        expect(await batches.findOneByOrFail({ id: 'pb' })).toMatchObject({
          entries,
          proof: 'leaf-only',
        });

        // bigserial ids come back as strings, composite keys find their row.
        const checks = ds.getRepository(SentinelCheckEntity);
        const check = {
          batchId: null,
          payloadHash: '0xp',
          nodeUrl: 'http://n',
          ok: false,
          code: 'E',
          latencyMs: 5,
          facts: null,
        };
        const first = await checks.save({ ...check });
        const second = await checks.save({ ...check });
        expect([first.id, second.id]).toEqual(['1', '2']);
        const lines = ds.getRepository(VerificationLineEntity);
        const line = {
          subjectKind: 'batch',
          subjectId: 'b1',
          step: 'root',
          checkName: 'mmr',
          ok: true,
          code: null,
          rule: 'R1',
          basis: 'chain',
          facts: { leaves: 4 },
          source: null,
          blockHeight: 7,
        };
        await lines.insert([
          { ...line, seq: 0 },
          { ...line, seq: 1, ok: false, code: 'MISMATCH' },
        ]);
        expect(
          await lines.findOneByOrFail({ subjectKind: 'batch', subjectId: 'b1', seq: 1 })
        ).toMatchObject({ ok: false, code: 'MISMATCH', facts: { leaves: 4 } });

        // A transaction that throws leaves nothing behind.
        await expect(
          ds.transaction(async (em) => {
            await em.getRepository(BlockEntity).insert({ ...block, height: 9, hash: '0x09' });
            throw new Error('abort');
          })
        ).rejects.toThrow('abort');
        expect(await blocks.countBy({ height: 9 })).toBe(0);
      } finally {
        await ds.destroy();
      }
    }));
});

/** Makes the engine throw once, outside SQL (as a wasm-level failure would), on a message containing `marker`. */
function failOnce(db: PGlite, marker: string): () => boolean {
  const original = db.execProtocolRawStream.bind(db);
  let fired = false;
  db.execProtocolRawStream = async (message, options) => {
    if (!fired && Buffer.from(message).includes(marker)) {
      fired = true;
      throw new Error('simulated engine exception');
    }
    return original(message, options);
  };
  return () => fired;
}

describe('embedded postgres', () => {
  it('serves on a free port and keeps its data across close() and reopening the directory', async () => {
    const dataDir = await freshPgliteDir();
    try {
      const first = await startEmbeddedPostgres({ dataDir, watchdog: false });
      expect(first.port).toBeGreaterThan(0);
      expect(first.url).toBe(`postgres://postgres@127.0.0.1:${first.port}/postgres`);
      await migrate(first.url);
      const ds = await createDataSource(first.url).initialize();
      await ds
        .getRepository(CustomerDepositEntity)
        .insert({ id: 'd', customerId: 'c', clusterId: null, amount: U128_MAX, blockHeight: 1 });
      await ds.destroy();
      await first.close();
      expect(await first.ping(500)).toBe(false);
      await first.close(); // idempotent

      const second = await startEmbeddedPostgres({ dataDir, watchdog: false });
      try {
        expect(await migrate(second.url)).toEqual([]);
        expect(await tryQuery(second.url, 'SELECT amount::text FROM customer_deposit')).toBe(
          `ok:${U128_MAX}`
        );
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('serves two concurrent clients one transaction at a time', () =>
    withTestDatabase('pglite', async ({ url }) => {
      await withClient(url, (a) =>
        withClient(url, async (b) => {
          await a.query('CREATE TABLE t (id integer PRIMARY KEY, who text NOT NULL)');
          await a.query('BEGIN');
          await a.query(`INSERT INTO t VALUES (1, 'a')`);
          // PGlite has one backend: B's query waits until A's transaction ends, then sees its row
          // (real Postgres would answer at once with 0).
          let answered = false;
          const count = b.query('SELECT count(*)::int AS n FROM t').then((r) => {
            answered = true;
            return r.rows[0].n as number;
          });
          await sleep(300);
          expect(answered).toBe(false);
          await a.query('COMMIT');
          expect(await count).toBe(1);

          // Both write transactions at the same time: each runs whole, all rows land.
          await Promise.all(
            [a, b].map(async (c, k) => {
              await c.query('BEGIN');
              for (let i = 0; i < 50; i++) {
                await c.query('INSERT INTO t VALUES ($1, $2)', [100 * (k + 1) + i, `c${k}`]);
              }
              await c.query('COMMIT');
            })
          );
          const { rows } = await a.query(
            'SELECT who, count(*)::int AS n FROM t GROUP BY who ORDER BY who'
          );
          expect(rows).toEqual([
            { who: 'a', n: 1 },
            { who: 'c0', n: 50 },
            { who: 'c1', n: 50 },
          ]);
          // Unnamed statements of different shapes from both clients never get crossed.
          await Promise.all(
            [a, b].map(async (c, k) => {
              for (let i = 0; i < 100; i++) {
                const r = await c.query(`SELECT $1::int AS v, ${k} AS k`, [i]);
                expect(r.rows[0]).toEqual({ v: i, k });
              }
            })
          );
        })
      );
    }));

  it('keeps extended-query sequences whole while other connections run transactions (pglite)', () =>
    withTestDatabase('pglite', async ({ url }) => {
      // 0.2.17 alone let a BEGIN land between another connection's Parse and Bind: that Bind
      // failed ("unnamed prepared statement does not exist") or the queue deadlocked.
      const pool = new pg.Pool({ connectionString: url, max: 8 });
      try {
        await pool.query('CREATE TABLE t (a integer, b integer)');
        const errors: string[] = [];
        await Promise.all(
          Array.from({ length: 8 }, async (_, w) => {
            for (let i = 0; i < 60; i++) {
              try {
                if (w % 2 === 0) {
                  const c = await pool.connect();
                  try {
                    await c.query('BEGIN');
                    await c.query('INSERT INTO t VALUES ($1, $2)', [w, i]);
                    const r = await c.query('SELECT count(*)::int AS n FROM t WHERE a = $1', [w]);
                    expect(r.rows[0].n).toBe(i + 1);
                    await c.query('COMMIT');
                  } finally {
                    c.release();
                  }
                } else {
                  const r = await pool.query('SELECT $1::int + $2::int AS s', [w, i]);
                  expect(r.rows[0].s).toBe(w + i);
                }
              } catch (e) {
                errors.push((e as Error).message);
              }
            }
          })
        );
        expect(errors).toEqual([]);
        expect((await pool.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(240);
      } finally {
        await pool.end();
      }
    }));

  describe('pglite-socket 0.2.17 stalled queue', () => {
    it('without the guard, one engine exception stalls the server for good', () =>
      withTestDatabase(
        'pglite',
        async ({ url, embedded }) => {
          const fired = failOnce(embedded!.db, 'boom');
          expect(await tryQuery(url, `SELECT 'boom'`)).toMatch(/^error:/);
          expect(fired()).toBe(true);
          // The next connection's startup message is queued behind a flag nobody clears.
          expect(await tryQuery(url, 'SELECT 2', 1000)).toMatch(/^error:.*timeout/);
          expect(await embedded!.ping(500)).toBe(false);
        },
        { embedded: { queueGuard: false, watchdog: false } }
      ));

    it('with the guard, the failing query is rejected and the server keeps answering', () =>
      withTestDatabase(
        'pglite',
        async ({ url, embedded }) => {
          const fired = failOnce(embedded!.db, 'boom');
          await withClient(url, async (idle) => {
            expect(await tryQuery(url, `SELECT 'boom'`)).toMatch(/^error:/);
            expect(fired()).toBe(true);
            expect(await tryQuery(url, 'SELECT 2')).toBe('ok:2');
            // A connection opened before the failure still works.
            expect((await idle.query('SELECT 3 AS v')).rows).toEqual([{ v: 3 }]);
            await until('the guard to report', () => embedded!.guardedErrors === 1);
          });

          // A failure inside a transaction: that client is dropped and its transaction rolled back.
          failOnce(embedded!.db, 'boom2');
          await withClient(url, (c) => c.query('CREATE TABLE t (id integer)'));
          const victim = new pg.Client(url);
          victim.on('error', () => {});
          await victim.connect();
          await victim.query('BEGIN');
          await victim.query('INSERT INTO t VALUES (1)');
          await expect(victim.query(`SELECT 'boom2'`)).rejects.toThrow();
          expect(await tryQuery(url, 'SELECT count(*)::int FROM t')).toBe('ok:0');
          await until('the guard to report', () => embedded!.guardedErrors === 2);
          expect(embedded!.restarts).toBe(0);
        },
        { embedded: { watchdog: false } }
      ));

    it('the watchdog leaves an open transaction alone and restarts a stalled server', () =>
      withTestDatabase(
        'pglite',
        async ({ url, embedded }) => {
          // A transaction held across several watchdog rounds is not mistaken for a stall.
          await withClient(url, async (a) => {
            await a.query('CREATE TABLE t (id integer)');
            await a.query('BEGIN');
            await a.query('INSERT INTO t VALUES (1)');
            await sleep(700);
            await a.query('COMMIT');
          });
          expect(embedded!.restarts).toBe(0);

          // Without the guard the exception stalls the queue; the watchdog notices and restarts.
          const port = embedded!.port;
          failOnce(embedded!.db, 'boom');
          expect(await tryQuery(url, `SELECT 'boom'`)).toMatch(/^error:/);
          await until('a restart', () => embedded!.restarts === 1, 15_000);
          expect(embedded!.port).toBe(port);
          expect(await tryQuery(url, 'SELECT count(*)::int FROM t')).toBe('ok:1');
          expect(embedded!.restarts).toBe(1);
        },
        { embedded: { queueGuard: false, watchdog: { intervalMs: 100, timeoutMs: 1000 } } }
      ));
  });

  it('recovers from kill -9 during an open transaction: committed rows stay, the rest are gone', async () => {
    const dataDir = await freshPgliteDir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/embedded-pg-child.ts', dataDir],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      await migrate(url);
      const insert = (from: number, to: number): string =>
        `INSERT INTO block (height, hash, parent_hash, spec_version, indexed_extrinsics, indexed_events, final)
         SELECT g, '0x' || g, '0x' || (g - 1), 1, 0, 0, true FROM generate_series(${from}, ${to}) g`;
      const client = new pg.Client(url);
      client.on('error', () => {});
      await client.connect();
      await client.query(insert(0, 499));
      await client.query('BEGIN');
      await client.query(insert(500, 4999));
      expect((await client.query('SELECT count(*)::int AS n FROM block')).rows[0].n).toBe(5000);
      // While the child has the directory open, a second engine on it is refused, naming the
      // holder (two engines on one directory would corrupt it).
      const refused = await startEmbeddedPostgres({ dataDir, watchdog: false }).then(
        (s) => s.close().then(() => null),
        (e: unknown) => e
      );
      expect(refused).toBeInstanceOf(DataDirInUseError);
      expect((refused as DataDirInUseError).pid).toBe(child.pid);
      expect((refused as Error).message).toMatch(
        /stop that process, or give this one DATABASE_URL/
      );

      child.kill('SIGKILL');
      const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
      expect([code, signal]).toEqual([null, 'SIGKILL']);

      const reopened = await startEmbeddedPostgres({ dataDir, watchdog: false });
      try {
        expect(await migrate(reopened.url)).toEqual([]);
        expect(
          await tryQuery(
            reopened.url,
            `SELECT count(*) || ':' || max(height) || ':' || sum(height) FROM block`
          )
        ).toBe(`ok:500:499:${(499 * 500) / 2}`);
        expect(await tryQuery(reopened.url, `${insert(500, 500)} RETURNING height`)).toBe('ok:500');
      } finally {
        await reopened.close();
      }
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
