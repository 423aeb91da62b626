/**
 * Era settlement and conservation (Cere DdcPayouts and DdcClusters, faithful to ddc-payouts
 * @9ce78a52; reference/cere.md A.2, A.3).
 *
 * - Settlement: each charge and reward batch sent on chain hashes to a batch root whose MMR proof
 *   verifies against the attested era root; the receipt's customer and provider are in their
 *   batches with the amounts the chain's events report; the era closed with `ClusterEraPaid`.
 * - Conservation: charged = treasury + cluster reserve + validator fees + rewards + not distributed,
 *   and each fee is its Perquintill share of the charges (rounded to nearest, ties down).
 * @module
 */
import { equalBytes, toHex } from '../bytes.ts';
import { type Facts, type Line, type Source, fail, pass, verdict } from '../lines.ts';
import { type PayoutEntry, payoutBatchRoot, verifyPayoutBatch } from '../payout-tree.ts';
import { RULE_PAYOUT_MMR } from './attestation.ts';

export const RULE_PAID = 'cere:DdcClusters.ClusterEraPaid';
export const RULE_CONSERVATION = 'cere:payout-conservation';

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

/**
 * One side of an era's settlement for one account: the batch's MMR proof against the attested era
 * root (null when none was attested), the account's entry in the batch, and the chain's events for
 * it agreeing with that entry.
 */
export function checkSettlementSide(
  side: 'payers' | 'payees',
  b: BatchEvidence,
  attestedRoot: Uint8Array | null,
  account: Uint8Array
): Line[] {
  const lines: Line[] = [];
  const src = b.source ? { source: b.source } : {};
  const batchRoot = b.entries.length > 0 ? payoutBatchRoot(b.entries) : null;
  // Canonical rules: the proof has exactly the items the crate's generator produces. The chain
  // itself uses the crate's looser rules, under which a shortened proof can also verify at another
  // batch index; a proof only the crate accepts is reported, with that fact, as a failure.
  const verifyWith = (rules: 'canonical' | 'crate'): boolean =>
    attestedRoot !== null &&
    batchRoot !== null &&
    verifyPayoutBatch(attestedRoot, b.maxBatchIndex, b.batchIndex, batchRoot, b.proof, rules);
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
          attestedRoot: attestedRoot ? toHex(attestedRoot) : null,
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

/** The era closed: `DdcClusters.ClusterEraPaid` was emitted (where, or null if it was not). */
export function checkPaid(paid: Source | null): Line {
  return paid
    ? pass({
        step: 'settlement',
        check: 'settlement.paid',
        rule: RULE_PAID,
        basis: 'trusted',
        facts: {},
        source: paid,
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
      );
}

export function checkSettlement(
  input: SettlementInput,
  attested: { payersRoot: Uint8Array | null; payeesRoot: Uint8Array | null },
  parties: { customer: Uint8Array; provider: Uint8Array }
): Line[] {
  return [
    ...checkSettlementSide('payers', input.payers, attested.payersRoot, parties.customer),
    ...checkSettlementSide('payees', input.payees, attested.payeesRoot, parties.provider),
    checkPaid(input.paid),
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
