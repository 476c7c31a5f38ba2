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

// KNOWN CORE ISSUE: @axle/core's retry loop classifies errors with axios-retry's isNetworkError,
// which is true for any error with a code and no response: CircuitBreakerOpenError
// (ERR_CIRCUIT_OPEN) is retried, with backoff, against the still-open breaker. Nothing reaches
// the server (see the test above), but the caller waits through the backoff instead of failing
// at once. The fix belongs in packages/core/src/run-request.ts (retryDelay: never retry a
// CircuitBreakerError); when it lands this test passes and `.failing` must be removed.
it.failing('a rejection by the open breaker is not retried (needs the core fix described above)', async () => {
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
