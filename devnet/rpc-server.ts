/**
 * Substrate JSON-RPC for a {@link Chain}, over HTTP (POST, single and batch) and WebSocket on one
 * port: what `@subsquid/substrate-processor` and `@polkadot/api` call (blocks with their
 * justifications, headers, heads, runtime version, metadata), the state at any block (storage,
 * keys, read proofs), GRANDPA finality proofs, head, storage, runtime-version and justification
 * subscriptions over WebSocket, and the caller's `extraMethods` (dev controls).
 *
 * The runtime is per block, as the chain upgrades it (devnet/chain.ts): `state_getMetadata` and
 * `state_getRuntimeVersion` answer the runtime the block's state holds (default: the best block),
 * so an upgrade block already answers the new runtime and the runtime that executed block B is
 * the one at B's parent, as on Substrate; `state_subscribeRuntimeVersion` notifies again when the
 * best block's runtime changes.
 *
 * Inputs are hostile: every failure is a JSON-RPC error (-32700 parse, -32600 invalid request,
 * -32601 unknown method, -32602 bad params, -32603 handler exception, logged), a body over
 * `maxBodyBytes` is HTTP 413, a non-POST is HTTP 405 (`GET /health` answers 200). Results the
 * chain serves often (headers, blocks, metadata, runtime version) are cached JSON texts, so that a
 * `chain_getBlock` is a map lookup and a string concatenation.
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { blake2b } from '@noble/hashes/blake2.js';
import { base58 } from '@scure/base';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { concatBytes, equalBytes, parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import {
  type BuiltBlock,
  type Chain,
  type ChainEvent,
  type ChainRuntime,
  MAX_KEYS_PAGED,
} from './chain.ts';

export type RpcMethod = (params: unknown[]) => unknown | Promise<unknown>;

export interface RpcServerOptions {
  chain: Chain;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Largest HTTP body and WebSocket message accepted; default 1 MiB. */
  maxBodyBytes?: number;
  /** More methods (dev controls); they take precedence over the built-in ones of the same name. */
  extraMethods?: Record<string, RpcMethod>;
  /** Where handler exceptions are reported; default `console.error`. */
  log?: (message: string, error?: unknown) => void;
}

export interface RpcServer {
  /** `http://host:port` */
  readonly url: string;
  /** `ws://host:port` */
  readonly wsUrl: string;
  readonly port: number;
  close(): Promise<void>;
  /** JSON-RPC calls answered (batch entries count one each), open WebSockets, live subscriptions. */
  stats(): { requests: number; connections: number; subscriptions: number };
}

/** A JSON-RPC error a handler (built-in or extra) may throw to answer with its code. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
/** Server errors: unknown block, unsupported runtime call, subscription over HTTP. */
export const SERVER_ERROR = -32000;

const MAX_BATCH = 1000;
const MAX_LIST = 1000;
/** A WebSocket whose unsent backlog exceeds this is a client that does not read: drop it. */
const MAX_WS_BACKLOG = 64 * 1024 * 1024;

/** A result that is already JSON text (cached). */
class RawJson {
  constructor(readonly json: string) {}
}

type RequestId = string | number | null;

interface Subscription {
  readonly kind: SubscriptionKind;
  readonly notify: string;
  readonly keys?: readonly string[];
  /** A runtime-version subscription: the runtime last notified. */
  runtime?: ChainRuntime;
}

type SubscriptionKind =
  'newHeads' | 'allHeads' | 'finalizedHeads' | 'runtimeVersion' | 'storage' | 'justifications';

interface Connection {
  readonly ws: WebSocket;
  readonly subscriptions: Map<string, Subscription>;
}

/** Per-request context: the WebSocket connection, and what to send once the response is out. */
interface CallContext {
  readonly conn?: Connection;
  readonly after: Array<() => void>;
}

type Handler = (params: unknown[], ctx: CallContext) => unknown;

const SUBSCRIBE: Record<string, { kind: SubscriptionKind; notify: string }> = {
  chain_subscribeNewHeads: { kind: 'newHeads', notify: 'chain_newHead' },
  chain_subscribeNewHead: { kind: 'newHeads', notify: 'chain_newHead' },
  subscribe_newHead: { kind: 'newHeads', notify: 'chain_newHead' },
  chain_subscribeAllHeads: { kind: 'allHeads', notify: 'chain_allHead' },
  chain_subscribeFinalizedHeads: { kind: 'finalizedHeads', notify: 'chain_finalizedHead' },
  chain_subscribeFinalisedHeads: { kind: 'finalizedHeads', notify: 'chain_finalizedHead' },
  state_subscribeRuntimeVersion: { kind: 'runtimeVersion', notify: 'state_runtimeVersion' },
  chain_subscribeRuntimeVersion: { kind: 'runtimeVersion', notify: 'state_runtimeVersion' },
  state_subscribeStorage: { kind: 'storage', notify: 'state_storage' },
  grandpa_subscribeJustifications: { kind: 'justifications', notify: 'grandpa_justifications' },
};

const UNSUBSCRIBE: Record<string, SubscriptionKind> = {
  chain_unsubscribeNewHeads: 'newHeads',
  chain_unsubscribeNewHead: 'newHeads',
  unsubscribe_newHead: 'newHeads',
  chain_unsubscribeAllHeads: 'allHeads',
  chain_unsubscribeFinalizedHeads: 'finalizedHeads',
  chain_unsubscribeFinalisedHeads: 'finalizedHeads',
  state_unsubscribeRuntimeVersion: 'runtimeVersion',
  chain_unsubscribeRuntimeVersion: 'runtimeVersion',
  state_unsubscribeStorage: 'storage',
  grandpa_unsubscribeJustifications: 'justifications',
};

const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const HEX_RE = /^0x(?:[0-9a-fA-F]{2})*$/;
/** `Vec<u32>` [14]: the answer to `Metadata_metadata_versions`. */
const METADATA_VERSIONS = '0x040e000000';
const SS58_PREFIX = utf8('SS58PRE');

/** What the server's parts share: the chain, the limits, the open connections and counters. */
interface ServerState {
  readonly chain: Chain;
  readonly maxBody: number;
  readonly log: (message: string, error?: unknown) => void;
  readonly connections: Set<Connection>;
  /** `state_getMetadata` and `state_getRuntimeVersion` results per runtime, built on first use. */
  readonly runtimeTexts: Map<ChainRuntime, { metadata: RawJson; version: RawJson }>;
  /** The method table, filled by `methodTable`. */
  readonly methods: Map<string, Handler>;
  requests: number;
  subscriptionCount: number;
  nextSubscription: number;
}

export async function startRpcServer(o: RpcServerOptions): Promise<RpcServer> {
  const host = o.host ?? '127.0.0.1';
  const s: ServerState = {
    chain: o.chain,
    maxBody: o.maxBodyBytes ?? 1024 * 1024,
    log: o.log ?? ((m: string, e?: unknown) => console.error(m, e)),
    connections: new Set<Connection>(),
    runtimeTexts: new Map(),
    methods: new Map(),
    requests: 0,
    subscriptionCount: 0,
    nextSubscription: 1,
  };
  methodTable(s, o.extraMethods ?? {});
  const listeners = subscribeToChain(s);
  const server = http.createServer((req, res) => serveHttp(s, req, res));
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const wss = serveWebSocket(s, server);
  await listen(server, o.port ?? 0, host);
  server.on('error', (err) => s.log('devnet rpc: server error', err));
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${hostInUrl}:${port}`,
    wsUrl: `ws://${hostInUrl}:${port}`,
    port,
    stats: () => ({
      requests: s.requests,
      connections: s.connections.size,
      subscriptions: s.subscriptionCount,
    }),
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        for (const [, off] of listeners) off();
        for (const conn of s.connections) conn.ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Lifecycle: listens on `port` at `host`, failing if the port cannot be bound. */
function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The `state_getMetadata` and `state_getRuntimeVersion` texts of the runtime at block `b`. */
function runtimeText(s: ServerState, b: BuiltBlock): { metadata: RawJson; version: RawJson } {
  const rt = s.chain.runtimeAt(b.hash);
  if (rt === undefined) throw new RpcError(SERVER_ERROR, `Unknown block ${b.hash}`);
  let t = s.runtimeTexts.get(rt);
  if (t === undefined) {
    t = {
      metadata: new RawJson(JSON.stringify(rt.metadataHex)),
      version: new RawJson(JSON.stringify(rt.runtimeVersion)),
    };
    s.runtimeTexts.set(rt, t);
  }
  return t;
}

// --- parameter helpers ------------------------------------------------------------------------

const invalid = (msg: string): RpcError => new RpcError(INVALID_PARAMS, msg);

/** Optional block hash parameter: undefined for absent/null, else a valid lowercase hash. */
function optHash(params: unknown[], i: number): string | undefined {
  const v = params[i];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !HASH_RE.test(v)) {
    throw invalid(`parameter ${i + 1}: expected a block hash (0x followed by 64 hex digits)`);
  }
  return v.toLowerCase();
}

/** The block at an optional hash parameter (best when absent); undefined when unknown. */
function blockParam(chain: Chain, params: unknown[], i: number): BuiltBlock | undefined {
  const h = optHash(params, i);
  return h === undefined ? chain.best : chain.blockByHash(h);
}

/** Like blockParam, but an unknown block is an error (state queries). */
function knownBlock(chain: Chain, params: unknown[], i: number): BuiltBlock {
  const b = blockParam(chain, params, i);
  if (b === undefined) throw new RpcError(SERVER_ERROR, `Unknown block ${String(params[i])}`);
  return b;
}

function hexParam(params: unknown[], i: number, what: string, maxBytes = 64 * 1024): string {
  const v = params[i];
  if (typeof v !== 'string' || !HEX_RE.test(v) || v.length > 2 + 2 * maxBytes) {
    throw invalid(`parameter ${i + 1} (${what}): expected 0x-prefixed hex bytes`);
  }
  return v.toLowerCase();
}

function keyList(params: unknown[], i: number): string[] {
  const v = params[i];
  if (!Array.isArray(v) || v.length > MAX_LIST) {
    throw invalid(`parameter ${i + 1}: expected an array of at most ${MAX_LIST} storage keys`);
  }
  return v.map((_, k) => hexParam(v, k, 'storage key'));
}

function blockNumber(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^0x[0-9a-fA-F]{1,8}$/.test(v)) n = parseInt(v.slice(2), 16);
  else throw invalid('block number: expected a non-negative integer or a 0x hex number');
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw invalid('block number: expected an integer from 0 to 2^32 - 1');
  }
  return n;
}

function hashAt(chain: Chain, v: unknown): string | null {
  const n = blockNumber(v);
  return n === undefined ? chain.best.hash : (chain.hashAt(n) ?? null);
}

function storageChanges(chain: Chain, b: BuiltBlock, keys: readonly string[]): string {
  const changes = keys.map((k) => [k, chain.storageAt(b.hash, k) ?? null]);
  return `{"block":${JSON.stringify(b.hash)},"changes":${JSON.stringify(changes)}}`;
}

// --- methods ----------------------------------------------------------------------------------

/**
 * Fills the method table: the built-in methods, then the caller's extra methods (which replace
 * built-ins of the same name), then `rpc_methods`.
 */
function methodTable(s: ServerState, extraMethods: Record<string, RpcMethod>): void {
  const def = (names: string[], h: Handler): void => {
    for (const n of names) s.methods.set(n, h);
  };
  systemMethods(s.chain, def);
  chainMethods(s.chain, def);
  stateMethods(s, def);
  subscriptionMethods(s);
  for (const [name, fn] of Object.entries(extraMethods)) {
    s.methods.set(name, (p) => fn(p));
  }
  s.methods.set('rpc_methods', () => ({ version: 1, methods: [...s.methods.keys()].sort() }));
}

type Define = (names: string[], h: Handler) => void;

/** Methods `system_*`: the node's name, version, properties, health and account nonces. */
function systemMethods(chain: Chain, def: Define): void {
  def(['system_chain'], () => chain.chainName);
  def(['system_name'], () => 'Proof Room devnet node');
  def(['system_version'], () => '0.1.0');
  def(['system_properties'], () => chain.properties);
  def(['system_chainType'], () => 'Development');
  def(['system_health'], () => ({ peers: 0, isSyncing: false, shouldHavePeers: false }));
  def(['system_accountNextIndex'], (p) => {
    if (typeof p[0] !== 'string') throw invalid('parameter 1: expected an SS58 address');
    const key = accountKey(p[0]);
    if (key === null) throw invalid('parameter 1: not a valid SS58 address or 32-byte hex key');
    return chain.nonceOf(key);
  });
}

/** Methods `chain_*` (block hashes, headers, blocks, heads) and GRANDPA's. */
function chainMethods(chain: Chain, def: Define): void {
  def(['chain_getBlockHash', 'chain_getHead'], (p) => {
    const v = p[0];
    if (Array.isArray(v)) {
      if (v.length > MAX_LIST) throw invalid(`at most ${MAX_LIST} block numbers at once`);
      return v.map((x) => hashAt(chain, x));
    }
    return hashAt(chain, v);
  });
  def(['chain_getHeader'], (p) => {
    const b = blockParam(chain, p, 0);
    return b === undefined ? null : new RawJson(chain.headerJsonText(b));
  });
  def(['chain_getBlock'], (p) => {
    const b = blockParam(chain, p, 0);
    return b === undefined ? null : new RawJson(chain.signedBlockJsonText(b));
  });
  def(['chain_getFinalizedHead', 'chain_getFinalisedHead'], () => chain.finalized.hash);
}

/** Methods `state_*` (runtime, storage, keys, read proofs, calls) and the GRANDPA ones. */
function stateMethods(s: ServerState, def: Define): void {
  const chain = s.chain;
  def(['state_getRuntimeVersion', 'chain_getRuntimeVersion'], (p) => {
    return runtimeText(s, knownBlock(chain, p, 0)).version;
  });
  def(['state_getMetadata'], (p) => {
    return runtimeText(s, knownBlock(chain, p, 0)).metadata;
  });
  def(['state_getStorage', 'state_getStorageAt'], (p) => {
    const key = hexParam(p, 0, 'storage key');
    return chain.storageAt(knownBlock(chain, p, 1).hash, key) ?? null;
  });
  def(['state_getStorageHash', 'state_getStorageHashAt'], (p) => {
    const key = hexParam(p, 0, 'storage key');
    const v = chain.storageAt(knownBlock(chain, p, 1).hash, key);
    return v === null || v === undefined ? null : toHex(blake2b256(parseHex(v) as Uint8Array));
  });
  def(['state_getStorageSize', 'state_getStorageSizeAt'], (p) => {
    const key = hexParam(p, 0, 'storage key');
    const v = chain.storageAt(knownBlock(chain, p, 1).hash, key);
    return v === null || v === undefined ? null : (v.length - 2) / 2;
  });
  def(['state_queryStorageAt'], (p) => {
    const keys = keyList(p, 0);
    return new RawJson(`[${storageChanges(chain, knownBlock(chain, p, 1), keys)}]`);
  });
  def(['state_getKeysPaged', 'state_getKeysPagedAt'], (p) => {
    const prefix = p[0] === null || p[0] === undefined ? '0x' : hexParam(p, 0, 'key prefix');
    const count = p[1];
    if (!Number.isInteger(count) || (count as number) < 0) {
      throw invalid('parameter 2 (count): expected a non-negative integer');
    }
    if ((count as number) > MAX_KEYS_PAGED) {
      throw invalid(`parameter 2 (count): at most ${MAX_KEYS_PAGED} keys per page`);
    }
    const start = p[2] === undefined || p[2] === null ? undefined : hexParam(p, 2, 'start key');
    return chain.keysPaged(knownBlock(chain, p, 3).hash, prefix, count as number, start);
  });
  def(['state_getKeys'], (p) => {
    const prefix = hexParam(p, 0, 'key prefix');
    return chain.keysPaged(knownBlock(chain, p, 1).hash, prefix, Number.MAX_SAFE_INTEGER);
  });
  def(['state_getReadProof'], (p) => {
    const keys = keyList(p, 0);
    const b = knownBlock(chain, p, 1);
    // sc-rpc-api `ReadProof { at, proof }`: the trie nodes proving the keys' values at `at`.
    return { at: b.hash, proof: chain.readProof(b.hash, keys) };
  });
  def(['grandpa_proveFinality'], (p) => {
    const n = blockNumber(p[0]);
    if (n === undefined) throw invalid('parameter 1: expected a block number');
    const proof = chain.proveFinality(n);
    return proof === null ? null : toHex(proof);
  });
  def(['dev_grandpaAuthorities'], () => {
    const set = chain.grandpaSetAt(chain.genesisHash);
    if (set === undefined) throw new RpcError(INTERNAL_ERROR, 'no genesis block');
    return { setId: Number(set.setId), authorities: set.authorities.map(toHex) };
  });
  def(['state_call'], (p) => {
    if (typeof p[0] !== 'string' || p[0].length === 0 || p[0].length > 256) {
      throw invalid('parameter 1: expected a runtime API function name');
    }
    hexParam(p, 1, 'call data');
    knownBlock(chain, p, 2);
    if (p[0] === 'Metadata_metadata_versions') return METADATA_VERSIONS;
    throw new RpcError(
      SERVER_ERROR,
      `state_call: the devnet has no runtime to execute ${p[0]} (only Metadata_metadata_versions)`
    );
  });
}

/** The subscribe and unsubscribe methods (WebSocket only). */
function subscriptionMethods(s: ServerState): void {
  for (const [name, { kind, notify }] of Object.entries(SUBSCRIBE)) {
    s.methods.set(name, (p, ctx) => {
      const conn = ctx.conn;
      if (conn === undefined) {
        throw new RpcError(SERVER_ERROR, `${name} is a subscription: use the WebSocket endpoint`);
      }
      const keys = kind === 'storage' && p[0] !== undefined && p[0] !== null ? keyList(p, 0) : [];
      const id = `0x${(s.nextSubscription++).toString(16).padStart(16, '0')}`;
      const sub: Subscription = { kind, notify, keys };
      conn.subscriptions.set(id, sub);
      s.subscriptionCount++;
      // The current state right after the subscription id.
      ctx.after.push(() => {
        if (conn.subscriptions.get(id) !== sub) return;
        const first = initial(s, sub);
        if (first !== undefined) send(conn, notification(notify, id, first));
      });
      return id;
    });
  }
  for (const [name, kind] of Object.entries(UNSUBSCRIBE)) {
    s.methods.set(name, (p, ctx) => {
      const id = p[0];
      if (typeof id !== 'string' && typeof id !== 'number') {
        throw invalid('parameter 1: expected a subscription id');
      }
      const conn = ctx.conn;
      const sub = conn?.subscriptions.get(String(id));
      if (conn === undefined || sub === undefined || sub.kind !== kind) return false;
      conn.subscriptions.delete(String(id));
      s.subscriptionCount--;
      return true;
    });
  }
}

/** A new subscription's first notification: the current state (none for justifications). */
function initial(s: ServerState, sub: Subscription): string | undefined {
  const chain = s.chain;
  switch (sub.kind) {
    case 'newHeads':
    case 'allHeads':
      return chain.headerJsonText(chain.best);
    case 'finalizedHeads':
      return chain.headerJsonText(chain.finalized);
    case 'runtimeVersion':
      sub.runtime = chain.runtimeAt(chain.best.hash);
      return runtimeText(s, chain.best).version.json;
    case 'storage':
      return storageChanges(chain, chain.best, sub.keys ?? []);
    case 'justifications':
      return undefined;
  }
}

// --- chain events -> subscriptions ------------------------------------------------------------

/** Notifies the subscriptions of `kinds` on every connection about block `b`. */
function fanOut(s: ServerState, kinds: readonly SubscriptionKind[], b: BuiltBlock): void {
  const chain = s.chain;
  let header: string | undefined;
  let justification: string | undefined;
  for (const conn of s.connections) {
    for (const [id, sub] of conn.subscriptions) {
      if (!kinds.includes(sub.kind)) continue;
      let result: string;
      if (sub.kind === 'storage') result = storageChanges(chain, b, sub.keys ?? []);
      else if (sub.kind === 'runtimeVersion') {
        // Substrate notifies when the best block's runtime version changes.
        const rt = chain.runtimeAt(b.hash);
        if (rt === undefined || rt === sub.runtime) continue;
        sub.runtime = rt;
        result = runtimeText(s, b).version.json;
      } else if (sub.kind === 'justifications') {
        const j = chain.justificationOf(b.hash);
        if (j === undefined) continue;
        result = justification ??= JSON.stringify(toHex(j));
      } else result = header ??= chain.headerJsonText(b);
      send(conn, notification(sub.notify, id, result));
    }
  }
}

/** Subscriptions: listens to the chain's head events; returns the listeners to remove on close. */
function subscribeToChain(s: ServerState): Array<[ChainEvent, () => void]> {
  const chain = s.chain;
  return [
    [
      'newHead',
      chain.on('newHead', (b) => fanOut(s, ['newHeads', 'storage', 'runtimeVersion'], b)),
    ],
    [
      'finalizedHead',
      chain.on('finalizedHead', (b) => fanOut(s, ['finalizedHeads', 'justifications'], b)),
    ],
    ['imported', chain.on('imported', (b) => fanOut(s, ['allHeads'], b))],
  ];
}

// --- dispatch ---------------------------------------------------------------------------------

/** Response text for one request object, or undefined for a notification (no id). */
function handleOne(
  s: ServerState,
  req: unknown,
  ctx: CallContext
): string | undefined | Promise<string | undefined> {
  s.requests++;
  if (typeof req !== 'object' || req === null || Array.isArray(req)) {
    return errorText(null, INVALID_REQUEST, 'Invalid request: expected a JSON-RPC 2.0 object');
  }
  const r = req as Record<string, unknown>;
  const hasId = 'id' in r;
  const id = r.id;
  if (hasId && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    return errorText(null, INVALID_REQUEST, 'Invalid request: id must be a string, number or null');
  }
  const rid = (hasId ? id : null) as RequestId;
  if (r.jsonrpc !== '2.0') {
    return errorText(rid, INVALID_REQUEST, 'Invalid request: jsonrpc must be "2.0"');
  }
  if (typeof r.method !== 'string') {
    return errorText(rid, INVALID_REQUEST, 'Invalid request: method must be a string');
  }
  const method = r.method;
  const handler = s.methods.get(method);
  if (handler === undefined) {
    return hasId
      ? errorText(rid, METHOD_NOT_FOUND, `Method not found: ${clip(method)}`)
      : undefined;
  }
  const params = r.params;
  if (params !== undefined && params !== null && !Array.isArray(params)) {
    return hasId
      ? errorText(rid, INVALID_PARAMS, 'Invalid params: params must be an array')
      : undefined;
  }
  const args = (params ?? []) as unknown[];
  let out: unknown;
  try {
    out = handler(args, ctx);
  } catch (err) {
    return hasId ? failure(s, rid, method, err) : undefined;
  }
  if (out instanceof Promise) {
    return out.then(
      (v: unknown) => (hasId ? resultText(s, rid, method, v) : undefined),
      (err: unknown) => (hasId ? failure(s, rid, method, err) : undefined)
    );
  }
  return hasId ? resultText(s, rid, method, out) : undefined;
}

function resultText(s: ServerState, id: RequestId, method: string, v: unknown): string {
  let json: string;
  if (v instanceof RawJson) json = v.json;
  else {
    try {
      json = JSON.stringify(v === undefined ? null : v, bigintAsString);
    } catch (err) {
      return failure(s, id, method, err);
    }
  }
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${json}}`;
}

function failure(s: ServerState, id: RequestId, method: string, err: unknown): string {
  if (err instanceof RpcError) return errorText(id, err.code, err.message, err.data);
  if (isErrorLike(err)) return errorText(id, err.code, err.message, err.data);
  s.log(`devnet rpc: ${clip(method)} failed`, err);
  const msg = err instanceof Error ? err.message : String(err);
  return errorText(id, INTERNAL_ERROR, `Internal error: ${clip(msg)}`);
}

/** Response text (or undefined) for a parsed body: a request object or a batch. */
function handleBody(
  s: ServerState,
  body: unknown,
  ctx: CallContext
): string | undefined | Promise<string | undefined> {
  if (!Array.isArray(body)) return handleOne(s, body, ctx);
  if (body.length === 0) {
    s.requests++;
    return errorText(null, INVALID_REQUEST, 'Invalid request: empty batch');
  }
  if (body.length > MAX_BATCH) {
    s.requests++;
    return errorText(null, INVALID_REQUEST, `Invalid request: batch over ${MAX_BATCH} entries`);
  }
  const parts = body.map((r) => handleOne(s, r, ctx));
  const join = (xs: Array<string | undefined>): string | undefined => {
    const got = xs.filter((x): x is string => x !== undefined);
    return got.length === 0 ? undefined : `[${got.join(',')}]`;
  };
  if (parts.some((x) => x instanceof Promise)) return Promise.all(parts).then(join);
  return join(parts as Array<string | undefined>);
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

// --- HTTP -------------------------------------------------------------------------------------

/** Transport, HTTP: CORS preflight, `GET /health`, and JSON-RPC over POST. */
function serveHttp(s: ServerState, req: http.IncomingMessage, res: http.ServerResponse): void {
  const chain = s.chain;
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
      'Access-Control-Allow-Headers': 'content-type',
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return;
  }
  if (req.method === 'GET' && (req.url === '/health' || req.url?.startsWith('/health?'))) {
    sendHttp(
      res,
      200,
      JSON.stringify({ ok: true, best: chain.best.number, finalized: chain.finalized.number })
    );
    return;
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    sendHttp(res, 405, errorText(null, INVALID_REQUEST, 'Use HTTP POST for JSON-RPC'));
    return;
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > s.maxBody) {
    tooLarge(s, req, res);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  req.on('data', (c: Buffer) => {
    if (done) return;
    size += c.length;
    if (size > s.maxBody) {
      done = true;
      tooLarge(s, req, res);
      return;
    }
    chunks.push(c);
  });
  req.on('error', () => {
    done = true;
  });
  req.on('end', () => {
    if (done) return;
    done = true;
    answerHttp(s, Buffer.concat(chunks, size).toString('utf8'), res);
  });
}

/** Transport, HTTP: answers a POST body that was read whole. */
function answerHttp(s: ServerState, text: string, res: http.ServerResponse): void {
  const parsed = parse(text);
  if (!parsed.ok) {
    sendHttp(res, 200, errorText(null, PARSE_ERROR, 'Parse error: the body is not valid JSON'));
    return;
  }
  const ctx: CallContext = { after: [] };
  const out = handleBody(s, parsed.value, ctx);
  const reply = (text: string | undefined): void => {
    if (text === undefined) {
      res.writeHead(204);
      res.end();
    } else sendHttp(res, 200, text);
  };
  if (out instanceof Promise) {
    out.then(reply, (err: unknown) => {
      s.log('devnet rpc: request failed', err);
      sendHttp(res, 200, errorText(null, INTERNAL_ERROR, 'Internal error'));
    });
  } else reply(out);
}

function tooLarge(s: ServerState, req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader('Connection', 'close');
  sendHttp(
    res,
    413,
    errorText(null, INVALID_REQUEST, `Request body over the limit of ${s.maxBody} bytes`)
  );
  // Stop reading what is left of the body; the connection closes after the response.
  req.pause();
  res.on('finish', () => req.socket.destroySoon());
}

// --- WebSocket --------------------------------------------------------------------------------

/** Transport, WebSocket: upgrades on the HTTP server's port; one connection per socket. */
function serveWebSocket(s: ServerState, server: http.Server): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: s.maxBody });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket) => {
    const conn: Connection = { ws, subscriptions: new Map() };
    s.connections.add(conn);
    ws.on('error', () => {
      /* a close follows */
    });
    ws.on('close', () => {
      s.connections.delete(conn);
      s.subscriptionCount -= conn.subscriptions.size;
      conn.subscriptions.clear();
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const text = isBinary ? null : rawText(data);
      const parsed = text === null ? { ok: false as const } : parse(text);
      if (!parsed.ok) {
        s.requests++;
        send(conn, errorText(null, PARSE_ERROR, 'Parse error: expected a JSON text message'));
        return;
      }
      const ctx: CallContext = { conn, after: [] };
      const out = handleBody(s, parsed.value, ctx);
      const reply = (t: string | undefined): void => {
        if (t !== undefined) send(conn, t);
        for (const fn of ctx.after) fn();
      };
      if (out instanceof Promise) {
        out.then(reply, (err: unknown) => s.log('devnet rpc: request failed', err));
      } else reply(out);
    });
  });
  return wss;
}

function send(conn: Connection, text: string): void {
  const ws = conn.ws;
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > MAX_WS_BACKLOG) {
    ws.terminate();
    return;
  }
  ws.send(text);
}

// ---------------------------------------------------------------------------------------------

function errorText(id: RequestId, code: number, message: string, data?: unknown): string {
  const error: Record<string, unknown> = { code, message };
  if (data !== undefined) error.data = data;
  let json: string;
  try {
    json = JSON.stringify(error, bigintAsString);
  } catch {
    json = JSON.stringify({ code, message });
  }
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":${json}}`;
}

function notification(method: string, subscription: string, resultJson: string): string {
  return `{"jsonrpc":"2.0","method":"${method}","params":{"subscription":"${subscription}","result":${resultJson}}}`;
}

function sendHttp(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function isErrorLike(e: unknown): e is { code: number; message: string; data?: unknown } {
  if (typeof e !== 'object' || e === null) return false;
  const x = e as Record<string, unknown>;
  return Number.isInteger(x.code) && typeof x.message === 'string';
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/**
 * The 32-byte account of an SS58 address (checksum verified) or of `0x` hex; null if neither.
 * SS58: prefix (1 or 2 bytes) ‖ account ‖ first 2 bytes of blake2b-512("SS58PRE" ‖ prefix ‖ account).
 */
function accountKey(address: string): Uint8Array | null {
  if (address.startsWith('0x')) return parseHex(address, 32);
  if (address.length > 64) return null;
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(address);
  } catch {
    return null;
  }
  const prefixLen = (bytes[0] ?? 0) & 0x40 ? 2 : 1;
  if (bytes.length !== prefixLen + 32 + 2) return null;
  const body = bytes.subarray(0, prefixLen + 32);
  const check = blake2b(concatBytes(SS58_PREFIX, body), { dkLen: 64 }).subarray(0, 2);
  if (!equalBytes(check, bytes.subarray(prefixLen + 32))) return null;
  return bytes.slice(prefixLen, prefixLen + 32);
}
