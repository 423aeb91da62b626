/**
 * Cross-implementation check of the pure sr25519 path (@scure/sr25519) against schnorrkel itself,
 * the Rust crate Substrate uses, compiled to WebAssembly in @polkadot/wasm-crypto (a test-only
 * dependency). Signatures made by either verify under the other, and both reject the same
 * corruptions.
 */
import {
  sr25519KeypairFromSeed,
  sr25519Sign,
  sr25519Verify,
  waitReady,
} from '@polkadot/wasm-crypto';
import * as scure from '@scure/sr25519';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySr25519 } from '../verifier/signatures.ts';

beforeAll(async () => {
  await waitReady();
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
