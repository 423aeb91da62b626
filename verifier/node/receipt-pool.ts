/**
 * Verifies many receipt bundles on all cores: a pool of worker threads, each running the whole
 * receipt pipeline with the Node signature backend. Bundles travel as JSON text (strings cross
 * threads cheaply) in chunks; results come back in input order. Verdicts are those of
 * `verifyReceipt`, line for line.
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TrustRoots } from '../chain.ts';
import { type BundleReport, DEFAULT_POLICY, type ReceiptPolicy } from '../receipt.ts';

export type PoolResult =
  | { readonly ok: true; readonly receipt: BundleReport }
  | { readonly ok: false; readonly errors: readonly string[] };

/** @internal message to a worker */
export interface PoolRequest {
  readonly id: number;
  readonly texts: readonly string[];
  readonly policy: ReceiptPolicy;
  readonly grantMemo: number;
  readonly eraMemo: number;
  readonly trust: TrustRoots;
}
/** @internal message from a worker */
export type PoolResponse =
  | { readonly id: number; readonly results: PoolResult[]; readonly error?: undefined }
  | { readonly id: number; readonly error: string; readonly results?: undefined };

export interface ReceiptPoolOptions {
  /** Worker threads. Default: the number of cores. */
  readonly threads?: number;
  /** Bundles per message to a worker. Default 32. */
  readonly chunkSize?: number;
  readonly policy?: ReceiptPolicy;
  /** Grant versions each worker remembers (GrantMemo); 0 disables the memo. Default 10,000. */
  readonly grantMemo?: number;
  /**
   * Era subjects each worker remembers, keyed by the bundles' exact era inputs (receipts of one
   * era share them, so an era is checked once per worker); 0 disables it. Default 64.
   */
  readonly eraMemo?: number;
  /** What the user trusts (verifier/chain.ts); default none: proofs are checked, not pinned. */
  readonly trust?: TrustRoots;
}

interface Pending {
  readonly resolve: (r: PoolResult[]) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly inFlight: Map<number, Pending>;
  dead: boolean;
}

const BOOT = new URL('./ts-worker.mjs', import.meta.url);
const ENTRY = new URL(
  `./receipt-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url
);

export class ReceiptPool {
  readonly threads: number;
  private readonly slots: Slot[] = [];
  private readonly chunkSize: number;
  private readonly policy: ReceiptPolicy;
  private readonly trust: TrustRoots;
  private readonly grantMemo: number;
  private readonly eraMemo: number;
  private nextId = 1;
  private closed = false;

  constructor(opts: ReceiptPoolOptions = {}) {
    this.threads = opts.threads ?? availableParallelism();
    if (!Number.isInteger(this.threads) || this.threads < 1)
      throw new RangeError('ReceiptPool: threads must be >= 1');
    this.chunkSize = Math.max(1, opts.chunkSize ?? 32);
    this.policy = opts.policy ?? DEFAULT_POLICY;
    this.trust = opts.trust ?? {};
    this.grantMemo = opts.grantMemo ?? 10_000;
    this.eraMemo = opts.eraMemo ?? 64;
  }

  private start(): void {
    if (this.slots.length > 0) return;
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(BOOT, {
        workerData: { proofroomEntry: ENTRY.href },
        // Receipts allocate many short-lived objects; a larger young generation means fewer scavenges.
        resourceLimits: { maxYoungGenerationSizeMb: 96 },
        name: 'proofroom-receipts',
      });
      const slot: Slot = { worker, inFlight: new Map(), dead: false };
      worker.unref();
      worker.on('message', (msg: PoolResponse) => {
        const p = slot.inFlight.get(msg.id);
        if (!p) return;
        slot.inFlight.delete(msg.id);
        if (slot.inFlight.size === 0) worker.unref();
        if (msg.error !== undefined)
          p.reject(new Error(`ReceiptPool: worker failed: ${msg.error}`));
        else p.resolve(msg.results);
      });
      const die = (err: Error): void => {
        slot.dead = true;
        for (const p of slot.inFlight.values())
          p.reject(new Error(`ReceiptPool: a worker thread died: ${err.message}`));
        slot.inFlight.clear();
      };
      worker.on('error', die);
      worker.on('exit', (code) => die(new Error(`exit code ${code}`)));
      this.slots.push(slot);
    }
  }

  private send(texts: readonly string[]): Promise<PoolResult[]> {
    // Least-loaded live worker; chunks are small, so this balances well without a queue.
    const live = this.slots.filter((s) => !s.dead);
    if (live.length === 0)
      return Promise.reject(new Error('ReceiptPool: every worker thread died'));
    const slot = live.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.inFlight.set(id, { resolve, reject });
      slot.worker.ref();
      const req: PoolRequest = {
        id,
        texts,
        policy: this.policy,
        trust: this.trust,
        eraMemo: this.eraMemo,
        grantMemo: this.grantMemo,
      };
      slot.worker.postMessage(req);
    });
  }

  /** Verifies bundle texts; a malformed bundle gives `{ ok: false, errors }` in its place. */
  async verify(texts: readonly string[]): Promise<PoolResult[]> {
    if (this.closed) throw new Error('ReceiptPool: closed');
    this.start();
    const chunks: Array<Promise<PoolResult[]>> = [];
    for (let i = 0; i < texts.length; i += this.chunkSize)
      chunks.push(this.send(texts.slice(i, i + this.chunkSize)));
    return (await Promise.all(chunks)).flat();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
