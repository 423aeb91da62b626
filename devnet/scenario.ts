/**
 * The devnet's world, seeded and deterministic: two Cere clusters with different parameters
 * (`clusters`: cluster 1 carries every fault, cluster 2 is honest, with its own shares, prices,
 * storage nodes and customers and a quarter of each era's records), their storage nodes and
 * providers, customers with buckets, validators, users with wallets and the agents they grant
 * consent to. From it, era by era: GAR agreements (signed the CEF SDK's way, with updates,
 * revocations and expiries), SCP activity records multi-signed by their roles, record batches
 * anchored by `System.remark_with_event`, the era's charges and rewards computed from the activity
 * with the cluster's pricing, payout fingerprints committed by validators (one dissents), the
 * payout lifecycle with MMR-proven batch extrinsics, fee events and `ClusterEraPaid`.
 *
 * The output is the chain as a list of block contents (`BlockSpec`, turned into SCALE blocks by
 * `chain.ts`), the agreements for the GAR service, the batch payloads for the storage nodes, the
 * faults to inject into them, a receipt bundle per record, and the manifest: the verdict every
 * receipt line must get (docs/devnet.md).
 *
 * Records and batches (nearly all of the work: three signatures and one JCS serialisation per
 * record) are built from plain data by devnet/scenario-records.ts, in this thread or, for large
 * scenarios, on worker threads (`buildDevnetScenarioAsync`); this module lays out the chain,
 * the grants and the eras' settlement around them, era by era. Payloads stay in memory, or in pack
 * files in `payloadDir` for scenarios too large for that.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { DEVNET_FAULTS, type DevnetFault } from './faults.ts';
import { concatBytes, equalBytes, parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import { type ReceiptBundleJson, writeBundle } from '../verifier/bundle.ts';
import { toBase64url } from '../verifier/encoding.ts';
import {
  MAX_GAR_ANCHOR_ENTRIES,
  RecordFormat,
  decodeEnvelope,
  encodeEnvelope,
  garPairId,
} from '../verifier/envelope.ts';
import {
  MAX_DUST,
  type PayoutDesign,
  payoutBatchSizeOf,
  payoutDesignOf,
} from '../verifier/cere-rules.ts';
import {
  type BillingFees,
  type BillingResult,
  type ClusterPricing,
  type CustomerCharge,
  type Usage as BillingUsage,
  ZERO_CHARGE,
  addCharges,
  batchRoot,
  billingFees,
  billingFingerprint,
  chargeBucket,
  customerCharge,
  eraRoot,
  overallRewardCheck,
  payeesLeaf,
  payersLeaf,
  providerPayout,
  providerReward,
  totalCharge,
  validatorFeeSplit,
} from '../verifier/billing-report.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { mmrProof } from '../verifier/mmr.ts';
import {
  type PayoutEntry,
  cereMerge,
  payoutBatchProof,
  payoutTree,
} from '../verifier/payout-tree.ts';
import { type Shares, eraPayoutListsFromTotals } from '../verifier/receipts/activity.ts';
import {
  type FingerprintVote,
  ehdId,
  payoutFingerprint,
} from '../verifier/receipts/attestation.ts';
import type { BatchEvidence, ConservationInput } from '../verifier/receipts/payout.ts';
import type { BillingBatchEvidence, UsageSide } from '../verifier/receipts/billing.ts';
import { decodeBatchPayload } from '../verifier/receipts/dac-batch.ts';
import { quorumThreshold } from '../verifier/quorum.ts';
import type { ReasonCode } from '../verifier/lines.ts';
import { formatRfc3339 } from '../verifier/time.ts';
import { Runtime } from '@subsquid/substrate-runtime';
import { ALL_CERE_RUNTIMES, CERE_RUNTIMES } from './cere-runtimes.ts';
import { DEVNET_SUDO, encodeStorageWrite } from './chain.ts';
import type { BlockSpec, EventSpec, ExtrinsicSpec, StorageWrite } from './chain-types.ts';
import { cereMetadata, cereRuntimeVersion } from './metadata.ts';
import { type Identity, account, identity } from './keys.ts';
import { BatchPool } from './scenario-pool.ts';
import {
  BLOCK_MS,
  type BatchOutput,
  type BatchTask,
  PRICING_2,
  PackWriter,
  type PackedPayload,
  RECORD_ID_BYTES,
  type RecordPlan,
  type RecordWorld,
  type UserKind,
  type WorldUser,
  buildBatch,
  clusterNames,
  readPacked,
  recordIdFromBytes,
  recordTime,
  recordWorld,
  scpUsageOf,
  usageOf,
  userOfRecord,
} from './scenario-records.ts';

export { BLOCK_MS, PRICING, PRICING_2, type Usage, recordCost } from './scenario-records.ts';

export { DEVNET_FAULTS, type DevnetFault };

export interface DevnetScenarioOptions {
  readonly seed?: string;
  /** Activity records over all eras. Default 120. */
  readonly records?: number;
  readonly eras?: number;
  /** Default: max(3, records / 200). */
  readonly users?: number;
  /** Cluster 1's storage nodes, each with its own provider account. Default 3 (cluster 2: 2). */
  readonly nodes?: number;
  readonly validators?: number;
  readonly recordsPerBatch?: number;
  /**
   * Payout batch size. Default: Cere's MAX_PAYOUT_BATCH_SIZE of each era's runtime (500 for 73047
   * to 73177; verifier/cere-rules.ts).
   */
  readonly payoutBatchSize?: number;
  /** Every n-th record also carries a Cere DAC protobuf record. Default 3 (50 above 20k records). */
  readonly dacEvery?: number;
  readonly faults?: readonly DevnetFault[];
  /** How many blocks the finalized head lags the best head. Default 2. */
  readonly finalityLag?: number;
  /**
   * The HTTP port storage node i registers on chain is this + i (default 8080). The devnet sets it
   * to the ports its nodes really listen on when it runs on fixed ports.
   */
  readonly storageHttpPort?: number;
  readonly genesisTimestamp?: number;
  /** Called after each batch is built (progress for large scenarios). */
  readonly onProgress?: (done: { records: number; of: number }) => void;
  /**
   * Keep the batch payloads in files in this directory (created if needed; a few pack files per
   * build, never overwriting another build's) rather than in memory. `payloads` then reads them
   * on demand, so the directory must outlive the scenario.
   */
  readonly payloadDir?: string;
  /**
   * `buildDevnetScenarioAsync` only: build batches on worker threads. Default: from
   * PARALLEL_FROM_RECORDS records on, when there is more than one thread.
   */
  readonly parallel?: boolean;
  /** Worker threads for a parallel build. Default: the available parallelism. */
  readonly threads?: number;
  /**
   * The Cere runtimes the chain runs (spec versions of devnet/cere-runtimes.ts
   * `ALL_CERE_RUNTIMES`, in upgrade order; default `CERE_RUNTIMES`, i.e. 73047, 73160, 73177).
   * Era k is paid under `runtimes[min(k, n) - 1]`; a `System.set_code` block opens each era whose
   * runtime differs from the one before. An era paid under the billing-report runtime 71000 is
   * settled with that design (`commit_billing_fingerprint` … `end_billing_report`,
   * docs/devnet.md "Billing-report eras"); faults may not land on such an era.
   */
  readonly runtimes?: readonly number[];
  /**
   * How many clusters (default 2). Cluster 2 has its own id, manager, reserve, shares
   * (`SHARES_2`), pricing (`PRICING_2`), two storage nodes with their providers, its own
   * customers, and a quarter of each era's records (the last ones of the era); every fault lands
   * in cluster 1.
   */
  readonly clusters?: 1 | 2;
  /**
   * Eras of cluster 2 that Root skips (default none): no validator votes, no payout; at the time
   * the era would be paid, `Sudo.sudo(DdcVerification.force_skip_inspection(cluster_id, ehd_id))`
   * emits `DdcClusters.ClusterEraPaid` alone (docs/cere-runtimes.md §14). Its records' settlement
   * lines are then *skipped*. Needs `clusters: 2`; an era past `eras` is refused.
   */
  readonly skips?: readonly number[];
}

/** A Cere runtime of the devnet as Subsquid's codec sees it (to encode its storage values). */
function runtimeOf(spec: number): Runtime {
  const v = cereRuntimeVersion(spec);
  return new Runtime(
    { specName: v.specName, specVersion: spec, implName: v.implName, implVersion: v.implVersion },
    cereMetadata(spec)
  );
}

/**
 * The lines of a receipt whose era Root skipped that are skipped (`ERA_SKIPPED`): the era's
 * quorum, payout, roots, `ClusterEraPaid` and conservation (no vote was cast, no payout began),
 * and both settlement sides.
 */
export const SKIPPED_ERA_CHECKS: readonly string[] = [
  'attestation.quorum',
  'attestation.payout',
  'attestation.roots',
  'settlement.paid',
  'conservation.balance',
  'conservation.fees',
  'settlement.payers.proof',
  'settlement.payers.entry',
  'settlement.payers.amount',
  'settlement.payees.proof',
  'settlement.payees.entry',
  'settlement.payees.amount',
];

/** Protocol shares as Perquintill parts: 1% treasury, 4% validators, 5% cluster reserve. */
export const SHARES: Shares = {
  treasury: 10n ** 16n,
  validators: 4n * 10n ** 16n,
  reserve: 5n * 10n ** 16n,
};
/**
 * Cluster 2's shares after governance changes them at the start of era `GOVERNANCE_ERA`: 1.5%
 * treasury, 3.5% validators, 5% reserve.
 */
export const SHARES_2_GOVERNED: Shares = {
  treasury: 15n * 10n ** 15n,
  validators: 35n * 10n ** 15n,
  reserve: 5n * 10n ** 16n,
};
/** The era at whose start governance changes cluster 2's shares (with 3 eras or more). */
export const GOVERNANCE_ERA = 3;

/** Cluster 2's shares: 2% treasury, 3% validators, 5% cluster reserve. */
export const SHARES_2: Shares = {
  treasury: 2n * 10n ** 16n,
  validators: 3n * 10n ** 16n,
  reserve: 5n * 10n ** 16n,
};
/** Storage nodes of cluster 2 (each with its own provider). */
export const CLUSTER_2_NODES = 2;
/** Records of an era that go to cluster 2 (`clusters: 2`): a quarter, at least one from 2 on. */
export function secondClusterRecords(eraRecords: number): number {
  return eraRecords >= 2 ? Math.max(1, Math.floor(eraRecords / 4)) : 0;
}
const DEPOSIT = 1_000_000n * 10n ** 10n;
const MAX_EXTRINSICS_PER_BLOCK = 48;
const MAX_EVENTS_PER_BLOCK = 1200;
const ANCHORS_PER_BLOCK = 4;
/** GRANDPA authorities of the devnet (ed25519 keys `grandpa/0`.. of the seed). */
export const GRANDPA_AUTHORITIES = 4;
/** From this many records, `buildDevnetScenarioAsync` builds batches on worker threads. */
export const PARALLEL_FROM_RECORDS = 20_000;

/** A GAR agreement as the CEF SDK posts it. */
export interface SignedAgreement {
  readonly payload: string;
  readonly signature: { algorithm: 'ed25519'; signer: string; value: string };
}

/** The CEF SDK's key order and `JSON.stringify` without spaces (reference/cere.md B). */
export function agreementPayload(fields: {
  user: Uint8Array;
  agent: Uint8Array;
  revoked: boolean;
  createdAt: number;
  expiresAt: number | null;
  scope: Record<string, string>;
}): Uint8Array {
  return utf8(
    JSON.stringify({
      agent_service_pub_key: toHex(fields.agent),
      user_pub_key: toHex(fields.user),
      revoked: fields.revoked,
      expires_at: fields.expiresAt === null ? null : formatRfc3339(fields.expiresAt),
      metadata: { scopes: [{ context: fields.scope }] },
      created_at: formatRfc3339(fields.createdAt),
    })
  );
}

export function signAgreement(user: Identity, payload: Uint8Array): SignedAgreement {
  return {
    payload: toBase64url(payload),
    signature: {
      algorithm: 'ed25519',
      signer: toHex(user.publicKey),
      value: toHex(user.sign(payload)),
    },
  };
}

/** One line the verifier must fail, with its reason code. Every other line must pass. */
export interface ExpectedFailure {
  readonly check: string;
  readonly code: ReasonCode;
}

export interface ManifestReceipt {
  readonly recordId: string;
  readonly index: number;
  /** The cluster of the record's batch (0x-hex). */
  readonly clusterId: string;
  readonly era: number;
  readonly failing: readonly ExpectedFailure[];
  /**
   * Lines that must be skipped (`ERA_SKIPPED`): the record's era was skipped by Root (`skips`).
   * Absent when none.
   */
  readonly skipped?: readonly ExpectedFailure[];
  readonly faults: readonly DevnetFault[];
}

export interface Manifest {
  readonly format: 'proofroom/devnet-manifest';
  readonly version: 3;
  readonly seed: string;
  readonly records: number;
  readonly eras: number;
  /**
   * The clusters, cluster 1 (every fault's) first: id (0x-hex), its records (index ranges
   * `[from, to)`, one per era in which it has records), storage nodes (indices into the
   * scenario's storage nodes), and the shares `create_cluster` set (Perquintill parts, decimal;
   * `governance` lists later changes).
   */
  readonly clusters: ReadonlyArray<{
    clusterId: string;
    records: number;
    ranges: ReadonlyArray<{ era: number; from: number; to: number }>;
    nodes: readonly number[];
    shares: { treasury: string; validators: string; reserve: string };
  }>;
  readonly faults: readonly DevnetFault[];
  /** Receipts not listed here pass every line. */
  readonly receipts: readonly ManifestReceipt[];
  /** Per cluster and era (cluster 1's eras first). */
  readonly eraRounds: ReadonlyArray<{
    clusterId: string;
    era: number;
    /** The validator set's size when the payout began. */
    validators: number;
    /** Fingerprint commits (one `attestation.fingerprint[#]` line each). */
    votes: number;
    agreeing: number;
    threshold: number;
    quorum: boolean;
    balanced: boolean;
    /**
     * Whether `ClusterEraPaid` was emitted for the era (with era-not-paid one is not: a later era
     * is); `skipped` when Root's skip emitted it, not a payout.
     */
    paid: boolean;
    skipped: boolean;
    paidAtBlock: number | null;
    /** The spec version of the Cere runtime the era's payout ran under. */
    specVersion: number;
    /** The payout design of that runtime (`payoutDesignOf(specVersion)`). */
    design: PayoutDesign;
  }>;
  /**
   * Governance changes of a cluster's shares: the block whose initialization wrote them
   * (`DdcClusters.ClustersGovParams`, `ClusterProtocolParamsSet`), the first era settled with
   * them, and the new shares (Perquintill parts). With two clusters and three eras or more,
   * cluster 2's at the start of `GOVERNANCE_ERA`.
   */
  readonly governance: ReadonlyArray<{
    clusterId: string;
    block: number;
    fromEra: number;
    shares: { treasury: string; validators: string; reserve: string };
  }>;
  /** Payloads a storage node serves wrong (the others serve them intact). */
  readonly storage: ReadonlyArray<{
    payloadHash: string;
    node: number;
    fault: 'tampered' | 'missing';
  }>;
  /** The anchor seen in a block that a reorg orphaned, and where it was finally included. */
  readonly reorg: {
    readonly batch: { clusterId: string; era: number; index: number };
    readonly orphaned: { number: number; parentNumber: number; extrinsic: number };
    readonly anchoredAt: { number: number; extrinsic: number };
  } | null;
  readonly notFinal: { clusterId: string; era: number; index: number; block: number } | null;
}

/** Where a chain item is: block height, extrinsic index, first event index. */
interface Placed {
  readonly block: number;
  readonly extrinsic: number;
  readonly firstEvent: number;
}

interface MutableBlock {
  timestamp: number;
  initEvents: EventSpec[];
  extrinsics: ExtrinsicSpec[];
  events: number;
  /** Storage the block's initialization writes (`BlockSpec.storage`). */
  storage: StorageWrite[];
}

/** Lays extrinsics into blocks and tracks where each extrinsic and event lands. */
class Layout {
  readonly blocks: MutableBlock[] = [];
  /** Heights of the blocks carrying a runtime upgrade, to the new spec version. */
  readonly upgrades = new Map<number, number>();
  constructor(readonly genesisTimestamp: number) {}
  get height(): number {
    return this.blocks.length;
  }
  timeOf(height: number): number {
    return this.genesisTimestamp + height * BLOCK_MS;
  }
  /** Starts a new block and returns its height. */
  next(): number {
    this.blocks.push({
      timestamp: this.timeOf(this.blocks.length + 1),
      initEvents: [],
      extrinsics: [],
      events: 1,
      storage: [],
    });
    return this.blocks.length;
  }
  /**
   * Starts a new block whose initialization emits `events` (a session change), returns where the
   * first one is.
   */
  session(events: readonly EventSpec[], storage: readonly StorageWrite[] = []): Placed {
    this.next();
    const b = this.blocks[this.blocks.length - 1]!;
    b.initEvents.push(...events);
    b.storage.push(...storage);
    b.events += events.length;
    return { block: this.blocks.length, extrinsic: -1, firstEvent: 0 };
  }
  /** Adds to the current block, opening a new one when it is full. */
  add(ext: ExtrinsicSpec): Placed {
    let b = this.blocks[this.blocks.length - 1];
    if (
      !b ||
      b.extrinsics.length >= MAX_EXTRINSICS_PER_BLOCK ||
      (b.extrinsics.length > 0 && b.events + ext.events.length + 1 > MAX_EVENTS_PER_BLOCK)
    ) {
      this.next();
      b = this.blocks[this.blocks.length - 1]!;
    }
    b.extrinsics.push(ext);
    const placed = {
      block: this.blocks.length,
      extrinsic: b.extrinsics.length,
      firstEvent: b.events,
    };
    b.events += ext.events.length + 1;
    return placed;
  }
  /**
   * A block that upgrades the runtime to `spec` (the chain adds the `set_code` extrinsic); what is
   * added next goes to the block after it, the first the new runtime executes.
   */
  upgrade(spec: number): void {
    this.upgrades.set(this.next(), spec);
    this.next();
  }
  /** Empty blocks until (and including) height `h`. */
  fillTo(h: number): void {
    while (this.blocks.length < h) this.next();
  }
}

const ev = (pallet: string, name: string, args: EventSpec['args']): EventSpec => ({
  pallet,
  name,
  args,
});

function mutateHex(hex: string): string {
  const last = hex.slice(-1);
  return hex.slice(0, -1) + (last === '0' ? '1' : '0');
}

interface UserInfo extends WorldUser {
  readonly versions: SignedAgreement[];
}

interface BatchInfo {
  readonly cluster: 1 | 2;
  readonly era: number;
  readonly index: number;
  readonly from: number;
  readonly to: number;
  readonly root: Uint8Array;
  readonly envelope: Uint8Array;
  readonly payloadHash: string;
  /** Who sends the anchoring remark. */
  readonly anchorer: Identity;
  /** The `Remarked` event carries a wrong hash (remark-hash-mismatch). */
  readonly badHash: boolean;
  anchor: Placed;
}

/**
 * One entry of a billing-report batch (`(BucketId, BucketUsage)` or `(NodePubKey, NodeUsage)`) and
 * what the chain did with it.
 */
interface BillingEntry {
  /** Payers: the bucket id (u64). Payees: the node's 32-byte storage key. */
  readonly key: bigint | Uint8Array;
  /** Payers: the bucket's owner (the customer charged). Payees: the node's provider. */
  readonly account: Uint8Array;
  readonly usage: BillingUsage;
  /** Payers: `expected_to_charge` (`totalCharge(customerCharge(…))`). Payees: `expected_to_reward`. */
  readonly expected: bigint;
  /** Payers: what was charged (`Charged.amount`). Payees: `Rewarded.rewarded`. */
  readonly amount: bigint;
}

/** What a billing-report era (paid under 71000) committed, sent and emitted. */
interface BillingEraInfo {
  /** `start_era` / `end_era` of the fingerprint (i64 seconds). */
  readonly startEra: bigint;
  readonly endEra: bigint;
  /** The cluster's `unit_per_*` prices the chain charged with. */
  readonly pricing: ClusterPricing;
  /** The fee shares `end_charging_customers` applied. */
  readonly shares: Shares;
  /** `cluster_usage`: the sum of the payees' usage. */
  readonly clusterUsage: BillingUsage;
  readonly payersRoot: Uint8Array;
  readonly payeesRoot: Uint8Array;
  /** The batches as sent, in call order (payers sorted by bucket id, payees by node key). */
  readonly payerBatches: BillingEntry[][];
  readonly payeeBatches: BillingEntry[][];
  /** Each batch's `batch_proof` (MMR proof of its batch root in the era root). */
  readonly payerProofs: Uint8Array[][];
  readonly payeeProofs: Uint8Array[][];
  /** Where each batch extrinsic is. */
  readonly payerPlaced: Placed[];
  readonly payeePlaced: Placed[];
  /** The report's `total_customer_charge` when charging ended (before fees). */
  readonly totalCharge: CustomerCharge;
  /** `end_charging_customers`' fees and the after-fee total the rewards are shares of. */
  readonly fees: BillingFees;
  /** `end_charging_customers`. */
  readonly feesAt: Placed;
  /** `ValidatorRewarded` per staker (equal scores), where each was emitted. */
  readonly validatorRewards: ReadonlyArray<{
    readonly validator: Uint8Array;
    readonly amount: bigint;
    readonly block: number;
    readonly eventIndex: number;
  }>;
  /** The report's `total_distributed_reward` (Σ `Rewarded.rewarded`). */
  readonly distributed: bigint;
  /** `NotDistributedOverallReward`, when `end_rewarding_providers` emitted it. */
  readonly notDistributed: {
    readonly expected: bigint;
    readonly distributed: bigint;
    readonly block: number;
    readonly eventIndex: number;
  } | null;
}

interface EraInfo {
  readonly era: number;
  /** The payout design of the runtime the era was paid under. */
  readonly design: PayoutDesign;
  /** A billing-report era's report (null for the receipt design, and for a skipped era). */
  readonly billing: BillingEraInfo | null;
  readonly ehd: string;
  /** The fingerprint of the honest roots (what an honest payout begins with). */
  readonly fingerprint: Uint8Array;
  readonly votes: Array<FingerprintVote & { readonly wrongEhd: boolean }>;
  /**
   * The validator set in force when the payout began; `at` null when no event reported it (a
   * billing-report runtime's session).
   */
  readonly validatorSet: { readonly members: Identity[]; readonly at: Placed | null };
  /** Agreeing votes that count: by members of the set when the payout began, for this era. */
  readonly agreeing: number;
  /** The agreeing validator that left the set before the payout (validator-removed). */
  readonly removed: Identity | null;
  readonly payers: PayoutEntry[];
  readonly payees: PayoutEntry[];
  readonly payerBatches: PayoutEntry[][];
  readonly payeeBatches: PayoutEntry[][];
  readonly payerProofs: string[][];
  readonly payeeProofs: string[][];
  readonly payerPlaced: Placed[];
  readonly payeePlaced: Placed[];
  /** side:account hex -> source of its Charged / Rewarded event */
  readonly eventAt: Map<
    string,
    { block: number; eventIndex: number; amount: bigint; expected: bigint | null }
  >;
  /** null: the era was never paid (or Root skipped it). */
  readonly conservation: ConservationInput | null;
  readonly begin: { readonly fingerprint: Uint8Array; readonly at: Placed } | null;
  readonly paid: { block: number; eventIndex: number } | null;
  /** `paid` is Root's skip (`force_skip_inspection`), not a payout. */
  readonly skipped: boolean;
  readonly quorum: boolean;
}

/** A cluster of the scenario, and its eras as settled. */
interface ClusterInfo {
  readonly no: 1 | 2;
  /** Its records' identities and pricing. */
  readonly world: RecordWorld;
  readonly id: Uint8Array;
  readonly hex: string;
  readonly manager: Identity;
  readonly reserve: Uint8Array;
  /** The shares in force now (a governance change replaces them; each era keeps its own). */
  shares: Shares;
  /** The shares `create_cluster` set. */
  readonly createdWith: Shares;
  /** The index of its first user in the scenario's users. */
  readonly userBase: number;
  /** The index of its first node in the scenario's storage nodes. */
  readonly nodeBase: number;
  readonly eras: EraInfo[];
}

export interface DevnetScenario {
  readonly seed: string;
  readonly genesisTimestamp: number;
  /** Cluster 1's id (the cluster every fault lands in). */
  readonly clusterId: Uint8Array;
  /** Every cluster's id, cluster 1 first. */
  readonly clusterIds: readonly Uint8Array[];
  /** The canonical chain, blocks 1..n. */
  readonly blocks: readonly BlockSpec[];
  /** With the anchor-reorged fault: the orphaned branch and the height of its parent. */
  readonly fork: { readonly parent: number; readonly blocks: readonly BlockSpec[] } | null;
  /**
   * GRANDPA: the genesis authority set (set 0, `GRANDPA_AUTHORITIES` ed25519 keys `grandpa/i` of
   * the seed), and the one authority-set change of the chain (set 1: the last authority replaced
   * by `grandpa/<GRANDPA_AUTHORITIES>`), carried by the canonical block `change.block` in the
   * middle of the chain (`BlockSpec.grandpaChange`).
   */
  readonly grandpa: {
    readonly authorities: readonly Identity[];
    readonly change: { readonly block: number; readonly next: readonly Identity[] } | null;
  };
  readonly finalityLag: number;
  /**
   * The runtimes the chain runs: the genesis one and each upgrade (the canonical block carrying
   * `BlockSpec.setCode`; the block after it is the first the new runtime executes).
   */
  readonly runtimes: {
    readonly genesis: number;
    readonly upgrades: ReadonlyArray<{ readonly block: number; readonly specVersion: number }>;
  };
  readonly agreements: readonly SignedAgreement[];
  /** The key the GAR service anchors its versions with (0x-hex). */
  readonly garAnchorKey: string;
  /** Batch payloads by hash (`0x` + 64 lower-case hex), in memory or read from `payloadDir`. */
  readonly payloads: PayloadStore;
  /** Per storage node: payload hash -> fault. */
  readonly storageFaults: ReadonlyArray<ReadonlyMap<string, 'tampered' | 'missing'>>;
  readonly manifest: Manifest;
  readonly recordCount: number;
  recordId(index: number): string;
  /** The receipt bundle of record `index`, given the built chain's hashes and finalized height. */
  bundle(index: number, chain: BundleChainContext): ReceiptBundleJson;
}

/** Batch payloads by hash; `dir` is where they are kept, null when in memory. */
export interface PayloadStore extends ReadonlyMap<string, Uint8Array> {
  readonly dir: string | null;
}

class MemoryPayloads extends Map<string, Uint8Array> implements PayloadStore {
  readonly dir = null;
}

/** Payloads kept in pack files; only where each one is stays in memory. */
class DirPayloads implements PayloadStore {
  private readonly where = new Map<string, PackedPayload>();
  constructor(readonly dir: string) {}
  add(hash: string, packed: PackedPayload): void {
    this.where.set(hash, packed);
  }
  get size(): number {
    return this.where.size;
  }
  has(hash: string): boolean {
    return this.where.has(hash);
  }
  get(hash: string): Uint8Array | undefined {
    const p = this.where.get(hash);
    return p ? readPacked(p) : undefined;
  }
  keys(): MapIterator<string> {
    return this.where.keys();
  }
  *values(): MapIterator<Uint8Array> {
    for (const p of this.where.values()) yield readPacked(p);
  }
  *entries(): MapIterator<[string, Uint8Array]> {
    for (const [h, p] of this.where) yield [h, readPacked(p)];
  }
  [Symbol.iterator](): MapIterator<[string, Uint8Array]> {
    return this.entries();
  }
  forEach(
    f: (value: Uint8Array, key: string, map: ReadonlyMap<string, Uint8Array>) => void,
    thisArg?: unknown
  ): void {
    for (const [h, p] of this.entries()) f.call(thisArg, p, h, this);
  }
}

export interface BundleChainContext {
  readonly genesisHash: string;
  readonly hashAt: (height: number) => string;
  readonly finalizedHeight: number;
  readonly garUrl?: string;
  readonly storageUrls?: readonly string[];
}

/** One era's batches to build, and the world (and plan) they are built from. */
interface EraWork {
  readonly world: RecordWorld;
  readonly tasks: readonly BatchTask[];
}

/**
 * Builds the scenario (serially: every batch in this thread; see `buildDevnetScenarioAsync` for
 * large scenarios). For the same options, both give the same scenario byte for byte.
 */
export function buildDevnetScenario(options: DevnetScenarioOptions = {}): DevnetScenario {
  const steps = scenarioSteps(options);
  let pack: PackWriter | null = null;
  try {
    let step = steps.next();
    while (!step.done) {
      const { world, tasks } = step.value;
      if (world.plan.payloadDir !== null) pack ??= new PackWriter(world.plan);
      step = steps.next(tasks.map((t) => buildBatch(world, t, pack)));
    }
    return step.value;
  } finally {
    pack?.close();
  }
}

/**
 * Builds the scenario, with its batches (records, signatures, leaves, payloads: nearly all the
 * work) on worker threads when it is large (`parallel`, `threads`). Same output as
 * `buildDevnetScenario`.
 */
export async function buildDevnetScenarioAsync(
  options: DevnetScenarioOptions = {}
): Promise<DevnetScenario> {
  const threads = options.threads ?? availableParallelism();
  const parallel =
    options.parallel ?? (threads > 1 && (options.records ?? 0) >= PARALLEL_FROM_RECORDS);
  if (!parallel) return buildDevnetScenario(options);
  const steps = scenarioSteps(options);
  let pool: BatchPool | null = null;
  try {
    let step = steps.next();
    while (!step.done) {
      const { world, tasks } = step.value;
      pool ??= new BatchPool(world.plan, Math.max(1, threads));
      step = steps.next(await pool.run(tasks));
    }
    return step.value;
  } finally {
    await pool?.close();
  }
}

/**
 * Checks options without building anything: throws the RangeError `buildDevnetScenario` would
 * for options it cannot build (an unknown fault, too few eras for the faults, bad runtimes).
 */
export function checkDevnetOptions(options: DevnetScenarioOptions): void {
  planScenario(options);
}

/**
 * Era faults: era 1 keeps the payout faults (or the first receipt-design era does), the era
 * before the last is left unpaid; refuses a payout fault on a billing-report era.
 */
function planEraFaults(
  faults: ReadonlySet<DevnetFault>,
  nEras: number,
  specOfEra: (eraNo: number) => number
): { unpaidEra: number; billingEra: (eraNo: number) => boolean; payoutFaultIndex: number } {
  // Era-level faults: era 1 keeps the payout faults; the era before the last is left unpaid; the
  // last era carries the attestation faults.
  if (faults.has('era-not-paid') && nEras < 3)
    throw new RangeError('era-not-paid needs at least 3 eras (a later era is paid instead)');
  const unpaidEra = faults.has('era-not-paid') ? nEras - 2 : -1;
  // Payout faults land on receipt-design eras only: a billing-report era (paid under 71000) is
  // settled honestly, with no fault variant of its payout. The payout faults of era 1 move to the
  // first receipt-design era; record, batch, grant and anchor faults stay where they are.
  const billingEra = (eraNo: number): boolean =>
    payoutDesignOf(specOfEra(eraNo)) === 'billing-report';
  let payoutFaultIndex = 0;
  while (payoutFaultIndex < nEras - 1 && billingEra(payoutFaultIndex + 1)) payoutFaultIndex++;
  for (const f of faults) {
    const eras: number[] =
      f === 'fingerprint-mismatch' || f === 'validator-removed'
        ? [nEras]
        : f === 'era-not-paid'
          ? [unpaidEra + 1]
          : f === 'quorum-not-reached' || f === 'wrong-mmr-proof' || f === 'payout-unbalanced'
            ? [payoutFaultIndex + 1]
            : [];
    const hit = eras.find(billingEra);
    if (hit !== undefined)
      throw new RangeError(
        `fault ${f} lands on era ${hit}, paid under the billing-report runtime ` +
          `${specOfEra(hit)}: payout faults apply to receipt-design eras only (runtimes from 72000)`
      );
  }
  if (faults.has('era-not-paid') && unpaidEra === payoutFaultIndex)
    throw new RangeError(
      `era-not-paid needs an era after the payout faults' era ${payoutFaultIndex + 1} and before the last`
    );
  return { unpaidEra, billingEra, payoutFaultIndex };
}

/** Record plan: what devnet/scenario-records.ts builds each cluster's records from. */
function recordPlanOf(
  options: DevnetScenarioOptions,
  p: {
    seed: string;
    nUsers: number;
    faultUsers: Array<{ name: string; kind: UserKind }>;
    nAgents: number;
    nNodes: number;
    dacEvery: number;
    userOverrides: Array<[number, number]>;
    faultRecord: Partial<Record<DevnetFault, number>>;
    nClusters: number;
  }
): { payloadDir: string | null; plan: RecordPlan } {
  const { seed, nUsers, faultUsers, nAgents, nNodes, dacEvery, userOverrides, faultRecord } = p;
  const nClusters = p.nClusters;
  const payloadDir = options.payloadDir === undefined ? null : path.resolve(options.payloadDir);
  if (payloadDir !== null) mkdirSync(payloadDir, { recursive: true });
  const plan1: RecordPlan = {
    seed,
    honestUsers: nUsers,
    faultUsers,
    agents: nAgents,
    nodes: nNodes,
    dacEvery,
    userOverrides,
    badSignatureRecord: faultRecord['bad-record-signature'] ?? -1,
    missingRoleRecord: faultRecord['missing-role-signature'] ?? -1,
    eraMismatchRecord: faultRecord['record-era-mismatch'] ?? -1,
    strangerNodeRecord: faultRecord['unregistered-signer'] ?? -1,
    payloadDir,
    // Pack files of different builds (in this process or another) never share a name.
    payloadPrefix: `payloads-${randomUUID().slice(0, 8)}`,
  };
  const nUsers2 = Math.max(2, Math.ceil(nUsers / 4));
  const plan: RecordPlan = {
    ...plan1,
    second:
      nClusters === 2
        ? {
            ...plan1,
            honestUsers: nUsers2,
            faultUsers: [],
            nodes: CLUSTER_2_NODES,
            userOverrides: [],
            badSignatureRecord: -1,
            missingRoleRecord: -1,
            eraMismatchRecord: -1,
            strangerNodeRecord: -1,
            cluster: 2,
            bucketBase: 1000 + nUsers + faultUsers.length,
            pricing: PRICING_2,
          }
        : null,
  };

  return { payloadDir, plan };
}

/** A session change: the new validator set, with its event (or, under 71000, in storage). */
function setValidatorSet(
  layout: Layout,
  currentSpec: number,
  validatorSets: Array<{ members: Identity[]; at: Placed | null }>,
  members: Identity[]
): void {
  if (payoutDesignOf(currentSpec) === 'billing-report') {
    // 71000's DdcVerification stores the session's set (`ValidatorSet`) without an event.
    const write = encodeStorageWrite(
      runtimeOf(currentSpec),
      'DdcVerification.ValidatorSet',
      [],
      members.map((v) => toHex(v.publicKey))
    );
    layout.session([], [write]);
    validatorSets.push({ members, at: null });
    return;
  }
  const at = layout.session([
    ev('DdcVerification', 'ValidatorsSetUpdated', {
      validators: members.map((v) => toHex(v.publicKey)),
    }),
  ]);
  validatorSets.push({ members, at });
}

/**
 * Each cluster's protocol parameters: its shares and its prices. Before 73177 the chain's
 * parameters carry the four unit prices only; compute is then priced by the project's cost
 * model alone (the same prices, docs/spec.md §6).
 */
function protocolParamsOf(seed: string, c: ClusterInfo, spec: number) {
  const pricing = c.world.pricing;
  return {
    treasuryShare: c.shares.treasury,
    validatorsShare: c.shares.validators,
    clusterReserveShare: c.shares.reserve,
    storageBondSize: 100n * 10n ** 10n,
    storageChillDelay: 100,
    storageUnbondingDelay: 100,
    ...(spec >= 73177
      ? {
          costPerMbStored: pricing.perMbStored,
          costPerMbStreamed: pricing.perMbStreamed,
          costPerPutRequest: pricing.perPut,
          costPerGetRequest: pricing.perGet,
          costPerGpuUnit: pricing.perGpuUnit,
          costPerCpuUnit: pricing.perCpuMs,
          costPerRamUnit: pricing.perRamUnit,
          customerDepositContract: toHex(account(seed, `${clusterNames(c.no)}deposit-contract`)),
        }
      : {
          unitPerMbStored: pricing.perMbStored,
          unitPerMbStreamed: pricing.perMbStreamed,
          unitPerPutRequest: pricing.perPut,
          unitPerGetRequest: pricing.perGet,
        }),
  };
}

/** What the setup blocks register. */
interface SetupInput {
  readonly layout: Layout;
  readonly validators: Identity[];
  readonly setValidators: (members: Identity[]) => void;
  readonly clusters: readonly ClusterInfo[];
  readonly protocolParams: (c: ClusterInfo) => ReturnType<typeof protocolParamsOf>;
  readonly allNodes: ReadonlyArray<{ c: ClusterInfo; n: Identity; i: number }>;
  readonly storageHttpPort: number;
  readonly nodeOwner: Map<string, { provider: Identity; at: Placed }>;
  readonly membership: Map<string, Array<{ kind: 'added' | 'removed'; at: Placed }>>;
  readonly users: readonly UserInfo[];
  readonly world: RecordWorld;
  readonly currentSpec: number;
}

/**
 * Setup blocks: the first session's validator set and the validators' keys, the clusters, their
 * storage nodes (created, added, validated), and each customer's deposit and bucket.
 */
function setupBlocks(x: SetupInput): void {
  const { layout, validators, setValidators, clusters, protocolParams, allNodes } = x;
  const { storageHttpPort, nodeOwner, membership, users, world, currentSpec } = x;
  const c1 = clusters[0]!;
  // The first session's validator set; `set_validator_key` registers keys already in it.
  setValidators(validators);
  for (const v of validators)
    layout.add({
      call: {
        pallet: 'DdcVerification',
        name: 'set_validator_key',
        args: { ddcValidatorPub: toHex(v.publicKey) },
      },
      signer: v,
      events: [ev('DdcVerification', 'ValidatorKeySet', { validator: toHex(v.publicKey) })],
    });
  for (const c of clusters)
    layout.add({
      call: {
        pallet: 'DdcClusters',
        name: 'create_cluster',
        args: {
          clusterId: c.hex,
          clusterReserveId: toHex(c.reserve),
          clusterParams: {
            nodeProviderAuthContract: undefined,
            erasureCodingRequired: 4,
            erasureCodingTotal: 6,
            replicationTotal: 3,
          },
          initialProtocolParams: protocolParams(c),
        },
      },
      signer: c.manager,
      events: [
        ev('DdcClusters', 'ClusterCreated', { clusterId: c.hex }),
        ev('DdcClusters', 'ClusterProtocolParamsSet', { clusterId: c.hex }),
      ],
    });
  const nodeKey = (n: Identity) => ({ __kind: 'StoragePubKey', value: toHex(n.publicKey) });
  layout.next();
  // Storage node k (of all clusters' nodes, cluster 1's first) registers HTTP port base + k.
  allNodes.forEach(({ c, n, i }, k) => {
    const provider = c.world.providers[i]!;
    const created = layout.add({
      call: {
        pallet: 'DdcNodes',
        name: 'create_node',
        args: {
          nodePubKey: nodeKey(n),
          nodeParams: {
            __kind: 'StorageParams',
            value: {
              mode: { __kind: 'Storage' },
              host: toHex(utf8(`127.0.0.1`)),
              domain: toHex(utf8(`node-${k}.devnet.local`)),
              ssl: false,
              httpPort: storageHttpPort + k,
              grpcPort: 9090 + k,
              p2PPort: 9190 + k,
            },
          },
        },
      },
      signer: provider,
      events: [ev('DdcNodes', 'NodeCreated', { nodePubKey: nodeKey(n) })],
    });
    nodeOwner.set(toHex(n.publicKey), { provider, at: created });
  });
  allNodes.forEach(({ c, n }) => {
    const added = layout.add({
      call: {
        pallet: 'DdcClusters',
        name: 'add_node',
        args: { clusterId: c.hex, nodePubKey: nodeKey(n), nodeKind: { __kind: 'External' } },
      },
      signer: c.manager,
      events: [ev('DdcClusters', 'ClusterNodeAdded', { clusterId: c.hex, nodePubKey: nodeKey(n) })],
    });
    membership.set(toHex(n.publicKey), [{ kind: 'added', at: added }]);
    layout.add({
      call: {
        pallet: 'DdcClusters',
        name: 'validate_node',
        args: { clusterId: c.hex, nodePubKey: nodeKey(n), succeeded: true },
      },
      signer: c.manager,
      events: [
        ev('DdcClusters', 'ClusterNodeValidated', {
          clusterId: c.hex,
          nodePubKey: nodeKey(n),
          succeeded: true,
        }),
      ],
    });
  });
  layout.next();
  users.forEach((u, k) => {
    const owner = toHex(u.id.publicKey);
    const clusterHex = (k < world.users.length ? c1 : clusters[1]!).hex;
    // Before 73054 a deposit names no cluster (DdcCustomers C1 `deposit(value)`, E0 `Deposited
    // { owner_id, amount }` at 71000; docs/cere-runtimes.md §18).
    const perCluster = payoutDesignOf(currentSpec) === 'receipt';
    layout.add({
      call: {
        pallet: 'DdcCustomers',
        name: 'deposit',
        args: perCluster ? { clusterId: clusterHex, value: DEPOSIT } : { value: DEPOSIT },
      },
      signer: u.id,
      events: [
        ev(
          'DdcCustomers',
          'Deposited',
          perCluster
            ? { clusterId: clusterHex, ownerId: owner, amount: DEPOSIT }
            : { ownerId: owner, amount: DEPOSIT }
        ),
      ],
    });
    layout.add({
      call: {
        pallet: 'DdcCustomers',
        name: 'create_bucket',
        args: { clusterId: clusterHex, bucketParams: { isPublic: false } },
      },
      signer: u.id,
      events: [ev('DdcCustomers', 'BucketCreated', { clusterId: clusterHex, bucketId: u.bucket })],
    });
  });
}

/** The scenario's shape, its faults' places and the plan its records are built from. */
type ScenarioPlan = ReturnType<typeof planScenario>;

/**
 * Plan: the options checked and defaulted; where each fault lands (fault users, record faults,
 * batch-fault slots, the eras of the era faults); the record plan of each cluster.
 */
function planScenario(options: DevnetScenarioOptions) {
  const seed = options.seed ?? 'devnet';
  const nRecords = Math.max(1, options.records ?? 120);
  // With every era fault, four eras leave one (the second) honest.
  const nEras = Math.max(1, options.eras ?? (options.faults?.includes('era-not-paid') ? 4 : 2));
  const nUsers = Math.max(3, options.users ?? Math.ceil(nRecords / 200));
  const nAgents = Math.max(2, Math.ceil(nUsers / 10));
  const nNodes = Math.max(3, options.nodes ?? 3);
  const nValidators = Math.max(1, options.validators ?? 5);
  let perBatch = Math.max(1, options.recordsPerBatch ?? 50);
  const dacEvery = options.dacEvery ?? (nRecords > 20_000 ? 50 : 3);
  const faultsIn = new Set(options.faults ?? []);
  // An anchor that is not final needs a head ahead of the finalized one.
  const finalityLag = Math.max(faultsIn.has('anchor-not-final') ? 1 : 0, options.finalityLag ?? 2);
  const faults = faultsIn;
  for (const f of faults)
    if (!(DEVNET_FAULTS as readonly string[]).includes(f))
      throw new RangeError(`unknown fault ${f}`);
  const genesisTimestamp = options.genesisTimestamp ?? 1_795_000_000_000;
  const recordsPerEra = Math.ceil(nRecords / nEras);
  const schedule = runtimeSchedule(options.runtimes);
  const specOfEra = (eraNo: number): number => schedule[Math.min(eraNo, schedule.length) - 1]!;
  // Cere's MAX_PAYOUT_BATCH_SIZE of the era's runtime, unless the options fix one.
  const batchSizeOf = (eraNo: number): number =>
    Math.max(1, options.payoutBatchSize ?? payoutBatchSizeOf(specOfEra(eraNo)));
  const nClusters = options.clusters ?? 2;
  const skipEras = new Set(options.skips ?? []);
  for (const e of skipEras)
    if (!Number.isInteger(e) || e < 1 || e > nEras || nClusters !== 2)
      throw new RangeError(
        `skips: era ${e} cannot be skipped (cluster 2's eras 1..${nEras}, with clusters: 2)`
      );
  if (nClusters !== 1 && nClusters !== 2) throw new RangeError('clusters: 1 or 2');
  /** Era e's records: cluster 1's are [first, split), cluster 2's [split, last). */
  const eraRange = (e: number): { first: number; split: number; last: number } => {
    const first = Math.min(nRecords, e * recordsPerEra);
    const last = Math.min(nRecords, first + recordsPerEra);
    const split = last - (nClusters === 2 ? secondClusterRecords(last - first) : 0);
    return { first, split, last };
  };

  // Faults on records and users --------------------------------------------------------------
  // Fault users come after the honest ones.
  const faultUsers: Array<{ name: string; kind: UserKind }> = [];
  const faultUser: Partial<Record<DevnetFault, number>> = {};
  const addFaultUser = (f: DevnetFault, name: string, kind: UserKind): void => {
    if (!faults.has(f)) return;
    faultUser[f] = nUsers + faultUsers.length;
    faultUsers.push({ name, kind });
  };
  addFaultUser('grant-expired', 'user/expired', 'expired');
  addFaultUser('grant-revoked', 'user/revoked', 'revoked');
  addFaultUser('grant-out-of-scope', 'user/out-of-scope', 'out-of-scope');
  addFaultUser('hidden-revocation', 'user/hidden', 'hidden');
  // Record-level faults land on fixed records of era 0 (spread over its first batch).
  const faultRecord: Partial<Record<DevnetFault, number>> = {};
  const recordFaultKinds: DevnetFault[] = [
    'bad-record-signature',
    'missing-role-signature',
    'grant-expired',
    'grant-revoked',
    'grant-out-of-scope',
    'record-era-mismatch',
    'unregistered-signer',
    'hidden-revocation',
  ];
  // Cluster 1's records of the first era (cluster 2 is honest).
  const era0Size = eraRange(0).split;
  let slot = 0;
  for (const f of recordFaultKinds) if (faults.has(f)) faultRecord[f] = (1 + 2 * slot++) % era0Size;
  if (slot > 0 && new Set(Object.values(faultRecord)).size < slot)
    throw new RangeError(`record faults need at least ${2 * slot} records in the first era`);
  const userOverrides: Array<[number, number]> = [];
  for (const f of [
    'grant-expired',
    'grant-revoked',
    'grant-out-of-scope',
    'hidden-revocation',
  ] as const)
    if (faultRecord[f] !== undefined && faultUser[f] !== undefined)
      userOverrides.push([faultRecord[f], faultUser[f]]);
  // The user whose revocation is hidden also acts in the last era, after the hidden version.
  let finalEra = nEras - 1;
  while (finalEra > 0 && eraRange(finalEra).first >= nRecords) finalEra--;
  const hiddenLate =
    faultUser['hidden-revocation'] !== undefined && nEras > 1
      ? Math.min(eraRange(finalEra).split - 1, (nEras - 1) * recordsPerEra + 1)
      : -1;
  if (hiddenLate >= 0) userOverrides.push([hiddenLate, faultUser['hidden-revocation']!]);
  // Batch faults take batches in chain order, after era 1's first batch (the storage faults) and
  // before the last era's first and last batches (not final, reorged).
  const batchesIn = (e: number): number => {
    const { first, split } = eraRange(e);
    return Math.max(0, Math.ceil((split - first) / perBatch));
  };
  const slotsFree = (): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let e = 0; e < nEras; e++)
      for (let k = 0; k < batchesIn(e); k++) {
        const last = e === nEras - 1 || (e + 1) * recordsPerEra >= nRecords;
        if ((e === 0 && k === 0) || (last && (k === 0 || k === batchesIn(e) - 1))) continue;
        out.push([e, k]);
      }
    return out;
  };
  const batchFaults = (
    ['unauthorized-anchor', 'remark-hash-mismatch', 'batch-root-mismatch'] as const
  ).filter((f) => faults.has(f));
  // Unless the caller fixed the batch size, smaller batches make room for the batch faults.
  if (options.recordsPerBatch === undefined)
    while (perBatch > 1 && slotsFree().length < batchFaults.length)
      perBatch = Math.ceil(perBatch / 2);
  const freeSlots = slotsFree();
  const batchFaultSlot = new Map<DevnetFault, readonly [number, number]>();
  for (const f of batchFaults) {
    const slot = freeSlots.shift();
    if (!slot) throw new RangeError(`${f} needs a batch of its own (add records or eras)`);
    batchFaultSlot.set(f, slot);
  }
  const { unpaidEra, billingEra, payoutFaultIndex } = planEraFaults(faults, nEras, specOfEra);
  const { payloadDir, plan } = recordPlanOf(options, {
    seed,
    nUsers,
    faultUsers,
    nAgents,
    nNodes,
    dacEvery,
    userOverrides,
    faultRecord,
    nClusters,
  });
  return {
    seed,
    nRecords,
    nEras,
    nValidators,
    perBatch,
    finalityLag,
    faults,
    genesisTimestamp,
    billingEra,
    schedule,
    specOfEra,
    batchSizeOf,
    skipEras,
    eraRange,
    faultRecord,
    hiddenLate,
    batchFaultSlot,
    unpaidEra,
    payoutFaultIndex,
    payloadDir,
    plan,
    nNodes,
  };
}

/**
 * The scenario, era by era: yields the batches of each era to build (their records' times depend
 * on where the previous eras ended on chain) and takes their outputs, in task order.
 */
function* scenarioSteps(
  options: DevnetScenarioOptions
): Generator<EraWork, DevnetScenario, BatchOutput[]> {
  const st = scenarioState(planScenario(options), options);
  initialGrants(st);
  for (let era = 0; era < st.nEras; era++) if (!(yield* scenarioEra(st, era))) break;
  return scenarioResult(st);
}

/** Setup, first step: the world, its clusters and validators, and the setup blocks. */
function scenarioWorld(planned: ScenarioPlan, options: DevnetScenarioOptions) {
  const { seed, nValidators, genesisTimestamp, schedule, plan } = planned;
  const layout = new Layout(genesisTimestamp);
  /** The runtime in force, upgraded era by era. */
  const spec = { current: schedule[0]! };
  // World ----------------------------------------------------------------------------------
  const world = recordWorld(plan);
  const { nodes } = world;
  const gCollector = account(seed, 'g-collector');
  const garAnchorer = identity(seed, 'gar-service');
  // Validators sign extrinsics with sr25519 keys, as Cere's do.
  const validators = Array.from({ length: nValidators }, (_, i) =>
    identity(seed, `validator/${i}`, i < 2 ? 'sr25519' : 'ed25519')
  );
  const users: UserInfo[] = [...world.users, ...(world.second?.users ?? [])].map((u) => ({
    ...u,
    versions: [],
  }));
  /** The clusters: cluster 1 (every fault's) and, with `clusters: 2`, cluster 2. */
  const clusters: ClusterInfo[] = [world, ...(world.second ? [world.second] : [])].map((w, k) => ({
    no: (k + 1) as 1 | 2,
    world: w,
    id: w.clusterId,
    hex: w.clusterHex,
    manager: identity(seed, `${clusterNames((k + 1) as 1 | 2)}cluster-manager`),
    reserve: account(seed, `${clusterNames((k + 1) as 1 | 2)}cluster-reserve`),
    shares: k === 0 ? SHARES : SHARES_2,
    createdWith: k === 0 ? SHARES : SHARES_2,
    userBase: k === 0 ? 0 : world.users.length,
    nodeBase: k === 0 ? 0 : nodes.length,
    eras: [],
  }));
  const c1 = clusters[0]!;
  const clusterOf = (no: 1 | 2): ClusterInfo => clusters[no - 1]!;
  const eraOf = (c: ClusterInfo, eraNo: number): EraInfo => c.eras.find((e) => e.era === eraNo)!;
  /** Every storage node, cluster 1's first, and each one's cluster. */
  const allNodes = clusters.flatMap((c) => c.world.nodes.map((n, i) => ({ c, n, i })));
  const strangerAnchorer = identity(seed, 'anchor/stranger');
  /**
   * Every validator set of a session change: its members and where `ValidatorsSetUpdated` was
   * emitted; `at` null under a billing-report runtime (71000), which has no such event (its
   * DdcVerification stores the session's set without an event, BN `pallets/ddc-verification/src/
   * lib.rs @b3fd400687f1` l.4220-4244): the set is emitted in the first session of the next
   * receipt-design runtime.
   */
  const validatorSets: Array<{ members: Identity[]; at: Placed | null }> = [];
  /** Governance changes of a cluster's shares. */
  const governed: Array<Manifest['governance'][number]> = [];
  const setValidators = (members: Identity[]): void =>
    setValidatorSet(layout, spec.current, validatorSets, members);
  /** Node key hex -> its membership changes in the cluster, in chain order. */
  const membership = new Map<string, Array<{ kind: 'added' | 'removed'; at: Placed }>>();
  /** Node key hex -> its provider and the NodeCreated event. */
  const nodeOwner = new Map<string, { provider: Identity; at: Placed }>();

  const protocolParams = (c: ClusterInfo, spec = schedule[0]!) => protocolParamsOf(seed, c, spec);

  // Setup blocks: the validator set, validator keys, the cluster, nodes, customers, buckets ----
  setupBlocks({
    layout,
    validators,
    setValidators,
    clusters,
    protocolParams,
    allNodes,
    storageHttpPort: options.storageHttpPort ?? 8080,
    nodeOwner,
    membership,
    users,
    world,
    currentSpec: spec.current,
  });
  return {
    layout,
    spec,
    world,
    gCollector,
    garAnchorer,
    validators,
    users,
    clusters,
    c1,
    clusterOf,
    eraOf,
    allNodes,
    strangerAnchorer,
    validatorSets,
    governed,
    setValidators,
    membership,
    nodeOwner,
    protocolParams,
  };
}

/** Setup, second step: the state the eras read and change (deposits, grants, batches, failures). */
function scenarioState(planned: ScenarioPlan, options: DevnetScenarioOptions) {
  const w = scenarioWorld(planned, options);
  const { seed, nRecords, nEras, nValidators, faults, payoutFaultIndex, unpaidEra } = planned;
  const { specOfEra, batchSizeOf, skipEras, payloadDir } = planned;
  const { layout, gCollector, users, validators, validatorSets, setValidators, allNodes } = w;

  /**
   * What each customer (index in `users`) has left of its deposit for billing-report charges.
   * Billing-report eras are paid under 71000, the oldest runtime, so they come before any
   * receipt-design charge.
   */
  const deposits = new Map<number, bigint>(users.map((_, k) => [k, DEPOSIT]));
  /**
   * What DdcPayouts' vault can transfer (`free_balance - minimum_balance`): one pallet account
   * (`Self::account_id()`) for every billing report, endowed with the existential deposit, so the
   * rounding left in it by one report (fees and rewards are rounded per component) carries over
   * to the next. A reward above it is capped (`Rewarded.rewarded < expected_to_reward`).
   */
  const billingVault = 0n;
  // What settling an era reads and changes (the vault above among them).
  const settle: SettleCtx = {
    seed,
    nEras,
    nValidators,
    faults,
    payoutFaultIndex,
    unpaidEra,
    specOfEra,
    batchSizeOf,
    skipEras,
    layout,
    gCollector,
    users,
    validators,
    validatorSets,
    setValidators,
    deposits,
    billingVault,
  };

  const agreements: SignedAgreement[] = [];
  /** The versions the GAR service received since its last anchor: (pair, payload hash). */
  const unanchored: Array<{ pair: Uint8Array; hash: Uint8Array }> = [];
  /** Every GAR anchor remark: its envelope, its entries and where it landed. */
  const garAnchors: Array<{ envelope: Uint8Array; pairs: Set<string>; at: Placed }> = [];

  // Records, batches, anchors ---------------------------------------------------------------
  const payloads = payloadDir === null ? new MemoryPayloads() : new DirPayloads(payloadDir);
  const recordIds = new Uint8Array(RECORD_ID_BYTES * nRecords);
  const batches: BatchInfo[] = [];
  const batchOf = new Int32Array(nRecords);
  const failing = new Map<number, ExpectedFailure[]>();
  const recordFaults = new Map<number, DevnetFault[]>();
  const fail = (i: number, f: DevnetFault | null, ...lines: ExpectedFailure[]): void => {
    failing.set(i, [...(failing.get(i) ?? []), ...lines]);
    if (f) recordFaults.set(i, [...(recordFaults.get(i) ?? []), f]);
  };
  const recordIdOf = (i: number): string => recordIdFromBytes(recordIds, i);

  /** Record times of the hidden-revocation user's records. */
  const recordAt = new Map<number, number>();
  const payloadFaults: Array<Map<string, 'tampered' | 'missing'>> = allNodes.map(() => new Map());
  const storageManifest: Array<{
    payloadHash: string;
    node: number;
    fault: 'tampered' | 'missing';
  }> = [];
  return {
    ...planned,
    ...w,
    options,
    deposits,
    settle,
    agreements,
    unanchored,
    garAnchors,
    /** The payload hash of the version the GAR service hides (hidden-revocation). */
    hiddenVersion: null as string | null,
    payloads,
    recordIds,
    batches,
    batchOf,
    failing,
    recordFaults,
    fail,
    recordIdOf,
    recordAt,
    notFinal: null as Manifest['notFinal'],
    reorgBatch: null as BatchInfo | null,
    payloadFaults,
    storageManifest,
  };
}

/** The scenario's state: its plan, its world, and what the eras change as they go. */
type ScenarioState = ReturnType<typeof scenarioState>;

/**
 * A new version of `u`'s grant. The GAR service serves and anchors it; a hidden one it anchors
 * and does not serve.
 */
function pushVersion(
  st: ScenarioState,
  u: UserInfo,
  fields: Parameters<typeof agreementPayload>[0],
  hidden = false
): void {
  const bytes = agreementPayload(fields);
  const signed = signAgreement(u.id, bytes);
  if (hidden) st.hiddenVersion = toHex(blake2b256(bytes));
  else {
    u.versions.push(signed);
    st.agreements.push(signed);
  }
  st.unanchored.push({
    pair: garPairId(u.id.publicKey, u.agent.publicKey),
    hash: blake2b256(bytes),
  });
}

/**
 * The GAR service anchors the versions it received since its last anchor, each entry tagged with
 * its (user, agent) pair (docs/spec.md §3).
 */
function garAnchor(st: ScenarioState): void {
  const entries = st.unanchored;
  st.unanchored = [];
  for (let i = 0; i < entries.length; i += MAX_GAR_ANCHOR_ENTRIES) {
    const slice = entries.slice(i, i + MAX_GAR_ANCHOR_ENTRIES);
    const envelope = encodeEnvelope({ kind: 'GarPairAnchor', entries: slice });
    const at = st.layout.add(remark(st.garAnchorer, envelope));
    st.garAnchors.push({ envelope, pairs: new Set(slice.map((e) => toHex(e.pair))), at });
  }
}

/** Setup, last step: every user's first grant version, and the GAR service's first anchor. */
function initialGrants(st: ScenarioState): void {
  const { layout, genesisTimestamp, users } = st;
  // Grants are created a day before the first era and, for honest users, never expire before
  // the activity ends (some expire later, some are updated, some revoked after their last use).
  const firstEraBlock = layout.height + 2;
  const grantCreated = layout.timeOf(firstEraBlock) - 86_400_000;
  const farFuture = genesisTimestamp + 400 * 86_400_000;
  users.forEach((u, i) => {
    pushVersion(st, u, {
      user: u.id.publicKey,
      agent: u.agent.publicKey,
      revoked: false,
      createdAt: grantCreated,
      expiresAt:
        u.kind === 'expired'
          ? null // set by the update below, before its record
          : i % 5 === 4
            ? farFuture
            : null,
      scope:
        u.kind === 'out-of-scope'
          ? { workspace_id: 'ws-elsewhere', stream_id: 'stream-elsewhere' }
          : u.scope,
    });
  });
  garAnchor(st);
}

/** One era's run: its records, its first block, and its charges and usage per cluster. */
interface EraRun {
  readonly era: number;
  readonly eraNo: number;
  readonly first: number;
  readonly split: number;
  readonly last: number;
  readonly eraStartBlock: number;
  readonly chargeBy: Array<Map<number, bigint>>;
  readonly costByNode: Array<Map<number, bigint>>;
  readonly billing: boolean;
  readonly usageByUser: Array<Map<number, BillingUsage>>;
  readonly usageByNode: Array<Map<number, BillingUsage>>;
}

/**
 * Era: its runtime upgrade and governance change, its batches (yielded to be built), their
 * anchors, its grant updates and its settlement. False when no record is left for it.
 */
function* scenarioEra(st: ScenarioState, era: number): Generator<EraWork, boolean, BatchOutput[]> {
  const { eraRange, specOfEra, layout, validatorSets, billingEra, setValidators } = st;
  const { clusters, perBatch, world, users, nEras, settle } = st;
  const eraNo = era + 1;
  const { first, split, last } = eraRange(era);
  if (first >= last) return false;
  if (specOfEra(eraNo) !== st.spec.current) {
    st.spec.current = specOfEra(eraNo);
    layout.upgrade(st.spec.current);
    // The set a billing-report runtime held without an event, reported by the new runtime.
    const unreported = validatorSets.at(-1);
    if (unreported?.at === null && !billingEra(eraNo)) setValidators(unreported.members);
  }
  if (eraNo === GOVERNANCE_ERA && clusters[1]) governanceChange(st, clusters[1], st.spec.current);
  const eraStartBlock = layout.height + 1;
  // Per cluster: charges per user (index in `users`), costs per node (index in the cluster).
  const chargeBy = clusters.map(() => new Map<number, bigint>());
  const costByNode = clusters.map(() => new Map<number, bigint>());
  // A billing-report era: usage sums per customer (index in `users`) and per node (index in the
  // cluster), over the records of the era.
  const billing = billingEra(eraNo);
  const usageByUser = clusters.map(() => new Map<number, BillingUsage>());
  const usageByNode = clusters.map(() => new Map<number, BillingUsage>());
  // Cluster 1's batches, then cluster 2's; anchored in that order, four per block.
  const tasks: BatchTask[] = [];
  /** Per task: its batch index in its cluster's era. */
  const indexOf: number[] = [];
  for (const c of clusters) {
    const [start, end] = c.no === 1 ? [first, split] : [split, last];
    for (let from = start, index = 0; from < end; from += perBatch, index++) {
      const anchorBlock = eraStartBlock + Math.floor(tasks.length / ANCHORS_PER_BLOCK);
      indexOf.push(index);
      tasks.push({
        cluster: c.no,
        era: eraNo,
        from,
        to: Math.min(end, from + perBatch),
        windowStart: layout.timeOf(anchorBlock) - BLOCK_MS,
      });
    }
  }
  const outputs = yield { world, tasks };
  const run: EraRun = {
    era,
    eraNo,
    first,
    split,
    last,
    eraStartBlock,
    chargeBy,
    costByNode,
    billing,
    usageByUser,
    usageByNode,
  };
  for (let pos = 0; pos < tasks.length; pos++)
    placeBatch(st, run, pos, tasks[pos]!, indexOf[pos]!, outputs[pos]!);
  // Updates and revocations of honest grants during the era (the GAR anchors them).
  users.forEach((u, k) => {
    if (u.kind !== 'honest') return;
    if (k % 7 === 3 && era === 0) {
      pushVersion(st, u, {
        user: u.id.publicKey,
        agent: u.agent.publicKey,
        revoked: false,
        createdAt: layout.timeOf(eraStartBlock),
        expiresAt: null,
        scope: u.scope,
      });
    }
    if (k % 11 === 5 && era === nEras - 1) {
      // Revoked after the user's last activity: the records stay covered.
      pushVersion(st, u, {
        user: u.id.publicKey,
        agent: u.agent.publicKey,
        revoked: true,
        createdAt: layout.timeOf(layout.height + 1),
        expiresAt: null,
        scope: u.scope,
      });
    }
  });
  if (st.unanchored.length > 0) garAnchor(st);

  // The era's window for a billing fingerprint (`start_era`/`end_era`, i64 Unix seconds): from
  // the timestamp of its first block to that of its last block before settlement begins (its
  // anchors and grant updates), floored to seconds. Cere refuses `end_era <= start_era`
  // (`commit_billing_fingerprint`, BadRequest), so a one-block era ends a block later. Both
  // clusters' reports share it.
  const startEra = BigInt(Math.floor(layout.timeOf(eraStartBlock) / 1000));
  const lastSecond = BigInt(Math.floor(layout.timeOf(layout.height) / 1000));
  const window = {
    startEra,
    endEra: lastSecond > startEra ? lastSecond : startEra + BigInt(BLOCK_MS / 1000),
  };

  // Each cluster's era is settled in turn (cluster 2's after cluster 1's), under the same
  // runtime and by the same validators.
  for (const c of clusters)
    if (chargeBy[c.no - 1]!.size > 0)
      c.eras.push(
        billing
          ? settleBillingEra(
              settle,
              c,
              eraNo,
              usageByUser[c.no - 1]!,
              usageByNode[c.no - 1]!,
              window
            )
          : settleEra(settle, c, eraNo, era, chargeBy[c.no - 1]!, costByNode[c.no - 1]!)
      );
  return true;
}

/** Era, a batch built: its records' faults and costs, its payload, anchor and batch faults. */
function placeBatch(
  st: ScenarioState,
  run: EraRun,
  pos: number,
  task: BatchTask,
  index: number,
  out: BatchOutput
): void {
  const { era, eraNo, first, split, last, eraStartBlock } = run;
  const { clusterOf, recordIds, batchFaultSlot, payloads, batches, fail, faults } = st;
  const { payloadFaults, storageManifest, nNodes, nEras, nRecords, perBatch, layout } = st;
  const { strangerAnchorer, options } = st;
  const c = clusterOf(task.cluster ?? 1);
  const cNodes = c.world.nodes.length;
  const { from, to } = task;
  const anchorBlock = eraStartBlock + Math.floor(pos / ANCHORS_PER_BLOCK);
  batchRecords(st, run, c, task, out);
  recordIds.set(out.ids, RECORD_ID_BYTES * from);
  // Batch faults hit the batches of cluster 1 that planScenario set aside for them.
  const batchFault = (f: DevnetFault): boolean => {
    const slot = batchFaultSlot.get(f);
    return c.no === 1 && slot !== undefined && slot[0] === era && slot[1] === index;
  };
  const rootFault = batchFault('batch-root-mismatch');
  // The anchored root differs from the payload's: every record's proof misses it.
  const root = rootFault ? blake2b256(concatBytes(out.root, utf8('wrong root'))) : out.root;
  const payloadHash = toHex(out.payloadHash);
  if (payloads instanceof MemoryPayloads) payloads.set(payloadHash, out.payload!);
  else payloads.add(payloadHash, out.packed!);
  const envelope = encodeEnvelope({
    kind: 'DacBatch',
    clusterId: c.id,
    era: eraNo,
    batchIndex: index,
    recordFormat: RecordFormat.ScpJson,
    leafCount: to - from,
    root,
    payloadHash: out.payloadHash,
  });
  const unauthorized = batchFault('unauthorized-anchor');
  const badHash = batchFault('remark-hash-mismatch');
  const batch: BatchInfo = {
    cluster: c.no,
    era: eraNo,
    index,
    from,
    to,
    root,
    envelope,
    payloadHash,
    // The batch's storage node anchors it (a cluster member may); a stranger with the fault.
    anchorer: unauthorized ? strangerAnchorer : c.world.nodes[index % cNodes]!,
    badHash,
    anchor: { block: 0, extrinsic: 0, firstEvent: 0 },
  };
  batches.push(batch);
  const batchFailure = (f: DevnetFault, line: ExpectedFailure): void => {
    for (let i = from; i < to; i++) fail(i, f, line);
  };
  if (unauthorized)
    batchFailure('unauthorized-anchor', { check: 'anchor.sender', code: 'NOT_AUTHORIZED' });
  if (badHash)
    batchFailure('remark-hash-mismatch', { check: 'anchor.remark', code: 'ANCHOR_MISMATCH' });
  if (rootFault)
    batchFailure('batch-root-mismatch', { check: 'inclusion.mmr', code: 'PROOF_INVALID' });
  if (c.no === 1 && era === 0 && index === 0) {
    // Storage faults hit the era's first payload on one node each; the others serve it intact.
    if (faults.has('payload-tampered')) {
      payloadFaults[1 % nNodes]!.set(payloadHash, 'tampered');
      storageManifest.push({ payloadHash, node: 1 % nNodes, fault: 'tampered' });
    }
    if (faults.has('payload-missing')) {
      payloadFaults[2 % nNodes]!.set(payloadHash, 'missing');
      storageManifest.push({ payloadHash, node: 2 % nNodes, fault: 'missing' });
    }
  }
  // Cluster 1's first batch of the last era is anchored late (not final), its last one in a
  // reorg.
  const isLastEra = c.no === 1 && (era === nEras - 1 || last >= nRecords);
  const lastIndex = Math.ceil((split - first) / perBatch) - 1;
  const notFinalHere = faults.has('anchor-not-final') && isLastEra && index === 0;
  const reorgHere = faults.has('anchor-reorged') && isLastEra && index === lastIndex;
  if (notFinalHere && reorgHere)
    throw new RangeError('anchor-not-final with anchor-reorged needs two batches in the last era');
  if (notFinalHere) st.notFinal = { clusterId: c.hex, era: eraNo, index, block: 0 };
  else if (reorgHere) st.reorgBatch = batch;
  else {
    layout.fillTo(anchorBlock - 1);
    if (layout.height < anchorBlock) layout.next();
    batch.anchor = layout.add(batchRemark(batch));
  }
  options.onProgress?.({ records: to, of: nRecords });
}

/** Era, a batch's records: their faults (some need a new grant version), costs and usage. */
function batchRecords(
  st: ScenarioState,
  run: EraRun,
  c: ClusterInfo,
  task: BatchTask,
  out: BatchOutput
): void {
  const { chargeBy, costByNode, billing, usageByUser, usageByNode } = run;
  const { users, faultRecord, fail, recordAt, hiddenLate, batchOf, batches } = st;
  const cNodes = c.world.nodes.length;
  const { from, to } = task;
  for (let i = from; i < to; i++) {
    const u = c.userBase + userOfRecord(c.world.plan, i);
    const user = users[u]!;
    const p = i % cNodes;
    if (faultRecord['bad-record-signature'] === i)
      fail(i, 'bad-record-signature', {
        check: 'record.signature.node',
        code: 'SIG_INVALID',
      });
    if (faultRecord['missing-role-signature'] === i)
      fail(i, 'missing-role-signature', {
        check: 'record.signature.orchestrator',
        code: 'SIG_MISSING',
      });
    if (user.kind === 'expired') {
      const at = recordTime(task, i);
      // The grant was updated to expire one second before this record.
      pushVersion(st, user, {
        user: user.id.publicKey,
        agent: user.agent.publicKey,
        revoked: false,
        createdAt: at - 60_000,
        expiresAt: at - 1000,
        scope: user.scope,
      });
      fail(i, 'grant-expired', { check: 'grant.status', code: 'GRANT_EXPIRED' });
    }
    if (user.kind === 'revoked') {
      pushVersion(st, user, {
        user: user.id.publicKey,
        agent: user.agent.publicKey,
        revoked: true,
        createdAt: recordTime(task, i) - 3000,
        expiresAt: null,
        scope: user.scope,
      });
      fail(i, 'grant-revoked', { check: 'grant.status', code: 'GRANT_REVOKED' });
    }
    if (user.kind === 'out-of-scope')
      fail(i, 'grant-out-of-scope', { check: 'grant.scope', code: 'GRANT_SCOPE_MISMATCH' });
    if (user.kind === 'hidden') {
      recordAt.set(i, recordTime(task, i));
      if (i === hiddenLate)
        // Revoked just before this record; the GAR service anchors the revocation and never
        // serves it, so the record looks covered by the grant.
        pushVersion(
          st,
          user,
          {
            user: user.id.publicKey,
            agent: user.agent.publicKey,
            revoked: true,
            createdAt: recordTime(task, i) - 3000,
            expiresAt: null,
            scope: user.scope,
          },
          true
        );
    }
    if (faultRecord['record-era-mismatch'] === i)
      fail(i, 'record-era-mismatch', { check: 'anchor.era', code: 'ERA_MISMATCH' });
    if (faultRecord['unregistered-signer'] === i)
      fail(i, 'unregistered-signer', { check: 'record.registration', code: 'NOT_REGISTERED' });
    batchOf[i] = batches.length;
    const cost = out.costs[i - from]!;
    const charges = chargeBy[c.no - 1]!;
    const costs = costByNode[c.no - 1]!;
    charges.set(u, (charges.get(u) ?? 0n) + cost);
    costs.set(p, (costs.get(p) ?? 0n) + cost);
    if (billing) {
      const used = recordUsage(i);
      addUsage(usageByUser[c.no - 1]!, u, used);
      addUsage(usageByNode[c.no - 1]!, p, used);
    }
  }
}

/**
 * Governance changes cluster `c`'s shares (`SHARES_2_GOVERNED`) at the start of an era: as
 * `DdcClustersGov.update_cluster_protocol` enacted by a referendum, a block's initialization
 * writes `DdcClusters.ClustersGovParams(c)` in the layout of runtime `spec` and emits
 * `ClusterProtocolParamsSet`. Its eras from here on are settled with the new shares.
 */
function governanceChange(st: ScenarioState, c: ClusterInfo, spec: number): void {
  const { protocolParams, layout, governed } = st;
  c.shares = SHARES_2_GOVERNED;
  const write = encodeStorageWrite(
    runtimeOf(spec),
    'DdcClusters.ClustersGovParams',
    [c.hex],
    protocolParams(c, spec)
  );
  const at = layout.session(
    [ev('DdcClusters', 'ClusterProtocolParamsSet', { clusterId: c.hex })],
    [write]
  );
  governed.push({
    clusterId: c.hex,
    block: at.block,
    fromEra: GOVERNANCE_ERA,
    shares: {
      treasury: c.shares.treasury.toString(),
      validators: c.shares.validators.toString(),
      reserve: c.shares.reserve.toString(),
    },
  });
}

/** Result: the unfinalized tail, the era-level expectations, the manifest and the chain. */
function scenarioResult(st: ScenarioState): DevnetScenario {
  const { layout, c1, batches, fail, finalityLag, clusterOf, eraOf, faults } = st;
  const { payoutFaultIndex, garAnchors, recordAt, nRecords, users, plan, world, seed } = st;
  const { clusters, nEras, eraRange, failing, recordIdOf, recordFaults, specOfEra } = st;
  const { governed, storageManifest, batchOf, payloads, garAnchorer, membership } = st;
  const { nodeOwner, batchSizeOf, genesisTimestamp, schedule, agreements, payloadFaults } = st;
  // The unfinalized tail: deferred anchors, the reorg, and the finality lag ---------------------
  const tail = unfinalizedTail({
    layout,
    c1,
    batches,
    fail,
    finalityLag,
    reorgBatch: st.reorgBatch,
    notFinal: st.notFinal,
  });
  const { fork, reorg } = tail;
  const notFinal = tail.notFinal;

  // Era-level expectations -------------------------------------------------------------------
  const recordEra = (i: number): number => batches[batchOf[i]!]!.era;
  const recordCluster = (i: number): ClusterInfo => clusterOf(batches[batchOf[i]!]!.cluster);
  const skippedLines = eraExpectations({
    recordEra,
    recordCluster,
    eraOf,
    faults,
    c1,
    payoutFaultIndex,
    hiddenVersion: st.hiddenVersion,
    garAnchors,
    layout,
    recordAt,
    fail,
    nRecords,
    users,
    plan,
    world,
  });

  const manifest: Manifest = {
    format: 'proofroom/devnet-manifest',
    version: 3,
    seed,
    records: nRecords,
    eras: c1.eras.length,
    clusters: manifestClusters(clusters, nEras, eraRange),
    faults: DEVNET_FAULTS.filter((f) => faults.has(f)),
    receipts: [...new Set([...failing.keys(), ...skippedLines.keys()])]
      .sort((a, b) => a - b)
      .map((i) => ({
        recordId: recordIdOf(i),
        index: i,
        clusterId: recordCluster(i).hex,
        era: recordEra(i),
        failing: failing.get(i) ?? [],
        ...(skippedLines.has(i) ? { skipped: skippedLines.get(i)! } : {}),
        faults: [...new Set([...(recordFaults.get(i) ?? [])])],
      })),
    eraRounds: manifestEraRounds(clusters, payoutFaultIndex, faults, specOfEra),
    governance: governed,
    storage: storageManifest,
    reorg,
    notFinal,
  };

  const { grandpaAuthorities, grandpaChange, blocks } = chainBlocks(seed, layout);

  const bundleSources: BundleSources = {
    nRecords,
    batches,
    batchOf,
    clusters,
    users,
    plan,
    world,
    payloads,
    layout,
    garAnchors,
    garAnchorer,
    membership,
    nodeOwner,
    recordIdOf,
    batchSizeOf,
  };

  return {
    seed,
    genesisTimestamp,
    clusterId: c1.id,
    clusterIds: clusters.map((c) => c.id),
    blocks,
    fork,
    grandpa: { authorities: grandpaAuthorities, change: grandpaChange },
    finalityLag,
    runtimes: {
      genesis: schedule[0]!,
      upgrades: [...layout.upgrades].map(([block, specVersion]) => ({ block, specVersion })),
    },
    agreements,
    garAnchorKey: toHex(garAnchorer.publicKey),
    payloads,
    storageFaults: payloadFaults,
    manifest,
    recordCount: nRecords,
    recordId: (i) => {
      if (!Number.isInteger(i) || i < 0 || i >= nRecords) throw new RangeError(`no record ${i}`);
      return recordIdOf(i);
    },
    bundle: (i, chain) => scenarioBundle(bundleSources, i, chain),
  };
}

/** The manifest's clusters: each one's record ranges per era, nodes and shares at creation. */
function manifestClusters(
  clusters: readonly ClusterInfo[],
  nEras: number,
  eraRange: ScenarioPlan['eraRange']
) {
  return clusters.map((c) => {
    const ranges: Array<{ era: number; from: number; to: number }> = [];
    for (let e = 0; e < nEras; e++) {
      const { first, split, last } = eraRange(e);
      const [from, to] = c.no === 1 ? [first, split] : [split, last];
      if (from < to) ranges.push({ era: e + 1, from, to });
    }
    return {
      clusterId: c.hex,
      records: ranges.reduce((n, r) => n + r.to - r.from, 0),
      ranges,
      nodes: c.world.nodes.map((_, k) => c.nodeBase + k),
      shares: {
        treasury: c.createdWith.treasury.toString(),
        validators: c.createdWith.validators.toString(),
        reserve: c.createdWith.reserve.toString(),
      },
    };
  });
}

/** The manifest's era rounds: each era's votes, quorum, balance, payment and runtime. */
function manifestEraRounds(
  clusters: readonly ClusterInfo[],
  payoutFaultIndex: number,
  faults: ScenarioPlan['faults'],
  specOfEra: (eraNo: number) => number
) {
  return clusters.flatMap((c) =>
    c.eras.map((e) => ({
      clusterId: c.hex,
      era: e.era,
      validators: e.validatorSet.members.length,
      votes: e.votes.length,
      agreeing: e.agreeing,
      threshold: quorumThreshold(e.validatorSet.members.length, 'cere67'),
      quorum: e.quorum,
      balanced: !(c.no === 1 && e.era === payoutFaultIndex + 1 && faults.has('payout-unbalanced')),
      paid: e.paid !== null,
      skipped: e.skipped,
      paidAtBlock: e.paid?.block ?? null,
      specVersion: specOfEra(e.era),
      design: e.design,
    }))
  );
}

/** The chain's blocks as the devnet serves them, with the GRANDPA authorities and their change. */
function chainBlocks(seed: string, layout: Layout) {
  // GRANDPA: one authority-set change, half way up the canonical chain (a session change that
  // replaces the last authority; pallet_grandpa schedules it with delay 0).
  const grandpaAuthorities = Array.from({ length: GRANDPA_AUTHORITIES }, (_, i) =>
    identity(seed, `grandpa/${i}`)
  );
  const grandpaChange =
    layout.blocks.length === 0
      ? null
      : {
          block: Math.max(1, Math.ceil(layout.blocks.length / 2)),
          next: [
            ...grandpaAuthorities.slice(0, -1),
            identity(seed, `grandpa/${GRANDPA_AUTHORITIES}`),
          ],
        };

  const blocks: BlockSpec[] = layout.blocks.map((b, i) => ({
    timestamp: b.timestamp,
    ...(b.initEvents.length > 0 ? { initEvents: b.initEvents } : {}),
    extrinsics: b.extrinsics,
    ...(grandpaChange?.block === i + 1 ? { grandpaChange: { next: grandpaChange.next } } : {}),
    ...(layout.upgrades.has(i + 1) ? { setCode: layout.upgrades.get(i + 1)! } : {}),
    ...(b.storage.length > 0 ? { storage: b.storage } : {}),
  }));
  return { grandpaAuthorities, grandpaChange, blocks };
}

/** The unfinalized tail: the reorg's abandoned branch and re-anchor, the finality lag, the anchor not final. */
function unfinalizedTail(s: {
  readonly layout: Layout;
  readonly c1: ClusterInfo;
  readonly batches: readonly BatchInfo[];
  readonly fail: (i: number, f: DevnetFault | null, ...lines: ExpectedFailure[]) => void;
  readonly finalityLag: number;
  readonly reorgBatch: BatchInfo | null;
  notFinal: Manifest['notFinal'];
}): { fork: DevnetScenario['fork']; reorg: Manifest['reorg']; notFinal: Manifest['notFinal'] } {
  const { layout, c1, batches, fail, finalityLag, reorgBatch } = s;
  let { notFinal } = s;
  let fork: DevnetScenario['fork'] = null;
  let reorg: Manifest['reorg'] = null;
  if (reorgBatch) {
    // The anchor first lands in a block of a branch the chain then abandons; the canonical chain
    // re-includes it one block later, and is longer, so every node switches to it.
    const parent = layout.height;
    const orphan: BlockSpec = {
      timestamp: layout.timeOf(parent + 1),
      extrinsics: [batchRemark(reorgBatch)],
    };
    fork = { parent, blocks: [orphan] };
    // The canonical block at the same height differs (it has no anchor); the anchor returns in
    // the next one.
    layout.next();
    layout.next();
    reorgBatch.anchor = layout.add(batchRemark(reorgBatch));
    reorg = {
      batch: { clusterId: c1.hex, era: reorgBatch.era, index: reorgBatch.index },
      orphaned: { number: parent + 1, parentNumber: parent, extrinsic: 1 },
      anchoredAt: { number: reorgBatch.anchor.block, extrinsic: reorgBatch.anchor.extrinsic },
    };
  }
  // Enough blocks that everything so far is final once the head is `finalityLag` ahead.
  for (let i = 0; i < finalityLag; i++) layout.next();
  if (notFinal !== null) {
    const nf = batches.find(
      (b) => b.cluster === 1 && b.era === notFinal!.era && b.index === notFinal!.index
    )!;
    // An anchor in the best block: seen on chain but not final.
    nf.anchor = layout.add(batchRemark(nf));
    notFinal = { ...notFinal, block: nf.anchor.block };
    for (let i = nf.from; i < nf.to; i++)
      fail(i, 'anchor-not-final', { check: 'anchor.finality', code: 'NOT_FINAL' });
  }
  return { fork, reorg, notFinal };
}

/**
 * `System.remark_with_event(envelope)` by `signer`; with `badHash` the node reports a
 * `Remarked` hash that is not the envelope's (a lying RPC node).
 */
function remark(signer: Identity, envelope: Uint8Array, badHash = false): ExtrinsicSpec {
  const hash = blake2b256(envelope);
  return {
    call: { pallet: 'System', name: 'remark_with_event', args: { remark: toHex(envelope) } },
    signer,
    events: [
      ev('System', 'Remarked', {
        sender: toHex(signer.publicKey),
        hash: toHex(badHash ? blake2b256(concatBytes(hash, utf8('lie'))) : hash),
      }),
    ],
  };
}

/** A batch's anchor remark (with its lying-node fault, if any). */
function batchRemark(b: BatchInfo): ExtrinsicSpec {
  return remark(b.anchorer, b.envelope, b.badHash);
}

/** What `eraExpectations` reads: the records' eras, GAR anchors and faults. */
interface EraExpectationsIn {
  readonly recordEra: (i: number) => number;
  readonly recordCluster: (i: number) => ClusterInfo;
  readonly eraOf: (c: ClusterInfo, eraNo: number) => EraInfo;
  readonly faults: ScenarioPlan['faults'];
  readonly c1: ClusterInfo;
  readonly payoutFaultIndex: number;
  readonly hiddenVersion: string | null;
  readonly garAnchors: ReadonlyArray<{ envelope: Uint8Array; pairs: Set<string>; at: Placed }>;
  readonly layout: Layout;
  readonly recordAt: ReadonlyMap<number, number>;
  readonly fail: (i: number, f: DevnetFault | null, ...lines: ExpectedFailure[]) => void;
  readonly nRecords: number;
  readonly users: readonly UserInfo[];
  readonly plan: ScenarioPlan['plan'];
  readonly world: ReturnType<typeof recordWorld>;
}

/** Era-level expectations: each record's lines its era fails (through `fail`) or skips (returned). */
function eraExpectations(s: EraExpectationsIn): Map<number, ExpectedFailure[]> {
  const { recordEra, recordCluster, eraOf, faults, c1, payoutFaultIndex, hiddenVersion } = s;
  const { garAnchors, layout, recordAt, fail, nRecords, users, plan, world } = s;
  // The customers of era 1's first payers batch (the one the wrong-mmr-proof fault corrupts).
  const firstPayers = faults.has('wrong-mmr-proof')
    ? new Set(c1.eras[payoutFaultIndex]!.payerBatches[0]!.map((x) => toHex(x.account)))
    : null;
  /** Where the hidden version is anchored, and when that anchor's window began. */
  const hiddenAnchor =
    hiddenVersion === null
      ? null
      : garAnchors.findIndex((a) => a.pairs.size > 0 && anchorHolds(a.envelope, hiddenVersion!));
  const hiddenWindowStart =
    hiddenAnchor === null || hiddenAnchor < 0
      ? null
      : hiddenAnchor === 0
        ? -Infinity
        : layout.timeOf(garAnchors[hiddenAnchor - 1]!.at.block);
  for (const [i, at] of recordAt)
    if (hiddenWindowStart !== null && at >= hiddenWindowStart)
      fail(i, 'hidden-revocation', { check: 'grant.anchored', code: 'GRANT_HIDDEN' });
  const skippedLines = new Map<number, ExpectedFailure[]>();
  for (let i = 0; i < nRecords; i++) {
    const c = recordCluster(i);
    const e = eraOf(c, recordEra(i));
    if (e.skipped) {
      // Root skipped the era: what only a payout can show is skipped, for every record of it.
      skippedLines.set(
        i,
        SKIPPED_ERA_CHECKS.map((check) => ({ check, code: 'ERA_SKIPPED' }))
      );
      continue;
    }
    if (!e.paid) {
      // Never paid, a later era was: whatever needs the payout fails NOT_PAID.
      for (const check of [
        'attestation.payout',
        'settlement.paid',
        'conservation.balance',
        'conservation.fees',
        'settlement.payers.proof',
        'settlement.payers.entry',
        'settlement.payers.amount',
        'settlement.payees.proof',
        'settlement.payees.entry',
        'settlement.payees.amount',
      ])
        fail(i, 'era-not-paid', { check, code: 'NOT_PAID' });
      continue;
    }
    if (!e.quorum)
      fail(i, e.removed ? 'validator-removed' : 'quorum-not-reached', {
        check: 'attestation.quorum',
        code: 'QUORUM_NOT_MET',
      });
    e.votes.forEach((v, k) => {
      if (v.wrongEhd)
        fail(i, 'fingerprint-mismatch', {
          check: `attestation.fingerprint[${k}]`,
          code: 'ERA_MISMATCH',
        });
    });
    if (e.begin && !equalBytes(e.begin.fingerprint, e.fingerprint))
      fail(i, 'fingerprint-mismatch', {
        check: 'attestation.payout',
        code: 'FINGERPRINT_MISMATCH',
      });
    if (c.no === 1 && e.era === payoutFaultIndex + 1 && faults.has('payout-unbalanced'))
      fail(i, 'payout-unbalanced', { check: 'conservation.balance', code: 'NOT_BALANCED' });
    if (c.no === 1 && e.era === payoutFaultIndex + 1 && faults.has('wrong-mmr-proof')) {
      const customer = users[userOfRecord(plan, i)]!.id;
      if (firstPayers?.has(world.hex.get(customer)!))
        fail(i, 'wrong-mmr-proof', { check: 'settlement.payers.proof', code: 'PROOF_INVALID' });
    }
  }
  return skippedLines;
}

/** The generator's state that settling an era reads, and the vault it changes. */
interface SettleCtx extends Pick<
  ScenarioPlan,
  | 'seed'
  | 'nEras'
  | 'nValidators'
  | 'faults'
  | 'payoutFaultIndex'
  | 'unpaidEra'
  | 'specOfEra'
  | 'batchSizeOf'
  | 'skipEras'
> {
  readonly layout: Layout;
  readonly gCollector: Uint8Array;
  readonly users: readonly UserInfo[];
  readonly validators: readonly Identity[];
  readonly validatorSets: Array<{ members: Identity[]; at: Placed | null }>;
  readonly setValidators: (members: Identity[]) => void;
  readonly deposits: Map<number, bigint>;
  /** DdcPayouts' vault (see `scenarioSteps`), carried from one billing report to the next. */
  billingVault: bigint;
}

/** Receipt-design era, first step: its faults, payout lists and trees, and ids. */
function receiptEraBasics(
  x: SettleCtx,
  c: ClusterInfo,
  eraNo: number,
  eraIndex: number,
  chargeBy: Map<number, bigint>,
  costByNode: Map<number, bigint>
) {
  const { batchSizeOf, faults, gCollector, nEras, payoutFaultIndex, specOfEra, unpaidEra, users } =
    x;
  // In cluster 1, the first receipt-design era (era 1 by default) carries the payout faults, the
  // last era the attestation faults, the era before it (with era-not-paid) is never paid.
  // Cluster 2 is honest.
  const faulty = c.no === 1;
  const faultEra = faulty && eraIndex === payoutFaultIndex;
  const lastEra = faulty && eraIndex === nEras - 1;
  const spec = specOfEra(eraNo);
  const unpaid = faulty && eraIndex === unpaidEra;
  const { id: clusterId, hex: clusterHex, shares } = c;
  const fingerprintFault = lastEra && faults.has('fingerprint-mismatch');
  const removedFault = lastEra && faults.has('validator-removed');
  // Charges per user, fees by shares, rewards pro rata to each node's records (the verifier's
  // arithmetic: the indexer recomputes the same lists from the records).
  const { payers, payees, charged, fees, rewarded, notDistributed } = eraPayoutListsFromTotals(
    [...chargeBy].map(([u, amount]) => [users[u]!.id.publicKey, amount] as const),
    [...costByNode].map(([p, cost]) => [c.world.providers[p]!.publicKey, cost] as const),
    shares
  );
  const payerTree = payoutTree(payers, batchSizeOf(eraNo));
  const payeeTree = payoutTree(payees, batchSizeOf(eraNo));
  const { batches: payerBatches, batchRoots: payerRoots, root: payersRoot } = payerTree;
  const { batches: payeeBatches, batchRoots: payeeRoots, root: payeesRoot } = payeeTree;
  const ehd = ehdId(clusterId, gCollector, eraNo);
  const era = { clusterId: clusterHex, era: eraNo };
  const eraId = { clusterId: clusterHex, eraId: eraNo };
  return {
    faulty,
    faultEra,
    lastEra,
    spec,
    unpaid,
    clusterId,
    clusterHex,
    shares,
    fingerprintFault,
    removedFault,
    payers,
    payees,
    charged,
    fees,
    rewarded,
    notDistributed,
    payerBatches,
    payerRoots,
    payersRoot,
    payeeBatches,
    payeeRoots,
    payeesRoot,
    ehd,
    era,
    eraId,
  };
}

/** What `receiptEraBasics` found for one receipt-design era. */
type ReceiptEra = ReturnType<typeof receiptEraBasics>;

/** Receipt-design era, skipped by Root: the sudo call and the era's facts (no votes, no payout). */
function skipReceiptEra(x: SettleCtx, r: ReceiptEra, eraNo: number): EraInfo {
  const { layout, validatorSets } = x;
  const { clusterHex, clusterId, ehd, payeesRoot, payersRoot, payers, payees } = r;
  // Root skips the era: no votes, no payout; ClusterEraPaid comes from the skip alone.
  layout.next();
  const skip = layout.add({
    call: {
      pallet: 'Sudo',
      name: 'sudo',
      args: {
        call: {
          __kind: 'DdcVerification',
          value: { __kind: 'force_skip_inspection', clusterId: clusterHex, ehdId: ehd },
        },
      },
    },
    signer: DEVNET_SUDO,
    events: [
      ev('DdcClusters', 'ClusterEraPaid', { clusterId: clusterHex, eraId: eraNo }),
      ev('Sudo', 'Sudid', { sudoResult: { __kind: 'Ok' } }),
    ],
  });
  const setNow = validatorSets.at(-1)!;
  return {
    era: eraNo,
    design: 'receipt',
    billing: null,
    ehd,
    fingerprint: payoutFingerprint(clusterId, ehd, payersRoot, payeesRoot),
    votes: [],
    validatorSet: setNow,
    agreeing: 0,
    removed: null,
    payers,
    payees,
    payerBatches: [],
    payeeBatches: [],
    payerProofs: [],
    payeeProofs: [],
    payerPlaced: [],
    payeePlaced: [],
    eventAt: new Map(),
    conservation: null,
    begin: null,
    paid: { block: skip.block, eventIndex: skip.firstEvent },
    skipped: true,
    quorum: false,
  };
}

/** Receipt-design era, votes: each validator commits its payout fingerprint. */
function commitReceiptVotes(x: SettleCtx, r: ReceiptEra, c: ClusterInfo, eraNo: number) {
  const { faults, gCollector, layout, nValidators, seed, validators } = x;
  const { clusterHex, ehd, faultEra, fingerprintFault, payeesRoot, payersRoot, removedFault } = r;
  // Fingerprints: all but the last validator agree (each dissenter commits a different payees
  // root); with the quorum fault, one vote short of Cere's 67% threshold agrees. With
  // validator-removed exactly the threshold agrees, and one of them leaves the set before the
  // payout begins; with fingerprint-mismatch the last dissenter's ehd_id names another cluster.
  layout.next();
  const threshold = quorumThreshold(nValidators, 'cere67');
  const quorumFault = faultEra && faults.has('quorum-not-reached');
  const agreeing = quorumFault
    ? Math.max(0, threshold - 1)
    : removedFault
      ? threshold
      : Math.max(threshold, nValidators - 1);
  const otherCluster = blake2b256(utf8(`other-cluster/${seed}`)).slice(0, 20);
  const votes = validators.map((v, i) => {
    const agrees = i < agreeing;
    const pe = agrees
      ? payeesRoot
      : blake2b256(utf8(`dissent/${seed}/${clusterNames(c.no)}${eraNo}/${i}`));
    const wrongEhd = fingerprintFault && !agrees && i === nValidators - 1;
    const voteEhd = wrongEhd ? ehdId(otherCluster, gCollector, eraNo) : ehd;
    const placed = layout.add({
      call: {
        pallet: 'DdcPayouts',
        name: 'commit_payout_fingerprint',
        args: {
          clusterId: clusterHex,
          ehdId: voteEhd,
          payersRoot: toHex(payersRoot),
          payeesRoot: toHex(pe),
        },
      },
      signer: v,
      events: [
        ev('DdcPayouts', 'PayoutFingerprintCommited', {
          validatorId: toHex(v.publicKey),
          clusterId: clusterHex,
          eraId: eraNo,
          payersMerkleRoot: toHex(payersRoot),
          payeesMerkleRoot: toHex(pe),
        }),
      ],
    });
    return {
      validator: v.publicKey,
      payersRoot,
      payeesRoot: pe,
      ehdId: voteEhd,
      fingerprint: null,
      source: {
        block: placed.block,
        eventIndex: placed.firstEvent,
        extrinsic: `${placed.block}-${placed.extrinsic}`,
      },
      wrongEhd,
    };
  });
  return { agreeing, votes };
}

/** Receipt-design era, payers: the payout begins and the customers' batches are charged. */
function chargeReceiptPayers(
  x: SettleCtx,
  r: ReceiptEra,
  c: ClusterInfo,
  fingerprint: Uint8Array,
  v0: Identity
) {
  const { faults, layout } = x;
  const {
    clusterHex,
    era,
    eraId,
    faultEra,
    fees,
    fingerprintFault,
    payerBatches,
    payerRoots,
    spec,
  } = r;
  // With fingerprint-mismatch the payout begins with a fingerprint no quorum of this era
  // committed: the previous era's (Cere's begin_payout does not check which era it is for).
  const previous = c.eras.at(-1);
  const beginFingerprint = fingerprintFault
    ? (previous?.fingerprint ?? blake2b256(concatBytes(fingerprint, utf8('other'))))
    : fingerprint;
  layout.next();
  const begun = layout.add({
    call: {
      pallet: 'DdcPayouts',
      name: 'begin_payout',
      args: { ...eraId, fingerprint: toHex(beginFingerprint) },
    },
    signer: v0,
    events: [ev('DdcPayouts', 'PayoutInitialized', era)],
  });
  layout.add({
    call: {
      pallet: 'DdcPayouts',
      name: 'begin_charging_customers',
      args: { ...eraId, maxBatchIndex: payerBatches.length - 1 },
    },
    signer: v0,
    events: [ev('DdcPayouts', 'ChargingStarted', era)],
  });
  const eventAt = new Map<
    string,
    { block: number; eventIndex: number; amount: bigint; expected: bigint | null }
  >();
  const wrongProof = faultEra && faults.has('wrong-mmr-proof');
  const payerProofs = payerBatches.map((_, i) => {
    const proof = payoutBatchProof(payerRoots, i).map(toHex);
    if (wrongProof && i === 0)
      return proof.length === 0
        ? [toHex(blake2b256(utf8('bogus')))]
        : [mutateHex(proof[0]!), ...proof.slice(1)];
    return proof;
  });
  const payerPlaced = payerBatches.map((b, i) => {
    const placed = layout.add({
      call: {
        pallet: 'DdcPayouts',
        name: 'send_charging_customers_batch',
        args: {
          ...eraId,
          batchIndex: i,
          payers: b.map((e) => [toHex(e.account), e.amount]),
          batchProof: { proof: payerProofs[i]! },
        },
      },
      signer: v0,
      events: b.flatMap((e) => [
        ev('DdcCustomers', 'Charged', {
          clusterId: clusterHex,
          ownerId: toHex(e.account),
          charged: e.amount,
          [spec >= 73164 ? 'expected' : 'expectedToCharge']: e.amount,
        }),
        ev('DdcPayouts', 'Charged', {
          ...era,
          batchIndex: i,
          customerId: toHex(e.account),
          amount: e.amount,
        }),
      ]),
    });
    b.forEach((e, k) =>
      eventAt.set(`payers:${toHex(e.account)}`, {
        block: placed.block,
        eventIndex: placed.firstEvent + 2 * k + 1,
        amount: e.amount,
        expected: null,
      })
    );
    return placed;
  });
  const feeEvents = layout.add({
    call: { pallet: 'DdcPayouts', name: 'end_charging_customers', args: eraId },
    signer: v0,
    events: [
      ev('DdcPayouts', 'TreasuryFeesCollected', { ...era, amount: fees.treasury }),
      ev('DdcPayouts', 'ClusterReserveFeesCollected', { ...era, amount: fees.reserve }),
      ev('DdcPayouts', spec >= 73160 ? 'ValidatorsFeesCollected' : 'ValidatorFeesCollected', {
        ...era,
        amount: fees.validators,
      }),
      ev('DdcPayouts', 'ChargingFinished', era),
    ],
  });
  return { beginFingerprint, begun, eventAt, payerProofs, payerPlaced, feeEvents };
}

/** Receipt-design era, payees: the providers' batches are rewarded. */
function rewardReceiptPayees(
  x: SettleCtx,
  r: ReceiptEra,
  v0: Identity,
  eventAt: Map<
    string,
    { block: number; eventIndex: number; amount: bigint; expected: bigint | null }
  >
) {
  const { layout } = x;
  const { era, eraId, payeeBatches, payeeRoots } = r;
  layout.add({
    call: {
      pallet: 'DdcPayouts',
      name: 'begin_rewarding_providers',
      args: { ...eraId, maxBatchIndex: payeeBatches.length - 1 },
    },
    signer: v0,
    events: [ev('DdcPayouts', 'RewardingStarted', era)],
  });
  const payeeProofs = payeeBatches.map((_, i) => payoutBatchProof(payeeRoots, i).map(toHex));
  const payeePlaced = payeeBatches.map((b, i) => {
    const placed = layout.add({
      call: {
        pallet: 'DdcPayouts',
        name: 'send_rewarding_providers_batch',
        args: {
          ...eraId,
          batchIndex: i,
          payees: b.map((e) => [toHex(e.account), e.amount]),
          batchProof: { proof: payeeProofs[i]! },
        },
      },
      signer: v0,
      events: b.map((e) =>
        ev('DdcPayouts', 'Rewarded', {
          ...era,
          batchIndex: i,
          nodeProviderId: toHex(e.account),
          rewarded: e.amount,
          expectedToReward: e.amount,
        })
      ),
    });
    b.forEach((e, k) =>
      eventAt.set(`payees:${toHex(e.account)}`, {
        block: placed.block,
        eventIndex: placed.firstEvent + k,
        amount: e.amount,
        expected: null,
      })
    );
    return placed;
  });
  return { payeeProofs, payeePlaced };
}

/** Receipt-design era, end: the validators' fees, what was not distributed, end_payout. */
function endReceiptPayout(x: SettleCtx, r: ReceiptEra, eraNo: number, v0: Identity) {
  const { faults, layout, nValidators, validators } = x;
  const { clusterHex, era, eraId, faultEra, fees, notDistributed, rewarded, spec } = r;
  // The validators' fee goes to every staker pro rata (equal stakes here); rounding to the first.
  const each = fees.validators / BigInt(nValidators);
  const unbalanced = faultEra && faults.has('payout-unbalanced');
  // Cere reports the remainder only above MaxDust; below, it stays in the vault as dust
  // (docs/cere-runtimes.md §13.3). With the fault, the chain reports one planck more as not
  // distributed than was left over.
  const reportedNotDistributed = unbalanced
    ? notDistributed + 1n
    : notDistributed > MAX_DUST
      ? notDistributed
      : 0n;
  // From 73160 the chain emits no per-validator reward event (docs/cere-runtimes.md §7.3).
  const endRewardEvents: EventSpec[] =
    spec >= 73160
      ? []
      : validators.map((v, i) =>
          ev('DdcPayouts', 'ValidatorRewarded', {
            ...era,
            validatorId: toHex(v.publicKey),
            amount: i === 0 ? fees.validators - each * BigInt(nValidators - 1) : each,
          })
        );
  if (reportedNotDistributed > 0n)
    endRewardEvents.push(
      ev('DdcPayouts', 'NotDistributedOverallReward', {
        ...era,
        expectedReward: rewarded + reportedNotDistributed,
        totalDistributedRewards: rewarded,
      })
    );
  endRewardEvents.push(ev('DdcPayouts', 'RewardingFinished', era));
  layout.add({
    call: { pallet: 'DdcPayouts', name: 'end_rewarding_providers', args: eraId },
    signer: v0,
    events: endRewardEvents,
  });
  layout.next();
  const paidBlock = layout.height;
  const paid = layout.add({
    call: { pallet: 'DdcPayouts', name: 'end_payout', args: eraId },
    signer: v0,
    events: [
      ev('DdcPayouts', 'PayoutReceiptFinalized', { ...era, finalizedAt: paidBlock }),
      ev('DdcClusters', 'ClusterEraPaid', { clusterId: clusterHex, eraId: eraNo }),
    ],
  });
  return { reportedNotDistributed, paid };
}

/** One receipt-design era of a cluster: votes, payout batches, events, the era's facts. */
function settleEra(
  x: SettleCtx,
  c: ClusterInfo,
  eraNo: number,
  eraIndex: number,
  chargeBy: Map<number, bigint>,
  costByNode: Map<number, bigint>
): EraInfo {
  const { setValidators, skipEras, validatorSets, validators } = x;
  const r = receiptEraBasics(x, c, eraNo, eraIndex, chargeBy, costByNode);
  const { clusterId, ehd, faulty, fees, payeesRoot, payersRoot, removedFault, unpaid, payers } = r;
  const { payees, payerBatches, payeeBatches, charged, rewarded, shares } = r;
  if (c.no === 2 && skipEras.has(eraNo)) return skipReceiptEra(x, r, eraNo);

  const { agreeing, votes } = commitReceiptVotes(x, r, c, eraNo);
  const v0 = validators[0]!;
  const fingerprint = payoutFingerprint(clusterId, ehd, payersRoot, payeesRoot);
  // A session change before the payout: an agreeing validator leaves the set.
  let removed: Identity | null = null;
  if (removedFault) {
    removed = validators[agreeing - 1]!;
    setValidators(validators.filter((v) => v !== removed));
  }
  const setAtPayout = validatorSets.at(-1)!;
  // The quorum as the verifier counts it: agreeing votes of members of the set in force when
  // the payout began (a vote whose ehd_id names another cluster does not count).
  const counted = votes.filter(
    (v, k) => k < agreeing && !v.wrongEhd && setAtPayout.members.includes(validators[k]!)
  ).length;
  const quorum = counted >= quorumThreshold(setAtPayout.members.length, 'cere67');
  if (!faulty && !quorum) throw new Error(`cluster ${c.no}, era ${eraNo}: no quorum`);
  const base = {
    era: eraNo,
    design: 'receipt' as const,
    billing: null,
    ehd,
    votes,
    validatorSet: setAtPayout,
    agreeing: counted,
    removed,
    fingerprint,
  };
  if (unpaid) {
    // The era is never paid: no payout begins, and a later era is paid instead.
    return {
      ...base,
      payerBatches: [],
      payeeBatches: [],
      payerProofs: [],
      payeeProofs: [],
      payerPlaced: [],
      payeePlaced: [],
      eventAt: new Map(),
      payers,
      payees,
      conservation: null,
      begin: null,
      paid: null,
      skipped: false,
      quorum,
    };
  }
  const { beginFingerprint, begun, eventAt, payerProofs, payerPlaced, feeEvents } =
    chargeReceiptPayers(x, r, c, fingerprint, v0);
  const { payeeProofs, payeePlaced } = rewardReceiptPayees(x, r, v0, eventAt);
  const { reportedNotDistributed, paid } = endReceiptPayout(x, r, eraNo, v0);
  return {
    ...base,
    payers,
    payees,
    payerBatches,
    payeeBatches,
    payerProofs,
    payeeProofs,
    payerPlaced,
    payeePlaced,
    eventAt,
    conservation: {
      charged,
      treasuryFees: fees.treasury,
      reserveFees: fees.reserve,
      validatorFees: fees.validators,
      rewarded,
      notDistributed: reportedNotDistributed,
      shares,
      source: { block: feeEvents.block, eventIndex: feeEvents.firstEvent },
    },
    begin: { fingerprint: beginFingerprint, at: begun },
    paid: { block: paid.block, eventIndex: paid.firstEvent + 1 },
    skipped: false,
    quorum,
  };
}

/** Billing-report era, first step: its ids, pricing, usage lists, batch roots and fingerprint. */
function billingEraBasics(
  x: SettleCtx,
  c: ClusterInfo,
  eraNo: number,
  usageByUser: Map<number, BillingUsage>,
  usageByNode: Map<number, BillingUsage>,
  window: { readonly startEra: bigint; readonly endEra: bigint }
) {
  const { batchSizeOf, gCollector, users } = x;
  const { id: clusterId, hex: clusterHex, shares } = c;
  const { startEra, endEra } = window;
  const batchSize = batchSizeOf(eraNo);
  const ehd = ehdId(clusterId, gCollector, eraNo);
  const era = { clusterId: clusterHex, era: eraNo };
  const eraId = { clusterId: clusterHex, eraId: eraNo };
  const pricing: ClusterPricing = {
    unitPerMbStored: c.world.pricing.perMbStored,
    unitPerMbStreamed: c.world.pricing.perMbStreamed,
    unitPerPutRequest: c.world.pricing.perPut,
    unitPerGetRequest: c.world.pricing.perGet,
  };
  // Payers: one (bucket, usage) per customer bucket with records, by bucket id (each customer
  // has one bucket, so Rust's derived Ord on (bucket_id, usage) is the bucket order). Payees: one
  // (node, usage) per node that served records, by key (the encoded NodePubKey is 0x00 ‖ key).
  const payerList = [...usageByUser]
    .map(([u, usage]) => ({ key: users[u]!.bucket, account: users[u]!.id.publicKey, usage, u }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const payeeList = [...usageByNode]
    .map(([p, usage]) => ({
      key: c.world.nodes[p]!.publicKey,
      hex: toHex(c.world.nodes[p]!.publicKey),
      account: c.world.providers[p]!.publicKey,
      usage,
    }))
    .sort((a, b) => (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0));
  const clusterUsage = payeeList.reduce((sum, e) => sumUsage(sum, e.usage), ZERO_USAGE);
  const chunk = <T>(list: readonly T[]): T[][] => {
    const out: T[][] = [];
    for (let k = 0; k < list.length; k += batchSize) out.push(list.slice(k, k + batchSize));
    return out;
  };
  const payerChunks = chunk(payerList);
  const payeeChunks = chunk(payeeList);
  const payerRoots = payerChunks.map((b) => batchRoot(b.map((e) => payersLeaf(e.key, e.usage))));
  const payeeRoots = payeeChunks.map((b) => batchRoot(b.map((e) => payeesLeaf(e.key, e.usage))));
  const payersRoot = eraRoot(payerRoots);
  const payeesRoot = eraRoot(payeeRoots);
  const fingerprint = billingFingerprint({
    clusterId,
    era: eraNo,
    startEra,
    endEra,
    payersRoot,
    payeesRoot,
    clusterUsage,
  });
  const usageArg = (u: BillingUsage) => ({
    transferredBytes: u.transferredBytes,
    storedBytes: u.storedBytes,
    numberOfPuts: u.numberOfPuts,
    numberOfGets: u.numberOfGets,
  });
  const billingVote = { era: eraNo, startEra, endEra, clusterUsage };
  return {
    clusterId,
    clusterHex,
    shares,
    startEra,
    endEra,
    batchSize,
    ehd,
    era,
    eraId,
    pricing,
    payerList,
    payeeList,
    clusterUsage,
    payerChunks,
    payeeChunks,
    payerRoots,
    payeeRoots,
    payersRoot,
    payeesRoot,
    fingerprint,
    usageArg,
    billingVote,
  };
}

/** What `billingEraBasics` found for one billing-report era. */
type BillingEra = ReturnType<typeof billingEraBasics>;

/** Billing-report era, skipped by Root: only ClusterEraPaid, and the era's facts. */
function skipBillingEra(x: SettleCtx, r: BillingEra, eraNo: number): EraInfo {
  const { layout, validatorSets } = x;
  const { clusterHex, eraId, ehd, fingerprint } = r;
  // Root skips the era (71000's form, DdcVerification C13): only ClusterEraPaid.
  layout.next();
  const skip = layout.add({
    call: {
      pallet: 'Sudo',
      name: 'sudo',
      args: {
        call: {
          __kind: 'DdcVerification',
          value: { __kind: 'skip_dac_validation_to_era', ...eraId },
        },
      },
    },
    signer: DEVNET_SUDO,
    events: [
      ev('DdcClusters', 'ClusterEraPaid', { clusterId: clusterHex, eraId: eraNo }),
      ev('Sudo', 'Sudid', { sudoResult: { __kind: 'Ok' } }),
    ],
  });
  return {
    era: eraNo,
    design: 'billing-report',
    billing: null,
    ehd,
    fingerprint,
    votes: [],
    validatorSet: validatorSets.at(-1)!,
    agreeing: 0,
    removed: null,
    payers: [],
    payees: [],
    payerBatches: [],
    payeeBatches: [],
    payerProofs: [],
    payeeProofs: [],
    payerPlaced: [],
    payeePlaced: [],
    eventAt: new Map(),
    conservation: null,
    begin: null,
    paid: { block: skip.block, eventIndex: skip.firstEvent },
    skipped: true,
    quorum: false,
  };
}

/** Billing-report era, votes: every validator commits the billing fingerprint. */
function commitBillingVotes(x: SettleCtx, r: BillingEra, eraNo: number) {
  const { layout, validators } = x;
  const { billingVote, clusterHex, clusterUsage, eraId, payeesRoot, payersRoot, usageArg } = r;
  const { startEra, endEra } = r;
  // Every validator commits the same fingerprint (no fault lands on a billing-report era).
  layout.next();
  const votes = validators.map((v) => {
    const placed = layout.add({
      call: {
        pallet: 'DdcVerification',
        name: 'commit_billing_fingerprint',
        args: {
          ...eraId,
          startEra,
          endEra,
          payersRoot: toHex(payersRoot),
          payeesRoot: toHex(payeesRoot),
          clusterUsage: usageArg(clusterUsage),
        },
      },
      signer: v,
      events: [
        ev('DdcPayouts', 'BillingFingerprintCommited', {
          validatorId: toHex(v.publicKey),
          clusterId: clusterHex,
          eraId: eraNo,
          startEra,
          endEra,
          payersMerkleRoot: toHex(payersRoot),
          payeesMerkleRoot: toHex(payeesRoot),
        }),
      ],
    });
    return {
      validator: v.publicKey,
      payersRoot,
      payeesRoot,
      ehdId: null,
      fingerprint: null,
      source: {
        block: placed.block,
        eventIndex: placed.firstEvent,
        extrinsic: `${placed.block}-${placed.extrinsic}`,
      },
      billing: billingVote,
      wrongEhd: false,
    };
  });
  return votes;
}

/** Billing-report era, payers: the report begins and the customers' usage batches are charged. */
function chargeBillingPayers(
  x: SettleCtx,
  r: BillingEra,
  c: ClusterInfo,
  eraNo: number,
  v0: Identity
) {
  const { deposits, layout } = x;
  const {
    clusterHex,
    endEra,
    era,
    eraId,
    fingerprint,
    payerChunks,
    payerRoots,
    pricing,
    startEra,
    usageArg,
  } = r;

  layout.next();
  const begun = layout.add({
    call: {
      pallet: 'DdcVerification',
      name: 'begin_billing_report',
      args: { ...eraId, fingerprint: toHex(fingerprint) },
    },
    signer: v0,
    events: [ev('DdcPayouts', 'BillingReportInitialized', era)],
  });
  layout.add({
    call: {
      pallet: 'DdcVerification',
      name: 'begin_charging_customers',
      args: { ...eraId, maxBatchIndex: payerChunks.length - 1 },
    },
    signer: v0,
    events: [ev('DdcPayouts', 'ChargingStarted', era)],
  });
  const eventAt = new Map<
    string,
    { block: number; eventIndex: number; amount: bigint; expected: bigint | null }
  >();
  // Charging: the chain prices each bucket's usage over the window; every customer's deposit
  // covers it (the honest demo has no ChargeFailed).
  let total: CustomerCharge = ZERO_CHARGE;
  const payerProofs = payerChunks.map((_, k) => payoutBatchProof(payerRoots, k));
  const payerBatches: BillingEntry[][] = [];
  const payerPlaced = payerChunks.map((b, k) => {
    const entries = b.map((e): BillingEntry => {
      const charge = unwrap(customerCharge(pricing, e.usage, startEra, endEra), 'charge');
      const expected = unwrap(totalCharge(charge), 'charge');
      const left = deposits.get(e.u) ?? 0n;
      if (left < expected)
        throw new Error(`cluster ${c.no}, era ${eraNo}: bucket ${e.key} cannot pay ${expected}`);
      deposits.set(e.u, left - expected);
      const outcome = unwrap(chargeBucket(charge, expected), 'charge');
      total = unwrap(addCharges(total, outcome.added), 'total charge');
      return {
        key: e.key,
        account: e.account,
        usage: e.usage,
        expected,
        amount: outcome.charged,
      };
    });
    payerBatches.push(entries);
    const placed = layout.add({
      call: {
        pallet: 'DdcVerification',
        name: 'send_charging_customers_batch',
        args: {
          ...eraId,
          batchIndex: k,
          payers: entries.map((e) => [e.key, usageArg(e.usage)]),
          batchProof: { proof: payerProofs[k]!.map(toHex) },
        },
      },
      signer: v0,
      events: entries.flatMap((e) => [
        ev('DdcCustomers', 'Charged', {
          ownerId: toHex(e.account),
          charged: e.amount,
          expectedToCharge: e.expected,
        }),
        ev('DdcPayouts', 'Charged', {
          ...era,
          batchIndex: k,
          customerId: toHex(e.account),
          bucketId: e.key,
          amount: e.amount,
        }),
        ev('DdcCustomers', 'BucketTotalCustomersUsageUpdated', {
          clusterId: clusterHex,
          bucketId: e.key,
          ...usageArg(e.usage),
        }),
      ]),
    });
    entries.forEach((e, j) =>
      eventAt.set(`payers:${toHex(e.account)}`, {
        block: placed.block,
        eventIndex: placed.firstEvent + 3 * j + 1,
        amount: e.amount,
        expected: null,
      })
    );
    return placed;
  });
  return { begun, eventAt, total, payerProofs, payerBatches, payerPlaced };
}

/** Billing-report era, fees: the report's fees and the validators' rewards, end of charging. */
function billingFeeEvents(
  x: SettleCtx,
  r: BillingEra,
  total: CustomerCharge,
  setAtPayout: { members: Identity[]; at: Placed | null },
  v0: Identity
) {
  const { layout } = x;
  const { era, eraId, payeeChunks, shares } = r;
  // Fees on the report's total; the validators' share split by equal scores, in the list's order.
  const fees = unwrap(billingFees(total, shares), 'fees');
  const stakers = setAtPayout.members;
  const split =
    fees.validators > 0n
      ? validatorFeeSplit(
          fees.validators,
          stakers.map(() => 1n)
        )
      : [];
  const feeEvents: EventSpec[] = [ev('DdcPayouts', 'ChargingFinished', era)];
  if (fees.treasury > 0n)
    feeEvents.push(ev('DdcPayouts', 'TreasuryFeesCollected', { ...era, amount: fees.treasury }));
  if (fees.clusterReserve > 0n)
    feeEvents.push(
      ev('DdcPayouts', 'ClusterReserveFeesCollected', { ...era, amount: fees.clusterReserve })
    );
  const validatorRewardAt = feeEvents.length;
  split.forEach((amount, k) =>
    feeEvents.push(
      ev('DdcPayouts', 'ValidatorRewarded', {
        ...era,
        validatorId: toHex(stakers[k]!.publicKey),
        amount,
      })
    )
  );
  if (fees.validators > 0n)
    feeEvents.push(ev('DdcPayouts', 'ValidatorFeesCollected', { ...era, amount: fees.validators }));
  const feesAt = layout.add({
    call: { pallet: 'DdcVerification', name: 'end_charging_customers', args: eraId },
    signer: v0,
    events: feeEvents,
  });
  const validatorRewards = split.map((amount, k) => ({
    validator: stakers[k]!.publicKey,
    amount,
    block: feesAt.block,
    eventIndex: feesAt.firstEvent + validatorRewardAt + k,
  }));
  const validatorsPaid = split.reduce((a, b) => a + b, 0n);

  layout.add({
    call: {
      pallet: 'DdcVerification',
      name: 'begin_rewarding_providers',
      args: { ...eraId, maxBatchIndex: payeeChunks.length - 1 },
    },
    signer: v0,
    events: [ev('DdcPayouts', 'RewardingStarted', era)],
  });
  return { fees, feeEvents, feesAt, validatorRewards, validatorsPaid };
}

/** Billing-report era, payees: the providers' usage batches are rewarded from the vault. */
function rewardBillingPayees(
  x: SettleCtx,
  r: BillingEra,
  fees: ReturnType<typeof billingFeeEvents>['fees'],
  validatorsPaid: bigint,
  v0: Identity,
  eventAt: Map<
    string,
    { block: number; eventIndex: number; amount: bigint; expected: bigint | null }
  >
) {
  const { layout } = x;
  const { clusterUsage, era, eraId, payeeChunks, payeeRoots, usageArg } = r;
  // Rewards: each node's share of the after-fee total, per component, against the fingerprint's
  // cluster usage, capped by what the vault can transfer (`x.billingVault`).
  x.billingVault += fees.totalCharged - fees.treasury - fees.clusterReserve - validatorsPaid;
  let distributed = 0n;
  const payeeProofs = payeeChunks.map((_, k) => payoutBatchProof(payeeRoots, k));
  const payeeBatches: BillingEntry[][] = [];
  const payeePlaced = payeeChunks.map((b, k) => {
    const events: EventSpec[] = [];
    const rewardAt: number[] = [];
    const entries = b.map((e): BillingEntry => {
      const reward = providerReward(e.usage, clusterUsage, fees.remaining);
      const payout = unwrap(providerPayout(reward, x.billingVault), 'reward');
      x.billingVault -= payout.rewarded;
      distributed += payout.rewarded;
      if (payout.notDistributedEvent)
        events.push(
          ev('DdcPayouts', 'NotDistributedReward', {
            ...era,
            batchIndex: k,
            nodeProviderId: toHex(e.account),
            expectedReward: payout.expected,
            distributedReward: payout.rewarded,
          })
        );
      rewardAt.push(events.length);
      events.push(
        ev('DdcPayouts', 'Rewarded', {
          ...era,
          batchIndex: k,
          nodeProviderId: toHex(e.account),
          rewarded: payout.rewarded,
          expectedToReward: payout.expected,
        }),
        ev('DdcNodes', 'NodeTotalUsageUpdated', {
          nodePubKey: { __kind: 'StoragePubKey', value: toHex(e.key) },
          ...usageArg(e.usage),
        })
      );
      return {
        key: e.key,
        account: e.account,
        usage: e.usage,
        expected: payout.expected,
        amount: payout.rewarded,
      };
    });
    payeeBatches.push(entries);
    const placed = layout.add({
      call: {
        pallet: 'DdcVerification',
        name: 'send_rewarding_providers_batch',
        args: {
          ...eraId,
          batchIndex: k,
          payees: entries.map((e) => [
            { __kind: 'StoragePubKey', value: toHex(e.key as Uint8Array) },
            usageArg(e.usage),
          ]),
          batchProof: { proof: payeeProofs[k]!.map(toHex) },
        },
      },
      signer: v0,
      events,
    });
    entries.forEach((e, j) =>
      eventAt.set(`payees:${toHex(e.account)}`, {
        block: placed.block,
        eventIndex: placed.firstEvent + rewardAt[j]!,
        amount: e.amount,
        expected: e.amount === e.expected ? null : e.expected,
      })
    );
    return placed;
  });
  return { distributed, payeeProofs, payeeBatches, payeePlaced };
}

/** Billing-report era, end: what was not distributed, end of rewarding, end_billing_report. */
function endBillingReport(
  x: SettleCtx,
  r: BillingEra,
  eraNo: number,
  fees: ReturnType<typeof billingFeeEvents>['fees'],
  distributed: bigint,
  v0: Identity
) {
  const { layout } = x;
  const { clusterHex, era, eraId } = r;
  const overall = unwrap(overallRewardCheck(fees.remaining, distributed), 'overall reward');
  const endRewardEvents: EventSpec[] = [];
  if (overall.notDistributedEvent)
    endRewardEvents.push(
      ev('DdcPayouts', 'NotDistributedOverallReward', {
        ...era,
        expectedReward: overall.expected,
        totalDistributedReward: distributed,
      })
    );
  endRewardEvents.push(ev('DdcPayouts', 'RewardingFinished', era));
  const rewardsEnd = layout.add({
    call: { pallet: 'DdcVerification', name: 'end_rewarding_providers', args: eraId },
    signer: v0,
    events: endRewardEvents,
  });
  layout.next();
  const paid = layout.add({
    call: { pallet: 'DdcVerification', name: 'end_billing_report', args: eraId },
    signer: v0,
    events: [
      ev('DdcPayouts', 'BillingReportFinalized', era),
      ev('DdcClusters', 'ClusterEraPaid', { clusterId: clusterHex, eraId: eraNo }),
    ],
  });
  const notDistributed = overall.notDistributedEvent
    ? {
        expected: overall.expected,
        distributed,
        block: rewardsEnd.block,
        eventIndex: rewardsEnd.firstEvent,
      }
    : null;
  return { overall, paid, notDistributed };
}

/**
 * Settles cluster `c`'s era `eraNo` under the billing-report runtime 71000
 * (.scratch/billing-contract.md; BN `pallets/ddc-payouts/src/lib.rs @b3fd400687f1` l.712-1305,
 * `pallets/ddc-verification/src/lib.rs` l.3553-3861): every validator commits the same billing
 * fingerprint, one begins the report, the payers' and payees' usage batches go out with their
 * MMR proofs, and the chain prices them itself (verifier/billing-report.ts). Events in the
 * pallets' own order: per payer `DdcCustomers.Charged`, `DdcPayouts.Charged`,
 * `DdcCustomers.BucketTotalCustomersUsageUpdated`; `end_charging_customers` deposits
 * `ChargingFinished` first, then the fees, the validators' `ValidatorRewarded` (inside
 * `charge_validator_fees`) before `ValidatorFeesCollected`; per payee `Rewarded` then
 * `DdcNodes.NodeTotalUsageUpdated`; `end_billing_report` emits `BillingReportFinalized` and
 * `DdcClusters.ClusterEraPaid`. Balances transfers are not emitted (as for the receipt design).
 */
function settleBillingEra(
  x: SettleCtx,
  c: ClusterInfo,
  eraNo: number,
  usageByUser: Map<number, BillingUsage>,
  usageByNode: Map<number, BillingUsage>,
  window: { readonly startEra: bigint; readonly endEra: bigint }
): EraInfo {
  const { skipEras, validatorSets, validators } = x;
  const r = billingEraBasics(x, c, eraNo, usageByUser, usageByNode, window);
  const { startEra, endEra, pricing, shares, clusterUsage, payersRoot, payeesRoot } = r;
  const { ehd, fingerprint } = r;
  if (c.no === 2 && skipEras.has(eraNo)) return skipBillingEra(x, r, eraNo);

  const votes = commitBillingVotes(x, r, eraNo);
  const setAtPayout = validatorSets.at(-1)!;
  const agreeing = votes.filter((v) =>
    setAtPayout.members.some((m) => equalBytes(m.publicKey, v.validator))
  ).length;
  const quorum = agreeing >= quorumThreshold(setAtPayout.members.length, 'cere67');
  if (!quorum) throw new Error(`cluster ${c.no}, era ${eraNo}: no quorum`);
  const v0 = validators[0]!;
  const { begun, eventAt, total, payerProofs, payerBatches, payerPlaced } = chargeBillingPayers(
    x,
    r,
    c,
    eraNo,
    v0
  );
  const { fees, feeEvents, feesAt, validatorRewards, validatorsPaid } = billingFeeEvents(
    x,
    r,
    total,
    setAtPayout,
    v0
  );
  const { distributed, payeeProofs, payeeBatches, payeePlaced } = rewardBillingPayees(
    x,
    r,
    fees,
    validatorsPaid,
    v0,
    eventAt
  );
  const { overall, paid, notDistributed } = endBillingReport(x, r, eraNo, fees, distributed, v0);
  return {
    era: eraNo,
    design: 'billing-report',
    billing: {
      startEra,
      endEra,
      pricing,
      shares,
      clusterUsage,
      payersRoot,
      payeesRoot,
      payerBatches,
      payeeBatches,
      payerProofs,
      payeeProofs,
      payerPlaced,
      payeePlaced,
      totalCharge: total,
      fees,
      feesAt,
      validatorRewards,
      distributed,
      notDistributed,
    },
    ehd,
    fingerprint,
    votes,
    validatorSet: setAtPayout,
    agreeing,
    removed: null,
    // The receipt design's (account, amount) lists do not exist here; see `billing`.
    payers: [],
    payees: [],
    payerBatches: [],
    payeeBatches: [],
    payerProofs: [],
    payeeProofs: [],
    payerPlaced: [],
    payeePlaced: [],
    eventAt,
    conservation: {
      charged: fees.totalCharged,
      treasuryFees: fees.treasury,
      reserveFees: fees.clusterReserve,
      validatorFees: fees.validators,
      rewarded: distributed,
      notDistributed: notDistributed ? overall.difference : 0n,
      shares,
      // The first fee event (`ChargingFinished` precedes it), else `ChargingFinished`.
      source: {
        block: feesAt.block,
        eventIndex: feesAt.firstEvent + (feeEvents.length > 1 ? 1 : 0),
      },
    },
    begin: { fingerprint, at: begun },
    paid: { block: paid.block, eventIndex: paid.firstEvent + 1 },
    skipped: false,
    quorum,
  };
}

/** What a record's receipt bundle is cut from: the world, the chain's layout, eras and anchors. */
interface BundleSources {
  readonly nRecords: number;
  readonly batches: readonly BatchInfo[];
  readonly batchOf: Int32Array;
  readonly clusters: readonly ClusterInfo[];
  readonly users: readonly UserInfo[];
  readonly plan: RecordPlan;
  readonly world: RecordWorld;
  readonly payloads: PayloadStore;
  readonly layout: Layout;
  readonly garAnchors: ReadonlyArray<{ envelope: Uint8Array; pairs: Set<string>; at: Placed }>;
  readonly garAnchorer: Identity;
  readonly membership: ReadonlyMap<string, Array<{ kind: 'added' | 'removed'; at: Placed }>>;
  readonly nodeOwner: ReadonlyMap<string, { provider: Identity; at: Placed }>;
  readonly recordIdOf: (i: number) => string;
  readonly batchSizeOf: (eraNo: number) => number;
}

/** A chain item's source: block, event index (`k` past the first) and extrinsic, if any. */
const at = (p: Placed, k = 0) => ({
  block: p.block,
  eventIndex: p.firstEvent + k,
  ...(p.extrinsic >= 0 ? { extrinsic: `${p.block}-${p.extrinsic}` } : {}),
});
const hex32 = (h: string): Uint8Array => parseHex(h, 32)!;

/** A billing-report side as its receipt carries it: every batch's usage entries, by index. */
const usageSide = (batches: BillingEntry[][]): UsageSide => ({
  maxBatchIndex: batches.length - 1,
  batches: batches.map((b) => b.map((x) => ({ key: x.key, usage: x.usage }))),
});

/**
 * An account's side of a billing-report era: the batch listing its bucket (payers) or node
 * (payees), with the account's `Charged` / `Rewarded` event.
 */
function billingSide(
  e: EraInfo,
  side: 'payers' | 'payees',
  who: Uint8Array
): BillingBatchEvidence | null {
  const bi = e.billing!;
  const list = side === 'payers' ? bi.payerBatches : bi.payeeBatches;
  const proofs = side === 'payers' ? bi.payerProofs : bi.payeeProofs;
  const placed = side === 'payers' ? bi.payerPlaced : bi.payeePlaced;
  const mine = (x: BillingEntry) => equalBytes(x.account, who);
  const idx = list.findIndex((b) => b.some(mine));
  if (idx < 0) return null;
  const ev = e.eventAt.get(`${side}:${toHex(who)}`);
  return {
    batchIndex: idx,
    maxBatchIndex: list.length - 1,
    entries: list[idx]!.map((x) => ({ key: x.key, usage: x.usage })),
    keys: list
      .flat()
      .filter(mine)
      .map((x) => x.key),
    proof: proofs[idx]!,
    events: ev
      ? [
          {
            account: who,
            amount: ev.amount,
            expected: ev.expected,
            source: { block: ev.block, eventIndex: ev.eventIndex },
          },
        ]
      : [],
    source: {
      block: placed[idx]!.block,
      extrinsic: `${placed[idx]!.block}-${placed[idx]!.extrinsic}`,
    },
  };
}

/** An account's side of the era's settlement: its payout batch, proof and event. */
function settlementSide(
  e: EraInfo,
  side: 'payers' | 'payees',
  who: Uint8Array
): BatchEvidence | BillingBatchEvidence | null {
  if (e.billing) return billingSide(e, side, who);
  const list = side === 'payers' ? e.payerBatches : e.payeeBatches;
  const proofs = side === 'payers' ? e.payerProofs : e.payeeProofs;
  const placed = side === 'payers' ? e.payerPlaced : e.payeePlaced;
  const whoHex = toHex(who);
  const idx = list.findIndex((x) => x.some((y) => toHex(y.account) === whoHex));
  if (idx < 0) return null;
  const ev = e.eventAt.get(`${side}:${whoHex}`)!;
  return {
    batchIndex: idx,
    maxBatchIndex: list.length - 1,
    entries: list[idx]!,
    proof: proofs[idx]!.map(hex32),
    events: [
      {
        account: who,
        amount: ev.amount,
        expected: ev.expected,
        source: { block: ev.block, eventIndex: ev.eventIndex },
      },
    ],
    source: {
      block: placed[idx]!.block,
      extrinsic: `${placed[idx]!.block}-${placed[idx]!.extrinsic}`,
    },
  };
}

/** The grant links of a record: its user's grant versions and the GAR anchors that list them. */
function grantLinks(src: BundleSources, chain: BundleChainContext, user: UserInfo) {
  const { layout, garAnchors, garAnchorer } = src;
  const garBase = chain.garUrl ?? 'gar:';
  const final = (block: number) => block <= chain.finalizedHeight;
  const pair = toHex(garPairId(user.id.publicKey, user.agent.publicKey));
  const garList = garAnchors.map((a, k) => ({
    a,
    previousAt: k === 0 ? null : layout.timeOf(garAnchors[k - 1]!.at.block),
  }));
  return {
    versions: user.versions.map((v, k) => ({
      payload: v.payload,
      signature: v.signature,
      source: {
        url: `${garBase}/api/v1/agreements/${toHex(user.id.publicKey)}/${toHex(user.agent.publicKey)}#${k}`,
      },
    })),
    anchors: garList
      .filter(({ a }) => a.pairs.has(pair))
      .map(({ a, previousAt }) => ({
        envelope: a.envelope,
        remarkHash: blake2b256(a.envelope),
        sender: garAnchorer.publicKey,
        block: {
          number: a.at.block,
          hash: chain.hashAt(a.at.block),
          finalized: final(a.at.block),
          timestamp: layout.timeOf(a.at.block),
        },
        previousAt,
        source: at(a.at),
      })),
    anchorKey: garAnchorer.publicKey,
    complete: true,
    error: null,
  };
}

/** The era evidence of a record: validators, votes, payout, activity, payment, conservation. */
function eraEvidence(src: BundleSources, c: ClusterInfo, e: EraInfo) {
  const { id: clusterId, shares } = c;
  const laterPaid = c.eras.find((x) => x.era > e.era && x.paid);
  return {
    clusterId,
    era: e.era,
    validatorSet: {
      members: e.validatorSet.members.map((v) => v.publicKey),
      // A set 71000 keeps in storage is read where the payout began, as the indexer does.
      ...(e.validatorSet.at
        ? { source: at(e.validatorSet.at) }
        : e.begin
          ? { source: { block: e.begin.at.block } }
          : {}),
    },
    votes: e.votes.map(({ wrongEhd: _w, ...v }) => v),
    payout: e.begin
      ? {
          fingerprint: e.begin.fingerprint,
          source: {
            block: e.begin.at.block,
            extrinsic: `${e.begin.at.block}-${e.begin.at.extrinsic}`,
          },
        }
      : null,
    activity: e.billing
      ? null
      : { batchSize: src.batchSizeOf(e.era), payers: e.payers, payees: e.payees },
    ...(e.billing
      ? {
          design: 'billing-report' as const,
          billing: {
            pricing: e.billing.pricing,
            payers: usageSide(e.billing.payerBatches),
            payees: usageSide(e.billing.payeeBatches),
          },
        }
      : {}),
    paid: e.paid,
    ...(e.skipped ? { skipped: true } : {}),
    superseded:
      !e.paid && laterPaid
        ? {
            era: laterPaid.era,
            source: { block: laterPaid.paid!.block, eventIndex: laterPaid.paid!.eventIndex },
          }
        : null,
    conservation: e.conservation ?? {
      charged: 0n,
      treasuryFees: 0n,
      reserveFees: 0n,
      validatorFees: 0n,
      rewarded: 0n,
      notDistributed: 0n,
      shares,
    },
  };
}

/** Record `i`'s receipt bundle, given the built chain's hashes and finalized height. */
function scenarioBundle(
  src: BundleSources,
  i: number,
  chain: BundleChainContext
): ReceiptBundleJson {
  const { nRecords, batches, batchOf, users, plan, world, payloads, layout } = src;
  const { membership, nodeOwner, recordIdOf } = src;
  if (!Number.isInteger(i) || i < 0 || i >= nRecords) throw new RangeError(`no record ${i}`);
  const b = batches[batchOf[i]!]!;
  const c = src.clusters[b.cluster - 1]!;
  const { id: clusterId, manager } = c;
  const cNodes = c.world.nodes;
  const e = c.eras.find((x) => x.era === b.era)!;
  const user = users[c.userBase + userOfRecord(c.world.plan, i)]!;
  const provider = c.world.providers[i % cNodes.length]!;
  const node = i === plan.strangerNodeRecord ? world.strangerNode : cNodes[i % cNodes.length]!;
  const payload = payloads.get(b.payloadHash);
  if (!payload) throw new Error(`devnet payload ${b.payloadHash} is gone`);
  const lines = payloadLines(payload);
  const local = i - b.from;
  // The payload lines are the records' JCS bytes: each line's hash is the record's leaf.
  const leaves = lines.map((l) => blake2b256(l));
  const final = (block: number) => block <= chain.finalizedHeight;
  const nodeHex = toHex(node.publicKey);
  const owner = nodeOwner.get(nodeHex);
  const anchorHeight = b.anchor.block;
  return writeBundle({
    recordId: recordIdOf(i),
    chain: { name: 'Proof Room devnet', genesisHash: chain.genesisHash, ss58Prefix: 54 },
    recordBytes: lines[local]!,
    links: {
      grant: grantLinks(src, chain, user),
      registration: {
        clusterId,
        node: node.publicKey,
        membership: (membership.get(nodeHex) ?? []).map((m) => ({
          kind: m.kind,
          at: layout.timeOf(m.at.block),
          source: { block: m.at.block, eventIndex: m.at.firstEvent },
        })),
        provider: owner
          ? {
              account: owner.provider.publicKey,
              source: { block: owner.at.block, eventIndex: owner.at.firstEvent },
            }
          : null,
      },
    },
    inclusion: {
      batchIndex: b.index,
      leafIndex: local,
      leafCount: b.to - b.from,
      proof: mmrProof(leaves, local, cereMerge),
      root: b.root,
      payloadUrls: (chain.storageUrls ?? []).map((u) => `${u}/v1/payloads/${b.payloadHash}`),
    },
    anchor: {
      envelope: b.envelope,
      remarkHash: b.badHash
        ? blake2b256(concatBytes(blake2b256(b.envelope), utf8('lie')))
        : blake2b256(b.envelope),
      sender: b.anchorer.publicKey,
      block: {
        number: anchorHeight,
        hash: chain.hashAt(anchorHeight),
        finalized: final(anchorHeight),
      },
      authority: {
        clusterId,
        manager: manager.publicKey,
        nodes: cNodes.map((n, k) => ({
          node: n.publicKey,
          provider: c.world.providers[k]!.publicKey,
        })),
      },
      source: {
        block: anchorHeight,
        eventIndex: b.anchor.firstEvent,
        extrinsic: `${anchorHeight}-${b.anchor.extrinsic}`,
      },
    },
    era: eraEvidence(src, c, e),
    settlement: {
      payers: settlementSide(e, 'payers', user.id.publicKey),
      payees: settlementSide(e, 'payees', provider.publicKey),
    },
  });
}

const ZERO_USAGE: BillingUsage = Object.freeze({
  transferredBytes: 0n,
  storedBytes: 0n,
  numberOfPuts: 0n,
  numberOfGets: 0n,
});

/**
 * Record `i`'s payable usage as a billing report counts it (`BucketUsage` / `NodeUsage`): its
 * stored bytes, its delivered bytes as transferred bytes, its puts and gets (the record's
 * `ScpUsage`, verifier/receipts/scp-record.ts; compute has no place in this design).
 */
function recordUsage(i: number): BillingUsage {
  const u = scpUsageOf(usageOf(i));
  return {
    storedBytes: u.storedBytes,
    transferredBytes: u.deliveredBytes,
    numberOfPuts: BigInt(u.puts),
    numberOfGets: BigInt(u.gets),
  };
}

function sumUsage(a: BillingUsage, b: BillingUsage): BillingUsage {
  return {
    transferredBytes: a.transferredBytes + b.transferredBytes,
    storedBytes: a.storedBytes + b.storedBytes,
    numberOfPuts: a.numberOfPuts + b.numberOfPuts,
    numberOfGets: a.numberOfGets + b.numberOfGets,
  };
}

function addUsage(m: Map<number, BillingUsage>, k: number, u: BillingUsage): void {
  m.set(k, sumUsage(m.get(k) ?? ZERO_USAGE, u));
}

/** A billing rule's value; the honest devnet never overflows, so an error is a bug here. */
function unwrap<T>(r: BillingResult<T>, what: string): T {
  if (!r.ok) throw new Error(`billing-report ${what}: ${r.error}`);
  return r.value;
}

/** The runtimes a scenario runs: known Cere spec versions in increasing order. */
function runtimeSchedule(runtimes: readonly number[] | undefined): number[] {
  const known = ALL_CERE_RUNTIMES.map((r) => r.specVersion);
  const list = runtimes === undefined ? CERE_RUNTIMES.map((r) => r.specVersion) : [...runtimes];
  if (list.length === 0) throw new RangeError('runtimes: at least one Cere runtime');
  list.forEach((v, i) => {
    if (!known.includes(v))
      throw new RangeError(`runtimes: ${v} is not one of ${known.join(', ')}`);
    if (i > 0 && v <= list[i - 1]!) throw new RangeError('runtimes: spec versions must increase');
  });
  return list;
}

/** Whether a GAR anchor envelope the scenario built lists the payload hash `hash` (0x-hex). */
function anchorHolds(envelope: Uint8Array, hash: string): boolean {
  const env = decodeEnvelope(envelope);
  return (
    env.ok &&
    env.value.kind === 'GarPairAnchor' &&
    env.value.entries.some((x) => toHex(x.hash) === hash)
  );
}

/** The records' bytes of a payload the scenario built itself (so it always decodes). */
function payloadLines(payload: Uint8Array): Uint8Array[] {
  const r = decodeBatchPayload(payload, RecordFormat.ScpJson);
  if (!r.ok) throw new Error(`devnet payload does not decode: ${r.code}`);
  return r.value;
}

/**
 * The Cere runtimes a scenario crosses, in words: each spec version, the block that upgrades to it
 * and the eras paid under it (`Cere 73047 → 73160 (block 27) → 73177 (block 48); eras paid under
 * 73047: 1, 73160: 2, 73177: 3, 4`).
 */
export function describeRuntimes(s: Pick<DevnetScenario, 'runtimes' | 'manifest'>): string {
  const steps = [
    `Cere ${s.runtimes.genesis}`,
    ...s.runtimes.upgrades.map((u) => `${u.specVersion} (block ${u.block})`),
  ];
  const bySpec = new Map<number, number[]>();
  for (const r of s.manifest.eraRounds)
    if (r.paid && !bySpec.get(r.specVersion)?.includes(r.era))
      bySpec.set(r.specVersion, [...(bySpec.get(r.specVersion) ?? []), r.era]);
  const paid = [...bySpec]
    .sort(([a], [b]) => a - b)
    .map(([spec, eras]) => `${spec}: ${eras.sort((a, b) => a - b).join(', ')}`)
    .join('; ');
  return `${steps.join(' → ')}; eras paid under ${paid || 'none'}`;
}
