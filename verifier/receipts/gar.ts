/**
 * GAR consent grants (Cere's Global Agent Registry, `@cef-ai/client-sdk` agreements).
 *
 * Wire form: `{ payload: base64url(jsonBytes), signature: { algorithm: 'ed25519', signer, value: hex } }`.
 * The user's wallet signs the exact JSON bytes with ed25519; the payload has six keys
 * (`agent_service_pub_key, user_pub_key, revoked, expires_at, metadata, created_at`). The signature
 * is checked over the base64url-decoded bytes, never over a re-serialisation (reference/cere.md B).
 *
 * A grant's history is a list of signed versions (create, updates, revoke); the version in force at
 * time t is the latest one whose `created_at` ≤ t. Its status at t: REVOKED if it is a revocation,
 * EXPIRED if `expires_at` ≤ t, else ACTIVE; no version yet → NOT_YET_VALID.
 * @module
 */
import { equalBytes, parseHex, parseUtf8, toHex } from '../bytes.ts';
import { parseBase64url, parsePublicKey } from '../encoding.ts';
import { isObject, parseJson, valueText } from '../json.ts';
import { decodeEnvelope, garPairId } from '../envelope.ts';
import {
  type Facts,
  type Line,
  type Parsed,
  type ReasonCode,
  type Source,
  fail,
  parsed,
  pass,
  pending,
  rejected,
  verdict,
} from '../lines.ts';
import type { SignatureBackend } from '../signatures.ts';
import { formatRfc3339, parseRfc3339 } from '../time.ts';
import { blake2b256 } from '../hash.ts';

export const GAR_MAX_PAYLOAD = 64 * 1024;

export type Scope = Readonly<Record<string, string>>;

export interface GarVersion {
  readonly payloadBytes: Uint8Array;
  /** blake2b256 of the payload bytes: the grant version's identity. */
  readonly payloadHash: Uint8Array;
  readonly signer: Uint8Array;
  readonly signature: Uint8Array;
  readonly agent: Uint8Array;
  readonly user: Uint8Array;
  readonly revoked: boolean;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly scopes: readonly Scope[];
  readonly metadata: Readonly<Record<string, unknown>>;
}

export type GrantStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED' | 'NOT_YET_VALID';

/** Parses the wire form of one signed grant version. Never throws. */
export function parseGarVersion(input: unknown): Parsed<GarVersion> {
  if (!isObject(input)) return rejected('MALFORMED', { field: 'grant' });
  if (typeof input.payload !== 'string') return rejected('MALFORMED', { field: 'payload' });
  if (input.payload.length > Math.ceil((GAR_MAX_PAYLOAD * 4) / 3) + 4) {
    return rejected('TOO_LARGE', { field: 'payload', maxBytes: GAR_MAX_PAYLOAD });
  }
  const payloadBytes = parseBase64url(input.payload);
  if (!payloadBytes) return rejected('BAD_ENCODING', { field: 'payload', expected: 'base64url' });
  const sig = input.signature;
  if (!isObject(sig)) return rejected('MALFORMED', { field: 'signature' });
  if (sig.algorithm !== 'ed25519') {
    return rejected('UNSUPPORTED_KIND', {
      field: 'signature.algorithm',
      algorithm: valueText(sig.algorithm),
    });
  }
  const signer = parsePublicKey(sig.signer);
  if (!signer)
    return rejected('BAD_LENGTH', { field: 'signature.signer', expected: '32-byte hex key' });
  const signature = parseHex(sig.value, 64);
  if (!signature)
    return rejected('BAD_LENGTH', { field: 'signature.value', expected: '64-byte hex' });

  const text = parseUtf8(payloadBytes);
  if (text === null) return rejected('BAD_ENCODING', { field: 'payload', expected: 'UTF-8 JSON' });
  const json = parseJson(text, { maxDepth: 16 });
  if (!json.ok) return rejected(json.code, { field: 'payload', ...json.facts });
  const p = json.value;
  if (!isObject(p)) return rejected('MALFORMED', { field: 'payload', expected: 'object' });
  const agent = parsePublicKey(p.agent_service_pub_key);
  if (!agent) return rejected('MALFORMED', { field: 'payload.agent_service_pub_key' });
  const user = parsePublicKey(p.user_pub_key);
  if (!user) return rejected('MALFORMED', { field: 'payload.user_pub_key' });
  if (typeof p.revoked !== 'boolean') return rejected('MALFORMED', { field: 'payload.revoked' });
  const createdAt = parseRfc3339(p.created_at);
  if (createdAt === null) return rejected('MALFORMED', { field: 'payload.created_at' });
  let expiresAt: number | null = null;
  if (p.expires_at !== null) {
    expiresAt = parseRfc3339(p.expires_at);
    if (expiresAt === null) return rejected('MALFORMED', { field: 'payload.expires_at' });
  }
  if (!isObject(p.metadata)) return rejected('MALFORMED', { field: 'payload.metadata' });
  const scopes: Scope[] = [];
  const rawScopes = p.metadata.scopes;
  if (rawScopes !== undefined) {
    if (!Array.isArray(rawScopes))
      return rejected('MALFORMED', { field: 'payload.metadata.scopes' });
    for (const s of rawScopes) {
      const ctx = isObject(s) ? s.context : undefined;
      if (!isObject(ctx))
        return rejected('MALFORMED', { field: 'payload.metadata.scopes[].context' });
      const scope: Record<string, string> = {};
      for (const [k, v] of Object.entries(ctx)) if (typeof v === 'string') scope[k] = v;
      scopes.push(scope);
    }
  }
  return parsed({
    payloadBytes,
    payloadHash: blake2b256(payloadBytes),
    signer,
    signature,
    agent,
    user,
    revoked: p.revoked,
    createdAt,
    expiresAt,
    scopes,
    metadata: p.metadata,
  });
}

/** The version in force at `at` (epoch ms) and its status. Versions need not be sorted. */
export function grantStatusAt(
  versions: readonly GarVersion[],
  at: number
): { status: GrantStatus; version: GarVersion | null } {
  let current: GarVersion | null = null;
  for (const v of versions) {
    if (v.createdAt > at) continue;
    // Later created_at wins; on a tie a revocation wins (the stricter reading).
    if (
      !current ||
      v.createdAt > current.createdAt ||
      (v.createdAt === current.createdAt && v.revoked)
    ) {
      current = v;
    }
  }
  if (!current) return { status: 'NOT_YET_VALID', version: null };
  if (current.revoked) return { status: 'REVOKED', version: current };
  if (current.expiresAt !== null && current.expiresAt <= at)
    return { status: 'EXPIRED', version: current };
  return { status: 'ACTIVE', version: current };
}

/** The pairs that identify a scope, in both vocabularies (real GAR and the SCP sample). */
const SCOPE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['workspace_id', 'stream_id'],
  ['vaultId', 'scopeId'],
];

/**
 * True when one of the grant's scopes covers the record scope: for the vocabulary the record uses
 * (`workspace_id/stream_id` or `vaultId/scopeId`), both values are equal. Values are opaque strings.
 */
export function scopeMatches(grantScopes: readonly Scope[], recordScope: Scope): boolean {
  const pair = SCOPE_PAIRS.find(
    ([a, b]) => recordScope[a] !== undefined && recordScope[b] !== undefined
  );
  if (!pair) return false;
  const [a, b] = pair;
  return grantScopes.some((g) => g[a] === recordScope[a] && g[b] === recordScope[b]);
}

export interface GrantExpectation {
  readonly user: Uint8Array;
  readonly agent: Uint8Array;
  readonly scope: Scope;
  /** The time the grant must be in force at (the record's timestamp), epoch ms. */
  readonly at: number;
}

export interface GrantInput {
  readonly payload: unknown;
  readonly signature: unknown;
  readonly source?: Source;
}

const RULE_SIG = 'cere:gar-ed25519-raw-payload';
const RULE_STATUS = 'cere:gar-status';
const RULE_SCOPE = 'cere:gar-scope';

/** What checking one signed version yields, independent of where it came from. */
interface VersionOutcome {
  /** The version, when it parsed. */
  readonly version: GarVersion | null;
  readonly facts: Facts;
  /** null when the version parsed, was signed by its user and the signature verified. */
  readonly code: ReasonCode | null;
}

function checkVersion(input: GrantInput, backend: SignatureBackend): VersionOutcome {
  const v = parseGarVersion(input);
  if (!v.ok) return { version: null, facts: v.facts, code: v.code };
  const g = v.value;
  const facts: Facts = {
    signer: toHex(g.signer),
    userPubKey: toHex(g.user),
    payloadHash: toHex(g.payloadHash),
    payloadBytes: g.payloadBytes.length,
    createdAt: formatRfc3339(g.createdAt),
    revoked: g.revoked,
  };
  if (!equalBytes(g.signer, g.user)) return { version: g, facts, code: 'SIGNER_MISMATCH' };
  const ok = backend.verify('ed25519', g.signature, g.payloadBytes, g.signer);
  return { version: g, facts, code: ok ? null : 'SIG_INVALID' };
}

/**
 * A bounded memo of checked grant versions, keyed by their exact wire text (payload and
 * signature). A user's grant covers many records, so a caller checking a stream of records can
 * parse and verify each grant version once. Outcomes depend only on the wire text (and on the
 * signature backend, whose verdicts are identical by contract), so a hit is exact. When full, the
 * oldest entries are dropped.
 */
export class GrantMemo {
  // Keyed by the signature text (short, and distinct for distinct signed payloads); an entry
  // counts only if the payload, algorithm and signer texts are equal too.
  private readonly entries = new Map<
    string,
    { payload: string; algorithm: string; signer: string; outcome: VersionOutcome }
  >();
  constructor(readonly maxEntries = 10_000) {}

  /** The wire texts that determine a version's outcome, or null if they are not all strings. */
  static textsOf(
    input: GrantInput
  ): { payload: string; algorithm: string; signer: string; value: string } | null {
    const sig = isObject(input) ? input.signature : undefined;
    if (!isObject(input) || typeof input.payload !== 'string' || !isObject(sig)) return null;
    const { algorithm, signer, value } = sig;
    if (typeof algorithm !== 'string' || typeof signer !== 'string' || typeof value !== 'string') {
      return null;
    }
    return { payload: input.payload, algorithm, signer, value };
  }

  outcome(input: GrantInput, backend: SignatureBackend): VersionOutcome {
    const t = GrantMemo.textsOf(input);
    if (t === null) return checkVersion(input, backend);
    const hit = this.entries.get(t.value);
    if (
      hit &&
      hit.payload === t.payload &&
      hit.algorithm === t.algorithm &&
      hit.signer === t.signer
    ) {
      return hit.outcome;
    }
    const outcome = checkVersion(input, backend);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(t.value, {
      payload: t.payload,
      algorithm: t.algorithm,
      signer: t.signer,
      outcome,
    });
    return outcome;
  }
}

/** A GAR anchor remark: the envelope the chain carries, who sent it and where. */
export interface GarAnchorInput {
  /** The `System.remark_with_event` argument: a `GarPairAnchor` (or legacy `GarAnchor`) envelope. */
  readonly envelope: Uint8Array;
  /** `System.Remarked.hash` as the chain reports it. */
  readonly remarkHash: Uint8Array;
  /** `System.Remarked.sender`. */
  readonly sender: Uint8Array;
  readonly block: {
    readonly number: number;
    readonly hash: string;
    readonly finalized: boolean;
    /** The block's `Timestamp.Now`, epoch ms. */
    readonly timestamp: number;
  };
  /**
   * Block time of the previous GAR anchor by the same key (null for the first): the versions of
   * this anchor were accepted by the service after it (docs/spec.md §3).
   */
  readonly previousAt: number | null;
  readonly source?: Source;
}

/** What the grant step reads: the pair's versions as served, and the chain's GAR anchors. */
export interface GrantEvidence {
  /** The (user, agent) pair's versions as the GAR service served them, in version order. */
  readonly versions: readonly GrantInput[];
  /** GAR anchors whose entries name this pair (and legacy anchors without pairs). */
  readonly anchors: readonly GarAnchorInput[];
  /** The key the GAR service anchors with; null when not known (grant.anchored then waits). */
  readonly anchorKey: Uint8Array | null;
  /** False when the service could not be read to its end when the versions were taken. */
  readonly complete: boolean;
  /** Why the read stopped, when it did. */
  readonly error?: string | null;
}

const RULE_ANCHORED = 'scp-v0:gar-pair-anchor';

/** Blocked lines of the grant step: what a line says when an earlier one already failed. */
function blockedGrant(check: string, rule: string, by: string, facts: Facts = {}): Line {
  return fail({ step: 'grant', check, rule, facts: { blockedBy: by, ...facts } }, 'MALFORMED');
}

/**
 * Checks a grant history against a record: every version's signature (by the user it names),
 * the parties, the status at the record's time, the scope, and the versions' anchoring on chain.
 * Lines in that order; every line is always there (a missing input fails or waits).
 */
export function checkGrant(
  evidence: GrantEvidence,
  expect: GrantExpectation,
  backend: SignatureBackend,
  memo?: GrantMemo
): Line[] {
  const lines: Line[] = [];
  const valid: GarVersion[] = [];
  const served: GarVersion[] = [];
  evidence.versions.forEach((input, i) => {
    const base = {
      step: 'grant' as const,
      check: `grant.signature[${i}]`,
      rule: RULE_SIG,
      ...(isObject(input) && input.source ? { source: input.source as Source } : {}),
    };
    const out = memo ? memo.outcome(input, backend) : checkVersion(input, backend);
    const facts = { version: i, ...out.facts };
    lines.push(out.code ? fail({ ...base, facts }, out.code) : pass({ ...base, facts }));
    if (out.version) served.push(out.version);
    if (!out.code && out.version) valid.push(out.version);
  });

  // Only correctly signed versions count towards the status and the scope.
  const forPair = valid.filter(
    (g) => equalBytes(g.user, expect.user) && equalBytes(g.agent, expect.agent)
  );
  const partiesFacts: Facts = {
    expectedUser: toHex(expect.user),
    expectedAgent: toHex(expect.agent),
    versions: evidence.versions.length,
    grantUsers: [...new Set(valid.map((g) => toHex(g.user)))],
    grantAgents: [...new Set(valid.map((g) => toHex(g.agent)))],
  };
  // Without the whole history (the service could not be read to its end) no verdict on the
  // pair stands: a missing version may be a revocation, or a re-grant after one.
  if (!evidence.complete) {
    const facts: Facts = {
      ...partiesFacts,
      reason: 'the GAR service could not be read to its end',
      error: evidence.error ?? null,
    };
    for (const [check, rule] of [
      ['grant.parties', RULE_STATUS],
      ['grant.status', RULE_STATUS],
      ['grant.scope', RULE_SCOPE],
      ['grant.anchored', RULE_ANCHORED],
    ] as const)
      lines.push(pending({ step: 'grant', check, rule, facts }, 'UNAVAILABLE'));
    return lines;
  }
  if (forPair.length === 0) {
    const userSeen = valid.some((g) => equalBytes(g.user, expect.user));
    lines.push(
      fail(
        { step: 'grant', check: 'grant.parties', rule: RULE_STATUS, facts: partiesFacts },
        evidence.versions.length === 0
          ? 'GRANT_MISSING'
          : valid.length === 0
            ? 'SIG_INVALID'
            : userSeen
              ? 'GRANT_AGENT_MISMATCH'
              : 'GRANT_USER_MISMATCH'
      )
    );
    lines.push(blockedGrant('grant.status', RULE_STATUS, 'grant.parties'));
    lines.push(blockedGrant('grant.scope', RULE_SCOPE, 'grant.parties'));
    lines.push(blockedGrant('grant.anchored', RULE_ANCHORED, 'grant.parties'));
    return lines;
  }
  lines.push(
    pass({ step: 'grant', check: 'grant.parties', rule: RULE_STATUS, facts: partiesFacts })
  );

  const { status, version } = grantStatusAt(forPair, expect.at);
  const statusFacts: Facts = {
    at: formatRfc3339(expect.at),
    status,
    versionCreatedAt: version ? formatRfc3339(version.createdAt) : null,
    expiresAt: version && version.expiresAt !== null ? formatRfc3339(version.expiresAt) : null,
    revoked: version ? version.revoked : null,
    versionsConsidered: forPair.length,
  };
  const statusCode =
    status === 'REVOKED'
      ? 'GRANT_REVOKED'
      : status === 'EXPIRED'
        ? 'GRANT_EXPIRED'
        : 'GRANT_NOT_YET_VALID';
  lines.push(
    verdict(
      status === 'ACTIVE',
      { step: 'grant', check: 'grant.status', rule: RULE_STATUS, facts: statusFacts },
      statusCode
    )
  );

  const scopes = version ? version.scopes : [];
  lines.push(
    verdict(
      scopeMatches(scopes, expect.scope),
      {
        step: 'grant',
        check: 'grant.scope',
        rule: RULE_SCOPE,
        facts: {
          recordScope: JSON.stringify(expect.scope),
          grantScopes: scopes.map((s) => JSON.stringify(s)),
        },
      },
      'GRANT_SCOPE_MISMATCH'
    )
  );
  lines.push(checkAnchored(evidence, expect, forPair, served));
  return lines;
}

/** A GAR anchor envelope read once: its hash, and its entries' payload hashes by pair. */
interface ReadGarAnchor {
  readonly hash: Uint8Array;
  /** `GarPairAnchor` entries: pair (0x-hex) -> payload hashes (0x-hex), in envelope order. */
  readonly byPair: ReadonlyMap<string, readonly string[]>;
  /** `GarAnchor` entries (no pair), in envelope order. */
  readonly unpaired: readonly string[];
}

// Every record of a pair (and of every pair an anchor names) reads the same anchors: the envelope
// is hashed and decoded once per bytes object, not once per record. Weakly held: pure, no growth.
const garAnchors = new WeakMap<Uint8Array, ReadGarAnchor | null>();

/** The envelope as a GAR anchor, or null when it does not decode as one. */
function readGarAnchor(envelope: Uint8Array): ReadGarAnchor | null {
  const hit = garAnchors.get(envelope);
  if (hit !== undefined) return hit;
  const env = decodeEnvelope(envelope);
  let out: ReadGarAnchor | null = null;
  if (env.ok && (env.value.kind === 'GarPairAnchor' || env.value.kind === 'GarAnchor')) {
    const byPair = new Map<string, string[]>();
    const unpaired: string[] = [];
    if (env.value.kind === 'GarPairAnchor')
      for (const e of env.value.entries) {
        const k = toHex(e.pair);
        const list = byPair.get(k);
        if (list) list.push(toHex(e.hash));
        else byPair.set(k, [toHex(e.hash)]);
      }
    else for (const h of env.value.entries) unpaired.push(toHex(h));
    out = { hash: blake2b256(envelope), byPair, unpaired };
  }
  garAnchors.set(envelope, out);
  return out;
}

/**
 * `grant.anchored`: the versions that decide the record's status (the pair's correctly signed
 * versions created at or before its time) are each in a final GAR anchor by the service's key,
 * and no final anchor of the service names a version of this pair that the service does not serve
 * and that could precede the record (its anchor's window began at or before the record's time).
 */
function checkAnchored(
  evidence: GrantEvidence,
  expect: GrantExpectation,
  forPair: readonly GarVersion[],
  served: readonly GarVersion[]
): Line {
  const base = { step: 'grant' as const, check: 'grant.anchored', rule: RULE_ANCHORED };
  if (evidence.anchorKey === null)
    return pending(
      { ...base, facts: { reason: 'the GAR service anchoring key is not known' } },
      'UNAVAILABLE'
    );
  const key = evidence.anchorKey;
  const pair = garPairId(expect.user, expect.agent);
  const pairHex = toHex(pair);
  /** payload hash -> where it is anchored (final anchors first). */
  const anchoredAt = new Map<string, { final: boolean; block: number }>();
  const hidden: Array<{ hash: string; block: number; windowStart: number | null }> = [];
  let ignored = 0;
  const servedHashes = new Set(served.map((v) => toHex(v.payloadHash)));
  for (const a of evidence.anchors) {
    const d = readGarAnchor(a.envelope);
    if (!equalBytes(a.sender, key) || d === null || !equalBytes(d.hash, a.remarkHash)) {
      ignored++;
      continue;
    }
    // A GarPairAnchor names pairs (only this pair's entries count); a GarAnchor names none.
    const mine = d.byPair.get(pairHex) ?? [];
    for (const [hashes, isMine] of [
      [mine, true],
      [d.unpaired, false],
    ] as const)
      for (const h of hashes) {
        const seen = anchoredAt.get(h);
        if (!seen || (!seen.final && a.block.finalized))
          anchoredAt.set(h, { final: a.block.finalized, block: a.block.number });
        if (isMine && a.block.finalized && !servedHashes.has(h))
          hidden.push({ hash: h, block: a.block.number, windowStart: a.previousAt });
      }
  }
  const deciding = forPair.filter((v) => v.createdAt <= expect.at);
  const unanchored = deciding.filter((v) => anchoredAt.get(toHex(v.payloadHash))?.final !== true);
  const affecting = hidden.filter((h) => h.windowStart === null || expect.at >= h.windowStart);
  const facts: Facts = {
    anchorKey: toHex(key),
    pair: toHex(pair),
    deciding: deciding.length,
    anchored: deciding.length - unanchored.length,
    unanchored: unanchored.map((v) => toHex(v.payloadHash)),
    hidden: affecting.map((h) => h.hash),
    hiddenAt: affecting.map((h) => h.block),
    hiddenLater: hidden.length - affecting.length,
    anchorsIgnored: ignored,
  };
  if (affecting.length > 0) return fail({ ...base, facts }, 'GRANT_HIDDEN');
  if (unanchored.length > 0) return pending({ ...base, facts }, 'NOT_ANCHORED');
  return pass({ ...base, facts });
}
