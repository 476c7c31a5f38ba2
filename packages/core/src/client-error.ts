import axios, { AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { type RedactRule, redactHeaders, redactUrl } from './redact';

/**
 * Marks axle errors with the names of every class in their chain, so guards work across two
 * copies of the package (where `instanceof` fails). `Symbol.for` is a registry lookup, not state.
 */
const ERROR_KINDS = Symbol.for('axle.error.kinds');
/** The extra redaction rules (the config's `redact`) an error applies in `toJSON()`. */
const REDACT_RULES = Symbol('axle.error.redact');

/** What every axle error can be built from. */
export interface ClientErrorOptions {
  /** An error code: axios's (`ERR_BAD_RESPONSE`), Node's (`ECONNREFUSED`) or axle's (`ERR_CLIENT_CLOSED`). */
  code?: string;
  /** The request config of the attempt that failed. */
  config?: InternalAxiosRequestConfig;
  /** The underlying request object (`http.ClientRequest` in Node), when there was one. */
  request?: unknown;
  /** The response, when the server answered. */
  response?: AxiosResponse;
  /** The error this one wraps. */
  cause?: unknown;
  /** The HTTP method, when no config is given. */
  method?: string;
  /** The URL, when no config is given. */
  url?: string;
  /**
   * Whether the constructor records its own stack frames. Default `true`. `false` leaves a stack of
   * just the name and message, which axios completes with the caller's frames when the error
   * leaves `api.request()`: right for errors made inside the request path (an open breaker's
   * refusal), whose own frames are axle internals, and it spares the cost of capturing them.
   */
  captureStack?: boolean;
}

/** The shape of `ClientError#toJSON()`: credentials are redacted, and no config is included. */
export interface ClientErrorJSON {
  name: string;
  message: string;
  code?: string;
  method?: string;
  url?: string;
  status?: number;
  retryAfter?: number;
  response?: { status: number; statusText: string; headers: Record<string, unknown> };
  cause?: { name: string; message: string; code?: string };
  [extra: string]: unknown;
}

interface ErrorClass {
  readonly errorName: string;
}

/**
 * The base of every error axle throws. It extends `AxiosError`, so `axios.isAxiosError(err)` and
 * `err instanceof AxiosError` stay true, and `err.config`, `err.request`, `err.response` and
 * `err.code` keep axios's meaning.
 *
 * Additions: `method` and `url` (credentials redacted) in the message and as properties, `cause`,
 * and a `toJSON()` that redacts credentials and leaves the config out. `config`, `request` and
 * `response` are non-enumerable, so `console.log(err)` does not print an `Authorization` header.
 *
 * @example
 * ```ts
 * try {
 *   await api.get('/users/1');
 * } catch (err) {
 *   if (isClientError(err)) console.error(err.method, err.url, err.code);
 * }
 * ```
 */
export class ClientError<T = unknown, D = unknown> extends AxiosError<T, D> {
  /** The literal `name` of instances of this class; subclasses override it. */
  static readonly errorName: string = 'ClientError';

  /** The HTTP method, upper case (`GET`), or `undefined` when unknown. */
  readonly method: string | undefined;
  /** The full request URL with credentials redacted, or `undefined` when unknown. */
  readonly url: string | undefined;

  constructor(message: string, options: ClientErrorOptions = {}) {
    const method = (options.method ?? options.config?.method)?.toUpperCase();
    const url = options.url ?? (options.config ? requestUrl(options.config) : undefined);
    const rules = redactRulesOf(options.config);
    const safeUrl = url === undefined ? undefined : redactUrl(url, rules);
    const where = method && safeUrl ? `${method} ${safeUrl}` : (safeUrl ?? method);
    const stackLimit = Error.stackTraceLimit;
    // Restored in the same synchronous step, so no other code sees the changed limit.
    if (options.captureStack === false) Error.stackTraceLimit = 0;
    try {
      super(
        where ? `${message}: ${where}` : message,
        options.code,
        options.config as InternalAxiosRequestConfig<D> | undefined,
        options.request,
        options.response as AxiosResponse<T, D> | undefined,
      );
    } finally {
      Error.stackTraceLimit = stackLimit;
    }
    const kinds: string[] = [];
    for (
      let cls: unknown = new.target;
      typeof cls === 'function' && cls !== AxiosError;
      cls = Object.getPrototypeOf(cls)
    ) {
      kinds.push((cls as unknown as ErrorClass).errorName);
    }
    this.name = kinds[0] ?? 'ClientError';
    this.method = method;
    this.url = safeUrl;
    // Hidden from enumeration so loggers and `util.inspect` never print credentials from them.
    hide(this, 'config', options.config);
    hide(this, 'request', options.request);
    hide(this, 'response', options.response);
    hide(this, 'cause', options.cause);
    // The wrapped axios error holds the same config (with its Authorization header): hide it too,
    // so loggers that walk `cause` do not print it.
    if (options.cause instanceof AxiosError) {
      for (const key of ['config', 'request', 'response'] as const) hide(options.cause, key, options.cause[key]);
    }
    hide(this, ERROR_KINDS, Object.freeze(kinds));
    if (rules !== undefined) hide(this, REDACT_RULES, rules);
    if (options.cause instanceof Error && typeof options.cause.stack === 'string' && this.stack) {
      this.stack = `${this.stack}\nCaused by: ${options.cause.stack}`;
    }
  }

  /** A JSON form for logs: name, message, code, method, URL, status, cause; credentials redacted. */
  declare toJSON: () => ClientErrorJSON;

  static {
    // AxiosError types toJSON as a property, so it is installed here and subclasses extend
    // `buildJSON` instead.
    Object.defineProperty(ClientError.prototype, 'toJSON', {
      value(this: ClientError): ClientErrorJSON {
        return this.buildJSON();
      },
      writable: true,
      configurable: true,
    });
  }

  /**
   * What `console.log(err)` and `util.inspect(err)` print: the stack and the redacted JSON form.
   * Node prints `cause` even when it is not enumerable, so the default rendering could show a
   * wrapped error's config; this one cannot.
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const { name: _name, message: _message, ...rest } = this.buildJSON();
    return `${this.stack ?? `${this.name}: ${this.message}`} ${JSON.stringify(rest, null, 2)}`;
  }

  /** Builds what `toJSON()` returns; subclasses add their fields. */
  protected buildJSON(): ClientErrorJSON {
    const json: ClientErrorJSON = { name: this.name, message: this.message };
    if (this.code !== undefined) json.code = this.code;
    if (this.method !== undefined) json.method = this.method;
    if (this.url !== undefined) json.url = this.url;
    if (this.status !== undefined) json.status = this.status;
    const response = this.response;
    if (response) {
      json.response = {
        status: response.status,
        statusText: response.statusText,
        headers: redactHeaders(response.headers, (this as { [REDACT_RULES]?: readonly RedactRule[] })[REDACT_RULES]),
      };
    }
    const cause = this.cause;
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      json.cause = {
        name: cause.name,
        message:
          cause instanceof ClientError
            ? cause.message
            : redactUrl(cause.message, (this as { [REDACT_RULES]?: readonly RedactRule[] })[REDACT_RULES]),
        ...(typeof code === 'string' ? { code } : {}),
      };
    }
    return json;
  }
}

/**
 * The full URL a config points at (base URL joined, params serialised as axios sends them).
 * Only called when an error is built, so its cost stays off the hot path.
 */
export function requestUrl(config: InternalAxiosRequestConfig): string | undefined {
  const url = config.url ?? '';
  // Without params the join is simple; axios.getUri merges the whole config with axios's defaults
  // (about 10 µs), which matters on paths that fail fast, such as an open breaker.
  if (config.params === undefined || config.params === null) {
    const base = config.baseURL;
    if (!base || (config.allowAbsoluteUrls !== false && isAbsoluteUrl(url))) return url;
    return url ? joinUrl(base, url) : base;
  }
  try {
    return axios.getUri(config);
  } catch {
    return url;
  }
}

const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/** As axios's isAbsoluteURL; a path that starts with one `/` (the common case) needs no regex. */
function isAbsoluteUrl(url: string): boolean {
  const first = url.charCodeAt(0);
  if (first === 47 /* / */ && url.charCodeAt(1) !== 47) return false;
  return ABSOLUTE_URL.test(url);
}

/** As axios's combineURLs: one `/` between base and path, whatever either side had. */
function joinUrl(base: string, url: string): string {
  let end = base.length;
  // axios drops one trailing `/` or `//` of the base, and every leading `/` of the path.
  if (base.charCodeAt(end - 1) === 47) end -= base.charCodeAt(end - 2) === 47 ? 2 : 1;
  let start = 0;
  while (url.charCodeAt(start) === 47) start += 1;
  return `${end === base.length ? base : base.slice(0, end)}/${start === 0 ? url : url.slice(start)}`;
}

/** The `redact` rules a config carries (axios's array of names, or axle's names and RegExps). */
function redactRulesOf(config: InternalAxiosRequestConfig | undefined): readonly RedactRule[] | undefined {
  const rules = (config as { redact?: unknown } | undefined)?.redact;
  return Array.isArray(rules) && rules.length > 0 ? (rules as RedactRule[]) : undefined;
}

function hide(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
}

/**
 * Whether `value` is an axle error of the class named `kind` (or a subclass). Checks the marker
 * every axle error carries, so it works across duplicate copies of `@axle/core`; plugins use it
 * for guards of their own error classes.
 *
 * @example
 * ```ts
 * export const isPaginationError = (e: unknown): e is PaginationError => hasErrorKind(e, 'PaginationError');
 * ```
 */
export function hasErrorKind(value: unknown, kind: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  const kinds = (value as { [ERROR_KINDS]?: readonly string[] })[ERROR_KINDS];
  return Array.isArray(kinds) && kinds.includes(kind);
}
