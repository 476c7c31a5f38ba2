import type { Middleware } from './axle-instance';

/**
 * Middleware that measures the call below it and sets `response.durationMs` (milliseconds, from
 * `performance.now()`). Per attempt when used as client middleware (retries wrap middleware).
 *
 * @example
 * ```ts
 * const timed = api.with(timingMiddleware());
 * const response = await timed.get('/users');
 * console.log(response.durationMs);
 * ```
 */
export function timingMiddleware(): Middleware {
  return async (config, next) => {
    const started = performance.now();
    const response = await next(config);
    response.durationMs = performance.now() - started;
    return response;
  };
}
