/**
 * One answer, one state: the status fields (`_meta`, `squidStatus`) are read after the request's
 * other root fields, so nothing an answer lists is above the `indexedHeight` the same answer
 * reports, even when a write commits between the request's statements. On both legs: the indexer's
 * next block is committed exactly when the list's statement is sent, after the status statement of
 * a status-first order would have run. Without the ordering, `_meta` reports height 5 beside block
 * 6 (the first assertion fails).
 */
import pg from 'pg';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApi } from '../api/app.ts';
import { loadApiConfig } from '../api/config.ts';
import type { Queryable } from '../api/context.ts';
import { migrate } from '../db/data-source.ts';
import { insertRows } from '../indexer/sql.ts';
import { databaseLegs, withTestDatabase } from './helpers/databases.ts';

const legs = await databaseLegs();

const hash = (h: number) => `0x${h.toString(16).padStart(64, '0')}`;

/** Block `h` and the status at it, in one transaction, as the indexer writes them. */
async function commitBlock(pool: pg.Pool, h: number): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await insertRows(c, 'block', [
      {
        height: h,
        hash: hash(h),
        parent_hash: hash(h - 1),
        timestamp: null,
        spec_version: 73177,
        indexed_extrinsics: 0,
        indexed_events: 0,
        final: true,
      },
    ]);
    await c.query(
      `INSERT INTO indexer_status (id, height, hash, finalized_height, finalized_hash,
         best_height, best_hash) VALUES ('main', $1, $2, $1, $2, $1, $2)
       ON CONFLICT (id) DO UPDATE SET height = $1, hash = $2, finalized_height = $1,
         finalized_hash = $2, best_height = $1, best_hash = $2`,
      [h, hash(h)]
    );
    await c.query('COMMIT');
  } finally {
    c.release();
  }
}

describe.each(legs)('the status of an answer on %s', (leg) => {
  it('is read after the fields it answers beside: nothing listed is above its height', () =>
    withTestDatabase(leg, async ({ url }) => {
      await migrate(url);
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      try {
        for (let h = 1; h <= 5; h++) await commitBlock(pool, h);
        // The API's database: in each request, the first statement that does not read the
        // status waits until the indexer has committed its next block.
        let next = 6;
        let commitNext = false;
        const sent: string[] = [];
        const racing: Queryable = {
          query: async (text, values) => {
            const status = text.includes('indexer_status');
            sent.push(status ? 'status' : 'other');
            if (!status && commitNext) {
              commitNext = false;
              await commitBlock(pool, next++);
            }
            return pool.query(text, values) as ReturnType<Queryable['query']>;
          },
        };
        const api = createApi({
          db: racing,
          config: loadApiConfig(
            { PROOFROOM_API_RATE_LIMIT: '0' },
            { databaseUrl: url, embedded: leg === 'pglite' }
          ),
          log: () => {},
        });
        try {
          for (const [query, status] of [
            [
              '{ _meta { indexedHeight } blocks(orderBy: height_DESC, limit: 1) { height } }',
              '_meta',
            ],
            [
              '{ blocks(orderBy: height_DESC, limit: 1) { height } squidStatus { height } }',
              'squidStatus',
            ],
          ] as const) {
            sent.length = 0;
            commitNext = true;
            const res = await request(api.app).post('/graphql').send({ query });
            expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
            const d = res.body.data as Record<string, any>;
            const reported = status === '_meta' ? d._meta.indexedHeight : d.squidStatus.height;
            const newest = d.blocks[0].height as number;
            expect({ reported, newest }).toEqual({ reported: newest, newest: next - 1 });
            expect(sent[0], sent.join(', ')).toBe('other');
          }
          // With nothing else asked, the status is read at once.
          const alone = await request(api.app)
            .post('/graphql')
            .send({ query: '{ _meta { indexedHeight } }' });
          expect(alone.body.data._meta.indexedHeight).toBe(7);
        } finally {
          api.close();
        }
      } finally {
        await pool.end();
      }
    }));
});
