import { ConfigurationError } from './configuration-error';
import { describeValue } from './option-checks';
import { suggestOption } from './suggest-option';

const POOL_KEYS = ['maxSockets', 'maxFreeSockets', 'keepAliveTimeout'];
// The specification's (httpx's) names for the same limits.
const POOL_ALIASES: ReadonlyMap<string, string> = new Map([
  ['maxconnections', 'maxSockets'],
  ['maxkeepaliveconnections', 'maxFreeSockets'],
  ['keepaliveexpiry', 'keepAliveTimeout'],
]);

/**
 * Connection pool of a client: one keep-alive agent per protocol (and per proxy), shared by the
 * clients `extend` makes and destroyed by `close()`.
 *
 * @example
 * ```ts
 * createClient({ baseURL, pool: { maxSockets: 20, maxFreeSockets: 5, keepAliveTimeout: 2_000 } });
 * ```
 */
export interface PoolOptions {
  /** Most sockets open at once per host. Default `Infinity`. */
  readonly maxSockets?: number;
  /** Most idle sockets kept open per host. Default `256`. */
  readonly maxFreeSockets?: number;
  /**
   * Idle sockets are closed after this many ms (set it below the server's keep-alive timeout, such
   * as 4000 for Node servers' 5 s). Default `0`: idle sockets stay until the server closes them,
   * which costs no timer per request.
   */
  readonly keepAliveTimeout?: number;
}

/** Agent options from `pool`. */
export interface ResolvedPool {
  readonly keepAlive: true;
  readonly maxSockets: number;
  readonly maxFreeSockets: number;
  /** Node's agent `timeout`: closes a socket after this long idle in the pool (`0`: never). */
  readonly timeout: number;
}

/** Default `pool`. */
export const DEFAULT_POOL: ResolvedPool = Object.freeze({
  keepAlive: true,
  maxSockets: Number.POSITIVE_INFINITY,
  maxFreeSockets: 256,
  timeout: 0,
});

/**
 * Checks `pool` and returns the keep-alive agent options.
 *
 * @example
 * ```ts
 * resolvePoolOptions({ maxSockets: 10 }); // { keepAlive: true, maxSockets: 10, maxFreeSockets: 256, timeout: 0 }
 * ```
 */
export function resolvePoolOptions(value: unknown): ResolvedPool {
  if (value === undefined) return DEFAULT_POOL;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError(
      `Invalid pool: expected an object { maxSockets, maxFreeSockets, keepAliveTimeout }; got ${describeValue(value)}`,
      { option: 'pool' },
    );
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!POOL_KEYS.includes(key)) {
      const near = suggestOption(key, POOL_KEYS, POOL_ALIASES);
      throw new ConfigurationError(
        `Unknown option pool.${key}: ${near ? `did you mean "pool.${near}"?` : 'expected maxSockets, maxFreeSockets or keepAliveTimeout'}`,
        { option: `pool.${key}` },
      );
    }
  }
  const count = (key: string, fallback: number, min: number): number => {
    const item = v[key];
    if (item === undefined) return fallback;
    if (item === Number.POSITIVE_INFINITY || (Number.isInteger(item) && (item as number) >= min)) return item as number;
    throw new ConfigurationError(
      `Invalid pool.${key}: expected a whole number, ${min} or more; got ${describeValue(item)}`,
      {
        option: `pool.${key}`,
      },
    );
  };
  return Object.freeze({
    keepAlive: true,
    maxSockets: count('maxSockets', DEFAULT_POOL.maxSockets, 1),
    maxFreeSockets: count('maxFreeSockets', DEFAULT_POOL.maxFreeSockets, 0),
    timeout: count('keepAliveTimeout', DEFAULT_POOL.timeout, 0),
  });
}
