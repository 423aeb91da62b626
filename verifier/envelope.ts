/**
 * The SCP anchor envelope, profile "SCP draft v0" (defined by this project; docs/spec.md §Anchor).
 *
 * A DAC batch commitment or a GAR grant anchor travels on chain as the argument of
 * `System.remark_with_event`; the runtime's `System.Remarked { sender, hash }` event carries
 * `blake2_256(envelope)`. The envelope is SCALE-encoded:
 *
 *   magic "scp" (3 bytes) ‖ version u8 (= 0) ‖ kind u8 ‖ body
 *   kind 0, DacBatch:  cluster_id [u8;20] ‖ era u32 ‖ batch_index u32 ‖ record_format u8
 *                      ‖ leaf_count u32 ‖ root [u8;32] ‖ payload_hash [u8;32]        (102 bytes in all)
 *   kind 1, GarAnchor: Compact<u32> n ‖ n × [u8;32] (blake2b256 of each signed grant payload)
 *   kind 2, GarPairAnchor: Compact<u32> n ‖ n × ([u8;32] pair ‖ [u8;32] payload hash), where
 *                      pair = blake2b256(user public key ‖ agent public key) names whose grant
 *                      history each version belongs to, so a version the chain anchors but the
 *                      GAR service does not serve can be charged to its pair (docs/spec.md §3 and §6)
 *
 * Integers are little-endian. Decoding rejects unknown magic, versions and kinds, short input and
 * trailing bytes.
 * @module
 */
import { compactU, concatBytes, uintLE } from './bytes.ts';
import { blake2b256 } from './hash.ts';
import { type Parsed, parsed, rejected } from './lines.ts';

export const ENVELOPE_MAGIC = Uint8Array.of(0x73, 0x63, 0x70); // "scp"
export const ENVELOPE_VERSION = 0;
/**
 * Entries in one GAR anchor: 1,000 pair entries make 64,010 bytes, inside the 64 KiB an indexer
 * accepts for one envelope (indexer/mapping.ts MAX_ENVELOPE_BYTES).
 */
export const MAX_GAR_ANCHOR_ENTRIES = 1000;

export const RecordFormat = { ScpJson: 0, DacProtobuf: 1 } as const;
export type RecordFormat = (typeof RecordFormat)[keyof typeof RecordFormat];

export interface DacBatchEnvelope {
  readonly kind: 'DacBatch';
  readonly clusterId: Uint8Array;
  readonly era: number;
  readonly batchIndex: number;
  readonly recordFormat: RecordFormat;
  readonly leafCount: number;
  readonly root: Uint8Array;
  readonly payloadHash: Uint8Array;
}

export interface GarAnchorEnvelope {
  readonly kind: 'GarAnchor';
  readonly entries: readonly Uint8Array[];
}

/** A pair-tagged GAR anchor: each entry names its (user, agent) pair and the version's hash. */
export interface GarPairAnchorEnvelope {
  readonly kind: 'GarPairAnchor';
  readonly entries: ReadonlyArray<{ readonly pair: Uint8Array; readonly hash: Uint8Array }>;
}

export type Envelope = DacBatchEnvelope | GarAnchorEnvelope | GarPairAnchorEnvelope;

/** The pair id a `GarPairAnchor` entry carries: blake2b256(user ‖ agent), both 32-byte keys. */
export function garPairId(user: Uint8Array, agent: Uint8Array): Uint8Array {
  return blake2b256(concatBytes(user, agent));
}

function header(kind: number): Uint8Array {
  return concatBytes(ENVELOPE_MAGIC, Uint8Array.of(ENVELOPE_VERSION, kind));
}

function u32(v: number): Uint8Array {
  return uintLE(BigInt(v), 4);
}

export function encodeEnvelope(e: Envelope): Uint8Array {
  if (e.kind === 'DacBatch') {
    if (e.clusterId.length !== 20 || e.root.length !== 32 || e.payloadHash.length !== 32) {
      throw new RangeError('encodeEnvelope: wrong field length');
    }
    return concatBytes(
      header(0),
      e.clusterId,
      u32(e.era),
      u32(e.batchIndex),
      Uint8Array.of(e.recordFormat),
      u32(e.leafCount),
      e.root,
      e.payloadHash
    );
  }
  if (e.entries.length > MAX_GAR_ANCHOR_ENTRIES)
    throw new RangeError('encodeEnvelope: too many entries');
  if (e.kind === 'GarPairAnchor') {
    for (const x of e.entries)
      if (x.pair.length !== 32 || x.hash.length !== 32)
        throw new RangeError('encodeEnvelope: entry length');
    return concatBytes(
      header(2),
      compactU(e.entries.length),
      ...e.entries.flatMap((x) => [x.pair, x.hash])
    );
  }
  for (const h of e.entries)
    if (h.length !== 32) throw new RangeError('encodeEnvelope: entry length');
  return concatBytes(header(1), compactU(e.entries.length), ...e.entries);
}

function readU32(b: Uint8Array, o: number): number {
  return (
    ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16)) +
    (b[o + 3] as number) * 0x1000000
  );
}

/** Decodes SCALE compact (modes 0-2; the big-integer mode is rejected: counts are small). */
function readCompact(b: Uint8Array, o: number): { value: number; size: number } | null {
  if (o >= b.length) return null;
  const first = b[o] as number;
  const mode = first & 3;
  if (mode === 0) return { value: first >> 2, size: 1 };
  if (mode === 1) {
    if (o + 2 > b.length) return null;
    const v = (first | ((b[o + 1] as number) << 8)) >> 2;
    return v < 64 ? null : { value: v, size: 2 }; // non-canonical
  }
  if (mode === 2) {
    if (o + 4 > b.length) return null;
    const v = readU32(b, o) / 4;
    return v < 1 << 14 ? null : { value: Math.floor(v), size: 4 };
  }
  return null;
}

export function decodeEnvelope(bytes: Uint8Array): Parsed<Envelope> {
  if (bytes.length > 3 + 2 + 5 + 64 * MAX_GAR_ANCHOR_ENTRIES)
    return rejected('TOO_LARGE', { length: bytes.length });
  if (bytes.length < 5) return rejected('BAD_LENGTH', { length: bytes.length, minimum: 5 });
  if (bytes[0] !== 0x73 || bytes[1] !== 0x63 || bytes[2] !== 0x70) {
    return rejected('BAD_ENCODING', { field: 'magic', expected: '0x736370 ("scp")' });
  }
  const version = bytes[3] as number;
  if (version !== ENVELOPE_VERSION) return rejected('UNSUPPORTED_VERSION', { version });
  const kind = bytes[4] as number;
  if (kind === 0) {
    if (bytes.length !== 102)
      return rejected('BAD_LENGTH', { length: bytes.length, expected: 102 });
    const recordFormat = bytes[33] as number;
    if (recordFormat !== 0 && recordFormat !== 1) {
      return rejected('UNSUPPORTED_KIND', { field: 'record_format', recordFormat });
    }
    return parsed({
      kind: 'DacBatch',
      clusterId: bytes.slice(5, 25),
      era: readU32(bytes, 25),
      batchIndex: readU32(bytes, 29),
      recordFormat: recordFormat as RecordFormat,
      leafCount: readU32(bytes, 34),
      root: bytes.slice(38, 70),
      payloadHash: bytes.slice(70, 102),
    });
  }
  if (kind === 1) {
    const c = readCompact(bytes, 5);
    if (!c) return rejected('BAD_ENCODING', { field: 'entries.length' });
    if (c.value > MAX_GAR_ANCHOR_ENTRIES) return rejected('TOO_LARGE', { entries: c.value });
    const start = 5 + c.size;
    if (bytes.length !== start + 32 * c.value) {
      return rejected('BAD_LENGTH', { length: bytes.length, expected: start + 32 * c.value });
    }
    const entries: Uint8Array[] = [];
    for (let i = 0; i < c.value; i++)
      entries.push(bytes.slice(start + 32 * i, start + 32 * (i + 1)));
    return parsed({ kind: 'GarAnchor', entries });
  }
  if (kind === 2) {
    const c = readCompact(bytes, 5);
    if (!c) return rejected('BAD_ENCODING', { field: 'entries.length' });
    if (c.value > MAX_GAR_ANCHOR_ENTRIES) return rejected('TOO_LARGE', { entries: c.value });
    const start = 5 + c.size;
    if (bytes.length !== start + 64 * c.value) {
      return rejected('BAD_LENGTH', { length: bytes.length, expected: start + 64 * c.value });
    }
    const entries: Array<{ pair: Uint8Array; hash: Uint8Array }> = [];
    for (let i = 0; i < c.value; i++) {
      const o = start + 64 * i;
      entries.push({ pair: bytes.slice(o, o + 32), hash: bytes.slice(o + 32, o + 64) });
    }
    return parsed({ kind: 'GarPairAnchor', entries });
  }
  return rejected('UNSUPPORTED_KIND', { kind });
}
