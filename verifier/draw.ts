/**
 * The sentinel's draw: which leaves of an era a round samples, in a form anyone can recompute.
 *
 * - **alpha** (82 bytes): the ASCII domain `proofroom/sentinel/draw/v1` (26 bytes) ‖ the cluster id
 *   (20 bytes) ‖ the era as u32 little-endian (4 bytes) ‖ the hash of the finalized block whose
 *   `ClusterEraPaid` closed the era (32 bytes).
 * - **pi**: the sentinel's ECVRF-EDWARDS25519-SHA512-TAI proof of alpha (verifier/vrf.ts) under its
 *   ed25519 key; **seed** = beta, all 64 bytes of the VRF output.
 * - **ranks**: each leaf's rank is blake2b-256(key = seed, utf8(batch id) ‖ 0x00 ‖ u32le(leaf
 *   index)); the sample is the n smallest ranks over every leaf of the era's batches (ties, which
 *   would need equal 32-byte hashes, are broken by batch id, then leaf index).
 *
 * The sentinel cannot choose the sample: alpha is fixed by the chain, and for a fixed key and alpha
 * only one beta verifies. Nobody else can predict it before the sentinel publishes pi, because
 * beta needs the secret key.
 * @module
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { concatBytes, parseHex, utf8 } from './bytes.ts';

export const DRAW_DOMAIN = 'proofroom/sentinel/draw/v1';
/** Length of alpha: domain, cluster id, era, block hash. */
export const ALPHA_BYTES = DRAW_DOMAIN.length + 20 + 4 + 32;

function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

/**
 * The VRF input of a round, or null when the cluster id is not 20 bytes of hex, the block hash not
 * 32, or the era not a u32.
 */
export function drawAlpha(clusterId: string, era: number, blockHash: string): Uint8Array | null {
  const cluster = parseHex(clusterId, 20);
  const block = parseHex(blockHash, 32);
  if (!cluster || !block || !Number.isInteger(era) || era < 0 || era > 0xffffffff) return null;
  return concatBytes(utf8(DRAW_DOMAIN), cluster, u32le(era), block);
}

/** A leaf's rank under a seed; the sample is the n smallest ranks. */
export function leafRank(seed: Uint8Array, batchId: string, leafIndex: number): Uint8Array {
  return blake2b(concatBytes(utf8(batchId), Uint8Array.of(0), u32le(leafIndex)), {
    key: seed,
    dkLen: 32,
  });
}

/**
 * `leafRank` for the leaves of one batch: the same bytes with less work. The keyed hasher absorbs
 * the key block and `utf8(batchId)` once; each leaf copies that state into one reused hasher
 * (`_cloneInto`, what `clone()` does into a fresh one) and adds `0x00 ‖ u32le(leaf)`: one
 * compression per leaf instead of two, and no hasher, key block or message built per leaf.
 */
function batchRanker(
  keyed: ReturnType<typeof blake2b.create>,
  batchId: string
): (leafIndex: number) => Uint8Array {
  const prefix = keyed.clone().update(utf8(batchId));
  const work = prefix.clone();
  const tail = new Uint8Array(5); // 0x00, then u32le(leaf)
  const view = new DataView(tail.buffer);
  return (leafIndex) => {
    view.setUint32(1, leafIndex, true);
    prefix._cloneInto(work);
    const rank = new Uint8Array(32);
    work.update(tail).digestInto(rank);
    return rank;
  };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export interface BatchLeaves {
  readonly batchId: string;
  readonly leafCount: number;
}

export interface SampledLeaf {
  readonly batchId: string;
  readonly leafIndex: number;
  readonly rank: Uint8Array;
}

function cmp(a: SampledLeaf, b: SampledLeaf): number {
  return (
    compareBytes(a.rank, b.rank) ||
    (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : a.leafIndex - b.leafIndex)
  );
}

/**
 * The n leaves with the smallest ranks, smallest first. A bounded max-heap keeps memory at O(n)
 * whatever the population.
 */
export function drawSample(
  seed: Uint8Array,
  batches: Iterable<BatchLeaves>,
  n: number
): SampledLeaf[] {
  if (n <= 0) return [];
  const heap: SampledLeaf[] = []; // max-heap by cmp
  const up = (i: number): void => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (cmp(heap[i]!, heap[parent]!) <= 0) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && cmp(heap[l]!, heap[top]!) > 0) top = l;
      if (r < heap.length && cmp(heap[r]!, heap[top]!) > 0) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  };
  const keyed = blake2b.create({ key: seed, dkLen: 32 });
  for (const b of batches) {
    if (b.leafCount <= 0) continue;
    const rankOf = batchRanker(keyed, b.batchId);
    for (let leaf = 0; leaf < b.leafCount; leaf++) {
      const cand = { batchId: b.batchId, leafIndex: leaf, rank: rankOf(leaf) };
      if (heap.length < n) {
        heap.push(cand);
        up(heap.length - 1);
      } else if (cmp(cand, heap[0]!) < 0) {
        heap[0] = cand;
        down(0);
      }
    }
  }
  return heap.sort(cmp);
}

/**
 * How many leaves of the population rank before (batchId, leafIndex) under the seed: the leaf is in
 * a sample of n exactly when this is below n. One pass, no heap: what a verifier needs.
 */
export function leavesRankedBefore(
  seed: Uint8Array,
  batches: Iterable<BatchLeaves>,
  batchId: string,
  leafIndex: number
): number {
  const mine: SampledLeaf = { batchId, leafIndex, rank: leafRank(seed, batchId, leafIndex) };
  const keyed = blake2b.create({ key: seed, dkLen: 32 });
  let before = 0;
  for (const b of batches) {
    if (b.leafCount <= 0) continue;
    const rankOf = batchRanker(keyed, b.batchId);
    for (let leaf = 0; leaf < b.leafCount; leaf++)
      if (cmp({ batchId: b.batchId, leafIndex: leaf, rank: rankOf(leaf) }, mine) < 0) before++;
  }
  return before;
}
