/**
 * Headers as a plain object with lower-case names and string values (lists joined with `, `),
 * which is what http-cache-semantics reads and what stores keep.
 */
export function plainHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === null || typeof headers !== 'object') return out;
  // AxiosHeaders keeps each header as an own property (its methods are on the prototype), so it
  // is read directly: toJSON() would build an intermediate object on every request.
  const source = headers as Record<string, unknown>;
  for (const name of Object.keys(source)) {
    const value = source[name];
    if (value === undefined || value === null || value === false || typeof value === 'function') continue;
    const key = lowerCase(name);
    out[key] = Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : String(value);
  }
  return out;
}

const UPPER = /[A-Z]/;
const lowerCase = (name: string): string => (UPPER.test(name) ? name.toLowerCase() : name);

/** Header names of a list header (`Vary`, `Connection`), lower-case. */
export function headerList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

// Credentials are part of the key already; their values are never written to a store.
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * A request header's value as `Vary` matching compares it: whitespace runs become one space, and
 * list items are compared as written (RFC 9111 4.1 allows normalising, not reordering).
 * Credential headers compare equal: requests under one key carry the same credential.
 */
export function varyValue(name: string, value: string | undefined): string {
  if (value === undefined) return '\u0000';
  if (CREDENTIAL_HEADERS.has(name)) return '(credential)';
  return value
    .replace(/\s+/g, ' ')
    .replace(/\s*,\s*/g, ',')
    .trim();
}
