import {
  type AxleInstance,
  type AxlePlugin,
  ConfigurationError,
  definePlugin,
  isAuthenticationError,
  type PluginContext,
  requestUrl,
} from '@axle/core';
import axios, { type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { type DeviceAuthorization, deviceAuthorization } from './device-flow';
import { type LoopbackListener, startLoopback } from './loopback';
import { OAuth2FlowError } from './oauth2-error';
import { type OAuth2Options, type ResolvedOAuth2Options, resolveOAuth2Options } from './options';
import { createPkce, randomToken } from './pkce';
import { TokenEndpoint } from './token-endpoint';
import { type TokenInfo, TokenManager } from './token-manager';

/**
 * What `authorizationUrl()` returns for a headless authorization code flow.
 *
 * @example
 * ```ts
 * const { url, state } = await auth.authorizationUrl();
 * ```
 */
export interface AuthorizationRequest {
  /** Where the user signs in. */
  readonly url: string;
  /** The `state` in `url`; `exchangeCode` checks the redirect carries it. */
  readonly state: string;
  /** The redirect URI in `url`. */
  readonly redirectUri: string;
}

/**
 * The handle `oauth2()` returns: give it to `createClient({ plugins: [...] })`, keep it to run
 * interactive flows, read the token's state and revoke it.
 *
 * @example
 * ```ts
 * const auth = oauth2({ flow: 'device_code', issuer, clientId, onUserCode: ({ userCode, verificationUri }) =>
 *   console.log(`Open ${verificationUri} and enter ${userCode}`) });
 * const api = createClient({ baseURL, plugins: [auth] });
 * await auth.authorize();
 * ```
 */
export interface OAuth2Plugin extends AxlePlugin {
  readonly name: 'oauth2';
  readonly role: 'credentials';
  readonly key: 'auth';
  /** The options in use, defaults applied (secrets included: do not log it). */
  readonly options: ResolvedOAuth2Options;
  /**
   * Gets a token now. Authorization code flow: opens the loopback listener, calls `openBrowser`
   * with the authorization URL and waits for the redirect. Device flow: calls `onUserCode` and
   * polls. Other flows: runs the grant (or returns the current token).
   */
  authorize(): Promise<TokenInfo>;
  /** Headless authorization code flow: the URL to show, with PKCE and `state` (needs `redirectUri`). */
  authorizationUrl(): Promise<AuthorizationRequest>;
  /** Headless authorization code flow: exchanges the code (or the whole redirect URL) for a token. */
  exchangeCode(codeOrRedirectUrl: string): Promise<TokenInfo>;
  /** Device flow: starts an authorization and returns the user code; `wait()` polls for the token. */
  deviceAuthorization(): Promise<DeviceAuthorization>;
  /** The current access token value, refreshed if needed (for non-HTTP uses such as WebSockets). */
  getAccessToken(): Promise<string>;
  /** The current token's description (no token value), or `undefined` before the first one. */
  tokenInfo(): TokenInfo | undefined;
  /** Revokes the refresh and access tokens (RFC 7009) and forgets them. */
  revoke(): Promise<void>;
}

/** What one installation owns. */
interface Installed {
  readonly endpoint: TokenEndpoint;
  readonly manager: TokenManager;
  readonly listeners: Set<LoopbackListener>;
  readonly devices: Set<DeviceAuthorization>;
  readonly pending: Map<string, { verifier: string; redirectUri: string }>;
}

/** At most this many headless authorization requests wait for `exchangeCode` at once. */
const MAX_PENDING = 16;

/**
 * Creates the OAuth 2.0 plugin: it obtains an access token with the chosen grant, attaches it as
 * `Authorization: Bearer` to every request for the client's own origin (the `baseURL` origin plus
 * `origins`), refreshes it `refreshSkew` ms before expiry with one token request for any number
 * of concurrent requests, and answers a 401 with `WWW-Authenticate: Bearer error="invalid_token"`
 * with one refresh and one replay. Token requests use a plain HTTP client of their own: they
 * never pass through the client's rate limiter, cache or breaker.
 *
 * Defaults: `clientAuth: 'client_secret_basic'` with a secret (`'none'` without),
 * `refreshSkew: 60_000`, in-memory token store, `timeout: 30_000`, `authorizationTimeout:
 * 300_000`, `pollInterval: 5000`, `lockTimeout: 10_000`, loopback redirect
 * `http://127.0.0.1:<free port>/callback`. Invalid options throw a `ConfigurationError` here.
 * `auth: false` on a request sends it without a token.
 *
 * @example
 * ```ts
 * import { createClient } from '@axle/core';
 * import { oauth2 } from '@axle/oauth2';
 *
 * const auth = oauth2({ flow: 'client_credentials', tokenUrl, clientId, clientSecret, scope: 'api:read' });
 * const api = createClient({ baseURL: 'https://api.example.com', plugins: [auth] });
 * await api.get('/reports');
 * await auth.revoke();
 * await api.close();
 * ```
 */
export function oauth2(options: OAuth2Options): OAuth2Plugin {
  const resolved = resolveOAuth2Options(options);
  let installed: Installed | undefined;

  const need = (): Installed => {
    if (installed === undefined) {
      throw new OAuth2FlowError(
        'this oauth2() handle is not installed on an open client; pass it to createClient first',
        {
          code: 'ERR_OAUTH2_NOT_INSTALLED',
        },
      );
    }
    return installed;
  };

  const install = (ctx: PluginContext) => {
    if (installed !== undefined) {
      throw new Error(
        'this oauth2() handle is already installed on a client; create one handle per client (clients made by extend() share it already)',
      );
    }
    const origins = allowedOrigins(ctx.client, resolved);
    const endpoint = new TokenEndpoint(resolved);
    const manager = new TokenManager(resolved, endpoint, ctx.events);
    const own: Installed = { endpoint, manager, listeners: new Set(), devices: new Set(), pending: new Map() };
    installed = own;
    // The configs this installation put a token on (a config object lives for one request's attempts).
    const attached = new WeakSet<InternalAxiosRequestConfig>();

    const attaches = (config: InternalAxiosRequestConfig): boolean => {
      const url = requestUrl(config);
      if (url === undefined) return false;
      try {
        return origins.has(new URL(url).origin);
      } catch {
        return false;
      }
    };

    ctx.onConfig(async (config) => {
      if (!attaches(config)) {
        // A retry of a request whose URL changed must not keep a token it no longer may carry.
        if (attached.has(config)) config.headers.delete('Authorization');
        return config;
      }
      const token = await untilAborted(manager.token(), config);
      config.headers.set('Authorization', `${token.tokenType} ${token.accessToken}`);
      attached.add(config);
      return config;
    });

    ctx.wrap(async (config, next) => {
      if (!attached.has(config)) return next(config);
      let response: AxiosResponse;
      try {
        response = await next(config);
      } catch (error) {
        if (!isAuthenticationError(error) || !rejectsToken(error.response)) throw error;
        return replay(config, next);
      }
      // A 401 that validateStatus let through is still a rejected token.
      return response.status === 401 && rejectsToken(response) ? replay(config, next) : response;
    });

    const replay = async (
      config: InternalAxiosRequestConfig,
      next: (c: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
    ) => {
      const sent = String(config.headers.get('Authorization') ?? '');
      const rejected = sent.slice(sent.indexOf(' ') + 1);
      const token = await manager.replacing(rejected);
      config.headers.set('Authorization', `${token.tokenType} ${token.accessToken}`);
      return next(config);
    };

    return () => {
      if (installed === own) installed = undefined;
      for (const listener of own.listeners) listener.close();
      for (const device of own.devices) device.cancel();
      own.pending.clear();
      manager.close();
      endpoint.close();
    };
  };

  const authorizeWithBrowser = async (own: Installed): Promise<TokenInfo> => {
    const endpoints = await own.endpoint.endpoints();
    const authorizationUrl = requireUrl(endpoints.authorizationUrl, 'authorizationUrl', 'authorization_endpoint');
    if (resolved.openBrowser === undefined) {
      throw new ConfigurationError(
        'oauth2.openBrowser is required by authorize() in the authorization_code flow (or use authorizationUrl() and exchangeCode() headless)',
        { option: 'oauth2.openBrowser' },
      );
    }
    const pkce = createPkce();
    const state = randomToken();
    const listener = await startLoopback(
      resolved.redirectPort,
      resolved.redirectPath,
      state,
      resolved.authorizationTimeout,
    );
    own.listeners.add(listener);
    try {
      const url = buildAuthorizationUrl(authorizationUrl, resolved, listener.redirectUri, state, pkce.challenge);
      await resolved.openBrowser(url);
      const { code } = await listener.result;
      return await exchange(own, code, pkce.verifier, listener.redirectUri);
    } finally {
      listener.close();
      own.listeners.delete(listener);
    }
  };

  const exchange = async (own: Installed, code: string, verifier: string, redirectUri: string): Promise<TokenInfo> => {
    const params = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier };
    const response = await own.manager.request(params, [code, verifier]);
    await own.manager.save(response, 'authorization_code');
    return own.manager.info() as TokenInfo;
  };

  const startDevice = async (own: Installed): Promise<DeviceAuthorization> => {
    const params: Record<string, string> = resolved.scope === undefined ? {} : { scope: resolved.scope };
    const response = await own.endpoint.deviceAuthorization(params);
    const device = deviceAuthorization(response, resolved, own.endpoint, own.manager, (d) => own.devices.delete(d));
    own.devices.add(device);
    return device;
  };

  return definePlugin({
    name: 'oauth2' as const,
    role: 'credentials' as const,
    key: 'auth' as const,
    options: resolved,
    install,
    async authorize() {
      const own = need();
      if (resolved.flow === 'authorization_code') return authorizeWithBrowser(own);
      if (resolved.flow === 'device_code') {
        const device = await startDevice(own);
        await resolved.onUserCode?.({
          userCode: device.userCode,
          verificationUri: device.verificationUri,
          verificationUriComplete: device.verificationUriComplete,
          expiresAt: device.expiresAt,
        });
        return device.wait();
      }
      await own.manager.token();
      return own.manager.info() as TokenInfo;
    },
    async authorizationUrl() {
      const own = need();
      flowMustBe(resolved, 'authorization_code', 'authorizationUrl()');
      const redirectUri = resolved.redirectUri;
      if (redirectUri === undefined) {
        throw new ConfigurationError(
          'oauth2.redirectUri is required by authorizationUrl() (the registered redirect URI)',
          {
            option: 'oauth2.redirectUri',
          },
        );
      }
      const endpoints = await own.endpoint.endpoints();
      const base = requireUrl(endpoints.authorizationUrl, 'authorizationUrl', 'authorization_endpoint');
      const pkce = createPkce();
      const state = randomToken();
      own.pending.set(state, { verifier: pkce.verifier, redirectUri });
      // Abandoned requests must not pile up.
      if (own.pending.size > MAX_PENDING) own.pending.delete(own.pending.keys().next().value as string);
      return { url: buildAuthorizationUrl(base, resolved, redirectUri, state, pkce.challenge), state, redirectUri };
    },
    async exchangeCode(codeOrRedirectUrl: string) {
      const own = need();
      flowMustBe(resolved, 'authorization_code', 'exchangeCode()');
      let code = codeOrRedirectUrl;
      let state: string | undefined;
      if (/^https?:\/\//i.test(codeOrRedirectUrl)) {
        const params = new URL(codeOrRedirectUrl).searchParams;
        const error = params.get('error');
        if (error !== null) {
          const description = params.get('error_description') ?? undefined;
          throw new OAuth2FlowError(`OAuth2 authorization failed (${error}${description ? `: ${description}` : ''})`, {
            code: 'ERR_OAUTH2_AUTHORIZATION',
            oauthError: error,
            ...(description === undefined ? {} : { oauthErrorDescription: description }),
          });
        }
        code = params.get('code') ?? '';
        state = params.get('state') ?? '';
      }
      if (code === '')
        throw new OAuth2FlowError('OAuth2 exchangeCode(): no authorization code given', {
          code: 'ERR_OAUTH2_AUTHORIZATION',
        });
      // A bare code belongs to the latest request; a redirect URL names its own by `state`.
      const key = state ?? [...own.pending.keys()].pop();
      const pending = key === undefined ? undefined : own.pending.get(key);
      if (pending === undefined || key === undefined) {
        throw new OAuth2FlowError(
          state === undefined
            ? 'OAuth2 exchangeCode(): no authorization request is pending (call authorizationUrl() first)'
            : 'OAuth2 exchangeCode(): the redirect state matches no pending authorization request',
          { code: 'ERR_OAUTH2_STATE' },
        );
      }
      own.pending.delete(key);
      return exchange(own, code, pending.verifier, pending.redirectUri);
    },
    async deviceAuthorization() {
      const own = need();
      flowMustBe(resolved, 'device_code', 'deviceAuthorization()');
      return startDevice(own);
    },
    async getAccessToken() {
      return (await need().manager.token()).accessToken;
    },
    tokenInfo() {
      return installed?.manager.info();
    },
    async revoke() {
      await need().manager.revoke();
    },
  });
}

/**
 * `promise`, or a `CanceledError` as soon as the request's `signal` aborts: a caller that gives
 * up does not wait for a slow token endpoint (the token request goes on for the others).
 */
function untilAborted<T>(promise: Promise<T>, config: InternalAxiosRequestConfig): Promise<T> {
  const signal = config.signal as AbortSignal | undefined;
  if (signal === undefined || typeof signal.addEventListener !== 'function') return promise;
  const canceled = () => new axios.CanceledError(undefined, undefined, config);
  if (signal.aborted) return Promise.reject(canceled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(canceled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Whether a 401 says the token itself was rejected (RFC 6750 §3.1 `invalid_token`). */
function rejectsToken(response: AxiosResponse | undefined): boolean {
  const header = response?.headers?.['www-authenticate'];
  const text = Array.isArray(header) ? header.join(', ') : typeof header === 'string' ? header : '';
  return /\bBearer\b/i.test(text) && /\berror\s*=\s*"?invalid_token"?/i.test(text);
}

function allowedOrigins(client: AxleInstance, options: ResolvedOAuth2Options): Set<string> {
  const origins = new Set(options.origins);
  const baseURL = client.defaults.baseURL;
  if (typeof baseURL === 'string' && baseURL !== '') {
    try {
      origins.add(new URL(baseURL).origin);
    } catch {
      // A relative baseURL has no origin of its own; only `origins` then receive the token.
    }
  }
  if (origins.size === 0) {
    throw new Error(
      "oauth2 needs the client's baseURL (an absolute URL) or the origins option: the token is only sent to those origins",
    );
  }
  return origins;
}

function requireUrl(url: string | undefined, option: string, metadata: string): string {
  if (url === undefined) {
    throw new ConfigurationError(
      `oauth2.${option} is required for this call (give it, or an issuer whose metadata has ${metadata})`,
      {
        option: `oauth2.${option}`,
      },
    );
  }
  return url;
}

function flowMustBe(options: ResolvedOAuth2Options, flow: ResolvedOAuth2Options['flow'], call: string): void {
  if (options.flow !== flow) {
    throw new ConfigurationError(`${call} needs oauth2.flow '${flow}'; this handle uses '${options.flow}'`, {
      option: 'oauth2.flow',
    });
  }
}

function buildAuthorizationUrl(
  base: string,
  options: ResolvedOAuth2Options,
  redirectUri: string,
  state: string,
  challenge: string,
): string {
  const url = new URL(base);
  const params = url.searchParams;
  for (const [name, value] of Object.entries(options.authorizationParams)) params.set(name, value);
  params.set('response_type', 'code');
  params.set('client_id', options.clientId);
  params.set('redirect_uri', redirectUri);
  if (options.scope !== undefined) params.set('scope', options.scope);
  params.set('state', state);
  params.set('code_challenge', challenge);
  params.set('code_challenge_method', 'S256');
  return url.toString();
}
