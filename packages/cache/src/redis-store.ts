import { checkOptionKeys, invalidOption } from '@axle/core';
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import type { CacheStore } from './cache-store';
import { duration } from './check-options';
import { keyvStore } from './keyv-store';

/**
 * Options of `redisStore()`.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = { namespace: 'api-cache', connectionTimeout: 500 };
 * ```
 */
export interface RedisStoreOptions {
  /** Key prefix of this cache; `clear()` removes only keys under it. Default `'axle-cache'`. */
  namespace?: string;
  /**
   * Ms to wait for the connection before an operation fails (and the request goes on as a miss).
   * Default `1000`. @keyv/redis waits for ever without it when Redis is down.
   */
  connectionTimeout?: number;
}

/**
 * A store in Redis, through @keyv/redis: shared by every process that uses the same URL and
 * namespace. Nothing connects until the first request; `client.close()` disconnects. When
 * Redis is down, requests go to the network (a `cache:store-error` event each time).
 *
 * Defaults: `namespace: 'axle-cache'`, `connectionTimeout: 1000`.
 *
 * @example
 * ```ts
 * const c = cache({ store: redisStore('redis://127.0.0.1:6379', { namespace: 'users-api' }) });
 * ```
 */
export function redisStore(url: string, options: RedisStoreOptions = {}): CacheStore {
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
    throw invalidOption('redisStore(url)', 'a redis:// or rediss:// URL', url);
  }
  checkOptionKeys(options, ['namespace', 'connectionTimeout'], 'redisStore');
  const namespace = options.namespace ?? 'axle-cache';
  if (typeof namespace !== 'string' || namespace === '') {
    throw invalidOption('redisStore.namespace', 'a non-empty string', namespace);
  }
  const connectionTimeout = duration('redisStore.connectionTimeout', options.connectionTimeout, 1000);
  let inner: CacheStore | undefined;
  // The connection is made on first use, so creating a client opens no socket.
  const open = (): CacheStore => {
    if (inner === undefined) {
      const redis = new KeyvRedis(
        // A dead Redis must not keep reconnecting after its operations failed.
        { url, socket: { connectTimeout: connectionTimeout, reconnectStrategy: reconnect } },
        { connectionTimeout, throwOnConnectError: true, throwOnErrors: true },
      );
      inner = keyvStore(new Keyv({ store: redis, namespace, throwOnErrors: true }));
    }
    return inner;
  };
  return {
    get: (key) => open().get(key),
    set: (key, record, ttl) => open().set(key, record, ttl),
    delete: (key) => open().delete(key),
    keys: () => open().keys(),
    clear: () => open().clear(),
    size: undefined,
    async close() {
      const current = inner;
      inner = undefined;
      await current?.close?.();
    },
  };
}

/** Retries a lost connection a few times, quickly, then gives up until the next operation. */
function reconnect(retries: number): number | false {
  return retries > 3 ? false : Math.min((retries + 1) * 100, 500);
}
