/**
 * A real-chain rehearsal: the indexer runs against recorded RPC answers, as it would against an
 * archive node it can only ask. The devnet runs Cere's real layouts (73047 → 73160 → 73177 by
 * `System.set_code`); a recording proxy keeps every answer the indexer got from it, once from
 * genesis and once starting at the first upgrade block. Then the devnet's RPC is out of the
 * picture: a server that answers only from the recording (any other question is an error and
 * counted) feeds two fresh indexers. Off-chain inputs (GAR, storage nodes) are still the
 * devnet's services; only the chain is replayed.
 *
 * What must hold: the replays ask nothing that was not recorded (only standard Substrate
 * methods, no devnet extension); they store exactly what the live runs stored; nothing fails to
 * decode across the upgrades; each era is paid under its own runtime and its era lines pass;
 * and a start at the upgrade boundary decodes the boundary block with its parent's runtime and
 * the next one with the new runtime.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Devnet, startDevnet } from '../devnet/devnet.ts';
import { toHex } from '../verifier/bytes.ts';
import { type TestDatabase, createTestDatabase, databaseLegs } from './helpers/databases.ts';
import { startIndexer } from './helpers/indexed-devnet.ts';
import {
  type RpcEndpoint,
  RpcRecording,
  startRecorder,
  startReplayer,
} from './helpers/rpc-recording.ts';

interface Run {
  readonly db: TestDatabase;
  readonly pool: pg.Pool;
}

let devnet: Devnet;
const recording = new RpcRecording();
const runs: Run[] = [];
const endpoints: RpcEndpoint[] = [];
let live: { genesis: Run; boundary: Run };
let replay: { genesis: Run; boundary: Run };
let replayer: RpcEndpoint;
let boundary: number;

/** Indexes the devnet's chain from `fromBlock` through `rpcUrl` until it reaches the head. */
async function index(rpcUrl: string, fromBlock: number): Promise<Run> {
  const [leg] = await databaseLegs();
  const db = await createTestDatabase(leg!);
  const run = { db, pool: new pg.Pool({ connectionString: db.url, max: 2 }) };
  runs.push(run);
  const { indexer, waitFor } = startIndexer({ rpcUrl, databaseUrl: db.url, devnet, fromBlock });
  try {
    await waitFor(devnet.chain.best.hash);
  } finally {
    await indexer.stop(2000);
  }
  return run;
}

/** What a run stored: blocks with their runtimes, votes, payout lines, every verification line. */
async function stored(run: Run): Promise<Record<string, unknown[]>> {
  const q = async (sql: string) => (await run.pool.query(sql)).rows;
  return {
    blocks: await q(`SELECT height, hash, spec_version FROM block ORDER BY height`),
    votes: await q(
      `SELECT id, cluster_id, era, validator_id, ehd_id FROM attestation_vote ORDER BY id`
    ),
    payouts: await q(`SELECT id, kind, account_id, amount::text, era FROM payout_line ORDER BY id`),
    lines: await q(
      `SELECT subject_kind, subject_id, seq, check_name, ok, code, facts::text AS facts
         FROM verification_line ORDER BY subject_kind, subject_id, seq`
    ),
  };
}

beforeAll(async () => {
  devnet = await startDevnet({ seed: 'rehearsal', records: 60, eras: 3, faults: [] });
  devnet.settle();
  boundary = devnet.scenario.runtimes.upgrades[0]!.block;
  const recorder = await startRecorder(devnet.rpcUrl, recording);
  endpoints.push(recorder);
  live = {
    genesis: await index(recorder.url, 0),
    boundary: await index(recorder.url, boundary),
  };
  expect(recorder.misses).toEqual([]);
  replayer = await startReplayer(recording);
  endpoints.push(replayer);
  replay = {
    genesis: await index(replayer.url, 0),
    boundary: await index(replayer.url, boundary),
  };
}, 300_000);

afterAll(async () => {
  for (const e of endpoints) await e.close().catch(() => {});
  for (const r of runs) {
    await r.pool.end().catch(() => {});
    await r.db.drop().catch(() => {});
  }
  await devnet?.close();
});

describe('a rehearsal on recorded RPC answers across Cere runtime upgrades', () => {
  it('the replays need nothing but the recorded answers, all standard Substrate methods', () => {
    expect(replayer.misses).toEqual([]);
    const methods = [...recording.methods().keys()].sort();
    expect(methods.filter((m) => m.startsWith('dev_'))).toEqual([]);
    for (const m of methods) expect(m).toMatch(/^(chain|state|system|rpc)_/);
    // The runtime at each block is asked for, and the metadata of every runtime.
    expect(methods).toEqual(
      expect.arrayContaining(['state_getMetadata', 'state_getRuntimeVersion'])
    );
    console.log(
      `rehearsal: ${recording.size} recorded answers; ${[...recording.methods()]
        .map(([m, n]) => `${m} ${n}`)
        .join(', ')}`
    );
  });

  it('stores exactly what the live runs stored, from genesis and from the boundary', async () => {
    expect(await stored(replay.genesis)).toEqual(await stored(live.genesis));
    expect(await stored(replay.boundary)).toEqual(await stored(live.boundary));
  });

  it('decodes every block across the upgrades and verifies each era under its own runtime', async () => {
    const { pool } = replay.genesis;
    const decode = await pool.query(
      `SELECT subject_id FROM verification_line WHERE check_name = 'chain.decode'`
    );
    expect(decode.rows).toEqual([]);
    const specs = (
      await pool.query(`SELECT DISTINCT spec_version FROM block ORDER BY spec_version`)
    ).rows.map((r) => r.spec_version as number);
    expect(specs).toEqual([73047, 73160, 73177]);
    const eras = (
      await pool.query(
        `SELECT p.cluster_id, p.era, p.ok, p.failed, b.spec_version
           FROM era_payout p JOIN payout_line l ON l.id = p.paid_event_id
           JOIN block b ON b.height = l.block_height ORDER BY p.cluster_id, p.era`
      )
    ).rows as Array<{
      cluster_id: string;
      era: number;
      ok: boolean;
      failed: number;
      spec_version: number;
    }>;
    // Both clusters pay era k under the k-th runtime.
    const clusters = devnet.scenario.clusterIds.map((c) => toHex(c));
    expect(clusters.length).toBe(2);
    for (const c of clusters) {
      expect(
        eras.filter((e) => e.cluster_id === c).map((e) => [e.era, e.spec_version]),
        c
      ).toEqual([
        [1, 73047],
        [2, 73160],
        [3, 73177],
      ]);
      expect(
        devnet.manifest.eraRounds.filter((e) => e.clusterId === c).map((e) => e.specVersion)
      ).toEqual([73047, 73160, 73177]);
    }
    for (const e of eras)
      expect(e, `era ${e.cluster_id}-${e.era}`).toMatchObject({ ok: true, failed: 0 });
    // Every receipt of the honest chain verifies (the manifest lists no failing receipt).
    const failing = await pool.query(
      `SELECT subject_kind, subject_id, check_name, code FROM verification_line
        WHERE NOT ok AND subject_kind IN ('record', 'batch', 'grant', 'settlement', 'era')`
    );
    expect(devnet.manifest.receipts).toEqual([]);
    expect(failing.rows.filter((r) => r.code !== 'NOT_PAID')).toEqual([]);
  });

  it('a start at the upgrade block decodes it with its parent’s runtime, the next with the new one', async () => {
    // (Subsquid's header.specVersion of the set_code block is already the new version; the
    // indexer stores the runtime that executed the block.)
    const { pool } = replay.boundary;
    const blocks = (
      await pool.query(`SELECT height, spec_version FROM block ORDER BY height LIMIT 2`)
    ).rows as Array<{ height: number; spec_version: number }>;
    expect(blocks).toEqual([
      { height: boundary, spec_version: 73047 },
      { height: boundary + 1, spec_version: 73160 },
    ]);
    const decode = await pool.query(
      `SELECT subject_id FROM verification_line WHERE check_name = 'chain.decode'`
    );
    expect(decode.rows).toEqual([]);
    // The eras paid after the boundary are seen whole: their votes and their payouts.
    const votes = (
      await pool.query(
        `SELECT era, count(*)::int AS n FROM attestation_vote GROUP BY era ORDER BY era`
      )
    ).rows;
    expect(votes.map((v) => v.era)).toEqual([2, 3]);
  });
});
