/**
 * Cere's payout Merkle Mountain Range: the two-level tree that ddc-payouts (Cerebellum-Network
 * blockchain-node @9ce78a52) uses to commit an era's charges and rewards, and the check its batch
 * extrinsics run. The MMR rules are those of `polkadot-ckb-merkle-mountain-range` 0.8.1
 * (paritytech/merkle-mountain-range @6e932bc4c318e851c8a931812b9fc3a0c14748d2), implemented in
 * ./mmr.ts. Prose spec and golden vectors: docs/spec.md appendix B, test/vectors/mmr-cere.json.
 *
 * - Leaf (`CustomerCharge(AccountId32, u128)` / `ProviderReward(AccountId32, u128)`, `Hashable`):
 *   `BlakeTwo256(SCALE(account) ‖ SCALE(amount))` = blake2b-256 of the 32 account bytes followed by
 *   the amount as u128 little-endian: a 48-byte preimage.
 * - Merge (`MergeMMRHash` in ddc-primitives, `MergeActivityHash` in 2024): blake2s-256 of
 *   `left ‖ right`, no domain separation; peaks are bagged with the same function.
 * - Batching (`split_to_batches`): sort by the derived `Ord` of (AccountId32, u128), i.e. account
 *   bytes then amount, then cut chunks of the batch size (a runtime constant).
 * - Batch root = MMR root of the batch's leaves in the order submitted; era root
 *   (`payers_merkle_root` / `payees_merkle_root`) = MMR root of the batch roots. ddc-payouts'
 *   `create_merkle_root` returns the zero hash for an empty list instead of failing.
 * - Batch check (`proof_merkle_leaf`): `MerkleProof::new(leaf_index_to_mmr_size(max_batch_index),
 *   proof).verify(root, vec![(leaf_index_to_pos(batch_index), batch_hash)])`, where
 *   `max_batch_index` (u16) is the number of batches minus one, as set by `begin_charging_customers`
 *   / `begin_rewarding_providers`. `verifyPayoutBatch` reproduces that verdict with
 *   `rules = 'crate'`; its default, 'canonical', also requires the proof to have the shape the
 *   crate generates, which closes a crate leniency (see `ProofRules` in ./mmr.ts).
 * @module
 */
import { uintLE } from './bytes.ts';
import { blake2b256, blake2s256, blake2s256Pair } from './hash.ts';
import { type Merge, mmrProof, mmrRoot, mmrVerify, type ProofRules } from './mmr.ts';

/** Cere's `BatchIndex` is a u16; batch indices and `max_batch_index` cannot exceed this. */
export const MAX_BATCH_INDEX = 0xffff;

/** The hash ddc-payouts' `create_merkle_root` returns for an empty list: `H256::default()`. */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(32);

/**
 * Cere's MMR merge `MergeMMRHash`: `blake2s256(left ‖ right)`. Two 32-byte inputs (every node of
 * the payout tree) take `blake2s256Pair` of ./hash.ts, a single-block BLAKE2s ~7x faster than the
 * generic one, which is what lets a verifier check >100k batch proofs per second; anything else goes
 * through `blake2s256`. Both give identical bytes (checked in test/hash.test.ts and
 * test/mmr.test.ts).
 */
export const cereMerge: Merge = (left, right) => {
  if (left.length === 32 && right.length === 32) return blake2s256Pair(left, right);
  const buf = new Uint8Array(left.length + right.length);
  buf.set(left, 0);
  buf.set(right, left.length);
  return blake2s256(buf);
};

/** One `(account, amount)` pair of a payout batch: a customer charge or a provider reward. */
export interface PayoutEntry {
  /** AccountId32: 32 raw bytes. */
  readonly account: Uint8Array;
  /** u128 amount in the chain's smallest unit. */
  readonly amount: bigint;
}

/**
 * The 48-byte leaf preimage `SCALE(AccountId32) ‖ SCALE(u128)` = account (32 bytes) followed by
 * the amount as 16 bytes little-endian. Throws RangeError if the account is not 32 bytes or the
 * amount is outside u128 (callers parse hostile input first and report such values as data).
 */
export function payoutLeafPreimage(account: Uint8Array, amount: bigint): Uint8Array {
  if (!(account instanceof Uint8Array) || account.length !== 32) {
    throw new RangeError('payoutLeaf: account must be 32 bytes (AccountId32)');
  }
  const out = new Uint8Array(48);
  out.set(account, 0);
  out.set(uintLE(amount, 16), 32);
  return out;
}

/** The payout leaf hash `blake2b256(account32 ‖ u128le(amount))` (ddc-payouts `Hashable::hash`). */
export function payoutLeaf(account: Uint8Array, amount: bigint): Uint8Array {
  return blake2b256(payoutLeafPreimage(account, amount));
}

/**
 * Rust's derived `Ord` for `(AccountId32, u128)`: account bytes compared lexicographically (as
 * unsigned bytes), then amount numerically.
 */
export function comparePayoutEntries(a: PayoutEntry, b: PayoutEntry): number {
  const x = a.account;
  const y = b.account;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - (y[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  if (a.amount === b.amount) return 0;
  return a.amount < b.amount ? -1 : 1;
}

/** A sorted copy of `entries` (the input is not modified), as `split_to_batches` sorts them. */
export function sortPayoutEntries(entries: readonly PayoutEntry[]): PayoutEntry[] {
  return [...entries].sort(comparePayoutEntries);
}

/**
 * ddc-payouts `split_to_batches`: sort, then cut consecutive chunks of `batchSize` (the last one
 * may be shorter). No entries give no batches. Throws RangeError unless `batchSize` is a positive
 * integer.
 */
export function splitToBatches(
  entries: readonly PayoutEntry[],
  batchSize: number
): PayoutEntry[][] {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`splitToBatches: batch size must be a positive integer, got ${batchSize}`);
  }
  const sorted = sortPayoutEntries(entries);
  const batches: PayoutEntry[][] = [];
  for (let i = 0; i < sorted.length; i += batchSize) batches.push(sorted.slice(i, i + batchSize));
  return batches;
}

/**
 * Root of one batch: MMR root of `payoutLeaf` of each entry, in the order given (the chain hashes
 * the submitted list as is; batches built by `splitToBatches` are already sorted). An empty batch
 * gives `EMPTY_ROOT`, as ddc-payouts' `create_merkle_root` does. Throws RangeError on a malformed
 * entry (see `payoutLeafPreimage`); `verifyPayoutBatchEntries` turns that into false.
 */
export function payoutBatchRoot(entries: readonly PayoutEntry[]): Uint8Array {
  if (entries.length === 0) return EMPTY_ROOT.slice();
  return mmrRoot(
    entries.map((e) => payoutLeaf(e.account, e.amount)),
    cereMerge
  );
}

/** The era root (`payers_merkle_root` / `payees_merkle_root`): MMR root of the batch roots. */
export function payoutEraRoot(batchRoots: readonly Uint8Array[]): Uint8Array {
  if (batchRoots.length === 0) return EMPTY_ROOT.slice();
  return mmrRoot(batchRoots, cereMerge);
}

/**
 * The era root of the batches a payout sent, indices 0..`maxBatchIndex` (their roots by index,
 * null for one not sent), or the indices still missing (all of them, as [0], before the side
 * began: `maxBatchIndex` null).
 */
export function sentEraRoot(
  maxBatchIndex: number | null,
  batchRoots: ReadonlyArray<Uint8Array | null>
): { root: Uint8Array } | { missing: number[] } {
  if (maxBatchIndex === null) return { missing: [0] };
  const missing: number[] = [];
  const roots: Uint8Array[] = [];
  for (let i = 0; i <= maxBatchIndex; i++) {
    const r = batchRoots[i];
    if (r) roots.push(r);
    else missing.push(i);
  }
  return missing.length > 0 ? { missing } : { root: payoutEraRoot(roots) };
}

/** One side of an era's payout (payers or payees): its batches, their roots and the era root. */
export interface PayoutTree {
  readonly batches: PayoutEntry[][];
  readonly batchRoots: Uint8Array[];
  readonly root: Uint8Array;
}

/** Sorts and chunks `entries` as ddc-payouts does and builds both levels of the tree. */
export function payoutTree(entries: readonly PayoutEntry[], batchSize: number): PayoutTree {
  const batches = splitToBatches(entries, batchSize);
  const batchRoots = batches.map((b) => payoutBatchRoot(b));
  return { batches, batchRoots, root: payoutEraRoot(batchRoots) };
}

/** Proof items for batch `batchIndex` against the era root (what a batch extrinsic carries). */
export function payoutBatchProof(
  batchRoots: readonly Uint8Array[],
  batchIndex: number
): Uint8Array[] {
  return mmrProof(batchRoots, batchIndex, cereMerge);
}

/**
 * ddc-payouts `proof_merkle_leaf`: whether `proof` shows `batchRoot` as batch `batchIndex` of an
 * era whose batches are numbered 0..`maxBatchIndex` (so there are `maxBatchIndex + 1` batches; this
 * is the on-chain `max_batch_index`, NOT the batch count) and whose root is `eraRoot`.
 * Equivalent to `mmrVerify(eraRoot, maxBatchIndex + 1, batchIndex, batchRoot, proof, cereMerge,
 * rules)` with the chain's types enforced: both indices are u16, hashes are 32 bytes. With
 * `rules = 'crate'` the verdict is the chain's, leniencies included (with a single batch the items
 * are ignored; the right-hand item may be missing, which lets some proofs verify at a second batch
 * index); the default 'canonical' accepts only proofs of the shape the crate generates. Never throws.
 */
export function verifyPayoutBatch(
  eraRoot: Uint8Array,
  maxBatchIndex: number,
  batchIndex: number,
  batchRoot: Uint8Array,
  proof: readonly Uint8Array[],
  rules: ProofRules = 'canonical'
): boolean {
  if (!isBatchIndex(maxBatchIndex) || !isBatchIndex(batchIndex)) return false;
  if (!(eraRoot instanceof Uint8Array) || eraRoot.length !== 32) return false;
  if (!(batchRoot instanceof Uint8Array) || batchRoot.length !== 32) return false;
  return mmrVerify(eraRoot, maxBatchIndex + 1, batchIndex, batchRoot, proof, cereMerge, rules);
}

/**
 * The whole on-chain batch check (`is_customers_batch_valid` / `is_providers_batch_valid`):
 * recompute the batch root from the submitted entries, in the submitted order, then
 * `verifyPayoutBatch`. False (never an exception) when an entry is malformed.
 */
export function verifyPayoutBatchEntries(
  eraRoot: Uint8Array,
  maxBatchIndex: number,
  batchIndex: number,
  entries: readonly PayoutEntry[],
  proof: readonly Uint8Array[],
  rules: ProofRules = 'canonical'
): boolean {
  if (!Array.isArray(entries)) return false;
  for (const e of entries as readonly unknown[]) {
    if (typeof e !== 'object' || e === null) return false;
    const { account, amount } = e as { account?: unknown; amount?: unknown };
    if (!(account instanceof Uint8Array) || account.length !== 32) return false;
    if (typeof amount !== 'bigint' || amount < 0n || amount >= 1n << 128n) return false;
  }
  const batchRoot = payoutBatchRoot(entries);
  return verifyPayoutBatch(eraRoot, maxBatchIndex, batchIndex, batchRoot, proof, rules);
}

function isBatchIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_BATCH_INDEX;
}
