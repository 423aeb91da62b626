/**
 * SCP activity records, profile "SCP draft v0" (defined by this project; docs/spec.md §SCP record).
 *
 * A record is a JSON object. Its signed bytes are the RFC 8785 (JCS) form of the object without its
 * `signatures` member; every role signs those same bytes (ed25519 or sr25519). The record id is
 * `"dac-" + first 24 hex digits of blake2b256(JCS(record without signatures and record_id))`. Its
 * batch leaf is blake2b256 of the JCS form of the whole record, signatures included. Compute units
 * are integers (no floats in signed payloads); byte counts are decimal strings (u64).
 * @module
 */
import { equalBytes, parseHex, parseUint, toHex, utf8 } from '../bytes.ts';
import { parsePublicKey } from '../encoding.ts';
import { blake2b256 } from '../hash.ts';
import { canonicalMembers, joinMembers } from '../jcs.ts';
import { isObject, valueText } from '../json.ts';
import {
  type Facts,
  type Line,
  type Parsed,
  type ReasonCode,
  fail,
  parsed,
  rejected,
  verdict,
} from '../lines.ts';
import type { SignatureAlgorithm, SignatureBackend } from '../signatures.ts';
import { parseRfc3339 } from '../time.ts';

export const SCP_RECORD_TYPE = 'scp.activity';
export const SCP_RECORD_VERSION = 0;
export const RULE_RECORD = 'scp-v0:jcs-record';

/** The roles whose signatures a record must carry unless the policy says otherwise. */
export const DEFAULT_REQUIRED_ROLES = ['agent', 'orchestrator', 'node'] as const;

/** Roles bound to a key named in the record: the signer must be that key. */
const ROLE_BINDINGS: Readonly<Record<string, keyof ScpRecordParties>> = {
  agent: 'agent',
  orchestrator: 'orchestrator',
  node: 'node',
};

export interface ScpSignature {
  readonly role: string;
  readonly algorithm: SignatureAlgorithm;
  readonly signer: Uint8Array;
  readonly value: Uint8Array;
}

export interface ScpRecordParties {
  readonly user: Uint8Array;
  readonly agent: Uint8Array;
  readonly orchestrator: Uint8Array;
  readonly node: Uint8Array;
  readonly customer: Uint8Array;
  readonly provider: Uint8Array;
}

export interface ScpUsage {
  readonly storedBytes: bigint;
  readonly deliveredBytes: bigint;
  readonly puts: number;
  readonly gets: number;
  readonly cpuMs: number;
  readonly gpuUnits: number;
  readonly ramUnits: number;
}

export interface ScpRecord extends ScpRecordParties {
  /** The record object exactly as received (the input to JCS). */
  readonly object: Readonly<Record<string, unknown>>;
  readonly recordId: string;
  readonly clusterId: Uint8Array;
  readonly era: number;
  readonly timestamp: number;
  readonly scope: Readonly<Record<string, string>>;
  readonly operation: string;
  readonly usage: ScpUsage;
  readonly resultHash: Uint8Array;
  /** Optional Cere DAC protobuf ActivityRecord backing this record. */
  readonly dac: Uint8Array | null;
  readonly signatures: readonly ScpSignature[];
  /** Signatures that could not be decoded: index and reason. */
  readonly badSignatures: ReadonlyArray<{
    index: number;
    role: string;
    code: ReasonCode;
    facts: Facts;
  }>;
}

const MAX_SIGNATURES = 16;
const MAX_DAC_BYTES = 1024 * 1024;

function isU32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

function isU53(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Validates the shape of a record object. Never throws. */
export function parseScpRecord(input: unknown): Parsed<ScpRecord> {
  if (!isObject(input)) return rejected('MALFORMED', { field: 'record' });
  const o = input;
  if (o.type !== SCP_RECORD_TYPE)
    return rejected('UNSUPPORTED_KIND', { field: 'type', type: valueText(o.type) });
  if (o.version !== SCP_RECORD_VERSION) {
    return rejected('UNSUPPORTED_VERSION', { field: 'version', version: valueText(o.version) });
  }
  if (typeof o.record_id !== 'string' || o.record_id.length > 64) {
    return rejected('MALFORMED', { field: 'record_id' });
  }
  const keys: Record<string, Uint8Array> = {};
  for (const k of ['user', 'agent', 'orchestrator', 'node', 'customer', 'provider'] as const) {
    const key = parsePublicKey(o[k]);
    if (!key) return rejected('BAD_LENGTH', { field: k, expected: '32-byte hex key' });
    keys[k] = key;
  }
  const clusterId = parseHex(o.cluster_id, 20);
  if (!clusterId) return rejected('BAD_LENGTH', { field: 'cluster_id', expected: '20-byte hex' });
  if (!isU32(o.era)) return rejected('MALFORMED', { field: 'era', expected: 'u32' });
  const timestamp = parseRfc3339(o.timestamp);
  if (timestamp === null)
    return rejected('MALFORMED', { field: 'timestamp', expected: 'RFC 3339' });
  if (!isObject(o.scope)) return rejected('MALFORMED', { field: 'scope' });
  const scope: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.scope)) {
    if (typeof v !== 'string') return rejected('MALFORMED', { field: `scope.${k}` });
    scope[k] = v;
  }
  if (typeof o.operation !== 'string' || o.operation.length === 0 || o.operation.length > 64) {
    return rejected('MALFORMED', { field: 'operation' });
  }
  const u = o.usage;
  if (!isObject(u)) return rejected('MALFORMED', { field: 'usage' });
  const storedBytes = parseUint(u.stored_bytes, 64);
  const deliveredBytes = parseUint(u.delivered_bytes, 64);
  if (storedBytes === null || typeof u.stored_bytes !== 'string') {
    return rejected('MALFORMED', { field: 'usage.stored_bytes', expected: 'u64 decimal string' });
  }
  if (deliveredBytes === null || typeof u.delivered_bytes !== 'string') {
    return rejected('MALFORMED', {
      field: 'usage.delivered_bytes',
      expected: 'u64 decimal string',
    });
  }
  for (const k of ['puts', 'gets', 'cpu_ms', 'gpu_units', 'ram_units'] as const) {
    if (!isU53(u[k]))
      return rejected('MALFORMED', { field: `usage.${k}`, expected: 'non-negative integer' });
  }
  const resultHash = parseHex(o.result_hash, 32);
  if (!resultHash) return rejected('BAD_LENGTH', { field: 'result_hash', expected: '32-byte hex' });
  let dac: Uint8Array | null = null;
  if (o.dac !== undefined) {
    if (typeof o.dac === 'string' && o.dac.length > 2 + 2 * MAX_DAC_BYTES) {
      return rejected('TOO_LARGE', { field: 'dac', maxBytes: MAX_DAC_BYTES });
    }
    dac = parseHex(o.dac);
    if (!dac) return rejected('BAD_ENCODING', { field: 'dac', expected: 'hex' });
  }
  if (!Array.isArray(o.signatures)) return rejected('MALFORMED', { field: 'signatures' });
  if (o.signatures.length > MAX_SIGNATURES) {
    return rejected('TOO_LARGE', { field: 'signatures', max: MAX_SIGNATURES });
  }
  const signatures: ScpSignature[] = [];
  const badSignatures: Array<{ index: number; role: string; code: ReasonCode; facts: Facts }> = [];
  o.signatures.forEach((s: unknown, index: number) => {
    if (!isObject(s) || typeof s.role !== 'string' || s.role.length === 0 || s.role.length > 32) {
      badSignatures.push({
        index,
        role: '?',
        code: 'MALFORMED',
        facts: { field: `signatures[${index}]` },
      });
      return;
    }
    const role = s.role;
    if (s.algorithm !== 'ed25519' && s.algorithm !== 'sr25519') {
      badSignatures.push({
        index,
        role,
        code: 'UNSUPPORTED_KIND',
        facts: { algorithm: valueText(s.algorithm) },
      });
      return;
    }
    const signer = parsePublicKey(s.signer);
    const value = parseHex(s.value, 64);
    if (!signer || !value) {
      badSignatures.push({
        index,
        role,
        code: 'BAD_LENGTH',
        facts: { field: signer ? 'value' : 'signer' },
      });
      return;
    }
    signatures.push({ role, algorithm: s.algorithm, signer, value });
  });
  return parsed({
    object: o,
    recordId: o.record_id,
    user: keys.user!,
    agent: keys.agent!,
    orchestrator: keys.orchestrator!,
    node: keys.node!,
    customer: keys.customer!,
    provider: keys.provider!,
    clusterId,
    era: o.era,
    timestamp,
    scope,
    operation: o.operation,
    usage: {
      storedBytes,
      deliveredBytes,
      puts: u.puts as number,
      gets: u.gets as number,
      cpuMs: u.cpu_ms as number,
      gpuUnits: u.gpu_units as number,
      ramUnits: u.ram_units as number,
    },
    resultHash,
    dac,
    signatures,
    badSignatures,
  });
}

function without(o: Readonly<Record<string, unknown>>, ...drop: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!drop.includes(k)) out[k] = v;
  return out;
}

interface CanonicalForms {
  /** JCS without `signatures`: the bytes every role signs. */
  readonly signing: Uint8Array;
  /** JCS without `signatures` and `record_id`: the record id preimage. */
  readonly idPreimage: Uint8Array;
  /** JCS of the whole record: the leaf preimage. */
  readonly full: Uint8Array;
}

// One serialisation serves all three forms; memoised per record object (records are not mutated
// after parsing, and the memo holds no reference that outlives the object).
const formsMemo = new WeakMap<object, CanonicalForms>();

/** The three canonical forms of a record. Throws JcsError on values JSON cannot carry. */
function canonicalForms(object: Readonly<Record<string, unknown>>): CanonicalForms {
  const cached = formsMemo.get(object);
  if (cached) return cached;
  const members = canonicalMembers(object);
  const text = joinMembers(members);
  const full = utf8(text);
  // UTF-8 is as long as the UTF-16 text only when every character is ASCII; then each byte is
  // its character and a member's bytes sit at its text's offsets, so the other two forms are
  // the full form's bytes with members cut out: the same bytes as encoding their text anew.
  const ascii = full.length === text.length;
  const forms = {
    signing: ascii
      ? withoutMembers(full, members, ['signatures'])
      : utf8(joinMembers(members, ['signatures'])),
    idPreimage: ascii
      ? withoutMembers(full, members, ['signatures', 'record_id'])
      : utf8(joinMembers(members, ['signatures', 'record_id'])),
    full,
  };
  formsMemo.set(object, forms);
  return forms;
}

/**
 * `utf8(joinMembers(members, omit))` for an all-ASCII `full` = `utf8(joinMembers(members))`:
 * `{`, the kept members' bytes joined by `,`, `}`, copied out of `full`.
 */
function withoutMembers(
  full: Uint8Array,
  members: ReadonlyArray<[string, string]>,
  omit: readonly string[]
): Uint8Array {
  let size = 2;
  let kept = 0;
  for (const [k, t] of members)
    if (!omit.includes(k)) {
      size += t.length;
      kept++;
    }
  if (kept > 1) size += kept - 1;
  const out = new Uint8Array(size);
  out[0] = 0x7b; // {
  let at = 1; // where the next member starts in `full`
  let o = 1;
  let first = true;
  for (const [k, t] of members) {
    if (!omit.includes(k)) {
      if (!first) out[o++] = 0x2c; // ,
      first = false;
      out.set(full.subarray(at, at + t.length), o);
      o += t.length;
    }
    at += t.length + 1;
  }
  out[o] = 0x7d; // }
  return out;
}

/** The bytes every role signs: JCS of the record without `signatures`. */
export function scpSigningBytes(object: Readonly<Record<string, unknown>>): Uint8Array {
  return canonicalForms(object).signing;
}

/** `dac-` + 24 hex digits of blake2b256(JCS(record without signatures and record_id)). */
export function deriveRecordId(object: Readonly<Record<string, unknown>>): string {
  return recordIdOf(canonicalForms(object).idPreimage);
}

function recordIdOf(idPreimage: Uint8Array): string {
  return 'dac-' + toHex(blake2b256(idPreimage)).slice(2, 26);
}

/** JCS of the whole record, signatures included (what a batch payload carries for it). */
export function scpRecordCanonical(object: Readonly<Record<string, unknown>>): Uint8Array {
  return canonicalForms(object).full;
}

/** The record's leaf in its DAC batch: blake2b256(JCS(whole record, signatures included)). */
export function scpRecordLeaf(object: Readonly<Record<string, unknown>>): Uint8Array {
  return blake2b256(canonicalForms(object).full);
}

export interface RecordPolicy {
  /** Roles whose valid signature is required. Default: agent, orchestrator, node. */
  readonly requiredRoles?: readonly string[];
}

/**
 * Checks a parsed record: id derivation, then one line per required role (and one per extra
 * signature present). A role bound to a key in the record (agent, orchestrator, node) must be
 * signed by that key.
 */
export function checkScpRecord(
  rec: ScpRecord,
  backend: SignatureBackend,
  policy: RecordPolicy = {}
): Line[] {
  const lines: Line[] = [];
  let signing: Uint8Array;
  let derivedId: string;
  try {
    signing = scpSigningBytes(rec.object);
    derivedId = deriveRecordId(rec.object);
  } catch {
    // Values JSON cannot carry in canonical form (e.g. lone surrogates): no bytes to derive the
    // id from or to check a signature over.
    const facts = { reason: 'the record has no canonical (JCS) form' };
    return [
      'record.id',
      ...(policy.requiredRoles ?? DEFAULT_REQUIRED_ROLES).map((r) => `record.signature.${r}`),
    ].map((check) => fail({ step: 'record', check, rule: RULE_RECORD, facts }, 'BAD_ENCODING'));
  }
  lines.push(
    verdict(
      derivedId === rec.recordId,
      {
        step: 'record',
        check: 'record.id',
        rule: RULE_RECORD,
        facts: { expected: rec.recordId, computed: derivedId },
      },
      'RECORD_ID_MISMATCH'
    )
  );
  const required = policy.requiredRoles ?? DEFAULT_REQUIRED_ROLES;
  // Required roles first, then every other role that signed (or tried to: an undecodable
  // signature of an extra role is reported too).
  const roles = [
    ...required,
    ...rec.signatures.map((s) => s.role),
    ...rec.badSignatures.map((b) => b.role).filter((r) => r !== '?'),
  ];
  for (const role of new Set(roles)) {
    const check = `record.signature.${role}`;
    const base = { step: 'record' as const, check, rule: `${RULE_RECORD}` };
    const sigs = rec.signatures.filter((s) => s.role === role);
    const bad = rec.badSignatures.find((b) => b.role === role);
    if (sigs.length === 0) {
      if (bad)
        lines.push(fail({ ...base, facts: { role, index: bad.index, ...bad.facts } }, bad.code));
      else if (required.includes(role))
        lines.push(fail({ ...base, facts: { role } }, 'SIG_MISSING'));
      continue;
    }
    const count = sigs.length + rec.badSignatures.filter((b) => b.role === role).length;
    if (count > 1) {
      lines.push(fail({ ...base, facts: { role, count } }, 'SIG_DUPLICATE_ROLE'));
      continue;
    }
    const s = sigs[0]!;
    const facts: Facts = {
      role,
      algorithm: s.algorithm,
      signer: toHex(s.signer),
      signedBytes: signing.length,
    };
    const binding = ROLE_BINDINGS[role];
    if (binding && !equalBytes(s.signer, rec[binding])) {
      lines.push(
        fail(
          {
            ...base,
            rule: `${RULE_RECORD}-${s.algorithm}`,
            facts: { ...facts, expectedSigner: toHex(rec[binding]) },
          },
          'SIGNER_MISMATCH'
        )
      );
      continue;
    }
    const ok = backend.verify(s.algorithm, s.value, signing, s.signer);
    lines.push(
      verdict(ok, { ...base, rule: `${RULE_RECORD}-${s.algorithm}`, facts }, 'SIG_INVALID')
    );
  }
  for (const b of rec.badSignatures.filter((b) => b.role === '?')) {
    lines.push(
      fail(
        {
          step: 'record',
          check: `record.signature[${b.index}]`,
          rule: RULE_RECORD,
          facts: b.facts,
        },
        b.code
      )
    );
  }
  return lines;
}

export interface RoleSigner {
  readonly role: string;
  readonly algorithm: SignatureAlgorithm;
  /** Signs bytes; the verifier never holds secret keys, so signing is a callback. */
  sign(message: Uint8Array): { signer: Uint8Array; value: Uint8Array };
}

/** Fills in `record_id` and the role signatures (used by fixtures and the devnet). */
export function signScpRecord(
  unsigned: Readonly<Record<string, unknown>>,
  signers: readonly RoleSigner[]
): Record<string, unknown> {
  return signScpRecordCanonical(unsigned, signers).record;
}

export interface SignedScpRecord {
  /** The record: `unsigned` with `record_id` and the role signatures filled in. */
  readonly record: Record<string, unknown>;
  readonly recordId: string;
  /** The bytes every role signed: JCS of the record without `signatures`. */
  readonly signing: Uint8Array;
  /** JCS of the whole record: its line in a batch payload and its leaf preimage. */
  readonly canonical: Uint8Array;
}

/** `members` (in JCS order) with the member `name` inserted at its place. */
function withMember(
  members: ReadonlyArray<[string, string]>,
  name: string,
  value: unknown
): Array<[string, string]> {
  const out = members.slice();
  let k = 0;
  // `<` compares UTF-16 code units, as the JCS member sort does.
  while (k < out.length && out[k]![0] < name) k++;
  out.splice(k, 0, ...canonicalMembers({ [name]: value }));
  return out;
}

/**
 * `signScpRecord`, also giving the signed bytes and the record's JCS bytes, from one serialisation
 * of the record's members: `canonical` is `canonicalBytes(record)` and `scpRecordLeaf(record)` is
 * `blake2b256(canonical)`.
 */
export function signScpRecordCanonical(
  unsigned: Readonly<Record<string, unknown>>,
  signers: readonly RoleSigner[]
): SignedScpRecord {
  const base = without(unsigned, 'signatures', 'record_id');
  const members = canonicalMembers(base);
  const recordId = recordIdOf(utf8(joinMembers(members)));
  const withId = withMember(members, 'record_id', recordId);
  const signing = utf8(joinMembers(withId));
  const signatures = signers.map((s) => {
    const { signer, value } = s.sign(signing);
    return { role: s.role, algorithm: s.algorithm, signer: toHex(signer), value: toHex(value) };
  });
  const canonical = utf8(joinMembers(withMember(withId, 'signatures', signatures)));
  return { record: { ...base, record_id: recordId, signatures }, recordId, signing, canonical };
}

/** Facts for display: the record's parties, usage and where it belongs. */
export function scpRecordFacts(rec: ScpRecord): Facts {
  return {
    recordId: rec.recordId,
    clusterId: toHex(rec.clusterId),
    era: rec.era,
    user: toHex(rec.user),
    agent: toHex(rec.agent),
    customer: toHex(rec.customer),
    provider: toHex(rec.provider),
    operation: rec.operation,
    storedBytes: rec.usage.storedBytes.toString(),
    deliveredBytes: rec.usage.deliveredBytes.toString(),
    cpuMs: rec.usage.cpuMs,
    gpuUnits: rec.usage.gpuUnits,
  };
}
