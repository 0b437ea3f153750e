import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../../domain/access.js';
import { UnauthenticatedError } from '../../domain/errors.js';

/**
 * 401 for every GraphQL request without a valid bearer token, before it is parsed or validated,
 * so an anonymous caller learns nothing of the schema. yoga answers the GraphiQL page request
 * (GET, text/html) in its own plugin before this one runs: the page loads, its operations need a token.
 */
export function useAuth(principalOf: (request: Request) => Principal | null, graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      // Health routes are yoga's too; a CORS preflight never carries credentials.
      if (url.pathname.replace(/\/$/, '') !== graphqlEndpoint || request.method === 'OPTIONS') return;
      if (principalOf(request) !== null) return;
      const error = new UnauthenticatedError('a valid bearer token is required (Authorization: Bearer <token>)');
      endResponse(
        Response.json(
          { errors: [{ message: error.message, extensions: { code: error.code } }] },
          {
            status: 401,
            headers: { 'www-authenticate': 'Bearer realm="complaint-gateway"', 'cache-control': 'no-store' },
          },
        ),
      );
    },
  };
}
