import { ed25519 } from '@noble/curves/ed25519.js';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GarService, type StoredAgreement } from '../devnet/gar-service.ts';
import {
  type NodeFault,
  type PayloadSource,
  StorageNode,
  startStorageNodes,
} from '../devnet/storage-node.ts';
import { toHex, utf8 } from '../verifier/bytes.ts';
import { toBase64url } from '../verifier/encoding.ts';
import { RecordFormat } from '../verifier/envelope.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { encodeBatchPayload } from '../verifier/receipts/dac-batch.ts';
import { checkGrant, grantStatusAt, parseGarVersion } from '../verifier/receipts/gar.ts';
import { pureBackend } from '../verifier/signatures.ts';

// ---------------------------------------------------------------------------------------------
// GAR agreement service
// ---------------------------------------------------------------------------------------------

const userSk = new Uint8Array(32).fill(1);
const agentSk = new Uint8Array(32).fill(2);
const otherSk = new Uint8Array(32).fill(3);
const user = ed25519.getPublicKey(userSk);
const agent = ed25519.getPublicKey(agentSk);
const other = ed25519.getPublicKey(otherSk);
const T0 = Date.parse('2026-11-01T00:00:00Z');
const HOUR = 3_600_000;
const SCOPE = { workspace_id: 'ws-1', stream_id: 'st-1' };

/** The CEF SDK's payload: JSON.stringify of the six keys in the SDK's order. */
function sdkText(p: {
  created: number;
  expires?: number | null;
  revoked?: boolean;
  metadata?: unknown;
  user?: string;
  agent?: string;
}): string {
  return JSON.stringify({
    agent_service_pub_key: p.agent ?? toHex(agent),
    user_pub_key: p.user ?? toHex(user),
    revoked: p.revoked ?? false,
    expires_at:
      p.expires === null ? null : new Date(p.expires ?? p.created + 24 * HOUR).toISOString(),
    metadata: p.metadata ?? { scopes: [{ context: SCOPE }] },
    created_at: new Date(p.created).toISOString(),
  });
}

/** The SDK's request body for a payload text, signed by `sk` (signer = its public key). */
function signedBody(text: string, sk = userSk) {
  const bytes = utf8(text);
  return {
    payload: toBase64url(bytes),
    signature: {
      algorithm: 'ed25519',
      signer: toHex(ed25519.getPublicKey(sk)),
      value: toHex(ed25519.sign(bytes, sk)),
    },
  };
}

/** A payload object with edits, serialised in the SDK's key order plus any added keys. */
function editedText(edit: (p: Record<string, unknown>) => void): string {
  const p = JSON.parse(sdkText({ created: T0 })) as Record<string, unknown>;
  edit(p);
  return JSON.stringify(p);
}

interface Reply {
  status: number;
  headers: Headers;
  json: any;
}

async function call(url: string, init?: RequestInit): Promise<Reply> {
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, headers: r.headers, json: text ? JSON.parse(text) : null };
}

describe('GAR agreement service', () => {
  const clock = T0 + HOUR;
  const gar = new GarService({ now: () => clock });
  let base = '';
  let close: () => Promise<void> = async () => {};

  const post = (body: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    call(`${base}/api/v1/agreements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    const s = await gar.start({ port: 0 });
    base = s.url;
    close = s.close;
  });
  afterAll(() => close());

  it('accepts the SDK lifecycle: create, duplicate, update, stale, revoke', async () => {
    const create = signedBody(sdkText({ created: T0 }));
    const r1 = await post(create);
    expect(r1.status).toBe(201);
    const a1 = r1.json.agreement as StoredAgreement;
    expect(a1).toMatchObject({
      sequence: 1,
      user: toHex(user),
      agent: toHex(agent),
      version: 0,
      payload: create.payload,
      signature: create.signature,
      receivedAt: new Date(clock).toISOString().replace('.000Z', 'Z'),
    });
    expect(r1.headers.get('location')).toBe(`/api/v1/agreements/${toHex(user)}/${toHex(agent)}`);

    // The very same signed agreement again, while it is active.
    const r2 = await post(create);
    expect(r2.status).toBe(409);
    expect(r2.json.error.code).toBe('AGREEMENT_EXISTS');

    // An update: new metadata, later created_at.
    const update = signedBody(
      sdkText({
        created: T0 + 10 * 60_000,
        metadata: {
          scopes: [{ context: SCOPE }, { context: { workspace_id: 'ws-2', stream_id: 'x' } }],
        },
      })
    );
    const r3 = await post(update);
    expect(r3.status).toBe(201);
    expect(r3.json.agreement).toMatchObject({ sequence: 2, version: 1 });

    // Stale: created_at before the latest version's, and equal to it.
    for (const created of [T0 + 5 * 60_000, T0 + 10 * 60_000]) {
      const stale = await post(signedBody(sdkText({ created, metadata: { note: 'replay' } })));
      expect(stale.status).toBe(409);
      expect(stale.json.error.code).toBe('AGREEMENT_CONFLICT');
    }
    // Replaying the first version (no longer the latest) is stale too.
    expect((await post(create)).json.error.code).toBe('AGREEMENT_CONFLICT');

    // Revoke.
    const revokeAt = T0 + 20 * 60_000;
    const r4 = await post(signedBody(sdkText({ created: revokeAt, revoked: true })));
    expect(r4.status).toBe(201);
    expect(r4.json.agreement).toMatchObject({ sequence: 3, version: 2 });

    // The stored history, read back, is what the verifier checks.
    const h = await call(`${base}/api/v1/agreements/${toHex(user)}/${toHex(agent)}`);
    expect(h.status).toBe(200);
    const versions = h.json.versions as StoredAgreement[];
    expect(versions.map((v) => v.version)).toEqual([0, 1, 2]);
    const history = versions.map((v) => ({ payload: v.payload, signature: v.signature }));
    const lines = checkGrant(
      { versions: history, anchors: [], anchorKey: null, complete: true },
      { user, agent, scope: SCOPE, at: revokeAt + HOUR },
      pureBackend
    );
    expect(lines.filter((l) => l.check.startsWith('grant.signature')).every((l) => l.ok)).toBe(
      true
    );
    const status = lines.find((l) => l.check === 'grant.status')!;
    expect(status.ok).toBe(false);
    expect(status.code).toBe('GRANT_REVOKED');
    const parsed = history.map((v) => {
      const p = parseGarVersion(v);
      if (!p.ok) throw new Error(p.code);
      return p.value;
    });
    expect(grantStatusAt(parsed, revokeAt + 1).status).toBe('REVOKED');
    expect(grantStatusAt(parsed, revokeAt - 1).status).toBe('ACTIVE');

    // A grant again after the revocation is a new version.
    const regrant = await post(signedBody(sdkText({ created: revokeAt + 60_000 })));
    expect(regrant.status).toBe(201);
    expect(regrant.json.agreement.version).toBe(3);
  });

  it('re-submitting an expired agreement is stale, not "exists"', async () => {
    const g = new GarService({ now: () => T0 + 48 * HOUR });
    const body = signedBody(sdkText({ created: T0 }));
    expect(g.submit(body).ok).toBe(true);
    const again = g.submit(body);
    expect(again).toMatchObject({ ok: false, status: 409, code: 'AGREEMENT_CONFLICT' });
  });

  it('rejects a signature that does not verify over the decoded payload bytes (401)', async () => {
    const body = signedBody(sdkText({ created: T0, agent: toHex(other) }));
    const last = body.signature.value.slice(-1);
    const flipped = {
      ...body,
      signature: {
        ...body.signature,
        value: body.signature.value.slice(0, -1) + (last === '0' ? '1' : '0'),
      },
    };
    const r = await post(flipped);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('BAD_SIGNATURE');

    // Signed over other bytes of the same JSON value (spaces): the service never re-serialises.
    const text = sdkText({ created: T0, agent: toHex(other) });
    const spaced = JSON.stringify(JSON.parse(text), null, 1);
    const signedOther = signedBody(spaced);
    const r2 = await post({ ...signedOther, payload: toBase64url(utf8(text)) });
    expect(r2.status).toBe(401);
    expect(r2.json.error.code).toBe('BAD_SIGNATURE');
    // …while the spaced bytes, sent as signed, are accepted.
    expect((await post(signedOther)).status).toBe(201);
  });

  it('rejects an agreement signed by someone other than the user (401 SIGNER_MISMATCH)', async () => {
    const text = sdkText({ created: T0, agent: toHex(new Uint8Array(32).fill(9)) });
    const r = await post(signedBody(text, otherSk));
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('SIGNER_MISMATCH');
    // The user's key as signer with another key's signature is simply a bad signature.
    const forged = signedBody(text, otherSk);
    forged.signature.signer = toHex(user);
    expect((await post(forged)).json.error.code).toBe('BAD_SIGNATURE');
  });

  it('accepts ed25519:-prefixed and bare-hex keys and stores them as 0x-hex', async () => {
    const agentKey = new Uint8Array(32).fill(0xab);
    const text = sdkText({
      created: T0,
      user: `ed25519:${toHex(user).slice(2)}`,
      agent: toHex(agentKey).slice(2).toUpperCase(),
    });
    const body = signedBody(text);
    body.signature.signer = `ed25519:${toHex(user).slice(2)}`;
    const r = await post(body);
    expect(r.status).toBe(201);
    expect(r.json.agreement.user).toBe(toHex(user));
    expect(r.json.agreement.agent).toBe(toHex(agentKey));
    expect(r.json.agreement.payload).toBe(body.payload);
    const h = await call(
      `${base}/api/v1/agreements/ed25519:${toHex(user).slice(2)}/${toHex(agentKey)}`
    );
    expect(h.status).toBe(200);
    expect(h.json.versions).toHaveLength(1);
  });

  it('answers malformed requests with 400 and a precise code', async () => {
    const good = signedBody(sdkText({ created: T0 }));
    const cases: Array<[string, unknown, string, string?]> = [
      ['not JSON', '{"payload": ', 'MALFORMED_JSON'],
      ['trailing garbage', JSON.stringify(good) + 'x', 'MALFORMED_JSON'],
      [
        'duplicate key in the body',
        `{"payload":"a","payload":"b","signature":{}}`,
        'MALFORMED_JSON',
      ],
      ['body is an array', '[]', 'BAD_REQUEST'],
      ['extra body field', { ...good, extra: 1 }, 'BAD_REQUEST', 'extra'],
      ['signature missing', { payload: good.payload }, 'BAD_REQUEST', 'signature'],
      ['payload missing', { signature: good.signature }, 'BAD_PAYLOAD', 'payload'],
      ['payload not a string', { ...good, payload: 42 }, 'BAD_PAYLOAD', 'payload'],
      [
        'unsupported algorithm',
        { ...good, signature: { ...good.signature, algorithm: 'sr25519' } },
        'UNSUPPORTED_ALGORITHM',
        'signature.algorithm',
      ],
      [
        'short signature',
        { ...good, signature: { ...good.signature, value: '0x1234' } },
        'BAD_REQUEST',
        'signature.value',
      ],
      [
        'signer not a key',
        { ...good, signature: { ...good.signature, signer: 'alice' } },
        'BAD_REQUEST',
        'signature.signer',
      ],
      ['bad base64url (+/)', { ...good, payload: 'ab+/cd' }, 'BAD_PAYLOAD', 'payload'],
      ['bad base64url (length)', { ...good, payload: 'abcde' }, 'BAD_PAYLOAD', 'payload'],
      ['payload not UTF-8', signedBodyBytes(Uint8Array.of(0xff, 0xfe)), 'BAD_PAYLOAD'],
      ['payload not JSON', signedBody('{not json'), 'BAD_PAYLOAD'],
      ['payload an array', signedBody('[1,2]'), 'BAD_PAYLOAD'],
      [
        'payload with a duplicate key',
        signedBody(
          sdkText({ created: T0 }).replace('"revoked":false', '"revoked":false,"revoked":true')
        ),
        'BAD_PAYLOAD',
      ],
      ['missing field', signedBody(editedText((p) => delete p.metadata)), 'BAD_FIELD', 'metadata'],
      ['extra field', signedBody(editedText((p) => (p.scope_id = 'x'))), 'BAD_FIELD', 'scope_id'],
      [
        'revoked a string',
        signedBody(editedText((p) => (p.revoked = 'false'))),
        'BAD_FIELD',
        'revoked',
      ],
      [
        'metadata an array',
        signedBody(editedText((p) => (p.metadata = []))),
        'BAD_FIELD',
        'metadata',
      ],
      [
        'metadata null',
        signedBody(editedText((p) => (p.metadata = null))),
        'BAD_FIELD',
        'metadata',
      ],
      [
        'expires_at a number',
        signedBody(editedText((p) => (p.expires_at = 123))),
        'BAD_FIELD',
        'expires_at',
      ],
      [
        'user key too short',
        signedBody(editedText((p) => (p.user_pub_key = '0xabcd'))),
        'BAD_FIELD',
        'user_pub_key',
      ],
      [
        'agent key sr25519-prefixed',
        signedBody(
          editedText((p) => (p.agent_service_pub_key = `sr25519:${toHex(agent).slice(2)}`))
        ),
        'BAD_FIELD',
        'agent_service_pub_key',
      ],
      [
        'created_at not RFC 3339 (space)',
        signedBody(editedText((p) => (p.created_at = '2026-11-01 00:00:00Z'))),
        'BAD_FIELD',
        'created_at',
      ],
      [
        'created_at impossible date',
        signedBody(editedText((p) => (p.created_at = '2026-02-30T00:00:00Z'))),
        'BAD_FIELD',
        'created_at',
      ],
      [
        'created_at without zone',
        signedBody(editedText((p) => (p.created_at = '2026-11-01T00:00:00'))),
        'BAD_FIELD',
        'created_at',
      ],
      [
        'expires_at not RFC 3339',
        signedBody(editedText((p) => (p.expires_at = 'tomorrow'))),
        'BAD_FIELD',
        'expires_at',
      ],
      [
        'expires_at before created_at',
        signedBody(editedText((p) => (p.expires_at = '2026-10-01T00:00:00Z'))),
        'BAD_FIELD',
        'expires_at',
      ],
    ];
    for (const [name, body, code, field] of cases) {
      const r = await post(body);
      expect(r.status, name).toBe(400);
      expect(r.json.error.code, name).toBe(code);
      expect(typeof r.json.error.message, name).toBe('string');
      if (field !== undefined) expect(r.json.error.field, name).toBe(field);
    }
  });

  it('enforces the body limit (413), the content type (415), methods (405) and paths (404)', async () => {
    const huge = JSON.stringify({ payload: 'A'.repeat(1024 * 1024), signature: {} });
    const r1 = await post(huge);
    expect(r1.status).toBe(413);
    expect(r1.json.error.code).toBe('PAYLOAD_TOO_LARGE');

    // Without a Content-Length (chunked): the limit applies while reading.
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 40; i++) c.enqueue(utf8('x'.repeat(4096)));
        c.close();
      },
    });
    const r2 = await call(`${base}/api/v1/agreements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(r2.status).toBe(413);

    const body = signedBody(sdkText({ created: T0 }));
    const r3 = await post(body, { 'content-type': 'text/plain' });
    expect(r3.status).toBe(415);
    expect(r3.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await post(body, { 'content-type': 'application/json; charset=latin1' })).status).toBe(
      415
    );
    const r4 = await call(`${base}/api/v1/agreements`, { method: 'POST', body: 'x' });
    expect(r4.status).toBe(415);
    // A charset parameter of utf-8 is fine (the request then fails for other reasons).
    expect((await post('{', { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(
      400
    );

    const r5 = await call(`${base}/api/v1/agreements`, { method: 'PUT' });
    expect(r5.status).toBe(405);
    expect(r5.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(r5.json.error.code).toBe('METHOD_NOT_ALLOWED');
    const r6 = await call(`${base}/api/v1/agreements/${toHex(user)}/${toHex(agent)}`, {
      method: 'DELETE',
    });
    expect(r6.status).toBe(405);
    const r7 = await call(`${base}/api/v2/agreements`);
    expect(r7.status).toBe(404);
    expect(r7.json.error.code).toBe('UNKNOWN_PATH');

    // The in-process limit is the same.
    const small = new GarService({ maxBodyBytes: 100 });
    expect(small.submit(signedBody(sdkText({ created: T0 })))).toMatchObject({
      ok: false,
      status: 413,
    });

    // Still serving.
    expect((await call(`${base}/health`)).json.status).toBe('ok');
  });

  it('reads one pair: 404 AGREEMENT_NOT_FOUND, 400 BAD_KEY', async () => {
    const r = await call(`${base}/api/v1/agreements/${toHex(other)}/${toHex(agent)}`);
    expect(r.status).toBe(404);
    expect(r.json.error).toEqual({
      code: 'AGREEMENT_NOT_FOUND',
      message: 'No agreement exists between user and agent service',
    });
    for (const path of [
      `0x12/${toHex(agent)}`,
      `${toHex(user)}/nope`,
      `%E0%A4%A/${toHex(agent)}`,
    ]) {
      const b = await call(`${base}/api/v1/agreements/${path}`);
      expect(b.status, path).toBe(400);
      expect(b.json.error.code, path).toBe('BAD_KEY');
    }
  });

  it('answers broken HTTP with 400 and keeps serving', async () => {
    const { port } = new URL(base);
    for (const raw of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n']) {
      const reply = await new Promise<string>((resolve) => {
        let got = '';
        const sock = connect(Number(port), '127.0.0.1', () => sock.write(raw));
        sock.on('data', (d) => (got += d.toString()));
        sock.on('close', () => resolve(got));
        sock.on('error', () => resolve(got));
      });
      expect(reply.startsWith('HTTP/1.1 400')).toBe(true);
    }
    expect((await call(`${base}/health`)).status).toBe(200);
    expect((await call(`${base}//evil.example/api/v1/agreements`)).status).toBe(404);
  });

  it('survives garbage: every answer is a JSON 4xx and the service keeps serving', async () => {
    const good = JSON.stringify(signedBody(sdkText({ created: T0 + 99 * HOUR })));
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      const chars = good.split('');
      for (let k = 0; k <= rand(4); k++) {
        const at = rand(chars.length);
        const op = rand(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, String.fromCharCode(rand(128)));
        else chars[at] = String.fromCharCode(rand(0x3000));
      }
      const r = await post(chars.join(''));
      expect([201, 400, 401, 409]).toContain(r.status);
      if (r.status !== 201) expect(typeof r.json.error.code).toBe('string');
    }
    expect((await call(`${base}/health`)).status).toBe(200);
  });
});

function signedBodyBytes(bytes: Uint8Array, sk = userSk) {
  return {
    payload: toBase64url(bytes),
    signature: {
      algorithm: 'ed25519',
      signer: toHex(ed25519.getPublicKey(sk)),
      value: toHex(ed25519.sign(bytes, sk)),
    },
  };
}

describe('GAR read cursor', () => {
  const gar = new GarService({ now: () => T0 });
  let base = '';
  let close: () => Promise<void> = async () => {};
  const N = 250;

  beforeAll(async () => {
    const s = await gar.start();
    base = s.url;
    close = s.close;
    // 250 agreements over HTTP: 50 agents × (create + 4 updates), interleaved across pairs.
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: N / 5 }, async (_, i) => {
          const agentKey = toHex(ed25519.getPublicKey(blake2b256(utf8(`agent/${i}`))));
          const text = sdkText({ created: T0 + round * 60_000, agent: agentKey });
          const r = await call(`${base}/api/v1/agreements`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(signedBody(text)),
          });
          expect(r.status).toBe(201);
          expect(r.json.agreement.version).toBe(round);
        })
      );
    }
  });
  afterAll(() => close());

  it('pages through 250 agreements with limit 100: no gap, no duplicate', async () => {
    const seen: number[] = [];
    const pages: number[] = [];
    let after = 0;
    for (;;) {
      const r = await call(`${base}/api/v1/agreements?after=${after}&limit=100`);
      expect(r.status).toBe(200);
      const items = r.json.items as StoredAgreement[];
      pages.push(items.length);
      for (const it of items) {
        expect(it.sequence).toBeGreaterThan(after);
        seen.push(it.sequence);
      }
      if (r.json.next === null) break;
      expect(r.json.next).toBe(items[items.length - 1]!.sequence);
      after = r.json.next as number;
    }
    expect(pages).toEqual([100, 100, 50]);
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // Per pair, versions count from 0 in sequence order.
    const all = gar.list(0, 1000).items;
    const perPair = new Map<string, number[]>();
    for (const a of all) perPair.set(a.agent, [...(perPair.get(a.agent) ?? []), a.version]);
    for (const v of perPair.values()) expect(v).toEqual([0, 1, 2, 3, 4]);
  });

  it('uses the defaults (after=0, limit=100) and returns an empty page past the end', async () => {
    const r = await call(`${base}/api/v1/agreements`);
    expect(r.json.items).toHaveLength(100);
    expect(r.json.next).toBe(100);
    const end = await call(`${base}/api/v1/agreements?after=250`);
    expect(end.json).toEqual({ items: [], next: null });
    const beyond = await call(`${base}/api/v1/agreements?after=9999&limit=1000`);
    expect(beyond.json).toEqual({ items: [], next: null });
    const exact = await call(`${base}/api/v1/agreements?after=150&limit=100`);
    expect(exact.json.items).toHaveLength(100);
    expect(exact.json.next).toBeNull();
  });

  it('rejects bad cursors and limits with 400 BAD_QUERY', async () => {
    for (const q of [
      'after=-1',
      'after=1.5',
      'after=abc',
      'after=',
      'after=01',
      'after=1e3',
      'after=99999999999999999999',
      'limit=0',
      'limit=1001',
      'limit=-5',
      'limit=ten',
      'after=1&after=2',
      'cursor=5',
      'after=%zz',
    ]) {
      const r = await call(`${base}/api/v1/agreements?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json.error.code, q).toBe('BAD_QUERY');
    }
  });
});

describe('GAR in process', () => {
  it('preloads agreements in created_at order and skips repeated ones', () => {
    const v0 = signedBody(sdkText({ created: T0 }));
    const v1 = signedBody(sdkText({ created: T0 + HOUR, revoked: true }));
    // As a scenario's bundles carry them: with a `source`, repeated, out of order.
    const fromBundle = { ...v1, source: { kind: 'gar', url: 'bundle 2' } };
    const g = new GarService({ now: () => T0, agreements: [fromBundle, v0, v0, v1] });
    const items = g.list(0, 10).items;
    expect(items.map((a) => [a.sequence, a.version, a.payload])).toEqual([
      [1, 0, v0.payload],
      [2, 1, v1.payload],
    ]);
    expect(g.history(toHex(user), toHex(agent))).toHaveLength(2);
    expect(() => new GarService({ agreements: [{ ...v0, payload: '!!' }] })).toThrow(/BAD_PAYLOAD/);
  });
});

// ---------------------------------------------------------------------------------------------
// DDC storage nodes
// ---------------------------------------------------------------------------------------------

function batchPayload(tag: string, records: number, recordBytes: number): Uint8Array {
  const recs = Array.from({ length: records }, (_, i) =>
    utf8(JSON.stringify({ record: `${tag}/${i}`, pad: 'p'.repeat(recordBytes) }))
  );
  return encodeBatchPayload(recs, RecordFormat.ScpJson);
}

describe('DDC storage nodes', () => {
  const payloads = new Map<string, Uint8Array>();
  const add = (bytes: Uint8Array): string => {
    const h = toHex(blake2b256(bytes));
    payloads.set(h, bytes);
    return h;
  };
  const hA = add(batchPayload('a', 40, 500));
  const hB = add(batchPayload('b', 10, 100));
  const hC = add(batchPayload('c', 200, 1000));
  const hUnknown = toHex(blake2b256(utf8('nobody has this')));
  const SLOW_MS = 400;
  const source: PayloadSource = (h) => payloads.get(h);
  const faults: Array<Map<string, NodeFault>> = [
    new Map([[hB, { kind: 'slow', delayMs: SLOW_MS }]]),
    new Map([[hA.toUpperCase().replace('0X', '0x'), { kind: 'tampered' }]]),
    new Map([[hA, { kind: 'missing' }]]),
  ];
  let cluster: Awaited<ReturnType<typeof startStorageNodes>>;

  const get = async (url: string, init?: RequestInit) => {
    const r = await fetch(url, init);
    const body = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, headers: r.headers, body };
  };

  beforeAll(async () => {
    cluster = await startStorageNodes(3, source, faults);
  });
  afterAll(() => cluster.close());

  it('serves payloads by content hash from every node', async () => {
    expect(cluster.urls).toHaveLength(3);
    for (const url of cluster.urls) {
      const r = await get(`${url}/v1/payloads/${hC}`);
      expect(r.status).toBe(200);
      expect(toHex(blake2b256(r.body))).toBe(hC);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      expect(r.headers.get('content-length')).toBe(String(payloads.get(hC)!.length));
      expect(r.headers.get('etag')).toBe(`"${hC}"`);
      expect(r.headers.get('cache-control')).toContain('immutable');
    }
    // Upper-case hex digits name the same payload.
    const upper = `0x${hC.slice(2).toUpperCase()}`;
    const r = await get(`${cluster.urls[0]}/v1/payloads/${upper}`);
    expect(toHex(blake2b256(r.body))).toBe(hC);
  });

  it('node 1 serves payload A tampered (same length, wrong hash); the others do not', async () => {
    const t = await get(`${cluster.urls[1]}/v1/payloads/${hA}`);
    expect(t.status).toBe(200);
    expect(t.body.length).toBe(payloads.get(hA)!.length);
    expect(toHex(blake2b256(t.body))).not.toBe(hA);
    const diff = t.body.reduce((n, b, i) => n + (b !== payloads.get(hA)![i] ? 1 : 0), 0);
    expect(diff).toBe(1);
    const good = await get(`${cluster.urls[0]}/v1/payloads/${hA}`);
    expect(toHex(blake2b256(good.body))).toBe(hA);
    expect(cluster.nodes[1]!.stats().tampered).toBe(1);
    // The tampering did not touch the source's bytes.
    expect(toHex(blake2b256(payloads.get(hA)!))).toBe(hA);
  });

  it('node 2 answers 404 for payload A (missing); unknown hashes are 404 everywhere', async () => {
    const m = await get(`${cluster.urls[2]}/v1/payloads/${hA}`);
    expect(m.status).toBe(404);
    expect(JSON.parse(new TextDecoder().decode(m.body)).error.code).toBe('NOT_FOUND');
    for (const url of cluster.urls) {
      expect((await get(`${url}/v1/payloads/${hUnknown}`)).status).toBe(404);
    }
    expect((await get(`${cluster.urls[2]}/v1/payloads/${hC}`)).status).toBe(200);
  });

  it('node 0 delays payload B without holding back other requests', async () => {
    const t0 = performance.now();
    const slow = get(`${cluster.urls[0]}/v1/payloads/${hB}`).then((r) => ({
      r,
      ms: performance.now() - t0,
    }));
    const fast = get(`${cluster.urls[0]}/v1/payloads/${hC}`).then((r) => ({
      r,
      ms: performance.now() - t0,
    }));
    const [s, f] = await Promise.all([slow, fast]);
    expect(s.r.status).toBe(200);
    expect(toHex(blake2b256(s.r.body))).toBe(hB);
    expect(s.ms).toBeGreaterThanOrEqual(SLOW_MS - 5);
    expect(f.r.status).toBe(200);
    expect(f.ms).toBeLessThan(SLOW_MS / 2);
    // Node 1 serves B at once.
    const t1 = performance.now();
    await get(`${cluster.urls[1]}/v1/payloads/${hB}`);
    expect(performance.now() - t1).toBeLessThan(SLOW_MS / 2);
  });

  it('rejects bad hashes (400 BAD_HASH), wrong methods (405) and unknown paths (404)', async () => {
    const url = cluster.urls[0]!;
    for (const h of [
      hC.slice(2),
      hC.slice(0, 64),
      `${hC}00`,
      `0x${'g'.repeat(64)}`,
      `0X${hC.slice(2)}`,
      '',
      `${hC}/extra`,
      '%30x00',
    ]) {
      const r = await get(`${url}/v1/payloads/${h}`);
      expect(r.status, h).toBe(400);
      expect(JSON.parse(new TextDecoder().decode(r.body)).error.code, h).toBe('BAD_HASH');
    }
    const p = await get(`${url}/v1/payloads/${hC}`, { method: 'POST', body: 'x' });
    expect(p.status).toBe(405);
    expect(p.headers.get('allow')).toBe('GET, HEAD');
    expect((await get(`${url}/v2/payloads/${hC}`)).status).toBe(404);
    expect(cluster.nodes[0]!.stats().badRequests).toBeGreaterThanOrEqual(10);
  });

  it('answers HEAD with the headers and no body', async () => {
    const r = await get(`${cluster.urls[0]}/v1/payloads/${hA}`, { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
    expect(r.headers.get('content-length')).toBe(String(payloads.get(hA)!.length));
    expect(r.headers.get('etag')).toBe(`"${hA}"`);
    expect((await get(`${cluster.urls[2]}/v1/payloads/${hA}`, { method: 'HEAD' })).status).toBe(
      404
    );
  });

  it('reports health', async () => {
    const r = await fetch(`${cluster.urls[1]}/health`);
    expect(await r.json()).toEqual({ name: 'storage-1', payloads: 'ok' });
  });

  it('serves many concurrent requests correctly', async () => {
    const hashes = [hA, hB, hC];
    const rs = await Promise.all(
      Array.from({ length: 150 }, (_, i) => {
        const h = hashes[i % 3]!;
        return get(`${cluster.urls[2]}/v1/payloads/${h === hA ? hC : h}`).then((r) => ({ h, r }));
      })
    );
    for (const { h, r } of rs) {
      expect(r.status).toBe(200);
      expect(toHex(blake2b256(r.body))).toBe(h === hA ? hC : h);
    }
  });

  it('changes faults at run time', async () => {
    const node = cluster.nodes[1]!;
    node.setFault(hA, null);
    const r = await get(`${cluster.urls[1]}/v1/payloads/${hA}`);
    expect(toHex(blake2b256(r.body))).toBe(hA);
    node.setFault(hA, { kind: 'missing' });
    expect((await get(`${cluster.urls[1]}/v1/payloads/${hA}`)).status).toBe(404);
    node.setFault(hA, { kind: 'tampered' });
    const t = await get(`${cluster.urls[1]}/v1/payloads/${hA}`);
    expect(toHex(blake2b256(t.body))).not.toBe(hA);
    expect(() => node.setFault('0x12', { kind: 'missing' })).toThrow(RangeError);
    expect(() => node.setFault(hA, { kind: 'slow', delayMs: -1 })).toThrow(RangeError);
  });
});

describe('DDC storage node: an untrustworthy source', () => {
  const right = utf8('the right bytes\n');
  const hRight = toHex(blake2b256(right));
  const hLying = toHex(blake2b256(utf8('what the envelope committed to\n')));
  const hThrows = toHex(blake2b256(utf8('the disk fails\n')));
  const source: PayloadSource = async (h) => {
    if (h === hThrows) throw new Error('EIO');
    if (h === hLying) return utf8('something else entirely\n');
    if (h === hRight) return right;
    return undefined;
  };
  const node = new StorageNode({ name: 'liar', source });
  let url = '';
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const s = await node.start();
    url = s.url;
    close = s.close;
  });
  afterAll(() => close());

  it('answers 500 SOURCE_MISMATCH instead of serving bytes that do not hash right', async () => {
    const r = await fetch(`${url}/v1/payloads/${hLying}`);
    expect(r.status).toBe(500);
    expect(((await r.json()) as any).error.code).toBe('SOURCE_MISMATCH');
    const h = await fetch(`${url}/v1/payloads/${hLying}`, { method: 'HEAD' });
    expect(h.status).toBe(500);
    expect((await fetch(`${url}/v1/payloads/${hRight}`)).status).toBe(200);
  });

  it('answers 500 SOURCE_ERROR when the source fails, and keeps serving', async () => {
    const r = await fetch(`${url}/v1/payloads/${hThrows}`);
    expect(r.status).toBe(500);
    expect(((await r.json()) as any).error.code).toBe('SOURCE_ERROR');
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(node.stats().errors).toBe(3);
  });

  it('serves the wrong bytes when told to (tampered fault), without a 500', async () => {
    node.setFault(hLying, { kind: 'tampered' });
    const r = await fetch(`${url}/v1/payloads/${hLying}`);
    expect(r.status).toBe(200);
    node.setFault(hLying, null);
  });

  it('closes promptly with a slow request pending', async () => {
    const n = new StorageNode({ name: 'slow', source, defaultDelayMs: 30_000 });
    const s = await n.start();
    const pending = fetch(`${s.url}/v1/payloads/${hRight}`).catch(() => 'closed');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await s.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await pending).toBe('closed');
  });
});
