/**
 * How many records a sentinel round checks, which ones, and what the result says.
 *
 * - **Size.** By default (`exact`) the smallest n whose hypergeometric miss probability is at most
 *   1 − d. The `formula` rule is the one first asked for: n0 = ln(1 − d) / ln(1 − p), then the
 *   finite-population correction n = n0 / (1 + (n0 − 1) / N), rounded up. It is the binomial
 *   approximation, and for a small bad count it promises more than it gives: with N = 1,000 and
 *   p = 1 % (10 bad records) its n = 315 catches them with probability 0.978, not 0.99, where
 *   `exact` takes n = 368.
 * - **Which.** Each leaf gets the rank blake2b-256(key = seed, "<batch id>" 0x00 u32le(leaf)), and the
 *   n smallest ranks are the sample. The seed is a keyed hash of the block that made the era final
 *   with a key only the sentinel holds, so no node can know the sample before it is drawn; once the
 *   round is complete the sentinel reveals the seed, and anyone can recompute the ranks and see that
 *   the sample was drawn by the rule (it committed to blake2b-256(seed) when the round began).
 * - **Result.** The confidence a round achieved is the probability that its sample would have caught
 *   at least one bad record had p·N (rounded up) of the N been bad; the bound is the largest bad
 *   count still consistent, at confidence d, with the failures seen.
 * @module
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { concatBytes, parseHex, utf8 } from '../verifier/bytes.ts';

export type SampleRule = 'formula' | 'exact';
export const SAMPLE_RULES: readonly SampleRule[] = ['formula', 'exact'];

export interface SampleTarget {
  /** Confidence of catching a bad fraction of at least `p` (the d), in (0, 1). */
  readonly d: number;
  /** The bad fraction to catch (p), in (0, 1). */
  readonly p: number;
  readonly rule: SampleRule;
}

/**
 * The default: 99% confidence of catching 1% bad, sized by the `exact` rule so that every round
 * meets the confidence it states (the formula falls short on small eras: 91% on the demo's).
 */
export const DEFAULT_TARGET: SampleTarget = { d: 0.99, p: 0.01, rule: 'exact' };

function checkTarget(t: SampleTarget): void {
  if (!(t.d > 0 && t.d < 1)) throw new RangeError(`d must be in (0, 1), got ${t.d}`);
  if (!(t.p > 0 && t.p < 1)) throw new RangeError(`p must be in (0, 1), got ${t.p}`);
}

/** The number of bad records a fraction p of N means: ceil(p·N), at least 1. */
export function badCount(population: number, p: number): number {
  // 1e-9 absorbs binary rounding, so 0.01 · 1000 is 10 and not 11.
  return Math.max(1, Math.ceil(p * population - 1e-9));
}

/**
 * The probability that a sample of n out of N (without replacement) contains none of K bad ones:
 * C(N − K, n) / C(N, n) = Π_{i<n} (N − K − i) / (N − i).
 */
export function missProbability(population: number, bad: number, n: number): number {
  if (n + bad > population) return 0;
  let logP = 0;
  for (let i = 0; i < n; i++) logP += Math.log((population - bad - i) / (population - i));
  return Math.exp(logP);
}

/** The sample size for N records under the target's rule (0 for an empty population). */
export function sampleSize(population: number, target: SampleTarget = DEFAULT_TARGET): number {
  checkTarget(target);
  if (!Number.isSafeInteger(population) || population < 0)
    throw new RangeError(`population must be a non-negative integer, got ${population}`);
  if (population === 0) return 0;
  if (target.rule === 'formula') {
    const n0 = Math.log(1 - target.d) / Math.log(1 - target.p);
    const n = n0 / (1 + (n0 - 1) / population);
    return Math.min(population, Math.max(1, Math.ceil(n - 1e-9)));
  }
  // exact: the smallest n with miss ≤ 1 − d, grown one draw at a time (n ≤ N).
  const bad = badCount(population, target.p);
  const allowed = Math.log(1 - target.d);
  let logMiss = 0;
  for (let n = 1; n <= population; n++) {
    const remainingGood = population - bad - (n - 1);
    if (remainingGood <= 0) return n;
    logMiss += Math.log(remainingGood / (population - (n - 1)));
    if (logMiss <= allowed + 1e-12) return n;
  }
  return population;
}

/** The chance a sample of `sampled` would have caught ceil(p·N) bad records. */
export function confidenceAchieved(population: number, sampled: number, p: number): number {
  if (population === 0) return 1;
  return 1 - missProbability(population, badCount(population, p), sampled);
}

// log Γ by Lanczos (g = 7, n = 9); relative error below 1e-13 for x ≥ 0.5.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** P(X ≤ f) for X ~ Hypergeometric(N, K bad, n drawn). */
export function hypergeometricCdf(population: number, bad: number, n: number, f: number): number {
  if (f >= Math.min(n, bad)) return 1;
  const denom = logChoose(population, n);
  let sum = 0;
  for (let x = Math.max(0, n - (population - bad)); x <= f; x++)
    sum += Math.exp(logChoose(bad, x) + logChoose(population - bad, n - x) - denom);
  return Math.min(1, sum);
}

/**
 * The largest number of bad records among N that is still consistent, at confidence d, with
 * seeing `failed` bad ones in a sample of `sampled`: the largest K with P(X ≤ failed | K) > 1 − d.
 */
export function badUpperBound(
  population: number,
  sampled: number,
  failed: number,
  d: number
): number {
  if (sampled >= population) return failed; // everything was looked at
  const alpha = 1 - d;
  // P(X ≤ f | K) falls as K grows: binary search the last K where it stays above alpha.
  let lo = failed; // always consistent
  let hi = population - (sampled - failed); // the unsampled plus the failures seen
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (hypergeometricCdf(population, mid, sampled, failed) > alpha) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// The seed and the sample

const SEED_DOMAIN = utf8('proofroom/sentinel/seed/v1');
const KEY_DOMAIN = utf8('proofroom/sentinel/sample-key/v1');

/** The sampling key, derived from the sentinel's ed25519 secret seed (never the seed itself). */
export function samplingKey(secretSeed: Uint8Array): Uint8Array {
  if (secretSeed.length !== 32) throw new RangeError('the secret seed must be 32 bytes');
  return blake2b(KEY_DOMAIN, { key: secretSeed, dkLen: 32 });
}

function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

/**
 * A round's seed: blake2b-256 keyed with the sampling key over the domain, the cluster id, the era
 * and the hash of the finalized block that closed the era.
 */
export function roundSeed(
  key: Uint8Array,
  clusterId: string,
  era: number,
  blockHash: string
): Uint8Array {
  const cluster = parseHex(clusterId);
  const block = parseHex(blockHash, 32);
  if (!cluster || !block) throw new RangeError('roundSeed: cluster id and block hash must be hex');
  return blake2b(concatBytes(SEED_DOMAIN, cluster, u32le(era), block), { key, dkLen: 32 });
}

/** The commitment published when a round begins: blake2b-256(seed). */
export function seedCommitment(seed: Uint8Array): Uint8Array {
  return blake2b(seed, { dkLen: 32 });
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

/**
 * The n leaves with the smallest ranks, smallest first. A bounded max-heap keeps memory at O(n)
 * whatever the population; ties (equal 32-byte ranks) are broken by batch id and leaf index.
 */
export function drawSample(
  seed: Uint8Array,
  batches: Iterable<BatchLeaves>,
  n: number
): SampledLeaf[] {
  if (n <= 0) return [];
  const cmp = (a: SampledLeaf, b: SampledLeaf): number =>
    compareBytes(a.rank, b.rank) ||
    (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : a.leafIndex - b.leafIndex);
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
