import type { InternalAxiosRequestConfig } from 'axios';
import type { RateLimitExceededError, RateLimitExceededReason } from './rate-limit-exceeded-error';
import type { ServerRateLimit } from './server-limit';

/**
 * Payload of `ratelimit:queued`: a request has to wait.
 *
 * @example
 * ```ts
 * api.events.on('ratelimit:queued', ({ scope, wait, queued }) => log.debug(`${scope}: ~${wait} ms, ${queued} waiting`));
 * ```
 */
export interface RateLimitQueuedEvent {
  readonly config: InternalAxiosRequestConfig;
  /** The scope that holds it back (`'*'`, an origin, or a rule's pattern); `'concurrency'` when only `maxConcurrent` does. */
  readonly scope: string;
  /** The estimated wait in ms (0 when it waits for a concurrency slot, or behind earlier requests). */
  readonly wait: number;
  /** Requests waiting, this one included. */
  readonly queued: number;
}

/**
 * Payload of `ratelimit:dequeued`: a request that waited is being sent.
 *
 * @example
 * ```ts
 * api.events.on('ratelimit:dequeued', ({ waited }) => histogram.observe(waited));
 * ```
 */
export interface RateLimitDequeuedEvent {
  readonly config: InternalAxiosRequestConfig;
  /** Ms it waited. */
  readonly waited: number;
}

/**
 * Payload of `ratelimit:rejected`: the limiter refused a request without sending it.
 *
 * @example
 * ```ts
 * api.events.on('ratelimit:rejected', ({ reason, scope }) => metrics.increment('ratelimit.rejected', { reason, scope }));
 * ```
 */
export interface RateLimitRejectedEvent {
  readonly config: InternalAxiosRequestConfig;
  readonly reason: RateLimitExceededReason;
  readonly scope: string;
  readonly error: RateLimitExceededError;
}

/**
 * Payload of `ratelimit:paused`: the server said no request remains, so a scope waits until `until`.
 *
 * @example
 * ```ts
 * api.events.on('ratelimit:paused', ({ scope, until }) => log.warn(`${scope} paused until ${new Date(until).toISOString()}`));
 * ```
 */
export interface RateLimitPausedEvent {
  /** The scope paused: the most specific that applied to the request (rule, then origin, then `'*'`). */
  readonly scope: string;
  /** Ms since the epoch. */
  readonly until: number;
  /** `429`, or `'remaining'` when a successful response said none remain. */
  readonly reason: 429 | 'remaining';
  readonly server: ServerRateLimit | undefined;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * `false` sends this request past the rate limiter: it neither waits nor counts, and its
     * response's rate-limit headers are not read. Default: the limiter applies.
     */
    rateLimit?: false;
  }

  interface AxiosResponse {
    /**
     * The server's rate-limit headers, parsed (`Retry-After`, `X-RateLimit-*`, `RateLimit`,
     * `RateLimit-Policy`); `undefined` when it sent none. Set by `@axle/rate-limit`.
     */
    rateLimit?: ServerRateLimit;
  }
}

declare module '@axle/core' {
  interface AxleEventMap {
    /** A request has to wait in the limiter's queue. */
    'ratelimit:queued': RateLimitQueuedEvent;
    /** A request that waited is being sent. */
    'ratelimit:dequeued': RateLimitDequeuedEvent;
    /** The limiter refused a request (full queue, expired wait, or a paused scope with `on429: 'throw'`). */
    'ratelimit:rejected': RateLimitRejectedEvent;
    /** The server said no request remains: a scope waits until its reset. */
    'ratelimit:paused': RateLimitPausedEvent;
  }
}
