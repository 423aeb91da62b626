/**
 * The explorer's typed GraphQL documents (explorer/src/gql/, `npm run codegen`): the committed
 * output is what GraphQL Code Generator makes of today's documents and schema, every document the
 * explorer sends is valid against the schema the server builds, and a document that asks for a
 * field the schema lacks is refused at generation time (so a stale query fails the build, not a
 * visitor's page).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import config from '../codegen.ts';
import * as documents from '../explorer/src/gql/graphql.ts';
import { printedSchema } from '../scripts/api-schema.ts';

const OUT = 'explorer/src/gql/';

interface FileOutput {
  filename: string;
  content: string;
}

async function run(extraDocuments: string[] = []): Promise<FileOutput[]> {
  const documentsConfig = [...(config.documents as string[]), ...extraDocuments];
  return (await generate(
    { ...config, documents: documentsConfig, silent: true },
    false
  )) as FileOutput[];
}

/** Every operation of the generated module, by export name (`AccountDocument`, …). */
const sent: Array<[name: string, text: string]> = Object.entries(documents).flatMap(
  ([name, doc]): Array<[string, string]> =>
    doc instanceof documents.TypedDocumentString && name.endsWith('Document')
      ? [[name, doc.toString()]]
      : []
);

describe('explorer GraphQL codegen', () => {
  it('explorer/src/gql is current (npm run codegen)', { timeout: 120_000 }, async () => {
    const files = await run();
    const want = new Map(files.map((f) => [f.filename.replace(/^.*explorer\/src\/gql\//, ''), f]));
    // No stale file left behind by a removed output either.
    expect(readdirSync(OUT).sort()).toEqual([...want.keys()].sort());
    for (const [name, f] of want) {
      expect(readFileSync(join(OUT, name), 'utf8'), `${OUT}${name}`).toBe(f.content);
    }
  });

  it(
    'a changed document changes the output (the check above can fail)',
    { timeout: 120_000 },
    async () => {
      const files = await run(['query ExtraForTest { _meta { bestHeight } }']);
      const graphqlTs = files.find((f) => f.filename.endsWith('graphql.ts'))!;
      expect(graphqlTs.content).toContain('ExtraForTestDocument');
      expect(graphqlTs.content).not.toBe(readFileSync(join(OUT, 'graphql.ts'), 'utf8'));
    }
  );

  it('refuses a document with a field the schema lacks', { timeout: 120_000 }, async () => {
    await expect(run(['query Broken { _meta { noSuchField } }'])).rejects.toThrow(/noSuchField/);
  });

  it('every document the explorer sends is valid against the schema the server builds', () => {
    const schema = buildSchema(printedSchema());
    // Today's pages send 22 typed operations; fewer means a page lost its typed document.
    expect(sent.length).toBeGreaterThanOrEqual(22);
    for (const [name, doc] of sent) {
      const errors = validate(schema, parse(doc));
      expect(
        errors.map((e) => e.message),
        name
      ).toEqual([]);
    }
    // The same validation rejects a selection the schema does not have.
    const bad = validate(schema, parse('query { blockById(id: 1) { height noSuchField } }'));
    expect(bad.map((e) => e.message).join()).toMatch(/noSuchField/);
  });

  it('fragments travel with the documents that spread them', () => {
    const era = documents.EraDocument.toString();
    expect(era).toMatch(/\.\.\.EraTotals/);
    expect(era).toMatch(/fragment EraTotals on EraPayout/);
    expect(era).toMatch(/fragment LineFields on VerificationLine/);
  });
});
