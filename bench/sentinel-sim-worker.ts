/**
 * Benchmark worker for the sentinel suite's simulation: draws samples with the sentinel's own
 * `drawSample` under fresh random seeds and counts, for each sample size, the draws that include a
 * leaf of the faulted batch. The sample of size n is the first n of the largest one (the n smallest
 * ranks, smallest first), so one draw answers every size.
 */
import { randomBytes } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { type BatchLeaves, drawSample } from '../sentinel/sampling.ts';

export interface SimTask {
  readonly batches: readonly BatchLeaves[];
  readonly badBatchId: string;
  /** Sample sizes to answer for. */
  readonly sizes: readonly number[];
  readonly trials: number;
}

export interface SimResult {
  /** Per size: draws with at least one leaf of the faulted batch. */
  readonly hits: number[];
  readonly trials: number;
  readonly ms: number;
}

parentPort!.on('message', (task: SimTask) => {
  const t0 = performance.now();
  const largest = Math.max(...task.sizes);
  const hits = task.sizes.map(() => 0);
  for (let t = 0; t < task.trials; t++) {
    const sample = drawSample(new Uint8Array(randomBytes(32)), task.batches, largest);
    // The position of the first faulted leaf: a sample of size n catches it when n is larger.
    const first = sample.findIndex((s) => s.batchId === task.badBatchId);
    if (first < 0) continue;
    task.sizes.forEach((n, i) => {
      if (first < n) hits[i]!++;
    });
  }
  const result: SimResult = { hits, trials: task.trials, ms: performance.now() - t0 };
  parentPort!.postMessage(result);
});
