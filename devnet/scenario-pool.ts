/**
 * Builds scenario batches on worker threads (devnet/scenario-worker.ts): each worker derives the
 * plan's identities once, then takes chunks of batch tasks; outputs come back in task order and
 * are byte for byte those of `buildBatch` in the calling thread.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { BatchOutput, BatchTask, RecordPlan } from './scenario-records.ts';

/** @internal message to a worker */
export interface BatchRequest {
  readonly id: number;
  /** null: finish (close files) and answer with no outputs. */
  readonly tasks: readonly BatchTask[] | null;
}
/** @internal message from a worker */
export type BatchResponse =
  | { readonly id: number; readonly outputs: BatchOutput[]; readonly error?: undefined }
  | { readonly id: number; readonly error: string; readonly outputs?: undefined };

const BOOT = new URL('../verifier/node/ts-worker.mjs', import.meta.url);
const ENTRY = new URL(
  `./scenario-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url
);
/** Chunks in flight per worker: one being built, one waiting, so a worker never idles. */
const IN_FLIGHT = 2;

interface Slot {
  readonly worker: Worker;
  readonly inFlight: Set<number>;
}

export class BatchPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private failed: Error | null = null;
  private readonly pending = new Map<
    number,
    { resolve: (o: BatchOutput[]) => void; reject: (e: Error) => void }
  >();
  private readonly idle: Array<() => void> = [];
  private closed = false;

  constructor(
    plan: RecordPlan,
    readonly threads: number,
    /** Records per message to a worker. */
    private readonly chunkRecords = 256
  ) {
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError('BatchPool: threads must be >= 1');
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(BOOT, {
        workerData: { proofroomEntry: ENTRY.href, plan },
        // Records are many short-lived objects; of the young generation sizes measured (4 to 192
        // MB), 16 MB built fastest.
        resourceLimits: { maxYoungGenerationSizeMb: 16 },
        name: 'proofroom-scenario',
      });
      const slot: Slot = { worker, inFlight: new Set() };
      worker.on('message', (msg: BatchResponse) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        slot.inFlight.delete(msg.id);
        if (msg.error !== undefined) this.fail(new Error(`scenario worker failed: ${msg.error}`));
        else p.resolve(msg.outputs);
        this.wake();
      });
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`scenario worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  private fail(e: Error): void {
    if (!this.failed) this.failed = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.wake();
  }

  private wake(): void {
    for (const f of this.idle.splice(0)) f();
  }

  /** A worker with room for another chunk (waits for one). */
  private async freeSlot(): Promise<Slot> {
    for (;;) {
      if (this.failed) throw this.failed;
      let best: Slot | null = null;
      for (const s of this.slots)
        if (s.inFlight.size < IN_FLIGHT && (!best || s.inFlight.size < best.inFlight.size))
          best = s;
      if (best) return best;
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  private send(slot: Slot, tasks: readonly BatchTask[] | null): Promise<BatchOutput[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.inFlight.add(id);
      const req: BatchRequest = { id, tasks };
      slot.worker.postMessage(req);
    });
  }

  /** Builds the batches of `tasks`; outputs in task order. */
  async run(tasks: readonly BatchTask[]): Promise<BatchOutput[]> {
    if (this.closed) throw new Error('BatchPool: closed');
    const chunks: Array<Promise<BatchOutput[]>> = [];
    for (let k = 0; k < tasks.length;) {
      let records = 0;
      let end = k;
      while (end < tasks.length && (end === k || records < this.chunkRecords)) {
        records += tasks[end]!.to - tasks[end]!.from;
        end++;
      }
      const slot = await this.freeSlot();
      const chunk = this.send(slot, tasks.slice(k, end));
      // Failures surface from Promise.all below; keep them from being reported as unhandled.
      chunk.catch(() => undefined);
      chunks.push(chunk);
      k = end;
    }
    return (await Promise.all(chunks)).flat();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let each worker close its files first (a worker that failed may not answer).
    if (!this.failed)
      await Promise.all(this.slots.map((s) => this.send(s, null).catch(() => undefined)));
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
