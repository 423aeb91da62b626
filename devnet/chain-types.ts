/**
 * The contract between the devnet's scenario (what happens on chain, block by block) and its chain
 * (how that becomes SCALE-encoded blocks served over JSON-RPC).
 *
 * Values are in the JSON shape `@subsquid/substrate-runtime` encodes and decodes: field names in
 * camelCase as the runtime description spells them (`cluster_id` -> `clusterId`), byte arrays and
 * fixed hashes as lowercase `0x` hex strings, integers as `number` (up to u32) or `bigint`
 * (u64/u128), enums as `{ __kind: 'Variant', value }` (tuple or newtype variants) or
 * `{ __kind: 'Variant', ...fields }` (struct variants), `Option` as `undefined` or the value.
 */
import type { GrandpaSigner } from './grandpa.ts';

/** A signer of extrinsics: a 32-byte public key that signs with ed25519 or sr25519. */
export interface ExtrinsicSigner {
  readonly publicKey: Uint8Array;
  readonly algorithm: 'ed25519' | 'sr25519';
  sign(message: Uint8Array): Uint8Array;
}

/** A call: `pallet` and `name` as in metadata (`System`, `remark_with_event`). */
export interface CallSpec {
  readonly pallet: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** An event: `pallet` and `name` as in metadata (`DdcClusters`, `ClusterEraPaid`). */
export interface EventSpec {
  readonly pallet: string;
  readonly name: string;
  /** Struct fields by camelCase name, or the positional values of a tuple event. */
  readonly args: Record<string, unknown> | readonly unknown[];
}

/**
 * One extrinsic and the events it emits, in order. The chain adds `System.ExtrinsicSuccess` (or
 * `System.ExtrinsicFailed` when `failed` is set) after them, with phase `ApplyExtrinsic(index)`.
 */
export interface ExtrinsicSpec {
  readonly call: CallSpec;
  /** Signed with a real signature over the signing payload; absent for an unsigned (bare) extrinsic. */
  readonly signer?: ExtrinsicSigner;
  readonly events: readonly EventSpec[];
  readonly failed?: boolean;
}

/**
 * One block's content. The chain puts `Timestamp.set(timestamp)` first as extrinsic 0, then these
 * extrinsics in order (indices 1..n).
 */
export interface BlockSpec {
  /** Unix milliseconds; consecutive blocks are 6,000 ms apart on the devnet. */
  readonly timestamp: number;
  /**
   * Events of the block's initialization (phase `Initialization`, before any extrinsic), such as a
   * session change's `DdcVerification.ValidatorsSetUpdated`. They take the first event indices.
   */
  readonly initEvents?: readonly EventSpec[];
  readonly extrinsics: readonly ExtrinsicSpec[];
  /**
   * A GRANDPA authority-set change signalled and enacted in this block, as pallet_grandpa's
   * `on_new_session` → `schedule_change(next, delay 0)` does: the header's digest carries
   * `Consensus(FRNK, ScheduledChange { next_authorities, delay: 0 })` (weight 1 each), the block's
   * state already holds the next set (`Grandpa.CurrentSetId` + 1, its authorities), the block
   * itself is still finalized by the set before it, and its descendants by the next set.
   */
  readonly grandpaChange?: { readonly next: readonly GrandpaSigner[] };
  /**
   * A runtime upgrade: the spec version of a runtime of the chain's `upgrades`. The block ends with
   * a signed `Sudo.sudo { call: System.set_code { code } }` (events `System.CodeUpdated`,
   * `Sudo.Sudid { sudo_result: Ok }`); the block is still executed (encoded) by the current
   * runtime, its state holds the new one, and its children are executed by the new one (see
   * devnet/chain.ts). Refused, as frame_system's `can_set_code` does, when the runtime is unknown,
   * has another spec name, or its spec version is not above the current one.
   */
  readonly setCode?: number;
  /**
   * Storage writes the block makes beyond what the chain models itself (pallet storage such as
   * `DdcClusters.ClustersGovParams(cluster_id)`, which `DdcClustersGov.update_cluster_protocol`
   * writes in a block's initialization): raw keys and SCALE values, `0x` hex, applied in order
   * (a key written twice keeps the last value). A `null` value deletes the key. The writes persist
   * into the state of every descendant of the block (until a later block changes them) and not
   * into its siblings' (forks); they are part of the state trie, so `state_getStorage`,
   * `state_getReadProof`, `state_getKeysPaged` and the state root include them. Keys the chain
   * computes itself (`System.*` entries it keeps, `Timestamp.Now`, `:code`, GRANDPA's) are
   * refused. {@link StorageWrite}s are built with `Chain.storageEntry` (devnet/chain.ts).
   */
  readonly storage?: readonly StorageWrite[];
}

/** One storage write of a block ({@link BlockSpec.storage}). */
export interface StorageWrite {
  /** The raw storage key, `0x` hex. */
  readonly key: string;
  /** The SCALE-encoded value, `0x` hex; `null` deletes the key. */
  readonly value: string | null;
}
