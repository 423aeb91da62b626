/**
 * Worker side of the scenario's batch pool (devnet/scenario-pool.ts): builds the identities of the
 * plan it was started with once, then builds the batches it is sent and posts them back (payload
 * buffers are transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchRequest, BatchResponse } from './scenario-pool.ts';
import {
  type BatchOutput,
  PackWriter,
  type RecordPlan,
  buildBatch,
  recordWorld,
} from './scenario-records.ts';

const plan = (workerData as { plan: RecordPlan }).plan;
const world = recordWorld(plan);
const pack = plan.payloadDir === null ? null : new PackWriter(plan);

parentPort?.on('message', (req: BatchRequest) => {
  let res: BatchResponse;
  const transfer: ArrayBuffer[] = [];
  if (req.tasks === null) {
    // Closing: worker threads share the process's file descriptors, so close ours.
    pack?.close();
    parentPort!.postMessage({ id: req.id, outputs: [] } satisfies BatchResponse);
    return;
  }
  try {
    const outputs: BatchOutput[] = req.tasks.map((t) => buildBatch(world, t, pack));
    for (const o of outputs) {
      // Each of these owns its whole buffer (fresh allocations), so transferring moves only it.
      for (const a of [o.payload, o.ids, o.costs])
        if (a && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength)
          transfer.push(a.buffer as ArrayBuffer);
    }
    res = { id: req.id, outputs };
  } catch (e) {
    res = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    transfer.length = 0;
  }
  parentPort!.postMessage(res, transfer);
});
