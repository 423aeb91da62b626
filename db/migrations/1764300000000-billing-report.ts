/**
 * The "billing report" payout design of Cere spec 71000 (docs/cere-billing-report.md,
 * docs/cere-runtimes.md §18): the indexer decodes its calls and events next to the receipt
 * design's, and stores what the verifier needs of them.
 * - `attestation_vote.start_era`, `end_era` (i64), `cluster_usage` (jsonb, `{storedBytes,
 *   transferredBytes, numberOfPuts, numberOfGets}` as decimal strings): the billing fingerprint's
 *   other parts, from `DdcVerification.commit_billing_fingerprint`; NULL for receipt votes.
 * - `payout_batch.design`: `'receipt'` (the entries are `[account, amount]`) or `'billing-report'`
 *   (the entries are `[bucket id | node key, usage]`). Every earlier row is a receipt batch.
 * - `payout_line.bucket_id` (u64): the bucket a 71000 `Charged` / `ChargeFailed` charged; NULL
 *   otherwise.
 * - An earlier indexer knew no 71000 layout: every block such a runtime executed was stored with
 *   `chain.decode` lines where its DDC rows belong. When the database holds any such block, what
 *   the indexer derived is dropped and derived again on the next start (as in 1764200000000);
 *   otherwise the stored rows are complete and kept.
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
ALTER TABLE attestation_vote ADD COLUMN start_era bigint;
ALTER TABLE attestation_vote ADD COLUMN end_era bigint;
ALTER TABLE attestation_vote ADD COLUMN cluster_usage jsonb;
ALTER TABLE payout_batch ADD COLUMN design text NOT NULL DEFAULT 'receipt';
ALTER TABLE payout_line ADD COLUMN bucket_id numeric;
`;

/** The first spec version of the receipt design (`payoutDesignOf` in verifier/cere-rules.ts). */
const RECEIPT_DESIGN_FROM = 72000;

const REDERIVE = `
TRUNCATE hot_block, block, chain_extrinsic, chain_event, cluster, cluster_protocol_params,
  provider, node, cluster_node_event, customer, customer_deposit, bucket, validator, gar_grant,
  remark, gar_anchor_entry, dac_batch, activity_record, attestation_vote, attestation_round,
  payout_batch, payout_line, payout_begin, validator_set, era_payout, verification_subject,
  verification_line;
DELETE FROM indexer_status;
`;

export class BillingReport1764300000000 implements MigrationInterface {
  name = 'BillingReport1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
    const old = (await q.query(`SELECT 1 FROM block WHERE spec_version < $1 LIMIT 1`, [
      RECEIPT_DESIGN_FROM,
    ])) as unknown[];
    if (old.length > 0) await q.query(REDERIVE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE payout_line DROP COLUMN IF EXISTS bucket_id;
      ALTER TABLE payout_batch DROP COLUMN IF EXISTS design;
      ALTER TABLE attestation_vote DROP COLUMN IF EXISTS cluster_usage;
      ALTER TABLE attestation_vote DROP COLUMN IF EXISTS end_era;
      ALTER TABLE attestation_vote DROP COLUMN IF EXISTS start_era;
    `);
  }
}
