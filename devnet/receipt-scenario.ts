/**
 * A deterministic, self-consistent era of activity and the receipt bundle of every record in it:
 * users grant agents consent (GAR), agents' records are multi-signed, batched under MMR roots that
 * are anchored by SCP envelopes, validators commit payout fingerprints, the era's charges and
 * rewards are computed from the activity with the cluster's pricing, paid in MMR-proven batches,
 * and the era closes with ClusterEraPaid. Opt-in faults break exactly one link each.
 *
 * This is the seed of the devnet (issue 3); today it feeds the tests, the benchmark and
 * `proofroom start`'s demonstration.
 */
import { parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import { type ReceiptBundleJson, writeBundle } from '../verifier/bundle.ts';
import { toBase64url } from '../verifier/encoding.ts';
import { RecordFormat, encodeEnvelope, garPairId } from '../verifier/envelope.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { mmrProof } from '../verifier/mmr.ts';
import { canonicalBytes } from '../verifier/jcs.ts';
import {
  type PayoutEntry,
  cereMerge,
  payoutBatchProof,
  payoutTree,
} from '../verifier/payout-tree.ts';
import { batchRoot, encodeBatchPayload } from '../verifier/receipts/dac-batch.ts';
import { ehdId, payoutFingerprint } from '../verifier/receipts/attestation.ts';
import type { BatchEvidence } from '../verifier/receipts/payout.ts';
import { eraPayoutListsFromTotals } from '../verifier/receipts/activity.ts';
import { scpRecordLeaf, signScpRecord } from '../verifier/receipts/scp-record.ts';
import { formatRfc3339 } from '../verifier/time.ts';
import {
  RequestType,
  emptyActivityAck,
  emptyActivityRecord,
  emptyActivityRequest,
  encodeActivityRecord,
  signActivityAck,
  signActivityRecord,
  signActivityRequest,
} from '../verifier/receipts/dac-record.ts';
import { type Identity, account, identity, seedBytes } from './keys.ts';
import { SHARES } from './scenario.ts';
import { type Usage, recordCost } from './scenario-records.ts';

export const FAULTS = [
  'bad-record-signature',
  'missing-role-signature',
  'grant-expired',
  'grant-revoked',
  'grant-out-of-scope',
  'wrong-mmr-proof',
  'quorum-not-reached',
  'payout-unbalanced',
  'anchor-not-final',
] as const;
export type Fault = (typeof FAULTS)[number];

export interface ScenarioOptions {
  readonly seed?: string;
  readonly records?: number;
  readonly users?: number;
  readonly providers?: number;
  readonly validators?: number;
  readonly recordsPerBatch?: number;
  readonly payoutBatchSize?: number;
  readonly era?: number;
  /** The orchestrator's signature scheme (Cere's DAC and inspectors use sr25519). Default sr25519. */
  readonly orchestratorAlgorithm?: 'ed25519' | 'sr25519';
  /** Every n-th record (COMPUTE) carries a Cere DAC protobuf record; 0 for none. Default 3. */
  readonly dacEvery?: number;
  /** Faults, each applied to one chosen record (or to the era). */
  readonly faults?: readonly Fault[];
}

export interface Scenario {
  readonly bundles: ReceiptBundleJson[];
  /** For each fault, the record it was applied to and the check that must fail. */
  readonly faulted: ReadonlyArray<{ fault: Fault; recordId: string; failing: string }>;
}

const ERA_START_MS = 1_795_000_000_000; // 2026-11-18T09:46:40Z

function grantPayload(
  user: Identity,
  agent: Identity,
  opts: {
    revoked: boolean;
    createdAt: number;
    expiresAt: number | null;
    scope: Record<string, string>;
  }
): string {
  // The CEF SDK's key order, JSON.stringify without spaces (reference/cere.md B).
  return JSON.stringify({
    agent_service_pub_key: toHex(agent.publicKey),
    user_pub_key: toHex(user.publicKey),
    revoked: opts.revoked,
    expires_at: opts.expiresAt === null ? null : formatRfc3339(opts.expiresAt),
    metadata: { scopes: [{ context: opts.scope }] },
    created_at: formatRfc3339(opts.createdAt),
  });
}

function signedGrant(
  user: Identity,
  text: string,
  source: { url: string }
): { payload: string; signature: Record<string, string>; source: { url: string } } {
  const bytes = utf8(text);
  return {
    payload: toBase64url(bytes),
    signature: {
      algorithm: 'ed25519',
      signer: toHex(user.publicKey),
      value: toHex(user.sign(bytes)),
    },
    source,
  };
}

function mutateHex(hex: string): string {
  const last = hex.slice(-1);
  return hex.slice(0, -1) + (last === '0' ? '1' : '0');
}

export function buildScenario(options: ScenarioOptions = {}): Scenario {
  const seed = options.seed ?? 'demo';
  const nRecords = options.records ?? 12;
  const nUsers = Math.max(1, options.users ?? 3);
  const nProviders = Math.max(1, options.providers ?? 2);
  const nValidators = Math.max(1, options.validators ?? 5);
  const perBatch = Math.max(1, options.recordsPerBatch ?? 8);
  const payoutBatchSize = Math.max(1, options.payoutBatchSize ?? 2);
  const era = options.era ?? 7;
  const faults = new Set(options.faults ?? []);

  const clusterId = blake2b256(utf8(`cluster/${seed}`)).slice(0, 20);
  const gCollector = account(seed, 'g-collector');
  const orchestrator = identity(seed, 'orchestrator', options.orchestratorAlgorithm ?? 'sr25519');
  const dacEvery = options.dacEvery ?? 3;
  const users = Array.from({ length: nUsers }, (_, i) => identity(seed, `user/${i}`));
  const agents = Array.from({ length: nUsers }, (_, i) => identity(seed, `agent/${i}`));
  const customers = Array.from({ length: nUsers }, (_, i) => account(seed, `customer/${i}`));
  const nodes = Array.from({ length: nProviders }, (_, i) => identity(seed, `node/${i}`));
  const providers = Array.from({ length: nProviders }, (_, i) => account(seed, `provider/${i}`));
  const validators = Array.from({ length: nValidators }, (_, i) => account(seed, `validator/${i}`));
  const manager = account(seed, 'cluster-manager');
  const garKey = identity(seed, 'gar-service');
  const scopeOf = (u: number): Record<string, string> => ({
    workspace_id: `ws-${u}`,
    stream_id: `stream-${u}`,
  });

  // Records --------------------------------------------------------------------------------
  const records: Array<Record<string, unknown>> = [];
  const meta: Array<{ user: number; provider: number; cost: bigint }> = [];
  for (let i = 0; i < nRecords; i++) {
    const u = i % nUsers;
    const p = i % nProviders;
    const usage: Usage = {
      stored_bytes: String(1_000_000 * ((i % 5) + 1)),
      delivered_bytes: String(250_000 * ((i % 3) + 1)),
      puts: i % 4,
      gets: (i * 7) % 11,
      cpu_ms: 120 + (i % 9) * 15,
      gpu_units: i % 2 === 0 ? 1500 : 0,
      ram_units: 64,
    };
    const unsigned = {
      type: 'scp.activity',
      version: 0,
      cluster_id: toHex(clusterId),
      era,
      timestamp: formatRfc3339(ERA_START_MS + i * 6000),
      user: toHex(users[u]!.publicKey),
      agent: toHex(agents[u]!.publicKey),
      orchestrator: toHex(orchestrator.publicKey),
      node: toHex(nodes[p]!.publicKey),
      customer: toHex(customers[u]!),
      provider: toHex(providers[p]!),
      scope: scopeOf(u),
      operation: ['PUT', 'GET', 'COMPUTE'][i % 3]!,
      usage,
      result_hash: toHex(blake2b256(utf8(`result/${seed}/${i}`))),
      // Compute records carry the Cere DAC protobuf record behind them.
      ...(dacEvery > 0 && i % dacEvery === dacEvery - 1
        ? { dac: toHex(dacRecordFor(seed, i, u, p, ERA_START_MS + i * 6000, usage)) }
        : {}),
    };
    const signers = [
      { role: 'agent', who: agents[u]! },
      { role: 'orchestrator', who: orchestrator },
      { role: 'node', who: nodes[p]! },
    ].map(({ role, who }) => ({
      role,
      algorithm: who.algorithm,
      sign: (m: Uint8Array) => ({ signer: who.publicKey, value: who.sign(m) }),
    }));
    records.push(signScpRecord(unsigned, signers));
    meta.push({ user: u, provider: p, cost: recordCost(usage) });
  }

  // Faults on records (applied after signing, before batching, so later links stay consistent
  // with the faulty record as it was published).
  const faulted: Array<{ fault: Fault; recordId: string; failing: string }> = [];
  const pick = (k: number): number => (k * 5 + 1) % nRecords;
  let k = 0;
  const take = (fault: Fault, failing: string): number | null => {
    if (!faults.has(fault)) return null;
    const idx = pick(k++);
    faulted.push({ fault, recordId: String(records[idx]!.record_id), failing });
    return idx;
  };
  const badSig = take('bad-record-signature', 'record.signature.node');
  if (badSig !== null) {
    const sigs = records[badSig]!.signatures as Array<Record<string, string>>;
    sigs[2] = { ...sigs[2]!, value: mutateHex(sigs[2]!.value!) };
  }
  const missing = take('missing-role-signature', 'record.signature.orchestrator');
  if (missing !== null) {
    records[missing]!.signatures = (
      records[missing]!.signatures as Array<Record<string, string>>
    ).filter((s) => s.role !== 'orchestrator');
  }
  const expiredIdx = take('grant-expired', 'grant.status');
  const revokedIdx = take('grant-revoked', 'grant.status');
  const scopeIdx = take('grant-out-of-scope', 'grant.scope');
  const proofIdx = take('wrong-mmr-proof', 'inclusion.mmr');
  const notFinalIdx = take('anchor-not-final', 'anchor.finality');

  // Batches and anchors -----------------------------------------------------------------------
  const leaves = records.map((r) => scpRecordLeaf(r));
  const batches: Array<{
    index: number;
    from: number;
    to: number;
    root: Uint8Array;
    envelope: Uint8Array;
    block: number;
  }> = [];
  for (let from = 0, index = 0; from < nRecords; from += perBatch, index++) {
    const to = Math.min(nRecords, from + perBatch);
    const root = batchRoot(leaves.slice(from, to));
    const payload = encodeBatchPayload(
      records.slice(from, to).map((r) => canonicalBytes(r)),
      RecordFormat.ScpJson
    );
    const envelope = encodeEnvelope({
      kind: 'DacBatch',
      clusterId,
      era,
      batchIndex: index,
      recordFormat: RecordFormat.ScpJson,
      leafCount: to - from,
      root,
      payloadHash: blake2b256(payload),
    });
    batches.push({ index, from, to, root, envelope, block: 100 + index });
  }

  // Payouts: charges from activity with pricing, fees by shares, rewards pro rata -------------------
  const chargeBy = new Map<number, bigint>();
  const costByProvider = new Map<number, bigint>();
  for (const m of meta) {
    chargeBy.set(m.user, (chargeBy.get(m.user) ?? 0n) + m.cost);
    costByProvider.set(m.provider, (costByProvider.get(m.provider) ?? 0n) + m.cost);
  }
  const { payers, payees, charged, fees, rewarded, notDistributed } = eraPayoutListsFromTotals(
    [...chargeBy].map(([u, amount]) => [customers[u]!, amount] as const),
    [...costByProvider].map(([p, cost]) => [providers[p]!, cost] as const),
    SHARES
  );
  const {
    batches: payerBatches,
    batchRoots: payerRoots,
    root: payersRoot,
  } = payoutTree(payers, payoutBatchSize);
  const {
    batches: payeeBatches,
    batchRoots: payeeRoots,
    root: payeesRoot,
  } = payoutTree(payees, payoutBatchSize);
  const ehd = ehdId(clusterId, gCollector, era);

  // Votes: all but one validator agree; the last dissents (a different payees root).
  const agreeing = faults.has('quorum-not-reached')
    ? Math.max(0, Math.ceil(nValidators * 0.67) - 2)
    : nValidators - 1;
  if (faults.has('quorum-not-reached'))
    faulted.push({ fault: 'quorum-not-reached', recordId: '*', failing: 'attestation.quorum' });
  // Dissenters each commit a different payees root, so no dissenting choice gathers votes.
  const votes = validators.map((v, i) => {
    const agrees = i < agreeing;
    const pr = payersRoot;
    const pe = agrees ? payeesRoot : blake2b256(utf8(`dissent/${seed}/${i}`));
    return {
      validator: v,
      payersRoot: pr,
      payeesRoot: pe,
      ehdId: ehd,
      fingerprint: null,
      source: { block: 200 + i, eventIndex: 1, extrinsic: `${200 + i}-1` },
    };
  });
  if (faults.has('payout-unbalanced'))
    faulted.push({ fault: 'payout-unbalanced', recordId: '*', failing: 'conservation.balance' });

  const conservation = {
    charged,
    treasuryFees: fees.treasury,
    reserveFees: fees.reserve,
    validatorFees: fees.validators,
    rewarded: faults.has('payout-unbalanced') ? rewarded + 1n : rewarded,
    notDistributed,
    shares: SHARES,
    source: { block: 320, eventIndex: 0 },
  };

  const batchEvidence = (
    list: PayoutEntry[][],
    roots: Uint8Array[],
    who: Uint8Array,
    side: 'payers' | 'payees'
  ): BatchEvidence => {
    const idx = list.findIndex((b) => b.some((e) => toHex(e.account) === toHex(who)));
    const entries = list[idx]!;
    const mine = entries.find((e) => toHex(e.account) === toHex(who))!;
    const block = (side === 'payers' ? 300 : 310) + idx;
    return {
      batchIndex: idx,
      maxBatchIndex: list.length - 1,
      entries,
      proof: payoutBatchProof(roots, idx),
      events: [
        { account: who, amount: mine.amount, expected: null, source: { block, eventIndex: 2 } },
      ],
      source: { block, extrinsic: `${block}-1` },
    };
  };
  // The chain around the era: nodes joined a day before it; the GAR service anchored every
  // version it serves in one remark; the validator set and the payout's start.
  const joinedAt = ERA_START_MS - 86_400_000;
  const authority = {
    clusterId,
    manager,
    nodes: nodes.map((n, i) => ({ node: n.publicKey, provider: providers[i]! })),
  };
  const fingerprint = payoutFingerprint(clusterId, ehd, payersRoot, payeesRoot);

  // Bundles --------------------------------------------------------------------------------------
  const versionsOf = (i: number, m: { user: number }) => {
    const user = users[m.user]!;
    const agent = agents[m.user]!;
    const at = ERA_START_MS + i * 6000;
    const versions = [
      signedGrant(
        user,
        grantPayload(user, agent, {
          revoked: false,
          createdAt: ERA_START_MS - 86_400_000,
          expiresAt: i === expiredIdx ? at - 1000 : ERA_START_MS + 30 * 86_400_000,
          scope:
            i === scopeIdx
              ? { workspace_id: 'ws-other', stream_id: 'stream-other' }
              : scopeOf(m.user),
        }),
        { url: `gar://agreements/${toHex(user.publicKey)}/${toHex(agent.publicKey)}/0` }
      ),
    ];
    if (i === revokedIdx) {
      versions.push(
        signedGrant(
          user,
          grantPayload(user, agent, {
            revoked: true,
            createdAt: at - 3000,
            expiresAt: null,
            scope: scopeOf(m.user),
          }),
          { url: `gar://agreements/${toHex(user.publicKey)}/${toHex(agent.publicKey)}/1` }
        )
      );
    }
    return versions;
  };
  const garBlock = 90;
  const bundles = records.map((record, i) => {
    const m = meta[i]!;
    const batch = batches.find((b) => i >= b.from && i < b.to)!;
    const local = i - batch.from;
    const user = users[m.user]!;
    const agent = agents[m.user]!;
    const versions = versionsOf(i, m);
    const pair = garPairId(user.publicKey, agent.publicKey);
    const garEnvelope = encodeEnvelope({
      kind: 'GarPairAnchor',
      entries: versions.map((v) => ({
        pair,
        hash: blake2b256(Buffer.from(v.payload, 'base64url')),
      })),
    });
    let proof = mmrProof(leaves.slice(batch.from, batch.to), local, cereMerge);
    if (i === proofIdx) {
      if (proof.length === 0) proof = [blake2b256(utf8('bogus'))];
      else proof[0] = parseHex(mutateHex(toHex(proof[0]!)), 32)!;
    }
    const node = nodes[m.provider]!;
    return writeBundle({
      recordId: String(record.record_id),
      chain: {
        name: 'Proof Room devnet',
        genesisHash: toHex(blake2b256(utf8(`genesis/${seed}`))),
        ss58Prefix: 54,
      },
      recordBytes: canonicalBytes(record),
      links: {
        grant: {
          versions,
          anchors: [
            {
              envelope: garEnvelope,
              remarkHash: blake2b256(garEnvelope),
              sender: garKey.publicKey,
              block: {
                number: garBlock,
                hash: toHex(blake2b256(utf8(`block/${seed}/${garBlock}`))),
                finalized: true,
                timestamp: ERA_START_MS + nRecords * 6000,
              },
              previousAt: null,
              source: { block: garBlock, eventIndex: 1, extrinsic: `${garBlock}-1` },
            },
          ],
          anchorKey: garKey.publicKey,
          complete: true,
          error: null,
        },
        registration: {
          clusterId,
          node: node.publicKey,
          membership: [{ kind: 'added', at: joinedAt, source: { block: 50, eventIndex: 1 } }],
          provider: { account: providers[m.provider]!, source: { block: 40, eventIndex: 1 } },
        },
      },
      inclusion: {
        batchIndex: batch.index,
        leafIndex: local,
        leafCount: batch.to - batch.from,
        proof,
        root: batch.root,
        payloadUrls: [`ddc://${toHex(blake2b256(batch.envelope))}`],
      },
      anchor: {
        envelope: batch.envelope,
        remarkHash: blake2b256(batch.envelope),
        sender: nodes[batch.index % nProviders]!.publicKey,
        block: {
          number: batch.block,
          hash: toHex(blake2b256(utf8(`block/${seed}/${batch.block}`))),
          finalized: i !== notFinalIdx,
        },
        authority,
        source: { block: batch.block, eventIndex: 3, extrinsic: `${batch.block}-2` },
      },
      era: {
        clusterId,
        era,
        validatorSet: { members: validators, source: { block: 150, eventIndex: 0 } },
        votes,
        payout: { fingerprint, source: { block: 250, extrinsic: '250-1' } },
        activity: { batchSize: payoutBatchSize, payers, payees },
        paid: { block: 330, eventIndex: 4 },
        superseded: null,
        conservation,
      },
      settlement: {
        payers: batchEvidence(payerBatches, payerRoots, customers[m.user]!, 'payers'),
        payees: batchEvidence(payeeBatches, payeeRoots, providers[m.provider]!, 'payees'),
      },
    });
  });
  return { bundles, faulted };
}

/** A Cere DAC ActivityRecord for a compute record: agent-signed request and ack, node-signed record. */
function dacRecordFor(
  seed: string,
  i: number,
  u: number,
  p: number,
  atMs: number,
  usage: Usage
): Uint8Array {
  const agentKey = { algorithm: 'ed25519' as const, secretKey: seedBytes(seed, `agent/${u}`) };
  const nodeKey = { algorithm: 'ed25519' as const, secretKey: seedBytes(seed, `node/${p}`) };
  const requestId = `req-${seed}-${i}`;
  const ts = BigInt(atMs);
  const request = signActivityRequest(
    {
      ...emptyActivityRequest(),
      requestId,
      requestType: RequestType.COMPUTE,
      bucketId: BigInt(1000 + u),
      timestamp: ts,
    },
    agentKey
  );
  const ack = signActivityAck(
    {
      ...emptyActivityAck(),
      requestId,
      timestamp: ts + 5n,
      cpuUnits: BigInt(usage.cpu_ms),
      gpuUnits: BigInt(usage.gpu_units),
      ramUnits: BigInt(usage.ram_units),
    },
    agentKey
  );
  const record = signActivityRecord(
    {
      ...emptyActivityRecord(),
      id: blake2b256(utf8(requestId)).slice(0, 16),
      upstream: { request, ack },
      timestamp: ts + 10n,
    },
    nodeKey
  );
  return encodeActivityRecord(record);
}
