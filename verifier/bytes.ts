/**
 * Byte helpers for the verifier. Inputs from receipts are hostile: the `parse*` helpers return
 * `null` on anything malformed instead of throwing, so that callers can turn it into a reason code.
 * @module
 */

/** Nibble value of each char code, or -1. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i;
  NIBBLE[97 + i] = 10 + i;
}

/** Parses `0x`-prefixed or bare hex. Returns null on odd length, non-hex characters or wrong size. */
export function parseHex(input: unknown, expectedLength?: number): Uint8Array | null {
  if (typeof input !== 'string') return null;
  // Bound the work on attacker-controlled strings.
  if (input.length > 2 + 2 * 16 * 1024 * 1024) return null;
  const start = input.startsWith('0x') ? 2 : 0;
  const digits = input.length - start;
  if (digits % 2 !== 0) return null;
  const n = digits / 2;
  if (expectedLength !== undefined && n !== expectedLength) return null;
  const out = new Uint8Array(n);
  for (let i = 0, j = start; i < n; i++, j += 2) {
    const c1 = input.charCodeAt(j);
    const c2 = input.charCodeAt(j + 1);
    const hi = c1 < 128 ? (NIBBLE[c1] as number) : -1;
    const lo = c2 < 128 ? (NIBBLE[c2] as number) : -1;
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const HEX_CHARS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex with a `0x` prefix, the project's display form for every hash, key and signature. */
export function toHex(bytes: Uint8Array): string {
  let s = '0x';
  for (let i = 0; i < bytes.length; i++) s += HEX_CHARS[bytes[i] as number];
  return s;
}

/** Equality of two byte strings; runs over the full length to keep timing independent of content. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const encoder = new TextEncoder();
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Decodes UTF-8, returning null on invalid sequences (never substitutes U+FFFD). */
export function parseUtf8(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

/** Little-endian fixed-width encoding of an unsigned integer of `width` bytes (SCALE u8..u128). */
export function uintLE(value: bigint, width: number): Uint8Array {
  if (value < 0n || value >= 1n << BigInt(8 * width)) {
    throw new RangeError(`uintLE: value out of range for ${width} bytes`);
  }
  const out = new Uint8Array(width);
  let v = value;
  for (let i = 0; i < width; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** SCALE compact encoding of a non-negative integer. */
export function compactU(value: bigint | number): Uint8Array {
  const v = BigInt(value);
  if (v < 0n) throw new RangeError('compactU: negative');
  if (v < 1n << 6n) return Uint8Array.of(Number(v << 2n));
  if (v < 1n << 14n) return uintLE((v << 2n) | 1n, 2);
  if (v < 1n << 30n) return uintLE((v << 2n) | 2n, 4);
  let n = 0;
  let t = v;
  while (t > 0n) {
    n++;
    t >>= 8n;
  }
  if (n > 67) throw new RangeError('compactU: too large');
  return concatBytes(Uint8Array.of(((n - 4) << 2) | 3), uintLE(v, n));
}

/** Parses a non-negative decimal integer string (as JSON carries u128 amounts). Null if malformed. */
export function parseUint(input: unknown, maxBits = 128): bigint | null {
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input < 0) return null;
    return BigInt(input);
  }
  if (typeof input !== 'string' || input.length === 0 || input.length > 80) return null;
  if (!/^(0|[1-9][0-9]*)$/.test(input)) return null;
  const v = BigInt(input);
  return v < 1n << BigInt(maxBits) ? v : null;
}
