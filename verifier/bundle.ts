/**
 * The portable receipt bundle (format `proofroom/receipt-bundle`): one JSON document carrying every
 * input of the five subjects of one activity record's receipt (verifier/receipt.ts), so that
 * `verifyReceipt` recomputes offline exactly the lines the indexer stored. This module owns the
 * bundle's JSON type (`ReceiptBundleJson`), its one writer (`writeBundle`) and its parser
 * (`parseBundle`); the API, the devnet and the tests build bundles through `writeBundle` only.
 * docs/spec.md §Receipt bundle describes every field.
 *
 * Version 2 adds to version 1 the record's exact bytes, the GAR anchors and the service's anchoring
 * key, the node's registrations, the anchor's sender and the cluster's keys, each vote's ehd_id,
 * the validator set's source, `begin_payout`'s fingerprint and whether a later era was paid.
 * Version 1 bundles still parse: what they lack makes the lines that need it fail or wait.
 * Version 3 adds `proofs` (headers, storage read proofs, GRANDPA justifications, extrinsic proofs)
 * against which verifier/chain.ts checks every chain fact above; without it (versions 1 and 2, or
 * the light form) the chain lines fail `NOT_PROVEN`.
 *
 * Parsing is strict and collects every invalid field (a malformed bundle is reported whole, not one
 * field at a time); content that is well formed but wrong becomes failed receipt lines, never a
 * parse error.
 * @module
 */
import { equalBytes, toHex } from './bytes.ts';
import { decodeEnvelope } from './envelope.ts';
import { blake2b256 } from './hash.ts';
import { parseBase64url, toBase64url } from './encoding.ts';
import type { ChainProofs } from './chain.ts';
import { canonicalBytes } from './jcs.ts';
import { parseJson } from './json.ts';
import { type ReceiptKind, type LinksSubjectInput, kindById, scpJsonKind } from './kinds.ts';
import type { Source } from './lines.ts';
import type { PayoutEntry } from './payout-tree.ts';
import { Reader } from './reader.ts';
import type { EraSubjectInput } from './receipt.ts';
import type { CommittedSide, FingerprintVote } from './receipts/attestation.ts';
import type { ClusterPricing, Usage } from './billing-report.ts';
import type { PayoutDesign } from './cere-rules.ts';
import type {
  BillingBatchEvidence,
  BillingEraInput,
  BillingVote,
  UsageEntry,
  UsageSide,
} from './receipts/billing.ts';
import type { AnchorInput } from './receipts/dac-batch.ts';
import type { GarAnchorInput, GrantInput } from './receipts/gar.ts';
import type { BatchEvidence, ChainAmount, ConservationInput } from './receipts/payout.ts';
import type { MembershipChange, RegistrationInput } from './receipts/registration.ts';

export const BUNDLE_FORMAT = 'proofroom/receipt-bundle';
export const BUNDLE_VERSION = 3;
export const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;

// The JSON form ----------------------------------------------------------------------------------

export interface PayoutEntryJson {
  readonly account: string;
  /** u128, decimal */
  readonly amount: string;
}

export interface ChainAmountJson extends PayoutEntryJson {
  readonly expected: string | null;
  readonly source?: Source;
}

export interface BatchEvidenceJson {
  readonly batchIndex: number;
  readonly maxBatchIndex: number;
  readonly entries: readonly PayoutEntryJson[];
  readonly proof: readonly string[];
  readonly events: readonly ChainAmountJson[];
  readonly source?: Source;
}

/** Cere's `BucketUsage` / `NodeUsage` (decimal strings; `storedBytes` is an i64). */
export interface UsageJson {
  readonly transferredBytes: string;
  readonly storedBytes: string;
  readonly numberOfPuts: string;
  readonly numberOfGets: string;
}

/** A billing-report batch entry: a bucket id (payers, decimal) or node key (payees, 0x-hex). */
export interface UsageEntryJson {
  readonly key: string;
  readonly usage: UsageJson;
}

/** One side of a billing-report era's usage batches, by index (null: not sent). */
export interface UsageSideJson {
  readonly maxBatchIndex: number | null;
  readonly batches: ReadonlyArray<ReadonlyArray<UsageEntryJson> | null>;
}

/** The account's usage batch of a billing-report era (`keys`: its buckets or nodes). */
export interface BillingBatchJson {
  readonly batchIndex: number;
  readonly maxBatchIndex: number;
  readonly usageEntries: readonly UsageEntryJson[];
  readonly keys: readonly string[];
  readonly proof: readonly string[];
  readonly events: readonly ChainAmountJson[];
  readonly source?: Source;
}

export interface CommittedSideJson {
  readonly maxBatchIndex: number | null;
  readonly batchRoots: ReadonlyArray<string | null>;
}

export interface BlockJson {
  readonly number: number;
  readonly hash: string;
  readonly finalized: boolean;
}

/** A receipt bundle as JSON: bytes are 0x-hex, amounts decimal strings, times epoch ms. */
export interface ReceiptBundleJson {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: typeof BUNDLE_VERSION;
  /** The receipt kind (verifier/kinds.ts). */
  readonly kind: string;
  readonly recordId: string;
  readonly chain: {
    readonly name: string;
    readonly genesisHash: string;
    readonly ss58Prefix: number;
  };
  readonly grant: {
    readonly versions: ReadonlyArray<{
      readonly payload: unknown;
      readonly signature: unknown;
      readonly source?: Source;
    }>;
    readonly anchors: ReadonlyArray<{
      readonly envelope: string;
      readonly remarkHash: string;
      readonly sender: string;
      readonly block: BlockJson & { readonly timestamp: number };
      readonly previousAt: number | null;
      readonly source?: Source;
    }>;
    readonly anchorKey: string | null;
    readonly complete: boolean;
    readonly error: string | null;
  };
  /** The record as readers see it: its bytes parsed as JSON (their text if they are not JSON). */
  readonly record: unknown;
  /** The record's exact bytes as the batch payload carries them, base64url. */
  readonly recordBytes: string;
  readonly registration: {
    readonly clusterId: string;
    readonly node: string;
    readonly membership: ReadonlyArray<{
      readonly kind: 'added' | 'removed';
      readonly at: number;
      readonly source?: Source;
    }>;
    readonly provider: { readonly account: string; readonly source?: Source } | null;
  } | null;
  readonly inclusion: {
    readonly batchIndex: number;
    readonly leafIndex: number;
    readonly leafCount: number;
    readonly proof: readonly string[];
    readonly root: string;
    readonly payloadUrls: readonly string[];
    readonly source?: Source;
  };
  readonly anchor: {
    readonly envelope: string;
    readonly remarkHash: string;
    readonly sender: string | null;
    readonly block: BlockJson;
    readonly authority: {
      readonly clusterId: string;
      readonly manager: string | null;
      readonly nodes: ReadonlyArray<{ readonly node: string; readonly provider: string | null }>;
    } | null;
    readonly source?: Source;
  };
  readonly attestation: {
    readonly clusterId: string;
    readonly era: number;
    /** The validator set of the era (null when it could not be read). */
    readonly validators: readonly string[] | null;
    readonly validatorSetSource?: Source;
    readonly votes: ReadonlyArray<{
      readonly validator: string;
      readonly payersRoot: string;
      readonly payeesRoot: string;
      readonly ehdId: string | null;
      readonly fingerprint: string | null;
      /** A billing-report vote's window and cluster usage. */
      readonly billing?: {
        readonly era: number;
        readonly startEra: string;
        readonly endEra: string;
        readonly clusterUsage: UsageJson;
      };
      readonly source?: Source;
    }>;
    readonly payout: { readonly fingerprint: string; readonly source?: Source } | null;
    readonly activity: {
      readonly batchSize: number;
      readonly payers: readonly PayoutEntryJson[];
      readonly payees: readonly PayoutEntryJson[];
    } | null;
    /**
     * The batches the payout sent on chain, per side (present when the roots are checked against
     * them rather than recomputed from the activity): `max_batch_index` (null before the side
     * began) and each batch's root by index (null: not sent).
     */
    readonly committed?: {
      readonly payers: CommittedSideJson;
      readonly payees: CommittedSideJson;
    };
    /** Present for an era paid under Cere's billing-report design (spec 71000 and before). */
    readonly design?: 'billing-report';
    /** That era's prices and the usage batches its payout sent. */
    readonly billing?: {
      readonly pricing: {
        readonly unitPerMbStored: string;
        readonly unitPerMbStreamed: string;
        readonly unitPerPutRequest: string;
        readonly unitPerGetRequest: string;
      } | null;
      readonly payers: UsageSideJson;
      readonly payees: UsageSideJson;
    };
  };
  readonly settlement: {
    readonly paid: Source | null;
    /** Present and true when `paid` is Root's skip of the era (`force_skip_inspection`). */
    readonly skipped?: boolean;
    readonly superseded: { readonly era: number; readonly source?: Source } | null;
    readonly payers: BatchEvidenceJson | BillingBatchJson | null;
    readonly payees: BatchEvidenceJson | BillingBatchJson | null;
  };
  readonly conservation: {
    readonly charged: string;
    readonly treasuryFees: string;
    readonly reserveFees: string;
    readonly validatorFees: string;
    readonly rewarded: string;
    readonly notDistributed: string;
    readonly shares: {
      readonly treasury: string;
      readonly validators: string;
      readonly reserve: string;
    } | null;
    readonly source?: Source;
  };
  /**
   * Version 3: what proves the chain facts above (verifier/chain.ts). Absent in versions 1 and 2
   * and in the light form (`?proofs=0`): every chain fact then rests on the API's word.
   */
  readonly proofs?: ChainProofsJson;
}

/** The `proofs` section: bytes as 0x-hex, set ids as decimal strings. */
export interface ChainProofsJson {
  readonly headers: readonly string[];
  readonly storage: ReadonlyArray<{ readonly block: string; readonly nodes: readonly string[] }>;
  readonly justifications: ReadonlyArray<{
    readonly block: string;
    readonly setId: string;
    readonly justification: string;
  }>;
  readonly authorities: { readonly setId: string; readonly keys: readonly string[] } | null;
  /** Extrinsics facts rest on, with their proofs under the block's extrinsics root. */
  readonly extrinsics?: ReadonlyArray<{
    readonly block: string;
    readonly index: number;
    readonly extrinsic: string;
    readonly nodes: readonly string[];
  }>;
}

/** The JSON form of typed proofs (the same texts: proofs keep their bytes as hex). */
export function writeProofs(p: ChainProofs): ChainProofsJson {
  return {
    headers: [...p.headers],
    storage: p.storage.map((s) => ({ block: s.block, nodes: [...s.nodes] })),
    justifications: p.justifications.map((j) => ({
      block: j.block,
      setId: j.setId.toString(),
      justification: j.encoded,
    })),
    authorities: p.authorities
      ? { setId: p.authorities.setId.toString(), keys: p.authorities.keys.map(toHex) }
      : null,
    extrinsics: p.extrinsics.map((x) => ({
      block: x.block,
      index: x.index,
      extrinsic: x.extrinsic,
      nodes: [...x.nodes],
    })),
  };
}

const MAX_PROOF_NODES = 100_000;

function readSetId(r: Reader, v: unknown, path: string): bigint {
  const n = typeof v === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(v) ? BigInt(v) : -1n;
  if (n >= 0n && n < 1n << 64n) return n;
  r.err(path, 'expected a u64 as a decimal string');
  return 0n;
}

/** Parses a `proofs` section (also used for an era's shared proofs). */
export function readProofs(r: Reader, v: unknown, path = 'proofs'): ChainProofs {
  const o = r.obj(v, path);
  // Byte strings stay text here (verifier/chain.ts decodes what a view does not hold yet, and a
  // text that is not hex fails its chain line as BAD_ENCODING); only their shape is checked.
  const hexText = (x: unknown, p: string): string => {
    if (typeof x === 'string' && x.length <= 2 * MAX_BUNDLE_BYTES && x.startsWith('0x')) return x;
    r.err(p, 'expected 0x-hex');
    return '0x';
  };
  const nodes = (x: unknown, p: string): string[] =>
    r.arr(x, p, MAX_PROOF_NODES).map((n, i) => hexText(n, `${p}[${i}]`));
  const blockHash = (x: unknown, p: string): string => toHex(r.hex(x, p, 32));
  const a =
    o.authorities === null || o.authorities === undefined
      ? null
      : r.obj(o.authorities, `${path}.authorities`);
  return {
    headers: nodes(o.headers, `${path}.headers`),
    storage: r.arr(o.storage, `${path}.storage`, 100_000).map((s, i) => {
      const so = r.obj(s, `${path}.storage[${i}]`);
      return {
        block: blockHash(so.block, `${path}.storage[${i}].block`),
        nodes: nodes(so.nodes, `${path}.storage[${i}].nodes`),
      };
    }),
    justifications: r.arr(o.justifications, `${path}.justifications`, 100_000).map((j, i) => {
      const jo = r.obj(j, `${path}.justifications[${i}]`);
      return {
        block: blockHash(jo.block, `${path}.justifications[${i}].block`),
        setId: readSetId(r, jo.setId, `${path}.justifications[${i}].setId`),
        encoded: hexText(jo.justification, `${path}.justifications[${i}].justification`),
      };
    }),
    extrinsics:
      o.extrinsics === undefined
        ? []
        : r.arr(o.extrinsics, `${path}.extrinsics`, 100_000).map((x, i) => {
            const xo = r.obj(x, `${path}.extrinsics[${i}]`);
            return {
              block: blockHash(xo.block, `${path}.extrinsics[${i}].block`),
              index: r.int(xo.index, `${path}.extrinsics[${i}].index`),
              extrinsic: hexText(xo.extrinsic, `${path}.extrinsics[${i}].extrinsic`),
              nodes: nodes(xo.nodes, `${path}.extrinsics[${i}].nodes`),
            };
          }),
    authorities: a
      ? {
          setId: readSetId(r, a.setId, `${path}.authorities.setId`),
          keys: r
            .arr(a.keys, `${path}.authorities.keys`, 100_000)
            .map((k, i) => r.hex(k, `${path}.authorities.keys[${i}]`, 32)),
        }
      : null,
  };
}

// The typed form ---------------------------------------------------------------------------------

/** A parsed bundle: the inputs of the receipt's subjects, typed. */
export interface ReceiptBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: 1 | 2 | 3;
  readonly kind: ReceiptKind;
  readonly recordId: string;
  readonly chain: ReceiptBundleJson['chain'];
  /** The record as readers see it. */
  readonly record: unknown;
  readonly recordBytes: Uint8Array;
  readonly inclusion: {
    readonly batchIndex: number;
    readonly leafIndex: number;
    readonly leafCount: number;
    readonly proof: readonly Uint8Array[];
    readonly root: Uint8Array;
    readonly payloadUrls: readonly string[];
    readonly source?: Source;
  };
  readonly links: LinksSubjectInput;
  readonly anchor: AnchorInput;
  readonly era: EraSubjectInput;
  readonly settlement: {
    readonly payers: BatchEvidence | BillingBatchEvidence | null;
    readonly payees: BatchEvidence | BillingBatchEvidence | null;
  };
  /** Identifies the era inputs exactly: receipts with equal keys share their era subject. */
  readonly eraKey: string;
  /** The chain proofs (version 3), or null when the bundle carries none. */
  readonly proofs: ChainProofs | null;
}

/** What `writeBundle` takes: a bundle's typed inputs (the kind by id). */
export type BundleInputs = Omit<
  ReceiptBundle,
  'format' | 'version' | 'kind' | 'eraKey' | 'record' | 'proofs'
> & {
  readonly kind?: string;
  readonly proofs?: ChainProofs | null;
};

const withSource = <T extends object>(v: T, source: Source | undefined): T =>
  source ? { ...v, source } : v;

const committedJson = (c: CommittedSide): CommittedSideJson => ({
  maxBatchIndex: c.maxBatchIndex,
  batchRoots: c.batchRoots.map((r) => (r ? toHex(r) : null)),
});

const usageJson = (u: Usage): UsageJson => ({
  transferredBytes: u.transferredBytes.toString(),
  storedBytes: u.storedBytes.toString(),
  numberOfPuts: u.numberOfPuts.toString(),
  numberOfGets: u.numberOfGets.toString(),
});

const keyJson = (k: bigint | Uint8Array): string =>
  typeof k === 'bigint' ? k.toString() : toHex(k);

const usageEntryJson = (e: UsageEntry): UsageEntryJson => ({
  key: keyJson(e.key),
  usage: usageJson(e.usage),
});

const usageSideJson = (s: UsageSide): UsageSideJson => ({
  maxBatchIndex: s.maxBatchIndex,
  batches: s.batches.map((b) => (b ? b.map(usageEntryJson) : null)),
});

const entryJson = (e: PayoutEntry): PayoutEntryJson => ({
  account: toHex(e.account),
  amount: e.amount.toString(),
});

function batchJson(
  b: BatchEvidence | BillingBatchEvidence | null
): BatchEvidenceJson | BillingBatchJson | null {
  if (!b) return null;
  const events = b.events.map((e) =>
    withSource(
      {
        account: toHex(e.account),
        amount: e.amount.toString(),
        expected: e.expected === null ? null : e.expected.toString(),
      },
      e.source
    )
  );
  if ('keys' in b)
    return withSource(
      {
        batchIndex: b.batchIndex,
        maxBatchIndex: b.maxBatchIndex,
        usageEntries: b.entries.map(usageEntryJson),
        keys: b.keys.map(keyJson),
        proof: b.proof.map(toHex),
        events,
      },
      b.source
    );
  return withSource(
    {
      batchIndex: b.batchIndex,
      maxBatchIndex: b.maxBatchIndex,
      entries: b.entries.map(entryJson),
      proof: b.proof.map(toHex),
      events,
    },
    b.source
  );
}

/** The one writer of receipt bundles: typed inputs to the JSON form `parseBundle` reads. */
export function writeBundle(b: BundleInputs): ReceiptBundleJson {
  const kind = kindById(b.kind ?? scpJsonKind.id) ?? scpJsonKind;
  const e = b.era;
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    kind: kind.id,
    recordId: b.recordId,
    chain: b.chain,
    grant: grantJson(b.links.grant),
    record: kind.readRecord(b.recordBytes),
    recordBytes: toBase64url(b.recordBytes),
    registration: registrationJson(b.links.registration),
    inclusion: inclusionJson(b.inclusion),
    anchor: anchorJson(b.anchor),
    attestation: attestationJson(e),
    settlement: {
      paid: e.paid,
      ...(e.skipped === true ? { skipped: true } : {}),
      superseded: e.superseded ? withSource({ era: e.superseded.era }, e.superseded.source) : null,
      payers: batchJson(b.settlement.payers),
      payees: batchJson(b.settlement.payees),
    },
    conservation: conservationJson(e.conservation),
    ...(b.proofs ? { proofs: writeProofs(b.proofs) } : {}),
  };
}

/** Writer step: the grant's versions and GAR anchors. */
function grantJson(g: LinksSubjectInput['grant']): ReceiptBundleJson['grant'] {
  return {
    versions: g.versions.map((v) =>
      withSource({ payload: v.payload, signature: v.signature }, v.source)
    ),
    anchors: g.anchors.map((a) =>
      withSource(
        {
          envelope: toHex(a.envelope),
          remarkHash: toHex(a.remarkHash),
          sender: toHex(a.sender),
          block: { ...a.block },
          previousAt: a.previousAt,
        },
        a.source
      )
    ),
    anchorKey: g.anchorKey ? toHex(g.anchorKey) : null,
    complete: g.complete,
    error: g.error ?? null,
  };
}

/** Writer step: the node's registration (null: not known). */
function registrationJson(
  reg: LinksSubjectInput['registration']
): ReceiptBundleJson['registration'] {
  return reg
    ? {
        clusterId: toHex(reg.clusterId),
        node: toHex(reg.node),
        membership: reg.membership.map((m) => withSource({ kind: m.kind, at: m.at }, m.source)),
        provider: reg.provider
          ? withSource({ account: toHex(reg.provider.account) }, reg.provider.source)
          : null,
      }
    : null;
}

/** Writer step: the record's inclusion proof. */
function inclusionJson(inc: ReceiptBundle['inclusion']): ReceiptBundleJson['inclusion'] {
  return withSource(
    {
      batchIndex: inc.batchIndex,
      leafIndex: inc.leafIndex,
      leafCount: inc.leafCount,
      proof: inc.proof.map(toHex),
      root: toHex(inc.root),
      payloadUrls: inc.payloadUrls,
    },
    inc.source
  );
}

/** Writer step: the batch's anchor and the anchoring cluster's keys. */
function anchorJson(a: AnchorInput): ReceiptBundleJson['anchor'] {
  return withSource(
    {
      envelope: toHex(a.envelope),
      remarkHash: toHex(a.remarkHash),
      sender: a.sender ? toHex(a.sender) : null,
      block: { ...a.block },
      authority: a.authority
        ? {
            clusterId: toHex(a.authority.clusterId),
            manager: a.authority.manager ? toHex(a.authority.manager) : null,
            nodes: a.authority.nodes.map((n) => ({
              node: toHex(n.node),
              provider: n.provider ? toHex(n.provider) : null,
            })),
          }
        : null,
    },
    a.source
  );
}

/** Writer step: the era's attestation evidence (votes, payout start, lists, design). */
function attestationJson(e: EraSubjectInput): ReceiptBundleJson['attestation'] {
  return {
    clusterId: toHex(e.clusterId),
    era: e.era,
    validators: e.validatorSet ? e.validatorSet.members.map(toHex) : null,
    ...(e.validatorSet?.source ? { validatorSetSource: e.validatorSet.source } : {}),
    votes: e.votes.map(voteJson),
    payout: e.payout
      ? withSource({ fingerprint: toHex(e.payout.fingerprint) }, e.payout.source)
      : null,
    activity: e.activity
      ? {
          batchSize: e.activity.batchSize,
          payers: e.activity.payers.map(entryJson),
          payees: e.activity.payees.map(entryJson),
        }
      : null,
    ...(e.committed
      ? {
          committed: {
            payers: committedJson(e.committed.payers),
            payees: committedJson(e.committed.payees),
          },
        }
      : {}),
    ...(e.design === 'billing-report'
      ? {
          design: 'billing-report' as const,
          ...(e.billing ? { billing: billingEraJson(e.billing) } : {}),
        }
      : {}),
  };
}

/** Writer step: one validator's fingerprint vote. */
function voteJson(v: FingerprintVote): ReceiptBundleJson['attestation']['votes'][number] {
  return withSource(
    {
      validator: toHex(v.validator),
      payersRoot: toHex(v.payersRoot),
      payeesRoot: toHex(v.payeesRoot),
      ehdId: v.ehdId,
      fingerprint: v.fingerprint ? toHex(v.fingerprint) : null,
      ...(v.billing
        ? {
            billing: {
              era: v.billing.era,
              startEra: v.billing.startEra.toString(),
              endEra: v.billing.endEra.toString(),
              clusterUsage: usageJson(v.billing.clusterUsage),
            },
          }
        : {}),
    },
    v.source
  );
}

/** Writer step: a billing-report era's prices and usage batches. */
function billingEraJson(
  billing: BillingEraInput
): NonNullable<ReceiptBundleJson['attestation']['billing']> {
  return {
    pricing: billing.pricing
      ? {
          unitPerMbStored: billing.pricing.unitPerMbStored.toString(),
          unitPerMbStreamed: billing.pricing.unitPerMbStreamed.toString(),
          unitPerPutRequest: billing.pricing.unitPerPutRequest.toString(),
          unitPerGetRequest: billing.pricing.unitPerGetRequest.toString(),
        }
      : null,
    payers: usageSideJson(billing.payers),
    payees: usageSideJson(billing.payees),
  };
}

/** Writer step: the era's conservation totals and protocol shares. */
function conservationJson(c: ConservationInput): ReceiptBundleJson['conservation'] {
  return withSource(
    {
      charged: c.charged.toString(),
      treasuryFees: c.treasuryFees.toString(),
      reserveFees: c.reserveFees.toString(),
      validatorFees: c.validatorFees.toString(),
      rewarded: c.rewarded.toString(),
      notDistributed: c.notDistributed.toString(),
      shares: c.shares
        ? {
            treasury: c.shares.treasury.toString(),
            validators: c.shares.validators.toString(),
            reserve: c.shares.reserve.toString(),
          }
        : null,
    },
    c.source
  );
}

// Parsing ----------------------------------------------------------------------------------------

export type BundleParse =
  | { readonly ok: true; readonly bundle: ReceiptBundle }
  | { readonly ok: false; readonly errors: readonly string[] };

function readBatch(
  r: Reader,
  v: unknown,
  path: string,
  side: 'payers' | 'payees'
): BatchEvidence | BillingBatchEvidence | null {
  if (v === null) return null;
  const o = r.obj(v, path);
  const events: ChainAmount[] = r.arr(o.events, `${path}.events`, 1000).map((e, i) => {
    const p = `${path}.events[${i}]`;
    const eo = r.obj(e, p);
    return withSource(
      {
        account: r.hex(eo.account, `${p}.account`, 32),
        amount: r.amount(eo.amount, `${p}.amount`),
        expected:
          eo.expected === undefined || eo.expected === null
            ? null
            : r.amount(eo.expected, `${p}.expected`),
      },
      r.source(eo.source, `${p}.source`)
    );
  });
  if (o.usageEntries !== undefined)
    return withSource(
      {
        batchIndex: r.int(o.batchIndex, `${path}.batchIndex`, 0xffff),
        maxBatchIndex: r.int(o.maxBatchIndex, `${path}.maxBatchIndex`, 0xffff),
        entries: readUsageEntries(r, o.usageEntries, `${path}.usageEntries`, side),
        keys: r
          .arr(o.keys, `${path}.keys`, 10_000)
          .map((k, i) => readUsageKey(r, k, `${path}.keys[${i}]`, side)),
        proof: r.proof(o.proof, `${path}.proof`),
        events,
      },
      r.source(o.source, `${path}.source`)
    );
  return withSource(
    {
      batchIndex: r.int(o.batchIndex, `${path}.batchIndex`, 0xffff),
      maxBatchIndex: r.int(o.maxBatchIndex, `${path}.maxBatchIndex`, 0xffff),
      entries: r.entries(o.entries, `${path}.entries`),
      proof: r.proof(o.proof, `${path}.proof`),
      events,
    },
    r.source(o.source, `${path}.source`)
  );
}

/** A payers key is a bucket id (u64, decimal); a payees key a node's 32-byte key (0x-hex). */
function readUsageKey(
  r: Reader,
  v: unknown,
  path: string,
  side: 'payers' | 'payees'
): bigint | Uint8Array {
  return side === 'payers' ? r.uint(v, path, 64) : r.hex(v, path, 32);
}

function readUsageEntries(
  r: Reader,
  v: unknown,
  path: string,
  side: 'payers' | 'payees'
): UsageEntry[] {
  return r.arr(v, path, 10_000).map((e, i) => {
    const o = r.obj(e, `${path}[${i}]`);
    return {
      key: readUsageKey(r, o.key, `${path}[${i}].key`, side),
      usage: r.usage(o.usage, `${path}[${i}].usage`),
    };
  });
}

function readUsageSide(r: Reader, v: unknown, path: string, side: 'payers' | 'payees'): UsageSide {
  const o = r.obj(v, path);
  return {
    maxBatchIndex:
      o.maxBatchIndex === null ? null : r.int(o.maxBatchIndex, `${path}.maxBatchIndex`, 0xffff),
    batches: r
      .arr(o.batches, `${path}.batches`, 0x10000)
      .map((b, i) => (b === null ? null : readUsageEntries(r, b, `${path}.batches[${i}]`, side))),
  };
}

function readBillingVote(r: Reader, v: unknown, path: string): BillingVote {
  const o = r.obj(v, path);
  return {
    era: r.int(o.era, `${path}.era`),
    startEra: r.i64(o.startEra, `${path}.startEra`),
    endEra: r.i64(o.endEra, `${path}.endEra`),
    clusterUsage: r.usage(o.clusterUsage, `${path}.clusterUsage`),
  };
}

function readBillingEra(r: Reader, v: unknown, path: string): BillingEraInput {
  const o = r.obj(v, path);
  let pricing: ClusterPricing | null = null;
  if (o.pricing !== null) {
    const p = r.obj(o.pricing, `${path}.pricing`);
    pricing = {
      unitPerMbStored: r.amount(p.unitPerMbStored, `${path}.pricing.unitPerMbStored`),
      unitPerMbStreamed: r.amount(p.unitPerMbStreamed, `${path}.pricing.unitPerMbStreamed`),
      unitPerPutRequest: r.amount(p.unitPerPutRequest, `${path}.pricing.unitPerPutRequest`),
      unitPerGetRequest: r.amount(p.unitPerGetRequest, `${path}.pricing.unitPerGetRequest`),
    };
  }
  return {
    pricing,
    payers: readUsageSide(r, o.payers, `${path}.payers`, 'payers'),
    payees: readUsageSide(r, o.payees, `${path}.payees`, 'payees'),
  };
}

function readBlock(r: Reader, v: unknown, path: string): BlockJson {
  const o = r.obj(v, path);
  return {
    number: r.int(o.number, `${path}.number`),
    hash: toHex(r.hex(o.hash, `${path}.hash`, 32)),
    finalized: r.bool(o.finalized, `${path}.finalized`),
  };
}

const MAX_TIME = 8.64e15;

function readTime(r: Reader, v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_TIME) return v;
  r.err(path, 'expected epoch milliseconds');
  return 0;
}

function readGrant(r: Reader, g: Record<string, unknown>, v1: boolean): LinksSubjectInput['grant'] {
  const versions: GrantInput[] = r.arr(g.versions, 'grant.versions', 256).map((v, i) => {
    const o = r.obj(v, `grant.versions[${i}]`);
    return withSource(
      { payload: o.payload, signature: o.signature },
      r.source(o.source, `grant.versions[${i}].source`)
    );
  });
  if (v1) return { versions, anchors: [], anchorKey: null, complete: true, error: null };
  const anchors: GarAnchorInput[] = r.arr(g.anchors, 'grant.anchors', 4096).map((v, i) => {
    const p = `grant.anchors[${i}]`;
    const o = r.obj(v, p);
    const blk = r.obj(o.block, `${p}.block`);
    const envelope = r.hex(o.envelope, `${p}.envelope`);
    if (envelope.length > 1 << 20) r.err(`${p}.envelope`, 'larger than 1 MiB');
    return withSource(
      {
        envelope,
        remarkHash: r.hex(o.remarkHash, `${p}.remarkHash`, 32),
        sender: r.hex(o.sender, `${p}.sender`, 32),
        block: {
          ...readBlock(r, o.block, `${p}.block`),
          timestamp: readTime(r, blk.timestamp, `${p}.block.timestamp`),
        },
        previousAt: o.previousAt === null ? null : readTime(r, o.previousAt, `${p}.previousAt`),
      },
      r.source(o.source, `${p}.source`)
    );
  });
  return {
    versions,
    anchors,
    anchorKey: g.anchorKey === null ? null : r.hex(g.anchorKey, 'grant.anchorKey', 32),
    complete: r.bool(g.complete, 'grant.complete'),
    error: g.error === null || g.error === undefined ? null : r.str(g.error, 'grant.error', 1000),
  };
}

function readRegistration(r: Reader, v: unknown): RegistrationInput | null {
  if (v === null || v === undefined) return null;
  const o = r.obj(v, 'registration');
  const membership: MembershipChange[] = r
    .arr(o.membership, 'registration.membership', 10_000)
    .map((m, i) => {
      const p = `registration.membership[${i}]`;
      const mo = r.obj(m, p);
      if (mo.kind !== 'added' && mo.kind !== 'removed')
        r.err(`${p}.kind`, 'expected added or removed');
      return withSource(
        {
          kind: mo.kind === 'removed' ? 'removed' : 'added',
          at: readTime(r, mo.at, `${p}.at`),
        } as MembershipChange,
        r.source(mo.source, `${p}.source`)
      );
    });
  let provider: RegistrationInput['provider'] = null;
  if (o.provider !== null && o.provider !== undefined) {
    const po = r.obj(o.provider, 'registration.provider');
    provider = withSource(
      { account: r.hex(po.account, 'registration.provider.account', 32) },
      r.source(po.source, 'registration.provider.source')
    );
  }
  return {
    clusterId: r.hex(o.clusterId, 'registration.clusterId', 20),
    node: r.hex(o.node, 'registration.node', 32),
    membership,
    provider,
  };
}

/** A parse that failed: every error found, in the order the fields were read. */
type ParseFailure = Extract<BundleParse, { ok: false }>;

/** The top of a bundle, read before anything else: its object, version and receipt kind. */
interface BundleHead {
  readonly ok: true;
  readonly b: Record<string, unknown>;
  readonly version: 1 | 2 | 3;
  readonly v1: boolean;
  readonly kind: ReceiptKind;
}

/** The attestation section's inputs of the era subject (its cluster and era are read last). */
type AttestationParts = Pick<
  EraSubjectInput,
  'validatorSet' | 'votes' | 'payout' | 'activity' | 'committed'
> & {
  readonly design: PayoutDesign;
  readonly billing: BillingEraInput | null;
};

/** The settlement section: how the era ended and the account's batches. */
interface SettlementParts {
  readonly paid: Source | null;
  readonly skipped: boolean;
  readonly superseded: EraSubjectInput['superseded'];
  readonly settlement: ReceiptBundle['settlement'];
}

/** Parses a bundle from JSON text or an already parsed value. Never throws. */
export function parseBundle(input: string | unknown): BundleParse {
  const value = readBundleValue(input);
  if (!value.ok) return value;
  const r = new Reader();
  const head = readBundleHead(r, value.value);
  if (!head.ok) return head;
  const { b, v1, kind } = head;
  const recordId = r.str(b.recordId, 'recordId', 200);
  const chain = readChain(r, b.chain);
  const grant = readGrant(r, r.obj(b.grant, 'grant'), v1);
  const recordBytes = readRecordBytes(r, b, v1, kind, recordId);
  const inclusion = readInclusion(r, b.inclusion);
  const anchor = readAnchor(r, b.anchor);
  const at = r.obj(b.attestation, 'attestation');
  const attestation = readAttestation(r, at, v1);
  const st = r.obj(b.settlement, 'settlement');
  const settled = readSettlement(r, st);
  const conservation = readConservation(r, b.conservation);
  const registration = v1 ? null : readRegistration(r, b.registration);
  const eraCluster = r.hex(at.clusterId, 'attestation.clusterId', 20);
  const eraNo = r.int(at.era, 'attestation.era');
  checkAnchoredBatch(r, anchor, inclusion, eraCluster, eraNo);
  const { validatorSet, votes, payout, activity, committed, design, billing } = attestation;
  const era: EraSubjectInput = {
    clusterId: eraCluster,
    era: eraNo,
    validatorSet,
    votes,
    payout,
    activity,
    ...(committed ? { committed } : {}),
    ...(design === 'billing-report' ? { design, billing } : {}),
    paid: settled.paid,
    ...(settled.skipped ? { skipped: true } : {}),
    superseded: settled.superseded,
    conservation,
  };
  const proofs =
    b.version === 3 && b.proofs !== undefined && b.proofs !== null ? readProofs(r, b.proofs) : null;
  if (r.errors.length > 0) return { ok: false, errors: r.errors };
  let eraKey: string | null = null;
  return {
    ok: true,
    bundle: {
      format: BUNDLE_FORMAT,
      version: head.version,
      proofs,
      kind,
      recordId,
      chain,
      record: kind.readRecord(recordBytes),
      recordBytes,
      inclusion,
      links: { grant, registration },
      anchor,
      era,
      settlement: settled.settlement,
      get eraKey(): string {
        eraKey ??= JSON.stringify([
          b.attestation,
          st.paid ?? null,
          st.skipped === true,
          st.superseded ?? null,
          b.conservation,
        ]);
        return eraKey;
      },
    },
  };
}

/** Step 1: the bundle as a JSON value (text within the size limit that parses as JSON). */
function readBundleValue(
  input: unknown
): { readonly ok: true; readonly value: unknown } | ParseFailure {
  if (typeof input !== 'string') return { ok: true, value: input };
  if (input.length > MAX_BUNDLE_BYTES)
    return { ok: false, errors: [`bundle: larger than ${MAX_BUNDLE_BYTES} bytes`] };
  const j = parseJson(input, { maxLength: MAX_BUNDLE_BYTES });
  if (!j.ok)
    return {
      ok: false,
      errors: [
        `bundle: not valid JSON (${String(j.facts.error)} at offset ${String(j.facts.offset)})`,
      ],
    };
  return { ok: true, value: j.value };
}

/** Step 2: format, version and kind; any of them wrong is the bundle's only error. */
function readBundleHead(r: Reader, value: unknown): BundleHead | ParseFailure {
  const b = r.obj(value, 'bundle');
  if (b.format !== BUNDLE_FORMAT) {
    return {
      ok: false,
      errors: [
        `format: expected "${BUNDLE_FORMAT}", got ${JSON.stringify(b.format ?? null)?.slice(0, 80)}`,
      ],
    };
  }
  if (b.version !== 1 && b.version !== 2 && b.version !== 3) {
    return {
      ok: false,
      errors: [
        `version: this verifier reads versions 1 to 3, the bundle says ${JSON.stringify(b.version ?? null)?.slice(0, 20)}`,
      ],
    };
  }
  const v1 = b.version === 1;
  const kind = b.kind === undefined && v1 ? scpJsonKind : kindById(r.str(b.kind, 'kind', 64));
  if (!kind)
    return { ok: false, errors: [`kind: no receipt kind ${JSON.stringify(b.kind)?.slice(0, 80)}`] };
  return { ok: true, b, version: b.version, v1, kind };
}

/** Step 3: the chain the bundle is about. */
function readChain(r: Reader, v: unknown): ReceiptBundleJson['chain'] {
  const c = r.obj(v, 'chain');
  return {
    name: r.str(c.name, 'chain.name', 200),
    genesisHash: toHex(r.hex(c.genesisHash, 'chain.genesisHash', 32)),
    ss58Prefix: r.int(c.ss58Prefix, 'chain.ss58Prefix', 16383),
  };
}

/**
 * Step 4: the record's bytes: stated (v2), or the canonical form of the record object (v1); the
 * record shown must be the one they carry, and name the bundle's record id.
 */
function readRecordBytes(
  r: Reader,
  b: Record<string, unknown>,
  v1: boolean,
  kind: ReceiptKind,
  recordId: string
): Uint8Array {
  let recordBytes: Uint8Array = new Uint8Array(0);
  if (b.record === undefined) r.err('record', 'missing');
  if (v1) {
    try {
      recordBytes = canonicalBytes(b.record);
    } catch {
      r.err('record', 'not representable in canonical JSON');
    }
  } else {
    const raw = parseBase64url(b.recordBytes, 2 * 1024 * 1024);
    if (!raw) r.err('recordBytes', 'expected base64url');
    else recordBytes = raw;
  }
  if (recordBytes.length > 1 << 20) r.err('recordBytes', 'larger than 1 MiB');
  // The record shown to readers must be the record checked.
  if (!v1 && r.errors.length === 0) {
    const shown = kind.readRecord(recordBytes);
    let same: boolean;
    try {
      same = toHex(canonicalBytes(shown)) === toHex(canonicalBytes(b.record));
    } catch {
      // Values JCS cannot carry (lone surrogates): the same JSON, key for key.
      same = JSON.stringify(shown) === JSON.stringify(b.record);
    }
    if (!same) r.err('record', 'differs from the record its recordBytes carry');
  }
  const stated = kind.statedId(recordBytes);
  if (stated !== null && stated !== recordId)
    r.err(
      'recordId',
      `the bundle names ${recordId.slice(0, 80)} but its record is ${stated.slice(0, 80)}`
    );
  return recordBytes;
}

/** Step 5: the record's inclusion proof in its batch. */
function readInclusion(r: Reader, v: unknown): ReceiptBundle['inclusion'] {
  const inc = r.obj(v, 'inclusion');
  return withSource(
    {
      batchIndex: r.int(inc.batchIndex, 'inclusion.batchIndex'),
      leafIndex: r.int(inc.leafIndex, 'inclusion.leafIndex'),
      leafCount: r.int(inc.leafCount, 'inclusion.leafCount'),
      proof: r.proof(inc.proof, 'inclusion.proof'),
      root: r.hex(inc.root, 'inclusion.root', 32),
      payloadUrls: r
        .arr(inc.payloadUrls ?? [], 'inclusion.payloadUrls', 16)
        .map((u, i) => r.str(u, `inclusion.payloadUrls[${i}]`, 2048)),
    },
    r.source(inc.source, 'inclusion.source')
  );
}

/** Step 6: the batch's anchor on chain (envelope, remark, block, the cluster's keys). */
function readAnchor(r: Reader, v: unknown): AnchorInput {
  const an = r.obj(v, 'anchor');
  const authority = readAnchorAuthority(r, an.authority);
  const anchor: AnchorInput = withSource(
    {
      envelope: r.hex(an.envelope, 'anchor.envelope'),
      remarkHash: r.hex(an.remarkHash, 'anchor.remarkHash', 32),
      sender:
        an.sender === null || an.sender === undefined
          ? null
          : r.hex(an.sender, 'anchor.sender', 32),
      block: readBlock(r, an.block, 'anchor.block'),
      authority,
    },
    r.source(an.source, 'anchor.source')
  );
  if (anchor.envelope.length > 1 << 20) r.err('anchor.envelope', 'larger than 1 MiB');
  return anchor;
}

/** Step 6a: the anchoring cluster's keys at the anchor's block (null: not known). */
function readAnchorAuthority(r: Reader, v: unknown): AnchorInput['authority'] {
  if (v === null || v === undefined) return null;
  const ao = r.obj(v, 'anchor.authority');
  return {
    clusterId: r.hex(ao.clusterId, 'anchor.authority.clusterId', 20),
    manager: ao.manager === null ? null : r.hex(ao.manager, 'anchor.authority.manager', 32),
    nodes: r.arr(ao.nodes, 'anchor.authority.nodes', 10_000).map((n, i) => {
      const no = r.obj(n, `anchor.authority.nodes[${i}]`);
      return {
        node: r.hex(no.node, `anchor.authority.nodes[${i}].node`, 32),
        provider:
          no.provider === null
            ? null
            : r.hex(no.provider, `anchor.authority.nodes[${i}].provider`, 32),
      };
    }),
  };
}

/** Step 7: the era's attestation evidence (votes, validator set, payout start, design, lists). */
function readAttestation(r: Reader, at: Record<string, unknown>, v1: boolean): AttestationParts {
  const votes = readVotes(r, at, v1);
  const validatorSet =
    at.validators === null
      ? null
      : withSource(
          {
            members: r
              .arr(at.validators, 'attestation.validators', 10_000)
              .map((v, i) => r.hex(v, `attestation.validators[${i}]`, 32)),
          },
          r.source(at.validatorSetSource, 'attestation.validatorSetSource')
        );
  let payout: EraSubjectInput['payout'] = null;
  if (at.payout !== null && at.payout !== undefined) {
    const po = r.obj(at.payout, 'attestation.payout');
    payout = withSource(
      { fingerprint: r.hex(po.fingerprint, 'attestation.payout.fingerprint', 32) },
      r.source(po.source, 'attestation.payout.source')
    );
  }
  let design: PayoutDesign = 'receipt';
  if (at.design !== undefined) {
    if (at.design === 'billing-report') design = 'billing-report';
    else r.err('attestation.design', 'expected "billing-report" or no field');
  }
  const billing =
    at.billing === undefined || at.billing === null
      ? null
      : readBillingEra(r, at.billing, 'attestation.billing');
  const committed = readCommitted(r, at.committed);
  const activity = readActivity(r, at.activity);
  return { validatorSet, votes, payout, activity, committed, design, billing };
}

/** Step 7a: the validators' fingerprint votes (a v1 bundle states one ehd_id for all). */
function readVotes(r: Reader, at: Record<string, unknown>, v1: boolean): FingerprintVote[] {
  const legacyEhd =
    v1 && at.ehdId !== null && at.ehdId !== undefined
      ? r.str(at.ehdId, 'attestation.ehdId', 512)
      : null;
  return r.arr(at.votes, 'attestation.votes', 10_000).map((v, i) => {
    const p = `attestation.votes[${i}]`;
    const o = r.obj(v, p);
    return withSource(
      {
        validator: r.hex(o.validator, `${p}.validator`, 32),
        payersRoot: r.hex(o.payersRoot, `${p}.payersRoot`, 32),
        payeesRoot: r.hex(o.payeesRoot, `${p}.payeesRoot`, 32),
        ehdId:
          o.ehdId === undefined || o.ehdId === null ? legacyEhd : r.str(o.ehdId, `${p}.ehdId`, 512),
        fingerprint:
          v1 || o.fingerprint === undefined || o.fingerprint === null
            ? null
            : r.hex(o.fingerprint, `${p}.fingerprint`, 32),
        ...(o.billing === undefined || o.billing === null
          ? {}
          : { billing: readBillingVote(r, o.billing, `${p}.billing`) }),
      },
      r.source(o.source, `${p}.source`)
    );
  });
}

/** Step 7b: the batch roots the payout sent on chain, per side (null: not stated). */
function readCommitted(r: Reader, v: unknown): EraSubjectInput['committed'] {
  if (v === undefined || v === null) return null;
  const co = r.obj(v, 'attestation.committed');
  const side = (s: unknown, p: string): CommittedSide => {
    const o = r.obj(s, p);
    const max =
      o.maxBatchIndex === null ? null : r.int(o.maxBatchIndex, `${p}.maxBatchIndex`, 0xffff);
    return {
      maxBatchIndex: max,
      batchRoots: r
        .arr(o.batchRoots, `${p}.batchRoots`, 0x10000)
        .map((h, i) => (h === null ? null : r.hex(h, `${p}.batchRoots[${i}]`, 32))),
    };
  };
  return {
    payers: side(co.payers, 'attestation.committed.payers'),
    payees: side(co.payees, 'attestation.committed.payees'),
  };
}

/** Step 7c: the payer and payee lists recomputed from the activity (null: not known). */
function readActivity(r: Reader, v: unknown): EraSubjectInput['activity'] {
  if (v === null) return null;
  const act = r.obj(v, 'attestation.activity');
  return {
    batchSize: Math.max(1, r.int(act.batchSize, 'attestation.activity.batchSize', 100_000)),
    payers: r.entries(act.payers, 'attestation.activity.payers'),
    payees: r.entries(act.payees, 'attestation.activity.payees'),
  };
}

/** Step 8: the era's settlement: paid, skipped or superseded, and the account's batches. */
function readSettlement(r: Reader, st: Record<string, unknown>): SettlementParts {
  if (st.paid === undefined)
    r.err('settlement.paid', 'missing (null when ClusterEraPaid was not emitted)');
  const paid =
    st.paid === null || st.paid === undefined
      ? null
      : (r.source(st.paid, 'settlement.paid') ?? null);
  let skipped = false;
  if (st.skipped !== undefined) {
    if (typeof st.skipped !== 'boolean') r.err('settlement.skipped', 'must be a boolean');
    else skipped = st.skipped;
    if (skipped && paid === null)
      r.err('settlement.skipped', 'an era can only be skipped by a ClusterEraPaid (paid is null)');
  }
  let superseded: EraSubjectInput['superseded'] = null;
  if (st.superseded !== null && st.superseded !== undefined) {
    const so = r.obj(st.superseded, 'settlement.superseded');
    superseded = withSource(
      { era: r.int(so.era, 'settlement.superseded.era') },
      r.source(so.source, 'settlement.superseded.source')
    );
  }
  const settlement = {
    payers: readBatch(r, st.payers, 'settlement.payers', 'payers'),
    payees: readBatch(r, st.payees, 'settlement.payees', 'payees'),
  };
  return { paid, skipped, superseded, settlement };
}

/** Step 9: the era's conservation totals and protocol shares. */
function readConservation(r: Reader, v: unknown): ConservationInput {
  const co = r.obj(v, 'conservation');
  let shares: ConservationInput['shares'] = null;
  if (co.shares !== null && co.shares !== undefined) {
    const s = r.obj(co.shares, 'conservation.shares');
    shares = {
      treasury: r.amount(s.treasury, 'conservation.shares.treasury'),
      validators: r.amount(s.validators, 'conservation.shares.validators'),
      reserve: r.amount(s.reserve, 'conservation.shares.reserve'),
    };
  }
  return withSource(
    {
      charged: r.amount(co.charged, 'conservation.charged'),
      treasuryFees: r.amount(co.treasuryFees, 'conservation.treasuryFees'),
      reserveFees: r.amount(co.reserveFees, 'conservation.reserveFees'),
      validatorFees: r.amount(co.validatorFees, 'conservation.validatorFees'),
      rewarded: r.amount(co.rewarded, 'conservation.rewarded'),
      notDistributed: r.amount(co.notDistributed, 'conservation.notDistributed'),
      shares,
    },
    r.source(co.source, 'conservation.source')
  );
}

/**
 * Step 10: what a bundle states twice must agree: the inclusion's root, size and batch index and
 * the era section's cluster and era are those of the batch the chain anchored (the lines use the
 * anchored envelope; a different copy beside it would mislead a reader).
 * (Only an envelope that matches the chain's hash is authoritative; a tampered one fails its
 * own line.)
 */
function checkAnchoredBatch(
  r: Reader,
  anchor: AnchorInput,
  inclusion: ReceiptBundle['inclusion'],
  eraCluster: Uint8Array,
  eraNo: number
): void {
  const env = decodeEnvelope(anchor.envelope);
  const anchored = equalBytes(blake2b256(anchor.envelope), anchor.remarkHash);
  if (r.errors.length === 0 && anchored && env.ok && env.value.kind === 'DacBatch') {
    const e = env.value;
    if (!equalBytes(e.root, inclusion.root))
      r.err('inclusion.root', "differs from the anchored envelope's root");
    if (e.leafCount !== inclusion.leafCount)
      r.err('inclusion.leafCount', "differs from the anchored envelope's leaf count");
    if (e.batchIndex !== inclusion.batchIndex)
      r.err('inclusion.batchIndex', "differs from the anchored envelope's batch index");
    if (!equalBytes(e.clusterId, eraCluster) || e.era !== eraNo)
      r.err('attestation', "names another cluster or era than the anchored batch's");
  }
}
