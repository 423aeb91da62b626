/**
 * Node-only signature backend: ed25519 through OpenSSL (`node:crypto`, ~14x faster than the pure
 * path) and a worker-thread batch verifier. Its verdict equals the pure reference
 * (`verifier/signatures.ts`) on every input; test/signatures.test.ts checks that on the Wycheproof
 * and speccheck vectors, crafted edge cases and thousands of random corruptions.
 *
 * Why this is sound: "fast accept, confirm rejects".
 *
 * OpenSSL implements RFC 8032 (cofactorless equation, canonical R), Substrate and Cere implement
 * ZIP-215 (ed25519-zebra: cofactored equation, non-canonical encodings accepted, S < L). The two
 * disagree only in one direction: an OpenSSL accept is always a ZIP-215 accept. OpenSSL 3
 * (`ossl_ed25519_verify` in crypto/ec/curve25519.c) accepts only when
 *   1. S < L, checked on the bytes: the same check as ZIP-215 (noble rejects s >= L too);
 *   2. A decodes (`ge_frombytes_vartime`): y is read as 255 bits, so y >= p is taken mod p, and
 *      the sign of x is applied as in RFC 8032. ZIP-215 decodes every such encoding too (any
 *      y < 2^255, x = 0 with the sign bit set allowed), to the same point; if OpenSSL refuses more
 *      encodings, that only adds rejects, which are confirmed below;
 *   3. k = SHA-512(R bytes || A bytes || M) mod L, over the bytes as given, as in ZIP-215;
 *   4. the canonical encoding of R' = [S]B - [k]A equals the 32 R bytes. So R is canonical, decodes
 *      to R' under ZIP-215 as well, and [S]B = R + [k]A holds exactly; multiplying by the cofactor
 *      8 gives the ZIP-215 equation [8]([S]B - R - [k]A) = 0.
 * Hence OpenSSL-accept implies ZIP-215-accept. The converse fails on small-order or mixed-order
 * points (cofactored vs cofactorless: speccheck cases 4, 5), on a non-canonical R (speccheck 9,
 * Wycheproof tcId 151: y = 1 with the sign bit set) and on a non-canonical A hashed as given
 * (speccheck 10). So: if OpenSSL accepts, accept; if it rejects or throws, return the pure verdict.
 * Honest signatures are accepted by OpenSSL, so the slow confirmation runs only on failures.
 *
 * When the optional `sodium-native` package loads (prebuilt libsodium, no compiler needed), its
 * `crypto_sign_verify_detached` takes OpenSSL's place as the fast accept: about 2.5x faster here
 * (26,000 against 10,500 verifications/s for a 1 KB message on one core). The same argument holds:
 * libsodium accepts only when S < L, A is a canonical point of large order, k is hashed over the
 * bytes as given, and the encoding of [S]B - [k]A equals R; that is an exact cofactorless equation
 * with canonical encodings, hence a ZIP-215 accept. libsodium refuses more (small-order keys and
 * R), and every refusal goes to the pure verdict as before.
 *
 * sr25519 goes the same way: schnorrkel itself (the Rust crate Substrate uses, compiled to
 * WebAssembly in `@polkadot/wasm-crypto`) is the fast accept, about 5x `@scure/sr25519` here
 * (bench/signatures.ts), and `@scure/sr25519` decides every signature it refuses. schnorrkel's
 * `verify_simple` accepts exactly when the marker bit is set, `s` (the marker cleared) is below
 * the group order, the key decodes as a canonical Ristretto point, and the canonical encoding of
 * [s]B - [k]A equals the 32 R bytes, `k` read from the transcript over the context `substrate`,
 * the message, the key's bytes and R's bytes. `@scure/sr25519` checks the same marker, bounds and
 * encodings, builds the same transcript from the same bytes (both encodings are canonical) and
 * compares the same points, and refuses three things more: the identity as the key, `s = 0` and
 * `k = 0` (its scalar multiplication takes no zero). With the identity as the key any R = [s]B
 * "verifies" under schnorrkel, for any message (test/sr25519-schnorrkel.test.ts shows it), so the
 * fast accept is not asked for an all-zero key (the identity's only encoding) nor for `s = 0`;
 * `k` is the transcript's output, which no signer can steer to zero. Hence a fast accept is a
 * reference accept. Until the WebAssembly is loaded and compiled (about 150 ms) and where it
 * cannot be, `@scure/sr25519` decides alone; the first sr25519 signature a process checks starts
 * the compilation.
 * @module
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  verifyEd25519,
  verifySr25519,
  type SignatureAlgorithm,
  type SignatureBackend,
} from '../signatures.ts';

type DetachedVerify = (
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array
) => boolean;

/** libsodium's verify from the optional `sodium-native`, or null when it is not installed. */
const sodiumVerify: DetachedVerify | null = (() => {
  try {
    const sodium = createRequire(import.meta.url)('sodium-native') as {
      crypto_sign_verify_detached: DetachedVerify;
    };
    return (sig, msg, pk) => {
      if (sig.length !== 64 || pk.length !== 32) return false;
      try {
        return sodium.crypto_sign_verify_detached(sig, msg, pk);
      } catch {
        return false;
      }
    };
  } catch {
    return null;
  }
})();

/**
 * The fast accepts, exposed so the tests can show on every vector that each one implies the pure
 * (ZIP-215) accept; `libsodium` is null when sodium-native is not installed.
 */
export const FAST_ACCEPTS: {
  readonly libsodium: DetachedVerify | null;
  readonly openssl: DetachedVerify;
} = {
  libsodium: sodiumVerify,
  openssl: (sig, msg, pk) => {
    if (sig.length !== 64 || pk.length !== 32) return false;
    try {
      const key = keyObjectFor(pk);
      return key !== null && cryptoVerify(null, msg, key, sig);
    } catch {
      return false;
    }
  },
};

/**
 * schnorrkel's verify once its WebAssembly is compiled, else null (before that, or where it
 * cannot be: `@scure/sr25519` decides alone).
 */
let schnorrkel: DetachedVerify | null = null;
let schnorrkelLoad: Promise<boolean> | null = null;

/**
 * Loads schnorrkel (once; the first sr25519 signature asks for it, so a process that checks none
 * does not pay the ~150 ms import) and resolves once the fast accept is in place (true) or known
 * to be unavailable (false). Verdicts do not depend on it; only their cost does.
 */
export function sr25519FastReady(): Promise<boolean> {
  schnorrkelLoad ??= import('@polkadot/wasm-crypto')
    .then(async (wasm) => {
      const ready = await wasm.waitReady();
      if (ready) schnorrkel = wasm.sr25519Verify;
      return ready;
    })
    .catch(() => false);
  return schnorrkelLoad;
}

/**
 * The sr25519 fast accept, exposed so the tests can compare it with the reference: schnorrkel's
 * verdict where it may be asked (not for an all-zero key or `s = 0`: see the module comment),
 * false otherwise or before the WebAssembly is ready.
 */
export function schnorrkelAccepts(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array
): boolean {
  if (schnorrkel === null) {
    void sr25519FastReady();
    return false;
  }
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  if (isZero(publicKey, 0, 32, 0xff) || isZero(signature, 32, 64, 0x7f)) return false;
  try {
    return schnorrkel(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** Whether bytes [from, to) are zero, the last one masked with `lastMask`. */
function isZero(b: Uint8Array, from: number, to: number, lastMask: number): boolean {
  for (let i = from; i < to - 1; i++) if (b[i] !== 0) return false;
  return ((b[to - 1] as number) & lastMask) === 0;
}

/**
 * sr25519 with `@scure/sr25519`'s verdicts: schnorrkel first, the reference when it refuses (see
 * the module comment). Never throws on well-typed input; wrong lengths are `false`.
 */
export function verifySr25519Fast(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array
): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  if (schnorrkelAccepts(signature, message, publicKey)) return true;
  return verifySr25519(signature, message, publicKey);
}

/** Which library gives the fast accepts: `libsodium` when sodium-native loads, else `openssl`. */
export const ED25519_FAST_PATH: 'libsodium' | 'openssl' = sodiumVerify ? 'libsodium' : 'openssl';

/** SPKI DER header of an Ed25519 public key (RFC 8410): SEQ { SEQ { OID 1.3.101.112 }, BIT STRING }. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_CACHE_CAPACITY = 10_000;

/**
 * LRU of KeyObjects by raw key bytes. Building a KeyObject costs as much as a verification, and a
 * receipt stream reuses a small set of keys. `null` records a key OpenSSL refused to import.
 */
const keyCache = new Map<string, KeyObject | null>();

function keyObjectFor(pk: Uint8Array): KeyObject | null {
  const id = Buffer.from(pk.buffer, pk.byteOffset, 32).toString('hex');
  let key = keyCache.get(id);
  if (key !== undefined) {
    keyCache.delete(id);
    keyCache.set(id, key);
    return key;
  }
  try {
    key = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, pk]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    key = null;
  }
  if (keyCache.size >= KEY_CACHE_CAPACITY) {
    const oldest = keyCache.keys().next();
    if (oldest.done !== true) keyCache.delete(oldest.value);
  }
  keyCache.set(id, key);
  return key;
}

/**
 * ed25519 with ZIP-215 verdicts: libsodium (or OpenSSL) first, the pure path when it rejects or
 * throws (see the module comment). Never throws on well-typed input; wrong lengths are `false`.
 */
export function verifyEd25519Fast(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array
): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  if (sodiumVerify !== null) {
    if (sodiumVerify(signature, message, publicKey)) return true;
    return verifyEd25519(signature, message, publicKey);
  }
  if (FAST_ACCEPTS.openssl(signature, message, publicKey)) return true;
  return verifyEd25519(signature, message, publicKey);
}

export const nodeBackend: SignatureBackend = {
  name: `node (${ED25519_FAST_PATH} ed25519, ZIP-215 rejects confirmed by @noble/curves; schnorrkel sr25519, rejects confirmed by @scure/sr25519)`,
  verify(algorithm, signature, message, publicKey) {
    if (algorithm === 'ed25519') return verifyEd25519Fast(signature, message, publicKey);
    if (algorithm === 'sr25519') return verifySr25519Fast(signature, message, publicKey);
    return false;
  },
};

// ---------------------------------------------------------------------------------------------
// Worker-thread batch verifier
// ---------------------------------------------------------------------------------------------

export interface BatchItem {
  readonly algorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface BatchVerifierOptions {
  /** Threads that verify (workers, plus the calling thread if `mainThread`). Default: all cores. */
  readonly threads?: number;
  /** Batches smaller than this are verified inline, without a worker round trip. Default 64. */
  readonly inlineBelow?: number;
  /**
   * Whether the calling thread verifies chunks too (then `threads - 1` workers are started). It
   * blocks the event loop for one chunk at a time. Default false: on 2 cores, 1 worker + the calling
   * thread measured the same throughput as 2 workers (bench/signatures.ts), and an idle calling
   * thread keeps serving its event loop during a batch.
   */
  readonly mainThread?: boolean;
  /** Items per chunk. Default: see `defaultChunkSize`. */
  readonly chunkSize?: number;
}

/** Wire code of an algorithm (sig-worker.mjs); explicit compares, so '__proto__' is not a key. */
function algCode(algorithm: unknown): number | undefined {
  if (algorithm === 'ed25519') return 0;
  if (algorithm === 'sr25519') return 1;
  return undefined;
}
const ALG_UNKNOWN = 255;
/** Chunks posted to a worker before its first answer, so it never idles on a round trip. */
const MAX_IN_FLIGHT = 2;
const WORKER_URL = new URL('./sig-worker.mjs', import.meta.url);

interface Job {
  readonly items: ReadonlyArray<BatchItem>;
  readonly results: boolean[];
  remaining: number;
  settled: boolean;
  readonly resolve: (results: boolean[]) => void;
  readonly reject: (error: Error) => void;
}

interface Chunk {
  readonly job: Job;
  readonly start: number;
  readonly end: number;
}

interface Slot {
  readonly worker: Worker;
  readonly inFlight: Map<number, Chunk>;
  dead: boolean;
}

function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

function wellTyped(item: BatchItem | undefined): item is BatchItem {
  return (
    typeof item === 'object' &&
    item !== null &&
    isBytes(item.signature) &&
    isBytes(item.message) &&
    isBytes(item.publicKey)
  );
}

function verifyItem(item: BatchItem | undefined): boolean {
  return wellTyped(item)
    ? nodeBackend.verify(item.algorithm, item.signature, item.message, item.publicKey)
    : false;
}

/** Packs items [start, end) into one transferable buffer (format in sig-worker.mjs). */
function packChunk(items: ReadonlyArray<BatchItem>, start: number, end: number): ArrayBuffer {
  const n = end - start;
  const headerBytes = 4 + 16 * n;
  let total = headerBytes;
  for (let i = start; i < end; i++) {
    const it = items[i];
    if (wellTyped(it) && algCode(it.algorithm) !== undefined) {
      total += it.signature.length + it.message.length + it.publicKey.length;
    }
  }
  const buf = new ArrayBuffer(total);
  const header = new Uint32Array(buf, 0, 1 + 4 * n);
  const body = new Uint8Array(buf);
  header[0] = n;
  let off = headerBytes;
  for (let i = 0; i < n; i++) {
    const it = items[start + i];
    const code = wellTyped(it) ? algCode(it.algorithm) : undefined;
    if (it === undefined || code === undefined) {
      header[1 + 4 * i] = ALG_UNKNOWN; // lengths stay 0: the worker answers false
      continue;
    }
    header[1 + 4 * i] = code;
    header[2 + 4 * i] = it.signature.length;
    header[3 + 4 * i] = it.message.length;
    header[4 + 4 * i] = it.publicKey.length;
    body.set(it.signature, off);
    off += it.signature.length;
    body.set(it.message, off);
    off += it.message.length;
    body.set(it.publicKey, off);
    off += it.publicKey.length;
  }
  return buf;
}

/**
 * Workers alone: 4 chunks per thread (512 items for 4,096 on 2 threads), enough to rebalance when
 * one thread falls behind, few enough that posting costs nothing. With the calling thread working
 * too: 16 chunks per thread, because a worker holds up to two chunks while the calling thread holds
 * one, so the last chunks must be short for both to finish together (measured in bench/signatures.ts:
 * 512-item chunks left the calling thread idle for the last ~20% of a batch).
 */
function defaultChunkSize(n: number, threads: number, mainThread: boolean): number {
  return mainThread
    ? Math.min(256, Math.max(32, Math.ceil(n / (16 * threads))))
    : Math.min(1024, Math.max(32, Math.ceil(n / (4 * threads))));
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Verifies batches of signatures on worker threads. Verdicts equal `pureBackend`'s. Each worker
 * keeps its own KeyObject cache; a batch is cut into chunks that are packed into one transferable
 * ArrayBuffer each and handed to whichever worker is free. Workers are started on the first large
 * batch and do not keep the process alive while idle; `close()` terminates them.
 */
export class BatchVerifier {
  readonly threads: number;
  readonly #workerCount: number;
  readonly #inlineBelow: number;
  readonly #mainThread: boolean;
  readonly #chunkSize: number | undefined;
  readonly #slots: Slot[] = [];
  readonly #queue: Chunk[] = [];
  #queueHead = 0;
  #nextId = 1;
  #closed = false;
  #draining = false;

  constructor(opts: BatchVerifierOptions = {}) {
    const threads = opts.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`BatchVerifier: threads must be a positive integer, got ${threads}`);
    }
    const chunkSize = opts.chunkSize;
    if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize < 1)) {
      throw new RangeError(`BatchVerifier: chunkSize must be a positive integer, got ${chunkSize}`);
    }
    this.threads = threads;
    this.#mainThread = opts.mainThread ?? false;
    this.#workerCount = this.#mainThread ? threads - 1 : threads;
    this.#inlineBelow = opts.inlineBelow ?? 64;
    this.#chunkSize = chunkSize;
  }

  /**
   * Verdicts in input order; `false` for wrong lengths, unknown algorithms or ill-typed items.
   * Chunks are copied when they are posted, so leave `items` and their bytes unchanged until the
   * promise settles.
   */
  verify(items: ReadonlyArray<BatchItem>): Promise<boolean[]> {
    if (this.#closed) return Promise.reject(new Error('BatchVerifier: verify() after close()'));
    if (!Array.isArray(items)) {
      return Promise.reject(new TypeError('BatchVerifier: verify() takes an array of items'));
    }
    const n = items.length;
    if (n < this.#inlineBelow) return Promise.resolve(Array.from(items, verifyItem));
    return new Promise<boolean[]>((resolve, reject) => {
      const size = this.#chunkSize ?? defaultChunkSize(n, this.threads, this.#mainThread);
      const job: Job = {
        items,
        results: new Array<boolean>(n).fill(false),
        remaining: Math.ceil(n / size),
        settled: false,
        resolve,
        reject,
      };
      for (let start = 0; start < n; start += size) {
        this.#queue.push({ job, start, end: Math.min(n, start + size) });
      }
      this.#dispatch();
      if (this.#mainThread) void this.#drainOnMainThread();
    });
  }

  /** Terminates the workers; batches still running are rejected. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const error = new Error('BatchVerifier: closed while a batch was running');
    for (const chunk of this.#queue.slice(this.#queueHead)) this.#fail(chunk.job, error);
    this.#queue.length = 0;
    this.#queueHead = 0;
    const slots = this.#slots.splice(0);
    for (const slot of slots) {
      slot.dead = true;
      for (const chunk of slot.inFlight.values()) this.#fail(chunk.job, error);
      slot.inFlight.clear();
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  #takeChunk(): Chunk | undefined {
    while (this.#queueHead < this.#queue.length) {
      const chunk = this.#queue[this.#queueHead++];
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#queueHead);
        this.#queueHead = 0;
      }
      if (chunk !== undefined && !chunk.job.settled) return chunk;
    }
    this.#queue.length = 0;
    this.#queueHead = 0;
    return undefined;
  }

  #dispatch(): void {
    if (this.#closed) return;
    while (this.#slots.length < this.#workerCount) this.#slots.push(this.#spawn());
    // Breadth first: every worker gets a chunk before any gets a second one.
    for (let depth = 1; depth <= MAX_IN_FLIGHT; depth++) {
      for (const slot of this.#slots) {
        if (slot.inFlight.size >= depth) continue;
        const chunk = this.#takeChunk();
        if (chunk === undefined) return;
        let buf: ArrayBuffer;
        try {
          buf = packChunk(chunk.job.items, chunk.start, chunk.end);
        } catch (e) {
          // Only an item with a throwing getter gets here; it must not escape a message handler.
          this.#fail(chunk.job, new Error(`BatchVerifier: could not read an item: ${String(e)}`));
          continue;
        }
        const id = this.#nextId++;
        slot.inFlight.set(id, chunk);
        if (slot.inFlight.size === 1) slot.worker.ref();
        slot.worker.postMessage({ id, buf }, [buf]);
      }
    }
  }

  /** The calling thread takes chunks from the queue too, yielding between chunks. */
  async #drainOnMainThread(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (;;) {
        const chunk = this.#takeChunk();
        if (chunk === undefined) return;
        const { job, start, end } = chunk;
        for (let i = start; i < end; i++) job.results[i] = verifyItem(job.items[i]);
        this.#complete(job);
        await yieldToEventLoop();
      }
    } finally {
      this.#draining = false;
    }
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_URL, {
      workerData: { proofroomSigWorker: 1 },
      execArgv: [], // plain JavaScript: no loader needed, and none inherited from the parent
      name: 'proofroom-sig-verifier',
    });
    const slot: Slot = { worker, inFlight: new Map(), dead: false };
    worker.unref();
    worker.on('message', (msg: { id: number; verdicts?: Uint8Array; error?: string }) => {
      const chunk = slot.inFlight.get(msg.id);
      if (chunk === undefined) return;
      slot.inFlight.delete(msg.id);
      if (slot.inFlight.size === 0) worker.unref();
      if (msg.error !== undefined || msg.verdicts === undefined) {
        this.#fail(
          chunk.job,
          new Error(`BatchVerifier: a worker failed on a chunk: ${msg.error ?? 'no verdicts'}`)
        );
      } else {
        const { verdicts } = msg;
        const { job, start, end } = chunk;
        for (let i = start; i < end; i++) job.results[i] = verdicts[i - start] === 1;
        this.#complete(job);
      }
      this.#dispatch();
    });
    const onDeath = (reason: string): void => {
      if (slot.dead) return;
      slot.dead = true;
      const at = this.#slots.indexOf(slot);
      if (at >= 0) this.#slots.splice(at, 1);
      const error = new Error(`BatchVerifier: a worker thread died: ${reason}`);
      for (const chunk of slot.inFlight.values()) this.#fail(chunk.job, error);
      slot.inFlight.clear();
      void worker.terminate();
      this.#dispatch(); // a replacement takes the remaining chunks of other batches
    };
    worker.on('error', (e: Error) => onDeath(e.message));
    worker.on('messageerror', (e: Error) => onDeath(`message could not be read: ${e.message}`));
    worker.on('exit', (code: number) => onDeath(`exited with code ${code}`));
    return slot;
  }

  #complete(job: Job): void {
    if (job.settled) return;
    job.remaining--;
    if (job.remaining === 0) {
      job.settled = true;
      job.resolve(job.results);
    }
  }

  #fail(job: Job, error: Error): void {
    if (job.settled) return;
    job.settled = true;
    job.reject(error);
  }
}
