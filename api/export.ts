/**
 * `GET /v1/export/<entity>.csv` and `.ndjson`: every row of an entity that matches the filters,
 * streamed in keyset pages (no silent row cap, memory bounded by one page, back-pressure from the
 * client respected, no transaction held between pages). Filters are the GraphQL where input,
 * either as `where=<JSON>` or as flat `field_op=value` parameters (`_in` takes a comma list);
 * `orderBy=a_ASC,b_DESC`; `fields=a,b` picks columns; `limit=N` asks for at most N rows.
 * @module
 */
import { once } from 'node:events';
import type { Request, Response } from 'express';
import pg from 'pg';
import type { ApiConfig } from './config.ts';
import type { Queryable } from './context.ts';
import { ApiError, restError } from './errors.ts';
import type { ApiMetrics } from './metrics.ts';
import type { ColumnField, Entity, Model } from './model.ts';
import {
  Params,
  afterPredicate,
  compileWhere,
  orderSql,
  orderTerms,
  quote,
  splitKey,
} from './sql.ts';

/** Rows per page: as many as make about PAGE_BYTES of output, within these bounds. */
const PAGE_ROWS = { first: 250, min: 50, max: 5000 };
const PAGE_BYTES = 512 * 1024;
/** Characters of output per write (a page goes out in several). */
const WRITE_CHARS = 32 * 1024;
const MAX_WHERE_CHARS = 64 * 1024;

function entityOf(model: Model, name: string): Entity | undefined {
  for (const e of model.entities.values()) if (e.plural === name || e.table === name) return e;
  return undefined;
}

/** A flat query-string value as the filter's GraphQL type reads it. */
function flatValue(f: ColumnField, op: string, raw: string): unknown {
  if (op === 'isNull') {
    if (raw !== 'true' && raw !== 'false')
      throw new ApiError('BAD_FILTER', `${f.name}_isNull: true or false`);
    return raw === 'true';
  }
  if (op === 'in' || op === 'not_in')
    return raw === '' ? [] : raw.split(',').map((x) => scalarValue(f, x));
  return scalarValue(f, raw);
}

function scalarValue(f: ColumnField, raw: unknown): unknown {
  if (typeof raw !== 'string') {
    if (f.scalar === 'Bytes') throw new ApiError('BAD_FILTER', `${f.name}: expected 0x-hex`);
    return raw;
  }
  switch (f.scalar) {
    case 'Int': {
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n < -(2 ** 31) || n >= 2 ** 31)
        throw new ApiError(
          'BAD_FILTER',
          `${f.name}: expected a 32-bit integer, got ${JSON.stringify(raw.slice(0, 40))}`
        );
      return n;
    }
    case 'Float': {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new ApiError('BAD_FILTER', `${f.name}: expected a number`);
      return n;
    }
    case 'Boolean':
      if (raw !== 'true' && raw !== 'false')
        throw new ApiError('BAD_FILTER', `${f.name}: true or false`);
      return raw === 'true';
    case 'Bytes':
      if (!/^0x(?:[0-9a-fA-F]{2})*$/.test(raw))
        throw new ApiError('BAD_FILTER', `${f.name}: expected 0x-hex`);
      return Buffer.from(raw.slice(2), 'hex');
    default:
      return raw;
  }
}

function splitFlat(e: Entity, key: string): { f: ColumnField; op: string } | null {
  const { field, op } = splitKey(e, key);
  const f = e.fields.get(field);
  return f?.kind === 'column' && op !== '' ? { f, op } : null;
}

/** Bytes filters arrive as hex strings in JSON: turn them into bytes like the GraphQL scalar. */
function normalizeJsonWhere(e: Entity, model: Model, w: unknown, depth = 0): unknown {
  if (depth > 8 || w === null || typeof w !== 'object' || Array.isArray(w)) return w;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(w as Record<string, unknown>)) {
    if ((k === 'AND' || k === 'OR') && Array.isArray(v)) {
      out[k] = v.map((x) => normalizeJsonWhere(e, model, x, depth + 1));
      continue;
    }
    const flat = splitFlat(e, k);
    if (flat && flat.f.scalar === 'Bytes' && flat.op !== 'isNull')
      out[k] = Array.isArray(v) ? v.map((x) => scalarValue(flat.f, x)) : scalarValue(flat.f, v);
    else {
      const rel = e.fields.get(k.replace(/_(some|every|none)$/, ''));
      const target =
        rel?.kind === 'link'
          ? model.entities.get(rel.target)
          : rel?.kind === 'checks'
            ? model.entities.get('VerificationLine')
            : undefined;
      out[k] = target ? normalizeJsonWhere(target, model, v, depth + 1) : v;
    }
  }
  return out;
}

export function whereFromQuery(
  e: Entity,
  model: Model,
  query: Request['query']
): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    if (['where', 'orderBy', 'fields', 'limit'].includes(k)) continue;
    if (typeof v !== 'string') throw new ApiError('BAD_FILTER', `${k}: give it once`);
    const flat = splitFlat(e, k);
    if (!flat) throw new ApiError('BAD_FILTER', `${e.plural} has no filter ${k}`);
    where[k] = flatValue(flat.f, flat.op, v);
  }
  if (query.where !== undefined) {
    if (typeof query.where !== 'string' || query.where.length > MAX_WHERE_CHARS)
      throw new ApiError(
        'BAD_FILTER',
        `where: one JSON object of at most ${MAX_WHERE_CHARS} characters`
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(query.where);
    } catch {
      throw new ApiError('BAD_FILTER', 'where: not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ApiError('BAD_FILTER', 'where: expected a JSON object');
    return Object.keys(where).length
      ? { AND: [where, normalizeJsonWhere(e, model, parsed)] }
      : (normalizeJsonWhere(e, model, parsed) as Record<string, unknown>);
  }
  return where;
}

/** Waits for the client to take the buffered bytes (or leave), leaving no listener behind. */
async function drainOrClose(res: Response): Promise<void> {
  const ac = new AbortController();
  const waits = [
    once(res, 'drain', { signal: ac.signal }),
    once(res, 'close', { signal: ac.signal }),
  ];
  for (const w of waits) w.catch(() => {}); // the loser rejects when aborted below
  try {
    await Promise.race(waits);
  } finally {
    ac.abort();
  }
}

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

const BYTEA_OID = 17;
const parseByteaText = pg.types.getTypeParser(BYTEA_OID, 'text');
/**
 * The page queries' type parsers: pg's own, except bytea, which PostgreSQL sends as `\x<hex>`
 * (bytea_output = hex): kept as that text, so a row's bytes become `0x<hex>` without a Buffer
 * and a second hex encoding in between. Any other bytea text form is parsed as pg does.
 */
const PAGE_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === BYTEA_OID && format !== 'binary'
      ? (s: string): unknown => (s.startsWith('\\x') ? s : parseByteaText(s))
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** `\x<hex>` as the page parsers keep bytea. */
const isHexBytea = (v: unknown): v is string => typeof v === 'string' && v.startsWith('\\x');

/** One column's cell of a CSV line: csvCell, with bytea text turned into `0x<hex>` directly. */
function csvCellOf(f: ColumnField): (v: unknown) => string {
  if (f.pgType === 'bytea') return (v) => (isHexBytea(v) ? `0x${v.slice(2)}` : csvCell(v));
  return csvCell;
}

/** One column's JSON value, as JSON.stringify writes jsonValue(v) inside the row's object. */
function jsonCellOf(f: ColumnField): (v: unknown) => string {
  if (f.pgType === 'bytea')
    return (v) => (isHexBytea(v) ? `"0x${v.slice(2)}"` : JSON.stringify(jsonValue(v)));
  return (v) => JSON.stringify(jsonValue(v));
}

/**
 * Turns a page's rows (arrays in `cols` order) into output lines. NDJSON lines are what
 * `JSON.stringify` made of `{ [field.name]: jsonValue(value) }` in `fields` order (a field given
 * twice is one key, at its first place), byte for byte; CSV lines are the cells joined by commas.
 */
function lineWriter(
  format: 'csv' | 'ndjson',
  fields: readonly ColumnField[],
  cols: readonly string[]
): (row: readonly unknown[]) => string {
  if (format === 'csv') {
    const idx = fields.map((f) => cols.indexOf(f.column));
    const cell = fields.map(csvCellOf);
    const n = fields.length;
    return (row) => {
      let line = '';
      for (let i = 0; i < n; i++) line += (i === 0 ? '' : ',') + cell[i]!(row[idx[i]!]);
      return `${line}\r\n`;
    };
  }
  const unique = [...new Map(fields.map((f) => [f.name, f])).values()];
  const idx = unique.map((f) => cols.indexOf(f.column));
  const cell = unique.map(jsonCellOf);
  const key = unique.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
  const n = unique.length;
  return (row) => {
    if (n === 0) return '{}\n';
    let line = '';
    for (let i = 0; i < n; i++) line += key[i]! + cell[i]!(row[idx[i]!]);
    return `${line}}\n`;
  };
}

/** A page of rows as arrays in `cols` order: pg's array row mode when `db` is pg, else mapped. */
async function pageRowsOf(
  db: Queryable,
  text: string,
  values: unknown[],
  cols: readonly string[]
): Promise<unknown[][]> {
  if (db instanceof pg.Pool || db instanceof pg.Client) {
    const r = await (db as pg.Pool).query<unknown[]>({
      text,
      values,
      rowMode: 'array',
      types: PAGE_TYPES,
    });
    return r.rows;
  }
  return (await db.query(text, values)).rows.map((r) => cols.map((c) => r[c]));
}

export function exportRoute(db: Queryable, model: Model, _config: ApiConfig, metrics: ApiMetrics) {
  return async (req: Request, res: Response): Promise<void> => {
    const m = /^([A-Za-z_]+)\.(csv|ndjson)$/.exec(String(req.params.file ?? ''));
    const e = m ? entityOf(model, m[1]!) : undefined;
    if (!m || !e) {
      const names = [...model.entities.values()].map((x) => x.plural).join(', ');
      res.status(404).json(restError('NOT_FOUND', `export one of: ${names} (as .csv or .ndjson)`));
      return;
    }
    const format = m[2] as 'csv' | 'ndjson';
    let where: Record<string, unknown>;
    let fields: ColumnField[];
    let terms;
    let limit = Infinity;
    try {
      where = whereFromQuery(e, model, req.query);
      const all = [...e.fields.values()].filter((f): f is ColumnField => f.kind === 'column');
      if (typeof req.query.fields === 'string') {
        fields = req.query.fields.split(',').map((n) => {
          const f = e.fields.get(n.trim());
          if (f?.kind !== 'column')
            throw new ApiError('BAD_USER_INPUT', `fields: ${e.name} has no column ${n}`);
          return f;
        });
      } else fields = all;
      terms = orderTerms(
        e,
        typeof req.query.orderBy === 'string' ? req.query.orderBy.split(',') : []
      );
      if (req.query.limit !== undefined) {
        limit = Number(req.query.limit);
        if (!Number.isSafeInteger(limit) || limit < 0)
          throw new ApiError('BAD_USER_INPUT', 'limit: a non-negative integer');
      }
      // Compile once up front, so a bad filter is a 400 before any byte is sent.
      compileWhere({ model, params: new Params(), aliases: 0 }, e, where, 't0');
    } catch (err) {
      if (err instanceof ApiError) {
        res.status(400).json(restError(err.code, err.message, err.facts));
        return;
      }
      throw err;
    }
    const cols = [
      ...new Set([...fields.map((f) => f.column), ...terms.map((t) => t.field.column)]),
    ];
    let closed = false;
    res.on('close', () => (closed = true));
    // The status and headers go out with the first page, so a first query that fails (a statement
    // timeout) is still an error answer with its code rather than a broken transfer.
    const begin = (): void => {
      if (res.headersSent) return;
      res.status(200);
      res.setHeader(
        'Content-Type',
        format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson'
      );
      res.setHeader('Content-Disposition', `attachment; filename="${e.plural}.${format}"`);
      res.setHeader('Cache-Control', 'no-store');
      if (format === 'csv') res.write(`${fields.map((f) => f.name).join(',')}\r\n`);
    };
    const line = lineWriter(format, fields, cols);
    const keyAt = terms.map((t) => cols.indexOf(t.field.column));
    const select = `SELECT ${cols.map((c) => `t0.${quote(c)}`).join(', ')} FROM ${quote(e.table)} t0`;
    let after: unknown[] | null = null;
    let sent = 0;
    let pageRows = PAGE_ROWS.first;
    try {
      while (!closed && sent < limit) {
        const p = new Params();
        const conds: string[] = [];
        const w = compileWhere({ model, params: p, aliases: 0 }, e, where, 't0');
        if (w) conds.push(w);
        if (after) conds.push(afterPredicate(terms, after, 't0', p));
        const n = Math.min(pageRows, limit - sent);
        const rows = await pageRowsOf(
          db,
          `${select}
              ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
              ORDER BY ${orderSql(terms, 't0')} LIMIT ${n}`,
          p.values,
          cols
        );
        if (rows.length === 0) break;
        begin();
        // The page goes out in pieces of about WRITE_CHARS, so no page-sized string is built (one
        // of several MB goes to V8's large-object space, freed only by a full collection), and
        // the client's pace is awaited piece by piece.
        let chunk = '';
        let chunkRows = 0;
        let pageChars = 0;
        for (let i = 0; i < rows.length; i++) {
          chunk += line(rows[i]!);
          chunkRows++;
          if (chunk.length < WRITE_CHARS && i < rows.length - 1) continue;
          pageChars += chunk.length;
          sent += chunkRows;
          metrics.exported.inc({ entity: e.plural, format }, chunkRows);
          const more = res.write(chunk);
          chunk = '';
          chunkRows = 0;
          if (!more && !closed) await drainOrClose(res);
          if (closed) break;
        }
        if (closed || rows.length < n) break;
        // Wide rows (record bytes, facts) make fewer per page: memory stays near PAGE_BYTES.
        pageRows = Math.max(
          PAGE_ROWS.min,
          Math.min(PAGE_ROWS.max, Math.floor((PAGE_BYTES * rows.length) / Math.max(1, pageChars)))
        );
        const last = rows.at(-1)!;
        after = keyAt.map((i, k) => {
          const v = last[i];
          if (v instanceof Date) return v.toISOString();
          // Keys are parameters of the next page's query as pg types them: bytea as bytes.
          return terms[k]!.field.pgType === 'bytea' && isHexBytea(v)
            ? Buffer.from(v.slice(2), 'hex')
            : v;
        });
      }
    } catch (err) {
      // Nothing sent yet: an error answer. Otherwise end the stream abnormally so the client sees
      // a broken transfer, never a silently short file.
      if (!res.headersSent) throw err;
      res.destroy(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    begin();
    res.end();
  };
}
