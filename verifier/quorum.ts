/**
 * Quorum arithmetic and vote tallies for attestation rounds.
 *
 * Rule `cere67` is Cere's on-chain rule: `Percent::from_percent(67) * n` with sp-arithmetic's
 * `Rounding::NearestPrefDown` (round to nearest, ties down), reached when votes ≥ threshold
 * (ddc-verification `is_quorum_reached`). Rule `twoThirds` is the strict supermajority: the
 * smallest k with 3k ≥ 2n. Votes are counted once per distinct known validator (duplicates and
 * unknown signers are listed, never counted), following sigstore's dedupe-before-threshold rule.
 * @module
 */

export type QuorumRule = 'cere67' | 'twoThirds';
export const QUORUM_RULES: readonly QuorumRule[] = ['cere67', 'twoThirds'];

/** Votes needed out of `n` validators under `rule`. */
export function quorumThreshold(n: number, rule: QuorumRule): number {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError('quorumThreshold: n must be a non-negative integer');
  if (rule === 'cere67') {
    const num = 67 * n;
    const q = Math.floor(num / 100);
    const r = num % 100;
    return r > 50 ? q + 1 : q; // nearest, ties (r = 50) down
  }
  if (rule === 'twoThirds') return Math.ceil((2 * n) / 3);
  throw new RangeError(`quorumThreshold: unknown rule ${String(rule)}`);
}

export interface Vote<K> {
  /** The voter's key, as a canonical string (0x-hex). */
  readonly voter: string;
  /** What the voter voted for, as a canonical string (e.g. the fingerprint or the root pair). */
  readonly choice: K;
}

export interface Tally<K> {
  /** Size of the known validator set. */
  readonly n: number;
  readonly rule: QuorumRule;
  readonly threshold: number;
  /** Distinct known validators per choice, in descending count. */
  readonly counts: ReadonlyArray<{ choice: K; voters: string[] }>;
  /** The choice with the most distinct known votes (null when there are none). */
  readonly leading: K | null;
  readonly leadingVotes: number;
  readonly reached: boolean;
  /** Voters not in the validator set. */
  readonly unknown: string[];
  /** Voters who voted more than once (their first vote counts; later ones are listed here). */
  readonly duplicates: string[];
  /** Validators who voted for more than one choice (their first vote counts). */
  readonly equivocators: string[];
  /** The same votes under the other rule, so a reader sees whether the choice of rule decided. */
  readonly other: { rule: QuorumRule; threshold: number; reached: boolean };
}

/**
 * Counts distinct known voters per choice. A validator's first vote counts; a repeat of the same
 * choice is a duplicate, a different choice makes it an equivocator. An empty validator set never
 * reaches quorum, even though `67% of 0` is 0.
 */
export function tally<K extends string>(
  votes: readonly Vote<K>[],
  validators: readonly string[],
  rule: QuorumRule
): Tally<K> {
  const known = new Set(validators);
  const n = known.size;
  const firstChoice = new Map<string, K>();
  const unknown: string[] = [];
  const duplicates: string[] = [];
  const equivocators: string[] = [];
  for (const v of votes) {
    if (!known.has(v.voter)) {
      if (!unknown.includes(v.voter)) unknown.push(v.voter);
      continue;
    }
    const prev = firstChoice.get(v.voter);
    if (prev === undefined) firstChoice.set(v.voter, v.choice);
    else if (prev === v.choice) duplicates.push(v.voter);
    else if (!equivocators.includes(v.voter)) equivocators.push(v.voter);
  }
  const by = new Map<K, string[]>();
  for (const [voter, choice] of firstChoice) {
    const list = by.get(choice) ?? [];
    list.push(voter);
    by.set(choice, list);
  }
  const counts = [...by.entries()]
    .map(([choice, voters]) => ({ choice, voters }))
    .sort((a, b) => b.voters.length - a.voters.length || (a.choice < b.choice ? -1 : 1));
  const top = counts[0];
  const leadingVotes = top ? top.voters.length : 0;
  const threshold = quorumThreshold(n, rule);
  const otherRule: QuorumRule = rule === 'cere67' ? 'twoThirds' : 'cere67';
  const otherThreshold = quorumThreshold(n, otherRule);
  return {
    n,
    rule,
    threshold,
    counts,
    leading: top ? top.choice : null,
    leadingVotes,
    reached: n > 0 && leadingVotes >= threshold && leadingVotes > 0,
    unknown,
    duplicates,
    equivocators,
    other: {
      rule: otherRule,
      threshold: otherThreshold,
      reached: n > 0 && leadingVotes >= otherThreshold && leadingVotes > 0,
    },
  };
}
