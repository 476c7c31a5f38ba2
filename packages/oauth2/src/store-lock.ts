import type { TokenStore } from './token-store';

/** A lock in a token store: held by one owner until released or `ttl` ms pass. */
export interface StoreLock {
  /** Whether `owner` now holds `key` (it did not exist, or had expired). */
  acquire(key: string, owner: string, ttl: number): Promise<boolean>;
  /** Releases `key` if `owner` still holds it. */
  release(key: string, owner: string): Promise<void>;
}

/** The part of a node-redis client the lock uses (what @keyv/redis wraps). */
interface RedisLike {
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<unknown>;
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

interface KeyvRedisLike {
  getClient(): Promise<RedisLike>;
  createKeyPrefix?(key: string, namespace?: string): string;
  namespace?: string;
}

/** How long a lock holder waits before checking it still holds a store-entry lock. */
const SETTLE_MS = 25;

/**
 * The best lock a store allows, in this order: the store's own `setIfAbsent` (atomic); Redis
 * `SET NX PX` when the store is a Keyv over @keyv/redis (atomic); otherwise a lock entry written
 * when absent and read back after 25 ms (not atomic: two writers within the pause may both
 * proceed; see README).
 */
export function storeLock(store: TokenStore, sleep: (ms: number) => Promise<void>): StoreLock {
  if (typeof store.setIfAbsent === 'function') {
    const setIfAbsent = store.setIfAbsent.bind(store);
    return {
      acquire: async (key, owner, ttl) => (await setIfAbsent(key, owner, ttl)) === true,
      release: (key, owner) => releaseEntry(store, key, owner),
    };
  }
  const adapter = (store as { store?: unknown }).store as KeyvRedisLike | undefined;
  if (adapter !== null && typeof adapter === 'object' && typeof adapter.getClient === 'function') {
    const redisKey = (key: string) =>
      typeof adapter.createKeyPrefix === 'function' ? adapter.createKeyPrefix(key, adapter.namespace) : key;
    return {
      acquire: async (key, owner, ttl) => {
        const client = await adapter.getClient();
        return (await client.set(redisKey(key), owner, { NX: true, PX: Math.ceil(ttl) })) === 'OK';
      },
      release: async (key, owner) => {
        const client = await adapter.getClient();
        // A lock that expired and was taken by another owner is not ours to delete.
        if ((await client.get(redisKey(key))) === owner) await client.del(redisKey(key));
      },
    };
  }
  return {
    acquire: async (key, owner, ttl) => {
      const holder = await store.get(key);
      if (holder !== undefined && holder !== null) return false;
      await store.set(key, owner, ttl);
      await sleep(SETTLE_MS);
      return (await store.get(key)) === owner;
    },
    release: (key, owner) => releaseEntry(store, key, owner),
  };
}

async function releaseEntry(store: TokenStore, key: string, owner: string): Promise<void> {
  if ((await store.get(key)) === owner) await store.delete(key);
}
