/**
 * The line catalogue: every check a receipt is made of, which subject produces it, in which step,
 * with which reason codes it can fail or wait, and a short title. What each check and each of its
 * codes means in words is in `sentences.ts` (`SENTENCES`, read through `explainLine`), keyed by the
 * same patterns. The indexer, the offline verifier, the API and the explorer all read this one
 * table:
 *
 * - the subject functions of `receipt.ts` produce exactly these checks, and `completeSubject`
 *   turns any required check a subject did not produce into a failed line (`MALFORMED`), so a
 *   missing input can never make a line disappear;
 * - `ManifestIndex.diff` (devnet/manifest.ts) reports a missing required line as a difference;
 * - the explorer and `proofroom verify` show each line's title, description and reason sentence.
 *
 * A receipt is the union of five subjects, each computed from its own inputs:
 *
 * | subject      | one per                | inputs                                                      |
 * | ------------ | ---------------------- | ----------------------------------------------------------- |
 * | `record`     | activity record        | the record's bytes, its leaf position, the anchored batch   |
 * | `links`      | activity record        | grant versions and GAR anchors; node registrations          |
 * | `anchor`     | anchored batch         | the remark event, its sender and block; the cluster's keys  |
 * | `settlement` | era, side and account  | the payout batch listing the account, the era's outcome     |
 * | `era`        | cluster and era        | votes, validator set, begin_payout, payout events           |
 *
 * A verified bundle adds a sixth, `chain` (verifier/chain.ts): its chain facts against the proofs
 * it carries and the user's trust root. The indexer does not store it (it reads the chain from its
 * own node); `verifyBundle` computes it wherever a bundle is checked.
 *
 * Check names with `[#]` repeat once per item (grant version, vote), numbered from 0; names with
 * `<role>` once per signing role; `record.dac.*` appears only when the record carries a Cere DAC
 * protobuf record.
 * @module
 */
import type { ReasonCode, Step } from './lines.ts';

export type SubjectKind = 'record' | 'links' | 'anchor' | 'settlement' | 'era' | 'chain';

/** Subjects in the order a receipt lists their lines within one step. */
export const SUBJECT_ORDER: readonly SubjectKind[] = [
  'links',
  'record',
  'anchor',
  'settlement',
  'era',
  'chain',
];

export interface CheckSpec {
  /** The check's name, or its pattern (`grant.signature[#]`, `record.signature.<role>`). */
  readonly check: string;
  readonly subject: SubjectKind;
  readonly step: Step;
  /**
   * `one`: exactly once per subject. `each`: once per item (`[#]`) or role (`<role>`), in
   * order. `optional`: only when the input carries the thing it checks.
   */
  readonly presence: 'one' | 'each' | 'optional';
  /**
   * A short heading for the check (a few words, no period); what it establishes, and why it
   * matters, is its description in `sentences.ts`.
   */
  readonly title: string;
  /** Codes a failing line can carry. */
  readonly fails: readonly ReasonCode[];
  /** Codes a pending line can carry (what it waits for). */
  readonly waits: readonly ReasonCode[];
  /** Codes a skipped line can carry (Root skipped the era, so the check does not apply). */
  readonly skips?: readonly ReasonCode[];
}

const BLOCKED: ReasonCode = 'MALFORMED';

/** How a chain fact can fail against the bundle's proofs (the `chain.*` fact checks). */
const FACT_FAILS: readonly ReasonCode[] = [
  'NOT_PROVEN',
  'FACT_MISMATCH',
  'PROOF_INVALID',
  'PROOF_INCOMPLETE',
  'BAD_ENCODING',
  'UNKNOWN_RUNTIME',
];

export const CATALOGUE: readonly CheckSpec[] = [
  // links: consent ----------------------------------------------------------------------------
  {
    check: 'grant.signature[#]',
    subject: 'links',
    step: 'grant',
    presence: 'each',
    title: "User's signature on a grant version",
    fails: [
      'MALFORMED',
      'BAD_ENCODING',
      'BAD_LENGTH',
      'TOO_LARGE',
      'UNSUPPORTED_KIND',
      'SIGNER_MISMATCH',
      'SIG_INVALID',
    ],
    waits: [],
  },
  {
    check: 'grant.parties',
    subject: 'links',
    step: 'grant',
    presence: 'one',
    title: "Grant names the record's user and agent",
    fails: ['GRANT_MISSING', 'SIG_INVALID', 'GRANT_USER_MISMATCH', 'GRANT_AGENT_MISMATCH', BLOCKED],
    waits: ['UNAVAILABLE'],
  },
  {
    check: 'grant.status',
    subject: 'links',
    step: 'grant',
    presence: 'one',
    title: "Grant in force at the record's time",
    fails: ['GRANT_NOT_YET_VALID', 'GRANT_EXPIRED', 'GRANT_REVOKED', BLOCKED],
    waits: ['UNAVAILABLE'],
  },
  {
    check: 'grant.scope',
    subject: 'links',
    step: 'grant',
    presence: 'one',
    title: "Grant covers the record's scope",
    fails: ['GRANT_SCOPE_MISMATCH', BLOCKED],
    waits: ['UNAVAILABLE'],
  },
  {
    check: 'grant.anchored',
    subject: 'links',
    step: 'grant',
    presence: 'one',
    title: 'Grant history anchored on chain',
    fails: ['GRANT_HIDDEN', BLOCKED],
    waits: ['NOT_ANCHORED', 'UNAVAILABLE'],
  },
  // links: registrations ----------------------------------------------------------------------
  {
    check: 'record.registration',
    subject: 'links',
    step: 'record',
    presence: 'one',
    title: 'Storage node registered in the cluster',
    fails: ['NOT_REGISTERED', 'SIGNER_MISMATCH', BLOCKED],
    waits: [],
  },
  // record ------------------------------------------------------------------------------------
  {
    check: 'record.decode',
    subject: 'record',
    step: 'record',
    presence: 'one',
    title: 'Record is well formed',
    fails: [
      'MALFORMED',
      'BAD_ENCODING',
      'BAD_LENGTH',
      'TOO_LARGE',
      'UNSUPPORTED_KIND',
      'UNSUPPORTED_VERSION',
    ],
    waits: [],
  },
  {
    check: 'record.id',
    subject: 'record',
    step: 'record',
    presence: 'one',
    title: 'Record id matches its content',
    fails: ['RECORD_ID_MISMATCH', 'BAD_ENCODING', BLOCKED],
    waits: [],
  },
  {
    check: 'record.signature.<role>',
    subject: 'record',
    step: 'record',
    presence: 'each',
    title: "Role's signature on the record",
    fails: [
      'SIG_MISSING',
      'SIG_INVALID',
      'SIG_DUPLICATE_ROLE',
      'SIGNER_MISMATCH',
      'BAD_LENGTH',
      'BAD_ENCODING',
      'UNSUPPORTED_KIND',
      BLOCKED,
    ],
    waits: [],
  },
  {
    check: 'record.signature[#]',
    subject: 'record',
    step: 'record',
    presence: 'optional',
    title: 'Signature entry without a role',
    fails: ['MALFORMED', 'BAD_LENGTH', 'BAD_ENCODING', 'UNSUPPORTED_KIND'],
    waits: [],
  },
  {
    check: 'record.dac.*',
    subject: 'record',
    step: 'record',
    presence: 'optional',
    title: 'Embedded Cere DAC record',
    fails: [
      'MALFORMED',
      'BAD_ENCODING',
      'BAD_LENGTH',
      'TOO_LARGE',
      'UNSUPPORTED_KIND',
      'SIG_INVALID',
      'SIG_MISSING',
      'SIGNER_MISMATCH',
    ],
    waits: [],
  },
  {
    check: 'inclusion.mmr',
    subject: 'record',
    step: 'inclusion',
    presence: 'one',
    title: 'Record included in the anchored batch',
    fails: ['PROOF_INVALID', 'INDEX_OUT_OF_RANGE', 'BAD_ENCODING', BLOCKED],
    waits: [],
  },
  {
    check: 'anchor.era',
    subject: 'record',
    step: 'anchor',
    presence: 'one',
    title: "Record's cluster and era are the batch's",
    fails: ['ERA_MISMATCH', BLOCKED],
    waits: [],
  },
  // anchor ------------------------------------------------------------------------------------
  {
    check: 'anchor.remark',
    subject: 'anchor',
    step: 'anchor',
    presence: 'one',
    title: 'Batch anchored on chain',
    fails: [
      'ANCHOR_MISMATCH',
      'BAD_ENCODING',
      'BAD_LENGTH',
      'UNSUPPORTED_KIND',
      'UNSUPPORTED_VERSION',
      'TOO_LARGE',
    ],
    waits: [],
  },
  {
    check: 'anchor.sender',
    subject: 'anchor',
    step: 'anchor',
    presence: 'one',
    title: 'Anchor sent by an authorised key',
    fails: ['NOT_AUTHORIZED', BLOCKED],
    waits: [],
  },
  {
    check: 'anchor.finality',
    subject: 'anchor',
    step: 'anchor',
    presence: 'one',
    title: 'Anchor block is final',
    fails: ['NOT_FINAL'],
    waits: [],
  },
  // era ---------------------------------------------------------------------------------------
  {
    check: 'attestation.fingerprint[#]',
    subject: 'era',
    step: 'attestation',
    presence: 'each',
    title: "Validator's payout fingerprint",
    fails: ['MALFORMED', 'ERA_MISMATCH', 'FINGERPRINT_MISMATCH'],
    waits: [],
  },
  {
    check: 'attestation.quorum',
    subject: 'era',
    step: 'attestation',
    presence: 'one',
    title: "Validators' quorum on one fingerprint",
    fails: ['QUORUM_NOT_MET', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'attestation.payout',
    subject: 'era',
    step: 'attestation',
    presence: 'one',
    title: "Payout began with the quorum's fingerprint",
    fails: ['FINGERPRINT_MISMATCH', 'NOT_PAID', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'attestation.roots',
    subject: 'era',
    step: 'attestation',
    presence: 'one',
    title: 'Attested roots recomputed',
    fails: ['ROOTS_MISMATCH', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'settlement.<side>.proof',
    subject: 'settlement',
    step: 'settlement',
    presence: 'one',
    title: 'Payout batch proves into the attested root',
    fails: ['PROOF_INVALID', 'INDEX_OUT_OF_RANGE', 'ENTRY_NOT_FOUND', 'NOT_PAID', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'settlement.<side>.entry',
    subject: 'settlement',
    step: 'settlement',
    presence: 'one',
    title: 'Account listed in the payout batch',
    fails: ['ENTRY_NOT_FOUND', 'NOT_PAID', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'settlement.<side>.amount',
    subject: 'settlement',
    step: 'settlement',
    presence: 'one',
    title: "Chain events match the account's amount",
    fails: ['AMOUNT_MISMATCH', 'ENTRY_NOT_FOUND', 'NOT_PAID', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'settlement.paid',
    subject: 'era',
    step: 'settlement',
    presence: 'one',
    title: 'Era paid on chain',
    fails: ['NOT_PAID'],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'conservation.balance',
    subject: 'era',
    step: 'conservation',
    presence: 'one',
    title: "Era's charges balance its payouts",
    fails: ['NOT_BALANCED', 'NOT_PAID'],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'conservation.fees',
    subject: 'era',
    step: 'conservation',
    presence: 'one',
    title: 'Protocol fees as the chain computes them',
    fails: ['AMOUNT_MISMATCH', 'MALFORMED', 'NOT_PAID'],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  // chain: the bundle's chain facts against its proofs (verifier/chain.ts) ------------------
  {
    check: 'chain.headers',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Block headers proven',
    fails: ['NOT_PROVEN', 'BAD_ENCODING', 'TOO_LARGE'],
    waits: [],
  },
  {
    check: 'chain.finality',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Cited blocks proven final',
    fails: [
      'NOT_PROVEN',
      'NOT_FINAL',
      'JUSTIFICATION_INVALID',
      'SIG_INVALID',
      'BAD_ENCODING',
      'MALFORMED',
      'FACT_MISMATCH',
    ],
    waits: [],
  },
  {
    check: 'chain.anchor',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Anchor event proven',
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.grant',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Grant anchors proven',
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.registration',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Node membership proven',
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.validators',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Validator set proven',
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.votes',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Votes proven',
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.payout',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Payout start proven',
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.paid',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Era payment proven',
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.settlement',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Charges and rewards proven',
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.conservation',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Era totals proven',
    fails: [...FACT_FAILS, 'TOO_LARGE'],
    waits: ['NOT_PAID'],
  },
  {
    check: 'chain.pin',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title: 'Proofs pinned to the chain the user trusts',
    fails: ['NOT_CANONICAL', 'NOT_FINAL', 'NOT_PROVEN'],
    waits: [],
  },
];

const SIDES = ['payers', 'payees'] as const;

/** The pattern a concrete check name belongs to (`grant.signature[3]` → `grant.signature[#]`). */
export function patternOf(check: string): string {
  if (check.startsWith('record.dac.')) return 'record.dac.*';
  if (/^record\.signature\.[^.[\]]+$/.test(check)) return 'record.signature.<role>';
  for (const s of SIDES)
    if (check.startsWith(`settlement.${s}.`))
      return `settlement.<side>.${check.slice(12 + s.length)}`;
  return check.replace(/\[\d+\]$/, '[#]');
}

const BY_PATTERN = new Map(CATALOGUE.map((c) => [c.check, c]));

/** The catalogue entry of a concrete check name, or undefined for a name the catalogue lacks. */
export function specOf(check: string): CheckSpec | undefined {
  return BY_PATTERN.get(patternOf(check));
}

/** What a subject must contain, given the counts only its inputs know. */
export interface SubjectShape {
  /** Grant versions (links), votes (era). */
  readonly items?: number;
  /** Required signing roles (record). */
  readonly roles?: readonly string[];
  /** The side (settlement). */
  readonly side?: 'payers' | 'payees';
}

/** The concrete checks a subject must produce, in order. */
export function requiredChecks(subject: SubjectKind, shape: SubjectShape = {}): string[] {
  const out: string[] = [];
  for (const c of CATALOGUE) {
    if (c.subject !== subject || c.presence === 'optional') continue;
    if (c.check.endsWith('[#]')) {
      for (let i = 0; i < (shape.items ?? 0); i++) out.push(c.check.replace('[#]', `[${i}]`));
    } else if (c.check.includes('<role>')) {
      for (const r of shape.roles ?? []) out.push(c.check.replace('<role>', r));
    } else if (c.check.includes('<side>')) {
      out.push(c.check.replace('<side>', shape.side ?? 'payers'));
    } else out.push(c.check);
  }
  return out;
}

/** Required checks of `subject` that `checks` lacks (the `missing` of `catalogueGaps`). */
export function missingChecks(
  subject: SubjectKind,
  checks: readonly string[],
  shape: SubjectShape = {}
): string[] {
  const have = new Set(checks);
  return requiredChecks(subject, shape).filter((c) => !have.has(c));
}

/** Required checks of `subject` that `checks` lacks, and names the catalogue does not know. */
export function catalogueGaps(
  subject: SubjectKind,
  checks: readonly string[],
  shape: SubjectShape = {}
): { missing: string[]; unknown: string[] } {
  const missing = missingChecks(subject, checks, shape);
  const unknown = checks.filter((c) => specOf(c)?.subject !== subject);
  return { missing, unknown };
}
