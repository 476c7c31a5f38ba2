import v8 from 'node:v8';
import vm from 'node:vm';
import { ClientError, ConfigurationError, createClient } from '@axle/core';
import { startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;
let active = 0;
let peak = 0;

beforeAll(async () => {
  server = await startServer((req, res) => {
    active += 1;
    peak = Math.max(peak, active);
    const delay = req.url === '/slow' ? 50 : 0;
    setTimeout(() => {
      active -= 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    }, delay);
  });
});

afterAll(() => server.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pool', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const api = createClient({ baseURL: server.url });
    const before = server.connections;
    await api.get('/');
    await api.get('/');
    await api.get('/');
    expect(server.connections - before).toBe(1);
    await api.close();
  });

  it('caps concurrent sockets with maxSockets', async () => {
    const api = createClient({ baseURL: server.url, pool: { maxSockets: 1 } });
    peak = 0;
    const before = server.connections;
    await Promise.all([api.get('/slow'), api.get('/slow'), api.get('/slow')]);
    expect(peak).toBe(1);
    expect(server.connections - before).toBe(1);
    await api.close();
    const wide = createClient({ baseURL: server.url, pool: { maxSockets: 3 } });
    peak = 0;
    await Promise.all([wide.get('/slow'), wide.get('/slow'), wide.get('/slow')]);
    expect(peak).toBe(3);
    await wide.close();
  });

  it('closes idle sockets after keepAliveTimeout, and keeps them by default', async () => {
    const quick = createClient({ baseURL: server.url, pool: { keepAliveTimeout: 50 } });
    await quick.get('/');
    expect(server.open.size).toBe(1);
    await sleep(250);
    expect(server.open.size).toBe(0);
    const lasting = createClient({ baseURL: server.url });
    await lasting.get('/');
    await sleep(250);
    expect(server.open.size).toBe(1);
    await lasting.close();
    await sleep(20);
    expect(server.open.size).toBe(0);
    await quick.close();
  });

  it('checks pool options at creation', () => {
    expect(() => createClient({ pool: 3 as never })).toThrow(ConfigurationError);
    expect(() => createClient({ pool: { maxSockets: 0 } })).toThrow(/pool\.maxSockets/);
    expect(() => createClient({ pool: { maxFreeSockets: -1 } })).toThrow(/pool\.maxFreeSockets/);
    expect(() => createClient({ pool: { keepAliveTimeout: 1.5 } })).toThrow(/pool\.keepAliveTimeout/);
    expect(() => createClient({ pool: { keepAliveTimeout: -1 } })).toThrow(/pool\.keepAliveTimeout/);
    expect(() => createClient({ pool: { size: 3 } as never })).toThrow(/pool\.size/);
    expect(() => createClient({ pool: { max_connections: 3 } as never })).toThrow(/did you mean "pool\.maxSockets"/);
    expect(() => createClient({ pool: { maxSockets: Number.POSITIVE_INFINITY } })).not.toThrow();
  });
});

describe('lifecycle', () => {
  it('close() destroys the sockets and rejects later requests with a clear error', async () => {
    const api = createClient({ baseURL: server.url });
    await api.get('/');
    expect(server.open.size).toBe(1);
    await api.close();
    await sleep(20);
    expect(server.open.size).toBe(0);
    const error = (await api.get('/').catch((e: unknown) => e)) as ClientError;
    expect(error).toBeInstanceOf(ClientError);
    expect(error.code).toBe('ERR_CLIENT_CLOSED');
    expect(error.message).toMatch(/^Client is closed; create a new client to send requests: GET http/);
  });

  it('extend refuses to change what belongs to the shared pool and credentials', async () => {
    const api = createClient({ baseURL: server.url });
    for (const key of ['auth', 'proxy', 'tls', 'pool', 'http2', 'httpVersion', 'cookies', 'trustedOrigins']) {
      expect(() => api.extend({ [key]: false } as never)).toThrow(
        expect.objectContaining({ name: 'ConfigurationError', option: key }),
      );
    }
    await api.close();
  });

  it('works with await using', async () => {
    let leaked: { closed: boolean } | undefined;
    {
      await using api = createClient({ baseURL: server.url });
      leaked = api;
      await api.get('/');
      expect(api.closed).toBe(false);
    }
    expect(leaked?.closed).toBe(true);
    await sleep(20);
    expect(server.open.size).toBe(0);
  });

  it('warns once when a client is garbage-collected without close(), and frees its sockets', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, warn: (...args: unknown[]) => warnings.push(args), error() {} };
    const closedProperly = async () => {
      const api = createClient({ baseURL: server.url, logger });
      await api.get('/');
      await api.close();
    };
    const forgotten = async () => {
      const api = createClient({ baseURL: server.url, logger });
      await api.get('/');
    };
    await closedProperly();
    await forgotten();
    for (let i = 0; i < 20 && warnings.length === 0; i++) {
      gc();
      await sleep(20);
    }
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toMatch(/garbage-collected without close\(\)/);
    await sleep(20);
    expect(server.open.size).toBe(0);
  });
});
