/**
 * A minimal proto3 wire-format reader and writer, written for hostile input.
 *
 * Reading: every read is bounds-checked against the innermost length-delimited frame; varints
 * longer than 10 bytes, or whose 10th byte carries bits above 2^64 (prost's "invalid varint"),
 * are errors; a length prefix past the end of its frame is an error; nesting depth and total input
 * size are limited. Unknown fields of wire types 0 (varint), 1 (fixed64), 2 (length-delimited) and
 * 5 (fixed32) are skipped; the deprecated group wire types 3/4 and the undefined types 6/7 are
 * errors. Reader methods throw a private error class; `decodeWith` is the module boundary that turns
 * it into a value, so public decode functions built on it never throw.
 *
 * Writing: the writer emits exactly what it is asked to, in call order. The proto3 canonical rules
 * (field-number order, implicit-presence defaults omitted) belong to the schema-level encoder that
 * calls it.
 * @module
 */
import { parseUtf8, utf8 } from './bytes.ts';

/** Wire types this module reads and writes. */
export const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;
export type WireType = (typeof WIRE)[keyof typeof WIRE];

/** Default limits: 4 MiB of input, 32 levels of nested length-delimited messages. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;
export const MAX_DEPTH = 32;
/** Largest field number protobuf allows (2^29 - 1). */
export const MAX_FIELD_NUMBER = 0x1fffffff;

const U64_MAX = (1n << 64n) - 1n;

export type ProtoErrorKind =
  /** A read ran past the end of its frame. */
  | 'truncated'
  /** A varint continues past 10 bytes. */
  | 'varint-too-long'
  /** A 10-byte varint whose last byte has bits above 2^64. */
  | 'varint-overflow'
  /** A length prefix points past the end of its frame. */
  | 'length-out-of-range'
  /** A tag with wire type 3, 4, 6 or 7. */
  | 'bad-wire-type'
  /** A tag with field number 0 or above 2^29 - 1. */
  | 'bad-field-number'
  /** A known field arrived with a wire type its schema does not allow. */
  | 'wrong-wire-type'
  /** A string field holds invalid UTF-8. */
  | 'bad-utf8'
  /** Nesting deeper than the depth limit. */
  | 'too-deep'
  /** Input larger than the size limit. */
  | 'too-large'
  /** The input is not a Uint8Array (a hostile or untyped caller). */
  | 'not-bytes'
  /** A failure that is not a wire-format error (a bug): reported, never thrown. */
  | 'internal';

export interface ProtoError {
  readonly kind: ProtoErrorKind;
  /** Byte offset into the whole input where the failing read started. */
  readonly offset: number;
  /** Dotted path of the message fields being read, e.g. `upstream.request.signature`. */
  readonly path: string;
  readonly field?: number;
  readonly wireType?: number;
  readonly limit?: number;
}

export type ProtoResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProtoError };

/** The private error class readers throw; it never leaves `decodeWith`. */
class ProtoDecodeError extends Error {
  constructor(readonly detail: ProtoError) {
    super(`protobuf: ${detail.kind} at ${detail.offset}`);
  }
}

export interface Tag {
  readonly field: number;
  readonly wireType: WireType;
  /** Offset of the tag's first byte. */
  readonly offset: number;
}

/**
 * A cursor over one input. `message` narrows the readable frame to a length-delimited
 * sub-message and restores it afterwards, so every read is checked against the innermost frame.
 */
export class ProtoReader {
  private pos: number;
  private end: number;
  private depth = 0;
  private readonly path: string[] = [];

  constructor(
    private readonly buf: Uint8Array,
    private readonly maxDepth: number = MAX_DEPTH
  ) {
    this.pos = 0;
    this.end = buf.length;
  }

  /** True when the current frame has been read completely. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Throws the module's private error; only meaningful inside `decodeWith`. */
  fail(
    kind: ProtoErrorKind,
    at: number = this.pos,
    extra: { field?: number; wireType?: number; limit?: number } = {}
  ): never {
    throw new ProtoDecodeError({ kind, offset: at, path: this.path.join('.'), ...extra });
  }

  /** Reads an unsigned varint of up to 10 bytes (u64), rejecting overlong and overflowing ones. */
  varint(): bigint {
    const start = this.pos;
    // Fast path: up to 4 bytes (28 bits) in plain number arithmetic.
    let small = 0;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.end) this.fail('truncated', start);
      const b = this.buf[this.pos++] as number;
      small |= (b & 0x7f) << (7 * i);
      if (b < 0x80) return BigInt(small >>> 0);
    }
    let value = BigInt(small >>> 0);
    for (let i = 4; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated', start);
      const b = this.buf[this.pos++] as number;
      if (i === 9) {
        if (b & 0x80) this.fail('varint-too-long', start);
        if (b > 1) this.fail('varint-overflow', start);
      }
      value |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return value;
    }
    return this.fail('varint-too-long', start);
  }

  /** Reads a field tag. Returns the field number, wire type and the tag's offset. */
  tag(): Tag {
    const offset = this.pos;
    const key = this.varint();
    if (key > 0xffffffffn) this.fail('bad-field-number', offset);
    const k = Number(key);
    const wireType = k & 7;
    const field = k >>> 3;
    if (field === 0 || field > MAX_FIELD_NUMBER) this.fail('bad-field-number', offset, { field });
    if (wireType !== 0 && wireType !== 1 && wireType !== 2 && wireType !== 5) {
      this.fail('bad-wire-type', offset, { field, wireType });
    }
    return { field, wireType, offset };
  }

  /** Fails with `wrong-wire-type` unless `tag` has wire type `expected`. */
  expect(tag: Tag, expected: WireType): void {
    if (tag.wireType !== expected) {
      this.fail('wrong-wire-type', tag.offset, { field: tag.field, wireType: tag.wireType });
    }
  }

  uint64(): bigint {
    return this.varint();
  }

  /** `uint32`: the low 32 bits of the varint (prost and protoc truncate). */
  uint32(): number {
    return Number(BigInt.asUintN(32, this.varint()));
  }

  /** `int32` and enums: the low 32 bits as two's complement (negative values use 10 bytes). */
  int32(): number {
    return Number(BigInt.asIntN(32, this.varint()));
  }

  /** `int64`: the varint as two's complement. */
  int64(): bigint {
    return BigInt.asIntN(64, this.varint());
  }

  bool(): boolean {
    return this.varint() !== 0n;
  }

  /** Reads a length prefix and checks it against the current frame; returns [start, end). */
  private span(): [number, number] {
    const at = this.pos;
    const len = this.varint();
    if (len > BigInt(this.end - this.pos)) this.fail('length-out-of-range', at);
    const start = this.pos;
    return [start, start + Number(len)];
  }

  /** A length-delimited `bytes` value, copied out of the input. */
  bytes(): Uint8Array {
    const [start, stop] = this.span();
    this.pos = stop;
    return this.buf.slice(start, stop);
  }

  /** A length-delimited `string` value; invalid UTF-8 is an error (as in prost). */
  string(): string {
    const at = this.pos;
    const [start, stop] = this.span();
    this.pos = stop;
    const s = parseUtf8(this.buf.subarray(start, stop));
    if (s === null) this.fail('bad-utf8', at);
    return s;
  }

  /**
   * Reads a length-delimited sub-message: narrows the frame to its bytes, runs `body` (which should
   * read until `done`), checks that it consumed the frame exactly, then restores the outer frame.
   * `name` is appended to the error path.
   */
  message<T>(name: string, body: (r: ProtoReader) => T): T {
    const at = this.pos;
    const [start, stop] = this.span();
    if (this.depth + 1 > this.maxDepth) this.fail('too-deep', at, { limit: this.maxDepth });
    const outerEnd = this.end;
    this.end = stop;
    this.pos = start;
    this.depth++;
    this.path.push(name);
    const value = body(this);
    if (this.pos !== stop) this.fail('internal', this.pos);
    this.path.pop();
    this.depth--;
    this.end = outerEnd;
    return value;
  }

  /** Skips the value of an unknown field. */
  skipField(tag: Tag): void {
    switch (tag.wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.skipBytes(8);
        return;
      case 2: {
        const [, stop] = this.span();
        this.pos = stop;
        return;
      }
      case 5:
        this.skipBytes(4);
        return;
    }
  }

  private skipBytes(n: number): void {
    if (this.end - this.pos < n) this.fail('truncated');
    this.pos += n;
  }
}

export interface DecodeLimits {
  readonly maxBytes?: number;
  readonly maxDepth?: number;
}

/**
 * The module boundary for decoding: checks the size limit, runs `body` over a fresh reader and
 * returns its value or the wire error. `body` must read the top-level message to its end. Never
 * throws: an unexpected exception (a bug) becomes a `ProtoError` of kind `internal`.
 */
export function decodeWith<T>(
  bytes: Uint8Array,
  body: (r: ProtoReader) => T,
  limits: DecodeLimits = {}
): ProtoResult<T> {
  const maxBytes = limits.maxBytes ?? MAX_INPUT_BYTES;
  if (!(bytes instanceof Uint8Array)) {
    return { ok: false, error: { kind: 'not-bytes', offset: 0, path: '' } };
  }
  if (bytes.length > maxBytes) {
    return { ok: false, error: { kind: 'too-large', offset: 0, path: '', limit: maxBytes } };
  }
  try {
    const r = new ProtoReader(bytes, limits.maxDepth ?? MAX_DEPTH);
    const value = body(r);
    if (!r.done) r.fail('internal');
    return { ok: true, value };
  } catch (e) {
    if (e instanceof ProtoDecodeError) return { ok: false, error: e.detail };
    return { ok: false, error: { kind: 'internal', offset: 0, path: '' } };
  }
}

/**
 * An append-only encoder. Each `*Field` method writes a tag and a value unconditionally; the caller
 * decides which fields to omit. Out-of-range values are programming errors and throw RangeError.
 */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Writes an unsigned varint (0 ≤ value < 2^64). */
  varint(value: bigint | number): this {
    let v = typeof value === 'bigint' ? value : BigInt(value);
    if (v < 0n || v > U64_MAX) throw new RangeError('protobuf: varint out of range');
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  tag(field: number, wireType: WireType): this {
    if (!Number.isInteger(field) || field < 1 || field > MAX_FIELD_NUMBER) {
      throw new RangeError('protobuf: bad field number');
    }
    return this.varint(BigInt(field) * 8n + BigInt(wireType));
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  uint64Field(field: number, value: bigint): this {
    return this.tag(field, WIRE.VARINT).varint(value);
  }

  uint32Field(field: number, value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError('protobuf: uint32 out of range');
    }
    return this.tag(field, WIRE.VARINT).varint(value);
  }

  /** `int32` and enum values; negative values are sign-extended to 64 bits (10 bytes). */
  int32Field(field: number, value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new RangeError('protobuf: int32 out of range');
    }
    return this.tag(field, WIRE.VARINT).varint(BigInt.asUintN(64, BigInt(value)));
  }

  int64Field(field: number, value: bigint): this {
    if (value < -(1n << 63n) || value >= 1n << 63n) {
      throw new RangeError('protobuf: int64 out of range');
    }
    return this.tag(field, WIRE.VARINT).varint(BigInt.asUintN(64, value));
  }

  boolField(field: number, value: boolean): this {
    return this.tag(field, WIRE.VARINT).varint(value ? 1 : 0);
  }

  bytesField(field: number, value: Uint8Array): this {
    return this.tag(field, WIRE.LEN).varint(value.length).raw(value);
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, utf8(value));
  }

  /** A sub-message: encoded by `body` into its own writer, then written length-prefixed. */
  messageField(field: number, body: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    body(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
