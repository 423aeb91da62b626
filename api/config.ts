/**
 * The API process's configuration: the only module of `api/` that reads the environment. Values
 * are validated once; a bad value is a ConfigError naming the variable and what it accepts.
 * @module
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOTS_SOURCES, type RootsSource } from '../verifier/receipts/attestation.ts';

export class ConfigError extends Error {}

/** PROOFROOM_ROOTS: what the indexer checked era roots against (`activity` or `committed`). */
function rootsOf(env: NodeJS.ProcessEnv): RootsSource {
  const v = env.PROOFROOM_ROOTS?.trim() || 'activity';
  if (!ROOTS_SOURCES.includes(v as RootsSource))
    throw new ConfigError(`PROOFROOM_ROOTS must be activity or committed (got "${v}")`);
  return v as RootsSource;
}

export interface ApiConfigOverrides {
  databaseUrl?: string | null;
  embedded?: boolean;
  port?: number;
  host?: string;
  explorerDir?: string | null;
  rpcUrl?: string | null;
}

export interface ApiLimits {
  /** Largest query depth (PROOFROOM_API_MAX_DEPTH, default 10). */
  readonly maxDepth: number;
  /** Largest query cost by graphql-armor's cost model (PROOFROOM_API_MAX_COST, default 5000). */
  readonly maxCost: number;
  /** Largest worst-case row count of one operation (PROOFROOM_API_MAX_ROWS, default 50,000). */
  readonly maxRows: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
  /** Default and largest page (`limit` / `first`). */
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  readonly maxOffset: number;
  /** Largest request body in bytes (PROOFROOM_API_MAX_BODY_BYTES, default 100 KiB). */
  readonly maxBodyBytes: number;
  /** GraphQL execution and database statement time limit (PROOFROOM_API_TIMEOUT_MS, 10 s). */
  readonly timeoutMs: number;
}

export interface ApiConfig {
  /** PostgreSQL URL (DATABASE_URL); null: the caller supplies the embedded server. */
  readonly databaseUrl: string | null;
  /** Whether the database is the embedded PGlite (one session: no server-side SET). */
  readonly embeddedDatabase: boolean;
  readonly host: string;
  /** PROOFROOM_API_PORT, default 4350 (0: any free port). */
  readonly port: number;
  /** Allowed browser origins (PROOFROOM_API_CORS_ORIGINS: `*` or a comma list; default `*`). */
  readonly corsOrigins: '*' | readonly string[];
  /** Requests per client per minute (PROOFROOM_API_RATE_LIMIT, default 1200; 0: off). */
  readonly rateLimitPerMinute: number;
  /** Trust X-Forwarded-For from this many proxies when telling clients apart (default 0). */
  readonly trustProxy: number;
  readonly limits: ApiLimits;
  /** Connections in the API's pool (PROOFROOM_API_POOL_SIZE, default 10). */
  readonly poolSize: number;
  /** How often the live feed looks for new final receipts and failed checks (ms). */
  readonly livePollMs: number;
  /**
   * The payout batch size the indexer verified with (PROOFROOM_PAYOUT_BATCH_SIZE); null (the
   * default): each era's follows its runtime version.
   */
  readonly payoutBatchSize: number | null;
  /** What era roots are checked against, as the indexer was told (PROOFROOM_ROOTS). */
  readonly roots: RootsSource;
  /** Storage nodes offered as payload sources in bundles (PROOFROOM_STORAGE_URLS). */
  readonly storageUrls: readonly string[];
  /** Serve GraphiQL on GET /graphql (PROOFROOM_API_GRAPHIQL, default on). */
  readonly graphiql: boolean;
  /** Paid eras whose evidence stays in memory (PROOFROOM_API_ERA_CACHE, default 128; 0: off). */
  readonly eraCacheSize: number;
  /** Execute with graphql-jit's compiled queries (PROOFROOM_API_JIT, default on). */
  readonly jit: boolean;
  /** The built explorer served at / (PROOFROOM_EXPLORER_DIR, default explorer/dist; null: off). */
  readonly explorerDir: string | null;
  /** Who may frame the explorer's embed routes (PROOFROOM_EMBED_ANCESTORS, CSP sources; `*`). */
  readonly embedAncestors: string;
  /**
   * The chain node bundles' proofs come from (PROOFROOM_RPC_URL, http(s) or ws(s)); null: bundles
   * carry no proofs.
   */
  readonly rpcUrl: string | null;
}

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got '${raw}'`);
  return n;
}

/** The repository's explorer/dist, found from this module's place (api/ or dist/api/). */
const DEFAULT_EXPLORER_DIR = fileURLToPath(new URL('../explorer/dist', import.meta.url));

function explorerDir(env: NodeJS.ProcessEnv, overrides: ApiConfigOverrides): string | null {
  if (overrides.explorerDir !== undefined) return overrides.explorerDir;
  const raw = env.PROOFROOM_EXPLORER_DIR?.trim();
  if (raw === undefined || raw === '') return DEFAULT_EXPLORER_DIR;
  if (raw === 'off') return null;
  return path.resolve(raw);
}

function embedAncestors(env: NodeJS.ProcessEnv): string {
  const raw = env.PROOFROOM_EMBED_ANCESTORS?.trim() || '*';
  // CSP source expressions only: no separators that could end the directive.
  if (!/^[\w*.:/' -]+$/.test(raw) || /[;,]/.test(raw))
    throw new ConfigError(`PROOFROOM_EMBED_ANCESTORS must be CSP source expressions, got '${raw}'`);
  return raw;
}

function bool(env: NodeJS.ProcessEnv, name: string, dflt: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return dflt;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${raw}'`);
}

function urls(raw: string | undefined, name: string): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const u of list) {
    let ok: boolean;
    try {
      ok = ['http:', 'https:'].includes(new URL(u).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new ConfigError(`${name}: '${u}' is not an http(s) URL`);
  }
  return list.map((u) => u.replace(/\/+$/, ''));
}

function rpcUrl(env: NodeJS.ProcessEnv, overrides: ApiConfigOverrides): string | null {
  const raw =
    overrides.rpcUrl !== undefined ? overrides.rpcUrl : env.PROOFROOM_RPC_URL?.trim() || null;
  if (raw === null) return null;
  let ok: boolean;
  try {
    ok = ['http:', 'https:', 'ws:', 'wss:'].includes(new URL(raw).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new ConfigError(`PROOFROOM_RPC_URL: '${raw}' is not an http(s) or ws(s) URL`);
  return raw;
}

export function loadApiConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ApiConfigOverrides = {}
): ApiConfig {
  const cors = env.PROOFROOM_API_CORS_ORIGINS?.trim() || '*';
  const corsOrigins = cors === '*' ? '*' : urls(cors, 'PROOFROOM_API_CORS_ORIGINS');
  const databaseUrl =
    overrides.databaseUrl !== undefined ? overrides.databaseUrl : env.DATABASE_URL?.trim() || null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError(`DATABASE_URL must be a postgres:// URL`);
  const maxPageSize = int(env, 'PROOFROOM_API_MAX_PAGE_SIZE', 1000, 1, 100_000);
  return Object.freeze({
    databaseUrl,
    embeddedDatabase: overrides.embedded ?? false,
    host: overrides.host ?? (env.PROOFROOM_API_HOST?.trim() || '127.0.0.1'),
    port: overrides.port ?? int(env, 'PROOFROOM_API_PORT', 4350, 0, 65535),
    corsOrigins,
    rateLimitPerMinute: int(env, 'PROOFROOM_API_RATE_LIMIT', 1200, 0, 10_000_000),
    trustProxy: int(env, 'PROOFROOM_API_TRUST_PROXY', 0, 0, 10),
    limits: Object.freeze({
      maxDepth: int(env, 'PROOFROOM_API_MAX_DEPTH', 10, 2, 100),
      maxCost: int(env, 'PROOFROOM_API_MAX_COST', 5000, 10, 10_000_000),
      maxRows: int(env, 'PROOFROOM_API_MAX_ROWS', 50_000, 100, 100_000_000),
      maxAliases: int(env, 'PROOFROOM_API_MAX_ALIASES', 15, 1, 1000),
      maxTokens: int(env, 'PROOFROOM_API_MAX_TOKENS', 2000, 50, 100_000),
      defaultPageSize: Math.min(100, maxPageSize),
      maxPageSize,
      maxOffset: int(env, 'PROOFROOM_API_MAX_OFFSET', 100_000, 0, 10_000_000),
      maxBodyBytes: int(env, 'PROOFROOM_API_MAX_BODY_BYTES', 100 * 1024, 1024, 16 * 1024 * 1024),
      timeoutMs: int(env, 'PROOFROOM_API_TIMEOUT_MS', 10_000, 100, 600_000),
    }),
    poolSize: int(env, 'PROOFROOM_API_POOL_SIZE', 10, 1, 90),
    livePollMs: int(env, 'PROOFROOM_API_LIVE_POLL_MS', 1000, 50, 60_000),
    payoutBatchSize: env.PROOFROOM_PAYOUT_BATCH_SIZE?.trim()
      ? int(env, 'PROOFROOM_PAYOUT_BATCH_SIZE', 0, 1, 100_000)
      : null,
    roots: rootsOf(env),
    storageUrls: urls(env.PROOFROOM_STORAGE_URLS, 'PROOFROOM_STORAGE_URLS'),
    graphiql: bool(env, 'PROOFROOM_API_GRAPHIQL', true),
    jit: bool(env, 'PROOFROOM_API_JIT', true),
    eraCacheSize: int(env, 'PROOFROOM_API_ERA_CACHE', 128, 0, 100_000),
    explorerDir: explorerDir(env, overrides),
    embedAncestors: embedAncestors(env),
    rpcUrl: rpcUrl(env, overrides),
  });
}
