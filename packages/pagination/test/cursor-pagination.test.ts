import { type AxleInstance, createClient, ValidationError } from '@axle/core';
import { CursorPagination, PaginationLoopError, paginate } from '@axle/pagination';
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

describe('CursorPagination', () => {
  it('follows meta.next_cursor until it is null (the issue’s example)', async () => {
    const pages = paginate<Item>(
      api,
      '/cursor',
      new CursorPagination({ cursorParam: 'cursor', cursorPath: 'meta.next_cursor', resultsKey: 'items' }),
    );
    const sizes: number[] = [];
    const all: number[] = [];
    for await (const page of pages.pages()) {
      sizes.push(page.items.length);
      all.push(...ids(page.items));
    }
    expect(sizes).toEqual([50, 50, 50, 50, 50]);
    expect(all).toEqual(expected(0, 250));
    expect(pages.pagesFetched).toBe(5);
    expect(pages.totalCount).toBeUndefined();
    const queries = server.seen().map(queryOf);
    expect(queries[0]).toEqual({});
    expect(queries[1]).toEqual({ cursor: Buffer.from('50').toString('base64url') });
  });

  it('sends perPage in perPageParam, starts from startCursor, and keeps the caller params', async () => {
    const start = Buffer.from('200').toString('base64url');
    const items = await paginate<Item>(api, '/cursor', {
      strategy: 'cursor',
      cursorPath: 'meta.next_cursor',
      perPage: 20,
      startCursor: start,
      params: { filter: 'all' },
    }).toArray();
    expect(ids(items)).toEqual(expected(200, 250));
    expect(server.seen().map(queryOf)[0]).toEqual({ filter: 'all', limit: '20', cursor: start });
    expect(server.seen().map(queryOf)[1]).toMatchObject({ filter: 'all', limit: '20' });
  });

  describe('against a scripted server', () => {
    let scripted: TestServer;
    let bodies: unknown[] = [];
    beforeAll(async () => {
      scripted = await startServer((_req, res) => sendJson(res, 200, bodies.shift() ?? { items: [] }));
    });
    afterAll(() => scripted.close());

    it('reads cursors with array indexes (items[-1].id) and numeric cursors; false ends the walk', async () => {
      bodies = [
        { results: [{ id: 1 }, { id: 2 }], more: true },
        { results: [{ id: 3 }], more: true },
        { results: [], more: false },
      ];
      const client = createClient({ baseURL: scripted.url, retry: false });
      const items = await paginate(client, '/x', {
        strategy: 'cursor',
        cursorParam: 'after',
        cursorPath: 'results[-1].id',
        resultsKey: 'results',
      }).toArray();
      expect(items).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
      expect(scripted.requests.slice(-3).map((r) => queryOf(r.url ?? ''))).toEqual([
        {},
        { after: '2' },
        { after: '3' },
      ]);
      bodies = [{ items: [1], next_cursor: false }];
      expect(await paginate(client, '/y', { strategy: 'cursor' }).toArray()).toEqual([1]);
      await client.close();
    });

    it('a repeated cursor stops with PaginationLoopError after the items before it', async () => {
      bodies = [
        { items: [1], next_cursor: 'a' },
        { items: [2], next_cursor: 'b' },
        { items: [3], next_cursor: 'a' },
      ];
      const client = createClient({ baseURL: scripted.url, retry: false });
      const got: unknown[] = [];
      const error = await (async () => {
        for await (const item of paginate(client, '/loop', { strategy: 'cursor' })) got.push(item);
      })().catch((e: unknown) => e);
      expect(got).toEqual([1, 2, 3]);
      expect(error).toBeInstanceOf(PaginationLoopError);
      expect((error as PaginationLoopError).pageIndex).toBe(2);
      expect((error as PaginationLoopError).message).toMatch(/loop.*GET http:\/\/127\.0\.0\.1:\d+\/loop\?cursor=a/);
      await client.close();
    });

    it('a cursor that is an object is a ValidationError naming the path', async () => {
      bodies = [{ items: [1], meta: { next: { id: 3 } } }];
      const client = createClient({ baseURL: scripted.url, retry: false });
      const error = await paginate(client, '/bad', { strategy: 'cursor', cursorPath: 'meta.next' })
        .toArray()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toMatch(/meta\.next.*object/);
      expect((error as ValidationError).issues[0]?.path).toEqual(['meta', 'next']);
      await client.close();
    });
  });
});
