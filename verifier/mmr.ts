/**
 * Merkle Mountain Range (MMR) with the rules of the Rust crate
 * `polkadot-ckb-merkle-mountain-range` 0.8.1 (paritytech/merkle-mountain-range at commit
 * 6e932bc4c318e851c8a931812b9fc3a0c14748d2), restricted to what Cere uses: roots, and proofs of one
 * leaf (`MerkleProof::verify(root, vec![(pos, leaf)])`). Written from a reading of the crate's
 * src/mmr.rs and src/helper.rs; no crate code is reproduced. Prose spec: docs/spec.md, appendix B.
 *
 * Model. Leaves are appended left to right. Whenever the two right-most trees have the same height
 * they are replaced by their parent `merge(left, right)`, so n leaves form one perfect binary tree
 * per set bit of n, tallest first. The roots of those trees are the peaks. Nodes are numbered in
 * append order (post-order), which gives the crate's positions: `leafIndexToPos`,
 * `leafIndexToMmrSize`. The root of a 1-leaf MMR is the leaf itself; otherwise the peaks are
 * bagged right to left, `acc = merge(acc, peak)` starting from the right-most peak, i.e. with peaks
 * [P0, P1, P2] the root is `merge(merge(P2, P1), P0)`.
 *
 * Proof of one leaf (crate order): the hash of every peak left of the leaf's tree (left to right),
 * then the siblings on the path from the leaf up to its peak (bottom-up), then, if there are
 * peaks right of the leaf's tree, one item: the bag of those peaks (the peak itself if only one).
 * A 1-leaf MMR has the empty proof.
 *
 * Verification has two rule sets (`ProofRules`): 'canonical' (default) accepts exactly the proofs
 * the crate's `gen_proof` produces; 'crate' accepts everything the crate's `MerkleProof::verify`
 * accepts, i.e. what the chain accepts, leniencies included (see `mmrRootFromProof`). Every
 * canonical acceptance is also a crate acceptance with the same root. Everything here works on leaf
 * indices rather than positions: the two are equivalent for single-leaf proofs, and leaf indices
 * keep verification O(log n) without allocating per level. Numbers stay below 2^53
 * (`MAX_LEAF_COUNT`), so they are exact.
 * @module
 */

import { equalBytes } from './bytes.ts';

/** A two-to-one hash. The crate's `Merge::merge(left, right)`; `merge_peaks` is the same function. */
export type Merge = (left: Uint8Array, right: Uint8Array) => Uint8Array;

/**
 * Largest leaf count accepted. The MMR size of 2^52 leaves is 2^53 - 1, the largest exact integer
 * of a JS number. (The crate uses u64; Cere's batch indices are u16, far below this.)
 */
export const MAX_LEAF_COUNT = 2 ** 52;

const TWO_POW_32 = 2 ** 32;

function popcount32(x: number): number {
  let v = x >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Number of set bits of a non-negative integer below 2^53. */
function popcount(n: number): number {
  return popcount32(n % TWO_POW_32) + popcount32(Math.floor(n / TWO_POW_32));
}

/** Number of trailing zero bits of a positive integer below 2^53. */
function trailingZeros(n: number): number {
  const lo = n % TWO_POW_32;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = Math.floor(n / TWO_POW_32);
  return 32 + (31 - Math.clz32(hi & -hi));
}

function isLeafCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_LEAF_COUNT;
}

function isLeafIndexBelow(i: unknown, count: number): i is number {
  return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < count;
}

function checkLeafIndex(index: number, fn: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_LEAF_COUNT) {
    throw new RangeError(`${fn}: leaf index must be an integer in [0, 2^52), got ${index}`);
  }
}

/**
 * MMR size (number of nodes) once the leaf with this 0-based index has been appended, i.e. the
 * size of an MMR of `index + 1` leaves: `2(index + 1) - popcount(index + 1)`. Crate:
 * `leaf_index_to_mmr_size`. Throws RangeError outside [0, 2^52).
 */
export function leafIndexToMmrSize(index: number): number {
  checkLeafIndex(index, 'leafIndexToMmrSize');
  const count = index + 1;
  return 2 * count - popcount(count);
}

/**
 * 0-based position of the leaf with this index in the MMR's node numbering: the size after it was
 * appended, minus the parents created by that append (the trailing zeros of `index + 1`), minus 1.
 * Crate: `leaf_index_to_pos`. Throws RangeError outside [0, 2^52).
 */
export function leafIndexToPos(index: number): number {
  checkLeafIndex(index, 'leafIndexToPos');
  const count = index + 1;
  return 2 * count - popcount(count) - trailingZeros(count) - 1;
}

/** Where a leaf sits in an MMR of `count` leaves. Inputs must be valid (checked by callers). */
interface Location {
  /** Number of peaks left of the leaf's tree. */
  left: number;
  /** Height of the leaf's tree (0 when the leaf is itself a peak). */
  height: number;
  /** Index of the leaf within its tree, in [0, 2^height). */
  offset: number;
  /** Index of the first leaf of the leaf's tree. */
  start: number;
  /** Number of peaks right of the leaf's tree. */
  right: number;
}

function locate(count: number, index: number): Location {
  let size = 1;
  let height = 0;
  while (size * 2 <= count) {
    size *= 2;
    height++;
  }
  const loc: Location = { left: 0, height: 0, offset: 0, start: 0, right: 0 };
  let start = 0;
  let remaining = count;
  let found = false;
  for (; size >= 1; size /= 2, height--) {
    if (remaining < size) continue;
    remaining -= size;
    if (found) {
      loc.right++;
    } else if (index < start + size) {
      found = true;
      loc.height = height;
      loc.offset = index - start;
      loc.start = start;
    } else {
      loc.left++;
    }
    start += size;
  }
  return loc;
}

/** Bags peak hashes right to left: `acc = peaks[last]`, then `acc = merge(acc, peaks[k])`. */
function bag(peaks: readonly Uint8Array[], merge: Merge): Uint8Array {
  let k = peaks.length - 1;
  let acc = peaks[k] as Uint8Array;
  for (k--; k >= 0; k--) acc = merge(acc, peaks[k] as Uint8Array);
  return acc;
}

/** Root of the perfect subtree over `leaves[start .. start + size)`; `size` is a power of two. */
function subtreeRoot(
  leaves: readonly Uint8Array[],
  start: number,
  size: number,
  merge: Merge
): Uint8Array {
  // A perfect subtree has exactly one peak: its root.
  return peaksOf(leaves.slice(start, start + size), merge)[0] as Uint8Array;
}

/**
 * The peaks of an MMR over `leaves`, left to right: a stack of (hash, height) pairs, merged while
 * the two on top have equal height; O(n) merges, O(log n) memory.
 */
function peaksOf(leaves: readonly Uint8Array[], merge: Merge): Uint8Array[] {
  const hashes: Uint8Array[] = [];
  const heights: number[] = [];
  for (const leaf of leaves) {
    let node = leaf;
    let h = 0;
    while (heights.length > 0 && heights[heights.length - 1] === h) {
      heights.pop();
      node = merge(hashes.pop() as Uint8Array, node);
      h++;
    }
    hashes.push(node);
    heights.push(h);
  }
  return hashes;
}

/**
 * Root of the MMR over `leaves` (in the given order), as the crate's `MMR::get_root`: the leaf
 * itself for one leaf, else the peaks bagged right to left. O(n) merges. Throws RangeError on an
 * empty list (the crate returns `Error::GetRootOnEmpty`).
 */
export function mmrRoot(leaves: readonly Uint8Array[], merge: Merge): Uint8Array {
  if (leaves.length === 0) {
    throw new RangeError('mmrRoot: an MMR without leaves has no root (crate: GetRootOnEmpty)');
  }
  return bag(peaksOf(leaves, merge), merge);
}

/**
 * Proof items for the leaf at `leafIndex`, in the order the crate's `MMR::gen_proof(vec![pos])`
 * produces them: left peaks (left to right), sibling path (bottom-up), then the bag of the
 * right-hand peaks as one item (omitted when the leaf's tree is the last one). Empty for a 1-leaf
 * MMR. O(n) merges. Throws RangeError when `leafIndex` is not an index into `leaves`.
 */
export function mmrProof(
  leaves: readonly Uint8Array[],
  leafIndex: number,
  merge: Merge
): Uint8Array[] {
  const count = leaves.length;
  if (!isLeafIndexBelow(leafIndex, count)) {
    throw new RangeError(`mmrProof: leaf index ${leafIndex} is not in [0, ${count})`);
  }
  if (count === 1) return [];
  return proofFrom(
    count,
    leafIndex,
    (start, size) => subtreeRoot(leaves, start, size, merge),
    merge
  );
}

/**
 * The proof of every leaf (`mmrProof` for each index), sharing subtree roots between them:
 * O(n log n) merges in all instead of O(n) per proof. Empty list for no leaves.
 */
export function mmrProofs(leaves: readonly Uint8Array[], merge: Merge): Uint8Array[][] {
  const count = leaves.length;
  if (count === 1) return [[]];
  const memo = new Map<number, Uint8Array>();
  const root = (start: number, size: number): Uint8Array => {
    if (size === 1) return leaves[start] as Uint8Array;
    const key = start * (count + 1) + size;
    let r = memo.get(key);
    if (r === undefined) {
      const half = size / 2;
      r = merge(root(start, half), root(start + half, half));
      memo.set(key, r);
    }
    return r;
  };
  return leaves.map((_, i) => proofFrom(count, i, root, merge));
}

/** The proof items of `leafIndex` (count ≥ 2), given the root of any perfect subtree. */
function proofFrom(
  count: number,
  leafIndex: number,
  root: (start: number, size: number) => Uint8Array,
  merge: Merge
): Uint8Array[] {
  const loc = locate(count, leafIndex);
  const items: Uint8Array[] = [];
  // Peaks left of the leaf's tree: perfect trees tiling [0, loc.start), tallest first.
  let start = 0;
  let size = 1;
  while (size * 2 <= count) size *= 2;
  for (; start < loc.start; size /= 2) {
    if (start + size > loc.start) continue;
    items.push(root(start, size));
    start += size;
  }
  // Sibling path, bottom-up: at height t the sibling is the neighbouring block of 2^t leaves.
  let block = loc.offset;
  let width = 1;
  for (let t = 0; t < loc.height; t++) {
    const sibling = block % 2 === 0 ? block + 1 : block - 1;
    items.push(root(loc.start + sibling * width, width));
    block = Math.floor(block / 2);
    width *= 2;
  }
  // Right-hand peaks (the perfect trees tiling the rest, tallest first), bagged into one item.
  const rhsStart = loc.start + width;
  if (rhsStart < count) {
    const peaks: Uint8Array[] = [];
    let s = rhsStart;
    let rest = count - rhsStart;
    let n = 1;
    while (n * 2 <= rest) n *= 2;
    for (; rest > 0; n /= 2) {
      if (n > rest) continue;
      peaks.push(root(s, n));
      s += n;
      rest -= n;
    }
    items.push(bag(peaks, merge));
  }
  return items;
}

/**
 * Which proofs `mmrRootFromProof` / `mmrVerify` accept.
 * - 'canonical': exactly `mmrProofLength(leafCount, leafIndex)` items, the shape `gen_proof`
 *   produces (and so what an honest submitter sends). A proof then binds the leaf to its index:
 *   barring hash collisions, a proof of one leaf never verifies at another index of the same MMR.
 * - 'crate': everything `MerkleProof::verify` of crate 0.8.1 accepts, to reproduce the chain's
 *   verdict. It is laxer: a 1-leaf MMR ignores its items, and the right-hand peaks may be given as
 *   0..R+1 items. Giving none lets some proofs verify at a second index (with 3 leaves, the proof
 *   [root of leaves 0,1] shows leaf 2's hash at index 2 and also at index 0).
 */
export type ProofRules = 'canonical' | 'crate';

/**
 * Number of items `mmrProof` produces for this leaf (the canonical proof length), or null when
 * `leafIndex` is not an index into an MMR of `leafCount` leaves.
 */
export function mmrProofLength(leafCount: number, leafIndex: number): number | null {
  if (!isLeafCount(leafCount) || !isLeafIndexBelow(leafIndex, leafCount)) return null;
  if (leafCount === 1) return 0;
  const loc = locate(leafCount, leafIndex);
  return loc.left + loc.height + (loc.right > 0 ? 1 : 0);
}

/**
 * The root that `proof` leads to for `leaf` at `leafIndex` in an MMR of `leafCount` leaves, or null
 * when the proof has the wrong shape for that place under `rules` (default 'canonical').
 *
 * With L peaks left of the leaf's tree, a tree of height H and R peaks right of it, the items are
 * read as the crate's `calculate_root` reads them: L left-peak hashes, then H siblings bottom-up
 * (a sibling on the left merges as `merge(sibling, node)`, one on the right as
 * `merge(node, sibling)`), then the remaining items, each one more peak hash; all peak hashes are
 * then bagged right to left. Null when:
 * - `leafCount` is not an integer in [1, 2^52], or `leafIndex` not an integer in [0, leafCount)
 *   (the crate errors: the leaf position lies beyond every peak);
 * - `leaf` is not a Uint8Array, `proof` not an array, or an item is not a Uint8Array of the
 *   leaf's length (unrepresentable on chain: items are fixed-size hashes);
 * - 'canonical': the item count is not L + H + (R > 0 ? 1 : 0), or not 0 for a 1-leaf MMR;
 * - 'crate': fewer than L + H or more than L + H + R + 1 items (the crate's `CorruptedProof`);
 *   for a 1-leaf MMR the crate returns the leaf whatever the items are.
 * For an MMR of `leafCount` leaves this equals `MerkleProof::new(leaf_index_to_mmr_size(leafCount
 * - 1), proof).calculate_root(vec![(leaf_index_to_pos(leafIndex), leaf)])` wherever the crate
 * accepts the shape. O(log n) merges, no allocation besides the merge outputs.
 */
export function mmrRootFromProof(
  leafCount: number,
  leafIndex: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  merge: Merge,
  rules: ProofRules = 'canonical'
): Uint8Array | null {
  if (!isLeafCount(leafCount) || !isLeafIndexBelow(leafIndex, leafCount)) return null;
  if (!(leaf instanceof Uint8Array) || !Array.isArray(proof)) return null;
  if (rules !== 'canonical' && rules !== 'crate') return null;
  const n = proof.length;
  const width = leaf.length;
  if (leafCount === 1) {
    // The crate's special case for a 1-leaf MMR: the root is the leaf, the items are not read.
    if (rules === 'canonical' && n !== 0) return null;
    for (let k = 0; k < n; k++) {
      const item: unknown = proof[k];
      if (!(item instanceof Uint8Array) || item.length !== width) return null;
    }
    return leaf;
  }
  const loc = locate(leafCount, leafIndex);
  const pathEnd = loc.left + loc.height;
  if (rules === 'canonical') {
    if (n !== pathEnd + (loc.right > 0 ? 1 : 0)) return null;
  } else if (n < pathEnd || n > pathEnd + loc.right + 1) {
    return null;
  }
  for (let k = 0; k < n; k++) {
    const item: unknown = proof[k];
    if (!(item instanceof Uint8Array) || item.length !== width) return null;
  }
  // Climb from the leaf to its peak.
  let node = leaf;
  let offset = loc.offset;
  for (let k = loc.left; k < pathEnd; k++) {
    const sibling = proof[k] as Uint8Array;
    if (offset % 2 === 1) node = merge(sibling, node);
    else node = merge(node, sibling);
    offset = Math.floor(offset / 2);
  }
  // Peak hashes are proof[0 .. left), node, proof[pathEnd .. n); bag them right to left.
  let acc = node;
  if (n > pathEnd) {
    acc = proof[n - 1] as Uint8Array;
    for (let k = n - 2; k >= pathEnd; k--) acc = merge(acc, proof[k] as Uint8Array);
    acc = merge(acc, node);
  }
  for (let k = loc.left - 1; k >= 0; k--) acc = merge(acc, proof[k] as Uint8Array);
  return acc;
}

/**
 * Whether `proof` shows `leaf` at `leafIndex` in the MMR of `leafCount` leaves with root `root`,
 * under `rules` (default 'canonical'; 'crate' gives the crate's `MerkleProof::verify` verdict with
 * its errors mapped to false). Never throws for arguments of the declared types or for hostile
 * values (NaN, -1, 2^53, wrong lengths, non-arrays), as long as `merge` does not throw.
 */
export function mmrVerify(
  root: Uint8Array,
  leafCount: number,
  leafIndex: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  merge: Merge,
  rules: ProofRules = 'canonical'
): boolean {
  if (!(root instanceof Uint8Array)) return false;
  const computed = mmrRootFromProof(leafCount, leafIndex, leaf, proof, merge, rules);
  return computed !== null && equalBytes(computed, root);
}

/** One merge on the way from a leaf to the root (for showing a proof, not for deciding one). */
export interface MmrPathStep {
  /**
   * 'sibling': climbing the leaf's tree (`height` is the level reached); 'right-peaks': the bag of
   * the peaks right of the leaf's tree, merged with the leaf's peak; 'left-peak': one peak left of
   * it.
   */
  readonly kind: 'sibling' | 'right-peaks' | 'left-peak';
  /** Proof item used in this merge (index into the proof), and on which side it went. */
  readonly item: number;
  readonly itemSide: 'left' | 'right';
  readonly left: Uint8Array;
  readonly right: Uint8Array;
  readonly out: Uint8Array;
  readonly height: number;
}

/**
 * Every merge that `mmrRootFromProof` (canonical rules) performs for this leaf, in order, ending
 * at the computed root; null where it returns null. The last step's `out` (or the leaf, for a
 * 1-leaf MMR) is the root.
 */
export function mmrPath(
  leafCount: number,
  leafIndex: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  merge: Merge
): { steps: MmrPathStep[]; root: Uint8Array; leftPeaks: number; treeHeight: number } | null {
  const root = mmrRootFromProof(leafCount, leafIndex, leaf, proof, merge);
  if (root === null) return null;
  if (leafCount === 1) return { steps: [], root, leftPeaks: 0, treeHeight: 0 };
  const loc = locate(leafCount, leafIndex);
  const pathEnd = loc.left + loc.height;
  const steps: MmrPathStep[] = [];
  let node = leaf;
  let offset = loc.offset;
  for (let k = loc.left; k < pathEnd; k++) {
    const sibling = proof[k] as Uint8Array;
    const onLeft = offset % 2 === 1;
    const [l, r] = onLeft ? [sibling, node] : [node, sibling];
    node = merge(l, r);
    steps.push({
      kind: 'sibling',
      item: k,
      itemSide: onLeft ? 'left' : 'right',
      left: l,
      right: r,
      out: node,
      height: k - loc.left + 1,
    });
    offset = Math.floor(offset / 2);
  }
  let acc = node;
  if (proof.length > pathEnd) {
    // Canonical proofs carry the right peaks already bagged, as one item.
    const bagged = proof[pathEnd] as Uint8Array;
    acc = merge(bagged, node);
    steps.push({
      kind: 'right-peaks',
      item: pathEnd,
      itemSide: 'left',
      left: bagged,
      right: node,
      out: acc,
      height: loc.height,
    });
  }
  for (let k = loc.left - 1; k >= 0; k--) {
    const peak = proof[k] as Uint8Array;
    const out = merge(acc, peak);
    steps.push({
      kind: 'left-peak',
      item: k,
      itemSide: 'right',
      left: acc,
      right: peak,
      out,
      height: 0,
    });
    acc = out;
  }
  return { steps, root, leftPeaks: loc.left, treeHeight: loc.height };
}
