import type { Middleware } from './axle-instance';
import type { RedirectHop } from './redirects';
import type { RetryOptions } from './retry-options';
/**
 * The per-request keys `@axle/core` adds to axios's request config. Plugins add theirs the same
 * way (`cache`, `circuitBreaker`, `rateLimit`), each in its own package.
 */

/**
 * Which HTTP error statuses reject. `true` (the default) rejects every status `validateStatus`
 * rejects; `false` resolves them all as ordinary responses; a list names the statuses that still
 * resolve; a function returns `true` for statuses that should reject.
 *
 * @example
 * ```ts
 * await api.get('/maybe', { throwHttpErrors: [404] }); // a 404 resolves; a 500 still rejects
 * ```
 */
export type ThrowHttpErrors = boolean | readonly number[] | ((status: number) => boolean);

/**
 * What axle records on the config of each attempt (`response.config.axle`, `error.config.axle`).
 */
export interface RequestState {
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** When the logical request started (ms since the epoch), shared by every attempt. */
  readonly startedAt: number;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Per-request override of the client's `throwHttpErrors`. Default: the client's (`true`).
     */
    throwHttpErrors?: ThrowHttpErrors;
    /**
     * Retry policy for this request, merged over the client's: a number of retries, an object of
     * {@link RetryOptions}, or `false` to turn retries off. Default: the client's (3 retries).
     */
    retry?: number | RetryOptions | false;
    /**
     * Middleware for this request only, run after the client's middleware (inside it). Default: none.
     */
    middleware?: readonly Middleware[];
  }

  interface AxiosResponse {
    /** Set by `timingMiddleware`: milliseconds the call took below it. */
    durationMs?: number;
    /** Every redirect the request followed, in order (empty when none). Set by axle on each response. */
    redirects?: readonly RedirectHop[];
  }

  interface InternalAxiosRequestConfig {
    /** Set by axle on every attempt: the attempt number and when the request started. */
    axle?: RequestState;
  }
}
