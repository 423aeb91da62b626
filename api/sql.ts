/**
 * SQL for the derived entity queries: where inputs become parameterized predicates (never string
 * concatenation of values; identifiers come only from the model), order-by enums become ORDER BY
 * with the key as tiebreaker, and connections page by keyset cursors that carry the last row's
 * order values. Relations compile to EXISTS sub-queries.
 * @module
 */
import { ApiError } from './errors.ts';
import type { ColumnField, Entity, Model, ScalarKind } from './model.ts';
import { DEFAULT_PG_TYPE, FILTER_SUFFIXES, operatorsFor } from './model.ts';

/** Collects query parameters and hands out their placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown, cast?: string): string {
    this.values.push(v);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

/** A parameter's type per scalar: the column type's, JSON compared as json. */
const PG_TYPE: Record<ScalarKind, string> = { ...DEFAULT_PG_TYPE, JSON: 'json' };

export function pgType(f: ColumnField): string {
  return PG_TYPE[f.scalar ?? 'JSON'];
}

export const quote = (ident: string): string => `"${ident.replace(/"/g, '""')}"`;

const MAX_STRING = 10_000;
const MAX_IN = 10_000;
const MAX_DEPTH = 6;

/** A filter value as the column's SQL type expects it, or a BAD_FILTER error. */
function value(f: ColumnField, v: unknown, where: string): unknown {
  if (v === null || v === undefined) return null;
  switch (f.scalar) {
    case 'String':
      if (typeof v !== 'string' || v.length > MAX_STRING)
        throw new ApiError(
          'BAD_FILTER',
          `${where}: expected a string of at most ${MAX_STRING} characters`
        );
      return v;
    case 'BigInt':
      if (typeof v !== 'string' || !/^-?\d{1,78}$/.test(v))
        throw new ApiError('BAD_FILTER', `${where}: expected an integer as a decimal string`);
      return v;
    case 'DateTime': {
      const t = typeof v === 'string' ? Date.parse(v) : NaN;
      if (!Number.isFinite(t))
        throw new ApiError('BAD_FILTER', `${where}: expected an ISO 8601 time`);
      return new Date(t).toISOString();
    }
    case 'Bytes':
      if (!(v instanceof Uint8Array)) throw new ApiError('BAD_FILTER', `${where}: expected 0x-hex`);
      return Buffer.from(v);
    default:
      return v;
  }
}

export interface WhereContext {
  readonly model: Model;
  readonly params: Params;
  /** Alias counter for nested sub-queries. */
  aliases: number;
}

/** Compiles a `<Entity>WhereInput` to a predicate over `alias`; '' when it filters nothing. */
export function compileWhere(
  ctx: WhereContext,
  e: Entity,
  where: unknown,
  alias: string,
  depth = 0
): string {
  if (where === null || where === undefined) return '';
  if (typeof where !== 'object' || Array.isArray(where))
    throw new ApiError('BAD_FILTER', `where: expected an input object for ${e.name}`);
  if (depth > MAX_DEPTH)
    throw new ApiError('BAD_FILTER', `where: nested deeper than ${MAX_DEPTH} levels`);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(where as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    if (k === 'AND' || k === 'OR') {
      const list = (v as unknown[])
        .map((w) => compileWhere(ctx, e, w, alias, depth + 1))
        .filter(Boolean);
      if (list.length === 0) continue;
      parts.push(`(${list.map((s) => `(${s})`).join(k === 'AND' ? ' AND ' : ' OR ')})`);
      continue;
    }
    parts.push(fieldPredicate(ctx, e, k, v, alias, depth));
  }
  return parts.join(' AND ');
}

/** Splits a where-input key into the entity's field and the operator (`''` for a relation). */
export function splitKey(e: Entity, k: string): { field: string; op: string } {
  for (const op of FILTER_SUFFIXES) {
    const suffix = `_${op}`;
    if (k.endsWith(suffix) && e.fields.has(k.slice(0, -suffix.length)))
      return { field: k.slice(0, -suffix.length), op };
  }
  return { field: k, op: '' };
}

function fieldPredicate(
  ctx: WhereContext,
  e: Entity,
  key: string,
  v: unknown,
  alias: string,
  depth: number
): string {
  const { field, op } = splitKey(e, key);
  const f = e.fields.get(field);
  if (!f) throw new ApiError('BAD_FILTER', `where: ${e.name} has no filter ${key}`);
  const p = ctx.params;
  if (f.kind === 'column') {
    if (!f.scalar || !operatorsFor(f.scalar).includes(op))
      throw new ApiError('BAD_FILTER', `where: ${e.name} has no filter ${key}`);
    const col = `${alias}.${quote(f.column)}`;
    const t = pgType(f);
    const at = `where.${key}`;
    switch (op) {
      case 'eq':
        return `${col} = ${p.add(value(f, v, at), t)}`;
      case 'not_eq':
        return `${col} IS DISTINCT FROM ${p.add(value(f, v, at), t)}`;
      case 'gt':
        return `${col} > ${p.add(value(f, v, at), t)}`;
      case 'gte':
        return `${col} >= ${p.add(value(f, v, at), t)}`;
      case 'lt':
        return `${col} < ${p.add(value(f, v, at), t)}`;
      case 'lte':
        return `${col} <= ${p.add(value(f, v, at), t)}`;
      case 'in':
      case 'not_in': {
        const list = v as unknown[];
        if (list.length > MAX_IN)
          throw new ApiError('BAD_FILTER', `${at}: more than ${MAX_IN} values`);
        const arr = p.add(
          list.map((x, i) => value(f, x, `${at}[${i}]`)),
          `${t}[]`
        );
        return op === 'in' ? `${col} = ANY(${arr})` : `NOT (${col} = ANY(${arr}))`;
      }
      case 'isNull':
        return v ? `${col} IS NULL` : `${col} IS NOT NULL`;
      case 'startsWith':
        return `starts_with(${col}, ${p.add(value(f, v, at), 'text')})`;
      case 'contains':
        return `strpos(${col}, ${p.add(value(f, v, at), 'text')}) > 0`;
    }
    throw new ApiError('BAD_FILTER', `where: ${e.name} has no filter ${key}`);
  }
  if (f.kind === 'computed')
    throw new ApiError('BAD_FILTER', `where: ${e.name}.${field} cannot be filtered`);
  const sub = `t${++ctx.aliases}`;
  let target: Entity;
  let join: string;
  if (f.kind === 'link') {
    target = ctx.model.entities.get(f.target)!;
    join = f.from.map((c, i) => `${sub}.${quote(f.to[i]!)} = ${alias}.${quote(c)}`).join(' AND ');
  } else {
    target = ctx.model.entities.get('VerificationLine')!;
    const kinds = p.add(f.subjectKinds, 'text[]');
    join = `${sub}.subject_kind = ANY(${kinds}) AND ${sub}.subject_id = ${alias}.${quote(e.key[0]!)}`;
  }
  const inner = compileWhere(ctx, target, v, sub, depth + 1);
  const from = `SELECT 1 FROM ${quote(target.table)} ${sub} WHERE ${join}`;
  const list = f.kind === 'checks' || f.list;
  if (!list || op === 'some') return `EXISTS (${from}${inner ? ` AND (${inner})` : ''})`;
  if (op === 'none') return `NOT EXISTS (${from}${inner ? ` AND (${inner})` : ''})`;
  if (op === 'every')
    return inner ? `NOT EXISTS (${from} AND NOT COALESCE((${inner}), false))` : 'TRUE';
  throw new ApiError('BAD_FILTER', `where: ${e.name} has no filter ${key}`);
}

export interface OrderTerm {
  readonly field: ColumnField;
  readonly desc: boolean;
}

/** The order of a list: the requested terms, then the key columns (ascending) as tiebreaker. */
export function orderTerms(e: Entity, orderBy: readonly string[] | null | undefined): OrderTerm[] {
  const terms: OrderTerm[] = [];
  const seen = new Set<string>();
  for (const o of orderBy ?? []) {
    const m = /^(\w+)_(ASC|DESC)$/.exec(o);
    const f = m ? e.fields.get(m[1]!) : undefined;
    if (!m || !f || f.kind !== 'column')
      throw new ApiError('BAD_USER_INPUT', `orderBy: unknown ${o}`);
    if (seen.has(f.column)) continue;
    seen.add(f.column);
    terms.push({ field: f, desc: m[2] === 'DESC' });
  }
  for (const k of e.key)
    if (!seen.has(k)) {
      seen.add(k);
      terms.push({ field: e.columns.get(k)!, desc: false });
    }
  return terms;
}

export function orderSql(terms: readonly OrderTerm[], alias: string): string {
  return terms
    .map((t) => `${alias}.${quote(t.field.column)} ${t.desc ? 'DESC' : 'ASC'}`)
    .join(', ');
}

/**
 * A keyset cursor: base64url JSON of `[order signature, values…]`. The signature names the order,
 * so a cursor cannot be replayed against another ordering.
 */
export function encodeCursor(terms: readonly OrderTerm[], row: Record<string, unknown>): string {
  const sig = terms.map((t) => `${t.field.column}${t.desc ? '-' : '+'}`).join(',');
  const vals = terms.map((t) => cursorValue(row[t.field.column]));
  return Buffer.from(JSON.stringify([sig, ...vals])).toString('base64url');
}

function cursorValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  return v ?? null;
}

export function decodeCursor(terms: readonly OrderTerm[], cursor: string): unknown[] {
  const bad = (why: string) =>
    new ApiError('BAD_CURSOR', `after: not a cursor of this list and order (${why})`);
  if (cursor.length > 4096 || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw bad('not base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('not JSON');
  }
  const sig = terms.map((t) => `${t.field.column}${t.desc ? '-' : '+'}`).join(',');
  if (!Array.isArray(parsed) || parsed[0] !== sig || parsed.length !== terms.length + 1)
    throw bad('another order');
  const vals = parsed.slice(1);
  vals.forEach((v, i) => {
    const f = terms[i]!.field;
    if (v === null) {
      if (!f.nullable) throw bad(`null ${f.name}`);
      return;
    }
    const ok =
      f.scalar === 'Int' || f.scalar === 'Float'
        ? typeof v === 'number' && Number.isFinite(v)
        : f.scalar === 'Boolean'
          ? typeof v === 'boolean'
          : f.scalar === 'BigInt'
            ? typeof v === 'string' && /^-?\d{1,78}$/.test(v)
            : f.scalar === 'DateTime'
              ? typeof v === 'string' && Number.isFinite(Date.parse(v))
              : typeof v === 'string' && v.length <= MAX_STRING;
    if (!ok) throw bad(`bad ${f.name}`);
  });
  return vals;
}

/**
 * The keyset predicate "after this row" in the given order. ASC puts NULLs last and DESC first
 * (PostgreSQL's defaults), which the comparisons below follow. When every term is non-null and
 * ascending it is a row comparison, which an index on the same columns serves directly.
 */
export function afterPredicate(
  terms: readonly OrderTerm[],
  vals: readonly unknown[],
  alias: string,
  p: Params
): string {
  const col = (t: OrderTerm) => `${alias}.${quote(t.field.column)}`;
  if (terms.every((t) => !t.field.nullable && !t.desc)) {
    return `(${terms.map(col).join(', ')}) > (${terms.map((t, i) => p.add(vals[i], pgType(t.field))).join(', ')})`;
  }
  const eq = (t: OrderTerm, v: unknown) =>
    v === null ? `${col(t)} IS NULL` : `${col(t)} = ${p.add(v, pgType(t.field))}`;
  const gt = (t: OrderTerm, v: unknown): string => {
    if (!t.desc)
      return v === null
        ? 'FALSE'
        : `(${col(t)} > ${p.add(v, pgType(t.field))} OR ${col(t)} IS NULL)`;
    return v === null ? `${col(t)} IS NOT NULL` : `${col(t)} < ${p.add(v, pgType(t.field))}`;
  };
  const ors: string[] = [];
  for (let i = 0; i < terms.length; i++) {
    const parts = terms.slice(0, i).map((t, j) => eq(t, vals[j]));
    parts.push(gt(terms[i]!, vals[i]));
    ors.push(`(${parts.join(' AND ')})`);
  }
  return `(${ors.join(' OR ')})`;
}
