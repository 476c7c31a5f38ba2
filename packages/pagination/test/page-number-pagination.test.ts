import { type AxleInstance, ConfigurationError, createClient } from '@axle/core';
import { PageNumberPagination, paginate } from '@axle/pagination';
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

describe('PageNumberPagination', () => {
  it('walks page=1,2,3 with per_page, stopping at the total in meta.total', async () => {
    const pager = paginate<Item>(
      api,
      '/pages',
      new PageNumberPagination({ perPage: 100, resultsKey: 'items', totalKey: 'meta.total' }),
    );
    expect(ids(await pager.toArray())).toEqual(expected(0, 250));
    expect(server.seen().map(queryOf)).toEqual([
      { page: '1', per_page: '100' },
      { page: '2', per_page: '100' },
      { page: '3', per_page: '100' },
    ]);
    expect(pager.totalCount).toBe(250);
  });

  it('startPage skips pages; firstPage 0 for zero-based APIs; custom parameter names', async () => {
    const later = await paginate<Item>(api, '/pages', {
      strategy: 'page',
      perPage: 100,
      startPage: 2,
      totalKey: 'meta.total',
    }).toArray();
    expect(ids(later)).toEqual(expected(100, 250));
    expect(server.seen()).toHaveLength(2);
    server.reset();
    server.state.total = 45;
    const zero = await paginate<Item>(api, '/pages0', { strategy: 'page', perPage: 20, firstPage: 0 }).toArray();
    expect(ids(zero)).toEqual(expected(0, 45));
    expect(server.seen().map((s) => queryOf(s).page)).toEqual(['0', '1', '2']);
  });

  it('a short page ends the walk without a total; a capped server needs stopOnShortPage false', async () => {
    server.state.total = 70;
    server.state.maxPageSize = 25;
    const short = await paginate(api, '/pages', { strategy: 'page', perPage: 50 }).toArray();
    expect(short).toHaveLength(25);
    server.reset();
    server.state.total = 70;
    server.state.maxPageSize = 25;
    const all = await paginate<Item>(api, '/pages0', {
      strategy: 'page',
      perPage: 25,
      firstPage: 0,
      stopOnShortPage: false,
    }).toArray();
    expect(ids(all)).toEqual(expected(0, 70));
  });

  it('fetches planned pages concurrently when the total is known, yielding pages in order', async () => {
    server.state.total = 500;
    const pager = paginate<Item>(api, '/pages', {
      strategy: 'page',
      perPage: 50,
      totalKey: 'meta.total',
      concurrency: 3,
    });
    const indexes: number[] = [];
    const seenIds: number[] = [];
    for await (const page of pager.pages()) {
      indexes.push(page.index);
      seenIds.push(...ids(page.items));
      expect(page.totalCount).toBe(500);
    }
    expect(indexes).toEqual(expected(0, 10));
    expect(seenIds).toEqual(expected(0, 500));
    expect(
      server
        .seen()
        .map((s) => Number(queryOf(s).page))
        .sort((a, b) => a - b),
    ).toEqual(expected(1, 11));
  });

  it('rejects invalid options, naming them', () => {
    expect(() => new PageNumberPagination({ firstPage: 2 })).toThrow(ConfigurationError);
    expect(() => new PageNumberPagination({ startPage: 0 })).toThrow(/startPage must be an integer ≥ 1/);
    expect(() => new PageNumberPagination({ perPage: 0 })).toThrow(
      expect.objectContaining({ option: 'PageNumberPagination.perPage' }),
    );
    expect(() => paginate(api, '/pages', { strategy: 'page', pageParam: '' })).toThrow(
      expect.objectContaining({ option: 'pageParam' }),
    );
  });
});
