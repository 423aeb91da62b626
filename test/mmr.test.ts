/**
 * Tests of verifier/mmr.ts (ckb MMR, crate polkadot-ckb-merkle-mountain-range 0.8.1) and
 * verifier/payout-tree.ts (Cere's payout instance, ddc-payouts @9ce78a52).
 *
 * The code under test works on leaf indices. The reference implementation below does not share any
 * of it: it appends leaves to an explicit array of nodes (whose array indices are the crate's
 * positions), reads peaks and sibling paths off that array, and verifies proofs the way the crate
 * walks positions (heights from the "all ones" rule, peaks from the MMR size).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, parseHex, toHex, uintLE } from '../verifier/bytes.ts';
import { blake2b256, blake2s256 } from '../verifier/hash.ts';
import {
  leafIndexToMmrSize,
  leafIndexToPos,
  MAX_LEAF_COUNT,
  type Merge,
  mmrProof,
  mmrProofs,
  mmrProofLength,
  mmrRoot,
  mmrRootFromProof,
  mmrVerify,
} from '../verifier/mmr.ts';
import {
  cereMerge,
  comparePayoutEntries,
  EMPTY_ROOT,
  type PayoutEntry,
  payoutBatchProof,
  payoutBatchRoot,
  payoutEraRoot,
  payoutLeaf,
  payoutLeafPreimage,
  sortPayoutEntries,
  splitToBatches,
  verifyPayoutBatch,
  verifyPayoutBatchEntries,
} from '../verifier/payout-tree.ts';
import { renderMmrVectors, VECTORS_PATH } from './gen/mmr-vectors.ts';

// ---------------------------------------------------------------------------------------------
// Independent reference implementation
// ---------------------------------------------------------------------------------------------

/** Test-only merge, so that the MMR logic is also exercised with a hash other than Cere's. */
const testMerge: Merge = (l, r) => blake2b256(concatBytes(l, r));

/** Cere's merge written the obvious way (no fast path). */
const plainCereMerge: Merge = (l, r) => blake2s256(concatBytes(l, r));

interface RefNode {
  hash: Uint8Array;
  height: number;
  parent: number;
  left: number;
  right: number;
}

/** An MMR kept as the explicit list of all its nodes, in append order. */
class RefMmr {
  readonly nodes: RefNode[] = [];
  /** leafPos[i] = array index (= crate position) of leaf i. */
  readonly leafPos: number[] = [];
  /** Array indices of the current peaks, left to right. */
  peaks: number[] = [];

  constructor(readonly merge: Merge) {}

  static of(leaves: readonly Uint8Array[], merge: Merge): RefMmr {
    const m = new RefMmr(merge);
    for (const leaf of leaves) m.push(leaf);
    return m;
  }

  push(leaf: Uint8Array): void {
    this.nodes.push({ hash: leaf, height: 0, parent: -1, left: -1, right: -1 });
    this.leafPos.push(this.nodes.length - 1);
    this.peaks.push(this.nodes.length - 1);
    for (;;) {
      const n = this.peaks.length;
      if (n < 2) break;
      const r = this.peaks[n - 1] as number;
      const l = this.peaks[n - 2] as number;
      const rn = this.nodes[r] as RefNode;
      const ln = this.nodes[l] as RefNode;
      if (rn.height !== ln.height) break;
      const p = this.nodes.length;
      this.nodes.push({
        hash: this.merge(ln.hash, rn.hash),
        height: ln.height + 1,
        parent: -1,
        left: l,
        right: r,
      });
      ln.parent = p;
      rn.parent = p;
      this.peaks = [...this.peaks.slice(0, n - 2), p];
    }
  }

  private bagHashes(hashes: Uint8Array[]): Uint8Array {
    // Right to left: merge(right, left).
    let acc = hashes[hashes.length - 1] as Uint8Array;
    for (let k = hashes.length - 2; k >= 0; k--) acc = this.merge(acc, hashes[k] as Uint8Array);
    return acc;
  }

  root(): Uint8Array {
    return this.bagHashes(this.peaks.map((p) => (this.nodes[p] as RefNode).hash));
  }

  /** Walks from the leaf to its peak: [peak index in this.peaks, sibling hashes, directions]. */
  private walk(i: number): { peak: number; siblings: Uint8Array[]; isRight: boolean[] } {
    let x = this.leafPos[i] as number;
    const siblings: Uint8Array[] = [];
    const isRight: boolean[] = [];
    for (;;) {
      const node = this.nodes[x] as RefNode;
      if (node.parent < 0) break;
      const parent = this.nodes[node.parent] as RefNode;
      const right = parent.right === x;
      siblings.push((this.nodes[right ? parent.left : parent.right] as RefNode).hash);
      isRight.push(right);
      x = node.parent;
    }
    return { peak: this.peaks.indexOf(x), siblings, isRight };
  }

  proof(i: number): Uint8Array[] {
    if (this.leafPos.length === 1) return [];
    const { peak, siblings } = this.walk(i);
    const peakHashes = this.peaks.map((p) => (this.nodes[p] as RefNode).hash);
    const items = [...peakHashes.slice(0, peak), ...siblings];
    const rhs = peakHashes.slice(peak + 1);
    if (rhs.length > 0) items.push(this.bagHashes(rhs));
    return items;
  }

  /** Shape of the leaf's place: the same shape means a proof computes the same way. */
  shape(i: number): string {
    const { peak, isRight } = this.walk(i);
    return `${peak}:${isRight.map((r) => (r ? 'R' : 'L')).join('')}`;
  }

  /** Whether peaks lie right of the leaf's tree (the canonical proof then ends in their bag). */
  hasRightPeaks(i: number): boolean {
    return this.walk(i).peak < this.peaks.length - 1;
  }

  size(): number {
    return this.nodes.length;
  }
}

/** Height of the node at `pos`: jump left until the 1-based position is all ones. */
function refHeight(pos: number): number {
  let p = pos + 1;
  const allOnes = (x: number) => (x & (x + 1)) === 0;
  while (!allOnes(p)) {
    let msb = 1;
    while (msb * 2 <= p) msb *= 2;
    p -= msb - 1;
  }
  return Math.log2(p + 1) - 1;
}

/** Peak positions of a (valid) MMR of `size` nodes, greedily taking the largest perfect tree. */
function refPeaks(size: number): number[] {
  const peaks: number[] = [];
  let offset = 0;
  let remaining = size;
  let tree = 1;
  while (tree * 2 + 1 <= remaining) tree = tree * 2 + 1;
  for (; tree >= 1; tree = (tree - 1) / 2) {
    if (remaining >= tree) {
      peaks.push(offset + tree - 1);
      offset += tree;
      remaining -= tree;
    }
  }
  return peaks;
}

/**
 * The crate's `calculate_root` for one leaf, by positions: peaks left to right; a peak left of the
 * leaf takes one item (or, when none are left, stops the loop), the leaf's peak climbs taking one
 * item per level, peaks right of it take one item each while there are any; then one more item may
 * follow as an extra peak; anything after that is an error. Null stands for the crate's errors.
 */
function refCalculateRoot(
  size: number,
  pos: number,
  leaf: Uint8Array,
  items: readonly Uint8Array[],
  merge: Merge
): Uint8Array | null {
  if (size === 1 && pos === 0) return leaf;
  let next = 0;
  const peakHashes: Uint8Array[] = [];
  let leafUsed = false;
  for (const peak of refPeaks(size)) {
    if (!leafUsed && pos <= peak) {
      leafUsed = true;
      let p = pos;
      let h = 0;
      let node = leaf;
      while (p !== peak) {
        const item = items[next++];
        if (item === undefined) return null;
        if (refHeight(p + 1) > h) {
          node = merge(item, node);
          p = p + 1;
        } else {
          node = merge(node, item);
          p = p + 2 ** (h + 1);
        }
        h++;
        if (p > peak) return null;
      }
      peakHashes.push(node);
    } else {
      const item = items[next];
      if (item === undefined) break;
      next++;
      peakHashes.push(item);
    }
  }
  if (!leafUsed) return null;
  if (next < items.length) peakHashes.push(items[next++] as Uint8Array);
  if (next < items.length) return null;
  let acc = peakHashes[peakHashes.length - 1] as Uint8Array;
  for (let k = peakHashes.length - 2; k >= 0; k--) acc = merge(acc, peakHashes[k] as Uint8Array);
  return acc;
}

/** Deterministic distinct 32-byte leaves. */
function makeLeaves(n: number, salt = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) =>
    blake2b256(concatBytes(uintLE(BigInt(salt), 4), uintLE(BigInt(i), 4)))
  );
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
}

const hex = (b: Uint8Array) => toHex(b);
const hexes = (bs: readonly Uint8Array[]) => bs.map(toHex);
const MERGES: readonly [string, Merge][] = [
  ['test merge blake2b(l‖r)', testMerge],
  ['cereMerge blake2s(l‖r)', cereMerge],
];

// ---------------------------------------------------------------------------------------------
// Positions and sizes
// ---------------------------------------------------------------------------------------------

describe('positions and sizes', () => {
  it('match the explicit node array for the first 1000 leaves', () => {
    const ref = new RefMmr(testMerge);
    for (let i = 0; i < 1000; i++) {
      ref.push(new Uint8Array(32));
      expect(leafIndexToPos(i)).toBe(ref.leafPos[i]);
      expect(leafIndexToMmrSize(i)).toBe(ref.size());
      expect(refPeaks(ref.size())).toEqual(ref.peaks);
    }
  });

  it('match the closed forms in BigInt up to 2^52 leaves', () => {
    const popcount = (v: bigint) => v.toString(2).replace(/0/g, '').length;
    const tz = (v: bigint) => {
      let k = 0;
      while ((v & 1n) === 0n) {
        v >>= 1n;
        k++;
      }
      return k;
    };
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 52n - 1n }), (index) => {
        const c = index + 1n;
        const size = 2n * c - BigInt(popcount(c));
        expect(BigInt(leafIndexToMmrSize(Number(index)))).toBe(size);
        expect(BigInt(leafIndexToPos(Number(index)))).toBe(size - BigInt(tz(c)) - 1n);
      }),
      { numRuns: 500 }
    );
    expect(leafIndexToMmrSize(MAX_LEAF_COUNT - 1)).toBe(2 ** 53 - 1);
    expect(leafIndexToPos(2 ** 32)).toBe(2 ** 33 - 1);
    expect(leafIndexToPos(2 ** 32 - 1)).toBe(2 ** 33 - 34);
  });

  it('small known values (crate docs: 11 leaves -> size 19, peaks 14, 17, 18)', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(leafIndexToPos)).toEqual([0, 1, 3, 4, 7, 8, 10, 11]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(leafIndexToMmrSize)).toEqual([1, 3, 4, 7, 8, 10, 11, 15]);
    expect(leafIndexToMmrSize(10)).toBe(19);
    expect(refPeaks(19)).toEqual([14, 17, 18]);
  });

  it('throw RangeError on invalid indices', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 52, 2 ** 53]) {
      expect(() => leafIndexToPos(bad)).toThrow(RangeError);
      expect(() => leafIndexToMmrSize(bad)).toThrow(RangeError);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Against the reference, exhaustively
// ---------------------------------------------------------------------------------------------

describe.each(MERGES)('against the reference implementation (%s)', (_name, merge) => {
  it('root, proof and verification agree for every leaf count 1..70 and every index', () => {
    for (let n = 1; n <= 70; n++) {
      const leaves = makeLeaves(n, n);
      const ref = RefMmr.of(leaves, merge);
      const root = mmrRoot(leaves, merge);
      expect(hex(root), `root n=${n}`).toBe(hex(ref.root()));
      const all = mmrProofs(leaves, merge);
      for (let i = 0; i < n; i++) {
        expect(hexes(all[i]!), `mmrProofs n=${n} i=${i}`).toEqual(hexes(ref.proof(i)));
        const leaf = leaves[i] as Uint8Array;
        const proof = mmrProof(leaves, i, merge);
        expect(hexes(proof), `proof n=${n} i=${i}`).toEqual(hexes(ref.proof(i)));
        expect(proof.length).toBe(mmrProofLength(n, i));
        expect(mmrVerify(root, n, i, leaf, proof, merge), `verify n=${n} i=${i}`).toBe(true);
        const computed = mmrRootFromProof(n, i, leaf, proof, merge);
        expect(computed && hex(computed)).toBe(hex(root));
        expect(mmrVerify(root, n, i, leaf, proof, merge, 'crate')).toBe(true);
        const crate = refCalculateRoot(ref.size(), ref.leafPos[i] as number, leaf, proof, merge);
        expect(crate && hex(crate)).toBe(hex(root));
      }
    }
  });

  it('a 1-leaf MMR has the leaf as root and an empty proof', () => {
    const [leaf] = makeLeaves(1) as [Uint8Array];
    expect(hex(mmrRoot([leaf], merge))).toBe(hex(leaf));
    expect(mmrProof([leaf], 0, merge)).toEqual([]);
    expect(mmrVerify(leaf, 1, 0, leaf, [], merge)).toBe(true);
  });

  it('bags peaks right to left: peaks [P0, P1, P2] give merge(merge(P2, P1), P0)', () => {
    const leaves = makeLeaves(7);
    const [a, b, c, d, e, f, g] = leaves as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const p0 = merge(merge(a, b), merge(c, d));
    const p1 = merge(e, f);
    const p2 = g;
    expect(hex(mmrRoot(leaves, merge))).toBe(hex(merge(merge(p2, p1), p0)));
    // Proof of leaf 4 (e): left peak P0, sibling f, then the single right-hand peak g.
    expect(hexes(mmrProof(leaves, 4, merge))).toEqual(hexes([p0, f, g]));
    // Proof of leaf 1 (b): no left peaks, siblings a and merge(c, d), then bag(P1, P2) = merge(P2, P1).
    expect(hexes(mmrProof(leaves, 1, merge))).toEqual(hexes([a, merge(c, d), merge(p2, p1)]));
  });

  it('mmrRoot throws RangeError on no leaves; mmrProof on a bad index', () => {
    expect(() => mmrRoot([], merge)).toThrow(RangeError);
    const leaves = makeLeaves(3);
    for (const bad of [-1, 3, 1.5, NaN])
      expect(() => mmrProof(leaves, bad, merge)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

const MUTATION_COUNTS = [2, 3, 4, 5, 6, 7, 8, 11, 16, 33, 70];
const RANDOM_ITEM = blake2b256(Uint8Array.of(0xde, 0xad));

describe.each(MERGES)('mutations are rejected (%s)', (name, merge) => {
  // Bit flips are the expensive part; the slower test merge gets fewer leaf counts.
  const flipCounts = name.startsWith('cere') ? MUTATION_COUNTS : [2, 3, 5, 7, 11];

  it('every single-bit flip of every proof item, of the leaf and of the root fails', () => {
    for (const n of flipCounts) {
      const leaves = makeLeaves(n, 1000 + n);
      const root = mmrRoot(leaves, merge);
      for (let i = 0; i < n; i++) {
        const leaf = leaves[i] as Uint8Array;
        const proof = mmrProof(leaves, i, merge);
        for (let k = 0; k < proof.length; k++) {
          for (let bit = 0; bit < 256; bit++) {
            const bad = proof.slice();
            bad[k] = flipBit(proof[k] as Uint8Array, bit);
            if (mmrVerify(root, n, i, leaf, bad, merge)) {
              throw new Error(`flip accepted: n=${n} i=${i} item=${k} bit=${bit}`);
            }
          }
        }
        for (let bit = 0; bit < 256; bit++) {
          expect(mmrVerify(root, n, i, flipBit(leaf, bit), proof, merge)).toBe(false);
          expect(mmrVerify(flipBit(root, bit), n, i, leaf, proof, merge)).toBe(false);
        }
      }
    }
  });

  it('wrong index, missing, extra, truncated and swapped items fail; nothing throws', () => {
    for (const n of MUTATION_COUNTS) {
      const leaves = makeLeaves(n, 2000 + n);
      const root = mmrRoot(leaves, merge);
      const ref = RefMmr.of(leaves, merge);
      for (let i = 0; i < n; i++) {
        const leaf = leaves[i] as Uint8Array;
        const proof = mmrProof(leaves, i, merge);
        // The canonical verdict; the crate-rules verdict is checked against the crate model.
        const v = (idx: number, items: readonly Uint8Array[], l = leaf) => {
          const crate = mmrVerify(root, n, idx, l, items, merge, 'crate');
          const model =
            Number.isInteger(idx) && idx >= 0 && idx < n
              ? refCalculateRoot(ref.size(), ref.leafPos[idx] as number, l, items, merge)
              : null;
          const sameWidth = items.every((x) => x.length === l.length);
          expect(crate, `crate rules n=${n} idx=${idx}`).toBe(
            sameWidth && model !== null && hex(model) === hex(root)
          );
          const canonical = mmrVerify(root, n, idx, l, items, merge);
          if (canonical) expect(crate).toBe(true); // canonical acceptance implies crate acceptance
          return canonical;
        };
        expect(v(i, proof)).toBe(true);
        // Wrong index, including out of range.
        for (let j = 0; j < n; j++)
          if (j !== i) expect(v(j, proof), `n=${n} i=${i} j=${j}`).toBe(false);
        for (const j of [n, n + 1, -1, 2 ** 53, NaN]) expect(v(j, proof)).toBe(false);
        // The right index with another leaf of the tree.
        if (n > 1) expect(v(i, proof, leaves[(i + 1) % n] as Uint8Array)).toBe(false);
        for (let k = 0; k < proof.length; k++) {
          // A missing item.
          expect(v(i, [...proof.slice(0, k), ...proof.slice(k + 1)])).toBe(false);
          // An item of 31 or 33 bytes.
          const short = proof.slice();
          short[k] = (proof[k] as Uint8Array).subarray(0, 31);
          expect(v(i, short)).toBe(false);
          expect(mmrRootFromProof(n, i, leaf, short, merge)).toBeNull();
          expect(mmrRootFromProof(n, i, leaf, short, merge, 'crate')).toBeNull();
          const long = proof.slice();
          long[k] = concatBytes(proof[k] as Uint8Array, Uint8Array.of(0));
          expect(v(i, long)).toBe(false);
          // Swapped neighbours.
          if (k + 1 < proof.length) {
            const swapped = proof.slice();
            swapped[k] = proof[k + 1] as Uint8Array;
            swapped[k + 1] = proof[k] as Uint8Array;
            expect(v(i, swapped)).toBe(false);
          }
          // An item replaced by a stranger.
          const replaced = proof.slice();
          replaced[k] = RANDOM_ITEM;
          expect(v(i, replaced)).toBe(false);
        }
        // An extra item anywhere.
        for (let k = 0; k <= proof.length; k++) {
          expect(v(i, [...proof.slice(0, k), RANDOM_ITEM, ...proof.slice(k)])).toBe(false);
          expect(v(i, [...proof.slice(0, k), leaf, ...proof.slice(k)])).toBe(false);
        }
        // Far too many items: a shape error under both rule sets, not merely a wrong root.
        expect(mmrRootFromProof(n, i, leaf, [...proof, ...makeLeaves(70)], merge)).toBeNull();
        expect(
          mmrRootFromProof(n, i, leaf, [...proof, ...makeLeaves(70)], merge, 'crate')
        ).toBeNull();
      }
    }
  });

  it('a wrong leaf count fails unless the leaf sits in the same place', () => {
    // The bag of right-hand peaks is one opaque item, so a proof cannot pin down the leaf count:
    // with the leaf in the same place of the same tree (and, for canonical proofs, right-hand peaks
    // present in both or absent in both) another count computes the same root. Everything else
    // must fail. Crate rules are checked against the crate model.
    for (let n = 1; n <= 24; n++) {
      const leaves = makeLeaves(n, 3000 + n);
      const root = mmrRoot(leaves, merge);
      const refN = RefMmr.of(leaves, merge);
      for (let m = 1; m <= 28; m++) {
        if (m === n) continue;
        const refM = RefMmr.of(makeLeaves(m, 4000 + m), merge);
        for (let i = 0; i < n; i++) {
          const leaf = leaves[i] as Uint8Array;
          const proof = mmrProof(leaves, i, merge);
          const where = `n=${n} m=${m} i=${i}`;
          const inRange = i < m;
          const sameShape = inRange && refM.shape(i) === refN.shape(i);
          const sameRhs = inRange && refM.hasRightPeaks(i) === refN.hasRightPeaks(i);
          // A 1-leaf MMR (m = 1) has shape "0:" like any leaf that is the first, lone peak; n = 1
          // never reaches here with m = 1, and for n > 1 the root differs from the leaf.
          const canonical = mmrVerify(root, m, i, leaf, proof, merge);
          expect(canonical, where).toBe(sameShape && sameRhs && m !== 1);
          const crate = mmrVerify(root, m, i, leaf, proof, merge, 'crate');
          const model = inRange
            ? refCalculateRoot(refM.size(), refM.leafPos[i] as number, leaf, proof, merge)
            : null;
          expect(crate, where).toBe(model !== null && hex(model) === hex(root));
          expect(crate, where).toBe(sameShape && m !== 1);
        }
      }
    }
    // Two documented cases. 4 -> 5 leaves: the right-hand peak is simply absent (crate rules only).
    // 6 -> 7 leaves: one right-hand peak vs a bag of two, both of canonical length.
    const four = makeLeaves(4);
    const fourProof = mmrProof(four, 0, merge);
    const fourRoot = mmrRoot(four, merge);
    expect(mmrVerify(fourRoot, 5, 0, four[0] as Uint8Array, fourProof, merge, 'crate')).toBe(true);
    expect(mmrVerify(fourRoot, 5, 0, four[0] as Uint8Array, fourProof, merge)).toBe(false);
    const six = makeLeaves(6);
    const sixProof = mmrProof(six, 0, merge);
    expect(sixProof.length).toBe(mmrProofLength(7, 0));
    expect(mmrVerify(mmrRoot(six, merge), 7, 0, six[0] as Uint8Array, sixProof, merge)).toBe(true);
  });

  it('crate rules: a 1-leaf MMR ignores items; right-hand peaks may come unbagged or not at all', () => {
    const [leaf] = makeLeaves(1, 5) as [Uint8Array];
    expect(mmrVerify(leaf, 1, 0, leaf, [RANDOM_ITEM, RANDOM_ITEM], merge, 'crate')).toBe(true);
    expect(mmrVerify(leaf, 1, 0, leaf, [RANDOM_ITEM, RANDOM_ITEM], merge)).toBe(false);
    expect(mmrVerify(leaf, 1, 0, leaf, [RANDOM_ITEM.subarray(1)], merge, 'crate')).toBe(false);
    // 7 leaves, leaf 0: canonical [b, merge(c,d), bag(P1,P2)]; unbagged [b, merge(c,d), P1, P2].
    const leaves = makeLeaves(7, 6);
    const root = mmrRoot(leaves, merge);
    const a = leaves[0] as Uint8Array;
    const [b, c, d, e, f, g] = leaves.slice(1) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const unbagged = [b, merge(c, d), merge(e, f), g];
    expect(mmrVerify(root, 7, 0, a, unbagged, merge, 'crate')).toBe(true);
    expect(mmrVerify(root, 7, 0, a, unbagged, merge)).toBe(false);
    expect(mmrProofLength(7, 0)).toBe(3);
    // One item beyond L + H + R + 1 is a shape error for the crate.
    expect(mmrRootFromProof(7, 0, a, [...unbagged, g], merge, 'crate')).not.toBeNull();
    expect(mmrRootFromProof(7, 0, a, [...unbagged, g, g], merge, 'crate')).toBeNull();
    // An unknown rule set is rejected rather than guessed.
    expect(mmrVerify(root, 7, 0, a, mmrProof(leaves, 0, merge), merge, 'lax' as 'crate')).toBe(
      false
    );
  });

  it('crate rules let a proof verify at a second index; canonical rules do not', () => {
    // 3 leaves: peaks [P = merge(a, b), c]; root = merge(c, P). The proof of c (index 2) is [P].
    // Read at index 0 with the right-hand peak left out, it climbs merge(c, P): the same root.
    const leaves = makeLeaves(3, 8);
    const root = mmrRoot(leaves, merge);
    const c = leaves[2] as Uint8Array;
    const proof = mmrProof(leaves, 2, merge);
    expect(proof.length).toBe(1);
    expect(mmrVerify(root, 3, 2, c, proof, merge)).toBe(true);
    expect(mmrVerify(root, 3, 0, c, proof, merge, 'crate')).toBe(true);
    expect(mmrVerify(root, 3, 0, c, proof, merge)).toBe(false);
    // Same through Cere's batch check: batch 2's root "proven" as batch 0.
    if (merge === cereMerge) {
      expect(verifyPayoutBatch(root, 2, 0, c, proof, 'crate')).toBe(true);
      expect(verifyPayoutBatch(root, 2, 0, c, proof)).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('properties (fast-check)', () => {
  it('random leaf count and index round-trip and match the reference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.nat(), (n, rawIndex, salt) => {
        const i = rawIndex % n;
        const leaves = makeLeaves(n, salt);
        const root = mmrRoot(leaves, cereMerge);
        const proof = mmrProof(leaves, i, cereMerge);
        expect(mmrVerify(root, n, i, leaves[i] as Uint8Array, proof, cereMerge)).toBe(true);
        expect(proof.length).toBe(mmrProofLength(n, i));
        const ref = RefMmr.of(leaves, cereMerge);
        expect(hex(root)).toBe(hex(ref.root()));
        expect(hexes(proof)).toEqual(hexes(ref.proof(i)));
        // Same through Cere's batch API (u16 indices).
        if (n <= 0x10000) {
          expect(verifyPayoutBatch(root, n - 1, i, leaves[i] as Uint8Array, proof)).toBe(true);
        }
      }),
      { numRuns: 150 }
    );
  });

  it('with crate rules computes exactly what the crate computes on arbitrary item lists', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 150 }),
        fc.nat(),
        fc.array(fc.oneof(fc.constant(-1), fc.nat({ max: 400 })), { maxLength: 16 }),
        (n, rawIndex, picks) => {
          const i = rawIndex % n;
          const leaves = makeLeaves(n, 7);
          const ref = RefMmr.of(leaves, plainCereMerge);
          // Items drawn from the tree's own nodes (so that some lists verify) and a stranger.
          const items = picks.map((p) =>
            p < 0 ? RANDOM_ITEM : (ref.nodes[p % ref.nodes.length] as RefNode).hash
          );
          const canonical = ref.proof(i);
          for (const list of [
            items,
            canonical,
            [...canonical, ...items],
            items.slice(0, canonical.length),
          ]) {
            const leaf = leaves[i] as Uint8Array;
            const pos = ref.leafPos[i] as number;
            const got = mmrRootFromProof(n, i, leaf, list, cereMerge, 'crate');
            const want = refCalculateRoot(ref.size(), pos, leaf, list, plainCereMerge);
            expect(got && hex(got)).toBe(want && hex(want));
            // Canonical rules accept a subset (exactly the canonical length), with the same root.
            const strict = mmrRootFromProof(n, i, leaf, list, cereMerge);
            expect(strict && hex(strict)).toBe(
              list.length === canonical.length ? got && hex(got) : null
            );
          }
        }
      ),
      { numRuns: 400 }
    );
  });

  const hostileNumber = fc.oneof(
    fc.constantFrom(
      -1,
      0,
      -0,
      1,
      2,
      NaN,
      Infinity,
      -Infinity,
      1.5,
      2 ** 32,
      2 ** 52,
      2 ** 52 + 1,
      2 ** 53,
      2 ** 53 + 2,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      0xffff,
      0x10000
    ),
    fc.integer(),
    fc.double()
  );
  const bytes = fc.oneof(
    fc.uint8Array({ minLength: 32, maxLength: 32 }),
    fc.uint8Array({ maxLength: 40 })
  );
  const garbage = fc.oneof(fc.anything(), bytes, hostileNumber, fc.array(bytes, { maxLength: 60 }));

  it('garbage arguments never throw', () => {
    const root = mmrRoot(makeLeaves(5), cereMerge);
    const leaf = makeLeaves(5)[2] as Uint8Array;
    const proof = mmrProof(makeLeaves(5), 2, cereMerge);
    fc.assert(
      fc.property(
        fc.oneof(garbage, fc.constant(root)),
        fc.oneof(garbage, hostileNumber),
        fc.oneof(garbage, hostileNumber),
        fc.oneof(garbage, fc.constant(leaf)),
        fc.oneof(garbage, fc.constant(proof), fc.array(bytes, { maxLength: 80 })),
        (r, count, index, l, items) => {
          const call = <T>(f: () => T): T => f();
          const a = call(() =>
            mmrVerify(
              r as Uint8Array,
              count as number,
              index as number,
              l as Uint8Array,
              items as Uint8Array[],
              cereMerge
            )
          );
          expect(typeof a).toBe('boolean');
          const b = call(() =>
            mmrRootFromProof(
              count as number,
              index as number,
              l as Uint8Array,
              items as Uint8Array[],
              testMerge
            )
          );
          expect(b === null || b instanceof Uint8Array).toBe(true);
          const c = call(() =>
            verifyPayoutBatch(
              r as Uint8Array,
              count as number,
              index as number,
              l as Uint8Array,
              items as Uint8Array[]
            )
          );
          expect(typeof c).toBe('boolean');
          const d = call(() =>
            verifyPayoutBatchEntries(
              r as Uint8Array,
              count as number,
              index as number,
              items as unknown as PayoutEntry[],
              l as unknown as Uint8Array[]
            )
          );
          expect(typeof d).toBe('boolean');
          expect(
            mmrProofLength(count as number, index as number) === null ||
              typeof mmrProofLength(count as number, index as number) === 'number'
          ).toBe(true);
        }
      ),
      { numRuns: 3000 }
    );
  });

  it('hostile counts and indices give false / null', () => {
    const leaves = makeLeaves(5);
    const root = mmrRoot(leaves, cereMerge);
    const proof = mmrProof(leaves, 2, cereMerge);
    const leaf = leaves[2] as Uint8Array;
    for (const bad of [-1, 0, NaN, Infinity, 5.5, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE]) {
      expect(mmrVerify(root, bad, 2, leaf, proof, cereMerge)).toBe(false);
      expect(mmrRootFromProof(bad, 2, leaf, proof, cereMerge)).toBeNull();
      expect(mmrVerify(root, 5, bad, leaf, proof, cereMerge)).toBe(false);
      expect(verifyPayoutBatch(root, bad, 2, leaf, proof)).toBe(false);
      expect(verifyPayoutBatch(root, 4, bad, leaf, proof)).toBe(false);
    }
    // Indices above u16 are not Cere batch indices, even though the generic MMR would take them.
    expect(verifyPayoutBatch(root, 0x10000, 2, leaf, proof)).toBe(false);
    // The largest generic MMR: the shape is computed, the proof is just too short.
    expect(mmrRootFromProof(MAX_LEAF_COUNT, 0, leaf, proof, cereMerge)).toBeNull();
    expect(mmrProofLength(MAX_LEAF_COUNT, 0)).toBe(52);
    expect(mmrProofLength(MAX_LEAF_COUNT + 1, 0)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Cere's instance
// ---------------------------------------------------------------------------------------------

describe("Cere's payout tree", () => {
  it('cereMerge equals blake2s256(l ‖ r), and an independent BLAKE2s (Python hashlib)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (l, r) => {
          expect(hex(cereMerge(l, r))).toBe(hex(plainCereMerge(l, r)));
        }
      ),
      { numRuns: 2000 }
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }), (l, r) => {
        expect(hex(cereMerge(l, r))).toBe(hex(plainCereMerge(l, r)));
      })
    );
    // hashlib.blake2s(bytes(range(64))) and hashlib.blake2s(b'\xff' * 64), computed with Python.
    const seq = Uint8Array.from({ length: 64 }, (_, i) => i);
    expect(hex(cereMerge(seq.subarray(0, 32), seq.subarray(32)))).toBe(
      '0x56f34e8b96557e90c1f24b52d0c89d51086acf1b00f634cf1dde9233b8eaaa3e'
    );
    const ff = new Uint8Array(32).fill(0xff);
    expect(hex(cereMerge(ff, ff))).toBe(
      '0xee92d9d765aac654bc062ea8e24456bb1a73c86643bdac7ec4ff2efd81721063'
    );
  });

  it("reproduces the root asserted in Cere's own Rust test (value produced by the crate)", () => {
    // Cerebellum-Network/blockchain-node, pallets/ddc-verification/src/tests.rs,
    // `create_merkle_root_works`: leaves [0;32], [1;32], [2;32], [3;32], [4;32] pushed into the
    // crate's MMR with MergeMMRHash (Blake2s256) give this root.
    const leaves = [0, 1, 2, 3, 4].map((v) => new Uint8Array(32).fill(v));
    const expected = Uint8Array.from([
      205, 34, 92, 22, 66, 39, 53, 146, 126, 111, 191, 174, 107, 224, 161, 127, 150, 69, 255, 15,
      237, 252, 116, 39, 186, 26, 40, 154, 180, 110, 185, 7,
    ]);
    expect(hex(mmrRoot(leaves, cereMerge))).toBe(hex(expected));
    expect(hex(payoutEraRoot(leaves))).toBe(hex(expected));
    // `proof_merkle_leaf_works`: leaf index 2 with max index 4 verifies; index 5 (a leaf [5;32]
    // beyond the tree) is rejected.
    const proof = payoutBatchProof(leaves, 2);
    expect(verifyPayoutBatch(expected, 4, 2, leaves[2] as Uint8Array, proof)).toBe(true);
    expect(verifyPayoutBatch(expected, 4, 5, new Uint8Array(32).fill(5), proof)).toBe(false);
  });

  it('the leaf preimage is account32 ‖ u128le(amount), 48 bytes (hand-computed example)', () => {
    const account = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const amount = 10n ** 12n; // 0xe8d4a51000
    const pre = payoutLeafPreimage(account, amount);
    expect(pre.length).toBe(48);
    expect(hex(pre)).toBe(
      '0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20' +
        '0010a5d4e80000000000000000000000'
    );
    // hashlib.blake2b(pre, digest_size=32), computed with Python.
    expect(hex(payoutLeaf(account, amount))).toBe(
      '0xa2d2ebeb87e9ac4c061c7205ce50968bbd8b5a2df2bf5a0645983a4273720022'
    );
    const max = payoutLeafPreimage(account, 2n ** 128n - 1n);
    expect(hex(max.subarray(32))).toBe('0x' + 'ff'.repeat(16));
    expect(() => payoutLeaf(account, 2n ** 128n)).toThrow(RangeError);
    expect(() => payoutLeaf(account, -1n)).toThrow(RangeError);
    expect(() => payoutLeaf(account.subarray(1), 1n)).toThrow(RangeError);
  });

  it('sorts by account bytes (unsigned, lexicographic), then by amount', () => {
    const acc = (...head: number[]) => {
      const a = new Uint8Array(32);
      a.set(head);
      return a;
    };
    const e = (account: Uint8Array, amount: bigint, tag: string) => ({ account, amount, tag });
    const entries = [
      e(acc(0x80), 1n, 'h'), // 0x80 > 0x7f: bytes compare unsigned
      e(acc(0x01, 0x02), 2n ** 100n, 'd'),
      e(acc(0x7f), 0n, 'g'),
      e(acc(0x01, 0x02), 3n, 'c'),
      e(acc(0x00, 0xff), 5n, 'b'),
      e(acc(0x01, 0x03), 0n, 'f'),
      e(acc(0x01, 0x02), 2n ** 100n + 1n, 'e'),
      e(acc(0x00, 0x00, 0x01), 9n, 'a'),
    ];
    const sorted = sortPayoutEntries(entries) as typeof entries;
    expect(sorted.map((x) => x.tag).join('')).toBe('abcdefgh');
    expect(entries[0]?.tag).toBe('h'); // the input is not modified
    expect(comparePayoutEntries(entries[1] as PayoutEntry, entries[1] as PayoutEntry)).toBe(0);
    const batches = splitToBatches(entries, 3) as (typeof entries)[];
    expect(batches.map((b) => b.map((x) => x.tag).join(''))).toEqual(['abc', 'def', 'gh']);
    expect(splitToBatches([], 3)).toEqual([]);
    for (const bad of [0, -1, 1.5, NaN])
      expect(() => splitToBatches(entries, bad)).toThrow(RangeError);
  });

  it('batch roots, era root and batch proofs; empty lists give the zero hash', () => {
    const entries: PayoutEntry[] = makeLeaves(23, 9).map((account, i) => ({
      account,
      amount: BigInt(i) * 7n,
    }));
    const batches = splitToBatches(entries, 5);
    const roots = batches.map(payoutBatchRoot);
    const era = payoutEraRoot(roots);
    const maxBatchIndex = batches.length - 1;
    batches.forEach((batch, b) => {
      const leaves = batch.map((x) => payoutLeaf(x.account, x.amount));
      expect(hex(roots[b] as Uint8Array)).toBe(hex(RefMmr.of(leaves, plainCereMerge).root()));
      const proof = payoutBatchProof(roots, b);
      expect(verifyPayoutBatch(era, maxBatchIndex, b, roots[b] as Uint8Array, proof)).toBe(true);
      expect(verifyPayoutBatchEntries(era, maxBatchIndex, b, batch, proof)).toBe(true);
      // The batch count is not the max index.
      expect(verifyPayoutBatch(era, batches.length, b, roots[b] as Uint8Array, proof)).toBe(
        RefMmr.of(makeLeaves(batches.length + 1), plainCereMerge).shape(b) ===
          RefMmr.of(makeLeaves(batches.length), plainCereMerge).shape(b)
      );
      // Reordered, altered or dropped entries change the batch root.
      expect(verifyPayoutBatchEntries(era, maxBatchIndex, b, [...batch].reverse(), proof)).toBe(
        batch.length === 1
      );
      const altered = batch.map((x, k) => (k === 0 ? { ...x, amount: x.amount + 1n } : x));
      expect(verifyPayoutBatchEntries(era, maxBatchIndex, b, altered, proof)).toBe(false);
      expect(verifyPayoutBatchEntries(era, maxBatchIndex, b, batch.slice(1), proof)).toBe(false);
    });
    expect(hex(payoutEraRoot([]))).toBe(hex(EMPTY_ROOT));
    expect(hex(payoutBatchRoot([]))).toBe('0x' + '00'.repeat(32));
    // A single batch: the era root is the batch root and the proof is empty.
    expect(hex(payoutEraRoot([roots[0] as Uint8Array]))).toBe(hex(roots[0] as Uint8Array));
    expect(verifyPayoutBatch(roots[0] as Uint8Array, 0, 0, roots[0] as Uint8Array, [])).toBe(true);
    // Malformed entries and 31-byte hashes are rejected as data.
    const proof0 = payoutBatchProof(roots, 0);
    const bad = [{ account: new Uint8Array(31), amount: 1n }];
    expect(verifyPayoutBatchEntries(era, maxBatchIndex, 0, bad, proof0)).toBe(false);
    const neg = [{ account: new Uint8Array(32), amount: -1n }];
    expect(verifyPayoutBatchEntries(era, maxBatchIndex, 0, neg, proof0)).toBe(false);
    expect(
      verifyPayoutBatch(era.subarray(1), maxBatchIndex, 0, roots[0] as Uint8Array, proof0)
    ).toBe(false);
    expect(
      verifyPayoutBatch(era, maxBatchIndex, 0, (roots[0] as Uint8Array).subarray(1), proof0)
    ).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Golden vectors
// ---------------------------------------------------------------------------------------------

interface VectorEntry {
  account: string;
  amount: string;
  leaf: string;
}
interface Vectors {
  source: string;
  trees: {
    leafCount: number;
    mmrSize: number;
    leaves: (VectorEntry & { index: number; pos: number })[];
    root: string;
    proofs: { leafIndex: number; items: string[] }[];
  }[];
  twoLevel: {
    batchSize: number;
    input: { account: string; amount: string }[];
    maxBatchIndex: number;
    eraRoot: string;
    batches: { batchIndex: number; entries: VectorEntry[]; batchRoot: string; proof: string[] }[];
  };
}

describe('golden vectors (test/vectors/mmr-cere.json)', () => {
  const text = readFileSync(VECTORS_PATH, 'utf8');
  const vectors = JSON.parse(text) as Vectors;
  const h = (s: string) => {
    const b = parseHex(s, 32);
    if (b === null) throw new Error(`bad hex ${s}`);
    return b;
  };

  it('the committed file is exactly what the generator produces', () => {
    expect(text).toBe(renderMmrVectors());
    expect(vectors.source).toMatch(/NOT produced by the Rust crate/);
    expect(vectors.trees.map((t) => t.leafCount)).toEqual([1, 2, 3, 4, 5, 7, 8, 11]);
  });

  it('every single-level vector holds, under the code and under the reference', () => {
    for (const t of vectors.trees) {
      const leaves = t.leaves.map((l) => {
        expect(hex(payoutLeaf(h(l.account), BigInt(l.amount)))).toBe(l.leaf);
        return h(l.leaf);
      });
      const ref = RefMmr.of(leaves, plainCereMerge);
      expect(ref.size()).toBe(t.mmrSize);
      expect(hex(ref.root())).toBe(t.root);
      for (const p of t.proofs) {
        const items = p.items.map(h);
        expect(hexes(ref.proof(p.leafIndex))).toEqual(p.items);
        expect(t.leaves[p.leafIndex]?.pos).toBe(ref.leafPos[p.leafIndex]);
        expect(
          mmrVerify(
            h(t.root),
            t.leafCount,
            p.leafIndex,
            leaves[p.leafIndex] as Uint8Array,
            items,
            cereMerge
          )
        ).toBe(true);
        expect(
          verifyPayoutBatch(
            h(t.root),
            t.leafCount - 1,
            p.leafIndex,
            leaves[p.leafIndex] as Uint8Array,
            items
          )
        ).toBe(true);
      }
    }
  });

  it('the two-level example holds', () => {
    const tl = vectors.twoLevel;
    const input = tl.input.map((e) => ({ account: h(e.account), amount: BigInt(e.amount) }));
    const batches = splitToBatches(input, tl.batchSize);
    expect(batches.length).toBe(tl.maxBatchIndex + 1);
    const roots = tl.batches.map((b) => h(b.batchRoot));
    expect(hex(RefMmr.of(roots, plainCereMerge).root())).toBe(tl.eraRoot);
    for (const b of tl.batches) {
      const entries = b.entries.map((e) => ({ account: h(e.account), amount: BigInt(e.amount) }));
      expect(b.entries.map((e) => e.account + e.amount)).toEqual(
        (batches[b.batchIndex] as PayoutEntry[]).map((e) => hex(e.account) + e.amount.toString())
      );
      const leaves = entries.map((e) => payoutLeaf(e.account, e.amount));
      expect(hex(RefMmr.of(leaves, plainCereMerge).root())).toBe(b.batchRoot);
      const proof = b.proof.map(h);
      expect(
        verifyPayoutBatch(h(tl.eraRoot), tl.maxBatchIndex, b.batchIndex, h(b.batchRoot), proof)
      ).toBe(true);
      expect(
        verifyPayoutBatchEntries(h(tl.eraRoot), tl.maxBatchIndex, b.batchIndex, entries, proof)
      ).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Speed (a loose floor; the real benchmark belongs in bench/)
// ---------------------------------------------------------------------------------------------
