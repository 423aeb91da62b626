/**
 * One verdict (issue 17): what the indexer needs to compute every line `proofroom verify` computes,
 * and to store lines that wait.
 * - `verification_line.pending`, `verification_subject.pending`, `activity_record.pending`: a line
 *   is passed (`ok`), failed, or pending (`NOT ok AND pending`): it waits for an input (the era's
 *   payout, the GAR service, a grant anchor) and is never shown as verified.
 * - `activity_record.links_height`, `gar_cursor`, `gar_complete`: the head height and the GAR read
 *   position when the record's `links` subject (consent and registrations) was last computed, so
 *   a bundle carries exactly the grant versions those lines were computed from, and a rollback or
 *   a later grant or anchor recomputes them.
 * - `gar_anchor_entry.pair_id`: the (user, agent) pair a `GarPairAnchor` entry names.
 * - `payout_begin`: `begin_payout(cluster_id, era_id, fingerprint)` calls.
 * - `validator_set`: `DdcVerification.ValidatorsSetUpdated { validators }`, the era's validator set.
 * - `indexer_status.gar_complete`, `gar_error`, `gar_anchor_key`: whether the last GAR read reached
 *   the service's end, why not, and the key the service anchors with.
 * - Everything an earlier indexer derived from the chain is dropped and its position reset, so the
 *   next start indexes again from its first block (sentinel rounds and checks are kept).
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
ALTER TABLE verification_line ADD COLUMN pending boolean NOT NULL DEFAULT false;
ALTER TABLE verification_subject ADD COLUMN pending integer NOT NULL DEFAULT 0;
CREATE INDEX verification_line_pending_idx ON verification_line (code, step) WHERE pending;

ALTER TABLE activity_record ADD COLUMN pending integer NOT NULL DEFAULT 0;
ALTER TABLE activity_record ADD COLUMN links_height integer;
ALTER TABLE activity_record ADD COLUMN gar_cursor bigint;
ALTER TABLE activity_record ADD COLUMN gar_complete boolean;
CREATE INDEX activity_record_pair_idx ON activity_record (user_id, agent_id);
CREATE INDEX activity_record_links_idx ON activity_record (links_height);
CREATE INDEX activity_record_pending_idx ON activity_record (block_height) WHERE pending > 0;

ALTER TABLE gar_anchor_entry ADD COLUMN pair_id text;
CREATE INDEX gar_anchor_entry_pair_idx ON gar_anchor_entry (pair_id);

CREATE TABLE payout_begin (
  id text PRIMARY KEY,
  cluster_id text NOT NULL,
  era integer NOT NULL,
  fingerprint text NOT NULL,
  block_height integer NOT NULL
);
CREATE INDEX payout_begin_era_idx ON payout_begin (cluster_id, era);
CREATE INDEX payout_begin_block_idx ON payout_begin (block_height);

CREATE TABLE validator_set (
  id text PRIMARY KEY,
  members jsonb NOT NULL,
  block_height integer NOT NULL
);
CREATE INDEX validator_set_block_idx ON validator_set (block_height);

ALTER TABLE indexer_status ADD COLUMN gar_complete boolean NOT NULL DEFAULT true;
ALTER TABLE indexer_status ADD COLUMN gar_error text;
ALTER TABLE indexer_status ADD COLUMN gar_anchor_key text;

-- What an earlier indexer derived lacks the inputs and lines computed from here on (consent
-- links, anchor authority, votes' fingerprints, waiting lines): it is dropped, and the indexer
-- derives it all again from the chain on its next start. The chain's identity (chain_info) and the
-- sentinel's rounds and checks, which the chain cannot give back, are kept.
TRUNCATE hot_block, block, chain_extrinsic, chain_event, cluster, cluster_protocol_params,
  provider, node, cluster_node_event, customer, customer_deposit, bucket, validator, gar_grant,
  remark, gar_anchor_entry, dac_batch, activity_record, attestation_vote, attestation_round,
  payout_batch, payout_line, era_payout, verification_subject, verification_line;
DELETE FROM indexer_status;
`;

export class OneVerdict1764100000000 implements MigrationInterface {
  name = 'OneVerdict1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE indexer_status DROP COLUMN IF EXISTS gar_anchor_key;
      ALTER TABLE indexer_status DROP COLUMN IF EXISTS gar_error;
      ALTER TABLE indexer_status DROP COLUMN IF EXISTS gar_complete;
      DROP TABLE IF EXISTS validator_set;
      DROP TABLE IF EXISTS payout_begin;
      DROP INDEX IF EXISTS gar_anchor_entry_pair_idx;
      ALTER TABLE gar_anchor_entry DROP COLUMN IF EXISTS pair_id;
      DROP INDEX IF EXISTS activity_record_pending_idx;
      DROP INDEX IF EXISTS activity_record_links_idx;
      DROP INDEX IF EXISTS activity_record_pair_idx;
      ALTER TABLE activity_record DROP COLUMN IF EXISTS gar_complete;
      ALTER TABLE activity_record DROP COLUMN IF EXISTS gar_cursor;
      ALTER TABLE activity_record DROP COLUMN IF EXISTS links_height;
      ALTER TABLE activity_record DROP COLUMN IF EXISTS pending;
      DROP INDEX IF EXISTS verification_line_pending_idx;
      ALTER TABLE verification_subject DROP COLUMN IF EXISTS pending;
      ALTER TABLE verification_line DROP COLUMN IF EXISTS pending;
    `);
  }
}
