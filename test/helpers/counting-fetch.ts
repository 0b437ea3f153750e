/** What a client sent to the gateway: whether the query text went along, and the answer's status. */
export interface SentRequest {
  method: string;
  withQuery: boolean;
  status: number;
}

/** A fetch to hand a client (Apollo's HttpLink `fetch` option): it records each request the client makes, as sent. */
export function countingFetch(): { fetch: typeof globalThis.fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.method === 'POST' ? ((await request.clone().json()) as { query?: unknown }) : null;
    const withQuery = body === null ? new URL(request.url).searchParams.has('query') : typeof body.query === 'string';
    const answer = await globalThis.fetch(request);
    sent.push({ method: request.method, withQuery, status: answer.status });
    return answer;
  };
  return { fetch, sent };
}
