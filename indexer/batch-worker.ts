/**
 * Worker thread of the batch pool (indexer/batch-pool.ts): checks one fetched DAC batch payload
 * against its anchored envelope, then runs the record's own steps of the receipt pipeline (grant,
 * record, inclusion) for every record in it with the Node signature backend, and returns rows
 * ready to insert. Grants arrive ahead of batches as `grants` messages and stay in the worker.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { concatBytes, parseHex, toHex } from '../verifier/bytes.ts';
import { RecordFormat } from '../verifier/envelope.ts';
import type { Line } from '../verifier/lines.ts';
import { mmrProofs } from '../verifier/mmr.ts';
import { cereMerge } from '../verifier/payout-tree.ts';
import { DEFAULT_POLICY, verifyRecordOwnSteps } from '../verifier/receipt.ts';
import { usageCost } from '../verifier/receipts/activity.ts';
import { checkBatchPayloadLeaves } from '../verifier/receipts/dac-batch.ts';
import { GrantMemo, type GrantInput } from '../verifier/receipts/gar.ts';
import { parsePublicKey } from '../verifier/encoding.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import type {
  BatchJob,
  BatchOutcome,
  GrantItem,
  LineRow,
  RecordRow,
  WorkerRequest,
  WorkerResponse,
} from './batch-pool.ts';

const grants = new Map<string, Array<{ version: number; input: GrantInput }>>();
const memo = new GrantMemo(100_000);
const decoder = new TextDecoder('utf-8', { fatal: true });

export function pairKey(user: string, agent: string): string {
  return `${user.toLowerCase()}/${agent.toLowerCase()}`;
}

export function addGrants(items: readonly GrantItem[]): void {
  for (const g of items) {
    const key = pairKey(g.user, g.agent);
    let list = grants.get(key);
    if (!list) grants.set(key, (list = []));
    if (list.some((v) => v.version === g.version)) continue;
    list.push({
      version: g.version,
      input: { payload: g.payload, signature: g.signature, source: { url: g.url } },
    });
    list.sort((a, b) => a.version - b.version);
  }
}

export function lineRows(lines: readonly Line[]): LineRow[] {
  return lines.map((l, i) => [
    i,
    l.step,
    l.check,
    l.ok,
    l.code,
    l.rule,
    l.basis,
    JSON.stringify(l.facts),
    l.source ? JSON.stringify(l.source) : null,
  ]);
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
  const payloadLine = checked.line;
  if (!payloadLine.ok) return { payloadLine: lineRows([payloadLine])[0]!, ok: false, records: [] };
  if (job.recordFormat !== RecordFormat.ScpJson) {
    // Batches of bare Cere DAC protobuf records carry no SCP parties to check grants against.
    const line: Line = {
      step: 'inclusion',
      check: 'inclusion.payload',
      ok: false,
      code: 'UNSUPPORTED_KIND',
      rule: 'scp-v0:dac-batch-mmr',
      basis: 'checked',
      facts: { recordFormat: job.recordFormat, supported: [RecordFormat.ScpJson] },
      source: { url: job.url },
    };
    return { payloadLine: lineRows([line])[0]!, ok: false, records: [] };
  }
  const texts = checked.records!;
  const leaves = checked.leaves!;
  const proofs = mmrProofs(leaves, cereMerge);
  const pricing = job.pricing
    ? {
        perMbStored: BigInt(job.pricing.perMbStored),
        perMbStreamed: BigInt(job.pricing.perMbStreamed),
        perPut: BigInt(job.pricing.perPut),
        perGet: BigInt(job.pricing.perGet),
        perCpuMs: BigInt(job.pricing.perCpuMs),
        perGpuUnit: BigInt(job.pricing.perGpuUnit),
        perRamUnit: BigInt(job.pricing.perRamUnit),
      }
    : null;
  const records: RecordRow[] = [];
  for (let i = 0; i < texts.length; i++) {
    const raw = texts[i]!;
    let object: unknown;
    try {
      object = JSON.parse(decoder.decode(raw));
    } catch {
      object = undefined;
    }
    const o = (typeof object === 'object' && object !== null ? object : {}) as Record<
      string,
      unknown
    >;
    const recordId =
      typeof o.record_id === 'string' && o.record_id.length <= 200
        ? o.record_id
        : `${job.batchId}:${i}`;
    // The pair's grant versions, keyed as the record's parser reads the keys (the record itself
    // is parsed once, by the verifier).
    const user = parsePublicKey(o.user);
    const agent = parsePublicKey(o.agent);
    const versions =
      user && agent
        ? (grants.get(pairKey(toHex(user), toHex(agent)))?.map((v) => v.input) ?? [])
        : [];
    const own = verifyRecordOwnSteps(
      {
        recordId,
        grant: { versions },
        record: object,
        inclusion: {
          leafIndex: i,
          leafCount: texts.length,
          proof: proofs[i]!,
          root: env.root,
          source: { url: job.url },
        },
      },
      nodeBackend,
      DEFAULT_POLICY,
      memo
    );
    const failed = own.lines.filter((l) => !l.ok).length;
    const r = own.record;
    records.push({
      id: `${job.batchId}:${i}`,
      recordId,
      leafIndex: i,
      clusterId: r ? toHex(r.clusterId) : null,
      era: r ? r.era : null,
      user: r ? toHex(r.user) : null,
      agent: r ? toHex(r.agent) : null,
      customer: r ? toHex(r.customer) : null,
      provider: r ? toHex(r.provider) : null,
      node: r ? toHex(r.node) : null,
      timestamp: r ? r.timestamp : null,
      cost: r && pricing ? usageCost(r.usage, pricing).toString() : null,
      usage: r ? JSON.stringify(o.usage ?? null) : null,
      raw,
      proof: concatBytes(...proofs[i]!),
      ok: failed === 0,
      failed,
      lines: lineRows(own.lines),
    });
  }
  return { payloadLine: lineRows([payloadLine])[0]!, ok: true, records };
}

parentPort?.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'grants') {
    addGrants(msg.items);
    return;
  }
  let res: WorkerResponse;
  try {
    res = { id: msg.id, outcome: verifyBatch(msg.job) };
  } catch (e) {
    res = { id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(res);
});
