/**
 * Migration 1764300000000 (billing report), on PGlite and PostgreSQL: it adds the billing columns
 * with their defaults, and drops what an earlier indexer derived only when that indexer stored a
 * block a billing-report runtime (spec < 72000) executed — whose DDC rows it could not decode.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db/index.ts';
import { databaseLegs, undoMigrationsFrom, withTestDatabase } from './helpers/databases.ts';

const legs = await databaseLegs();

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The billing-report migration and every later one: what migrating from before it runs. */
let fromBillingReport: string[] = [];

/**
 * Migrates `url`, undoes the billing-report migration (and the later ones, newest first), stores
 * a block of `spec` and a batch.
 */
async function beforeBillingReport(url: string, spec: number): Promise<void> {
  await migrate(url);
  fromBillingReport = await undoMigrationsFrom(url, 'BillingReport1764300000000');
  await withClient(url, async (c) => {
    await c.query(`INSERT INTO block VALUES (3, '0x03', '0x02', NULL, $1, 1, 1, true)`, [spec]);
    await c.query(
      `INSERT INTO payout_batch VALUES ('3-1-payers-0', '0xc1', 1, 'payers', 0, 0,
         '[["0xaa", "5"]]', '[]', '3-1', 3)`
    );
    await c.query(
      `INSERT INTO indexer_status (id, height, hash, finalized_height, finalized_hash,
         best_height, best_hash) VALUES ('main', 3, '0x03', 3, '0x03', 3, '0x03')`
    );
  });
}

describe.each(legs)('the billing-report migration on %s', (leg) => {
  it('keeps a receipt-only database, its batches now of design receipt', () =>
    withTestDatabase(leg, async ({ url }) => {
      await beforeBillingReport(url, 73047);
      expect(await migrate(url)).toEqual(fromBillingReport);
      await withClient(url, async (c) => {
        expect((await c.query(`SELECT id, design FROM payout_batch`)).rows).toEqual([
          { id: '3-1-payers-0', design: 'receipt' },
        ]);
        expect((await c.query(`SELECT count(*)::int AS n FROM indexer_status`)).rows[0].n).toBe(1);
        // The new columns exist and take their values.
        await c.query(
          `INSERT INTO payout_line (id, cluster_id, era, kind, amount, block_height, bucket_id)
             VALUES ('3-2', '0xc1', 1, 'charge', 5, 3, 18446744073709551615)`
        );
        await c.query(
          `INSERT INTO attestation_vote (id, cluster_id, era, validator_id, payers_root,
             payees_root, block_height, start_era, end_era, cluster_usage)
             VALUES ('3-3', '0xc1', 1, '0xv', '0x1', '0x2', 3, -9223372036854775808,
               9223372036854775807, '{"storedBytes": "-1"}')`
        );
        expect((await c.query(`SELECT bucket_id::text AS b FROM payout_line`)).rows[0].b).toBe(
          '18446744073709551615'
        );
        expect(
          (
            await c.query(
              `SELECT start_era::text AS s, end_era::text AS e, cluster_usage FROM attestation_vote`
            )
          ).rows[0]
        ).toEqual({
          s: '-9223372036854775808',
          e: '9223372036854775807',
          cluster_usage: { storedBytes: '-1' },
        });
      });
    }));

  it('drops what was derived from a 71000 block, to derive it again', () =>
    withTestDatabase(leg, async ({ url }) => {
      await beforeBillingReport(url, 71000);
      expect(await migrate(url)).toEqual(fromBillingReport);
      await withClient(url, async (c) => {
        for (const t of ['block', 'payout_batch', 'indexer_status'])
          expect((await c.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n, t).toBe(0);
      });
    }));
});
