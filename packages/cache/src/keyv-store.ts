import type { Keyv } from 'keyv';
import type { CacheStore } from './cache-store';
import { decodeRecord, encodeRecord } from './record-codec';

/**
 * A store on any Keyv instance (Redis, SQLite, Postgres, Mongo, ...). Records are kept as JSON
 * text; `invalidatePattern` needs the Keyv store to have an iterator (most do). Give each cache
 * its own Keyv `namespace`, since `clear()` clears the namespace. `close()` disconnects it.
 * A Keyv instance swallows its store's failures unless created with `throwOnErrors: true`; with
 * it, they are reported as `cache:store-error` (the request goes on as a miss either way).
 *
 * @example
 * ```ts
 * import { Keyv } from 'keyv';
 * const c = cache({ store: keyvStore(new Keyv({ namespace: 'api-cache' })) });
 * ```
 */
export function keyvStore(keyv: Keyv): CacheStore {
  // Keyv emits its store's failures as events; with no listener they would be thrown at the emitter.
  keyv.on('error', () => undefined);
  return {
    async get(key) {
      const text = await keyv.get<string>(key);
      return typeof text === 'string' ? decodeRecord(text) : undefined;
    },
    async set(key, record, ttl) {
      await keyv.set(key, encodeRecord(record), ttl);
    },
    async delete(key) {
      await keyv.delete(key);
    },
    async *keys() {
      if (typeof keyv.iterator !== 'function') {
        throw new Error('this Keyv store has no iterator, so its keys cannot be listed');
      }
      for await (const entry of keyv.iterator(keyv.namespace)) {
        const key = entry[0];
        if (typeof key === 'string') yield key;
      }
    },
    async clear() {
      await keyv.clear();
    },
    size: undefined,
    async close() {
      await keyv.disconnect();
    },
  };
}
