import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { ClientResponseError, ConfigurationError, ConnectionError, createClient, ReadTimeoutError } from '@axle/core';
import type { AxiosRequestConfig } from 'axios';
import { closedPort, startServer, type TestServer } from '../../../test-support/http-server';
import { startProxy, type TestProxy } from '../../../test-support/proxy-server';
import { startSocks5, type TestSocks } from '../../../test-support/socks-server';
import { selfSignedCert } from '../../../test-support/tls';

const PROXY_PASSWORD = 'proxy-Pw55secret';
const PROXY_BASIC = `Basic ${Buffer.from(`pu:${PROXY_PASSWORD}`).toString('base64')}`;
const ENV_KEYS = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];

const cert = selfSignedCert();
let origin: TestServer;
let secure: { url: string; hosts: string[]; close(): Promise<void> };
let proxy: TestProxy;
let authProxy: TestProxy;
let socks: TestSocks;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  origin = await startServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url, proxyAuth: req.headers['proxy-authorization'] ?? null }));
  });
  const hosts: string[] = [];
  const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    hosts.push(String(req.headers.host));
    if (req.url === '/hang') return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ secure: true, proxyAuth: req.headers['proxy-authorization'] ?? null }));
  });
  const sockets = new Set<import('node:stream').Duplex>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  secure = {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hosts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  proxy = await startProxy();
  authProxy = await startProxy({ username: 'pu', password: PROXY_PASSWORD });
  socks = await startSocks5();
});

afterAll(async () => {
  await Promise.all([origin.close(), secure.close(), proxy.close(), authProxy.close(), socks.close()]);
});

beforeEach(() => {
  for (const key of ENV_KEYS) {
    savedEnv[key] = process.env[key];
    delete process.env[key];
  }
});

afterEach(() => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

const withCredentials = (p: TestProxy) => p.url.replace('http://', `http://pu:${PROXY_PASSWORD}@`);

describe('HTTP and HTTPS through a forward proxy', () => {
  it('sends an http:// request through the proxy as an absolute-URL request', async () => {
    const api = createClient({ baseURL: origin.url, proxy: proxy.url });
    const before = proxy.seen.length;
    const { data } = await api.get('/via-proxy');
    expect(data.path).toBe('/via-proxy');
    expect(proxy.seen.slice(before)).toEqual([`GET ${origin.url}/via-proxy`]);
    await api.close();
  });

  it('tunnels an https:// request with CONNECT, verifying the origin with tls.ca', async () => {
    const api = createClient({ baseURL: secure.url, proxy: proxy.url, tls: { ca: cert.cert } });
    const before = proxy.seen.length;
    const { data } = await api.get('/tunnel');
    expect(data.secure).toBe(true);
    expect(proxy.seen.slice(before)).toEqual([`CONNECT ${secure.url.replace('https://', '')}`]);
    await api.close();
  });

  it('gets a 407 from an authenticating proxy without credentials, and passes with them', async () => {
    const anonymous = createClient({ baseURL: origin.url, proxy: authProxy.url, retry: false });
    const error = await anonymous.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientResponseError);
    expect((error as ClientResponseError).status).toBe(407);
    await anonymous.close();

    const tunnel = createClient({ baseURL: secure.url, proxy: authProxy.url, tls: { ca: cert.cert }, retry: false });
    await expect(tunnel.get('/x')).rejects.toMatchObject({ status: 407 });
    await tunnel.close();

    const api = createClient({ baseURL: origin.url, proxy: withCredentials(authProxy) });
    const { data } = await api.get('/x');
    expect(authProxy.credentials.at(-1)).toBe(PROXY_BASIC);
    // The proxy's credentials went to the proxy only.
    expect(data.proxyAuth).toBeNull();
    expect(origin.requests.at(-1)?.headers['proxy-authorization']).toBeUndefined();
    await api.close();
  });

  it("accepts axios's proxy object, with auth, for CONNECT too; the origin never sees the proxy credentials", async () => {
    const api = createClient({
      baseURL: secure.url,
      tls: { ca: cert.cert },
      proxy: {
        protocol: 'http',
        host: '127.0.0.1',
        port: authProxy.port,
        auth: { username: 'pu', password: PROXY_PASSWORD },
      },
    });
    const { data } = await api.get('/obj');
    expect(data.proxyAuth).toBeNull();
    expect(authProxy.seen.at(-1)).toMatch(/^CONNECT /);
    expect(authProxy.credentials.at(-1)).toBe(PROXY_BASIC);
    await api.close();
  });

  it('keeps proxy connections alive between requests, and close() closes them', async () => {
    const api = createClient({ baseURL: secure.url, proxy: proxy.url, tls: { ca: cert.cert } });
    const before = proxy.seen.length;
    await api.get('/a');
    await api.get('/b');
    expect(proxy.seen.length - before).toBe(1);
    expect(proxy.open()).toBe(1);
    await api.close();
    // The proxy sees the close once its side of the socket has read it: poll, on a slow machine.
    for (let i = 0; i < 200 && proxy.open() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(proxy.open()).toBe(0);
  });

  it('keeps split timeouts working through the proxy, also when the proxy is slow to accept', async () => {
    const api = createClient({ baseURL: origin.url, proxy: proxy.url, timeout: { response: 150 }, retry: false });
    await expect(api.get('/hang')).rejects.toBeInstanceOf(ReadTimeoutError);
    await api.close();
    // A front that holds each connection 100 ms before passing it to the proxy: the socket reaches
    // the request long after the watcher's first look.
    const sockets = new Set<net.Socket>();
    const slow = net.createServer((client) => {
      sockets.add(client);
      client.pause();
      setTimeout(() => {
        const upstream = net.connect(proxy.port, '127.0.0.1', () => {
          client.pipe(upstream);
          upstream.pipe(client);
          client.resume();
        });
        sockets.add(upstream);
        upstream.on('error', () => client.destroy());
      }, 100);
      client.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    for (const baseURL of [origin.url, secure.url]) {
      const late = createClient({
        baseURL,
        proxy: slowUrl,
        tls: { ca: cert.cert },
        timeout: { response: 150 },
        retry: false,
      });
      await expect(late.get('/hang')).rejects.toBeInstanceOf(ReadTimeoutError);
      await late.close();
    }
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  });
});

describe('proxies from the environment and per request', () => {
  it('honours HTTP_PROXY (read when the client is made) and NO_PROXY', async () => {
    const before0 = proxy.seen.length;
    const early = createClient({ baseURL: origin.url });
    process.env.HTTP_PROXY = proxy.url;
    await early.get('/made-before-the-variable');
    expect(proxy.seen.length).toBe(before0);
    await early.close();
    const api = createClient({ baseURL: origin.url });
    let before = proxy.seen.length;
    await api.get('/env');
    expect(proxy.seen.slice(before)).toEqual([`GET ${origin.url}/env`]);
    process.env.NO_PROXY = '127.0.0.1';
    before = proxy.seen.length;
    await api.get('/no-proxy');
    expect(proxy.seen.length).toBe(before);
    await api.close();
  });

  it('fails a redirect hop at once, not hangs, when close() released the proxy agent it needs', async () => {
    const start = await startServer((_req, res) => {
      res.writeHead(302, { location: `${origin.url}/after-close` });
      res.end();
    });
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = `127.0.0.1:${start.port}`;
    let closing: Promise<void> | undefined;
    const api = createClient({
      baseURL: start.url,
      retry: false,
      // The first hop went direct; the next one needs the proxy agent that close() destroys.
      beforeRedirect: () => {
        closing = api.close();
      },
    });
    const error = (await api.get('/first').catch((e: unknown) => e)) as ConfigurationError;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/^Client is closed; its proxy agents are gone/);
    await closing;
    await start.close();
  });

  it('honours HTTPS_PROXY with CONNECT, and never lets axios swap its own proxy in (proxy: false means direct)', async () => {
    process.env.HTTPS_PROXY = proxy.url;
    const api = createClient({ baseURL: secure.url, tls: { ca: cert.cert } });
    let before = proxy.seen.length;
    await api.get('/env-secure');
    expect(proxy.seen.slice(before)).toEqual([`CONNECT ${secure.url.replace('https://', '')}`]);
    before = proxy.seen.length;
    await api.get('/direct', { proxy: false });
    expect(proxy.seen.length).toBe(before);
    await api.close();
    const off = createClient({ baseURL: secure.url, tls: { ca: cert.cert }, proxy: false });
    await off.get('/direct');
    expect(proxy.seen.length).toBe(before);
    await off.close();
  });

  it('lets one request use another proxy than the client', async () => {
    const api = createClient({ baseURL: origin.url, proxy: proxy.url });
    const before = authProxy.seen.length;
    const { data } = await api.get('/other-proxy', {
      proxy: withCredentials(authProxy) as unknown as AxiosRequestConfig['proxy'],
    });
    expect(data.path).toBe('/other-proxy');
    expect(authProxy.seen.slice(before)).toEqual([`GET ${origin.url}/other-proxy`]);
    await api.close();
  });

  it('rejects invalid proxies with a ConfigurationError that hides the password', async () => {
    let message = '';
    try {
      createClient({ proxy: `ftp://u:${PROXY_PASSWORD}@host:21` });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/proxy/);
    expect(message).not.toContain(PROXY_PASSWORD);
    expect(() => createClient({ proxy: { host: '', port: 1 } })).toThrow(/proxy/);
    expect(() => createClient({ proxy: { host: 'h', port: 1, auth: { username: 'u' } } as never })).toThrow(
      /proxy\.auth/,
    );
    expect(() => createClient({ proxy: 42 as never })).toThrow(/proxy/);
    const api = createClient({ baseURL: origin.url });
    await expect(api.get('/x', { proxy: 'nope' as never })).rejects.toBeInstanceOf(ConfigurationError);
    await api.close();
  });

  it('refuses HTTP/2 with a proxy, on the client and per request', async () => {
    expect(() => createClient({ http2: true, proxy: proxy.url })).toThrow(ConfigurationError);
    expect(() => createClient({ httpVersion: 2, proxy: proxy.url })).toThrow(/http2 cannot be combined with proxy/);
    expect(() => createClient({ http2: 'yes' as never })).toThrow(/http2/);
    const api = createClient({ baseURL: origin.url, http2: true });
    await expect(api.get('/x', { proxy: proxy.url as never })).rejects.toMatchObject({
      name: 'ConfigurationError',
      option: 'proxy',
    });
    await api.close();
  });
});

describe('SOCKS', () => {
  it('connects through a SOCKS5 proxy, to http:// and https:// origins', async () => {
    const api = createClient({ baseURL: origin.url, proxy: socks.url });
    const { data } = await api.get('/socks');
    expect(data.path).toBe('/socks');
    expect(socks.connects.at(-1)).toBe(`127.0.0.1:${origin.port}`);
    await api.close();
    const tls = createClient({ baseURL: secure.url, proxy: socks.url, tls: { ca: cert.cert } });
    expect((await tls.get('/s')).data.secure).toBe(true);
    expect(socks.connects).toHaveLength(2);
    await tls.close();
  });

  it('loads the SOCKS agent for a redirect hop that alone needs it (ALL_PROXY with NO_PROXY)', async () => {
    const target = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
    const start = await startServer((_req, res) => {
      res.writeHead(302, { location: `${target.url}/after-hop` });
      res.end();
    });
    process.env.ALL_PROXY = socks.url;
    process.env.NO_PROXY = `127.0.0.1:${start.port}`;
    const api = createClient({ baseURL: start.url });
    const before = socks.connects.length;
    const { data, redirects } = await api.get('/first');
    expect(data).toEqual({ path: '/after-hop' });
    expect(redirects).toHaveLength(1);
    expect(socks.connects.slice(before)).toEqual([`127.0.0.1:${target.port}`]);
    await api.close();
    await Promise.all([target.close(), start.close()]);
  });

  it('reports an unreachable SOCKS proxy as a ConnectionError', async () => {
    const port = await closedPort();
    const api = createClient({ baseURL: origin.url, proxy: `socks5://127.0.0.1:${port}`, retry: false });
    const error = (await api.get('/x').catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/^Connection through the SOCKS proxy failed \(connect ECONNREFUSED/);
    await api.close();
  });

  it('says how to install socks-proxy-agent when it is missing', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('socks-proxy-agent', () => {
        throw Object.assign(new Error("Cannot find module 'socks-proxy-agent'"), { code: 'MODULE_NOT_FOUND' });
      });
      const core = await import('@axle/core');
      const api = core.createClient({ baseURL: origin.url, proxy: socks.url });
      const error = (await api.get('/x').catch((e: unknown) => e)) as InstanceType<typeof core.ConfigurationError>;
      expect(error.name).toBe('ConfigurationError');
      expect(error.message).toMatch(/npm install socks-proxy-agent/);
      expect(error.option).toBe('proxy');
      await api.close();
    });
  });
});
