import { fork } from 'node:child_process';
import path from 'node:path';
import { createClient } from '@axle/core';
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { oauth2 } from '../src';
import { type Provider, startApi, startProvider } from './support';

// Token lifetimes of a few seconds against wall-clock sleeps on a shared 2-core machine: a failure is
// retried up to twice and each failure is printed; three misses fail the suite.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

jest.setTimeout(30_000);

// Access tokens live 2 s here.
let provider: Provider;
let api: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  provider = await startProvider(2);
  api = await startApi(provider);
});
afterAll(async () => {
  await api.close();
  await provider.close();
});

const credentials = {
  flow: 'client_credentials',
  clientId: 'svc-basic',
  clientSecret: 'svc-basic-secret-0123456789',
  refreshSkew: 0,
} as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tokenRequests = async () => (await provider.stats()).token;

describe('short-lived tokens', () => {
  it('an expired token is replaced before the request is sent', async () => {
    const auth = oauth2({ ...credentials, tokenUrl: `${provider.issuer}/token` });
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    const start = await tokenRequests();
    await client.get('/one');
    await sleep(2100);
    await expect(client.get('/two')).resolves.toMatchObject({ status: 200 });
    expect((await tokenRequests()) - start).toBe(2);
    const [first, second] = api.tokens.slice(-2);
    expect(first).not.toBe(second);
    await client.close();
  });

  it('100 concurrent requests on an expired token make exactly one token request', async () => {
    const auth = oauth2({ ...credentials, tokenUrl: `${provider.issuer}/token` });
    // An API that does not introspect, so 100 requests finish well within the token's 2 s.
    const fast = await startApi(provider, { introspect: false });
    const client = createClient({ baseURL: fast.url, plugins: [auth] });
    // A failed attempt is retried; its server must not outlive it.
    try {
      await client.get('/warm');
      await sleep(2100);
      const start = await tokenRequests();
      const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => client.get(`/r${i}`)));
      expect(responses.every((r) => r.status === 200)).toBe(true);
      expect((await tokenRequests()) - start).toBe(1);
      expect(new Set(fast.tokens.slice(-100)).size).toBe(1);
      expect(fast.tokens.at(-1)).not.toBe(fast.tokens[0]);
    } finally {
      await client.close();
      await fast.close();
    }
  });
});

describe('a token shared through Redis (keyv)', () => {
  const namespace = `axle-oauth2-test-${process.pid}-${Date.now()}`;

  it('two clients with their own connections share one token and refresh it once', async () => {
    const stores = [0, 1].map(
      () => new Keyv({ store: new KeyvRedis('redis://127.0.0.1:6379', { connectionTimeout: 2000 }), namespace }),
    );
    const handles = stores.map((store) =>
      oauth2({ ...credentials, tokenUrl: `${provider.issuer}/token`, store, storeKey: 'svc' }),
    );
    const clients = handles.map((auth) => createClient({ baseURL: api.url, plugins: [auth] }));
    // The lock is Redis SET NX PX on the Keyv store's own connection.
    const lockCalls = jest.spyOn((stores[0] as Keyv).store as { getClient: () => Promise<unknown> }, 'getClient');
    try {
      const start = await tokenRequests();
      await Promise.all(clients.flatMap((client) => Array.from({ length: 20 }, (_, i) => client.get(`/s${i}`))));
      expect((await tokenRequests()) - start).toBe(1);
      expect(new Set(api.tokens.slice(-40)).size).toBe(1);

      await sleep(2100);
      const again = await tokenRequests();
      await Promise.all(clients.flatMap((client) => Array.from({ length: 20 }, (_, i) => client.get(`/t${i}`))));
      expect((await tokenRequests()) - again).toBe(1);
      expect(new Set(api.tokens.slice(-40)).size).toBe(1);
      expect(lockCalls).toHaveBeenCalled();
      expect(await (stores[0] as Keyv).get('svc:lock')).toBeUndefined();
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await stores[0]?.clear();
      await Promise.all(stores.map((store) => store.disconnect()));
    }
  });

  it('three processes share one token and refresh it once', async () => {
    const workers = Array.from({ length: 3 }, () =>
      fork(path.join(__dirname, 'shared-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    // A worker that dies answers with its exit code, so the test fails at once instead of timing out.
    const next = (w: (typeof workers)[number]) =>
      new Promise<{ ok?: boolean; ready?: boolean; error?: string }>((resolve) => {
        w.once('message', (m) => resolve(m as never));
        w.once('exit', (code) => resolve({ ok: false, error: `exited with ${code}` }));
      });
    const round = async () => {
      const done = workers.map(next);
      for (const w of workers) w.send({ go: true });
      const results = await Promise.all(done);
      expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    };
    try {
      const ready = workers.map(next);
      for (const w of workers) {
        w.send({ apiUrl: api.url, tokenUrl: `${provider.issuer}/token`, namespace: `${namespace}-workers`, count: 10 });
      }
      expect((await Promise.all(ready)).every((m) => m.ready)).toBe(true);
      const start = await tokenRequests();
      await round();
      expect((await tokenRequests()) - start).toBe(1);
      expect(new Set(api.tokens.slice(-30)).size).toBe(1);
      await sleep(2100);
      const again = await tokenRequests();
      await round();
      expect((await tokenRequests()) - again).toBe(1);
      expect(new Set(api.tokens.slice(-30)).size).toBe(1);
    } finally {
      const exits = workers.map((w) => new Promise((r) => (w.exitCode === null ? w.once('exit', r) : r(undefined))));
      for (const w of workers) if (w.connected) w.send({ stop: true });
      await Promise.all(exits);
      const cleanup = new Keyv({
        store: new KeyvRedis('redis://127.0.0.1:6379', { connectionTimeout: 2000 }),
        namespace: `${namespace}-workers`,
      });
      await cleanup.clear();
      await cleanup.disconnect();
    }
  });
});
