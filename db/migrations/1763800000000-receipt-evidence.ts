/**
 * What a portable receipt bundle needs beyond the first schema:
 * - `activity_record.proof`: the record's MMR inclusion proof, its 32-byte items concatenated in
 *   proof order (empty for a one-leaf batch). NULL on rows indexed before this migration; readers
 *   then recompute it from the batch's leaves.
 * - `chain_info`: the chain the indexer follows (name, genesis hash, SS58 prefix, properties), as
 *   its RPC endpoint answered at the indexer's start. Not derived from blocks: it has no
 *   `block_height` and is never rolled back (like `indexer_status`).
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
ALTER TABLE activity_record ADD COLUMN proof bytea;

CREATE TABLE chain_info (
  id text PRIMARY KEY,
  name text NOT NULL,
  genesis_hash text NOT NULL,
  ss58_prefix integer,
  properties jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`;

export class ReceiptEvidence1763800000000 implements MigrationInterface {
  name = 'ReceiptEvidence1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "chain_info"`);
    await q.query(`ALTER TABLE activity_record DROP COLUMN IF EXISTS proof`);
  }
}
