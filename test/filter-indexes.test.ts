/**
 * Filters the explorer sends reach the large tables through an index that fits them, on both
 * databases (db/migrations/1764500000000-filter-indexes.ts). On a 1,000,000-record PostgreSQL
 * database each of these read a whole table before (a check code 3.7 s, a record id prefix 2 s,
 * an era's settlement lines 94 ms; bench/RESULTS.md).
 *
 * How: the API runs each request over a recording `Queryable`; every statement it sent that reads
 * `activity_record` or `verification_line` is explained (with its own parameters) with sequential
 * scans switched off, so that a plan can reach a table without an index only when no index fits
 * the filter. Then every scan of the filtered table must carry an index condition on the filtered
 * column: a scan of a whole index, filtered row by row, is what the slow plans did. The tables
 * hold synthetic rows first (analyzed): on empty tables the planner takes any index whose condition
 * it can use, and the primary key's `subject_kind` alone would do for the settlement lines.
 *
 * A cluster's line counts (`checkStats(clusterId:)`, 81 s at 1M) read the counts the triggers keep
 * (db/migrations/1764600000000-check-counts.ts) through their cluster index, and no line.
 */
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi } from '../api/app.ts';
import { loadApiConfig } from '../api/config.ts';
import type { Queryable } from '../api/context.ts';
import { migrate } from '../db/index.ts';
import { TABLES, type Table } from '../db/rows.ts';
import { type TestDatabase, createTestDatabase, databaseLegs } from './helpers/databases.ts';

const legs = await databaseLegs();

interface Sent {
  readonly text: string;
  readonly values: unknown[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Plans?: PlanNode[];
}

/** A value for every column of `table`, `overrides` (SQL over the row number `i`) first. */
function seedSql(table: Table, rows: number, overrides: Record<string, string>): string {
  const filler: Record<string, string> = {
    text: `'x' || i`,
    int4: 'i',
    int8: 'i',
    numeric: '0',
    bool: 'false',
    json: `'{}'`,
    jsonb: `'{}'`,
    bytea: `'\\x00'`,
    timestamptz: 'now()',
    float8: '0',
  };
  const cols = TABLES[table].columns;
  return `INSERT INTO ${table} (${cols.map(([c]) => c).join(', ')})
    SELECT ${cols.map(([c, t]) => `(${overrides[c] ?? filler[t]})::${t}`).join(', ')}
      FROM generate_series(1, ${rows}) AS i`;
}

/** Every node of a plan that scans `table` (heap, index or bitmap), with its index condition. */
function scansOf(node: PlanNode, table: string, out: PlanNode[] = []): PlanNode[] {
  if (node['Relation Name'] === table) out.push(node);
  for (const child of node.Plans ?? []) {
    // A bitmap heap scan's condition is its bitmap index scan's.
    if (node['Node Type'] === 'Bitmap Heap Scan' && child['Node Type'].startsWith('Bitmap')) {
      out.push({ ...child, 'Relation Name': table });
      continue;
    }
    scansOf(child, table, out);
  }
  return out;
}

describe.each(legs)('filters reach the large tables by an index on %s', (leg) => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: Api;
  const sent: Sent[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(leg);
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    // 20,000 records with 6 lines each, 1 in 100 failing with a code; 50 eras of 20 settlements
    // with 3 lines each.
    await pool.query(
      seedSql('activity_record', 20_000, {
        id: `(i / 100) || '-1:' || (i % 100)`,
        record_id: `'dac-' || md5(i::text)`,
      })
    );
    // 200 batches of two clusters, which the record lines' counts are kept under.
    await pool.query(
      seedSql('dac_batch', 200, {
        id: `i || '-1'`,
        cluster_id: `CASE WHEN i % 2 = 0 THEN '0xaa' ELSE '0xbb' END`,
      })
    );
    await pool.query(
      seedSql('verification_line', 120_000, {
        subject_kind: `'record'`,
        subject_id: `(i / 600) || '-1:' || ((i / 6) % 100)`,
        seq: 'i % 6',
        ok: 'i % 100 <> 0',
        code: `CASE WHEN i % 100 = 0 THEN 'PROOF_INVALID' END`,
      })
    );
    await pool.query(
      seedSql('verification_line', 3000, {
        subject_kind: `'settlement'`,
        subject_id: `'0xbeea587ec06ca5f313e247d630363be42e9d19f2-' || (i / 60) || '-payers-0x' || ((i / 3) % 20)`,
        seq: 'i % 3',
        ok: 'true',
      })
    );
    await pool.query('ANALYZE activity_record');
    await pool.query('ANALYZE verification_line');
    await pool.query('ANALYZE check_count');
    const recording: Queryable = {
      query(text: string, values?: unknown[]) {
        sent.push({ text, values: values ?? [] });
        return pool.query(text, values);
      },
    };
    api = createApi({
      db: recording,
      config: loadApiConfig(
        { PROOFROOM_API_RATE_LIMIT: '0' },
        { databaseUrl: db.url, embedded: leg === 'pglite' }
      ),
      log: () => {},
    });
  }, 60_000);
  afterAll(async () => {
    api?.close();
    await pool?.end();
    await db?.drop();
  });

  /** The plans of the statements one GraphQL request sent that read `table`. */
  async function plansFor(query: string, table: string): Promise<PlanNode[]> {
    sent.length = 0;
    const res = await request(api.app).post('/graphql').send({ query });
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    const reading = sent.filter((s) => new RegExp(`\\b${table}\\b`).test(s.text));
    expect(reading.length, `no statement read ${table}`).toBeGreaterThan(0);
    const c = await pool.connect();
    try {
      const plans: PlanNode[] = [];
      for (const s of reading) {
        await c.query('BEGIN');
        try {
          await c.query('SET LOCAL enable_seqscan = off');
          const r = await c.query(`EXPLAIN (FORMAT JSON) ${s.text}`, s.values);
          plans.push(
            (r.rows[0] as { 'QUERY PLAN': Array<{ Plan: PlanNode }> })['QUERY PLAN'][0]!.Plan
          );
        } finally {
          await c.query('ROLLBACK');
        }
      }
      return plans;
    } finally {
      c.release();
    }
  }

  /** Every scan of `table` in the plans is bounded by an index condition on `column`. */
  async function expectIndexed(query: string, table: string, column: string): Promise<void> {
    const plans = await plansFor(query, table);
    const scans = plans.flatMap((p) => scansOf(p, table));
    expect(scans.length, `no scan of ${table}`).toBeGreaterThan(0);
    for (const s of scans) {
      const cond = s['Index Cond'] ?? s['Recheck Cond'] ?? '';
      expect(s['Node Type'], JSON.stringify(s)).not.toBe('Seq Scan');
      expect(
        cond,
        `${table} scanned without a condition on ${column}: ${JSON.stringify(s)}`
      ).toMatch(new RegExp(`\\b${column}\\b`));
    }
  }

  it('records with a line of a given code', () =>
    expectIndexed(
      `{ activityRecords(where: { checks_some: { code_eq: "SIGNATURE_INVALID" } }, limit: 20) { id } }`,
      'verification_line',
      'code'
    ));

  it('lines of a given code', () =>
    expectIndexed(
      `{ verificationLines(where: { code_eq: "PROOF_INVALID" }, limit: 20) { subjectId seq } }`,
      'verification_line',
      'code'
    ));

  it('records whose id starts with what the search box holds', () =>
    expectIndexed(
      `{ activityRecords(where: { recordId_startsWith: "dac-2090" }, orderBy: recordId_ASC, limit: 10) { id } }`,
      'activity_record',
      'record_id'
    ));

  it("a cluster's line counts, from the counts kept per cluster and not from the lines", async () => {
    const query = `{ checkStats(groupBy: [SUBJECT_KIND], clusterId: "0xAA") { subjectKind lines } }`;
    await expectIndexed(query, 'check_count', 'cluster_id');
    expect(sent.filter((q) => /\bverification_line\b/.test(q.text))).toEqual([]);
    // The counts are the lines': half the record lines (even batches), every settlement line
    // counted under the era's cluster.
    const res = await request(api.app).post('/graphql').send({ query });
    const live = await pool.query(
      `SELECT count(*)::int AS n FROM verification_line l
        WHERE l.subject_kind = 'record'
          AND split_part(l.subject_id, ':', 1) IN (SELECT id FROM dac_batch WHERE cluster_id = '0xaa')`
    );
    expect(res.body.data.checkStats).toEqual([{ subjectKind: 'record', lines: live.rows[0].n }]);
    expect(live.rows[0].n).toBeGreaterThan(50_000);
  });

  it("an era's settlement lines and their counts", async () => {
    const era = `"0xbeea587ec06ca5f313e247d630363be42e9d19f2-150-"`;
    await expectIndexed(
      `{ verificationLines(where: { subjectKind_eq: "settlement", subjectId_startsWith: ${era}, ok_eq: false },
           orderBy: [subjectId_ASC, seq_ASC], limit: 200) { subjectId } }`,
      'verification_line',
      'subject_id'
    );
    await expectIndexed(
      `{ checkStats(where: { subjectKind_eq: "settlement", subjectId_startsWith: ${era} }) { lines } }`,
      'verification_line',
      'subject_id'
    );
  });
});
