/**
 * The indexer process's configuration: the only module of that process that reads the
 * environment. The supervisor (or an operator) sets these variables; values are validated once.
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | `PROOFROOM_RPC_URL` | Substrate JSON-RPC endpoint (http(s) or ws(s)) | required |
 * | `DATABASE_URL` | PostgreSQL URL | required (the supervisor passes its embedded one) |
 * | `PROOFROOM_GAR_URL` | GAR agreement service base URL | none: grants are not fetched |
 * | `PROOFROOM_GAR_ANCHOR_KEY` | the key the GAR service anchors grant versions with (0x-hex) | what the service states at `/api/v1/info` |
 * | `PROOFROOM_STORAGE_URLS` | comma-separated DDC storage node base URLs | none |
 * | `PROOFROOM_FROM_BLOCK` | first block to index | 0 |
 * | `PROOFROOM_METRICS_PORT` | Prometheus port (0: pick one, -1: off) | -1 |
 * | `PROOFROOM_METRICS_HOST` | address the metrics endpoint listens on (`0.0.0.0`: every interface) | 127.0.0.1 |
 * | `PROOFROOM_THREADS` | verification worker threads | number of cores |
 * | `PROOFROOM_FETCH_TIMEOUT_MS` / `_RETRIES` / `PROOFROOM_MAX_PAYLOAD_BYTES` | off-chain fetch limits | 5000 / 2 / 64 MiB |
 * | `PROOFROOM_PAYOUT_BATCH_SIZE` | Cere's MAX_PAYOUT_BATCH_SIZE, to recompute era roots | by each era's runtime version |
 * | `PROOFROOM_QUORUM_RULE` | `cere67` or `twoThirds` | cere67 |
 * | `PROOFROOM_ROOTS` | what era roots are checked against: `activity` (recomputed from the records with Proof Room's cost model) or `committed` (the batches the payout sent on chain; for real Cere) | activity |
 * | `PROOFROOM_RPC_RATE_LIMIT` | RPC requests per second (0: none) | 0 |
 * | `PROOFROOM_HEAD_POLL_MS` | head polling interval over HTTP | 1000 |
 * | `PROOFROOM_FETCH_CONCURRENCY` | payload fetches in flight | 8 |
 * | `PROOFROOM_WRITE_YIELD` | `1`: once the database held a write's `BEGIN` back for API requests (the embedded one does), finish each write before preparing the next chunk, for 10 s | 0; 1 when the CLI runs the indexer on the embedded database |
 * | `PROOFROOM_DEFER_ERAS` | `1`: while catching up, put off recomputing an era that only gained records and has no vote or payout yet, until the write that reaches the head | 1 |
 * | `PROOFROOM_SLOW_WRITE_MS` | a write transaction at least this long is logged with its phases (0: every one) | 1000 |
 * | `PROOFROOM_WRITE_CHUNK_RECORDS` | records per write transaction, about (blocks are written in chunks of whole blocks; on the embedded database readers wait while one is open) | 5000; 150 when the CLI runs the indexer on the embedded database |
 * @module
 */
import type { QuorumRule } from '../verifier/quorum.ts';
import { ROOTS_SOURCES, type RootsSource } from '../verifier/receipts/attestation.ts';
import { availableParallelism } from 'node:os';

export interface IndexerConfig {
  readonly rpcUrl: string;
  readonly databaseUrl: string;
  readonly garUrl: string | null;
  /** The GAR service's anchoring key, when configured (else asked from the service). */
  readonly garAnchorKey: string | null;
  readonly storageUrls: readonly string[];
  readonly fromBlock: number;
  readonly metricsPort: number;
  readonly metricsHost: string;
  readonly threads: number;
  readonly fetchTimeoutMs: number;
  readonly fetchRetries: number;
  readonly maxPayloadBytes: number;
  /** null: each era's batch size follows its runtime version (verifier/cere-rules.ts). */
  readonly payoutBatchSize: number | null;
  readonly quorumRule: QuorumRule;
  readonly roots: RootsSource;
  readonly rpcRateLimit: number;
  readonly headPollMs: number;
  readonly fetchConcurrency: number;
  readonly chunkRecords: number;
  readonly yieldToReaders: boolean;
  readonly deferEras: boolean;
  readonly slowWriteMs: number;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return dflt;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  return n;
}

function url(name: string, raw: string): string {
  try {
    const u = new URL(raw);
    if (!['http:', 'https:', 'ws:', 'wss:', 'postgres:', 'postgresql:'].includes(u.protocol))
      throw new Error('scheme');
    return raw;
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${raw}"`);
  }
}

export function loadIndexerConfig(env: NodeJS.ProcessEnv = process.env): IndexerConfig {
  const rpc = env.PROOFROOM_RPC_URL?.trim();
  if (!rpc) throw new ConfigError('PROOFROOM_RPC_URL is required');
  const db = env.DATABASE_URL?.trim();
  if (!db) throw new ConfigError('DATABASE_URL is required');
  const gar = env.PROOFROOM_GAR_URL?.trim();
  const garKey = env.PROOFROOM_GAR_ANCHOR_KEY?.trim().toLowerCase() || null;
  if (garKey !== null && !/^0x[0-9a-f]{64}$/.test(garKey))
    throw new ConfigError(
      `PROOFROOM_GAR_ANCHOR_KEY must be a 32-byte 0x-hex key (got "${garKey}")`
    );
  const storage = (env.PROOFROOM_STORAGE_URLS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => url('PROOFROOM_STORAGE_URLS', s));
  const rule = env.PROOFROOM_QUORUM_RULE?.trim() || 'cere67';
  if (rule !== 'cere67' && rule !== 'twoThirds')
    throw new ConfigError(`PROOFROOM_QUORUM_RULE must be cere67 or twoThirds (got "${rule}")`);
  const roots = env.PROOFROOM_ROOTS?.trim() || 'activity';
  if (!ROOTS_SOURCES.includes(roots as RootsSource))
    throw new ConfigError(`PROOFROOM_ROOTS must be activity or committed (got "${roots}")`);
  return Object.freeze({
    rpcUrl: url('PROOFROOM_RPC_URL', rpc),
    databaseUrl: url('DATABASE_URL', db),
    garUrl: gar ? url('PROOFROOM_GAR_URL', gar) : null,
    garAnchorKey: garKey,
    storageUrls: storage,
    fromBlock: int(env, 'PROOFROOM_FROM_BLOCK', 0, 0, 2 ** 31),
    metricsPort: int(env, 'PROOFROOM_METRICS_PORT', -1, -1, 65535),
    metricsHost: env.PROOFROOM_METRICS_HOST?.trim() || '127.0.0.1',
    threads: int(env, 'PROOFROOM_THREADS', availableParallelism(), 1, 256),
    fetchTimeoutMs: int(env, 'PROOFROOM_FETCH_TIMEOUT_MS', 5000, 1, 600_000),
    fetchRetries: int(env, 'PROOFROOM_FETCH_RETRIES', 2, 0, 20),
    maxPayloadBytes: int(env, 'PROOFROOM_MAX_PAYLOAD_BYTES', 64 * 1024 * 1024, 1, 2 ** 31),
    payoutBatchSize: env.PROOFROOM_PAYOUT_BATCH_SIZE?.trim()
      ? int(env, 'PROOFROOM_PAYOUT_BATCH_SIZE', 0, 1, 65535)
      : null,
    quorumRule: rule,
    roots: roots as RootsSource,
    rpcRateLimit: int(env, 'PROOFROOM_RPC_RATE_LIMIT', 0, 0, 1_000_000),
    headPollMs: int(env, 'PROOFROOM_HEAD_POLL_MS', 1000, 50, 600_000),
    fetchConcurrency: int(env, 'PROOFROOM_FETCH_CONCURRENCY', 8, 1, 256),
    chunkRecords: int(env, 'PROOFROOM_WRITE_CHUNK_RECORDS', 5000, 1, 1_000_000),
    yieldToReaders: int(env, 'PROOFROOM_WRITE_YIELD', 0, 0, 1) === 1,
    deferEras: int(env, 'PROOFROOM_DEFER_ERAS', 1, 0, 1) === 1,
    slowWriteMs: int(env, 'PROOFROOM_SLOW_WRITE_MS', 1000, 0, 3_600_000),
  });
}
