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
import { MAX_DUST } from '../cere-rules.ts';
import { type Facts, type Line, type Source, fail, pass, verdict } from '../lines.ts';
import { type PayoutEntry, payoutBatchRoot, verifyPayoutBatch } from '../payout-tree.ts';
import { RULE_PAYOUT_MMR } from './attestation.ts';

/**
 * Batch roots by entries array. The parties of an era share their batch's evidence (one array per
 * batch), so an era's settlement hashes each batch once instead of once per party. Inputs are
 * read-only, so an array's root never changes; a batch that cannot be hashed is not kept.
 */
const batchRoots = new WeakMap<readonly PayoutEntry[], Uint8Array>();
function rootOfBatch(entries: readonly PayoutEntry[]): Uint8Array {
  let root = batchRoots.get(entries);
  if (root === undefined) {
    root = payoutBatchRoot(entries);
    batchRoots.set(entries, root);
  }
  return root;
}

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
 * it agreeing with that entry. `b` is null when no batch of the era lists the account.
 */
export function checkSettlementSide(
  side: 'payers' | 'payees',
  b: BatchEvidence | null,
  attestedRoot: Uint8Array | null,
  account: Uint8Array
): Line[] {
  const check = (name: string) => `settlement.${side}.${name}`;
  const amountRule = side === 'payers' ? 'cere:DdcPayouts.Charged' : 'cere:DdcPayouts.Rewarded';
  if (b === null) {
    const facts = {
      account: toHex(account),
      reason: 'no payout batch of the era lists the account',
    };
    return [
      fail(
        { step: 'settlement', check: check('proof'), rule: RULE_PAYOUT_MMR, facts },
        'ENTRY_NOT_FOUND'
      ),
      fail(
        { step: 'settlement', check: check('entry'), rule: RULE_PAYOUT_MMR, facts },
        'ENTRY_NOT_FOUND'
      ),
      fail(
        { step: 'settlement', check: check('amount'), rule: amountRule, facts },
        'ENTRY_NOT_FOUND'
      ),
    ];
  }
  const lines: Line[] = [];
  const src = b.source ? { source: b.source } : {};
  const batchRoot = b.entries.length > 0 ? rootOfBatch(b.entries) : null;
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
        check: check('proof'),
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
  lines.push(
    verdict(
      entry !== undefined,
      {
        step: 'settlement',
        check: check('entry'),
        rule: RULE_PAYOUT_MMR,
        facts: entryFacts,
        ...src,
      },
      'ENTRY_NOT_FOUND'
    )
  );
  if (!entry) {
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
  const evs = b.events.filter((e) => equalBytes(e.account, account));
  const paidAmount = evs.reduce((s, e) => s + e.amount, 0n);
  const asked = evs.reduce((s, e) => s + (e.expected ?? e.amount), 0n);
  const amountOk = evs.length > 0 && asked === entry.amount && paidAmount <= asked;
  lines.push(
    verdict(
      amountOk,
      {
        step: 'settlement',
        check: check('amount'),
        rule: amountRule,
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

/** A later era of the cluster that was paid while this one was not. */
export interface Superseded {
  readonly era: number;
  readonly source?: Source;
}

/**
 * The era closed: `DdcClusters.ClusterEraPaid` was emitted (where), or was not although a later
 * era of the cluster was paid (Cere pays eras in order: `last_paid_era` only grows).
 */
export function checkPaid(paid: Source | null, superseded: Superseded | null): Line {
  const base = {
    step: 'settlement' as const,
    check: 'settlement.paid',
    rule: RULE_PAID,
    basis: 'trusted' as const,
  };
  if (paid) return pass({ ...base, facts: {}, source: paid });
  return fail(
    {
      ...base,
      facts: { laterEraPaid: superseded ? superseded.era : null },
      ...(superseded?.source ? { source: superseded.source } : {}),
    },
    'NOT_PAID'
  );
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

/**
 * An era's balance: what left the charged amount (fees + rewards + reported remainder), the
 * difference, and the dust (0 < difference ≤ MAX_DUST with no reported remainder: what Cere keeps
 * in the payouts vault without an event), else null. Balanced: difference 0 or dust.
 */
export function eraBalance(
  c: Pick<
    ConservationInput,
    'charged' | 'treasuryFees' | 'reserveFees' | 'validatorFees' | 'rewarded' | 'notDistributed'
  >
): { distributed: bigint; difference: bigint; dust: bigint | null; balanced: boolean } {
  const distributed =
    c.treasuryFees + c.reserveFees + c.validatorFees + c.rewarded + c.notDistributed;
  const difference = c.charged - distributed;
  const dust =
    c.notDistributed === 0n && difference > 0n && difference <= MAX_DUST ? difference : null;
  return { distributed, difference, dust, balanced: difference === 0n || dust !== null };
}

/**
 * The era's balance: what customers were charged equals the fees, the rewards and what the chain
 * reported as not distributed. Cere keeps a remainder of at most `MAX_DUST` planck without an
 * event, so with no `NotDistributedOverallReward` (`notDistributed` 0) a shortfall in
 * [0, MAX_DUST] balances as dust; a reported remainder must balance exactly.
 */
export function checkConservation(c: ConservationInput): Line[] {
  const { distributed, difference, dust } = eraBalance(c);
  const src = c.source ? { source: c.source } : {};
  const lines: Line[] = [
    verdict(
      difference === 0n || dust !== null,
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
          difference: difference.toString(),
          ...(dust === null ? {} : { dust: dust.toString(), maxDust: MAX_DUST.toString() }),
        },
        ...src,
      },
      'NOT_BALANCED'
    ),
  ];
  const feesBase = {
    step: 'conservation' as const,
    check: 'conservation.fees',
    rule: RULE_CONSERVATION,
    ...src,
  };
  if (!c.shares) {
    lines.push(
      fail(
        {
          ...feesBase,
          facts: {
            treasury: c.treasuryFees.toString(),
            validators: c.validatorFees.toString(),
            reserve: c.reserveFees.toString(),
            reason: "the cluster's protocol shares are not known",
          },
        },
        'MALFORMED'
      )
    );
    return lines;
  }
  const expected = protocolFees(c.shares, c.charged);
  const ok =
    expected.treasury === c.treasuryFees &&
    expected.validators === c.validatorFees &&
    expected.reserve === c.reserveFees;
  lines.push(
    verdict(
      ok,
      {
        ...feesBase,
        facts: {
          expectedTreasury: expected.treasury.toString(),
          treasury: c.treasuryFees.toString(),
          expectedValidators: expected.validators.toString(),
          validators: c.validatorFees.toString(),
          expectedReserve: expected.reserve.toString(),
          reserve: c.reserveFees.toString(),
        },
      },
      'AMOUNT_MISMATCH'
    )
  );
  return lines;
}

/**
 * The three protocol fees of an era's charges, as the chain computes them: each the Perquintill
 * share of the total charged, rounded to nearest (ties down).
 */
export function protocolFees(
  shares: { treasury: bigint; validators: bigint; reserve: bigint },
  charged: bigint
): { treasury: bigint; validators: bigint; reserve: bigint } {
  return {
    treasury: perquintillMul(shares.treasury, charged),
    validators: perquintillMul(shares.validators, charged),
    reserve: perquintillMul(shares.reserve, charged),
  };
}
