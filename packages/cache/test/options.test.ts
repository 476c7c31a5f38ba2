import { cache, compilePattern, DEFAULT_CACHE_OPTIONS, memoryStore, resolveCacheOptions } from '@axle/cache';
import { ConfigurationError } from '@axle/core';

describe('resolveCacheOptions', () => {
  it('applies the documented defaults', () => {
    const o = resolveCacheOptions();
    expect(o.shared).toBe(false);
    expect(o.defaultTtl).toBeUndefined();
    expect([...o.methods]).toEqual(['GET', 'HEAD']);
    expect([...o.cacheableStatusCodes]).toEqual([...DEFAULT_CACHE_OPTIONS.cacheableStatusCodes]);
    expect(o.coalesce).toBe(true);
    expect(o.storeTimeout).toBe(1000);
    expect(o.cacheStreams).toBeUndefined();
    expect(o.store.inProcess).toBe(true);
    expect(cache({ cacheStreams: { maxBytes: 10 } }).options.cacheStreams).toEqual({ maxBytes: 10 });
  });

  it.each([
    [{ defaultTtl: -1 }, 'cache.defaultTtl'],
    [{ shared: 'yes' }, 'cache.shared'],
    [{ coalesce: 1 }, 'cache.coalesce'],
    [{ rules: {} }, 'cache.rules'],
    [{ rules: [{ match: '', ttl: 1 }] }, 'cache.rules[0].match'],
    [{ rules: [{ match: '/a' }] }, 'cache.rules[0].ttl'],
    [{ rules: [{ match: '/a', ttl: 1, override: 'yes' }] }, 'cache.rules[0].override'],
    [{ rules: [{ match: '/a', ttl: 1, overide: true }] }, 'cache.rules[0].overide'],
    [{ methods: ['POST'] }, 'cache.methods'],
    [{ cacheableStatusCodes: [99] }, 'cache.cacheableStatusCodes'],
    [{ cacheStreams: { maxBytes: 0 } }, 'cache.cacheStreams.maxBytes'],
    [{ storeTimeout: Number.NaN }, 'cache.storeTimeout'],
    [{ logger: {} }, 'cache.logger'],
    [{ store: 'redis://x' }, 'cache.store'],
    [{ store: { get() {} } }, 'cache.store'],
    [{ default_ttl: 1 }, 'cache.default_ttl'],
  ])('%j fails at creation, naming %s', (options, option) => {
    let error: unknown;
    try {
      cache(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe(option);
  });

  it('suggests the option a differently spelt one means', () => {
    expect(() => cache({ default_ttl: 1 } as never)).toThrow('did you mean "defaultTtl"');
    expect(() => cache(null as never)).toThrow('cache options must be an object');
  });

  it('takes any object with the store methods as a store', () => {
    const store = memoryStore();
    expect(cache({ store }).options.store).toBe(store);
  });
});

describe('compilePattern', () => {
  it.each([
    ['/users/*', 'https://api.example.com/users/1', true],
    ['/users/*', 'https://api.example.com/users/1?x=1', true],
    ['/users/*', 'https://api.example.com/users/1/posts', false],
    ['/users/**', 'https://api.example.com/users/1/posts', true],
    ['/search?q=*', 'https://api.example.com/search?q=a', true],
    ['/a.b', 'https://api.example.com/aXb', false],
    ['https://api.example.com/users/*', 'https://api.example.com/users/1', true],
    ['https://api.example.com/users/*', 'https://other.example.com/users/1', false],
    ['/page', 'https://api.example.com/page#top', true],
  ])('%s on %s: %s', (pattern, url, expected) => {
    expect(compilePattern(pattern)(url)).toBe(expected);
  });

  it('tests regular expressions without their global state', () => {
    const test = compilePattern(/users/g);
    expect([test('/users'), test('/users'), test('/orders')]).toEqual([true, true, false]);
  });
});
