import {
  ConfigurationError,
  createClient,
  type LogLevel,
  loggingMiddleware,
  type Middleware,
  metricsMiddleware,
  REDACTED,
  type RequestMetric,
  timingMiddleware,
} from '@axle/core';
import type { AxiosResponse } from 'axios';
import { sendJson, startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url?.startsWith('/fail')) return sendJson(res, 503, {});
    sendJson(res, 200, { via: req.headers['x-via'] ?? null });
  });
});
afterAll(() => server.close());

const named =
  (log: string[], name: string): Middleware =>
  async (config, next) => {
    log.push(`in:${name}`);
    const response = await next(config);
    log.push(`out:${name}`);
    return response;
  };

describe('client.with and per-request middleware', () => {
  it('with() returns a new client with the middleware appended; the original is unchanged', async () => {
    const log: string[] = [];
    const api = createClient({ baseURL: server.url, middleware: [named(log, 'a')] });
    const withB = api.with(named(log, 'b'), named(log, 'c'));
    expect(withB).not.toBe(api);
    await withB.get('/');
    expect(log).toEqual(['in:a', 'in:b', 'in:c', 'out:c', 'out:b', 'out:a']);
    log.length = 0;
    await api.get('/');
    expect(log).toEqual(['in:a', 'out:a']);
    expect(withB.events).toBe(api.events);
    await api.close();
  });

  it('per-request middleware runs after the client middleware, may short-circuit, and is checked', async () => {
    const log: string[] = [];
    const api = createClient({ baseURL: server.url, middleware: [named(log, 'client')] });
    const short: Middleware = async (config) =>
      ({ data: 'short', status: 200, statusText: 'OK', headers: {}, config }) as AxiosResponse;
    await api.get('/', { middleware: [named(log, 'request')] });
    expect(log).toEqual(['in:client', 'in:request', 'out:request', 'out:client']);
    const before = server.requests.length;
    expect((await api.get('/', { middleware: [short] })).data).toBe('short');
    expect(server.requests.length).toBe(before);
    await expect(api.get('/', { middleware: ['nope'] as never })).rejects.toThrow(ConfigurationError);
    await api.close();
  });

  it('per-request middleware that sets a header does not leak it into retries of other requests', async () => {
    const api = createClient({ baseURL: server.url, retry: { retries: 1, delay: () => 0 } });
    const setVia: Middleware = (config, next) => {
      config.headers.set('X-Via', 'request');
      return next(config);
    };
    expect((await api.get('/', { middleware: [setVia] })).data.via).toBe('request');
    expect((await api.get('/')).data.via).toBeNull();
    await expect(api.get('/fail', { middleware: [setVia] })).rejects.toThrow();
    await api.close();
  });
});

describe('built-in middleware', () => {
  it('timingMiddleware adds durationMs to the response', async () => {
    const api = createClient({ baseURL: server.url }).with(timingMiddleware());
    const response = await api.get('/');
    expect(response.durationMs).toEqual(expect.any(Number));
    expect(response.durationMs).toBeGreaterThan(0);
    await api.close();
  });

  it('metricsMiddleware reports each attempt to a collector function or object, with redacted URLs', async () => {
    const samples: RequestMetric[] = [];
    const api = createClient({
      baseURL: server.url,
      retry: { retries: 1, delay: () => 0 },
      middleware: [metricsMiddleware((m) => samples.push(m))],
    });
    await api.get('/ok', { params: { token: 'sekret-m' } });
    await expect(api.get('/fail')).rejects.toThrow();
    expect(samples).toEqual([
      expect.objectContaining({ method: 'GET', url: `${server.url}/ok?token=${REDACTED}`, status: 200, attempt: 1 }),
      expect.objectContaining({ status: 503, error: 'ServerError', attempt: 1 }),
      expect.objectContaining({ status: 503, error: 'ServerError', attempt: 2 }),
    ]);
    const recorded: RequestMetric[] = [];
    const throwing = createClient({
      baseURL: server.url,
      middleware: [
        metricsMiddleware({ record: (m) => recorded.push(m) }),
        metricsMiddleware(() => {
          throw new Error('collector down');
        }),
      ],
    });
    expect((await throwing.get('/')).status).toBe(200);
    expect(recorded).toHaveLength(1);
    expect(() => metricsMiddleware({} as never)).toThrow(ConfigurationError);
    await api.close();
    await throwing.close();
  });

  it('loggingMiddleware logs each call with redaction, at the level asked', async () => {
    const calls: [LogLevel, unknown[]][] = [];
    const logger = {
      debug: (...args: unknown[]) => calls.push(['debug', args]),
      info: (...args: unknown[]) => calls.push(['info', args]),
      warn: (...args: unknown[]) => calls.push(['warn', args]),
      error: (...args: unknown[]) => calls.push(['error', args]),
    };
    const api = createClient({ baseURL: server.url, retry: false });
    await api.get('/ok', {
      params: { api_key: 'sekret-lm' },
      headers: { Authorization: 'Bearer sekret-lm2' },
      middleware: [loggingMiddleware({ logger, level: 'debug', logBodyBytes: 100 })],
    });
    await api.get('/fail', { middleware: [loggingMiddleware({ logger })] }).catch(() => undefined);
    expect(calls.map(([level, args]) => [level, (args[0] as { event: string }).event])).toEqual([
      ['debug', 'response'],
      ['warn', 'failed'],
    ]);
    const text = JSON.stringify(calls);
    expect(text).not.toContain('sekret-lm');
    expect(calls[0]?.[1][0]).toMatchObject({
      status: 200,
      headers: { Authorization: REDACTED },
      responseBody: '{"via":null}',
    });
    expect(() => loggingMiddleware({ logger: {} as never })).toThrow(ConfigurationError);
    await api.close();
  });
});
