import {
  AuthenticationError,
  ClientError,
  type ClientErrorJSON,
  type ClientErrorOptions,
  type HTTPErrorOptions,
  hasErrorKind,
} from '@axle/core';

/**
 * What an `OAuth2Error` is built from: the token endpoint's error response and what it said.
 *
 * @example
 * ```ts
 * new OAuth2Error('OAuth2 token request failed', { response, oauthError: 'invalid_grant' });
 * ```
 */
export interface OAuth2ErrorOptions extends HTTPErrorOptions {
  /** The OAuth error code (`invalid_client`, `invalid_grant`, ...), when the server sent one. */
  oauthError?: string;
  /** The server's `error_description`, already stripped of secrets. */
  oauthErrorDescription?: string;
  /** The server's `error_uri`. */
  oauthErrorUri?: string;
  /** The grant type of the request that failed (`client_credentials`, `refresh_token`, ...). */
  grantType?: string;
}

/**
 * The authorization server refused a token, device authorization or revocation request
 * (`invalid_client`, `invalid_grant`, `expired_token`, `access_denied`, ...). It is an
 * `AuthenticationError`, so `isAuthenticationError(err)` holds whatever status the server used
 * (RFC 6749 answers most errors with 400). The OAuth error code and description are in
 * `oauthError` and `oauthErrorDescription`; no secret or token is in the message or `toJSON()`.
 *
 * @example
 * ```ts
 * try { await api.get('/me'); }
 * catch (err) { if (isOAuth2Error(err) && err.oauthError === 'invalid_grant') await auth.authorize(); }
 * ```
 */
export class OAuth2Error<T = unknown, D = unknown> extends AuthenticationError<T, D> {
  static override readonly errorName: string = 'OAuth2Error';
  /** The OAuth error code, or `undefined` when the server sent none (a bare 401 or 5xx body). */
  readonly oauthError: string | undefined;
  /** The server's `error_description` (secrets redacted), or `undefined`. */
  readonly oauthErrorDescription: string | undefined;
  /** The server's `error_uri`, or `undefined`. */
  readonly oauthErrorUri: string | undefined;
  /** The grant type of the failed request, or `undefined` for revocation and device authorization. */
  readonly grantType: string | undefined;

  constructor(message: string, options: OAuth2ErrorOptions) {
    super(message, options);
    this.oauthError = options.oauthError;
    this.oauthErrorDescription = options.oauthErrorDescription;
    this.oauthErrorUri = options.oauthErrorUri;
    this.grantType = options.grantType;
  }

  protected override buildJSON(): ClientErrorJSON {
    return {
      ...super.buildJSON(),
      oauthError: this.oauthError,
      oauthErrorDescription: this.oauthErrorDescription,
      grantType: this.grantType,
    };
  }
}

/**
 * What an `OAuth2FlowError` is built from.
 *
 * @example
 * ```ts
 * new OAuth2FlowError('OAuth2 authorization failed', { code: 'ERR_OAUTH2_AUTHORIZATION', oauthError: 'access_denied' });
 * ```
 */
export interface OAuth2FlowErrorOptions extends ClientErrorOptions {
  /** The OAuth error code, when there is one (`access_denied` from a redirect, `expired_token`). */
  oauthError?: string;
  /** A description (from the redirect's `error_description`, or axle's own). */
  oauthErrorDescription?: string;
}

/**
 * An OAuth 2.0 flow failed without a token endpoint error response: the authorization redirect
 * came back with `error=access_denied`, its `state` did not match, the user did not finish in
 * time (`ERR_OAUTH2_TIMEOUT`), the device code expired while polling, the interactive flow has not
 * been run yet (`ERR_OAUTH2_NO_TOKEN`), or the flow was cancelled (`ERR_OAUTH2_CANCELLED`).
 *
 * @example
 * ```ts
 * catch (err) { if (isOAuth2FlowError(err) && err.code === 'ERR_OAUTH2_NO_TOKEN') await auth.authorize(); }
 * ```
 */
export class OAuth2FlowError<T = unknown, D = unknown> extends ClientError<T, D> {
  static override readonly errorName: string = 'OAuth2FlowError';
  /** The OAuth error code, or `undefined`. */
  readonly oauthError: string | undefined;
  /** A description, or `undefined`. */
  readonly oauthErrorDescription: string | undefined;

  constructor(message: string, options: OAuth2FlowErrorOptions = {}) {
    super(message, options);
    this.oauthError = options.oauthError;
    this.oauthErrorDescription = options.oauthErrorDescription;
  }

  protected override buildJSON(): ClientErrorJSON {
    return { ...super.buildJSON(), oauthError: this.oauthError, oauthErrorDescription: this.oauthErrorDescription };
  }
}

/**
 * Whether `err` is an `OAuth2Error` (checks axle's error marker, so it holds across copies).
 *
 * @example
 * ```ts
 * if (isOAuth2Error(err)) console.error(err.oauthError, err.oauthErrorDescription);
 * ```
 */
export const isOAuth2Error = (err: unknown): err is OAuth2Error => hasErrorKind(err, 'OAuth2Error');

/**
 * Whether `err` is an `OAuth2FlowError`.
 *
 * @example
 * ```ts
 * if (isOAuth2FlowError(err) && err.oauthError === 'access_denied') console.log('the user declined');
 * ```
 */
export const isOAuth2FlowError = (err: unknown): err is OAuth2FlowError => hasErrorKind(err, 'OAuth2FlowError');
