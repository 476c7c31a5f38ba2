import { type AxleInstance, createClient } from '@axle/core';
import { OffsetLimitPagination, paginate } from '@axle/pagination';
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

const ids = (items: Item[]): number[] => items.map((i) => i.id);
const expected = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('OffsetLimitPagination', () => {
  it('walks every item with offset and limit, stopping at the total from the body', async () => {
    const pager = paginate<Item>(
      api,
      '/offset',
      new OffsetLimitPagination({ limit: 100, resultsKey: 'data', totalKey: 'total' }),
    );
    expect(ids(await pager.toArray())).toEqual(expected(0, 250));
    expect(server.seen().map(queryOf)).toEqual([
      { offset: '0', limit: '100' },
      { offset: '100', limit: '100' },
      { offset: '200', limit: '100' },
    ]);
    expect(pager.totalCount).toBe(250);
    expect(pager.pagesFetched).toBe(3);
    expect(pager.itemsYielded).toBe(250);
  });

  it('reads X-Total-Count and a bare array body; custom parameter names', async () => {
    server.state.total = 90;
    const pager = paginate<Item>(
      api,
      '/offset-header',
      new OffsetLimitPagination({ offsetParam: 'offset', limitParam: 'limit', limit: 30 }),
    );
    expect(ids(await pager.toArray())).toEqual(expected(0, 90));
    // The total says 90: no request for an empty fourth page.
    expect(server.seen()).toHaveLength(3);
    expect(pager.totalCount).toBe(90);
  });

  it('without a total, a short page ends the walk; with stopOnShortPage false an empty page does', async () => {
    server.state.total = 120;
    expect(await paginate(api, '/offset-bare', { strategy: 'offset', limit: 50 }).toArray()).toHaveLength(120);
    expect(server.seen()).toHaveLength(3);
    server.reset();
    server.state.total = 120;
    server.state.maxPageSize = 20; // the server caps the page size below the limit asked for
    const capped = await paginate<Item>(api, '/offset-bare', {
      strategy: 'offset',
      limit: 50,
      stopOnShortPage: false,
    }).toArray();
    expect(ids(capped)).toEqual(expected(0, 120));
    expect(server.seen().map((s) => queryOf(s).offset)).toEqual(['0', '20', '40', '60', '80', '100', '120']);
  });

  it('startOffset starts the walk later; maxPages and maxItems bound it', async () => {
    const later = await paginate<Item>(api, '/offset', { strategy: 'offset', startOffset: 200, limit: 20 }).toArray();
    expect(ids(later)).toEqual(expected(200, 250));
    server.reset();
    const pager = paginate<Item>(api, '/offset', { limit: 10, maxPages: 2 });
    expect(ids(await pager.toArray())).toEqual(expected(0, 20));
    expect(server.seen()).toHaveLength(2);
    server.reset();
    const few = await paginate<Item>(api, '/offset', { limit: 10, maxItems: 25 }).toArray();
    expect(ids(few)).toEqual(expected(0, 25));
    expect(server.seen()).toHaveLength(3);
  });

  it('keeps the caller params on every page; the strategy’s own parameters win', async () => {
    await paginate(api, '/offset', { limit: 100, params: { q: 'x y', limit: 5 } }).toArray();
    expect(server.seen().map(queryOf)).toEqual([
      { q: 'x y', offset: '0', limit: '100' },
      { q: 'x y', offset: '100', limit: '100' },
      { q: 'x y', offset: '200', limit: '100' },
    ]);
  });

  it('with a known total and concurrency, pages are planned and fetched together, in order', async () => {
    server.state.total = 1000;
    server.state.delayMs = 30;
    let maxInFlight = 0;
    let inFlight = 0;
    const counted = createClient({
      baseURL: server.url,
      retry: false,
      middleware: [
        async (config, next) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
            return await next(config);
          } finally {
            inFlight -= 1;
          }
        },
      ],
    });
    const items = await paginate<Item>(counted, '/offset', { limit: 100, totalKey: 'total', concurrency: 4 }).toArray();
    expect(ids(items)).toEqual(expected(0, 1000));
    expect(maxInFlight).toBe(4);
    expect(server.seen()).toHaveLength(10);
    await counted.close();
  });

  it('does not plan pages when the server capped the first page (offsets from limit would skip items)', async () => {
    server.state.total = 100;
    server.state.maxPageSize = 40;
    const items = await paginate<Item>(api, '/offset', { limit: 50, totalKey: 'total', concurrency: 4 }).toArray();
    expect(ids(items)).toEqual(expected(0, 100));
    expect(server.seen().map((s) => queryOf(s).offset)).toEqual(['0', '40', '80']);
  });
});
