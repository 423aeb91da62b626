/**
 * The row contract of every table, generated from schema.graphql by `npm run rows`
 * (scripts/rows.ts). Do not edit: edit schema.graphql and regenerate.
 *
 * Per table: `<Entity>Row`, a row as node-postgres reads it (int8 and numeric as decimal
 * strings, timestamptz as Date, bytea as Buffer, json parsed); `<Entity>Insert`, the row a
 * writer hands `insertRows` (json as its JSON text; `@defaulted` columns left out); and in
 * `TABLES` the written columns in order with their PostgreSQL types.
 * @module
 */

export type PgType =
  | 'text'
  | 'int4'
  | 'int8'
  | 'numeric'
  | 'bool'
  | 'json'
  | 'jsonb'
  | 'bytea'
  | 'timestamptz'
  | 'float8';

export interface TableSpec {
  /** The schema.graphql type. */
  readonly entity: string;
  readonly key: readonly string[];
  /** `@internal`: stored, not served by the API. */
  readonly internal: boolean;
  /** The columns a writer supplies, in order: name, type, whether null is allowed. */
  readonly columns: ReadonlyArray<readonly [string, PgType, boolean]>;
  /** The columns the database fills on insert. */
  readonly defaulted: readonly string[];
}

export interface ActivityCountRow {
  /** field `ActivityCount.blockHeight`, int4 */
  block_height: number;
  /** field `ActivityCount.clusterId`, text, null allowed */
  cluster_id: string | null;
  /** field `ActivityCount.era`, int4, null allowed */
  era: number | null;
  /** field `ActivityCount.ok`, bool */
  ok: boolean;
  /** field `ActivityCount.failing`, bool */
  failing: boolean;
  /** field `ActivityCount.waiting`, bool */
  waiting: boolean;
  /** field `ActivityCount.records`, int4 */
  records: number;
  /** field `ActivityCount.cost`, numeric */
  cost: string;
  /** field `ActivityCount.firstTimestamp`, timestamptz, null allowed */
  first_timestamp: Date | null;
  /** field `ActivityCount.lastTimestamp`, timestamptz, null allowed */
  last_timestamp: Date | null;
}

export interface ActivityCountInsert {
  block_height: number;
  cluster_id: string | null;
  era: number | null;
  ok: boolean;
  failing: boolean;
  waiting: boolean;
  records: number;
  cost: string;
  first_timestamp: Date | string | null;
  last_timestamp: Date | string | null;
}

export interface ActivityRecordRow {
  /** field `ActivityRecord.id`, text */
  id: string;
  /** field `ActivityRecord.recordId`, text */
  record_id: string;
  /** field `ActivityRecord.batchId`, text */
  batch_id: string;
  /** field `ActivityRecord.leafIndex`, int4 */
  leaf_index: number;
  /** field `ActivityRecord.clusterId`, text, null allowed */
  cluster_id: string | null;
  /** field `ActivityRecord.era`, int4, null allowed */
  era: number | null;
  /** field `ActivityRecord.userId`, text, null allowed */
  user_id: string | null;
  /** field `ActivityRecord.agentId`, text, null allowed */
  agent_id: string | null;
  /** field `ActivityRecord.customerId`, text, null allowed */
  customer_id: string | null;
  /** field `ActivityRecord.providerId`, text, null allowed */
  provider_id: string | null;
  /** field `ActivityRecord.nodeId`, text, null allowed */
  node_id: string | null;
  /** field `ActivityRecord.timestamp`, timestamptz, null allowed */
  timestamp: Date | null;
  /** field `ActivityRecord.cost`, numeric, null allowed */
  cost: string | null;
  /** field `ActivityRecord.usage`, jsonb, null allowed */
  usage: unknown | null;
  /** field `ActivityRecord.raw`, bytea */
  raw: Buffer;
  /** field `ActivityRecord.proof`, bytea, null allowed */
  proof: Buffer | null;
  /** field `ActivityRecord.ok`, bool */
  ok: boolean;
  /** field `ActivityRecord.failed`, int4 */
  failed: number;
  /** field `ActivityRecord.pending`, int4 */
  pending: number;
  /** field `ActivityRecord.blockHeight`, int4 */
  block_height: number;
  /** field `ActivityRecord.linksHeight`, int4, null allowed */
  links_height: number | null;
  /** internal (not served), int8, null allowed */
  gar_cursor: string | null;
  /** internal (not served), bool, null allowed */
  gar_complete: boolean | null;
}

export interface ActivityRecordInsert {
  id: string;
  record_id: string;
  batch_id: string;
  leaf_index: number;
  cluster_id: string | null;
  era: number | null;
  user_id: string | null;
  agent_id: string | null;
  customer_id: string | null;
  provider_id: string | null;
  node_id: string | null;
  timestamp: Date | string | null;
  cost: string | null;
  usage: string | null;
  raw: Uint8Array;
  proof: Uint8Array | null;
  ok: boolean;
  failed: number;
  pending: number;
  block_height: number;
  links_height: number | null;
  gar_cursor: number | string | null;
  gar_complete: boolean | null;
}

export interface AttestationRoundRow {
  /** field `AttestationRound.id`, text */
  id: string;
  /** field `AttestationRound.clusterId`, text */
  cluster_id: string;
  /** field `AttestationRound.era`, int4 */
  era: number;
  /** field `AttestationRound.ehdId`, text, null allowed */
  ehd_id: string | null;
  /** field `AttestationRound.validators`, int4 */
  validators: number;
  /** field `AttestationRound.threshold`, int4 */
  threshold: number;
  /** field `AttestationRound.agreeing`, int4 */
  agreeing: number;
  /** field `AttestationRound.quorum`, bool */
  quorum: boolean;
  /** field `AttestationRound.payersRoot`, text, null allowed */
  payers_root: string | null;
  /** field `AttestationRound.payeesRoot`, text, null allowed */
  payees_root: string | null;
  /** field `AttestationRound.rootsMatch`, bool */
  roots_match: boolean;
  /** field `AttestationRound.blockHeight`, int4 */
  block_height: number;
}

export interface AttestationRoundInsert {
  id: string;
  cluster_id: string;
  era: number;
  ehd_id: string | null;
  validators: number;
  threshold: number;
  agreeing: number;
  quorum: boolean;
  payers_root: string | null;
  payees_root: string | null;
  roots_match: boolean;
  block_height: number;
}

export interface AttestationVoteRow {
  /** field `AttestationVote.id`, text */
  id: string;
  /** field `AttestationVote.clusterId`, text */
  cluster_id: string;
  /** field `AttestationVote.era`, int4 */
  era: number;
  /** field `AttestationVote.validatorId`, text */
  validator_id: string;
  /** field `AttestationVote.payersRoot`, text */
  payers_root: string;
  /** field `AttestationVote.payeesRoot`, text */
  payees_root: string;
  /** field `AttestationVote.fingerprint`, text, null allowed */
  fingerprint: string | null;
  /** field `AttestationVote.ehdId`, text, null allowed */
  ehd_id: string | null;
  /** field `AttestationVote.extrinsicId`, text, null allowed */
  extrinsic_id: string | null;
  /** field `AttestationVote.blockHeight`, int4 */
  block_height: number;
  /** field `AttestationVote.startEra`, int8, null allowed */
  start_era: string | null;
  /** field `AttestationVote.endEra`, int8, null allowed */
  end_era: string | null;
  /** field `AttestationVote.clusterUsage`, jsonb, null allowed */
  cluster_usage: unknown | null;
}

export interface AttestationVoteInsert {
  id: string;
  cluster_id: string;
  era: number;
  validator_id: string;
  payers_root: string;
  payees_root: string;
  fingerprint: string | null;
  ehd_id: string | null;
  extrinsic_id: string | null;
  block_height: number;
  start_era: number | string | null;
  end_era: number | string | null;
  cluster_usage: string | null;
}

export interface BlockRow {
  /** field `Block.height`, int4 */
  height: number;
  /** field `Block.hash`, text */
  hash: string;
  /** field `Block.parentHash`, text */
  parent_hash: string;
  /** field `Block.timestamp`, timestamptz, null allowed */
  timestamp: Date | null;
  /** field `Block.specVersion`, int4 */
  spec_version: number;
  /** field `Block.indexedExtrinsics`, int4 */
  indexed_extrinsics: number;
  /** field `Block.indexedEvents`, int4 */
  indexed_events: number;
  /** field `Block.final`, bool */
  final: boolean;
}

export interface BlockInsert {
  height: number;
  hash: string;
  parent_hash: string;
  timestamp: Date | string | null;
  spec_version: number;
  indexed_extrinsics: number;
  indexed_events: number;
  final: boolean;
}

export interface BucketRow {
  /** field `Bucket.id`, numeric */
  id: string;
  /** field `Bucket.ownerId`, text */
  owner_id: string;
  /** field `Bucket.clusterId`, text */
  cluster_id: string;
  /** field `Bucket.params`, jsonb, null allowed */
  params: unknown | null;
  /** field `Bucket.blockHeight`, int4 */
  block_height: number;
}

export interface BucketInsert {
  id: string;
  owner_id: string;
  cluster_id: string;
  params: string | null;
  block_height: number;
}

export interface ChainEventRow {
  /** field `ChainEvent.id`, text */
  id: string;
  /** field `ChainEvent.blockHeight`, int4 */
  block_height: number;
  /** field `ChainEvent.index`, int4 */
  index: number;
  /** field `ChainEvent.extrinsicIndex`, int4, null allowed */
  extrinsic_index: number | null;
  /** field `ChainEvent.name`, text */
  name: string;
  /** field `ChainEvent.args`, jsonb, null allowed */
  args: unknown | null;
}

export interface ChainEventInsert {
  id: string;
  block_height: number;
  index: number;
  extrinsic_index: number | null;
  name: string;
  args: string | null;
}

export interface ChainExtrinsicRow {
  /** field `ChainExtrinsic.id`, text */
  id: string;
  /** field `ChainExtrinsic.blockHeight`, int4 */
  block_height: number;
  /** field `ChainExtrinsic.index`, int4 */
  index: number;
  /** field `ChainExtrinsic.hash`, text */
  hash: string;
  /** field `ChainExtrinsic.name`, text */
  name: string;
  /** field `ChainExtrinsic.signer`, text, null allowed */
  signer: string | null;
  /** field `ChainExtrinsic.success`, bool */
  success: boolean;
  /** field `ChainExtrinsic.args`, jsonb, null allowed */
  args: unknown | null;
}

export interface ChainExtrinsicInsert {
  id: string;
  block_height: number;
  index: number;
  hash: string;
  name: string;
  signer: string | null;
  success: boolean;
  args: string | null;
}

export interface FollowedChainRow {
  /** field `FollowedChain.id`, text */
  id: string;
  /** field `FollowedChain.name`, text */
  name: string;
  /** field `FollowedChain.genesisHash`, text */
  genesis_hash: string;
  /** field `FollowedChain.ss58Prefix`, int4, null allowed */
  ss58_prefix: number | null;
  /** field `FollowedChain.properties`, jsonb, null allowed */
  properties: unknown | null;
  /** field `FollowedChain.updatedAt`, timestamptz */
  updated_at: Date;
}

export interface FollowedChainInsert {
  id: string;
  name: string;
  genesis_hash: string;
  ss58_prefix: number | null;
  properties: string | null;
}

export interface CheckCountRow {
  /** field `CheckCount.blockHeight`, int4 */
  block_height: number;
  /** field `CheckCount.clusterId`, text */
  cluster_id: string;
  /** field `CheckCount.subjectKind`, text */
  subject_kind: string;
  /** field `CheckCount.step`, text */
  step: string;
  /** field `CheckCount.check`, text */
  check_name: string;
  /** field `CheckCount.code`, text, null allowed */
  code: string | null;
  /** field `CheckCount.ok`, bool */
  ok: boolean;
  /** field `CheckCount.pending`, bool */
  pending: boolean;
  /** field `CheckCount.skipped`, bool */
  skipped: boolean;
  /** field `CheckCount.lines`, int4 */
  lines: number;
}

export interface CheckCountInsert {
  block_height: number;
  cluster_id: string;
  subject_kind: string;
  step: string;
  check_name: string;
  code: string | null;
  ok: boolean;
  pending: boolean;
  skipped: boolean;
  lines: number;
}

export interface ClusterRow {
  /** field `Cluster.id`, text */
  id: string;
  /** field `Cluster.manager`, text, null allowed */
  manager: string | null;
  /** field `Cluster.reserve`, text, null allowed */
  reserve: string | null;
  /** field `Cluster.params`, jsonb, null allowed */
  params: unknown | null;
  /** field `Cluster.blockHeight`, int4 */
  block_height: number;
  /** field `Cluster.eventId`, text */
  event_id: string;
}

export interface ClusterInsert {
  id: string;
  manager: string | null;
  reserve: string | null;
  params: string | null;
  block_height: number;
  event_id: string;
}

export interface ClusterNodeEventRow {
  /** field `ClusterNodeEvent.id`, text */
  id: string;
  /** field `ClusterNodeEvent.clusterId`, text */
  cluster_id: string;
  /** field `ClusterNodeEvent.nodeId`, text */
  node_id: string;
  /** field `ClusterNodeEvent.kind`, text */
  kind: string;
  /** field `ClusterNodeEvent.blockHeight`, int4 */
  block_height: number;
}

export interface ClusterNodeEventInsert {
  id: string;
  cluster_id: string;
  node_id: string;
  kind: string;
  block_height: number;
}

export interface ClusterProtocolParamsRow {
  /** field `ClusterProtocolParams.id`, text */
  id: string;
  /** field `ClusterProtocolParams.clusterId`, text */
  cluster_id: string;
  /** field `ClusterProtocolParams.treasuryShare`, numeric */
  treasury_share: string;
  /** field `ClusterProtocolParams.validatorsShare`, numeric */
  validators_share: string;
  /** field `ClusterProtocolParams.reserveShare`, numeric */
  reserve_share: string;
  /** field `ClusterProtocolParams.pricing`, jsonb */
  pricing: unknown;
  /** field `ClusterProtocolParams.blockHeight`, int4 */
  block_height: number;
}

export interface ClusterProtocolParamsInsert {
  id: string;
  cluster_id: string;
  treasury_share: string;
  validators_share: string;
  reserve_share: string;
  pricing: string;
  block_height: number;
}

export interface CustomerRow {
  /** field `Customer.id`, text */
  id: string;
  /** field `Customer.blockHeight`, int4 */
  block_height: number;
}

export interface CustomerInsert {
  id: string;
  block_height: number;
}

export interface CustomerDepositRow {
  /** field `CustomerDeposit.id`, text */
  id: string;
  /** field `CustomerDeposit.customerId`, text */
  customer_id: string;
  /** field `CustomerDeposit.clusterId`, text, null allowed */
  cluster_id: string | null;
  /** field `CustomerDeposit.amount`, numeric */
  amount: string;
  /** field `CustomerDeposit.blockHeight`, int4 */
  block_height: number;
}

export interface CustomerDepositInsert {
  id: string;
  customer_id: string;
  cluster_id: string | null;
  amount: string;
  block_height: number;
}

export interface DacBatchRow {
  /** field `DacBatch.id`, text */
  id: string;
  /** field `DacBatch.remarkId`, text */
  remark_id: string;
  /** field `DacBatch.clusterId`, text */
  cluster_id: string;
  /** field `DacBatch.era`, int4 */
  era: number;
  /** field `DacBatch.batchIndex`, int4 */
  batch_index: number;
  /** field `DacBatch.recordFormat`, int4 */
  record_format: number;
  /** field `DacBatch.leafCount`, int4 */
  leaf_count: number;
  /** field `DacBatch.root`, text */
  root: string;
  /** field `DacBatch.payloadHash`, text */
  payload_hash: string;
  /** field `DacBatch.payloadStatus`, text */
  payload_status: string;
  /** field `DacBatch.payloadUrl`, text, null allowed */
  payload_url: string | null;
  /** field `DacBatch.payloadSize`, int4, null allowed */
  payload_size: number | null;
  /** field `DacBatch.fetchAttempts`, int4 */
  fetch_attempts: number;
  /** field `DacBatch.recordsFailed`, int4 */
  records_failed: number;
  /** field `DacBatch.blockHeight`, int4 */
  block_height: number;
}

export interface DacBatchInsert {
  id: string;
  remark_id: string;
  cluster_id: string;
  era: number;
  batch_index: number;
  record_format: number;
  leaf_count: number;
  root: string;
  payload_hash: string;
  payload_status: string;
  payload_url: string | null;
  payload_size: number | null;
  fetch_attempts: number;
  records_failed: number;
  block_height: number;
}

export interface EraPayoutRow {
  /** field `EraPayout.id`, text */
  id: string;
  /** field `EraPayout.clusterId`, text */
  cluster_id: string;
  /** field `EraPayout.era`, int4 */
  era: number;
  /** field `EraPayout.charged`, numeric */
  charged: string;
  /** field `EraPayout.treasuryFee`, numeric */
  treasury_fee: string;
  /** field `EraPayout.reserveFee`, numeric */
  reserve_fee: string;
  /** field `EraPayout.validatorFee`, numeric */
  validator_fee: string;
  /** field `EraPayout.rewarded`, numeric */
  rewarded: string;
  /** field `EraPayout.notDistributed`, numeric */
  not_distributed: string;
  /** field `EraPayout.records`, int4 */
  records: number;
  /** field `EraPayout.paidEventId`, text, null allowed */
  paid_event_id: string | null;
  /** field `EraPayout.ok`, bool */
  ok: boolean;
  /** field `EraPayout.failed`, int4 */
  failed: number;
  /** field `EraPayout.blockHeight`, int4 */
  block_height: number;
}

export interface EraPayoutInsert {
  id: string;
  cluster_id: string;
  era: number;
  charged: string;
  treasury_fee: string;
  reserve_fee: string;
  validator_fee: string;
  rewarded: string;
  not_distributed: string;
  records: number;
  paid_event_id: string | null;
  ok: boolean;
  failed: number;
  block_height: number;
}

export interface GarAnchorEntryRow {
  /** field `GarAnchorEntry.id`, text */
  id: string;
  /** field `GarAnchorEntry.remarkId`, text */
  remark_id: string;
  /** field `GarAnchorEntry.position`, int4 */
  position: number;
  /** field `GarAnchorEntry.payloadHash`, text */
  payload_hash: string;
  /** field `GarAnchorEntry.blockHeight`, int4 */
  block_height: number;
  /** field `GarAnchorEntry.pairId`, text, null allowed */
  pair_id: string | null;
}

export interface GarAnchorEntryInsert {
  id: string;
  remark_id: string;
  position: number;
  payload_hash: string;
  block_height: number;
  pair_id: string | null;
}

export interface GrantRow {
  /** field `Grant.seq`, int8 */
  seq: string;
  /** field `Grant.userId`, text, null allowed */
  user_id: string | null;
  /** field `Grant.agentId`, text, null allowed */
  agent_id: string | null;
  /** field `Grant.payload`, text */
  payload: string;
  /** field `Grant.signature`, text */
  signature: string;
  /** field `Grant.payloadHash`, text */
  payload_hash: string;
  /** field `Grant.createdAt`, timestamptz, null allowed */
  created_at: Date | null;
  /** field `Grant.expiresAt`, timestamptz, null allowed */
  expires_at: Date | null;
  /** field `Grant.revoked`, bool, null allowed */
  revoked: boolean | null;
  /** field `Grant.scope`, jsonb, null allowed */
  scope: unknown | null;
  /** field `Grant.url`, text */
  url: string;
  /** field `Grant.parseCode`, text, null allowed */
  parse_code: string | null;
  /** field `Grant.fetchedAt`, timestamptz */
  fetched_at: Date;
}

export interface GrantInsert {
  seq: number | string;
  user_id: string | null;
  agent_id: string | null;
  payload: string;
  signature: string;
  payload_hash: string;
  created_at: Date | string | null;
  expires_at: Date | string | null;
  revoked: boolean | null;
  scope: string | null;
  url: string;
  parse_code: string | null;
}

export interface HotBlockRow {
  /** field `HotBlock.height`, int4 */
  height: number;
  /** field `HotBlock.hash`, text */
  hash: string;
}

export interface HotBlockInsert {
  height: number;
  hash: string;
}

export interface IndexerStatusRow {
  /** field `IndexerStatus.id`, text */
  id: string;
  /** field `IndexerStatus.height`, int4 */
  height: number;
  /** field `IndexerStatus.hash`, text */
  hash: string;
  /** field `IndexerStatus.finalizedHeight`, int4 */
  finalized_height: number;
  /** field `IndexerStatus.finalizedHash`, text */
  finalized_hash: string;
  /** field `IndexerStatus.bestHeight`, int4 */
  best_height: number;
  /** field `IndexerStatus.bestHash`, text */
  best_hash: string;
  /** field `IndexerStatus.garCursor`, int8 */
  gar_cursor: string;
  /** field `IndexerStatus.updatedAt`, timestamptz */
  updated_at: Date;
  /** field `IndexerStatus.garComplete`, bool */
  gar_complete: boolean;
  /** field `IndexerStatus.garError`, text, null allowed */
  gar_error: string | null;
  /** field `IndexerStatus.garAnchorKey`, text, null allowed */
  gar_anchor_key: string | null;
}

export interface IndexerStatusInsert {
  id: string;
  height: number;
  hash: string;
  finalized_height: number;
  finalized_hash: string;
  best_height: number;
  best_hash: string;
  gar_cursor: number | string;
  gar_complete: boolean;
  gar_error: string | null;
  gar_anchor_key: string | null;
}

export interface NodeRow {
  /** field `Node.id`, text */
  id: string;
  /** field `Node.kind`, text */
  kind: string;
  /** field `Node.providerId`, text */
  provider_id: string;
  /** field `Node.params`, jsonb, null allowed */
  params: unknown | null;
  /** field `Node.blockHeight`, int4 */
  block_height: number;
  /** field `Node.eventId`, text */
  event_id: string;
}

export interface NodeInsert {
  id: string;
  kind: string;
  provider_id: string;
  params: string | null;
  block_height: number;
  event_id: string;
}

export interface PayoutBatchRow {
  /** field `PayoutBatch.id`, text */
  id: string;
  /** field `PayoutBatch.clusterId`, text */
  cluster_id: string;
  /** field `PayoutBatch.era`, int4 */
  era: number;
  /** field `PayoutBatch.side`, text */
  side: string;
  /** field `PayoutBatch.batchIndex`, int4 */
  batch_index: number;
  /** field `PayoutBatch.maxBatchIndex`, int4 */
  max_batch_index: number;
  /** field `PayoutBatch.entries`, jsonb */
  entries: unknown;
  /** field `PayoutBatch.proof`, jsonb */
  proof: unknown;
  /** field `PayoutBatch.extrinsicId`, text */
  extrinsic_id: string;
  /** field `PayoutBatch.blockHeight`, int4 */
  block_height: number;
  /** field `PayoutBatch.design`, text */
  design: string;
}

export interface PayoutBatchInsert {
  id: string;
  cluster_id: string;
  era: number;
  side: string;
  batch_index: number;
  max_batch_index: number;
  entries: string;
  proof: string;
  extrinsic_id: string;
  block_height: number;
  design: string;
}

export interface PayoutBeginRow {
  /** field `PayoutBegin.id`, text */
  id: string;
  /** field `PayoutBegin.clusterId`, text */
  cluster_id: string;
  /** field `PayoutBegin.era`, int4 */
  era: number;
  /** field `PayoutBegin.fingerprint`, text */
  fingerprint: string;
  /** field `PayoutBegin.blockHeight`, int4 */
  block_height: number;
}

export interface PayoutBeginInsert {
  id: string;
  cluster_id: string;
  era: number;
  fingerprint: string;
  block_height: number;
}

export interface PayoutLineRow {
  /** field `PayoutLine.id`, text */
  id: string;
  /** field `PayoutLine.clusterId`, text */
  cluster_id: string;
  /** field `PayoutLine.era`, int4 */
  era: number;
  /** field `PayoutLine.kind`, text */
  kind: string;
  /** field `PayoutLine.accountId`, text, null allowed */
  account_id: string | null;
  /** field `PayoutLine.amount`, numeric */
  amount: string;
  /** field `PayoutLine.expected`, numeric, null allowed */
  expected: string | null;
  /** field `PayoutLine.batchIndex`, int4, null allowed */
  batch_index: number | null;
  /** field `PayoutLine.extrinsicId`, text, null allowed */
  extrinsic_id: string | null;
  /** field `PayoutLine.blockHeight`, int4 */
  block_height: number;
  /** field `PayoutLine.bucketId`, numeric, null allowed */
  bucket_id: string | null;
}

export interface PayoutLineInsert {
  id: string;
  cluster_id: string;
  era: number;
  kind: string;
  account_id: string | null;
  amount: string;
  expected: string | null;
  batch_index: number | null;
  extrinsic_id: string | null;
  block_height: number;
  bucket_id: string | null;
}

export interface ProviderRow {
  /** field `Provider.id`, text */
  id: string;
  /** field `Provider.blockHeight`, int4 */
  block_height: number;
}

export interface ProviderInsert {
  id: string;
  block_height: number;
}

export interface RemarkRow {
  /** field `Remark.id`, text */
  id: string;
  /** field `Remark.blockHeight`, int4 */
  block_height: number;
  /** field `Remark.eventIndex`, int4 */
  event_index: number;
  /** field `Remark.extrinsicId`, text, null allowed */
  extrinsic_id: string | null;
  /** field `Remark.sender`, text, null allowed */
  sender: string | null;
  /** field `Remark.hash`, text */
  hash: string;
  /** field `Remark.envelope`, bytea, null allowed */
  envelope: Buffer | null;
  /** field `Remark.kind`, text, null allowed */
  kind: string | null;
  /** field `Remark.code`, text, null allowed */
  code: string | null;
}

export interface RemarkInsert {
  id: string;
  block_height: number;
  event_index: number;
  extrinsic_id: string | null;
  sender: string | null;
  hash: string;
  envelope: Uint8Array | null;
  kind: string | null;
  code: string | null;
}

export interface SentinelCheckRow {
  /** field `SentinelCheck.id`, int8 */
  id: string;
  /** field `SentinelCheck.roundId`, text, null allowed */
  round_id: string | null;
  /** field `SentinelCheck.batchId`, text, null allowed */
  batch_id: string | null;
  /** field `SentinelCheck.activityId`, text, null allowed */
  activity_id: string | null;
  /** field `SentinelCheck.leafIndex`, int4, null allowed */
  leaf_index: number | null;
  /** field `SentinelCheck.payloadHash`, text */
  payload_hash: string;
  /** field `SentinelCheck.nodeUrl`, text */
  node_url: string;
  /** field `SentinelCheck.checkedAt`, timestamptz */
  checked_at: Date;
  /** field `SentinelCheck.ok`, bool */
  ok: boolean;
  /** field `SentinelCheck.kind`, text, null allowed */
  kind: string | null;
  /** field `SentinelCheck.code`, text, null allowed */
  code: string | null;
  /** field `SentinelCheck.latencyMs`, int4, null allowed */
  latency_ms: number | null;
  /** field `SentinelCheck.facts`, jsonb, null allowed */
  facts: unknown | null;
  /** field `SentinelCheck.evidence`, jsonb, null allowed */
  evidence: unknown | null;
  /** field `SentinelCheck.notifyAttempts`, int4 */
  notify_attempts: number;
  /** field `SentinelCheck.notifiedAt`, timestamptz, null allowed */
  notified_at: Date | null;
}

export interface SentinelCheckInsert {
  round_id: string | null;
  batch_id: string | null;
  activity_id: string | null;
  leaf_index: number | null;
  payload_hash: string;
  node_url: string;
  checked_at: Date | string;
  ok: boolean;
  kind: string | null;
  code: string | null;
  latency_ms: number | null;
  facts: string | null;
  evidence: string | null;
  notify_attempts: number;
  notified_at: Date | string | null;
}

export interface SentinelRoundRow {
  /** field `SentinelRound.id`, text */
  id: string;
  /** field `SentinelRound.clusterId`, text */
  cluster_id: string;
  /** field `SentinelRound.era`, int4 */
  era: number;
  /** field `SentinelRound.sentinel`, text */
  sentinel: string;
  /** field `SentinelRound.seedHeight`, int4 */
  seed_height: number;
  /** field `SentinelRound.seedHash`, text */
  seed_hash: string;
  /** field `SentinelRound.vrfAlpha`, text, null allowed */
  vrf_alpha: string | null;
  /** field `SentinelRound.vrfProof`, text, null allowed */
  vrf_proof: string | null;
  /** field `SentinelRound.seedCommitment`, text, null allowed */
  seed_commitment: string | null;
  /** field `SentinelRound.seed`, text, null allowed */
  seed: string | null;
  /** field `SentinelRound.population`, int4 */
  population: number;
  /** field `SentinelRound.batches`, int4 */
  batches: number;
  /** field `SentinelRound.sampleSize`, int4 */
  sample_size: number;
  /** field `SentinelRound.targetConfidence`, float8 */
  target_confidence: number;
  /** field `SentinelRound.targetBadFraction`, float8 */
  target_bad_fraction: number;
  /** field `SentinelRound.sampleRule`, text */
  sample_rule: string;
  /** field `SentinelRound.nodes`, int4 */
  nodes: number;
  /** field `SentinelRound.sampled`, int4 */
  sampled: number;
  /** field `SentinelRound.ok`, int4 */
  ok: number;
  /** field `SentinelRound.failed`, int4 */
  failed: number;
  /** field `SentinelRound.lost`, int4 */
  lost: number;
  /** field `SentinelRound.nodeChecks`, int4 */
  node_checks: number;
  /** field `SentinelRound.failedByKind`, jsonb */
  failed_by_kind: unknown;
  /** field `SentinelRound.confidence`, float8 */
  confidence: number;
  /** field `SentinelRound.badBound`, int4 */
  bad_bound: number;
  /** field `SentinelRound.status`, text */
  status: string;
  /** field `SentinelRound.startedAt`, timestamptz */
  started_at: Date;
  /** field `SentinelRound.completedAt`, timestamptz, null allowed */
  completed_at: Date | null;
  /** field `SentinelRound.updatedAt`, timestamptz */
  updated_at: Date;
}

export interface SentinelRoundInsert {
  id: string;
  cluster_id: string;
  era: number;
  sentinel: string;
  seed_height: number;
  seed_hash: string;
  vrf_alpha: string | null;
  vrf_proof: string | null;
  seed_commitment: string | null;
  seed: string | null;
  population: number;
  batches: number;
  sample_size: number;
  target_confidence: number;
  target_bad_fraction: number;
  sample_rule: string;
  nodes: number;
  sampled: number;
  ok: number;
  failed: number;
  lost: number;
  node_checks: number;
  failed_by_kind: string;
  confidence: number;
  bad_bound: number;
  status: string;
  started_at: Date | string;
  completed_at: Date | string | null;
  updated_at: Date | string;
}

export interface ValidatorRow {
  /** field `Validator.id`, text */
  id: string;
  /** field `Validator.blockHeight`, int4 */
  block_height: number;
  /** field `Validator.eventId`, text */
  event_id: string;
}

export interface ValidatorInsert {
  id: string;
  block_height: number;
  event_id: string;
}

export interface ValidatorSetRow {
  /** field `ValidatorSet.id`, text */
  id: string;
  /** field `ValidatorSet.members`, jsonb */
  members: unknown;
  /** field `ValidatorSet.blockHeight`, int4 */
  block_height: number;
}

export interface ValidatorSetInsert {
  id: string;
  members: string;
  block_height: number;
}

export interface VerificationLineRow {
  /** field `VerificationLine.subjectKind`, text */
  subject_kind: string;
  /** field `VerificationLine.subjectId`, text */
  subject_id: string;
  /** field `VerificationLine.seq`, int4 */
  seq: number;
  /** field `VerificationLine.step`, text */
  step: string;
  /** field `VerificationLine.check`, text */
  check_name: string;
  /** field `VerificationLine.ok`, bool */
  ok: boolean;
  /** field `VerificationLine.pending`, bool */
  pending: boolean;
  /** field `VerificationLine.skipped`, bool */
  skipped: boolean;
  /** field `VerificationLine.code`, text, null allowed */
  code: string | null;
  /** field `VerificationLine.rule`, text */
  rule: string;
  /** field `VerificationLine.basis`, text */
  basis: string;
  /** field `VerificationLine.facts`, json, null allowed */
  facts: unknown | null;
  /** field `VerificationLine.source`, json, null allowed */
  source: unknown | null;
  /** field `VerificationLine.blockHeight`, int4 */
  block_height: number;
}

export interface VerificationLineInsert {
  subject_kind: string;
  subject_id: string;
  seq: number;
  step: string;
  check_name: string;
  ok: boolean;
  pending: boolean;
  skipped: boolean;
  code: string | null;
  rule: string;
  basis: string;
  facts: string | null;
  source: string | null;
  block_height: number;
}

export interface VerificationSubjectRow {
  /** field `VerificationSubject.kind`, text */
  kind: string;
  /** field `VerificationSubject.id`, text */
  id: string;
  /** field `VerificationSubject.ok`, bool */
  ok: boolean;
  /** field `VerificationSubject.passed`, int4 */
  passed: number;
  /** field `VerificationSubject.failed`, int4 */
  failed: number;
  /** field `VerificationSubject.pending`, int4 */
  pending: number;
  /** field `VerificationSubject.skipped`, int4 */
  skipped: number;
  /** field `VerificationSubject.verifierVersion`, text */
  verifier_version: string;
  /** field `VerificationSubject.verifiedAt`, timestamptz */
  verified_at: Date;
  /** field `VerificationSubject.blockHeight`, int4 */
  block_height: number;
}

export interface VerificationSubjectInsert {
  kind: string;
  id: string;
  ok: boolean;
  passed: number;
  failed: number;
  pending: number;
  skipped: number;
  verifier_version: string;
  block_height: number;
}

/** Rows as read, by table. */
export interface Rows {
  activity_count: ActivityCountRow;
  activity_record: ActivityRecordRow;
  attestation_round: AttestationRoundRow;
  attestation_vote: AttestationVoteRow;
  block: BlockRow;
  bucket: BucketRow;
  chain_event: ChainEventRow;
  chain_extrinsic: ChainExtrinsicRow;
  chain_info: FollowedChainRow;
  check_count: CheckCountRow;
  cluster: ClusterRow;
  cluster_node_event: ClusterNodeEventRow;
  cluster_protocol_params: ClusterProtocolParamsRow;
  customer: CustomerRow;
  customer_deposit: CustomerDepositRow;
  dac_batch: DacBatchRow;
  era_payout: EraPayoutRow;
  gar_anchor_entry: GarAnchorEntryRow;
  gar_grant: GrantRow;
  hot_block: HotBlockRow;
  indexer_status: IndexerStatusRow;
  node: NodeRow;
  payout_batch: PayoutBatchRow;
  payout_begin: PayoutBeginRow;
  payout_line: PayoutLineRow;
  provider: ProviderRow;
  remark: RemarkRow;
  sentinel_check: SentinelCheckRow;
  sentinel_round: SentinelRoundRow;
  validator: ValidatorRow;
  validator_set: ValidatorSetRow;
  verification_line: VerificationLineRow;
  verification_subject: VerificationSubjectRow;
}

/** Rows as written, by table. */
export interface Inserts {
  activity_count: ActivityCountInsert;
  activity_record: ActivityRecordInsert;
  attestation_round: AttestationRoundInsert;
  attestation_vote: AttestationVoteInsert;
  block: BlockInsert;
  bucket: BucketInsert;
  chain_event: ChainEventInsert;
  chain_extrinsic: ChainExtrinsicInsert;
  chain_info: FollowedChainInsert;
  check_count: CheckCountInsert;
  cluster: ClusterInsert;
  cluster_node_event: ClusterNodeEventInsert;
  cluster_protocol_params: ClusterProtocolParamsInsert;
  customer: CustomerInsert;
  customer_deposit: CustomerDepositInsert;
  dac_batch: DacBatchInsert;
  era_payout: EraPayoutInsert;
  gar_anchor_entry: GarAnchorEntryInsert;
  gar_grant: GrantInsert;
  hot_block: HotBlockInsert;
  indexer_status: IndexerStatusInsert;
  node: NodeInsert;
  payout_batch: PayoutBatchInsert;
  payout_begin: PayoutBeginInsert;
  payout_line: PayoutLineInsert;
  provider: ProviderInsert;
  remark: RemarkInsert;
  sentinel_check: SentinelCheckInsert;
  sentinel_round: SentinelRoundInsert;
  validator: ValidatorInsert;
  validator_set: ValidatorSetInsert;
  verification_line: VerificationLineInsert;
  verification_subject: VerificationSubjectInsert;
}

export type Table = keyof Rows;

/** Every table's written columns, in the order the bulk writer sends them. */
export const TABLES: Readonly<Record<Table, TableSpec>> = {
  activity_count: {
    entity: 'ActivityCount',
    key: ['block_height', 'ok', 'failing', 'waiting'],
    internal: true,
    columns: [
      ['block_height', 'int4', false],
      ['cluster_id', 'text', true],
      ['era', 'int4', true],
      ['ok', 'bool', false],
      ['failing', 'bool', false],
      ['waiting', 'bool', false],
      ['records', 'int4', false],
      ['cost', 'numeric', false],
      ['first_timestamp', 'timestamptz', true],
      ['last_timestamp', 'timestamptz', true],
    ],
    defaulted: [],
  },
  activity_record: {
    entity: 'ActivityRecord',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['record_id', 'text', false],
      ['batch_id', 'text', false],
      ['leaf_index', 'int4', false],
      ['cluster_id', 'text', true],
      ['era', 'int4', true],
      ['user_id', 'text', true],
      ['agent_id', 'text', true],
      ['customer_id', 'text', true],
      ['provider_id', 'text', true],
      ['node_id', 'text', true],
      ['timestamp', 'timestamptz', true],
      ['cost', 'numeric', true],
      ['usage', 'jsonb', true],
      ['raw', 'bytea', false],
      ['proof', 'bytea', true],
      ['ok', 'bool', false],
      ['failed', 'int4', false],
      ['pending', 'int4', false],
      ['block_height', 'int4', false],
      ['links_height', 'int4', true],
      ['gar_cursor', 'int8', true],
      ['gar_complete', 'bool', true],
    ],
    defaulted: [],
  },
  attestation_round: {
    entity: 'AttestationRound',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['cluster_id', 'text', false],
      ['era', 'int4', false],
      ['ehd_id', 'text', true],
      ['validators', 'int4', false],
      ['threshold', 'int4', false],
      ['agreeing', 'int4', false],
      ['quorum', 'bool', false],
      ['payers_root', 'text', true],
      ['payees_root', 'text', true],
      ['roots_match', 'bool', false],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  attestation_vote: {
    entity: 'AttestationVote',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['cluster_id', 'text', false],
      ['era', 'int4', false],
      ['validator_id', 'text', false],
      ['payers_root', 'text', false],
      ['payees_root', 'text', false],
      ['fingerprint', 'text', true],
      ['ehd_id', 'text', true],
      ['extrinsic_id', 'text', true],
      ['block_height', 'int4', false],
      ['start_era', 'int8', true],
      ['end_era', 'int8', true],
      ['cluster_usage', 'jsonb', true],
    ],
    defaulted: [],
  },
  block: {
    entity: 'Block',
    key: ['height'],
    internal: false,
    columns: [
      ['height', 'int4', false],
      ['hash', 'text', false],
      ['parent_hash', 'text', false],
      ['timestamp', 'timestamptz', true],
      ['spec_version', 'int4', false],
      ['indexed_extrinsics', 'int4', false],
      ['indexed_events', 'int4', false],
      ['final', 'bool', false],
    ],
    defaulted: [],
  },
  bucket: {
    entity: 'Bucket',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'numeric', false],
      ['owner_id', 'text', false],
      ['cluster_id', 'text', false],
      ['params', 'jsonb', true],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  chain_event: {
    entity: 'ChainEvent',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['block_height', 'int4', false],
      ['index', 'int4', false],
      ['extrinsic_index', 'int4', true],
      ['name', 'text', false],
      ['args', 'jsonb', true],
    ],
    defaulted: [],
  },
  chain_extrinsic: {
    entity: 'ChainExtrinsic',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['block_height', 'int4', false],
      ['index', 'int4', false],
      ['hash', 'text', false],
      ['name', 'text', false],
      ['signer', 'text', true],
      ['success', 'bool', false],
      ['args', 'jsonb', true],
    ],
    defaulted: [],
  },
  chain_info: {
    entity: 'FollowedChain',
    key: ['id'],
    internal: true,
    columns: [
      ['id', 'text', false],
      ['name', 'text', false],
      ['genesis_hash', 'text', false],
      ['ss58_prefix', 'int4', true],
      ['properties', 'jsonb', true],
    ],
    defaulted: ['updated_at'],
  },
  check_count: {
    entity: 'CheckCount',
    key: [
      'block_height',
      'cluster_id',
      'subject_kind',
      'step',
      'check_name',
      'ok',
      'pending',
      'skipped',
    ],
    internal: true,
    columns: [
      ['block_height', 'int4', false],
      ['cluster_id', 'text', false],
      ['subject_kind', 'text', false],
      ['step', 'text', false],
      ['check_name', 'text', false],
      ['code', 'text', true],
      ['ok', 'bool', false],
      ['pending', 'bool', false],
      ['skipped', 'bool', false],
      ['lines', 'int4', false],
    ],
    defaulted: [],
  },
  cluster: {
    entity: 'Cluster',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['manager', 'text', true],
      ['reserve', 'text', true],
      ['params', 'jsonb', true],
      ['block_height', 'int4', false],
      ['event_id', 'text', false],
    ],
    defaulted: [],
  },
  cluster_node_event: {
    entity: 'ClusterNodeEvent',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['cluster_id', 'text', false],
      ['node_id', 'text', false],
      ['kind', 'text', false],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  cluster_protocol_params: {
    entity: 'ClusterProtocolParams',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['cluster_id', 'text', false],
      ['treasury_share', 'numeric', false],
      ['validators_share', 'numeric', false],
      ['reserve_share', 'numeric', false],
      ['pricing', 'jsonb', false],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  customer: {
    entity: 'Customer',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  customer_deposit: {
    entity: 'CustomerDeposit',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['customer_id', 'text', false],
      ['cluster_id', 'text', true],
      ['amount', 'numeric', false],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  dac_batch: {
    entity: 'DacBatch',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['remark_id', 'text', false],
      ['cluster_id', 'text', false],
      ['era', 'int4', false],
      ['batch_index', 'int4', false],
      ['record_format', 'int4', false],
      ['leaf_count', 'int4', false],
      ['root', 'text', false],
      ['payload_hash', 'text', false],
      ['payload_status', 'text', false],
      ['payload_url', 'text', true],
      ['payload_size', 'int4', true],
      ['fetch_attempts', 'int4', false],
      ['records_failed', 'int4', false],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  era_payout: {
    entity: 'EraPayout',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['cluster_id', 'text', false],
      ['era', 'int4', false],
      ['charged', 'numeric', false],
      ['treasury_fee', 'numeric', false],
      ['reserve_fee', 'numeric', false],
      ['validator_fee', 'numeric', false],
      ['rewarded', 'numeric', false],
      ['not_distributed', 'numeric', false],
      ['records', 'int4', false],
      ['paid_event_id', 'text', true],
      ['ok', 'bool', false],
      ['failed', 'int4', false],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  gar_anchor_entry: {
    entity: 'GarAnchorEntry',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['remark_id', 'text', false],
      ['position', 'int4', false],
      ['payload_hash', 'text', false],
      ['block_height', 'int4', false],
      ['pair_id', 'text', true],
    ],
    defaulted: [],
  },
  gar_grant: {
    entity: 'Grant',
    key: ['seq'],
    internal: false,
    columns: [
      ['seq', 'int8', false],
      ['user_id', 'text', true],
      ['agent_id', 'text', true],
      ['payload', 'text', false],
      ['signature', 'text', false],
      ['payload_hash', 'text', false],
      ['created_at', 'timestamptz', true],
      ['expires_at', 'timestamptz', true],
      ['revoked', 'bool', true],
      ['scope', 'jsonb', true],
      ['url', 'text', false],
      ['parse_code', 'text', true],
    ],
    defaulted: ['fetched_at'],
  },
  hot_block: {
    entity: 'HotBlock',
    key: ['height'],
    internal: true,
    columns: [
      ['height', 'int4', false],
      ['hash', 'text', false],
    ],
    defaulted: [],
  },
  indexer_status: {
    entity: 'IndexerStatus',
    key: ['id'],
    internal: true,
    columns: [
      ['id', 'text', false],
      ['height', 'int4', false],
      ['hash', 'text', false],
      ['finalized_height', 'int4', false],
      ['finalized_hash', 'text', false],
      ['best_height', 'int4', false],
      ['best_hash', 'text', false],
      ['gar_cursor', 'int8', false],
      ['gar_complete', 'bool', false],
      ['gar_error', 'text', true],
      ['gar_anchor_key', 'text', true],
    ],
    defaulted: ['updated_at'],
  },
  node: {
    entity: 'Node',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['kind', 'text', false],
      ['provider_id', 'text', false],
      ['params', 'jsonb', true],
      ['block_height', 'int4', false],
      ['event_id', 'text', false],
    ],
    defaulted: [],
  },
  payout_batch: {
    entity: 'PayoutBatch',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['cluster_id', 'text', false],
      ['era', 'int4', false],
      ['side', 'text', false],
      ['batch_index', 'int4', false],
      ['max_batch_index', 'int4', false],
      ['entries', 'jsonb', false],
      ['proof', 'jsonb', false],
      ['extrinsic_id', 'text', false],
      ['block_height', 'int4', false],
      ['design', 'text', false],
    ],
    defaulted: [],
  },
  payout_begin: {
    entity: 'PayoutBegin',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['cluster_id', 'text', false],
      ['era', 'int4', false],
      ['fingerprint', 'text', false],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  payout_line: {
    entity: 'PayoutLine',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['cluster_id', 'text', false],
      ['era', 'int4', false],
      ['kind', 'text', false],
      ['account_id', 'text', true],
      ['amount', 'numeric', false],
      ['expected', 'numeric', true],
      ['batch_index', 'int4', true],
      ['extrinsic_id', 'text', true],
      ['block_height', 'int4', false],
      ['bucket_id', 'numeric', true],
    ],
    defaulted: [],
  },
  provider: {
    entity: 'Provider',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  remark: {
    entity: 'Remark',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['block_height', 'int4', false],
      ['event_index', 'int4', false],
      ['extrinsic_id', 'text', true],
      ['sender', 'text', true],
      ['hash', 'text', false],
      ['envelope', 'bytea', true],
      ['kind', 'text', true],
      ['code', 'text', true],
    ],
    defaulted: [],
  },
  sentinel_check: {
    entity: 'SentinelCheck',
    key: ['id'],
    internal: false,
    columns: [
      ['round_id', 'text', true],
      ['batch_id', 'text', true],
      ['activity_id', 'text', true],
      ['leaf_index', 'int4', true],
      ['payload_hash', 'text', false],
      ['node_url', 'text', false],
      ['checked_at', 'timestamptz', false],
      ['ok', 'bool', false],
      ['kind', 'text', true],
      ['code', 'text', true],
      ['latency_ms', 'int4', true],
      ['facts', 'jsonb', true],
      ['evidence', 'jsonb', true],
      ['notify_attempts', 'int4', false],
      ['notified_at', 'timestamptz', true],
    ],
    defaulted: ['id'],
  },
  sentinel_round: {
    entity: 'SentinelRound',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['cluster_id', 'text', false],
      ['era', 'int4', false],
      ['sentinel', 'text', false],
      ['seed_height', 'int4', false],
      ['seed_hash', 'text', false],
      ['vrf_alpha', 'text', true],
      ['vrf_proof', 'text', true],
      ['seed_commitment', 'text', true],
      ['seed', 'text', true],
      ['population', 'int4', false],
      ['batches', 'int4', false],
      ['sample_size', 'int4', false],
      ['target_confidence', 'float8', false],
      ['target_bad_fraction', 'float8', false],
      ['sample_rule', 'text', false],
      ['nodes', 'int4', false],
      ['sampled', 'int4', false],
      ['ok', 'int4', false],
      ['failed', 'int4', false],
      ['lost', 'int4', false],
      ['node_checks', 'int4', false],
      ['failed_by_kind', 'jsonb', false],
      ['confidence', 'float8', false],
      ['bad_bound', 'int4', false],
      ['status', 'text', false],
      ['started_at', 'timestamptz', false],
      ['completed_at', 'timestamptz', true],
      ['updated_at', 'timestamptz', false],
    ],
    defaulted: [],
  },
  validator: {
    entity: 'Validator',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['block_height', 'int4', false],
      ['event_id', 'text', false],
    ],
    defaulted: [],
  },
  validator_set: {
    entity: 'ValidatorSet',
    key: ['id'],
    internal: false,
    columns: [
      ['id', 'text', false],
      ['members', 'jsonb', false],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  verification_line: {
    entity: 'VerificationLine',
    key: ['subject_kind', 'subject_id', 'seq'],
    internal: false,
    columns: [
      ['subject_kind', 'text', false],
      ['subject_id', 'text', false],
      ['seq', 'int4', false],
      ['step', 'text', false],
      ['check_name', 'text', false],
      ['ok', 'bool', false],
      ['pending', 'bool', false],
      ['skipped', 'bool', false],
      ['code', 'text', true],
      ['rule', 'text', false],
      ['basis', 'text', false],
      ['facts', 'json', true],
      ['source', 'json', true],
      ['block_height', 'int4', false],
    ],
    defaulted: [],
  },
  verification_subject: {
    entity: 'VerificationSubject',
    key: ['kind', 'id'],
    internal: false,
    columns: [
      ['kind', 'text', false],
      ['id', 'text', false],
      ['ok', 'bool', false],
      ['passed', 'int4', false],
      ['failed', 'int4', false],
      ['pending', 'int4', false],
      ['skipped', 'int4', false],
      ['verifier_version', 'text', false],
      ['block_height', 'int4', false],
    ],
    defaulted: ['verified_at'],
  },
};
