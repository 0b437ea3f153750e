import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { useQueryCost } from './use-query-cost.js';

/** Caps on one operation's shape, checked while parsing and validating, before anything runs. */
export interface RequestLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  /** Provider calls one operation may cause (see use-upstream-cost.ts); well under a 200/min budget. */
  maxUpstreamFields: number;
}

/**
 * Sized for this schema: the deepest example (a complaint's negotiation history with its message
 * blocks) is 8 levels, GraphiQL's own introspection query about 300 tokens, and a console may ask
 * for 50 complaints by alias in one operation (the loaders make that one upstream call each).
 */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxDepth: 10,
  maxAliases: 100,
  maxTokens: 2000,
  maxDirectives: 20,
  maxCost: 5000,
  maxUpstreamFields: 50,
};

/**
 * graphql-armor's limits, and its cost model through useQueryCost (which prices `first: 100` and
 * `first: $first` alike). Field suggestions ("did you mean ...") leak the schema when introspection
 * is off, so they are blocked then.
 */
export function useRequestLimits(limits: RequestLimits, options: { blockFieldSuggestions: boolean }): Plugin {
  // Reported as validation errors (400, GRAPHQL_VALIDATION_FAILED) instead of thrown from the rule,
  // which reaches the client as a code-less 200; armor's "Syntax Error:" prefix is not true here.
  const report = {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
    ],
  };
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, ...report },
    maxAliases: { n: limits.maxAliases, ...report },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: limits.maxDirectives, ...report },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: options.blockFieldSuggestions },
  }) as Plugin;
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor);
      addPlugin(useQueryCost(limits.maxCost));
    },
  };
}
