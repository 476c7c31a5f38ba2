import type { AxiosError, InternalAxiosRequestConfig } from 'axios';
import { ConfigurationError } from './configuration-error';
import type { RequestDescription } from './event-payload';
import { describeValue } from './option-checks';
import { suggestOption } from './suggest-option';

/** What `onRetry`, the `retry` event and a custom `delay` are told about a retry. */
export interface RetryInfo extends RequestDescription {
  /** The config of the attempt that failed. */
  readonly config: InternalAxiosRequestConfig;
  /** What that attempt threw (a typed axle error). */
  readonly error: unknown;
  /** The number of the attempt that failed: 1 for the first. */
  readonly attempt: number;
  /** Milliseconds axle will wait before the next attempt. */
  readonly delay: number;
  /** Why: the HTTP status, or the error code (`ECONNRESET`, `ETIMEDOUT`, ...). */
  readonly reason: number | string;
}

/** Caps retries to a share of recent traffic (after Finagle's and Envoy's retry budgets). */
export interface RetryBudgetOptions {
  /** Retries allowed per request sent, over the last `ttl` ms. Default `0.1` (one retry per ten requests). */
  readonly ratio?: number;
  /** Retries always allowed per second, whatever the traffic. Default `10`. */
  readonly minPerSecond?: number;
  /** The window the budget looks back over, in ms. Default `10000`. */
  readonly ttl?: number;
}

/**
 * Retry options, on the client and per request (`retry`). A number is shorthand for `{ retries }`;
 * `false` turns retries off.
 *
 * @example
 * ```ts
 * createClient({ retry: { retries: 5, maxDelay: 10_000, idempotencyKey: true } });
 * await api.post('/orders', order, { retry: { methods: ['POST'] } });
 * ```
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default `3`; `0` turns retries off. */
  readonly retries?: number;
  /** Statuses that are retried. Default `[408, 429, 500, 502, 503, 504]`. */
  readonly statuses?: readonly number[];
  /**
   * Methods that are retried. Default the idempotent ones: `GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`.
   * Other methods are also retried when the request carries an `Idempotency-Key` header, and on 429
   * (the server refused the work).
   */
  readonly methods?: readonly string[];
  /** Whether network errors (refused, reset, ...) are retried. Default `true`. */
  readonly networkErrors?: boolean;
  /** Whether timeouts (except the total deadline) are retried. Default `true`. */
  readonly timeouts?: boolean;
  /** First backoff ceiling in ms; it doubles per retry (full jitter: the wait is random below it). Default `200`. */
  readonly baseDelay?: number;
  /** The largest backoff in ms. Default `30000`. */
  readonly maxDelay?: number;
  /**
   * The longest `Retry-After` honoured, in ms. A longer one fails at once with the error, which carries
   * `retryAfter`. Default `60000`.
   */
  readonly maxRetryAfter?: number;
  /**
   * `true` adds an `Idempotency-Key` header (a UUID, the same on every attempt) when the request has
   * none, so POST and PATCH become retryable; a function makes the key. Default `false`.
   */
  readonly idempotencyKey?: boolean | (() => string);
  /** Called before each retry. Default: none. */
  readonly onRetry?: (info: RetryInfo) => void;
  /** Replaces the backoff: the ms to wait before the retry after `attempt`. Default: full-jitter exponential. */
  readonly delay?: (attempt: number, error: unknown) => number;
  /** A retry budget for the client; `false` (the default) means none. Per request, only `false` applies. */
  readonly budget?: RetryBudgetOptions | false;
}

/** Retry options after defaults and checks. */
export interface ResolvedRetryOptions {
  readonly retries: number;
  readonly statuses: ReadonlySet<number>;
  readonly methods: ReadonlySet<string>;
  readonly networkErrors: boolean;
  readonly timeouts: boolean;
  readonly baseDelay: number;
  readonly maxDelay: number;
  readonly maxRetryAfter: number;
  readonly idempotencyKey: false | (() => string);
  readonly onRetry: ((info: RetryInfo) => void) | undefined;
  readonly delay: ((attempt: number, error: unknown) => number) | undefined;
  readonly budget: Required<RetryBudgetOptions> | false;
}

/** The defaults, as the specification sets them. */
export const DEFAULT_RETRY: ResolvedRetryOptions = Object.freeze({
  retries: 3,
  statuses: new Set([408, 429, 500, 502, 503, 504]),
  methods: new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']),
  networkErrors: true,
  timeouts: true,
  baseDelay: 200,
  maxDelay: 30_000,
  maxRetryAfter: 60_000,
  idempotencyKey: false,
  onRetry: undefined,
  delay: undefined,
  budget: false,
});

const KEYS = new Set([
  'retries',
  'statuses',
  'methods',
  'networkErrors',
  'timeouts',
  'baseDelay',
  'maxDelay',
  'maxRetryAfter',
  'idempotencyKey',
  'onRetry',
  'delay',
  'budget',
]);

/**
 * Merges `value` (the `retry` option: a number, `false`, or {@link RetryOptions}) over `base` and
 * checks it; `option` names it in errors (`'retry'`). Returns `false` when retries are off.
 *
 * @example
 * ```ts
 * resolveRetryOptions({ retries: 5 }); // DEFAULT_RETRY with retries 5
 * ```
 */
export function resolveRetryOptions(
  value: unknown,
  base: ResolvedRetryOptions = DEFAULT_RETRY,
  option = 'retry',
): ResolvedRetryOptions | false {
  if (value === undefined || value === true) return base;
  if (value === false) return false;
  if (typeof value === 'number') value = { retries: value };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError(
      `Invalid ${option}: expected false, a number of retries, or an object { retries, statuses, methods, ... }; got ${describeValue(value)}`,
      { option },
    );
  }
  const v = value as RetryOptions;
  for (const key of Object.keys(v)) {
    if (!KEYS.has(key)) {
      const near = suggestOption(key, [...KEYS]);
      const hint = near ? ` (did you mean ${option}.${near}?)` : '';
      throw new ConfigurationError(`Unknown option ${option}.${key}${hint}; valid: ${[...KEYS].join(', ')}`, {
        option: `${option}.${key}`,
      });
    }
  }
  const count = (key: 'retries', min: number) => {
    const n = v[key];
    if (n === undefined) return base[key];
    if (!Number.isInteger(n) || n < min) fail(`${option}.${key}`, `a whole number, ${min} or more`, n);
    return n as number;
  };
  const ms = (key: 'baseDelay' | 'maxDelay' | 'maxRetryAfter') => {
    const n = v[key];
    if (n === undefined) return base[key];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) fail(`${option}.${key}`, 'milliseconds, 0 or more', n);
    return n;
  };
  const flag = (key: 'networkErrors' | 'timeouts') => {
    const b = v[key];
    if (b === undefined) return base[key];
    if (typeof b !== 'boolean') fail(`${option}.${key}`, 'true or false', b);
    return b;
  };
  const fn = <K extends 'onRetry' | 'delay'>(key: K): ResolvedRetryOptions[K] => {
    const f = v[key];
    if (f === undefined) return base[key];
    if (typeof f !== 'function') fail(`${option}.${key}`, 'a function', f);
    return f as ResolvedRetryOptions[K];
  };

  let statuses = base.statuses;
  if (v.statuses !== undefined) {
    if (!Array.isArray(v.statuses) || !v.statuses.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)) {
      fail(`${option}.statuses`, 'a list of HTTP statuses (100-599)', v.statuses);
    }
    statuses = new Set(v.statuses);
  }
  let methods = base.methods;
  if (v.methods !== undefined) {
    if (!Array.isArray(v.methods) || !v.methods.every((m) => typeof m === 'string' && m !== '')) {
      fail(`${option}.methods`, "a list of HTTP methods, such as ['GET', 'POST']", v.methods);
    }
    methods = new Set(v.methods.map((m) => m.toUpperCase()));
  }
  let idempotencyKey = base.idempotencyKey;
  if (v.idempotencyKey !== undefined) {
    if (v.idempotencyKey === true) idempotencyKey = () => crypto.randomUUID();
    else if (v.idempotencyKey === false) idempotencyKey = false;
    else if (typeof v.idempotencyKey === 'function') idempotencyKey = v.idempotencyKey;
    else fail(`${option}.idempotencyKey`, 'true, false or a function returning a key', v.idempotencyKey);
  }
  let budget = base.budget;
  if (v.budget !== undefined) budget = resolveBudget(v.budget, `${option}.budget`);

  const resolved: ResolvedRetryOptions = {
    retries: count('retries', 0),
    statuses,
    methods,
    networkErrors: flag('networkErrors'),
    timeouts: flag('timeouts'),
    baseDelay: ms('baseDelay'),
    maxDelay: ms('maxDelay'),
    maxRetryAfter: ms('maxRetryAfter'),
    idempotencyKey,
    onRetry: fn('onRetry'),
    delay: fn('delay'),
    budget,
  };
  return resolved.retries === 0 ? false : Object.freeze(resolved);
}

function resolveBudget(value: unknown, option: string): Required<RetryBudgetOptions> | false {
  if (value === false) return false;
  if (value === null || typeof value !== 'object') fail(option, 'false or { ratio, minPerSecond, ttl }', value);
  const b = value as RetryBudgetOptions;
  const ratio = b.ratio ?? 0.1;
  const minPerSecond = b.minPerSecond ?? 10;
  const ttl = b.ttl ?? 10_000;
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1000))
    fail(`${option}.ratio`, 'a number, 0 or more', ratio);
  if (typeof minPerSecond !== 'number' || !(minPerSecond >= 0))
    fail(`${option}.minPerSecond`, 'a number, 0 or more', minPerSecond);
  if (!Number.isInteger(ttl) || ttl < 1000) fail(`${option}.ttl`, 'a whole number of ms, 1000 or more', ttl);
  return Object.freeze({ ratio, minPerSecond, ttl });
}

function fail(option: string, expected: string, got: unknown): never {
  throw new ConfigurationError(`Invalid ${option}: expected ${expected}; got ${describeValue(got)}`, { option });
}

/** The reason a failure is retried: the status, or the error code. */
export function retryReason(error: unknown): number | string {
  const e = error as Partial<AxiosError>;
  if (e?.response && typeof e.response.status === 'number') return e.response.status;
  return typeof e?.code === 'string' ? e.code : 'ERROR';
}
