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
import { type Line, type Parsed, type Source, fail, parsed, rejected, verdict } from '../lines.ts';
import { mmrProofLength, mmrRoot, mmrRootFromProof } from '../mmr.ts';
import { cereMerge } from '../payout-tree.ts';

export const RULE_INCLUSION = 'scp-v0:dac-batch-mmr';
export const RULE_ANCHOR = 'scp-v0:remark-envelope';
export const RULE_FINALITY = 'chain:finality';
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

export interface AnchorInput {
  readonly envelope: Uint8Array;
  /** `System.Remarked.hash` from the chain (trusted: the chain computed it). */
  readonly remarkHash: Uint8Array;
  readonly block: { readonly number: number; readonly hash: string; readonly finalized: boolean };
  readonly source?: Source;
}

/**
 * The batch root is committed on chain: the envelope hashes to the Remarked event's hash, decodes
 * as a DacBatch envelope of a known version, and names this batch's root, size, cluster and era;
 * the block is final.
 */
export function checkAnchor(
  a: AnchorInput,
  expect: {
    root: Uint8Array;
    leafCount: number;
    batchIndex: number;
    clusterId: Uint8Array;
    era: number;
  },
  requireFinality: boolean
): { lines: Line[]; envelope: DacBatchEnvelope | null } {
  const src = a.source ? { source: a.source } : {};
  const lines: Line[] = [];
  const hash = blake2b256(a.envelope);
  const hashOk = equalBytes(hash, a.remarkHash);
  const env = decodeEnvelope(a.envelope);
  let envelope: DacBatchEnvelope | null = null;
  if (!hashOk) {
    lines.push(
      fail(
        {
          step: 'anchor',
          check: 'anchor.remark',
          rule: RULE_ANCHOR,
          facts: { expected: toHex(a.remarkHash), computed: toHex(hash) },
          ...src,
        },
        'ANCHOR_MISMATCH'
      )
    );
  } else if (!env.ok) {
    lines.push(
      fail(
        { step: 'anchor', check: 'anchor.remark', rule: RULE_ANCHOR, facts: env.facts, ...src },
        env.code
      )
    );
  } else if (env.value.kind !== 'DacBatch') {
    lines.push(
      fail(
        {
          step: 'anchor',
          check: 'anchor.remark',
          rule: RULE_ANCHOR,
          facts: { kind: env.value.kind },
          ...src,
        },
        'UNSUPPORTED_KIND'
      )
    );
  } else {
    envelope = env.value;
    const mismatched: string[] = [];
    if (!equalBytes(envelope.root, expect.root)) mismatched.push('root');
    if (envelope.leafCount !== expect.leafCount) mismatched.push('leaf_count');
    if (!equalBytes(envelope.clusterId, expect.clusterId)) mismatched.push('cluster_id');
    if (envelope.era !== expect.era) mismatched.push('era');
    if (envelope.batchIndex !== expect.batchIndex) mismatched.push('batch_index');
    lines.push(
      verdict(
        mismatched.length === 0,
        {
          step: 'anchor',
          check: 'anchor.remark',
          rule: RULE_ANCHOR,
          facts: {
            remarkHash: toHex(a.remarkHash),
            envelopeRoot: toHex(envelope.root),
            expectedRoot: toHex(expect.root),
            leafCount: envelope.leafCount,
            clusterId: toHex(envelope.clusterId),
            era: envelope.era,
            batchIndex: envelope.batchIndex,
            mismatched,
          },
          ...src,
        },
        'ANCHOR_MISMATCH'
      )
    );
  }
  const finFacts = { block: a.block.number, blockHash: a.block.hash, finalized: a.block.finalized };
  lines.push(
    verdict(
      a.block.finalized || !requireFinality,
      {
        step: 'anchor',
        check: 'anchor.finality',
        rule: RULE_FINALITY,
        basis: 'trusted',
        facts: finFacts,
        ...src,
      },
      'NOT_FINAL'
    )
  );
  return { lines, envelope };
}
