/**
 * The sentinel's configuration: the only sentinel module that reads the environment. Command-line
 * flags arrive as overrides. Values are validated once; a bad one is a `ConfigError` naming the
 * variable and what it must be.
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | `PROOFROOM_SENTINEL_KEY` | the sentinel's ed25519 secret seed, 64 hex digits | the key file |
 * | `PROOFROOM_SENTINEL_KEY_FILE` | where the key is kept (created on first run, mode 0600) | `<data dir>/sentinel/key` |
 * | `PROOFROOM_SENTINEL_CONFIDENCE` | d: the confidence of catching a bad fraction p | 0.99 |
 * | `PROOFROOM_SENTINEL_BAD_FRACTION` | p: the bad fraction to catch | 0.01 |
 * | `PROOFROOM_SENTINEL_SAMPLE_RULE` | `exact` (the smallest sample whose hypergeometric chance of catching the bad fraction is at least the confidence) or `formula` (n0 with the finite-population correction, which falls short on small eras) | exact |
 * | `PROOFROOM_STORAGE_URLS` | storage node base URLs, comma-separated | the cluster's nodes as registered on chain |
 * | `PROOFROOM_SENTINEL_NODES` | nodes asked per sampled leaf (at least 2; 0: all) | 0 |
 * | `PROOFROOM_SENTINEL_RATE` | sampled leaves per second (0: no limit) | 20 |
 * | `PROOFROOM_SENTINEL_CONCURRENCY` | batches checked at once | 4 |
 * | `PROOFROOM_SENTINEL_TIMEOUT_MS` | whole-request timeout per node | 5000 |
 * | `PROOFROOM_MAX_PAYLOAD_BYTES` | largest payload read | 64 MiB |
 * | `PROOFROOM_SENTINEL_EVIDENCE_DIR` | where evidence files go (`off`: database only) | `<data dir>/sentinel/evidence` |
 * | `PROOFROOM_SENTINEL_EVIDENCE_BODY_BYTES` | largest response body copied into evidence | 1 MiB |
 * | `PROOFROOM_SENTINEL_POLL_MS` | how often the finalized head is looked at | 2000 |
 * | `PROOFROOM_SENTINEL_WEBHOOK_URL` | POST target for failures | none |
 * | `PROOFROOM_SENTINEL_WEBHOOK_ATTEMPTS` / `_TIMEOUT_MS` / `_BACKOFF_MS` | delivery attempts, timeout, first retry delay | 8 / 5000 / 1000 |
 * | `PROOFROOM_SENTINEL_METRICS_PORT` | Prometheus port (0: any free port, -1: off) | -1 |
 * | `PROOFROOM_SENTINEL_METRICS_HOST` | address the metrics endpoint listens on | 127.0.0.1 |
 * | `PROOFROOM_DATA_DIR` | the data directory | `.data` |
 * @module
 */
import path from 'node:path';
import { DEFAULT_TARGET, SAMPLE_RULES, type SampleRule, type SampleTarget } from './sampling.ts';
import type { WebhookOptions } from './webhook.ts';

/** How a sentinel runs its rounds: the part of the configuration the Sentinel itself takes. */
export interface SentinelSettings {
  readonly target: SampleTarget;
  /** Storage node base URLs; null: the cluster's nodes as registered on chain. */
  readonly storageUrls: readonly string[] | null;
  /** Nodes asked per sampled leaf (0: all). */
  readonly nodesPerSample: number;
  /** Sampled leaves per second (0: no limit). */
  readonly rate: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly maxPayloadBytes: number;
  readonly evidenceDir: string | null;
  readonly evidenceBodyBytes: number;
  readonly pollMs: number;
  readonly webhook: WebhookOptions | null;
}

export interface SentinelConfig extends SentinelSettings {
  readonly keyHex: string | null;
  readonly keyFile: string;
  readonly metricsPort: number;
  readonly metricsHost: string;
}

/** Flag values that take precedence over the environment (strings, as typed). */
export type SentinelOverrides = Partial<Record<string, string>>;

export class ConfigError extends Error {}

function url(name: string, raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL (got "${raw.slice(0, 200)}")`);
  }
}

export function loadSentinelConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: SentinelOverrides = {}
): SentinelConfig {
  const get = (name: string): string | undefined =>
    (overrides[name] ?? env[name])?.trim() || undefined;
  const int = (name: string, dflt: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
    return n;
  };
  const fraction = (name: string, dflt: number): number => {
    const raw = get(name);
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || n >= 1)
      throw new ConfigError(`${name} must be a number strictly between 0 and 1 (got "${raw}")`);
    return n;
  };
  const dataDir = get('PROOFROOM_DATA_DIR') ?? '.data';
  const rule = get('PROOFROOM_SENTINEL_SAMPLE_RULE') ?? DEFAULT_TARGET.rule;
  if (!SAMPLE_RULES.includes(rule as SampleRule))
    throw new ConfigError(
      `PROOFROOM_SENTINEL_SAMPLE_RULE must be ${SAMPLE_RULES.join(' or ')} (got "${rule}")`
    );
  const storage = (get('PROOFROOM_STORAGE_URLS') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => url('PROOFROOM_STORAGE_URLS', s));
  const nodesPerSample = int('PROOFROOM_SENTINEL_NODES', 0, 0, 64);
  if (nodesPerSample === 1)
    throw new ConfigError(
      'PROOFROOM_SENTINEL_NODES must be 0 (all) or at least 2: a single node cannot be compared'
    );
  if (storage.length === 1)
    throw new ConfigError(
      'PROOFROOM_STORAGE_URLS names one node; the sentinel compares at least two (give two or more, or none to use the nodes registered on chain)'
    );
  const keyHex = get('PROOFROOM_SENTINEL_KEY') ?? null;
  const evidence = get('PROOFROOM_SENTINEL_EVIDENCE_DIR');
  const hook = get('PROOFROOM_SENTINEL_WEBHOOK_URL');
  return Object.freeze({
    keyHex,
    keyFile: get('PROOFROOM_SENTINEL_KEY_FILE') ?? path.join(dataDir, 'sentinel', 'key'),
    target: Object.freeze({
      d: fraction('PROOFROOM_SENTINEL_CONFIDENCE', 0.99),
      p: fraction('PROOFROOM_SENTINEL_BAD_FRACTION', 0.01),
      rule: rule as SampleRule,
    }),
    storageUrls: storage.length > 0 ? Object.freeze(storage) : null,
    nodesPerSample,
    rate: int('PROOFROOM_SENTINEL_RATE', 20, 0, 1_000_000),
    concurrency: int('PROOFROOM_SENTINEL_CONCURRENCY', 4, 1, 256),
    timeoutMs: int('PROOFROOM_SENTINEL_TIMEOUT_MS', 5000, 1, 600_000),
    maxPayloadBytes: int('PROOFROOM_MAX_PAYLOAD_BYTES', 64 * 1024 * 1024, 1, 2 ** 31),
    evidenceDir:
      evidence === 'off' ? null : (evidence ?? path.join(dataDir, 'sentinel', 'evidence')),
    evidenceBodyBytes: int(
      'PROOFROOM_SENTINEL_EVIDENCE_BODY_BYTES',
      1024 * 1024,
      0,
      2 * 1024 * 1024
    ),
    pollMs: int('PROOFROOM_SENTINEL_POLL_MS', 2000, 10, 3_600_000),
    webhook: hook
      ? Object.freeze({
          url: url('PROOFROOM_SENTINEL_WEBHOOK_URL', hook),
          attempts: int('PROOFROOM_SENTINEL_WEBHOOK_ATTEMPTS', 8, 1, 1000),
          timeoutMs: int('PROOFROOM_SENTINEL_WEBHOOK_TIMEOUT_MS', 5000, 1, 600_000),
          backoffMs: int('PROOFROOM_SENTINEL_WEBHOOK_BACKOFF_MS', 1000, 1, 3_600_000),
        })
      : null,
    metricsPort: int('PROOFROOM_SENTINEL_METRICS_PORT', -1, -1, 65535),
    metricsHost: get('PROOFROOM_SENTINEL_METRICS_HOST') ?? '127.0.0.1',
  });
}
