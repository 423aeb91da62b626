/**
 * Sentinel benchmarks (sentinel/): how fast a round checks sampled leaves against three storage
 * nodes, and how often a round catches a tampered batch compared with what its sample size
 * promises.
 *
 * - **Throughput.** The devnet's scenario with RECORDS records over 2 eras and no faults, once with
 *   10 and once with 100 records per batch, indexed into the local PostgreSQL by the real indexer
 *   (test/helpers/indexed-devnet.ts; the indexer is stopped once the head is indexed). Then
 *   `Sentinel.runOnce()` over both paid eras with the three storage nodes, every node asked per
 *   leaf, no rate limit, no evidence files, a pool of 4 connections as `proofroom sentinel` opens,
 *   and a large sample (rule `formula`, d = 0.999, p = 0.0005: 5,801 of an era's 10,000 leaves), at
 *   concurrency 4 and 8, each run under a sentinel key of its own (round ids include the key).
 *   Samples/s are the sampled leaves written to `sentinel_check` over the wall time of `runOnce`;
 *   node checks are its rows (one per leaf and node); fetch latency is that of each (batch, node)
 *   request as the sentinel stored it (`latency_ms`, whole milliseconds). The devnet (chain, RPC,
 *   storage nodes) runs in this process, as does the sentinel.
 * - **Baseline**, in the same run right after each sentinel run: plain `fetch` GETs of the same
 *   batches' payloads (`<node>/v1/payloads/<hash>`) from the same three nodes, the same number of
 *   batches in flight, each batch asked of the three nodes at once as the sentinel does, with no
 *   hashing, judging or database work; its rate counts the same sampled leaves.
 * - **Detection.** One devnet era of DETECT_RECORDS records, 10 per batch, with the
 *   `payload-tampered` fault (node 1 serves the era's first batch with one byte flipped), indexed
 *   once. N (the era's anchored leaves) and K (the leaves of the tampered batch) are read from the
 *   database and the manifest. Each trial is a `runOnce` under a fresh random key with d = 0.99,
 *   p = 0.01, once with the `formula` rule and once with `exact`; a trial detects when the faulted
 *   era's round has `failed > 0` as stored. The measured rate, with its 95% Wilson interval, is
 *   printed against d and against the exact hypergeometric chance 1 − missProbability(N, K, n).
 *   A pure simulation draws samples with `drawSample` itself under random seeds over the same
 *   batch layout, on worker threads (one alongside the rounds, the others after them), for a
 *   tighter estimate. A draw over 1,000 leaves costs 12-18 ms (a keyed BLAKE2b of @noble/hashes
 *   per leaf, one compression each since the batch's hasher state is reused; 36-39 ms before
 *   that; measured on a busy 2-core machine), so 100,000 draws take several minutes: not the
 *   default.
 *
 * Flags: `--trials N` (detection trials per rule, default 60), `--sim-trials N` (simulation draws,
 * default 10,000). Run alone: `npm run bench -- sentinel [--trials N] [--sim-trials N]`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { batchEnvelope } from '../sentinel/judge.ts';
import { type SentinelKey, keyFromHex, keyFromSecret } from '../sentinel/keys.ts';
import { type SampleTarget, missProbability, sampleSize } from '../sentinel/sampling.ts';
import { Sentinel } from '../sentinel/sentinel.ts';
import { type AnchoredBatch, SentinelStore } from '../sentinel/store.ts';
import { type IndexedDevnet, indexDevnet } from '../test/helpers/indexed-devnet.ts';
import { BENCH_SIM_TRIALS, BENCH_TRIALS } from './config.ts';
import {
  RssPeak,
  cpuSnapshot,
  formatFigure,
  percentiles,
  postgresPids,
  procsUsed,
  type Reporter,
} from './lib.ts';
import type { SimResult, SimTask } from './sentinel-sim-worker.ts';

const RECORDS = 20_000;
const ERAS = 2;
const LAYOUTS = [10, 100] as const;
const CONCURRENCIES = [4, 8] as const;
/** A large sample: n0 = ln(0.001) / ln(0.9995) = 13,812, so 5,801 of 10,000 leaves per era. */
const THROUGHPUT_TARGET: SampleTarget = { d: 0.999, p: 0.0005, rule: 'formula' };
/** Connections of the sentinel's pool, as `proofroom sentinel` opens it (cli/sentinel-command.ts). */
const POOL_MAX = 4;
const TIMEOUT_MS = 5000;
const MAX_PAYLOAD_BYTES = 64 * 2 ** 20;
const RSS_MS = 100;
const RECOUNTS = 5;

const DETECT_RECORDS = 1000;
const DETECT_PER_BATCH = 10;
const DETECT_D = 0.99;
const DETECT_P = 0.01;
const DETECT_CONCURRENCY = 4;
const RULES = ['formula', 'exact'] as const;

const MiB = 2 ** 20;
const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const ms1 = (x: number): string => (x >= 100 ? n(x) : x.toFixed(1));

/** The 95% Wilson score interval of `k` successes in `t` trials. */
function wilson(k: number, t: number, z = 1.959964): [number, number] {
  if (t === 0) return [0, 1];
  const p = k / t;
  const z2 = z * z;
  const centre = (p + z2 / (2 * t)) / (1 + z2 / t);
  const half = (z * Math.sqrt((p * (1 - p)) / t + z2 / (4 * t * t))) / (1 + z2 / t);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const interval = ([lo, hi]: [number, number]): string =>
  `95% Wilson ${lo.toFixed(4)}-${hi.toFixed(4)}`;

/** A fixed key per measurement, so reruns draw the same samples and rounds never collide. */
function benchKey(label: string): SentinelKey {
  return keyFromHex(createHash('sha256').update(`proofroom-bench/sentinel/${label}`).digest('hex'));
}

function sentinelFor(
  pool: pg.Pool,
  devnet: IndexedDevnet['devnet'],
  key: SentinelKey,
  target: SampleTarget,
  concurrency: number
): Sentinel {
  return new Sentinel({
    pool,
    key,
    target,
    storageUrls: devnet.storageUrls,
    nodesPerSample: 0,
    rate: 0,
    concurrency,
    timeoutMs: TIMEOUT_MS,
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
    evidenceDir: null,
    evidenceBodyBytes: 2 ** 20,
    pollMs: 2000,
    webhook: null,
  });
}

function newPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: POOL_MAX });
  pool.on('error', () => {});
  return pool;
}

/** The devnet indexed into a fresh PostgreSQL database; the indexer is stopped afterwards. */
async function indexed(
  label: string,
  opts: Parameters<typeof indexDevnet>[1]
): Promise<{ ix: IndexedDevnet; ms: number }> {
  const t0 = performance.now();
  process.stderr.write(`  ${label}: building the devnet and indexing it into PostgreSQL\n`);
  const ix = await indexDevnet('postgres', opts);
  const ms = performance.now() - t0;
  // The database is final; the indexer would only poll the head while the sentinel runs.
  await ix.indexer.stop(2000);
  return { ix, ms };
}

// --- throughput ----------------------------------------------------------------------------------

interface Batch {
  readonly payloadHash: string;
  readonly leaves: number;
}

interface PlainRun {
  readonly ms: number;
  readonly fetches: number;
  readonly bytes: number;
  readonly non200: number;
  readonly latencies: number[];
}

/** GETs every batch's payload from every node, `concurrency` batches at a time. */
async function plainFetch(
  batches: readonly Batch[],
  nodes: readonly string[],
  concurrency: number
): Promise<PlainRun> {
  let next = 0;
  let bytes = 0;
  let non200 = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const b = batches[next++]!;
      await Promise.all(
        nodes.map(async (node) => {
          const s = performance.now();
          const res = await fetch(`${node}/v1/payloads/${b.payloadHash}`, {
            headers: { accept: 'application/octet-stream' },
          });
          const body = await res.arrayBuffer();
          latencies.push(performance.now() - s);
          bytes += body.byteLength;
          if (res.status !== 200) non200++;
        })
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return { ms: performance.now() - t0, fetches: latencies.length, bytes, non200, latencies };
}

interface SentinelRun {
  readonly ms: number;
  readonly rounds: string[];
  readonly sampleSizes: number[];
  /** From sentinel_check: distinct sampled leaves, rows, failed rows. */
  readonly sampled: number;
  readonly checks: number;
  readonly failedRows: number;
  /** `sampled` of each round as stored in sentinel_round, and as counted in its rows. */
  readonly stored: Array<{ id: string; stored: number; rows: number }>;
  readonly latencies: number[];
  readonly batches: Batch[];
  readonly cpu: { machine: number; self: number; postgres: number };
  readonly rssBefore: number;
  readonly rssPeak: number;
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly loopDelayP99: number;
  readonly loopDelayMax: number;
}

async function runSentinel(
  pool: pg.Pool,
  ix: IndexedDevnet,
  label: string,
  concurrency: number
): Promise<SentinelRun> {
  const sentinel = sentinelFor(pool, ix.devnet, benchKey(label), THROUGHPUT_TARGET, concurrency);
  const rss = new RssPeak(async () => process.memoryUsage().rss);
  const m0 = process.memoryUsage();
  const sampler = setInterval(() => void rss.sample(), RSS_MS);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const cpu0 = await cpuSnapshot(await postgresPids());
  loop.enable();
  const t0 = performance.now();
  let results: Awaited<ReturnType<Sentinel['runOnce']>>;
  try {
    results = await sentinel.runOnce();
  } finally {
    clearInterval(sampler);
    loop.disable();
  }
  const ms = performance.now() - t0;
  const pids = await postgresPids();
  const cpu1 = await cpuSnapshot(pids);
  await rss.sample();
  const heapAfter = process.memoryUsage().heapUsed;
  const rounds = results.map((r) => r.round);
  if (rounds.length === 0 || results.some((r) => !r.complete))
    throw new Error(`${label}: runOnce completed ${rounds.length} round(s)`);

  const totals = await pool.query<{ sampled: number; checks: number; failed: number }>(
    `SELECT count(DISTINCT (round_id, activity_id))::int AS sampled, count(*)::int AS checks,
            count(*) FILTER (WHERE NOT ok)::int AS failed
       FROM sentinel_check WHERE round_id = ANY($1)`,
    [rounds]
  );
  const stored = await pool.query<{
    id: string;
    sampled: number;
    sample_size: number;
    rows: number;
  }>(
    `SELECT r.id, r.sampled, r.sample_size,
            (SELECT count(DISTINCT activity_id) FROM sentinel_check c WHERE c.round_id = r.id)::int
              AS rows
       FROM sentinel_round r WHERE r.id = ANY($1) ORDER BY r.era`,
    [rounds]
  );
  // One latency per request: the rows of a (batch, node) share their request's.
  const lat = await pool.query<{ latency_ms: number }>(
    `SELECT DISTINCT ON (round_id, batch_id, node_url) latency_ms
       FROM sentinel_check WHERE round_id = ANY($1) AND latency_ms IS NOT NULL`,
    [rounds]
  );
  const batches = await pool.query<{ payload_hash: string; leaves: number }>(
    `SELECT payload_hash, count(DISTINCT activity_id)::int AS leaves
       FROM sentinel_check WHERE round_id = ANY($1)
      GROUP BY round_id, batch_id, payload_hash ORDER BY min(id)`,
    [rounds]
  );
  const t = totals.rows[0]!;
  return {
    ms,
    rounds,
    sampleSizes: stored.rows.map((r) => r.sample_size),
    sampled: t.sampled,
    checks: t.checks,
    failedRows: t.failed,
    stored: stored.rows.map((r) => ({ id: r.id, stored: r.sampled, rows: r.rows })),
    latencies: lat.rows.map((r) => r.latency_ms),
    batches: batches.rows.map((r) => ({ payloadHash: r.payload_hash, leaves: r.leaves })),
    cpu: {
      machine: cpu1.machine - cpu0.machine,
      self: cpu1.self - cpu0.self,
      postgres: procsUsed(cpu0, cpu1, pids),
    },
    rssBefore: m0.rss,
    rssPeak: rss.peak,
    heapBefore: m0.heapUsed,
    heapAfter,
    loopDelayP99: loop.percentile(99) / 1e6,
    loopDelayMax: loop.max / 1e6,
  };
}

/** Milliseconds of one full recount of a finished round (what the sentinel runs at a round's end). */
async function recountMs(pool: pg.Pool, roundId: string): Promise<{ ms: number; rows: number }> {
  const store = new SentinelStore(pool);
  const r = await pool.query<{ population: number; rows: number }>(
    `SELECT population, (SELECT count(*) FROM sentinel_check WHERE round_id = $1)::int AS rows
       FROM sentinel_round WHERE id = $1`,
    [roundId]
  );
  const { population, rows } = r.rows[0]!;
  const times: number[] = [];
  for (let i = 0; i < RECOUNTS; i++) {
    const t0 = performance.now();
    await store.recount(roundId, THROUGHPUT_TARGET, population);
    times.push(performance.now() - t0);
  }
  return { ms: percentiles(times, [50]).p50!, rows };
}

const cores = (cpuS: number, wallMs: number): string => (cpuS / (wallMs / 1000)).toFixed(2);

async function throughput(report: Reporter): Promise<void> {
  for (const perBatch of LAYOUTS) {
    const layout = `${n(RECORDS)} records, ${perBatch}/batch`;
    const { ix, ms: indexMs } = await indexed(layout, {
      seed: 'sentinel-bench',
      records: RECORDS,
      eras: ERAS,
      recordsPerBatch: perBatch,
      faults: [],
    });
    const pool = newPool(ix.url);
    try {
      const shape = await pool.query<{ era: number; batches: number; leaves: number }>(
        `SELECT era, count(*)::int AS batches, sum(leaf_count)::int AS leaves
           FROM dac_batch GROUP BY era ORDER BY era`
      );
      const payloadBytes = [...ix.devnet.scenario.payloads.values()].reduce(
        (s, p) => s + p.length,
        0
      );
      report({
        name: `${layout}: scenario, ${ERAS} eras, no faults`,
        value: shape.rows.reduce((s, r) => s + r.batches, 0),
        unit: 'batches',
        note:
          `${shape.rows.map((r) => `era ${r.era}: ${n(r.leaves)} leaves in ${n(r.batches)} batches`).join(', ')}; ` +
          `payloads ${(payloadBytes / ix.devnet.scenario.payloads.size / 1024).toFixed(1)} KiB on average; ` +
          `devnet + indexing into PostgreSQL ${sec(indexMs)}; 3 storage nodes`,
      });
      let recounted = false;
      for (const concurrency of CONCURRENCIES) {
        const label = `${perBatch}/batch, concurrency ${concurrency}`;
        process.stderr.write(`  ${label}: sentinel runOnce\n`);
        const run = await runSentinel(pool, ix, label, concurrency);
        const base = await plainFetch(run.batches, ix.devnet.storageUrls, concurrency);
        const leaves = run.batches.reduce((s, b) => s + b.leaves, 0);
        const baseRate = (leaves * 1000) / base.ms;
        const baseName = `${label}: plain fetch of the same payloads (baseline)`;
        const bp = percentiles(base.latencies, [50, 95, 99]);
        report({
          name: baseName,
          value: baseRate,
          unit: 'leaves/s',
          note:
            `${n(base.fetches)} GETs of ${n(run.batches.length)} batches × 3 nodes in ${sec(base.ms)}, ` +
            `${n((base.fetches * 1000) / base.ms)} fetches/s, ${(((base.bytes / base.ms) * 1000) / MiB).toFixed(1)} MiB/s, ` +
            `${base.non200} not 200; latency p50 ${ms1(bp.p50!)} p95 ${ms1(bp.p95!)} p99 ${ms1(bp.p99!)} ms`,
        });
        const rate = (run.sampled * 1000) / run.ms;
        report({
          name: `${label}: sentinel runOnce, samples`,
          value: rate,
          unit: 'samples/s',
          ratio: { against: 'plain fetch', value: rate / baseRate },
          note:
            `${n(run.sampled)} sampled leaves (sample size ${run.sampleSizes.map(n).join(' + ')}) ` +
            `in ${sec(run.ms)}, ${run.rounds.length} rounds; ${n(run.batches.length)} batches fetched; ` +
            `${n(run.failedRows)} failed checks`,
        });
        report({
          name: `  ${label}: node checks`,
          value: (run.checks * 1000) / run.ms,
          unit: 'checks/s',
          note: `${n(run.checks)} sentinel_check rows (leaf × node)`,
        });
        const sp = percentiles(run.latencies, [50, 95, 99]);
        report({
          name: `  ${label}: fetch latency p50`,
          value: sp.p50!,
          unit: 'ms',
          ratio: { against: 'plain fetch p50', value: sp.p50! / bp.p50! },
          note:
            `p95 ${ms1(sp.p95!)} ms (plain ${ms1(bp.p95!)}), p99 ${ms1(sp.p99!)} ms (plain ${ms1(bp.p99!)}), ` +
            `max ${n(Math.max(...run.latencies))} ms over ${n(run.latencies.length)} requests ` +
            `(latency_ms, whole ms); event-loop delay p99 ${ms1(run.loopDelayP99)} ms, ` +
            `max ${ms1(run.loopDelayMax)} ms`,
        });
        report({
          name: `  ${label}: CPU over the run`,
          value: run.cpu.machine / (run.ms / 1000),
          unit: 'cores',
          note:
            `this process (sentinel + devnet's storage nodes) ${cores(run.cpu.self, run.ms)}, ` +
            `postgres processes ${cores(run.cpu.postgres, run.ms)}, other processes of the machine ` +
            `${cores(Math.max(0, run.cpu.machine - run.cpu.self - run.cpu.postgres), run.ms)} ` +
            `(of ${availableParallelism()} cores)`,
        });
        report({
          name: `  ${label}: peak RSS of this process`,
          value: run.rssPeak / MiB,
          unit: 'MiB',
          note:
            `${n(run.rssBefore / MiB)} MiB before the run (the devnet lives here); ` +
            `V8 heap used ${n(run.heapBefore / MiB)} → ${n(run.heapAfter / MiB)} MiB; sampled every ${RSS_MS} ms`,
        });
        const stale = run.stored.filter((r) => r.stored !== r.rows);
        report({
          name: `  ${label}: rounds stored with stale figures`,
          value: stale.length,
          unit: `of ${run.stored.length} rounds`,
          note:
            stale.length === 0
              ? 'sentinel_round figures match sentinel_check'
              : `stale figures: ${stale.map((r) => `stored ${n(r.stored)} vs ${n(r.rows)} leaves in rows`).join('; ')}`,
        });
        if (!recounted) {
          recounted = true;
          const last = run.rounds[run.rounds.length - 1]!;
          const rc = await recountMs(pool, last);
          const perRound = run.batches.length / run.rounds.length;
          report({
            name: `  ${perBatch}/batch: one full recount of a finished round`,
            value: rc.ms,
            unit: 'ms',
            note:
              `SentinelStore.recount over ${n(rc.rows)} rows, median of ${RECOUNTS}; the sentinel ` +
              `runs it once per round, at its end; each of its ~${n(perRound)} batch writes per ` +
              `round adds only its own rows' share to the counters in the round's row`,
          });
        }
      }
    } finally {
      await pool.end();
      await ix.close();
    }
  }
}

// --- detection -----------------------------------------------------------------------------------

/** Draws per message to a simulation worker. */
const SIM_CHUNK = 250;

/**
 * The drawSample simulation on worker threads that pull chunks of draws until `trials` are done.
 * One starts at once (alongside the sentinel rounds, which leave a core mostly idle while they
 * wait on the nodes and the database); `more()` adds the others once the rounds are over.
 */
class Simulation {
  private readonly boot = new URL('../verifier/node/ts-worker.mjs', import.meta.url);
  private readonly entry = new URL('./sentinel-sim-worker.ts', import.meta.url).href;
  private readonly loops: Array<Promise<void>> = [];
  private remaining: number;
  private readonly hits: number[];
  private done = 0;
  private cpuMs = 0;
  private readonly t0 = performance.now();
  /** Draws done before `more()` was called, and when it was. */
  alongside = 0;
  private moreAt = NaN;

  constructor(
    private readonly task: Omit<SimTask, 'trials'>,
    trials: number
  ) {
    this.remaining = trials;
    this.hits = task.sizes.map(() => 0);
    this.start();
  }

  private start(): void {
    const w = new Worker(this.boot, { workerData: { proofroomEntry: this.entry } });
    // One chunk in flight per worker: its answer or the worker's error settles it.
    let pending: { resolve: (r: SimResult) => void; reject: (e: unknown) => void } | null = null;
    w.on('message', (r: SimResult) => pending?.resolve(r));
    w.on('error', (e) => pending?.reject(e));
    w.on('exit', (code) => pending?.reject(new Error(`simulation worker exited (${code})`)));
    const ask = (trials: number): Promise<SimResult> =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject };
        w.postMessage({ ...this.task, trials } satisfies SimTask);
      });
    const loop = (async () => {
      try {
        while (this.remaining > 0) {
          const take = Math.min(SIM_CHUNK, this.remaining);
          this.remaining -= take;
          const r = await ask(take);
          r.hits.forEach((h, i) => (this.hits[i]! += h));
          this.done += r.trials;
          this.cpuMs += r.ms;
        }
      } finally {
        await w.terminate();
      }
    })();
    loop.catch(() => {}); // reported by result()
    this.loops.push(loop);
  }

  /** Adds workers up to the machine's parallelism. */
  more(): void {
    this.alongside = this.done;
    this.moreAt = performance.now();
    for (let i = 1; i < availableParallelism(); i++) this.start();
  }

  async result(): Promise<{
    hits: number[];
    trials: number;
    alongside: number;
    cpuMs: number;
    wallMs: number;
    aloneMs: number;
    threads: number;
  }> {
    await Promise.all(this.loops);
    const end = performance.now();
    return {
      hits: this.hits,
      trials: this.done,
      alongside: this.alongside,
      cpuMs: this.cpuMs,
      wallMs: end - this.t0,
      aloneMs: Number.isNaN(this.moreAt) ? 0 : end - this.moreAt,
      threads: this.loops.length,
    };
  }
}

async function detection(report: Reporter): Promise<void> {
  const { ix, ms: indexMs } = await indexed(`${n(DETECT_RECORDS)} records, payload-tampered`, {
    seed: 'sentinel-detect',
    records: DETECT_RECORDS,
    eras: 1,
    recordsPerBatch: DETECT_PER_BATCH,
    faults: ['payload-tampered'],
  });
  const pool = newPool(ix.url);
  try {
    // The faulted batch and its era's population, as the sentinel counts them.
    const tampered = ix.devnet.manifest.storage.filter((s) => s.fault === 'tampered');
    if (tampered.length !== 1)
      throw new Error(`expected one tampered payload, got ${tampered.length}`);
    const store = new SentinelStore(pool);
    const eras = await store.pendingEras('0xbench');
    let era: (typeof eras)[number] | undefined;
    let usable: AnchoredBatch[] = [];
    for (const e of eras) {
      const batches = (await store.anchoredBatches(e)).filter((b) => batchEnvelope(b) !== null);
      if (batches.some((b) => b.payloadHash === tampered[0]!.payloadHash)) {
        era = e;
        usable = batches;
      }
    }
    if (!era) throw new Error('the tampered batch is in no paid era');
    const bad = usable.find((b) => b.payloadHash === tampered[0]!.payloadHash)!;
    const N = usable.reduce((s, b) => s + b.leafCount, 0);
    const K = bad.leafCount;
    const sizes = RULES.map((rule) => sampleSize(N, { d: DETECT_D, p: DETECT_P, rule }));
    report({
      name: `detection: era ${era.era}, N anchored leaves`,
      value: N,
      unit: 'leaves',
      note:
        `${n(usable.length)} batches; K = ${K} leaves in the tampered batch ${bad.batchId} ` +
        `(batch index ${bad.batchIndex}, node ${tampered[0]!.node} of 3 serves it with a byte flipped): ` +
        `K/N = ${((100 * K) / N).toFixed(2)}%; ${eras.length} paid era(s); devnet + indexing ${sec(indexMs)}`,
    });

    // The same question asked of drawSample alone, on a worker thread alongside the rounds.
    const simulation = new Simulation(
      {
        batches: usable.map((b) => ({ batchId: b.batchId, leafCount: b.leafCount })),
        badBatchId: bad.batchId,
        sizes,
      },
      BENCH_SIM_TRIALS
    );

    // Sentinel rounds under fresh random keys.
    const detected = RULES.map(() => ({ stored: 0, rows: 0, returned: 0, ms: 0, sampled: 0 }));
    const t0 = performance.now();
    for (let t = 0; t < BENCH_TRIALS; t++) {
      for (const [i, rule] of RULES.entries()) {
        const target: SampleTarget = { d: DETECT_D, p: DETECT_P, rule };
        const sentinel = sentinelFor(
          pool,
          ix.devnet,
          keyFromSecret(randomBytes(32)),
          target,
          DETECT_CONCURRENCY
        );
        const s0 = performance.now();
        const results = await sentinel.runOnce();
        detected[i]!.ms += performance.now() - s0;
        const id = sentinel.roundId(era.clusterId, era.era);
        const mine = results.find((r) => r.round === id);
        if (!mine?.complete) throw new Error(`trial ${t} ${rule}: round ${id} did not complete`);
        const r = await pool.query<{ failed: number; rows_failed: number; rows_sampled: number }>(
          `SELECT r.failed,
                  (SELECT count(DISTINCT activity_id) FROM sentinel_check c
                    WHERE c.round_id = r.id AND NOT c.ok)::int AS rows_failed,
                  (SELECT count(DISTINCT activity_id) FROM sentinel_check c
                    WHERE c.round_id = r.id)::int AS rows_sampled
             FROM sentinel_round r WHERE r.id = $1`,
          [id]
        );
        const row = r.rows[0]!;
        const d = detected[i]!;
        if (row.failed > 0) d.stored++;
        if (row.rows_failed > 0) d.rows++;
        if ((mine.figures?.failed ?? 0) > 0) d.returned++;
        d.sampled += row.rows_sampled;
      }
      if ((t + 1) % 10 === 0 || t + 1 === BENCH_TRIALS)
        process.stderr.write(
          `  detection: ${t + 1} / ${BENCH_TRIALS} trials, ${sec(performance.now() - t0)}\n`
        );
    }

    const roundsMs = performance.now() - t0;
    simulation.more();
    const sim = await simulation.result();

    for (const [i, rule] of RULES.entries()) {
      const size = sizes[i]!;
      const exact = 1 - missProbability(N, K, size);
      const d = detected[i]!;
      const rate = d.stored / BENCH_TRIALS;
      report({
        name: `detection, rule ${rule}: n = ${n(size)} of ${n(N)}, K = ${K}`,
        value: 100 * rate,
        unit: '% detected',
        ratio: { against: 'exact prediction', value: rate / exact },
        note:
          `${d.stored} of ${BENCH_TRIALS} rounds with failed > 0 (as stored in sentinel_round); ` +
          `${interval(wilson(d.stored, BENCH_TRIALS))}; ${d.rows} rounds had a failed row in ` +
          `sentinel_check, ${d.returned} returned failed > 0 from runOnce; ` +
          `${(d.sampled / BENCH_TRIALS).toFixed(1)} leaves checked per round on average; ` +
          `${n(d.ms / BENCH_TRIALS)} ms per round (one simulation thread running alongside)`,
      });
      report({
        name: `  ${rule}: promised (d)`,
        value: 100 * DETECT_D,
        unit: '% detected',
        note: `d = ${DETECT_D}, p = ${DETECT_P}: the target the ${rule} rule sizes its sample for`,
      });
      report({
        name: `  ${rule}: exact 1 − missProbability(N, K, n)`,
        value: 100 * exact,
        unit: '% detected',
        note: `hypergeometric: C(${N - K}, ${size}) / C(${N}, ${size}) = ${(1 - exact).toExponential(3)} missed`,
      });
      const k = sim.hits[i]!;
      report({
        name: `  ${rule}: simulation, drawSample with random seeds`,
        value: (100 * k) / sim.trials,
        unit: '% detected',
        ratio: { against: 'exact prediction', value: k / sim.trials / exact },
        note:
          `${n(k)} of ${n(sim.trials)} samples hold a leaf of the tampered batch; ` +
          `${interval(wilson(k, sim.trials))}; ${n(sim.alongside)} draws on 1 worker thread alongside ` +
          `the rounds (${sec(roundsMs)}), the rest on ${sim.threads} threads in ${sec(sim.aloneMs)}; ` +
          `${(sim.cpuMs / sim.trials).toFixed(1)} ms per draw; one draw of the larger n serves both rules`,
      });
    }
  } finally {
    await pool.end();
    await ix.close();
  }
}

export async function run(report: Reporter): Promise<void> {
  let t = performance.now();
  await throughput(report);
  console.log(`   (throughput: ${sec(performance.now() - t)})`);
  t = performance.now();
  await detection(report);
  console.log(`   (detection: ${sec(performance.now() - t)})`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run((figure) => console.log(formatFigure(figure)));
}
