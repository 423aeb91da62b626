/**
 * Bulk writes for the indexer: one `INSERT … SELECT FROM unnest(…)` per table and chunk, with every
 * column sent as one typed array parameter. That is a handful of statements per processor batch
 * however many rows it holds, with no statement names (PGlite shares one session between all
 * connections, so named prepared statements would collide).
 * @module
 */
import type { ClientBase, Pool, PoolClient } from 'pg';
import { type Inserts, TABLES, type Table } from '../db/rows.ts';
import type { ChainInfo } from './fetch.ts';

export type { Inserts, Table };

/** Tables whose rows may legitimately arrive twice (first sighting wins). */
const FIRST_WINS = new Set<Table>(['provider', 'customer', 'gar_grant', 'validator']);

const CHUNK = 20_000;

function statement(table: Table): string {
  const cols = TABLES[table].columns;
  const names = cols.map(([c]) => `"${c}"`).join(', ');
  const arrays = cols.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
  const conflict = FIRST_WINS.has(table) ? ' ON CONFLICT DO NOTHING' : '';
  return `INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${arrays})${conflict}`;
}
const STATEMENTS = new Map<Table, string>(
  (Object.keys(TABLES) as Table[]).map((t) => [t, statement(t)])
);

/**
 * Inserts named rows (db/rows.ts: the table's `Insert` shape) with one statement per 20,000 rows.
 * A row without a value for a column (undefined, not null) is refused: a writer states every
 * column, null included.
 */
export async function insertRows<T extends Table>(
  client: ClientBase,
  table: T,
  rows: ReadonlyArray<Inserts[T]>
): Promise<void> {
  if (rows.length === 0) return;
  const cols = TABLES[table].columns;
  for (let from = 0; from < rows.length; from += CHUNK) {
    const chunk = rows.slice(from, from + CHUNK);
    const columns: unknown[][] = cols.map(([name, , nullable]) => {
      const values = new Array<unknown>(chunk.length);
      for (let r = 0; r < chunk.length; r++) {
        const v = (chunk[r] as unknown as Record<string, unknown>)[name];
        if (v === undefined || (v === null && !nullable))
          throw new Error(`insertRows(${table}): row ${from + r} has no value for ${name}`);
        values[r] = v;
      }
      return values;
    });
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
