/**
 * Two cheaper writes of `activity_record`, measured on real rows of the 1,000,000-record bench
 * database (bench/RESULTS.md, 2026-12-07, eighth session):
 *
 * - `raw` (the signed record, about 2,000 bytes) is stored out of line without trying to compress
 *   it (`STORAGE EXTERNAL`). PostgreSQL's pglz kept none of 20,000 such values compressed (it
 *   keeps a value only when it saves a quarter), so every insert paid for an attempt that failed:
 *   12% of an insert on PGlite, 15% on PostgreSQL (without triggers). What is stored is the same.
 *   Rows written before keep their form; both read the same.
 * - The insert trigger of `activity_count` (1764700000000-activity-counts) adds the statement's
 *   records to their groups instead of counting their blocks again from the table: an insert only
 *   adds records, so sums add and the first and last timestamps are the least and greatest of
 *   both. Updates and deletes still count the touched blocks again, which keeps the minima and
 *   maxima exact when records leave a group. The groups get a unique index (NULLS NOT DISTINCT:
 *   a record may have no cluster or era) for the upsert.
 *
 * test/helpers/indexer.ts `countProblems` compares `activity_count` with the records after
 * indexing, a reorg, relinks and a crash.
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const GROUP = 'block_height, cluster_id, era, ok, failing, waiting';

const UP = `
ALTER TABLE activity_record ALTER COLUMN raw SET STORAGE EXTERNAL;
CREATE UNIQUE INDEX activity_count_group_idx ON activity_count (${GROUP}) NULLS NOT DISTINCT;
CREATE OR REPLACE FUNCTION activity_count_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO activity_count AS c (${GROUP}, records, cost, first_timestamp, last_timestamp)
    SELECT n.block_height, n.cluster_id, n.era, n.ok, n.failed > 0, n.failed = 0 AND n.pending > 0,
      count(*)::int, coalesce(sum(n.cost), 0), min(n.timestamp), max(n.timestamp)
    FROM new_records n GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (${GROUP}) DO UPDATE SET records = c.records + EXCLUDED.records,
    cost = c.cost + EXCLUDED.cost,
    first_timestamp = LEAST(c.first_timestamp, EXCLUDED.first_timestamp),
    last_timestamp = GREATEST(c.last_timestamp, EXCLUDED.last_timestamp);
  RETURN NULL;
END
$fn$;
`;

/** 1764700000000-activity-counts' insert trigger function, as it was. */
const DOWN = `
CREATE OR REPLACE FUNCTION activity_count_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  heights integer[] := ARRAY(SELECT block_height FROM new_records);
BEGIN
  DELETE FROM activity_count WHERE block_height = ANY (heights);
  INSERT INTO activity_count (${GROUP}, records, cost, first_timestamp, last_timestamp)
    SELECT a.block_height, a.cluster_id, a.era, a.ok, a.failed > 0,
      a.failed = 0 AND a.pending > 0, count(*)::int, coalesce(sum(a.cost), 0), min(a.timestamp),
      max(a.timestamp)
    FROM activity_record a WHERE a.block_height = ANY (heights)
    GROUP BY 1, 2, 3, 4, 5, 6;
  RETURN NULL;
END
$fn$;
DROP INDEX IF EXISTS activity_count_group_idx;
ALTER TABLE activity_record ALTER COLUMN raw SET STORAGE EXTENDED;
`;

export class RecordWrites1764800000000 implements MigrationInterface {
  name = 'RecordWrites1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(DOWN);
  }
}
