/**
 * Verifies fetched DAC batches on worker threads (indexer/batch-worker.ts): the indexer's main
 * thread keeps RPC, decoding and database writes, the workers do the hashing and signatures of
 * every record's `record` subject. The other subjects (links, anchor, era, settlement) need the
 * database and are computed in the write transaction.
 * @module
 */
import { availableParallelism } from 'node:os';
import type { RecordParties } from '../verifier/kinds.ts';
import { Worker } from 'node:worker_threads';
import type { VerificationLineInsert } from '../db/rows.ts';

/**
 * One verification line as a row: the `verification_line` row (db/rows.ts) without its subject
 * and block, which the subject that holds it supplies.
 */
export type LineRow = Omit<VerificationLineInsert, 'subject_kind' | 'subject_id' | 'block_height'>;

export interface BatchJob {
  readonly batchId: string;
  readonly clusterId: string;
  readonly era: number;
  readonly batchIndex: number;
  readonly recordFormat: number;
  readonly leafCount: number;
  readonly root: string;
  readonly payloadHash: string;
  readonly payload: Uint8Array;
  readonly url: string;
  /** The cluster's pricing as decimal strings, or null if the cluster is unknown. */
  readonly pricing: Readonly<Record<string, string>> | null;
}

export interface RecordRow {
  readonly id: string;
  readonly recordId: string;
  readonly leafIndex: number;
  readonly user: string | null;
  readonly agent: string | null;
  readonly customer: string | null;
  readonly provider: string | null;
  readonly node: string | null;
  readonly timestamp: number | null;
  readonly cost: string | null;
  readonly usage: string | null;
  readonly raw: Uint8Array;
  /** The record's MMR inclusion proof, its 32-byte items concatenated in proof order. */
  readonly proof: Uint8Array;
  /** The record's parties as the record subject read them (null: unreadable record). */
  readonly parties: RecordParties | null;
  /** The `record` subject's lines. */
  readonly lines: LineRow[];
}

export interface BatchOutcome {
  /** The `inclusion.payload` line: hash, framing, leaf count and root of the payload. */
  readonly payloadLine: LineRow;
  readonly ok: boolean;
  readonly records: RecordRow[];
}

/** @internal */
export type WorkerRequest = {
  readonly type: 'verify';
  readonly id: number;
  readonly job: BatchJob;
};
/** @internal */
export type WorkerResponse =
  | { readonly id: number; readonly outcome: BatchOutcome; readonly error?: undefined }
  | { readonly id: number; readonly error: string; readonly outcome?: undefined };

/** A worker thread exited or crashed; the batch it had is lost with it. */
export class WorkerDied extends Error {}

const BOOT = new URL('../verifier/node/ts-worker.mjs', import.meta.url);
const ENTRY = new URL(
  `./batch-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url
);

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (o: BatchOutcome) => void; reject: (e: Error) => void }>;
  load: number;
  dead: boolean;
}

export class BatchPool {
  readonly threads: number;
  private readonly slots: Slot[] = [];
  private nextId = 1;

  constructor(threads = availableParallelism()) {
    this.threads = Math.max(1, threads);
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(BOOT, {
        workerData: { proofroomEntry: ENTRY.href },
        resourceLimits: { maxYoungGenerationSizeMb: 96 },
        name: 'proofroom-batches',
      });
      const slot: Slot = { worker, pending: new Map(), load: 0, dead: false };
      worker.on('message', (msg: WorkerResponse) => {
        const p = slot.pending.get(msg.id);
        if (!p) return;
        slot.pending.delete(msg.id);
        slot.load--;
        if (msg.error !== undefined) p.reject(new Error(`batch worker: ${msg.error}`));
        else p.resolve(msg.outcome);
      });
      const die = (err: Error): void => {
        slot.dead = true;
        for (const p of slot.pending.values())
          p.reject(new WorkerDied(`batch worker died: ${err.message}`));
        slot.pending.clear();
      };
      worker.on('error', die);
      worker.on('exit', (code) => die(new Error(`exit code ${code}`)));
      this.slots.push(slot);
    }
  }

  verify(job: BatchJob): Promise<BatchOutcome> {
    const live = this.slots.filter((s) => !s.dead);
    if (live.length === 0) return Promise.reject(new WorkerDied('batch pool: every worker died'));
    const slot = live.reduce((a, b) => (b.load < a.load ? b : a));
    const id = this.nextId++;
    slot.load++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ type: 'verify', id, job } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
