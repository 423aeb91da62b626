/** Helpers that flip single bits inside the encodings a bundle uses. */
import { parseHex, toHex } from '../../verifier/bytes.ts';
import { parseBase64url, toBase64url } from '../../verifier/encoding.ts';
import { canonicalBytes } from '../../verifier/jcs.ts';

/**
 * After a test changes a bundle's `record` object, sets `recordBytes` to the bytes of that
 * record (its JCS form, or its JSON text when JCS cannot carry it), as a bundle of such a record
 * would carry them. In place; returns the bundle.
 */
export function syncRecordBytes<T extends { record?: unknown; recordBytes?: unknown }>(b: T): T {
  let bytes: Uint8Array;
  try {
    bytes = canonicalBytes(b.record);
  } catch {
    bytes = new TextEncoder().encode(JSON.stringify(b.record));
  }
  b.recordBytes = toBase64url(bytes);
  return b;
}

export function flipHexBit(hex: string, bit: number): string {
  const b = parseHex(hex);
  if (!b || b.length === 0) throw new Error(`not hex: ${hex}`);
  const i = Math.floor(bit / 8) % b.length;
  b[i] = (b[i] as number) ^ (1 << (bit % 8));
  return toHex(b);
}

export function flipBase64Bit(text: string, bit: number): string {
  const b = parseBase64url(text);
  if (!b || b.length === 0) throw new Error('not base64url');
  const i = Math.floor(bit / 8) % b.length;
  b[i] = (b[i] as number) ^ (1 << (bit % 8));
  return toBase64url(b);
}

/** Flips one bit of a u128 decimal string, staying below 2^128. */
export function flipAmountBit(amount: string, bit: number): string {
  return (BigInt(amount) ^ (1n << BigInt(bit % 100))).toString();
}

export function flipStringBit(s: string, bit: number): string {
  const i = Math.floor(bit / 7) % s.length;
  const c = s.charCodeAt(i) ^ (1 << (bit % 7));
  return s.slice(0, i) + String.fromCharCode(c === 0 ? 1 : c) + s.slice(i + 1);
}

/** Gets and sets a value at a dotted path with [index] parts, in place. */
export function getPath(obj: unknown, path: string): unknown {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '')
    .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}

export function setPath(obj: unknown, path: string, value: unknown): void {
  const parts = path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  const last = parts.pop()!;
  const parent = parts.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
  (parent as Record<string, unknown>)[last] = value;
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
