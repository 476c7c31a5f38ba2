/**
 * `@axle/core`: a resilient REST client on axios. Every export is named here.
 */

export type { RequestState, ThrowHttpErrors } from './augment';
export type {
  ApiKeyAuth,
  AuthFunction,
  AuthHandler,
  AuthOption,
  BasicAuth,
  BearerAuth,
  TokenSource,
} from './auth-options';
export type {
  AxleConfig,
  AxleExtendConfig,
  AxleHooks,
  AxleInstance,
  AxleOptions,
  Middleware,
  RequestHook,
  ResponseHook,
  SchemaConfig,
  SchemaNoBody,
  SchemaResult,
  SchemaWithBody,
} from './axle-instance';
export type { BodySerializer, FormFields, FormValue } from './body-serializer';
export { charsetOf, decodeText } from './charset';
export type { CircuitBreakerOpenErrorOptions } from './circuit-breaker-error';
export { CircuitBreakerError, CircuitBreakerOpenError } from './circuit-breaker-error';
export type { ClientErrorJSON, ClientErrorOptions } from './client-error';
export { ClientError, hasErrorKind, requestUrl } from './client-error';
export type { ConfigurationErrorOptions } from './configuration-error';
export { ConfigurationError } from './configuration-error';
export { ConnectionError } from './connection-error';
export type { ConnectionOptions } from './connection-options';
export type { CookiesOption } from './cookie-jar';
export { createClient } from './create-client';
export { DEFAULT_MAX_CONTENT_LENGTH, isJsonContentType } from './decode-body';
export type { RequestDescription } from './event-payload';
export type { IterEventsOptions } from './event-stream';
export { DEFAULT_SSE_RETRY } from './event-stream';
export type {
  AxleEventMap,
  AxleEvents,
  AxleListener,
  ErrorEvent,
  RedirectEvent,
  RequestEvent,
  ResponseEvent,
} from './events';
export { createEvents } from './events';
export type { EnvSource } from './from-env';
export { fromEnv } from './from-env';
export {
  isAuthenticationError,
  isCircuitBreakerError,
  isCircuitBreakerOpenError,
  isClientError,
  isClientResponseError,
  isConfigurationError,
  isConnectionError,
  isConnectTimeoutError,
  isForbiddenError,
  isHTTPError,
  isNotFoundError,
  isRateLimitError,
  isReadTimeoutError,
  isServerError,
  isTimeoutError,
  isValidationError,
  isWriteTimeoutError,
} from './guards';
export type { HTTPErrorOptions } from './http-error';
export {
  AuthenticationError,
  ClientResponseError,
  createHTTPError,
  ForbiddenError,
  HTTPError,
  NotFoundError,
  RateLimitError,
  ServerError,
} from './http-error';
export type { Logger, LogLevel, LogRecord } from './logger';
export { isLogger } from './logger';
export type { LoggingMiddlewareOptions } from './logging-middleware';
export { loggingMiddleware } from './logging-middleware';
export type { MetricsCollector, RequestMetric } from './metrics-middleware';
export { metricsMiddleware } from './metrics-middleware';
export type { MultipartFields, MultipartFile, MultipartValue } from './multipart-body';
export { checkOptionKeys, describeValue, invalidOption } from './option-checks';
export { parseRetryAfter } from './parse-retry-after';
export type { PayloadOptions } from './payload-augment';
export type {
  AxlePlugin,
  CallLayer,
  ConfigStep,
  NextAdapter,
  PluginContext,
  PluginDispose,
  PluginRole,
  WrapOptions,
} from './plugin';
export { definePlugin, PLUGIN_ROLES } from './plugin';
export type { PoolOptions } from './pool-options';
export type { ProxyOption } from './proxy-options';
export type { RedactRule } from './redact';
export {
  isSensitiveField,
  isSensitiveHeader,
  matchesRedactRule,
  REDACTED,
  redactHeaders,
  redactUrl,
  SENSITIVE_HEADERS,
  sampleBody,
} from './redact';
export type { RedirectHop } from './redirects';
export type { RequestIdOption } from './request-id';
export { REQUEST_ID_HEADER, ulid } from './request-id';
export { responseText } from './response-text';
export type { ResponseTooLargeErrorOptions } from './response-too-large-error';
export { isResponseTooLargeError, ResponseTooLargeError } from './response-too-large-error';
export { RetryBudget } from './retry-budget';
export type { ResolvedRetryOptions, RetryBudgetOptions, RetryInfo, RetryOptions } from './retry-options';
export { DEFAULT_RETRY, resolveRetryOptions } from './retry-options';
export type { Schema } from './schema-validation';
export type { ServerSentEvent } from './sse-parser';
export { SSEParser } from './sse-parser';
export type { Reopen, StreamResponse } from './stream-response';
export { toStreamResponse } from './stream-response';
export { normaliseOptionName, suggestOption } from './suggest-option';
export { ConnectTimeoutError, ReadTimeoutError, TimeoutError, WriteTimeoutError } from './timeout-error';
export type { ResolvedTimeouts, TimeoutOptions } from './timeout-options';
export { DEFAULT_TIMEOUTS, resolveTimeouts } from './timeout-options';
export { timingMiddleware } from './timing-middleware';
export type { TlsMaterial, TlsOptions } from './tls-options';
export { toClientError } from './to-client-error';
export { traceparent } from './trace-context';
export type { TruncatedResponseErrorOptions } from './truncated-response-error';
export { isTruncatedResponseError, TruncatedResponseError } from './truncated-response-error';
export type { ValidationErrorOptions, ValidationIssue } from './validation-error';
export { ValidationError } from './validation-error';
export { VERSION } from './version';
export { wrapAdapter } from './wrap-adapter';
