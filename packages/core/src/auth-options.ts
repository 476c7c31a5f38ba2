import type { InternalAxiosRequestConfig } from 'axios';
import { ConfigurationError } from './configuration-error';
import { describeValue } from './option-checks';

/**
 * Basic authentication, as axios spells it: sent as `Authorization: Basic base64(user:pass)`.
 *
 * @example
 * ```ts
 * createClient({ baseURL, auth: { username: 'ann', password: process.env.PW ?? '' } });
 * ```
 */
export interface BasicAuth {
  readonly username: string;
  readonly password: string;
}

/**
 * A token, or a function (possibly async) that returns the current one.
 *
 * @example
 * ```ts
 * const token: TokenSource = async () => (await vault.read('api-token')).value;
 * ```
 */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * Bearer authentication: `Authorization: Bearer <token>`. `token` is read on every attempt when it
 * is a function. `refresh`, when given, runs on a 401: once for any number of requests that failed
 * together; its result becomes the token and the failed requests are sent once more with it.
 *
 * @example
 * ```ts
 * createClient({ baseURL, auth: { type: 'bearer', token: () => store.token, refresh: () => login() } });
 * ```
 */
export interface BearerAuth {
  readonly type: 'bearer';
  readonly token: TokenSource;
  /** Gets a new token after a 401. Default: none (a 401 is final). */
  readonly refresh?: () => string | Promise<string>;
}

/**
 * An API key, sent as a header (`in: 'header'`, the default) or a query parameter (`in: 'query'`).
 * `name` is added to the redaction rules, so the key never appears in logs or error messages.
 *
 * @example
 * ```ts
 * createClient({ baseURL, auth: { type: 'apiKey', name: 'X-Api-Key', value: key } });
 * createClient({ baseURL, auth: { type: 'apiKey', name: 'api_key', value: key, in: 'query' } });
 * ```
 */
export interface ApiKeyAuth {
  readonly type: 'apiKey';
  readonly name: string;
  readonly value: string;
  /** Where the key goes. Default `'header'`. */
  readonly in?: 'header' | 'query';
}

/**
 * A custom authentication handler: changes the config (headers, params) of every attempt. As an
 * object it may have `refresh()`, which runs once on a 401 before the request is sent again.
 *
 * @example
 * ```ts
 * const hmac: AuthHandler = { apply(config) { config.headers.set('X-Signature', sign(config)); } };
 * ```
 */
export type AuthFunction = (
  config: InternalAxiosRequestConfig,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that sets headers in place returns nothing
) => void | InternalAxiosRequestConfig | Promise<void | InternalAxiosRequestConfig>;

/**
 * A custom handler as an object: `apply(config)` on every attempt, and an optional `refresh()` run
 * once on a 401 (for all requests that failed together) before they are sent again. Default: no refresh.
 *
 * @example
 * ```ts
 * const session: AuthHandler = {
 *   apply: (config) => void config.headers.set('X-Session', store.session),
 *   refresh: () => store.renew(),
 * };
 * ```
 */
export interface AuthHandler {
  apply: AuthFunction;
  refresh?: () => unknown;
}

/**
 * What `auth` accepts, on the client and per request: Basic (`{ username, password }`), bearer,
 * API key, a custom handler (a function or `{ apply }`), or `false` (per request: no credentials).
 */
export type AuthOption = BasicAuth | BearerAuth | ApiKeyAuth | AuthFunction | AuthHandler;

/** A checked `auth` value, in the one shape the credentials step reads. */
export type ResolvedAuth =
  | { readonly kind: 'basic'; readonly header: string; readonly source: object }
  | { readonly kind: 'bearer'; readonly source: BearerAuth }
  | { readonly kind: 'apiKey'; readonly source: ApiKeyAuth; readonly in: 'header' | 'query' }
  | { readonly kind: 'custom'; readonly source: AuthHandler | AuthFunction; readonly apply: AuthFunction };

const API_KEY_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Checks an `auth` value (client or per request). Returns `undefined` for `undefined`, `false` for
 * `false` (allowed per request only), else the resolved form. Failures name `option`.
 *
 * @example
 * ```ts
 * resolveAuth({ type: 'bearer', token: 't' }, 'auth'); // { kind: 'bearer', ... }
 * ```
 */
export function resolveAuth(value: unknown, option: string, allowFalse: boolean): ResolvedAuth | false | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === false && allowFalse) return false;
  if (typeof value === 'function')
    return { kind: 'custom', source: value as AuthFunction, apply: value as AuthFunction };
  if (typeof value !== 'object') fail(option, value, allowFalse);
  const v = value as Record<string, unknown>;
  if (v.type === undefined && typeof v.apply === 'function') {
    if (v.refresh !== undefined && typeof v.refresh !== 'function') {
      throw new ConfigurationError(`Invalid ${option}.refresh: expected a function; got ${describeValue(v.refresh)}`, {
        option: `${option}.refresh`,
      });
    }
    const handler = value as AuthHandler;
    return { kind: 'custom', source: handler, apply: (config) => handler.apply(config) };
  }
  if (v.type === undefined && ('username' in v || 'password' in v)) {
    if (typeof v.username !== 'string' || typeof v.password !== 'string') {
      throw new ConfigurationError(`Invalid ${option}: Basic auth needs a string username and a string password`, {
        option,
      });
    }
    const header = `Basic ${Buffer.from(`${v.username}:${v.password}`, 'utf8').toString('base64')}`;
    return { kind: 'basic', header, source: value as object };
  }
  if (v.type === 'bearer') {
    if (!(typeof v.token === 'string' && v.token !== '') && typeof v.token !== 'function') {
      throw new ConfigurationError(
        `Invalid ${option}.token: expected a non-empty string or a function returning one; got ${typeof v.token === 'string' ? 'an empty string' : describeValue(v.token)}`,
        { option: `${option}.token` },
      );
    }
    if (v.refresh !== undefined && typeof v.refresh !== 'function') {
      throw new ConfigurationError(`Invalid ${option}.refresh: expected a function returning the new token`, {
        option: `${option}.refresh`,
      });
    }
    return { kind: 'bearer', source: value as BearerAuth };
  }
  if (v.type === 'apiKey') {
    if (typeof v.name !== 'string' || !API_KEY_NAME.test(v.name)) {
      throw new ConfigurationError(
        `Invalid ${option}.name: expected a header or query parameter name; got ${describeValue(v.name)}`,
        { option: `${option}.name` },
      );
    }
    // The value is a secret: its content is never shown, only its type.
    if (typeof v.value !== 'string' || v.value === '') {
      throw new ConfigurationError(`Invalid ${option}.value: expected a non-empty string`, {
        option: `${option}.value`,
      });
    }
    const where = v.in ?? 'header';
    if (where !== 'header' && where !== 'query') {
      throw new ConfigurationError(`Invalid ${option}.in: expected "header" or "query"; got ${describeValue(where)}`, {
        option: `${option}.in`,
      });
    }
    return { kind: 'apiKey', source: value as ApiKeyAuth, in: where };
  }
  if (v.type !== undefined) {
    throw new ConfigurationError(
      `Invalid ${option}.type: expected "bearer" or "apiKey" (or { username, password } for Basic); got ${describeValue(v.type)}`,
      { option: `${option}.type` },
    );
  }
  fail(option, value, allowFalse);
}

function fail(option: string, value: unknown, allowFalse: boolean): never {
  throw new ConfigurationError(
    `Invalid ${option}: expected { username, password }, { type: 'bearer', token }, { type: 'apiKey', name, value }, a function or { apply }${allowFalse ? ', or false' : ''}; got ${typeof value === 'string' ? 'a string' : describeValue(value)}`,
    { option },
  );
}
