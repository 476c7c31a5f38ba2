import { ConfigurationError, createClient } from '@axle/core';
import {
  CursorPagination,
  isPaginationStrategy,
  LinkHeaderPagination,
  OffsetLimitPagination,
  PageNumberPagination,
  paginate,
  resolvePaginateOptions,
  STRATEGY_NAMES,
} from '@axle/pagination';

const api = createClient({ baseURL: 'http://127.0.0.1:9', retry: false });
afterAll(() => api.close());

// Every invalid option fails at once, when paginate is called, naming the option.
const optionOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).option;
  }
  throw new Error('expected a ConfigurationError');
};

describe('paginate options', () => {
  it('defaults: auto strategy (offset/limit, limit 100) with a link fallback, no limits, no read-ahead', () => {
    const resolved = resolvePaginateOptions(undefined);
    expect(resolved.strategy).toBeInstanceOf(OffsetLimitPagination);
    expect(resolved.autoLink).toBeInstanceOf(LinkHeaderPagination);
    expect(resolved.strategy.initialParams?.()).toEqual({ offset: 0, limit: 100 });
    expect(resolved).toMatchObject({
      maxPages: Number.POSITIVE_INFINITY,
      maxItems: Number.POSITIVE_INFINITY,
      prefetch: 0,
      concurrency: 1,
      params: {},
      config: {},
      schema: undefined,
      signal: undefined,
    });
    expect([...resolved.allowedOrigins]).toEqual([]);
    expect(STRATEGY_NAMES).toEqual(['auto', 'offset', 'page', 'cursor', 'link']);
  });

  it('strategies by name, with their options flat; by object; defaults of each', () => {
    expect(resolvePaginateOptions({ strategy: 'page' }).strategy.initialParams?.()).toEqual({ page: 1, per_page: 100 });
    expect(resolvePaginateOptions({ strategy: 'cursor' }).strategy.initialParams?.()).toEqual({});
    expect(resolvePaginateOptions({ strategy: 'cursor', perPage: 5 }).strategy.initialParams?.()).toEqual({ limit: 5 });
    expect(resolvePaginateOptions({ strategy: 'link' }).strategy.initialParams?.()).toEqual({});
    expect(resolvePaginateOptions({ strategy: 'offset' }).autoLink).toBeUndefined();
    const cursor = new CursorPagination();
    expect(resolvePaginateOptions(cursor).strategy).toBe(cursor);
    expect(resolvePaginateOptions({ strategy: cursor, maxPages: 2 }).maxPages).toBe(2);
    expect(new PageNumberPagination().name).toBe('page');
    expect(cursor.cursorPath.source).toBe('next_cursor');
    expect(isPaginationStrategy({ getNextRequest: () => null, extractItems: () => [] })).toBe(true);
    expect(isPaginationStrategy({ getNextRequest: () => null })).toBe(false);
    expect(
      resolvePaginateOptions({ allowedOrigins: ['https://a.example.com/', 'http://b.example.com:8080'] })
        .allowedOrigins,
    ).toEqual(new Set(['https://a.example.com', 'http://b.example.com:8080']));
  });

  it('names the option at fault', () => {
    expect(optionOf(() => paginate(api, '/x', null as never))).toBe('options');
    expect(optionOf(() => paginate(api, '/x', { strategy: 'offest' as never }))).toBe('strategy');
    expect(optionOf(() => paginate(api, '/x', { strategy: 42 as never }))).toBe('strategy');
    expect(optionOf(() => paginate(api, '/x', { strategy: { getNextRequest: () => null } as never }))).toBe('strategy');
    expect(optionOf(() => paginate(api, '/x', { maxPages: 0 }))).toBe('maxPages');
    expect(optionOf(() => paginate(api, '/x', { maxItems: 1.5 }))).toBe('maxItems');
    expect(optionOf(() => paginate(api, '/x', { prefetch: -1 }))).toBe('prefetch');
    expect(optionOf(() => paginate(api, '/x', { concurrency: 0 }))).toBe('concurrency');
    expect(optionOf(() => paginate(api, '/x', { params: [] as never }))).toBe('params');
    expect(optionOf(() => paginate(api, '/x', { config: 'x' as never }))).toBe('config');
    expect(optionOf(() => paginate(api, '/x', { config: { url: '/y' } as never }))).toBe('config.url');
    expect(optionOf(() => paginate(api, '/x', { config: { params: {} } as never }))).toBe('config.params');
    expect(optionOf(() => paginate(api, '/x', { signal: 'stop' as never }))).toBe('signal');
    expect(optionOf(() => paginate(api, '/x', { schema: {} as never }))).toBe('schema');
    expect(optionOf(() => paginate(api, '/x', { allowedOrigins: 'https://a.example.com' as never }))).toBe(
      'allowedOrigins',
    );
    expect(optionOf(() => paginate(api, '/x', { allowedOrigins: ['https://a.example.com/path'] }))).toBe(
      'allowedOrigins[0]',
    );
    expect(optionOf(() => paginate(api, '/x', { allowedOrigins: ['ftp://a.example.com'] }))).toBe('allowedOrigins[0]');
    expect(optionOf(() => paginate(api, '/x', { allowedOrigins: [42 as never] }))).toBe('allowedOrigins[0]');
    expect(optionOf(() => paginate(api, '/x', { limit: 0 }))).toBe('limit');
    expect(optionOf(() => paginate(api, '/x', { startOffset: -5 }))).toBe('startOffset');
    expect(optionOf(() => paginate(api, '/x', { resultsKey: 'a..b' }))).toBe('resultsKey');
    expect(optionOf(() => paginate(api, '/x', { stopOnShortPage: 'yes' as never }))).toBe('stopOnShortPage');
    expect(optionOf(() => paginate(api, '/x', { strategy: 'cursor', cursorPath: '' }))).toBe('cursorPath');
    expect(optionOf(() => paginate(api, '/x', { strategy: 'cursor', startCursor: '' }))).toBe('startCursor');
    expect(optionOf(() => paginate(api, '/x', { strategy: 'link', rel: '' }))).toBe('rel');
    expect(optionOf(() => new OffsetLimitPagination('x' as never))).toBe('OffsetLimitPagination');
    expect(optionOf(() => new LinkHeaderPagination({ perPage: -1 }))).toBe('LinkHeaderPagination.perPage');
  });

  it('rejects unknown keys: typos get a suggestion, another strategy’s options are named', () => {
    expect(() => paginate(api, '/x', { max_pages: 3 } as never)).toThrow(
      'max_pages is not an option; did you mean "maxPages"?',
    );
    expect(() => paginate(api, '/x', { strategy: 'link', cursorPath: 'a' } as never)).toThrow(
      expect.objectContaining({
        option: 'cursorPath',
        message: expect.stringMatching(/not an option here; known options: .*rel/),
      }),
    );
    expect(() => paginate(api, '/x', { strategy: new CursorPagination(), limit: 5 } as never)).toThrow(
      expect.objectContaining({ option: 'limit' }),
    );
    expect(() => new CursorPagination({ cursorpath: 'a' } as never)).toThrow(
      expect.objectContaining({ option: 'CursorPagination.cursorpath' }),
    );
  });
});
