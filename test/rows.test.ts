/**
 * The row contract (db/rows.ts, generated from schema.graphql by `npm run rows`) against the
 * migrated database, on both legs: every table of the catalogue has a contract and every contract
 * a table; per table, exactly the same columns, each of the same PostgreSQL type and nullability;
 * `@defaulted` columns have a default. The generated file is current.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { migrate } from '../db/data-source.ts';
import { type Rows, TABLES, type Table } from '../db/rows.ts';
import { loadModel } from '../api/model.ts';
import { ROWS_FILE, rowsFile } from '../scripts/rows.ts';
import { databaseLegs, withTestDatabase } from './helpers/databases.ts';

const legs = await databaseLegs();

/** information_schema's udt_name is PostgreSQL's own short type name (int4, timestamptz, …). */
interface CatalogueColumn {
  table_name: string;
  column_name: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
}

/** Tables the migration tool keeps for itself. */
const TOOLING = new Set(['migrations', 'typeorm_metadata']);

describe('row contract', () => {
  it('db/rows.ts is what `npm run rows` generates from schema.graphql', async () => {
    expect(readFileSync(ROWS_FILE, 'utf8')).toBe(await rowsFile());
  });

  it('states every stored column once, served or internal, and serves no internal one', () => {
    const model = loadModel();
    for (const [table, spec] of Object.entries(TABLES)) {
      const e = model.tables.get(table)!;
      expect(e.stored.map((c) => c.column).sort()).toEqual(
        [...spec.columns.map(([c]) => c), ...spec.defaulted].sort()
      );
      for (const c of e.stored) expect(e.columns.has(c.column)).toBe(!c.internal);
      expect(model.entities.has(e.name)).toBe(!e.internal);
    }
  });

  describe.each(legs)('on %s', (leg) => {
    it('has exactly the migrated catalogue: tables, columns, types, nullability, defaults', () =>
      withTestDatabase(leg, async ({ url }) => {
        await migrate(url);
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          const rows = (
            await c.query(
              `SELECT table_name, column_name, udt_name, is_nullable, column_default
                 FROM information_schema.columns WHERE table_schema = 'public'
                ORDER BY table_name, ordinal_position`
            )
          ).rows as CatalogueColumn[];
          const catalogue = new Map<string, CatalogueColumn[]>();
          for (const r of rows) {
            if (TOOLING.has(r.table_name)) continue;
            catalogue.set(r.table_name, [...(catalogue.get(r.table_name) ?? []), r]);
          }
          expect([...catalogue.keys()].sort()).toEqual(Object.keys(TABLES).sort());
          const problems: string[] = [];
          for (const [table, spec] of Object.entries(TABLES)) {
            const have = catalogue.get(table) ?? [];
            const want = [
              ...spec.columns.map(([name, type, nullable]) => ({
                name,
                type,
                nullable,
                dflt: false,
              })),
              ...spec.defaulted.map((name) => ({ name, type: null, nullable: false, dflt: true })),
            ];
            for (const w of want) {
              const col = have.find((x) => x.column_name === w.name);
              if (!col) {
                problems.push(`${table}.${w.name}: in the contract, not in the database`);
                continue;
              }
              if (w.type !== null && col.udt_name !== w.type)
                problems.push(`${table}.${w.name}: contract ${w.type}, database ${col.udt_name}`);
              if (w.nullable !== (col.is_nullable === 'YES'))
                problems.push(
                  `${table}.${w.name}: contract ${w.nullable ? 'nullable' : 'not null'}, database ${col.is_nullable === 'YES' ? 'nullable' : 'not null'}`
                );
              if (w.dflt && col.column_default === null)
                problems.push(`${table}.${w.name}: @defaulted, but the database has no default`);
            }
            for (const col of have)
              if (!want.some((w) => w.name === col.column_name))
                problems.push(`${table}.${col.column_name}: in the database, not in the contract`);
          }
          expect(problems).toEqual([]);
        } finally {
          await c.end();
        }
      }));
  });

  it('types a row as node-postgres reads it', () => {
    // Compile-time: a read row's columns carry the contract's types.
    const r = {} as Rows['activity_record'];
    const t: Table = 'activity_record';
    expectTypeOf(r.raw).toEqualTypeOf<Buffer>();
    expectTypeOf(r.cost).toEqualTypeOf<string | null>();
    expect(TABLES[t].key).toEqual(['id']);
  });
});
