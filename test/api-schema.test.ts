/**
 * schema.graphql against the database and the docs: every @entity names a migrated table, every
 * column field a column of a type its scalar can carry, every key a non-null column; the derived
 * schema builds, follows Subsquid's naming, and docs/api-schema.graphql is current.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadModel, pluralize } from '../api/model.ts';
import { migrate } from '../db/data-source.ts';
import { SCHEMA_DOC, printedSchema } from '../scripts/api-schema.ts';
import { withTestDatabase } from './helpers/databases.ts';

/** PostgreSQL types each GraphQL scalar may be read from. */
const CARRIES: Record<string, string[]> = {
  String: ['text'],
  Int: ['integer'],
  Float: ['double precision', 'real'],
  Boolean: ['boolean'],
  BigInt: ['numeric', 'bigint'],
  DateTime: ['timestamp with time zone'],
  JSON: ['json', 'jsonb'],
  Bytes: ['bytea'],
};

describe('API schema', () => {
  const model = loadModel();

  it('maps every entity onto the migrated tables and columns', () =>
    withTestDatabase('pglite', async ({ url }) => {
      await migrate(url);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const cols = (
          await c.query(
            `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
              WHERE table_schema = 'public'`
          )
        ).rows as Array<{
          table_name: string;
          column_name: string;
          data_type: string;
          is_nullable: string;
        }>;
        const problems: string[] = [];
        for (const e of model.entities.values()) {
          const table = cols.filter((r) => r.table_name === e.table);
          if (table.length === 0) problems.push(`${e.name}: no table ${e.table}`);
          for (const f of e.columns.values()) {
            const col = table.find((r) => r.column_name === f.column);
            if (!col) {
              problems.push(`${e.name}.${f.name}: no column ${e.table}.${f.column}`);
              continue;
            }
            const allowed = CARRIES[f.scalar ?? 'JSON']!;
            if (!allowed.includes(col.data_type))
              problems.push(`${e.name}.${f.name}: ${f.scalar ?? f.type} over ${col.data_type}`);
            if (!f.nullable && col.is_nullable === 'YES')
              problems.push(`${e.name}.${f.name}: non-null field over a nullable column`);
          }
        }
        expect(problems).toEqual([]);
        // Every table of the indexer that users may want is exposed.
        const tables = new Set(cols.map((r) => r.table_name));
        const exposed = new Set([...model.entities.values()].map((e) => e.table));
        const internal = [
          'migrations',
          'typeorm_metadata',
          'indexer_status',
          'hot_block',
          'chain_info',
        ];
        expect([...tables].filter((t) => !exposed.has(t) && !internal.includes(t))).toEqual([]);
      } finally {
        await c.end();
      }
    }));

  it('names queries as Subsquid does', () => {
    expect(pluralize('activityRecord')).toBe('activityRecords');
    expect(pluralize('dacBatch')).toBe('dacBatches');
    expect(pluralize('garAnchorEntry')).toBe('garAnchorEntries');
    const e = model.entities.get('ActivityRecord')!;
    expect([e.plural, e.single]).toEqual(['activityRecords', 'activityRecord']);
  });

  it('docs/api-schema.graphql is the schema the server runs (npm run schema)', () => {
    expect(readFileSync(SCHEMA_DOC, 'utf8')).toBe(printedSchema());
  });

  it('rejects a schema whose relations or keys do not add up', () => {
    const base = `directive @entity(table: String!, key: [String!], plural: String) on OBJECT
      directive @link(from: [String!]!, to: [String!]!) on FIELD_DEFINITION
      directive @computed(needs: [String!]) on FIELD_DEFINITION`;
    expect(() => loadModel(`${base} type A @entity(table: "a") { id: String }`)).toThrow(
      /key column id/
    );
    expect(() =>
      loadModel(`${base} type A @entity(table: "a") { id: String! b: B @link(from: ["x"], to: ["id"]) }
                 type B @entity(table: "b") { id: String! }`)
    ).toThrow(/from column x/);
    expect(() =>
      loadModel(`${base} type A @entity(table: "a") { id: String! xs: [String!]! }`)
    ).toThrow(/list field/);
  });
});
