/**
 * Re-verification of receipt bundles in the browser: parse each bundle text, run the verifier's
 * receipt pipeline with the signature cache of `backend.ts`, and report every line. Nothing the API
 * concluded is read: the input is the bundle's data (signed objects, proofs, chain facts).
 * @module
 */
import { parseBundle } from '../../../verifier/bundle.ts';
import type { ChainView, TrustRoots } from '../../../verifier/chain.ts';
import {
  type BundleReport,
  DEFAULT_POLICY,
  type ReceiptPolicy,
  verifyBundle,
} from '../../../verifier/receipt.ts';
import { SignatureCache, webCryptoEd25519 } from './backend.ts';

export type VerifyOutcome =
  | { readonly index: number; readonly ok: boolean; readonly receipt: BundleReport }
  | { readonly index: number; readonly ok: false; readonly malformed: readonly string[] };

export interface VerifyRun {
  readonly outcomes: VerifyOutcome[];
  readonly backend: string;
  readonly counts: SignatureCache['counts'];
  /** Milliseconds spent parsing, in the optimistic pass, settling signatures, and re-running. */
  readonly timings: { parse: number; pass: number; signatures: number; rerun: number };
  readonly reruns: number;
}

export interface VerifyOptions {
  readonly policy?: ReceiptPolicy;
  /** Use WebCrypto Ed25519 when the browser has it (default true). */
  readonly webCrypto?: boolean;
  /** What the user trusts (a node's answers, pins, an authority set); none: not pinned. */
  readonly trust?: TrustRoots;
}

/** Verifies bundle texts; never throws on any input text. */
export async function verifyBundleTexts(
  texts: readonly string[],
  options: VerifyOptions = {}
): Promise<VerifyRun> {
  const policy = options.policy ?? DEFAULT_POLICY;
  const useWebCrypto = options.webCrypto !== false && (await webCryptoEd25519());
  const cache = new SignatureCache(useWebCrypto);
  const timings = { parse: 0, pass: 0, signatures: 0, rerun: 0 };

  let t = performance.now();
  const parsed = texts.map((text) => parseBundle(text));
  timings.parse = performance.now() - t;

  const trust = options.trust ?? {};
  t = performance.now();
  // The receipts of one era share their blocks: one chain view checks each header, read and
  // justification once. Its signatures are recorded apart: if one of them fails, every receipt
  // that used the view is checked again.
  const viewSeen = new Set<string>();
  const views = new Map<string, ChainView>();
  const first: Array<{ receipt: BundleReport; seen: Set<string> } | null> = parsed.map((p) => {
    if (!p.ok) return null;
    const seen = new Set<string>();
    return {
      receipt: verifyBundle(p.bundle, cache.recorder(seen), policy, {
        trust,
        views,
        viewBackend: cache.recorder(viewSeen),
      }),
      seen,
    };
  });
  timings.pass = performance.now() - t;

  t = performance.now();
  await cache.settle();
  timings.signatures = performance.now() - t;

  t = performance.now();
  const answers = cache.answers();
  let reruns = 0;
  const viewsTrue = [...viewSeen].every((k) => cache.verdict(k) === true);
  const rerunViews = new Map<string, ChainView>();
  const outcomes = parsed.map((p, index): VerifyOutcome => {
    if (!p.ok) return { index, ok: false, malformed: p.errors };
    const f = first[index]!;
    const allTrue =
      [...f.seen].every((k) => cache.verdict(k) === true) && (viewsTrue || !p.bundle.proofs);
    let receipt: BundleReport;
    if (allTrue) {
      receipt = { ...f.receipt, verifier: { ...f.receipt.verifier, backend: answers.name } };
    } else {
      reruns++;
      receipt = verifyBundle(p.bundle, answers, policy, { trust, views: rerunViews });
    }
    return { index, ok: receipt.ok, receipt };
  });
  timings.rerun = performance.now() - t;
  return { outcomes, backend: answers.name, counts: cache.counts, timings, reruns };
}
