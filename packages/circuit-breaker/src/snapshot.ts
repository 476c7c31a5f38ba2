import { ConfigurationError } from '@axle/core';
import type { CircuitSnapshot, ForcedState } from './circuit';

/** The snapshot format this version writes and reads. */
export const SNAPSHOT_VERSION = 1;

/**
 * A breaker's state as plain JSON-safe data, from `breaker.snapshot()`, for `breaker.restore()`:
 * save it when the process stops, restore it when it starts, and an upstream that was failing
 * stays open until its `retryAt` (an absolute time, so time spent down counts).
 *
 * Not included: the failure-rate sampling window (its samples describe another process's
 * traffic) and probes in flight.
 *
 * @example
 * ```ts
 * await writeFile('breaker.json', JSON.stringify(breaker.snapshot()));
 * // ...after a restart:
 * breaker.restore(JSON.parse(await readFile('breaker.json', 'utf8')));
 * ```
 */
export interface CircuitBreakerSnapshot {
  /** The format version: 1. */
  readonly version: 1;
  /** When it was taken (ms since the epoch). */
  readonly takenAt: number;
  /** Whether it comes from a per-host breaker; it restores only into one with the same setting. */
  readonly perHost: boolean;
  /** With `perHost`: a `forceOpen()`/`forceClose()` of the whole breaker, which hosts seen later inherit. */
  readonly forced?: ForcedState;
  /** One entry per breaker, least recently used first. */
  readonly circuits: readonly CircuitSnapshot[];
}

const STATES = new Set(['closed', 'open', 'half_open']);
const FORCED = new Set(['open', 'closed']);
const COUNTERS = ['consecutiveFailures', 'failureCount', 'successCount', 'rejectedCount', 'ignoredCount'] as const;
const TIMES = ['openedAt', 'retryAt', 'lastFailureTime'] as const;

/**
 * Checks that `value` is a snapshot this breaker can take; throws a `ConfigurationError` naming
 * the field at fault (`snapshot.circuits[2].state`).
 */
export function checkSnapshot(value: unknown, perHost: boolean): asserts value is CircuitBreakerSnapshot {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    bad('snapshot', 'an object from breaker.snapshot()');
  }
  const s = value as Partial<Record<keyof CircuitBreakerSnapshot, unknown>>;
  if (s.version !== SNAPSHOT_VERSION) bad('snapshot.version', `${SNAPSHOT_VERSION} (this version's format)`);
  if (typeof s.perHost !== 'boolean') bad('snapshot.perHost', 'true or false');
  if (s.perHost !== perHost) {
    bad(
      'snapshot.perHost',
      `${perHost} like this breaker's (the snapshot was taken from a breaker with perHost: ${s.perHost})`,
    );
  }
  if (s.forced !== undefined && !FORCED.has(s.forced as string)) bad('snapshot.forced', '"open", "closed" or absent');
  if (!Array.isArray(s.circuits)) bad('snapshot.circuits', 'an array');
  const seen = new Set<string>();
  s.circuits.forEach((entry: unknown, i: number) => {
    const at = `snapshot.circuits[${i}]`;
    if (entry === null || typeof entry !== 'object') bad(at, 'an object');
    const c = entry as Partial<Record<keyof CircuitSnapshot, unknown>>;
    if (typeof c.host !== 'string' || c.host === '') bad(`${at}.host`, 'a non-empty string');
    if (!perHost && c.host !== '*') bad(`${at}.host`, '"*" (a breaker without perHost has one circuit, "*")');
    if (seen.has(c.host)) bad(`${at}.host`, `unique ("${c.host}" appears twice)`);
    seen.add(c.host);
    if (!STATES.has(c.state as string)) bad(`${at}.state`, '"closed", "open" or "half_open"');
    if (c.forced !== undefined && c.forced !== (c.state === 'open' ? 'open' : c.state === 'closed' ? 'closed' : '')) {
      bad(`${at}.forced`, `absent, or equal to the state ("open" or "closed"); the state is "${String(c.state)}"`);
    }
    for (const key of COUNTERS) {
      if (!(Number.isSafeInteger(c[key]) && (c[key] as number) >= 0)) bad(`${at}.${key}`, 'a whole number, 0 or more');
    }
    for (const key of TIMES) {
      if (c[key] !== undefined && !(typeof c[key] === 'number' && Number.isFinite(c[key]))) {
        bad(`${at}.${key}`, 'a time in ms since the epoch, or absent');
      }
    }
    if (c.state === 'open' && c.forced === undefined && c.retryAt === undefined) {
      bad(`${at}.retryAt`, 'set on an open breaker that is not forced open');
    }
  });
}

function bad(option: string, expected: string): never {
  throw new ConfigurationError(`Invalid circuit breaker snapshot: ${option} must be ${expected}`, { option });
}
