/**
 * Indexer benchmarks: the indexer process (indexer/main.ts, a child process as in production)
 * indexing the devnet's seeded scenario from block 0 to the best head, on PostgreSQL and on the
 * embedded PGlite.
 *
 * The scenario (50,000 records over 2 eras, no faults; 1,000,000 with `--big`, its payloads in
 * pack files on disk as `proofroom devnet` keeps them from 100,000 records) is built once and
 * served by `startDevnet` in this process for both databases. For each database:
 *
 * - PostgreSQL: a database `pr_bench_<random>` of its own on BENCH_POSTGRES_URL, dropped
 *   afterwards. PGlite: a server of its own on a temporary directory, removed afterwards, in a
 *   child process (test/fixtures/embedded-pg-child.ts) so that its engine does not share this
 *   process's event loop with the devnet (in production it lives in the supervisor, not in the
 *   chain node).
 * - The indexer child is spawned with `PROOFROOM_METRICS_PORT=0`; wall time runs from the spawn
 *   until `indexer_status.height` reaches the devnet's best head and `activity_record` holds every
 *   record of the scenario (polled every POLL_MS). The child's peak RSS is its VmHWM
 *   (/proc/<pid>/status) read before it is killed; its CPU time comes from /proc/<pid>/stat. RSS of
 *   this process (the devnet) and of the PGlite process are sampled every 250 ms.
 * - Its /metrics are scraped at the end: `proofroom_indexer_seconds_total{stage}` splits the time
 *   into rpc (the processor on its own between batches), decode, verify (which contains the payload
 *   fetches) and db. A batch's write runs while the next batch is fetched and verified, so db
 *   overlaps verify; db-wait is the time a verified batch waited for the previous write. Fetch is
 *   the request time summed over up to 8 fetches in flight, so it is shown as a part of verify.
 *   Start-up is spawn to the metrics endpoint (node, tsx, imports, migrations).
 * - Baseline, in the same run: the database's own ceiling for what the indexer writes. The rows of
 *   200 indexed records (activity_record and its verification_line rows,
 *   about 10 per record) are read back as templates and written again, renamed, for as many
 *   records as the scenario holds, with the indexer's own `insertRows` into a freshly migrated
 *   database, BASELINE_TX records per transaction. Only the transactions are timed.
 *
 * Run alone: `node --import tsx bench/indexer.ts [--big]` or `npm run bench indexer [-- --big]`.
 */
import { WRITE_PHASES } from '../indexer/metrics.ts';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { migrate } from '../db/data-source.ts';
import { startDevnet, type Devnet } from '../devnet/devnet.ts';
import { EMBEDDED_INDEXER_ENV } from '../cli/database.ts';
import { TABLES } from '../db/rows.ts';
import { type InsertOptions, type Inserts, insertRows } from '../indexer/sql.ts';
import { BENCH_BIG, BENCH_POSTGRES_URL, childEnv } from './config.ts';
import {
  type Figure,
  RssPeak,
  cpuSnapshot,
  formatFigure,
  killHard,
  metric,
  postgresPids,
  procStatus,
  procsUsed,
  type Reporter,
} from './lib.ts';

const RECORDS = BENCH_BIG ? 1_000_000 : 50_000;
const ERAS = 2;
/** From this many records the payloads live in pack files on disk (as `proofroom devnet`). */
const PAYLOADS_ON_DISK_FROM = 100_000;
const TARGET = 10_000;
const POLL_MS = 100;
const RSS_MS = 250;
/** Abort a run whose indexed height has not moved for this long. */
const STALL_MS = 300_000;
const TIMEOUT_MS = BENCH_BIG ? 3 * 3_600_000 : 900_000;
const TEMPLATES = 200;
const BASELINE_TX = 2000;
/** Fetches in flight in the indexer (indexer/main.ts `fetchConcurrency`). */
const FETCH_CONCURRENCY = 8;

const root = fileURLToPath(new URL('..', import.meta.url));
const MiB = 2 ** 20;
const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** CPU use over a run, in seconds. */
interface CpuUse {
  readonly machine: number;
  readonly self: number;
  readonly server: number;
  readonly child: number;
}

// --- databases -----------------------------------------------------------------------------------

type Leg = 'PostgreSQL' | 'PGlite';

interface BenchDatabase {
  readonly url: string;
  /** The server process, when it is one of ours (PGlite). */
  readonly pid?: number;
  /** The server's processes now (PostgreSQL: every `postgres` process of the machine). */
  serverPids(): Promise<number[]>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: BENCH_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function createPostgres(): Promise<BenchDatabase> {
  const name = `pr_bench_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    serverPids: postgresPids,
    drop: async () => {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** PGlite served by a child process on a fresh temporary directory. */
async function createPglite(): Promise<BenchDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'proofroom-bench-pglite-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/embedded-pg-child.ts', dir],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  const drop = async (): Promise<void> => {
    await killHard(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`PGlite server exited (${code ?? signal}): ${err.trim()}`))
      );
    });
    return { url, pid: child.pid, serverPids: async () => [child.pid!], drop };
  } catch (e) {
    await drop();
    throw e;
  }
}

const createDatabase = (leg: Leg): Promise<BenchDatabase> =>
  leg === 'PostgreSQL' ? createPostgres() : createPglite();

// --- one indexer run -----------------------------------------------------------------------------

interface IndexerRun {
  readonly wallMs: number;
  readonly startupMs: number;
  readonly records: number;
  readonly recordsFailed: number;
  readonly events: number;
  readonly blocks: number;
  readonly stages: {
    rpc: number;
    decode: number;
    fetch: number;
    verify: number;
    db: number;
    dbWait: number;
  };
  /** Seconds inside write transactions per phase (proofroom_indexer_write_phase_seconds_total). */
  readonly phases: ReadonlyArray<readonly [string, number]>;
  readonly childPeakRss: number;
  readonly devnetPeakRss: number;
  readonly dbPeakRss: number | null;
  /** `self` is the devnet, `child` the indexer. */
  readonly cpu: CpuUse;
  /** Lines of the child's output that are not routine (errors, warnings). */
  readonly remarks: string[];
}

/** Routine lines of the child's output: its own announcements and the processor's info logs. */
function routine(line: string): boolean {
  if (/metrics at http/.test(line)) return true;
  if (!line.startsWith('{')) return false;
  try {
    // @subsquid/logger JSON lines: level 0 trace, 1 debug, 2 info, 3 warn, 4 error, 5 fatal.
    return (JSON.parse(line) as { level?: unknown }).level === 2;
  } catch {
    return false;
  }
}

async function indexOnce(leg: Leg, db: BenchDatabase, dn: Devnet): Promise<IndexerRun> {
  const best = dn.chain.best.number;
  const records = dn.scenario.recordCount;
  const devnetRss = new RssPeak(async () => process.memoryUsage().rss);
  const dbRss =
    db.pid === undefined ? null : new RssPeak(async () => (await procStatus(db.pid!))?.rss ?? null);
  const cpu0 = await cpuSnapshot(await db.serverPids());

  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'indexer/main.ts'], {
    cwd: root,
    env: childEnv({
      PROOFROOM_RPC_URL: dn.rpcUrl,
      DATABASE_URL: db.url,
      PROOFROOM_GAR_URL: dn.garUrl,
      PROOFROOM_STORAGE_URLS: dn.storageUrls.join(','),
      PROOFROOM_HEAD_POLL_MS: '100',
      PROOFROOM_METRICS_PORT: '0',
      // As `proofroom index` and `npm start` run it: small write chunks on the embedded database.
      ...(leg === 'PGlite' ? EMBEDDED_INDEXER_ENV : {}),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  const childRss = new RssPeak(async () => (await procStatus(pid))?.rss ?? null);
  const output: string[] = [];
  let metricsUrl: string | null = null;
  let startupMs = NaN;
  let exited: string | null = null;
  const partial = { out: '', err: '' };
  const onLines = (stream: 'out' | 'err', d: Buffer): void => {
    const lines = (partial[stream] + d.toString()).split('\n');
    partial[stream] = lines.pop()!;
    for (const line of lines) {
      if (line.trim() === '') continue;
      output.push(line);
      const m = /metrics at (http:\/\/\S+)/.exec(line);
      if (m && metricsUrl === null) {
        metricsUrl = m[1]!;
        startupMs = performance.now() - t0;
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => onLines('out', d));
  child.stderr.on('data', (d: Buffer) => onLines('err', d));
  child.once('exit', (code, signal) => (exited = `exited (${code ?? signal})`));

  const sampler = setInterval(() => {
    void childRss.sample();
    void devnetRss.sample();
    void dbRss?.sample();
  }, RSS_MS);
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => {});
  try {
    await client.connect();
    let height = -1;
    let lastMove = performance.now();
    let lastProgress = performance.now();
    let wallMs = NaN;
    for (;;) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const now = performance.now();
      const tail = (): string => output.slice(-15).join('\n');
      if (exited !== null) throw new Error(`${leg}: indexer ${exited}:\n${tail()}`);
      if (now - lastMove > STALL_MS)
        throw new Error(
          `${leg}: indexer stalled at height ${height} of ${best} for ${sec(STALL_MS)}:\n${tail()}`
        );
      if (now - t0 > TIMEOUT_MS)
        throw new Error(
          `${leg}: indexer did not finish in ${sec(TIMEOUT_MS)} (height ${height} of ${best}):\n${tail()}`
        );
      let h = -1;
      try {
        const r = await client.query<{ height: number }>(
          `SELECT height FROM indexer_status WHERE id = 'main'`
        );
        h = r.rows[0]?.height ?? -1;
      } catch {
        // Not migrated yet.
      }
      if (h !== height) {
        height = h;
        lastMove = now;
      }
      if (now - lastProgress > 10_000) {
        lastProgress = now;
        process.stderr.write(
          `  ${leg}: indexed height ${height} of ${best} after ${sec(now - t0)}\n`
        );
      }
      if (height < best) continue;
      const c = await client.query<{ count: string }>(`SELECT count(*) FROM activity_record`);
      const count = Number(c.rows[0]!.count);
      if (count === records) {
        wallMs = now - t0;
        break;
      }
      if (count > records)
        throw new Error(`${leg}: ${count} activity records, scenario has ${records}`);
    }
    const metrics = await (await fetch(metricsUrl!)).text();
    const childStatus = await procStatus(pid);
    const serverPids = await db.serverPids();
    const cpu1 = await cpuSnapshot([pid, ...serverPids]);
    await Promise.all([childRss.sample(), devnetRss.sample(), dbRss?.sample()]);
    const stage = (s: string): number =>
      metric(metrics, 'proofroom_indexer_seconds_total', { stage: s }) * 1000;
    return {
      wallMs,
      startupMs,
      records: metric(metrics, 'proofroom_indexer_records_verified_total'),
      recordsFailed: metric(metrics, 'proofroom_indexer_records_verified_total', {
        result: 'failed',
      }),
      events: metric(metrics, 'proofroom_indexer_events_total'),
      blocks: metric(metrics, 'proofroom_indexer_blocks_total'),
      stages: {
        rpc: stage('rpc'),
        decode: stage('decode'),
        fetch: stage('fetch'),
        verify: stage('verify'),
        db: stage('db'),
        dbWait: stage('db-wait'),
      },
      phases: WRITE_PHASES.map((p) => [
        p,
        metric(metrics, 'proofroom_indexer_write_phase_seconds_total', { phase: p }) * 1000,
      ]),
      childPeakRss: Math.max(childStatus?.hwm ?? 0, childRss.peak),
      devnetPeakRss: devnetRss.peak,
      dbPeakRss: dbRss?.peak ?? null,
      cpu: {
        machine: cpu1.machine - cpu0.machine,
        self: cpu1.self - cpu0.self,
        server: procsUsed(cpu0, cpu1, serverPids),
        child: procsUsed(cpu0, cpu1, [pid]),
      },
      remarks: output.filter((l) => !routine(l)),
    };
  } finally {
    clearInterval(sampler);
    await killHard(child);
    await client.end().catch(() => {});
  }
}

// --- the baseline --------------------------------------------------------------------------------

type BaselineTable = 'activity_record' | 'verification_line';

interface Template {
  readonly record: Inserts['activity_record'];
  readonly lines: Array<Inserts['verification_line']>;
}

/** `SELECT` list of a table's insert columns, with jsonb read back as text. */
function selectList(table: BaselineTable): string {
  return TABLES[table].columns
    .map(([c, t]) => (t === 'jsonb' || t === 'json' ? `"${c}"::text AS "${c}"` : `"${c}"`))
    .join(', ');
}

/** A row read back as the writer's row: only the insert columns (jsonb read as text). */
function rowOf<T extends BaselineTable>(table: T, r: Record<string, unknown>): Inserts[T] {
  return Object.fromEntries(TABLES[table].columns.map(([c]) => [c, r[c]])) as unknown as Inserts[T];
}

/** The rows of `TEMPLATES` indexed records, spread over the scenario. */
async function readTemplates(url: string): Promise<Template[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const recs = await c.query(
      `SELECT ${selectList('activity_record')} FROM activity_record ORDER BY md5(id) LIMIT ${TEMPLATES}`
    );
    const ids = recs.rows.map((r: { id: string }) => r.id);
    const lines = await c.query(
      `SELECT ${selectList('verification_line')} FROM verification_line
        WHERE subject_kind = 'record' AND subject_id = ANY($1::text[]) ORDER BY subject_id, seq`,
      [ids]
    );
    const linesOf = new Map<string, Array<Inserts['verification_line']>>();
    for (const l of lines.rows as Array<{ subject_id: string }>) {
      let list = linesOf.get(l.subject_id);
      if (!list) linesOf.set(l.subject_id, (list = []));
      list.push(rowOf('verification_line', l));
    }
    return recs.rows.map((r: { id: string }) => ({
      record: rowOf('activity_record', r),
      lines: linesOf.get(r.id) ?? [],
    }));
  } finally {
    await c.end();
  }
}

/** `s` with its last 8 characters replaced by `i` in hex (unique per i, same length). */
const uniq = (s: string, i: number): string => s.slice(0, -8) + i.toString(16).padStart(8, '0');

interface BaselineRun {
  readonly ms: number;
  readonly rows: Record<BaselineTable, number>;
  readonly transactions: number;
  /** Over the timed transactions; `self` is the client, `child` unused. */
  readonly cpu: CpuUse;
}

/** Writes `records` records' rows, cloned from `templates`, into the migrated database at `url`. */
async function baselineWrite(
  db: BenchDatabase,
  templates: readonly Template[],
  records: number,
  opts: InsertOptions = {}
): Promise<BaselineRun> {
  const url = db.url;
  const cpu = { machine: 0, self: 0, server: 0, child: 0 };
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const rows: Record<BaselineTable, number> = {
    activity_record: 0,
    verification_line: 0,
  };
  let ms = 0;
  let transactions = 0;
  try {
    const client = await pool.connect();
    try {
      for (let from = 0; from < records; from += BASELINE_TX) {
        const recs: Array<Inserts['activity_record']> = [];
        const lines: Array<Inserts['verification_line']> = [];
        for (let i = from; i < Math.min(records, from + BASELINE_TX); i++) {
          const t = templates[i % templates.length]!;
          // Ids shaped like the indexer's (`<block>-<event>:<leaf>`), 400 records per block.
          const height = Math.floor(i / 400) + 1;
          const batch = `${height}-${Math.floor(i / 100) % 4}`;
          const id = `${batch}:${i % 100}`;
          recs.push({
            ...t.record,
            id,
            record_id: uniq(t.record.record_id, i),
            batch_id: batch,
            leaf_index: i % 100,
            block_height: height,
          });
          for (const l of t.lines) lines.push({ ...l, subject_id: id, block_height: height });
        }
        const pids = await db.serverPids();
        const c0 = await cpuSnapshot(pids);
        const t0 = performance.now();
        await client.query('BEGIN');
        await insertRows(client, 'activity_record', recs, opts);
        await insertRows(client, 'verification_line', lines, opts);
        await client.query('COMMIT');
        ms += performance.now() - t0;
        const c1 = await cpuSnapshot(pids);
        cpu.machine += c1.machine - c0.machine;
        cpu.self += c1.self - c0.self;
        cpu.server += procsUsed(c0, c1, pids);
        transactions++;
        rows.activity_record += recs.length;
        rows.verification_line += lines.length;
      }
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
  return { ms, rows, transactions, cpu };
}

// --- figures -------------------------------------------------------------------------------------

/** "x cores" over `wallS` seconds. */
const cores = (cpuS: number, wallS: number): string => `${(cpuS / wallS).toFixed(2)}`;

/** Where the CPU went over `wallS`, in cores. */
function cpuNote(cpu: CpuUse, wallS: number, parts: Array<[string, number]>): string {
  const ours = parts.reduce((a, [, v]) => a + v, 0);
  return (
    `${parts.map(([k, v]) => `${k} ${cores(v, wallS)}`).join(', ')}, ` +
    `other processes of the machine ${cores(Math.max(0, cpu.machine - ours), wallS)} ` +
    `(of ${availableParallelism()} cores)`
  );
}

function reportLeg(
  report: Reporter,
  leg: Leg,
  chain: { records: number; blocks: number; events: number },
  run: IndexerRun,
  base: BaselineRun | Error
): number {
  const records = chain.records;
  const wall = run.wallMs / 1000;
  const rate = records / wall;
  const server = leg === 'PostgreSQL' ? 'postgres processes' : 'PGlite process';
  let ratio: Figure['ratio'];
  if (base instanceof Error) {
    report({
      name: `${leg}: raw write of the same rows (baseline)`,
      value: NaN,
      unit: 'records/s',
      note: base.message.slice(0, 400),
    });
  } else {
    const baseName = `${leg}: raw write, insertRows (baseline)`;
    const baseS = base.ms / 1000;
    const baseRate = records / baseS;
    const r = base.rows;
    const total = r.activity_record + r.verification_line;
    report({
      name: baseName,
      value: baseRate,
      unit: 'records/s',
      ratio: { against: baseName, value: 1 },
      note:
        `${n(r.activity_record)} activity_record + ` +
        `${n(r.verification_line)} verification_line rows ` +
        `(${(r.verification_line / r.activity_record).toFixed(1)} per record) in ${baseS.toFixed(1)} s, ` +
        `${n(total / baseS)} rows/s; ${n(base.transactions)} transactions of ${n(BASELINE_TX)} records, ` +
        `rows cloned from ${TEMPLATES} indexed records; CPU in cores: ` +
        cpuNote(base.cpu, baseS, [
          ['client (pg + insertRows)', base.cpu.self],
          [server, base.cpu.server],
        ]),
    });
    ratio = { against: baseName, value: rate / baseRate };
  }
  const checked =
    run.records === records
      ? `all ${n(records)} verified`
      : `metrics count ${n(run.records)} verified of ${n(records)}`;
  report({
    name: `${leg}: indexer, ${n(records)} records, ${ERAS} eras`,
    value: rate,
    unit: 'records/s',
    ratio,
    note: `${sec(run.wallMs)} wall from spawn to the last record; ${checked}, ${n(run.recordsFailed)} failed a line`,
  });
  report({
    name: `  ${leg}: events`,
    value: run.events / wall,
    unit: 'events/s',
    note:
      `${n(run.events)} events indexed (proofroom_indexer_events_total: the events the mappings ` +
      `select, of ${n(chain.events)} on the chain)`,
  });
  report({
    name: `  ${leg}: blocks`,
    value: run.blocks / wall,
    unit: 'blocks/s',
    note: `${n(run.blocks)} blocks, genesis included`,
  });
  report({ name: `  ${leg}: wall time`, value: wall, unit: 's' });
  report({
    name: `  ${leg}: CPU over the wall time`,
    value: run.cpu.machine / wall,
    unit: 'cores',
    note: cpuNote(run.cpu, wall, [
      ['indexer child', run.cpu.child],
      ['devnet (bench process)', run.cpu.self],
      [server, run.cpu.server],
    ]),
  });
  report({
    name: `  ${leg}: peak RSS, indexer child`,
    value: run.childPeakRss / MiB,
    unit: 'MiB',
    note: 'VmHWM, read before SIGKILL',
  });
  report({
    name: `  ${leg}: peak RSS, devnet (the bench process)`,
    value: run.devnetPeakRss / MiB,
    unit: 'MiB',
    note: `sampled every ${RSS_MS} ms during the run; the scenario and its chain live here`,
  });
  if (run.dbPeakRss !== null)
    report({
      name: `  ${leg}: peak RSS, PGlite server process`,
      value: run.dbPeakRss / MiB,
      unit: 'MiB',
      note: `sampled every ${RSS_MS} ms during the run`,
    });
  const s = run.stages;
  const time = (label: string, ms: number, extra = ''): void =>
    report({
      name: `  ${leg}: time, ${label}`,
      value: ms / 1000,
      unit: 's',
      note: `${((100 * ms) / run.wallMs).toFixed(1)}% of wall${extra}`,
    });
  time('start-up (spawn to metrics endpoint: node, tsx, migrations)', run.startupMs);
  time('decode (mapping blocks)', s.decode);
  time('verify (GAR sync, payload fetches, verification)', s.verify);
  time(
    '  of which fetch',
    s.fetch,
    `; request time summed over up to ${FETCH_CONCURRENCY} fetches in flight, so it may exceed verify`
  );
  time(
    'db (one transaction per processor batch)',
    s.db,
    '; runs while the next batch is fetched and verified, so it overlaps verify'
  );
  time('  db-wait (verification done, waiting for the previous write)', s.dbWait);
  for (const [p, ms] of run.phases) time(`  db phase ${p}`, ms);
  time('rpc (the processor alone: RPC requests and block decoding)', s.rpc);
  if (run.remarks.length === 0)
    console.log(`   [${leg} indexer] no warnings or errors in its output`);
  for (const line of run.remarks.slice(0, 10))
    console.log(`   [${leg} indexer] ${line.slice(0, 300)}`);
  if (run.remarks.length > 10)
    console.log(`   [${leg} indexer] ... ${run.remarks.length - 10} more lines`);
  return rate;
}

// --- the suite -----------------------------------------------------------------------------------

export async function run(report: Reporter): Promise<void> {
  const payloadDir =
    RECORDS >= PAYLOADS_ON_DISK_FROM
      ? await mkdtemp(join(tmpdir(), 'proofroom-bench-payloads-'))
      : undefined;
  let dn: Devnet | undefined;
  try {
    const t = performance.now();
    let shown = 0;
    dn = await startDevnet({
      records: RECORDS,
      eras: ERAS,
      port: 0,
      payloadDir,
      onProgress:
        RECORDS >= 100_000
          ? ({ records: done, of }) => {
              if (done < shown + 100_000 && done < of) return;
              shown = done;
              process.stderr.write(`  built ${n(done)} / ${n(of)} records\n`);
            }
          : undefined,
    });
    const buildMs = performance.now() - t;
    let events = 0;
    for (const b of dn.canonical) events += b.eventCount;
    const shape = { records: dn.scenario.recordCount, blocks: dn.chain.best.number, events };
    report({
      name: `scenario: ${n(dn.scenario.recordCount)} records, ${ERAS} eras, no faults`,
      value: dn.chain.best.number,
      unit: 'blocks',
      note:
        `${n(events)} events, ${n(dn.scenario.payloads.size)} payloads ${payloadDir ? 'on disk' : 'in memory'}; ` +
        `startDevnet ${sec(buildMs)}, RSS ${Math.round(process.memoryUsage().rss / MiB)} MiB after`,
    });

    let pgRate = NaN;
    let pgNote = 'not measured';
    for (const leg of ['PostgreSQL', 'PGlite'] as const) {
      let runResult: IndexerRun;
      let templates: Template[];
      const db = await createDatabase(leg).catch((e: unknown) => e as Error);
      if (db instanceof Error) {
        report({
          name: `${leg}: indexer`,
          value: NaN,
          unit: 'records/s',
          note: `no database: ${db.message}`,
        });
        if (leg === 'PostgreSQL') pgNote = `not measured: ${db.message}`;
        continue;
      }
      try {
        runResult = await indexOnce(leg, db, dn);
        templates = await readTemplates(db.url);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        report({
          name: `${leg}: indexer`,
          value: NaN,
          unit: 'records/s',
          note: message.split('\n')[0]!,
        });
        console.log(
          message
            .split('\n')
            .slice(1)
            .map((l) => `   [${leg} indexer] ${l}`)
            .join('\n')
        );
        if (leg === 'PostgreSQL') pgNote = 'not measured: the run failed';
        continue;
      } finally {
        await db.drop();
      }

      let base: BaselineRun | Error;
      const bdb = await createDatabase(leg).catch((e: unknown) => e as Error);
      if (bdb instanceof Error) base = bdb;
      else {
        try {
          await migrate(bdb.url);
          base = await baselineWrite(bdb, templates, dn.scenario.recordCount);
        } catch (e) {
          base = e instanceof Error ? e : new Error(String(e));
        } finally {
          await bdb.drop();
        }
      }
      const rate = reportLeg(report, leg, shape, runResult, base);
      // On a server the bulk writer COPYs; the array form it used before, for comparison.
      if (leg === 'PostgreSQL' && !(base instanceof Error)) {
        const adb = await createDatabase(leg);
        try {
          await migrate(adb.url);
          const arrays = await baselineWrite(adb, templates, dn.scenario.recordCount, {
            copy: false,
          });
          const s = arrays.ms / 1000;
          report({
            name: `${leg}: raw write, array form (INSERT … unnest, no COPY)`,
            value: dn.scenario.recordCount / s,
            unit: 'records/s',
            ratio: {
              against: `${leg}: raw write, insertRows (baseline)`,
              value: base.ms / arrays.ms,
            },
            note:
              `the same rows in ${s.toFixed(1)} s; CPU in cores: ` +
              cpuNote(arrays.cpu, s, [
                ['client (pg + insertRows)', arrays.cpu.self],
                ['postgres processes', arrays.cpu.server],
              ]),
          });
        } finally {
          await adb.drop();
        }
      }
      if (leg === 'PostgreSQL') {
        pgRate = rate;
        pgNote = rate >= TARGET ? 'met' : 'NOT met';
      }
    }
    report({
      name: `target ≥ ${n(TARGET)} records/s on PostgreSQL (2 cores)`,
      value: pgRate,
      unit: 'records/s',
      note: pgNote,
    });
  } finally {
    await dn?.close();
    if (payloadDir) await rm(payloadDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run((figure) => console.log(formatFigure(figure)));
}
