/**
 * `proofroom start` (`npm start`): the whole product in one process tree. In this process: the
 * embedded PostgreSQL (unless DATABASE_URL names one), the demo devnet (unless --rpc names a chain),
 * the API with the explorer, and the sentinel; in a supervised child: the indexer. It shows the
 * indexer's progress (heights, rate, ETA), then the URLs. Ctrl-C stops everything in order, and the
 * next start resumes from what the database holds.
 * @module
 */
import { createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { ConfigError as ApiConfigError, loadApiConfig } from '../api/config.ts';
import { type ApiServer, startApiServer } from '../api/server.ts';
import { migrate } from '../db/data-source.ts';
import { ALL_CERE_RUNTIMES } from '../devnet/cere-runtimes.ts';
import type { Devnet } from '../devnet/devnet.ts';
import {
  CLUSTER_2_NODES,
  DEVNET_FAULTS,
  type DevnetFault,
  type DevnetScenarioOptions,
  checkDevnetOptions,
  describeRuntimes,
} from '../devnet/scenario.ts';
import { fetchChainInfo, rpcCalls } from '../indexer/fetch.ts';
import { Supervisor } from '../indexer/supervisor.ts';
import { ConfigError as SentinelConfigError, loadSentinelConfig } from '../sentinel/config.ts';
import { SentinelMetrics } from '../sentinel/metrics.ts';
import type { Sentinel } from '../sentinel/sentinel.ts';
import { type OptionSpec, SetupError, UsageError, parseArgs } from './args.ts';
import { type CliConfig, loadConfig } from './config.ts';
import { type OpenedDatabase, indexerDatabaseEnv, openDatabase } from './database.ts';
import { parseFaults } from './devnet-command.ts';
import { EXPLORER_DIST, ensureExplorer } from './explorer-build.ts';
import { Progress, parseProm } from './progress.ts';
import { eventPrinter, newSentinel, sentinelKey } from './sentinel-command.ts';

/** The demo's faults: one of each kind a reader can see fail, on a chain that settles. */
export const DEMO_FAULTS: readonly DevnetFault[] = DEVNET_FAULTS;

/**
 * The demo's runtimes: Cere 71000 (era 1 paid with the older billing-report design), then 73047,
 * 73160 and 73177 (payout receipts), so the demo crosses both payout designs and three upgrades.
 */
export const DEMO_RUNTIMES: readonly number[] = ALL_CERE_RUNTIMES.map((r) => r.specVersion);

/** The demo's eras of cluster 2 that Root skips (with 3 eras or more). */
export const DEMO_SKIPS: readonly number[] = [2];

export interface StartOptions {
  readonly rpcUrl: string | null;
  readonly garUrl: string | null;
  readonly storageUrls: string | null;
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  /** PROOFROOM_EMBEDDED_READER_TURN_MS: see CliConfig. */
  readonly readerTurnMs: number | undefined;
  /** PROOFROOM_EMBEDDED_THREAD: see CliConfig. */
  readonly embeddedThread: boolean;
  readonly port: number | undefined;
  readonly host: string | undefined;
  readonly devnetPort: number;
  readonly records: number;
  readonly eras: number;
  readonly seed: string;
  readonly faults: readonly DevnetFault[];
  readonly fromBlock: number | null;
  readonly sentinel: boolean;
  readonly sentinelRate: string | null;
}

/** Every option of `proofroom start` (START_USAGE lists the same). */
export const START_OPTIONS: OptionSpec = {
  valued: [
    'rpc',
    'gar',
    'storage',
    'database',
    'data',
    'port',
    'host',
    'devnet-port',
    'records',
    'eras',
    'seed',
    'faults',
    'from',
    'sentinel-rate',
  ],
  switches: ['no-sentinel'],
};

function intFlag(v: string | undefined, name: string, def: number, min: number, max: number) {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${v}")`);
  return n;
}

function urlFlag(v: string | null, what: string, schemes: readonly string[]): string | null {
  if (v === null) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`${what} "${v}" is not a URL`);
  }
  if (!schemes.includes(u.protocol))
    throw new UsageError(`${what} must start with ${schemes.map((s) => `${s}//`).join(' or ')}`);
  return v;
}

export function parseStartOptions(argv: string[], cli: CliConfig): StartOptions {
  const args = parseArgs(argv, START_OPTIONS);
  const str = (k: string): string | undefined => {
    const v = args.flags.get(k);
    if (v === true) throw new UsageError(`--${k} needs a value`);
    return v;
  };
  const rpcUrl = urlFlag(str('rpc') ?? cli.rpcUrl, '--rpc (PROOFROOM_RPC_URL)', [
    'http:',
    'https:',
    'ws:',
    'wss:',
  ]);
  const demoFlags = ['records', 'eras', 'seed', 'faults', 'devnet-port'].filter((k) =>
    args.flags.has(k)
  );
  if (rpcUrl && demoFlags.length > 0)
    throw new UsageError(
      `--${demoFlags[0]} shapes the demo devnet, which does not run with --rpc; drop one of them`
    );
  const port = str('port');
  const o: StartOptions = {
    rpcUrl,
    garUrl: urlFlag(str('gar') ?? null, '--gar', ['http:', 'https:']),
    storageUrls: str('storage') ?? null,
    databaseUrl: str('database') ?? cli.databaseUrl,
    dataDir: str('data') ?? cli.dataDir,
    readerTurnMs: cli.readerTurnMs,
    embeddedThread: cli.embeddedThread,
    port: port === undefined ? undefined : intFlag(port, 'port', 0, 0, 65_535),
    host: str('host'),
    devnetPort: intFlag(str('devnet-port'), 'devnet-port', cli.devnetPort, 1, 65_530),
    records: intFlag(str('records'), 'records', 600, 1, 200_000),
    eras: intFlag(str('eras'), 'eras', 4, 1, 100),
    seed: str('seed') ?? 'proofroom-demo',
    faults: args.flags.has('faults') ? parseFaults(str('faults')) : DEMO_FAULTS,
    fromBlock: str('from') === undefined ? null : intFlag(str('from'), 'from', 0, 0, 2 ** 31),
    sentinel: !args.flags.has('no-sentinel'),
    sentinelRate: str('sentinel-rate') ?? null,
  };
  // A demo the scenario cannot build (too few eras for its faults) is refused here, in one line,
  // before the database starts, rather than as a stack trace from the devnet later.
  if (!rpcUrl) {
    try {
      checkDevnetOptions(demoScenarioOptions(o));
    } catch (e) {
      if (e instanceof RangeError)
        throw new SetupError(`the demo chain: ${e.message} (change --eras or --faults)`);
      throw e;
    }
  }
  return o;
}

/** The demo devnet's scenario: the start options, every Cere runtime and cluster 2's skips. */
function demoScenarioOptions(o: StartOptions): DevnetScenarioOptions {
  return {
    seed: o.seed,
    records: o.records,
    eras: o.eras,
    faults: o.faults,
    runtimes: DEMO_RUNTIMES,
    skips: o.eras >= 3 ? DEMO_SKIPS : [],
  };
}

/** Resolves true when `port` on `host` can be listened on now. */
function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** What the database already holds: the chain it indexed and how far. */
interface StoredState {
  readonly genesisHash: string | null;
  readonly chainName: string | null;
  readonly height: number;
  readonly hash: string | null;
}

async function storedState(pool: pg.Pool): Promise<StoredState> {
  const info = (
    await pool.query<{ genesis_hash: string; name: string }>(
      `SELECT genesis_hash, name FROM chain_info ORDER BY id LIMIT 1`
    )
  ).rows[0];
  const st = (
    await pool.query<{ height: number; hash: string }>(
      `SELECT finalized_height AS height, finalized_hash AS hash FROM indexer_status WHERE id = 'main'`
    )
  ).rows[0];
  return {
    genesisHash: info?.genesis_hash ?? null,
    chainName: info?.name ?? null,
    height: st ? Number(st.height) : -1,
    hash: st?.hash ?? null,
  };
}

/**
 * Subjects of one kind (anchor, era, settlement): with a failed line, with a waiting one (none
 * failed), with a line a skipped era made moot (none failed or waiting), and all.
 */
interface SubjectCounts {
  readonly kind: string;
  readonly failing: number;
  readonly waiting: number;
  readonly skipped: number;
  readonly total: number;
}

interface Receipts {
  readonly total: number;
  /** Records with a failed line of their own (record, consent, registration). */
  readonly failing: number;
  /** Records with no failed line of their own but one that waits for an input. */
  readonly waiting: number;
  /** Subjects by kind. */
  readonly subjects: readonly SubjectCounts[];
  readonly sampleFailing: string | null;
  readonly sampleOk: string | null;
}

async function receiptCounts(pool: pg.Pool): Promise<Receipts> {
  const r = (
    await pool.query<{
      total: number;
      failing: number;
      waiting: number;
      bad: string | null;
      good: string | null;
    }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE failed > 0)::int AS failing,
              count(*) FILTER (WHERE failed = 0 AND pending > 0)::int AS waiting,
              (SELECT id FROM activity_record WHERE failed > 0 ORDER BY block_height, id LIMIT 1) AS bad,
              (SELECT id FROM activity_record WHERE ok ORDER BY block_height, id LIMIT 1) AS good
         FROM activity_record`
    )
  ).rows[0]!;
  const subjects = (
    await pool.query<SubjectCounts>(
      `SELECT kind, count(*) FILTER (WHERE failed > 0)::int AS failing,
              count(*) FILTER (WHERE failed = 0 AND pending > 0)::int AS waiting,
              count(*) FILTER (WHERE failed = 0 AND pending = 0 AND skipped > 0)::int AS skipped,
              count(*)::int AS total
         FROM verification_subject GROUP BY kind ORDER BY kind`
    )
  ).rows;
  return {
    total: r.total,
    failing: r.failing,
    waiting: r.waiting,
    subjects,
    sampleFailing: r.bad,
    sampleOk: r.good,
  };
}

/**
 * What of the indexer's output to show: its own messages, and the processor's warnings and errors
 * (its JSON log lines at level 3 or more, by their message); the processor's progress (level 2) is
 * replaced by the status line.
 */
export function indexerLine(line: string): string | null {
  if (line.trim() === '') return null;
  if (line.startsWith('{')) {
    try {
      const j = JSON.parse(line) as {
        level?: unknown;
        msg?: unknown;
        err?: { message?: unknown; stack?: unknown };
      };
      if (typeof j.level === 'number' && j.level <= 2) return null;
      const err = j.err ? String(j.err.message ?? j.err.stack ?? '').split('\n')[0] : '';
      return `indexer: ${[typeof j.msg === 'string' ? j.msg : '', err].filter(Boolean).join(': ')}`;
    } catch {
      // not JSON after all: shown as it is
    }
  }
  return line.startsWith('proofroom indexer:') ? line : `indexer: ${line}`;
}

/** What the steps of a start share: settings, output, what to stop in reverse, the stop signal. */
interface StartRun {
  readonly cli: CliConfig;
  readonly o: StartOptions;
  readonly ui: Progress;
  readonly say: (m: string) => void;
  readonly cleanups: Array<{ name: string; run: () => Promise<void> }>;
  /** Resolves when a stop is requested (`wake`). */
  readonly stopped: Promise<void>;
  readonly wake: () => void;
  stopRequested: boolean;
  /** The indexer's process while it runs. */
  child: ChildProcess | null;
  exitCode: number;
}

/** The chain the start follows: the demo devnet's or the endpoint given. */
interface FollowedChain {
  readonly devnet: Devnet | null;
  readonly rpcUrl: string;
  readonly garUrl: string | null;
  readonly storageUrls: string | null;
  readonly genesis: string;
  /** The demo's head is known; a real chain's comes from the processor's metrics. */
  readonly tipHeight: number | null;
}

export async function startCommand(argv: string[]): Promise<number> {
  const cli = loadConfig();
  const o = parseStartOptions(argv, cli);
  const ui = new Progress(process.stdout, cli.tty);
  let wake: () => void = () => {};
  const stopped = new Promise<void>((r) => (wake = r));
  const run: StartRun = {
    cli,
    o,
    ui,
    say: (m: string): void => ui.log(m),
    cleanups: [],
    stopped,
    wake: () => wake(),
    stopRequested: false,
    child: null,
    exitCode: 0,
  };
  const say = run.say;
  const onSignal = signalHandler(run);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const stopAll = async (): Promise<void> => {
    ui.done();
    while (run.cleanups.length > 0) {
      const c = run.cleanups.pop()!;
      await c.run().catch((e: unknown) => say(`stopping ${c.name}: ${String(e)}`));
    }
  };

  try {
    const t0 = performance.now();
    say(
      o.rpcUrl
        ? `Proof Room: indexing ${o.rpcUrl}`
        : `Proof Room: a demo chain with faults (seed "${o.seed}", ${o.records} records over ${o.eras} eras)`
    );

    // The API's settings first: they say whether to serve (and so build) the explorer.
    const apiConfig = apiSettings(run);
    await buildExplorer(run, apiConfig.explorerDir);
    if (run.stopRequested) return 0;

    const { db, pool, stored } = await bringUpDatabase(run);
    if (run.stopRequested) return 0;

    // Ports: one message for each that is taken, before anything listens.
    if (apiConfig.port !== 0 && !(await portFree(apiConfig.host, apiConfig.port)))
      throw new SetupError(
        `port ${apiConfig.port} (the explorer and API) is taken; choose another with --port or PROOFROOM_API_PORT`
      );

    // The chain: the demo devnet, or the endpoint given.
    const chain = o.rpcUrl ? await connectChain(run, o.rpcUrl) : await startDemo(run, stored);
    if (run.stopRequested) return 0;

    await checkStoredChain(run, db, stored, chain);
    const indexer = startIndexer(run, db, chain);
    const server = await startApi(run, apiConfig, db.url, chain.rpcUrl);
    const sentinel = o.sentinel ? await startSentinel(run, db.url) : null;

    // Progress until the indexer reaches the head, then the URLs.
    const announce = (early: boolean): Promise<void> =>
      announceUrls(run, { pool, server, sentinel, rpcUrl: chain.rpcUrl, db, t0 }, early);
    await followProgress(run, indexer, chain.tipHeight, t0, announce);
    return run.exitCode;
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    if (run.stopRequested) process.stdout.write('stopped.\n');
  }
}

/** Shutdown: the handler of SIGINT, SIGTERM and SIGHUP (a second one forces the exit). */
function signalHandler(run: StartRun): (signal: NodeJS.Signals) => void {
  let firstSignalAt = 0;
  return (signal: NodeJS.Signals): void => {
    // npm forwards the terminal's Ctrl-C, so one key press can arrive twice: only a second
    // signal a moment later forces the exit.
    if (run.stopRequested && Date.now() - firstSignalAt < 1500) return;
    if (run.stopRequested) {
      // A second Ctrl-C: leave now, taking the indexer with us.
      run.child?.kill('SIGKILL');
      process.exit(130);
    }
    run.stopRequested = true;
    firstSignalAt = Date.now();
    run.ui.log(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping (again to force)…`);
    run.wake();
  };
}

/** API settings: from the environment and the options (the database is checked when opened). */
function apiSettings(run: StartRun): ReturnType<typeof loadApiConfig> {
  const o = run.o;
  try {
    return loadApiConfig(run.cli.childEnv, {
      // The database's URL is checked (and named in messages) when it is opened below.
      databaseUrl: null,
      embedded: !o.databaseUrl,
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.host !== undefined ? { host: o.host } : {}),
    });
  } catch (e) {
    if (e instanceof ApiConfigError) throw new SetupError(e.message);
    throw e;
  }
}

/** The explorer's build (only when missing or older than its sources: the first start). */
async function buildExplorer(run: StartRun, explorerDir: string | null): Promise<void> {
  if (explorerDir !== EXPLORER_DIST) return;
  try {
    const b = await ensureExplorer();
    if (b.built) run.say(`built the explorer in ${(b.ms / 1000).toFixed(1)} s`);
  } catch (e) {
    run.say(
      `the explorer could not be built (${e instanceof Error ? e.message : String(e)}); serving the API only`
    );
  }
}

/** Database bring-up: opened (embedded or given), migrated, and what it already holds. */
async function bringUpDatabase(
  run: StartRun
): Promise<{ db: OpenedDatabase; pool: pg.Pool; stored: StoredState }> {
  // The database: the embedded one refuses a folder another process has open.
  const db: OpenedDatabase = await openDatabase(run.o.databaseUrl, run.o.dataDir, {
    readerTurnMs: run.o.readerTurnMs,
    embeddedThread: run.o.embeddedThread,
  });
  run.cleanups.push({ name: 'the database', run: () => db.close() });
  run.say(`database      ${db.shown}`);
  try {
    await migrate(db.url);
  } catch (e) {
    throw new SetupError(
      `cannot prepare the database at ${db.shown} (${e instanceof Error ? e.message : String(e)}); check --database or DATABASE_URL`
    );
  }
  const pool = new pg.Pool({ connectionString: db.url, max: 3, connectionTimeoutMillis: 15_000 });
  pool.on('error', () => {});
  run.cleanups.push({ name: 'the pool', run: () => pool.end() });
  const stored = await storedState(pool);
  return { db, pool, stored };
}

/** Devnet bring-up: the demo chain on its ports, settled at once when the database resumes. */
async function startDemo(run: StartRun, stored: StoredState): Promise<FollowedChain> {
  const o = run.o;
  // Storage nodes: cluster 1's three and cluster 2's (the demo runs both clusters).
  const nodes = 3 + CLUSTER_2_NODES;
  for (let k = 0; k < 2 + nodes; k++) {
    if (!(await portFree('127.0.0.1', o.devnetPort + k)))
      throw new SetupError(
        `port ${o.devnetPort + k} (the demo chain uses ${o.devnetPort}-${o.devnetPort + 1 + nodes}) is taken; ` +
          'choose another first port with --devnet-port or PROOFROOM_DEVNET_PORT, or follow a real chain with --rpc'
      );
  }
  const { startDevnet } = await import('../devnet/devnet.ts');
  const resumed = stored.height > 0;
  const dn = await startDevnet({
    ...demoScenarioOptions(o),
    port: o.devnetPort,
    host: '127.0.0.1',
    // A first start shows the indexer a reorg; a resumed one starts from the settled chain.
    reorgAfterMs: resumed ? 0 : 3000,
  });
  run.cleanups.push({ name: 'the devnet', run: () => dn.close() });
  if (resumed) dn.settle();
  const tip = dn.canonical.length - 1;
  const m = dn.manifest;
  run.say(
    `demo chain    ${dn.rpcUrl} (${m.records} records, ${tip} blocks; faults: ${m.faults.length ? m.faults.join(', ') : 'none'})`
  );
  run.say(`runtimes      ${describeRuntimes(dn.scenario)}`);
  return {
    devnet: dn,
    rpcUrl: dn.rpcUrl,
    garUrl: o.garUrl ?? dn.garUrl,
    storageUrls: o.storageUrls ?? dn.storageUrls.join(','),
    genesis: dn.chain.genesisHash,
    tipHeight: tip,
  };
}

/** A real chain: its genesis and name from the endpoint given. */
async function connectChain(run: StartRun, rpcUrl: string): Promise<FollowedChain> {
  let info;
  try {
    info = await fetchChainInfo(rpcUrl, 15_000);
  } catch (e) {
    throw new SetupError(
      `cannot reach the chain at ${rpcUrl} (${e instanceof Error ? e.message : String(e)}); ` +
        'check --rpc or PROOFROOM_RPC_URL (Cere mainnet: wss://archive.mainnet.cere.network/ws), or leave it unset for the demo chain'
    );
  }
  const genesis = info.genesisHash;
  run.say(`chain         ${info.name} at ${rpcUrl} (genesis ${genesis.slice(0, 18)}…)`);
  return {
    devnet: null,
    rpcUrl,
    garUrl: run.o.garUrl,
    storageUrls: run.o.storageUrls,
    genesis,
    tipHeight: null,
  };
}

/** The database must hold this chain's blocks, or nothing yet. */
async function checkStoredChain(
  run: StartRun,
  db: OpenedDatabase,
  stored: StoredState,
  chain: FollowedChain
): Promise<void> {
  const { devnet, rpcUrl, genesis } = chain;
  const o = run.o;
  const where = db.embedded ? `the data folder ${o.dataDir}` : `the database ${db.shown}`;
  const startOver = db.embedded
    ? `use another folder (--data or PROOFROOM_DATA_DIR) or delete ${o.dataDir} to start over`
    : 'use another database (DATABASE_URL) or an empty one';
  if (stored.genesisHash && stored.genesisHash !== genesis)
    throw new SetupError(
      `${where} holds an index of another chain (${stored.chainName ?? 'unnamed'}, genesis ${stored.genesisHash.slice(0, 18)}…) than ${rpcUrl} (genesis ${genesis.slice(0, 18)}…); ${startOver}`
    );
  if (stored.height > 0 && stored.hash) {
    let there: unknown;
    if (devnet) there = devnet.canonical[stored.height]?.hash ?? null;
    else
      [there] = await rpcCalls(rpcUrl, [['chain_getBlockHash', [stored.height]]], 15_000).catch(
        () => [undefined]
      );
    if (there !== undefined && there !== stored.hash)
      throw new SetupError(
        `${where} indexed block ${stored.height} as ${stored.hash.slice(0, 18)}…, but ${rpcUrl} has ${typeof there === 'string' ? `${there.slice(0, 18)}…` : 'no such block'} there` +
          `${devnet ? ' (a demo with other --seed, --records, --eras or --faults)' : ''}; ${startOver}`
      );
    run.say(`resuming      from block ${stored.height} (indexed before)`);
  }
}

/**
 * The indexer, in its own process group: Ctrl-C reaches this process, which stops it in order.
 * Returns where its metrics are (known once it says so).
 */
function startIndexer(
  run: StartRun,
  db: OpenedDatabase,
  chain: FollowedChain
): { metricsUrl: string | null } {
  const { cli, o, say } = run;
  const { rpcUrl, garUrl, storageUrls } = chain;
  const indexer: { metricsUrl: string | null } = { metricsUrl: null };
  const sup = new Supervisor({
    env: {
      ...cli.childEnv,
      PROOFROOM_RPC_URL: rpcUrl,
      DATABASE_URL: db.url,
      ...indexerDatabaseEnv(db, cli.childEnv),
      PROOFROOM_METRICS_PORT:
        cli.childEnv.PROOFROOM_METRICS_PORT?.trim() &&
        cli.childEnv.PROOFROOM_METRICS_PORT.trim() !== '-1'
          ? cli.childEnv.PROOFROOM_METRICS_PORT
          : '0',
      ...(garUrl ? { PROOFROOM_GAR_URL: garUrl } : {}),
      ...(storageUrls ? { PROOFROOM_STORAGE_URLS: storageUrls } : {}),
      ...(o.fromBlock !== null ? { PROOFROOM_FROM_BLOCK: String(o.fromBlock) } : {}),
    },
    stdio: 'pipe',
    detached: true,
    onStart: (c) => {
      run.child = c;
      indexer.metricsUrl = null;
      const onLine = (line: string): void => {
        const m = /metrics at (http:\/\/\S+)/.exec(line);
        if (m) {
          indexer.metricsUrl = m[1]!;
          return;
        }
        const shown = indexerLine(line);
        if (shown !== null) say(shown);
      };
      createInterface({ input: c.stdout! }).on('line', onLine);
      createInterface({ input: c.stderr! }).on('line', onLine);
    },
    onExit: (code, signal, wait) => {
      run.child = null;
      if (wait !== null)
        say(`the indexer exited (${signal ?? `code ${code}`}); restarting it in ${wait} ms`);
      else if (!run.stopRequested) {
        // Exit code 2: its configuration is wrong (it said why above); a restart cannot help.
        say('the indexer cannot run with this configuration; stopping');
        run.exitCode = 2;
        run.stopRequested = true;
        run.wake();
      }
    },
  });
  sup.start();
  run.cleanups.push({ name: 'the indexer', run: () => sup.stop() });
  return indexer;
}

/** The API and the explorer. */
async function startApi(
  run: StartRun,
  apiConfig: ReturnType<typeof loadApiConfig>,
  databaseUrl: string,
  rpcUrl: string
): Promise<ApiServer> {
  let server: ApiServer;
  try {
    server = await startApiServer({ ...apiConfig, databaseUrl, rpcUrl }, (m) =>
      run.say(`api: ${m}`)
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new SetupError(
        `port ${apiConfig.port} (the explorer and API) is taken; choose another with --port or PROOFROOM_API_PORT`
      );
    throw e;
  }
  run.cleanups.push({ name: 'the API', run: () => server.close(2000) });
  return server;
}

/** The sentinel, gently: it shares the machine with everything else. */
async function startSentinel(run: StartRun, databaseUrl: string): Promise<Sentinel> {
  const { cli, o, say } = run;
  let sc;
  try {
    sc = loadSentinelConfig(cli.childEnv, {
      PROOFROOM_DATA_DIR: o.dataDir,
      ...(o.sentinelRate !== null
        ? { PROOFROOM_SENTINEL_RATE: o.sentinelRate }
        : cli.childEnv.PROOFROOM_SENTINEL_RATE
          ? {}
          : { PROOFROOM_SENTINEL_RATE: '10' }),
    });
  } catch (e) {
    if (e instanceof SentinelConfigError) throw new SetupError(e.message);
    throw e;
  }
  const key = await sentinelKey(sc, say);
  const spool = new pg.Pool({
    connectionString: databaseUrl,
    max: 2,
    connectionTimeoutMillis: 15_000,
  });
  spool.on('error', () => {});
  const printer = eventPrinter((m) => say(`sentinel: ${m}`));
  const s = newSentinel(sc, spool, key, new SentinelMetrics(), (e) => {
    if (e.type === 'round-complete' || e.type === 'skipped' || e.type === 'error') printer(e);
  });
  run.cleanups.push({
    name: 'the sentinel',
    run: async () => {
      await s.stop();
      await spool.end();
    },
  });
  s.start();
  return s;
}

/** The URLs once up: the explorer, GraphQL, what the receipts say, how to pin the proofs. */
async function announceUrls(
  run: StartRun,
  up: {
    pool: pg.Pool;
    server: ApiServer;
    sentinel: Sentinel | null;
    rpcUrl: string;
    db: OpenedDatabase;
    t0: number;
  },
  early: boolean
): Promise<void> {
  const { pool, server, sentinel, rpcUrl, db, t0 } = up;
  const r = await receiptCounts(pool).catch(() => null);
  const url = server.url;
  const lines = [
    '',
    early
      ? 'Proof Room is up; the indexer is still catching up, and pages fill in as blocks arrive.'
      : `Proof Room is up (${((performance.now() - t0) / 1000).toFixed(0)} s).`,
    `  explorer   ${url}/`,
    `  GraphQL    ${url}/graphql`,
  ];
  if (r && r.total > 0) {
    lines.push(
      `  receipts   ${r.total} indexed; ${r.failing} records fail a check of their own` +
        (r.waiting > 0 ? `, ${r.waiting} wait for an input` : '')
    );
    const plural = (kind: string): string =>
      kind === 'batch' ? 'batches' : kind.endsWith('s') ? kind : `${kind}s`;
    for (const [label, of] of [
      ['failing', (x) => x.failing],
      ['waiting', (x) => x.waiting],
      ['skipped', (x) => x.skipped],
    ] as ReadonlyArray<readonly [string, (x: SubjectCounts) => number]>) {
      const some = r.subjects.filter((x) => of(x) > 0);
      if (some.length > 0)
        lines.push(
          `             ${label}: ${some.map((x) => `${of(x)} of ${x.total} ${plural(x.kind)}`).join(', ')}`
        );
    }
    if (r.sampleFailing)
      lines.push(`             a failing one: ${url}/receipt/${r.sampleFailing}`);
    else if (r.sampleOk) lines.push(`             one of them:   ${url}/receipt/${r.sampleOk}`);
  }
  if (sentinel) lines.push(`  sentinel   spot-checks the storage nodes of every paid era`);
  // Bundles carry proofs of their chain facts; a node the user trusts pins them.
  lines.push(
    `  proofs     bundles prove their chain facts against ${rpcUrl}; pin them to a node you trust:`,
    `             npx proofroom verify <bundle.json> --trust-rpc ${rpcUrl}  (explorer: "Check against my node")`
  );
  lines.push(
    `Ctrl-C stops everything; the next start resumes from ${db.embedded ? run.o.dataDir : 'the database'}.`,
    ''
  );
  for (const l of lines) run.say(l);
}

/**
 * Progress: polls the indexer's metrics every second until a stop, showing the status line until
 * it reaches the head, then the URLs (early, during a long catch-up).
 */
async function followProgress(
  run: StartRun,
  indexer: { readonly metricsUrl: string | null },
  tipHeight: number | null,
  t0: number,
  announce: (early: boolean) => Promise<void>
): Promise<void> {
  const { ui, say } = run;
  let announced = false;
  let caughtUpOnce = false;
  const history: Array<{ t: number; h: number }> = [];
  const poll = async (): Promise<void> => {
    const metricsUrl = indexer.metricsUrl;
    if (!metricsUrl) return;
    let text: string;
    try {
      const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) });
      text = await res.text();
    } catch {
      return;
    }
    const m = parseProm(text);
    // The height the indexer has committed (the processor's own last block runs ahead of the
    // write in flight, so its records would not all be counted yet).
    const last = m.get('proofroom_indexer_height{kind="indexed"}');
    const chainHeight = tipHeight ?? m.get('sqd_processor_chain_height');
    if (last === undefined || chainHeight === undefined || chainHeight <= 0) return;
    const now = performance.now();
    history.push({ t: now, h: last });
    while (history.length > 2 && now - history[0]!.t > 10_000) history.shift();
    const first = history[0]!;
    const rate = now > first.t + 500 ? ((last - first.h) * 1000) / (now - first.t) : 0;
    const verified = m.get('proofroom_indexer_records_verified_total') ?? 0;
    const caughtUp = last >= chainHeight;
    if (caughtUpOnce) return;
    if (last < 0) return;
    const eta = rate > 0 ? Math.max(0, chainHeight - last) / rate : null;
    const line = progressLine(last, chainHeight, rate, verified);
    if (caughtUp) {
      caughtUpOnce = true;
      // The last figures stay on screen (and in a log) above the URLs.
      ui.status(null);
      ui.log(
        `indexed    block ${last.toLocaleString('en')} of ${chainHeight.toLocaleString('en')}` +
          (verified > 0 ? `; ${verified.toLocaleString('en')} receipts verified by this run` : '')
      );
      if (announced) say(`caught up with the chain at block ${last.toLocaleString('en')}`);
      else {
        announced = true;
        await announce(false);
      }
      return;
    }
    ui.status(line);
    // A long catch-up (a real chain from its first block): the URLs now, the progress goes on.
    if (!announced && performance.now() - t0 > 20_000 && eta !== null && eta > 60) {
      announced = true;
      await announce(true);
    }
  };
  while (!run.stopRequested) {
    await poll();
    await Promise.race([run.stopped, new Promise((r) => setTimeout(r, 1000))]);
  }
}

/** The status line while indexing: where, how fast, how long still, how much verified. */
export function progressLine(
  last: number,
  chainHeight: number,
  rate: number,
  verified: number
): string {
  const eta = rate > 0 ? Math.max(0, chainHeight - last) / rate : null;
  return (
    `indexing   block ${last.toLocaleString('en')} of ${chainHeight.toLocaleString('en')} ` +
    `(${((100 * Math.max(0, last)) / chainHeight).toFixed(1)}%), ` +
    `${rate.toFixed(rate < 10 ? 1 : 0)} blocks/s, ETA ${eta === null ? '…' : formatDuration(eta)}; ` +
    `${verified.toLocaleString('en')} receipts verified`
  );
}

export function formatDuration(s: number): string {
  if (s < 90) return `${Math.ceil(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}
