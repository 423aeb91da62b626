/**
 * Text encodings of keys and payloads as they travel in Cere's services: base64url (GAR payloads,
 * padding optional) and public keys as `0x`-hex or `ed25519:`-prefixed hex (the SCP sample's form).
 * All return null on malformed input.
 * @module
 */
import { base64urlnopad } from '@scure/base';
import { parseHex } from './bytes.ts';

/** Decodes base64url with or without `=` padding; null on any other character or bad length. */
export function parseBase64url(input: unknown, maxLength = 8 * 1024 * 1024): Uint8Array | null {
  if (typeof input !== 'string' || input.length > maxLength) return null;
  const trimmed = input.replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(trimmed)) return null;
  try {
    return base64urlnopad.decode(trimmed);
  } catch {
    return null;
  }
}

export function toBase64url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/** A 32-byte public key given as `0x…` hex, bare hex, or `ed25519:`/`sr25519:` + hex. */
export function parsePublicKey(input: unknown): Uint8Array | null {
  if (typeof input !== 'string') return null;
  // An optional algorithm prefix, then the hex (as /^(?:ed25519:|sr25519:)?(.*)$/s reads it).
  const prefixed = input.startsWith('ed25519:') || input.startsWith('sr25519:');
  return parseHex(prefixed ? input.slice(8) : input, 32);
}
