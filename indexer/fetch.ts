/**
 * Off-chain fetches: DAC batch payloads from storage nodes and GAR agreement versions from the GAR
 * service. Every request has a timeout and a size limit; failures are retried with backoff and
 * then reported as data (a status and a reason), never thrown at the indexer. Also the chain's
 * identity from the RPC endpoint, asked once at start.
 * @module
 */
import WebSocket from 'ws';

export interface FetchLimits {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly maxBytes: number;
}

export type FetchResult =
  | { readonly ok: true; readonly status: number; readonly body: Uint8Array }
  | { readonly ok: false; readonly status: number | null; readonly reason: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One GET with a timeout and a byte cap (the body is read as a stream and cut off). */
export async function getOnce(
  url: string,
  timeoutMs: number,
  maxBytes: number
): Promise<FetchResult> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const reason = e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'unreachable';
    return { ok: false, status: null, reason };
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, status: res.status, reason: `http ${res.status}` };
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, status: 200, reason: 'too large' };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        return { ok: false, status: 200, reason: 'too large' };
      }
      chunks.push(value);
    }
  } catch (e) {
    const reason = e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'interrupted';
    return { ok: false, status: 200, reason };
  }
  const body = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    body.set(c, o);
    o += c.length;
  }
  return { ok: true, status: 200, body };
}

/** GET with retries on timeouts, connection errors and 5xx (not on 4xx: those are answers). */
export async function getWithRetries(url: string, limits: FetchLimits): Promise<FetchResult> {
  let last: FetchResult = { ok: false, status: null, reason: 'not tried' };
  for (let attempt = 0; attempt <= limits.retries; attempt++) {
    if (attempt > 0) await sleep(Math.min(2000, 100 * 2 ** (attempt - 1)));
    last = await getOnce(url, limits.timeoutMs, limits.maxBytes);
    if (last.ok) return last;
    if (last.status !== null && last.status >= 400 && last.status < 500) return last;
    if (last.reason === 'too large') return last;
  }
  return last;
}

/** One stored GAR agreement version, as the service lists it. */
export interface StoredVersion {
  readonly sequence: number;
  readonly user: string;
  readonly agent: string;
  readonly version: number;
  readonly payload: unknown;
  readonly signature: unknown;
}

/**
 * Reads GAR versions after `cursor` until the service says it is caught up (or `maxPages` pages).
 * Items that do not look like versions are skipped and counted; a failed request ends the sync
 * early with the cursor where it got to.
 */
export async function syncGar(
  garUrl: string,
  cursor: number,
  limits: FetchLimits,
  maxPages = 1000
): Promise<{ items: StoredVersion[]; cursor: number; skipped: number; error: string | null }> {
  const items: StoredVersion[] = [];
  let skipped = 0;
  for (let page = 0; page < maxPages; page++) {
    const r = await getWithRetries(
      `${garUrl.replace(/\/$/, '')}/api/v1/agreements?after=${cursor}&limit=1000`,
      limits
    );
    if (!r.ok) return { items, cursor, skipped, error: r.reason };
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(r.body));
    } catch {
      return { items, cursor, skipped, error: 'malformed json' };
    }
    const list = (body as { items?: unknown }).items;
    if (!Array.isArray(list)) return { items, cursor, skipped, error: 'malformed page' };
    for (const it of list) {
      const v = it as Partial<StoredVersion>;
      if (
        typeof v.sequence !== 'number' ||
        !Number.isSafeInteger(v.sequence) ||
        v.sequence <= cursor ||
        typeof v.user !== 'string' ||
        typeof v.agent !== 'string' ||
        typeof v.version !== 'number'
      ) {
        skipped++;
        continue;
      }
      items.push(v as StoredVersion);
      cursor = v.sequence;
    }
    if ((body as { next?: unknown }).next === null || list.length === 0) break;
  }
  return { items, cursor, skipped, error: null };
}

/** The chain an RPC endpoint serves: what a receipt bundle names as its chain. */
export interface ChainInfo {
  /** `system_chain` */
  readonly name: string;
  /** `chain_getBlockHash(0)` */
  readonly genesisHash: string;
  /** `system_properties.ss58Format`, or null when the chain states none */
  readonly ss58Prefix: number | null;
  /** `system_properties` as answered (null when not an object) */
  readonly properties: Record<string, unknown> | null;
}

export type RpcCall = readonly [method: string, params: readonly unknown[]];

/**
 * The key the GAR service says it anchors its versions with (`GET /api/v1/info`, `anchorKey`),
 * lower-case 0x-hex, or null when it states none or cannot be read.
 */
export async function fetchGarAnchorKey(
  garUrl: string,
  limits: FetchLimits
): Promise<string | null> {
  const r = await getWithRetries(`${garUrl.replace(/\/$/, '')}/api/v1/info`, limits);
  if (!r.ok) return null;
  try {
    const key = (JSON.parse(new TextDecoder().decode(r.body)) as { anchorKey?: unknown }).anchorKey;
    return typeof key === 'string' && /^0x[0-9a-fA-F]{64}$/.test(key) ? key.toLowerCase() : null;
  } catch {
    return null;
  }
}

const CHAIN_INFO_CALLS: readonly RpcCall[] = [
  ['system_chain', []],
  ['chain_getBlockHash', [0]],
  ['system_properties', []],
];

/** The `result` of a JSON-RPC response, or an error naming what went wrong. */
function rpcResult(method: string, body: unknown): unknown {
  const r = body as { result?: unknown; error?: { message?: unknown } } | null;
  if (r && typeof r === 'object' && 'result' in r) return r.result;
  const why = r && typeof r === 'object' && r.error ? String(r.error.message) : 'no result';
  throw new Error(`${method}: ${why}`);
}

/** Each call's result over HTTP(S): one POST per call, all in flight at once. */
async function rpcOverHttp(url: string, calls: readonly RpcCall[], timeoutMs: number) {
  return Promise.all(
    calls.map(async ([method, params], id) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => {});
        throw new Error(`${method}: http ${res.status}`);
      }
      return rpcResult(method, await res.json());
    })
  );
}

/** Each call's result over WebSocket: opens, sends every call, closes once all are answered. */
async function rpcOverWs(url: string, calls: readonly RpcCall[], timeoutMs: number) {
  return new Promise<unknown[]>((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: 16 * 1024 * 1024 });
    const results = new Array<unknown>(calls.length);
    let pending = calls.length;
    const done = (error: Error | null): void => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      if (error) reject(error);
      else resolve(results);
    };
    const timer = setTimeout(() => done(new Error('timeout')), timeoutMs);
    ws.on('error', (e) => done(e));
    ws.on('close', () => done(new Error('connection closed')));
    ws.on('open', () =>
      calls.forEach(([method, params], id) =>
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
      )
    );
    ws.on('message', (data) => {
      try {
        const msg = JSON.parse(String(data)) as { id?: unknown };
        const id = msg.id;
        if (typeof id !== 'number' || !(id in calls) || results[id] !== undefined) return;
        results[id] = rpcResult(calls[id]![0], msg);
        if (results[id] === undefined) results[id] = null;
        if (--pending === 0) done(null);
      } catch (e) {
        done(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** Each call's `result` from an RPC endpoint over HTTP(S) or WebSocket, whichever its URL names. */
export function rpcCalls(
  rpcUrl: string,
  calls: readonly RpcCall[],
  timeoutMs: number
): Promise<unknown[]> {
  const protocol = new URL(rpcUrl).protocol;
  return protocol === 'ws:' || protocol === 'wss:'
    ? rpcOverWs(rpcUrl, calls, timeoutMs)
    : rpcOverHttp(rpcUrl, calls, timeoutMs);
}

/**
 * Asks an RPC endpoint (http(s) or ws(s)) which chain it serves: `system_chain`,
 * `chain_getBlockHash(0)` and `system_properties`. Throws when the endpoint does not answer within
 * `timeoutMs` or answers something else than a name, a 32-byte hash and properties.
 */
export async function fetchChainInfo(rpcUrl: string, timeoutMs: number): Promise<ChainInfo> {
  const [name, genesis, props] = await rpcCalls(rpcUrl, CHAIN_INFO_CALLS, timeoutMs);
  if (typeof name !== 'string' || name.length > 200) throw new Error('system_chain: not a name');
  if (typeof genesis !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(genesis))
    throw new Error('chain_getBlockHash(0): not a 32-byte hash');
  const properties =
    props !== null && typeof props === 'object' && !Array.isArray(props)
      ? (props as Record<string, unknown>)
      : null;
  const ss58 = properties?.ss58Format;
  return {
    name,
    genesisHash: genesis.toLowerCase(),
    ss58Prefix:
      Number.isSafeInteger(ss58) && (ss58 as number) >= 0 && (ss58 as number) <= 16383
        ? (ss58 as number)
        : null,
    properties,
  };
}
