/**
 * Passes a byte stream on and fails it once more than `maxBytes` have passed: a provider may omit
 * or misstate Content-Length, so the declared length alone bounds nothing. `tooLarge` builds the
 * caller's own error (a provider error in a client, a content error at the media edge).
 */
export async function* cappedStream(source: AsyncIterable<Uint8Array>, maxBytes: number, tooLarge: () => Error): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge();
    yield chunk;
  }
}
