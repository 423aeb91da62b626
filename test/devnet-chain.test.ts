/**
 * Tests of devnet/chain.ts (SCALE blocks from BlockSpecs) and devnet/rpc-server.ts (Substrate
 * JSON-RPC over HTTP and WebSocket), checked with independent clients: @polkadot/api decodes the
 * blocks, events and signed extrinsics and follows the heads; @polkadot/util-crypto verifies the
 * extrinsic signatures over a signing payload @polkadot/types rebuilds; the extrinsics root is
 * compared with real Polkadot blocks.
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
import { Chain, orderedTrieRoot, type BuiltBlock } from '../devnet/chain.ts';
import type { BlockSpec, ExtrinsicSigner, ExtrinsicSpec } from '../devnet/chain-types.ts';
import { account, identity } from '../devnet/keys.ts';
import { DEVNET_RUNTIME_VERSION, devnetMetadata } from '../devnet/metadata.ts';
import { RpcError, startRpcServer, type RpcServer } from '../devnet/rpc-server.ts';
import { parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';

const GENESIS_TS = 1_760_000_000_000;
const EVENTS_KEY = '0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7';

const alice = identity('devnet-chain-test', 'alice', 'ed25519');
const bob = identity('devnet-chain-test', 'bob', 'sr25519');
const carol = toHex(account('devnet-chain-test', 'carol'));

function newChain(): Chain {
  return new Chain({
    metadata: devnetMetadata(),
    runtimeVersion: DEVNET_RUNTIME_VERSION,
    genesisTimestamp: GENESIS_TS,
  });
}

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

  beforeAll(async () => {
    await cryptoWaitReady();
    chain = newChain();
    b1 = chain.build(at(1, [remark(alice, 'hello devnet'), transfer(bob, bigAmount)]));
    chain.setBest(b1.hash);
    b2 = chain.build(at(2, [remark(alice, longRemark), transfer(bob, 5n, true)]));
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
    expect((await rpc(server.url, 'state_getKeysPaged', ['0x', 10])).result).toEqual([]);
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
