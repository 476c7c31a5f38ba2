/**
 * Redaction of credentials in URLs and headers. Every error message, `toJSON()` and event payload
 * goes through these functions, so a secret never reaches a log line by accident.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Header names whose values are always redacted (compared case-insensitively). */
export const SENSITIVE_HEADERS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
  'x-amz-security-token',
]);

// Query parameters that commonly carry a secret; matched on the whole name, case-insensitively.
const SENSITIVE_QUERY =
  /^(?:api[-_]?key|apikey|key|token|access[-_]?token|refresh[-_]?token|id[-_]?token|auth|authorization|password|passwd|pwd|secret|client[-_]?secret|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token|session|sessionid|code)$/i;

const SENSITIVE_HEADER_SET = new Set(SENSITIVE_HEADERS);

/**
 * Whether a header name carries credentials.
 *
 * @param name - a header name, in any case.
 */
export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER_SET.has(name.toLowerCase());
}

/**
 * Returns `url` with the password of its user-info and the values of credential-like query
 * parameters (`api_key`, `token`, `access_token`, `signature`, ...) replaced by `[REDACTED]`.
 * A string that is not an absolute URL is redacted in its query part only.
 *
 * @example
 * ```ts
 * redactUrl('https://u:pw@api.example.com/x?api_key=k&page=2');
 * // 'https://u:[REDACTED]@api.example.com/x?api_key=[REDACTED]&page=2'
 * ```
 */
export function redactUrl(url: string): string {
  let result = url;
  const schemeEnd = result.indexOf('://');
  if (schemeEnd !== -1) {
    const authorityStart = schemeEnd + 3;
    const pathStart = result.slice(authorityStart).search(/[/?#]/);
    const authorityEnd = pathStart === -1 ? result.length : authorityStart + pathStart;
    const authority = result.slice(authorityStart, authorityEnd);
    const at = authority.lastIndexOf('@');
    if (at !== -1) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(':');
      const safeUserinfo = colon === -1 ? userinfo : `${userinfo.slice(0, colon)}:${REDACTED}`;
      result = `${result.slice(0, authorityStart)}${safeUserinfo}${authority.slice(at)}${result.slice(authorityEnd)}`;
    }
  }
  const queryStart = result.indexOf('?');
  if (queryStart === -1) return result;
  const hashStart = result.indexOf('#', queryStart);
  const queryEnd = hashStart === -1 ? result.length : hashStart;
  const query = result
    .slice(queryStart + 1, queryEnd)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const name = safeDecode(pair.slice(0, eq));
      return SENSITIVE_QUERY.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${result.slice(0, queryStart + 1)}${query}${result.slice(queryEnd)}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Returns a plain copy of `headers` with credential headers replaced by `[REDACTED]`.
 * Accepts axios's `AxiosHeaders`, a plain object, or anything with a `toJSON()`.
 *
 * @example
 * ```ts
 * redactHeaders({ Authorization: 'Bearer t', Accept: 'application/json' });
 * // { Authorization: '[REDACTED]', Accept: 'application/json' }
 * ```
 */
export function redactHeaders(headers: unknown): Record<string, unknown> {
  const source = toPlainHeaders(headers);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || value === null) continue;
    out[name] = isSensitiveHeader(name) ? REDACTED : value;
  }
  return out;
}

function toPlainHeaders(headers: unknown): Record<string, unknown> {
  if (headers === null || typeof headers !== 'object') return {};
  const withToJSON = headers as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === 'function') {
    const json = withToJSON.toJSON();
    if (json !== null && typeof json === 'object') return json as Record<string, unknown>;
  }
  return headers as Record<string, unknown>;
}
