/**
 * The devnet's world, seeded and deterministic: a Cere cluster with storage nodes and their
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
import { toHex, utf8 } from '../verifier/bytes.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION } from '../verifier/bundle.ts';
import { toBase64url } from '../verifier/encoding.ts';
import { MAX_GAR_ANCHOR_ENTRIES, RecordFormat, encodeEnvelope } from '../verifier/envelope.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { mmrProof } from '../verifier/mmr.ts';
import {
  type PayoutEntry,
  cereMerge,
  payoutBatchProof,
  payoutTree,
} from '../verifier/payout-tree.ts';
import { type Shares, eraPayoutListsFromTotals } from '../verifier/receipts/activity.ts';
import { ehdId, payoutFingerprint } from '../verifier/receipts/attestation.ts';
import { decodeBatchPayload } from '../verifier/receipts/dac-batch.ts';
import { quorumThreshold } from '../verifier/quorum.ts';
import type { ReasonCode } from '../verifier/lines.ts';
import { formatRfc3339 } from '../verifier/time.ts';
import type { BlockSpec, EventSpec, ExtrinsicSpec } from './chain-types.ts';
import { type Identity, account, identity } from './keys.ts';
import { BatchPool } from './scenario-pool.ts';
import {
  BLOCK_MS,
  type BatchOutput,
  type BatchTask,
  PRICING,
  PackWriter,
  type PackedPayload,
  RECORD_ID_BYTES,
  type RecordPlan,
  type RecordWorld,
  type UserKind,
  type WorldUser,
  buildBatch,
  readPacked,
  recordIdFromBytes,
  recordTime,
  recordWorld,
  userOfRecord,
} from './scenario-records.ts';

export { BLOCK_MS, PRICING, type Usage, recordCost } from './scenario-records.ts';

export const DEVNET_FAULTS = [
  'bad-record-signature',
  'missing-role-signature',
  'grant-expired',
  'grant-revoked',
  'grant-out-of-scope',
  'payload-tampered',
  'payload-missing',
  'wrong-mmr-proof',
  'quorum-not-reached',
  'payout-unbalanced',
  'anchor-reorged',
  'anchor-not-final',
] as const;
export type DevnetFault = (typeof DEVNET_FAULTS)[number];

export interface DevnetScenarioOptions {
  readonly seed?: string;
  /** Activity records over all eras. Default 120. */
  readonly records?: number;
  readonly eras?: number;
  /** Default: max(3, records / 200). */
  readonly users?: number;
  /** Storage nodes, each with its own provider account. Default 3. */
  readonly nodes?: number;
  readonly validators?: number;
  readonly recordsPerBatch?: number;
  /** Payout batch size (MAX_PAYOUT_BATCH_SIZE: 100 on the current Cere runtime). */
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
}

/** Protocol shares as Perquintill parts: 1% treasury, 4% validators, 5% cluster reserve. */
export const SHARES: Shares = {
  treasury: 10n ** 16n,
  validators: 4n * 10n ** 16n,
  reserve: 5n * 10n ** 16n,
};
const DEPOSIT = 1_000_000n * 10n ** 10n;
const MAX_EXTRINSICS_PER_BLOCK = 48;
const MAX_EVENTS_PER_BLOCK = 1200;
const ANCHORS_PER_BLOCK = 4;
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
  readonly era: number;
  readonly failing: readonly ExpectedFailure[];
  readonly faults: readonly DevnetFault[];
}

export interface Manifest {
  readonly format: 'proofroom/devnet-manifest';
  readonly version: 1;
  readonly seed: string;
  readonly records: number;
  readonly eras: number;
  readonly faults: readonly DevnetFault[];
  /** Receipts not listed here pass every line. */
  readonly receipts: readonly ManifestReceipt[];
  readonly eraRounds: ReadonlyArray<{
    era: number;
    validators: number;
    agreeing: number;
    threshold: number;
    quorum: boolean;
    balanced: boolean;
    paidAtBlock: number;
  }>;
  /** Payloads a storage node serves wrong (the others serve them intact). */
  readonly storage: ReadonlyArray<{
    payloadHash: string;
    node: number;
    fault: 'tampered' | 'missing';
  }>;
  /** The anchor seen in a block that a reorg orphaned, and where it was finally included. */
  readonly reorg: {
    readonly batch: { era: number; index: number };
    readonly orphaned: { number: number; parentNumber: number; extrinsic: number };
    readonly anchoredAt: { number: number; extrinsic: number };
  } | null;
  readonly notFinal: { era: number; index: number; block: number } | null;
}

/** Where a chain item is: block height, extrinsic index, first event index. */
interface Placed {
  readonly block: number;
  readonly extrinsic: number;
  readonly firstEvent: number;
}

interface MutableBlock {
  timestamp: number;
  extrinsics: ExtrinsicSpec[];
  events: number;
}

/** Lays extrinsics into blocks and tracks where each extrinsic and event lands. */
class Layout {
  readonly blocks: MutableBlock[] = [];
  constructor(readonly genesisTimestamp: number) {}
  get height(): number {
    return this.blocks.length;
  }
  timeOf(height: number): number {
    return this.genesisTimestamp + height * BLOCK_MS;
  }
  /** Starts a new block and returns its height. */
  next(): number {
    this.blocks.push({ timestamp: this.timeOf(this.blocks.length + 1), extrinsics: [], events: 1 });
    return this.blocks.length;
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
  readonly era: number;
  readonly index: number;
  readonly from: number;
  readonly to: number;
  readonly root: Uint8Array;
  readonly envelope: Uint8Array;
  readonly payloadHash: string;
  anchor: Placed;
}

interface EraInfo {
  readonly era: number;
  readonly ehd: string;
  readonly payersJson: Array<{ account: string; amount: string }>;
  readonly payeesJson: Array<{ account: string; amount: string }>;
  readonly payerBatches: PayoutEntry[][];
  readonly payeeBatches: PayoutEntry[][];
  readonly payerProofs: string[][];
  readonly payeeProofs: string[][];
  readonly payerPlaced: Placed[];
  readonly payeePlaced: Placed[];
  /** account hex -> source of its Charged / Rewarded event */
  readonly eventAt: Map<
    string,
    { block: number; eventIndex: number; amount: bigint; expected: bigint | null }
  >;
  readonly votes: Array<Record<string, unknown>>;
  readonly conservation: Record<string, unknown>;
  readonly paid: { block: number; eventIndex: number };
  readonly quorum: boolean;
  readonly agreeing: number;
}

export interface DevnetScenario {
  readonly seed: string;
  readonly genesisTimestamp: number;
  readonly clusterId: Uint8Array;
  /** The canonical chain, blocks 1..n. */
  readonly blocks: readonly BlockSpec[];
  /** With the anchor-reorged fault: the orphaned branch and the height of its parent. */
  readonly fork: { readonly parent: number; readonly blocks: readonly BlockSpec[] } | null;
  readonly finalityLag: number;
  readonly agreements: readonly SignedAgreement[];
  /** Batch payloads by hash (`0x` + 64 lower-case hex), in memory or read from `payloadDir`. */
  readonly payloads: PayloadStore;
  /** Per storage node: payload hash -> fault. */
  readonly storageFaults: ReadonlyArray<ReadonlyMap<string, 'tampered' | 'missing'>>;
  readonly manifest: Manifest;
  readonly recordCount: number;
  recordId(index: number): string;
  /** The receipt bundle of record `index`, given the built chain's hashes and finalized height. */
  bundle(index: number, chain: BundleChainContext): Record<string, unknown>;
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
 * The scenario, era by era: yields the batches of each era to build (their records' times depend
 * on where the previous eras ended on chain) and takes their outputs, in task order.
 */
function* scenarioSteps(
  options: DevnetScenarioOptions
): Generator<EraWork, DevnetScenario, BatchOutput[]> {
  const seed = options.seed ?? 'devnet';
  const nRecords = Math.max(1, options.records ?? 120);
  const nEras = Math.max(1, options.eras ?? 2);
  const nUsers = Math.max(3, options.users ?? Math.ceil(nRecords / 200));
  const nAgents = Math.max(2, Math.ceil(nUsers / 10));
  const nNodes = Math.max(3, options.nodes ?? 3);
  const nValidators = Math.max(1, options.validators ?? 5);
  const perBatch = Math.max(1, options.recordsPerBatch ?? 50);
  const payoutBatchSize = Math.max(1, options.payoutBatchSize ?? 100);
  const dacEvery = options.dacEvery ?? (nRecords > 20_000 ? 50 : 3);
  const faultsIn = new Set(options.faults ?? []);
  // An anchor that is not final needs a head ahead of the finalized one.
  const finalityLag = Math.max(faultsIn.has('anchor-not-final') ? 1 : 0, options.finalityLag ?? 2);
  const faults = faultsIn;
  for (const f of faults)
    if (!(DEVNET_FAULTS as readonly string[]).includes(f))
      throw new RangeError(`unknown fault ${f}`);
  const genesisTimestamp = options.genesisTimestamp ?? 1_795_000_000_000;
  const layout = new Layout(genesisTimestamp);
  const recordsPerEra = Math.ceil(nRecords / nEras);

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
  // Record-level faults land on fixed records of era 0 (spread over its first batch).
  const faultRecord: Partial<Record<DevnetFault, number>> = {};
  const recordFaultKinds: DevnetFault[] = [
    'bad-record-signature',
    'missing-role-signature',
    'grant-expired',
    'grant-revoked',
    'grant-out-of-scope',
  ];
  const era0Size = Math.min(recordsPerEra, nRecords);
  let slot = 0;
  for (const f of recordFaultKinds) if (faults.has(f)) faultRecord[f] = (1 + 2 * slot++) % era0Size;
  if (slot > 0 && new Set(Object.values(faultRecord)).size < slot)
    throw new RangeError(`record faults need at least ${2 * slot} records in the first era`);
  const userOverrides: Array<[number, number]> = [];
  for (const f of ['grant-expired', 'grant-revoked', 'grant-out-of-scope'] as const)
    if (faultRecord[f] !== undefined && faultUser[f] !== undefined)
      userOverrides.push([faultRecord[f], faultUser[f]]);
  const payloadDir = options.payloadDir === undefined ? null : path.resolve(options.payloadDir);
  if (payloadDir !== null) mkdirSync(payloadDir, { recursive: true });
  const plan: RecordPlan = {
    seed,
    honestUsers: nUsers,
    faultUsers,
    agents: nAgents,
    nodes: nNodes,
    dacEvery,
    userOverrides,
    badSignatureRecord: faultRecord['bad-record-signature'] ?? -1,
    missingRoleRecord: faultRecord['missing-role-signature'] ?? -1,
    payloadDir,
    // Pack files of different builds (in this process or another) never share a name.
    payloadPrefix: `payloads-${randomUUID().slice(0, 8)}`,
  };

  // World ----------------------------------------------------------------------------------
  const world = recordWorld(plan);
  const { clusterId, clusterHex, orchestrators, nodes, providers } = world;
  const manager = identity(seed, 'cluster-manager');
  const reserve = account(seed, 'cluster-reserve');
  const gCollector = account(seed, 'g-collector');
  const garAnchorer = identity(seed, 'gar-service');
  // Validators sign extrinsics with sr25519 keys, as Cere's do.
  const validators = Array.from({ length: nValidators }, (_, i) =>
    identity(seed, `validator/${i}`, i < 2 ? 'sr25519' : 'ed25519')
  );
  const users: UserInfo[] = world.users.map((u) => ({ ...u, versions: [] }));

  // Setup blocks: validator keys, the cluster, nodes, customers and buckets -------------------
  layout.next();
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
  const protocolParams = {
    treasuryShare: SHARES.treasury,
    validatorsShare: SHARES.validators,
    clusterReserveShare: SHARES.reserve,
    storageBondSize: 100n * 10n ** 10n,
    storageChillDelay: 100,
    storageUnbondingDelay: 100,
    costPerMbStored: PRICING.perMbStored,
    costPerMbStreamed: PRICING.perMbStreamed,
    costPerPutRequest: PRICING.perPut,
    costPerGetRequest: PRICING.perGet,
    costPerGpuUnit: PRICING.perGpuUnit,
    costPerCpuUnit: PRICING.perCpuMs,
    costPerRamUnit: PRICING.perRamUnit,
    customerDepositContract: toHex(account(seed, 'deposit-contract')),
  };
  layout.add({
    call: {
      pallet: 'DdcClusters',
      name: 'create_cluster',
      args: {
        clusterId: clusterHex,
        clusterManagerId: toHex(manager.publicKey),
        clusterReserveId: toHex(reserve),
        clusterParams: {
          nodeProviderAuthContract: undefined,
          erasureCodingRequired: 4,
          erasureCodingTotal: 6,
          replicationTotal: 3,
        },
        initialProtocolParams: protocolParams,
      },
    },
    signer: manager,
    events: [
      ev('DdcClusters', 'ClusterCreated', { clusterId: clusterHex }),
      ev('DdcClusters', 'ClusterProtocolParamsSet', { clusterId: clusterHex }),
    ],
  });
  const nodeKey = (n: Identity) => ({ __kind: 'StoragePubKey', value: toHex(n.publicKey) });
  layout.next();
  nodes.forEach((n, i) => {
    layout.add({
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
              domain: toHex(utf8(`node-${i}.devnet.local`)),
              ssl: false,
              httpPort: (options.storageHttpPort ?? 8080) + i,
              grpcPort: 9090 + i,
              p2PPort: 9190 + i,
            },
          },
        },
      },
      signer: providers[i]!,
      events: [ev('DdcNodes', 'NodeCreated', { nodePubKey: nodeKey(n) })],
    });
  });
  nodes.forEach((n) => {
    layout.add({
      call: {
        pallet: 'DdcClusters',
        name: 'add_node',
        args: { clusterId: clusterHex, nodePubKey: nodeKey(n), nodeKind: { __kind: 'External' } },
      },
      signer: manager,
      events: [
        ev('DdcClusters', 'ClusterNodeAdded', { clusterId: clusterHex, nodePubKey: nodeKey(n) }),
      ],
    });
    layout.add({
      call: {
        pallet: 'DdcClusters',
        name: 'validate_node',
        args: { clusterId: clusterHex, nodePubKey: nodeKey(n), succeeded: true },
      },
      signer: manager,
      events: [
        ev('DdcClusters', 'ClusterNodeValidated', {
          clusterId: clusterHex,
          nodePubKey: nodeKey(n),
          succeeded: true,
        }),
      ],
    });
  });
  layout.next();
  users.forEach((u) => {
    const owner = toHex(u.id.publicKey);
    layout.add({
      call: {
        pallet: 'DdcCustomers',
        name: 'deposit',
        args: { clusterId: clusterHex, value: DEPOSIT },
      },
      signer: u.id,
      events: [
        ev('DdcCustomers', 'Deposited', { clusterId: clusterHex, ownerId: owner, amount: DEPOSIT }),
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

  // Eras: time windows ------------------------------------------------------------------------
  // Grants are created a day before the first era and, for honest users, never expire before
  // the activity ends (some expire later, some are updated, some revoked after their last use).
  const firstEraBlock = layout.height + 2;
  const grantCreated = layout.timeOf(firstEraBlock) - 86_400_000;
  const agreements: SignedAgreement[] = [];
  /** blake2b-256 of each signed payload, for the GAR service's anchors, not yet anchored. */
  let unanchored: Uint8Array[] = [];
  const pushVersion = (u: UserInfo, fields: Parameters<typeof agreementPayload>[0]): void => {
    const bytes = agreementPayload(fields);
    const signed = signAgreement(u.id, bytes);
    u.versions.push(signed);
    agreements.push(signed);
    unanchored.push(blake2b256(bytes));
  };
  const farFuture = genesisTimestamp + 400 * 86_400_000;
  users.forEach((u, i) => {
    pushVersion(u, {
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
  /** The GAR service anchors the hashes of the versions it received since its last anchor. */
  const garAnchor = (): void => {
    const hashes = unanchored;
    unanchored = [];
    for (let i = 0; i < hashes.length; i += MAX_GAR_ANCHOR_ENTRIES) {
      const envelope = encodeEnvelope({
        kind: 'GarAnchor',
        entries: hashes.slice(i, i + MAX_GAR_ANCHOR_ENTRIES),
      });
      layout.add(remark(garAnchorer, envelope));
    }
  };
  garAnchor();

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

  const eras: EraInfo[] = [];
  let notFinal: Manifest['notFinal'] = null;
  let reorgBatch: BatchInfo | null = null;
  const payloadFaults: Array<Map<string, 'tampered' | 'missing'>> = nodes.map(() => new Map());
  const storageManifest: Array<{
    payloadHash: string;
    node: number;
    fault: 'tampered' | 'missing';
  }> = [];

  for (let era = 0; era < nEras; era++) {
    const eraNo = era + 1;
    const first = era * recordsPerEra;
    const last = Math.min(nRecords, first + recordsPerEra);
    if (first >= last) break;
    const eraStartBlock = layout.height + 1;
    const chargeBy = new Map<number, bigint>();
    const costByNode = new Map<number, bigint>();
    const tasks: BatchTask[] = [];
    for (let from = first, index = 0; from < last; from += perBatch, index++) {
      const anchorBlock = eraStartBlock + Math.floor(index / ANCHORS_PER_BLOCK);
      tasks.push({
        era: eraNo,
        from,
        to: Math.min(last, from + perBatch),
        windowStart: layout.timeOf(anchorBlock) - BLOCK_MS,
      });
    }
    const outputs = yield { world, tasks };
    for (let index = 0; index < tasks.length; index++) {
      const task = tasks[index]!;
      const { from, to } = task;
      const out = outputs[index]!;
      const anchorBlock = eraStartBlock + Math.floor(index / ANCHORS_PER_BLOCK);
      for (let i = from; i < to; i++) {
        const u = userOfRecord(plan, i);
        const user = users[u]!;
        const p = i % nNodes;
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
          pushVersion(user, {
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
          pushVersion(user, {
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
        batchOf[i] = batches.length;
        const cost = out.costs[i - from]!;
        chargeBy.set(u, (chargeBy.get(u) ?? 0n) + cost);
        costByNode.set(p, (costByNode.get(p) ?? 0n) + cost);
      }
      recordIds.set(out.ids, RECORD_ID_BYTES * from);
      const root = out.root;
      const payloadHash = toHex(out.payloadHash);
      if (payloads instanceof MemoryPayloads) payloads.set(payloadHash, out.payload!);
      else payloads.add(payloadHash, out.packed!);
      const envelope = encodeEnvelope({
        kind: 'DacBatch',
        clusterId,
        era: eraNo,
        batchIndex: index,
        recordFormat: RecordFormat.ScpJson,
        leafCount: to - from,
        root,
        payloadHash: out.payloadHash,
      });
      const batch: BatchInfo = {
        era: eraNo,
        index,
        from,
        to,
        root,
        envelope,
        payloadHash,
        anchor: { block: 0, extrinsic: 0, firstEvent: 0 },
      };
      batches.push(batch);
      if (era === 0 && index === 0) {
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
      // The last era's first batch is anchored late (not final), its last one in a reorg.
      const isLastEra = era === nEras - 1 || last >= nRecords;
      const lastIndex = Math.ceil((last - first) / perBatch) - 1;
      const notFinalHere = faults.has('anchor-not-final') && isLastEra && index === 0;
      const reorgHere = faults.has('anchor-reorged') && isLastEra && index === lastIndex;
      if (notFinalHere && reorgHere)
        throw new RangeError(
          'anchor-not-final with anchor-reorged needs two batches in the last era'
        );
      if (notFinalHere) notFinal = { era: eraNo, index, block: 0 };
      else if (reorgHere) reorgBatch = batch;
      else {
        layout.fillTo(anchorBlock - 1);
        if (layout.height < anchorBlock) layout.next();
        batch.anchor = layout.add(remark(orchestrators[0]!, envelope));
      }
      options.onProgress?.({ records: to, of: nRecords });
    }
    // Updates and revocations of honest grants during the era (the GAR anchors them).
    users.forEach((u, k) => {
      if (u.kind !== 'honest') return;
      if (k % 7 === 3 && era === 0) {
        pushVersion(u, {
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
        pushVersion(u, {
          user: u.id.publicKey,
          agent: u.agent.publicKey,
          revoked: true,
          createdAt: layout.timeOf(layout.height + 1),
          expiresAt: null,
          scope: u.scope,
        });
      }
    });
    if (unanchored.length > 0) garAnchor();

    eras.push(settleEra(eraNo, era === 0, chargeBy, costByNode));
  }

  function remark(signer: Identity, envelope: Uint8Array): ExtrinsicSpec {
    return {
      call: { pallet: 'System', name: 'remark_with_event', args: { remark: toHex(envelope) } },
      signer,
      events: [
        ev('System', 'Remarked', {
          sender: toHex(signer.publicKey),
          hash: toHex(blake2b256(envelope)),
        }),
      ],
    };
  }

  function settleEra(
    eraNo: number,
    faultEra: boolean,
    chargeBy: Map<number, bigint>,
    costByNode: Map<number, bigint>
  ): EraInfo {
    // Charges per user, fees by shares, rewards pro rata to each node's records (the verifier's
    // arithmetic: the indexer recomputes the same lists from the records).
    const { payers, payees, charged, fees, rewarded, notDistributed } = eraPayoutListsFromTotals(
      [...chargeBy].map(([u, amount]) => [users[u]!.id.publicKey, amount] as const),
      [...costByNode].map(([p, cost]) => [providers[p]!.publicKey, cost] as const),
      SHARES
    );
    const payerTree = payoutTree(payers, payoutBatchSize);
    const payeeTree = payoutTree(payees, payoutBatchSize);
    const { batches: payerBatches, batchRoots: payerRoots, root: payersRoot } = payerTree;
    const { batches: payeeBatches, batchRoots: payeeRoots, root: payeesRoot } = payeeTree;
    const ehd = ehdId(clusterId, gCollector, eraNo);
    const entriesJson = (list: PayoutEntry[]) =>
      list.map((e) => ({ account: toHex(e.account), amount: e.amount.toString() }));
    const era = { clusterId: clusterHex, era: eraNo };
    const eraId = { clusterId: clusterHex, eraId: eraNo };

    // Fingerprints: all but the last validator agree (each dissenter commits a different payees
    // root); with the quorum fault, one vote short of Cere's 67% threshold agrees.
    layout.next();
    const threshold = quorumThreshold(nValidators, 'cere67');
    const quorumFault = faultEra && faults.has('quorum-not-reached');
    const agreeing = quorumFault
      ? Math.max(0, threshold - 1)
      : Math.max(threshold, nValidators - 1);
    const votes = validators.map((v, i) => {
      const agrees = i < agreeing;
      const pe = agrees ? payeesRoot : blake2b256(utf8(`dissent/${seed}/${eraNo}/${i}`));
      const placed = layout.add({
        call: {
          pallet: 'DdcPayouts',
          name: 'commit_payout_fingerprint',
          args: {
            clusterId: clusterHex,
            ehdId: ehd,
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
        validator: toHex(v.publicKey),
        payersRoot: toHex(payersRoot),
        payeesRoot: toHex(pe),
        fingerprint: toHex(payoutFingerprint(clusterId, ehd, payersRoot, pe)),
        source: {
          block: placed.block,
          eventIndex: placed.firstEvent,
          extrinsic: `${placed.block}-${placed.extrinsic}`,
        },
      };
    });
    const v0 = validators[0]!;
    const fingerprint = payoutFingerprint(clusterId, ehd, payersRoot, payeesRoot);
    layout.next();
    layout.add({
      call: {
        pallet: 'DdcPayouts',
        name: 'begin_payout',
        args: { ...eraId, fingerprint: toHex(fingerprint) },
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
            expected: e.amount,
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
        ev('DdcPayouts', 'ValidatorFeesCollected', { ...era, amount: fees.validators }),
        ev('DdcPayouts', 'ChargingFinished', era),
      ],
    });
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
    // The validators' fee goes to every staker pro rata (equal stakes here); rounding to the first.
    const each = fees.validators / BigInt(nValidators);
    const unbalanced = faultEra && faults.has('payout-unbalanced');
    // With the fault, the chain reports one planck more as not distributed than was left over.
    const reportedNotDistributed = unbalanced ? notDistributed + 1n : notDistributed;
    const endRewardEvents: EventSpec[] = validators.map((v, i) =>
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
    return {
      era: eraNo,
      ehd,
      payersJson: entriesJson(payers),
      payeesJson: entriesJson(payees),
      payerBatches,
      payeeBatches,
      payerProofs,
      payeeProofs,
      payerPlaced,
      payeePlaced,
      eventAt,
      votes,
      conservation: {
        charged: charged.toString(),
        treasuryFees: fees.treasury.toString(),
        reserveFees: fees.reserve.toString(),
        validatorFees: fees.validators.toString(),
        rewarded: rewarded.toString(),
        notDistributed: reportedNotDistributed.toString(),
        shares: {
          treasury: SHARES.treasury.toString(),
          validators: SHARES.validators.toString(),
          reserve: SHARES.reserve.toString(),
        },
        source: { block: feeEvents.block, eventIndex: feeEvents.firstEvent },
      },
      paid: { block: paid.block, eventIndex: paid.firstEvent + 1 },
      quorum: !quorumFault,
      agreeing,
    };
  }

  // The unfinalized tail: deferred anchors, the reorg, and the finality lag ---------------------
  let fork: DevnetScenario['fork'] = null;
  let reorg: Manifest['reorg'] = null;
  if (reorgBatch) {
    // The anchor first lands in a block of a branch the chain then abandons; the canonical chain
    // re-includes it one block later, and is longer, so every node switches to it.
    const parent = layout.height;
    const orphan: BlockSpec = {
      timestamp: layout.timeOf(parent + 1),
      extrinsics: [remark(orchestrators[0]!, reorgBatch.envelope)],
    };
    fork = { parent, blocks: [orphan] };
    // The canonical block at the same height differs (it has no anchor); the anchor returns in
    // the next one.
    layout.next();
    layout.next();
    reorgBatch.anchor = layout.add(remark(orchestrators[0]!, reorgBatch.envelope));
    reorg = {
      batch: { era: reorgBatch.era, index: reorgBatch.index },
      orphaned: { number: parent + 1, parentNumber: parent, extrinsic: 1 },
      anchoredAt: { number: reorgBatch.anchor.block, extrinsic: reorgBatch.anchor.extrinsic },
    };
  }
  // Enough blocks that everything so far is final once the head is `finalityLag` ahead.
  for (let i = 0; i < finalityLag; i++) layout.next();
  if (notFinal !== null) {
    const nf = batches.find((b) => b.era === notFinal!.era && b.index === notFinal!.index)!;
    // An anchor in the best block: seen on chain but not final.
    nf.anchor = layout.add(remark(orchestrators[0]!, nf.envelope));
    notFinal = { ...notFinal, block: nf.anchor.block };
    for (let i = nf.from; i < nf.to; i++)
      fail(i, 'anchor-not-final', { check: 'anchor.finality', code: 'NOT_FINAL' });
  }

  // Era-level expectations -------------------------------------------------------------------
  const eraOf = (eraNo: number) => eras[eraNo - 1]!;
  const recordEra = (i: number): number => batches[batchOf[i]!]!.era;
  // The customers of era 1's first payers batch (the one the wrong-mmr-proof fault corrupts).
  const firstPayers = faults.has('wrong-mmr-proof')
    ? new Set(eras[0]!.payerBatches[0]!.map((x) => toHex(x.account)))
    : null;
  for (let i = 0; i < nRecords; i++) {
    const e = eraOf(recordEra(i));
    if (!e.quorum)
      fail(i, 'quorum-not-reached', { check: 'attestation.quorum', code: 'QUORUM_NOT_MET' });
    if (e.era === 1 && faults.has('payout-unbalanced'))
      fail(i, 'payout-unbalanced', { check: 'conservation.balance', code: 'NOT_BALANCED' });
    if (e.era === 1 && faults.has('wrong-mmr-proof')) {
      const customer = users[userOfRecord(plan, i)]!.id;
      if (firstPayers?.has(world.hex.get(customer)!))
        fail(i, 'wrong-mmr-proof', { check: 'settlement.payers.proof', code: 'PROOF_INVALID' });
    }
  }

  const manifest: Manifest = {
    format: 'proofroom/devnet-manifest',
    version: 1,
    seed,
    records: nRecords,
    eras: eras.length,
    faults: DEVNET_FAULTS.filter((f) => faults.has(f)),
    receipts: [...failing.keys()]
      .sort((a, b) => a - b)
      .map((i) => ({
        recordId: recordIdOf(i),
        index: i,
        era: recordEra(i),
        failing: failing.get(i)!,
        faults: [...new Set([...(recordFaults.get(i) ?? [])])],
      })),
    eraRounds: eras.map((e) => ({
      era: e.era,
      validators: nValidators,
      agreeing: e.agreeing,
      threshold: quorumThreshold(nValidators, 'cere67'),
      quorum: e.quorum,
      balanced: !(e.era === 1 && faults.has('payout-unbalanced')),
      paidAtBlock: e.paid.block,
    })),
    storage: storageManifest,
    reorg,
    notFinal,
  };

  const blocks: BlockSpec[] = layout.blocks.map((b) => ({
    timestamp: b.timestamp,
    extrinsics: b.extrinsics,
  }));

  function bundle(i: number, chain: BundleChainContext): Record<string, unknown> {
    if (!Number.isInteger(i) || i < 0 || i >= nRecords) throw new RangeError(`no record ${i}`);
    const b = batches[batchOf[i]!]!;
    const e = eraOf(b.era);
    const user = users[userOfRecord(plan, i)]!;
    const provider = providers[i % nNodes]!;
    const payload = payloads.get(b.payloadHash);
    if (!payload) throw new Error(`devnet payload ${b.payloadHash} is gone`);
    const lines = payloadLines(payload);
    const local = i - b.from;
    // The payload lines are the records' JCS bytes: each line's hash is the record's leaf.
    const leaves = lines.map((l) => blake2b256(l));
    const record = JSON.parse(new TextDecoder().decode(lines[local]!)) as Record<string, unknown>;
    const garBase = chain.garUrl ?? 'gar:';
    const versions = user.versions.map((v, k) => ({
      payload: v.payload,
      signature: v.signature,
      source: {
        url: `${garBase}/api/v1/agreements/${toHex(user.id.publicKey)}/${toHex(user.agent.publicKey)}#${k}`,
      },
    }));
    const batchEvidence = (side: 'payers' | 'payees', who: Uint8Array): Record<string, unknown> => {
      const list = side === 'payers' ? e.payerBatches : e.payeeBatches;
      const proofs = side === 'payers' ? e.payerProofs : e.payeeProofs;
      const placed = side === 'payers' ? e.payerPlaced : e.payeePlaced;
      const whoHex = toHex(who);
      const idx = list.findIndex((x) => x.some((y) => toHex(y.account) === whoHex));
      const at = e.eventAt.get(`${side}:${whoHex}`)!;
      return {
        batchIndex: idx,
        maxBatchIndex: list.length - 1,
        entries: list[idx]!.map((x) => ({
          account: toHex(x.account),
          amount: x.amount.toString(),
        })),
        proof: proofs[idx]!,
        events: [
          {
            account: whoHex,
            amount: at.amount.toString(),
            expected: at.expected === null ? null : at.expected.toString(),
            source: { block: at.block, eventIndex: at.eventIndex },
          },
        ],
        source: {
          block: placed[idx]!.block,
          extrinsic: `${placed[idx]!.block}-${placed[idx]!.extrinsic}`,
        },
      };
    };
    const anchorHeight = b.anchor.block;
    return {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      recordId: recordIdOf(i),
      chain: { name: 'Proof Room devnet', genesisHash: chain.genesisHash, ss58Prefix: 54 },
      grant: { versions },
      record,
      inclusion: {
        batchIndex: b.index,
        leafIndex: local,
        leafCount: b.to - b.from,
        proof: mmrProof(leaves, local, cereMerge).map(toHex),
        root: toHex(b.root),
        payloadUrls: (chain.storageUrls ?? []).map((u) => `${u}/v1/payloads/${b.payloadHash}`),
      },
      anchor: {
        envelope: toHex(b.envelope),
        remarkHash: toHex(blake2b256(b.envelope)),
        block: {
          number: anchorHeight,
          hash: chain.hashAt(anchorHeight),
          finalized: anchorHeight <= chain.finalizedHeight,
        },
        source: {
          block: anchorHeight,
          eventIndex: b.anchor.firstEvent,
          extrinsic: `${anchorHeight}-${b.anchor.extrinsic}`,
        },
      },
      attestation: {
        clusterId: clusterHex,
        era: e.era,
        ehdId: e.ehd,
        validators: validators.map((v) => toHex(v.publicKey)),
        votes: e.votes,
        activity: { batchSize: payoutBatchSize, payers: e.payersJson, payees: e.payeesJson },
      },
      settlement: {
        paid: e.paid,
        payers: batchEvidence('payers', user.id.publicKey),
        payees: batchEvidence('payees', provider.publicKey),
      },
      conservation: e.conservation,
    };
  }

  return {
    seed,
    genesisTimestamp,
    clusterId,
    blocks,
    fork,
    finalityLag,
    agreements,
    payloads,
    storageFaults: payloadFaults,
    manifest,
    recordCount: nRecords,
    recordId: (i) => {
      if (!Number.isInteger(i) || i < 0 || i >= nRecords) throw new RangeError(`no record ${i}`);
      return recordIdOf(i);
    },
    bundle,
  };
}

/** The records' bytes of a payload the scenario built itself (so it always decodes). */
function payloadLines(payload: Uint8Array): Uint8Array[] {
  const r = decodeBatchPayload(payload, RecordFormat.ScpJson);
  if (!r.ok) throw new Error(`devnet payload does not decode: ${r.code}`);
  return r.value;
}
