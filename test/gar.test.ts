import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../verifier/bytes.ts';
import { toBase64url } from '../verifier/encoding.ts';
import {
  type GrantEvidence,
  type GrantInput,
  checkGrant,
  grantStatusAt,
  parseGarVersion,
  scopeMatches,
} from '../verifier/receipts/gar.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { encodeEnvelope, garPairId } from '../verifier/envelope.ts';
import type { GarAnchorInput } from '../verifier/receipts/gar.ts';
import { pureBackend } from '../verifier/signatures.ts';

/** A grant history as the GAR service served it, with no anchors (grant.anchored then waits). */
function served(versions: readonly GrantInput[]): GrantEvidence {
  return { versions, anchors: [], anchorKey: null, complete: true };
}

const userSk = new Uint8Array(32).fill(11);
const agentSk = new Uint8Array(32).fill(22);
const user = ed25519.getPublicKey(userSk);
const agent = ed25519.getPublicKey(agentSk);
const T0 = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

/** Exactly what the CEF client SDK signs: JSON.stringify of the six keys in the SDK's order. */
function sdkPayload(p: {
  revoked?: boolean;
  created: number;
  expires: number | null;
  scope?: Record<string, string>;
}): string {
  return JSON.stringify({
    agent_service_pub_key: toHex(agent),
    user_pub_key: toHex(user),
    revoked: p.revoked ?? false,
    expires_at: p.expires === null ? null : new Date(p.expires).toISOString(),
    metadata: { scopes: [{ context: p.scope ?? { workspace_id: 'ws-1', stream_id: 'st-1' } }] },
    created_at: new Date(p.created).toISOString(),
  });
}

function signed(text: string, sk = userSk, signer = user) {
  const bytes = utf8(text);
  return {
    payload: toBase64url(bytes),
    signature: {
      algorithm: 'ed25519',
      signer: toHex(signer),
      value: toHex(ed25519.sign(bytes, sk)),
    },
  };
}

const expectAt = (
  at: number,
  scope: Record<string, string> = { workspace_id: 'ws-1', stream_id: 'st-1' }
) => ({ user, agent, scope, at });
const codes = (lines: ReturnType<typeof checkGrant>) =>
  lines.map((l) => `${l.check}:${l.ok ? 'ok' : l.code}`);

describe('GAR grants', () => {
  it('verifies over the exact payload bytes, whatever their formatting', () => {
    const pretty = JSON.stringify(
      JSON.parse(sdkPayload({ created: T0, expires: T0 + DAY })),
      null,
      3
    );
    const lines = checkGrant(served([signed(pretty)]), expectAt(T0 + 1000), pureBackend);
    expect(codes(lines)).toEqual([
      'grant.signature[0]:ok',
      'grant.parties:ok',
      'grant.status:ok',
      'grant.scope:ok',
      // No anchors and no anchoring key given: the anchoring line waits.
      'grant.anchored:UNAVAILABLE',
    ]);
  });

  it('accepts padded base64url and ed25519:-prefixed keys', () => {
    const g = signed(sdkPayload({ created: T0, expires: null }));
    const padded = {
      ...g,
      payload: g.payload + '='.repeat((4 - (g.payload.length % 4)) % 4),
      signature: { ...g.signature, signer: 'ed25519:' + g.signature.signer.slice(2) },
    };
    expect(parseGarVersion(padded).ok).toBe(true);
  });

  it('fails the signature line when a single payload byte changes (no re-serialisation)', () => {
    const g = signed(sdkPayload({ created: T0, expires: null }));
    const tampered = {
      ...g,
      payload: toBase64url(
        utf8(sdkPayload({ created: T0, expires: null }).replace('ws-1', 'ws-2'))
      ),
    };
    expect(codes(checkGrant(served([tampered]), expectAt(T0 + 1), pureBackend))[0]).toBe(
      'grant.signature[0]:SIG_INVALID'
    );
  });

  it('requires the signer to be the user the payload names', () => {
    const g = signed(sdkPayload({ created: T0, expires: null }), agentSk, agent);
    expect(codes(checkGrant(served([g]), expectAt(T0 + 1), pureBackend))[0]).toBe(
      'grant.signature[0]:SIGNER_MISMATCH'
    );
  });

  it('refuses payloads with duplicate keys (parsers disagree on which one wins)', () => {
    const text = sdkPayload({ created: T0, expires: null }).replace(
      '"revoked":false',
      '"revoked":false,"revoked":true'
    );
    const lines = checkGrant(served([signed(text)]), expectAt(T0 + 1), pureBackend);
    expect(lines[0]).toMatchObject({
      ok: false,
      code: 'BAD_ENCODING',
      facts: { error: 'duplicate key "revoked"' },
    });
  });

  it('derives the status at the record time from the version in force then', () => {
    const history = [
      signed(sdkPayload({ created: T0, expires: T0 + 10 * DAY })),
      signed(
        sdkPayload({
          created: T0 + 2 * DAY,
          expires: T0 + 3 * DAY,
          scope: { workspace_id: 'ws-9', stream_id: 'st-9' },
        })
      ),
      signed(sdkPayload({ created: T0 + 5 * DAY, expires: null, revoked: true })),
    ];
    const status = (at: number) =>
      checkGrant(served(history), expectAt(at), pureBackend).find(
        (l) => l.check === 'grant.status'
      )!;
    expect(status(T0 - 1)).toMatchObject({ ok: false, code: 'GRANT_NOT_YET_VALID' });
    expect(status(T0 + DAY)).toMatchObject({ ok: true, facts: { status: 'ACTIVE' } });
    expect(status(T0 + 4 * DAY)).toMatchObject({ ok: false, code: 'GRANT_EXPIRED' }); // the update shortened it
    expect(status(T0 + 6 * DAY)).toMatchObject({ ok: false, code: 'GRANT_REVOKED' });
    // The update also changed the scope: the record's scope is only covered before it.
    const scope = (at: number) =>
      checkGrant(served(history), expectAt(at), pureBackend).find((l) => l.check === 'grant.scope')!
        .ok;
    expect(scope(T0 + DAY)).toBe(true);
    expect(scope(T0 + 2 * DAY + 1)).toBe(false);
  });

  it('ignores versions whose signature fails when deriving the status', () => {
    const forgedRevocation = {
      ...signed(sdkPayload({ created: T0 + DAY, expires: null, revoked: true })),
      signature: signed('x').signature,
    };
    const lines = checkGrant(
      served([signed(sdkPayload({ created: T0, expires: null })), forgedRevocation]),
      expectAt(T0 + 2 * DAY),
      pureBackend
    );
    expect(codes(lines)).toEqual([
      'grant.signature[0]:ok',
      'grant.signature[1]:SIG_INVALID',
      'grant.parties:ok',
      'grant.status:ok',
      'grant.scope:ok',
      'grant.anchored:UNAVAILABLE',
    ]);
  });

  it('matches scopes in both vocabularies, treating values as opaque strings', () => {
    expect(
      scopeMatches([{ workspace_id: 'a', stream_id: 'b' }], { workspace_id: 'a', stream_id: 'b' })
    ).toBe(true);
    expect(scopeMatches([{ vaultId: 'v', scopeId: 's' }], { vaultId: 'v', scopeId: 's' })).toBe(
      true
    );
    expect(
      scopeMatches([{ workspace_id: 'a', stream_id: 'b' }], { workspace_id: 'a', stream_id: 'B' })
    ).toBe(false);
    expect(
      scopeMatches([{ workspace_id: 'a', stream_id: 'b' }], { vaultId: 'a', scopeId: 'b' })
    ).toBe(false);
    expect(scopeMatches([{ workspace_id: 'a', stream_id: 'b' }], {})).toBe(false);
  });

  it('names the mismatching party', () => {
    const g = signed(sdkPayload({ created: T0, expires: null }));
    const other = ed25519.getPublicKey(new Uint8Array(32).fill(3));
    expect(
      checkGrant(served([g]), { ...expectAt(T0 + 1), agent: other }, pureBackend)[1]
    ).toMatchObject({
      check: 'grant.parties',
      code: 'GRANT_AGENT_MISMATCH',
    });
    expect(
      checkGrant(served([g]), { ...expectAt(T0 + 1), user: other }, pureBackend)[1]
    ).toMatchObject({
      check: 'grant.parties',
      code: 'GRANT_USER_MISMATCH',
    });
  });

  it('turns every malformed grant into a coded line', () => {
    const g = signed(sdkPayload({ created: T0, expires: null }));
    const cases: Array<[unknown, string]> = [
      [null, 'MALFORMED'],
      [{ ...g, payload: '***' }, 'BAD_ENCODING'],
      [{ ...g, payload: toBase64url(new Uint8Array([0xff, 0xfe])) }, 'BAD_ENCODING'],
      [{ ...g, signature: { ...g.signature, algorithm: 'rsa' } }, 'UNSUPPORTED_KIND'],
      [{ ...g, signature: { ...g.signature, value: '0x1234' } }, 'BAD_LENGTH'],
      [{ ...g, payload: 'A'.repeat(200_000) }, 'TOO_LARGE'],
      [signed('{"agent_service_pub_key":1}'), 'MALFORMED'],
    ];
    for (const [input, code] of cases) {
      expect(checkGrant(served([input as never]), expectAt(T0), pureBackend)[0]).toMatchObject({
        ok: false,
        code,
      });
    }
    expect(grantStatusAt([], T0).status).toBe('NOT_YET_VALID');
  });

  it('every line is there when the history is empty, or the service could not be read', () => {
    const none = checkGrant(served([]), expectAt(T0), pureBackend);
    expect(none.map((l) => `${l.check}:${l.status}:${l.code}`)).toEqual([
      'grant.parties:fail:GRANT_MISSING',
      'grant.status:fail:MALFORMED',
      'grant.scope:fail:MALFORMED',
      'grant.anchored:fail:MALFORMED',
    ]);
    const g = signed(sdkPayload({ created: T0, expires: null }));
    const outage = checkGrant(
      { ...served([g]), complete: false, error: 'http 503' },
      expectAt(T0 + 1),
      pureBackend
    );
    expect(outage.map((l) => `${l.check}:${l.status}:${l.code}`)).toEqual([
      'grant.signature[0]:pass:null',
      'grant.parties:pending:UNAVAILABLE',
      'grant.status:pending:UNAVAILABLE',
      'grant.scope:pending:UNAVAILABLE',
      'grant.anchored:pending:UNAVAILABLE',
    ]);
    expect(outage[1]!.facts.error).toBe('http 503');
  });
});

describe('GAR anchors (grant.anchored)', () => {
  const gar = ed25519.getPublicKey(new Uint8Array(32).fill(44));
  const stranger = ed25519.getPublicKey(new Uint8Array(32).fill(45));
  const pair = garPairId(user, agent);
  const hashOf = (v: { payload: string }) => blake2b256(Buffer.from(v.payload, 'base64url'));
  let block = 0;
  /** A GAR anchor remark by `sender` naming `entries`, in a block at time `at`. */
  const anchor = (
    entries: Array<{ pair: Uint8Array; hash: Uint8Array }>,
    at: number,
    opts: { sender?: Uint8Array; previousAt?: number | null; final?: boolean; lie?: boolean } = {}
  ): GarAnchorInput => {
    const envelope = encodeEnvelope({ kind: 'GarPairAnchor', entries });
    block++;
    return {
      envelope,
      remarkHash: opts.lie ? blake2b256(utf8('other')) : blake2b256(envelope),
      sender: opts.sender ?? gar,
      block: {
        number: block,
        hash: toHex(blake2b256(utf8(`b${block}`))),
        finalized: opts.final ?? true,
        timestamp: at,
      },
      previousAt: opts.previousAt ?? null,
    };
  };
  const v0 = signed(sdkPayload({ created: T0, expires: null }));
  const v1 = signed(sdkPayload({ created: T0 + DAY, expires: null, scope: { a: 'b' } }));
  const revoke = signed(sdkPayload({ created: T0 + 2 * DAY, expires: null, revoked: true }));
  const anchored = (
    versions: GrantInput[],
    anchors: GarAnchorInput[],
    at: number,
    key: Uint8Array | null = gar
  ) =>
    checkGrant(
      { versions, anchors, anchorKey: key, complete: true },
      expectAt(at),
      pureBackend
    ).find((l) => l.check === 'grant.anchored')!;

  it('passes when every version deciding the status is in a final anchor by the service', () => {
    const a = anchor([{ pair, hash: hashOf(v0) }], T0 + 1000);
    const l = anchored([v0, v1], [a], T0 + 1000);
    // v1 is created after the record: it decides nothing, so it need not be anchored.
    expect(l).toMatchObject({ status: 'pass', facts: { deciding: 1, anchored: 1 } });
  });

  it('waits for a deciding version that no final anchor names yet', () => {
    const a = anchor([{ pair, hash: hashOf(v0) }], T0 + 1000);
    expect(anchored([v0, v1], [a], T0 + DAY + 1)).toMatchObject({
      status: 'pending',
      code: 'NOT_ANCHORED',
    });
    const notFinal = anchor([{ pair, hash: hashOf(v1) }], T0 + DAY + 5, { final: false });
    expect(anchored([v0, v1], [a, notFinal], T0 + DAY + 1)).toMatchObject({
      status: 'pending',
      code: 'NOT_ANCHORED',
    });
    const both = anchor([{ pair, hash: hashOf(v1) }], T0 + DAY + 5);
    expect(anchored([v0, v1], [a, both], T0 + DAY + 1).status).toBe('pass');
    expect(anchored([v0], [a], T0 + 1, null)).toMatchObject({
      status: 'pending',
      code: 'UNAVAILABLE',
    });
  });

  it('counts only anchors by the service key whose envelope matches the chain hash', () => {
    const byStranger = anchor([{ pair, hash: hashOf(v0) }], T0 + 1, { sender: stranger });
    const lie = anchor([{ pair, hash: hashOf(v0) }], T0 + 1, { lie: true });
    expect(anchored([v0], [byStranger, lie], T0 + 2)).toMatchObject({
      status: 'pending',
      code: 'NOT_ANCHORED',
      facts: { anchorsIgnored: 2 },
    });
  });

  it('fails the records after a version the chain anchors and the service hides', () => {
    const first = anchor([{ pair, hash: hashOf(v0) }], T0 + 1000);
    // The revocation is anchored (its window opened at the first anchor) but never served.
    const hidden = anchor([{ pair, hash: hashOf(revoke) }], T0 + 3 * DAY, {
      previousAt: T0 + 1000,
    });
    const after = anchored([v0], [first, hidden], T0 + 2 * DAY + 1);
    expect(after).toMatchObject({ status: 'fail', code: 'GRANT_HIDDEN' });
    expect(after.facts.hidden).toEqual([toHex(hashOf(revoke))]);
    // A record from before that anchor's window is not affected.
    expect(anchored([v0], [first, hidden], T0 + 500)).toMatchObject({
      status: 'pass',
      facts: { hiddenLater: 1 },
    });
    // The status line itself cannot see the revocation: it is hidden.
    const status = checkGrant(
      { versions: [v0], anchors: [first, hidden], anchorKey: gar, complete: true },
      expectAt(T0 + 2 * DAY + 1),
      pureBackend
    ).find((l) => l.check === 'grant.status')!;
    expect(status.status).toBe('pass');
    // Another pair's entries in the same anchor are not this pair's business.
    const otherPair = garPairId(stranger, agent);
    const others = anchor([{ pair: otherPair, hash: hashOf(revoke) }], T0 + 3 * DAY, {
      previousAt: T0 + 1000,
    });
    expect(anchored([v0], [first, others], T0 + 2 * DAY + 1).status).toBe('pass');
  });
});
