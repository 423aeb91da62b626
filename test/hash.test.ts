/**
 * Tests of verifier/hash.ts: the hand-written BLAKE2b (`blake2b256`, `blake2b128`) and the
 * single-block BLAKE2s (`blake2s256Pair`) against @noble/hashes, on every short length, the block
 * boundaries, random and offset inputs and 1 MiB, plus vectors computed with Python's hashlib.
 */
import { blake2b, blake2s } from '@noble/hashes/blake2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex, utf8 } from '../verifier/bytes.ts';
import { blake2b128, blake2b256, blake2s256, blake2s256Pair } from '../verifier/hash.ts';

const nobleB256 = (x: Uint8Array): string => toHex(blake2b(x, { dkLen: 32 }));
const nobleB128 = (x: Uint8Array): string => toHex(blake2b(x, { dkLen: 16 }));

/** Deterministic, non-periodic-looking bytes: (i * 7 + 3) mod 256. */
function pattern(length: number, mul = 7, add = 3): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * mul + add) & 0xff);
}

describe('blake2b256 (BLAKE2b, 32-byte digest)', () => {
  it('known vectors (Python hashlib.blake2b(digest_size=32))', () => {
    expect(toHex(blake2b256(new Uint8Array(0)))).toBe(
      '0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8'
    );
    expect(toHex(blake2b256(utf8('abc')))).toBe(
      '0xbddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319'
    );
    // A full final block, one byte into a second block, two full blocks.
    expect(toHex(blake2b256(pattern(128)))).toBe(
      '0xf0501d06597880592bc49234eef100ec1ff349058d0e9d9b753504e24af86dd6'
    );
    expect(toHex(blake2b256(pattern(129)))).toBe(
      '0xa34a4e1e03c541dfbf3099c4b6c143c022ced65c28bd7e8a10e0a098461aecf0'
    );
    expect(toHex(blake2b256(pattern(256)))).toBe(
      '0xd93ebb9c802f5630ab22516fd82b6c21bc8bd551d531349b715f046ed11ed871'
    );
  });

  it('equals noble for every length 0..600', () => {
    for (let n = 0; n <= 600; n++) {
      const x = pattern(n);
      expect(toHex(blake2b256(x)), `length ${n}`).toBe(nobleB256(x));
    }
  });

  it('equals noble around block boundaries, for several byte patterns', () => {
    for (const n of [127, 128, 129, 255, 256, 257, 383, 384, 385, 1023, 1024, 1025]) {
      for (const [mul, add] of [
        [7, 3],
        [0, 0],
        [0, 0xff],
        [131, 17],
      ] as const) {
        const x = pattern(n, mul, add);
        expect(toHex(blake2b256(x)), `length ${n}, pattern ${mul}i+${add}`).toBe(nobleB256(x));
      }
    }
  });

  it('equals noble on random inputs up to 5,000 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (x) => {
        expect(toHex(blake2b256(x))).toBe(nobleB256(x));
      }),
      { numRuns: 600 }
    );
  });

  it('reads subarrays at odd byte offsets, and does not modify its input', () => {
    const backing = pattern(3000, 13, 101);
    const before = toHex(backing);
    for (const offset of [1, 3, 5, 7, 129]) {
      for (const n of [0, 1, 3, 63, 64, 127, 128, 129, 350, 1000, 1025]) {
        const view = backing.subarray(offset, offset + n);
        expect(toHex(blake2b256(view)), `offset ${offset}, length ${n}`).toBe(
          nobleB256(view.slice())
        );
      }
    }
    // A view over an ArrayBuffer region and a Node Buffer (a Uint8Array subclass).
    const region = new Uint8Array(backing.buffer, 11, 700);
    expect(toHex(blake2b256(region))).toBe(nobleB256(region.slice()));
    const buf = Buffer.from(backing.subarray(5, 405));
    expect(toHex(blake2b256(buf))).toBe(nobleB256(new Uint8Array(buf)));
    expect(toHex(backing)).toBe(before);
  });

  it('equals noble on random subarrays', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1200 }),
        fc.nat({ max: 1200 }),
        fc.nat({ max: 1200 }),
        (x, a, b) => {
          const view = x.subarray(Math.min(a, b), Math.max(a, b));
          expect(toHex(blake2b256(view))).toBe(nobleB256(view.slice()));
        }
      ),
      { numRuns: 500 }
    );
  });

  it('equals noble (and hashlib) on a 1 MiB input', () => {
    const zeros = new Uint8Array(1 << 20);
    expect(toHex(blake2b256(zeros))).toBe(
      '0xc74860dd7480e7f4b5ae705f9137e90a0aa0bc67d6e90cf8078dd6697dbdb6ad'
    );
    expect(toHex(blake2b256(zeros))).toBe(nobleB256(zeros));
    const x = pattern(1 << 20, 151, 9);
    expect(toHex(blake2b256(x))).toBe(nobleB256(x));
    const odd = pattern((1 << 20) + 3, 29, 1).subarray(3);
    expect(toHex(blake2b256(odd))).toBe(nobleB256(odd.slice()));
  });

  it('is not a truncated blake2b-512, and returns a fresh 32-byte array each call', () => {
    const x = utf8('abc');
    expect(toHex(blake2b256(x))).not.toBe(toHex(blake2b(x).subarray(0, 32)));
    const a = blake2b256(x);
    expect(a.length).toBe(32);
    a.fill(0);
    expect(toHex(blake2b256(x))).toBe(nobleB256(x));
  });

  it('rejects non-byte input as noble does', () => {
    expect(() => blake2b256('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => blake2b256([1, 2, 3] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => blake2b128(new Uint16Array(4) as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('blake2b128 (BLAKE2b, 16-byte digest)', () => {
  it('equals noble blake2b(x, { dkLen: 16 }) on lengths 0..300, boundaries and random inputs', () => {
    expect(toHex(blake2b128(utf8('abc')))).toBe('0xcf4ab791c62b8d2b2109c90275287816');
    for (let n = 0; n <= 300; n++) {
      const x = pattern(n, 11, 5);
      expect(toHex(blake2b128(x)), `length ${n}`).toBe(nobleB128(x));
    }
    for (const n of [1023, 1024, 1025, 1 << 16]) {
      const x = pattern(n);
      expect(toHex(blake2b128(x))).toBe(nobleB128(x));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (x) => {
        const h = blake2b128(x);
        expect(h.length).toBe(16);
        expect(toHex(h)).toBe(nobleB128(x));
      }),
      { numRuns: 300 }
    );
  });

  it('interleaves with blake2b256 without sharing state', () => {
    const x = pattern(300);
    const y = pattern(77, 3, 1);
    const h128 = blake2b128(x);
    const h256 = blake2b256(y);
    expect(toHex(blake2b128(x))).toBe(toHex(h128));
    expect(toHex(h256)).toBe(nobleB256(y));
    expect(toHex(h128)).toBe(nobleB128(x));
  });
});

describe('blake2s256Pair (BLAKE2s-256 of two 32-byte hashes)', () => {
  it('equals noble blake2s(left ‖ right) and blake2s256 on random pairs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (l, r) => {
          const want = toHex(blake2s(concatBytes(l, r)));
          expect(toHex(blake2s256Pair(l, r))).toBe(want);
          expect(toHex(blake2s256(concatBytes(l, r)))).toBe(want);
        }
      ),
      { numRuns: 2000 }
    );
  });

  it('known vectors (Python hashlib.blake2s), subarray inputs', () => {
    const seq = Uint8Array.from({ length: 65 }, (_, i) => (i + 255) & 0xff).subarray(1);
    expect(toHex(blake2s256Pair(seq.subarray(0, 32), seq.subarray(32)))).toBe(
      '0x56f34e8b96557e90c1f24b52d0c89d51086acf1b00f634cf1dde9233b8eaaa3e'
    );
    const ff = new Uint8Array(32).fill(0xff);
    expect(toHex(blake2s256Pair(ff, ff))).toBe(
      '0xee92d9d765aac654bc062ea8e24456bb1a73c86643bdac7ec4ff2efd81721063'
    );
  });

  it('throws RangeError unless both inputs are 32 bytes', () => {
    const h = new Uint8Array(32);
    expect(() => blake2s256Pair(h, new Uint8Array(31))).toThrow(RangeError);
    expect(() => blake2s256Pair(new Uint8Array(33), h)).toThrow(RangeError);
  });
});
