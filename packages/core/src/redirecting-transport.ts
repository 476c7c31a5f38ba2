import axios, {
  type AxiosAdapter,
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { CookieJar } from 'tough-cookie';
import { SENT, type SentCredentials } from './auth';
import { ClientError, requestUrl } from './client-error';
import { storeCookies } from './cookie-jar';
import type { CredentialScope } from './credential-scope';
import { typedFailure } from './pipeline';
import type { NextAdapter } from './plugin';
import { isSensitiveHeader, redactUrl } from './redact';
import type { RedirectHop } from './redirects';

/** What a client's redirect follower needs: where credentials may go, and its cookie jar. */
export interface RedirectPolicy {
  readonly scope: CredentialScope;
  readonly jar: CookieJar | undefined;
  /**
   * Called before each hop is sent (the SOCKS agent may need loading for its URL); returns a
   * promise only when there is something to wait for.
   */
  readonly beforeHop?: (config: InternalAxiosRequestConfig, url: string) => Promise<void> | undefined;
  /** Told of every hop before it is sent (the `redirect` event); `hop` is 1 for the first redirect. */
  readonly onHop?: (config: InternalAxiosRequestConfig, redirect: RedirectHop, hop: number) => void;
}

/** Redirects followed when neither the client nor the request sets `maxRedirects`. */
const DEFAULT_LIMIT = 20;

/** A redirect body is drained (and the socket kept) up to this size; a larger one is dropped. */
const DRAIN_LIMIT = 64 * 1024;

type BeforeRedirect = (
  options: Record<string, unknown>,
  responseDetails: { headers: Record<string, unknown>; statusCode: number },
  requestDetails: { url: string; method: string; headers: Record<string, unknown> },
) => void;

type Marked = InternalAxiosRequestConfig & { [SENT]?: SentCredentials };

/**
 * axios's HTTP adapter that never follows redirects itself (Node's own `http.request`, no
 * follow-redirects wrapper around each request), for `redirectingTransport` to follow them above
 * it. A request with `maxRedirects: 0`, a negative one, or a `transport` of its own is sent as it is.
 *
 * @example
 * ```ts
 * const http = singleHop(axios.getAdapter('http'));
 * ```
 */
export function singleHop(transport: AxiosAdapter): AxiosAdapter {
  return (config) => {
    if (!followedHere(config)) return transport(config);
    const own = config.maxRedirects;
    // axios reads maxRedirects as it starts; set for that moment only, so retries see the caller's.
    config.maxRedirects = 0;
    try {
      return transport(config);
    } finally {
      config.maxRedirects = own;
    }
  };
}

/**
 * Follows redirects over the chain each hop takes (the cache, breaker and limiter, then axios's
 * HTTP transport under `singleHop`): on a 3xx with a `Location`, the next hop is built here: the
 * method rules browsers use, the client's credentials and cookies only where they may go, the jar
 * updated from every hop, and the caller's `validateStatus` judged on the final response alone.
 * So a cached redirect, or a cached target, is served without the network, and each hop takes its
 * own host's breaker permit and limiter slot. A request that does not redirect costs one `then`.
 *
 * @example
 * ```ts
 * const transport = redirectingTransport(singleHop(axios.getAdapter('http')), { scope, jar: undefined });
 * ```
 */
export function redirectingTransport(transport: NextAdapter, policy: RedirectPolicy): NextAdapter {
  return (config) => {
    if (!followedHere(config)) return transport(config);
    const limit = config.maxRedirects ?? DEFAULT_LIMIT;
    // Read now: the body decoder switches `responseType` on the caller's config for the
    // synchronous part of its call only, and later hops must ask for the same.
    const responseType = config.responseType;
    const startedAt = config.timeout ? Date.now() : 0;
    return transport(config).then(
      (response) => {
        if (locationOf(response) === undefined) return withResponseUrl(response, config);
        const first = { response, error: undefined };
        return follow(transport, policy, config, first, { limit, responseType, startedAt }).catch(typedFor(config));
      },
      (error: unknown) => {
        const response = axios.isAxiosError(error) ? error.response : undefined;
        if (response === undefined || locationOf(response) === undefined) throw error;
        const first = { response, error };
        return follow(transport, policy, config, first, { limit, responseType, startedAt }).catch(typedFor(config));
      },
    );
  };
}

/**
 * Whether axle follows this request's redirects: `singleHop` and the follower must agree on it.
 * Not with `maxRedirects` 0 (or less), and not with a `transport` of the caller's own, which is
 * theirs to redirect with, as in axios.
 */
function followedHere(config: InternalAxiosRequestConfig): boolean {
  return (config.maxRedirects ?? DEFAULT_LIMIT) > 0 && config.transport === undefined;
}

/**
 * A rejection handler that types the follower's own failures (too many redirects, a bad Location,
 * the chain's timeout) for `config`; those of a hop were typed below, where its layers saw them,
 * and name its URL.
 */
function typedFor(config: InternalAxiosRequestConfig): (error: unknown) => never {
  return (error) => {
    throw typedFailure(error, config);
  };
}

interface Outcome {
  readonly response: AxiosResponse;
  /** The rejection axios gave the response (its `validateStatus` refused it), if any. */
  readonly error: unknown;
}

interface HopSettings {
  readonly limit: number;
  readonly responseType: InternalAxiosRequestConfig['responseType'];
  readonly startedAt: number;
}

async function follow(
  transport: NextAdapter,
  policy: RedirectPolicy,
  config: Marked,
  first: Outcome,
  settings: HopSettings,
): Promise<AxiosResponse> {
  const hops: RedirectHop[] = [];
  const user = config.beforeRedirect as BeforeRedirect | undefined;
  const sentCredentials = config[SENT];
  let from = requestUrl(config) ?? '';
  const home = sentCredentials?.home ?? policy.scope.home(from);
  let outcome = first;
  let method = (config.method ?? 'get').toLowerCase();
  let data: unknown = config.data;
  let headers = AxiosHeaders.from(config.headers);
  for (;;) {
    const { response } = outcome;
    const location = locationOf(response);
    if (location === undefined) break;
    await discardBody(response);
    if (hops.length >= settings.limit) {
      throw new ClientError(`Stopped after ${settings.limit} redirects (maxRedirects)`, {
        config,
        code: 'ERR_FR_TOO_MANY_REDIRECTS',
        request: response.request,
      });
    }
    const to = redirectTarget(location, from, config, response);
    const redirect: RedirectHop = { url: from, status: response.status, location: to };
    hops.push(redirect);
    policy.onHop?.(config, redirect, hops.length);
    if (policy.jar) await storeCookies(policy.jar, response.headers['set-cookie'], from);

    const previous = user ? { url: from, method: method.toUpperCase(), headers: headers.toJSON() } : undefined;
    headers = new AxiosHeaders(headers);
    // The next hop may be another host; axios sets Host from its URL.
    headers.delete('host');
    if (changesToGet(response.status, method)) {
      method = 'get';
      data = undefined;
      for (const name of Object.keys(headers)) if (/^content-/i.test(name)) headers.delete(name);
    }
    await scopeCredentials(headers, to, home, sentCredentials, policy);
    if (user && previous) headers = callUserHook(user, headers, to, method, response, previous);
    await policy.beforeHop?.(config, to);

    const hop = hopConfig(config, to, method, data, headers, settings);
    try {
      outcome = { response: await transport(hop), error: undefined };
    } catch (error) {
      const failed = axios.isAxiosError(error) ? error.response : undefined;
      if (failed === undefined) {
        if (axios.isAxiosError(error)) error.config = config;
        throw error;
      }
      outcome = { response: failed, error };
    }
    from = to;
  }
  const { response, error } = outcome;
  response.config = config;
  response.redirects = hops;
  setResponseUrl(response, from);
  if (error === undefined) return response;
  if (axios.isAxiosError(error)) error.config = config;
  throw error;
}

/** The `Location` of a response that redirects (any 3xx but 304, as axios's follower), else `undefined`. */
function locationOf(response: AxiosResponse): string | undefined {
  const status = response.status;
  if (status < 300 || status >= 400 || status === 304) return undefined;
  const location = response.headers?.location as unknown;
  return typeof location === 'string' && location !== '' ? location : undefined;
}

function redirectTarget(
  location: string,
  from: string,
  config: InternalAxiosRequestConfig,
  response: AxiosResponse,
): string {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch (cause) {
    throw new ClientError(`Redirect location ${JSON.stringify(redactUrl(location))} is not a valid URL`, {
      config,
      code: 'ERR_FR_REDIRECTION_FAILURE',
      request: response.request,
      cause,
    });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new ClientError(
      `Redirect to ${JSON.stringify(redactUrl(target.href))} not followed: axle follows http: and https: only`,
      { config, code: 'ERR_FR_REDIRECTION_FAILURE', request: response.request },
    );
  }
  // The fragment is the client's, never sent.
  target.hash = '';
  return target.href;
}

/** 301 and 302 turn a POST into a GET, 303 anything but GET and HEAD (as browsers and axios do). */
function changesToGet(status: number, method: string): boolean {
  if (status === 303) return method !== 'get' && method !== 'head';
  return (status === 301 || status === 302) && method === 'post';
}

/**
 * Puts the client's credentials (Authorization, API key header, jar cookies) on a hop to an origin
 * they may go to, and takes every credential off a hop to any other.
 */
async function scopeCredentials(
  headers: AxiosHeaders,
  to: string,
  home: string | undefined,
  sent: SentCredentials | undefined,
  policy: RedirectPolicy,
): Promise<void> {
  const allowed = policy.scope.allows(to, home);
  for (const [name, value] of sent?.headers ?? []) {
    headers.delete(name);
    if (allowed) headers.set(name, value);
  }
  if (policy.jar) {
    headers.delete('cookie');
    const cookies = allowed ? await policy.jar.getCookieString(to) : '';
    if (cookies) headers.set('Cookie', cookies);
  } else if (!allowed) {
    headers.delete('cookie');
  }
  if (!allowed) {
    for (const name of Object.keys(headers)) if (isSensitiveHeader(name)) headers.delete(name);
  }
}

/** Calls the caller's `beforeRedirect` as axios does, with the next hop's options; keeps its header changes. */
function callUserHook(
  user: BeforeRedirect,
  headers: AxiosHeaders,
  to: string,
  method: string,
  response: AxiosResponse,
  previous: { url: string; method: string; headers: Record<string, unknown> },
): AxiosHeaders {
  const target = new URL(to);
  const options: Record<string, unknown> = {
    href: to,
    protocol: target.protocol,
    hostname: target.hostname,
    host: target.host,
    port: target.port,
    path: target.pathname + target.search,
    method: method.toUpperCase(),
    headers: headers.toJSON(),
  };
  user(options, { headers: { ...response.headers }, statusCode: response.status }, previous);
  return new AxiosHeaders(options.headers as Record<string, string>);
}

function hopConfig(
  config: InternalAxiosRequestConfig,
  url: string,
  method: string,
  data: unknown,
  headers: AxiosHeaders,
  settings: HopSettings,
): InternalAxiosRequestConfig {
  const hop: InternalAxiosRequestConfig = {
    ...config,
    url,
    baseURL: undefined,
    params: undefined,
    method,
    data,
    headers,
    maxRedirects: 0,
    responseType: settings.responseType,
  };
  // axios's number `timeout` covers the whole chain, as it does with its own follower.
  const timeout = config.timeout;
  if (timeout && timeout > 0) {
    const left = timeout - (Date.now() - settings.startedAt);
    const message = config.timeoutErrorMessage || `timeout of ${timeout}ms exceeded`;
    if (left <= 0) {
      const code = config.transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED;
      throw new AxiosError(message, code, config);
    }
    hop.timeout = left;
    hop.timeoutErrorMessage = message;
  }
  return hop;
}

/**
 * A redirect's body is not the caller's: a buffered one is already read. A streamed one is read to
 * its end when it is small, so its connection goes back to the pool before the next hop asks for
 * one (and a cache under the follower stores it); one longer than `DRAIN_LIMIT`, by its
 * Content-Length or as it is read (chunked), is dropped with its connection.
 */
function discardBody(response: AxiosResponse): Promise<void> | undefined {
  const body = response.data as NodeJS.ReadableStream & { destroy?: () => void };
  if (body === null || typeof body !== 'object' || typeof body.pipe !== 'function') return undefined;
  const length = Number(response.headers['content-length']);
  if (Number.isFinite(length) && length > DRAIN_LIMIT) {
    body.destroy?.();
    return undefined;
  }
  return new Promise((resolve) => {
    let read = 0;
    body.on('data', (chunk: { length: number }) => {
      read += chunk.length;
      if (read > DRAIN_LIMIT) {
        body.destroy?.();
        resolve();
      }
    });
    body.once('end', resolve);
    body.once('close', resolve);
    body.once('error', resolve);
  });
}

/**
 * `response.request.res.responseUrl`, the final URL axios's follower gives and many callers read.
 * Without params the URL is a concatenation; with them, a getter, so only a caller who asks pays
 * for serialising them.
 */
function withResponseUrl(response: AxiosResponse, config: InternalAxiosRequestConfig): AxiosResponse {
  const res = (response.request as { res?: { responseUrl?: string } } | undefined)?.res;
  if (res === undefined || res === null) return response;
  if (config.params === undefined || config.params === null) {
    const url = requestUrl(config);
    if (url !== undefined) res.responseUrl = url;
    return response;
  }
  Object.defineProperty(res, 'responseUrl', { configurable: true, enumerable: true, get: () => requestUrl(config) });
  return response;
}

function setResponseUrl(response: AxiosResponse, url: string): void {
  const res = (response.request as { res?: object } | undefined)?.res;
  if (res !== undefined && res !== null) {
    Object.defineProperty(res, 'responseUrl', { configurable: true, enumerable: true, writable: true, value: url });
  }
}
