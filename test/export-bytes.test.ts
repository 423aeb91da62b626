/**
 * The streamed exports (api/export.ts) against a reference: every entity of the model, every column,
 * as CSV and as NDJSON, must be byte for byte what the export wrote when it encoded pg's parsed row
 * objects (the encoding below, kept from that version), in the same order, on PGlite and on
 * PostgreSQL. The export now reads rows as arrays with bytea left as PostgreSQL's hex text and
 * writes each page in pieces; this pins that none of that changes a byte.
 */
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi } from '../api/app.ts';
import { loadApiConfig } from '../api/config.ts';
import { type ColumnField, type Entity, loadModel } from '../api/model.ts';
import { orderSql, orderTerms, quote } from '../api/sql.ts';
import { databaseLegs } from './helpers/databases.ts';
import { type IndexedDevnet, indexDevnet } from './helpers/indexed-devnet.ts';

const legs = await databaseLegs();

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (v instanceof Date) s = v.toISOString();
  else if (v instanceof Uint8Array) s = `0x${Buffer.from(v).toString('hex')}`;
  else if (typeof v === 'object') s = JSON.stringify(v);
  else s = String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function jsonValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
  return v;
}

/** The reference: pg's row objects encoded as the export encoded them. */
async function reference(
  pool: pg.Pool,
  e: Entity,
  fields: readonly ColumnField[],
  format: 'csv' | 'ndjson',
  limit?: number
): Promise<string> {
  const terms = orderTerms(e, []);
  const cols = [...new Set([...fields.map((f) => f.column), ...terms.map((t) => t.field.column)])];
  const rows = (
    await pool.query(
      `SELECT ${cols.map((c) => `t0.${quote(c)}`).join(', ')} FROM ${quote(e.table)} t0
        ORDER BY ${orderSql(terms, 't0')}${limit === undefined ? '' : ` LIMIT ${limit}`}`
    )
  ).rows as Array<Record<string, unknown>>;
  let out = format === 'csv' ? `${fields.map((f) => f.name).join(',')}\r\n` : '';
  for (const r of rows) {
    if (format === 'csv') out += `${fields.map((f) => csvCell(r[f.column])).join(',')}\r\n`;
    else
      out += `${JSON.stringify(Object.fromEntries(fields.map((f) => [f.name, jsonValue(r[f.column])])))}\n`;
  }
  return out;
}

describe.each(legs)('export bytes on %s', (leg) => {
  let ix: IndexedDevnet;
  let pool: pg.Pool;
  let api: Api;
  const model = loadModel();

  beforeAll(async () => {
    ix = await indexDevnet(leg, { seed: `export-bytes-${leg}` });
    pool = new pg.Pool({ connectionString: ix.url, max: 4 });
    const config = loadApiConfig(
      { PROOFROOM_API_RATE_LIMIT: '0' },
      { databaseUrl: ix.url, embedded: leg === 'pglite' }
    );
    api = createApi({ db: pool, config, log: () => {} });
  }, 180_000);
  afterAll(async () => {
    api?.close();
    await pool?.end();
    await ix?.close();
  });

  const get = async (path: string): Promise<string> => {
    const res = await request(api.app)
      .get(path)
      .buffer(true)
      .parse((r, cb) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => cb(null, Buffer.concat(parts).toString('utf8')));
      });
    expect(res.status, path).toBe(200);
    return res.body as string;
  };

  it('writes every entity, every column, as the row-object encoding did', async () => {
    let rows = 0;
    for (const e of model.entities.values()) {
      const fields = [...e.fields.values()].filter((f): f is ColumnField => f.kind === 'column');
      for (const format of ['csv', 'ndjson'] as const) {
        const want = await reference(pool, e, fields, format);
        const got = await get(`/v1/export/${e.plural}.${format}`);
        expect(got.length, `${e.plural}.${format}`).toBe(want.length);
        expect(got === want, `${e.plural}.${format}`).toBe(true);
        if (format === 'ndjson') rows += want === '' ? 0 : want.split('\n').length - 1;
      }
    }
    expect(rows).toBeGreaterThan(1000);
  }, 120_000);

  it('keeps a field given twice as the object did (one key) and as CSV did (two cells)', async () => {
    const e = model.entities.get('ActivityRecord')!;
    const f = (n: string) => e.fields.get(n) as ColumnField;
    const fields = [f('id'), f('raw'), f('timestamp'), f('usage'), f('id'), f('proof'), f('cost')];
    const names = fields.map((x) => x.name).join(',');
    for (const format of ['csv', 'ndjson'] as const) {
      const want = await reference(pool, e, fields, format, 7);
      expect(await get(`/v1/export/activityRecords.${format}?fields=${names}&limit=7`)).toBe(want);
    }
  });
});
