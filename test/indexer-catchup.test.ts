/**
 * kill -9 at a random point of a long catch-up, on PGlite and on PostgreSQL (issue 20): the real
 * indexer (a supervised child process) indexes a settled devnet of 20,000 records from block 0 and
 * is killed with SIGKILL twice, each time at a point drawn at random; the supervisor restarts it
 * and it finishes at the head. The database it ends with must have no gap and no duplicate and
 * must be what an uninterrupted run gives.
 *
 * The devnet: 20,000 records in one era (the fewest blocks a scenario of that size takes: 116,
 * with about 200 records a block), no faults, and a Cere DAC record behind every 50th record (the
 * devnet's own choice above 20,000 records; every 3rd, its default below, only adds signature
 * checks, nothing to crash safety). It is built once for both legs. A catch-up commits a
 * chunk of about 150 records at a time (the embedded database's chunks, on both legs), and a
 * chunk's write overlaps the fetching and verification of the next, so a kill can land anywhere:
 * before, inside or after a transaction.
 *
 * The kill points: a seeded generator (seed printed; set PROOFROOM_CATCHUP_SEED to replay it)
 * draws, per leg, two thresholds of committed records, the first in [10%, 50%) of the total and the
 * second at least 10% later and below 90%, and for each a delay of 0-2 s: once the database holds
 * that many records, the test waits the delay and kills the running child. The second kill hits a
 * process that was itself started after a kill. Each kill must find the indexer short of the head.
 *
 * What is compared, and why not with a calm run: the catch-up with its two kills takes 60-70 s
 * per leg on this 2-core machine (measured), the checks 20-25 s, so an uninterrupted run of the
 * same leg as reference would take each leg well past its budget of about 120 s
 * (test/indexer.test.ts compares a crashed run with a calm one table by table on 600 records).
 * Instead, the final state is checked against what an uninterrupted run must give by
 * construction:
 * - every block 0..tip exactly once, with the canonical hash, and the status at the head;
 * - exactly the devnet's 20,000 record ids, each once, and every (batch, leaf) of every batch
 *   exactly once (leaves 0..leaf_count-1), every batch of the scenario once with its payload;
 * - every verification subject's lines numbered 0..n-1 with no gap and no duplicate, and its
 *   counts of passed, failed, pending and skipped lines equal to its lines;
 * - every line of every receipt exactly the manifest's verdict (every line passes: the scenario
 *   has no fault), and the era rounds the manifest's;
 * - and, with both legs, the two crashed runs (killed at different points) give the same rows in
 *   every table: a row that depended on where a kill landed would differ between them.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Devnet, startDevnet } from '../devnet/devnet.ts';
import { EMBEDDED_CHUNK_RECORDS } from '../cli/database.ts';
import { databaseLegs } from './helpers/databases.ts';
import {
  client,
  database,
  dump,
  manifestProblems,
  runCleanups,
  subjectProblems,
  supervise,
  waitForHead,
} from './helpers/indexer.ts';

const legs = await databaseLegs();
afterEach(runCleanups);

const RECORDS = 20_000;
const SEED = Number(process.env.PROOFROOM_CATCHUP_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The kill points of one leg: thresholds of committed records and delays after them. */
function killPlan(leg: string): Array<{ records: number; delayMs: number }> {
  const rnd = generator(SEED ^ (leg === 'pglite' ? 0x1f2e3d4c : 0x5a6b7c8d));
  const f1 = 0.1 + 0.4 * rnd();
  const f2 = f1 + 0.1 + (0.8 - f1) * rnd();
  return [f1, f2].map((f) => ({
    records: Math.floor(f * RECORDS),
    delayMs: Math.floor(2000 * rnd()),
  }));
}

// One devnet for both legs: it only serves the settled chain, which no test changes.
let shared: Promise<Devnet> | undefined;
function devnet(): Promise<Devnet> {
  shared ??= startDevnet({ seed: 'catch-up', records: RECORDS, eras: 1, dacEvery: 50 }).then(
    (dn) => {
      dn.settle();
      return dn;
    }
  );
  return shared;
}
afterAll(async () => {
  if (shared) await (await shared).close();
});

/** Per table, the hashes of its rows (`dump`'s), sorted; kept from one leg for the next. */
type Digest = Record<string, string[]>;
const digests = new Map<string, Digest>();
const rowHash = (row: unknown): string => createHash('sha256').update(String(row)).digest('hex');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(legs)('indexer catch-up on %s', (leg) => {
  it('kill -9 twice at random points of a 20,000-record catch-up: no gap, no duplicate, the manifest', async () => {
    const t0 = Date.now();
    const dn = await devnet();
    const tBuilt = Date.now();
    const tip = dn.chain.best.number;
    const plan = killPlan(leg);
    const where = `seed ${SEED} (PROOFROOM_CATCHUP_SEED=${SEED} replays it), ${leg}, kills ${JSON.stringify(plan)}`;
    console.log(`catch-up: ${where}; ${RECORDS} records, ${tip} blocks`);

    const db = await database(leg);
    // The write chunks npm start uses on the embedded database, on both legs (the cross-leg
    // comparison needs the same chunk ends): some 130 transactions, so kills land between and
    // inside them.
    const run = supervise(dn, db.url, {
      PROOFROOM_WRITE_CHUNK_RECORDS: String(EMBEDDED_CHUNK_RECORDS),
    });
    const c = await client(db.url);
    const progress = async () => {
      const r = await c
        .query<{ n: number; h: number | null }>(
          `SELECT (SELECT count(*)::int FROM activity_record) AS n,
                  (SELECT height FROM indexer_status WHERE id = 'main') AS h`
        )
        .catch(() => ({ rows: [{ n: 0, h: null }] }));
      return r.rows[0]!;
    };

    const kills: string[] = [];
    for (const k of plan) {
      const deadline = Date.now() + 240_000;
      let at = await progress();
      while (at.n < k.records) {
        if (Date.now() > deadline) throw new Error(`${where}: never reached ${k.records} records`);
        await sleep(100);
        at = await progress();
      }
      await sleep(k.delayMs);
      const pid = run.sup.pid;
      const before = await progress();
      // The kill must land in the catch-up, not after it.
      expect(before.h ?? 0, `${where}: at the head before the kill`).toBeLessThan(tip);
      expect(pid, `${where}: no child to kill`).toBeDefined();
      process.kill(pid!, 'SIGKILL');
      kills.push(`${before.n} records, height ${before.h} (+${Date.now() - t0} ms)`);
      // Wait for the supervisor's restart before the next threshold is watched.
      while (run.sup.pid === undefined || run.sup.pid === pid) await sleep(50);
    }
    console.log(`catch-up on ${leg}: killed at ${kills.join('; ')}`);

    await waitForHead(db.url, () => dn.chain.best.hash, 240_000);
    const tIndexed = Date.now();
    expect(run.sup.restarts, where).toBeGreaterThanOrEqual(2);
    expect(run.stderr(), where).not.toContain('ERR_ASSERTION');

    // The status and the blocks: every height once, with the canonical hash.
    const st = (await c.query(`SELECT height, hash, finalized_height FROM indexer_status`)).rows;
    expect(st, where).toEqual([
      { height: tip, hash: dn.chain.best.hash, finalized_height: dn.chain.finalized.number },
    ]);
    const blocks = (await c.query(`SELECT height, hash FROM block ORDER BY height, hash`)).rows;
    expect(blocks, where).toEqual(
      dn.canonical.slice(0, tip + 1).map((b) => ({ height: b.number, hash: b.hash }))
    );

    // The records: the devnet's ids, each once; every leaf of every batch once.
    const ids = (await c.query<{ record_id: string }>(`SELECT record_id FROM activity_record`)).rows
      .map((r) => r.record_id)
      .sort();
    const want = Array.from({ length: RECORDS }, (_, i) => dn.scenario.recordId(i)).sort();
    expect(ids.length, where).toBe(RECORDS);
    expect(ids, where).toEqual(want);
    const leaves = (
      await c.query(
        `SELECT count(*)::int AS n, count(DISTINCT (batch_id, leaf_index))::int AS d
           FROM activity_record`
      )
    ).rows[0];
    expect(leaves, where).toEqual({ n: RECORDS, d: RECORDS });
    const badBatches = (
      await c.query(
        `SELECT d.id, d.leaf_count, a.n, a.d, a.lo, a.hi FROM dac_batch d
           LEFT JOIN (SELECT batch_id, count(*)::int AS n, count(DISTINCT leaf_index)::int AS d,
                             min(leaf_index) AS lo, max(leaf_index) AS hi
                        FROM activity_record GROUP BY batch_id) a ON a.batch_id = d.id
          WHERE a.n IS DISTINCT FROM d.leaf_count OR a.d IS DISTINCT FROM d.leaf_count
             OR a.lo IS DISTINCT FROM 0 OR a.hi IS DISTINCT FROM d.leaf_count - 1
             OR d.payload_status <> 'ok'`
      )
    ).rows;
    expect(badBatches, where).toEqual([]);
    const batches = (
      await c.query(
        `SELECT count(*)::int AS n, count(DISTINCT (cluster_id, era, batch_index))::int AS d,
                count(DISTINCT payload_hash)::int AS p,
                (SELECT count(*)::int FROM activity_record a
                  WHERE NOT EXISTS (SELECT 1 FROM dac_batch b WHERE b.id = a.batch_id)) AS orphans
           FROM dac_batch`
      )
    ).rows[0];
    const nBatches = dn.scenario.payloads.size;
    expect(batches, where).toEqual({ n: nBatches, d: nBatches, p: nBatches, orphans: 0 });

    // Verification: each subject's lines are numbered 0..n-1 and stored at its height, and its
    // counts are its lines'.
    expect((await subjectProblems(c)).slice(0, 20), where).toEqual([]);

    // Every line of every receipt is the manifest's verdict; the era rounds are the manifest's.
    const tManifest = Date.now();
    const { records, problems } = await manifestProblems(c, dn);
    const manifestMs = Date.now() - tManifest;
    expect(problems.slice(0, 20), where).toEqual([]);
    expect(records, where).toBe(RECORDS);
    const byCluster = (a: { clusterId: string; era: number }, b: typeof a) =>
      a.clusterId === b.clusterId ? a.era - b.era : a.clusterId < b.clusterId ? -1 : 1;
    const rounds = (
      await c.query(
        `SELECT cluster_id AS "clusterId", era, agreeing, threshold, quorum FROM attestation_round`
      )
    ).rows;
    expect(rounds.sort(byCluster), where).toEqual(
      dn.manifest.eraRounds
        .map((r) => ({
          clusterId: r.clusterId,
          era: r.era,
          agreeing: r.agreeing,
          threshold: r.threshold,
          quorum: r.quorum,
        }))
        .sort(byCluster)
    );

    // Both legs' crashed runs, killed at different points, hold the same rows in every table.
    const tDump = Date.now();
    const rows = await dump(c);
    const mine: Digest = {};
    for (const [t, r] of Object.entries(rows)) mine[t] = r.map(rowHash).sort();
    digests.set(leg, mine);
    const other = [...digests].find(([l]) => l !== leg);
    if (other) {
      const [otherLeg, theirs] = other;
      expect(Object.keys(mine), where).toEqual(Object.keys(theirs));
      const differ: string[] = [];
      for (const t of Object.keys(mine)) {
        const b = new Set(theirs[t]);
        const extra = rows[t]!.find((r) => !b.has(rowHash(r)));
        if (mine[t]!.length !== theirs[t]!.length || extra !== undefined)
          differ.push(
            `${t}: ${mine[t]!.length} rows here, ${theirs[t]!.length} on ${otherLeg}` +
              (extra === undefined ? '' : `; not there: ${String(extra).slice(0, 600)}`)
          );
      }
      expect(differ, `${where}: tables that differ from the crashed run on ${otherLeg}`).toEqual(
        []
      );
    }
    console.log(
      `catch-up on ${leg}: devnet ${tBuilt - t0} ms, indexing with kills ${tIndexed - tBuilt} ms, ` +
        `checks ${Date.now() - tIndexed} ms (receipts ${manifestMs} ms, dump ${Date.now() - tDump} ms), ` +
        `total ${Date.now() - t0} ms`
    );
  }, 400_000);
});
