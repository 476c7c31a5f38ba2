// "Drop-in": the same plain axios code run against `axios.create` and `createClient` gives the same
// observable results (what the server saw, and what the caller got).

import { type AxleInstance, createClient } from '@axle/core';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { closedPort, startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;
let plain: AxiosInstance;
let axle: AxleInstance;

beforeAll(async () => {
  server = await startServer((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/status') {
      const code = Number(url.searchParams.get('code'));
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code }));
      return;
    }
    if (url.pathname === '/redirect') {
      res.writeHead(Number(url.searchParams.get('code')), { location: url.searchParams.get('to') ?? '/' });
      res.end();
      return;
    }
    if (url.pathname === '/loop') {
      res.writeHead(302, { location: '/loop' });
      res.end();
      return;
    }
    if (url.pathname === '/slow') {
      setTimeout(() => res.end('late'), 300);
      return;
    }
    if (url.pathname === '/text') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello text');
      return;
    }
    const echo = {
      method: req.method,
      url: req.url,
      contentType: req.headers['content-type'] ?? null,
      authorization: req.headers.authorization ?? null,
      custom: req.headers['x-custom'] ?? null,
      body,
    };
    res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(echo));
  });
});

beforeEach(() => {
  plain = axios.create({ baseURL: server.url });
  axle = createClient({ baseURL: server.url });
});

afterEach(async () => {
  await axle.close();
});

afterAll(async () => {
  await server.close();
});

interface Observed {
  status?: number;
  data?: unknown;
  echoHeader?: unknown;
  error?: { isAxiosError: boolean; code?: string; status?: number; isCancel: boolean; data?: unknown };
}

async function observe(
  run: (client: AxiosInstance) => Promise<AxiosResponse>,
  client: AxiosInstance,
): Promise<Observed> {
  try {
    const response = await run(client);
    // Multipart boundaries are random on every request.
    const data = JSON.parse(JSON.stringify(response.data ?? null).replace(/-{10,}[0-9a-f]+/g, 'BOUNDARY'));
    return { status: response.status, data, echoHeader: response.headers['x-echo'] };
  } catch (error) {
    const e = error as { code?: string; response?: AxiosResponse };
    return {
      error: {
        isAxiosError: axios.isAxiosError(error),
        code: e.code,
        status: e.response?.status,
        isCancel: axios.isCancel(error),
        data: e.response?.data,
      },
    };
  }
}

async function same(run: (client: AxiosInstance) => Promise<AxiosResponse>): Promise<Observed> {
  const expected = await observe(run, plain);
  const actual = await observe(run, axle);
  expect(actual).toEqual(expected);
  return actual;
}

describe('every verb', () => {
  it.each(['get', 'delete', 'head', 'options'] as const)('%s', async (verb) => {
    const result = await same((c) => c[verb]('/things/1'));
    expect(result.status).toBe(200);
  });

  it.each(['post', 'put', 'patch'] as const)('%s with a JSON body', async (verb) => {
    const result = await same((c) => c[verb]('/things', { name: 'axle', tags: ['a', 'b'] }));
    expect(result.data).toMatchObject({
      method: verb.toUpperCase(),
      contentType: 'application/json',
      body: '{"name":"axle","tags":["a","b"]}',
    });
  });

  it('the request(config) and callable forms', async () => {
    await same((c) => c.request({ url: '/r', method: 'post', data: { a: 1 } }));
    await same((c) => c({ url: '/r', method: 'get' }));
    await same((c) => c('/r'));
  });
});

describe('params and bodies', () => {
  it('encodes params: arrays, special characters, dates, nulls', async () => {
    const result = await same((c) =>
      c.get('/p', { params: { q: 'a b&c=d/é', list: [1, 2], none: null, skip: undefined, when: new Date(0) } }),
    );
    expect((result.data as { url: string }).url).toContain('q=a+b%26c%3Dd%2F%C3%A9');
  });

  it('URLSearchParams params and a custom serializer', async () => {
    await same((c) => c.get('/p', { params: new URLSearchParams({ a: '1', b: 'two' }) }));
    await same((c) => c.get('/p', { params: { a: 1 }, paramsSerializer: () => 'custom=yes' }));
  });

  it('form bodies', async () => {
    const result = await same((c) => c.post('/f', new URLSearchParams({ a: '1', b: 'x y' })));
    expect(result.data).toMatchObject({
      contentType: 'application/x-www-form-urlencoded;charset=utf-8',
      body: 'a=1&b=x+y',
    });
    await same((c) =>
      c.post('/f', { a: 1, nested: { b: 2 } }, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
    );
    await same((c) => c.postForm('/f', { a: '1' }));
  });

  it('raw bodies: Buffer and string', async () => {
    const buffer = await same((c) =>
      c.post('/raw', Buffer.from('bytes!'), { headers: { 'Content-Type': 'application/octet-stream' } }),
    );
    expect(buffer.data).toMatchObject({ body: 'bytes!', contentType: 'application/octet-stream' });
    const text = await same((c) => c.put('/raw', 'plain text', { headers: { 'Content-Type': 'text/plain' } }));
    expect(text.data).toMatchObject({ body: 'plain text' });
  });

  it('response types: text, arraybuffer, stream', async () => {
    await same((c) => c.get('/text'));
    const ab = await observe((c) => c.get('/text', { responseType: 'arraybuffer' }), axle);
    expect(Buffer.from(ab.data as ArrayBuffer).toString()).toBe('hello text');
    const stream = await axle.get('/text', { responseType: 'stream' });
    const chunks: Buffer[] = [];
    for await (const chunk of stream.data as AsyncIterable<Buffer>) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('hello text');
  });
});

describe('headers, auth, defaults', () => {
  it('per-request headers, default headers and basic auth', async () => {
    const result = await same((c) =>
      c.get('/h', { headers: { 'X-Custom': 'one' }, auth: { username: 'u', password: 'p' } }),
    );
    expect(result.data).toMatchObject({
      custom: 'one',
      authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
    });
  });

  it('defaults stay mutable at run time, as drop-in code expects', async () => {
    plain.defaults.headers.common['X-Custom'] = 'runtime';
    axle.defaults.headers.common['X-Custom'] = 'runtime';
    const result = await same((c) => c.get('/h'));
    expect(result.data).toMatchObject({ custom: 'runtime' });
  });
});

describe('redirects (axios follows them with follow-redirects, axle with its own follower)', () => {
  it('follows a GET to the final response, and gives the same final URL', async () => {
    const result = await same((c) => c.get('/redirect', { params: { code: 302, to: '/things/1?x=1' } }));
    expect(result.data).toMatchObject({ method: 'GET', url: '/things/1?x=1' });
    const urls = await Promise.all(
      [plain, axle].map(async (c) => (await c.get('/redirect?code=301&to=/final')).request.res.responseUrl),
    );
    expect(urls).toEqual([`${server.url}/final`, `${server.url}/final`]);
  });

  it.each([301, 302, 303, 307, 308])('treats a POST redirected with %i the same way', async (code) => {
    const result = await same((c) => c.post(`/redirect?code=${code}&to=/after`, { a: 1 }));
    const keeps = code === 307 || code === 308;
    expect(result.data).toMatchObject({
      method: keeps ? 'POST' : 'GET',
      body: keeps ? '{"a":1}' : '',
      contentType: keeps ? 'application/json' : null,
    });
  });

  it('maxRedirects: 0 and too many redirects', async () => {
    const stopped = await same((c) => c.get('/redirect?code=302&to=/after', { maxRedirects: 0 }));
    expect(stopped.error).toMatchObject({ isAxiosError: true, status: 302 });
    await same((c) => c.get('/redirect?code=302&to=/after', { maxRedirects: 0, validateStatus: (s) => s < 400 }));
    const loop = await same((c) => c.get('/loop', { maxRedirects: 3 }));
    expect(loop.error).toMatchObject({ isAxiosError: true, code: 'ERR_FR_TOO_MANY_REDIRECTS' });
  });
});

describe('status handling', () => {
  it('rejects non-2xx with an AxiosError that has the response', async () => {
    const result = await same((c) => c.get('/status?code=404'));
    expect(result.error).toMatchObject({
      isAxiosError: true,
      code: 'ERR_BAD_REQUEST',
      status: 404,
      data: { code: 404 },
    });
    const server5xx = await same((c) => c.get('/status?code=503'));
    expect(server5xx.error).toMatchObject({ code: 'ERR_BAD_RESPONSE', status: 503 });
  });

  it('honours validateStatus', async () => {
    const result = await same((c) => c.get('/status?code=404', { validateStatus: (s) => s < 500 }));
    expect(result.status).toBe(404);
    const strict = await same((c) => c.get('/h', { validateStatus: (s) => s === 201 }));
    expect(strict.error?.status).toBe(200);
    await same((c) => c.get('/status?code=500', { validateStatus: null }));
  });

  it('connection failures are AxiosErrors with the same code', async () => {
    const port = await closedPort();
    const result = await same((c) => c.get(`http://127.0.0.1:${port}/`));
    expect(result.error).toMatchObject({ isAxiosError: true, code: 'ECONNREFUSED' });
  });

  it("axios's timeout still rejects with ECONNABORTED", async () => {
    const result = await same((c) => c.get('/slow', { timeout: 50 }));
    expect(result.error).toMatchObject({ isAxiosError: true, code: 'ECONNABORTED' });
  });
});

describe('interceptors and transforms the user adds', () => {
  it('request and response interceptors run, in axios order', async () => {
    for (const c of [plain, axle]) {
      const order: string[] = [];
      c.interceptors.request.use((config) => {
        order.push('req-1');
        config.headers.set('X-Custom', 'from-interceptor');
        return config;
      });
      c.interceptors.request.use((config) => {
        order.push('req-2');
        return config;
      });
      c.interceptors.response.use((response) => {
        order.push('res-1');
        response.data = { ...response.data, touched: true };
        return response;
      });
      const { data } = await c.get('/i');
      expect(data).toMatchObject({ custom: 'from-interceptor', touched: true });
      expect(order).toEqual(['req-2', 'req-1', 'res-1']);
    }
  });

  it('an interceptor that throws rejects the request the same way', async () => {
    for (const c of [plain, axle]) {
      c.interceptors.request.use(() => {
        throw new Error('nope from interceptor');
      });
    }
    const result = await Promise.all([plain, axle].map((c) => c.get('/i').catch((e: Error) => e.message)));
    expect(result).toEqual(['nope from interceptor', 'nope from interceptor']);
  });

  it('a response interceptor can recover from an error', async () => {
    for (const c of [plain, axle]) {
      c.interceptors.response.use(undefined, (error) => ({
        status: 299,
        data: { recovered: axios.isAxiosError(error) },
      }));
    }
    await same((c) => c.get('/status?code=500'));
  });

  it('transformRequest and transformResponse', async () => {
    const result = await same((c) =>
      c.post(
        '/t',
        { a: 1 },
        {
          transformRequest: [
            (data: { a: number }, headers) => {
              headers.set('Content-Type', 'text/plain');
              return `a is ${data.a}`;
            },
          ],
          transformResponse: [(data: string) => ({ wrapped: JSON.parse(data).body })],
        },
      ),
    );
    expect(result.data).toEqual({ wrapped: 'a is 1' });
  });
});

describe('cancellation', () => {
  it('an AbortSignal aborted before sending', async () => {
    const result = await same((c) => c.get('/slow', { signal: AbortSignal.abort() }));
    expect(result.error).toMatchObject({ isCancel: true, isAxiosError: true, code: 'ERR_CANCELED' });
  });

  it('an AbortSignal aborted in flight', async () => {
    const result = await same((c) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      return c.get('/slow', { signal: controller.signal });
    });
    expect(result.error?.isCancel).toBe(true);
  });

  it('a CancelToken', async () => {
    const result = await same((c) => {
      const source = axios.CancelToken.source();
      setTimeout(() => source.cancel('changed my mind'), 30);
      return c.get('/slow', { cancelToken: source.token });
    });
    expect(result.error).toMatchObject({ isCancel: true, code: 'ERR_CANCELED' });
  });
});

describe('instance helpers', () => {
  it('getUri and a custom adapter', async () => {
    expect(axle.getUri({ url: '/x', params: { a: 1 } })).toBe(plain.getUri({ url: '/x', params: { a: 1 } }));
    const adapter = async () =>
      ({ data: 'from adapter', status: 200, statusText: 'OK', headers: {}, config: {} }) as AxiosResponse;
    await same((c) => c.get('/x', { adapter }));
  });
});
