import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../../domain/access.js';
import { RateLimitedError } from '../../domain/errors.js';
import type { BudgetStore, WindowCounter } from '../../providers/http/budget-store.js';

/** The window of `requestsPerMinute`. */
const WINDOW_SECONDS = 60;

/**
 * `auth.tokens[i].requestsPerMinute`: each token's GraphQL requests per minute, counted where the
 * provider budgets are (Redis when the cache is there: shared by every instance), so one noisy
 * client cannot spend the provider quota other tokens depend on. Beyond it: HTTP 429 with
 * `RATE_LIMITED` and `Retry-After`, before the request is parsed; other tokens are unaffected.
 */
export function useTokenRateLimit(
  principalOf: (request: Request) => Principal | null,
  limits: ReadonlyMap<string, number>,
  store: BudgetStore,
  graphqlEndpoint: string,
): Plugin {
  const counters = new Map<string, WindowCounter>();
  for (const [name, perMinute] of limits) counters.set(name, store.counter('token-requests', perMinute, WINDOW_SECONDS));
  return {
    async onRequest({ request, url, endResponse }) {
      // The GraphiQL page and preflights are not operations; unauthenticated requests get 401 from useAuth.
      if (url.pathname.replace(/\/$/, '') !== graphqlEndpoint || request.method === 'OPTIONS') return;
      const principal = principalOf(request);
      const counter = principal === null ? undefined : counters.get(principal.name);
      if (principal === null || counter === undefined) return;
      const waitMs = await counter.take(principal.name);
      if (waitMs === 0) return;
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      const error = new RateLimitedError(
        `this token's limit of ${limits.get(principal.name)} requests per minute is reached; retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
      endResponse(
        Response.json(
          { errors: [{ message: error.message, extensions: { code: error.code, retryAfterSeconds } }] },
          { status: 429, headers: { 'retry-after': String(retryAfterSeconds), 'cache-control': 'no-store' } },
        ),
      );
    },
  };
}
