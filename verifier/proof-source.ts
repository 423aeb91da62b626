/**
 * The `proofs` section of version 3 receipt bundles (docs/spec.md §9.2), asked from a chain node
 * with standard Substrate JSON-RPC and cached. The API asks the node it follows
 * (`PROOFROOM_RPC_URL`), `proofroom devnet --out` its own chain; the transport is the caller's
 * (api/rpc.ts's `fetchRpcBatch` over HTTP, or any `RpcBatch`), so this module does no I/O of
 * its own:
 *
 * - `chain_getBlockHash` for a cited height without a hash, `chain_getHeader` for every cited
 *   block (re-encoded to SCALE and checked to hash to the block hash before it is used);
 * - `state_getReadProof` of `System.Events`, `System.LastRuntimeUpgrade` and `Timestamp.Now` at
 *   each cited block;
 * - `grandpa_proveFinality(n)`: the justification of the first justified block at or above `n`
 *   and the headers linking `n` to it;
 * - the genesis authority set (`:grandpa_authorities` at the genesis block) and, for each later
 *   set, the block that enacted it (found by bisecting `Grandpa.CurrentSetId`) with its own
 *   justification, so that a verifier holding only the genesis set follows every change.
 *
 * Blocks are immutable, so everything is cached by block hash (and heights only below the
 * finalized head). The proofs are data for the verifier, never trusted here: a node that lies
 * produces a bundle whose chain lines fail.
 * @module
 */
import { compactU, concatBytes, equalBytes, parseHex, toHex, utf8 } from './bytes.ts';
import { TrieBuilder } from './trie-builder.ts';
import { BUNDLE_VERSION, type ReceiptBundleJson, parseBundle, writeProofs } from './bundle.ts';
import {
  type ChainProofs,
  type CitedBlocks,
  type RpcBatch,
  STORAGE_KEYS,
  citedBlocks,
} from './chain.ts';
import { ScaleReader, decodeHeader, headerHash, readHeader } from './header.ts';

/** `twox128("Grandpa") ++ twox128("CurrentSetId")`. */
export const GRANDPA_SET_ID_KEY =
  '0x5f9cc45b7a00c5899361e1c6099678dc8a2d09463effcc78a22d75b9cb87dffc';
/** The well-known key of the GRANDPA authority list (`:grandpa_authorities`). */
export const GRANDPA_AUTHORITIES_KEY = toHex(utf8(':grandpa_authorities'));

interface HeaderJson {
  parentHash: string;
  number: string;
  stateRoot: string;
  extrinsicsRoot: string;
  digest: { logs: string[] };
}

/** A header from its RPC JSON form, SCALE-encoded. Throws on a malformed header. */
export function encodeHeaderJson(h: HeaderJson): Uint8Array {
  const hash = (v: string, what: string): Uint8Array => {
    const b = parseHex(v, 32);
    if (!b) throw new Error(`header: bad ${what}`);
    return b;
  };
  const number = Number.parseInt(String(h.number), 16);
  if (!Number.isSafeInteger(number) || number < 0 || number > 0xffffffff)
    throw new Error('header: bad number');
  const logs = (h.digest?.logs ?? []).map((l) => {
    const b = parseHex(l);
    if (!b) throw new Error('header: bad digest item');
    return b;
  });
  return concatBytes(
    hash(h.parentHash, 'parentHash'),
    compactU(number),
    hash(h.stateRoot, 'stateRoot'),
    hash(h.extrinsicsRoot, 'extrinsicsRoot'),
    compactU(logs.length),
    ...logs
  );
}

/** The node could not answer (the API turns it into a 503). */
export class ChainRpcError extends Error {}

type Call = readonly [string, readonly unknown[]];

interface BlockEntry {
  readonly hash: string;
  readonly number: number;
  readonly header: Uint8Array;
  readonly parentHash: string;
  nodes?: Uint8Array[];
}

interface Finality {
  /** The justified block. */
  readonly block: string;
  readonly justification: Uint8Array;
  readonly setId: bigint;
  /** Headers from the asked height up to the justified block. */
  readonly headers: readonly Uint8Array[];
}

const CACHE_LIMIT = 20_000;

/** Asks one chain node for proofs, and caches what it answered. */
export class ChainProofSource {
  readonly #transport: RpcBatch;
  readonly #clock: (() => number) | null;
  readonly #finalizedTtlMs: number;
  #finalized: { number: number; at: number } | null = null;
  readonly #blocks = new Map<string, BlockEntry>();
  readonly #canonical = new Map<number, string>();
  readonly #finality = new Map<number, Finality | null>();
  readonly #setIds = new Map<string, bigint>();
  readonly #bodies = new Map<string, { values: Uint8Array[]; trie: TrieBuilder }>();
  /** Hex texts of the byte strings handed out (blocks are immutable: each is converted once). */
  readonly #hexes = new WeakMap<Uint8Array, string>();
  #genesis: { hash: string; keys: Uint8Array[] } | null = null;
  #changes: Array<{ setId: bigint; number: number }> | null = null;
  #changesAt = -1;

  /**
   * `transport` asks the node (api/rpc.ts's `fetchRpcBatch` over HTTP, or any `RpcBatch`);
   * `clock` gives milliseconds (the caller's: this module reads no clock of its own); without
   * one, the finalized head is asked for every bundle.
   */
  constructor(transport: RpcBatch, clock: (() => number) | null = null, finalizedTtlMs = 1000) {
    this.#transport = transport;
    this.#clock = clock;
    this.#finalizedTtlMs = finalizedTtlMs;
  }

  #hex(b: Uint8Array): string {
    let h = this.#hexes.get(b);
    if (h === undefined) {
      h = toHex(b);
      this.#hexes.set(b, h);
    }
    return h;
  }

  async #rpc(calls: readonly Call[]): Promise<unknown[]> {
    try {
      return await this.#transport(calls);
    } catch (e) {
      if (e instanceof ChainRpcError) throw e;
      throw new ChainRpcError(`the chain node could not answer: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  #remember<K, V>(map: Map<K, V>, k: K, v: V): void {
    if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value as K);
    map.set(k, v);
  }

  /**
   * The node's finalized height, asked at most once per `#finalizedTtlMs` (bundles built in a
   * burst share one answer; a slightly old head only delays a justification).
   */
  async #finalizedNumber(): Promise<number> {
    const now = this.#clock ? this.#clock() : null;
    if (now !== null && this.#finalized && now - this.#finalized.at < this.#finalizedTtlMs)
      return this.#finalized.number;
    const [head] = await this.#rpc([['chain_getFinalizedHead', []]]);
    const b = await this.#blocksByHash([String(head)]);
    if (now !== null) this.#finalized = { number: b[0]!.number, at: now };
    return b[0]!.number;
  }

  /** Canonical hashes of heights (cached below the finalized head). */
  async #hashesAt(heights: readonly number[], finalized: number): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const ask = heights.filter((h) => {
      const c = this.#canonical.get(h);
      if (c !== undefined) out.set(h, c);
      return c === undefined;
    });
    const got = await this.#rpc(ask.map((h) => ['chain_getBlockHash', [h]] as const));
    ask.forEach((h, i) => {
      const hash = got[i];
      if (typeof hash !== 'string') throw new ChainRpcError(`no block at height ${h}`);
      out.set(h, hash.toLowerCase());
      if (h <= finalized) this.#remember(this.#canonical, h, hash.toLowerCase());
    });
    // In the order asked, whatever was cached: the proofs list headers in this order, and a
    // bundle must be the same bytes however many were built before it.
    return new Map(heights.map((h) => [h, out.get(h)!]));
  }

  async #blocksByHash(hashes: readonly string[]): Promise<BlockEntry[]> {
    const ask = [...new Set(hashes.map((h) => h.toLowerCase()))].filter(
      (h) => !this.#blocks.has(h)
    );
    const got = await this.#rpc(ask.map((h) => ['chain_getHeader', [h]] as const));
    ask.forEach((h, i) => {
      const json = got[i] as HeaderJson | null;
      if (!json) throw new ChainRpcError(`the chain node has no block ${h}`);
      const header = encodeHeaderJson(json);
      if (toHex(headerHash(header)) !== h)
        throw new ChainRpcError(`the header the chain node gave for ${h} does not hash to it`);
      const d = decodeHeader(header);
      if (!d.ok) throw new ChainRpcError(`the header of ${h} does not decode`);
      this.#remember(this.#blocks, h, {
        hash: h,
        number: d.value.number,
        header,
        parentHash: toHex(d.value.parentHash),
      });
    });
    return hashes.map((h) => this.#blocks.get(h.toLowerCase())!);
  }

  async #readProofs(blocks: readonly BlockEntry[]): Promise<void> {
    const ask = blocks.filter((b) => b.nodes === undefined);
    const keys = [STORAGE_KEYS.events, STORAGE_KEYS.lastRuntimeUpgrade, STORAGE_KEYS.timestampNow];
    const got = await this.#rpc(ask.map((b) => ['state_getReadProof', [keys, b.hash]] as const));
    ask.forEach((b, i) => {
      const r = got[i] as { proof?: unknown } | null;
      if (!r || !Array.isArray(r.proof)) throw new ChainRpcError(`no read proof at ${b.hash}`);
      b.nodes = r.proof.map((n) => {
        const x = parseHex(n);
        if (!x) throw new ChainRpcError(`a read proof node at ${b.hash} is not hex`);
        return x;
      });
    });
  }

  /**
   * A block's extrinsics and their ordered trie (`chain_getBlock`), checked against the header's
   * extrinsics root under either layout (cached).
   */
  async #bodyOf(hash: string): Promise<{ values: Uint8Array[]; trie: TrieBuilder }> {
    const cached = this.#bodies.get(hash);
    if (cached) return cached;
    const [block] = await this.#blocksByHash([hash]);
    const [raw] = await this.#rpc([['chain_getBlock', [hash]]]);
    const list = (raw as { block?: { extrinsics?: unknown } } | null)?.block?.extrinsics;
    if (!Array.isArray(list)) throw new ChainRpcError(`no body for block ${hash}`);
    const values = list.map((x) => {
      const b = parseHex(x);
      if (!b) throw new ChainRpcError(`an extrinsic of ${hash} is not hex`);
      return b;
    });
    const root = decodeHeader(block!.header);
    if (!root.ok) throw new ChainRpcError(`the header of ${hash} does not decode`);
    for (const version of [0, 1] as const) {
      const trie = TrieBuilder.fromEntries(
        values.map((v, i) => [compactU(i), v] as const),
        version
      );
      if (equalBytes(trie.root(), root.value.extrinsicsRoot)) {
        const body = { values, trie };
        this.#remember(this.#bodies, hash, body);
        return body;
      }
    }
    throw new ChainRpcError(`the extrinsics of ${hash} do not give its extrinsics root`);
  }

  /**
   * `Grandpa.CurrentSetId` in the state of block `hash` (cached: blocks are immutable). The set
   * that signs a block's justification is the one in its parent's state.
   */
  async #setIdAt(hash: string): Promise<bigint> {
    const c = this.#setIds.get(hash);
    if (c !== undefined) return c;
    const [v] = await this.#rpc([['state_getStorage', [GRANDPA_SET_ID_KEY, hash]]]);
    const bytes = typeof v === 'string' ? parseHex(v) : null;
    const id = bytes && bytes.length === 8 ? (new ScaleReader(bytes).u64() ?? 0n) : 0n;
    this.#remember(this.#setIds, hash, id);
    return id;
  }

  /** `grandpa_proveFinality(n)`: the justified block at or above `n` (null when none yet). */
  async #finalityOf(n: number): Promise<Finality | null> {
    if (this.#finality.has(n)) return this.#finality.get(n)!;
    const [raw] = await this.#rpc([['grandpa_proveFinality', [n]]]);
    if (typeof raw !== 'string') return null;
    const bytes = parseHex(raw);
    if (!bytes) throw new ChainRpcError('grandpa_proveFinality: not hex');
    const r = new ScaleReader(bytes);
    const block = r.take(32);
    const jLen = r.compactU32();
    const justification = jLen === null ? null : r.take(jLen);
    const count = r.compactU32();
    if (block === null || justification === null || count === null)
      throw new ChainRpcError('grandpa_proveFinality: malformed finality proof');
    const headers: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const start = r.offset;
      const h = readHeader(r);
      if (!h.ok) throw new ChainRpcError('grandpa_proveFinality: malformed header');
      headers.push(bytes.slice(start, r.offset));
    }
    const [target] = await this.#blocksByHash([toHex(block)]);
    const setId = await this.#setIdAt(target!.parentHash);
    const f: Finality = {
      block: toHex(block),
      justification: justification.slice(),
      setId,
      headers,
    };
    this.#remember(this.#finality, n, f);
    return f;
  }

  async #genesisSet(): Promise<{ hash: string; keys: Uint8Array[] }> {
    if (this.#genesis) return this.#genesis;
    const [g] = await this.#rpc([['chain_getBlockHash', [0]]]);
    const [v] = await this.#rpc([['state_getStorage', [GRANDPA_AUTHORITIES_KEY, g]]]);
    const bytes = typeof v === 'string' ? parseHex(v) : null;
    if (!bytes) throw new ChainRpcError('no :grandpa_authorities at the genesis block');
    const r = new ScaleReader(bytes);
    if (r.u8() !== 1) throw new ChainRpcError(':grandpa_authorities: unknown version');
    const n = r.compactU32() ?? 0;
    const keys: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const k = r.take(32);
      if (k === null || r.u64() === null)
        throw new ChainRpcError(':grandpa_authorities: malformed');
      keys.push(k.slice());
    }
    this.#genesis = { hash: String(g).toLowerCase(), keys };
    return this.#genesis;
  }

  /** Heights at which each set after the genesis set took over, up to height `top`. */
  async #setChanges(
    top: number,
    finalized: number
  ): Promise<Array<{ setId: bigint; number: number }>> {
    if (this.#changes && this.#changesAt >= top)
      return this.#changes.filter((c) => c.number <= top);
    const idAt = async (h: number): Promise<bigint> =>
      this.#setIdAt((await this.#hashesAt([h], finalized)).get(h)!);
    const changes: Array<{ setId: bigint; number: number }> = [];
    let lo = 0;
    let loId = await idAt(0);
    const topId = await idAt(top);
    // Each change: the first height whose state holds the next set id (bisection).
    while (loId < topId) {
      let a = lo;
      let b = top;
      while (b - a > 1) {
        const mid = (a + b) >> 1;
        if ((await idAt(mid)) > loId) b = mid;
        else a = mid;
      }
      const id = await idAt(b);
      changes.push({ setId: id, number: b });
      lo = b;
      loId = id;
    }
    this.#changes = changes;
    this.#changesAt = top;
    return changes;
  }

  /**
   * The proofs for a bundle citing `cited`: headers (cited blocks, the links to their justified
   * blocks, set-change blocks), storage reads at the cited blocks, justifications and the
   * genesis authority set. Throws ChainRpcError when the node cannot answer.
   */
  async proofsFor(cited: CitedBlocks): Promise<ChainProofs> {
    const finalized = await this.#finalizedNumber();
    const byHeight = await this.#hashesAt(cited.heights, finalized);
    const hashes = [
      ...new Set([...cited.hashes.map((c) => c.hash.toLowerCase()), ...byHeight.values()]),
    ];
    const blocks = await this.#blocksByHash(hashes);
    await this.#readProofs(blocks);
    const headers = new Map<string, Uint8Array>();
    for (const b of blocks) headers.set(b.hash, b.header);
    const justifications = new Map<string, { block: string; setId: bigint; encoded: Uint8Array }>();
    const addFinality = (f: Finality): void => {
      justifications.set(f.block, { block: f.block, setId: f.setId, encoded: f.justification });
      for (const h of f.headers) headers.set(toHex(headerHash(h)), h);
    };
    // Finality for every cited block at or below the finalized head.
    const heights = [...new Set(blocks.map((b) => b.number))].filter((n) => n <= finalized);
    heights.sort((a, b) => a - b);
    let covered = -1;
    for (const n of heights) {
      if (n <= covered) continue;
      const f = await this.#finalityOf(n);
      if (!f) continue;
      addFinality(f);
      const target = this.#blocks.get(f.block);
      covered = target ? target.number : n;
    }
    // The set changes up to the highest justified block, each with its own justification.
    const top = Math.max(
      -1,
      ...[...justifications.values()].map((j) => this.#blocks.get(j.block)?.number ?? -1)
    );
    const genesis = await this.#genesisSet();
    if (top > 0) {
      for (const c of await this.#setChanges(top, finalized)) {
        const f = await this.#finalityOf(c.number);
        if (!f) continue;
        addFinality(f);
        const [b] = await this.#blocksByHash([f.block]);
        headers.set(b!.hash, b!.header);
      }
    }
    const extrinsics: Array<ChainProofs['extrinsics'][number]> = [];
    for (const x of cited.extrinsics) {
      const hash = byHeight.get(x.number);
      if (hash === undefined) continue;
      const body = await this.#bodyOf(hash);
      const extrinsic = body.values[x.index];
      if (extrinsic === undefined)
        throw new ChainRpcError(`block ${hash} has no extrinsic ${x.index}`);
      extrinsics.push({
        block: hash,
        index: x.index,
        extrinsic: this.#hex(extrinsic),
        nodes: body.trie.proof([compactU(x.index)]).map(toHex),
      });
    }
    return {
      headers: [...headers.values()].map((h) => this.#hex(h)),
      storage: blocks.map((b) => ({ block: b.hash, nodes: b.nodes!.map((n) => this.#hex(n)) })),
      justifications: [...justifications.values()].map((j) => ({
        block: j.block,
        setId: j.setId,
        encoded: this.#hex(j.encoded),
      })),
      authorities: { setId: 0n, keys: genesis.keys },
      extrinsics,
    };
  }
}

/**
 * A bundle with the proofs of its chain facts added (from `source`), as version 3. Throws
 * ChainRpcError when the node cannot answer, and an Error for a bundle that does not parse.
 */
export async function proveBundle(
  json: ReceiptBundleJson,
  source: ChainProofSource
): Promise<ReceiptBundleJson> {
  const p = parseBundle(json);
  if (!p.ok) throw new Error(`proveBundle: the bundle does not parse: ${p.errors[0] ?? ''}`);
  const proofs = await source.proofsFor(citedBlocks(p.bundle));
  return { ...json, version: BUNDLE_VERSION, proofs: writeProofs(proofs) };
}
