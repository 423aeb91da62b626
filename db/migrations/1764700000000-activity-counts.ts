/**
 * Counts of activity records per block, cluster, era and outcome, kept by the database, so that
 * `activityStats` grouped or filtered by cluster and era no longer reads every record: on the
 * 1,000,000-record bench database the home page's records per cluster took 600 ms and a cluster
 * page's records per era 525 ms (bench/RESULTS.md).
 *
 * `activity_count` holds, per block height, cluster, era and outcome (`ok`; `failing`: a line of
 * the record's own failed; `waiting`: none failed and one waits), how many records there are, the
 * sum of their cost and their first and last timestamps. Three statement-level triggers on
 * `activity_record` count the blocks a statement touched again from the records themselves
 * (through `activity_record_block_idx`; 200-325 records a block in the benches), so a minimum
 * and maximum stay exact when a relink moves a record from waiting to passed, or a rollback
 * deletes a block's records, and every writer moves the counts in its own transaction. The cost
 * grows with the records of the touched blocks, not of the statement: a relink of one record
 * counts its whole block again.
 * test/helpers/indexer.ts `countProblems` compares them with the records after indexing, a reorg,
 * relinks and a crash.
 *
 * `TRUNCATE` fires none of these triggers: whatever empties `activity_record` (as the one-verdict
 * and later migrations did, to index again) must empty `activity_count` with it.
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The records of the blocks in `heights` (an int[] expression), counted per group. */
function counted(heights: string): string {
  return `SELECT a.block_height, a.cluster_id, a.era, a.ok, a.failed > 0,
      a.failed = 0 AND a.pending > 0, count(*)::int, coalesce(sum(a.cost), 0), min(a.timestamp),
      max(a.timestamp)
    FROM activity_record a WHERE a.block_height = ANY (${heights})
    GROUP BY 1, 2, 3, 4, 5, 6`;
}

const COLUMNS = `block_height, cluster_id, era, ok, failing, waiting, records, cost, first_timestamp,
  last_timestamp`;

/** A trigger function counting again the blocks of the transition tables `tables`. */
function fn(name: string, tables: readonly string[]): string {
  const heights = tables.map((t) => `SELECT block_height FROM ${t}`).join(' UNION ');
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  heights integer[] := ARRAY(${heights});
BEGIN
  DELETE FROM activity_count WHERE block_height = ANY (heights);
  INSERT INTO activity_count (${COLUMNS}) ${counted('heights')};
  RETURN NULL;
END
$fn$;`;
}

const UP = `
CREATE TABLE activity_count (
  block_height integer NOT NULL,
  cluster_id text,
  era integer,
  ok boolean NOT NULL,
  failing boolean NOT NULL,
  waiting boolean NOT NULL,
  records integer NOT NULL,
  cost numeric NOT NULL,
  first_timestamp timestamptz,
  last_timestamp timestamptz
);
CREATE INDEX activity_count_block_idx ON activity_count (block_height);
CREATE INDEX activity_count_era_idx ON activity_count (cluster_id, era);
INSERT INTO activity_count (${COLUMNS})
  SELECT a.block_height, a.cluster_id, a.era, a.ok, a.failed > 0, a.failed = 0 AND a.pending > 0,
    count(*)::int, coalesce(sum(a.cost), 0), min(a.timestamp), max(a.timestamp)
  FROM activity_record a GROUP BY 1, 2, 3, 4, 5, 6;
${fn('activity_count_insert', ['new_records'])}
${fn('activity_count_delete', ['old_records'])}
${fn('activity_count_update', ['old_records', 'new_records'])}
CREATE TRIGGER activity_count_insert AFTER INSERT ON activity_record
  REFERENCING NEW TABLE AS new_records FOR EACH STATEMENT EXECUTE FUNCTION activity_count_insert();
CREATE TRIGGER activity_count_delete AFTER DELETE ON activity_record
  REFERENCING OLD TABLE AS old_records FOR EACH STATEMENT EXECUTE FUNCTION activity_count_delete();
CREATE TRIGGER activity_count_update AFTER UPDATE ON activity_record
  REFERENCING OLD TABLE AS old_records NEW TABLE AS new_records
  FOR EACH STATEMENT EXECUTE FUNCTION activity_count_update();
`;

const DOWN = `
DROP TRIGGER IF EXISTS activity_count_update ON activity_record;
DROP TRIGGER IF EXISTS activity_count_delete ON activity_record;
DROP TRIGGER IF EXISTS activity_count_insert ON activity_record;
DROP FUNCTION IF EXISTS activity_count_update();
DROP FUNCTION IF EXISTS activity_count_delete();
DROP FUNCTION IF EXISTS activity_count_insert();
DROP TABLE IF EXISTS activity_count;
`;

export class ActivityCounts1764700000000 implements MigrationInterface {
  name = 'ActivityCounts1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(DOWN);
  }
}
