/**
 * Attestation rounds (Cere DdcPayouts, faithful to ddc-payouts @9ce78a52; reference/cere.md A.2,
 * A.3): each validator commits a payout fingerprint (`commit_payout_fingerprint(cluster_id, ehd_id,
 * payers_root, payees_root)`, event `PayoutFingerprintCommited`); the chain hashes the fingerprint
 * from those fields, and `begin_payout(cluster_id, era_id, fingerprint)` starts the payout with a
 * fingerprint enough validators committed. Here every vote's fingerprint is recomputed (and its
 * ehd_id must name this cluster and era), the quorum counts distinct members of the era's validator
 * set per fingerprint (`cere67` or `twoThirds`), the payout must have begun with the leading
 * fingerprint, and its roots must equal the roots recomputed from the era's payer and payee lists.
 * @module
 */
import { compactU, concatBytes, equalBytes, toHex, utf8 } from '../bytes.ts';
import { blake2b256 } from '../hash.ts';
import { type Fact, type Facts, type Line, type Source, fail, pass, verdict } from '../lines.ts';
import { type PayoutEntry, payoutTree, sentEraRoot } from '../payout-tree.ts';
import { type QuorumRule, tally } from '../quorum.ts';
import type { PayoutDesign } from '../cere-rules.ts';
import {
  type BillingEraInput,
  type BillingVote,
  RULE_BILLING_FINGERPRINT,
  billingRootsLine,
  billingVoteFingerprint,
} from './billing.ts';

export const RULE_FINGERPRINT = 'cere:payout-fingerprint-2025-03';
export const RULE_PAYOUT_MMR = 'cere:payout-mmr-ckb-0.8.1';

/**
 * How `attestation.roots` turns the era's records into payer and payee amounts: Proof Room's own
 * cost model (`usageCost` and `eraPayoutListsFromTotals`, verifier/receipts/activity.ts), a project
 * rule the devnet follows. Cere prices usage in its private inspection, so against real Cere this
 * line compares with a rule Cere does not publish; every line's facts name it.
 */
export const COST_MODEL = "proofroom-usage-cost-v1 (project rule, not Cere's)";

/**
 * The payout fingerprint of ddc-payouts @9ce78a52 ("Cere 2025-03 fingerprint"):
 * blake2b256(cluster_id 20 bytes ‖ SCALE String ehd_id ‖ payers_root ‖ payees_root).
 */
export function payoutFingerprint(
  clusterId: Uint8Array,
  ehdId: string,
  payersRoot: Uint8Array,
  payeesRoot: Uint8Array
): Uint8Array {
  const ehd = utf8(ehdId);
  return blake2b256(concatBytes(clusterId, compactU(ehd.length), ehd, payersRoot, payeesRoot));
}

/** `ehd_id` as Cere formats it: "0x<cluster hex>-0x<g-collector hex>-<era>". */
export function ehdId(clusterId: Uint8Array, gCollector: Uint8Array, era: number): string {
  return `${toHex(clusterId)}-${toHex(gCollector)}-${era}`;
}

/** The era's payers or payees root: MMR over the batch roots of the sorted, chunked entries. */
export function eraRootOf(entries: readonly PayoutEntry[], batchSize: number): Uint8Array | null {
  return entries.length === 0 ? null : payoutTree(entries, batchSize).root;
}

export interface FingerprintVote {
  readonly validator: Uint8Array;
  readonly payersRoot: Uint8Array;
  readonly payeesRoot: Uint8Array;
  /** The `ehd_id` the validator committed with (from its `commit_payout_fingerprint` call). */
  readonly ehdId: string | null;
  /** The fingerprint the chain recorded for the vote, when its event or call carries one. */
  readonly fingerprint: Uint8Array | null;
  readonly source?: Source;
  /** A billing-report vote's era window and cluster usage (`commit_billing_fingerprint`). */
  readonly billing?: BillingVote | null;
}

/** The era's validator set as the chain held it when the payout began. */
export interface ValidatorSetInput {
  readonly members: readonly Uint8Array[];
  /** Where it was read (the block of `begin_payout`, else of `ClusterEraPaid`). */
  readonly source?: Source;
}

/** `begin_payout(cluster_id, era_id, fingerprint)`: the fingerprint the payout began with. */
export interface PayoutStartInput {
  readonly fingerprint: Uint8Array;
  readonly source?: Source;
}

export interface AttestationInput {
  readonly clusterId: Uint8Array;
  readonly era: number;
  /** The payout design of the era's runtime (absent: `receipt`). */
  readonly design?: PayoutDesign;
  /** A billing-report era's prices and usage batches (`design: 'billing-report'`). */
  readonly billing?: BillingEraInput | null;
  /** The validator set of the era; null when it could not be read (the quorum then fails). */
  readonly validatorSet: ValidatorSetInput | null;
  readonly votes: readonly FingerprintVote[];
  /** Null when no `begin_payout` was indexed. */
  readonly payout: PayoutStartInput | null;
  /**
   * The era's payer and payee lists recomputed from the verified activity; null when they cannot
   * be (the cluster's protocol shares are unknown).
   */
  readonly activity: {
    readonly batchSize: number;
    readonly payers: readonly PayoutEntry[];
    readonly payees: readonly PayoutEntry[];
  } | null;
  /**
   * When present, `attestation.roots` checks the batches the payout sent on chain instead of
   * recomputing the lists from the activity: every batch of both sides, indices 0..max, must
   * rebuild the attested root. For a chain whose cost model is not public (real Cere prices usage
   * in its private inspection), where recomputing would compare with a rule Cere does not use.
   */
  readonly committed?: CommittedBatches | null;
}

/**
 * What `attestation.roots` compares the quorum's roots with: `activity`, the lists recomputed from
 * the era's records with the project's cost model (`COST_MODEL`; the devnet follows it), or
 * `committed`, the batches the payout sent on chain (for a chain whose cost model is not public).
 */
export type RootsSource = 'activity' | 'committed';
export const ROOTS_SOURCES: readonly RootsSource[] = ['activity', 'committed'];

/**
 * One side of the batches an era's payout sent on chain (`send_charging_customers_batch` or
 * `send_rewarding_providers_batch`), as the chain received them: the `max_batch_index` the side
 * began with (null before `begin_charging_customers` / `begin_rewarding_providers`) and the root of
 * each batch by index (null for an index not sent yet).
 */
export interface CommittedSide {
  readonly maxBatchIndex: number | null;
  readonly batchRoots: ReadonlyArray<Uint8Array | null>;
}

/** Both sides of an era's committed batches (see `AttestationInput.committed`). */
export interface CommittedBatches {
  readonly payers: CommittedSide;
  readonly payees: CommittedSide;
}

export interface AttestationResult {
  readonly lines: Line[];
  /** The attested roots (those of the leading fingerprint), for the settlement step. */
  readonly payersRoot: Uint8Array | null;
  readonly payeesRoot: Uint8Array | null;
  /** A billing-report era's leading vote window and cluster usage. */
  readonly billingVote?: BillingVote | null;
}

/** Parses `ehd_id` ("0x<cluster 40 hex>-0x<g-collector 64 hex>-<era>"); null when malformed. */
export function parseEhdId(
  id: string
): { clusterId: Uint8Array; gCollector: Uint8Array; era: number } | null {
  const m = /^0x([0-9a-fA-F]{40})-0x([0-9a-fA-F]{64})-(0|[1-9][0-9]{0,9})$/.exec(id);
  if (!m) return null;
  const era = Number(m[3]);
  if (era > 0xffffffff) return null;
  const hex = (h: string): Uint8Array =>
    Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
  return { clusterId: hex(m[1]!), gCollector: hex(m[2]!), era };
}

/** A billing-report vote's line: its billing fingerprint recomputed, for this cluster and era. */
function billingVoteLine(
  v: FingerprintVote,
  i: number,
  era: { clusterId: Uint8Array; era: number }
): { line: Line; fingerprint: Uint8Array | null } {
  const base = {
    step: 'attestation' as const,
    check: `attestation.fingerprint[${i}]`,
    rule: RULE_BILLING_FINGERPRINT,
    ...(v.source ? { source: v.source } : {}),
  };
  const facts: Record<string, Fact> = {
    validator: toHex(v.validator),
    payersRoot: toHex(v.payersRoot),
    payeesRoot: toHex(v.payeesRoot),
  };
  const b = v.billing;
  if (!b)
    return {
      line: fail(
        { ...base, facts: { ...facts, reason: 'the vote has no era window or cluster usage' } },
        'MALFORMED'
      ),
      fingerprint: null,
    };
  facts.voteEra = b.era;
  facts.startEra = b.startEra.toString();
  facts.endEra = b.endEra.toString();
  if (b.era !== era.era)
    return { line: fail({ ...base, facts }, 'ERA_MISMATCH'), fingerprint: null };
  if (b.endEra <= b.startEra)
    return {
      line: fail(
        { ...base, facts: { ...facts, reason: 'the era window ends before it starts' } },
        'MALFORMED'
      ),
      fingerprint: null,
    };
  const computed = billingVoteFingerprint(era.clusterId, b, v.payersRoot, v.payeesRoot);
  facts.computed = toHex(computed);
  facts.recorded = v.fingerprint ? toHex(v.fingerprint) : null;
  if (v.fingerprint && !equalBytes(v.fingerprint, computed))
    return { line: fail({ ...base, facts }, 'FINGERPRINT_MISMATCH'), fingerprint: null };
  return { line: pass({ ...base, facts }), fingerprint: computed };
}

/** One vote's line: its fingerprint recomputed, for this era, as the chain recorded it. */
function voteLine(
  v: FingerprintVote,
  i: number,
  era: { clusterId: Uint8Array; era: number }
): { line: Line; fingerprint: Uint8Array | null } {
  const base = {
    step: 'attestation' as const,
    check: `attestation.fingerprint[${i}]`,
    rule: RULE_FINGERPRINT,
    ...(v.source ? { source: v.source } : {}),
  };
  const facts: Record<string, Fact> = {
    validator: toHex(v.validator),
    ehdId: v.ehdId,
    payersRoot: toHex(v.payersRoot),
    payeesRoot: toHex(v.payeesRoot),
  };
  if (v.ehdId === null)
    return {
      line: fail({ ...base, facts: { ...facts, reason: 'the vote has no ehd_id' } }, 'MALFORMED'),
      fingerprint: null,
    };
  const ehd = parseEhdId(v.ehdId);
  if (!ehd)
    return {
      line: fail(
        { ...base, facts: { ...facts, reason: 'ehd_id is not well formed' } },
        'MALFORMED'
      ),
      fingerprint: null,
    };
  const computed = payoutFingerprint(era.clusterId, v.ehdId, v.payersRoot, v.payeesRoot);
  facts.computed = toHex(computed);
  facts.recorded = v.fingerprint ? toHex(v.fingerprint) : null;
  facts.ehdCluster = toHex(ehd.clusterId);
  facts.ehdEra = ehd.era;
  if (!equalBytes(ehd.clusterId, era.clusterId) || ehd.era !== era.era)
    return { line: fail({ ...base, facts }, 'ERA_MISMATCH'), fingerprint: null };
  if (v.fingerprint && !equalBytes(v.fingerprint, computed))
    return { line: fail({ ...base, facts }, 'FINGERPRINT_MISMATCH'), fingerprint: null };
  return { line: pass({ ...base, facts }), fingerprint: computed };
}

/**
 * The attestation of an era: one line per vote (its fingerprint recomputed), the quorum of
 * distinct members of the era's validator set on one fingerprint, the payout begun with that
 * fingerprint, and the fingerprint's roots equal to the roots recomputed from the activity. A vote
 * whose own line fails does not count.
 */
export function checkAttestation(input: AttestationInput, rule: QuorumRule): AttestationResult {
  const lines: Line[] = [];
  const era = { clusterId: input.clusterId, era: input.era };
  const counted: Array<{ vote: FingerprintVote; fingerprint: string }> = [];
  const billing = input.design === 'billing-report';
  input.votes.forEach((v, i) => {
    const r = billing ? billingVoteLine(v, i, era) : voteLine(v, i, era);
    lines.push(r.line);
    if (r.fingerprint) counted.push({ vote: v, fingerprint: toHex(r.fingerprint) });
  });

  const members = input.validatorSet?.members ?? [];
  const t = tally(
    counted.map((c) => ({ voter: toHex(c.vote.validator), choice: c.fingerprint })),
    members.map(toHex),
    rule
  );
  const leading = counted.find((c) => c.fingerprint === t.leading) ?? null;
  const contested = t.counts.filter((c) => c.voters.length >= t.threshold).length > 1;
  const quorumBase = {
    step: 'attestation' as const,
    check: 'attestation.quorum',
    rule,
    ...(input.validatorSet?.source ? { source: input.validatorSet.source } : {}),
  };
  if (input.validatorSet === null) {
    lines.push(
      fail(
        {
          ...quorumBase,
          facts: { votes: input.votes.length, reason: 'the validator set is not known' },
        },
        'MALFORMED'
      )
    );
  } else {
    const quorumFacts: Facts = {
      validators: t.n,
      rule: t.rule,
      threshold: t.threshold,
      votes: input.votes.length,
      counted: counted.length,
      leadingFingerprint: t.leading,
      leadingVotes: t.leadingVotes,
      leadingVoters: t.counts[0]?.voters ?? [],
      dissenting: t.counts.slice(1).flatMap((c) => c.voters),
      notInSet: t.unknown,
      duplicateSigners: t.duplicates,
      equivocators: t.equivocators,
      otherRule: t.other.rule,
      otherThreshold: t.other.threshold,
      otherReached: t.other.reached,
      decidedByRule: t.reached !== t.other.reached,
      contested,
    };
    lines.push(
      verdict(t.reached && !contested, { ...quorumBase, facts: quorumFacts }, 'QUORUM_NOT_MET')
    );
  }

  const payoutBase = {
    step: 'attestation' as const,
    check: 'attestation.payout',
    rule: RULE_FINGERPRINT,
    ...(input.payout?.source ? { source: input.payout.source } : {}),
  };
  if (input.payout === null)
    lines.push(
      fail({ ...payoutBase, facts: { reason: 'no begin_payout was indexed' } }, 'MALFORMED')
    );
  else
    lines.push(
      verdict(
        leading !== null && toHex(input.payout.fingerprint) === leading.fingerprint,
        {
          ...payoutBase,
          facts: {
            payoutFingerprint: toHex(input.payout.fingerprint),
            quorumFingerprint: leading ? leading.fingerprint : null,
          },
        },
        'FINGERPRINT_MISMATCH'
      )
    );

  if (billing) {
    const lead = leading?.vote ?? null;
    lines.push(billingRootsLine(input.billing ?? null, lead));
    return {
      lines,
      payersRoot: lead ? lead.payersRoot : null,
      payeesRoot: lead ? lead.payeesRoot : null,
      billingVote: lead?.billing ?? null,
    };
  }
  if (input.committed) {
    lines.push(committedRootsLine(input.committed, leading?.vote ?? null));
    return {
      lines,
      payersRoot: leading ? leading.vote.payersRoot : null,
      payeesRoot: leading ? leading.vote.payeesRoot : null,
    };
  }
  const act = input.activity;
  const payersComputed = act ? eraRootOf(act.payers, act.batchSize) : null;
  const payeesComputed = act ? eraRootOf(act.payees, act.batchSize) : null;
  const lead = leading?.vote ?? null;
  const rootsBase = {
    step: 'attestation' as const,
    check: 'attestation.roots',
    rule: RULE_PAYOUT_MMR,
  };
  if (!act)
    lines.push(
      fail(
        {
          ...rootsBase,
          facts: {
            votedPayersRoot: lead ? toHex(lead.payersRoot) : null,
            votedPayeesRoot: lead ? toHex(lead.payeesRoot) : null,
            reason:
              "the cluster's protocol shares are not known: the payee list cannot be recomputed",
          },
        },
        'MALFORMED'
      )
    );
  else {
    const rootsFacts: Facts = {
      votedPayersRoot: lead ? toHex(lead.payersRoot) : null,
      votedPayeesRoot: lead ? toHex(lead.payeesRoot) : null,
      computedPayersRoot: payersComputed ? toHex(payersComputed) : null,
      computedPayeesRoot: payeesComputed ? toHex(payeesComputed) : null,
      payers: act.payers.length,
      payees: act.payees.length,
      batchSize: act.batchSize,
      costModel: COST_MODEL,
    };
    const rootsOk =
      lead !== null &&
      payersComputed !== null &&
      payeesComputed !== null &&
      equalBytes(lead.payersRoot, payersComputed) &&
      equalBytes(lead.payeesRoot, payeesComputed);
    lines.push(verdict(rootsOk, { ...rootsBase, facts: rootsFacts }, 'ROOTS_MISMATCH'));
  }
  return {
    lines,
    payersRoot: lead ? lead.payersRoot : null,
    payeesRoot: lead ? lead.payeesRoot : null,
  };
}

/** A committed side's era root, or the batch indices it still lacks. */
function committedRoot(side: CommittedSide): { root: Uint8Array } | { missing: number[] } {
  return sentEraRoot(side.maxBatchIndex, side.batchRoots);
}

/**
 * `attestation.roots` from the committed batches: the quorum's roots equal the MMR of the roots of
 * every batch the payout sent, indices 0..max of each side. Fails `ROOTS_MISMATCH` when they
 * differ, when a batch is missing (facts name the indices) or when there is no quorum to compare.
 */
function committedRootsLine(c: CommittedBatches, lead: FingerprintVote | null): Line {
  const payers = committedRoot(c.payers);
  const payees = committedRoot(c.payees);
  const hex = (r: typeof payers): string | null => ('root' in r ? toHex(r.root) : null);
  const facts: Facts = {
    basis: 'the batches the payout sent on chain (no cost model)',
    votedPayersRoot: lead ? toHex(lead.payersRoot) : null,
    votedPayeesRoot: lead ? toHex(lead.payeesRoot) : null,
    computedPayersRoot: hex(payers),
    computedPayeesRoot: hex(payees),
    payersBatches: c.payers.batchRoots.filter((r) => r !== null).length,
    payeesBatches: c.payees.batchRoots.filter((r) => r !== null).length,
    missingPayersBatches: 'missing' in payers ? payers.missing : [],
    missingPayeesBatches: 'missing' in payees ? payees.missing : [],
  };
  const ok =
    lead !== null &&
    'root' in payers &&
    'root' in payees &&
    equalBytes(lead.payersRoot, payers.root) &&
    equalBytes(lead.payeesRoot, payees.root);
  return verdict(
    ok,
    { step: 'attestation', check: 'attestation.roots', rule: RULE_PAYOUT_MMR, facts },
    'ROOTS_MISMATCH'
  );
}
