/**
 * Tests of runtime upgrades in devnet/chain.ts and devnet/rpc-server.ts: a chain whose genesis
 * runtime is spec 73047 upgrades, with a signed `Sudo.sudo(System.set_code)`, to spec 73160, where
 * `DdcClusters.ClusterEraPaid.era_id` becomes an `Option<u32>` (a real layout change). Checked as
 * Substrate has it: the upgrade block N is executed (encoded) by the old runtime but its state
 * holds the new `:code`, so the runtime version and metadata at N are the new ones while
 * `System.LastRuntimeUpgrade` at N is still the old version; N + 1 is the first block of the new
 * runtime. @polkadot/api, which finds a block's runtime at its parent (`api.at(hash)`), decodes
 * every block's events and extrinsics with the right layout and verifies the signatures with the
 * right spec version; forks run the runtime of their own parent; invalid upgrades are refused.
 */
import { ApiPromise, WsProvider } from '@polkadot/api';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  Chain,
  DEVNET_SUDO,
  WELL_KNOWN_KEYS,
  type BuiltBlock,
  type ChainOptions,
  type RuntimeVersion,
} from '../devnet/chain.ts';
import type { BlockSpec, ExtrinsicSigner, ExtrinsicSpec } from '../devnet/chain-types.ts';
import { identity } from '../devnet/keys.ts';
import { devnetMetadata, variantRuntimeVersion } from '../devnet/metadata.ts';
import { startRpcServer, type RpcServer } from '../devnet/rpc-server.ts';
import { compactU, concatBytes, parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { readStorageProof } from '../verifier/trie.ts';

const GENESIS_TS = 1_760_000_000_000;
const OLD = { specVersion: 73047 };
const NEW = {
  specVersion: 73160,
  optionFields: [['DdcClusters', 'ClusterEraPaid', 'era_id']] as const,
};
const oldMetadata = devnetMetadata(OLD);
const newMetadata = devnetMetadata(NEW);
const oldVersion: RuntimeVersion = variantRuntimeVersion(OLD);
const newVersion: RuntimeVersion = variantRuntimeVersion(NEW);
const CLUSTER = '0x' + '5a'.repeat(20);
/** The upgrade block's height in the main chain. */
const N = 3;
const TIP = 6;

const alice = identity('devnet-upgrade-test', 'alice', 'ed25519');
const bob = identity('devnet-upgrade-test', 'bob', 'sr25519');

function newChain(extra: Partial<ChainOptions> = {}): Chain {
  return new Chain({
    metadata: oldMetadata,
    runtimeVersion: oldVersion,
    genesisTimestamp: GENESIS_TS,
    upgrades: [{ metadata: newMetadata, runtimeVersion: newVersion }],
    ...extra,
  });
}

/** A signed remark that emits `DdcClusters.ClusterEraPaid { cluster_id, era_id }`. */
function eraPaid(signer: ExtrinsicSigner, eraId: number | undefined): ExtrinsicSpec {
  return {
    call: { pallet: 'System', name: 'remark', args: { remark: toHex(utf8(`era ${eraId}`)) } },
    signer,
    events: [
      { pallet: 'DdcClusters', name: 'ClusterEraPaid', args: { clusterId: CLUSTER, eraId } },
    ],
  };
}

/** Block `height`'s spec: one era paid (era = height, none at the tip), upgrade at N. */
function specAt(height: number, setCode?: number): BlockSpec {
  return {
    timestamp: GENESIS_TS + height * 6000,
    extrinsics: [eraPaid(height % 2 === 0 ? bob : alice, height === TIP ? undefined : height)],
    ...(setCode === undefined ? {} : { setCode }),
  };
}

/** `:code` of a devnet runtime: `proofroom-devnet-runtime:<specName>:<specVersion>` ‖ hash. */
function codeOf(version: RuntimeVersion, metadata: Uint8Array): string {
  return toHex(
    concatBytes(
      utf8(`proofroom-devnet-runtime:${version.specName}:${version.specVersion}`),
      blake2b256(metadata)
    )
  );
}

/** `LastRuntimeUpgradeInfo { spec_version: Compact<u32>, spec_name: String }`. */
function lastUpgradeOf(version: RuntimeVersion): string {
  const name = utf8(version.specName);
  return toHex(concatBytes(compactU(version.specVersion), compactU(name.length), name));
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return res.json();
}

async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The value of `key` at block `b`, checked with a read proof against the header's state root. */
function provenValue(chain: Chain, b: BuiltBlock, key: string): string | null {
  const proof = chain.readProof(b.hash, [key])!.map((n) => parseHex(n) as Uint8Array);
  const read = readStorageProof(parseHex(b.header.stateRoot) as Uint8Array, proof, parseHex(key)!);
  if (!read.ok) throw new Error(`no proof of ${key} at #${b.number}`);
  return read.value === null ? null : toHex(read.value);
}

describe('a runtime upgrade over @polkadot/api', () => {
  let chain: Chain;
  let server: RpcServer;
  let api: ApiPromise;
  /** blocks[h] is block h of the chain (0 = genesis). */
  const blocks: BuiltBlock[] = [];

  beforeAll(async () => {
    await cryptoWaitReady();
    chain = newChain();
    blocks.push(chain.best);
    for (let h = 1; h <= TIP; h++) {
      blocks.push(chain.build(specAt(h, h === N ? NEW.specVersion : undefined)));
      chain.setBest(blocks[h]!.hash);
    }
    // The API connects while the best block is N − 1: the old runtime.
    chain.setBest(blocks[N - 1]!.hash);
    chain.setFinalized(blocks[1]!.hash);
    server = await startRpcServer({ chain });
    api = await ApiPromise.create({ provider: new WsProvider(server.wsUrl), noInitWarn: true });
  }, 60_000);

  afterAll(async () => {
    await api?.disconnect();
    await server?.close();
  });

  it('records the runtime of each block: executed by the parent state’s, holding its own', () => {
    const spec = (rt: { runtimeVersion: RuntimeVersion } | undefined): number | undefined =>
      rt?.runtimeVersion.specVersion;
    expect(blocks.map((b) => spec(chain.runtimeAt(b.hash)))).toEqual([
      73047, 73047, 73047, 73160, 73160, 73160, 73160,
    ]);
    expect(blocks.map((b) => spec(chain.executedBy(b.hash)))).toEqual([
      73047, 73047, 73047, 73047, 73160, 73160, 73160,
    ]);
    expect(chain.runtimes.map((r) => r.runtimeVersion.specVersion)).toEqual([73047, 73160]);
    expect(chain.metadataHexAt(blocks[N]!.hash)).toBe(toHex(newMetadata));
    expect(chain.runtimeVersionAt(blocks[N - 1]!.hash)?.specVersion).toBe(73047);
    expect(chain.runtimeAt('0x' + '00'.repeat(32))).toBeUndefined();
    // The getters follow the best block's state.
    expect(chain.runtimeVersion.specVersion).toBe(73047);
    expect(chain.metadataHex).toBe(toHex(oldMetadata));
    expect(chain.runtime.specVersion).toBe(73047);
    // The sudo key signed one extrinsic.
    expect(chain.nonceOf(DEVNET_SUDO.publicKey, blocks[TIP]!.hash)).toBe(1);
    expect(chain.nonceOf(DEVNET_SUDO.publicKey, blocks[N - 1]!.hash)).toBe(0);
  });

  it('answers state_getRuntimeVersion and state_getMetadata per block hash', async () => {
    for (const [h, b] of blocks.entries()) {
      const [hash, want] = [b.hash, h < N ? 73047 : 73160];
      const v = (await rpc(server.url, 'state_getRuntimeVersion', [hash])).result;
      expect(v.specVersion, `#${h}`).toBe(want);
      expect(v).toEqual(want === 73047 ? oldVersion : newVersion);
      const c = (await rpc(server.url, 'chain_getRuntimeVersion', [hash])).result;
      expect(c.specVersion, `#${h}`).toBe(want);
      const m = (await rpc(server.url, 'state_getMetadata', [hash])).result;
      expect(m === toHex(want === 73047 ? oldMetadata : newMetadata), `#${h}`).toBe(true);
    }
    // Default: the best block (N − 1 for now).
    expect((await rpc(server.url, 'state_getRuntimeVersion')).result.specVersion).toBe(73047);
    const versions = await rpc(server.url, 'state_call', [
      'Metadata_metadata_versions',
      '0x',
      blocks[N]!.hash,
    ]);
    expect(versions.result).toBe('0x040e000000');
    const unknown = await rpc(server.url, 'state_getMetadata', ['0x' + 'ab'.repeat(32)]);
    expect(unknown.error.code).toBe(-32000);
  });

  it('stores the new :code at N and the new LastRuntimeUpgrade from N + 1, proven', () => {
    const oldCode = codeOf(oldVersion, oldMetadata);
    const newCode = codeOf(newVersion, newMetadata);
    const key = chain.storageKeys.lastRuntimeUpgrade;
    const codes = blocks.map((b) => provenValue(chain, b, WELL_KNOWN_KEYS.code));
    const upgrades = blocks.map((b) => provenValue(chain, b, key));
    expect(codes).toEqual(blocks.map((_, h) => (h < N ? oldCode : newCode)));
    expect(codes[N - 1]).not.toBe(codes[N]);
    expect(upgrades).toEqual(blocks.map((_, h) => lastUpgradeOf(h <= N ? oldVersion : newVersion)));
    expect(chain.storageAt(blocks[N]!.hash, WELL_KNOWN_KEYS.code)).toBe(newCode);
    expect(chain.runtimeAt(blocks[N]!.hash)?.codeHex).toBe(newCode);
  });

  it('decodes the upgrade block: Sudo.sudo(System.set_code) by the sudo key, and its events', async () => {
    const n = blocks[N]!;
    const signed = await api.rpc.chain.getBlock(n.hash);
    const xs = signed.block.extrinsics;
    expect(xs.map((x) => `${x.method.section}.${x.method.method}`)).toEqual([
      'timestamp.set',
      'system.remark',
      'sudo.sudo',
    ]);
    const sudo = xs[2]!;
    expect(sudo.isSigned).toBe(true);
    expect(toHex(sudo.signer.toU8a().slice(-32))).toBe(toHex(DEVNET_SUDO.publicKey));
    const inner = sudo.method.args[0] as any;
    expect(`${inner.section}.${inner.method}`).toBe('system.setCode');
    expect(inner.args[0].toHex()).toBe(codeOf(newVersion, newMetadata));

    const at = await api.at(n.hash);
    expect(at.runtimeVersion.specVersion.toNumber()).toBe(73047);
    const events = (await at.query.system.events()) as unknown as any[];
    expect(events.map((e) => `${e.phase.toString()} ${e.event.section}.${e.event.method}`)).toEqual(
      [
        '{"applyExtrinsic":0} system.ExtrinsicSuccess',
        '{"applyExtrinsic":1} ddcClusters.ClusterEraPaid',
        '{"applyExtrinsic":1} system.ExtrinsicSuccess',
        '{"applyExtrinsic":2} system.CodeUpdated',
        '{"applyExtrinsic":2} sudo.Sudid',
        '{"applyExtrinsic":2} system.ExtrinsicSuccess',
      ]
    );
    expect(events[4].event.data.sudoResult.isOk).toBe(true);
    const info = events[5].event.data.dispatchInfo;
    expect(info.class.isOperational).toBe(true);
    expect(info.paysFee.isNo).toBe(true);
  }, 30_000);

  it('decodes System.Events at every block with the layout of the runtime that executed it', async () => {
    for (const [h, b] of blocks.entries()) {
      const at = await api.at(b.hash);
      expect(at.runtimeVersion.specVersion.toNumber(), `#${h}`).toBe(h <= N ? 73047 : 73160);
      const events = (await at.query.system.events()) as unknown as any[];
      const paid = events.filter((e) => e.event.method === 'ClusterEraPaid');
      expect(paid.length, `#${h}`).toBe(h === 0 ? 0 : 1);
      if (h === 0) continue;
      const era = paid[0].event.data.eraId;
      expect(paid[0].event.data.clusterId.toHex()).toBe(CLUSTER);
      if (h <= N) {
        expect(era.toRawType(), `#${h}`).toBe('u32');
        expect(era.toNumber()).toBe(h);
      } else {
        expect(era.toRawType(), `#${h}`).toBe('Option<u32>');
        expect(era.isSome).toBe(h !== TIP);
        if (h !== TIP) expect(era.unwrap().toNumber()).toBe(h);
      }
      // subsquid's runtime of the executing runtime decodes the same bytes.
      const sq = chain.executedBy(b.hash)!.runtime;
      const records = sq.scaleCodec.decodeBinary(sq.description.eventRecordList, b.eventsHex);
      const ev = (records as any[]).find((r) => r.event.__kind === 'DdcClusters').event.value;
      expect(ev.eraId).toBe(h === TIP ? undefined : h);
    }
  }, 60_000);

  it('reads LastRuntimeUpgrade at N and N + 1 with @polkadot/api', async () => {
    const read = async (b: BuiltBlock): Promise<[number, string]> => {
      const v = ((await (await api.at(b.hash)).query.system.lastRuntimeUpgrade()) as any).unwrap();
      return [v.specVersion.toNumber(), v.specName.toString()];
    };
    expect(await read(blocks[N - 1]!)).toEqual([73047, 'node']);
    expect(await read(blocks[N]!)).toEqual([73047, 'node']);
    expect(await read(blocks[N + 1]!)).toEqual([73160, 'node']);
    expect(await read(blocks[TIP]!)).toEqual([73160, 'node']);
  }, 30_000);

  it('decodes every block’s extrinsics; signatures carry the executing runtime’s spec version', async () => {
    for (const [h, b] of blocks.entries()) {
      const xs = (await api.rpc.chain.getBlock(b.hash)).block.extrinsics;
      expect(xs.length, `#${h}`).toBe(h === 0 ? 0 : h === N ? 3 : 2);
      if (h === 0) continue;
      const at = await api.at(b.hash);
      for (const x of xs.slice(1)) {
        const payload = at.registry.createType(
          'ExtrinsicPayload',
          {
            method: x.method.toHex(),
            era: x.era,
            nonce: x.nonce,
            tip: x.tip,
            assetId: x.assetId,
            mode: x.mode,
            specVersion: h <= N ? 73047 : 73160,
            transactionVersion: oldVersion.transactionVersion,
            genesisHash: chain.genesisHash,
            blockHash: chain.genesisHash,
          },
          { version: 4 }
        );
        let message = payload.toU8a({ method: true });
        if (message.length > 256) message = blake2b256(message);
        const signer = toHex(x.signer.toU8a().slice(-32));
        expect(signatureVerify(message, x.signature.toU8a(), signer).isValid, `#${h}`).toBe(true);
      }
    }
  }, 60_000);

  it('notifies runtime-version subscribers when the best block’s runtime changes', async () => {
    const ws = new WebSocket(server.wsUrl);
    const got: number[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.method === 'state_runtimeVersion') got.push(m.params.result.specVersion);
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'state_subscribeRuntimeVersion', params: [] })
    );
    await waitFor(() => got.length === 1, 'the first runtime version');
    expect(got).toEqual([73047]);
    expect(api.runtimeVersion.specVersion.toNumber()).toBe(73047);
    chain.setBest(blocks[N]!.hash);
    await waitFor(() => got.length === 2, 'the upgraded runtime version');
    chain.setBest(blocks[TIP]!.hash); // same runtime: no notification
    await waitFor(() => api.runtimeVersion.specVersion.toNumber() === 73160, 'the api to upgrade');
    expect(got).toEqual([73047, 73160]);
    expect((await rpc(server.url, 'state_getRuntimeVersion')).result.specVersion).toBe(73160);
    expect(chain.runtimeVersion.specVersion).toBe(73160);
    expect(chain.metadataHex).toBe(toHex(newMetadata));
    // The API now decodes the current events with the new layout without api.at.
    const events = (await api.query.system.events()) as unknown as any[];
    const paid = events.find((e) => e.event.method === 'ClusterEraPaid');
    expect(paid.event.data.eraId.isNone).toBe(true);
    ws.close();
  }, 30_000);
});

describe('runtime upgrades on forks', () => {
  it('runs on each branch the runtime of its own parent’s state', async () => {
    const chain = newChain();
    const b1 = chain.build(specAt(1));
    const a2 = chain.build(specAt(2, NEW.specVersion), b1.hash);
    const c2 = chain.build(specAt(2), b1.hash);
    // Built out of order: a3 is not built on the last block built (the state trie is rebuilt).
    const c3 = chain.build(specAt(3), c2.hash);
    const a3 = chain.build(specAt(3), a2.hash);
    expect(a2.hash).not.toBe(c2.hash);
    expect(chain.build(specAt(2, NEW.specVersion), b1.hash)).toBe(a2); // same spec, same block

    const server = await startRpcServer({ chain });
    try {
      const version = async (b: BuiltBlock): Promise<number> =>
        (await rpc(server.url, 'state_getRuntimeVersion', [b.hash])).result.specVersion;
      expect(await version(a2)).toBe(73160);
      expect(await version(c2)).toBe(73047);
      expect(await version(a3)).toBe(73160);
      expect(await version(c3)).toBe(73047);
      expect(chain.executedBy(a2.hash)?.runtimeVersion.specVersion).toBe(73047);
      expect(chain.executedBy(a3.hash)?.runtimeVersion.specVersion).toBe(73160);
      expect(chain.executedBy(c3.hash)?.runtimeVersion.specVersion).toBe(73047);
      const key = chain.storageKeys.lastRuntimeUpgrade;
      expect(provenValue(chain, a3, key)).toBe(lastUpgradeOf(newVersion));
      expect(provenValue(chain, c3, key)).toBe(lastUpgradeOf(oldVersion));
      expect(provenValue(chain, c3, WELL_KNOWN_KEYS.code)).toBe(codeOf(oldVersion, oldMetadata));

      // The same blocks built in order, on a fresh chain, have the same hashes (same states).
      const again = newChain();
      const x1 = again.build(specAt(1));
      const x2 = again.build(specAt(2, NEW.specVersion), x1.hash);
      expect(again.build(specAt(3), x2.hash).hash).toBe(a3.hash);

      const api = await ApiPromise.create({
        provider: new WsProvider(server.wsUrl),
        noInitWarn: true,
      });
      try {
        const eraOf = async (b: BuiltBlock): Promise<string> => {
          const events = (await (await api.at(b.hash)).query.system.events()) as unknown as any[];
          return events
            .find((e) => e.event.method === 'ClusterEraPaid')
            .event.data.eraId.toRawType();
        };
        expect(await eraOf(a2)).toBe('u32');
        expect(await eraOf(a3)).toBe('Option<u32>');
        expect(await eraOf(c3)).toBe('u32');
      } finally {
        await api.disconnect();
      }
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('invalid upgrades', () => {
  it('refuses a setCode can_set_code would refuse, and leaves the chain usable', () => {
    const other: RuntimeVersion = {
      ...variantRuntimeVersion({ specVersion: 80000 }),
      specName: 'other',
    };
    const chain = newChain({
      upgrades: [
        { metadata: newMetadata, runtimeVersion: newVersion },
        { metadata: devnetMetadata({ specVersion: 80000 }), runtimeVersion: other },
      ],
    });
    const b1 = chain.build(specAt(1));
    expect(() => chain.build(specAt(2, 99_999), b1.hash)).toThrow(
      /no runtime of that spec version/
    );
    expect(() => chain.build(specAt(2, 73047), b1.hash)).toThrow(/spec version must increase/);
    expect(() => chain.build(specAt(2, 80000), b1.hash)).toThrow(/spec name other is not node/);
    const b2 = chain.build(specAt(2, 73160), b1.hash);
    expect(() => chain.build(specAt(3, 73160), b2.hash)).toThrow(/must increase \(current 73160\)/);
    expect(() => chain.build(specAt(3, 73047), b2.hash)).toThrow(/must increase/);
    // The failed builds changed nothing: the next block is the one a fresh chain builds.
    const b3 = chain.build(specAt(3), b2.hash);
    const fresh = newChain();
    const f2 = fresh.build(specAt(2, 73160), fresh.build(specAt(1)).hash);
    expect(fresh.build(specAt(3), f2.hash).hash).toBe(b3.hash);
  }, 30_000);

  it('refuses two runtimes of one spec version and runtimes with another state layout', () => {
    expect(() =>
      newChain({ upgrades: [{ metadata: oldMetadata, runtimeVersion: oldVersion }] })
    ).toThrow(/two runtimes have spec version 73047/);
    expect(() =>
      newChain({
        upgrades: [{ metadata: newMetadata, runtimeVersion: { ...newVersion, stateVersion: 1 } }],
      })
    ).toThrow(/stateVersion/);
  });

  it('builds the same blocks as a chain without upgrades until one is used', () => {
    const plain = new Chain({
      metadata: oldMetadata,
      runtimeVersion: oldVersion,
      genesisTimestamp: GENESIS_TS,
    });
    const withUpgrades = newChain();
    expect(withUpgrades.genesisHash).toBe(plain.genesisHash);
    let [p, q] = [plain.best.hash, withUpgrades.best.hash];
    for (let h = 1; h <= 3; h++) {
      [p, q] = [plain.build(specAt(h), p).hash, withUpgrades.build(specAt(h), q).hash];
      expect(q).toBe(p);
    }
  });
});
