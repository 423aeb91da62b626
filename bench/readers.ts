/**
 * Readers under indexing (issue 20): the API on the embedded default (PGlite served over the wire
 * protocol, one shared backend) answering 50 clients while the supervised indexer catches up with
 * a devnet of BENCH_RECORDS records (`--records N`, default 30,000); `--chunk N` sets the indexer's
 * PROOFROOM_WRITE_CHUNK_RECORDS (default: what `proofroom start` sets on the embedded database,
 * EMBEDDED_INDEXER_ENV, which also has the indexer give way to readers).
 *
 * - The devnet: `startDevnet` in this process, shaped as `npm start -- --records N` shapes its demo
 *   (seed `proofroom-demo`, 4 eras, the demo's faults, runtimes and skipped era), but settled at
 *   once (no reorg 3 s in) so that both runs below index the same chain.
 * - Each run gets a fresh data folder served by `proofroom serve` (cli/proofroom.mjs, the real
 *   CLI, as its own process): without DATABASE_URL it opens the embedded PGlite (watchdog, queue
 *   guard) and serves the API over it in one process, as `proofroom start` does; explorer off,
 *   `PROOFROOM_API_RATE_LIMIT=0`, every other `PROOFROOM_*` setting at its default. The schema is
 *   migrated from this process (as `proofroom start` does before it starts the indexer), then the
 *   indexer runs under indexer/supervisor.ts with `PROOFROOM_METRICS_PORT=0`.
 * - Catch-up time: from `Supervisor.start()` until the indexer's committed height
 *   (`proofroom_indexer_height{kind="indexed"}`, set after each COMMIT; its /metrics polled every
 *   POLL_MS, which does not touch the database) reaches the devnet's best head; then
 *   `indexer_status` and `activity_record` are read once to confirm it.
 * - Baseline run: no readers. Measured run: CLIENTS clients, each a loop on its own keep-alive
 *   connection (fetch, in a worker thread so the devnet's work in this thread does not delay
 *   them), sending QUERY (`_meta` and the 20 newest activity records in one request) with a
 *   TIMEOUT_MS client timeout for the whole catch-up. Errors: timeouts, non-200 responses, GraphQL
 *   `errors`, network errors. Latency covers every request (errors at the time they took), from
 *   the call to the end of the body. Then, with the indexer caught up (idle), the same clients for
 *   IDLE_MS: the latency baseline of the same API and database without a writer.
 * - Consistency, per client: `_meta.indexedHeight` never goes down from one answer to the next,
 *   and the newest record's `blockHeight` is not above the `indexedHeight` of the same answer
 *   (separate statements; the API reads the status after the list, so none is expected).
 *   Violations are counted, not fatal.
 * - Machine load (/proc/loadavg) is printed at the start and the end: other work on the machine
 *   changes every figure here.
 *
 * `--same-thread` runs the embedded database on the API's thread, `--every-chunk-eras` has the
 * indexer recompute every era on every chunk (bench/config.ts): the two defaults they turn off.
 * `--slow-write-ms N` prints every write transaction of N ms or more with its phases (the
 * indexer's `PROOFROOM_SLOW_WRITE_MS`; its default logs those of 1 s or more).
 *
 * Run alone: `npm run bench readers [-- --records 5000]` or
 * `node --import tsx bench/readers.ts [--records 5000]`.
 */
import { SERVER_NODE_FLAGS } from '../cli/node-flags.ts';
import { WRITE_PHASES } from '../indexer/metrics.ts';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { DEMO_FAULTS, DEMO_RUNTIMES, DEMO_SKIPS } from '../cli/start-command.ts';
import { migrate } from '../db/data-source.ts';
import { type Devnet, startDevnet } from '../devnet/devnet.ts';
import { Supervisor } from '../indexer/supervisor.ts';
import { EMBEDDED_INDEXER_ENV } from '../cli/database.ts';
import {
  BENCH_CHUNK,
  BENCH_EVERY_CHUNK_ERAS,
  BENCH_RECORDS,
  BENCH_SAME_THREAD,
  BENCH_SLOW_WRITE_MS,
  childEnv,
} from './config.ts';
import {
  type Figure,
  formatFigure,
  killHard,
  metric,
  percentiles,
  procCpu,
  type Reporter,
} from './lib.ts';

const RECORDS = BENCH_RECORDS;
const ERAS = 4;
const CLIENTS = 50;
const TIMEOUT_MS = 10_000;
const TARGET_P99_MS = 300;
const POLL_MS = 100;
/** Readers against the caught-up (idle) indexer: the latency baseline. */
const IDLE_MS = 10_000;
/** Abort a run whose indexed height has not moved for this long. */
const STALL_MS = 300_000;
const RUN_TIMEOUT_MS = 40 * 60_000;
const START_TIMEOUT_MS = 120_000;
const QUERY =
  '{ _meta { indexedHeight } activityRecords(orderBy: blockHeight_DESC, limit: 20) { id recordId ok blockHeight } }';

const root = fileURLToPath(new URL('..', import.meta.url));
const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const loadavg = async (): Promise<string> =>
  (await readFile('/proc/loadavg', 'utf8').catch(() => '? ? ?')).split(' ').slice(0, 3).join(' ');

/** The environment of a child: this one's without PROOFROOM_* and DATABASE_URL, plus `vars`. */
function cleanEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(childEnv({})).filter(
      ([k]) => !k.startsWith('PROOFROOM_') && k !== 'DATABASE_URL'
    )
  );
  return { ...env, ...vars };
}

// --- the embedded database and the API: `proofroom serve` on a fresh data folder ----------------

interface Server {
  readonly apiUrl: string;
  readonly dbUrl: string;
  readonly child: ChildProcess;
  readonly output: string[];
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), 'proofroom-bench-readers-'));
  const child = spawn(
    process.execPath,
    [...SERVER_NODE_FLAGS, 'cli/proofroom.mjs', 'serve', '--port', '0'],
    {
      cwd: root,
      env: cleanEnv({
        PROOFROOM_DATA_DIR: dir,
        PROOFROOM_EXPLORER_DIR: 'off',
        PROOFROOM_API_RATE_LIMIT: '0',
        ...(BENCH_SAME_THREAD ? { PROOFROOM_EMBEDDED_THREAD: '0' } : {}),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  const output: string[] = [];
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const urls = await new Promise<{ api: string; db: string }>((resolve, reject) => {
      let db: string | null = null;
      const timer = setTimeout(
        () => reject(new Error(`proofroom serve did not start in ${sec(START_TIMEOUT_MS)}`)),
        START_TIMEOUT_MS
      );
      const onLine = (line: string): void => {
        const d = /^database (postgres:\/\/\S+)/.exec(line);
        const a = /^Proof Room API at (http:\/\/\S+)\/graphql\b/.exec(line);
        if (d) db = d[1]!;
        else if (a && db) {
          clearTimeout(timer);
          resolve({ api: a[1]!, db });
        } else output.push(line);
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`proofroom serve exited (${code ?? signal}): ${output.slice(-10).join(' | ')}`)
        );
      });
    });
    return { apiUrl: urls.api, dbUrl: urls.db, child, output, stop };
  } catch (e) {
    await killHard(child);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

// --- the readers: a worker thread of fetch loops ------------------------------------------------

/** Outcomes of a request. */
const OUTCOMES = ['ok', 'timeout', 'http', 'graphql', 'network'] as const;

interface ReaderResult {
  /** Absolute start time (ms, performance.timeOrigin-based) and latency of every request. */
  readonly starts: number[];
  readonly latencies: number[];
  /** Index into OUTCOMES. */
  readonly outcomes: number[];
  /** Answers whose indexedHeight was below the client's previous answer's. */
  readonly heightWentDown: number;
  /** Answers whose newest record was above their own indexedHeight. */
  readonly recordsAhead: number;
  /** Answers with a null indexedHeight (no status row yet). */
  readonly noStatus: number;
  readonly maxHeight: number;
  readonly errorSamples: string[];
}

// Plain JavaScript (an eval'd worker needs no TypeScript loader).
const READER_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, clients, timeoutMs, query } = workerData;
let stop = false;
parentPort.on('message', (m) => { if (m === 'stop') stop = true; });
const now = () => performance.timeOrigin + performance.now();
const r = { starts: [], latencies: [], outcomes: [], heightWentDown: 0, recordsAhead: 0,
  noStatus: 0, maxHeight: -1, errorSamples: [] };
const sampled = [0, 0, 0, 0, 0];
const sample = (kind, s) => { if (sampled[kind]++ < 3) r.errorSamples.push(String(s).slice(0, 300)); };
const body = JSON.stringify({ query });
async function client() {
  let last = -1;
  while (!stop) {
    const t = now();
    let outcome = 0;
    try {
      const res = await fetch(url, { method: 'POST', body,
        headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      if (res.status !== 200) { outcome = 2; sample(2, 'HTTP ' + res.status + ': ' + text); }
      else {
        const j = JSON.parse(text);
        if (j.errors) { outcome = 3; sample(3, JSON.stringify(j.errors)); }
        else {
          const h = j.data._meta.indexedHeight;
          if (h === null || h === undefined) r.noStatus++;
          else {
            if (h < last) r.heightWentDown++;
            last = Math.max(last, h);
            if (h > r.maxHeight) r.maxHeight = h;
            const top = j.data.activityRecords[0];
            if (top && top.blockHeight > h) r.recordsAhead++;
          }
        }
      }
    } catch (e) {
      const timeout = e && (e.name === 'TimeoutError' || e.name === 'AbortError');
      outcome = timeout ? 1 : 4;
      sample(outcome, (e && e.name) + ': ' + (e && e.message) + (e && e.cause ? ' (' + e.cause.message + ')' : ''));
    }
    r.starts.push(t);
    r.latencies.push(now() - t);
    r.outcomes.push(outcome);
    if (outcome === 4) await new Promise((s) => setTimeout(s, 100));
  }
}
Promise.all(Array.from({ length: clients }, client)).then(() => parentPort.postMessage(r));
`;

interface Readers {
  /** Stops the loops; resolves when every request in flight has ended. */
  stop(): Promise<ReaderResult>;
}

function startReaders(apiUrl: string): Readers {
  const worker = new Worker(READER_WORKER, {
    eval: true,
    workerData: { url: `${apiUrl}/graphql`, clients: CLIENTS, timeoutMs: TIMEOUT_MS, query: QUERY },
  });
  const done = new Promise<ReaderResult>((resolve, reject) => {
    worker.once('message', (r: ReaderResult) => resolve(r));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`reader worker exited (${code})`)));
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      try {
        return await done;
      } finally {
        await worker.terminate();
      }
    },
  };
}

// --- one catch-up --------------------------------------------------------------------------------

interface CatchUp {
  readonly ms: number;
  /** Spawn to the metrics endpoint. */
  readonly startupMs: number;
  readonly height: number;
  readonly records: number;
  readonly writes: number;
  readonly dbMs: number;
  readonly dbWaitMs: number;
  /** Write transactions whose BEGIN the database held back for the readers, and their wait. */
  readonly turns: number;
  readonly turnMs: number;
  /** Era recomputations put off while catching up, and stale eras recomputed at the head. */
  readonly erasPutOff: number;
  readonly erasSettled: number;
  /** Seconds inside write transactions per phase (proofroom_indexer_write_phase_seconds_total). */
  readonly phases: Record<string, number>;
  /** Write transactions by duration: `le` bucket bounds (s) and cumulative counts. */
  readonly txBuckets: Array<[string, number]>;
  /**
   * Longest write, from the metrics polls: the largest growth of the db stage between two polls
   * that saw a write commit (the sum of them when several committed within one poll).
   */
  readonly longestWriteMs: number;
  readonly restarts: number;
  /** CPU seconds over the catch-up. */
  readonly cpu: { server: number; indexer: number };
  readonly readers: ReaderResult | null;
  /** The same readers with the indexer caught up (idle). */
  readonly idle: ReaderResult | null;
  readonly remarks: string[];
}

/** Routine lines of the indexer's output (its announcements, the processor's info logs). */
function routine(line: string): boolean {
  if (/metrics at http/.test(line) || line.trim() === '') return true;
  if (!line.startsWith('{')) return false;
  try {
    return (JSON.parse(line) as { level?: unknown }).level === 2;
  } catch {
    return false;
  }
}

async function catchUp(dn: Devnet, withReaders: boolean): Promise<CatchUp> {
  const best = dn.chain.best.number;
  const server = await startServer();
  let sup: Supervisor | undefined;
  let readers: Readers | undefined;
  try {
    await migrate(server.dbUrl);
    let metricsUrl: string | null = null;
    let indexerPid: number | undefined;
    let metricsAt = NaN;
    const remarks: string[] = [];
    sup = new Supervisor({
      env: cleanEnv({
        PROOFROOM_RPC_URL: dn.rpcUrl,
        DATABASE_URL: server.dbUrl,
        PROOFROOM_METRICS_PORT: '0',
        PROOFROOM_GAR_URL: dn.garUrl,
        PROOFROOM_STORAGE_URLS: dn.storageUrls.join(','),
        // As `proofroom start` runs it on the embedded database, unless --chunk says otherwise.
        ...EMBEDDED_INDEXER_ENV,
        ...(BENCH_CHUNK > 0 ? { PROOFROOM_WRITE_CHUNK_RECORDS: String(BENCH_CHUNK) } : {}),
        ...(BENCH_EVERY_CHUNK_ERAS ? { PROOFROOM_DEFER_ERAS: '0' } : {}),
        ...(BENCH_SLOW_WRITE_MS > 0
          ? { PROOFROOM_SLOW_WRITE_MS: String(BENCH_SLOW_WRITE_MS) }
          : {}),
      }),
      stdio: 'pipe',
      onStart: (c) => {
        indexerPid = c.pid;
        const onLine = (line: string): void => {
          const m = /metrics at (http:\/\/\S+)/.exec(line);
          if (m) {
            metricsUrl = m[1]!;
            if (Number.isNaN(metricsAt)) metricsAt = performance.now();
          } else if (!routine(line)) remarks.push(line);
        };
        createInterface({ input: c.stdout! }).on('line', onLine);
        createInterface({ input: c.stderr! }).on('line', onLine);
      },
      onExit: (code, signal, wait) => {
        if (wait !== null)
          remarks.push(`indexer exited (${signal ?? code}); restart in ${wait} ms`);
      },
    });
    const cpuServer0 = await procCpu(server.child.pid!);
    const t0 = performance.now();
    sup.start();
    const cpuIndexer0 = await procCpu(sup.pid!);
    if (withReaders) readers = startReaders(server.apiUrl);

    let text = '';
    let height = -1;
    let movedAt = performance.now();
    let lastDb = 0;
    let lastWrites = 0;
    let longestWriteMs = 0;
    while (height < best) {
      await sleep(POLL_MS);
      const now = performance.now();
      if (now - t0 > RUN_TIMEOUT_MS) throw new Error(`no catch-up in ${sec(RUN_TIMEOUT_MS)}`);
      if (now - movedAt > STALL_MS)
        throw new Error(
          `the indexed height stayed at ${height} for ${sec(STALL_MS)}: ${remarks.slice(-5).join(' | ')}`
        );
      if (!metricsUrl) continue;
      try {
        const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) });
        text = await res.text();
      } catch {
        continue;
      }
      const h = metric(text, 'proofroom_indexer_height', { kind: 'indexed' });
      const dbNow = metric(text, 'proofroom_indexer_seconds_total', { stage: 'db' }) * 1000;
      const writesNow = metric(text, 'proofroom_indexer_writes_total');
      if (writesNow > lastWrites) longestWriteMs = Math.max(longestWriteMs, dbNow - lastDb);
      lastDb = dbNow;
      lastWrites = writesNow;
      if (h > height) {
        height = h;
        movedAt = now;
      }
    }
    const ms = performance.now() - t0;
    const cpuIndexer1 = indexerPid === undefined ? NaN : await procCpu(indexerPid);
    const cpuServer1 = await procCpu(server.child.pid!);
    const result = readers ? await readers.stop() : null;
    readers = undefined;

    let idle: ReaderResult | null = null;
    if (withReaders) {
      const r = startReaders(server.apiUrl);
      await sleep(IDLE_MS);
      idle = await r.stop();
    }

    const c = new pg.Client({ connectionString: server.dbUrl });
    await c.connect();
    let status: { height: number; records: number };
    try {
      status = (
        await c.query<{ height: number; records: number }>(
          `SELECT (SELECT height FROM indexer_status WHERE id = 'main')::int AS height,
                  (SELECT count(*) FROM activity_record)::int AS records`
        )
      ).rows[0]!;
    } finally {
      await c.end();
    }
    if (status.height < best)
      throw new Error(`indexer_status.height ${status.height} < the devnet's best ${best}`);
    const stage = (s: string): number =>
      metric(text, 'proofroom_indexer_seconds_total', { stage: s }) * 1000;
    return {
      ms,
      startupMs: metricsAt - t0,
      height: status.height,
      records: status.records,
      writes: metric(text, 'proofroom_indexer_writes_total'),
      dbMs: stage('db'),
      dbWaitMs: stage('db-wait'),
      turns: metric(text, 'proofroom_indexer_reader_turns_total'),
      turnMs: metric(text, 'proofroom_indexer_reader_turn_seconds_total') * 1000,
      erasPutOff: metric(text, 'proofroom_indexer_eras_put_off_total'),
      erasSettled: metric(text, 'proofroom_indexer_eras_settled_total'),
      phases: Object.fromEntries(
        WRITE_PHASES.map((p) => [
          p,
          metric(text, 'proofroom_indexer_write_phase_seconds_total', { phase: p }),
        ])
      ),
      txBuckets: ['0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'].map((le) => [
        le,
        metric(text, 'proofroom_indexer_write_transaction_seconds_bucket', { le }),
      ]),
      longestWriteMs,
      restarts: sup.restarts,
      cpu: { server: cpuServer1 - cpuServer0, indexer: cpuIndexer1 - cpuIndexer0 },
      readers: result,
      idle,
      remarks: [...remarks, ...server.output.map((l) => `serve: ${l}`)],
    };
  } finally {
    if (readers) await readers.stop().catch(() => null);
    await sup?.stop();
    await server.stop();
  }
}

// --- figures -------------------------------------------------------------------------------------

interface Summary {
  readonly requests: number;
  readonly errors: number;
  readonly byOutcome: string;
  readonly durationMs: number;
  readonly pct: Record<string, number>;
  readonly max: number;
  /** Longest time in which no request ended. */
  readonly longestGapMs: number;
}

function summarize(r: ReaderResult): Summary {
  const counts = OUTCOMES.map(() => 0);
  for (const o of r.outcomes) counts[o]!++;
  const ends = r.starts.map((s, i) => s + r.latencies[i]!).sort((a, b) => a - b);
  const first = Math.min(...r.starts);
  let gap = 0;
  let prev = first;
  for (const e of ends) {
    gap = Math.max(gap, e - prev);
    prev = e;
  }
  return {
    requests: r.latencies.length,
    errors: r.latencies.length - counts[0]!,
    byOutcome: OUTCOMES.slice(1)
      .map((k, i) => `${k} ${n(counts[i + 1]!)}`)
      .join(', '),
    durationMs: (ends.at(-1) ?? first) - first,
    pct: percentiles(r.latencies, [50, 95, 99]),
    max: Math.max(...r.latencies),
    longestGapMs: gap,
  };
}

function reportRun(report: Reporter, label: string, run: CatchUp, base: CatchUp | null): void {
  const rate = run.records / (run.ms / 1000);
  const baseName = 'catch-up, no readers (baseline)';
  report({
    name: base ? `catch-up with ${CLIENTS} readers` : baseName,
    value: rate,
    unit: 'records/s',
    ratio: base
      ? { against: baseName, value: rate / (base.records / (base.ms / 1000)) }
      : { against: baseName, value: 1 },
    note:
      `${sec(run.ms)} from Supervisor.start() to indexed height ${n(run.height)}` +
      (base ? ` (slowdown ${(run.ms / base.ms).toFixed(2)}x the time)` : '') +
      `; ${n(run.records)} records; start-up ${sec(run.startupMs)}; ${n(run.writes)} write transactions, ` +
      `db ${sec(run.dbMs)} (mean ${(run.dbMs / Math.max(1, run.writes)).toFixed(0)} ms per transaction, ` +
      `longest ${(run.longestWriteMs / 1000).toFixed(1)} s), ` +
      `db-wait ${sec(run.dbWaitMs)}; ${n(run.turns)} BEGINs held for readers, ${sec(run.turnMs)} in all; ` +
      `eras put off ${n(run.erasPutOff)} times, ${n(run.erasSettled)} settled at the head; CPU: serve (PGlite + API) ${(run.cpu.server / (run.ms / 1000)).toFixed(2)} cores, ` +
      `indexer ${(run.cpu.indexer / (run.ms / 1000)).toFixed(2)} cores (of ${availableParallelism()})` +
      (run.restarts > 0 ? `; ${run.restarts} indexer restarts` : ''),
  });
  console.log(
    `   [${label}] inside write transactions, by phase: ` +
      Object.entries(run.phases)
        .map(([p, s]) => `${p} ${s.toFixed(2)} s`)
        .join(', ') +
      `; transactions ≤ le s (cumulative): ` +
      run.txBuckets.map(([le, c]) => `${le}: ${c}`).join(', ')
  );
  // Every slow write (its phases say where the readers' longest waits come from), then the rest.
  const slow = run.remarks.filter((l) => l.includes('slow write:'));
  const rest = run.remarks.filter((l) => !l.includes('slow write:'));
  for (const line of slow) console.log(`   [${label}] ${line.slice(0, 400)}`);
  for (const line of rest.slice(0, 8)) console.log(`   [${label}] ${line.slice(0, 300)}`);
  if (rest.length > 8) console.log(`   [${label}] ... ${rest.length - 8} more lines`);
}

function reportReaders(report: Reporter, r: ReaderResult, idle: ReaderResult | null): void {
  const s = summarize(r);
  const b = idle ? summarize(idle) : null;
  const idleName = `readers, indexer caught up (baseline, ${sec(IDLE_MS)})`;
  const vs = (v: number, bv: number | undefined): Figure['ratio'] =>
    bv === undefined ? undefined : { against: idleName, value: v / bv };
  if (b)
    report({
      name: idleName,
      value: b.requests / (b.durationMs / 1000),
      unit: 'requests/s',
      note: `${n(b.requests)} requests, ${n(b.errors)} errors; p50 ${b.pct.p50!.toFixed(1)} ms, p95 ${b.pct.p95!.toFixed(1)} ms, p99 ${b.pct.p99!.toFixed(1)} ms, max ${b.max.toFixed(0)} ms`,
    });
  report({
    name: `readers during catch-up: requests`,
    value: s.requests,
    unit: 'requests',
    note: `${CLIENTS} clients over ${sec(s.durationMs)}`,
  });
  report({
    name: `  requests/s`,
    value: s.requests / (s.durationMs / 1000),
    unit: 'requests/s',
    ratio: vs(
      s.requests / (s.durationMs / 1000),
      b ? b.requests / (b.durationMs / 1000) : undefined
    ),
  });
  report({ name: `  errors`, value: s.errors, unit: 'requests', note: s.byOutcome });
  for (const p of ['p50', 'p95', 'p99'] as const)
    report({
      name: `  latency ${p}`,
      value: s.pct[p]!,
      unit: 'ms',
      ratio: vs(s.pct[p]!, b?.pct[p]),
    });
  report({ name: `  latency max`, value: s.max, unit: 'ms', ratio: vs(s.max, b?.max) });
  report({
    name: `  longest time with no response ending`,
    value: s.longestGapMs,
    unit: 'ms',
    note: 'all 50 clients waiting at once',
  });
  report({
    name: `  consistency: indexedHeight went down (per client)`,
    value: r.heightWentDown,
    unit: 'answers',
    note: `highest indexedHeight seen ${n(r.maxHeight)}; ${n(r.noStatus)} answers before the first status row`,
  });
  report({
    name: `  consistency: newest record above its answer's indexedHeight`,
    value: r.recordsAhead,
    unit: 'answers',
    note: 'separate statements; the API reads _meta after activityRecords (docs/api.md)',
  });
  for (const e of r.errorSamples) console.log(`   [readers] error: ${e}`);
  const met = s.errors === 0 && s.pct.p99! <= TARGET_P99_MS;
  report({
    name: `target: 0 errors, p99 ≤ ${TARGET_P99_MS} ms (${CLIENTS} readers, catch-up)`,
    value: s.pct.p99!,
    unit: 'ms p99',
    note: `${met ? 'met' : 'NOT met'}: ${n(s.errors)} errors, p99 ${s.pct.p99!.toFixed(0)} ms`,
  });
}

// --- the suite -----------------------------------------------------------------------------------

export async function run(report: Reporter): Promise<void> {
  console.log(`   machine load at start (/proc/loadavg 1/5/15 min): ${await loadavg()}`);
  const t = performance.now();
  const dn = await startDevnet({
    seed: 'proofroom-demo',
    records: RECORDS,
    eras: ERAS,
    faults: DEMO_FAULTS,
    runtimes: DEMO_RUNTIMES,
    skips: DEMO_SKIPS,
    port: 0,
  });
  try {
    dn.settle();
    report({
      name: `scenario: ${n(dn.scenario.recordCount)} records, ${ERAS} eras, demo faults`,
      value: dn.chain.best.number,
      unit: 'blocks',
      note:
        `startDevnet ${sec(performance.now() - t)}; settled (no reorg); embedded database on ` +
        `${BENCH_SAME_THREAD ? "the API's thread (--same-thread)" : 'a thread of its own'}; eras ` +
        `${BENCH_EVERY_CHUNK_ERAS ? 'recomputed on every chunk (--every-chunk-eras)' : 'put off while catching up'}`,
    });
    let base: CatchUp | null = null;
    try {
      base = await catchUp(dn, false);
      reportRun(report, 'baseline', base, null);
    } catch (e) {
      report({
        name: 'catch-up, no readers (baseline)',
        value: NaN,
        unit: 'records/s',
        note: String(e).slice(0, 400),
      });
    }
    console.log(`   machine load after the baseline: ${await loadavg()}`);
    try {
      const measured = await catchUp(dn, true);
      reportRun(report, 'with readers', measured, base);
      if (measured.readers) reportReaders(report, measured.readers, measured.idle);
    } catch (e) {
      report({
        name: `catch-up with ${CLIENTS} readers`,
        value: NaN,
        unit: 'records/s',
        note: String(e).slice(0, 400),
      });
    }
  } finally {
    await dn.close();
    console.log(`   machine load at end: ${await loadavg()}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run((figure) => console.log(formatFigure(figure)));
}
