/**
 * Indexes for three filters the API and the explorer send, which read the whole of a large table
 * on a PostgreSQL server (measured on the 1,000,000-record bench database, bench/RESULTS.md):
 *
 * - **A check's code** (`checks_some: { code_eq }`, `verificationLines(where: { code_eq })`): the
 *   existing `(code, step)` indexes hold only lines `WHERE NOT ok` or `WHERE pending`, and a filter
 *   on the code alone does not say `NOT ok`, so PostgreSQL read all 15 million lines (3.7 s for one
 *   code). A filter on a code does imply `code IS NOT NULL`, which holds exactly for the lines that
 *   did not pass: this index is as small as the others (11,250 lines of 15 million).
 * - **A record id's prefix** (the explorer's search, `recordId_startsWith`): `starts_with` becomes
 *   an index range only under the "C" collation or on a `text_pattern_ops` index. PGlite's
 *   database is "C", a server's usually is not (`C.UTF-8` here): there the search read the whole
 *   record id index, 2 s for a prefix nothing starts with.
 * - **An era's settlement lines** (`subjectId_startsWith: "<cluster>-<era>-"` on the era page): the
 *   same, on the era and settlement subjects only (a few per era), 94 ms per era page.
 *
 * On PGlite the two prefix indexes repeat what the ordinary ones already give; they are kept on
 * both databases so that the schema is one.
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
CREATE INDEX verification_line_code_idx ON verification_line (code, subject_kind, subject_id)
  WHERE code IS NOT NULL;
CREATE INDEX activity_record_record_prefix_idx ON activity_record (record_id text_pattern_ops);
CREATE INDEX verification_line_era_prefix_idx
  ON verification_line (subject_kind, subject_id text_pattern_ops)
  WHERE subject_kind IN ('era', 'settlement');
`;

const DOWN = `
DROP INDEX IF EXISTS verification_line_era_prefix_idx;
DROP INDEX IF EXISTS activity_record_record_prefix_idx;
DROP INDEX IF EXISTS verification_line_code_idx;
`;

export class FilterIndexes1764500000000 implements MigrationInterface {
  name = 'FilterIndexes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(DOWN);
  }
}
