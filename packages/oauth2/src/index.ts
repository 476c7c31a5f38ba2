/**
 * `@axle/oauth2`: OAuth 2.0 for axle clients. Every export is named here.
 */
export type { OAuth2ErrorEvent, OAuth2TokenEvent } from './augment';
export type { DeviceAuthorization } from './device-flow';
export type { AuthorizationRequest, OAuth2Plugin } from './oauth2';
export { oauth2 } from './oauth2';
export type { OAuth2ErrorOptions, OAuth2FlowErrorOptions } from './oauth2-error';
export { isOAuth2Error, isOAuth2FlowError, OAuth2Error, OAuth2FlowError } from './oauth2-error';
export type {
  ClientAuthMethod,
  DeviceUserCode,
  JwtBearerClaims,
  OAuth2Flow,
  OAuth2Options,
  ResolvedOAuth2Options,
} from './options';
export { DEFAULT_OAUTH2_OPTIONS, resolveOAuth2Options } from './options';
export type { PkcePair } from './pkce';
export { createPkce } from './pkce';
export type { TokenInfo } from './token-manager';
export type { StoredToken, TokenStore } from './token-store';
export { MemoryTokenStore } from './token-store';
