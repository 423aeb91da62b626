/**
 * The receipt line model. A receipt is an ordered list of lines; each line is one check that either
 * passed or failed with a reason code from a closed set, the facts needed to debug it (expected vs
 * computed, index, signer), the rule that produced it and where its data came from.
 * Failures are data: nothing in the verifier throws on malformed input.
 * @module
 */

/** The seven steps of the chain of evidence (DESIGN.md), in receipt order. */
export const STEPS = [
  'grant',
  'record',
  'inclusion',
  'anchor',
  'attestation',
  'settlement',
  'conservation',
  'chain',
] as const;
export type Step = (typeof STEPS)[number];

/**
 * Every reason a check can fail for. The set is closed: the API, the explorer and the CLI map each
 * code to a fixed explanation (`REASONS`), and tests compare codes, never messages.
 */
export const REASONS = {
  // Input shape (hostile input becomes one of these, never an exception)
  MALFORMED: 'a required field is missing or has the wrong type',
  BAD_ENCODING: 'bytes could not be decoded (hex, base64url, UTF-8, JSON, protobuf, SCALE)',
  BAD_LENGTH: 'a key, signature, hash or id has the wrong length',
  TOO_LARGE: 'an input exceeds the size limit the verifier accepts',
  UNSUPPORTED_VERSION: 'the object declares a version this verifier does not know',
  UNSUPPORTED_KIND: 'the object declares a kind or algorithm this verifier does not know',
  UNAVAILABLE:
    'the data could not be fetched from its source (timeout, connection error, HTTP error)',
  // Signatures
  SIG_INVALID: 'the signature does not verify over the signed bytes with the stated key',
  SIG_MISSING: 'a signature the rule requires is absent',
  SIG_DUPLICATE_ROLE: 'the same role signed twice',
  SIGNER_MISMATCH: 'the signature was made by a key other than the one the rule requires',
  // Grant (GAR)
  GRANT_NOT_YET_VALID: 'the grant was created after the time it is checked at',
  GRANT_EXPIRED: 'the grant had expired at the time it is checked at',
  GRANT_REVOKED: 'the grant is revoked',
  GRANT_AGENT_MISMATCH: 'the grant names another agent service',
  GRANT_USER_MISMATCH: 'the grant was signed for another user',
  GRANT_SCOPE_MISMATCH: 'no scope of the grant covers the record scope',
  GRANT_MISSING: 'the GAR service serves no grant version for the record user and agent',
  GRANT_HIDDEN:
    'the chain anchors a grant version of this pair that the GAR service does not serve',
  NOT_ANCHORED: 'a grant version is not (yet) anchored on chain in a final block',
  // Record
  RECORD_ID_MISMATCH: 'the record id is not the one derived from the record content',
  NOT_REGISTERED: 'the key is not registered for this role in the cluster at the record time',
  HASH_MISMATCH: 'a content hash differs from the hash recomputed from the bytes',
  // Inclusion and proofs
  PROOF_INVALID: 'a Merkle proof (MMR or trie) does not lead to the expected root',
  PROOF_INCOMPLETE: 'the proof lacks a node needed to decide',
  INDEX_OUT_OF_RANGE: 'a leaf or batch index lies outside the tree',
  ROOT_MISMATCH: 'a root differs from the root recomputed from the leaves',
  // Anchor
  ANCHOR_MISMATCH: "the chain's Remarked hash is not the hash of the anchor envelope",
  NOT_FINAL: 'a block the evidence calls final is not finalized, or nothing proves it final',
  JUSTIFICATION_INVALID:
    'the GRANDPA votes do not finalize the stated block: a vote off its chain, an unused ancestry header, or a supermajority for a later block',
  ERA_MISMATCH: 'the evidence belongs to another cluster or era than the record',
  NOT_AUTHORIZED: 'the key that did this is not authorised for the cluster at that block',
  // Attestation
  QUORUM_NOT_MET:
    "fewer distinct members of the era's validator set committed one fingerprint than the quorum rule requires",
  FINGERPRINT_MISMATCH:
    'a payout fingerprint differs from the one recomputed from its fields, or the payout began with another',
  ROOTS_MISMATCH: 'the attested roots differ from the roots recomputed from the activity',
  // Settlement and conservation
  NOT_PAID:
    'the era was not paid (no ClusterEraPaid): a line waits until it is, and fails once a later era was paid instead',
  ERA_SKIPPED:
    "Root skipped the era's payout (force_skip_inspection): the chain marked the era paid without charging or rewarding anyone, so the check does not apply",
  ENTRY_NOT_FOUND: 'the account is not in the batch that should contain it',
  AMOUNT_MISMATCH: 'an amount differs from the amount recomputed from the activity',
  NOT_BALANCED: 'charged amounts do not equal distributed plus undistributed amounts',
  // Chain proofs
  NOT_PROVEN:
    'no proof in the bundle establishes this chain fact (a header, a storage read or an event)',
  FACT_MISMATCH: 'a chain fact the bundle states differs from what the proofs show the chain holds',
  NOT_CANONICAL:
    'the block is not the one the trust root (a node or a pin the user trusts) has at that height',
  UNKNOWN_RUNTIME:
    'the block ran a runtime (spec name and version) whose types this verifier has not pinned',
  // Sentinel evidence
  CLAIM_UNSUPPORTED: 'the recorded facts do not show the failure the evidence claims',
} as const;
export type ReasonCode = keyof typeof REASONS;

/** A JSON-safe fact value; byte strings are rendered as 0x-hex, u128 amounts as decimal strings. */
export type Fact = string | number | boolean | null | readonly string[] | readonly number[];
export type Facts = Readonly<Record<string, Fact>>;

/** Where a line's data came from. */
export interface Source {
  readonly block?: number;
  readonly blockHash?: string;
  readonly eventIndex?: number;
  readonly extrinsic?: string;
  readonly url?: string;
}

/**
 * How a line was established: `checked` means recomputed locally by this code; `trusted` means
 * taken from the chain's finality (the trust model: finality and the validator set are trusted).
 */
export type Basis = 'checked' | 'trusted';

/**
 * A line's outcome. `pass` and `fail` are verdicts; `pending` means the check could not be decided
 * yet because an input it needs has not arrived (the era is not paid, the grant service could not
 * be read, a grant version is not anchored yet). A pending line is never shown as verified, and
 * its `code` names what it waits for. `skipped` means the chain itself decided the check does not
 * apply: Root skipped the era's payout (`ERA_SKIPPED`), so there is nothing to settle. It is never
 * shown as verified nor as failed, and a skip the chain does not prove is a failure, not a skip.
 */
export type LineStatus = 'pass' | 'fail' | 'pending' | 'skipped';
export const LINE_STATUSES: readonly LineStatus[] = ['pass', 'fail', 'pending', 'skipped'];

export interface Line {
  readonly step: Step;
  /** Stable id of the check, e.g. `grant.signature[0]`, `record.signature.agent`, `inclusion.mmr`. */
  readonly check: string;
  readonly status: LineStatus;
  /** `status === 'pass'`. */
  readonly ok: boolean;
  /** `null` when passed; why it failed, or what it waits for when pending. */
  readonly code: ReasonCode | null;
  /** The rule that produced the verdict, e.g. `cere:gar-ed25519`, `scp-v0:jcs`, `cere67`. */
  readonly rule: string;
  readonly basis: Basis;
  readonly facts: Facts;
  readonly source?: Source;
}

export interface LineInit {
  step: Step;
  check: string;
  rule: string;
  facts?: Facts;
  source?: Source;
  basis?: Basis;
}

function line(init: LineInit, status: LineStatus, code: ReasonCode | null): Line {
  const out: { -readonly [K in keyof Line]: Line[K] } = {
    step: init.step,
    check: init.check,
    status,
    ok: status === 'pass',
    code,
    rule: init.rule,
    basis: init.basis ?? 'checked',
    facts: init.facts ?? {},
  };
  // Added last (the same member order as a spread), without building an object to spread.
  if (init.source) out.source = init.source;
  return out;
}

export function pass(init: LineInit): Line {
  return line(init, 'pass', null);
}

export function fail(init: LineInit, code: ReasonCode): Line {
  return line(init, 'fail', code);
}

/** A line that waits for an input; `code` says which (e.g. `NOT_PAID`, `UNAVAILABLE`). */
export function pending(init: LineInit, code: ReasonCode): Line {
  return line(init, 'pending', code);
}

/** A line the chain made moot: Root skipped the era (`ERA_SKIPPED`). */
export function skipped(init: LineInit, code: ReasonCode): Line {
  return line(init, 'skipped', code);
}

/** `pass` when `ok`, else `fail` with `code`. */
export function verdict(ok: boolean, init: LineInit, code: ReasonCode): Line {
  return ok ? pass(init) : fail(init, code);
}

/**
 * A receipt's (or any set of lines') status: `fail` if one failed, else `pending` if one waits,
 * else `skipped` if one was made moot by a skipped era, else `pass`.
 */
export function statusOfTally(t: {
  readonly failed: number;
  readonly pending: number;
  readonly skipped?: number;
}): LineStatus {
  return t.failed > 0
    ? 'fail'
    : t.pending > 0
      ? 'pending'
      : (t.skipped ?? 0) > 0
        ? 'skipped'
        : 'pass';
}

/** Counts of a list of lines by status. */
export function tallyLines(lines: ReadonlyArray<{ readonly status: LineStatus }>): {
  passed: number;
  failed: number;
  pending: number;
  skipped: number;
} {
  let passed = 0;
  let failed = 0;
  let waiting = 0;
  let moot = 0;
  for (const l of lines) {
    if (l.status === 'pass') passed++;
    else if (l.status === 'fail') failed++;
    else if (l.status === 'skipped') moot++;
    else waiting++;
  }
  return { passed, failed, pending: waiting, skipped: moot };
}

/** Result of parsing hostile input: a value, or the reason code and facts of why not. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: ReasonCode; readonly facts: Facts };

export function parsed<T>(value: T): Parsed<T> {
  return { ok: true, value };
}
export function rejected<T = never>(code: ReasonCode, facts: Facts = {}): Parsed<T> {
  return { ok: false, code, facts };
}
