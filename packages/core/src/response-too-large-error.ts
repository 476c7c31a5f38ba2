import { ClientError, type ClientErrorOptions, hasErrorKind } from './client-error';

/** What a `ResponseTooLargeError` is built from. */
export interface ResponseTooLargeErrorOptions extends ClientErrorOptions {
  /** The limit in bytes (`maxContentLength`). */
  limit: number;
}

/**
 * A response body grew past `maxContentLength` (default 100 MB for buffered bodies). Reading
 * stopped at the limit and the connection was closed, so the rest was never buffered. `code`
 * stays axios's `ERR_BAD_RESPONSE`.
 *
 * @example
 * ```ts
 * try { await api.get('/huge', { maxContentLength: 1_000_000 }); } catch (err) {
 *   if (isResponseTooLargeError(err)) console.warn(`more than ${err.limit} bytes`);
 * }
 * ```
 */
export class ResponseTooLargeError<T = unknown, D = unknown> extends ClientError<T, D> {
  static override readonly errorName: string = 'ResponseTooLargeError';
  /** The limit that was passed, in bytes. */
  readonly limit: number;

  constructor(message: string, options: ResponseTooLargeErrorOptions) {
    super(message, { code: 'ERR_BAD_RESPONSE', ...options });
    this.limit = options.limit;
  }
}

/**
 * Whether `err` is a `ResponseTooLargeError`.
 *
 * @example
 * ```ts
 * if (isResponseTooLargeError(err)) console.warn(err.limit);
 * ```
 */
export const isResponseTooLargeError = (err: unknown): err is ResponseTooLargeError =>
  hasErrorKind(err, 'ResponseTooLargeError');
