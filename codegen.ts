import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the example operations (schema/operations), generated into test/generated/:
 * their only TypeScript consumers are the end-to-end tests (the gateway itself is a server and
 * imports no client documents), so the generated code stays out of src/. `npm run check:drift`
 * runs this with `--check`.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['schema/operations/*.graphql'],
  generates: {
    'test/generated/': {
      preset: 'client',
      // persistedDocuments: also persisted-documents.json, `{"sha256:<hex>": "<document>"}` (trusted documents), which
      // `server.persistedOperations.file` loads; each generated document carries its id in `__meta__.hash`.
      presetConfig: { fragmentMasking: false, persistedDocuments: true },
      config: {
        // Plain strings with result/variable types attached: tests send them with fetch as they are.
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: 'string', Date: 'string', File: 'File', JSON: 'unknown', ID: 'string' },
      },
    },
  },
  importExtension: '.js',
};

// The codegen CLI loads its config from the default export: the one exception to named exports.
export default config;
