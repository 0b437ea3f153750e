import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { inSpan } from '../../observability/trace-context.js';

/**
 * One span per executed GraphQL operation, named after the operation (`anonymous` without a name),
 * with its type and name: never the query text or the variables. The resolvers that call providers
 * (schema/resolver-tracing-plugin.ts) and the calls themselves nest under it. An answer served
 * from the response cache executes nothing and has only the request's server span.
 */
export function useOperationTracing<TContext extends object>(): Plugin<TContext> {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => {
        const operation = getOperationAST(args.document, args.operationName);
        const name = operation?.name?.value ?? 'anonymous';
        return inSpan(name, { 'graphql.operation.type': operation?.operation ?? 'query', 'graphql.operation.name': name }, () => executeFn(args));
      });
    },
  };
}
