import type { AxiosResponse } from 'axios';

// A symbol property: invisible to JSON.stringify, Object.keys and for...in, so a response that
// carries its text still serialises and lists its fields as axios's own.
const TEXT = Symbol.for('axle.responseText');

/** Remembers the text a JSON body was parsed from, for `responseText()`. */
export function keepResponseText(response: AxiosResponse, text: string): void {
  (response as AxiosResponse & { [TEXT]?: string })[TEXT] = text;
}

/**
 * The body text a JSON response was parsed from, as it arrived (after charset decoding, before
 * `JSON.parse`), or `undefined` when axle did not parse the body itself: a non-JSON body is in
 * `response.data` already, and a request with its own `responseType` or `transformResponse` is
 * decoded by axios. Useful to verify a signature over the body, or to keep it byte for byte
 * (the cache stores it instead of serialising `data` again).
 *
 * @example
 * ```ts
 * const response = await client.get('/webhooks/1');
 * verifySignature(responseText(response) ?? '', response.headers['x-signature']);
 * ```
 */
export function responseText(response: AxiosResponse): string | undefined {
  const text = (response as AxiosResponse & { [TEXT]?: unknown })[TEXT];
  return typeof text === 'string' ? text : undefined;
}
