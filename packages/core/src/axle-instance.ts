import type {
  AxiosInstance,
  AxiosRequestConfig,
  AxiosResponse,
  CreateAxiosDefaults,
  InternalAxiosRequestConfig,
} from 'axios';
import type { z } from 'zod';
import type { ThrowHttpErrors } from './augment';
import type { ConnectionOptions } from './connection-options';
import type { AxleEvents } from './events';
import type { Logger } from './logger';
import type { AxlePlugin, CallLayer } from './plugin';
import type { RedactRule } from './redact';
import type { RequestIdOption } from './request-id';
import type { StreamResponse } from './stream-response';
import type { TimeoutOptions } from './timeout-options';

/**
 * A request hook (the specification's event hook): runs on every attempt, after credentials,
 * with the config about to be sent (body already serialised). It may change headers in place or
 * return a replacement config.
 *
 * @example
 * ```ts
 * const addTenant: RequestHook = (config) => { config.headers.set('X-Tenant', 'acme'); };
 * ```
 */
export type RequestHook = (
  config: InternalAxiosRequestConfig,
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only changes headers in place returns nothing
) => InternalAxiosRequestConfig | void | Promise<InternalAxiosRequestConfig | void>;

/**
 * A response hook: runs once per logical request on the final response (also on an HTTP error
 * response that `throwHttpErrors` lets through). It may return a replacement response.
 *
 * @example
 * ```ts
 * const logStatus: ResponseHook = (response) => { console.log(response.status); };
 * ```
 */
export type ResponseHook = (
  response: AxiosResponse,
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes returns nothing
) => AxiosResponse | void | Promise<AxiosResponse | void>;

/** Request and response hooks. Default: none. */
export interface AxleHooks {
  readonly request?: readonly RequestHook[];
  readonly response?: readonly ResponseHook[];
}

/**
 * Middleware: `async (config, next) => response`. Runs in list order on the way in, reverse on the
 * way out, outside cache, breaker and limiter; may answer without calling `next`.
 *
 * @example
 * ```ts
 * const timing: Middleware = async (config, next) => {
 *   const started = performance.now();
 *   const response = await next(config);
 *   response.headers['x-duration'] = String(performance.now() - started);
 *   return response;
 * };
 * ```
 */
export type Middleware = CallLayer;

/** What axle adds to axios's options; all of it is fixed when the client is created. */
export interface AxleOptions {
  /** Plugin handles from plugin factories; ordered by role, not by position here. Default `[]`. */
  readonly plugins?: readonly AxlePlugin[];
  /** Request and response hooks. Default: none. */
  readonly hooks?: AxleHooks;
  /** Middleware around the call phase. Default `[]`. */
  readonly middleware?: readonly Middleware[];
  /**
   * Where axle logs: any object with `debug`, `info`, `warn`, `error` (console, pino, winston).
   * DEBUG: each attempt's redacted headers (and body samples with `logBodyBytes`); INFO: method,
   * redacted URL, status, duration, attempt; WARN: retries, slow responses; ERROR: final failures.
   * Default: none (no logging, no cost).
   */
  readonly logger?: Logger;
  /** The most bytes of each request and response body in DEBUG records (redacted). Default `0`: none. */
  readonly logBodyBytes?: number;
  /** Responses slower than this many ms are logged at WARN. Default `10000`; `0` turns it off. */
  readonly slowThreshold?: number;
  /**
   * Sets `X-Request-ID` (unless the request has one), the same on every attempt and in every log
   * record: `true`/`'uuid'`, `'ulid'`, or a function. Default: off.
   */
  readonly requestId?: RequestIdOption;
  /**
   * `true` sets a W3C `traceparent` when the request has none: from the active OpenTelemetry context
   * (or axle's client span) when `@opentelemetry/api` is installed, else generated; `tracestate` is
   * kept or propagated. Default `false`.
   */
  readonly trace?: boolean;
  /**
   * `true` records one OpenTelemetry client span per logical request and the
   * `http.client.request.duration` histogram, when `@opentelemetry/api` is installed. Default `false`.
   */
  readonly telemetry?: boolean;
}

/**
 * Options for `createClient`: everything `axios.create` accepts, plus {@link AxleOptions}, plus
 * the per-request keys (`throwHttpErrors`: which HTTP error statuses reject, default `true`; see
 * {@link ThrowHttpErrors}) as client-wide defaults.
 */
export interface AxleConfig<D = unknown>
  extends Omit<CreateAxiosDefaults<D>, 'timeout' | 'redact' | 'middleware' | 'auth' | 'proxy'>,
    AxleOptions,
    ConnectionOptions {
  /**
   * Extra redaction: header, query parameter and body field names (any case) and RegExps tested
   * against those names, redacted in logs, error messages, `toJSON()` and span attributes, on top of
   * axle's defaults (Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, API keys and
   * tokens in query strings). Axios's own `redact` (a list of config key names for `AxiosError#toJSON`)
   * keeps its meaning: the list stays in the config. Default: none.
   */
  redact?: RedactRule[];
  /**
   * A number keeps axios's meaning (ms until the headers, then idle on the body; `0` none). An object
   * splits it: `{ connect, response, read, write, total }` (see {@link TimeoutOptions}). Default
   * `{ connect: 5000, read: 30000, write: 30000, total: 0 }`.
   */
  timeout?: number | TimeoutOptions;
}

/**
 * Options for `client.extend`: like {@link AxleConfig}, but plugins and the observability options
 * (`logger`, `logBodyBytes`, `slowThreshold`, `requestId`, `trace`, `telemetry`) stay those of the parent.
 */
export type AxleExtendConfig<D = unknown> = Omit<
  AxleConfig<D>,
  | 'plugins'
  | 'logger'
  | 'logBodyBytes'
  | 'slowThreshold'
  | 'requestId'
  | 'trace'
  | 'telemetry'
  | keyof ConnectionOptions
>;

/**
 * A client: an `AxiosInstance` (every axios call works as it does with axios) with additions.
 *
 * @example
 * ```ts
 * const api = createClient({ baseURL: 'https://api.example.com' });
 * const { data } = await api.get('/users/1');
 * await api.close();
 * ```
 */
export interface AxleInstance extends AxiosInstance {
  /** The client's typed event emitter, shared with the clients `extend` makes. */
  readonly events: AxleEvents;
  /** `true` once `close()` was called (on this client or the one it was extended from). */
  readonly closed: boolean;
  /**
   * Releases what the client owns: plugin state, timers, keep-alive sockets. Requests made after
   * it reject with a `ClientError` (`ERR_CLIENT_CLOSED`); requests in flight are aborted.
   * On a client made by `extend`, only that client is closed; the shared pool stays open.
   */
  close(): Promise<void>;
  /** Same as `close()`, for `await using api = createClient(...)`. */
  [Symbol.asyncDispose](): Promise<void>;
  /**
   * A new client with `config` merged over this one's creation config (headers deep-merged, hooks
   * and middleware appended). It shares the connection pool, plugins and events.
   */
  extend(config?: AxleExtendConfig): AxleInstance;
  /**
   * A new client with `middleware` appended to this one's (`extend({ middleware })`).
   *
   * @example
   * ```ts
   * const timed = api.with(timingMiddleware());
   * ```
   */
  with(...middleware: Middleware[]): AxleInstance;
  /** Axios's `instance.create`; here the same as `extend`. */
  create(config?: AxleExtendConfig): AxleInstance;
  /**
   * Sends a request and resolves once the headers arrive, with the body to read as a stream
   * (`iterBytes`, `iterText`, `iterLines`, `iterEvents`, `pipeTo`). The whole pipeline applies
   * (retries only until the headers arrive). An HTTP error rejects as usual, its body read.
   *
   * @example
   * ```ts
   * const res = await api.stream('GET', '/events');
   * for await (const event of res.iterEvents({ reconnect: true })) console.log(event.data);
   * ```
   */
  stream<D = unknown>(method: string, url: string, config?: AxiosRequestConfig<D>): Promise<StreamResponse<D>>;
  // With a `schema` in the config, `response.data` is `z.infer<typeof schema>`; otherwise axios's
  // own signatures (an intersection, so an AxleInstance stays a subtype of AxiosInstance).
  request: (<S extends z.ZodType, D = unknown>(config: SchemaConfig<S, D>) => SchemaResult<S, D>) &
    AxiosInstance['request'];
  get: SchemaNoBody & AxiosInstance['get'];
  delete: SchemaNoBody & AxiosInstance['delete'];
  head: SchemaNoBody & AxiosInstance['head'];
  options: SchemaNoBody & AxiosInstance['options'];
  post: SchemaWithBody & AxiosInstance['post'];
  put: SchemaWithBody & AxiosInstance['put'];
  patch: SchemaWithBody & AxiosInstance['patch'];
}

/** A request config with a `schema`: the response's `data` is typed by it. */
export type SchemaConfig<S extends z.ZodType, D = unknown> = AxiosRequestConfig<D> & { schema: S };

/** What a request with a `schema` resolves to: `data` typed as the schema's output. */
export type SchemaResult<S extends z.ZodType, D = unknown> = Promise<AxiosResponse<z.output<S>, D>>;

/** `get`, `delete`, `head`, `options` with a `schema`. */
export type SchemaNoBody = <S extends z.ZodType, D = unknown>(
  url: string,
  config: SchemaConfig<S, D>,
) => SchemaResult<S, D>;

/** `post`, `put`, `patch` with a `schema`. */
export type SchemaWithBody = <S extends z.ZodType, D = unknown>(
  url: string,
  data: D | undefined,
  config: SchemaConfig<S, D>,
) => SchemaResult<S, D>;
