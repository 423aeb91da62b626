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
 *   n smallest ranks are the sample. The seed is the output of a verifiable random function (RFC 9381
 *   ECVRF-EDWARDS25519-SHA512-TAI) under the sentinel's ed25519 key, over the cluster, the era and
 *   the hash of the block that paid the era (verifier/draw.ts). No node can know the sample before
 *   the sentinel draws it (the output needs the secret key), the sentinel cannot choose it (one
 *   output verifies per key and block), and anyone can check the proof and recompute the ranks
 *   from the sentinel's public key at once: nothing is committed, nothing revealed later.
 * - **Result.** The confidence a round achieved is the probability that its sample would have caught
 *   at least one bad record had p·N (rounded up) of the N been bad; the bound is the largest bad
 *   count still consistent, at confidence d, with the failures seen.
 * @module
 */
import { drawAlpha } from '../verifier/draw.ts';
import { proofToHash, prove as vrfProve } from '../verifier/vrf.ts';

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
// The draw: alpha, the VRF proof, the seed (verifier/draw.ts defines the bytes)

export {
  type BatchLeaves,
  type SampledLeaf,
  drawAlpha,
  drawSample,
  leafRank,
  leavesRankedBefore,
} from '../verifier/draw.ts';

/** A round's draw: the VRF input, the proof anyone can check, and the seed it yields. */
export interface RoundDraw {
  /** 82 bytes: domain ‖ cluster id ‖ u32le(era) ‖ hash of the block that paid the era. */
  readonly alpha: Uint8Array;
  /** 80 bytes: ECVRF-EDWARDS25519-SHA512-TAI proof of alpha under the sentinel's key. */
  readonly proof: Uint8Array;
  /** 64 bytes: the VRF output beta, the key of every leaf rank. */
  readonly seed: Uint8Array;
}

/**
 * The draw of a round from the sentinel's 32-byte ed25519 secret. The VRF is deterministic: a
 * restarted round gets the same proof and seed, hence the same sample.
 */
export function roundDraw(
  secret: Uint8Array,
  clusterId: string,
  era: number,
  blockHash: string
): RoundDraw {
  const alpha = drawAlpha(clusterId, era, blockHash);
  if (!alpha)
    throw new RangeError(
      'roundDraw: the cluster id must be 20 bytes of hex, the block hash 32, the era a u32'
    );
  const proof = vrfProve(secret, alpha);
  const out = proofToHash(proof);
  if (!out.ok) throw new Error(`roundDraw: own proof refused (${out.reason})`);
  return { alpha, proof, seed: out.beta };
}
