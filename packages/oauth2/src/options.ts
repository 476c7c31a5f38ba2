import { ConfigurationError, checkOptionKeys, invalidOption } from '@axle/core';
import type { TokenStore } from './token-store';

/**
 * The OAuth 2.0 grants `oauth2()` can run. `password` is legacy (RFC 9700 forbids it): use it
 * only for first-party clients that cannot move to another flow.
 *
 * @example
 * ```ts
 * const flow: OAuth2Flow = 'device_code';
 * ```
 */
export type OAuth2Flow =
  | 'client_credentials'
  | 'refresh_token'
  | 'authorization_code'
  | 'device_code'
  | 'password'
  | 'jwt_bearer';

/**
 * How the client authenticates to the token endpoint (RFC 6749 §2.3, OpenID Connect names).
 * Default: `'client_secret_basic'` with a secret, `'none'` without.
 *
 * @example
 * ```ts
 * oauth2({ flow: 'client_credentials', tokenUrl, clientId, clientSecret, clientAuth: 'client_secret_post' });
 * ```
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/**
 * The claims axle proposes for a JWT bearer assertion (RFC 7523 §3); the signer may change them.
 * Times are seconds since the epoch, as in JWTs.
 *
 * @example
 * ```ts
 * const signAssertion = (claims: JwtBearerClaims) => jwt.sign(claims, privateKey, { algorithm: 'RS256' });
 * ```
 */
export interface JwtBearerClaims {
  /** `issuer` option of the assertion, default the client ID. */
  iss: string;
  /** The subject (`assertionSubject`), default the client ID. */
  sub: string;
  /** The token endpoint URL. */
  aud: string;
  iat: number;
  exp: number;
  /** A random ID, new for every assertion. */
  jti: string;
}

/**
 * What the device flow shows the user: a code and where to enter it (RFC 8628 §3.2).
 *
 * @example
 * ```ts
 * const onUserCode = ({ userCode, verificationUri }: DeviceUserCode) => console.log(`Open ${verificationUri}, enter ${userCode}`);
 * ```
 */
export interface DeviceUserCode {
  readonly userCode: string;
  readonly verificationUri: string;
  /** The URI with the code filled in, when the server sent one (for a QR code). */
  readonly verificationUriComplete: string | undefined;
  /** Ms since the epoch after which the code is no longer valid. */
  readonly expiresAt: number;
}

/**
 * Options of `oauth2()`. Durations are milliseconds.
 *
 * @example
 * ```ts
 * const options: OAuth2Options = { flow: 'client_credentials', tokenUrl, clientId, clientSecret, scope: 'api:read' };
 * ```
 */
export interface OAuth2Options {
  /** The grant used to obtain tokens. Required. */
  flow: OAuth2Flow;
  /** The client ID. Required. */
  clientId: string;
  /** The client secret; without one the client is public (`clientAuth: 'none'`). */
  clientSecret?: string;
  /** Default: `'client_secret_basic'` with a `clientSecret`, `'none'` without. */
  clientAuth?: ClientAuthMethod;
  /**
   * The authorization server's issuer: its metadata (`/.well-known/openid-configuration`, then
   * RFC 8414's `/.well-known/oauth-authorization-server`) supplies the endpoint URLs not given.
   */
  issuer?: string;
  /** The token endpoint. Required unless `issuer` is given. */
  tokenUrl?: string;
  /** The authorization endpoint (authorization code flow). Default: from discovery. */
  authorizationUrl?: string;
  /** The device authorization endpoint (device flow). Default: from discovery. */
  deviceAuthorizationUrl?: string;
  /** The revocation endpoint (RFC 7009), for `revoke()`. Default: from discovery. */
  revocationUrl?: string;
  /** Scopes requested: a space-separated string or a list. Default: none (the server's default). */
  scope?: string | readonly string[];
  /** More parameters for every token request (`audience`, `resource`). Default: none. */
  tokenParams?: Readonly<Record<string, string>>;
  /** More parameters for the authorization URL (`prompt`, `login_hint`). Default: none. */
  authorizationParams?: Readonly<Record<string, string>>;
  /** `refresh_token` flow: the refresh token to start from (a rotated one replaces it). */
  refreshToken?: string;
  /** `password` flow (legacy): the resource owner's user name. */
  username?: string;
  /** `password` flow (legacy): the resource owner's password. */
  password?: string;
  /** `jwt_bearer` flow: signs the claims and returns the compact JWT (RFC 7523). */
  signAssertion?: (claims: JwtBearerClaims) => string | Promise<string>;
  /** `jwt_bearer` flow: the assertion's `sub`. Default: the client ID. */
  assertionSubject?: string;
  /** `jwt_bearer` flow: how long an assertion is valid. Default: 300_000. */
  assertionLifetime?: number;
  /** Authorization code flow: the loopback redirect port on 127.0.0.1. Default: 0 (any free port). */
  redirectPort?: number;
  /** Authorization code flow: the loopback redirect path. Default: `'/callback'`. */
  redirectPath?: string;
  /** Authorization code flow, headless: the registered redirect URI used by `authorizationUrl()`. */
  redirectUri?: string;
  /** Authorization code flow: opens the authorization URL for the user (a browser). Default: none. */
  openBrowser?: (url: string) => void | Promise<void>;
  /** Device flow: shows the user code and verification URI to the user. Default: none. */
  onUserCode?: (code: DeviceUserCode) => void | Promise<void>;
  /** Interactive flows: how long to wait for the user. Default: 300_000. */
  authorizationTimeout?: number;
  /** Device flow: polling interval when the server sends none. Default: 5000. */
  pollInterval?: number;
  /** Refresh this long before the token expires. Default: 60_000. */
  refreshSkew?: number;
  /** Where tokens live. Default: in memory, per handle. A Keyv store shares them between processes. */
  store?: TokenStore;
  /** The key of the token in `store`. Default: `oauth2:<token URL or issuer>:<clientId>:<flow>:<scope>`. */
  storeKey?: string;
  /** With a shared store: how long the refresh lock is held at most. Default: 10_000. */
  lockTimeout?: number;
  /** Timeout of each token endpoint request. Default: 30_000. */
  timeout?: number;
  /**
   * Origins (`https://api.example.com`) that receive the token besides the client's `baseURL`
   * origin. Default: none. Requests to any other origin are sent without it.
   */
  origins?: readonly string[];
}

/**
 * `OAuth2Options` after checks and defaults (`auth.options`). It holds the secrets: do not log it.
 *
 * @example
 * ```ts
 * auth.options.refreshSkew; // 60000
 * ```
 */
export interface ResolvedOAuth2Options {
  readonly flow: OAuth2Flow;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly clientAuth: ClientAuthMethod;
  readonly issuer: string | undefined;
  readonly tokenUrl: string | undefined;
  readonly authorizationUrl: string | undefined;
  readonly deviceAuthorizationUrl: string | undefined;
  readonly revocationUrl: string | undefined;
  readonly scope: string | undefined;
  readonly tokenParams: Readonly<Record<string, string>>;
  readonly authorizationParams: Readonly<Record<string, string>>;
  readonly refreshToken: string | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly signAssertion: ((claims: JwtBearerClaims) => string | Promise<string>) | undefined;
  readonly assertionSubject: string | undefined;
  readonly assertionLifetime: number;
  readonly redirectPort: number;
  readonly redirectPath: string;
  readonly redirectUri: string | undefined;
  readonly openBrowser: ((url: string) => void | Promise<void>) | undefined;
  readonly onUserCode: ((code: DeviceUserCode) => void | Promise<void>) | undefined;
  readonly authorizationTimeout: number;
  readonly pollInterval: number;
  readonly refreshSkew: number;
  readonly store: TokenStore | undefined;
  readonly storeKey: string;
  readonly lockTimeout: number;
  readonly timeout: number;
  readonly origins: readonly string[];
}

/**
 * The defaults of `oauth2()`'s options (ms for durations).
 *
 * @example
 * ```ts
 * DEFAULT_OAUTH2_OPTIONS.refreshSkew; // 60000
 * ```
 */
export const DEFAULT_OAUTH2_OPTIONS = Object.freeze({
  assertionLifetime: 300_000,
  redirectPort: 0,
  redirectPath: '/callback',
  authorizationTimeout: 300_000,
  pollInterval: 5000,
  refreshSkew: 60_000,
  lockTimeout: 10_000,
  timeout: 30_000,
});

const FLOWS: readonly OAuth2Flow[] = [
  'client_credentials',
  'refresh_token',
  'authorization_code',
  'device_code',
  'password',
  'jwt_bearer',
];
const AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

const KNOWN_KEYS: readonly (keyof OAuth2Options)[] = [
  'flow',
  'clientId',
  'clientSecret',
  'clientAuth',
  'issuer',
  'tokenUrl',
  'authorizationUrl',
  'deviceAuthorizationUrl',
  'revocationUrl',
  'scope',
  'tokenParams',
  'authorizationParams',
  'refreshToken',
  'username',
  'password',
  'signAssertion',
  'assertionSubject',
  'assertionLifetime',
  'redirectPort',
  'redirectPath',
  'redirectUri',
  'openBrowser',
  'onUserCode',
  'authorizationTimeout',
  'pollInterval',
  'refreshSkew',
  'store',
  'storeKey',
  'lockTimeout',
  'timeout',
  'origins',
];

// The usual names of other libraries (and the OAuth parameter names) for the same options.
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['granttype', 'flow'],
  ['tokenendpoint', 'tokenUrl'],
  ['authorizationendpoint', 'authorizationUrl'],
  ['authurl', 'authorizationUrl'],
  ['deviceauthorizationendpoint', 'deviceAuthorizationUrl'],
  ['revocationendpoint', 'revocationUrl'],
  ['tokenendpointauthmethod', 'clientAuth'],
  ['scopes', 'scope'],
  ['redirecturl', 'redirectUri'],
  ['skew', 'refreshSkew'],
  ['audience', 'tokenParams'],
]);

/**
 * Checks `oauth2()`'s options and applies defaults; throws a `ConfigurationError` naming the
 * option at fault (with a suggestion for a mistyped name).
 *
 * @example
 * ```ts
 * resolveOAuth2Options({ flow: 'client_credentials', tokenUrl, clientId: 'id', clientSecret: 's' }).clientAuth;
 * // 'client_secret_basic'
 * ```
 */
export function resolveOAuth2Options(options: OAuth2Options): ResolvedOAuth2Options {
  checkOptionKeys(options, KNOWN_KEYS, 'oauth2', ALIASES);
  const o = options;
  const d = DEFAULT_OAUTH2_OPTIONS;
  if (!FLOWS.includes(o.flow)) fail('flow', `one of ${FLOWS.map((f) => `'${f}'`).join(', ')}`, o.flow);
  if (typeof o.clientId !== 'string' || o.clientId === '') fail('clientId', 'a non-empty string', o.clientId);
  const clientSecret = optionalString(o, 'clientSecret');
  if (o.clientAuth !== undefined && !AUTH_METHODS.includes(o.clientAuth)) {
    fail('clientAuth', `one of ${AUTH_METHODS.map((m) => `'${m}'`).join(', ')}`, o.clientAuth);
  }
  const clientAuth = o.clientAuth ?? (clientSecret === undefined ? 'none' : 'client_secret_basic');
  if (clientAuth !== 'none' && clientSecret === undefined) {
    misplaced(
      'clientSecret',
      `is required with clientAuth '${clientAuth}' (use clientAuth: 'none' for a public client)`,
    );
  }
  if (o.flow === 'client_credentials' && clientAuth === 'none') {
    misplaced('clientSecret', 'is required by the client_credentials flow (only confidential clients may use it)');
  }

  const issuer = optionalUrl(o, 'issuer');
  const tokenUrl = optionalUrl(o, 'tokenUrl');
  if (issuer === undefined && tokenUrl === undefined)
    misplaced('tokenUrl', 'is required (or give issuer to discover it)');

  const scopeValue = o.scope;
  let scope: string | undefined;
  if (typeof scopeValue === 'string') scope = scopeValue.trim() || undefined;
  else if (Array.isArray(scopeValue) && scopeValue.every((s) => typeof s === 'string')) {
    scope = scopeValue.join(' ').trim() || undefined;
  } else if (scopeValue !== undefined) fail('scope', 'a space-separated string or an array of strings', scopeValue);

  const refreshToken = optionalString(o, 'refreshToken');
  if (o.flow === 'refresh_token' && refreshToken === undefined) {
    misplaced('refreshToken', 'is required by the refresh_token flow (the token to start from)');
  }
  const username = optionalString(o, 'username');
  const password = optionalString(o, 'password');
  if (o.flow === 'password' && (username === undefined || password === undefined)) {
    misplaced(username === undefined ? 'username' : 'password', 'is required by the password flow');
  }
  if (o.signAssertion !== undefined && typeof o.signAssertion !== 'function') {
    fail('signAssertion', 'a function (claims) => compact JWT', o.signAssertion);
  }
  if (o.flow === 'jwt_bearer' && o.signAssertion === undefined) {
    misplaced('signAssertion', 'is required by the jwt_bearer flow (axle signs nothing itself)');
  }
  for (const key of ['openBrowser', 'onUserCode'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') fail(key, 'a function', o[key]);
  }
  const redirectPort = o.redirectPort ?? d.redirectPort;
  if (!Number.isInteger(redirectPort) || redirectPort < 0 || redirectPort > 65535) {
    fail('redirectPort', 'an integer port from 0 (any free port) to 65535', redirectPort);
  }
  const redirectPath = o.redirectPath ?? d.redirectPath;
  if (typeof redirectPath !== 'string' || !redirectPath.startsWith('/')) {
    fail('redirectPath', "a path starting with '/'", redirectPath);
  }
  const store = o.store;
  if (
    store !== undefined &&
    (store === null ||
      typeof store !== 'object' ||
      typeof store.get !== 'function' ||
      typeof store.set !== 'function' ||
      typeof store.delete !== 'function')
  ) {
    fail('store', 'a token store with get, set and delete (a Keyv instance fits)', store);
  }
  const origins = (o.origins ?? []).map((origin, i) => {
    try {
      const url = new URL(origin);
      if (url.origin === 'null') throw new Error('opaque');
      return url.origin;
    } catch {
      return fail(`origins[${i}]`, "an absolute http(s) origin such as 'https://api.example.com'", origin);
    }
  });
  for (const key of ['tokenParams', 'authorizationParams'] as const) {
    const params = o[key];
    if (params === undefined) continue;
    if (
      params === null ||
      typeof params !== 'object' ||
      Object.values(params).some((v: unknown) => typeof v !== 'string')
    ) {
      fail(key, 'an object of string parameters', params);
    }
  }

  const resolved: ResolvedOAuth2Options = {
    flow: o.flow,
    clientId: o.clientId,
    clientSecret,
    clientAuth,
    issuer: issuer?.replace(/\/+$/, ''),
    tokenUrl,
    authorizationUrl: optionalUrl(o, 'authorizationUrl'),
    deviceAuthorizationUrl: optionalUrl(o, 'deviceAuthorizationUrl'),
    revocationUrl: optionalUrl(o, 'revocationUrl'),
    scope,
    tokenParams: { ...(o.tokenParams ?? {}) },
    authorizationParams: { ...(o.authorizationParams ?? {}) },
    refreshToken,
    username,
    password,
    signAssertion: o.signAssertion,
    assertionSubject: optionalString(o, 'assertionSubject'),
    assertionLifetime: duration(o, 'assertionLifetime', d.assertionLifetime, 1000),
    redirectPort,
    redirectPath,
    redirectUri: optionalUrl(o, 'redirectUri'),
    openBrowser: o.openBrowser,
    onUserCode: o.onUserCode,
    authorizationTimeout: duration(o, 'authorizationTimeout', d.authorizationTimeout, 1),
    pollInterval: duration(o, 'pollInterval', d.pollInterval, 0),
    refreshSkew: duration(o, 'refreshSkew', d.refreshSkew, 0),
    store,
    storeKey:
      optionalString(o, 'storeKey') ??
      `oauth2:${tokenUrl ?? issuer}:${o.clientId}:${o.flow}:${scope ?? ''}${o.flow === 'password' ? `:${username}` : ''}`,
    lockTimeout: duration(o, 'lockTimeout', d.lockTimeout, 100),
    timeout: duration(o, 'timeout', d.timeout, 1),
    origins,
  };
  return Object.freeze(resolved);
}

function optionalString<K extends keyof OAuth2Options>(o: OAuth2Options, key: K): string | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') fail(key, 'a non-empty string', value);
  return value as string;
}

function optionalUrl<K extends keyof OAuth2Options>(o: OAuth2Options, key: K): string | undefined {
  const value = optionalString(o, key);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(key, 'an absolute http(s) URL', value);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(key, 'an absolute http(s) URL', value);
  return value;
}

function duration<K extends keyof OAuth2Options>(o: OAuth2Options, key: K, fallback: number, min: number): number {
  const value = o[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    fail(key, `a number of milliseconds >= ${min}`, value);
  }
  return value as number;
}

function fail(option: string, expected: string, got: unknown): never {
  throw invalidOption(`oauth2.${option}`, expected, got);
}

function misplaced(option: string, why: string): never {
  throw new ConfigurationError(`oauth2.${option} ${why}`, { option: `oauth2.${option}` });
}
