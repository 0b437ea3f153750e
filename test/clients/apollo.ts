import { ApolloClient, gql, InMemoryCache, type TypedDocumentNode } from '@apollo/client';
import UploadHttpLink from 'apollo-upload-client/UploadHttpLink.mjs';

/** The types implementing the schema's `Error` interface: the cache needs them to match `... on Error`. */
export const ERROR_TYPES = [
  'ConfigurationError',
  'ForbiddenError',
  'NotFoundError',
  'OutcomeUnknownError',
  'ProviderError',
  'RateLimitedError',
  'UnsupportedError',
  'ValidationError',
];

/** Apollo Client with apollo-upload-client's link: files in variables go as a multipart request. */
export function createGatewayClient(url: string, token: string): ApolloClient {
  return new ApolloClient({
    cache: new InMemoryCache({ possibleTypes: { Error: ERROR_TYPES } }),
    link: new UploadHttpLink({ uri: url, headers: { authorization: `Bearer ${token}` } }),
  });
}

/** What each mutation result union gives: its success fields, or the `Error` interface's code and message. */
interface MutationResult {
  __typename: string;
  code?: string;
  message?: string;
}

const UPLOAD_IMAGE: TypedDocumentNode<{ uploadImage: MutationResult & { mediaId?: string } }, { merchantId: string; file: Blob }> = gql`
  mutation UploadImage($merchantId: ID!, $file: File!) {
    uploadImage(merchantId: $merchantId, file: $file) {
      __typename
      ... on UploadImageSuccess { mediaId }
      ... on Error { code message }
    }
  }
`;

const REPLY: TypedDocumentNode<
  { replyToComplaint: MutationResult & { complaint?: { id: string; state: string } | null } },
  { input: { complaintId: string; text: string; imageMediaIds: string[] } }
> = gql`
  mutation Reply($input: ReplyToComplaintInput!) {
    replyToComplaint(input: $input) {
      __typename
      ... on ReplyToComplaintSuccess { complaint { id state } }
      ... on Error { code message }
    }
  }
`;

/** Uploads an image (JPEG, PNG or BMP, at most 2 MB) and replies with it; returns the complaint's new state. */
export async function replyWithImage(client: ApolloClient, complaint: { id: string; merchantId: string }, text: string, image: Blob): Promise<string> {
  const uploaded = (await client.mutate({ mutation: UPLOAD_IMAGE, variables: { merchantId: complaint.merchantId, file: image } })).data?.uploadImage;
  if (uploaded?.mediaId === undefined) throw new Error(`upload refused: ${uploaded?.code} ${uploaded?.message}`);
  const input = { complaintId: complaint.id, text, imageMediaIds: [uploaded.mediaId] };
  const replied = (await client.mutate({ mutation: REPLY, variables: { input } })).data?.replyToComplaint;
  if (replied?.complaint == null) throw new Error(`reply refused: ${replied?.code} ${replied?.message}`);
  return replied.complaint.state;
}
