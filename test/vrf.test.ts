/**
 * ECVRF-EDWARDS25519-SHA512-TAI against RFC 9381 Appendix B.3 (vectors from the CFRG draft text,
 * test/vectors/rfc9381/), and every way verify must refuse a proof.
 */
import { readFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { parseHex, toHex } from '../verifier/bytes.ts';
import {
  PROOF_BYTES,
  proofToHash,
  prove,
  proveTrace,
  publicKeyOf,
  verify,
} from '../verifier/vrf.ts';

interface Vector {
  example: number;
  sk: string;
  pk: string;
  alpha: string;
  x: string;
  ctr: number;
  h: string;
  kString: string;
  k: string;
  u: string;
  v: string;
  pi: string;
  beta: string;
}
const doc = JSON.parse(
  readFileSync(new URL('./vectors/rfc9381/edwards25519-sha512-tai.json', import.meta.url), 'utf8')
) as { vectors: Vector[] };
const hex = (s: string): Uint8Array => parseHex(`0x${s}`)!;
const le = (b: Uint8Array): bigint => {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
};
const L = ed25519.Point.CURVE().n;
const flip = (b: Uint8Array, i: number, bit = 1): Uint8Array => {
  const c = Uint8Array.from(b);
  c[i]! ^= bit;
  return c;
};

describe('RFC 9381 Appendix B.3 vectors', () => {
  it('has the three examples of the suite', () => {
    expect(doc.vectors.map((v) => v.example)).toEqual([16, 17, 18]);
  });

  for (const v of doc.vectors) {
    describe(`Example ${v.example}`, () => {
      const sk = hex(v.sk);
      const pk = hex(v.pk);
      const alpha = hex(v.alpha);

      it('the VRF public key is the ed25519 public key of the same secret', () => {
        expect(toHex(publicKeyOf(sk))).toBe(`0x${v.pk}`);
        expect(toHex(ed25519.getPublicKey(sk))).toBe(`0x${v.pk}`);
      });

      it('prove gives exactly H, k, U, V, pi', () => {
        const t = proveTrace(sk, alpha);
        expect(toHex(t.H)).toBe(`0x${v.h}`);
        expect(t.k).toBe(le(hex(v.k)));
        expect(t.k).toBe(le(hex(v.kString)) % L);
        expect(toHex(t.U)).toBe(`0x${v.u}`);
        expect(toHex(t.V)).toBe(`0x${v.v}`);
        expect(toHex(prove(sk, alpha))).toBe(`0x${v.pi}`);
      });

      it('proofToHash gives beta, and verify accepts with the same beta', () => {
        const ph = proofToHash(hex(v.pi));
        expect(ph.ok && toHex(ph.beta)).toBe(`0x${v.beta}`);
        const r = verify(pk, alpha, hex(v.pi));
        expect(r.ok).toBe(true);
        expect(r.ok && toHex(r.beta)).toBe(`0x${v.beta}`);
      });

      const pi = hex(v.pi);
      it('an altered Gamma fails', () => {
        // Flipping a low bit of y gives either no point or another point: never the proof.
        const r = verify(pk, alpha, flip(pi, 0));
        expect(r.ok).toBe(false);
        expect(['GAMMA_NOT_A_POINT', 'CHALLENGE_MISMATCH']).toContain(!r.ok && r.reason);
      });
      it('an altered c fails', () => {
        expect(verify(pk, alpha, flip(pi, 32))).toEqual({
          ok: false,
          reason: 'CHALLENGE_MISMATCH',
        });
        expect(verify(pk, alpha, flip(pi, 47, 0x80))).toEqual({
          ok: false,
          reason: 'CHALLENGE_MISMATCH',
        });
      });
      it('an altered s fails', () => {
        expect(verify(pk, alpha, flip(pi, 48))).toEqual({
          ok: false,
          reason: 'CHALLENGE_MISMATCH',
        });
      });
      it('another alpha fails', () => {
        expect(verify(pk, Uint8Array.of(...alpha, 0), pi)).toEqual({
          ok: false,
          reason: 'CHALLENGE_MISMATCH',
        });
      });
      it('another public key fails', () => {
        const other = doc.vectors.find((w) => w.example !== v.example)!;
        expect(verify(hex(other.pk), alpha, pi)).toEqual({
          ok: false,
          reason: 'CHALLENGE_MISMATCH',
        });
      });
      it('s + L (the same s mod L, not canonical) is refused', () => {
        const s = le(pi.subarray(48));
        const big = s + L; // < 2^256 since s < L < 2^253
        const bytes = Uint8Array.from(pi);
        for (let i = 0, x = big; i < 32; i++, x >>= 8n) bytes[48 + i] = Number(x & 0xffn);
        expect(verify(pk, alpha, bytes)).toEqual({ ok: false, reason: 'S_NOT_CANONICAL' });
      });
    });
  }
});

describe('verify refuses hostile input with a reason, never a throw', () => {
  const v = doc.vectors[0]!;
  const pk = hex(v.pk);
  const alpha = hex(v.alpha);
  const pi = hex(v.pi);

  it('a Gamma that is no point', () => {
    // y = 2 is not the y of any edwards25519 point (x² = (y²−1)/(dy²+1) is not a square).
    const bad = Uint8Array.from(pi);
    bad.set(new Uint8Array(32), 0);
    bad[0] = 2;
    expect(verify(pk, alpha, bad)).toEqual({ ok: false, reason: 'GAMMA_NOT_A_POINT' });
  });

  it('a non-canonical Gamma (y ≥ p) and x = 0 with the sign bit', () => {
    // y = p + 1 encodes the identity's y non-canonically.
    const p = 2n ** 255n - 19n;
    const enc = (y: bigint, sign = 0): Uint8Array => {
      const b = new Uint8Array(32);
      for (let i = 0; i < 32; i++, y >>= 8n) b[i] = Number(y & 0xffn);
      b[31]! |= sign << 7;
      return b;
    };
    for (const g of [enc(p + 1n), enc(1n, 1)]) {
      const bad = Uint8Array.from(pi);
      bad.set(g, 0);
      expect(verify(pk, alpha, bad)).toEqual({ ok: false, reason: 'GAMMA_NOT_A_POINT' });
    }
  });

  it('small-order public keys (all eight points) are refused by validate_key', () => {
    const torsion = [
      '0100000000000000000000000000000000000000000000000000000000000000', // identity
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2
      '0000000000000000000000000000000000000000000000000000000000000000', // order 4
      '0000000000000000000000000000000000000000000000000000000000000080', // order 4, x = 0? refused
      '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
      '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
    ];
    for (const t of torsion) {
      const r = verify(hex(t), alpha, pi);
      expect(r.ok).toBe(false);
      expect(['KEY_SMALL_ORDER', 'KEY_NOT_A_POINT']).toContain(!r.ok && r.reason);
    }
    expect(verify(hex(torsion[0]!), alpha, pi)).toEqual({ ok: false, reason: 'KEY_SMALL_ORDER' });
    expect(verify(hex(torsion[4]!), alpha, pi)).toEqual({ ok: false, reason: 'KEY_SMALL_ORDER' });
  });

  it('a small-order key with a proof forged for it is still refused', () => {
    // With Y = identity, c·Y vanishes: Gamma = identity and s = 0 satisfy U = 0, V = 0 for any c
    // the attacker computes. validate_key is what stops it.
    const Y = hex('0100000000000000000000000000000000000000000000000000000000000000');
    const r = verify(Y, alpha, new Uint8Array(PROOF_BYTES));
    expect(r).toEqual({ ok: false, reason: 'KEY_SMALL_ORDER' });
  });

  it('a public key that is no point', () => {
    const bad = new Uint8Array(32);
    bad[0] = 2;
    expect(verify(bad, alpha, pi)).toEqual({ ok: false, reason: 'KEY_NOT_A_POINT' });
  });

  it('wrong lengths', () => {
    expect(verify(pk.subarray(0, 31), alpha, pi)).toEqual({
      ok: false,
      reason: 'BAD_KEY_LENGTH',
    });
    expect(verify(pk, alpha, pi.subarray(0, 79))).toEqual({
      ok: false,
      reason: 'BAD_PROOF_LENGTH',
    });
    expect(verify(pk, alpha, Uint8Array.of(...pi, 0))).toEqual({
      ok: false,
      reason: 'BAD_PROOF_LENGTH',
    });
    expect(proofToHash(new Uint8Array(3))).toEqual({ ok: false, reason: 'BAD_PROOF_LENGTH' });
    expect(verify('junk' as unknown as Uint8Array, alpha, pi).ok).toBe(false);
    expect(verify(pk, alpha, null as unknown as Uint8Array).ok).toBe(false);
  });

  it('prove and verify agree on fresh keys and inputs', () => {
    for (let i = 0; i < 8; i++) {
      const sk = ed25519.utils.randomSecretKey();
      const a = Uint8Array.of(i, 1, 2, 3);
      const proof = prove(sk, a);
      const r = verify(ed25519.getPublicKey(sk), a, proof);
      expect(r.ok).toBe(true);
      const h = proofToHash(proof);
      expect(r.ok && h.ok && toHex(r.beta)).toBe(h.ok && toHex(h.beta));
    }
  });
});
