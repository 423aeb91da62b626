/**
 * The registry of receipt kinds: what a batch's `record_format` means, how a record's stored
 * bytes are read, which lines its `record` and `links` subjects produce, and what the era steps
 * need from it (cluster, era, customer, provider, cost). The indexer's batch worker, the API's
 * bundles, the offline verifier and the explorer dispatch through `kindOfFormat` / `kindById`;
 * nothing else names a record format.
 *
 * One kind is registered: `scp-json` (SCP draft v0 JSON activity records, record format 0).
 * Batches of format 1 (bare Cere DAC protobuf records) carry no SCP parties to check consent and
 * settlement against, so they are reported as `UNSUPPORTED_KIND` on the batch.
 * @module
 */
import { equalBytes, parseUtf8, toHex } from './bytes.ts';
import { RecordFormat } from './envelope.ts';
import type { DacBatchEnvelope } from './envelope.ts';
import { blake2b256 } from './hash.ts';
import { canonicalBytes } from './jcs.ts';
import { parseJson } from './json.ts';
import { type Line, fail, pass, verdict } from './lines.ts';
import { type Pricing, usageCost } from './receipts/activity.ts';
import { checkAnchorEra, checkInclusion } from './receipts/dac-batch.ts';
import { checkDecodedDacRecord, decodeActivityRecord } from './receipts/dac-record.ts';
import { type GrantEvidence, type GrantMemo, checkGrant } from './receipts/gar.ts';
import { type RegistrationInput, checkRegistration } from './receipts/registration.ts';
import {
  DEFAULT_REQUIRED_ROLES,
  RULE_RECORD,
  type ScpRecord,
  checkScpRecord,
  parseScpRecord,
  scpRecordCanonical,
} from './receipts/scp-record.ts';
import type { SignatureBackend } from './signatures.ts';

/** What the era steps and the links read of a record, whatever its kind. */
export interface RecordParties {
  readonly recordId: string;
  readonly clusterId: Uint8Array;
  readonly era: number;
  /** The record's time, epoch ms. */
  readonly at: number;
  readonly user: Uint8Array;
  readonly agent: Uint8Array;
  readonly scope: Readonly<Record<string, string>>;
  readonly node: Uint8Array;
  readonly customer: Uint8Array;
  readonly provider: Uint8Array;
}

/** The record subject's inputs: the record's exact bytes, where its leaf is, the batch it is in. */
export interface RecordSubjectInput {
  /** The record's bytes as the batch payload carries them. */
  readonly bytes: Uint8Array;
  readonly leafIndex: number;
  /** The leaf's MMR proof in the batch (items in the crate's order). */
  readonly proof: readonly Uint8Array[];
  /** The batch's envelope as anchored on chain; null when it does not decode as one. */
  readonly envelope: DacBatchEnvelope | null;
}

/** The links subject's inputs: consent (GAR) and the node's registrations. */
export interface LinksSubjectInput {
  readonly grant: GrantEvidence;
  readonly registration: RegistrationInput | null;
}

export interface RecordPolicyArgs {
  readonly requiredRoles: readonly string[];
}

export interface ReceiptKind {
  readonly id: string;
  readonly title: string;
  readonly recordFormat: RecordFormat;
  /** The record as readers see it: parsed JSON, or the bytes' text when they are not JSON. */
  readRecord(bytes: Uint8Array): unknown;
  /** The record's leaf in its batch. */
  leaf(bytes: Uint8Array): Uint8Array;
  /** The record's id as its bytes state it, or null when they state none readable. */
  statedId(bytes: Uint8Array): string | null;
  /** The record's parties, or null when its bytes are not a readable record of this kind. */
  parties(bytes: Uint8Array): RecordParties | null;
  /** Lines of the record itself: decoding, id, signatures, inclusion, its era against the batch. */
  recordSubject(
    input: RecordSubjectInput,
    backend: SignatureBackend,
    policy: RecordPolicyArgs
  ): { lines: Line[]; parties: RecordParties | null; record: unknown };
  /** Lines linking the record to consent and to the chain's registrations. */
  linksSubject(
    parties: RecordParties | null,
    clusterId: Uint8Array | null,
    input: LinksSubjectInput,
    backend: SignatureBackend,
    memo?: GrantMemo
  ): Line[];
  /** What the record costs at the cluster's pricing (null when unreadable). */
  cost(bytes: Uint8Array, pricing: Pricing): bigint | null;
}

const utf8Decoder = { decode: (b: Uint8Array): string | null => parseUtf8(b) };

/** JSON of a record's bytes, or the reason they are not a canonical JSON record. */
function readScp(bytes: Uint8Array): { value: unknown; problem: string | null } {
  const text = utf8Decoder.decode(bytes);
  if (text === null) return { value: null, problem: 'not UTF-8' };
  const j = parseJson(text, { maxDepth: 32 });
  if (!j.ok) return { value: text, problem: `not JSON (${String(j.facts.error)})` };
  return { value: j.value, problem: null };
}

interface ScpParse {
  readonly read: ReturnType<typeof readScp>;
  readonly rec: ReturnType<typeof parseScpRecord> | null;
  /**
   * Whether the bytes are the record's canonical form (JCS, or the SCP record's own form). Worked
   * out on first use: the links subject needs only the parties, and a relink reads thousands of
   * stored records for them (the canonical form was about half of that read).
   */
  readonly canonical: () => boolean;
}

const parseCache = new WeakMap<Uint8Array, ScpParse>();

function parseOnce(bytes: Uint8Array): ScpParse {
  const read = readScp(bytes);
  if (read.problem !== null) return { read, rec: null, canonical: () => false };
  const rec = parseScpRecord(read.value);
  let canonical: boolean | undefined;
  return {
    read,
    rec,
    canonical: () => (canonical ??= isCanonical(bytes, read.value, rec)),
  };
}

function isCanonical(
  bytes: Uint8Array,
  value: unknown,
  rec: ReturnType<typeof parseScpRecord>
): boolean {
  try {
    const form = rec.ok ? scpRecordCanonical(rec.value.object) : canonicalBytes(value as never);
    return equalBytes(form, bytes);
  } catch {
    return false;
  }
}

/** Reads a record's bytes once per byte array (the record and links subjects share it). */
function parseScpBytes(bytes: Uint8Array) {
  let p = parseCache.get(bytes);
  if (!p) parseCache.set(bytes, (p = parseOnce(bytes)));
  return p;
}

function partiesOf(r: ScpRecord): RecordParties {
  return {
    recordId: r.recordId,
    clusterId: r.clusterId,
    era: r.era,
    at: r.timestamp,
    user: r.user,
    agent: r.agent,
    scope: r.scope,
    node: r.node,
    customer: r.customer,
    provider: r.provider,
  };
}

/** Lines binding the Cere DAC protobuf record to the SCP record's parties. */
function dacLines(rec: ScpRecord, backend: SignatureBackend): Line[] {
  if (!rec.dac) return [];
  const d = decodeActivityRecord(rec.dac);
  const lines = checkDecodedDacRecord(d, rec.dac.length, backend).map((l) => ({
    ...l,
    check: l.check.replace(/^record\./, 'record.dac.'),
  }));
  if (!d.ok) return lines;
  const nodeSigner = d.value.signature?.signer ?? null;
  const clientSigner = d.value.upstream?.request?.signature?.signer ?? null;
  const nodeOk = nodeSigner !== null && equalBytes(nodeSigner, rec.node);
  const clientOk = clientSigner !== null && equalBytes(clientSigner, rec.agent);
  lines.push(
    verdict(
      nodeOk && clientOk,
      {
        step: 'record',
        check: 'record.dac.binding',
        rule: 'scp-v0:dac-binding',
        facts: {
          expectedNode: toHex(rec.node),
          dacNodeSigner: nodeSigner ? toHex(nodeSigner) : null,
          expectedClient: toHex(rec.agent),
          dacClientSigner: clientSigner ? toHex(clientSigner) : null,
        },
      },
      'SIGNER_MISMATCH'
    )
  );
  return lines;
}

/** The SCP activity record (JSON, record format 0). */
export const scpJsonKind: ReceiptKind = {
  id: 'scp-json',
  title: 'SCP activity record (JSON, SCP draft v0)',
  recordFormat: RecordFormat.ScpJson,
  readRecord: (bytes) => readScp(bytes).value,
  leaf: (bytes) => blake2b256(bytes),
  statedId(bytes) {
    const v = parseScpBytes(bytes).read.value;
    const id =
      typeof v === 'object' && v !== null ? (v as Record<string, unknown>).record_id : null;
    return typeof id === 'string' && id.length <= 200 ? id : null;
  },
  parties(bytes) {
    const p = parseScpBytes(bytes);
    return p.rec?.ok ? partiesOf(p.rec.value) : null;
  },
  recordSubject(input, backend, policy) {
    const lines: Line[] = [];
    const p = parseScpBytes(input.bytes);
    const rec = p.rec?.ok ? p.rec.value : null;
    const decodeBase = { step: 'record' as const, check: 'record.decode', rule: RULE_RECORD };
    if (p.read.problem !== null)
      lines.push(fail({ ...decodeBase, facts: { error: p.read.problem } }, 'BAD_ENCODING'));
    else if (p.rec && !p.rec.ok)
      lines.push(fail({ ...decodeBase, facts: p.rec.facts }, p.rec.code));
    else if (!p.canonical())
      lines.push(
        fail(
          { ...decodeBase, facts: { error: 'the record bytes are not its JCS (RFC 8785) form' } },
          'BAD_ENCODING'
        )
      );
    else
      lines.push(
        pass({ ...decodeBase, facts: { recordId: rec!.recordId, bytes: input.bytes.length } })
      );

    // Record id and signatures: when the record cannot be read, each required line is there,
    // failed and naming the line that blocked it.
    if (rec) lines.push(...checkScpRecord(rec, backend, { requiredRoles: policy.requiredRoles }));
    else {
      const blocked = { blockedBy: 'record.decode' };
      lines.push(
        fail({ step: 'record', check: 'record.id', rule: RULE_RECORD, facts: blocked }, 'MALFORMED')
      );
      for (const role of policy.requiredRoles)
        lines.push(
          fail(
            {
              step: 'record',
              check: `record.signature.${role}`,
              rule: RULE_RECORD,
              facts: blocked,
            },
            'MALFORMED'
          )
        );
    }
    if (rec) lines.push(...dacLines(rec, backend));

    // Inclusion of the record's leaf in the root anchored on chain.
    const env = input.envelope;
    lines.push(
      env
        ? checkInclusion(blake2b256(input.bytes), {
            leafIndex: input.leafIndex,
            leafCount: env.leafCount,
            proof: input.proof,
            root: env.root,
          })
        : fail(
            {
              step: 'inclusion',
              check: 'inclusion.mmr',
              rule: 'scp-v0:dac-batch-mmr',
              facts: { blockedBy: 'anchor.remark' },
            },
            'MALFORMED'
          )
    );
    lines.push(checkAnchorEra(rec ? { clusterId: rec.clusterId, era: rec.era } : null, env));
    return { lines, parties: rec ? partiesOf(rec) : null, record: p.read.value };
  },
  linksSubject(parties, clusterId, input, backend, memo) {
    const lines: Line[] = [];
    if (parties) {
      lines.push(
        ...checkGrant(
          input.grant,
          { user: parties.user, agent: parties.agent, scope: parties.scope, at: parties.at },
          backend,
          memo
        )
      );
    } else {
      input.grant.versions.forEach((_, i) =>
        lines.push(
          fail(
            {
              step: 'grant',
              check: `grant.signature[${i}]`,
              rule: 'cere:gar-ed25519-raw-payload',
              facts: { blockedBy: 'record.decode' },
            },
            'MALFORMED'
          )
        )
      );
      for (const check of ['grant.parties', 'grant.status', 'grant.scope', 'grant.anchored'])
        lines.push(
          fail(
            {
              step: 'grant',
              check,
              rule: 'cere:gar-status',
              facts: { blockedBy: 'record.decode' },
            },
            'MALFORMED'
          )
        );
    }
    lines.push(
      checkRegistration(
        parties ? { node: parties.node, provider: parties.provider, at: parties.at } : null,
        clusterId,
        input.registration
      )
    );
    return lines;
  },
  cost(bytes, pricing) {
    const p = parseScpBytes(bytes);
    return p.rec?.ok ? usageCost(p.rec.value.usage, pricing) : null;
  },
};

export const RECEIPT_KINDS: readonly ReceiptKind[] = [scpJsonKind];

/** The kind a batch's `record_format` names, or null when no kind is registered for it. */
export function kindOfFormat(format: number): ReceiptKind | null {
  return RECEIPT_KINDS.find((k) => k.recordFormat === format) ?? null;
}

/** The kind registered under `id`, or null. */
export function kindById(id: string): ReceiptKind | null {
  return RECEIPT_KINDS.find((k) => k.id === id) ?? null;
}

export { DEFAULT_REQUIRED_ROLES };
