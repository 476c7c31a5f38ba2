import type { Middleware } from './axle-instance';
import { ConfigurationError } from './configuration-error';
import { baseRecord, errorFields, requestDetails, responseDetails } from './log-record';
import { isLogger, type Logger, type LogLevel, writeLog } from './logger';

/**
 * Options of {@link loggingMiddleware}.
 *
 * @example
 * ```ts
 * const options: LoggingMiddlewareOptions = { logger: console, level: 'debug', logBodyBytes: 256 };
 * ```
 */
export interface LoggingMiddlewareOptions {
  /** Where records go: console, pino, winston, or any object with the four methods. */
  readonly logger: Logger;
  /**
   * The level of the record for a response or failure. Default `'info'`. With `'debug'`, records also
   * carry the redacted headers (and body samples with `logBodyBytes`).
   */
  readonly level?: LogLevel;
  /** The most bytes of each body in `'debug'` records, redacted. Default `0`: none. */
  readonly logBodyBytes?: number;
}

/**
 * Middleware that logs each call through it: a record on the way out with method, redacted URL,
 * status (or error) and duration, plus the request ID when there is one. URLs and headers are
 * redacted as everywhere in axle (the config's `redact` rules included). Use it per request or with
 * `client.with(...)`; for client-wide logging the `logger` option does more (retries, final failures).
 *
 * @example
 * ```ts
 * const api = createClient({ middleware: [loggingMiddleware({ logger: console, level: 'debug' })] });
 * await api.get('/users', { middleware: [loggingMiddleware({ logger: pino() })] });
 * ```
 */
export function loggingMiddleware(options: LoggingMiddlewareOptions): Middleware {
  const { logger, level = 'info', logBodyBytes = 0 } = options ?? {};
  if (!isLogger(logger)) {
    throw new ConfigurationError('Invalid logger: expected an object with debug, info, warn and error methods', {
      option: 'logger',
    });
  }
  const detailed = level === 'debug';
  return async (config, next) => {
    const started = performance.now();
    try {
      const response = await next(config);
      const record = baseRecord('response', config, config.axle?.attempt);
      record.status = response.status;
      record.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      if (detailed) {
        requestDetails(record, config, logBodyBytes);
        responseDetails(record, response, logBodyBytes);
      }
      writeLog(logger, level, record, `${record.method} ${record.url} ${response.status}`);
      return response;
    } catch (error) {
      const record = baseRecord('failed', config, config.axle?.attempt);
      record.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      errorFields(record, error);
      if (detailed) requestDetails(record, config, logBodyBytes);
      writeLog(
        logger,
        level === 'debug' || level === 'info' ? 'warn' : level,
        record,
        `${record.method} ${record.url} failed`,
      );
      throw error;
    }
  };
}
