import { checkOptionKeys, invalidOption, isLogger, type Logger } from '@axle/core';
import type { Keyv } from 'keyv';
import type { CacheStore } from './cache-store';
import { duration, positiveInteger } from './check-options';
import { keyvStore } from './keyv-store';
import { memoryStore } from './memory-store';
import { compilePattern, type UrlPattern } from './url-pattern';

/**
 * A per-endpoint rule: the first rule whose `match` fits the URL applies.
 *
 * - `ttl: 0`: never cache these URLs.
 * - `ttl > 0`: the freshness lifetime (ms) of responses that state none (no `max-age`,
 *   `s-maxage` or `Expires`), instead of the heuristic; with `override: true`, it replaces what
 *   the server said, `no-store`, `no-cache` and `private` included.
 *
 * @example
 * ```ts
 * const rules: CacheRule[] = [
 *   { match: '/users/*', ttl: 300_000 },
 *   { match: '/config', ttl: 3_600_000, override: true },
 *   { match: '/live/**', ttl: 0 },
 * ];
 * ```
 */
export interface CacheRule {
  /** The URLs it applies to (see {@link UrlPattern}). */
  readonly match: UrlPattern;
  /** Ms of freshness; `0` never caches. */
  readonly ttl: number;
  /** Whether `ttl` replaces the server's caching headers. Default `false`. */
  readonly override?: boolean;
}

/**
 * Options of `cache()`. Durations are in milliseconds.
 *
 * @example
 * ```ts
 * const options: CacheOptions = { store: memoryStore({ maxEntries: 1000 }), defaultTtl: 0, rules: [{ match: '/users/*', ttl: 300_000 }] };
 * ```
 */
export interface CacheOptions {
  /** Where responses are kept: a {@link CacheStore} or any Keyv instance. Default `memoryStore()`. */
  store?: CacheStore | Keyv;
  /**
   * A shared cache (a proxy, or one cache serving many users) instead of a private one: honours
   * `s-maxage` and `private`, and never stores responses to requests with credentials.
   * Default `false`.
   */
  shared?: boolean;
  /**
   * Freshness (ms) of responses that state none. `undefined` applies RFC 9111's heuristic (10 %
   * of the time since `Last-Modified`, for statuses cacheable by default); `0` gives them none
   * (they are only reused after revalidation). Default `undefined`.
   */
  defaultTtl?: number;
  /** Per-endpoint rules, first match wins. Default `[]`. */
  rules?: readonly CacheRule[];
  /** Methods whose responses are stored: `'GET'` and `'HEAD'`. Default `['GET', 'HEAD']`. */
  methods?: readonly ('GET' | 'HEAD')[];
  /**
   * Statuses cacheable by default (heuristic freshness, `defaultTtl`, rules); others are stored
   * only with explicit freshness. Default RFC 9110's: `[200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]`.
   */
  cacheableStatusCodes?: readonly number[];
  /** Stores responses with `responseType: 'stream'` up to `maxBytes`; larger ones pass uncached. Default: streams are not cached. */
  cacheStreams?: { readonly maxBytes: number };
  /** Joins identical GETs in flight into one network request. Default `true`. */
  coalesce?: boolean;
  /** Ms a store operation may take before the request goes on as a miss. Default `1000`. */
  storeTimeout?: number;
  /** Where store failures are logged (WARN). Default: none (the `cache:store-error` event only). */
  logger?: Logger;
}

/**
 * Options with defaults applied (`cache().options`).
 *
 * @example
 * ```ts
 * cache().options.shared; // false
 * ```
 */
export interface ResolvedCacheOptions {
  readonly store: CacheStore;
  readonly shared: boolean;
  readonly defaultTtl: number | undefined;
  readonly rules: readonly ResolvedCacheRule[];
  readonly methods: ReadonlySet<string>;
  readonly cacheableStatusCodes: ReadonlySet<number>;
  readonly cacheStreams: { readonly maxBytes: number } | undefined;
  readonly coalesce: boolean;
  readonly storeTimeout: number;
  readonly logger: Logger | undefined;
}

/**
 * A rule with its pattern compiled.
 *
 * @example
 * ```ts
 * cache({ rules: [{ match: '/a', ttl: 0 }] }).options.rules[0].test('https://x/a'); // true
 * ```
 */
export interface ResolvedCacheRule {
  readonly test: (url: string) => boolean;
  readonly ttl: number;
  readonly override: boolean;
}

/**
 * The defaults, as documented on {@link CacheOptions}.
 *
 * @example
 * ```ts
 * cache({ cacheableStatusCodes: [...DEFAULT_CACHE_OPTIONS.cacheableStatusCodes, 302] });
 * ```
 */
export const DEFAULT_CACHE_OPTIONS = Object.freeze({
  shared: false,
  methods: Object.freeze(['GET', 'HEAD'] as const),
  cacheableStatusCodes: Object.freeze([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]),
  coalesce: true,
  storeTimeout: 1000,
});

const KNOWN: readonly (keyof CacheOptions)[] = [
  'store',
  'shared',
  'defaultTtl',
  'rules',
  'methods',
  'cacheableStatusCodes',
  'cacheStreams',
  'coalesce',
  'storeTimeout',
  'logger',
];

/**
 * Checks `cache()` options and applies the defaults; every problem throws a `ConfigurationError`
 * naming the option (`cache.rules[0].ttl`).
 *
 * @example
 * ```ts
 * resolveCacheOptions({ defaultTtl: -1 }); // ConfigurationError: cache.defaultTtl must be ...
 * ```
 */
export function resolveCacheOptions(options: CacheOptions = {}): ResolvedCacheOptions {
  checkOptionKeys(options, KNOWN, 'cache');
  const o = options;
  const flag = (name: 'shared' | 'coalesce', fallback: boolean): boolean => {
    const value = o[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw invalidOption(`cache.${name}`, 'true or false', value);
    return value;
  };
  const defaultTtl = o.defaultTtl === undefined ? undefined : duration('cache.defaultTtl', o.defaultTtl, 0);
  if (o.rules !== undefined && !Array.isArray(o.rules))
    throw invalidOption('cache.rules', 'an array of rules', o.rules);
  const rules = (o.rules ?? []).map((rule: CacheRule, i): ResolvedCacheRule => {
    const where = `cache.rules[${i}]`;
    checkOptionKeys(rule, ['match', 'ttl', 'override'], where);
    const match: unknown = rule.match;
    if (!(typeof match === 'string' && match !== '') && !(match instanceof RegExp) && typeof match !== 'function') {
      throw invalidOption(`${where}.match`, "a path glob ('/users/*'), a URL glob, a RegExp or a function", match);
    }
    if (rule.ttl === undefined)
      throw invalidOption(`${where}.ttl`, 'a number of milliseconds (0: never cache)', undefined);
    const ttl = duration(`${where}.ttl`, rule.ttl, 0);
    if (rule.override !== undefined && typeof rule.override !== 'boolean') {
      throw invalidOption(`${where}.override`, 'true or false', rule.override);
    }
    return { test: compilePattern(rule.match), ttl, override: rule.override === true };
  });
  const methods = o.methods ?? DEFAULT_CACHE_OPTIONS.methods;
  if (!Array.isArray(methods) || methods.some((m) => m !== 'GET' && m !== 'HEAD')) {
    throw invalidOption('cache.methods', "a list of 'GET' and 'HEAD'", methods);
  }
  const statuses = o.cacheableStatusCodes ?? DEFAULT_CACHE_OPTIONS.cacheableStatusCodes;
  if (!Array.isArray(statuses) || statuses.some((s) => !Number.isInteger(s) || s < 100 || s > 599)) {
    throw invalidOption('cache.cacheableStatusCodes', 'a list of HTTP statuses (100 to 599)', statuses);
  }
  let cacheStreams: { maxBytes: number } | undefined;
  if (o.cacheStreams !== undefined) {
    checkOptionKeys(o.cacheStreams, ['maxBytes'], 'cache.cacheStreams');
    cacheStreams = { maxBytes: positiveInteger('cache.cacheStreams.maxBytes', o.cacheStreams.maxBytes, 1024 * 1024) };
  }
  if (o.logger !== undefined && !isLogger(o.logger)) {
    throw invalidOption('cache.logger', 'an object with debug, info, warn and error methods', o.logger);
  }
  return {
    store: resolveStore(o.store),
    shared: flag('shared', DEFAULT_CACHE_OPTIONS.shared),
    defaultTtl,
    rules,
    methods: new Set(methods),
    cacheableStatusCodes: new Set(statuses),
    cacheStreams,
    coalesce: flag('coalesce', DEFAULT_CACHE_OPTIONS.coalesce),
    storeTimeout: duration('cache.storeTimeout', o.storeTimeout, DEFAULT_CACHE_OPTIONS.storeTimeout),
    logger: o.logger,
  };
}

function resolveStore(store: unknown): CacheStore {
  if (store === undefined) return memoryStore();
  if (store === null || typeof store !== 'object') {
    throw invalidOption(
      'cache.store',
      'a store (memoryStore(), diskStore(dir), redisStore(url)) or a Keyv instance',
      store,
    );
  }
  const s = store as Record<string, unknown>;
  const has = (name: string) => typeof s[name] === 'function';
  if (has('get') && has('set') && has('delete') && has('clear')) {
    if (has('keys')) return store as CacheStore;
    // A Keyv instance (of any copy of keyv): it has `opts` and events, and no `keys()`.
    if (has('on') && 'opts' in s) return keyvStore(store as Keyv);
  }
  throw invalidOption('cache.store', 'a CacheStore (get, set, delete, keys, clear) or a Keyv instance', store);
}
