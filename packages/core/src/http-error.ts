import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { ClientError, type ClientErrorJSON, type ClientErrorOptions } from './client-error';
import { parseRetryAfter } from './parse-retry-after';

/** What an HTTP error is built from: the response is required. */
export interface HTTPErrorOptions extends ClientErrorOptions {
  response: AxiosResponse;
}

/**
 * The server answered with a status that `validateStatus` rejects. `status`, `response.headers`
 * and `response.data` (the body, parsed as axios parses it) are there; `retryAfter` holds the
 * `Retry-After` header in seconds when the server sent one.
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (isHTTPError(err)) console.log(err.status, err.response.data);
 * }
 * ```
 */
export class HTTPError<T = unknown, D = unknown> extends ClientError<T, D> {
  static override readonly errorName: string = 'HTTPError';
  declare readonly response: AxiosResponse<T, D>;
  declare readonly status: number;
  /** Seconds from `Retry-After` (delta-seconds or HTTP-date), or `undefined` when absent or invalid. */
  readonly retryAfter: number | undefined;

  constructor(message: string, options: HTTPErrorOptions) {
    super(message, options);
    this.status = options.response.status;
    this.retryAfter = parseRetryAfter(headerValue(options.response, 'retry-after'));
  }

  protected override buildJSON(): ClientErrorJSON {
    const json = super.buildJSON();
    if (this.retryAfter !== undefined) json.retryAfter = this.retryAfter;
    return json;
  }
}

/**
 * A 4xx response.
 *
 * @example
 * ```ts
 * if (err instanceof ClientResponseError) showFormErrors(err.response.data);
 * ```
 */
export class ClientResponseError<T = unknown, D = unknown> extends HTTPError<T, D> {
  static override readonly errorName: string = 'ClientResponseError';
}

/**
 * A 401 response: missing or rejected credentials.
 *
 * @example
 * ```ts
 * if (isAuthenticationError(err)) await login();
 * ```
 */
export class AuthenticationError<T = unknown, D = unknown> extends ClientResponseError<T, D> {
  static override readonly errorName: string = 'AuthenticationError';
}

/**
 * A 403 response: authenticated, but not allowed.
 *
 * @example
 * ```ts
 * if (isForbiddenError(err)) console.warn('no access to', err.url);
 * ```
 */
export class ForbiddenError<T = unknown, D = unknown> extends ClientResponseError<T, D> {
  static override readonly errorName: string = 'ForbiddenError';
}

/**
 * A 404 response.
 *
 * @example
 * ```ts
 * const user = await api.get('/users/7').catch((err) => (isNotFoundError(err) ? null : Promise.reject(err)));
 * ```
 */
export class NotFoundError<T = unknown, D = unknown> extends ClientResponseError<T, D> {
  static override readonly errorName: string = 'NotFoundError';
}

/**
 * A 429 response. `retryAfter` holds the server's `Retry-After` in seconds (delta-seconds or an
 * HTTP-date converted to seconds from now), or `undefined` when the server sent none.
 *
 * @example
 * ```ts
 * if (isRateLimitError(err) && err.retryAfter !== undefined) await sleep(err.retryAfter * 1000);
 * ```
 */
export class RateLimitError<T = unknown, D = unknown> extends ClientResponseError<T, D> {
  static override readonly errorName: string = 'RateLimitError';
}

/**
 * A 5xx response.
 *
 * @example
 * ```ts
 * if (isServerError(err)) metrics.increment('upstream.5xx');
 * ```
 */
export class ServerError<T = unknown, D = unknown> extends HTTPError<T, D> {
  static override readonly errorName: string = 'ServerError';
}

function headerValue(response: AxiosResponse, name: string): string | undefined {
  const headers = response.headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const value = typeof headers?.get === 'function' ? headers.get(name) : headers?.[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * Builds the HTTP error class that matches a response's status: 401 → `AuthenticationError`,
 * 403 → `ForbiddenError`, 404 → `NotFoundError`, 429 → `RateLimitError`, other 4xx →
 * `ClientResponseError`, 5xx → `ServerError`, anything else `validateStatus` rejected → `HTTPError`.
 *
 * @example
 * ```ts
 * throw createHTTPError(response); // in a custom adapter or middleware
 * ```
 */
export function createHTTPError(response: AxiosResponse, options: Omit<HTTPErrorOptions, 'response'> = {}): HTTPError {
  const status = response.status;
  const text = response.statusText ? ` ${response.statusText}` : '';
  const message = `Request failed with status ${status}${text}`;
  const config = (options.config ?? response.config) as InternalAxiosRequestConfig | undefined;
  const all: HTTPErrorOptions = {
    ...options,
    config,
    response,
    request: options.request ?? response.request,
    code: options.code ?? (status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST'),
  };
  switch (status) {
    case 401:
      return new AuthenticationError(message, all);
    case 403:
      return new ForbiddenError(message, all);
    case 404:
      return new NotFoundError(message, all);
    case 429:
      return new RateLimitError(message, all);
    default:
      if (status >= 500 && status <= 599) return new ServerError(message, all);
      if (status >= 400 && status <= 499) return new ClientResponseError(message, all);
      return new HTTPError(message, all);
  }
}
