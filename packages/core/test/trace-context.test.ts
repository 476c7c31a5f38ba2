import { CircuitBreakerOpenError, createClient, definePlugin, REDACTED, traceparent } from '@axle/core';
import { context, metrics, propagation, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { sendJson, startServer, type TestServer } from '../../../test-support/http-server';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const reader = new TestReader();
const meterProvider = new MeterProvider({ readers: [reader] });
const contextManager = new AsyncLocalStorageContextManager();

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

let server: TestServer;
let calls = 0;
beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
  metrics.setGlobalMeterProvider(meterProvider);
  server = await startServer((req, res) => {
    calls += 1;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/fail') return sendJson(res, 503, {});
    if (path === '/flaky') return calls % 2 === 1 ? sendJson(res, 503, {}) : sendJson(res, 200, {});
    if (path === '/missing') return sendJson(res, 404, {});
    sendJson(res, 200, { traceparent: req.headers.traceparent ?? null, tracestate: req.headers.tracestate ?? null });
  });
});
afterAll(async () => {
  await server.close();
  trace.disable();
  metrics.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

describe('trace context', () => {
  it('generates a traceparent when there is none and no active span, and keeps one the caller set', async () => {
    const api = createClient({ baseURL: server.url, trace: true });
    const { data } = await api.get('/ok');
    expect(data.traceparent).toMatch(TRACEPARENT);
    const mine = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const kept = await api.get('/ok', { headers: { traceparent: mine, tracestate: 'a=1' } });
    expect(kept.data).toEqual({ traceparent: mine, tracestate: 'a=1' });
    await api.close();
  });

  it('propagates the active OpenTelemetry context (trace ID, parent span, flags, tracestate)', async () => {
    const api = createClient({ baseURL: server.url, trace: true });
    const tracer = trace.getTracer('test');
    const parent = tracer.startSpan('parent');
    const { data } = await context.with(trace.setSpan(context.active(), parent), () => api.get('/ok'));
    const match = TRACEPARENT.exec(data.traceparent) as RegExpExecArray;
    expect(match[1]).toBe(parent.spanContext().traceId);
    expect(match[2]).toBe(parent.spanContext().spanId);
    parent.end();
    await api.close();
  });

  it('is the same on every attempt', async () => {
    const api = createClient({ baseURL: server.url, trace: true, retry: { retries: 2, delay: () => 0 } });
    const before = server.requests.length;
    await expect(api.get('/fail')).rejects.toThrow();
    const sent = server.requests.slice(before).map((req) => req.headers.traceparent);
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(1);
    await api.close();
  });

  it('traceparent() builds valid values', () => {
    expect(traceparent()).toMatch(TRACEPARENT);
    expect(traceparent('0'.repeat(32), 'a'.repeat(16), true)).toMatch(/^00-(?!0{32})[0-9a-f]{32}-a{16}-01$/);
  });
});

describe('telemetry', () => {
  it('records one client span per logical request with the HTTP semantic-convention attributes', async () => {
    const api = createClient({ baseURL: server.url, telemetry: true, trace: true });
    const { data } = await api.get('/ok', { params: { token: 'sekret-span-token', page: 2 } });
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const span = spans[0] as (typeof spans)[number];
    expect(span.name).toBe('GET');
    expect(span.kind).toBe(2); // SpanKind.CLIENT
    expect(span.attributes).toEqual({
      'http.request.method': 'GET',
      'url.full': `${server.url}/ok?token=${REDACTED}&page=2`,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'http.response.status_code': 200,
    });
    // The traceparent sent is the client span's.
    expect(data.traceparent).toContain(span.spanContext().spanId);
    expect(data.traceparent).toContain(span.spanContext().traceId);
    await api.close();
  });

  it('adds an event per retry, the resend count, and error.type on failure', async () => {
    const api = createClient({ baseURL: server.url, telemetry: true, retry: { retries: 2, delay: () => 0 } });
    await expect(api.get('/fail')).rejects.toThrow();
    await api.get('/flaky');
    const [failed, flaky] = exporter.getFinishedSpans();
    expect(failed?.attributes).toMatchObject({
      'http.response.status_code': 503,
      'http.request.resend_count': 2,
      'error.type': '503',
    });
    expect(failed?.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(failed?.events.filter((e) => e.name === 'retry')).toHaveLength(2);
    expect(flaky?.attributes['http.request.resend_count']).toBe(1);
    expect(flaky?.attributes['error.type']).toBeUndefined();
    await api.close();
  });

  it('marks cache hits and open-breaker rejections on the span', async () => {
    // Stand-ins for @axle/cache (sets response.cached) and @axle/circuit-breaker (refuses at once).
    const cacheLike = definePlugin({
      name: 'cache-like',
      role: 'cache',
      install(ctx) {
        ctx.wrap(async (config, next) =>
          config.url === '/hit'
            ? Object.assign({ data: {}, status: 200, statusText: 'OK', headers: {}, config }, { cached: true })
            : next(config),
        );
      },
    });
    const breakerLike = definePlugin({
      name: 'breaker-like',
      role: 'circuit-breaker',
      install(ctx) {
        ctx.wrap(async (config, next) => {
          if (config.url !== '/refused') return next(config);
          throw new CircuitBreakerOpenError('Circuit breaker is open', {
            config,
            host: '127.0.0.1',
            state: 'open',
            retryAt: Date.now() + 1000,
          });
        });
      },
    });
    const api = createClient({ baseURL: server.url, telemetry: true, plugins: [cacheLike, breakerLike] });
    await api.get('/hit');
    await api.get('/ok');
    await expect(api.get('/refused')).rejects.toBeInstanceOf(CircuitBreakerOpenError);
    const [hit, ok, refused] = exporter.getFinishedSpans();
    expect(hit?.attributes['axle.cache.hit']).toBe(true);
    expect(ok?.attributes['axle.cache.hit']).toBeUndefined();
    expect(refused?.attributes).toMatchObject({
      'axle.circuit_breaker.rejected': true,
      'error.type': 'CircuitBreakerOpenError',
    });
    expect(ok?.attributes['axle.circuit_breaker.rejected']).toBeUndefined();
    await api.close();
  });

  it('is a child of the active span, and names connection failures by their code', async () => {
    const api = createClient({ baseURL: 'http://127.0.0.1:1', telemetry: true, retry: false });
    const parent: Span = trace.getTracer('test').startSpan('parent');
    await context.with(trace.setSpan(context.active(), parent), () => api.get('/x')).catch(() => undefined);
    parent.end();
    const span = exporter.getFinishedSpans().find((s) => s.name === 'GET');
    expect(span?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span?.attributes['error.type']).toBe('ECONNREFUSED');
    expect(span?.attributes['server.port']).toBe(1);
    await api.close();
  });

  it('records http.client.request.duration in seconds', async () => {
    const api = createClient({ baseURL: server.url, telemetry: true, throwHttpErrors: false, retry: false });
    await api.get('/ok');
    await api.get('/missing');
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((m) => m.descriptor.name === 'http.client.request.duration');
    expect(metric?.descriptor.unit).toBe('s');
    const points = (metric?.dataPoints ?? []) as { attributes: Record<string, unknown>; value: { count: number } }[];
    const ok = points.find((p) => p.attributes['http.response.status_code'] === 200);
    const missing = points.find((p) => p.attributes['http.response.status_code'] === 404);
    expect(ok?.attributes).toMatchObject({ 'http.request.method': 'GET', 'server.address': '127.0.0.1' });
    expect(ok?.value.count).toBeGreaterThanOrEqual(1);
    expect(missing?.attributes['error.type']).toBe('404');
    await api.close();
  });
});
