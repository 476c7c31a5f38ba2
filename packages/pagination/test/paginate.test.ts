import {
  type AxleInstance,
  ConfigurationError,
  createClient,
  definePlugin,
  isValidationError,
  ServerError,
  ValidationError,
} from '@axle/core';
import {
  isMissingResultsError,
  MissingResultsError,
  type PageParams,
  PaginationError,
  type PaginationStrategy,
  paginate,
} from '@axle/pagination';
import axios, { type AxiosResponse } from 'axios';
import { z } from 'zod';
import { sendJson, startServer, type TestServer } from '../../../test-support/http-server';
import { type DataServer, type Item, queryOf, startDataServer } from './fixtures';

let server: DataServer;
let api: AxleInstance;

beforeAll(async () => {
  server = await startDataServer();
  api = createClient({ baseURL: server.url, retry: false });
});
afterAll(async () => {
  await api.close();
  await server.close();
});
beforeEach(() => server.reset());

const ids = (items: readonly Item[]): number[] => items.map((i) => i.id);
const expected = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('paginate: auto-detection', () => {
  it('the default strategy is offset/limit, with the results found under data', async () => {
    const pager = paginate<Item>(api, '/offset');
    expect(ids(await pager.toArray())).toEqual(expected(0, 250));
    expect(server.seen().map(queryOf)).toEqual([
      { offset: '0', limit: '100' },
      { offset: '100', limit: '100' },
      { offset: '200', limit: '100' },
    ]);
  });

  it('a Link header with rel="next" on the first page switches to link pagination', async () => {
    server.state.total = 70;
    const items = await paginate<Item>(api, '/link').toArray();
    expect(ids(items)).toEqual(expected(0, 70));
    // The first request was sent as offset/limit would; then the links were followed as given.
    expect(server.seen()).toEqual(['/link?offset=0&limit=100', '/link?page=2&per_page=30', '/link?page=3&per_page=30']);
  });
});

describe('paginate: a custom strategy (getNextRequest + extractItems)', () => {
  interface Body {
    items: Item[];
    has_more: boolean;
  }
  let custom: TestServer;
  beforeAll(async () => {
    custom = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const after = Number(url.searchParams.get('after_id') ?? -1);
      const items: Item[] = [];
      for (let id = after + 1; id < Math.min(after + 11, 35); id += 1) items.push({ id, name: `n${id}` });
      // `/jump` has one more page after the first; `/items` goes on to id 34.
      sendJson(res, 200, { items, has_more: url.pathname === '/jump' ? after < 0 : after + 11 < 35 });
    });
  });
  afterAll(() => custom.close());

  it('the specification’s example: after_id from the last item while has_more', async () => {
    const seenParams: PageParams[] = [];
    const strategy: PaginationStrategy<Item> = {
      getNextRequest(response: AxiosResponse<Body>, currentParams) {
        seenParams.push(currentParams);
        const data = response.data;
        return data.has_more ? { after_id: data.items[data.items.length - 1]?.id } : null;
      },
      extractItems: (response: AxiosResponse<Body>) => response.data.items,
    };
    const client = createClient({ baseURL: custom.url, retry: false });
    const items = await paginate(client, '/items', strategy).toArray();
    expect(ids(items)).toEqual(expected(0, 35));
    expect(seenParams).toEqual([{}, { after_id: 9 }, { after_id: 19 }, { after_id: 29 }]);
    await client.close();
  });

  it('a strategy may return a URL string, resolved against the current page, and an extractTotal', async () => {
    const strategy: PaginationStrategy<Item> = {
      name: 'by-url',
      getNextRequest: (response: AxiosResponse<Body>, _params, context) =>
        response.data.has_more ? `jump?after_id=${context.itemsFetched - 1}` : undefined,
      extractItems: (response: AxiosResponse<Body>) => response.data.items,
      extractTotal: () => 35,
    };
    const client = createClient({ baseURL: custom.url, retry: false });
    const pager = paginate(client, '/jump', { strategy, params: { q: 1 } });
    expect(ids(await pager.toArray())).toEqual(expected(0, 20));
    expect(pager.totalCount).toBe(35);
    expect(custom.requests.slice(-2).map((r) => r.url)).toEqual(['/jump?q=1', '/jump?after_id=9']);
    await client.close();
  });

  it('a strategy that breaks its contract fails with a typed error at that page', async () => {
    const client = createClient({ baseURL: custom.url, retry: false });
    const notArray = { getNextRequest: () => null, extractItems: () => 'nope' as unknown as readonly unknown[] };
    await expect(paginate(client, '/items', notArray).toArray()).rejects.toThrow(
      /extractItems .* must return an array/,
    );
    const badNext = {
      name: 'weird',
      getNextRequest: () => 42 as unknown as null,
      extractItems: (r: AxiosResponse<Body>) => r.data.items,
    };
    const error = await paginate(client, '/items', badNext)
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toMatch(/getNextRequest of the weird strategy/);
    const throwing = {
      getNextRequest: () => {
        throw new Error('boom');
      },
      extractItems: (r: AxiosResponse<Body>) => r.data.items,
    };
    const got: Item[] = [];
    await expect(
      (async () => {
        for await (const item of paginate(client, '/items', throwing)) got.push(item);
      })(),
    ).rejects.toThrow('boom');
    expect(got).toHaveLength(10);
    const badUrl = { getNextRequest: () => 'http://[::1', extractItems: (r: AxiosResponse<Body>) => r.data.items };
    await expect(paginate(client, '/items', badUrl).toArray()).rejects.toThrow(/not a valid URL/);
    const scheme = {
      getNextRequest: () => 'javascript:alert(1)',
      extractItems: (r: AxiosResponse<Body>) => r.data.items,
    };
    await expect(paginate(client, '/items', scheme).toArray()).rejects.toMatchObject({
      name: 'CrossOriginLinkError',
      origin: 'null',
    });
    await client.close();
  });
});

describe('paginate: limits and early exit', () => {
  it('breaking out of the loop fetches no further page', async () => {
    const seen: number[] = [];
    for await (const item of paginate<Item>(api, '/offset', { limit: 10 })) {
      seen.push(item.id);
      if (item.id === 14) break;
    }
    expect(seen).toEqual(expected(0, 15));
    // Give a stray request time to show up, then check that none did.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.seen()).toHaveLength(2);
  });

  it('breaking on the last item of a page does not request the next page either', async () => {
    const pager = paginate<Item>(api, '/cursor', { strategy: 'cursor', cursorPath: 'meta.next_cursor', perPage: 10 });
    for await (const item of pager) if (item.id === 9) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.seen()).toHaveLength(1);
    expect(pager.pagesFetched).toBe(1);
    expect(pager.itemsYielded).toBe(10);
  });

  it('pages() yields whole pages with their responses; maxItems cuts the last one; maxPages stops', async () => {
    const pages = [];
    for await (const page of paginate<Item>(api, '/offset', { limit: 40, maxItems: 90 }).pages()) {
      pages.push({ index: page.index, count: page.items.length, status: page.response.status, url: page.url });
    }
    expect(pages.map((p) => [p.index, p.count, p.status])).toEqual([
      [0, 40, 200],
      [1, 40, 200],
      [2, 10, 200],
    ]);
    expect(pages[1]?.url).toBe(`${server.url}/offset?offset=40&limit=40`);
    server.reset();
    let count = 0;
    for await (const _page of paginate(api, '/offset', { limit: 40, maxPages: 2 }).pages()) count += 1;
    expect(count).toBe(2);
    expect(server.seen()).toHaveLength(2);
    server.reset();
    for await (const page of paginate(api, '/offset', { limit: 40 }).pages()) if (page.index === 0) break;
    expect(server.seen()).toHaveLength(1);
  });

  it('each iteration is a new walk; the counters describe the latest', async () => {
    const pager = paginate<Item>(api, '/offset', { limit: 100, maxPages: 1, totalKey: 'total' });
    expect(pager.pagesFetched).toBe(0);
    expect(pager.totalCount).toBeUndefined();
    expect(await pager.toArray()).toHaveLength(100);
    expect(await pager.toArray()).toHaveLength(100);
    expect(pager.pagesFetched).toBe(1);
    expect(pager.totalCount).toBe(250);
    expect(server.seen()).toHaveLength(2);
  });

  it('an empty first page yields nothing', async () => {
    server.state.total = 0;
    expect(await paginate(api, '/offset').toArray()).toEqual([]);
    expect(server.seen()).toHaveLength(1);
  });

  it('the signal option aborts the walk with CanceledError', async () => {
    server.state.delayMs = 200;
    const controller = new AbortController();
    const walk = paginate(api, '/offset', { signal: controller.signal }).toArray();
    setTimeout(() => controller.abort(), 20);
    const error = await walk.catch((e: unknown) => e);
    expect(axios.isCancel(error)).toBe(true);
  });
});

describe('paginate: bad pages', () => {
  let bodies: unknown[] = [];
  let scripted: TestServer;
  beforeAll(async () => {
    scripted = await startServer((_req, res) => sendJson(res, 200, bodies.shift() ?? []));
  });
  afterAll(() => scripted.close());

  it('a page whose results key is missing raises MissingResultsError naming the path and the URL', async () => {
    bodies = [{ data: { items: [1, 2] }, next: 'x' }, { data: {} }];
    const client = createClient({ baseURL: scripted.url, retry: false });
    const got: unknown[] = [];
    const error = await (async () => {
      for await (const item of paginate(client, '/things', {
        strategy: 'cursor',
        cursorPath: 'next',
        resultsKey: 'data.items',
      })) {
        got.push(item);
      }
    })().catch((e: unknown) => e);
    expect(got).toEqual([1, 2]);
    expect(error).toBeInstanceOf(MissingResultsError);
    expect(error).toBeInstanceOf(ValidationError);
    expect(isMissingResultsError(error)).toBe(true);
    expect(isValidationError(error)).toBe(true);
    const typed = error as MissingResultsError;
    expect(typed.path).toBe('data.items');
    expect(typed.code).toBe('ERR_PAGINATION_RESULTS');
    expect(typed.message).toMatch(/"data\.items" is missing.*GET http:\/\/127\.0\.0\.1:\d+\/things\?cursor=x/);
    expect(typed.issues[0]).toMatchObject({ path: ['data', 'items'], code: 'missing_results' });
    expect(typed.toJSON()).toMatchObject({ path: 'data.items' });
    await client.close();
  });

  it('results that are not an array, and bodies with nothing to detect, are MissingResultsError too', async () => {
    const client = createClient({ baseURL: scripted.url, retry: false });
    bodies = [{ data: { a: 1 } }];
    await expect(paginate(client, '/a', { resultsKey: 'data' }).toArray()).rejects.toThrow(
      /holds object, not an array/,
    );
    bodies = [{ data: null }];
    await expect(paginate(client, '/a', { resultsKey: 'data' }).toArray()).rejects.toThrow(/holds null/);
    bodies = [{ rows: [1] }];
    await expect(paginate(client, '/a').toArray()).rejects.toThrow(/none of data, items, results holds one/);
    bodies = [{ results: [1, 2] }];
    expect(await paginate(client, '/a').toArray()).toEqual([1, 2]);
    await client.close();
  });

  it('schema: items are validated and typed; a failing item throws ValidationError with issues and the page URL', async () => {
    const User = z.object({ id: z.number(), name: z.string().transform((s) => s.toUpperCase()) });
    bodies = [
      { items: [{ id: 1, name: 'a' }], next_cursor: 'c2' },
      {
        items: [
          { id: 2, name: 'b' },
          { id: 'three', name: 'c' },
        ],
        next_cursor: null,
      },
    ];
    const client = createClient({ baseURL: scripted.url, retry: false });
    const got: { id: number; name: string }[] = [];
    const error = await (async () => {
      for await (const user of paginate(client, '/users', { strategy: 'cursor', schema: User })) got.push(user);
    })().catch((e: unknown) => e);
    expect(got).toEqual([
      { id: 1, name: 'A' },
      { id: 2, name: 'B' },
    ]);
    expect(error).toBeInstanceOf(ValidationError);
    const typed = error as ValidationError;
    expect(typed.message).toMatch(
      /Item 1 of page 2 does not match the schema \(1\.id: .*\): GET http:\/\/127\.0\.0\.1:\d+\/users\?cursor=c2/,
    );
    expect(typed.issues).toEqual([
      expect.objectContaining({ path: [1, 'id'], code: 'invalid_type', expected: 'number' }),
    ]);
    expect(typed.response?.status).toBe(200);

    // pages(): a page is yielded only once all its items are valid.
    bodies = [{ items: [{ id: 1, name: 'a' }, { id: 2 }] }];
    await expect(
      paginate(client, '/users', { strategy: 'cursor', schema: User }).pages().next(),
    ).rejects.toBeInstanceOf(ValidationError);
    // Anything with safeParse will do.
    const even = {
      safeParse: (value: unknown) =>
        typeof value === 'number' && value % 2 === 0
          ? ({ success: true, data: value } as const)
          : ({ success: false, error: { issues: [{ path: [Symbol.for('x')], message: 'odd' }] } } as const),
    };
    bodies = [[2, 4, 5]];
    const evenError = await paginate(client, '/n', { schema: even })
      .toArray()
      .catch((e: unknown) => e);
    expect((evenError as ValidationError).issues).toEqual([
      { path: [2, 'Symbol(x)'], message: 'odd', code: 'invalid' },
    ]);
    await client.close();
  });
});

describe('paginate: with the client’s plugins', () => {
  // On a slow shared machine a page request of an earlier test can still take this test's scripted
  // 503; a failure is retried up to twice and printed.
  jest.retryTimes(2, { logErrorsBeforeRetry: true });

  it('each page goes through retry, call layers of plugins and hooks', async () => {
    // Pages that earlier tests aborted may still reach the server on a slow machine: let them land
    // before scripting the 503 this test's first page must get.
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.state.script.set('/offset', [503]);
    const layered: string[] = [];
    const hooked: string[] = [];
    const tracer = definePlugin({
      name: 'tracer',
      role: 'rate-limit',
      install(ctx) {
        ctx.wrap(async (config, next) => {
          layered.push(String(config.params?.offset));
          return next(config);
        });
        return undefined;
      },
    });
    const client = createClient({
      baseURL: server.url,
      retry: { retries: 2, baseDelay: 1, maxDelay: 2 },
      plugins: [tracer],
      hooks: { response: [(response) => void hooked.push(String(response.config.params?.offset))] },
    });
    const items = await paginate<Item>(client, '/offset', { limit: 100 }).toArray();
    expect(items).toHaveLength(250);
    // The first page failed once and was retried through the limiter layer.
    expect(layered).toEqual(['0', '0', '100', '200']);
    expect(hooked).toEqual(['0', '100', '200']);
    await client.close();
  });

  it('a page that still fails surfaces its typed error after the items before it; per-page config applies', async () => {
    const client = createClient({ baseURL: server.url, retry: { retries: 1, baseDelay: 1, maxDelay: 2 } });
    const got: Item[] = [];
    const walk = (async () => {
      for await (const item of paginate<Item>(client, '/offset', {
        limit: 100,
        config: { retry: false, headers: { 'X-Page-Test': 'yes' } },
      })) {
        got.push(item);
        if (item.id === 0) server.state.script.set('/offset', [500]);
      }
    })();
    await expect(walk).rejects.toBeInstanceOf(ServerError);
    expect(got).toHaveLength(100);
    expect(server.requests.slice(-2).map((r) => r.headers['x-page-test'])).toEqual(['yes', 'yes']);
    await client.close();
  });

  it('works with a plain axios instance too', async () => {
    const plain = axios.create({ baseURL: server.url });
    expect(await paginate(plain, '/offset-header', { limit: 100 }).toArray()).toHaveLength(250);
  });
});

describe('paginate: argument checks', () => {
  it('rejects a bad client or url at once with ConfigurationError', () => {
    expect(() => paginate({} as AxleInstance, '/x')).toThrow(expect.objectContaining({ option: 'client' }));
    expect(() => paginate(api, '')).toThrow(ConfigurationError);
    expect(() => paginate(api, 42 as unknown as string)).toThrow(expect.objectContaining({ option: 'url' }));
  });
});
