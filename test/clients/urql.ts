import { cacheExchange, type Client, createClient, fetchExchange, gql } from '@urql/core';

/** urql as its docs set it up: queries go as GET, mutations as POST; the token is the only header. */
export function createGatewayClient(url: string, token: string): Client {
  return createClient({
    url, // e.g. https://gateway.example.com/graphql
    exchanges: [cacheExchange, fetchExchange],
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
  });
}

interface PendingComplaint {
  id: string;
  complaintId: string;
  complainedAt: string;
  problemDescription: string | null;
}

const PENDING_COMPLAINTS = gql<{ complaints: { edges: { node: PendingComplaint }[] } }, { first: number }>`
  query PendingComplaints($first: Int!) {
    complaints(first: $first, filter: { states: [PENDING] }) {
      edges { node { id complaintId complainedAt problemDescription } }
    }
  }
`;

/** The newest complaints still waiting for an answer, across every merchant the token was granted. */
export async function pendingComplaints(client: Client, first = 20): Promise<PendingComplaint[]> {
  const result = await client.query(PENDING_COMPLAINTS, { first }).toPromise();
  if (result.error) throw result.error;
  return result.data?.complaints.edges.map((edge) => edge.node) ?? [];
}
