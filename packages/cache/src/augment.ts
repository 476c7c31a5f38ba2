import type { InternalAxiosRequestConfig } from 'axios';

/**
 * How one request uses the cache, after the Fetch standard's request cache modes:
 *
 * - `'default'`: RFC 9111 rules (the default);
 * - `'no-cache'`: a stored response is always revalidated with the server first;
 * - `'only-if-cached'`: answered from the cache only (stale included); a miss is a 504;
 * - `'no-store'`: the cache is neither read nor written;
 * - `'reload'`: the cache is not read, but the response is stored;
 * - `'force-cache'`: a stored response is used even when stale, else the network.
 *
 * @example
 * ```ts
 * await api.get('/users/1', { cache: 'no-cache' });
 * ```
 */
export type CacheMode = 'default' | 'no-cache' | 'only-if-cached' | 'no-store' | 'reload' | 'force-cache';

/**
 * Payload of `cache:hit`: a request was answered from the cache, without the network.
 *
 * @example
 * ```ts
 * api.events.on('cache:hit', ({ url, age, stale }) => log.debug(`${url} from cache (${age} s${stale ? ', stale' : ''})`));
 * ```
 */
export interface CacheHitEvent {
  readonly method: string;
  /** The request URL, redacted. */
  readonly url: string;
  /** The response's age in seconds. */
  readonly age: number;
  /** `true` when a stale response was served (`stale-while-revalidate`, `stale-if-error`, `only-if-cached`). */
  readonly stale: boolean;
  readonly config: InternalAxiosRequestConfig;
}

/**
 * Payload of `cache:miss`: a request of a cached method (GET, HEAD) went to the network.
 *
 * @example
 * ```ts
 * api.events.on('cache:miss', ({ url, reason }) => metrics.increment('cache.miss', { reason }));
 * ```
 */
export interface CacheMissEvent {
  readonly method: string;
  /** The request URL, redacted. */
  readonly url: string;
  /**
   * Why: `'absent'` (nothing stored), `'stale'` (stored, must be revalidated), `'bypass'` (the
   * request may not use the cache: a mode, a shared cache with credentials, a rule with `ttl: 0`).
   */
  readonly reason: 'absent' | 'stale' | 'bypass';
  readonly config: InternalAxiosRequestConfig;
}

/**
 * Payload of `cache:revalidated`: a stored response was revalidated with the server.
 *
 * @example
 * ```ts
 * api.events.on('cache:revalidated', ({ url, modified }) => log.debug(`${url}: ${modified ? 'changed' : '304'}`));
 * ```
 */
export interface CacheRevalidatedEvent {
  readonly method: string;
  /** The request URL, redacted. */
  readonly url: string;
  /** `false` when the server answered 304 and the stored body was reused. */
  readonly modified: boolean;
  /** `true` when it ran in the background (`stale-while-revalidate`). */
  readonly background: boolean;
}

/**
 * Payload of `cache:store-error`: the store failed or timed out; the request went on as a miss.
 *
 * @example
 * ```ts
 * api.events.on('cache:store-error', ({ operation, error }) => log.warn({ operation, err: error }, 'cache store down'));
 * ```
 */
export interface CacheStoreErrorEvent {
  /** What failed: `'get'`, `'set'`, `'delete'`, `'keys'` or `'clear'`. */
  readonly operation: 'get' | 'set' | 'delete' | 'keys' | 'clear';
  readonly error: unknown;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * How this request uses the cache: a {@link CacheMode}, or `false` to skip the cache
     * entirely (same as `'no-store'`). Default `'default'`.
     */
    cache?: CacheMode | false;
  }

  interface AxiosResponse {
    /** Set by `@axle/cache`: `true` when the response came from the cache (304 revalidations included). */
    cached?: boolean;
    /** Set by `@axle/cache` on cached responses: the response's age in seconds. */
    cacheAge?: number;
  }
}

declare module '@axle/core' {
  interface AxleEventMap {
    /** A request was answered from the cache. */
    'cache:hit': CacheHitEvent;
    /** A request went to the network. */
    'cache:miss': CacheMissEvent;
    /** A stored response was revalidated with the server. */
    'cache:revalidated': CacheRevalidatedEvent;
    /** The store failed or timed out; the request went on as a miss. */
    'cache:store-error': CacheStoreErrorEvent;
  }
}
