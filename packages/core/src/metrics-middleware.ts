import type { Middleware } from './axle-instance';
import { requestUrl } from './client-error';
import { ConfigurationError } from './configuration-error';
import { rulesOf } from './log-record';
import { redactUrl } from './redact';

/**
 * One call's measurement, as {@link metricsMiddleware} gives it to the collector.
 *
 * @example
 * ```ts
 * // { method: 'GET', url: 'https://api.example.com/x?token=[REDACTED]', status: 200,
 * //   error: undefined, durationMs: 12.5, attempt: 1 }
 * ```
 */
export interface RequestMetric {
  /** Upper case (`GET`). */
  readonly method: string;
  /** The full URL, redacted. */
  readonly url: string;
  /** The status, when the server answered (also for an HTTP error status). */
  readonly status: number | undefined;
  /** The error's name (`ServerError`, `ConnectionError`, ...) when the call failed. */
  readonly error: string | undefined;
  /** Milliseconds the call below the middleware took. */
  readonly durationMs: number;
  /** The attempt (1 for the first). */
  readonly attempt: number;
}

/**
 * What receives metrics: an object with `record(metric)` (a Prometheus or StatsD adapter of yours),
 * or a plain function.
 *
 * @example
 * ```ts
 * const collector: MetricsCollector = { record: (m) => histogram.observe({ status: m.status }, m.durationMs / 1000) };
 * ```
 */
export type MetricsCollector = { record(metric: RequestMetric): void } | ((metric: RequestMetric) => void);

/**
 * Middleware that reports the duration and status (or error) of each call through it to
 * `collector`. A collector that throws does not fail the request.
 *
 * @example
 * ```ts
 * const samples: RequestMetric[] = [];
 * const api = createClient({ middleware: [metricsMiddleware((m) => samples.push(m))] });
 * ```
 */
export function metricsMiddleware(collector: MetricsCollector): Middleware {
  if (typeof collector !== 'function' && typeof (collector as { record?: unknown } | null)?.record !== 'function') {
    throw new ConfigurationError('Invalid collector: expected a function or an object with record(metric)', {
      option: 'collector',
    });
  }
  const record = typeof collector === 'function' ? collector : collector.record.bind(collector);
  return async (config, next) => {
    const started = performance.now();
    const report = (status: number | undefined, error: string | undefined) => {
      try {
        record({
          method: (config.method ?? 'get').toUpperCase(),
          url: redactUrl(requestUrl(config) ?? '', rulesOf(config)),
          status,
          error,
          durationMs: performance.now() - started,
          attempt: config.axle?.attempt ?? 1,
        });
      } catch {
        // A failing collector must not fail the request.
      }
    };
    try {
      const response = await next(config);
      report(response.status, undefined);
      return response;
    } catch (error) {
      const status = (error as { response?: { status?: unknown } }).response?.status;
      report(typeof status === 'number' ? status : undefined, error instanceof Error ? error.name : typeof error);
      throw error;
    }
  };
}
