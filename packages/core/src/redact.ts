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
 * An extra redaction rule (the `redact` option): a string names a header, query parameter or body
 * field (compared case-insensitively, as axios compares its own `redact` config keys); a RegExp is
 * tested against those names.
 *
 * @example
 * ```ts
 * const rules: RedactRule[] = ['X-Tenant-Secret', /^x-internal-/i];
 * ```
 */
export type RedactRule = string | RegExp;

/**
 * Whether `name` matches one of `rules` (a string: the same name in any case; a RegExp: a match).
 * Anything in `rules` that is neither is ignored, so a config's `redact` can be passed as it is.
 *
 * @example
 * ```ts
 * matchesRedactRule('X-Secret', ['x-secret']); // true
 * ```
 */
export function matchesRedactRule(name: string, rules: readonly RedactRule[] | undefined): boolean {
  if (rules === undefined || !Array.isArray(rules) || rules.length === 0) return false;
  for (const rule of rules) {
    if (typeof rule === 'string') {
      if (rule.toLowerCase() === name.toLowerCase()) return true;
    } else if (rule instanceof RegExp) {
      rule.lastIndex = 0;
      if (rule.test(name)) return true;
    }
  }
  return false;
}

/**
 * Whether a header name carries credentials: one of {@link SENSITIVE_HEADERS}, or a name matched
 * by `rules`.
 *
 * @param name - a header name, in any case.
 * @param rules - extra rules (the `redact` option). Default: none.
 * @example
 * ```ts
 * isSensitiveHeader('Authorization'); // true
 * ```
 */
export function isSensitiveHeader(name: string, rules?: readonly RedactRule[]): boolean {
  return SENSITIVE_HEADER_SET.has(name.toLowerCase()) || matchesRedactRule(name, rules);
}

/**
 * Whether a query parameter or body field name carries a secret (`api_key`, `token`, `password`,
 * ...), or is matched by `rules`.
 *
 * @example
 * ```ts
 * isSensitiveField('access_token'); // true
 * ```
 */
export function isSensitiveField(name: string, rules?: readonly RedactRule[]): boolean {
  return SENSITIVE_QUERY.test(name) || matchesRedactRule(name, rules);
}

/**
 * Returns `url` with the password of its user-info and the values of credential-like query
 * parameters (`api_key`, `token`, `access_token`, `signature`, ...) replaced by `[REDACTED]`.
 * A string that is not an absolute URL is redacted in its query part only. `rules` (the `redact`
 * option) name more query parameters. Default: none.
 *
 * @example
 * ```ts
 * redactUrl('https://u:pw@api.example.com/x?api_key=k&page=2');
 * // 'https://u:[REDACTED]@api.example.com/x?api_key=[REDACTED]&page=2'
 * ```
 */
export function redactUrl(url: string, rules?: readonly RedactRule[]): string {
  // Nothing to redact without user-info or a query: the common case, on every logged request.
  if (url.indexOf('?') === -1 && url.indexOf('@') === -1) return url;
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
      return isSensitiveField(name, rules) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
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
 * Accepts axios's `AxiosHeaders`, a plain object, or anything with a `toJSON()`. `rules` (the
 * `redact` option) name more headers. Default: none.
 *
 * @example
 * ```ts
 * redactHeaders({ Authorization: 'Bearer t', Accept: 'application/json' });
 * // { Authorization: '[REDACTED]', Accept: 'application/json' }
 * ```
 */
export function redactHeaders(headers: unknown, rules?: readonly RedactRule[]): Record<string, unknown> {
  const source = toPlainHeaders(headers);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || value === null) continue;
    out[name] = isSensitiveHeader(name, rules) ? REDACTED : value;
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

const AUTH_VALUE = /\b(Bearer|Basic|Digest)\s+(?![A-Za-z]+=")[A-Za-z0-9._~+/=-]{4,}/g;

/**
 * A redacted, size-limited text sample of a request or response body for logs: JSON (an object, or
 * a string that parses as JSON) with sensitive fields redacted at any depth, form-encoded text with
 * sensitive parameters redacted, other text as it is; binary bodies and streams are described,
 * not shown. Returns `undefined` when `maxBytes` is 0 or there is no body.
 *
 * @param body - the body (`config.data` after serialisation, or `response.data`).
 * @param maxBytes - the most UTF-8 bytes kept; longer samples end with `…`.
 * @param rules - extra field names (the `redact` option). Default: none.
 * @example
 * ```ts
 * sampleBody('{"user":"ann","password":"pw"}', 200); // '{"user":"ann","password":"[REDACTED]"}'
 * ```
 */
export function sampleBody(body: unknown, maxBytes: number, rules?: readonly RedactRule[]): string | undefined {
  if (maxBytes <= 0 || body === undefined || body === null || body === '') return undefined;
  let text: string;
  if (typeof body === 'string') {
    const trimmed = body.trimStart();
    let parsed: unknown;
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
    }
    if (parsed !== undefined) text = JSON.stringify(redactFields(parsed, rules, 0));
    else if (/^[^\s=&]+=[^\s]*$/.test(body)) text = redactUrl(`?${body}`, rules).slice(1);
    else text = body;
  } else if (Buffer.isBuffer(body) || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    return `[binary ${(body as ArrayBuffer).byteLength} bytes]`;
  } else if (typeof body === 'object' && typeof (body as { pipe?: unknown }).pipe === 'function') {
    return '[stream]';
  } else if (body instanceof URLSearchParams) {
    text = redactUrl(`?${body.toString()}`, rules).slice(1);
  } else if (typeof body === 'object') {
    try {
      text = JSON.stringify(redactFields(body, rules, 0)) ?? '';
    } catch {
      return '[unserialisable body]';
    }
  } else {
    text = String(body);
  }
  // A credential written out in a body (a server echoing the Authorization header it got).
  text = text.replace(AUTH_VALUE, `$1 ${REDACTED}`);
  const bytes = Buffer.from(text, 'utf8');
  // A character cut in half decodes as U+FFFD: drop it.
  return bytes.length <= maxBytes
    ? text
    : `${bytes
        .subarray(0, maxBytes)
        .toString('utf8')
        .replace(/\uFFFD+$/, '')}…`;
}

function redactFields(value: unknown, rules: readonly RedactRule[] | undefined, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 20) return '[…]';
  if (Array.isArray(value)) return value.map((item) => redactFields(item, rules, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSensitiveField(key, rules) || isSensitiveHeader(key, rules) ? REDACTED : redactFields(item, rules, depth + 1);
  }
  return out;
}
