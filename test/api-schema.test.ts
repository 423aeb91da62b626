/**
 * schema.graphql as the API serves it: the derived schema builds, follows Subsquid's naming, keys
 * and relations add up, and docs/api-schema.graphql is current. (The tables and columns against
 * the migrated database, on both legs: test/rows.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel, pluralize } from '../api/model.ts';
import { SCHEMA_DOC, printedSchema } from '../scripts/api-schema.ts';

describe('API schema', () => {
  const model = loadModel();

  it('names queries as Subsquid does', () => {
    expect(pluralize('activityRecord')).toBe('activityRecords');
    expect(pluralize('dacBatch')).toBe('dacBatches');
    expect(pluralize('garAnchorEntry')).toBe('garAnchorEntries');
    const e = model.entities.get('ActivityRecord')!;
    expect([e.plural, e.single]).toEqual(['activityRecords', 'activityRecord']);
  });

  it('docs/api-schema.graphql is the schema the server runs (npm run schema)', () => {
    expect(readFileSync(SCHEMA_DOC, 'utf8')).toBe(printedSchema());
  });

  it('rejects a schema whose relations or keys do not add up', () => {
    const base = `directive @entity(table: String!, key: [String!], plural: String) on OBJECT
      directive @link(from: [String!]!, to: [String!]!) on FIELD_DEFINITION
      directive @computed(needs: [String!]) on FIELD_DEFINITION`;
    expect(() => loadModel(`${base} type A @entity(table: "a") { id: String }`)).toThrow(
      /key column id/
    );
    expect(() =>
      loadModel(`${base} type A @entity(table: "a") { id: String! b: B @link(from: ["x"], to: ["id"]) }
                 type B @entity(table: "b") { id: String! }`)
    ).toThrow(/from column x/);
    expect(() =>
      loadModel(`${base} type A @entity(table: "a") { id: String! xs: [String!]! }`)
    ).toThrow(/list field/);
  });
});
