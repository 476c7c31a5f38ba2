/**
 * Where tokens live. A `Keyv` instance (for example `new Keyv({ store: new KeyvRedis(url) })`)
 * fits as it is; so does any object with these three methods. Values are plain objects; `ttl` is
 * in milliseconds. Several processes that share a store and a `storeKey` share one token and
 * refresh it once (see the README for the limits of the lock).
 *
 * @example
 * ```ts
 * const store: TokenStore = new Keyv({ store: new KeyvRedis('redis://127.0.0.1:6379'), namespace: 'api' });
 * ```
 */
export interface TokenStore {
  get(key: string): Promise<unknown> | unknown;
  set(key: string, value: unknown, ttl?: number): Promise<unknown> | unknown;
  delete(key: string): Promise<unknown> | unknown;
  /**
   * Optional: stores `value` under `key` for `ttl` ms only if `key` holds nothing, atomically,
   * and says whether it did (Redis `SET NX PX`). With it, the refresh lock is exact.
   */
  setIfAbsent?(key: string, value: unknown, ttl: number): Promise<boolean> | boolean;
}

/**
 * The token record kept in a store. Token values only ever live here and in request headers.
 *
 * @example
 * ```ts
 * const record: StoredToken = { accessToken: 'at', tokenType: 'Bearer', expiresAt: Date.now() + 3600_000, obtainedAt: Date.now() };
 * ```
 */
export interface StoredToken {
  readonly accessToken: string;
  /** `Bearer` (normalised), or the server's other type as it sent it. */
  readonly tokenType: string;
  /** Ms since the epoch; `undefined` when the server sent no `expires_in`. */
  readonly expiresAt: number | undefined;
  readonly refreshToken?: string;
  readonly scope?: string;
  readonly idToken?: string;
  /** Ms since the epoch: when this token was obtained. */
  readonly obtainedAt: number;
}

/**
 * A small in-memory store, the default: one per plugin handle, nothing shared. Entries with a
 * `ttl` (ms) disappear when it runs out.
 *
 * @example
 * ```ts
 * const store = new MemoryTokenStore();
 * oauth2({ flow: 'client_credentials', tokenUrl, clientId, clientSecret, store });
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, { value: unknown; expiresAt: number | undefined }>();

  get(key: string): unknown {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: unknown, ttl?: number): boolean {
    this.#entries.set(key, { value, expiresAt: ttl === undefined ? undefined : Date.now() + ttl });
    return true;
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }
}

/** Whether `value` looks like a `StoredToken` (a store may hold anything under a key). */
export function isStoredToken(value: unknown): value is StoredToken {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.accessToken === 'string' &&
    typeof v.tokenType === 'string' &&
    (v.expiresAt === undefined || v.expiresAt === null || typeof v.expiresAt === 'number')
  );
}
