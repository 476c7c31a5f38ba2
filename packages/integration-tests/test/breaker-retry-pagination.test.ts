// Plugins and core features together in one pipeline, against real local servers.
import { circuitBreaker } from '@axle/circuit-breaker';
import { CircuitBreakerOpenError, createClient, ServerError } from '@axle/core';
import { paginate, pagination } from '@axle/pagination';
import { startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;
let failFrom = Number.POSITIVE_INFINITY;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/down') {
      res.writeHead(503).end();
      return;
    }
    // /items: 10 pages of 5; pages from `failFrom` on answer 503.
    const page = Number(url.searchParams.get('page') ?? 1);
    if (page >= failFrom) {
      res.writeHead(503).end();
      return;
    }
    const items = Array.from({ length: 5 }, (_, i) => ({ id: (page - 1) * 5 + i + 1 }));
    const next = page < 10 ? `<${server.url}/items?page=${page + 1}>; rel="next"` : '';
    res.writeHead(200, { 'content-type': 'application/json', ...(next ? { link: next } : {}) });
    res.end(JSON.stringify(items));
  });
});
afterAll(() => server.close());
beforeEach(() => {
  failFrom = Number.POSITIVE_INFINITY;
});

it('every retry attempt counts as a breaker call; once open, nothing more is sent and nothing is retried', async () => {
  const breaker = circuitBreaker({ failureThreshold: 3, resetTimeout: 60_000 });
  const api = createClient({
    baseURL: server.url,
    plugins: [breaker],
    retry: { retries: 5, baseDelay: 1, maxDelay: 2 },
  });
  const before = server.requests.length;
  const error = await api.get('/down').catch((e: unknown) => e);
  // Three attempts (one request and two retries) open the breaker; the third retry is refused.
  expect(server.requests.length - before).toBe(3);
  expect(error).toBeInstanceOf(CircuitBreakerOpenError);
  expect(breaker.state).toBe('open');
  const again = await api.get('/down').catch((e: unknown) => e);
  expect(again).toBeInstanceOf(CircuitBreakerOpenError);
  expect(server.requests.length - before).toBe(3);
  await api.close();
});

it('a walk goes through the breaker page by page, and stops sending when it opens', async () => {
  failFrom = 4;
  const breaker = circuitBreaker({ failureThreshold: 2, resetTimeout: 60_000 });
  const api = createClient({ baseURL: server.url, plugins: [breaker, pagination()], retry: false });
  const seen: number[] = [];
  const before = server.requests.length;
  const walk = async () => {
    for await (const item of api.paginate<{ id: number }>('/items?page=1', { strategy: 'link' })) seen.push(item.id);
  };
  await expect(walk()).rejects.toBeInstanceOf(ServerError);
  expect(seen).toHaveLength(15);
  // Now the first page fails too: a second failure in a row opens the breaker.
  failFrom = 1;
  await expect(walk()).rejects.toBeInstanceOf(ServerError);
  expect(breaker.state).toBe('open');
  // The third walk's first page is refused unsent.
  const sent = server.requests.length - before;
  await expect(walk()).rejects.toBeInstanceOf(CircuitBreakerOpenError);
  expect(server.requests.length - before).toBe(sent);
  await api.close();
});

it('extend shares breaker state and the paginate method', async () => {
  const breaker = circuitBreaker({ failureThreshold: 1, resetTimeout: 60_000 });
  const api = createClient({ baseURL: server.url, plugins: [breaker, pagination()], retry: false });
  const child = api.extend({ headers: { 'X-Child': '1' } });
  const items = await child.paginate('/items?page=9', { strategy: 'link' }).toArray();
  expect(items).toHaveLength(10);
  await expect(child.get('/down')).rejects.toBeInstanceOf(ServerError);
  await expect(api.get('/items?page=1')).rejects.toBeInstanceOf(CircuitBreakerOpenError);
  expect(
    await paginate(api, '/items?page=1', { strategy: 'link', maxPages: 1 })
      .toArray()
      .catch((e: unknown) => e),
  ).toBeInstanceOf(CircuitBreakerOpenError);
  await api.close();
});
