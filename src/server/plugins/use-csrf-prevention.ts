import { useCSRFPrevention as useYogaCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

// The scheme alone decides: whether the token is valid is useAuth's question (it answers 401 first).
const BEARER = /^Bearer[ ]+\S/i;

/**
 * yoga's CSRF prevention (GET and multipart requests must carry one of `requestHeaders`), except for
 * requests with `Authorization: Bearer ...`: a browser never attaches a bearer token to a cross-site
 * request by itself, so such a request was written by a script that could set any header anyway.
 * Default clients (urql's GET queries, apollo-upload-client) then need no extra header. Not the yoga
 * plugin's own `requestHeaders: ['authorization']`: that would also pass Basic credentials, which
 * browsers do replay cross-site. The refusal carries a code, like every other refusal.
 */
export function useCsrfPrevention(requestHeaders: readonly string[]): Plugin {
  const { onRequestParse: check } = useYogaCSRFPrevention({ requestHeaders: [...requestHeaders] });
  return {
    onRequestParse(payload) {
      if (check === undefined || BEARER.test(payload.request.headers.get('authorization') ?? '')) return;
      try {
        return check(payload);
      } catch {
        throw new GraphQLError(`send an Authorization: Bearer header, or one of ${requestHeaders.join(', ')}, with GET and multipart requests`, {
          extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } },
        });
      }
    },
  };
}
