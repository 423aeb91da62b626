/**
 * Signature verification, pure path (runs in browsers and Node).
 *
 * - ed25519 with ZIP-215 semantics, the rule of `ed25519-zebra` that Substrate's `ed25519_verify`
 *   uses (w3f/polkadot-spec#537): cofactored equation, non-canonical point encodings accepted,
 *   S must be canonical (< L).
 * - sr25519 (Schnorr over Ristretto255, merlin transcripts, signing context "substrate"), the
 *   scheme of schnorrkel that Cere's DAC and inspectors use.
 *
 * Contract (noble's): well-typed input of any content never throws; a wrong length or a point that
 * does not decode is simply `false`.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import * as sr25519 from '@scure/sr25519';

export type SignatureAlgorithm = 'ed25519' | 'sr25519';

export function verifyEd25519(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array
): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: true });
  } catch {
    return false;
  }
}

export function verifySr25519(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array
): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return sr25519.verify(message, signature, publicKey);
  } catch {
    return false;
  }
}

/**
 * The signature backend a receipt check uses. The pure backend below is the reference; the Node
 * backend (`verifier/node/`) must return the same verdict on every input.
 */
export interface SignatureBackend {
  readonly name: string;
  verify(
    algorithm: SignatureAlgorithm,
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array
  ): boolean;
}

export const pureBackend: SignatureBackend = {
  name: 'pure (@noble/curves ed25519 zip215, @scure/sr25519)',
  verify(algorithm, signature, message, publicKey) {
    if (algorithm === 'ed25519') return verifyEd25519(signature, message, publicKey);
    if (algorithm === 'sr25519') return verifySr25519(signature, message, publicKey);
    return false;
  },
};
