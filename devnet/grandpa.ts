/**
 * GRANDPA justifications for the devnet: what a Substrate node's `GrandpaJustification::
 * from_commit` would produce for a round in which the given authorities precommitted to a block
 * (or to descendants of it), signed with the authorities' ed25519 keys, in the encoding
 * `verifier/grandpa.ts` documents and checks.
 *
 * `votes_ancestries` follows `from_commit` (polkadot-sdk
 * `substrate/client/consensus/grandpa/src/justification.rs` at commit
 * 2f8d2a2b875a3f08aae5dd82c09ffe65932d2e62): for each precommit on a descendant of the target, the
 * headers from that descendant back to (not including) the target, each once.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { toHex } from '../verifier/bytes.ts';
import { type Header, decodeHeader, encodeHeader, headerHash } from '../verifier/header.ts';
import {
  type SignedPrecommit,
  encodeGrandpaJustification,
  precommitPayload,
} from '../verifier/grandpa.ts';

/** An authority able to sign precommits (a `devnet/keys.ts` `Identity` fits). */
export interface GrandpaSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** A signer from a 32-byte ed25519 secret seed. */
export function grandpaSignerFromSeed(seed: Uint8Array): GrandpaSigner {
  if (seed.length !== 32) throw new RangeError('grandpaSignerFromSeed: seed must be 32 bytes');
  const secret = seed.slice();
  return {
    publicKey: ed25519.getPublicKey(secret),
    sign: (m) => ed25519.sign(m, secret),
  };
}

export interface BlockRef {
  readonly hash: Uint8Array;
  readonly number: number;
}

export interface JustificationSpec {
  readonly round: bigint;
  readonly setId: bigint;
  /** The block to prove final. */
  readonly target: BlockRef;
  /** Who precommits, in order; a seed or a signer. */
  readonly signers: readonly (Uint8Array | GrandpaSigner)[];
  /**
   * The block each signer precommits to (default: the target). A block other than the target
   * must be a descendant listed in `descendants`.
   */
  readonly votes?: readonly (BlockRef | undefined)[];
  /** Encoded headers of descendants of the target that votes may name (from `descendantChain`). */
  readonly descendants?: readonly Uint8Array[];
}

/** Signs one precommit. */
export function signPrecommit(
  signer: GrandpaSigner,
  target: BlockRef,
  round: bigint,
  setId: bigint
): SignedPrecommit {
  const payload = precommitPayload(target.hash, target.number, round, setId);
  return {
    targetHash: target.hash.slice(),
    targetNumber: target.number,
    signature: signer.sign(payload),
    id: signer.publicKey.slice(),
  };
}

/**
 * A justification for `spec.target`, signed by `spec.signers`, with the ancestry headers its
 * votes need (and no others). Throws if a vote names a block that is neither the target nor
 * linked to it through `spec.descendants`.
 */
export function makeGrandpaJustification(spec: JustificationSpec): Uint8Array {
  const signers = spec.signers.map((s) => (s instanceof Uint8Array ? grandpaSignerFromSeed(s) : s));
  const byHash = new Map<string, { encoded: Uint8Array; header: Header }>();
  for (const encoded of spec.descendants ?? []) {
    const h = decodeHeader(encoded);
    if (!h.ok) throw new RangeError(`makeGrandpaJustification: bad descendant header (${h.code})`);
    byHash.set(toHex(headerHash(encoded)), { encoded, header: h.value });
  }
  const target = toHex(spec.target.hash);
  const ancestry = new Map<string, Uint8Array>();
  const precommits = signers.map((s, i) => {
    const vote = spec.votes?.[i] ?? spec.target;
    let cur = toHex(vote.hash);
    while (cur !== target) {
      const entry = byHash.get(cur);
      if (entry === undefined)
        throw new RangeError(`makeGrandpaJustification: vote ${i} does not reach the target`);
      ancestry.set(cur, entry.encoded);
      cur = toHex(entry.header.parentHash);
    }
    return signPrecommit(s, vote, spec.round, spec.setId);
  });
  return encodeGrandpaJustification({
    round: spec.round,
    targetHash: spec.target.hash,
    targetNumber: spec.target.number,
    precommits,
    votesAncestries: [...ancestry.values()],
  });
}

/**
 * `count` headers descending from `parent` (number `parentNumber`), each the child of the one
 * before, with distinct synthetic roots (a fork tag tells sibling chains apart). Returns the
 * encoded headers and their block refs, nearest first.
 */
export function descendantChain(
  parent: BlockRef,
  count: number,
  fork = 0
): { headers: Uint8Array[]; blocks: BlockRef[] } {
  const headers: Uint8Array[] = [];
  const blocks: BlockRef[] = [];
  let p = parent;
  for (let i = 0; i < count; i++) {
    const number = p.number + 1;
    const stateRoot = new Uint8Array(32);
    stateRoot[0] = fork & 0xff;
    stateRoot[1] = (fork >>> 8) & 0xff;
    stateRoot.set(p.hash.subarray(0, 28), 4);
    const encoded = encodeHeader({
      parentHash: p.hash,
      number,
      stateRoot,
      extrinsicsRoot: new Uint8Array(32),
      digest: [],
    });
    const block = { hash: headerHash(encoded), number };
    headers.push(encoded);
    blocks.push(block);
    p = block;
  }
  return { headers, blocks };
}
