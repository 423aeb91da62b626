/**
 * Skipped eras (issue 19): Root's `force_skip_inspection` marks an era paid (`ClusterEraPaid`)
 * without a payout, and the lines that need the payout are *skipped*, neither passed nor failed.
 * - `verification_line.skipped`, `verification_subject.skipped`: a line is passed (`ok`), pending
 *   (`NOT ok AND pending`), skipped (`NOT ok AND skipped`) or failed (`NOT ok AND NOT pending AND
 *   NOT skipped`); a subject counts its lines. Only era and settlement lines can be skipped, so an
 *   activity record's own counts (its record and links subjects) need no such column.
 * - `payout_line.kind = 'skipped'`: a `ClusterEraPaid` whose extrinsic finalized no payout receipt
 *   for the era (docs/cere-runtimes.md §14). No column: a kind value.
 * - What an earlier indexer derived classed every `ClusterEraPaid` as a payout, so it is dropped
 *   and derived again on the next start (chain_info and the sentinel's rounds are kept).
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
ALTER TABLE verification_line ADD COLUMN skipped boolean NOT NULL DEFAULT false;
ALTER TABLE verification_subject ADD COLUMN skipped integer NOT NULL DEFAULT 0;

TRUNCATE hot_block, block, chain_extrinsic, chain_event, cluster, cluster_protocol_params,
  provider, node, cluster_node_event, customer, customer_deposit, bucket, validator, gar_grant,
  remark, gar_anchor_entry, dac_batch, activity_record, attestation_vote, attestation_round,
  payout_batch, payout_line, payout_begin, validator_set, era_payout, verification_subject,
  verification_line;
DELETE FROM indexer_status;
`;

export class SkippedEras1764200000000 implements MigrationInterface {
  name = 'SkippedEras1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE verification_subject DROP COLUMN IF EXISTS skipped;
      ALTER TABLE verification_line DROP COLUMN IF EXISTS skipped;
    `);
  }
}
