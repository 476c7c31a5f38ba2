import { ConfigurationError } from './configuration-error';
import { describeValue } from './option-checks';

/**
 * The origin (`scheme://host:port`) of an absolute URL, or `undefined` when `url` is not one.
 *
 * @example
 * ```ts
 * originOf('https://api.example.com/v1/users'); // 'https://api.example.com'
 * ```
 */
export function originOf(url: string | undefined): string | undefined {
  // A relative URL has no origin; not parsing it spares a thrown TypeError per request.
  if (url === undefined || !ABSOLUTE.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? undefined : parsed.origin;
  } catch {
    return undefined;
  }
}

const ABSOLUTE = /^[a-z][a-z\d+\-.]*:/i;

/**
 * Where a client's credentials may go: its own origin (that of `baseURL`, or without one, that of
 * each request's first URL) and the origins listed in `trustedOrigins`. Requests to other origins
 * (an absolute URL, a redirect hop) go without the client's Authorization, API key and cookies.
 *
 * @example
 * ```ts
 * const scope = new CredentialScope('https://api.example.com', ['https://files.example.com']);
 * scope.allows('https://evil.example.net/x', undefined); // false
 * ```
 */
export class CredentialScope {
  readonly #origin: string | undefined;
  readonly #trusted: ReadonlySet<string>;

  constructor(baseURL: unknown, trustedOrigins: readonly string[]) {
    this.#origin = typeof baseURL === 'string' ? originOf(baseURL) : undefined;
    this.#trusted = new Set(trustedOrigins);
  }

  /** The origin credentials are bound to for a request whose first URL is `first`. */
  home(first: string | undefined): string | undefined {
    return this.#origin ?? originOf(first);
  }

  /** Whether credentials may be sent to `url` for a request bound to `home`. */
  allows(url: string | undefined, home: string | undefined): boolean {
    // The common case, a URL under the home origin, without parsing it: the origin is followed by
    // the path, the query, the fragment or nothing (so 'https://a.com.evil.net' or
    // 'https://a.com@evil.net' never match).
    if (url !== undefined && home !== undefined && url.startsWith(home)) {
      const next = url.charCodeAt(home.length);
      if (Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */ || next === 35 /* # */) return true;
    }
    const origin = originOf(url);
    // A relative URL without a base cannot leave the origin it will be resolved against.
    if (origin === undefined || home === undefined) return true;
    return origin === home || this.#trusted.has(origin);
  }
}

/**
 * Checks `trustedOrigins`: a list of absolute origins (`https://files.example.com`), returned
 * normalised. Default `[]`.
 *
 * @example
 * ```ts
 * resolveTrustedOrigins(['https://files.example.com/']); // ['https://files.example.com']
 * ```
 */
export function resolveTrustedOrigins(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new ConfigurationError(
      `Invalid trustedOrigins: expected an array of origins such as "https://files.example.com"; got ${describeValue(value)}`,
      { option: 'trustedOrigins' },
    );
  }
  return value.map((item: unknown, index) => {
    const origin = typeof item === 'string' ? originOf(item) : undefined;
    if (origin === undefined || !/^https?:$/.test(new URL(origin).protocol)) {
      throw new ConfigurationError(
        `Invalid trustedOrigins[${index}]: expected an http:// or https:// origin; got ${describeValue(item)}`,
        { option: `trustedOrigins[${index}]` },
      );
    }
    return origin;
  });
}
