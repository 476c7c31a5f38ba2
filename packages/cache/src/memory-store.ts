import { checkOptionKeys } from '@axle/core';
import type { CacheRecord, CacheStore } from './cache-store';
import { positiveInteger } from './check-options';

/**
 * Options of `memoryStore()`.
 *
 * @example
 * ```ts
 * const options: MemoryStoreOptions = { maxEntries: 1000, maxBytes: 50 * 1024 * 1024 };
 * ```
 */
export interface MemoryStoreOptions {
  /** Records kept at most; the least recently used goes first. Default `1000`. */
  maxEntries?: number;
  /** Bytes of bodies and headers kept at most (approximate); least recently used first. Default `50 * 1024 * 1024`. */
  maxBytes?: number;
}

interface Slot {
  readonly record: CacheRecord;
  readonly bytes: number;
  readonly expiresAt: number;
}

/**
 * An in-process LRU store, bounded by records and by bytes. Records are kept as they are (no
 * serialisation), so a hit costs a map lookup. Entries past their TTL are dropped when read.
 *
 * Defaults: `maxEntries: 1000`, `maxBytes: 50 MiB`.
 *
 * @example
 * ```ts
 * const c = cache({ store: memoryStore({ maxEntries: 1000 }) });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): CacheStore {
  checkOptionKeys(options, ['maxEntries', 'maxBytes'], 'memoryStore');
  const maxEntries = positiveInteger('memoryStore.maxEntries', options.maxEntries, 1000);
  const maxBytes = positiveInteger('memoryStore.maxBytes', options.maxBytes, 50 * 1024 * 1024);
  const slots = new Map<string, Slot>();
  let bytes = 0;

  const remove = (key: string): void => {
    const slot = slots.get(key);
    if (slot === undefined) return;
    slots.delete(key);
    bytes -= slot.bytes;
  };

  return {
    get(key) {
      const slot = slots.get(key);
      if (slot === undefined) return Promise.resolve(undefined);
      if (slot.expiresAt <= Date.now()) {
        remove(key);
        return Promise.resolve(undefined);
      }
      // Most recently used last: Map keeps insertion order.
      slots.delete(key);
      slots.set(key, slot);
      return Promise.resolve(slot.record);
    },
    set(key, record, ttl) {
      remove(key);
      const size = recordBytes(record);
      if (size > maxBytes) return Promise.resolve();
      slots.set(key, { record, bytes: size, expiresAt: Date.now() + ttl });
      bytes += size;
      for (const oldest of slots.keys()) {
        if (slots.size <= maxEntries && bytes <= maxBytes) break;
        remove(oldest);
      }
      return Promise.resolve();
    },
    delete(key) {
      remove(key);
      return Promise.resolve();
    },
    async *keys() {
      yield* [...slots.keys()];
    },
    clear() {
      slots.clear();
      bytes = 0;
      return Promise.resolve();
    },
    get size() {
      return slots.size;
    },
    inProcess: true,
  };
}

/** The approximate bytes a record holds: bodies plus header text. */
export function recordBytes(record: CacheRecord): number {
  let total = record.url.length + 64;
  for (const variant of record.variants) {
    const body = variant.body;
    total += body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    for (const name in variant.headers) total += name.length + (variant.headers[name]?.length ?? 0) + 4;
  }
  return total;
}
