/**
 * A DDC storage node for the devnet: serves DAC batch payloads by content hash
 * (`GET /v1/payloads/0x<blake2b-256>`), the hash an SCP batch envelope commits to
 * (verifier/receipts/dac-batch.ts). Faults can be set per hash to exercise the indexer's and the
 * sentinel's handling of lying, forgetful and slow nodes. The HTTP API is described in
 * docs/devnet-services.md.
 *
 * The node never trusts its payload source: bytes are hashed before they are served (unless a
 * `tampered` fault asks for wrong bytes on purpose), and a mismatch is answered with 500
 * `SOURCE_MISMATCH` rather than served silently. Verified payloads are kept in a bounded LRU
 * cache, so repeated fetches cost neither a source read nor a re-hash; concurrent fetches of one
 * uncached hash share a single source read.
 * @module
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { equalBytes, parseHex, toHex } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import {
  type RunningServer,
  listen,
  notAllowed,
  sendError,
  sendJson,
  splitTarget,
} from './gar-service.ts';

/** The payload whose blake2b-256 is `hashHex` (lower-case `0x` + 64 hex), or undefined. */
export type PayloadSource = (
  hashHex: string
) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

export type NodeFault =
  { kind: 'tampered' } | { kind: 'missing' } | { kind: 'slow'; delayMs: number };

export interface StorageNodeOptions {
  name: string;
  source: PayloadSource;
  /** Faults by payload hash (any case); copied at construction, change them with setFault. */
  faults?: ReadonlyMap<string, NodeFault>;
  /** Delay before every payload answer without a `slow` fault, in ms. Default 0. */
  defaultDelayMs?: number;
  /** Bytes of verified payloads kept in memory. Default 64 MiB; 0 disables the cache. */
  cacheBytes?: number;
}

export interface StorageNodeStats {
  /** Payload answers with status 200 (GET and HEAD), tampered ones included. */
  served: number;
  /** Payload answers with status 404 (unknown hash or `missing` fault). */
  notFound: number;
  /** Payload answers served with a flipped byte (`tampered` fault). */
  tampered: number;
  /** Other 4xx answers: bad hash, unknown path, wrong method. */
  badRequests: number;
  /** 5xx answers: source mismatch or source failure. */
  errors: number;
}

const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const PAYLOAD_PREFIX = '/v1/payloads/';
const MAX_DELAY_MS = 10 * 60_000;

/** The normalised (lower-case) form of a `0x` + 64-hex hash, or null. */
function normaliseHash(hashHex: string): string | null {
  return HASH_RE.test(hashHex) ? hashHex.toLowerCase() : null;
}

function checkFault(fault: NodeFault): NodeFault {
  if (fault.kind === 'slow') {
    const d = fault.delayMs;
    if (!Number.isFinite(d) || d < 0 || d > MAX_DELAY_MS) {
      throw new RangeError(`slow fault: delayMs must be within 0..${MAX_DELAY_MS}`);
    }
    return { kind: 'slow', delayMs: d };
  }
  if (fault.kind === 'tampered' || fault.kind === 'missing') return { kind: fault.kind };
  throw new RangeError(`unknown fault kind ${String((fault as { kind: unknown }).kind)}`);
}

/** Bytes a source returned, checked against the hash it was asked for. */
type Lookup =
  | { kind: 'ok'; bytes: Buffer }
  | { kind: 'absent' }
  | { kind: 'mismatch'; computed: string }
  | { kind: 'failed' };

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

export class StorageNode {
  readonly name: string;
  private readonly source: PayloadSource;
  private readonly faults = new Map<string, NodeFault>();
  private readonly defaultDelayMs: number;
  private readonly cacheLimit: number;
  /** Verified payloads (our own copies), least recently used first. */
  private readonly cache = new Map<string, Buffer>();
  private cacheSize = 0;
  /** Source reads in flight, shared by concurrent requests for one hash. */
  private readonly inflight = new Map<string, Promise<Lookup>>();
  private readonly counters: StorageNodeStats = {
    served: 0,
    notFound: 0,
    tampered: 0,
    badRequests: 0,
    errors: 0,
  };

  constructor(options: StorageNodeOptions) {
    this.name = options.name;
    this.source = options.source;
    this.defaultDelayMs = options.defaultDelayMs ?? 0;
    if (!Number.isFinite(this.defaultDelayMs) || this.defaultDelayMs < 0) {
      throw new RangeError('StorageNode: defaultDelayMs must be a non-negative number');
    }
    this.cacheLimit = options.cacheBytes ?? 64 * 1024 * 1024;
    for (const [hash, fault] of options.faults ?? []) this.setFault(hash, fault);
  }

  /** Sets (or with null clears) the fault for one payload hash. */
  setFault(hashHex: string, fault: NodeFault | null): void {
    const h = normaliseHash(hashHex);
    if (!h) throw new RangeError(`setFault: not a 0x + 64-hex hash: ${hashHex.slice(0, 80)}`);
    if (fault === null) this.faults.delete(h);
    else this.faults.set(h, checkFault(fault));
  }

  stats(): StorageNodeStats {
    return { ...this.counters };
  }

  start(o: { host?: string; port?: number } = {}): Promise<RunningServer> {
    const timers = new Set<NodeJS.Timeout>();
    const server = createServer((req, res) => {
      this.handle(req, res, timers).catch(() => {
        this.counters.errors++;
        if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'internal error');
        else res.destroy();
      });
    });
    return listen(server, o.host, o.port).then((running) => ({
      ...running,
      close: async () => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        await running.close();
      },
    }));
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    timers: Set<NodeJS.Timeout>
  ): Promise<void> {
    req.on('error', () => {});
    req.resume(); // no endpoint takes a body
    const target = splitTarget(req.url ?? '');
    const method = req.method ?? '';
    const isRead = method === 'GET' || method === 'HEAD';
    if (!target) {
      this.counters.badRequests++;
      return sendError(res, 400, 'BAD_REQUEST', 'malformed request target');
    }
    const { path } = target;
    if (path === '/health') {
      if (!isRead) {
        this.counters.badRequests++;
        return notAllowed(res, 'GET, HEAD');
      }
      return sendJson(res, 200, { name: this.name, payloads: 'ok' });
    }
    if (!path.startsWith(PAYLOAD_PREFIX)) {
      this.counters.badRequests++;
      return sendError(res, 404, 'UNKNOWN_PATH', `no route for ${path.slice(0, 200)}`);
    }
    if (!isRead) {
      this.counters.badRequests++;
      return notAllowed(res, 'GET, HEAD');
    }
    const hash = normaliseHash(path.slice(PAYLOAD_PREFIX.length));
    if (!hash) {
      this.counters.badRequests++;
      return sendError(
        res,
        400,
        'BAD_HASH',
        'the payload hash must be 0x followed by 64 hex digits'
      );
    }

    const fault = this.faults.get(hash);
    const delay = fault?.kind === 'slow' ? fault.delayMs : this.defaultDelayMs;
    if (delay > 0 && !(await sleep(delay, res, timers))) return void res.destroy();

    if (fault?.kind === 'missing') return this.notFound(res, hash);

    let bytes: Buffer;
    if (fault?.kind === 'tampered') {
      // Wrong bytes on purpose: whatever the source holds, with one byte flipped.
      const got = this.cache.get(hash) ?? (await this.readSource(hash));
      if (got === undefined) return this.notFound(res, hash);
      if (got === null) return this.sourceFailed(res);
      bytes = Buffer.from(got); // a copy: never flip the cached or the source's bytes
      if (bytes.length === 0) bytes = Buffer.of(0xff);
      else bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0xff;
      this.counters.tampered++;
    } else {
      const found = await this.lookup(hash);
      if (found.kind === 'absent') return this.notFound(res, hash);
      if (found.kind === 'failed') return this.sourceFailed(res);
      if (found.kind === 'mismatch') {
        this.counters.errors++;
        return sendError(
          res,
          500,
          'SOURCE_MISMATCH',
          `the node's source holds bytes hashing to ${found.computed} for ${hash}; not served`
        );
      }
      bytes = found.bytes;
    }

    this.counters.served++;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', bytes.length);
    res.setHeader('ETag', `"${hash}"`);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (method === 'HEAD') res.end();
    else res.end(bytes);
  }

  private notFound(res: ServerResponse, hash: string): void {
    this.counters.notFound++;
    sendError(res, 404, 'NOT_FOUND', `this node does not hold payload ${hash}`);
  }

  private sourceFailed(res: ServerResponse): void {
    this.counters.errors++;
    sendError(res, 500, 'SOURCE_ERROR', "the node's payload source failed");
  }

  /** The source's bytes, unchecked: undefined if absent, null if the source failed. */
  private async readSource(hash: string): Promise<Buffer | undefined | null> {
    try {
      const got = await this.source(hash);
      if (got === undefined) return undefined;
      return got instanceof Uint8Array ? asBuffer(got) : null;
    } catch {
      return null;
    }
  }

  /** Verified bytes for `hash`, from the cache or the source (one read per hash at a time). */
  private lookup(hash: string): Promise<Lookup> {
    const cached = this.cache.get(hash);
    if (cached) {
      this.cache.delete(hash);
      this.cache.set(hash, cached);
      return Promise.resolve({ kind: 'ok', bytes: cached });
    }
    const pending = this.inflight.get(hash);
    if (pending) return pending;
    const p = this.readAndVerify(hash).finally(() => this.inflight.delete(hash));
    this.inflight.set(hash, p);
    return p;
  }

  private async readAndVerify(hash: string): Promise<Lookup> {
    const got = await this.readSource(hash);
    if (got === undefined) return { kind: 'absent' };
    if (got === null) return { kind: 'failed' };
    const computed = blake2b256(got);
    const expected = parseHex(hash, 32) as Uint8Array;
    if (!equalBytes(computed, expected)) return { kind: 'mismatch', computed: toHex(computed) };
    if (got.length > this.cacheLimit / 4) return { kind: 'ok', bytes: got };
    // Keep our own copy: the source's array could change after it was checked.
    const copy = Buffer.from(got);
    this.cache.set(hash, copy);
    this.cacheSize += copy.length;
    for (const [k, v] of this.cache) {
      if (this.cacheSize <= this.cacheLimit) break;
      this.cache.delete(k);
      this.cacheSize -= v.length;
    }
    return { kind: 'ok', bytes: copy };
  }
}

/** Waits `ms` without blocking other requests; false if the client went away meanwhile. */
function sleep(ms: number, res: ServerResponse, timers: Set<NodeJS.Timeout>): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(t);
      timers.delete(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      timers.delete(t);
      res.off('close', onClose);
      // (The request itself is consumed and auto-destroyed by now; the connection is what counts.)
      resolve(!res.destroyed && !(res.socket?.destroyed ?? true));
    }, ms);
    timers.add(t);
    res.once('close', onClose);
  });
}

/**
 * Starts `n` storage nodes (`storage-0` … `storage-<n-1>`), all serving `source`;
 * `faultsByNode[i]` are node i's faults. Node i listens on `host` (default 127.0.0.1) at
 * `port + i`, or on an ephemeral port when `port` is 0 or absent.
 */
export async function startStorageNodes(
  n: number,
  source: PayloadSource,
  faultsByNode: ReadonlyArray<ReadonlyMap<string, NodeFault> | undefined> = [],
  options: { host?: string; port?: number; defaultDelayMs?: number; cacheBytes?: number } = {}
): Promise<{ nodes: StorageNode[]; urls: string[]; close(): Promise<void> }> {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError('startStorageNodes: n must be ≥ 1');
  const { host, port = 0, ...nodeOptions } = options;
  const nodes: StorageNode[] = [];
  const running: RunningServer[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(running.map((r) => r.close()));
  };
  try {
    for (let i = 0; i < n; i++) {
      const faults = faultsByNode[i];
      const node = new StorageNode({
        name: `storage-${i}`,
        source,
        ...(faults ? { faults } : {}),
        ...nodeOptions,
      });
      nodes.push(node);
      running.push(
        await node.start({ ...(host ? { host } : {}), port: port === 0 ? 0 : port + i })
      );
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { nodes, urls: running.map((r) => r.url), close };
}
