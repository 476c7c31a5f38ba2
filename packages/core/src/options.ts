import type { CreateAxiosDefaults } from 'axios';
import type { ThrowHttpErrors } from './augment';
import type { AxleConfig, Middleware, RequestHook, ResponseHook } from './axle-instance';
import { checkPayloadOptions } from './body-serializer';
import { ConfigurationError } from './configuration-error';
import { CONNECTION_KEYS } from './connection-options';
import { isLogger } from './logger';
import { describeValue } from './option-checks';
import { type AxlePlugin, assertPlugin } from './plugin';
import { resolveRequestId } from './request-id';
import type { ObserverOptions } from './request-observer';
import { type ResolvedRetryOptions, resolveRetryOptions } from './retry-options';
import { suggestOption } from './suggest-option';
import { DEFAULT_TIMEOUTS, type ResolvedTimeouts, resolveTimeouts, type TimeoutOptions } from './timeout-options';

/** The client options after checks and defaults, frozen. */
export interface ResolvedClientOptions {
  /** What goes to `axios.create`: the caller's axios options, without axle's keys. */
  readonly axios: CreateAxiosDefaults;
  readonly plugins: readonly AxlePlugin[];
  readonly requestHooks: readonly RequestHook[];
  readonly responseHooks: readonly ResponseHook[];
  readonly middleware: readonly Middleware[];
  readonly throwHttpErrors: ThrowHttpErrors;
  readonly retry: ResolvedRetryOptions | false;
  /** Split timeouts; `undefined` when the client gave axios's number form. */
  readonly timeouts: ResolvedTimeouts | undefined;
  /** Logging, request IDs, trace context and telemetry. */
  readonly observe: ObserverOptions;
}

/** The observability options: fixed at `createClient`, shared by the clients `extend` makes. */
export const OBSERVE_KEYS = ['logger', 'logBodyBytes', 'slowThreshold', 'requestId', 'trace', 'telemetry'] as const;

/** Default of `slowThreshold`: responses slower than this many ms are logged at WARN. */
export const DEFAULT_SLOW_THRESHOLD = 10_000;

const AXLE_KEYS = ['plugins', 'hooks', 'middleware', 'throwHttpErrors', 'retry', ...OBSERVE_KEYS] as const;

// Every option name axios and axle know: a key that differs from one of them only in case or
// separators is a typo (`baseUrl`, `max_redirects`) and fails with a suggestion. Other unknown
// keys pass, because axios passes them and interceptors read them.
const KNOWN_KEYS = [
  ...AXLE_KEYS,
  ...CONNECTION_KEYS,
  'url',
  'method',
  'baseURL',
  'allowAbsoluteUrls',
  'transformRequest',
  'transformResponse',
  'headers',
  'params',
  'paramsSerializer',
  'data',
  'timeout',
  'timeoutErrorMessage',
  'withCredentials',
  'adapter',
  'auth',
  'responseType',
  'responseEncoding',
  'xsrfCookieName',
  'xsrfHeaderName',
  'withXSRFToken',
  'onUploadProgress',
  'onDownloadProgress',
  'maxContentLength',
  'maxBodyLength',
  'validateStatus',
  'maxRedirects',
  'maxRate',
  'beforeRedirect',
  'socketPath',
  'transport',
  'httpAgent',
  'httpsAgent',
  'proxy',
  'cancelToken',
  'decompress',
  'transitional',
  'signal',
  'insecureHTTPParser',
  'env',
  'formSerializer',
  'family',
  'lookup',
  'fetchOptions',
  'httpVersion',
  'http2Options',
  'parseReviver',
  'redact',
  'form',
  'multipart',
  'serializer',
  'schema',
  'requestSchema',
];

/**
 * Checks client options and splits axle's from axios's. Every problem is a `ConfigurationError`
 * that names the option and what would be valid, thrown here rather than on the first request.
 *
 * @example
 * ```ts
 * resolveClientOptions({ baseURL: 'localhost:3000' });
 * // ConfigurationError: Invalid baseURL "localhost:3000": expected an absolute http:// or https:// URL ...
 * ```
 */
export function resolveClientOptions(config: AxleConfig | undefined): ResolvedClientOptions {
  if (config === undefined) config = {};
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigurationError(`createClient options must be an object; got ${describeValue(config)}`, {
      option: 'options',
    });
  }
  for (const key of Object.keys(config)) {
    const known = KNOWN_KEYS.includes(key) ? undefined : suggestOption(key, KNOWN_KEYS);
    if (known !== undefined) {
      throw new ConfigurationError(`Unknown option "${key}": did you mean "${known}"?`, { option: key });
    }
  }
  checkRequestOptions(config, '');

  const {
    plugins = [],
    hooks = {},
    middleware = [],
    throwHttpErrors = true,
    retry,
    timeout,
    logger,
    logBodyBytes,
    slowThreshold,
    requestId,
    trace,
    telemetry,
    ...rest
  } = config;
  const observe = resolveObserveOptions({ logger, logBodyBytes, slowThreshold, requestId, trace, telemetry });
  const retryOptions = resolveRetryOptions(retry);
  let timeouts: ResolvedTimeouts | undefined = DEFAULT_TIMEOUTS;
  const axiosConfig: CreateAxiosDefaults = rest as CreateAxiosDefaults;
  if (timeout !== null && typeof timeout === 'object') {
    timeouts = resolveTimeouts(timeout as TimeoutOptions);
  } else if (typeof timeout === 'number') {
    // axios's number form: axios keeps its meaning and owns the timeout (0: none at all).
    timeouts = undefined;
    axiosConfig.timeout = timeout;
  }

  if (!Array.isArray(plugins)) {
    throw new ConfigurationError(`plugins must be an array of plugin handles; got ${describeValue(plugins)}`, {
      option: 'plugins',
    });
  }
  const names = new Set<string>();
  plugins.forEach((plugin: unknown, index: number) => {
    assertPlugin(plugin, `plugins[${index}]`);
    if (names.has(plugin.name)) {
      throw new ConfigurationError(
        `plugins[${index}]: plugin "${plugin.name}" is listed twice; each plugin may be installed once per client`,
        { option: `plugins[${index}]` },
      );
    }
    names.add(plugin.name);
  });

  if (hooks === null || typeof hooks !== 'object' || Array.isArray(hooks)) {
    throw new ConfigurationError(
      `hooks must be an object { request?: [...], response?: [...] }; got ${describeValue(hooks)}`,
      {
        option: 'hooks',
      },
    );
  }
  for (const key of Object.keys(hooks)) {
    if (key !== 'request' && key !== 'response') {
      throw new ConfigurationError(`hooks.${key} is not a hook; use hooks.request or hooks.response`, {
        option: `hooks.${key}`,
      });
    }
  }
  const requestHooks = functionList<RequestHook>(hooks.request ?? [], 'hooks.request');
  const responseHooks = functionList<ResponseHook>(hooks.response ?? [], 'hooks.response');
  const middlewareList = functionList<Middleware>(middleware, 'middleware');

  if (axiosConfig.baseURL !== undefined) checkBaseURL(axiosConfig.baseURL);

  return Object.freeze({
    axios: axiosConfig,
    plugins: Object.freeze([...plugins]),
    requestHooks,
    responseHooks,
    middleware: middlewareList,
    throwHttpErrors: Array.isArray(throwHttpErrors) ? Object.freeze([...throwHttpErrors]) : throwHttpErrors,
    retry: retryOptions,
    timeouts,
    observe,
  });
}

/** Checks `logger`, `logBodyBytes`, `slowThreshold`, `requestId`, `trace` and `telemetry`. */
export function resolveObserveOptions(values: Record<(typeof OBSERVE_KEYS)[number], unknown>): ObserverOptions {
  const { logger, logBodyBytes = 0, slowThreshold = DEFAULT_SLOW_THRESHOLD, trace = false, telemetry = false } = values;
  if (logger !== undefined && logger !== null && !isLogger(logger)) {
    fail('logger', 'an object with debug, info, warn and error methods (console, pino, winston)', logger);
  }
  if (!(isNumber(logBodyBytes) && Number.isInteger(logBodyBytes) && logBodyBytes >= 0)) {
    fail('logBodyBytes', 'a whole number of bytes, 0 or more (0: no bodies in logs)', logBodyBytes);
  }
  if (!(isNumber(slowThreshold) && slowThreshold >= 0)) {
    fail('slowThreshold', 'a number of milliseconds, 0 or more (0: off)', slowThreshold);
  }
  if (typeof trace !== 'boolean') fail('trace', 'true or false', trace);
  if (typeof telemetry !== 'boolean') fail('telemetry', 'true or false', telemetry);
  return Object.freeze({
    logger: isLogger(logger) ? logger : undefined,
    logBodyBytes,
    slowThreshold,
    requestId: resolveRequestId(values.requestId),
    trace,
    telemetry,
  });
}

/**
 * Checks the options that are valid both on the client and on one request (`timeout`,
 * `maxRedirects`, `throwHttpErrors`, ...). `prefix` is prepended to option names in messages.
 */
export function checkRequestOptions(config: object, prefix: string): void {
  const c = config as Record<string, unknown>;
  if (c.timeout !== undefined && !(isNumber(c.timeout) && c.timeout >= 0)) {
    if (c.timeout !== null && typeof c.timeout === 'object') {
      resolveTimeouts(c.timeout as TimeoutOptions, DEFAULT_TIMEOUTS, `${prefix}timeout`);
    } else {
      fail(
        `${prefix}timeout`,
        'a number of milliseconds, 0 or more (0 means no timeout), or { connect, response, read, write, total }',
        c.timeout,
      );
    }
  }
  if (c.maxRedirects !== undefined && !(Number.isInteger(c.maxRedirects) && (c.maxRedirects as number) >= 0)) {
    fail(`${prefix}maxRedirects`, 'a whole number, 0 or more (0 disables redirects)', c.maxRedirects);
  }
  for (const key of ['maxContentLength', 'maxBodyLength'] as const) {
    const value = c[key];
    if (value !== undefined && !(Number.isInteger(value) && ((value as number) >= 0 || value === -1))) {
      fail(`${prefix}${key}`, 'a whole number of bytes, or -1 for no limit', value);
    }
  }
  if (c.validateStatus !== undefined && c.validateStatus !== null && typeof c.validateStatus !== 'function') {
    fail(`${prefix}validateStatus`, 'a function (status) => boolean, or null', c.validateStatus);
  }
  if (c.throwHttpErrors !== undefined) checkThrowHttpErrors(c.throwHttpErrors, `${prefix}throwHttpErrors`);
  if (c.headers !== undefined && (c.headers === null || typeof c.headers !== 'object')) {
    fail(`${prefix}headers`, 'an object of header names and values', c.headers);
  }
  if (c.redact !== undefined) checkRedact(c.redact, `${prefix}redact`);
  checkPayloadOptions(c, prefix);
  if (c.middleware !== undefined) functionList(c.middleware, `${prefix}middleware`);
  for (const key of ['httpAgent', 'httpsAgent'] as const) {
    const value = c[key];
    if (value !== undefined && value !== null && value !== false && typeof value !== 'object') {
      fail(`${prefix}${key}`, 'an http(s).Agent', value);
    }
  }
}

function checkRedact(value: unknown, option: string): void {
  if (
    Array.isArray(value) &&
    value.every((rule) => (typeof rule === 'string' && rule !== '') || rule instanceof RegExp)
  ) {
    return;
  }
  fail(option, "an array of header, query parameter or field names and RegExps (axios's redact, extended)", value);
}

function checkThrowHttpErrors(value: unknown, option: string): void {
  if (typeof value === 'boolean' || typeof value === 'function') return;
  if (Array.isArray(value) && value.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)) return;
  fail(
    option,
    'true, false, a list of statuses (100-599) that should not throw, or a function (status) => boolean',
    value,
  );
}

function checkBaseURL(value: unknown): void {
  const expected = 'an absolute http:// or https:// URL, such as "https://api.example.com/v1"';
  if (typeof value !== 'string') fail('baseURL', expected, value);
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new ConfigurationError(`Invalid baseURL ${JSON.stringify(value)}: expected ${expected}`, {
      option: 'baseURL',
    });
  }
}

function functionList<F>(value: unknown, option: string): readonly F[] {
  if (!Array.isArray(value)) fail(option, 'an array of functions', value);
  (value as unknown[]).forEach((item, index) => {
    if (typeof item !== 'function') fail(`${option}[${index}]`, 'a function', item);
  });
  return Object.freeze([...(value as F[])]);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function fail(option: string, expected: string, got: unknown): never {
  throw new ConfigurationError(`Invalid ${option}: expected ${expected}; got ${describeValue(got)}`, { option });
}
