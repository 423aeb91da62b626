/**
 * Era payout arithmetic shared by the era page and the era widget, exact on planck strings.
 * @module
 */

export interface EraTotals {
  id: string;
  clusterId: string;
  era: number;
  charged: string;
  treasuryFee: string;
  reserveFee: string;
  validatorFee: string;
  rewarded: string;
  notDistributed: string;
  records: number;
  ok: boolean;
  failed: number;
  blockHeight: number;
}

/** The GraphQL selection of `EraTotals`. */
export const ERA_TOTALS = `id clusterId era charged treasuryFee reserveFee validatorFee rewarded
  notDistributed records ok failed blockHeight`;

/** A planck string as a bigint (0 when missing or malformed). */
export function big(x: string | null | undefined): bigint {
  try {
    return BigInt(x ?? 0);
  } catch {
    return 0n;
  }
}

export function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** What left the charged amount (fees + rewarded + not distributed), and charged minus that. */
export function conservation(e: EraTotals): { distributed: bigint; difference: bigint } {
  const distributed =
    big(e.treasuryFee) +
    big(e.reserveFee) +
    big(e.validatorFee) +
    big(e.rewarded) +
    big(e.notDistributed);
  return { distributed, difference: big(e.charged) - distributed };
}
