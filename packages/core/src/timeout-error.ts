import { ClientError } from './client-error';

/**
 * A timeout fired. `code` keeps the underlying code (`ECONNABORTED` for axios's `timeout`,
 * `ETIMEDOUT` for a socket timeout).
 * The subclasses say which phase was too slow.
 *
 * @example
 * ```ts
 * if (isTimeoutError(err)) console.warn('slow upstream', err.url);
 * ```
 */
export class TimeoutError<T = unknown, D = unknown> extends ClientError<T, D> {
  static override readonly errorName: string = 'TimeoutError';
}

/**
 * The TCP connection (and TLS handshake) did not complete within the connect timeout.
 *
 * @example
 * ```ts
 * if (err instanceof ConnectTimeoutError) markHostDown(err.url);
 * ```
 */
export class ConnectTimeoutError<T = unknown, D = unknown> extends TimeoutError<T, D> {
  static override readonly errorName: string = 'ConnectTimeoutError';
}

/**
 * The response (its headers, or the next chunk of its body) did not arrive in time.
 *
 * @example
 * ```ts
 * if (err instanceof ReadTimeoutError) console.warn('server stalled');
 * ```
 */
export class ReadTimeoutError<T = unknown, D = unknown> extends TimeoutError<T, D> {
  static override readonly errorName: string = 'ReadTimeoutError';
}

/**
 * Sending the request body stalled for longer than the write timeout.
 *
 * @example
 * ```ts
 * if (err instanceof WriteTimeoutError) console.warn('upload stalled');
 * ```
 */
export class WriteTimeoutError<T = unknown, D = unknown> extends TimeoutError<T, D> {
  static override readonly errorName: string = 'WriteTimeoutError';
}
