/**
 * A sentinel round's figures in words, shared by the sentinel page and the era page: the
 * confidence it achieved against its target, the bound on bad leaves, and per-node lower bounds.
 * @module
 */

/** The kinds a failed spot check can have (verifier/evidence.ts FAILURE_KINDS). */
export const FAILURE_KINDS = ['mismatch', 'missing', 'timeout', 'error'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** What each kind means, for titles and the explanation. */
export const KIND_WORDS: Record<FailureKind, string> = {
  mismatch: 'served bytes that do not hash or decode to what was anchored',
  missing: 'answered 404 for the payload',
  timeout: 'did not answer within the time limit',
  error: 'could not be reached, answered another status, or sent too much',
};

export interface RoundFigures {
  population: number;
  sampleSize: number;
  sampled: number;
  failed: number;
  confidence: number;
  badBound: number;
  targetConfidence: number;
  targetBadFraction: number;
  status: string;
}

/** Lower bound of the 95% Wilson score interval for k successes in n trials. */
export function wilsonLower(k: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - margin) / (1 + z2 / n));
}

/** A target as set: `0.99` → `99%`, `0.005` → `0.5%` (no rounding beyond float noise). */
export function fraction(x: number): string {
  return `${Number((x * 100).toFixed(6))}%`;
}

/**
 * An achieved probability, rounded down so it never shows more than was reached: `97.8%`,
 * `99.93%` near one, `100%` only when it is one.
 */
export function chance(x: number): string {
  if (x >= 1) return '100%';
  const digits = x >= 0.99 ? 2 : 1;
  const f = 10 ** digits;
  return `${(Math.floor(x * 100 * f) / f).toFixed(digits)}%`;
}

/** “97.8% chance of catching ≥1% bad (target 99%)”. */
export function confidenceText(r: RoundFigures): string {
  return `${chance(r.confidence)} chance of catching ≥${fraction(r.targetBadFraction)} bad (target ${fraction(r.targetConfidence)})`;
}

/** Whether the achieved confidence reaches the target (float noise aside). */
export function targetMet(r: RoundFigures): boolean {
  return r.confidence >= r.targetConfidence - 1e-9;
}

/** “at most 15 of 120 bad at 99%”. */
export function boundText(r: RoundFigures): string {
  return `at most ${r.badBound.toLocaleString('en-US')} of ${r.population.toLocaleString('en-US')} bad at ${fraction(r.targetConfidence)}`;
}
