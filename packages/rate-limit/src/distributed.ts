import { ClientError } from '@axle/core';
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';

/**
 * Where limits are shared (`rateLimit({ redis })`): every client with the same Redis and `prefix`
 * shares one client-wide limit, across processes and machines.
 *
 * @example
 * ```ts
 * const redis: RateLimitRedisOptions = { url: 'redis://127.0.0.1:6379', prefix: 'billing-api', fallback: 'local' };
 * ```
 */
export interface RateLimitRedisOptions {
  /** The Redis URL. Default `'redis://127.0.0.1:6379'`. */
  url?: string;
  /** The key prefix: clients with the same prefix share the limit. Default `'axle-rate-limit'`. */
  prefix?: string;
  /** How long requests wait for Redis at start (or after losing it) before giving up, in ms. Default `2000`. */
  connectTimeout?: number;
  /**
   * With Redis unreachable: `'error'` fails requests with a `ClientError` (code
   * `ERR_RATE_LIMIT_STORE`); `'local'` limits this process alone with the same limit until Redis
   * answers again. Default `'error'`.
   */
  fallback?: 'error' | 'local';
}

/**
 * Redis options with defaults applied (`limiter.options.redis`).
 *
 * @example
 * ```ts
 * rateLimit({ maxRequests: 50, redis: {} }).options.redis?.connectTimeout; // 2000
 * ```
 */
export interface ResolvedRedisOptions {
  readonly url: string;
  readonly prefix: string;
  readonly connectTimeout: number;
  readonly fallback: 'error' | 'local';
}

/** What a distributed wait ended with. */
export type SharedSlot = 'ok' | 'timeout' | 'aborted' | 'closed';

// Spacing requests 5 % wider than the exact rate leaves room for timer jitter between processes,
// so no window of the server's ever sees one request too many.
const SPACING_MARGIN = 1.05;

interface ScriptConnection {
  __scriptArgs__(name: string, id: string, args: unknown[], cb: (err: Error | null, replies: unknown) => void): unknown;
  disconnect(flush?: boolean): Promise<unknown>;
}

/**
 * The client-wide limit shared through Redis with bottleneck's clustering: bottleneck spaces
 * requests `timeWindow / maxRequests` apart across every process with the same prefix.
 */
export class SharedLimit {
  readonly #options: ResolvedRedisOptions;
  readonly #client: Redis;
  readonly #connection: ScriptConnection;
  readonly #bottleneck: Bottleneck;
  readonly #pending = new Set<(slot: SharedSlot) => void>();
  #ready: Promise<void>;
  #stopWaiting: () => void = () => undefined;
  #up = false;
  #closed = false;

  constructor(options: ResolvedRedisOptions, maxRequests: number, timeWindow: number) {
    this.#options = options;
    this.#client = new Redis(options.url, {
      connectTimeout: options.connectTimeout,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => (this.#closed ? null : Math.min(times * 100, 1000)),
    });
    // Errors surface through the requests that need Redis; an unhandled 'error' event would crash.
    this.#client.on('error', () => undefined);
    const connection = new Bottleneck.IORedisConnection({ client: this.#client, Redis } as never);
    connection.on('error', () => undefined);
    this.#connection = connection as unknown as ScriptConnection;
    healRedis7(this.#connection);
    this.#bottleneck = new Bottleneck({
      id: options.prefix,
      datastore: 'ioredis',
      connection,
      // bottleneck's scripts keep whole milliseconds.
      minTime: Math.ceil((timeWindow / maxRequests) * SPACING_MARGIN),
      // Keys are dropped after a minute without traffic; the Redis 7 fix re-creates them.
      timeout: Math.max(60_000, timeWindow * 2),
    });
    this.#bottleneck.on('error', () => undefined);
    this.#ready = this.#connect();
  }

  /** Whether the limiter is set up in Redis and the connection is open. */
  get up(): boolean {
    return this.#up && this.#client.status === 'ready';
  }

  #connect(): Promise<void> {
    const ready = this.#bottleneck.ready().then(() => {
      this.#up = true;
    });
    const attempt = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(this.#unreachable()), this.#options.connectTimeout);
      this.#stopWaiting = () => {
        clearTimeout(timer);
        resolve();
      };
      ready.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (failure: unknown) => {
          clearTimeout(timer);
          reject(this.#unreachable(failure));
        },
      );
    });
    // Nobody may be waiting yet: a failure is reported to the requests that need Redis.
    attempt.catch(() => undefined);
    return attempt;
  }

  #unreachable(cause?: unknown, why = `did not answer within ${this.#options.connectTimeout} ms`): ClientError {
    return new ClientError(
      `Rate limit store unreachable: Redis at ${redactUrl(this.#options.url)} ${why}; request not sent`,
      { code: 'ERR_RATE_LIMIT_STORE', cause },
    );
  }

  /**
   * Waits for a shared slot, until `deadline` (ms since the epoch) or `signal`. Rejects with a
   * `ClientError` (`ERR_RATE_LIMIT_STORE`) when Redis cannot be reached.
   */
  async acquire(signal: AbortSignal | undefined, deadline: number): Promise<SharedSlot> {
    if (!this.#up) {
      try {
        await this.#ready;
      } catch (error) {
        // Ask again next time (ioredis keeps reconnecting in the background).
        if (!this.#closed) this.#ready = this.#connect();
        throw error;
      }
    } else if (this.#client.status !== 'ready') {
      // Set up once, but the connection is down now: fail at once rather than queue in ioredis.
      throw this.#unreachable(undefined, `lost its connection (${this.#client.status})`);
    }
    if (this.#closed) return 'closed';
    return new Promise<SharedSlot>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (slot: SharedSlot) => {
        if (!this.#pending.delete(finish)) return;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(slot);
      };
      const onAbort = () => finish('aborted');
      this.#pending.add(finish);
      if (deadline !== Number.POSITIVE_INFINITY) timer = setTimeout(() => finish('timeout'), deadline - Date.now());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#bottleneck
        .schedule(() => {
          finish('ok');
          return Promise.resolve();
        })
        .catch((error: unknown) => {
          if (!this.#pending.delete(finish)) return;
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(this.#unreachable(error, 'failed'));
        });
    });
  }

  /** Ends every wait and closes both Redis connections. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopWaiting();
    for (const finish of [...this.#pending]) finish('closed');
    // Drops bottleneck's scheduled jobs and their timers (a job can be scheduled a window ahead).
    // It waits for bottleneck's locks, which a call to an unreachable Redis can hold: bounded.
    const stopped = this.#bottleneck.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 200).unref())]);
    await Promise.resolve(this.#bottleneck.disconnect(false)).catch(() => undefined);
    // Closes the client and the subscriber bottleneck made from it.
    await this.#connection.disconnect(false).catch(() => undefined);
  }
}

/**
 * Redis 7 prefixes the errors bottleneck's scripts return (`ERR SETTINGS_KEY_NOT_FOUND`), so
 * bottleneck no longer recognises them, and stops working once its keys expire instead of
 * re-creating them. Strip the prefix from those codes, so its own recovery runs.
 */
function healRedis7(connection: ScriptConnection): void {
  const scriptArgs = connection.__scriptArgs__.bind(connection);
  connection.__scriptArgs__ = (name, id, args, cb) =>
    scriptArgs(name, id, args, (err, replies) => {
      if (
        err !== null &&
        err !== undefined &&
        /^ERR (SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT|OVERWEIGHT)/.test(err.message)
      ) {
        err.message = err.message.slice(4);
      }
      cb(err, replies);
    });
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
