/**
 * Signature and hash primitives against public vectors, and the Node backend (OpenSSL with ZIP-215
 * confirmation of rejects, verifier/node/index.ts) against the pure reference (verifier/signatures.ts)
 * on vectors, crafted edge cases and random corruptions. Vector sources: test/vectors/README.md.
 */
import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { sha512 } from '@noble/hashes/sha2.js';
import * as sr25519 from '@scure/sr25519';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import { blake2b256, blake2s256 } from '../verifier/hash.ts';
import {
  BatchVerifier,
  nodeBackend,
  verifyEd25519Fast,
  FAST_ACCEPTS,
  type BatchItem,
} from '../verifier/node/index.ts';
import { pureBackend, type SignatureAlgorithm } from '../verifier/signatures.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function hex(s: string): Uint8Array {
  const b = parseHex(s);
  if (b === null) throw new Error(`bad hex in a test vector: ${s.slice(0, 20)}...`);
  return b;
}

function loadJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as T;
}

const SPKI_ED25519_PREFIX = hex('302a300506032b6570032100');
const PKCS8_ED25519_PREFIX = hex('302e020100300506032b657004220420');

/** An RFC 8032 key pair and signature through OpenSSL (5x faster than noble, same bytes). */
function signFast(seed: Uint8Array, msg: Uint8Array): { pk: Uint8Array; sig: Uint8Array } {
  const priv = createPrivateKey({
    key: Buffer.from(concatBytes(PKCS8_ED25519_PREFIX, seed)),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return {
    pk: new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length)),
    sig: new Uint8Array(cryptoSign(null, msg, priv)),
  };
}

/** Bare OpenSSL (RFC 8032) verdict, without the ZIP-215 confirmation: for the soundness checks. */
function opensslVerdict(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean {
  if (sig.length !== 64 || pk.length !== 32) return false;
  try {
    const key = createPublicKey({
      key: Buffer.from(concatBytes(SPKI_ED25519_PREFIX, pk)),
      format: 'der',
      type: 'spki',
    });
    return cryptoVerify(null, msg, key, sig);
  } catch {
    return false;
  }
}

interface Case {
  readonly sig: Uint8Array;
  readonly msg: Uint8Array;
  readonly pk: Uint8Array;
}

const ed = (c: Case): BatchItem => ({
  algorithm: 'ed25519',
  signature: c.sig,
  message: c.msg,
  publicKey: c.pk,
});
const pureEd = (c: Case): boolean => pureBackend.verify('ed25519', c.sig, c.msg, c.pk);
const nodeEd = (c: Case): boolean => nodeBackend.verify('ed25519', c.sig, c.msg, c.pk);

/** Indices where two verdict lists differ. */
function differences(a: readonly boolean[], b: readonly boolean[]): number[] {
  expect(a.length).toBe(b.length);
  return a.flatMap((v, i) => (v === b[i] ? [] : [i]));
}

// One worker pool for the whole file; `inlineBelow: 1` sends even tiny batches to the workers so
// that every batch below exercises sig-worker.mjs and the packing.
let batch: BatchVerifier;
beforeAll(() => {
  batch = new BatchVerifier({ threads: 2, inlineBelow: 1 });
});
afterAll(async () => {
  await batch.close();
});

// ---------------------------------------------------------------------------------------------
// Wycheproof
// ---------------------------------------------------------------------------------------------

interface WycheproofFile {
  numberOfTests: number;
  testGroups: {
    publicKey: { pk: string };
    tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[];
  }[];
}

describe('Wycheproof ed25519_test.json', () => {
  const file = loadJson<WycheproofFile>('ed25519_test.json');
  const tests = file.testGroups.flatMap((g) =>
    g.tests.map((t) => ({
      tcId: t.tcId,
      expected: t.result === 'valid',
      c: { sig: hex(t.sig), msg: hex(t.msg), pk: hex(g.publicKey.pk) },
    }))
  );
  const pure = tests.map((t) => pureEd(t.c));

  it('has all 151 tests', () => {
    expect(tests.length).toBe(151);
    expect(file.numberOfTests).toBe(151);
  });

  it('pure (ZIP-215) verdicts equal Wycheproof except tcId 151, which ZIP-215 accepts', () => {
    const mismatches = tests.filter((t, i) => pure[i] !== t.expected).map((t) => t.tcId);
    expect(mismatches).toEqual([151]);
    const t151 = tests.find((t) => t.tcId === 151);
    expect(t151?.expected).toBe(false); // Wycheproof (RFC 8032): R = (0, 1) with x's sign bit set
    expect(t151 && pureEd(t151.c)).toBe(true); // ZIP-215: the sign of x = 0 is not checked
  });

  it('nodeBackend and verifyEd25519Fast equal pure on every test', () => {
    expect(
      differences(
        tests.map((t) => nodeEd(t.c)),
        pure
      )
    ).toEqual([]);
    expect(
      differences(
        tests.map((t) => verifyEd25519Fast(t.c.sig, t.c.msg, t.c.pk)),
        pure
      )
    ).toEqual([]);
  });

  it('BatchVerifier (workers) equals pure on every test', async () => {
    expect(differences(await batch.verify(tests.map((t) => ed(t.c))), pure)).toEqual([]);
  });

  it('each fast accept (libsodium, OpenSSL) implies the pure accept, and accepts the valid ones', () => {
    expect(FAST_ACCEPTS.libsodium).not.toBeNull(); // sodium-native is installed with the project
    for (const [name, accept] of Object.entries(FAST_ACCEPTS)) {
      if (!accept) continue;
      const verdicts = tests.map((t) => accept(t.c.sig, t.c.msg, t.c.pk));
      expect(
        tests.filter((_t, i) => verdicts[i] && !pure[i]).map((t) => t.tcId),
        name
      ).toEqual([]);
      expect(
        tests.filter((t, i) => t.expected && !verdicts[i]).map((t) => t.tcId),
        name
      ).toEqual([]);
    }
  });

  it('bare OpenSSL disagrees only on tcId 151, and only by rejecting (fast accept is sound)', () => {
    const openssl = tests.map((t) => opensslVerdict(t.c.sig, t.c.msg, t.c.pk));
    expect(differences(openssl, pure).map((i) => tests[i]?.tcId)).toEqual([151]);
    openssl.forEach((ok, i) => {
      if (ok) expect(pure[i]).toBe(true);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// ed25519-speccheck
// ---------------------------------------------------------------------------------------------

/**
 * Verdicts per case (0..11) from the "Results" table of novifinancial/ed25519-speccheck README.md
 * at commit 65519336fda78a3d016e947df6d82848aca0c9da, the commit of the vendored cases.json.
 * Row "Zebra" is ed25519-zebra, the ZIP-215 rule of Substrate and Cere; row "OpenSSL-3.0" is the
 * library behind node:crypto. V = accepted, X = rejected.
 */
const SPECCHECK_RESULTS = {
  // 0  1  2  3  4  5  6  7  8  9  10 11
  Zebra: 'V V V V V V X X X V V V',
  'OpenSSL-3.0': 'V V V V X X X X X X X V',
} as const;
const row = (r: string): boolean[] => r.split(' ').map((v) => v === 'V');

describe('ed25519-speccheck cases.json', () => {
  const cases = loadJson<{ message: string; pub_key: string; signature: string }[]>(
    'speccheck_cases.json'
  ).map((c) => ({ sig: hex(c.signature), msg: hex(c.message), pk: hex(c.pub_key) }));
  const pure = cases.map(pureEd);

  it('has 12 cases', () => expect(cases.length).toBe(12));

  it('pure verdicts equal Zebra (ZIP-215) on all 12 cases', () => {
    expect(pure).toEqual(row(SPECCHECK_RESULTS.Zebra));
  });

  it('each fast accept implies the pure accept on all 12 cases', () => {
    for (const [name, accept] of Object.entries(FAST_ACCEPTS)) {
      if (!accept) continue;
      const fast = cases.map((c) => accept(c.sig, c.msg, c.pk));
      expect(
        fast.flatMap((v, i) => (v && !pure[i] ? [i] : [])),
        name
      ).toEqual([]);
    }
    // OpenSSL's own verdicts are the published row.
    expect(cases.map((c) => FAST_ACCEPTS.openssl(c.sig, c.msg, c.pk))).toEqual(
      row(SPECCHECK_RESULTS['OpenSSL-3.0'])
    );
  });

  it('nodeBackend and BatchVerifier equal pure on all 12 cases', async () => {
    expect(cases.map(nodeEd)).toEqual(pure);
    expect(await batch.verify(cases.map(ed))).toEqual(pure);
  });

  it('bare OpenSSL matches the OpenSSL-3.0 row: it rejects 4, 5, 9, 10 that ZIP-215 accepts', () => {
    const openssl = cases.map((c) => opensslVerdict(c.sig, c.msg, c.pk));
    expect(openssl).toEqual(row(SPECCHECK_RESULTS['OpenSSL-3.0']));
    expect(differences(openssl, pure)).toEqual([4, 5, 9, 10]);
    expect(openssl.every((ok, i) => !ok || pure[i])).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// RFC 8032 section 7.1
// ---------------------------------------------------------------------------------------------

interface RfcVector {
  name: string;
  secretKey: string;
  publicKey: string;
  message: string;
  signature: string;
}

describe('RFC 8032 section 7.1 ed25519 test vectors', () => {
  const { vectors } = loadJson<{ vectors: RfcVector[] }>('rfc8032_ed25519.json');

  it('has TEST 1, 2, 3, 1024 and SHA(abc)', () => {
    expect(vectors.map((v) => v.name)).toEqual([
      'TEST 1',
      'TEST 2',
      'TEST 3',
      'TEST 1024',
      'TEST SHA(abc)',
    ]);
    expect(vectors[3] && hex(vectors[3].message).length).toBe(1023);
    expect(vectors[4] && vectors[4].message).toBe(toHex(sha512(utf8('abc'))).slice(2));
  });

  for (const v of vectors) {
    it(`${v.name}: both paths accept; the secret reproduces key and signature`, async () => {
      const c = { sig: hex(v.signature), msg: hex(v.message), pk: hex(v.publicKey) };
      expect(pureEd(c)).toBe(true);
      expect(nodeEd(c)).toBe(true);
      expect(opensslVerdict(c.sig, c.msg, c.pk)).toBe(true);
      expect(await batch.verify([ed(c)])).toEqual([true]);
      expect(toHex(ed25519.getPublicKey(hex(v.secretKey)))).toBe(toHex(c.pk));
      expect(toHex(ed25519.sign(c.msg, hex(v.secretKey)))).toBe(toHex(c.sig));
    });
  }
});

// ---------------------------------------------------------------------------------------------
// BLAKE2
// ---------------------------------------------------------------------------------------------

interface Blake2Vector {
  name: string;
  algorithm: 'blake2b-512' | 'blake2s-256' | 'blake2b-256';
  input: string;
  digest: string;
}

describe('BLAKE2 (RFC 7693 and Substrate blake2_256)', () => {
  const { vectors } = loadJson<{ vectors: Blake2Vector[] }>('blake2.json');
  const digest: Record<Blake2Vector['algorithm'], (b: Uint8Array) => Uint8Array> = {
    'blake2b-512': (b) => blake2b(b),
    'blake2s-256': blake2s256,
    'blake2b-256': blake2b256,
  };

  it('has the 4 vectors', () => expect(vectors.length).toBe(4));

  for (const v of vectors) {
    it(v.name, () => {
      expect(toHex(digest[v.algorithm](utf8(v.input)))).toBe(`0x${v.digest}`);
    });
  }

  it('blake2b-256 is not a truncated blake2b-512', () => {
    expect(toHex(blake2b256(utf8('abc')))).not.toBe(toHex(blake2b(utf8('abc')).subarray(0, 32)));
  });
});

// ---------------------------------------------------------------------------------------------
// sr25519
// ---------------------------------------------------------------------------------------------

interface SrKnown {
  verify: {
    name: string;
    publicKey?: string;
    seed?: string;
    messageUtf8: string;
    signature: string;
    valid: boolean;
  }[];
  keys: { name: string; seed?: string; seedUtf8?: string; secretKey?: string; publicKey: string }[];
}

const sr = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): BatchItem => ({
  algorithm: 'sr25519',
  signature,
  message,
  publicKey,
});

describe('sr25519', () => {
  const known = loadJson<SrKnown>('sr25519_known.json');

  it('known keys: secretFromSeed and getPublicKey give the published answers', () => {
    expect(known.keys.length).toBe(2);
    for (const k of known.keys) {
      const seed = k.seedUtf8 !== undefined ? utf8(k.seedUtf8) : hex(k.seed ?? '');
      const secret = sr25519.secretFromSeed(seed);
      if (k.secretKey !== undefined) expect(toHex(secret)).toBe(`0x${k.secretKey}`);
      expect(toHex(sr25519.getPublicKey(secret))).toBe(`0x${k.publicKey}`);
    }
  });

  it('known signatures: the published verdicts on both backends and the batch', async () => {
    expect(known.verify.length).toBe(3);
    const items = known.verify.map((v) => {
      const pk =
        v.publicKey !== undefined
          ? hex(v.publicKey)
          : sr25519.getPublicKey(sr25519.secretFromSeed(hex(v.seed ?? '')));
      return sr(hex(v.signature), utf8(v.messageUtf8), pk);
    });
    const expected = known.verify.map((v) => v.valid);
    expect(expected).toEqual([true, false, false]);
    for (const b of [pureBackend, nodeBackend]) {
      expect(
        items.map((it) => b.verify('sr25519', it.signature, it.message, it.publicKey))
      ).toEqual(expected);
    }
    expect(await batch.verify(items)).toEqual(expected);
  });

  it('sign/verify round trip, and every single-bit flip fails', async () => {
    const secret = sr25519.secretFromSeed(utf8('proof-room sr25519 round trip!!!'));
    const pk = sr25519.getPublicKey(secret);
    const msg = utf8('a receipt payload of a few dozen bytes, signed by an inspector');
    const sig = sr25519.sign(secret, msg);
    expect(pureBackend.verify('sr25519', sig, msg, pk)).toBe(true);
    expect(nodeBackend.verify('sr25519', sig, msg, pk)).toBe(true);

    // One flipped bit per byte position of signature, key and message (bit = position mod 8).
    const flipped: BatchItem[] = [];
    const flip = (b: Uint8Array, i: number): Uint8Array => {
      const c = Uint8Array.from(b);
      c[i] = (c[i] as number) ^ (1 << (i % 8));
      return c;
    };
    for (let i = 0; i < 64; i++) flipped.push(sr(flip(sig, i), msg, pk));
    for (let i = 0; i < 32; i++) flipped.push(sr(sig, msg, flip(pk, i)));
    for (let i = 0; i < msg.length; i++) flipped.push(sr(sig, flip(msg, i), pk));
    for (const it of flipped) {
      expect(pureBackend.verify('sr25519', it.signature, it.message, it.publicKey)).toBe(false);
      expect(nodeBackend.verify('sr25519', it.signature, it.message, it.publicKey)).toBe(false);
    }
    const verdicts = await batch.verify([sr(sig, msg, pk), ...flipped]);
    expect(verdicts).toEqual([true, ...flipped.map(() => false)]);
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile shapes
// ---------------------------------------------------------------------------------------------

describe('wrong lengths and ill-typed input', () => {
  const secret = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const pk = ed25519.getPublicKey(secret);
  const msg = utf8('x');
  const sig = ed25519.sign(msg, secret);
  const sigLengths = [0, 1, 32, 63, 65, 96, 128];
  const pkLengths = [0, 1, 31, 33, 64];
  const cases: { alg: SignatureAlgorithm; sig: Uint8Array; pk: Uint8Array }[] = [];
  for (const alg of ['ed25519', 'sr25519'] as const) {
    for (const n of sigLengths) cases.push({ alg, sig: new Uint8Array(n).fill(7), pk });
    for (const n of pkLengths) cases.push({ alg, sig, pk: new Uint8Array(n).fill(7) });
    // The valid bytes inside a longer buffer: the length, not the prefix, decides.
    cases.push({ alg, sig: concatBytes(sig, Uint8Array.of(0)), pk });
    cases.push({ alg, sig, pk: concatBytes(pk, Uint8Array.of(0)) });
  }

  it('every backend returns false without throwing', () => {
    for (const c of cases) {
      for (const b of [pureBackend, nodeBackend]) {
        expect(() => b.verify(c.alg, c.sig, msg, c.pk)).not.toThrow();
        expect(b.verify(c.alg, c.sig, msg, c.pk)).toBe(false);
      }
      if (c.alg === 'ed25519') expect(verifyEd25519Fast(c.sig, msg, c.pk)).toBe(false);
    }
  });

  it('the batch verifier answers false for them, next to a valid item', async () => {
    const items = cases.map((c) => ({
      algorithm: c.alg,
      signature: c.sig,
      message: msg,
      publicKey: c.pk,
    }));
    const valid = ed({ sig, msg, pk });
    expect(await batch.verify([valid, ...items, valid])).toEqual([
      true,
      ...items.map(() => false),
      true,
    ]);
  });

  it('unknown algorithms and ill-typed items are false, inline and on workers', async () => {
    const bad = [
      { algorithm: 'ecdsa', signature: sig, message: msg, publicKey: pk },
      { algorithm: 'constructor', signature: sig, message: msg, publicKey: pk },
      { algorithm: '__proto__', signature: sig, message: msg, publicKey: pk },
      { algorithm: 'ed25519', signature: 'not bytes', message: msg, publicKey: pk },
      { algorithm: 'ed25519', signature: sig, message: null, publicKey: pk },
      null,
    ] as unknown as BatchItem[];
    const items = [ed({ sig, msg, pk }), ...bad];
    const expected = [true, ...bad.map(() => false)];
    expect(pureBackend.verify('ecdsa' as SignatureAlgorithm, sig, msg, pk)).toBe(false);
    expect(nodeBackend.verify('ecdsa' as SignatureAlgorithm, sig, msg, pk)).toBe(false);
    expect(await batch.verify(items)).toEqual(expected);
    const inline = new BatchVerifier({ threads: 1 });
    try {
      expect(await inline.verify(items)).toEqual(expected); // 5 < 64: verified inline
    } finally {
      await inline.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// BatchVerifier lifecycle and configurations
// ---------------------------------------------------------------------------------------------

describe('BatchVerifier', () => {
  const keys = Array.from({ length: 8 }, (_, k) => {
    const secret = sha512(utf8(`batch key ${k}`)).subarray(0, 32);
    return { secret, pk: ed25519.getPublicKey(secret) };
  });
  const items: BatchItem[] = Array.from({ length: 300 }, (_, i) => {
    const key = keys[i % keys.length];
    if (key === undefined) throw new Error('unreachable');
    const msg = utf8(`message ${i}`);
    const sig = ed25519.sign(msg, key.secret);
    if (i % 10 === 3) sig[5] = (sig[5] as number) ^ 0x10; // every tenth signature is broken
    return ed({ sig, msg, pk: key.pk });
  });
  const expected = items.map((_, i) => i % 10 !== 3);

  it('rejects a bad thread count', () => {
    expect(() => new BatchVerifier({ threads: 0 })).toThrow(RangeError);
    expect(() => new BatchVerifier({ threads: 1.5 })).toThrow(RangeError);
    expect(() => new BatchVerifier({ chunkSize: 0 })).toThrow(RangeError);
  });

  it('defaults to all cores and gives the same verdicts for every configuration', async () => {
    const configs = [
      {},
      { threads: 1 },
      { threads: 3, chunkSize: 7 },
      { threads: 2, mainThread: true },
      { threads: 1, mainThread: true },
      { threads: 2, inlineBelow: 1000 },
    ];
    for (const opts of configs) {
      const v = new BatchVerifier(opts);
      try {
        if (opts.threads === undefined) expect(v.threads).toBeGreaterThanOrEqual(1);
        // Two concurrent batches share the pool and keep their own order.
        const [a, b] = await Promise.all([v.verify(items), v.verify([...items].reverse())]);
        expect(a).toEqual(expected);
        expect(b).toEqual([...expected].reverse());
        expect(await v.verify([])).toEqual([]);
      } finally {
        await v.close();
      }
    }
  });

  it('close() rejects a running batch with a clear message, and later calls', async () => {
    const v = new BatchVerifier({ threads: 2, inlineBelow: 1 });
    const running = expect(v.verify(items)).rejects.toThrow(/closed while a batch was running/);
    await v.close();
    await running;
    await expect(v.verify(items)).rejects.toThrow(/after close/);
    await v.close(); // idempotent
  });
});

// ---------------------------------------------------------------------------------------------
// Random and crafted inputs: Node backend and BatchVerifier == pure
// ---------------------------------------------------------------------------------------------

const L = ed25519.Point.Fn.ORDER;
const P = ed25519.Point.Fp.ORDER;
const TORSION = ED25519_TORSION_SUBGROUP.map((h) => hex(h));

/** Non-canonical encodings: y + p for the y < 19 of a point (y = 0 and y = 1), both sign bits. */
const NON_CANONICAL = [0n, 1n].flatMap((y) => {
  const e = numberToBytesLE(y + P, 32);
  const withSign = Uint8Array.from(e);
  withSign[31] = (withSign[31] as number) | 0x80;
  return [e, withSign];
});

function scalarBytes(s: bigint): Uint8Array {
  return numberToBytesLE(s, 32);
}

function challenge(R: Uint8Array, A: Uint8Array, msg: Uint8Array): bigint {
  return bytesToNumberLE(sha512(concatBytes(R, A, msg))) % L;
}

/** Records pure/node/OpenSSL verdicts for a later BatchVerifier run; checks node == pure now. */
class Ledger {
  readonly cases: Case[] = [];
  readonly pure: boolean[] = [];
  accepted = 0;
  /** OpenSSL rejected where ZIP-215 accepts: the cases that exercise the confirmation path. */
  opensslRejectsZip215Accepts = 0;

  check(c: Case): boolean {
    const p = pureEd(c);
    const n = nodeEd(c);
    const o = opensslVerdict(c.sig, c.msg, c.pk);
    this.cases.push(c);
    this.pure.push(p);
    if (p) this.accepted++;
    if (p && !o) this.opensslRejectsZip215Accepts++;
    // node == pure, and the soundness of fast accept: OpenSSL-accept implies ZIP-215-accept.
    return n === p && (!o || p);
  }
}

const ledger = new Ledger();

describe('random corruptions and crafted edge cases (fast-check)', () => {
  const seed32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const message = fc.uint8Array({ minLength: 0, maxLength: 300 });

  it('valid signatures from random keys and messages, then random corruptions', () => {
    const corruption = fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.record({
        kind: fc.constantFrom('flip' as const, 'replace' as const),
        target: fc.constantFrom('sig' as const, 'msg' as const, 'pk' as const),
        at: fc.nat(),
        bit: fc.nat(7),
        value: fc.nat(255),
      })
    );
    fc.assert(
      fc.property(seed32, message, corruption, (seed, msg0, cor) => {
        const { pk: pk0, sig: sig0 } = signFast(seed, msg0);
        const parts = { sig: sig0, msg: Uint8Array.from(msg0), pk: pk0 };
        if (cor.kind !== 'none') {
          const target = Uint8Array.from(parts[cor.target]);
          if (target.length > 0) {
            const i = cor.at % target.length;
            target[i] = cor.kind === 'flip' ? (target[i] as number) ^ (1 << cor.bit) : cor.value;
          }
          parts[cor.target] = target;
        }
        return ledger.check(parts);
      }),
      { numRuns: 1500 }
    );
  });

  it('fully random 64-byte signatures and 32-byte keys', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        message,
        seed32,
        (sig, msg, pk) => ledger.check({ sig, msg, pk })
      ),
      { numRuns: 1000 }
    );
  });

  it('crafted: small-order and mixed-order R and A, S at and beyond L, non-canonical encodings', () => {
    const point = fc.oneof(
      fc.constantFrom(...TORSION),
      fc.constantFrom(...NON_CANONICAL),
      seed32 // random bytes: often not a point, sometimes one
    );
    const sValue = fc.oneof(
      fc.constantFrom(0n, 1n, L - 1n, L, L + 1n, (1n << 253n) - 1n, (1n << 256n) - 1n),
      fc.bigInt({ min: 0n, max: (1n << 256n) - 1n })
    );
    /** Honest-looking signature whose A and R carry torsion: ZIP-215 accepts, RFC 8032 may not. */
    const mixed = fc.record({
      kind: fc.constant('mixed' as const),
      a: fc.bigInt({ min: 1n, max: L - 1n }),
      r: fc.bigInt({ min: 1n, max: L - 1n }),
      tA: fc.nat(7),
      tR: fc.nat(7),
      msg: message,
      sPlusL: fc.boolean(),
      flipSignOfA: fc.boolean(),
    });
    const raw = fc.record({
      kind: fc.constant('raw' as const),
      R: point,
      A: point,
      s: sValue,
      msg: message,
    });
    const torsionPoint = (i: number) => ed25519.Point.fromBytes(TORSION[i] as Uint8Array, true);
    fc.assert(
      fc.property(fc.oneof(mixed, raw), (k) => {
        if (k.kind === 'raw') {
          return ledger.check({
            sig: concatBytes(k.R, scalarBytes(k.s)),
            msg: k.msg,
            pk: k.A,
          });
        }
        const A = ed25519.Point.BASE.multiply(k.a).add(torsionPoint(k.tA)).toBytes();
        const R = ed25519.Point.BASE.multiply(k.r).add(torsionPoint(k.tR)).toBytes();
        const s = (k.r + challenge(R, A, k.msg) * k.a) % L;
        const pk = Uint8Array.from(A);
        // Flipping the sign bit of A changes the key (and the challenge): usually a reject.
        if (k.flipSignOfA) pk[31] = (pk[31] as number) ^ 0x80;
        return ledger.check({
          sig: concatBytes(R, scalarBytes(k.sPlusL ? s + L : s)),
          msg: k.msg,
          pk,
        });
      }),
      { numRuns: 1000 }
    );
    // All small R with small A and S = 0: ZIP-215 accepts every combination, encodings included.
    for (const R of [...TORSION, ...NON_CANONICAL]) {
      for (const A of [...TORSION, ...NON_CANONICAL]) {
        ledger.check({ sig: concatBytes(R, scalarBytes(0n)), msg: utf8('small'), pk: A });
      }
    }
  });

  it('the cases above cover accepts and OpenSSL/ZIP-215 disagreements', () => {
    expect(ledger.cases.length).toBeGreaterThan(3500);
    expect(ledger.accepted).toBeGreaterThan(300);
    expect(ledger.opensslRejectsZip215Accepts).toBeGreaterThan(100);
  });

  it('BatchVerifier (workers) equals pure on every one of them', async () => {
    const verdicts = await batch.verify(ledger.cases.map(ed));
    expect(differences(verdicts, ledger.pure)).toEqual([]);
  });
});
