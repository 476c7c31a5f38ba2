// The breaker under the core's retry loop: every attempt is a call of its own.

import { circuitBreaker } from '@axle/circuit-breaker';
import { CircuitBreakerOpenError, createClient, type RetryInfo, ServerError } from '@axle/core';
import { startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;
let status = 503;
beforeAll(async () => {
  server = await startServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
afterAll(() => server.close());
beforeEach(() => {
  status = 503;
});

const fast = { baseDelay: 1, maxDelay: 2 };

it('each retry attempt counts as one call', async () => {
  const breaker = circuitBreaker({ failureThreshold: 10 });
  const api = createClient({ baseURL: server.url, plugins: [breaker], retry: { ...fast, retries: 3 } });
  const before = server.requests.length;
  await expect(api.get('/')).rejects.toBeInstanceOf(ServerError);
  expect(server.requests.length - before).toBe(4);
  expect(breaker.metrics).toMatchObject({ failureCount: 4, consecutiveFailures: 4 });
  await api.close();
});

it('a breaker that opens during the retries stops them reaching the server', async () => {
  const breaker = circuitBreaker({ failureThreshold: 2 });
  const api = createClient({ baseURL: server.url, plugins: [breaker], retry: { ...fast, retries: 5 } });
  const before = server.requests.length;
  await expect(api.get('/')).rejects.toBeInstanceOf(CircuitBreakerOpenError);
  expect(server.requests.length - before).toBe(2);
  await api.close();
});

it('a request with retry: false fails at once with one rejection when the breaker is open', async () => {
  const breaker = circuitBreaker({ failureThreshold: 1 });
  breaker.forceOpen();
  const api = createClient({ baseURL: server.url, plugins: [breaker], retry: false });
  await expect(api.get('/')).rejects.toBeInstanceOf(CircuitBreakerOpenError);
  expect(breaker.metrics.rejectedCount).toBe(1);
  await api.close();
});

// The core retries only failures to reach the server: a rejection by the open breaker fails at once.
it('a rejection by the open breaker is not retried', async () => {
  const breaker = circuitBreaker({ failureThreshold: 1 });
  breaker.forceOpen();
  const retries: RetryInfo[] = [];
  const api = createClient({ baseURL: server.url, plugins: [breaker], retry: { ...fast, retries: 3 } });
  api.events.on('retry', (info) => retries.push(info));
  try {
    await expect(api.get('/')).rejects.toBeInstanceOf(CircuitBreakerOpenError);
    expect(retries).toEqual([]);
    expect(breaker.metrics.rejectedCount).toBe(1);
  } finally {
    await api.close();
  }
});
