/**
 * Planner statistics where the database keeps none (indexer/analyze.ts): PGlite never analyzes a
 * table by itself, and neither does a PostgreSQL server with autovacuum off. After a write the
 * indexer analyzes each table that doubled since its last analyze, at most once per 5 s, and
 * nothing where an autovacuum launcher runs.
 */
import type { ClientBase } from 'pg';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Analyzer } from '../indexer/analyze.ts';
import { databaseLegs, withTestDatabase } from './helpers/databases.ts';

const legs = await databaseLegs();

const tuples = async (c: ClientBase): Promise<number> =>
  Number(
    (await c.query(`SELECT reltuples FROM pg_class WHERE relname = 'grows'`)).rows[0].reltuples
  );

/** ANALYZE estimates the rows from a sample (3,000 rows here): within 5% of `n`. */
const about = (n: number) => expect.toSatisfy((x: number) => Math.abs(x - n) <= n * 0.05);

const fill = (c: ClientBase, from: number, to: number) =>
  c.query(
    `INSERT INTO grows SELECT 'key-' || i, repeat('x', 100) FROM generate_series($1::int, $2::int) i`,
    [from, to]
  );

describe.each(legs)('on %s', (leg) => {
  it('analyzes a table once it doubled, at most every 5 s, where nothing else does', () =>
    withTestDatabase(leg, async ({ url }) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const launcher =
          (
            await c.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher'`
            )
          ).rows[0].n > 0;
        // PGlite runs no launcher: what this module is for.
        if (leg === 'pglite') expect(launcher).toBe(false);
        await c.query(`CREATE TABLE grows (k text PRIMARY KEY, v text)`);
        const a = new Analyzer();
        expect(await a.afterWrite(c, 0)).toEqual([]); // empty: nothing to learn
        await fill(c, 1, 20_000);
        expect(await tuples(c)).toBeLessThanOrEqual(0); // never analyzed
        if (launcher) {
          // A server that analyzes by itself: the indexer leaves it to it.
          expect(await a.afterWrite(c, 10_000)).toEqual([]);
          expect(await a.afterWrite(c, 20_000)).toEqual([]);
          return;
        }
        expect(await a.afterWrite(c, 10_000)).toEqual(['public.grows']);
        expect(await tuples(c)).toEqual(about(20_000));
        // Not doubled yet: left as it is.
        await fill(c, 20_001, 30_000);
        expect(await a.afterWrite(c, 20_000)).toEqual([]);
        expect(await tuples(c)).toEqual(about(20_000));
        // Doubled, but looked at less than 5 s ago: the next look analyzes it.
        await fill(c, 30_001, 60_000);
        expect(await a.afterWrite(c, 24_000)).toEqual([]);
        expect(await a.afterWrite(c, 25_000)).toEqual(['public.grows']);
        expect(await tuples(c)).toEqual(about(60_000));
      } finally {
        await c.end();
      }
    }));
});

describe('where an autovacuum launcher runs', () => {
  it('asks once and then never queries again', async () => {
    const asked: string[] = [];
    const client = {
      query: async (text: string) => {
        asked.push(text);
        return { rows: [{ n: 1 }] };
      },
    } as unknown as ClientBase;
    const a = new Analyzer();
    expect(await a.afterWrite(client, 0)).toEqual([]);
    expect(await a.afterWrite(client, 60_000)).toEqual([]);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/autovacuum launcher/);
  });
});
