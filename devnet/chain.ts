/**
 * The devnet's block store: turns {@link BlockSpec}s into real SCALE-encoded Substrate blocks
 * (header, extrinsics, `System.Events`) for a given v14 metadata, keeps every block ever built
 * (forks included), tracks the best and finalized heads, and pre-encodes what the RPC server
 * serves so that serving is a lookup.
 *
 * What is real and what is synthetic:
 * - Extrinsics are real v4 extrinsics: `Timestamp.set` bare, the others bare or really signed
 *   (`MultiAddress::Id`, `MultiSignature`, the signed extensions the metadata lists, an immortal
 *   era, the signer's nonce along the fork, signing payload hashed when over 256 bytes).
 * - `System.Events` is the real SCALE `Vec<EventRecord>` the runtime would store.
 * - The header is a real SCALE header and the block hash is its blake2b-256, as on Substrate.
 * - `extrinsicsRoot` is Substrate's real ordered trie root of the extrinsics (keys are the
 *   SCALE-compact indices, values the encoded extrinsics), checked against real Polkadot blocks.
 *   As in `sp_version::RuntimeVersion::extrinsics_root_state_version` (RFC 42), the trie layout is
 *   V0 unless the runtime's `stateVersion` (`systemVersion`) is 2 or more, when it is V1 (values
 *   of 33 bytes or more stored by hash); kitchensink and Cere report 1, hence V0.
 * - `stateRoot` is **synthetic**: blake2b-256(parent state root ‖ SCALE events of the block).
 *   There is no state trie; storage is answered for a few keys only ({@link Chain.storageAt}).
 * - The digest is empty: there is no consensus (no BABE/Aura pre-runtime item, no seal).
 *   Two blocks built from the same spec on the same parent are therefore the same block (same
 *   hash); {@link Chain.build} then returns the stored one.
 * @module
 */
import { Runtime } from '@subsquid/substrate-runtime';
import { TypeKind } from '@subsquid/substrate-runtime/lib/metadata/index.js';
import type { Field, Type } from '@subsquid/substrate-runtime/lib/metadata/index.js';
import { compactU, concatBytes, parseHex, toHex, uintLE, utf8 } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import type {
  BlockSpec,
  CallSpec,
  EventSpec,
  ExtrinsicSigner,
  ExtrinsicSpec,
} from './chain-types.ts';

export interface RuntimeVersion {
  specName: string;
  implName: string;
  authoringVersion: number;
  specVersion: number;
  implVersion: number;
  /** `[blake2_64(api name) as 0x hex, version]`, as `state_getRuntimeVersion` returns them. */
  apis: Array<[string, number]>;
  transactionVersion: number;
  stateVersion: number;
}

export interface ChainOptions {
  /** SCALE metadata (`RuntimeMetadataPrefixed`, v14), as `state_getMetadata` returns it. */
  metadata: Uint8Array;
  runtimeVersion: RuntimeVersion;
  /** Unix milliseconds of the genesis block. */
  genesisTimestamp: number;
  /** Default `'Proof Room devnet'`. */
  chainName?: string;
  /** Default `{ ss58Format: 54, tokenDecimals: 10, tokenSymbol: 'CERE' }`. */
  properties?: Record<string, unknown>;
}

export interface HeaderJson {
  readonly parentHash: string;
  /** Hex, as Substrate's RPC returns block numbers in headers (`0x1a`). */
  readonly number: string;
  readonly stateRoot: string;
  readonly extrinsicsRoot: string;
  readonly digest: { readonly logs: readonly string[] };
}

export interface BuiltBlock {
  readonly number: number;
  readonly hash: string;
  readonly parentHash: string;
  readonly header: HeaderJson;
  /** Encoded extrinsics (with their length prefix), `0x` hex, extrinsic 0 is `Timestamp.set`. */
  readonly extrinsics: readonly string[];
  /** SCALE `Vec<EventRecord>`, the value of `System.Events` at this block. */
  readonly eventsHex: string;
  readonly eventCount: number;
  /** Unix milliseconds (`Timestamp.Now`). */
  readonly timestamp: number;
}

export type ChainEvent = 'newHead' | 'finalizedHead' | 'imported';

/** LayoutV1 stores trie values of this many bytes or more by hash (`TRIE_VALUE_NODE_THRESHOLD`). */
const TRIE_VALUE_NODE_THRESHOLD = 33;
const ZERO_HASH = new Uint8Array(32);

/** Plausible fixed weights (`refTime` ps, `proofSize` bytes) for the dispatch info of events. */
const TIMESTAMP_WEIGHT = { refTime: 9_128_000, proofSize: 1_493 };
const EXTRINSIC_WEIGHT = { refTime: 154_330_000, proofSize: 3_593 };

/** Every this many blocks, a block stores all signers' nonces rather than its own changes. */
const NONCE_SNAPSHOT = 64;

interface StoredBlock extends BuiltBlock {
  readonly stateRoot: Uint8Array;
  /**
   * Next nonce of the signers (public key hex) this block changed, or of every signer so far when
   * `noncesComplete` (every NONCE_SNAPSHOT-th block and genesis). Lookups walk back to the nearest
   * snapshot, so memory grows with the signed extrinsics, not with blocks times signers.
   */
  readonly nonces: ReadonlyMap<string, number>;
  readonly noncesComplete: boolean;
  /** Lazily built JSON texts for the RPC server. */
  headerText?: string;
  blockText?: string;
}

interface EventShape {
  /** Struct fields in order, or null for a tuple variant. */
  readonly fields: readonly string[] | null;
  readonly arity: number;
}

interface SignedExtensionPlan {
  readonly identifier: string;
  /** Value of the field in subsquid's `signedExtensions` struct, or undefined when it is unit. */
  readonly extra: ((nonce: number) => unknown) | undefined;
  readonly additionalSigned: Uint8Array;
}

export class Chain {
  readonly runtime: Runtime;
  readonly runtimeVersion: RuntimeVersion;
  readonly chainName: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly genesisHash: string;
  /** The metadata as `0x` hex, as `state_getMetadata` returns it. */
  readonly metadataHex: string;
  /** Storage keys this chain answers (`System.Events`, `System.Number`, `Timestamp.Now`). */
  readonly storageKeys: { readonly events: string; readonly number: string; readonly now: string };

  readonly #blocks = new Map<string, StoredBlock>();
  /** Hashes of the best chain by height. */
  readonly #canonical: string[] = [];
  #best: StoredBlock;
  #finalized: StoredBlock;
  readonly #listeners: Record<ChainEvent, Set<(b: BuiltBlock) => void>> = {
    newHead: new Set(),
    finalizedHead: new Set(),
    imported: new Set(),
  };

  readonly #trieV1: boolean;
  readonly #events = new Map<string, EventShape>();
  readonly #signatureType: number;
  readonly #signedExtensionsType: number;
  readonly #signedExtensions: readonly SignedExtensionPlan[];
  readonly #palletIndex = new Map<string, number>();
  readonly #moduleErrorCode: unknown;

  constructor(options: ChainOptions) {
    const v = options.runtimeVersion;
    this.runtimeVersion = structuredClone(v);
    this.chainName = options.chainName ?? 'Proof Room devnet';
    this.properties = Object.freeze({
      ...(options.properties ?? { ss58Format: 54, tokenDecimals: 10, tokenSymbol: 'CERE' }),
    });
    if (!Number.isSafeInteger(options.genesisTimestamp) || options.genesisTimestamp < 0) {
      throw new RangeError('Chain: genesisTimestamp must be a non-negative integer (ms)');
    }
    this.runtime = new Runtime(
      {
        specName: v.specName,
        specVersion: v.specVersion,
        implName: v.implName,
        implVersion: v.implVersion,
      },
      options.metadata
    );
    if (this.runtime.metadata.__kind !== 'V14') {
      throw new Error(`Chain: metadata ${this.runtime.metadata.__kind} is not supported, use v14`);
    }
    const md = this.runtime.metadata.value;
    this.metadataHex = toHex(options.metadata);
    this.storageKeys = {
      events: this.runtime.encodeStorageKey('System.Events'),
      number: this.runtime.encodeStorageKey('System.Number'),
      now: this.runtime.encodeStorageKey('Timestamp.Now'),
    };
    this.#trieV1 = v.stateVersion >= 2;

    for (const p of md.pallets) this.#palletIndex.set(p.name, p.index);
    this.#indexEvents();
    this.#moduleErrorCode = this.#findModuleErrorCode();

    const types = this.runtime.description.types;
    this.#signatureType = this.runtime.description.signature;
    const sigType = types[this.#signatureType];
    const extField =
      sigType?.kind === TypeKind.Composite
        ? sigType.fields.find((f) => f.name === 'signedExtensions')
        : undefined;
    if (extField === undefined) throw new Error('Chain: no signedExtensions in the signature type');
    this.#signedExtensionsType = extField.type;

    // Genesis: no extrinsics, empty events; its state root commits to the chain's identity.
    const eventsBytes = this.runtime.scaleCodec.encodeToBinary(
      this.runtime.description.eventRecordList,
      []
    );
    const stateRoot = blake2b256(
      concatBytes(
        utf8('proofroom/devnet/genesis'),
        compactU(utf8(this.chainName).length),
        utf8(this.chainName),
        uintLE(BigInt(options.genesisTimestamp), 8),
        blake2b256(options.metadata)
      )
    );
    const genesis = this.#store({
      number: 0,
      parent: ZERO_HASH,
      stateRoot,
      extrinsics: [],
      eventsBytes,
      eventCount: 0,
      timestamp: options.genesisTimestamp,
      nonces: new Map(),
      noncesComplete: true,
    });
    this.genesisHash = genesis.hash;
    this.#signedExtensions = this.#planSignedExtensions();
    this.#best = genesis;
    this.#finalized = genesis;
    this.#canonical.push(genesis.hash);
  }

  get best(): BuiltBlock {
    return this.#best;
  }

  get finalized(): BuiltBlock {
    return this.#finalized;
  }

  /** Every block built, forks included. */
  get size(): number {
    return this.#blocks.size;
  }

  blockByHash(hash: string): BuiltBlock | undefined {
    return typeof hash === 'string' ? this.#blocks.get(hash.toLowerCase()) : undefined;
  }

  /** Hash of the block at `height` on the best chain. */
  hashAt(height: number): string | undefined {
    return Number.isInteger(height) && height >= 0 ? this.#canonical[height] : undefined;
  }

  /**
   * Storage value (hex) of `key` at block `hash`: `System.Events`, `System.Number` and
   * `Timestamp.Now` are known, any other key is `null`. `undefined` when the block is unknown.
   */
  storageAt(hash: string, key: string): string | null | undefined {
    const b = this.blockByHash(hash);
    if (b === undefined) return undefined;
    const k = key.toLowerCase();
    if (k === this.storageKeys.events) return b.eventsHex;
    if (k === this.storageKeys.now) return toHex(uintLE(BigInt(b.timestamp), 8));
    if (k === this.storageKeys.number) return toHex(uintLE(BigInt(b.number), 4));
    return null;
  }

  /** The header as the JSON text `chain_getHeader` returns (cached). */
  headerJsonText(block: BuiltBlock): string {
    const b = this.#blocks.get(block.hash);
    if (b === undefined) return JSON.stringify(block.header);
    b.headerText ??= JSON.stringify(b.header);
    return b.headerText;
  }

  /** `{ block: { header, extrinsics }, justifications: null }` as JSON text (cached). */
  signedBlockJsonText(block: BuiltBlock): string {
    const b = this.#blocks.get(block.hash);
    const header = this.headerJsonText(block);
    if (b?.blockText !== undefined) return b.blockText;
    const text = `{"block":{"header":${header},"extrinsics":${JSON.stringify(block.extrinsics)}},"justifications":null}`;
    if (b !== undefined) b.blockText = text;
    return text;
  }

  /** Next nonce of a signer (32-byte public key) after `at` (default: the best block). */
  nonceOf(publicKey: Uint8Array, at?: string): number {
    const b = this.#blocks.get((at ?? this.#best.hash).toLowerCase());
    return b === undefined ? 0 : this.#nonceAt(b, toHex(publicKey));
  }

  #nonceAt(from: StoredBlock, key: string): number {
    for (let b: StoredBlock | undefined = from; b !== undefined;) {
      const v = b.nonces.get(key);
      if (v !== undefined) return v;
      if (b.noncesComplete) return 0;
      b = this.#blocks.get(b.parentHash);
    }
    return 0;
  }

  /** Every signer's next nonce after `from`, with `delta` applied on top. */
  #nonceSnapshot(from: StoredBlock, delta: ReadonlyMap<string, number>): Map<string, number> {
    const all = new Map(delta);
    for (let b: StoredBlock | undefined = from; b !== undefined;) {
      for (const [k, v] of b.nonces) if (!all.has(k)) all.set(k, v);
      if (b.noncesComplete) break;
      b = this.#blocks.get(b.parentHash);
    }
    return all;
  }

  on(event: ChainEvent, fn: (b: BuiltBlock) => void): () => void {
    const set = this.#listeners[event];
    // Wrap so that the same function can be registered twice and removed independently.
    const entry = (b: BuiltBlock): void => fn(b);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /**
   * Builds a block on `parent` (default: the best head) and returns it. Does not move the best or
   * finalized head. Throws on an unknown parent or a spec the runtime cannot encode.
   */
  build(spec: BlockSpec, parent?: string): BuiltBlock {
    const p = this.#blocks.get((parent ?? this.#best.hash).toLowerCase());
    if (p === undefined) throw new Error(`Chain.build: unknown parent block ${String(parent)}`);
    const ts = spec.timestamp;
    if (!Number.isSafeInteger(ts) || ts < p.timestamp) {
      throw new RangeError(
        `Chain.build: timestamp ${String(ts)} must be an integer >= the parent's (${p.timestamp})`
      );
    }
    const number = p.number + 1;
    const extrinsics: Uint8Array[] = [
      this.runtime.encodeExtrinsic({ version: 4, call: timestampCall(ts) }),
    ];
    const records: unknown[] = (spec.initEvents ?? []).map((e) => this.#eventRecord(e, null));
    records.push(successRecord(0, TIMESTAMP_INFO));
    const nonces = new Map<string, number>();
    spec.extrinsics.forEach((x, i) => {
      const index = i + 1;
      let nonce = 0;
      let key = '';
      if (x.signer !== undefined) {
        key = toHex(x.signer.publicKey);
        nonce = nonces.get(key) ?? this.#nonceAt(p, key);
      }
      extrinsics.push(this.#encodeExtrinsic(x, nonce, number, index));
      if (x.signer !== undefined) nonces.set(key, nonce + 1);
      for (const e of x.events) records.push(this.#eventRecord(e, index));
      records.push(
        x.failed === true
          ? this.#failedRecord(index, x.call.pallet)
          : successRecord(index, NORMAL_INFO)
      );
    });
    let eventsBytes: Uint8Array;
    try {
      eventsBytes = this.runtime.scaleCodec.encodeToBinary(
        this.runtime.description.eventRecordList,
        records
      );
    } catch (err) {
      const d = this.runtime.description;
      for (const [k, r] of records.entries()) {
        const why = mismatch(d.types, d.eventRecord, r, `event record ${k}`);
        if (why !== undefined)
          throw new Error(`Chain.build: block ${number}: ${why}`, { cause: err });
      }
      throw new Error(`Chain.build: block ${number}: cannot encode events: ${message(err)}`, {
        cause: err,
      });
    }
    return this.#store({
      number,
      parent: parseHex(p.hash, 32) as Uint8Array,
      stateRoot: blake2b256(concatBytes(p.stateRoot, eventsBytes)),
      extrinsics,
      eventsBytes,
      eventCount: records.length,
      timestamp: ts,
      ...(number % NONCE_SNAPSHOT === 0
        ? { nonces: this.#nonceSnapshot(p, nonces), noncesComplete: true }
        : { nonces, noncesComplete: false }),
    });
  }

  /** Makes `hash` the best head (emits `newHead`). The finalized block must be its ancestor. */
  setBest(hash: string): void {
    const b = this.#blocks.get(String(hash).toLowerCase());
    if (b === undefined) throw new Error(`Chain.setBest: unknown block ${hash}`);
    if (b === this.#best) return;
    // Walk back to where b's chain joins the best chain (genesis at worst).
    const path: StoredBlock[] = [];
    let fork = b;
    while (this.#canonical[fork.number] !== fork.hash) {
      path.push(fork);
      fork = this.#blocks.get(fork.parentHash) as StoredBlock;
    }
    if (fork.number < this.#finalized.number) {
      throw new Error(
        `Chain.setBest: ${b.hash} does not descend from the finalized block #${this.#finalized.number}`
      );
    }
    this.#canonical.length = b.number + 1;
    for (const x of path) this.#canonical[x.number] = x.hash;
    this.#best = b;
    this.#emit('newHead', b);
  }

  /**
   * Finalizes `hash` (emits `finalizedHead`). It must be on the best chain and not below the
   * current finalized block.
   */
  setFinalized(hash: string): void {
    const b = this.#blocks.get(String(hash).toLowerCase());
    if (b === undefined) throw new Error(`Chain.setFinalized: unknown block ${hash}`);
    if (this.#canonical[b.number] !== b.hash) {
      throw new Error(`Chain.setFinalized: ${b.hash} is not on the best chain`);
    }
    if (b.number < this.#finalized.number) {
      throw new Error(
        `Chain.setFinalized: #${b.number} is below the finalized block #${this.#finalized.number}`
      );
    }
    if (b === this.#finalized) return;
    this.#finalized = b;
    this.#emit('finalizedHead', b);
  }

  // -------------------------------------------------------------------------------------------

  #emit(event: ChainEvent, b: BuiltBlock): void {
    for (const fn of [...this.#listeners[event]]) {
      try {
        fn(b);
      } catch (err) {
        console.error(`devnet chain: a ${event} listener threw:`, err);
      }
    }
  }

  #store(x: {
    number: number;
    parent: Uint8Array;
    stateRoot: Uint8Array;
    extrinsics: Uint8Array[];
    eventsBytes: Uint8Array;
    eventCount: number;
    timestamp: number;
    nonces: ReadonlyMap<string, number>;
    noncesComplete: boolean;
  }): StoredBlock {
    const extrinsicsRoot = orderedTrieRoot(x.extrinsics, this.#trieV1);
    // Header: parentHash, Compact<number>, stateRoot, extrinsicsRoot, Digest { logs: [] }.
    const headerBytes = concatBytes(
      x.parent,
      compactU(x.number),
      x.stateRoot,
      extrinsicsRoot,
      Uint8Array.of(0)
    );
    const hash = toHex(blake2b256(headerBytes));
    const existing = this.#blocks.get(hash);
    if (existing !== undefined) return existing;
    const parentHash = toHex(x.parent);
    const header: HeaderJson = Object.freeze({
      parentHash,
      number: '0x' + x.number.toString(16),
      stateRoot: toHex(x.stateRoot),
      extrinsicsRoot: toHex(extrinsicsRoot),
      digest: Object.freeze({ logs: Object.freeze([]) }),
    });
    const block: StoredBlock = {
      number: x.number,
      hash,
      parentHash,
      header,
      extrinsics: Object.freeze(x.extrinsics.map(toHex)),
      eventsHex: toHex(x.eventsBytes),
      eventCount: x.eventCount,
      timestamp: x.timestamp,
      stateRoot: x.stateRoot,
      nonces: x.nonces,
      noncesComplete: x.noncesComplete,
    };
    this.#blocks.set(hash, block);
    if (x.number > 0) this.#emit('imported', block);
    return block;
  }

  #encodeExtrinsic(x: ExtrinsicSpec, nonce: number, block: number, index: number): Uint8Array {
    const where = `block ${block} extrinsic ${index} (${x.call.pallet}.${x.call.name})`;
    let call: Uint8Array;
    const value = this.#callValue(x.call);
    try {
      call = this.runtime.encodeCall(value);
    } catch (err) {
      const why = mismatch(
        this.runtime.description.types,
        this.runtime.description.call,
        value,
        ''
      );
      if (why !== undefined) throw new Error(`Chain.build: ${where}: ${why}`, { cause: err });
      throw new Error(`Chain.build: ${where}: cannot encode the call: ${message(err)}`, {
        cause: err,
      });
    }
    if (x.signer === undefined) return withLength(Uint8Array.of(0x04), call);
    try {
      return withLength(Uint8Array.of(0x84), this.#sign(x.signer, call, nonce), call);
    } catch (err) {
      throw new Error(`Chain.build: ${where}: cannot sign: ${message(err)}`, { cause: err });
    }
  }

  #callValue(c: CallSpec): { __kind: string; value: { __kind: string } & Record<string, unknown> } {
    if (!this.runtime.hasCall(`${c.pallet}.${c.name}`)) {
      throw new Error(`the runtime has no call ${c.pallet}.${c.name}`);
    }
    return { __kind: c.pallet, value: { ...c.args, __kind: c.name } };
  }

  /**
   * SCALE `ExtrinsicSignature { address, signature, extra }` of a v4 signed extrinsic: signs
   * call ‖ extra ‖ additionalSigned (blake2b-256 of it when longer than 256 bytes).
   */
  #sign(signer: ExtrinsicSigner, call: Uint8Array, nonce: number): Uint8Array {
    if (signer.publicKey.length !== 32) throw new Error('the public key must be 32 bytes');
    const extensions: Record<string, unknown> = {};
    for (const e of this.#signedExtensions) {
      if (e.extra !== undefined) extensions[camelCase(e.identifier)] = e.extra(nonce);
    }
    const codec = this.runtime.scaleCodec;
    const extra = codec.encodeToBinary(this.#signedExtensionsType, extensions);
    let payload = concatBytes(
      call,
      extra,
      ...this.#signedExtensions.map((e) => e.additionalSigned)
    );
    if (payload.length > 256) payload = blake2b256(payload);
    const signature = signer.sign(payload);
    if (signature.length !== 64) throw new Error('the signer returned a signature of wrong size');
    return codec.encodeToBinary(this.#signatureType, {
      address: { __kind: 'Id', value: toHex(signer.publicKey) },
      signature: {
        __kind: signer.algorithm === 'ed25519' ? 'Ed25519' : 'Sr25519',
        value: toHex(signature),
      },
      signedExtensions: extensions,
    });
  }

  /** What each signed extension of the metadata contributes to the extra and the signed payload. */
  #planSignedExtensions(): SignedExtensionPlan[] {
    if (this.runtime.metadata.__kind !== 'V14') return [];
    const types = this.runtime.description.types;
    const codec = this.runtime.scaleCodec;
    const v = this.runtimeVersion;
    const genesis = this.genesisHash;
    const plans: SignedExtensionPlan[] = [];
    for (const ext of this.runtime.metadata.value.extrinsic.signedExtensions) {
      const id = ext.identifier;
      const extraUnit = isUnit(types[ext.type]);
      const addUnit = isUnit(types[ext.additionalSigned]);
      let extra: ((nonce: number) => unknown) | undefined;
      let additional: unknown;
      switch (id) {
        case 'CheckSpecVersion':
          additional = v.specVersion;
          break;
        case 'CheckTxVersion':
          additional = v.transactionVersion;
          break;
        case 'CheckGenesis':
          additional = genesis;
          break;
        case 'CheckMortality':
        case 'CheckEra':
          // An immortal era; its additional signed data is the genesis hash.
          extra = () => ({ __kind: 'Immortal' });
          additional = genesis;
          break;
        case 'CheckNonce':
          extra = (nonce) => nonce;
          break;
        case 'ChargeTransactionPayment':
          extra = () => 0n;
          break;
        case 'ChargeAssetTxPayment':
          extra = () => ({ tip: 0n, assetId: undefined });
          break;
        case 'CheckMetadataHash':
          // Mode::Disabled; the additional signed data is Option<[u8; 32]>::None.
          extra = () => ({ mode: { __kind: 'Disabled' } });
          additional = undefined;
          break;
        default:
          if (!extraUnit || !addUnit) {
            throw new Error(`Chain: cannot sign with the signed extension ${id} (not supported)`);
          }
      }
      plans.push({
        identifier: id,
        extra: extraUnit ? undefined : extra,
        additionalSigned: addUnit
          ? new Uint8Array(0)
          : codec.encodeToBinary(ext.additionalSigned, additional),
      });
    }
    return plans;
  }

  #indexEvents(): void {
    const types = this.runtime.description.types;
    const outer = types[this.runtime.description.event];
    if (outer?.kind !== TypeKind.Variant) throw new Error('Chain: the event type is not an enum');
    for (const pallet of outer.variants) {
      const inner = pallet.fields[0] === undefined ? undefined : types[pallet.fields[0].type];
      if (inner?.kind !== TypeKind.Variant) continue;
      for (const ev of inner.variants) {
        const named = ev.fields.length > 0 && ev.fields.every((f) => f.name !== undefined);
        this.#events.set(`${pallet.name}.${ev.name}`, {
          fields: named || ev.fields.length === 0 ? ev.fields.map((f) => f.name as string) : null,
          arity: ev.fields.length,
        });
      }
    }
  }

  #eventRecord(e: EventSpec, index: number | null): unknown {
    const name = `${e.pallet}.${e.name}`;
    const shape = this.#events.get(name);
    if (shape === undefined) throw new Error(`Chain.build: the runtime has no event ${name}`);
    let value: Record<string, unknown>;
    if (shape.fields !== null) {
      if (Array.isArray(e.args)) {
        const args = e.args as readonly unknown[];
        if (args.length !== shape.arity) {
          throw new Error(`Chain.build: event ${name} takes ${shape.arity} values`);
        }
        value = { __kind: e.name };
        shape.fields.forEach((f, i) => (value[f] = args[i]));
      } else {
        const args = e.args as Record<string, unknown>;
        for (const k of Object.keys(args)) {
          if (!shape.fields.includes(k)) {
            throw new Error(
              `Chain.build: event ${name} has no field ${k} (fields: ${shape.fields.join(', ')})`
            );
          }
        }
        value = { ...args, __kind: e.name };
      }
    } else {
      if (!Array.isArray(e.args) || e.args.length !== shape.arity) {
        throw new Error(`Chain.build: event ${name} is a tuple of ${shape.arity} values`);
      }
      const args = e.args as readonly unknown[];
      value = { __kind: e.name, value: shape.arity === 1 ? args[0] : [...args] };
    }
    return {
      phase:
        index === null ? { __kind: 'Initialization' } : { __kind: 'ApplyExtrinsic', value: index },
      event: { __kind: e.pallet, value },
      topics: [],
    };
  }

  #failedRecord(index: number, pallet: string): unknown {
    const palletIndex = this.#palletIndex.get(pallet) ?? 0;
    return {
      phase: { __kind: 'ApplyExtrinsic', value: index },
      event: {
        __kind: 'System',
        value: {
          __kind: 'ExtrinsicFailed',
          dispatchError: {
            __kind: 'Module',
            value: { index: palletIndex, error: this.#moduleErrorCode },
          },
          dispatchInfo: NORMAL_INFO,
        },
      },
      topics: [],
    };
  }

  /** Error index 0 in the shape of this runtime's `ModuleError.error` (`[u8; 4]` or `u8`). */
  #findModuleErrorCode(): unknown {
    const types = this.runtime.description.types;
    const failed = this.#eventFieldType('System', 'ExtrinsicFailed', 'dispatchError');
    const de = failed === undefined ? undefined : types[failed];
    const mod =
      de?.kind === TypeKind.Variant ? de.variants.find((x) => x.name === 'Module') : undefined;
    const me = mod?.fields[0] === undefined ? undefined : types[mod.fields[0].type];
    const err =
      me?.kind === TypeKind.Composite ? me.fields.find((f) => f.name === 'error') : undefined;
    const et = err === undefined ? undefined : types[err.type];
    if (et?.kind === TypeKind.HexBytesArray) return '0x' + '00'.repeat(et.len);
    return 0;
  }

  #eventFieldType(pallet: string, event: string, field: string): number | undefined {
    const types = this.runtime.description.types;
    const outer = types[this.runtime.description.event];
    if (outer?.kind !== TypeKind.Variant) return undefined;
    const p = outer.variants.find((x) => x.name === pallet);
    const inner = p?.fields[0] === undefined ? undefined : types[p.fields[0].type];
    if (inner?.kind !== TypeKind.Variant) return undefined;
    return inner.variants.find((x) => x.name === event)?.fields.find((f) => f.name === field)?.type;
  }
}

const TIMESTAMP_INFO = {
  weight: TIMESTAMP_WEIGHT,
  class: { __kind: 'Mandatory' },
  paysFee: { __kind: 'Yes' },
};
const NORMAL_INFO = {
  weight: EXTRINSIC_WEIGHT,
  class: { __kind: 'Normal' },
  paysFee: { __kind: 'Yes' },
};

function timestampCall(now: number): { __kind: string; value: { __kind: string; now: bigint } } {
  return { __kind: 'Timestamp', value: { __kind: 'set', now: BigInt(now) } };
}

function successRecord(index: number, dispatchInfo: unknown): unknown {
  return {
    phase: { __kind: 'ApplyExtrinsic', value: index },
    event: { __kind: 'System', value: { __kind: 'ExtrinsicSuccess', dispatchInfo } },
    topics: [],
  };
}

/**
 * Why `v` does not fit type `ti` in subsquid's JSON form (first problem found, with its path), or
 * undefined if the walk finds nothing. Only used to explain an encoding failure.
 */
function mismatch(types: Type[], ti: number, v: unknown, path: string): string | undefined {
  const t = types[ti];
  const at = path === '' ? 'value' : path;
  const want = (what: string): string => `${at}: expected ${what}, got ${show(v)}`;
  if (t === undefined) return undefined;
  switch (t.kind) {
    case TypeKind.Primitive: {
      const p = t.primitive;
      if (p === 'Bool') return typeof v === 'boolean' ? undefined : want('a boolean');
      if (p === 'Str') return typeof v === 'string' ? undefined : want('a string');
      if (p === 'Char') return undefined;
      const big = /64|128|256/.test(p);
      if (big) return typeof v === 'bigint' ? undefined : want(`a bigint (${p})`);
      return Number.isInteger(v) ? undefined : want(`an integer number (${p})`);
    }
    case TypeKind.Compact:
      return typeof v === 'bigint' || Number.isInteger(v) ? undefined : want('a number or bigint');
    case TypeKind.HexBytes:
      return typeof v === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(v) ? undefined : want('0x hex');
    case TypeKind.HexBytesArray:
      return typeof v === 'string' && v.length === 2 + 2 * t.len && /^0x[0-9a-fA-F]*$/.test(v)
        ? undefined
        : want(`0x hex of ${t.len} bytes`);
    case TypeKind.Option:
      return v === undefined ? undefined : mismatch(types, t.type, v, path);
    case TypeKind.Sequence:
    case TypeKind.Array: {
      if (!Array.isArray(v)) return want('an array');
      if (t.kind === TypeKind.Array && v.length !== t.len) return want(`${t.len} elements`);
      for (const [i, x] of v.entries()) {
        const why = mismatch(types, t.type, x, `${at}[${i}]`);
        if (why !== undefined) return why;
      }
      return undefined;
    }
    case TypeKind.Tuple: {
      if (t.tuple.length === 0) return undefined;
      if (!Array.isArray(v) || v.length !== t.tuple.length) {
        return want(`a tuple of ${t.tuple.length}`);
      }
      for (const [i, x] of t.tuple.entries()) {
        const why = mismatch(types, x, v[i], `${at}[${i}]`);
        if (why !== undefined) return why;
      }
      return undefined;
    }
    case TypeKind.Composite:
      if (typeof v !== 'object' || v === null) return want('an object');
      return fieldsMismatch(types, t.fields, v as Record<string, unknown>, path);
    case TypeKind.Variant: {
      const kind = (v as { __kind?: unknown } | null)?.__kind;
      if (typeof v !== 'object' || v === null || typeof kind !== 'string') {
        return want(`{ __kind } of ${t.variants.map((x) => x.name).join(' | ')}`);
      }
      const variant = t.variants.find((x) => x.name === kind);
      if (variant === undefined) {
        return `${at}: no variant ${kind} (variants: ${t.variants.map((x) => x.name).join(', ')})`;
      }
      const sub = path === '' ? kind : `${path}.${kind}`;
      const value = (v as { value?: unknown }).value;
      const fields = variant.fields;
      if (fields.length === 0) return undefined;
      if (fields.every((f) => f.name !== undefined)) {
        return fieldsMismatch(types, fields, v as Record<string, unknown>, sub);
      }
      if (fields.length === 1) {
        // Pallet-level enums (`{ __kind: 'Balances', value: { __kind: 'Transfer' } }`) read better
        // without the `value` step.
        const inner = (fields[0] as Field).type;
        const step = types[inner]?.kind === TypeKind.Variant ? sub : `${sub}.value`;
        return mismatch(types, inner, value, step);
      }
      if (!Array.isArray(value) || value.length !== fields.length) {
        return `${sub}.value: expected a tuple of ${fields.length}`;
      }
      for (const [i, f] of fields.entries()) {
        const why = mismatch(types, f.type, value[i], `${sub}.value[${i}]`);
        if (why !== undefined) return why;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function fieldsMismatch(
  types: Type[],
  fields: readonly Field[],
  v: Record<string, unknown>,
  path: string
): string | undefined {
  const names = fields.map((f) => f.name as string);
  for (const k of Object.keys(v)) {
    if (k !== '__kind' && !names.includes(k)) {
      return `${path === '' ? 'value' : path}: unknown field ${k} (fields: ${names.join(', ')})`;
    }
  }
  for (const f of fields) {
    const why = mismatch(
      types,
      f.type,
      v[f.name as string],
      path === '' ? `${f.name}` : `${path}.${f.name}`
    );
    if (why !== undefined) return why;
  }
  return undefined;
}

/** A short display of a JSON-form value (bigints as `123n`). */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
  } catch {
    s = String(v);
  }
  if (typeof v === 'bigint') s = `${v}n`;
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

function isUnit(t: Type | undefined): boolean {
  if (t === undefined) return false;
  if (t.kind === TypeKind.Tuple) return t.tuple.length === 0;
  if (t.kind === TypeKind.Composite) return t.fields.length === 0;
  return false;
}

/** subsquid's field naming of signed extensions (`CheckMortality` -> `checkMortality`). */
function camelCase(identifier: string): string {
  return identifier.charAt(0).toLowerCase() + identifier.slice(1);
}

/** Compact length prefix followed by the parts: the opaque encoding of an extrinsic. */
function withLength(...parts: Uint8Array[]): Uint8Array {
  const body = concatBytes(...parts);
  return concatBytes(compactU(body.length), body);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------------------------------------
// Ordered trie root (sp_trie, no-extension radix-16 Patricia trie, blake2b-256)
// ---------------------------------------------------------------------------------------------
//
// Node encodings (sp_trie NodeCodec): a header byte holding the kind in its top bits and the
// partial key's nibble count in the rest (escaped with continuation bytes when it does not fit),
// the partial key's nibbles packed two per byte (an odd one first, alone in a low half), then
//   leaf: Compact(len) ‖ value, or the value's hash for a V1 hashed-value leaf;
//   branch: a u16 LE bitmap of the children present, the value if any (as for a leaf), then each
//           child as Compact(len) ‖ encoding, where an encoding of 32 bytes or more is replaced by
//           its hash.
// The root is the hash of the root node's encoding; the empty trie is the single byte 0x00.

const LEAF = 0b01 << 6;
const BRANCH_NO_VALUE = 0b10 << 6;
const BRANCH_WITH_VALUE = 0b11 << 6;
const HASHED_VALUE_LEAF = 0b001 << 5;
const HASHED_VALUE_BRANCH = 0b0001 << 4;

interface TrieItem {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/**
 * `sp_trie::LayoutV0/V1::ordered_trie_root`: the root of the trie mapping SCALE-compact `i` to
 * `values[i]`, as Substrate computes `extrinsics_root`.
 */
export function orderedTrieRoot(values: readonly Uint8Array[], v1: boolean): Uint8Array {
  const items: TrieItem[] = values.map((value, i) => ({ key: nibbles(compactU(i)), value }));
  items.sort((a, b) => compareBytes(a.key, b.key));
  return blake2b256(
    items.length === 0 ? Uint8Array.of(0) : trieNode(items, 0, items.length, 0, v1)
  );
}

function nibbles(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    out[2 * i] = (bytes[i] as number) >> 4;
    out[2 * i + 1] = (bytes[i] as number) & 15;
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Encoding of the node for items[lo, hi) (sorted, at least one), `cursor` nibbles consumed. */
function trieNode(
  items: TrieItem[],
  lo: number,
  hi: number,
  cursor: number,
  v1: boolean
): Uint8Array {
  const first = items[lo] as TrieItem;
  const hashed = v1 && first.value.length >= TRIE_VALUE_NODE_THRESHOLD;
  if (hi - lo === 1) {
    const partial = first.key.subarray(cursor);
    return hashed
      ? concatBytes(header(HASHED_VALUE_LEAF, 3, partial), blake2b256(first.value))
      : concatBytes(header(LEAF, 2, partial), compactU(first.value.length), first.value);
  }
  // Sorted keys: the prefix shared by all is the one the first and the last share.
  const last = (items[hi - 1] as TrieItem).key;
  let shared = cursor;
  while (shared < first.key.length && shared < last.length && first.key[shared] === last[shared]) {
    shared++;
  }
  const partial = first.key.subarray(cursor, shared);
  const hasValue = first.key.length === shared;
  const parts: Uint8Array[] = [];
  let begin = hasValue ? lo + 1 : lo;
  let bitmap = 0;
  const children: Uint8Array[] = [];
  for (let nibble = 0; nibble < 16 && begin < hi; nibble++) {
    let end = begin;
    while (end < hi && (items[end] as TrieItem).key[shared] === nibble) end++;
    if (end > begin) {
      bitmap |= 1 << nibble;
      const child = trieNode(items, begin, end, shared + 1, v1);
      children.push(child.length < 32 ? child : blake2b256(child));
      begin = end;
    }
  }
  if (!hasValue) parts.push(header(BRANCH_NO_VALUE, 2, partial));
  else if (hashed) parts.push(header(HASHED_VALUE_BRANCH, 4, partial));
  else parts.push(header(BRANCH_WITH_VALUE, 2, partial));
  parts.push(Uint8Array.of(bitmap & 0xff, bitmap >> 8));
  if (hasValue) {
    if (hashed) parts.push(blake2b256(first.value));
    else parts.push(compactU(first.value.length), first.value);
  }
  for (const c of children) parts.push(compactU(c.length), c);
  return concatBytes(...parts);
}

/** Node header (kind bits, nibble count) followed by the packed partial key. */
function header(prefix: number, prefixBits: number, partial: Uint8Array): Uint8Array {
  const size = Math.min(partial.length, 0xffff);
  const max = 0xff >> prefixBits;
  const out: number[] = [];
  if (size < max) {
    out.push(prefix | size);
  } else {
    out.push(prefix | max);
    let rem = size - max;
    while (rem >= 255) {
      out.push(255);
      rem -= 255;
    }
    out.push(rem);
  }
  const odd = partial.length % 2;
  if (odd === 1) out.push(partial[0] as number);
  for (let i = odd; i < partial.length; i += 2) {
    out.push(((partial[i] as number) << 4) | (partial[i + 1] as number));
  }
  return Uint8Array.from(out);
}
