/**
 * Substrate storage proofs: reading values out of a set of base-16 Patricia-Merkle trie nodes
 * against a state root, as `state_getReadProof` returns them and `sp_state_machine::
 * read_proof_check` checks them.
 *
 * The trie is sp-trie's `LayoutV0` / `LayoutV1` with the `BlakeTwo256` hasher and the
 * "no extension" node codec. This module follows the codec of paritytech/trie
 * `test-support/reference-trie/src/substrate.rs` at commit
 * 0aa305d6d0da5aa954c22925611ff22572748e77 (a copy of polkadot-sdk's
 * `substrate/primitives/trie/src/{node_codec,node_header}.rs`):
 *
 * Node header: the first byte's high bits give the node kind, the rest the partial key's nibble
 * count, continued in following bytes when it does not fit:
 *
 *   0000_0000             empty trie (only ever the whole trie: root = blake2b256(0x00))
 *   01nn_nnnn             leaf, inline value                       (6 bits of nibble count)
 *   10nn_nnnn             branch without value                      (6 bits)
 *   11nn_nnnn             branch with inline value                  (6 bits)
 *   001n_nnnn             leaf with hashed value (LayoutV1)         (5 bits)
 *   0001_nnnn             branch with hashed value (LayoutV1)       (4 bits)
 *   0000_0001..0000_1111  not a node (0x01 is the compact-proof escape)
 *
 * With `m` the largest value the header's count bits hold (63, 31 or 15): a count below `m` is
 * stored in those bits; otherwise they hold `m`, and k bytes of 255 and one final byte b < 255
 * follow, with count = m − 1 + 255·k + b + 1 (the only encoding of each count).
 *
 * Then the partial key, nibble-packed: an odd count puts its first nibble in the low half of the
 * first byte, whose high half must be zero. A branch then has a 2-byte little-endian bitmap of
 * its children (bit i = child at nibble i; a zero bitmap is an error). Then the value: inline as
 * `Compact<u32>` length ‖ bytes; hashed (V1) as the 32-byte blake2b-256 of the value, which is a
 * separate entry of the proof. Then each child in nibble order as `Compact<u32>` length ‖ bytes:
 * 32 bytes are the hash of the child's encoding, fewer are the child's encoding itself (a node
 * whose encoding is shorter than 32 bytes is inlined in its parent, except the root, which is
 * always referred to by hash). LayoutV1 stores values of 33 bytes or more hashed.
 *
 * A proof is a set of encoded nodes and value blobs; each is found by its blake2b-256 hash. Order
 * and extra entries do not matter (sp-trie collects the proof into a set).
 *
 * Verdicts of `readStorageProof(stateRoot, proof, key)`:
 *   - the value, when the proof leads to it;
 *   - `null`, when the proof shows that no value is stored at `key` (the walk leaves the trie: a
 *     partial key diverges, a branch lacks the next child, or the key ends at a branch without
 *     value); with the empty-trie root every key is absent, with or without the `0x00` node;
 *   - `PROOF_INCOMPLETE`, when a node or value blob needed to decide is not in the proof, the root
 *     node included (facts: `missing` hash, `depth` in nibbles);
 *   - `PROOF_INVALID`, when a node needed to decide does not decode as a trie node (bad header,
 *     bad padding, zero bitmap, an inline child of 33+ bytes or an empty inline child, an empty
 *     node below the root, a non-canonical compact length, short input, trailing bytes). sp-trie's
 *     `decode_plan` ignores trailing bytes and takes a 33+ byte child as inline; no encoder
 *     produces either, so rejecting them only refuses bytes no honest node sends;
 *   - `TOO_LARGE` / `MALFORMED` / `BAD_LENGTH` for inputs beyond the caps below or of the wrong
 *     type or size (a state root must be 32 bytes).
 * A hashed value is looked up by its hash, so a value blob that is found always hashes to the hash
 * its node names. Nodes that are not on the walk are never decoded: a malformed unused entry does
 * not change a verdict (as in sp-trie, which decodes nodes lazily).
 *
 * Work is bounded: at most `MAX_PROOF_NODES` entries and `MAX_PROOF_BYTES` bytes are hashed once,
 * each entry is decoded at most once however many keys are read, keys are at most
 * `MAX_KEY_BYTES`, and a walk visits at most one node per key nibble plus one.
 * @module
 */
import { equalBytes, toHex } from './bytes.ts';
import { blake2b256 } from './hash.ts';
import { type Parsed, parsed, rejected } from './lines.ts';

/** blake2b256(0x00): the root of the empty trie. */
export const EMPTY_TRIE_ROOT = blake2b256(Uint8Array.of(0));

export const MAX_PROOF_NODES = 100_000;
export const MAX_PROOF_BYTES = 64 * 1024 * 1024;
export const MAX_KEY_BYTES = 4096;
export const MAX_KEYS = 100_000;

/** A child or value reference: the bytes themselves, or the hash of the bytes. */
export type TrieRef =
  | { readonly inline: Uint8Array; readonly hash?: undefined }
  | { readonly hash: Uint8Array; readonly inline?: undefined };

/** A decoded trie node. Byte fields are views into the encoded node. */
export type TrieNode =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'leaf';
      /** The partial key, one nibble (0..15) per byte. */
      readonly partial: Uint8Array;
      readonly value: TrieRef;
    }
  | {
      readonly kind: 'branch';
      readonly partial: Uint8Array;
      readonly value: TrieRef | null;
      /** 16 slots, null where the bitmap has no child. */
      readonly children: readonly (TrieRef | null)[];
    };

/** Reads a canonical `Compact<u32>` at `o`; returns [value, next offset] or null. */
function compactAt(b: Uint8Array, o: number): [number, number] | null {
  if (o >= b.length) return null;
  const b0 = b[o] as number;
  switch (b0 & 3) {
    case 0:
      return [b0 >>> 2, o + 1];
    case 1: {
      if (o + 2 > b.length) return null;
      const v = (((b[o + 1] as number) << 8) | b0) >>> 2;
      return v > 0x3f ? [v, o + 2] : null;
    }
    case 2: {
      if (o + 4 > b.length) return null;
      const w =
        (b0 | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16)) +
        (b[o + 3] as number) * 0x1000000;
      const v = Math.floor(w / 4);
      return v > 0x3fff ? [v, o + 4] : null;
    }
    default: {
      if (b0 !== 3 || o + 5 > b.length) return null;
      const v =
        ((b[o + 1] as number) | ((b[o + 2] as number) << 8) | ((b[o + 3] as number) << 16)) +
        (b[o + 4] as number) * 0x1000000;
      return v > 0x3fffffff ? [v, o + 5] : null;
    }
  }
}

/**
 * Decodes one trie node (sp-trie `NodeCodec::decode_plan`, plus: no trailing bytes, no inline
 * child of 33 bytes or more). Returns the reason as a string when the bytes are not a node.
 */
export function decodeTrieNode(node: Uint8Array): TrieNode | string {
  const n = node.length;
  if (n === 0) return 'empty input';
  const first = node[0] as number;
  if (first === 0) return n === 1 ? { kind: 'empty' } : 'trailing bytes after the empty node';
  let kind: 'leaf' | 'branch';
  let hasValue: boolean;
  let hashedValue = false;
  let countBits: number;
  switch (first >>> 6) {
    case 1:
      kind = 'leaf';
      hasValue = true;
      countBits = 6;
      break;
    case 2:
      kind = 'branch';
      hasValue = false;
      countBits = 6;
      break;
    case 3:
      kind = 'branch';
      hasValue = true;
      countBits = 6;
      break;
    default:
      if (first >>> 5 === 1) {
        kind = 'leaf';
        hasValue = true;
        hashedValue = true;
        countBits = 5;
      } else if (first >>> 4 === 1) {
        kind = 'branch';
        hasValue = true;
        hashedValue = true;
        countBits = 4;
      } else {
        return `unknown node header 0x${first.toString(16).padStart(2, '0')}`;
      }
  }
  const max = (1 << countBits) - 1;
  let count = first & max;
  let o = 1;
  if (count === max) {
    count = max - 1;
    for (;;) {
      if (o >= n) return 'short node header';
      const c = node[o++] as number;
      if (c < 255) {
        count += c + 1;
        break;
      }
      count += 255;
    }
  }
  const partialBytes = (count + 1) >>> 1;
  if (o + partialBytes > n) return 'short partial key';
  if (count % 2 === 1 && ((node[o] as number) & 0xf0) !== 0) return 'nonzero partial key padding';
  const partial = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    // Nibble i of the packed key: with odd counts the first nibble is the low half of byte 0.
    const j = i + (count % 2);
    const byte = node[o + (j >>> 1)] as number;
    partial[i] = j % 2 === 0 ? byte >>> 4 : byte & 0x0f;
  }
  o += partialBytes;
  let bitmap = 0;
  if (kind === 'branch') {
    if (o + 2 > n) return 'short bitmap';
    bitmap = (node[o] as number) | ((node[o + 1] as number) << 8);
    o += 2;
    if (bitmap === 0) return 'branch without children';
  }
  let value: TrieRef | null = null;
  if (hasValue) {
    if (hashedValue) {
      if (o + 32 > n) return 'short value hash';
      value = { hash: node.subarray(o, o + 32) };
      o += 32;
    } else {
      const c = compactAt(node, o);
      if (c === null || c[1] + c[0] > n) return 'bad value length';
      value = { inline: node.subarray(c[1], c[1] + c[0]) };
      o = c[1] + c[0];
    }
  }
  if (kind === 'leaf') {
    if (o !== n) return 'trailing bytes';
    return { kind, partial, value: value as TrieRef };
  }
  const children: (TrieRef | null)[] = [];
  for (let i = 0; i < 16; i++) {
    if ((bitmap & (1 << i)) === 0) {
      children.push(null);
      continue;
    }
    const c = compactAt(node, o);
    if (c === null || c[1] + c[0] > n) return `bad child ${i}`;
    const bytes = node.subarray(c[1], c[1] + c[0]);
    if (c[0] === 32) children.push({ hash: bytes });
    else if (c[0] > 32) return `inline child ${i} longer than 32 bytes`;
    else if (c[0] === 0) return `empty inline child ${i}`;
    else children.push({ inline: bytes });
    o = c[1] + c[0];
  }
  if (o !== n) return 'trailing bytes';
  return { kind, partial, value, children };
}

/** Key bytes as nibbles, high nibble first. */
function nibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = (key[i] as number) >>> 4;
    out[2 * i + 1] = (key[i] as number) & 0x0f;
  }
  return out;
}

/** Proof entries by the hex of their hash, and the nodes decoded so far (each at most once). */
interface ProofDb {
  readonly bytes: Map<string, Uint8Array>;
  readonly decoded: Map<string, TrieNode | string>;
}

function indexProof(proof: readonly Uint8Array[]): Parsed<ProofDb> {
  if (!Array.isArray(proof)) return rejected('MALFORMED', { field: 'proof' });
  if (proof.length > MAX_PROOF_NODES)
    return rejected('TOO_LARGE', { proofNodes: proof.length, max: MAX_PROOF_NODES });
  let total = 0;
  const bytes = new Map<string, Uint8Array>();
  for (let i = 0; i < proof.length; i++) {
    const p = proof[i];
    if (!(p instanceof Uint8Array)) return rejected('MALFORMED', { field: 'proof', index: i });
    total += p.length;
    if (total > MAX_PROOF_BYTES)
      return rejected('TOO_LARGE', { proofBytes: total, max: MAX_PROOF_BYTES });
    bytes.set(toHex(blake2b256(p)), p);
  }
  return parsed({ bytes, decoded: new Map() });
}

function lookup(db: ProofDb, stateRoot: Uint8Array, key: Uint8Array): Parsed<Uint8Array | null> {
  const rootHex = toHex(stateRoot);
  let node = db.bytes.get(rootHex);
  /** The hash of `node` when it was fetched by hash (null for an inline node). */
  let nodeHex: string | null = rootHex;
  if (node === undefined) {
    if (equalBytes(stateRoot, EMPTY_TRIE_ROOT)) return parsed(null);
    return rejected('PROOF_INCOMPLETE', { missing: rootHex, depth: 0 });
  }
  const k = nibbles(key);
  let pos = 0;
  let atRoot = true;
  // Each step consumes at least one nibble or ends the walk.
  for (let step = 0; step <= k.length + 1; step++) {
    let decoded = nodeHex === null ? undefined : db.decoded.get(nodeHex);
    if (decoded === undefined) {
      decoded = decodeTrieNode(node);
      if (nodeHex !== null) db.decoded.set(nodeHex, decoded);
    }
    if (typeof decoded === 'string')
      return rejected('PROOF_INVALID', { reason: decoded, depth: pos });
    if (decoded.kind === 'empty') {
      if (atRoot) return parsed(null);
      return rejected('PROOF_INVALID', { reason: 'empty node below the root', depth: pos });
    }
    const p = decoded.partial;
    if (k.length - pos < p.length) return parsed(null);
    for (let i = 0; i < p.length; i++) if (k[pos + i] !== p[i]) return parsed(null);
    pos += p.length;
    if (pos === k.length) {
      const v = decoded.value;
      if (v === null) return parsed(null);
      if (v.inline !== undefined) return parsed(v.inline.slice());
      const hex = toHex(v.hash);
      const blob = db.bytes.get(hex);
      if (blob === undefined)
        return rejected('PROOF_INCOMPLETE', { missing: hex, depth: pos, what: 'value' });
      return parsed(blob.slice());
    }
    if (decoded.kind === 'leaf') return parsed(null);
    const next = decoded.children[k[pos] as number] ?? null;
    if (next === null) return parsed(null);
    pos += 1;
    atRoot = false;
    if (next.inline !== undefined) {
      node = next.inline;
      nodeHex = null;
    } else {
      const hex = toHex(next.hash);
      const child = db.bytes.get(hex);
      if (child === undefined) return rejected('PROOF_INCOMPLETE', { missing: hex, depth: pos });
      node = child;
      nodeHex = hex;
    }
  }
  // Unreachable: the loop returns within k.length + 1 steps.
  return rejected('PROOF_INVALID', { reason: 'walk did not end', depth: pos });
}

function checkRootAndKey(stateRoot: Uint8Array, key: Uint8Array, index?: number): Parsed<true> {
  const at: Record<string, number> = index === undefined ? {} : { key: index };
  if (!(stateRoot instanceof Uint8Array)) return rejected('MALFORMED', { field: 'stateRoot' });
  if (stateRoot.length !== 32)
    return rejected('BAD_LENGTH', { field: 'stateRoot', length: stateRoot.length });
  if (!(key instanceof Uint8Array)) return rejected('MALFORMED', { field: 'key', ...at });
  if (key.length > MAX_KEY_BYTES)
    return rejected('TOO_LARGE', { field: 'key', length: key.length, max: MAX_KEY_BYTES, ...at });
  return parsed(true);
}

/**
 * The value stored at `key` in the trie with root `stateRoot`, read from `proof` (the encoded
 * nodes `state_getReadProof` returns): the bytes, `null` when the proof shows the key absent, or
 * the reason the proof cannot decide (see the module comment). Never throws.
 */
export function readStorageProof(
  stateRoot: Uint8Array,
  proof: readonly Uint8Array[],
  key: Uint8Array
): Parsed<Uint8Array | null> {
  const ok = checkRootAndKey(stateRoot, key);
  if (!ok.ok) return ok;
  const db = indexProof(proof);
  if (!db.ok) return db;
  return lookup(db.value, stateRoot, key);
}

/**
 * Several keys from one proof (hashed once): the values in key order. The first key the proof
 * cannot decide rejects the whole read, with its index in `facts.key`.
 */
export function readStorageProofs(
  stateRoot: Uint8Array,
  proof: readonly Uint8Array[],
  keys: readonly Uint8Array[]
): Parsed<(Uint8Array | null)[]> {
  if (!Array.isArray(keys)) return rejected('MALFORMED', { field: 'keys' });
  if (keys.length > MAX_KEYS) return rejected('TOO_LARGE', { keys: keys.length, max: MAX_KEYS });
  for (let i = 0; i < keys.length; i++) {
    const ok = checkRootAndKey(stateRoot, keys[i] as Uint8Array, i);
    if (!ok.ok) return ok;
  }
  const db = indexProof(proof);
  if (!db.ok) return db;
  const out: (Uint8Array | null)[] = [];
  for (let i = 0; i < keys.length; i++) {
    const v = lookup(db.value, stateRoot, keys[i] as Uint8Array);
    if (!v.ok) return rejected(v.code, { ...v.facts, key: i });
    out.push(v.value);
  }
  return parsed(out);
}

/**
 * Splits a SCALE `Vec<Vec<u8>>` (how sp-trie's `StorageProof` and smoldot encode a proof) into
 * its entries. Rejects (never throws) short input, non-canonical lengths and trailing bytes.
 */
export function decodeProofEntries(encoded: Uint8Array): Parsed<Uint8Array[]> {
  if (!(encoded instanceof Uint8Array)) return rejected('MALFORMED', { field: 'proof' });
  if (encoded.length > MAX_PROOF_BYTES + 5 * MAX_PROOF_NODES)
    return rejected('TOO_LARGE', { proofBytes: encoded.length });
  const c = compactAt(encoded, 0);
  if (c === null) return rejected('BAD_ENCODING', { field: 'proof', at: 0 });
  const [count] = c;
  if (count > MAX_PROOF_NODES)
    return rejected('TOO_LARGE', { proofNodes: count, max: MAX_PROOF_NODES });
  let o = c[1];
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const l = compactAt(encoded, o);
    if (l === null || l[1] + l[0] > encoded.length)
      return rejected('BAD_ENCODING', { field: 'proof', entry: i, at: o });
    out.push(encoded.slice(l[1], l[1] + l[0]));
    o = l[1] + l[0];
  }
  if (o !== encoded.length)
    return rejected('BAD_ENCODING', { field: 'proof', trailingBytes: encoded.length - o });
  return parsed(out);
}
