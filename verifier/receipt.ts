/**
 * The receipt pipeline: the chain of evidence of one activity record, checked line by line in the
 * fixed order of DESIGN.md (grant, record, inclusion, anchor, attestation, settlement,
 * conservation). A receipt is the union of five subjects (verifier/catalogue.ts), each computed
 * by one function of this module from its own inputs:
 *
 *   links       (per record)   grant versions, GAR anchors, node registrations   `verifyLinksSubject`
 *   record      (per record)   the record's bytes, leaf proof, anchored batch    `verifyRecordSubject`
 *   anchor      (per batch)    the remark, its sender and block, cluster keys    `verifyAnchorSubject`
 *   era         (per era)      votes, validator set, begin_payout, payout events `verifyEraSubject`
 *   settlement  (per account)  the payout batch listing the account              `verifySettlementSubject`
 *
 * The indexer stores each subject's lines as it computes them, and `verifyReceipt` computes the
 * same subjects from a bundle, so the two agree by construction. Every subject's lines are checked
 * against the catalogue: a required line a subject did not produce is added as a failure, so no
 * input, however incomplete, makes a line disappear. Time, keys and policy are arguments; the
 * bundle supplies data, never policy.
 * @module
 */
import { toHex } from './bytes.ts';
import type { ReceiptBundle } from './bundle.ts';
import { type ChainBinding, ChainView, type TrustRoots, bindChainFacts, viewKey } from './chain.ts';
import { SUBJECT_ORDER, type SubjectKind, type SubjectShape, missingChecks } from './catalogue.ts';
import type { DacBatchEnvelope } from './envelope.ts';
import {
  type RecordParties,
  type LinksSubjectInput,
  type RecordSubjectInput,
  type ReceiptKind,
  scpJsonKind,
} from './kinds.ts';
import {
  type Facts,
  type Line,
  type LineStatus,
  STEPS,
  type Source,
  fail,
  pending,
  skipped,
  statusOfTally,
  tallyLines,
} from './lines.ts';
import type { QuorumRule } from './quorum.ts';
import { type AttestationInput, checkAttestation } from './receipts/attestation.ts';
import {
  type AnchorInput,
  checkAnchorFinality,
  checkAnchorRemark,
  checkAnchorSender,
} from './receipts/dac-batch.ts';
import type { GrantMemo } from './receipts/gar.ts';
import {
  type BatchEvidence,
  type ConservationInput,
  RULE_PAID,
  type Superseded,
  checkConservation,
  checkPaid,
  checkSettlementSide,
} from './receipts/payout.ts';
import { DEFAULT_REQUIRED_ROLES } from './receipts/scp-record.ts';
import {
  type BillingBatchEvidence,
  type BillingOutcome,
  billingOutcome,
  checkBillingSettlementSide,
} from './receipts/billing.ts';
import type { SignatureBackend } from './signatures.ts';

/**
 * The verifier's version, in every receipt and stored subject. 0.3.0: the `skipped` line status,
 * committed roots, and eras paid under Cere's billing-report design.
 */
export const VERIFIER_VERSION = '0.3.0';

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

/** One subject's lines, as the indexer stores them and a receipt lists them. */
export interface SubjectLines {
  readonly kind: SubjectKind;
  readonly lines: readonly Line[];
}

export interface Receipt {
  readonly recordId: string;
  /** The receipt kind (verifier/kinds.ts). */
  readonly kind: string;
  /**
   * `fail` when a line failed, else `pending` when a line waits, else `skipped` when a line was made
   * moot by a skipped era, else `pass`.
   */
  readonly status: LineStatus;
  /** Every line passed. */
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly skipped: number;
  readonly lines: readonly Line[];
  readonly policy: ReceiptPolicy;
  readonly verifier: { readonly version: string; readonly backend: string };
}

/**
 * Adds, as failures, the required lines of the catalogue a subject did not produce. The subject
 * functions produce every line; this guards the promise that none can go missing.
 */
export function completeSubject(
  kind: SubjectKind,
  lines: readonly Line[],
  shape: SubjectShape = {}
): Line[] {
  // Only the missing checks matter here (catalogueGaps also names unknown ones, at a cost).
  const missing = missingChecks(
    kind,
    lines.map((l) => l.check),
    shape
  );
  if (missing.length === 0) return [...lines];
  return [
    ...lines,
    ...missing.map((check) =>
      fail(
        {
          step: stepOfCheck(check),
          check,
          rule: 'proofroom:catalogue',
          facts: { reason: 'the subject did not produce this line' },
        },
        'MALFORMED'
      )
    ),
  ];
}

function stepOfCheck(check: string): Line['step'] {
  const head = check.split('.')[0] as Line['step'];
  return (STEPS as readonly string[]).includes(head) ? head : 'record';
}

// Record and links ----------------------------------------------------------------------------

/** The record subject: decoding, id, signatures, inclusion, the record's era against the batch. */
export function verifyRecordSubject(
  kind: ReceiptKind,
  input: RecordSubjectInput,
  backend: SignatureBackend,
  policy: ReceiptPolicy = DEFAULT_POLICY
): { lines: Line[]; parties: RecordParties | null; record: unknown } {
  const out = kind.recordSubject(input, backend, policy);
  return {
    ...out,
    lines: completeSubject('record', out.lines, { roles: policy.requiredRoles }),
  };
}

/** The links subject: consent (every grant line) and the node's registrations. */
export function verifyLinksSubject(
  kind: ReceiptKind,
  parties: RecordParties | null,
  clusterId: Uint8Array | null,
  input: LinksSubjectInput,
  backend: SignatureBackend,
  memo?: GrantMemo
): Line[] {
  return completeSubject('links', kind.linksSubject(parties, clusterId, input, backend, memo), {
    items: input.grant.versions.length,
  });
}

// Anchor --------------------------------------------------------------------------------------

/** The anchor subject: the remark, who sent it, and the block's finality. */
export function verifyAnchorSubject(
  a: AnchorInput,
  policy: ReceiptPolicy = DEFAULT_POLICY
): { lines: Line[]; envelope: DacBatchEnvelope | null } {
  const remark = checkAnchorRemark(a);
  const lines = [
    remark.line,
    checkAnchorSender(a, remark.envelope),
    checkAnchorFinality(a, policy.requireFinality),
  ];
  return { lines: completeSubject('anchor', lines), envelope: remark.envelope };
}

// Era and settlement --------------------------------------------------------------------------

export interface EraSubjectInput extends AttestationInput {
  /** Where `ClusterEraPaid { cluster_id, era_id }` was emitted; null when it was not. */
  readonly paid: Source | null;
  /**
   * Whether that `ClusterEraPaid` came from Root skipping the era (`force_skip_inspection`): its
   * extrinsic finalized no payout receipt for the era (docs/cere-runtimes.md §14). Absent: false.
   * The chain proofs check it (`chain.paid`); a skip they do not prove fails there.
   */
  readonly skipped?: boolean;
  /** A later era of the cluster paid while this one was not; null when none was. */
  readonly superseded: Superseded | null;
  readonly conservation: ConservationInput;
}

/**
 * Where the era stands: `paid`; `skipped` (Root marked it paid without a payout); `unpaid` (a later
 * era was paid instead, so it never will be); or `pending` (not paid yet: its lines wait).
 */
export type EraState = 'paid' | 'skipped' | 'unpaid' | 'pending';

export interface EraOutcome {
  readonly state: EraState;
  readonly payersRoot: Uint8Array | null;
  readonly payeesRoot: Uint8Array | null;
  /** A billing-report era's quorum window, usage and after-fee totals (else absent). */
  readonly billing?: BillingOutcome;
}

export function eraStateOf(input: {
  paid: unknown;
  superseded: unknown;
  skipped?: boolean;
}): EraState {
  if (input.paid) return input.skipped === true ? 'skipped' : 'paid';
  return input.superseded ? 'unpaid' : 'pending';
}

/** Whether every total of an era's payout events is zero (no one was charged or rewarded). */
function noPayoutEvents(c: ConservationInput): boolean {
  return [
    c.charged,
    c.treasuryFees,
    c.reserveFees,
    c.validatorFees,
    c.rewarded,
    c.notDistributed,
  ].every((v) => v === 0n);
}

/**
 * A line a skipped era makes moot: the same check, `skipped` with `ERA_SKIPPED`, its facts kept
 * and the skip's `ClusterEraPaid` named.
 */
function mootBySkip(l: Line, skip: Source | null): Line {
  return skipped(
    {
      step: l.step,
      check: l.check,
      rule: l.rule,
      basis: l.basis,
      facts: { ...l.facts, skippedBy: 'settlement.paid' },
      ...(skip ? { source: skip } : {}),
    },
    'ERA_SKIPPED'
  );
}

/** The era's lines that only its payout can decide. */
const PAYOUT_ERA_CHECKS = [
  ['settlement', 'settlement.paid', 'cere:DdcClusters.ClusterEraPaid'],
  ['conservation', 'conservation.balance', 'cere:payout-conservation'],
  ['conservation', 'conservation.fees', 'cere:payout-conservation'],
] as const;

/**
 * The era subject: attestation (a line per vote, quorum, payout start, roots), `ClusterEraPaid`
 * and conservation. Until the era is paid, each vote is checked at once, and what more votes or
 * the payout can still decide waits (`NOT_PAID`): a quorum not reached yet, a payout not begun,
 * roots without a quorum, `ClusterEraPaid` and conservation. Once a later era was paid instead,
 * the lines that need the payout fail `NOT_PAID`.
 */
export function verifyEraSubject(
  input: EraSubjectInput,
  policy: ReceiptPolicy = DEFAULT_POLICY
): { lines: Line[]; outcome: EraOutcome } {
  const state = eraStateOf(input);
  const shape = { items: input.votes.length };
  if (state === 'pending') {
    // Votes are final once cast: each is checked now. What more votes, begin_payout or the payout
    // itself can still change waits instead of failing: a quorum not (yet) met, a payout not yet
    // begun, roots of a fingerprint that has no quorum yet, and everything that needs the payout.
    const att = checkAttestation(input, policy.quorumRule);
    const wait = (l: Line, reason: string): Line =>
      pending(
        {
          step: l.step,
          check: l.check,
          rule: l.rule,
          basis: l.basis,
          facts: { ...l.facts, waitingFor: reason },
          ...(l.source ? { source: l.source } : {}),
        },
        'NOT_PAID'
      );
    const quorumMet = att.lines.some((l) => l.check === 'attestation.quorum' && l.ok);
    const lines: Line[] = att.lines.map((l) => {
      if (l.ok || l.check.startsWith('attestation.fingerprint[')) return l;
      if (l.check === 'attestation.quorum')
        return wait(
          l,
          input.validatorSet === null ? 'the validator set' : 'more votes before the payout begins'
        );
      if (l.check === 'attestation.payout' && input.payout === null) return wait(l, 'begin_payout');
      if (l.check === 'attestation.roots' && !quorumMet)
        return wait(l, 'a fingerprint with a quorum');
      // Committed roots: batches still to be sent are not a failure before the era is paid.
      const missing = [l.facts.missingPayersBatches, l.facts.missingPayeesBatches];
      if (l.check === 'attestation.roots' && missing.some((m) => Array.isArray(m) && m.length > 0))
        return wait(l, 'the payout batches still to be sent');
      return l;
    });
    const facts = {
      clusterId: toHex(input.clusterId),
      era: input.era,
      reason: 'the era has not been paid yet',
    };
    for (const [step, check, rule] of PAYOUT_ERA_CHECKS)
      lines.push(pending({ step, check, rule, facts }, 'NOT_PAID'));
    return {
      lines: completeSubject('era', lines, shape),
      outcome: { state, payersRoot: null, payeesRoot: null },
    };
  }
  const att = checkAttestation(input, policy.quorumRule);
  const lines = [...att.lines];
  if (state === 'skipped') {
    // Root skipped the era: the votes cast stay checked, but what only a payout can show (a
    // quorum, begin_payout, the roots, conservation) does not apply, unless payout events were
    // emitted after all, in which case conservation still has to hold.
    const moot = (l: Line): Line => (l.ok ? l : mootBySkip(l, input.paid));
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (!l.check.startsWith('attestation.fingerprint[')) lines[i] = moot(l);
    }
    lines.push(
      skipped(
        {
          step: 'settlement',
          check: 'settlement.paid',
          rule: RULE_PAID,
          facts: {
            clusterId: toHex(input.clusterId),
            era: input.era,
            reason:
              'ClusterEraPaid was emitted by Root skipping the era (force_skip_inspection), not by a payout',
          },
          ...(input.paid ? { source: input.paid } : {}),
        },
        'ERA_SKIPPED'
      )
    );
    const cons = checkConservation(input.conservation);
    lines.push(
      ...(noPayoutEvents(input.conservation) ? cons.map((l) => mootBySkip(l, input.paid)) : cons)
    );
  } else if (state === 'unpaid') {
    // The payout never completed: what only a completed payout can show fails with NOT_PAID.
    const blocked = (l: Line): Line =>
      fail(
        {
          step: l.step,
          check: l.check,
          rule: l.rule,
          basis: l.basis,
          facts: { blockedBy: 'settlement.paid', laterEraPaid: input.superseded!.era },
        },
        'NOT_PAID'
      );
    const payoutAt = lines.findIndex((l) => l.check === 'attestation.payout');
    if (input.payout === null && payoutAt >= 0) lines[payoutAt] = blocked(lines[payoutAt]!);
    lines.push(checkPaid(null, input.superseded));
    lines.push(...checkConservation(input.conservation).map(blocked));
  } else {
    lines.push(checkPaid(input.paid, null));
    lines.push(...checkConservation(input.conservation));
  }
  return {
    lines: completeSubject('era', lines, shape),
    outcome: {
      state,
      payersRoot: att.payersRoot,
      payeesRoot: att.payeesRoot,
      ...(input.design === 'billing-report'
        ? {
            billing: billingOutcome(
              input.billing ?? null,
              att.billingVote ?? null,
              input.conservation.shares
            ),
          }
        : {}),
    },
  };
}

/**
 * A settlement subject: one side of the era's payout for one account (null: the record could not
 * be read, so there is no account to settle, and every line fails blocked by it).
 */
export function verifySettlementSubject(
  side: 'payers' | 'payees',
  account: Uint8Array | null,
  evidence: BatchEvidence | BillingBatchEvidence | null,
  era: EraOutcome
): Line[] {
  const shape = { side };
  if (account === null)
    return completeSubject(
      'settlement',
      ['proof', 'entry', 'amount'].map((c) =>
        fail(
          {
            step: 'settlement',
            check: `settlement.${side}.${c}`,
            rule: 'cere:payout-mmr-ckb-0.8.1',
            facts: { blockedBy: 'record.decode' },
          },
          'MALFORMED'
        )
      ),
      shape
    );
  if (era.state !== 'paid') {
    const facts: Facts =
      era.state === 'pending'
        ? { account: toHex(account), reason: 'the era has not been paid yet' }
        : era.state === 'skipped'
          ? {
              account: toHex(account),
              skippedBy: 'settlement.paid',
              reason: 'Root skipped the era: no one was charged or rewarded for it',
            }
          : { account: toHex(account), blockedBy: 'settlement.paid' };
    const make = era.state === 'pending' ? pending : era.state === 'skipped' ? skipped : fail;
    const lines = ['proof', 'entry', 'amount'].map((c) =>
      make(
        {
          step: 'settlement',
          check: `settlement.${side}.${c}`,
          rule:
            c === 'amount'
              ? side === 'payers'
                ? 'cere:DdcPayouts.Charged'
                : 'cere:DdcPayouts.Rewarded'
              : 'cere:payout-mmr-ckb-0.8.1',
          facts,
        },
        era.state === 'skipped' ? 'ERA_SKIPPED' : 'NOT_PAID'
      )
    );
    return completeSubject('settlement', lines, shape);
  }
  const root = side === 'payers' ? era.payersRoot : era.payeesRoot;
  if (era.billing) {
    // A billing-report era: its batches carry usage, and Cere's own rule gives the amounts.
    if (evidence === null || !('keys' in evidence))
      return completeSubject('settlement', checkSettlementSide(side, null, root, account), shape);
    return completeSubject(
      'settlement',
      checkBillingSettlementSide(side, evidence, root, account, era.billing),
      shape
    );
  }
  return completeSubject(
    'settlement',
    checkSettlementSide(
      side,
      evidence !== null && 'keys' in evidence ? null : evidence,
      root,
      account
    ),
    shape
  );
}

// The receipt ---------------------------------------------------------------------------------

/** Orders subjects' lines as a receipt lists them: by step, then subject, then line. */
export function orderReceiptLines(subjects: readonly SubjectLines[]): Line[] {
  const rank = (k: SubjectKind) => SUBJECT_ORDER.indexOf(k);
  const tagged: Array<{ l: Line; s: number; i: number }> = [];
  subjects.forEach((s, si) =>
    s.lines.forEach((l, i) => tagged.push({ l, s: rank(s.kind) * 16 + si, i }))
  );
  tagged.sort(
    (a, b) => STEPS.indexOf(a.l.step) - STEPS.indexOf(b.l.step) || a.s - b.s || a.i - b.i
  );
  return tagged.map((t) => t.l);
}

/** A receipt's summary from its lines. */
export function summarise(
  recordId: string,
  kind: string,
  lines: readonly Line[],
  policy: ReceiptPolicy,
  backend: string
): Receipt {
  const t = tallyLines(lines);
  return {
    recordId,
    kind,
    status: statusOfTally(t),
    ok: t.failed === 0 && t.pending === 0 && t.skipped === 0,
    ...t,
    lines,
    policy,
    verifier: { version: VERIFIER_VERSION, backend },
  };
}

/** Options of `verifyReceipts`: memos shared across the receipts of one call. */
export interface ReceiptMemos {
  /** Grant versions checked once across receipts. */
  readonly grants?: GrantMemo;
  /**
   * Era subjects computed once per era: receipts of one era carry the same era inputs, so a
   * caller checking many of them (an era's receipts in a browser) passes a map keyed as it likes.
   */
  readonly eras?: Map<string, { lines: Line[]; outcome: EraOutcome }>;
}

/** The subjects of a parsed bundle, computed as the indexer computes them. */
export function verifyReceiptSubjects(
  bundle: ReceiptBundle,
  backend: SignatureBackend,
  policy: ReceiptPolicy = DEFAULT_POLICY,
  memos: ReceiptMemos = {}
): { subjects: SubjectLines[]; kind: ReceiptKind } {
  const kind = bundle.kind;
  const anchor = verifyAnchorSubject(bundle.anchor, policy);
  const rec = verifyRecordSubject(
    kind,
    {
      bytes: bundle.recordBytes,
      leafIndex: bundle.inclusion.leafIndex,
      proof: bundle.inclusion.proof,
      envelope: anchor.envelope,
    },
    backend,
    policy
  );
  const links = verifyLinksSubject(
    kind,
    rec.parties,
    anchor.envelope?.clusterId ?? null,
    bundle.links,
    backend,
    memos.grants
  );
  const key = memos.eras ? bundle.eraKey : null;
  let era = key !== null ? memos.eras!.get(key) : undefined;
  if (!era) {
    era = verifyEraSubject(bundle.era, policy);
    if (key !== null) memos.eras!.set(key, era);
  }
  const subjects: SubjectLines[] = [
    { kind: 'links', lines: links },
    { kind: 'record', lines: rec.lines },
    { kind: 'anchor', lines: anchor.lines },
  ];
  for (const [side, account] of [
    ['payers', rec.parties?.customer ?? null],
    ['payees', rec.parties?.provider ?? null],
  ] as const)
    subjects.push({
      kind: 'settlement',
      lines: verifySettlementSubject(side, account, bundle.settlement[side], era.outcome),
    });
  subjects.push({ kind: 'era', lines: era.lines });
  return { subjects, kind };
}

/**
 * Checks every line of a parsed bundle. Never throws on any bundle `parseBundle` accepted.
 * `memos` let a caller verifying many receipts check each grant version and each era once.
 */
export function verifyReceipt(
  bundle: ReceiptBundle,
  backend: SignatureBackend,
  policy: ReceiptPolicy = DEFAULT_POLICY,
  memos: ReceiptMemos = {}
): Receipt {
  const { subjects, kind } = verifyReceiptSubjects(bundle, backend, policy, memos);
  return summarise(bundle.recordId, kind.id, orderReceiptLines(subjects), policy, backend.name);
}

export { scpJsonKind };

export interface BundleVerifyOptions {
  readonly memos?: ReceiptMemos;
  /** What the user trusts (verifier/chain.ts); none: every pass is consistent, not pinned. */
  readonly trust?: TrustRoots;
  /**
   * Chain views shared across bundles (by `viewKey`): an era's receipts carry the same blocks, so
   * each header, storage read and justification is checked once.
   */
  readonly views?: Map<string, ChainView>;
  /** The backend shared views check justifications with (default: `backend`). */
  readonly viewBackend?: SignatureBackend;
}

/** A receipt with its chain lines: what the proofs say about the bundle's chain facts. */
export interface BundleReport extends Receipt {
  readonly chain: Omit<ChainBinding, 'lines'>;
}

/**
 * Checks a bundle as a user does: the receipt's lines (`verifyReceipt`, which the indexer stores
 * too) and the chain lines binding its chain facts to its proofs (`bindChainFacts`). The status
 * counts both; `chain.pinned` says whether a trust root vouched for the proofs.
 */
export function verifyBundle(
  bundle: ReceiptBundle,
  backend: SignatureBackend,
  policy: ReceiptPolicy = DEFAULT_POLICY,
  options: BundleVerifyOptions = {}
): BundleReport {
  const { subjects, kind } = verifyReceiptSubjects(bundle, backend, policy, options.memos);
  const trust = options.trust ?? {};
  const key = options.views && bundle.proofs ? viewKey(bundle.proofs, trust) : null;
  let view = key !== null ? options.views!.get(key) : undefined;
  if (view) view.add(bundle.proofs!);
  else {
    view = new ChainView(bundle.proofs, trust, options.viewBackend ?? backend);
    if (key !== null) options.views!.set(key, view);
  }
  const binding = bindChainFacts(bundle, view, trust);
  subjects.push({ kind: 'chain', lines: binding.lines });
  return {
    ...summarise(bundle.recordId, kind.id, orderReceiptLines(subjects), policy, backend.name),
    chain: {
      proven: binding.proven,
      pinned: binding.pinned,
      pinnedBy: binding.pinnedBy,
      unproven: binding.unproven,
    },
  };
}
