/**
 * BLAKE2 hashes as Substrate and Cere use them: `blake2b256` is Substrate's `blake2_256` /
 * `BlakeTwo256` (BLAKE2b with a 32-byte digest: not a truncated blake2b512, the digest length is in
 * the parameter block), `blake2s256` is the MMR merge hash of ddc-primitives `MergeMMRHash`.
 * @module
 */
import { blake2b, blake2s } from '@noble/hashes/blake2.js';

export function blake2b256(bytes: Uint8Array): Uint8Array {
  return blake2b(bytes, { dkLen: 32 });
}

export function blake2s256(bytes: Uint8Array): Uint8Array {
  return blake2s(bytes);
}

/** Substrate's `blake2_128`, used in storage keys and sub-account derivation. */
export function blake2b128(bytes: Uint8Array): Uint8Array {
  return blake2b(bytes, { dkLen: 16 });
}
