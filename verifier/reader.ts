/**
 * A walker over untrusted JSON (a parsed receipt bundle or sentinel evidence file) that records
 * every invalid field with its path and returns a harmless default, so a parser reports a malformed
 * document whole instead of one field at a time, and never throws.
 * @module
 */
import { parseHex, parseUint, toHex } from './bytes.ts';
import { isObject } from './json.ts';
import type { Source } from './lines.ts';
import type { PayoutEntry } from './payout-tree.ts';
import type { Usage } from './billing-report.ts';

const MAX_LIST = 1_000_000;
const MAX_PROOF = 64;

/** Walks untrusted JSON, recording every problem with its path. */
export class Reader {
  readonly errors: string[] = [];
  err(path: string, msg: string): void {
    if (this.errors.length < 100) this.errors.push(`${path}: ${msg}`);
  }
  obj(v: unknown, path: string): Record<string, unknown> {
    if (isObject(v)) return v;
    this.err(path, 'expected an object');
    return {};
  }
  arr(v: unknown, path: string, max = MAX_LIST): unknown[] {
    if (Array.isArray(v) && v.length <= max) return v;
    this.err(path, Array.isArray(v) ? `more than ${max} items` : 'expected an array');
    return [];
  }
  str(v: unknown, path: string, max = 4096): string {
    if (typeof v === 'string' && v.length <= max) return v;
    this.err(path, typeof v === 'string' ? `longer than ${max} characters` : 'expected a string');
    return '';
  }
  bool(v: unknown, path: string): boolean {
    if (typeof v === 'boolean') return v;
    this.err(path, 'expected true or false');
    return false;
  }
  int(v: unknown, path: string, max = 0xffffffff): number {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max) return v;
    this.err(path, `expected an integer in [0, ${max}]`);
    return 0;
  }
  hex(v: unknown, path: string, len?: number): Uint8Array {
    const b = parseHex(v, len);
    if (b) return b;
    this.err(path, len ? `expected ${len}-byte 0x-hex` : 'expected 0x-hex');
    return new Uint8Array(len ?? 0);
  }
  amount(v: unknown, path: string): bigint {
    const a = typeof v === 'string' ? parseUint(v, 128) : null;
    if (a !== null) return a;
    this.err(path, 'expected a u128 as a decimal string');
    return 0n;
  }
  source(v: unknown, path: string): Source | undefined {
    if (v === undefined) return undefined;
    const o = this.obj(v, path);
    const s: { -readonly [K in keyof Source]: Source[K] } = {};
    if (o.block !== undefined) s.block = this.int(o.block, `${path}.block`);
    if (o.blockHash !== undefined)
      s.blockHash = toHex(this.hex(o.blockHash, `${path}.blockHash`, 32));
    if (o.eventIndex !== undefined) s.eventIndex = this.int(o.eventIndex, `${path}.eventIndex`);
    if (o.extrinsic !== undefined) s.extrinsic = this.str(o.extrinsic, `${path}.extrinsic`, 200);
    if (o.url !== undefined) s.url = this.str(o.url, `${path}.url`, 2048);
    return s;
  }
  entries(v: unknown, path: string): PayoutEntry[] {
    return this.arr(v, path).map((e, i) => {
      const o = this.obj(e, `${path}[${i}]`);
      return {
        account: this.hex(o.account, `${path}[${i}].account`, 32),
        amount: this.amount(o.amount, `${path}[${i}].amount`),
      };
    });
  }
  /** An unsigned integer of `bits` bits as a decimal string. */
  uint(v: unknown, path: string, bits: number): bigint {
    const a = typeof v === 'string' ? parseUint(v, bits) : null;
    if (a !== null) return a;
    this.err(path, `expected a u${bits} as a decimal string`);
    return 0n;
  }
  /** An i64 as a decimal string (a leading minus allowed). */
  i64(v: unknown, path: string): bigint {
    if (typeof v === 'string' && /^-?(0|[1-9][0-9]{0,18})$/.test(v)) {
      const n = BigInt(v);
      if (n >= -(1n << 63n) && n < 1n << 63n) return n;
    }
    this.err(path, 'expected an i64 as a decimal string');
    return 0n;
  }
  /** Cere's `BucketUsage` / `NodeUsage`: u64 counts and an i64 stored-bytes figure. */
  usage(v: unknown, path: string): Usage {
    const o = this.obj(v, path);
    return {
      transferredBytes: this.uint(o.transferredBytes, `${path}.transferredBytes`, 64),
      storedBytes: this.i64(o.storedBytes, `${path}.storedBytes`),
      numberOfPuts: this.uint(o.numberOfPuts, `${path}.numberOfPuts`, 64),
      numberOfGets: this.uint(o.numberOfGets, `${path}.numberOfGets`, 64),
    };
  }
  proof(v: unknown, path: string): Uint8Array[] {
    return this.arr(v, path, MAX_PROOF).map((p, i) => this.hex(p, `${path}[${i}]`, 32));
  }
}
