import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { concatBytes, parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import type { Line } from '../verifier/lines.ts';
import {
  decodeWith,
  MAX_DEPTH,
  MAX_INPUT_BYTES,
  ProtoWriter,
  type ProtoReader,
} from '../verifier/protobuf.ts';
import {
  ackSigningBytes,
  checkDacRecord,
  dacRecordFacts,
  decodeActivityRecord,
  emptyActivityAck,
  emptyActivityRecord,
  emptyActivityRequest,
  encodeActivityAcknowledgment,
  encodeActivityRecord,
  encodeActivityRequest,
  recordSigningBytes,
  requestSigningBytes,
  signActivityAck,
  signActivityRecord,
  signActivityRequest,
  type ActivityAcknowledgment,
  type ActivityFulfillment,
  type ActivityRecord,
  type ActivityRequest,
  type ActivityResponse,
  type Signature,
} from '../verifier/receipts/dac-record.ts';
import { pureBackend, type SignatureBackend } from '../verifier/signatures.ts';
import {
  buildDacVectors,
  edKey,
  serializeDacVectors,
  srKey,
  VECTORS_PATH,
  type DacVectorFile,
} from './gen/dac-vectors.ts';

// ---------------------------------------------------------------------------------------------
// The independent implementation: protobufjs over our own transcription of activity.proto

const PROTO_TEXT = readFileSync(new URL('./vectors/activity.proto', import.meta.url), 'utf8');
const root = protobuf.parse(PROTO_TEXT, { keepCase: true }).root;
root.resolveAll();
const PbRecord = root.lookupType('activity.ActivityRecord');
const PbRequest = root.lookupType('activity.ActivityRequest');
const PbAck = root.lookupType('activity.ActivityAcknowledgment');
const PbAuthToken = root.lookupType('activity.AuthToken');

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, defaults: true };

type PbObject = { [k: string]: unknown };

function sigToPb(s: Signature): PbObject {
  return { algorithm: s.algorithm, signer: s.signer, value: s.value };
}
function reqToPb(q: ActivityRequest, withSignature = true): PbObject {
  return {
    ...(q.parentRequest ? { parentRequest: reqToPb(q.parentRequest) } : {}),
    requestId: q.requestId,
    requestType: q.requestType,
    contentType: q.contentType,
    bucketId: q.bucketId.toString(),
    pieceCid: q.pieceCid,
    offset: q.offset.toString(),
    size: q.size.toString(),
    timestamp: q.timestamp.toString(),
    ...(q.signature && withSignature ? { signature: sigToPb(q.signature) } : {}),
  };
}
function ackToPb(a: ActivityAcknowledgment, withSignature = true): PbObject {
  return {
    requestId: a.requestId,
    bytesStoredOrDelivered: a.bytesStoredOrDelivered.toString(),
    timestamp: a.timestamp.toString(),
    cpuUnits: a.cpuUnits.toString(),
    gpuUnits: a.gpuUnits.toString(),
    ramUnits: a.ramUnits.toString(),
    ...(a.signature && withSignature ? { signature: sigToPb(a.signature) } : {}),
  };
}
function fulfillmentToPb(f: ActivityFulfillment): PbObject {
  return {
    ...(f.request ? { request: reqToPb(f.request) } : {}),
    ...(f.ack ? { ack: ackToPb(f.ack) } : {}),
    ...(f.response
      ? {
          response: {
            status: f.response.status,
            time: f.response.time,
            peerID: f.response.peerId,
          },
        }
      : {}),
  };
}
function recordToPb(r: ActivityRecord, withSignature = true): PbObject {
  return {
    id: r.id,
    ...(r.upstream ? { upstream: fulfillmentToPb(r.upstream) } : {}),
    downstream: r.downstream.map(fulfillmentToPb),
    timestamp: r.timestamp.toString(),
    ...(r.signature && withSignature ? { signature: sigToPb(r.signature) } : {}),
    ...(r.authToken ? { authToken: PbAuthToken.decode(r.authToken) } : {}),
  };
}

const pbEncode = (t: protobuf.Type, o: PbObject): Uint8Array =>
  new Uint8Array(t.encode(t.fromObject(o)).finish());

// protobufjs objects (toObject with defaults) back to our types.
const u8 = (v: unknown): Uint8Array => new Uint8Array(v as Uint8Array);
const big = (v: unknown): bigint => BigInt(v as string);
function sigFromPb(o: PbObject | null | undefined): Signature | undefined {
  if (!o) return undefined;
  return { algorithm: o['algorithm'] as number, signer: u8(o['signer']), value: u8(o['value']) };
}
function withOpt<T extends object>(obj: T, key: string, v: unknown): T {
  return v === undefined ? obj : { ...obj, [key]: v };
}
function reqFromPb(o: PbObject): ActivityRequest {
  let q: ActivityRequest = {
    requestId: o['requestId'] as string,
    requestType: o['requestType'] as number,
    contentType: o['contentType'] as number,
    bucketId: big(o['bucketId']),
    pieceCid: u8(o['pieceCid']),
    offset: big(o['offset']),
    size: big(o['size']),
    timestamp: big(o['timestamp']),
  };
  const parent = o['parentRequest'] as PbObject | undefined;
  if (parent) q = { parentRequest: reqFromPb(parent), ...q };
  return withOpt(q, 'signature', sigFromPb(o['signature'] as PbObject | null));
}
function ackFromPb(o: PbObject): ActivityAcknowledgment {
  return withOpt(
    {
      requestId: o['requestId'] as string,
      bytesStoredOrDelivered: big(o['bytesStoredOrDelivered']),
      timestamp: big(o['timestamp']),
      cpuUnits: big(o['cpuUnits']),
      gpuUnits: big(o['gpuUnits']),
      ramUnits: big(o['ramUnits']),
    },
    'signature',
    sigFromPb(o['signature'] as PbObject | null)
  );
}
function fulfillmentFromPb(o: PbObject): ActivityFulfillment {
  let f: ActivityFulfillment = {};
  if (o['request']) f = { ...f, request: reqFromPb(o['request'] as PbObject) };
  if (o['ack']) f = { ...f, ack: ackFromPb(o['ack'] as PbObject) };
  const resp = o['response'] as PbObject | undefined;
  if (resp) {
    f = {
      ...f,
      response: {
        status: resp['status'] as number,
        time: resp['time'] as number,
        peerId: u8(resp['peerID']),
      },
    };
  }
  return f;
}
/** Decodes with protobufjs; the AuthToken is re-encoded by protobufjs into opaque bytes. */
function pbDecodeRecord(bytes: Uint8Array): ActivityRecord {
  const msg = PbRecord.decode(bytes) as protobuf.Message & PbObject;
  const o = PbRecord.toObject(msg, TO_OBJECT) as PbObject;
  let r: ActivityRecord = {
    id: u8(o['id']),
    downstream: (o['downstream'] as PbObject[]).map(fulfillmentFromPb),
    timestamp: big(o['timestamp']),
  };
  if (o['upstream']) r = { ...r, upstream: fulfillmentFromPb(o['upstream'] as PbObject) };
  r = withOpt(r, 'signature', sigFromPb(o['signature'] as PbObject | null));
  const token = msg['authToken'] as protobuf.Message | undefined;
  if (token) r = { ...r, authToken: new Uint8Array(PbAuthToken.encode(token).finish()) };
  return r;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const U64_MAX = (1n << 64n) - 1n;
const u64 = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: 1n, max: 300n }),
  fc.bigInt({ min: 0n, max: U64_MAX }),
  fc.constant(U64_MAX)
);
const enum32 = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 5 }),
  fc.integer({ min: -0x80000000, max: 0x7fffffff })
);
const bytesArb = fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 48 }));
const strArb = fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 16 }));
const sigArb: fc.Arbitrary<Signature> = fc.record({
  algorithm: enum32,
  signer: bytesArb,
  value: bytesArb,
});

function requestArb(depth: number): fc.Arbitrary<ActivityRequest> {
  const base = {
    requestId: strArb,
    requestType: enum32,
    contentType: enum32,
    bucketId: u64,
    pieceCid: bytesArb,
    offset: u64,
    size: u64,
    timestamp: u64,
    signature: sigArb,
  };
  const requiredKeys = [
    'requestId',
    'requestType',
    'contentType',
    'bucketId',
    'pieceCid',
    'offset',
    'size',
    'timestamp',
  ] as const;
  if (depth === 0) return fc.record(base, { requiredKeys: [...requiredKeys] });
  return fc.record(
    { ...base, parentRequest: requestArb(depth - 1) },
    { requiredKeys: [...requiredKeys] }
  );
}
const ackArb: fc.Arbitrary<ActivityAcknowledgment> = fc.record(
  {
    requestId: strArb,
    bytesStoredOrDelivered: u64,
    timestamp: u64,
    cpuUnits: u64,
    gpuUnits: u64,
    ramUnits: u64,
    signature: sigArb,
  },
  {
    requiredKeys: [
      'requestId',
      'bytesStoredOrDelivered',
      'timestamp',
      'cpuUnits',
      'gpuUnits',
      'ramUnits',
    ],
  }
);
const responseArb: fc.Arbitrary<ActivityResponse> = fc.record({
  status: enum32,
  time: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffffffff })),
  peerId: bytesArb,
});
const fulfillmentArb: fc.Arbitrary<ActivityFulfillment> = fc.record(
  { request: requestArb(2), ack: ackArb, response: responseArb },
  { requiredKeys: [] }
);

const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
function authTokenObjArb(depth: number): fc.Arbitrary<PbObject> {
  const payload: { [k: string]: fc.Arbitrary<unknown> } = {
    subject: bytesArb,
    canDelegate: fc.boolean(),
    bucketId: u64.map(String),
    operations: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
    expiresAt: i64.map(String),
    pieceCid: bytesArb,
  };
  if (depth > 0) payload['prev'] = authTokenObjArb(depth - 1);
  return fc.record(
    {
      signature: sigArb.map(sigToPb),
      payload: fc.record(payload, { requiredKeys: [] }),
    },
    { requiredKeys: [] }
  );
}
const authTokenArb = authTokenObjArb(1).map((o) => pbEncode(PbAuthToken, o));

const recordArb: fc.Arbitrary<ActivityRecord> = fc.record(
  {
    id: bytesArb,
    upstream: fulfillmentArb,
    downstream: fc.array(fulfillmentArb, { maxLength: 3 }),
    timestamp: u64,
    signature: sigArb,
    authToken: authTokenArb,
  },
  { requiredKeys: ['id', 'downstream', 'timestamp'] }
);

function mustDecode(bytes: Uint8Array): ActivityRecord {
  const d = decodeActivityRecord(bytes);
  if (!d.ok) throw new Error(`decode failed: ${d.code} ${JSON.stringify(d.facts)}`);
  return d.value;
}

// ---------------------------------------------------------------------------------------------

describe('protobuf.ts wire reader/writer', () => {
  const readVarint = (bytes: number[]) =>
    decodeWith(Uint8Array.from(bytes), (r: ProtoReader) => r.varint());

  it('round-trips varint boundaries and accepts non-minimal varints (as prost does)', () => {
    for (const v of [0n, 1n, 127n, 128n, 16383n, 16384n, (1n << 63n) - 1n, 1n << 63n, U64_MAX]) {
      const bytes = new ProtoWriter().varint(v).finish();
      expect(decodeWith(bytes, (r) => r.varint())).toEqual({ ok: true, value: v });
    }
    expect(readVarint([0x80, 0x00])).toEqual({ ok: true, value: 0n });
    expect(readVarint([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).toEqual({
      ok: true,
      value: U64_MAX,
    });
  });

  it('rejects overlong, overflowing and truncated varints', () => {
    const kind = (bytes: number[]) => {
      const r = readVarint(bytes);
      return r.ok ? 'ok' : r.error.kind;
    };
    expect(kind([...Array(10).fill(0xff), 0x01])).toBe('varint-too-long');
    expect(kind([...Array(10).fill(0x80), 0x00])).toBe('varint-too-long');
    expect(kind([...Array(9).fill(0xff), 0x02])).toBe('varint-overflow');
    expect(kind([...Array(9).fill(0x80), 0x7f])).toBe('varint-overflow');
    expect(kind([0x80])).toBe('truncated');
    expect(kind([])).toBe('truncated');
  });

  it('checks tags, lengths and fixed-width skips against the frame', () => {
    const run = (bytes: number[]) => {
      const r = decodeWith(Uint8Array.from(bytes), (rd) => {
        while (!rd.done) rd.skipField(rd.tag());
        return true;
      });
      return r.ok ? 'ok' : r.error.kind;
    };
    expect(
      run([0x08, 0x96, 0x01, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1a, 0x01, 0xaa, 0x25, 1, 2, 3, 4])
    ).toBe('ok');
    expect(run([0x00, 0x01])).toBe('bad-field-number');
    expect(run([0x0b])).toBe('bad-wire-type'); // start group
    expect(run([0x0c])).toBe('bad-wire-type'); // end group
    expect(run([0x0e])).toBe('bad-wire-type');
    expect(run([0x0f])).toBe('bad-wire-type');
    expect(run([0x80, 0x80, 0x80, 0x80, 0x10, 0x00])).toBe('bad-field-number'); // key > u32
    expect(run([0x1a, 0x05, 0x01])).toBe('length-out-of-range');
    expect(run([0x11, 1, 2, 3])).toBe('truncated');
    expect(run([0x25, 1, 2])).toBe('truncated');
    // A 10-byte length of 2^63 never becomes a number.
    expect(run([0x1a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).toBe(
      'length-out-of-range'
    );
    // Largest field number (2^29 - 1), varint wire type.
    expect(run([0xf8, 0xff, 0xff, 0xff, 0x0f, 0x00])).toBe('ok');
  });

  it('limits depth and size, and never lets an exception escape', () => {
    const nested = (levels: number) => {
      let inner: Uint8Array = new Uint8Array(0);
      for (let i = 0; i < levels; i++) {
        inner = concatBytes(
          Uint8Array.of(0x0a),
          new ProtoWriter().varint(inner.length).finish(),
          inner
        );
      }
      return inner;
    };
    const walk = (r: ProtoReader): number => {
      let d = 0;
      while (!r.done) {
        r.tag();
        d = Math.max(d, 1 + r.message('n', walk));
      }
      return d;
    };
    expect(decodeWith(nested(MAX_DEPTH), walk)).toEqual({ ok: true, value: MAX_DEPTH });
    const deep = decodeWith(nested(MAX_DEPTH + 1), walk);
    expect(deep.ok ? 'ok' : deep.error.kind).toBe('too-deep');
    const big = decodeWith(new Uint8Array(MAX_INPUT_BYTES + 1), () => 0);
    expect(big.ok ? 'ok' : big.error).toMatchObject({ kind: 'too-large', limit: MAX_INPUT_BYTES });
    const bug = decodeWith(Uint8Array.of(1), () => {
      throw new TypeError('a bug');
    });
    expect(bug.ok ? 'ok' : bug.error.kind).toBe('internal');
    // A body that stops early is caught too.
    const early = decodeWith(Uint8Array.of(8, 1), () => 0);
    expect(early.ok ? 'ok' : early.error.kind).toBe('internal');
  });

  it('writes int32 negatives as 10-byte varints and rejects out-of-range values', () => {
    expect(toHex(new ProtoWriter().int32Field(1, -1).finish())).toBe('0x08ffffffffffffffffff01');
    expect(() => new ProtoWriter().varint(-1n)).toThrow(RangeError);
    expect(() => new ProtoWriter().varint(U64_MAX + 1n)).toThrow(RangeError);
    expect(() => new ProtoWriter().uint32Field(1, 2 ** 32)).toThrow(RangeError);
    expect(() => new ProtoWriter().int32Field(1, 2 ** 31)).toThrow(RangeError);
    expect(() => new ProtoWriter().tag(0, 0)).toThrow(RangeError);
    expect(() => new ProtoWriter().int64Field(1, 1n << 63n)).toThrow(RangeError);
    expect(toHex(new ProtoWriter().int64Field(1, -2n).finish())).toBe('0x08feffffffffffffffff01');
  });
});

describe('cross-check against protobufjs (independent implementation)', () => {
  it('encodes records byte-identically to protobufjs', () => {
    fc.assert(
      fc.property(recordArb, (rec) => {
        expect(toHex(encodeActivityRecord(rec))).toBe(toHex(pbEncode(PbRecord, recordToPb(rec))));
        expect(toHex(recordSigningBytes(rec))).toBe(
          toHex(pbEncode(PbRecord, recordToPb(rec, false)))
        );
      }),
      { numRuns: 400 }
    );
  });

  it('encodes requests and acks (and their signing bytes) byte-identically', () => {
    fc.assert(
      fc.property(requestArb(3), ackArb, (req, ack) => {
        expect(toHex(encodeActivityRequest(req))).toBe(toHex(pbEncode(PbRequest, reqToPb(req))));
        expect(toHex(requestSigningBytes(req))).toBe(
          toHex(pbEncode(PbRequest, reqToPb(req, false)))
        );
        expect(toHex(encodeActivityAcknowledgment(ack))).toBe(toHex(pbEncode(PbAck, ackToPb(ack))));
        expect(toHex(ackSigningBytes(ack))).toBe(toHex(pbEncode(PbAck, ackToPb(ack, false))));
      }),
      { numRuns: 400 }
    );
  });

  it("decodes protobufjs' bytes back to the same values, and protobufjs decodes ours", () => {
    fc.assert(
      fc.property(recordArb, (rec) => {
        const pbBytes = pbEncode(PbRecord, recordToPb(rec));
        expect(mustDecode(pbBytes)).toEqual(rec);
        expect(pbDecodeRecord(encodeActivityRecord(rec))).toEqual(rec);
      }),
      { numRuns: 300 }
    );
  });

  it('skips unknown fields of wire types 0/1/2/5 anywhere, as protobufjs and prost do', () => {
    const unknownField = fc.oneof(
      fc
        .tuple(fc.integer({ min: 16, max: 1000 }), u64)
        .map(([f, v]) => new ProtoWriter().uint64Field(f, v).finish()),
      fc
        .tuple(fc.integer({ min: 16, max: 1000 }), fc.uint8Array({ minLength: 8, maxLength: 8 }))
        .map(([f, b]) => new ProtoWriter().tag(f, 1).raw(b).finish()),
      fc
        .tuple(fc.integer({ min: 16, max: 1000 }), bytesArb)
        .map(([f, b]) => new ProtoWriter().bytesField(f, b).finish()),
      fc
        .tuple(fc.integer({ min: 16, max: 1000 }), fc.uint8Array({ minLength: 4, maxLength: 4 }))
        .map(([f, b]) => new ProtoWriter().tag(f, 5).raw(b).finish())
    );
    fc.assert(
      fc.property(recordArb, fc.array(unknownField, { maxLength: 4 }), (rec, extra) => {
        const bytes = concatBytes(...extra, encodeActivityRecord(rec), ...extra);
        expect(mustDecode(bytes)).toEqual(rec);
        expect(pbDecodeRecord(bytes)).toEqual(rec);
        // Re-encoding drops them, so the signing bytes are those of the clean record.
        expect(toHex(recordSigningBytes(mustDecode(bytes)))).toBe(toHex(recordSigningBytes(rec)));
      }),
      { numRuns: 200 }
    );
  });

  it('merges repeated sub-messages and lets later scalars win (prost and protobufjs semantics)', () => {
    fc.assert(
      fc.property(recordArb, recordArb, (a, b) => {
        // Concatenating two encodings is the protobuf definition of merging them.
        const bytes = concatBytes(encodeActivityRecord(a), encodeActivityRecord(b));
        expect(mustDecode(bytes)).toEqual(pbDecodeRecord(bytes));
      }),
      { numRuns: 200 }
    );
  });

  it('whenever our decoder accepts mutated bytes, protobufjs reads the same values', () => {
    const mutated = fc
      .tuple(
        recordArb,
        fc.array(
          fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })),
          { minLength: 1, maxLength: 4 }
        )
      )
      .map(([rec, edits]) => {
        const bytes = Array.from(encodeActivityRecord(rec));
        for (const [p, op, v] of edits) {
          if (bytes.length === 0) break;
          const i = p % bytes.length;
          if (op === 0) bytes[i] = v;
          else if (op === 1) bytes[i] = (bytes[i] as number) ^ (1 << (v & 7));
          else if (op === 2) bytes.splice(i, 1);
          else bytes.splice(i, 0, v);
        }
        return Uint8Array.from(bytes);
      });
    let accepted = 0;
    fc.assert(
      fc.property(mutated, (bytes) => {
        const ours = decodeActivityRecord(bytes);
        if (!ours.ok) return;
        accepted++;
        expect(pbDecodeRecord(bytes)).toEqual(ours.value);
      }),
      { numRuns: 1000 }
    );
    expect(accepted).toBeGreaterThan(0);
  });

  describe('documented differences: protobufjs is laxer than prost; we follow prost', () => {
    const rejectsWith = (hex: string) => {
      const d = decodeActivityRecord(parseHex(hex) as Uint8Array);
      return d.ok ? 'ok' : `${d.code}:${String(d.facts['error'])}`;
    };
    const pbAccepts = (hex: string) => {
      try {
        PbRecord.decode(parseHex(hex) as Uint8Array);
        return true;
      } catch {
        return false;
      }
    };

    it('a known field with the wrong wire type: prost errors, protobufjs skips it', () => {
      // timestamp (field 4, uint64) sent as length-delimited
      const hex = '0x220101';
      expect(pbAccepts(hex)).toBe(true);
      expect(rejectsWith(hex)).toBe('MALFORMED:wrong-wire-type');
    });

    it('a 10-byte varint above 2^64: prost errors, protobufjs drops the high bits', () => {
      const hex = `0x20${'ff'.repeat(9)}7f`;
      expect(pbAccepts(hex)).toBe(true);
      expect(rejectsWith(hex)).toBe('BAD_ENCODING:varint-overflow');
    });

    it('groups (wire types 3/4): prost and protobufjs skip them, we reject them', () => {
      const hex = '0x7b087f7c'; // field 15 start group, field 1 varint, field 15 end group
      expect(pbAccepts(hex)).toBe(true);
      expect(rejectsWith(hex)).toBe('BAD_ENCODING:bad-wire-type');
    });
  });
});

describe('decodeActivityRecord: hostile input', () => {
  const vectors = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as DacVectorFile;
  const first = parseHex(vectors.vectors[0]?.hex) as Uint8Array;
  const CODES = ['BAD_ENCODING', 'TOO_LARGE', 'MALFORMED'];

  const assertDecodeFailureLine = (lines: Line[]) => {
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ check: 'record.decode', ok: false, step: 'record' });
    expect(CODES).toContain(lines[0]?.code);
  };

  it('a value that is not a Uint8Array (hostile JS caller) is rejected, not thrown', () => {
    for (const v of [null, undefined, 'abc', 42, {}, [1, 2]]) {
      const d = decodeActivityRecord(v as unknown as Uint8Array);
      expect(d).toMatchObject({ ok: false, code: 'MALFORMED', facts: { error: 'not-bytes' } });
      const lines = checkDacRecord(v as unknown as Uint8Array, pureBackend);
      expect(lines).toMatchObject([{ check: 'record.decode', code: 'MALFORMED' }]);
    }
  });

  it('the empty record decodes to the empty value', () => {
    expect(decodeActivityRecord(new Uint8Array(0))).toEqual({
      ok: true,
      value: emptyActivityRecord(),
    });
    expect(encodeActivityRecord(emptyActivityRecord())).toEqual(new Uint8Array(0));
  });

  it('random garbage gives a reason code or lines, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const d = decodeActivityRecord(bytes);
        if (!d.ok) {
          expect(CODES).toContain(d.code);
          expect(d.facts['error']).not.toBe('internal');
          assertDecodeFailureLine(checkDacRecord(bytes, pureBackend));
        } else {
          const lines = checkDacRecord(bytes, pureBackend);
          expect(lines.every((l) => l.ok)).toBe(false);
        }
      }),
      { numRuns: 2000 }
    );
  });

  it('every truncation of a signed record fails decoding or a signature line', () => {
    for (const v of vectors.vectors.slice(0, 3)) {
      const bytes = parseHex(v.hex) as Uint8Array;
      for (let n = 0; n < bytes.length; n++) {
        const lines = checkDacRecord(bytes.subarray(0, n), pureBackend);
        expect(
          lines.every((l) => l.ok),
          `${v.name} truncated to ${n}`
        ).toBe(false);
      }
    }
  });

  it('a varint of 11 bytes and a 10-byte varint overflowing u64 are BAD_ENCODING', () => {
    const long = Uint8Array.of(0x20, ...Array(10).fill(0xff), 0x01);
    expect(decodeActivityRecord(long)).toEqual({
      ok: false,
      code: 'BAD_ENCODING',
      facts: { error: 'varint-too-long', offset: 1 },
    });
    const over = Uint8Array.of(0x20, ...Array(9).fill(0xff), 0x02);
    expect(decodeActivityRecord(over)).toMatchObject({ facts: { error: 'varint-overflow' } });
    const max = Uint8Array.of(0x20, ...Array(9).fill(0xff), 0x01);
    expect(mustDecode(max).timestamp).toBe(U64_MAX);
  });

  it('a length prefix past the end is BAD_ENCODING, with the offset and path', () => {
    expect(decodeActivityRecord(Uint8Array.of(0x0a, 0x05, 1, 2))).toEqual({
      ok: false,
      code: 'BAD_ENCODING',
      facts: { error: 'length-out-of-range', offset: 1 },
    });
    // Inside upstream.request: the request claims 9 bytes, its frame has 2.
    const inner = Uint8Array.of(0x12, 0x04, 0x0a, 0x09, 0x10, 0x01);
    expect(decodeActivityRecord(inner)).toEqual({
      ok: false,
      code: 'BAD_ENCODING',
      facts: { error: 'length-out-of-range', offset: 3, path: 'upstream' },
    });
    // A sub-message frame cannot be overrun by its contents: a varint cut by the frame end.
    const cut = Uint8Array.of(0x12, 0x03, 0x0a, 0x01, 0x28, 0x01);
    expect(decodeActivityRecord(cut)).toEqual({
      ok: false,
      code: 'BAD_ENCODING',
      facts: { error: 'truncated', offset: 5, path: 'upstream.request' },
    });
  });

  it('a known field with the wrong wire type is MALFORMED with the field number', () => {
    // upstream.request.bucketId (field 5) as fixed32
    const bytes = Uint8Array.of(0x12, 0x08, 0x0a, 0x06, 0x2d, 1, 2, 3, 4, 0x00);
    const d = decodeActivityRecord(bytes);
    expect(d).toMatchObject({
      ok: false,
      code: 'MALFORMED',
      facts: { error: 'wrong-wire-type', field: 5, wireType: 5, path: 'upstream.request' },
    });
  });

  it('invalid UTF-8 in a string field is BAD_ENCODING (prost validates strings)', () => {
    const bytes = Uint8Array.of(0x12, 0x06, 0x0a, 0x04, 0x12, 0x02, 0xc3, 0x28);
    expect(decodeActivityRecord(bytes)).toMatchObject({
      code: 'BAD_ENCODING',
      facts: { error: 'bad-utf8', path: 'upstream.request' },
    });
  });

  const nestedParents = (levels: number): Uint8Array => {
    // upstream { request { parentRequest { parentRequest { ... } } } }, built inside out
    let inner: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < levels; i++) {
      inner = new ProtoWriter().bytesField(1, inner).finish();
    }
    const request = new ProtoWriter().bytesField(1, inner).finish(); // fulfillment.request
    return new ProtoWriter().bytesField(2, request).finish(); // record.upstream
  };

  it('deep parentRequest nesting (10,000 levels) is TOO_LARGE, not a stack overflow', () => {
    const bytes = nestedParents(10_000);
    const d = decodeActivityRecord(bytes);
    expect(d).toMatchObject({
      ok: false,
      code: 'TOO_LARGE',
      facts: { error: 'too-deep', limit: 32 },
    });
    assertDecodeFailureLine(checkDacRecord(bytes, pureBackend));
    // The limit: record(0) > upstream(1) > request(2) > 30 parents reach depth 32.
    expect(decodeActivityRecord(nestedParents(30)).ok).toBe(true);
    expect(decodeActivityRecord(nestedParents(31)).ok).toBe(false);
  });

  it('inputs over 4 MiB are TOO_LARGE; exactly 4 MiB is read', () => {
    const huge = new Uint8Array(5 * 1024 * 1024);
    const d = decodeActivityRecord(huge);
    expect(d).toEqual({
      ok: false,
      code: 'TOO_LARGE',
      facts: { error: 'too-large', offset: 0, limit: MAX_INPUT_BYTES, size: huge.length },
    });
    assertDecodeFailureLine(checkDacRecord(huge, pureBackend));
    // id = bytes field with a 4-byte length prefix: 1 + 4 + n = 4 MiB
    const n = MAX_INPUT_BYTES - 5;
    const exact = new ProtoWriter().bytesField(1, new Uint8Array(n)).finish();
    expect(exact.length).toBe(MAX_INPUT_BYTES);
    const ok = decodeActivityRecord(exact);
    expect(ok.ok && ok.value.id.length).toBe(n);
  });

  it('exposes the AuthToken as opaque bytes: its canonical re-encoding, as prost signs it', () => {
    const rec = mustDecode(first);
    const sig = new ProtoWriter().bytesField(2, Uint8Array.of(7)).finish();
    const payload = new ProtoWriter()
      .tag(5, 0)
      .varint(2) // one unpacked operation
      .boolField(3, false) // optional: kept although false
      .uint64Field(99, 5n) // unknown: dropped
      .finish();
    // Non-canonical: payload before signature, unpacked repeated enum, an unknown field.
    const token = new ProtoWriter().bytesField(2, payload).bytesField(1, sig).finish();
    const decoded = mustDecode(encodeActivityRecord({ ...rec, authToken: token }));
    const canonical = new ProtoWriter()
      .bytesField(1, sig)
      .bytesField(2, new ProtoWriter().boolField(3, false).bytesField(5, Uint8Array.of(2)).finish())
      .finish();
    expect(toHex(decoded.authToken as Uint8Array)).toBe(toHex(canonical));
    expect(toHex(new Uint8Array(PbAuthToken.encode(PbAuthToken.decode(token)).finish()))).toBe(
      toHex(canonical)
    );
    const bad = encodeActivityRecord({ ...rec, authToken: Uint8Array.of(0x12, 0x02, 0x0a, 0x07) });
    expect(decodeActivityRecord(bad)).toMatchObject({
      code: 'BAD_ENCODING',
      facts: { path: 'authToken.payload', error: 'length-out-of-range' },
    });
  });
});

describe('golden vectors', () => {
  const file = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as DacVectorFile;

  it('test/gen/dac-vectors.ts reproduces test/vectors/dac-records.json byte for byte', () => {
    expect(serializeDacVectors(buildDacVectors())).toBe(readFileSync(VECTORS_PATH, 'utf8'));
  });

  it('covers ed25519 and sr25519 signers, PUT with pieceCid, GET with downstream, COMPUTE units and the pieceCid retry', () => {
    const facts = file.vectors.map((v) => v.lines[0]?.facts ?? {});
    const algorithms = new Set(
      file.vectors.flatMap((v) => v.lines.map((l) => l.facts['algorithm'])).filter(Boolean)
    );
    expect([...algorithms].sort()).toEqual(['ed25519', 'sr25519', 'unknown(2)']);
    expect(facts.some((f) => String(f['requestTypes']) === 'PUT' && f['pieceCid'] !== null)).toBe(
      true
    );
    expect(facts.some((f) => f['downstreamCount'] === 2)).toBe(true);
    expect(facts.some((f) => f['cpuUnits'] === '1500' && f['gpuUnits'] === '250')).toBe(true);
    expect(
      file.vectors.some((v) => v.lines.some((l) => l.ok && l.facts['verifiedWithoutPieceCid']))
    ).toBe(true);
  });

  for (const v of file.vectors) {
    it(`${v.name}: checkDacRecord gives the recorded lines`, () => {
      const bytes = parseHex(v.hex) as Uint8Array;
      const lines = checkDacRecord(bytes, pureBackend);
      expect(lines).toEqual(v.lines);
      expect(lines.map((l) => [l.check, l.code])).toEqual(v.expect);
      // Decoding and re-encoding is the identity on these canonical encodings.
      expect(toHex(encodeActivityRecord(mustDecode(bytes)))).toBe(v.hex);
      // protobufjs agrees on the bytes and the values.
      expect(toHex(pbEncode(PbRecord, recordToPb(mustDecode(bytes))))).toBe(v.hex);
      expect(pbDecodeRecord(bytes)).toEqual(mustDecode(bytes));
      // Every line carries the source when one is given.
      const source = { block: 7, url: 'https://example.invalid/record' };
      expect(checkDacRecord(bytes, pureBackend, source).every((l) => l.source === source)).toBe(
        true
      );
    });
  }

  it('put-cid-added-by-node: passes only on the pieceCid-cleared retry; its facts say so', () => {
    const v = file.vectors.find((x) => x.name === 'put-cid-added-by-node');
    const line = v?.lines.find((l) => l.check === 'record.upstream.request.signature');
    expect(line?.ok).toBe(true);
    expect(line?.facts['verifiedWithoutPieceCid']).toBe(true);
    // Without the retry rule the client signature does not cover these bytes.
    const rec = mustDecode(parseHex(v?.hex) as Uint8Array);
    const req = rec.upstream?.request as ActivityRequest;
    const sig = req.signature as Signature;
    expect(pureBackend.verify('ed25519', sig.value, requestSigningBytes(req), sig.signer)).toBe(
      false
    );
  });
});

describe('checkDacRecord: signature lines', () => {
  const client = edKey('client');
  const node = srKey('storage node', 'tests');
  const base: ActivityRecord = {
    id: Uint8Array.of(1, 2, 3),
    downstream: [],
    timestamp: 1_700_000_000_000n,
  };
  const req = signActivityRequest(
    {
      ...emptyActivityRequest(),
      requestId: 'r',
      requestType: 0,
      bucketId: 9n,
      pieceCid: Uint8Array.of(0xc1, 0xd0),
      size: 3n,
      timestamp: 5n,
    },
    client
  );
  const ack = signActivityAck(
    { ...emptyActivityAck(), requestId: 'r', bytesStoredOrDelivered: 3n },
    client
  );
  const good = signActivityRecord({ ...base, upstream: { request: req, ack } }, node);
  const lineOf = (rec: ActivityRecord, check: string) =>
    checkDacRecord(encodeActivityRecord(rec), pureBackend).find((l) => l.check === check);

  it('passes a well-signed record, with signer and algorithm facts on every signature line', () => {
    const lines = checkDacRecord(encodeActivityRecord(good), pureBackend);
    expect(lines.map((l) => [l.check, l.ok])).toEqual([
      ['record.decode', true],
      ['record.signature.node', true],
      ['record.upstream.request.signature', true],
      ['record.upstream.ack.signature', true],
    ]);
    for (const l of lines.slice(1)) {
      expect(l.rule).toBe('cere:dac-protobuf');
      expect(l.step).toBe('record');
      expect(String(l.facts['signer'])).toMatch(/^0x[0-9a-f]{64}$/);
      expect(['ed25519', 'sr25519']).toContain(l.facts['algorithm']);
      expect(typeof l.facts['signedBytes']).toBe('number');
    }
    expect(lines[1]?.facts['algorithm']).toBe('sr25519');
  });

  it('missing signature → SIG_MISSING', () => {
    const unsigned: ActivityRecord = { ...good, signature: undefined };
    expect(lineOf(unsigned, 'record.signature.node')).toMatchObject({
      ok: false,
      code: 'SIG_MISSING',
      facts: { signer: null, algorithm: null },
    });
  });

  it('unknown algorithm → UNSUPPORTED_KIND', () => {
    const sig = good.signature as Signature;
    expect(
      lineOf({ ...good, signature: { ...sig, algorithm: 9 } }, 'record.signature.node')
    ).toMatchObject({
      code: 'UNSUPPORTED_KIND',
      facts: { algorithm: 'unknown(9)', algorithmId: 9 },
    });
    expect(
      lineOf({ ...good, signature: { ...sig, algorithm: -1 } }, 'record.signature.node')?.code
    ).toBe('UNSUPPORTED_KIND');
  });

  it('wrong key or signature length → BAD_LENGTH', () => {
    const sig = good.signature as Signature;
    expect(
      lineOf(
        { ...good, signature: { ...sig, signer: sig.signer.subarray(1) } },
        'record.signature.node'
      )
    ).toMatchObject({ code: 'BAD_LENGTH', facts: { signerLength: 31, signatureLength: 64 } });
    expect(
      lineOf({ ...good, signature: { ...sig, value: new Uint8Array(65) } }, 'record.signature.node')
    ).toMatchObject({ code: 'BAD_LENGTH', facts: { signatureLength: 65 } });
  });

  it('a signature of the other algorithm, or by another key → SIG_INVALID', () => {
    const sig = good.signature as Signature;
    expect(
      lineOf({ ...good, signature: { ...sig, algorithm: 0 } }, 'record.signature.node')?.code
    ).toBe('SIG_INVALID');
    const other = signActivityRecord(good, edKey('someone else'));
    const forged = {
      ...good,
      signature: { ...(other.signature as Signature), signer: sig.signer, algorithm: 0 },
    };
    expect(lineOf(forged, 'record.signature.node')?.code).toBe('SIG_INVALID');
  });

  it('a request whose signature fails with and without pieceCid reports the retry', () => {
    const tampered = { ...req, size: 4n };
    const rec = signActivityRecord({ ...base, upstream: { request: tampered, ack } }, node);
    expect(lineOf(rec, 'record.upstream.request.signature')).toMatchObject({
      ok: false,
      code: 'SIG_INVALID',
      facts: { retriedWithoutPieceCid: true },
    });
    // No pieceCid: nothing to retry.
    const noCid = signActivityRecord(
      { ...base, upstream: { request: { ...tampered, pieceCid: new Uint8Array(0) } } },
      node
    );
    const line = lineOf(noCid, 'record.upstream.request.signature');
    expect(line?.code).toBe('SIG_INVALID');
    expect(line?.facts['retriedWithoutPieceCid']).toBeUndefined();
  });

  it('the retry applies to the request only: a node signature never passes without pieceCid', () => {
    const rec = signActivityRecord({ ...base, upstream: { request: req, ack } }, node);
    const stripped = {
      ...rec,
      upstream: { request: { ...req, pieceCid: Uint8Array.of(0xee) }, ack },
    };
    expect(lineOf(stripped, 'record.signature.node')?.code).toBe('SIG_INVALID');
  });

  it('checks downstream fulfillments and the parent request, one level deep as verification.rs', () => {
    const child = signActivityRequest(
      { ...emptyActivityRequest(), requestId: 'child', parentRequest: req },
      node
    );
    const grandchild = signActivityRequest(
      {
        ...emptyActivityRequest(),
        requestId: 'grandchild',
        parentRequest: { ...child, parentRequest: { ...req, signature: undefined } },
      },
      node
    );
    const rec = signActivityRecord(
      {
        ...base,
        upstream: { request: req },
        downstream: [{ request: child }, { request: grandchild, ack }],
      },
      node
    );
    const lines = checkDacRecord(encodeActivityRecord(rec), pureBackend);
    expect(lines.map((l) => [l.check, l.code])).toEqual([
      ['record.decode', null],
      ['record.signature.node', null],
      ['record.upstream.request.signature', null],
      ['record.downstream[0].request.signature', null],
      ['record.downstream[0].request.parentRequest.signature', null],
      ['record.downstream[1].request.signature', null],
      // the parent of grandchild is `child` minus its own parent's signature: child's signature
      // covered a signed parent, so it no longer verifies.
      ['record.downstream[1].request.parentRequest.signature', 'SIG_INVALID'],
      ['record.downstream[1].ack.signature', null],
    ]);
  });

  it('uses the backend it is given', () => {
    const calls: string[] = [];
    const spy: SignatureBackend = {
      name: 'spy',
      verify(alg, sig, msg, pk) {
        calls.push(alg);
        return pureBackend.verify(alg, sig, msg, pk);
      },
    };
    checkDacRecord(encodeActivityRecord(good), spy);
    expect(calls).toEqual(['sr25519', 'ed25519', 'ed25519']);
    const never: SignatureBackend = { name: 'never', verify: () => false };
    const lines = checkDacRecord(encodeActivityRecord(good), never);
    expect(lines.slice(1).every((l) => l.code === 'SIG_INVALID')).toBe(true);
  });

  it('sr25519 signing is deterministic given the randomness, and differs with other randomness', () => {
    const a = signActivityRecord(base, srKey('n', 'x')).signature as Signature;
    const b = signActivityRecord(base, srKey('n', 'x')).signature as Signature;
    const c = signActivityRecord(base, srKey('n', 'y')).signature as Signature;
    expect(toHex(a.value)).toBe(toHex(b.value));
    expect(toHex(a.value)).not.toBe(toHex(c.value));
  });

  it('dacRecordFacts gives display facts', () => {
    const f = dacRecordFacts(good);
    expect(f).toMatchObject({
      id: '0x010203',
      timestamp: '1700000000000',
      requestTypes: ['PUT'],
      bucketIds: ['9'],
      bytes: '3',
      cpuUnits: '0',
      nodeAlgorithm: 'sr25519',
      clients: [toHex(good.upstream?.request?.signature?.signer as Uint8Array)],
    });
    expect(dacRecordFacts(base)).toMatchObject({ node: null, upstream: false, requestTypes: [] });
  });

  it('the record signature covers the nested client signatures', () => {
    const sig = ack.signature as Signature;
    const altered = {
      ...good,
      upstream: {
        request: req,
        ack: { ...ack, signature: { ...sig, value: sig.value.slice().reverse() } },
      },
    };
    const lines = checkDacRecord(encodeActivityRecord(altered), pureBackend);
    expect(lines.find((l) => l.check === 'record.signature.node')?.code).toBe('SIG_INVALID');
    expect(lines.find((l) => l.check === 'record.upstream.ack.signature')?.code).toBe(
      'SIG_INVALID'
    );
  });

  it('signing bytes of a string use UTF-8', () => {
    const q = { ...emptyActivityRequest(), requestId: 'é' };
    expect(toHex(requestSigningBytes(q))).toBe(
      toHex(concatBytes(Uint8Array.of(0x12, 2), utf8('é')))
    );
  });
});

describe('single-bit flips of signed records', () => {
  const file = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as DacVectorFile;
  const passing = file.vectors.filter((v) => v.lines.every((l) => l.ok));

  for (const v of passing) {
    it(`${v.name}: every flip fails decoding or a signature line, never throws`, () => {
      const bytes = parseHex(v.hex) as Uint8Array;
      const total = bytes.length * 8;
      // All bits of the ed25519 PUT vector; a seeded sample of 250 bits for the others.
      const positions =
        v.name === 'put-ed25519'
          ? Array.from({ length: total }, (_, i) => i)
          : fc.sample(fc.integer({ min: 0, max: total - 1 }), { numRuns: 250, seed: 42 });
      let decodeFailures = 0;
      for (const bit of positions) {
        const flipped = bytes.slice();
        flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
        const lines = checkDacRecord(flipped, pureBackend);
        const failed = lines.filter((l) => !l.ok);
        expect(failed.length, `${v.name} bit ${bit}`).toBeGreaterThan(0);
        if (lines[0]?.ok === false) decodeFailures++;
        else expect(failed.every((l) => l.check !== 'record.decode')).toBe(true);
      }
      expect(decodeFailures).toBeLessThan(positions.length);
    });
  }
});
