/**
 * The portable receipt bundle of one indexed activity record (format `proofroom/receipt-bundle`,
 * version 1; `verifier/bundle.ts` parses it, docs/spec.md §Receipt bundle describes it), assembled
 * from the indexer's database. A pure data function: SQL in, JSON out; the HTTP layer serves it as
 * `GET /v1/receipts/:id`.
 *
 * Every input is the one the indexer verified the record with, so `verifyReceipt` on the bundle
 * gives the lines stored for the record, its batch's anchor, its era and its settlement subjects:
 * - grant versions as the indexer hands them to its batch workers (`gar_grant` of the pair,
 *   first sighting of each version, in version order);
 * - the record's exact stored bytes, its leaf position and MMR proof (`activity_record.proof`;
 *   recomputed from the batch's stored records on rows indexed before that column existed);
 * - the anchor from the batch's remark and block, as the indexer checks anchors;
 * - the era inputs read by the same reader as the indexer's era verification
 *   (`db/era-evidence.ts`).
 * @module
 */
import {
  type EraEvidenceRows,
  type PaidRow,
  type Queryable,
  readEraEvidence,
  readEraPaid,
  eventSource,
  sharesOf,
  totalsOf,
} from '../db/era-evidence.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION } from '../verifier/bundle.ts';
import { parseHex, toHex } from '../verifier/bytes.ts';
import { parsePublicKey } from '../verifier/encoding.ts';
import { blake2b256 } from '../verifier/hash.ts';
import type { Source } from '../verifier/lines.ts';
import { mmrProof } from '../verifier/mmr.ts';
import { cereMerge } from '../verifier/payout-tree.ts';
import { eraPayoutListsFromTotals } from '../verifier/receipts/activity.ts';

export type { Queryable } from '../db/era-evidence.ts';

/** Cere's MAX_PAYOUT_BATCH_SIZE, the indexer's default (`PROOFROOM_PAYOUT_BATCH_SIZE`). */
export const DEFAULT_PAYOUT_BATCH_SIZE = 100;
/** The SS58 prefix a bundle names when the indexer has not recorded the chain's (Cere's). */
export const FALLBACK_SS58_PREFIX = 54;

export interface BundleOptions {
  /**
   * The payout batch size the era roots are recomputed with; must be the indexer's
   * `PROOFROOM_PAYOUT_BATCH_SIZE`. Default {@link DEFAULT_PAYOUT_BATCH_SIZE}.
   */
  readonly payoutBatchSize?: number;
  /** Storage node base URLs, listed as further places to fetch the batch payload from. */
  readonly storageUrls?: readonly string[];
  /** Reads an era's evidence (default: straight from the database; the API passes its cache). */
  readonly readEra?: (
    db: Queryable,
    clusterId: string,
    era: number
  ) => Promise<{ paid: PaidRow | null; evidence: EraEvidenceRows }>;
}

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

export interface VoteJson {
  readonly validator: string;
  readonly payersRoot: string;
  readonly payeesRoot: string;
  readonly fingerprint: string | null;
  readonly source?: Source;
}

/** A receipt bundle as JSON: bytes are 0x-hex, amounts decimal strings (what `parseBundle` reads). */
export interface ReceiptBundleJson {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: typeof BUNDLE_VERSION;
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
      readonly source: { readonly url: string };
    }>;
  };
  /** The record as signed: its stored bytes parsed as JSON (the raw text if they are not JSON). */
  readonly record: unknown;
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
    readonly block: { readonly number: number; readonly hash: string; readonly finalized: boolean };
    readonly source: Source;
  };
  readonly attestation: {
    readonly clusterId: string;
    readonly era: number;
    readonly ehdId: string | null;
    readonly validators: readonly string[];
    readonly votes: readonly VoteJson[];
    readonly activity: {
      readonly batchSize: number;
      readonly payers: readonly PayoutEntryJson[];
      readonly payees: readonly PayoutEntryJson[];
    };
  };
  readonly settlement: {
    readonly paid: Source | null;
    readonly payers: BatchEvidenceJson;
    readonly payees: BatchEvidenceJson;
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
}

/** The record's row with its batch, the batch's remark and block. */
interface RecordRow {
  id: string;
  record_id: string;
  batch_id: string;
  leaf_index: number;
  cluster_id: string | null;
  era: number | null;
  customer_id: string | null;
  provider_id: string | null;
  raw: Buffer;
  proof: Buffer | null;
  batch_cluster_id: string;
  batch_era: number;
  batch_index: number;
  leaf_count: number;
  root: string;
  payload_hash: string;
  payload_url: string | null;
  block_height: number;
  envelope: Buffer | null;
  remark_hash: string | null;
  event_index: number | null;
  extrinsic_id: string | null;
  block_hash: string | null;
  final: boolean | null;
}

const ZERO_HASH = `0x${'00'.repeat(32)}`;
const MAX_PAYLOAD_URLS = 16;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The stored record bytes as the indexer's worker read them: JSON, or else the raw text. */
export function recordOf(raw: Buffer): { value: unknown; object: Record<string, unknown> } {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(raw));
  } catch {
    value = raw.toString('utf8');
  }
  const object =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  return { value, object };
}

/**
 * The grant versions of the record's (user, agent) pair, as the indexer gives them to its batch
 * workers (`addGrants` in indexer/batch-worker.ts): keyed by the keys the record names, the first
 * sighting (lowest seq) of each version, in version order.
 */
async function grantVersions(
  db: Queryable,
  record: Record<string, unknown>
): Promise<ReceiptBundleJson['grant']['versions']> {
  const user = parsePublicKey(record.user);
  const agent = parsePublicKey(record.agent);
  if (!user || !agent) return [];
  const rows = (
    await db.query(
      `SELECT payload, signature, url FROM gar_grant WHERE user_id = $1 AND agent_id = $2 ORDER BY seq`,
      [toHex(user), toHex(agent)]
    )
  ).rows as Array<{ payload: string; signature: string; url: string }>;
  const byVersion = new Map<number, ReceiptBundleJson['grant']['versions'][number]>();
  for (const r of rows) {
    const version = Number(r.url.slice(r.url.lastIndexOf('#') + 1));
    if (byVersion.has(version)) continue;
    let signature: unknown;
    try {
      signature = JSON.parse(r.signature);
    } catch {
      signature = r.signature;
    }
    byVersion.set(version, { payload: r.payload, signature, source: { url: r.url } });
  }
  return [...byVersion.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** The record's MMR proof: stored, or recomputed from the batch's stored records. */
async function inclusionProof(db: Queryable, row: RecordRow): Promise<string[]> {
  if (row.proof !== null && row.proof.length % 32 === 0) {
    const items: string[] = [];
    for (let o = 0; o < row.proof.length; o += 32) items.push(toHex(row.proof.subarray(o, o + 32)));
    return items;
  }
  const leaves = (
    await db.query(
      `SELECT leaf_index, raw FROM activity_record WHERE batch_id = $1 ORDER BY leaf_index`,
      [row.batch_id]
    )
  ).rows as Array<{ leaf_index: number; raw: Buffer }>;
  // Every leaf must be there, in place; otherwise there is no proof to give (the check fails).
  if (leaves.length !== row.leaf_count || leaves.some((l, i) => l.leaf_index !== i)) return [];
  return mmrProof(
    leaves.map((l) => blake2b256(l.raw)),
    row.leaf_index,
    cereMerge
  ).map(toHex);
}

const hex32 = (s: string): Uint8Array => parseHex(s, 32) ?? new Uint8Array(32);
const entryJson = (e: { account: Uint8Array; amount: bigint }): PayoutEntryJson => ({
  account: toHex(e.account),
  amount: e.amount.toString(),
});

/**
 * The batch evidence of one account on one side, exactly as indexer/eras.ts builds it for the
 * account's settlement subject: the first batch of that side listing the account, the era's last
 * announced max batch index, the account's charge or reward events of that batch.
 */
function batchEvidence(
  ev: EraEvidenceRows,
  side: 'payers' | 'payees',
  account: string | null
): BatchEvidenceJson {
  const m = ev.lines.filter((l) => l.kind === `max-batch-${side}`).at(-1);
  const maxIndex = m ? m.batch_index : null;
  const batch =
    account === null
      ? undefined
      : ev.batches.find((b) => b.side === side && b.entries.some(([a]) => a === account));
  if (!batch)
    return { batchIndex: 0, maxBatchIndex: maxIndex ?? 0, entries: [], proof: [], events: [] };
  const kind = side === 'payers' ? 'charge' : 'reward';
  return {
    batchIndex: batch.batch_index,
    maxBatchIndex: maxIndex ?? batch.max_batch_index,
    entries: batch.entries.map(([a, amount]) => ({
      account: toHex(hex32(a)),
      amount: BigInt(amount).toString(),
    })),
    proof: batch.proof.map((p) => toHex(hex32(p))),
    events: ev.lines
      .filter(
        (l) => l.kind === kind && l.account_id === account && l.batch_index === batch.batch_index
      )
      .map((l) => ({
        account: account!,
        amount: l.amount,
        expected: l.expected,
        source: eventSource(l.id),
      })),
    source: { block: batch.block_height, extrinsic: batch.extrinsic_id },
  };
}

/**
 * The receipt bundle of the activity record `activityRecordId` (`activity_record.id`, i.e.
 * `<batch id>:<leaf index>`), or null when there is no such record.
 *
 * Era steps of an era that is not paid yet (no `ClusterEraPaid` indexed): `settlement.paid` is
 * null, and the rest holds what is indexed so far: votes, validators and shares known now, the
 * activity of the era's records, payout batches and lines if any (empty lists otherwise). The
 * verifier then fails the steps that need the missing evidence (`settlement.paid` NOT_PAID, and
 * whatever else is absent); the indexer has stored no era lines for such an era yet.
 *
 * A record whose stored bytes are not JSON is carried as their text, so the bundle stays valid and
 * the verifier reports the record as malformed (the indexer's own lines for it may name another
 * code: it checked a missing value rather than a string).
 *
 * With a `pg.Pool`, each query sees the latest commit; pass a client inside a `REPEATABLE READ`
 * transaction to read one snapshot while the indexer writes.
 */
export async function buildReceiptBundle(
  db: Queryable,
  activityRecordId: string,
  opts: BundleOptions = {}
): Promise<ReceiptBundleJson | null> {
  const row = (
    await db.query(
      `SELECT a.id, a.record_id, a.batch_id, a.leaf_index, a.cluster_id, a.era, a.customer_id,
              a.provider_id, a.raw, a.proof, d.cluster_id AS batch_cluster_id, d.era AS batch_era,
              d.batch_index, d.leaf_count, d.root, d.payload_hash, d.payload_url, d.block_height,
              r.envelope, r.hash AS remark_hash, r.event_index, r.extrinsic_id,
              b.hash AS block_hash, b.final
         FROM activity_record a
         JOIN dac_batch d ON d.id = a.batch_id
         LEFT JOIN remark r ON r.id = d.remark_id
         LEFT JOIN block b ON b.height = d.block_height
        WHERE a.id = $1`,
      [activityRecordId]
    )
  ).rows[0] as RecordRow | undefined;
  if (!row) return null;

  const record = recordOf(row.raw);
  const chain = await chainOf(db);
  const versions = await grantVersions(db, record.object);
  const proof = await inclusionProof(db, row);

  const storage = (opts.storageUrls ?? []).map(
    (u) => `${u.replace(/\/$/, '')}/v1/payloads/${row.payload_hash}`
  );
  const payloadUrls = [
    ...new Set([...(row.payload_url ? [row.payload_url] : []), ...storage]),
  ].slice(0, MAX_PAYLOAD_URLS);

  // The era the record names (the batch's when the record is unreadable), as the indexer keys it.
  const clusterId = row.cluster_id ?? row.batch_cluster_id;
  const era = row.era ?? row.batch_era;
  let paid: PaidRow | null;
  let ev: EraEvidenceRows;
  if (opts.readEra) ({ paid, evidence: ev } = await opts.readEra(db, clusterId, era));
  else {
    paid = await readEraPaid(db, clusterId, era);
    ev = await readEraEvidence(db, clusterId, era, paid ? paid.block_height : null);
  }
  const sharesRow = ev.shares;
  const shares = sharesOf(ev);
  const lists = eraPayoutListsFromTotals(
    totalsOf(ev.byCustomer),
    totalsOf(ev.byProvider),
    shares ?? { treasury: 0n, validators: 0n, reserve: 0n }
  );
  const total = (kind: string): string =>
    ev.lines
      .filter((l) => l.kind === kind)
      .reduce((s, l) => s + BigInt(l.amount), 0n)
      .toString();
  const firstFee = ev.lines.find((l) => l.kind.startsWith('fee-'));

  const height = row.block_height;
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    recordId: row.record_id,
    chain,
    grant: { versions },
    record: record.value,
    inclusion: {
      batchIndex: row.batch_index,
      leafIndex: row.leaf_index,
      leafCount: row.leaf_count,
      proof,
      root: row.root,
      payloadUrls,
      ...(row.payload_url ? { source: { url: row.payload_url } } : {}),
    },
    anchor: {
      envelope: toHex(row.envelope ?? new Uint8Array(0)),
      remarkHash: row.remark_hash ?? ZERO_HASH,
      block: { number: height, hash: row.block_hash ?? ZERO_HASH, finalized: row.final === true },
      source: {
        block: height,
        eventIndex: row.event_index ?? 0,
        extrinsic: row.extrinsic_id ?? `${height}-?`,
      },
    },
    attestation: {
      clusterId,
      era,
      ehdId: ev.votes.find((v) => v.ehd_id !== null)?.ehd_id ?? null,
      validators: ev.validators.map((v) => toHex(hex32(v))),
      votes: ev.votes.map((v) => ({
        validator: toHex(hex32(v.validator_id)),
        payersRoot: toHex(hex32(v.payers_root)),
        payeesRoot: toHex(hex32(v.payees_root)),
        fingerprint: v.fingerprint ? toHex(hex32(v.fingerprint)) : null,
        source: eventSource(v.id, v.extrinsic_id),
      })),
      activity: {
        batchSize: opts.payoutBatchSize ?? DEFAULT_PAYOUT_BATCH_SIZE,
        payers: lists.payers.map(entryJson),
        payees: lists.payees.map(entryJson),
      },
    },
    settlement: {
      paid: paid ? eventSource(paid.id, paid.extrinsic_id) : null,
      payers: batchEvidence(ev, 'payers', row.customer_id),
      payees: batchEvidence(ev, 'payees', row.provider_id),
    },
    conservation: {
      charged: total('charge'),
      treasuryFees: total('fee-treasury'),
      reserveFees: total('fee-reserve'),
      validatorFees: total('fee-validators'),
      rewarded: total('reward'),
      notDistributed: total('not-distributed'),
      shares: sharesRow
        ? {
            treasury: BigInt(sharesRow.treasury_share).toString(),
            validators: BigInt(sharesRow.validators_share).toString(),
            reserve: BigInt(sharesRow.reserve_share).toString(),
          }
        : null,
      ...(firstFee ? { source: eventSource(firstFee.id) } : {}),
    },
  };
}

/** The chain the indexer recorded (`chain_info`), else fallbacks: genesis from block 0. */
async function chainOf(db: Queryable): Promise<ReceiptBundleJson['chain']> {
  const info = (
    await db.query(`SELECT name, genesis_hash, ss58_prefix FROM chain_info WHERE id = 'main'`)
  ).rows[0] as { name: string; genesis_hash: string; ss58_prefix: number | null } | undefined;
  if (info)
    return {
      name: info.name,
      genesisHash: info.genesis_hash,
      ss58Prefix: info.ss58_prefix ?? FALLBACK_SS58_PREFIX,
    };
  const genesis = (await db.query(`SELECT hash FROM block WHERE height = 0`)).rows[0] as
    { hash: string } | undefined;
  return {
    name: 'unknown',
    genesisHash: genesis?.hash ?? ZERO_HASH,
    ss58Prefix: FALLBACK_SS58_PREFIX,
  };
}
