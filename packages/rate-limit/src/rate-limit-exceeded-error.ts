import { ClientError, type ClientErrorJSON, type ClientErrorOptions, isClientError } from '@axle/core';

/**
 * Why the limiter refused a request without sending it: the queue was full, the wait passed
 * `queueTimeout`, or (with `on429: 'throw'`) the server had paused the scope.
 *
 * @example
 * ```ts
 * const reason: RateLimitExceededReason = 'queue_full';
 * ```
 */
export type RateLimitExceededReason = 'queue_full' | 'queue_timeout' | 'paused';

/**
 * What a `RateLimitExceededError` is built from.
 *
 * @example
 * ```ts
 * new RateLimitExceededError('queue full', { reason: 'queue_full', scope: '*', config });
 * ```
 */
export interface RateLimitExceededErrorOptions extends ClientErrorOptions {
  readonly reason: RateLimitExceededReason;
  /** The scope that held the request back (`'*'`, an origin, or a rule's pattern). */
  readonly scope: string;
  /** When a request of that scope could go (ms since the epoch), when known. */
  readonly retryAt?: number | undefined;
}

/**
 * The client-side limiter refused a request; nothing was sent. It extends `ClientError` as a
 * sibling of core's `RateLimitError`, not a subclass: `RateLimitError` is an `HTTPError` (a 429
 * the server sent, with a `response` and a `status`), and here there is no response at all.
 * Core's retry does not retry it. Codes: `ERR_RATE_LIMIT_QUEUE_FULL`,
 * `ERR_RATE_LIMIT_QUEUE_TIMEOUT`, `ERR_RATE_LIMIT_PAUSED`.
 *
 * @example
 * ```ts
 * try {
 *   await api.get('/search');
 * } catch (err) {
 *   if (isRateLimitExceededError(err)) console.warn(err.reason, err.scope, err.retryAt);
 * }
 * ```
 */
export class RateLimitExceededError<T = unknown, D = unknown> extends ClientError<T, D> {
  static override readonly errorName: string = 'RateLimitExceededError';
  readonly reason: RateLimitExceededReason;
  readonly scope: string;
  /** When a request of `scope` could go (ms since the epoch), or `undefined`. */
  readonly retryAt: number | undefined;

  constructor(message: string, options: RateLimitExceededErrorOptions) {
    super(message, { code: CODES[options.reason], ...options });
    this.reason = options.reason;
    this.scope = options.scope;
    this.retryAt = options.retryAt;
  }

  protected override buildJSON(): ClientErrorJSON {
    return { ...super.buildJSON(), reason: this.reason, scope: this.scope, retryAt: this.retryAt };
  }
}

const CODES: Record<RateLimitExceededReason, string> = {
  queue_full: 'ERR_RATE_LIMIT_QUEUE_FULL',
  queue_timeout: 'ERR_RATE_LIMIT_QUEUE_TIMEOUT',
  paused: 'ERR_RATE_LIMIT_PAUSED',
};

/**
 * Whether `err` is a `RateLimitExceededError`. It checks core's error marker and the literal
 * `name`, not only `instanceof`, so it works across two copies of the package.
 *
 * @example
 * ```ts
 * if (isRateLimitExceededError(err) && err.reason === 'queue_full') shed();
 * ```
 */
export const isRateLimitExceededError = (err: unknown): err is RateLimitExceededError =>
  err instanceof RateLimitExceededError || (isClientError(err) && err.name === 'RateLimitExceededError');
