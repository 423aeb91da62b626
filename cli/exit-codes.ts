/**
 * The exit codes of `proofroom verify`, for one receipt and for several. Pure, so the rules are
 * tested without running the command.
 * @module
 */
import type { LineStatus } from '../verifier/lines.ts';

/** What each exit code of `proofroom verify` means. */
export const EXIT = {
  /** Every line passes and a trust root pinned the proofs. */
  verified: 0,
  /** A line fails. */
  failed: 1,
  /** A bundle is malformed or unreadable. */
  malformed: 2,
  /** Every line passes, but no trust root pinned the proofs. */
  unpinned: 3,
  /** No line fails, but some wait for an input. */
  pending: 4,
  /** Root skipped the era: no line fails or waits, and the settlement checks do not apply. */
  skipped: 5,
} as const;

/**
 * The exit code of a checked receipt: 1 a line fails, 4 a line waits, 5 the era was skipped by
 * Root, 3 every line passes but no trust root pinned the proofs, 0 verified and pinned. Like a
 * waiting line, a skipped era decides the code whether or not the proofs are pinned: the receipt
 * is not verified either way.
 */
export function exitCodeOf(r: {
  readonly status: LineStatus;
  readonly chain: { readonly pinned: boolean };
}): number {
  if (r.status === 'fail') return EXIT.failed;
  if (r.status === 'pending') return EXIT.pending;
  if (r.status === 'skipped') return EXIT.skipped;
  return r.chain.pinned ? EXIT.verified : EXIT.unpinned;
}

/** How many of several bundles ended each way. */
export interface VerifyCounts {
  readonly verified: number;
  readonly failed: number;
  readonly pending: number;
  readonly skipped: number;
  readonly unpinned: number;
  readonly malformed: number;
}

/**
 * The exit code of several bundles, the worst of theirs: 2 malformed, else 1 failed, else 4
 * pending, else 5 skipped, else 3 unpinned, else 0.
 */
export function exitCodeOfMany(c: VerifyCounts): number {
  if (c.malformed > 0) return EXIT.malformed;
  if (c.failed > 0) return EXIT.failed;
  if (c.pending > 0) return EXIT.pending;
  if (c.skipped > 0) return EXIT.skipped;
  return c.unpinned > 0 ? EXIT.unpinned : EXIT.verified;
}
