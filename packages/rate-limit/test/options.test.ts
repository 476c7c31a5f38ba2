import { ConfigurationError } from '@axle/core';
import {
  DEFAULT_RATE_LIMIT_OPTIONS,
  type RateLimitOptions,
  rateLimit,
  resolveRateLimitOptions,
} from '@axle/rate-limit';

const bad = (options: unknown) => () => resolveRateLimitOptions(options as RateLimitOptions);

describe('resolveRateLimitOptions', () => {
  it('applies the defaults', () => {
    const resolved = resolveRateLimitOptions();
    expect(resolved).toMatchObject({
      global: undefined,
      perHost: undefined,
      rules: [],
      maxConcurrent: Number.POSITIVE_INFINITY,
      queueSize: 1000,
      queueTimeout: 30_000,
      on429: 'wait',
      defaultPause: 1000,
      maxPause: 60_000,
    });
    expect(resolveRateLimitOptions({ maxRequests: 100 }).global).toEqual({
      strategy: DEFAULT_RATE_LIMIT_OPTIONS.strategy,
      maxRequests: 100,
      timeWindow: 1000,
      burstSize: 100,
    });
    expect(rateLimit({ maxRequests: 5 }).options.global?.burstSize).toBe(5);
  });

  it('takes every option', () => {
    const resolved = resolveRateLimitOptions({
      strategy: 'sliding_window',
      maxRequests: 10,
      timeWindow: 60_000,
      burstSize: 2,
      maxConcurrent: 4,
      queueSize: Number.POSITIVE_INFINITY,
      queueTimeout: 0,
      on429: 'throw',
      defaultPause: 10,
      maxPause: 20,
      perHost: { maxRequests: 3, strategy: 'fixed_window' },
      rules: [{ match: 'GET /a', maxRequests: 1 }],
    });
    expect(resolved.perHost).toEqual({ strategy: 'fixed_window', maxRequests: 3, timeWindow: 60_000, burstSize: 3 });
    expect(resolved.rules[0]).toMatchObject({
      name: 'GET /a',
      maxRequests: 1,
      timeWindow: 60_000,
      strategy: 'sliding_window',
    });
    expect(resolved.rules[0]?.test('GET /a')).toBe(true);
    expect(resolved.rules[0]?.test('GET /ab')).toBe(false);
    expect(resolved.queueSize).toBe(Number.POSITIVE_INFINITY);
    expect(resolveRateLimitOptions({ maxRequests: 1, perHost: false }).perHost).toBeUndefined();
  });

  it.each([
    [null, /must be an object/],
    [[], /must be an object/],
    [{ max_requests: 1 }, /did you mean "maxRequests"/],
    [{ respect_retry_after: true }, /did you mean "on429"/],
    [{ nope: 1 }, /valid options are strategy/],
    [{ strategy: 'tokenBucket' }, /did you mean 'token_bucket'/],
    [{ strategy: 'leaky' }, /one of 'token_bucket'/],
    [{ maxRequests: 0 }, /rateLimit.maxRequests must be a whole number above 0/],
    [{ maxRequests: 1.5 }, /maxRequests/],
    [{ burstSize: 2 }, /burstSize needs maxRequests/],
    [{ maxConcurrent: -1 }, /maxConcurrent must be a whole number above 0, or Infinity/],
    [{ queueSize: -1 }, /queueSize/],
    [{ queueTimeout: 'soon' }, /queueTimeout must be a whole number of milliseconds/],
    [{ on429: 'ignore' }, /on429 must be 'wait' or 'throw'/],
    [{ perHost: true }, /perHost true needs maxRequests/],
    [{ perHost: {} }, /perHost.maxRequests is required/],
    [{ perHost: 3 }, /perHost must be/],
    [{ perHost: { max: 1 } }, /Unknown rateLimit.perHost option "max"/],
    [{ rules: {} }, /rules must be an array/],
    [{ rules: [{ match: '', maxRequests: 1 }] }, /rules\[0\].match/],
    [{ rules: [{ match: '/a', maxRequests: 1, time_window: 5 }] }, /did you mean "timeWindow"/],
    [{ rules: [{ match: '/a' }] }, /rules\[0\].maxRequests is required/],
    [{ redis: {} }, /redis shares the client-wide limit/],
    [{ maxRequests: 1, perHost: true, redis: {} }, /redis shares the client-wide limit/],
    [{ maxRequests: 1, redis: 'redis://x' }, /rateLimit.redis must be/],
    [{ maxRequests: 1, redis: { url: 'http://x' } }, /redis.url must be a redis:\/\//],
    [{ maxRequests: 1, redis: { prefix: 'a b' } }, /redis.prefix/],
    [{ maxRequests: 1, redis: { fallback: 'none' } }, /redis.fallback must be 'error' or 'local'/],
    [{ maxRequests: 1, redis: { connect_timeout: 5 } }, /Unknown rateLimit.redis option "connect_timeout"/],
  ])('rejects %j', (options, message) => {
    expect(bad(options)).toThrow(ConfigurationError);
    expect(bad(options)).toThrow(message);
  });

  it('applies the Redis defaults', () => {
    expect(resolveRateLimitOptions({ maxRequests: 1, redis: {} }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'axle-rate-limit',
      connectTimeout: 2000,
      fallback: 'error',
    });
  });

  it('names the option on the error', () => {
    try {
      resolveRateLimitOptions({ timeWindow: -5 });
    } catch (error) {
      expect(error).toMatchObject({ option: 'rateLimit.timeWindow' });
    }
    expect.assertions(1);
  });
});
