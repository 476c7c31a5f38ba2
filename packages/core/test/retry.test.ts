import {
  CircuitBreakerOpenError,
  ConfigurationError,
  ConnectionError,
  createClient,
  definePlugin,
  RateLimitError,
  type RetryInfo,
  ServerError,
  TimeoutError,
} from '@axle/core';
import axios from 'axios';
import { startServer, type TestServer } from '../../../test-support/http-server';

// Some tests bound wall-clock times (a wait that must end early, a socket released within 100 ms);
// on a shared 2-core machine a stall can push one past its bound. A failure is retried up to twice
// and each failure is printed; three misses fail the suite. Every test here uses the file's one
// server, so a failed attempt leaves nothing listening.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

// Routes answer from a per-path script of statuses; 'reset' destroys the socket.
let server: TestServer;
const scripts = new Map<string, (number | 'reset' | [number, Record<string, string>])[]>();
const hits = new Map<string, number>();

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const step = scripts.get(path)?.shift() ?? 200;
    if (step === 'reset') {
      req.socket.destroy();
      return;
    }
    const [status, headers] = Array.isArray(step) ? step : [step, {}];
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(
      JSON.stringify({ status, key: req.headers['idempotency-key'] ?? null, auth: req.headers.authorization ?? null }),
    );
  });
});
afterAll(() => server.close());
beforeEach(() => {
  scripts.clear();
  hits.clear();
});

const fast = { baseDelay: 1, maxDelay: 5 };

describe('retry', () => {
  it('503, 503, 200 → one success after 3 attempts; the server saw exactly 3', async () => {
    scripts.set('/flaky', [503, 503, 200]);
    const api = createClient({ baseURL: server.url, retry: fast });
    const response = await api.get('/flaky');
    expect(response.status).toBe(200);
    expect(response.config.axle?.attempt).toBe(3);
    expect(hits.get('/flaky')).toBe(3);
    await api.close();
  });

  it('gives up after `retries` and rejects with the last error', async () => {
    scripts.set('/down', [500, 502, 503, 504, 500]);
    const api = createClient({ baseURL: server.url, retry: { ...fast, retries: 2 } });
    const error = await api.get('/down').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(503);
    expect(hits.get('/down')).toBe(3);
    await api.close();
  });

  it('does not retry statuses outside the list, nor when turned off', async () => {
    scripts.set('/bad', [400, 200]);
    scripts.set('/off', [503, 200]);
    scripts.set('/zero', [503, 200]);
    const api = createClient({ baseURL: server.url, retry: fast });
    await expect(api.get('/bad')).rejects.toMatchObject({ status: 400 });
    await expect(api.get('/off', { retry: false })).rejects.toMatchObject({ status: 503 });
    await expect(api.get('/zero', { retry: 0 })).rejects.toMatchObject({ status: 503 });
    expect([hits.get('/bad'), hits.get('/off'), hits.get('/zero')]).toEqual([1, 1, 1]);
    await api.close();
    const off = createClient({ baseURL: server.url, retry: false });
    scripts.set('/client-off', [503, 200]);
    await expect(off.get('/client-off')).rejects.toBeInstanceOf(ServerError);
    scripts.set('/per-request-on', [503, 200]);
    expect((await off.get('/per-request-on', { retry: { retries: 1, baseDelay: 1 } })).status).toBe(200);
    await off.close();
  });

  it('POST 503 is not retried; POST with an Idempotency-Key is, with the same key each time', async () => {
    scripts.set('/orders', [503, 200]);
    const api = createClient({ baseURL: server.url, retry: fast });
    await expect(api.post('/orders', { a: 1 })).rejects.toBeInstanceOf(ServerError);
    expect(hits.get('/orders')).toBe(1);

    scripts.set('/keyed', [503, 503, 200]);
    const keys: unknown[] = [];
    api.events.on('response', ({ response }) => keys.push(response.data.key));
    api.events.on('error', ({ error }) => keys.push((error as ServerError).response.data));
    const response = await api.post('/keyed', { a: 1 }, { headers: { 'Idempotency-Key': 'k-123' } });
    expect(response.data.key).toBe('k-123');
    expect(hits.get('/keyed')).toBe(3);
    await api.close();
  });

  it('idempotencyKey: true generates one UUID and keeps it on every attempt; methods opt POST in', async () => {
    scripts.set('/gen', [503, 503, 200]);
    const api = createClient({ baseURL: server.url, retry: { ...fast, idempotencyKey: true } });
    const response = await api.post('/gen', {});
    const sent = server.requests.slice(-3).map((r) => r.headers['idempotency-key']);
    expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(sent).size).toBe(1);
    expect(response.data.key).toBe(sent[0]);
    scripts.set('/patch', [503, 200]);
    expect((await api.patch('/patch', {}, { retry: { methods: ['PATCH'] } })).status).toBe(200);
    await api.close();
  });

  it('a 429 on POST is retried: the server refused the work', async () => {
    scripts.set('/limited', [[429, { 'retry-after': '0' }], 201]);
    const api = createClient({ baseURL: server.url, retry: fast });
    expect((await api.post('/limited', {})).status).toBe(201);
    expect(hits.get('/limited')).toBe(2);
    await api.close();
  });

  it('Retry-After: 1 makes the retry wait at least a second', async () => {
    scripts.set('/after', [[503, { 'retry-after': '1' }], 200]);
    const api = createClient({ baseURL: server.url, retry: fast });
    const started = performance.now();
    expect((await api.get('/after')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    await api.close();
  });

  it('Retry-After beyond maxRetryAfter fails at once, carrying retryAfter', async () => {
    scripts.set('/hour', [[429, { 'retry-after': '3600' }], 200]);
    const api = createClient({ baseURL: server.url, retry: fast });
    const started = performance.now();
    const error = await api.get('/hour').catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(3600);
    expect(hits.get('/hour')).toBe(1);
    await api.close();
  });

  it('retries network errors on idempotent methods only', async () => {
    scripts.set('/reset', ['reset', 'reset', 200]);
    const api = createClient({ baseURL: server.url, retry: fast });
    expect((await api.get('/reset')).status).toBe(200);
    expect(hits.get('/reset')).toBe(3);
    scripts.set('/reset-post', ['reset', 200]);
    await expect(api.post('/reset-post', {})).rejects.toBeInstanceOf(ConnectionError);
    expect(hits.get('/reset-post')).toBe(1);
    await expect(api.get('/reset', { retry: { networkErrors: false } })).resolves.toBeTruthy();
    scripts.set('/reset-off', ['reset', 200]);
    await expect(api.get('/reset-off', { retry: { networkErrors: false } })).rejects.toBeInstanceOf(ConnectionError);
    await api.close();
  });

  it('does not retry what never left the client: a plugin rejection or a bad option', async () => {
    const refusing = definePlugin({
      name: 'refuser',
      role: 'circuit-breaker',
      install(ctx) {
        ctx.wrap(async (config) => {
          throw new CircuitBreakerOpenError('Circuit open', { config, host: 'h', state: 'open' });
        });
        return undefined;
      },
    });
    const retries: unknown[] = [];
    const api = createClient({ baseURL: server.url, retry: fast, plugins: [refusing] });
    api.events.on('retry', (info) => retries.push(info));
    await expect(api.get('/refused')).rejects.toBeInstanceOf(CircuitBreakerOpenError);
    expect(retries).toEqual([]);
    await api.close();
  });

  it('does not resend a stream body', async () => {
    scripts.set('/upload', [503, 200]);
    const { Readable } = await import('node:stream');
    const api = createClient({ baseURL: server.url, retry: fast });
    await expect(api.put('/upload', Readable.from(['a', 'b']))).rejects.toBeInstanceOf(ServerError);
    expect(hits.get('/upload')).toBe(1);
    await api.close();
  });

  it('reports every retry to onRetry and the retry event, with attempt, delay and reason', async () => {
    scripts.set('/r', [503, 'reset', 200]);
    const seen: RetryInfo[] = [];
    const events: RetryInfo[] = [];
    const api = createClient({
      baseURL: server.url,
      retry: { retries: 3, delay: (attempt) => attempt * 3, onRetry: (i) => seen.push(i) },
    });
    api.events.on('retry', (info) => events.push(info));
    await api.get('/r');
    expect(seen.map(({ attempt, delay, reason }) => ({ attempt, delay, reason }))).toEqual([
      { attempt: 1, delay: 3, reason: 503 },
      { attempt: 2, delay: 6, reason: 'ECONNRESET' },
    ]);
    expect(events).toEqual(seen);
    await api.close();
  });

  it('backs off with full jitter below base × 2^n, capped at maxDelay', async () => {
    scripts.set('/j', [503, 503, 503, 200]);
    const delays: number[] = [];
    const api = createClient({
      baseURL: server.url,
      retry: { baseDelay: 20, maxDelay: 50, onRetry: ({ delay }) => delays.push(delay) },
    });
    await api.get('/j');
    expect(delays).toHaveLength(3);
    expect(delays[0]).toBeLessThan(20);
    expect(delays[1]).toBeLessThan(40);
    expect(delays[2]).toBeLessThan(50);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(0);
    await api.close();
  });
});

describe('every attempt goes through the pipeline again', () => {
  it('credentials and request hooks run per attempt with its number; user response interceptors run once', async () => {
    scripts.set('/again', [503, 503, 200]);
    let issued = 0;
    const auth = definePlugin({
      name: 'rotating-token',
      role: 'credentials',
      install(ctx) {
        ctx.onConfig((config) => {
          issued += 1;
          config.headers.set('Authorization', `Bearer t${issued}`);
        });
        return undefined;
      },
    });
    const hookAttempts: number[] = [];
    const api = createClient({
      baseURL: server.url,
      retry: fast,
      plugins: [auth],
      hooks: { request: [(config) => void hookAttempts.push(config.axle?.attempt ?? -1)] },
    });
    const interceptor = jest.fn((response) => response);
    api.interceptors.response.use(interceptor);
    const response = await api.get('/again');
    expect(response.data.auth).toBe('Bearer t3');
    expect(server.requests.slice(-3).map((r) => r.headers.authorization)).toEqual([
      'Bearer t1',
      'Bearer t2',
      'Bearer t3',
    ]);
    expect(hookAttempts).toEqual([1, 2, 3]);
    expect(interceptor).toHaveBeenCalledTimes(1);
    await api.close();
  });
});

describe('cancellation during backoff', () => {
  it('aborting the signal during the wait rejects at once with CanceledError', async () => {
    scripts.set('/wait', [[503, { 'retry-after': '30' }], 200]);
    const api = createClient({ baseURL: server.url });
    const controller = new AbortController();
    api.events.on('retry', () => setTimeout(() => controller.abort(), 20));
    const started = performance.now();
    const error = await api.get('/wait', { signal: controller.signal }).catch((e: unknown) => e);
    expect(axios.isCancel(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(hits.get('/wait')).toBe(1);
    await api.close();
  });

  it('a signal already aborted before the wait cancels too', async () => {
    scripts.set('/pre', [503, 200]);
    const controller = new AbortController();
    const api = createClient({ baseURL: server.url, retry: { retries: 1, onRetry: () => controller.abort() } });
    await expect(api.get('/pre', { signal: controller.signal })).rejects.toMatchObject({ code: 'ERR_CANCELED' });
    await api.close();
  });
});

describe('total deadline', () => {
  it('total: 500 with retries that would take longer fails by ~500 ms with the last error as cause', async () => {
    scripts.set(
      '/slow-fail',
      Array.from({ length: 20 }, () => 503),
    );
    const api = createClient({
      baseURL: server.url,
      retry: { retries: 10, delay: () => 200 },
      timeout: { total: 500 },
    });
    const started = performance.now();
    const error = await api.get('/slow-fail').catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toContain(
      'within its total deadline of 500 ms (the next retry would start in 200 ms)',
    );
    expect((error as TimeoutError).cause).toBeInstanceOf(ServerError);
    expect(elapsed).toBeLessThan(650);
    expect(hits.get('/slow-fail')).toBeLessThanOrEqual(3);
    await api.close();
  });
});

describe('total deadline during a backoff wait', () => {
  it('fails with the deadline error, the last attempt error as cause', async () => {
    scripts.set('/wait-deadline', [503, 503, 503]);
    // Make the clock claim, just once, that there is time for the wait, so the deadline fires
    // during it: the race that timers and Date.now() can produce near the deadline.
    const realNow = Date.now.bind(Date);
    const api = createClient({
      baseURL: server.url,
      timeout: { total: 100 },
      retry: {
        retries: 2,
        delay: () => {
          jest.spyOn(Date, 'now').mockImplementationOnce(() => realNow() - 10_000);
          return 300;
        },
      },
    });
    const started = performance.now();
    const error = await api.get('/wait-deadline').catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(250);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toContain('exceeded its total deadline of 100 ms');
    expect((error as TimeoutError).cause).toBeInstanceOf(ServerError);
    await api.close();
  });
});

describe('retry budget', () => {
  it('caps retries to the budget: with none left, the first error is final', async () => {
    scripts.set('/budget', [503, 503, 503, 503]);
    const api = createClient({ baseURL: server.url, retry: { ...fast, budget: { ratio: 0, minPerSecond: 0 } } });
    await expect(api.get('/budget')).rejects.toBeInstanceOf(ServerError);
    expect(hits.get('/budget')).toBe(1);
    await api.close();
  });
});

describe('options', () => {
  it.each([
    [{ retry: 'yes' }, /Invalid retry: expected false, a number of retries/],
    [{ retry: -1 }, /Invalid retry\.retries: expected a whole number, 0 or more/],
    [{ retry: { retry: 3 } }, /Unknown option retry\.retry/],
    [{ retry: { statuses: [999] } }, /retry\.statuses/],
    [{ retry: { methods: 'GET' } }, /retry\.methods/],
    [{ retry: { baseDelay: -1 } }, /retry\.baseDelay/],
    [{ retry: { networkErrors: 'no' } }, /retry\.networkErrors: expected true or false/],
    [{ retry: { onRetry: 1 } }, /retry\.onRetry: expected a function/],
    [{ retry: { idempotencyKey: 'x' } }, /retry\.idempotencyKey/],
    [{ retry: { budget: 1 } }, /retry\.budget/],
    [{ retry: { budget: { ratio: -1 } } }, /retry\.budget\.ratio/],
    [{ retry: { budget: { minPerSecond: -1 } } }, /retry\.budget\.minPerSecond/],
    [{ retry: { budget: { ttl: 10 } } }, /retry\.budget\.ttl/],
  ])('%p fails at createClient', (options, message) => {
    expect(() => createClient(options as never)).toThrow(ConfigurationError);
    expect(() => createClient(options as never)).toThrow(message);
  });

  it('a bad per-request retry rejects before anything is sent', async () => {
    const api = createClient({ baseURL: server.url });
    const count = server.requests.length;
    await expect(api.get('/x', { retry: { retries: -2 } })).rejects.toBeInstanceOf(ConfigurationError);
    expect(server.requests.length).toBe(count);
    await api.close();
  });

  it('extend inherits the retry policy and can change it', async () => {
    scripts.set('/e1', [503, 200]);
    scripts.set('/e2', [503, 200]);
    const api = createClient({ baseURL: server.url, retry: { retries: 1, baseDelay: 1 } });
    const child = api.extend({});
    expect((await child.get('/e1')).status).toBe(200);
    const noRetry = api.extend({ retry: false });
    await expect(noRetry.get('/e2')).rejects.toBeInstanceOf(ServerError);
    await api.close();
  });
});
