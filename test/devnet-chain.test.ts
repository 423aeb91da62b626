/**
 * Tests of devnet/chain.ts (SCALE blocks from BlockSpecs) and devnet/rpc-server.ts (Substrate
 * JSON-RPC over HTTP and WebSocket), checked with independent clients: @polkadot/api decodes the
 * blocks, events and signed extrinsics and follows the heads; @polkadot/util-crypto verifies the
 * extrinsic signatures over a signing payload @polkadot/types rebuilds; the extrinsics root is
 * compared with real Polkadot blocks; every storage value served at a block (canonical, orphaned,
 * genesis; trie layouts V0 and V1) is checked with the verifier's read-proof check against the
 * header's state root; GRANDPA justifications and finality proofs with the verifier's
 * justification check, from the genesis authority set across a set change.
 */
import { ApiPromise, HttpProvider, WsProvider } from '@polkadot/api';
import {
  blake2AsU8a,
  cryptoWaitReady,
  encodeAddress,
  signatureVerify,
} from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  Chain,
  GRANDPA_JUSTIFICATION_PERIOD,
  WELL_KNOWN_KEYS,
  orderedTrieRoot,
  type BuiltBlock,
  type ChainOptions,
} from '../devnet/chain.ts';
import type { BlockSpec, ExtrinsicSigner, ExtrinsicSpec } from '../devnet/chain-types.ts';
import { type GrandpaSigner, grandpaSignerFromSeed } from '../devnet/grandpa.ts';
import { account, identity } from '../devnet/keys.ts';
import { DEVNET_RUNTIME_VERSION, devnetMetadata } from '../devnet/metadata.ts';
import { RpcError, startRpcServer, type RpcServer } from '../devnet/rpc-server.ts';
import { compactU, concatBytes, parseHex, toHex, uintLE, utf8 } from '../verifier/bytes.ts';
import { verifyGrandpaJustification } from '../verifier/grandpa.ts';
import { blake2b256 } from '../verifier/hash.ts';
import {
  ScaleReader,
  decodeHeader,
  grandpaDigest,
  headerHash,
  readHeader,
  type Header,
} from '../verifier/header.ts';
import { readStorageProof } from '../verifier/trie.ts';

const GENESIS_TS = 1_760_000_000_000;
const EVENTS_KEY = '0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7';

const alice = identity('devnet-chain-test', 'alice', 'ed25519');
const bob = identity('devnet-chain-test', 'bob', 'sr25519');
const carol = toHex(account('devnet-chain-test', 'carol'));

function newChain(extra: Partial<ChainOptions> = {}): Chain {
  return new Chain({
    metadata: devnetMetadata(),
    runtimeVersion: DEVNET_RUNTIME_VERSION,
    genesisTimestamp: GENESIS_TS,
    ...extra,
  });
}

/** A GRANDPA set of four test keys (`grandpa/0..3` of `seed`), and the next one (3 replaced). */
function grandpaKeys(seed: string): { genesis: GrandpaSigner[]; next: GrandpaSigner[] } {
  const genesis = [0, 1, 2, 3].map((i) => identity(seed, `grandpa/${i}`));
  return { genesis, next: [...genesis.slice(0, 3), identity(seed, 'grandpa/4')] };
}

const hex = (h: string): Uint8Array => parseHex(h) as Uint8Array;

function remark(signer: ExtrinsicSigner, text: string | Uint8Array): ExtrinsicSpec {
  const bytes = typeof text === 'string' ? utf8(text) : text;
  return {
    call: { pallet: 'System', name: 'remark_with_event', args: { remark: toHex(bytes) } },
    signer,
    events: [
      {
        pallet: 'System',
        name: 'Remarked',
        args: { sender: toHex(signer.publicKey), hash: toHex(blake2b256(bytes)) },
      },
    ],
  };
}

function transfer(signer: ExtrinsicSigner, amount: bigint, failed = false): ExtrinsicSpec {
  return {
    call: {
      pallet: 'Balances',
      name: 'transfer_keep_alive',
      args: { dest: { __kind: 'Id', value: carol }, value: amount },
    },
    signer,
    events: failed
      ? []
      : [
          {
            pallet: 'Balances',
            name: 'Transfer',
            args: { from: toHex(signer.publicKey), to: carol, amount },
          },
        ],
    failed,
  };
}

function at(height: number, extrinsics: ExtrinsicSpec[]): BlockSpec {
  return { timestamp: GENESIS_TS + height * 6000, extrinsics };
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return res.json();
}

async function post(url: string, body: string): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('orderedTrieRoot (extrinsicsRoot)', () => {
  // Blocks of public chains (chain_getBlock): Polkadot #2,076,290 and #2,076,325, and a Darwinia
  // block with a signed transfer (value over 32 bytes). All use trie layout V0.
  const cases: Array<[string, string[], string]> = [
    [
      'Polkadot #2076290',
      ['0x280403000bd042683b7501', '0x1c040a00feb97e00'],
      '0x0308758377e117d685ba278afc5cfb8d00508208d4fd95aaeeef2af9600e5047',
    ],
    [
      'Polkadot #2076325',
      ['0x280403000b20776b3b7501'],
      '0xb9fef8251a526015296f6bce3800d522f311fa2e0c5ec0d41e7392896c9ea782',
    ],
    [
      'Darwinia #6722195',
      [
        '0x280403000b41169a447e01',
        '0x450284000ef407af75417a160038262baf376a8ff8147142f860a8be9cb893d6f3a4971e01e0d3bc1bbd34e3ffc00fb927500ca632acbbb38a0f94d87370c00301ad34491f79f3d6e60204ee3df115d4a6c2de3ee19255f77d7952208a4459943fb5267a83f500a90a0004000022636d27fb735196a81a406b2a008016817048a8636732d5d6a1d944ebf971060700c4a5b684',
      ],
      '0x27b2eaa3751f2cefcbfd99fb052660477b21c65254a2e936e99870521549ac1b',
    ],
  ];
  for (const [name, xs, root] of cases) {
    it(`matches ${name}`, () => {
      expect(
        toHex(
          orderedTrieRoot(
            xs.map((x) => parseHex(x) as Uint8Array),
            false
          )
        )
      ).toBe(root);
    });
  }

  it('is blake2b-256(0x00) for no extrinsics (genesis)', () => {
    expect(toHex(orderedTrieRoot([], false))).toBe(
      '0x03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314'
    );
  });
});

describe('devnet chain over @polkadot/api', () => {
  let chain: Chain;
  let server: RpcServer;
  let api: ApiPromise;
  let b1: BuiltBlock;
  let b2: BuiltBlock;
  const longRemark = new Uint8Array(300).map((_, i) => i & 0xff);
  const bigAmount = 12_345_678_901_234_567_890n; // over u64
  const nextSet = [5, 6, 7].map((i) => grandpaSignerFromSeed(new Uint8Array(32).fill(i)));

  beforeAll(async () => {
    await cryptoWaitReady();
    chain = newChain();
    b1 = chain.build(at(1, [remark(alice, 'hello devnet'), transfer(bob, bigAmount)]));
    chain.setBest(b1.hash);
    // b2 also changes the GRANDPA authority set: its header carries a digest item.
    b2 = chain.build({
      ...at(2, [remark(alice, longRemark), transfer(bob, 5n, true)]),
      grandpaChange: { next: nextSet },
    });
    chain.setBest(b2.hash);
    chain.setFinalized(b1.hash);
    server = await startRpcServer({ chain });
    api = await ApiPromise.create({ provider: new WsProvider(server.wsUrl), noInitWarn: true });
  }, 60_000);

  afterAll(async () => {
    await api?.disconnect();
    await server?.close();
  });

  it('connects: genesis hash, properties, runtime version', async () => {
    expect(api.genesisHash.toHex()).toBe(chain.genesisHash);
    const props = await api.rpc.system.properties();
    expect(props.ss58Format.unwrap().toNumber()).toBe(54);
    expect(props.tokenDecimals.unwrap().map((d) => d.toNumber())).toEqual([10]);
    expect(props.tokenSymbol.unwrap().map((s) => s.toString())).toEqual(['CERE']);
    expect(api.runtimeVersion.specVersion.toNumber()).toBe(DEVNET_RUNTIME_VERSION.specVersion);
    expect((await api.rpc.system.chain()).toString()).toBe('Proof Room devnet');
  }, 30_000);

  it('serves headers whose hash is the block hash', async () => {
    const header = await api.rpc.chain.getHeader(b2.hash);
    expect(header.number.toNumber()).toBe(2);
    expect(header.parentHash.toHex()).toBe(b1.hash);
    expect(header.hash.toHex()).toBe(b2.hash);
    expect((await api.rpc.chain.getBlockHash(1)).toHex()).toBe(b1.hash);
    expect((await api.rpc.chain.getFinalizedHead()).toHex()).toBe(b1.hash);
  }, 30_000);

  it('decodes the extrinsics: timestamp first, then really signed ones', async () => {
    const signed = await api.rpc.chain.getBlock(b1.hash);
    const xs = signed.block.extrinsics;
    expect(xs.length).toBe(3);
    expect(xs[0]!.isSigned).toBe(false);
    expect(`${xs[0]!.method.section}.${xs[0]!.method.method}`).toBe('timestamp.set');
    expect(BigInt(xs[0]!.method.args[0]!.toString())).toBe(BigInt(GENESIS_TS + 6000));

    const r = xs[1]!;
    expect(r.isSigned).toBe(true);
    expect(`${r.method.section}.${r.method.method}`).toBe('system.remarkWithEvent');
    expect(r.signer.toString()).toBe(encodeAddress(alice.publicKey, 54));
    expect(r.nonce.toNumber()).toBe(0);
    expect(r.era.isImmortalEra).toBe(true);
    expect(r.signature.toHex().length).toBe(2 + 128);

    const t = xs[2]!;
    expect(t.signer.toString()).toBe(encodeAddress(bob.publicKey, 54));
    expect(`${t.method.section}.${t.method.method}`).toBe('balances.transferKeepAlive');
    expect(BigInt(t.method.args[1]!.toString())).toBe(bigAmount);
  }, 30_000);

  it('signs what @polkadot/types computes as the signing payload (short and hashed)', async () => {
    for (const [hash, index, signer, nonce] of [
      [b1.hash, 1, alice, 0],
      [b1.hash, 2, bob, 0],
      [b2.hash, 1, alice, 1], // 300-byte remark: the payload is hashed first
      [b2.hash, 2, bob, 1],
    ] as const) {
      const ext = (await api.rpc.chain.getBlock(hash)).block.extrinsics[index]!;
      expect(ext.nonce.toNumber()).toBe(nonce);
      const payload = api.registry.createType(
        'ExtrinsicPayload',
        {
          method: ext.method.toHex(),
          era: ext.era,
          nonce: ext.nonce,
          tip: ext.tip,
          assetId: ext.assetId,
          mode: ext.mode,
          specVersion: api.runtimeVersion.specVersion,
          transactionVersion: api.runtimeVersion.transactionVersion,
          genesisHash: api.genesisHash,
          blockHash: api.genesisHash,
        },
        { version: 4 }
      );
      let message = payload.toU8a({ method: true });
      expect(message.length > 256).toBe(index === 1 && hash === b2.hash);
      if (message.length > 256) message = blake2AsU8a(message);
      const check = signatureVerify(message, ext.signature.toU8a(), toHex(signer.publicKey));
      expect(check.isValid).toBe(true);
      expect(check.crypto).toBe(signer.algorithm);
    }
  }, 30_000);

  it('decodes System.Events with the right values', async () => {
    const events = (await api.query.system.events.at(b1.hash)) as unknown as any[];
    const named = events.map((e) => ({
      name: `${e.event.section}.${e.event.method}`,
      phase: e.phase.isApplyExtrinsic ? e.phase.asApplyExtrinsic.toNumber() : -1,
      event: e.event,
    }));
    expect(named.map((e) => `${e.phase}:${e.name}`)).toEqual([
      '0:system.ExtrinsicSuccess',
      '1:system.Remarked',
      '1:system.ExtrinsicSuccess',
      '2:balances.Transfer',
      '2:system.ExtrinsicSuccess',
    ]);
    const remarked = named[1]!.event;
    expect(remarked.data[0]!.toString()).toBe(encodeAddress(alice.publicKey, 54));
    expect(remarked.data[1]!.toHex()).toBe(toHex(blake2b256(utf8('hello devnet'))));
    const tr = named[3]!.event;
    expect(tr.data[0]!.toString()).toBe(encodeAddress(bob.publicKey, 54));
    expect(tr.data[1]!.toHex()).toBe(carol);
    expect(BigInt(tr.data[2]!.toString())).toBe(bigAmount);
    const info = named[0]!.event.data[0] as any;
    expect(info.class.isMandatory).toBe(true);

    const e2 = (await api.query.system.events.at(b2.hash)) as unknown as any[];
    const failed = e2[e2.length - 1]!;
    expect(`${failed.event.section}.${failed.event.method}`).toBe('system.ExtrinsicFailed');
    expect((failed.event.data[0] as any).isModule).toBe(true);
    expect(failed.phase.asApplyExtrinsic.toNumber()).toBe(2);
  }, 30_000);

  it('reads the state at any block; decoded headers (digest included) hash to the block', async () => {
    expect((await api.query.system.number.at(b1.hash)).toString()).toBe('1');
    expect((await api.query.system.number.at(b2.hash)).toString()).toBe('2');
    expect((await api.query.system.number.at(chain.genesisHash)).toString()).toBe('0');
    expect((await api.query.system.parentHash.at(b2.hash)).toHex()).toBe(b1.hash);
    expect((await api.query.system.blockHash.at(b2.hash, 0)).toHex()).toBe(chain.genesisHash);
    expect((await api.query.system.blockHash.at(b2.hash, 1)).toHex()).toBe(b1.hash);
    expect((await api.query.system.eventCount.at(b1.hash)).toString()).toBe('5');
    expect((await api.query.timestamp.now.at(b1.hash)).toString()).toBe(String(GENESIS_TS + 6000));
    const upgrade = (await api.query.system.lastRuntimeUpgrade.at(b1.hash)) as any;
    expect(upgrade.unwrap().specVersion.toNumber()).toBe(DEVNET_RUNTIME_VERSION.specVersion);
    expect(upgrade.unwrap().specName.toString()).toBe(DEVNET_RUNTIME_VERSION.specName);
    expect((await api.query.grandpa.currentSetId.at(b1.hash)).toString()).toBe('0');
    expect((await api.query.grandpa.currentSetId.at(b2.hash)).toString()).toBe('1');
    const authorities = (await api.query.grandpa.authorities.at(b2.hash)) as any;
    expect(authorities.map(([id, w]: [any, any]) => [id.toHex(), w.toNumber()])).toEqual(
      nextSet.map((s) => [toHex(s.publicKey), 1])
    );
    const digest = (await api.query.system.digest.at(b2.hash)) as any;
    expect(digest.logs.length).toBe(1);

    const header = await api.rpc.chain.getHeader(b2.hash);
    expect(header.digest.logs.length).toBe(1);
    const log = header.digest.logs[0]!;
    expect(log.isConsensus).toBe(true);
    expect(log.asConsensus[0].toHex()).toBe('0x46524e4b');
    expect(header.hash.toHex()).toBe(b2.hash);
    expect(header.stateRoot.toHex()).toBe(b2.header.stateRoot);

    const key = chain.storageKeys.number;
    const proof = await api.rpc.state.getReadProof([key], b2.hash);
    expect(proof.at.toHex()).toBe(b2.hash);
    const read = readStorageProof(
      header.stateRoot.toU8a(),
      proof.proof.map((n) => n.toU8a(true)),
      hex(key)
    );
    expect(read.ok && toHex(read.value as Uint8Array)).toBe('0x02000000');
  }, 30_000);

  it('decodes the justification of a finalized block and its finality proof', async () => {
    const signed = await api.rpc.chain.getBlock(b1.hash);
    expect(signed.justifications.isSome).toBe(true);
    const [engine, data] = signed.justifications.unwrap()[0]!;
    expect(engine.toHex()).toBe('0x46524e4b');
    expect(data.toHex()).toBe(toHex(chain.justificationOf(b1.hash)!));
    const genesisSet = chain.grandpaSetAt(chain.genesisHash)!;
    const v = verifyGrandpaJustification(data.toU8a(true), 0n, genesisSet.authorities);
    expect(v.ok && toHex(v.value.blockHash)).toBe(b1.hash);
    expect((await api.rpc.chain.getBlock(b2.hash)).justifications.isNone).toBe(true);
    const fp = await api.rpc.grandpa.proveFinality(1);
    expect(fp.unwrap().toHex()).toBe(toHex(chain.proveFinality(1)!));
  }, 30_000);

  it('follows setBest and setFinalized through subscriptions', async () => {
    const heads: number[] = [];
    const finals: number[] = [];
    const unsubHeads = await api.rpc.chain.subscribeNewHeads((h) => {
      heads.push(h.number.toNumber());
    });
    const unsubFinals = await api.rpc.chain.subscribeFinalizedHeads((h) => {
      finals.push(h.number.toNumber());
    });
    await waitFor(() => heads.includes(2) && finals.includes(1), 'the current heads');
    const b3 = chain.build(at(3, [remark(alice, 'three')]));
    chain.setBest(b3.hash);
    await waitFor(() => heads.includes(3), 'new head #3');
    chain.setFinalized(b3.hash);
    await waitFor(() => finals.includes(3), 'finalized #3');
    unsubHeads();
    unsubFinals();
    // @polkadot/api unsubscribes after a short delay; its runtime-version subscription stays.
    await waitFor(() => server.stats().subscriptions <= 1, 'unsubscribed');
  }, 30_000);

  it('works over HTTP with HttpProvider', async () => {
    const httpApi = await ApiPromise.create({
      provider: new HttpProvider(server.url),
      noInitWarn: true,
    });
    try {
      expect(httpApi.genesisHash.toHex()).toBe(chain.genesisHash);
      const block = await httpApi.rpc.chain.getBlock(b1.hash);
      expect(block.block.header.hash.toHex()).toBe(b1.hash);
      expect(block.block.extrinsics[1]!.signer.toString()).toBe(encodeAddress(alice.publicKey, 54));
      const events = (await httpApi.query.system.events.at(b1.hash)) as unknown as any[];
      expect(events.length).toBe(5);
    } finally {
      await httpApi.disconnect();
    }
  }, 30_000);
});

describe('forks', () => {
  let chain: Chain;
  let server: RpcServer;
  beforeAll(async () => {
    chain = newChain();
    server = await startRpcServer({ chain });
  });
  afterAll(async () => {
    await server?.close();
  });

  const nonceOf = (b: BuiltBlock, i: number): number => {
    const x = chain.runtime.decodeExtrinsic(b.extrinsics[i] as string);
    return (x.signature as any).signedExtensions.checkNonce as number;
  };

  it('serves the best chain by height, every block by hash, and replays nonces', async () => {
    const a1 = chain.build(at(1, [remark(alice, 'a1')]));
    const a2 = chain.build(at(2, [remark(alice, 'a2')]), a1.hash);
    const b2 = chain.build(at(2, [remark(alice, 'b2'), remark(alice, 'b2 again')]), a1.hash);
    const b3 = chain.build(at(3, [remark(alice, 'b3')]), b2.hash);
    expect(chain.best.number).toBe(0); // build does not move the head
    expect(b2.parentHash).toBe(a1.hash);
    expect(a2.hash).not.toBe(b2.hash);
    expect([nonceOf(a1, 1), nonceOf(a2, 1)]).toEqual([0, 1]);
    expect([nonceOf(b2, 1), nonceOf(b2, 2), nonceOf(b3, 1)]).toEqual([1, 2, 3]);

    const hashAt = async (h: number): Promise<unknown> =>
      (await rpc(server.url, 'chain_getBlockHash', [h])).result;
    chain.setBest(a2.hash);
    expect(await hashAt(2)).toBe(a2.hash);
    expect(await hashAt(3)).toBe(null);
    chain.setBest(b3.hash);
    expect([await hashAt(1), await hashAt(2), await hashAt(3)]).toEqual([
      a1.hash,
      b2.hash,
      b3.hash,
    ]);
    expect((await rpc(server.url, 'chain_getBlockHash', [[0, 2, 9]])).result).toEqual([
      chain.genesisHash,
      b2.hash,
      null,
    ]);
    expect((await rpc(server.url, 'chain_getBlockHash')).result).toBe(b3.hash);
    for (const b of [a2, b2]) {
      const got = (await rpc(server.url, 'chain_getBlock', [b.hash])).result;
      expect(got.block.header).toEqual(b.header);
      expect(got.block.extrinsics).toEqual(b.extrinsics);
      expect(got.justifications).toBe(null);
      const ev = (await rpc(server.url, 'state_getStorage', [EVENTS_KEY, b.hash])).result;
      expect(ev).toBe(b.eventsHex);
    }
    expect(chain.nonceOf(alice.publicKey)).toBe(4);
    expect(chain.nonceOf(alice.publicKey, a2.hash)).toBe(2);

    // A node never finalizes off the best chain nor reorganises below the finalized block.
    expect(() => chain.setFinalized(a2.hash)).toThrow(/not on the best chain/);
    chain.setFinalized(b2.hash);
    expect(() => chain.setBest(a2.hash)).toThrow(/finalized/);
    expect(() => chain.setFinalized(a1.hash)).toThrow(/below the finalized/);
    expect((await rpc(server.url, 'chain_getFinalizedHead')).result).toBe(b2.hash);
    expect((await rpc(server.url, 'chain_getFinalisedHead')).result).toBe(b2.hash);
  }, 30_000);

  it('answers lookups of unknown blocks without throwing', async () => {
    const unknown = '0x' + 'ab'.repeat(32);
    expect(chain.blockByHash(unknown)).toBeUndefined();
    expect(chain.hashAt(99)).toBeUndefined();
    expect(chain.hashAt(-1)).toBeUndefined();
    expect(chain.storageAt(unknown, EVENTS_KEY)).toBeUndefined();
    expect((await rpc(server.url, 'chain_getBlock', [unknown])).result).toBe(null);
    expect((await rpc(server.url, 'chain_getHeader', [unknown])).result).toBe(null);
    const st = await rpc(server.url, 'state_getStorage', [EVENTS_KEY, unknown]);
    expect(st.error.code).toBe(-32000);
    expect(st.error.message).toMatch(/Unknown block/);
  });

  it('rejects specs the runtime cannot encode, with a clear message', () => {
    const bad =
      (x: ExtrinsicSpec): (() => void) =>
      () =>
        chain.build(at(9, [x]));
    expect(bad({ call: { pallet: 'Nope', name: 'x', args: {} }, events: [] })).toThrow(
      /no call Nope\.x/
    );
    const ev = (args: Record<string, unknown>): ExtrinsicSpec => ({
      call: { pallet: 'System', name: 'remark', args: { remark: '0x' } },
      events: [{ pallet: 'Balances', name: 'Transfer', args }],
    });
    expect(bad(ev({ from: carol, to: carol, amonut: 1n }))).toThrow(/no field amonut/);
    expect(bad(ev({ from: carol, to: carol, amount: 1 }))).toThrow(
      /Balances\.Transfer\.amount: expected a bigint \(U128\), got 1/
    );
    expect(bad(ev({ from: '0x12', to: carol, amount: 1n }))).toThrow(
      /Transfer\.from: expected 0x hex of 32 bytes/
    );
    const call = (args: Record<string, unknown>): ExtrinsicSpec => ({
      call: { pallet: 'Balances', name: 'transfer_keep_alive', args },
      events: [],
    });
    expect(bad(call({ dest: { __kind: 'Id', value: carol }, valu: 1n }))).toThrow(
      /transfer_keep_alive: unknown field valu \(fields: dest, value\)/
    );
    expect(bad(call({ dest: { __kind: 'Nope', value: carol }, value: 1n }))).toThrow(
      /dest: no variant Nope \(variants: Id, Index, Raw, Address32, Address20\)/
    );
    expect(() => chain.build({ timestamp: GENESIS_TS - 1, extrinsics: [] })).toThrow(/timestamp/);
    expect(() => chain.build(at(1, []), '0x' + '00'.repeat(32))).toThrow(/unknown parent/);
  });

  it('serves the storage it knows', async () => {
    const best = chain.best;
    const now = (await rpc(server.url, 'state_getStorageAt', [chain.storageKeys.now])).result;
    expect(now).toBe(toHex(new Uint8Array(new BigUint64Array([BigInt(best.timestamp)]).buffer)));
    const num = (await rpc(server.url, 'state_getStorage', [chain.storageKeys.number, best.hash]))
      .result;
    expect(num).toBe(toHex(Uint8Array.of(best.number, 0, 0, 0)));
    expect((await rpc(server.url, 'state_getStorage', ['0x1234'])).result).toBe(null);
    const q = (await rpc(server.url, 'state_queryStorageAt', [[EVENTS_KEY, '0x00'], best.hash]))
      .result;
    expect(q).toEqual([
      {
        block: best.hash,
        changes: [
          [EVENTS_KEY, best.eventsHex],
          ['0x00', null],
        ],
      },
    ]);
    // Every key of the best block's state, in byte order (the state itself is tested below).
    expect((await rpc(server.url, 'state_getKeysPaged', ['0x', 10])).result).toEqual(
      chain.keysPaged(best.hash, '0x', 10)
    );
    expect((await rpc(server.url, 'state_call', ['Metadata_metadata_versions', '0x'])).result).toBe(
      '0x040e000000'
    );
    const call = await rpc(server.url, 'state_call', ['Core_version', '0x']);
    expect(call.error.message).toMatch(/Core_version/);
    const address = encodeAddress(alice.publicKey, 54);
    expect((await rpc(server.url, 'system_accountNextIndex', [address])).result).toBe(4);
    const methods = (await rpc(server.url, 'rpc_methods')).result.methods as string[];
    expect(methods).toContain('chain_getBlock');
    expect(methods).toContain('state_subscribeRuntimeVersion');
  });
});

describe('hostile input', () => {
  let chain: Chain;
  let server: RpcServer;
  const logged: string[] = [];
  beforeAll(async () => {
    chain = newChain();
    chain.setBest(chain.build(at(1, [remark(alice, 'x')])).hash);
    server = await startRpcServer({
      chain,
      maxBodyBytes: 4096,
      log: (m) => logged.push(m),
      extraMethods: {
        dev_boom: () => {
          throw new Error('boom');
        },
        dev_refuse: () => {
          throw new RpcError(-32602, 'refused');
        },
        dev_async: async (p) => ({ echo: p[0] ?? null, big: 1n << 70n }),
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers malformed JSON, bad requests and unknown methods with JSON-RPC errors', async () => {
    expect((await post(server.url, '{"jsonrpc":')).json.error.code).toBe(-32700);
    expect((await post(server.url, '"hello"')).json.error.code).toBe(-32600);
    expect((await post(server.url, '{}')).json.error.code).toBe(-32600);
    expect((await post(server.url, '{"jsonrpc":"2.0","id":1,"method":5}')).json.error.code).toBe(
      -32600
    );
    expect((await post(server.url, '{"jsonrpc":"2.0","id":{},"method":"x"}')).json.error.code).toBe(
      -32600
    );
    expect((await post(server.url, '[]')).json.error.code).toBe(-32600);
    const unknown = await rpc(server.url, 'no_such_method');
    expect(unknown.error.code).toBe(-32601);
    expect(unknown.id).toBe(1);
    const proto = await rpc(server.url, '__proto__');
    expect(proto.error.code).toBe(-32601);
  });

  it('answers bad params with -32602', async () => {
    const bad: Array<[string, unknown[]]> = [
      ['chain_getBlock', ['xyz']],
      ['chain_getBlock', ['0x' + '0'.repeat(63)]],
      ['chain_getHeader', [42]],
      ['chain_getBlockHash', [-1]],
      ['chain_getBlockHash', [1.5]],
      ['chain_getBlockHash', ['abc']],
      ['chain_getBlockHash', [2 ** 32]],
      ['state_getStorage', ['0x123']],
      ['state_getStorage', [{}]],
      ['state_getStorage', ['0xzz']],
      ['state_queryStorageAt', ['0x00']],
      ['state_getReadProof', ['0x00']],
      ['state_getReadProof', [['0xzz']]],
      ['state_getKeysPaged', ['0x', -1]],
      ['state_getKeysPaged', ['0x', 1001]],
      ['state_getKeysPaged', ['0x', 1, '0x1']],
      ['grandpa_proveFinality', [-1]],
      ['grandpa_proveFinality', []],
      ['state_call', [7, '0x']],
      ['system_accountNextIndex', ['not an address']],
    ];
    for (const [method, params] of bad) {
      const r = await rpc(server.url, method, params);
      expect(r.error?.code, `${method} ${JSON.stringify(params)}`).toBe(-32602);
      expect(typeof r.error.message).toBe('string');
    }
    const objParams = await post(
      server.url,
      '{"jsonrpc":"2.0","id":1,"method":"chain_getBlock","params":{"hash":"0x"}}'
    );
    expect(objParams.json.error.code).toBe(-32602);
  });

  it('enforces HTTP method and body size limits', async () => {
    const get = await fetch(server.url);
    expect(get.status).toBe(405);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as any).best).toBe(1);
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x', params: ['a'.repeat(5000)] });
    const res = await fetch(server.url, { method: 'POST', body: big });
    expect(res.status).toBe(413);
    await res.arrayBuffer();
    // Still serving.
    expect((await rpc(server.url, 'chain_getBlockHash', [1])).result).toBe(chain.best.hash);
  });

  it('handles batches: mixed entries, notifications, and the size limit', async () => {
    const batch = [
      { jsonrpc: '2.0', id: 'a', method: 'chain_getBlockHash', params: [0] },
      { jsonrpc: '2.0', id: 'b', method: 'nope' },
      { jsonrpc: '2.0', method: 'chain_getBlockHash', params: [0] }, // notification: no answer
      { jsonrpc: '2.0', id: 'c', method: 'dev_async', params: [7] },
      42,
    ];
    const r = await post(server.url, JSON.stringify(batch));
    expect(r.json.map((x: any) => x.id)).toEqual(['a', 'b', 'c', null]);
    expect(r.json[0].result).toBe(chain.genesisHash);
    expect(r.json[1].error.code).toBe(-32601);
    expect(r.json[2].result).toEqual({ echo: 7, big: (1n << 70n).toString() });
    expect(r.json[3].error.code).toBe(-32600);
    const only = await post(server.url, '{"jsonrpc":"2.0","method":"system_chain"}');
    expect(only.status).toBe(204);

    const tooMany = Array.from({ length: 1001 }, (_, i) => ({
      jsonrpc: '2.0',
      id: i,
      method: 'x',
    }));
    const bigServer = await startRpcServer({ chain, maxBodyBytes: 1 << 20 });
    try {
      const over = await post(bigServer.url, JSON.stringify(tooMany));
      expect(over.json.error.code).toBe(-32600);
      expect(over.json.error.message).toMatch(/1000/);
    } finally {
      await bigServer.close();
    }
  });

  it('turns handler exceptions into -32603 and logs them', async () => {
    const r = await rpc(server.url, 'dev_boom');
    expect(r.error.code).toBe(-32603);
    expect(r.error.message).toMatch(/boom/);
    expect(logged.some((m) => m.includes('dev_boom'))).toBe(true);
    expect((await rpc(server.url, 'dev_refuse')).error).toEqual({
      code: -32602,
      message: 'refused',
    });
    expect((await rpc(server.url, 'system_chain')).result).toBe('Proof Room devnet');
  });

  it('rejects subscriptions over HTTP and bad WebSocket messages', async () => {
    const sub = await rpc(server.url, 'chain_subscribeNewHeads');
    expect(sub.error.message).toMatch(/WebSocket/);
    const ws = new WebSocket(server.wsUrl);
    const got: any[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send('{not json');
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'chain_getBlockHash', params: [1] }));
    await waitFor(() => got.length === 2, 'two answers');
    expect(got[0].error.code).toBe(-32700);
    expect(got[1]).toEqual({ jsonrpc: '2.0', id: 5, result: chain.best.hash });
    ws.close();
  });
});

describe('WebSocket subscriptions', () => {
  it('sends the current head, then changes, and cleans up when the client disappears', async () => {
    const chain = newChain();
    const server = await startRpcServer({ chain });
    const ws = new WebSocket(server.wsUrl);
    try {
      const got: any[] = [];
      ws.on('message', (d) => got.push(JSON.parse(String(d))));
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_subscribeNewHeads' }));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'chain_subscribeFinalisedHeads' }));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'state_subscribeRuntimeVersion' }));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'chain_subscribeAllHeads' }));
      await waitFor(() => got.length === 8, 'subscription ids and current values');
      const ids = new Map(got.filter((m) => 'id' in m).map((m) => [m.id, m.result]));
      expect(ids.size).toBe(4);
      // The id comes before the first notification.
      const first = got.findIndex((m) => m.method === 'chain_newHead');
      expect(got.findIndex((m) => m.id === 1)).toBeLessThan(first);
      expect(got[first].params).toEqual({ subscription: ids.get(1), result: chain.best.header });
      const rv = got.find((m) => m.method === 'state_runtimeVersion');
      expect(rv.params.result.specVersion).toBe(DEVNET_RUNTIME_VERSION.specVersion);
      expect(server.stats()).toMatchObject({ connections: 1, subscriptions: 4 });

      const b1 = chain.build(at(1, []));
      await waitFor(
        () => got.some((m) => m.method === 'chain_allHead' && m.params.result.number === '0x1'),
        'all heads'
      );
      chain.setBest(b1.hash);
      chain.setFinalized(b1.hash);
      await waitFor(
        () =>
          got.some((m) => m.method === 'chain_newHead' && m.params.result.number === '0x1') &&
          got.some((m) => m.method === 'chain_finalizedHead' && m.params.result.number === '0x1'),
        'new and finalized #1'
      );

      ws.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 9,
          method: 'chain_unsubscribeNewHeads',
          params: [ids.get(1)],
        })
      );
      ws.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 10,
          method: 'chain_unsubscribeNewHeads',
          params: [ids.get(2)],
        })
      );
      await waitFor(() => got.some((m) => m.id === 10), 'unsubscribe answers');
      expect(got.find((m) => m.id === 9).result).toBe(true);
      expect(got.find((m) => m.id === 10).result).toBe(false); // a finalized-heads id
      expect(server.stats().subscriptions).toBe(3);

      // The client vanishes mid-subscription.
      ws.terminate();
      await waitFor(() => server.stats().connections === 0, 'the server to notice the disconnect');
      expect(server.stats().subscriptions).toBe(0);
      const b2 = chain.build(at(2, []));
      chain.setBest(b2.hash);
      expect((await rpc(server.url, 'chain_getBlockHash')).result).toBe(b2.hash);
    } finally {
      ws.terminate();
      await server.close();
    }
  }, 30_000);
});

/**
 * Every key of the state of block `hash` (paged three at a time over RPC), each value checked
 * with `readStorageProof` against the state root of the header the RPC serves, both from one
 * proof of all keys and from a proof of that key alone; `absent` keys read null and prove absent.
 * Returns the state as a map.
 */
async function checkState(
  url: string,
  hash: string,
  absent: readonly string[]
): Promise<Map<string, string>> {
  const header = (await rpc(url, 'chain_getHeader', [hash])).result;
  expect(toHex(headerHash(concatHeader(header)))).toBe(hash);
  const root = hex(header.stateRoot);
  const keys: string[] = [];
  for (;;) {
    const page = (await rpc(url, 'state_getKeysPaged', ['0x', 3, keys.at(-1) ?? null, hash]))
      .result as string[];
    keys.push(...page);
    if (page.length < 3) break;
  }
  expect(keys.length).toBeGreaterThan(10);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys).toEqual([...keys].sort());
  expect((await rpc(url, 'state_getKeys', ['0x', hash])).result).toEqual(keys);
  const all = (await rpc(url, 'state_getReadProof', [[...keys, ...absent], hash])).result;
  expect(all.at).toBe(hash);
  const nodes = (all.proof as string[]).map(hex);
  const state = new Map<string, string>();
  for (const k of keys) {
    const value = (await rpc(url, 'state_getStorage', [k, hash])).result as string;
    expect(typeof value).toBe('string');
    state.set(k, value);
    const r = readStorageProof(root, nodes, hex(k));
    expect(r.ok && toHex(r.value as Uint8Array), k).toBe(value);
    const one = (await rpc(url, 'state_getReadProof', [[k], hash])).result.proof as string[];
    const r1 = readStorageProof(root, one.map(hex), hex(k));
    expect(r1.ok && toHex(r1.value as Uint8Array), k).toBe(value);
  }
  const q = (await rpc(url, 'state_queryStorageAt', [keys, hash])).result;
  expect(q).toEqual([{ block: hash, changes: keys.map((k) => [k, state.get(k)]) }]);
  for (const k of absent) {
    expect((await rpc(url, 'state_getStorage', [k, hash])).result).toBe(null);
    const r = readStorageProof(root, nodes, hex(k));
    expect(r.ok && r.value, k).toBe(null);
  }
  return state;
}

/** The SCALE header of a JSON header (logs are encoded digest items). */
function concatHeader(h: {
  parentHash: string;
  number: string;
  stateRoot: string;
  extrinsicsRoot: string;
  digest: { logs: string[] };
}): Uint8Array {
  return concatBytes(
    hex(h.parentHash),
    compactU(parseInt(h.number.slice(2), 16)),
    hex(h.stateRoot),
    hex(h.extrinsicsRoot),
    compactU(h.digest.logs.length),
    ...h.digest.logs.map(hex)
  );
}

const u32 = (n: number): string => toHex(uintLE(BigInt(n), 4));
const u64 = (n: number | bigint): string => toHex(uintLE(BigInt(n), 8));
/** `Vec<([u8; 32], u64)>` of weight-1 authorities. */
const authorityList = (set: readonly GrandpaSigner[]): Uint8Array =>
  concatBytes(compactU(set.length), ...set.flatMap((s) => [s.publicKey, uintLE(1n, 8)]));

describe('state: a real trie per block', () => {
  const keys = grandpaKeys('devnet-chain-state');
  let chain: Chain;
  let server: RpcServer;
  const canon: BuiltBlock[] = [];
  const orphans: BuiltBlock[] = [];

  beforeAll(async () => {
    chain = newChain({ grandpa: { authorities: keys.genesis } });
    canon.push(chain.best);
    for (let h = 1; h <= 4; h++) {
      const spec: BlockSpec = {
        ...at(h, [remark(alice, `canonical ${h}`)]),
        ...(h === 3 ? { grandpaChange: { next: keys.next } } : {}),
      };
      canon.push(chain.build(spec, canon[h - 1]!.hash));
    }
    // A fork from block 1, then abandoned for the longer canonical chain.
    orphans.push(chain.build(at(2, [remark(bob, 'fork 2')]), canon[1]!.hash));
    orphans.push(chain.build(at(3, [remark(bob, 'fork 3')]), orphans[0]!.hash));
    chain.setBest(orphans[1]!.hash);
    chain.setBest(canon[4]!.hash);
    chain.setFinalized(canon[3]!.hash);
    server = await startRpcServer({ chain });
  });
  afterAll(async () => {
    await server?.close();
  });

  const absent = (): string[] => [
    '0x' + 'ee'.repeat(32),
    chain.storageKeys.number + '00', // below an existing leaf
    '0x26aa394eea5630e07c48ae0c9558cef7', // a branch of System's keys, without a value
    chain.blockHashKey(999),
  ];

  it('proves every value of a canonical block against its state root', async () => {
    const b = canon[4]!;
    const s = await checkState(server.url, b.hash, absent());
    const k = chain.storageKeys;
    expect(s.get(k.number)).toBe(u32(4));
    expect(s.get(k.parentHash)).toBe(canon[3]!.hash);
    expect(s.get(k.events)).toBe(b.eventsHex);
    expect(s.get(k.eventCount)).toBe(u32(b.eventCount));
    expect(s.get(k.now)).toBe(u64(b.timestamp));
    expect(s.get(k.digest)).toBe('0x00');
    // BlockHash keeps genesis and the parent; older ones are pruned.
    expect(s.get(chain.blockHashKey(0))).toBe(chain.genesisHash);
    expect(s.get(chain.blockHashKey(3))).toBe(canon[3]!.hash);
    expect(s.has(chain.blockHashKey(2))).toBe(false);
    const spec = utf8(DEVNET_RUNTIME_VERSION.specName);
    expect(s.get(k.lastRuntimeUpgrade)).toBe(
      toHex(concatBytes(compactU(DEVNET_RUNTIME_VERSION.specVersion), compactU(spec.length), spec))
    );
    const code = hex(s.get(WELL_KNOWN_KEYS.code)!);
    expect(new TextDecoder().decode(code.subarray(0, code.length - 32))).toBe(
      `proofroom-devnet-runtime:node:${DEVNET_RUNTIME_VERSION.specVersion}`
    );
    expect(toHex(code.subarray(code.length - 32))).toBe(toHex(blake2b256(devnetMetadata())));
    expect(s.get(WELL_KNOWN_KEYS.chainName)).toBe(toHex(utf8('Proof Room devnet')));
    // After the set change (block 3): set 1, the next authorities.
    expect(s.get(k.grandpaSetId!)).toBe(u64(1));
    expect(s.get(k.grandpaAuthoritiesItem!)).toBe(toHex(authorityList(keys.next)));
    expect(s.get(WELL_KNOWN_KEYS.grandpaAuthorities)).toBe(
      toHex(concatBytes(Uint8Array.of(1), authorityList(keys.next)))
    );
    // The stored values are what chain.storageAt answers.
    for (const [key, value] of s) expect(chain.storageAt(b.hash, key)).toBe(value);
  });

  it('proves every value of an orphaned block, and of the set-change block', async () => {
    const o = orphans[1]!;
    expect(chain.hashAt(3)).not.toBe(o.hash);
    const s = await checkState(server.url, o.hash, absent());
    expect(s.get(chain.storageKeys.number)).toBe(u32(3));
    expect(s.get(chain.storageKeys.parentHash)).toBe(orphans[0]!.hash);
    expect(s.get(chain.storageKeys.events)).toBe(o.eventsHex);
    expect(s.get(chain.blockHashKey(2))).toBe(orphans[0]!.hash);
    expect(s.get(chain.storageKeys.grandpaSetId!)).toBe(u64(0)); // the fork has no change
    const c = await checkState(server.url, canon[3]!.hash, absent());
    expect(c.get(chain.storageKeys.grandpaSetId!)).toBe(u64(1));
    expect(c.get(chain.storageKeys.digest)).toBe(
      toHex(concatBytes(compactU(1), hex(canon[3]!.header.digest.logs[0]!)))
    );
    expect(c.get(chain.storageKeys.grandpaAuthoritiesItem!)).toBe(toHex(authorityList(keys.next)));
    const p = await checkState(server.url, canon[2]!.hash, absent());
    expect(p.get(chain.storageKeys.grandpaAuthoritiesItem!)).toBe(
      toHex(authorityList(keys.genesis))
    );
  });

  it('proves the genesis state: hash69 parent, the genesis set, the chain identity', async () => {
    const s = await checkState(server.url, chain.genesisHash, absent());
    const h69 = toHex(new Uint8Array(32).fill(69));
    expect(s.get(chain.storageKeys.number)).toBe(u32(0));
    expect(s.get(chain.storageKeys.parentHash)).toBe(h69);
    expect(s.get(chain.blockHashKey(0))).toBe(h69);
    expect(s.get(chain.storageKeys.events)).toBe('0x00');
    expect(s.get(chain.storageKeys.now)).toBe(u64(GENESIS_TS));
    expect(s.get(chain.storageKeys.grandpaSetId!)).toBe(u64(0));
    expect(s.get(chain.storageKeys.grandpaAuthoritiesItem!)).toBe(
      toHex(authorityList(keys.genesis))
    );
    const g = (await rpc(server.url, 'dev_grandpaAuthorities')).result;
    expect(g).toEqual({ setId: 0, authorities: keys.genesis.map((k) => toHex(k.publicKey)) });
  });

  it('pages keys strictly after the start key, within a prefix, at any block', async () => {
    const hash = canon[4]!.hash;
    const all = chain.keysPaged(hash, '0x', 1000)!;
    const system = '0x26aa394eea5630e07c48ae0c9558cef7';
    const sys = (await rpc(server.url, 'state_getKeysPaged', [system, 1000, null, hash])).result;
    expect(sys).toEqual(all.filter((k) => k.startsWith(system)));
    const after = (await rpc(server.url, 'state_getKeysPagedAt', [system, 2, sys[1], hash])).result;
    expect(after).toEqual(sys.slice(2, 4));
    const best = (await rpc(server.url, 'state_getKeysPaged', ['0x3a', 10])).result;
    expect(best).toEqual(
      [WELL_KNOWN_KEYS.code, WELL_KNOWN_KEYS.grandpaAuthorities, WELL_KNOWN_KEYS.chainName].sort()
    );
    expect((await rpc(server.url, 'state_getKeysPaged', ['0x', 1001])).error.code).toBe(-32602);
    const size = (await rpc(server.url, 'state_getStorageSize', [chain.storageKeys.now, hash]))
      .result;
    expect(size).toBe(8);
    const h = (await rpc(server.url, 'state_getStorageHash', [chain.storageKeys.now, hash])).result;
    expect(h).toBe(toHex(blake2b256(hex(u64(canon[4]!.timestamp)))));
    expect((await rpc(server.url, 'state_getStorageHash', ['0x1234', hash])).result).toBe(null);
    const unknown = await rpc(server.url, 'state_getReadProof', [[], '0x' + 'ab'.repeat(32)]);
    expect(unknown.error.code).toBe(-32000);
    expect(chain.readProof('0x' + 'ab'.repeat(32), [])).toBeUndefined();
  });

  it('derives System.BlockHash keys as the metadata hasher (Twox64Concat) does', () => {
    for (const n of [0, 1, 2, 255, 256, 65_535, 1_000_000, 0x7fffffff, 0xffffffff]) {
      expect(chain.blockHashKey(n)).toBe(chain.runtime.encodeStorageKey('System.BlockHash', n));
    }
    expect(() => chain.blockHashKey(-1)).toThrow(RangeError);
  });

  it('notifies storage subscribers with values consistent with the state', async () => {
    const ws = new WebSocket(server.wsUrl);
    const got: any[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    try {
      const ks = [chain.storageKeys.number, chain.storageKeys.grandpaSetId!];
      ws.send(
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'state_subscribeStorage', params: [ks] })
      );
      await waitFor(() => got.some((m) => m.method === 'state_storage'), 'the current values');
      const first = got.find((m) => m.method === 'state_storage').params.result;
      expect(first).toEqual({
        block: chain.best.hash,
        changes: ks.map((k) => [k, chain.storageAt(chain.best.hash, k)]),
      });
      const b5 = chain.build(at(5, []), canon[4]!.hash);
      chain.setBest(b5.hash);
      await waitFor(
        () => got.some((m) => m.method === 'state_storage' && m.params.result.block === b5.hash),
        'the new head'
      );
      const next = got.find((m) => m.params?.result?.block === b5.hash).params.result;
      expect(next.changes[0]).toEqual([chain.storageKeys.number, u32(5)]);
    } finally {
      ws.terminate();
    }
  });

  it('commits to the chain identity in the genesis hash', () => {
    const a = newChain({ grandpa: { authorities: grandpaKeys('seed a').genesis } });
    const a2 = newChain({ grandpa: { authorities: grandpaKeys('seed a').genesis } });
    const b = newChain({ grandpa: { authorities: grandpaKeys('seed b').genesis } });
    const named = newChain({
      grandpa: { authorities: grandpaKeys('seed a').genesis },
      chainName: 'Another devnet',
    });
    const later = newChain({
      grandpa: { authorities: grandpaKeys('seed a').genesis },
      genesisTimestamp: GENESIS_TS + 1,
    });
    expect(a2.genesisHash).toBe(a.genesisHash);
    const all = [a, b, named, later].map((c) => c.genesisHash);
    expect(new Set(all).size).toBe(4);
    // Without authorities: four derived from the chain name.
    expect(newChain().grandpaSetAt(newChain().genesisHash)!.authorities.length).toBe(4);
    expect(() => newChain({ grandpa: { authorities: [] } })).toThrow(/at least one/);
    const dup = grandpaKeys('dup').genesis;
    expect(() => newChain({ grandpa: { authorities: [dup[0]!, dup[0]!] } })).toThrow(/twice/);
  });

  it('uses trie layout V1 (values of 33 bytes or more by hash) when stateVersion is 1', async () => {
    const v1 = newChain({ runtimeVersion: { ...DEVNET_RUNTIME_VERSION, stateVersion: 1 } });
    const v0 = newChain();
    expect([v1.stateVersion, v0.stateVersion]).toEqual([1, 0]);
    const spec = at(1, [remark(alice, 'a value of more than 32 bytes in System.Events')]);
    const b1 = v1.build(spec);
    const b0 = v0.build(spec);
    expect(b1.eventsHex).toBe(b0.eventsHex);
    expect(b1.header.stateRoot).not.toBe(b0.header.stateRoot);
    // The events are a separate value node of the V1 proof; V0 inlines them in their leaf.
    expect(v1.readProof(b1.hash, [v1.storageKeys.events])).toContain(b1.eventsHex);
    expect(v0.readProof(b0.hash, [v0.storageKeys.events])).not.toContain(b0.eventsHex);
    const s1 = await startRpcServer({ chain: v1 });
    try {
      v1.setBest(b1.hash);
      await checkState(s1.url, b1.hash, absent());
      await checkState(s1.url, v1.genesisHash, absent());
    } finally {
      await s1.close();
    }
  });
});

/** Decodes SCALE `FinalityProof { block, justification, unknown_headers }`. */
function decodeFinalityProof(bytes: Uint8Array): {
  block: string;
  justification: Uint8Array;
  headers: Array<{ encoded: Uint8Array; header: Header }>;
} {
  const r = new ScaleReader(bytes);
  const block = toHex(r.take(32)!);
  const justification = r.bytesVec()!.slice();
  const n = r.compactU32()!;
  const headers: Array<{ encoded: Uint8Array; header: Header }> = [];
  for (let i = 0; i < n; i++) {
    const start = r.offset;
    const h = readHeader(r);
    if (!h.ok) throw new Error(`bad header ${i}`);
    headers.push({ encoded: bytes.slice(start, r.offset), header: h.value });
  }
  expect(r.done).toBe(true);
  return { block, justification, headers };
}

describe('GRANDPA finality', () => {
  const keys = grandpaKeys('devnet-chain-grandpa');
  const CHANGE = 20;
  let chain: Chain;
  let server: RpcServer;
  const blocks: BuiltBlock[] = [];

  beforeAll(async () => {
    chain = newChain({ grandpa: { authorities: keys.genesis } });
    blocks.push(chain.best);
    for (let h = 1; h <= 40; h++) {
      const spec: BlockSpec = {
        ...at(h, h % 5 === 0 ? [remark(alice, `block ${h}`)] : []),
        ...(h === CHANGE ? { grandpaChange: { next: keys.next } } : {}),
      };
      blocks.push(chain.build(spec, blocks[h - 1]!.hash));
    }
    chain.setBest(blocks[40]!.hash);
    chain.setFinalized(blocks[10]!.hash);
    chain.setFinalized(blocks[37]!.hash);
    server = await startRpcServer({ chain });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** The set that finalizes block h: the genesis set up to the change block, then the next. */
  const setOf = (h: number): { id: bigint; keys: Uint8Array[] } =>
    h <= CHANGE
      ? { id: 0n, keys: keys.genesis.map((k) => k.publicKey) }
      : { id: 1n, keys: keys.next.map((k) => k.publicKey) };

  it('keeps a justification for finalized heads, set-change and period blocks', () => {
    const justified = blocks.filter((b) => chain.justificationOf(b.hash) !== undefined);
    expect(justified.map((b) => b.number)).toEqual([10, 16, 20, 32, 37]);
    expect(GRANDPA_JUSTIFICATION_PERIOD).toBe(16);
    expect(chain.justificationOf(blocks[38]!.hash)).toBeUndefined(); // not final
  });

  it('signs each with the set that finalizes the block, every authority precommitting', () => {
    for (const n of [10, 16, 20, 32, 37]) {
      const b = blocks[n]!;
      const j = chain.justificationOf(b.hash)!;
      const set = setOf(n);
      expect(chain.finalizingSetOf(b.hash)).toEqual({ setId: set.id, authorities: set.keys });
      const v = verifyGrandpaJustification(j, set.id, set.keys);
      expect(v.ok, `#${n}`).toBe(true);
      if (!v.ok) continue;
      expect([toHex(v.value.blockHash), v.value.blockNumber]).toEqual([b.hash, n]);
      // The other set does not verify it.
      const other = setOf(n <= CHANGE ? CHANGE + 1 : CHANGE);
      expect(verifyGrandpaJustification(j, other.id, other.keys).ok).toBe(false);
    }
    // Rounds increase along the chain within a set.
    const round = (n: number): bigint => {
      const r = new ScaleReader(chain.justificationOf(blocks[n]!.hash)!);
      return r.u64()!;
    };
    expect(round(10) < round(16) && round(16) < round(20)).toBe(true);
    expect(round(32) < round(37)).toBe(true);
  });

  it('signals the change in the header digest and enacts it in the state of that block', () => {
    const b = blocks[CHANGE]!;
    expect(b.header.digest.logs.length).toBe(1);
    expect(b.header.digest.logs[0]!.startsWith('0x0446524e4b')).toBe(true);
    const encoded = chain.encodedHeader(b.hash)!;
    expect(toHex(headerHash(encoded))).toBe(b.hash);
    const h = decodeHeader(encoded);
    expect(h.ok).toBe(true);
    if (!h.ok) return;
    const signals = grandpaDigest(h.value);
    expect(signals.ok && signals.value).toEqual([
      {
        type: 'ScheduledChange',
        delay: 0,
        authorities: keys.next.map((k) => ({ id: k.publicKey, weight: 1n })),
      },
    ]);
    expect(chain.grandpaSetAt(blocks[CHANGE - 1]!.hash)!.setId).toBe(0n);
    expect(chain.grandpaSetAt(b.hash)).toEqual({
      setId: 1n,
      authorities: keys.next.map((k) => k.publicKey),
    });
    for (const n of [1, CHANGE - 1, CHANGE + 1, 40]) {
      expect(blocks[n]!.header.digest.logs).toEqual([]);
    }
  });

  it('serves justifications in chain_getBlock as a node does', async () => {
    for (const n of [10, 16, 20, 11, 38]) {
      const got = (await rpc(server.url, 'chain_getBlock', [blocks[n]!.hash])).result;
      const j = chain.justificationOf(blocks[n]!.hash);
      if (j === undefined) expect(got.justifications, `#${n}`).toBe(null);
      else expect(got.justifications).toEqual([[[70, 82, 78, 75], [...j]]]);
      expect(got.block.header).toEqual(blocks[n]!.header);
    }
  });

  it('proves finality from the genesis set across the set change (grandpa_proveFinality)', async () => {
    const prove = async (n: number): Promise<string | null> =>
      (await rpc(server.url, 'grandpa_proveFinality', [n])).result;
    // A light client that trusts the genesis set only.
    const trust = (await rpc(server.url, 'dev_grandpaAuthorities')).result;
    let setId = BigInt(trust.setId);
    let authorities = (trust.authorities as string[]).map(hex);

    /** The proof for block n: its target, the headers linking n to it, its justification. */
    const check = async (n: number, target: number): Promise<Header> => {
      const p = decodeFinalityProof(hex((await prove(n))!));
      expect(p.block).toBe(blocks[target]!.hash);
      expect(p.headers.map((x) => x.header.number)).toEqual(
        Array.from({ length: target - n }, (_, i) => n + 1 + i)
      );
      let parent = blocks[n]!.hash;
      for (const x of p.headers) {
        expect(toHex(x.header.parentHash)).toBe(parent);
        parent = toHex(headerHash(x.encoded));
      }
      expect(parent).toBe(p.block);
      const v = verifyGrandpaJustification(p.justification, setId, authorities);
      expect(v.ok && toHex(v.value.blockHash), `#${n}`).toBe(p.block);
      return p.headers.at(-1)?.header as Header;
    };
    // The nearest justified block: a former finalized head, a period block, the set-change
    // block, the finalized head.
    await check(5, 10);
    await check(11, 16);
    const last = await check(17, CHANGE);
    // The change block's header enacts the next set: the client moves to it.
    const change = grandpaDigest(last);
    expect(change.ok && change.value[0]!.type).toBe('ScheduledChange');
    if (!change.ok || change.value[0]!.type !== 'ScheduledChange') return;
    setId += 1n;
    authorities = change.value[0]!.authorities.map((a) => a.id);
    await check(25, 32);
    await check(33, 37);
    await check(37, 37);

    // The change block itself: its own justification, no headers.
    const p20 = decodeFinalityProof(hex((await prove(CHANGE))!));
    expect([p20.block, p20.headers.length]).toEqual([blocks[CHANGE]!.hash, 0]);
    // Not final yet, or beyond the chain: null; a bad number: -32602.
    expect(await prove(38)).toBe(null);
    expect(await prove(1000)).toBe(null);
    expect((await rpc(server.url, 'grandpa_proveFinality', ['x'])).error.code).toBe(-32602);
  });

  it('streams the justification of each newly finalized head over WebSocket', async () => {
    const ws = new WebSocket(server.wsUrl);
    const got: any[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    try {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'grandpa_subscribeJustifications' }));
      await waitFor(() => got.some((m) => m.id === 1), 'the subscription id');
      chain.setFinalized(blocks[39]!.hash);
      await waitFor(
        () => got.some((m) => m.method === 'grandpa_justifications'),
        'a justification'
      );
      const j = got.find((m) => m.method === 'grandpa_justifications').params.result as string;
      const v = verifyGrandpaJustification(hex(j), 1n, setOf(39).keys);
      expect(v.ok && toHex(v.value.blockHash)).toBe(blocks[39]!.hash);
      // Block 38 was passed over: no justification of its own (not a period or change block).
      expect(chain.justificationOf(blocks[38]!.hash)).toBeUndefined();
    } finally {
      ws.terminate();
    }
  });

  it('refuses a change to an empty or repeated set', () => {
    const c = newChain({ grandpa: { authorities: keys.genesis } });
    expect(() => c.build({ ...at(1, []), grandpaChange: { next: [] } })).toThrow(/at least one/);
    expect(() =>
      c.build({ ...at(1, []), grandpaChange: { next: [keys.next[0]!, keys.next[0]!] } })
    ).toThrow(/twice/);
  });
});
