// Redirects are followed above the cache, the breaker and the limiter: every hop goes through them,
// under the rules of the origin it goes to.
import { cache } from '@axle/cache';
import { circuitBreaker } from '@axle/circuit-breaker';
import { CircuitBreakerOpenError, createClient } from '@axle/core';
import { rateLimit } from '@axle/rate-limit';
import { startServer, type TestServer } from '../../../test-support/http-server';

let home: TestServer;
let other: TestServer;

beforeAll(async () => {
  other = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
    res.end(JSON.stringify({ at: 'other', path: req.url }));
  });
  home = await startServer((req, res) => {
    if (req.url?.startsWith('/away')) {
      res.writeHead(301, { location: `${other.url}${req.url}`, 'cache-control': 'max-age=60' }).end();
      return;
    }
    if (req.url?.startsWith('/hop')) {
      res.writeHead(302, { location: '/end' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ at: 'home', path: req.url }));
  });
});
afterAll(async () => {
  await home.close();
  await other.close();
});

it('a cached redirect to a cached target is answered with no request and no limiter token', async () => {
  const limiter = rateLimit({ maxRequests: 2, timeWindow: 60_000, queueTimeout: 200 });
  const api = createClient({ baseURL: home.url, plugins: [cache(), limiter], retry: false });
  const before = { home: home.requests.length, other: other.requests.length };
  const first = await api.get('/away/1');
  expect(first.data).toEqual({ at: 'other', path: '/away/1' });
  // One token per hop: the 301 and its target.
  expect(limiter.status().remaining).toBe(0);
  const hits = await Promise.all(Array.from({ length: 5 }, () => api.get('/away/1')));
  for (const hit of hits) {
    expect(hit.cached).toBe(true);
    expect(hit.data).toEqual({ at: 'other', path: '/away/1' });
    expect(hit.redirects).toHaveLength(1);
  }
  expect([home.requests.length - before.home, other.requests.length - before.other]).toEqual([1, 1]);
  await api.close();
});

it('each hop takes a limiter slot of its own origin', async () => {
  const limiter = rateLimit({ perHost: { maxRequests: 1, timeWindow: 60_000 }, queueTimeout: 200 });
  const api = createClient({ baseURL: home.url, plugins: [limiter], retry: false });
  await api.get('/away/2');
  expect(limiter.status(home.url).remaining).toBe(0);
  expect(limiter.status(other.url).remaining).toBe(0);
  // The home origin's only token is gone: a second chain waits at its first hop and is refused.
  await expect(api.get('/away/3')).rejects.toMatchObject({ name: 'RateLimitExceededError' });
  await api.close();
});

it("a hop to an origin whose breaker is open fails with that origin's CircuitBreakerOpenError, sending nothing there", async () => {
  const breaker = circuitBreaker({ perHost: true });
  const api = createClient({ baseURL: home.url, plugins: [breaker], retry: false });
  breaker.forHost(other.url).forceOpen();
  const before = { home: home.requests.length, other: other.requests.length };
  const error = await api.get('/away/4').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CircuitBreakerOpenError);
  expect((error as CircuitBreakerOpenError).message).toContain(other.url);
  expect([home.requests.length - before.home, other.requests.length - before.other]).toEqual([1, 0]);
  // A same-origin chain is unaffected.
  expect((await api.get('/hop')).data).toEqual({ at: 'home', path: '/end' });
  await api.close();
});
