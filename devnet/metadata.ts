/**
 * The devnet's runtimes: metadata (v14) and runtime version of each real Cere runtime the devnet
 * runs (`CERE_RUNTIMES`: dev-line specs 73047, 73160 and 73177), one after the other through
 * `System.set_code` upgrades.
 *
 * Each starts from the Substrate kitchensink v14 metadata shipped with `@polkadot/types-support`:
 * the base pallets Cere also has are kept at Cere's indices (`CERE_BASE_PALLETS`; System 0,
 * Timestamp 3, Balances 6, Grandpa 11, Sudo 14, ...), the others dropped, and Cere's DDC pallets
 * added at their real indices: DdcStaking 35 (events only), DdcCustomers 36, DdcNodes 37,
 * DdcClusters 38, DdcPayouts 39, DdcVerification 40. Their events, calls and errors follow each
 * version's layout as docs/cere-runtimes.md records it with repository, path and commit (§18 gives
 * the per-version table test/cere-layouts.test.ts checks): field names and order, types, variant
 * indices. Where Cere's pallets are private (DdcPayouts and DdcVerification after 73045) the events
 * come from real metadata (Cere's indexer) and the payout calls from the last public source
 * (73006, BN `pallets/ddc-payouts/src/lib.rs @9ce78a52660a`); the document says so per fact.
 * The DDC pallets' storage is left out but for `DdcClusters.ClustersGovParams` (§4.3; the devnet
 * writes it when a scenario's block does, `BlockSpec.storage`), and their constants are empty.
 * System's `SS58Prefix` (54) and `Version` constants and Balances' `ExistentialDeposit`
 * (1 CERE = 10^10) are Cere's.
 *
 * It also describes one runtime the devnet does not run by default: 71000
 * (`CERE_BILLING_REPORT_RUNTIME`, dev line, BN `b3fd400687f1`), the last of the "billing report"
 * payout design, whose DDC pallets are all public and are taken from that commit's source
 * (`billingReportPallets`): DdcPayouts has events only and the payout steps are DdcVerification
 * calls. `cereMetadata`, `cereRuntimeVersion` and `cereChainRuntimes` accept it.
 *
 * The result is encoded with the same SCALE definitions `@subsquid/substrate-runtime` decodes
 * metadata with, prefixed by the `meta` magic and version byte 14.
 */
import substrateMetadataHex from '@polkadot/types-support/metadata/v14/substrate-hex';
import kitchensinkVersion from '@polkadot/types-support/metadata/v14/substrate-ver';
import { Codec } from '@subsquid/scale-codec';
import { decodeMetadata } from '@subsquid/substrate-runtime/lib/metadata/codec.js';
import type {
  MetadataV14,
  PalletMetadataV14,
  PortableTypeV14,
  Si0TypeDefPrimitive,
  Si1Field,
  Si1Type,
  Si1TypeDef,
  Si1Variant,
} from '@subsquid/substrate-runtime/lib/metadata/interfaces.js';
import { types as metadataTypeDefinitions } from '@subsquid/substrate-runtime/lib/metadata/old/definitions/metadata/index.js';
import { OldTypeRegistry } from '@subsquid/substrate-runtime/lib/metadata/old/typeRegistry.js';
import {
  ALL_CERE_RUNTIMES,
  CERE_BILLING_REPORT_RUNTIME,
  type CereRuntime,
  LATEST_CERE_SPEC,
} from './cere-runtimes.ts';

/** The JSON form of `state_getRuntimeVersion` for a devnet runtime. */
export interface DevnetRuntimeVersion {
  specName: 'node';
  implName: 'substrate-node';
  authoringVersion: number;
  specVersion: number;
  implVersion: number;
  apis: Array<[string, number]>;
  transactionVersion: number;
  stateVersion: 0;
}

/** `Metadata` runtime API id; listed at version 1 so clients fetch it with `state_getMetadata`. */
const METADATA_API_ID = '0x37e397fc7c91f5e4';

function runtimeApis(): Array<[string, number]> {
  const apis: Array<[string, number]> = kitchensinkVersion.apis.map((entry) => {
    const [id, version] = entry;
    if (typeof id !== 'string' || typeof version !== 'number') {
      throw new Error('unexpected runtime API entry in the kitchensink runtime version');
    }
    return [id, id === METADATA_API_ID ? 1 : version];
  });
  if (!apis.some(([id]) => id === METADATA_API_ID)) apis.push([METADATA_API_ID, 1]);
  return apis;
}

export {
  ALL_CERE_RUNTIMES,
  CERE_BILLING_REPORT_RUNTIME,
  CERE_RUNTIMES,
  type CereRuntime,
  LATEST_CERE_SPEC,
} from './cere-runtimes.ts';

/** One of `ALL_CERE_RUNTIMES` (`CERE_RUNTIMES` and the billing-report runtime 71000). */
export function cereRuntime(specVersion: number): CereRuntime {
  const r = ALL_CERE_RUNTIMES.find((x) => x.specVersion === specVersion);
  if (!r) throw new RangeError(`no Cere runtime ${specVersion} in the devnet (devnet/metadata.ts)`);
  return r;
}

/**
 * Whether `spec` is a runtime of the "billing report" payout design (71000; docs/cere-runtimes.md
 * §7.1-7.2, §18): DdcPayouts has events only and DdcVerification carries the payout calls.
 */
function isBillingReportSpec(spec: number): boolean {
  return spec <= CERE_BILLING_REPORT_RUNTIME.specVersion;
}

/** The runtime version (`state_getRuntimeVersion`) of one of `ALL_CERE_RUNTIMES`. */
export function cereRuntimeVersion(specVersion: number): DevnetRuntimeVersion {
  const r = cereRuntime(specVersion);
  return {
    specName: 'node',
    implName: 'substrate-node',
    authoringVersion: kitchensinkVersion.authoringVersion,
    specVersion: r.specVersion,
    implVersion: 0,
    apis: runtimeApis(),
    transactionVersion: r.transactionVersion,
    // Cere's runtime declares `state_version: 0` (blockchain-node `runtime/cere/src/lib.rs` at
    // db75e49): state trie LayoutV0, and the extrinsics root stays V0 (RFC 42: V1 from 2).
    stateVersion: 0,
  };
}

/** The version of the newest runtime (`LATEST_CERE_SPEC`), the one `devnetMetadata()` describes. */
export const DEVNET_RUNTIME_VERSION: DevnetRuntimeVersion = cereRuntimeVersion(LATEST_CERE_SPEC);

/** Cere's SS58 address prefix. */
const SS58_PREFIX = 54;
/** Balances' existential deposit on Cere: 1 CERE = 10^10 planck. */
const EXISTENTIAL_DEPOSIT = 10_000_000_000n;

// ---------------------------------------------------------------------------------------------
// Small SCALE helpers for constant values

function hexOf(bytes: readonly number[]): string {
  return '0x' + bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

function uintLe(value: bigint, size: number): number[] {
  const out: number[] = [];
  let rest = value;
  for (let i = 0; i < size; i++) {
    out.push(Number(rest & 0xffn));
    rest >>= 8n;
  }
  if (rest !== 0n) throw new Error(`value ${value} does not fit in ${size} bytes`);
  return out;
}

function compactLength(n: number): number[] {
  if (n < 1 << 6) return [n << 2];
  if (n < 1 << 14) return uintLe(BigInt((n << 2) | 1), 2);
  if (n < 1 << 30) return uintLe(BigInt(n * 4 + 2), 4);
  throw new Error('length too large');
}

function scaleString(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...compactLength(bytes.length), ...bytes];
}

function hexBytes(hex: string): number[] {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  const out: number[] = [];
  for (let i = 0; i < clean.length; i += 2) out.push(parseInt(clean.slice(i, i + 2), 16));
  return out;
}

/** SCALE encoding of `sp_version::RuntimeVersion`, the `System.Version` constant. */
export function encodeRuntimeVersion(version: {
  specName: string;
  implName: string;
  authoringVersion: number;
  specVersion: number;
  implVersion: number;
  apis: ReadonlyArray<readonly [string, number]>;
  transactionVersion: number;
  stateVersion: number;
}): string {
  const bytes = [
    ...scaleString(version.specName),
    ...scaleString(version.implName),
    ...uintLe(BigInt(version.authoringVersion), 4),
    ...uintLe(BigInt(version.specVersion), 4),
    ...uintLe(BigInt(version.implVersion), 4),
    ...compactLength(version.apis.length),
    ...version.apis.flatMap(([id, v]) => [...hexBytes(id), ...uintLe(BigInt(v), 4)]),
    ...uintLe(BigInt(version.transactionVersion), 4),
    ...uintLe(BigInt(version.stateVersion), 1),
  ];
  return hexOf(bytes);
}

// ---------------------------------------------------------------------------------------------
// Portable type registry editing

type PrimitiveKind = Si0TypeDefPrimitive['__kind'];

function field(name: string | undefined, type: number, typeName?: string): Si1Field {
  return { name, type, typeName, docs: [] };
}

function variant(name: string, index: number, fields: Si1Field[], docs: string[] = []): Si1Variant {
  return { name, index, fields, docs };
}

/** Wraps the decoded `lookup.types` array: finds existing types and appends new ones. */
class TypeTable {
  constructor(private readonly types: PortableTypeV14[]) {}

  get(id: number): Si1Type {
    const entry = this.types[id];
    if (entry === undefined) throw new Error(`no type ${id}`);
    return entry.type;
  }

  add(type: Si1Type): number {
    const id = this.types.length;
    this.types.push({ id, type });
    return id;
  }

  /** The one type with this Rust path (`sp_core::crypto::AccountId32`). */
  byPath(path: string): number {
    const ids = this.types.filter((t) => t.type.path.join('::') === path).map((t) => t.id);
    if (ids.length !== 1) throw new Error(`expected one type at ${path}, found ${ids.length}`);
    return ids[0] as number;
  }

  /** An anonymous type (no path) with exactly this definition, reused or added. */
  anonymous(def: Si1TypeDef): number {
    const key = JSON.stringify(def);
    const found = this.types.find(
      (t) => t.type.path.length === 0 && JSON.stringify(t.type.def) === key
    );
    return found?.id ?? this.add({ path: [], params: [], def, docs: [] });
  }

  primitive(kind: PrimitiveKind): number {
    return this.anonymous({ __kind: 'Primitive', value: { __kind: kind } as Si0TypeDefPrimitive });
  }

  sequence(of: number): number {
    return this.anonymous({ __kind: 'Sequence', value: { type: of } });
  }

  array(len: number, of: number): number {
    return this.anonymous({ __kind: 'Array', value: { len, type: of } });
  }

  tuple(items: number[]): number {
    return this.anonymous({ __kind: 'Tuple', value: items });
  }

  compact(of: number): number {
    return this.anonymous({ __kind: 'Compact', value: { type: of } });
  }

  option(of: number): number {
    const found = this.types.find(
      (t) => t.type.path.join('::') === 'Option' && t.type.params[0]?.type === of
    );
    if (found) return found.id;
    return this.add({
      path: ['Option'],
      params: [{ name: 'T', type: of }],
      def: {
        __kind: 'Variant',
        value: { variants: [variant('None', 0, []), variant('Some', 1, [field(undefined, of)])] },
      },
      docs: [],
    });
  }

  composite(path: string, fields: Si1Field[], params: Si1Type['params'] = []): number {
    return this.add({
      path: path.split('::'),
      params,
      def: { __kind: 'Composite', value: { fields } },
      docs: [],
    });
  }

  variants(path: string, variants: Si1Variant[], params: Si1Type['params'] = []): number {
    return this.add({
      path: path.split('::'),
      params,
      def: { __kind: 'Variant', value: { variants } },
      docs: [],
    });
  }

  variantsOf(id: number): Si1Variant[] {
    const def = this.get(id).def;
    if (def.__kind !== 'Variant') throw new Error(`type ${id} is not an enum`);
    return def.value.variants;
  }
}

// ---------------------------------------------------------------------------------------------
// The DDC pallets

/** A call or event variant: name and fields (`[name, type id, Rust type name]`). */
interface VariantSpec {
  readonly name: string;
  readonly index?: number;
  readonly fields: ReadonlyArray<readonly [string, number, string]>;
  readonly docs?: readonly string[];
}

interface PalletSpec {
  readonly name: string;
  readonly index: number;
  /** Rust crate, e.g. `pallet_ddc_clusters`. */
  readonly crate: string;
  /** Absent: the devnet leaves the pallet's calls out (DdcStaking; no scenario step uses them). */
  readonly calls?: readonly VariantSpec[];
  readonly events: readonly VariantSpec[];
  readonly errors: readonly string[];
  /** Storage items the devnet's state may hold (absent: the pallet declares no storage). */
  readonly storage?: readonly StorageSpec[];
}

/**
 * A storage item of a DDC pallet: a map with one key and one hasher, `Optional` (absent when not
 * written); or, `plain`, a value with a `Default` of the SCALE zero (an empty list).
 */
type StorageSpec =
  | {
      readonly name: string;
      readonly hasher: 'Twox64Concat' | 'Blake2_128Concat';
      readonly key: number;
      readonly value: number;
      readonly plain?: false;
      readonly docs?: readonly string[];
    }
  | {
      readonly name: string;
      readonly plain: true;
      readonly value: number;
      readonly docs?: readonly string[];
    };

/** Type ids of the DDC domain types, shared by all five pallets. */
interface DdcTypes {
  readonly accountId: number;
  readonly accounts: number;
  readonly h256: number;
  readonly clusterId: number;
  readonly nodePubKey: number;
  readonly nodeParams: number;
  readonly clusterParams: number;
  readonly clusterProtocolParams: number;
  readonly clusterNodeKind: number;
  readonly bucketParams: number;
  readonly mmrProof: number;
  readonly dispatchError: number;
  readonly payoutBatch: number;
  readonly bool: number;
  readonly u16: number;
  readonly u32: number;
  readonly u64: number;
  readonly u128: number;
  readonly compactU128: number;
  readonly str: number;
  /** The types only the billing-report runtime (71000) uses; absent for the others. */
  readonly billing?: BillingReportTypes;
}

/**
 * Type ids of the billing-report runtime's own types (spec 71000, BN @b3fd400687f1): usage
 * records and the DdcVerification call arguments of docs/cere-runtimes.md §18.
 */
interface BillingReportTypes {
  readonly i64: number;
  readonly bytes: number;
  readonly hashes: number;
  readonly optionNodePubKey: number;
  readonly nodeUsage: number;
  /** `Vec<(BucketId, BucketUsage)>`, `send_charging_customers_batch`'s `payers`. */
  readonly payers: number;
  /** `Vec<(NodePubKey, NodeUsage)>`, `send_rewarding_providers_batch`'s `payees`. */
  readonly payees: number;
  readonly eraActivity: number;
  readonly aggregateKey: number;
  /** `Vec<OCWError>`, `emit_consensus_errors`' `errors`. */
  readonly ocwErrors: number;
}

function addDdcTypes(t: TypeTable, spec: number): DdcTypes {
  const billing = isBillingReportSpec(spec);
  const u8 = t.primitive('U8');
  const bool = t.primitive('Bool');
  const u16 = t.primitive('U16');
  const u32 = t.primitive('U32');
  const u64 = t.primitive('U64');
  const u128 = t.primitive('U128');
  const str = t.primitive('Str');
  const bytes = t.sequence(u8);
  const accountId = t.byPath('sp_core::crypto::AccountId32');
  const h256 = t.byPath('primitive_types::H256');
  const dispatchError = t.byPath('sp_runtime::DispatchError');
  const perquintill = t.byPath('sp_arithmetic::per_things::Perquintill');

  const protocolShares = (): Si1Field[] => [
    field('treasury_share', perquintill, 'Perquintill'),
    field('validators_share', perquintill, 'Perquintill'),
    field('cluster_reserve_share', perquintill, 'Perquintill'),
    field('storage_bond_size', u128, 'Balance'),
    field('storage_chill_delay', u32, 'BlockNumber'),
    field('storage_unbonding_delay', u32, 'BlockNumber'),
  ];
  const clusterId = t.composite('primitive_types::H160', [
    field(undefined, t.array(20, u8), '[u8; 20]'),
  ]);
  const nodePubKey = t.variants('ddc_primitives::NodePubKey', [
    variant('StoragePubKey', 0, [field(undefined, accountId, 'StorageNodePubKey')]),
  ]);
  const storageNodeMode = t.variants('ddc_primitives::StorageNodeMode', [
    variant('Full', 1, []),
    variant('Storage', 2, []),
    variant('Cache', 3, []),
    // `DAC = 4` at 71000 (BN primitives/src/lib.rs @b3fd400687f1 l.186-195).
    variant(billing ? 'DAC' : 'Compute', 4, []),
  ]);
  const storageNodeParams = t.composite('ddc_primitives::StorageNodeParams', [
    field('mode', storageNodeMode, 'StorageNodeMode'),
    field('host', bytes, 'Vec<u8>'),
    field('domain', bytes, 'Vec<u8>'),
    field('ssl', bool, 'bool'),
    field('http_port', u16, 'u16'),
    field('grpc_port', u16, 'u16'),
    field('p2p_port', u16, 'u16'),
  ]);
  const nodeParams = t.variants('ddc_primitives::NodeParams', [
    variant('StorageParams', 0, [field(undefined, storageNodeParams, 'StorageNodeParams')]),
  ]);
  const clusterParams = t.composite(
    'ddc_primitives::ClusterParams',
    [
      field('node_provider_auth_contract', t.option(accountId), 'Option<AccountId>'),
      field('erasure_coding_required', u32, 'u32'),
      field('erasure_coding_total', u32, 'u32'),
      field('replication_total', u32, 'u32'),
    ],
    [{ name: 'AccountId', type: accountId }]
  );
  const clusterProtocolParams =
    spec >= 73177
      ? t.composite(
          'ddc_primitives::ClusterProtocolParams',
          [
            ...protocolShares(),
            field('cost_per_mb_stored', u128, 'u128'),
            field('cost_per_mb_streamed', u128, 'u128'),
            field('cost_per_put_request', u128, 'u128'),
            field('cost_per_get_request', u128, 'u128'),
            field('cost_per_gpu_unit', u128, 'u128'),
            field('cost_per_cpu_unit', u128, 'u128'),
            field('cost_per_ram_unit', u128, 'u128'),
            field('customer_deposit_contract', accountId, 'AccountId'),
          ],
          [
            { name: 'Balance', type: u128 },
            { name: 'BlockNumber', type: u32 },
            { name: 'AccountId', type: accountId },
          ]
        )
      : // Ten fields, unit prices only (BN primitives/src/lib.rs @9ce78a52660a l.124-135; DP
        // src/lib.rs @639781818c39 for 73160): no compute prices, no deposit contract.
        t.composite(
          'ddc_primitives::ClusterProtocolParams',
          [
            ...protocolShares(),
            field('unit_per_mb_stored', u128, 'u128'),
            field('unit_per_mb_streamed', u128, 'u128'),
            field('unit_per_put_request', u128, 'u128'),
            field('unit_per_get_request', u128, 'u128'),
          ],
          billing
            ? // `#[scale_info(skip_type_params(Balance, BlockNumber, T))]` at 71000 (BN
              // primitives/src/lib.rs @b3fd400687f1 l.87-102): parameters without types.
              [
                { name: 'Balance', type: undefined },
                { name: 'BlockNumber', type: undefined },
              ]
            : [
                { name: 'Balance', type: u128 },
                { name: 'BlockNumber', type: u32 },
              ]
        );
  const clusterNodeKind = t.variants('ddc_primitives::ClusterNodeKind', [
    variant('Genesis', 0, []),
    variant('External', 1, []),
  ]);
  const bucketParams = t.composite('ddc_primitives::BucketParams', [
    field('is_public', bool, 'bool'),
  ]);
  const mmrProof = t.composite('ddc_primitives::MMRProof', [
    field('proof', t.sequence(h256), 'Vec<DeltaUsageHash>'),
  ]);
  const payoutBatch = t.sequence(t.tuple([accountId, u128]));
  const accounts = t.sequence(accountId);

  return {
    accountId,
    accounts,
    h256,
    clusterId,
    nodePubKey,
    nodeParams,
    clusterParams,
    clusterProtocolParams,
    clusterNodeKind,
    bucketParams,
    mmrProof,
    dispatchError,
    payoutBatch,
    bool,
    u16,
    u32,
    u64,
    u128,
    compactU128: t.compact(u128),
    str,
    ...(billing
      ? { billing: addBillingReportTypes(t, { u8, u16, u64, h256, clusterId, nodePubKey }) }
      : {}),
  };
}

/**
 * The billing-report runtime's own types (BN @b3fd400687f1; field order = SCALE order):
 * `BucketUsage`, `NodeUsage` (primitives/src/lib.rs l.295-300, l.326-331), and
 * DdcVerification's `EraActivity`, `AggregateKey` and `OCWError`
 * (pallets/ddc-verification/src/lib.rs l.630-635, l.684-687, l.431-551).
 */
function addBillingReportTypes(
  t: TypeTable,
  d: {
    u8: number;
    u16: number;
    u64: number;
    h256: number;
    clusterId: number;
    nodePubKey: number;
  }
): BillingReportTypes {
  const i64 = t.primitive('I64');
  const u32 = t.primitive('U32');
  const str = t.primitive('Str');
  const bytes = t.sequence(d.u8);
  const hashes = t.sequence(d.h256);
  const optionNodePubKey = t.option(d.nodePubKey);
  const usage = (path: string) =>
    t.composite(path, [
      field('transferred_bytes', d.u64, 'u64'),
      field('stored_bytes', i64, 'i64'),
      field('number_of_puts', d.u64, 'u64'),
      field('number_of_gets', d.u64, 'u64'),
    ]);
  const bucketUsage = usage('ddc_primitives::BucketUsage');
  const nodeUsage = usage('ddc_primitives::NodeUsage');
  const eraActivity = t.composite('pallet_ddc_verification::pallet::EraActivity', [
    field('id', u32, 'DdcEra'),
    field('start', i64, 'i64'),
    field('end', i64, 'i64'),
  ]);
  const aggregateKey = t.variants('pallet_ddc_verification::pallet::AggregateKey', [
    variant('NodeAggregateKey', 0, [field(undefined, str, 'String')]),
    variant('BucketSubAggregateKey', 1, [
      field(undefined, d.u64, 'BucketId'),
      field(undefined, str, 'String'),
    ]),
  ]);
  const cluster = field('cluster_id', d.clusterId, 'ClusterId');
  const era = field('era_id', u32, 'DdcEra');
  const node = field('node_pub_key', d.nodePubKey, 'NodePubKey');
  const batch = field('batch_index', d.u16, 'BatchIndex');
  const aggregate = [
    cluster,
    era,
    field('aggregate_key', aggregateKey, 'AggregateKey'),
    field('aggregator', d.nodePubKey, 'NodePubKey'),
  ];
  const hash = (name: string, typeName: string) => field(name, d.h256, typeName);
  const ocwVariants: Array<[string, Si1Field[]]> = [
    ['NodeUsageRetrievalError', [cluster, era, node]],
    ['BucketAggregatesRetrievalError', [cluster, era, node]],
    ['EraRetrievalError', [cluster, field('node_pub_key', optionNodePubKey, 'Option<NodePubKey>')]],
    ['BucketAggregateRetrievalError', [cluster, era, field('bucket_id', d.u64, 'BucketId'), node]],
    ['ChallengeResponseRetrievalError', aggregate],
    ['TraverseResponseRetrievalError', aggregate],
    [
      'PrepareEraTransactionError',
      [
        cluster,
        era,
        hash('payers_merkle_root_hash', 'DeltaUsageHash'),
        hash('payees_merkle_root_hash', 'DeltaUsageHash'),
      ],
    ],
    [
      'CommitBillingFingerprintTransactionError',
      [
        cluster,
        era,
        hash('payers_root', 'PayableUsageHash'),
        hash('payees_root', 'PayableUsageHash'),
      ],
    ],
    ['BeginBillingReportTransactionError', [cluster, era]],
    ['BeginChargingCustomersTransactionError', [cluster, era]],
    ['SendChargingCustomersBatchTransactionError', [cluster, era, batch]],
    ['SendRewardingProvidersBatchTransactionError', [cluster, era, batch]],
    ['EndChargingCustomersTransactionError', [cluster, era]],
    ['BeginRewardingProvidersTransactionError', [cluster, era]],
    ['EndRewardingProvidersTransactionError', [cluster, era]],
    ['EndBillingReportTransactionError', [cluster, era]],
    ['BillingReportDoesNotExist', [cluster, era]],
    ['EmptyCustomerActivity', [cluster, era]],
    ['BatchIndexConversionFailed', [cluster, era]],
    ['NoAvailableSigner', []],
    ['NotEnoughDACNodes', [field('num_nodes', d.u16, 'u16')]],
    ['FailedToCreateMerkleRoot', [cluster, era]],
    ['FailedToCreateMerkleProof', [cluster, era]],
    ['FailedToCollectVerificationKey', []],
    ['FailedToFetchVerificationKey', []],
    ['FailedToFetchNodeProvider', []],
    ['FailedToFetchClusterNodes', []],
    ['FailedToFetchDacNodes', []],
    ['FailedToFetchNodeTotalUsage', [cluster, node]],
    ['EmptyConsistentGroup', []],
    ['FailedToFetchVerifiedDeltaUsage', []],
    ['FailedToFetchVerifiedPayableUsage', []],
  ];
  const ocwError = t.variants(
    'pallet_ddc_verification::pallet::OCWError',
    ocwVariants.map(([name, fields], i) => variant(name, i, fields))
  );
  return {
    i64,
    bytes,
    hashes,
    optionNodePubKey,
    nodeUsage,
    payers: t.sequence(t.tuple([d.u64, bucketUsage])),
    payees: t.sequence(t.tuple([d.nodePubKey, nodeUsage])),
    eraActivity,
    aggregateKey,
    ocwErrors: t.sequence(ocwError),
  };
}

/**
 * The DDC pallets of Cere runtime `spec` (one of `ALL_CERE_RUNTIMES`; 71000 is
 * `billingReportPallets`), at their `construct_runtime`
 * indices. Every layout below is a fact of docs/cere-runtimes.md, which cites repository, path and
 * commit; test/cere-layouts.test.ts checks the events against that document's §18 table.
 */
// eslint-disable-next-line max-lines-per-function -- a declaration table (pallets, calls, events, errors) read as data, each entry checked against docs/cere-runtimes.md
function ddcPallets(d: DdcTypes, spec: number): PalletSpec[] {
  if (d.billing) return billingReportPallets(d, d.billing);
  const cluster = ['cluster_id', d.clusterId, 'ClusterId'] as const;
  const node = ['node_pub_key', d.nodePubKey, 'NodePubKey'] as const;
  const account = (name: string) => [name, d.accountId, 'T::AccountId'] as const;
  const balance = (name: string) => [name, d.u128, 'BalanceOf<T>'] as const;
  const amount = (name: string) => [name, d.u128, 'u128'] as const;
  const era = ['era', d.u32, 'DdcEra'] as const;
  const eraId = ['era_id', d.u32, 'EhdEra'] as const;
  const paymentEra = ['era_id', d.u32, 'PaymentEra'] as const;
  const batchIndex = ['batch_index', d.u16, 'BatchIndex'] as const;
  const maxBatchIndex = ['max_batch_index', d.u16, 'BatchIndex'] as const;
  const bucket = ['bucket_id', d.u64, 'BucketId'] as const;
  const compactValue = ['value', d.compactU128, 'BalanceOf<T>'] as const;
  const clusterOnly = (name: string): VariantSpec => ({ name, fields: [cluster] });
  const clusterEra = (name: string): VariantSpec => ({ name, fields: [cluster, era] });
  const tuple = (name: string, fields: Array<[number, string]>): VariantSpec => ({
    name,
    fields: fields.map(([type, typeName]) => ['', type, typeName] as const),
  });
  const accountT: [number, string] = [d.accountId, 'T::AccountId'];

  return [
    {
      // Events only (§15.3, real metadata of devnet 73047; unchanged in 73160 and 73177).
      name: 'DdcStaking',
      index: 35,
      crate: 'pallet_ddc_staking',
      events: [
        tuple('Bonded', [accountT, [d.u128, 'BalanceOf<T>']]),
        tuple('Unbonded', [accountT, [d.u128, 'BalanceOf<T>']]),
        tuple('Withdrawn', [accountT, [d.u128, 'BalanceOf<T>']]),
        tuple('Chilled', [accountT]),
        tuple('ChillSoon', [accountT, [d.clusterId, 'ClusterId'], [d.u32, 'BlockNumberFor<T>']]),
        tuple('Activated', [accountT]),
        tuple('LeaveSoon', [accountT]),
        tuple('Left', [accountT]),
      ],
      errors: ['NotController', 'NotStash', 'AlreadyBonded', 'AlreadyPaired'],
    },
    {
      name: 'DdcCustomers',
      index: 36,
      crate: 'pallet_ddc_customers',
      calls: [
        {
          name: 'create_bucket',
          index: 0,
          fields: [cluster, ['bucket_params', d.bucketParams, 'BucketParams']],
        },
        { name: 'deposit', index: 1, fields: [cluster, compactValue] },
        {
          name: 'deposit_extra',
          index: 2,
          fields: [cluster, ['max_additional', d.compactU128, 'BalanceOf<T>']],
        },
        { name: 'deposit_for', index: 3, fields: [account('owner'), cluster, compactValue] },
        { name: 'unlock_deposit', index: 4, fields: [cluster, compactValue] },
        { name: 'withdraw_unlocked_deposit', index: 5, fields: [cluster] },
        {
          name: 'set_bucket_params',
          index: 6,
          fields: [bucket, ['bucket_params', d.bucketParams, 'BucketParams']],
        },
        { name: 'remove_bucket', index: 7, fields: [bucket] },
      ],
      events: [
        { name: 'Deposited', fields: [cluster, account('owner_id'), balance('amount')] },
        {
          name: 'InitialDepositUnlock',
          fields: [cluster, account('owner_id'), balance('amount')],
        },
        { name: 'Withdrawn', fields: [cluster, account('owner_id'), balance('amount')] },
        {
          name: 'Charged',
          // `expected_to_charge` until the rename in dev 73164 (§6.1, BN @66f7c3448c20).
          fields: [
            cluster,
            account('owner_id'),
            balance('charged'),
            balance(spec >= 73164 ? 'expected' : 'expected_to_charge'),
          ],
        },
        { name: 'BucketCreated', fields: [cluster, bucket] },
        { name: 'BucketUpdated', fields: [cluster, bucket] },
        { name: 'BucketRemoved', fields: [cluster, bucket] },
      ],
      errors: [
        'NotOwner',
        'AlreadyPaired',
        'InsufficientDeposit',
        'NoMoreChunks',
        'NoBucketWithId',
        'NotBucketOwner',
        'ArithmeticOverflow',
        'ArithmeticUnderflow',
        'TransferFailed',
        'BadState',
        'BucketDoesNotExist',
        'ClusterDoesNotExist',
        'AlreadyRemoved',
      ],
    },
    {
      name: 'DdcNodes',
      index: 37,
      crate: 'pallet_ddc_nodes',
      calls: [
        {
          name: 'create_node',
          index: 0,
          fields: [node, ['node_params', d.nodeParams, 'NodeParams']],
        },
        { name: 'delete_node', index: 1, fields: [node] },
        {
          name: 'set_node_params',
          index: 2,
          fields: [node, ['node_params', d.nodeParams, 'NodeParams']],
        },
      ],
      events: [
        { name: 'NodeCreated', fields: [node] },
        { name: 'NodeDeleted', fields: [node] },
        { name: 'NodeParamsChanged', fields: [node] },
      ],
      errors: [
        'NodeAlreadyExists',
        'NodeDoesNotExist',
        'InvalidNodePubKey',
        'InvalidNodeParams',
        'NodeParamsExceedsLimit',
        'OnlyNodeProvider',
        'NodeIsAssignedToCluster',
        'HostLenExceedsLimit',
        'DomainLenExceedsLimit',
        'NodeHasDanglingStake',
      ],
    },
    {
      name: 'DdcClusters',
      index: 38,
      crate: 'pallet_ddc_clusters',
      calls: [
        {
          name: 'create_cluster',
          index: 0,
          // Signed by the cluster's manager since 54004 (§4.2): no manager argument.
          fields: [
            cluster,
            account('cluster_reserve_id'),
            ['cluster_params', d.clusterParams, 'ClusterParams<T::AccountId>'],
            [
              'initial_protocol_params',
              d.clusterProtocolParams,
              spec >= 73164
                ? 'ClusterProtocolParams<BalanceOf<T>, BlockNumberFor<T>, T::AccountId>'
                : 'ClusterProtocolParams<BalanceOf<T>, BlockNumberFor<T>>',
            ],
          ],
        },
        {
          name: 'add_node',
          index: 1,
          fields: [cluster, node, ['node_kind', d.clusterNodeKind, 'ClusterNodeKind']],
        },
        { name: 'remove_node', index: 2, fields: [cluster, node] },
        {
          name: 'set_cluster_params',
          index: 3,
          fields: [cluster, ['cluster_params', d.clusterParams, 'ClusterParams<T::AccountId>']],
        },
        {
          name: 'validate_node',
          index: 4,
          fields: [cluster, node, ['succeeded', d.bool, 'bool']],
        },
      ],
      events: [
        clusterOnly('ClusterCreated'),
        { name: 'ClusterNodeAdded', fields: [cluster, node] },
        { name: 'ClusterNodeRemoved', fields: [cluster, node] },
        clusterOnly('ClusterParamsSet'),
        clusterOnly('ClusterProtocolParamsSet'),
        clusterOnly('ClusterActivated'),
        clusterOnly('ClusterBonded'),
        clusterOnly('ClusterUnbonding'),
        clusterOnly('ClusterUnbonded'),
        { name: 'ClusterNodeValidated', fields: [cluster, node, ['succeeded', d.bool, 'bool']] },
        { name: 'ClusterEraPaid', fields: [cluster, eraId] },
      ],
      // §4.3: the cluster's protocol parameters, written by `create_cluster` and by
      // `DdcClustersGov.update_cluster_protocol` (`do_update_cluster_protocol`).
      storage: [
        {
          name: 'ClustersGovParams',
          hasher: 'Twox64Concat',
          key: d.clusterId,
          value: d.clusterProtocolParams,
        },
      ],
      errors: [
        'ClusterAlreadyExists',
        'ClusterDoesNotExist',
        'ClusterParamsExceedsLimit',
        'AttemptToAddNonExistentNode',
        'AttemptToAddAlreadyAssignedNode',
        'AttemptToRemoveNonExistentNode',
        'AttemptToRemoveNotAssignedNode',
        'OnlyClusterManager',
        'NodeIsNotAuthorized',
        'NodeHasNoActivatedStake',
        'NodeStakeIsInvalid',
        'NodeChillingIsProhibited',
        'NodeAuthContractCallFailed',
        'NodeAuthContractDeployFailed',
        'NodeAuthNodeAuthorizationNotSuccessful',
        'ErasureCodingRequiredDidNotMeetMinimum',
        'ErasureCodingTotalNotMeetMinimum',
        'ReplicationTotalDidNotMeetMinimum',
        'ClusterAlreadyActivated',
        'UnexpectedClusterStatus',
        'AttemptToValidateNotAssignedNode',
        'ClusterProtocolParamsNotSet',
        'ArithmeticOverflow',
        'NodeIsNotAssignedToCluster',
      ],
    },
    {
      name: 'DdcPayouts',
      index: 39,
      crate: 'pallet_ddc_payouts',
      calls: [
        {
          name: 'commit_payout_fingerprint',
          index: 0,
          fields: [
            cluster,
            ['ehd_id', d.str, 'String'],
            ['payers_root', d.h256, 'PayableUsageHash'],
            ['payees_root', d.h256, 'PayableUsageHash'],
          ],
        },
        {
          name: 'begin_payout',
          index: 1,
          fields: [cluster, paymentEra, ['fingerprint', d.h256, 'Fingerprint']],
        },
        {
          name: 'begin_charging_customers',
          index: 2,
          fields: [cluster, paymentEra, maxBatchIndex],
        },
        {
          name: 'send_charging_customers_batch',
          index: 3,
          fields: [
            cluster,
            paymentEra,
            batchIndex,
            ['payers', d.payoutBatch, 'Vec<(T::AccountId, u128)>'],
            ['batch_proof', d.mmrProof, 'MMRProof'],
          ],
        },
        { name: 'end_charging_customers', index: 4, fields: [cluster, paymentEra] },
        {
          name: 'begin_rewarding_providers',
          index: 5,
          fields: [cluster, paymentEra, maxBatchIndex],
        },
        {
          name: 'send_rewarding_providers_batch',
          index: 6,
          fields: [
            cluster,
            paymentEra,
            batchIndex,
            ['payees', d.payoutBatch, 'Vec<(T::AccountId, u128)>'],
            ['batch_proof', d.mmrProof, 'MMRProof'],
          ],
        },
        { name: 'end_rewarding_providers', index: 7, fields: [cluster, paymentEra] },
        { name: 'end_payout', index: 8, fields: [cluster, paymentEra] },
      ],
      events: [
        clusterEra('PayoutInitialized'),
        clusterEra('ChargingStarted'),
        {
          name: 'Charged',
          fields: [cluster, era, batchIndex, account('customer_id'), amount('amount')],
        },
        {
          name: 'ChargedPartially',
          fields: [
            cluster,
            era,
            batchIndex,
            account('customer_id'),
            amount('charged'),
            amount('expected_to_charge'),
          ],
        },
        {
          name: 'Indebted',
          fields: [cluster, era, batchIndex, account('customer_id'), amount('amount')],
        },
        clusterEra('ChargingFinished'),
        { name: 'TreasuryFeesCollected', fields: [cluster, era, amount('amount')] },
        { name: 'ClusterReserveFeesCollected', fields: [cluster, era, amount('amount')] },
        // Renamed in 73160 (§7.3; the index is assumed unchanged: only Cere's alphabetical
        // typegen output of 73160 is public).
        {
          name: spec >= 73160 ? 'ValidatorsFeesCollected' : 'ValidatorFeesCollected',
          fields: [cluster, era, amount('amount')],
        },
        clusterEra('RewardingStarted'),
        {
          name: 'Rewarded',
          fields: [
            cluster,
            era,
            batchIndex,
            account('node_provider_id'),
            amount('rewarded'),
            amount('expected_to_reward'),
          ],
        },
        // Gone in 73160 (§7.3); the variants after it move up by one.
        ...(spec >= 73160
          ? []
          : [
              {
                name: 'ValidatorRewarded',
                fields: [cluster, era, account('validator_id'), amount('amount')],
              } as VariantSpec,
            ]),
        {
          name: 'NotDistributedReward',
          fields: [
            cluster,
            era,
            batchIndex,
            account('node_provider_id'),
            amount('expected_reward'),
            balance('distributed_reward'),
          ],
        },
        {
          name: 'NotDistributedOverallReward',
          fields: [cluster, era, amount('expected_reward'), amount('total_distributed_rewards')],
        },
        clusterEra('RewardingFinished'),
        {
          name: 'PayoutReceiptFinalized',
          fields: [cluster, era, ['finalized_at', d.u32, 'BlockNumberFor<T>']],
        },
        {
          name: 'ChargeError',
          fields: [
            cluster,
            era,
            batchIndex,
            account('customer_id'),
            amount('amount'),
            ['error', d.dispatchError, 'DispatchError'],
          ],
        },
        {
          name: 'PayoutFingerprintCommited',
          fields: [
            account('validator_id'),
            cluster,
            eraId,
            ['payers_merkle_root', d.h256, 'PayableUsageHash'],
            ['payees_merkle_root', d.h256, 'PayableUsageHash'],
          ],
        },
      ],
      errors: [
        'PayoutReceiptDoesNotExist',
        'NotExpectedState',
        'Unauthorized',
        'BatchIndexAlreadyProcessed',
        'BatchIndexIsOutOfRange',
        'BatchesMissed',
        'BatchIndexOverflow',
        'BoundedVecOverflow',
        'ArithmeticOverflow',
        'NotExpectedClusterState',
        'NotExpectedBucketState',
        'BatchSizeIsOutOfBounds',
        'ScoreRetrievalError',
        'BadRequest',
        'BatchValidationFailed',
        'NoBucketWithId',
        'NotBucketOwner',
        'IncorrectClusterId',
        'ClusterProtocolParamsNotSet',
        'TotalStoredBytesLessThanZero',
        'PayoutFingerprintCommitted',
        'PayoutFingerprintDoesNotExist',
        'NoQuorumOnPayoutFingerprint',
        'FailedToCreateMerkleRoot',
        'FailedToVerifyMerkleProof',
        'NodeRetrievalError',
      ],
    },
    {
      name: 'DdcVerification',
      index: 40,
      crate: 'pallet_ddc_verification',
      calls: [
        {
          name: 'set_validator_key',
          index: 1,
          fields: [account('ddc_validator_pub')],
        },
        // Root only; the last public form (73006, docs/cere-runtimes.md §14), kept as an
        // assumption for the private versions like the payout calls.
        {
          name: 'force_skip_inspection',
          index: 12,
          fields: [cluster, ['ehd_id', d.str, 'String']],
        },
      ],
      // The private pallet's real metadata (devnet v73047, v73160) has exactly these two events
      // (docs/cere-runtimes.md); the set is replaced every session.
      events: [
        { name: 'ValidatorKeySet', fields: [account('validator')] },
        {
          name: 'ValidatorsSetUpdated',
          fields: [['validators', d.accounts, 'Vec<T::AccountId>']],
        },
      ],
      errors: [
        'BadVerificationKey',
        'BadRequest',
        'Unauthorized',
        'AlreadySignedEra',
        'NotExpectedState',
        'AlreadySignedPayoutBatch',
        'NodeRetrievalError',
        'EraToValidateRetrievalError',
        'EraPerNodeRetrievalError',
        'FailToFetchIds',
        'NoValidatorExist',
        'NotController',
        'NotValidatorStash',
        'FailedToGenerateProof',
        'FailedToVerifyMerkleProof',
        'NoEraValidation',
        'EraAlreadyPaid',
        'VerificationKeyAlreadySet',
        'VerificationKeyAlreadyPaired',
      ],
    },
  ];
}

/**
 * The DDC pallets of the billing-report runtime 71000, each from its source at BN `b3fd400687f1`
 * (docs/cere-runtimes.md §18 cites path and lines; the events there are written from the Rust
 * source, and test/cere-layouts.test.ts compares them with this metadata). Every event of every
 * DDC pallet, in declaration order (no `#[codec(index)]`), and every error; the calls of
 * DdcCustomers, DdcNodes and DdcClusters the devnet uses (DdcClusters' `join_cluster` C5 and all
 * of DdcStaking's calls are left out, as for the other versions), DdcPayouts' empty call enum
 * (`#[pallet::call] impl<T: Config> Pallet<T> {}`) and all fourteen DdcVerification calls C0-C13.
 */
// eslint-disable-next-line max-lines-per-function -- a declaration table (pallets, calls, events, errors) read as data, each entry checked against docs/cere-runtimes.md
function billingReportPallets(d: DdcTypes, b: BillingReportTypes): PalletSpec[] {
  const cluster = ['cluster_id', d.clusterId, 'ClusterId'] as const;
  const node = ['node_pub_key', d.nodePubKey, 'NodePubKey'] as const;
  const account = (name: string) => [name, d.accountId, 'T::AccountId'] as const;
  const balance = (name: string) => [name, d.u128, 'BalanceOf<T>'] as const;
  const amount = (name: string) => [name, d.u128, 'u128'] as const;
  const era = ['era', d.u32, 'DdcEra'] as const;
  const eraId = ['era_id', d.u32, 'DdcEra'] as const;
  const batchIndex = ['batch_index', d.u16, 'BatchIndex'] as const;
  const maxBatchIndex = ['max_batch_index', d.u16, 'BatchIndex'] as const;
  const bucket = ['bucket_id', d.u64, 'BucketId'] as const;
  const validator = account('validator');
  const bucketParams = ['bucket_params', d.bucketParams, 'BucketParams'] as const;
  const nodeParams = ['node_params', d.nodeParams, 'NodeParams'] as const;
  const clusterParams = ['cluster_params', d.clusterParams, 'ClusterParams<T::AccountId>'] as const;
  const usage = (name: string) => [name, d.u64, 'u64'] as const;
  const totalUsage = [
    usage('transferred_bytes'),
    ['stored_bytes', b.i64, 'i64'] as const,
    usage('number_of_puts'),
    usage('number_of_gets'),
  ];
  const hash = (name: string, typeName: string) => [name, d.h256, typeName] as const;
  const clusterOnly = (name: string): VariantSpec => ({ name, fields: [cluster] });
  const clusterEra = (name: string): VariantSpec => ({ name, fields: [cluster, era] });
  const call = (
    name: string,
    index: number,
    fields: VariantSpec['fields'] = [cluster, eraId]
  ): VariantSpec => ({ name, index, fields });
  const tuple = (name: string, fields: Array<[number, string]>): VariantSpec => ({
    name,
    fields: fields.map(([type, typeName]) => ['', type, typeName] as const),
  });
  const accountT: [number, string] = [d.accountId, 'T::AccountId'];
  const validatorEvent = (name: string): VariantSpec => ({ name, fields: [validator] });
  const clusterEraValidator = (name: string): VariantSpec => ({
    name,
    fields: [cluster, eraId, validator],
  });
  const clusterEraBatchValidator = (name: string): VariantSpec => ({
    name,
    fields: [cluster, eraId, batchIndex, validator],
  });
  const aggregateError = (name: string): VariantSpec => ({
    name,
    fields: [
      cluster,
      eraId,
      ['aggregate_key', b.aggregateKey, 'AggregateKey'],
      ['aggregator', d.nodePubKey, 'NodePubKey'],
      validator,
    ],
  });

  return [
    {
      // pallets/ddc-staking/src/lib.rs l.296-322 (events), l.325-369 (errors).
      name: 'DdcStaking',
      index: 35,
      crate: 'pallet_ddc_staking',
      events: [
        tuple('Bonded', [accountT, [d.u128, 'BalanceOf<T>']]),
        tuple('Unbonded', [accountT, [d.u128, 'BalanceOf<T>']]),
        tuple('Withdrawn', [accountT, [d.u128, 'BalanceOf<T>']]),
        tuple('Chilled', [accountT]),
        tuple('ChillSoon', [accountT, [d.clusterId, 'ClusterId'], [d.u32, 'BlockNumberFor<T>']]),
        tuple('Activated', [accountT]),
        tuple('LeaveSoon', [accountT]),
        tuple('Left', [accountT]),
      ],
      errors: [
        'NotController',
        'NotStash',
        'AlreadyBonded',
        'AlreadyPaired',
        'InsufficientBond',
        'NoMoreChunks',
        'BadState',
        'AlreadyInRole',
        'TooEarly',
        'NotNodeController',
        'NodeHasNoStake',
        'NoCluster',
        'NoClusterGovParams',
        'FastChillProhibited',
        'StoringProhibited',
        'ArithmeticOverflow',
        'ArithmeticUnderflow',
        'NodeIsNotFound',
        'NodeIsLeaving',
        'UnbondingProhibited',
      ],
    },
    {
      // pallets/ddc-customers/src/lib.rs l.179-217 (events), l.220-251 (errors), l.309-546
      // (calls): no `cluster_id` in the deposit calls and events yet (it came in 73054, §6).
      name: 'DdcCustomers',
      index: 36,
      crate: 'pallet_ddc_customers',
      calls: [
        call('create_bucket', 0, [cluster, bucketParams]),
        call('deposit', 1, [['value', d.compactU128, 'BalanceOf<T>']]),
        call('deposit_extra', 2, [['max_additional', d.compactU128, 'BalanceOf<T>']]),
        call('unlock_deposit', 3, [['value', d.compactU128, 'BalanceOf<T>']]),
        call('withdraw_unlocked_deposit', 4, []),
        call('set_bucket_params', 5, [bucket, bucketParams]),
        call('remove_bucket', 6, [bucket]),
      ],
      events: [
        { name: 'Deposited', fields: [account('owner_id'), balance('amount')] },
        { name: 'InitialDepositUnlock', fields: [account('owner_id'), balance('amount')] },
        { name: 'Withdrawn', fields: [account('owner_id'), balance('amount')] },
        {
          name: 'Charged',
          fields: [account('owner_id'), balance('charged'), balance('expected_to_charge')],
        },
        { name: 'BucketCreated', fields: [cluster, bucket] },
        { name: 'BucketUpdated', fields: [cluster, bucket] },
        { name: 'BucketTotalNodesUsageUpdated', fields: [cluster, bucket, ...totalUsage] },
        { name: 'BucketTotalCustomersUsageUpdated', fields: [cluster, bucket, ...totalUsage] },
        { name: 'BucketRemoved', fields: [bucket] },
      ],
      errors: [
        'NotOwner',
        'NotBucketOwner',
        'AlreadyPaired',
        'InsufficientDeposit',
        'NoMoreChunks',
        'NoBucketWithId',
        'BadState',
        'BucketDoesNotExist',
        'ClusterDoesNotExist',
        'Unauthorized',
        'ArithmeticOverflow',
        'ArithmeticUnderflow',
        'TransferFailed',
        'AlreadyRemoved',
        'ClusterMismatch',
      ],
    },
    {
      // pallets/ddc-nodes/src/lib.rs l.71-88 (events), l.91-99 (errors), l.125-168 (calls).
      name: 'DdcNodes',
      index: 37,
      crate: 'pallet_ddc_nodes',
      calls: [
        call('create_node', 0, [node, nodeParams]),
        call('delete_node', 1, [node]),
        call('set_node_params', 2, [node, nodeParams]),
      ],
      events: [
        { name: 'NodeCreated', fields: [node] },
        { name: 'NodeDeleted', fields: [node] },
        { name: 'NodeParamsChanged', fields: [node] },
        { name: 'NodeTotalUsageUpdated', fields: [node, ...totalUsage] },
      ],
      errors: [
        'NodeAlreadyExists',
        'NodeDoesNotExist',
        'OnlyNodeProvider',
        'NodeIsAssignedToCluster',
        'HostLenExceedsLimit',
        'DomainLenExceedsLimit',
        'NodeHasDanglingStake',
      ],
    },
    {
      // pallets/ddc-clusters/src/lib.rs l.98-110 (events), l.113-141 (errors), l.147-153
      // (ClustersGovParams), l.261-429 (calls; C0-C4 here).
      name: 'DdcClusters',
      index: 38,
      crate: 'pallet_ddc_clusters',
      calls: [
        call('create_cluster', 0, [
          cluster,
          account('cluster_reserve_id'),
          clusterParams,
          [
            'initial_protocol_params',
            d.clusterProtocolParams,
            'ClusterProtocolParams<BalanceOf<T>, BlockNumberFor<T>>',
          ],
        ]),
        call('add_node', 1, [cluster, node, ['node_kind', d.clusterNodeKind, 'ClusterNodeKind']]),
        call('remove_node', 2, [cluster, node]),
        call('set_cluster_params', 3, [cluster, clusterParams]),
        call('validate_node', 4, [cluster, node, ['succeeded', d.bool, 'bool']]),
      ],
      events: [
        clusterOnly('ClusterCreated'),
        { name: 'ClusterNodeAdded', fields: [cluster, node] },
        { name: 'ClusterNodeRemoved', fields: [cluster, node] },
        clusterOnly('ClusterParamsSet'),
        clusterOnly('ClusterProtocolParamsSet'),
        clusterOnly('ClusterActivated'),
        clusterOnly('ClusterBonded'),
        clusterOnly('ClusterUnbonding'),
        clusterOnly('ClusterUnbonded'),
        { name: 'ClusterNodeValidated', fields: [cluster, node, ['succeeded', d.bool, 'bool']] },
        { name: 'ClusterEraPaid', fields: [cluster, eraId] },
      ],
      storage: [
        {
          name: 'ClustersGovParams',
          hasher: 'Twox64Concat',
          key: d.clusterId,
          value: d.clusterProtocolParams,
        },
      ],
      errors: [
        'ClusterAlreadyExists',
        'ClusterDoesNotExist',
        'ClusterParamsExceedsLimit',
        'AttemptToAddNonExistentNode',
        'AttemptToAddAlreadyAssignedNode',
        'AttemptToRemoveNonExistentNode',
        'AttemptToRemoveNotAssignedNode',
        'OnlyClusterManager',
        'OnlyNodeProvider',
        'NodeIsNotAuthorized',
        'NodeHasNoActivatedStake',
        'NodeStakeIsInvalid',
        'NodeChillingIsProhibited',
        'NodeAuthContractCallFailed',
        'NodeAuthContractDeployFailed',
        'NodeAuthNodeAuthorizationNotSuccessful',
        'ErasureCodingRequiredDidNotMeetMinimum',
        'ErasureCodingTotalNotMeetMinimum',
        'ReplicationTotalDidNotMeetMinimum',
        'ClusterAlreadyActivated',
        'UnexpectedClusterStatus',
        'AttemptToValidateNotAssignedNode',
        'ClusterProtocolParamsNotSet',
        'ArithmeticOverflow',
        'NodeIsNotAssignedToCluster',
        'ControllerDoesNotExist',
      ],
    },
    {
      // pallets/ddc-payouts/src/lib.rs l.121-231 (events), l.235-261 (errors), l.363-364 (an
      // empty call enum: the payout steps are DdcVerification's calls at 71000).
      name: 'DdcPayouts',
      index: 39,
      crate: 'pallet_ddc_payouts',
      calls: [],
      events: [
        clusterEra('BillingReportInitialized'),
        clusterEra('ChargingStarted'),
        {
          name: 'Charged',
          fields: [cluster, era, batchIndex, account('customer_id'), bucket, amount('amount')],
        },
        {
          name: 'ChargeFailed',
          fields: [
            cluster,
            era,
            batchIndex,
            account('customer_id'),
            bucket,
            amount('charged'),
            amount('expected_to_charge'),
          ],
        },
        {
          name: 'Indebted',
          fields: [cluster, era, batchIndex, account('customer_id'), bucket, amount('amount')],
        },
        clusterEra('ChargingFinished'),
        { name: 'TreasuryFeesCollected', fields: [cluster, era, amount('amount')] },
        { name: 'ClusterReserveFeesCollected', fields: [cluster, era, amount('amount')] },
        { name: 'ValidatorFeesCollected', fields: [cluster, era, amount('amount')] },
        clusterEra('RewardingStarted'),
        {
          name: 'Rewarded',
          fields: [
            cluster,
            era,
            batchIndex,
            account('node_provider_id'),
            amount('rewarded'),
            amount('expected_to_reward'),
          ],
        },
        {
          name: 'ValidatorRewarded',
          fields: [cluster, era, account('validator_id'), amount('amount')],
        },
        {
          name: 'NotDistributedReward',
          fields: [
            cluster,
            era,
            batchIndex,
            account('node_provider_id'),
            amount('expected_reward'),
            balance('distributed_reward'),
          ],
        },
        {
          name: 'NotDistributedOverallReward',
          fields: [cluster, era, amount('expected_reward'), amount('total_distributed_reward')],
        },
        clusterEra('RewardingFinished'),
        clusterEra('BillingReportFinalized'),
        {
          name: 'ChargeError',
          fields: [
            cluster,
            era,
            batchIndex,
            account('customer_id'),
            amount('amount'),
            ['error', d.dispatchError, 'DispatchError'],
          ],
        },
        {
          name: 'BillingFingerprintCommited',
          fields: [
            account('validator_id'),
            cluster,
            eraId,
            ['start_era', b.i64, 'i64'],
            ['end_era', b.i64, 'i64'],
            hash('payers_merkle_root', 'PayableUsageHash'),
            hash('payees_merkle_root', 'PayableUsageHash'),
          ],
        },
      ],
      errors: [
        'BillingReportDoesNotExist',
        'NotExpectedState',
        'Unauthorized',
        'BatchIndexAlreadyProcessed',
        'BatchIndexIsOutOfRange',
        'BatchesMissed',
        'BatchIndexOverflow',
        'BoundedVecOverflow',
        'ArithmeticOverflow',
        'NotExpectedClusterState',
        'NotExpectedBucketState',
        'BatchSizeIsOutOfBounds',
        'ScoreRetrievalError',
        'BadRequest',
        'BatchValidationFailed',
        'NoBucketWithId',
        'NotBucketOwner',
        'IncorrectClusterId',
        'ClusterProtocolParamsNotSet',
        'TotalStoredBytesLessThanZero',
        'BillingFingerprintIsCommitted',
        'BillingFingerprintDoesNotExist',
        'NoQuorumOnBillingFingerprint',
        'FailedToCreateMerkleRoot',
        'FailedToVerifyMerkleProof',
      ],
    },
    {
      // pallets/ddc-verification/src/lib.rs l.241-427 (events), l.555-593 (errors),
      // l.3553-4195 (calls C0-C13; C12 and C13 are Root only, the others need an OCW validator).
      name: 'DdcVerification',
      index: 40,
      crate: 'pallet_ddc_verification',
      calls: [
        call('set_prepare_era_for_payout', 0, [
          cluster,
          ['era_activity', b.eraActivity, 'EraActivity'],
          hash('payers_merkle_root_hash', 'DeltaUsageHash'),
          hash('payees_merkle_root_hash', 'DeltaUsageHash'),
          ['payers_batch_merkle_root_hashes', b.hashes, 'Vec<DeltaUsageHash>'],
          ['payees_batch_merkle_root_hashes', b.hashes, 'Vec<DeltaUsageHash>'],
        ]),
        call('set_validator_key', 1, [account('ddc_validator_pub')]),
        call('commit_billing_fingerprint', 2, [
          cluster,
          eraId,
          ['start_era', b.i64, 'i64'],
          ['end_era', b.i64, 'i64'],
          hash('payers_root', 'PayableUsageHash'),
          hash('payees_root', 'PayableUsageHash'),
          ['cluster_usage', b.nodeUsage, 'NodeUsage'],
        ]),
        call('begin_billing_report', 3, [cluster, eraId, hash('fingerprint', 'Fingerprint')]),
        call('begin_charging_customers', 4, [cluster, eraId, maxBatchIndex]),
        call('send_charging_customers_batch', 5, [
          cluster,
          eraId,
          batchIndex,
          ['payers', b.payers, 'Vec<(BucketId, BucketUsage)>'],
          ['batch_proof', d.mmrProof, 'MMRProof'],
        ]),
        call('end_charging_customers', 6),
        call('begin_rewarding_providers', 7, [cluster, eraId, maxBatchIndex]),
        call('send_rewarding_providers_batch', 8, [
          cluster,
          eraId,
          batchIndex,
          ['payees', b.payees, 'Vec<(NodePubKey, NodeUsage)>'],
          ['batch_proof', d.mmrProof, 'MMRProof'],
        ]),
        call('end_rewarding_providers', 9),
        call('end_billing_report', 10),
        call('emit_consensus_errors', 11, [['errors', b.ocwErrors, 'Vec<OCWError>']]),
        call('set_era_validations', 12),
        call('skip_dac_validation_to_era', 13),
      ],
      events: [
        { name: 'BillingReportCreated', fields: [cluster, eraId] },
        { name: 'VerificationKeyStored', fields: [['verification_key', b.bytes, 'Vec<u8>']] },
        { name: 'PayoutBatchCreated', fields: [cluster, eraId] },
        { name: 'EraValidationReady', fields: [cluster, eraId] },
        { name: 'EraValidationNotReady', fields: [cluster, eraId] },
        { name: 'NodeUsageRetrievalError', fields: [cluster, eraId, node, validator] },
        { name: 'BucketAggregatesRetrievalError', fields: [cluster, eraId, node, validator] },
        {
          name: 'EraRetrievalError',
          fields: [cluster, ['node_pub_key', b.optionNodePubKey, 'Option<NodePubKey>'], validator],
        },
        {
          name: 'PrepareEraTransactionError',
          fields: [
            cluster,
            eraId,
            hash('payers_merkle_root_hash', 'DeltaUsageHash'),
            hash('payees_merkle_root_hash', 'DeltaUsageHash'),
            validator,
          ],
        },
        {
          name: 'CommitBillingFingerprintTransactionError',
          fields: [
            cluster,
            eraId,
            hash('payers_root', 'PayableUsageHash'),
            hash('payees_root', 'PayableUsageHash'),
            validator,
          ],
        },
        clusterEraValidator('BeginBillingReportTransactionError'),
        clusterEraValidator('BeginChargingCustomersTransactionError'),
        clusterEraBatchValidator('SendChargingCustomersBatchTransactionError'),
        clusterEraBatchValidator('SendRewardingProvidersBatchTransactionError'),
        clusterEraValidator('EndChargingCustomersTransactionError'),
        clusterEraValidator('BeginRewardingProvidersTransactionError'),
        clusterEraValidator('EndRewardingProvidersTransactionError'),
        clusterEraValidator('EndBillingReportTransactionError'),
        clusterEraValidator('BillingReportDoesNotExist'),
        clusterEraValidator('EmptyCustomerActivity'),
        clusterEraValidator('BatchIndexConversionFailed'),
        validatorEvent('NoAvailableSigner'),
        { name: 'NotEnoughDACNodes', fields: [['num_nodes', d.u16, 'u16'], validator] },
        clusterEraValidator('FailedToCreateMerkleRoot'),
        clusterEraValidator('FailedToCreateMerkleProof'),
        validatorEvent('FailedToCollectVerificationKey'),
        validatorEvent('FailedToFetchVerificationKey'),
        validatorEvent('FailedToFetchNodeProvider'),
        validatorEvent('ValidatorKeySet'),
        validatorEvent('FailedToFetchClusterNodes'),
        validatorEvent('FailedToFetchDacNodes'),
        { name: 'FailedToFetchNodeTotalUsage', fields: [cluster, node, validator] },
        {
          name: 'EraValidationRootsPosted',
          fields: [
            cluster,
            eraId,
            validator,
            hash('payers_merkle_root_hash', 'DeltaUsageHash'),
            hash('payees_merkle_root_hash', 'DeltaUsageHash'),
            ['payers_batch_merkle_root_hashes', b.hashes, 'Vec<DeltaUsageHash>'],
            ['payees_batch_merkle_root_hashes', b.hashes, 'Vec<DeltaUsageHash>'],
          ],
        },
        {
          name: 'BucketAggregateRetrievalError',
          fields: [cluster, eraId, bucket, node, validator],
        },
        aggregateError('ChallengeResponseRetrievalError'),
        aggregateError('TraverseResponseRetrievalError'),
        { name: 'EmptyConsistentGroup', fields: [] },
        { name: 'FailedToFetchVerifiedDeltaUsage', fields: [] },
        { name: 'FailedToFetchVerifiedPayableUsage', fields: [] },
      ],
      // The session's validator set (`on_new_session` puts it, no event at 71000): BN
      // `pallets/ddc-verification/src/lib.rs @b3fd400687f1` l.608 and l.4220-4244.
      storage: [{ name: 'ValidatorSet', plain: true, value: d.accounts }],
      errors: [
        'BadVerificationKey',
        'BadRequest',
        'Unauthorized',
        'AlreadySignedEra',
        'NotExpectedState',
        'AlreadySignedPayoutBatch',
        'NodeRetrievalError',
        'EraToValidateRetrievalError',
        'EraPerNodeRetrievalError',
        'FailToFetchIds',
        'NoValidatorExist',
        'NotController',
        'NotValidatorStash',
        'DDCValidatorKeyNotRegistered',
        'TransactionSubmissionError',
        'NoAvailableSigner',
        'FailedToGenerateProof',
        'FailedToVerifyMerkleProof',
        'NoEraValidation',
        'EraAlreadyPaid',
      ],
    },
  ];
}

/**
 * The base (non-DDC) pallets the devnet keeps from the kitchensink metadata, at the indices
 * Cere's `dev` line gives them from 73046 to 80013 (docs/cere-runtimes.md §3, columns "71000 S/D"
 * and "80013 D"; the same for 73047, 73160 and 73177). Cere pallets the kitchensink runtime lacks
 * (ChainBridge 32, Erc721 33, Erc20 34, Origins 43, TechComm 45, DdcClustersGov 46, Ismp 47,
 * IsmpGrandpa 48, Hyperbridge 49, TokenGateway 50, FeeHandler 52, DelegatedStaking 53,
 * PoolWithdrawalFix 54) are left out; their indices stay free. Their calls and events come from the
 * kitchensink runtime, not from Cere's, and no scenario step uses them except System, Timestamp,
 * Balances, Sudo and Grandpa's storage.
 */
const CERE_BASE_PALLETS: ReadonlyArray<readonly [string, number]> = [
  ['System', 0],
  ['Utility', 1],
  ['Babe', 2],
  ['Timestamp', 3],
  ['Authorship', 4],
  ['Indices', 5],
  ['Balances', 6],
  ['TransactionPayment', 7],
  ['ElectionProviderMultiPhase', 8],
  ['Staking', 9],
  ['Session', 10],
  ['Grandpa', 11],
  ['Treasury', 12],
  ['Contracts', 13],
  ['Sudo', 14],
  ['ImOnline', 15],
  ['AuthorityDiscovery', 16],
  ['Offences', 17],
  ['Historical', 18],
  ['RandomnessCollectiveFlip', 19],
  ['Identity', 20],
  ['Recovery', 21],
  ['Vesting', 22],
  ['Preimage', 23],
  ['Scheduler', 24],
  ['Proxy', 25],
  ['Multisig', 26],
  ['Bounties', 27],
  ['VoterList', 28],
  ['ChildBounties', 29],
  ['NominationPools', 30],
  ['FastUnstake', 31],
  ['ConvictionVoting', 41],
  ['Referenda', 42],
  ['Whitelist', 44],
  ['MultiBlockMigrations', 51],
];

/**
 * The base pallets of runtime `spec`: `CERE_BASE_PALLETS`, less MultiBlockMigrations before
 * 73046 (docs/cere-runtimes.md §3; at 71000 `runtime/cere-dev/src/lib.rs @b3fd400687f1`
 * l.1362-1506 ends with DdcClustersGov 46).
 */
function cereBasePallets(spec: number): ReadonlyArray<readonly [string, number]> {
  return spec < 73046
    ? CERE_BASE_PALLETS.filter(([name]) => name !== 'MultiBlockMigrations')
    : CERE_BASE_PALLETS;
}

function palletEnum(
  t: TypeTable,
  crate: string,
  kind: 'Call' | 'Event' | 'Error',
  specs: readonly VariantSpec[]
): number {
  const variants = specs.map((spec, i) =>
    variant(
      spec.name,
      spec.index ?? i,
      spec.fields.map(([name, type, typeName]) =>
        field(name === '' ? undefined : name, type, typeName)
      ),
      [...(spec.docs ?? [])]
    )
  );
  return t.variants(`${crate}::pallet::${kind}`, variants, [{ name: 'T', type: undefined }]);
}

/**
 * Rebuilds an outer enum (`RuntimeCall`, `RuntimeEvent`): the kept base pallets' variants at their
 * Cere index, then `added`, sorted by index.
 */
function rebuildOuterVariants(
  t: TypeTable,
  outer: number,
  baseIndex: ReadonlyMap<string, number>,
  added: Si1Variant[]
): void {
  const variants = t.variantsOf(outer);
  const kept = variants
    .filter((v) => baseIndex.has(v.name))
    .map((v) => ({ ...v, index: baseIndex.get(v.name)! }));
  const merged = [...kept, ...added].sort((a, b) => a.index - b.index);
  variants.splice(0, variants.length, ...merged);
}

function setConstant(pallet: PalletMetadataV14 | undefined, name: string, hex: string): void {
  const constant = pallet?.constants.find((c) => c.name === name);
  if (!constant) throw new Error(`constant ${pallet?.name}.${name} not found`);
  // The metadata codec represents `Bytes` as a 0x-prefixed hex string (its typings say Uint8Array).
  constant.value = hex as unknown as Uint8Array;
}

/**
 * A runtime the devnet can run instead of its own, for tests of what the indexer and verifier do
 * with a layout they do not know: the newest Cere layout under another spec version, with event
 * fields whose type changed (`[pallet, event, field]` become `Option<T>`, as a future Cere
 * runtime could change them; the scenario's values still encode, as `Some`).
 */
export interface DevnetRuntimeVariant {
  readonly specVersion: number;
  readonly optionFields?: ReadonlyArray<readonly [string, string, string]>;
  /** Call arguments (`[pallet, call, field]`) that become `Option<T>` the same way. */
  readonly optionCallFields?: ReadonlyArray<readonly [string, string, string]>;
}

function applyVariant(specs: PalletSpec[], t: TypeTable, v: DevnetRuntimeVariant): PalletSpec[] {
  const optional =
    (pallet: string, changes: ReadonlyArray<readonly [string, string, string]>) =>
    (x: VariantSpec): VariantSpec => {
      const changed = changes.filter(([p, n]) => p === pallet && n === x.name);
      if (changed.length === 0) return x;
      return {
        ...x,
        fields: x.fields.map(([name, type, typeName]) =>
          changed.some(([, , f]) => f === name)
            ? ([name, t.option(type), `Option<${typeName}>`] as const)
            : ([name, type, typeName] as const)
        ),
      };
    };
  return specs.map((spec) => ({
    ...spec,
    events: spec.events.map(optional(spec.name, v.optionFields ?? [])),
    ...(spec.calls ? { calls: spec.calls.map(optional(spec.name, v.optionCallFields ?? [])) } : {}),
  }));
}

/** The runtime version of a variant: the newest runtime's, with the variant's spec version. */
export function variantRuntimeVersion(v?: DevnetRuntimeVariant): DevnetRuntimeVersion {
  return v ? { ...DEVNET_RUNTIME_VERSION, specVersion: v.specVersion } : DEVNET_RUNTIME_VERSION;
}

/** The outer enum, pallet and metadata parts of one DDC pallet. */
function ddcPalletParts(
  t: TypeTable,
  spec: PalletSpec
): { call?: Si1Variant; event: Si1Variant; pallet: PalletMetadataV14 } {
  const call = spec.calls ? palletEnum(t, spec.crate, 'Call', spec.calls) : undefined;
  const event = palletEnum(t, spec.crate, 'Event', spec.events);
  const error = palletEnum(
    t,
    spec.crate,
    'Error',
    spec.errors.map((name) => ({ name, fields: [] }))
  );
  return {
    ...(call === undefined
      ? {}
      : {
          call: variant(spec.name, spec.index, [
            field(
              undefined,
              call,
              `self::sp_api_hidden_includes_construct_runtime::hidden_include::dispatch\n::CallableCallFor<${spec.name}, Runtime>`
            ),
          ]),
        }),
    event: variant(spec.name, spec.index, [
      field(undefined, event, `${spec.crate}::Event<Runtime>`),
    ]),
    pallet: {
      name: spec.name,
      storage:
        spec.storage === undefined
          ? undefined
          : {
              prefix: spec.name,
              items: spec.storage.map((x) => ({
                name: x.name,
                modifier: { __kind: x.plain ? 'Default' : 'Optional' },
                type: x.plain
                  ? { __kind: 'Plain', value: x.value }
                  : {
                      __kind: 'Map',
                      hashers: [{ __kind: x.hasher }],
                      key: x.key,
                      value: x.value,
                    },
                // The metadata codec represents `Bytes` as 0x hex (see `setConstant`): None, or
                // the empty list of a plain value.
                fallback: '0x00' as unknown as Uint8Array,
                docs: [...(x.docs ?? [])],
              })),
            },
      calls: call === undefined ? undefined : { type: call },
      events: { type: event },
      constants: [],
      errors: { type: error },
      index: spec.index,
    },
  };
}

/** Metadata of Cere runtime `spec` (its DDC layouts), or of a variant of the newest one. */
function buildMetadataV14(spec: number, runtime?: DevnetRuntimeVariant): MetadataV14 {
  const decoded = decodeMetadata(substrateMetadataHex);
  if (decoded.__kind !== 'V14') throw new Error(`expected V14 metadata, got ${decoded.__kind}`);
  const metadata = decoded.value;
  const t = new TypeTable(metadata.lookup.types);

  const d = addDdcTypes(t, spec);
  const specs = runtime ? applyVariant(ddcPallets(d, spec), t, runtime) : ddcPallets(d, spec);
  const basePallets = cereBasePallets(spec);
  const baseIndex = new Map(basePallets);
  const missing = basePallets.filter(([n]) => !metadata.pallets.some((p) => p.name === n));
  if (missing.length > 0) throw new Error(`kitchensink lacks ${missing.map(([n]) => n).join(',')}`);

  const parts = specs.map((p) => ddcPalletParts(t, p));
  rebuildOuterVariants(
    t,
    t.byPath('kitchensink_runtime::RuntimeCall'),
    baseIndex,
    parts.flatMap((p) => (p.call ? [p.call] : []))
  );
  rebuildOuterVariants(
    t,
    t.byPath('kitchensink_runtime::RuntimeEvent'),
    baseIndex,
    parts.map((p) => p.event)
  );
  metadata.pallets = [
    ...metadata.pallets
      .filter((p) => baseIndex.has(p.name))
      .map((p) => ({ ...p, index: baseIndex.get(p.name)! })),
    ...parts.map((p) => p.pallet),
  ].sort((a, b) => a.index - b.index);

  const version = runtime ? variantRuntimeVersion(runtime) : cereRuntimeVersion(spec);
  const system = metadata.pallets.find((p) => p.name === 'System');
  setConstant(system, 'SS58Prefix', hexOf(uintLe(BigInt(SS58_PREFIX), 2)));
  setConstant(system, 'Version', encodeRuntimeVersion(version));
  const balances = metadata.pallets.find((p) => p.name === 'Balances');
  setConstant(balances, 'ExistentialDeposit', hexOf(uintLe(EXISTENTIAL_DEPOSIT, 16)));

  return metadata;
}

/** Encodes a `MetadataV14` as `RuntimeMetadataPrefixed`: `meta` magic, version 14, then SCALE. */
export function encodeMetadataV14(metadata: MetadataV14): Uint8Array {
  const registry = new OldTypeRegistry({ types: metadataTypeDefinitions });
  const ti = registry.use('MetadataV14');
  const codec = new Codec(registry.getTypes());
  const body = codec.encodeToBinary(ti, metadata);
  const out = new Uint8Array(5 + body.length);
  out.set([0x6d, 0x65, 0x74, 0x61, 0x0e], 0);
  out.set(body, 5);
  return out;
}

const cached = new Map<number, Uint8Array>();
let cachedHex: string | undefined;

/** Builds the devnet metadata from scratch (uncached): the newest runtime's, or a variant's. */
export function buildDevnetMetadata(variant?: DevnetRuntimeVariant): Uint8Array {
  return encodeMetadataV14(buildMetadataV14(LATEST_CERE_SPEC, variant));
}

/**
 * The metadata (`RuntimeMetadataPrefixed`, v14) of one of `ALL_CERE_RUNTIMES` (`CERE_RUNTIMES` or
 * the billing-report runtime 71000); a fresh copy.
 */
export function cereMetadata(specVersion: number): Uint8Array {
  cereRuntime(specVersion);
  let m = cached.get(specVersion);
  if (!m) {
    m = encodeMetadataV14(buildMetadataV14(specVersion));
    cached.set(specVersion, m);
  }
  return m.slice();
}

/**
 * The newest runtime's metadata (`cereMetadata(LATEST_CERE_SPEC)`), or a variant's (built each
 * call).
 */
export function devnetMetadata(variant?: DevnetRuntimeVariant): Uint8Array {
  return variant ? buildDevnetMetadata(variant) : cereMetadata(LATEST_CERE_SPEC);
}

/** `devnetMetadata()` as 0x-prefixed hex, the `state_getMetadata` result. */
export function devnetMetadataHex(): string {
  cachedHex ??= '0x' + Buffer.from(devnetMetadata()).toString('hex');
  return cachedHex;
}

/**
 * What a chain needs to run a scenario's Cere runtimes (`DevnetScenario.runtimes`): the genesis
 * runtime's metadata and version, and each runtime it upgrades to (`ChainOptions` fields).
 */
export function cereChainRuntimes(runtimes: {
  readonly genesis: number;
  readonly upgrades: ReadonlyArray<{ readonly specVersion: number }>;
}): {
  metadata: Uint8Array;
  runtimeVersion: DevnetRuntimeVersion;
  upgrades: Array<{ metadata: Uint8Array; runtimeVersion: DevnetRuntimeVersion }>;
} {
  return {
    metadata: cereMetadata(runtimes.genesis),
    runtimeVersion: cereRuntimeVersion(runtimes.genesis),
    upgrades: runtimes.upgrades.map((u) => ({
      metadata: cereMetadata(u.specVersion),
      runtimeVersion: cereRuntimeVersion(u.specVersion),
    })),
  };
}
