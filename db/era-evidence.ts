/**
 * The stored evidence of one era, read with plain SQL and returned as plain rows: what the
 * indexer's era verification (`indexer/eras.ts`) and the API's receipt bundles (`api/bundle.ts`)
 * both build the attestation, settlement and conservation inputs from. One reader for both, so a
 * bundle carries exactly the inputs the stored era lines were computed from. Hex, amounts and
 * 64-bit integers stay as the database returns them (text); callers convert. The row types are
 * the row contract's (db/rows.ts), narrowed where a column holds one of a few values.
 * @module
 */
import type { Rows } from './rows.ts';

/**
 * The id suffix of a `validator_set` row read from `DdcVerification.ValidatorSet` at a block
 * (`<height>-storage`; Cere 71000 keeps the session's set without an event), rather than from a
 * `ValidatorsSetUpdated` event (`<height>-<index>`).
 */
export const VALIDATOR_SET_READ = 'storage';

/**
 * The event (or extrinsic) index of a row id `<height>-<index>[-…]` as a number, for ordering
 * within a block (as text, 10 would sort before 9); -1 when it is not a number (`<height>-storage`).
 */
const INDEX_OF_ID = `(CASE WHEN split_part(id, '-', 2) ~ '^[0-9]{1,9}$'
  THEN split_part(id, '-', 2)::int ELSE -1 END)`;

/** What runs SQL: a `pg.Pool`, a `pg.Client` or a `pg.PoolClient`. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Where `ClusterEraPaid` was indexed: a `payout_line` of kind `paid`, or `skipped` when Root's
 * `force_skip_inspection` emitted it without a payout.
 */
export type PaidRow = Readonly<
  Pick<Rows['payout_line'], 'id' | 'block_height' | 'extrinsic_id'> & { kind: 'paid' | 'skipped' }
>;

/**
 * A vote as stored. `start_era`, `end_era`: a billing-report vote's (71000) era window, i64 as
 * text; null for a receipt vote. `cluster_usage`: a billing-report vote's usage as stored
 * (`{storedBytes, transferredBytes, numberOfPuts, numberOfGets}`, decimal strings); null for a
 * receipt vote, or when its call could not be decoded.
 */
export type VoteRow = Readonly<
  Pick<
    Rows['attestation_vote'],
    | 'id'
    | 'validator_id'
    | 'payers_root'
    | 'payees_root'
    | 'fingerprint'
    | 'ehd_id'
    | 'extrinsic_id'
    | 'start_era'
    | 'end_era'
  > & { cluster_usage: Record<string, unknown> | null }
>;

export type SharesRow = Readonly<
  Pick<Rows['cluster_protocol_params'], 'treasury_share' | 'validators_share' | 'reserve_share'>
>;

/**
 * A cluster's prices as stored (`cluster_protocol_params.pricing`, decimal strings; before 73177
 * `perMbStored` … `perGet` are the chain's `unit_per_*`). Read from jsonb, so every field may be
 * missing.
 */
export interface PricingRow {
  readonly perMbStored?: string;
  readonly perMbStreamed?: string;
  readonly perPut?: string;
  readonly perGet?: string;
  readonly perCpuMs?: string;
  readonly perGpuUnit?: string;
  readonly perRamUnit?: string;
}

/** A node and its provider (`node` row). */
export interface ProviderNodeRow {
  /** The node's 32-byte key, 0x-hex (`node.id`). */
  readonly node_id: Rows['node']['id'];
  readonly provider_id: Rows['node']['provider_id'];
}

/** An account's summed record costs in the era. */
export interface TotalRow {
  readonly account: string;
  /** numeric, as text */
  readonly total: string;
}

/** `bucket_id`: the bucket of a billing-report charge (71000 `Charged` / `ChargeFailed`). */
export type PayoutLineRow = Readonly<
  Pick<
    Rows['payout_line'],
    | 'id'
    | 'kind'
    | 'account_id'
    | 'amount'
    | 'expected'
    | 'batch_index'
    | 'extrinsic_id'
    | 'block_height'
    | 'bucket_id'
  >
>;

export interface PayoutBatchRow extends Readonly<
  Pick<Rows['payout_batch'], 'batch_index' | 'max_batch_index' | 'extrinsic_id' | 'block_height'>
> {
  readonly side: 'payers' | 'payees';
  /**
   * As sent in the batch extrinsic, in its order: `[account, amount]` pairs in a `receipt` batch;
   * `[key, usage]` pairs in a `billing-report` batch (key: bucket id as decimal text for payers,
   * node key as 0x-hex for payees; usage: `{storedBytes, …}` decimal strings). Typed as the
   * receipt's; a billing batch's must be read as `unknown`.
   */
  readonly entries: Array<[string, string]>;
  readonly proof: string[];
  /** The payout design of the batch's call: `receipt` (73000 on) or `billing-report` (71000). */
  readonly design: 'receipt' | 'billing-report';
}

/** `begin_payout(cluster_id, era_id, fingerprint)`. */
export type PayoutBeginRow = Readonly<
  Pick<Rows['payout_begin'], 'id' | 'fingerprint' | 'block_height'>
>;

/** `ValidatorsSetUpdated { validators }`: the set from its block on. */
export interface ValidatorSetRow extends Readonly<
  Pick<Rows['validator_set'], 'id' | 'block_height'>
> {
  /** Account ids, 0x-hex. */
  readonly members: string[];
}

/** The first later era of the cluster paid while this one was not. */
export type SupersededRow = Readonly<
  Pick<Rows['payout_line'], 'id' | 'extrinsic_id'> & { era: number }
>;

export interface EraEvidenceRows {
  /** Votes in chain order. */
  readonly votes: VoteRow[];
  /** The first `begin_payout` of the era, if any was indexed. */
  readonly begin: PayoutBeginRow | null;
  /**
   * The validator set in force when the payout began (at the `begin_payout` block; for an era
   * whose payout never began, at its last vote; else at `atHeight`): the latest
   * `ValidatorsSetUpdated` at or before it; null when none was indexed.
   */
  readonly validatorSet: ValidatorSetRow | null;
  /** Validator ids known at `atHeight` by their key registrations, in the order they joined. */
  readonly validators: string[];
  /** The cluster's protocol shares in force at `atHeight`, if any were indexed. */
  readonly shares: SharesRow | null;
  /** The cluster's prices in force at `atHeight` (the same params row as `shares`), if any. */
  readonly pricing: PricingRow | null;
  /** Every node indexed at `atHeight` with its provider, ordered by node key. */
  readonly providerNodes: ProviderNodeRow[];
  /** Summed costs per customer and per provider, ordered by account. */
  readonly byCustomer: TotalRow[];
  readonly byProvider: TotalRow[];
  /** Every payout line of the era, in chain order. */
  readonly lines: PayoutLineRow[];
  /** Every payout batch of the era, in chain order. */
  readonly batches: PayoutBatchRow[];
  /**
   * The runtime's spec version at the block the validator set is read at (the payout's begin, else
   * the last vote); null before any block is indexed.
   */
  readonly specVersion: number | null;
}

/** The era's `ClusterEraPaid`, a payout's or a skip's (the first, should there be several), or null. */
export async function readEraPaid(
  db: Queryable,
  clusterId: string,
  era: number
): Promise<PaidRow | null> {
  const r = await db.query(
    `SELECT id, block_height, extrinsic_id, kind FROM payout_line
      WHERE cluster_id = $1 AND era = $2 AND kind IN ('paid', 'skipped')
      ORDER BY block_height LIMIT 1`,
    [clusterId, era]
  );
  return (r.rows[0] as PaidRow | undefined) ?? null;
}

/**
 * The era's stored evidence. Validators and protocol shares are those in force at `atHeight`
 * (the block of `ClusterEraPaid`); with null (an era not paid yet), all indexed so far.
 */
export async function readEraEvidence(
  db: Queryable,
  clusterId: string,
  era: number,
  atHeight: number | null
): Promise<EraEvidenceRows> {
  const at = atHeight ?? 2 ** 31 - 1;
  const votes = (
    await db.query(
      `SELECT id, validator_id, payers_root, payees_root, fingerprint, ehd_id, extrinsic_id,
              start_era::text AS start_era, end_era::text AS end_era, cluster_usage
         FROM attestation_vote WHERE cluster_id = $1 AND era = $2
        ORDER BY block_height, split_part(id, '-', 2)::int`,
      [clusterId, era]
    )
  ).rows as VoteRow[];
  const begin =
    ((
      await db.query(
        `SELECT id, fingerprint, block_height FROM payout_begin WHERE cluster_id = $1 AND era = $2
          ORDER BY block_height, split_part(id, '-', 2)::int LIMIT 1`,
        [clusterId, era]
      )
    ).rows[0] as PayoutBeginRow | undefined) ?? null;
  // The set when the payout began; for an era whose payout never began, when its last vote came.
  const lastVote = votes.at(-1);
  const setAt = begin ? begin.block_height : lastVote ? Number(lastVote.id.split('-')[0]) : at;
  const validatorSet =
    ((
      await db.query(
        `SELECT id, members, block_height FROM validator_set WHERE block_height <= $1
          ORDER BY block_height DESC, ${INDEX_OF_ID} DESC LIMIT 1`,
        [setAt]
      )
    ).rows[0] as ValidatorSetRow | undefined) ?? null;
  const validators = (
    await db.query(
      `SELECT id FROM validator WHERE block_height <= $1
        ORDER BY block_height, split_part(event_id, '-', 2)::int`,
      [at]
    )
  ).rows.map((r) => (r as { id: string }).id);
  const params =
    ((
      await db.query(
        `SELECT treasury_share::text AS treasury_share, validators_share::text AS validators_share,
                reserve_share::text AS reserve_share, pricing
           FROM cluster_protocol_params
          WHERE cluster_id = $1 AND block_height <= $2 ORDER BY block_height DESC LIMIT 1`,
        [clusterId, at]
      )
    ).rows[0] as (SharesRow & { pricing: PricingRow | null }) | undefined) ?? null;
  const shares: SharesRow | null = params
    ? {
        treasury_share: params.treasury_share,
        validators_share: params.validators_share,
        reserve_share: params.reserve_share,
      }
    : null;
  const pricing = params?.pricing ?? null;
  const providerNodes = (
    await db.query(
      `SELECT id AS node_id, provider_id FROM node WHERE block_height <= $1 ORDER BY id`,
      [at]
    )
  ).rows as ProviderNodeRow[];
  const sums = async (column: 'customer_id' | 'provider_id'): Promise<TotalRow[]> =>
    (
      await db.query(
        `SELECT ${column} AS account, sum(cost)::text AS total FROM activity_record
          WHERE cluster_id = $1 AND era = $2 AND cost IS NOT NULL
          GROUP BY ${column} ORDER BY ${column}`,
        [clusterId, era]
      )
    ).rows as TotalRow[];
  const byCustomer = await sums('customer_id');
  const byProvider = await sums('provider_id');
  const lines = (
    await db.query(
      `SELECT id, kind, account_id, amount::text AS amount, expected::text AS expected, batch_index,
              extrinsic_id, block_height, bucket_id::text AS bucket_id
         FROM payout_line WHERE cluster_id = $1 AND era = $2
        ORDER BY block_height, ${INDEX_OF_ID}, id`,
      [clusterId, era]
    )
  ).rows as PayoutLineRow[];
  const batches = (
    await db.query(
      `SELECT side, batch_index, max_batch_index, entries, proof, extrinsic_id, block_height, design
         FROM payout_batch WHERE cluster_id = $1 AND era = $2 ORDER BY block_height, batch_index`,
      [clusterId, era]
    )
  ).rows as PayoutBatchRow[];
  const specVersion =
    (
      (
        await db.query(
          `SELECT spec_version FROM block WHERE height <= $1 ORDER BY height DESC LIMIT 1`,
          [setAt]
        )
      ).rows[0] as { spec_version: number } | undefined
    )?.spec_version ?? null;
  return {
    votes,
    begin,
    validatorSet,
    validators,
    shares,
    pricing,
    providerNodes,
    byCustomer,
    byProvider,
    lines,
    batches,
    specVersion,
  };
}

/** The first later era of the cluster whose `ClusterEraPaid` (paid or skipped) was indexed, or null. */
export async function readSuperseded(
  db: Queryable,
  clusterId: string,
  era: number
): Promise<SupersededRow | null> {
  const r = await db.query(
    `SELECT era, id, extrinsic_id FROM payout_line
      WHERE cluster_id = $1 AND era > $2 AND kind IN ('paid', 'skipped')
      ORDER BY block_height, era LIMIT 1`,
    [clusterId, era]
  );
  return (r.rows[0] as SupersededRow | undefined) ?? null;
}

/** Protocol shares as Perquintill parts (10^18 = 100%). */
export interface SharesParts {
  readonly treasury: bigint;
  readonly validators: bigint;
  readonly reserve: bigint;
}

/** The era's protocol shares as numbers, or null when none were indexed. */
export function sharesOf(ev: EraEvidenceRows): SharesParts | null {
  const s = ev.shares;
  return s
    ? {
        treasury: BigInt(s.treasury_share),
        validators: BigInt(s.validators_share),
        reserve: BigInt(s.reserve_share),
      }
    : null;
}

/** Per-account totals as (32-byte account, amount) pairs, in the order read (by account). */
export function totalsOf(rows: readonly TotalRow[]): Array<[Uint8Array, bigint]> {
  return rows.map((r) => [
    Uint8Array.from(Buffer.from(r.account.slice(2), 'hex')),
    BigInt(r.total),
  ]);
}

/** Where a stored event came from, from its id `<block>-<index>` (a receipt line's `source`). */
export function eventSource(
  id: string,
  extrinsic?: string | null
): { block: number; eventIndex: number; extrinsic?: string } {
  const [b, i] = id.split('-').map(Number);
  return { block: b!, eventIndex: i!, ...(extrinsic ? { extrinsic } : {}) };
}

/** A side's `max_batch_index`: the last `begin_charging_customers` / `begin_rewarding_providers`. */
export function maxBatchIndexOf(ev: EraEvidenceRows, side: 'payers' | 'payees'): number | null {
  const m = ev.lines.filter((l) => l.kind === `max-batch-${side}`).at(-1);
  return m ? m.batch_index : null;
}
