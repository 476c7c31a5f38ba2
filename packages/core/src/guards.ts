import type { CircuitBreakerError, CircuitBreakerOpenError } from './circuit-breaker-error';
import { type ClientError, hasErrorKind } from './client-error';
import type { ConfigurationError } from './configuration-error';
import type { ConnectionError } from './connection-error';
import type {
  AuthenticationError,
  ClientResponseError,
  ForbiddenError,
  HTTPError,
  NotFoundError,
  RateLimitError,
  ServerError,
} from './http-error';
import type { ConnectTimeoutError, ReadTimeoutError, TimeoutError, WriteTimeoutError } from './timeout-error';
import type { ValidationError } from './validation-error';

// Guards read the marker every axle error carries, so they hold across two copies of the
// package, where `instanceof` would not.

/** Whether `err` is any axle error. @example `if (isClientError(err)) log(err.toJSON());` */
export const isClientError = (err: unknown): err is ClientError => hasErrorKind(err, 'ClientError');
/** Whether `err` is an `HTTPError` (the server answered with a rejected status). @example `if (isHTTPError(err)) err.status;` */
export const isHTTPError = (err: unknown): err is HTTPError => hasErrorKind(err, 'HTTPError');
/** Whether `err` is a 4xx `ClientResponseError`. @example `if (isClientResponseError(err)) err.status;` */
export const isClientResponseError = (err: unknown): err is ClientResponseError =>
  hasErrorKind(err, 'ClientResponseError');
/** Whether `err` is a 401 `AuthenticationError`. @example `if (isAuthenticationError(err)) relogin();` */
export const isAuthenticationError = (err: unknown): err is AuthenticationError =>
  hasErrorKind(err, 'AuthenticationError');
/** Whether `err` is a 403 `ForbiddenError`. @example `if (isForbiddenError(err)) deny();` */
export const isForbiddenError = (err: unknown): err is ForbiddenError => hasErrorKind(err, 'ForbiddenError');
/** Whether `err` is a 404 `NotFoundError`. @example `if (isNotFoundError(err)) return null;` */
export const isNotFoundError = (err: unknown): err is NotFoundError => hasErrorKind(err, 'NotFoundError');
/** Whether `err` is a 429 `RateLimitError`. @example `if (isRateLimitError(err)) err.retryAfter;` */
export const isRateLimitError = (err: unknown): err is RateLimitError => hasErrorKind(err, 'RateLimitError');
/** Whether `err` is a 5xx `ServerError`. @example `if (isServerError(err)) alert();` */
export const isServerError = (err: unknown): err is ServerError => hasErrorKind(err, 'ServerError');
/** Whether `err` is a `ConnectionError`. @example `if (isConnectionError(err)) err.code;` */
export const isConnectionError = (err: unknown): err is ConnectionError => hasErrorKind(err, 'ConnectionError');
/** Whether `err` is any `TimeoutError`. @example `if (isTimeoutError(err)) slow();` */
export const isTimeoutError = (err: unknown): err is TimeoutError => hasErrorKind(err, 'TimeoutError');
/** Whether `err` is a `ConnectTimeoutError`. @example `if (isConnectTimeoutError(err)) down();` */
export const isConnectTimeoutError = (err: unknown): err is ConnectTimeoutError =>
  hasErrorKind(err, 'ConnectTimeoutError');
/** Whether `err` is a `ReadTimeoutError`. @example `if (isReadTimeoutError(err)) stalled();` */
export const isReadTimeoutError = (err: unknown): err is ReadTimeoutError => hasErrorKind(err, 'ReadTimeoutError');
/** Whether `err` is a `WriteTimeoutError`. @example `if (isWriteTimeoutError(err)) stalled();` */
export const isWriteTimeoutError = (err: unknown): err is WriteTimeoutError => hasErrorKind(err, 'WriteTimeoutError');
/** Whether `err` is a `CircuitBreakerError`. @example `if (isCircuitBreakerError(err)) fallback();` */
export const isCircuitBreakerError = (err: unknown): err is CircuitBreakerError =>
  hasErrorKind(err, 'CircuitBreakerError');
/** Whether `err` is a `CircuitBreakerOpenError`. @example `if (isCircuitBreakerOpenError(err)) err.retryAt;` */
export const isCircuitBreakerOpenError = (err: unknown): err is CircuitBreakerOpenError =>
  hasErrorKind(err, 'CircuitBreakerOpenError');
/** Whether `err` is a `ValidationError`. @example `if (isValidationError(err)) err.issues;` */
export const isValidationError = (err: unknown): err is ValidationError => hasErrorKind(err, 'ValidationError');
/** Whether `err` is a `ConfigurationError`. @example `if (isConfigurationError(err)) err.option;` */
export const isConfigurationError = (err: unknown): err is ConfigurationError =>
  hasErrorKind(err, 'ConfigurationError');
