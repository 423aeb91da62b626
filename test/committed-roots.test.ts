/**
 * `attestation.roots` against the batches a payout sent on chain (`PROOFROOM_ROOTS=committed`),
 * for a chain whose cost model is not public (real Cere prices usage in its private inspection):
 *
 * - the rule itself: every batch of both sides, indices 0..max, rebuilds the quorum's roots; a
 *   missing batch waits before the era is paid and fails after, a batch with other entries fails;
 * - through the real indexer on the devnet (PGlite and PostgreSQL): every receipt passes, each
 *   roots line says it was checked against the committed batches and names no cost model, and
 *   the API's chain-bound bundle carries those batch roots, verifies, and lists them among the
 *   facts that rest on the API's word.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReceiptBundle } from '../api/bundle.ts';
import { fetchRpcBatch } from '../api/rpc.ts';
import { loadReceipt } from '../api/receipt.ts';
import { startDevnet } from '../devnet/devnet.ts';
import { ManifestIndex } from '../devnet/manifest.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { payoutTree } from '../verifier/payout-tree.ts';
import { ChainProofSource } from '../verifier/proof-source.ts';
import { verifyBundle, verifyEraSubject } from '../verifier/receipt.ts';
import { COST_MODEL, type CommittedBatches } from '../verifier/receipts/attestation.ts';
import { createTestDatabase, databaseLegs } from './helpers/databases.ts';
import { startIndexer } from './helpers/indexed-devnet.ts';

const legs = await databaseLegs();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

const OPTS = { seed: 'committed-roots', records: 80, eras: 2, faults: [] } as const;

describe('committed roots, the rule', () => {
  it('rebuilds the attested roots from every sent batch, and fails or waits without one', async () => {
    const dn = await startDevnet({ ...OPTS, records: 40 });
    cleanups.push(() => dn.close());
    const b = parseBundle(JSON.stringify(dn.bundle(0)));
    if (!b.ok) throw new Error(b.errors.join('; '));
    const era = b.bundle.era;
    const act = era.activity!;
    const side = (entries: typeof act.payers) => {
      const t = payoutTree(entries, act.batchSize);
      return { maxBatchIndex: t.batchRoots.length - 1, batchRoots: t.batchRoots };
    };
    const committed: CommittedBatches = { payers: side(act.payers), payees: side(act.payees) };
    const roots = (c: CommittedBatches, e = era) =>
      verifyEraSubject({ ...e, activity: null, committed: c }).lines.find(
        (l) => l.check === 'attestation.roots'
      )!;
    const ok = roots(committed);
    expect(ok.status).toBe('pass');
    expect(ok.facts.basis).toMatch(/sent on chain/);
    expect(ok.facts.costModel).toBeUndefined();

    // A batch not sent: fails once the era is paid, waits before.
    const gap = {
      ...committed,
      payees: { ...committed.payees, batchRoots: committed.payees.batchRoots.slice(0, -1) },
    };
    expect([roots(gap).status, roots(gap).code]).toEqual(['fail', 'ROOTS_MISMATCH']);
    expect(roots(gap).facts.missingPayeesBatches).toEqual([committed.payees.maxBatchIndex]);
    const unpaid = { ...era, paid: null, superseded: null };
    expect([roots(gap, unpaid).status, roots(gap, unpaid).code]).toEqual(['pending', 'NOT_PAID']);
    // A side that has not begun: every batch is missing.
    const notBegun = { ...committed, payers: { maxBatchIndex: null, batchRoots: [] } };
    expect(roots(notBegun).status).toBe('fail');
    // A batch whose entries differ from those the quorum attested.
    const other = {
      ...committed,
      payers: side([
        { ...act.payers[0]!, amount: act.payers[0]!.amount + 1n },
        ...act.payers.slice(1),
      ]),
    };
    expect([roots(other).status, roots(other).code]).toEqual(['fail', 'ROOTS_MISMATCH']);
    // With the activity instead, the line names the project's cost model.
    expect(
      verifyEraSubject(era).lines.find((l) => l.check === 'attestation.roots')!.facts.costModel
    ).toBe(COST_MODEL);
  }, 60_000);
});

describe.each(legs)('committed roots through the indexer, on %s', (leg) => {
  it('verifies every receipt against the batches the chain received', async () => {
    const dn = await startDevnet(OPTS);
    cleanups.push(() => dn.close());
    const db = await createTestDatabase(leg);
    cleanups.push(() => db.drop());
    const run = startIndexer({
      rpcUrl: dn.rpcUrl,
      databaseUrl: db.url,
      devnet: dn,
      env: { PROOFROOM_ROOTS: 'committed' },
    });
    cleanups.push(() => run.indexer.stop(2000));
    await run.waitFor(dn.chain.best.hash);
    while (dn.advance()) await run.waitFor(dn.chain.best.hash);
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    cleanups.push(() => pool.end());

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
      const roots = receipt.lines.find((l) => l.check === 'attestation.roots')!;
      const facts = roots.facts as Record<string, unknown>;
      expect(facts.basis).toMatch(/sent on chain/);
      expect(facts.costModel).toBeUndefined();
    }

    const source = new ChainProofSource(fetchRpcBatch(dn.rpcUrl));
    const json = (await buildReceiptBundle(pool, ids[0]!.id, {
      proofs: source,
      roots: 'committed',
    }))!;
    expect(json.attestation.committed?.payers.batchRoots.length).toBeGreaterThan(0);
    const p = parseBundle(JSON.stringify(json));
    if (!p.ok) throw new Error(p.errors.join('; '));
    const report = verifyBundle(p.bundle, nodeBackend);
    expect(report.status).toBe('pass');
    expect(report.chain.unproven.join('; ')).toMatch(/payout batches/);
  }, 300_000);
});
