// Type expectations, checked by `tsc --noEmit`, not run by Jest.
// A line marked @ts-expect-error fails the type check if it ever starts to compile.

import { type AxlePlugin, createClient } from '@axle/core';
import {
  type RateLimitExceededError,
  type RateLimitExceededReason,
  type RateLimitPlugin,
  type RateLimitStatus,
  rateLimit,
  type ServerRateLimit,
} from '@axle/rate-limit';
import { expectTypeOf } from 'expect-type';

const limiter = rateLimit({
  strategy: 'sliding_window',
  maxRequests: 100,
  timeWindow: 60_000,
  rules: [{ match: 'GET /search*', maxRequests: 10 }],
  perHost: { maxRequests: 50 },
  redis: { prefix: 'billing', fallback: 'local' },
});
expectTypeOf(limiter).toMatchTypeOf<AxlePlugin>();
expectTypeOf(limiter).toEqualTypeOf<RateLimitPlugin>();
expectTypeOf(limiter.status()).toEqualTypeOf<RateLimitStatus>();
expectTypeOf(limiter.status().remaining).toEqualTypeOf<number>();

// @ts-expect-error: an unknown strategy
rateLimit({ strategy: 'leaky_bucket' });
// @ts-expect-error: on429 takes 'wait' or 'throw'
rateLimit({ on429: 'ignore' });

const api = createClient({ plugins: [limiter] });
async function use(): Promise<void> {
  const response = await api.get('/users', { rateLimit: false });
  expectTypeOf(response.rateLimit).toEqualTypeOf<ServerRateLimit | undefined>();
  // @ts-expect-error: per request, only false
  await api.get('/users', { rateLimit: true });
}
void use;

api.events.on('ratelimit:rejected', ({ reason, error, scope }) => {
  expectTypeOf(reason).toEqualTypeOf<RateLimitExceededReason>();
  expectTypeOf(error).toEqualTypeOf<RateLimitExceededError>();
  expectTypeOf(scope).toEqualTypeOf<string>();
});
api.events.on('ratelimit:paused', ({ until, reason }) => {
  expectTypeOf(until).toEqualTypeOf<number>();
  expectTypeOf(reason).toEqualTypeOf<429 | 'remaining'>();
});
api.events.on('ratelimit:queued', ({ wait, queued }) => {
  expectTypeOf(wait).toEqualTypeOf<number>();
  expectTypeOf(queued).toEqualTypeOf<number>();
});
