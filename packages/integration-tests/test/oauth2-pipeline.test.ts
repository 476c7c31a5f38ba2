// The OAuth2 token is attached in the config phase and refreshed outside the call phase: token
// requests take no limiter slot, are never cached, do not count for the breaker, and a 401
// invalid_token is replayed once, with retries still using the fresh token.
import { cache } from '@axle/cache';
import { circuitBreaker } from '@axle/circuit-breaker';
import { createClient } from '@axle/core';
import { isOAuth2Error, oauth2 } from '@axle/oauth2';
import { rateLimit } from '@axle/rate-limit';
import { startServer, type TestServer } from '../../../test-support/http-server';

let tokenServer: TestServer;
let issued = 0;
let tokenStatus = 200;

beforeAll(async () => {
  tokenServer = await startServer((_req, res) => {
    if (tokenStatus !== 200) {
      res.writeHead(tokenStatus, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
      return;
    }
    issued += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: `T${issued}`, token_type: 'Bearer', expires_in: 3600 }));
  });
});
afterAll(() => tokenServer.close());
beforeEach(() => {
  issued = 0;
  tokenStatus = 200;
});

const auth = () =>
  oauth2({ flow: 'client_credentials', tokenUrl: `${tokenServer.url}/token`, clientId: 'svc', clientSecret: 'shh' });

it('token requests take no limiter slot and are not cached; credentials go only where they belong', async () => {
  const api = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end('{"ok":true}');
  });
  const limiter = rateLimit({ maxRequests: 1, timeWindow: 60_000, queueTimeout: 200 });
  const c = cache();
  const client = createClient({ baseURL: api.url, plugins: [auth(), limiter, c], retry: false });
  const before = tokenServer.requests.length;

  await client.get('/one');
  // The window's only slot went to the API call, not to the token request before it.
  expect(limiter.status().remaining).toBe(0);
  expect(tokenServer.requests.length - before).toBe(1);
  expect(api.requests[0]?.headers.authorization).toBe('Bearer T1');
  expect(tokenServer.requests.at(-1)?.headers.authorization).toMatch(/^Basic /);
  // A cache hit needs no token request either.
  await expect(client.get('/one')).resolves.toMatchObject({ cached: true });
  expect(tokenServer.requests.length - before).toBe(1);
  await client.close();
  await api.close();
});

it('a 401 invalid_token refreshes once and replays once inside the retry loop; a retry reuses the fresh token', async () => {
  const answers = [401, 503, 200];
  const api = await startServer((_req, res) => {
    const status = answers.shift() ?? 200;
    res.writeHead(status, status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {}).end();
  });
  const client = createClient({ baseURL: api.url, plugins: [auth()], retry: { retries: 3, baseDelay: 1 } });
  await expect(client.get('/r')).resolves.toMatchObject({ status: 200 });
  expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer T1', 'Bearer T2', 'Bearer T2']);
  expect(issued).toBe(2);
  await client.close();
  await api.close();
});

it('a failing token endpoint does not open the API breaker and sends nothing to the API', async () => {
  const api = await startServer((_req, res) => res.writeHead(200).end());
  const breaker = circuitBreaker({ failureThreshold: 1 });
  const client = createClient({ baseURL: api.url, plugins: [auth(), breaker], retry: false });
  tokenStatus = 400;
  for (let i = 0; i < 3; i++) {
    const error = await client.get('/x').catch((e: unknown) => e);
    expect(isOAuth2Error(error)).toBe(true);
  }
  expect(breaker.state).toBe('closed');
  expect(api.requests).toHaveLength(0);
  tokenStatus = 200;
  await expect(client.get('/x')).resolves.toMatchObject({ status: 200 });
  await client.close();
  await api.close();
});
