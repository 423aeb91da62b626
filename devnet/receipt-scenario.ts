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
import {
  type FingerprintVote,
  ehdId,
  payoutFingerprint,
} from '../verifier/receipts/attestation.ts';
import type { BatchEvidence, ConservationInput } from '../verifier/receipts/payout.ts';
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

/** The era's parties and parameters, derived from the seed and the options. */
interface ReceiptWorld {
  readonly seed: string;
  readonly nRecords: number;
  readonly nUsers: number;
  readonly nProviders: number;
  readonly nValidators: number;
  readonly perBatch: number;
  readonly payoutBatchSize: number;
  readonly era: number;
  readonly faults: ReadonlySet<Fault>;
  readonly clusterId: Uint8Array;
  readonly gCollector: Uint8Array;
  readonly orchestrator: Identity;
  readonly dacEvery: number;
  readonly users: Identity[];
  readonly agents: Identity[];
  readonly customers: Uint8Array[];
  readonly nodes: Identity[];
  readonly providers: Uint8Array[];
  readonly validators: Uint8Array[];
  readonly manager: Uint8Array;
  readonly garKey: Identity;
}

interface RecordMeta {
  readonly user: number;
  readonly provider: number;
  readonly cost: bigint;
}

/** The records each fault was applied to (null: the fault is off). */
interface RecordFaults {
  readonly expiredIdx: number | null;
  readonly revokedIdx: number | null;
  readonly scopeIdx: number | null;
  readonly proofIdx: number | null;
  readonly notFinalIdx: number | null;
}

interface ReceiptBatch {
  readonly index: number;
  readonly from: number;
  readonly to: number;
  readonly root: Uint8Array;
  readonly envelope: Uint8Array;
  readonly block: number;
}

/** The era's settlement as every bundle cites it. */
interface ReceiptEra {
  readonly payers: PayoutEntry[];
  readonly payees: PayoutEntry[];
  readonly payerBatches: PayoutEntry[][];
  readonly payerRoots: Uint8Array[];
  readonly payeeBatches: PayoutEntry[][];
  readonly payeeRoots: Uint8Array[];
  readonly votes: FingerprintVote[];
  readonly conservation: ConservationInput;
  readonly fingerprint: Uint8Array;
}

const scopeOf = (u: number): Record<string, string> => ({
  workspace_id: `ws-${u}`,
  stream_id: `stream-${u}`,
});

export function buildScenario(options: ScenarioOptions = {}): Scenario {
  const w = receiptWorld(options);
  const { records, meta } = signRecords(w);
  // Faults on records (applied after signing, before batching, so later links stay consistent
  // with the faulty record as it was published).
  const faulted: Array<{ fault: Fault; recordId: string; failing: string }> = [];
  const recordFaults = applyRecordFaults(w, records, faulted);
  const leaves = records.map((r) => scpRecordLeaf(r));
  const batches = batchRecords(w, records, leaves);
  const settled = settleReceiptEra(w, meta, faulted);
  const bundles = records.map((record, i) =>
    recordBundle(w, { record, i, meta: meta[i]!, batches, leaves, settled, recordFaults })
  );
  return { bundles, faulted };
}

/** World: the seed's cluster, users, agents, customers, nodes, providers and validators. */
function receiptWorld(options: ScenarioOptions): ReceiptWorld {
  const seed = options.seed ?? 'demo';
  const nUsers = Math.max(1, options.users ?? 3);
  const nProviders = Math.max(1, options.providers ?? 2);
  const nValidators = Math.max(1, options.validators ?? 5);
  return {
    seed,
    nRecords: options.records ?? 12,
    nUsers,
    nProviders,
    nValidators,
    perBatch: Math.max(1, options.recordsPerBatch ?? 8),
    payoutBatchSize: Math.max(1, options.payoutBatchSize ?? 2),
    era: options.era ?? 7,
    faults: new Set(options.faults ?? []),
    clusterId: blake2b256(utf8(`cluster/${seed}`)).slice(0, 20),
    gCollector: account(seed, 'g-collector'),
    orchestrator: identity(seed, 'orchestrator', options.orchestratorAlgorithm ?? 'sr25519'),
    dacEvery: options.dacEvery ?? 3,
    users: Array.from({ length: nUsers }, (_, i) => identity(seed, `user/${i}`)),
    agents: Array.from({ length: nUsers }, (_, i) => identity(seed, `agent/${i}`)),
    customers: Array.from({ length: nUsers }, (_, i) => account(seed, `customer/${i}`)),
    nodes: Array.from({ length: nProviders }, (_, i) => identity(seed, `node/${i}`)),
    providers: Array.from({ length: nProviders }, (_, i) => account(seed, `provider/${i}`)),
    validators: Array.from({ length: nValidators }, (_, i) => account(seed, `validator/${i}`)),
    manager: account(seed, 'cluster-manager'),
    garKey: identity(seed, 'gar-service'),
  };
}

/** Records: each one's usage, signed by its agent, the orchestrator and its node. */
function signRecords(w: ReceiptWorld): {
  records: Array<Record<string, unknown>>;
  meta: RecordMeta[];
} {
  const { seed, nRecords, nUsers, nProviders, era, dacEvery } = w;
  const { clusterId, orchestrator, users, agents, customers, nodes, providers } = w;
  const records: Array<Record<string, unknown>> = [];
  const meta: RecordMeta[] = [];
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
  return { records, meta };
}

/**
 * Record faults: picks a record for each fault that is on, in a fixed order, and breaks the
 * signatures now (the other faults act on later links).
 */
function applyRecordFaults(
  w: ReceiptWorld,
  records: Array<Record<string, unknown>>,
  faulted: Array<{ fault: Fault; recordId: string; failing: string }>
): RecordFaults {
  const pick = (k: number): number => (k * 5 + 1) % w.nRecords;
  let k = 0;
  const take = (fault: Fault, failing: string): number | null => {
    if (!w.faults.has(fault)) return null;
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
  return { expiredIdx, revokedIdx, scopeIdx, proofIdx, notFinalIdx };
}

/** Batches and anchors: the records in batches under MMR roots, each with its envelope. */
function batchRecords(
  w: ReceiptWorld,
  records: Array<Record<string, unknown>>,
  leaves: Uint8Array[]
): ReceiptBatch[] {
  const { nRecords, perBatch, clusterId, era } = w;
  const batches: ReceiptBatch[] = [];
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
  return batches;
}

/**
 * Payouts: charges from activity with pricing, fees by shares, rewards pro rata; the validators'
 * votes and the era's conservation (with the era faults).
 */
function settleReceiptEra(
  w: ReceiptWorld,
  meta: readonly RecordMeta[],
  faulted: Array<{ fault: Fault; recordId: string; failing: string }>
): ReceiptEra {
  const { seed, nValidators, payoutBatchSize, era, faults, clusterId, gCollector } = w;
  const { customers, providers, validators } = w;
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
  const fingerprint = payoutFingerprint(clusterId, ehd, payersRoot, payeesRoot);
  return {
    payers,
    payees,
    payerBatches,
    payerRoots,
    payeeBatches,
    payeeRoots,
    votes,
    conservation,
    fingerprint,
  };
}

/** A side of the settlement: the payout batch listing `who`, with its proof and event. */
function batchEvidence(
  list: PayoutEntry[][],
  roots: Uint8Array[],
  who: Uint8Array,
  side: 'payers' | 'payees'
): BatchEvidence {
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
}

/** Grants: the versions of record `i`'s user-agent grant (expired, out of scope or revoked). */
function versionsOf(w: ReceiptWorld, f: RecordFaults, i: number, m: { user: number }) {
  const user = w.users[m.user]!;
  const agent = w.agents[m.user]!;
  const at = ERA_START_MS + i * 6000;
  const versions = [
    signedGrant(
      user,
      grantPayload(user, agent, {
        revoked: false,
        createdAt: ERA_START_MS - 86_400_000,
        expiresAt: i === f.expiredIdx ? at - 1000 : ERA_START_MS + 30 * 86_400_000,
        scope:
          i === f.scopeIdx
            ? { workspace_id: 'ws-other', stream_id: 'stream-other' }
            : scopeOf(m.user),
      }),
      { url: `gar://agreements/${toHex(user.publicKey)}/${toHex(agent.publicKey)}/0` }
    ),
  ];
  if (i === f.revokedIdx) {
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
}

/** Bundles: record `i`'s receipt bundle, every link cited from the era built above. */
function recordBundle(
  w: ReceiptWorld,
  x: {
    record: Record<string, unknown>;
    i: number;
    meta: RecordMeta;
    batches: readonly ReceiptBatch[];
    leaves: readonly Uint8Array[];
    settled: ReceiptEra;
    recordFaults: RecordFaults;
  }
): ReceiptBundleJson {
  const { seed, nRecords, nProviders, payoutBatchSize, era, clusterId } = w;
  const { users, agents, customers, nodes, providers, validators, manager, garKey } = w;
  const { record, i, meta: m, batches, leaves, settled, recordFaults } = x;
  // The chain around the era: nodes joined a day before it; the GAR service anchored every
  // version it serves in one remark; the validator set and the payout's start.
  const joinedAt = ERA_START_MS - 86_400_000;
  const authority = {
    clusterId,
    manager,
    nodes: nodes.map((n, k) => ({ node: n.publicKey, provider: providers[k]! })),
  };
  const garBlock = 90;
  const batch = batches.find((b) => i >= b.from && i < b.to)!;
  const local = i - batch.from;
  const user = users[m.user]!;
  const agent = agents[m.user]!;
  const versions = versionsOf(w, recordFaults, i, m);
  const pair = garPairId(user.publicKey, agent.publicKey);
  const garEnvelope = encodeEnvelope({
    kind: 'GarPairAnchor',
    entries: versions.map((v) => ({
      pair,
      hash: blake2b256(Buffer.from(v.payload, 'base64url')),
    })),
  });
  let proof = mmrProof(leaves.slice(batch.from, batch.to), local, cereMerge);
  if (i === recordFaults.proofIdx) {
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
        finalized: i !== recordFaults.notFinalIdx,
      },
      authority,
      source: { block: batch.block, eventIndex: 3, extrinsic: `${batch.block}-2` },
    },
    era: {
      clusterId,
      era,
      validatorSet: { members: validators, source: { block: 150, eventIndex: 0 } },
      votes: settled.votes,
      payout: { fingerprint: settled.fingerprint, source: { block: 250, extrinsic: '250-1' } },
      activity: { batchSize: payoutBatchSize, payers: settled.payers, payees: settled.payees },
      paid: { block: 330, eventIndex: 4 },
      superseded: null,
      conservation: settled.conservation,
    },
    settlement: {
      payers: batchEvidence(settled.payerBatches, settled.payerRoots, customers[m.user]!, 'payers'),
      payees: batchEvidence(
        settled.payeeBatches,
        settled.payeeRoots,
        providers[m.provider]!,
        'payees'
      ),
    },
  });
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
