/**
 * Worker thread of the batch pool (indexer/batch-pool.ts): checks one fetched DAC batch payload
 * against its anchored envelope, then computes the `record` subject of every record in it
 * (decoding, id, signatures, inclusion in the anchored root, the record's era against the batch)
 * through the batch's receipt kind (verifier/kinds.ts), with the Node signature backend, and
 * returns rows ready to insert.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { concatBytes, parseHex, toHex } from '../verifier/bytes.ts';
import type { RecordFormat } from '../verifier/envelope.ts';
import { kindOfFormat } from '../verifier/kinds.ts';
import { type Line, fail } from '../verifier/lines.ts';
import { mmrProofs } from '../verifier/mmr.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { cereMerge } from '../verifier/payout-tree.ts';
import { DEFAULT_POLICY, verifyRecordSubject } from '../verifier/receipt.ts';
import type { Pricing } from '../verifier/receipts/activity.ts';
import { RULE_INCLUSION, checkBatchPayloadLeaves } from '../verifier/receipts/dac-batch.ts';
import type {
  BatchJob,
  BatchOutcome,
  LineRow,
  RecordRow,
  WorkerRequest,
  WorkerResponse,
} from './batch-pool.ts';

export function lineRows(lines: readonly Line[]): LineRow[] {
  return lines.map((l, i) => ({
    seq: i,
    step: l.step,
    check_name: l.check,
    ok: l.ok,
    code: l.code,
    rule: l.rule,
    basis: l.basis,
    facts: JSON.stringify(l.facts),
    source: l.source ? JSON.stringify(l.source) : null,
    pending: l.status === 'pending',
    skipped: l.status === 'skipped',
  }));
}

/** Stored pricing (decimal strings, as `cluster_protocol_params.pricing` keeps it) as bigints. */
export function pricingOf(p: Readonly<Record<string, string>> | null): Pricing | null {
  if (!p) return null;
  return {
    perMbStored: BigInt(p.perMbStored!),
    perMbStreamed: BigInt(p.perMbStreamed!),
    perPut: BigInt(p.perPut!),
    perGet: BigInt(p.perGet!),
    perCpuMs: BigInt(p.perCpuMs!),
    perGpuUnit: BigInt(p.perGpuUnit!),
    perRamUnit: BigInt(p.perRamUnit!),
  };
}

export function verifyBatch(job: BatchJob): BatchOutcome {
  const env = {
    kind: 'DacBatch' as const,
    clusterId: parseHex(job.clusterId, 20)!,
    era: job.era,
    batchIndex: job.batchIndex,
    recordFormat: job.recordFormat as RecordFormat,
    leafCount: job.leafCount,
    root: parseHex(job.root, 32)!,
    payloadHash: parseHex(job.payloadHash, 32)!,
  };
  const checked = checkBatchPayloadLeaves(job.payload, env, { url: job.url });
  const payloadLine = lineRows([checked.line])[0]!;
  // The payload is the anchored one (its hash is in the envelope) but its leaves may not make the
  // anchored root: the records are still checked, and each record's inclusion line fails.
  const anchoredBytes = checked.line.ok || checked.line.code === 'ROOT_MISMATCH';
  if (!anchoredBytes || !checked.records) return { payloadLine, ok: false, records: [] };
  const kind = kindOfFormat(job.recordFormat);
  if (!kind) {
    const line = fail(
      {
        step: 'inclusion',
        check: 'inclusion.payload',
        rule: RULE_INCLUSION,
        facts: { recordFormat: job.recordFormat, reason: 'no receipt kind for this record format' },
        source: { url: job.url },
      },
      'UNSUPPORTED_KIND'
    );
    return { payloadLine: lineRows([line])[0]!, ok: false, records: [] };
  }
  const texts = checked.records;
  const proofs = mmrProofs(checked.leaves!, cereMerge);
  const pricing = pricingOf(job.pricing);
  const records: RecordRow[] = [];
  for (let i = 0; i < texts.length; i++) {
    const raw = texts[i]!;
    const subject = verifyRecordSubject(
      kind,
      { bytes: raw, leafIndex: i, proof: proofs[i]!, envelope: env },
      nodeBackend,
      DEFAULT_POLICY
    );
    const p = subject.parties;
    const cost = pricing ? kind.cost(raw, pricing) : null;
    const usage =
      typeof subject.record === 'object' && subject.record !== null
        ? ((subject.record as Record<string, unknown>).usage ?? null)
        : null;
    records.push({
      id: `${job.batchId}:${i}`,
      recordId: kind.statedId(raw) ?? `${job.batchId}:${i}`,
      leafIndex: i,
      user: p ? toHex(p.user) : null,
      agent: p ? toHex(p.agent) : null,
      customer: p ? toHex(p.customer) : null,
      provider: p ? toHex(p.provider) : null,
      node: p ? toHex(p.node) : null,
      timestamp: p ? p.at : null,
      cost: cost === null ? null : cost.toString(),
      usage: p ? JSON.stringify(usage) : null,
      raw,
      proof: concatBytes(...proofs[i]!),
      parties: p,
      lines: lineRows(subject.lines),
    });
  }
  return { payloadLine, ok: true, records };
}

parentPort?.on('message', (msg: WorkerRequest) => {
  let res: WorkerResponse;
  try {
    res = { id: msg.id, outcome: verifyBatch(msg.job) };
  } catch (e) {
    res = { id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(res);
});
