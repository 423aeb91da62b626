/**
 * Chain-bound receipts: every chain fact a bundle asserts, checked against proofs that rest on a
 * block hash the user trusts (issue 18; docs/spec.md §9.2 and §11).
 *
 * A bundle's subjects (verifier/receipt.ts) take chain facts as given: the anchor's `Remarked`
 * event, finality, the validator set, the votes, the payout events, `ClusterEraPaid`. Version 3
 * bundles add a `proofs` section, and this module checks each of those facts against it:
 *
 * 1. **Headers.** Every header in the proofs is decoded (SCALE, verifier/header.ts) and known by
 *    its blake2b-256 hash, so a block number, a parent link or a state root is only ever read
 *    from bytes that hash to the block hash.
 * 2. **Finality.** GRANDPA justifications (verifier/grandpa.ts) are checked against an authority
 *    set: the user's (`TrustRoots.authorities`), else the one the bundle names (consistent, not
 *    pinned). A justified block and every ancestor reachable through proven parent links are
 *    final. Set changes (`ScheduledChange` in the digest of a block finalized by the current set)
 *    are followed, so a trusted genesis set proves blocks of any later set.
 * 3. **Storage.** At each cited block, `System.Events`, `System.LastRuntimeUpgrade` and
 *    `Timestamp.Now` are read from a trie proof (verifier/trie.ts) against the header's state
 *    root. The events are decoded with the runtime types pinned in this verifier
 *    (verifier/scale.ts) for the spec name and version `LastRuntimeUpgrade` proves; a runtime the
 *    verifier has not pinned is `UNKNOWN_RUNTIME`, never decoded with types from the bundle.
 * 4. **Facts.** Each fact with a source (block, event index) must equal the event the proofs hold
 *    there: pallet, name and every field the bundle states. Conservation totals are recomputed
 *    from every payout event of the era in every block from `begin_payout` to `ClusterEraPaid`.
 * 5. **Pinning.** Whatever was proven is proven relative to the proofs' own blocks. It is pinned
 *    when a trust root vouches for it: a trusted authority set (justifications then prove
 *    finality with no node at all), a list of (height, hash) pins, or the canonical hashes and
 *    finalized height a node the user trusts reported (the caller fetches them; this module is
 *    pure). Without a trust root every pass is *consistent but not pinned*.
 *
 * Facts no proof here covers (the GAR service's grant versions, `begin_payout`'s fingerprint,
 * batch entries and proofs carried in extrinsics, the cluster's keys and a node's provider, which
 * live in pallet storage the devnet does not model yet) are listed in `ChainBinding.unproven`:
 * they rest on the API's word, and every report says so.
 * @module
 */
import { compactU, equalBytes, parseHex, toHex } from './bytes.ts';
import type { ReceiptBundle } from './bundle.ts';
import type { Usage } from './billing-report.ts';
import { verifyGrandpaJustification } from './grandpa.ts';
import { type Header, decodeHeader, grandpaDigest, headerHash } from './header.ts';
import {
  type Facts,
  type Line,
  type LineInit,
  type Parsed,
  type ReasonCode,
  type Source,
  fail,
  parsed,
  pass,
  pending,
  rejected,
} from './lines.ts';
import {
  type DecodedEvent,
  type DecodedExtrinsic,
  type PinnedRuntime,
  decodeEvents,
  decodeExtrinsic,
  decodeLastRuntimeUpgrade,
  pinnedRuntime,
} from './scale.ts';
import { type SignatureBackend, pureBackend } from './signatures.ts';
import { readStorageProof, readStorageProofs } from './trie.ts';

/**
 * Storage keys every Substrate runtime uses (`twox128(pallet) ++ twox128(item)`), checked against
 * `@subsquid/substrate-runtime`'s key encoder in test/chain-proofs.test.ts.
 */
export const STORAGE_KEYS = Object.freeze({
  events: '0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7',
  lastRuntimeUpgrade: '0x26aa394eea5630e07c48ae0c9558cef7f9cce9c888469bb1a0dceaa129672ef8',
  timestampNow: '0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb',
});
const KEY_BYTES = [
  STORAGE_KEYS.events,
  STORAGE_KEYS.lastRuntimeUpgrade,
  STORAGE_KEYS.timestampNow,
].map((k) => parseHex(k) as Uint8Array);

/** Most headers, storage reads and justifications one bundle's proofs may carry. */
export const MAX_PROOF_HEADERS = 20_000;
export const MAX_PROOF_READS = 5_000;
export const MAX_JUSTIFICATIONS = 1_000;
/** Most blocks a conservation range may span. */
export const MAX_PAYOUT_RANGE = 5_000;

// Inputs -----------------------------------------------------------------------------------------

/**
 * A bundle's `proofs` section. Byte strings stay `0x` hex as the bundle carries them: a view
 * shared by an era's receipts skips what it already holds by its text, and decodes (and
 * validates: bad hex is `BAD_ENCODING`) only what is new.
 */
export interface ChainProofs {
  /** SCALE-encoded headers: every cited block, and the blocks linking it to a justified one. */
  readonly headers: readonly string[];
  /** Trie nodes reading `System.Events`, `System.LastRuntimeUpgrade` and `Timestamp.Now`. */
  readonly storage: ReadonlyArray<{
    readonly block: string;
    readonly nodes: readonly string[];
  }>;
  /** GRANDPA justifications, each with the set id its precommits were signed for. */
  readonly justifications: ReadonlyArray<{
    readonly block: string;
    readonly setId: bigint;
    readonly encoded: string;
  }>;
  /** The authority set the proofs start from (unpinned unless the user's trust root says so). */
  readonly authorities: { readonly setId: bigint; readonly keys: readonly Uint8Array[] } | null;
  /**
   * Extrinsics whose arguments facts rest on (`begin_payout`, a vote's `ehd_id`, a payout
   * batch), each with the trie nodes proving it under its block's extrinsics root.
   */
  readonly extrinsics: ReadonlyArray<{
    readonly block: string;
    readonly index: number;
    readonly extrinsic: string;
    readonly nodes: readonly string[];
  }>;
}

/** What the user trusts. Any one of them pins the proofs; none leaves them unpinned. */
export interface TrustRoots {
  /** A GRANDPA authority set (ed25519 keys, weight 1) with its set id. */
  readonly authorities?: { readonly setId: bigint; readonly keys: readonly Uint8Array[] };
  /** Blocks the user trusts to be final on the chain (height, hash). */
  readonly pins?: ReadonlyArray<{ readonly number: number; readonly hash: string }>;
  /**
   * What a node the user trusts answered: the canonical hash at each height asked (null when it
   * has none) and its finalized height.
   */
  readonly node?: {
    readonly label: string;
    readonly canonical: ReadonlyMap<number, string | null>;
    readonly finalizedNumber: number;
  };
}

/** How the chain facts of one bundle stand. */
export interface ChainBinding {
  readonly lines: Line[];
  /** Every chain fact line passed against the proofs. */
  readonly proven: boolean;
  /** The proofs are anchored in a trust root (`TrustRoots`) that agreed with them. */
  readonly pinned: boolean;
  /** What pinned them: `authorities`, `pins`, a node's label, or null. */
  readonly pinnedBy: string | null;
  /** Facts no proof in the bundle covers: they rest on the API's word. */
  readonly unproven: readonly string[];
}

// The proven view of the proofs ------------------------------------------------------------------

interface ProvenHeader {
  readonly hash: string;
  readonly header: Header;
}

interface Problem {
  readonly what: string;
  readonly code: ReasonCode;
  readonly facts: Facts;
}

interface BlockState {
  readonly runtime: PinnedRuntime | null;
  readonly events: Parsed<DecodedEvent[]>;
  readonly timestamp: Parsed<number | null>;
}

/**
 * What proofs establish by themselves: headers by hash, which blocks GRANDPA justifications prove
 * final (under which authority set), and each proven block's state reads. Everything in a view
 * is authenticated (headers by their hash, storage by the state root, finality by signatures of
 * a set followed from the start set), so one view can take the proofs of many bundles
 * (`add`): receipts of one era share their blocks, and each header, read and justification is
 * then checked once. Views with different start sets must not be merged: `viewKey` tells them
 * apart.
 */
export class ChainView {
  readonly headers = new Map<string, ProvenHeader>();
  readonly byNumber = new Map<number, ProvenHeader[]>();
  /** Undecodable headers (by their hex) and invalid justifications (by `setId:hex`). */
  readonly #headerProblems = new Map<string, Problem>();
  readonly #justificationProblems = new Map<string, Problem>();
  /** Justification checks done, by set, set keys and justification: each is checked once. */
  readonly #verified = new Map<string, ReturnType<typeof verifyGrandpaJustification>>();
  /** The authority sets followed, by set id. */
  readonly sets = new Map<bigint, readonly Uint8Array[]>();
  readonly #storage = new Map<string, string[]>();
  readonly #seenHeaders = new Set<string>();
  readonly #memos = new Map<string, unknown>();
  /** Bumped whenever the view learns something a memo may depend on. */
  #epoch = 0;
  #memoEpoch = 0;
  readonly #states = new Map<string, BlockState>();
  readonly #justifications = new Map<string, ChainProofs['justifications'][number]>();
  readonly #extrinsics = new Map<string, ChainProofs['extrinsics'][number]>();
  readonly #decodedExtrinsics = new Map<string, Parsed<DecodedExtrinsic>>();
  #final = new Map<string, { readonly setId: bigint; readonly byTrustedSet: boolean }>();
  #dirty = false;
  #empty = true;
  readonly #start: { readonly setId: bigint; readonly keys: readonly Uint8Array[] } | null;
  readonly #trusted: boolean;
  readonly #backend: SignatureBackend;

  constructor(
    proofs: ChainProofs | null,
    trust: TrustRoots = {},
    backend: SignatureBackend = pureBackend
  ) {
    this.#start = trust.authorities ?? proofs?.authorities ?? null;
    this.#trusted = trust.authorities !== undefined;
    this.#backend = backend;
    if (proofs) this.add(proofs);
  }

  /**
   * A value computed from the view, once per key (an era's payout totals are the same for all its
   * receipts). Forgotten when the view learns new blocks or reads.
   */
  memo<T>(key: string, compute: () => T): T {
    if (this.#memoEpoch !== this.#epoch) {
      this.#memos.clear();
      this.#memoEpoch = this.#epoch;
    }
    if (this.#memos.has(key)) return this.#memos.get(key) as T;
    const v = compute();
    this.#memos.set(key, v);
    return v;
  }

  /** True until proofs were added. */
  get empty(): boolean {
    return this.#empty;
  }

  /** Adds a bundle's proofs (headers and reads already known are skipped). */
  add(proofs: ChainProofs): void {
    this.#empty = false;
    for (const [i, text] of proofs.headers.slice(0, MAX_PROOF_HEADERS).entries()) {
      if (this.#seenHeaders.has(text)) continue;
      this.#seenHeaders.add(text);
      const encoded = parseHex(text);
      const h = encoded ? decodeHeader(encoded) : rejected<never>('BAD_ENCODING', { hex: false });
      if (!h.ok || !encoded) {
        this.#headerProblems.set(text, {
          what: `headers[${i}]`,
          code: h.ok ? 'BAD_ENCODING' : h.code,
          facts: h.ok ? {} : h.facts,
        });
        continue;
      }
      const hash = toHex(headerHash(encoded));
      if (this.headers.has(hash)) continue;
      const ph = { hash, header: h.value };
      this.headers.set(hash, ph);
      const at = this.byNumber.get(h.value.number);
      if (at) at.push(ph);
      else this.byNumber.set(h.value.number, [ph]);
      this.#dirty = true;
      this.#epoch++;
    }
    for (const s of proofs.storage.slice(0, MAX_PROOF_READS)) {
      const key = s.block.toLowerCase();
      const have = this.#storage.get(key);
      if (have === undefined) {
        this.#storage.set(key, [...s.nodes]);
        this.#epoch++;
      } else {
        // Proof nodes authenticate themselves against the state root: more can only decide more.
        const state = this.#states.get(key);
        if (state && state.events.ok && state.timestamp.ok) continue;
        have.push(...s.nodes);
        this.#states.delete(key);
        this.#epoch++;
      }
    }
    for (const x of proofs.extrinsics.slice(0, MAX_PROOF_READS)) {
      const key = `${x.block.toLowerCase()}:${x.index}`;
      if (!this.#extrinsics.has(key)) this.#extrinsics.set(key, x);
    }
    for (const j of proofs.justifications.slice(0, MAX_JUSTIFICATIONS)) {
      const key = `${j.setId}:${j.encoded}`;
      if (this.#justifications.has(key)) continue;
      this.#justifications.set(key, j);
      this.#dirty = true;
      this.#epoch++;
    }
  }

  /**
   * The problems of one bundle's proofs: its undecodable headers, its justifications that do not
   * verify (under the set they name, once the sets are followed), too many items. Problems of
   * other bundles sharing the view are not theirs.
   */
  problemsOf(proofs: ChainProofs): { headers: Problem | null; justifications: Problem | null } {
    void this.final; // follows the sets, so the justification problems are known
    let headers: Problem | null = null;
    if (proofs.headers.length > MAX_PROOF_HEADERS)
      headers = {
        what: 'headers',
        code: 'TOO_LARGE',
        facts: { headers: proofs.headers.length, max: MAX_PROOF_HEADERS },
      };
    else if (this.#headerProblems.size > 0)
      for (const encoded of proofs.headers) {
        const p = this.#headerProblems.get(encoded);
        if (p) {
          headers = p;
          break;
        }
      }
    let justifications: Problem | null = null;
    if (proofs.justifications.length > MAX_JUSTIFICATIONS)
      justifications = {
        what: 'justifications',
        code: 'TOO_LARGE',
        facts: { justifications: proofs.justifications.length, max: MAX_JUSTIFICATIONS },
      };
    else if (this.#justificationProblems.size > 0)
      for (const j of proofs.justifications) {
        const p = this.#justificationProblems.get(`${j.setId}:${j.encoded}`);
        if (p) {
          justifications = p;
          break;
        }
      }
    return { headers, justifications };
  }

  /** Blocks proven final, with the set whose justification proved them. */
  get final(): ReadonlyMap<string, { readonly setId: bigint; readonly byTrustedSet: boolean }> {
    if (this.#dirty) this.#followSets();
    return this.#final;
  }

  #followSets(): void {
    this.#dirty = false;
    this.#final = new Map();
    this.sets.clear();
    this.#justificationProblems.clear();
    const start = this.#start;
    if (!start) return;
    const byTrustedSet = this.#trusted;
    const justifications = [...this.#justifications.entries()];
    let setId = start.setId;
    let keys = start.keys;
    let lastChange = -1;
    // One pass per set: its justifications, then the first set change among the blocks they
    // prove final, which gives the next set.
    for (let guard = 0; guard <= justifications.length; guard++) {
      this.sets.set(setId, keys);
      const finalNow: string[] = [];
      const setKey = `${setId}:${keys.map(toHex).join(',')}`;
      for (const [jKey, j] of justifications) {
        if (j.setId !== setId) continue;
        const memo = `${setKey}:${jKey}`;
        let v = this.#verified.get(memo);
        if (v === undefined) {
          const bytes = parseHex(j.encoded);
          v = bytes
            ? verifyGrandpaJustification(bytes, setId, keys, this.#backend)
            : rejected('BAD_ENCODING', { field: 'justification' });
          this.#verified.set(memo, v);
        }
        if (!v.ok) {
          this.#justificationProblems.set(jKey, {
            what: `justification of ${j.block}`,
            code: v.code,
            facts: { ...v.facts, setId: setId.toString() },
          });
          continue;
        }
        const target = toHex(v.value.blockHash);
        if (target !== j.block.toLowerCase()) {
          this.#justificationProblems.set(jKey, {
            what: `justification of ${j.block}`,
            code: 'JUSTIFICATION_INVALID',
            facts: { stated: j.block, proves: target },
          });
          continue;
        }
        if (!this.#final.has(target)) this.#final.set(target, { setId, byTrustedSet });
        for (const h of this.#ancestry(target)) {
          if (h !== target && this.#final.has(h)) break;
          this.#final.set(h, { setId, byTrustedSet });
          finalNow.push(h);
        }
      }
      let change: { number: number; keys: Uint8Array[] } | null = null;
      for (const h of finalNow) {
        const ph = this.headers.get(h);
        if (!ph || ph.header.number <= lastChange) continue;
        const d = grandpaDigest(ph.header);
        if (!d.ok) continue;
        for (const c of d.value)
          if (
            c.type === 'ScheduledChange' &&
            c.delay === 0 &&
            (change === null || ph.header.number < change.number)
          )
            change = { number: ph.header.number, keys: c.authorities.map((a) => a.id) };
      }
      if (change === null) return;
      lastChange = change.number;
      setId += 1n;
      keys = change.keys;
    }
  }

  /** `hash` and its ancestors reachable through proven headers, newest first. */
  *#ancestry(hash: string): Generator<string> {
    let h: string | undefined = hash;
    for (let n = 0; h !== undefined && n <= MAX_PROOF_HEADERS; n++) {
      const ph = this.headers.get(h);
      if (!ph) return;
      yield h;
      h = toHex(ph.header.parentHash);
    }
  }

  /**
   * The proven header a source means: by hash when it names one, else the one header at its
   * height (a final one when several are proven there).
   */
  resolve(number: number | undefined, hash?: string): Parsed<ProvenHeader> {
    if (hash !== undefined) {
      const ph = this.headers.get(hash.toLowerCase());
      if (!ph) return rejected('NOT_PROVEN', { block: hash, reason: 'no proven header' });
      if (number !== undefined && ph.header.number !== number)
        return rejected('FACT_MISMATCH', {
          block: hash,
          field: 'number',
          stated: number,
          proven: ph.header.number,
        });
      return parsed(ph);
    }
    if (number === undefined) return rejected('NOT_PROVEN', { reason: 'the fact names no block' });
    const at = this.byNumber.get(number) ?? [];
    const final = this.final;
    const finals = at.filter((p) => final.has(p.hash));
    if (finals.length === 1) return parsed(finals[0]!);
    if (at.length === 1) return parsed(at[0]!);
    return rejected('NOT_PROVEN', {
      block: number,
      reason: at.length === 0 ? 'no proven header' : 'several proven headers at this height',
    });
  }

  /**
   * The extrinsic at `index` of a proven block, proven against its extrinsics root and decoded
   * with the block's pinned runtime (cached).
   */
  extrinsic(ph: ProvenHeader, index: number): Parsed<DecodedExtrinsic> {
    const key = `${ph.hash}:${index}`;
    const cached = this.#decodedExtrinsics.get(key);
    if (cached) return cached;
    let out: Parsed<DecodedExtrinsic>;
    const x = this.#extrinsics.get(key);
    const st = this.state(ph);
    if (!x) out = rejected('NOT_PROVEN', { block: ph.hash, extrinsic: index, reason: 'no proof' });
    else if (!st.runtime)
      out = st.events.ok ? rejected('NOT_PROVEN', { block: ph.hash }) : st.events;
    else {
      const bytes = parseHex(x.extrinsic);
      const v = bytes
        ? readStorageProof(ph.header.extrinsicsRoot, hexList(x.nodes), compactU(index))
        : rejected<never>('BAD_ENCODING', { field: 'extrinsic' });
      if (!v.ok) out = rejected(v.code, { ...v.facts, block: ph.hash, extrinsic: index });
      else if (v.value === null || !bytes || !equalBytes(v.value, bytes))
        out = rejected('PROOF_INVALID', {
          block: ph.hash,
          extrinsic: index,
          reason: v.value === null ? 'the extrinsics root has no such index' : 'other bytes',
        });
      else out = withBlock(decodeExtrinsic(st.runtime, bytes), ph.hash);
    }
    this.#decodedExtrinsics.set(key, out);
    return out;
  }

  /** The proven state reads of a block (cached). */
  state(ph: ProvenHeader): BlockState {
    const cached = this.#states.get(ph.hash);
    if (cached) return cached;
    const nodes = this.#storage.get(ph.hash);
    let s: BlockState;
    if (!nodes) {
      const no = rejected<never>('NOT_PROVEN', { block: ph.hash, reason: 'no storage proof' });
      s = { runtime: null, events: no, timestamp: no };
    } else {
      const reads = readStorageProofs(ph.header.stateRoot, hexList(nodes), KEY_BYTES);
      if (!reads.ok) {
        const no = rejected<never>(reads.code, { ...reads.facts, block: ph.hash });
        s = { runtime: null, events: no, timestamp: no };
      } else {
        const [events, upgrade, now] = reads.value as [
          Uint8Array | null,
          Uint8Array | null,
          Uint8Array | null,
        ];
        const timestamp = timestampOf(now, ph.hash);
        const rt = runtimeOf(upgrade, ph.hash);
        if (!rt.ok) s = { runtime: null, events: rt, timestamp };
        else
          s = {
            runtime: rt.value,
            events:
              events === null ? parsed([]) : withBlock(decodeEvents(rt.value, events), ph.hash),
            timestamp,
          };
      }
    }
    this.#states.set(ph.hash, s);
    return s;
  }
}

/**
 * Proof nodes as bytes. A text that is not hex is left out: nodes authenticate themselves by
 * their hash, so a missing one can only make a read undecided (`PROOF_INCOMPLETE`), and one
 * bundle's bad node cannot spoil the reads of the bundles sharing its view.
 */
function hexList(texts: readonly string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const t of texts) {
    const b = parseHex(t);
    if (b) out.push(b);
  }
  return out;
}

function withBlock<T>(p: Parsed<T>, block: string): Parsed<T> {
  return p.ok ? p : rejected(p.code, { ...p.facts, block });
}

function timestampOf(bytes: Uint8Array | null, block: string): Parsed<number | null> {
  if (bytes === null) return parsed(null);
  if (bytes.length !== 8)
    return rejected('BAD_ENCODING', { block, field: 'Timestamp.Now', length: bytes.length });
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v > BigInt(Number.MAX_SAFE_INTEGER)
    ? rejected('BAD_ENCODING', { block, field: 'Timestamp.Now' })
    : parsed(Number(v));
}

function runtimeOf(bytes: Uint8Array | null, block: string): Parsed<PinnedRuntime> {
  if (bytes === null)
    return rejected('NOT_PROVEN', { block, reason: 'System.LastRuntimeUpgrade is absent' });
  const v = decodeLastRuntimeUpgrade(bytes);
  if (!v.ok) return rejected(v.code, { ...v.facts, block, field: 'System.LastRuntimeUpgrade' });
  const rt = pinnedRuntime(v.value.specName, v.value.specVersion);
  if (!rt)
    return rejected('UNKNOWN_RUNTIME', {
      block,
      specName: v.value.specName,
      specVersion: v.value.specVersion,
    });
  return parsed(rt);
}

// Facts ------------------------------------------------------------------------------------------

/** A field value as the bundle states it: bytes as hex, integers as bigint, number or string. */
type Stated = string | number | bigint | readonly string[];

/** One event-backed fact: `where` names it in the bundle; `fields` are what the bundle states. */
interface EventFact {
  readonly where: string;
  readonly source: Source | undefined;
  readonly pallet: string;
  readonly names: readonly string[];
  readonly fields: Readonly<Record<string, Stated>>;
  /** Alternative field names by event name (`ChargedPartially.charged` vs `Charged.amount`). */
  readonly rename?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Fields a given event name does not carry. */
  readonly skip?: Readonly<Record<string, readonly string[]>>;
  /** The block's `Timestamp.Now` the bundle states (GAR anchors, membership). */
  readonly timestamp?: number;
  /** The block hash the bundle states, when it states one. */
  readonly blockHash?: string;
  /**
   * An event the same extrinsic must (`present`) or must not emit: `ClusterEraPaid` is a payout
   * only with its era's `PayoutReceiptFinalized` beside it, and Root's skip without one.
   */
  readonly sameExtrinsic?: {
    readonly pallet: string;
    readonly name: string;
    readonly fields: Readonly<Record<string, Stated>>;
    readonly present: boolean;
    /** What the bundle states, in the line's facts (`skipped`, `paid`). */
    readonly stated: string;
  };
}

/** A value for the facts of a line: JSON, integers as decimal, at most 200 characters. */
function show(v: unknown): string {
  if (v === undefined) return 'absent';
  return (
    JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? ''
  ).slice(0, 200);
}

function checkEventFact(view: ChainView, f: EventFact): { code: ReasonCode; facts: Facts } | null {
  const src = f.source;
  if (!src || src.eventIndex === undefined)
    return { code: 'NOT_PROVEN', facts: { fact: f.where, reason: 'the fact cites no event' } };
  const block = view.resolve(src.block, f.blockHash ?? src.blockHash);
  if (!block.ok) return { code: block.code, facts: { fact: f.where, ...block.facts } };
  const st = view.state(block.value);
  if (!st.events.ok) return { code: st.events.code, facts: { fact: f.where, ...st.events.facts } };
  const ev = st.events.value[src.eventIndex];
  const at: Facts = { fact: f.where, block: block.value.header.number, eventIndex: src.eventIndex };
  if (!ev) return { code: 'FACT_MISMATCH', facts: { ...at, proven: 'no such event' } };
  if (ev.pallet !== f.pallet || !f.names.includes(ev.name))
    return {
      code: 'FACT_MISMATCH',
      facts: {
        ...at,
        stated: `${f.pallet}.${f.names.join('|')}`,
        proven: `${ev.pallet}.${ev.name}`,
      },
    };
  const args = (ev.args ?? {}) as Record<string, unknown>;
  const skip = f.skip?.[ev.name] ?? [];
  for (const [name, stated] of Object.entries(f.fields)) {
    if (skip.includes(name)) continue;
    const field = f.rename?.[ev.name]?.[name] ?? name;
    if (!sameValue(stated, args[field]))
      return {
        code: 'FACT_MISMATCH',
        facts: {
          ...at,
          field: `${ev.name}.${field}`,
          stated: show(stated),
          proven: show(args[field]),
        },
      };
  }
  if (f.sameExtrinsic) {
    const want = f.sameExtrinsic;
    const phase = ev.phase;
    const beside = st.events.value.some(
      (x) =>
        phase.kind === 'ApplyExtrinsic' &&
        x.phase.kind === 'ApplyExtrinsic' &&
        x.phase.extrinsic === phase.extrinsic &&
        x.pallet === want.pallet &&
        x.name === want.name &&
        Object.entries(want.fields).every(([k, v]) =>
          sameValue(v, ((x.args ?? {}) as Record<string, unknown>)[k])
        )
    );
    if (beside !== want.present)
      return {
        code: 'FACT_MISMATCH',
        facts: {
          ...at,
          field: `${want.pallet}.${want.name} in the same extrinsic`,
          stated: want.stated,
          proven: beside ? 'emitted: a payout' : 'not emitted: Root skipped the era',
        },
      };
  }
  if (f.timestamp !== undefined) {
    if (!st.timestamp.ok)
      return { code: st.timestamp.code, facts: { ...at, ...st.timestamp.facts } };
    if (st.timestamp.value !== f.timestamp)
      return {
        code: 'FACT_MISMATCH',
        facts: {
          ...at,
          field: 'Timestamp.Now',
          stated: f.timestamp,
          proven: st.timestamp.value ?? 'absent',
        },
      };
  }
  return null;
}

const hx = (b: Uint8Array): string => toHex(b);

/** One extrinsic-backed fact: the call at `source.extrinsic` (`<height>-<index>`). */
interface CallFact {
  readonly where: string;
  readonly source: Source | undefined;
  readonly pallet: string;
  readonly name: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The extrinsic index of a source (`<height>-<index>`), or null. */
function extrinsicIndex(s: Source | undefined): { block: number; index: number } | null {
  const m = /^(\d+)-(\d+)$/.exec(s?.extrinsic ?? '');
  if (!m) return null;
  const block = Number(m[1]);
  const index = Number(m[2]);
  if (s?.block !== undefined && s.block !== block) return null;
  return Number.isSafeInteger(index) ? { block, index } : null;
}

/**
 * Whether a value the bundle states equals the decoded one: hex case-insensitively, integers by
 * value, lists and objects field by field (only the fields stated), enums by their payload.
 */
function sameValue(stated: unknown, proven: unknown): boolean {
  // An enum the bundle states by its payload alone (a NodePubKey by its key).
  if (
    proven !== null &&
    typeof proven === 'object' &&
    'variant' in proven &&
    'value' in proven &&
    !(stated !== null && typeof stated === 'object' && 'variant' in stated)
  )
    return sameValue(stated, proven.value);
  if (Array.isArray(stated))
    return (
      Array.isArray(proven) &&
      proven.length === stated.length &&
      stated.every((v, i) => sameValue(v, proven[i]))
    );
  if (typeof stated === 'bigint' || typeof stated === 'number')
    return typeof proven === 'bigint' && proven === BigInt(stated);
  if (typeof stated === 'string')
    return typeof proven === 'string' && proven.toLowerCase() === stated.toLowerCase();
  if (stated !== null && typeof stated === 'object') {
    if (proven === null || typeof proven !== 'object' || Array.isArray(proven)) return false;
    return Object.entries(stated).every(([k, v]) =>
      sameValue(v, (proven as Record<string, unknown>)[k])
    );
  }
  return stated === proven;
}

function checkCallFact(view: ChainView, f: CallFact): { code: ReasonCode; facts: Facts } | null {
  const at = extrinsicIndex(f.source);
  if (!at)
    return { code: 'NOT_PROVEN', facts: { fact: f.where, reason: 'the fact cites no extrinsic' } };
  const block = view.resolve(at.block);
  if (!block.ok) return { code: block.code, facts: { fact: f.where, ...block.facts } };
  const x = view.extrinsic(block.value, at.index);
  if (!x.ok) return { code: x.code, facts: { fact: f.where, ...x.facts } };
  const call = x.value.call;
  const base: Facts = { fact: f.where, block: at.block, extrinsic: at.index };
  if ('unsupported' in call || call.pallet !== f.pallet || call.name !== f.name)
    return {
      code: 'FACT_MISMATCH',
      facts: {
        ...base,
        stated: `${f.pallet}.${f.name}`,
        proven:
          'unsupported' in call
            ? `${call.pallet} (call not pinned)`
            : `${call.pallet}.${call.name}`,
      },
    };
  for (const [name, stated] of Object.entries(f.fields)) {
    const proven = (call.args as Record<string, unknown>)[name];
    if (!sameValue(stated, proven))
      return {
        code: 'FACT_MISMATCH',
        facts: {
          ...base,
          field: `${f.name}.${name}`,
          stated: show(stated),
          proven: show(proven),
        },
      };
  }
  return null;
}

/** Where an era's design keeps its payout calls: DdcVerification for billing reports (71000). */
const isBilling = (b: ChainFacts): boolean => b.era.design === 'billing-report';

/** A usage as the decoded call states it (`BucketUsage` / `NodeUsage` field names). */
const usageFields = (u: Usage): Record<string, bigint> => ({
  transferred_bytes: u.transferredBytes,
  stored_bytes: u.storedBytes,
  number_of_puts: u.numberOfPuts,
  number_of_gets: u.numberOfGets,
});

function payoutCall(b: ChainFacts): CallFact[] {
  const e = b.era;
  if (!e.payout) return [];
  return [
    {
      where: 'attestation.payout',
      source: e.payout.source,
      pallet: isBilling(b) ? 'DdcVerification' : 'DdcPayouts',
      name: isBilling(b) ? 'begin_billing_report' : 'begin_payout',
      fields: { cluster_id: hx(e.clusterId), era_id: e.era, fingerprint: hx(e.payout.fingerprint) },
    },
  ];
}

function voteCalls(b: ChainFacts): CallFact[] {
  const e = b.era;
  if (isBilling(b))
    return e.votes.flatMap((v, i) =>
      v.billing
        ? [
            {
              where: `attestation.votes[${i}].billing`,
              source: v.source,
              pallet: 'DdcVerification',
              name: 'commit_billing_fingerprint',
              fields: {
                cluster_id: hx(e.clusterId),
                era_id: v.billing.era,
                start_era: v.billing.startEra,
                end_era: v.billing.endEra,
                payers_root: hx(v.payersRoot),
                payees_root: hx(v.payeesRoot),
                cluster_usage: usageFields(v.billing.clusterUsage),
              },
            },
          ]
        : []
    );
  return e.votes.flatMap((v, i) =>
    v.ehdId === null
      ? []
      : [
          {
            where: `attestation.votes[${i}].ehdId`,
            source: v.source,
            pallet: 'DdcPayouts',
            name: 'commit_payout_fingerprint',
            fields: {
              cluster_id: hx(e.clusterId),
              ehd_id: v.ehdId,
              payers_root: hx(v.payersRoot),
              payees_root: hx(v.payeesRoot),
            },
          },
        ]
  );
}

function batchCalls(b: ChainFacts): CallFact[] {
  const e = b.era;
  const out: CallFact[] = [];
  for (const side of ['payers', 'payees'] as const) {
    const batch = b.settlement[side];
    if (!batch) continue;
    if ('keys' in batch) {
      out.push({
        where: `settlement.${side}`,
        source: batch.source,
        pallet: 'DdcVerification',
        name:
          side === 'payers' ? 'send_charging_customers_batch' : 'send_rewarding_providers_batch',
        fields: {
          cluster_id: hx(e.clusterId),
          era_id: e.era,
          batch_index: batch.batchIndex,
          [side]: batch.entries.map((x) => [
            typeof x.key === 'bigint' ? x.key : hx(x.key),
            usageFields(x.usage),
          ]),
          batch_proof: { proof: batch.proof.map(hx) },
        },
      });
      continue;
    }
    out.push({
      where: `settlement.${side}`,
      source: batch.source,
      pallet: 'DdcPayouts',
      name: side === 'payers' ? 'send_charging_customers_batch' : 'send_rewarding_providers_batch',
      fields: {
        cluster_id: hx(e.clusterId),
        era_id: e.era,
        batch_index: batch.batchIndex,
        [side]: batch.entries.map((x) => [hx(x.account), x.amount]),
        batch_proof: { proof: batch.proof.map(hx) },
      },
    });
  }
  return out;
}

function anchorFacts(b: ChainFacts): EventFact[] {
  const a = b.anchor;
  return [
    {
      where: 'anchor',
      source: a.source,
      blockHash: a.block.hash,
      pallet: 'System',
      names: ['Remarked'],
      fields: {
        hash: hx(a.remarkHash),
        ...(a.sender ? { sender: hx(a.sender) } : {}),
      },
    },
  ];
}

function grantFacts(b: ChainFacts): EventFact[] {
  return b.links.grant.anchors.map((a, i) => ({
    where: `grant.anchors[${i}]`,
    source: a.source,
    blockHash: a.block.hash,
    pallet: 'System',
    names: ['Remarked'],
    fields: { hash: hx(a.remarkHash), sender: hx(a.sender) },
    timestamp: a.block.timestamp,
  }));
}

function registrationFacts(b: ChainFacts): EventFact[] {
  const reg = b.links.registration;
  if (!reg) return [];
  return reg.membership.map((m, i) => ({
    where: `registration.membership[${i}]`,
    source: m.source,
    pallet: 'DdcClusters',
    names: [m.kind === 'added' ? 'ClusterNodeAdded' : 'ClusterNodeRemoved'],
    fields: { cluster_id: hx(reg.clusterId), node_pub_key: hx(reg.node) },
    timestamp: m.at,
  }));
}

function eraFacts(b: ChainFacts): {
  validators: EventFact[];
  votes: EventFact[];
  paid: EventFact[];
} {
  const e = b.era;
  const cluster = hx(e.clusterId);
  // A set read from pallet storage (Cere 71000 emits no event for it) cites no event: it is listed
  // among the facts that rest on the API's word instead (`unprovenFacts`).
  const validators: EventFact[] =
    e.validatorSet && e.validatorSet.source?.eventIndex !== undefined
      ? [
          {
            where: 'attestation.validators',
            source: e.validatorSet.source,
            pallet: 'DdcVerification',
            names: ['ValidatorsSetUpdated'],
            fields: { validators: e.validatorSet.members.map(hx) },
          },
        ]
      : [];
  const billing = isBilling(b);
  const votes: EventFact[] = e.votes.map((v, i) => ({
    where: `attestation.votes[${i}]`,
    source: v.source,
    pallet: 'DdcPayouts',
    names: [billing ? 'BillingFingerprintCommited' : 'PayoutFingerprintCommited'],
    fields: {
      validator_id: hx(v.validator),
      cluster_id: cluster,
      era_id: billing && v.billing ? v.billing.era : e.era,
      ...(billing && v.billing ? { start_era: v.billing.startEra, end_era: v.billing.endEra } : {}),
      payers_merkle_root: hx(v.payersRoot),
      payees_merkle_root: hx(v.payeesRoot),
    },
  }));
  const paid: EventFact[] = [];
  if (e.paid)
    paid.push({
      where: 'settlement.paid',
      source: e.paid,
      pallet: 'DdcClusters',
      names: ['ClusterEraPaid'],
      fields: { cluster_id: cluster, era_id: e.era },
      sameExtrinsic: {
        pallet: 'DdcPayouts',
        name: billing ? 'BillingReportFinalized' : 'PayoutReceiptFinalized',
        fields: { cluster_id: cluster, era: e.era },
        present: e.skipped !== true,
        stated: e.skipped === true ? 'skipped by Root' : 'paid by a payout',
      },
    });
  if (e.superseded)
    paid.push({
      where: 'settlement.superseded',
      source: e.superseded.source,
      pallet: 'DdcClusters',
      names: ['ClusterEraPaid'],
      fields: { cluster_id: cluster, era_id: e.superseded.era },
    });
  return { validators, votes, paid };
}

function settlementFacts(b: ChainFacts): EventFact[] {
  const cluster = hx(b.era.clusterId);
  const out: EventFact[] = [];
  for (const side of ['payers', 'payees'] as const) {
    const batch = b.settlement[side];
    if (!batch) continue;
    batch.events.forEach((ev, i) => {
      const where = `settlement.${side}.events[${i}]`;
      const common = { cluster_id: cluster, era: b.era.era, batch_index: batch.batchIndex };
      if (side === 'payers')
        out.push({
          where,
          source: ev.source,
          pallet: 'DdcPayouts',
          // A partial charge: `ChargeFailed` in the billing-report design, `ChargedPartially` after.
          names:
            ev.expected === null
              ? ['Charged']
              : isBilling(b)
                ? ['ChargeFailed']
                : ['ChargedPartially'],
          fields: {
            ...common,
            customer_id: hx(ev.account),
            amount: ev.amount,
            ...(ev.expected === null ? {} : { expected_to_charge: ev.expected }),
          },
          rename: { ChargedPartially: { amount: 'charged' }, ChargeFailed: { amount: 'charged' } },
        });
      else
        out.push({
          where,
          source: ev.source,
          pallet: 'DdcPayouts',
          names: ['Rewarded'],
          fields: {
            ...common,
            node_provider_id: hx(ev.account),
            rewarded: ev.amount,
            expected_to_reward: ev.expected ?? ev.amount,
          },
        });
    });
  }
  return out;
}

/** The era's payout totals recomputed from the proven events of `[from, to]`. */
function provenTotals(
  view: ChainView,
  cluster: string,
  era: number,
  from: number,
  to: number
): Parsed<Record<string, bigint>> {
  const t: Record<string, bigint> = {
    charged: 0n,
    treasuryFees: 0n,
    reserveFees: 0n,
    validatorFees: 0n,
    rewarded: 0n,
    notDistributed: 0n,
  };
  if (to < from || to - from > MAX_PAYOUT_RANGE)
    return rejected('TOO_LARGE', { from, to, max: MAX_PAYOUT_RANGE });
  for (let n = from; n <= to; n++) {
    const block = view.resolve(n);
    if (!block.ok) return rejected(block.code, { ...block.facts, range: `${from}..${to}` });
    const st = view.state(block.value);
    if (!st.events.ok) return st.events;
    for (const ev of st.events.value) {
      if (ev.pallet !== 'DdcPayouts') continue;
      const a = (ev.args ?? {}) as Record<string, unknown>;
      if (!sameValue(cluster, a.cluster_id) || !sameValue(era, a.era)) continue;
      const amt = (k: string): bigint => (typeof a[k] === 'bigint' ? (a[k] as bigint) : 0n);
      switch (ev.name) {
        case 'Charged':
          t.charged! += amt('amount');
          break;
        case 'ChargedPartially':
        case 'ChargeFailed': // the billing-report design's partial charge (Cere 71000)
          t.charged! += amt('charged');
          break;
        case 'TreasuryFeesCollected':
          t.treasuryFees! += amt('amount');
          break;
        case 'ClusterReserveFeesCollected':
          t.reserveFees! += amt('amount');
          break;
        case 'ValidatorFeesCollected':
        case 'ValidatorsFeesCollected': // its name from Cere 73160 on
          t.validatorFees! += amt('amount');
          break;
        case 'Rewarded':
          t.rewarded! += amt('rewarded');
          break;
        case 'NotDistributedOverallReward':
          // `total_distributed_reward` in the billing-report design, `…_rewards` after.
          t.notDistributed! +=
            amt('expected_reward') -
            amt('total_distributed_rewards') -
            amt('total_distributed_reward');
          break;
      }
    }
  }
  return parsed(t);
}

// Lines ------------------------------------------------------------------------------------------

const RULE = 'substrate:proofs';

function groupLine(
  view: ChainView,
  check: string,
  facts: readonly EventFact[],
  label: string,
  calls: readonly CallFact[] = []
): Line {
  const init: LineInit = {
    step: 'chain',
    check,
    rule: RULE,
    facts: { facts: facts.length + calls.length },
  };
  if (view.empty)
    return fail(
      { ...init, facts: { ...init.facts, reason: 'the bundle carries no proofs' } },
      'NOT_PROVEN'
    );
  for (const f of facts) {
    const bad = checkEventFact(view, f);
    if (bad) return fail({ ...init, facts: { ...init.facts, ...bad.facts } }, bad.code);
  }
  for (const f of calls) {
    const bad = checkCallFact(view, f);
    if (bad) return fail({ ...init, facts: { ...init.facts, ...bad.facts } }, bad.code);
  }
  return pass({ ...init, facts: { ...init.facts, proven: label } });
}

/** Blocks the bundle cites as final, with where. */
function finalityClaims(b: ReceiptBundle): Array<{ where: string; number: number; hash: string }> {
  const out: Array<{ where: string; number: number; hash: string }> = [];
  if (b.anchor.block.finalized)
    out.push({ where: 'anchor.block', number: b.anchor.block.number, hash: b.anchor.block.hash });
  b.links.grant.anchors.forEach((a, i) => {
    if (a.block.finalized)
      out.push({ where: `grant.anchors[${i}].block`, number: a.block.number, hash: a.block.hash });
  });
  return out;
}

/** The parts of a bundle that hold chain facts. */
export type ChainFacts = Pick<ReceiptBundle, 'anchor' | 'links' | 'era' | 'settlement'>;

/** The blocks a bundle's chain facts cite: what its proofs must cover. */
export interface CitedBlocks {
  /** Blocks the bundle names by hash, with their heights. */
  readonly hashes: ReadonlyArray<{ readonly number: number; readonly hash: string }>;
  /** Every cited height (those named by hash included), ascending. */
  readonly heights: readonly number[];
  /** Extrinsics whose arguments facts rest on, by height and index. */
  readonly extrinsics: ReadonlyArray<{ readonly number: number; readonly index: number }>;
}

/** The payout range whose events the conservation totals sum, or null when the era is not paid. */
function payoutRange(b: ChainFacts): { from: number; to: number } | null {
  const from = b.era.payout?.source?.block;
  const to = b.era.paid?.block;
  if (from === undefined || to === undefined || to < from || to - from > MAX_PAYOUT_RANGE)
    return null;
  return { from, to };
}

/** Every block the bundle's chain facts cite (what the API proves, what `--trust-rpc` asks). */
export function citedBlocks(b: ChainFacts): CitedBlocks {
  const set = new Set<number>();
  const add = (s: Source | undefined): void => {
    if (s?.block !== undefined) set.add(s.block);
  };
  const hashes = [
    { number: b.anchor.block.number, hash: b.anchor.block.hash },
    ...b.links.grant.anchors.map((a) => ({ number: a.block.number, hash: a.block.hash })),
  ];
  for (const h of hashes) set.add(h.number);
  const era = eraFacts(b);
  for (const f of [
    ...registrationFacts(b),
    ...era.validators,
    ...era.votes,
    ...era.paid,
    ...settlementFacts(b),
  ])
    add(f.source);
  add(b.era.payout?.source);
  const range = payoutRange(b);
  if (range) for (let n = range.from; n <= range.to; n++) set.add(n);
  const extrinsics = new Map<string, { number: number; index: number }>();
  for (const c of [...payoutCall(b), ...voteCalls(b), ...batchCalls(b)]) {
    const at = extrinsicIndex(c.source);
    if (!at) continue;
    set.add(at.block);
    extrinsics.set(`${at.block}-${at.index}`, { number: at.block, index: at.index });
  }
  return {
    hashes,
    heights: [...set].sort((x, y) => x - y),
    extrinsics: [...extrinsics.values()],
  };
}

/** A trust root that disagrees with the proofs: the failed `chain.pin` line, nothing pinned. */
function refused(init: LineInit, code: ReasonCode): { line: Line; pinned: false; by: null } {
  return { line: fail(init, code), pinned: false, by: null };
}

function pinLine(
  view: ChainView,
  b: ReceiptBundle,
  trust: TrustRoots
): { line: Line; pinned: boolean; by: string | null } {
  const init: LineInit = { step: 'chain', check: 'chain.pin', rule: RULE };
  const cited = citedBlocks(b).heights;
  if (trust.node) {
    const n = trust.node;
    for (const h of cited) {
      const proven = view.resolve(h);
      const want = n.canonical.get(h);
      if (want === undefined) continue;
      if (!proven.ok || want === null || proven.value.hash !== want.toLowerCase())
        return refused(
          {
            ...init,
            facts: {
              block: h,
              trusted: n.label,
              canonical: want ?? 'none',
              proven: proven.ok ? proven.value.hash : 'none',
            },
          },
          'NOT_CANONICAL'
        );
    }
    for (const c of finalityClaims(b))
      if (c.number > n.finalizedNumber)
        return refused(
          {
            ...init,
            facts: {
              fact: c.where,
              block: c.number,
              trusted: n.label,
              finalized: n.finalizedNumber,
            },
          },
          'NOT_FINAL'
        );
    return {
      line: pass({
        ...init,
        facts: { trusted: n.label, blocks: cited.length, finalized: n.finalizedNumber },
      }),
      pinned: true,
      by: n.label,
    };
  }
  if (trust.pins && trust.pins.length > 0) {
    const pinnedHashes = new Set(trust.pins.map((p) => p.hash.toLowerCase()));
    const pinnedAt = new Map(trust.pins.map((p) => [p.number, p.hash.toLowerCase()]));
    // A proven block is pinned when a pin is it or a proven descendant of it.
    const covered = new Set<string>();
    for (const h of pinnedHashes) {
      let cur: string | undefined = h;
      for (let i = 0; cur !== undefined && i <= MAX_PROOF_HEADERS; i++) {
        covered.add(cur);
        const ph = view.headers.get(cur);
        cur = ph ? toHex(ph.header.parentHash) : undefined;
      }
    }
    for (const h of cited) {
      const proven = view.resolve(h);
      const at = pinnedAt.get(h);
      if (at !== undefined && (!proven.ok || proven.value.hash !== at))
        return refused(
          {
            ...init,
            facts: { block: h, pinned: at, proven: proven.ok ? proven.value.hash : 'none' },
          },
          'NOT_CANONICAL'
        );
      if (!proven.ok || !covered.has(proven.value.hash))
        return refused(
          {
            ...init,
            facts: {
              block: h,
              reason: 'no pin is this block or a proven descendant of it',
              proven: proven.ok ? proven.value.hash : 'none',
            },
          },
          'NOT_PROVEN'
        );
    }
    return {
      line: pass({
        ...init,
        facts: { trusted: 'pins', pins: trust.pins.length, blocks: cited.length },
      }),
      pinned: true,
      by: 'pins',
    };
  }
  if (trust.authorities) {
    // Justifications were checked against the trusted set: pinned when every cited block is
    // proven final by it (or a set it led to).
    for (const h of cited) {
      const proven = view.resolve(h);
      const fin = proven.ok ? view.final.get(proven.value.hash) : undefined;
      if (!fin?.byTrustedSet)
        return refused(
          {
            ...init,
            facts: {
              block: h,
              trusted: `authority set ${trust.authorities.setId}`,
              reason:
                'no justification by the trusted set (or a set it led to) proves this block final',
            },
          },
          'NOT_FINAL'
        );
    }
    return {
      line: pass({
        ...init,
        facts: { trusted: `authority set ${trust.authorities.setId}`, blocks: cited.length },
      }),
      pinned: true,
      by: 'authorities',
    };
  }
  return {
    line: pass({
      ...init,
      basis: 'trusted',
      facts: {
        pinned: false,
        reason:
          'no trust root was given: the proofs are consistent with themselves, not shown to be the chain the user trusts',
      },
    }),
    pinned: false,
    by: null,
  };
}

/** Facts no proof in the bundle covers: they rest on the API's word. */
function unprovenFacts(b: ReceiptBundle): string[] {
  const words: string[] = ['grant versions (GAR service)'];
  if (b.anchor.authority) words.push('cluster manager and nodes (pallet storage)');
  if (b.links.registration?.provider) words.push("node's provider (pallet storage)");
  if (b.era.committed)
    words.push("roots of the era's other payout batches (the indexer's, from their extrinsics)");
  if (b.era.validatorSet && b.era.validatorSet.source?.eventIndex === undefined)
    words.push('validator set (pallet storage DdcVerification.ValidatorSet)');
  return words;
}

function finalityLine(view: ChainView, b: ReceiptBundle, trust: TrustRoots): Line {
  const init: LineInit = { step: 'chain', check: 'chain.finality', rule: RULE };
  const claims = finalityClaims(b);
  if (view.empty)
    return fail(
      { ...init, facts: { claims: claims.length, reason: 'the bundle carries no proofs' } },
      'NOT_PROVEN'
    );
  const final = view.final;
  const bad = b.proofs ? view.problemsOf(b.proofs).justifications : null;
  if (bad) return fail({ ...init, facts: { ...bad.facts, at: bad.what } }, bad.code);
  for (const c of claims) {
    const proven = view.resolve(c.number, c.hash);
    if (!proven.ok)
      return fail({ ...init, facts: { fact: c.where, ...proven.facts } }, proven.code);
    if (final.has(proven.value.hash)) continue;
    // A node or pins the user trusts may vouch for finality where no justification is carried.
    const n = trust.node;
    if (
      n &&
      n.finalizedNumber >= c.number &&
      n.canonical.get(c.number)?.toLowerCase() === proven.value.hash
    )
      continue;
    return fail(
      {
        ...init,
        facts: {
          fact: c.where,
          block: c.number,
          reason: 'no GRANDPA justification proves this block (or a descendant) final',
        },
      },
      'NOT_FINAL'
    );
  }
  return pass({
    ...init,
    facts: { claims: claims.length, final: final.size, sets: view.sets.size },
  });
}

function headersLine(view: ChainView, b: ReceiptBundle): Line {
  const init: LineInit = { step: 'chain', check: 'chain.headers', rule: RULE };
  if (view.empty)
    return fail({ ...init, facts: { reason: 'the bundle carries no proofs' } }, 'NOT_PROVEN');
  const bad = b.proofs ? view.problemsOf(b.proofs).headers : null;
  if (bad) return fail({ ...init, facts: { ...bad.facts, at: bad.what } }, bad.code);
  return pass({ ...init, facts: { headers: view.headers.size } });
}

function conservationLine(view: ChainView, b: ReceiptBundle): Line {
  const init: LineInit = { step: 'chain', check: 'chain.conservation', rule: RULE };
  if (view.empty)
    return fail({ ...init, facts: { reason: 'the bundle carries no proofs' } }, 'NOT_PROVEN');
  const e = b.era;
  const c = e.conservation;
  const stated: Record<string, bigint> = {
    charged: c.charged,
    treasuryFees: c.treasuryFees,
    reserveFees: c.reserveFees,
    validatorFees: c.validatorFees,
    rewarded: c.rewarded,
    notDistributed: c.notDistributed,
  };
  const range = payoutRange(b);
  if (range === null) {
    const from = e.payout?.source?.block;
    const to = e.paid?.block;
    // A paid era's range must be one the proofs can cover: begin_payout at or before the payment.
    // Root's skip (proven by chain.paid) with no begin_payout: there are no payout events to sum.
    if (to !== undefined && e.skipped === true && from === undefined) {
      if (Object.values(stated).every((v) => v === 0n))
        return pass({
          ...init,
          facts: { reason: 'Root skipped the era before any payout began: no payout events' },
        });
      return fail(
        {
          ...init,
          facts: {
            reason: 'the skipped era states payout totals but names no begin_payout to sum from',
          },
        },
        'NOT_PROVEN'
      );
    }
    if (to !== undefined)
      return fail(
        {
          ...init,
          facts: {
            from: from ?? 'no begin_payout',
            to,
            reason:
              from === undefined
                ? 'the era is paid but names no begin_payout block to sum its payout events from'
                : `the payout range must run forwards and span at most ${MAX_PAYOUT_RANGE} blocks`,
          },
        },
        from === undefined ? 'NOT_PROVEN' : 'TOO_LARGE'
      );
    if (Object.values(stated).every((v) => v === 0n))
      return pass({ ...init, facts: { reason: 'the era states no payout events yet' } });
    return pending(
      { ...init, facts: { reason: 'the era is not paid: its payout events are not complete yet' } },
      'NOT_PAID'
    );
  }
  const { from, to } = range;
  const totals = view.memo(`totals:${hx(e.clusterId)}:${e.era}:${from}:${to}`, () =>
    provenTotals(view, hx(e.clusterId), e.era, from, to)
  );
  if (!totals.ok) return fail({ ...init, facts: totals.facts }, totals.code);
  for (const [k, v] of Object.entries(stated)) {
    const p = totals.value[k]!;
    if (p !== v)
      return fail(
        { ...init, facts: { field: k, stated: v.toString(), proven: p.toString(), from, to } },
        'FACT_MISMATCH'
      );
  }
  return pass({ ...init, facts: { from, to, blocks: to - from + 1 } });
}

/**
 * The chain lines of a bundle: each chain fact against the proofs (`view`, built from the
 * bundle's proofs or shared by many bundles), and whether a trust root pins them. Pure; never
 * throws on a bundle `parseBundle` accepted.
 */
export function bindChainFacts(
  b: ReceiptBundle,
  view: ChainView,
  trust: TrustRoots = {}
): ChainBinding {
  const era = eraFacts(b);
  const lines: Line[] = [
    headersLine(view, b),
    finalityLine(view, b, trust),
    groupLine(view, 'chain.anchor', anchorFacts(b), 'System.Remarked'),
    groupLine(view, 'chain.grant', grantFacts(b), 'System.Remarked, Timestamp.Now'),
    groupLine(view, 'chain.registration', registrationFacts(b), 'DdcClusters.ClusterNode*'),
    groupLine(view, 'chain.validators', era.validators, 'DdcVerification.ValidatorsSetUpdated'),
    groupLine(
      view,
      'chain.votes',
      era.votes,
      'DdcPayouts.PayoutFingerprintCommited, commit_payout_fingerprint',
      voteCalls(b)
    ),
    groupLine(view, 'chain.payout', [], 'DdcPayouts.begin_payout', payoutCall(b)),
    groupLine(view, 'chain.paid', era.paid, 'DdcClusters.ClusterEraPaid'),
    groupLine(
      view,
      'chain.settlement',
      settlementFacts(b),
      'DdcPayouts.Charged / Rewarded, send_*_batch',
      batchCalls(b)
    ),
    conservationLine(view, b),
  ];
  const pin = pinLine(view, b, trust);
  lines.push(pin.line);
  const proven = lines.every((l) => l.status === 'pass');
  return {
    lines,
    proven,
    pinned: proven && pin.pinned,
    pinnedBy: proven ? pin.by : null,
    unproven: unprovenFacts(b),
  };
}

/**
 * Which views a bundle's proofs may join: proofs that start from the same authority set (or any
 * proofs, when the user gave the set) are checked in one view.
 */
export function viewKey(proofs: ChainProofs | null, trust: TrustRoots = {}): string {
  if (trust.authorities) return 'trusted';
  const a = proofs?.authorities;
  return a ? `${a.setId}:${a.keys.map(toHex).join(',')}` : 'none';
}

/** A JSON-RPC batch transport: the results of `calls`, in order (the caller does the I/O). */
export type RpcBatch = (
  calls: ReadonlyArray<readonly [string, readonly unknown[]]>
) => Promise<unknown[]>;

/**
 * The trust root of a node the user trusts: its finalized height and its canonical hash at each
 * of `heights`, asked through `rpc`. Throws an Error naming what the node did not answer.
 */
export async function askTrustedNode(
  rpc: RpcBatch,
  heights: readonly number[],
  label: string
): Promise<NonNullable<TrustRoots['node']>> {
  const [head] = await rpc([['chain_getFinalizedHead', []]]);
  if (typeof head !== 'string') throw new Error(`${label} gave no finalized head`);
  const [header] = await rpc([['chain_getHeader', [head]]]);
  const numberHex = (header as { number?: unknown } | null)?.number;
  const finalizedNumber = typeof numberHex === 'string' ? Number.parseInt(numberHex, 16) : NaN;
  if (!Number.isSafeInteger(finalizedNumber))
    throw new Error(`${label} gave no header for its finalized head`);
  const canonical = new Map<number, string | null>();
  const hs = [...new Set(heights)];
  for (let i = 0; i < hs.length; i += 500) {
    const part = hs.slice(i, i + 500);
    const got = await rpc(part.map((h) => ['chain_getBlockHash', [h]] as const));
    part.forEach((h, k) => {
      const v = got[k];
      canonical.set(h, typeof v === 'string' ? v.toLowerCase() : null);
    });
  }
  return { label, canonical, finalizedNumber };
}

/** Reads a trusted authority set from its JSON form (`{setId, authorities}`); null if malformed. */
export function parseTrustedAuthorities(v: unknown): NonNullable<TrustRoots['authorities']> | null {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const raw = o.setId ?? o.set_id;
  const setId =
    typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0
      ? BigInt(raw)
      : typeof raw === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(raw)
        ? BigInt(raw)
        : null;
  const list = o.authorities ?? o.keys;
  if (setId === null || !Array.isArray(list) || list.length === 0 || list.length > 100_000)
    return null;
  const keys: Uint8Array[] = [];
  for (const k of list) {
    const b = parseHex(Array.isArray(k) ? k[0] : k, 32);
    if (!b) return null;
    keys.push(b);
  }
  return { setId, keys };
}
