/**
 * Rules of Cere's payout protocol that depend on the runtime version, as constants and functions
 * of the spec version (pure; docs/cere-runtimes.md cites every value).
 * @module
 */

/**
 * `MaxDust`: at most this many planck of an era's charges may stay in the payouts vault without an
 * event. `end_rewarding_providers` reports the remainder (`NotDistributedOverallReward`) only above
 * it (docs/cere-runtimes.md §10, §13.3; BN `pallets/ddc-payouts/src/lib.rs @9ce78a52660a` l.104).
 */
export const MAX_DUST = 100_000n;

/**
 * Cere's payout batch size (`MAX_PAYOUT_BATCH_SIZE`) at a spec version: what splits an era's
 * customer and provider lists into the batches whose Merkle roots validators commit
 * (docs/cere-runtimes.md §10): 1000 up to 63002, 500 from 63003, 300 at 73186, 100 from 73187.
 */
export function payoutBatchSizeOf(specVersion: number): number {
  if (specVersion >= 73187) return 100;
  if (specVersion === 73186) return 300;
  if (specVersion >= 63003) return 500;
  return 1000;
}

/**
 * Cere's two payout designs: `receipt` (payout receipts: batches of `(account, amount)`, the
 * fingerprint over an `ehd_id`; dev/staging from 72000) and `billing-report` (billing reports:
 * batches of usage the chain prices itself, the fingerprint over an era window and the cluster's
 * usage; up to 71000 on dev/staging). docs/cere-runtimes.md §7, docs/cere-billing-report.md.
 */
export type PayoutDesign = 'receipt' | 'billing-report';

/** The payout design of the runtime that executed an era's payout. */
export function payoutDesignOf(specVersion: number): PayoutDesign {
  return specVersion < 72000 ? 'billing-report' : 'receipt';
}
