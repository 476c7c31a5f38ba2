import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { CookieJar } from 'tough-cookie';
import { SENT, type SentCredentials } from './auth';
import { requestUrl } from './client-error';
import { ConnectionError } from './connection-error';
import { attachCookies, cookiesNow, responseUrl, storeCookies, storeCookiesNow } from './cookie-jar';
import type { CredentialScope } from './credential-scope';
import { isHTTPError } from './guards';
import type { CallLayer, ConfigStep } from './plugin';
import { isSensitiveHeader } from './redact';

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

type BeforeRedirect = (
  options: Record<string, unknown>,
  responseDetails: { headers: Record<string, unknown>; statusCode: number },
  requestDetails?: { url?: string },
) => void;

/** The caller's own `beforeRedirect`, kept so retries wrap it once, not a wrapper of it. */
const USER_BEFORE_REDIRECT = Symbol('axle.beforeRedirect');
const OWN_COOKIE = Symbol('axle.ownCookie');
type Marked = InternalAxiosRequestConfig & {
  [USER_BEFORE_REDIRECT]?: BeforeRedirect | null;
  [SENT]?: SentCredentials;
};

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
 * The call layer that follows a request's redirects: it records every hop in
 * `response.redirects`, takes the client's credentials (Authorization, API key header, cookies)
 * off hops to origins they are not bound to and puts them back on hops to trusted ones, and
 * keeps the jar up to date with every response's `Set-Cookie`.
 *
 * @example
 * ```ts
 * layers.push({ layer: redirectLayer(scope, jar) });
 * ```
 */
export function redirectLayer(scope: CredentialScope, jar: CookieJar | undefined): CallLayer {
  return (raw, next) => {
    const config = raw as Marked;
    if (config[USER_BEFORE_REDIRECT] === undefined) {
      config[USER_BEFORE_REDIRECT] = (config.beforeRedirect as BeforeRedirect | undefined) ?? null;
    }
    const first = requestUrl(config) ?? '';
    const hops: RedirectHop[] = [];
    const beforeRedirect = hopHandler(hops, first, config[SENT], config[USER_BEFORE_REDIRECT], scope, jar);
    config.beforeRedirect = beforeRedirect as InternalAxiosRequestConfig['beforeRedirect'];
    const finalUrl = (response: AxiosResponse) => responseUrl(response, hops.at(-1)?.location ?? first);
    // One `then` per call without a jar: this sits on every request's path.
    return next(config).then(
      (response) => {
        response.redirects = hops;
        return jar
          ? storeCookies(jar, response.headers['set-cookie'], finalUrl(response)).then(() => response)
          : response;
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
        (error.response as AxiosResponse & { redirects?: readonly RedirectHop[] }).redirects = hops;
        if (!jar) throw error;
        return storeCookies(jar, error.response.headers['set-cookie'], finalUrl(error.response)).then(() => {
          throw error;
        });
      },
    );
  };
}

/**
 * The `beforeRedirect` of one call. Built apart from the layer and given only what it needs: Node
 * keeps a keep-alive socket's first request options (and so this function) as long as the socket
 * lives, and the request config would keep the whole client alive with it.
 */
function hopHandler(
  hops: RedirectHop[],
  first: string,
  sent: SentCredentials | undefined,
  user: BeforeRedirect | null | undefined,
  scope: CredentialScope,
  jar: CookieJar | undefined,
): BeforeRedirect {
  return (options, responseDetails, requestDetails) => {
    const from = requestDetails?.url ?? hops.at(-1)?.location ?? first;
    const to = String(options.href ?? '');
    hops.push({ url: from, status: responseDetails.statusCode, location: to });
    if (jar) storeCookiesNow(jar, responseDetails.headers['set-cookie'], from);
    const headers = (options.headers ?? {}) as Record<string, unknown>;
    options.headers = headers;
    const allowed = scope.allows(to, sent?.home ?? scope.home(first));
    for (const [name, value] of sent?.headers ?? []) {
      deleteHeader(headers, name);
      if (allowed) headers[name] = value;
    }
    if (jar) {
      deleteHeader(headers, 'cookie');
      const cookies = allowed ? cookiesNow(jar, to) : undefined;
      if (cookies) headers.Cookie = cookies;
    } else if (!allowed) {
      deleteHeader(headers, 'cookie');
    }
    if (!allowed) {
      for (const name of Object.keys(headers)) if (isSensitiveHeader(name)) delete headers[name];
    }
    user?.(options, responseDetails, requestDetails);
  };
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

function deleteHeader(headers: Record<string, unknown>, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) delete headers[key];
}
