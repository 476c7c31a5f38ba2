import { ConfigurationError, createClient, definePlugin } from '@axle/core';
import { CursorPagination, type PaginationStrategy, paginate, pagination } from '@axle/pagination';
import { type DataServer, type Item, queryOf, startDataServer } from './fixtures';

let server: DataServer;
beforeAll(async () => {
  server = await startDataServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('pagination() plugin', () => {
  it('adds client.paginate, with the plugin’s defaults under each call’s options', async () => {
    const plugin = pagination({ maxPages: 2, limit: 10 });
    expect(plugin).toMatchObject({ name: 'pagination', role: 'extension', defaults: { maxPages: 2, limit: 10 } });
    expect(Object.isFrozen(plugin.defaults)).toBe(true);
    const api = createClient({ baseURL: server.url, retry: false, plugins: [plugin] });
    expect(await api.paginate('/offset').toArray()).toHaveLength(20);
    expect(await api.paginate<Item>('/offset', { maxPages: 1 }).toArray()).toHaveLength(10);
    expect(server.seen().map(queryOf)[0]).toEqual({ offset: '0', limit: '10' });
    await api.close();
  });

  it('a call naming its own strategy keeps only the defaults’ common options', async () => {
    const api = createClient({
      baseURL: server.url,
      retry: false,
      plugins: [pagination({ strategy: 'cursor', cursorPath: 'meta.next_cursor', perPage: 25, maxItems: 60 })],
    });
    expect(await api.paginate('/cursor').toArray()).toHaveLength(60);
    expect(server.seen().map((s) => queryOf(s).limit)).toEqual(['25', '25', '25']);
    server.reset();
    // The cursor options of the defaults do not leak into a page-number walk; maxItems does.
    expect(await api.paginate('/pages', { strategy: 'page', perPage: 50 }).toArray()).toHaveLength(60);
    server.reset();
    const strategy = new CursorPagination<Item>({ cursorPath: 'meta.next_cursor', perPage: 40 });
    const items = await api.paginate('/cursor', strategy).toArray();
    expect(items.map((i) => i.id).slice(0, 3)).toEqual([0, 1, 2]);
    expect(items).toHaveLength(60);
    await api.close();
  });

  it('without defaults, client.paginate is paginate(client, ...)', async () => {
    const api = createClient({ baseURL: server.url, retry: false, plugins: [pagination()] });
    const custom: PaginationStrategy<number> = { getNextRequest: () => null, extractItems: () => [1, 2] };
    expect(await api.paginate('/offset', custom).toArray()).toEqual([1, 2]);
    expect(await api.paginate('/offset', { limit: 200 }).toArray()).toHaveLength(250);
    await api.close();
  });

  it('checks its defaults at once, and refuses to be installed twice', async () => {
    expect(() => pagination({ maxPages: -1 })).toThrow(expect.objectContaining({ option: 'maxPages' }));
    expect(() => pagination({ strategy: 'nope' } as never)).toThrow(ConfigurationError);
    expect(() => pagination(null as never)).toThrow(ConfigurationError);
    expect(() => createClient({ plugins: [pagination(), pagination()] })).toThrow(/listed twice/);
    const squatter = definePlugin({
      name: 'squatter',
      role: 'extension',
      install(ctx) {
        Object.defineProperty(ctx.client, 'paginate', { value: () => undefined });
        return undefined;
      },
    });
    expect(() => createClient({ plugins: [squatter, pagination()] })).toThrow(/already has a paginate method/);
  });

  it('a client made by extend has paginate too, walking through the child', async () => {
    const api = createClient({ baseURL: server.url, retry: false, plugins: [pagination()] });
    const child = api.extend({ headers: { 'X-Child': '1' } });
    expect(await child.paginate('/offset', { maxPages: 1 }).toArray()).toHaveLength(100);
    expect(server.requests.at(-1)?.headers['x-child']).toBe('1');
    expect(await paginate(child, '/offset', { maxPages: 1 }).toArray()).toHaveLength(100);
    await api.close();
  });
});
