import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../verifier/bytes.ts';
import { decodeEnvelope, encodeEnvelope } from '../verifier/envelope.ts';
import { decodeBatchPayload, encodeBatchPayload } from '../verifier/receipts/dac-batch.ts';

const b = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('SCP anchor envelope (draft v0)', () => {
  it('encodes a DacBatch to the documented 102 bytes (golden vector)', () => {
    const env = encodeEnvelope({
      kind: 'DacBatch',
      clusterId: b(20, 0xcc),
      era: 7,
      batchIndex: 2,
      recordFormat: 0,
      leafCount: 8,
      root: b(32, 0xaa),
      payloadHash: b(32, 0xbb),
    });
    expect(env.length).toBe(102);
    expect(toHex(env)).toBe(
      '0x736370' +
        '00' +
        '00' +
        'cc'.repeat(20) +
        '07000000' +
        '02000000' +
        '00' +
        '08000000' +
        'aa'.repeat(32) +
        'bb'.repeat(32)
    );
    expect(decodeEnvelope(env)).toMatchObject({
      ok: true,
      value: { kind: 'DacBatch', era: 7, batchIndex: 2, leafCount: 8 },
    });
  });

  it('encodes a GarAnchor with a SCALE compact count (golden vector)', () => {
    const env = encodeEnvelope({ kind: 'GarAnchor', entries: [b(32, 1), b(32, 2)] });
    expect(toHex(env)).toBe('0x736370' + '00' + '01' + '08' + '01'.repeat(32) + '02'.repeat(32));
    expect(decodeEnvelope(env)).toMatchObject({ ok: true, value: { kind: 'GarAnchor' } });
  });

  it('rejects unknown versions and kinds, bad magic, short and trailing bytes', () => {
    const ok = encodeEnvelope({ kind: 'GarAnchor', entries: [] });
    expect(decodeEnvelope(Uint8Array.of(0x73, 0x63, 0x70, 1, 0))).toMatchObject({
      ok: false,
      code: 'UNSUPPORTED_VERSION',
    });
    expect(decodeEnvelope(Uint8Array.of(0x73, 0x63, 0x70, 0, 9))).toMatchObject({
      ok: false,
      code: 'UNSUPPORTED_KIND',
    });
    expect(decodeEnvelope(Uint8Array.of(0, 0, 0, 0, 0))).toMatchObject({
      ok: false,
      code: 'BAD_ENCODING',
    });
    expect(decodeEnvelope(Uint8Array.of(0x73))).toMatchObject({ ok: false, code: 'BAD_LENGTH' });
    expect(decodeEnvelope(new Uint8Array([...ok, 0]))).toMatchObject({
      ok: false,
      code: 'BAD_LENGTH',
    });
    // A non-canonical compact count (1 encoded in two bytes) is refused.
    expect(
      decodeEnvelope(Uint8Array.of(0x73, 0x63, 0x70, 0, 1, 0x05, 0x00, ...b(32, 1)))
    ).toMatchObject({ ok: false });
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodeEnvelope(bytes);
        if (r.ok) expect(toHex(encodeEnvelope(r.value))).toBe(toHex(bytes));
      }),
      { numRuns: 2000 }
    );
  });
});

describe('batch payloads', () => {
  it('round-trip in both record formats (property) and reject truncation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 20 }),
        (records) => {
          const proto = encodeBatchPayload(records, 1);
          const back = decodeBatchPayload(proto, 1);
          expect(back.ok && back.value.map(toHex)).toEqual(records.map(toHex));
          if (proto.length > 0)
            expect(decodeBatchPayload(proto.subarray(0, proto.length - 1), 1).ok).toBe(false);
          const lines = records.map((r) => r.map((x) => (x === 10 ? 32 : x)));
          const json = decodeBatchPayload(encodeBatchPayload(lines, 0), 0);
          expect(json.ok && json.value.map(toHex)).toEqual(lines.map(toHex));
        }
      )
    );
    expect(decodeBatchPayload(Uint8Array.of(0x7b, 0x7d), 0)).toMatchObject({ ok: false });
    expect(decodeBatchPayload(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x01), 1)).toMatchObject({
      ok: false,
    });
  });
});
