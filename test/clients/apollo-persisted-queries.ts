import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';

/**
 * Apollo Client sending each query as its SHA-256 first (automatic persisted queries): the gateway
 * answers PersistedQueryNotFound only the first time any client sends that query, the link then
 * sends the full query once, and every later request is one round trip with no query text.
 */
export function createPersistedQueryClient(url: string, token: string, fetch: typeof globalThis.fetch = globalThis.fetch): ApolloClient {
  const sha256 = (query: string): string => createHash('sha256').update(query).digest('hex');
  return new ApolloClient({
    cache: new InMemoryCache(),
    link: new PersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: url, headers: { authorization: `Bearer ${token}` }, fetch })),
  });
}
