/**
 * Bulk writes for the indexer: one `INSERT … SELECT FROM unnest(…)` per table and chunk, with every
 * column sent as one typed array parameter. That is a handful of statements per processor batch
 * however many rows it holds, with no statement names (PGlite shares one session between all
 * connections, so named prepared statements would collide).
 * @module
 */
import type { Pool, PoolClient } from 'pg';
import type { ChainInfo } from './fetch.ts';

type PgType =
  'text' | 'int4' | 'int8' | 'bool' | 'numeric' | 'json' | 'jsonb' | 'bytea' | 'timestamptz';

/** Columns the indexer writes, per table, in row order. */
export const COLUMNS = {
  hot_block: [
    ['height', 'int4'],
    ['hash', 'text'],
  ],
  block: [
    ['height', 'int4'],
    ['hash', 'text'],
    ['parent_hash', 'text'],
    ['timestamp', 'timestamptz'],
    ['spec_version', 'int4'],
    ['indexed_extrinsics', 'int4'],
    ['indexed_events', 'int4'],
    ['final', 'bool'],
  ],
  chain_extrinsic: [
    ['id', 'text'],
    ['block_height', 'int4'],
    ['index', 'int4'],
    ['hash', 'text'],
    ['name', 'text'],
    ['signer', 'text'],
    ['success', 'bool'],
    ['args', 'jsonb'],
  ],
  chain_event: [
    ['id', 'text'],
    ['block_height', 'int4'],
    ['index', 'int4'],
    ['extrinsic_index', 'int4'],
    ['name', 'text'],
    ['args', 'jsonb'],
  ],
  cluster: [
    ['id', 'text'],
    ['manager', 'text'],
    ['reserve', 'text'],
    ['params', 'jsonb'],
    ['block_height', 'int4'],
    ['event_id', 'text'],
  ],
  cluster_protocol_params: [
    ['id', 'text'],
    ['cluster_id', 'text'],
    ['treasury_share', 'numeric'],
    ['validators_share', 'numeric'],
    ['reserve_share', 'numeric'],
    ['pricing', 'jsonb'],
    ['block_height', 'int4'],
  ],
  provider: [
    ['id', 'text'],
    ['block_height', 'int4'],
  ],
  node: [
    ['id', 'text'],
    ['kind', 'text'],
    ['provider_id', 'text'],
    ['params', 'jsonb'],
    ['block_height', 'int4'],
    ['event_id', 'text'],
  ],
  cluster_node_event: [
    ['id', 'text'],
    ['cluster_id', 'text'],
    ['node_id', 'text'],
    ['kind', 'text'],
    ['block_height', 'int4'],
  ],
  customer: [
    ['id', 'text'],
    ['block_height', 'int4'],
  ],
  customer_deposit: [
    ['id', 'text'],
    ['customer_id', 'text'],
    ['cluster_id', 'text'],
    ['amount', 'numeric'],
    ['block_height', 'int4'],
  ],
  bucket: [
    ['id', 'numeric'],
    ['owner_id', 'text'],
    ['cluster_id', 'text'],
    ['params', 'jsonb'],
    ['block_height', 'int4'],
  ],
  validator: [
    ['id', 'text'],
    ['block_height', 'int4'],
    ['event_id', 'text'],
  ],
  gar_grant: [
    ['seq', 'int8'],
    ['user_id', 'text'],
    ['agent_id', 'text'],
    ['payload', 'text'],
    ['signature', 'text'],
    ['payload_hash', 'text'],
    ['created_at', 'timestamptz'],
    ['expires_at', 'timestamptz'],
    ['revoked', 'bool'],
    ['scope', 'jsonb'],
    ['url', 'text'],
    ['parse_code', 'text'],
  ],
  remark: [
    ['id', 'text'],
    ['block_height', 'int4'],
    ['event_index', 'int4'],
    ['extrinsic_id', 'text'],
    ['sender', 'text'],
    ['hash', 'text'],
    ['envelope', 'bytea'],
    ['kind', 'text'],
    ['code', 'text'],
  ],
  gar_anchor_entry: [
    ['id', 'text'],
    ['remark_id', 'text'],
    ['position', 'int4'],
    ['payload_hash', 'text'],
    ['block_height', 'int4'],
    ['pair_id', 'text'],
  ],
  payout_begin: [
    ['id', 'text'],
    ['cluster_id', 'text'],
    ['era', 'int4'],
    ['fingerprint', 'text'],
    ['block_height', 'int4'],
  ],
  validator_set: [
    ['id', 'text'],
    ['members', 'jsonb'],
    ['block_height', 'int4'],
  ],
  dac_batch: [
    ['id', 'text'],
    ['remark_id', 'text'],
    ['cluster_id', 'text'],
    ['era', 'int4'],
    ['batch_index', 'int4'],
    ['record_format', 'int4'],
    ['leaf_count', 'int4'],
    ['root', 'text'],
    ['payload_hash', 'text'],
    ['payload_status', 'text'],
    ['payload_url', 'text'],
    ['payload_size', 'int4'],
    ['fetch_attempts', 'int4'],
    ['records_failed', 'int4'],
    ['block_height', 'int4'],
  ],
  activity_record: [
    ['id', 'text'],
    ['record_id', 'text'],
    ['batch_id', 'text'],
    ['leaf_index', 'int4'],
    ['cluster_id', 'text'],
    ['era', 'int4'],
    ['user_id', 'text'],
    ['agent_id', 'text'],
    ['customer_id', 'text'],
    ['provider_id', 'text'],
    ['node_id', 'text'],
    ['timestamp', 'timestamptz'],
    ['cost', 'numeric'],
    ['usage', 'jsonb'],
    ['raw', 'bytea'],
    ['ok', 'bool'],
    ['failed', 'int4'],
    ['block_height', 'int4'],
    ['proof', 'bytea'],
    ['pending', 'int4'],
    ['links_height', 'int4'],
    ['gar_cursor', 'int8'],
    ['gar_complete', 'bool'],
  ],
  attestation_vote: [
    ['id', 'text'],
    ['cluster_id', 'text'],
    ['era', 'int4'],
    ['validator_id', 'text'],
    ['payers_root', 'text'],
    ['payees_root', 'text'],
    ['fingerprint', 'text'],
    ['ehd_id', 'text'],
    ['extrinsic_id', 'text'],
    ['block_height', 'int4'],
    ['start_era', 'int8'],
    ['end_era', 'int8'],
    ['cluster_usage', 'jsonb'],
  ],
  attestation_round: [
    ['id', 'text'],
    ['cluster_id', 'text'],
    ['era', 'int4'],
    ['ehd_id', 'text'],
    ['validators', 'int4'],
    ['threshold', 'int4'],
    ['agreeing', 'int4'],
    ['quorum', 'bool'],
    ['payers_root', 'text'],
    ['payees_root', 'text'],
    ['roots_match', 'bool'],
    ['block_height', 'int4'],
  ],
  payout_batch: [
    ['id', 'text'],
    ['cluster_id', 'text'],
    ['era', 'int4'],
    ['side', 'text'],
    ['batch_index', 'int4'],
    ['max_batch_index', 'int4'],
    ['entries', 'jsonb'],
    ['proof', 'jsonb'],
    ['extrinsic_id', 'text'],
    ['block_height', 'int4'],
    ['design', 'text'],
  ],
  payout_line: [
    ['id', 'text'],
    ['cluster_id', 'text'],
    ['era', 'int4'],
    ['kind', 'text'],
    ['account_id', 'text'],
    ['amount', 'numeric'],
    ['expected', 'numeric'],
    ['batch_index', 'int4'],
    ['extrinsic_id', 'text'],
    ['block_height', 'int4'],
    ['bucket_id', 'numeric'],
  ],
  era_payout: [
    ['id', 'text'],
    ['cluster_id', 'text'],
    ['era', 'int4'],
    ['charged', 'numeric'],
    ['treasury_fee', 'numeric'],
    ['reserve_fee', 'numeric'],
    ['validator_fee', 'numeric'],
    ['rewarded', 'numeric'],
    ['not_distributed', 'numeric'],
    ['records', 'int4'],
    ['paid_event_id', 'text'],
    ['ok', 'bool'],
    ['failed', 'int4'],
    ['block_height', 'int4'],
  ],
  verification_subject: [
    ['kind', 'text'],
    ['id', 'text'],
    ['ok', 'bool'],
    ['passed', 'int4'],
    ['failed', 'int4'],
    ['verifier_version', 'text'],
    ['block_height', 'int4'],
    ['pending', 'int4'],
    ['skipped', 'int4'],
  ],
  verification_line: [
    ['subject_kind', 'text'],
    ['subject_id', 'text'],
    ['seq', 'int4'],
    ['step', 'text'],
    ['check_name', 'text'],
    ['ok', 'bool'],
    ['code', 'text'],
    ['rule', 'text'],
    ['basis', 'text'],
    ['facts', 'json'],
    ['source', 'json'],
    ['block_height', 'int4'],
    ['pending', 'bool'],
    ['skipped', 'bool'],
  ],
} as const satisfies Record<string, ReadonlyArray<readonly [string, PgType]>>;

export type Table = keyof typeof COLUMNS;
export type Row = unknown[];

/** Tables whose rows may legitimately arrive twice (first sighting wins). */
const FIRST_WINS = new Set<Table>(['provider', 'customer', 'gar_grant', 'validator']);

const CHUNK = 20_000;

function statement(table: Table): string {
  const cols = COLUMNS[table];
  const names = cols.map(([c]) => `"${c}"`).join(', ');
  const arrays = cols.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
  const conflict = FIRST_WINS.has(table) ? ' ON CONFLICT DO NOTHING' : '';
  return `INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${arrays})${conflict}`;
}
const STATEMENTS = new Map<Table, string>(
  (Object.keys(COLUMNS) as Table[]).map((t) => [t, statement(t)])
);

/** Inserts rows (each in COLUMNS order) with one statement per 20,000 rows. */
export async function insertRows(client: PoolClient, table: Table, rows: readonly Row[]) {
  if (rows.length === 0) return;
  const width = COLUMNS[table].length;
  for (let from = 0; from < rows.length; from += CHUNK) {
    const chunk = rows.slice(from, from + CHUNK);
    const columns: unknown[][] = Array.from({ length: width }, () => new Array(chunk.length));
    for (let r = 0; r < chunk.length; r++) {
      const row = chunk[r]!;
      if (row.length !== width)
        throw new Error(`insertRows(${table}): row has ${row.length} values, expected ${width}`);
      for (let c = 0; c < width; c++) columns[c]![r] = row[c] ?? null;
    }
    await client.query(STATEMENTS.get(table)!, columns);
  }
}

/**
 * Records which chain the indexer follows (one row, id `main`), replacing what an earlier start
 * recorded. Not block data: a reorg never touches it.
 */
export async function saveChainInfo(db: Pool | PoolClient, info: ChainInfo): Promise<void> {
  await db.query(
    `INSERT INTO chain_info (id, name, genesis_hash, ss58_prefix, properties, updated_at)
     VALUES ('main', $1, $2, $3, $4::jsonb, now())
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, genesis_hash = EXCLUDED.genesis_hash,
       ss58_prefix = EXCLUDED.ss58_prefix, properties = EXCLUDED.properties,
       updated_at = EXCLUDED.updated_at`,
    [
      info.name,
      info.genesisHash,
      info.ss58Prefix,
      info.properties === null ? null : JSON.stringify(info.properties),
    ]
  );
}
