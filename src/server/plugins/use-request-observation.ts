import { Kind, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../../domain/access.js';
import { currentRequestScope } from '../../observability/request-scope.js';

/** `query Name`, `mutation Name(...`: the first operation's name, after leading whitespace and comments. */
const LEADING_OPERATION_NAME = /^(?:\s|#[^\n]*\n)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

/** The access log's operation name of a request not parsed (a cached answer): the one it names, or its text's first. */
export function operationNameFromText(operationName: unknown, query: unknown): string {
  if (typeof operationName === 'string' && operationName.length > 0) return operationName;
  return typeof query === 'string' ? (LEADING_OPERATION_NAME.exec(query)?.[1] ?? 'anonymous') : 'anonymous';
}

function operationNameOf(document: DocumentNode, requested: string | null | undefined): string {
  if (typeof requested === 'string' && requested.length > 0) return requested;
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  return operations.length === 1 && operations[0]?.name !== undefined ? operations[0].name.value : 'anonymous';
}

function outcomeOf(result: unknown): 'ok' | 'partial' | 'error' {
  if (typeof result !== 'object' || result === null) return 'ok';
  const { data, errors } = result as { data?: unknown; errors?: readonly unknown[] };
  if (errors === undefined || errors.length === 0) return 'ok';
  return data === undefined || data === null ? 'error' : 'partial';
}

/**
 * Fills the request's scope (request-scope.ts) for its access-log line and metrics: who asked (the
 * token's name), which operation, and how it ended; from yoga's hooks, so cached answers count too.
 */
export function useRequestObservation(principalOf: (request: Request) => Principal | null): Plugin {
  return {
    onRequest({ request }) {
      const scope = currentRequestScope();
      const principal = principalOf(request);
      if (scope !== undefined && principal !== null) scope.tokenName = principal.name;
    },
    onParse({ params }) {
      return ({ result }) => {
        const scope = currentRequestScope();
        if (scope !== undefined && typeof result === 'object' && result !== null && 'kind' in result && result.kind === Kind.DOCUMENT) {
          scope.operation = operationNameOf(result, params.source === undefined ? undefined : (scope.operation ?? null));
        }
      };
    },
    onParams({ params }) {
      const scope = currentRequestScope();
      if (scope === undefined) return;
      // A cached answer is served before parsing: the document's first operation name, by its text.
      if ((typeof params.operationName === 'string' && params.operationName.length > 0) || typeof params.query === 'string') {
        scope.operation = operationNameFromText(params.operationName, params.query);
      }
    },
    onResultProcess({ result }) {
      const scope = currentRequestScope();
      if (scope !== undefined) scope.outcome = outcomeOf(Array.isArray(result) ? result[0] : result);
    },
  };
}
