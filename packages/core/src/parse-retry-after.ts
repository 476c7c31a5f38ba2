/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3) into whole seconds from `now`:
 * delta-seconds (`"120"`) as they are, an HTTP-date rounded up and never negative.
 * Returns `undefined` for a missing or malformed value.
 *
 * @param value - the header value.
 * @param now - the current time in ms since the epoch; defaults to `Date.now()`.
 * @example
 * ```ts
 * parseRetryAfter('3');                              // 3
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT');  // seconds until then, or 0 if past
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // Only an IMF-fixdate or the obsolete forms Date.parse understands; a bare number with a sign
  // or fraction is malformed, not a date.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
