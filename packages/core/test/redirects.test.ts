import type { Readable } from 'node:stream';
import {
  ClientError,
  ConnectionError,
  createClient,
  HTTPError,
  NotFoundError,
  type RedirectEvent,
  TimeoutError,
} from '@axle/core';
import axios from 'axios';
import { closedPort, startServer, type TestServer } from '../../../test-support/http-server';

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
    const slow = /^\/slow\/(\d+)$/.exec(url.pathname);
    if (slow) {
      const n = Number(slow[1]);
      setTimeout(() => {
        res.writeHead(n === 0 ? 200 : 302, n === 0 ? {} : { location: `/slow/${n - 1}` });
        res.end(n === 0 ? 'done' : '');
      }, 120);
      return;
    }
    if (url.pathname === '/to') {
      res.writeHead(Number(url.searchParams.get('status') ?? 302), {
        location: url.searchParams.get('location') ?? '',
      });
      res.end();
      return;
    }
    if (url.pathname === '/token-hop') {
      res.writeHead(302, { location: '/chain/1?token=hop-secret-9' });
      res.end();
      return;
    }
    if (url.pathname === '/small-redirect') {
      res.writeHead(302, { location: '/echo', 'content-length': '2' });
      res.end('ok');
      return;
    }
    if (url.pathname === '/chunked-redirect') {
      // No Content-Length: a small chunked body.
      res.writeHead(302, { location: '/echo' });
      res.write('o');
      res.end('k');
      return;
    }
    if (url.pathname === '/big-redirect') {
      res.writeHead(302, { location: '/echo' });
      res.end('x'.repeat(200_000));
      return;
    }
    if (url.pathname === '/missing') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not here"}');
      return;
    }
    const status = /^\/status\/(\d+)$/.exec(url.pathname);
    if (status) {
      res.writeHead(Number(status[1]), { location: '/echo' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        method: req.method,
        body,
        path: url.pathname,
        search: url.search,
        hop: req.headers['x-hop'] ?? null,
      }),
    );
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
    expect(response.data).toMatchObject({ method: 'GET', body: '', path: '/echo' });
    expect(response.redirects).toEqual([
      { url: `${server.url}/status/${status}`, status, location: `${server.url}/echo` },
    ]);
    await api.close();
  });

  it('keeps the method and body on 307 and 308', async () => {
    const api = createClient({ baseURL: server.url });
    for (const status of [307, 308]) {
      const response = await api.post(`/status/${status}`, { a: 1 });
      expect(response.data).toMatchObject({ method: 'POST', body: '{"a":1}', path: '/echo' });
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

  it('stops between hops when the caller aborts, and sends no further hop', async () => {
    const controller = new AbortController();
    const api = createClient({ baseURL: server.url, retry: false, beforeRedirect: () => controller.abort() });
    const before = server.requests.length;
    const error = await api.get('/chain/3', { signal: controller.signal }).catch((e: unknown) => e);
    expect(axios.isCancel(error)).toBe(true);
    expect(server.requests.length - before).toBe(1);
    await api.close();
  });

  it('sends every hop on the same keep-alive connection', async () => {
    const api = createClient({ baseURL: server.url });
    const before = server.connections;
    expect((await api.get('/chain/3')).redirects).toHaveLength(3);
    expect(server.connections - before).toBe(1);
    await api.close();
  });

  it('follows a redirect the caller’s validateStatus accepts, and judges only the final response', async () => {
    const api = createClient({ baseURL: server.url });
    const response = await api.get('/chain/2', { validateStatus: () => true });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ done: true });
    const error = (await api
      .get('/to', { params: { location: '/missing' } })
      .catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.response.data).toEqual({ error: 'not here' });
    expect(error.response.redirects).toEqual([
      { url: `${server.url}/to?location=%2Fmissing`, status: 302, location: `${server.url}/missing` },
    ]);
    expect(error.config?.url).toBe('/to');
    await api.close();
  });

  it('gives the final URL as response.request.res.responseUrl, as axios does', async () => {
    const api = createClient({ baseURL: server.url });
    const redirected = await api.get('/chain/1');
    expect(redirected.request.res.responseUrl).toBe(`${server.url}/chain/0`);
    const direct = await api.get('/echo', { params: { q: 1 } });
    expect(direct.request.res.responseUrl).toBe(`${server.url}/echo?q=1`);
    expect(direct.config.url).toBe('/echo');
    await api.close();
  });

  it('keeps a HEAD a HEAD on 303, drops the fragment, and keeps the query of the Location', async () => {
    const api = createClient({ baseURL: server.url });
    const head = await api.head('/to', { params: { status: 303, location: '/echo' } });
    expect(head.status).toBe(200);
    expect(server.requests.at(-1)?.method).toBe('HEAD');
    const response = await api.get('/to', { params: { location: '/echo?x=1#part' } });
    expect(response.data).toMatchObject({ path: '/echo', search: '?x=1' });
    expect(response.redirects?.[0]?.location).toBe(`${server.url}/echo?x=1`);
    await api.close();
  });

  it('turns a PUT into a GET on 303, without the body or its headers', async () => {
    const api = createClient({ baseURL: server.url });
    const response = await api.put('/to', 'text body', { params: { status: 303, location: '/echo' } });
    expect(response.data).toMatchObject({ method: 'GET', body: '' });
    expect(server.requests.at(-1)?.headers['content-type']).toBeUndefined();
    expect(server.requests.at(-1)?.headers['content-length']).toBeUndefined();
    await api.close();
  });

  it('applies header changes made by the caller’s beforeRedirect to the next hop', async () => {
    const api = createClient({
      baseURL: server.url,
      beforeRedirect: (options, response, request) => {
        (options.headers as Record<string, string>)['x-hop'] = `${response.statusCode} from ${request.url}`;
      },
    });
    const response = await api.get('/chain/1');
    expect(response.data).toEqual({ done: true });
    expect(server.requests.at(-1)?.headers['x-hop']).toBe(`302 from ${server.url}/chain/1`);
    await api.close();
  });

  it('refuses a Location that is not http(s) or not a URL, naming the request', async () => {
    const api = createClient({ baseURL: server.url });
    const ftp = (await api
      .get('/to', { params: { location: 'ftp://127.0.0.1/file' } })
      .catch((e: unknown) => e)) as ClientError;
    expect(ftp).toBeInstanceOf(ClientError);
    expect(ftp.code).toBe('ERR_FR_REDIRECTION_FAILURE');
    expect(ftp.message).toBe(
      `Redirect to "ftp://127.0.0.1/file" not followed: axle follows http: and https: only: GET ${server.url}/to?location=ftp:%2F%2F127.0.0.1%2Ffile`,
    );
    const bad = (await api.get('/to', { params: { location: 'http://[bad' } }).catch((e: unknown) => e)) as ClientError;
    expect(bad.code).toBe('ERR_FR_REDIRECTION_FAILURE');
    expect(bad.message).toMatch(/^Redirect location "http:\/\/\[bad" is not a valid URL: GET /);
    await api.close();
  });

  it('types a failure on a later hop, naming the hop, with the caller’s config', async () => {
    const api = createClient({ baseURL: server.url, retry: false });
    const target = `http://127.0.0.1:${await closedPort()}/gone`;
    const error = (await api.get('/to', { params: { location: target } }).catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toContain(`GET ${target}`);
    expect(error.config?.url).toBe('/to');
    await api.close();
  });

  it('holds axios’s number timeout over the whole chain, not each hop', async () => {
    const api = createClient({ baseURL: server.url, retry: false });
    // Three hops of 120 ms each: every hop alone is within 250 ms, the chain is not.
    const error = (await api.get('/slow/3', { timeout: 250 }).catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/timeout of 250ms exceeded/);
    expect((await api.get('/slow/1', { timeout: 2_000 })).data).toBe('done');
    await api.close();
  });

  it('streams the final body; a large redirect body is dropped with its connection, a small one drained, chunked or not', async () => {
    const api = createClient({ baseURL: server.url });
    let before = server.connections;
    const response = await api.get<Readable>('/big-redirect', { responseType: 'stream' });
    let text = '';
    for await (const chunk of response.data) text += String(chunk);
    expect(JSON.parse(text)).toMatchObject({ method: 'GET', path: '/echo' });
    expect(response.redirects).toHaveLength(1);
    // The 200 kB redirect body was not read: its connection was closed, and the next hop opened one.
    expect(server.connections - before).toBe(2);
    before = server.connections;
    const drained = await api.get<Readable>('/small-redirect', { responseType: 'stream' });
    for await (const _chunk of drained.data) {
      // read to the end
    }
    expect(drained.redirects).toHaveLength(1);
    // A small redirect body is read to its end, so both hops reuse the kept-alive connection.
    expect(server.connections - before).toBe(0);
    // So is a small chunked one, whose length is known only once it is read.
    const chunked = await api.get<Readable>('/chunked-redirect', { responseType: 'stream' });
    for await (const _chunk of chunked.data) {
      // read to the end
    }
    expect(chunked.redirects).toHaveLength(1);
    expect(server.connections - before).toBe(0);
    await api.close();
  });

  it('emits a redirect event per hop with its URLs redacted, and logs each hop at DEBUG', async () => {
    const records: Record<string, unknown>[] = [];
    const keep = (record: Record<string, unknown>) => records.push(record);
    const api = createClient({ baseURL: server.url, logger: { debug: keep, info: keep, warn: keep, error: keep } });
    const seen: RedirectEvent[] = [];
    api.events.on('redirect', (event) => seen.push(event));
    await api.get('/token-hop');
    expect(seen.map(({ hop, status, from, to, attempt }) => ({ hop, status, from, to, attempt }))).toEqual([
      {
        hop: 1,
        status: 302,
        from: `${server.url}/token-hop`,
        to: `${server.url}/chain/1?token=[REDACTED]`,
        attempt: 1,
      },
      { hop: 2, status: 302, from: `${server.url}/chain/1?token=[REDACTED]`, to: `${server.url}/chain/0`, attempt: 1 },
    ]);
    expect(seen[0]?.toJSON()).toMatchObject({ method: 'GET', url: `${server.url}/token-hop`, hop: 1 });
    const hops = records.filter((record) => record.event === 'redirect');
    expect(hops.map((record) => record.location)).toEqual([
      `${server.url}/chain/1?token=[REDACTED]`,
      `${server.url}/chain/0`,
    ]);
    expect(JSON.stringify(seen)).not.toContain('hop-secret-9');
    expect(JSON.stringify(records)).not.toContain('hop-secret-9');
    await api.close();
  });
});
