import type { Attributes, Histogram, Span, Tracer } from '@opentelemetry/api';
import axios, { type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { CircuitBreakerOpenError } from './circuit-breaker-error';
import { requestUrl } from './client-error';
import type { AxleEvents } from './events';
import { HTTPError } from './http-error';
import { baseRecord, errorFields, requestDetails, responseDetails, rulesOf } from './log-record';
import { type Logger, type LogLevel, levelEnabled, writeLog } from './logger';
import { typedFailure } from './pipeline';
import { redactUrl } from './redact';
import { REQUEST_ID_HEADER } from './request-id';
import type { RetryInfo } from './retry-options';
import { loadOpenTelemetry, type OpenTelemetryApi, openTelemetryNow, traceparent } from './trace-context';
import { VERSION } from './version';

/** The observability options after checks. */
export interface ObserverOptions {
  readonly logger: Logger | undefined;
  readonly logBodyBytes: number;
  readonly slowThreshold: number;
  readonly requestId: (() => string) | undefined;
  readonly trace: boolean;
  readonly telemetry: boolean;
}

/** What runs around each logical request when logging, request IDs, tracing or telemetry is on. */
export interface RequestObserver {
  /** Runs one logical request (`go`), with its ID, trace headers, span and final log record. */
  run(config: InternalAxiosRequestConfig, go: () => Promise<AxiosResponse>): Promise<AxiosResponse>;
  /** Told of every retry (after the `retry` event). */
  retry(info: RetryInfo): void;
}

const SPAN = Symbol('axle.span');

/** What the observer keeps on a request's config (copied onto every attempt's config). */
interface SpanState {
  readonly span: Span;
  retries: number;
}
const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';

interface Telemetry {
  readonly api: OpenTelemetryApi;
  readonly tracer: Tracer;
  readonly duration: Histogram;
}

/**
 * Creates the observer of a client, or `undefined` when every observability option is off (then the
 * request path does not change at all). Logging listens to the client's events.
 */
export function createRequestObserver(
  options: ObserverOptions,
  events: AxleEvents,
  shouldThrow: (error: HTTPError) => boolean,
): RequestObserver | undefined {
  const { logger, logBodyBytes, slowThreshold, requestId, trace, telemetry } = options;
  if (!logger && !requestId && !trace && !telemetry) return undefined;
  if (logger) attachLogging(logger, events, logBodyBytes, slowThreshold);

  const needsApi = trace || telemetry;
  let otel: Telemetry | undefined;
  let ready: Promise<unknown> | undefined;
  let initialised = !needsApi;
  const init = (api: OpenTelemetryApi | undefined) => {
    initialised = true;
    if (api && telemetry) {
      otel = {
        api,
        tracer: api.trace.getTracer('@axle/core', VERSION),
        duration: api.metrics.getMeter('@axle/core', VERSION).createHistogram('http.client.request.duration', {
          description: 'Duration of HTTP client requests.',
          unit: 's',
          advice: {
            explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
          },
        }),
      };
    } else if (!api && telemetry) {
      process.emitWarning('axle: telemetry is on but @opentelemetry/api is not installed; no spans are recorded', {
        code: 'AXLE_NO_OPENTELEMETRY',
      });
    }
  };
  if (needsApi) {
    const now = openTelemetryNow();
    if (now === null) ready = loadOpenTelemetry().then(init);
    else init(now);
  }

  /** The final failure of a request: typed, recorded on the span (`finish`), logged, and thrown. */
  const failed = (
    config: InternalAxiosRequestConfig,
    failure: unknown,
    finish?: (status: number | undefined, error: unknown) => void,
  ): never => {
    const error = typedFailure(failure, config);
    const status = error instanceof HTTPError ? error.status : undefined;
    const thrown = !(error instanceof HTTPError) || shouldThrow(error);
    finish?.(status, thrown || (status !== undefined && status >= 400) ? error : undefined);
    if (logger && thrown) {
      const errorConfig = (error as { config?: InternalAxiosRequestConfig }).config ?? config;
      const record = baseRecord('failed', errorConfig, errorConfig.axle?.attempt);
      record.durationMs = Date.now() - (errorConfig.axle?.startedAt ?? Date.now());
      errorFields(record, error);
      // A cancellation is the caller's decision, not a failure.
      if (axios.isCancel(error))
        writeLog(logger, 'info', { ...record, event: 'canceled' }, `${record.method} ${record.url} canceled`);
      else writeLog(logger, 'error', record, `${record.method} ${record.url} failed: ${String(record.error)}`);
    }
    throw error;
  };

  const run = (config: InternalAxiosRequestConfig, go: () => Promise<AxiosResponse>): Promise<AxiosResponse> => {
    // Logging alone: the records come from the pipeline's events; only a final failure is added here.
    if (!requestId && !needsApi) return go().then(undefined, (failure: unknown) => failed(config, failure));
    if (requestId && !config.headers.has(REQUEST_ID_HEADER)) config.headers.set(REQUEST_ID_HEADER, requestId());
    // Only the first requests of the first client wait for the API to load.
    if (!initialised) return (ready as Promise<unknown>).then(() => run(config, go));
    const api = needsApi ? openTelemetryNow() : undefined;
    let span: Span | undefined;
    let state: SpanState | undefined;
    let attributes: Attributes | undefined;
    const started = performance.now();
    if (otel) {
      attributes = spanAttributes(config);
      span = otel.tracer.startSpan(
        String(attributes['http.request.method']),
        { kind: otel.api.SpanKind.CLIENT, attributes },
        otel.api.context.active(),
      );
      state = { span, retries: 0 };
      (config as unknown as Record<symbol, unknown>)[SPAN] = state;
    }
    if (trace && !config.headers.has(TRACEPARENT)) setTraceHeaders(config, span, api ?? undefined);
    const finish = (status: number | undefined, error: unknown, response?: AxiosResponse) => {
      if (!otel || !span || !attributes || !state) return;
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      // Set by @axle/cache on responses it served from its store.
      if ((response as { cached?: unknown } | undefined)?.cached === true) span.setAttribute('axle.cache.hit', true);
      if (error instanceof CircuitBreakerOpenError) span.setAttribute('axle.circuit_breaker.rejected', true);
      if (state.retries > 0) span.setAttribute('http.request.resend_count', state.retries);
      const metric: Attributes = {
        'http.request.method': attributes['http.request.method'],
        'server.address': attributes['server.address'],
      };
      if (attributes['server.port'] !== undefined) metric['server.port'] = attributes['server.port'];
      if (status !== undefined) metric['http.response.status_code'] = status;
      if (error !== undefined) {
        const type = errorType(error, status);
        span.setAttribute('error.type', type);
        metric['error.type'] = type;
        span.setStatus({ code: otel.api.SpanStatusCode.ERROR });
        if (error instanceof Error) span.recordException(error);
      }
      span.end();
      otel.duration.record((performance.now() - started) / 1000, metric);
    };
    // The request runs in a context whose active span is the client span, so instrumentation below
    // (and the transport's own) sees it as the parent.
    const pending =
      otel && span ? otel.api.context.with(otel.api.trace.setSpan(otel.api.context.active(), span), go) : go();
    return pending.then(
      (response) => {
        finish(response.status, response.status >= 400 ? response.status : undefined, response);
        return response;
      },
      (failure: unknown) => failed(config, failure, finish),
    );
  };

  return {
    run,
    retry(info) {
      const state = (info.config as unknown as Record<symbol, SpanState | undefined>)[SPAN];
      if (!state) return;
      state.retries += 1;
      state.span.addEvent('retry', {
        'http.request.resend_count': info.attempt,
        'axle.retry.delay_ms': info.delay,
        'axle.retry.reason': String(info.reason),
      });
    },
  };
}

function spanAttributes(config: InternalAxiosRequestConfig): Attributes {
  const full = requestUrl(config) ?? '';
  const attributes: Attributes = {
    'http.request.method': (config.method ?? 'get').toUpperCase(),
    'url.full': redactUrl(full, rulesOf(config)),
  };
  try {
    const url = new URL(full);
    attributes['server.address'] = url.hostname.replace(/^\[|\]$/g, '');
    attributes['server.port'] = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  } catch {
    // A relative URL (no baseURL): no server attributes.
  }
  return attributes;
}

function errorType(error: unknown, status: number | undefined): string {
  if (status !== undefined) return String(status);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && code !== '' && error.name === 'ConnectionError' ? code : error.name;
  }
  return '_OTHER';
}

function setTraceHeaders(
  config: InternalAxiosRequestConfig,
  span: Span | undefined,
  api: OpenTelemetryApi | undefined,
): void {
  const context = span?.spanContext() ?? (api ? api.trace.getSpanContext(api.context.active()) : undefined);
  if (context && api?.isSpanContextValid(context)) {
    config.headers.set(TRACEPARENT, traceparent(context.traceId, context.spanId, (context.traceFlags & 1) === 1));
    const state = context.traceState?.serialize();
    if (state && !config.headers.has(TRACESTATE)) config.headers.set(TRACESTATE, state);
    return;
  }
  config.headers.set(TRACEPARENT, traceparent());
}

function attachLogging(logger: Logger, events: AxleEvents, logBodyBytes: number, slowThreshold: number): void {
  const debug = levelEnabled(logger, 'debug');
  const log = (level: LogLevel, record: Parameters<typeof writeLog>[2], message: string) =>
    writeLog(logger, level, record, message);
  if (debug) {
    events.on('redirect', ({ config, attempt, hop, status, from, to }) => {
      const record = { ...baseRecord('redirect', config, attempt), hop, status, from, location: to };
      log('debug', record, `↪ ${status} ${from} → ${to}`);
    });
    events.on('request', ({ config, attempt }) => {
      const record = baseRecord('request', config, attempt);
      requestDetails(record, config, logBodyBytes);
      log('debug', record, `→ ${record.method} ${record.url}`);
    });
  }
  events.on('response', ({ config, response, attempt, durationMs }) => {
    const record = baseRecord('response', config, attempt);
    record.status = response.status;
    record.durationMs = Math.round(durationMs * 1000) / 1000;
    log('info', record, `${record.method} ${record.url} ${response.status} in ${Math.round(durationMs)} ms`);
    if (slowThreshold > 0 && durationMs > slowThreshold) {
      log(
        'warn',
        { ...record, event: 'slow', slowThreshold },
        `Slow response: ${record.method} ${record.url} took ${Math.round(durationMs)} ms`,
      );
    }
    if (debug) {
      const details = baseRecord('response-details', config, attempt);
      responseDetails(details, response, logBodyBytes);
      log('debug', details, `← ${record.method} ${record.url} ${response.status}`);
    }
  });
  events.on('error', ({ config, error, attempt, durationMs }) => {
    const record = baseRecord('attempt-failed', config, attempt);
    record.durationMs = Math.round(durationMs * 1000) / 1000;
    errorFields(record, error);
    log(
      'info',
      record,
      `${record.method} ${record.url} attempt ${attempt} failed: ${String(record.status ?? record.error)}`,
    );
    const response = (error as { response?: AxiosResponse }).response;
    if (debug && response) {
      const details = baseRecord('response-details', config, attempt);
      responseDetails(details, response, logBodyBytes);
      log('debug', details, `← ${record.method} ${record.url} ${response.status}`);
    }
  });
  events.on('retry', ({ config, attempt, delay, reason }) => {
    const record = baseRecord('retry', config, attempt);
    record.delay = delay;
    record.reason = reason;
    log(
      'warn',
      record,
      `Retrying ${record.method} ${record.url} after attempt ${attempt} (${String(reason)}) in ${delay} ms`,
    );
  });
}
