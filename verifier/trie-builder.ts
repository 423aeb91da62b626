/**
 * Building Substrate tries: roots and read proofs that a real node would give for the same
 * key-value pairs. The devnet's state is one (so `verifier/trie.ts` checks devnet proofs exactly
 * as it checks Polkadot's or Cere's); the extrinsics of a block are another, which the proof
 * source (verifier/proof-source.ts) proves an extrinsic of against the header's extrinsics root.
 * Pure and browser-safe like the rest of `verifier/`.
 *
 * The trie is sp-trie's `LayoutV0` / `LayoutV1` over `BlakeTwo256` with the "no extension" node
 * codec (the encoding is described in `verifier/trie.ts`; the encoder here follows paritytech/trie
 * `test-support/reference-trie/src/substrate.rs` at commit
 * 0aa305d6d0da5aa954c22925611ff22572748e77, `NodeCodec::leaf_node` / `branch_node_nibbled` and
 * `size_and_prefix_iterator`). In LayoutV1 a value of 33 bytes or more
 * (`TRIE_VALUE_NODE_THRESHOLD`) is stored as its blake2b-256 hash and the value itself becomes a
 * separate proof entry.
 *
 * `TrieBuilder` keeps the trie as a radix-16 tree whose nodes cache their encoding and hash. A
 * `set` or `delete` clears the caches on one root-to-leaf path only, so recomputing the root after
 * k changes re-encodes O(k · depth) nodes; building from n entries sorts once (O(n log n)) and
 * builds the tree in one pass. `proof(keys)` returns the node set sp-trie's recorder collects when
 * `state_getReadProof` reads those keys: every node the lookup fetches by hash (the root always,
 * and each child whose encoding is 32 bytes or more; shorter children are inlined in their
 * parent), plus the value blob of each hashed (V1) value read. Absent keys are proven by the nodes
 * up to where the lookup leaves the trie. The set is returned deduplicated, in no particular
 * order. The empty trie's proof is the single node `0x00`.
 *
 * `orderedTrieRoot(values, version)` is Substrate's `ordered_trie_root` (the extrinsics root):
 * the trie of `Compact<u32>(index) → value`.
 * @module
 */
import { compactU, toHex } from './bytes.ts';
import { blake2b256 } from './hash.ts';

export type StateVersion = 0 | 1;
export type TrieEntries = Iterable<readonly [Uint8Array, Uint8Array]>;

/** Values of this many bytes or more are hashed into separate value nodes in LayoutV1. */
export const TRIE_VALUE_NODE_THRESHOLD = 33;

const EMPTY_NODE = Uint8Array.of(0);
const EMPTY_ROOT = blake2b256(EMPTY_NODE);

class TrieNode {
  /** The partial key, one nibble per byte. */
  partial: Uint8Array;
  value: Uint8Array | undefined;
  /** 16 slots when the node is a branch, undefined for a leaf. */
  children: (TrieNode | undefined)[] | undefined;
  /** Cached encoding and, when referred to by hash, its hash; cleared on any change below. */
  enc: Uint8Array | undefined;
  hash: Uint8Array | undefined;
  constructor(partial: Uint8Array, value?: Uint8Array) {
    this.partial = partial;
    this.value = value;
    this.children = undefined;
    this.enc = undefined;
    this.hash = undefined;
  }
}

function nibblesOf(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = (key[i] as number) >>> 4;
    out[2 * i + 1] = (key[i] as number) & 0x0f;
  }
  return out;
}

function compactSize(v: number): number {
  return v < 1 << 6 ? 1 : v < 1 << 14 ? 2 : v < 2 ** 30 ? 4 : 5;
}

function writeCompact(buf: Uint8Array, o: number, v: number): number {
  if (v < 1 << 6) {
    buf[o] = v << 2;
    return o + 1;
  }
  if (v < 1 << 14) {
    const w = (v << 2) | 1;
    buf[o] = w;
    buf[o + 1] = w >>> 8;
    return o + 2;
  }
  if (v < 2 ** 30) {
    const w = v * 4 + 2;
    buf[o] = w;
    buf[o + 1] = w >>> 8;
    buf[o + 2] = w >>> 16;
    buf[o + 3] = Math.floor(w / 0x1000000);
    return o + 4;
  }
  buf[o] = 3;
  buf[o + 1] = v;
  buf[o + 2] = v >>> 8;
  buf[o + 3] = v >>> 16;
  buf[o + 4] = v >>> 24;
  return o + 5;
}

/** Header prefix and the number of count bits, per node kind (NodeHeader::encode_to). */
const LEAF = { prefix: 0b0100_0000, bits: 6 };
const BRANCH_NO_VALUE = { prefix: 0b1000_0000, bits: 6 };
const BRANCH_WITH_VALUE = { prefix: 0b1100_0000, bits: 6 };
const HASHED_LEAF = { prefix: 0b0010_0000, bits: 5 };
const HASHED_BRANCH = { prefix: 0b0001_0000, bits: 4 };

function headerSize(count: number, bits: number): number {
  const max = (1 << bits) - 1;
  if (count < max) return 1;
  // size_and_prefix_iterator: rem = count - (max - 1), 255s while rem >= 256, then rem - 1.
  let rem = count - (max - 1);
  let n = 1;
  while (rem >= 256) {
    n++;
    rem -= 255;
  }
  return n + 1;
}

function writeHeader(
  buf: Uint8Array,
  o: number,
  count: number,
  kind: { prefix: number; bits: number }
): number {
  const max = (1 << kind.bits) - 1;
  if (count < max) {
    buf[o] = kind.prefix | count;
    return o + 1;
  }
  buf[o++] = kind.prefix | max;
  let rem = count - (max - 1);
  while (rem >= 256) {
    buf[o++] = 255;
    rem -= 255;
  }
  buf[o++] = rem - 1;
  return o;
}

/** The encoding of `n` (children first), caching encodings and hashes on the way. */
function encodeNode(n: TrieNode, version: StateVersion): Uint8Array {
  if (n.enc !== undefined) return n.enc;
  const count = n.partial.length;
  const value = n.value;
  const hashed = value !== undefined && version === 1 && value.length >= TRIE_VALUE_NODE_THRESHOLD;
  const isBranch = n.children !== undefined;
  const kind = isBranch
    ? value === undefined
      ? BRANCH_NO_VALUE
      : hashed
        ? HASHED_BRANCH
        : BRANCH_WITH_VALUE
    : hashed
      ? HASHED_LEAF
      : LEAF;
  let size = headerSize(count, kind.bits) + ((count + 1) >>> 1);
  if (value !== undefined) size += hashed ? 32 : compactSize(value.length) + value.length;
  let bitmap = 0;
  if (isBranch) {
    size += 2;
    const children = n.children as (TrieNode | undefined)[];
    for (let i = 0; i < 16; i++) {
      const c = children[i];
      if (c === undefined) continue;
      bitmap |= 1 << i;
      const e = encodeNode(c, version);
      if (e.length >= 32) {
        if (c.hash === undefined) c.hash = blake2b256(e);
        size += 33;
      } else {
        size += 1 + e.length;
      }
    }
  }
  const buf = new Uint8Array(size);
  let o = writeHeader(buf, 0, count, kind);
  // Nibble-packed partial key; an odd count puts its first nibble alone in the low half.
  let i = 0;
  if (count % 2 === 1) buf[o++] = n.partial[i++] as number;
  for (; i < count; i += 2)
    buf[o++] = ((n.partial[i] as number) << 4) | (n.partial[i + 1] as number);
  if (isBranch) {
    buf[o++] = bitmap & 0xff;
    buf[o++] = bitmap >>> 8;
  }
  if (value !== undefined) {
    if (hashed) {
      buf.set(blake2b256(value), o);
      o += 32;
    } else {
      o = writeCompact(buf, o, value.length);
      buf.set(value, o);
      o += value.length;
    }
  }
  if (isBranch) {
    const children = n.children as (TrieNode | undefined)[];
    for (let j = 0; j < 16; j++) {
      const c = children[j];
      if (c === undefined) continue;
      const e = c.enc as Uint8Array;
      if (e.length >= 32) {
        buf[o++] = 32 << 2;
        buf.set(c.hash as Uint8Array, o);
        o += 32;
      } else {
        buf[o++] = e.length << 2;
        buf.set(e, o);
        o += e.length;
      }
    }
  }
  n.enc = buf;
  return buf;
}

function concatNibbles(a: Uint8Array, mid: number, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + 1 + b.length);
  out.set(a, 0);
  out[a.length] = mid;
  out.set(b, a.length + 1);
  return out;
}

/** Builds the tree of sorted, distinct nibble keys [lo, hi) whose first `d` nibbles agree. */
function buildSorted(
  keys: readonly Uint8Array[],
  values: readonly Uint8Array[],
  lo: number,
  hi: number,
  d: number
): TrieNode {
  const a = keys[lo] as Uint8Array;
  if (hi - lo === 1) return new TrieNode(a.slice(d), values[lo]);
  const b = keys[hi - 1] as Uint8Array;
  let l = d;
  while (l < a.length && l < b.length && a[l] === b[l]) l++;
  const node = new TrieNode(a.slice(d, l));
  node.children = new Array<TrieNode | undefined>(16).fill(undefined);
  let i = lo;
  if (a.length === l) node.value = values[i++];
  while (i < hi) {
    const nib = (keys[i] as Uint8Array)[l] as number;
    let j = i + 1;
    while (j < hi && (keys[j] as Uint8Array)[l] === nib) j++;
    node.children[nib] = buildSorted(keys, values, i, j, l + 1);
    i = j;
  }
  return node;
}

/** A mutable Substrate trie with cached node encodings (see the module comment). */
export class TrieBuilder {
  readonly version: StateVersion;
  private rootNode: TrieNode | undefined = undefined;
  private count = 0;
  private found = false;

  constructor(version: StateVersion) {
    if (version !== 0 && version !== 1) throw new RangeError('TrieBuilder: version must be 0 or 1');
    this.version = version;
  }

  /** A trie holding `entries` (a later duplicate key wins). */
  static fromEntries(entries: TrieEntries, version: StateVersion): TrieBuilder {
    const t = new TrieBuilder(version);
    const byHex = new Map<string, [Uint8Array, Uint8Array]>();
    for (const [k, v] of entries) byHex.set(toHex(k), [k, v]);
    if (byHex.size === 0) return t;
    // Hex order is byte order is nibble order.
    const sorted = [...byHex.keys()].sort();
    const keys = sorted.map((h) => nibblesOf((byHex.get(h) as [Uint8Array, Uint8Array])[0]));
    const values = sorted.map((h) => (byHex.get(h) as [Uint8Array, Uint8Array])[1]);
    t.rootNode = buildSorted(keys, values, 0, keys.length, 0);
    t.count = keys.length;
    return t;
  }

  get size(): number {
    return this.count;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const k = nibblesOf(key);
    let n = this.rootNode;
    let d = 0;
    while (n !== undefined) {
      const p = n.partial;
      if (k.length - d < p.length) return undefined;
      for (let i = 0; i < p.length; i++) if (k[d + i] !== p[i]) return undefined;
      d += p.length;
      if (d === k.length) return n.value;
      if (n.children === undefined) return undefined;
      n = n.children[k[d] as number];
      d++;
    }
    return undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.found = false;
    this.rootNode = this.insert(this.rootNode, nibblesOf(key), 0, value);
    if (!this.found) this.count++;
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: Uint8Array): boolean {
    this.found = false;
    this.rootNode = this.remove(this.rootNode, nibblesOf(key), 0);
    if (this.found) this.count--;
    return this.found;
  }

  /** The state root: blake2b-256 of the root node's encoding (of `0x00` when empty). */
  root(): Uint8Array {
    const r = this.rootNode;
    if (r === undefined) return EMPTY_ROOT.slice();
    const e = encodeNode(r, this.version);
    if (r.hash === undefined) r.hash = blake2b256(e);
    return r.hash.slice();
  }

  /** The proof nodes a read of `keys` records (see the module comment). */
  proof(keys: Iterable<Uint8Array>): Uint8Array[] {
    const out = new Map<string, Uint8Array>();
    const r = this.rootNode;
    if (r === undefined) return [EMPTY_NODE.slice()];
    this.root();
    out.set(toHex(r.hash as Uint8Array), r.enc as Uint8Array);
    for (const key of keys) {
      const k = nibblesOf(key);
      let n: TrieNode = r;
      let d = 0;
      for (;;) {
        const p = n.partial;
        if (k.length - d < p.length) break;
        let match = true;
        for (let i = 0; i < p.length; i++)
          if (k[d + i] !== p[i]) {
            match = false;
            break;
          }
        if (!match) break;
        d += p.length;
        if (d === k.length) {
          const v = n.value;
          if (v !== undefined && this.version === 1 && v.length >= TRIE_VALUE_NODE_THRESHOLD)
            out.set(toHex(blake2b256(v)), v);
          break;
        }
        if (n.children === undefined) break;
        const c = n.children[k[d] as number];
        if (c === undefined) break;
        d++;
        n = c;
        // Children of 32+ bytes are fetched by hash; shorter ones are inside their parent.
        const e = n.enc as Uint8Array;
        if (e.length >= 32) {
          if (n.hash === undefined) n.hash = blake2b256(e);
          out.set(toHex(n.hash), e);
        }
      }
    }
    return [...out.values()].map((b) => b.slice());
  }

  /** All entries in key order (for tests and debugging). */
  entries(): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = [];
    const walk = (n: TrieNode, prefix: number[]): void => {
      const path = [...prefix, ...n.partial];
      if (n.value !== undefined) {
        const key = new Uint8Array(path.length / 2);
        for (let i = 0; i < key.length; i++)
          key[i] = ((path[2 * i] as number) << 4) | (path[2 * i + 1] as number);
        out.push([key, n.value]);
      }
      if (n.children !== undefined)
        n.children.forEach((c, i) => {
          if (c !== undefined) walk(c, [...path, i]);
        });
    };
    if (this.rootNode !== undefined) walk(this.rootNode, []);
    return out;
  }

  private insert(
    node: TrieNode | undefined,
    k: Uint8Array,
    d: number,
    value: Uint8Array
  ): TrieNode {
    if (node === undefined) return new TrieNode(k.slice(d), value);
    node.enc = undefined;
    node.hash = undefined;
    const p = node.partial;
    let c = 0;
    while (c < p.length && d + c < k.length && p[c] === k[d + c]) c++;
    if (c < p.length) {
      // The key leaves this node's partial key: split it under a new branch.
      const branch = new TrieNode(p.slice(0, c));
      branch.children = new Array<TrieNode | undefined>(16).fill(undefined);
      branch.children[p[c] as number] = node;
      node.partial = p.slice(c + 1);
      if (d + c === k.length) branch.value = value;
      else branch.children[k[d + c] as number] = new TrieNode(k.slice(d + c + 1), value);
      return branch;
    }
    const at = d + c;
    if (at === k.length) {
      this.found = node.value !== undefined;
      node.value = value;
      return node;
    }
    if (node.children === undefined)
      node.children = new Array<TrieNode | undefined>(16).fill(undefined);
    const i = k[at] as number;
    node.children[i] = this.insert(node.children[i], k, at + 1, value);
    return node;
  }

  private remove(node: TrieNode | undefined, k: Uint8Array, d: number): TrieNode | undefined {
    if (node === undefined) return undefined;
    const p = node.partial;
    if (k.length - d < p.length) return node;
    for (let i = 0; i < p.length; i++) if (k[d + i] !== p[i]) return node;
    const at = d + p.length;
    if (at === k.length) {
      if (node.value === undefined) return node;
      this.found = true;
      node.value = undefined;
    } else {
      if (node.children === undefined) return node;
      const i = k[at] as number;
      const child = node.children[i];
      if (child === undefined) return node;
      const next = this.remove(child, k, at + 1);
      if (!this.found) return node;
      node.children[i] = next;
    }
    node.enc = undefined;
    node.hash = undefined;
    return normalize(node);
  }
}

/** Restores the no-extension invariants after a removal below or at `node`. */
function normalize(node: TrieNode): TrieNode | undefined {
  if (node.children !== undefined) {
    let count = 0;
    let only = -1;
    for (let i = 0; i < 16; i++)
      if (node.children[i] !== undefined) {
        count++;
        only = i;
      }
    if (count === 0) node.children = undefined;
    else if (count === 1 && node.value === undefined) {
      // A branch without value and one child merges into that child.
      const child = node.children[only] as TrieNode;
      child.partial = concatNibbles(node.partial, only, child.partial);
      child.enc = undefined;
      child.hash = undefined;
      return child;
    }
  }
  if (node.children === undefined && node.value === undefined) return undefined;
  return node;
}

/**
 * The encoding of the root node of the trie of `entries` whose keys are nibble paths (one nibble,
 * 0..15, per byte; any length, odd included), e.g. a subtree of a real trie keyed relative to its
 * position. Lets tests compare this encoder with nodes of real proofs. Throws on an empty input.
 */
export function encodeSubtrie(
  entries: readonly (readonly [Uint8Array, Uint8Array])[],
  version: StateVersion
): Uint8Array {
  const byPath = new Map<string, readonly [Uint8Array, Uint8Array]>();
  for (const e of entries) {
    if (e[0].some((n) => n > 15)) throw new RangeError('encodeSubtrie: nibbles must be 0..15');
    byPath.set(Array.from(e[0], (n) => n.toString(16)).join(''), e);
  }
  if (byPath.size === 0) throw new RangeError('encodeSubtrie: no entries');
  const sorted = [...byPath.keys()].sort();
  const keys = sorted.map((h) => (byPath.get(h) as readonly [Uint8Array, Uint8Array])[0]);
  const values = sorted.map((h) => (byPath.get(h) as readonly [Uint8Array, Uint8Array])[1]);
  return encodeNode(buildSorted(keys, values, 0, keys.length, 0), version);
}

/** The state root of `entries` under `version`. */
export function trieRoot(entries: TrieEntries, version: StateVersion): Uint8Array {
  return TrieBuilder.fromEntries(entries, version).root();
}

/** The proof nodes for reading `keys` from the trie of `entries` (present or absent keys). */
export function trieProof(
  entries: TrieEntries,
  keys: Iterable<Uint8Array>,
  version: StateVersion
): Uint8Array[] {
  return TrieBuilder.fromEntries(entries, version).proof(keys);
}

/**
 * Substrate's `ordered_trie_root` (sp-trie `LayoutV0/V1::ordered_trie_root`, the extrinsics
 * root): the trie root of `Compact<u32>(i) → values[i]`. frame-system picks the layout with
 * `RuntimeVersion::extrinsics_root_state_version` (polkadot-sdk
 * `substrate/primitives/version/src/lib.rs` at commit 0aa0bd5db12140ec0743457f8b069ca1e11c77f8):
 * V0 for `system_version` 0 and 1, V1 from 2. Only values of 33 bytes or more tell them apart.
 */
export function orderedTrieRoot(
  values: readonly Uint8Array[],
  version: StateVersion = 0
): Uint8Array {
  return trieRoot(
    values.map((v, i) => [compactU(i), v] as const),
    version
  );
}
