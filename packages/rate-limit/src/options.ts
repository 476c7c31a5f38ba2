import { ConfigurationError, checkOptionKeys, invalidOption, normaliseOptionName } from '@axle/core';
import type { RateLimitRedisOptions, ResolvedRedisOptions } from './distributed';
import type { RateLimitStrategy } from './strategy';

/**
 * A limit of its own for one group of requests (`rules`, `perHost`). Fields left out take the
 * top-level options' values.
 *
 * @example
 * ```ts
 * const search: ScopeLimit = { maxRequests: 10, timeWindow: 60_000 };
 * ```
 */
export interface ScopeLimit {
  /** Requests per `timeWindow`. Default: the top-level `maxRequests`. */
  maxRequests?: number;
  /** The window in ms. Default: the top-level `timeWindow`. */
  timeWindow?: number;
  /** Default: the top-level `strategy`. */
  strategy?: RateLimitStrategy;
  /** Token bucket only. Default: this scope's `maxRequests`. */
  burstSize?: number;
}

/**
 * A per-endpoint limit: `match` is `'METHOD /path'` or `'/path'` (any method), where `*` matches
 * any run of characters (`'GET /search*'`), or a RegExp tested against `'METHOD /path'`. The
 * path is the request's `url` without its query string (the path part of an absolute URL).
 *
 * @example
 * ```ts
 * const rule: RateLimitRule = { match: 'GET /search*', maxRequests: 10, timeWindow: 60_000 };
 * ```
 */
export interface RateLimitRule extends ScopeLimit {
  match: string | RegExp;
}

/**
 * Options of `rateLimit()`. Durations are milliseconds.
 *
 * @example
 * ```ts
 * const options: RateLimitOptions = { strategy: 'token_bucket', maxRequests: 100, timeWindow: 60_000, burstSize: 10 };
 * ```
 */
export interface RateLimitOptions {
  /** How requests are counted. Default `'token_bucket'`. */
  strategy?: RateLimitStrategy;
  /** Requests per `timeWindow` for the whole client. Default: no client-wide rate (only the other limits). */
  maxRequests?: number;
  /** The window of `maxRequests`, in ms. Default `1000`. */
  timeWindow?: number;
  /** Token bucket: the largest burst. Default `maxRequests`. */
  burstSize?: number;
  /** Calls in flight at most (a slot is held for the whole network call). Default `Infinity`. */
  maxConcurrent?: number;
  /** Requests that may wait at most; one more fails at once with `RateLimitExceededError`. Default `1000`. */
  queueSize?: number;
  /** The longest wait in the queue, in ms; then `RateLimitExceededError`. Default `30_000`; `0` waits forever. */
  queueTimeout?: number;
  /**
   * When the server says no request remains (a 429, or `remaining` 0): `'wait'` holds the scope's
   * requests in the queue until the reset; `'throw'` fails them at once with
   * `RateLimitExceededError` (reason `'paused'`) until then. Default `'wait'`.
   */
  on429?: 'wait' | 'throw';
  /** Pause used after a 429 that says nothing of when to come back, in ms. Default `1000`. */
  defaultPause?: number;
  /** Longest pause the server's headers can impose, in ms. Default `60_000`. */
  maxPause?: number;
  /** Per-endpoint limits; every matching rule applies, on top of the others. Default `[]`. */
  rules?: readonly RateLimitRule[];
  /**
   * `true`: the top-level limit applies to each origin on its own (no client-wide limit).
   * A {@link ScopeLimit}: each origin gets that limit, on top of the client-wide one. Default `false`.
   */
  perHost?: boolean | ScopeLimit;
  /**
   * Shares the client-wide limit (`maxRequests` per `timeWindow`) with every client that uses the
   * same Redis and `prefix`, in any process. Requests are then spaced evenly across all of them
   * (`strategy` and `burstSize` apply to local limits only). Default: none (limits are per client).
   */
  redis?: RateLimitRedisOptions;
}

/**
 * A scope's limit with defaults applied.
 *
 * @example
 * ```ts
 * const limit: ResolvedScopeLimit | undefined = rateLimit({ maxRequests: 5 }).options.global;
 * ```
 */
export interface ResolvedScopeLimit {
  readonly strategy: RateLimitStrategy;
  readonly maxRequests: number;
  readonly timeWindow: number;
  readonly burstSize: number;
}

/**
 * A rule with defaults applied and its pattern compiled.
 *
 * @example
 * ```ts
 * const [rule] = rateLimit({ rules: [{ match: 'GET /search*', maxRequests: 10 }] }).options.rules;
 * rule?.test('GET /search?q=1'); // true
 * ```
 */
export interface ResolvedRule extends ResolvedScopeLimit {
  /** The pattern as given, to name the scope. */
  readonly name: string;
  /** Tests `'METHOD /path'`. */
  readonly test: (target: string) => boolean;
}

/**
 * Options with every default applied (`limiter.options`).
 *
 * @example
 * ```ts
 * rateLimit({ maxRequests: 5 }).options.queueTimeout; // 30000
 * ```
 */
export interface ResolvedRateLimitOptions {
  /** The client-wide limit, or `undefined` when there is none. */
  readonly global: ResolvedScopeLimit | undefined;
  /** Each origin's limit, or `undefined` without `perHost`. */
  readonly perHost: ResolvedScopeLimit | undefined;
  readonly rules: readonly ResolvedRule[];
  readonly maxConcurrent: number;
  readonly queueSize: number;
  readonly queueTimeout: number;
  readonly on429: 'wait' | 'throw';
  readonly defaultPause: number;
  readonly maxPause: number;
  /** Redis options, or `undefined` when limits are per client. */
  readonly redis: ResolvedRedisOptions | undefined;
}

/**
 * The defaults, as documented on {@link RateLimitOptions}.
 *
 * @example
 * ```ts
 * rateLimit({ maxRequests: 10, queueSize: DEFAULT_RATE_LIMIT_OPTIONS.queueSize * 2 });
 * ```
 */
export const DEFAULT_RATE_LIMIT_OPTIONS = Object.freeze({
  strategy: 'token_bucket' as RateLimitStrategy,
  timeWindow: 1000,
  maxConcurrent: Number.POSITIVE_INFINITY,
  queueSize: 1000,
  queueTimeout: 30_000,
  on429: 'wait' as const,
  defaultPause: 1000,
  maxPause: 60_000,
});

const KNOWN_KEYS: readonly (keyof RateLimitOptions)[] = [
  'strategy',
  'maxRequests',
  'timeWindow',
  'burstSize',
  'maxConcurrent',
  'queueSize',
  'queueTimeout',
  'on429',
  'defaultPause',
  'maxPause',
  'rules',
  'perHost',
  'redis',
];
const SCOPE_KEYS = ['maxRequests', 'timeWindow', 'strategy', 'burstSize'];
const STRATEGIES: readonly RateLimitStrategy[] = ['token_bucket', 'fixed_window', 'sliding_window'];

// The specification's names that are not a plain snake_case of ours.
const ALIASES = new Map<string, string>([
  ['respectretryafter', 'on429'],
  ['maxsize', 'queueSize'],
  ['concurrency', 'maxConcurrent'],
  ['burst', 'burstSize'],
]);

/**
 * Checks `rateLimit()` options and applies the defaults. Every problem throws a
 * `ConfigurationError` naming the option (`rateLimit.maxRequests`) when the limiter is created.
 *
 * Defaults: `strategy: 'token_bucket'`, `timeWindow: 1000`, `burstSize: maxRequests`,
 * `maxConcurrent: Infinity`, `queueSize: 1000`, `queueTimeout: 30_000`, `on429: 'wait'`,
 * `defaultPause: 1000`, `maxPause: 60_000`, `rules: []`, `perHost: false`.
 *
 * @example
 * ```ts
 * resolveRateLimitOptions({ max_requests: 10 });
 * // ConfigurationError: Unknown rateLimit option "max_requests": did you mean "maxRequests"?
 * ```
 */
export function resolveRateLimitOptions(options?: RateLimitOptions): ResolvedRateLimitOptions {
  if (options === undefined) options = {};
  checkOptionKeys(options, KNOWN_KEYS, 'rateLimit', ALIASES);
  const o = options;
  const d = DEFAULT_RATE_LIMIT_OPTIONS;
  const strategy = strategyOf(o.strategy, 'strategy', d.strategy);
  const timeWindow = positive(o.timeWindow, 'timeWindow', d.timeWindow, true);
  const maxRequests = o.maxRequests === undefined ? undefined : positive(o.maxRequests, 'maxRequests', 0, true);
  if (o.burstSize !== undefined && maxRequests === undefined) {
    misplaced('burstSize', 'needs maxRequests (it is the burst of that rate)');
  }
  const top: ResolvedScopeLimit | undefined =
    maxRequests === undefined
      ? undefined
      : {
          strategy,
          maxRequests,
          timeWindow,
          burstSize: positive(o.burstSize, 'burstSize', maxRequests, true),
        };

  let perHost: ResolvedScopeLimit | undefined;
  let global = top;
  if (o.perHost === true) {
    if (top === undefined) misplaced('perHost', 'true needs maxRequests (the limit each host gets)');
    perHost = top;
    global = undefined;
  } else if (o.perHost !== undefined && o.perHost !== false) {
    perHost = scopeLimit(o.perHost, 'perHost', { strategy, timeWindow, maxRequests });
  }

  if (o.rules !== undefined && !Array.isArray(o.rules)) {
    fail('rules', "an array of { match: 'GET /path*', maxRequests, timeWindow }", o.rules);
  }
  const rules = (o.rules ?? []).map((rule, i): ResolvedRule => {
    const where = `rules[${i}]`;
    const limit = scopeLimit(rule, where, { strategy, timeWindow, maxRequests }, ['match']);
    const match = (rule as RateLimitRule).match;
    if (match instanceof RegExp) return { ...limit, name: String(match), test: (target) => match.test(target) };
    if (typeof match !== 'string' || match.trim() === '') {
      fail(`${where}.match`, "a pattern such as 'GET /search*' or '/users/*', or a RegExp", match);
    }
    return { ...limit, name: match.trim(), test: compilePattern(match) };
  });

  const maxConcurrent = positive(o.maxConcurrent, 'maxConcurrent', d.maxConcurrent, false);
  const queueSize = wholeOrInfinity(o.queueSize, 'queueSize', d.queueSize);
  const queueTimeout = nonNegative(o.queueTimeout, 'queueTimeout', d.queueTimeout);
  if (o.on429 !== undefined && o.on429 !== 'wait' && o.on429 !== 'throw') fail('on429', "'wait' or 'throw'", o.on429);
  const defaultPause = nonNegative(o.defaultPause, 'defaultPause', d.defaultPause);
  const maxPause = nonNegative(o.maxPause, 'maxPause', d.maxPause);
  let redis: ResolvedRedisOptions | undefined;
  if (o.redis !== undefined) {
    if (global === undefined) {
      misplaced('redis', 'shares the client-wide limit: give maxRequests (and not perHost: true)');
    }
    redis = redisOptions(o.redis);
  }

  return Object.freeze({
    global,
    perHost,
    rules: Object.freeze(rules),
    maxConcurrent,
    queueSize,
    queueTimeout,
    on429: o.on429 ?? d.on429,
    defaultPause,
    maxPause,
    redis,
  });
}

const REDIS_KEYS = ['url', 'prefix', 'connectTimeout', 'fallback'];

function redisOptions(value: unknown): ResolvedRedisOptions {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('redis', "{ url: 'redis://host:6379', prefix }", value);
  }
  checkOptionKeys(value, REDIS_KEYS, 'rateLimit.redis', ALIASES);
  const r = value as RateLimitRedisOptions;
  if (r.url !== undefined && !(typeof r.url === 'string' && /^rediss?:\/\//.test(r.url))) {
    fail('redis.url', 'a redis:// or rediss:// URL', r.url);
  }
  if (r.prefix !== undefined && !(typeof r.prefix === 'string' && /^[\w:.-]+$/.test(r.prefix))) {
    fail('redis.prefix', 'a non-empty key prefix of letters, digits, and _ : . -', r.prefix);
  }
  if (r.fallback !== undefined && r.fallback !== 'error' && r.fallback !== 'local') {
    fail('redis.fallback', "'error' or 'local'", r.fallback);
  }
  return Object.freeze({
    url: r.url ?? 'redis://127.0.0.1:6379',
    prefix: r.prefix ?? 'axle-rate-limit',
    connectTimeout: positive(r.connectTimeout, 'redis.connectTimeout', 2000, true),
    fallback: r.fallback ?? 'error',
  });
}

/** Compiles `'GET /search*'` into a test of `'METHOD /path'`. */
function compilePattern(pattern: string): (target: string) => boolean {
  const text = pattern.trim();
  const space = text.indexOf(' ');
  const method = space > 0 ? text.slice(0, space).toUpperCase() : '*';
  const path = space > 0 ? text.slice(space + 1).trim() : text;
  const glob = (part: string) => part.split('*').map(escapeRegExp).join('.*');
  const re = new RegExp(
    `^${method === '*' ? '[A-Z]+' : escapeRegExp(method)} ${glob(path.startsWith('/') ? path : `/${path}`)}$`,
  );
  return (target) => re.test(target);
}

const escapeRegExp = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

function scopeLimit(
  value: unknown,
  where: string,
  base: { strategy: RateLimitStrategy; timeWindow: number; maxRequests: number | undefined },
  extra: readonly string[] = [],
): ResolvedScopeLimit {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(where, '{ maxRequests, timeWindow, strategy, burstSize }', value);
  }
  checkOptionKeys(value, [...SCOPE_KEYS, ...extra], `rateLimit.${where}`, ALIASES);
  const v = value as ScopeLimit;
  const maxRequests = positive(v.maxRequests, `${where}.maxRequests`, base.maxRequests ?? 0, true);
  if (maxRequests === 0) misplaced(`${where}.maxRequests`, 'is required when there is no top-level maxRequests');
  return {
    strategy: strategyOf(v.strategy, `${where}.strategy`, base.strategy),
    maxRequests,
    timeWindow: positive(v.timeWindow, `${where}.timeWindow`, base.timeWindow, true),
    burstSize: positive(v.burstSize, `${where}.burstSize`, maxRequests, true),
  };
}

function strategyOf(value: unknown, option: string, fallback: RateLimitStrategy): RateLimitStrategy {
  if (value === undefined) return fallback;
  if (!STRATEGIES.includes(value as RateLimitStrategy)) {
    const hint =
      typeof value === 'string'
        ? STRATEGIES.find((s) => normaliseOptionName(s) === normaliseOptionName(value))
        : undefined;
    fail(
      option,
      `one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')}${hint ? ` (did you mean '${hint}'?)` : ''}`,
      value,
    );
  }
  return value as RateLimitStrategy;
}

function positive(value: unknown, option: string, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  if (value === Number.POSITIVE_INFINITY && !integer) return value;
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value > 0)) {
    fail(option, integer ? 'a whole number above 0' : 'a whole number above 0, or Infinity', value);
  }
  return value;
}

function wholeOrInfinity(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === Number.POSITIVE_INFINITY) return value;
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
    fail(option, 'a whole number, 0 or more, or Infinity', value);
  }
  return value;
}

function nonNegative(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
    fail(option, 'a whole number of milliseconds, 0 or more', value);
  }
  return value;
}

function fail(option: string, expected: string, got: unknown): never {
  throw invalidOption(`rateLimit.${option}`, expected, got);
}

function misplaced(option: string, why: string): never {
  throw new ConfigurationError(`rateLimit.${option} ${why}`, { option: `rateLimit.${option}` });
}
