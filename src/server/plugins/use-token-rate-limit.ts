import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../../domain/access.js';
import { RateLimitedError } from '../../domain/errors.js';
import type { BudgetStore, WindowCounter } from '../../providers/http/budget-store.js';

/** The window of `requestsPerMinute`. */
const WINDOW_SECONDS = 60;

/** Each token's GraphQL requests per minute; shared by yoga's plugin and the edge's cached answers. */
export interface TokenRateLimit {
  /** Counts one request of this caller: null when it may go on, else the refusal to send. */
  take(principal: Principal): Promise<RateLimitedError | null>;
}

export function createTokenRateLimit(limits: ReadonlyMap<string, number>, store: BudgetStore): TokenRateLimit {
  const counters = new Map<string, WindowCounter>();
  for (const [name, perMinute] of limits) counters.set(name, store.counter('token-requests', perMinute, WINDOW_SECONDS));
  return {
    async take(principal) {
      const counter = counters.get(principal.name);
      if (counter === undefined) return null;
      const waitMs = await counter.take(principal.name);
      if (waitMs === 0) return null;
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      return new RateLimitedError(
        `this token's limit of ${limits.get(principal.name)} requests per minute is reached; retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    },
  };
}

/** The 429 answer's body and headers. */
export function rateLimitedAnswer(error: RateLimitedError): { body: string; headers: Record<string, string> } {
  return {
    body: JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code, retryAfterSeconds: error.retryAfterSeconds } }] }),
    headers: { 'content-type': 'application/json', 'retry-after': String(error.retryAfterSeconds), 'cache-control': 'no-store' },
  };
}

/**
 * `auth.tokens[i].requestsPerMinute`: each token's GraphQL requests per minute, counted where the
 * provider budgets are (Redis when the cache is there: shared by every instance), so one noisy
 * client cannot spend the provider quota other tokens depend on. Beyond it: HTTP 429 with
 * `RATE_LIMITED` and `Retry-After`, before the request is parsed; other tokens are unaffected.
 */
export function useTokenRateLimit(principalOf: (request: Request) => Principal | null, rateLimit: TokenRateLimit, graphqlEndpoint: string): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      // The GraphiQL page and preflights are not operations; unauthenticated requests get 401 from useAuth.
      if (url.pathname.replace(/\/$/, '') !== graphqlEndpoint || request.method === 'OPTIONS') return;
      const principal = principalOf(request);
      if (principal === null) return;
      const refusal = await rateLimit.take(principal);
      if (refusal === null) return;
      const answer = rateLimitedAnswer(refusal);
      endResponse(new Response(answer.body, { status: 429, headers: answer.headers }));
    },
  };
}
