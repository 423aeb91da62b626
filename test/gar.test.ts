import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../verifier/bytes.ts';
import { toBase64url } from '../verifier/encoding.ts';
import {
  checkGrant,
  grantStatusAt,
  parseGarVersion,
  scopeMatches,
} from '../verifier/receipts/gar.ts';
import { pureBackend } from '../verifier/signatures.ts';

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
    const lines = checkGrant([signed(pretty)], expectAt(T0 + 1000), pureBackend);
    expect(codes(lines)).toEqual([
      'grant.signature[0]:ok',
      'grant.parties:ok',
      'grant.status:ok',
      'grant.scope:ok',
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
    expect(codes(checkGrant([tampered], expectAt(T0 + 1), pureBackend))[0]).toBe(
      'grant.signature[0]:SIG_INVALID'
    );
  });

  it('requires the signer to be the user the payload names', () => {
    const g = signed(sdkPayload({ created: T0, expires: null }), agentSk, agent);
    expect(codes(checkGrant([g], expectAt(T0 + 1), pureBackend))[0]).toBe(
      'grant.signature[0]:SIGNER_MISMATCH'
    );
  });

  it('refuses payloads with duplicate keys (parsers disagree on which one wins)', () => {
    const text = sdkPayload({ created: T0, expires: null }).replace(
      '"revoked":false',
      '"revoked":false,"revoked":true'
    );
    const lines = checkGrant([signed(text)], expectAt(T0 + 1), pureBackend);
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
      checkGrant(history, expectAt(at), pureBackend).find((l) => l.check === 'grant.status')!;
    expect(status(T0 - 1)).toMatchObject({ ok: false, code: 'GRANT_NOT_YET_VALID' });
    expect(status(T0 + DAY)).toMatchObject({ ok: true, facts: { status: 'ACTIVE' } });
    expect(status(T0 + 4 * DAY)).toMatchObject({ ok: false, code: 'GRANT_EXPIRED' }); // the update shortened it
    expect(status(T0 + 6 * DAY)).toMatchObject({ ok: false, code: 'GRANT_REVOKED' });
    // The update also changed the scope: the record's scope is only covered before it.
    const scope = (at: number) =>
      checkGrant(history, expectAt(at), pureBackend).find((l) => l.check === 'grant.scope')!.ok;
    expect(scope(T0 + DAY)).toBe(true);
    expect(scope(T0 + 2 * DAY + 1)).toBe(false);
  });

  it('ignores versions whose signature fails when deriving the status', () => {
    const forgedRevocation = {
      ...signed(sdkPayload({ created: T0 + DAY, expires: null, revoked: true })),
      signature: signed('x').signature,
    };
    const lines = checkGrant(
      [signed(sdkPayload({ created: T0, expires: null })), forgedRevocation],
      expectAt(T0 + 2 * DAY),
      pureBackend
    );
    expect(codes(lines)).toEqual([
      'grant.signature[0]:ok',
      'grant.signature[1]:SIG_INVALID',
      'grant.parties:ok',
      'grant.status:ok',
      'grant.scope:ok',
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
    expect(checkGrant([g], { ...expectAt(T0 + 1), agent: other }, pureBackend)[1]).toMatchObject({
      check: 'grant.parties',
      code: 'GRANT_AGENT_MISMATCH',
    });
    expect(checkGrant([g], { ...expectAt(T0 + 1), user: other }, pureBackend)[1]).toMatchObject({
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
      expect(checkGrant([input as never], expectAt(T0), pureBackend)[0]).toMatchObject({
        ok: false,
        code,
      });
    }
    expect(grantStatusAt([], T0).status).toBe('NOT_YET_VALID');
  });
});
