/**
 * `@axle/rate-limit`: client-side rate limiting for axle clients. Every export is named here.
 */
export type {
  RateLimitDequeuedEvent,
  RateLimitPausedEvent,
  RateLimitQueuedEvent,
  RateLimitRejectedEvent,
} from './augment';
export type { RateLimitRedisOptions, ResolvedRedisOptions } from './distributed';
export type { RateLimitStatus } from './limiter';
export type {
  RateLimitOptions,
  RateLimitRule,
  ResolvedRateLimitOptions,
  ResolvedRule,
  ResolvedScopeLimit,
  ScopeLimit,
} from './options';
export { DEFAULT_RATE_LIMIT_OPTIONS, resolveRateLimitOptions } from './options';
export type { RateLimitPlugin } from './rate-limit';
export { rateLimit } from './rate-limit';
export type { RateLimitExceededErrorOptions, RateLimitExceededReason } from './rate-limit-exceeded-error';
export { isRateLimitExceededError, RateLimitExceededError } from './rate-limit-exceeded-error';
export type { ServerRateLimit } from './server-limit';
export { parseServerRateLimit } from './server-limit';
export type { Counter, CounterSpec, RateLimitStrategy } from './strategy';
export { createCounter, FixedWindow, SlidingWindow, TokenBucket } from './strategy';
