/**
 * Dumps the metadata of every runtime a Substrate node has run, as JSON lines in the format
 * `squid-substrate-metadata-explorer` writes and `squid-substrate-typegen` reads as `specVersions`
 * (`{"specName","specVersion","blockNumber","blockHash","metadata"}`, one runtime a line):
 *
 *   npm run cere-metadata -- --rpc <http(s)|ws(s) URL> --out <file.jsonl> [--from N] [--to N]
 *
 * Step 1 of docs/cere-runtimes.md §12. Over JSON-RPC only: reads the finalized head, then finds each
 * block where `state_getRuntimeVersion(hash)` changes (spec name or version) by binary search over
 * `chain_getBlockHash(n)`, about 2·log2(blocks) calls per change, and writes for each runtime the
 * first block whose state reports it (for the first runtime: `--from`) with `state_getMetadata` at
 * that block. Like the explorer, it assumes a runtime never comes back after it was replaced.
 *
 * Proof Room decodes V14 metadata only (Cere's first V14 runtime is spec 295, §17): a pre-V14
 * runtime in the range is refused with one line naming it and the `--from` to use instead, and
 * nothing is written. Every answer of the node is checked (types, hex, sizes); expected failures
 * end with one line and a non-zero exit: 1 failure, 2 usage, 3 pre-V14 runtime in the range.
 * The output file is replaced, not appended to.
 * @module
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeMetadata } from '@subsquid/substrate-runtime/lib/metadata/codec.js';
import WebSocket from 'ws';

/** The largest answer accepted from the node (metadata of real runtimes is well under 2 MiB). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
/** More runtimes than this in one range is not a chain, it is a node making things up. */
const MAX_RUNTIMES = 10_000;
/** Attempts per call on transport failures (timeouts, lost connections, HTTP 5xx/429). */
const ATTEMPTS = 3;
const MAX_BLOCK = 0xffff_ffff;
const METADATA_MAGIC = '6d657461'; // "meta"
const FIRST_V14 = 14;

const USAGE =
  'usage: node --import tsx scripts/cere-metadata.ts --rpc <http(s)|ws(s) URL> --out <file.jsonl> ' +
  '[--from N] [--to N] [--timeout MS (per call, default 60000)]';

/** An expected failure: printed as one line, no stack, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1
  ) {
    super(message);
  }
}

/** A failure of the connection, not of the answer: worth another attempt. */
class TransportError extends CliError {}

/** Text from the node, safe to print: printable ASCII, cut short. */
export function clean(value: unknown, max = 160): string {
  const s = String(value).replace(/[^\x20-\x7e]/g, '?');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

const progress = (m: string): void => {
  process.stderr.write(`cere-metadata: ${m}\n`);
};

// --- options --------------------------------------------------------------------------------

export interface Options {
  readonly rpc: string;
  readonly out: string;
  readonly from: number;
  readonly to: number | null;
  readonly timeoutMs: number;
}

function natural(name: string, raw: string | undefined, max: number): number | null {
  if (raw === undefined) return null;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) > max)
    throw new CliError(
      `--${name} must be an integer from 0 to ${max} (got "${clean(raw, 40)}")`,
      2
    );
  return Number(raw);
}

export function parseOptions(argv: readonly string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        rpc: { type: 'string' },
        out: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new CliError(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`, 2);
  }
  if (values.help) throw new CliError(USAGE, 0);
  if (!values.rpc || !values.out) throw new CliError(`--rpc and --out are required\n${USAGE}`, 2);
  let protocol: string;
  try {
    protocol = new URL(values.rpc).protocol;
  } catch {
    throw new CliError('--rpc is not a URL', 2);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(protocol))
    throw new CliError('--rpc must be an http(s) or ws(s) URL', 2);
  const from = natural('from', values.from, MAX_BLOCK) ?? 0;
  const to = natural('to', values.to, MAX_BLOCK);
  if (to !== null && to < from) throw new CliError('--to is below --from', 2);
  const timeoutMs = natural('timeout', values.timeout, 3_600_000) ?? 60_000;
  if (timeoutMs < 1) throw new CliError('--timeout must be at least 1 ms', 2);
  return { rpc: values.rpc, out: values.out, from, to, timeoutMs };
}

// --- transports -----------------------------------------------------------------------------

/** Sends one JSON-RPC request and returns the parsed answer with the same id. */
interface Transport {
  request(id: number, method: string, params: readonly unknown[]): Promise<unknown>;
  close(): void;
}

function transportFailure(e: unknown, timeoutMs: number): TransportError {
  if (e instanceof TransportError) return e;
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
    return new TransportError(`no answer within ${timeoutMs} ms`);
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : '';
  const what = e instanceof Error ? e.message : String(e);
  return new TransportError(`cannot reach the node: ${clean(cause || what)}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`the node's answer is not JSON: ${clean(text, 80)}`);
  }
}

/** Reads a response body up to MAX_ANSWER_BYTES. */
async function readCapped(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_ANSWER_BYTES) {
    await res.body?.cancel().catch(() => {});
    throw new CliError(`the node's answer is over ${MAX_ANSWER_BYTES} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  if (!reader) return '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => {});
      throw new CliError(`the node's answer is over ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** One POST per request. */
function httpTransport(url: string, timeoutMs: number): Transport {
  return {
    async request(id, method, params) {
      let text: string;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.status !== 200) {
          await res.body?.cancel().catch(() => {});
          const msg = `HTTP ${res.status} from the node`;
          throw res.status >= 500 || res.status === 429
            ? new TransportError(msg)
            : new CliError(msg);
        }
        text = await readCapped(res);
      } catch (e) {
        if (e instanceof CliError && !(e instanceof TransportError)) throw e;
        throw transportFailure(e, timeoutMs);
      }
      return parseJson(text);
    },
    close() {},
  };
}

interface Pending {
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** One connection (reopened after a failure); answers matched to requests by id. */
function wsTransport(url: string, timeoutMs: number): Transport {
  let socket: Promise<WebSocket> | null = null;
  const pending = new Map<number, Pending>();
  const drop = (ws: WebSocket, e: Error): void => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(e);
    }
    socket = null;
    ws.removeAllListeners();
    ws.on('error', () => {});
    ws.terminate();
  };
  const onMessage = (ws: WebSocket, data: WebSocket.RawData): void => {
    let msg: unknown;
    try {
      msg = JSON.parse(String(data));
    } catch {
      drop(ws, new CliError(`the node sent something that is not JSON: ${clean(data, 80)}`));
      return;
    }
    const id = (msg as { id?: unknown } | null)?.id;
    const p = typeof id === 'number' ? pending.get(id) : undefined;
    if (!p) return; // notifications and stray answers
    clearTimeout(p.timer);
    pending.delete(id as number);
    p.resolve(msg);
  };
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: MAX_ANSWER_BYTES });
      ws.on('open', () => resolve(ws));
      ws.on('message', (data) => onMessage(ws, data));
      ws.on('error', (e) => {
        const err = transportFailure(e, timeoutMs);
        reject(err);
        drop(ws, err);
      });
      ws.on('close', () => drop(ws, new TransportError('the node closed the connection')));
    });
  return {
    async request(id, method, params) {
      socket ??= open();
      const ws = await socket.catch((e: unknown) => {
        socket = null;
        throw transportFailure(e, timeoutMs);
      });
      if (ws.readyState !== WebSocket.OPEN) {
        socket = null;
        throw new TransportError('the connection to the node is closed');
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new TransportError(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      });
    },
    close() {
      const s = socket;
      socket = null;
      void s?.then(
        (ws) => drop(ws, new TransportError('closed')),
        () => {}
      );
    },
  };
}

// --- the client -----------------------------------------------------------------------------

/** JSON-RPC over either transport; counts every request sent. */
export class Rpc {
  calls = 0;
  private readonly transport: Transport;

  constructor(url: string, timeoutMs: number) {
    const protocol = new URL(url).protocol;
    this.transport =
      protocol === 'ws:' || protocol === 'wss:'
        ? wsTransport(url, timeoutMs)
        : httpTransport(url, timeoutMs);
  }

  async call(method: string, params: readonly unknown[]): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const id = ++this.calls;
      try {
        return resultOf(method, id, await this.transport.request(id, method, params));
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        if (attempt >= ATTEMPTS) throw new CliError(`${method}: ${e.message}`);
        progress(`${method}: ${e.message}; trying again`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** The `result` of a JSON-RPC answer; its `error` as a CliError. */
function resultOf(method: string, id: number, answer: unknown): unknown {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer))
    throw new CliError(`${method}: the answer is not a JSON-RPC object`);
  const a = answer as { id?: unknown; result?: unknown; error?: unknown };
  if (a.id !== id) throw new CliError(`${method}: the answer has another request's id`);
  if (a.error !== undefined) {
    const err = a.error as { code?: unknown; message?: unknown } | null;
    throw new CliError(
      `${method}: the node answered error ${clean(err?.code, 20)}: ${clean(err?.message)}`
    );
  }
  if (!('result' in a)) throw new CliError(`${method}: the answer has no result`);
  return a.result;
}

// --- what the node says, checked --------------------------------------------------------------

/** The runtime a block's state holds. */
export interface RuntimeAt {
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly specName: string;
  readonly specVersion: number;
}

function hash32(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value))
    throw new CliError(
      `${what}: expected a 32-byte 0x-hex hash, got ${clean(JSON.stringify(value), 80)}`
    );
  return value.toLowerCase();
}

async function finalizedHeight(rpc: Rpc): Promise<number> {
  const head = hash32(await rpc.call('chain_getFinalizedHead', []), 'chain_getFinalizedHead');
  const header = (await rpc.call('chain_getHeader', [head])) as { number?: unknown } | null;
  const n = header?.number;
  if (typeof n !== 'string' || !/^0x[0-9a-fA-F]{1,8}$/.test(n))
    throw new CliError('chain_getHeader: the finalized header has no 0x-hex block number');
  return parseInt(n.slice(2), 16);
}

async function runtimeAt(rpc: Rpc, n: number): Promise<RuntimeAt> {
  const got = await rpc.call('chain_getBlockHash', [n]);
  if (got === null) throw new CliError(`chain_getBlockHash(${n}): the node has no such block`);
  const blockHash = hash32(got, `chain_getBlockHash(${n})`);
  const v = (await rpc.call('state_getRuntimeVersion', [blockHash])) as {
    specName?: unknown;
    specVersion?: unknown;
  } | null;
  const { specName, specVersion } = v ?? {};
  if (typeof specName !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(specName))
    throw new CliError(`state_getRuntimeVersion at block ${n}: no valid specName`);
  if (
    !Number.isSafeInteger(specVersion) ||
    (specVersion as number) < 0 ||
    (specVersion as number) > MAX_BLOCK
  )
    throw new CliError(`state_getRuntimeVersion at block ${n}: specVersion is not a u32`);
  return { blockNumber: n, blockHash, specName, specVersion: specVersion as number };
}

/** The metadata version byte of `state_getMetadata` hex (after the "meta" magic). */
export function metadataVersion(hex: unknown, where: string): number {
  if (typeof hex !== 'string') throw new CliError(`state_getMetadata ${where}: not a string`);
  if (hex.length > 2 + 2 * MAX_ANSWER_BYTES)
    throw new CliError(`state_getMetadata ${where}: over ${MAX_ANSWER_BYTES} bytes`);
  if (!/^0x(?:[0-9a-fA-F]{2})+$/.test(hex))
    throw new CliError(`state_getMetadata ${where}: not 0x-hex bytes (${clean(hex, 40)})`);
  if (hex.length < 12 || hex.slice(2, 10).toLowerCase() !== METADATA_MAGIC)
    throw new CliError(`state_getMetadata ${where}: does not start with the "meta" magic`);
  return parseInt(hex.slice(10, 12), 16);
}

/** The line that refuses a pre-V14 runtime, with the `--from` to use when one is known. */
export function preV14Refusal(
  r: RuntimeAt,
  version: number,
  firstV14: RuntimeAt | null,
  range: { from: number; to: number }
): string {
  const instead = firstV14
    ? `rerun with --from ${firstV14.blockNumber} (the first V14 runtime found: ${firstV14.specName}@${firstV14.specVersion} at block ${firstV14.blockNumber})`
    : `rerun with --from at the first V14 block (none in blocks ${range.from}..${range.to})`;
  return (
    `${r.specName}@${r.specVersion} at block ${r.blockNumber} has metadata v${version} ` +
    `(version byte 0x${version.toString(16).padStart(2, '0')}): Proof Room decodes V14+ only ` +
    `(Cere's first V14 runtime is spec 295, docs/cere-runtimes.md §17); ${instead}`
  );
}

// --- the search -----------------------------------------------------------------------------

const sameSpec = (a: RuntimeAt, b: RuntimeAt): boolean =>
  a.specName === b.specName && a.specVersion === b.specVersion;

/** `runtimeAt` with each height asked once. */
class Probe {
  private readonly seen = new Map<number, RuntimeAt>();
  constructor(private readonly rpc: Rpc) {}

  async at(n: number): Promise<RuntimeAt> {
    let r = this.seen.get(n);
    if (!r) {
      r = await runtimeAt(this.rpc, n);
      this.seen.set(n, r);
    }
    return r;
  }

  /** Heights already asked strictly between lo and hi, ascending. */
  between(lo: number, hi: number): RuntimeAt[] {
    return [...this.seen.values()]
      .filter((r) => r.blockNumber > lo && r.blockNumber < hi)
      .sort((a, b) => a.blockNumber - b.blockNumber);
  }
}

/** The first block after `base` whose runtime differs from base's, given that block `hi` differs. */
async function firstChangeAfter(probe: Probe, base: RuntimeAt, hi: number): Promise<RuntimeAt> {
  let lo = base.blockNumber;
  for (const r of probe.between(lo, hi)) {
    if (r.blockNumber >= hi) break;
    if (sameSpec(r, base)) lo = r.blockNumber;
    else hi = r.blockNumber;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (sameSpec(await probe.at(mid), base)) lo = mid;
    else hi = mid;
  }
  return probe.at(hi);
}

/** Each runtime of blocks from..to with the first block whose state holds it (`from` for the first). */
export async function findRuntimes(rpc: Rpc, from: number, to: number): Promise<RuntimeAt[]> {
  const probe = new Probe(rpc);
  const found = [await probe.at(from)];
  const end = await probe.at(to);
  progress(`block ${from}: ${found[0]!.specName}@${found[0]!.specVersion}`);
  for (let cur = found[0]!; !sameSpec(cur, end);) {
    if (found.length >= MAX_RUNTIMES)
      throw new CliError(`more than ${MAX_RUNTIMES} runtimes in blocks ${from}..${to}: giving up`);
    cur = await firstChangeAfter(probe, cur, to);
    found.push(cur);
    progress(
      `block ${cur.blockNumber}: ${cur.specName}@${cur.specVersion} (${rpc.calls} RPC calls so far)`
    );
  }
  return found;
}

// --- writing --------------------------------------------------------------------------------

/** The explorer's line for one runtime. */
function specLine(r: RuntimeAt, metadata: string): string {
  const { specName, specVersion, blockNumber, blockHash } = r;
  return JSON.stringify({ specName, specVersion, blockNumber, blockHash, metadata }) + '\n';
}

/** Fetches each runtime's metadata and writes its line to `partial`; refuses pre-V14 runtimes. */
async function dumpMetadata(
  rpc: Rpc,
  runtimes: readonly RuntimeAt[],
  partial: string,
  range: { from: number; to: number }
): Promise<void> {
  let refused: { r: RuntimeAt; version: number } | null = null;
  for (const r of runtimes) {
    const where = `at block ${r.blockNumber}`;
    const hex = await rpc.call('state_getMetadata', [r.blockHash]);
    const version = metadataVersion(hex, where);
    if (version < FIRST_V14) {
      refused ??= { r, version };
      continue;
    }
    if (refused) throw new CliError(preV14Refusal(refused.r, refused.version, r, range), 3);
    if (version > FIRST_V14)
      throw new CliError(
        `state_getMetadata ${where}: metadata v${version}; Subsquid reads up to V14`
      );
    try {
      decodeMetadata(hex as string);
    } catch (e) {
      throw new CliError(
        `state_getMetadata ${where}: V14 metadata that does not decode (${clean(e instanceof Error ? e.message : e, 100)})`
      );
    }
    appendFileSync(partial, specLine(r, (hex as string).toLowerCase()));
    progress(
      `${r.specName}@${r.specVersion}: metadata V14, ${((hex as string).length - 2) / 2} bytes`
    );
  }
  if (refused) throw new CliError(preV14Refusal(refused.r, refused.version, null, range), 3);
}

export async function run(opts: Options): Promise<void> {
  const rpc = new Rpc(opts.rpc, opts.timeoutMs);
  const partial = `${opts.out}.partial`;
  try {
    const head = await finalizedHeight(rpc);
    const to = Math.min(opts.to ?? head, head);
    if (opts.to !== null && opts.to > head)
      progress(`--to ${opts.to} is past the finalized head: using ${head}`);
    if (opts.from > to)
      throw new CliError(`--from ${opts.from} is past the finalized head ${head}`);
    progress(`finalized head #${head}; searching blocks ${opts.from}..${to}`);
    const runtimes = await findRuntimes(rpc, opts.from, to);
    mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    writeFileSync(partial, '');
    await dumpMetadata(rpc, runtimes, partial, { from: opts.from, to });
    renameSync(partial, opts.out);
    const list = runtimes.map((r) => `${r.specName}@${r.specVersion} #${r.blockNumber}`);
    progress(
      `${runtimes.length} runtime${runtimes.length === 1 ? '' : 's'} in blocks ${opts.from}..${to} ` +
        `(${list.join(', ')}); ${rpc.calls} RPC calls; wrote ${opts.out}`
    );
  } finally {
    rpc.close();
    rmSync(partial, { force: true });
  }
}

async function main(): Promise<void> {
  try {
    await run(parseOptions(process.argv.slice(2)));
  } catch (e) {
    if (e instanceof CliError) {
      progress(e.message);
      process.exitCode = e.exitCode;
    } else if (e instanceof Error && 'syscall' in e) {
      // A file that cannot be written: the system's message says which and why.
      progress(e.message);
      process.exitCode = 1;
    } else throw e;
  }
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  await main();
}
