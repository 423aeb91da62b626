/**
 * The indexer's write path around its chunks, driven through the Database the processor sees
 * (`Indexer.database()`), on both legs: a hot update with no new block (finality moving on, or a
 * fork back to a lower base) is still written, with the status, the hot blocks and the rollback it
 * implies. On PGlite, once the database held a write's BEGIN back for a reader (and said so in a
 * notice), the indexer gives way: each write commits before the processor's transaction returns.
 * (The chunks of a catch-up, their ends and crash safety: test/indexer-catchup.test.ts.)
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db/data-source.ts';
import { Indexer, type IndexerOptions } from '../indexer/indexer.ts';
import { Metrics } from '../indexer/metrics.ts';
import type { Ingest } from '../indexer/mapping.ts';
import { insertRows } from '../indexer/sql.ts';
import { databaseLegs, withTestDatabase } from './helpers/databases.ts';

const legs = await databaseLegs();

const head = (height: number) => ({ height, hash: `0x${height.toString(16).padStart(64, '0')}` });

async function until(what: string, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Indexed up to 5, final up to 2; 3..5 hot. */
async function seedHot(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await insertRows(
      c,
      'block',
      [1, 2, 3, 4, 5].map((h) => ({
        height: h,
        hash: head(h).hash,
        parent_hash: head(h - 1).hash,
        timestamp: null,
        spec_version: 73177,
        indexed_extrinsics: 0,
        indexed_events: 0,
        final: h <= 2,
      }))
    );
    await insertRows(c, 'hot_block', [3, 4, 5].map(head));
    await c.query(
      `INSERT INTO indexer_status (id, height, hash, finalized_height, finalized_hash,
         best_height, best_hash) VALUES ('main', 5, $1, 2, $2, 5, $1)`,
      [head(5).hash, head(2).hash]
    );
  } finally {
    c.release();
  }
}

/** An indexer with no off-chain sources, writing chunks of 150 records to `pool`. */
function chunkIndexer(pool: pg.Pool, extra: Partial<IndexerOptions> = {}): Indexer {
  return new Indexer({
    pool,
    garUrl: null,
    garAnchorKey: null,
    storageUrls: [],
    fetch: { timeoutMs: 1000, retries: 0, maxBytes: 1 << 20 },
    threads: 1,
    payoutBatchSize: null,
    quorumRule: 'cere67',
    roots: 'activity',
    fetchConcurrency: 1,
    chunkRecords: 150,
    ...extra,
  });
}

describe.each(legs)('indexer writes on %s', (leg) => {
  it('writes a hot update without new blocks: finality moves on, a fork rolls back', () =>
    withTestDatabase(leg, async ({ url }) => {
      await migrate(url);
      const pool = new pg.Pool({ connectionString: url, max: 3 });
      const indexer = chunkIndexer(pool);
      try {
        await seedHot(pool);
        const db = indexer.database();
        expect((await db.connect()).top.map((b) => b.height)).toEqual([3, 4, 5]);
        const status = async () =>
          (
            await pool.query(
              `SELECT height, finalized_height AS fin,
                      (SELECT array_agg(height ORDER BY height) FROM hot_block) AS hot,
                      (SELECT array_agg(height ORDER BY height) FROM block WHERE final) AS final,
                      (SELECT count(*)::int FROM block) AS blocks
                 FROM indexer_status`
            )
          ).rows[0] as {
            height: number;
            fin: number;
            hot: number[];
            final: number[];
            blocks: number;
          };
        const handle = (store: Ingest) => indexer.handle({ blocks: [], store });

        // Finality reaches 4, no new block.
        await db.transactHot2({ finalizedHead: head(4), baseHead: head(5), newBlocks: [] }, handle);
        await until('finality at 4', async () => (await status()).fin === 4);
        expect(await status()).toEqual({
          height: 5,
          fin: 4,
          hot: [5],
          final: [1, 2, 3, 4],
          blocks: 5,
        });

        // A fork back to 4, with no block of its own yet: block 5 goes.
        await db.transactHot2({ finalizedHead: head(4), baseHead: head(4), newBlocks: [] }, handle);
        await until('the fork to 4', async () => (await status()).height === 4);
        expect(await status()).toEqual({
          height: 4,
          fin: 4,
          hot: null,
          final: [1, 2, 3, 4],
          blocks: 4,
        });
      } finally {
        await indexer.close();
        await pool.end();
      }
    }));
});

describe('indexer writes on pglite while readers wait', () => {
  it('after a BEGIN the database held for readers, each write commits before the indexer goes on', () =>
    withTestDatabase(
      'pglite',
      async ({ url }) => {
        await migrate(url);
        const pool = new pg.Pool({ connectionString: url, max: 3 });
        const metrics = new Metrics();
        const indexer = chunkIndexer(pool, { yieldToReaders: true, metrics });
        // A reader that never pauses.
        const reader = new pg.Client(url);
        await reader.connect();
        let reading = true;
        const loop = (async () => {
          while (reading) await reader.query('SELECT count(*) FROM block');
        })();
        try {
          await seedHot(pool);
          const db = indexer.database();
          await db.connect();
          const handle = (store: Ingest) => indexer.handle({ blocks: [], store });
          const status = async () =>
            (await pool.query(`SELECT height, finalized_height AS fin FROM indexer_status`))
              .rows[0] as { height: number; fin: number };
          const turns = async () =>
            (await metrics.registry.getSingleMetric('proofroom_indexer_reader_turns_total')!.get())
              .values[0]!.value;
          // The first write's BEGIN waits for the reader, and the database says so.
          await db.transactHot2(
            { finalizedHead: head(4), baseHead: head(5), newBlocks: [] },
            handle
          );
          await until('finality at 4', async () => (await status()).fin === 4);
          expect(await turns()).toBeGreaterThanOrEqual(1);
          // From now on a write has committed by the time the processor's transaction returns.
          await db.transactHot2(
            { finalizedHead: head(4), baseHead: head(4), newBlocks: [] },
            handle
          );
          expect(await status()).toEqual({ height: 4, fin: 4 });
          expect(await turns()).toBeGreaterThanOrEqual(2);
        } finally {
          reading = false;
          await loop;
          await reader.end();
          await indexer.close();
          await pool.end();
        }
      },
      { embedded: { watchdog: false, transactionDeferMs: 200, transactionGraceMs: 1000 } }
    ));
});
