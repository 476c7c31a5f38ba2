import { inspect } from 'node:util';
import {
  AuthenticationError,
  type AuthOption,
  ConfigurationError,
  createClient,
  definePlugin,
  isAuthenticationError,
  type LogRecord,
} from '@axle/core';
import type { AxiosRequestConfig } from 'axios';
import { closedPort, startServer, type TestServer } from '../../../test-support/http-server';

// Secrets used in this file; the last test checks none of them reached a log line or error JSON.
const TOKEN = 'tok-Zq81secret';
const NEW_TOKEN = 'tok-Fresh77secret';
const API_KEY = 'key-Pw42secret';
const PASSWORD = 'pw-Hx93secret';
const SECRETS = [TOKEN, NEW_TOKEN, API_KEY, PASSWORD, Buffer.from(`ann:${PASSWORD}`).toString('base64')];

let origin: TestServer;
let other: TestServer;
let validToken = TOKEN;

const seen = (server: TestServer, i = -1) => server.requests.at(i)?.headers ?? {};

beforeAll(async () => {
  other = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  origin = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/protected') {
      const ok = req.headers.authorization === `Bearer ${validToken}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok }));
      return;
    }
    if (url.pathname === '/to-other') {
      res.writeHead(302, { location: `${other.url}/landing` });
      res.end();
      return;
    }
    if (url.pathname === '/to-self') {
      res.writeHead(302, { location: '/landing' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ query: url.search }));
  });
});

afterAll(async () => {
  await origin.close();
  await other.close();
});

beforeEach(() => {
  validToken = TOKEN;
});

const perRequest = (auth: AuthOption | false) => auth as unknown as AxiosRequestConfig['auth'];

describe('auth schemes', () => {
  it("keeps axios's { username, password } as Basic", async () => {
    const api = createClient({ baseURL: origin.url, auth: { username: 'ann', password: PASSWORD } });
    await api.get('/x');
    expect(seen(origin).authorization).toBe(`Basic ${Buffer.from(`ann:${PASSWORD}`).toString('base64')}`);
    await api.close();
  });

  it('sends a bearer token from a string, or from an async function read on every request', async () => {
    const api = createClient({ baseURL: origin.url, auth: { type: 'bearer', token: TOKEN } });
    await api.get('/x');
    expect(seen(origin).authorization).toBe(`Bearer ${TOKEN}`);
    await api.close();
    let n = 0;
    const dynamic = createClient({
      baseURL: origin.url,
      auth: { type: 'bearer', token: async () => `t${++n}` },
    });
    await dynamic.get('/x');
    expect(seen(origin).authorization).toBe('Bearer t1');
    await dynamic.get('/x');
    expect(seen(origin).authorization).toBe('Bearer t2');
    await dynamic.close();
  });

  it('sends an API key as a header or a query parameter, and redacts its name everywhere', async () => {
    const records: unknown[] = [];
    const logger = {
      debug: (r: LogRecord) => records.push(r),
      info: (r: LogRecord) => records.push(r),
      warn: (r: LogRecord) => records.push(r),
      error: (r: LogRecord) => records.push(r),
    };
    const header = createClient({
      baseURL: origin.url,
      auth: { type: 'apiKey', name: 'X-Custom-Key', value: API_KEY },
      logger,
    });
    await header.get('/x');
    expect(seen(origin)['x-custom-key']).toBe(API_KEY);
    await header.close();

    const query = createClient({
      baseURL: origin.url,
      auth: { type: 'apiKey', name: 'customer_ref', value: API_KEY, in: 'query' },
      logger,
      retry: false,
    });
    const { data } = await query.get('/x', { params: { page: 2 } });
    expect(data.query).toBe(`?page=2&customer_ref=${API_KEY}`);
    const error = await query.get('/protected').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toContain('customer_ref=[REDACTED]');
    expect(JSON.stringify(error)).not.toContain(API_KEY);
    expect(JSON.stringify(records)).not.toContain(API_KEY);
    expect(records.length).toBeGreaterThan(0);
    await query.close();
  });

  it('uses the config a custom handler returns', async () => {
    const api = createClient({
      baseURL: origin.url,
      auth: (config) => ({ ...config, params: { signed: 'yes' } }),
    });
    expect((await api.get('/x')).data.query).toBe('?signed=yes');
    await api.close();
  });

  it('runs custom handlers: a function, or an object with apply()', async () => {
    const fn = createClient({
      baseURL: origin.url,
      auth: (config) => {
        config.headers.set('X-Signature', `sig:${config.url}`);
      },
    });
    await fn.get('/signed');
    expect(seen(origin)['x-signature']).toBe('sig:/signed');
    await fn.close();
    const obj = createClient({
      baseURL: origin.url,
      auth: { apply: (config) => void config.headers.set('X-Tenant-Token', 'abc') },
    });
    await obj.get('/x');
    expect(seen(origin)['x-tenant-token']).toBe('abc');
    await obj.close();
  });

  it('lets a request replace the client auth, or send none with auth: false', async () => {
    const api = createClient({ baseURL: origin.url, auth: { type: 'bearer', token: TOKEN } });
    await api.get('/x', { auth: perRequest({ type: 'apiKey', name: 'X-Api-Key', value: API_KEY }) });
    expect(seen(origin).authorization).toBeUndefined();
    expect(seen(origin)['x-api-key']).toBe(API_KEY);
    await api.get('/x', { auth: perRequest(false) });
    expect(seen(origin).authorization).toBeUndefined();
    await api.get('/x', { auth: { username: 'ann', password: PASSWORD } });
    expect(seen(origin).authorization).toMatch(/^Basic /);
    await api.get('/x');
    expect(seen(origin).authorization).toBe(`Bearer ${TOKEN}`);
    await api.close();
  });

  it('auth: false also skips credentials plugins whose key is auth', async () => {
    const plugin = definePlugin({
      name: 'fake-oauth2',
      role: 'credentials',
      key: 'auth',
      install(ctx) {
        ctx.onConfig((config) => {
          config.headers.set('Authorization', 'Bearer from-plugin');
        });
        return undefined;
      },
    });
    const api = createClient({ baseURL: origin.url, plugins: [plugin] });
    await api.get('/x');
    expect(seen(origin).authorization).toBe('Bearer from-plugin');
    await api.get('/x', { auth: perRequest(false) });
    expect(seen(origin).authorization).toBeUndefined();
    await api.close();
  });

  it("applies a request's own auth on a client without auth, hooks or plugins", async () => {
    validToken = NEW_TOKEN;
    const api = createClient({ baseURL: origin.url });
    await api.get('/x', { auth: perRequest({ type: 'apiKey', name: 'X-Api-Key', value: API_KEY }) });
    expect(seen(origin)['x-api-key']).toBe(API_KEY);
    const refresh = jest.fn(() => NEW_TOKEN);
    const response = await api.get('/protected', { auth: perRequest({ type: 'bearer', token: TOKEN, refresh }) });
    expect(response.status).toBe(200);
    expect(refresh).toHaveBeenCalledTimes(1);
    await api.get('/x');
    expect(seen(origin).authorization).toBeUndefined();
    await api.close();
  });

  it('rejects invalid auth at creation, and per request, with a ConfigurationError naming the option', async () => {
    expect(() => createClient({ auth: { type: 'bearer', token: '' } })).toThrow(/auth\.token/);
    expect(() => createClient({ auth: { type: 'apiKey', name: 'bad name', value: 'v' } })).toThrow(/auth\.name/);
    expect(() => createClient({ auth: { type: 'apiKey', name: 'k', value: 'v', in: 'cookie' } as never })).toThrow(
      /auth\.in/,
    );
    expect(() => createClient({ auth: { type: 'digest' } as never })).toThrow(/auth\.type/);
    expect(() => createClient({ auth: false as never })).toThrow(ConfigurationError);
    expect(() => createClient({ auth: { username: 'a' } as never })).toThrow(/Basic auth/);
    expect(() => createClient({ auth: { type: 'bearer', token: 't', refresh: 'x' } as never })).toThrow(
      /auth\.refresh/,
    );
    expect(() => createClient({ auth: { apply: () => undefined, refresh: 1 } as never })).toThrow(/auth\.refresh/);
    expect(() => createClient({ auth: { type: 'apiKey', name: 'k', value: '' } })).toThrow(/auth\.value/);
    expect(() => createClient({ auth: { token: 't' } as never })).toThrow(/expected \{ username, password \}/);
    const secretShown = (() => {
      try {
        createClient({ auth: TOKEN as never });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(secretShown).toMatch(/auth/);
    expect(secretShown).not.toContain(TOKEN);
    const api = createClient({ baseURL: origin.url });
    await expect(api.get('/x', { auth: perRequest({ type: 'nope' } as never) })).rejects.toMatchObject({
      name: 'ConfigurationError',
      option: 'auth.type',
    });
    await api.close();
  });
});

describe('expiring tokens', () => {
  it('refreshes once for any number of concurrent 401s and replays each request once', async () => {
    validToken = NEW_TOKEN;
    const refresh = jest.fn(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return NEW_TOKEN;
    });
    const api = createClient({ baseURL: origin.url, auth: { type: 'bearer', token: TOKEN, refresh } });
    const before = origin.requests.length;
    const results = await Promise.all(Array.from({ length: 5 }, () => api.get('/protected')));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(origin.requests.length - before).toBe(10);
    // Later requests use the new token at once.
    await api.get('/protected');
    expect(origin.requests.length - before).toBe(11);
    expect(refresh).toHaveBeenCalledTimes(1);
    await api.close();
  });

  it('reads the token again on every retry attempt', async () => {
    let calls = 0;
    let failures = 1;
    const flaky = await startServer((req, res) => {
      const fail = failures-- > 0;
      res.writeHead(fail ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ auth: req.headers.authorization }));
    });
    const api = createClient({
      baseURL: flaky.url,
      retry: { retries: 2, delay: () => 0 },
      auth: { type: 'bearer', token: () => `t${++calls}` },
    });
    expect((await api.get('/x')).data.auth).toBe('Bearer t2');
    expect(calls).toBe(2);
    await api.close();
    await flaky.close();
  });

  it('turns a second 401 into an AuthenticationError, without refreshing again', async () => {
    validToken = 'something-else';
    const refresh = jest.fn(async () => NEW_TOKEN);
    const api = createClient({ baseURL: origin.url, auth: { type: 'bearer', token: TOKEN, refresh } });
    const before = origin.requests.length;
    const error = await api.get('/protected').catch((e: unknown) => e);
    expect(isAuthenticationError(error)).toBe(true);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(origin.requests.length - before).toBe(2);
    expect(JSON.stringify(error)).not.toContain(NEW_TOKEN);
    await api.close();
  });

  it('reports a failing refresh as an AuthenticationError with the cause', async () => {
    validToken = NEW_TOKEN;
    const api = createClient({
      baseURL: origin.url,
      auth: {
        type: 'bearer',
        token: TOKEN,
        refresh: async () => {
          throw new Error('login server down');
        },
      },
    });
    const error = (await api.get('/protected').catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/Refreshing the credentials after a 401 failed: GET /);
    expect((error.cause as Error).message).toBe('login server down');
    await api.close();
  });

  it('calls refresh() of a custom handler object, then applies it again', async () => {
    validToken = NEW_TOKEN;
    let current = TOKEN;
    const handler = {
      apply: (config: import('axios').InternalAxiosRequestConfig) => {
        config.headers.set('Authorization', `Bearer ${current}`);
      },
      refresh: jest.fn(async () => {
        current = NEW_TOKEN;
      }),
    };
    const api = createClient({ baseURL: origin.url, auth: handler });
    expect((await api.get('/protected')).status).toBe(200);
    expect(handler.refresh).toHaveBeenCalledTimes(1);
    await api.close();
  });

  it('also replays when validateStatus lets the 401 through', async () => {
    validToken = NEW_TOKEN;
    const api = createClient({
      baseURL: origin.url,
      validateStatus: () => true,
      auth: { type: 'bearer', token: TOKEN, refresh: () => NEW_TOKEN },
    });
    expect((await api.get('/protected')).status).toBe(200);
    await api.close();
  });
});

describe('credentials are bound to the client origin', () => {
  it('sends no client credentials to an absolute URL on another origin (CVE-2025-27152)', async () => {
    const api = createClient({
      baseURL: origin.url,
      auth: { type: 'apiKey', name: 'X-Api-Key', value: API_KEY },
      headers: { Authorization: `Bearer ${TOKEN}`, Cookie: 'sid=1' },
    });
    await api.get(`${other.url}/abs`);
    expect(seen(other)['x-api-key']).toBeUndefined();
    expect(seen(other).authorization).toBeUndefined();
    expect(seen(other).cookie).toBeUndefined();
    // Runtime defaults (drop-in code) are the client's too.
    api.defaults.headers.common['X-Auth-Token'] = TOKEN;
    await api.get(`${other.url}/abs`);
    expect(seen(other)['x-auth-token']).toBeUndefined();
    // A header set on the request itself is the caller's explicit choice.
    await api.get(`${other.url}/abs`, { headers: { Authorization: 'Bearer explicit' } });
    expect(seen(other).authorization).toBe('Bearer explicit');
    await api.get('/same');
    expect(seen(origin)['x-api-key']).toBe(API_KEY);
    expect(seen(origin).authorization).toBe(`Bearer ${TOKEN}`);
    await api.close();
  });

  it('sends them to origins listed in trustedOrigins', async () => {
    const api = createClient({
      baseURL: origin.url,
      trustedOrigins: [`${other.url}/`],
      auth: { type: 'bearer', token: TOKEN },
    });
    await api.get(`${other.url}/abs`);
    expect(seen(other).authorization).toBe(`Bearer ${TOKEN}`);
    await api.close();
    expect(() => createClient({ trustedOrigins: ['not a url'] })).toThrow(/trustedOrigins\[0\]/);
    expect(() => createClient({ trustedOrigins: 'x' as never })).toThrow(/trustedOrigins/);
  });

  it('drops credentials on a redirect hop to another origin, keeps them on same-origin hops', async () => {
    const api = createClient({
      baseURL: origin.url,
      auth: { type: 'apiKey', name: 'X-Api-Key', value: API_KEY },
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const response = await api.get('/to-other');
    expect(response.data.path).toBe('/landing');
    expect(seen(other)['x-api-key']).toBeUndefined();
    expect(seen(other).authorization).toBeUndefined();
    await api.get('/to-self');
    expect(seen(origin)['x-api-key']).toBe(API_KEY);
    await api.close();
    // Default credential headers of the client (not from auth) are dropped on the hop too.
    const plain = createClient({ baseURL: origin.url, headers: { 'X-Api-Key': API_KEY, 'X-Trace': 'kept' } });
    await plain.get('/to-other');
    expect(seen(other)['x-api-key']).toBeUndefined();
    expect(seen(other)['x-trace']).toBe('kept');
    await plain.close();
  });

  it('keeps them on a redirect hop to a trusted origin', async () => {
    const api = createClient({
      baseURL: origin.url,
      trustedOrigins: [other.url],
      auth: { type: 'bearer', token: TOKEN },
    });
    await api.get('/to-other');
    expect(seen(other).authorization).toBe(`Bearer ${TOKEN}`);
    await api.close();
  });

  it('binds credentials to the first URL when the client has no baseURL', async () => {
    const api = createClient({ auth: { type: 'bearer', token: TOKEN } });
    await api.get(`${origin.url}/to-other`);
    expect(seen(origin, -1).authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen(other).authorization).toBeUndefined();
    await api.close();
  });
});

describe('no credential reaches a log line or error JSON', () => {
  it('logs, error messages, toJSON() and inspect() of a run with every kind of credential', async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(inspect(args, { depth: 10 }));
      lines.push(JSON.stringify(args));
    };
    const logger = { debug: capture, info: capture, warn: capture, error: capture };
    const errors: unknown[] = [];
    const run = async (p: Promise<unknown>) => {
      await p.catch((error: unknown) => errors.push(error));
    };
    validToken = 'never-matches';
    const bearer = createClient({
      baseURL: origin.url,
      logger,
      logBodyBytes: 500,
      requestId: true,
      retry: false,
      auth: { type: 'bearer', token: TOKEN, refresh: async () => NEW_TOKEN },
    });
    await run(bearer.get('/protected'));
    await run(bearer.post('/protected', { password: PASSWORD }, { auth: { username: 'ann', password: PASSWORD } }));
    await run(
      bearer.get('/protected', { auth: perRequest({ type: 'apiKey', name: 'sig_ref', value: API_KEY, in: 'query' }) }),
    );
    await run(bearer.get('/protected', { auth: perRequest({ type: 'apiKey', name: 'X-Ref-Key', value: API_KEY }) }));
    await bearer.close();
    const port = await closedPort();
    const viaProxy = createClient({
      baseURL: origin.url,
      logger,
      retry: false,
      proxy: `http://pu:${PASSWORD}@127.0.0.1:${port}`,
      auth: { type: 'bearer', token: TOKEN },
    });
    await run(viaProxy.get('/x'));
    await viaProxy.close();
    expect(errors).toHaveLength(5);
    for (const error of errors) {
      lines.push(String(error), JSON.stringify(error), inspect(error, { depth: 10 }));
    }
    expect(lines.join('\n')).toMatch(/\[REDACTED\]/);
    for (const secret of SECRETS) expect(lines.join('\n')).not.toContain(secret);
  });
});
