/**
 * The database of the api suite: `proofroom_bench_api` on BENCH_POSTGRES_URL, holding 1,000,000
 * activity records, kept between runs.
 *
 * Indexing a million records with the real indexer takes about 7 minutes, so the database is built
 * once, from a seed the real indexer writes, and reused while it holds what this module would build:
 *
 * 1. Seed: the devnet's scenario of SEED.records records over SEED.eras eras with every one of its
 *    faults (`DEVNET_FAULTS`), indexed by the real indexer (a `Supervisor` child, as in production
 *    and in test/helpers/indexed-devnet.ts) until `indexer_status` names the devnet's head, with
 *    the scenario's reorg played out by `devnet.advance()`.
 * 2. Copies, in SQL (`INSERT … SELECT … CROSS JOIN generate_series`): copy k (1, 2, …) of every
 *    row that belongs to a batch or an era, with ids of its own and eras shifted by k × E (E the
 *    seed's era count), so that copy k is the seed's activity over eras 1 + kE … E + kE:
 *    - `activity_record`: `record_id` and `batch_id` get the suffix `~k`, and the id stays
 *      `<batch id>:<leaf index>` (`8-3:0` becomes `8-3~k:0`); `dac_batch` (id and `remark_id`
 *      suffixed) and the batches' `remark` rows (id suffixed);
 *    - `verification_subject` and `verification_line`: subject ids rewritten per kind (`record`,
 *      `links`: the copied activity id; `anchor`, `batch`: the copied batch id; `era` `<cluster>-<era>` and
 *      `settlement` `<cluster>-<era>-<side>-<account>`: the era shifted);
 *    - `era_payout` and `attestation_round` (id `<cluster>-<era>` shifted), `attestation_vote`,
 *      `payout_batch`, `payout_line` (era shifted). Their ids are event ids `<block>-<index>…`,
 *      which the API splits on `-` (and casts the index to int), so their suffix is a part of its
 *      own: `33-1` becomes `33-1-~k`; `era_payout.paid_event_id` likewise.
 *    Blocks, extrinsics, events, grants, customers and providers are shared by every copy, and so
 *    are the timestamps, block heights and the lines' facts (which still name the seed's era).
 *    The two large tables are loaded without their indexes, which are built again afterwards
 *    (same definitions, read from the catalog); then `VACUUM (ANALYZE)`.
 * 3. Checks: `count(*)` of activity_record, and receipts of copies (api/receipt.ts `loadReceipt`,
 *    what the GraphQL `receipt` field returns) against their originals: the same lines (step,
 *    check, ok, code) and pending steps.
 * 4. A marker row (`bench_build`) saying how the database was built (RECIPE) and with which
 *    migrations. A later run reuses the database when the marker's recipe and migrations equal
 *    this code's and `count(*)` equals the marker's record count; otherwise, or with `--rebuild`,
 *    it is dropped and built again.
 * @module
 */
import pg from 'pg';
import { MIGRATIONS } from '../db/data-source.ts';
import { startDevnet } from '../devnet/devnet.ts';
import { DEVNET_FAULTS } from '../devnet/scenario.ts';
import { Supervisor } from '../indexer/supervisor.ts';
import { loadReceipt } from '../api/receipt.ts';
import { BENCH_POSTGRES_URL, childEnv } from './config.ts';

export const API_DATABASE = 'proofroom_bench_api';

/** How the database is built; a change to it (or to the replication SQL: bump `version`) rebuilds. */
export const RECIPE = {
  version: 2,
  seed: 'bench-api',
  seedRecords: 20_000,
  /** At least 3: the `era-not-paid` fault needs a later era that is paid instead. */
  eras: 3,
  recordsPerBatch: 100,
  faults: [...DEVNET_FAULTS],
  records: 1_000_000,
} as const;

/** Abort the seed's indexing when the indexed head has not moved for this long. */
const SEED_STALL_MS = 120_000;
/** Copies per INSERT statement (progress is printed after each). */
const COPIES_PER_STATEMENT = 7;

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export interface BuildStats {
  /** startDevnet (scenario and chain). */
  readonly devnetMs: number;
  /** The real indexer over the seed, from its start to the devnet's last head. */
  readonly indexMs: number;
  readonly seedRecords: number;
  readonly seedRows: number;
  /** INSERT … SELECT of the copies. */
  readonly copyMs: number;
  readonly copiedRows: number;
  readonly copies: number;
  /** Building the large tables' indexes again. */
  readonly indexBuildMs: number;
  readonly vacuumMs: number;
  /** Everything, from dropping the old database to the marker. */
  readonly totalMs: number;
  readonly databaseBytes: number;
}

export interface ApiDatabase {
  readonly url: string;
  readonly records: number;
  /** Activity records per era copy (the seed's). */
  readonly seedRecords: number;
  readonly builtAt: Date;
  readonly stats: BuildStats;
  /** Whether this run built it (else: reused). */
  readonly builtNow: boolean;
  /** Why it was (re)built, or why it was reused. */
  readonly why: string;
  readonly migrations: readonly string[];
  /** Receipts of copies compared with their originals. */
  readonly receiptsChecked: number;
}

export function apiDatabaseUrl(): string {
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${API_DATABASE}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const codeMigrations = (): string[] => MIGRATIONS.map((M) => new M().name);

interface Marker {
  readonly recipe: string;
  readonly migrations: string[];
  readonly records: number;
  readonly built_at: Date;
  readonly stats: BuildStats;
}

/** Why the existing database cannot be reused, or null when it can (with its marker). */
async function reusable(url: string): Promise<{ why: string; marker?: Marker; records?: number }> {
  const exists = await withClient(
    BENCH_POSTGRES_URL,
    async (c) =>
      (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [API_DATABASE])).rowCount !== 0
  );
  if (!exists) return { why: `no database ${API_DATABASE}` };
  return withClient(url, async (c) => {
    let marker: Marker | undefined;
    try {
      marker = (
        await c.query<Marker>(
          `SELECT recipe, migrations, records::float8 AS records, built_at, stats
             FROM bench_build WHERE id = 'api'`
        )
      ).rows[0];
    } catch {
      // No marker table: an interrupted build.
    }
    if (!marker) return { why: 'no build marker (an interrupted build?)' };
    if (marker.recipe !== JSON.stringify(RECIPE))
      return { why: `built with another recipe: ${marker.recipe}` };
    const applied = (
      await c.query<{ name: string }>(`SELECT name FROM migrations ORDER BY timestamp`)
    ).rows.map((r) => r.name);
    const want = codeMigrations();
    if (applied.join(',') !== want.join(',') || marker.migrations.join(',') !== want.join(','))
      return { why: `schema migrations ${applied.join(', ')}; the code has ${want.join(', ')}` };
    const count = Number(
      (await c.query<{ n: string }>(`SELECT count(*) AS n FROM activity_record`)).rows[0]!.n
    );
    if (count !== marker.records || count < RECIPE.records)
      return { why: `${n(count)} activity records, the marker says ${n(marker.records)}` };
    return { why: '', marker, records: count };
  });
}

/** The suite's database: reused when it holds what RECIPE builds, else (or with `rebuild`) built. */
export async function ensureApiDatabase(opts: {
  rebuild: boolean;
  log: (line: string) => void;
}): Promise<ApiDatabase> {
  const url = apiDatabaseUrl();
  if (!opts.rebuild) {
    const r = await reusable(url);
    if (r.marker) {
      const checked = await checkReceipts(url, r.marker.stats.copies);
      return {
        url,
        records: r.records!,
        seedRecords: r.marker.stats.seedRecords,
        builtAt: r.marker.built_at,
        stats: r.marker.stats,
        builtNow: false,
        why: `reused: built ${r.marker.built_at.toISOString()} with migrations ${r.marker.migrations.join(', ')}`,
        migrations: r.marker.migrations,
        receiptsChecked: checked,
      };
    }
    opts.log(`  ${API_DATABASE}: building it (${r.why})`);
    return build(url, opts.log, r.why);
  }
  opts.log(`  ${API_DATABASE}: rebuilding it (--rebuild)`);
  return build(url, opts.log, '--rebuild');
}

async function build(url: string, log: (line: string) => void, why: string): Promise<ApiDatabase> {
  const t0 = performance.now();
  await withClient(BENCH_POSTGRES_URL, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${API_DATABASE} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${API_DATABASE}`);
  });
  const seed = await indexSeed(url, log);
  const copy = await replicate(url, log);
  const stats: BuildStats = {
    ...seed,
    ...copy,
    totalMs: performance.now() - t0,
    databaseBytes: await withClient(url, async (c) =>
      Number(
        (await c.query<{ b: string }>(`SELECT pg_database_size(current_database()) AS b`)).rows[0]!
          .b
      )
    ),
  };
  const receiptsChecked = await checkReceipts(url, stats.copies);
  const migrations = codeMigrations();
  const builtAt = await withClient(url, async (c) => {
    await c.query(`CREATE TABLE bench_build (
      id text PRIMARY KEY,
      recipe text NOT NULL,
      migrations text[] NOT NULL,
      records bigint NOT NULL,
      built_at timestamptz NOT NULL DEFAULT now(),
      stats jsonb NOT NULL
    )`);
    return (
      await c.query<{ built_at: Date }>(
        `INSERT INTO bench_build (id, recipe, migrations, records, stats)
         VALUES ('api', $1, $2, $3, $4) RETURNING built_at`,
        [JSON.stringify(RECIPE), migrations, copy.records, JSON.stringify(stats)]
      )
    ).rows[0]!.built_at;
  });
  return {
    url,
    records: copy.records,
    seedRecords: copy.seedRecords,
    builtAt,
    stats,
    builtNow: true,
    why,
    migrations,
    receiptsChecked,
  };
}

// --- 1. the seed ---------------------------------------------------------------------------------

async function indexSeed(
  url: string,
  log: (line: string) => void
): Promise<Pick<BuildStats, 'devnetMs' | 'indexMs'>> {
  let t = performance.now();
  const devnet = await startDevnet({
    seed: RECIPE.seed,
    records: RECIPE.seedRecords,
    eras: RECIPE.eras,
    recordsPerBatch: RECIPE.recordsPerBatch,
    faults: [...RECIPE.faults],
  });
  const devnetMs = performance.now() - t;
  log(
    `  seed: devnet of ${n(devnet.scenario.recordCount)} records, ${RECIPE.eras} eras, ` +
      `${RECIPE.faults.length} faults in ${sec(devnetMs)}; indexing it`
  );
  let stderr = '';
  const indexer = new Supervisor({
    env: childEnv({
      PROOFROOM_RPC_URL: devnet.rpcUrl,
      DATABASE_URL: url,
      PROOFROOM_GAR_URL: devnet.garUrl,
      PROOFROOM_STORAGE_URLS: devnet.storageUrls.join(','),
      PROOFROOM_HEAD_POLL_MS: '100',
      PROOFROOM_METRICS_PORT: '-1',
    }),
    stdio: 'pipe',
    minBackoffMs: 100,
    onStart: (child) =>
      child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000))),
  });
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  try {
    t = performance.now();
    indexer.start();
    await client.connect();
    const waitForHead = async (): Promise<void> => {
      let last = '';
      let moved = performance.now();
      for (;;) {
        const r = await client
          .query<{ hash: string; height: number }>(
            `SELECT hash, height FROM indexer_status WHERE id = 'main'`
          )
          .catch(() => ({ rows: [] as Array<{ hash: string; height: number }> }));
        const hash = r.rows[0]?.hash ?? '';
        if (hash === devnet.chain.best.hash) return;
        if (hash !== last) {
          last = hash;
          moved = performance.now();
        }
        if (performance.now() - moved > SEED_STALL_MS)
          throw new Error(
            `seed: the indexer stalled at height ${r.rows[0]?.height ?? '-'} of ` +
              `${devnet.chain.best.number}; its stderr:\n${stderr.slice(-4000)}`
          );
        await new Promise((res) => setTimeout(res, 100));
      }
    };
    await waitForHead();
    // The scenario's reorg and finality steps, to the end.
    while (devnet.advance()) await waitForHead();
    const indexMs = performance.now() - t;
    log(`  seed: indexed in ${sec(indexMs)}`);
    return { devnetMs, indexMs };
  } finally {
    await indexer.stop(5000);
    await client.end().catch(() => {});
    await devnet.close();
  }
}

// --- 2. the copies -------------------------------------------------------------------------------

/** SQL over the seed row `s` and the copy number `k` (E, the seed's era count, inlined). */
interface CopyPlan {
  readonly table: string;
  /** Which seed rows are copied (default: all). */
  readonly where?: string;
  /** Column -> expression; other columns are copied as they are. */
  readonly set: (eras: number) => Record<string, string>;
  /** Loaded without its indexes, built again afterwards. */
  readonly big?: boolean;
}

const suffixed = (col: string): string => `s.${col} || '~' || k`;
/** Event ids `<block>-<index>…`: the suffix as a `-` part of its own (the index stays an int). */
const eventCopy = (col: string): string => `s.${col} || '-~' || k`;
const eraShift = (e: number): string => `s.era + k * ${e}`;
/** `<cluster>-<era>` with the era shifted (the cluster id is 0x-hex, without `-`). */
const eraKey = (col: string, e: number): string =>
  `split_part(s.${col}, '-', 1) || '-' || (split_part(s.${col}, '-', 2)::int + k * ${e})`;
/** `<batch id>:<leaf index>` of the copied batch. */
const activityId = (col: string): string =>
  `split_part(${col}, ':', 1) || '~' || k || ':' || split_part(${col}, ':', 2)`;
/** A verification subject's id in copy k; an unknown kind gives NULL, which NOT NULL refuses. */
const subjectId = (kind: string, id: string, e: number): string => `CASE s.${kind}
    WHEN 'record' THEN ${activityId(`s.${id}`)}
    WHEN 'links' THEN ${activityId(`s.${id}`)}
    WHEN 'anchor' THEN s.${id} || '~' || k
    WHEN 'batch' THEN s.${id} || '~' || k
    WHEN 'era' THEN ${eraKey(id, e)}
    WHEN 'settlement' THEN ${eraKey(id, e)} || '-' || split_part(s.${id}, '-', 3) || '-' || split_part(s.${id}, '-', 4)
  END`;

const PLAN: readonly CopyPlan[] = [
  {
    table: 'remark',
    where: `s.id IN (SELECT remark_id FROM dac_batch)`,
    set: () => ({ id: suffixed('id') }),
  },
  {
    table: 'dac_batch',
    set: (e) => ({ id: suffixed('id'), remark_id: suffixed('remark_id'), era: eraShift(e) }),
  },
  {
    table: 'era_payout',
    set: (e) => ({
      id: eraKey('id', e),
      era: eraShift(e),
      paid_event_id: eventCopy('paid_event_id'),
    }),
  },
  { table: 'attestation_round', set: (e) => ({ id: eraKey('id', e), era: eraShift(e) }) },
  { table: 'attestation_vote', set: (e) => ({ id: eventCopy('id'), era: eraShift(e) }) },
  { table: 'payout_batch', set: (e) => ({ id: eventCopy('id'), era: eraShift(e) }) },
  { table: 'payout_line', set: (e) => ({ id: eventCopy('id'), era: eraShift(e) }) },
  { table: 'verification_subject', set: (e) => ({ id: subjectId('kind', 'id', e) }) },
  {
    table: 'activity_record',
    big: true,
    set: (e) => ({
      id: activityId('s.id'),
      record_id: suffixed('record_id'),
      batch_id: suffixed('batch_id'),
      era: eraShift(e),
    }),
  },
  {
    table: 'verification_line',
    big: true,
    set: (e) => ({ subject_id: subjectId('subject_kind', 'subject_id', e) }),
  },
];

interface IndexDef {
  readonly table: string;
  readonly name: string;
  /** `ALTER TABLE … ADD CONSTRAINT …` for a key, else `CREATE INDEX …`. */
  readonly create: string;
  readonly drop: string;
}

async function indexDefs(c: pg.Client, table: string): Promise<IndexDef[]> {
  const r = await c.query<{ name: string; def: string; con: string | null; condef: string | null }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def,
            k.conname AS con, pg_get_constraintdef(k.oid) AS condef
       FROM pg_index i
       LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.contype IN ('p', 'u')
      WHERE i.indrelid = $1::regclass`,
    [table]
  );
  return r.rows.map((x) =>
    x.con
      ? {
          table,
          name: x.con,
          create: `ALTER TABLE ${table} ADD CONSTRAINT ${x.con} ${x.condef}`,
          drop: `ALTER TABLE ${table} DROP CONSTRAINT ${x.con}`,
        }
      : { table, name: x.name, create: x.def, drop: `DROP INDEX ${x.name}` }
  );
}

async function replicate(
  url: string,
  log: (line: string) => void
): Promise<
  Pick<
    BuildStats,
    'seedRecords' | 'seedRows' | 'copyMs' | 'copiedRows' | 'copies' | 'indexBuildMs' | 'vacuumMs'
  > & { records: number }
> {
  return withClient(url, async (c) => {
    await c.query(`SET synchronous_commit = off`);
    await c.query(`SET maintenance_work_mem = '256MB'`);
    const seed = (
      await c.query<{ n: string; lo: number; hi: number; marked: string }>(
        `SELECT count(*) AS n, min(era) AS lo, max(era) AS hi,
                count(*) FILTER (WHERE strpos(id, '~') > 0) AS marked
           FROM activity_record`
      )
    ).rows[0]!;
    const seedRecords = Number(seed.n);
    if (seedRecords === 0 || Number(seed.marked) !== 0)
      throw new Error(`seed: ${seedRecords} activity records, ${seed.marked} of them copies`);
    const eras = seed.hi - seed.lo + 1;
    const copies = Math.ceil(RECIPE.records / seedRecords);
    const columns = async (table: string): Promise<string[]> =>
      (
        await c.query<{ c: string }>(
          `SELECT column_name AS c FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
          [table]
        )
      ).rows.map((r) => r.c);

    // The seed's rows, kept apart while the tables fill up.
    let seedRows = 0;
    for (const p of PLAN) {
      const r = await c.query(
        `CREATE TEMP TABLE seed_${p.table} AS SELECT * FROM ${p.table} s${p.where ? ` WHERE ${p.where}` : ''}`
      );
      seedRows += r.rowCount ?? 0;
    }
    const dropped: IndexDef[] = [];
    for (const p of PLAN.filter((x) => x.big)) {
      for (const d of await indexDefs(c, p.table)) {
        await c.query(d.drop);
        dropped.push(d);
      }
    }
    log(
      `  copies: ${n(seedRecords)} seed records (${n(seedRows)} rows of ${PLAN.length} tables), ` +
        `${copies - 1} copies of ${eras} eras each; indexes of ` +
        `${PLAN.filter((x) => x.big)
          .map((x) => x.table)
          .join(', ')} dropped meanwhile`
    );

    const t0 = performance.now();
    let copiedRows = 0;
    for (const p of PLAN) {
      const set = p.set(eras);
      const cols = await columns(p.table);
      for (const col of Object.keys(set))
        if (!cols.includes(col)) throw new Error(`${p.table} has no column ${col}`);
      const list = cols.map((col) => `"${col}"`).join(', ');
      const exprs = cols.map((col) => set[col] ?? `s."${col}"`).join(', ');
      const t = performance.now();
      let rows = 0;
      for (let lo = 1; lo < copies; lo += COPIES_PER_STATEMENT) {
        const hi = Math.min(copies - 1, lo + COPIES_PER_STATEMENT - 1);
        const r = await c.query(
          `INSERT INTO ${p.table} (${list})
           SELECT ${exprs} FROM seed_${p.table} s CROSS JOIN generate_series($1::int, $2::int) AS k`,
          [lo, hi]
        );
        rows += r.rowCount ?? 0;
        if (p.big)
          log(
            `  copies: ${p.table} ${n(rows)} rows (copies 1-${hi}), ` +
              `${n(rows / ((performance.now() - t) / 1000))} rows/s`
          );
      }
      copiedRows += rows;
    }
    const copyMs = performance.now() - t0;

    let t = performance.now();
    for (const d of dropped) {
      const ti = performance.now();
      await c.query(d.create);
      log(`  indexes: ${d.table} ${d.name} in ${sec(performance.now() - ti)}`);
    }
    const indexBuildMs = performance.now() - t;
    t = performance.now();
    await c.query(`VACUUM (ANALYZE)`);
    const vacuumMs = performance.now() - t;
    log(`  VACUUM (ANALYZE) in ${sec(vacuumMs)}`);
    const records = Number(
      (await c.query<{ n: string }>(`SELECT count(*) AS n FROM activity_record`)).rows[0]!.n
    );
    if (records < RECIPE.records)
      throw new Error(`${n(records)} activity records after the copies, want ${n(RECIPE.records)}`);
    return {
      seedRecords,
      seedRows,
      copyMs,
      copiedRows,
      copies,
      indexBuildMs,
      vacuumMs,
      records,
    };
  });
}

// --- 3. checks -----------------------------------------------------------------------------------

/**
 * Receipts of copies against their originals: records that failed a line and records that passed,
 * each in the first, a middle and the last copy. Returns how many copies were compared.
 */
async function checkReceipts(url: string, copies: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const originals = (
      await pool.query<{ record_id: string }>(
        `(SELECT record_id FROM activity_record WHERE NOT ok AND strpos(id, '~') = 0
           ORDER BY id LIMIT 2)
         UNION ALL
         (SELECT record_id FROM activity_record WHERE ok AND strpos(id, '~') = 0
           ORDER BY md5(id) LIMIT 3)`
      )
    ).rows.map((r) => r.record_id);
    const ks = [...new Set([1, Math.floor(copies / 2), copies - 1])].filter((k) => k >= 1);
    const shape = (r: Awaited<ReturnType<typeof loadReceipt>>): string =>
      JSON.stringify([
        r!.pending,
        r!.lines.map((l) => [l.step, l.check, l.ok, l.code, l.subjectKind]),
      ]);
    let checked = 0;
    for (const id of originals) {
      const original = await loadReceipt(pool, { recordId: id });
      if (!original || original.lines.length === 0)
        throw new Error(`check: the receipt of ${id} has no lines`);
      for (const k of ks) {
        const copy = await loadReceipt(pool, { recordId: `${id}~${k}` });
        if (!copy) throw new Error(`check: no receipt for ${id}~${k}`);
        if (shape(copy) !== shape(original))
          throw new Error(
            `check: the receipt of ${id}~${k} differs from its original's:\n` +
              `${shape(copy).slice(0, 600)}\n${shape(original).slice(0, 600)}`
          );
        checked++;
      }
    }
    return checked;
  } finally {
    await pool.end();
  }
}
