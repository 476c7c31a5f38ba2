import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConfigurationError, createClient } from '@axle/core';
import { CookieJar, MemoryCookieStore } from 'tough-cookie';
import { startServer, type TestServer } from '../../../test-support/http-server';
import { selfSignedCert } from '../../../test-support/tls';

let server: TestServer;
let other: TestServer;

const cookieRoutes: Record<string, string[]> = {
  '/login': ['sid=s1; Path=/; HttpOnly'],
  '/app/login': ['scoped=a1; Path=/app'],
  '/secure': ['safe=x1; Path=/; Secure'],
  '/expire': ['sid=gone; Path=/; Max-Age=0'],
  '/foreign': ['evil=1; Path=/; Domain=example.com'],
};

beforeAll(async () => {
  other = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
  });
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
    const set = cookieRoutes[url.pathname];
    if (set) headers['set-cookie'] = set;
    if (url.pathname === '/login-then-me') {
      res.writeHead(302, { location: '/me', 'set-cookie': 'hop=h1; Path=/' });
      res.end();
      return;
    }
    if (url.pathname === '/login-then-other') {
      res.writeHead(302, { location: `${other.url}/me`, 'set-cookie': 'sid=s1; Path=/' });
      res.end();
      return;
    }
    res.writeHead(url.pathname === '/denied' ? 403 : 200, headers);
    res.end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
  });
});

afterAll(async () => {
  await server.close();
  await other.close();
});

describe('cookie jar', () => {
  it('keeps no cookies unless asked', async () => {
    const api = createClient({ baseURL: server.url });
    await api.get('/login');
    expect((await api.get('/me')).data.cookie).toBeNull();
    await api.close();
  });

  it('persists session cookies across requests with cookies: true, per client', async () => {
    const api = createClient({ baseURL: server.url, cookies: true });
    const otherClient = createClient({ baseURL: server.url, cookies: true });
    await api.get('/login');
    expect((await api.get('/me')).data.cookie).toBe('sid=s1');
    expect((await otherClient.get('/me')).data.cookie).toBeNull();
    // A cookie the caller sets on the request goes along with the jar's.
    expect((await api.get('/me', { headers: { Cookie: 'mine=1' } })).data.cookie).toBe('mine=1; sid=s1');
    await api.close();
    await otherClient.close();
  });

  it('respects path, secure, expiry and domain', async () => {
    const api = createClient({ baseURL: server.url, cookies: true });
    await api.get('/login');
    await api.get('/app/login');
    expect((await api.get('/app/x')).data.cookie).toBe('scoped=a1; sid=s1');
    expect((await api.get('/elsewhere')).data.cookie).toBe('sid=s1');
    await api.get('/secure');
    // Loopback counts as a secure origin (as in browsers) unless the jar says otherwise.
    expect((await api.get('/me')).data.cookie).toMatch(/safe=x1/);
    await api.get('/foreign');
    expect((await api.get('/me')).data.cookie).not.toMatch(/evil=/);
    await api.get('/expire');
    expect((await api.get('/me')).data.cookie).toBe('safe=x1');
    await api.close();
  });

  it('sends no Secure cookie over plain HTTP when the jar does not count loopback as secure', async () => {
    const api = createClient({ baseURL: server.url, cookies: new CookieJar(undefined, { allowSecureOnLocal: false }) });
    await api.get('/login');
    await api.get('/secure');
    expect((await api.get('/me')).data.cookie).toBe('sid=s1');
    await api.close();
  });

  it('sends Secure cookies over HTTPS', async () => {
    const cert = selfSignedCert();
    const tlsServer = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      if (req.url === '/set') res.setHeader('set-cookie', 'safe=x1; Path=/; Secure');
      res.end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
    });
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
    const api = createClient({ baseURL: url, cookies: true, tls: { ca: cert.cert } });
    await api.get('/set');
    expect((await api.get('/me')).data).toEqual({ cookie: 'safe=x1' });
    await api.close();
    await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
  });

  it('stores cookies from error responses and redirect hops, and sends them on the next hop', async () => {
    const api = createClient({ baseURL: server.url, cookies: true });
    const response = await api.get('/login-then-me');
    expect(response.data.cookie).toBe('hop=h1');
    await api.close();
  });

  it('updates and reads a jar with an asynchronous store on redirect hops too', async () => {
    class AsyncStore extends MemoryCookieStore {
      override synchronous = false;
    }
    const jar = new CookieJar(new AsyncStore());
    expect(() => jar.getCookieStringSync(server.url)).toThrow();
    const api = createClient({ baseURL: server.url, cookies: jar });
    expect((await api.get('/login-then-me')).data.cookie).toBe('hop=h1');
    expect(await jar.getCookieString(server.url)).toBe('hop=h1');
    await api.close();
  });

  it('sends no jar cookies to another origin, on absolute URLs or redirect hops', async () => {
    const api = createClient({ baseURL: server.url, cookies: true });
    const response = await api.get('/login-then-other');
    expect(response.data.cookie).toBeNull();
    expect((await api.get(`${other.url}/x`)).data.cookie).toBeNull();
    expect((await api.get('/me')).data.cookie).toBe('sid=s1');
    await api.close();
    const trusting = createClient({ baseURL: server.url, cookies: true, trustedOrigins: [other.url] });
    await trusting.get('/login');
    expect((await trusting.get(`${other.url}/x`)).data.cookie).toBe('sid=s1');
    await trusting.close();
  });

  it('uses a CookieJar of your own', async () => {
    const jar = new CookieJar();
    await jar.setCookie('preset=p1; Path=/', server.url);
    const api = createClient({ baseURL: server.url, cookies: jar });
    expect((await api.get('/me')).data.cookie).toBe('preset=p1');
    await api.get('/denied', { throwHttpErrors: false });
    await api.get('/login');
    expect(await jar.getCookieString(server.url)).toBe('preset=p1; sid=s1');
    await api.close();
  });

  it('rejects an invalid cookies option', () => {
    expect(() => createClient({ cookies: 'yes' as never })).toThrow(ConfigurationError);
    expect(() => createClient({ cookies: 'yes' as never })).toThrow(/cookies/);
  });
});
