import type { ClientRequest, IncomingMessage } from 'node:http';
import axios, { type AxiosAdapter, AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { charsetOf, decodeText } from './charset';
import { ClientError } from './client-error';
import { keepResponseText } from './response-text';
import { ResponseTooLargeError } from './response-too-large-error';
import { timeoutBehind } from './socket-timeouts';
import { toClientError } from './to-client-error';
import { TruncatedResponseError } from './truncated-response-error';

/** Default of `maxContentLength` for buffered responses: 100 MB. Streams are not limited by it. */
export const DEFAULT_MAX_CONTENT_LENGTH = 100 * 1024 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json(?:$|[;\s])|^[\w.-]+\/[\w.-]+\+json(?:$|[;\s])/i;
const BINARY_TYPE =
  /^(?:image|audio|video|font)\/|^application\/(?:octet-stream|pdf|zip|gzip|x-gzip|x-tar|x-7z-compressed|vnd\.ms-excel|msword|vnd\.openxmlformats[\w.-]*|x-protobuf|protobuf|x-msgpack|msgpack|wasm|cbor)(?:$|[;\s])/i;

/**
 * Whether a `Content-Type` says JSON: `application/json` and any `+json` type
 * (`application/problem+json`, `application/vnd.api+json`).
 *
 * @example
 * ```ts
 * isJsonContentType('application/problem+json; charset=utf-8'); // true
 * ```
 */
export function isJsonContentType(contentType: unknown): boolean {
  return typeof contentType === 'string' && JSON_TYPE.test(contentType.trim());
}

/** Whether a `Content-Type` names bytes that are not text (images, archives, octet streams). */
export function isBinaryContentType(contentType: unknown): boolean {
  return typeof contentType === 'string' && BINARY_TYPE.test(contentType.trim());
}

const BLANK = /^\s*$/;

type Mode = 'decode' | 'stream' | 'axios';

// Whether axle decodes this request's body, or axios's meaning of the caller's choice wins.
function modeOf(config: InternalAxiosRequestConfig): Mode {
  const type = config.responseType;
  if (type === 'stream') return 'stream';
  if (type !== undefined && (type as string) !== '') return 'axios';
  const transforms = config.transformResponse;
  const standard = axios.defaults.transformResponse;
  if (transforms === standard) return 'decode';
  if (!Array.isArray(transforms) || !Array.isArray(standard) || transforms.length !== standard.length) return 'axios';
  return transforms.every((fn, i) => fn === standard[i]) ? 'decode' : 'axios';
}

/** Whether an adapter reference is axios's own (the http adapter in Node), whose bytes axle may decode. */
function isStandardAdapter(ref: InternalAxiosRequestConfig['adapter']): boolean {
  if (ref === undefined || ref === 'http') return true;
  return Array.isArray(ref) && ref.includes('http') && ref.every((name) => typeof name === 'string');
}

/**
 * Wraps axios's transport so buffered bodies are decoded by axle: bytes are fetched
 * (`responseType: 'arraybuffer'`), decoded by their `charset` (UTF-8 by default, BOM stripped),
 * and JSON types parsed strictly (a body that claims JSON and does not parse is a
 * `ValidationError`). Only when the caller chose neither `responseType` nor `transformResponse`,
 * and only for axios's own adapter; otherwise axios's meaning wins. Also types the body failures
 * axios reports loosely: a truncated body and a body over `maxContentLength`.
 */
export function decodingTransport(
  transport: AxiosAdapter,
  ref: InternalAxiosRequestConfig['adapter'],
): (config: InternalAxiosRequestConfig) => Promise<AxiosResponse> {
  if (!isStandardAdapter(ref)) return (config) => Promise.resolve(transport(config));
  return (config) => {
    const mode = modeOf(config);
    if (mode === 'axios') {
      return Promise.resolve(transport(config)).then(undefined, (error: unknown) => {
        throw bodyFailure(error, config);
      });
    }
    let sent: AxiosResponse | Promise<AxiosResponse>;
    if (mode === 'decode') {
      // axios's adapter reads responseType synchronously as it starts (before its first await), so
      // the caller's config is switched for that call only: cheaper than copying its thirty-odd keys
      // on every request, and `response.config` stays the caller's.
      const saved = config.responseType;
      config.responseType = 'arraybuffer';
      try {
        sent = transport(config);
      } finally {
        config.responseType = saved;
      }
    } else {
      // The default limit protects memory from buffering; a stream buffers nothing.
      sent = transport(
        config.maxContentLength === DEFAULT_MAX_CONTENT_LENGTH ? { ...config, maxContentLength: -1 } : config,
      );
    }
    return Promise.resolve(sent).then(
      (response) => {
        response.config = config;
        if (mode === 'decode') response.data = decodeResponseData(response, config, true);
        return response;
      },
      (error: unknown) => {
        const failure = bodyFailure(error, config);
        if (failure === error && axios.isAxiosError(error)) {
          error.config = config;
          if (mode === 'decode' && error.response) {
            error.response.config = config;
            error.response.data = decodeResponseData(error.response, config, false);
          }
        }
        throw failure;
      },
    );
  };
}

/**
 * The decoded body of a buffered response: JSON types parsed (strictly when `strict`, the success
 * path; leniently for error responses), binary types as a `Buffer`, anything else as text for
 * axios's own `transformResponse` (which keeps its silent JSON guess for untyped text).
 */
export function decodeResponseData(
  response: AxiosResponse,
  config: InternalAxiosRequestConfig,
  strict: boolean,
): unknown {
  const data = response.data as unknown;
  if (!Buffer.isBuffer(data)) return data;
  if (data.length === 0) return '';
  const headers = response.headers ?? {};
  const type = typeof headers['content-type'] === 'string' ? (headers['content-type'] as string) : undefined;
  if (isBinaryContentType(type)) return data;
  const fallback = typeof config.responseEncoding === 'string' ? config.responseEncoding.toLowerCase() : undefined;
  const text = decodeText(data, charsetOf(type) ?? fallback);
  // A regex, not trim(): it stops at the first character of a JSON body instead of copying it.
  if (!isJsonContentType(type) || BLANK.test(text)) return text;
  keepResponseText(response, text);
  try {
    const reviver = config.parseReviver as Parameters<typeof JSON.parse>[1] | undefined;
    return reviver === undefined ? JSON.parse(text) : JSON.parse(text, reviver);
  } catch (error) {
    if (!strict || !(error instanceof SyntaxError)) return text;
    // The core's strict-JSON failure (toClientError): a ValidationError with status, URL, content
    // type and the start of the body, the response (raw text) attached.
    const failure = new AxiosError(error.message, AxiosError.ERR_BAD_RESPONSE, config, response.request, {
      ...response,
      data: text,
    });
    Object.defineProperty(failure, 'cause', { value: error, writable: true, configurable: true });
    throw toClientError(failure, config);
  }
}

/**
 * Types what axios reports loosely about a body: `maxContentLength size of N exceeded` becomes a
 * `ResponseTooLargeError`, a connection closed before the body's end a `TruncatedResponseError`.
 * Anything else is returned unchanged.
 */
export function bodyFailure(
  error: unknown,
  config: InternalAxiosRequestConfig,
  received?: number,
  streamed?: AxiosResponse,
): unknown {
  // Duck-typed: errors from Node's internals may come from another realm (Jest, vm).
  if (error instanceof ClientError || !isErrorLike(error)) return error;
  // A socket axle's timeouts destroyed also looks like a cut body: the timeout is the answer.
  const timeout = timeoutBehind(error, config);
  if (timeout) return timeout;
  const message = error.message;
  const limit = /^maxContentLength size of (\d+) exceeded$/.exec(message);
  const request = axios.isAxiosError(error) ? error.request : streamed?.request;
  if (limit) {
    return new ResponseTooLargeError(`Response body is larger than maxContentLength (${limit[1]} bytes)`, {
      config,
      request,
      limit: Number(limit[1]),
      cause: error,
    });
  }
  if (isTruncation(error)) {
    const response = streamed ?? (axios.isAxiosError(error) ? error.response : undefined);
    const length = Number(response?.headers?.['content-length'] ?? incoming(request)?.headers['content-length']);
    const expected = Number.isFinite(length) && length >= 0 ? length : undefined;
    const detail =
      received !== undefined && expected !== undefined
        ? `received ${received} of ${expected} bytes`
        : expected !== undefined
          ? `Content-Length ${expected}`
          : received !== undefined
            ? `received ${received} bytes, no final chunk`
            : 'before the last chunk';
    return new TruncatedResponseError(`Connection closed before the whole response body arrived (${detail})`, {
      config,
      request,
      ...(response ? { response } : {}),
      ...(received !== undefined ? { received } : {}),
      ...(expected !== undefined ? { expected } : {}),
      cause: error,
    });
  }
  return error;
}

function incoming(request: unknown): IncomingMessage | undefined {
  return (request as (ClientRequest & { res?: IncomingMessage }) | undefined)?.res ?? undefined;
}

function isErrorLike(value: unknown): value is Error {
  return value !== null && typeof value === 'object' && typeof (value as Error).message === 'string';
}

function isTruncation(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (error.message === 'stream has been aborted') return true;
  // Node destroys an incomplete IncomingMessage with ECONNRESET "aborted"; zlib reports a cut
  // compressed body as an unexpected end of file.
  if (code === 'ECONNRESET' && error.message === 'aborted') return true;
  if (code === 'Z_BUF_ERROR' || error.message === 'unexpected end of file') return true;
  const cause = (error as { cause?: unknown }).cause;
  return isErrorLike(cause) && cause !== error && isTruncation(cause);
}
