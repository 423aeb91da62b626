/**
 * Worker side of the receipt pool: parses bundle texts and verifies them with the Node signature
 * backend (with a grant memo, so a user's grant is checked once per worker, and an era memo, so
 * an era's subject is computed once per worker), then posts the receipts back.
 */
import { parentPort } from 'node:worker_threads';
import { parseBundle } from '../bundle.ts';
import type { ChainView, TrustRoots } from '../chain.ts';
import { type EraOutcome, type ReceiptPolicy, verifyBundle } from '../receipt.ts';
import type { Line } from '../lines.ts';
import { GrantMemo } from '../receipts/gar.ts';
import { nodeBackend } from './index.ts';
import type { PoolRequest, PoolResponse, PoolResult } from './receipt-pool.ts';

let grants: GrantMemo | null = null;
const eras = new Map<string, { lines: Line[]; outcome: EraOutcome }>();
/** Chain views shared by the bundles of one request stream (cleared when the trust changes). */
const views = new Map<string, ChainView>();

function verifyOne(
  text: string,
  policy: ReceiptPolicy,
  grantEntries: number,
  eraEntries: number,
  trust: TrustRoots
): PoolResult {
  const parsed = parseBundle(text);
  if (!parsed.ok) return { ok: false, errors: [...parsed.errors] };
  if (grantEntries > 0 && grants?.maxEntries !== grantEntries) grants = new GrantMemo(grantEntries);
  // The memo holds entries for the policy it was filled under only.
  if (eras.size > eraEntries) eras.clear();
  return {
    ok: true,
    receipt: verifyBundle(parsed.bundle, nodeBackend, policy, {
      memos: {
        ...(grantEntries > 0 && grants ? { grants } : {}),
        ...(eraEntries > 0 ? { eras } : {}),
      },
      trust,
      views,
    }),
  };
}

let policyKey = '';

function trustKey(t: TrustRoots): string {
  return JSON.stringify(t, (_k, v: unknown) =>
    typeof v === 'bigint'
      ? v.toString()
      : v instanceof Uint8Array
        ? Buffer.from(v).toString('hex')
        : v instanceof Map
          ? [...v.entries()]
          : v
  );
}

parentPort?.on('message', (req: PoolRequest) => {
  let res: PoolResponse;
  try {
    const key = JSON.stringify([req.policy, trustKey(req.trust)]);
    if (key !== policyKey) {
      eras.clear();
      views.clear();
      policyKey = key;
    }
    // Views grow with the blocks they hold: start afresh past 64 views or 20,000 headers.
    let headers = 0;
    for (const v of views.values()) headers += v.headers.size;
    if (views.size > 64 || headers > 20_000) views.clear();
    res = {
      id: req.id,
      results: req.texts.map((t) =>
        verifyOne(t, req.policy, req.grantMemo, req.eraMemo, req.trust)
      ),
    };
  } catch (e) {
    res = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(res);
});
