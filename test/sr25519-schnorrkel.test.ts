/**
 * Cross-implementation check of the pure sr25519 path (@scure/sr25519) against schnorrkel itself,
 * the Rust crate Substrate uses, compiled to WebAssembly in @polkadot/wasm-crypto. Signatures made
 * by either verify under the other, and both reject the same corruptions.
 *
 * The Node backend uses schnorrkel as its fast accept and the reference for every refusal
 * (verifier/node/index.ts). The crafted cases below show where the two differ (the identity as the
 * key, `s = 0`) and that the backend, inline and on a worker thread, still gives the reference's
 * verdict on each.
 */
import {
  sr25519KeypairFromSeed,
  sr25519Sign,
  sr25519Verify,
  waitReady,
} from '@polkadot/wasm-crypto';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import * as scure from '@scure/sr25519';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../verifier/bytes.ts';
import {
  BatchVerifier,
  sr25519FastReady,
  nodeBackend,
  schnorrkelAccepts,
  verifySr25519Fast,
} from '../verifier/node/index.ts';
import { verifySr25519 } from '../verifier/signatures.ts';

let batch: BatchVerifier;

beforeAll(async () => {
  await waitReady();
  expect(await sr25519FastReady()).toBe(true);
  // One worker, every batch on it: the worker's copy of the fast path (sig-worker.mjs).
  batch = new BatchVerifier({ threads: 1, inlineBelow: 1 });
});

afterAll(async () => {
  await batch.close();
});

describe('sr25519: @scure/sr25519 agrees with schnorrkel', () => {
  it('derives the same public key from a seed (mini-secret, Ed25519 expansion mode)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const kp = sr25519KeypairFromSeed(seed);
        expect(Buffer.from(scure.getPublicKey(scure.secretFromSeed(seed)))).toEqual(
          Buffer.from(kp.slice(64))
        );
      }),
      { numRuns: 50 }
    );
  });

  it('verifies in both directions, and rejects the same corruptions', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 600 }),
        fc.nat(),
        (seed, message, flip) => {
          const kp = sr25519KeypairFromSeed(seed);
          const pk = kp.slice(64);
          const bySchnorrkel = sr25519Sign(pk, kp.slice(0, 64), message);
          const byScure = scure.sign(
            scure.secretFromSeed(seed),
            message,
            new Uint8Array(32).fill(7)
          );
          expect(verifySr25519(bySchnorrkel, message, pk)).toBe(true);
          expect(sr25519Verify(byScure, message, pk)).toBe(true);
          for (const sig of [bySchnorrkel, byScure]) {
            const bad = sig.slice();
            bad[flip % 64] = (bad[flip % 64] as number) ^ (1 << (flip % 8));
            expect(verifySr25519(bad, message, pk)).toBe(sr25519Verify(bad, message, pk));
            expect(verifySr25519(bad, message, pk)).toBe(false);
          }
        }
      ),
      { numRuns: 120 }
    );
  });

  it('agrees on random garbage signatures and keys', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (sig, pk) => {
          const m = new Uint8Array([1, 2, 3]);
          let reference: boolean;
          try {
            reference = sr25519Verify(sig, m, pk);
          } catch {
            reference = false;
          }
          expect(verifySr25519(sig, m, pk)).toBe(reference);
        }
      ),
      { numRuns: 300 }
    );
  });
});

/** The scalar `s` of a signature with the marker bit set, as its 32 bytes. */
function markedScalar(n: bigint): Uint8Array {
  const b = numberToBytesLE(n, 32);
  b[31] = (b[31] as number) | 0x80;
  return b;
}

describe('sr25519: the Node backend gives the reference verdict where schnorrkel differs', () => {
  const L = ristretto255.Point.Fn.ORDER;
  const B = ristretto255.Point.BASE;
  const seed = new Uint8Array(32).fill(1);
  const pk = scure.getPublicKey(scure.secretFromSeed(seed));
  const msg = utf8('an sr25519-signed DAC record');
  const good = scure.sign(scure.secretFromSeed(seed), msg, new Uint8Array(32).fill(9));
  const goodS = (() => {
    const b = good.slice(32);
    b[31] = (b[31] as number) & 0x7f;
    return bytesToNumberLE(b);
  })();
  const identity = new Uint8Array(32);
  const with_ = (sig: Uint8Array, at: number, value: number): Uint8Array => {
    const c = sig.slice();
    c[at] = value;
    return c;
  };
  // name, signature, key, reference verdict, schnorrkel's own verdict
  const cases: Array<[string, Uint8Array, Uint8Array, boolean, boolean]> = [
    ['a valid signature', good, pk, true, true],
    // Any R = [s]B passes schnorrkel's equation under the identity, whatever the message.
    [
      'the identity as the key, R = [s]B',
      concatBytes(B.multiply(12345n).toBytes(), markedScalar(12345n)),
      identity,
      false,
      true,
    ],
    [
      'the identity as the key, R the identity, s = 0',
      concatBytes(identity, markedScalar(0n)),
      identity,
      false,
      true,
    ],
    // schnorrkel would accept s = 0 only with R = -[k]A, k hashed over R: no one can build that,
    // so no case here tells the backend's s = 0 exclusion from its absence (a byte compare).
    [
      's = 0 with a real key',
      concatBytes(good.subarray(0, 32), markedScalar(0n)),
      pk,
      false,
      false,
    ],
    [
      's + L (not reduced)',
      concatBytes(good.subarray(0, 32), markedScalar(goodS + L)),
      pk,
      false,
      false,
    ],
    ['s = L', concatBytes(good.subarray(0, 32), markedScalar(L)), pk, false, false],
    ['the marker bit cleared', with_(good, 63, (good[63] as number) & 0x7f), pk, false, false],
    ['R not a canonical encoding', with_(good, 31, (good[31] as number) | 0x80), pk, false, false],
    ['R the identity', concatBytes(identity, good.subarray(32)), pk, false, false],
    [
      'the key not a canonical encoding',
      good,
      with_(pk, 31, (pk[31] as number) | 0x80),
      false,
      false,
    ],
    ['the key the base point', good, B.toBytes(), false, false],
  ];

  it('crafted cases: the reference, schnorrkel, and the backend inline and on a worker', async () => {
    for (const [name, sig, key, reference, bySchnorrkel] of cases) {
      expect(verifySr25519(sig, msg, key), name).toBe(reference);
      expect(sr25519Verify(sig, msg, key), name).toBe(bySchnorrkel);
      // The fast accept is asked only where its accept is the reference's.
      if (schnorrkelAccepts(sig, msg, key)) expect(reference, name).toBe(true);
      expect(verifySr25519Fast(sig, msg, key), name).toBe(reference);
      expect(nodeBackend.verify('sr25519', sig, msg, key), name).toBe(reference);
    }
    const items = cases.map(([, signature, publicKey]) => ({
      algorithm: 'sr25519' as const,
      signature,
      message: msg,
      publicKey,
    }));
    expect(await batch.verify(items)).toEqual(cases.map((c) => c[3]));
  });

  it('the fast accept is in use: it accepts valid signatures by itself', () => {
    expect(schnorrkelAccepts(good, msg, pk)).toBe(true);
  });

  it('random corruptions and garbage: a fast accept is a reference accept, verdicts equal', async () => {
    const items: Array<{ sig: Uint8Array; key: Uint8Array; m: Uint8Array }> = [];
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (s, m, flip, garbage) => {
          const kp = sr25519KeypairFromSeed(s);
          const key = kp.slice(64);
          const sig = sr25519Sign(key, kp.slice(0, 64), m);
          const bad = sig.slice();
          bad[flip % 64] = (bad[flip % 64] as number) ^ (1 << (flip % 8));
          garbage[63] = (garbage[63] as number) | 0x80;
          for (const [x, k] of [
            [sig, key],
            [bad, key],
            [garbage, key],
            [sig, identity],
          ] as const) {
            const reference = verifySr25519(x, m, k);
            if (schnorrkelAccepts(x, m, k)) expect(reference).toBe(true);
            expect(verifySr25519Fast(x, m, k)).toBe(reference);
            items.push({ sig: x, key: k, m });
          }
        }
      ),
      { numRuns: 60 }
    );
    const verdicts = await batch.verify(
      items.map((i) => ({ algorithm: 'sr25519', signature: i.sig, message: i.m, publicKey: i.key }))
    );
    expect(verdicts).toEqual(items.map((i) => verifySr25519(i.sig, i.m, i.key)));
  });
});
