import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  ClientError,
  ConfigurationError,
  ConnectionError,
  createClient,
  definePlugin,
  isClientError,
  NotFoundError,
  ServerError,
  VERSION,
} from '@axle/core';
import axios from 'axios';
import { startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const status = Number(url.searchParams.get('status') ?? 200);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ ua: req.headers['user-agent'], custom: req.headers['x-custom'] ?? null, path: url.pathname }),
    );
  });
});

afterAll(() => server.close());

describe('defaults', () => {
  it('sends User-Agent: axle/<version>, and the version matches package.json', async () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const api = createClient({ baseURL: server.url });
    const { data } = await api.get('/');
    expect(data.ua).toBe(`axle/${pkg.version}`);
    await api.close();
  });

  it('keeps a User-Agent the caller set, on the client or per request, in any case', async () => {
    const api = createClient({ baseURL: server.url, headers: { 'user-agent': 'mine/1' } });
    expect((await api.get('/')).data.ua).toBe('mine/1');
    await api.close();
    const other = createClient({ baseURL: server.url, headers: { common: { 'User-Agent': 'common/1' } } });
    expect((await other.get('/')).data.ua).toBe('common/1');
    expect((await other.get('/', { headers: { 'USER-AGENT': 'req/1' } })).data.ua).toBe('req/1');
    await other.close();
  });

  it('merges default headers with per-request headers', async () => {
    const api = createClient({ baseURL: server.url, headers: { 'X-Custom': 'default' } });
    expect((await api.get('/')).data.custom).toBe('default');
    expect((await api.get('/', { headers: { 'X-Custom': 'override' } })).data.custom).toBe('override');
    await api.close();
  });
});

describe('connection pool', () => {
  it('reuses one keep-alive connection and close() releases it', async () => {
    const before = server.connections;
    const api = createClient({ baseURL: server.url });
    for (let i = 0; i < 5; i++) await api.get('/');
    expect(server.connections - before).toBe(1);
    expect(server.open.size).toBeGreaterThanOrEqual(1);
    await api.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.open.size).toBe(0);
  });

  it('does not destroy agents the caller passed in', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const destroy = jest.spyOn(agent, 'destroy');
    const api = createClient({ baseURL: server.url, httpAgent: agent });
    await api.get('/');
    await api.close();
    expect(destroy).not.toHaveBeenCalled();
    agent.destroy();
  });
});

describe('close()', () => {
  it('rejects later requests with ERR_CLIENT_CLOSED and is idempotent', async () => {
    const api = createClient({ baseURL: server.url });
    expect(api.closed).toBe(false);
    await Promise.all([api.close(), api.close()]);
    expect(api.closed).toBe(true);
    const error = await api.get('/after').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'ERR_CLIENT_CLOSED' });
    expect((error as ClientError).message).toContain(`GET ${server.url}/after`);
  });

  it('works as an async disposable', async () => {
    const api = createClient({ baseURL: server.url });
    await api[Symbol.asyncDispose]();
    expect(api.closed).toBe(true);
  });

  it('disposes plugins in reverse order and reports a failing disposer after releasing the rest', async () => {
    const order: string[] = [];
    const plugin = (name: string, fail = false) =>
      definePlugin({
        name,
        role: 'extension',
        install: () => () => {
          order.push(name);
          if (fail) throw new Error(`${name} broke`);
        },
      });
    const api = createClient({ plugins: [plugin('a'), plugin('b', true), plugin('c')] });
    const error = await api.close().catch((e: unknown) => e);
    expect(order).toEqual(['c', 'b', 'a']);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).cause).toEqual(new Error('b broke'));
  });
});

describe('typed errors from real requests', () => {
  it('404 → NotFoundError, 500 → ServerError, refused → ConnectionError', async () => {
    const api = createClient({ baseURL: server.url, retry: false });
    await expect(api.get('/x?status=404')).rejects.toBeInstanceOf(NotFoundError);
    await expect(api.get('/x?status=500')).rejects.toBeInstanceOf(ServerError);
    await expect(api.get('http://127.0.0.1:1/')).rejects.toBeInstanceOf(ConnectionError);
    await api.close();
  });

  it('throwHttpErrors: false resolves every status; a list resolves only those', async () => {
    const api = createClient({ baseURL: server.url, throwHttpErrors: false, retry: false });
    expect((await api.get('/x?status=503')).status).toBe(503);
    await expect(api.get('/x?status=503', { throwHttpErrors: true })).rejects.toBeInstanceOf(ServerError);
    await api.close();

    const listed = createClient({ baseURL: server.url, throwHttpErrors: [404], retry: false });
    expect((await listed.get('/x?status=404')).status).toBe(404);
    await expect(listed.get('/x?status=500')).rejects.toBeInstanceOf(ServerError);
    expect((await listed.get('/x?status=500', { throwHttpErrors: (s) => s !== 500 })).status).toBe(500);
    await listed.close();
  });

  it('an error thrown by user code in an interceptor passes through unchanged', async () => {
    const api = createClient({ baseURL: server.url });
    class Mine extends Error {}
    api.interceptors.request.use(() => {
      throw new Mine('mine');
    });
    await expect(api.get('/')).rejects.toBeInstanceOf(Mine);
    await api.close();
  });
});

describe('configuration is fixed at creation', () => {
  it('changing the options object afterwards changes nothing', async () => {
    const seen: string[] = [];
    const hooks = { request: [() => void seen.push('original')] as (() => void)[] };
    const options = { baseURL: server.url, hooks, throwHttpErrors: false };
    const api = createClient(options);
    hooks.request.push(() => void seen.push('added later'));
    options.throwHttpErrors = true;
    const response = await api.get('/x?status=404');
    expect(response.status).toBe(404);
    expect(seen).toEqual(['original']);
    await api.close();
  });
});

describe('extend()', () => {
  it('merges config, appends hooks, shares pool, plugin state and events', async () => {
    const installs = jest.fn();
    const calls: string[] = [];
    const plugin = definePlugin({
      name: 'counter',
      role: 'extension',
      install(ctx) {
        installs();
        ctx.wrap(async (config, next) => {
          calls.push(config.url ?? '');
          return next(config);
        });
        return undefined;
      },
    });
    const parentHook = jest.fn();
    const childHook = jest.fn();
    const parent = createClient({
      baseURL: server.url,
      headers: { 'X-Custom': 'parent' },
      plugins: [plugin],
      hooks: { request: [parentHook] },
    });
    const child = parent.extend({ headers: { 'X-Other': '1' }, hooks: { request: [childHook] } });
    const events: string[] = [];
    parent.events.on('response', ({ config }) => events.push(config.url ?? ''));

    const before = server.connections;
    const { data } = await child.get('/child');
    await parent.get('/parent');
    expect(data.custom).toBe('parent');
    expect(installs).toHaveBeenCalledTimes(1);
    expect(calls).toEqual(['/child', '/parent']);
    expect(events).toEqual(['/child', '/parent']);
    expect(parentHook).toHaveBeenCalledTimes(2);
    expect(childHook).toHaveBeenCalledTimes(1);
    expect(server.connections - before).toBe(1);
    expect(child.events).toBe(parent.events);

    // Closing the child leaves the parent and its pool alone; closing the parent closes both.
    await child.close();
    expect(child.closed).toBe(true);
    expect((await parent.get('/still')).status).toBe(200);
    const grandchild = parent.create({});
    await parent.close();
    expect(grandchild.closed).toBe(true);
    await expect(grandchild.get('/')).rejects.toMatchObject({ code: 'ERR_CLIENT_CLOSED' });
  });

  it('refuses plugins and bad options', () => {
    const api = createClient();
    expect(() => api.extend({ plugins: [] } as never)).toThrow(ConfigurationError);
    expect(() => api.extend({ timeout: -5 })).toThrow(/timeout/);
    expect(() => api.extend(null as never)).toThrow(ConfigurationError);
    void api.close();
  });
});

describe('per-request options are checked too', () => {
  it('a negative per-request timeout rejects with ConfigurationError and sends nothing', async () => {
    const api = createClient({ baseURL: server.url });
    const count = server.requests.length;
    const error = await api.get('/', { timeout: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(isClientError(error)).toBe(true);
    expect(axios.isAxiosError(error)).toBe(true);
    expect(server.requests.length).toBe(count);
    await api.close();
  });
});

describe('plugin install failures', () => {
  it('fail createClient with a ConfigurationError naming the plugin', () => {
    const broken = definePlugin({
      name: 'broken',
      role: 'cache',
      install() {
        throw new Error('no store');
      },
    });
    expect(() => createClient({ plugins: [broken] })).toThrow(
      'plugins[0]: plugin "broken" failed to install (no store)',
    );
  });
});
