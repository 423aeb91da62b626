/**
 * The sentinel against the devnet's storage nodes (the real indexer fills the database first):
 * faulty nodes caught, and only they; honest nodes never blamed over a long scenario; slow and
 * hostile nodes recorded as timeouts and errors within the timeout; evidence files that
 * `proofroom verify` accepts (and rejects once altered, the VRF draw included); a kill -9 in the middle of a round that
 * neither loses nor double-counts a check; webhook notices with retries, backoff and restarts; the
 * sampling arithmetic against brute force.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { blake2AsU8a } from '@polkadot/util-crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStorageNodes } from '../devnet/storage-node.ts';
import { ConfigError, loadSentinelConfig } from '../sentinel/config.ts';
import { keyFromHex, keyFromSecret, loadOrCreateKey } from '../sentinel/keys.ts';
import { SentinelMetrics } from '../sentinel/metrics.ts';
import {
  badUpperBound,
  DEFAULT_TARGET,
  confidenceAchieved,
  drawSample,
  hypergeometricCdf,
  leafRank,
  missProbability,
  roundDraw,
  sampleSize,
} from '../sentinel/sampling.ts';
import { Sentinel, type SentinelEvent, type SentinelOptions } from '../sentinel/sentinel.ts';
import { type CheckRow, SentinelStore, nodeUrlFromParams } from '../sentinel/store.ts';
import { parseHex, toHex } from '../verifier/bytes.ts';
import { drawAlpha } from '../verifier/draw.ts';
import {
  type CheckKind,
  type Evidence,
  type EvidenceBody,
  evidenceSigningBytes,
  isEvidence,
  parseEvidence,
  verifyEvidence,
} from '../verifier/evidence.ts';
import { verify as vrfVerify } from '../verifier/vrf.ts';
import { pureBackend } from '../verifier/signatures.ts';
import { main } from '../cli/main.ts';
import { migrate } from '../db/index.ts';
import { databaseLegs, undoMigrationsFrom, withTestDatabase } from './helpers/databases.ts';
import { type IndexedDevnet, indexDevnet } from './helpers/indexed-devnet.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const legs = await databaseLegs();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function options(
  pool: pg.Pool,
  storageUrls: readonly string[],
  over: Partial<SentinelOptions> = {}
): SentinelOptions {
  return {
    pool,
    key: keyFromSecret(randomBytes(32)),
    target: { d: 0.99, p: 0.01, rule: 'formula' },
    storageUrls,
    nodesPerSample: 0,
    rate: 0,
    concurrency: 4,
    timeoutMs: 3000,
    maxPayloadBytes: 1 << 24,
    evidenceDir: null,
    evidenceBodyBytes: 1 << 20,
    pollMs: 50,
    webhook: null,
    ...over,
  };
}

interface CheckRowDb {
  id: string;
  round_id: string;
  activity_id: string;
  batch_id: string;
  leaf_index: number;
  payload_hash: string;
  node_url: string;
  ok: boolean;
  kind: string;
  code: string | null;
  latency_ms: number;
  facts: Record<string, unknown>;
  evidence: unknown;
}

async function rowsOf(pool: pg.Pool, sentinel: string): Promise<CheckRowDb[]> {
  const r = await pool.query(
    `SELECT c.* FROM sentinel_check c JOIN sentinel_round s ON s.id = c.round_id
      WHERE s.sentinel = $1 ORDER BY c.id`,
    [sentinel]
  );
  return r.rows as CheckRowDb[];
}

async function roundsOf(pool: pg.Pool, sentinel: string): Promise<Array<Record<string, any>>> {
  return (
    await pool.query(
      `SELECT * FROM sentinel_round WHERE sentinel = $1 ORDER BY era, seed_height, cluster_id`,
      [sentinel]
    )
  ).rows;
}

/**
 * A third party's check from the sentinel's public key alone: alpha is the round's input, the VRF
 * proof verifies, its output is the seed, and the seed draws exactly the rows.
 */
async function expectSampleFromSeed(pool: pg.Pool, round: Record<string, any>): Promise<void> {
  expect(round.status).toBe('complete');
  expect(round.seed_commitment).toBeNull();
  const alpha = drawAlpha(round.cluster_id, round.era, round.seed_hash)!;
  expect(toHex(alpha)).toBe(round.vrf_alpha);
  const vrf = vrfVerify(parseHex(round.sentinel, 32)!, alpha, parseHex(round.vrf_proof, 80)!);
  expect(vrf.ok).toBe(true);
  const seed = parseHex(round.seed, 64)!;
  expect(vrf.ok && toHex(vrf.beta)).toBe(round.seed);
  const batches = (
    await pool.query(
      // The population (docs/spec.md §12.1): final anchors whose remark hash and root are right.
      `SELECT b.id, b.leaf_count FROM dac_batch b JOIN block k ON k.height = b.block_height AND k.final
         JOIN remark r ON r.id = b.remark_id
        WHERE b.cluster_id = $1 AND b.era = $2 AND b.block_height <= $3
          AND r.code IS NULL AND b.payload_status <> 'root-mismatch'
        ORDER BY b.batch_index, b.id`,
      [round.cluster_id, round.era, round.seed_height]
    )
  ).rows.map((b) => ({ batchId: String(b.id), leafCount: Number(b.leaf_count) }));
  const drawn = drawSample(seed, batches, round.sample_size).map(
    (s) => `${s.batchId}:${s.leafIndex}`
  );
  const checked = (
    await pool.query(`SELECT DISTINCT activity_id FROM sentinel_check WHERE round_id = $1`, [
      round.id,
    ])
  ).rows.map((x) => String(x.activity_id));
  expect(checked.sort()).toEqual(drawn.sort());
}

/** A round's figures as stored in its row, and as a recount of its rows gives them (read only). */
async function figuresAndRecount(
  pool: pg.Pool,
  roundId: string
): Promise<{ stored: Record<string, unknown>; recount: Record<string, unknown> }> {
  const stored = (
    await pool.query(
      `SELECT sampled, ok, failed, lost, node_checks, failed_by_kind FROM sentinel_round
        WHERE id = $1`,
      [roundId]
    )
  ).rows[0];
  const recount = (
    await pool.query(
      `SELECT count(*)::int AS sampled, count(*) FILTER (WHERE all_ok)::int AS ok,
              count(*) FILTER (WHERE NOT all_ok)::int AS failed,
              count(*) FILTER (WHERE NOT any_ok)::int AS lost,
              coalesce(sum(n), 0)::int AS node_checks,
              jsonb_build_object(
                'mismatch', count(*) FILTER (WHERE mismatch), 'missing', count(*) FILTER (WHERE missing),
                'timeout', count(*) FILTER (WHERE timeout), 'error', count(*) FILTER (WHERE error)
              ) AS failed_by_kind
         FROM (SELECT bool_and(ok) AS all_ok, bool_or(ok) AS any_ok, count(*) AS n,
                      bool_or(kind = 'mismatch') AS mismatch, bool_or(kind = 'missing') AS missing,
                      bool_or(kind = 'timeout') AS timeout, bool_or(kind = 'error') AS error
                 FROM sentinel_check WHERE round_id = $1 GROUP BY activity_id) l`,
      [roundId]
    )
  ).rows[0];
  return { stored, recount };
}

// ---------------------------------------------------------------------------------------------

describe('sentinel sampling arithmetic', () => {
  it('sizes samples by the formula, and by the exact rule to meet the target', () => {
    // n0 = ln(0.01)/ln(0.99) = 458.2; n = n0 / (1 + (n0 − 1)/N), rounded up.
    const formula = { d: 0.99, p: 0.01, rule: 'formula' } as const;
    expect(sampleSize(1_000_000, formula)).toBe(459);
    expect(sampleSize(10_000, formula)).toBe(439);
    expect(sampleSize(1000, formula)).toBe(315);
    expect(sampleSize(60, formula)).toBe(54);
    expect(sampleSize(1, formula)).toBe(1);
    expect(sampleSize(0, formula)).toBe(0);
    for (const N of [1, 2, 10, 57, 100, 1000, 4321, 100_000]) {
      for (const [d, p] of [
        [0.99, 0.01],
        [0.95, 0.05],
        [0.999, 0.002],
      ] as const) {
        const n = sampleSize(N, { d, p, rule: 'exact' });
        const bad = Math.max(1, Math.ceil(p * N - 1e-9));
        expect(missProbability(N, bad, n)).toBeLessThanOrEqual(1 - d + 1e-12);
        if (n > 1) expect(missProbability(N, bad, n - 1)).toBeGreaterThan(1 - d);
        expect(n).toBeLessThanOrEqual(N);
      }
    }
    // The formula promises less than it says when p·N is small: 315 of 1,000 catch 10 bad ones
    // with probability 0.978, the exact rule needs 368.
    expect(confidenceAchieved(1000, 315, 0.01)).toBeCloseTo(0.9777, 3);
    expect(sampleSize(1000, { d: 0.99, p: 0.01, rule: 'exact' })).toBe(368);
    expect(() => sampleSize(10, { d: 1, p: 0.01, rule: 'formula' })).toThrow(RangeError);
    expect(() => sampleSize(-1)).toThrow(RangeError);
  });

  it('meets its stated confidence by default on every era size, where the formula falls short', () => {
    // The default rule is exact: every round of any era, the demo's included, reaches d = 0.99.
    expect(DEFAULT_TARGET).toEqual({ d: 0.99, p: 0.01, rule: 'exact' });
    const short: number[] = [];
    for (let N = 1; N <= 3000; N++) {
      expect(confidenceAchieved(N, sampleSize(N), 0.01), `N = ${N}`).toBeGreaterThanOrEqual(0.99);
      if (confidenceAchieved(N, sampleSize(N, { ...DEFAULT_TARGET, rule: 'formula' }), 0.01) < 0.99)
        short.push(N);
    }
    // The formula falls short on most of these sizes: the demo's 200-leaf eras at 91%.
    expect(short.length).toBeGreaterThan(2000);
    expect(
      confidenceAchieved(200, sampleSize(200, { ...DEFAULT_TARGET, rule: 'formula' }), 0.01)
    ).toBeCloseTo(0.911, 3);
  });

  it('agrees with brute-force counting on small populations', () => {
    const choose = (n: number, k: number): number => {
      if (k < 0 || k > n) return 0;
      let r = 1;
      for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
      return r;
    };
    for (const N of [5, 12, 30]) {
      for (let K = 0; K <= N; K += 3) {
        for (let n = 0; n <= N; n += 4) {
          expect(missProbability(N, K, n)).toBeCloseTo(choose(N - K, n) / choose(N, n), 10);
          for (let f = 0; f <= Math.min(n, K); f++) {
            let cdf = 0;
            for (let x = 0; x <= f; x++)
              cdf += (choose(K, x) * choose(N - K, n - x)) / choose(N, n);
            expect(hypergeometricCdf(N, K, n, f)).toBeCloseTo(cdf, 9);
          }
          for (let f = 0; f <= Math.min(n, 3); f++) {
            // The bound: the largest K' whose P(X ≤ f) stays above 1 − d.
            const d = 0.9;
            let best = f;
            for (let k = f; k <= N - (n - f); k++) {
              let cdf = 0;
              for (let x = 0; x <= f; x++)
                cdf += (choose(k, x) * choose(N - k, n - x)) / choose(N, n);
              if (cdf > 1 - d + 1e-12) best = k;
            }
            expect(badUpperBound(N, n, f, d)).toBe(n >= N ? f : best);
          }
        }
      }
    }
  });

  it('builds alpha, the seed and the ranks as docs/spec.md §12 states (golden values, and @polkadot/util-crypto)', () => {
    const enc = new TextEncoder();
    const u32 = (v: number): Uint8Array =>
      Uint8Array.of(v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24);
    const cluster = '0x' + '22'.repeat(20);
    const block = '0x' + '33'.repeat(32);
    // alpha: the domain, the cluster id, u32le(era), the paying block's hash: 82 bytes.
    const alpha = drawAlpha(cluster, 7, block)!;
    expect(toHex(alpha)).toBe(
      toHex(
        new Uint8Array([
          ...enc.encode('proofroom/sentinel/draw/v1'),
          ...parseHex(cluster)!,
          ...u32(7),
          ...parseHex(block)!,
        ])
      )
    );
    expect(alpha).toHaveLength(82);
    expect(drawAlpha('0x' + '22'.repeat(19), 7, block)).toBeNull();
    expect(drawAlpha(cluster, -1, block)).toBeNull();
    expect(drawAlpha(cluster, 2 ** 32, block)).toBeNull();
    expect(drawAlpha(cluster, 7, '0x33')).toBeNull();
    // The draw under the RFC 8032 / RFC 9381 test key: the sentinel's ed25519 key is the VRF key,
    // the proof verifies under it, and the seed is beta, all 64 bytes.
    const secret = parseHex('0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')!;
    const key = keyFromSecret(secret);
    expect(key.id).toBe('0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const draw = roundDraw(secret, cluster, 7, block);
    expect(draw.alpha).toEqual(alpha);
    // The values docs/spec.md §12.1 lists (its vector).
    expect(toHex(draw.proof)).toBe(
      '0x046a63c4e11d058e5c4ad165cc5015d3bab5b25b24b600ae47d0430b5cca344430078b1d834d6b6216a899d2cbfb33796633825e3d722902d244ef73bd6f9df256096842f0c44b7458d9da943e979804'
    );
    expect(toHex(draw.seed)).toBe(
      '0x9674b305442ef54ce4262f47258c66056d6fb98e4fc1275ea14a869b297bb32ea0f5baa5db2d0a85599a6285b2edb01f48b284546f864033f8c191cd6941b906'
    );
    expect(
      drawSample(
        draw.seed,
        [
          { batchId: '12-3', leafCount: 4 },
          { batchId: '13-1', leafCount: 3 },
        ],
        3
      ).map((x) => `${x.batchId}:${x.leafIndex}`)
    ).toEqual(['13-1:0', '12-3:1', '12-3:3']);
    const checked = vrfVerify(key.publicKey, alpha, draw.proof);
    expect(checked.ok && toHex(checked.beta)).toBe(toHex(draw.seed));
    // Deterministic: a restarted round draws the same.
    expect(toHex(roundDraw(secret, cluster, 7, block).proof)).toBe(toHex(draw.proof));
    expect(vrfVerify(key.publicKey, drawAlpha(cluster, 8, block)!, draw.proof).ok).toBe(false);

    // Ranks (unchanged by the VRF): keyed blake2b-256 over utf8(batch id) ‖ 0x00 ‖ u32le(leaf).
    const seed = parseHex('0x46e4d4182f3154e8608026b42e0433a627a5b9f3114ec80966416487da00738c')!;
    expect(toHex(leafRank(seed, '12-3', 5))).toBe(
      '0xe66ac13da3f423a92e6e5e00c8075fd9d27ee0a07ac5e66e5f5502452402c26f'
    );
    const layout = [
      { batchId: '12-3', leafCount: 4 },
      { batchId: '13-1', leafCount: 3 },
    ];
    expect(drawSample(seed, layout, 3).map((x) => `${x.batchId}:${x.leafIndex}`)).toEqual([
      '12-3:1',
      '13-1:0',
      '12-3:2',
    ]);
    // The same bytes through another implementation of keyed BLAKE2b, with a 64-byte seed too.
    const leafMsg = new Uint8Array([...enc.encode('12-3'), 0, ...u32(5)]);
    expect(toHex(blake2AsU8a(leafMsg, 256, seed))).toBe(toHex(leafRank(seed, '12-3', 5)));
    expect(toHex(blake2AsU8a(leafMsg, 256, draw.seed))).toBe(toHex(leafRank(draw.seed, '12-3', 5)));
  });

  it('draws a sample that depends on the key and the block, not on listing order', () => {
    const key = new Uint8Array(32).fill(7);
    const other = new Uint8Array(32).fill(8);
    const roundSeed = (k: Uint8Array, c: string, era: number, b: string): Uint8Array =>
      roundDraw(k, c, era, b).seed;
    const cluster = '0x' + '11'.repeat(20);
    const block = '0x' + 'ab'.repeat(32);
    const batches = Array.from({ length: 50 }, (_, i) => ({
      batchId: `${i + 3}-1`,
      leafCount: 10 + (i % 7),
    }));
    const seed = roundSeed(key, cluster, 4, block);
    const ids = (xs: ReturnType<typeof drawSample>): string[] =>
      xs.map((s) => `${s.batchId}:${s.leafIndex}`);
    const a = ids(drawSample(seed, batches, 60));
    expect(new Set(a).size).toBe(60);
    expect(ids(drawSample(seed, [...batches].reverse(), 60))).toEqual(a);
    expect(ids(drawSample(roundSeed(other, cluster, 4, block), batches, 60))).not.toEqual(a);
    expect(
      ids(drawSample(roundSeed(key, cluster, 4, '0x' + 'ac'.repeat(32)), batches, 60))
    ).not.toEqual(a);
    expect(ids(drawSample(roundSeed(key, cluster, 5, block), batches, 60))).not.toEqual(a);
    // Roughly uniform: over 400 seeds each batch's share of draws is near its share of leaves.
    const total = batches.reduce((s, b) => s + b.leafCount, 0);
    const hits = new Map<string, number>();
    for (let s = 0; s < 400; s++) {
      const sd = roundSeed(key, cluster, s, block);
      for (const x of drawSample(sd, batches, 20))
        hits.set(x.batchId, (hits.get(x.batchId) ?? 0) + 1);
    }
    for (const b of batches) {
      const expected = (400 * 20 * b.leafCount) / total;
      expect(Math.abs((hits.get(b.batchId) ?? 0) - expected)).toBeLessThan(5 * Math.sqrt(expected));
    }
  });

  it('reads node URLs from on-chain parameters and refuses bad configuration by name', () => {
    const host = '0x' + Buffer.from('127.0.0.1').toString('hex');
    expect(
      nodeUrlFromParams({ __kind: 'StorageParams', value: { host, ssl: false, httpPort: 8081 } })
    ).toBe('http://127.0.0.1:8081');
    expect(
      nodeUrlFromParams({ value: { host: '', domain: 'node.example', ssl: true, httpPort: 443 } })
    ).toBe('https://node.example:443');
    expect(nodeUrlFromParams({ value: { host: 'evil/path', httpPort: 80 } })).toBeNull();
    expect(nodeUrlFromParams({ value: { host: 'a', httpPort: 0 } })).toBeNull();
    expect(nodeUrlFromParams(null)).toBeNull();
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ PROOFROOM_SENTINEL_CONFIDENCE: '1' }, /PROOFROOM_SENTINEL_CONFIDENCE/],
      [{ PROOFROOM_SENTINEL_BAD_FRACTION: 'x' }, /PROOFROOM_SENTINEL_BAD_FRACTION/],
      [{ PROOFROOM_SENTINEL_SAMPLE_RULE: 'guess' }, /formula or exact/],
      [{ PROOFROOM_STORAGE_URLS: 'http://a:1' }, /at least two/],
      [{ PROOFROOM_STORAGE_URLS: 'ftp://a,http://b' }, /http\(s\) URL/],
      [{ PROOFROOM_SENTINEL_NODES: '1' }, /at least 2/],
      [{ PROOFROOM_SENTINEL_RATE: '-3' }, /PROOFROOM_SENTINEL_RATE/],
      [{ PROOFROOM_SENTINEL_WEBHOOK_URL: 'nope' }, /WEBHOOK_URL/],
    ];
    for (const [env, msg] of bad) {
      expect(() => loadSentinelConfig(env)).toThrow(ConfigError);
      expect(() => loadSentinelConfig(env)).toThrow(msg);
    }
    const ok = loadSentinelConfig({ PROOFROOM_DATA_DIR: '/d' });
    expect(ok.keyFile).toBe('/d/sentinel/key');
    expect(ok.evidenceDir).toBe('/d/sentinel/evidence');
    expect(ok.storageUrls).toBeNull();
    expect(loadSentinelConfig({ PROOFROOM_SENTINEL_EVIDENCE_DIR: 'off' }).evidenceDir).toBeNull();
  });

  it('keeps its key in a 0600 file, created once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pr-key-'));
    try {
      const file = path.join(dir, 'sub', 'key');
      const [a, b] = await Promise.all([loadOrCreateKey(file), loadOrCreateKey(file)]);
      expect(a.key.id).toBe(b.key.id);
      expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
      expect((await loadOrCreateKey(file)).created).toBe(false);
      const { statSync } = await import('node:fs');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      writeFileSync(file, 'not a key\n');
      await expect(loadOrCreateKey(file)).rejects.toThrow(/64 hex digits/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(legs)('sentinel on %s', (leg) => {
  let ix: IndexedDevnet;
  let pool: pg.Pool;
  const tmp = mkdtempSync(path.join(tmpdir(), `pr-sentinel-${leg}-`));

  beforeAll(async () => {
    // All twelve faults; the storage ones: node 1 serves the first era's first payload with a
    // byte flipped, node 2 answers 404 for it. 240 records, 10 per batch, over 2 eras.
    ix = await indexDevnet(leg, { records: 240 });
    await ix.waitForHead();
    pool = new pg.Pool({ connectionString: ix.url, max: 4 });
  }, 180_000);

  afterAll(async () => {
    await pool?.end();
    await ix?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('catches the tampered and the missing payload on the faulty nodes only; the evidence verifies offline', async () => {
    const urls = ix.devnet.storageUrls;
    const evidenceDir = path.join(tmp, 'evidence');
    const events: SentinelEvent[] = [];
    const metrics = new SentinelMetrics();
    const key = keyFromSecret(randomBytes(32));
    const s = new Sentinel(
      options(pool, urls, { key, evidenceDir, metrics, onEvent: (e) => events.push(e) })
    );
    const results = await s.runOnce();
    // Every era whose ClusterEraPaid is in a final block gets a round, seeded by that block.
    const finalized = (await pool.query(`SELECT finalized_height AS h FROM indexer_status`)).rows[0]
      .h as number;
    // Both clusters' paid eras, in the order of roundsOf (era, then the paying block).
    const paidEras = ix.devnet.manifest.eraRounds
      .filter((e) => e.paidAtBlock !== null && e.paidAtBlock <= finalized)
      .sort((a, b) => a.era - b.era || a.paidAtBlock! - b.paidAtBlock!);
    expect(new Set(paidEras.map((e) => e.clusterId)).size).toBe(2);
    const paid = paidEras.length;
    expect(paid).toBeGreaterThan(0);
    expect(results).toHaveLength(paid);
    expect(results.every((r) => r.complete)).toBe(true);

    const faults = new Map<string, { node: string; fault: string }[]>();
    for (const f of ix.devnet.manifest.storage) {
      const list = faults.get(f.payloadHash) ?? [];
      list.push({ node: urls[f.node]!, fault: f.fault });
      faults.set(f.payloadHash, list);
    }
    expect(faults.size).toBeGreaterThan(0);
    const rows = await rowsOf(pool, key.id);
    const rounds = await roundsOf(pool, key.id);
    expect(rounds).toHaveLength(paid);
    let faultedSampled = 0;
    expect(rounds.map((r) => [r.cluster_id, r.era, r.seed_height])).toEqual(
      paidEras.map((e) => [e.clusterId, e.era, e.paidAtBlock])
    );
    for (const round of rounds) {
      const own = rows.filter((r) => r.round_id === round.id);
      expect(own).toHaveLength(round.sample_size * urls.length);
      expect(round.sampled).toBe(round.sample_size);
      expect(round.node_checks).toBe(round.sample_size * urls.length);
      const leavesFailed = new Set(own.filter((r) => !r.ok).map((r) => r.activity_id));
      expect(round.failed).toBe(leavesFailed.size);
      expect(round.lost).toBe(0); // node 0 always serves intact bytes
      await expectSampleFromSeed(pool, round);
    }
    for (const r of rows) {
      const f = faults.get(r.payload_hash)?.find((x) => x.node === r.node_url);
      if (!f) {
        expect({ id: r.activity_id, node: r.node_url, kind: r.kind, ok: r.ok }).toEqual({
          id: r.activity_id,
          node: r.node_url,
          kind: 'ok',
          ok: true,
        });
        continue;
      }
      faultedSampled++;
      if (f.fault === 'tampered') {
        expect([r.kind, r.code]).toEqual(['mismatch', 'HASH_MISMATCH']);
        expect(r.facts.hash).not.toBe(r.facts.expected);
        expect(r.facts.agreesWith).toEqual([]);
        // The node flips the middle byte: the record holding it changed, the others did not.
        const intact = ix.devnet.scenario.payloads.get(r.payload_hash)!;
        const middle = intact.length >> 1;
        let line = 0;
        for (let i = 0; i < middle; i++) if (intact[i] === 0x0a) line++;
        expect({ leaf: r.leaf_index, altered: r.facts.recordAltered }).toEqual({
          leaf: r.leaf_index,
          altered: r.leaf_index === line,
        });
      } else {
        expect([r.kind, r.code]).toEqual(['missing', 'UNAVAILABLE']);
        expect(r.facts.status).toBe(404);
      }
    }
    expect(faultedSampled).toBeGreaterThan(0);

    // Evidence: one file per failure, each verified by `proofroom verify`, the same in the database.
    const failed = rows.filter((r) => !r.ok);
    const files = readdirSync(evidenceDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(failed.length);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    (process.stdout as { write: unknown }).write = (s: string) => (out.push(s), true);
    let codes: number[];
    try {
      codes = [];
      for (const f of files) codes.push(await main(['verify', path.join(evidenceDir, f)]));
    } finally {
      (process.stdout as { write: unknown }).write = write;
    }
    expect(codes.every((c) => c === 0)).toBe(true);
    expect(out.join('')).toContain('EVIDENCE HOLDS');
    for (const r of failed) {
      const ev = parseEvidence(r.evidence);
      expect(ev.ok).toBe(true);
      const report = verifyEvidence((ev as { evidence: Evidence }).evidence, pureBackend);
      expect(report.lines.filter((l) => !l.ok)).toEqual([]);
      expect(report.claim.kind).toBe(r.kind);
      expect(r.facts.evidenceFile).toMatch(/^[^/].*\.json$/); // relative to the evidence folder
      expect(
        JSON.parse(readFileSync(path.join(evidenceDir, String(r.facts.evidenceFile)), 'utf8'))
      ).toEqual(r.evidence);
    }

    // Altered evidence is rejected: the claim, the body, the signer.
    const one = failed.find((r) => r.kind === 'mismatch')!.evidence as Evidence;
    const altered: Array<[string, Evidence]> = [
      ['claim', { ...one, claim: { kind: 'missing', code: 'UNAVAILABLE' } }],
      ['hash', { ...one, expected: { ...one.expected, payloadHash: one.response.hash! } }],
      [
        'body',
        {
          ...one,
          response: {
            ...one.response,
            body: one.response.body!.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
          },
        },
      ],
      ['signer', { ...one, sentinel: keyFromHex('22'.repeat(32)).id }],
    ];
    // A claim the recorded answer does not show is refused on its own line, signature aside.
    expect(
      verifyEvidence(altered[0]![1], pureBackend).lines.find((l) => l.check === 'evidence.claim')
    ).toMatchObject({ ok: false, code: 'CLAIM_UNSUPPORTED' });
    for (const [what, ev] of altered) {
      const file = path.join(tmp, `altered-${what}.json`);
      writeFileSync(file, JSON.stringify(ev));
      (process.stdout as { write: unknown }).write = () => true;
      try {
        expect(await main(['verify', file]), what).toBe(1);
      } finally {
        (process.stdout as { write: unknown }).write = write;
      }
    }
    // The draw: each document's evidence.draw line passed above (proof, seed, leaf in sample).
    // Altered and re-signed by the sentinel itself, so only the draw can fail, it does, with a reason.
    const resign = (body: EvidenceBody, k = key): Evidence => {
      const rest: Record<string, unknown> = { ...body };
      delete rest.signature;
      const b = rest as unknown as EvidenceBody;
      return {
        ...b,
        sentinel: k.id,
        signature: {
          algorithm: 'ed25519',
          signer: k.id,
          value: toHex(k.sign(evidenceSigningBytes({ ...b, sentinel: k.id }))),
        },
      };
    };
    const drawLine = (ev: Evidence) => {
      const rep = verifyEvidence(ev, pureBackend);
      expect(rep.lines.find((l) => l.check === 'evidence.signature')?.ok).toBe(true);
      return rep.lines.find((l) => l.check === 'evidence.draw')!;
    };
    const flipHex = (h: string, at: number): string =>
      h.slice(0, at) + (h[at] === '0' ? '1' : '0') + h.slice(at + 1);
    expect(drawLine(resign(one))).toMatchObject({ ok: true });
    const position = Number(drawLine(resign(one)).facts.position);
    expect(position).toBeLessThan(one.draw.sampleSize);
    const other = keyFromSecret(randomBytes(32));
    const drawCases: Array<[string, Evidence, string]> = [
      // pi: Gamma, c and s each altered
      ['gamma', resign({ ...one, draw: { ...one.draw, proof: flipHex(one.draw.proof, 5) } }), ''],
      ['c', resign({ ...one, draw: { ...one.draw, proof: flipHex(one.draw.proof, 2 + 70) } }), ''],
      ['s', resign({ ...one, draw: { ...one.draw, proof: flipHex(one.draw.proof, 2 + 100) } }), ''],
      // alpha of another block (consistent with draw.blockHash) and alpha not matching the block
      [
        'alpha',
        resign({
          ...one,
          draw: {
            ...one.draw,
            blockHash: flipHex(one.draw.blockHash, 10),
            alpha: toHex(
              drawAlpha(one.subject.clusterId, one.subject.era, flipHex(one.draw.blockHash, 10))!
            ),
          },
        }),
        'SIG_INVALID',
      ],
      [
        'alpha-bytes',
        resign({ ...one, draw: { ...one.draw, alpha: flipHex(one.draw.alpha, 9) } }),
        'ERA_MISMATCH',
      ],
      // another sentinel signing this round's draw as its own
      ['key', resign(one, other), 'SIG_INVALID'],
      [
        'seed',
        resign({ ...one, draw: { ...one.draw, seed: flipHex(one.draw.seed, 3) } }),
        'HASH_MISMATCH',
      ],
      // the leaf is outside a smaller sample, and outside a population without its batch
      [
        'not-sampled',
        resign({ ...one, draw: { ...one.draw, sampleSize: position } }),
        'CLAIM_UNSUPPORTED',
      ],
      [
        'population',
        resign({
          ...one,
          draw: {
            ...one.draw,
            batches: one.draw.batches.filter((b) => b.batchId !== one.subject.batchId),
          },
        }),
        'CLAIM_UNSUPPORTED',
      ],
    ];
    for (const [what, ev, code] of drawCases) {
      const l = drawLine(ev);
      expect(l.ok, what).toBe(false);
      if (code) expect(l.code, what).toBe(code);
      else expect(l.code, what).toBe('SIG_INVALID');
      expect(typeof l.facts.why, what).toBe('string');
    }
    // `proofroom verify` refuses a document whose draw is altered (exit 1), and an old-format one
    // by name (exit 2, UNSUPPORTED_VERSION).
    const errs: string[] = [];
    const errWrite0 = process.stderr.write.bind(process.stderr);
    for (const [what, ev] of [
      ['proof', drawCases[0]![1]],
      ['key', drawCases[5]![1]],
    ] as const) {
      const file = path.join(tmp, `draw-${what}.json`);
      writeFileSync(file, JSON.stringify(ev));
      (process.stdout as { write: unknown }).write = () => true;
      try {
        expect(await main(['verify', file]), what).toBe(1);
      } finally {
        (process.stdout as { write: unknown }).write = write;
      }
    }
    const v1 = path.join(tmp, 'v1.json');
    writeFileSync(v1, JSON.stringify({ ...one, format: 'proofroom/sentinel-evidence/1' }));
    (process.stderr as { write: unknown }).write = (t: string) => (errs.push(t), true);
    try {
      expect(await main(['verify', v1])).toBe(2);
    } finally {
      (process.stderr as { write: unknown }).write = errWrite0;
    }
    expect(errs.join('')).toContain('UNSUPPORTED_VERSION');

    // Hostile evidence text: a malformed document is exit 2, never a crash.
    const hostile = path.join(tmp, 'hostile.json');
    const errWrite = process.stderr.write.bind(process.stderr);
    (process.stderr as { write: unknown }).write = () => true;
    try {
      for (const text of [
        JSON.stringify({ ...one, response: 'x' }),
        JSON.stringify({ ...one, extra: 1 }),
        JSON.stringify({ ...one, anchor: { ...one.anchor, envelope: '0x' + 'ff'.repeat(10_000) } }),
        JSON.stringify({ format: one.format }),
        // a draw stating more leaves than a verifier will hash, and one with no draw at all
        JSON.stringify({ ...one, draw: { ...one.draw, population: 2 ** 40 } }),
        JSON.stringify({ ...one, draw: undefined }),
      ]) {
        writeFileSync(hostile, text);
        expect(await main(['verify', hostile])).toBe(2);
      }
    } finally {
      (process.stderr as { write: unknown }).write = errWrite;
    }
    expect(isEvidence(one)).toBe(true);

    // Metrics and events agree with the rows.
    const text = await metrics.registry.metrics();
    const count = (kind: string): number => rows.filter((r) => r.kind === kind).length;
    for (const kind of ['ok', 'mismatch', 'missing']) {
      const sum = [
        ...text.matchAll(
          new RegExp(`proofroom_sentinel_checks_total\\{node="[^"]+",kind="${kind}"\\} (\\d+)`, 'g')
        ),
      ]
        .map((m) => Number(m[1]))
        .reduce((a, b) => a + b, 0);
      expect(sum, kind).toBe(count(kind));
    }
    expect(events.filter((e) => e.type === 'failure')).toHaveLength(failed.length);
    expect(events.filter((e) => e.type === 'round-complete')).toHaveLength(paid);

    // A second pass finds nothing left to do.
    expect(await s.runOnce()).toEqual([]);
    expect(await rowsOf(pool, key.id)).toHaveLength(rows.length);

    // A restarted sentinel's gauges say at once what the database holds, before any new round.
    const restarted = new SentinelMetrics();
    await new Sentinel(options(pool, urls, { key, metrics: restarted })).runOnce();
    const gauges = await restarted.registry.metrics();
    const newest = rounds.at(-1)!;
    const gauge = (name: string): number =>
      Number(new RegExp(`${name}\\{cluster="${newest.cluster_id}"\\} (\\S+)`).exec(gauges)?.[1]);
    expect(gauge('proofroom_sentinel_last_era')).toBe(newest.era);
    expect(gauge('proofroom_sentinel_confidence')).toBeCloseTo(newest.confidence, 12);
    expect(gauge('proofroom_sentinel_round_failed_samples')).toBe(newest.failed);
    expect(gauges).toMatch(/proofroom_sentinel_pending_eras 0\n/);
  }, 120_000);

  it('records slow and hostile nodes as timeouts and errors within the timeout, never hanging', async () => {
    const hostile: Server[] = [];
    const serve = async (
      handler: (req: IncomingMessage, res: ServerResponse) => void
    ): Promise<string> => {
      const srv = createServer(handler);
      hostile.push(srv);
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
      return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    };
    const payloads = ix.devnet.scenario.payloads;
    const slow = await startStorageNodes(1, (h) => payloads.get(h), [], { defaultDelayMs: 5000 });
    try {
      const garbage = await serve((_q, res) => res.end(randomBytes(2000)));
      const huge = await serve((_q, res) => {
        res.setHeader('content-length', String(50 * 1024 * 1024));
        res.write(Buffer.alloc(1024));
      });
      const chunked = await serve((_q, res) => {
        // No length announced: the cap must hold on the bytes themselves.
        const chunk = Buffer.alloc(64 * 1024, 1);
        let sent = 0;
        const pump = (): void => {
          while (sent < 4 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
          if (sent < 4 * 1024 * 1024) res.once('drain', pump);
          else res.end();
        };
        pump();
      });
      const reset = await serve((req) => req.socket.destroy());
      const broken = await serve((_q, res) => {
        res.statusCode = 500;
        res.end('{"error":"boom"}');
      });
      const trickle = await serve((_q, res) => {
        res.setHeader('content-length', '100');
        res.write('x');
        // then nothing: headers arrived, the body never completes
      });
      const honest = ix.devnet.storageUrls[0]!;
      const urls = [honest, slow.urls[0]!, garbage, huge, chunked, reset, broken, trickle];
      const timeoutMs = 400;
      const key = keyFromSecret(randomBytes(32));
      const s = new Sentinel(
        options(pool, urls, { key, timeoutMs, maxPayloadBytes: 1024 * 1024, concurrency: 4 })
      );
      const t0 = performance.now();
      await s.runOnce();
      const ms = performance.now() - t0;
      const rows = await rowsOf(pool, key.id);
      const rounds = await roundsOf(pool, key.id);
      const batches = new Set(rows.map((r) => r.batch_id)).size;
      // Each batch costs at most one timeout; four run at once.
      expect(ms).toBeLessThan((Math.ceil(batches / 4) + 2) * (timeoutMs + 300) + 5000);
      const by = (u: string) => rows.filter((r) => r.node_url === u);
      const faulted = new Set(ix.devnet.manifest.storage.map((f) => f.payloadHash));
      expect(by(honest).every((r) => r.kind === 'ok')).toBe(true);
      for (const r of by(slow.urls[0]!)) {
        expect([r.kind, r.code]).toEqual(['timeout', 'UNAVAILABLE']);
        expect(r.latency_ms).toBeGreaterThanOrEqual(timeoutMs - 5);
        expect(r.latency_ms).toBeLessThan(timeoutMs + 1500);
      }
      for (const r of by(trickle)) expect(r.kind).toBe('timeout');
      for (const r of by(garbage)) expect([r.kind, r.code]).toEqual(['mismatch', 'HASH_MISMATCH']);
      for (const r of [...by(huge), ...by(chunked)])
        expect([r.kind, r.code]).toEqual(['error', 'TOO_LARGE']);
      for (const r of by(reset)) expect([r.kind, r.code]).toEqual(['error', 'UNAVAILABLE']);
      for (const r of by(broken)) {
        expect([r.kind, r.code]).toEqual(['error', 'UNAVAILABLE']);
        expect(r.facts.status).toBe(500);
      }
      for (const round of rounds) {
        expect(round.status).toBe('complete');
        expect(round.lost).toBe(0);
        expect(round.failed).toBe(round.sampled); // every leaf failed on some hostile node
      }
      for (const r of rows.filter((x) => !x.ok)) {
        const ev = parseEvidence(r.evidence);
        expect(ev.ok, JSON.stringify(ev).slice(0, 300)).toBe(true);
        const rep = verifyEvidence((ev as { evidence: Evidence }).evidence, pureBackend);
        expect(
          rep.ok,
          `${r.node_url} ${r.kind}: ${JSON.stringify(rep.lines.filter((l) => !l.ok))}`
        ).toBe(true);
      }
      expect(rows.some((r) => faulted.has(r.payload_hash))).toBe(true);
    } finally {
      for (const srv of hostile) {
        srv.closeAllConnections();
        srv.close();
      }
      await slow.close();
    }
  }, 120_000);

  it('resumes after kill -9 in the middle of a round without losing or double-counting a check', async () => {
    const keyHex = randomBytes(32).toString('hex');
    const key = keyFromHex(keyHex);
    const env = {
      ...process.env,
      PROOFROOM_SENTINEL_KEY: keyHex,
      PROOFROOM_DATA_DIR: path.join(tmp, 'data-kill'),
      NO_COLOR: '1',
    };
    const args = [
      path.join(ROOT, 'cli/proofroom.mjs'),
      'sentinel',
      '--database',
      ix.url,
      '--storage',
      ix.devnet.storageUrls.join(','),
      '--evidence-dir',
      'off',
      '--concurrency',
      '1',
      // Sample every leaf (the bound exceeds each era's population), so the rounds reach the
      // faulty payloads whatever the random key draws, and the run must exit 1.
      '--bad-fraction',
      '0.001',
    ];
    const child = spawn(process.execPath, [...args, '--rate', '25'], { env, stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const t0 = Date.now();
    // Kill while a round is open with some, not all, of its checks written. Counting rows alone
    // was not enough: a round's checks land batch by batch, and a count could first be reached
    // just after a round completed, the kill then falling before the next round wrote anything.
    for (;;) {
      const open = await pool.query(
        `SELECT s.id FROM sentinel_round s
          WHERE s.sentinel = $1 AND s.status = 'sampling'
            AND (SELECT count(*) FROM sentinel_check c WHERE c.round_id = s.id)
                BETWEEN 1 AND s.sample_size * $2 - 1`,
        [key.id, ix.devnet.storageUrls.length]
      );
      if (open.rows.length > 0) break;
      if (Date.now() - t0 > 60_000) throw new Error(`no round caught half-way: ${output}`);
      await sleep(20);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = await rowsOf(pool, key.id);
    const roundsBefore = await roundsOf(pool, key.id);
    expect(roundsBefore.some((r) => r.status === 'sampling')).toBe(true);

    const again = spawn(process.execPath, [...args, '--once', '--rate', '0'], {
      env,
      stdio: 'pipe',
    });
    let out2 = '';
    again.stdout.on('data', (d: Buffer) => (out2 += d.toString()));
    again.stderr.on('data', (d: Buffer) => (out2 += d.toString()));
    const code = await new Promise<number | null>((r) => again.once('exit', r));
    // Exit 1 when a round of this run failed a check (the faulty nodes' payloads), 0 when the
    // round that holds them was finished before the kill: which one came first depends on the
    // order of the two clusters' rounds.
    const failedHere = [...out2.matchAll(/complete\. .*?, (\d+) failed/g)].some(
      (m) => m[1] !== '0'
    );
    expect(code, out2).toBe(failedHere ? 1 : 0);
    expect(out2).toMatch(/checked before a restart/);

    const after = await rowsOf(pool, key.id);
    const rounds = await roundsOf(pool, key.id);
    // Over both runs, the faulty nodes' payloads failed their checks.
    expect(after.some((r) => !r.ok)).toBe(true);
    // The rows written before the kill are still there, unchanged.
    const byId = new Map(after.map((r) => [r.id, r]));
    for (const r of before) expect(byId.get(r.id)).toEqual(r);
    for (const round of rounds) {
      const own = after.filter((r) => r.round_id === round.id);
      const leaves = new Set(own.map((r) => r.activity_id));
      expect(leaves.size).toBe(round.sample_size);
      expect(own).toHaveLength(round.sample_size * ix.devnet.storageUrls.length);
      expect(round.sampled).toBe(round.sample_size);
      expect(round.failed).toBe(new Set(own.filter((r) => !r.ok).map((r) => r.activity_id)).size);
      await expectSampleFromSeed(pool, round);
    }
  }, 120_000);

  it('keeps running figures equal to a recount of the rows while batches are written at once, a leaf split across writes', async () => {
    const store = new SentinelStore(pool);
    const target = { d: 0.99, p: 0.01, rule: 'formula' } as const;
    const population = 400;
    const id = `running-${leg}-${randomBytes(4).toString('hex')}`;
    await store.openRound(
      {
        id,
        clusterId: '0x' + '44'.repeat(20),
        era: 9,
        sentinel: keyFromSecret(randomBytes(32)).id,
        seedHeight: 1,
        seedHash: '0x' + '55'.repeat(32),
        vrfAlpha: '0x' + '66'.repeat(82),
        vrfProof: '0x' + '77'.repeat(80),
        seed: '0x' + '88'.repeat(64),
        population,
        batches: 20,
        sampleSize: 100,
      },
      target,
      3
    );
    const nodes = ['http://node-a:1', 'http://node-b:2', 'http://node-c:3'];
    const row = (activityId: string, node: string, kind: CheckKind): CheckRow => {
      const [batchId, leaf] = activityId.split(':');
      return {
        batchId: batchId!,
        activityId,
        leafIndex: Number(leaf),
        payloadHash: '0x' + '77'.repeat(32),
        nodeUrl: node,
        checkedAt: new Date(),
        kind,
        code: kind === 'ok' ? null : 'UNAVAILABLE',
        latencyMs: 1,
        facts: {},
        evidence: null,
      };
    };
    // 16 batches of 5 leaves, every node in one write: mostly ok, some failed, some lost.
    const kinds: CheckKind[] = ['ok', 'ok', 'ok', 'mismatch', 'ok', 'missing', 'timeout', 'error'];
    const writes: CheckRow[][] = Array.from({ length: 16 }, (_, b) =>
      Array.from({ length: 5 }, (_, l) =>
        nodes.map((n, k) => row(`b${b}:${l}`, n, kinds[(b * 5 + l * 3 + k * (b % 3)) % 8]!))
      ).flat()
    );
    // Leaves split across two writes, as after a restart or with a second writer of the round:
    // s:0 ok on a, then failed on b (ok → failed); s:1 missing on a, then ok on b (lost → not
    // lost); s:2 on a and b, then b again and c (one row of the second write already there).
    const first = [row('s:0', nodes[0]!, 'ok'), row('s:1', nodes[0]!, 'missing')];
    const second = [
      row('s:0', nodes[1]!, 'mismatch'),
      row('s:0', nodes[2]!, 'ok'),
      row('s:1', nodes[1]!, 'ok'),
      row('s:2', nodes[1]!, 'timeout'),
      row('s:2', nodes[2]!, 'ok'),
    ];
    const third = [row('s:2', nodes[0]!, 'ok'), row('s:2', nodes[1]!, 'error')];

    // One split write alone first: the running figures hold a partial leaf exactly.
    expect((await store.recordChecks(id, first, target, population)).inserted).toBe(2);
    let f = await figuresAndRecount(pool, id);
    expect(f.stored).toEqual(f.recount);

    // Then everything at once (4 connections), each write also sent twice (nothing inserted the
    // second time), the other halves of the split leaves among them.
    const all = [...writes, second, third, ...writes.slice(0, 4), first];
    const results = await Promise.all(
      all.map((w) => store.recordChecks(id, w, target, population))
    );
    const distinct = new Set(
      [...writes.flat(), ...first, ...second, ...third].map((r) => `${r.activityId} ${r.nodeUrl}`)
    );
    expect(2 + results.reduce((s, r) => s + r.inserted, 0)).toBe(distinct.size);
    f = await figuresAndRecount(pool, id);
    expect(f.stored).toEqual(f.recount);
    expect(f.stored.sampled).toBe(16 * 5 + 3);
    expect(f.stored.node_checks).toBe(distinct.size);
    expect(f.stored.failed).toBeGreaterThan(0);
    expect(f.stored.lost).toBeGreaterThan(0);
    // The leaf split as ok then failed, and the one lost then served, counted as they end up.
    const leaf = async (a: string): Promise<boolean[]> =>
      (
        await pool.query(
          `SELECT ok FROM sentinel_check WHERE round_id = $1 AND activity_id = $2 ORDER BY node_url`,
          [id, a]
        )
      ).rows.map((x) => Boolean(x.ok));
    expect(await leaf('s:0')).toEqual([true, false, true]);
    expect(await leaf('s:1')).toEqual([false, true]);
    expect(await leaf('s:2')).toEqual([true, false, true]);

    // The writes returned figures as they stood when each committed: the last has them all.
    const last = results.reduce((a, b) => (b.figures.nodeChecks > a.figures.nodeChecks ? b : a));
    expect(last.figures.nodeChecks).toBe(distinct.size);
    // The full recount the round ends with finds nothing to correct.
    const recounted = await store.recount(id, target, population);
    expect(recounted).toEqual(last.figures);
    expect((await figuresAndRecount(pool, id)).stored).toEqual(f.stored);
    expect(recounted.confidence).toBeCloseTo(confidenceAchieved(population, 83, 0.01), 12);
    expect(recounted.badBound).toBe(badUpperBound(population, 83, recounted.failed, 0.99));
  }, 60_000);

  it('delivers each failure to the webhook once it answers 2xx, with retries, backoff and across a restart', async () => {
    const attempts = new Map<string, number[]>();
    const bodies = new Map<string, any>();
    const failFirst = 2;
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const id = String(req.headers['x-proofroom-delivery']);
        const list = attempts.get(id) ?? [];
        list.push(Date.now());
        attempts.set(id, list);
        bodies.set(id, JSON.parse(body));
        res.statusCode = list.length <= failFirst ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    try {
      // First run: the webhook points at a closed port, so every notice stays pending.
      const key = keyFromSecret(randomBytes(32));
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
      const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
      await new Promise<void>((r) => closed.close(() => r()));
      const urls = ix.devnet.storageUrls;
      const first = new Sentinel(
        options(pool, urls, {
          key,
          // A long backoff: the refused notices are not retried before this sentinel stops.
          webhook: { url: deadUrl, attempts: 10, timeoutMs: 1000, backoffMs: 30_000 },
        })
      );
      await first.runOnce();
      const failed = (await rowsOf(pool, key.id)).filter((r) => !r.ok);
      expect(failed.length).toBeGreaterThan(0);
      // Every notice is still pending after at least one refused attempt (batches that failed
      // early may have had a retry already).
      const before = new Map<string, number>(
        (
          await pool.query(
            `SELECT c.id, c.notify_attempts FROM sentinel_check c
               JOIN sentinel_round s ON s.id = c.round_id
              WHERE s.sentinel = $1 AND NOT c.ok AND c.notified_at IS NULL`,
            [key.id]
          )
        ).rows.map((x) => [String(x.id), Number(x.notify_attempts)])
      );
      expect([...before.keys()].sort()).toEqual(failed.map((r) => r.id).sort());
      for (const n of before.values()) expect(n).toBeGreaterThanOrEqual(1);

      // "Restart": a new sentinel with the same key and a working webhook delivers them all.
      const events: SentinelEvent[] = [];
      const second = new Sentinel(
        options(pool, urls, {
          key,
          webhook: { url: hookUrl, attempts: 10, timeoutMs: 1000, backoffMs: 40 },
          onEvent: (e) => events.push(e),
        })
      );
      second.start();
      const t0 = Date.now();
      for (;;) {
        const left = await pool.query(
          `SELECT count(*)::int AS n FROM sentinel_check c JOIN sentinel_round s ON s.id = c.round_id
            WHERE s.sentinel = $1 AND NOT c.ok AND c.notified_at IS NULL`,
          [key.id]
        );
        if (left.rows[0].n === 0) break;
        if (Date.now() - t0 > 60_000) throw new Error('webhook notices not delivered');
        await sleep(50);
      }
      await second.stop();
      expect([...attempts.keys()].sort()).toEqual(failed.map((r) => r.id).sort());
      for (const [id, times] of attempts) {
        expect(times, id).toHaveLength(3); // two 500s, then 204
        // Backoff: the second wait is longer than the first (40 ms, then 80 ms, ±20 % jitter).
        expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(25);
        expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(55);
        const body = bodies.get(id);
        expect(body.type).toBe('proofroom.sentinel.failure');
        const ev = parseEvidence(body.evidence);
        expect(ev.ok).toBe(true);
        expect(verifyEvidence((ev as { evidence: Evidence }).evidence, pureBackend).ok).toBe(true);
      }
      const rows = await rowsOf(pool, key.id);
      for (const r of rows.filter((x) => !x.ok)) {
        const x = (
          await pool.query(`SELECT notify_attempts FROM sentinel_check WHERE id = $1`, [r.id])
        ).rows[0];
        expect(x.notify_attempts).toBe(before.get(r.id)! + 3); // the refused ones, 500, 500, 204
      }
      expect(
        events.filter((e) => 'kind' in e && e.kind === 'webhook' && e.type === 'delivered')
      ).toHaveLength(failed.length);
    } finally {
      hook.closeAllConnections();
      hook.close();
    }
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------

describe('the VRF migration (1764400000000-sentinel-vrf)', () => {
  it('keeps complete commit-reveal rounds, drops unfinished ones with their checks, and reverts', () =>
    withTestDatabase(legs[0]!, async ({ url }) => {
      await migrate(url);
      // The VRF migration and those after it: undone together, run again together.
      const sinceVrf = await undoMigrationsFrom(url, 'SentinelVrf1764400000000');
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        // Two rounds as the commit-reveal sentinel left them: one complete, one still sampling.
        for (const [id, status, seed] of [
          ['old-done', 'complete', '0x' + '01'.repeat(32)],
          ['old-open', 'sampling', null],
        ] as const) {
          await pool.query(
            `INSERT INTO sentinel_round (id, cluster_id, era, sentinel, seed_height, seed_hash,
               seed_commitment, seed, population, batches, sample_size, target_confidence,
               target_bad_fraction, sample_rule, nodes, confidence, bad_bound, status)
             VALUES ($1, '0x' || repeat('22', 20), 1, '0x' || repeat('aa', 32), 5,
               '0x' || repeat('33', 32), '0x' || repeat('44', 32), $3, 10, 1, 5, 0.99, 0.01,
               'exact', 2, 0.5, 10, $2)`,
            [id, status, seed]
          );
          await pool.query(
            `INSERT INTO sentinel_check (payload_hash, node_url, ok, round_id, activity_id)
             VALUES ('0x01', 'http://n', true, $1, '5-1:0')`,
            [id]
          );
        }
        expect(await migrate(url)).toEqual(sinceVrf);
        const rounds = (
          await pool.query(
            `SELECT id, seed_commitment, seed, vrf_alpha, vrf_proof FROM sentinel_round ORDER BY id`
          )
        ).rows;
        expect(rounds).toEqual([
          {
            id: 'old-done',
            seed_commitment: '0x' + '44'.repeat(32),
            seed: '0x' + '01'.repeat(32),
            vrf_alpha: null,
            vrf_proof: null,
          },
        ]);
        const checks = (await pool.query(`SELECT round_id FROM sentinel_check`)).rows;
        expect(checks).toEqual([{ round_id: 'old-done' }]);
        // A VRF round has no commitment; reverting drops it and restores NOT NULL.
        await pool.query(
          `INSERT INTO sentinel_round (id, cluster_id, era, sentinel, seed_height, seed_hash,
             vrf_alpha, vrf_proof, seed, population, batches, sample_size, target_confidence,
             target_bad_fraction, sample_rule, nodes, confidence, bad_bound, status)
           VALUES ('new', '0x' || repeat('22', 20), 2, '0x' || repeat('aa', 32), 9,
             '0x' || repeat('55', 32), '0x01', '0x02', '0x03', 10, 1, 5, 0.99, 0.01, 'exact', 2,
             0.5, 10, 'sampling')`
        );
      } finally {
        await pool.end();
      }
      await undoMigrationsFrom(url, 'SentinelVrf1764400000000');
      const after = new pg.Pool({ connectionString: url, max: 1 });
      try {
        expect((await after.query(`SELECT id FROM sentinel_round`)).rows).toEqual([
          { id: 'old-done' },
        ]);
      } finally {
        await after.end();
      }
    }));
});

// ---------------------------------------------------------------------------------------------

describe('sentinel over a long honest scenario', () => {
  it('never blames an honest node', async () => {
    const leg = legs.includes('postgres') ? 'postgres' : 'pglite';
    const ix = await indexDevnet(leg, {
      seed: 'sentinel-long',
      records: 1500,
      eras: 6,
      recordsPerBatch: 10,
      faults: [],
    });
    const pool = new pg.Pool({ connectionString: ix.url, max: 4 });
    try {
      await ix.waitForHead();
      // d = 0.999, p = 0.005: about 3/4 of every era is sampled.
      const k = keyFromSecret(randomBytes(32));
      const s = new Sentinel(
        options(pool, ix.devnet.storageUrls, {
          key: k,
          target: { d: 0.999, p: 0.005, rule: 'exact' },
        })
      );
      const results = await s.runOnce();
      // Six eras in each of the two clusters.
      expect(results).toHaveLength(12);
      expect(results).toHaveLength(ix.devnet.manifest.eraRounds.length);
      const key = k.id;
      const rows = await rowsOf(pool, key);
      expect(rows.length).toBeGreaterThan(3 * 1000);
      expect(rows.filter((r) => !r.ok)).toEqual([]);
      for (const round of await roundsOf(pool, key)) {
        // Four batches are written at once: the figures must count every one of them.
        expect(round.sampled).toBe(round.sample_size);
        expect(round.node_checks).toBe(round.sample_size * ix.devnet.storageUrls.length);
        expect(round.failed).toBe(0);
        expect(round.confidence).toBeGreaterThanOrEqual(0.999);
        expect(round.confidence).toBeCloseTo(
          confidenceAchieved(round.population, round.sampled, 0.005),
          12
        );
      }
    } finally {
      await pool.end();
      await ix.close();
    }
  }, 240_000);
});
