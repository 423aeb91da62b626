/**
 * The indexer end to end, on PGlite and on PostgreSQL: the real Subsquid processor (a supervised
 * child process) indexes the devnet over RPC, fetches GAR grants and payloads, verifies on ingest
 * and writes to the database. Checks: the fault scenario gives exactly the manifest's verdict on
 * every line of every receipt, including across the scenario's reorg (rolled back rows and lines);
 * kill -9 mid-batch and restart give the same database as an uninterrupted run; hostile payloads
 * and envelopes become failed lines while the indexer carries on to the head.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDevnet } from '../devnet/devnet.ts';
import { identity } from '../devnet/keys.ts';
import { DEVNET_FAULTS } from '../devnet/scenario.ts';
import { type NodeFault, startStorageNodes } from '../devnet/storage-node.ts';
import { toHex, utf8 } from '../verifier/bytes.ts';
import { ENVELOPE_MAGIC, encodeEnvelope } from '../verifier/envelope.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { databaseLegs } from './helpers/databases.ts';
import {
  client,
  countProblems,
  subjectProblems,
  database,
  defer,
  dump,
  manifestProblems,
  runCleanups,
  supervise,
  waitForHead,
} from './helpers/indexer.ts';

const legs = await databaseLegs();
afterEach(runCleanups);

describe.each(legs)('indexer on %s', (leg) => {
  it('indexes the fault scenario to exactly the manifest, across the reorg', async () => {
    const dn = await startDevnet({
      seed: 'indexer-test',
      records: 240,
      eras: 4,
      recordsPerBatch: 10,
      faults: [...DEVNET_FAULTS],
    });
    defer(() => dn.close());
    const db = await database(leg);
    const run = supervise(dn, db.url, { PROOFROOM_METRICS_PORT: '0' });
    const c = await client(db.url);

    // First the orphaned branch is best: the indexer stores its anchor as a hot block.
    const orphan = dn.orphaned[0]!;
    expect(dn.chain.best.hash).toBe(orphan.hash);
    await waitForHead(db.url, () => dn.chain.best.hash);
    const onOrphan = await c.query(`SELECT id FROM dac_batch WHERE block_height = $1`, [
      orphan.number,
    ]);
    expect(onOrphan.rowCount).toBe(1);
    const orphanBatch = onOrphan.rows[0].id as string;
    expect(
      (
        await c.query(`SELECT count(*)::int AS n FROM verification_line WHERE subject_id LIKE $1`, [
          `${orphanBatch}%`,
        ])
      ).rows[0].n
    ).toBeGreaterThan(0);

    // Then the canonical chain wins: the orphan's rows and lines go, the re-inclusion comes in.
    dn.advance();
    await waitForHead(db.url, () => dn.chain.best.hash);
    expect(run.stderr()).toContain('fork: rolled back');
    const block = await c.query(`SELECT hash FROM block WHERE height = $1`, [orphan.number]);
    expect(block.rows[0].hash).not.toBe(orphan.hash);
    for (const q of [
      `SELECT count(*)::int AS n FROM dac_batch WHERE id = $1`,
      `SELECT count(*)::int AS n FROM verification_line WHERE subject_id LIKE $1 || '%'`,
      `SELECT count(*)::int AS n FROM activity_record WHERE batch_id = $1`,
    ])
      expect((await c.query(q, [orphanBatch])).rows[0].n).toBe(0);
    const reincluded = dn.manifest.reorg!.anchoredAt.number;
    expect(
      (
        await c.query(`SELECT count(*)::int AS n FROM dac_batch WHERE block_height = $1`, [
          reincluded,
        ])
      ).rows[0].n
    ).toBe(1);

    const { records, problems } = await manifestProblems(c, dn);
    expect(problems).toEqual([]);
    expect(records).toBe(dn.manifest.records);
    // The line counts the triggers keep followed the rollback's deletes and every rewrite.
    expect(await countProblems(c)).toEqual([]);
    expect(await subjectProblems(c)).toEqual([]);
    // Every line of the scenario belongs to one of its two clusters.
    expect((await c.query(`SELECT DISTINCT cluster_id FROM check_count ORDER BY 1`)).rows).toEqual(
      (await c.query(`SELECT DISTINCT cluster_id FROM dac_batch ORDER BY 1`)).rows
    );
    expect(
      (await c.query(`SELECT count(DISTINCT cluster_id)::int AS n FROM dac_batch`)).rows[0].n
    ).toBe(2);
    // Each batch counts its records that fail a line of their own (added up as they arrive, or
    // recounted when stored records are linked again), and the faults make some.
    const counts = (
      await c.query(
        `SELECT d.id, d.records_failed AS stored,
                (SELECT count(*) FILTER (WHERE a.failed > 0) FROM activity_record a
                  WHERE a.batch_id = d.id)::int AS counted
           FROM dac_batch d`
      )
    ).rows as Array<{ id: string; stored: number; counted: number }>;
    expect(counts.filter((r) => r.stored !== r.counted)).toEqual([]);
    expect(counts.some((r) => r.counted > 0)).toBe(true);
    // The anchor that is not final is seen on the best chain with NOT_FINAL.
    const nf = dn.manifest.notFinal!;
    const notFinal = await c.query(
      `SELECT l.code FROM dac_batch d JOIN verification_line l
         ON l.subject_kind = 'anchor' AND l.subject_id = d.id AND l.check_name = 'anchor.finality'
        WHERE d.cluster_id = $1 AND d.era = $2 AND d.batch_index = $3`,
      [nf.clusterId, nf.era, nf.index]
    );
    expect(notFinal.rows.map((r) => r.code)).toEqual(['NOT_FINAL']);

    // Once the chain finalizes that block, the indexer marks it final and the line passes. The
    // processor learns of finality with the next block, as on a live chain.
    const tip = dn.chain.best;
    dn.chain.setFinalized(tip.hash);
    const next = dn.chain.build({ timestamp: tip.timestamp + 6000, extrinsics: [] } as never);
    dn.chain.setBest(next.hash);
    const t0 = Date.now();
    for (;;) {
      const st = await c.query(`SELECT finalized_height FROM indexer_status`);
      if (st.rows[0].finalized_height >= tip.number) break;
      if (Date.now() - t0 > 30_000) throw new Error('finality did not reach the indexer');
      await new Promise((r) => setTimeout(r, 100));
    }
    const flipped = await c.query(
      `SELECT l.ok, l.code, b.final FROM dac_batch d
         JOIN verification_line l ON l.subject_kind = 'anchor' AND l.subject_id = d.id
          AND l.check_name = 'anchor.finality'
         JOIN block b ON b.height = d.block_height
        WHERE d.cluster_id = $1 AND d.era = $2 AND d.batch_index = $3`,
      [nf.clusterId, nf.era, nf.index]
    );
    expect(flipped.rows).toEqual([{ ok: true, code: null, final: true }]);
    expect(await countProblems(c)).toEqual([]);
    expect(await subjectProblems(c)).toEqual([]);
    // Only the new tip is still hot.
    expect((await c.query(`SELECT height FROM block WHERE NOT final`)).rows).toEqual([
      { height: next.number },
    ]);
    expect((await c.query(`SELECT height FROM hot_block`)).rows).toEqual([{ height: next.number }]);
    // Era rounds match the manifest's.
    const rounds = (
      await c.query(
        `SELECT cluster_id AS "clusterId", era, agreeing, threshold, quorum FROM attestation_round
          ORDER BY cluster_id = $1 DESC, era`,
        [toHex(dn.scenario.clusterId)]
      )
    ).rows;
    // Both clusters' rounds (cluster 1's, with every fault, first; then the honest cluster 2's).
    expect(new Set(rounds.map((r) => r.clusterId)).size).toBe(2);
    expect(rounds).toEqual(
      dn.manifest.eraRounds.map((r) => ({
        clusterId: r.clusterId,
        era: r.era,
        agreeing: r.agreeing,
        threshold: r.threshold,
        quorum: r.quorum,
      }))
    );

    // Prometheus: heights and counters.
    const m = /metrics at (http:\/\/\S+)/.exec(run.stderr());
    expect(m).not.toBeNull();
    const text = await (await fetch(m![1]!)).text();
    expect(text).toMatch(/proofroom_indexer_height\{kind="indexed"\} \d+/);
    expect(text).toMatch(/proofroom_indexer_records_verified_total\{result="failed"\} [1-9]/);
    expect(text).toMatch(/proofroom_indexer_write_transaction_seconds_count [1-9]/);
    expect(text).toMatch(/proofroom_indexer_write_phase_seconds_total\{phase="eras"\} [0-9.e-]+/);
    expect(text).toContain('sqd_processor_last_block');
  });

  it('recovers from kill -9 mid-batch with the same final state as an uninterrupted run', async () => {
    const opts = { seed: 'crash-test', records: 600, eras: 2, recordsPerBatch: 10, slowNodeMs: 30 };
    const dn = await startDevnet(opts);
    defer(() => dn.close());
    dn.settle();
    const calm = await database(leg);
    // Small write chunks (about two batches of 10 records each), the same for both runs: some 30
    // transactions, so the kills find the status below the head and land between and in them.
    const chunks = { PROOFROOM_WRITE_CHUNK_RECORDS: '20' };
    supervise(dn, calm.url, chunks, [dn.storageUrls[0]!]);
    await waitForHead(calm.url, () => dn.chain.best.hash, 90_000);

    const crashed = await database(leg);
    const run = supervise(dn, crashed.url, chunks, [dn.storageUrls[0]!]);
    const c = await client(crashed.url);
    // Kill the indexer twice while it is writing; the supervisor restarts it each time.
    let kills = 0;
    for (let i = 0; i < 400 && kills < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const r = await c
        .query(`SELECT height FROM indexer_status`)
        .catch(() => ({ rows: [] as Array<{ height: number }> }));
      if (r.rows.length > 0 && r.rows[0]!.height < dn.chain.best.number && run.sup.pid) {
        process.kill(run.sup.pid, 'SIGKILL');
        kills++;
        await new Promise((r) => setTimeout(r, 400));
      }
    }
    expect(kills).toBe(2);
    await waitForHead(crashed.url, () => dn.chain.best.hash, 90_000);
    expect(run.sup.restarts).toBeGreaterThanOrEqual(2);
    const a = await dump(await client(calm.url));
    const b = await dump(c);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const t of Object.keys(a)) expect({ t, rows: b[t] }).toEqual({ t, rows: a[t] });
    expect(a.activity_record!.length).toBe(600);
  }, 180_000);

  it('resumes after a stop at the head, with unfinalized blocks above its last final one', async () => {
    const dn = await startDevnet({ seed: 'resume-hot', records: 60, eras: 1, recordsPerBatch: 10 });
    defer(() => dn.close());
    dn.settle();
    const db = await database(leg);
    const first = supervise(dn, db.url);
    await waitForHead(db.url, () => dn.chain.best.hash);
    await first.sup.stop();
    const c = await client(db.url);
    const st = (await c.query(`SELECT height, finalized_height FROM indexer_status`)).rows[0];
    // The scenario's finality lags its head by two blocks: the status row's newest block is hot.
    expect(st.finalized_height).toBe(st.height - 2);
    expect((await c.query(`SELECT height FROM hot_block ORDER BY height`)).rows).toEqual([
      { height: st.height - 1 },
      { height: st.height },
    ]);

    // The chain moves on while the indexer is stopped: one more block, and finality reaches the
    // old head. A restart must take up from the last final block, with the hot ones above it.
    const tip = dn.chain.best;
    const next = dn.chain.build({ timestamp: tip.timestamp + 6000, extrinsics: [] } as never);
    dn.chain.setBest(next.hash);
    dn.chain.setFinalized(tip.hash);
    const second = supervise(dn, db.url);
    await waitForHead(db.url, () => next.hash);
    expect(second.stderr()).not.toContain('ERR_ASSERTION');
    expect(second.sup.restarts).toBe(0);
    const blocks = (
      await c.query(
        `SELECT count(*)::int AS n, count(DISTINCT height)::int AS d, max(height) AS top,
                count(*) FILTER (WHERE final)::int AS final FROM block`
      )
    ).rows[0];
    expect(blocks).toEqual({
      n: next.number + 1,
      d: next.number + 1,
      top: next.number,
      final: next.number,
    });
    expect((await c.query(`SELECT count(*)::int AS n FROM activity_record`)).rows[0].n).toBe(60);
  });

  it('turns hostile payloads and envelopes into failed lines and carries on', async () => {
    const dn = await startDevnet({
      seed: 'hostile-test',
      records: 40,
      eras: 1,
      recordsPerBatch: 10,
    });
    defer(() => dn.close());
    dn.settle();
    // Storage nodes of our own over the scenario's payloads: batch 0 tampered everywhere, batch 1
    // missing everywhere, batch 2 oversized (a node serving far more bytes than the limit).
    const hashes = [...dn.scenario.payloads.keys()];
    const tampered = new Map<string, NodeFault>([
      [hashes[0]!, { kind: 'tampered' }],
      [hashes[1]!, { kind: 'missing' }],
    ]);
    const nodes = await startStorageNodes(2, (h) => dn.scenario.payloads.get(h), [
      tampered,
      tampered,
    ]);
    defer(() => nodes.close());
    // And a node that answers every request with far more bytes than the indexer accepts.
    const huge = createServer((_req, res) => res.end(Buffer.alloc(300_000)));
    await new Promise<void>((r) => huge.listen(0, '127.0.0.1', r));
    defer(() => new Promise((r) => huge.close(r)));
    const hugeUrl = `http://127.0.0.1:${(huge.address() as AddressInfo).port}`;
    // A block of hostile remarks after the tip: an unknown envelope version, garbage after the
    // magic, a hash that does not match, and a batch whose payload nobody has.
    const who = identity('hostile-test', 'stranger');
    const remark = (bytes: Uint8Array, hash?: Uint8Array) => ({
      call: { pallet: 'System', name: 'remark_with_event', args: { remark: toHex(bytes) } },
      signer: who,
      events: [
        {
          pallet: 'System',
          name: 'Remarked',
          args: { sender: toHex(who.publicKey), hash: toHex(hash ?? blake2b256(bytes)) },
        },
      ],
    });
    const unknownVersion = Uint8Array.from([...ENVELOPE_MAGIC, 9, 0, 1, 2, 3]);
    const garbage = Uint8Array.from([...ENVELOPE_MAGIC, 0, 0, 0xff, 0xff]);
    const orphanBatch = encodeEnvelope({
      kind: 'DacBatch',
      clusterId: dn.scenario.clusterId,
      era: 1,
      batchIndex: 99,
      recordFormat: 0,
      leafCount: 1,
      root: blake2b256(utf8('nobody')),
      payloadHash: blake2b256(utf8('nobody has this')),
    });
    const tip = dn.chain.best;
    const extra = dn.chain.build({
      timestamp: tip.timestamp + 6000,
      extrinsics: [
        remark(unknownVersion),
        remark(garbage),
        remark(orphanBatch, blake2b256(utf8('a different hash'))),
        remark(orphanBatch),
        remark(utf8('not ours: an ordinary remark')),
      ],
    } as never);
    dn.chain.setBest(extra.hash);
    dn.chain.setFinalized(extra.hash);

    const db = await database(leg);
    supervise(
      dn,
      db.url,
      {
        PROOFROOM_FETCH_RETRIES: '1',
        PROOFROOM_FETCH_TIMEOUT_MS: '2000',
        PROOFROOM_MAX_PAYLOAD_BYTES: '100000',
      },
      [...nodes.urls, hugeUrl]
    );
    await waitForHead(db.url, () => dn.chain.best.hash);
    const c = await client(db.url);
    const status = (
      await c.query(`SELECT payload_hash, payload_status FROM dac_batch ORDER BY block_height, id`)
    ).rows;
    const statusOf = (h: string) => status.find((s) => s.payload_hash === h)?.payload_status;
    // Without a good copy the status is the most telling failure: wrong bytes, then oversize.
    expect(statusOf(hashes[0]!)).toBe('mismatch');
    expect(statusOf(hashes[1]!)).toBe('too-large');
    expect(statusOf(toHex(blake2b256(utf8('nobody has this'))))).toBe('too-large');
    expect(status.filter((s) => s.payload_status === 'ok').length).toBe(2);
    const batchLines = (
      await c.query(
        `SELECT d.payload_hash, l.check_name, l.code FROM verification_line l
           JOIN dac_batch d ON d.id = l.subject_id WHERE l.subject_kind = 'batch' AND NOT l.ok`
      )
    ).rows;
    const codes = (h: string) =>
      batchLines
        .filter((l) => l.payload_hash === h)
        .map((l) => l.code)
        .sort();
    expect(codes(hashes[0]!)).toEqual(['HASH_MISMATCH', 'HASH_MISMATCH', 'TOO_LARGE']);
    expect(codes(hashes[1]!)).toEqual(['TOO_LARGE', 'UNAVAILABLE', 'UNAVAILABLE']);
    // A batch whose first node was the oversized one still verified from the next node.
    const okWithRefusal = status.filter(
      (s) => s.payload_status === 'ok' && codes(s.payload_hash).includes('TOO_LARGE')
    );
    expect(okWithRefusal.length).toBe(1);
    const remarks = (
      await c.query(
        `SELECT l.code FROM verification_line l WHERE l.subject_kind = 'remark' ORDER BY subject_id`
      )
    ).rows.map((r) => r.code);
    // A DacBatch envelope cut short after its header is reported as BAD_LENGTH. A batch envelope
    // whose Remarked hash does not match is still a batch: its anchor line fails.
    expect(remarks.sort()).toEqual(['BAD_LENGTH', 'UNSUPPORTED_VERSION']);
    const lying = (
      await c.query(
        `SELECT l.code FROM remark r JOIN verification_line l ON l.subject_kind = 'anchor'
            AND l.subject_id = r.id AND l.check_name = 'anchor.remark'
          WHERE r.block_height = $1 AND r.code = 'ANCHOR_MISMATCH'`,
        [extra.number]
      )
    ).rows.map((r) => r.code);
    expect(lying).toEqual(['ANCHOR_MISMATCH']);
    // The honest batches still verified, and the ordinary remark was left alone.
    expect(
      (await c.query(`SELECT count(*)::int AS n FROM activity_record WHERE ok`)).rows[0].n
    ).toBe(20);
    expect(
      (
        await c.query(`SELECT count(*)::int AS n FROM remark WHERE block_height = $1`, [
          extra.number,
        ])
      ).rows[0].n
    ).toBe(4);
  });
});
