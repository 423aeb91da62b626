/**
 * An era's payer and payee lists recomputed from its activity (docs/spec.md §8, "Recomputing the
 * era lists from the activity"): each record costs its usage at the cluster's pricing; each
 * customer is charged the sum of its records' costs; the protocol fees are the cluster's
 * Perquintill shares of the total charged; what is left is shared among the providers pro rata to
 * the cost of the records they served, rounded down, and the rounding remainder is not distributed.
 *
 * The devnet builds its eras with these functions, and the indexer recomputes the lists the
 * attestation step checks the validators' roots against with them.
 * @module
 */
import { toHex } from '../bytes.ts';
import type { PayoutEntry } from '../payout-tree.ts';
import type { ScpUsage } from './scp-record.ts';
import { protocolFees } from './payout.ts';

/**
 * A cluster's pricing, in planck (10^-10 CERE): ddc-primitives `ClusterProtocolParams`
 * `cost_per_mb_stored`, `cost_per_mb_streamed`, `cost_per_put_request`, `cost_per_get_request`,
 * `cost_per_cpu_unit`, `cost_per_gpu_unit`, `cost_per_ram_unit`.
 */
export interface Pricing {
  readonly perMbStored: bigint;
  readonly perMbStreamed: bigint;
  readonly perPut: bigint;
  readonly perGet: bigint;
  readonly perCpuMs: bigint;
  readonly perGpuUnit: bigint;
  readonly perRamUnit: bigint;
}

/**
 * Compute prices of the project's cost model for clusters whose chain parameters carry none: Cere
 * runtimes before 73177 price only storage, streaming and requests (`unit_per_*`,
 * docs/cere-runtimes.md §4.3). A project rule, not Cere's: receipts label activity costs so.
 */
export const PROJECT_COMPUTE_PRICES: Pick<Pricing, 'perCpuMs' | 'perGpuUnit' | 'perRamUnit'> =
  Object.freeze({ perCpuMs: 300n, perGpuUnit: 9_000n, perRamUnit: 100n });

/** The cluster's protocol shares as Perquintill parts (10^18 = 100%). */
export interface Shares {
  readonly treasury: bigint;
  readonly validators: bigint;
  readonly reserve: bigint;
}

const MB = 1_000_000n;

/**
 * What a record's usage costs at `p`: each byte count times its price per MB (10^6 bytes), divided
 * by 10^6 and rounded down term by term, plus each count times its unit price.
 */
export function usageCost(u: ScpUsage, p: Pricing): bigint {
  return (
    (u.storedBytes * p.perMbStored) / MB +
    (u.deliveredBytes * p.perMbStreamed) / MB +
    BigInt(u.puts) * p.perPut +
    BigInt(u.gets) * p.perGet +
    BigInt(u.cpuMs) * p.perCpuMs +
    BigInt(u.gpuUnits) * p.perGpuUnit +
    BigInt(u.ramUnits) * p.perRamUnit
  );
}

/** One record's part in its era: who pays, who served it, and its cost. */
export interface ActivityCost {
  readonly customer: Uint8Array;
  readonly provider: Uint8Array;
  readonly cost: bigint;
}

export interface EraPayoutLists {
  /** Per customer, the sum of its records' costs; in order of first appearance. */
  readonly payers: PayoutEntry[];
  /** Per provider, its share of the distributable amount; in order of first appearance. */
  readonly payees: PayoutEntry[];
  /** The sum of the payers' amounts. */
  readonly charged: bigint;
  /** Each fee is `Perquintill(share) * charged` (rounded to nearest, ties down). */
  readonly fees: {
    readonly treasury: bigint;
    readonly validators: bigint;
    readonly reserve: bigint;
  };
  /** The sum of the payees' amounts. */
  readonly rewarded: bigint;
  /** charged - fees - rewarded: the rounding remainder of the providers' shares. */
  readonly notDistributed: bigint;
  /**
   * How far the fees exceed the charges (0 normally). With shares summing to 100%, rounding each
   * fee to nearest can take one planck more than was charged; Cere's payee computation then fails
   * (`checked_sub`, ddc-payouts @9ce78a52 `calculate_ehd_providers_rewards`), so there is no payee
   * list: `payees` is empty and `rewarded` and `notDistributed` are 0.
   */
  readonly overdraw: bigint;
}

/** Amounts summed per account (by bytes), in order of first appearance. */
class AccountSums {
  private readonly byKey = new Map<string, { account: Uint8Array; amount: bigint }>();
  add(account: Uint8Array, amount: bigint): void {
    const key = toHex(account);
    const seen = this.byKey.get(key);
    if (seen) seen.amount += amount;
    else this.byKey.set(key, { account, amount });
  }
  entries(): Array<[Uint8Array, bigint]> {
    return [...this.byKey.values()].map((e) => [e.account, e.amount]);
  }
}

/**
 * The era's lists from per-customer and per-provider cost totals (as a database's GROUP BY gives
 * them). Repeated accounts are summed. The provider totals must sum to the customer totals (both
 * are the era's total cost), as they do when both come from the same records; otherwise the
 * rewards do not add up to the distributable amount.
 */
export function eraPayoutListsFromTotals(
  byCustomer: Iterable<readonly [Uint8Array, bigint]>,
  byProvider: Iterable<readonly [Uint8Array, bigint]>,
  shares: Shares
): EraPayoutLists {
  const customers = new AccountSums();
  for (const [account, amount] of byCustomer) customers.add(account, amount);
  const providers = new AccountSums();
  for (const [account, amount] of byProvider) providers.add(account, amount);
  const payers: PayoutEntry[] = customers.entries().map(([account, amount]) => ({
    account,
    amount,
  }));
  const charged = payers.reduce((s, e) => s + e.amount, 0n);
  const fees = protocolFees(shares, charged);
  const distributable = charged - fees.treasury - fees.validators - fees.reserve;
  if (distributable < 0n)
    return {
      payers,
      payees: [],
      charged,
      fees,
      rewarded: 0n,
      notDistributed: 0n,
      overdraw: -distributable,
    };
  const payees: PayoutEntry[] = providers.entries().map(([account, cost]) => ({
    account,
    amount: charged === 0n ? 0n : (distributable * cost) / charged,
  }));
  const rewarded = payees.reduce((s, e) => s + e.amount, 0n);
  return {
    payers,
    payees,
    charged,
    fees,
    rewarded,
    notDistributed: distributable - rewarded,
    overdraw: 0n,
  };
}

/** The era's lists from its records' costs (one item per record). */
export function eraPayoutLists(activity: Iterable<ActivityCost>, shares: Shares): EraPayoutLists {
  const customers = new AccountSums();
  const providers = new AccountSums();
  for (const a of activity) {
    customers.add(a.customer, a.cost);
    providers.add(a.provider, a.cost);
  }
  return eraPayoutListsFromTotals(customers.entries(), providers.entries(), shares);
}
