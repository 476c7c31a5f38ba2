import type { ClientErrorOptions } from './client-error';
import { hasErrorKind } from './client-error';
import { ConnectionError } from './connection-error';

/** What a `TruncatedResponseError` is built from. */
export interface TruncatedResponseErrorOptions extends ClientErrorOptions {
  /** Body bytes received before the connection closed, when counted. */
  received?: number;
  /** The length the response announced (`Content-Length`), when it did. */
  expected?: number;
}

/**
 * The connection closed before the whole response body arrived: fewer bytes than its
 * `Content-Length`, or a chunked body without its last chunk. A short body is never returned as
 * if it were whole. `code` stays axios's `ERR_BAD_RESPONSE`; `response` (status, headers) is
 * attached when the headers had arrived. Being a `ConnectionError`, it is retried like one
 * (idempotent requests only).
 *
 * @example
 * ```ts
 * try { await api.get('/export.csv'); } catch (err) {
 *   if (isTruncatedResponseError(err)) console.warn(`got ${err.received} of ${err.expected} bytes`);
 * }
 * ```
 */
export class TruncatedResponseError<T = unknown, D = unknown> extends ConnectionError<T, D> {
  static override readonly errorName: string = 'TruncatedResponseError';
  /** Body bytes received before the connection closed, or `undefined` when not counted. */
  readonly received: number | undefined;
  /** The announced `Content-Length`, or `undefined` (chunked, or no header). */
  readonly expected: number | undefined;

  constructor(message: string, options: TruncatedResponseErrorOptions = {}) {
    super(message, { code: 'ERR_BAD_RESPONSE', ...options });
    this.received = options.received;
    this.expected = options.expected;
  }
}

/**
 * Whether `err` is a `TruncatedResponseError`.
 *
 * @example
 * ```ts
 * if (isTruncatedResponseError(err)) retryLater();
 * ```
 */
export const isTruncatedResponseError = (err: unknown): err is TruncatedResponseError =>
  hasErrorKind(err, 'TruncatedResponseError');
