/** Benchmark worker: verifies receipt cores (bench/receipt-core.ts) for the main thread. */
import { parentPort } from 'node:worker_threads';
import { nodeBackend } from '../verifier/node/index.ts';
import { withVerdictCache } from '../verifier/signatures.ts';
import { type CoreInput, verifyCore } from './receipt-core.ts';

let inputs: CoreInput[] = [];

parentPort!.on('message', (msg: { inputs?: CoreInput[]; run?: { from: number; to: number } }) => {
  if (msg.inputs) {
    inputs = msg.inputs;
    parentPort!.postMessage({ loaded: inputs.length });
    return;
  }
  const { from, to } = msg.run!;
  // A fresh verdict cache per pass: a pass is one era seen once, so only genuine repeats (a
  // user's grant across that user's records) are answered from memory.
  const backend = withVerdictCache(nodeBackend);
  let failed = 0;
  for (let i = from; i < to; i++) failed += verifyCore(inputs[i]!, backend);
  parentPort!.postMessage({ done: to - from, failed });
});
