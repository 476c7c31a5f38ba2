// A cache hit answers above the limiter: no socket, no slot, no token.
import { cache } from '@axle/cache';
import { createClient } from '@axle/core';
import { rateLimit } from '@axle/rate-limit';
import { startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
    res.end(JSON.stringify({ path: req.url }));
  });
});
afterAll(() => server.close());

it('a cache hit opens no socket and takes no limiter token, so it is not held back by an exhausted limiter', async () => {
  const limiter = rateLimit({ maxRequests: 1, timeWindow: 60_000, queueTimeout: 2000 });
  const c = cache();
  const api = createClient({ baseURL: server.url, plugins: [limiter, c], retry: false });
  const queued: string[] = [];
  api.events.on('ratelimit:queued', ({ scope }) => queued.push(scope));
  const before = { requests: server.requests.length, connections: server.connections };

  const first = await api.get('/users/1');
  expect(first.cached).toBe(false);
  expect(limiter.status().remaining).toBe(0);

  // The window's only token is used: anything that reached the limiter would be queued, and wait
  // until queueTimeout.
  const started = Date.now();
  const hits = await Promise.all(Array.from({ length: 20 }, () => api.get('/users/1')));
  expect(queued).toEqual([]);
  expect(Date.now() - started).toBeLessThan(1500);
  for (const hit of hits) {
    expect(hit.cached).toBe(true);
    expect(hit.data).toEqual({ path: '/users/1' });
  }
  expect(server.requests.length - before.requests).toBe(1);
  expect(server.connections - before.connections).toBe(1);
  expect(limiter.status().remaining).toBe(0);
  expect(limiter.status().queued).toBe(0);
  expect(c.stats()).toMatchObject({ hits: 20, misses: 1 });

  // A miss does go through the limiter: with no token left it is queued, and refused after queueTimeout.
  await expect(api.get('/users/2')).rejects.toMatchObject({ name: 'RateLimitExceededError' });
  expect(queued).toHaveLength(1);
  expect(server.requests.length - before.requests).toBe(1);
  await api.close();
});
