/**
 * `proofroom sentinel`: live spot checks of the storage nodes over an indexed database (see
 * docs/sentinel.md). Without a database URL it opens the embedded PostgreSQL in the data directory
 * (when no other process holds it). `--once` runs the pending rounds and exits: 0 when every
 * sampled leaf of them was served intact, 1 when one of them holds a failed check (also one
 * recorded before a restart), 2 on a usage or configuration error.
 */
import pg from 'pg';
import { migrate } from '../db/data-source.ts';
import {
  ConfigError,
  type SentinelConfig,
  type SentinelOverrides,
  loadSentinelConfig,
} from '../sentinel/config.ts';
import { KeyError, type SentinelKey, keyFromHex, loadOrCreateKey } from '../sentinel/keys.ts';
import { SentinelMetrics } from '../sentinel/metrics.ts';
import { Sentinel, type SentinelEvent } from '../sentinel/sentinel.ts';
import { type OptionSpec, UsageError, parseArgs } from './args.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './database.ts';

/** Flags and the variables they set. */
const FLAGS: Record<string, string> = {
  storage: 'PROOFROOM_STORAGE_URLS',
  confidence: 'PROOFROOM_SENTINEL_CONFIDENCE',
  'bad-fraction': 'PROOFROOM_SENTINEL_BAD_FRACTION',
  rule: 'PROOFROOM_SENTINEL_SAMPLE_RULE',
  nodes: 'PROOFROOM_SENTINEL_NODES',
  rate: 'PROOFROOM_SENTINEL_RATE',
  concurrency: 'PROOFROOM_SENTINEL_CONCURRENCY',
  timeout: 'PROOFROOM_SENTINEL_TIMEOUT_MS',
  'evidence-dir': 'PROOFROOM_SENTINEL_EVIDENCE_DIR',
  webhook: 'PROOFROOM_SENTINEL_WEBHOOK_URL',
  'metrics-port': 'PROOFROOM_SENTINEL_METRICS_PORT',
  'key-file': 'PROOFROOM_SENTINEL_KEY_FILE',
  poll: 'PROOFROOM_SENTINEL_POLL_MS',
};

const pct = (x: number): string => `${(100 * x).toFixed(x >= 0.9995 || x < 0.1 ? 2 : 1)}%`;

/** One line of human output per event (progress at most every 2 s per round). */
export function eventPrinter(write: (s: string) => void): (e: SentinelEvent) => void {
  const lastProgress = new Map<string, number>();
  return (e) => {
    switch (e.type) {
      case 'round-start':
        write(
          `round ${e.round}: cluster ${e.clusterId} era ${e.era}, ${e.population} leaves; sampling ${e.sampleSize} on ${e.nodes.length} nodes` +
            (e.alreadyChecked ? ` (${e.alreadyChecked} checked before a restart)` : '')
        );
        return;
      case 'progress': {
        const now = Date.now();
        if (now - (lastProgress.get(e.round) ?? 0) < 2000 && e.sampled < e.sampleSize) return;
        lastProgress.set(e.round, now);
        write(`round ${e.round}: ${e.sampled}/${e.sampleSize} sampled, ${e.failed} failed`);
        return;
      }
      case 'failure':
        write(
          `FAIL ${e.activityId} on ${e.node}: ${e.kind} ${e.code ?? ''}${e.evidenceFile ? `  evidence: ${e.evidenceFile}` : ''}`
        );
        return;
      case 'round-complete': {
        const f = e.figures;
        const k = f.failedByKind;
        write(
          `round ${e.round}: complete. ${f.sampled} of ${e.population} leaves sampled, ${f.ok} ok, ${f.failed} failed ` +
            `(mismatch ${k.mismatch}, missing ${k.missing}, timeout ${k.timeout}, error ${k.error}; ${f.lost} served intact by no node). ` +
            `Confidence ${pct(f.confidence)}; at most ${f.badBound} of ${e.population} leaves bad at the target confidence`
        );
        return;
      }
      case 'skipped':
        write(`skipped cluster ${e.clusterId} era ${e.era}: ${e.reason}`);
        return;
      case 'error':
        write(`error: ${e.error}`);
        return;
      default:
        if (e.type === 'delivered')
          write(`webhook: delivered notice ${e.id} (attempt ${e.attempt})`);
        else
          write(
            `webhook: notice ${e.id} attempt ${e.attempt} failed (${e.reason})${e.retryInMs === null ? '; giving up' : `; retry in ${e.retryInMs} ms`}`
          );
    }
  };
}

/** The sentinel's key: the hex in the configuration, else the key file (created on first use). */
export async function sentinelKey(
  config: SentinelConfig,
  say: (message: string) => void
): Promise<SentinelKey> {
  try {
    if (config.keyHex) return keyFromHex(config.keyHex);
    const k = await loadOrCreateKey(config.keyFile);
    if (k.created) say(`created the sentinel key ${config.keyFile}`);
    return k.key;
  } catch (e) {
    if (e instanceof KeyError) throw new UsageError(e.message);
    throw e;
  }
}

/** A sentinel with every setting from its configuration. */
export function newSentinel(
  config: SentinelConfig,
  pool: pg.Pool,
  key: SentinelKey,
  metrics: SentinelMetrics,
  onEvent: (e: SentinelEvent) => void
): Sentinel {
  return new Sentinel({ ...config, pool, key, metrics, onEvent });
}

/** Every option of `proofroom sentinel` (SENTINEL_USAGE lists the same). */
export const SENTINEL_OPTIONS: OptionSpec = {
  valued: ['database', ...Object.keys(FLAGS)],
  switches: ['once', 'json'],
};

export async function sentinelCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, SENTINEL_OPTIONS);
  const cli = loadConfig();
  const overrides: SentinelOverrides = { PROOFROOM_DATA_DIR: cli.dataDir };
  for (const [flag, name] of Object.entries(FLAGS)) {
    const v = args.flags.get(flag);
    if (v === true) throw new UsageError(`--${flag} needs a value`);
    if (v !== undefined) overrides[name] = v;
  }
  const once = args.flags.has('once');
  const json = args.flags.has('json');
  let config;
  try {
    config = loadSentinelConfig(cli.childEnv, overrides);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const key = await sentinelKey(config, (m) => process.stdout.write(m + '\n'));

  const dbFlag = args.flags.get('database');
  if (dbFlag === true) throw new UsageError('--database needs a value');
  const db = await openDatabase(dbFlag ?? cli.databaseUrl, cli.dataDir, {
    readerTurnMs: cli.readerTurnMs,
    embeddedThread: cli.embeddedThread,
  });
  const databaseUrl = db.url;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 4,
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', () => {});
  try {
    await migrate(databaseUrl);
  } catch (e) {
    await pool.end().catch(() => {});
    await db.close();
    throw new UsageError(
      `cannot use the database at ${db.shown} (${e instanceof Error ? e.message : String(e)}); check --database or DATABASE_URL`
    );
  }

  const metrics = new SentinelMetrics();
  let metricsServer: { url: string; close(): Promise<void> } | null = null;
  if (config.metricsPort >= 0) {
    try {
      metricsServer = await metrics.serve(config.metricsPort, config.metricsHost);
    } catch (e) {
      await pool.end().catch(() => {});
      await db.close();
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new UsageError(
          `port ${config.metricsPort} is taken; choose another with --metrics-port`
        );
      throw e;
    }
  }
  const write = (s: string): void => void process.stdout.write(s + '\n');
  let failures = 0;
  const print = json ? (e: SentinelEvent) => write(JSON.stringify(e)) : eventPrinter(write);
  const sentinel = newSentinel(config, pool, key, metrics, (e) => {
    // A round finished here that holds failures counts, even those recorded before a restart.
    if (e.type === 'failure' || (e.type === 'round-complete' && e.figures.failed > 0)) failures++;
    print(e);
  });
  if (!json) {
    write(
      `sentinel ${key.id}: d=${config.target.d}, p=${config.target.p} (${config.target.rule}), ` +
        `${config.storageUrls ? `nodes ${config.storageUrls.join(', ')}` : 'nodes from the chain'}, ` +
        `${config.rate > 0 ? `${config.rate} samples/s` : 'no rate limit'}` +
        (metricsServer ? `, metrics at ${metricsServer.url}` : '') +
        (config.evidenceDir ? `, evidence in ${config.evidenceDir}` : '')
    );
  }
  const shutdown = async (): Promise<void> => {
    await sentinel.stop();
    await metricsServer?.close();
    await pool.end().catch(() => {});
    await db.close();
  };
  if (once) {
    let code = 0;
    try {
      await sentinel.runOnce();
    } catch (e) {
      process.stderr.write(`proofroom sentinel: ${e instanceof Error ? e.message : String(e)}\n`);
      code = 2;
    }
    await shutdown();
    return code || (failures > 0 ? 1 : 0);
  }
  sentinel.start();
  let done: (code: number) => void = () => {};
  const finished = new Promise<number>((r) => (done = r));
  const stop = (): void => void shutdown().then(() => done(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return finished;
}
