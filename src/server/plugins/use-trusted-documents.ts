import { defaultExtractPersistedOperationId, usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { DOCUMENT_ID_PREFIX, type PersistedOperations } from '../persisted-operations.js';

/**
 * The document's hash, as the GraphQL-over-HTTP persisted documents appendix sends it (`documentId`:
 * `sha256:<hex>`, in the JSON body or the GET query string: codegen's client preset embeds that form)
 * or as Apollo's APQ extension does (`extensions.persistedQuery.sha256Hash`).
 */
function documentIdOf(params: GraphQLParams, request: Request, context: Record<string, unknown>): string | null {
  // yoga's GET parser keeps only the four standard parameters.
  const documentId = 'documentId' in params ? params.documentId : request.method === 'GET' ? new URL(request.url).searchParams.get('documentId') : null;
  if (typeof documentId === 'string') return documentId.startsWith(DOCUMENT_ID_PREFIX) ? documentId.slice(DOCUMENT_ID_PREFIX.length) : documentId;
  return defaultExtractPersistedOperationId(params, request, context);
}

/**
 * Operations sent by hash from a known list (trusted documents). `only`: any other operation is
 * refused, so nothing a client writes runs, and no hash can be registered. The document found is
 * validated and limited like any other (validation is not skipped).
 */
export function useTrustedDocuments(operations: PersistedOperations, options: { only: boolean }): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (hash) => operations.get(hash.toLowerCase()) ?? null,
    allowArbitraryOperations: !options.only,
    extractPersistedOperationId: documentIdOf,
    // The plugin's codes name neither the refusal nor the status; APQ's not-found code is the one clients know.
    customErrors: {
      notFound: { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 404 } } },
      keyNotFound: {
        message: 'PersistedQueryKeyNotFound: send a documentId or extensions.persistedQuery.sha256Hash',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
      persistedQueryOnly: {
        message: 'PersistedQueryOnly: only trusted documents run here; send a documentId or extensions.persistedQuery.sha256Hash, not a query',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
    },
  });
}
