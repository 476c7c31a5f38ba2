import { type CircuitBreakerOpenError, ConfigurationError, checkOptionKeys, invalidOption } from '@axle/core';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { isErrorClass } from './classify-outcome';

/**
 * An error class whose instances (subclasses' included) do not count, for `excludedErrors`.
 *
 * @example
 * ```ts
 * const excluded: ErrorClass[] = [ValidationError, ConnectTimeoutError];
 * ```
 */
// `never[]` parameters accept every constructor signature, without `any`.
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * A predicate for `excludedErrors`: `true` means the error does not count.
 *
 * @example
 * ```ts
 * const maintenance: ErrorPredicate = (err) => isServerError(err) && err.response.headers['x-maintenance'] === '1';
 * ```
 */
export type ErrorPredicate = (error: unknown) => boolean;

/**
 * Answers a request the breaker rejected, instead of the `CircuitBreakerOpenError`.
 *
 * @example
 * ```ts
 * const fallback: CircuitBreakerFallback = (config) => ({
 *   data: [], status: 200, statusText: 'OK (fallback)', headers: {}, config,
 * });
 * ```
 */
export type CircuitBreakerFallback = (
  config: InternalAxiosRequestConfig,
  error: CircuitBreakerOpenError,
) => AxiosResponse | Promise<AxiosResponse>;

/**
 * Options of `circuitBreaker()`. Every duration is in milliseconds.
 *
 * @example
 * ```ts
 * const options: CircuitBreakerOptions = { failureThreshold: 5, resetTimeout: 30_000, successThreshold: 2 };
 * ```
 */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failures that open the breaker. Default `5`; off by default when
   * `failureRateThreshold` is given (give both to trip on whichever is reached first).
   */
  failureThreshold?: number;
  /**
   * Opens the breaker when the share of failures among counted calls in the last
   * `samplingDuration` reaches this fraction (`0.5` = 50 %), once at least `minimumThroughput`
   * calls were counted. Default: not used.
   */
  failureRateThreshold?: number;
  /** The sliding window of `failureRateThreshold` and of `metrics.failureRate`. Default `60_000`. */
  samplingDuration?: number;
  /**
   * Counted calls the window must hold before `failureRateThreshold` can trip, so one failure at
   * low traffic does not open the breaker. Default `10`. Only with `failureRateThreshold`.
   */
  minimumThroughput?: number;
  /** Successful probes in half-open needed to close. Default `2` (at most `halfOpenMaxCalls`). */
  successThreshold?: number;
  /** Time the breaker stays open before it lets probes through (half-open). Default `30_000`. */
  resetTimeout?: number;
  /**
   * The probe budget: exactly this many calls pass while half-open; the rest are rejected. A probe
   * whose outcome does not count (an excluded error, a cancellation) gives its permit back.
   * Default `3` (at least `successThreshold`).
   */
  halfOpenMaxCalls?: number;
  /**
   * Errors that count neither as failures nor as successes: error classes (matched with
   * `instanceof`, subclasses included) or predicates. Default `[]`.
   */
  excludedErrors?: readonly (ErrorClass | ErrorPredicate)[];
  /**
   * HTTP statuses that count as failures, 500 to 599. Default `[500, 502, 503, 504]`. Connection
   * errors and timeouts always count (exclude them with `excludedErrors`); 4xx never counts.
   */
  includedStatusCodes?: readonly number[];
  /** Answers rejected requests instead of throwing `CircuitBreakerOpenError`. Default: none. */
  fallback?: CircuitBreakerFallback;
  /** One breaker per origin (`https://api.example.com:443`) instead of one per client. Default `false`. */
  perHost?: boolean;
  /** With `perHost`: breakers kept at most; the least recently used is dropped. Default `1000`. */
  maxHosts?: number;
}

/**
 * Options with every default applied, as the breaker uses them (`breaker.options`).
 *
 * @example
 * ```ts
 * const { resetTimeout, halfOpenMaxCalls } = circuitBreaker().options; // 30000, 3
 * ```
 */
export interface ResolvedCircuitBreakerOptions {
  /** `undefined` when consecutive failures do not trip the breaker. */
  readonly failureThreshold: number | undefined;
  /** `undefined` when the failure rate does not trip the breaker. */
  readonly failureRateThreshold: number | undefined;
  readonly samplingDuration: number;
  readonly minimumThroughput: number;
  readonly successThreshold: number;
  readonly resetTimeout: number;
  readonly halfOpenMaxCalls: number;
  readonly excludedErrors: readonly (ErrorClass | ErrorPredicate)[];
  readonly includedStatusCodes: ReadonlySet<number>;
  readonly fallback: CircuitBreakerFallback | undefined;
  readonly perHost: boolean;
  readonly maxHosts: number;
}

/**
 * The defaults, as documented on {@link CircuitBreakerOptions}.
 *
 * @example
 * ```ts
 * circuitBreaker({ resetTimeout: DEFAULT_CIRCUIT_BREAKER_OPTIONS.resetTimeout * 2 });
 * ```
 */
export const DEFAULT_CIRCUIT_BREAKER_OPTIONS = Object.freeze({
  failureThreshold: 5,
  samplingDuration: 60_000,
  minimumThroughput: 10,
  successThreshold: 2,
  resetTimeout: 30_000,
  halfOpenMaxCalls: 3,
  includedStatusCodes: Object.freeze([500, 502, 503, 504]),
  perHost: false,
  maxHosts: 1000,
});

const KNOWN_KEYS: readonly (keyof CircuitBreakerOptions)[] = [
  'failureThreshold',
  'failureRateThreshold',
  'samplingDuration',
  'minimumThroughput',
  'successThreshold',
  'resetTimeout',
  'halfOpenMaxCalls',
  'excludedErrors',
  'includedStatusCodes',
  'fallback',
  'perHost',
  'maxHosts',
];

// The specification's Python names that are not a plain snake_case of ours.
const ALIASES = new Map<string, string>([
  ['excludedexceptions', 'excludedErrors'],
  ['failurerate', 'failureRateThreshold'],
  ['halfopenmaxrequests', 'halfOpenMaxCalls'],
]);

/**
 * Checks `circuitBreaker()` options and applies the defaults. Every problem throws a
 * `ConfigurationError` naming the option (`circuitBreaker.resetTimeout`) and what would be valid,
 * when the breaker is created rather than on the first request.
 *
 * Defaults: `failureThreshold: 5` (off when only `failureRateThreshold` is given),
 * `samplingDuration: 60_000`, `minimumThroughput: 10`, `successThreshold: 2`,
 * `resetTimeout: 30_000`, `halfOpenMaxCalls: 3`, `includedStatusCodes: [500, 502, 503, 504]`,
 * `perHost: false`, `maxHosts: 1000`.
 *
 * @example
 * ```ts
 * resolveCircuitBreakerOptions({ failureRateThreshold: 50 });
 * // ConfigurationError: circuitBreaker.failureRateThreshold must be a fraction above 0 and at most 1 (0.5 for 50 %); got number 50
 * ```
 */
export function resolveCircuitBreakerOptions(options?: CircuitBreakerOptions): ResolvedCircuitBreakerOptions {
  if (options === undefined) options = {};
  checkOptionKeys(options, KNOWN_KEYS, 'circuitBreaker', ALIASES);
  const o = options;
  const d = DEFAULT_CIRCUIT_BREAKER_OPTIONS;

  const rate = o.failureRateThreshold;
  if (rate !== undefined && !(typeof rate === 'number' && rate > 0 && rate <= 1)) {
    fail('failureRateThreshold', 'a fraction above 0 and at most 1 (0.5 for 50 %)', rate);
  }
  const failureThreshold = positiveInteger(o, 'failureThreshold', rate === undefined ? d.failureThreshold : undefined);
  if (o.minimumThroughput !== undefined && rate === undefined) {
    misplaced('minimumThroughput', 'only applies with failureRateThreshold (it guards the failure rate)');
  }
  const samplingDuration = positiveInteger(o, 'samplingDuration', d.samplingDuration);
  const minimumThroughput = positiveInteger(o, 'minimumThroughput', d.minimumThroughput);
  const resetTimeout = positiveInteger(o, 'resetTimeout', d.resetTimeout);

  // Each default gives way to the other option when only that one is set, so no lone setting
  // makes a breaker that can never close.
  let successThreshold: number | undefined = positiveInteger(o, 'successThreshold', undefined);
  let halfOpenMaxCalls: number | undefined = positiveInteger(o, 'halfOpenMaxCalls', undefined);
  if (successThreshold !== undefined && halfOpenMaxCalls !== undefined && successThreshold > halfOpenMaxCalls) {
    throw new ConfigurationError(
      `circuitBreaker.successThreshold (${successThreshold}) must not exceed circuitBreaker.halfOpenMaxCalls (${halfOpenMaxCalls}): the breaker could never close`,
      { option: 'circuitBreaker.successThreshold' },
    );
  }
  halfOpenMaxCalls ??= Math.max(d.halfOpenMaxCalls, successThreshold ?? 0);
  successThreshold ??= Math.min(d.successThreshold, halfOpenMaxCalls);

  if (o.excludedErrors !== undefined) {
    if (!Array.isArray(o.excludedErrors)) {
      fail('excludedErrors', 'an array of error classes or predicates (error) => boolean', o.excludedErrors);
    }
    o.excludedErrors.forEach((entry: unknown, i: number) => {
      if (typeof entry !== 'function') {
        fail(`excludedErrors[${i}]`, 'an error class or a predicate (error) => boolean', entry);
      }
      // A class that does not extend Error would be called as a predicate, and throw.
      if (!isErrorClass(entry as ErrorClass) && /^class\b/.test(Function.prototype.toString.call(entry))) {
        misplaced(`excludedErrors[${i}]`, 'is a class that does not extend Error; give an error class or a predicate');
      }
    });
  }
  const codes = o.includedStatusCodes ?? d.includedStatusCodes;
  if (!Array.isArray(codes)) fail('includedStatusCodes', 'an array of HTTP statuses from 500 to 599', codes);
  codes.forEach((code: unknown, i: number) => {
    if (!(Number.isInteger(code) && (code as number) >= 500 && (code as number) <= 599)) {
      const why =
        Number.isInteger(code) && (code as number) >= 400 && (code as number) < 500
          ? ' (a 4xx is the caller’s problem, not the upstream’s, and never counts)'
          : '';
      fail(`includedStatusCodes[${i}]`, `an HTTP status from 500 to 599${why}`, code);
    }
  });
  if (o.fallback !== undefined && typeof o.fallback !== 'function') {
    fail('fallback', 'a function (config, error) => response', o.fallback);
  }
  if (o.perHost !== undefined && typeof o.perHost !== 'boolean') fail('perHost', 'true or false', o.perHost);
  const perHost = o.perHost ?? d.perHost;
  if (o.maxHosts !== undefined && !perHost) {
    misplaced('maxHosts', 'only applies with perHost: true (one breaker per client has nothing to bound)');
  }
  const maxHosts = positiveInteger(o, 'maxHosts', d.maxHosts);

  return Object.freeze({
    failureThreshold,
    failureRateThreshold: rate,
    samplingDuration,
    minimumThroughput,
    successThreshold,
    resetTimeout,
    halfOpenMaxCalls,
    excludedErrors: Object.freeze([...(o.excludedErrors ?? [])]),
    includedStatusCodes: new Set(codes),
    fallback: o.fallback,
    perHost,
    maxHosts,
  });
}

type NumericKey =
  | 'failureThreshold'
  | 'samplingDuration'
  | 'minimumThroughput'
  | 'successThreshold'
  | 'resetTimeout'
  | 'halfOpenMaxCalls'
  | 'maxHosts';

function positiveInteger<F extends number | undefined>(
  options: CircuitBreakerOptions,
  key: NumericKey,
  fallback: F,
): number | F {
  const value = options[key];
  if (value === undefined) return fallback;
  if (!(Number.isSafeInteger(value) && (value as number) > 0)) {
    const unit =
      key === 'samplingDuration' || key === 'resetTimeout' ? 'a whole number of milliseconds' : 'a whole number';
    fail(key, `${unit} above 0`, value);
  }
  return value as number;
}

function fail(option: string, expected: string, got: unknown): never {
  throw invalidOption(`circuitBreaker.${option}`, expected, got);
}

function misplaced(option: string, why: string): never {
  throw new ConfigurationError(`circuitBreaker.${option} ${why}`, { option: `circuitBreaker.${option}` });
}
