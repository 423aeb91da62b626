/**
 * The devnet end to end, checked by independent clients: @polkadot/api decodes every event and
 * extrinsic of the fault scenario with the values the scenario put there; the real Subsquid
 * processor (child process, RPC data source) indexes it; the off-chain services serve what the
 * receipts cite; the reorg is visible; the state of canonical and orphaned blocks is proven by
 * read proofs against the headers' state roots, and finality by GRANDPA justifications from the
 * genesis authority set across the scenario's set change; and the verifier's verdict on every
 * receipt is exactly the manifest's.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import { u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSpec } from '../devnet/chain-types.ts';
import { type Devnet, startDevnet } from '../devnet/devnet.ts';
import { ManifestIndex } from '../devnet/manifest.ts';
import { DEVNET_FAULTS } from '../devnet/scenario.ts';
import { parseHex, toHex } from '../verifier/bytes.ts';
import { verifyGrandpaJustification } from '../verifier/grandpa.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { decodeHeader, grandpaDigest } from '../verifier/header.ts';
import { readStorageProof } from '../verifier/trie.ts';
import { parseBundle } from '../verifier/bundle.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { verifyReceipt } from '../verifier/receipt.ts';

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
/** Field names compared loosely: Subsquid writes `p2PPort`, @polkadot `p2pPort`; `hash` is `hash_`. */
const norm = (s: string): string => s.toLowerCase().replace(/_/g, '');

/** Compares a value in the scenario's (Subsquid JSON) form with what @polkadot/types decoded. */
function same(spec: unknown, codec: Codec, at: string): string[] {
  if (typeof spec === 'string') {
    if (codec.toRawType() === 'Text')
      return codec.toString() === spec ? [] : [`${at}: ${codec.toString()} != ${spec}`];
    const got = u8aToHex(codec.toU8a(true));
    return got === spec ? [] : [`${at}: ${got} != ${spec}`];
  }
  if (typeof spec === 'bigint' || typeof spec === 'number') {
    return codec.toString() === String(spec) ? [] : [`${at}: ${codec.toString()} != ${spec}`];
  }
  if (typeof spec === 'boolean') return codec.toJSON() === spec ? [] : [`${at}: bool differs`];
  if (spec === undefined) return codec.isEmpty ? [] : [`${at}: expected None`];
  if (Array.isArray(spec)) {
    const items = codec as unknown as Codec[];
    if (items.length !== spec.length) return [`${at}: length ${items.length} != ${spec.length}`];
    return spec.flatMap((v, i) => same(v, items[i]!, `${at}[${i}]`));
  }
  const obj = spec as Record<string, unknown>;
  if (typeof obj.__kind === 'string') {
    const en = codec as unknown as { type: string; value: Codec };
    if (en.type !== obj.__kind) return [`${at}: variant ${en.type} != ${obj.__kind}`];
    if ('value' in obj) return same(obj.value, en.value, `${at}.${obj.__kind}`);
    const fields = Object.fromEntries(Object.entries(obj).filter(([k]) => k !== '__kind'));
    return Object.keys(fields).length === 0 ? [] : same(fields, en.value, `${at}.${obj.__kind}`);
  }
  const entries: Array<[string, Codec]> =
    codec instanceof Map ? [...(codec as Map<string, Codec>).entries()] : [];
  const get = (k: string): Codec | undefined =>
    codec instanceof Map
      ? entries.find(([n]) => norm(n) === norm(k))?.[1]
      : (codec as unknown as { get(k: string): Codec | undefined }).get(k);
  return Object.entries(obj).flatMap(([k, v]) => {
    const field = get(k);
    return field ? same(v, field, `${at}.${k}`) : [`${at}: no field ${k}`];
  });
}

function eventProblems(
  spec: EventSpec,
  got: { section: string; method: string; data: Codec[] & { names?: string[] | null } },
  at: string
): string[] {
  if (
    got.section !== spec.pallet.charAt(0).toLowerCase() + spec.pallet.slice(1) ||
    got.method !== spec.name
  )
    return [`${at}: ${got.section}.${got.method} != ${spec.pallet}.${spec.name}`];
  if (Array.isArray(spec.args))
    return spec.args.flatMap((v, i) => same(v, got.data[i]!, `${at}[${i}]`));
  const names = (got.data.names ?? []).map(norm);
  return Object.entries(spec.args).flatMap(([k, v]) => {
    const i = names.indexOf(norm(k));
    return i < 0
      ? [`${at}: no field ${k} in ${names.join(',')}`]
      : same(v, got.data[i]!, `${at}.${k}`);
  });
}

let devnet: Devnet;
let api: ApiPromise;

beforeAll(async () => {
  devnet = await startDevnet({ records: 120, eras: 4, faults: [...DEVNET_FAULTS] });
  api = await ApiPromise.create({ provider: new WsProvider(devnet.wsUrl), noInitWarn: true });
}, 60_000);

afterAll(async () => {
  await api?.disconnect();
  await devnet?.close();
});

describe('devnet seen through @polkadot/api', () => {
  it('connects as Cere: chain, properties, runtime, genesis', async () => {
    const [chain, props, version] = await Promise.all([
      api.rpc.system.chain(),
      api.rpc.system.properties(),
      api.rpc.state.getRuntimeVersion(),
    ]);
    expect(chain.toString()).toBe('Proof Room devnet');
    expect(props.ss58Format.unwrap().toNumber()).toBe(54);
    expect(props.tokenDecimals.unwrap()[0]!.toNumber()).toBe(10);
    expect(props.tokenSymbol.unwrap()[0]!.toString()).toBe('CERE');
    expect(version.specName.toString()).toBe('node');
    expect(api.genesisHash.toHex()).toBe(devnet.chain.genesisHash);
    expect(api.registry.chainSS58).toBe(54);
  });

  it('decodes every event and extrinsic of every block with the scenario values', async () => {
    devnet.settle();
    const problems: string[] = [];
    const kinds = new Set<string>();
    let events = 0;
    const upgrades: number[] = [];
    for (let h = 1; h < devnet.canonical.length; h++) {
      const spec = devnet.scenario.blocks[h - 1]!;
      const hash = devnet.canonical[h]!.hash;
      expect((await api.rpc.chain.getBlockHash(h)).toHex()).toBe(hash);
      const [block, records] = await Promise.all([
        api.rpc.chain.getBlock(hash),
        api.query.system.events.at(hash),
      ]);
      const exts = block.block.extrinsics;
      // A runtime upgrade block ends with the chain's Sudo.sudo(System.set_code).
      const upgrade = spec.setCode === undefined ? 0 : 1;
      expect(exts.length).toBe(spec.extrinsics.length + 1 + upgrade);
      expect(`${exts[0]!.method.section}.${exts[0]!.method.method}`).toBe('timestamp.set');
      expect(exts[0]!.isSigned).toBe(false);
      // Block initialisation (a new session's validator set) comes first, then the extrinsics.
      const expected: Array<EventSpec & { phase: number | 'Initialization' }> = [
        ...(spec.initEvents ?? []).map((e) => ({ ...e, phase: 'Initialization' as const })),
        { pallet: 'System', name: 'ExtrinsicSuccess', args: {}, phase: 0 },
      ];
      spec.extrinsics.forEach((x, i) => {
        const ext = exts[i + 1]!;
        expect(ext.isSigned).toBe(true);
        expect(ext.method.section).toBe(
          x.call.pallet.charAt(0).toLowerCase() + x.call.pallet.slice(1)
        );
        expect(ext.method.method).toBe(camel(x.call.name));
        expect(u8aToHex(ext.signer.toU8a(true)).endsWith(toHex(x.signer!.publicKey).slice(2))).toBe(
          true
        );
        problems.push(
          ...same(
            x.call.args,
            ext.method.args.length ? structOf(ext.method) : ext.method,
            `#${h}.x${i + 1}`
          )
        );
        for (const e of x.events) expected.push({ ...e, phase: i + 1 });
        expected.push({ pallet: 'System', name: 'ExtrinsicSuccess', args: {}, phase: i + 1 });
      });
      if (upgrade) {
        const last = exts[exts.length - 1]!;
        expect(`${last.method.section}.${last.method.method}`).toBe('sudo.sudo');
        const phase = exts.length - 1;
        upgrades.push(h);
        expected.push(
          { pallet: 'System', name: 'CodeUpdated', args: [], phase },
          { pallet: 'Sudo', name: 'Sudid', args: {}, phase },
          { pallet: 'System', name: 'ExtrinsicSuccess', args: {}, phase }
        );
      }
      const list = records as unknown as Array<{
        phase: { isInitialization: boolean; asApplyExtrinsic: Codec };
        event: { section: string; method: string; data: Codec[] & { names?: string[] } };
      }>;
      expect(list.length).toBe(expected.length);
      list.forEach((r, k) => {
        const want = expected[k]!;
        if (want.phase === 'Initialization') expect(r.phase.isInitialization).toBe(true);
        else expect(r.phase.asApplyExtrinsic.toString()).toBe(String(want.phase));
        if (want.name !== 'ExtrinsicSuccess') {
          kinds.add(`${want.pallet}.${want.name}`);
          problems.push(...eventProblems(want, r.event, `#${h}.e${k}`));
        }
        events++;
      });
    }
    expect(problems).toEqual([]);
    expect(events).toBeGreaterThan(150);
    // Four eras cross two real upgrades (73047 → 73160 → 73177), decoded at every block.
    expect(upgrades.length).toBe(2);
    const specAt = async (h: number) =>
      (await api.rpc.state.getRuntimeVersion(devnet.canonical[h]!.hash)).specVersion.toNumber();
    expect(
      await Promise.all([0, upgrades[0]!, upgrades[1]!, devnet.canonical.length - 1].map(specAt))
    ).toEqual([73047, 73160, 73177, 73177]);
    // Each cluster's eras are paid under the same runtimes.
    expect(devnet.scenario.clusterIds).toHaveLength(2);
    for (const id of devnet.scenario.clusterIds.map(toHex))
      expect(
        devnet.manifest.eraRounds.filter((e) => e.clusterId === id).map((e) => e.specVersion)
      ).toEqual([73047, 73160, 73177, 73177]);
    // Every kind the scenario emits, from setup to the payout lifecycle.
    for (const k of [
      'DdcVerification.ValidatorKeySet',
      'DdcVerification.ValidatorsSetUpdated',
      'DdcClusters.ClusterCreated',
      'DdcClusters.ClusterProtocolParamsSet',
      'DdcNodes.NodeCreated',
      'DdcClusters.ClusterNodeAdded',
      'DdcClusters.ClusterNodeValidated',
      'DdcCustomers.Deposited',
      'DdcCustomers.BucketCreated',
      'System.Remarked',
      'DdcPayouts.PayoutFingerprintCommited',
      'DdcPayouts.PayoutInitialized',
      'DdcPayouts.ChargingStarted',
      'DdcCustomers.Charged',
      'DdcPayouts.Charged',
      'DdcPayouts.TreasuryFeesCollected',
      'DdcPayouts.ClusterReserveFeesCollected',
      'DdcPayouts.ValidatorFeesCollected', // 73047
      'DdcPayouts.ValidatorsFeesCollected', // from 73160
      'DdcPayouts.ChargingFinished',
      'DdcPayouts.RewardingStarted',
      'DdcPayouts.Rewarded',
      'DdcPayouts.ValidatorRewarded',
      'DdcPayouts.NotDistributedOverallReward',
      'DdcPayouts.RewardingFinished',
      'DdcPayouts.PayoutReceiptFinalized',
      'DdcClusters.ClusterEraPaid',
    ])
      expect(kinds, k).toContain(k);
  }, 60_000);

  it('ClusterEraPaid carries cluster_id (H160) and era_id (u32) for each era', async () => {
    const paid: Array<{ cluster: string; era: number }> = [];
    for (const r of devnet.manifest.eraRounds) {
      if (r.paidAtBlock === null) continue;
      const hash = devnet.canonical[r.paidAtBlock]!.hash;
      const evs = await api.query.system.events.at(hash);
      for (const { event } of evs as unknown as Array<{
        event: { section: string; method: string; data: Codec[] };
      }>)
        if (event.section === 'ddcClusters' && event.method === 'ClusterEraPaid')
          paid.push({
            cluster: u8aToHex(event.data[0]!.toU8a()),
            era: Number(event.data[1]!.toString()),
          });
    }
    // era-not-paid leaves one era unpaid: no ClusterEraPaid names it.
    expect(devnet.manifest.eraRounds.filter((r) => !r.paid).length).toBe(1);
    expect(paid).toEqual(
      devnet.manifest.eraRounds
        .filter((r) => r.paid)
        .map((r) => ({ cluster: r.clusterId, era: r.era }))
    );
    // Cluster 2 (honest) has every era paid.
    const c2 = toHex(devnet.scenario.clusterIds[1]!);
    expect(paid.filter((p) => p.cluster === c2).map((p) => p.era)).toEqual([1, 2, 3, 4]);
  });
});

/** The named arguments of a call as a struct-like getter (for `same`). */
function structOf(method: {
  args: Codec[];
  meta: { args: Array<{ name: { toString(): string } }> };
}): Codec {
  const names = method.meta.args.map((a) => norm(a.name.toString()));
  return { get: (k: string) => method.args[names.indexOf(norm(k))] } as unknown as Codec;
}

describe('devnet reorg and finality', () => {
  it('shows the orphaned anchor as best first, then the canonical chain', async () => {
    const fresh = await startDevnet({ records: 40, eras: 1, faults: ['anchor-reorged'] });
    try {
      const reorg = fresh.manifest.reorg!;
      expect(reorg).not.toBeNull();
      const rpc = (method: string, params: unknown[] = []) =>
        fetch(fresh.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
        }).then(async (r) => ((await r.json()) as { result: unknown }).result);
      const orphan = fresh.orphaned[0]!;
      expect(await rpc('chain_getBlockHash', [reorg.orphaned.number])).toBe(orphan.hash);
      expect(await rpc('chain_getHead')).toBe(orphan.hash);
      const fin = (await rpc('chain_getFinalizedHead')) as string;
      expect(fresh.chain.blockByHash(fin)!.number).toBeLessThan(reorg.orphaned.number);
      expect(await rpc('dev_advance')).toBe(true);
      expect(await rpc('chain_getBlockHash', [reorg.orphaned.number])).toBe(
        fresh.canonical[reorg.orphaned.number]!.hash
      );
      // The orphan stays retrievable by hash; its anchor is re-included in the canonical chain.
      const ob = (await rpc('chain_getBlock', [orphan.hash])) as {
        block: { extrinsics: string[] };
      };
      const cb = (await rpc('chain_getBlock', [
        fresh.canonical[reorg.anchoredAt.number]!.hash,
      ])) as {
        block: { extrinsics: string[] };
      };
      expect(ob.block.extrinsics[1]).toBe(cb.block.extrinsics[reorg.anchoredAt.extrinsic]);
      expect(fresh.chain.finalized.number).toBe(
        fresh.canonical.length - 1 - fresh.scenario.finalityLag
      );
      expect(await rpc('dev_advance')).toBe(false);
    } finally {
      await fresh.close();
    }
  }, 30_000);
});

describe('devnet state and GRANDPA finality', () => {
  const rpc = async (method: string, params: unknown[] = []): Promise<any> => {
    const r = await fetch(devnet.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return ((await r.json()) as { result: unknown }).result;
  };
  const hex = (h: string): Uint8Array => parseHex(h) as Uint8Array;

  it('proves every storage value of canonical and orphaned blocks against their state roots', async () => {
    devnet.settle();
    const change = devnet.scenario.grandpa.change!;
    const tip = devnet.canonical.length - 1;
    expect(devnet.orphaned.length).toBeGreaterThan(0); // the anchor-reorged fault
    const blocks = [
      devnet.canonical[0]!,
      devnet.canonical[change.block]!,
      devnet.canonical[tip]!,
      ...devnet.orphaned,
    ];
    for (const b of blocks) {
      const keys = (await rpc('state_getKeysPaged', ['0x', 1000, null, b.hash])) as string[];
      expect(keys.length).toBeGreaterThan(10);
      const proof = (await rpc('state_getReadProof', [keys, b.hash])).proof.map(hex);
      const root = hex((await rpc('chain_getHeader', [b.hash])).stateRoot);
      for (const k of keys) {
        const read = readStorageProof(root, proof, hex(k));
        expect(read.ok && toHex(read.value as Uint8Array), `${b.number} ${k}`).toBe(
          await rpc('state_getStorage', [k, b.hash])
        );
      }
      expect((await api.query.system.number.at(b.hash)).toString()).toBe(String(b.number));
      expect((await api.rpc.chain.getHeader(b.hash)).hash.toHex()).toBe(b.hash);
    }
    const events = (await api.query.system.events.at(devnet.orphaned[0]!.hash)) as unknown as [];
    expect(events.length).toBe(devnet.orphaned[0]!.eventCount);
  }, 60_000);

  it('finalizes every block under the GRANDPA keys of the seed, with one set change on the way', async () => {
    devnet.settle();
    const chain = devnet.chain;
    const trust = await rpc('dev_grandpaAuthorities');
    expect(trust.authorities).toEqual(
      devnet.scenario.grandpa.authorities.map((a) => toHex(a.publicKey))
    );
    const change = devnet.scenario.grandpa.change!;
    expect(change.block).toBe(Math.ceil((devnet.canonical.length - 1) / 2));
    expect(change.block).toBeLessThanOrEqual(chain.finalized.number);
    // A client that trusts the genesis set: every justification on the canonical chain verifies
    // with the set it holds, and the set-change block's digest moves it to the next set.
    let setId = BigInt(trust.setId);
    let authorities = (trust.authorities as string[]).map(hex);
    const justified: number[] = [];
    for (let h = 1; h <= chain.finalized.number; h++) {
      const hash = devnet.canonical[h]!.hash;
      const signed = await rpc('chain_getBlock', [hash]);
      if (signed.justifications !== null) {
        const [[engine, bytes]] = signed.justifications as [[number[], number[]]];
        expect(engine).toEqual([70, 82, 78, 75]);
        const v = verifyGrandpaJustification(Uint8Array.from(bytes), setId, authorities);
        expect(v.ok && toHex(v.value.blockHash), `#${h}`).toBe(hash);
        justified.push(h);
      }
      const header = decodeHeader(chain.encodedHeader(hash)!);
      const signals = header.ok ? grandpaDigest(header.value) : null;
      expect(signals?.ok).toBe(true);
      if (signals?.ok && signals.value.length > 0) {
        expect(h).toBe(change.block);
        expect(justified).toContain(h); // a set-change block always has its justification
        const next = signals.value[0]!;
        if (next.type !== 'ScheduledChange') throw new Error('expected a scheduled change');
        expect(next.delay).toBe(0);
        setId += 1n;
        authorities = next.authorities.map((a) => a.id);
      }
    }
    expect(setId).toBe(1n);
    expect(authorities.map(toHex)).toEqual(change.next.map((k) => toHex(k.publicKey)));
    expect(justified).toContain(chain.finalized.number);
    // grandpa_proveFinality of block 1: a justification by the genesis set.
    const proof = hex(await rpc('grandpa_proveFinality', [1]));
    const block = toHex(proof.subarray(0, 32));
    const finalizing = chain.finalizingSetOf(block)!;
    expect(finalizing.setId).toBe(0n);
    expect(
      (await api.query.grandpa.currentSetId.at(devnet.canonical[change.block]!.hash)).toString()
    ).toBe('1');
    expect(
      (await api.query.grandpa.currentSetId.at(devnet.canonical[change.block - 1]!.hash)).toString()
    ).toBe('0');
  }, 60_000);
});

describe('devnet forks on demand', () => {
  it('replays or drops the newest unfinalized blocks on a longer branch', async () => {
    const fresh = await startDevnet({ records: 40, eras: 1, finalityLag: 3 });
    try {
      const before = fresh.canonical.map((b) => b.hash);
      const tip = before.length - 1;
      const heads: string[] = [];
      const off = fresh.chain.on('newHead', (b) => heads.push(b.hash));
      const r = fresh.reorg(2);
      off();
      expect(r.forkPoint).toBe(tip - 2);
      expect(r.orphaned.map((b) => b.hash)).toEqual(before.slice(tip - 1));
      expect(fresh.chain.best.number).toBe(tip + 1);
      expect(heads).toContain(fresh.chain.best.hash);
      // Same extrinsics (after the timestamp), new hashes; the orphans stay retrievable.
      for (let i = 0; i < 2; i++) {
        const o = r.orphaned[i]!;
        const n = r.adopted[i]!;
        expect(n.hash).not.toBe(o.hash);
        expect(n.extrinsics.slice(1)).toEqual(o.extrinsics.slice(1));
        expect(n.eventsHex).toBe(o.eventsHex);
        expect(fresh.chain.blockByHash(o.hash)).toBeDefined();
        expect(fresh.chain.hashAt(o.number)).toBe(n.hash);
      }
      // Dropping: the content of the newest block disappears from the best chain.
      const dropped = fresh.reorg(1, { drop: true });
      expect(dropped.adopted[0]!.extrinsics.length).toBe(1);
      // Finalized blocks cannot be reorganised, and bad depths are refused.
      expect(() => fresh.reorg(50)).toThrow(/unfinalized/);
      expect(() => fresh.reorg(0)).toThrow(/positive/);
      const viaRpc = await fetch(fresh.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'dev_reorg', params: [1] }),
      }).then((x) => x.json() as Promise<{ result: { forkPoint: number; orphaned: string[] } }>);
      expect(viaRpc.result.orphaned.length).toBe(1);
      const bad = await fetch(fresh.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'dev_reorg', params: ['x'] }),
      }).then((x) => x.json() as Promise<{ error: { code: number } }>);
      expect(bad.error.code).toBe(-32602);
    } finally {
      await fresh.close();
    }
  }, 30_000);
});

describe('devnet off-chain services', () => {
  it('the GAR service lists every agreement and serves each pair the receipts cite', async () => {
    const seen: unknown[] = [];
    let after = 0;
    for (;;) {
      const r = (await (
        await fetch(`${devnet.garUrl}/api/v1/agreements?after=${after}&limit=3`)
      ).json()) as {
        items: Array<{ sequence: number; payload: string }>;
        next: number | null;
      };
      seen.push(...r.items);
      if (r.next === null) break;
      after = r.next;
    }
    expect(seen.length).toBe(devnet.scenario.agreements.length);
    const bundle = devnet.bundle(0);
    const url = bundle.grant.versions[0]!.source!.url!.split('#')[0]!;
    const pair = (await (await fetch(url)).json()) as { versions: Array<{ payload: string }> };
    expect(pair.versions.map((v) => v.payload)).toEqual(
      bundle.grant.versions.map((v) => v.payload)
    );
  });

  it('storage nodes serve each payload by content hash, except the injected faults', async () => {
    const faults = devnet.manifest.storage;
    expect(faults.map((f) => f.fault).sort()).toEqual(['missing', 'tampered']);
    for (const f of faults) {
      for (let n = 0; n < devnet.storageUrls.length; n++) {
        const r = await fetch(`${devnet.storageUrls[n]}/v1/payloads/${f.payloadHash}`);
        const broken = faults.find((x) => x.node === n && x.payloadHash === f.payloadHash);
        if (broken?.fault === 'missing') {
          expect(r.status).toBe(404);
          continue;
        }
        expect(r.status).toBe(200);
        const body = new Uint8Array(await r.arrayBuffer());
        expect(toHex(blake2b256(body)) === f.payloadHash).toBe(broken?.fault !== 'tampered');
      }
    }
  });
});

describe('devnet manifest', () => {
  it('the verifier gives every line of every receipt exactly the verdict the manifest states', () => {
    devnet.settle();
    const index = new ManifestIndex(devnet.manifest);
    const problems: string[] = [];
    let failingReceipts = 0;
    for (let i = 0; i < devnet.scenario.recordCount; i++) {
      const p = parseBundle(JSON.parse(JSON.stringify(devnet.bundle(i))));
      if (!p.ok) throw new Error(p.errors.join('; '));
      const r = verifyReceipt(p.bundle, nodeBackend);
      if (!r.ok) failingReceipts++;
      problems.push(...index.diff(devnet.scenario.recordId(i), r.lines));
    }
    expect(problems).toEqual([]);
    expect(failingReceipts).toBe(devnet.manifest.receipts.length);
    // Every record-level fault is represented by at least one receipt.
    const faultsSeen = new Set(devnet.manifest.receipts.flatMap((r) => r.faults));
    for (const f of [
      'bad-record-signature',
      'missing-role-signature',
      'grant-expired',
      'grant-revoked',
      'grant-out-of-scope',
      'wrong-mmr-proof',
      'quorum-not-reached',
      'payout-unbalanced',
      'anchor-not-final',
    ] as const)
      expect(faultsSeen, f).toContain(f);
  });
});

describe('devnet indexed by the real Subsquid processor', () => {
  it('indexes every finalized block and decodes the DDC events (smoke)', async () => {
    devnet.settle();
    const dir = await mkdtemp(path.join(tmpdir(), 'proofroom-squid-'));
    const out = path.join(dir, 'out.json');
    const finalHeight = devnet.chain.finalized.number;
    try {
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            'test/fixtures/squid-smoke.ts',
            devnet.rpcUrl,
            String(finalHeight),
            out,
          ],
          { stdio: ['ignore', 'ignore', 'pipe'] }
        );
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`squid did not finish: ${err.slice(-2000)}`));
        }, 60_000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          if (c !== 0) reject(new Error(`squid exited ${c}: ${err.slice(-2000)}`));
          else resolve(c);
        });
      });
      expect(code).toBe(0);
      const seen = JSON.parse(await readFile(out, 'utf8')) as {
        events: Array<{ block: number; name: string; args: Record<string, unknown> }>;
        calls: Array<{ name: string; signed: boolean }>;
        timestamps: number[];
      };
      const want = devnet.scenario.blocks.slice(0, finalHeight).flatMap((b) => [
        ...(b.initEvents ?? []).map((e) => `${e.pallet}.${e.name}`),
        ...b.extrinsics.flatMap((x) => x.events.map((e) => `${e.pallet}.${e.name}`)),
        // A runtime upgrade: the chain's Sudo.sudo(System.set_code) closes the block.
        ...(b.setCode === undefined ? [] : ['System.CodeUpdated', 'Sudo.Sudid']),
      ]);
      const got = seen.events.map((e) => e.name).filter((n) => !n.startsWith('System.Extrinsic'));
      expect(got).toEqual(want);
      const paid = seen.events.filter((e) => e.name === 'DdcClusters.ClusterEraPaid');
      // Both clusters' eras, in chain order.
      expect(paid.map((e) => e.args)).toEqual(
        devnet.manifest.eraRounds
          .filter((r) => r.paidAtBlock !== null && r.paidAtBlock <= finalHeight)
          .sort((a, b) => a.paidAtBlock! - b.paidAtBlock!)
          .map((r) => ({ clusterId: r.clusterId, eraId: r.era }))
      );
      expect(new Set(paid.map((e) => e.args.clusterId))).toEqual(
        new Set(devnet.scenario.clusterIds.map(toHex))
      );
      expect(
        seen.calls
          .filter((c) => c.name === 'DdcPayouts.send_charging_customers_batch')
          .every((c) => c.signed)
      ).toBe(true);
      expect(seen.timestamps.slice(1, 4)).toEqual(
        devnet.scenario.blocks.slice(0, 3).map((b) => b.timestamp)
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
