import { type AxleInstance, createClient } from '@axle/core';
import { CrossOriginLinkError, isCrossOriginLinkError, LinkHeaderPagination, paginate } from '@axle/pagination';
import { sendJson, startServer, type TestServer } from '../../../test-support/http-server';
import { type DataServer, type Item, startDataServer } from './fixtures';

let data: DataServer;
let edge: TestServer;
let other: TestServer;
let api: AxleInstance;

// Serves RFC 8288 edge cases, one per step: every step's items are [step], and its Link header
// points to the next step in a different legal spelling.
function edgeHandler(otherOrigin: () => string) {
  return (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/start') {
      res.writeHead(302, { location: '/v2/edge/list?step=1' });
      res.end();
      return;
    }
    const step = Number(url.searchParams.get('step'));
    const links: Record<number, string | string[]> = {
      // Two Link header lines; the next link is path-relative to the redirected URL.
      1: ['<list?step=0>; rel="prev"', '<list?step=2>; rel="next"; title="two, or: 2; really"'],
      // A query-only reference, several relation types in one rel, and a quoted comma.
      2: '</v2/edge/list?step=1>; rel=prev, <?step=3>; rel="last next"; title="a, b"',
      // Upper-case names, unquoted values, odd whitespace, dot segments.
      3: '  <../edge/./list?step=4>  ;  REL = next ;  type=application/json  ',
      // An absolute URL on the same origin with commas and semicolons in it, after other links.
      4: `<http://127.0.0.1:${(req.socket.localPort ?? 0).toString()}/v2/edge/list?step=5&ids=1,2;3>; rel="next", <list?step=1>; rel=first`,
      // The rel that matters appears second; the first rel parameter wins for each link.
      5: '<list?step=1>; rel="first"; rel="next", <list?step=6>; rel="next"',
      // Last page: no next, only prev and first.
      6: '<list?step=5>; rel="prev", <list?step=1>; rel="first"',
      // Pointing to another origin.
      7: `<${otherOrigin()}/steal?step=8>; rel="next"`,
      // A relative link that resolves back to step 9: a loop.
      9: '<list?step=9>; rel="next"',
    };
    const link = links[step];
    const headers: Record<string, string | string[]> = link ? { link } : {};
    sendJson(res, 200, { data: [step] }, headers);
  };
}

beforeAll(async () => {
  data = await startDataServer();
  other = await startServer((req, res) =>
    sendJson(res, 200, { data: ['stolen'], auth: req.headers.authorization ?? null }),
  );
  edge = await startServer(edgeHandler(() => other.url));
  api = createClient({ baseURL: data.url, retry: false });
});
afterAll(async () => {
  await api.close();
  await Promise.all([data.close(), edge.close(), other.close()]);
});
beforeEach(() => data.reset());

describe('LinkHeaderPagination', () => {
  it('follows rel="next" to the end, resolving relative links; perPage on the first request only', async () => {
    const pager = paginate<Item>(api, '/link', new LinkHeaderPagination({ perPage: 100 }));
    const ids = (await pager.toArray()).map((i) => i.id);
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(data.seen()).toEqual(['/link?per_page=100', '/link?page=2&per_page=100', '/link?page=3&per_page=100']);
    expect(pager.pagesFetched).toBe(3);
  });

  it('walks a server serving RFC 8288 edge cases, after a redirect', async () => {
    const client = createClient({ baseURL: edge.url, retry: false });
    const pages = [];
    for await (const page of paginate<number>(client, '/start', { strategy: 'link', resultsKey: 'data' }).pages()) {
      pages.push({ items: page.items, url: page.url.replace(edge.url, '') });
    }
    expect(pages).toEqual([
      { items: [1], url: '/v2/edge/list?step=1' },
      { items: [2], url: '/v2/edge/list?step=2' },
      { items: [3], url: '/v2/edge/list?step=3' },
      { items: [4], url: '/v2/edge/list?step=4' },
      { items: [5], url: '/v2/edge/list?step=5&ids=1,2;3' },
      { items: [6], url: '/v2/edge/list?step=6' },
    ]);
    await client.close();
  });

  it('refuses a next link to another origin: CrossOriginLinkError, and the other host sees nothing', async () => {
    const client = createClient({ baseURL: edge.url, retry: false, headers: { Authorization: 'Bearer secret-token' } });
    const got: unknown[] = [];
    const error = await (async () => {
      for await (const item of paginate(client, '/v2/edge/list?step=7', { strategy: 'link', resultsKey: 'data' })) {
        got.push(item);
      }
    })().catch((e: unknown) => e);
    expect(got).toEqual([7]);
    expect(error).toBeInstanceOf(CrossOriginLinkError);
    expect(isCrossOriginLinkError(error)).toBe(true);
    const typed = error as CrossOriginLinkError;
    expect(typed.origin).toBe(other.url);
    expect(typed.expectedOrigin).toBe(edge.url);
    expect(typed.code).toBe('ERR_PAGINATION_ORIGIN');
    expect(typed.message).toContain('allowedOrigins');
    expect(JSON.stringify(typed.toJSON())).not.toContain('secret-token');
    expect(other.requests).toHaveLength(0);
    await client.close();
  });

  it('follows it when allowedOrigins lists the origin', async () => {
    const client = createClient({ baseURL: edge.url, retry: false });
    const items = await paginate(client, '/v2/edge/list?step=7', {
      strategy: 'link',
      resultsKey: 'data',
      allowedOrigins: [`${other.url}/`],
    }).toArray();
    expect(items).toEqual([7, 'stolen']);
    expect(other.requests.map((r) => r.url)).toEqual(['/steal?step=8']);
    await client.close();
  });

  it('a next link back to a page already fetched stops with PaginationLoopError', async () => {
    const client = createClient({ baseURL: edge.url, retry: false });
    const error = await paginate(client, '/v2/edge/list?step=9', { strategy: 'link', resultsKey: 'data' })
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PaginationLoopError', code: 'ERR_PAGINATION_LOOP', pageIndex: 0 });
    await client.close();
  });

  it('a custom rel; a page without Link ends the walk', async () => {
    const client = createClient({ baseURL: edge.url, retry: false });
    const items = await paginate(client, '/v2/edge/list?step=5', {
      strategy: 'link',
      rel: 'first',
      resultsKey: 'data',
    }).toArray();
    // step 5's first link goes to step 1, whose first link is absent: 5, 1 then stop.
    expect(items).toEqual([5, 1]);
    expect(await paginate(client, '/v2/edge/list?step=8', { strategy: 'link', resultsKey: 'data' }).toArray()).toEqual([
      8,
    ]);
    await client.close();
  });
});
