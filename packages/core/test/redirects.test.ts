import { ClientError, createClient, HTTPError } from '@axle/core';
import { startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
    if (chain) {
      const n = Number(chain[1]);
      if (n === 0) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ done: true }));
      } else {
        res.writeHead(302, { location: `/chain/${n - 1}` });
        res.end();
      }
      return;
    }
    const status = /^\/status\/(\d+)$/.exec(url.pathname);
    if (status) {
      res.writeHead(Number(status[1]), { location: '/echo' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, body, path: url.pathname }));
  });
});

afterAll(() => server.close());

describe('redirects', () => {
  it('follows redirects by default and lists every hop in response.redirects', async () => {
    const api = createClient({ baseURL: server.url });
    const response = await api.get('/chain/2');
    expect(response.data).toEqual({ done: true });
    expect(response.redirects).toEqual([
      { url: `${server.url}/chain/2`, status: 302, location: `${server.url}/chain/1` },
      { url: `${server.url}/chain/1`, status: 302, location: `${server.url}/chain/0` },
    ]);
    expect((await api.get('/echo')).redirects).toEqual([]);
    await api.close();
  });

  it('follows at most 20 redirects by default, and maxRedirects sets the limit', async () => {
    const api = createClient({ baseURL: server.url });
    expect((await api.get('/chain/20')).redirects).toHaveLength(20);
    const error = (await api.get('/chain/21').catch((e: unknown) => e)) as ClientError;
    expect(error).toBeInstanceOf(ClientError);
    expect(error.code).toBe('ERR_FR_TOO_MANY_REDIRECTS');
    await api.close();
    const strict = createClient({ baseURL: server.url, maxRedirects: 2 });
    expect((await strict.get('/chain/2')).status).toBe(200);
    await expect(strict.get('/chain/3')).rejects.toMatchObject({ code: 'ERR_FR_TOO_MANY_REDIRECTS' });
    await strict.close();
  });

  it('does not follow with maxRedirects: 0 on one request', async () => {
    const api = createClient({ baseURL: server.url });
    const error = (await api.get('/chain/1', { maxRedirects: 0 }).catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(error.status).toBe(302);
    expect(error.response.headers.location).toBe('/chain/0');
    const passed = await api.get('/chain/1', { maxRedirects: 0, validateStatus: (s) => s < 400 });
    expect(passed.status).toBe(302);
    expect(passed.redirects).toEqual([]);
    await api.close();
  });

  it.each([301, 302, 303])('turns a POST into a GET without body on %i, as browsers do', async (status) => {
    const api = createClient({ baseURL: server.url });
    const response = await api.post(`/status/${status}`, { a: 1 });
    expect(response.data).toEqual({ method: 'GET', body: '', path: '/echo' });
    expect(response.redirects).toEqual([
      { url: `${server.url}/status/${status}`, status, location: `${server.url}/echo` },
    ]);
    await api.close();
  });

  it('keeps the method and body on 307 and 308', async () => {
    const api = createClient({ baseURL: server.url });
    for (const status of [307, 308]) {
      const response = await api.post(`/status/${status}`, { a: 1 });
      expect(response.data).toEqual({ method: 'POST', body: '{"a":1}', path: '/echo' });
    }
    await api.close();
  });

  it("still calls the caller's beforeRedirect, once per hop, also across retries", async () => {
    const hops: string[] = [];
    const api = createClient({
      baseURL: server.url,
      beforeRedirect: (options) => {
        hops.push(String(options.href));
      },
    });
    await api.get('/chain/2');
    expect(hops).toEqual([`${server.url}/chain/1`, `${server.url}/chain/0`]);
    await api.close();
  });
});
