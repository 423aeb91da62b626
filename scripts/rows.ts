/**
 * Writes db/rows.ts, the row contract of every table: from schema.graphql (the one hand-written
 * description of every stored shape, `@internal` tables and columns included), per table the row
 * as node-postgres reads it, the row a writer inserts, and the ordered column list with PostgreSQL
 * types the bulk writer (indexer/sql.ts) sends. `npm run rows`; test/rows.test.ts checks that the
 * file is current and that its columns are exactly the migrated catalogue's, on both databases.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { type ColumnField, type Entity, type PgType, loadModel } from '../api/model.ts';

export const ROWS_FILE = new URL('../db/rows.ts', import.meta.url);

/** What node-postgres returns for each type with its default parsers. */
const READ: Record<PgType, string> = {
  text: 'string',
  int4: 'number',
  int8: 'string',
  numeric: 'string',
  bool: 'boolean',
  json: 'unknown',
  jsonb: 'unknown',
  bytea: 'Buffer',
  timestamptz: 'Date',
  float8: 'number',
};

/** What a writer hands the bulk writer: json columns as their JSON text, amounts as decimals. */
const WRITE: Record<PgType, string> = {
  text: 'string',
  int4: 'number',
  int8: 'number | string',
  numeric: 'string',
  bool: 'boolean',
  json: 'string',
  jsonb: 'string',
  bytea: 'Uint8Array',
  timestamptz: 'Date | string',
  float8: 'number',
};

function doc(e: Entity, c: ColumnField): string {
  const notes = [
    c.internal ? 'internal (not served)' : `field \`${e.name}.${c.name}\``,
    c.pgType,
    c.nullable ? 'null allowed' : null,
  ].filter(Boolean);
  return `  /** ${notes.join(', ')} */\n`;
}

function iface(e: Entity, suffix: string, cols: readonly ColumnField[], types: typeof READ) {
  const body = cols
    .map(
      (c) =>
        `${types === READ ? doc(e, c) : ''}  ${c.column}: ${types[c.pgType]}${c.nullable ? ' | null' : ''};\n`
    )
    .join('');
  return `export interface ${e.name}${suffix} {\n${body}}\n`;
}

/** db/rows.ts as `npm run rows` writes it (formatted as the repository's prettier config says). */
export async function rowsFile(): Promise<string> {
  const filepath = fileURLToPath(ROWS_FILE);
  return format(rowsSource(), { ...(await resolveConfig(filepath)), filepath });
}

function rowsSource(): string {
  const model = loadModel();
  const tables = [...model.tables.values()].sort((a, b) => a.table.localeCompare(b.table));
  const out: string[] = [
    '/**\n' +
      ' * The row contract of every table, generated from schema.graphql by `npm run rows`\n' +
      ' * (scripts/rows.ts). Do not edit: edit schema.graphql and regenerate.\n' +
      ' *\n' +
      ' * Per table: `<Entity>Row`, a row as node-postgres reads it (int8 and numeric as decimal\n' +
      ' * strings, timestamptz as Date, bytea as Buffer, json parsed); `<Entity>Insert`, the row a\n' +
      ' * writer hands `insertRows` (json as its JSON text; `@defaulted` columns left out); and in\n' +
      ' * `TABLES` the written columns in order with their PostgreSQL types.\n' +
      ' * @module\n' +
      ' */\n',
    `export type PgType =\n  ${[...new Set(Object.keys(READ))].map((t) => `'${t}'`).join(' | ')};\n`,
    'export interface TableSpec {\n' +
      '  /** The schema.graphql type. */\n' +
      '  readonly entity: string;\n' +
      '  readonly key: readonly string[];\n' +
      '  /** `@internal`: stored, not served by the API. */\n' +
      '  readonly internal: boolean;\n' +
      '  /** The columns a writer supplies, in order: name, type, whether null is allowed. */\n' +
      '  readonly columns: ReadonlyArray<readonly [string, PgType, boolean]>;\n' +
      '  /** The columns the database fills on insert. */\n' +
      '  readonly defaulted: readonly string[];\n' +
      '}\n',
  ];
  for (const e of tables) {
    out.push(iface(e, 'Row', e.stored, READ));
    out.push(
      iface(
        e,
        'Insert',
        e.stored.filter((c) => !c.defaulted),
        WRITE
      )
    );
  }
  out.push(
    `/** Rows as read, by table. */\nexport interface Rows {\n${tables.map((e) => `  ${e.table}: ${e.name}Row;\n`).join('')}}\n`
  );
  out.push(
    `/** Rows as written, by table. */\nexport interface Inserts {\n${tables.map((e) => `  ${e.table}: ${e.name}Insert;\n`).join('')}}\n`
  );
  out.push('export type Table = keyof Rows;\n');
  const specs = tables.map((e) => {
    const cols = e.stored
      .filter((c) => !c.defaulted)
      .map((c) => `      ['${c.column}', '${c.pgType}', ${c.nullable}],\n`)
      .join('');
    const defaulted = e.stored.filter((c) => c.defaulted).map((c) => `'${c.column}'`);
    return (
      `  ${e.table}: {\n    entity: '${e.name}',\n    key: [${e.key.map((k) => `'${k}'`).join(', ')}],\n` +
      `    internal: ${e.internal},\n    columns: [\n${cols}    ],\n    defaulted: [${defaulted.join(', ')}],\n  },\n`
    );
  });
  out.push(
    `/** Every table's written columns, in the order the bulk writer sends them. */\nexport const TABLES: Readonly<Record<Table, TableSpec>> = {\n${specs.join('')}};\n`
  );
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(ROWS_FILE, await rowsFile());
  process.stdout.write(`wrote ${ROWS_FILE.pathname}\n`);
}
