/**
 * Bulk writes for the indexer, a handful of statements per processor batch however many rows it
 * holds, with no statement names (PGlite shares one session between all connections, so named
 * prepared statements would collide):
 * - on a PostgreSQL server, a chunk of at least `COPY_MIN_ROWS` rows goes by `COPY … FROM STDIN`
 *   (text format). Measured here on 100,000 `verification_line` rows: 1.1-1.7 s against 2.6-3.1 s
 *   for the array form, with a third of the client's CPU (bench/RESULTS.md, 2026-12-07);
 * - otherwise, and always on PGlite (behind pglite-socket, `COPY FROM STDIN` ends the connection
 *   with "protocol synchronization was lost"), one `INSERT … SELECT FROM unnest(…)` per table and
 *   chunk, every column sent as one typed array parameter.
 * Both forms take the same named rows and refuse the same bad ones before anything is sent.
 * @module
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientBase, Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { PgType } from '../db/rows.ts';
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

/** Chunks of at least this many rows go by COPY where the server takes it. */
export const COPY_MIN_ROWS = 100;

/** Whether each connection's server takes `COPY FROM STDIN` (asked once per connection). */
const copyCapable = new WeakMap<ClientBase, boolean>();

async function serverCopies(client: ClientBase): Promise<boolean> {
  let yes = copyCapable.get(client);
  if (yes === undefined) {
    const r = await client.query<{ copy: boolean }>(
      `SELECT position('PGlite' IN version()) = 0 AS copy`
    );
    yes = r.rows[0]?.copy === true;
    copyCapable.set(client, yes);
  }
  return yes;
}

export interface InsertOptions {
  /**
   * `false`: always the array form (the benchmarks' comparison). Default: COPY for chunks of at
   * least `COPY_MIN_ROWS` rows when the server takes it.
   */
  readonly copy?: boolean;
}

/**
 * Inserts named rows (db/rows.ts: the table's `Insert` shape), 20,000 rows per statement. A row
 * without a value for a column (undefined, not null), or with null in a column that allows none,
 * is refused before anything is sent: a writer states every column, null included.
 */
export async function insertRows<T extends Table>(
  client: ClientBase,
  table: T,
  rows: ReadonlyArray<Inserts[T]>,
  opts: InsertOptions = {}
): Promise<void> {
  if (rows.length === 0) return;
  const copy =
    opts.copy !== false &&
    !FIRST_WINS.has(table) &&
    rows.length >= COPY_MIN_ROWS &&
    (await serverCopies(client));
  for (let from = 0; from < rows.length; from += CHUNK) {
    const chunk = rows.slice(from, from + CHUNK);
    if (copy) await copyChunk(client, table, chunk, from);
    else await client.query(STATEMENTS.get(table)!, columnArrays(table, chunk, from));
  }
}

/**
 * `UPDATE … FROM unnest(…)` of named rows by their key: every other column is set from the row
 * and every column the database fills on insert (`defaulted`) back to its default, so an updated
 * row reads as a fresh insert of it would.
 */
function updateStatement(table: Table): string {
  const { columns, key, defaulted } = TABLES[table];
  const names = columns.map(([c]) => `"${c}"`).join(', ');
  const arrays = columns.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
  const set = [
    ...columns.filter(([c]) => !key.includes(c)).map(([c]) => `"${c}" = u."${c}"`),
    ...defaulted.map((c) => `"${c}" = DEFAULT`),
  ].join(', ');
  const where = key.map((c) => `x."${c}" = u."${c}"`).join(' AND ');
  return `UPDATE "${table}" AS x SET ${set} FROM unnest(${arrays}) AS u(${names}) WHERE ${where}`;
}
const UPDATE_STATEMENTS = new Map<Table, string>(
  (Object.keys(TABLES) as Table[]).map((t) => [t, updateStatement(t)])
);

/**
 * Updates stored rows in place from named rows (the table's `Insert` shape), matched by the
 * table's key, 20,000 rows per statement; refuses the same bad rows as `insertRows`. A row whose
 * key matches nothing is not written.
 */
export async function updateRows<T extends Table>(
  client: ClientBase,
  table: T,
  rows: ReadonlyArray<Inserts[T]>
): Promise<void> {
  for (let from = 0; from < rows.length; from += CHUNK)
    await client.query(
      UPDATE_STATEMENTS.get(table)!,
      columnArrays(table, rows.slice(from, from + CHUNK), from)
    );
}

function valueOf(
  table: Table,
  row: unknown,
  at: number,
  [name, , nullable]: readonly [string, PgType, boolean]
): unknown {
  const v = (row as Record<string, unknown>)[name];
  if (v === undefined || (v === null && !nullable))
    throw new Error(`insertRows(${table}): row ${at} has no value for ${name}`);
  return v;
}

function columnArrays(table: Table, chunk: readonly unknown[], from: number): unknown[][] {
  return TABLES[table].columns.map((col) => {
    const values = new Array<unknown>(chunk.length);
    for (let r = 0; r < chunk.length; r++) values[r] = valueOf(table, chunk[r], from + r, col);
    return values;
  });
}

/** Backslash escapes of COPY's text format (a value's own backslashes, tabs and line ends). */
const COPY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const escapeCopy = (s: string): string =>
  NEEDS_ESCAPE.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : s;

/** One value in COPY's text format; `\N` is null. */
function copyValue(v: unknown, type: PgType): string {
  if (v === null) return '\\N';
  switch (type) {
    case 'bool':
      return v ? 't' : 'f';
    case 'bytea': {
      const b = v as Uint8Array;
      // bytea's hex input `\x…`, its backslash doubled for the text format.
      return `\\\\x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`;
    }
    case 'timestamptz':
      return v instanceof Date ? v.toISOString() : escapeCopy(String(v));
    case 'int4':
    case 'int8':
    case 'float8':
      return typeof v === 'number' ? String(v) : escapeCopy(String(v));
    default:
      return escapeCopy(String(v));
  }
}

const COPY_STATEMENTS = new Map<Table, string>(
  (Object.keys(TABLES) as Table[]).map((t) => [
    t,
    `COPY "${t}" (${TABLES[t].columns.map(([c]) => `"${c}"`).join(', ')}) FROM STDIN`,
  ])
);

/** Rows per piece of the COPY stream. */
const COPY_PIECE_ROWS = 1000;

async function copyChunk(
  client: ClientBase,
  table: Table,
  chunk: readonly unknown[],
  from: number
): Promise<void> {
  const cols = TABLES[table].columns;
  const last = cols.length - 1;
  // Every row is checked and encoded before the COPY starts, so a refused row sends nothing. A
  // piece's values are joined once and sent as bytes. Built with `+=`, a piece was a deep rope
  // that the stream flattened and encoded: 7% of the indexer's main thread in a CPU profile
  // (50,000 records on PostgreSQL); joined, encoding 150,000 lines took 0.6x the time
  // (bench/RESULTS.md, 2026-12-07, eighth session).
  const pieces: Buffer[] = [];
  const parts: string[] = [];
  for (let r = 0; r < chunk.length; r++) {
    for (let i = 0; i <= last; i++) {
      const col = cols[i]!;
      parts.push(
        copyValue(valueOf(table, chunk[r], from + r, col), col[1]),
        i < last ? '\t' : '\n'
      );
    }
    if ((r + 1) % COPY_PIECE_ROWS === 0) {
      pieces.push(Buffer.from(parts.join('')));
      parts.length = 0;
    }
  }
  if (parts.length > 0) pieces.push(Buffer.from(parts.join('')));
  await pipeline(Readable.from(pieces), client.query(copyFrom(COPY_STATEMENTS.get(table)!)));
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
