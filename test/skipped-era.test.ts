/**
 * An era Root skipped (`force_skip_inspection`, docs/cere-runtimes.md §14), end to end on PGlite
 * and on PostgreSQL. The devnet's cluster 2 has its era 2 skipped: no vote, no payout, and one
 * `Sudo.sudo(DdcVerification.force_skip_inspection(cluster_id, ehd_id))` whose only DDC event is
 * `DdcClusters.ClusterEraPaid`. Checks:
 *
 * - @polkadot/api decodes the skip extrinsic and its events from the devnet (outside decoder);
 * - the real indexer stores that `ClusterEraPaid` as a skip, not a payout, and every receipt of
 *   the era is *skipped*: exactly the lines the manifest lists are skipped with `ERA_SKIPPED`,
 *   none fails, every other line passes; the receipts of the paid eras all pass;
 * - the era's payout row has zero totals, is not `ok`, and names the skip as its paid line;
 * - the API's chain-bound bundle of a skipped receipt proves the skip (`chain.paid` passes), and
 *   the two lies a bundle can tell about it fail `chain.paid` with `FACT_MISMATCH`: a skip
 *   presented as a payout, and a payout presented as a skip; the devnet's own bundle of the record
 *   (as `proofroom devnet --bundles` writes it) gives the same lines.
 */
import { ApiPromise, WsProvider } from '@polkadot/api';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReceiptBundle } from '../api/bundle.ts';
import { fetchRpcBatch } from '../api/rpc.ts';
import { loadReceipt } from '../api/receipt.ts';
import { startDevnet } from '../devnet/devnet.ts';
import { ManifestIndex } from '../devnet/manifest.ts';
import { SKIPPED_ERA_CHECKS } from '../devnet/scenario.ts';
import { type ReceiptBundleJson, parseBundle } from '../verifier/bundle.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { ChainProofSource, proveBundle } from '../verifier/proof-source.ts';
import { type BundleReport, verifyBundle } from '../verifier/receipt.ts';
import { createTestDatabase, databaseLegs } from './helpers/databases.ts';
import { startIndexer } from './helpers/indexed-devnet.ts';

const legs = await databaseLegs();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

const OPTS = { seed: 'skipped-era', records: 80, eras: 2, faults: [], skips: [2] } as const;

function check(json: ReceiptBundleJson): BundleReport {
  const p = parseBundle(JSON.stringify(json));
  if (!p.ok) throw new Error(`bundle does not parse: ${p.errors.join('; ')}`);
  return verifyBundle(p.bundle, nodeBackend);
}
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const line = (r: BundleReport, c: string) => r.lines.find((l) => l.check === c)!;

describe.each(legs)('an era Root skipped, on %s', (leg) => {
  it('is skipped, not failed, from the chain to the bundle', async () => {
    const dn = await startDevnet(OPTS);
    cleanups.push(() => dn.close());
    const rounds = dn.manifest.eraRounds;
    const skippedRound = rounds.find((r) => r.skipped)!;
    expect(rounds.filter((r) => r.skipped)).toHaveLength(1);
    expect(skippedRound).toMatchObject({ era: 2, paid: true, votes: 0 });
    expect(skippedRound.clusterId).toBe(dn.manifest.clusters[1]!.clusterId);
    const skippedKey = `${skippedRound.clusterId}-${skippedRound.era}`;

    // An outside decoder reads the skip as the devnet serves it.
    const api = await ApiPromise.create({ provider: new WsProvider(dn.wsUrl), noInitWarn: true });
    cleanups.push(() => api.disconnect());
    const at = await api.rpc.chain.getBlockHash(skippedRound.paidAtBlock!);
    const block = await api.rpc.chain.getBlock(at);
    const events = (await (await api.at(at)).query.system.events()) as unknown as Array<{
      phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } };
      event: { section: string; method: string };
    }>;
    const skipX = block.block.extrinsics.findIndex(
      (x) => x.method.section === 'sudo' && x.method.method === 'sudo'
    );
    expect(skipX).toBeGreaterThan(0);
    const inner = block.block.extrinsics[skipX]!.method.args[0] as unknown as {
      section: string;
      method: string;
      args: Array<{ toString(): string }>;
    };
    expect([inner.section, inner.method]).toEqual(['ddcVerification', 'forceSkipInspection']);
    expect(inner.args[0]!.toString()).toBe(skippedRound.clusterId);
    const ofSkip = events
      .filter((e) => e.phase.isApplyExtrinsic && e.phase.asApplyExtrinsic.toNumber() === skipX)
      .map((e) => `${e.event.section}.${e.event.method}`);
    expect(ofSkip).toEqual(['ddcClusters.ClusterEraPaid', 'sudo.Sudid', 'system.ExtrinsicSuccess']);

    // The real indexer.
    const db = await createTestDatabase(leg);
    cleanups.push(() => db.drop());
    const run = startIndexer({ rpcUrl: dn.rpcUrl, databaseUrl: db.url, devnet: dn });
    cleanups.push(() => run.indexer.stop(2000));
    await run.waitFor(dn.chain.best.hash);
    while (dn.advance()) await run.waitFor(dn.chain.best.hash);
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    cleanups.push(() => pool.end());

    const paidLines = (
      await pool.query<{ cluster_id: string; era: number; kind: string }>(
        `SELECT cluster_id, era, kind FROM payout_line WHERE kind IN ('paid', 'skipped')`
      )
    ).rows;
    expect(paidLines.map((r) => `${r.cluster_id}-${r.era}:${r.kind}`).sort()).toEqual(
      rounds.map((r) => `${r.clusterId}-${r.era}:${r.skipped ? 'skipped' : 'paid'}`).sort()
    );
    const payout = (
      await pool.query(
        `SELECT e.charged::text, e.rewarded::text, e.ok, e.failed, p.kind FROM era_payout e
           JOIN payout_line p ON p.id = e.paid_event_id WHERE e.id = $1`,
        [skippedKey]
      )
    ).rows[0] as Record<string, unknown>;
    expect(payout).toEqual({ charged: '0', rewarded: '0', ok: false, failed: 0, kind: 'skipped' });

    // Every receipt, from the lines the indexer stored.
    const index = new ManifestIndex(dn.manifest);
    const ids = (
      await pool.query<{ id: string; record_id: string; cluster_id: string; era: number }>(
        `SELECT id, record_id, cluster_id, era FROM activity_record ORDER BY block_height, id`
      )
    ).rows;
    expect(ids).toHaveLength(OPTS.records);
    const inSkipped = ids.filter((r) => `${r.cluster_id}-${r.era}` === skippedKey);
    expect(inSkipped.length).toBeGreaterThan(0);
    expect(dn.manifest.receipts.map((r) => r.recordId).sort()).toEqual(
      inSkipped.map((r) => r.record_id).sort()
    );
    for (const r of ids) {
      const receipt = (await loadReceipt(pool, { id: r.id }))!;
      expect(index.diff(r.record_id, receipt.lines, r.era, r.cluster_id), r.record_id).toEqual([]);
      const skipped = inSkipped.includes(r);
      expect(receipt.status, r.record_id).toBe(skipped ? 'skipped' : 'pass');
      expect(receipt.failed).toBe(0);
      expect(receipt.skipped).toBe(skipped ? SKIPPED_ERA_CHECKS.length : 0);
    }

    // The API's chain-bound bundle proves the skip, and each lie about it fails chain.paid.
    const source = new ChainProofSource(fetchRpcBatch(dn.rpcUrl));
    const skippedBundle = (await buildReceiptBundle(pool, inSkipped[0]!.id, { proofs: source }))!;
    expect(skippedBundle.settlement.skipped).toBe(true);
    const honest = check(skippedBundle);
    expect(honest.status).toBe('skipped');
    expect(honest.lines.filter((l) => l.step === 'chain' && l.status !== 'pass')).toEqual([]);
    expect(line(honest, 'chain.paid').status).toBe('pass');
    expect(line(honest, 'chain.conservation').status).toBe('pass');

    const asPayout = clone(skippedBundle) as { settlement: Record<string, unknown> };
    delete asPayout.settlement.skipped;
    const lie1 = check(asPayout as unknown as ReceiptBundleJson);
    expect([line(lie1, 'chain.paid').status, line(lie1, 'chain.paid').code]).toEqual([
      'fail',
      'FACT_MISMATCH',
    ]);
    expect(lie1.status).toBe('fail');

    const paidRecord = ids.find((r) => !inSkipped.includes(r))!;
    const paidBundle = (await buildReceiptBundle(pool, paidRecord.id, { proofs: source }))!;
    expect(check(paidBundle).status).toBe('pass');
    const asSkip = clone(paidBundle) as { settlement: Record<string, unknown> };
    asSkip.settlement.skipped = true;
    const lie2 = check(asSkip as unknown as ReceiptBundleJson);
    expect([line(lie2, 'chain.paid').status, line(lie2, 'chain.paid').code]).toEqual([
      'fail',
      'FACT_MISMATCH',
    ]);
    expect(lie2.status).toBe('fail');

    // The devnet's own bundle of the same record (what `proofroom devnet --bundles` writes), with
    // proofs from its node, gives the same verdict line for line.
    const i = dn.manifest.receipts.find((r) => r.recordId === inSkipped[0]!.record_id)!.index;
    const own = check(await proveBundle(dn.bundle(i), source));
    expect(own.status).toBe('skipped');
    expect(own.lines.map((l) => `${l.check}:${l.status}:${l.code}`)).toEqual(
      honest.lines.map((l) => `${l.check}:${l.status}:${l.code}`)
    );
  }, 300_000);
});
