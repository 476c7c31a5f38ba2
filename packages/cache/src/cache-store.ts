import type CachePolicy from 'http-cache-semantics';

/**
 * One stored response (a variant of a URL, selected by its `Vary` headers).
 *
 * @example
 * ```ts
 * const variant: CachedVariant = record.variants[0];
 * variant.status; // 200
 * ```
 */
export interface CachedVariant {
  readonly status: number;
  readonly statusText: string;
  /** The response headers as stored (lower-case names), updated by 304 revalidations. */
  headers: Record<string, string>;
  /** The raw body as the transport gave it (a string, or bytes); `undefined` for HEAD. */
  readonly body: string | Uint8Array | undefined;
  /** The freshness and revalidation state (http-cache-semantics). */
  policy: CachePolicy;
  /** The request's values of the headers the response varies on (lower-case names). */
  readonly vary: Record<string, string>;
}

/**
 * What a store holds under one key: the stored responses to one method and URL (and credential),
 * one per set of `Vary`'d request header values, newest first.
 *
 * @example
 * ```ts
 * const record = await store.get(key);
 * record?.url; // 'https://api.example.com/users/1'
 * ```
 */
export interface CacheRecord {
  readonly method: string;
  readonly url: string;
  variants: CachedVariant[];
}

/**
 * A place to keep cached responses. `memoryStore`, `diskStore`, `redisStore` and `keyvStore`
 * make one; any object with these methods works. Keys are hex SHA-256 digests. Failures may
 * throw or reject: the cache treats them as misses.
 *
 * @example
 * ```ts
 * const store: CacheStore = memoryStore({ maxEntries: 1000 });
 * await store.set('k', record, 60_000);
 * ```
 */
export interface CacheStore {
  /** The record under `key`, or `undefined`. */
  get(key: string): Promise<CacheRecord | undefined>;
  /** Stores `record` for `ttl` ms (after which the store may drop it). */
  set(key: string, record: CacheRecord, ttl: number): Promise<void>;
  /** Removes `key` (no error when absent). */
  delete(key: string): Promise<void>;
  /** Every key held now, for `invalidatePattern`. */
  keys(): AsyncIterable<string>;
  /** Removes every key of this store (its namespace only, for shared backends). */
  clear(): Promise<void>;
  /**
   * `true` for a store that answers without I/O (`memoryStore`): reads then run without the
   * `storeTimeout` timer. Default `false`.
   */
  readonly inProcess?: boolean;
  /** Records held, when the store knows it without I/O; else `undefined`. */
  readonly size: number | undefined;
  /** Releases connections and timers; called by `client.close()`. */
  close?(): Promise<void>;
}
