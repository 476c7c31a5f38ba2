import type { AxleEvents, Logger } from '@axle/core';
import type { CacheStoreErrorEvent } from './augment';
import type { CacheRecord, CacheStore } from './cache-store';

/** The store as the cache uses it: failures and slow answers become misses, reported once each. */
export interface StoreGuard {
  get(key: string): Promise<CacheRecord | undefined>;
  set(key: string, record: CacheRecord, ttl: number): Promise<void>;
  /** Deletes `key`; a failure is reported, and rethrown only when `rethrow` is true. */
  delete(key: string, rethrow?: boolean): Promise<void>;
  keys(): AsyncIterable<string>;
  clear(): Promise<void>;
  /** Store failures seen so far. */
  readonly errors: number;
}

/**
 * Wraps a store so that no failure reaches a request: an operation that throws, rejects or takes
 * longer than `timeout` ms resolves as a miss (or a no-op), with a `cache:store-error` event and a
 * WARN record on `logger`. `clear` (and `delete` when asked) still reject, for the user's calls.
 */
export function guardStore(
  store: CacheStore,
  timeout: number,
  events: () => AxleEvents | undefined,
  logger: Logger | undefined,
): StoreGuard {
  let errors = 0;
  const report = (operation: CacheStoreErrorEvent['operation'], error: unknown): void => {
    errors += 1;
    const target = events();
    if (target !== undefined && target.listenerCount('cache:store-error') > 0)
      target.emit('cache:store-error', { operation, error });
    logger?.warn(
      { event: 'cache:store-error', operation, error: error instanceof Error ? error.message : String(error) },
      `axle cache: store ${operation} failed; the request goes on as a cache miss`,
    );
  };

  // A store that throws instead of rejecting is reported the same way.
  const settled = <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return operation();
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const bounded = <T>(operation: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the cache store did not answer within ${timeout} ms`)), timeout);
      timer.unref();
    });
    return Promise.race([settled(operation), limit]).finally(() => clearTimeout(timer));
  };

  // A store that answers in this process (memoryStore) needs no timer around each read or write.
  const inProcess = store.inProcess === true;

  return {
    get(key) {
      const pending = inProcess ? settled(() => store.get(key)) : bounded(() => store.get(key));
      return pending.then(undefined, (error: unknown) => {
        report('get', error);
        return undefined;
      });
    },
    set(key, record, ttl) {
      const pending = inProcess
        ? settled(() => store.set(key, record, ttl))
        : bounded(() => store.set(key, record, ttl));
      return pending.then(undefined, (error: unknown) => report('set', error));
    },
    delete(key, rethrow = false) {
      return bounded(() => store.delete(key)).then(undefined, (error: unknown) => {
        report('delete', error);
        if (rethrow) throw error;
      });
    },
    keys: () => store.keys(),
    clear() {
      return bounded(() => store.clear()).then(undefined, (error: unknown) => {
        report('clear', error);
        throw error;
      });
    },
    get errors() {
      return errors;
    },
  };
}
