import { parseRetryAfter } from '@axle/core';

/**
 * What the server said about its rate limit, from one response (`response.rateLimit`). Times are
 * ms since the epoch; a field the server did not send is `undefined`.
 *
 * @example
 * ```ts
 * const { rateLimit } = await api.get('/users');
 * if (rateLimit?.remaining === 0) console.log('next request after', new Date(rateLimit.resetAt ?? 0));
 * ```
 */
export interface ServerRateLimit {
  /** Requests allowed per window (`X-RateLimit-Limit`, `RateLimit-Limit`, the policy's quota). */
  readonly limit: number | undefined;
  /** Requests left in the window. */
  readonly remaining: number | undefined;
  /** When the window resets. */
  readonly resetAt: number | undefined;
  /** The window in ms, from a `RateLimit-Policy` (`w=60`). */
  readonly window: number | undefined;
  /** `Retry-After` in seconds (delta-seconds or an HTTP-date). */
  readonly retryAfter: number | undefined;
  /** The header families the values came from. */
  readonly sources: readonly ('retry-after' | 'x-ratelimit' | 'ratelimit')[];
}

type Headers = Record<string, unknown> | undefined;

// Epoch values above this are seconds (or ms) since the epoch, below it deltas: 10^9 s is 2001.
const EPOCH_SECONDS = 1e9;
const EPOCH_MS = 1e12;

/**
 * Reads a response's rate-limit headers: `Retry-After` (seconds or HTTP-date),
 * `X-RateLimit-Limit/Remaining/Reset` (reset as epoch seconds, epoch ms or delta seconds), the
 * IETF draft's `RateLimit-Limit/Remaining/Reset`, its combined `RateLimit: limit=, remaining=,
 * reset=` and structured `RateLimit: "name";r=;t=` forms, and `RateLimit-Policy` (`q=`, `w=`, or
 * `100;w=60`). Returns `undefined` when there are none. Header names are read in lower case, as
 * Node delivers them.
 *
 * @param headers - the response headers (`response.headers`).
 * @param now - the current time in ms since the epoch. Default `Date.now()`.
 * @example
 * ```ts
 * parseServerRateLimit({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' }, 0);
 * // { limit: undefined, remaining: 0, resetAt: 30000, window: undefined, retryAfter: undefined, sources: ['x-ratelimit'] }
 * ```
 */
export function parseServerRateLimit(headers: Headers, now: number = Date.now()): ServerRateLimit | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const retryAfterText = text(headers['retry-after']);
  const xLimit = text(headers['x-ratelimit-limit']);
  const xRemaining = text(headers['x-ratelimit-remaining']);
  const xReset = text(headers['x-ratelimit-reset']);
  const combined = text(headers.ratelimit);
  const ietfLimit = text(headers['ratelimit-limit']);
  const ietfRemaining = text(headers['ratelimit-remaining']);
  const ietfReset = text(headers['ratelimit-reset']);
  const policy = text(headers['ratelimit-policy']);
  if (
    retryAfterText === undefined &&
    xLimit === undefined &&
    xRemaining === undefined &&
    xReset === undefined &&
    combined === undefined &&
    ietfLimit === undefined &&
    ietfRemaining === undefined &&
    ietfReset === undefined &&
    policy === undefined
  ) {
    return undefined;
  }

  const sources: ServerRateLimit['sources'][number][] = [];
  let limit: number | undefined;
  let remaining: number | undefined;
  let resetAt: number | undefined;
  let window: number | undefined;

  if (xLimit !== undefined || xRemaining !== undefined || xReset !== undefined) {
    sources.push('x-ratelimit');
    limit = count(xLimit);
    remaining = count(xRemaining);
    resetAt = resetTime(xReset, now);
  }
  if (
    combined !== undefined ||
    ietfLimit !== undefined ||
    ietfRemaining !== undefined ||
    ietfReset !== undefined ||
    policy !== undefined
  ) {
    sources.push('ratelimit');
    limit = count(ietfLimit) ?? limit;
    remaining = count(ietfRemaining) ?? remaining;
    // The IETF draft's reset is always delta-seconds.
    const ietfResetSeconds = count(ietfReset);
    if (ietfResetSeconds !== undefined) resetAt = now + ietfResetSeconds * 1000;
    if (combined !== undefined) {
      const params = parameters(combined);
      limit = count(params.get('limit')) ?? limit;
      remaining = count(params.get('remaining') ?? params.get('r')) ?? remaining;
      const seconds = count(params.get('reset') ?? params.get('t'));
      if (seconds !== undefined) resetAt = now + seconds * 1000;
    }
    if (policy !== undefined) {
      const params = parameters(policy);
      limit = limit ?? count(params.get('q') ?? params.get('')) ?? undefined;
      const w = count(params.get('w'));
      if (w !== undefined) window = w * 1000;
    }
  }
  const retryAfter = parseRetryAfter(retryAfterText, now);
  if (retryAfterText !== undefined) sources.push('retry-after');
  return Object.freeze({ limit, remaining, resetAt, window, retryAfter, sources: Object.freeze(sources) });
}

/** Parameters of a header such as `limit=100, remaining=5` or `"default";r=5;t=30` or `100;w=60` (a bare first number under `''`). */
function parameters(value: string): Map<string, string> {
  const out = new Map<string, string>();
  // Several policies or items: the first one is the one that binds the request most often.
  const first = value.split(/,(?=\s*"[^"]*"\s*;)/)[0] as string;
  for (const part of first.split(/[;,]/)) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) {
      if (/^\d+$/.test(item) && !out.has('')) out.set('', item);
      continue;
    }
    const key = item.slice(0, eq).trim().toLowerCase();
    if (!out.has(key))
      out.set(
        key,
        item
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, ''),
      );
  }
  return out;
}

function resetTime(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) return undefined;
  if (n >= EPOCH_MS) return n;
  if (n >= EPOCH_SECONDS) return n * 1000;
  return now + n * 1000;
}

function count(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = value.trim();
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
