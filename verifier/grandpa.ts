/**
 * GRANDPA justifications: the proof that a block is final under a given authority set, as a node
 * returns it (`grandpa_proveFinality`, `chain_getBlock().justifications`, warp sync).
 *
 * Encoding (paritytech/polkadot-sdk `substrate/primitives/consensus/grandpa/src/lib.rs` at commit
 * 009c1010aa76648c6a8b2895fa02414212c73b8e, `GrandpaJustification<Header>`, with the types of
 * paritytech/finality-grandpa `src/lib.rs` at commit 321973e4a138f1e00a4dda5bbdd838871d4e45a7;
 * block numbers are `u32`, fixed width, hashes 32 bytes, ids and signatures ed25519):
 *
 *   round u64 ‖ commit: (target_hash [u8;32] ‖ target_number u32
 *                        ‖ precommits: Compact<u32> n ‖ n × (target_hash ‖ target_number
 *                                                           ‖ signature [u8;64] ‖ id [u8;32]))
 *   ‖ votes_ancestries: Compact<u32> m ‖ m × Header (see `header.ts`)
 *
 * Each precommit is signed over `sp_consensus_grandpa::localized_payload(round, set_id, message)`,
 * the SCALE encoding of the tuple `(Message::Precommit(precommit), round u64, set_id u64)`, where
 * `Message` is finality-grandpa's enum with `Prevote = 0`, `Precommit = 1`, `PrimaryPropose = 2`:
 *
 *   0x01 ‖ target_hash ‖ target_number u32 ‖ round u64 ‖ set_id u64        (53 bytes)
 *
 * ed25519 is verified with ZIP-215 semantics (the backend's `verify('ed25519', …)`, `pureBackend`
 * by default), as Substrate does.
 *
 * What `verifyGrandpaJustification` accepts, compared with Substrate's
 * `sc_consensus_grandpa::GrandpaJustification::verify_with_voter_set` (polkadot-sdk
 * `substrate/client/consensus/grandpa/src/justification.rs` at commit
 * 2f8d2a2b875a3f08aae5dd82c09ffe65932d2e62) and finality-grandpa's `validate_commit`:
 *
 * - Every authority has weight 1; the threshold is `n − ⌊(n − 1)/3⌋` of the `n` distinct
 *   authorities (finality-grandpa `voter_set.rs` `threshold`). Reached when that many distinct
 *   authorities have a precommit in the justification (`QUORUM_NOT_MET` otherwise).
 * - Every precommit must verify under its `id` for the given round and set id (`SIG_INVALID`), as in
 *   Substrate; a wrong set id or round therefore fails here.
 * - Every precommit must come from the authority set (`SIGNER_MISMATCH`). Substrate ignores votes
 *   of non-authorities; honest justifications never carry them (finality-grandpa only imports
 *   votes of voters), so this verifier rejects them. Stricter.
 * - Duplicates: an authority with two *different* precommits has equivocated; as in
 *   finality-grandpa it counts once towards the threshold, and for the check below its weight
 *   counts for every block. An authority listed twice with the same precommit, or more than twice,
 *   is rejected (`SIG_DUPLICATE_ROLE`). (finality-grandpa ignores an exact repeat and rejects a
 *   third vote; honest justifications never repeat a vote.)
 * - Every precommit must target the commit target T itself (with T's number) or a descendant of
 *   T: a chain of `votes_ancestries` headers, linked by parent hashes, from the precommit's block
 *   down to T, each header's number one more than its parent's and the first equal to the
 *   precommit's number. Every ancestry header must lie on such a chain, and none may repeat
 *   (`JUSTIFICATION_INVALID`). Substrate roots the chains at the lowest precommit instead of at T
 *   and does not check numbers; honest justifications (finality-grandpa `finalizing_precommits`)
 *   only carry precommits for T or its descendants, so both rules agree on them. Stricter.
 * - T must be the GHOST of the precommits, as `validate_commit` requires: no child of T may
 *   gather the threshold (distinct non-equivocating authorities voting in its subtree, plus every
 *   equivocator), else the votes finalize a later block (`JUSTIFICATION_INVALID`).
 * - Decoding is strict (`BAD_ENCODING`): canonical compacts, no trailing bytes (`decode_all`).
 *
 * The caller compares the returned block hash and number with the block it wants proven final.
 * Work is bounded by `MAX_JUSTIFICATION_BYTES`; a justification is checked with at most one
 * signature verification per precommit, done last.
 * @module
 */
import { compactU, concatBytes, equalBytes, toHex, uintLE } from './bytes.ts';
import { type Header, ScaleReader, headerHash, readHeader } from './header.ts';
import { type Parsed, parsed, rejected } from './lines.ts';
import { type SignatureBackend, pureBackend } from './signatures.ts';

export const MAX_JUSTIFICATION_BYTES = 16 * 1024 * 1024;
/** Largest authority set accepted (Kusama has 1000 validators). */
export const MAX_AUTHORITIES = 100_000;
/** Bytes of one encoded signed precommit: hash, number, signature, id. */
const PRECOMMIT_BYTES = 32 + 4 + 64 + 32;
/** Fewest bytes of one encoded header: three hashes, a one-byte number and a digest count. */
const MIN_HEADER_BYTES = 32 + 1 + 32 + 32 + 1;
const U64_MAX = (1n << 64n) - 1n;

export interface SignedPrecommit {
  readonly targetHash: Uint8Array;
  readonly targetNumber: number;
  readonly signature: Uint8Array;
  /** The ed25519 public key of the authority. */
  readonly id: Uint8Array;
}

export interface GrandpaJustification {
  readonly round: bigint;
  /** The commit target: the block this justification proves final. */
  readonly targetHash: Uint8Array;
  readonly targetNumber: number;
  readonly precommits: readonly SignedPrecommit[];
  /** The SCALE-encoded headers of `votes_ancestries`. */
  readonly votesAncestries: readonly Uint8Array[];
}

export interface GrandpaFinality {
  readonly blockHash: Uint8Array;
  readonly blockNumber: number;
  readonly round: bigint;
}

/** The bytes an authority signs for a precommit (see the module comment). */
export function precommitPayload(
  targetHash: Uint8Array,
  targetNumber: number,
  round: bigint,
  setId: bigint
): Uint8Array {
  return concatBytes(
    Uint8Array.of(1),
    targetHash,
    uintLE(BigInt(targetNumber), 4),
    uintLE(round, 8),
    uintLE(setId, 8)
  );
}

/** The threshold of finality-grandpa for `n` voters of weight 1: `n − ⌊(n − 1)/3⌋`. */
export function grandpaThreshold(n: number): number {
  return n - Math.floor(Math.max(n - 1, 0) / 3);
}

/** Decodes a justification (strictly: see the module comment). Never throws. */
export function decodeGrandpaJustification(encoded: Uint8Array): Parsed<GrandpaJustification> {
  if (!(encoded instanceof Uint8Array)) return rejected('MALFORMED', { field: 'justification' });
  if (encoded.length > MAX_JUSTIFICATION_BYTES)
    return rejected('TOO_LARGE', { bytes: encoded.length, max: MAX_JUSTIFICATION_BYTES });
  const r = new ScaleReader(encoded);
  const round = r.u64();
  const targetHash = r.take(32);
  const targetNumber = r.u32();
  if (round === null || targetHash === null || targetNumber === null)
    return rejected('BAD_ENCODING', { field: 'commit', at: r.offset });
  const n = r.compactU32();
  if (n === null || n * PRECOMMIT_BYTES > r.remaining)
    return rejected('BAD_ENCODING', { field: 'precommits', count: n, at: r.offset });
  const precommits: SignedPrecommit[] = [];
  for (let i = 0; i < n; i++) {
    const h = r.take(32) as Uint8Array;
    const num = r.u32() as number;
    const sig = r.take(64) as Uint8Array;
    const id = r.take(32) as Uint8Array;
    precommits.push({
      targetHash: h.slice(),
      targetNumber: num,
      signature: sig.slice(),
      id: id.slice(),
    });
  }
  const m = r.compactU32();
  if (m === null || m * MIN_HEADER_BYTES > r.remaining)
    return rejected('BAD_ENCODING', { field: 'votesAncestries', count: m, at: r.offset });
  const votesAncestries: Uint8Array[] = [];
  for (let i = 0; i < m; i++) {
    const start = r.offset;
    const h = readHeader(r);
    if (!h.ok) return rejected(h.code, { ...h.facts, field: 'votesAncestries', header: i });
    votesAncestries.push(encoded.slice(start, r.offset));
  }
  if (!r.done) return rejected('BAD_ENCODING', { trailingBytes: r.remaining, at: r.offset });
  return parsed({
    round,
    targetHash: targetHash.slice(),
    targetNumber,
    precommits,
    votesAncestries,
  });
}

/** The SCALE encoding of a justification. Throws RangeError on malformed fields. */
export function encodeGrandpaJustification(j: GrandpaJustification): Uint8Array {
  const u32 = (v: number): Uint8Array => {
    if (!Number.isSafeInteger(v) || v < 0 || v > 0xffffffff)
      throw new RangeError('encodeGrandpaJustification: expected a u32');
    return uintLE(BigInt(v), 4);
  };
  if (j.targetHash.length !== 32) throw new RangeError('encodeGrandpaJustification: target hash');
  const parts: Uint8Array[] = [uintLE(j.round, 8), j.targetHash, u32(j.targetNumber)];
  parts.push(compactU(j.precommits.length));
  for (const p of j.precommits) {
    if (p.targetHash.length !== 32 || p.signature.length !== 64 || p.id.length !== 32)
      throw new RangeError('encodeGrandpaJustification: precommit field length');
    parts.push(p.targetHash, u32(p.targetNumber), p.signature, p.id);
  }
  parts.push(compactU(j.votesAncestries.length), ...j.votesAncestries);
  return concatBytes(...parts);
}

interface AncestryEntry {
  readonly header: Header;
  used: boolean;
}

/** The facts every verdict on a decoded justification carries. */
interface VerdictBase {
  readonly target: string;
  readonly targetNumber: number;
  readonly round: string;
}

/**
 * Verifies a GRANDPA justification against the authority set `authorities` (ed25519 public keys,
 * weight 1 each) with id `setId`: the block it proves final, or the first reason it does not (see
 * the module comment for the rules and their reason codes). Never throws.
 */
export function verifyGrandpaJustification(
  encoded: Uint8Array,
  setId: bigint,
  authorities: readonly Uint8Array[],
  backend: SignatureBackend = pureBackend
): Parsed<GrandpaFinality> {
  const set = readAuthoritySet(setId, authorities);
  if (!set.ok) return set;
  const known = set.value;
  const decoded = decodeGrandpaJustification(encoded);
  if (!decoded.ok) return decoded;
  const j = decoded.value;
  const base: VerdictBase = {
    target: toHex(j.targetHash),
    targetNumber: j.targetNumber,
    round: j.round.toString(),
  };
  const votes = tallySigners(j, known, base);
  if (!votes.ok) return votes;
  const votesBy = votes.value;
  const routes = routeVotesToTarget(j, base);
  if (!routes.ok) return routes;
  const quorum = checkThreshold(known.size, votesBy.size, base);
  if (!quorum.ok) return quorum;
  const threshold = quorum.value;
  const ghost = checkGhost(j, votesBy, routes.value, threshold, base);
  if (!ghost.ok) return ghost;
  const signed = verifyPrecommitSignatures(j, setId, backend, base);
  if (!signed.ok) return signed;
  return parsed({ blockHash: j.targetHash, blockNumber: j.targetNumber, round: j.round });
}

/** Step 1: the caller's set id and authority set make sense; the authorities as hex keys. */
function readAuthoritySet(setId: bigint, authorities: readonly Uint8Array[]): Parsed<Set<string>> {
  if (typeof setId !== 'bigint' || setId < 0n || setId > U64_MAX)
    return rejected('MALFORMED', { field: 'setId' });
  if (!Array.isArray(authorities) || authorities.length === 0)
    return rejected('MALFORMED', { field: 'authorities', reason: 'empty authority set' });
  if (authorities.length > MAX_AUTHORITIES)
    return rejected('TOO_LARGE', { authorities: authorities.length, max: MAX_AUTHORITIES });
  const known = new Set<string>();
  for (let i = 0; i < authorities.length; i++) {
    const a = authorities[i];
    if (!(a instanceof Uint8Array))
      return rejected('MALFORMED', { field: 'authorities', index: i });
    if (a.length !== 32)
      return rejected('BAD_LENGTH', { field: 'authorities', index: i, length: a.length });
    const hex = toHex(a);
    if (known.has(hex))
      return rejected('MALFORMED', { field: 'authorities', index: i, reason: 'duplicate' });
    known.add(hex);
  }
  return parsed(known);
}

/** Step 2: signers are known authorities, at most one equivocation each; their votes by key. */
function tallySigners(
  j: GrandpaJustification,
  known: ReadonlySet<string>,
  base: VerdictBase
): Parsed<Map<string, SignedPrecommit[]>> {
  const votesBy = new Map<string, SignedPrecommit[]>();
  for (let i = 0; i < j.precommits.length; i++) {
    const p = j.precommits[i] as SignedPrecommit;
    const id = toHex(p.id);
    if (!known.has(id)) return rejected('SIGNER_MISMATCH', { ...base, precommit: i, signer: id });
    const prior = votesBy.get(id);
    if (prior === undefined) {
      votesBy.set(id, [p]);
      continue;
    }
    const first = prior[0] as SignedPrecommit;
    const same =
      equalBytes(first.targetHash, p.targetHash) && first.targetNumber === p.targetNumber;
    if (prior.length >= 2 || same)
      return rejected('SIG_DUPLICATE_ROLE', {
        ...base,
        precommit: i,
        signer: id,
        reason: same ? 'the same precommit twice' : 'more than two precommits',
      });
    prior.push(p);
  }
  return parsed(votesBy);
}

/**
 * Step 3: each vote's block is T or reaches T through the ancestry headers, every header used.
 * For each precommit, the child of T its block descends through (null when it is T).
 */
function routeVotesToTarget(j: GrandpaJustification, base: VerdictBase): Parsed<(string | null)[]> {
  const read = readAncestry(j, base);
  if (!read.ok) return read;
  const ancestry = read.value;
  const branchOf: (string | null)[] = [];
  for (let i = 0; i < j.precommits.length; i++) {
    const branch = branchOfPrecommit(j, i, ancestry, base);
    if (!branch.ok) return branch;
    branchOf.push(branch.value);
  }
  let h = 0;
  for (const [hex, e] of ancestry) {
    if (!e.used)
      return rejected('JUSTIFICATION_INVALID', {
        ...base,
        reason: 'unused ancestry header',
        header: h,
        block: hex,
      });
    h++;
  }
  return parsed(branchOf);
}

/** Step 3a: the ancestry headers by hash, none repeated. */
function readAncestry(
  j: GrandpaJustification,
  base: VerdictBase
): Parsed<Map<string, AncestryEntry>> {
  const ancestry = new Map<string, AncestryEntry>();
  for (let i = 0; i < j.votesAncestries.length; i++) {
    const bytes = j.votesAncestries[i] as Uint8Array;
    const hex = toHex(headerHash(bytes));
    if (ancestry.has(hex))
      return rejected('JUSTIFICATION_INVALID', {
        ...base,
        header: i,
        reason: 'repeated ancestry header',
      });
    const h = readHeader(new ScaleReader(bytes));
    if (!h.ok) return rejected(h.code, { ...h.facts, header: i }); // unreachable: decoded above
    ancestry.set(hex, { header: h.value, used: false });
  }
  return parsed(ancestry);
}

/** Step 3b: walks precommit `i` down the ancestry to T, marking the headers it uses. */
function branchOfPrecommit(
  j: GrandpaJustification,
  i: number,
  ancestry: ReadonlyMap<string, AncestryEntry>,
  base: VerdictBase
): Parsed<string | null> {
  const p = j.precommits[i] as SignedPrecommit;
  let cur = toHex(p.targetHash);
  if (cur === base.target) {
    if (p.targetNumber !== j.targetNumber)
      return rejected('JUSTIFICATION_INVALID', {
        ...base,
        precommit: i,
        reason: 'precommit for the target with another number',
        number: p.targetNumber,
      });
    return parsed(null);
  }
  let expected = p.targetNumber;
  let child: string;
  // Each step goes one block down; a walk longer than the ancestry cannot end at T.
  for (let step = 0; ; step++) {
    const entry = ancestry.get(cur);
    if (entry === undefined || step > ancestry.size)
      return rejected('JUSTIFICATION_INVALID', {
        ...base,
        precommit: i,
        reason: 'precommit block does not descend from the target through the ancestry',
        block: cur,
      });
    if (entry.header.number !== expected || expected <= j.targetNumber)
      return rejected('JUSTIFICATION_INVALID', {
        ...base,
        precommit: i,
        reason: 'ancestry header number out of sequence',
        block: cur,
        number: entry.header.number,
        expected,
      });
    entry.used = true;
    child = cur;
    cur = toHex(entry.header.parentHash);
    expected -= 1;
    if (cur === base.target) break;
  }
  if (expected !== j.targetNumber)
    return rejected('JUSTIFICATION_INVALID', {
      ...base,
      precommit: i,
      reason: 'ancestry reaches the target at another number',
    });
  return parsed(child);
}

/** Step 4: enough distinct authorities signed; the threshold. */
function checkThreshold(n: number, signers: number, base: VerdictBase): Parsed<number> {
  const threshold = grandpaThreshold(n);
  if (signers < threshold)
    return rejected('QUORUM_NOT_MET', { ...base, authorities: n, threshold, signers });
  return parsed(threshold);
}

/** Step 5: T must be the GHOST: no child of T gathers the threshold. */
function checkGhost(
  j: GrandpaJustification,
  votesBy: ReadonlyMap<string, readonly SignedPrecommit[]>,
  branchOf: readonly (string | null)[],
  threshold: number,
  base: VerdictBase
): Parsed<null> {
  let equivocators = 0;
  for (const v of votesBy.values()) if (v.length > 1) equivocators++;
  const perChild = new Map<string, Set<string>>();
  for (let i = 0; i < j.precommits.length; i++) {
    const c = branchOf[i];
    if (c === null || c === undefined) continue;
    const id = toHex((j.precommits[i] as SignedPrecommit).id);
    if ((votesBy.get(id) as SignedPrecommit[]).length > 1) continue;
    let s = perChild.get(c);
    if (s === undefined) perChild.set(c, (s = new Set()));
    s.add(id);
  }
  for (const [c, s] of perChild)
    if (s.size + equivocators >= threshold)
      return rejected('JUSTIFICATION_INVALID', {
        ...base,
        reason: 'a descendant of the target has the threshold: the votes finalize a later block',
        block: c,
        votes: s.size + equivocators,
        threshold,
      });
  return parsed(null);
}

/** Step 6, last because it is the expensive part: every precommit's signature verifies. */
function verifyPrecommitSignatures(
  j: GrandpaJustification,
  setId: bigint,
  backend: SignatureBackend,
  base: VerdictBase
): Parsed<null> {
  for (let i = 0; i < j.precommits.length; i++) {
    const p = j.precommits[i] as SignedPrecommit;
    const msg = precommitPayload(p.targetHash, p.targetNumber, j.round, setId);
    if (!backend.verify('ed25519', p.signature, msg, p.id))
      return rejected('SIG_INVALID', {
        ...base,
        setId: setId.toString(),
        precommit: i,
        signer: toHex(p.id),
      });
  }
  return parsed(null);
}
