/**
 * Chain-bound receipts (issue 18), end to end: the devnet serves a real state trie and GRANDPA
 * justifications, the real indexer indexes its fault scenario, the API's bundles carry proofs
 * fetched from the node (`api/chain-proofs.ts`), and `verifyBundle` checks every chain fact
 * against them.
 *
 * - every bundle of the scenario proves its chain facts; it is pinned by a trust root that agrees
 *   (the devnet as a trusted node, its genesis GRANDPA set, pins of its blocks), and refused by one
 *   that does not (another devnet, with another seed);
 * - the two forgeries of the issue fail with coded chain lines, with and without a trust root: a
 *   bundle invented from scratch (here: the devnet's own bundle of another chain, carried with
 *   proofs of that chain), and a failing receipt whose chain facts were edited to look healthy;
 * - every chain check of the catalogue fails in some bundle altered in flight;
 * - every single-byte change of a header, a storage proof node and a justification fails a line;
 * - the storage keys the verifier hard-codes are the ones `@subsquid/substrate-runtime` derives.
 */
import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Runtime } from '@subsquid/substrate-runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReceiptBundle } from '../api/bundle.ts';
import { fetchRpcBatch } from '../api/rpc.ts';
import { ChainProofSource } from '../verifier/proof-source.ts';
import { askNode as askTrustedNode } from '../cli/trust.ts';
import { type Devnet, startDevnet } from '../devnet/devnet.ts';
import { DEVNET_RUNTIME_VERSION, devnetMetadata } from '../devnet/metadata.ts';
import { type ReceiptBundleJson, parseBundle } from '../verifier/bundle.ts';
import { parseHex } from '../verifier/bytes.ts';
import { CATALOGUE } from '../verifier/catalogue.ts';
import { ChainView, STORAGE_KEYS, type TrustRoots, citedBlocks } from '../verifier/chain.ts';
import { compactU, concatBytes, toHex, uintLE, utf8 } from '../verifier/bytes.ts';
import { encodeHeader, headerHash } from '../verifier/header.ts';
import { trieProof, trieRoot } from '../verifier/trie-builder.ts';
import { nodeBackend } from '../verifier/node/index.ts';
import { type BundleReport, verifyBundle } from '../verifier/receipt.ts';
import { cliVerify } from './helpers/cli-verify.ts';
import { type IndexedDevnet, indexDevnet } from './helpers/indexed-devnet.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'proofroom-chain-proofs-'));

/** Verifies a bundle's JSON as `proofroom verify` does. */
function check(json: unknown, trust: TrustRoots = {}): BundleReport {
  const p = parseBundle(JSON.stringify(json));
  if (!p.ok) throw new Error(`bundle does not parse: ${p.errors.join('; ')}`);
  return verifyBundle(p.bundle, nodeBackend, undefined, { trust });
}

const chainLine = (r: BundleReport, check: string) => r.lines.find((l) => l.check === check)!;
const failing = (r: BundleReport) =>
  r.lines.filter((l) => l.status === 'fail').map((l) => `${l.check}:${l.code}`);
const chainFailing = (r: BundleReport) =>
  r.lines
    .filter((l) => l.step === 'chain' && l.status === 'fail')
    .map((l) => `${l.check}:${l.code}`);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('storage keys', () => {
  it('are the ones the runtime metadata derives', () => {
    const v = DEVNET_RUNTIME_VERSION;
    const rt = new Runtime(
      {
        specName: v.specName,
        specVersion: v.specVersion,
        implName: v.implName,
        implVersion: v.implVersion,
      },
      devnetMetadata()
    );
    expect(rt.encodeStorageKey('System.Events')).toBe(STORAGE_KEYS.events);
    expect(rt.encodeStorageKey('System.LastRuntimeUpgrade')).toBe(STORAGE_KEYS.lastRuntimeUpgrade);
    expect(rt.encodeStorageKey('Timestamp.Now')).toBe(STORAGE_KEYS.timestampNow);
  });
});

describe('the proven runtime of a block', () => {
  // A one-block chain made here: its state holds System.Events (empty), the runtime version and
  // the time; the events decode only with types the verifier pinned for that runtime.
  const stateOf = (specName: string, specVersion: number) => {
    const upgrade = concatBytes(compactU(specVersion), compactU(specName.length), utf8(specName));
    const entries: Array<[Uint8Array, Uint8Array]> = [
      [parseHex(STORAGE_KEYS.events)!, Uint8Array.of(0)],
      [parseHex(STORAGE_KEYS.lastRuntimeUpgrade)!, upgrade],
      [parseHex(STORAGE_KEYS.timestampNow)!, uintLE(1_700_000_000_000n, 8)],
    ];
    const header = encodeHeader({
      parentHash: new Uint8Array(32),
      number: 1,
      stateRoot: trieRoot(entries, 0),
      extrinsicsRoot: new Uint8Array(32),
      digest: [],
    });
    const block = toHex(headerHash(header));
    const view = new ChainView({
      headers: [toHex(header)],
      storage: [
        {
          block,
          nodes: trieProof(
            entries,
            entries.map(([k]) => k),
            0
          ).map(toHex),
        },
      ],
      justifications: [],
      authorities: null,
      extrinsics: [],
    });
    const ph = view.resolve(1);
    if (!ph.ok) throw new Error('resolve');
    return view.state(ph.value);
  };

  it('decodes the events of a pinned runtime, and refuses one it has not pinned', () => {
    const v = DEVNET_RUNTIME_VERSION;
    const known = stateOf(v.specName, v.specVersion);
    expect(known.events).toEqual({ ok: true, value: [] });
    expect(known.timestamp).toEqual({ ok: true, value: 1_700_000_000_000 });
    for (const [name, version] of [
      [v.specName, v.specVersion + 1],
      ['cere', v.specVersion],
    ] as const) {
      const st = stateOf(name, version);
      expect(st.events.ok).toBe(false);
      if (!st.events.ok) {
        expect(st.events.code).toBe('UNKNOWN_RUNTIME');
        expect(st.events.facts).toMatchObject({ specName: name, specVersion: version });
      }
    }
  });
});

describe('chain-bound bundles, through the indexer and the API', () => {
  let ix: IndexedDevnet;
  let other: Devnet;
  let db: pg.Pool;
  let source: ChainProofSource;
  let genesisSet: NonNullable<TrustRoots['authorities']>;
  const bundles = new Map<string, ReceiptBundleJson>();
  const reports = new Map<string, BundleReport>();

  beforeAll(async () => {
    ix = await indexDevnet('pglite');
    other = await startDevnet({ seed: 'another-chain', records: 40, eras: 2 });
    db = new pg.Pool({ connectionString: ix.url, max: 2 });
    source = new ChainProofSource(fetchRpcBatch(ix.devnet.rpcUrl));
    const res = await fetch(ix.devnet.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'dev_grandpaAuthorities', params: [] }),
    });
    const g = ((await res.json()) as { result: { setId: string | number; authorities: string[] } })
      .result;
    genesisSet = {
      setId: BigInt(g.setId),
      keys: g.authorities.map((k) => parseHex(k, 32)!),
    };
    const ids = (await db.query(`SELECT id FROM activity_record ORDER BY batch_id, leaf_index`))
      .rows as Array<{ id: string }>;
    for (const { id } of ids) {
      const b = (await buildReceiptBundle(db, id, { proofs: source }))!;
      bundles.set(id, b);
      reports.set(id, check(b));
    }
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await ix?.close();
    await other?.close();
  });

  it('proves the chain facts of every bundle, consistent but not pinned without a trust root', () => {
    expect(bundles.size).toBe(ix.devnet.manifest.records);
    const problems: string[] = [];
    for (const [id, r] of reports) {
      const bad = chainFailing(r);
      if (bad.length > 0) problems.push(`${id}: ${bad.join(' ')}`);
      expect(r.chain.pinned).toBe(false);
      expect(chainLine(r, 'chain.pin').basis).toBe('trusted');
    }
    // The one chain fact an honest devnet leaves unproven: the hostile batch's anchor, which the
    // scenario leaves unfinalized, claims no finality either.
    expect(problems).toEqual([]);
  });

  it('pins every bundle to the devnet as a trusted node, its genesis GRANDPA set, or pins', async () => {
    const heights = new Set<number>();
    for (const r of bundles.values()) {
      const p = parseBundle(JSON.stringify(r));
      if (p.ok) for (const h of citedBlocks(p.bundle).heights) heights.add(h);
    }
    const node = await askTrustedNode(ix.devnet.rpcUrl, [...heights]);
    // The user's own list of block hashes: the canonical hash at every height the bundles cite.
    const pins = [...heights].map((n) => ({ number: n, hash: ix.devnet.chain.hashAt(n)! }));
    let honest = 0;
    for (const [id, b] of bundles) {
      const r0 = reports.get(id)!;
      if (r0.status !== 'pass') continue;
      honest++;
      for (const trust of [{ node }, { authorities: genesisSet }, { pins }] as TrustRoots[]) {
        const r = check(b, trust);
        expect(failing(r), `${id} ${Object.keys(trust)[0]}`).toEqual([]);
        expect(r.chain.pinned).toBe(true);
      }
    }
    expect(honest).toBeGreaterThan(50);
  });

  it('refuses the proofs when the trusted node is another chain', async () => {
    const [id, b] = [...bundles].find(([id]) => reports.get(id)!.status === 'pass')!;
    const p = parseBundle(JSON.stringify(b));
    if (!p.ok) throw new Error('parse');
    const node = await askTrustedNode(other.rpcUrl, citedBlocks(p.bundle).heights);
    const r = check(b, { node });
    expect(chainFailing(r), id).toContain('chain.pin:NOT_CANONICAL');
    expect(chainLine(r, 'chain.pin').code).toBe('NOT_CANONICAL');
    expect(r.status).toBe('fail');
  });

  it('fails a bundle of another chain, with its own consistent proofs, against this chain', async () => {
    // "Invented from scratch": own keys, own genesis, own blocks and votes, proofs included.
    const otherSource = new ChainProofSource(fetchRpcBatch(other.rpcUrl));
    const honest = other.manifest.records > 0;
    expect(honest).toBe(true);
    // The other devnet has no indexer here: take one of its scenario bundles and prove it from
    // its own node, as a forger with a node of their own would.
    const forged = other.bundle(0);
    const p = parseBundle(JSON.stringify(forged));
    if (!p.ok) throw new Error('parse');
    const withProofs = {
      ...forged,
      version: 3,
      proofs: (await import('../verifier/bundle.ts')).writeProofs(
        await otherSource.proofsFor(citedBlocks(p.bundle))
      ),
    };
    // Without a trust root it is consistent with itself, and says only that.
    const alone = check(withProofs);
    expect(alone.chain.pinned).toBe(false);
    // Against this chain's node, authority set or pins it fails.
    const node = await askTrustedNode(ix.devnet.rpcUrl, citedBlocks(p.bundle).heights);
    expect(chainFailing(check(withProofs, { node }))).toContain('chain.pin:NOT_CANONICAL');
    const byAuthorities = chainFailing(check(withProofs, { authorities: genesisSet }));
    expect(byAuthorities.length).toBeGreaterThan(0);
    // And a bundle without proofs at all fails its chain lines.
    const bare = check(forged);
    expect(chainFailing(bare)).toContain('chain.headers:NOT_PROVEN');
    expect(chainLine(bare, 'chain.votes').code).toBe('NOT_PROVEN');
    expect(bare.status).toBe('fail');
  });

  it('turns edited chain facts red: finality, validators, amounts, paid', () => {
    const entries = [...bundles];
    const byStatus = (pred: (r: BundleReport) => boolean) =>
      entries.find(([id]) => pred(reports.get(id)!));
    // A receipt failing NOT_FINAL: mark its anchor final.
    const notFinal = byStatus((r) =>
      r.lines.some((l) => l.check === 'anchor.finality' && l.code === 'NOT_FINAL')
    );
    expect(notFinal).toBeDefined();
    const f = clone(notFinal![1]) as any;
    f.anchor.block.finalized = true;
    expect(chainFailing(check(f))).toContain('chain.finality:NOT_FINAL');
    expect(chainFailing(check(f, { authorities: genesisSet }))).toContain(
      'chain.finality:NOT_FINAL'
    );

    // A receipt failing QUORUM_NOT_MET: cut the validator set to the agreeing voters.
    const noQuorum = byStatus((r) => r.lines.some((l) => l.code === 'QUORUM_NOT_MET'));
    expect(noQuorum).toBeDefined();
    const q = clone(noQuorum![1]) as any;
    q.attestation.validators = q.attestation.votes.map((v: { validator: string }) => v.validator);
    expect(chainFailing(check(q))).toContain('chain.validators:FACT_MISMATCH');
    expect(chainLine(check(q), 'chain.validators').code).toBe('FACT_MISMATCH');

    // A receipt failing NOT_BALANCED: make the rewards balance.
    const unbalanced = byStatus((r) => r.lines.some((l) => l.code === 'NOT_BALANCED'));
    expect(unbalanced).toBeDefined();
    const c = clone(unbalanced![1]) as any;
    const cons = c.conservation;
    const distributed =
      BigInt(cons.treasuryFees) +
      BigInt(cons.reserveFees) +
      BigInt(cons.validatorFees) +
      BigInt(cons.notDistributed);
    cons.rewarded = (BigInt(cons.charged) - distributed).toString();
    expect(chainFailing(check(c))).toContain('chain.conservation:FACT_MISMATCH');

    // A receipt whose era was not paid: claim it was, citing another event.
    const unpaid = byStatus((r) =>
      r.lines.some((l) => l.check === 'settlement.paid' && l.status !== 'pass')
    );
    expect(unpaid).toBeDefined();
    const u = clone(unpaid![1]) as any;
    u.settlement.paid = { ...u.anchor.source };
    expect(chainFailing(check(u))).toContain('chain.paid:FACT_MISMATCH');
  });

  it('fails every chain check of the catalogue in some bundle altered in flight', () => {
    const [, honest] = [...bundles].find(([id]) => {
      const r = reports.get(id)!;
      return r.status === 'pass' && JSON.stringify(bundles.get(id)).includes('"superseded":null');
    })!;
    const h = honest as any;
    const alter = (f: (b: any) => void): BundleReport => {
      const b = clone(h);
      f(b);
      return check(b);
    };
    const seen = new Map<string, Set<string>>();
    const note = (r: BundleReport) => {
      for (const l of r.lines)
        if (l.step === 'chain' && l.status === 'fail') {
          if (!seen.has(l.check)) seen.set(l.check, new Set());
          seen.get(l.check)!.add(l.code!);
        }
    };
    note(alter((b) => (b.proofs.headers[0] = b.proofs.headers[0].slice(0, 40))));
    note(
      alter((b) => {
        b.anchor.block.finalized = true;
        b.proofs.justifications = [];
      })
    );
    note(alter((b) => (b.anchor.remarkHash = '0x' + '11'.repeat(32))));
    note(
      alter((b) => {
        if (b.grant.anchors[0]) b.grant.anchors[0].block.timestamp += 1;
      })
    );
    note(
      alter((b) => {
        if (b.registration?.membership[0]) b.registration.membership[0].at += 6000;
      })
    );
    note(alter((b) => (b.attestation.validators = b.attestation.validators.slice(1))));
    note(alter((b) => (b.attestation.votes[0].payersRoot = '0x' + '22'.repeat(32))));
    note(alter((b) => (b.settlement.paid = { ...b.anchor.source })));
    note(alter((b) => (b.attestation.payout.fingerprint = '0x' + '44'.repeat(32))));
    note(
      alter((b) => {
        // Attestation still passes (a vote's ehd_id is only read by its own fingerprint line,
        // which fails too); the chain says the validator committed another ehd_id.
        const v = b.attestation.votes.find((x: { ehdId: string | null }) => x.ehdId);
        v.ehdId = v.ehdId.replace(/-(\d+)$/, (_m: string, e: string) => `-${Number(e) + 1}`);
      })
    );
    note(
      alter((b) => {
        const side = b.settlement.payers ?? b.settlement.payees;
        side.events[0].amount = (BigInt(side.events[0].amount) + 1n).toString();
      })
    );
    note(alter((b) => (b.conservation.charged = (BigInt(b.conservation.charged) + 1n).toString())));
    const p = parseBundle(JSON.stringify(h));
    if (!p.ok) throw new Error('parse');
    const heights = citedBlocks(p.bundle).heights;
    const wrong = new Map(heights.map((n) => [n, '0x' + '33'.repeat(32)]));
    note(
      check(h, { node: { label: 'a node that disagrees', canonical: wrong, finalizedNumber: 1e9 } })
    );
    // Facts read from extrinsics: begin_payout, a vote's ehd_id, a payout batch's entries.
    const payout = alter((b) => (b.attestation.payout.fingerprint = '0x' + '55'.repeat(32)));
    expect(chainLine(payout, 'chain.payout').code).toBe('FACT_MISMATCH');
    const entries = alter((b) => {
      const side = b.settlement.payers ?? b.settlement.payees;
      side.entries[0].amount = (BigInt(side.entries[0].amount) + 1n).toString();
    });
    expect(chainLine(entries, 'chain.settlement').code).toBe('FACT_MISMATCH');
    expect(chainLine(entries, 'chain.settlement').facts.field).toMatch(/send_\w+_batch\.pay/);
    // A paid era whose begin_payout is placed after its payment: no range to sum, so it fails.
    const backwards = alter(
      (b) => (b.attestation.payout.source.block = b.settlement.paid.block + 1)
    );
    expect(chainLine(backwards, 'chain.conservation').code).toBe('TOO_LARGE');
    const chainChecks = CATALOGUE.filter((c) => c.subject === 'chain').map((c) => c.check);
    const never = chainChecks.filter((c) => !seen.has(c));
    expect(never).toEqual([]);
    for (const c of CATALOGUE.filter((x) => x.subject === 'chain'))
      for (const code of seen.get(c.check) ?? [])
        expect(c.fails as readonly string[], `${c.check} ${code}`).toContain(code);
  });

  it('fails a line for every single-byte change of a header, a proof node and a justification', () => {
    const [, honest] = [...bundles].find(([id]) => reports.get(id)!.status === 'pass')!;
    const h = honest as any;
    const flips = (hex: string, max = 400): string[] => {
      const bytes = parseHex(hex)!;
      const step = Math.max(1, Math.floor(bytes.length / max));
      const out: string[] = [];
      for (let i = 0; i < bytes.length; i += step) {
        const c = bytes.slice();
        c[i] ^= 0x01;
        out.push('0x' + Buffer.from(c).toString('hex'));
      }
      return out;
    };
    let tried = 0;
    const cited = h.proofs.storage[0].block;
    const headerIndex = h.proofs.headers.findIndex((x: string) => {
      const b = parseHex(x)!;
      return Buffer.from(b).length > 0;
    });
    for (const [where, get, set] of [
      [
        'header',
        (b: any) => b.proofs.headers[headerIndex],
        (b: any, v: string) => (b.proofs.headers[headerIndex] = v),
      ],
      [
        'storage node',
        (b: any) => b.proofs.storage[0].nodes[0],
        (b: any, v: string) => (b.proofs.storage[0].nodes[0] = v),
      ],
      [
        'justification',
        (b: any) => b.proofs.justifications[0].justification,
        (b: any, v: string) => (b.proofs.justifications[0].justification = v),
      ],
    ] as const) {
      for (const mutated of flips(get(h))) {
        const b = clone(h);
        set(b, mutated);
        const r = check(b, { authorities: genesisSet });
        tried++;
        expect(r.status === 'fail' || !r.chain.pinned, `${where} ${cited}`).toBe(true);
        expect(r.status, where).toBe('fail');
      }
    }
    expect(tried).toBeGreaterThan(100);
  });

  it('a bundle with a broken proof node fails alone and spoils no bundle sharing its view', () => {
    const honest = [...bundles].filter(([id]) => reports.get(id)!.status === 'pass');
    const [a, b] = [honest[0]![1], honest[1]![1]] as any[];
    // Two receipts of one batch: the same anchor block, read from one shared view.
    expect(a.anchor.block.hash).toBe(b.anchor.block.hash);
    const bad = clone(a);
    // The cited anchor block's read proof: one node is not hex at all.
    const read = bad.proofs.storage.find(
      (x: { block: string }) => x.block === bad.anchor.block.hash
    );
    read.nodes = read.nodes.map((n: string, i: number) => (i === 0 ? '0xnot-hex' : n));
    const parse = (x: unknown) => {
      const p = parseBundle(JSON.stringify(x));
      if (!p.ok) throw new Error(p.errors.join('; '));
      return p.bundle;
    };
    const views = new Map();
    const first = verifyBundle(parse(bad), nodeBackend, undefined, { views });
    expect(chainLine(first, 'chain.anchor').status).toBe('fail');
    expect(['PROOF_INCOMPLETE', 'PROOF_INVALID']).toContain(chainLine(first, 'chain.anchor').code);
    const second = verifyBundle(parse(b), nodeBackend, undefined, { views });
    expect(failing(second)).toEqual([]);
  });

  it('proofroom verify exits 3 without a trust root, 0 with one, 1 against another chain', async () => {
    const [id, b] = [...bundles].find(([id]) => reports.get(id)!.status === 'pass')!;
    const file = path.join(dir, `${id.replace(/\W+/g, '_')}.json`);
    writeFileSync(file, JSON.stringify(b));
    expect((await cliVerify(file)).code).toBe(3);
    expect((await cliVerify(file, '--trust-rpc', ix.devnet.rpcUrl)).code).toBe(0);
    const auth = path.join(dir, 'authorities.json');
    writeFileSync(
      auth,
      JSON.stringify({
        setId: genesisSet.setId.toString(),
        authorities: genesisSet.keys.map((k) => '0x' + Buffer.from(k).toString('hex')),
      })
    );
    expect((await cliVerify(file, '--trust-authorities', auth)).code).toBe(0);
    const other1 = await cliVerify(file, '--trust-rpc', other.rpcUrl);
    expect(other1.code).toBe(1);
  }, 60_000);
});
