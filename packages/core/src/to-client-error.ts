import axios, { type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { ClientError } from './client-error';
import { ConfigurationError } from './configuration-error';
import { ConnectionError } from './connection-error';
import { createHTTPError } from './http-error';
import { TimeoutError } from './timeout-error';
import { ValidationError } from './validation-error';

// Codes Node and axios use for a request that never got a response.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ERR_NETWORK',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'EPROTO',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
]);

const CONFIG_CODES = new Set(['ERR_BAD_OPTION_VALUE', 'ERR_BAD_OPTION', 'ERR_INVALID_URL', 'ERR_NOT_SUPPORT']);

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  response?: AxiosResponse;
  request?: unknown;
  config?: InternalAxiosRequestConfig;
  cause?: unknown;
}

/**
 * Turns whatever the transport threw into the matching axle error: a rejected status becomes the
 * `HTTPError` subclass for it, a network failure a `ConnectionError`, axios's timeout a
 * `TimeoutError`, a bad option a `ConfigurationError`. Axle errors and cancellations
 * (`axios.isCancel`) pass through unchanged; the original error is kept as `cause`.
 *
 * @param error - what was thrown.
 * @param config - the attempt's config, for the method and URL in the message.
 * @example
 * ```ts
 * const typed = toClientError(err, config); // e.g. in a custom adapter wrapper
 * ```
 */
export function toClientError(error: unknown, config?: InternalAxiosRequestConfig): unknown {
  if (error instanceof ClientError || axios.isCancel(error)) return error;
  const like: ErrorLike = error !== null && typeof error === 'object' ? (error as ErrorLike) : {};
  // axios wraps what a request was destroyed with; when that was one of ours, it is the answer.
  if (like.cause instanceof ClientError) return like.cause;
  const cfg = like.config ?? config;
  const code = typeof like.code === 'string' ? like.code : undefined;
  const message = typeof like.message === 'string' && like.message ? like.message : String(error);
  const base = { config: cfg, request: like.request, cause: error };

  if (like.response && typeof like.response.status === 'number') {
    // A parse failure (strict JSON) also carries the response; it is not the server's fault.
    if (like.cause instanceof SyntaxError) {
      return parseFailure(like.response, base, like.cause);
    }
    return createHTTPError(like.response, { ...base, code });
  }
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    if (/timeout|timed out/i.test(message)) {
      return new TimeoutError(`Timed out (${message})`, { ...base, code });
    }
    return new ConnectionError(`Connection aborted (${message})`, { ...base, code });
  }
  if (code && CONFIG_CODES.has(code)) {
    return new ConfigurationError(message, { ...base, code });
  }
  const causeCode = nestedCode(like.cause);
  if ((code && CONNECTION_CODES.has(code)) || (causeCode && CONNECTION_CODES.has(causeCode))) {
    return new ConnectionError(`Connection failed (${code ?? causeCode}: ${message})`, {
      ...base,
      code: code ?? causeCode,
    });
  }
  return new ClientError(`Request failed (${message})`, { ...base, code });
}

function nestedCode(cause: unknown): string | undefined {
  if (cause === null || typeof cause !== 'object') return undefined;
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function parseFailure(
  response: AxiosResponse,
  base: { config: InternalAxiosRequestConfig | undefined; request: unknown; cause: unknown },
  cause: SyntaxError,
): ValidationError {
  const type = String(response.headers?.['content-type'] ?? 'no content type');
  const raw = typeof response.data === 'string' ? response.data : '';
  const preview = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
  return new ValidationError(
    `Response body did not parse as JSON (status ${response.status}, ${type}: ${cause.message}; body starts ${JSON.stringify(preview)})`,
    {
      ...base,
      response,
      code: 'ERR_BAD_RESPONSE',
      issues: [{ path: [], message: cause.message, code: 'invalid_json' }],
    },
  );
}
