import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { CookieJar } from 'tough-cookie';
import { ConfigurationError } from './configuration-error';
import { describeValue } from './option-checks';

/**
 * The `cookies` option: `true` for a new in-memory jar per client, or a tough-cookie `CookieJar`
 * of your own (to share or persist it). Default `false`: axle keeps no cookies.
 *
 * @example
 * ```ts
 * const api = createClient({ baseURL, cookies: true });
 * await api.post('/login', credentials); // Set-Cookie: session=...
 * await api.get('/me');                  // Cookie: session=...
 * ```
 */
export type CookiesOption = boolean | CookieJar;

/**
 * Checks `cookies` and returns the client's jar, or `undefined` when cookies are off.
 *
 * @example
 * ```ts
 * resolveCookieJar(true); // a new CookieJar
 * ```
 */
export function resolveCookieJar(value: unknown): CookieJar | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return new CookieJar();
  if (value instanceof CookieJar || isJarLike(value)) return value as CookieJar;
  throw new ConfigurationError(
    `Invalid cookies: expected true, false or a tough-cookie CookieJar; got ${describeValue(value)}`,
    {
      option: 'cookies',
    },
  );
}

function isJarLike(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as CookieJar).getCookieString === 'function' &&
    typeof (value as CookieJar).setCookie === 'function'
  );
}

/** Adds the jar's cookies for `url` to the request's `Cookie` header (after any the caller set). */
export async function attachCookies(jar: CookieJar, config: InternalAxiosRequestConfig, url: string): Promise<void> {
  const fromJar = await jar.getCookieString(url);
  if (!fromJar) return;
  const own = config.headers.get('Cookie');
  config.headers.set('Cookie', typeof own === 'string' && own !== '' ? `${own}; ${fromJar}` : fromJar);
}

/** Stores the `Set-Cookie` headers of `response` (received from `url`) in the jar. */
export async function storeCookies(jar: CookieJar, setCookie: unknown, url: string): Promise<void> {
  for (const header of setCookieList(setCookie)) {
    // A cookie the jar rejects (wrong domain, bad syntax) is dropped, as browsers do.
    await jar.setCookie(header, url, { ignoreError: true });
  }
}

/** The final URL of a response (after redirects). */
export function responseUrl(response: AxiosResponse, fallback: string): string {
  const res = (response.request as { res?: { responseUrl?: unknown } } | undefined)?.res;
  return typeof res?.responseUrl === 'string' ? res.responseUrl : fallback;
}

function setCookieList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
