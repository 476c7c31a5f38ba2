import { ConfigurationError } from './configuration-error';
import { describe } from './plugin';

/**
 * The origin (`scheme://host:port`) of an absolute URL, or `undefined` when `url` is not one.
 *
 * @example
 * ```ts
 * originOf('https://api.example.com/v1/users'); // 'https://api.example.com'
 * ```
 */
export function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? undefined : parsed.origin;
  } catch {
    return undefined;
  }
}

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
      `Invalid trustedOrigins: expected an array of origins such as "https://files.example.com"; got ${describe(value)}`,
      { option: 'trustedOrigins' },
    );
  }
  return value.map((item: unknown, index) => {
    const origin = typeof item === 'string' ? originOf(item) : undefined;
    if (origin === undefined || !/^https?:$/.test(new URL(origin).protocol)) {
      throw new ConfigurationError(
        `Invalid trustedOrigins[${index}]: expected an http:// or https:// origin; got ${describe(item)}`,
        { option: `trustedOrigins[${index}]` },
      );
    }
    return origin;
  });
}
