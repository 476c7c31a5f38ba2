import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { CookieJar } from 'tough-cookie';
import { SENT, type SentCredentials } from './auth';
import { requestUrl } from './client-error';
import { ConnectionError } from './connection-error';
import { attachCookies, responseUrl, storeCookies } from './cookie-jar';
import { isHTTPError } from './guards';
import type { CallLayer, ConfigStep } from './plugin';

/**
 * One redirect a request followed: the URL that answered with a redirect, its status, and where
 * it sent the request.
 *
 * @example
 * ```ts
 * const { redirects } = await api.get('/old');
 * // [{ url: 'https://api.example.com/old', status: 301, location: 'https://api.example.com/new' }]
 * ```
 */
export interface RedirectHop {
  readonly url: string;
  readonly status: number;
  readonly location: string;
}

const OWN_COOKIE = Symbol('axle.ownCookie');
type Marked = InternalAxiosRequestConfig & { [SENT]?: SentCredentials };

/** `response.redirects` of a response no hop led to (a cache hit, a middleware's answer). */
const NO_HOPS: readonly RedirectHop[] = Object.freeze([]);

/**
 * The config step that adds the jar's cookies (only where the client's credentials may go).
 *
 * @example
 * ```ts
 * pipelineSteps.push(cookieStep(jar));
 * ```
 */
export function cookieStep(jar: CookieJar): ConfigStep {
  return async (config) => {
    const sent = (config as Marked)[SENT];
    const url = requestUrl(config);
    // The caller's own Cookie header, kept so a retry on the same headers does not add the jar's twice.
    const marked = config as Marked & { [OWN_COOKIE]?: unknown };
    if (!(OWN_COOKIE in marked)) marked[OWN_COOKIE] = config.headers.get('Cookie');
    const own = marked[OWN_COOKIE];
    if (typeof own === 'string' && own !== '') config.headers.set('Cookie', own);
    else config.headers.delete('Cookie');
    if (url !== undefined && /^https?:/i.test(url) && sent?.allowed !== false) await attachCookies(jar, config, url);
    return config;
  };
}

/**
 * The call layer around a request's redirects (which `redirectingTransport` follows): it gives
 * every response `response.redirects` (empty when no hop led to it), keeps the jar up to date
 * with the final response's `Set-Cookie`, and types a SOCKS proxy's failure.
 *
 * @example
 * ```ts
 * layers.push({ layer: redirectLayer(jar) });
 * ```
 */
export function redirectLayer(jar: CookieJar | undefined): CallLayer {
  return (config, next) =>
    // One `then` per call without a jar: this sits on every request's path.
    next(config).then(
      (response) => {
        if (response.redirects === undefined) response.redirects = NO_HOPS;
        return jar ? storeFinalCookies(jar, response, config).then(() => response) : response;
      },
      (error: unknown) => {
        const proxyFailure = socksFailure(error);
        if (proxyFailure) {
          throw new ConnectionError(`Connection through the SOCKS proxy failed (${proxyFailure.message})`, {
            config,
            code: 'ERR_SOCKS_PROXY',
            cause: error,
          });
        }
        if (!isHTTPError(error)) throw error;
        const response = error.response as AxiosResponse & { redirects?: readonly RedirectHop[] };
        if (response.redirects === undefined) response.redirects = NO_HOPS;
        if (!jar) throw error;
        return storeFinalCookies(jar, response, config).then(() => {
          throw error;
        });
      },
    );
}

/** Stores the final response's `Set-Cookie` (hops' cookies are stored as they are followed). */
function storeFinalCookies(jar: CookieJar, response: AxiosResponse, config: InternalAxiosRequestConfig): Promise<void> {
  return storeCookies(jar, response.headers['set-cookie'], responseUrl(response, requestUrl(config) ?? ''));
}

/**
 * The socks client's error behind a transport failure: it carries no error code, so without this
 * an unreachable SOCKS proxy would be a bare `ClientError` rather than a `ConnectionError`.
 */
function socksFailure(error: unknown): Error | undefined {
  let current: unknown = error;
  // Duck-typed: errors made by Node itself come from another realm under test runners.
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    // The socks package leaves `name` as 'Error'; its class name is what tells.
    if ((current as { constructor?: { name?: string } }).constructor?.name === 'SocksClientError') {
      return current as Error;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
