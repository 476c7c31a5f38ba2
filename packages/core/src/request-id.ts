import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigurationError } from './configuration-error';
import { describeValue } from './option-checks';

/**
 * The `requestId` option: `true` or `'uuid'` (a random UUID v4), `'ulid'` (a ULID, sortable by
 * time), or a function that returns the ID. Default: off.
 *
 * @example
 * ```ts
 * createClient({ requestId: 'ulid' });
 * createClient({ requestId: () => `req-${crypto.randomUUID()}` });
 * ```
 */
export type RequestIdOption = boolean | 'uuid' | 'ulid' | (() => string);

/**
 * The header axle sets the request ID in: `X-Request-ID`.
 *
 * @example
 * ```ts
 * const id = response.config.headers.get(REQUEST_ID_HEADER);
 * ```
 */
export const REQUEST_ID_HEADER = 'X-Request-ID';

const REQUEST_ID_NAME = REQUEST_ID_HEADER.toLowerCase();

/**
 * A request's `X-Request-ID`, in any case. Reads the names as they are instead of calling
 * `AxiosHeaders.get`, which normalises every name of the request on each call: this runs for every
 * log record and event description.
 */
export function requestIdOf(headers: unknown): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  // for-in, not Object.keys: no array per call. AxiosHeaders' methods are not enumerable.
  for (const name in headers) {
    if (name.length === REQUEST_ID_NAME.length && name.toLowerCase() === REQUEST_ID_NAME) {
      const value = (headers as Record<string, unknown>)[name];
      return typeof value === 'string' ? value : undefined;
    }
  }
  return undefined;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID: 48 bits of milliseconds since the epoch and 80 random bits, in 26 characters of
 * Crockford base 32 (sortable by creation time).
 *
 * @example
 * ```ts
 * ulid(); // '01JD3W6Q1ZS1E3M9Y5T2F6V7QK'
 * ```
 */
export function ulid(now: number = Date.now()): string {
  let time = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(10);
  let bits = 0;
  let value = 0;
  let tail = '';
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      tail += CROCKFORD.charAt((value >> bits) & 31);
    }
    value &= (1 << bits) - 1;
  }
  return time + tail;
}

/** Checks the `requestId` option and returns the ID generator, or `undefined` when off. */
export function resolveRequestId(value: unknown): (() => string) | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === 'uuid') return randomUUID;
  if (value === 'ulid') return () => ulid();
  if (typeof value === 'function') return value as () => string;
  throw new ConfigurationError(
    `Invalid requestId: expected true, 'uuid', 'ulid', false or a function () => string; got ${describeValue(value)}`,
    { option: 'requestId' },
  );
}
