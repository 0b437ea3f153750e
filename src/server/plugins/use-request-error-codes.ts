import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions: { ...error.extensions, code },
  });
}

/**
 * graphql-js reports bad variables (wrong type, impossible date) as request errors without a
 * code, unlike yoga's parse and validation errors. A result without `data` is by the spec a
 * request error raised before execution, so each of its errors without a code gets BAD_USER_INPUT.
 */
export function useRequestErrorCodes(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result || 'data' in result || result.errors === undefined) return;
          setResult({ ...result, errors: result.errors.map((error) => (error.extensions['code'] === undefined ? withCode(error, 'BAD_USER_INPUT') : error)) });
        },
      };
    },
  };
}
