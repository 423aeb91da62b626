/**
 * ECVRF-EDWARDS25519-SHA512-TAI, the verifiable random function of RFC 9381 (suite string 0x03).
 *
 * A VRF is a keyed hash whose output anyone can check against the public key: `prove(sk, alpha)`
 * gives a proof pi, `proofToHash(pi)` the output beta, and `verify(pk, alpha, pi)` confirms that
 * beta is the one output the key holder could have produced for alpha. The key holder cannot pick
 * among outputs, and nobody without the secret can predict beta before seeing pi.
 *
 * Keys are ed25519 keys (RFC 8032 §5.1.5): the secret scalar x is the clamped first half of
 * SHA-512(SK), and the public key is x·B encoded as in RFC 8032, so an ed25519 signing key is also
 * this suite's VRF key.
 *
 * Choices the RFC leaves to the implementation:
 * - `verify` always runs ECVRF_validate_key (RFC 9381 §5.4.5): a public key of small order (one of
 *   the 8 points whose order divides the cofactor) is rejected. With such a key every alpha would
 *   verify under a proof the key's "owner" can pick freely, the opposite of what a draw needs.
 * - Point decoding is strict RFC 8032 §5.1.3: y must be below p, and x = 0 with the sign bit set is
 *   rejected, so every point has exactly one accepted encoding (hence one accepted proof).
 * - Hostile input never throws out of `verify` or `proofToHash`: they return a reason.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes } from './bytes.ts';

type Point = InstanceType<typeof ed25519.Point>;
const Point = ed25519.Point;

/** The suite string of ECVRF-EDWARDS25519-SHA512-TAI. */
export const SUITE = 0x03;
/** Proof length: Gamma (32) ‖ c (16) ‖ s (32). */
export const PROOF_BYTES = 80;
/** Output (beta) length: one SHA-512. */
export const OUTPUT_BYTES = 64;
const C_LEN = 16;
/** The order L (RFC 9381's q) of the prime subgroup. */
const L = Point.CURVE().n;

export type VrfFailure =
  | 'BAD_KEY_LENGTH'
  | 'BAD_PROOF_LENGTH'
  | 'KEY_NOT_A_POINT'
  | 'KEY_SMALL_ORDER'
  | 'GAMMA_NOT_A_POINT'
  | 'S_NOT_CANONICAL'
  | 'CHALLENGE_MISMATCH';

/** What each failure means, for reports. */
export const VRF_FAILURES: Readonly<Record<VrfFailure, string>> = {
  BAD_KEY_LENGTH: 'the public key is not 32 bytes',
  BAD_PROOF_LENGTH: `the proof is not ${PROOF_BYTES} bytes`,
  KEY_NOT_A_POINT: 'the public key is not the canonical encoding of an edwards25519 point',
  KEY_SMALL_ORDER: 'the public key has small order (RFC 9381 §5.4.5 validate_key)',
  GAMMA_NOT_A_POINT: 'the proof’s Gamma is not the canonical encoding of an edwards25519 point',
  S_NOT_CANONICAL: 'the proof’s s is not below the group order L',
  CHALLENGE_MISMATCH: 'the proof does not verify: the recomputed challenge differs from c',
};

export type VrfVerdict =
  | { readonly ok: true; readonly beta: Uint8Array }
  | { readonly ok: false; readonly reason: VrfFailure };

function leInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

function leBytes(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** RFC 8032 §5.1.3 decoding, strict; null for anything that is not a canonical point encoding. */
function decodePoint(bytes: Uint8Array): Point | null {
  if (bytes.length !== 32) return null;
  try {
    const p = Point.fromBytes(bytes, false);
    // Belt and braces: strict decoding already rejects y ≥ p and (x = 0, sign 1); a round trip
    // proves the encoding is the one this point has.
    return equalBytes(p.toBytes(), bytes) ? p : null;
  } catch {
    return null;
  }
}

/** RFC 9381 §5.4.1.1 with interpret_hash_value_as_a_point(s) = string_to_point(s[0..32]). */
function encodeToCurve(pk: Uint8Array, alpha: Uint8Array): Point {
  // The loop ends after about two tries; ctr reaching 256 has probability about 2^-256.
  for (let ctr = 0; ctr < 256; ctr++) {
    const h = sha512(concatBytes(Uint8Array.of(SUITE, 0x01), pk, alpha, Uint8Array.of(ctr, 0x00)));
    const candidate = decodePoint(h.subarray(0, 32));
    if (!candidate) continue;
    const H = candidate.clearCofactor();
    if (!H.is0()) return H;
  }
  throw new Error('ECVRF encode_to_curve: no point after 256 tries');
}

/** RFC 9381 §5.4.3: the first 16 bytes of SHA-512 over the five points, as a little-endian integer. */
function challenge(p1: Point, p2: Point, p3: Point, p4: Point, p5: Point): bigint {
  const h = sha512(
    concatBytes(
      Uint8Array.of(SUITE, 0x02),
      p1.toBytes(),
      p2.toBytes(),
      p3.toBytes(),
      p4.toBytes(),
      p5.toBytes(),
      Uint8Array.of(0x00)
    )
  );
  return leInt(h.subarray(0, C_LEN));
}

/** RFC 8032 §5.1.5: the clamped secret scalar and the nonce prefix of a 32-byte secret key. */
function expandSecret(sk: Uint8Array): { x: bigint; prefix: Uint8Array; pk: Uint8Array } {
  if (sk.length !== 32) throw new RangeError('ECVRF: the secret key must be 32 bytes');
  const h = sha512(sk);
  const head = h.slice(0, 32);
  head[0]! &= 248;
  head[31]! &= 127;
  head[31]! |= 64;
  const x = leInt(head);
  return { x, prefix: h.slice(32, 64), pk: Point.BASE.multiply(x % L).toBytes() };
}

/** The VRF (= ed25519) public key of a 32-byte secret key. */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return expandSecret(secretKey).pk;
}

/** The intermediate values of a proof, exposed so tests can compare them with RFC 9381 Appendix B.3. */
export interface ProofTrace {
  readonly pi: Uint8Array;
  readonly H: Uint8Array;
  readonly k: bigint;
  readonly U: Uint8Array;
  readonly V: Uint8Array;
}

/** RFC 9381 §5.1 ECVRF_prove, with every intermediate value. */
export function proveTrace(secretKey: Uint8Array, alpha: Uint8Array): ProofTrace {
  const { x, prefix, pk } = expandSecret(secretKey);
  const H = encodeToCurve(pk, alpha);
  const hString = H.toBytes();
  const Gamma = H.multiply(x % L);
  // §5.4.2.2: k = SHA-512(second half of SHA-512(SK) ‖ h_string) mod L, as in RFC 8032 signing.
  const k = leInt(sha512(concatBytes(prefix, hString))) % L;
  // k = 0 has probability 2^-252; multiply() refuses 0, multiplyUnsafe() accepts it.
  const U = k === 0n ? Point.ZERO : Point.BASE.multiply(k);
  const V = k === 0n ? Point.ZERO : H.multiply(k);
  const Y = Point.fromBytes(pk);
  const c = challenge(Y, H, Gamma, U, V);
  const s = (k + c * x) % L;
  const pi = concatBytes(Gamma.toBytes(), leBytes(c, C_LEN), leBytes(s, 32));
  return { pi, H: hString, k, U: U.toBytes(), V: V.toBytes() };
}

/** RFC 9381 §5.1 ECVRF_prove: the 80-byte proof pi of `alpha` under the 32-byte secret key. */
export function prove(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  return proveTrace(secretKey, alpha).pi;
}

type Decoded =
  | { readonly ok: true; readonly gamma: Point; readonly c: bigint; readonly s: bigint }
  | { readonly ok: false; readonly reason: VrfFailure };

/** RFC 9381 §5.4.4 ECVRF_decode_proof. */
function decodeProof(pi: Uint8Array): Decoded {
  if (!(pi instanceof Uint8Array) || pi.length !== PROOF_BYTES)
    return { ok: false, reason: 'BAD_PROOF_LENGTH' };
  const gamma = decodePoint(pi.subarray(0, 32));
  if (!gamma) return { ok: false, reason: 'GAMMA_NOT_A_POINT' };
  const c = leInt(pi.subarray(32, 32 + C_LEN));
  const s = leInt(pi.subarray(32 + C_LEN, PROOF_BYTES));
  if (s >= L) return { ok: false, reason: 'S_NOT_CANONICAL' };
  return { ok: true, gamma, c, s };
}

function hashGamma(gamma: Point): Uint8Array {
  return sha512(
    concatBytes(Uint8Array.of(SUITE, 0x03), gamma.clearCofactor().toBytes(), Uint8Array.of(0x00))
  );
}

/**
 * RFC 9381 §5.2 ECVRF_proof_to_hash: beta of a proof. It does not check the proof: use it only on
 * a proof you made or one `verify` accepted (`verify` returns beta itself).
 */
export function proofToHash(
  pi: Uint8Array
): { ok: true; beta: Uint8Array } | { ok: false; reason: VrfFailure } {
  const d = decodeProof(pi);
  return d.ok ? { ok: true, beta: hashGamma(d.gamma) } : d;
}

/**
 * RFC 9381 §5.3 ECVRF_verify with validate_key = TRUE: whether pi proves `alpha` under the public
 * key, and beta if it does. Never throws.
 */
export function verify(publicKey: Uint8Array, alpha: Uint8Array, pi: Uint8Array): VrfVerdict {
  try {
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32)
      return { ok: false, reason: 'BAD_KEY_LENGTH' };
    const Y = decodePoint(publicKey);
    if (!Y) return { ok: false, reason: 'KEY_NOT_A_POINT' };
    // §5.4.5: cofactor·Y must not be the identity.
    if (Y.isSmallOrder()) return { ok: false, reason: 'KEY_SMALL_ORDER' };
    const d = decodeProof(pi);
    if (!d.ok) return d;
    const H = encodeToCurve(publicKey, alpha);
    // Variable-time multiplication is fine here: nothing secret is involved.
    const U = Point.BASE.multiplyUnsafe(d.s).subtract(Y.multiplyUnsafe(d.c));
    const V = H.multiplyUnsafe(d.s).subtract(d.gamma.multiplyUnsafe(d.c));
    if (challenge(Y, H, d.gamma, U, V) !== d.c) return { ok: false, reason: 'CHALLENGE_MISMATCH' };
    return { ok: true, beta: hashGamma(d.gamma) };
  } catch {
    // Every input is checked above; this only turns a library surprise into a refusal.
    return { ok: false, reason: 'CHALLENGE_MISMATCH' };
  }
}
