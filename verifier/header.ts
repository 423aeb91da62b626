/**
 * Substrate block headers: the SCALE codec of `sp_runtime::generic::Header<u32, BlakeTwo256>` (the
 * header of Polkadot, Kusama and Cere), the block hash, and the GRANDPA authority-set signals a
 * header's digest carries.
 *
 * Header encoding (paritytech/polkadot-sdk `substrate/primitives/runtime/src/generic/header.rs`,
 * field order of the derived `Encode`; `number` is `#[codec(compact)]`):
 *
 *   parent_hash [u8;32] ‖ Compact<u32> number ‖ state_root [u8;32] ‖ extrinsics_root [u8;32]
 *   ‖ digest: Compact<u32> count ‖ count × DigestItem
 *
 * The block hash is `BlakeTwo256` (blake2b-256) of exactly these bytes.
 *
 * DigestItem (polkadot-sdk `substrate/primitives/runtime/src/generic/digest.rs` at commit
 * 1a52f9debac9dc27d4aa514dd0d5f880105d1641, `DigestItemType`): one index byte, then
 *
 *   6 PreRuntime(engine [u8;4], Vec<u8>)   4 Consensus(engine [u8;4], Vec<u8>)
 *   5 Seal(engine [u8;4], Vec<u8>)         0 Other(Vec<u8>)          8 RuntimeEnvironmentUpdated
 *
 * Indices 1, 2, 3 and 7 were used by removed variants (changes tries, the pre-2020 authorities
 * change); current Substrate rejects them and so does this decoder.
 *
 * The GRANDPA consensus log (polkadot-sdk `substrate/primitives/consensus/grandpa/src/lib.rs` at
 * commit 009c1010aa76648c6a8b2895fa02414212c73b8e, `ConsensusLog<N>` with `N = u32`) is the data of
 * a `Consensus` item whose engine is `FRNK`:
 *
 *   1 ScheduledChange { next_authorities: Vec<([u8;32] ed25519 id, u64 weight)>, delay: u32 }
 *   2 ForcedChange(u32 median_last_finalized, ScheduledChange)
 *   3 OnDisabled(u64 authority index)   4 Pause(u32 delay)   5 Resume(u32 delay)
 *
 * Integers are little-endian; `u32` in the log is fixed width (it is not `#[codec(compact)]`).
 *
 * Decoding is strict, as parity-scale-codec's: compact integers must use their shortest mode (a
 * non-canonical compact is an error there too), counts are bounded by the bytes left, and trailing
 * bytes are an error (`decode_all`). So every accepted encoding is the one `encodeHeader` gives
 * back, and the hash of the bytes is the hash of the decoded header. Hostile input never throws:
 * it becomes `rejected('BAD_ENCODING' | 'TOO_LARGE', facts)`.
 * @module
 */
import { compactU, concatBytes, equalBytes, toHex, uintLE } from './bytes.ts';
import { blake2b256 } from './hash.ts';
import { type Parsed, parsed, rejected } from './lines.ts';

/** Largest header this decoder accepts. Kusama's largest (an authority-set change) is ~72 KB. */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;
/** Most digest items one header may carry. */
export const MAX_DIGEST_ITEMS = 4096;

/** The engine id of GRANDPA in digest items: `FRNK`. */
export const GRANDPA_ENGINE_ID = Uint8Array.of(0x46, 0x52, 0x4e, 0x4b);

export type DigestItem =
  | {
      readonly type: 'PreRuntime' | 'Consensus' | 'Seal';
      /** The 4-byte `ConsensusEngineId`, e.g. `BABE`, `aura`, `FRNK`. */
      readonly engine: Uint8Array;
      readonly data: Uint8Array;
    }
  | { readonly type: 'Other'; readonly data: Uint8Array }
  | { readonly type: 'RuntimeEnvironmentUpdated' };

export interface Header {
  readonly parentHash: Uint8Array;
  /** Block number, a u32. */
  readonly number: number;
  readonly stateRoot: Uint8Array;
  readonly extrinsicsRoot: Uint8Array;
  readonly digest: readonly DigestItem[];
}

const DIGEST_INDEX = {
  Other: 0,
  Consensus: 4,
  Seal: 5,
  PreRuntime: 6,
  RuntimeEnvironmentUpdated: 8,
} as const;

// ---------------------------------------------------------------------------------------------
// A bounded SCALE reader
// ---------------------------------------------------------------------------------------------

/**
 * A cursor over untrusted SCALE bytes. Every read returns `null` (and never throws) when the bytes
 * run out or an integer is not canonically encoded; the caller turns that into a reason code.
 */
export class ScaleReader {
  offset: number;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }
  get remaining(): number {
    return this.bytes.length - this.offset;
  }
  get done(): boolean {
    return this.offset === this.bytes.length;
  }
  /** `n` bytes as a subarray view (no copy), or null if fewer are left. */
  take(n: number): Uint8Array | null {
    if (n < 0 || n > this.remaining) return null;
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  u8(): number | null {
    if (this.remaining < 1) return null;
    return this.bytes[this.offset++] as number;
  }
  u32(): number | null {
    if (this.remaining < 4) return null;
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return (
      ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16)) +
      (b[o + 3] as number) * 0x1000000
    );
  }
  u64(): bigint | null {
    const lo = this.u32();
    if (lo === null) return null;
    const hi = this.u32();
    if (hi === null) return null;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  /**
   * `Compact<u32>` as parity-scale-codec decodes it: the shortest mode only (a value that fits a
   * shorter mode is "out of range"), and the big-integer mode only with exactly 4 bytes.
   */
  compactU32(): number | null {
    const b0 = this.u8();
    if (b0 === null) return null;
    switch (b0 & 3) {
      case 0:
        return b0 >>> 2;
      case 1: {
        const b1 = this.u8();
        if (b1 === null) return null;
        const v = ((b1 << 8) | b0) >>> 2;
        return v > 0x3f ? v : null;
      }
      case 2: {
        this.offset -= 1;
        const w = this.u32();
        if (w === null) return null;
        const v = Math.floor(w / 4);
        return v > 0x3fff ? v : null;
      }
      default: {
        if (b0 !== 3) return null; // more than 4 bytes cannot be a u32
        const v = this.u32();
        if (v === null) return null;
        return v > 0x3fffffff ? v : null;
      }
    }
  }
  /** `Vec<u8>`: a compact length then that many bytes (a view). */
  bytesVec(): Uint8Array | null {
    const n = this.compactU32();
    if (n === null) return null;
    return this.take(n);
  }
}

// ---------------------------------------------------------------------------------------------
// Header codec
// ---------------------------------------------------------------------------------------------

function readDigestItem(r: ScaleReader): DigestItem | null {
  const index = r.u8();
  switch (index) {
    case DIGEST_INDEX.PreRuntime:
    case DIGEST_INDEX.Consensus:
    case DIGEST_INDEX.Seal: {
      const engine = r.take(4);
      if (engine === null) return null;
      const data = r.bytesVec();
      if (data === null) return null;
      const type =
        index === DIGEST_INDEX.PreRuntime
          ? 'PreRuntime'
          : index === DIGEST_INDEX.Consensus
            ? 'Consensus'
            : 'Seal';
      return { type, engine: engine.slice(), data: data.slice() };
    }
    case DIGEST_INDEX.Other: {
      const data = r.bytesVec();
      return data === null ? null : { type: 'Other', data: data.slice() };
    }
    case DIGEST_INDEX.RuntimeEnvironmentUpdated:
      return { type: 'RuntimeEnvironmentUpdated' };
    default:
      return null;
  }
}

/**
 * Reads one header from `r` (for headers embedded in larger structures, such as the ancestry of
 * a GRANDPA justification). On failure returns the reason; `r.offset` is then unspecified.
 */
export function readHeader(r: ScaleReader): Parsed<Header> {
  const start = r.offset;
  const parentHash = r.take(32);
  if (parentHash === null) return rejected('BAD_ENCODING', { at: start, field: 'parentHash' });
  const number = r.compactU32();
  if (number === null) return rejected('BAD_ENCODING', { at: r.offset, field: 'number' });
  const stateRoot = r.take(32);
  if (stateRoot === null) return rejected('BAD_ENCODING', { at: r.offset, field: 'stateRoot' });
  const extrinsicsRoot = r.take(32);
  if (extrinsicsRoot === null)
    return rejected('BAD_ENCODING', { at: r.offset, field: 'extrinsicsRoot' });
  const count = r.compactU32();
  if (count === null) return rejected('BAD_ENCODING', { at: r.offset, field: 'digest' });
  if (count > MAX_DIGEST_ITEMS)
    return rejected('TOO_LARGE', { field: 'digest', items: count, max: MAX_DIGEST_ITEMS });
  // Every item takes at least one byte: a count beyond the bytes left is malformed, not large.
  if (count > r.remaining)
    return rejected('BAD_ENCODING', { field: 'digest', items: count, bytesLeft: r.remaining });
  const digest: DigestItem[] = [];
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    const item = readDigestItem(r);
    if (item === null)
      return rejected('BAD_ENCODING', {
        field: 'digest',
        item: i,
        at,
        index: r.bytes[at] ?? null,
      });
    digest.push(item);
  }
  return parsed({
    parentHash: parentHash.slice(),
    number,
    stateRoot: stateRoot.slice(),
    extrinsicsRoot: extrinsicsRoot.slice(),
    digest,
  });
}

/**
 * Decodes a SCALE-encoded header. Rejects (never throws) short input, non-canonical compacts,
 * unknown digest item kinds, more than `MAX_DIGEST_ITEMS` items, input over `MAX_HEADER_BYTES`
 * and trailing bytes.
 */
export function decodeHeader(encoded: Uint8Array): Parsed<Header> {
  if (!(encoded instanceof Uint8Array)) return rejected('MALFORMED', { field: 'header' });
  if (encoded.length > MAX_HEADER_BYTES)
    return rejected('TOO_LARGE', { bytes: encoded.length, max: MAX_HEADER_BYTES });
  const r = new ScaleReader(encoded);
  const h = readHeader(r);
  if (!h.ok) return h;
  if (!r.done) return rejected('BAD_ENCODING', { trailingBytes: r.remaining, at: r.offset });
  return h;
}

function encodeDigestItem(item: DigestItem): Uint8Array {
  switch (item.type) {
    case 'PreRuntime':
    case 'Consensus':
    case 'Seal':
      if (item.engine.length !== 4) throw new RangeError('encodeHeader: engine id must be 4 bytes');
      return concatBytes(
        Uint8Array.of(DIGEST_INDEX[item.type]),
        item.engine,
        compactU(item.data.length),
        item.data
      );
    case 'Other':
      return concatBytes(Uint8Array.of(DIGEST_INDEX.Other), compactU(item.data.length), item.data);
    case 'RuntimeEnvironmentUpdated':
      return Uint8Array.of(DIGEST_INDEX.RuntimeEnvironmentUpdated);
    default:
      throw new RangeError('encodeHeader: unknown digest item');
  }
}

/** The SCALE encoding of a header. Throws RangeError on a malformed header (a programming error). */
export function encodeHeader(h: Header): Uint8Array {
  if (h.parentHash.length !== 32 || h.stateRoot.length !== 32 || h.extrinsicsRoot.length !== 32)
    throw new RangeError('encodeHeader: hashes must be 32 bytes');
  if (!Number.isSafeInteger(h.number) || h.number < 0 || h.number > 0xffffffff)
    throw new RangeError('encodeHeader: number must be a u32');
  return concatBytes(
    h.parentHash,
    compactU(h.number),
    h.stateRoot,
    h.extrinsicsRoot,
    compactU(h.digest.length),
    ...h.digest.map(encodeDigestItem)
  );
}

/** The block hash: blake2b-256 of the header's SCALE encoding. */
export function headerHash(encoded: Uint8Array): Uint8Array {
  return blake2b256(encoded);
}

/** A 4-byte engine id as text when it is printable ASCII (`BABE`, `FRNK`), else 0x-hex. */
export function engineName(engine: Uint8Array): string {
  for (const c of engine) if (c < 0x20 || c > 0x7e) return toHex(engine);
  return String.fromCharCode(...engine);
}

// ---------------------------------------------------------------------------------------------
// GRANDPA consensus log
// ---------------------------------------------------------------------------------------------

export interface GrandpaAuthority {
  /** ed25519 public key. */
  readonly id: Uint8Array;
  /** u64 weight (1 on Polkadot, Kusama and Cere). */
  readonly weight: bigint;
}

export type GrandpaChange =
  | {
      readonly type: 'ScheduledChange';
      readonly authorities: readonly GrandpaAuthority[];
      readonly delay: number;
    }
  | {
      readonly type: 'ForcedChange';
      readonly medianLastFinalized: number;
      readonly authorities: readonly GrandpaAuthority[];
      readonly delay: number;
    }
  | { readonly type: 'OnDisabled'; readonly index: bigint }
  | { readonly type: 'Pause'; readonly delay: number }
  | { readonly type: 'Resume'; readonly delay: number };

/** Most authorities one scheduled change may name (Kusama has 1000 validators). */
export const MAX_GRANDPA_AUTHORITIES = 100_000;

function readAuthorities(r: ScaleReader): GrandpaAuthority[] | null {
  const n = r.compactU32();
  if (n === null || n > MAX_GRANDPA_AUTHORITIES || n * 40 > r.remaining) return null;
  const out: GrandpaAuthority[] = [];
  for (let i = 0; i < n; i++) {
    const id = r.take(32);
    const weight = r.u64();
    if (id === null || weight === null) return null;
    out.push({ id: id.slice(), weight });
  }
  return out;
}

/** Decodes one GRANDPA `ConsensusLog<u32>` (the data of a `FRNK` consensus item). */
export function decodeGrandpaLog(data: Uint8Array): Parsed<GrandpaChange> {
  const r = new ScaleReader(data);
  const index = r.u8();
  let change: GrandpaChange | null = null;
  if (index === 1 || index === 2) {
    const median = index === 2 ? r.u32() : 0;
    const authorities = median === null ? null : readAuthorities(r);
    const delay = authorities === null ? null : r.u32();
    if (median !== null && authorities !== null && delay !== null)
      change =
        index === 1
          ? { type: 'ScheduledChange', authorities, delay }
          : { type: 'ForcedChange', medianLastFinalized: median, authorities, delay };
  } else if (index === 3) {
    const i = r.u64();
    if (i !== null) change = { type: 'OnDisabled', index: i };
  } else if (index === 4 || index === 5) {
    const delay = r.u32();
    if (delay !== null) change = { type: index === 4 ? 'Pause' : 'Resume', delay };
  } else {
    return rejected('BAD_ENCODING', { field: 'grandpaLog', index });
  }
  if (change === null) return rejected('BAD_ENCODING', { field: 'grandpaLog', index });
  if (!r.done) return rejected('BAD_ENCODING', { field: 'grandpaLog', trailingBytes: r.remaining });
  return parsed(change);
}

/**
 * The GRANDPA signals in a header's digest, in digest order: every `Consensus` item whose engine
 * is `FRNK`, decoded. Other items are ignored. A `FRNK` item that does not decode rejects the
 * whole header (`BAD_ENCODING`, with the item's index): a client that skipped it could miss an
 * authority-set change.
 */
export function grandpaDigest(header: Header): Parsed<GrandpaChange[]> {
  const out: GrandpaChange[] = [];
  for (let i = 0; i < header.digest.length; i++) {
    const item = header.digest[i] as DigestItem;
    if (item.type !== 'Consensus' || !equalBytes(item.engine, GRANDPA_ENGINE_ID)) continue;
    const c = decodeGrandpaLog(item.data);
    if (!c.ok) return rejected(c.code, { ...c.facts, digestItem: i });
    out.push(c.value);
  }
  return parsed(out);
}

function encodeAuthorities(list: readonly GrandpaAuthority[]): Uint8Array {
  const parts: Uint8Array[] = [compactU(list.length)];
  for (const a of list) {
    if (a.id.length !== 32) throw new RangeError('encodeGrandpaLog: authority id must be 32 bytes');
    parts.push(a.id, uintLE(a.weight, 8));
  }
  return concatBytes(...parts);
}

function u32le(v: number): Uint8Array {
  if (!Number.isSafeInteger(v) || v < 0 || v > 0xffffffff)
    throw new RangeError('encodeGrandpaLog: expected a u32');
  return uintLE(BigInt(v), 4);
}

/** The SCALE encoding of a GRANDPA `ConsensusLog<u32>`. Throws RangeError on malformed input. */
export function encodeGrandpaLog(change: GrandpaChange): Uint8Array {
  switch (change.type) {
    case 'ScheduledChange':
      return concatBytes(
        Uint8Array.of(1),
        encodeAuthorities(change.authorities),
        u32le(change.delay)
      );
    case 'ForcedChange':
      return concatBytes(
        Uint8Array.of(2),
        u32le(change.medianLastFinalized),
        encodeAuthorities(change.authorities),
        u32le(change.delay)
      );
    case 'OnDisabled':
      return concatBytes(Uint8Array.of(3), uintLE(change.index, 8));
    case 'Pause':
      return concatBytes(Uint8Array.of(4), u32le(change.delay));
    case 'Resume':
      return concatBytes(Uint8Array.of(5), u32le(change.delay));
    default:
      throw new RangeError('encodeGrandpaLog: unknown change');
  }
}

/** The digest item a runtime deposits for a GRANDPA signal: `Consensus(FRNK, log)`. */
export function grandpaDigestItem(change: GrandpaChange): DigestItem {
  return { type: 'Consensus', engine: GRANDPA_ENGINE_ID.slice(), data: encodeGrandpaLog(change) };
}
