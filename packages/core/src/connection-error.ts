import { ClientError } from './client-error';

/**
 * The request never got a response: the connection was refused or reset, the host name did not
 * resolve, or the socket closed early. `code` is Node's (`ECONNREFUSED`, `ECONNRESET`,
 * `ENOTFOUND`, ...) and `cause` the original error.
 *
 * @example
 * ```ts
 * if (isConnectionError(err) && err.code === 'ECONNREFUSED') console.warn('is the server up?');
 * ```
 */
export class ConnectionError<T = unknown, D = unknown> extends ClientError<T, D> {
  static override readonly errorName: string = 'ConnectionError';
}
