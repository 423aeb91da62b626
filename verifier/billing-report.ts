/**
 * Cere's "billing report" payout design: the chain itself turns usage into charges and rewards.
 * Validators commit a billing fingerprint (era window, cluster usage, Merkle roots of per-bucket and
 * per-node usage); batches then carry `(BucketId, BucketUsage)` / `(NodePubKey, NodeUsage)` and the
 * pallet prices them, takes the protocol fees and splits the rest among nodes pro rata to usage.
 * This module reproduces that arithmetic and hashing exactly, as pure functions over bigint.
 *
 * Source of truth: Cerebellum-Network/blockchain-node at commit b3fd400687f1 ("release/7.1.0-rc1",
 * spec_version 71000 in runtime/cere/src/lib.rs l.151 and runtime/cere-dev/src/lib.rs l.158),
 * cited below as `BN@b3fd400687f1 <path> l.<lines>`; `lib.rs` alone means
 * `pallets/ddc-payouts/src/lib.rs`, `primitives` means `primitives/src/lib.rs`. Both runtimes set
 * `type Hasher = BlakeTwo256` for ddc-payouts (runtime/cere/src/lib.rs l.1238,
 * runtime/cere-dev/src/lib.rs l.1236), so every `T::Hasher::hash` here is blake2b-256.
 *
 * Substrate arithmetic (sp-arithmetic 26.0.0, polkadot-sdk tag polkadot-stable2409, per Cargo.lock
 * at that commit), file substrate/primitives/arithmetic/src/per_things.rs:
 * - `Perquintill::from_rational(p, q)` = `from_rational_with_rounding(p, q, Rounding::Down)`,
 *   falling back to `one()` (100%) when it errs, i.e. when `q == 0` or `p > q`. The computation is
 *   `10^18.multiply_rational(p, q, Down)`, exact in double width: floor(10^18 * p / q).
 * - `Perquintill * n` = `overflow_prune_mul(n, parts, Rounding::NearestPrefDown)`:
 *   `(n / 10^18) * parts + round(((n % 10^18) * parts) / 10^18)`, the correction rounded up only
 *   when its remainder is strictly above 10^18 / 2. That equals round-half-down of
 *   `n * parts / 10^18` for every u128 n and parts <= 10^18, which is what `perquintillMul` of
 *   ./receipts/payout.ts computes, so it is reused (`perquintillMul`, not re-implemented).
 * - `Perquintill + Perquintill`: u64 sum clamped to 10^18 by `from_parts` (the `debug_assert` is
 *   compiled out of a release runtime). `left_from_one()` = `one().saturating_sub(self)`.
 *
 * Integer casts follow Rust: `i64 as u128` sign-extends (so -1 becomes 2^128 - 1), `i64 as u64`
 * wraps modulo 2^64, and `end_era - start_era` on i64 is taken as wrapping. The last assumes a
 * runtime built without overflow checks (the workspace's [profile.release] sets only
 * `panic = "unwind"`, and release builds default to no overflow checks); the pallet's
 * `commit_billing_fingerprint` rejects `end_era <= start_era` (lib.rs l.723), so only a window wider
 * than i64::MAX could wrap.
 *
 * Merkle tree: `create_merkle_root` / `proof_merkle_leaf` (lib.rs l.662-709) use
 * polkadot-ckb-merkle-mountain-range 0.7.0 with ddc-primitives' `MergeMMRHash`
 * (primitives l.47-62: blake2s-256 of `left ‖ right`). That merge is byte for byte the `cereMerge` of
 * ./payout-tree.ts, and the crate's `src/mmr.rs` and `src/helper.rs` are unchanged between the
 * 0.6.0-era rename (paritytech/merkle-mountain-range 8a8a2dd) and 0.8.1 (6e932bc) apart from one
 * `pub`, so the MMR of ./mmr.ts (written for 0.8.1) is reused unchanged. The leaves differ from the
 * receipt design: they hash usage, not `(account, amount)`.
 * @module
 */
import { concatBytes, uintLE } from './bytes.ts';
import { blake2b256 } from './hash.ts';
import type { ProofRules } from './mmr.ts';
import { EMPTY_ROOT, payoutEraRoot, verifyPayoutBatch } from './payout-tree.ts';
import { perquintillMul } from './receipts/payout.ts';
import type { Shares } from './receipts/activity.ts';

export type { Shares };

/** Perquintill's accuracy: 10^18 parts = 100%. */
export const PERQUINTILL_ONE = 10n ** 18n;
/** `byte_unit::MEBIBYTE` (byte-unit 4.0.19, feature "u128"): 2^20. Prices are per MiB. */
export const MEBIBYTE = 1_048_576n;
/** `AVG_SECONDS_MONTH: i64 = 2630016` (30.44 days), BN@b3fd400687f1 primitives l.45. */
export const AVG_SECONDS_MONTH = 2_630_016n;
/** `MaxDust = MILLICENTS = 100_000` planck, lib.rs l.76 and primitives l.28. */
export const MAX_DUST = 100_000n;

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/**
 * `BucketUsage` and `NodeUsage` (BN@b3fd400687f1 primitives l.295-300 and l.326-331, identical
 * layouts): `transferred_bytes: u64`, `stored_bytes: i64` (signed: a delta can make it negative),
 * `number_of_puts: u64`, `number_of_gets: u64`. SCALE encodes the fields in this declared order.
 */
export interface Usage {
  /** u64. */
  readonly transferredBytes: bigint;
  /** i64. */
  readonly storedBytes: bigint;
  /** u64. */
  readonly numberOfPuts: bigint;
  /** u64. */
  readonly numberOfGets: bigint;
}
/** A bucket's payable usage (`BucketUsage`). */
export type BucketUsage = Usage;
/** A node's payable usage, or the cluster's total in the fingerprint (`NodeUsage`). */
export type NodeUsage = Usage;

/** `ClusterPricingParams` (BN@b3fd400687f1 primitives l.105-110): u128 prices. */
export interface ClusterPricing {
  readonly unitPerMbStored: bigint;
  readonly unitPerMbStreamed: bigint;
  readonly unitPerPutRequest: bigint;
  readonly unitPerGetRequest: bigint;
}

/**
 * `CustomerCharge` (primitives l.304-309); also the shape of `ProviderReward` (l.335-340) and of
 * the billing report's `total_customer_charge`. u128 amounts in planck.
 */
export interface CustomerCharge {
  readonly transfer: bigint;
  readonly storage: bigint;
  readonly puts: bigint;
  readonly gets: bigint;
}
/** `ProviderReward`: the same four u128 components. */
export type ProviderReward = CustomerCharge;

/** The pallet's `Error::ArithmeticOverflow` (lib.rs l.244), the only error these rules raise. */
export type BillingError = 'ArithmeticOverflow';
/** A rule's outcome: the value, or the error the pallet would return (never a throw). */
export type BillingResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: BillingError };

const ok = <T>(value: T): BillingResult<T> => ({ ok: true, value });
const overflow: BillingResult<never> = Object.freeze({ ok: false, error: 'ArithmeticOverflow' });

/** The zero charge (`CustomerCharge::default()`). */
export const ZERO_CHARGE: CustomerCharge = Object.freeze({
  transfer: 0n,
  storage: 0n,
  puts: 0n,
  gets: 0n,
});

function checkRange(v: bigint, min: bigint, max: bigint, what: string): void {
  if (typeof v !== 'bigint' || v < min || v > max) {
    throw new RangeError(`billing-report: ${what} is out of range`);
  }
}

function checkUsage(u: Usage): void {
  checkRange(u.transferredBytes, 0n, U64_MAX, 'transferred_bytes (u64)');
  checkRange(u.storedBytes, I64_MIN, I64_MAX, 'stored_bytes (i64)');
  checkRange(u.numberOfPuts, 0n, U64_MAX, 'number_of_puts (u64)');
  checkRange(u.numberOfGets, 0n, U64_MAX, 'number_of_gets (u64)');
}

/** `checked_mul` on u128: the product or null. */
function mulU128(a: bigint, b: bigint): bigint | null {
  const p = a * b;
  return p > U128_MAX ? null : p;
}

/** Rust `x as u128` for an i64 `x`: two's-complement sign extension. */
export function i64AsU128(x: bigint): bigint {
  return BigInt.asUintN(128, x);
}

/**
 * `Perquintill::from_rational(p, q)` for unsigned p, q, as parts of 10^18: floor(10^18 * p / q),
 * or 10^18 (100%) when `q == 0` or `p > q` (sp-arithmetic 26.0.0 per_things.rs, `from_rational`
 * and `from_rational_with_rounding`; see the module doc).
 */
export function perquintillFromRational(p: bigint, q: bigint): bigint {
  if (p < 0n || q < 0n) throw new RangeError('perquintillFromRational: negative input');
  if (q === 0n || p > q) return PERQUINTILL_ONE;
  return (PERQUINTILL_ONE * p) / q;
}

/**
 * `Perquintill * u128` (overflow_prune_mul with Rounding::NearestPrefDown), re-exported from
 * ./receipts/payout.ts where it is used for the receipt design's fees: same Substrate operator.
 */
export const perquintillMulU128: (parts: bigint, amount: bigint) => bigint = perquintillMul;

/**
 * The fraction of a month an era window covers: `Perquintill::from_rational(duration_seconds as
 * u64, AVG_SECONDS_MONTH as u64)` with `duration_seconds = end_era - start_era` (i64), lib.rs
 * l.493-496. Saturates at 100% for windows of a month or more; a negative duration (impossible
 * after `commit_billing_fingerprint`'s check) wraps to a huge u64 and also gives 100%.
 */
export function fractionOfMonth(startEra: bigint, endEra: bigint): bigint {
  checkRange(startEra, I64_MIN, I64_MAX, 'start_era (i64)');
  checkRange(endEra, I64_MIN, I64_MAX, 'end_era (i64)');
  const duration = BigInt.asIntN(64, endEra - startEra);
  return perquintillFromRational(BigInt.asUintN(64, duration), AVG_SECONDS_MONTH);
}

/**
 * `get_customer_charge` (BN@b3fd400687f1 pallets/ddc-payouts/src/lib.rs l.477-515):
 * - transfer = `transferred_bytes * unit_per_mb_streamed / MEBIBYTE` (u128, floor);
 * - storage = `fraction_of_month * (stored_bytes as u128 * unit_per_mb_stored / MEBIBYTE)`, the
 *   Perquintill product rounded to nearest (ties down); a negative `stored_bytes` is cast to
 *   2^128 + stored_bytes, so it overflows at any price above 1;
 * - gets = `number_of_gets * unit_per_get_request`, puts = `number_of_puts * unit_per_put_request`.
 * Every multiplication is `checked_mul`; an overflow is `ArithmeticOverflow` (which fails the
 * whole `send_charging_customers_batch`). Throws RangeError only for inputs outside the Rust types.
 */
export function customerCharge(
  pricing: ClusterPricing,
  usage: BucketUsage,
  startEra: bigint,
  endEra: bigint
): BillingResult<CustomerCharge> {
  checkUsage(usage);
  checkRange(pricing.unitPerMbStored, 0n, U128_MAX, 'unit_per_mb_stored (u128)');
  checkRange(pricing.unitPerMbStreamed, 0n, U128_MAX, 'unit_per_mb_streamed (u128)');
  checkRange(pricing.unitPerPutRequest, 0n, U128_MAX, 'unit_per_put_request (u128)');
  checkRange(pricing.unitPerGetRequest, 0n, U128_MAX, 'unit_per_get_request (u128)');
  const fraction = fractionOfMonth(startEra, endEra);
  const transferProduct = mulU128(usage.transferredBytes, pricing.unitPerMbStreamed);
  if (transferProduct === null) return overflow;
  const storageProduct = mulU128(i64AsU128(usage.storedBytes), pricing.unitPerMbStored);
  if (storageProduct === null) return overflow;
  const gets = mulU128(usage.numberOfGets, pricing.unitPerGetRequest);
  if (gets === null) return overflow;
  const puts = mulU128(usage.numberOfPuts, pricing.unitPerPutRequest);
  if (puts === null) return overflow;
  return ok({
    transfer: transferProduct / MEBIBYTE,
    storage: perquintillMul(fraction, storageProduct / MEBIBYTE),
    puts,
    gets,
  });
}

/**
 * `transfer + storage + puts + gets` with `checked_add` on u128, as `send_charging_customers_batch`
 * (lib.rs l.881-888), `end_charging_customers` (l.1024-1032), `send_rewarding_providers_batch`
 * (l.1175-1182) and `end_rewarding_providers` (l.1260-1268) all compute it.
 */
export function totalCharge(c: CustomerCharge): BillingResult<bigint> {
  const t = c.transfer + c.storage + c.puts + c.gets;
  return t > U128_MAX ? overflow : ok(t);
}

/** Component-wise `checked_add` of two charges (the report's running total, lib.rs l.963-985). */
export function addCharges(a: CustomerCharge, b: CustomerCharge): BillingResult<CustomerCharge> {
  const r = {
    transfer: a.transfer + b.transfer,
    storage: a.storage + b.storage,
    puts: a.puts + b.puts,
    gets: a.gets + b.gets,
  };
  return r.transfer > U128_MAX || r.storage > U128_MAX || r.puts > U128_MAX || r.gets > U128_MAX
    ? overflow
    : ok(r);
}

/** What charging one bucket adds to the report, and the events it deposits. */
export interface BucketChargeOutcome {
  /** `expected_to_charge`: the total of `customerCharge`. */
  readonly expected: bigint;
  /** What `CustomerCharger::charge_bucket_owner` returned (0 when it errored: `ChargeError`). */
  readonly charged: bigint;
  /** `Indebted.amount`, added to `DebtorCustomers`: expected - charged, 0 when fully charged. */
  readonly debt: bigint;
  /** `Perquintill::from_rational(charged, expected)` parts when partially charged, else null. */
  readonly ratio: bigint | null;
  /** The components added to `total_customer_charge`: scaled by `ratio` when partial. */
  readonly added: CustomerCharge;
  /** `Charged` when fully charged, else `Indebted` then `ChargeFailed`. */
  readonly events: readonly ('Charged' | 'Indebted' | 'ChargeFailed')[];
}

/**
 * One payer of `send_charging_customers_batch` (lib.rs l.871-985) given what the customer pallet
 * actually charged: when `charged < expected` the debt is recorded and each component is scaled by
 * `Perquintill::from_rational(charged, expected)` (rounded per component, l.943-951) before being
 * added to the report. An `expected` of 0 is never partial (0 < 0 is false). `charged` above
 * `expected` is taken as full (the chain's charger never returns more).
 */
export function chargeBucket(
  charge: CustomerCharge,
  charged: bigint
): BillingResult<BucketChargeOutcome> {
  const total = totalCharge(charge);
  if (!total.ok) return total;
  const expected = total.value;
  checkRange(charged, 0n, U128_MAX, 'charged amount (u128)');
  if (charged >= expected) {
    return ok({ expected, charged, debt: 0n, ratio: null, added: charge, events: ['Charged'] });
  }
  const ratio = perquintillFromRational(charged, expected);
  return ok({
    expected,
    charged,
    debt: expected - charged,
    ratio,
    added: {
      storage: perquintillMul(ratio, charge.storage),
      transfer: perquintillMul(ratio, charge.transfer),
      gets: perquintillMul(ratio, charge.gets),
      puts: perquintillMul(ratio, charge.puts),
    },
    events: ['Indebted', 'ChargeFailed'],
  });
}

/** What `end_charging_customers` takes from the vault and leaves for the providers. */
export interface BillingFees {
  /** The report's total charged (`checked_add` of the four components). */
  readonly totalCharged: bigint;
  /** `treasury_share * total` (`TreasuryFeesCollected.amount`, deposited only when > 0). */
  readonly treasury: bigint;
  /** `cluster_reserve_share * total` (`ClusterReserveFeesCollected.amount`, only when > 0). */
  readonly clusterReserve: bigint;
  /** `validators_share * total` (`ValidatorFeesCollected.amount`, only when > 0). */
  readonly validators: bigint;
  /** `(treasury + validators + reserve).left_from_one()` in parts of 10^18. */
  readonly totalLeftFromOne: bigint;
  /**
   * The report's `total_customer_charge` afterwards: each component times `totalLeftFromOne`
   * (rounded to nearest, ties down), or unchanged when `totalLeftFromOne` is zero (l.1080).
   */
  readonly remaining: CustomerCharge;
  /** The fee events `end_charging_customers` deposits, in its order (l.1038-1073). */
  readonly events: readonly (
    'TreasuryFeesCollected' | 'ClusterReserveFeesCollected' | 'ValidatorFeesCollected'
  )[];
}

/**
 * `end_charging_customers` (BN@b3fd400687f1 pallets/ddc-payouts/src/lib.rs l.1005-1096) on the
 * report's accumulated `total_customer_charge`: each fee is its Perquintill share of the total
 * (l.1034-1036), and what stays for providers is each component scaled by one minus the sum of the
 * shares (l.1075-1090). The fees are computed on the total but the remainder per component, so
 * `fees + total(remaining)` can differ from the total by rounding. Shares are Perquintill parts
 * (at most 10^18 each). Rounding: see the module doc.
 */
export function billingFees(total: CustomerCharge, shares: Shares): BillingResult<BillingFees> {
  checkRange(shares.treasury, 0n, PERQUINTILL_ONE, 'treasury_share (Perquintill)');
  checkRange(shares.validators, 0n, PERQUINTILL_ONE, 'validators_share (Perquintill)');
  checkRange(shares.reserve, 0n, PERQUINTILL_ONE, 'cluster_reserve_share (Perquintill)');
  const t = totalCharge(total);
  if (!t.ok) return t;
  const charged = t.value;
  const treasury = perquintillMul(shares.treasury, charged);
  const validators = perquintillMul(shares.validators, charged);
  const clusterReserve = perquintillMul(shares.reserve, charged);
  const sum = shares.treasury + shares.validators + shares.reserve;
  const clamped = sum > PERQUINTILL_ONE ? PERQUINTILL_ONE : sum;
  const left = PERQUINTILL_ONE - clamped;
  const remaining =
    left === 0n
      ? total
      : {
          transfer: perquintillMul(left, total.transfer),
          storage: perquintillMul(left, total.storage),
          puts: perquintillMul(left, total.puts),
          gets: perquintillMul(left, total.gets),
        };
  const events: BillingFees['events'][number][] = [];
  if (treasury > 0n) events.push('TreasuryFeesCollected');
  if (clusterReserve > 0n) events.push('ClusterReserveFeesCollected');
  if (validators > 0n) events.push('ValidatorFeesCollected');
  return ok({
    totalCharged: charged,
    treasury,
    clusterReserve,
    validators,
    totalLeftFromOne: left,
    remaining,
    events,
  });
}

/**
 * How `charge_validator_fees` (lib.rs l.416-443) splits the validators' fee: for each staker of
 * `NominatorsAndValidatorsList`, in its iteration order, `Perquintill::from_rational(score,
 * total_score) * validators_fee` (`get_current_exposure_ratios`, l.394-414; u64 scores, their sum
 * wrapping as u64 in a release build). One `ValidatorRewarded` per staker. The rounding remainder
 * stays in the vault.
 */
export function validatorFeeSplit(validatorsFee: bigint, scores: readonly bigint[]): bigint[] {
  let totalScore = 0n;
  for (const s of scores) {
    checkRange(s, 0n, U64_MAX, 'vote score (u64)');
    totalScore = BigInt.asUintN(64, totalScore + s);
  }
  return scores.map((s) => perquintillMul(perquintillFromRational(s, totalScore), validatorsFee));
}

/**
 * `get_provider_reward` (BN@b3fd400687f1 pallets/ddc-payouts/src/lib.rs l.445-475) with the inputs
 * `send_rewarding_providers_batch` passes (l.1168-1172): the node's payable usage, the
 * fingerprint's `cluster_usage` (NOT a sum of the submitted node usages) and the report's
 * `total_customer_charge` as left by `end_charging_customers`, i.e. after fees (`BillingFees
 * .remaining`). Per component: `Perquintill::from_rational(node, cluster) * total`. Byte counts
 * are cast `as u128` first (stored bytes sign-extended), puts and gets stay u64. Consequences of
 * `from_rational`: a node with more usage than the cluster total, or any node when the cluster
 * total of a component is 0, gets 100% of that component.
 */
export function providerReward(
  nodeUsage: NodeUsage,
  clusterUsage: NodeUsage,
  totalAfterFees: CustomerCharge
): ProviderReward {
  checkUsage(nodeUsage);
  checkUsage(clusterUsage);
  const r = (p: bigint, q: bigint, amount: bigint) =>
    perquintillMul(perquintillFromRational(p, q), amount);
  return {
    transfer: r(nodeUsage.transferredBytes, clusterUsage.transferredBytes, totalAfterFees.transfer),
    storage: r(
      i64AsU128(nodeUsage.storedBytes),
      i64AsU128(clusterUsage.storedBytes),
      totalAfterFees.storage
    ),
    puts: r(nodeUsage.numberOfPuts, clusterUsage.numberOfPuts, totalAfterFees.puts),
    gets: r(nodeUsage.numberOfGets, clusterUsage.numberOfGets, totalAfterFees.gets),
  };
}

/** What one provider of a rewarding batch receives and what the chain reports. */
export interface ProviderPayout {
  /** `expected_to_reward`: total of `providerReward` (`checked_add`). */
  readonly expected: bigint;
  /** `rewarded`: the amount transferred (capped at the vault's transferable balance). */
  readonly rewarded: bigint;
  /** Whether `NotDistributedReward` is deposited (shortfall above `MAX_DUST`). */
  readonly notDistributedEvent: boolean;
}

/**
 * The transfer step of `send_rewarding_providers_batch` (lib.rs l.1184-1231) given the vault's
 * `free_balance - minimum_balance` at that moment (chain state, not derivable from usage): the
 * reward is capped at that balance, and `NotDistributedReward` is deposited when the shortfall
 * exceeds `MaxDust`. A zero expected reward transfers nothing. The caller subtracts `rewarded` from
 * the vault for the next provider.
 */
export function providerPayout(
  reward: ProviderReward,
  vaultTransferable: bigint
): BillingResult<ProviderPayout> {
  const t = totalCharge(reward);
  if (!t.ok) return t;
  const expected = t.value;
  if (expected === 0n) return ok({ expected, rewarded: 0n, notDistributedEvent: false });
  if (expected > vaultTransferable) {
    return ok({
      expected,
      rewarded: vaultTransferable,
      notDistributedEvent: expected - vaultTransferable > MAX_DUST,
    });
  }
  return ok({ expected, rewarded: expected, notDistributedEvent: false });
}

/**
 * `end_rewarding_providers` (lib.rs l.1260-1278): `NotDistributedOverallReward` is deposited when
 * `expected - distributed > MaxDust`, where expected is the total of the after-fee
 * `total_customer_charge`. The u128 subtraction is unchecked: if more was distributed than
 * expected (possible through per-component rounding or the 100% fallbacks of `from_rational`) it
 * wraps in a release build and the event fires; `difference` is the wrapped value then.
 */
export function overallRewardCheck(
  totalAfterFees: CustomerCharge,
  totalDistributed: bigint
): BillingResult<{ expected: bigint; difference: bigint; notDistributedEvent: boolean }> {
  const t = totalCharge(totalAfterFees);
  if (!t.ok) return t;
  const difference = BigInt.asUintN(128, t.value - totalDistributed);
  return ok({ expected: t.value, difference, notDistributedEvent: difference > MAX_DUST });
}

// ---------------------------------------------------------------------------------------------
// Encodings, leaves, roots, fingerprint
// ---------------------------------------------------------------------------------------------

/** SCALE of a `BucketId` (u64, 8 bytes little-endian). */
function encodeU64(v: bigint, what: string): Uint8Array {
  checkRange(v, 0n, U64_MAX, what);
  return uintLE(v, 8);
}

function encodeI64(v: bigint, what: string): Uint8Array {
  checkRange(v, I64_MIN, I64_MAX, what);
  return uintLE(BigInt.asUintN(64, v), 8);
}

function bytes32(b: Uint8Array, what: string): Uint8Array {
  if (!(b instanceof Uint8Array) || b.length !== 32) {
    throw new RangeError(`billing-report: ${what} must be 32 bytes`);
  }
  return b;
}

/**
 * SCALE of `NodePubKey` (BN@b3fd400687f1 primitives l.137-139): an enum whose only variant
 * `StoragePubKey(AccountId32)` has index 0, so one 0x00 byte followed by the 32 key bytes.
 */
export function encodeNodePubKey(storagePubKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(0), bytes32(storagePubKey, 'StoragePubKey'));
}

/**
 * SCALE of `NodeUsage` / `BucketUsage` as `#[derive(Encode)]` writes it (used by the fingerprint's
 * `cluster_usage.encode()`): declared field order `transferred_bytes` u64, `stored_bytes` i64,
 * `number_of_puts` u64, `number_of_gets` u64 - 32 bytes. Note the leaves below use a different
 * order.
 */
export function encodeUsage(u: Usage): Uint8Array {
  return concatBytes(
    encodeU64(u.transferredBytes, 'transferred_bytes'),
    encodeI64(u.storedBytes, 'stored_bytes'),
    encodeU64(u.numberOfPuts, 'number_of_puts'),
    encodeU64(u.numberOfGets, 'number_of_gets')
  );
}

/** The leaves' usage part: `stored_bytes` FIRST, then transferred, puts, gets (lib.rs l.609-612). */
function leafUsage(u: Usage): Uint8Array {
  return concatBytes(
    encodeI64(u.storedBytes, 'stored_bytes'),
    encodeU64(u.transferredBytes, 'transferred_bytes'),
    encodeU64(u.numberOfPuts, 'number_of_puts'),
    encodeU64(u.numberOfGets, 'number_of_gets')
  );
}

/**
 * Preimage of a payer leaf, as `is_customers_batch_valid` builds it (BN@b3fd400687f1
 * pallets/ddc-payouts/src/lib.rs l.605-615): `bucket_id` u64 ‖ `stored_bytes` i64 ‖
 * `transferred_bytes` u64 ‖ `number_of_puts` u64 ‖ `number_of_gets` u64, 40 bytes. Throws
 * RangeError for values outside the Rust types.
 */
export function payersLeafPreimage(bucketId: bigint, usage: BucketUsage): Uint8Array {
  return concatBytes(encodeU64(bucketId, 'bucket_id'), leafUsage(usage));
}

/** A payer leaf: `BlakeTwo256(payersLeafPreimage)` (lib.rs l.613). */
export function payersLeaf(bucketId: bigint, usage: BucketUsage): Uint8Array {
  return blake2b256(payersLeafPreimage(bucketId, usage));
}

/**
 * Preimage of a payee leaf, as `is_providers_batch_valid` builds it (lib.rs l.637-647):
 * `NodePubKey` (0x00 ‖ 32 bytes) ‖ `stored_bytes` i64 ‖ `transferred_bytes` u64 ‖ puts u64 ‖
 * gets u64, 65 bytes.
 */
export function payeesLeafPreimage(storagePubKey: Uint8Array, usage: NodeUsage): Uint8Array {
  return concatBytes(encodeNodePubKey(storagePubKey), leafUsage(usage));
}

/** A payee leaf: `BlakeTwo256(payeesLeafPreimage)` (lib.rs l.645). */
export function payeesLeaf(storagePubKey: Uint8Array, usage: NodeUsage): Uint8Array {
  return blake2b256(payeesLeafPreimage(storagePubKey, usage));
}

/**
 * `create_merkle_root` (lib.rs l.662-686): the MMR root of the hashes in the given order with
 * `MergeMMRHash`, or the zero hash for an empty list. Used for a batch's root (over its leaves) and
 * for the era's `payers_merkle_root` / `payees_merkle_root` (over the batch roots; the validators
 * build that level off chain, the tests with the same MMR, tests.rs l.108-128).
 */
export function batchRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT.slice();
  for (const l of leaves) bytes32(l, 'leaf');
  return payoutEraRoot(leaves);
}

/** The era root over batch roots: the same `create_merkle_root`. */
export const eraRoot: (batchRoots: readonly Uint8Array[]) => Uint8Array = batchRoot;

/**
 * `proof_merkle_leaf` (lib.rs l.695-709) as `is_customers_batch_valid` / `is_providers_batch_valid`
 * call it (l.598-660): recompute the batch root from the submitted leaves, in the submitted order,
 * and verify it at `batchIndex` of an MMR of `maxBatchIndex + 1` leaves (`max_batch_index` from
 * `begin_charging_customers` / `begin_rewarding_providers`). `rules = 'crate'` reproduces the
 * chain's verdict including the crate's leniencies (e.g. a single batch ignores the proof items,
 * which is why the pallet tests can pass `MMRProof::default()`); 'canonical' (default) accepts
 * only proofs shaped as `gen_proof` makes them. Never throws.
 */
export function verifyBillingBatch(
  root: Uint8Array,
  maxBatchIndex: number,
  batchIndex: number,
  leaves: readonly Uint8Array[],
  proof: readonly Uint8Array[],
  rules: ProofRules = 'canonical'
): boolean {
  if (!Array.isArray(leaves)) return false;
  for (const l of leaves as readonly unknown[]) {
    if (!(l instanceof Uint8Array) || l.length !== 32) return false;
  }
  return verifyPayoutBatch(root, maxBatchIndex, batchIndex, batchRoot(leaves), proof, rules);
}

/** The fields of `BillingFingerprint` that `selective_hash` covers. */
export interface BillingFingerprintInput {
  /** `ClusterId` = H160: 20 bytes. */
  readonly clusterId: Uint8Array;
  /** `DdcEra` = u32. */
  readonly era: number;
  /** i64 (Unix seconds in practice). */
  readonly startEra: bigint;
  /** i64. */
  readonly endEra: bigint;
  /** H256. */
  readonly payersRoot: Uint8Array;
  /** H256. */
  readonly payeesRoot: Uint8Array;
  readonly clusterUsage: NodeUsage;
}

/**
 * Preimage of `BillingFingerprint::selective_hash` (BN@b3fd400687f1 pallets/ddc-payouts/src/lib.rs
 * l.345-356): `cluster_id` (20) ‖ `era_id` u32 ‖ `start_era` i64 ‖ `end_era` i64 ‖
 * `payers_merkle_root` (32) ‖ `payees_merkle_root` (32) ‖ `cluster_usage` (SCALE, 32: transferred,
 * stored, puts, gets) = 136 bytes; the `validators` set is left out on purpose.
 */
export function billingFingerprintPreimage(f: BillingFingerprintInput): Uint8Array {
  if (!(f.clusterId instanceof Uint8Array) || f.clusterId.length !== 20) {
    throw new RangeError('billing-report: cluster_id must be 20 bytes (H160)');
  }
  if (!Number.isInteger(f.era) || f.era < 0 || f.era > 0xffffffff) {
    throw new RangeError('billing-report: era must be a u32');
  }
  return concatBytes(
    f.clusterId,
    uintLE(BigInt(f.era), 4),
    encodeI64(f.startEra, 'start_era'),
    encodeI64(f.endEra, 'end_era'),
    bytes32(f.payersRoot, 'payers_merkle_root'),
    bytes32(f.payeesRoot, 'payees_merkle_root'),
    encodeUsage(f.clusterUsage)
  );
}

/**
 * The billing fingerprint (`selective_hash`, lib.rs l.345-356): `BlakeTwo256` of
 * `billingFingerprintPreimage`. It keys `BillingFingerprints` and is what `begin_billing_report`
 * takes.
 */
export function billingFingerprint(f: BillingFingerprintInput): Uint8Array {
  return blake2b256(billingFingerprintPreimage(f));
}
