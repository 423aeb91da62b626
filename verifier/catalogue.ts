/**
 * The line catalogue: every check a receipt is made of, which subject produces it, in which step,
 * with which reason codes it can fail or wait, and one sentence saying what it establishes. The
 * indexer, the offline verifier, the API and the explorer all read this one table:
 *
 * - the subject functions of `receipt.ts` produce exactly these checks, and `completeSubject`
 *   turns any required check a subject did not produce into a failed line (`MALFORMED`), so a
 *   missing input can never make a line disappear;
 * - `ManifestIndex.diff` (devnet/manifest.ts) reports a missing required line as a difference;
 * - the explorer and `proofroom verify` show each line's sentence.
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
  /** What a passing line establishes, in one sentence. */
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
    title:
      'This version of the grant was signed with ed25519 by the user it names, over the exact payload bytes the GAR service serves.',
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
    title: "At least one correctly signed grant version names the record's user and agent service.",
    fails: ['GRANT_MISSING', 'SIG_INVALID', 'GRANT_USER_MISMATCH', 'GRANT_AGENT_MISMATCH', BLOCKED],
    waits: ['UNAVAILABLE'],
  },
  {
    check: 'grant.status',
    subject: 'links',
    step: 'grant',
    presence: 'one',
    title:
      "The grant version in force at the record's time was active: created before it, not expired, not revoked.",
    fails: ['GRANT_NOT_YET_VALID', 'GRANT_EXPIRED', 'GRANT_REVOKED', BLOCKED],
    waits: ['UNAVAILABLE'],
  },
  {
    check: 'grant.scope',
    subject: 'links',
    step: 'grant',
    presence: 'one',
    title: "A scope of the grant version in force covers the record's workspace and stream.",
    fails: ['GRANT_SCOPE_MISMATCH', BLOCKED],
    waits: ['UNAVAILABLE'],
  },
  {
    check: 'grant.anchored',
    subject: 'links',
    step: 'grant',
    presence: 'one',
    title:
      "Every grant version that decides the record's status is anchored on chain by the GAR service, and the chain anchors no version of this pair that the service hides.",
    fails: ['GRANT_HIDDEN', BLOCKED],
    waits: ['NOT_ANCHORED', 'UNAVAILABLE'],
  },
  // links: registrations ----------------------------------------------------------------------
  {
    check: 'record.registration',
    subject: 'links',
    step: 'record',
    presence: 'one',
    title:
      "The record's storage node was a member of the batch's cluster at the record's time, and the record's provider is that node's provider on chain.",
    fails: ['NOT_REGISTERED', 'SIGNER_MISMATCH', BLOCKED],
    waits: [],
  },
  // record ------------------------------------------------------------------------------------
  {
    check: 'record.decode',
    subject: 'record',
    step: 'record',
    presence: 'one',
    title: 'The record is a well-formed SCP activity record of a known type and version.',
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
    title: "The record id is the one derived from the record's canonical (JCS) content.",
    fails: ['RECORD_ID_MISMATCH', 'BAD_ENCODING', BLOCKED],
    waits: [],
  },
  {
    check: 'record.signature.<role>',
    subject: 'record',
    step: 'record',
    presence: 'each',
    title:
      "The role's signature is present once, by the key the record names for that role, and verifies over the record's canonical bytes.",
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
    title: 'A signature entry without a readable role is reported on its own.',
    fails: ['MALFORMED', 'BAD_LENGTH', 'BAD_ENCODING', 'UNSUPPORTED_KIND'],
    waits: [],
  },
  {
    check: 'record.dac.*',
    subject: 'record',
    step: 'record',
    presence: 'optional',
    title:
      'The Cere DAC protobuf record the SCP record carries decodes, its node and client signatures verify, and it names the same node and agent.',
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
    title:
      "The record's leaf is in the batch root anchored on chain: its MMR proof leads to that root.",
    fails: ['PROOF_INVALID', 'INDEX_OUT_OF_RANGE', 'BAD_ENCODING', BLOCKED],
    waits: [],
  },
  {
    check: 'anchor.era',
    subject: 'record',
    step: 'anchor',
    presence: 'one',
    title: 'The cluster and era the record declares are those of the batch anchored on chain.',
    fails: ['ERA_MISMATCH', BLOCKED],
    waits: [],
  },
  // anchor ------------------------------------------------------------------------------------
  {
    check: 'anchor.remark',
    subject: 'anchor',
    step: 'anchor',
    presence: 'one',
    title:
      "The batch's SCP envelope hashes to the chain's System.Remarked event and decodes as a DAC batch commitment.",
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
    title:
      "The batch was anchored by a key the cluster authorises at that block: its manager, one of its nodes, or a node's provider.",
    fails: ['NOT_AUTHORIZED', BLOCKED],
    waits: [],
  },
  {
    check: 'anchor.finality',
    subject: 'anchor',
    step: 'anchor',
    presence: 'one',
    title: 'The block holding the anchor is final.',
    fails: ['NOT_FINAL'],
    waits: [],
  },
  // era ---------------------------------------------------------------------------------------
  {
    check: 'attestation.fingerprint[#]',
    subject: 'era',
    step: 'attestation',
    presence: 'each',
    title:
      "The validator's payout fingerprint, recomputed from its ehd_id and roots, is for this cluster and era (and equals the one the chain recorded, where it records one).",
    fails: ['MALFORMED', 'ERA_MISMATCH', 'FINGERPRINT_MISMATCH'],
    waits: [],
  },
  {
    check: 'attestation.quorum',
    subject: 'era',
    step: 'attestation',
    presence: 'one',
    title:
      "Enough distinct members of the era's validator set committed the same fingerprint for the quorum rule, and no other fingerprint also reached it.",
    fails: ['QUORUM_NOT_MET', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'attestation.payout',
    subject: 'era',
    step: 'attestation',
    presence: 'one',
    title: 'The payout began (begin_payout) with the fingerprint the quorum committed.',
    fails: ['FINGERPRINT_MISMATCH', 'NOT_PAID', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'attestation.roots',
    subject: 'era',
    step: 'attestation',
    presence: 'one',
    title:
      "The quorum's payers and payees roots equal the roots recomputed from the era's activity with Proof Room's cost model (a project rule, named in the facts).",
    fails: ['ROOTS_MISMATCH', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'settlement.<side>.proof',
    subject: 'settlement',
    step: 'settlement',
    presence: 'one',
    title:
      "The payout batch listing the account proves into the quorum's root (canonical MMR proof).",
    fails: ['PROOF_INVALID', 'INDEX_OUT_OF_RANGE', 'ENTRY_NOT_FOUND', 'NOT_PAID', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'settlement.<side>.entry',
    subject: 'settlement',
    step: 'settlement',
    presence: 'one',
    title: 'The account is listed in that payout batch.',
    fails: ['ENTRY_NOT_FOUND', 'NOT_PAID', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'settlement.<side>.amount',
    subject: 'settlement',
    step: 'settlement',
    presence: 'one',
    title:
      "The chain's Charged or Rewarded events for the account agree with the amount in the batch.",
    fails: ['AMOUNT_MISMATCH', 'ENTRY_NOT_FOUND', 'NOT_PAID', BLOCKED],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'settlement.paid',
    subject: 'era',
    step: 'settlement',
    presence: 'one',
    title: 'The era was closed on chain with DdcClusters.ClusterEraPaid.',
    fails: ['NOT_PAID'],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'conservation.balance',
    subject: 'era',
    step: 'conservation',
    presence: 'one',
    title:
      'What customers were charged equals the fees, the providers\u2019 rewards and what was recorded as not distributed, or exceeds them by at most MaxDust (100,000 planck) when no remainder was recorded.',
    fails: ['NOT_BALANCED', 'NOT_PAID'],
    waits: ['NOT_PAID'],
    skips: ['ERA_SKIPPED'],
  },
  {
    check: 'conservation.fees',
    subject: 'era',
    step: 'conservation',
    presence: 'one',
    title:
      "Each protocol fee is the cluster's Perquintill share of the charges, rounded as the chain rounds.",
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
    title:
      'Every block header the proofs carry decodes, and each block is known only by the blake2b-256 hash of its header bytes.',
    fails: ['NOT_PROVEN', 'BAD_ENCODING', 'TOO_LARGE'],
    waits: [],
  },
  {
    check: 'chain.finality',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title:
      'Every block the bundle calls final is proven final: a GRANDPA justification of the authority set (followed across set changes) finalizes it or a descendant linked by proven headers.',
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
    title:
      "The anchor's System.Remarked event (sender and hash) is the event the proven System.Events of its block holds at the cited index.",
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.grant',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title:
      "Each GAR anchor's System.Remarked event and its block's Timestamp.Now are what the proven state of that block holds.",
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.registration',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title:
      "Each membership change of the record's node is a proven DdcClusters.ClusterNodeAdded or ClusterNodeRemoved event at the stated time.",
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.validators',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title:
      "The era's validator set is the list of a proven DdcVerification.ValidatorsSetUpdated event.",
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.votes',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title:
      'Each vote is a proven DdcPayouts.PayoutFingerprintCommited event by that validator for the cluster, era and roots stated, and its ehd_id is the argument of the proven commit_payout_fingerprint extrinsic.',
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.payout',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title:
      "The payout began with a proven DdcPayouts.begin_payout extrinsic for the cluster, era and fingerprint stated, read from its block's body under the extrinsics root.",
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.paid',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title:
      "The era's ClusterEraPaid (and a later era's, when one superseded it) is a proven event.",
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.settlement',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title:
      "Each charge or reward of the record's customer and provider is a proven DdcPayouts event with the stated amounts and batch, and the batch's entries and proof are the arguments of the proven send_*_batch extrinsic.",
    fails: FACT_FAILS,
    waits: [],
  },
  {
    check: 'chain.conservation',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title:
      "The era's charged, fee, reward and undistributed totals equal the sums of every proven payout event of the era from begin_payout's block to ClusterEraPaid's.",
    fails: [...FACT_FAILS, 'TOO_LARGE'],
    waits: ['NOT_PAID'],
  },
  {
    check: 'chain.pin',
    subject: 'chain',
    step: 'chain',
    presence: 'one',
    title:
      "The proven blocks are the chain the user trusts: canonical and final at a node the user named, under pins the user gave, or final under an authority set the user gave; without a trust root this line rests on the API's word.",
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
