import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CacheRecord,
  type CacheStore,
  cache,
  cacheKey,
  decodeRecord,
  diskStore,
  encodeRecord,
  keyvStore,
  memoryStore,
  redisStore,
} from '@axle/cache';
import { ConfigurationError, createClient } from '@axle/core';
import CachePolicy from 'http-cache-semantics';
import { Keyv } from 'keyv';
import { startOrigin } from './support';

const RUN = randomUUID();
const REDIS = 'redis://127.0.0.1:6379';

function record(url: string, body: string | Uint8Array = 'body'): CacheRecord {
  const policy = new CachePolicy(
    { url, method: 'GET', headers: {} },
    { status: 200, headers: { 'cache-control': 'max-age=60', etag: '"e"' } },
  );
  return {
    method: 'GET',
    url,
    variants: [{ status: 200, statusText: 'OK', headers: { etag: '"e"', 'x-a': '1' }, body, policy, vary: {} }],
  };
}

const key = (name: string) => cacheKey('GET', `https://api.example.com/${name}`, '');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'axle-cache-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const factories: [string, () => CacheStore][] = [
  ['memoryStore', () => memoryStore()],
  ['diskStore', () => diskStore(join(dir, randomUUID()))],
  ['redisStore', () => redisStore(REDIS, { namespace: `axle-test-${RUN}-${randomUUID()}` })],
  ['keyvStore', () => keyvStore(new Keyv({ namespace: `t-${randomUUID()}` }))],
];

describe.each(factories)('%s (the store suite)', (_name, make) => {
  let store: CacheStore;
  beforeEach(() => {
    store = make();
  });
  afterEach(async () => {
    await store.clear();
    await store.close?.();
  });

  it('keeps, returns, lists and deletes records', async () => {
    expect(await store.get(key('a'))).toBeUndefined();
    await store.set(key('a'), record('https://api.example.com/a'), 60_000);
    await store.set(key('b'), record('https://api.example.com/b', Buffer.from([0, 1, 255])), 60_000);
    const a = await store.get(key('a'));
    expect(a?.url).toBe('https://api.example.com/a');
    expect(a?.variants[0]?.body).toBe('body');
    expect(a?.variants[0]?.headers).toEqual({ etag: '"e"', 'x-a': '1' });
    expect(a?.variants[0]?.policy.storable()).toBe(true);
    expect(a?.variants[0]?.policy.timeToLive()).toBeGreaterThan(50_000);
    const b = await store.get(key('b'));
    expect(Buffer.from(b?.variants[0]?.body as Uint8Array)).toEqual(Buffer.from([0, 1, 255]));
    const keys: string[] = [];
    for await (const k of store.keys()) keys.push(k);
    expect(keys.sort()).toEqual([key('a'), key('b')].sort());
    await store.delete(key('a'));
    await store.delete(key('never-set'));
    expect(await store.get(key('a'))).toBeUndefined();
    await store.clear();
    expect(await store.get(key('b'))).toBeUndefined();
  });

  it('forgets a record once its TTL has passed', async () => {
    await store.set(key('short'), record('https://api.example.com/short'), 30);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await store.get(key('short'))).toBeUndefined();
  });

  it('serves as a cache store end to end', async () => {
    const origin = await startOrigin();
    origin.route('/e2e', () => ({ headers: { 'cache-control': 'max-age=60' }, body: '{"ok":true}' }));
    const c = cache({ store });
    const api = createClient({ baseURL: origin.url, plugins: [c], retry: false });
    try {
      expect(await c.count()).toBe(0);
      await api.get('/e2e');
      const hit = await api.get('/e2e');
      expect([hit.cached, hit.data]).toEqual([true, { ok: true }]);
      expect(await c.count()).toBe(1);
      expect(await c.invalidatePattern('/e2e')).toBe(1);
      expect(await c.count()).toBe(0);
      expect((await api.get('/e2e')).cached).toBe(false);
      expect(origin.hits('/e2e')).toBe(2);
    } finally {
      await api.close();
      await origin.close();
    }
  });
});

describe('memoryStore', () => {
  it('drops the least recently used record past maxEntries or maxBytes', async () => {
    const store = memoryStore({ maxEntries: 2 });
    await store.set(key('1'), record('u1'), 60_000);
    await store.set(key('2'), record('u2'), 60_000);
    await store.get(key('1'));
    await store.set(key('3'), record('u3'), 60_000);
    expect(await store.get(key('2'))).toBeUndefined();
    expect(await store.get(key('1'))).toBeDefined();
    expect(store.size).toBe(2);

    const small = memoryStore({ maxBytes: 600 });
    await small.set(key('x'), record('x', 'a'.repeat(300)), 60_000);
    await small.set(key('y'), record('y', 'b'.repeat(300)), 60_000);
    expect(await small.get(key('x'))).toBeUndefined();
    await small.set(key('huge'), record('h', 'c'.repeat(1000)), 60_000);
    expect(await small.get(key('huge'))).toBeUndefined();
  });

  it('rejects invalid options with ConfigurationError', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(ConfigurationError);
    expect(() => memoryStore({ max_entries: 5 } as never)).toThrow('did you mean "maxEntries"');
  });
});

describe('diskStore', () => {
  it('persists across instances (a restart) and keeps to maxSizeMb', async () => {
    const path = join(dir, 'persist');
    const first = diskStore(path);
    await first.set(key('p'), record('https://api.example.com/p'), 60_000);
    const second = diskStore(path);
    expect((await second.get(key('p')))?.url).toBe('https://api.example.com/p');

    const bounded = diskStore(join(dir, 'bounded'), { maxSizeMb: 0.001 });
    await bounded.set(key('one'), record('one', 'x'.repeat(400)), 60_000);
    await bounded.set(key('two'), record('two', 'y'.repeat(400)), 60_000);
    expect(await bounded.get(key('one'))).toBeUndefined();
    expect(await bounded.get(key('two'))).toBeDefined();
    await bounded.set(key('big'), record('big', 'z'.repeat(2000)), 60_000);
    expect(await bounded.get(key('big'))).toBeUndefined();
    expect(await readdir(join(dir, 'bounded'))).toEqual([`${key('two')}.json`]);
  });

  it('counts the files already there, ignores others, and rejects keys that are not digests', async () => {
    const path = join(dir, 'existing');
    const writer = diskStore(path);
    await writer.set(key('old'), record('old', 'o'.repeat(500)), 60_000);
    await writeFile(join(path, 'README'), 'not a record');
    const reader = diskStore(path, { maxSizeMb: 0.001 });
    await reader.set(key('new'), record('new', 'n'.repeat(500)), 60_000);
    expect(await reader.get(key('old'))).toBeUndefined();
    const keys: string[] = [];
    for await (const k of reader.keys()) keys.push(k);
    expect(keys).toEqual([key('new')]);
    await expect(reader.get('../etc/passwd')).rejects.toThrow('SHA-256');
    expect(reader.size).toBe(1);
    expect(diskStore(join(dir, 'unused')).size).toBeUndefined();
  });

  it('rejects invalid options with ConfigurationError', () => {
    expect(() => diskStore('')).toThrow(ConfigurationError);
    expect(() => diskStore(dir, { maxSizeMb: -1 })).toThrow('diskStore.maxSizeMb');
  });
});

describe('redisStore', () => {
  it('does not hang when Redis is down: the request goes on as a miss', async () => {
    const origin = await startOrigin();
    origin.route('/down', () => ({ headers: { 'cache-control': 'max-age=60' } }));
    const c = cache({ store: redisStore('redis://127.0.0.1:1', { connectionTimeout: 200 }) });
    const api = createClient({ baseURL: origin.url, plugins: [c], retry: false });
    const errors: string[] = [];
    api.events.on('cache:store-error', ({ operation }) => errors.push(operation));
    try {
      const started = Date.now();
      expect((await api.get('/down')).status).toBe(200);
      expect((await api.get('/down')).cached).toBe(false);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(errors).toContain('get');
      expect(origin.hits('/down')).toBe(2);
    } finally {
      await api.close();
      await origin.close();
    }
  });

  it('rejects invalid options with ConfigurationError', () => {
    expect(() => redisStore('http://x')).toThrow(ConfigurationError);
    expect(() => redisStore(REDIS, { namespace: '' })).toThrow('redisStore.namespace');
    expect(() => redisStore(REDIS, { timeout: 1 } as never)).toThrow(ConfigurationError);
  });
});

describe('record codec', () => {
  it('round-trips text, bytes and no body, and rejects what is not a record', () => {
    const head = { ...record('h'), variants: [{ ...record('h').variants[0], body: undefined }] } as CacheRecord;
    for (const r of [record('t'), record('b', new Uint8Array([1, 2, 3])), head]) {
      const copy = decodeRecord(encodeRecord(r));
      expect(copy.url).toBe(r.url);
      expect(copy.variants[0]?.body === undefined ? undefined : Buffer.from(copy.variants[0].body as never)).toEqual(
        r.variants[0]?.body === undefined ? undefined : Buffer.from(r.variants[0].body as never),
      );
    }
    expect(() => decodeRecord('{"x":1}')).toThrow('not a cache record');
  });
});
