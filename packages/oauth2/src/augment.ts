/**
 * Payload of `oauth2:token`: a token was obtained (first grant, refresh, or an interactive
 * flow). It never holds a token value.
 *
 * @example
 * ```ts
 * api.events.on('oauth2:token', ({ grantType, expiresAt }) => log.info(`token via ${grantType} until ${expiresAt}`));
 * ```
 */
export interface OAuth2TokenEvent {
  /** The grant that produced it: `client_credentials`, `refresh_token`, `authorization_code`, ... */
  readonly grantType: string;
  /** `Bearer`, or the server's other token type. */
  readonly tokenType: string;
  /** Ms since the epoch; `undefined` when the server sent no `expires_in`. */
  readonly expiresAt: number | undefined;
  /** The scope granted, when the server said. */
  readonly scope: string | undefined;
  /** Whether a refresh token came with it (a rotated one replaces the old one). */
  readonly refreshTokenIssued: boolean;
}

/**
 * Payload of `oauth2:error`: a token request failed (`error` is an `OAuth2Error`, or a
 * connection or timeout error of the token request).
 *
 * @example
 * ```ts
 * api.events.on('oauth2:error', ({ grantType, error }) => log.error(`oauth2 ${grantType}`, error));
 * ```
 */
export interface OAuth2ErrorEvent {
  readonly grantType: string;
  readonly error: unknown;
}

declare module '@axle/core' {
  interface AxleEventMap {
    /** A token was obtained or refreshed (no token value in the payload). */
    'oauth2:token': OAuth2TokenEvent;
    /** A token request failed. */
    'oauth2:error': OAuth2ErrorEvent;
  }
}
