/**
 * One link from a `Link` header (RFC 8288).
 *
 * @example
 * ```ts
 * const next = parseLinkHeader(header, url).find((link) => link.rel.includes('next'))?.url;
 * ```
 */
export interface LinkValue {
  /** The target as written between `<` and `>`. */
  readonly uri: string;
  /** The target resolved against the base URL; `undefined` when it could not be resolved. */
  readonly url: string | undefined;
  /** Relation types from `rel`, split on whitespace; registered (non-URI) types lower-cased. */
  readonly rel: readonly string[];
  /**
   * Every parameter by lower-cased name; the first occurrence wins (RFC 8288 §3). Quoted values are
   * unescaped; `title*`-style values (RFC 8187) are decoded. A parameter without a value is `''`.
   */
  readonly params: Readonly<Record<string, string>>;
}

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

/**
 * Parses a `Link` header (RFC 8288): several links in one header or in several headers, several
 * relation types in one `rel`, quoted and unquoted parameter values, commas and semicolons inside
 * quoted strings and inside `<...>`, parameter names in any case. Relative targets are resolved
 * against `baseUrl` (the URL of the request the header came from). Malformed links are skipped,
 * never thrown on.
 *
 * @param header - the header value, or its values when it was sent more than once.
 * @param baseUrl - the absolute URL to resolve relative targets against.
 * @example
 * ```ts
 * parseLinkHeader('</items?page=3>; rel="next last", <https://x.example/a>; rel=prev', 'https://api.example.com/items?page=2');
 * // [{ uri: '/items?page=3', url: 'https://api.example.com/items?page=3', rel: ['next', 'last'], ... }, ...]
 * ```
 */
export function parseLinkHeader(header: string | readonly string[] | undefined, baseUrl?: string): LinkValue[] {
  if (header === undefined) return [];
  const text = typeof header === 'string' ? header : header.join(', ');
  const links: LinkValue[] = [];
  const n = text.length;
  let i = 0;

  const skipSpace = (): void => {
    while (i < n && WHITESPACE.has(text[i] as string)) i += 1;
  };
  // Moves past the rest of a malformed link: to the next comma outside quotes and brackets.
  const skipLink = (): void => {
    let quoted = false;
    let bracketed = false;
    for (; i < n; i += 1) {
      const ch = text[i];
      if (quoted) {
        if (ch === '\\') i += 1;
        else if (ch === '"') quoted = false;
      } else if (bracketed) {
        if (ch === '>') bracketed = false;
      } else if (ch === '"') quoted = true;
      else if (ch === '<') bracketed = true;
      else if (ch === ',') {
        i += 1;
        return;
      }
    }
  };

  while (i < n) {
    while (i < n && (WHITESPACE.has(text[i] as string) || text[i] === ',')) i += 1;
    if (i >= n) break;
    if (text[i] !== '<') {
      skipLink();
      continue;
    }
    const close = text.indexOf('>', i + 1);
    if (close < 0) break;
    const uri = text.slice(i + 1, close).trim();
    i = close + 1;
    const params: Record<string, string> = {};
    let valid = true;
    while (i < n) {
      skipSpace();
      if (i >= n) break;
      if (text[i] === ',') {
        i += 1;
        break;
      }
      if (text[i] !== ';') {
        valid = false;
        skipLink();
        break;
      }
      i += 1;
      skipSpace();
      const nameStart = i;
      while (i < n && !WHITESPACE.has(text[i] as string) && !'=;,'.includes(text[i] as string)) i += 1;
      const name = text.slice(nameStart, i).toLowerCase();
      skipSpace();
      let value = '';
      if (text[i] === '=') {
        i += 1;
        skipSpace();
        if (text[i] === '"') {
          i += 1;
          let chars = '';
          while (i < n && text[i] !== '"') {
            if (text[i] === '\\' && i + 1 < n) i += 1;
            chars += text[i];
            i += 1;
          }
          i += 1;
          value = chars;
        } else {
          const valueStart = i;
          while (i < n && !WHITESPACE.has(text[i] as string) && text[i] !== ';' && text[i] !== ',') i += 1;
          value = text.slice(valueStart, i);
        }
      }
      if (name === '' || Object.hasOwn(params, name)) continue;
      params[name] = name.endsWith('*') ? decodeExtValue(value) : value;
    }
    if (!valid) continue;
    const rel = (params.rel ?? '')
      .split(/\s+/)
      .filter((type) => type !== '')
      .map((type) => (type.includes(':') ? type : type.toLowerCase()));
    links.push(
      Object.freeze({ uri, url: resolve(uri, baseUrl), rel: Object.freeze(rel), params: Object.freeze(params) }),
    );
  }
  return links;
}

/**
 * The first link whose `rel` includes `rel` (compared without case), or `undefined`.
 *
 * @example
 * ```ts
 * const next = findLink(parseLinkHeader(response.headers.link, url), 'next')?.url;
 * ```
 */
export function findLink(links: readonly LinkValue[], rel: string): LinkValue | undefined {
  const wanted = rel.includes(':') ? rel : rel.toLowerCase();
  return links.find((link) => link.rel.includes(wanted));
}

function resolve(uri: string, baseUrl: string | undefined): string | undefined {
  try {
    return new URL(uri, baseUrl).href;
  } catch {
    return undefined;
  }
}

// RFC 8187 ext-value: charset'language'percent-encoded; only UTF-8 (and its ASCII subset) is decoded.
function decodeExtValue(value: string): string {
  const match = /^([A-Za-z0-9!#$%&+^_`{}~-]*)'[^']*'(.*)$/.exec(value);
  if (!match) return value;
  const charset = (match[1] ?? '').toLowerCase();
  if (charset !== 'utf-8' && charset !== 'us-ascii' && charset !== '') return value;
  try {
    return decodeURIComponent(match[2] ?? '');
  } catch {
    return value;
  }
}
