/**
 * Old and new payout designs on one chain, end to end on PGlite and PostgreSQL: the devnet starts
 * on Cere 71000 (the billing-report design: validators commit billing fingerprints, the payout
 * sends usage batches the chain prices itself) and upgrades to 73047, 73160 and 73177 (payout
 * receipts). Era 1 of both clusters is paid under 71000, eras 2-4 under the later runtimes.
 *
 * - the real indexer stores every era with no `chain.decode` line, reads 71000's validator set
 *   from `DdcVerification.ValidatorSet` (no event carries it), and every receipt's stored lines
 *   are exactly the manifest's (all pass): era 1's under the billing-report rules;
 * - the API's chain-bound bundle of an era-1 receipt verifies with every chain line proven, says
 *   the validator set rests on the API's word, and fails when a `Charged` amount or a usage entry
 *   is edited in flight.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReceiptBundle } from '../api/bundle.ts';
import { loadReceipt } from '../api/receipt.ts';
import { fetchRpcBatch } from '../api/rpc.ts';
import { startDevnet } from '../devnet/devnet.ts';
import { ManifestIndex } from '../devnet/manifest.ts';
import { describeRuntimes } from '../devnet/scenario.ts';
import { type ReceiptBundleJson, parseBundle } from '../verifier/bundle.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { ChainProofSource } from '../verifier/proof-source.ts';
import { type BundleReport, verifyBundle } from '../verifier/receipt.ts';
import { createTestDatabase, databaseLegs } from './helpers/databases.ts';
import { startIndexer } from './helpers/indexed-devnet.ts';

const legs = await databaseLegs();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

const OPTS = {
  seed: 'billing-design',
  records: 120,
  eras: 4,
  faults: [],
  runtimes: [71000, 73047, 73160, 73177],
} as const;

function check(json: unknown): BundleReport {
  const p = parseBundle(JSON.stringify(json));
  if (!p.ok) throw new Error(`bundle does not parse: ${p.errors.join('; ')}`);
  return verifyBundle(p.bundle, nodeBackend);
}
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const failing = (r: BundleReport) =>
  r.lines.filter((l) => l.status !== 'pass').map((l) => `${l.check}:${l.code}`);

describe.each(legs)('billing-report and receipt eras on one chain, on %s', (leg) => {
  it('verifies eras paid under each design', async () => {
    const dn = await startDevnet(OPTS);
    cleanups.push(() => dn.close());
    expect(describeRuntimes(dn.scenario)).toMatch(
      /^Cere 71000 → 73047 \(block \d+\) → 73160 \(block \d+\) → 73177 \(block \d+\); eras paid under 71000: 1; 73047: 2; 73160: 3; 73177: 4$/
    );
    expect(dn.manifest.receipts).toEqual([]);
    const db = await createTestDatabase(leg);
    cleanups.push(() => db.drop());
    const run = startIndexer({ rpcUrl: dn.rpcUrl, databaseUrl: db.url, devnet: dn });
    cleanups.push(() => run.indexer.stop(2000));
    await run.waitFor(dn.chain.best.hash);
    while (dn.advance()) await run.waitFor(dn.chain.best.hash);
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    cleanups.push(() => pool.end());

    const decode = await pool.query(`SELECT count(*)::int AS n FROM verification_line
      WHERE check_name = 'chain.decode'`);
    expect(decode.rows[0].n).toBe(0);
    const batches = (
      await pool.query<{ design: string; n: number }>(
        `SELECT design, count(*)::int AS n FROM payout_batch GROUP BY design ORDER BY design`
      )
    ).rows;
    expect(batches.map((b) => b.design)).toEqual(['billing-report', 'receipt']);
    const sets = await pool.query(`SELECT id FROM validator_set WHERE id LIKE '%-storage'`);
    expect(sets.rowCount).toBeGreaterThan(0);

    const index = new ManifestIndex(dn.manifest);
    const ids = (
      await pool.query<{ id: string; record_id: string; cluster_id: string; era: number }>(
        `SELECT id, record_id, cluster_id, era FROM activity_record ORDER BY block_height, id`
      )
    ).rows;
    expect(ids).toHaveLength(OPTS.records);
    for (const r of ids) {
      const receipt = (await loadReceipt(pool, { id: r.id }))!;
      expect(index.diff(r.record_id, receipt.lines, r.era, r.cluster_id), r.record_id).toEqual([]);
      expect(receipt.status, r.record_id).toBe('pass');
      const rule = receipt.lines.find((l) => l.check === 'settlement.payers.amount')!.rule;
      expect(rule).toBe(
        r.era === 1 ? 'cere:ddc-payouts-71000:get_customer_charge' : 'cere:DdcPayouts.Charged'
      );
    }

    // The API's chain-bound bundle of an era-1 receipt.
    const source = new ChainProofSource(fetchRpcBatch(dn.rpcUrl));
    const first = ids.find((r) => r.era === 1)!;
    const json = (await buildReceiptBundle(pool, first.id, { proofs: source }))!;
    expect(json.attestation.design).toBe('billing-report');
    const honest = check(json);
    expect(failing(honest)).toEqual([]);
    expect(honest.chain.unproven.join('; ')).toMatch(/validator set/);

    // The customer's Charged amount, edited: the chain proves otherwise, and Cere's rule too.
    const lied = clone(json) as ReceiptBundleJson & {
      settlement: { payers: { events: Array<{ amount: string }> } };
    };
    const ev = lied.settlement.payers.events[0]!;
    ev.amount = (BigInt(ev.amount) + 1n).toString();
    expect(failing(check(lied))).toEqual(
      expect.arrayContaining([
        'chain.settlement:FACT_MISMATCH',
        'settlement.payers.amount:AMOUNT_MISMATCH',
      ])
    );
    // A usage entry of the customer's batch, edited: its proof fails, and so does the call.
    const moved = clone(json) as ReceiptBundleJson & {
      settlement: { payers: { usageEntries: Array<{ usage: { numberOfGets: string } }> } };
    };
    const u = moved.settlement.payers.usageEntries[0]!.usage;
    u.numberOfGets = (BigInt(u.numberOfGets) + 1n).toString();
    expect(failing(check(moved))).toEqual(
      expect.arrayContaining([
        'chain.settlement:FACT_MISMATCH',
        'settlement.payers.proof:PROOF_INVALID',
      ])
    );
  }, 300_000);
});
