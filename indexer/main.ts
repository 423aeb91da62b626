/**
 * The indexer process: the Subsquid processor (RPC data source) over the devnet or any Substrate
 * endpoint, with Proof Room's mappings, off-chain fetches and verification on ingest, writing to
 * PostgreSQL. Run under the supervisor (indexer/supervisor.ts), which restarts it if it dies;
 * `processor.run` owns the process (it exits on a fatal error), so nothing else lives here.
 * @module
 */
import { SubstrateBatchProcessor } from '@subsquid/substrate-processor';
import pg from 'pg';
import type { Registry } from 'prom-client';
import { migrate } from '../db/data-source.ts';
import { ConfigError, loadIndexerConfig } from './config.ts';
import { fetchChainInfo } from './fetch.ts';
import { Indexer } from './indexer.ts';
import { CALL_NAMES, EVENT_NAMES } from './mapping.ts';
import { Metrics } from './metrics.ts';
import { refusePreV14Start } from './runtime-check.ts';
import { saveChainInfo } from './sql.ts';

async function main(): Promise<void> {
  // Under the supervisor an IPC channel links the two processes: when the supervisor dies (even by
  // kill -9) the channel closes and this process exits too, so no indexer is left running alone.
  // Every batch is committed whole, so leaving at any point loses nothing.
  if (process.send) {
    process.on('disconnect', () => process.exit(0));
    process.channel?.unref();
  }
  let cfg;
  try {
    cfg = loadIndexerConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`proofroom indexer: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = (m: string): void => {
    process.stderr.write(`proofroom indexer: ${m}\n`);
  };
  await refusePreV14Start(cfg, log);
  await migrate(cfg.databaseUrl);
  const pool = new pg.Pool({ connectionString: cfg.databaseUrl, max: 4 });
  // Which chain this is, for receipt bundles; without it indexing goes on and bundles fall back.
  await fetchChainInfo(cfg.rpcUrl, cfg.fetchTimeoutMs)
    .then((info) => saveChainInfo(pool, info))
    .catch((e: unknown) =>
      log(`chain info not recorded: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300))
    );
  const metrics = new Metrics();
  const indexer = new Indexer({
    pool,
    garUrl: cfg.garUrl,
    garAnchorKey: cfg.garAnchorKey,
    storageUrls: cfg.storageUrls,
    fetch: {
      timeoutMs: cfg.fetchTimeoutMs,
      retries: cfg.fetchRetries,
      maxBytes: cfg.maxPayloadBytes,
    },
    threads: cfg.threads,
    payoutBatchSize: cfg.payoutBatchSize,
    quorumRule: cfg.quorumRule,
    roots: cfg.roots,
    fetchConcurrency: cfg.fetchConcurrency,
    chunkRecords: cfg.chunkRecords,
    yieldToReaders: cfg.yieldToReaders,
    deferEras: cfg.deferEras,
    slowWriteMs: cfg.slowWriteMs,
    metrics,
    log,
    onFatal: (e) => {
      process.stderr.write(`proofroom indexer: write failed, exiting: ${String(e)}\n`);
      process.exit(1);
    },
  });
  const processor = new SubstrateBatchProcessor()
    .setRpcEndpoint({
      url: cfg.rpcUrl,
      ...(cfg.rpcRateLimit > 0 ? { rateLimit: cfg.rpcRateLimit } : {}),
    })
    .setRpcDataIngestionSettings({ headPollInterval: cfg.headPollMs })
    .setBlockRange({ from: cfg.fromBlock })
    .addEvent({ name: EVENT_NAMES, extrinsic: true, call: true })
    .addCall({ name: CALL_NAMES, extrinsic: true })
    .setFields({
      block: { timestamp: true },
      event: { name: true, args: true },
      call: { name: true, args: true },
      extrinsic: { hash: true, signature: true, success: true },
    })
    .includeAllBlocks();
  // The processor would open a metrics server of its own on every interface and a random port.
  // Its registry (sqd_* metrics) is served with ours on one endpoint instead, on the address
  // configured (loopback by default), or not at all.
  const own = (
    processor as unknown as {
      prometheus?: { registry?: Registry; serve?: () => Promise<{ port: number | string }> };
    }
  ).prometheus;
  let servedPort: number | string = 'none (PROOFROOM_METRICS_PORT is -1)';
  if (cfg.metricsPort >= 0) {
    const server = await metrics.serve(
      cfg.metricsPort,
      cfg.metricsHost,
      own?.registry ? [own.registry] : []
    );
    const addr = server.address();
    if (addr && typeof addr === 'object') {
      servedPort = addr.port;
      process.stderr.write(
        `proofroom indexer: metrics at http://${cfg.metricsHost.includes(':') ? `[${cfg.metricsHost}]` : cfg.metricsHost}:${addr.port}/metrics\n`
      );
    }
  }
  if (own && typeof own.serve === 'function') own.serve = async () => ({ port: servedPort });
  processor.run(indexer.database(), (ctx) =>
    indexer.handle(ctx as unknown as Parameters<Indexer['handle']>[0])
  );
}

void main();
