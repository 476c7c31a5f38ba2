/**
 * The logger axle writes to: any object with `debug`, `info`, `warn` and `error` methods. `console`,
 * pino and winston work unchanged. Each record is an object plus a message: axle calls
 * `logger.info(record, message)` (pino's and console's order), or `logger.info(message, record)` for
 * a winston logger (one that has a `transports` list).
 *
 * @example
 * ```ts
 * const api = createClient({ logger: console });
 * const quiet: Logger = { debug() {}, info() {}, warn: console.warn, error: console.error };
 * ```
 */
export interface Logger {
  debug(...args: unknown[]): unknown;
  info(...args: unknown[]): unknown;
  warn(...args: unknown[]): unknown;
  error(...args: unknown[]): unknown;
}

/**
 * The four levels axle logs at, least severe first.
 *
 * @example
 * ```ts
 * const level: LogLevel = 'debug';
 * loggingMiddleware({ logger: console, level });
 * ```
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * A structured log record. Every record of a request carries `requestId` when the request has an
 * `X-Request-ID` header; URLs and headers are redacted.
 *
 * @example
 * ```ts
 * // { event: 'response', method: 'GET', url: 'https://api.example.com/x?token=[REDACTED]',
 * //   status: 200, durationMs: 12.3, attempt: 1, requestId: '01J...' }
 * ```
 */
export interface LogRecord {
  /** What happened: `request`, `response`, `attempt-failed`, `retry`, `slow`, `failed`. */
  readonly event: string;
  readonly method: string;
  /** The full URL, redacted. */
  readonly url: string;
  readonly requestId?: string;
  readonly attempt?: number;
  readonly status?: number;
  readonly durationMs?: number;
  readonly [field: string]: unknown;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Whether `value` can be used as a logger (all four methods are functions).
 *
 * @example
 * ```ts
 * isLogger(console); // true
 * ```
 */
export function isLogger(value: unknown): value is Logger {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  return LEVELS.every((level) => typeof (value as Record<string, unknown>)[level] === 'function');
}

/** Writes one record at `level`, in the argument order the logger expects. */
export function writeLog(logger: Logger, level: LogLevel, record: LogRecord, message: string): void {
  try {
    if (Array.isArray((logger as { transports?: unknown }).transports)) logger[level](message, record);
    else logger[level](record, message);
  } catch {
    // A failing logger must not fail the request.
  }
}

/** Whether the logger reports `level` as enabled (pino's and winston's `isLevelEnabled`); `true` when it cannot tell. */
export function levelEnabled(logger: Logger, level: LogLevel): boolean {
  const check = (logger as { isLevelEnabled?: (level: string) => unknown }).isLevelEnabled;
  if (typeof check !== 'function') return true;
  try {
    return Boolean(check.call(logger, level));
  } catch {
    return true;
  }
}
