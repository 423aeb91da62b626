/**
 * Resolvers for the entity queries derived from schema.graphql: lists with where / orderBy /
 * offset / limit, by-id lookups, keyset connections, and relation fields batched per request
 * level (one query for all parents of a relation, with per-parent limits by window function).
 * Only the columns a query selects are read.
 * @module
 */
import type {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLResolveInfo,
  SelectionSetNode,
} from 'graphql';
import type { ApiContext } from './context.ts';
import { ApiError } from './errors.ts';
import type { Entity, LinkField } from './model.ts';
import {
  Params,
  afterPredicate,
  compileWhere,
  decodeCursor,
  encodeCursor,
  orderSql,
  orderTerms,
  pgType,
  quote,
} from './sql.ts';

type Row = Record<string, unknown>;
type Resolver = (
  parent: Row,
  args: Record<string, unknown>,
  ctx: ApiContext,
  info: GraphQLResolveInfo
) => unknown;

/** Names of the fields selected under `set` (fragments and inline fragments merged). */
export function selectedNames(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  into = new Set<string>()
): Set<string> {
  for (const s of set?.selections ?? []) {
    if (s.kind === 'Field') into.add(s.name.value);
    else if (s.kind === 'InlineFragment') selectedNames(s.selectionSet, fragments, into);
    else {
      const f = fragments[s.name.value];
      if (f) selectedNames(f.selectionSet, fragments, into);
    }
  }
  return into;
}

/** The sub-selection of the first field named `name` under `set`. */
function childSet(
  set: SelectionSetNode | undefined,
  name: string,
  fragments: Record<string, FragmentDefinitionNode>
): SelectionSetNode | undefined {
  for (const s of set?.selections ?? []) {
    if (s.kind === 'Field' && s.name.value === name) return s.selectionSet;
    const inner =
      s.kind === 'InlineFragment'
        ? s.selectionSet
        : s.kind === 'FragmentSpread'
          ? fragments[s.name.value]?.selectionSet
          : undefined;
    const found = inner ? childSet(inner, name, fragments) : undefined;
    if (found) return found;
  }
  return undefined;
}

function mergedSet(nodes: readonly FieldNode[]): SelectionSetNode {
  return {
    kind: 'SelectionSet' as SelectionSetNode['kind'],
    selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []),
  };
}

/** The columns to read for a selection of entity `e`, plus the ones always needed. */
export function columnsFor(
  e: Entity,
  names: Iterable<string>,
  extra: Iterable<string> = []
): string[] {
  const cols = new Set<string>(e.key);
  for (const c of extra) cols.add(c);
  for (const n of names) {
    const f = e.fields.get(n);
    if (!f) continue;
    if (f.kind === 'column') cols.add(f.column);
    else if (f.kind === 'link') f.from.forEach((c) => cols.add(c));
    else if (f.kind === 'checks') cols.add(e.key[0]!);
    else f.needs.forEach((c) => cols.add(c));
  }
  return [...cols];
}

export function pageSize(ctx: ApiContext, v: unknown, name: string): number {
  if (v === undefined || v === null) return ctx.limits.defaultPageSize;
  const n = v as number;
  if (n < 0) throw new ApiError('BAD_USER_INPUT', `${name} must not be negative`);
  if (n > ctx.limits.maxPageSize)
    throw new ApiError(
      'LIMIT_TOO_LARGE',
      `${name} is at most ${ctx.limits.maxPageSize}; page with a connection's cursor`,
      {
        max: ctx.limits.maxPageSize,
        requested: n,
      }
    );
  return n;
}

export function offsetOf(ctx: ApiContext, v: unknown): number {
  const n = (v as number | null | undefined) ?? 0;
  if (n < 0) throw new ApiError('BAD_USER_INPUT', 'offset must not be negative');
  if (n > ctx.limits.maxOffset)
    throw new ApiError(
      'OFFSET_TOO_LARGE',
      `offset is at most ${ctx.limits.maxOffset}; page with a connection's cursor instead`,
      {
        max: ctx.limits.maxOffset,
        requested: n,
      }
    );
  return n;
}

const selectList = (cols: readonly string[], alias: string) =>
  cols.map((c) => `${alias}.${quote(c)}`).join(', ');

async function listRows(
  ctx: ApiContext,
  e: Entity,
  args: Record<string, unknown>,
  info: GraphQLResolveInfo
) {
  const limit = pageSize(ctx, args.limit, 'limit');
  const offset = offsetOf(ctx, args.offset);
  const terms = orderTerms(e, args.orderBy as string[] | undefined);
  const cols = columnsFor(e, selectedNames(mergedSet(info.fieldNodes), info.fragments));
  const p = new Params();
  const where = compileWhere({ model: ctx.model, params: p, aliases: 0 }, e, args.where, 't0');
  const sql = `SELECT ${selectList(cols, 't0')} FROM ${quote(e.table)} t0${where ? ` WHERE ${where}` : ''}
    ORDER BY ${orderSql(terms, 't0')} LIMIT ${p.add(limit, 'int8')} OFFSET ${p.add(offset, 'int8')}`;
  return (await ctx.db.query(sql, p.values)).rows;
}

export async function byId(
  ctx: ApiContext,
  e: Entity,
  args: Record<string, unknown>,
  info: GraphQLResolveInfo
) {
  const cols = columnsFor(e, selectedNames(mergedSet(info.fieldNodes), info.fragments));
  const p = new Params();
  const conds = e.key.map((k) => {
    const f = e.columns.get(k)!;
    const v = e.key.length === 1 ? args.id : args[f.name];
    return `t0.${quote(k)} = ${p.add(v, pgType(f))}`;
  });
  const sql = `SELECT ${selectList(cols, 't0')} FROM ${quote(e.table)} t0 WHERE ${conds.join(' AND ')}`;
  return (await ctx.db.query(sql, p.values)).rows[0] ?? null;
}

async function connection(
  ctx: ApiContext,
  e: Entity,
  args: Record<string, unknown>,
  info: GraphQLResolveInfo
) {
  const first = pageSize(ctx, args.first, 'first');
  const terms = orderTerms(e, args.orderBy as string[] | undefined);
  const top = mergedSet(info.fieldNodes);
  const topNames = selectedNames(top, info.fragments);
  const nodeSet = childSet(childSet(top, 'edges', info.fragments), 'node', info.fragments);
  const cols = columnsFor(
    e,
    selectedNames(nodeSet, info.fragments),
    terms.map((t) => t.field.column)
  );
  const p = new Params();
  const wctx = { model: ctx.model, params: p, aliases: 0 };
  const where = compileWhere(wctx, e, args.where, 't0');
  const conds = where ? [where] : [];
  if (typeof args.after === 'string')
    conds.push(afterPredicate(terms, decodeCursor(terms, args.after), 't0', p));
  const sql = `SELECT ${selectList(cols, 't0')} FROM ${quote(e.table)} t0${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}
    ORDER BY ${orderSql(terms, 't0')} LIMIT ${p.add(first + 1, 'int8')}`;
  const rows = (await ctx.db.query(sql, p.values)).rows;
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(terms, node) }));
  let totalCount: number | undefined;
  if (topNames.has('totalCount')) {
    const cp = new Params();
    const cw = compileWhere({ model: ctx.model, params: cp, aliases: 0 }, e, args.where, 't0');
    const r = await ctx.db.query(
      `SELECT count(*)::int8 AS n FROM ${quote(e.table)} t0${cw ? ` WHERE ${cw}` : ''}`,
      cp.values
    );
    totalCount = Number(r.rows[0]!.n);
  }
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: typeof args.after === 'string',
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Batches the parents of one relation field within a request level into one query. */
class RelationLoader {
  private pending: Array<{
    key: unknown[];
    resolve: (rows: Row[]) => void;
    reject: (e: unknown) => void;
  }> = [];
  private scheduled = false;
  constructor(private readonly run: (keys: unknown[][]) => Promise<Map<string, Row[]>>) {}
  load(key: unknown[]): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        void Promise.resolve().then(() => process.nextTick(() => void this.flush()));
      }
    });
  }
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    try {
      const byKey = await this.run(batch.map((b) => b.key));
      for (const b of batch) b.resolve(byKey.get(JSON.stringify(b.key)) ?? []);
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}

const keyOf = (row: Row, cols: readonly string[]) =>
  JSON.stringify(cols.map((c) => normalizeKey(row[c])));
const normalizeKey = (v: unknown) => (typeof v === 'bigint' ? v.toString() : (v ?? null));

/**
 * Rows of `target` whose `to` columns match each parent's `from` values (plus a fixed condition),
 * at most `offset + limit` per parent by `row_number()` over the requested order.
 */
function relationResolver(
  e: Entity,
  fieldName: string,
  target: Entity,
  from: readonly string[],
  to: readonly string[],
  list: boolean,
  fixed?: (p: Params, alias: string) => string
): Resolver {
  return async (parent, args, ctx, info) => {
    const keyVals = from.map((c) => parent[c]);
    if (keyVals.some((v) => v === null || v === undefined)) return list ? [] : null;
    const limit = list ? pageSize(ctx, args.limit, 'limit') : 1;
    const offset = list ? offsetOf(ctx, args.offset) : 0;
    const terms = orderTerms(target, args.orderBy as string[] | undefined);
    const cols = columnsFor(target, selectedNames(mergedSet(info.fieldNodes), info.fragments), to);
    const memo = `${e.name}.${fieldName}|${JSON.stringify(args)}|${cols.join(',')}`;
    let loader = ctx.loaders.get(memo) as RelationLoader | undefined;
    if (!loader) {
      loader = new RelationLoader(async (keys) => {
        const p = new Params();
        const arrays = to.map((c, i) =>
          p.add(
            keys.map((k) => k[i]),
            `${pgType(target.columns.get(c)!)}[]`
          )
        );
        const match =
          to.length === 1
            ? `t0.${quote(to[0]!)} = ANY(${arrays[0]})`
            : `(${to.map((c) => `t0.${quote(c)}`).join(', ')}) IN (SELECT * FROM unnest(${arrays.join(', ')}))`;
        const where = compileWhere(
          { model: ctx.model, params: p, aliases: 0 },
          target,
          args.where,
          't0'
        );
        const conds = [match, ...(fixed ? [fixed(p, 't0')] : []), ...(where ? [where] : [])];
        const partition = to.map((c) => `t0.${quote(c)}`).join(', ');
        const sql = `SELECT * FROM (SELECT ${selectList(cols, 't0')},
            row_number() OVER (PARTITION BY ${partition} ORDER BY ${orderSql(terms, 't0')}) AS "__rn"
            FROM ${quote(target.table)} t0 WHERE ${conds.join(' AND ')}) s
          WHERE "__rn" > ${p.add(offset, 'int8')} AND "__rn" <= ${p.add(offset + limit, 'int8')}
          ORDER BY "__rn"`;
        const rows = (await ctx.db.query(sql, p.values)).rows;
        const out = new Map<string, Row[]>();
        for (const r of rows) {
          const k = keyOf(r, to);
          let l = out.get(k);
          if (!l) out.set(k, (l = []));
          l.push(r);
        }
        return out;
      });
      ctx.loaders.set(memo, loader);
    }
    const rows = await loader.load(keyVals.map(normalizeKey));
    return list ? rows : (rows[0] ?? null);
  };
}

/** Resolvers of every entity type and its derived query fields. */
export function entityResolvers(
  entities: Iterable<Entity>,
  lookup: (name: string) => Entity
): { Query: Record<string, Resolver>; types: Record<string, Record<string, Resolver>> } {
  const Query: Record<string, Resolver> = {};
  const types: Record<string, Record<string, Resolver>> = {};
  for (const e of entities) {
    Query[e.plural] = (_p, args, ctx, info) => listRows(ctx, e, args, info);
    Query[`${e.single}ById`] = (_p, args, ctx, info) => byId(ctx, e, args, info);
    Query[`${e.plural}Connection`] = (_p, args, ctx, info) => connection(ctx, e, args, info);
    const t: Record<string, Resolver> = {};
    for (const f of e.fields.values()) {
      if (f.kind === 'column') {
        const col = f.column;
        t[f.name] = (row) => row[col];
      } else if (f.kind === 'link') {
        const l: LinkField = f;
        t[f.name] = relationResolver(e, f.name, lookup(l.target), l.from, l.to, l.list);
      } else if (f.kind === 'checks') {
        const kinds = f.subjectKinds;
        t[f.name] = relationResolver(
          e,
          f.name,
          lookup('VerificationLine'),
          [e.key[0]!],
          ['subject_id'],
          true,
          (p, a) => `${a}.subject_kind = ANY(${p.add(kinds, 'text[]')})`
        );
      }
    }
    types[e.name] = t;
  }
  return { Query, types };
}
