import {
  type AxleEvents,
  type AxlePlugin,
  definePlugin,
  invalidOption,
  type PluginContext,
  requestUrl,
} from '@axle/core';
import type { InternalAxiosRequestConfig } from 'axios';
import { cacheKey } from './cache-key';
import { type CacheCounters, createCacheLayer } from './cache-layer';
import { type CacheOptions, type ResolvedCacheOptions, resolveCacheOptions } from './options';
import { guardStore } from './store-guard';
import { compilePattern, type UrlPattern } from './url-pattern';

/**
 * What `cache.stats()` returns.
 *
 * @example
 * ```ts
 * const { hits, misses, hitRate, size } = c.stats(); // hitRate 0.8 = 80 % of lookups answered from the cache
 * ```
 */
export interface CacheStats {
  /** Requests answered from the cache (no network). */
  readonly hits: number;
  /**
   * Requests of a cached method (`methods`) that went to the network: nothing stored, stale, or
   * bypassed (a mode, a rule, credentials in a shared cache). Other methods count as neither.
   */
  readonly misses: number;
  /** `hits / (hits + misses)`, 0 before any request. */
  readonly hitRate: number;
  /**
   * Records in the store when it knows without I/O (memory store; disk store once used); else
   * `undefined` (Redis, Keyv): `await c.count()` counts those.
   */
  readonly size: number | undefined;
  /** Conditional requests sent for stale responses. */
  readonly revalidations: number;
  /** Requests that joined an identical one in flight instead of sending their own. */
  readonly coalesced: number;
  /** Store failures (each became a miss or a skipped write). */
  readonly storeErrors: number;
}

/**
 * The handle `cache()` returns: give it to `createClient({ plugins: [...] })`, keep it to
 * invalidate and read statistics.
 *
 * @example
 * ```ts
 * const c = cache();
 * const api = createClient({ baseURL, plugins: [c] });
 * await c.invalidate('/users/1');
 * c.stats().hitRate;
 * ```
 */
export interface CachePlugin extends AxlePlugin {
  readonly name: 'cache';
  readonly role: 'cache';
  readonly key: 'cache';
  /** The options in use, defaults applied. */
  readonly options: ResolvedCacheOptions;
  /**
   * Drops the stored responses of `url` (GET and HEAD; relative URLs are joined to the client's
   * `baseURL`): those of requests without credentials, and those of every credential this
   * process has used for it.
   */
  invalidate(url: string): Promise<void>;
  /**
   * Drops every stored response whose URL matches `pattern` (see {@link UrlPattern}); lists the
   * store's keys, so it costs one read per record. Resolves with how many were dropped.
   */
  invalidatePattern(pattern: UrlPattern): Promise<number>;
  /** Drops every stored response. */
  clear(): Promise<void>;
  /** Hit and miss counters, and the store's size. */
  stats(): CacheStats;
  /**
   * How many records the store holds, counted wherever it is: the memory store knows at once, a
   * disk, Redis or Keyv store lists its keys (one pass over them, so a large Redis store takes a
   * while). Rejects when the store cannot list its keys (a Keyv store without an iterator).
   */
  count(): Promise<number>;
}

// How many URLs with credentials `invalidate(url)` remembers the keys of.
const REMEMBERED_URLS = 10_000;

/**
 * Creates an HTTP cache plugin (RFC 9111, a private client cache unless `shared: true`): fresh
 * stored responses answer without a network request (no socket, no limiter slot, no breaker
 * permit), stale ones are revalidated with `If-None-Match` / `If-Modified-Since`, unsafe methods
 * invalidate what they change, and identical GETs in flight share one request.
 *
 * Defaults: `store: memoryStore()` (1000 records, 50 MiB), `shared: false`, `defaultTtl`:
 * RFC heuristic, `rules: []`, `methods: ['GET', 'HEAD']`, `cacheableStatusCodes`: RFC 9110's,
 * `coalesce: true`, `storeTimeout: 1000`, streams not cached. Invalid options throw a
 * `ConfigurationError` here.
 *
 * @example
 * ```ts
 * import { createClient } from '@axle/core';
 * import { cache, memoryStore } from '@axle/cache';
 *
 * const c = cache({ store: memoryStore({ maxEntries: 1000 }), defaultTtl: 0, rules: [{ match: '/users/*', ttl: 300_000 }] });
 * const api = createClient({ baseURL: 'https://api.example.com', plugins: [c] });
 * const r = await api.get('/users/1');
 * r.cached; r.cacheAge;
 * await api.get('/users/1', { cache: 'no-cache' });
 * await c.invalidate('/users/1');
 * ```
 */
export function cache(options?: CacheOptions): CachePlugin {
  const resolved = resolveCacheOptions(options);
  const counters: CacheCounters = { hits: 0, misses: 0, revalidations: 0, coalesced: 0 };
  let installed: { events: AxleEvents; baseURL: string | undefined } | undefined;
  const guard = guardStore(resolved.store, resolved.storeTimeout, () => installed?.events, resolved.logger);
  const remembered = new Map<string, Set<string>>();
  const background = new Set<Promise<unknown>>();

  const remember = (url: string, key: string): void => {
    let keys = remembered.get(url);
    if (keys === undefined) {
      keys = new Set();
      remembered.set(url, keys);
      if (remembered.size > REMEMBERED_URLS) remembered.delete(remembered.keys().next().value as string);
    }
    keys.add(key);
  };

  const keysOf = (url: string, credential: string): Set<string> => {
    const keys = new Set(remembered.get(url));
    for (const method of ['GET', 'HEAD']) {
      keys.add(cacheKey(method, url, ''));
      if (credential !== '') keys.add(cacheKey(method, url, credential));
    }
    return keys;
  };

  const absolute = (url: string): string => {
    if (typeof url !== 'string' || url === '') throw invalidOption('cache.invalidate(url)', 'a URL or a path', url);
    // Joined as the layer joins a request's URL for its key, or the keys would not match.
    return requestUrl({ url, baseURL: installed?.baseURL } as InternalAxiosRequestConfig) ?? url;
  };

  const install = (ctx: PluginContext) => {
    if (installed) {
      throw new Error(
        'this cache() handle is already installed on a client; create one handle per client (clients made by extend() share it already)',
      );
    }
    installed = { events: ctx.events, baseURL: ctx.client.defaults.baseURL };
    ctx.wrap(
      createCacheLayer({
        options: resolved,
        events: ctx.events,
        guard,
        counters,
        remember,
        background,
        invalidate: async (url, credential) => {
          await Promise.all([...keysOf(url, credential)].map((key) => guard.delete(key)));
        },
      }),
      // Conditional requests go out on a copy of the config; the only in-place change is the
      // Cache-Control/Pragma a mode asks for, which every attempt sets the same way. So retries may
      // reuse the request's headers, and the core need not copy them for every attempt.
      { changesHeaders: false },
    );
    return async () => {
      await Promise.allSettled([...background]);
      installed = undefined;
      await resolved.store.close?.();
    };
  };

  return definePlugin({
    name: 'cache' as const,
    role: 'cache' as const,
    key: 'cache' as const,
    options: resolved,
    install,
    async invalidate(url: string) {
      const target = absolute(url);
      await Promise.all([...keysOf(target, '')].map((key) => guard.delete(key, true)));
      remembered.delete(target);
    },
    async invalidatePattern(pattern: UrlPattern) {
      if (
        typeof pattern !== 'function' &&
        !(pattern instanceof RegExp) &&
        (typeof pattern !== 'string' || pattern === '')
      ) {
        throw invalidOption('cache.invalidatePattern(pattern)', 'a glob, a RegExp or a function of the URL', pattern);
      }
      const test = compilePattern(pattern);
      const doomed: string[] = [];
      for await (const key of guard.keys()) {
        const record = await guard.get(key);
        if (record !== undefined && test(record.url)) doomed.push(key);
      }
      await Promise.all(doomed.map((key) => guard.delete(key, true)));
      return doomed.length;
    },
    async clear() {
      await guard.clear();
      remembered.clear();
    },
    async count() {
      let n = 0;
      for await (const _ of guard.keys()) n += 1;
      return n;
    },
    stats(): CacheStats {
      const total = counters.hits + counters.misses;
      return {
        hits: counters.hits,
        misses: counters.misses,
        hitRate: total === 0 ? 0 : counters.hits / total,
        size: resolved.store.size,
        revalidations: counters.revalidations,
        coalesced: counters.coalesced,
        storeErrors: guard.errors,
      };
    },
  });
}
