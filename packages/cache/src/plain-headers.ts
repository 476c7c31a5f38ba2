/**
 * Headers as a plain object with lower-case names and string values (lists joined with `, `),
 * which is what http-cache-semantics reads and what stores keep.
 */
export function plainHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === null || typeof headers !== 'object') return out;
  const source =
    typeof (headers as { toJSON?: unknown }).toJSON === 'function'
      ? (headers as { toJSON(): Record<string, unknown> }).toJSON()
      : (headers as Record<string, unknown>);
  for (const name in source) {
    const value = source[name];
    if (value === undefined || value === null || value === false) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Header names of a list header (`Vary`, `Connection`), lower-case. */
export function headerList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/**
 * Normalises a request header's value for `Vary` matching: whitespace runs become one space, and
 * list items are compared as written (RFC 9111 4.1 allows normalising, not reordering).
 */
export function varyValue(value: string | undefined): string {
  return value === undefined
    ? '\u0000'
    : value
        .replace(/\s+/g, ' ')
        .replace(/\s*,\s*/g, ',')
        .trim();
}
