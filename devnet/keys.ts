/**
 * Deterministic test identities: every key of a scenario derives from (seed, name), so a scenario
 * is reproducible byte for byte. Never use these keys for anything real.
 */
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import * as sr25519 from '@scure/sr25519';
import { utf8 } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import type { SignatureAlgorithm } from '../verifier/signatures.ts';

export interface Identity {
  readonly name: string;
  readonly algorithm: SignatureAlgorithm;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** DER prefix of a PKCS#8 Ed25519 private key (RFC 8410); the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function seedBytes(seed: string, name: string): Uint8Array {
  return blake2b256(utf8(`proofroom/devnet/${seed}/${name}`));
}

export function identity(
  seed: string,
  name: string,
  algorithm: SignatureAlgorithm = 'ed25519'
): Identity {
  const s = seedBytes(seed, name);
  if (algorithm === 'ed25519') {
    // Ed25519 signatures are deterministic: OpenSSL gives the same bytes as noble, ~10x faster.
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, s]),
      format: 'der',
      type: 'pkcs8',
    });
    return {
      name,
      algorithm,
      publicKey: ed25519.getPublicKey(s),
      sign: (m) => new Uint8Array(nodeSign(null, m, key)),
    };
  }
  const secret = sr25519.secretFromSeed(s);
  // sr25519 signing is randomised; derive the nonce input from the message to stay reproducible.
  return {
    name,
    algorithm,
    publicKey: sr25519.getPublicKey(secret),
    sign: (m) => sr25519.sign(secret, m, blake2b256(new Uint8Array([...s, ...m]))),
  };
}

/** A 32-byte account id (not a signing key) derived from (seed, name). */
export function account(seed: string, name: string): Uint8Array {
  return seedBytes(seed, `account/${name}`);
}
