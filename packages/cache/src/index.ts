/**
 * `@axle/cache`: HTTP caching (RFC 9111) for axle clients. Every export is named here.
 */
export type {
  CacheHitEvent,
  CacheMissEvent,
  CacheMode,
  CacheRevalidatedEvent,
  CacheStoreErrorEvent,
} from './augment';
export type { CachePlugin, CacheStats } from './cache';
export { cache } from './cache';
export { cacheKey } from './cache-key';
export type { CachedVariant, CacheRecord, CacheStore } from './cache-store';
export type { DiskStoreOptions } from './disk-store';
export { diskStore } from './disk-store';
export { keyvStore } from './keyv-store';
export type { MemoryStoreOptions } from './memory-store';
export { memoryStore } from './memory-store';
export type { CacheOptions, CacheRule, ResolvedCacheOptions, ResolvedCacheRule } from './options';
export { DEFAULT_CACHE_OPTIONS, resolveCacheOptions } from './options';
export { decodeRecord, encodeRecord } from './record-codec';
export type { RedisStoreOptions } from './redis-store';
export { redisStore } from './redis-store';
export type { UrlPattern } from './url-pattern';
export { compilePattern } from './url-pattern';
