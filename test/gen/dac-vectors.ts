/**
 * Deterministic generator of the DAC `ActivityRecord` golden vectors, `test/vectors/dac-records.json`.
 *
 *   npx tsx test/gen/dac-vectors.ts          # rewrites the JSON file
 *
 * Keys and sr25519 nonce randomness are derived from fixed labels with blake2b-256, so every run
 * produces the same bytes. Each vector carries a hand-written verdict summary (`expect`): the
 * generator refuses to write a file whose computed lines disagree with it. The test
 * (`test/dac-record.test.ts`) rebuilds the vectors, compares them with the file and re-checks them.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { secretFromSeed } from '@scure/sr25519';
import { toHex, utf8 } from '../../verifier/bytes.ts';
import { blake2b256 } from '../../verifier/hash.ts';
import type { Line, ReasonCode } from '../../verifier/lines.ts';
import { ProtoWriter } from '../../verifier/protobuf.ts';
import {
  checkDacRecord,
  ContentType,
  dacPublicKey,
  emptyActivityAck,
  emptyActivityRequest,
  encodeActivityRecord,
  RequestType,
  ResponseStatus,
  signActivityAck,
  signActivityRecord,
  signActivityRequest,
  type ActivityAcknowledgment,
  type ActivityRecord,
  type ActivityRequest,
  type DacSigningKey,
} from '../../verifier/receipts/dac-record.ts';
import { pureBackend } from '../../verifier/signatures.ts';

export const VECTORS_PATH = fileURLToPath(new URL('../vectors/dac-records.json', import.meta.url));

const label = (s: string): Uint8Array => blake2b256(utf8(`proofroom dac vector: ${s}`));

export function edKey(name: string): DacSigningKey {
  return { algorithm: 'ed25519', secretKey: label(`ed25519 ${name}`) };
}
/** sr25519 key; `nonce` varies the signing randomness so two signatures by one key differ. */
export function srKey(name: string, nonce: string): DacSigningKey {
  return {
    algorithm: 'sr25519',
    secretKey: secretFromSeed(label(`sr25519 ${name}`)),
    random: label(`sr25519 random ${name} ${nonce}`),
  };
}

/** A CIDv1 (raw codec 0x55, blake2b-256 multihash 0xb220) of `content`, as bytes. */
function pieceCid(content: string): Uint8Array {
  const digest = blake2b256(utf8(content));
  return Uint8Array.from([0x01, 0x55, 0xa0, 0xe4, 0x02, 0x20, ...digest]);
}

const T0 = 1_767_225_600_000n; // 2026-01-01T00:00:00Z in milliseconds

function request(fields: Partial<ActivityRequest>): ActivityRequest {
  return { ...emptyActivityRequest(), ...fields };
}
function ack(fields: Partial<ActivityAcknowledgment>): ActivityAcknowledgment {
  return { ...emptyActivityAck(), ...fields };
}

/** An `AuthToken { signature, payload { subject, canDelegate, bucketId, operations, expiresAt } }`. */
function authToken(): Uint8Array {
  const owner = edKey('bucket owner');
  const w = new ProtoWriter();
  w.messageField(1, (s) => {
    s.bytesField(2, dacPublicKey(owner));
    s.bytesField(3, new Uint8Array(64).fill(0x5a));
  });
  w.messageField(2, (p) => {
    p.bytesField(2, dacPublicKey(edKey('client')));
    p.boolField(3, false);
    p.uint64Field(4, 42n);
    p.tag(5, 2).varint(2).raw(Uint8Array.of(1, 2));
    p.int64Field(6, T0 + 86_400_000n);
  });
  return w.finish();
}

export interface DacVector {
  readonly name: string;
  readonly description: string;
  /** Public keys (0x-hex) by role. */
  readonly signers: Readonly<Record<string, string>>;
  /** The encoded record. */
  readonly hex: string;
  /** Hand-written verdict summary: [check, code or null when ok]. */
  readonly expect: readonly (readonly [string, ReasonCode | null])[];
  /** The full lines `checkDacRecord(hex, pureBackend)` returns. */
  readonly lines: readonly Line[];
}

interface Spec {
  name: string;
  description: string;
  signers: Record<string, DacSigningKey>;
  record: ActivityRecord;
  expect: [string, ReasonCode | null][];
}

function specs(): Spec[] {
  const out: Spec[] = [];

  // 1. PUT, ed25519 client and ed25519 node; the request carries the piece CID.
  {
    const client = edKey('client');
    const node = edKey('storage node 1');
    const cid = pieceCid('hello, cere');
    const req = signActivityRequest(
      request({
        requestId: 'put-0001',
        requestType: RequestType.PUT,
        contentType: ContentType.PIECE,
        bucketId: 42n,
        pieceCid: cid,
        size: 1024n,
        timestamp: T0,
      }),
      client
    );
    const a = signActivityAck(
      ack({ requestId: 'put-0001', bytesStoredOrDelivered: 1024n, timestamp: T0 + 35n }),
      client
    );
    const rec = signActivityRecord(
      {
        id: blake2b256(utf8('record put-0001')),
        upstream: { request: req, ack: a },
        downstream: [],
        timestamp: T0 + 40n,
      },
      node
    );
    out.push({
      name: 'put-ed25519',
      description:
        'PUT of one piece (with pieceCid) to bucket 42; client and node sign with ed25519',
      signers: { client, node },
      record: rec,
      expect: [
        ['record.decode', null],
        ['record.signature.node', null],
        ['record.upstream.request.signature', null],
        ['record.upstream.ack.signature', null],
      ],
    });
  }

  // 2. GET with two downstream fulfillments, sr25519 everywhere.
  {
    const client = srKey('client', 'get');
    const node = srKey('storage node 2', 'get');
    const cid = pieceCid('a piece of 2048 bytes');
    const up = signActivityRequest(
      request({
        requestId: 'get-0002',
        requestType: RequestType.GET,
        contentType: ContentType.PIECE,
        bucketId: 42n,
        pieceCid: cid,
        size: 2048n,
        timestamp: T0 + 1_000n,
      }),
      client
    );
    const upAck = signActivityAck(
      ack({ requestId: 'get-0002', bytesStoredOrDelivered: 2048n, timestamp: T0 + 1_090n }),
      client
    );
    const downstream = [0, 1].map((i) => {
      const key = srKey('storage node 2', `downstream ${i}`);
      const req = signActivityRequest(
        request({
          parentRequest: up,
          requestId: `get-0002/${i}`,
          requestType: RequestType.GET,
          contentType: ContentType.SEGMENT,
          bucketId: 42n,
          pieceCid: cid,
          offset: BigInt(i * 1024),
          size: 1024n,
          timestamp: T0 + 1_010n + BigInt(i),
        }),
        key
      );
      const dAck = signActivityAck(
        ack({
          requestId: `get-0002/${i}`,
          bytesStoredOrDelivered: 1024n,
          timestamp: T0 + 1_060n + BigInt(i),
        }),
        key
      );
      return {
        request: req,
        ack: dAck,
        response: {
          status: ResponseStatus.OK,
          time: 48 + i,
          peerId: blake2b256(utf8(`peer ${i}`)),
        },
      };
    });
    const rec = signActivityRecord(
      {
        id: blake2b256(utf8('record get-0002')),
        upstream: { request: up, ack: upAck },
        downstream,
        timestamp: T0 + 1_100n,
      },
      node
    );
    out.push({
      name: 'get-sr25519-downstream',
      description:
        'GET served with two downstream segment fetches (each with parentRequest = the client request and an OK response); sr25519 client and node',
      signers: { client, node },
      record: rec,
      expect: [
        ['record.decode', null],
        ['record.signature.node', null],
        ['record.upstream.request.signature', null],
        ['record.upstream.ack.signature', null],
        ['record.downstream[0].request.signature', null],
        ['record.downstream[0].request.parentRequest.signature', null],
        ['record.downstream[0].ack.signature', null],
        ['record.downstream[1].request.signature', null],
        ['record.downstream[1].request.parentRequest.signature', null],
        ['record.downstream[1].ack.signature', null],
      ],
    });
  }

  // 3. COMPUTE with cpu/gpu/ram units; ed25519 client, sr25519 node; with an AuthToken.
  {
    const client = edKey('client');
    const node = srKey('storage node 3', 'compute');
    const req = signActivityRequest(
      request({
        requestId: 'compute-0003',
        requestType: RequestType.COMPUTE,
        contentType: ContentType.NONE,
        bucketId: 7n,
        timestamp: T0 + 2_000n,
      }),
      client
    );
    const a = signActivityAck(
      ack({
        requestId: 'compute-0003',
        timestamp: T0 + 2_500n,
        cpuUnits: 1_500n,
        gpuUnits: 250n,
        ramUnits: 4_096n,
      }),
      client
    );
    const rec = signActivityRecord(
      {
        id: blake2b256(utf8('record compute-0003')),
        upstream: { request: req, ack: a },
        downstream: [],
        timestamp: T0 + 2_600n,
        authToken: authToken(),
      },
      node
    );
    out.push({
      name: 'compute-units',
      description:
        'COMPUTE request (content type NONE) whose ack reports cpu/gpu/ram units; carries an opaque AuthToken; ed25519 client, sr25519 node',
      signers: { client, node },
      record: rec,
      expect: [
        ['record.decode', null],
        ['record.signature.node', null],
        ['record.upstream.request.signature', null],
        ['record.upstream.ack.signature', null],
      ],
    });
  }

  // 4. PUT signed by the client without pieceCid; the node filled it in before signing the record.
  {
    const client = edKey('client');
    const node = edKey('storage node 1');
    const signed = signActivityRequest(
      request({
        requestId: 'put-0004',
        requestType: RequestType.PUT,
        contentType: ContentType.PIECE,
        bucketId: 42n,
        size: 512n,
        timestamp: T0 + 3_000n,
      }),
      client
    );
    const withCid = { ...signed, pieceCid: pieceCid('piece added by node') };
    const a = signActivityAck(
      ack({ requestId: 'put-0004', bytesStoredOrDelivered: 512n, timestamp: T0 + 3_020n }),
      client
    );
    const rec = signActivityRecord(
      {
        id: blake2b256(utf8('record put-0004')),
        upstream: { request: withCid, ack: a },
        downstream: [],
        timestamp: T0 + 3_030n,
      },
      node
    );
    out.push({
      name: 'put-cid-added-by-node',
      description:
        'PUT whose client request was signed without pieceCid; the node added the CID, so the request verifies only on the pieceCid-cleared retry',
      signers: { client, node },
      record: rec,
      expect: [
        ['record.decode', null],
        ['record.signature.node', null],
        ['record.upstream.request.signature', null],
        ['record.upstream.ack.signature', null],
      ],
    });
  }

  // 5. Negative: the ack was altered after the client signed it (the node signed the altered record).
  {
    const client = edKey('client');
    const node = edKey('storage node 1');
    const req = signActivityRequest(
      request({
        requestId: 'put-0005',
        requestType: RequestType.PUT,
        contentType: ContentType.PIECE,
        bucketId: 42n,
        pieceCid: pieceCid('tampered'),
        size: 100n,
        timestamp: T0 + 4_000n,
      }),
      client
    );
    const a = signActivityAck(
      ack({ requestId: 'put-0005', bytesStoredOrDelivered: 100n, timestamp: T0 + 4_010n }),
      client
    );
    const rec = signActivityRecord(
      {
        id: blake2b256(utf8('record put-0005')),
        upstream: { request: req, ack: { ...a, bytesStoredOrDelivered: 100_000n } },
        downstream: [],
        timestamp: T0 + 4_020n,
      },
      node
    );
    out.push({
      name: 'tampered-ack',
      description:
        'negative: bytesStoredOrDelivered raised from 100 to 100000 after the client signed the ack; the node signature covers the altered record',
      signers: { client, node },
      record: rec,
      expect: [
        ['record.decode', null],
        ['record.signature.node', null],
        ['record.upstream.request.signature', null],
        ['record.upstream.ack.signature', 'SIG_INVALID'],
      ],
    });
  }

  // 6. Negative: the client request is unsigned, and the node signed with an unknown algorithm.
  {
    const client = edKey('client');
    const node = edKey('storage node 1');
    const a = signActivityAck(
      ack({ requestId: 'get-0006', bytesStoredOrDelivered: 10n, timestamp: T0 + 5_010n }),
      client
    );
    const signed = signActivityRecord(
      {
        id: blake2b256(utf8('record get-0006')),
        upstream: {
          request: request({
            requestId: 'get-0006',
            requestType: RequestType.GET,
            bucketId: 42n,
            size: 10n,
            timestamp: T0 + 5_000n,
          }),
          ack: a,
        },
        downstream: [],
        timestamp: T0 + 5_020n,
      },
      node
    );
    const rec: ActivityRecord = signed.signature
      ? { ...signed, signature: { ...signed.signature, algorithm: 2 } }
      : signed;
    out.push({
      name: 'unsigned-request-unknown-algorithm',
      description:
        'negative: the client request has no signature, and the record signature declares algorithm 2 (neither ED_25519 nor SR_25519)',
      signers: { client, node },
      record: rec,
      expect: [
        ['record.decode', null],
        ['record.signature.node', 'UNSUPPORTED_KIND'],
        ['record.upstream.request.signature', 'SIG_MISSING'],
        ['record.upstream.ack.signature', null],
      ],
    });
  }
  return out;
}

export interface DacVectorFile {
  readonly comment: string;
  readonly vectors: readonly DacVector[];
}

export function buildDacVectors(): DacVectorFile {
  const vectors = specs().map((s): DacVector => {
    const bytes = encodeActivityRecord(s.record);
    const lines = checkDacRecord(bytes, pureBackend);
    const summary = lines.map((l) => [l.check, l.code] as const);
    if (JSON.stringify(summary) !== JSON.stringify(s.expect)) {
      throw new Error(
        `vector ${s.name}: computed ${JSON.stringify(summary)}, expected ${JSON.stringify(s.expect)}`
      );
    }
    return {
      name: s.name,
      description: s.description,
      signers: Object.fromEntries(
        Object.entries(s.signers).map(([role, key]) => [role, toHex(dacPublicKey(key))])
      ),
      hex: toHex(bytes),
      expect: s.expect,
      lines,
    };
  });
  return {
    comment:
      'Cere DAC ActivityRecord golden vectors (protobuf, package activity). Generated by test/gen/dac-vectors.ts; do not edit by hand. `lines` = checkDacRecord(hex, pureBackend).',
    vectors,
  };
}

export function serializeDacVectors(file: DacVectorFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(VECTORS_PATH, serializeDacVectors(buildDacVectors()));
  console.log(`wrote ${VECTORS_PATH}`);
}
