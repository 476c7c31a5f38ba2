import type { CookieJar } from 'tough-cookie';
import type { AuthOption, ResolvedAuth } from './auth-options';
import { resolveAuth } from './auth-options';
import { ConfigurationError } from './configuration-error';
import { type CookiesOption, resolveCookieJar } from './cookie-jar';
import { resolveTrustedOrigins } from './credential-scope';
import { describeValue } from './option-checks';
import { type PoolOptions, type ResolvedPool, resolvePoolOptions } from './pool-options';
import { type ProxyOption, resolveProxyOption } from './proxy-options';
import { type ResolvedTls, resolveTlsOptions, type TlsOptions } from './tls-options';

/**
 * The client's connection and security options (issue #4): credentials, where they may go, TLS,
 * proxy, pool, HTTP/2 and cookies. All are fixed at `createClient`.
 *
 * @example
 * ```ts
 * createClient({
 *   baseURL: 'https://api.example.com',
 *   auth: { type: 'bearer', token: () => tokens.current, refresh: () => tokens.renew() },
 *   tls: { ca: readFileSync('ca.pem') },
 *   proxy: 'http://proxy.internal:3128',
 *   pool: { maxSockets: 20 },
 *   cookies: true,
 * });
 * ```
 */
export interface ConnectionOptions {
  /** Credentials for every request (see {@link AuthOption}); a request's own `auth` replaces them. Default: none. */
  readonly auth?: AuthOption;
  /**
   * Origins besides the client's own (that of `baseURL`) that may receive its credentials
   * (Authorization, API key, cookies) on absolute URLs and redirect hops. Default `[]`.
   */
  readonly trustedOrigins?: readonly string[];
  /** TLS settings of HTTPS connections (see {@link TlsOptions}). Default: verification on, Node's CAs. */
  readonly tls?: TlsOptions;
  /**
   * A proxy for every request (see {@link ProxyOption}); `false` ignores the environment.
   * Default: `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`.
   */
  readonly proxy?: ProxyOption;
  /** Connection pool (see {@link PoolOptions}). Default `{ maxSockets: Infinity, maxFreeSockets: 256, keepAliveTimeout: 0 }`. */
  readonly pool?: PoolOptions;
  /**
   * `true` sends requests over HTTP/2 (axios's `httpVersion: 2`). Axios's limits apply: no proxy
   * (a `ConfigurationError`), no fallback to HTTP/1.1, and axle's connect/read
   * timeouts and pool options do not apply (use `timeout.total`). Default `false`.
   */
  readonly http2?: boolean;
  /** A cookie jar per client: `true`, or a tough-cookie `CookieJar`. Default `false`. */
  readonly cookies?: CookiesOption;
}

/** The option names {@link ConnectionOptions} adds to axios's (auth and proxy are axios's already). */
export const CONNECTION_KEYS = ['trustedOrigins', 'tls', 'pool', 'http2', 'cookies'] as const;

/** Options `extend` cannot change: the pool, TLS, proxy, credentials and jar are the client's. */
export const FIXED_CONNECTION_KEYS = ['auth', 'proxy', 'httpVersion', ...CONNECTION_KEYS] as const;

/** Redirects followed when `maxRedirects` is not set. */
export const DEFAULT_MAX_REDIRECTS = 20;

/** {@link ConnectionOptions} after checks. */
export interface ResolvedConnection {
  readonly auth: ResolvedAuth | undefined;
  readonly trustedOrigins: readonly string[];
  readonly tls: ResolvedTls | undefined;
  readonly proxy: string | false | undefined;
  readonly pool: ResolvedPool;
  readonly http2: boolean;
  readonly jar: CookieJar | undefined;
}

/**
 * Takes the connection options out of a client config, checked, and returns the rest (for
 * axios and the other option checks). Axios's `auth` and `proxy` are axle's from here on: axios
 * gets neither.
 *
 * @example
 * ```ts
 * const { connection, rest } = splitConnectionOptions({ baseURL, proxy: false, tls: { minVersion: 'TLSv1.3' } });
 * ```
 */
export function splitConnectionOptions<C extends object>(
  config: C | undefined,
): { connection: ResolvedConnection; rest: C | undefined } {
  if (config === undefined || config === null || typeof config !== 'object' || Array.isArray(config)) {
    return { connection: resolveConnection({}), rest: config };
  }
  const { auth, trustedOrigins, tls, proxy, pool, http2, cookies, ...rest } = config as ConnectionOptions &
    Record<string, unknown>;
  const connection = resolveConnection({ auth, trustedOrigins, tls, proxy, pool, http2, cookies });
  const out = rest as Record<string, unknown>;
  if (out.httpVersion !== undefined && out.httpVersion !== 1 && out.httpVersion !== 2) {
    throw new ConfigurationError(`Invalid httpVersion: expected 1 or 2; got ${describeValue(out.httpVersion)}`, {
      option: 'httpVersion',
    });
  }
  const wantsHttp2 = connection.http2 || out.httpVersion === 2;
  if (wantsHttp2 && connection.proxy) {
    throw new ConfigurationError(
      'http2 cannot be combined with proxy: axios sends HTTP/2 without agents, so it cannot go through a proxy; use HTTP/1.1 (remove http2) or proxy: false',
      { option: 'http2' },
    );
  }
  if (connection.tls && out.httpsAgent) {
    throw new ConfigurationError(
      'tls cannot be combined with httpsAgent: put the TLS settings on your agent, or drop httpsAgent and let axle own the pool',
      { option: 'tls' },
    );
  }
  if (wantsHttp2) {
    out.httpVersion = 2;
    // axios opens HTTP/2 sessions itself, from http2Options, without agents: TLS settings go there.
    if (connection.tls) out.http2Options = { ...connection.tls, ...(out.http2Options as object | undefined) };
  }
  // follow-redirects (under axios) follows 21; the specification says 20.
  if (out.maxRedirects === undefined) out.maxRedirects = DEFAULT_MAX_REDIRECTS;
  return { connection: { ...connection, http2: wantsHttp2 }, rest: out as C };
}

function resolveConnection(values: Partial<Record<keyof ConnectionOptions, unknown>>): ResolvedConnection {
  if (values.http2 !== undefined && typeof values.http2 !== 'boolean') {
    throw new ConfigurationError(`Invalid http2: expected true or false; got ${describeValue(values.http2)}`, {
      option: 'http2',
    });
  }
  return {
    auth: resolveAuth(values.auth, 'auth', false) || undefined,
    trustedOrigins: resolveTrustedOrigins(values.trustedOrigins),
    tls: resolveTlsOptions(values.tls),
    proxy: resolveProxyOption(values.proxy, 'proxy'),
    pool: resolvePoolOptions(values.pool),
    http2: values.http2 === true,
    jar: resolveCookieJar(values.cookies),
  };
}
