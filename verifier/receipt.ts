/**
 * The receipt pipeline: the chain of evidence of one activity record, checked line by line in the
 * fixed order of DESIGN.md (grant, record, inclusion, anchor, attestation, settlement,
 * conservation). Time, keys and policy are arguments; the bundle supplies data, never policy.
 * @module
 */
import { equalBytes, toHex } from './bytes.ts';
import type { ReceiptBundle } from './bundle.ts';
import { blake2b256 } from './hash.ts';
import { canonicalBytes } from './jcs.ts';
import { isObject } from './json.ts';
import { type Line, STEPS, fail, verdict } from './lines.ts';
import type { QuorumRule } from './quorum.ts';
import {
  type AnchorInput,
  type InclusionInput,
  checkAnchor,
  checkInclusion,
} from './receipts/dac-batch.ts';
import { checkDecodedDacRecord, decodeActivityRecord } from './receipts/dac-record.ts';
import { type GrantInput, type GrantMemo, checkGrant } from './receipts/gar.ts';
import { checkAttestation } from './receipts/attestation.ts';
import { checkConservation, checkSettlement } from './receipts/payout.ts';
import {
  DEFAULT_REQUIRED_ROLES,
  type ScpRecord,
  checkScpRecord,
  parseScpRecord,
  scpRecordLeaf,
} from './receipts/scp-record.ts';
import type { SignatureBackend } from './signatures.ts';

export const VERIFIER_VERSION = '0.1.0';

export interface ReceiptPolicy {
  /** Quorum rule for attestation rounds. Default `cere67` (the chain's own rule). */
  readonly quorumRule: QuorumRule;
  /** Roles whose signature every record must carry. Default agent, orchestrator, node. */
  readonly requiredRoles: readonly string[];
  /** Whether the anchoring block must be finalized. Default true. */
  readonly requireFinality: boolean;
}

export const DEFAULT_POLICY: ReceiptPolicy = Object.freeze({
  quorumRule: 'cere67',
  requiredRoles: DEFAULT_REQUIRED_ROLES,
  requireFinality: true,
});

export interface Receipt {
  readonly recordId: string;
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly lines: readonly Line[];
  readonly policy: ReceiptPolicy;
  readonly verifier: { readonly version: string; readonly backend: string };
}

/** The record's leaf: blake2b256 of the JCS form of the whole record; null if not JSON-canonical. */
function leafOf(record: unknown): Uint8Array | null {
  try {
    return isObject(record) ? scpRecordLeaf(record) : blake2b256(canonicalBytes(record));
  } catch {
    return null;
  }
}

/** Lines binding the Cere DAC protobuf record to the SCP record's parties. */
function dacLines(rec: ScpRecord, backend: SignatureBackend): Line[] {
  if (!rec.dac) return [];
  const d = decodeActivityRecord(rec.dac);
  const lines = checkDecodedDacRecord(d, rec.dac.length, backend).map((l) => ({
    ...l,
    check: l.check.replace(/^record\./, 'record.dac.'),
  }));
  if (!d.ok) return lines;
  const nodeSigner = d.value.signature?.signer ?? null;
  const clientSigner = d.value.upstream?.request?.signature?.signer ?? null;
  const nodeOk = nodeSigner !== null && equalBytes(nodeSigner, rec.node);
  const clientOk = clientSigner !== null && equalBytes(clientSigner, rec.agent);
  lines.push(
    verdict(
      nodeOk && clientOk,
      {
        step: 'record',
        check: 'record.dac.binding',
        rule: 'scp-v0:dac-binding',
        facts: {
          expectedNode: toHex(rec.node),
          dacNodeSigner: nodeSigner ? toHex(nodeSigner) : null,
          expectedClient: toHex(rec.agent),
          dacClientSigner: clientSigner ? toHex(clientSigner) : null,
        },
      },
      'SIGNER_MISMATCH'
    )
  );
  return lines;
}

/** The line a step gives when the record it needs could not be read. */
function unreadable(step: 'grant' | 'settlement', check: string, rule: string): Line {
  return fail({ step, check, rule, facts: { reason: 'record unreadable' } }, 'MALFORMED');
}

/** What the record's own steps read of a bundle: a `ReceiptBundle`, or plain objects. */
export interface RecordStepsInput {
  readonly recordId: string;
  readonly grant: { readonly versions: readonly GrantInput[] };
  /** The SCP activity record object as signed. */
  readonly record: unknown;
  readonly inclusion: InclusionInput;
}

/**
 * Steps 1-3, the lines of the record itself: grant, record, inclusion of its leaf in the batch
 * root. Returns the parsed record (null when unreadable) for the anchor and era steps.
 */
export function verifyRecordOwnSteps(
  input: RecordStepsInput,
  backend: SignatureBackend,
  policy: ReceiptPolicy = DEFAULT_POLICY,
  grantMemo?: GrantMemo
): { lines: Line[]; record: ScpRecord | null } {
  const lines: Line[] = [];
  const rec = parseScpRecord(input.record);

  // 1. Grant, at the record's time, for the record's user, agent and scope.
  if (rec.ok) {
    const r = rec.value;
    lines.push(
      ...checkGrant(
        input.grant.versions,
        { user: r.user, agent: r.agent, scope: r.scope, at: r.timestamp },
        backend,
        grantMemo
      )
    );
  } else {
    lines.push(unreadable('grant', 'grant.parties', 'cere:gar-status'));
  }

  // 2. Record signatures (and the Cere DAC record behind it, if carried).
  if (rec.ok) {
    lines.push(
      verdict(
        rec.value.recordId === input.recordId,
        {
          step: 'record',
          check: 'record.requested',
          rule: 'proofroom:bundle',
          facts: { requested: input.recordId, record: rec.value.recordId },
        },
        'RECORD_ID_MISMATCH'
      )
    );
    lines.push(...checkScpRecord(rec.value, backend, { requiredRoles: policy.requiredRoles }));
    lines.push(...dacLines(rec.value, backend));
  } else {
    lines.push(
      fail(
        { step: 'record', check: 'record.decode', rule: 'scp-v0:jcs-record', facts: rec.facts },
        rec.code
      )
    );
  }

  // 3. Inclusion of the record's leaf in its batch root.
  const leaf = leafOf(input.record);
  lines.push(
    leaf
      ? checkInclusion(leaf, input.inclusion)
      : fail(
          { step: 'inclusion', check: 'inclusion.mmr', rule: 'scp-v0:dac-batch-mmr' },
          'BAD_ENCODING'
        )
  );
  return { lines, record: rec.ok ? rec.value : null };
}

/** Which batch an anchor must commit: its root and size, and the record's cluster and era. */
export interface AnchorExpectation {
  readonly root: Uint8Array;
  readonly leafCount: number;
  readonly batchIndex: number;
  readonly clusterId: Uint8Array;
  readonly era: number;
}

/** Step 4, the anchor of the batch root on chain, in a final block (when the policy says so). */
export function verifyAnchorStep(
  anchor: AnchorInput,
  expect: AnchorExpectation,
  policy: ReceiptPolicy = DEFAULT_POLICY
): Line[] {
  return checkAnchor(anchor, expect, policy.requireFinality).lines;
}

/**
 * Steps 1-4, the lines that belong to the record itself: grant, record, inclusion, anchor.
 * Returns the parsed record (null when unreadable) for the era steps.
 */
export function verifyRecordSteps(
  bundle: ReceiptBundle,
  backend: SignatureBackend,
  policy: ReceiptPolicy = DEFAULT_POLICY,
  grantMemo?: GrantMemo
): { lines: Line[]; record: ScpRecord | null } {
  const own = verifyRecordOwnSteps(bundle, backend, policy, grantMemo);
  const rec = own.record;
  const anchor = verifyAnchorStep(
    bundle.anchor,
    {
      root: bundle.inclusion.root,
      leafCount: bundle.inclusion.leafCount,
      batchIndex: bundle.inclusion.batchIndex,
      clusterId: rec ? rec.clusterId : bundle.attestation.clusterId,
      era: rec ? rec.era : bundle.attestation.era,
    },
    policy
  );
  own.lines.push(...anchor);
  return own;
}

/**
 * Steps 5-7, the lines of the record's era: attestation, settlement of the record's customer and
 * provider, conservation. They are the same for every record of an era with the same parties, so
 * a caller that verifies a whole era may compute them once.
 */
export function verifyEraSteps(
  bundle: ReceiptBundle,
  record: ScpRecord | null,
  policy: ReceiptPolicy = DEFAULT_POLICY
): Line[] {
  const lines: Line[] = [];
  const clusterId = record ? record.clusterId : bundle.attestation.clusterId;
  const era = record ? record.era : bundle.attestation.era;

  // 5. Attestation of the era (quorum, and roots recomputed from the activity).
  const att = checkAttestation(bundle.attestation, { clusterId, era }, policy.quorumRule);
  lines.push(...att.lines);

  // 6. Settlement against the attested roots; 7. conservation of the era's amounts.
  if (record) {
    lines.push(
      ...checkSettlement(bundle.settlement, att, {
        customer: record.customer,
        provider: record.provider,
      })
    );
  } else {
    lines.push(unreadable('settlement', 'settlement.parties', 'cere:payout-mmr-ckb-0.8.1'));
  }
  lines.push(...checkConservation(bundle.conservation));
  return lines;
}

/**
 * Checks every line of a parsed bundle. Never throws on any bundle `parseBundle` accepted.
 * `grantMemo` lets a caller verifying many receipts check each grant version once.
 */
export function verifyReceipt(
  bundle: ReceiptBundle,
  backend: SignatureBackend,
  policy: ReceiptPolicy = DEFAULT_POLICY,
  grantMemo?: GrantMemo
): Receipt {
  const own = verifyRecordSteps(bundle, backend, policy, grantMemo);
  const lines = [...own.lines, ...verifyEraSteps(bundle, own.record, policy)];
  const ordered = lines
    .map((l, i) => ({ l, i }))
    .sort((a, b) => STEPS.indexOf(a.l.step) - STEPS.indexOf(b.l.step) || a.i - b.i)
    .map((x) => x.l);
  const failed = ordered.filter((l) => !l.ok).length;
  return {
    recordId: bundle.recordId,
    ok: failed === 0,
    passed: ordered.length - failed,
    failed,
    lines: ordered,
    policy,
    verifier: { version: VERIFIER_VERSION, backend: backend.name },
  };
}
