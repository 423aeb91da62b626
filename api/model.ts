/**
 * The entity model read from `schema.graphql` (the API's single source of types) and the schema
 * derived from it: for every `@entity` type its where input, order-by enum, connection types and
 * query fields, in the manner of Subsquid's OpenReader. Nothing here touches the database.
 * @module
 */
import { readFileSync } from 'node:fs';
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  type TypeNode,
  parse,
  visit,
} from 'graphql';

export const SCHEMA_FILE = new URL('../schema.graphql', import.meta.url);

export type ScalarKind =
  'String' | 'Int' | 'Float' | 'Boolean' | 'BigInt' | 'DateTime' | 'JSON' | 'Bytes';

/** A column's PostgreSQL type, as the row contract (db/rows.ts) and the bulk writer use it. */
export type PgType =
  | 'text'
  | 'int4'
  | 'int8'
  | 'bool'
  | 'numeric'
  | 'json'
  | 'jsonb'
  | 'bytea'
  | 'timestamptz'
  | 'float8';

const PG_TYPES = new Set<string>([
  'text',
  'int4',
  'int8',
  'bool',
  'numeric',
  'json',
  'jsonb',
  'bytea',
  'timestamptz',
  'float8',
]);

/** The column type of each scalar unless `@column(type:)` says otherwise; object types are jsonb. */
export const DEFAULT_PG_TYPE: Readonly<Record<ScalarKind, PgType>> = {
  String: 'text',
  Int: 'int4',
  Float: 'float8',
  Boolean: 'bool',
  BigInt: 'numeric',
  DateTime: 'timestamptz',
  JSON: 'jsonb',
  Bytes: 'bytea',
};

export interface ColumnField {
  readonly kind: 'column';
  readonly name: string;
  readonly column: string;
  /** The GraphQL type name: a scalar or a plain object type read from a json column. */
  readonly type: string;
  readonly scalar: ScalarKind | null;
  readonly nullable: boolean;
  readonly pgType: PgType;
  /** `@internal`: stored, not served. */
  readonly internal: boolean;
  /** `@defaulted`: the database fills it on insert. */
  readonly defaulted: boolean;
}

export interface LinkField {
  readonly kind: 'link';
  readonly name: string;
  readonly target: string;
  readonly list: boolean;
  readonly nullable: boolean;
  readonly from: readonly string[];
  readonly to: readonly string[];
}

export interface ChecksField {
  readonly kind: 'checks';
  readonly name: string;
  readonly subjectKinds: readonly string[];
}

export interface ComputedField {
  readonly kind: 'computed';
  readonly name: string;
  readonly needs: readonly string[];
}

export type EntityField = ColumnField | LinkField | ChecksField | ComputedField;

export interface Entity {
  readonly name: string;
  readonly table: string;
  readonly key: readonly string[];
  /** lowerCamel plural: the list query's name. */
  readonly plural: string;
  /** lowerCamel singular. */
  readonly single: string;
  /** The fields the API serves. */
  readonly fields: ReadonlyMap<string, EntityField>;
  /** Served column fields by column name. */
  readonly columns: ReadonlyMap<string, ColumnField>;
  /** Every stored column in declaration order, `@internal` ones included: the row contract. */
  readonly stored: readonly ColumnField[];
  /** `@internal`: a table of the indexer's bookkeeping, not served. */
  readonly internal: boolean;
}

export interface Model {
  readonly document: DocumentNode;
  readonly source: string;
  /** The entities the API serves, by type name. */
  readonly entities: ReadonlyMap<string, Entity>;
  /** Every table schema.graphql describes, `@internal` ones included, by table name. */
  readonly tables: ReadonlyMap<string, Entity>;
}

const SCALARS = new Set<string>([
  'String',
  'Int',
  'Float',
  'Boolean',
  'BigInt',
  'DateTime',
  'JSON',
  'Bytes',
]);

export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** English plural of a lowerCamel name, as Subsquid's query names read. */
export function pluralize(s: string): string {
  if (/(s|x|z|ch|sh)$/.test(s)) return `${s}es`;
  if (/[^aeiou]y$/.test(s)) return `${s.slice(0, -1)}ies`;
  return `${s}s`;
}

function directive(node: { directives?: readonly ConstDirectiveNode[] }, name: string) {
  return node.directives?.find((d) => d.name.value === name);
}

function argValue(d: ConstDirectiveNode | undefined, name: string): unknown {
  const a = d?.arguments?.find((x) => x.name.value === name);
  if (!a) return undefined;
  const v = a.value;
  if (v.kind === Kind.STRING) return v.value;
  if (v.kind === Kind.LIST) return v.values.map((x) => (x.kind === Kind.STRING ? x.value : null));
  return undefined;
}

function unwrap(t: TypeNode): { name: string; list: boolean; nullable: boolean } {
  let nullable = true;
  let list = false;
  let cur = t;
  if (cur.kind === Kind.NON_NULL_TYPE) {
    nullable = false;
    cur = cur.type;
  }
  if (cur.kind === Kind.LIST_TYPE) {
    list = true;
    cur = cur.type;
    if (cur.kind === Kind.NON_NULL_TYPE) cur = cur.type;
  }
  if (cur.kind !== Kind.NAMED_TYPE)
    throw new Error('schema.graphql: nested lists are not supported');
  return { name: cur.name.value, list, nullable };
}

function fieldOf(
  f: FieldDefinitionNode,
  entityNames: ReadonlySet<string>,
  where: string
): EntityField {
  const name = f.name.value;
  const t = unwrap(f.type);
  const link = directive(f, 'link');
  const checks = directive(f, 'checks');
  const computed = directive(f, 'computed');
  if (computed) {
    return {
      kind: 'computed',
      name,
      needs: (argValue(computed, 'needs') as string[] | undefined) ?? [],
    };
  }
  if (checks) {
    return { kind: 'checks', name, subjectKinds: argValue(checks, 'kinds') as string[] };
  }
  if (link) {
    if (!entityNames.has(t.name))
      throw new Error(`${where}.${name}: @link to a non-entity ${t.name}`);
    const from = argValue(link, 'from') as string[];
    const to = argValue(link, 'to') as string[];
    if (from.length !== to.length || from.length === 0)
      throw new Error(`${where}.${name}: @link needs from and to of equal length`);
    return { kind: 'link', name, target: t.name, list: t.list, nullable: t.nullable, from, to };
  }
  if (t.list) throw new Error(`${where}.${name}: a list field needs @link or @checks`);
  const col = directive(f, 'column');
  const column = (argValue(col, 'name') as string | undefined) ?? snake(name);
  const scalar = SCALARS.has(t.name) ? (t.name as ScalarKind) : null;
  const pgType = (argValue(col, 'type') as string | undefined) ?? DEFAULT_PG_TYPE[scalar ?? 'JSON'];
  if (!PG_TYPES.has(pgType)) throw new Error(`${where}.${name}: unknown column type ${pgType}`);
  return {
    kind: 'column',
    name,
    column,
    type: t.name,
    scalar,
    nullable: t.nullable,
    pgType: pgType as PgType,
    internal: directive(f, 'internal') !== undefined,
    defaulted: directive(f, 'defaulted') !== undefined,
  };
}

/** Reads the entity model from SDL text (default: the repository's schema.graphql). */
export function loadModel(source: string = readFileSync(SCHEMA_FILE, 'utf8')): Model {
  const document = parse(source);
  const objects = document.definitions.filter(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION
  );
  const seen = new Set<string>();
  for (const o of objects) {
    if (seen.has(o.name.value))
      throw new Error(`schema.graphql: type ${o.name.value} appears twice`);
    seen.add(o.name.value);
  }
  const entityNodes = objects.filter((o) => directive(o, 'entity'));
  const names = new Set(entityNodes.map((o) => o.name.value));
  const entities = new Map<string, Entity>();
  const tables = new Map<string, Entity>();
  for (const o of entityNodes) {
    const d = directive(o, 'entity')!;
    const name = o.name.value;
    const fields = new Map<string, EntityField>();
    const columns = new Map<string, ColumnField>();
    const stored: ColumnField[] = [];
    for (const f of o.fields ?? []) {
      const ef = fieldOf(f, names, name);
      if (ef.kind === 'column') {
        if (stored.some((c) => c.column === ef.column))
          throw new Error(`${name}.${ef.name}: column ${ef.column} appears twice`);
        stored.push(ef);
        if (ef.internal) continue;
        columns.set(ef.column, ef);
      }
      fields.set(ef.name, ef);
    }
    const key = (argValue(d, 'key') as string[] | undefined) ?? ['id'];
    for (const k of key) {
      const c = columns.get(k);
      if (!c || c.nullable) throw new Error(`${name}: key column ${k} must be a non-null field`);
    }
    const single = lowerFirst(name);
    const entity: Entity = {
      name,
      table: argValue(d, 'table') as string,
      key,
      single,
      plural: (argValue(d, 'plural') as string | undefined) ?? pluralize(single),
      fields,
      columns,
      stored,
      internal: directive(o, 'internal') !== undefined,
    };
    if (tables.has(entity.table)) throw new Error(`${name}: table ${entity.table} appears twice`);
    tables.set(entity.table, entity);
    if (!entity.internal) entities.set(name, entity);
  }
  for (const e of entities.values())
    for (const f of e.fields.values()) {
      const check = (cols: readonly string[], ent: Entity, what: string) => {
        for (const c of cols)
          if (!ent.columns.has(c))
            throw new Error(
              `${e.name}.${f.name}: ${what} column ${c} is not a field of ${ent.name}`
            );
      };
      if (f.kind === 'link') {
        check(f.from, e, 'from');
        check(f.to, entities.get(f.target)!, 'to');
      }
      if (f.kind === 'computed') check(f.needs, e, 'needed');
    }
  return { document, source, entities, tables };
}

const ORDERABLE = new Set<string>(['String', 'Int', 'Float', 'Boolean', 'BigInt', 'DateTime']);

const COMPARE = ['eq', 'not_eq', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'isNull'];

/** Every where-input suffix, the longer of two that share an ending first (`not_eq` before `eq`). */
export const FILTER_SUFFIXES: readonly string[] = [
  'some',
  'every',
  'none',
  'not_eq',
  'not_in',
  ...COMPARE.filter((op) => !op.startsWith('not_')),
  'startsWith',
  'contains',
];

/** Filter operators per scalar, as `<field>_<op>` where-input fields. */
export function operatorsFor(scalar: ScalarKind): string[] {
  switch (scalar) {
    case 'Boolean':
      return ['eq', 'not_eq', 'isNull'];
    case 'JSON':
      return ['isNull'];
    case 'Bytes':
      return ['eq', 'not_eq', 'in', 'isNull'];
    case 'String':
      return [...COMPARE, 'startsWith', 'contains'];
    default:
      return COMPARE;
  }
}

export function orderable(f: ColumnField): boolean {
  return f.scalar !== null && ORDERABLE.has(f.scalar);
}

/** The SDL derived from the entities: inputs, enums, connections and the query fields. */
export function derivedSdl(model: Model): string {
  const out: string[] = [];
  const q: string[] = [];
  out.push(`type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}
`);
  for (const e of model.entities.values()) {
    const where: string[] = [];
    const order: string[] = [];
    for (const f of e.fields.values()) {
      if (f.kind === 'column') {
        if (f.scalar === null) continue;
        const t = f.scalar === 'JSON' ? 'JSON' : f.scalar;
        for (const op of operatorsFor(f.scalar)) {
          const ty = op === 'isNull' ? 'Boolean' : op === 'in' || op === 'not_in' ? `[${t}!]` : t;
          where.push(`  ${f.name}_${op}: ${ty}`);
        }
        if (orderable(f)) order.push(`  ${f.name}_ASC`, `  ${f.name}_DESC`);
      } else if (f.kind === 'link') {
        if (f.list)
          for (const op of ['some', 'every', 'none'])
            where.push(`  ${f.name}_${op}: ${f.target}WhereInput`);
        else where.push(`  ${f.name}: ${f.target}WhereInput`);
      } else if (f.kind === 'checks') {
        for (const op of ['some', 'every', 'none'])
          where.push(`  ${f.name}_${op}: VerificationLineWhereInput`);
      }
    }
    where.push(`  AND: [${e.name}WhereInput!]`, `  OR: [${e.name}WhereInput!]`);
    out.push(`input ${e.name}WhereInput {\n${where.join('\n')}\n}\n`);
    out.push(`enum ${e.name}OrderByInput {\n${order.join('\n')}\n}\n`);
    const conn = `${e.name[0]!.toUpperCase()}${e.plural.slice(1)}Connection`;
    out.push(`type ${e.name}Edge {\n  node: ${e.name}!\n  cursor: String!\n}\n`);
    out.push(
      `type ${conn} {\n  edges: [${e.name}Edge!]!\n  pageInfo: PageInfo!\n  "Rows matching where (counted only when asked for)."\n  totalCount: Int!\n}\n`
    );
    const keyArgs = e.key
      .map((k) => {
        const c = e.columns.get(k)!;
        return `${e.key.length === 1 ? 'id' : c.name}: ${c.scalar}!`;
      })
      .join(', ');
    q.push(
      `  ${e.plural}(where: ${e.name}WhereInput, orderBy: [${e.name}OrderByInput!], offset: Int, limit: Int): [${e.name}!]!`,
      `  ${e.single}ById(${keyArgs}): ${e.name}`,
      `  ${e.plural}Connection(where: ${e.name}WhereInput, orderBy: [${e.name}OrderByInput!], first: Int, after: String): ${conn}!`
    );
  }
  out.push(`extend type Query {\n${q.join('\n')}\n}\n`);
  return out.join('\n');
}

/**
 * schema.graphql with the list arguments (`where`, `orderBy`, `offset`, `limit`) added to every
 * relation list field, so the file itself stays readable; the directives stay (they are inert).
 */
export function withListArguments(model: Model): DocumentNode {
  return visit(model.document, {
    ObjectTypeDefinition(node) {
      // `@internal` tables and columns are stored but not served.
      if (directive(node, 'internal')) return null;
      const e = model.entities.get(node.name.value);
      if (!e) return undefined;
      return {
        ...node,
        fields: node.fields
          ?.filter((fd) => !directive(fd, 'internal'))
          .map((fd) => {
            const f = e.fields.get(fd.name.value);
            const target =
              f?.kind === 'checks'
                ? 'VerificationLine'
                : f?.kind === 'link' && f.list
                  ? f.target
                  : null;
            if (!target) return fd;
            const probe = parse(
              `type X { f(where: ${target}WhereInput, orderBy: [${target}OrderByInput!], offset: Int, limit: Int): Int }`
            ).definitions[0] as ObjectTypeDefinitionNode;
            return { ...fd, arguments: probe.fields![0]!.arguments };
          }),
      };
    },
  });
}
