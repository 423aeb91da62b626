/**
 * The sentinel's tables. `sentinel_round`: one row per (cluster, era, sentinel key) with the sample
 * plan (population, size, target, the seed's commitment and, once complete, the seed) and the
 * figures recounted after every write. `sentinel_check` gains the round, the sampled leaf, the
 * outcome kind, the signed evidence of a failure and the webhook delivery state; the unique
 * (round, leaf, node) key is what makes a restarted round check each leaf once.
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
CREATE TABLE sentinel_round (
  id text PRIMARY KEY,
  cluster_id text NOT NULL,
  era integer NOT NULL,
  sentinel text NOT NULL,
  seed_height integer NOT NULL,
  seed_hash text NOT NULL,
  seed_commitment text NOT NULL,
  seed text,
  population integer NOT NULL,
  batches integer NOT NULL,
  sample_size integer NOT NULL,
  target_confidence double precision NOT NULL,
  target_bad_fraction double precision NOT NULL,
  sample_rule text NOT NULL,
  nodes integer NOT NULL,
  sampled integer NOT NULL DEFAULT 0,
  ok integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  lost integer NOT NULL DEFAULT 0,
  node_checks integer NOT NULL DEFAULT 0,
  failed_by_kind jsonb NOT NULL DEFAULT '{}',
  confidence double precision NOT NULL,
  bad_bound integer NOT NULL,
  status text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sentinel_round_era_idx ON sentinel_round (cluster_id, era);
CREATE INDEX sentinel_round_sentinel_idx ON sentinel_round (sentinel, status);
ALTER TABLE sentinel_check
  ADD COLUMN round_id text,
  ADD COLUMN activity_id text,
  ADD COLUMN leaf_index integer,
  ADD COLUMN kind text,
  ADD COLUMN evidence jsonb,
  ADD COLUMN notify_attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN notified_at timestamptz;
ALTER TABLE sentinel_check
  ADD CONSTRAINT sentinel_check_sample_key UNIQUE (round_id, activity_id, node_url);
CREATE INDEX sentinel_check_notify_idx ON sentinel_check (id) WHERE NOT ok AND notified_at IS NULL;
CREATE INDEX sentinel_check_checked_idx ON sentinel_check (checked_at, id);
`;

const DOWN = `
DROP INDEX IF EXISTS sentinel_check_checked_idx;
DROP INDEX IF EXISTS sentinel_check_notify_idx;
ALTER TABLE sentinel_check DROP CONSTRAINT IF EXISTS sentinel_check_sample_key;
ALTER TABLE sentinel_check
  DROP COLUMN round_id,
  DROP COLUMN activity_id,
  DROP COLUMN leaf_index,
  DROP COLUMN kind,
  DROP COLUMN evidence,
  DROP COLUMN notify_attempts,
  DROP COLUMN notified_at;
DROP TABLE sentinel_round;
`;

export class Sentinel1764000000000 implements MigrationInterface {
  name = 'Sentinel1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(DOWN);
  }
}
