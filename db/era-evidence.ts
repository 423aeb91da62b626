/**
 * The stored evidence of one era, read with plain SQL and returned as plain rows: what the
 * indexer's era verification (`indexer/eras.ts`) and the API's receipt bundles (`api/bundle.ts`)
 * both build the attestation, settlement and conservation inputs from. One reader for both, so a
 * bundle carries exactly the inputs the stored era lines were computed from. Hex, amounts and
 * 64-bit integers stay as the database returns them (text); callers convert.
 * @module
 */

/** What runs SQL: a `pg.Pool`, a `pg.Client` or a `pg.PoolClient`. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Where `ClusterEraPaid` was indexed (a `payout_line` of kind `paid`). */
export interface PaidRow {
  /** The event's id, `<block>-<index>`. */
  readonly id: string;
  readonly block_height: number;
  readonly extrinsic_id: string | null;
}

export interface VoteRow {
  /** The event's id, `<block>-<index>`. */
  readonly id: string;
  readonly validator_id: string;
  readonly payers_root: string;
  readonly payees_root: string;
  readonly fingerprint: string | null;
  readonly ehd_id: string | null;
  readonly extrinsic_id: string | null;
}

export interface SharesRow {
  readonly treasury_share: string;
  readonly validators_share: string;
  readonly reserve_share: string;
}

/** An account's summed record costs in the era. */
export interface TotalRow {
  readonly account: string;
  /** numeric, as text */
  readonly total: string;
}

export interface PayoutLineRow {
  /** The event's id, `<block>-<index>`. */
  readonly id: string;
  readonly kind: string;
  readonly account_id: string | null;
  readonly amount: string;
  readonly expected: string | null;
  readonly batch_index: number | null;
  readonly extrinsic_id: string | null;
  readonly block_height: number;
}

export interface PayoutBatchRow {
  readonly side: 'payers' | 'payees';
  readonly batch_index: number;
  readonly max_batch_index: number;
  /** `[account, amount]` pairs as sent in the batch extrinsic, in its order. */
  readonly entries: Array<[string, string]>;
  readonly proof: string[];
  readonly extrinsic_id: string;
  readonly block_height: number;
}

/** `begin_payout(cluster_id, era_id, fingerprint)`. */
export interface PayoutBeginRow {
  readonly id: string;
  readonly fingerprint: string;
  readonly block_height: number;
}

/** `ValidatorsSetUpdated { validators }`: the set from its block on. */
export interface ValidatorSetRow {
  readonly id: string;
  readonly members: string[];
  readonly block_height: number;
}

/** The first later era of the cluster paid while this one was not. */
export interface SupersededRow {
  readonly era: number;
  readonly id: string;
  readonly extrinsic_id: string | null;
}

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

/** The era's `ClusterEraPaid` (the first one, should there be several), or null. */
export async function readEraPaid(
  db: Queryable,
  clusterId: string,
  era: number
): Promise<PaidRow | null> {
  const r = await db.query(
    `SELECT id, block_height, extrinsic_id FROM payout_line
      WHERE cluster_id = $1 AND era = $2 AND kind = 'paid' ORDER BY block_height LIMIT 1`,
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
      `SELECT id, validator_id, payers_root, payees_root, fingerprint, ehd_id, extrinsic_id
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
          ORDER BY block_height DESC, split_part(id, '-', 2)::int DESC LIMIT 1`,
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
  const shares =
    ((
      await db.query(
        `SELECT treasury_share::text AS treasury_share, validators_share::text AS validators_share,
                reserve_share::text AS reserve_share
           FROM cluster_protocol_params
          WHERE cluster_id = $1 AND block_height <= $2 ORDER BY block_height DESC LIMIT 1`,
        [clusterId, at]
      )
    ).rows[0] as SharesRow | undefined) ?? null;
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
              extrinsic_id, block_height
         FROM payout_line WHERE cluster_id = $1 AND era = $2
        ORDER BY block_height, split_part(id, '-', 2)`,
      [clusterId, era]
    )
  ).rows as PayoutLineRow[];
  const batches = (
    await db.query(
      `SELECT side, batch_index, max_batch_index, entries, proof, extrinsic_id, block_height
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
    byCustomer,
    byProvider,
    lines,
    batches,
    specVersion,
  };
}

/** The first later era of the cluster whose `ClusterEraPaid` was indexed, or null. */
export async function readSuperseded(
  db: Queryable,
  clusterId: string,
  era: number
): Promise<SupersededRow | null> {
  const r = await db.query(
    `SELECT era, id, extrinsic_id FROM payout_line
      WHERE cluster_id = $1 AND era > $2 AND kind = 'paid' ORDER BY block_height, era LIMIT 1`,
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
