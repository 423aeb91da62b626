/**
 * A runtime the indexer and the verifier do not know (groundwork of issue 19): the devnet runs a
 * spec version past the one `indexer/types` and `verifier/runtimes` were generated for, in which
 * `DdcPayouts.Rewarded.rewarded` changed type (u128 → Option<u128>, as a future Cere runtime could
 * change a field). Through the real indexer:
 *
 * - every such event becomes a failed `chain.decode` line naming the event and the spec version,
 *   and the indexer carries on: the other events of the same blocks are indexed;
 * - a receipt bundle from that chain proves its blocks, but its events cannot be decoded with
 *   types the verifier pinned: the chain lines fail `UNKNOWN_RUNTIME`, never decode with guessed
 *   types.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRpcBatch } from '../api/rpc.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { ChainProofSource, proveBundle } from '../verifier/proof-source.ts';
import { verifyBundle } from '../verifier/receipt.ts';
import { pinnedRuntime } from '../verifier/scale.ts';
import { type IndexedDevnet, indexDevnet } from './helpers/indexed-devnet.ts';

const FUTURE = {
  specVersion: 73200,
  optionFields: [['DdcPayouts', 'Rewarded', 'rewarded']],
  // The vote's call changes too; the vote (its event) must still be indexed.
  optionCallFields: [['DdcPayouts', 'commit_payout_fingerprint', 'ehd_id']],
} as const;

describe('a runtime layout the indexer does not know', () => {
  let ix: IndexedDevnet;
  let db: pg.Pool;

  beforeAll(async () => {
    ix = await indexDevnet('pglite', {
      seed: 'future-layout',
      records: 40,
      eras: 2,
      faults: [],
      runtime: {
        specVersion: FUTURE.specVersion,
        optionFields: FUTURE.optionFields.map((f) => [...f]),
        optionCallFields: FUTURE.optionCallFields.map((f) => [...f]),
      },
    });
    db = new pg.Pool({ connectionString: ix.url, max: 2 });
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await ix?.close();
  });

  it('stores a chain.decode line per unknown event, naming it and the spec version, and carries on', async () => {
    const lines = (
      await db.query(
        `SELECT subject_kind, subject_id, code, facts FROM verification_line
          WHERE check_name = 'chain.decode' ORDER BY subject_id`
      )
    ).rows as Array<{ subject_kind: string; code: string; facts: Record<string, unknown> }>;
    const events = lines.filter((l) => l.subject_kind === 'event');
    expect(events.length).toBeGreaterThan(0);
    for (const l of events) {
      expect(l.code).toBe('BAD_ENCODING');
      expect(l.facts).toMatchObject({ name: 'DdcPayouts.Rewarded', specVersion: 73200 });
      expect(String(l.facts.error)).toContain('at spec version 73200');
    }
    // Every block ran the future runtime, and nothing but Rewarded failed to decode.
    const blocks = (await db.query(`SELECT spec_version FROM block`)).rows as Array<{
      spec_version: number;
    }>;
    expect(new Set(blocks.map((b) => b.spec_version))).toEqual(new Set([73200]));
    // The rest of those blocks was indexed: every record, the charges, the paid eras.
    const counts = (
      await db.query(
        `SELECT (SELECT count(*)::int FROM activity_record) AS records,
                (SELECT count(*)::int FROM payout_line WHERE kind = 'charge') AS charges,
                (SELECT count(*)::int FROM payout_line WHERE kind = 'reward') AS rewards`
      )
    ).rows[0] as { records: number; charges: number; rewards: number };
    expect(counts.records).toBe(40);
    expect(counts.charges).toBeGreaterThan(0);
    expect(counts.rewards).toBe(0);
  });

  it('keeps a vote whose call it cannot decode: the call gets its own chain.decode line', async () => {
    const calls = (
      await db.query(
        `SELECT subject_id, code, facts FROM verification_line
          WHERE check_name = 'chain.decode' AND subject_kind = 'call'`
      )
    ).rows as Array<{ subject_id: string; code: string; facts: Record<string, unknown> }>;
    const votes = (await db.query(`SELECT extrinsic_id, ehd_id FROM attestation_vote ORDER BY id`))
      .rows as Array<{ extrinsic_id: string; ehd_id: string | null }>;
    // Five validators vote in each of the two eras of each of the two clusters; every vote is
    // stored, without its ehd_id.
    expect(votes.length).toBe(20);
    expect(ix.devnet.manifest.eraRounds.reduce((n, r) => n + r.votes, 0)).toBe(20);
    expect(votes.every((v) => v.ehd_id === null)).toBe(true);
    expect(calls.map((c) => c.subject_id).sort()).toEqual(votes.map((v) => v.extrinsic_id).sort());
    for (const c of calls) {
      expect(c.code).toBe('BAD_ENCODING');
      expect(c.facts).toMatchObject({
        name: 'DdcPayouts.commit_payout_fingerprint',
        specVersion: FUTURE.specVersion,
      });
    }
  });

  it("has a verifier refuse the runtime's events: its chain lines fail UNKNOWN_RUNTIME", async () => {
    expect(pinnedRuntime('node', FUTURE.specVersion)).toBeUndefined();
    const source = new ChainProofSource(fetchRpcBatch(ix.devnet.rpcUrl));
    const bundle = await proveBundle(ix.devnet.bundle(0), source);
    const p = parseBundle(JSON.stringify(bundle));
    if (!p.ok) throw new Error(p.errors.join('; '));
    const r = verifyBundle(p.bundle, nodeBackend);
    const line = r.lines.find((l) => l.check === 'chain.anchor')!;
    expect(line.status).toBe('fail');
    expect(line.code).toBe('UNKNOWN_RUNTIME');
    expect(line.facts).toMatchObject({ specName: 'node', specVersion: FUTURE.specVersion });
    // The headers and finality are still proven: only the decoding is refused.
    expect(r.lines.find((l) => l.check === 'chain.headers')!.status).toBe('pass');
    expect(r.lines.find((l) => l.check === 'chain.finality')!.status).toBe('pass');
  });
});
