/**
 * API benchmarks: the API process (`proofroom serve`, the real CLI, as its own process) over a
 * PostgreSQL database of 1,000,000 activity records (bench/api-data.ts builds it once and keeps
 * it), driven by autocannon from this process with CONNECTIONS concurrent clients.
 *
 * - The API runs with `PROOFROOM_API_RATE_LIMIT=0` (no rate limit) and every other setting at its
 *   default (`PROOFROOM_*` variables of this environment are not passed on), so its database
 *   pool has 10 connections for the 50 clients.
 * - Each load scenario runs WARMUP_S seconds (not measured), then DURATION_S seconds measured:
 *   a. baseline: GraphQL `{ squidStatus { height } }`, the cheapest GraphQL round trip with one
 *      database query; every other scenario's figures are also given as a ratio of it;
 *   b. GraphQL `receipt(recordId:)` with its lines, for a random record of RANDOM_IDS drawn
 *      uniformly from all records in the database (one per request, via `setupRequest`);
 *   c. GraphQL `activityRecords(where: { customerId_eq, era_eq }, orderBy: timestamp_DESC,
 *      limit: 20)` for a random (customer, era) pair among those that exist;
 *   d. GraphQL `activityRecords(…, limit: 20)` as in c, each record with its `receipt` (ok, counts,
 *      lines): a page of receipts, which the API loads in one batch (not a target);
 *   e. REST `GET /v1/receipts/<record id>`, the portable bundle (not a target).
 *   Latency is every response's time as autocannon measures it (from the write of the request to
 *   the end of the response), collected from its `response` events; requests/s is responses over
 *   autocannon's duration. Errors are autocannon's (connection errors, timeouts), non-2xx
 *   responses, and the API's own count of errors returned to clients (`proofroom_api_errors_total`
 *   from its /metrics, before and after: it counts GraphQL errors inside 200 responses). Before
 *   each scenario SAMPLE_CHECKS requests are sent with fetch and their bodies checked (no
 *   `errors`, the asked-for record, …).
 * - Before the scenarios every relation of the database is read into the OS page cache
 *   (`pg_prewarm`, mode `read`): the database (8 GB) fits in memory, and without this the first
 *   scenarios measure the disk (a rehearsal after the page cache had been emptied: the receipt
 *   scenario at 500 requests/s and p99 750 ms, waiting on reads, instead of about 880 and 110).
 *   Each figure's note says how much the machine read from disk meanwhile (/proc/vmstat).
 * - CPU over the measured seconds, from /proc: the API process, every `postgres` process, this
 *   process (autocannon), the rest of the machine. The API's RSS is sampled every RSS_MS ms.
 * - After each autocannon run the suite waits until the database has no active query left (the
 *   requests autocannon left in flight have finished) before it reads the API's counters or
 *   stops it.
 * - Exports, each on a fresh API process of its own (so that its memory is the export's, not what
 *   ran before in it): `GET /v1/export/activityRecords.ndjson` (every column of every row) and
 *   `.csv`, with `fields=id,recordId,era,ok,cost` and with every column, read here as a stream
 *   (newlines counted, the body never held), rows compared with `count(*)`; the API's RSS
 *   sampled every RSS_MS ms.
 *   Baseline, in the same run: the export's own keyset-paged SELECTs (same columns, order and
 *   page size) run from this process with `pg`, rows read and dropped: the database and driver
 *   alone, no encoding and no HTTP.
 *
 * Run alone: `node --import tsx bench/api.ts [--rebuild]` or `npm run bench api [-- --rebuild]`.
 * Options (this suite's own, read from the command line):
 * - `--only=KEYS` (or `--only KEYS` when this file runs alone): run only these load scenarios,
 *   a comma-separated list of `receipt`, `list`, `list-receipts`, `bundle`, and `export` for the
 *   exports; the baseline always runs first (every ratio is against it). Default: everything.
 * - `--api-root=DIR`: run the API of another checkout of this repository (its
 *   `cli/proofroom.mjs`, e.g. a `git worktree` of an older revision with node_modules linked in),
 *   against the same database and with this bench: before/after figures of one change.
 * - `--rounds=N`: run the chosen load scenarios N times in turn on one API process (default 1), to
 *   see how much the figures vary from one run to the next.
 */
import { SERVER_NODE_FLAGS } from '../cli/node-flags.ts';
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { get } from 'node:http';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { type ApiDatabase, RECIPE, ensureApiDatabase } from './api-data.ts';
import { BENCH_REBUILD, childEnv } from './config.ts';
import {
  type CpuSnapshot,
  type Figure,
  type Reporter,
  RssPeak,
  cpuSnapshot,
  formatFigure,
  killHard,
  metric,
  percentiles,
  postgresPids,
  procStatus,
  procsUsed,
} from './lib.ts';

const CONNECTIONS = 50;
const WARMUP_S = 3;
const DURATION_S = 15;
const RSS_MS = 100;
/** Random record ids the receipt scenarios draw from. */
const RANDOM_IDS = 50_000;
const SAMPLE_CHECKS = 20;
/** The API's export page (api/export.ts PAGE_ROWS), for the baseline's reads. */
const EXPORT_PAGE_ROWS = 2000;
const CSV_FIELDS: ReadonlyArray<[field: string, column: string]> = [
  ['id', 'id'],
  ['recordId', 'record_id'],
  ['era', 'era'],
  ['ok', 'ok'],
  ['cost', 'cost'],
];
const TARGET_P99_MS = 50;
const TARGET_RPS = 1000;
const TARGET_EXPORT_RSS = 200e6;
const START_TIMEOUT_MS = 60_000;

/** `--name=value`, or `--name value` (the latter only when this file runs alone). */
function option(name: string): string | undefined {
  const args = process.argv;
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  if (eq !== undefined) return eq.slice(name.length + 3);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

const SCENARIO_KEYS = ['receipt', 'list', 'list-receipts', 'bundle'] as const;
/** The load scenarios to run (the baseline always runs) and whether to run the exports. */
const ONLY: { readonly scenarios: ReadonlySet<string>; readonly exports: boolean } = (() => {
  const raw = option('only');
  if (raw === undefined) return { scenarios: new Set(SCENARIO_KEYS), exports: true };
  const keys = raw.split(',').map((k) => k.trim());
  for (const k of keys)
    if (k !== 'export' && k !== 'baseline' && !(SCENARIO_KEYS as readonly string[]).includes(k))
      throw new RangeError(`--only: ${k} is not one of ${[...SCENARIO_KEYS, 'export'].join(', ')}`);
  return { scenarios: new Set(keys), exports: keys.includes('export') };
})();
const ROUNDS = Number(option('rounds') ?? 1);
if (!Number.isSafeInteger(ROUNDS) || ROUNDS < 1)
  throw new RangeError('--rounds must be a positive integer');

const root = option('api-root') ?? fileURLToPath(new URL('..', import.meta.url));
const MiB = 2 ** 20;
const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const ms2 = (x: number): string => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

// --- the API process -----------------------------------------------------------------------------

interface ApiProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly startupMs: number;
  /** Lines of its output (stdout and stderr) after the start line. */
  readonly output: string[];
}

/** `proofroom serve --database <url> --port 0`, its URL read from the line it prints. */
async function startApi(databaseUrl: string): Promise<ApiProcess> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(childEnv({})).filter(
      ([k]) => !k.startsWith('PROOFROOM_') && k !== 'DATABASE_URL'
    )
  );
  env.PROOFROOM_API_RATE_LIMIT = '0';
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [...SERVER_NODE_FLAGS, 'cli/proofroom.mjs', 'serve', '--database', databaseUrl, '--port', '0'],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  const output: string[] = [];
  const partial = { out: '', err: '' };
  let onLine: (line: string) => void = () => {};
  const lines = (stream: 'out' | 'err', d: Buffer): void => {
    const parts = (partial[stream] + d.toString()).split('\n');
    partial[stream] = parts.pop()!;
    for (const line of parts) if (line.trim() !== '') onLine(line);
  };
  child.stdout.on('data', (d: Buffer) => lines('out', d));
  child.stderr.on('data', (d: Buffer) => lines('err', d));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the API did not start in ${sec(START_TIMEOUT_MS)}`)),
        START_TIMEOUT_MS
      );
      onLine = (line) => {
        const m = /^Proof Room API at (http:\/\/\S+)\/graphql\b/.exec(line);
        if (m) {
          clearTimeout(timer);
          onLine = (l) => output.push(l);
          resolve(m[1]!);
        } else output.push(line);
      };
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the API exited (${code ?? signal}):\n${output.slice(-15).join('\n')}`));
      });
    });
    return { url, pid: child.pid!, child, startupMs: performance.now() - t0, output };
  } catch (e) {
    await killHard(child);
    throw e;
  }
}

/** SIGTERM, as an operator stops it; SIGKILL after 10 s. Returns how it ended. */
async function stopApi(api: ApiProcess): Promise<string> {
  const c = api.child;
  if (c.exitCode !== null || c.signalCode !== null)
    return `had exited (${c.exitCode ?? c.signalCode})`;
  const t0 = performance.now();
  const ended = new Promise<string>((resolve) =>
    c.once('exit', (code, signal) => resolve(`exit ${code ?? signal}`))
  );
  c.kill('SIGTERM');
  const timer = setTimeout(() => void killHard(c), 10_000);
  const how = await ended;
  clearTimeout(timer);
  return `${how} ${sec(performance.now() - t0)} after SIGTERM`;
}

async function scrape(api: ApiProcess): Promise<string> {
  return (await fetch(`${api.url}/metrics`)).text();
}

// --- load scenarios ------------------------------------------------------------------------------

interface Call {
  readonly path: string;
  readonly body?: string;
  /** What is wrong with a response body, or null. */
  readonly check: (status: number, body: string) => string | null;
}

interface Scenario {
  readonly key: 'baseline' | (typeof SCENARIO_KEYS)[number];
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly next: () => Call;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

function graphql(
  query: string,
  variables: Record<string, unknown>,
  check: (data: never) => string | null
): Call {
  return {
    path: '/graphql',
    body: JSON.stringify({ query, variables }),
    check: (status, body) => {
      if (status !== 200) return `HTTP ${status}: ${body.slice(0, 300)}`;
      const json = JSON.parse(body) as { data?: unknown; errors?: unknown };
      if (json.errors !== undefined) return `errors: ${JSON.stringify(json.errors).slice(0, 300)}`;
      return check(json.data as never);
    },
  };
}

const BASELINE_QUERY = '{ squidStatus { height } }';
const RECEIPT_QUERY =
  'query ($r: String!) { receipt(recordId: $r) { recordId ok passed failed pending lines { step check ok code reason rule basis facts source { block eventIndex extrinsic url } } } }';
const LIST_QUERY =
  'query ($c: String!, $e: Int!) { activityRecords(where: { customerId_eq: $c, era_eq: $e }, orderBy: timestamp_DESC, limit: 20) { id recordId ok cost timestamp } }';
const LIST_RECEIPTS_QUERY =
  'query ($c: String!, $e: Int!) { activityRecords(where: { customerId_eq: $c, era_eq: $e }, orderBy: timestamp_DESC, limit: 20) { id recordId receipt { id ok status passed failed pending skipped lines { step check status code } } } }';

function scenarios(ids: readonly string[], pairs: ReadonlyArray<[string, number]>): Scenario[] {
  return [
    {
      key: 'baseline',
      name: 'GraphQL squidStatus (baseline)',
      method: 'POST',
      next: () =>
        graphql(BASELINE_QUERY, {}, (d: { squidStatus?: { height?: unknown } }) =>
          typeof d?.squidStatus?.height === 'number' ? null : 'no height'
        ),
    },
    {
      key: 'receipt',
      name: 'GraphQL receipt(recordId) with its lines',
      method: 'POST',
      next: () => {
        const r = pick(ids);
        return graphql(
          RECEIPT_QUERY,
          { r },
          (d: { receipt?: { recordId?: string; lines?: unknown[] } | null }) =>
            d?.receipt?.recordId !== r
              ? `asked for ${r}, got ${JSON.stringify(d).slice(0, 200)}`
              : (d.receipt.lines?.length ?? 0) === 0
                ? `${r}: no lines`
                : null
        );
      },
    },
    {
      key: 'list',
      name: 'GraphQL activityRecords(customer, era), 20 by time',
      method: 'POST',
      next: () => {
        const [c, e] = pick(pairs);
        return graphql(LIST_QUERY, { c, e }, (d: { activityRecords?: unknown[] }) =>
          !Array.isArray(d?.activityRecords) || d.activityRecords.length === 0
            ? `customer ${c} era ${e}: no records`
            : null
        );
      },
    },
    {
      key: 'list-receipts',
      name: 'GraphQL activityRecords(customer, era), 20 by time, each with its receipt',
      method: 'POST',
      next: () => {
        const [c, e] = pick(pairs);
        return graphql(
          LIST_RECEIPTS_QUERY,
          { c, e },
          (d: {
            activityRecords?: Array<{ id?: string; receipt?: { id?: string; lines?: unknown[] } }>;
          }) =>
            !Array.isArray(d?.activityRecords) || d.activityRecords.length === 0
              ? `customer ${c} era ${e}: no records`
              : d.activityRecords.every(
                    (r) => r.receipt?.id === r.id && (r.receipt?.lines?.length ?? 0) > 0
                  )
                ? null
                : `customer ${c} era ${e}: a record without its receipt`
        );
      },
    },
    {
      key: 'bundle',
      name: 'REST GET /v1/receipts/:id (bundle)',
      method: 'GET',
      next: () => {
        const r = pick(ids);
        return {
          path: `/v1/receipts/${encodeURIComponent(r)}`,
          check: (status, body) => {
            if (status !== 200) return `HTTP ${status}: ${body.slice(0, 300)}`;
            const b = JSON.parse(body) as { recordId?: unknown };
            return b.recordId === r ? null : `asked for ${r}, got ${String(b.recordId)}`;
          },
        };
      },
    },
  ];
}

/** Sends SAMPLE_CHECKS calls one by one; returns the mean response size in bytes. */
async function sampleCheck(api: ApiProcess, s: Scenario): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < SAMPLE_CHECKS; i++) {
    const call = s.next();
    const res = await fetch(api.url + call.path, {
      method: s.method,
      ...(call.body !== undefined
        ? { body: call.body, headers: { 'content-type': 'application/json' } }
        : {}),
    });
    const body = await res.text();
    bytes += Buffer.byteLength(body);
    const wrong = call.check(res.status, body);
    if (wrong !== null) throw new Error(`${s.name}: sample response: ${wrong}`);
  }
  return bytes / SAMPLE_CHECKS;
}

interface CpuUse {
  readonly wallS: number;
  readonly machine: number;
  readonly api: number;
  readonly postgres: number;
  /** This process: autocannon, or the export's reader. */
  readonly self: number;
  /** Bytes the machine read from its disks (/proc/vmstat pgpgin): reads the page cache missed. */
  readonly diskRead: number;
}

/** Bytes read from block devices since boot (/proc/vmstat `pgpgin`, in KiB). */
async function diskReadBytes(): Promise<number> {
  const m = /^pgpgin (\d+)$/m.exec(await readFile('/proc/vmstat', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

interface Mark {
  readonly cpu: CpuSnapshot;
  readonly disk: number;
}

async function cpuStart(api: ApiProcess): Promise<Mark> {
  return {
    cpu: await cpuSnapshot([api.pid, ...(await postgresPids())]),
    disk: await diskReadBytes(),
  };
}

async function cpuEnd(api: ApiProcess, m0: Mark, wallMs: number): Promise<CpuUse> {
  const pgPids = await postgresPids();
  const c1 = await cpuSnapshot([api.pid, ...pgPids]);
  const c0 = m0.cpu;
  return {
    wallS: wallMs / 1000,
    machine: c1.machine - c0.machine,
    api: procsUsed(c0, c1, [api.pid]),
    postgres: procsUsed(c0, c1, pgPids),
    self: c1.self - c0.self,
    diskRead: (await diskReadBytes()) - m0.disk,
  };
}

interface LoadRun {
  readonly responses: number;
  readonly durationS: number;
  readonly latency: Record<string, number>;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** Errors the API counted (proofroom_api_errors_total), GraphQL errors in 200s included. */
  readonly apiErrors: number;
  readonly bytesPerResponse: number;
  readonly cpu: CpuUse;
  readonly apiPeakRss: number;
}

function cannon(api: ApiProcess, s: Scenario, seconds: number, latencies?: number[]) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: api.url,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: s.method,
            path: '/',
            ...(s.method === 'POST' ? { headers: { 'content-type': 'application/json' } } : {}),
            setupRequest: (req) => {
              const call = s.next();
              return { ...req, path: call.path, ...(call.body ? { body: call.body } : {}) };
            },
          },
        ],
      },
      (err: unknown, result: autocannon.Result) => (err ? reject(err) : resolve(result))
    );
    if (latencies) instance.on('response', (_c, _status, _bytes, ms) => latencies.push(ms));
  });
}

/**
 * Waits until no query of the database runs any more but this one's: requests autocannon left in
 * flight when it stopped (their clients gone, their handlers still querying) have finished.
 */
async function settle(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, async (c) => {
    const end = performance.now() + 15_000;
    let quiet = 0;
    while (quiet < 2 && performance.now() < end) {
      const r = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`
      );
      quiet = r.rows[0]!.n === 0 ? quiet + 1 : 0;
      await new Promise((res) => setTimeout(res, 100));
    }
  });
}

async function load(api: ApiProcess, s: Scenario, databaseUrl: string): Promise<LoadRun> {
  const bytesPerResponse = await sampleCheck(api, s);
  await cannon(api, s, WARMUP_S);
  await settle(databaseUrl);
  const latencies: number[] = [];
  const rss = new RssPeak(async () => (await procStatus(api.pid))?.rss ?? null);
  const sampler = setInterval(() => void rss.sample(), RSS_MS);
  const m0 = await scrape(api);
  const c0 = await cpuStart(api);
  const t0 = performance.now();
  let result: autocannon.Result;
  try {
    result = await cannon(api, s, DURATION_S, latencies);
  } finally {
    clearInterval(sampler);
  }
  const cpu = await cpuEnd(api, c0, performance.now() - t0);
  await rss.sample();
  await settle(databaseUrl);
  const m1 = await scrape(api);
  return {
    responses: latencies.length,
    durationS: result.duration,
    latency: {
      ...percentiles(latencies, [50, 90, 99]),
      max: latencies.reduce((a, b) => Math.max(a, b), 0),
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    apiErrors: metric(m1, 'proofroom_api_errors_total') - metric(m0, 'proofroom_api_errors_total'),
    bytesPerResponse,
    cpu,
    apiPeakRss: rss.peak,
  };
}

// --- exports -------------------------------------------------------------------------------------

interface ExportRun {
  readonly rows: number;
  readonly bytes: number;
  readonly ms: number;
  readonly cpu: CpuUse;
  readonly apiPeakRss: number;
  readonly firstLine: string;
}

/** Streams `path`, counting newline-terminated lines; the body is never held. */
async function exportOnce(api: ApiProcess, path: string): Promise<ExportRun> {
  const rss = new RssPeak(async () => (await procStatus(api.pid))?.rss ?? null);
  const sampler = setInterval(() => void rss.sample(), RSS_MS);
  const c0 = await cpuStart(api);
  const t0 = performance.now();
  try {
    const got = await new Promise<{ lines: number; bytes: number; firstLine: string }>(
      (resolve, reject) => {
        const req = get(api.url + path, (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`${path}: HTTP ${res.statusCode}`));
            res.resume();
            return;
          }
          let lines = 0;
          let bytes = 0;
          let head = '';
          let last = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            // The first line (a CSV header or an NDJSON row), up to 1 MB.
            if (head.length < 2 ** 20 && !head.includes('\n')) head += chunk.toString();
            for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
            last = chunk[chunk.length - 1]!;
          });
          res.on('aborted', () => reject(new Error(`${path}: the API broke off the transfer`)));
          res.on('error', reject);
          res.on('end', () => {
            if (!res.complete) reject(new Error(`${path}: incomplete response`));
            else if (bytes > 0 && last !== 10)
              reject(new Error(`${path}: the last row is not newline-terminated`));
            else resolve({ lines, bytes, firstLine: head.split('\n')[0]!.trimEnd() });
          });
        });
        req.on('error', reject);
      }
    );
    const ms = performance.now() - t0;
    const cpu = await cpuEnd(api, c0, ms);
    await rss.sample();
    return {
      rows: got.lines,
      bytes: got.bytes,
      ms,
      cpu,
      apiPeakRss: rss.peak,
      firstLine: got.firstLine,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** The export's keyset-paged SELECTs of `columns`, by id, read here and dropped. */
async function exportBaseline(
  url: string,
  api: ApiProcess,
  columns: readonly string[]
): Promise<{ rows: number; ms: number; cpu: CpuUse }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const list = columns.map((col) => `t0."${col}"`).join(', ');
    const c0 = await cpuStart(api);
    const t0 = performance.now();
    let rows = 0;
    let after: string | null = null;
    for (;;) {
      const r: pg.QueryResult<{ id: string }> = await c.query(
        after === null
          ? `SELECT ${list} FROM activity_record t0 ORDER BY t0.id ASC LIMIT ${EXPORT_PAGE_ROWS}`
          : `SELECT ${list} FROM activity_record t0 WHERE (t0.id) > ($1::text)
              ORDER BY t0.id ASC LIMIT ${EXPORT_PAGE_ROWS}`,
        after === null ? [] : [after]
      );
      rows += r.rows.length;
      if (r.rows.length < EXPORT_PAGE_ROWS) break;
      after = r.rows.at(-1)!.id;
    }
    const ms = performance.now() - t0;
    return { rows, ms, cpu: await cpuEnd(api, c0, ms) };
  } finally {
    await c.end();
  }
}

// --- figures -------------------------------------------------------------------------------------

const cores = (cpuS: number, wallS: number): string => (cpuS / wallS).toFixed(2);

function cpuNote(cpu: CpuUse, self: string): string {
  const w = cpu.wallS;
  const ours = cpu.api + cpu.postgres + cpu.self;
  return (
    `API process ${cores(cpu.api, w)}, postgres processes ${cores(cpu.postgres, w)}, ` +
    `${self} ${cores(cpu.self, w)}, other processes ${cores(Math.max(0, cpu.machine - ours), w)} ` +
    `(of ${availableParallelism()} cores); ${n(cpu.diskRead / 1e6)} MB read from disk`
  );
}

function reportLoad(
  report: Reporter,
  name: string,
  run: LoadRun,
  base: { name: string; run: LoadRun } | null
): void {
  const rps = run.responses / run.durationS;
  const baseRps = base ? base.run.responses / base.run.durationS : rps;
  const l = run.latency;
  const failures = run.errors + run.non2xx + run.apiErrors;
  report({
    name,
    value: rps,
    unit: 'requests/s',
    ratio: { against: base?.name ?? name, value: rps / baseRps },
    note:
      `${n(run.responses)} responses in ${run.durationS.toFixed(1)} s, ${CONNECTIONS} connections; ` +
      `${run.errors} errors (${run.timeouts} timeouts), ${run.non2xx} non-2xx, ` +
      `${run.apiErrors} errors counted by the API${failures ? ' — FAILED' : ''}; ` +
      `${n(run.bytesPerResponse)} bytes per response`,
  });
  report({
    name: `  latency p99`,
    value: l.p99!,
    unit: 'ms',
    ...(base
      ? { ratio: { against: `${base.name} p99`, value: l.p99! / base.run.latency.p99! } }
      : {}),
    note: `p50 ${ms2(l.p50!)}, p90 ${ms2(l.p90!)}, p99 ${ms2(l.p99!)}, max ${ms2(l.max!)} ms`,
  });
  report({
    name: `  CPU`,
    value: run.cpu.machine / run.cpu.wallS,
    unit: 'cores',
    note: `${cpuNote(run.cpu, 'autocannon (bench process)')}; API process ${((1000 * run.cpu.api) / run.responses).toFixed(2)} ms CPU per request, postgres ${((1000 * run.cpu.postgres) / run.responses).toFixed(2)} ms`,
  });
  report({
    name: `  API process peak RSS`,
    value: run.apiPeakRss / MiB,
    unit: 'MiB',
    note: `sampled every ${RSS_MS} ms`,
  });
}

function reportExport(
  report: Reporter,
  name: string,
  run: ExportRun,
  expected: number,
  base: { rows: number; ms: number; cpu: CpuUse } | Error,
  rssBefore: number
): boolean {
  const rate = run.rows / (run.ms / 1000);
  let ratio: Figure['ratio'];
  const baseName = `${name}: the same SELECTs alone (baseline)`;
  if (base instanceof Error)
    report({ name: baseName, value: NaN, unit: 'rows/s', note: base.message.slice(0, 300) });
  else {
    const baseRate = base.rows / (base.ms / 1000);
    report({
      name: baseName,
      value: baseRate,
      unit: 'rows/s',
      ratio: { against: baseName, value: 1 },
      note:
        `${n(base.rows)} rows in ${sec(base.ms)}, pages of ${n(EXPORT_PAGE_ROWS)} by id, read with pg ` +
        `in the bench process; ${cpuNote(base.cpu, 'pg client (bench process)')}`,
    });
    ratio = { against: baseName, value: rate / baseRate };
  }
  const same = run.rows === expected;
  report({
    name,
    value: rate,
    unit: 'rows/s',
    ratio,
    note:
      `${n(run.rows)} rows in ${sec(run.ms)}, ${n(run.bytes / 1e6)} MB at ${(run.bytes / 1e6 / (run.ms / 1000)).toFixed(1)} MB/s ` +
      `(${n(run.bytes / Math.max(1, run.rows))} bytes per row); ` +
      (same ? `rows = count(*)` : `ROWS ≠ count(*) ${n(expected)}`),
  });
  report({
    name: `  CPU`,
    value: run.cpu.machine / run.cpu.wallS,
    unit: 'cores',
    note: cpuNote(run.cpu, 'reader (bench process)'),
  });
  const met = run.apiPeakRss < TARGET_EXPORT_RSS;
  report({
    name: `  API process peak RSS`,
    value: run.apiPeakRss / MiB,
    unit: 'MiB',
    note:
      `${n(run.apiPeakRss / 1e6)} MB, sampled every ${RSS_MS} ms; ${n(rssBefore / MiB)} MiB before ` +
      `the export; target < ${n(TARGET_EXPORT_RSS / 1e6)} MB: ${met ? 'met' : 'NOT met'}`,
  });
  return same;
}

// --- the suite -----------------------------------------------------------------------------------

/** The load's inputs: random record ids, and the (customer, era) pairs with their mean size. */
async function sampleInputs(
  url: string
): Promise<{ ids: string[]; pairs: Array<[string, number]>; perPair: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  let ids: string[];
  let pairs: Array<[string, number]>;
  let perPair: number;
  try {
    ids = (
      await c.query<{ r: string }>(
        `SELECT record_id AS r FROM activity_record ORDER BY random() LIMIT ${RANDOM_IDS}`
      )
    ).rows.map((r) => r.r);
    const p = await c.query<{ c: string; e: number; n: string }>(
      `SELECT customer_id AS c, era AS e, count(*) AS n FROM activity_record
        WHERE customer_id IS NOT NULL AND era IS NOT NULL GROUP BY 1, 2`
    );
    pairs = p.rows.map((r) => [r.c, r.e]);
    perPair = p.rows.reduce((s, r) => s + Number(r.n), 0) / p.rows.length;
  } finally {
    await c.end();
  }
  return { ids, pairs, perPair };
}

export async function run(report: Reporter): Promise<void> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const db: ApiDatabase = await ensureApiDatabase({ rebuild: BENCH_REBUILD, log });
  const st = db.stats;
  if (db.builtNow) {
    report({
      name: `database build: ${n(db.records)} activity records`,
      value: st.totalMs / 1000,
      unit: 's',
      note:
        `devnet ${sec(st.devnetMs)}, real indexer over the seed (${n(st.seedRecords)} records, ` +
        `${RECIPE.eras} eras, ${RECIPE.faults.length} faults) ${sec(st.indexMs)}, ` +
        `copies ${sec(st.copyMs)}, indexes ${sec(st.indexBuildMs)}, VACUUM (ANALYZE) ${sec(st.vacuumMs)}; ` +
        `${(st.databaseBytes / 2 ** 30).toFixed(1)} GiB`,
    });
    report({
      name: `  copies: ${n(st.copiedRows)} rows by INSERT … SELECT`,
      value: st.copiedRows / (st.copyMs / 1000),
      unit: 'rows/s',
      note:
        `${st.copies - 1} copies of the seed's ${n(st.seedRows)} rows; with the index builds ` +
        `${n(st.copiedRows / ((st.copyMs + st.indexBuildMs) / 1000))} rows/s`,
    });
  } else
    report({
      name: `database: ${n(db.records)} activity records (${db.why.split(':')[0]})`,
      value: (st.databaseBytes ?? NaN) / 2 ** 30,
      unit: 'GiB',
      note: `${db.why.slice(db.why.indexOf(':') + 2)}; the build took ${sec(st.totalMs)} (copies ${sec(st.copyMs)}, ${n(st.copiedRows / (st.copyMs / 1000))} rows/s)`,
    });
  console.log(
    `   [data] ${n(db.records)} activity records = count(*); ${db.receiptsChecked} receipts of copies have the lines of their originals (step, check, ok, code)`
  );

  const { ids, pairs, perPair } = await sampleInputs(db.url);
  console.log(
    `   [inputs] ${n(ids.length)} random record ids of ${n(db.records)}; ${n(pairs.length)} (customer, era) pairs, ${perPair.toFixed(0)} records each on average`
  );

  const warm = await prewarm(db.url);
  report({
    name: 'prewarm: every relation read into the page cache',
    value: warm.bytes / 2 ** 30,
    unit: 'GiB',
    note:
      warm.error ??
      `pg_prewarm(…, 'read') of the tables, TOAST tables and indexes in ${sec(warm.ms)}, ` +
        `${n(warm.diskRead / 1e6)} MB of it from disk: the figures below are for a database the ` +
        `page cache holds (a cold cache made the receipt scenario I/O-bound in a rehearsal)`,
  });

  let targets: Figure[] = [];
  // Load scenarios, on one API process.
  await withApi(db.url, report, 'load scenarios', async (api) => {
    const list = scenarios(ids, pairs).filter(
      (s) => s.key === 'baseline' || ONLY.scenarios.has(s.key)
    );
    let receipt: LoadRun | null = null;
    for (let round = 1; round <= ROUNDS; round++) {
      let base: { name: string; run: LoadRun } | null = null;
      const tag = ROUNDS > 1 ? ` [round ${round}/${ROUNDS}]` : '';
      for (const s of list) {
        const r = await load(api, s, db.url);
        reportLoad(report, s.name + tag, r, base);
        if (!base) base = { name: s.name + tag, run: r };
        // The targets are judged on the last round's receipt run.
        if (s.key === 'receipt') receipt = r;
      }
    }
    if (receipt) {
      const rps = receipt.responses / receipt.durationS;
      const clean = receipt.errors + receipt.non2xx + receipt.apiErrors === 0;
      targets = [
        {
          name: `target: receipt p99 ≤ ${TARGET_P99_MS} ms (2 cores)`,
          value: receipt.latency.p99!,
          unit: 'ms',
          note: receipt.latency.p99! <= TARGET_P99_MS && clean ? 'met' : 'NOT met',
        },
        {
          name: `target: receipt ≥ ${n(TARGET_RPS)} requests/s (2 cores)`,
          value: rps,
          unit: 'requests/s',
          note: rps >= TARGET_RPS && clean ? 'met' : 'NOT met',
        },
      ];
    }
  });

  if (!ONLY.exports) {
    for (const t of targets) report(t);
    return;
  }
  // Each export on a fresh API process: its memory is the export's, not what came before.
  const columns = await withClient(db.url, async (cc) =>
    (
      await cc.query<{ c: string }>(
        `SELECT column_name AS c FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'activity_record'
          ORDER BY ordinal_position`
      )
    ).rows.map((r) => r.c)
  );
  const csvFields = CSV_FIELDS.map(([f]) => f).join(',');
  const exports: Array<[string, string, readonly string[]]> = [
    ['export activityRecords.ndjson, every column', '/v1/export/activityRecords.ndjson', columns],
    [
      `export activityRecords.csv, ${csvFields}`,
      `/v1/export/activityRecords.csv?fields=${csvFields}`,
      CSV_FIELDS.map(([, col]) => col),
    ],
    ['export activityRecords.csv, every column', '/v1/export/activityRecords.csv', columns],
  ];
  let exportRss = 0;
  let exportsOk = true;
  for (const [name, path, cols] of exports) {
    await withApi(db.url, report, name.split(',')[0]!, async (api) => {
      const base = await exportBaseline(db.url, api, cols).catch((e: unknown) =>
        e instanceof Error ? e : new Error(String(e))
      );
      const before = (await procStatus(api.pid))?.rss ?? NaN;
      const r = await exportOnce(api, path);
      const csv = path.includes('.csv');
      const header = path.includes('fields=') ? csvFields : 'id,recordId,';
      if (csv && !r.firstLine.startsWith(header)) throw new Error(`${path}: header ${r.firstLine}`);
      if (!csv) JSON.parse(r.firstLine);
      const rows = r.rows - (csv ? 1 : 0);
      exportsOk = reportExport(report, name, { ...r, rows }, db.records, base, before) && exportsOk;
      exportRss = Math.max(exportRss, r.apiPeakRss);
    });
  }
  targets.push({
    name: `target: export of ${n(db.records)} rows streams with < ${n(TARGET_EXPORT_RSS / 1e6)} MB RSS`,
    value: exportRss / MiB,
    unit: 'MiB',
    note: exportRss < TARGET_EXPORT_RSS && exportsOk ? 'met' : 'NOT met',
  });
  for (const t of targets) report(t);
}

/** Runs `fn` against a fresh API process, reporting its start-up; stops it afterwards. */
async function withApi(
  url: string,
  report: Reporter,
  label: string,
  fn: (api: ApiProcess) => Promise<void>
): Promise<void> {
  const api = await startApi(url);
  try {
    const idle = await procStatus(api.pid);
    report({
      name: `API process for the ${label}: start-up`,
      value: api.startupMs / 1000,
      unit: 's',
      note: `spawn of node cli/proofroom.mjs serve to its URL line; RSS ${n((idle?.rss ?? NaN) / MiB)} MiB after`,
    });
    await fn(api);
  } finally {
    const how = await stopApi(api);
    const out = api.output;
    console.log(
      `   [API process, ${label}] ${how}; ${out.length === 0 ? 'nothing else in its output' : `${out.length} lines of output:`}`
    );
    for (const line of out.slice(0, 6)) console.log(`   [API process] ${line.slice(0, 300)}`);
    if (out.length > 6) console.log(`   [API process] ... ${out.length - 6} more lines`);
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Reads every relation of the database (tables, their TOAST tables, indexes) into the OS page
 * cache with pg_prewarm's `read` mode, so that the scenarios do not measure the disk.
 */
async function prewarm(
  url: string
): Promise<{ bytes: number; ms: number; diskRead: number; error?: string }> {
  return withClient(url, async (c) => {
    const t0 = performance.now();
    const d0 = await diskReadBytes();
    try {
      await c.query(`CREATE EXTENSION IF NOT EXISTS pg_prewarm`);
      const r = await c.query<{ blocks: string }>(
        `WITH t AS (SELECT oid, reltoastrelid FROM pg_class
                     WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'),
              heaps AS (SELECT oid FROM t UNION SELECT reltoastrelid FROM t WHERE reltoastrelid <> 0),
              rels AS (SELECT oid FROM heaps
                       UNION SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT oid FROM heaps))
         SELECT sum(pg_prewarm(oid, 'read'))::text AS blocks FROM rels`
      );
      const bs = Number(
        (await c.query<{ s: string }>(`SELECT current_setting('block_size') AS s`)).rows[0]!.s
      );
      return {
        bytes: Number(r.rows[0]!.blocks) * bs,
        ms: performance.now() - t0,
        diskRead: (await diskReadBytes()) - d0,
      };
    } catch (e) {
      return {
        bytes: NaN,
        ms: performance.now() - t0,
        diskRead: NaN,
        error: `not done: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run((figure) => console.log(formatFigure(figure)));
}
