/**
 * Worker side of the receipt pool: parses bundle texts and verifies them with the Node signature
 * backend (with a grant memo, so a user's grant is checked once per worker), then posts the
 * receipts back.
 */
import { parentPort } from 'node:worker_threads';
import { parseBundle } from '../bundle.ts';
import {
  type ReceiptPolicy,
  VERIFIER_VERSION,
  verifyReceipt,
  verifyRecordSteps,
} from '../receipt.ts';
import { GrantMemo } from '../receipts/gar.ts';
import { nodeBackend } from './index.ts';
import type { PoolRequest, PoolResponse, PoolResult } from './receipt-pool.ts';

let memo: GrantMemo | null = null;

function verifyOne(
  text: string,
  policy: ReceiptPolicy,
  steps: 'all' | 'record',
  memoEntries: number
): PoolResult {
  const parsed = parseBundle(text);
  if (!parsed.ok) return { ok: false, errors: [...parsed.errors] };
  if (memoEntries > 0 && memo?.maxEntries !== memoEntries) memo = new GrantMemo(memoEntries);
  const grants = memoEntries > 0 ? (memo ?? undefined) : undefined;
  const backend = nodeBackend;
  if (steps === 'all')
    return { ok: true, receipt: verifyReceipt(parsed.bundle, backend, policy, grants) };
  const own = verifyRecordSteps(parsed.bundle, backend, policy, grants);
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
      verifier: { version: VERIFIER_VERSION, backend: backend.name },
    },
  };
}

parentPort?.on('message', (req: PoolRequest) => {
  let res: PoolResponse;
  try {
    res = {
      id: req.id,
      results: req.texts.map((t) => verifyOne(t, req.policy, req.steps, req.grantMemo)),
    };
  } catch (e) {
    res = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(res);
});
