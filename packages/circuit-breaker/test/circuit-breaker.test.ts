// The breaker in a real client against real local servers: what reaches the server, and what not.

import { type CircuitBreakerRejectEvent, circuitBreaker } from '@axle/circuit-breaker';
import {
  type AxleInstance,
  CircuitBreakerOpenError,
  ConfigurationError,
  ConnectionError,
  createClient,
  definePlugin,
  NotFoundError,
  ReadTimeoutError,
  ServerError,
} from '@axle/core';
import type { AxiosResponse } from 'axios';
import { closedPort, startServer, type TestServer } from '../../../test-support/http-server';

// Each server answers from a script per path: a status, or 'hang' (never answers).
interface Scripted extends TestServer {
  status: number;
  delay: number;
}

async function scriptedServer(status = 200): Promise<Scripted> {
  const state = { status, delay: 0 };
  const server = await startServer((req, res) => {
    if (req.url === '/hang') return;
    const send = () => {
      res.writeHead(state.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: state.status }));
    };
    if (state.delay > 0) setTimeout(send, state.delay);
    else send();
  });
  // Accessors, so a test can change what the running server answers.
  return Object.defineProperties(server, {
    status: { get: () => state.status, set: (value: number) => (state.status = value) },
    delay: { get: () => state.delay, set: (value: number) => (state.delay = value) },
  }) as Scripted;
}

const settle = <T>(promise: Promise<T>): Promise<T | unknown> => promise.catch((error: unknown) => error);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let a: Scripted;
let b: Scripted;
const clients: AxleInstance[] = [];
function client(...args: Parameters<typeof createClient>): AxleInstance {
  const api = createClient(...args);
  clients.push(api);
  return api;
}

beforeAll(async () => {
  a = await scriptedServer();
  b = await scriptedServer();
});
afterAll(async () => {
  await a.close();
  await b.close();
});
beforeEach(() => {
  a.status = 200;
  a.delay = 0;
  b.status = 200;
  b.delay = 0;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((api) => api.close()));
});

describe('against a real server', () => {
  it('after the threshold, the server sees nothing more (no request, no connection) while callers get CircuitBreakerOpenError', async () => {
    a.status = 503;
    const breaker = circuitBreaker({ failureThreshold: 5, resetTimeout: 60_000 });
    const api = client({ baseURL: a.url, plugins: [breaker], retry: false });
    const start = a.requests.length;
    for (let i = 0; i < 5; i++) await expect(api.get('/orders')).rejects.toBeInstanceOf(ServerError);
    expect(a.requests.length - start).toBe(5);
    expect(breaker.state).toBe('open');

    const requests = a.requests.length;
    const connections = a.connections;
    const results = await Promise.all(Array.from({ length: 50 }, () => settle(api.get('/orders'))));
    for (const error of results) {
      expect(error).toBeInstanceOf(CircuitBreakerOpenError);
      expect(error).toMatchObject({ host: '*', state: 'open' });
    }
    expect(a.requests.length).toBe(requests);
    expect(a.connections).toBe(connections);
    expect(breaker.metrics).toMatchObject({ failureCount: 5, rejectedCount: 50 });
  });

  it('after resetTimeout exactly halfOpenMaxCalls requests reach the server, the rest are rejected; their success closes it', async () => {
    a.status = 503;
    const breaker = circuitBreaker({
      failureThreshold: 2,
      resetTimeout: 150,
      halfOpenMaxCalls: 3,
      successThreshold: 3,
    });
    const api = client({ baseURL: a.url, plugins: [breaker], retry: false });
    await settle(api.get('/'));
    await settle(api.get('/'));
    expect(breaker.state).toBe('open');
    await sleep(200);

    a.status = 200;
    a.delay = 100; // the probes are still running while the others arrive
    const before = a.requests.length;
    const results = await Promise.all(Array.from({ length: 20 }, () => settle(api.get('/'))));
    expect(a.requests.length - before).toBe(3);
    const ok = results.filter((r) => (r as AxiosResponse).status === 200);
    const refused = results.filter((r) => r instanceof CircuitBreakerOpenError);
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(17);
    expect(refused[0]).toMatchObject({ state: 'half_open' });
    expect(breaker.state).toBe('closed');

    a.delay = 0;
    const later = await Promise.all(Array.from({ length: 10 }, () => api.get('/')));
    expect(later.every((r) => r.status === 200)).toBe(true);
  });

  it('connection errors and timeouts count', async () => {
    const port = await closedPort();
    const refused = circuitBreaker({ failureThreshold: 2 });
    const down = client({ baseURL: `http://127.0.0.1:${port}`, plugins: [refused], retry: false });
    await expect(down.get('/')).rejects.toBeInstanceOf(ConnectionError);
    await expect(down.get('/')).rejects.toBeInstanceOf(ConnectionError);
    await expect(down.get('/')).rejects.toBeInstanceOf(CircuitBreakerOpenError);

    const slow = circuitBreaker({ failureThreshold: 1 });
    const api = client({ baseURL: a.url, plugins: [slow], retry: false, timeout: { response: 50 } });
    await expect(api.get('/hang')).rejects.toBeInstanceOf(ReadTimeoutError);
    expect(slow.state).toBe('open');
  });

  it('4xx never counts, whatever the volume', async () => {
    a.status = 404;
    const breaker = circuitBreaker({ failureThreshold: 1 });
    const api = client({ baseURL: a.url, plugins: [breaker], retry: false });
    for (let i = 0; i < 20; i++) await expect(api.get('/missing')).rejects.toBeInstanceOf(NotFoundError);
    a.status = 429;
    for (let i = 0; i < 5; i++) await settle(api.get('/limited'));
    expect(breaker.metrics).toMatchObject({ state: 'closed', failureCount: 0, successCount: 25 });
  });

  it('excluded errors do not count', async () => {
    const port = await closedPort();
    const breaker = circuitBreaker({ failureThreshold: 1, excludedErrors: [ConnectionError] });
    const api = client({ baseURL: `http://127.0.0.1:${port}`, plugins: [breaker], retry: false });
    for (let i = 0; i < 3; i++) await expect(api.get('/')).rejects.toBeInstanceOf(ConnectionError);
    expect(breaker.metrics).toMatchObject({ state: 'closed', ignoredCount: 3, failureCount: 0 });
  });

  it('fallback answers refused requests with its response, sending nothing; its own error propagates', async () => {
    a.status = 503;
    const seen: unknown[] = [];
    const rejects: CircuitBreakerRejectEvent[] = [];
    const breaker = circuitBreaker({
      failureThreshold: 1,
      fallback: (config, error) => {
        seen.push(error);
        if (config.url === '/broken') throw new Error('no fallback for this');
        return { data: { cached: true }, status: 200, statusText: 'OK (fallback)', headers: {}, config };
      },
    });
    const api = client({ baseURL: a.url, plugins: [breaker], retry: false });
    api.events.on('breaker:reject', (e) => rejects.push(e));
    await expect(api.get('/users')).rejects.toBeInstanceOf(ServerError);
    const requests = a.requests.length;
    const response = await api.get('/users');
    expect(response).toMatchObject({ status: 200, data: { cached: true }, statusText: 'OK (fallback)' });
    expect(seen[0]).toBeInstanceOf(CircuitBreakerOpenError);
    expect(rejects[0]).toMatchObject({ fallback: true, state: 'open' });
    await expect(api.get('/broken')).rejects.toThrow('no fallback for this');
    expect(a.requests.length).toBe(requests);

    const asyncFallback = circuitBreaker({
      failureThreshold: 1,
      fallback: async (config) => ({ data: 'later', status: 203, statusText: '', headers: {}, config }),
    });
    const other = client({ baseURL: a.url, plugins: [asyncFallback], retry: false });
    await settle(other.get('/'));
    expect((await other.get('/')).data).toBe('later');
  });

  it('a cache-role plugin answering before the breaker takes no permit', async () => {
    const breaker = circuitBreaker({ failureThreshold: 1 });
    const cache = definePlugin({
      name: 'always-hit',
      role: 'cache',
      install(ctx) {
        ctx.wrap(async (config) => ({ data: 'hit', status: 200, statusText: 'OK', headers: {}, config }));
        return undefined;
      },
    });
    breaker.forceOpen();
    const api = client({ baseURL: a.url, plugins: [breaker, cache], retry: false });
    expect((await api.get('/')).data).toBe('hit');
    expect(breaker.metrics).toMatchObject({ rejectedCount: 0, successCount: 0 });
  });
});

describe('per host', () => {
  it('one failing origin does not open the breaker of another', async () => {
    a.status = 503;
    const breaker = circuitBreaker({ failureThreshold: 2, perHost: true });
    const api = client({ plugins: [breaker], retry: false });
    await settle(api.get(`${a.url}/x`));
    await settle(api.get(`${a.url}/y`));
    await expect(api.get(`${a.url}/z`)).rejects.toMatchObject({ host: a.url, state: 'open' });
    const before = b.requests.length;
    for (let i = 0; i < 5; i++) expect((await api.get(`${b.url}/x`)).status).toBe(200);
    expect(b.requests.length - before).toBe(5);

    expect(breaker.forHost(a.url).state).toBe('open');
    expect(breaker.forHost(`${b.url}/any/path?q=1`).state).toBe('closed');
    expect(breaker.forHost(b.url).metrics.successCount).toBe(5);
    expect(breaker.hosts).toEqual([a.url, b.url]);
    // The whole breaker reports the worst state and summed counts.
    expect(breaker.state).toBe('open');
    expect(breaker.metrics).toMatchObject({ failureCount: 2, successCount: 5, rejectedCount: 1 });
    const message = ((await settle(api.get(`${a.url}/z`))) as Error).message;
    expect(message).toMatch(new RegExp(`^Circuit breaker of ${a.url} is open; request not sent`));
  });

  it('without perHost, one breaker covers every origin the client calls', async () => {
    a.status = 503;
    const breaker = circuitBreaker({ failureThreshold: 1 });
    const api = client({ plugins: [breaker], retry: false });
    await settle(api.get(`${a.url}/x`));
    await expect(api.get(`${b.url}/x`)).rejects.toMatchObject({ host: '*' });
    expect(breaker.hosts).toEqual(['*']);
  });

  it('keeps at most maxHosts breakers, dropping the least recently used', async () => {
    const c = await scriptedServer();
    try {
      a.status = 503;
      const breaker = circuitBreaker({ failureThreshold: 1, perHost: true, maxHosts: 2 });
      const api = client({ plugins: [breaker], retry: false });
      await settle(api.get(`${a.url}/`));
      await api.get(`${b.url}/`);
      await settle(api.get(`${a.url}/`)); // a is used again: b is now the oldest
      expect(breaker.hosts).toEqual([b.url, a.url]);
      await api.get(`${c.url}/`);
      expect(breaker.hosts).toEqual([a.url, c.url]);
      expect(breaker.forHost(a.url).state).toBe('open');
      await api.get(`${b.url}/`);
      expect(breaker.hosts).toEqual([c.url, b.url]);
      // a was dropped with its state: it starts closed again.
      a.status = 200;
      expect((await api.get(`${a.url}/`)).status).toBe(200);
    } finally {
      await c.close();
    }
  });

  it('forHost(...).forceOpen() stops one host only; forceOpen() of the whole breaker covers hosts seen later', async () => {
    const breaker = circuitBreaker({ perHost: true });
    const api = client({ plugins: [breaker], retry: false });
    breaker.forHost(a.url).forceOpen();
    await expect(api.get(`${a.url}/`)).rejects.toBeInstanceOf(CircuitBreakerOpenError);
    expect((await api.get(`${b.url}/`)).status).toBe(200);
    breaker.forHost(a.url).reset();
    expect((await api.get(`${a.url}/`)).status).toBe(200);

    breaker.reset();
    breaker.forceOpen();
    expect(breaker.forced).toBe('open');
    expect(breaker.forHost('http://never.seen.test').state).toBe('open');
    await expect(api.get(`${b.url}/`)).rejects.toMatchObject({ host: b.url, retryAt: undefined });
    breaker.forceClose();
    expect(breaker.forced).toBe('closed');
    expect((await api.get(`${b.url}/`)).status).toBe(200);
    breaker.forHost(b.url).forceClose();
    expect(breaker.forHost(b.url).metrics.forced).toBe('closed');
    breaker.reset();
    expect(breaker.hosts).toEqual([]);
    expect(breaker.forced).toBeUndefined();
  });
});

describe('lifecycle', () => {
  it('close() leaves no timer or socket behind; the breaker itself never starts a timer', async () => {
    const count = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length;
    const before = count();
    a.status = 503;
    const breaker = circuitBreaker({ failureThreshold: 1, resetTimeout: 3_600_000, perHost: true });
    const api = createClient({ baseURL: a.url, plugins: [breaker], retry: false });
    await settle(api.get('/'));
    await settle(api.get('/'));
    expect(breaker.state).toBe('open');
    await api.close();
    await sleep(20);
    expect(count()).toBeLessThanOrEqual(before);
    // What the breaker knew is still there to be saved.
    expect(breaker.snapshot().circuits[0]).toMatchObject({ host: a.url, state: 'open' });
    expect(breaker.state).toBe('open');
  });

  it('a handle installed on a second client while the first holds it is a ConfigurationError; after close it can move', async () => {
    const breaker = circuitBreaker({ failureThreshold: 1 });
    const first = createClient({ baseURL: a.url, plugins: [breaker] });
    expect(() => createClient({ baseURL: a.url, plugins: [breaker] })).toThrow(ConfigurationError);
    breaker.forceOpen();
    await first.close();
    const second = client({ baseURL: a.url, plugins: [breaker], retry: false });
    await expect(second.get('/')).rejects.toBeInstanceOf(CircuitBreakerOpenError);
  });

  it('clients made by extend share the breaker', async () => {
    a.status = 503;
    const breaker = circuitBreaker({ failureThreshold: 1 });
    const api = client({ baseURL: a.url, plugins: [breaker], retry: false });
    const admin = api.extend({ headers: { 'X-Role': 'admin' } });
    await settle(admin.get('/'));
    await expect(api.get('/')).rejects.toBeInstanceOf(CircuitBreakerOpenError);
  });
});
