import http from 'node:http';
import https from 'node:https';
import { ConfigurationError, createHTTPError, REDACTED, redactHeaders, toClientError } from '@axle/core';
import axios, {
  AxiosError,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { OAuth2Error, OAuth2FlowError } from './oauth2-error';
import type { ResolvedOAuth2Options } from './options';

/** The endpoint URLs in use, from the options or the issuer's metadata. */
export interface OAuth2Endpoints {
  readonly tokenUrl: string;
  readonly authorizationUrl: string | undefined;
  readonly deviceAuthorizationUrl: string | undefined;
  readonly revocationUrl: string | undefined;
}

/** A successful token response (RFC 6749 §5.1), as the server sent it. */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type?: string;
  readonly expires_in?: number | string;
  readonly refresh_token?: string;
  readonly scope?: string;
  readonly id_token?: string;
}

/** A device authorization response (RFC 8628 §3.2). */
export interface DeviceAuthorizationResponse {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri: string;
  readonly verification_uri_complete?: string;
  readonly expires_in: number;
  readonly interval?: number;
}

// Parameter names whose values are secrets: never shown in an error's config.
const SECRET_PARAMS = new Set([
  'client_secret',
  'refresh_token',
  'code',
  'code_verifier',
  'password',
  'assertion',
  'client_assertion',
  'device_code',
  'token',
]);

/**
 * Talks to the authorization server: discovery, token, device authorization and revocation
 * requests. It owns a plain axios instance, so these requests never pass through the API
 * client's plugins (limiter, cache, breaker) or its credentials, and never follow redirects, so
 * client credentials only reach the endpoint's own origin.
 */
export class TokenEndpoint {
  readonly #options: ResolvedOAuth2Options;
  readonly #http: AxiosInstance;
  readonly #agents: (http.Agent | https.Agent)[];
  #endpoints: Promise<OAuth2Endpoints> | undefined;

  constructor(options: ResolvedOAuth2Options) {
    this.#options = options;
    const httpAgent = new http.Agent({ keepAlive: true });
    const httpsAgent = new https.Agent({ keepAlive: true });
    this.#agents = [httpAgent, httpsAgent];
    this.#http = axios.create({
      timeout: options.timeout,
      maxRedirects: 0,
      validateStatus: () => true,
      httpAgent,
      httpsAgent,
      headers: { Accept: 'application/json' },
    });
  }

  /** The endpoint URLs; runs discovery once when `issuer` is given (a failure is retried next time). */
  endpoints(): Promise<OAuth2Endpoints> {
    if (this.#endpoints === undefined) {
      const o = this.#options;
      const promise =
        o.issuer === undefined
          ? Promise.resolve<OAuth2Endpoints>({
              tokenUrl: o.tokenUrl as string,
              authorizationUrl: o.authorizationUrl,
              deviceAuthorizationUrl: o.deviceAuthorizationUrl,
              revocationUrl: o.revocationUrl,
            })
          : this.#discover(o.issuer);
      this.#endpoints = promise;
      promise.catch(() => {
        if (this.#endpoints === promise) this.#endpoints = undefined;
      });
    }
    return this.#endpoints;
  }

  /** Sends a token request with client authentication; resolves with the server's token response. */
  async token(params: Record<string, string>, secrets: readonly string[]): Promise<TokenResponse> {
    const { tokenUrl } = await this.endpoints();
    const response = await this.#post(tokenUrl, { ...this.#options.tokenParams, ...params });
    const data = response.data as Partial<TokenResponse> | undefined;
    if (response.status >= 200 && response.status < 300) {
      if (data && typeof data === 'object' && typeof data.access_token === 'string' && data.access_token !== '') {
        return data as TokenResponse;
      }
      throw this.#oauthError(response, params.grant_type, secrets, 'Token response has no access_token');
    }
    throw this.#failure(response, params.grant_type, secrets);
  }

  /** Starts a device authorization (RFC 8628 §3.1). */
  async deviceAuthorization(params: Record<string, string>): Promise<DeviceAuthorizationResponse> {
    const endpoints = await this.endpoints();
    const url = this.#sameOrigin(endpoints, 'deviceAuthorizationUrl', 'device_authorization_endpoint');
    const response = await this.#post(url, params);
    const data = response.data as Partial<DeviceAuthorizationResponse> | undefined;
    if (response.status >= 200 && response.status < 300) {
      if (
        data &&
        typeof data === 'object' &&
        typeof data.device_code === 'string' &&
        typeof data.user_code === 'string' &&
        typeof data.verification_uri === 'string'
      ) {
        return data as DeviceAuthorizationResponse;
      }
      throw this.#oauthError(
        response,
        undefined,
        [],
        'Device authorization response lacks device_code, user_code or verification_uri',
      );
    }
    throw this.#failure(response, undefined, []);
  }

  /** Revokes a token (RFC 7009 §2.1); the server answers 200 even for unknown tokens. */
  async revoke(token: string, hint: 'access_token' | 'refresh_token'): Promise<void> {
    const endpoints = await this.endpoints();
    const url = this.#sameOrigin(endpoints, 'revocationUrl', 'revocation_endpoint');
    const response = await this.#post(url, { token, token_type_hint: hint });
    if (response.status >= 200 && response.status < 300) return;
    throw this.#failure(response, undefined, [token]);
  }

  /** Releases the keep-alive sockets of token requests. */
  close(): void {
    for (const agent of this.#agents) agent.destroy();
  }

  async #post(url: string, params: Record<string, string>): Promise<AxiosResponse> {
    const o = this.#options;
    const body: Record<string, string> = { ...params };
    const headers = new AxiosHeaders({ 'Content-Type': 'application/x-www-form-urlencoded' });
    if (o.clientAuth === 'client_secret_basic') {
      const user = formEncode(o.clientId);
      const pass = formEncode(o.clientSecret as string);
      headers.set('Authorization', `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`);
    } else {
      body.client_id = o.clientId;
      if (o.clientAuth === 'client_secret_post') body.client_secret = o.clientSecret as string;
    }
    try {
      return await this.#http.post(url, new URLSearchParams(body).toString(), { headers });
    } catch (error) {
      const safe = safeConfig(url, body, headers);
      if (error instanceof AxiosError) {
        error.config = safe;
        error.response = undefined;
      }
      throw toClientError(error, safe);
    }
  }

  #failure(response: AxiosResponse, grantType: string | undefined, secrets: readonly string[]): Error {
    const data = response.data as { error?: unknown } | undefined;
    if (
      response.status >= 400 &&
      response.status < 500 &&
      data &&
      typeof data === 'object' &&
      typeof data.error === 'string'
    ) {
      return this.#oauthError(response, grantType, secrets);
    }
    const safe = scrubbed(response);
    return createHTTPError(safe, { config: safe.config });
  }

  #oauthError(
    response: AxiosResponse,
    grantType: string | undefined,
    secrets: readonly string[],
    problem?: string,
  ): OAuth2Error {
    const o = this.#options;
    secrets = [...secrets, ...[o.clientSecret, o.password].filter((s): s is string => s !== undefined)];
    const data = (response.data ?? {}) as Record<string, unknown>;
    const error = typeof data.error === 'string' ? clean(data.error, secrets, 64) : undefined;
    const description =
      typeof data.error_description === 'string' ? clean(data.error_description, secrets, 300) : undefined;
    const what = grantType ? `OAuth2 ${grantType} token request failed` : 'OAuth2 request failed';
    const detail = problem ?? [error, description].filter((s) => s !== undefined).join(': ');
    const safe = scrubbed(response);
    return new OAuth2Error(`${what}${detail ? ` (${detail})` : ''}`, {
      response: safe,
      config: safe.config,
      code: 'ERR_OAUTH2',
      ...(error === undefined ? {} : { oauthError: error }),
      ...(description === undefined ? {} : { oauthErrorDescription: description }),
      ...(typeof data.error_uri === 'string' ? { oauthErrorUri: clean(data.error_uri, secrets, 300) } : {}),
      ...(grantType === undefined ? {} : { grantType }),
    });
  }

  #sameOrigin(
    endpoints: OAuth2Endpoints,
    option: 'deviceAuthorizationUrl' | 'revocationUrl',
    metadata: string,
  ): string {
    const url = endpoints[option];
    if (url === undefined) {
      throw new ConfigurationError(
        `oauth2.${option} is required for this call (give it, or an issuer whose metadata has ${metadata})`,
        { option: `oauth2.${option}` },
      );
    }
    // Client credentials go to the token endpoint's origin only.
    if (this.#options.clientAuth !== 'none' && new URL(url).origin !== new URL(endpoints.tokenUrl).origin) {
      throw new ConfigurationError(
        `oauth2.${option} must be on the token endpoint's origin (${new URL(endpoints.tokenUrl).origin}): client credentials are sent only there`,
        { option: `oauth2.${option}` },
      );
    }
    return url;
  }

  async #discover(issuer: string): Promise<OAuth2Endpoints> {
    const o = this.#options;
    const parsed = new URL(issuer);
    const path = parsed.pathname.replace(/\/+$/, '');
    const candidates = [
      `${issuer}/.well-known/openid-configuration`,
      `${parsed.origin}/.well-known/oauth-authorization-server${path}`,
    ];
    let lastProblem = '';
    let lastCause: unknown;
    for (const url of candidates) {
      let response: AxiosResponse;
      try {
        response = await this.#http.get(url);
      } catch (error) {
        lastCause = toClientError(error);
        lastProblem = 'the server could not be reached';
        continue;
      }
      const data = response.data as Record<string, unknown> | undefined;
      if (response.status !== 200 || !data || typeof data !== 'object') {
        lastProblem = `${url} answered ${response.status}`;
        continue;
      }
      // RFC 8414 §3.3: metadata for another issuer must not be used.
      if (typeof data.issuer !== 'string' || data.issuer.replace(/\/+$/, '') !== issuer) {
        throw new OAuth2FlowError(
          `OAuth2 discovery: the metadata's issuer (${String(data.issuer)}) is not the configured issuer`,
          { code: 'ERR_OAUTH2_DISCOVERY', method: 'GET', url },
        );
      }
      const tokenUrl = o.tokenUrl ?? stringField(data, 'token_endpoint');
      if (tokenUrl === undefined) {
        throw new OAuth2FlowError('OAuth2 discovery: the metadata has no token_endpoint', {
          code: 'ERR_OAUTH2_DISCOVERY',
          method: 'GET',
          url,
        });
      }
      return {
        tokenUrl,
        authorizationUrl: o.authorizationUrl ?? stringField(data, 'authorization_endpoint'),
        deviceAuthorizationUrl: o.deviceAuthorizationUrl ?? stringField(data, 'device_authorization_endpoint'),
        revocationUrl: o.revocationUrl ?? stringField(data, 'revocation_endpoint'),
      };
    }
    throw new OAuth2FlowError(`OAuth2 discovery failed (${lastProblem})`, {
      code: 'ERR_OAUTH2_DISCOVERY',
      method: 'GET',
      url: candidates[0],
      cause: lastCause,
    });
  }
}

function stringField(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key];
  return typeof value === 'string' && /^https?:\/\//i.test(value) ? value : undefined;
}

/** `application/x-www-form-urlencoded` encoding, as RFC 6749 §2.3.1 asks for Basic credentials. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/** Server text with every secret of the request replaced and its length bounded. */
function clean(text: string, secrets: readonly string[], max: number): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/** A config that shows what was sent, without a secret: for errors, which users log. */
function safeConfig(url: string, body: Record<string, string>, headers: AxiosHeaders): InternalAxiosRequestConfig {
  const shown = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) shown.set(name, SECRET_PARAMS.has(name) ? REDACTED : value);
  return {
    method: 'post',
    url,
    headers: new AxiosHeaders(redactHeaders(headers) as Record<string, string>),
    data: shown.toString(),
  } as InternalAxiosRequestConfig;
}

/** The response with its config (which holds the request body and Basic credentials) made safe. */
function scrubbed(response: AxiosResponse): AxiosResponse {
  const config = response.config;
  const body: Record<string, string> = {};
  if (typeof config?.data === 'string') for (const [k, v] of new URLSearchParams(config.data)) body[k] = v;
  const safe = safeConfig(
    config?.url ?? '',
    body,
    config?.headers instanceof AxiosHeaders ? config.headers : new AxiosHeaders(),
  );
  safe.method = config?.method ?? 'post';
  return { ...response, config: safe, request: undefined };
}
