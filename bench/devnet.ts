/**
 * Devnet benchmarks.
 *
 * 1. Serving: blocks and events per second the devnet's JSON-RPC server (devnet/rpc-server.ts)
 *    hands to a client over HTTP. The client (bench/devnet-client.ts) runs in a child process and
 *    fetches every block as `@subsquid/substrate-processor` does, in strides of 10 blocks: with
 *    batches (a batch of `chain_getBlockHash`, then a batch of `chain_getBlock` +
 *    `state_getStorageAt(System.Events)` + `state_getRuntimeVersion`), 1 and 4 strides in
 *    flight; and with the processor's own pattern for finalized blocks (one `chain_getBlock` call
 *    per block, 5 strides in flight). Two chains: a synthetic one (1,000 blocks of 20 signed
 *    extrinsics, 41 events each) and the seeded scenario of `startDevnet` (20,000 records over 4
 *    eras: only 121 blocks). Baseline, in the same run: a trivial JSON-RPC server that answers
 *    each call with a fixed, precomputed result of the chain's average size (the ceiling of
 *    HTTP + JSON on this machine). Best of 3 rounds of 1.5 s, the two servers alternating.
 * 2. Subsquid end to end: the real processor (test/fixtures/squid-smoke.ts, child process)
 *    indexing each chain; its start-up is measured on a 1-block chain and subtracted.
 * 3. Scenario build: time and peak RSS of `buildDevnetScenario` (or `buildDevnetScenarioAsync`)
 *    and of the SCALE chain built from it, for 10k and 100k records (and 1M with `--big`), each
 *    in a fresh child process (bench/devnet-build.ts).
 *
 * Run alone: `node --import tsx bench/devnet.ts [--big]` or `npm run bench devnet [-- --big]`.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Chain, type BuiltBlock } from '../devnet/chain.ts';
import type { ExtrinsicSpec } from '../devnet/chain-types.ts';
import { startDevnet } from '../devnet/devnet.ts';
import { account, identity } from '../devnet/keys.ts';
import { DEVNET_RUNTIME_VERSION, devnetMetadata } from '../devnet/metadata.ts';
import { startRpcServer } from '../devnet/rpc-server.ts';
import { compactU, toHex, utf8 } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { BENCH_BIG } from './config.ts';
import type { BuildReport } from './devnet-build.ts';
import type { FetchJob, FetchResult } from './devnet-client.ts';
import { formatFigure, percentiles, type Reporter } from './lib.ts';

const GENESIS_TS = 1_760_000_000_000;
const SYNTH_BLOCKS = 1000;
const SYNTH_EXTRINSICS = 20;
/** Blocks per stride: Subsquid's RPC data source splits ranges into strides of 10. */
const STRIDE = 10;
/** Request patterns (bench/devnet-client.ts) and strides in flight; Subsquid's cold ingest runs 5. */
const PATTERNS: ReadonlyArray<{ mode: FetchJob['mode']; inflight: number; label: string }> = [
  { mode: 'batch', inflight: 1, label: 'batches, 1 in flight' },
  { mode: 'batch', inflight: 4, label: 'batches, 4 in flight' },
  { mode: 'cold', inflight: 5, label: 'getBlock per block, 5 in flight' },
];
/** Each figure is the best of ROUNDS rounds of MEASURE_MS, baseline and devnet alternating. */
const MEASURE_MS = 1500;
const ROUNDS = 3;
const SCENARIO = { records: 20_000, eras: 4 } as const;

const root = fileURLToPath(new URL('..', import.meta.url));

// --- chains --------------------------------------------------------------------------------------

/** A chain of `blocks` blocks, each with `perBlock` signed extrinsics: remarks and transfers. */
function syntheticChain(blocks: number, perBlock: number): Chain {
  const chain = new Chain({
    metadata: devnetMetadata(),
    runtimeVersion: DEVNET_RUNTIME_VERSION,
    genesisTimestamp: GENESIS_TS,
  });
  const signers = Array.from({ length: 8 }, (_, i) => identity('bench-devnet', `signer-${i}`));
  const dests = Array.from({ length: 8 }, (_, i) => toHex(account('bench-devnet', `dest-${i}`)));
  let parent: BuiltBlock = chain.best;
  for (let h = 1; h <= blocks; h++) {
    const extrinsics: ExtrinsicSpec[] = [];
    for (let i = 0; i < perBlock; i++) {
      const signer = signers[(h + i) % signers.length]!;
      const from = toHex(signer.publicKey);
      if (i % 2 === 0) {
        const remark = utf8(`bench block ${h} extrinsic ${i} `.padEnd(64, '.'));
        extrinsics.push({
          call: { pallet: 'System', name: 'remark_with_event', args: { remark: toHex(remark) } },
          signer,
          events: [
            {
              pallet: 'System',
              name: 'Remarked',
              args: { sender: from, hash: toHex(blake2b256(remark)) },
            },
          ],
        });
      } else {
        const to = dests[(h * 3 + i) % dests.length]!;
        const amount = BigInt(h * 1000 + i) * 10_000_000_000n;
        extrinsics.push({
          call: {
            pallet: 'Balances',
            name: 'transfer_keep_alive',
            args: { dest: { __kind: 'Id', value: to }, value: amount },
          },
          signer,
          events: [{ pallet: 'Balances', name: 'Transfer', args: { from, to, amount } }],
        });
      }
    }
    parent = chain.build({ timestamp: GENESIS_TS + h * 6000, extrinsics }, parent.hash);
  }
  chain.setBest(parent.hash);
  chain.setFinalized(parent.hash);
  return chain;
}

interface ChainShape {
  readonly blocks: number;
  readonly events: number;
  /** Average lengths (characters) of the `chain_getBlock` and `System.Events` results. */
  readonly blockChars: number;
  readonly eventsChars: number;
  readonly extrinsics: number;
}

/** Blocks 0..tip of the best chain. */
function shapeOf(chain: Chain): ChainShape {
  const tip = chain.best.number;
  let events = 0;
  let blockChars = 0;
  let eventsChars = 0;
  let extrinsics = 0;
  for (let h = 0; h <= tip; h++) {
    const b = chain.blockByHash(chain.hashAt(h)!)!;
    events += b.eventCount;
    blockChars += chain.signedBlockJsonText(b).length;
    eventsChars += b.eventsHex.length + 2;
    extrinsics += b.extrinsics.length;
  }
  const n = tip + 1;
  return {
    blocks: n,
    events,
    blockChars: blockChars / n,
    eventsChars: eventsChars / n,
    extrinsics: extrinsics / n,
  };
}

// --- the baseline server ---------------------------------------------------------------------------

/**
 * Fixed JSON results of the chain's average sizes: a block (a real header, the average number
 * of extrinsics padded to the average length), an events value whose compact prefix is the
 * average event count, a real block hash and the runtime version.
 */
function fixedResults(chain: Chain, s: ChainShape): Record<string, string> {
  const n = Math.max(1, Math.round(s.extrinsics));
  const head = `{"block":{"header":${chain.headerJsonText(chain.best)},"extrinsics":[`;
  const tail = `]},"justifications":null}`;
  let hex = Math.round(s.blockChars) - head.length - tail.length - n * 4 - (n - 1);
  hex = Math.max(2 * n, hex - (hex % 2));
  const each = 2 * Math.floor(hex / 2 / n);
  const xs = Array.from({ length: n }, (_, i) =>
    JSON.stringify(`0x${'ab'.repeat((i === 0 ? hex - each * (n - 1) : each) / 2)}`)
  );
  const prefix = toHex(compactU(Math.round(s.events / s.blocks)));
  const pad = Math.max(0, Math.round((s.eventsChars - 2 - prefix.length) / 2));
  return {
    chain_getBlockHash: JSON.stringify(chain.best.hash),
    chain_getBlock: `${head}${xs.join(',')}${tail}`,
    state_getStorageAt: JSON.stringify(`${prefix}${'00'.repeat(pad)}`),
    state_getRuntimeVersion: JSON.stringify(chain.runtimeVersion),
  };
}

interface Server {
  readonly url: string;
  close(): Promise<void>;
}

interface Call {
  readonly id: unknown;
  readonly method: string;
}

/** A JSON-RPC server that answers each call (single or in a batch) with `fixed[method]`. */
async function startFixedServer(fixed: Readonly<Record<string, string>>): Promise<Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Call | Call[];
      const answer = (c: Call): string =>
        `{"jsonrpc":"2.0","id":${JSON.stringify(c.id)},"result":${fixed[c.method] ?? 'null'}}`;
      const text = Array.isArray(body) ? `[${body.map(answer).join(',')}]` : answer(body);
      res.writeHead(200, {
        'Access-Control-Allow-Origin': '*',
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// --- the client child ----------------------------------------------------------------------------

interface FetchClient {
  fetch(job: FetchJob): Promise<FetchResult>;
  close(): void;
}

function startClient(): FetchClient {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./devnet-client.ts', import.meta.url)),
    [],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }
  );
  return {
    fetch: (job) =>
      new Promise((resolve, reject) => {
        const onExit = (code: number | null): void =>
          reject(new Error(`devnet client exited (${String(code)})`));
        child.once('exit', onExit);
        child.once('message', (m: { ok: boolean; result?: FetchResult; error?: string }) => {
          child.off('exit', onExit);
          if (m.ok) resolve(m.result!);
          else reject(new Error(`devnet client: ${m.error}`));
        });
        child.send(job);
      }),
    close: () => {
      if (child.connected) child.disconnect();
      if (child.exitCode === null) child.kill();
    },
  };
}

// --- 1. serving ----------------------------------------------------------------------------------

interface Measured extends FetchResult {
  /** CPU of the server process (this one) during the measured job, in cores. */
  readonly serverCores: number;
}

async function measure(client: FetchClient, job: FetchJob): Promise<Measured> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await client.fetch(job);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  return { ...r, serverCores: (cpu.user + cpu.system) / 1000 / wall };
}

function describe(r: Measured): string {
  const s = r.ms / 1000;
  const ev = Math.round(r.events / s).toLocaleString('en-US');
  return (
    `${ev} events/s, ${(r.bytes / 1e6 / s).toFixed(1)} MB/s, ` +
    `block request p50 ${r.blockLatency.p50!.toFixed(2)} ms p99 ${r.blockLatency.p99!.toFixed(2)} ms, ` +
    `CPU server ${r.serverCores.toFixed(2)} client ${r.clientCores.toFixed(2)} cores`
  );
}

async function serving(
  report: Reporter,
  client: FetchClient,
  label: string,
  chain: Chain,
  rpcUrl: string
): Promise<ChainShape> {
  const shape = shapeOf(chain);
  const fixed = await startFixedServer(fixedResults(chain, shape));
  try {
    for (const { mode, inflight, label: pattern } of PATTERNS) {
      const job = (url: string, round: number): FetchJob => ({
        url,
        from: 0,
        to: shape.blocks - 1,
        mode,
        stride: STRIDE,
        inflight,
        minMs: MEASURE_MS,
        warmup: round === 0,
      });
      const rate = (r: FetchResult): number => r.blocks / (r.ms / 1000);
      const best = (a: Measured | undefined, b: Measured): Measured =>
        a !== undefined && rate(a) >= rate(b) ? a : b;
      let base: Measured | undefined;
      let ours: Measured | undefined;
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which server goes first, so that neither always follows the other.
        if (round % 2 === 0) {
          base = best(base, await measure(client, job(fixed.url, round)));
          ours = best(ours, await measure(client, job(rpcUrl, round)));
        } else {
          ours = best(ours, await measure(client, job(rpcUrl, round)));
          base = best(base, await measure(client, job(fixed.url, round)));
        }
      }
      if (base === undefined || ours === undefined) throw new Error('no rounds');
      if (ours.eventsPerPass !== shape.events) {
        throw new Error(
          `${label}: client counted ${ours.eventsPerPass} events, chain has ${shape.events}`
        );
      }
      const baseName = `fixed-result server, ${label}, ${pattern} (baseline)`;
      const baseRate = rate(base);
      const ourRate = rate(ours);
      report({
        name: baseName,
        value: baseRate,
        unit: 'blocks/s',
        ratio: { against: baseName, value: 1 },
        note: describe(base),
      });
      report({
        name: `devnet RPC, ${label}, ${pattern}`,
        value: ourRate,
        unit: 'blocks/s',
        ratio: { against: baseName, value: ourRate / baseRate },
        note: describe(ours),
      });
    }
  } finally {
    await fixed.close();
  }
  return shape;
}

// --- 2. Subsquid end to end ----------------------------------------------------------------------

interface SquidRun {
  readonly ms: number;
  readonly events: number;
}

/** Runs test/fixtures/squid-smoke.ts against `url` up to `height`; wall time from spawn to exit. */
async function squid(url: string, height: number, dir: string): Promise<SquidRun> {
  const out = join(dir, `squid-${height}-${Date.now()}.json`);
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/squid-smoke.ts', url, String(height), out],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] }
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`squid did not finish in 5 min: ${err}`));
    }, 300_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`squid exited ${String(code)}: ${err}`));
    });
  });
  const ms = performance.now() - t0;
  const seen = JSON.parse(await readFile(out, 'utf8')) as { events: unknown[] };
  return { ms, events: seen.events.length };
}

async function squidFigures(
  report: Reporter,
  chains: ReadonlyArray<{ label: string; chain: Chain; url: string }>
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'proofroom-bench-squid-'));
  const tiny = new Chain({
    metadata: devnetMetadata(),
    runtimeVersion: DEVNET_RUNTIME_VERSION,
    genesisTimestamp: GENESIS_TS,
  });
  const one = tiny.build({ timestamp: GENESIS_TS + 6000, extrinsics: [] });
  tiny.setBest(one.hash);
  tiny.setFinalized(one.hash);
  const tinyServer = await startRpcServer({ chain: tiny });
  try {
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) starts.push((await squid(tinyServer.url, 1, dir)).ms);
    const startup = { ms: percentiles(starts, [50]).p50! };
    report({
      name: 'Subsquid processor start-up + 1 block (baseline)',
      value: startup.ms,
      unit: 'ms',
      note: 'median of 3; child process: node --import tsx, imports, metadata; subtracted below',
    });
    for (const { label, chain, url } of chains) {
      const height = chain.finalized.number;
      const r = await squid(url, height, dir);
      const net = (r.ms - startup.ms) / 1000;
      report({
        name: `Subsquid processor indexing ${label}`,
        value: height / net,
        unit: 'blocks/s',
        note:
          `${Math.round(r.events / net).toLocaleString('en-US')} events/s; ` +
          `${height} blocks, ${r.events.toLocaleString('en-US')} events in ${(r.ms / 1000).toFixed(2)} s wall ` +
          `(${net.toFixed(2)} s after start-up)`,
      });
    }
  } finally {
    await tinyServer.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// --- 3. scenario build ---------------------------------------------------------------------------

function buildInChild(records: number, eras: number, timeoutMs: number): Promise<BuildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/devnet-build.ts', String(records), String(eras)],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as BuildReport);
      else
        reject(new Error(`build of ${records} records failed (${code ?? signal}): ${err.trim()}`));
    });
  });
}

async function buildFigures(report: Reporter): Promise<void> {
  const sizes = BENCH_BIG ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
  let baseName: string | undefined;
  let baseRate = 0;
  for (const records of sizes) {
    const name = `build scenario, ${records.toLocaleString('en-US')} records, 4 eras`;
    let r: BuildReport;
    try {
      r = await buildInChild(records, 4, records >= 1_000_000 ? 3_600_000 : 900_000);
    } catch (err) {
      report({ name, value: NaN, unit: 'records/s', note: String(err).slice(0, 400) });
      continue;
    }
    const rate = records / (r.scenarioMs / 1000);
    if (baseName === undefined) {
      baseName = name;
      baseRate = rate;
    }
    report({
      name,
      value: rate,
      unit: 'records/s',
      ratio: { against: baseName, value: rate / baseRate },
      note:
        `${(r.scenarioMs / 1000).toFixed(1)} s, peak RSS ${Math.round(r.scenarioMaxRss / 1024)} MiB, ` +
        `${r.blocks.toLocaleString('en-US')} blocks, ${r.events.toLocaleString('en-US')} events, ` +
        `${r.payloads.toLocaleString('en-US')} payloads ${(r.payloadBytes / 1e6).toFixed(1)} MB, ${r.builder}`,
    });
    report({
      name: `  + SCALE chain from it (${records.toLocaleString('en-US')} records)`,
      value: r.blocks / (r.chainMs / 1000),
      unit: 'blocks/s',
      note:
        `${(r.chainMs / 1000).toFixed(1)} s, peak RSS ${Math.round(r.chainMaxRss / 1024)} MiB, ` +
        `${(r.chainBytes / 1e6).toFixed(1)} MB of extrinsics + events`,
    });
  }
}

// --- the suite -----------------------------------------------------------------------------------

export async function run(report: Reporter): Promise<void> {
  const client = startClient();
  const closers: Array<() => Promise<void>> = [];
  try {
    let t = performance.now();
    const synth = syntheticChain(SYNTH_BLOCKS, SYNTH_EXTRINSICS);
    const synthMs = performance.now() - t;
    const synthServer = await startRpcServer({ chain: synth });
    closers.push(() => synthServer.close());
    const synthLabel = `synthetic ${SYNTH_BLOCKS.toLocaleString('en-US')} blocks`;
    const s = await serving(report, client, synthLabel, synth, synthServer.url);
    report({
      name: `  (${synthLabel}: ${s.blocks.toLocaleString('en-US')} blocks, ${s.events.toLocaleString('en-US')} events; JSON of a block + its events)`,
      value: s.blockChars + s.eventsChars,
      unit: 'bytes/block',
      note: `built in ${(synthMs / 1000).toFixed(1)} s; ${SYNTH_EXTRINSICS} signed remarks and transfers per block`,
    });

    t = performance.now();
    const devnet = await startDevnet({ ...SCENARIO, port: 0 });
    const devnetMs = performance.now() - t;
    closers.push(() => devnet.close());
    const devLabel = `scenario ${SCENARIO.records.toLocaleString('en-US')} records`;
    const d = await serving(report, client, devLabel, devnet.chain, devnet.rpcUrl);
    report({
      name: `  (${devLabel}: ${d.blocks.toLocaleString('en-US')} blocks, ${d.events.toLocaleString('en-US')} events; JSON of a block + its events)`,
      value: d.blockChars + d.eventsChars,
      unit: 'bytes/block',
      note: `startDevnet ${(devnetMs / 1000).toFixed(1)} s; ${SCENARIO.eras} eras`,
    });
    client.close();

    await squidFigures(report, [
      { label: synthLabel, chain: synth, url: synthServer.url },
      { label: devLabel, chain: devnet.chain, url: devnet.rpcUrl },
    ]);
    for (const close of closers.splice(0)) await close();

    await buildFigures(report);
  } finally {
    client.close();
    for (const close of closers) await close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run((figure) => console.log(formatFigure(figure)));
}
