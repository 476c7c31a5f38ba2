import {
  type AxlePlugin,
  ConfigurationError,
  createClient,
  definePlugin,
  type Middleware,
  type PluginRole,
  ServerError,
  wrapAdapter,
} from '@axle/core';
import type { AxiosAdapter, AxiosResponse } from 'axios';
import { startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/moved') {
      res.writeHead(301, { location: '/' }).end();
      return;
    }
    res.writeHead(req.url === '/fail' ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ auth: req.headers.authorization ?? null, via: req.headers['x-via'] ?? null }));
  });
});
afterAll(() => server.close());

function recorder(log: string[], role: PluginRole, key?: string): AxlePlugin {
  return definePlugin({
    name: `dummy-${role}`,
    role,
    ...(key ? { key } : {}),
    install(ctx) {
      ctx.onConfig((config) => {
        log.push(`config:${role}`);
        return config;
      });
      ctx.wrap(async (config, next) => {
        log.push(`in:${role}`);
        const response = await next(config);
        log.push(`out:${role}`);
        return response;
      });
      return undefined;
    },
  });
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

const ROLES: PluginRole[] = ['rate-limit', 'cache', 'credentials', 'circuit-breaker', 'extension'];
const EXPECTED = [
  'config:credentials',
  'config:extension',
  'config:cache',
  'config:circuit-breaker',
  'config:rate-limit',
  'hook:request',
  'in:credentials',
  'in:middleware',
  'in:extension',
  'in:cache',
  'in:circuit-breaker',
  'in:rate-limit',
  'transport',
  'out:rate-limit',
  'out:circuit-breaker',
  'out:cache',
  'out:extension',
  'out:middleware',
  'out:credentials',
  'hook:response',
  'interceptor:response',
];

describe('the order is fixed by role, whatever order plugins are listed in', () => {
  const all = permutations(ROLES);

  it(`holds for all ${all.length} permutations`, async () => {
    expect(all).toHaveLength(120);
    for (const order of all) {
      const log: string[] = [];
      const adapter: AxiosAdapter = async (config) => {
        log.push('transport');
        return { data: 'ok', status: 200, statusText: 'OK', headers: {}, config };
      };
      const middleware: Middleware = async (config, next) => {
        log.push('in:middleware');
        const response = await next(config);
        log.push('out:middleware');
        return response;
      };
      const api = createClient({
        adapter,
        plugins: order.map((role) => recorder(log, role)),
        middleware: [middleware],
        hooks: {
          request: [() => void log.push('hook:request')],
          response: [() => void log.push('hook:response')],
        },
      });
      api.interceptors.response.use((response) => {
        log.push('interceptor:response');
        return response;
      });
      await api.get('/x');
      expect({ order, log }).toEqual({ order, log: EXPECTED });
      await api.close();
    }
  });

  it('holds against a real server', async () => {
    const log: string[] = [];
    const api = createClient({ baseURL: server.url, plugins: [...ROLES].reverse().map((r) => recorder(log, r)) });
    await api.get('/');
    expect(log.filter((entry) => entry.startsWith('in:'))).toEqual([
      'in:credentials',
      'in:extension',
      'in:cache',
      'in:circuit-breaker',
      'in:rate-limit',
    ]);
    await api.close();
  });

  it('redirects are followed between the extension and cache roles: each hop goes through cache, breaker and limiter', async () => {
    const log: string[] = [];
    const api = createClient({ baseURL: server.url, plugins: [...ROLES].reverse().map((r) => recorder(log, r)) });
    // A 3xx that validateStatus accepts resolves on its hop, so every layer logs its way out.
    const response = await api.get('/moved', { validateStatus: () => true });
    expect(response.redirects).toHaveLength(1);
    expect(log.filter((entry) => entry.startsWith('in:') || entry.startsWith('out:'))).toEqual([
      'in:credentials',
      'in:extension',
      ...['in:cache', 'in:circuit-breaker', 'in:rate-limit', 'out:rate-limit', 'out:circuit-breaker', 'out:cache'],
      ...['in:cache', 'in:circuit-breaker', 'in:rate-limit', 'out:rate-limit', 'out:circuit-breaker', 'out:cache'],
      'out:extension',
      'out:credentials',
    ]);
    await api.close();
  });
});

describe('call-phase plugins', () => {
  it('a cache-role plugin can answer without the network: no socket is opened, later layers are not run', async () => {
    const log: string[] = [];
    const cache = definePlugin({
      name: 'always-hit',
      role: 'cache',
      install(ctx) {
        ctx.wrap(async (config) => ({ data: { cached: true }, status: 200, statusText: 'OK', headers: {}, config }));
        return undefined;
      },
    });
    const before = server.connections;
    const beforeRequests = server.requests.length;
    const api = createClient({
      baseURL: server.url,
      plugins: [recorder(log, 'rate-limit'), cache, recorder(log, 'circuit-breaker')],
    });
    const { data } = await api.get('/cached');
    expect(data).toEqual({ cached: true });
    expect(log).toEqual(['config:circuit-breaker', 'config:rate-limit']);
    expect(server.connections).toBe(before);
    expect(server.requests.length).toBe(beforeRequests);
    await api.close();
  });

  it("a plugin's key set to false skips its config step and layer for that request", async () => {
    const log: string[] = [];
    const api = createClient({ baseURL: server.url, plugins: [recorder(log, 'cache', 'cache')] });
    await api.get('/', { cache: false } as never);
    expect(log).toEqual([]);
    await api.get('/');
    expect(log).toEqual(['config:cache', 'in:cache', 'out:cache']);
    await api.close();
  });

  it('credentials set in the config phase reach the server, and a plugin sees typed errors', async () => {
    const seen: unknown[] = [];
    const auth = definePlugin({
      name: 'static-token',
      role: 'credentials',
      install(ctx) {
        ctx.onConfig((config) => {
          config.headers.set('Authorization', 'Bearer t0k3n');
          return undefined;
        });
        return undefined;
      },
    });
    const breaker = definePlugin({
      name: 'watcher',
      role: 'circuit-breaker',
      install(ctx) {
        ctx.wrap((config, next) =>
          next(config).catch((error: unknown) => {
            seen.push(error);
            throw error;
          }),
        );
        return undefined;
      },
    });
    const api = createClient({ baseURL: server.url, plugins: [breaker, auth] });
    expect((await api.get('/')).data.auth).toBe('Bearer t0k3n');
    await expect(api.get('/fail')).rejects.toBeInstanceOf(ServerError);
    expect(seen[0]).toBeInstanceOf(ServerError);
    await api.close();
  });

  it('retries reuse the headers when every layer declares it leaves them alone, and copy them otherwise', async () => {
    const seen: unknown[] = [];
    const layer = (changesHeaders: boolean) =>
      definePlugin({
        name: `layer-${changesHeaders}`,
        role: 'circuit-breaker',
        install(ctx) {
          ctx.wrap(
            async (config, next) => {
              seen.push(config.headers);
              return next(config);
            },
            { changesHeaders },
          );
          return undefined;
        },
      });
    for (const changesHeaders of [false, true]) {
      seen.length = 0;
      const api = createClient({
        baseURL: server.url,
        retry: { retries: 1, delay: () => 0 },
        plugins: [layer(changesHeaders)],
      });
      await api.get('/fail').catch(() => undefined);
      expect(seen).toHaveLength(2);
      expect(seen[0] === seen[1]).toBe(!changesHeaders);
      await api.close();
    }
  });

  it('decorate runs on the client and on every client extend makes from it', async () => {
    const decorated: unknown[] = [];
    const api = createClient({
      plugins: [
        definePlugin({
          name: 'decorator',
          role: 'extension',
          install(ctx) {
            ctx.decorate((client) => decorated.push(client));
            return undefined;
          },
        }),
      ],
    });
    const child = api.extend({});
    const grandchild = child.extend({});
    expect(decorated).toEqual([api, child, grandchild]);
    await api.close();
  });

  it('gives install the client and its events', () => {
    let seenClient: unknown;
    let seenEvents: unknown;
    const api = createClient({
      plugins: [
        definePlugin({
          name: 'peek',
          role: 'extension',
          install(ctx) {
            seenClient = ctx.client;
            seenEvents = ctx.events;
            return undefined;
          },
        }),
      ],
    });
    expect(seenClient).toBe(api);
    expect(seenEvents).toBe(api.events);
    void api.close();
  });
});

describe('middleware', () => {
  it('runs in list order in, reverse out, and can short-circuit', async () => {
    const log: string[] = [];
    const named =
      (name: string): Middleware =>
      async (config, next) => {
        log.push(`in:${name}`);
        const response = await next(config);
        log.push(`out:${name}`);
        return response;
      };
    const shortCircuit: Middleware = async (config, next) =>
      config.url === '/short'
        ? ({ data: 'short', status: 200, statusText: 'OK', headers: {}, config } as AxiosResponse)
        : next(config);
    const api = createClient({ baseURL: server.url, middleware: [named('a'), named('b'), shortCircuit] });
    await api.get('/');
    expect(log).toEqual(['in:a', 'in:b', 'out:b', 'out:a']);
    const requests = server.requests.length;
    expect((await api.get('/short')).data).toBe('short');
    expect(server.requests.length).toBe(requests);
    await api.close();
  });

  it('can change the request and transform errors', async () => {
    class Friendly extends Error {}
    const api = createClient({
      baseURL: server.url,
      middleware: [
        async (config, next) => {
          config.headers.set('X-Via', 'middleware');
          try {
            return await next(config);
          } catch {
            throw new Friendly('upstream is down');
          }
        },
      ],
    });
    expect((await api.get('/')).data.via).toBe('middleware');
    await expect(api.get('/fail')).rejects.toBeInstanceOf(Friendly);
    await api.close();
  });
});

describe('hooks', () => {
  it('request hooks run after credentials and may replace the config; response hooks may replace the response', async () => {
    const api = createClient({
      baseURL: server.url,
      hooks: {
        request: [
          async (config) => {
            config.headers.set('X-Via', `hook saw ${config.headers.get('Authorization') ?? 'none'}`);
            return config;
          },
        ],
        response: [async (response) => ({ ...response, data: { ...response.data, hooked: true } })],
      },
      plugins: [
        definePlugin({
          name: 'auth',
          role: 'credentials',
          install(ctx) {
            ctx.onConfig((config) => {
              config.headers.set('Authorization', 'Bearer x');
              return config;
            });
            return undefined;
          },
        }),
      ],
    });
    const { data } = await api.get('/');
    expect(data).toEqual({ auth: 'Bearer x', via: 'hook saw Bearer x', hooked: true });
    await api.close();
  });

  it('response hooks also see an HTTP error response that throwHttpErrors lets through', async () => {
    const seen: number[] = [];
    const api = createClient({
      baseURL: server.url,
      throwHttpErrors: false,
      hooks: { response: [(response) => void seen.push(response.status)] },
    });
    await api.get('/fail');
    expect(seen).toEqual([503]);
    await api.close();
  });
});

describe('events', () => {
  it('emits request, response and error with the attempt, and unsubscribes', async () => {
    const api = createClient({ baseURL: server.url, retry: { retries: 1, delay: () => 0 } });
    const log: string[] = [];
    const offRequest = api.events.on('request', ({ attempt, config }) => log.push(`request ${attempt} ${config.url}`));
    api.events.on('response', ({ response, durationMs }) => {
      expect(durationMs).toBeGreaterThanOrEqual(0);
      log.push(`response ${response.status}`);
    });
    api.events.on('error', ({ error }) => log.push(`error ${(error as Error).name}`));
    api.events.once('response', () => log.push('once'));
    await api.get('/a');
    await api.get('/fail').catch(() => undefined);
    offRequest();
    await api.get('/b');
    expect(log).toEqual([
      'request 1 /a',
      'response 200',
      'once',
      'request 1 /fail',
      'error ServerError',
      'request 2 /fail',
      'error ServerError',
      'response 200',
    ]);
    await api.close();
  });

  it('a listener that throws does not break the request; it becomes a process warning', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const api = createClient({ baseURL: server.url });
    const before = api.events.listenerCount('request');
    api.events.on('request', () => {
      throw new Error('listener bug');
    });
    expect((await api.get('/')).status).toBe(200);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('listener bug'),
      expect.objectContaining({ code: 'AXLE_LISTENER_ERROR' }),
    );
    expect(api.events.listenerCount('request')).toBe(before + 1);
    await api.close();
    expect(api.events.listenerCount('request')).toBe(0);
  });

  it.each([1, 2])('a listener added while %i listener(s) run is called from the next event on', async (count) => {
    const api = createClient({ baseURL: server.url });
    const calls: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const off = api.events.on('request', ({ attempt }) => {
        calls.push(`first ${attempt}`);
        if (i === 0) api.events.on('request', () => calls.push('added'));
        off();
      });
    }
    await api.get('/');
    expect(calls).toEqual(Array.from({ length: count }, () => 'first 1'));
    await api.get('/');
    expect(calls).toEqual([...Array.from({ length: count }, () => 'first 1'), 'added']);
    await api.close();
  });
});

describe('wrapAdapter', () => {
  it('runs the layer with the adapter as next, and skips it when the key is false', async () => {
    const base = jest.fn(
      async (config) => ({ data: 'base', status: 200, statusText: '', headers: {}, config }) as AxiosResponse,
    );
    const layer = jest.fn(async (config, next) => ({ ...(await next(config)), data: 'layered' }));
    const wrapped = wrapAdapter(base, layer, 'myKey');
    expect((await wrapped({ headers: {} } as never)).data).toBe('layered');
    expect((await wrapped({ headers: {}, myKey: false } as never)).data).toBe('base');
    expect(layer).toHaveBeenCalledTimes(1);
    expect((await wrapAdapter(base, layer)({ headers: {} } as never)).data).toBe('layered');
  });
});

describe('definePlugin', () => {
  it.each([
    [null, /plugin must be a plugin object/],
    [{ role: 'cache', install() {} }, /name must be a non-empty string/],
    [{ name: 'x', role: 'cachee', install() {} }, /role of plugin "x" must be one of "credentials", "extension"/],
    [{ name: 'x', role: 'cache' }, /install of plugin "x" must be a function/],
    [{ name: 'x', role: 'cache', install() {}, key: '' }, /key of plugin "x" must be a non-empty string/],
  ])('rejects %p', (value, message) => {
    expect(() => definePlugin(value as never)).toThrow(ConfigurationError);
    expect(() => definePlugin(value as never)).toThrow(message);
  });
});
