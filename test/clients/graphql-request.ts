import { GraphQLClient, gql } from 'graphql-request';

/** graphql-request (a server, a job, a script): one POST per operation; the token is the only header. */
export function createGatewayClient(url: string, token: string): GraphQLClient {
  return new GraphQLClient(url, { headers: { authorization: `Bearer ${token}` } });
}

interface ComplaintEvent {
  notificationId: string;
  provider: string;
  actionType: string;
  complaintId: string;
  receivedAt: string;
}

const COMPLAINT_EVENTS = gql`
  query ComplaintEvents($after: String) {
    complaintEvents(after: $after, first: 50) {
      edges { node { notificationId provider actionType complaintId receivedAt } }
      pageInfo { endCursor }
    }
  }
`;

/** One poll of the notification feed: keep the cursor (it survives restarts) and pass it next time. */
export async function pollComplaintEvents(client: GraphQLClient, after: string | null): Promise<{ events: ComplaintEvent[]; cursor: string | null }> {
  const { complaintEvents } = await client.request<{ complaintEvents: { edges: { node: ComplaintEvent }[]; pageInfo: { endCursor: string | null } } }>(
    COMPLAINT_EVENTS,
    { after },
  );
  return { events: complaintEvents.edges.map((edge) => edge.node), cursor: complaintEvents.pageInfo.endCursor ?? after };
}
