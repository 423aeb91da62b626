/**
 * Child process of `bench/devnet.ts`: a JSON-RPC client over HTTP that fetches every block of a
 * range the way `@subsquid/substrate-processor` does, so that its CPU is not the server's.
 *
 * The range is cut into strides of `stride` blocks and `inflight` strides are fetched at once.
 * Two request patterns, both from `@subsquid/substrate-data-raw` (lib/fetch1.js):
 * - `batch` (its hot path, `getHotSplit`): a batch of `chain_getBlockHash(height)` for every
 *   height of the stride (heights as `0x` quantities), then one batch of `chain_getBlock(hash)` and
 *   `state_getStorageAt(System.Events key, hash)` for every block plus one
 *   `state_getRuntimeVersion(hash)` for the stride;
 * - `cold` (its finalized path, `getColdSplit`): one `chain_getBlockHash(top)` call, then one
 *   `chain_getBlock` call per block walking parent hashes down the stride, then a batch of
 *   `state_getStorageAt` for the stride's events alongside one `state_getRuntimeVersion` call.
 *
 * The client decodes nothing beyond `JSON.parse`: it counts events by reading the SCALE compact
 * length prefix of each `System.Events` value. Jobs arrive by IPC (`process.send`), one at a time;
 * the child exits when its parent disconnects.
 */
import http from 'node:http';
import { percentiles } from './lib.ts';

/** `twox128("System") ++ twox128("Events")`. */
export const SYSTEM_EVENTS_KEY =
  '0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7';

export interface FetchJob {
  readonly url: string;
  /** First and last height fetched (inclusive). */
  readonly from: number;
  readonly to: number;
  readonly mode: 'batch' | 'cold';
  /** Blocks per stride (Subsquid: 10). */
  readonly stride: number;
  /** Strides fetched concurrently (one HTTP connection each). */
  readonly inflight: number;
  /** Passes over the range are repeated until this much time has passed (at least one pass). */
  readonly minMs: number;
  /** Run one unmeasured pass first (server caches, JIT). */
  readonly warmup: boolean;
}

export interface FetchResult {
  readonly passes: number;
  readonly blocks: number;
  readonly events: number;
  /** Events seen in one pass (the same for every pass). */
  readonly eventsPerPass: number;
  /** Response body bytes. */
  readonly bytes: number;
  readonly requests: number;
  readonly ms: number;
  /** Latency (ms) of the requests that return blocks (a batch, or one block in `cold` mode). */
  readonly blockLatency: Record<string, number>;
  /** Latency (ms) of the `chain_getBlockHash` requests. */
  readonly hashLatency: Record<string, number>;
  /** CPU time of this client process over the measured passes, in cores. */
  readonly clientCores: number;
}

interface Totals {
  blocks: number;
  events: number;
  bytes: number;
  requests: number;
  blockLatency: number[];
  hashLatency: number[];
  otherLatency: number[];
}

type Call = readonly [method: string, params: readonly unknown[]];

/** The value of a SCALE compact prefix at the start of `hex` (`0x` first). */
export function compactPrefix(hex: string): number {
  const byte = (i: number): number => parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  const b0 = byte(0);
  switch (b0 & 3) {
    case 0:
      return b0 >>> 2;
    case 1:
      return (b0 | (byte(1) << 8)) >>> 2;
    case 2:
      return ((b0 | (byte(1) << 8) | (byte(2) << 16)) >>> 2) + byte(3) * 2 ** 22;
    default: {
      // Big-integer mode: (b0 >> 2) + 4 bytes follow, little endian.
      let v = 0;
      for (let i = (b0 >>> 2) + 4; i >= 1; i--) v = v * 256 + byte(i);
      return v;
    }
  }
}

class Client {
  readonly #url: URL;
  readonly #agent: http.Agent;

  constructor(url: string, sockets: number) {
    this.#url = new URL(url);
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  close(): void {
    this.#agent.destroy();
  }

  /** POSTs `body`; resolves with the response text. */
  #post(body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.#agent,
          hostname: this.#url.hostname,
          port: this.#url.port,
          path: this.#url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text}`));
            else resolve(text);
          });
        }
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** POSTs `body` and parses the answer; latency and bytes are added to `totals`. */
  async #exchange(body: string, totals: Totals, latency: number[]): Promise<unknown> {
    const t0 = performance.now();
    const text = await this.#post(body);
    latency.push(performance.now() - t0);
    totals.bytes += Buffer.byteLength(text);
    totals.requests++;
    return JSON.parse(text) as unknown;
  }

  /** One JSON-RPC call (not a batch). */
  async call(call: Call, totals: Totals, latency: number[]): Promise<unknown> {
    const [method, params] = call;
    const body = JSON.stringify({ jsonrpc: '2.0', id: 0, method, params });
    const r = (await this.#exchange(body, totals, latency)) as {
      result?: unknown;
      error?: unknown;
    };
    if (r.error !== undefined) throw new Error(`JSON-RPC error: ${JSON.stringify(r.error)}`);
    return r.result;
  }

  /** One JSON-RPC batch; results in call order. */
  async batch(calls: readonly Call[], totals: Totals, latency: number[]): Promise<unknown[]> {
    const body = JSON.stringify(
      calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params }))
    );
    const reply = await this.#exchange(body, totals, latency);
    if (!Array.isArray(reply))
      throw new Error(`expected a batch response, got ${JSON.stringify(reply).slice(0, 200)}`);
    const out = new Array<unknown>(calls.length);
    for (const r of reply as Array<{ id: number; result?: unknown; error?: unknown }>) {
      if (r.error !== undefined) throw new Error(`JSON-RPC error: ${JSON.stringify(r.error)}`);
      out[r.id] = r.result;
    }
    return out;
  }
}

/** Counts a block and its events; throws if either is missing. */
function take(height: number, block: unknown, events: unknown, totals: Totals): void {
  if (block === null || typeof block !== 'object' || !('block' in block)) {
    throw new Error(`no block at height ${height}`);
  }
  if (typeof events !== 'string') throw new Error(`no System.Events at height ${height}`);
  totals.events += compactPrefix(events);
  totals.blocks++;
}

async function fetchStride(
  client: Client,
  from: number,
  to: number,
  totals: Totals
): Promise<void> {
  const heights = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const hashes = await client.batch(
    heights.map((h) => ['chain_getBlockHash', [`0x${h.toString(16)}`]] as const),
    totals,
    totals.hashLatency
  );
  const calls: Call[] = [];
  for (const hash of hashes) {
    if (typeof hash !== 'string') throw new Error(`no block hash in ${from}..${to}`);
    calls.push(['chain_getBlock', [hash]]);
  }
  for (const hash of hashes) calls.push(['state_getStorageAt', [SYSTEM_EVENTS_KEY, hash]]);
  calls.push(['state_getRuntimeVersion', [hashes[hashes.length - 1]]]);
  const results = await client.batch(calls, totals, totals.blockLatency);
  const n = heights.length;
  for (let i = 0; i < n; i++) take(from + i, results[i], results[n + i], totals);
}

async function fetchStrideCold(
  client: Client,
  from: number,
  to: number,
  totals: Totals
): Promise<void> {
  let hash = await client.call(
    ['chain_getBlockHash', [`0x${to.toString(16)}`]],
    totals,
    totals.hashLatency
  );
  const blocks: unknown[] = [];
  const hashes: string[] = [];
  for (let h = to; h >= from; h--) {
    if (typeof hash !== 'string') throw new Error(`no block hash at height ${h}`);
    const block = (await client.call(['chain_getBlock', [hash]], totals, totals.blockLatency)) as {
      block?: { header?: { parentHash?: unknown } };
    } | null;
    blocks.unshift(block);
    hashes.unshift(hash);
    hash = block?.block?.header?.parentHash;
  }
  const [events] = await Promise.all([
    client.batch(
      hashes.map((x) => ['state_getStorageAt', [SYSTEM_EVENTS_KEY, x]] as const),
      totals,
      totals.otherLatency
    ),
    client.call(
      ['state_getRuntimeVersion', [hashes[hashes.length - 1]]],
      totals,
      totals.otherLatency
    ),
  ]);
  for (let i = 0; i < blocks.length; i++) take(from + i, blocks[i], events[i], totals);
}

async function pass(job: FetchJob, client: Client, totals: Totals): Promise<void> {
  let next = job.from;
  const worker = async (): Promise<void> => {
    while (next <= job.to) {
      const a = next;
      const b = Math.min(job.to, a + job.stride - 1);
      next = b + 1;
      if (job.mode === 'cold') await fetchStrideCold(client, a, b, totals);
      else await fetchStride(client, a, b, totals);
    }
  };
  await Promise.all(Array.from({ length: job.inflight }, worker));
}

const emptyTotals = (): Totals => ({
  blocks: 0,
  events: 0,
  bytes: 0,
  requests: 0,
  blockLatency: [],
  hashLatency: [],
  otherLatency: [],
});

export async function fetchAll(job: FetchJob): Promise<FetchResult> {
  const client = new Client(job.url, job.inflight);
  try {
    if (job.warmup) await pass(job, client, emptyTotals());
    const totals = emptyTotals();
    let passes = 0;
    let eventsPerPass = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let now = t0;
    do {
      const before = totals.events;
      await pass(job, client, totals);
      eventsPerPass = totals.events - before;
      passes++;
      now = performance.now();
    } while (now - t0 < job.minMs);
    const cpu = process.cpuUsage(cpu0);
    return {
      passes,
      blocks: totals.blocks,
      events: totals.events,
      eventsPerPass,
      bytes: totals.bytes,
      requests: totals.requests,
      ms: now - t0,
      blockLatency: percentiles(totals.blockLatency, [50, 99]),
      hashLatency: percentiles(totals.hashLatency, [50, 99]),
      clientCores: (cpu.user + cpu.system) / 1000 / (now - t0),
    };
  } finally {
    client.close();
  }
}

if (process.send !== undefined) {
  const send = process.send.bind(process);
  process.on('message', (job: FetchJob) => {
    fetchAll(job).then(
      (result) => send({ ok: true, result }),
      (err: unknown) => send({ ok: false, error: err instanceof Error ? err.stack : String(err) })
    );
  });
  process.on('disconnect', () => process.exit(0));
}
