/**
 * DAC batches, profile "SCP draft v0": records are batched per (cluster, era, batch index); the
 * batch root is the ckb MMR (the same construction as Cere's payouts: blake2s merge) over the
 * records' leaves; the root is anchored on chain in an SCP envelope sent with
 * `System.remark_with_event`. The batch payload, served by storage nodes by content hash, is:
 *
 *   record_format 0 (SCP JSON): the JCS form of each record, each followed by "\n";
 *                                leaf = blake2b256(JCS bytes of the record)
 *   record_format 1 (DAC protobuf): each record's protobuf bytes prefixed by its length as an
 *                                unsigned LEB128 varint; leaf = blake2b256(record bytes)
 *
 * and `payload_hash` = blake2b256(payload bytes).
 * @module
 */
import { concatBytes, equalBytes, toHex } from '../bytes.ts';
import { type DacBatchEnvelope, RecordFormat, decodeEnvelope } from '../envelope.ts';
import { blake2b256 } from '../hash.ts';
import {
  type Facts,
  type Line,
  type Parsed,
  type Source,
  fail,
  parsed,
  pass,
  rejected,
  verdict,
} from '../lines.ts';
import { mmrProofLength, mmrRoot, mmrRootFromProof } from '../mmr.ts';
import { cereMerge } from '../payout-tree.ts';

export const RULE_INCLUSION = 'scp-v0:dac-batch-mmr';
export const RULE_ANCHOR = 'scp-v0:remark-envelope';
export const RULE_FINALITY = 'chain:finality';
export const RULE_ANCHOR_AUTHORITY = 'scp-v0:anchor-authority';
export const MAX_BATCH_LEAVES = 1 << 20;

export function batchRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return mmrRoot(leaves, cereMerge);
}

/** Builds a payload from records' bytes (JCS text bytes or protobuf bytes). */
export function encodeBatchPayload(
  records: readonly Uint8Array[],
  format: RecordFormat
): Uint8Array {
  if (format === RecordFormat.ScpJson) {
    const nl = Uint8Array.of(0x0a);
    return concatBytes(...records.flatMap((r) => [r, nl]));
  }
  const parts: Uint8Array[] = [];
  for (const r of records) {
    const len: number[] = [];
    let n = r.length;
    do {
      let byte = n & 0x7f;
      n = Math.floor(n / 128);
      if (n > 0) byte |= 0x80;
      len.push(byte);
    } while (n > 0);
    parts.push(Uint8Array.from(len), r);
  }
  return concatBytes(...parts);
}

/** Splits a payload into its records' bytes. Hostile input gives a reason code. */
export function decodeBatchPayload(
  payload: Uint8Array,
  format: RecordFormat
): Parsed<Uint8Array[]> {
  const out: Uint8Array[] = [];
  if (format === RecordFormat.ScpJson) {
    let start = 0;
    for (let i = 0; i < payload.length; i++) {
      if (payload[i] === 0x0a) {
        if (i === start) return rejected('BAD_ENCODING', { offset: i, error: 'empty line' });
        out.push(payload.subarray(start, i));
        if (out.length > MAX_BATCH_LEAVES)
          return rejected('TOO_LARGE', { maxLeaves: MAX_BATCH_LEAVES });
        start = i + 1;
      }
    }
    if (start !== payload.length)
      return rejected('BAD_ENCODING', { offset: start, error: 'missing final newline' });
    return parsed(out);
  }
  let o = 0;
  while (o < payload.length) {
    let len = 0;
    let shift = 1;
    let k = 0;
    for (;;) {
      if (o >= payload.length || k >= 5)
        return rejected('BAD_ENCODING', { offset: o, error: 'bad length prefix' });
      const b = payload[o++] as number;
      len += (b & 0x7f) * shift;
      shift *= 128;
      k++;
      if ((b & 0x80) === 0) break;
    }
    if (o + len > payload.length)
      return rejected('BAD_ENCODING', { offset: o, error: 'record past end' });
    out.push(payload.subarray(o, o + len));
    if (out.length > MAX_BATCH_LEAVES)
      return rejected('TOO_LARGE', { maxLeaves: MAX_BATCH_LEAVES });
    o += len;
  }
  return parsed(out);
}

/**
 * Checks a fetched payload against its envelope: content hash, leaf count and root. Used by the
 * indexer on ingest and by the sentinel on re-fetch.
 */
export function checkBatchPayload(
  payload: Uint8Array,
  env: DacBatchEnvelope,
  source?: Source
): Line {
  return checkBatchPayloadLeaves(payload, env, source).line;
}

/**
 * `checkBatchPayload`, also returning the records' bytes and their leaves when the payload is
 * well framed (whatever the root), so a caller that goes on to check the records hashes each one
 * once.
 */
export function checkBatchPayloadLeaves(
  payload: Uint8Array,
  env: DacBatchEnvelope,
  source?: Source
): { line: Line; records: Uint8Array[] | null; leaves: Uint8Array[] | null } {
  const base = {
    step: 'inclusion' as const,
    check: 'inclusion.payload',
    rule: RULE_INCLUSION,
    ...(source ? { source } : {}),
  };
  const hash = blake2b256(payload);
  if (!equalBytes(hash, env.payloadHash)) {
    const facts = {
      expected: toHex(env.payloadHash),
      computed: toHex(hash),
      bytes: payload.length,
    };
    return { line: fail({ ...base, facts }, 'HASH_MISMATCH'), records: null, leaves: null };
  }
  const recs = decodeBatchPayload(payload, env.recordFormat);
  if (!recs.ok)
    return { line: fail({ ...base, facts: recs.facts }, recs.code), records: null, leaves: null };
  if (recs.value.length !== env.leafCount || recs.value.length === 0) {
    const facts = { expectedLeaves: env.leafCount, leaves: recs.value.length };
    return { line: fail({ ...base, facts }, 'MALFORMED'), records: null, leaves: null };
  }
  const leaves = recs.value.map((r) => blake2b256(r));
  const root = batchRoot(leaves);
  const line = verdict(
    equalBytes(root, env.root),
    {
      ...base,
      facts: { expected: toHex(env.root), computed: toHex(root), leaves: recs.value.length },
    },
    'ROOT_MISMATCH'
  );
  return { line, records: recs.value, leaves };
}

export interface InclusionInput {
  readonly leafIndex: number;
  readonly leafCount: number;
  readonly proof: readonly Uint8Array[];
  readonly root: Uint8Array;
  readonly source?: Source;
}

/** The record's leaf is in the batch root (MMR proof). */
export function checkInclusion(leaf: Uint8Array, inc: InclusionInput): Line {
  // Canonical proofs only (the default rules): exactly the items the proof generator produces.
  const computed = mmrRootFromProof(inc.leafCount, inc.leafIndex, leaf, inc.proof, cereMerge);
  const facts = {
    leaf: toHex(leaf),
    leafIndex: inc.leafIndex,
    leafCount: inc.leafCount,
    proofItems: inc.proof.length,
    canonicalProofItems: mmrProofLength(inc.leafCount, inc.leafIndex),
    expectedRoot: toHex(inc.root),
    computedRoot: computed ? toHex(computed) : null,
  };
  const base = {
    step: 'inclusion' as const,
    check: 'inclusion.mmr',
    rule: RULE_INCLUSION,
    facts,
    ...(inc.source ? { source: inc.source } : {}),
  };
  if (!Number.isSafeInteger(inc.leafIndex) || inc.leafIndex < 0 || inc.leafIndex >= inc.leafCount) {
    return fail(base, 'INDEX_OUT_OF_RANGE');
  }
  return verdict(computed !== null && equalBytes(computed, inc.root), base, 'PROOF_INVALID');
}

/** Who may anchor a cluster's batches at a block: its manager, its nodes and their providers. */
export interface AnchorAuthority {
  readonly clusterId: Uint8Array;
  /** The cluster's manager (the account that created it), when known. */
  readonly manager: Uint8Array | null;
  /** The cluster's member nodes at the anchor's block, each with its provider when known. */
  readonly nodes: ReadonlyArray<{
    readonly node: Uint8Array;
    readonly provider: Uint8Array | null;
  }>;
}

export interface AnchorInput {
  readonly envelope: Uint8Array;
  /** `System.Remarked.hash` as the chain reports it. */
  readonly remarkHash: Uint8Array;
  /** `System.Remarked.sender`: who sent the remark; null when not known. */
  readonly sender: Uint8Array | null;
  readonly block: { readonly number: number; readonly hash: string; readonly finalized: boolean };
  /** The anchoring cluster's keys at the block; null when not known. */
  readonly authority: AnchorAuthority | null;
  readonly source?: Source;
}

/**
 * `anchor.remark`: the envelope hashes to the Remarked event's hash and decodes as a DacBatch
 * envelope of a known version. Returns the envelope when it decodes as one, whatever the hash,
 * so the other lines can still be computed (and fail on their own).
 */
export function checkAnchorRemark(a: AnchorInput): {
  line: Line;
  envelope: DacBatchEnvelope | null;
} {
  const base = {
    step: 'anchor' as const,
    check: 'anchor.remark',
    rule: RULE_ANCHOR,
    ...(a.source ? { source: a.source } : {}),
  };
  const hash = blake2b256(a.envelope);
  const env = decodeEnvelope(a.envelope);
  const envelope = env.ok && env.value.kind === 'DacBatch' ? env.value : null;
  if (!equalBytes(hash, a.remarkHash))
    return {
      line: fail(
        { ...base, facts: { expected: toHex(a.remarkHash), computed: toHex(hash) } },
        'ANCHOR_MISMATCH'
      ),
      envelope,
    };
  if (!env.ok) return { line: fail({ ...base, facts: env.facts }, env.code), envelope: null };
  if (!envelope)
    return {
      line: fail({ ...base, facts: { kind: env.value.kind } }, 'UNSUPPORTED_KIND'),
      envelope: null,
    };
  return {
    line: pass({
      ...base,
      facts: {
        remarkHash: toHex(a.remarkHash),
        root: toHex(envelope.root),
        leafCount: envelope.leafCount,
        clusterId: toHex(envelope.clusterId),
        era: envelope.era,
        batchIndex: envelope.batchIndex,
        recordFormat: envelope.recordFormat,
      },
    }),
    envelope,
  };
}

/**
 * `anchor.sender`: the remark's sender is a key the envelope's cluster authorises at the block:
 * the cluster manager, a member node, or a member node's provider (docs/spec.md §6, "Who may
 * anchor").
 */
export function checkAnchorSender(a: AnchorInput, envelope: DacBatchEnvelope | null): Line {
  const base = {
    step: 'anchor' as const,
    check: 'anchor.sender',
    rule: RULE_ANCHOR_AUTHORITY,
    ...(a.source ? { source: a.source } : {}),
  };
  if (!envelope) return fail({ ...base, facts: { blockedBy: 'anchor.remark' } }, 'MALFORMED');
  const auth = a.authority;
  const facts: Facts = {
    sender: a.sender ? toHex(a.sender) : null,
    clusterId: toHex(envelope.clusterId),
    manager: auth?.manager ? toHex(auth.manager) : null,
    nodes: auth ? auth.nodes.map((n) => toHex(n.node)) : [],
    providers: auth ? auth.nodes.flatMap((n) => (n.provider ? [toHex(n.provider)] : [])) : [],
  };
  if (!auth || !equalBytes(auth.clusterId, envelope.clusterId))
    return fail(
      { ...base, facts: { ...facts, reason: "the cluster's keys at the block are not known" } },
      'MALFORMED'
    );
  const s = a.sender;
  const as =
    s === null
      ? null
      : auth.manager && equalBytes(auth.manager, s)
        ? 'manager'
        : auth.nodes.some((n) => equalBytes(n.node, s))
          ? 'node'
          : auth.nodes.some((n) => n.provider !== null && equalBytes(n.provider, s))
            ? 'provider'
            : null;
  return verdict(as !== null, { ...base, facts: { ...facts, authorisedAs: as } }, 'NOT_AUTHORIZED');
}

/** `anchor.finality`: the anchoring block is final (required unless the policy waives it). */
export function checkAnchorFinality(a: AnchorInput, requireFinality: boolean): Line {
  return verdict(
    a.block.finalized || !requireFinality,
    {
      step: 'anchor',
      check: 'anchor.finality',
      rule: RULE_FINALITY,
      basis: 'trusted',
      facts: { block: a.block.number, blockHash: a.block.hash, finalized: a.block.finalized },
      ...(a.source ? { source: a.source } : {}),
    },
    'NOT_FINAL'
  );
}

/** `anchor.era`: the record's declared cluster and era are the anchored batch's. */
export function checkAnchorEra(
  record: { clusterId: Uint8Array; era: number } | null,
  envelope: DacBatchEnvelope | null
): Line {
  const base = { step: 'anchor' as const, check: 'anchor.era', rule: RULE_ANCHOR };
  if (!record) return fail({ ...base, facts: { blockedBy: 'record.decode' } }, 'MALFORMED');
  if (!envelope) return fail({ ...base, facts: { blockedBy: 'anchor.remark' } }, 'MALFORMED');
  return verdict(
    equalBytes(record.clusterId, envelope.clusterId) && record.era === envelope.era,
    {
      ...base,
      facts: {
        recordCluster: toHex(record.clusterId),
        recordEra: record.era,
        batchCluster: toHex(envelope.clusterId),
        batchEra: envelope.era,
      },
    },
    'ERA_MISMATCH'
  );
}
