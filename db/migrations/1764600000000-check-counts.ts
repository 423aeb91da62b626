/**
 * Counts of verification lines, kept by the database itself, so that `checkStats` no longer reads
 * every line it counts. On the 1,000,000-record bench database (15 million lines, PostgreSQL) a
 * cluster's counts took 81 s (the API gave up at 10 s) and the home page's totals 3-4 s
 * (bench/RESULTS.md).
 *
 * `check_count` holds, per block height, cluster and group of lines (subject kind, step, check,
 * code, and the outcome flags `ok`, `pending`, `skipped`), how many lines of that group the block's
 * subjects have. The block height stays in the key so that `lastBlockHeight` is exact when lines
 * are deleted (a reorg, a subject computed again): a maximum cannot be decremented, a count per
 * height can. A group that reaches zero lines is removed.
 *
 * Three statement-level triggers on `verification_line` keep it, from each statement's transition
 * tables, so every writer (inserts of the indexer, the relink's updates, the deletes of a rollback
 * or of a subject computed again, and anything later) moves the counts in the same transaction as
 * the lines. A line's cluster is the one `checkStats(clusterId:)` has always used:
 * - era and settlement lines: the cluster id their subject id starts with (`<cluster>-<era>…`);
 * - batch and anchor lines: their batch's cluster (`dac_batch`);
 * - record and links lines: the cluster of the batch named by the record id (`<batch id>:<leaf>`),
 *   which is the record's `cluster_id` (the indexer sets it from the batch);
 * - any other line (grants, remarks): none, stored as `''`.
 * The batch must therefore exist when its lines are written and still exist when they are deleted:
 * the indexer writes `dac_batch` before the lines and a rollback deletes the lines first.
 * test/helpers/indexer.ts `countProblems` compares the counts with the lines themselves after
 * indexing, a reorg, relinks and a crash.
 *
 * `TRUNCATE` fires none of these triggers: whatever empties `verification_line` (as the
 * one-verdict and later migrations did, to index again) must empty `check_count` with it.
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a line's cluster is read from: its batch's id for record and links lines (the part of the
 * record id before the `:`) and for batch and anchor lines, the cluster id itself for era and
 * settlement lines (the part of the subject id before the first `-`), nothing for the others.
 */
const OWNER = `CASE
    WHEN subject_kind IN ('record', 'links') THEN split_part(subject_id, ':', 1)
    WHEN subject_kind IN ('batch', 'anchor') THEN subject_id
    WHEN subject_kind IN ('era', 'settlement') THEN split_part(subject_id, '-', 1)
    ELSE '' END`;

/** The cluster of a group `g` of lines with one owner. */
const CLUSTER = `CASE
    WHEN g.subject_kind IN ('era', 'settlement') THEN g.owner
    WHEN g.subject_kind IN ('record', 'links', 'batch', 'anchor')
      THEN coalesce((SELECT d.cluster_id FROM dac_batch d WHERE d.id = g.owner), '')
    ELSE '' END`;

const GROUP = `block_height, cluster_id, subject_kind, step, check_name, code, ok, pending, skipped`;

/**
 * The lines of table `from` (a table or a transition table), counted per group. They are counted
 * per owner first and each owner's batch is looked up once, by its key: a join of the statement's
 * lines with `dac_batch` was planned as a hash of the whole batch table, which on PGlite more than
 * doubled the time to insert 3,000 lines (bench/RESULTS.md).
 */
function counted(from: string): string {
  return `SELECT g.block_height, ${CLUSTER} AS cluster_id, g.subject_kind, g.step, g.check_name,
      g.code, g.ok, g.pending, g.skipped, sum(g.lines)::int AS lines
    FROM (SELECT block_height, subject_kind, ${OWNER} AS owner, step, check_name, code, ok,
            pending, skipped, count(*) AS lines
            FROM ${from} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) g
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`;
}

const KEY = `(block_height, cluster_id, subject_kind, step, check_name, (coalesce(code, '')), ok,
  pending, skipped)`;

function add(from: string): string {
  return `INSERT INTO check_count (${GROUP}, lines) ${counted(from)}
    ON CONFLICT ${KEY} DO UPDATE SET lines = check_count.lines + EXCLUDED.lines;`;
}

function subtract(from: string): string {
  return `UPDATE check_count c SET lines = c.lines - g.lines FROM (${counted(from)}) g
     WHERE c.block_height = g.block_height AND c.cluster_id = g.cluster_id
       AND c.subject_kind = g.subject_kind AND c.step = g.step AND c.check_name = g.check_name
       AND coalesce(c.code, '') = coalesce(g.code, '') AND c.ok = g.ok AND c.pending = g.pending
       AND c.skipped = g.skipped;
    DELETE FROM check_count WHERE lines = 0;`;
}

function fn(name: string, body: string): string {
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  ${body}
  RETURN NULL;
END
$fn$;`;
}

const UP = `
CREATE TABLE check_count (
  block_height integer NOT NULL,
  cluster_id text NOT NULL,
  subject_kind text NOT NULL,
  step text NOT NULL,
  check_name text NOT NULL,
  code text,
  ok boolean NOT NULL,
  pending boolean NOT NULL,
  skipped boolean NOT NULL,
  lines integer NOT NULL
);
CREATE UNIQUE INDEX check_count_key ON check_count ${KEY};
CREATE INDEX check_count_cluster_idx ON check_count (cluster_id);
CREATE INDEX check_count_empty_idx ON check_count (block_height) WHERE lines = 0;
${add('verification_line')}
${fn('check_count_insert', add('new_lines'))}
${fn('check_count_delete', subtract('old_lines'))}
${fn('check_count_update', `${subtract('old_lines')}\n  ${add('new_lines')}`)}
CREATE TRIGGER check_count_insert AFTER INSERT ON verification_line
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION check_count_insert();
CREATE TRIGGER check_count_delete AFTER DELETE ON verification_line
  REFERENCING OLD TABLE AS old_lines FOR EACH STATEMENT EXECUTE FUNCTION check_count_delete();
CREATE TRIGGER check_count_update AFTER UPDATE ON verification_line
  REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
  FOR EACH STATEMENT EXECUTE FUNCTION check_count_update();
`;

const DOWN = `
DROP TRIGGER IF EXISTS check_count_update ON verification_line;
DROP TRIGGER IF EXISTS check_count_delete ON verification_line;
DROP TRIGGER IF EXISTS check_count_insert ON verification_line;
DROP FUNCTION IF EXISTS check_count_update();
DROP FUNCTION IF EXISTS check_count_delete();
DROP FUNCTION IF EXISTS check_count_insert();
DROP TABLE IF EXISTS check_count;
`;

export class CheckCounts1764600000000 implements MigrationInterface {
  name = 'CheckCounts1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(DOWN);
  }
}
