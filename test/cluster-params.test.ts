/**
 * A governance change of a cluster's protocol parameters, end to end: `DdcClustersGov`'s
 * `update_cluster_protocol` runs in a block's initialization, writes
 * `DdcClusters.ClustersGovParams(cluster_id)` and emits `DdcClusters.ClusterProtocolParamsSet`
 * (docs/cere-runtimes.md §4.2-§4.3). The devnet chain makes such a block with `BlockSpec.storage`:
 *
 * - @polkadot/api reads the value the block wrote, in each runtime's layout (ten `unit_per_*`
 *   fields before 73177, fourteen `cost_per_*` + `customer_deposit_contract` from 73177);
 * - it is part of the state trie: read proofs verify against the header's state root,
 *   `state_getKeysPaged` lists the key;
 * - it persists in every descendant until changed or deleted, and a sibling fork does not see it;
 * - the real indexer, served this chain, stores a `cluster_protocol_params` row at the height of
 *   each change (read from storage at that block), next to the one `create_cluster` gave, and a
 *   change whose storage holds nothing becomes a `chain.decode` line on its event;
 * - the mapping's storage read turns an unknown layout or an absent value into that line too; a
 *   read the node does not answer fails the batch (retried), never a line.
 */
import { ApiPromise, WsProvider } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltBlock, Chain, encodeStorageWrite } from '../devnet/chain.ts';
import type { BlockSpec, EventSpec, ExtrinsicSpec, StorageWrite } from '../devnet/chain-types.ts';
import { identity } from '../devnet/keys.ts';
import { cereChainRuntimes } from '../devnet/metadata.ts';
import { type RpcServer, startRpcServer } from '../devnet/rpc-server.ts';
import {
  type IBlock,
  Ingest,
  mapBlock,
  readClusterParams,
  resolveParamsReads,
} from '../indexer/mapping.ts';
import { Supervisor } from '../indexer/supervisor.ts';
import { parseHex, toHex } from '../verifier/bytes.ts';
import { readStorageProof } from '../verifier/trie.ts';
import { type TestDatabase, createTestDatabase, databaseLegs } from './helpers/databases.ts';

const GENESIS_TS = 1_760_000_000_000;
const ITEM = 'DdcClusters.ClustersGovParams';
const CLUSTER = '0x' + 'c1'.repeat(20);
/** A cluster whose governance event comes with no storage write (the indexer's read finds none). */
const GHOST = '0x' + 'c2'.repeat(20);
const manager = identity('cluster-params-test', 'manager', 'sr25519');
const PERCENT = 10n ** 16n; // Perquintill: 10^18 is 100 %

const shares = (t: bigint, v: bigint, r: bigint) => ({
  treasuryShare: t * PERCENT,
  validatorsShare: v * PERCENT,
  clusterReserveShare: r * PERCENT,
  storageBondSize: 10n ** 13n,
  storageChillDelay: 100,
  storageUnbondingDelay: 200,
});
/** Ten-field layout (73047, 73160). */
const INITIAL = {
  ...shares(1n, 2n, 3n),
  unitPerMbStored: 10n,
  unitPerMbStreamed: 20n,
  unitPerPutRequest: 30n,
  unitPerGetRequest: 40n,
};
const GOV_1 = {
  ...shares(4n, 5n, 6n),
  unitPerMbStored: 11n,
  unitPerMbStreamed: 21n,
  unitPerPutRequest: 31n,
  unitPerGetRequest: 41n,
};
/** Fourteen-field layout (73177). */
const GOV_2 = {
  ...shares(7n, 8n, 9n),
  costPerMbStored: 12n,
  costPerMbStreamed: 22n,
  costPerPutRequest: 32n,
  costPerGetRequest: 42n,
  costPerGpuUnit: 52n,
  costPerCpuUnit: 62n,
  costPerRamUnit: 72n,
  customerDepositContract: '0x' + 'dd'.repeat(32),
};

const paramsSet = (clusterId: string): EventSpec => ({
  pallet: 'DdcClusters',
  name: 'ClusterProtocolParamsSet',
  args: { clusterId },
});

/** `create_cluster` (73047 layout) signed by the manager, with the events Cere emits. */
function createCluster(): ExtrinsicSpec {
  return {
    call: {
      pallet: 'DdcClusters',
      name: 'create_cluster',
      args: {
        clusterId: CLUSTER,
        clusterReserveId: '0x' + 'ee'.repeat(32),
        clusterParams: {
          nodeProviderAuthContract: undefined,
          erasureCodingRequired: 4,
          erasureCodingTotal: 6,
          replicationTotal: 3,
        },
        initialProtocolParams: INITIAL,
      },
    },
    signer: manager,
    events: [
      { pallet: 'DdcClusters', name: 'ClusterCreated', args: { clusterId: CLUSTER } },
      paramsSet(CLUSTER),
    ],
  };
}

function at(height: number, more: Partial<BlockSpec> = {}): BlockSpec {
  return { timestamp: GENESIS_TS + height * 6000, extrinsics: [], ...more };
}

/** The value of `key` at `b`, checked with a read proof against the header's state root. */
function provenValue(chain: Chain, b: BuiltBlock, key: string): string | null {
  const proof = chain.readProof(b.hash, [key])!.map((n) => parseHex(n) as Uint8Array);
  const read = readStorageProof(parseHex(b.header.stateRoot) as Uint8Array, proof, parseHex(key)!);
  if (!read.ok) throw new Error(`no proof of ${key} at #${b.number}`);
  return read.value === null ? null : toHex(read.value);
}

/**
 * The chain: 1 creates the cluster; 2 is a governance change (ten-field value); 3 carries it on;
 * 2' is a sibling of 2 without it; 4 upgrades to 73177 (a runtime upgrade, no migration); 5 (the
 * first block 73177 executes) changes the params again in the new layout; 6 carries them on; 7
 * emits a change for GHOST with no storage write; 8 deletes CLUSTER's value.
 */
interface Built {
  chain: Chain;
  b: BuiltBlock[];
  sibling: BuiltBlock;
  key: string;
  gov1: StorageWrite;
  gov2: StorageWrite;
}

function buildChain(): Built {
  const chain = new Chain({
    ...cereChainRuntimes({ genesis: 73047, upgrades: [{ specVersion: 73177 }] }),
    genesisTimestamp: GENESIS_TS,
    chainName: 'cluster-params-test',
  });
  const b: BuiltBlock[] = [chain.best];
  const add = (spec: BlockSpec): BuiltBlock => {
    const x = chain.build(spec, b.at(-1)!.hash);
    b.push(x);
    return x;
  };
  add(at(1, { extrinsics: [createCluster()] }));
  const gov1 = chain.storageEntry(ITEM, [CLUSTER], GOV_1, b[1]!.hash);
  add(at(2, { initEvents: [paramsSet(CLUSTER)], storage: [gov1] }));
  const sibling = chain.build(at(2, { timestamp: GENESIS_TS + 2 * 6000 + 1 }), b[1]!.hash);
  add(at(3));
  add(at(4, { setCode: 73177 }));
  const gov2 = chain.storageEntry(ITEM, [CLUSTER], GOV_2, b[4]!.hash);
  add(at(5, { initEvents: [paramsSet(CLUSTER)], storage: [gov2] }));
  add(at(6));
  add(at(7, { initEvents: [paramsSet(GHOST)] }));
  add(at(8, { storage: [{ key: gov2.key, value: null }] }));
  chain.setBest(b.at(-1)!.hash);
  chain.setFinalized(b.at(-1)!.hash);
  return { chain, b, sibling, key: gov1.key, gov1, gov2 };
}

describe('BlockSpec.storage in the devnet chain', () => {
  let built: Built;
  let server: RpcServer;
  let api: ApiPromise;

  beforeAll(async () => {
    await cryptoWaitReady();
    built = buildChain();
    server = await startRpcServer({ chain: built.chain });
    api = await ApiPromise.create({ provider: new WsProvider(server.wsUrl), noInitWarn: true });
  }, 60_000);

  afterAll(async () => {
    await api?.disconnect();
    await server?.close();
  });

  it('encodes the entry with the runtime that executes the block', () => {
    const { chain, gov1, gov2, key } = built;
    // Twox64Concat(ClusterId): the key ends with the cluster id itself.
    expect(key.endsWith(CLUSTER.slice(2))).toBe(true);
    expect(gov2.key).toBe(key);
    expect(encodeStorageWrite(chain.runtimes[0]!.runtime, ITEM, [CLUSTER], GOV_1)).toEqual(gov1);
    // 10 fields: 3 × u64 + u128 + 2 × u32 + 4 × u128; 14 fields: 3 × u64 + u128 + 2 × u32 + 7 ×
    // u128 + 32 bytes.
    expect(parseHex(gov1.value!)!.length).toBe(24 + 16 + 8 + 64);
    expect(parseHex(gov2.value!)!.length).toBe(24 + 16 + 8 + 112 + 32);
    expect(() => chain.storageEntry(ITEM, [CLUSTER], GOV_2, built.b[1]!.hash)).toThrow(/Clusters/);
    expect(() => chain.storageEntry('DdcClusters.Nope', [CLUSTER], GOV_1)).toThrow(/no storage/);
    expect(() => chain.storageEntry(ITEM, [], GOV_1)).toThrow(/1 key/);
  });

  it('holds the value from the writing block on, in every descendant, not in a sibling', () => {
    const { chain, b, sibling, key, gov1, gov2 } = built;
    const values = b.map((x) => chain.storageAt(x.hash, key));
    expect(values).toEqual([
      null,
      null,
      gov1.value,
      gov1.value,
      gov1.value,
      gov2.value,
      gov2.value,
      gov2.value,
      null,
    ]);
    expect(chain.storageAt(sibling.hash, key)).toBeNull();
    // Every value (and every absence) is proven against the block's state root.
    for (const x of [...b, sibling]) {
      expect(provenValue(chain, x, key)).toBe(chain.storageAt(x.hash, key));
    }
    // The write is in the state root: 2 and its sibling differ in it, not only in the timestamp.
    expect(b[2]!.header.stateRoot).not.toBe(sibling.header.stateRoot);
  });

  it('lists the key in state_getKeysPaged while it is present', () => {
    const { chain, b, sibling, key } = built;
    const prefix = key.slice(0, 2 + 64);
    expect(chain.keysPaged(b[3]!.hash, prefix, 10)).toEqual([key]);
    expect(chain.keysPaged(sibling.hash, prefix, 10)).toEqual([]);
    expect(chain.keysPaged(b[8]!.hash, prefix, 10)).toEqual([]);
    // Every key of the state, in order, with the written one among them.
    const all = chain.keysPaged(b[6]!.hash, '0x', 1000)!;
    expect(all).toContain(key);
    expect([...all].sort()).toEqual(all);
  });

  it('is what @polkadot/api reads with the metadata of each runtime', async () => {
    const { b, sibling, gov1, gov2 } = built;
    const read = async (x: BuiltBlock, cluster = CLUSTER) => {
      const apiAt = await api.at(x.hash);
      return (await apiAt.query.ddcClusters!.clustersGovParams!(cluster)) as unknown as {
        isSome: boolean;
        unwrap(): { toHex(): string; toJSON(): Record<string, unknown> };
      };
    };
    const at2 = await read(b[2]!);
    expect(at2.isSome).toBe(true);
    expect(at2.unwrap().toHex()).toBe(gov1.value);
    expect(BigInt(at2.unwrap().toJSON().unitPerGetRequest as number)).toBe(41n);
    expect((await read(b[3]!)).unwrap().toHex()).toBe(gov1.value);
    expect((await read(sibling)).isSome).toBe(false);
    expect((await read(b[1]!)).isSome).toBe(false);
    const at6 = (await read(b[6]!)).unwrap();
    expect(at6.toHex()).toBe(gov2.value);
    expect(BigInt(at6.toJSON().costPerRamUnit as number)).toBe(72n);
    expect(at6.toJSON().customerDepositContract).toBe(
      api.createType('AccountId32', GOV_2.customerDepositContract).toString()
    );
    expect((await read(b[8]!)).isSome).toBe(false);
    expect((await read(b[6]!, GHOST)).isSome).toBe(false);
  });

  it('proves the value over state_getReadProof and serves it over state_getStorage', async () => {
    const { b, key, gov2 } = built;
    const x = b[6]!;
    const proof = (await api.rpc.state.getReadProof([key], x.hash)).proof.map((p) => p.toU8a(true));
    const read = readStorageProof(parseHex(x.header.stateRoot)!, proof, parseHex(key)!);
    expect(read.ok && read.value !== null ? toHex(read.value) : null).toBe(gov2.value);
    const raw = await api.rpc.state.getStorage(key, x.hash);
    expect((raw as unknown as { toHex(): string }).toHex()).toContain(gov2.value!.slice(2));
  });

  it('builds the same block from the same spec, and refuses keys the chain computes', () => {
    const { chain, b, gov1 } = built;
    const again = chain.build(
      at(2, { initEvents: [paramsSet(CLUSTER)], storage: [gov1] }),
      b[1]!.hash
    );
    expect(again.hash).toBe(b[2]!.hash);
    // No storage and an empty list are the same block.
    expect(chain.build(at(3, { storage: [] }), b[2]!.hash).hash).toBe(b[3]!.hash);
    const now = chain.storageKeys.now;
    expect(() =>
      chain.build(at(3, { storage: [{ key: now, value: '0x00' }] }), b[2]!.hash)
    ).toThrow(/computes itself/);
    expect(() =>
      chain.build(at(3, { storage: [{ key: chain.blockHashKey(1), value: '0x00' }] }), b[2]!.hash)
    ).toThrow(/computes itself/);
    expect(() =>
      chain.build(at(3, { storage: [{ key: 'zz', value: '0x00' }] }), b[2]!.hash)
    ).toThrow(/0x hex/);
  });

  it('keeps long forks of writes readable (snapshots every 32 writing blocks)', () => {
    const chain = new Chain({
      ...cereChainRuntimes({ genesis: 73177, upgrades: [] }),
      genesisTimestamp: GENESIS_TS,
    });
    const ids = Array.from({ length: 5 }, (_, i) => '0x' + (i + 1).toString(16).padStart(40, '0'));
    let parent = chain.best;
    const expected = new Map<string, string | null>();
    for (let h = 1; h <= 100; h++) {
      const id = ids[h % ids.length]!;
      const w =
        h % 7 === 0
          ? { key: chain.storageEntry(ITEM, [id], null, parent.hash).key, value: null }
          : chain.storageEntry(ITEM, [id], { ...GOV_2, costPerMbStored: BigInt(h) }, parent.hash);
      expected.set(w.key, w.value);
      parent = chain.build(at(h, { storage: [w] }), parent.hash);
    }
    for (const [k, v] of expected) {
      expect(chain.storageAt(parent.hash, k)).toBe(v);
      expect(provenValue(chain, parent, k)).toBe(v);
    }
    const prefix = [...expected.keys()][0]!.slice(0, 2 + 64);
    expect(chain.keysPaged(parent.hash, prefix, 100)).toEqual(
      [...expected]
        .filter(([, v]) => v !== null)
        .map(([k]) => k)
        .sort()
    );
  });
});

describe('the indexer reads governance changes of protocol params from storage', () => {
  it('turns an unknown storage layout into a chain.decode line; a failing read fails the batch', async () => {
    const header = {
      height: 9,
      hash: '0x' + '09'.repeat(32),
      parentHash: '0x' + '08'.repeat(32),
      specVersion: 99_999,
      _runtime: { specVersion: 99_999, checkStorageType: () => false },
    };
    const block: IBlock = {
      header,
      events: [
        {
          index: 0,
          name: 'DdcClusters.ClusterProtocolParamsSet',
          args: { clusterId: CLUSTER },
          block: header,
        },
      ],
      calls: [],
      extrinsics: [],
    };
    // The event itself decodes with a real runtime; its storage read is what fails here.
    const ing = new Ingest();
    ing.paramsReads.push({ id: '9-0', clusterId: CLUSTER, block: header });
    await resolveParamsReads(ing);
    // A node that does not answer is no fact about the chain: the batch fails (and is retried).
    ing.paramsReads.push({ id: '9-1', clusterId: CLUSTER, block: header });
    await expect(
      resolveParamsReads(ing, async () => {
        throw new Error('connection refused');
      })
    ).rejects.toThrow('connection refused');
    expect(ing.count('cluster_protocol_params')).toBe(0);
    expect(ing.subjects.map((s) => [s.kind, s.id, s.lines[0]!.check, s.lines[0]!.code])).toEqual([
      ['event', '9-0', 'chain.decode', 'BAD_ENCODING'],
    ]);
    expect(String(ing.subjects[0]!.lines[0]!.facts.error)).toMatch(
      /layout of DdcClusters.ClustersGovParams at spec version 99999/
    );
    // mapBlock itself stays synchronous and never throws: the event fails to decode here (the stub
    // runtime has no events), which is a line too.
    const ing2 = new Ingest();
    mapBlock(block, true, ing2);
    expect(ing2.subjects.map((s) => s.lines[0]!.check)).toEqual(['chain.decode']);
    expect(typeof readClusterParams).toBe('function');
  });

  it('stores a cluster_protocol_params row per change, read at its block, over RPC', async () => {
    const built = buildChain();
    const server = await startRpcServer({ chain: built.chain });
    const [leg] = await databaseLegs();
    const db: TestDatabase = await createTestDatabase(leg!);
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    let stderr = '';
    const indexer = new Supervisor({
      env: {
        ...process.env,
        PROOFROOM_RPC_URL: server.url,
        DATABASE_URL: db.url,
        PROOFROOM_FROM_BLOCK: '0',
        PROOFROOM_GAR_URL: '',
        PROOFROOM_STORAGE_URLS: '',
        PROOFROOM_HEAD_POLL_MS: '100',
        PROOFROOM_THREADS: '1',
        PROOFROOM_METRICS_PORT: '-1',
      },
      stdio: 'pipe',
      minBackoffMs: 100,
      onStart: (child) => child.stderr?.on('data', (d: Buffer) => (stderr += d.toString())),
    });
    indexer.start();
    try {
      const head = built.chain.best.hash;
      const t0 = Date.now();
      for (;;) {
        const r = await pool
          .query(`SELECT hash FROM indexer_status WHERE id = 'main'`)
          .catch(() => ({ rows: [] as Array<{ hash: string }> }));
        if (r.rows[0]?.hash === head) break;
        if (Date.now() - t0 > 90_000) throw new Error(`indexer did not reach ${head}:\n${stderr}`);
        await new Promise((res) => setTimeout(res, 100));
      }
      const rows = (
        await pool.query(
          `SELECT id, cluster_id, treasury_share::text AS t, validators_share::text AS v,
                  reserve_share::text AS r, pricing, block_height
             FROM cluster_protocol_params ORDER BY block_height`
        )
      ).rows;
      expect(rows.map((r) => [r.cluster_id, r.block_height, r.t, r.v, r.r])).toEqual([
        [CLUSTER, 1, String(1n * PERCENT), String(2n * PERCENT), String(3n * PERCENT)],
        [CLUSTER, 2, String(4n * PERCENT), String(5n * PERCENT), String(6n * PERCENT)],
        [CLUSTER, 5, String(7n * PERCENT), String(8n * PERCENT), String(9n * PERCENT)],
      ]);
      // The governance rows' ids are their events' (phase Initialization: the first index).
      expect(rows[1].id).toBe('2-0');
      expect(rows[2].id).toBe('5-0');
      expect(rows[0].pricing.perMbStored).toBe('10');
      expect(rows[1].pricing.perGet).toBe('41');
      expect(rows[2].pricing).toEqual({
        perMbStored: '12',
        perMbStreamed: '22',
        perPut: '32',
        perGet: '42',
        perCpuMs: '62',
        perGpuUnit: '52',
        perRamUnit: '72',
      });
      // The change for GHOST found nothing in storage: a chain.decode line on its event.
      const lines = (
        await pool.query(
          `SELECT subject_kind, subject_id, check_name, ok, code, facts FROM verification_line
            WHERE check_name = 'chain.decode' ORDER BY subject_id`
        )
      ).rows;
      expect(lines.map((l) => [l.subject_kind, l.subject_id, l.ok, l.code])).toEqual([
        ['event', '7-0', false, 'BAD_ENCODING'],
      ]);
      expect(lines[0].facts.error).toMatch(/holds no value at block 7/);
    } finally {
      await indexer.stop(2000).catch(() => {});
      await pool.end().catch(() => {});
      await server.close();
      await db.drop().catch(() => {});
    }
  }, 120_000);
});
