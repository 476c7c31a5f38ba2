// Type expectations, checked by `tsc --noEmit`, not run by Jest.
// A line marked @ts-expect-error fails the type check if it ever starts to compile.

import {
  type CacheHitEvent,
  type CacheMode,
  type CachePlugin,
  type CacheStats,
  type CacheStore,
  cache,
  diskStore,
  memoryStore,
  redisStore,
} from '@axle/cache';
import { type AxlePlugin, createClient } from '@axle/core';
import { expectTypeOf } from 'expect-type';

const c = cache({
  store: memoryStore({ maxEntries: 1000 }),
  defaultTtl: 0,
  rules: [
    { match: '/users/*', ttl: 300_000 },
    { match: /search/, ttl: 0 },
    { match: (url) => url.endsWith('/me'), ttl: 1, override: true },
  ],
});
expectTypeOf(c).toMatchTypeOf<AxlePlugin>();
expectTypeOf(c).toEqualTypeOf<CachePlugin>();
expectTypeOf(c.stats()).toEqualTypeOf<CacheStats>();
expectTypeOf(c.invalidatePattern('/x')).toEqualTypeOf<Promise<number>>();
expectTypeOf(diskStore('/tmp/x')).toEqualTypeOf<CacheStore>();
expectTypeOf(redisStore('redis://127.0.0.1:6379')).toEqualTypeOf<CacheStore>();

const api = createClient({ plugins: [c] });
async function use() {
  const r = await api.get('/users/1', { cache: 'no-cache' });
  expectTypeOf(r.cached).toEqualTypeOf<boolean | undefined>();
  expectTypeOf(r.cacheAge).toEqualTypeOf<number | undefined>();
  await api.get('/users/1', { cache: false });
  // @ts-expect-error: true is not a mode
  await api.get('/users/1', { cache: true });
  // @ts-expect-error: not a cache mode
  await api.get('/users/1', { cache: 'sometimes' });
}
void use;

api.events.on('cache:hit', (event) => expectTypeOf(event).toEqualTypeOf<CacheHitEvent>());
api.events.on('cache:miss', ({ reason }) => expectTypeOf(reason).toEqualTypeOf<'absent' | 'stale' | 'bypass'>());
expectTypeOf<'reload'>().toMatchTypeOf<CacheMode>();

// @ts-expect-error: rules need a ttl
cache({ rules: [{ match: '/a' }] });
// @ts-expect-error: only GET and HEAD can be cached
cache({ methods: ['POST'] });
