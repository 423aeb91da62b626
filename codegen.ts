/**
 * GraphQL Code Generator for the explorer (npm run codegen): every `graphql(`…`)` document in
 * explorer/src is checked against the API's schema (docs/api-schema.graphql, kept current by
 * `npm run schema`) and typed in explorer/src/gql/. test/explorer-codegen.test.ts fails when the
 * committed output is stale.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'docs/api-schema.graphql',
  documents: ['explorer/src/**/*.{ts,tsx}', '!explorer/src/gql/**'],
  // Only `graphql(…)` calls are documents: the `gql()` helper of api.ts also takes plain strings.
  pluckConfig: { globalGqlIdentifierName: 'graphql', gqlMagicComment: 'graphql' },
  generates: {
    'explorer/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Documents stay strings (TypedDocumentString): the explorer posts them as they are and
        // needs no GraphQL parser in the bundle.
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
        scalars: {
          BigInt: 'string',
          Bytes: 'string',
          DateTime: 'string',
          JSON: 'unknown',
        },
      },
    },
  },
};

export default config;
