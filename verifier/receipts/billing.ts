/**
 * Eras paid under Cere's older payout design, the "billing report" (spec 71000 and before on the
 * dev and staging lines; docs/cere-billing-report.md): validators commit a billing fingerprint
 * over an era window, the cluster's usage and the Merkle roots of per-bucket and per-node usage;
 * the payout batches carry `(BucketId, BucketUsage)` / `(NodePubKey, NodeUsage)`, and the chain
 * itself prices them (verifier/billing-report.ts mirrors its arithmetic).
 *
 * The lines are the same checks as for the newer design, each by this design's rule:
 * - `attestation.fingerprint[i]`: the billing fingerprint recomputed from the vote's fields, for
 *   this cluster and era;
 * - `attestation.roots`: the usage batches the payout sent on chain, every index of both sides,
 *   rebuild the quorum's roots (the usage itself is the chain's input: Cere adds each bucket's
 *   stored total from its own state, so it is not recomputed from the records);
 * - `settlement.<side>.proof|entry|amount`: the account's usage batch proves into the attested
 *   root, lists the account's bucket (payers) or node (payees), and the chain's `Charged` /
 *   `Rewarded` amounts are what Cere's own rule gives for that usage (`get_customer_charge`,
 *   `get_provider_reward` after `end_charging_customers`' fees).
 * @module
 */
import { equalBytes, toHex } from '../bytes.ts';
import {
  type ClusterPricing,
  type CustomerCharge,
  PERQUINTILL_ONE,
  type Usage,
  ZERO_CHARGE,
  addCharges,
  batchRoot,
  billingFees,
  billingFingerprint,
  customerCharge,
  payeesLeaf,
  payersLeaf,
  providerReward,
  totalCharge,
} from '../billing-report.ts';
import { type Facts, type Line, type Source, fail, verdict } from '../lines.ts';
import { sentEraRoot, verifyPayoutBatch } from '../payout-tree.ts';
import type { Shares } from './activity.ts';
import type { ChainAmount } from './payout.ts';

export const RULE_BILLING_FINGERPRINT = 'cere:billing-fingerprint-71000';
export const RULE_BILLING_MMR = 'cere:billing-usage-mmr-ckb-0.7.0';
export const RULE_BILLING_CHARGE = 'cere:ddc-payouts-71000:get_customer_charge';
export const RULE_BILLING_REWARD = 'cere:ddc-payouts-71000:get_provider_reward';

/** A payout batch entry: a bucket id (payers, u64) or a node's 32-byte key (payees), and its usage. */
export interface UsageEntry {
  readonly key: bigint | Uint8Array;
  readonly usage: Usage;
}

/** One side of the usage batches the payout sent: entries by batch index (null: not sent). */
export interface UsageSide {
  readonly maxBatchIndex: number | null;
  readonly batches: ReadonlyArray<ReadonlyArray<UsageEntry> | null>;
}

/** What a billing vote commits beside its roots (`commit_billing_fingerprint`'s arguments). */
export interface BillingVote {
  readonly era: number;
  readonly startEra: bigint;
  readonly endEra: bigint;
  readonly clusterUsage: Usage;
}

/** The era-wide inputs of a billing-report era. */
export interface BillingEraInput {
  /** The cluster's `unit_per_*` prices at the payout; null when not known. */
  readonly pricing: ClusterPricing | null;
  readonly payers: UsageSide;
  readonly payees: UsageSide;
}

/** What the settlement of a billing-report era needs from the era (its quorum and rules). */
export interface BillingOutcome {
  readonly pricing: ClusterPricing | null;
  readonly vote: BillingVote | null;
  /** The report's `total_customer_charge` after fees (null when it cannot be computed). */
  readonly afterFees: CustomerCharge | null;
}

/** One side of a billing-report settlement for one account. */
export interface BillingBatchEvidence {
  readonly batchIndex: number;
  readonly maxBatchIndex: number;
  /** The batch as sent, in its order. */
  readonly entries: readonly UsageEntry[];
  /** The account's buckets (payers) or nodes (payees). */
  readonly keys: ReadonlyArray<bigint | Uint8Array>;
  readonly proof: readonly Uint8Array[];
  /** `Charged`/`ChargeFailed` or `Rewarded` events of this batch for the account. */
  readonly events: readonly ChainAmount[];
  readonly source?: Source;
}

const sameKey = (a: bigint | Uint8Array, b: bigint | Uint8Array): boolean =>
  typeof a === 'bigint' || typeof b === 'bigint'
    ? a === b
    : equalBytes(a as Uint8Array, b as Uint8Array);

const keyText = (k: bigint | Uint8Array): string =>
  typeof k === 'bigint' ? k.toString() : toHex(k);

/**
 * Usage batch roots by entries array and side: an era's parties share their batch's evidence, so
 * its settlement hashes each batch once instead of once per party (inputs are read-only).
 */
const usageRoots = new WeakMap<
  readonly UsageEntry[],
  { side: 'payers' | 'payees'; root: Uint8Array }
>();
function usageBatchRoot(side: 'payers' | 'payees', entries: readonly UsageEntry[]): Uint8Array {
  const hit = usageRoots.get(entries);
  if (hit !== undefined && hit.side === side) return hit.root;
  const root = batchRoot(entries.map((e) => usageLeaf(side, e)));
  usageRoots.set(entries, { side, root });
  return root;
}

/** The leaf of an entry: `payersLeaf` of a bucket, `payeesLeaf` of a node. */
export function usageLeaf(side: 'payers' | 'payees', e: UsageEntry): Uint8Array {
  return side === 'payers'
    ? payersLeaf(e.key as bigint, e.usage)
    : payeesLeaf(e.key as Uint8Array, e.usage);
}

/** The fingerprint a billing vote commits (`BillingFingerprint::selective_hash`). */
export function billingVoteFingerprint(
  clusterId: Uint8Array,
  v: BillingVote,
  payersRoot: Uint8Array,
  payeesRoot: Uint8Array
): Uint8Array {
  return billingFingerprint({
    clusterId,
    era: v.era,
    startEra: v.startEra,
    endEra: v.endEra,
    payersRoot,
    payeesRoot,
    clusterUsage: v.clusterUsage,
  });
}

/** A side's era root from its sent batches, or the indices it lacks. */
function sideRoot(
  side: 'payers' | 'payees',
  s: UsageSide
): { root: Uint8Array } | { missing: number[] } {
  // A usage batch's root is an MMR of its usage leaves; the era root is then the payout tree's.
  const roots = s.batches.map((b) => (b ? usageBatchRoot(side, b) : null));
  return sentEraRoot(s.maxBatchIndex, roots);
}

/**
 * `attestation.roots` of a billing-report era: the usage batches the payout sent, indices
 * 0..max of each side, rebuild the quorum's roots. `ROOTS_MISMATCH` when they differ, a batch is
 * missing (the facts name it) or there is no quorum to compare with.
 */
export function billingRootsLine(
  input: BillingEraInput | null,
  lead: { payersRoot: Uint8Array; payeesRoot: Uint8Array } | null
): Line {
  const base = { step: 'attestation' as const, check: 'attestation.roots', rule: RULE_BILLING_MMR };
  if (!input)
    return fail(
      { ...base, facts: { reason: 'the payout batches of the era are not known' } },
      'MALFORMED'
    );
  const payers = sideRoot('payers', input.payers);
  const payees = sideRoot('payees', input.payees);
  const hex = (r: typeof payers): string | null => ('root' in r ? toHex(r.root) : null);
  const facts: Facts = {
    basis: 'the usage batches the payout sent on chain (billing report)',
    votedPayersRoot: lead ? toHex(lead.payersRoot) : null,
    votedPayeesRoot: lead ? toHex(lead.payeesRoot) : null,
    computedPayersRoot: hex(payers),
    computedPayeesRoot: hex(payees),
    missingPayersBatches: 'missing' in payers ? payers.missing : [],
    missingPayeesBatches: 'missing' in payees ? payees.missing : [],
  };
  const ok =
    lead !== null &&
    'root' in payers &&
    'root' in payees &&
    equalBytes(lead.payersRoot, payers.root) &&
    equalBytes(lead.payeesRoot, payees.root);
  return verdict(ok, { ...base, facts }, 'ROOTS_MISMATCH');
}

/**
 * The report's `total_customer_charge` after `end_charging_customers`' fees: the sum of Cere's
 * charge of every bucket the payout charged (each in full: the design scales a partly charged
 * bucket's parts by what was charged, which the era's receipts do not carry), times one minus the
 * shares. Null when an input is missing or the chain's arithmetic would overflow.
 */
export function billingOutcome(
  input: BillingEraInput | null,
  vote: BillingVote | null,
  shares: Shares | null
): BillingOutcome {
  const pricing = input?.pricing ?? null;
  if (!input || !pricing || !vote || !shares) return { pricing, vote, afterFees: null };
  // Shares are Perquintill parts: a bundle stating more than 100% gets no after-fee total (the
  // rule's input range), never an exception.
  if ([shares.treasury, shares.validators, shares.reserve].some((s) => s > PERQUINTILL_ONE))
    return { pricing, vote, afterFees: null };
  let total: CustomerCharge = ZERO_CHARGE;
  for (const b of input.payers.batches)
    for (const e of b ?? []) {
      const c = customerCharge(pricing, e.usage, vote.startEra, vote.endEra);
      if (!c.ok) return { pricing, vote, afterFees: null };
      const sum = addCharges(total, c.value);
      if (!sum.ok) return { pricing, vote, afterFees: null };
      total = sum.value;
    }
  const fees = billingFees(total, shares);
  return { pricing, vote, afterFees: fees.ok ? fees.value.remaining : null };
}

/** What Cere's rule says one entry costs (payers) or earns (payees); null when it cannot say. */
function expectedOf(side: 'payers' | 'payees', e: UsageEntry, o: BillingOutcome): bigint | null {
  if (!o.vote) return null;
  if (side === 'payers') {
    if (!o.pricing) return null;
    const c = customerCharge(o.pricing, e.usage, o.vote.startEra, o.vote.endEra);
    const t = c.ok ? totalCharge(c.value) : null;
    return t?.ok ? t.value : null;
  }
  if (!o.afterFees) return null;
  const t = totalCharge(providerReward(e.usage, o.vote.clusterUsage, o.afterFees));
  return t.ok ? t.value : null;
}

/**
 * One side of a billing-report era's settlement for one account: the usage batch listing its
 * buckets or nodes proves into the attested root (canonical MMR proof), lists them, and the
 * chain's events for the account ask exactly what Cere's rule gives for their usage (a partial
 * charge or reward pays at most that).
 */
export function checkBillingSettlementSide(
  side: 'payers' | 'payees',
  b: BillingBatchEvidence,
  attestedRoot: Uint8Array | null,
  account: Uint8Array,
  o: BillingOutcome
): Line[] {
  const check = (name: string) => `settlement.${side}.${name}`;
  const amountRule = side === 'payers' ? RULE_BILLING_CHARGE : RULE_BILLING_REWARD;
  const src = b.source ? { source: b.source } : {};
  // verifyBillingBatch over the batch's leaves, with the batch's root computed once per era.
  const root = b.entries.length > 0 ? usageBatchRoot(side, b.entries) : null;
  const proofOk =
    attestedRoot !== null &&
    root !== null &&
    verifyPayoutBatch(attestedRoot, b.maxBatchIndex, b.batchIndex, root, b.proof);
  const lines: Line[] = [
    verdict(
      proofOk,
      {
        step: 'settlement',
        check: check('proof'),
        rule: RULE_BILLING_MMR,
        facts: {
          batchIndex: b.batchIndex,
          maxBatchIndex: b.maxBatchIndex,
          entries: b.entries.length,
          batchRoot: root ? toHex(root) : null,
          attestedRoot: attestedRoot ? toHex(attestedRoot) : null,
          proofItems: b.proof.length,
        },
        ...src,
      },
      b.batchIndex > b.maxBatchIndex ? 'INDEX_OUT_OF_RANGE' : 'PROOF_INVALID'
    ),
  ];
  const mine = b.entries.filter((e) => b.keys.some((k) => sameKey(k, e.key)));
  const entryFacts: Facts = {
    account: toHex(account),
    keys: b.keys.map(keyText),
    listed: mine.map((e) => keyText(e.key)),
  };
  lines.push(
    verdict(
      mine.length > 0,
      {
        step: 'settlement',
        check: check('entry'),
        rule: RULE_BILLING_MMR,
        facts: entryFacts,
        ...src,
      },
      'ENTRY_NOT_FOUND'
    )
  );
  if (mine.length === 0) {
    lines.push(
      fail(
        {
          step: 'settlement',
          check: check('amount'),
          rule: amountRule,
          facts: { ...entryFacts, blockedBy: check('entry') },
          ...src,
        },
        'ENTRY_NOT_FOUND'
      )
    );
    return lines;
  }
  const expected = mine.map((e) => expectedOf(side, e, o));
  const known = expected.every((x) => x !== null);
  const rule = known ? (expected as bigint[]).reduce((s, x) => s + x, 0n) : null;
  const evs = b.events.filter((e) => equalBytes(e.account, account));
  const paid = evs.reduce((s, e) => s + e.amount, 0n);
  const asked = evs.reduce((s, e) => s + (e.expected ?? e.amount), 0n);
  const facts: Facts = {
    account: toHex(account),
    ruleAmount: rule === null ? null : rule.toString(),
    eventExpected: asked.toString(),
    eventAmount: paid.toString(),
    partial: paid < asked,
    events: evs.length,
    ...(rule === null ? { reason: "Cere's rule cannot be applied: an input is missing" } : {}),
  };
  lines.push(
    verdict(
      rule !== null && evs.length > 0 && asked === rule && paid <= asked,
      {
        step: 'settlement',
        check: check('amount'),
        rule: amountRule,
        facts,
        ...(evs[0]?.source ? { source: evs[0].source } : {}),
      },
      rule === null ? 'MALFORMED' : 'AMOUNT_MISMATCH'
    )
  );
  return lines;
}
