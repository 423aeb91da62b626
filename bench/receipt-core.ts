/**
 * The receipt core the target names: "3 signatures + 1 MMR proof + grant check". Input is
 * what arrives per record: the record's JSON text (as in a batch payload), the grant's signed
 * versions (wire form) and the inclusion proof. Work: strict JSON parse, record shape, grant
 * (signature, parties, status at the record's time, scope), the record id, 3 role signatures and
 * the MMR inclusion proof. Shared by the benchmark's main thread and its worker threads.
 */
import { parseHex } from '../verifier/bytes.ts';
import type { ReceiptBundleJson } from '../verifier/bundle.ts';
import { parseJson } from '../verifier/json.ts';
import { checkInclusion } from '../verifier/receipts/dac-batch.ts';
import { checkGrant, type GrantInput, type GrantMemo } from '../verifier/receipts/gar.ts';
import { checkScpRecord, parseScpRecord, scpRecordLeaf } from '../verifier/receipts/scp-record.ts';
import type { SignatureBackend } from '../verifier/signatures.ts';

export interface CoreInput {
  readonly record: string;
  readonly grants: readonly GrantInput[];
  readonly leafIndex: number;
  readonly leafCount: number;
  readonly proof: readonly string[];
  readonly root: string;
}

/** Returns the number of failed lines (0 for an honest receipt). */
export function verifyCore(input: CoreInput, backend: SignatureBackend, memo?: GrantMemo): number {
  const json = parseJson(input.record);
  if (!json.ok) return 1;
  const rec = parseScpRecord(json.value);
  if (!rec.ok) return 1;
  const r = rec.value;
  const lines = [
    ...checkGrant(
      // Anchors are not part of the core's input: grant.anchored waits (not counted below).
      { versions: input.grants, anchors: [], anchorKey: null, complete: true },
      { user: r.user, agent: r.agent, scope: r.scope, at: r.timestamp },
      backend,
      memo
    ),
    ...checkScpRecord(r, backend),
    checkInclusion(scpRecordLeaf(r.object), {
      leafIndex: input.leafIndex,
      leafCount: input.leafCount,
      proof: input.proof.map((p) => parseHex(p, 32) ?? new Uint8Array(0)),
      root: parseHex(input.root, 32) ?? new Uint8Array(0),
    }),
  ];
  return lines.filter((l) => l.status === 'fail').length;
}

/** Cuts a bundle (as the scenario builds it) down to the core input. */
export function coreInputOf(b: ReceiptBundleJson): CoreInput {
  return {
    record: JSON.stringify(b.record),
    grants: b.grant.versions as GrantInput[],
    leafIndex: b.inclusion.leafIndex,
    leafCount: b.inclusion.leafCount,
    proof: [...b.inclusion.proof],
    root: b.inclusion.root,
  };
}
