/**
 * A pool of verification workers. Large batches are split into one contiguous slice per worker;
 * the results come back in input order with the wall time measured on the page.
 * @module
 */
import type { VerifyOptions, VerifyOutcome, VerifyRun } from './run.ts';
import type { VerifyRequest } from './worker.ts';

export interface PoolRun {
  readonly outcomes: VerifyOutcome[];
  readonly backend: string;
  readonly workers: number;
  readonly reruns: number;
  readonly counts: VerifyRun['counts'];
  /** Per worker: milliseconds parsing, in the optimistic pass, settling signatures, re-running. */
  readonly timings: Array<VerifyRun['timings']>;
  /** Wall time on the page, from the call to the last answer. */
  readonly ms: number;
}

type Pending = { resolve: (run: VerifyRun) => void; reject: (err: Error) => void };

export class VerifyPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(readonly size = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2))) {}

  private worker(i: number): Worker {
    let w = this.workers[i];
    if (!w) {
      w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
      w.onmessage = (e: MessageEvent<{ id: number; run?: VerifyRun; error?: string }>) => {
        const p = this.pending.get(e.data.id);
        if (!p) return;
        this.pending.delete(e.data.id);
        if (e.data.run) p.resolve(e.data.run);
        else p.reject(new Error(e.data.error ?? 'the verification worker failed'));
      };
      w.onerror = (e) => {
        for (const [id, p] of this.pending) {
          p.reject(new Error(e.message || 'the verification worker could not start'));
          this.pending.delete(id);
        }
      };
      this.workers[i] = w;
    }
    return w;
  }

  private run(i: number, texts: readonly string[], options: VerifyOptions): Promise<VerifyRun> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const msg: VerifyRequest = { id, texts, options };
      this.worker(i).postMessage(msg);
    });
  }

  /** Verifies bundle texts across the pool (one worker for small batches). */
  async verify(texts: readonly string[], options: VerifyOptions = {}): Promise<PoolRun> {
    const t0 = performance.now();
    const n = texts.length < 16 ? 1 : this.size;
    const per = Math.ceil(texts.length / n);
    const slices = Array.from({ length: n }, (_, i) => texts.slice(i * per, (i + 1) * per));
    const runs = await Promise.all(slices.map((s, i) => this.run(i, s, options)));
    const outcomes: VerifyOutcome[] = [];
    runs.forEach((r, i) => {
      for (const o of r.outcomes) outcomes.push({ ...o, index: o.index + i * per });
    });
    const counts = { webCrypto: 0, pureEd25519: 0, sr25519: 0, fallbackAfterStrictReject: 0 };
    for (const r of runs)
      for (const k of Object.keys(counts) as Array<keyof typeof counts>) counts[k] += r.counts[k];
    return {
      outcomes,
      backend: runs[0]?.backend ?? '',
      workers: n,
      reruns: runs.reduce((a, r) => a + r.reruns, 0),
      counts,
      timings: runs.map((r) => r.timings),
      ms: performance.now() - t0,
    };
  }

  /** Starts every worker and loads the verifier in it (and probes WebCrypto), ahead of a check. */
  warm(workers = this.size): void {
    for (let i = 0; i < Math.min(workers, this.size); i++) void this.run(i, [], {}).catch(() => {});
  }

  close(): void {
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}

let shared: VerifyPool | undefined;
/** The page's pool, created on first use. */
export function verifyPool(): VerifyPool {
  shared ??= new VerifyPool();
  return shared;
}
