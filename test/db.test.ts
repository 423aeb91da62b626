import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { type Inserts, type Rows, TABLES, type Table } from '../db/rows.ts';
import { COPY_MIN_ROWS, insertRows } from '../indexer/sql.ts';
import { migrate, revertAll, DataDirInUseError, startEmbeddedPostgres } from '../db/index.ts';
import { opensTransaction } from '../db/embedded.ts';
import { turnWaitMs } from '../db/turn-notice.ts';
import {
  databaseLegs,
  freshPgliteDir,
  undoMigrationsFrom,
  withClient,
  withTestDatabase,
} from './helpers/databases.ts';
import { countProblems } from './helpers/indexer.ts';

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
  'SentinelVrf1764400000000',
  'FilterIndexes1764500000000',
  'CheckCounts1764600000000',
  'ActivityCounts1764700000000',
  'RecordWrites1764800000000',
];
/** The migrations from one-verdict on, which a database of the version before it lacks. */
const SINCE_ONE_VERDICT = MIGRATIONS_RUN.slice(MIGRATIONS_RUN.indexOf('OneVerdict1764100000000'));
/** Every table of the row contract (db/rows.ts): what the migrations create. */
const CONTRACT_TABLES = Object.keys(TABLES).sort();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
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
      expect(await tableNames(url)).toEqual([...CONTRACT_TABLES, 'migrations'].sort());
      expect(CONTRACT_TABLES).toHaveLength(33);

      expect(await revertAll(url)).toEqual([...MIGRATIONS_RUN].reverse());
      expect(await tableNames(url)).toEqual(['migrations']);
      expect(await withClient(url, (c) => c.query('SELECT * FROM migrations'))).toMatchObject({
        rowCount: 0,
      });
      expect(await revertAll(url)).toEqual([]);

      expect(await migrate(url)).toEqual(MIGRATIONS_RUN);
      expect(await tableNames(url)).toEqual([...CONTRACT_TABLES, 'migrations'].sort());
    }));

  it('upgrading to one-verdict drops what an earlier indexer derived and keeps the sentinel', () =>
    withTestDatabase(leg, async ({ url }) => {
      await migrate(url);
      await undoMigrationsFrom(url, 'OneVerdict1764100000000');
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

  it('stores the same rows by COPY (on a server) as by the array form, and refuses the same', () =>
    withTestDatabase(leg, async ({ url }) => {
      await migrate(url);
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      const c = await pool.connect();
      const sent: string[] = [];
      const query = c.query.bind(c) as (...a: unknown[]) => unknown;
      (c as unknown as { query: (...a: unknown[]) => unknown }).query = (q: unknown, ...rest) => {
        sent.push(typeof q === 'string' ? q : String((q as { text?: string }).text));
        return query(q, ...rest);
      };
      try {
        // Every type the row contract uses, nulls, and text that COPY's format escapes.
        const awkward = ['tab\there', 'line\nend', 'cr\rx', 'back\\slash \\N \\.', 'ключ', '"q"'];
        const rows = (prefix: string): Array<Inserts['activity_record']> =>
          Array.from({ length: COPY_MIN_ROWS + 50 }, (_, i) => ({
            id: `${prefix}${i}`,
            record_id: awkward[i % awkward.length]!,
            batch_id: 'b',
            leaf_index: i,
            cluster_id: i % 3 === 0 ? null : 'c',
            era: i % 5 === 0 ? null : i,
            user_id: null,
            agent_id: awkward[(i + 1) % awkward.length]!,
            customer_id: 'c',
            provider_id: null,
            node_id: null,
            timestamp: i % 2 ? new Date(1_700_000_000_000 + i) : null,
            cost: i === 7 ? U128_MAX : String(i),
            usage: JSON.stringify({ n: i, s: awkward[i % awkward.length], a: [null, true] }),
            raw: Buffer.from(Array.from({ length: 64 + i }, (_, j) => (i + j) % 256)),
            ok: i % 2 === 0,
            failed: i,
            block_height: i,
            proof: i % 4 ? null : Buffer.alloc(0),
            pending: 0,
            links_height: null,
            gar_cursor: i === 9 ? I64_MAX : i,
            gar_complete: i % 3 === 0,
          }));
        await insertRows(c, 'activity_record', rows('copy-'));
        await insertRows(c, 'activity_record', rows('array-'), { copy: false });
        const copies = sent.filter((q) => q.startsWith('COPY "activity_record"')).length;
        expect(copies).toBe(leg === 'postgres' ? 1 : 0);
        const read = async (prefix: string) =>
          (
            await c.query(
              `SELECT * FROM activity_record WHERE starts_with(id, $1) ORDER BY leaf_index`,
              [prefix]
            )
          ).rows.map((r: Rows['activity_record']) => ({
            ...r,
            id: r.id.slice(prefix.length),
          }));
        const [byCopy, byArrays] = [await read('copy-'), await read('array-')];
        expect(byCopy).toHaveLength(COPY_MIN_ROWS + 50);
        expect(byCopy).toEqual(byArrays);
        expect(byCopy[7]!.cost).toBe(U128_MAX);
        expect(byCopy[3]!.record_id).toBe('back\\slash \\N \\.');

        // A bad row anywhere in a large insert is refused before anything is sent, and the
        // connection goes on.
        const bad = rows('bad-');
        delete (bad[COPY_MIN_ROWS + 20] as Partial<(typeof bad)[number]>).usage;
        await expect(insertRows(c, 'activity_record', bad)).rejects.toThrow(
          `insertRows(activity_record): row ${COPY_MIN_ROWS + 20} has no value for usage`
        );
        expect(
          (
            await c.query(
              `SELECT count(*)::int AS n FROM activity_record WHERE starts_with(id, 'bad-')`
            )
          ).rows[0].n
        ).toBe(0);
        // A row the database refuses fails the COPY as it fails the array form.
        const dup = rows('copy-');
        await expect(insertRows(c, 'activity_record', dup)).rejects.toMatchObject({
          code: '23505',
        });
        expect((await c.query(`SELECT count(*)::int AS n FROM activity_record`)).rows[0].n).toBe(
          2 * (COPY_MIN_ROWS + 50)
        );
      } finally {
        c.release();
        await pool.end();
      }
    }));

  it('activity_count adds inserted records to their groups, and counts updated and deleted blocks again', () =>
    withTestDatabase(leg, async ({ url }) => {
      await migrate(url);
      await withClient(url, async (c) => {
        const rec = (
          i: number,
          o: Partial<Inserts['activity_record']> = {}
        ): Inserts['activity_record'] => ({
          id: `r${i}`,
          record_id: `x${i}`,
          batch_id: '7-1',
          leaf_index: i,
          // No cluster and no era, or both, in the same block: NULL groups upsert like any other.
          cluster_id: i % 3 === 0 ? null : `0x${'c'.repeat(40)}`,
          era: i % 3 === 0 ? null : 4,
          user_id: null,
          agent_id: null,
          customer_id: null,
          provider_id: null,
          node_id: null,
          timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 10 + i)),
          cost: i % 4 === 0 ? null : String(i),
          usage: null,
          raw: Buffer.from([i]),
          proof: null,
          ok: true,
          failed: 0,
          pending: 0,
          block_height: 7,
          links_height: null,
          gar_cursor: null,
          gar_complete: null,
          ...o,
        });
        const groups = async (): Promise<unknown[]> =>
          (
            await c.query(
              `SELECT cluster_id, era, ok, failing, waiting, records, cost::text,
                      first_timestamp, last_timestamp
                 FROM activity_count ORDER BY cluster_id NULLS FIRST, ok DESC, waiting`
            )
          ).rows;
        // Three statements into the same block and groups: the second and third add to the first's
        // rows (one of them with an earlier timestamp and a null cost), they do not add rows.
        await insertRows(
          c,
          'activity_record',
          [0, 1, 2, 3, 4].map((i) => rec(i))
        );
        await insertRows(
          c,
          'activity_record',
          [5, 6, 7, 8].map((i) => rec(i))
        );
        await insertRows(c, 'activity_record', [
          rec(9, { timestamp: new Date(Date.UTC(2026, 0, 1)) }),
          rec(12, { cost: null }),
        ]);
        expect(await countProblems(c)).toEqual([]);
        const ts = (sec: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, sec));
        expect(await groups()).toEqual([
          {
            cluster_id: null,
            era: null,
            ok: true,
            failing: false,
            waiting: false,
            records: 5,
            cost: '18',
            first_timestamp: ts(0),
            last_timestamp: ts(22),
          },
          {
            cluster_id: `0x${'c'.repeat(40)}`,
            era: 4,
            ok: true,
            failing: false,
            waiting: false,
            records: 6,
            cost: '15',
            first_timestamp: ts(11),
            last_timestamp: ts(18),
          },
        ]);
        // A record that starts to wait leaves its group: counted again from the records.
        await c.query(`UPDATE activity_record SET ok = false, pending = 1 WHERE id = 'r1'`);
        expect(await countProblems(c)).toEqual([]);
        await c.query(`DELETE FROM activity_record WHERE id IN ('r0', 'r9')`);
        expect(await countProblems(c)).toEqual([]);
        expect((await groups()).length).toBe(3);
        await insertRows(c, 'activity_record', [rec(13), rec(14)]);
        expect(await countProblems(c)).toEqual([]);
      });
    }));

  it('round-trips rows through the bulk writer: bigint, numeric, bytea, json, timestamptz', () =>
    withTestDatabase(leg, async ({ url }) => {
      await migrate(url);
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      const c = await pool.connect();
      const one = async <T extends Table>(table: T, where: string): Promise<Rows[T]> =>
        (await c.query(`SELECT * FROM "${table}" WHERE ${where}`)).rows[0] as Rows[T];
      try {
        await c.query(
          `INSERT INTO indexer_status (id, height, hash, finalized_height, finalized_hash,
             best_height, best_hash) VALUES ('main', 10, '0x0a', 8, '0x08', 11, '0x0b')`
        );
        const s = await one('indexer_status', `id = 'main'`);
        expect(s.gar_cursor).toBe('0'); // column default, bigint as a string
        expect(s.updated_at).toBeInstanceOf(Date);

        const block: Inserts['block'] = {
          height: 7,
          hash: '0x07',
          parent_hash: '0x06',
          timestamp: new Date('2026-11-21T10:00:00.123Z'),
          spec_version: 73052,
          indexed_extrinsics: 2,
          indexed_events: 5,
          final: false,
        };
        await insertRows(c, 'block', [block]);
        expect(await one('block', 'height = 7')).toEqual(block);
        await expect(insertRows(c, 'block', [{ ...block, height: 8 }])).rejects.toMatchObject({
          code: '23505', // block_hash_key
        });

        await insertRows(c, 'customer_deposit', [
          { id: 'd1', customer_id: 'c', cluster_id: null, amount: U128_MAX, block_height: 7 },
          { id: 'd2', customer_id: 'c', cluster_id: '0xc1', amount: U128_MAX, block_height: 7 },
        ]);
        expect(await one('customer_deposit', `id = 'd1'`)).toEqual({
          id: 'd1',
          customer_id: 'c',
          cluster_id: null,
          amount: U128_MAX,
          block_height: 7,
        });
        // numeric arithmetic stays exact past 2^128.
        const total = (
          await c.query(
            `SELECT SUM(amount)::text AS t FROM customer_deposit WHERE customer_id = 'c'`
          )
        ).rows[0].t;
        expect(total).toBe((2n * BigInt(U128_MAX)).toString());
        // numeric(39, 0) holds 39 digits and no more.
        await expect(
          insertRows(c, 'customer_deposit', [
            {
              id: 'd3',
              customer_id: 'c',
              cluster_id: null,
              amount: '1' + '0'.repeat(39),
              block_height: 7,
            },
          ])
        ).rejects.toMatchObject({ code: '22003' });

        await insertRows(c, 'bucket', [
          { id: U64_MAX, owner_id: 'o', cluster_id: 'c', params: null, block_height: 7 },
        ]);
        expect((await one('bucket', `id = ${U64_MAX}`)).id).toBe(U64_MAX);

        const scope = { actions: ['read', 'write'], limits: { bytes: '1' + '0'.repeat(30) } };
        await insertRows(c, 'gar_grant', [
          {
            seq: I64_MAX,
            user_id: 'u',
            agent_id: 'a',
            payload: 'p',
            signature: 's',
            payload_hash: '0xaa',
            created_at: new Date(0),
            expires_at: null,
            revoked: false,
            scope: JSON.stringify(scope),
            url: 'https://gar.example/1',
            parse_code: null,
          },
        ]);
        const grant = await one('gar_grant', `seq = ${I64_MAX}`);
        expect(grant).toMatchObject({
          seq: I64_MAX,
          scope,
          created_at: new Date(0),
          revoked: false,
        });
        expect(grant.fetched_at).toBeInstanceOf(Date); // @defaulted: the database fills it

        const raw = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        const usage = {
          stored: 12,
          ключ: 'значение',
          nested: [1, null, { deep: true }],
          none: null,
        };
        await insertRows(c, 'activity_record', [
          {
            id: 'r1',
            record_id: '0xr',
            batch_id: 'b1',
            leaf_index: 0,
            cluster_id: 'c',
            era: 3,
            user_id: null,
            agent_id: null,
            customer_id: 'c',
            provider_id: null,
            node_id: null,
            timestamp: null,
            cost: U128_MAX,
            usage: JSON.stringify(usage),
            raw,
            ok: true,
            failed: 0,
            block_height: 7,
            proof: null,
            pending: 0,
            links_height: null,
            gar_cursor: I64_MAX,
            gar_complete: true,
          },
        ]);
        const record = await one('activity_record', `id = 'r1'`);
        expect(Buffer.isBuffer(record.raw)).toBe(true);
        expect(record.raw.equals(raw)).toBe(true);
        expect(record.usage).toEqual(usage);
        expect([record.cost, record.gar_cursor, record.timestamp]).toEqual([
          U128_MAX,
          I64_MAX,
          null,
        ]);

        const remark = {
          block_height: 7,
          extrinsic_id: null,
          sender: null,
          kind: null,
          code: null,
        };
        await insertRows(c, 'remark', [
          { ...remark, id: 'm1', event_index: 1, hash: '0x1', envelope: Buffer.alloc(0) },
          { ...remark, id: 'm2', event_index: 2, hash: '0x2', envelope: null },
        ]);
        expect((await one('remark', `id = 'm1'`)).envelope).toEqual(Buffer.alloc(0));
        expect((await one('remark', `id = 'm2'`)).envelope).toBeNull();

        // jsonb keeps a top-level array and a string as JSON.
        const entries = [{ account: '0x01', amount: U128_MAX }];
        await insertRows(c, 'payout_batch', [
          {
            id: 'pb',
            cluster_id: 'c',
            era: 3,
            side: 'payees',
            batch_index: 0,
            max_batch_index: 0,
            entries: JSON.stringify(entries),
            proof: JSON.stringify('leaf-only'),
            extrinsic_id: 'x',
            block_height: 7,
            design: 'receipt',
          },
        ]);
        expect(await one('payout_batch', `id = 'pb'`)).toMatchObject({
          entries,
          proof: 'leaf-only',
        });

        const line: Inserts['verification_line'] = {
          subject_kind: 'batch',
          subject_id: 'b1',
          seq: 0,
          step: 'root',
          check_name: 'mmr',
          ok: true,
          code: null,
          rule: 'R1',
          basis: 'chain',
          facts: JSON.stringify({ leaves: 4 }),
          source: null,
          block_height: 7,
          pending: false,
          skipped: false,
        };
        await insertRows(c, 'verification_line', [
          line,
          { ...line, seq: 1, ok: false, code: 'MISMATCH' },
        ]);
        expect(
          await one('verification_line', `subject_kind = 'batch' AND subject_id = 'b1' AND seq = 1`)
        ).toMatchObject({ ok: false, code: 'MISMATCH', facts: { leaves: 4 } });

        // A row that leaves a column out, or puts null in a non-null one, is refused before
        // anything is sent: a writer states every column.
        const noCode: Partial<typeof line> = { ...line };
        delete noCode.code;
        await expect(
          insertRows(c, 'verification_line', [{ ...line, seq: 2 }, noCode as typeof line])
        ).rejects.toThrow('insertRows(verification_line): row 1 has no value for code');
        await expect(
          insertRows(c, 'verification_line', [{ ...line, seq: 3, step: null as never }])
        ).rejects.toThrow('row 0 has no value for step');
        expect((await c.query(`SELECT count(*)::int AS n FROM verification_line`)).rows[0].n).toBe(
          2
        );

        // A transaction that throws leaves nothing behind.
        await c.query('BEGIN');
        await insertRows(c, 'block', [{ ...block, height: 9, hash: '0x09' }]);
        await c.query('ROLLBACK');
        expect(
          (await c.query(`SELECT count(*)::int AS n FROM block WHERE height = 9`)).rows[0].n
        ).toBe(0);
      } finally {
        c.release();
        await pool.end();
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
      await withClient(first.url, (c) =>
        insertRows(c, 'customer_deposit', [
          { id: 'd', customer_id: 'c', cluster_id: null, amount: U128_MAX, block_height: 1 },
        ])
      );
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

  describe('turns between transactions (pglite)', () => {
    /**
     * Three readers each run three statements in a row, all sent while a writer's transaction is
     * open; the writer commits and at once begins a second transaction, which it holds for 300 ms.
     * Returns when each reader's last statement returned and when the second BEGIN did.
     */
    async function commitThenBegin(
      url: string
    ): Promise<{ readersDone: number[]; begun: number; waits: number[] }> {
      return withClient(url, async (w) => {
        // What the database tells the writer of the turns it waited (db/turn-notice.ts).
        const waits: number[] = [];
        w.on('notice', (n) => {
          const ms = turnWaitMs(n.message);
          if (ms !== null) waits.push(ms);
        });
        await w.query('CREATE TABLE t (id integer)');
        const readers = await Promise.all(
          [0, 1, 2].map(async () => {
            const c = new pg.Client(url);
            await c.connect();
            return c;
          })
        );
        try {
          // Quiet for longer than any grace below, so the first BEGIN waits for no one.
          await sleep(700);
          await w.query('BEGIN');
          await w.query('INSERT INTO t VALUES (1)');
          const chains = readers.map(async (c) => {
            for (let i = 0; i < 3; i++) await c.query('SELECT count(*) FROM t');
            return Date.now();
          });
          await sleep(100);
          await w.query('COMMIT');
          await w.query('BEGIN');
          const begun = Date.now();
          await w.query('INSERT INTO t VALUES (2)');
          await sleep(300);
          await w.query('COMMIT');
          return { readersDone: await Promise.all(chains), begun, waits };
        } finally {
          await Promise.all(readers.map((c) => c.end()));
        }
      });
    }

    it('a BEGIN waits while other connections are running statements', () =>
      withTestDatabase(
        'pglite',
        async ({ url }) => {
          const { readersDone, begun, waits } = await commitThenBegin(url);
          for (const done of readersDone) expect(done).toBeLessThanOrEqual(begun);
          // The second BEGIN, and only it, was told that it waited.
          expect(waits).toHaveLength(1);
          expect(waits[0]).toBeGreaterThan(0);
        },
        // Generous times, so a loaded machine's slow turnarounds still count as busy.
        { embedded: { watchdog: false, transactionDeferMs: 3000, transactionGraceMs: 500 } }
      ));

    it("in arrival order, a reader's next statement waits for the whole next transaction", () =>
      withTestDatabase(
        'pglite',
        async ({ url }) => {
          const { readersDone, begun, waits } = await commitThenBegin(url);
          for (const done of readersDone) expect(done).toBeGreaterThanOrEqual(begun + 250);
          expect(waits).toEqual([]);
        },
        { embedded: { watchdog: false, transactionDeferMs: 0 } }
      ));

    it('a BEGIN waits at most transactionDeferMs, however busy the others are', () =>
      withTestDatabase(
        'pglite',
        async ({ url }) => {
          const readers = await Promise.all(
            [0, 1, 2, 3].map(async () => {
              const c = new pg.Client(url);
              await c.connect();
              return c;
            })
          );
          try {
            let stop = false;
            let served = 0;
            const loops = readers.map(async (c) => {
              while (!stop) {
                await c.query('SELECT 1');
                served++;
              }
            });
            await sleep(200);
            const waits: number[] = [];
            const told: number[] = [];
            await withClient(url, async (w) => {
              w.on('notice', (n) => {
                const ms = turnWaitMs(n.message);
                if (ms !== null) told.push(ms);
              });
              for (let i = 0; i < 3; i++) {
                const t = Date.now();
                await w.query('BEGIN');
                waits.push(Date.now() - t);
                await w.query('COMMIT');
              }
            });
            stop = true;
            await Promise.all(loops);
            expect(served).toBeGreaterThan(50);
            for (const ms of waits) {
              expect(ms).toBeGreaterThanOrEqual(190);
              expect(ms).toBeLessThan(1500);
            }
            // Each BEGIN was told how long the database held it (at least the turn).
            expect(told).toHaveLength(3);
            for (const ms of told) expect(ms).toBeGreaterThanOrEqual(200);
          } finally {
            await Promise.all(readers.map((c) => c.end()));
          }
        },
        { embedded: { watchdog: false, transactionDeferMs: 200, transactionGraceMs: 1000 } }
      ));

    it('recognises the messages that open a transaction', () => {
      const query = (sql: string): Uint8Array => {
        const body = Buffer.from(`${sql}\0`, 'latin1');
        const head = Buffer.alloc(5);
        head.write('Q', 0, 'latin1');
        head.writeInt32BE(4 + body.length, 1);
        return new Uint8Array(Buffer.concat([head, body]));
      };
      for (const sql of [
        'BEGIN',
        'begin',
        '  BEGIN ISOLATION LEVEL SERIALIZABLE',
        'START TRANSACTION',
      ])
        expect(opensTransaction(query(sql))).toBe(true);
      for (const sql of ['SELECT 1', 'BEGINNING', 'COMMIT', 'ROLLBACK', "SELECT 'BEGIN'"])
        expect(opensTransaction(query(sql))).toBe(false);
      // An extended-protocol Parse of BEGIN is not a simple query: it is not held back.
      const parse = query('BEGIN');
      parse[0] = 0x50;
      expect(opensTransaction(parse)).toBe(false);
      expect(opensTransaction(new Uint8Array([0x51, 0, 0, 0, 4]))).toBe(false);
      expect(turnWaitMs('proofroom: this transaction waited its turn for 42 ms')).toBe(42);
      expect(turnWaitMs('proofroom: this transaction waited its turn for x ms')).toBeNull();
      expect(turnWaitMs('some other notice')).toBeNull();
      expect(turnWaitMs(undefined)).toBeNull();
    });
  });

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
