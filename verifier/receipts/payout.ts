/**
 * Attestation rounds, era settlement and conservation: Cere's DdcPayouts, faithful to
 * ddc-payouts @9ce78a52 (reference/cere.md A.2, A.3).
 *
 * - Attestation: validators commit payout fingerprints (`PayoutFingerprintCommited`, one per
 *   validator) naming the era's payers and payees MMR roots. Quorum counts distinct known
 *   validators per root pair (`cere67` or `twoThirds`); the leading roots must equal the roots this
 *   code recomputes from the era's payer and payee lists.
 * - Settlement: each charge and reward batch sent on chain hashes to a batch root whose MMR proof
 *   verifies against the attested era root; the receipt's customer and provider are in their
 *   batches with the amounts the chain's events report; the era closed with `ClusterEraPaid`.
 * - Conservation: charged = treasury + cluster reserve + validator fees + rewards + not distributed,
 *   and each fee is its Perquintill share of the charges (rounded to nearest, ties down).
 * @module
 */
import { compactU, concatBytes, equalBytes, toHex, utf8 } from '../bytes.ts';
import { blake2b256 } from '../hash.ts';
import { type Facts, type Line, type Source, fail, pass, verdict } from '../lines.ts';
import {
  type PayoutEntry,
  payoutBatchRoot,
  payoutEraRoot,
  splitToBatches,
  verifyPayoutBatch,
} from '../payout-tree.ts';
import { type QuorumRule, tally } from '../quorum.ts';

export const RULE_FINGERPRINT = 'cere:payout-fingerprint-2025-03';
export const RULE_PAYOUT_MMR = 'cere:payout-mmr-ckb-0.8.1';
export const RULE_PAID = 'cere:DdcClusters.ClusterEraPaid';
export const RULE_CONSERVATION = 'cere:payout-conservation';

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
  if (entries.length === 0) return null;
  const roots = splitToBatches(entries, batchSize).map((b) => payoutBatchRoot(b));
  return payoutEraRoot(roots);
}

export interface FingerprintVote {
  readonly validator: Uint8Array;
  readonly payersRoot: Uint8Array;
  readonly payeesRoot: Uint8Array;
  /** The committed fingerprint, when the chain event or call carries one. */
  readonly fingerprint: Uint8Array | null;
  readonly source?: Source;
}

export interface AttestationInput {
  readonly clusterId: Uint8Array;
  readonly era: number;
  /** Needed to recompute fingerprints; null when the round's ehd_id is unknown. */
  readonly ehdId: string | null;
  /** The active validator set read from the chain (trusted). */
  readonly validators: readonly Uint8Array[];
  readonly votes: readonly FingerprintVote[];
  /** The era's payer and payee lists recomputed from the verified activity. */
  readonly activity: {
    readonly batchSize: number;
    readonly payers: readonly PayoutEntry[];
    readonly payees: readonly PayoutEntry[];
  };
}

export interface AttestationResult {
  readonly lines: Line[];
  /** The attested roots (those of the leading vote), for the settlement step. */
  readonly payersRoot: Uint8Array | null;
  readonly payeesRoot: Uint8Array | null;
}

function rootsKey(v: FingerprintVote): string {
  return toHex(v.payersRoot) + toHex(v.payeesRoot).slice(2);
}

export function checkAttestation(
  input: AttestationInput,
  record: { clusterId: Uint8Array; era: number },
  rule: QuorumRule
): AttestationResult {
  const lines: Line[] = [];
  const eraOk = equalBytes(input.clusterId, record.clusterId) && input.era === record.era;
  lines.push(
    verdict(
      eraOk,
      {
        step: 'attestation',
        check: 'attestation.era',
        rule: RULE_FINGERPRINT,
        facts: {
          expectedCluster: toHex(record.clusterId),
          expectedEra: record.era,
          cluster: toHex(input.clusterId),
          era: input.era,
        },
      },
      'ERA_MISMATCH'
    )
  );

  input.votes.forEach((v, i) => {
    if (!v.fingerprint || input.ehdId === null) return;
    const computed = payoutFingerprint(input.clusterId, input.ehdId, v.payersRoot, v.payeesRoot);
    lines.push(
      verdict(
        equalBytes(computed, v.fingerprint),
        {
          step: 'attestation',
          check: `attestation.fingerprint[${i}]`,
          rule: RULE_FINGERPRINT,
          facts: {
            validator: toHex(v.validator),
            expected: toHex(v.fingerprint),
            computed: toHex(computed),
            ehdId: input.ehdId,
          },
          ...(v.source ? { source: v.source } : {}),
        },
        'FINGERPRINT_MISMATCH'
      )
    );
  });

  const t = tally(
    input.votes.map((v) => ({ voter: toHex(v.validator), choice: rootsKey(v) })),
    input.validators.map(toHex),
    rule
  );
  const leadingVote = input.votes.find((v) => rootsKey(v) === t.leading) ?? null;
  const contested = t.counts.filter((c) => c.voters.length >= t.threshold).length > 1;
  const quorumFacts: Facts = {
    validators: t.n,
    rule: t.rule,
    threshold: t.threshold,
    votes: input.votes.length,
    leadingVotes: t.leadingVotes,
    leadingVoters: t.counts[0]?.voters ?? [],
    dissenting: t.counts.slice(1).flatMap((c) => c.voters),
    unknownSigners: t.unknown,
    duplicateSigners: t.duplicates,
    equivocators: t.equivocators,
    otherRule: t.other.rule,
    otherThreshold: t.other.threshold,
    otherReached: t.other.reached,
    decidedByRule: t.reached !== t.other.reached,
    contested,
  };
  lines.push(
    verdict(
      t.reached && !contested,
      { step: 'attestation', check: 'attestation.quorum', rule, facts: quorumFacts },
      'QUORUM_NOT_MET'
    )
  );

  const payersComputed = eraRootOf(input.activity.payers, input.activity.batchSize);
  const payeesComputed = eraRootOf(input.activity.payees, input.activity.batchSize);
  const rootsFacts: Facts = {
    votedPayersRoot: leadingVote ? toHex(leadingVote.payersRoot) : null,
    votedPayeesRoot: leadingVote ? toHex(leadingVote.payeesRoot) : null,
    computedPayersRoot: payersComputed ? toHex(payersComputed) : null,
    computedPayeesRoot: payeesComputed ? toHex(payeesComputed) : null,
    payers: input.activity.payers.length,
    payees: input.activity.payees.length,
    batchSize: input.activity.batchSize,
  };
  const rootsOk =
    leadingVote !== null &&
    payersComputed !== null &&
    payeesComputed !== null &&
    equalBytes(leadingVote.payersRoot, payersComputed) &&
    equalBytes(leadingVote.payeesRoot, payeesComputed);
  lines.push(
    verdict(
      rootsOk,
      { step: 'attestation', check: 'attestation.roots', rule: RULE_PAYOUT_MMR, facts: rootsFacts },
      'ROOTS_MISMATCH'
    )
  );
  return {
    lines,
    payersRoot: leadingVote ? leadingVote.payersRoot : null,
    payeesRoot: leadingVote ? leadingVote.payeesRoot : null,
  };
}

export interface ChainAmount {
  readonly account: Uint8Array;
  /** What was charged or rewarded. */
  readonly amount: bigint;
  /** What the batch asked for (`expected_to_charge` / `expected_to_reward`), when it differs. */
  readonly expected: bigint | null;
  readonly source?: Source;
}

export interface BatchEvidence {
  readonly batchIndex: number;
  readonly maxBatchIndex: number;
  /** The (account, amount) list as sent in the batch extrinsic, in its order. */
  readonly entries: readonly PayoutEntry[];
  readonly proof: readonly Uint8Array[];
  /** `Charged`/`ChargedPartially` or `Rewarded` events of this batch for the receipt's account. */
  readonly events: readonly ChainAmount[];
  readonly source?: Source;
}

export interface SettlementInput {
  /** Where `DdcClusters.ClusterEraPaid { cluster_id, era_id }` was emitted; null if it was not. */
  readonly paid: Source | null;
  readonly payers: BatchEvidence;
  readonly payees: BatchEvidence;
}

function checkBatch(
  side: 'payers' | 'payees',
  b: BatchEvidence,
  eraRoot: Uint8Array | null,
  account: Uint8Array
): Line[] {
  const lines: Line[] = [];
  const src = b.source ? { source: b.source } : {};
  const batchRoot = b.entries.length > 0 ? payoutBatchRoot(b.entries) : null;
  // Canonical rules: the proof has exactly the items the crate's generator produces. The chain
  // itself uses the crate's looser rules, under which a shortened proof can also verify at another
  // batch index; a proof only the crate accepts is reported, with that fact, as a failure.
  const verifyWith = (rules: 'canonical' | 'crate'): boolean =>
    eraRoot !== null &&
    batchRoot !== null &&
    verifyPayoutBatch(eraRoot, b.maxBatchIndex, b.batchIndex, batchRoot, b.proof, rules);
  const proofOk = verifyWith('canonical');
  const chainRulesAccept = proofOk || verifyWith('crate');
  lines.push(
    verdict(
      proofOk,
      {
        step: 'settlement',
        check: `settlement.${side}.proof`,
        rule: RULE_PAYOUT_MMR,
        facts: {
          batchIndex: b.batchIndex,
          maxBatchIndex: b.maxBatchIndex,
          entries: b.entries.length,
          batchRoot: batchRoot ? toHex(batchRoot) : null,
          attestedRoot: eraRoot ? toHex(eraRoot) : null,
          proofItems: b.proof.length,
          chainRulesAccept,
        },
        ...src,
      },
      b.batchIndex > b.maxBatchIndex ? 'INDEX_OUT_OF_RANGE' : 'PROOF_INVALID'
    )
  );
  const entry = b.entries.find((e) => equalBytes(e.account, account));
  const entryFacts: Facts = {
    account: toHex(account),
    amount: entry ? entry.amount.toString() : null,
  };
  if (!entry) {
    lines.push(
      fail(
        {
          step: 'settlement',
          check: `settlement.${side}.entry`,
          rule: RULE_PAYOUT_MMR,
          facts: entryFacts,
          ...src,
        },
        'ENTRY_NOT_FOUND'
      )
    );
    return lines;
  }
  lines.push(
    pass({
      step: 'settlement',
      check: `settlement.${side}.entry`,
      rule: RULE_PAYOUT_MMR,
      facts: entryFacts,
      ...src,
    })
  );
  const evs = b.events.filter((e) => equalBytes(e.account, account));
  const paidAmount = evs.reduce((s, e) => s + e.amount, 0n);
  const asked = evs.reduce((s, e) => s + (e.expected ?? e.amount), 0n);
  const amountOk = evs.length > 0 && asked === entry.amount && paidAmount <= asked;
  lines.push(
    verdict(
      amountOk,
      {
        step: 'settlement',
        check: `settlement.${side}.amount`,
        rule: side === 'payers' ? 'cere:DdcPayouts.Charged' : 'cere:DdcPayouts.Rewarded',
        basis: 'checked',
        facts: {
          account: toHex(account),
          batchAmount: entry.amount.toString(),
          eventExpected: asked.toString(),
          eventAmount: paidAmount.toString(),
          partial: paidAmount < asked,
          events: evs.length,
        },
        ...(evs[0]?.source ? { source: evs[0].source } : {}),
      },
      'AMOUNT_MISMATCH'
    )
  );
  return lines;
}

export function checkSettlement(
  input: SettlementInput,
  attested: { payersRoot: Uint8Array | null; payeesRoot: Uint8Array | null },
  parties: { customer: Uint8Array; provider: Uint8Array }
): Line[] {
  return [
    ...checkBatch('payers', input.payers, attested.payersRoot, parties.customer),
    ...checkBatch('payees', input.payees, attested.payeesRoot, parties.provider),
    input.paid
      ? pass({
          step: 'settlement',
          check: 'settlement.paid',
          rule: RULE_PAID,
          basis: 'trusted',
          facts: {},
          source: input.paid,
        })
      : fail(
          {
            step: 'settlement',
            check: 'settlement.paid',
            rule: RULE_PAID,
            basis: 'trusted',
            facts: {},
          },
          'NOT_PAID'
        ),
  ];
}

export interface ConservationInput {
  readonly charged: bigint;
  readonly treasuryFees: bigint;
  readonly reserveFees: bigint;
  readonly validatorFees: bigint;
  readonly rewarded: bigint;
  readonly notDistributed: bigint;
  /** The cluster's protocol shares as Perquintill parts (10^18 = 100%), when known. */
  readonly shares: { treasury: bigint; validators: bigint; reserve: bigint } | null;
  readonly source?: Source;
}

const PERQUINTILL = 10n ** 18n;

/** `Perquintill(parts) * amount` with sp-arithmetic's NearestPrefDown rounding. */
export function perquintillMul(parts: bigint, amount: bigint): bigint {
  const num = parts * amount;
  const q = num / PERQUINTILL;
  const r = num % PERQUINTILL;
  return 2n * r > PERQUINTILL ? q + 1n : q;
}

export function checkConservation(c: ConservationInput): Line[] {
  const distributed =
    c.treasuryFees + c.reserveFees + c.validatorFees + c.rewarded + c.notDistributed;
  const src = c.source ? { source: c.source } : {};
  const lines: Line[] = [
    verdict(
      distributed === c.charged,
      {
        step: 'conservation',
        check: 'conservation.balance',
        rule: RULE_CONSERVATION,
        facts: {
          charged: c.charged.toString(),
          treasuryFees: c.treasuryFees.toString(),
          reserveFees: c.reserveFees.toString(),
          validatorFees: c.validatorFees.toString(),
          rewarded: c.rewarded.toString(),
          notDistributed: c.notDistributed.toString(),
          distributed: distributed.toString(),
          difference: (c.charged - distributed).toString(),
        },
        ...src,
      },
      'NOT_BALANCED'
    ),
  ];
  if (c.shares) {
    const expected = {
      treasury: perquintillMul(c.shares.treasury, c.charged),
      validators: perquintillMul(c.shares.validators, c.charged),
      reserve: perquintillMul(c.shares.reserve, c.charged),
    };
    const ok =
      expected.treasury === c.treasuryFees &&
      expected.validators === c.validatorFees &&
      expected.reserve === c.reserveFees;
    lines.push(
      verdict(
        ok,
        {
          step: 'conservation',
          check: 'conservation.fees',
          rule: RULE_CONSERVATION,
          facts: {
            expectedTreasury: expected.treasury.toString(),
            treasury: c.treasuryFees.toString(),
            expectedValidators: expected.validators.toString(),
            validators: c.validatorFees.toString(),
            expectedReserve: expected.reserve.toString(),
            reserve: c.reserveFees.toString(),
          },
          ...src,
        },
        'AMOUNT_MISMATCH'
      )
    );
  }
  return lines;
}
