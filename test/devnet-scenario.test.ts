/**
 * Tests of the devnet's seeded scenario (devnet/scenario.ts): the serial and the worker-thread
 * builds give the same bytes, payloads kept in a directory read back the same, the manifest says
 * what the verifier says for every receipt, and a seed determines everything.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identity } from '../devnet/keys.ts';
import { ManifestIndex } from '../devnet/manifest.ts';
import {
  type BundleChainContext,
  DEVNET_FAULTS,
  type DevnetScenario,
  type DevnetScenarioOptions,
  PRICING,
  PRICING_2,
  GOVERNANCE_ERA,
  SHARES,
  SHARES_2,
  SHARES_2_GOVERNED,
  buildDevnetScenario,
  buildDevnetScenarioAsync,
  describeRuntimes,
  recordCost,
} from '../devnet/scenario.ts';
import { bulkIdentity, clusterIdOf, usageOf } from '../devnet/scenario-records.ts';
import { toHex, utf8 } from '../verifier/bytes.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { canonicalBytes } from '../verifier/jcs.ts';
import { protocolFees } from '../verifier/receipts/payout.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { verifyReceipt } from '../verifier/receipt.ts';
import {
  type RoleSigner,
  deriveRecordId,
  scpRecordLeaf,
  scpSigningBytes,
  signScpRecord,
  signScpRecordCanonical,
} from '../verifier/receipts/scp-record.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'proofroom-scenario-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const context = (sc: DevnetScenario): BundleChainContext => ({
  genesisHash: '0x' + '00'.repeat(32),
  hashAt: (h) => '0x' + h.toString(16).padStart(64, '0'),
  finalizedHeight: sc.blocks.length - sc.finalityLag,
  garUrl: 'http://gar.test',
  storageUrls: ['http://node-0.test', 'http://node-1.test'],
});

const json = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return `bigint:${x}`;
    if (x instanceof Uint8Array) return `bytes:${toHex(x)}`;
    return x;
  });

/** Everything a scenario gives, as text (bundles of every `step`-th record and the last). */
function snapshot(sc: DevnetScenario, step = 1): Record<string, string> {
  const ctx = context(sc);
  const bundles: string[] = [];
  for (let i = 0; i < sc.recordCount; i += step) bundles.push(json(sc.bundle(i, ctx)));
  bundles.push(json(sc.bundle(sc.recordCount - 1, ctx)));
  return {
    blocks: json(sc.blocks),
    fork: json(sc.fork),
    agreements: json(sc.agreements),
    payloads: json([...sc.payloads.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
    manifest: json(sc.manifest),
    storageFaults: json(sc.storageFaults.map((m) => [...m])),
    misc: json([sc.seed, sc.genesisTimestamp, sc.clusterId, sc.finalityLag, sc.recordCount]),
    ids: Array.from({ length: sc.recordCount }, (_, i) => sc.recordId(i)).join(','),
    bundles: bundles.join('\n'),
  };
}

describe('scenario builds', () => {
  const options: DevnetScenarioOptions = {
    records: 3000,
    eras: 3,
    faults: DEVNET_FAULTS,
    recordsPerBatch: 40,
  };
  const serial = buildDevnetScenario(options);
  const expected = snapshot(serial, 7);

  it('are the same serially and on worker threads, in memory or in a payload directory', async () => {
    const parallel = await buildDevnetScenarioAsync({ ...options, parallel: true, threads: 2 });
    expect(snapshot(parallel, 7)).toEqual(expected);
    const dir = tempDir();
    const onDisk = await buildDevnetScenarioAsync({
      ...options,
      parallel: true,
      threads: 2,
      payloadDir: dir,
    });
    expect(onDisk.payloads.dir).toBe(dir);
    // One pack file per worker thread that built a batch.
    expect(readdirSync(dir).length).toBeGreaterThanOrEqual(1);
    expect(readdirSync(dir).length).toBeLessThanOrEqual(2);
    expect(snapshot(onDisk, 7)).toEqual(expected);
    const serialDir = tempDir();
    const serialOnDisk = buildDevnetScenario({ ...options, payloadDir: serialDir });
    expect(readdirSync(serialDir)).toHaveLength(1);
    expect(snapshot(serialOnDisk, 7)).toEqual(expected);
    // Another build into the same directory writes its own pack files.
    buildDevnetScenario({ records: 10, payloadDir: serialDir });
    expect(readdirSync(serialDir)).toHaveLength(2);
    expect(snapshot(serialOnDisk, 7)).toEqual(expected);
  }, 60_000);

  it('keeps payloads in memory unless given a directory, and serves them by hash', () => {
    expect(serial.payloads.dir).toBeNull();
    // Per era (1000 records): cluster 1's 750 records and cluster 2's 250, each in batches of 40.
    expect(serial.payloads.size).toBe((Math.ceil(750 / 40) + Math.ceil(250 / 40)) * 3);
    for (const [hash, bytes] of serial.payloads) {
      expect(toHex(blake2b256(bytes))).toBe(hash);
      expect(serial.payloads.get(hash)).toBe(bytes);
    }
    expect(serial.payloads.get('0x' + '00'.repeat(32))).toBeUndefined();
  });

  it('reports progress batch by batch, up to every record', async () => {
    const seen: number[] = [];
    await buildDevnetScenarioAsync({
      records: 300,
      parallel: true,
      threads: 1,
      onProgress: ({ records, of }) => {
        expect(of).toBe(300);
        seen.push(records);
      },
    });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(300);
    // Per era (150 records): cluster 1's 113 in 3 batches of 50, cluster 2's 37 in one.
    expect(seen).toEqual([50, 100, 113, 150, 200, 250, 263, 300]);
  }, 30_000);
});

describe('the manifest', () => {
  for (const faults of [[], DEVNET_FAULTS]) {
    it(`agrees with the verifier on every receipt (${faults.length} faults)`, () => {
      const sc = buildDevnetScenario({ records: 240, recordsPerBatch: 20, faults });
      const index = new ManifestIndex(sc.manifest);
      const ctx = context(sc);
      const problems: string[] = [];
      let failing = 0;
      for (let i = 0; i < sc.recordCount; i++) {
        const parsed = parseBundle(JSON.parse(JSON.stringify(sc.bundle(i, ctx))));
        if (!parsed.ok) {
          problems.push(`record ${i}: ${parsed.errors.join('; ')}`);
          continue;
        }
        const r = verifyReceipt(parsed.bundle, nodeBackend);
        if (!r.ok) failing++;
        problems.push(
          ...index.diff(
            sc.recordId(i),
            r.lines.map((l) => ({ check: l.check, ok: l.ok, code: l.code ?? null }))
          )
        );
      }
      expect(problems).toEqual([]);
      expect(failing).toBe(sc.manifest.receipts.length);
      if (faults.length === 0) expect(sc.manifest.receipts).toEqual([]);
      else expect(new Set(sc.manifest.receipts.flatMap((r) => r.faults)).size).toBeGreaterThan(5);
    }, 60_000);
  }
});

describe('two clusters', () => {
  const sc = buildDevnetScenario({ records: 240, recordsPerBatch: 20, faults: DEVNET_FAULTS });
  const ctx = context(sc);
  const [c1, c2] = sc.manifest.clusters;
  const hex = (s: { treasury: bigint; validators: bigint; reserve: bigint }) => ({
    treasury: s.treasury.toString(),
    validators: s.validators.toString(),
    reserve: s.reserve.toString(),
  });

  it('are two, each with its own id, nodes, shares and records; every fault is in cluster 1', () => {
    expect(sc.manifest.clusters).toHaveLength(2);
    expect(sc.clusterIds.map(toHex)).toEqual([c1!.clusterId, c2!.clusterId]);
    expect(toHex(sc.clusterId)).toBe(c1!.clusterId);
    expect(c1!.clusterId).toBe(toHex(clusterIdOf('devnet')));
    expect(c2!.clusterId).toBe(toHex(clusterIdOf('devnet', 2)));
    expect(c2!.clusterId).not.toBe(c1!.clusterId);
    expect(c1!.shares).toEqual(hex(SHARES));
    expect(c2!.shares).toEqual(hex(SHARES_2));
    expect(c1!.nodes).toEqual([0, 1, 2]);
    expect(c2!.nodes).toEqual([3, 4]);
    expect(sc.storageFaults).toHaveLength(5);
    expect(c1!.records + c2!.records).toBe(240);
    // A quarter of each era's records (4 eras of 60 with era-not-paid), the last of the era.
    expect(c2!.ranges).toEqual([
      { era: 1, from: 45, to: 60 },
      { era: 2, from: 105, to: 120 },
      { era: 3, from: 165, to: 180 },
      { era: 4, from: 225, to: 240 },
    ]);
    expect(sc.manifest.receipts.length).toBeGreaterThan(0);
    for (const r of sc.manifest.receipts) expect(r.clusterId).toBe(c1!.clusterId);
    // Both clusters' eras are on chain; cluster 2's are all paid, with a quorum, balanced.
    const rounds2 = sc.manifest.eraRounds.filter((r) => r.clusterId === c2!.clusterId);
    expect(rounds2.map((r) => r.era)).toEqual([1, 2, 3, 4]);
    for (const r of rounds2) expect(r).toMatchObject({ paid: true, quorum: true, balanced: true });
    expect(sc.manifest.eraRounds.filter((r) => r.clusterId === c1!.clusterId)).toHaveLength(4);
    for (const r of rounds2) {
      const r1 = sc.manifest.eraRounds.find(
        (x) => x.clusterId === c1!.clusterId && x.era === r.era
      );
      expect(r.specVersion).toBe(r1!.specVersion);
      // Cluster 2's payout of an era comes after cluster 1's (when cluster 1's is paid).
      if (r1!.paidAtBlock !== null) expect(r.paidAtBlock!).toBeGreaterThan(r1!.paidAtBlock);
    }
  });

  it("bundles a cluster 2 record with cluster 2's nodes, shares and pricing", () => {
    for (const range of c2!.ranges) {
      const b = sc.bundle(range.from, ctx);
      expect(b.registration!.clusterId).toBe(c2!.clusterId);
      expect(b.anchor.authority!.clusterId).toBe(c2!.clusterId);
      expect(b.attestation.clusterId).toBe(c2!.clusterId);
      expect(b.anchor.authority!.nodes).toHaveLength(2);
      expect((b.record as { cluster_id: string }).cluster_id).toBe(c2!.clusterId);
      // Governance changes cluster 2's shares at the start of GOVERNANCE_ERA.
      const shares2 = range.era >= GOVERNANCE_ERA ? SHARES_2_GOVERNED : SHARES_2;
      expect(b.conservation.shares).toEqual(hex(shares2));
      // Charged: the era's cluster 2 records at cluster 2's prices (not cluster 1's).
      let at2 = 0n;
      let at1 = 0n;
      for (let i = range.from; i < range.to; i++) {
        at2 += recordCost(usageOf(i), PRICING_2);
        at1 += recordCost(usageOf(i), PRICING);
      }
      expect(BigInt(b.conservation.charged)).toBe(at2);
      expect(at2).not.toBe(at1);
      expect(BigInt(b.conservation.treasuryFees)).toBe(protocolFees(shares2, at2).treasury);
      // Cluster 1's records of the same era are charged at cluster 1's prices.
      const b1 = sc.bundle(range.from - 1, ctx);
      expect(b1.attestation.clusterId).toBe(c1!.clusterId);
      expect(b1.conservation.shares).toEqual(hex(SHARES));
      expect(b1.anchor.authority!.nodes).toHaveLength(3);
    }
  });

  it('clusters: 1 builds cluster 1 alone', () => {
    const one = buildDevnetScenario({ records: 240, recordsPerBatch: 20, clusters: 1 });
    expect(one.manifest.clusters).toHaveLength(1);
    expect(one.clusterIds.map(toHex)).toEqual([c1!.clusterId]);
    expect(one.manifest.clusters[0]!.records).toBe(240);
    expect(one.storageFaults).toHaveLength(3);
    expect(new Set(one.manifest.eraRounds.map((r) => r.clusterId))).toEqual(
      new Set([c1!.clusterId])
    );
  });
});

describe('determinism', () => {
  it('one seed gives one scenario; another seed another', () => {
    const a = snapshot(buildDevnetScenario({ records: 200, seed: 's1', faults: DEVNET_FAULTS }));
    const b = snapshot(buildDevnetScenario({ records: 200, seed: 's1', faults: DEVNET_FAULTS }));
    const c = snapshot(buildDevnetScenario({ records: 200, seed: 's2', faults: DEVNET_FAULTS }));
    expect(b).toEqual(a);
    for (const k of ['blocks', 'agreements', 'payloads', 'manifest', 'ids', 'bundles'])
      expect(c[k], k).not.toEqual(a[k]);
  });
});

describe('building blocks', () => {
  it('signScpRecordCanonical gives signScpRecord and the canonical forms of its record', () => {
    const signers: RoleSigner[] = ['agent', 'orchestrator', 'node'].map((role, k) => {
      const who = identity('scp-test', role, k === 1 ? 'sr25519' : 'ed25519');
      return {
        role,
        algorithm: who.algorithm,
        sign: (m: Uint8Array) => ({ signer: who.publicKey, value: who.sign(m) }),
      };
    });
    const unsigned = {
      type: 'scp.activity',
      version: 0,
      zeta: 'last',
      record_id: 'stale',
      signatures: ['stale'],
      scope: { b: '\u00e9\u{1f600}', a: 'x' },
      usage: { n: 1.5e-7, big: 1e21 },
      a_first: true,
    };
    const s = signScpRecordCanonical(unsigned, signers);
    // The record as signScpRecord made it before it shared one serialisation of the members.
    const base: Record<string, unknown> = { ...unsigned };
    delete base.record_id;
    delete base.signatures;
    const withId = { ...base, record_id: deriveRecordId(base) };
    const reference = {
      ...withId,
      signatures: signers.map((r) => {
        const { signer, value } = r.sign(scpSigningBytes(withId));
        return { role: r.role, algorithm: r.algorithm, signer: toHex(signer), value: toHex(value) };
      }),
    };
    expect(s.record).toEqual(reference);
    expect(signScpRecord(unsigned, signers)).toEqual(reference);
    expect(s.recordId).toBe(s.record.record_id);
    expect(s.recordId).toBe(deriveRecordId(s.record));
    expect(toHex(s.signing)).toBe(toHex(scpSigningBytes(s.record)));
    expect(toHex(s.canonical)).toBe(toHex(canonicalBytes(s.record)));
    expect(toHex(blake2b256(s.canonical))).toBe(toHex(scpRecordLeaf({ ...s.record })));
    expect(Object.keys(s.record)).toEqual([
      'type',
      'version',
      'zeta',
      'scope',
      'usage',
      'a_first',
      'record_id',
      'signatures',
    ]);
  });

  it('bulkIdentity is identity: same keys, same signatures', () => {
    for (const [name, alg] of [
      ['user/0', 'ed25519'],
      ['agent/7', 'ed25519'],
      ['orchestrator/1', 'sr25519'],
    ] as const) {
      const a = identity('bulk', name, alg);
      const b = bulkIdentity('bulk', name, alg);
      expect(toHex(b.publicKey)).toBe(toHex(a.publicKey));
      expect(b.algorithm).toBe(alg);
      const m = utf8(`message for ${name}`);
      expect(toHex(b.sign(m))).toBe(toHex(a.sign(m)));
    }
  });
});

describe('runtimes', () => {
  it('era k is paid under the k-th Cere runtime, and the scenario says so in words', () => {
    const sc = buildDevnetScenario({ records: 40, eras: 4 });
    expect(sc.runtimes.genesis).toBe(73047);
    expect(sc.runtimes.upgrades.map((u) => u.specVersion)).toEqual([73160, 73177]);
    const [a, b] = sc.runtimes.upgrades.map((u) => u.block);
    expect(sc.blocks[a! - 1]!.setCode).toBe(73160);
    expect(sc.blocks[b! - 1]!.setCode).toBe(73177);
    expect(describeRuntimes(sc)).toBe(
      `Cere 73047 → 73160 (block ${a}) → 73177 (block ${b}); eras paid under 73047: 1; 73160: 2; 73177: 3, 4`
    );
    expect(() => buildDevnetScenario({ records: 10, runtimes: [73160, 73047] })).toThrow(
      /must increase/
    );
    expect(() => buildDevnetScenario({ records: 10, runtimes: [73100] })).toThrow(/not one of/);
  });
});
