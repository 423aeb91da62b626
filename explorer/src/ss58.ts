/**
 * SS58 addresses (Substrate's account text form): `base58(prefix ‖ account ‖ checksum)`, where the
 * checksum is the first 2 bytes of blake2b-512("SS58PRE" ‖ prefix ‖ account). Cere's prefix is 54.
 * Only 32-byte accounts and prefixes below 16384 are handled (one or two prefix bytes).
 * @module
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { base58 } from '@scure/base';

export const CERE_PREFIX = 54;
const SS58PRE = new TextEncoder().encode('SS58PRE');

function prefixBytes(prefix: number): Uint8Array {
  if (prefix < 64) return Uint8Array.of(prefix);
  // Two-byte form: the 14-bit prefix split as Substrate's ss58-registry does.
  const lower = (prefix & 0b1111_1100) >> 2;
  const upper = (prefix >> 8) | ((prefix & 0b11) << 6);
  return Uint8Array.of(lower | 0b0100_0000, upper);
}

function checksum(body: Uint8Array): Uint8Array {
  const input = new Uint8Array(SS58PRE.length + body.length);
  input.set(SS58PRE);
  input.set(body, SS58PRE.length);
  return blake2b(input, { dkLen: 64 }).slice(0, 2);
}

function hexToBytes(hex: string): Uint8Array | null {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (h.length !== 64 || !/^[0-9a-fA-F]+$/.test(h)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The SS58 text of a 32-byte account given as hex; null when it is not a 32-byte hex account. */
export function encodeAddress(accountHex: string, prefix = CERE_PREFIX): string | null {
  const account = hexToBytes(accountHex);
  if (!account || prefix < 0 || prefix > 16383) return null;
  const p = prefixBytes(prefix);
  const body = new Uint8Array(p.length + 32);
  body.set(p);
  body.set(account, p.length);
  const out = new Uint8Array(body.length + 2);
  out.set(body);
  out.set(checksum(body), body.length);
  return base58.encode(out);
}

/** The 32-byte account (0x-hex) and prefix of an SS58 text; null if malformed or the checksum fails. */
export function decodeAddress(text: string): { account: string; prefix: number } | null {
  if (text.length < 40 || text.length > 60) return null;
  let raw: Uint8Array;
  try {
    raw = base58.decode(text);
  } catch {
    return null;
  }
  const twoByte = raw.length === 36;
  if (raw.length !== 35 && !twoByte) return null;
  const first = raw[0]!;
  let prefix: number;
  if (twoByte) {
    if ((first & 0b1100_0000) !== 0b0100_0000) return null;
    const second = raw[1]!;
    prefix = ((first & 0b0011_1111) << 2) | (second >> 6) | ((second & 0b0011_1111) << 8);
  } else {
    if (first >= 64) return null;
    prefix = first;
  }
  const body = raw.slice(0, raw.length - 2);
  const sum = checksum(body);
  if (sum[0] !== raw[raw.length - 2] || sum[1] !== raw[raw.length - 1]) return null;
  const account = body.slice(body.length - 32);
  let hex = '0x';
  for (const b of account) hex += b.toString(16).padStart(2, '0');
  return { account: hex, prefix };
}
