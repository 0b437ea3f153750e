import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

function refusal(message: string, code: string, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

/**
 * yoga's text up to its first ': ', where it appends what the JSON or multipart parser said (which
 * quotes the body); without `extensions.originalError`, which repeats that text.
 */
function recoded(error: unknown): GraphQLError {
  if (!(error instanceof GraphQLError)) {
    // yoga's GET and form-encoded parsers let JSON.parse's SyntaxError (which quotes the input) through.
    return refusal('the request could not be read: malformed JSON in the variables or extensions parameter', 'BAD_REQUEST', 400);
  }
  const code = error.extensions['code'];
  const http = error.extensions['http'] as { status?: unknown } | undefined;
  const status = typeof http?.status === 'number' && http.status >= 400 ? http.status : 400;
  return refusal(error.message.split(': ')[0] ?? error.message, typeof code === 'string' ? code : 'BAD_REQUEST', status);
}

/**
 * Refusals of the request body as GraphQL errors with a code and a 4xx status: yoga answers a POST
 * with an unsupported Content-Type with an empty 415, a malformed multipart request with a codeless
 * error and status 200, and malformed JSON with the parser's message, which quotes the body.
 */
export function useRequestParseErrors(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (requestParser === undefined) {
        // Other methods get yoga's 405 (BAD_REQUEST) from a later hook.
        if (request.method === 'POST') throw refusal('send application/json, or multipart/form-data for uploads', 'UNSUPPORTED_MEDIA_TYPE', 415);
        return;
      }
      setRequestParser(async (incoming) => {
        try {
          return await requestParser(incoming);
        } catch (error) {
          // A client that went away is yoga's to handle (it answers nobody).
          if (error instanceof DOMException && (error.name === 'AbortError' || error.name === 'TimeoutError')) throw error;
          throw recoded(error);
        }
      });
    },
  };
}
