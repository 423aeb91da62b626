/**
 * `receipt` inside a list is batched: a page of activity records with their receipts costs a
 * bounded number of SQL statements (the page's, then one for all its receipts), not one or two per
 * record, and every receipt is exactly the one `receipt(id:)` gives alone. Aliased
 * `receipt(recordId:)` fields of one operation are read together too.
 */
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi } from '../api/app.ts';
import { loadApiConfig } from '../api/config.ts';
import type { Queryable } from '../api/context.ts';
import { loadReceipt, loadReceipts } from '../api/receipt.ts';
import { databaseLegs } from './helpers/databases.ts';
import { type IndexedDevnet, indexDevnet } from './helpers/indexed-devnet.ts';

const legs = await databaseLegs();

type Json = Record<string, any>;

const RECEIPT_FIELDS = `id recordId kind status ok passed failed pending skipped pendingSteps
  lines { index step check status ok code reason rule basis facts subjectKind subjectId
  source { block eventIndex extrinsic url } }`;

describe.each(legs)('receipts in lists on %s', (leg) => {
  let ix: IndexedDevnet;
  let pool: pg.Pool;
  let api: Api;
  /** The SQL statements the API sent since the last reset. */
  let statements: string[] = [];

  beforeAll(async () => {
    ix = await indexDevnet(leg, { seed: `receipt-batch-${leg}` });
    pool = new pg.Pool({ connectionString: ix.url, max: 4 });
    const counting: Queryable = {
      query: (text, values) => {
        statements.push(text);
        return pool.query(text, values) as ReturnType<Queryable['query']>;
      },
    };
    api = createApi({
      db: counting,
      config: loadApiConfig(
        { PROOFROOM_API_RATE_LIMIT: '0' },
        { databaseUrl: ix.url, embedded: leg === 'pglite' }
      ),
      log: () => {},
    });
  }, 180_000);
  afterAll(async () => {
    api?.close();
    await pool?.end();
    await ix?.close();
  });

  const data = async (query: string, variables?: Json): Promise<Json> => {
    const res = await request(api.app).post('/graphql').send({ query, variables });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    return res.body.data as Json;
  };

  it('reads a page of 20 receipts with one statement, each the receipt asked for alone', async () => {
    // The first page by id, and a page of records that failed a line (the faults' receipts).
    for (const where of ['{}', '{ ok_eq: false }']) {
      statements = [];
      const page = (
        await data(`{ activityRecords(where: ${where}, orderBy: id_ASC, limit: 20) {
          id receipt { ${RECEIPT_FIELDS} } } }`)
      ).activityRecords as Json[];
      expect(page.length).toBeGreaterThan(1);
      if (where === '{}') expect(page).toHaveLength(20);
      // The page, then its receipts: never a statement per record.
      expect(statements.length, statements.join('\n---\n')).toBeLessThanOrEqual(2);
      expect(statements.filter((s) => s.includes('verification_line'))).toHaveLength(1);
      for (const r of page) {
        expect(r.receipt.id).toBe(r.id);
        const alone = (
          await data(`query ($id: String!) { receipt(id: $id) { ${RECEIPT_FIELDS} } }`, {
            id: r.id,
          })
        ).receipt;
        expect(r.receipt).toEqual(alone);
      }
    }
  });

  it('reads aliased receipts together, and a batch gives what each key gives alone', async () => {
    const rows = (
      await pool.query<{ id: string; record_id: string }>(
        `SELECT id, record_id FROM activity_record ORDER BY md5(id) LIMIT 12`
      )
    ).rows;
    statements = [];
    // An unknown record: that field alone is null, with a NOT_FOUND error naming it.
    const res = await request(api.app)
      .post('/graphql')
      .send({
        query: `{ ${rows.map((r, i) => `r${i}: receipt(recordId: ${JSON.stringify(r.record_id)}) { ${RECEIPT_FIELDS} }`).join('\n')}
         missing: receipt(recordId: "no such record") { id } }`,
      });
    expect(res.status).toBe(200);
    const aliased = res.body.data as Json;
    expect(statements).toHaveLength(1);
    expect(aliased.missing).toBeNull();
    expect(res.body.errors).toMatchObject([
      {
        path: ['missing'],
        message: 'no activity record has the record id "no such record"',
        extensions: { code: 'NOT_FOUND', facts: { recordId: 'no such record' } },
      },
    ]);
    for (const [i, r] of rows.entries()) expect(aliased[`r${i}`].recordId).toBe(r.record_id);
    const keys = [
      ...rows.map((r) => ({ id: r.id })),
      ...rows.map((r) => ({ recordId: r.record_id })),
      { id: 'no such id' },
      { recordId: 'x'.repeat(513) },
    ];
    const batch = await loadReceipts(pool, keys);
    expect(batch).toHaveLength(keys.length);
    for (const [i, k] of keys.entries())
      expect(batch[i], JSON.stringify(k)).toEqual(await loadReceipt(pool, k));
    expect(batch.at(-1)).toBeNull();
    expect(batch.at(-2)).toBeNull();
  });

  it('sends the receipt statements by name on a PostgreSQL server, never on PGlite', async () => {
    // One connection, so that its session's prepared statements are the ones the API made.
    const one = new pg.Pool({ connectionString: ix.url, max: 1 });
    const served = createApi({
      db: one,
      config: loadApiConfig(
        { PROOFROOM_API_RATE_LIMIT: '0' },
        { databaseUrl: ix.url, embedded: leg === 'pglite' }
      ),
      log: () => {},
    });
    try {
      const [r] = (
        await pool.query<{ id: string; record_id: string }>(
          `SELECT id, record_id FROM activity_record ORDER BY id LIMIT 1`
        )
      ).rows;
      const ask = async (q: string) =>
        (await request(served.app).post('/graphql').send({ query: q })).body as Json;
      const byId = `{ receipt(id: ${JSON.stringify(r!.id)}) { ${RECEIPT_FIELDS} } }`;
      const byRecord = `{ receipt(recordId: ${JSON.stringify(r!.record_id)}) { ${RECEIPT_FIELDS} } }`;
      // Twice each: the second run reuses the statement its connection prepared.
      const answers = [await ask(byId), await ask(byId), await ask(byRecord), await ask(byRecord)];
      for (const a of answers) expect(a.errors, JSON.stringify(a.errors)).toBeUndefined();
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[3]).toEqual(answers[2]);
      expect(answers[0]!.data.receipt).toEqual(answers[2]!.data.receipt);
      expect(answers[0]!.data.receipt).toEqual(await data(byId).then((d) => d.receipt));
      const names = (
        await one.query<{ name: string }>(
          `SELECT name FROM pg_prepared_statements WHERE name LIKE 'proofroom_%' ORDER BY name`
        )
      ).rows.map((x) => x.name);
      expect(names).toEqual(
        leg === 'postgres' ? ['proofroom_receipt_by_id', 'proofroom_receipt_by_record_id'] : []
      );
    } finally {
      served.close();
      await one.end();
    }
  });
});
