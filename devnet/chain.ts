/**
 * The devnet's block store: turns {@link BlockSpec}s into real SCALE-encoded Substrate blocks
 * (header, extrinsics, `System.Events`) for a given v14 metadata, keeps every block ever built
 * (forks included) with its state, tracks the best and finalized heads, signs GRANDPA
 * justifications for finalized blocks, and pre-encodes what the RPC server serves so that serving
 * is a lookup.
 *
 * What is real and what is synthetic:
 * - Extrinsics are real v4 extrinsics: `Timestamp.set` bare, the others bare or really signed
 *   (`MultiAddress::Id`, `MultiSignature`, the signed extensions the metadata lists, an immortal
 *   era, the signer's nonce along the fork, signing payload hashed when over 256 bytes).
 * - `System.Events` is the real SCALE `Vec<EventRecord>` the runtime would store.
 * - The header is a real SCALE header (`verifier/header.ts` `encodeHeader`) and the block hash is
 *   its blake2b-256, as on Substrate.
 * - `extrinsicsRoot` is Substrate's real ordered trie root of the extrinsics (keys are the
 *   SCALE-compact indices, values the encoded extrinsics), checked against real Polkadot blocks.
 *   As in `sp_version::RuntimeVersion::extrinsics_root_state_version` (RFC 42), the trie layout is
 *   V0 unless the runtime's `stateVersion` (`systemVersion`) is 2 or more, when it is V1 (values
 *   of 33 bytes or more stored by hash).
 * - `stateRoot` is the real root of the block's state: Substrate's base-16 Patricia-Merkle trie
 *   (`devnet/trie.ts`) of every storage entry below, in layout V0 when the runtime's
 *   `stateVersion` is 0 (Cere's and the devnet's) and V1 from 1, as frame-system's `finalize`
 *   computes it with `T::Version::get().state_version()`. Any value the devnet serves
 *   (`state_getStorage`) is proven by `state_getReadProof` against that root, at every block,
 *   forks included. The state is what a Substrate runtime leaves after executing the block,
 *   restricted to what the devnet models (polkadot-sdk `substrate/frame/system/src/lib.rs` at
 *   commit 007006984232fc143ab09537249ca37d875b3a5f, `initialize`, `finalize` and the genesis
 *   build; `substrate/frame/grandpa/src/lib.rs` at commit
 *   10f7141b924d4b9920d9d70ff2e2efc9c6269783):
 *   `System.Number`, `System.ParentHash`, `System.Events`, `System.EventCount`, `System.Digest`
 *   (the block's digest), `System.BlockHash(0)` and `System.BlockHash(n − 1)` (a node keeps the
 *   last `BlockHashCount` ones; the devnet keeps genesis and the parent only),
 *   `System.LastRuntimeUpgrade` (the version of the runtime that executed the block, see below),
 *   `System.UpgradedToU32RefCount` and `UpgradedToTripleRefCount` (true), `Timestamp.Now`,
 *   `Grandpa.CurrentSetId` and `Grandpa.Authorities` (when the metadata declares them), the
 *   pre-v5 well-known key `:grandpa_authorities` (`0x01` ‖ the same list; a runtime past
 *   pallet_grandpa's `MigrateV4ToV5`, as Cere's, no longer writes it: kept for clients that read
 *   it), `:code` (the runtime that executes the block's children), and `:proofroom_chain_name`
 *   (the chain name, a devnet-only key). At genesis, as frame-system's genesis build writes them,
 *   `System.ParentHash` and `System.BlockHash(0)` are `0x69…69` and `System.LastRuntimeUpgrade`
 *   is the genesis runtime's version; the devnet also stores `System.Number` 0, empty events and
 *   digest, and `Timestamp.Now` = the genesis timestamp (a node leaves these absent). So the
 *   genesis hash commits to the chain name, the genesis time, the genesis metadata (through
 *   `:code`) and the GRANDPA authorities (not to the runtimes the chain may upgrade to).
 * - `:code` is not a wasm runtime: it is `proofroom-devnet-runtime:<specName>:<specVersion>`
 *   (UTF-8) followed by the blake2b-256 of the runtime's metadata. There is no runtime to
 *   execute.
 * - No `System.Account`, balances or pallet storage beyond the above: the devnet has no runtime
 *   logic, only the blocks and events its scenario describes, and the storage writes it names
 *   ({@link BlockSpec.storage}, such as `DdcClusters.ClustersGovParams` after a governance
 *   change): raw keys and SCALE values, built with {@link Chain.storageEntry} or
 *   {@link encodeStorageWrite}, that persist into the block's descendants (not its siblings) and
 *   are part of the state trie, its root, its proofs and its key listings. They are kept as one
 *   layer of changes per writing block (a block that writes nothing shares its parent's), every
 *   32nd layer along a fork holding all the written keys, so a lookup walks few layers and memory
 *   grows with the writes, not with the blocks; the working trie applies a block's writes as it
 *   applies the chain's own entries.
 * - The digest holds GRANDPA's `ScheduledChange` log in a block that changes the authority set
 *   ({@link BlockSpec.grandpaChange}) and nothing else: there is no block production consensus
 *   (no BABE/Aura pre-runtime item, no seal). Two blocks built from the same spec on the same
 *   parent are therefore the same block (same hash); {@link Chain.build} then returns the stored
 *   one.
 * - GRANDPA: the chain has an authority set (ed25519 keys, weight 1 each; {@link ChainOptions}),
 *   changed by `grandpaChange` with delay 0 (pallet_grandpa's `schedule_change(next, 0)` from
 *   `on_new_session`: `CurrentSetId` is incremented and, in `on_finalize` of the same block, the
 *   authorities are replaced; the client enacts the change when that block is finalized). So the
 *   change block's state holds set s + 1, the block itself is finalized by set s, its descendants
 *   by set s + 1. When a block is finalized ({@link Chain.setFinalized}) the chain keeps a
 *   justification (signed by every authority of the set that finalizes it, precommitting to the
 *   block; round = the block's number minus the number of the block that enacted the set) for the
 *   newly finalized head, every set-change block and every {@link GRANDPA_JUSTIFICATION_PERIOD}-th
 *   block passed over. They are encoded on first request; ed25519 signatures are deterministic, so
 *   the bytes do not depend on when. (A node keeps a justification only for set-change blocks and
 *   for the block finalized when a justification period is crossed, plus its latest one.) The
 *   chain does not emit pallet_grandpa's `NewAuthorities` event (phase `Finalization`): the
 *   events are the scenario's.
 * - Runtime upgrades, as Substrate makes them (polkadot-sdk `substrate/frame/system/src/lib.rs`
 *   `set_code`, `can_set_code`, `update_code_in_storage`; `substrate/frame/executive/src/lib.rs`
 *   `initialize_block`, `runtime_upgraded`). The chain starts with its genesis runtime
 *   ({@link ChainOptions.metadata} and `runtimeVersion`) and may upgrade to any runtime of
 *   {@link ChainOptions.upgrades}. A block with {@link BlockSpec.setCode} carries, after the
 *   spec's own extrinsics, a signed `Sudo.sudo { call: System.set_code { code } }` from the devnet
 *   sudo key ({@link DEVNET_SUDO}, or `ChainOptions.sudo`), `code` being the new runtime's `:code`
 *   value; its events are `System.CodeUpdated`, `Sudo.Sudid { sudo_result: Ok }`, then
 *   `System.ExtrinsicSuccess` (class `Operational`, pays no fee, as a successful sudo). As
 *   `can_set_code`, the chain refuses (throws) a runtime it does not know, another spec name, or
 *   a spec version not above the current one. Every block is executed by the runtime its parent's
 *   state holds (`:code`), forks included: its extrinsics (their signed extensions carry that
 *   runtime's spec and transaction versions) and its events are encoded with that runtime's
 *   metadata. So the upgrade block N is executed by the old runtime, while its state already holds
 *   the new `:code`: `state_getRuntimeVersion(N)` and `state_getMetadata(N)` answer the new
 *   runtime, and `System.LastRuntimeUpgrade` at N is still the old `{ spec_version, spec_name }`.
 *   Block N + 1 is the first one the new runtime executes: frame_executive sees
 *   `LastRuntimeUpgrade` below its own version in N + 1's initialization, runs
 *   `on_runtime_upgrade` and stores the new version, so `LastRuntimeUpgrade` at N + 1 is the new
 *   one. (`@polkadot/api`'s `api.at(hash)` and subsquid's runtime tracker find a block's runtime
 *   this way: the version at its parent.) No migration runs: the other entries are unchanged.
 *   Storage keys are by pallet and item name, the same in every runtime; every runtime must declare
 *   the storage items the state holds and have the same `stateVersion`.
 * @module
 */
import { Runtime } from '@subsquid/substrate-runtime';
import { TypeKind } from '@subsquid/substrate-runtime/lib/metadata/index.js';
import type { Field, Type } from '@subsquid/substrate-runtime/lib/metadata/index.js';
import { compactU, concatBytes, parseHex, toHex, uintLE, utf8 } from '../verifier/bytes.ts';
import { blake2b256 } from '../verifier/hash.ts';
import { type DigestItem, encodeHeader, grandpaDigestItem } from '../verifier/header.ts';
import { type GrandpaSigner, grandpaSignerFromSeed, makeGrandpaJustification } from './grandpa.ts';
import { identity } from './keys.ts';
import { type StateVersion, TrieBuilder } from '../verifier/trie-builder.ts';
import type {
  BlockSpec,
  CallSpec,
  EventSpec,
  ExtrinsicSigner,
  ExtrinsicSpec,
  StorageWrite,
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
  /**
   * The genesis GRANDPA authority set (set id 0): distinct ed25519 signers, weight 1 each.
   * Default: four authorities derived from the chain name (`defaultGrandpaAuthorities`).
   */
  grandpa?: { readonly authorities: readonly GrandpaSigner[] };
  /**
   * Runtimes the chain may upgrade to ({@link BlockSpec.setCode} names one by its spec version):
   * each a v14 metadata and its runtime version, spec versions distinct from each other and from
   * the genesis runtime's. `metadata`/`runtimeVersion` above are the genesis runtime. Default none.
   */
  upgrades?: ReadonlyArray<RuntimeUpgrade>;
  /** The key that signs `Sudo.sudo(System.set_code)` (see the module comment). Default DEVNET_SUDO. */
  sudo?: ExtrinsicSigner;
}

/** A runtime the chain may upgrade to ({@link ChainOptions.upgrades}). */
export interface RuntimeUpgrade {
  /** SCALE metadata (`RuntimeMetadataPrefixed`, v14). */
  readonly metadata: Uint8Array;
  readonly runtimeVersion: RuntimeVersion;
}

/**
 * One runtime of the chain, built once: what `state_getMetadata` and `state_getRuntimeVersion`
 * answer at a block whose state holds it, and subsquid's `Runtime` for its metadata.
 */
export interface ChainRuntime {
  readonly runtime: Runtime;
  /** Frozen. */
  readonly runtimeVersion: RuntimeVersion;
  /** The metadata as `0x` hex, as `state_getMetadata` returns it. */
  readonly metadataHex: string;
  /** The `:code` value of a state that holds this runtime, `0x` hex. */
  readonly codeHex: string;
}

/**
 * The devnet's sudo key, which signs the `Sudo.sudo(System.set_code)` of a runtime upgrade:
 * ed25519, seed blake2b-256(`proofroom/devnet/chain/sudo`) (`identity('chain', 'sudo')` of
 * devnet/keys.ts). A test key: never use it for anything real.
 */
export const DEVNET_SUDO: ExtrinsicSigner = identity('chain', 'sudo', 'ed25519');

/** A GRANDPA authority set: its id and its authorities' ed25519 public keys, in order. */
export interface GrandpaSet {
  readonly setId: bigint;
  readonly authorities: readonly Uint8Array[];
}

/** Keys of the storage entries the chain's state holds (0x hex), see the module comment. */
export interface StateKeys {
  readonly events: string;
  readonly number: string;
  readonly now: string;
  readonly parentHash: string;
  readonly eventCount: string;
  readonly digest: string;
  readonly lastRuntimeUpgrade: string;
  /** `:code` */
  readonly code: string;
  /** `:proofroom_chain_name` */
  readonly chainName: string;
  /** `:grandpa_authorities` */
  readonly grandpaAuthorities: string;
  /** `Grandpa.CurrentSetId`, null when the metadata has no such item. */
  readonly grandpaSetId: string | null;
  /** `Grandpa.Authorities`, null when the metadata has no such item. */
  readonly grandpaAuthoritiesItem: string | null;
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

/**
 * Every this many blocks, a finalized block gets a stored justification (a node's
 * `justification_period`, 512 on Polkadot; shorter here so that a small devnet has several).
 */
export const GRANDPA_JUSTIFICATION_PERIOD = 16;
/** Raw keys of the well-known storage entries the devnet's state holds. */
export const WELL_KNOWN_KEYS = {
  code: toHex(utf8(':code')),
  grandpaAuthorities: toHex(utf8(':grandpa_authorities')),
  chainName: toHex(utf8(':proofroom_chain_name')),
} as const;
/** `0x46524e4b`, GRANDPA's engine id (`FRNK`), as bytes. */
const FRNK = [0x46, 0x52, 0x4e, 0x4b];
/** frame-system's genesis `ParentHash` and `BlockHash(0)`: `hash69()`, 32 bytes of 69. */
const HASH69 = new Uint8Array(32).fill(69);
/** `Vec<DigestItem>` with no item. */
const EMPTY_DIGEST = Uint8Array.of(0);
const TRUE = Uint8Array.of(1);
/** Most keys `state_getKeysPaged` returns at once (Substrate's `STORAGE_KEYS_PAGED_MAX_COUNT`). */
export const MAX_KEYS_PAGED = 1000;

/** The four authorities a chain has by default: seeds derived from the chain name. */
export function defaultGrandpaAuthorities(chainName: string): GrandpaSigner[] {
  return [0, 1, 2, 3].map((i) =>
    grandpaSignerFromSeed(blake2b256(utf8(`proofroom/devnet/grandpa/${chainName}/${i}`)))
  );
}

/** LayoutV1 stores trie values of this many bytes or more by hash (`TRIE_VALUE_NODE_THRESHOLD`). */
const TRIE_VALUE_NODE_THRESHOLD = 33;
const ZERO_HASH = new Uint8Array(32);

/** An authority set as the state stores it, shared by every block whose state holds it. */
interface StoredSet {
  readonly setId: bigint;
  readonly signers: readonly GrandpaSigner[];
  /** Number of the block whose state first holds the set (0 for genesis); rounds count from it. */
  readonly since: number;
  /** `Grandpa.CurrentSetId`: u64 LE. */
  readonly setIdValue: Uint8Array;
  /** `Grandpa.Authorities`: `Vec<([u8; 32], u64)>`. */
  readonly listValue: Uint8Array;
  /** `:grandpa_authorities`: `VersionedAuthorityList`, version byte 1 then the list. */
  readonly wellKnownValue: Uint8Array;
}

/** What a block's state is computed from (a stored block, or genesis before it is stored). */
interface StateView {
  readonly number: number;
  readonly parentHash: string;
  readonly eventsHex: string;
  readonly eventCount: number;
  readonly timestamp: number;
  /** SCALE `Digest` (`Vec<DigestItem>`): the header's digest and `System.Digest`. */
  readonly digestBytes: Uint8Array;
  readonly grandpa: StoredSet;
  /** The runtime the state holds (`:code`): the one that executes the block's children. */
  readonly code: RuntimeModel;
  /** The runtime that executed the block (`System.LastRuntimeUpgrade`); genesis: its own. */
  readonly executedBy: RuntimeModel;
  /** The scenario's storage writes in effect (the newest layer), undefined when none. */
  readonly storage: StorageLayer | undefined;
}

/**
 * The storage writes of one block ({@link BlockSpec.storage}), over those of its ancestors. A block
 * that writes nothing shares its parent's layer, so a lookup walks the writing ancestors only, and
 * no further than the nearest complete layer (every STORAGE_SNAPSHOT-th, which holds every key).
 */
interface StorageLayer {
  /** Key hex → value; null: deleted. */
  readonly writes: ReadonlyMap<string, Uint8Array | null>;
  readonly parent: StorageLayer | undefined;
  /** `writes` is the whole of the written storage: no need to look at `parent`. */
  readonly complete: boolean;
  /** Layers since the nearest complete one (0 for a complete one). */
  readonly depth: number;
}

/** Every this many layers of storage writes along a fork, a layer holds all written keys. */
const STORAGE_SNAPSHOT = 32;

/** One storage entry of the state: its key and how its value follows from the block. */
interface Slot {
  readonly hex: string;
  readonly key: Uint8Array;
  get(v: StateView): Uint8Array;
}

/** Plausible fixed weights (`refTime` ps, `proofSize` bytes) for the dispatch info of events. */
const TIMESTAMP_WEIGHT = { refTime: 9_128_000, proofSize: 1_493 };
const EXTRINSIC_WEIGHT = { refTime: 154_330_000, proofSize: 3_593 };
const SET_CODE_WEIGHT = { refTime: 110_251_000_000, proofSize: 1_485 };

/** Every this many blocks, a block stores all signers' nonces rather than its own changes. */
const NONCE_SNAPSHOT = 64;

interface StoredBlock extends BuiltBlock, StateView {
  readonly stateRoot: Uint8Array;
  /** The block changes the authority set (its digest signals it). */
  readonly setChange: boolean;
  /**
   * Next nonce of the signers (public key hex) this block changed, or of every signer so far when
   * `noncesComplete` (every NONCE_SNAPSHOT-th block and genesis). Lookups walk back to the nearest
   * snapshot, so memory grows with the signed extrinsics, not with blocks times signers.
   */
  readonly nonces: ReadonlyMap<string, number>;
  readonly noncesComplete: boolean;
  /** Lazily built JSON texts for the RPC server (`blockText` without the justifications). */
  headerText?: string;
  blockText?: string;
}

/** A block's justification: encoded (and as RPC JSON) on first request. */
interface Justified {
  bytes?: Uint8Array;
  json?: string;
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
  readonly chainName: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly genesisHash: string;
  /** Keys of the storage entries every block's state holds (see the module comment). */
  readonly storageKeys: StateKeys;
  /** The trie layout of the state: 0 (LayoutV0) when `stateVersion` is 0, else 1. */
  readonly stateVersion: StateVersion;

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

  /** The genesis runtime, then the upgrades, each built once. */
  readonly #runtimes: readonly RuntimeModel[];
  readonly #bySpecVersion = new Map<number, RuntimeModel>();
  readonly #sudo: ExtrinsicSigner;

  /** Entries whose value changes every block (set on every block built). */
  readonly #blockSlots: readonly Slot[];
  /** The authority-set entries (set when a block changes the set). */
  readonly #setSlots: readonly Slot[];
  /** `:code` (set when a block upgrades the runtime). */
  readonly #codeSlot: Slot;
  /** `System.LastRuntimeUpgrade` (set when a block is the first its runtime executes). */
  readonly #lastUpgradeSlot: Slot;
  /** Every fixed-key entry, by key hex (`System.BlockHash(n − 1)` is the only other one). */
  readonly #slots = new Map<string, Slot>();
  readonly #blockHash0: Slot;
  #genesisHashBytes: Uint8Array = HASH69;
  /** `twox128("System") ‖ twox128("BlockHash")` as 0x hex. */
  readonly #blockHashPrefix: string;
  /** The trie of the last block built (mutated into its child's by the next build on it). */
  #work: { hash: string; trie: TrieBuilder } | undefined;
  /** The trie of the last block a read proof was asked of. */
  #proofTrie: { hash: string; trie: TrieBuilder } | undefined;
  /** The written storage of the last layer resolved whole (keys hex → values). */
  #storageCache: { layer: StorageLayer; all: ReadonlyMap<string, Uint8Array> } | undefined;
  /** Justified blocks by hash. */
  readonly #justified = new Map<string, Justified>();

  constructor(options: ChainOptions) {
    this.chainName = options.chainName ?? 'Proof Room devnet';
    this.properties = Object.freeze({
      ...(options.properties ?? { ss58Format: 54, tokenDecimals: 10, tokenSymbol: 'CERE' }),
    });
    if (!Number.isSafeInteger(options.genesisTimestamp) || options.genesisTimestamp < 0) {
      throw new RangeError('Chain: genesisTimestamp must be a non-negative integer (ms)');
    }
    this.#runtimes = this.#buildRuntimes(options);
    const genesisRuntime = this.#runtimes[0] as RuntimeModel;
    this.#sudo = options.sudo ?? DEVNET_SUDO;
    this.stateVersion = genesisRuntime.stateVersion;
    this.storageKeys = genesisRuntime.storageKeys;
    this.#blockHashPrefix = genesisRuntime.blockHashPrefix;

    // The state's entries (module comment). Values that never change are shared by every block.
    const k = this.storageKeys;
    const slot = (hex: string, get: (v: StateView) => Uint8Array): Slot => {
      const s: Slot = { hex, key: parseHex(hex) as Uint8Array, get };
      this.#slots.set(hex, s);
      return s;
    };
    const constant = (hex: string | null, value: Uint8Array): void => {
      if (hex !== null) slot(hex, () => value);
    };
    // LastRuntimeUpgradeInfo of the runtime that executed the block; `:code` of the next one.
    this.#lastUpgradeSlot = slot(k.lastRuntimeUpgrade, (b) => b.executedBy.lastUpgrade);
    constant(genesisRuntime.item('System.UpgradedToU32RefCount'), TRUE);
    constant(genesisRuntime.item('System.UpgradedToTripleRefCount'), TRUE);
    this.#codeSlot = slot(k.code, (b) => b.code.code);
    constant(k.chainName, utf8(this.chainName));
    this.#blockHash0 = slot(this.blockHashKey(0), (b) =>
      b.number === 0 ? HASH69 : this.#genesisHashBytes
    );
    this.#blockSlots = [
      slot(k.number, (b) => uintLE(BigInt(b.number), 4)),
      slot(k.parentHash, (b) =>
        b.number === 0 ? HASH69 : (parseHex(b.parentHash, 32) as Uint8Array)
      ),
      slot(k.events, (b) => parseHex(b.eventsHex) as Uint8Array),
      slot(k.eventCount, (b) => uintLE(BigInt(b.eventCount), 4)),
      slot(k.digest, (b) => b.digestBytes),
      slot(k.now, (b) => uintLE(BigInt(b.timestamp), 8)),
    ];
    this.#setSlots = [
      ...(k.grandpaSetId === null ? [] : [slot(k.grandpaSetId, (b) => b.grandpa.setIdValue)]),
      ...(k.grandpaAuthoritiesItem === null
        ? []
        : [slot(k.grandpaAuthoritiesItem, (b) => b.grandpa.listValue)]),
      slot(k.grandpaAuthorities, (b) => b.grandpa.wellKnownValue),
    ];

    const genesis = this.#buildGenesis(
      genesisRuntime,
      options.genesisTimestamp,
      storedSet(0n, options.grandpa?.authorities ?? defaultGrandpaAuthorities(this.chainName), 0)
    );
    this.genesisHash = genesis.hash;
    this.#genesisHashBytes = parseHex(genesis.hash, 32) as Uint8Array;
    for (const rt of this.#runtimes) rt.bindGenesis(genesis.hash);
    this.#best = genesis;
    this.#finalized = genesis;
    this.#canonical.push(genesis.hash);
  }

  /** The genesis runtime and the upgrades, checked (distinct spec versions, same state layout). */
  #buildRuntimes(options: ChainOptions): RuntimeModel[] {
    const upgrades = options.upgrades ?? [];
    if (!Array.isArray(upgrades)) throw new TypeError('Chain: upgrades must be an array');
    const all = [
      new RuntimeModel(options.metadata, options.runtimeVersion),
      ...upgrades.map((u: RuntimeUpgrade) => new RuntimeModel(u.metadata, u.runtimeVersion)),
    ];
    const genesis = all[0] as RuntimeModel;
    const keys = JSON.stringify(genesis.storageKeys);
    for (const rt of all) {
      const v = rt.runtimeVersion.specVersion;
      if (this.#bySpecVersion.has(v)) {
        throw new RangeError(`Chain: two runtimes have spec version ${v}`);
      }
      this.#bySpecVersion.set(v, rt);
      if (rt.stateVersion !== genesis.stateVersion || rt.trieV1 !== genesis.trieV1) {
        throw new RangeError(`Chain: runtime ${v} has another stateVersion than the genesis one`);
      }
      if (JSON.stringify(rt.storageKeys) !== keys) {
        throw new RangeError(`Chain: runtime ${v} does not declare the storage the state holds`);
      }
    }
    return all;
  }

  /** Stores genesis: no extrinsics, empty events; its state commits to the chain's identity. */
  #buildGenesis(rt: RuntimeModel, timestamp: number, grandpa: StoredSet): StoredBlock {
    const eventsBytes = rt.encodeEvents([], 0);
    const view: StateView = {
      number: 0,
      parentHash: toHex(ZERO_HASH),
      eventsHex: toHex(eventsBytes),
      eventCount: 0,
      timestamp,
      digestBytes: EMPTY_DIGEST,
      grandpa,
      code: rt,
      executedBy: rt,
      storage: undefined,
    };
    const trie = TrieBuilder.fromEntries(this.#entries(view), this.stateVersion);
    const genesis = this.#store({
      number: 0,
      parent: ZERO_HASH,
      stateRoot: trie.root(),
      extrinsics: [],
      eventsBytes,
      eventCount: 0,
      timestamp,
      nonces: new Map(),
      noncesComplete: true,
      digest: encodeDigest([]),
      grandpa,
      code: rt,
      executedBy: rt,
      storage: undefined,
    });
    this.#work = { hash: genesis.hash, trie };
    return genesis;
  }

  /** subsquid's `Runtime` of the best block's state (see {@link runtimeAt}). */
  get runtime(): Runtime {
    return this.#best.code.runtime;
  }

  /** The runtime version of the best block's state, as `state_getRuntimeVersion` answers it. */
  get runtimeVersion(): RuntimeVersion {
    return this.#best.code.runtimeVersion;
  }

  /** The metadata of the best block's state as `0x` hex, as `state_getMetadata` returns it. */
  get metadataHex(): string {
    return this.#best.code.metadataHex;
  }

  /** Every runtime the chain may run: the genesis one first, then the upgrades. */
  get runtimes(): readonly ChainRuntime[] {
    return this.#runtimes;
  }

  /**
   * The runtime the state of block `hash` holds (`:code`): what `state_getRuntimeVersion` and
   * `state_getMetadata` answer at `hash`, and the runtime that executes its children. An upgrade
   * block already holds the new one. Undefined when the block is unknown.
   */
  runtimeAt(hash: string): ChainRuntime | undefined {
    return (this.blockByHash(hash) as StoredBlock | undefined)?.code;
  }

  /**
   * The runtime that executed block `hash` (that of its parent's state; genesis: the genesis
   * runtime): its metadata encodes the block's extrinsics and events. Undefined when unknown.
   */
  executedBy(hash: string): ChainRuntime | undefined {
    return (this.blockByHash(hash) as StoredBlock | undefined)?.executedBy;
  }

  /** {@link runtimeAt}'s metadata as `0x` hex. */
  metadataHexAt(hash: string): string | undefined {
    return this.runtimeAt(hash)?.metadataHex;
  }

  /** {@link runtimeAt}'s runtime version. */
  runtimeVersionAt(hash: string): RuntimeVersion | undefined {
    return this.runtimeAt(hash)?.runtimeVersion;
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

  /** The key of `System.BlockHash(n)` (0x hex): the item's prefix ‖ twox64(n) ‖ n (u32 LE). */
  blockHashKey(n: number): string {
    if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) {
      throw new RangeError('Chain.blockHashKey: n must be a u32');
    }
    return blockHashKeyOf(this.#blockHashPrefix, n);
  }

  /**
   * A {@link BlockSpec.storage} write of storage item `item` (`Pallet.Item`, e.g.
   * `DdcClusters.ClustersGovParams`) at map key(s) `keys` (one per hasher of the item, none for a
   * plain item, in subsquid's JSON form: an H160 `ClusterId` as `0x` hex), with `value` in
   * subsquid's JSON form (camelCase fields, bigints for u64/u128) or null to delete it, encoded
   * with the runtime in the state of block `parent` (default: the best block): the runtime that
   * executes a block built on `parent`. See {@link encodeStorageWrite}.
   */
  storageEntry(
    item: string,
    keys: readonly unknown[],
    value: unknown,
    parent?: string
  ): StorageWrite {
    const rt = this.runtimeAt(parent ?? this.#best.hash);
    if (rt === undefined) throw new Error(`Chain.storageEntry: unknown block ${String(parent)}`);
    return encodeStorageWrite(rt.runtime, item, keys, value);
  }

  /**
   * Storage value (hex) of `key` (0x hex) in the state of block `hash`: null when the state has no
   * such key, undefined when the block is unknown.
   */
  storageAt(hash: string, key: string): string | null | undefined {
    const b = this.blockByHash(hash) as StoredBlock | undefined;
    if (b === undefined || typeof key !== 'string') return undefined;
    const k = key.toLowerCase();
    if (k === this.storageKeys.events) return b.eventsHex;
    const v = this.#valueAt(b, k);
    return v === undefined ? null : toHex(v);
  }

  /**
   * The trie nodes (0x hex) proving the values of `keys` (present or absent) in the state of block
   * `hash`, as `state_getReadProof` returns them; undefined when the block is unknown. Each value
   * verifies with `readStorageProof(stateRoot, proof, key)` (verifier/trie.ts) against the block's
   * header.
   */
  readProof(hash: string, keys: readonly (Uint8Array | string)[]): string[] | undefined {
    const b = this.blockByHash(hash) as StoredBlock | undefined;
    if (b === undefined) return undefined;
    const bytes = keys.map((k) => {
      const x = typeof k === 'string' ? parseHex(k) : k;
      if (!(x instanceof Uint8Array)) throw new RangeError('Chain.readProof: a key is not hex');
      return x;
    });
    return this.#trieOf(b).proof(bytes).map(toHex);
  }

  /**
   * Keys (0x hex, in byte order) of the state of block `hash` that start with `prefix` and come
   * strictly after `startKey`, at most `count` of them (`state_getKeysPaged`); undefined when the
   * block is unknown.
   */
  keysPaged(
    hash: string,
    prefix: string | Uint8Array,
    count: number,
    startKey?: string | Uint8Array
  ): string[] | undefined {
    const b = this.blockByHash(hash) as StoredBlock | undefined;
    if (b === undefined) return undefined;
    const p = (typeof prefix === 'string' ? prefix : toHex(prefix)).toLowerCase();
    const after =
      startKey === undefined
        ? undefined
        : (typeof startKey === 'string' ? startKey : toHex(startKey)).toLowerCase();
    const out: string[] = [];
    for (const k of this.#keysOf(b)) {
      if (out.length >= count) break;
      if (k.startsWith(p) && (after === undefined || k > after)) out.push(k);
    }
    return out;
  }

  /**
   * The GRANDPA authority set in the state of block `hash` (after the block: a set-change block
   * holds the next set); undefined when the block is unknown.
   */
  grandpaSetAt(hash: string): GrandpaSet | undefined {
    const b = this.blockByHash(hash) as StoredBlock | undefined;
    if (b === undefined) return undefined;
    return {
      setId: b.grandpa.setId,
      authorities: b.grandpa.signers.map((s) => s.publicKey.slice()),
    };
  }

  /**
   * The set that finalizes block `hash` (that of its parent's state; a set-change block is
   * finalized by the set before the change). Undefined for genesis or an unknown block.
   */
  finalizingSetOf(hash: string): GrandpaSet | undefined {
    const b = this.blockByHash(hash);
    return b === undefined || b.number === 0 ? undefined : this.grandpaSetAt(b.parentHash);
  }

  /**
   * The encoded GRANDPA justification (`GrandpaJustification`, verifier/grandpa.ts) the chain keeps
   * for block `hash`, or undefined when it keeps none (see the module comment).
   */
  justificationOf(hash: string): Uint8Array | undefined {
    const h = typeof hash === 'string' ? hash.toLowerCase() : '';
    const j = this.#justified.get(h);
    if (j === undefined) return undefined;
    if (j.bytes === undefined) {
      const b = this.#blocks.get(h) as StoredBlock;
      const set = (this.#blocks.get(b.parentHash) as StoredBlock).grandpa;
      j.bytes = makeGrandpaJustification({
        round: BigInt(b.number - set.since),
        setId: set.setId,
        target: { hash: parseHex(b.hash, 32) as Uint8Array, number: b.number },
        signers: set.signers,
      });
    }
    return j.bytes.slice();
  }

  /** The SCALE-encoded header of block `hash` (its blake2b-256 is the hash); undefined if unknown. */
  encodedHeader(hash: string): Uint8Array | undefined {
    const b = this.blockByHash(hash) as StoredBlock | undefined;
    return b === undefined ? undefined : headerBytesOf(b);
  }

  /**
   * `grandpa_proveFinality(number)`: SCALE `FinalityProof { block, justification, unknown_headers }`
   * (polkadot-sdk `substrate/client/consensus/grandpa/src/finality_proof.rs` at commit
   * 17989ecdb69519d1ae3ff09a5da11208e38bda52) for the first canonical block at or above `number`
   * that has a justification (see the module comment: a period block, a set-change block or the
   * finalized head), with `unknown_headers` the encoded headers of the blocks after `number` up to
   * and including it, as there. That block is always finalized by the set that finalizes block
   * `number` (a set-change block, the last of its set, is always justified). A node answers with
   * the justification of the last block of that set, or its latest justification when the set is
   * the current one; the devnet answers with the nearest one to keep proofs short. Null when block
   * `number` is not finalized (a node answers an error) or no justification covers it.
   */
  proveFinality(number: number): Uint8Array | null {
    const fin = this.#finalized.number;
    if (!Number.isSafeInteger(number) || number < 0 || number > fin) return null;
    let f = number;
    while (f < fin && !this.#justified.has(this.#canonical[f] as string)) f++;
    const target = this.#blocks.get(this.#canonical[f] as string) as StoredBlock;
    const justification = this.justificationOf(target.hash);
    if (justification === undefined) return null;
    const headers: Uint8Array[] = [];
    for (let n = number + 1; n <= f; n++) {
      headers.push(headerBytesOf(this.#blocks.get(this.#canonical[n] as string) as StoredBlock));
    }
    return concatBytes(
      parseHex(target.hash, 32) as Uint8Array,
      compactU(justification.length),
      justification,
      compactU(headers.length),
      ...headers
    );
  }

  /** The header as the JSON text `chain_getHeader` returns (cached). */
  headerJsonText(block: BuiltBlock): string {
    const b = this.#blocks.get(block.hash);
    if (b === undefined) return JSON.stringify(block.header);
    b.headerText ??= JSON.stringify(b.header);
    return b.headerText;
  }

  /**
   * `{ block: { header, extrinsics }, justifications }` as JSON text (cached): `justifications` is
   * null or, as a node's serde writes `Option<Justifications>`, `[[[70,82,78,75],[…bytes]]]`
   * (engine id `FRNK` and the encoded justification, as arrays of numbers).
   */
  signedBlockJsonText(block: BuiltBlock): string {
    const b = this.#blocks.get(block.hash);
    const body = (): string =>
      `{"block":{"header":${this.headerJsonText(block)},"extrinsics":${JSON.stringify(block.extrinsics)}}`;
    if (b === undefined) return `${body()},"justifications":null}`;
    b.blockText ??= body();
    return `${b.blockText},"justifications":${this.#justificationsJson(b.hash)}}`;
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
   * finalized head. The runtime in the parent's state executes it; with `spec.setCode` it upgrades
   * the runtime (see the module comment). Throws on an unknown parent, a spec the runtime cannot
   * encode, or a `setCode` that `can_set_code` would refuse.
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
    const rt = p.code;
    const next = spec.setCode === undefined ? rt : this.#upgradeTarget(rt, spec.setCode, number);
    const { extrinsics, records, nonces } = this.#apply(rt, p, spec, next === rt ? null : next);
    const eventsBytes = rt.encodeEvents(records, number);
    // GRANDPA: a change is signalled in the digest and enacted in this block's state.
    let grandpa = p.grandpa;
    const digest: DigestItem[] = [];
    if (spec.grandpaChange !== undefined) {
      grandpa = storedSet(p.grandpa.setId + 1n, spec.grandpaChange.next, number);
      digest.push(
        grandpaDigestItem({
          type: 'ScheduledChange',
          authorities: grandpa.signers.map((s) => ({ id: s.publicKey, weight: 1n })),
          delay: 0,
        })
      );
    }
    const encodedDigest = encodeDigest(digest);
    const writes = this.#storageWrites(spec.storage, number);
    const storage = writes === null ? p.storage : this.#storageLayer(p.storage, writes);
    const view: StateView = {
      number,
      parentHash: p.hash,
      eventsHex: '', // not read: System.Events is set from the bytes at hand
      eventCount: records.length,
      timestamp: ts,
      digestBytes: encodedDigest.bytes,
      grandpa,
      code: next,
      executedBy: rt,
      storage,
    };
    const trie = this.#childState(p, view, eventsBytes, writes);
    const block = this.#store({
      number,
      parent: parseHex(p.hash, 32) as Uint8Array,
      stateRoot: trie.root(),
      extrinsics,
      eventsBytes,
      eventCount: records.length,
      timestamp: ts,
      ...(number % NONCE_SNAPSHOT === 0
        ? { nonces: this.#nonceSnapshot(p, nonces), noncesComplete: true }
        : { nonces, noncesComplete: false }),
      digest: encodedDigest,
      grandpa,
      code: next,
      executedBy: rt,
      storage,
    });
    this.#work = { hash: block.hash, trie };
    return block;
  }

  /**
   * The runtime a `setCode` upgrades `current` to, refused as frame_system's `can_set_code` does:
   * an unknown runtime, another spec name (`InvalidSpecName`), a spec version not above the current
   * one (`SpecVersionNeedsToIncrease`).
   */
  #upgradeTarget(current: RuntimeModel, specVersion: number, number: number): RuntimeModel {
    const where = `Chain.build: block ${number}: setCode ${String(specVersion)}`;
    const next = this.#bySpecVersion.get(specVersion);
    if (next === undefined) {
      throw new RangeError(`${where}: no runtime of that spec version in ChainOptions.upgrades`);
    }
    const [from, to] = [current.runtimeVersion, next.runtimeVersion];
    if (to.specName !== from.specName) {
      throw new RangeError(`${where}: spec name ${to.specName} is not ${from.specName}`);
    }
    if (to.specVersion <= from.specVersion) {
      throw new RangeError(
        `${where}: the spec version must increase (current ${from.specVersion})`
      );
    }
    return next;
  }

  /**
   * The block's extrinsics and event records, encoded by `rt`: `Timestamp.set`, the spec's
   * extrinsics, then `Sudo.sudo(System.set_code)` when the block upgrades to `upgrade`.
   */
  #apply(
    rt: RuntimeModel,
    p: StoredBlock,
    spec: BlockSpec,
    upgrade: RuntimeModel | null
  ): { extrinsics: Uint8Array[]; records: unknown[]; nonces: Map<string, number> } {
    const number = p.number + 1;
    const extrinsics: Uint8Array[] = [rt.timestampExtrinsic(spec.timestamp)];
    const records: unknown[] = (spec.initEvents ?? []).map((e) => rt.eventRecord(e, null));
    records.push(successRecord(0, TIMESTAMP_INFO));
    const nonces = new Map<string, number>();
    const push = (x: ExtrinsicSpec, info: unknown): void => {
      const index = extrinsics.length;
      let nonce = 0;
      let key = '';
      if (x.signer !== undefined) {
        key = toHex(x.signer.publicKey);
        nonce = nonces.get(key) ?? this.#nonceAt(p, key);
      }
      extrinsics.push(rt.encodeExtrinsic(x, nonce, number, index));
      if (x.signer !== undefined) nonces.set(key, nonce + 1);
      for (const e of x.events) records.push(rt.eventRecord(e, index));
      records.push(
        x.failed === true ? rt.failedRecord(index, x.call.pallet) : successRecord(index, info)
      );
    };
    for (const x of spec.extrinsics) push(x, NORMAL_INFO);
    if (upgrade !== null) push(this.#setCodeExtrinsic(upgrade), SET_CODE_INFO);
    return { extrinsics, records, nonces };
  }

  /** `Sudo.sudo { call: System.set_code { code } }` from the sudo key, and its events. */
  #setCodeExtrinsic(to: RuntimeModel): ExtrinsicSpec {
    return {
      call: {
        pallet: 'Sudo',
        name: 'sudo',
        args: { call: { __kind: 'System', value: { __kind: 'set_code', code: to.codeHex } } },
      },
      signer: this.#sudo,
      events: [
        { pallet: 'System', name: 'CodeUpdated', args: {} },
        { pallet: 'Sudo', name: 'Sudid', args: { sudoResult: { __kind: 'Ok' } } },
      ],
    };
  }

  /** The state of `view`'s block: its parent's, with the entries the block changes. */
  #childState(
    p: StoredBlock,
    view: StateView,
    eventsBytes: Uint8Array,
    writes: ReadonlyMap<string, Uint8Array | null> | null
  ): TrieBuilder {
    // The parent's trie is usually the working one (O(changed entries)); else it is rebuilt.
    const work = this.#work;
    this.#work = undefined;
    const trie =
      work?.hash === p.hash
        ? work.trie
        : TrieBuilder.fromEntries(this.#entries(p), this.stateVersion);
    for (const slot of this.#blockSlots) {
      trie.set(slot.key, slot.hex === this.storageKeys.events ? eventsBytes : slot.get(view));
    }
    const number = view.number;
    const parentHash = parseHex(p.hash, 32) as Uint8Array;
    if (number === 1) trie.set(this.#blockHash0.key, this.#blockHash0.get(view));
    else trie.set(parseHex(this.blockHashKey(number - 1)) as Uint8Array, parentHash);
    // frame-system keeps BlockHash(0); the devnet keeps the parent's only among the others.
    if (number >= 3) trie.delete(parseHex(this.blockHashKey(number - 2)) as Uint8Array);
    if (view.grandpa !== p.grandpa) {
      for (const slot of this.#setSlots) trie.set(slot.key, slot.get(view));
    }
    if (view.code !== p.code) trie.set(this.#codeSlot.key, this.#codeSlot.get(view));
    if (view.executedBy !== p.executedBy) {
      trie.set(this.#lastUpgradeSlot.key, this.#lastUpgradeSlot.get(view));
    }
    if (writes !== null) {
      for (const [k, v] of writes) {
        const key = parseHex(k) as Uint8Array;
        if (v === null) trie.delete(key);
        else trie.set(key, v);
      }
    }
    return trie;
  }

  /**
   * A block's {@link BlockSpec.storage} as key hex → value (null: delete), the last write of a key
   * winning; null when it writes nothing. Refuses malformed hex and the keys the chain computes.
   */
  #storageWrites(
    list: readonly StorageWrite[] | undefined,
    number: number
  ): Map<string, Uint8Array | null> | null {
    if (list === undefined) return null;
    if (!Array.isArray(list))
      throw new TypeError(`Chain.build: block ${number}: storage is not an array`);
    if (list.length === 0) return null;
    const out = new Map<string, Uint8Array | null>();
    for (const [i, w] of list.entries()) {
      const where = `Chain.build: block ${number}: storage[${i}]`;
      const key = typeof w?.key === 'string' ? parseHex(w.key) : undefined;
      if (!(key instanceof Uint8Array) || key.length === 0) {
        throw new RangeError(`${where}: the key must be non-empty 0x hex`);
      }
      const k = toHex(key);
      if (this.#slots.has(k) || k.startsWith(this.#blockHashPrefix)) {
        throw new RangeError(`${where}: ${k} is an entry the chain computes itself`);
      }
      if (w.value === null) {
        out.set(k, null);
        continue;
      }
      const value = typeof w.value === 'string' ? parseHex(w.value) : undefined;
      if (!(value instanceof Uint8Array)) {
        throw new RangeError(`${where}: the value must be 0x hex or null`);
      }
      out.set(k, value);
    }
    return out;
  }

  /** A layer of `writes` over `parent` (complete every STORAGE_SNAPSHOT-th layer). */
  #storageLayer(
    parent: StorageLayer | undefined,
    writes: ReadonlyMap<string, Uint8Array | null>
  ): StorageLayer {
    const depth = parent === undefined ? 0 : parent.depth + 1;
    if (depth < STORAGE_SNAPSHOT) return { writes, parent, complete: parent === undefined, depth };
    const all = new Map(this.#storageMap(parent));
    for (const [k, v] of writes) {
      if (v === null) all.delete(k);
      else all.set(k, v);
    }
    return { writes: all, parent: undefined, complete: true, depth: 0 };
  }

  /** The value of written key `key` (lowercase hex) under `layer`, undefined when absent. */
  #storageValue(layer: StorageLayer | undefined, key: string): Uint8Array | undefined {
    for (let l = layer; l !== undefined; l = l.parent) {
      const v = l.writes.get(key);
      if (v !== undefined) return v ?? undefined;
      if (l.complete) return undefined;
    }
    return undefined;
  }

  /** Every written key present under `layer`, with its value (cached for the last layer asked). */
  #storageMap(layer: StorageLayer | undefined): ReadonlyMap<string, Uint8Array> {
    if (layer === undefined) return new Map();
    if (this.#storageCache?.layer === layer) return this.#storageCache.all;
    const stack: StorageLayer[] = [];
    for (let l: StorageLayer | undefined = layer; l !== undefined; l = l.parent) {
      stack.push(l);
      if (l.complete) break;
    }
    const all = new Map<string, Uint8Array>();
    for (let i = stack.length - 1; i >= 0; i--) {
      for (const [k, v] of (stack[i] as StorageLayer).writes) {
        if (v === null) all.delete(k);
        else all.set(k, v);
      }
    }
    this.#storageCache = { layer, all };
    return all;
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
    // Justifications: the new head, and every set-change and period block passed over.
    for (let n = this.#finalized.number + 1; n <= b.number; n++) {
      const x = this.#blocks.get(this.#canonical[n] as string) as StoredBlock;
      if (n === b.number || x.setChange || n % GRANDPA_JUSTIFICATION_PERIOD === 0) {
        if (!this.#justified.has(x.hash)) this.#justified.set(x.hash, {});
      }
    }
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
    digest: EncodedDigest;
    grandpa: StoredSet;
    code: RuntimeModel;
    executedBy: RuntimeModel;
    storage: StorageLayer | undefined;
  }): StoredBlock {
    const extrinsicsRoot = orderedTrieRoot(x.extrinsics, x.executedBy.trieV1);
    const headerBytes = encodeHeader({
      parentHash: x.parent,
      number: x.number,
      stateRoot: x.stateRoot,
      extrinsicsRoot,
      digest: x.digest.items,
    });
    const hash = toHex(blake2b256(headerBytes));
    const existing = this.#blocks.get(hash);
    if (existing !== undefined) return existing;
    const parentHash = toHex(x.parent);
    const header: HeaderJson = Object.freeze({
      parentHash,
      number: '0x' + x.number.toString(16),
      stateRoot: toHex(x.stateRoot),
      extrinsicsRoot: toHex(extrinsicsRoot),
      // As a node's RPC: each log is the SCALE-encoded DigestItem as hex.
      digest: Object.freeze({ logs: Object.freeze(x.digest.logs.map(toHex)) }),
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
      setChange: x.digest.items.length > 0,
      digestBytes: x.digest.bytes,
      grandpa: x.grandpa,
      nonces: x.nonces,
      noncesComplete: x.noncesComplete,
      code: x.code,
      executedBy: x.executedBy,
      storage: x.storage,
    };
    this.#blocks.set(hash, block);
    if (x.number > 0) this.#emit('imported', block);
    return block;
  }

  /** Every entry of the state of `v` (a stored block or genesis), keys and values as bytes. */
  #entries(v: StateView): Array<[Uint8Array, Uint8Array]> {
    const out: Array<[Uint8Array, Uint8Array]> = [];
    for (const slot of this.#slots.values()) out.push([slot.key, slot.get(v)]);
    if (v.number >= 2) {
      out.push([
        parseHex(this.blockHashKey(v.number - 1)) as Uint8Array,
        parseHex(v.parentHash, 32) as Uint8Array,
      ]);
    }
    for (const [k, value] of this.#storageMap(v.storage)) {
      out.push([parseHex(k) as Uint8Array, value]);
    }
    return out;
  }

  /** The value of `key` (lowercase 0x hex) in the state of `b`, undefined when absent. */
  #valueAt(b: StoredBlock, key: string): Uint8Array | undefined {
    const slot = this.#slots.get(key);
    if (slot !== undefined) return slot.get(b);
    if (b.number >= 2 && key === this.blockHashKey(b.number - 1)) {
      return parseHex(b.parentHash, 32) as Uint8Array;
    }
    return this.#storageValue(b.storage, key);
  }

  /** The keys of the state of `b`, sorted (lowercase hex sorts as the bytes do). */
  #keysOf(b: StoredBlock): string[] {
    const keys = [...this.#slots.keys()];
    if (b.number >= 2) keys.push(this.blockHashKey(b.number - 1));
    for (const k of this.#storageMap(b.storage).keys()) keys.push(k);
    return keys.sort();
  }

  /** The state trie of `b` (the working trie, the last one proven, or built anew). */
  #trieOf(b: StoredBlock): TrieBuilder {
    if (this.#work?.hash === b.hash) return this.#work.trie;
    if (this.#proofTrie?.hash !== b.hash) {
      this.#proofTrie = {
        hash: b.hash,
        trie: TrieBuilder.fromEntries(this.#entries(b), this.stateVersion),
      };
    }
    return this.#proofTrie.trie;
  }

  /** The RPC JSON of a block's `justifications` (cached). */
  #justificationsJson(hash: string): string {
    const j = this.#justified.get(hash);
    if (j === undefined) return 'null';
    if (j.json === undefined) {
      const bytes = this.justificationOf(hash) as Uint8Array;
      j.json = `[[[${FRNK.join(',')}],[${bytes.join(',')}]]]`;
    }
    return j.json;
  }
}

/**
 * One runtime the chain runs, built once from its metadata: subsquid's `Runtime`, its state
 * values (`:code`, `System.LastRuntimeUpgrade`), and what encoding the blocks it executes needs
 * (event shapes, pallet indices, the module error shape, the signature type and signed-extension
 * plans, for the chain's genesis hash once it is known: {@link RuntimeModel.bindGenesis}).
 */
class RuntimeModel implements ChainRuntime {
  readonly runtime: Runtime;
  readonly runtimeVersion: RuntimeVersion;
  readonly metadataHex: string;
  readonly codeHex: string;
  /** `:code`: `proofroom-devnet-runtime:<specName>:<specVersion>` ‖ blake2b-256(metadata). */
  readonly code: Uint8Array;
  /** `LastRuntimeUpgradeInfo { spec_version: Compact<u32>, spec_name: String }` of this runtime. */
  readonly lastUpgrade: Uint8Array;
  readonly storageKeys: StateKeys;
  /** `twox128("System") ‖ twox128("BlockHash")` as 0x hex. */
  readonly blockHashPrefix: string;
  /** The state's trie layout, and whether the extrinsics root is LayoutV1 (`stateVersion` ≥ 2). */
  readonly stateVersion: StateVersion;
  readonly trieV1: boolean;

  readonly #events = new Map<string, EventShape>();
  readonly #palletIndex = new Map<string, number>();
  readonly #moduleErrorCode: unknown;
  readonly #signatureType: number;
  readonly #signedExtensionsType: number;
  #signedExtensions: readonly SignedExtensionPlan[] | undefined;

  constructor(metadata: Uint8Array, version: RuntimeVersion) {
    const v = structuredClone(version);
    v.apis.forEach((a) => Object.freeze(a));
    Object.freeze(v.apis);
    this.runtimeVersion = Object.freeze(v);
    if (!(metadata instanceof Uint8Array)) throw new TypeError('Chain: metadata must be bytes');
    this.runtime = new Runtime(
      {
        specName: v.specName,
        specVersion: v.specVersion,
        implName: v.implName,
        implVersion: v.implVersion,
      },
      metadata
    );
    if (this.runtime.metadata.__kind !== 'V14') {
      throw new Error(`Chain: metadata ${this.runtime.metadata.__kind} is not supported, use v14`);
    }
    this.metadataHex = toHex(metadata);
    this.trieV1 = v.stateVersion >= 2;
    this.stateVersion = v.stateVersion >= 1 ? 1 : 0;
    const specName = utf8(v.specName);
    this.lastUpgrade = concatBytes(compactU(v.specVersion), compactU(specName.length), specName);
    this.code = concatBytes(
      utf8(`proofroom-devnet-runtime:${v.specName}:${v.specVersion}`),
      blake2b256(metadata)
    );
    this.codeHex = toHex(this.code);

    for (const p of this.runtime.metadata.value.pallets) this.#palletIndex.set(p.name, p.index);
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
    this.storageKeys = this.#stateKeys();
    // System.BlockHash is a Twox64Concat map of u32 (frame-system); subsquid's key encoder is slow
    // (BigInt-free 64-bit emulation), so the chain derives the keys and checks it agrees.
    this.blockHashPrefix = this.#must('System.BlockHash').slice(0, 2 + 64);
    for (const n of [0, 1, 0x12345678]) {
      if (
        blockHashKeyOf(this.blockHashPrefix, n) !==
        this.runtime.encodeStorageKey('System.BlockHash', n)
      ) {
        throw new Error('Chain: System.BlockHash is not a Twox64Concat map of u32');
      }
    }
  }

  /** The key (0x hex) of storage item `name` (`Pallet.Item`), null when the metadata has none. */
  item(name: string): string | null {
    return this.runtime.hasStorageItem(name) ? this.runtime.encodeStorageKey(name) : null;
  }

  #must(name: string): string {
    const k = this.item(name);
    if (k === null) throw new Error(`Chain: the metadata has no storage item ${name}`);
    return k;
  }

  #stateKeys(): StateKeys {
    return Object.freeze({
      events: this.#must('System.Events'),
      number: this.#must('System.Number'),
      now: this.#must('Timestamp.Now'),
      parentHash: this.#must('System.ParentHash'),
      eventCount: this.#must('System.EventCount'),
      digest: this.#must('System.Digest'),
      lastRuntimeUpgrade: this.#must('System.LastRuntimeUpgrade'),
      code: WELL_KNOWN_KEYS.code,
      chainName: WELL_KNOWN_KEYS.chainName,
      grandpaAuthorities: WELL_KNOWN_KEYS.grandpaAuthorities,
      grandpaSetId: this.item('Grandpa.CurrentSetId'),
      grandpaAuthoritiesItem: this.item('Grandpa.Authorities'),
    });
  }

  /** Plans the signed extensions for the chain's genesis hash (`CheckGenesis`, immortal era). */
  bindGenesis(genesisHash: string): void {
    this.#signedExtensions = this.#planSignedExtensions(genesisHash);
  }

  /** The bare `Timestamp.set(now)` extrinsic, extrinsic 0 of every block. */
  timestampExtrinsic(now: number): Uint8Array {
    return this.runtime.encodeExtrinsic({ version: 4, call: timestampCall(now) });
  }

  /** SCALE `Vec<EventRecord>` of subsquid-form records (a clear error for one that does not fit). */
  encodeEvents(records: unknown[], number: number): Uint8Array {
    const d = this.runtime.description;
    try {
      return this.runtime.scaleCodec.encodeToBinary(d.eventRecordList, records);
    } catch (err) {
      for (const [k, r] of records.entries()) {
        const why = mismatch(d.types, d.eventRecord, r, `event record ${k}`);
        if (why !== undefined)
          throw new Error(`Chain.build: block ${number}: ${why}`, { cause: err });
      }
      throw new Error(`Chain.build: block ${number}: cannot encode events: ${message(err)}`, {
        cause: err,
      });
    }
  }

  /** A v4 extrinsic (with its length prefix): bare, or signed by `x.signer` with `nonce`. */
  encodeExtrinsic(x: ExtrinsicSpec, nonce: number, block: number, index: number): Uint8Array {
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
    const plans = this.#signedExtensions;
    if (plans === undefined) throw new Error('the runtime is not bound to a genesis hash');
    const extensions: Record<string, unknown> = {};
    for (const e of plans) {
      if (e.extra !== undefined) extensions[camelCase(e.identifier)] = e.extra(nonce);
    }
    const codec = this.runtime.scaleCodec;
    const extra = codec.encodeToBinary(this.#signedExtensionsType, extensions);
    let payload = concatBytes(call, extra, ...plans.map((e) => e.additionalSigned));
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
  #planSignedExtensions(genesis: string): SignedExtensionPlan[] {
    if (this.runtime.metadata.__kind !== 'V14') return [];
    const types = this.runtime.description.types;
    const codec = this.runtime.scaleCodec;
    const v = this.runtimeVersion;
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

  /** An `EventRecord` (subsquid form) of event `e` in phase ApplyExtrinsic(index) or Initialization. */
  eventRecord(e: EventSpec, index: number | null): unknown {
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

  /** `System.ExtrinsicFailed` of extrinsic `index` (a module error of `pallet`, error index 0). */
  failedRecord(index: number, pallet: string): unknown {
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
/** `System.set_code` is `Operational`; a successful `Sudo.sudo` pays no fee. */
const SET_CODE_INFO = {
  weight: SET_CODE_WEIGHT,
  class: { __kind: 'Operational' },
  paysFee: { __kind: 'No' },
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
 * A {@link BlockSpec.storage} write encoded with `runtime` (subsquid's `Runtime` of the metadata
 * that executes the block: `Chain.runtimeAt(parent).runtime`, or one built from the metadata):
 * the key of storage item `item` (`Pallet.Item`) at the full map key `keys` (one value per key of
 * the item, none for a plain item; `runtime.encodeStorageKey`), and `value` (subsquid's JSON
 * form) SCALE-encoded with the item's value type, or null (delete). Throws when the runtime has
 * no such item, the keys are not the item's, or the value does not fit its type.
 */
export function encodeStorageWrite(
  runtime: Runtime,
  item: string,
  keys: readonly unknown[],
  value: unknown
): StorageWrite {
  const dot = item.indexOf('.');
  const entry =
    dot > 0 && runtime.hasStorageItem(item)
      ? runtime.description.storage[item.slice(0, dot)]?.items[item.slice(dot + 1)]
      : undefined;
  if (entry === undefined)
    throw new Error(`encodeStorageWrite: the runtime has no storage ${item}`);
  if (!Array.isArray(keys) || keys.length !== entry.keys.length) {
    throw new RangeError(`encodeStorageWrite: ${item} takes ${entry.keys.length} key(s)`);
  }
  const key = runtime.encodeStorageKey(item, ...keys);
  if (value === null) return { key, value: null };
  let bytes: Uint8Array;
  try {
    bytes = runtime.scaleCodec.encodeToBinary(entry.value, value);
  } catch (err) {
    const why = mismatch(runtime.description.types, entry.value, value, '');
    throw new Error(`encodeStorageWrite: ${item}: ${why ?? message(err)}`, { cause: err });
  }
  return { key, value: toHex(bytes) };
}

/** The key of `System.BlockHash(n)`: the item's prefix ‖ twox64(n) ‖ n (u32 LE), as 0x hex. */
function blockHashKeyOf(prefix: string, n: number): string {
  const le = uintLE(BigInt(n), 4);
  return prefix + toHex(concatBytes(twox64(le), le)).slice(2);
}

const U64_MASK = (1n << 64n) - 1n;
const XXH_PRIME1 = 0x9e3779b185ebca87n;
const XXH_PRIME2 = 0xc2b2ae3d27d4eb4fn;
const XXH_PRIME3 = 0x165667b19e3779f9n;
const XXH_PRIME4 = 0x85ebca77c2b2ae63n;
const XXH_PRIME5 = 0x27d4eb2f165667c5n;

function rotl64(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & U64_MASK;
}

/**
 * Substrate's `twox_64`: XXH64 with seed 0, little-endian, of an input shorter than 32 bytes (the
 * short-input path of the xxHash specification: 8-byte lanes, then a 4-byte lane, then bytes,
 * then the avalanche).
 */
function twox64(input: Uint8Array): Uint8Array {
  if (input.length >= 32) throw new RangeError('twox64: only inputs shorter than 32 bytes');
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  let h = (XXH_PRIME5 + BigInt(input.length)) & U64_MASK;
  let i = 0;
  for (; i + 8 <= input.length; i += 8) {
    const k =
      (rotl64((view.getBigUint64(i, true) * XXH_PRIME2) & U64_MASK, 31n) * XXH_PRIME1) & U64_MASK;
    h = (rotl64(h ^ k, 27n) * XXH_PRIME1 + XXH_PRIME4) & U64_MASK;
  }
  if (i + 4 <= input.length) {
    h ^= (BigInt(view.getUint32(i, true)) * XXH_PRIME1) & U64_MASK;
    h = (rotl64(h, 23n) * XXH_PRIME2 + XXH_PRIME3) & U64_MASK;
    i += 4;
  }
  for (; i < input.length; i++) {
    h ^= (BigInt(input[i] as number) * XXH_PRIME5) & U64_MASK;
    h = (rotl64(h, 11n) * XXH_PRIME1) & U64_MASK;
  }
  h ^= h >> 33n;
  h = (h * XXH_PRIME2) & U64_MASK;
  h ^= h >> 29n;
  h = (h * XXH_PRIME3) & U64_MASK;
  h ^= h >> 32n;
  return uintLE(h, 8);
}

/** A digest as the header, the RPC (`logs`) and `System.Digest` carry it. */
interface EncodedDigest {
  readonly items: readonly DigestItem[];
  /** Each item's SCALE encoding. */
  readonly logs: readonly Uint8Array[];
  /** SCALE `Vec<DigestItem>`. */
  readonly bytes: Uint8Array;
}

/** Encodes digest items with verifier/header.ts's encoder (the digest of a one-item header). */
function encodeDigest(items: readonly DigestItem[]): EncodedDigest {
  if (items.length === 0) return { items, logs: [], bytes: EMPTY_DIGEST };
  // Header of number 0: 32 + 1 + 64 bytes, then Compact(1) (one byte), then the item.
  const logs = items.map((item) =>
    encodeHeader({
      parentHash: ZERO_HASH,
      number: 0,
      stateRoot: ZERO_HASH,
      extrinsicsRoot: ZERO_HASH,
      digest: [item],
    }).slice(32 + 1 + 64 + 1)
  );
  return { items, logs, bytes: concatBytes(compactU(items.length), ...logs) };
}

/** The SCALE header of a stored block, rebuilt from its fields (blake2b-256 of it is the hash). */
function headerBytesOf(b: StoredBlock): Uint8Array {
  return concatBytes(
    parseHex(b.parentHash, 32) as Uint8Array,
    compactU(b.number),
    b.stateRoot,
    parseHex(b.header.extrinsicsRoot, 32) as Uint8Array,
    b.digestBytes
  );
}

/** An authority set from its signers (validated: at least one, 32-byte keys, no duplicates). */
function storedSet(setId: bigint, signers: readonly GrandpaSigner[], since: number): StoredSet {
  if (!Array.isArray(signers) || signers.length === 0) {
    throw new RangeError('Chain: a GRANDPA authority set needs at least one authority');
  }
  const seen = new Set<string>();
  for (const s of signers) {
    if (!(s?.publicKey instanceof Uint8Array) || s.publicKey.length !== 32) {
      throw new RangeError('Chain: a GRANDPA authority needs a 32-byte ed25519 public key');
    }
    const hex = toHex(s.publicKey);
    if (seen.has(hex)) throw new RangeError(`Chain: GRANDPA authority ${hex} is listed twice`);
    seen.add(hex);
  }
  const list = concatBytes(
    compactU(signers.length),
    ...signers.flatMap((s) => [s.publicKey, uintLE(1n, 8)])
  );
  return {
    setId,
    signers: Object.freeze([...signers]),
    since,
    setIdValue: uintLE(setId, 8),
    listValue: list,
    wellKnownValue: concatBytes(Uint8Array.of(1), list),
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
