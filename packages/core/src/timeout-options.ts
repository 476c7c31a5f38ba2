import { ConfigurationError } from './configuration-error';
import { describeValue } from './option-checks';
import { suggestOption } from './suggest-option';

/**
 * Split timeouts, in ms; `0` turns one off. Given as the object form of `timeout` (a number keeps
 * axios's meaning: a wall-clock limit until the headers, then an idle limit on the body).
 *
 * @example
 * ```ts
 * createClient({ timeout: { connect: 2_000, read: 10_000, total: 30_000 } });
 * ```
 */
export interface TimeoutOptions {
  /** TCP connect plus TLS handshake → `ConnectTimeoutError`. Default `5000`. */
  readonly connect?: number;
  /** From the last byte sent until the status line and headers arrive → `ReadTimeoutError`. Default: `read`. */
  readonly response?: number;
  /** The longest gap between two chunks of the response body, streamed or not → `ReadTimeoutError`. Default `30000`. */
  readonly read?: number;
  /** The longest gap while sending the request body → `WriteTimeoutError`. Default `30000`. */
  readonly write?: number;
  /**
   * A deadline for the whole logical request: every attempt and every backoff wait → `TimeoutError`
   * with the last attempt's error as `cause`. A retry is not started when it would begin after it.
   * Default `0` (none).
   */
  readonly total?: number;
}

/** Timeouts after defaults: every field set. */
export type ResolvedTimeouts = Readonly<Required<TimeoutOptions>>;

/** The defaults, as the specification sets them. */
export const DEFAULT_TIMEOUTS: ResolvedTimeouts = Object.freeze({
  connect: 5_000,
  response: 30_000,
  read: 30_000,
  write: 30_000,
  total: 0,
});

const KEYS = ['connect', 'response', 'read', 'write', 'total'] as const;

/**
 * Merges the object form of `timeout` over `base` and checks it. `response` follows `read` unless
 * it is given.
 *
 * @example
 * ```ts
 * resolveTimeouts({ read: 5_000 }); // { connect: 5000, response: 5000, read: 5000, write: 30000, total: 0 }
 * ```
 */
export function resolveTimeouts(
  value: TimeoutOptions,
  base: ResolvedTimeouts = DEFAULT_TIMEOUTS,
  option = 'timeout',
): ResolvedTimeouts {
  for (const key of Object.keys(value)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      const near = suggestOption(key, KEYS);
      const hint = near ? ` (did you mean ${option}.${near}?)` : '';
      throw new ConfigurationError(`Unknown option ${option}.${key}${hint}; valid: ${KEYS.join(', ')}`, {
        option: `${option}.${key}`,
      });
    }
  }
  const out: Record<(typeof KEYS)[number], number> = { ...base };
  for (const key of KEYS) {
    const ms = value[key];
    if (ms === undefined) continue;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new ConfigurationError(
        `Invalid ${option}.${key}: expected milliseconds, 0 or more (0 turns it off); got ${describeValue(ms)}`,
        {
          option: `${option}.${key}`,
        },
      );
    }
    out[key] = ms;
  }
  if (value.response === undefined && value.read !== undefined) out.response = value.read;
  return Object.freeze(out);
}
