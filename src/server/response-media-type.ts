/** The media types of a single (not streamed) GraphQL answer, as yoga's regular result processor offers them. */
const SINGLE_RESULT_TYPES = ['application/graphql-response+json', 'application/json'] as const;

export type SingleResultMediaType = (typeof SINGLE_RESULT_TYPES)[number];

function matches(offered: string, asked: string): boolean {
  const [offeredType, offeredSubtype] = offered.split('/');
  const [askedType, askedSubtype] = asked.split('/');
  return (askedType === '*' || askedType === offeredType) && (askedSubtype === '*' || askedSubtype === offeredSubtype);
}

/**
 * The Content-Type yoga gives a single result for this Accept header, or undefined when yoga would
 * pick a streaming format or answer 406: the edge answers such requests only when it would send
 * what yoga sends. yoga's rule (use-result-processor.ts): no or an empty Accept means `*\/*`; media types with a
 * charset other than utf-8 are ignored; the last match wins, going through the asked types from the
 * last listed to the first and, for each, through the offered types in order. So the first listed
 * type that matches decides, and `*\/*` gets application/json.
 */
export function singleResultMediaType(accept: string | undefined): SingleResultMediaType | undefined {
  const asked = (accept === undefined || accept === '' ? '*/*' : accept).replace(/\s/g, '').toLowerCase().split(',');
  let chosen: SingleResultMediaType | undefined;
  for (let index = asked.length - 1; index >= 0; index -= 1) {
    const [mediaType = '', ...parameters] = (asked[index] ?? '').split(';');
    const charset = parameters.find((parameter) => parameter.includes('charset=')) ?? 'charset=utf-8';
    if (charset !== 'charset=utf-8') continue;
    for (const offered of SINGLE_RESULT_TYPES) if (matches(offered, mediaType)) chosen = offered;
  }
  return chosen;
}
