/**
 * TypeORM entity schemas for every table of the migrations (`migrations/1763700000000-initial.ts`,
 * then `migrations/1763800000000-receipt-evidence.ts`), column for column.
 * They are `EntitySchema`s, not decorated classes: the code runs under tsx/esbuild, which cannot emit
 * decorator metadata. Row types are plain interfaces; properties are camelCase and map to the
 * snake_case columns. Types: `integer` → number, `bigint` and `numeric` → decimal string (a u128 does
 * not fit a JS number), `bytea` → Buffer, `jsonb` → {@link Json}, `timestamptz` → Date.
 *
 * The migration is the source of truth: `test/db.test.ts` checks that TypeORM's schema builder finds
 * nothing to change between these schemas and a migrated database, and that a schema synchronized
 * from these entities has the same columns, keys and indexes (with their `WHERE` clauses).
 * @module
 */
import { EntitySchema } from 'typeorm';
import type { EntitySchemaColumnOptions, EntitySchemaIndexOptions } from 'typeorm';

/**
 * A value of a `jsonb` column: an object, an array or a scalar, as `JSON.parse` returns it (SQL
 * `NULL` is `null` on the nullable columns). Not a recursive JSON type: that makes TypeORM's deep
 * partial types exceed TypeScript's instantiation depth (TS2589) on `insert` and `findOneBy`.
 */
export type Json = object | string | number | boolean;

// ---------------------------------------------------------------------------------------------
// Column and index builders. `nullable` is always explicit so every column states it.

type Col = EntitySchemaColumnOptions;

const text = (name: string, nullable = false): Col => ({ name, type: 'text', nullable });
const int = (name: string, nullable = false): Col => ({ name, type: 'integer', nullable });
const bool = (name: string, nullable = false): Col => ({ name, type: 'boolean', nullable });
const json = (name: string, nullable = false): Col => ({ name, type: 'jsonb', nullable });
/** `json` (text checked as JSON): for bulk columns written far more often than searched. */
const jsonText = (name: string, nullable = false): Col => ({ name, type: 'json', nullable });
const bytes = (name: string, nullable = false): Col => ({ name, type: 'bytea', nullable });
const time = (name: string, nullable = false): Col => ({ name, type: 'timestamptz', nullable });
const float = (name: string, nullable = false): Col => ({
  name,
  type: 'double precision',
  nullable,
});
/** `numeric(39, 0)`: any u128 fits. */
const amount = (name: string, nullable = false): Col => ({
  name,
  type: 'numeric',
  precision: 39,
  scale: 0,
  nullable,
});
const blockHeight = (): Col => int('block_height');
/** Marks a column as (part of) the primary key, under Postgres' default constraint name. */
const pk = (table: string, column: Col): Col => ({
  ...column,
  primary: true,
  primaryKeyConstraintName: `${table}_pkey`,
});
const index = (name: string, columns: string[], where?: string): EntitySchemaIndexOptions =>
  where === undefined ? { name, columns } : { name, columns, where };

// ---------------------------------------------------------------------------------------------
// Indexer state

/** The indexer's position: processed, finalized and best heads, and the GAR cursor. */
export interface IndexerStatus {
  id: string;
  height: number;
  hash: string;
  finalizedHeight: number;
  finalizedHash: string;
  bestHeight: number;
  bestHash: string;
  /** bigint */
  garCursor: string;
  updatedAt: Date;
  // Added by migration 1764100000000 (one verdict), so last in the table.
  /** Whether the last GAR read reached the service's end. */
  garComplete: boolean;
  /** Why the last GAR read stopped short, when it did. */
  garError: string | null;
  /** The key the GAR service anchors its grant versions with, when known. */
  garAnchorKey: string | null;
}

export const IndexerStatusEntity = new EntitySchema<IndexerStatus>({
  name: 'IndexerStatus',
  tableName: 'indexer_status',
  columns: {
    id: pk('indexer_status', text('id')),
    height: int('height'),
    hash: text('hash'),
    finalizedHeight: int('finalized_height'),
    finalizedHash: text('finalized_hash'),
    bestHeight: int('best_height'),
    bestHash: text('best_hash'),
    garCursor: { name: 'gar_cursor', type: 'bigint', nullable: false, default: 0 },
    updatedAt: { ...time('updated_at'), default: () => 'now()' },
    garComplete: { ...bool('gar_complete'), default: true },
    garError: text('gar_error', true),
    garAnchorKey: text('gar_anchor_key', true),
  },
});

/** An unfinalized block the indexer has processed (for fork detection). */
export interface HotBlock {
  height: number;
  hash: string;
}

export const HotBlockEntity = new EntitySchema<HotBlock>({
  name: 'HotBlock',
  tableName: 'hot_block',
  columns: {
    height: pk('hot_block', int('height')),
    hash: text('hash'),
  },
});

// ---------------------------------------------------------------------------------------------
// Chain

export interface Block {
  height: number;
  hash: string;
  parentHash: string;
  timestamp: Date | null;
  specVersion: number;
  /** Extrinsics of the block the indexer selected (those behind the events and calls it reads). */
  indexedExtrinsics: number;
  /** Events of the block the indexer selected (Cere DDC pallets and System.Remarked). */
  indexedEvents: number;
  final: boolean;
}

export const BlockEntity = new EntitySchema<Block>({
  name: 'Block',
  tableName: 'block',
  columns: {
    height: pk('block', int('height')),
    hash: text('hash'),
    parentHash: text('parent_hash'),
    timestamp: time('timestamp', true),
    specVersion: int('spec_version'),
    indexedExtrinsics: int('indexed_extrinsics'),
    indexedEvents: int('indexed_events'),
    final: bool('final'),
  },
  uniques: [{ name: 'block_hash_key', columns: ['hash'] }],
  indices: [
    index('block_timestamp_idx', ['timestamp']),
    index('block_not_final_idx', ['height'], 'NOT final'),
  ],
});

export interface ChainExtrinsic {
  id: string;
  blockHeight: number;
  index: number;
  hash: string;
  name: string;
  signer: string | null;
  success: boolean;
  args: Json | null;
}

export const ChainExtrinsicEntity = new EntitySchema<ChainExtrinsic>({
  name: 'ChainExtrinsic',
  tableName: 'chain_extrinsic',
  columns: {
    id: pk('chain_extrinsic', text('id')),
    blockHeight: blockHeight(),
    index: int('index'),
    hash: text('hash'),
    name: text('name'),
    signer: text('signer', true),
    success: bool('success'),
    args: json('args', true),
  },
  indices: [
    index('chain_extrinsic_block_idx', ['blockHeight', 'index']),
    index('chain_extrinsic_name_idx', ['name', 'blockHeight']),
    index('chain_extrinsic_hash_idx', ['hash']),
  ],
});

export interface ChainEvent {
  id: string;
  blockHeight: number;
  index: number;
  extrinsicIndex: number | null;
  name: string;
  args: Json | null;
}

export const ChainEventEntity = new EntitySchema<ChainEvent>({
  name: 'ChainEvent',
  tableName: 'chain_event',
  columns: {
    id: pk('chain_event', text('id')),
    blockHeight: blockHeight(),
    index: int('index'),
    extrinsicIndex: int('extrinsic_index', true),
    name: text('name'),
    args: json('args', true),
  },
  indices: [
    index('chain_event_block_idx', ['blockHeight', 'index']),
    index('chain_event_name_idx', ['name', 'blockHeight']),
  ],
});

// ---------------------------------------------------------------------------------------------
// DDC clusters, providers, nodes, customers, buckets, validators

export interface Cluster {
  id: string;
  manager: string | null;
  reserve: string | null;
  params: Json | null;
  blockHeight: number;
  eventId: string;
}

export const ClusterEntity = new EntitySchema<Cluster>({
  name: 'Cluster',
  tableName: 'cluster',
  columns: {
    id: pk('cluster', text('id')),
    manager: text('manager', true),
    reserve: text('reserve', true),
    params: json('params', true),
    blockHeight: blockHeight(),
    eventId: text('event_id'),
  },
  indices: [index('cluster_block_idx', ['blockHeight'])],
});

export interface ClusterProtocolParams {
  id: string;
  clusterId: string;
  /** numeric(39,0) */
  treasuryShare: string;
  /** numeric(39,0) */
  validatorsShare: string;
  /** numeric(39,0) */
  reserveShare: string;
  pricing: Json;
  blockHeight: number;
}

export const ClusterProtocolParamsEntity = new EntitySchema<ClusterProtocolParams>({
  name: 'ClusterProtocolParams',
  tableName: 'cluster_protocol_params',
  columns: {
    id: pk('cluster_protocol_params', text('id')),
    clusterId: text('cluster_id'),
    treasuryShare: amount('treasury_share'),
    validatorsShare: amount('validators_share'),
    reserveShare: amount('reserve_share'),
    pricing: json('pricing'),
    blockHeight: blockHeight(),
  },
  indices: [
    index('cluster_protocol_params_cluster_idx', ['clusterId', 'blockHeight']),
    index('cluster_protocol_params_block_idx', ['blockHeight']),
  ],
});

export interface Provider {
  id: string;
  blockHeight: number;
}

export const ProviderEntity = new EntitySchema<Provider>({
  name: 'Provider',
  tableName: 'provider',
  columns: {
    id: pk('provider', text('id')),
    blockHeight: blockHeight(),
  },
  indices: [index('provider_block_idx', ['blockHeight'])],
});

/** A DDC storage node. */
export interface Node {
  id: string;
  kind: string;
  providerId: string;
  params: Json | null;
  blockHeight: number;
  eventId: string;
}

export const NodeEntity = new EntitySchema<Node>({
  name: 'Node',
  tableName: 'node',
  columns: {
    id: pk('node', text('id')),
    kind: text('kind'),
    providerId: text('provider_id'),
    params: json('params', true),
    blockHeight: blockHeight(),
    eventId: text('event_id'),
  },
  indices: [index('node_provider_idx', ['providerId']), index('node_block_idx', ['blockHeight'])],
});

export interface ClusterNodeEvent {
  id: string;
  clusterId: string;
  nodeId: string;
  kind: string;
  blockHeight: number;
}

export const ClusterNodeEventEntity = new EntitySchema<ClusterNodeEvent>({
  name: 'ClusterNodeEvent',
  tableName: 'cluster_node_event',
  columns: {
    id: pk('cluster_node_event', text('id')),
    clusterId: text('cluster_id'),
    nodeId: text('node_id'),
    kind: text('kind'),
    blockHeight: blockHeight(),
  },
  indices: [
    index('cluster_node_event_cluster_idx', ['clusterId', 'nodeId', 'blockHeight']),
    index('cluster_node_event_block_idx', ['blockHeight']),
  ],
});

export interface Customer {
  id: string;
  blockHeight: number;
}

export const CustomerEntity = new EntitySchema<Customer>({
  name: 'Customer',
  tableName: 'customer',
  columns: {
    id: pk('customer', text('id')),
    blockHeight: blockHeight(),
  },
  indices: [index('customer_block_idx', ['blockHeight'])],
});

export interface CustomerDeposit {
  id: string;
  customerId: string;
  clusterId: string | null;
  /** numeric(39,0) */
  amount: string;
  blockHeight: number;
}

export const CustomerDepositEntity = new EntitySchema<CustomerDeposit>({
  name: 'CustomerDeposit',
  tableName: 'customer_deposit',
  columns: {
    id: pk('customer_deposit', text('id')),
    customerId: text('customer_id'),
    clusterId: text('cluster_id', true),
    amount: amount('amount'),
    blockHeight: blockHeight(),
  },
  indices: [
    index('customer_deposit_customer_idx', ['customerId', 'blockHeight']),
    index('customer_deposit_block_idx', ['blockHeight']),
  ],
});

export interface Bucket {
  /** numeric(20,0): a u64 bucket id */
  id: string;
  ownerId: string;
  clusterId: string;
  params: Json | null;
  blockHeight: number;
}

export const BucketEntity = new EntitySchema<Bucket>({
  name: 'Bucket',
  tableName: 'bucket',
  columns: {
    id: pk('bucket', { name: 'id', type: 'numeric', precision: 20, scale: 0, nullable: false }),
    ownerId: text('owner_id'),
    clusterId: text('cluster_id'),
    params: json('params', true),
    blockHeight: blockHeight(),
  },
  indices: [index('bucket_owner_idx', ['ownerId']), index('bucket_block_idx', ['blockHeight'])],
});

export interface Validator {
  id: string;
  blockHeight: number;
  eventId: string;
}

export const ValidatorEntity = new EntitySchema<Validator>({
  name: 'Validator',
  tableName: 'validator',
  columns: {
    id: pk('validator', text('id')),
    blockHeight: blockHeight(),
    eventId: text('event_id'),
  },
  indices: [index('validator_block_idx', ['blockHeight'])],
});

// ---------------------------------------------------------------------------------------------
// GAR grants and remarks

export interface GarGrant {
  /** bigint: GAR's global sequence number */
  seq: string;
  userId: string | null;
  agentId: string | null;
  payload: string;
  signature: string;
  payloadHash: string;
  createdAt: Date | null;
  expiresAt: Date | null;
  revoked: boolean | null;
  scope: Json | null;
  url: string;
  parseCode: string | null;
  fetchedAt: Date;
}

export const GarGrantEntity = new EntitySchema<GarGrant>({
  name: 'GarGrant',
  tableName: 'gar_grant',
  columns: {
    seq: pk('gar_grant', { name: 'seq', type: 'bigint', nullable: false }),
    userId: text('user_id', true),
    agentId: text('agent_id', true),
    payload: text('payload'),
    signature: text('signature'),
    payloadHash: text('payload_hash'),
    createdAt: time('created_at', true),
    expiresAt: time('expires_at', true),
    revoked: bool('revoked', true),
    scope: json('scope', true),
    url: text('url'),
    parseCode: text('parse_code', true),
    fetchedAt: { ...time('fetched_at'), default: () => 'now()' },
  },
  indices: [
    index('gar_grant_pair_idx', ['userId', 'agentId', 'seq']),
    index('gar_grant_agent_idx', ['agentId']),
    index('gar_grant_payload_hash_idx', ['payloadHash']),
  ],
});

/** A `System.Remarked` event, with the SCP envelope when the remark carried one. */
export interface Remark {
  id: string;
  blockHeight: number;
  eventIndex: number;
  extrinsicId: string | null;
  sender: string | null;
  hash: string;
  envelope: Buffer | null;
  kind: string | null;
  code: string | null;
}

export const RemarkEntity = new EntitySchema<Remark>({
  name: 'Remark',
  tableName: 'remark',
  columns: {
    id: pk('remark', text('id')),
    blockHeight: blockHeight(),
    eventIndex: int('event_index'),
    extrinsicId: text('extrinsic_id', true),
    sender: text('sender', true),
    hash: text('hash'),
    envelope: bytes('envelope', true),
    kind: text('kind', true),
    code: text('code', true),
  },
  indices: [
    index('remark_block_idx', ['blockHeight']),
    index('remark_hash_idx', ['hash']),
    index('remark_kind_idx', ['kind', 'blockHeight']),
  ],
});

export interface GarAnchorEntry {
  id: string;
  remarkId: string;
  position: number;
  payloadHash: string;
  blockHeight: number;
  /** The (user, agent) pair a `GarPairAnchor` entry names; null for legacy `GarAnchor` entries. */
  pairId: string | null;
}

export const GarAnchorEntryEntity = new EntitySchema<GarAnchorEntry>({
  name: 'GarAnchorEntry',
  tableName: 'gar_anchor_entry',
  columns: {
    id: pk('gar_anchor_entry', text('id')),
    remarkId: text('remark_id'),
    position: int('position'),
    payloadHash: text('payload_hash'),
    blockHeight: blockHeight(),
    pairId: text('pair_id', true),
  },
  indices: [
    index('gar_anchor_entry_hash_idx', ['payloadHash']),
    index('gar_anchor_entry_block_idx', ['blockHeight']),
    index('gar_anchor_entry_pair_idx', ['pairId']),
  ],
});

// ---------------------------------------------------------------------------------------------
// DAC batches and activity records

export interface DacBatch {
  id: string;
  remarkId: string;
  clusterId: string;
  era: number;
  batchIndex: number;
  recordFormat: number;
  leafCount: number;
  root: string;
  payloadHash: string;
  payloadStatus: string;
  payloadUrl: string | null;
  payloadSize: number | null;
  fetchAttempts: number;
  recordsFailed: number;
  blockHeight: number;
}

export const DacBatchEntity = new EntitySchema<DacBatch>({
  name: 'DacBatch',
  tableName: 'dac_batch',
  columns: {
    id: pk('dac_batch', text('id')),
    remarkId: text('remark_id'),
    clusterId: text('cluster_id'),
    era: int('era'),
    batchIndex: int('batch_index'),
    recordFormat: int('record_format'),
    leafCount: int('leaf_count'),
    root: text('root'),
    payloadHash: text('payload_hash'),
    payloadStatus: text('payload_status'),
    payloadUrl: text('payload_url', true),
    payloadSize: int('payload_size', true),
    fetchAttempts: { ...int('fetch_attempts'), default: 0 },
    recordsFailed: { ...int('records_failed'), default: 0 },
    blockHeight: blockHeight(),
  },
  indices: [
    index('dac_batch_era_idx', ['clusterId', 'era', 'batchIndex']),
    index('dac_batch_payload_idx', ['payloadHash']),
    index('dac_batch_block_idx', ['blockHeight']),
  ],
});

export interface ActivityRecord {
  id: string;
  recordId: string;
  batchId: string;
  leafIndex: number;
  clusterId: string | null;
  era: number | null;
  userId: string | null;
  agentId: string | null;
  customerId: string | null;
  providerId: string | null;
  nodeId: string | null;
  timestamp: Date | null;
  /** numeric(39,0) */
  cost: string | null;
  usage: Json | null;
  raw: Buffer;
  ok: boolean;
  failed: number;
  blockHeight: number;
  /**
   * The record's MMR inclusion proof: its 32-byte items concatenated in proof order (empty for a
   * one-leaf batch). NULL on rows indexed before migration 1763800000000.
   */
  proof: Buffer | null;
  // Added by migration 1764100000000 (one verdict).
  /** Pending lines of the record's own subjects (record and links). */
  pending: number;
  /** The head height when the record's links (consent, registrations) were last computed. */
  linksHeight: number | null;
  /** bigint: the GAR read position the links were computed with. */
  garCursor: string | null;
  /** Whether that GAR read had reached the service's end. */
  garComplete: boolean | null;
}

export const ActivityRecordEntity = new EntitySchema<ActivityRecord>({
  name: 'ActivityRecord',
  tableName: 'activity_record',
  columns: {
    id: pk('activity_record', text('id')),
    recordId: text('record_id'),
    batchId: text('batch_id'),
    leafIndex: int('leaf_index'),
    clusterId: text('cluster_id', true),
    era: int('era', true),
    userId: text('user_id', true),
    agentId: text('agent_id', true),
    customerId: text('customer_id', true),
    providerId: text('provider_id', true),
    nodeId: text('node_id', true),
    timestamp: time('timestamp', true),
    cost: amount('cost', true),
    usage: json('usage', true),
    raw: bytes('raw'),
    ok: bool('ok'),
    failed: int('failed'),
    blockHeight: blockHeight(),
    // Added by migration 1763800000000, so last in the table.
    proof: bytes('proof', true),
    pending: { ...int('pending'), default: 0 },
    linksHeight: int('links_height', true),
    garCursor: { name: 'gar_cursor', type: 'bigint', nullable: true },
    garComplete: bool('gar_complete', true),
  },
  indices: [
    index('activity_record_record_idx', ['recordId']),
    index('activity_record_batch_idx', ['batchId', 'leafIndex']),
    index('activity_record_era_idx', ['clusterId', 'era']),
    index('activity_record_customer_idx', ['customerId', 'era', 'timestamp']),
    index('activity_record_provider_idx', ['providerId', 'era', 'timestamp']),
    index('activity_record_user_idx', ['userId', 'timestamp']),
    index('activity_record_failed_idx', ['era'], 'NOT ok'),
    index('activity_record_block_idx', ['blockHeight']),
    index('activity_record_pair_idx', ['userId', 'agentId']),
    index('activity_record_links_idx', ['linksHeight']),
    index('activity_record_pending_idx', ['blockHeight'], 'pending > 0'),
  ],
});

// ---------------------------------------------------------------------------------------------
// Validator attestations

export interface AttestationVote {
  id: string;
  clusterId: string;
  era: number;
  validatorId: string;
  payersRoot: string;
  payeesRoot: string;
  fingerprint: string | null;
  ehdId: string | null;
  extrinsicId: string | null;
  blockHeight: number;
  /** bigint: the billing report's first era, a 71000 vote's (added by migration 1764300000000). */
  startEra: string | null;
  /** bigint: the billing report's last era, a 71000 vote's (added by migration 1764300000000). */
  endEra: string | null;
  /**
   * A 71000 vote's `cluster_usage` (`{storedBytes, transferredBytes, numberOfPuts, numberOfGets}`,
   * decimal strings; added by migration 1764300000000).
   */
  clusterUsage: Json | null;
}

export const AttestationVoteEntity = new EntitySchema<AttestationVote>({
  name: 'AttestationVote',
  tableName: 'attestation_vote',
  columns: {
    id: pk('attestation_vote', text('id')),
    clusterId: text('cluster_id'),
    era: int('era'),
    validatorId: text('validator_id'),
    payersRoot: text('payers_root'),
    payeesRoot: text('payees_root'),
    fingerprint: text('fingerprint', true),
    ehdId: text('ehd_id', true),
    extrinsicId: text('extrinsic_id', true),
    blockHeight: blockHeight(),
    startEra: { name: 'start_era', type: 'bigint', nullable: true },
    endEra: { name: 'end_era', type: 'bigint', nullable: true },
    clusterUsage: json('cluster_usage', true),
  },
  indices: [
    index('attestation_vote_era_idx', ['clusterId', 'era', 'blockHeight']),
    index('attestation_vote_validator_idx', ['validatorId']),
    index('attestation_vote_block_idx', ['blockHeight']),
  ],
});

export interface AttestationRound {
  id: string;
  clusterId: string;
  era: number;
  ehdId: string | null;
  validators: number;
  threshold: number;
  agreeing: number;
  quorum: boolean;
  payersRoot: string | null;
  payeesRoot: string | null;
  rootsMatch: boolean;
  blockHeight: number;
}

export const AttestationRoundEntity = new EntitySchema<AttestationRound>({
  name: 'AttestationRound',
  tableName: 'attestation_round',
  columns: {
    id: pk('attestation_round', text('id')),
    clusterId: text('cluster_id'),
    era: int('era'),
    ehdId: text('ehd_id', true),
    validators: int('validators'),
    threshold: int('threshold'),
    agreeing: int('agreeing'),
    quorum: bool('quorum'),
    payersRoot: text('payers_root', true),
    payeesRoot: text('payees_root', true),
    rootsMatch: bool('roots_match'),
    blockHeight: blockHeight(),
  },
  indices: [
    index('attestation_round_era_idx', ['clusterId', 'era']),
    index('attestation_round_block_idx', ['blockHeight']),
  ],
});

// ---------------------------------------------------------------------------------------------
// Payouts

export interface PayoutBatch {
  id: string;
  clusterId: string;
  era: number;
  side: string;
  batchIndex: number;
  maxBatchIndex: number;
  entries: Json;
  proof: Json;
  extrinsicId: string;
  blockHeight: number;
  /**
   * `'receipt'` (entries `[account, amount]`) or `'billing-report'` (entries `[bucket id | node
   * key, usage]`, spec 71000; added by migration 1764300000000).
   */
  design: string;
}

export const PayoutBatchEntity = new EntitySchema<PayoutBatch>({
  name: 'PayoutBatch',
  tableName: 'payout_batch',
  columns: {
    id: pk('payout_batch', text('id')),
    clusterId: text('cluster_id'),
    era: int('era'),
    side: text('side'),
    batchIndex: int('batch_index'),
    maxBatchIndex: int('max_batch_index'),
    entries: json('entries'),
    proof: json('proof'),
    extrinsicId: text('extrinsic_id'),
    blockHeight: blockHeight(),
    design: { ...text('design'), default: 'receipt' },
  },
  indices: [
    index('payout_batch_era_idx', ['clusterId', 'era', 'side', 'batchIndex']),
    index('payout_batch_block_idx', ['blockHeight']),
  ],
});

export interface PayoutLine {
  id: string;
  clusterId: string;
  era: number;
  kind: string;
  accountId: string | null;
  /** numeric(39,0) */
  amount: string;
  /** numeric(39,0) */
  expected: string | null;
  batchIndex: number | null;
  extrinsicId: string | null;
  blockHeight: number;
  /** numeric: the u64 bucket a 71000 charge is for (added by migration 1764300000000). */
  bucketId: string | null;
}

export const PayoutLineEntity = new EntitySchema<PayoutLine>({
  name: 'PayoutLine',
  tableName: 'payout_line',
  columns: {
    id: pk('payout_line', text('id')),
    clusterId: text('cluster_id'),
    era: int('era'),
    kind: text('kind'),
    accountId: text('account_id', true),
    amount: amount('amount'),
    expected: amount('expected', true),
    batchIndex: int('batch_index', true),
    extrinsicId: text('extrinsic_id', true),
    blockHeight: blockHeight(),
    bucketId: { name: 'bucket_id', type: 'numeric', nullable: true },
  },
  indices: [
    index('payout_line_era_idx', ['clusterId', 'era', 'kind']),
    index('payout_line_account_idx', ['accountId', 'era']),
    index('payout_line_block_idx', ['blockHeight']),
  ],
});

export interface EraPayout {
  id: string;
  clusterId: string;
  era: number;
  /** numeric(39,0) */
  charged: string;
  /** numeric(39,0) */
  treasuryFee: string;
  /** numeric(39,0) */
  reserveFee: string;
  /** numeric(39,0) */
  validatorFee: string;
  /** numeric(39,0) */
  rewarded: string;
  /** numeric(39,0) */
  notDistributed: string;
  records: number;
  paidEventId: string | null;
  ok: boolean;
  failed: number;
  blockHeight: number;
}

export const EraPayoutEntity = new EntitySchema<EraPayout>({
  name: 'EraPayout',
  tableName: 'era_payout',
  columns: {
    id: pk('era_payout', text('id')),
    clusterId: text('cluster_id'),
    era: int('era'),
    charged: amount('charged'),
    treasuryFee: amount('treasury_fee'),
    reserveFee: amount('reserve_fee'),
    validatorFee: amount('validator_fee'),
    rewarded: amount('rewarded'),
    notDistributed: amount('not_distributed'),
    records: int('records'),
    paidEventId: text('paid_event_id', true),
    ok: bool('ok'),
    failed: int('failed'),
    blockHeight: blockHeight(),
  },
  indices: [
    index('era_payout_era_idx', ['clusterId', 'era']),
    index('era_payout_block_idx', ['blockHeight']),
  ],
});

// ---------------------------------------------------------------------------------------------
// Verification results and sentinel checks

export interface VerificationSubject {
  kind: string;
  id: string;
  ok: boolean;
  passed: number;
  failed: number;
  verifierVersion: string;
  verifiedAt: Date;
  blockHeight: number;
  /** Lines waiting for an input (added by migration 1764100000000). */
  pending: number;
  /** Lines a skipped era made moot (added by migration 1764200000000). */
  skipped: number;
}

export const VerificationSubjectEntity = new EntitySchema<VerificationSubject>({
  name: 'VerificationSubject',
  tableName: 'verification_subject',
  columns: {
    kind: pk('verification_subject', text('kind')),
    id: pk('verification_subject', text('id')),
    ok: bool('ok'),
    passed: int('passed'),
    failed: int('failed'),
    verifierVersion: text('verifier_version'),
    verifiedAt: { ...time('verified_at'), default: () => 'now()' },
    blockHeight: blockHeight(),
    pending: { ...int('pending'), default: 0 },
    skipped: { ...int('skipped'), default: 0 },
  },
  indices: [
    index('verification_subject_failed_idx', ['kind', 'blockHeight'], 'NOT ok'),
    index('verification_subject_block_idx', ['blockHeight']),
  ],
});

export interface VerificationLine {
  subjectKind: string;
  subjectId: string;
  seq: number;
  step: string;
  checkName: string;
  ok: boolean;
  code: string | null;
  rule: string;
  basis: string;
  facts: Json | null;
  source: Json | null;
  blockHeight: number;
  /** Not ok and waiting for an input, rather than failed (added by migration 1764100000000). */
  pending: boolean;
  /** Not ok because Root skipped the era, rather than failed (added by migration 1764200000000). */
  skipped: boolean;
}

export const VerificationLineEntity = new EntitySchema<VerificationLine>({
  name: 'VerificationLine',
  tableName: 'verification_line',
  columns: {
    subjectKind: pk('verification_line', text('subject_kind')),
    subjectId: pk('verification_line', text('subject_id')),
    seq: pk('verification_line', int('seq')),
    step: text('step'),
    checkName: text('check_name'),
    ok: bool('ok'),
    code: text('code', true),
    rule: text('rule'),
    basis: text('basis'),
    facts: jsonText('facts', true),
    source: jsonText('source', true),
    blockHeight: blockHeight(),
    pending: { ...bool('pending'), default: false },
    skipped: { ...bool('skipped'), default: false },
  },
  indices: [
    index('verification_line_failed_idx', ['code', 'step'], 'NOT ok'),
    index('verification_line_block_idx', ['blockHeight']),
    index('verification_line_pending_idx', ['code', 'step'], 'pending'),
  ],
});

export interface SentinelCheck {
  /** bigserial, assigned by the database */
  id: string;
  batchId: string | null;
  payloadHash: string;
  nodeUrl: string;
  checkedAt: Date;
  ok: boolean;
  code: string | null;
  latencyMs: number | null;
  facts: Json | null;
  // Added by migration 1764000000000 (the sentinel), so last in the table.
  /** The round (`sentinel_round.id`) that sampled this leaf. */
  roundId: string | null;
  /** The sampled leaf: `<batch id>:<leaf index>`, the activity record's id. */
  activityId: string | null;
  leafIndex: number | null;
  /** ok, mismatch, missing, timeout or error. */
  kind: string | null;
  /** The signed evidence document of a failure (verifier/evidence.ts). */
  evidence: Json | null;
  notifyAttempts: number;
  notifiedAt: Date | null;
}

export const SentinelCheckEntity = new EntitySchema<SentinelCheck>({
  name: 'SentinelCheck',
  tableName: 'sentinel_check',
  columns: {
    id: pk('sentinel_check', {
      name: 'id',
      type: 'bigint',
      nullable: false,
      generated: 'increment',
    }),
    batchId: text('batch_id', true),
    payloadHash: text('payload_hash'),
    nodeUrl: text('node_url'),
    checkedAt: { ...time('checked_at'), default: () => 'now()' },
    ok: bool('ok'),
    code: text('code', true),
    latencyMs: int('latency_ms', true),
    facts: json('facts', true),
    roundId: text('round_id', true),
    activityId: text('activity_id', true),
    leafIndex: int('leaf_index', true),
    kind: text('kind', true),
    evidence: json('evidence', true),
    notifyAttempts: { ...int('notify_attempts'), default: 0 },
    notifiedAt: time('notified_at', true),
  },
  indices: [
    index('sentinel_check_payload_idx', ['payloadHash', 'checkedAt']),
    index('sentinel_check_failed_idx', ['checkedAt'], 'NOT ok'),
    index('sentinel_check_notify_idx', ['id'], 'NOT ok AND notified_at IS NULL'),
    index('sentinel_check_checked_idx', ['checkedAt', 'id']),
  ],
  uniques: [{ name: 'sentinel_check_sample_key', columns: ['roundId', 'activityId', 'nodeUrl'] }],
});

/** A sentinel round: the sample of one paid era drawn by one sentinel key, and its figures. */
export interface SentinelRound {
  /** `<cluster id>-<era>-<first 16 hex digits of the sentinel key>` */
  id: string;
  clusterId: string;
  era: number;
  /** The sentinel's ed25519 public key, 0x-hex. */
  sentinel: string;
  /** The finalized block whose ClusterEraPaid closed the era, and its hash (the seed's input). */
  seedHeight: number;
  seedHash: string;
  /** blake2b-256 of the seed, published when the round starts. */
  seedCommitment: string;
  /** The seed, revealed when the round is complete. */
  seed: string | null;
  /** Leaves of the era's batches anchored in final blocks up to the seed block. */
  population: number;
  batches: number;
  sampleSize: number;
  targetConfidence: number;
  targetBadFraction: number;
  sampleRule: string;
  /** Storage nodes asked per sampled leaf. */
  nodes: number;
  sampled: number;
  ok: number;
  failed: number;
  /** Sampled leaves no node served intact. */
  lost: number;
  nodeChecks: number;
  failedByKind: Json;
  /** Chance the sample so far would have caught ceil(p·N) bad leaves. */
  confidence: number;
  /** Most bad leaves consistent, at the target confidence, with the failures seen. */
  badBound: number;
  /** sampling or complete */
  status: string;
  startedAt: Date;
  completedAt: Date | null;
  updatedAt: Date;
}

export const SentinelRoundEntity = new EntitySchema<SentinelRound>({
  name: 'SentinelRound',
  tableName: 'sentinel_round',
  columns: {
    id: pk('sentinel_round', text('id')),
    clusterId: text('cluster_id'),
    era: int('era'),
    sentinel: text('sentinel'),
    seedHeight: int('seed_height'),
    seedHash: text('seed_hash'),
    seedCommitment: text('seed_commitment'),
    seed: text('seed', true),
    population: int('population'),
    batches: int('batches'),
    sampleSize: int('sample_size'),
    targetConfidence: float('target_confidence'),
    targetBadFraction: float('target_bad_fraction'),
    sampleRule: text('sample_rule'),
    nodes: int('nodes'),
    sampled: { ...int('sampled'), default: 0 },
    ok: { ...int('ok'), default: 0 },
    failed: { ...int('failed'), default: 0 },
    lost: { ...int('lost'), default: 0 },
    nodeChecks: { ...int('node_checks'), default: 0 },
    failedByKind: { ...json('failed_by_kind'), default: () => "'{}'" },
    confidence: float('confidence'),
    badBound: int('bad_bound'),
    status: text('status'),
    startedAt: { ...time('started_at'), default: () => 'now()' },
    completedAt: time('completed_at', true),
    updatedAt: { ...time('updated_at'), default: () => 'now()' },
  },
  indices: [
    index('sentinel_round_era_idx', ['clusterId', 'era']),
    index('sentinel_round_sentinel_idx', ['sentinel', 'status']),
  ],
});

// ---------------------------------------------------------------------------------------------
// Chain identity (migration 1763800000000)

/** `begin_payout(cluster_id, era_id, fingerprint)`: the fingerprint an era's payout began with. */
export interface PayoutBegin {
  /** The extrinsic's id, `<block>-<index>`. */
  id: string;
  clusterId: string;
  era: number;
  fingerprint: string;
  blockHeight: number;
}

export const PayoutBeginEntity = new EntitySchema<PayoutBegin>({
  name: 'PayoutBegin',
  tableName: 'payout_begin',
  columns: {
    id: pk('payout_begin', text('id')),
    clusterId: text('cluster_id'),
    era: int('era'),
    fingerprint: text('fingerprint'),
    blockHeight: blockHeight(),
  },
  indices: [
    index('payout_begin_era_idx', ['clusterId', 'era']),
    index('payout_begin_block_idx', ['blockHeight']),
  ],
});

/** `DdcVerification.ValidatorsSetUpdated { validators }`: the validator set from that block on. */
export interface ValidatorSet {
  /** The event's id, `<block>-<index>`. */
  id: string;
  /** The members, 0x-hex account ids, in the event's order. */
  members: Json;
  blockHeight: number;
}

export const ValidatorSetEntity = new EntitySchema<ValidatorSet>({
  name: 'ValidatorSet',
  tableName: 'validator_set',
  columns: {
    id: pk('validator_set', text('id')),
    members: json('members'),
    blockHeight: blockHeight(),
  },
  indices: [index('validator_set_block_idx', ['blockHeight'])],
});

/** The chain the indexer follows, as its RPC endpoint answered at start (one row, id `main`). */
export interface ChainInfo {
  id: string;
  /** `system_chain` */
  name: string;
  /** `chain_getBlockHash(0)`, 0x-hex */
  genesisHash: string;
  /** `system_properties.ss58Format`, when the chain states one */
  ss58Prefix: number | null;
  /** `system_properties` as answered */
  properties: Json | null;
  updatedAt: Date;
}

export const ChainInfoEntity = new EntitySchema<ChainInfo>({
  name: 'ChainInfo',
  tableName: 'chain_info',
  columns: {
    id: pk('chain_info', text('id')),
    name: text('name'),
    genesisHash: text('genesis_hash'),
    ss58Prefix: int('ss58_prefix', true),
    properties: json('properties', true),
    updatedAt: { ...time('updated_at'), default: () => 'now()' },
  },
});

/** Every entity, in the migrations' table order. */
export const ENTITIES: readonly EntitySchema[] = [
  IndexerStatusEntity,
  HotBlockEntity,
  BlockEntity,
  ChainExtrinsicEntity,
  ChainEventEntity,
  ClusterEntity,
  ClusterProtocolParamsEntity,
  ProviderEntity,
  NodeEntity,
  ClusterNodeEventEntity,
  CustomerEntity,
  CustomerDepositEntity,
  BucketEntity,
  ValidatorEntity,
  GarGrantEntity,
  RemarkEntity,
  GarAnchorEntryEntity,
  DacBatchEntity,
  ActivityRecordEntity,
  AttestationVoteEntity,
  AttestationRoundEntity,
  PayoutBatchEntity,
  PayoutLineEntity,
  EraPayoutEntity,
  VerificationSubjectEntity,
  VerificationLineEntity,
  SentinelCheckEntity,
  SentinelRoundEntity,
  ChainInfoEntity,
  PayoutBeginEntity,
  ValidatorSetEntity,
];
