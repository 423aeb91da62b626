/**
 * Writes docs/api-schema.graphql: the full schema the API serves (schema.graphql plus the queries,
 * inputs and connections derived from its entities), for clients and code generators that want a
 * file rather than introspection. `npm run schema`; test/api-schema.test.ts checks it is current.
 */
import { writeFileSync } from 'node:fs';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { loadModel } from '../api/model.ts';
import { fullSdl } from '../api/schema.ts';

export const SCHEMA_DOC = new URL('../docs/api-schema.graphql', import.meta.url);

export function printedSchema(): string {
  const header =
    '# The full schema the Proof Room API serves, generated from schema.graphql by `npm run schema`.\n' +
    '# Do not edit: edit schema.graphql and regenerate.\n\n';
  return header + printSchema(lexicographicSortSchema(buildSchema(fullSdl(loadModel())))) + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(SCHEMA_DOC, printedSchema());
  process.stdout.write(`wrote ${SCHEMA_DOC.pathname}\n`);
}
