/**
 * SCALE decoding of `System.Events` and extrinsics with runtime type information PINNED in the
 * verifier: the type tables of `verifier/runtimes/generated.ts`, generated from each runtime's v14
 * metadata by `scripts/pin-runtimes.ts` (docs/pinned-runtimes.md describes the table format). The
 * decoder never takes type information from its input: a caller names a runtime by spec name and
 * version (`pinnedRuntime`), and bytes of any other runtime fail to decode or decode as that one.
 *
 * Value model (what a SCALE value decodes to):
 * - integers of every width, signed or not, fixed or `Compact<…>`: `bigint`;
 * - `bool`: `boolean`; `str`: `string` (strict UTF-8); `char`: a one-code-point `string`;
 * - byte strings `Vec<u8>` and `[u8; N]`: lower-case `0x` hex (so are composites that wrap exactly
 *   one such field, like `AccountId32` or `H256`, by the next rule);
 * - composites: with named fields a plain object keyed by field name (snake_case, as in metadata);
 *   with one unnamed field the inner value; with several unnamed fields an array; with none `null`;
 * - tuples: arrays (the empty tuple `()` is `null`); sequences and other arrays: arrays;
 * - variants (enums, `Option`, `Result`): `{ variant, value }` where `value` follows the composite
 *   rule for the variant's fields (object, inner value, array or `null`), e.g. `Option::None` is
 *   `{ variant: 'None', value: null }`;
 * - `BitSequence`: `{ bits, bytes }`, the bit count (`bigint`) and the bit store's bytes as hex.
 *
 * Events carry their arguments as an object of named fields or an array of unnamed ones
 * (`DecodedEvent.args`), calls as an object of named fields.
 *
 * Hostile input never throws: every failure is a `Parsed` rejection with a reason code
 * (`BAD_ENCODING` for bytes that are not a value of the type, `TOO_LARGE` past the size or work
 * bounds, `UNSUPPORTED_VERSION` for an extrinsic version other than 4 or a runtime that is not
 * pinned, `UNSUPPORTED_KIND` for a type the table cannot decode) and facts (`offset`, `type`,
 * `reason`, the event index). Decoding is strict as parity-scale-codec's: compact integers must
 * use their shortest mode, booleans are 0 or 1, strings valid UTF-8, and a whole value must use
 * all of its bytes. Work is bounded: input size, nesting depth, a sequence's length by the bytes
 * left, and the number of values decoded by the input size.
 * @module
 */
import { parseUtf8, toHex } from './bytes.ts';
import { type Facts, type Parsed, type ReasonCode, parsed, rejected } from './lines.ts';
import { PINNED_TABLES } from './runtimes/generated.ts';

// ---------------------------------------------------------------------------------------------
// Tables and values
// ---------------------------------------------------------------------------------------------

/**
 * One runtime's pinned type table, as `verifier/runtimes/generated.ts` stores it. `types` holds one
 * JSON type definition per line; the definition on line i (counting from 0, after the leading
 * newline) is type i. Definitions (docs/pinned-runtimes.md):
 *
 *   "u8" … "u256", "i8" … "i256", "bool", "char", "str"   primitives
 *   ["C", name, [types], [fieldNames]?]                     composite (names absent: unnamed)
 *   ["V", name, [[index, name, [types], [fieldNames]?] | [index, name, null], …]]
 *                                                            variant; `null` fields: not pinned
 *   ["S", type]   sequence      ["A", len, type]   array      ["T", [types]]   tuple
 *   ["K", type]   compact       ["B", storeType, "Lsb0" | "Msb0"]   bit sequence
 */
export interface PinnedTable {
  readonly specName: string;
  readonly specVersion: number;
  /** blake2b-256 of the metadata bytes (`state_getMetadata`) the table was generated from. */
  readonly metadataHash: string;
  /** `Vec<EventRecord>`, the value of `System.Events`. */
  readonly events: number;
  /** The extrinsic's `Address`, `Signature`, signed extensions' `Extra` (a tuple) and `Call`. */
  readonly address: number;
  readonly signature: number;
  readonly extra: number;
  /** The outer call enum; variants of pallets whose calls are not pinned have `null` fields. */
  readonly call: number;
  /** The signed extensions' identifiers, in the order of the `extra` tuple. */
  readonly signedExtensions: readonly string[];
  readonly types: string;
}

/** A runtime whose types the verifier pins; obtain one with `pinnedRuntime`. */
export interface PinnedRuntime {
  readonly specName: string;
  readonly specVersion: number;
  /** `0x` hex blake2b-256 of the runtime's full metadata bytes. */
  readonly metadataHash: string;
  readonly signedExtensions: readonly string[];
}

/** A decoded SCALE value (see the module comment for the model). */
export type ScaleValue =
  bigint | boolean | string | null | readonly ScaleValue[] | ScaleVariant | ScaleObject;
export interface ScaleVariant {
  readonly variant: string;
  readonly value: ScaleValue;
}
export interface ScaleObject {
  readonly [field: string]: ScaleValue;
}

export type EventPhase =
  | { readonly kind: 'ApplyExtrinsic'; readonly extrinsic: number }
  | { readonly kind: 'Finalization' }
  | { readonly kind: 'Initialization' };

export interface DecodedEvent {
  /** Position in `System.Events`. */
  readonly index: number;
  readonly phase: EventPhase;
  readonly pallet: string;
  readonly name: string;
  /** Named fields as an object; unnamed fields (or none) as an array. */
  readonly args: ScaleObject | readonly ScaleValue[];
  /** `0x` hex of each topic (32-byte hashes). */
  readonly topics: readonly string[];
}

export type DecodedCall =
  | { readonly pallet: string; readonly name: string; readonly args: ScaleObject }
  | {
      /** A call of a pallet whose calls the table does not pin; its arguments are not decoded. */
      readonly unsupported: true;
      readonly pallet: string;
      readonly palletIndex: number;
      readonly callIndex: number;
    };

export interface DecodedExtrinsic {
  readonly signed: boolean;
  /** `0x` hex of the 32-byte account id of a signed extrinsic's `MultiAddress::Id`, else null. */
  readonly signer: string | null;
  readonly call: DecodedCall;
}

/** Largest `System.Events` value or extrinsic accepted (Substrate blocks are a few MB). */
export const MAX_SCALE_BYTES = 16 * 1024 * 1024;
/** Deepest nesting of values. */
export const MAX_SCALE_DEPTH = 64;
/** `LastRuntimeUpgrade` is a spec version and a name: a few bytes. */
const MAX_UPGRADE_BYTES = 4096;

// ---------------------------------------------------------------------------------------------
// Compiled tables
// ---------------------------------------------------------------------------------------------

const INT = 0;
const BOOL = 1;
const STR = 2;
const CHAR = 3;
const COMP = 4;
const VAR = 5;
const SEQ = 6;
const ARR = 7;
const TUP = 8;
const COMPACT = 9;
const BITS = 10;
/** A type the decoder cannot decode (e.g. a compact of a non-integer); fails when met. */
const BAD = 11;

interface VariantNode {
  readonly name: string;
  /** Field types; null when the variant's fields are not pinned (a pruned pallet's calls). */
  readonly ts: readonly number[] | null;
  readonly names: readonly string[] | null;
}

interface TypeNode {
  kind: number;
  /** For facts: the path's last segment, or the kind. */
  name: string;
  /** INT: bytes; COMPACT: bytes of the integer (0 for a unit); BITS: store bytes; ARR: length. */
  width: number;
  signed: boolean;
  /** SEQ, ARR, COMPACT: the element / inner type. */
  t: number;
  /** COMP fields, TUP items. */
  ts: readonly number[];
  names: readonly string[] | null;
  /** VAR: variants by index byte. */
  variants: ReadonlyArray<VariantNode | undefined>;
  /** SEQ, ARR of u8: decoded as hex. */
  bytes: boolean;
  /** Fewest bytes a value of the type takes (a lower bound). */
  min: number;
}

interface Compiled {
  readonly types: readonly TypeNode[];
  readonly events: number;
  readonly phase: number;
  readonly event: number;
  readonly topics: number;
  readonly address: number;
  readonly signature: number;
  readonly extra: number;
  readonly call: number;
}

const INT_WIDTH: Readonly<Record<string, [number, boolean]>> = {
  u8: [1, false],
  u16: [2, false],
  u32: [4, false],
  u64: [8, false],
  u128: [16, false],
  u256: [32, false],
  i8: [1, true],
  i16: [2, true],
  i32: [4, true],
  i64: [8, true],
  i128: [16, true],
  i256: [32, true],
};

function node(kind: number, name: string): TypeNode {
  return {
    kind,
    name,
    width: 0,
    signed: false,
    t: -1,
    ts: [],
    names: null,
    variants: [],
    bytes: false,
    min: 0,
  };
}

function tableError(table: PinnedTable, id: number, why: string): Error {
  return new Error(`pinned table ${table.specName}@${table.specVersion}: type ${id}: ${why}`);
}

const isId = (x: unknown, n: number): x is number =>
  typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < n;
const isIds = (x: unknown, n: number): x is number[] =>
  Array.isArray(x) && x.every((t) => isId(t, n));
const isNames = (x: unknown, len: number): x is string[] =>
  Array.isArray(x) && x.length === len && x.every((s) => typeof s === 'string');

/**
 * Parses and checks a table (the verifier's own data: a malformed table is a bug and throws) into
 * decoding nodes.
 */
function compileTable(table: PinnedTable): Compiled {
  const lines = table.types.split('\n').filter((l) => l.length > 0);
  const n = lines.length;
  const defs: unknown[] = lines.map((l) => JSON.parse(l) as unknown);
  const types: TypeNode[] = defs.map((d, id) => {
    if (typeof d === 'string') {
      const int = INT_WIDTH[d];
      if (int !== undefined) {
        const x = node(INT, d);
        x.width = int[0];
        x.signed = int[1];
        return x;
      }
      if (d === 'bool') return node(BOOL, d);
      if (d === 'str') return node(STR, d);
      if (d === 'char') return node(CHAR, d);
      throw tableError(table, id, `unknown primitive ${d}`);
    }
    if (!Array.isArray(d)) throw tableError(table, id, 'not a definition');
    const [tag, a, b, c] = d as unknown[];
    switch (tag) {
      case 'C': {
        if (typeof a !== 'string' || !isIds(b, n)) throw tableError(table, id, 'bad composite');
        const x = node(COMP, a || 'composite');
        x.ts = b;
        if (c !== undefined) {
          if (!isNames(c, b.length)) throw tableError(table, id, 'bad field names');
          x.names = c;
        }
        return x;
      }
      case 'V': {
        if (typeof a !== 'string' || !Array.isArray(b)) throw tableError(table, id, 'bad variant');
        const x = node(VAR, a || 'variant');
        const byIndex: Array<VariantNode | undefined> = new Array<VariantNode | undefined>(256);
        for (const v of b as unknown[]) {
          if (!Array.isArray(v)) throw tableError(table, id, 'bad variant entry');
          const [index, name, ts, names] = v as unknown[];
          if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 255)
            throw tableError(table, id, 'bad variant index');
          if (typeof name !== 'string') throw tableError(table, id, 'bad variant name');
          if (byIndex[index] !== undefined) throw tableError(table, id, 'duplicate variant index');
          if (ts === null) {
            byIndex[index] = { name, ts: null, names: null };
            continue;
          }
          if (!isIds(ts, n)) throw tableError(table, id, 'bad variant fields');
          if (names !== undefined && !isNames(names, ts.length))
            throw tableError(table, id, 'bad variant field names');
          byIndex[index] = { name, ts, names: names === undefined ? null : names };
        }
        x.variants = byIndex;
        return x;
      }
      case 'S':
      case 'K': {
        if (!isId(a, n)) throw tableError(table, id, 'bad inner type');
        const x = node(tag === 'S' ? SEQ : COMPACT, tag === 'S' ? 'Vec' : 'Compact');
        x.t = a;
        return x;
      }
      case 'A': {
        if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || !isId(b, n))
          throw tableError(table, id, 'bad array');
        const x = node(ARR, `[;${a}]`);
        x.width = a;
        x.t = b;
        return x;
      }
      case 'T': {
        if (!isIds(a, n)) throw tableError(table, id, 'bad tuple');
        const x = node(TUP, 'tuple');
        x.ts = a;
        return x;
      }
      case 'B': {
        if (!isId(a, n) || (b !== 'Lsb0' && b !== 'Msb0')) throw tableError(table, id, 'bad bits');
        const x = node(BITS, `BitVec<${b}>`);
        x.t = a;
        return x;
      }
      default:
        throw tableError(table, id, `unknown tag ${String(tag)}`);
    }
  });

  // Second pass: byte sequences, compact and bit-store widths.
  const isU8 = (t: number): boolean => {
    const x = types[t] as TypeNode;
    return x.kind === INT && x.width === 1 && !x.signed;
  };
  /** The integer a compact encodes: through single-field composites; 0 for a unit. */
  const compactWidth = (t: number): number | null => {
    for (let hops = 0; hops < 16; hops++) {
      const x = types[t] as TypeNode;
      if (x.kind === INT) return x.signed ? null : x.width;
      if ((x.kind === COMP || x.kind === TUP) && x.ts.length === 0) return 0;
      if (x.kind === COMP && x.ts.length === 1) {
        t = x.ts[0] as number;
        continue;
      }
      return null;
    }
    return null;
  };
  for (const x of types) {
    if (x.kind === SEQ || x.kind === ARR) x.bytes = isU8(x.t);
    else if (x.kind === COMPACT) {
      const w = compactWidth(x.t);
      if (w === null) x.kind = BAD;
      else x.width = w;
    } else if (x.kind === BITS) {
      const s = types[x.t] as TypeNode;
      if (s.kind !== INT || s.signed || s.width > 8) x.kind = BAD;
      else x.width = s.width;
    }
  }
  computeMinSizes(types);

  // The roots and the layout of frame_system::EventRecord { phase, event, topics }.
  const root = (id: unknown, what: string): number => {
    if (!isId(id, n)) throw tableError(table, -1, `bad root ${what}`);
    return id;
  };
  const events = root(table.events, 'events');
  const vec = types[events] as TypeNode;
  const record = types[vec.t] as TypeNode | undefined;
  if (
    vec.kind !== SEQ ||
    record === undefined ||
    record.kind !== COMP ||
    record.names?.join() !== 'phase,event,topics'
  ) {
    throw tableError(table, events, 'events is not Vec<EventRecord { phase, event, topics }>');
  }
  const [phase, event, topics] = record.ts as [number, number, number];
  const phaseNode = types[phase] as TypeNode;
  const phaseNames = phaseNode.variants.map((v) => v?.name).filter((v) => v !== undefined);
  if (phaseNode.kind !== VAR || phaseNames.join() !== 'ApplyExtrinsic,Finalization,Initialization')
    throw tableError(table, phase, 'unexpected Phase');
  assertOuterEnum(table, types, event);
  const call = root(table.call, 'call');
  assertOuterEnum(table, types, call);
  return {
    types,
    events,
    phase,
    event,
    topics,
    address: root(table.address, 'address'),
    signature: root(table.signature, 'signature'),
    extra: root(table.extra, 'extra'),
    call,
  };
}

/** RuntimeEvent / RuntimeCall: every (pinned) variant wraps one pallet enum. */
function assertOuterEnum(table: PinnedTable, types: readonly TypeNode[], id: number): void {
  const x = types[id] as TypeNode;
  if (x.kind !== VAR) throw tableError(table, id, 'outer enum is not a variant');
  for (const v of x.variants) {
    if (v === undefined || v.ts === null) continue;
    if (v.ts.length !== 1 || (types[v.ts[0] as number] as TypeNode).kind !== VAR)
      throw tableError(table, id, `outer variant ${v.name} does not wrap a pallet enum`);
  }
}

/** Least fixpoint of the fewest bytes each type takes, from 0 up (a lower bound if cut short). */
function computeMinSizes(types: TypeNode[]): void {
  const CAP = 1 << 24;
  const sum = (ts: readonly number[]): number =>
    ts.reduce((s, t) => Math.min(CAP, s + (types[t] as TypeNode).min), 0);
  for (let round = 0; round < 64; round++) {
    let changed = false;
    for (const x of types) {
      let m: number;
      switch (x.kind) {
        case INT:
          m = x.width;
          break;
        case BOOL:
        case STR:
        case SEQ:
        case BITS:
          m = 1;
          break;
        case CHAR:
          m = 4;
          break;
        case COMPACT:
          m = x.width === 0 ? 0 : 1;
          break;
        case COMP:
        case TUP:
          m = sum(x.ts);
          break;
        case VAR: {
          m = CAP;
          for (const v of x.variants) if (v !== undefined) m = Math.min(m, v.ts ? sum(v.ts) : 1);
          m = Math.min(CAP, m + 1);
          break;
        }
        case ARR:
          m = Math.min(CAP, x.width * (types[x.t] as TypeNode).min);
          break;
        default:
          m = 0;
      }
      if (m > x.min) {
        x.min = m;
        changed = true;
      }
    }
    if (!changed) break;
  }
}

// ---------------------------------------------------------------------------------------------
// Pinned runtimes
// ---------------------------------------------------------------------------------------------

const tables = new WeakMap<PinnedRuntime, PinnedTable>();
const compiledCache = new WeakMap<PinnedRuntime, Compiled>();

function register(table: PinnedTable): PinnedRuntime {
  const rt: PinnedRuntime = Object.freeze({
    specName: table.specName,
    specVersion: table.specVersion,
    metadataHash: table.metadataHash,
    signedExtensions: Object.freeze([...table.signedExtensions]),
  });
  tables.set(rt, table);
  return rt;
}

/** Every runtime the verifier pins, in the order of `verifier/runtimes/generated.ts`. */
export const PINNED_RUNTIMES: readonly PinnedRuntime[] = Object.freeze(PINNED_TABLES.map(register));

/** The pinned runtime of this spec name and version, or undefined. */
export function pinnedRuntime(specName: string, specVersion: number): PinnedRuntime | undefined {
  return PINNED_RUNTIMES.find((r) => r.specName === specName && r.specVersion === specVersion);
}

/**
 * A runtime over a table that is not in `verifier/runtimes/generated.ts`. For tests and tools
 * that check tables; the verifier itself only decodes with `PINNED_RUNTIMES`.
 * @internal
 */
export function runtimeOfTable(table: PinnedTable): PinnedRuntime {
  return register(table);
}

function compiledOf(rt: PinnedRuntime): Compiled | null {
  let c = compiledCache.get(rt);
  if (c !== undefined) return c;
  const table = tables.get(rt);
  if (table === undefined) return null;
  c = compileTable(table);
  compiledCache.set(rt, c);
  return c;
}

// ---------------------------------------------------------------------------------------------
// The decoder
// ---------------------------------------------------------------------------------------------

/** Thrown inside the decoder only, caught at its entry points. */
class Fail {
  constructor(
    readonly code: ReasonCode,
    readonly reason: string,
    readonly offset: number,
    readonly type: string | null
  ) {}
}

class Cursor {
  o = 0;
  budget: number;
  constructor(
    readonly b: Uint8Array,
    readonly types: readonly TypeNode[]
  ) {
    // Every value decoded costs one unit: input-proportional work, however many unit values
    // (zero-sized elements) a sequence claims.
    this.budget = 16 * b.length + 65_536;
  }
  fail(reason: string, type: TypeNode | null = null, code: ReasonCode = 'BAD_ENCODING'): Fail {
    return new Fail(code, reason, this.o, type === null ? null : type.name);
  }
  need(n: number, type: TypeNode | null): void {
    if (n > this.b.length - this.o) throw this.fail('truncated', type);
  }
  u8(type: TypeNode | null): number {
    if (this.o >= this.b.length) throw this.fail('truncated', type);
    return this.b[this.o++] as number;
  }
  u32(type: TypeNode | null): number {
    this.need(4, type);
    const b = this.b;
    const o = this.o;
    this.o += 4;
    return (
      ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16)) +
      (b[o + 3] as number) * 0x1000000
    );
  }
  take(n: number, type: TypeNode | null): Uint8Array {
    this.need(n, type);
    const out = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return out;
  }
  /** Little-endian integer of `width` bytes. */
  int(width: number, signed: boolean, type: TypeNode | null): bigint {
    this.need(width, type);
    const b = this.b;
    const o = this.o;
    this.o += width;
    let v: bigint;
    if (width <= 4) {
      let x = 0;
      for (let i = width - 1; i >= 0; i--) x = x * 256 + (b[o + i] as number);
      v = BigInt(x);
    } else {
      let hex = '0x';
      for (let i = width - 1; i >= 0; i--) hex += HEX[b[o + i] as number];
      v = BigInt(hex);
    }
    if (signed && ((b[o + width - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * width);
    return v;
  }
  /**
   * `Compact<uN>` (N = 8 × `width`) as parity-scale-codec decodes it: the shortest mode only, the
   * value within the type's range, the big-integer mode with no more bytes than the type has and
   * a non-zero top byte (at least 2^30 with 4 bytes).
   */
  compact(width: number, type: TypeNode | null): bigint {
    const start = this.o;
    const b0 = this.u8(type);
    let v: number;
    switch (b0 & 3) {
      case 0:
        v = b0 >>> 2;
        break;
      case 1:
        v = (b0 | (this.u8(type) << 8)) >>> 2;
        if (v <= 0x3f) throw this.nonCanonical(start, type);
        break;
      case 2:
        this.o = start;
        v = Math.floor(this.u32(type) / 4);
        if (v <= 0x3fff) throw this.nonCanonical(start, type);
        break;
      default: {
        const n = (b0 >>> 2) + 4;
        if (n > width) throw this.nonCanonical(start, type);
        const big = this.int(n, false, type);
        if (n === 4 ? big <= 0x3fffffffn : big >> BigInt(8 * (n - 1)) === 0n)
          throw this.nonCanonical(start, type);
        return big;
      }
    }
    if (width < 4 && v >= 2 ** (8 * width)) throw this.nonCanonical(start, type);
    return BigInt(v);
  }
  nonCanonical(start: number, type: TypeNode | null): Fail {
    this.o = start;
    return this.fail('compact integer out of range or not in its shortest form', type);
  }
  /** A `Compact<u32>` length as a number. */
  length(type: TypeNode | null): number {
    return Number(this.compact(4, type));
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function decodeValue(c: Cursor, id: number, depth: number): ScaleValue {
  const x = c.types[id] as TypeNode;
  if (--c.budget < 0) throw c.fail('too many values for the input size', x, 'TOO_LARGE');
  if (depth > MAX_SCALE_DEPTH) throw c.fail('nested too deeply', x, 'TOO_LARGE');
  switch (x.kind) {
    case INT:
      return c.int(x.width, x.signed, x);
    case BOOL: {
      const b = c.u8(x);
      if (b > 1) {
        c.o--;
        throw c.fail('bool is neither 0 nor 1', x);
      }
      return b === 1;
    }
    case STR: {
      const start = c.o;
      const s = parseUtf8(c.take(c.length(x), x));
      if (s === null) {
        c.o = start;
        throw c.fail('string is not UTF-8', x);
      }
      return s;
    }
    case CHAR: {
      const cp = c.u32(x);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        c.o -= 4;
        throw c.fail('char is not a Unicode scalar value', x);
      }
      return String.fromCodePoint(cp);
    }
    case COMP:
      return fields(c, x.ts, x.names, depth);
    case VAR: {
      const index = c.u8(x);
      const v = x.variants[index];
      if (v === undefined) {
        c.o--;
        throw c.fail(`no variant with index ${index}`, x);
      }
      if (v.ts === null) {
        c.o--;
        throw c.fail(`variant ${v.name} is not pinned`, x, 'UNSUPPORTED_KIND');
      }
      return { variant: v.name, value: fields(c, v.ts, v.names, depth) };
    }
    case SEQ: {
      const n = c.length(x);
      if (x.bytes) return toHex(c.take(n, x));
      return elements(c, x, n, depth);
    }
    case ARR:
      if (x.bytes) return toHex(c.take(x.width, x));
      return elements(c, x, x.width, depth);
    case TUP: {
      if (x.ts.length === 0) return null;
      const out: ScaleValue[] = [];
      for (const t of x.ts) out.push(decodeValue(c, t, depth + 1));
      return out;
    }
    case COMPACT:
      return x.width === 0 ? null : c.compact(x.width, x);
    case BITS: {
      const bits = c.length(x);
      const storeBits = 8 * x.width;
      const units = Math.ceil(bits / storeBits);
      return { bits: BigInt(bits), bytes: toHex(c.take(units * x.width, x)) };
    }
    default:
      throw c.fail('the table cannot decode this type', x, 'UNSUPPORTED_KIND');
  }
}

function elements(c: Cursor, x: TypeNode, n: number, depth: number): ScaleValue[] {
  const min = (c.types[x.t] as TypeNode).min;
  if (min > 0 && n > (c.b.length - c.o) / min) throw c.fail('sequence longer than its bytes', x);
  if (n > c.budget) throw c.fail('too many values for the input size', x, 'TOO_LARGE');
  const out: ScaleValue[] = [];
  for (let i = 0; i < n; i++) out.push(decodeValue(c, x.t, depth + 1));
  return out;
}

/** Fields of a composite or variant: object if named, the value if one, array if several, else null. */
function fields(
  c: Cursor,
  ts: readonly number[],
  names: readonly string[] | null,
  depth: number
): ScaleValue {
  if (names !== null) {
    const out: Record<string, ScaleValue> = {};
    for (let i = 0; i < ts.length; i++)
      out[names[i] as string] = decodeValue(c, ts[i] as number, depth + 1);
    return out;
  }
  if (ts.length === 1) return decodeValue(c, ts[0] as number, depth + 1);
  if (ts.length === 0) return null;
  const out: ScaleValue[] = [];
  for (const t of ts) out.push(decodeValue(c, t, depth + 1));
  return out;
}

/** Fields as event arguments: an object if named, else an array (even of one, or none). */
function argFields(
  c: Cursor,
  ts: readonly number[],
  names: readonly string[] | null,
  depth: number
): ScaleObject | ScaleValue[] {
  if (names !== null) return fields(c, ts, names, depth) as ScaleObject;
  const out: ScaleValue[] = [];
  for (const t of ts) out.push(decodeValue(c, t, depth + 1));
  return out;
}

/** Reads the outer variant (pallet) and returns the pallet's variant node, or null if pruned. */
function outer(
  c: Cursor,
  id: number
): { pallet: string; palletIndex: number; inner: TypeNode | null } {
  const x = c.types[id] as TypeNode;
  const palletIndex = c.u8(x);
  const v = x.variants[palletIndex];
  if (v === undefined) {
    c.o--;
    throw c.fail(`no pallet with index ${palletIndex}`, x);
  }
  if (v.ts === null) return { pallet: v.name, palletIndex, inner: null };
  return { pallet: v.name, palletIndex, inner: c.types[v.ts[0] as number] as TypeNode };
}

function innerVariant(c: Cursor, x: TypeNode): VariantNode & { ts: readonly number[] } {
  const index = c.u8(x);
  const v = x.variants[index];
  if (v === undefined || v.ts === null) {
    c.o--;
    throw c.fail(`no variant with index ${index}`, x);
  }
  return v as VariantNode & { ts: readonly number[] };
}

function failure<T>(e: unknown, extra: Facts = {}): Parsed<T> {
  if (!(e instanceof Fail)) throw e;
  return rejected(e.code, {
    reason: e.reason,
    offset: e.offset,
    ...(e.type === null ? {} : { type: e.type }),
    ...extra,
  });
}

function start(
  rt: PinnedRuntime,
  bytes: Uint8Array
): { ok: true; c: Cursor; k: Compiled } | { ok: false; r: Parsed<never> } {
  const k = compiledOf(rt);
  if (k === null) {
    return {
      ok: false,
      r: rejected('UNSUPPORTED_VERSION', {
        reason: 'not a pinned runtime',
        specName: String(rt.specName),
        specVersion: Number(rt.specVersion),
      }),
    };
  }
  if (!(bytes instanceof Uint8Array))
    return { ok: false, r: rejected('MALFORMED', { reason: 'not bytes' }) };
  if (bytes.length > MAX_SCALE_BYTES) {
    return {
      ok: false,
      r: rejected('TOO_LARGE', { length: bytes.length, max: MAX_SCALE_BYTES }),
    };
  }
  return { ok: true, c: new Cursor(bytes, k.types), k };
}

function phaseOf(v: ScaleValue): EventPhase {
  const p = v as ScaleVariant;
  if (p.variant === 'ApplyExtrinsic') return { kind: 'ApplyExtrinsic', extrinsic: Number(p.value) };
  return p.variant === 'Finalization' ? { kind: 'Finalization' } : { kind: 'Initialization' };
}

/**
 * Decodes `System.Events` (SCALE `Vec<EventRecord>`) with the runtime's pinned types. Every byte
 * must belong to an event record.
 */
export function decodeEvents(rt: PinnedRuntime, bytes: Uint8Array): Parsed<DecodedEvent[]> {
  const s = start(rt, bytes);
  if (!s.ok) return s.r;
  const { c, k } = s;
  let index = -1;
  try {
    const vec = c.types[k.events] as TypeNode;
    const count = c.length(vec);
    const min = (c.types[vec.t] as TypeNode).min;
    if (count * min > c.b.length - c.o) throw c.fail('more events than bytes', vec);
    const out: DecodedEvent[] = [];
    for (index = 0; index < count; index++) {
      const phase = phaseOf(decodeValue(c, k.phase, 1));
      const ev = outer(c, k.event);
      if (ev.inner === null) throw c.fail(`events of ${ev.pallet} are not pinned`);
      const v = innerVariant(c, ev.inner);
      const args = argFields(c, v.ts, v.names, 2);
      const topics = decodeValue(c, k.topics, 1);
      out.push({
        index,
        phase,
        pallet: ev.pallet,
        name: v.name,
        args,
        topics: topicList(topics),
      });
    }
    index = -1;
    if (c.o !== c.b.length) throw c.fail('trailing bytes after the events');
    return parsed(out);
  } catch (e) {
    return failure(e, index >= 0 ? { event: index } : {});
  }
}

function topicList(v: ScaleValue): string[] {
  if (!Array.isArray(v)) return [];
  return (v as ScaleValue[]).map((t) => (typeof t === 'string' ? t : String(t)));
}

/**
 * Decodes one v4 extrinsic as it appears in a block body: `Compact<length> ‖ version byte ‖
 * (address ‖ signature ‖ extra, when signed) ‖ call`. A call of a pallet whose calls are not
 * pinned decodes to `{ unsupported: true, … }` without its arguments.
 */
export function decodeExtrinsic(rt: PinnedRuntime, bytes: Uint8Array): Parsed<DecodedExtrinsic> {
  const s = start(rt, bytes);
  if (!s.ok) return s.r;
  const { c, k } = s;
  try {
    const length = c.length(null);
    if (length !== c.b.length - c.o)
      throw c.fail(
        `length prefix ${length} does not match the ${c.b.length - c.o} bytes that follow`
      );
    const version = c.u8(null);
    if ((version & 0x7f) !== 4) {
      return rejected('UNSUPPORTED_VERSION', { reason: 'extrinsic version', version });
    }
    const signed = (version & 0x80) !== 0;
    let signer: string | null = null;
    if (signed) {
      const address = decodeValue(c, k.address, 1);
      decodeValue(c, k.signature, 1);
      decodeValue(c, k.extra, 1);
      signer = accountOf(address);
    }
    const call = outer(c, k.call);
    if (call.inner === null) {
      const callIndex = c.u8(null);
      return parsed({
        signed,
        signer,
        call: {
          unsupported: true,
          pallet: call.pallet,
          palletIndex: call.palletIndex,
          callIndex,
        },
      });
    }
    const v = innerVariant(c, call.inner);
    const args = fields(c, v.ts, v.names ?? v.ts.map((_, i) => String(i)), 1) as ScaleObject;
    if (c.o !== c.b.length) throw c.fail('trailing bytes after the call');
    return parsed({ signed, signer, call: { pallet: call.pallet, name: v.name, args } });
  } catch (e) {
    return failure(e);
  }
}

/** The account of `MultiAddress::Id(AccountId32)` (or of a bare 32-byte account id), else null. */
function accountOf(address: ScaleValue): string | null {
  if (typeof address === 'string') return address.length === 66 ? address : null;
  if (address !== null && typeof address === 'object' && !Array.isArray(address)) {
    const v = address as ScaleVariant;
    if (v.variant === 'Id' && typeof v.value === 'string' && v.value.length === 66) return v.value;
  }
  return null;
}

/**
 * Decodes `System.LastRuntimeUpgrade` (`LastRuntimeUpgradeInfo { spec_version: Compact<u32>,
 * spec_name: String }`), which names the runtime whose types decode the block's state.
 */
export function decodeLastRuntimeUpgrade(
  bytes: Uint8Array
): Parsed<{ specVersion: number; specName: string }> {
  if (!(bytes instanceof Uint8Array)) return rejected('MALFORMED', { reason: 'not bytes' });
  if (bytes.length > MAX_UPGRADE_BYTES)
    return rejected('TOO_LARGE', { length: bytes.length, max: MAX_UPGRADE_BYTES });
  const c = new Cursor(bytes, []);
  try {
    const specVersion = c.length(null);
    const at = c.o;
    const name = parseUtf8(c.take(c.length(null), null));
    if (name === null) {
      c.o = at;
      throw c.fail('spec name is not UTF-8');
    }
    if (c.o !== bytes.length) throw c.fail('trailing bytes after LastRuntimeUpgradeInfo');
    return parsed({ specVersion, specName: name });
  } catch (e) {
    return failure(e);
  }
}
