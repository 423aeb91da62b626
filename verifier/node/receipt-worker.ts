/**
 * Worker side of the receipt pool: parses bundle texts and verifies them with the Node signature
 * backend (behind a verdict cache, so a user's grant is checked once per worker), then posts the
 * receipts back.
 */
import { parentPort } from 'node:worker_threads';
import { parseBundle } from '../bundle.ts';
import { type ReceiptPolicy, verifyReceipt, verifyRecordSteps } from '../receipt.ts';
import { withVerdictCache } from '../signatures.ts';
import { nodeBackend } from './index.ts';
import type { PoolRequest, PoolResponse, PoolResult } from './receipt-pool.ts';

const backends = new Map<number, ReturnType<typeof withVerdictCache>>();

function verifyOne(
  text: string,
  policy: ReceiptPolicy,
  steps: 'all' | 'record',
  cache: number
): PoolResult {
  const parsed = parseBundle(text);
  if (!parsed.ok) return { ok: false, errors: [...parsed.errors] };
  let backend = backends.get(cache);
  if (!backend) {
    backend = cache > 0 ? withVerdictCache(nodeBackend, cache) : nodeBackend;
    backends.set(cache, backend);
  }
  if (steps === 'all') return { ok: true, receipt: verifyReceipt(parsed.bundle, backend, policy) };
  const own = verifyRecordSteps(parsed.bundle, backend, policy);
  const failed = own.lines.filter((l) => !l.ok).length;
  return {
    ok: true,
    receipt: {
      recordId: parsed.bundle.recordId,
      ok: failed === 0,
      passed: own.lines.length - failed,
      failed,
      lines: own.lines,
      policy,
      verifier: { version: '', backend: backend.name },
    },
  };
}

parentPort?.on('message', (req: PoolRequest) => {
  let res: PoolResponse;
  try {
    res = {
      id: req.id,
      results: req.texts.map((t) => verifyOne(t, req.policy, req.steps, req.verdictCache)),
    };
  } catch (e) {
    res = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(res);
});
