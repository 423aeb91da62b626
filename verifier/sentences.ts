/**
 * Receipt lines in words: for every check of the line catalogue (`CATALOGUE`), one sentence saying
 * what was checked, on what, and why it matters to an auditor, and for every reason code the check
 * declares (fails, waits, skips) one sentence saying what that outcome means for this check. The
 * CLI (`proofroom verify`) and the explorer both read these through `explainLine`, so the words
 * live in one place; `REASONS` stays the generic fallback for a line the catalogue does not know
 * (batch and evidence lines) and the API's `reason` field.
 *
 * Sentences may name values in braces, filled from the line when it is explained:
 *
 * - `{#}`, `{role}`, `{side}`: the item number, signing role or settlement side of the check's
 *   name (`grant.signature[2]`, `record.signature.agent`, `settlement.payers.proof`);
 * - `{fact|words}`: the line's fact `fact`, or `words` when the line does not carry it (a blocked
 *   line, say, carries other facts than a computed one). Every fact placeholder has such words, and
 *   test/catalogue.test.ts checks that each names a fact the check really emits.
 *
 * Browser-safe: no Node API, no dependency beyond the catalogue and the reason codes.
 * @module
 */
import { patternOf, specOf } from './catalogue.ts';
import { type LineStatus, type ReasonCode, REASONS } from './lines.ts';

/** What a reason code means for one check, by the code. */
export type CodeSentences = Readonly<Partial<Record<ReasonCode, string>>>;

/** The words of one catalogue check. */
export interface CheckWords {
  /** What was checked, on what, and why it matters: one sentence. */
  readonly description: string;
  /** One sentence per code of the catalogue entry's `fails`. */
  readonly fails: CodeSentences;
  /** One sentence per code of its `waits` (what a pending line waits for). */
  readonly waits?: CodeSentences;
  /** One sentence per code of its `skips`. */
  readonly skips?: CodeSentences;
}

/** A line that did not run because one before it failed (`blockedBy`) or an input is missing. */
const blocked = (what: string): string =>
  `${what} was not checked: it depends on {blockedBy|an input}, which failed or is missing.`;

/** The grant lines wait while the GAR service cannot be read to its end. */
const GAR_UNREAD =
  'The GAR service could not be read to its end, so a version not yet seen (a revocation, or a re-grant) may still decide this line, and it waits.';

const SKIPPED_ERA =
  "Root skipped the era's payout (force_skip_inspection), so no one was charged or rewarded for it and this check does not apply.";

/** A line that needs the era's payout, once a later era of the cluster was paid instead. */
const NEVER_PAID = (what: string): string =>
  `The era was never paid (a later era of the cluster was paid instead, and Cere pays eras in order), so ${what}.`;

const UNPAID_WAIT = (what: string): string =>
  `The era has not been paid yet, so this line waits for ${what}.`;

/** How a chain fact can fail against the bundle's proofs (`FACT_FAILS` of the catalogue). */
function factFails(what: string): CodeSentences {
  return {
    NOT_PROVEN: `No proof in the bundle establishes ${what} (the proofs are absent, or lack the block or event it cites), so it rests on the API's word alone.`,
    FACT_MISMATCH: `The proven chain holds something other than ${what} as the bundle states it, so the bundle misreports the chain.`,
    PROOF_INVALID: `A storage or extrinsics proof for ${what} does not lead to the root in its proven block header, so it proves nothing.`,
    PROOF_INCOMPLETE: `The proofs for ${what} lack a trie node needed to read it, so it could not be decided.`,
    BAD_ENCODING: `The proven bytes behind ${what} do not decode with the types of the block's runtime.`,
    UNKNOWN_RUNTIME: `The block behind ${what} ran a runtime whose types this verifier has not pinned, so its events and calls could not be read.`,
  };
}

export const SENTENCES: Readonly<Record<string, CheckWords>> = {
  // links: consent ------------------------------------------------------------------------------
  'grant.signature[#]': {
    description:
      "The signature on grant version {#} is the ed25519 signature of the user the version names, over the exact payload bytes the GAR service serves, so this version of the consent was given by the holder of that user's key.",
    fails: {
      MALFORMED:
        'Grant version {#} was not checked: the field {field|it needs} is missing or of the wrong type, or the record it is checked for could not be read.',
      BAD_ENCODING:
        'The payload of grant version {#} is not base64url-encoded UTF-8 JSON, so there are no signed bytes to check.',
      BAD_LENGTH:
        'The signer key or signature of grant version {#} is not the length ed25519 uses (32 and 64 bytes).',
      TOO_LARGE:
        'The payload of grant version {#} exceeds the size the verifier accepts, so it was not read.',
      UNSUPPORTED_KIND:
        'Grant version {#} is signed with {algorithm|an algorithm} rather than ed25519, which GAR grants use.',
      SIGNER_MISMATCH:
        "Grant version {#} was signed by {signer|a key} instead of the user it names, so it is not that user's consent.",
      SIG_INVALID:
        'The signature on grant version {#} does not verify over its payload bytes, so the payload served is not what the user signed.',
    },
  },
  'grant.parties': {
    description:
      "At least one correctly signed grant version names exactly the record's user and agent service, so the agent that produced the record acted under consent that user gave to it.",
    fails: {
      GRANT_MISSING:
        "The GAR service serves no grant version for the record's user and agent, so there is no consent on record for this activity.",
      SIG_INVALID:
        'Grant versions are served for this pair, but none carries a valid signature of its user, so none counts as consent.',
      GRANT_USER_MISMATCH:
        "The correctly signed grant versions were given by another user than the record's, so the record's user consented to nothing here.",
      GRANT_AGENT_MISMATCH:
        "The record's user signed grants, but to another agent service than the one named by the record.",
      MALFORMED: blocked('Who the grant names'),
    },
    waits: { UNAVAILABLE: GAR_UNREAD },
  },
  'grant.status': {
    description:
      "The grant version in force at the record's time (the latest one created at or before it) was neither revoked nor expired, so consent held when the activity happened.",
    fails: {
      GRANT_NOT_YET_VALID:
        "No correctly signed grant version of this pair was created by {at|the record's time}, so the activity came before any consent.",
      GRANT_EXPIRED:
        "The grant version in force at {at|the record's time} had expired at {expiresAt|an earlier time}, so consent had lapsed when the activity happened.",
      GRANT_REVOKED:
        "The grant version in force at {at|the record's time} revokes the grant, so the user had withdrawn consent when the activity happened.",
      MALFORMED: blocked("The grant's status"),
    },
    waits: { UNAVAILABLE: GAR_UNREAD },
  },
  'grant.scope': {
    description:
      "A scope of the grant version in force at the record's time names the record's workspace and stream (or vault and scope), so the consent covers the data this record touched.",
    fails: {
      GRANT_SCOPE_MISMATCH:
        "No scope of the grant version in force names the record's workspace and stream (or vault and scope), so the activity lies outside what the user consented to.",
      MALFORMED: blocked("The grant's scope"),
    },
    waits: { UNAVAILABLE: GAR_UNREAD },
  },
  'grant.anchored': {
    description:
      "Every correctly signed grant version that decides the record's status is in a final GAR anchor sent by the service's key, and no final anchor names a version of this pair that the service hides, so the grant history cannot be rewritten afterwards.",
    fails: {
      GRANT_HIDDEN:
        'The chain anchors a version of this grant that the GAR service does not serve and that could precede the record, so the history served may hide a revocation.',
      MALFORMED: blocked('The anchoring of the grant'),
    },
    waits: {
      NOT_ANCHORED:
        "A grant version that decides the record's status is not yet in a final GAR anchor, so this line waits until the service anchors it.",
      UNAVAILABLE:
        'The GAR service could not be read to its end, or the key it anchors with is not known, so this line waits.',
    },
  },
  // links: registrations ------------------------------------------------------------------------
  'record.registration': {
    description:
      "The storage node named by the record was a member of the batch's cluster at the record's time, and the provider the record pays is the account that created that node on chain, so the node was entitled to serve and the right provider is paid for it.",
    fails: {
      NOT_REGISTERED:
        "The record's node was not a member of the batch's cluster at {at|the record's time} (its last membership change then: {membership|none}), or has no provider on chain, so it was not entitled to serve this cluster.",
      SIGNER_MISMATCH:
        "The record pays provider {provider|one account}, but the node's provider on chain is {nodeProvider|another}, so the reward would go to the wrong account.",
      MALFORMED: blocked("The node's registration"),
    },
  },
  // record --------------------------------------------------------------------------------------
  'record.decode': {
    description:
      'The record bytes the batch committed to decode, in their canonical form, as an activity record of a known type and version, so every later check reads exactly the committed record.',
    fails: {
      MALFORMED:
        "A field the record's format requires ({field|not named}) is missing or has the wrong type, so the record cannot be checked further.",
      BAD_ENCODING:
        'The record bytes do not decode in their format (for a JSON record: UTF-8 JSON in its canonical JCS form), so the record cannot be checked further.',
      BAD_LENGTH: 'A key, signature, hash or id in the record has the wrong length.',
      TOO_LARGE: 'The record exceeds the size the verifier accepts, so it was not read.',
      UNSUPPORTED_KIND:
        'The record declares a type or algorithm this verifier does not know, so it cannot be checked.',
      UNSUPPORTED_VERSION:
        'The record declares a format version this verifier does not know, so it cannot be checked.',
    },
  },
  'record.id': {
    description:
      "The record id is the one derived from the record's canonical (JCS) content, so the id names exactly this content and no other.",
    fails: {
      RECORD_ID_MISMATCH:
        'The record states the id {expected|it carries}, but its content derives {computed|another}, so the id does not name this content.',
      BAD_ENCODING: 'The record has no canonical (JCS) form, so no id can be derived from it.',
      MALFORMED: blocked("The record's id"),
    },
  },
  'record.signature.<role>': {
    description:
      "The {role} signature is on the record exactly once, by the key the record names for that role, and verifies over the record's canonical bytes, so that party vouches for this exact record.",
    fails: {
      SIG_MISSING: 'The record carries no {role} signature, which the signing policy requires.',
      SIG_INVALID:
        "The {role} signature does not verify over the record's canonical bytes, so the record changed after it was signed or the signature is not genuine.",
      SIG_DUPLICATE_ROLE:
        'The record carries {count|more than one} {role} signatures, so which one vouches for it is ambiguous.',
      SIGNER_MISMATCH:
        'The {role} signature was made by {signer|a key} instead of {expectedSigner|the key the record names for that role}.',
      BAD_LENGTH: 'The {role} signature or its key has the wrong length for its algorithm.',
      BAD_ENCODING:
        'The {role} signature or its key does not decode, or the record has no canonical bytes to check it over.',
      UNSUPPORTED_KIND: 'The {role} signature uses an algorithm this verifier does not know.',
      MALFORMED: blocked('The {role} signature'),
    },
  },
  'record.signature[#]': {
    description:
      'Signature entry {#} of the record names no readable role, so it is reported on its own rather than silently ignored.',
    fails: {
      MALFORMED: 'Signature entry {#} lacks a field a signature needs, such as its role.',
      BAD_LENGTH: 'Signature entry {#} has a key or value of the wrong length.',
      BAD_ENCODING: 'Signature entry {#} has a key or value that does not decode.',
      UNSUPPORTED_KIND: 'Signature entry {#} uses an algorithm this verifier does not know.',
    },
  },
  'record.dac.*': {
    description:
      "The Cere DAC protobuf record the SCP record carries decodes, its node, client request and ack signatures verify, and its node and client are the SCP record's node and agent, so both records describe the same activity.",
    fails: {
      MALFORMED: 'The embedded DAC record lacks a field it needs or has one of the wrong type.',
      BAD_ENCODING: 'The embedded DAC record is not valid protobuf.',
      BAD_LENGTH: 'A key or signature in the embedded DAC record has the wrong length.',
      TOO_LARGE: 'The embedded DAC record exceeds the size the verifier accepts.',
      UNSUPPORTED_KIND:
        'A signature in the embedded DAC record uses an algorithm this verifier does not know.',
      SIG_INVALID:
        'A signature in the embedded DAC record does not verify over the bytes it signs.',
      SIG_MISSING: 'A signature the embedded DAC record should carry is absent.',
      SIGNER_MISMATCH:
        'The embedded DAC record is signed by another node or client than the SCP record names, so the two records may describe different activity.',
    },
  },
  'inclusion.mmr': {
    description:
      "The record's leaf (the blake2b-256 hash of its bytes) leads through its MMR proof to the batch root anchored on chain, so the record is one of those the batch committed to.",
    fails: {
      PROOF_INVALID:
        "The MMR proof does not lead from the record's leaf to the anchored batch root, so the record is not shown to be in the batch.",
      INDEX_OUT_OF_RANGE:
        "The record's leaf index {leafIndex|} lies outside the anchored batch of {leafCount|its} leaves, so no proof can place the record in it.",
      BAD_ENCODING: 'The inclusion proof does not decode, so inclusion could not be checked.',
      MALFORMED: blocked("The record's inclusion"),
    },
  },
  'anchor.era': {
    description:
      'The cluster and era the record declares are those of the batch anchored on chain, so the record is settled in the era it was committed in.',
    fails: {
      ERA_MISMATCH:
        'The record declares era {recordEra|one era}, but the batch anchored on chain is of era {batchEra|another} (or of another cluster), so the record claims another era than it was committed in.',
      MALFORMED: blocked("The record's era"),
    },
  },
  // anchor --------------------------------------------------------------------------------------
  'anchor.remark': {
    description:
      "The batch's SCP envelope hashes (blake2b-256) to the hash of the chain's System.Remarked event and decodes as a DAC batch commitment of a known version, so the root and leaf count the receipt relies on are the ones put on chain.",
    fails: {
      ANCHOR_MISMATCH:
        "The envelope hashes to {computed|one hash}, but the chain's Remarked event carries {expected|another}, so this is not the batch the chain anchored.",
      BAD_ENCODING: 'The anchored envelope does not decode as an SCP envelope.',
      BAD_LENGTH: 'A field of the anchored envelope has the wrong length.',
      UNSUPPORTED_KIND:
        'The anchored envelope is not a DAC batch commitment, so it commits to no records.',
      UNSUPPORTED_VERSION: 'The anchored envelope declares a version this verifier does not know.',
      TOO_LARGE: 'The anchored envelope exceeds the size the verifier accepts.',
    },
  },
  'anchor.sender': {
    description:
      "The key that sent the anchoring remark is one the batch's cluster authorised at that block (its manager, a member node, or a member node's provider), so the batch is the cluster's own commitment.",
    fails: {
      NOT_AUTHORIZED:
        "The remark was sent by {sender|a key} that is neither the cluster's manager nor one of its nodes or their providers at that block, so the batch is not the cluster's commitment.",
      MALFORMED: blocked("The anchor's sender"),
    },
  },
  'anchor.finality': {
    description:
      'The block holding the anchor is finalized (as the chain reports it, and proven in chain.finality for a bundle; --allow-unfinalized waives this), so the anchor can no longer be reverted.',
    fails: {
      NOT_FINAL:
        'Block {block|holding the anchor} is not finalized, so the chain could still drop the anchor.',
    },
  },
  // era -----------------------------------------------------------------------------------------
  'attestation.fingerprint[#]': {
    description:
      "Vote {#}'s payout fingerprint, recomputed from the cluster, the vote's ehd_id (or era window) and its payer and payee roots, is for this cluster and era and equals the fingerprint the chain recorded, so the vote commits to exactly these roots.",
    fails: {
      MALFORMED:
        'Vote {#} lacks a well-formed ehd_id (or era window), so its fingerprint cannot be recomputed and the vote does not count.',
      ERA_MISMATCH:
        "Vote {#} is for another cluster or era than this one, so it does not count towards this era's quorum.",
      FINGERPRINT_MISMATCH:
        'The fingerprint the chain recorded for vote {#} is not the one recomputed from its fields, so the vote does not count.',
    },
  },
  'attestation.quorum': {
    description:
      "Enough distinct members of the era's validator set committed one fingerprint to meet the quorum rule, and no other fingerprint also met it, so the era's payout roots are the ones the validators agreed on.",
    fails: {
      QUORUM_NOT_MET:
        '{leadingVotes|Too few} distinct validators of {validators|the set} committed the leading fingerprint where the {rule|quorum} rule needs {threshold|more}, or a second fingerprint also reached it, so no single set of roots was agreed.',
      MALFORMED:
        "The votes could not be counted because an input is missing, such as the era's validator set.",
    },
    waits: {
      NOT_PAID:
        'No fingerprint has a quorum yet and the era is not paid, so this line waits for {waitingFor|more votes}.',
    },
    skips: { ERA_SKIPPED: SKIPPED_ERA },
  },
  'attestation.payout': {
    description:
      "The era's payout began (begin_payout) with the fingerprint the quorum committed, so the payout pays out the roots the validators agreed on.",
    fails: {
      FINGERPRINT_MISMATCH:
        'The payout began with fingerprint {payoutFingerprint|another}, not the one the quorum committed (or no quorum was reached), so it pays out roots the validators did not agree on.',
      NOT_PAID: NEVER_PAID('its payout never began'),
      MALFORMED: 'No begin_payout of this era was found, so its fingerprint cannot be compared.',
    },
    waits: { NOT_PAID: UNPAID_WAIT('begin_payout') },
    skips: { ERA_SKIPPED: SKIPPED_ERA },
  },
  'attestation.roots': {
    description:
      "The payer and payee roots the quorum committed equal roots rebuilt independently, from the era's activity with Proof Room's cost model or from the batches the payout sent on chain (the facts name which), so the validators attested what was owed.",
    fails: {
      ROOTS_MISMATCH:
        "The quorum's roots differ from the roots rebuilt for this era (or a payout batch needed to rebuild them is missing, or there is no quorum to compare with), so the attested amounts are not the ones recomputed.",
      MALFORMED:
        "The roots could not be rebuilt because an input is missing ({reason|the cluster's protocol shares or the era's payout batches}).",
    },
    waits: {
      NOT_PAID: UNPAID_WAIT('{waitingFor|a fingerprint with a quorum}'),
    },
    skips: { ERA_SKIPPED: SKIPPED_ERA },
  },
  'settlement.<side>.proof': {
    description:
      'The payout batch listing the account proves, by a canonical MMR proof, into the {side} root the quorum attested, so the batch is part of the payout the validators agreed on.',
    fails: {
      PROOF_INVALID:
        'The payout batch does not prove into the {side} root the quorum attested (or no root was attested), so it is not shown to be part of the agreed payout.',
      INDEX_OUT_OF_RANGE:
        "The payout batch's index {batchIndex|} lies beyond the era's last batch {maxBatchIndex|}, so no proof can place it under the attested root.",
      ENTRY_NOT_FOUND:
        'No payout batch of the era lists the account, so there is no batch to prove.',
      NOT_PAID: NEVER_PAID('no completed payout settles this account'),
      MALFORMED: blocked('The payout batch'),
    },
    waits: { NOT_PAID: UNPAID_WAIT('its payout batches') },
    skips: { ERA_SKIPPED: SKIPPED_ERA },
  },
  'settlement.<side>.entry': {
    description:
      "The account (the record's customer among the payers, its provider among the payees), or for a billing-report era its buckets or nodes, is listed in that payout batch, so the payout settles it.",
    fails: {
      ENTRY_NOT_FOUND:
        'The account {account|} is not listed in the payout batch that should contain it, so the payout did not settle it.',
      NOT_PAID: NEVER_PAID('the payout never settled the account'),
      MALFORMED: blocked("The account's entry"),
    },
    waits: { NOT_PAID: UNPAID_WAIT('its payout batches') },
    skips: { ERA_SKIPPED: SKIPPED_ERA },
  },
  'settlement.<side>.amount': {
    description:
      "The chain's Charged or Rewarded events for the account ask exactly the amount its payout entry gives (for a billing-report era, what Cere's rule gives for its usage) and pay at most that, so the account was charged or rewarded what was attested.",
    fails: {
      AMOUNT_MISMATCH:
        "The chain's events for the account ask {eventExpected|another amount} where its entry gives {batchAmount|another amount}, or there are none, so the account was not charged or rewarded as attested.",
      ENTRY_NOT_FOUND:
        "The account is not in the payout batch, so there is no amount to compare the chain's events with.",
      NOT_PAID: NEVER_PAID("the account's charge or reward never completed"),
      MALFORMED: blocked('The amount'),
    },
    waits: { NOT_PAID: UNPAID_WAIT('its Charged and Rewarded events') },
    skips: { ERA_SKIPPED: SKIPPED_ERA },
  },
  'settlement.paid': {
    description:
      "The chain closed the era's payout with DdcClusters.ClusterEraPaid (taken from the chain; a bundle proves it in chain.paid), so the era's settlement is complete.",
    fails: {
      NOT_PAID:
        'The era was never paid: a later era of the cluster (era {laterEraPaid|not recorded}) was paid instead, and Cere pays eras in order.',
    },
    waits: { NOT_PAID: UNPAID_WAIT('ClusterEraPaid') },
    skips: {
      ERA_SKIPPED:
        'ClusterEraPaid was emitted by Root skipping the era (force_skip_inspection), not by a payout, so no one was charged or rewarded for it.',
    },
  },
  'conservation.balance': {
    description:
      "What customers were charged in the era equals the protocol fees, the providers' rewards and the reported undistributed remainder, or exceeds them by at most MaxDust (100,000 planck) when no remainder was reported, so no money appeared or vanished in the payout.",
    fails: {
      NOT_BALANCED:
        'The era charged {charged|one amount} planck but distributed {distributed|another}, a difference of {difference|more than the dust the chain may keep}, so money appeared or vanished in the payout.',
      NOT_PAID: NEVER_PAID('its payout never completed and cannot be balanced'),
    },
    waits: { NOT_PAID: UNPAID_WAIT('its payout to complete') },
    skips: {
      ERA_SKIPPED:
        "Root skipped the era's payout and no payout events were emitted, so there is nothing to balance.",
    },
  },
  'conservation.fees': {
    description:
      "Each protocol fee (treasury, validators, reserve) is the cluster's Perquintill share of the era's charges, rounded as the chain rounds, so the fees taken are those the cluster's parameters set.",
    fails: {
      AMOUNT_MISMATCH:
        "A protocol fee differs from the cluster's share of the era's charges as the chain computes it, so more or less was taken than the cluster's parameters set.",
      MALFORMED:
        "The cluster's protocol fee shares are not known, so the fees could not be recomputed.",
      NOT_PAID: NEVER_PAID('its fees cannot be checked against a completed payout'),
    },
    waits: { NOT_PAID: UNPAID_WAIT('its payout to complete') },
    skips: {
      ERA_SKIPPED:
        "Root skipped the era's payout and no payout events were emitted, so no fees were taken.",
    },
  },
  // chain: the bundle's chain facts against its proofs ------------------------------------------
  'chain.headers': {
    description:
      "Every block header the bundle's proofs carry decodes, and each block is known only by the blake2b-256 hash of its header bytes, so every chain proof rests on headers that cannot be swapped.",
    fails: {
      NOT_PROVEN:
        'The bundle carries no proofs (or not the headers they need), so none of its chain facts is proven.',
      BAD_ENCODING: 'A block header in the proofs does not decode.',
      TOO_LARGE: 'The proofs carry more headers or bytes than the verifier accepts.',
    },
  },
  'chain.finality': {
    description:
      'Every block the bundle calls final is proven final by a GRANDPA justification of the authority set (followed across set changes) for it or a descendant linked by proven headers, or by a node the user trusts, so the chain cannot revert the facts it holds.',
    fails: {
      NOT_PROVEN:
        'A block the bundle calls final has no proven header (or the bundle carries no proofs), so its finality is not shown.',
      NOT_FINAL:
        'No GRANDPA justification in the proofs finalizes a block the bundle calls final, or a descendant of it.',
      JUSTIFICATION_INVALID:
        'A GRANDPA justification in the proofs does not finalize the block it names: a vote is off its chain, an ancestry header is unused, or a supermajority is for a later block.',
      SIG_INVALID:
        'A precommit signature in a GRANDPA justification does not verify, so the justification proves nothing.',
      BAD_ENCODING: 'A GRANDPA justification or authority set in the proofs does not decode.',
      MALFORMED: 'A GRANDPA justification or authority set in the proofs is incomplete or invalid.',
      FACT_MISMATCH:
        'A block the bundle calls final has another number or hash than its proven header.',
    },
  },
  'chain.anchor': {
    description:
      "The anchor's System.Remarked event (sender and hash) is the event the proven System.Events of its block holds at the cited index, so the anchor the receipt relies on is on the chain.",
    fails: factFails("the anchor's Remarked event"),
  },
  'chain.grant': {
    description:
      "Each GAR anchor's System.Remarked event and its block's Timestamp.Now are what the proven state of that block holds, so the grant history is anchored where and when the bundle says.",
    fails: factFails('a GAR anchor or its block time'),
  },
  'chain.registration': {
    description:
      "Each membership change of the record's node is a proven DdcClusters.ClusterNodeAdded or ClusterNodeRemoved event at the stated time, so the node's registration is the chain's.",
    fails: factFails("a membership change of the record's node"),
  },
  'chain.validators': {
    description:
      "The era's validator set is the list of a proven DdcVerification.ValidatorsSetUpdated event, so the quorum is counted among the validators the chain named.",
    fails: factFails("the era's validator set"),
  },
  'chain.votes': {
    description:
      'Each vote is a proven DdcPayouts.PayoutFingerprintCommited event by that validator for the cluster, era and roots stated, with the ehd_id of the proven commit_payout_fingerprint extrinsic, so the votes counted are the ones cast on chain.',
    fails: factFails('a vote or its ehd_id'),
  },
  'chain.payout': {
    description:
      "The payout began with a proven DdcPayouts.begin_payout extrinsic for the cluster, era and fingerprint stated, read from its block's body under the extrinsics root, so the payout's fingerprint is the chain's.",
    fails: factFails('the begin_payout extrinsic'),
  },
  'chain.paid': {
    description:
      "The era's ClusterEraPaid (and a later era's, when one superseded it) is a proven event, and whether it came from a payout or from Root's skip is proven too, so the era's outcome is the chain's.",
    fails: factFails("the era's ClusterEraPaid event"),
  },
  'chain.settlement': {
    description:
      "Each charge or reward of the record's customer and provider is a proven DdcPayouts event with the stated amounts and batch, and the batch's entries and proof are the arguments of the proven send_*_batch extrinsic, so the settlement shown is the chain's.",
    fails: factFails("a charge, a reward or a payout batch of the record's accounts"),
  },
  'chain.conservation': {
    description:
      "The era's charged, fee, reward and undistributed totals equal the sums of every proven payout event of the era from begin_payout's block to ClusterEraPaid's, so the balance is computed from the chain's own events.",
    fails: {
      ...factFails("the era's payout totals"),
      TOO_LARGE:
        'The payout range from begin_payout to ClusterEraPaid runs backwards or spans more blocks than the verifier sums.',
    },
    waits: { NOT_PAID: UNPAID_WAIT('its payout events to be complete') },
  },
  'chain.pin': {
    description:
      "The proven blocks are the chain the user trusts: canonical and final at a node the user named, under pins the user gave, or final under an authority set the user gave; without a trust root this line rests on the API's word and says so.",
    fails: {
      NOT_CANONICAL:
        'A proven block is not the block the trusted node or pin has at that height, so the proofs describe another chain than the one the user trusts.',
      NOT_FINAL:
        'A block the bundle cites is not final at the trusted node, or no justification by the trusted authority set proves it final.',
      NOT_PROVEN:
        'A block the bundle cites is neither a pinned block nor a proven ancestor of one, so the pins do not cover it.',
    },
  },
};

/** What a line says in words. */
export interface LineWords {
  /** A short heading. */
  readonly title: string;
  /** What was checked, on what, and why it matters; null for a check the catalogue lacks. */
  readonly description: string | null;
  /** What the line's outcome means for this check; null for a passing line or one without code. */
  readonly reason: string | null;
}

/** The line fields `explainLine` reads: a verifier `Line`, or a line as the API serves it. */
export interface ExplainableLine {
  readonly check: string;
  readonly status?: LineStatus | string | null;
  readonly ok?: boolean;
  readonly code?: string | null;
  readonly facts?: unknown;
}

/** The item number, role or side a concrete check name fills its pattern with. */
function nameParams(check: string): Record<string, string> {
  const out: Record<string, string> = {};
  const item = /\[(\d+)\]$/.exec(check);
  if (item) out['#'] = item[1]!;
  const role = /^record\.signature\.([^.[\]]+)$/.exec(check);
  if (role) out.role = role[1]!;
  const side = /^settlement\.(payers|payees)\./.exec(check);
  if (side) out.side = side[1]!;
  return out;
}

const PLACEHOLDER = /\{([^{}|]+)((?:\|[^{}|]*)*)\}/g;
/** A placeholder with the space before it, so an empty fill takes its space along. */
const SPACED_PLACEHOLDER = /( ?)\{([^{}|]+)((?:\|[^{}|]*)*)\}/g;

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** A fact as words: scalars as they are, lists joined, long values cut; null when absent. */
function factWords(v: unknown): string | null {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x !== 'object'))
    s = v.map(String).join(', ');
  else return null;
  if (s.length === 0) return null;
  return s.length > 120 ? `${s.slice(0, 119)}…` : s;
}

/**
 * Fills a sentence's braces: name parameters from the check name, then facts; `{a|b|words}` tries
 * the facts `a` and `b` in turn (the last alternative is always the words used when none is
 * there). An empty fill takes the space before it along, so no gap is left before a comma.
 */
export function renderSentence(template: string, check: string, facts: unknown): string {
  const names = nameParams(check);
  const f = (typeof facts === 'object' && facts !== null ? facts : {}) as Record<string, unknown>;
  return template.replace(SPACED_PLACEHOLDER, (_m, space: string, key: string, alts: string) => {
    if (own(names, key)) return space + names[key]!;
    const options = [key, ...alts.split('|').slice(1)];
    const fallback = options.length > 1 ? options.pop()! : '';
    let fill = fallback;
    for (const k of options) {
      const w = own(f, k) ? factWords(f[k]) : null;
      if (w !== null) {
        fill = w;
        break;
      }
    }
    return fill === '' ? '' : space + fill;
  });
}

/** A pattern's sentence as the spec table shows it: `{#}` as `#`, `{role}` as `<role>`. */
export function patternSentence(template: string): string {
  return template
    .replace(/\{#\}/g, '#')
    .replace(/\{(role|side)\}/g, '<$1>')
    .replace(PLACEHOLDER, (_m, key: string, alts: string) => {
      const words = alts.split('|').slice(1);
      return words.length > 0 && words[words.length - 1] !== ''
        ? words[words.length - 1]!
        : `‹${key}›`;
    });
}

/** `REASONS[code]` as a sentence: capitalised, ending with a period. */
export function genericReason(code: string): string | null {
  const r = (REASONS as Record<string, string>)[code];
  return r === undefined ? null : `${r.charAt(0).toUpperCase()}${r.slice(1)}.`;
}

/**
 * A line in words: its title, what it checks, and, unless it passed, what its code means for this
 * check. A check or code the table lacks falls back to the check's name and the generic `REASONS`
 * sentence, so any line (a batch's, a sentinel evidence's) can be explained.
 */
export function explainLine(line: ExplainableLine): LineWords {
  const status =
    line.status === 'pass' ||
    line.status === 'fail' ||
    line.status === 'pending' ||
    line.status === 'skipped'
      ? line.status
      : line.ok
        ? 'pass'
        : 'fail';
  const spec = specOf(line.check);
  const words = SENTENCES[patternOf(line.check)];
  const title = spec?.title ?? line.check;
  const description = words ? renderSentence(words.description, line.check, line.facts) : null;
  if (status === 'pass' || !line.code) return { title, description, reason: null };
  const table =
    status === 'pending' ? words?.waits : status === 'skipped' ? words?.skips : words?.fails;
  const sentence = table?.[line.code as ReasonCode];
  return {
    title,
    description,
    reason: sentence ? renderSentence(sentence, line.check, line.facts) : genericReason(line.code),
  };
}
