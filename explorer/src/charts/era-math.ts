/**
 * Era payout arithmetic shared by the era page and the era widget, exact on planck strings.
 * @module
 */

import { eraBalance } from '../../../verifier/receipts/payout.ts';

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

/**
 * What left the charged amount (fees + rewarded + not distributed), charged minus that, and
 * whether that balances by the verifier's rule (exactly, or within Cere's MaxDust as dust).
 */
export function conservation(e: EraTotals): ReturnType<typeof eraBalance> {
  return eraBalance({
    charged: big(e.charged),
    treasuryFees: big(e.treasuryFee),
    reserveFees: big(e.reserveFee),
    validatorFees: big(e.validatorFee),
    rewarded: big(e.rewarded),
    notDistributed: big(e.notDistributed),
  });
}
