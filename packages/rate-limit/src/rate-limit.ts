import { type AxlePlugin, ConfigurationError, definePlugin, type PluginContext } from '@axle/core';
import { SharedLimit } from './distributed';
import { Limiter, type RateLimitStatus } from './limiter';
import { type RateLimitOptions, type ResolvedRateLimitOptions, resolveRateLimitOptions } from './options';

/**
 * The handle `rateLimit()` returns: give it to `createClient({ plugins: [...] })`, keep it to read
 * the limiter's state.
 *
 * @example
 * ```ts
 * const limiter = rateLimit({ maxRequests: 100, timeWindow: 60_000 });
 * const api = createClient({ baseURL, plugins: [limiter] });
 * limiter.status(); // { limit, remaining, resetAt, queued, running, pausedUntil, server }
 * ```
 */
export interface RateLimitPlugin extends AxlePlugin {
  readonly name: 'rate-limit';
  readonly role: 'rate-limit';
  readonly key: 'rateLimit';
  /** The options in use, defaults applied. */
  readonly options: ResolvedRateLimitOptions;
  /**
   * The state of a scope: the client-wide one by default, or the one named: an origin
   * (`'https://api.example.com'`, with `perHost`) or a rule's pattern (`'GET /search*'`).
   * Before install, a fresh limiter's state.
   */
  status(scope?: string): RateLimitStatus;
  /** The names of the scopes seen so far: `'*'`, origins, rule patterns. */
  scopes(): string[];
}

/**
 * Creates a client-side rate limiter plugin. Each request must pass every scope that applies
 * (client-wide, its origin with `perHost`, every matching rule) and a free `maxConcurrent` slot,
 * held for the whole network call; otherwise it waits in a FIFO queue (up to `queueSize`
 * requests, `queueTimeout` ms each) and then fails with `RateLimitExceededError`, unsent. The
 * caller's `signal` removes a waiting request at once. Responses' rate-limit headers are parsed
 * into `response.rateLimit`; a 429, or a response saying none remain, pauses the scope until the
 * server's reset, so waiting requests wait too.
 *
 * Defaults: `strategy: 'token_bucket'`, `timeWindow: 1000`, `burstSize: maxRequests`, no
 * client-wide rate unless `maxRequests` is given, `maxConcurrent: Infinity`, `queueSize: 1000`,
 * `queueTimeout: 30_000`, `on429: 'wait'`, `defaultPause: 1000`, `maxPause: 60_000`.
 * Invalid options throw a `ConfigurationError` here.
 *
 * Nothing is created until a client installs the handle; `client.close()` rejects waiting
 * requests (`ERR_CLIENT_CLOSED`) and stops the limiter's timer.
 *
 * @example
 * ```ts
 * import { createClient } from '@axle/core';
 * import { rateLimit } from '@axle/rate-limit';
 *
 * const limiter = rateLimit({ strategy: 'token_bucket', maxRequests: 100, timeWindow: 60_000, burstSize: 10,
 *                             maxConcurrent: 8, queueSize: 50, queueTimeout: 30_000,
 *                             rules: [{ match: 'GET /search*', maxRequests: 10, timeWindow: 60_000 }] });
 * const api = createClient({ baseURL: 'https://api.example.com', plugins: [limiter] });
 * const response = await api.get('/users');
 * console.log(limiter.status().remaining, response.rateLimit?.remaining);
 * ```
 */
export function rateLimit(options?: RateLimitOptions): RateLimitPlugin {
  const resolved = resolveRateLimitOptions(options);
  let installed: Limiter | undefined;
  let last: Limiter | undefined;

  const install = (ctx: PluginContext) => {
    if (installed !== undefined) {
      throw new Error(
        'this rateLimit() handle is already installed on a client; create one handle per client (clients made by extend() share it already)',
      );
    }
    const redis = resolved.redis;
    const global = resolved.global;
    const shared =
      redis !== undefined && global !== undefined
        ? new SharedLimit(redis, global.maxRequests, global.timeWindow)
        : undefined;
    const limiter = new Limiter(resolved, ctx.events, shared);
    installed = limiter;
    last = limiter;
    ctx.wrap(
      (config, next) => {
        // `false` never gets here (the core skips the layer); anything else is a mistake.
        if (config.rateLimit !== undefined) {
          return Promise.reject(
            new ConfigurationError(
              `rateLimit per request takes only false (to skip the limiter); got ${String(config.rateLimit)}`,
              { option: 'rateLimit', config },
            ),
          );
        }
        return limiter.run(config, next);
      },
      { changesHeaders: false },
    );
    return async () => {
      if (installed === limiter) installed = undefined;
      await limiter.close();
    };
  };

  // The state shown before install: a limiter no client uses.
  const view = (): Limiter => last ?? new Limiter(resolved, NO_EVENTS);

  return definePlugin({
    name: 'rate-limit' as const,
    role: 'rate-limit' as const,
    key: 'rateLimit' as const,
    options: resolved,
    install,
    status: (scope?: string) => view().status(scope),
    scopes: () => view().scopes(),
  });
}

const NO_EVENTS = {
  on: () => () => undefined,
  once: () => () => undefined,
  emit: () => undefined,
  listenerCount: () => 0,
  clear: () => undefined,
};
