/**
 * Tests of verifier/trie.ts (storage proof reading) and devnet/trie.ts (the devnet's trie builder).
 *
 * Outside oracles (test/vectors/smoldot, see its README): real storage proofs of Polkadot and of a
 * `LayoutV1` state with hashed values against their state roots, with the reads smoldot's tests
 * assert; roots smoldot asserts for small tries; the raw genesis storage of a Substrate node
 * template whose state root and genesis hash smoldot asserts. The builder is checked against those
 * (the genesis root, and every complete subtree of the real proofs re-encoded node for node), and
 * the reader against the builder on random tries.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TrieBuilder,
  encodeSubtrie,
  orderedTrieRoot,
  trieProof,
  trieRoot,
} from '../verifier/trie-builder.ts';
import { orderedTrieRoot as chainOrderedRoot } from '../devnet/chain.ts';
import { compactU, concatBytes, parseHex, toHex, utf8 } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { encodeHeader, headerHash } from '../verifier/header.ts';
import {
  EMPTY_TRIE_ROOT,
  MAX_KEY_BYTES,
  MAX_PROOF_NODES,
  type TrieNode,
  decodeProofEntries,
  decodeTrieNode,
  readStorageProof,
  readStorageProofs,
} from '../verifier/trie.ts';

const vectors = (p: string): URL => new URL(`./vectors/${p}`, import.meta.url);
const smoldot = JSON.parse(readFileSync(vectors('smoldot/smoldot.json'), 'utf8'));
const hex = (s: string): Uint8Array => parseHex(s) as Uint8Array;
const proofOf = (bytes: Uint8Array): Uint8Array[] => ok(decodeProofEntries(bytes));
const proofFile = (name: string): Uint8Array[] =>
  proofOf(new Uint8Array(readFileSync(vectors(`smoldot/${name}`))));

function ok<T>(r: { ok: true; value: T } | { ok: false; code: string; facts: unknown }): T {
  if (!r.ok) throw new Error(`rejected: ${r.code} ${JSON.stringify(r.facts)}`);
  return r.value;
}
function code(r: { ok: boolean; code?: string }): string {
  return r.ok ? 'ok' : (r.code as string);
}
const show = (v: Uint8Array | null): string | null => (v === null ? null : toHex(v));

/**
 * Everything a proof holds under `root`: every value it can produce (key → value), and every
 * node whose whole subtree is in the proof, with the subtree's entries keyed by nibble paths
 * relative to that node. Walks with the verifier's node decoder.
 */
function explore(root: Uint8Array, proof: Uint8Array[]) {
  const db = new Map(proof.map((n) => [toHex(blake2b256(n)), n]));
  const values = new Map<string, Uint8Array>();
  const hashedValues: { key: string; hash: string }[] = [];
  const complete: { node: Uint8Array; entries: [Uint8Array, Uint8Array][] }[] = [];
  const used = new Set<string>([toHex(root)]);
  /** Returns the subtree's entries (relative paths) if complete, else null. */
  const walk = (node: Uint8Array, path: number[]): [number[], Uint8Array][] | null => {
    const d: TrieNode | string = decodeTrieNode(node);
    if (typeof d === 'string' || d.kind === 'empty') throw new Error(`bad node ${String(d)}`);
    const here = [...path, ...d.partial];
    let whole = true;
    const out: [number[], Uint8Array][] = [];
    if (d.value) {
      let v = d.value.inline;
      if (v === undefined) {
        const h = toHex(d.value.hash as Uint8Array);
        used.add(h);
        v = db.get(h);
        if (here.length % 2 === 0) hashedValues.push({ key: nibblesToHex(here), hash: h });
      }
      if (v === undefined) whole = false;
      else {
        if (here.length % 2 === 0) values.set(nibblesToHex(here), v);
        out.push([[...d.partial], v]);
      }
    }
    if (d.kind === 'branch')
      d.children.forEach((c, i) => {
        if (c === null) return;
        let child = c.inline;
        if (child === undefined) {
          used.add(toHex(c.hash as Uint8Array));
          child = db.get(toHex(c.hash as Uint8Array));
        }
        if (child === undefined) {
          whole = false;
          return;
        }
        const sub = walk(child, [...here, i]);
        if (sub === null) whole = false;
        else for (const [p, v] of sub) out.push([[...d.partial, i, ...p], v]);
      });
    if (!whole) return null;
    complete.push({ node, entries: out.map(([p, v]) => [Uint8Array.from(p), v]) });
    return out;
  };
  walk(db.get(toHex(root)) as Uint8Array, []);
  const unused = [...db.keys()].filter((h) => !used.has(h));
  return { values, hashedValues, complete, unused };
}
function nibblesToHex(n: number[]): string {
  return '0x' + n.map((x) => x.toString(16)).join('');
}

describe('readStorageProof against real proofs (smoldot)', () => {
  const ex = smoldot.trieProofs.examplePolkadotGenesis;
  const exProof = proofOf(hex(ex.proof));

  it('the empty trie root is blake2b256(0x00) and every key is absent under it', () => {
    expect(toHex(EMPTY_TRIE_ROOT)).toBe(
      '0x03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314'
    );
    expect(ok(readStorageProof(EMPTY_TRIE_ROOT, [], utf8(':code')))).toBeNull();
    expect(ok(readStorageProof(EMPTY_TRIE_ROOT, [Uint8Array.of(0)], utf8('x')))).toBeNull();
    expect(toHex(trieRoot([], 0))).toBe(toHex(EMPTY_TRIE_ROOT));
    expect(toHex(orderedTrieRoot([], 1))).toBe(toHex(EMPTY_TRIE_ROOT));
  });

  it('Polkadot genesis proof: the value, the absent key and the undecidable key smoldot asserts', () => {
    const root = hex(ex.stateRoot);
    for (const p of ex.present)
      expect(show(ok(readStorageProof(root, exProof, hex(p.key))))).toBe(p.value);
    for (const k of ex.absent) expect(ok(readStorageProof(root, exProof, hex(k)))).toBeNull();
    for (const k of ex.incomplete) {
      const r = readStorageProof(root, exProof, hex(k));
      expect(code(r)).toBe('PROOF_INCOMPLETE');
    }
    // Another root (smoldot: `storage_value(&[0; 32], &[])` is incomplete).
    expect(code(readStorageProof(new Uint8Array(32), exProof, new Uint8Array(0)))).toBe(
      'PROOF_INCOMPLETE'
    );
    // Several keys at once, hashed once.
    const many = ok(readStorageProofs(root, exProof, [hex(ex.present[0].key), hex(ex.absent[0])]));
    expect(many.map(show)).toEqual([ex.present[0].value, null]);
    const bad = readStorageProofs(root, exProof, [hex(ex.absent[0]), hex(ex.incomplete[0])]);
    expect(bad.ok ? 'ok' : [bad.code, bad.facts.key]).toEqual(['PROOF_INCOMPLETE', 1]);
  });

  it('real read proofs hold exactly the nodes the lookup fetches by hash, as the builder does', () => {
    // Each entry of a real one-key proof is needed (dropping it makes the read incomplete): the
    // node set is the lookup path, which is what `TrieBuilder.proof` returns.
    for (const v of [ex, smoldot.trieProofs.smallValues]) {
      const proof = proofOf(hex(v.proof));
      const key = hex(v.present[0].key);
      proof.forEach((_, i) => {
        const r = readStorageProof(
          hex(v.stateRoot),
          proof.filter((__, j) => j !== i),
          key
        );
        expect(code(r)).toBe('PROOF_INCOMPLETE');
      });
    }
  });

  it('values shorter than 32 bytes in a small proof (node_values_smaller_than_32bytes)', () => {
    const v = smoldot.trieProofs.smallValues;
    const r = readStorageProof(hex(v.stateRoot), proofOf(hex(v.proof)), hex(v.present[0].key));
    expect(show(ok(r))).toBe(v.present[0].value);
  });

  it('one-node proofs: a root shorter than 32 bytes, two identical inline children', () => {
    // very_small_root_node_decodes: the node 0x42 03 34 … is a leaf with nibbles [0, 3] (key
    // 0x03) and a 13-byte inline value.
    const small = proofOf(hex(smoldot.trieProofs.verySmallRoot.proof));
    const sroot = blake2b256(small[0] as Uint8Array);
    expect(show(ok(readStorageProof(sroot, small, hex('0x03'))))).toBe(
      toHex((small[0] as Uint8Array).subarray(3))
    );
    expect(ok(readStorageProof(sroot, small, hex('0x04')))).toBeNull();
    expect(ok(readStorageProof(sroot, small, hex('0x0300')))).toBeNull();
    // identical_inline_nodes: branch 0x80, bitmap 0x0003, two inline leaves 0x41 00 08 "hi":
    // keys 0x00 and 0x10 both hold "hi".
    const twin = proofOf(hex(smoldot.trieProofs.identicalInlineNodes.proof));
    const troot = blake2b256(twin[0] as Uint8Array);
    const got = ok(readStorageProofs(troot, twin, [hex('0x00'), hex('0x10'), hex('0x20')]));
    expect(got.map(show)).toEqual([toHex(utf8('hi')), toHex(utf8('hi')), null]);
  });

  for (const name of ['issue2035', 'issue2035bis', 'issue2035ter']) {
    it(`LayoutV1 proof ${name}: present keys, and every hashed value read and checked`, () => {
      const v = smoldot.trieProofs[name];
      const root = hex(v.stateRoot);
      const proof = proofFile(v.file);
      expect(ok(readStorageProof(root, proof, hex(v.nextKey)))).not.toBeNull();
      if (name !== 'issue2035')
        expect(ok(readStorageProof(root, proof, hex(v.key)))).not.toBeNull();
      const { hashedValues, unused } = explore(root, proof);
      expect(unused).toEqual([]);
      expect(hashedValues.length).toBeGreaterThan(0);
      for (const { key, hash } of hashedValues) {
        const value = ok(readStorageProof(root, proof, hex(key))) as Uint8Array;
        expect(toHex(blake2b256(value))).toBe(hash);
        // The chain hashes exactly the values of 33 bytes or more.
        expect(value.length).toBeGreaterThanOrEqual(33);
        // Without the value blob the proof cannot decide.
        const without = proof.filter((p) => toHex(blake2b256(p)) !== hash);
        const r = readStorageProof(root, without, hex(key));
        expect(r.ok ? 'ok' : [r.code, r.facts.what]).toEqual(['PROOF_INCOMPLETE', 'value']);
      }
    });
  }

  it('a 423-node real proof: every entry hangs off the root, every value it holds reads back', () => {
    const v = smoldot.trieProofs.benchLarge;
    const root = hex(v.stateRoot);
    const proof = proofFile(v.file);
    expect(proof).toHaveLength(423);
    const { values, unused } = explore(root, proof);
    expect(unused).toEqual([]);
    const keys = [...values.keys()];
    expect(keys.length).toBeGreaterThan(50);
    const got = ok(readStorageProofs(root, proof, keys.map(hex)));
    expect(got.map(show)).toEqual(keys.map((k) => toHex(values.get(k) as Uint8Array)));
  });
});

describe('trie builder against real roots', () => {
  it('the raw genesis of the node template has the state root and genesis hash smoldot asserts', () => {
    const g = smoldot.genesis;
    const spec = JSON.parse(readFileSync(vectors(`smoldot/${g.file}`), 'utf8'));
    expect(Object.keys(spec.genesis.raw.childrenDefault)).toEqual([]);
    const entries = Object.entries(spec.genesis.raw.top as Record<string, string>).map(
      ([k, v]) => [hex(k), hex(v)] as const
    );
    const root = trieRoot(entries, 0);
    expect(toHex(root)).toBe(g.stateRoot);
    const genesis = encodeHeader({
      parentHash: new Uint8Array(32),
      number: 0,
      stateRoot: root,
      extrinsicsRoot: orderedTrieRoot([], 0),
      digest: [],
    });
    expect(toHex(headerHash(genesis))).toBe(g.genesisHash);
    // And its proofs read back every entry, and a few absent keys.
    const keys = entries.map((e) => e[0]);
    const absent = [
      utf8(':nope'),
      new Uint8Array(0),
      concatBytes(keys[0] as Uint8Array, Uint8Array.of(1)),
    ];
    const proof = trieProof(entries, [...keys, ...absent], 0);
    const got = ok(readStorageProofs(root, proof, [...keys, ...absent]));
    expect(got.map(show)).toEqual([...entries.map((e) => toHex(e[1])), null, null, null]);
  });

  it('the small tries smoldot asserts roots for (V0 and V1)', () => {
    for (const t of smoldot.trieRoots) {
      const entries = t.entries.map(([k, v]: [string, string]) => [hex(k), hex(v)] as const);
      expect(toHex(trieRoot(entries, t.version))).toBe(t.root);
    }
  });

  it('every complete subtree of the real proofs re-encodes to the same node bytes', () => {
    const cases: [string, Uint8Array[], Uint8Array, 0 | 1][] = [
      [
        'Polkadot genesis',
        proofOf(hex(smoldot.trieProofs.examplePolkadotGenesis.proof)),
        hex(smoldot.trieProofs.examplePolkadotGenesis.stateRoot),
        0,
      ],
      [
        'benchLarge',
        proofFile('proof-decode-large'),
        hex(smoldot.trieProofs.benchLarge.stateRoot),
        0,
      ],
    ];
    for (const name of ['issue2035', 'issue2035bis', 'issue2035ter']) {
      const v = smoldot.trieProofs[name];
      cases.push([name, proofFile(v.file), hex(v.stateRoot), 1]);
    }
    let hashedLeaves = 0;
    for (const [name, proof, root, version] of cases) {
      const { complete } = explore(root, proof);
      expect(complete.length, name).toBeGreaterThan(0);
      for (const { node, entries } of complete) {
        expect(toHex(encodeSubtrie(entries, version)), name).toBe(toHex(node));
        if (version === 1 && entries.some(([, v]) => v.length >= 33)) hashedLeaves++;
      }
    }
    // The V1 subtrees include nodes with hashed values.
    expect(hashedLeaves).toBeGreaterThan(0);
  });
});

/** Keys from a small alphabet so that random sets share prefixes and branch. */
const keyArb = fc.uint8Array({ maxLength: 6 }).map((b) => b.map((x) => x & 0x13));
const valueArb = fc.oneof(
  fc.uint8Array({ maxLength: 8 }),
  fc.uint8Array({ minLength: 30, maxLength: 40 }),
  fc.uint8Array({ maxLength: 120 })
);

describe('builder and reader agree on random tries', () => {
  it('proofs of present and absent keys read back the builder contents (V0 and V1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keyArb, valueArb), { maxLength: 40 }),
        fc.array(keyArb, { maxLength: 5 }),
        fc.constantFrom(0 as const, 1 as const),
        (entries, extra, version) => {
          const map = new Map(entries.map(([k, v]) => [toHex(k), v]));
          const b = TrieBuilder.fromEntries(entries, version);
          const root = b.root();
          const keys = [...entries.map((e) => e[0]), ...extra];
          const proof = b.proof(keys);
          const got = ok(readStorageProofs(root, proof, keys));
          keys.forEach((k, i) => {
            const want = map.get(toHex(k));
            expect(show(got[i] as Uint8Array | null)).toBe(want === undefined ? null : toHex(want));
          });
          // Each key alone needs only its own proof.
          for (const k of keys.slice(0, 3)) {
            const single = b.proof([k]);
            const want = map.get(toHex(k));
            expect(show(ok(readStorageProof(root, single, k)))).toBe(
              want === undefined ? null : toHex(want)
            );
          }
          // V0 and V1 differ exactly when some value is 33 bytes or more.
          const other = trieRoot(entries, version === 0 ? 1 : 0);
          const big = [...map.values()].some((v) => v.length >= 33);
          expect(toHex(other) === toHex(root)).toBe(!big);
        }
      ),
      { numRuns: 400 }
    );
  });

  it('incremental set/delete gives the root of a fresh build', () => {
    const op = fc.oneof(
      fc.tuple(fc.constant('set' as const), keyArb, valueArb, fc.boolean()),
      fc.tuple(fc.constant('del' as const), keyArb, fc.constant(new Uint8Array(0)), fc.boolean())
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keyArb, valueArb), { maxLength: 30 }),
        fc.array(op, { maxLength: 40 }),
        fc.constantFrom(0 as const, 1 as const),
        (initial, ops, version) => {
          const b = TrieBuilder.fromEntries(initial, version);
          const map = new Map(initial.map(([k, v]) => [toHex(k), [k, v] as const]));
          b.root();
          for (const [kind, k, v, rootNow] of ops) {
            if (kind === 'set') {
              b.set(k, v);
              map.set(toHex(k), [k, v]);
            } else expect(b.delete(k)).toBe(map.delete(toHex(k)));
            if (rootNow) b.root(); // interleave cached and uncached states
          }
          expect(b.size).toBe(map.size);
          expect(toHex(b.root())).toBe(toHex(trieRoot([...map.values()], version)));
          expect(b.entries().map(([k, v]) => [toHex(k), toHex(v)])).toEqual(
            [...map.entries()]
              .sort(([a], [c]) => (a < c ? -1 : 1))
              .map(([h, [, v]]) => [h, toHex(v)])
          );
          for (const [h, [, v]] of map) expect(toHex(b.get(hex(h)) as Uint8Array)).toBe(toHex(v));
        }
      ),
      { numRuns: 300 }
    );
  });

  it('orderedTrieRoot agrees with devnet/chain.ts on real Polkadot blocks and random lists', () => {
    // The two Polkadot blocks test/devnet-chain.test.ts checks (chain_getBlock of #2076290 and
    // #2076325: extrinsics and the header's extrinsicsRoot).
    expect(
      toHex(orderedTrieRoot([hex('0x280403000bd042683b7501'), hex('0x1c040a00feb97e00')], 0))
    ).toBe('0x0308758377e117d685ba278afc5cfb8d00508208d4fd95aaeeef2af9600e5047');
    expect(toHex(orderedTrieRoot([hex('0x280403000b20776b3b7501')], 0))).toBe(
      '0xb9fef8251a526015296f6bce3800d522f311fa2e0c5ec0d41e7392896c9ea782'
    );
    // devnet/chain.ts has its own, separately written ordered trie root.
    fc.assert(
      fc.property(
        fc.array(valueArb, { maxLength: 90 }),
        fc.constantFrom(0 as const, 1 as const),
        (values, v) => {
          expect(toHex(orderedTrieRoot(values, v))).toBe(toHex(chainOrderedRoot(values, v === 1)));
        }
      ),
      { numRuns: 200 }
    );
  });

  it('orderedTrieRoot is the trie of Compact<u32>(index) → value', () => {
    const values = Array.from({ length: 70 }, (_, i) => utf8(`extrinsic ${i}`.repeat(i % 5)));
    for (const v of [0, 1] as const)
      expect(toHex(orderedTrieRoot(values, v))).toBe(
        toHex(
          trieRoot(
            values.map((x, i) => [compactU(i), x] as const),
            v
          )
        )
      );
    // Index 64 is the first two-byte compact (0x0101), so keys of length 1 and 2 coexist.
    const proof = trieProof(
      values.map((x, i) => [compactU(i), x] as const),
      [compactU(64)],
      0
    );
    expect(show(ok(readStorageProof(orderedTrieRoot(values, 0), proof, compactU(64))))).toBe(
      toHex(values[64] as Uint8Array)
    );
  });
});

describe('hostile proofs', () => {
  // A small V1 trie whose proof for one key has several hashed nodes and a value blob.
  const entries: [Uint8Array, Uint8Array][] = [
    [utf8('alpha'), new Uint8Array(40).fill(1)],
    [utf8('alpine'), utf8('short')],
    [utf8('beta'), new Uint8Array(50).fill(2)],
    [utf8('al'), new Uint8Array(33).fill(3)],
  ];
  const b = TrieBuilder.fromEntries(entries, 1);
  const root = b.root();

  it('every single-byte change of any proof entry makes the read fail', () => {
    for (const key of [utf8('alpha'), utf8('alpx')]) {
      const proof = b.proof([key]);
      const want = ok(readStorageProof(root, proof, key));
      expect(proof.length).toBeGreaterThan(1);
      for (let e = 0; e < proof.length; e++) {
        const entry = proof[e] as Uint8Array;
        for (let i = 0; i < entry.length; i++) {
          for (const x of [0x01, 0x10, 0x80, 0xff]) {
            const m = proof.slice();
            const changed = entry.slice();
            changed[i] = (changed[i] as number) ^ x;
            m[e] = changed;
            const r = readStorageProof(root, m, key);
            expect(r.ok, `entry ${e} byte ${i} ^${x}`).toBe(false);
          }
        }
        // Dropping the entry fails too.
        const r = readStorageProof(
          root,
          proof.filter((_, j) => j !== e),
          key
        );
        expect(code(r)).toBe('PROOF_INCOMPLETE');
      }
      // Extra, unrelated entries do not change the verdict (the proof is a set).
      const noisy = [...proof, utf8('unrelated'), Uint8Array.of(0x01, 0x02), ...proof];
      expect(show(ok(readStorageProof(root, noisy, key)))).toBe(show(want));
    }
  });

  it('the same for every byte of the real Polkadot genesis proof', () => {
    const ex = smoldot.trieProofs.examplePolkadotGenesis;
    const proof = proofOf(hex(ex.proof));
    const key = hex(ex.present[0].key);
    for (let e = 0; e < proof.length; e++)
      for (let i = 0; i < (proof[e] as Uint8Array).length; i++) {
        const m = proof.slice();
        const changed = (proof[e] as Uint8Array).slice();
        changed[i] = (changed[i] as number) ^ 0x01;
        m[e] = changed;
        expect(readStorageProof(hex(ex.stateRoot), m, key).ok).toBe(false);
      }
  });

  it('nodes that do not decode are PROOF_INVALID; a missing node is PROOF_INCOMPLETE', () => {
    const leaf = (...b: number[]) => Uint8Array.from(b);
    const h32 = new Uint8Array(32).fill(9);
    const bad: [string, Uint8Array][] = [
      ['reserved header', leaf(0x01, 0x00)],
      ['reserved header 0x0f', leaf(0x0f)],
      ['trailing bytes after leaf', leaf(0x41, 0x01, 0x04, 0xaa, 0x00)],
      ['nonzero padding', leaf(0x41, 0x11, 0x04, 0xaa)],
      ['short partial', leaf(0x44, 0x12)],
      ['short value', leaf(0x42, 0x12, 0x10, 0xaa)],
      ['zero bitmap', leaf(0x80, 0x00, 0x00)],
      [
        'branch child longer than 32',
        concatBytes(leaf(0x80, 0x01, 0x00), compactU(33), new Uint8Array(33)),
      ],
      ['empty inline child', leaf(0x80, 0x01, 0x00, 0x00)],
      ['empty node with trailing byte', leaf(0x00, 0x00)],
      ['short hashed value', concatBytes(leaf(0x21, 0x01), h32.subarray(0, 31))],
      ['non-canonical value length', leaf(0x41, 0x01, 0x05, 0x00, 0xaa)],
      ['header continuation missing', leaf(0x7f)],
    ];
    for (const [name, node] of bad) {
      expect(typeof decodeTrieNode(node), name).toBe('string');
      const r = readStorageProof(blake2b256(node), [node], Uint8Array.of(0x10));
      expect(code(r), name).toBe('PROOF_INVALID');
    }
    // An empty node below the root.
    const parent = concatBytes(Uint8Array.of(0x80, 0x01, 0x00), compactU(1), Uint8Array.of(0));
    expect(code(readStorageProof(blake2b256(parent), [parent], Uint8Array.of(0x00)))).toBe(
      'PROOF_INVALID'
    );
    // A hash child that is not in the proof.
    const withHash = concatBytes(Uint8Array.of(0x80, 0x01, 0x00), compactU(32), h32);
    const r = readStorageProof(blake2b256(withHash), [withHash], Uint8Array.of(0x00));
    expect(r.ok ? 'ok' : [r.code, r.facts.missing]).toEqual(['PROOF_INCOMPLETE', toHex(h32)]);
    // Long partial keys use header continuation bytes (62 fits the first byte, 63 and more do
    // not; 317/318 cross the first 255 continuation byte), for every kind of node header.
    for (const n of [0, 1, 14, 15, 16, 30, 31, 32, 62, 63, 64, 317, 318, 319, 600]) {
      const path = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 16);
      for (const [value, version, kind] of [
        [utf8('v'), 0, 'leaf'],
        [new Uint8Array(40), 1, 'leaf'],
      ] as const) {
        const leafNode = decodeTrieNode(encodeSubtrie([[path, value]], version)) as TrieNode;
        expect(leafNode.kind).toBe(kind);
        expect((leafNode as { partial: Uint8Array }).partial).toEqual(path);
        // A branch at the same path: the value there, and a child one nibble further.
        const branch = encodeSubtrie(
          [
            [path, value],
            [concatBytes(path, Uint8Array.of(3)), utf8('c')],
          ],
          version
        );
        const br = decodeTrieNode(branch) as Extract<TrieNode, { kind: 'branch' }>;
        expect(br.kind).toBe('branch');
        expect(br.partial).toEqual(path);
        expect(br.children.map((c) => c !== null)).toEqual(
          Array.from({ length: 16 }, (_, i) => i === 3)
        );
      }
      if (n % 2 === 0) {
        const key = Uint8Array.from(
          { length: n / 2 },
          (_, i) => (path[2 * i]! << 4) | path[2 * i + 1]!
        );
        const t = TrieBuilder.fromEntries([[key, utf8('v')]], 0);
        expect(ok(readStorageProof(t.root(), t.proof([key]), key))).toEqual(utf8('v'));
      }
    }
  });

  it('inputs of the wrong type, size or count are rejected, never thrown', () => {
    const proof = b.proof([utf8('alpha')]);
    expect(code(readStorageProof(new Uint8Array(31), proof, utf8('alpha')))).toBe('BAD_LENGTH');
    expect(code(readStorageProof(root, proof, new Uint8Array(MAX_KEY_BYTES + 1)))).toBe(
      'TOO_LARGE'
    );
    expect(code(readStorageProof(root, 'x' as unknown as Uint8Array[], utf8('a')))).toBe(
      'MALFORMED'
    );
    expect(code(readStorageProof(root, [1] as unknown as Uint8Array[], utf8('a')))).toBe(
      'MALFORMED'
    );
    expect(code(readStorageProof('r' as unknown as Uint8Array, proof, utf8('a')))).toBe(
      'MALFORMED'
    );
    expect(code(readStorageProof(root, proof, 5 as unknown as Uint8Array))).toBe('MALFORMED');
    const tooMany = new Array<Uint8Array>(MAX_PROOF_NODES + 1).fill(Uint8Array.of(0));
    expect(code(readStorageProof(root, tooMany, utf8('a')))).toBe('TOO_LARGE');
    expect(code(readStorageProofs(root, proof, 'k' as unknown as Uint8Array[]))).toBe('MALFORMED');
    expect(code(decodeProofEntries(hex('0x0805aa')))).toBe('BAD_ENCODING');
    expect(code(decodeProofEntries(hex('0x0404aa00')))).toBe('BAD_ENCODING');
  });

  it('a large node is decoded once however many keys a read asks for', () => {
    // A root leaf with a partial key of 2^21 nibbles (1 MiB): 20k keys must not decode it 20k times.
    const path = new Uint8Array(1 << 21).fill(0xa);
    const node = encodeSubtrie([[path, utf8('v')]], 0);
    const root = blake2b256(node);
    const keys = Array.from({ length: 20_000 }, (_, i) => Uint8Array.of(0xaa, i & 0xff, i >>> 8));
    const t0 = performance.now();
    const got = ok(readStorageProofs(root, [node], keys));
    expect(got.every((v) => v === null)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('random proofs and keys never throw', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 8 }),
        fc.boolean(),
        (proof, key, rootFromProof) => {
          const r = rootFromProof && proof[0] ? blake2b256(proof[0]) : root;
          const res = readStorageProof(r, proof, key);
          if (!res.ok) expect(typeof res.code).toBe('string');
          decodeProofEntries(concatBytes(...proof));
        }
      ),
      { numRuns: 5000 }
    );
  });
});

describe('builder speed (devnet scale)', () => {
  it('50k random 32-byte keys with 100-byte values: build, root, proofs, incremental blocks', () => {
    const rand = mulberry32(7);
    const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => rand() & 0xff);
    const entries = Array.from({ length: 50_000 }, () => [bytes(32), bytes(100)] as const);
    const timings: Record<string, number> = {};
    const time = <T>(name: string, f: () => T): T => {
      const t0 = performance.now();
      const v = f();
      timings[name] = Math.round((performance.now() - t0) * 10) / 10;
      return v;
    };
    for (const version of [0, 1] as const) {
      const b = time(`v${version} build`, () => TrieBuilder.fromEntries(entries, version));
      const root = time(`v${version} root`, () => b.root());
      const key = (entries[123] as readonly [Uint8Array, Uint8Array])[0];
      const proof = time(`v${version} proof 1 key`, () => b.proof([key]));
      expect(ok(readStorageProof(root, proof, key))).toEqual(
        (entries[123] as readonly Uint8Array[])[1]
      );
      time(`v${version} proof 1000 keys`, () => b.proof(entries.slice(0, 1000).map((e) => e[0])));
      time(`v${version} verify 1 key`, () => readStorageProof(root, proof, key));
      // A block: 200 changed values and 20 new keys, then the root.
      time(`v${version} block of 220 changes + root`, () => {
        for (let i = 0; i < 200; i++)
          b.set((entries[i * 37] as readonly Uint8Array[])[0] as Uint8Array, bytes(100));
        for (let i = 0; i < 20; i++) b.set(bytes(32), bytes(100));
        return b.root();
      });
    }
    console.log('trie builder timings (ms):', JSON.stringify(timings));
    expect(timings['v0 build']! + timings['v0 root']!).toBeLessThan(10_000);
    expect(timings['v0 block of 220 changes + root']).toBeLessThan(1_000);
  });
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
