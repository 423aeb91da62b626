/**
 * Cere's payout Merkle Mountain Range: the two-level tree that ddc-payouts (Cerebellum-Network
 * blockchain-node @9ce78a52) uses to commit an era's charges and rewards, and the check its batch
 * extrinsics run. The MMR rules are those of `polkadot-ckb-merkle-mountain-range` 0.8.1
 * (paritytech/merkle-mountain-range @6e932bc4c318e851c8a931812b9fc3a0c14748d2), implemented in
 * ./mmr.ts. Prose spec and golden vectors: docs/spec/mmr.md, test/vectors/mmr-cere.json.
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
import { blake2b256, blake2s256 } from './hash.ts';
import { type Merge, mmrProof, mmrRoot, mmrVerify, type ProofRules } from './mmr.ts';

/** Cere's `BatchIndex` is a u16; batch indices and `max_batch_index` cannot exceed this. */
export const MAX_BATCH_INDEX = 0xffff;

/** The hash ddc-payouts' `create_merkle_root` returns for an empty list: `H256::default()`. */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(32);

// BLAKE2s (RFC 7693) specialised for the one case the tree hashes all the time: an unkeyed 32-byte
// digest of exactly 64 bytes (two 32-byte hashes), i.e. a single final block. @noble/hashes gives
// the same bytes (checked in test/mmr.test.ts) but spends ~2 µs per call on generic buffering;
// this path is ~7x faster, which is what lets a verifier check >100k batch proofs per second.
const IV0 = 0x6a09e667 | 0;
const IV1 = 0xbb67ae85 | 0;
const IV2 = 0x3c6ef372 | 0;
const IV3 = 0xa54ff53a | 0;
const IV4 = 0x510e527f | 0;
const IV5 = 0x9b05688c | 0;
const IV6 = 0x1f83d9ab | 0;
const IV7 = 0x5be0cd19 | 0;
// prettier-ignore
const SIGMA = Uint8Array.of(
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
  11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
  7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
  9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
  2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
  12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
  13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
  6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
  10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0
);
const MSG = new Int32Array(16);
/** h[0] of BLAKE2s-256 without key: IV[0] xor the parameter word 0x01010020. */
const H0 = IV0 ^ 0x01010020;

function loadWords(bytes: Uint8Array, into: number): void {
  for (let i = 0; i < 8; i++) {
    const o = 4 * i;
    MSG[into + i] =
      (bytes[o] as number) |
      ((bytes[o + 1] as number) << 8) |
      ((bytes[o + 2] as number) << 16) |
      ((bytes[o + 3] as number) << 24);
  }
}

function storeWord(out: Uint8Array, i: number, w: number): void {
  out[4 * i] = w;
  out[4 * i + 1] = w >>> 8;
  out[4 * i + 2] = w >>> 16;
  out[4 * i + 3] = w >>> 24;
}

/** blake2s-256(left ‖ right) for two 32-byte inputs: one compression of the final 64-byte block. */
function blake2s256Of64(left: Uint8Array, right: Uint8Array): Uint8Array {
  loadWords(left, 0);
  loadWords(right, 8);
  const m = MSG;
  let v0 = H0;
  let v1 = IV1;
  let v2 = IV2;
  let v3 = IV3;
  let v4 = IV4;
  let v5 = IV5;
  let v6 = IV6;
  let v7 = IV7;
  let v8 = IV0;
  let v9 = IV1;
  let v10 = IV2;
  let v11 = IV3;
  let v12 = (IV4 ^ 64) | 0; // byte counter t = 64
  let v13 = IV5;
  let v14 = ~IV6 | 0; // final block flag
  let v15 = IV7;
  for (let r = 0; r < 160; r += 16) {
    // G(a, b, c, d, x, y): a += b + x; d = (d ^ a) >>> 16; c += d; b = (b ^ c) >>> 12;
    //                      a += b + y; d = (d ^ a) >>> 8;  c += d; b = (b ^ c) >>> 7  (rotations)
    let x = m[SIGMA[r] as number] as number;
    let y = m[SIGMA[r + 1] as number] as number;
    v0 = (v0 + v4 + x) | 0;
    v12 ^= v0;
    v12 = (v12 >>> 16) | (v12 << 16);
    v8 = (v8 + v12) | 0;
    v4 ^= v8;
    v4 = (v4 >>> 12) | (v4 << 20);
    v0 = (v0 + v4 + y) | 0;
    v12 ^= v0;
    v12 = (v12 >>> 8) | (v12 << 24);
    v8 = (v8 + v12) | 0;
    v4 ^= v8;
    v4 = (v4 >>> 7) | (v4 << 25);
    x = m[SIGMA[r + 2] as number] as number;
    y = m[SIGMA[r + 3] as number] as number;
    v1 = (v1 + v5 + x) | 0;
    v13 ^= v1;
    v13 = (v13 >>> 16) | (v13 << 16);
    v9 = (v9 + v13) | 0;
    v5 ^= v9;
    v5 = (v5 >>> 12) | (v5 << 20);
    v1 = (v1 + v5 + y) | 0;
    v13 ^= v1;
    v13 = (v13 >>> 8) | (v13 << 24);
    v9 = (v9 + v13) | 0;
    v5 ^= v9;
    v5 = (v5 >>> 7) | (v5 << 25);
    x = m[SIGMA[r + 4] as number] as number;
    y = m[SIGMA[r + 5] as number] as number;
    v2 = (v2 + v6 + x) | 0;
    v14 ^= v2;
    v14 = (v14 >>> 16) | (v14 << 16);
    v10 = (v10 + v14) | 0;
    v6 ^= v10;
    v6 = (v6 >>> 12) | (v6 << 20);
    v2 = (v2 + v6 + y) | 0;
    v14 ^= v2;
    v14 = (v14 >>> 8) | (v14 << 24);
    v10 = (v10 + v14) | 0;
    v6 ^= v10;
    v6 = (v6 >>> 7) | (v6 << 25);
    x = m[SIGMA[r + 6] as number] as number;
    y = m[SIGMA[r + 7] as number] as number;
    v3 = (v3 + v7 + x) | 0;
    v15 ^= v3;
    v15 = (v15 >>> 16) | (v15 << 16);
    v11 = (v11 + v15) | 0;
    v7 ^= v11;
    v7 = (v7 >>> 12) | (v7 << 20);
    v3 = (v3 + v7 + y) | 0;
    v15 ^= v3;
    v15 = (v15 >>> 8) | (v15 << 24);
    v11 = (v11 + v15) | 0;
    v7 ^= v11;
    v7 = (v7 >>> 7) | (v7 << 25);
    x = m[SIGMA[r + 8] as number] as number;
    y = m[SIGMA[r + 9] as number] as number;
    v0 = (v0 + v5 + x) | 0;
    v15 ^= v0;
    v15 = (v15 >>> 16) | (v15 << 16);
    v10 = (v10 + v15) | 0;
    v5 ^= v10;
    v5 = (v5 >>> 12) | (v5 << 20);
    v0 = (v0 + v5 + y) | 0;
    v15 ^= v0;
    v15 = (v15 >>> 8) | (v15 << 24);
    v10 = (v10 + v15) | 0;
    v5 ^= v10;
    v5 = (v5 >>> 7) | (v5 << 25);
    x = m[SIGMA[r + 10] as number] as number;
    y = m[SIGMA[r + 11] as number] as number;
    v1 = (v1 + v6 + x) | 0;
    v12 ^= v1;
    v12 = (v12 >>> 16) | (v12 << 16);
    v11 = (v11 + v12) | 0;
    v6 ^= v11;
    v6 = (v6 >>> 12) | (v6 << 20);
    v1 = (v1 + v6 + y) | 0;
    v12 ^= v1;
    v12 = (v12 >>> 8) | (v12 << 24);
    v11 = (v11 + v12) | 0;
    v6 ^= v11;
    v6 = (v6 >>> 7) | (v6 << 25);
    x = m[SIGMA[r + 12] as number] as number;
    y = m[SIGMA[r + 13] as number] as number;
    v2 = (v2 + v7 + x) | 0;
    v13 ^= v2;
    v13 = (v13 >>> 16) | (v13 << 16);
    v8 = (v8 + v13) | 0;
    v7 ^= v8;
    v7 = (v7 >>> 12) | (v7 << 20);
    v2 = (v2 + v7 + y) | 0;
    v13 ^= v2;
    v13 = (v13 >>> 8) | (v13 << 24);
    v8 = (v8 + v13) | 0;
    v7 ^= v8;
    v7 = (v7 >>> 7) | (v7 << 25);
    x = m[SIGMA[r + 14] as number] as number;
    y = m[SIGMA[r + 15] as number] as number;
    v3 = (v3 + v4 + x) | 0;
    v14 ^= v3;
    v14 = (v14 >>> 16) | (v14 << 16);
    v9 = (v9 + v14) | 0;
    v4 ^= v9;
    v4 = (v4 >>> 12) | (v4 << 20);
    v3 = (v3 + v4 + y) | 0;
    v14 ^= v3;
    v14 = (v14 >>> 8) | (v14 << 24);
    v9 = (v9 + v14) | 0;
    v4 ^= v9;
    v4 = (v4 >>> 7) | (v4 << 25);
  }
  const out = new Uint8Array(32);
  storeWord(out, 0, H0 ^ v0 ^ v8);
  storeWord(out, 1, IV1 ^ v1 ^ v9);
  storeWord(out, 2, IV2 ^ v2 ^ v10);
  storeWord(out, 3, IV3 ^ v3 ^ v11);
  storeWord(out, 4, IV4 ^ v4 ^ v12);
  storeWord(out, 5, IV5 ^ v5 ^ v13);
  storeWord(out, 6, IV6 ^ v6 ^ v14);
  storeWord(out, 7, IV7 ^ v7 ^ v15);
  return out;
}

/**
 * Cere's MMR merge `MergeMMRHash`: `blake2s256(left ‖ right)`. Two 32-byte inputs (every node of
 * the payout tree) take the specialised path above; anything else goes through `blake2s256` of
 * ./hash.ts. Both give identical bytes.
 */
export const cereMerge: Merge = (left, right) => {
  if (left.length === 32 && right.length === 32) return blake2s256Of64(left, right);
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
