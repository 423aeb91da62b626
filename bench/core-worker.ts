/** Benchmark worker: verifies receipt cores (bench/receipt-core.ts) for the main thread. */
import { parentPort } from 'node:worker_threads';
import { nodeBackend } from '../verifier/node/index.ts';
import { GrantMemo } from '../verifier/receipts/gar.ts';
import { type CoreInput, verifyCore } from './receipt-core.ts';

let inputs: CoreInput[] = [];

parentPort!.on(
  'message',
  (msg: { inputs?: CoreInput[]; run?: { from: number; to: number; ms: number } }) => {
    if (msg.inputs) {
      inputs = msg.inputs;
      parentPort!.postMessage({ loaded: inputs.length });
      return;
    }
    // Loops over its share until the time budget is spent, so no worker waits for another.
    const { from, to, ms } = msg.run!;
    let done = 0;
    let failed = 0;
    const start = performance.now();
    let elapsed: number;
    do {
      // A fresh grant memo per pass: a pass is one era seen once, so only genuine repeats (a
      // user's grant across that user's records) are answered from memory.
      const memo = new GrantMemo();
      for (let i = from; i < to; i++) failed += verifyCore(inputs[i]!, nodeBackend, memo);
      done += to - from;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    parentPort!.postMessage({ done, failed, elapsed });
  }
);
