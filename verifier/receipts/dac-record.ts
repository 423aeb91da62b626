/**
 * Cere DAC activity records (protobuf `package activity`), decoded from hostile bytes, re-encoded
 * canonically, and checked the way ddc-api `src/verification.rs` checks them.
 *
 * Schema (field numbers from the public `activity.proto`: blockchain-node
 * `pallets/ddc-verification/src/protos/activity.proto` and ddc-api `src/protos/activity.proto`,
 * which adds COMPUTE and the ack's cpu/gpu/ram units; see docs/spec.md, appendix A):
 *
 * - `ActivityRecord { bytes id=1; ActivityFulfillment upstream=2; repeated ActivityFulfillment
 *   downstream=3; uint64 timestamp=4; Signature signature=5; optional AuthToken authToken=6 }`
 * - `ActivityFulfillment { ActivityRequest request=1; optional ActivityAcknowledgment ack=2;
 *   optional ActivityResponse response=3 }`
 * - `ActivityRequest { optional ActivityRequest parentRequest=1; string requestId=2;
 *   RequestType requestType=3; ContentType contentType=4; uint64 bucketId=5; bytes pieceCid=6;
 *   uint64 offset=7; uint64 size=8; uint64 timestamp=9; Signature signature=10 }`
 * - `ActivityAcknowledgment { string requestId=1; uint64 bytesStoredOrDelivered=2;
 *   uint64 timestamp=3; uint64 cpuUnits=4; uint64 gpuUnits=5; uint64 ramUnits=6;
 *   Signature signature=7 }`
 * - `ActivityResponse { Status status=1; uint32 time=2; bytes peerID=3 }`
 * - `Signature { Algorithm algorithm=1; bytes signer=2; bytes value=3 }`
 * - `AuthToken { Signature signature=1; Payload payload=2 }` (Payload: `optional` fields 1-4, 6, 7
 *   and `repeated Operation operations=5`): exposed as opaque bytes, namely its canonical
 *   re-encoding, so that the record's signing bytes are prost's.
 *
 * Decoding follows prost: unknown fields are dropped, a repeated occurrence of a scalar or bytes
 * field replaces the earlier one, a repeated occurrence of a sub-message merges into it, a known
 * field with the wrong wire type is an error, strings must be UTF-8, enums keep unknown values.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import * as sr25519 from '@scure/sr25519';
import { toHex } from '../bytes.ts';
import { blake2b256 } from '../hash.ts';
import { fail, pass, parsed, rejected } from '../lines.ts';
import type { Facts, Line, LineInit, Parsed, ReasonCode, Source } from '../lines.ts';
import {
  decodeWith,
  MAX_DEPTH,
  MAX_INPUT_BYTES,
  ProtoWriter,
  WIRE,
  type ProtoError,
  type ProtoReader,
  type Tag,
} from '../protobuf.ts';
import type { SignatureAlgorithm, SignatureBackend } from '../signatures.ts';

// ---------------------------------------------------------------------------------------------
// Types

/** `Signature.Algorithm`. */
export const Algorithm = { ED_25519: 0, SR_25519: 1 } as const;
/** `ActivityRequest.RequestType`. */
export const RequestType = { PUT: 0, GET: 1, DELETE: 2, COMPUTE: 3 } as const;
/** `ActivityRequest.ContentType`. */
export const ContentType = { PIECE: 0, SEGMENT: 1, MERKLE_TREE: 2, METADATA: 3, NONE: 4 } as const;
/** `ActivityResponse.Status`. */
export const ResponseStatus = {
  UNKNOWN: 0,
  OK: 1,
  NOT_FOUND: 2,
  INTERNAL: 3,
  UNAVAILABLE: 4,
  ABORTED: 5,
} as const;

/** Enums are open (proto3): any int32 is kept, known or not. */
export interface Signature {
  readonly algorithm: number;
  readonly signer: Uint8Array;
  readonly value: Uint8Array;
}

export interface ActivityRequest {
  readonly parentRequest?: ActivityRequest;
  readonly requestId: string;
  readonly requestType: number;
  readonly contentType: number;
  readonly bucketId: bigint;
  readonly pieceCid: Uint8Array;
  readonly offset: bigint;
  readonly size: bigint;
  readonly timestamp: bigint;
  readonly signature?: Signature;
}

export interface ActivityAcknowledgment {
  readonly requestId: string;
  readonly bytesStoredOrDelivered: bigint;
  readonly timestamp: bigint;
  readonly cpuUnits: bigint;
  readonly gpuUnits: bigint;
  readonly ramUnits: bigint;
  readonly signature?: Signature;
}

export interface ActivityResponse {
  readonly status: number;
  readonly time: number;
  readonly peerId: Uint8Array;
}

export interface ActivityFulfillment {
  readonly request?: ActivityRequest;
  readonly ack?: ActivityAcknowledgment;
  readonly response?: ActivityResponse;
}

export interface ActivityRecord {
  readonly id: Uint8Array;
  readonly upstream?: ActivityFulfillment;
  readonly downstream: readonly ActivityFulfillment[];
  readonly timestamp: bigint;
  readonly signature?: Signature;
  /**
   * The `AuthToken` message as opaque bytes. The decoder parses it and stores its canonical
   * re-encoding (what prost signs over); the encoder writes these bytes as they are.
   */
  readonly authToken?: Uint8Array;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const EMPTY = new Uint8Array(0);

export function emptyActivityRequest(): ActivityRequest {
  return {
    requestId: '',
    requestType: 0,
    contentType: 0,
    bucketId: 0n,
    pieceCid: EMPTY,
    offset: 0n,
    size: 0n,
    timestamp: 0n,
  };
}

export function emptyActivityAck(): ActivityAcknowledgment {
  return {
    requestId: '',
    bytesStoredOrDelivered: 0n,
    timestamp: 0n,
    cpuUnits: 0n,
    gpuUnits: 0n,
    ramUnits: 0n,
  };
}

export function emptyActivityRecord(): ActivityRecord {
  return { id: EMPTY, downstream: [], timestamp: 0n };
}

// ---------------------------------------------------------------------------------------------
// Decoding

function readSignature(r: ProtoReader, into: Signature | undefined): Signature {
  const s: Mutable<Signature> = into ? { ...into } : { algorithm: 0, signer: EMPTY, value: EMPTY };
  while (!r.done) {
    const t = r.tag();
    switch (t.field) {
      case 1:
        r.expect(t, WIRE.VARINT);
        s.algorithm = r.int32();
        break;
      case 2:
        r.expect(t, WIRE.LEN);
        s.signer = r.bytes();
        break;
      case 3:
        r.expect(t, WIRE.LEN);
        s.value = r.bytes();
        break;
      default:
        r.skipField(t);
    }
  }
  return s;
}

function readRequest(r: ProtoReader, into: ActivityRequest | undefined): ActivityRequest {
  const q: Mutable<ActivityRequest> = { ...(into ?? emptyActivityRequest()) };
  while (!r.done) {
    const t = r.tag();
    switch (t.field) {
      case 1:
        r.expect(t, WIRE.LEN);
        q.parentRequest = r.message('parentRequest', (s) => readRequest(s, q.parentRequest));
        break;
      case 2:
        r.expect(t, WIRE.LEN);
        q.requestId = r.string();
        break;
      case 3:
        r.expect(t, WIRE.VARINT);
        q.requestType = r.int32();
        break;
      case 4:
        r.expect(t, WIRE.VARINT);
        q.contentType = r.int32();
        break;
      case 5:
        r.expect(t, WIRE.VARINT);
        q.bucketId = r.uint64();
        break;
      case 6:
        r.expect(t, WIRE.LEN);
        q.pieceCid = r.bytes();
        break;
      case 7:
        r.expect(t, WIRE.VARINT);
        q.offset = r.uint64();
        break;
      case 8:
        r.expect(t, WIRE.VARINT);
        q.size = r.uint64();
        break;
      case 9:
        r.expect(t, WIRE.VARINT);
        q.timestamp = r.uint64();
        break;
      case 10:
        r.expect(t, WIRE.LEN);
        q.signature = r.message('signature', (s) => readSignature(s, q.signature));
        break;
      default:
        r.skipField(t);
    }
  }
  return q;
}

function readAck(r: ProtoReader, into: ActivityAcknowledgment | undefined): ActivityAcknowledgment {
  const a: Mutable<ActivityAcknowledgment> = { ...(into ?? emptyActivityAck()) };
  while (!r.done) {
    const t = r.tag();
    switch (t.field) {
      case 1:
        r.expect(t, WIRE.LEN);
        a.requestId = r.string();
        break;
      case 2:
        r.expect(t, WIRE.VARINT);
        a.bytesStoredOrDelivered = r.uint64();
        break;
      case 3:
        r.expect(t, WIRE.VARINT);
        a.timestamp = r.uint64();
        break;
      case 4:
        r.expect(t, WIRE.VARINT);
        a.cpuUnits = r.uint64();
        break;
      case 5:
        r.expect(t, WIRE.VARINT);
        a.gpuUnits = r.uint64();
        break;
      case 6:
        r.expect(t, WIRE.VARINT);
        a.ramUnits = r.uint64();
        break;
      case 7:
        r.expect(t, WIRE.LEN);
        a.signature = r.message('signature', (s) => readSignature(s, a.signature));
        break;
      default:
        r.skipField(t);
    }
  }
  return a;
}

function readResponse(r: ProtoReader, into: ActivityResponse | undefined): ActivityResponse {
  const p: Mutable<ActivityResponse> = into ? { ...into } : { status: 0, time: 0, peerId: EMPTY };
  while (!r.done) {
    const t = r.tag();
    switch (t.field) {
      case 1:
        r.expect(t, WIRE.VARINT);
        p.status = r.int32();
        break;
      case 2:
        r.expect(t, WIRE.VARINT);
        p.time = r.uint32();
        break;
      case 3:
        r.expect(t, WIRE.LEN);
        p.peerId = r.bytes();
        break;
      default:
        r.skipField(t);
    }
  }
  return p;
}

function readFulfillment(
  r: ProtoReader,
  into: ActivityFulfillment | undefined
): ActivityFulfillment {
  const f: Mutable<ActivityFulfillment> = { ...into };
  while (!r.done) {
    const t = r.tag();
    switch (t.field) {
      case 1:
        r.expect(t, WIRE.LEN);
        f.request = r.message('request', (s) => readRequest(s, f.request));
        break;
      case 2:
        r.expect(t, WIRE.LEN);
        f.ack = r.message('ack', (s) => readAck(s, f.ack));
        break;
      case 3:
        r.expect(t, WIRE.LEN);
        f.response = r.message('response', (s) => readResponse(s, f.response));
        break;
      default:
        r.skipField(t);
    }
  }
  return f;
}

/**
 * `AuthToken { Signature signature=1; Payload payload=2 }`, `Payload { optional AuthToken prev=1;
 * optional bytes subject=2; optional bool canDelegate=3; optional uint64 bucketId=4; repeated
 * Operation operations=5; optional int64 expiresAt=6; optional bytes pieceCid=7 }`. Decoded only to
 * be re-encoded canonically, as prost does before it verifies the record signature; the record
 * exposes it as those canonical bytes.
 */
interface AuthToken {
  signature?: Signature;
  payload?: AuthTokenPayload;
}
interface AuthTokenPayload {
  prev?: AuthToken;
  subject?: Uint8Array;
  canDelegate?: boolean;
  bucketId?: bigint;
  operations: number[];
  expiresAt?: bigint;
  pieceCid?: Uint8Array;
}

function readAuthToken(r: ProtoReader, into: AuthToken | undefined): AuthToken {
  const tok: AuthToken = { ...into };
  while (!r.done) {
    const t = r.tag();
    switch (t.field) {
      case 1:
        r.expect(t, WIRE.LEN);
        tok.signature = r.message('signature', (s) => readSignature(s, tok.signature));
        break;
      case 2:
        r.expect(t, WIRE.LEN);
        tok.payload = r.message('payload', (s) => readPayload(s, tok.payload));
        break;
      default:
        r.skipField(t);
    }
  }
  return tok;
}

function readPayload(r: ProtoReader, into: AuthTokenPayload | undefined): AuthTokenPayload {
  const p: AuthTokenPayload = { ...into, operations: [...(into?.operations ?? [])] };
  while (!r.done) {
    const t = r.tag();
    switch (t.field) {
      case 1:
        r.expect(t, WIRE.LEN);
        p.prev = r.message('prev', (s) => readAuthToken(s, p.prev));
        break;
      case 2:
        r.expect(t, WIRE.LEN);
        p.subject = r.bytes();
        break;
      case 3:
        r.expect(t, WIRE.VARINT);
        p.canDelegate = r.bool();
        break;
      case 4:
        r.expect(t, WIRE.VARINT);
        p.bucketId = r.uint64();
        break;
      case 5:
        // repeated enum: packed (what proto3 writes) or one varint per element
        if (t.wireType === WIRE.LEN) {
          r.message('operations', (s) => {
            while (!s.done) p.operations.push(s.int32());
          });
        } else {
          r.expect(t, WIRE.VARINT);
          p.operations.push(r.int32());
        }
        break;
      case 6:
        r.expect(t, WIRE.VARINT);
        p.expiresAt = r.int64();
        break;
      case 7:
        r.expect(t, WIRE.LEN);
        p.pieceCid = r.bytes();
        break;
      default:
        r.skipField(t);
    }
  }
  return p;
}

function readRecord(r: ProtoReader): ActivityRecord {
  const rec: Mutable<ActivityRecord> = { id: EMPTY, downstream: [], timestamp: 0n };
  const downstream: ActivityFulfillment[] = [];
  let token: AuthToken | undefined;
  while (!r.done) {
    const t: Tag = r.tag();
    switch (t.field) {
      case 1:
        r.expect(t, WIRE.LEN);
        rec.id = r.bytes();
        break;
      case 2:
        r.expect(t, WIRE.LEN);
        rec.upstream = r.message('upstream', (s) => readFulfillment(s, rec.upstream));
        break;
      case 3:
        r.expect(t, WIRE.LEN);
        downstream.push(
          r.message(`downstream[${downstream.length}]`, (s) => readFulfillment(s, undefined))
        );
        break;
      case 4:
        r.expect(t, WIRE.VARINT);
        rec.timestamp = r.uint64();
        break;
      case 5:
        r.expect(t, WIRE.LEN);
        rec.signature = r.message('signature', (s) => readSignature(s, rec.signature));
        break;
      case 6:
        r.expect(t, WIRE.LEN);
        token = r.message('authToken', (s) => readAuthToken(s, token));
        break;
      default:
        r.skipField(t);
    }
  }
  rec.downstream = downstream;
  if (token) rec.authToken = encodeWith(token, writeAuthToken, true);
  return rec;
}

function errorFacts(e: ProtoError): Facts {
  const facts: Record<string, string | number> = { error: e.kind, offset: e.offset };
  if (e.path) facts['path'] = e.path;
  if (e.field !== undefined) facts['field'] = e.field;
  if (e.wireType !== undefined) facts['wireType'] = e.wireType;
  if (e.limit !== undefined) facts['limit'] = e.limit;
  return facts;
}

function errorCode(e: ProtoError): ReasonCode {
  switch (e.kind) {
    case 'too-large':
    case 'too-deep':
      return 'TOO_LARGE';
    case 'wrong-wire-type':
    case 'not-bytes':
      return 'MALFORMED';
    default:
      return 'BAD_ENCODING';
  }
}

/** Limits used by `decodeActivityRecord`. */
export const DAC_LIMITS = { maxBytes: MAX_INPUT_BYTES, maxDepth: MAX_DEPTH } as const;

/**
 * Decodes an encoded `ActivityRecord`. Never throws: malformed bytes give BAD_ENCODING (truncated,
 * bad varint, bad tag, invalid UTF-8, length out of range), MALFORMED (a known field with the wrong
 * wire type, or an input that is not a Uint8Array) or TOO_LARGE (input over 4 MiB, nesting over 32 levels), with `offset`, `path` and
 * `field` facts.
 */
export function decodeActivityRecord(bytes: Uint8Array): Parsed<ActivityRecord> {
  const res = decodeWith(bytes, readRecord, DAC_LIMITS);
  if (res.ok) return parsed(res.value);
  const facts = errorFacts(res.error);
  return rejected(
    errorCode(res.error),
    res.error.kind === 'too-large' ? { ...facts, size: bytes.length } : facts
  );
}

// ---------------------------------------------------------------------------------------------
// Canonical encoding (prost / protoc: field-number order, implicit-presence defaults omitted,
// sub-messages written whenever present, even when empty)

function writeSignature(w: ProtoWriter, s: Signature): void {
  if (s.algorithm !== 0) w.int32Field(1, s.algorithm);
  if (s.signer.length) w.bytesField(2, s.signer);
  if (s.value.length) w.bytesField(3, s.value);
}

function writeRequest(w: ProtoWriter, q: ActivityRequest, withSignature: boolean): void {
  const parent = q.parentRequest;
  if (parent) w.messageField(1, (s) => writeRequest(s, parent, true));
  if (q.requestId !== '') w.stringField(2, q.requestId);
  if (q.requestType !== 0) w.int32Field(3, q.requestType);
  if (q.contentType !== 0) w.int32Field(4, q.contentType);
  if (q.bucketId !== 0n) w.uint64Field(5, q.bucketId);
  if (q.pieceCid.length) w.bytesField(6, q.pieceCid);
  if (q.offset !== 0n) w.uint64Field(7, q.offset);
  if (q.size !== 0n) w.uint64Field(8, q.size);
  if (q.timestamp !== 0n) w.uint64Field(9, q.timestamp);
  const sig = q.signature;
  if (withSignature && sig) w.messageField(10, (s) => writeSignature(s, sig));
}

function writeAck(w: ProtoWriter, a: ActivityAcknowledgment, withSignature: boolean): void {
  if (a.requestId !== '') w.stringField(1, a.requestId);
  if (a.bytesStoredOrDelivered !== 0n) w.uint64Field(2, a.bytesStoredOrDelivered);
  if (a.timestamp !== 0n) w.uint64Field(3, a.timestamp);
  if (a.cpuUnits !== 0n) w.uint64Field(4, a.cpuUnits);
  if (a.gpuUnits !== 0n) w.uint64Field(5, a.gpuUnits);
  if (a.ramUnits !== 0n) w.uint64Field(6, a.ramUnits);
  const sig = a.signature;
  if (withSignature && sig) w.messageField(7, (s) => writeSignature(s, sig));
}

function writeResponse(w: ProtoWriter, p: ActivityResponse): void {
  if (p.status !== 0) w.int32Field(1, p.status);
  if (p.time !== 0) w.uint32Field(2, p.time);
  if (p.peerId.length) w.bytesField(3, p.peerId);
}

function writeFulfillment(w: ProtoWriter, f: ActivityFulfillment): void {
  const { request, ack, response } = f;
  if (request) w.messageField(1, (s) => writeRequest(s, request, true));
  if (ack) w.messageField(2, (s) => writeAck(s, ack, true));
  if (response) w.messageField(3, (s) => writeResponse(s, response));
}

function writeAuthToken(w: ProtoWriter, tok: AuthToken): void {
  const { signature, payload } = tok;
  if (signature) w.messageField(1, (s) => writeSignature(s, signature));
  if (payload) w.messageField(2, (s) => writePayload(s, payload));
}

function writePayload(w: ProtoWriter, p: AuthTokenPayload): void {
  const prev = p.prev;
  if (prev) w.messageField(1, (s) => writeAuthToken(s, prev));
  if (p.subject !== undefined) w.bytesField(2, p.subject);
  if (p.canDelegate !== undefined) w.boolField(3, p.canDelegate);
  if (p.bucketId !== undefined) w.uint64Field(4, p.bucketId);
  if (p.operations.length) {
    const packed = new ProtoWriter();
    for (const op of p.operations) packed.varint(BigInt.asUintN(64, BigInt(op)));
    w.bytesField(5, packed.finish());
  }
  if (p.expiresAt !== undefined) w.int64Field(6, p.expiresAt);
  if (p.pieceCid !== undefined) w.bytesField(7, p.pieceCid);
}

function writeRecord(w: ProtoWriter, rec: ActivityRecord, withSignature: boolean): void {
  if (rec.id.length) w.bytesField(1, rec.id);
  const up = rec.upstream;
  if (up) w.messageField(2, (s) => writeFulfillment(s, up));
  for (const f of rec.downstream) w.messageField(3, (s) => writeFulfillment(s, f));
  if (rec.timestamp !== 0n) w.uint64Field(4, rec.timestamp);
  const sig = rec.signature;
  if (withSignature && sig) w.messageField(5, (s) => writeSignature(s, sig));
  if (rec.authToken) w.bytesField(6, rec.authToken);
}

function encodeWith<T>(
  value: T,
  write: (w: ProtoWriter, v: T, withSignature: boolean) => void,
  withSignature: boolean
): Uint8Array {
  const w = new ProtoWriter();
  write(w, value, withSignature);
  return w.finish();
}

/** Canonical encoding of a record (throws RangeError only on out-of-range in-memory values). */
export function encodeActivityRecord(rec: ActivityRecord): Uint8Array {
  return encodeWith(rec, writeRecord, true);
}
export function encodeActivityRequest(req: ActivityRequest): Uint8Array {
  return encodeWith(req, writeRequest, true);
}
export function encodeActivityAcknowledgment(ack: ActivityAcknowledgment): Uint8Array {
  return encodeWith(ack, writeAck, true);
}

/** The bytes the node signs: the record encoded with its own `signature` cleared. */
export function recordSigningBytes(rec: ActivityRecord): Uint8Array {
  return encodeWith(rec, writeRecord, false);
}
/** The bytes the client signs: the request with its own `signature` cleared (a parent keeps its). */
export function requestSigningBytes(req: ActivityRequest): Uint8Array {
  return encodeWith(req, writeRequest, false);
}
export function ackSigningBytes(ack: ActivityAcknowledgment): Uint8Array {
  return encodeWith(ack, writeAck, false);
}

// ---------------------------------------------------------------------------------------------
// Signing (fixtures and devnet; pure: keys and randomness are arguments)

/**
 * A signing key. ed25519: the 32-byte secret seed. sr25519: the 64-byte secret key of
 * `@scure/sr25519` (`secretFromSeed`) and the 32-byte nonce randomness schnorrkel mixes into the
 * signature (pass fixed bytes for deterministic fixtures, fresh random bytes otherwise).
 */
export type DacSigningKey =
  | { readonly algorithm: 'ed25519'; readonly secretKey: Uint8Array }
  | { readonly algorithm: 'sr25519'; readonly secretKey: Uint8Array; readonly random: Uint8Array };

export function dacPublicKey(key: DacSigningKey): Uint8Array {
  return key.algorithm === 'ed25519'
    ? ed25519.getPublicKey(key.secretKey)
    : sr25519.getPublicKey(key.secretKey);
}

/** Signs `message` and returns the `Signature` message for it. */
export function dacSignature(message: Uint8Array, key: DacSigningKey): Signature {
  if (key.algorithm === 'ed25519') {
    return {
      algorithm: Algorithm.ED_25519,
      signer: ed25519.getPublicKey(key.secretKey),
      value: ed25519.sign(message, key.secretKey),
    };
  }
  return {
    algorithm: Algorithm.SR_25519,
    signer: sr25519.getPublicKey(key.secretKey),
    value: sr25519.sign(key.secretKey, message, key.random),
  };
}

export function signActivityRequest(req: ActivityRequest, key: DacSigningKey): ActivityRequest {
  return { ...req, signature: dacSignature(requestSigningBytes(req), key) };
}
export function signActivityAck(
  ack: ActivityAcknowledgment,
  key: DacSigningKey
): ActivityAcknowledgment {
  return { ...ack, signature: dacSignature(ackSigningBytes(ack), key) };
}
export function signActivityRecord(rec: ActivityRecord, key: DacSigningKey): ActivityRecord {
  return { ...rec, signature: dacSignature(recordSigningBytes(rec), key) };
}

// ---------------------------------------------------------------------------------------------
// Checks

export const DAC_RULE = 'cere:dac-protobuf';

const ALGORITHM_NAMES: Readonly<Record<number, SignatureAlgorithm>> = {
  [Algorithm.ED_25519]: 'ed25519',
  [Algorithm.SR_25519]: 'sr25519',
};
const REQUEST_TYPE_NAMES = ['PUT', 'GET', 'DELETE', 'COMPUTE'] as const;
const CONTENT_TYPE_NAMES = ['PIECE', 'SEGMENT', 'MERKLE_TREE', 'METADATA', 'NONE'] as const;

export function requestTypeName(t: number): string {
  return REQUEST_TYPE_NAMES[t] ?? `UNKNOWN(${t})`;
}
export function contentTypeName(t: number): string {
  return CONTENT_TYPE_NAMES[t] ?? `UNKNOWN(${t})`;
}

interface SigOutcome {
  readonly ok: boolean;
  readonly code: ReasonCode | null;
  readonly facts: Record<string, string | number | boolean | null>;
}

/** One `verify_record_signature` of verification.rs over `signedBytes`. */
function verifyOne(
  sig: Signature | undefined,
  signedBytes: Uint8Array,
  backend: SignatureBackend
): SigOutcome {
  if (!sig) {
    return {
      ok: false,
      code: 'SIG_MISSING',
      facts: { signer: null, algorithm: null, signedBytes: signedBytes.length },
    };
  }
  const name = ALGORITHM_NAMES[sig.algorithm];
  const facts: Record<string, string | number | boolean | null> = {
    signer: toHex(sig.signer),
    algorithm: name ?? `unknown(${sig.algorithm})`,
    algorithmId: sig.algorithm,
    signedBytes: signedBytes.length,
    signedBytesBlake2b256: toHex(blake2b256(signedBytes)),
  };
  if (!name) return { ok: false, code: 'UNSUPPORTED_KIND', facts };
  if (sig.signer.length !== 32 || sig.value.length !== 64) {
    facts['signerLength'] = sig.signer.length;
    facts['signatureLength'] = sig.value.length;
    return { ok: false, code: 'BAD_LENGTH', facts };
  }
  const ok = backend.verify(name, sig.value, signedBytes, sig.signer);
  return { ok, code: ok ? null : 'SIG_INVALID', facts };
}

function toLine(init: LineInit, o: SigOutcome): Line {
  const withFacts = { ...init, facts: o.facts };
  return o.ok ? pass(withFacts) : fail(withFacts, o.code ?? 'SIG_INVALID');
}

/** A request's client signature, retried over the request with `pieceCid` cleared. */
function checkRequest(req: ActivityRequest, backend: SignatureBackend): SigOutcome {
  const first = verifyOne(req.signature, requestSigningBytes(req), backend);
  if (first.ok || first.code !== 'SIG_INVALID' || req.pieceCid.length === 0) return first;
  // verification.rs: "'put' piece request generated by client without piece cid (so it's been
  // added by node later)".
  const stripped = requestSigningBytes({ ...req, pieceCid: EMPTY });
  const retry = verifyOne(req.signature, stripped, backend);
  if (retry.ok) {
    return {
      ok: true,
      code: null,
      facts: {
        ...retry.facts,
        verifiedWithoutPieceCid: true,
        pieceCid: toHex(req.pieceCid),
        signedBytesWithPieceCid: first.facts['signedBytes'] ?? null,
      },
    };
  }
  return {
    ok: false,
    code: 'SIG_INVALID',
    facts: {
      ...first.facts,
      retriedWithoutPieceCid: true,
      signedBytesWithoutPieceCid: stripped.length,
    },
  };
}

function fulfillmentLines(
  prefix: string,
  f: ActivityFulfillment,
  backend: SignatureBackend,
  base: Omit<LineInit, 'check'>,
  out: Line[]
): void {
  const req = f.request;
  if (req) {
    out.push(toLine({ ...base, check: `${prefix}.request.signature` }, checkRequest(req, backend)));
    // verification.rs also checks the parent request's signature (one level, same retry).
    if (req.parentRequest) {
      out.push(
        toLine(
          { ...base, check: `${prefix}.request.parentRequest.signature` },
          checkRequest(req.parentRequest, backend)
        )
      );
    }
  }
  const ack = f.ack;
  if (ack) {
    out.push(
      toLine(
        { ...base, check: `${prefix}.ack.signature` },
        verifyOne(ack.signature, ackSigningBytes(ack), backend)
      )
    );
  }
}

/**
 * Checks an encoded DAC `ActivityRecord`: one `record.decode` line, then the node's signature over
 * the record, then for the upstream fulfillment and each downstream one the client's request
 * signature (with the pieceCid-cleared retry), the parent request's signature when present, and the
 * ack signature. Fulfillments without a request or ack have no line for it (as in
 * verification.rs). Never throws.
 */
export function checkDacRecord(
  bytes: Uint8Array,
  backend: SignatureBackend,
  source?: Source
): Line[] {
  const size = bytes instanceof Uint8Array ? bytes.length : null;
  return checkDecodedDacRecord(decodeActivityRecord(bytes), size, backend, source);
}

/** `checkDacRecord` for a caller that has already decoded the bytes (and needs the record too). */
export function checkDecodedDacRecord(
  dec: Parsed<ActivityRecord>,
  size: number | null,
  backend: SignatureBackend,
  source?: Source
): Line[] {
  const base: Omit<LineInit, 'check'> = {
    step: 'record',
    rule: DAC_RULE,
    ...(source ? { source } : {}),
  };
  if (!dec.ok) {
    return [fail({ ...base, check: 'record.decode', facts: { size, ...dec.facts } }, dec.code)];
  }
  const rec = dec.value;
  const out: Line[] = [
    pass({
      ...base,
      check: 'record.decode',
      facts: { size, ...dacRecordFacts(rec) },
    }),
  ];
  out.push(
    toLine(
      { ...base, check: 'record.signature.node' },
      verifyOne(rec.signature, recordSigningBytes(rec), backend)
    )
  );
  if (rec.upstream) fulfillmentLines('record.upstream', rec.upstream, backend, base, out);
  rec.downstream.forEach((f, i) =>
    fulfillmentLines(`record.downstream[${i}]`, f, backend, base, out)
  );
  return out;
}

/**
 * Display facts of a record: `id` (0x-hex), `timestamp` (decimal), the node signer, request and
 * content types and bucket ids in order upstream-then-downstream, and the usage the upstream ack
 * reports (`bytes`, `cpuUnits`, `gpuUnits`, `ramUnits`, decimal strings) next to the sum over the
 * downstream acks (`downstreamBytes`). uint64 values are decimal strings.
 */
export function dacRecordFacts(rec: ActivityRecord): Facts {
  const all = [...(rec.upstream ? [rec.upstream] : []), ...rec.downstream];
  const requests = all.flatMap((f) => (f.request ? [f.request] : []));
  const bucketIds: string[] = [];
  for (const q of requests) {
    const b = q.bucketId.toString();
    if (!bucketIds.includes(b)) bucketIds.push(b);
  }
  const clients: string[] = [];
  for (const q of requests) {
    if (q.signature) {
      const s = toHex(q.signature.signer);
      if (!clients.includes(s)) clients.push(s);
    }
  }
  const upAck = rec.upstream?.ack;
  let downstreamBytes = 0n;
  for (const f of rec.downstream) downstreamBytes += f.ack?.bytesStoredOrDelivered ?? 0n;
  return {
    id: toHex(rec.id),
    timestamp: rec.timestamp.toString(),
    node: rec.signature ? toHex(rec.signature.signer) : null,
    nodeAlgorithm: rec.signature
      ? (ALGORITHM_NAMES[rec.signature.algorithm] ?? `unknown(${rec.signature.algorithm})`)
      : null,
    upstream: rec.upstream !== undefined,
    downstreamCount: rec.downstream.length,
    requestTypes: requests.map((q) => requestTypeName(q.requestType)),
    contentTypes: requests.map((q) => contentTypeName(q.contentType)),
    bucketIds,
    clients,
    requestId: rec.upstream?.request?.requestId ?? null,
    pieceCid: rec.upstream?.request?.pieceCid.length ? toHex(rec.upstream.request.pieceCid) : null,
    bytes: (upAck?.bytesStoredOrDelivered ?? 0n).toString(),
    cpuUnits: (upAck?.cpuUnits ?? 0n).toString(),
    gpuUnits: (upAck?.gpuUnits ?? 0n).toString(),
    ramUnits: (upAck?.ramUnits ?? 0n).toString(),
    downstreamBytes: downstreamBytes.toString(),
    authToken: rec.authToken !== undefined,
  };
}
