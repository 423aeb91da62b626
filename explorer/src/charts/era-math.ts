/**
 * Era payout arithmetic shared by the era page and the era widget, exact on planck strings.
 * @module
 */

import { eraBalance } from '../../../verifier/receipts/payout.ts';
import type { EraTotalsFragment } from '../gql/graphql.ts';

/** An era's totals as the `EraTotals` fragment (explorer/src/fragments.ts) selects them. */
export type EraTotals = EraTotalsFragment;

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
