import { type CacheStore, cache, memoryStore } from '@axle/cache';
import {
  type AxleInstance,
  ConfigurationError,
  ConnectionError,
  createClient,
  NotFoundError,
  ServerError,
} from '@axle/core';
import { type Answer, advanceClock, type Origin, startOrigin } from './support';

let origin: Origin;
let seq = 0;
const clients: AxleInstance[] = [];

beforeAll(async () => {
  origin = await startOrigin();
});
afterAll(() => origin.close());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

/** A unique path per test, so tests do not see each other's server counts. */
const path = (name: string) => `/${name}-${++seq}`;

function client(options: Parameters<typeof cache>[0] = {}) {
  const c = cache(options);
  const api = createClient({ baseURL: origin.url, plugins: [c], retry: false });
  clients.push(api);
  return { c, api };
}

describe('freshness', () => {
  it('serves a fresh response from the cache, with cached and cacheAge, without a request', async () => {
    const p = path('fresh');
    origin.route(p, () => ({ headers: { 'cache-control': 'max-age=60' } }));
    const { c, api } = client();
    const first = await api.get(p);
    const second = await api.get(p);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.cacheAge).toBeGreaterThanOrEqual(0);
    expect(second.headers.age).toBe(String(second.cacheAge));
    expect(second.data).toEqual(first.data);
    expect(origin.hits(p)).toBe(1);
    expect(c.stats()).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5, size: 1 });
  });

  it('goes to the server again once max-age has passed, and revalidates with the ETag', async () => {
    const p = path('expire');
    origin.route(
      p,
      (req): Answer =>
        req.headers['if-none-match'] === '"v1"'
          ? { status: 304, headers: { 'cache-control': 'max-age=60', etag: '"v1"', 'x-fresh': 'yes' } }
          : { headers: { 'cache-control': 'max-age=60', etag: '"v1"' } },
    );
    const { c, api } = client();
    const events: boolean[] = [];
    api.events.on('cache:revalidated', ({ modified }) => events.push(modified));
    await api.get(p);
    advanceClock(61_000);
    const revalidated = await api.get(p);
    expect(origin.hits(p)).toBe(2);
    expect(origin.last(p)?.headers['if-none-match']).toBe('"v1"');
    expect(revalidated.status).toBe(200);
    expect(revalidated.cached).toBe(true);
    expect(revalidated.headers['x-fresh']).toBe('yes');
    expect(revalidated.data).toEqual({ path: p, n: 1 });
    expect(events).toEqual([false]);
    expect(c.stats().revalidations).toBe(1);
    // The 304 made it fresh again.
    expect((await api.get(p)).cached).toBe(true);
    expect(origin.hits(p)).toBe(2);
  });

  it('revalidates with If-Modified-Since and replaces the stored response when the server sends a new one', async () => {
    const p = path('lm');
    const lm = 'Wed, 01 Jan 2020 00:00:00 GMT';
    origin.route(p, (_req, n) => ({ headers: { 'cache-control': 'max-age=1', 'last-modified': lm }, body: `"v${n}"` }));
    const { api } = client();
    await api.get(p);
    advanceClock(2000);
    const second = await api.get(p);
    expect(origin.last(p)?.headers['if-modified-since']).toBe(lm);
    expect(second.data).toBe('v2');
    expect(second.cached).toBe(false);
  });

  it('uses the heuristic only with Last-Modified, and not at all with defaultTtl: 0', async () => {
    const p = path('heuristic');
    origin.route(p, () => ({ headers: { 'last-modified': new Date(Date.now() - 100 * 86_400_000).toUTCString() } }));
    const none = path('no-validator');
    origin.route(none, () => ({}));
    const { api } = client();
    await api.get(p);
    expect((await api.get(p)).cached).toBe(true);
    await api.get(none);
    expect((await api.get(none)).cached).toBe(false);

    const strict = client({ defaultTtl: 0 }).api;
    const q = path('heuristic-off');
    origin.route(q, () => ({ headers: { 'last-modified': new Date(Date.now() - 100 * 86_400_000).toUTCString() } }));
    await strict.get(q);
    expect((await strict.get(q)).cached).toBe(false);
  });

  it('does not store no-store responses, and revalidates no-cache ones every time', async () => {
    const noStore = path('no-store');
    origin.route(noStore, () => ({ headers: { 'cache-control': 'no-store, max-age=60' } }));
    const noCache = path('no-cache');
    origin.route(
      noCache,
      (req): Answer =>
        req.headers['if-none-match']
          ? { status: 304, headers: { etag: '"a"' } }
          : { headers: { 'cache-control': 'NO-CACHE', etag: '"a"' } },
    );
    const { api } = client();
    await api.get(noStore);
    expect((await api.get(noStore)).cached).toBe(false);
    expect(origin.hits(noStore)).toBe(2);
    await api.get(noCache);
    const again = await api.get(noCache);
    expect(origin.hits(noCache)).toBe(2);
    expect(origin.last(noCache)?.headers['if-none-match']).toBe('"a"');
    expect(again.cached).toBe(true);
  });

  it('serves a fresh must-revalidate response, and never serves it stale (not even on error)', async () => {
    const p = path('must-revalidate');
    let failing = false;
    origin.route(p, () =>
      failing
        ? { status: 503 }
        : { headers: { 'cache-control': 'max-age=1, must-revalidate, stale-if-error=60', etag: '"m"' } },
    );
    const { api } = client();
    await api.get(p);
    expect((await api.get(p)).cached).toBe(true);
    // A request directive makes it take the full evaluation; must-revalidate still waits for staleness.
    expect((await api.get(p, { headers: { 'Cache-Control': 'max-stale=0' } })).cached).toBe(true);
    failing = true;
    advanceClock(2000);
    await expect(api.get(p)).rejects.toBeInstanceOf(ServerError);
  });

  it('stores any final status with explicit freshness (RFC 9111 3), unless must-understand', async () => {
    const p = path('status-500');
    origin.route(p, () => ({ status: 500, headers: { 'cache-control': 'max-age=60' } }));
    const q = path('status-599');
    origin.route(q, () => ({ status: 299, headers: { 'cache-control': 'max-age=60, must-understand' } }));
    const { api } = client();
    await expect(api.get(p)).rejects.toBeInstanceOf(ServerError);
    const replay = await api.get(p).catch((e: ServerError) => e.response);
    expect(replay.cached).toBe(true);
    expect(origin.hits(p)).toBe(1);
    await api.get(q);
    expect((await api.get(q)).cached).toBe(false);
  });

  it("a 304 refreshes the stored response even with another ETag, keeping the stored one; 'no-cache' skips immutable fresh ones", async () => {
    const p = path('etag-304');
    origin.route(
      p,
      (req): Answer =>
        req.headers['if-none-match']
          ? { status: 304, headers: { etag: '"new"', 'cache-control': 'max-age=60' } }
          : { headers: { etag: '"old"', 'cache-control': 'max-age=1' } },
    );
    const i = path('immutable');
    origin.route(i, () => ({ headers: { etag: '"i"', 'cache-control': 'max-age=60, immutable' } }));
    const { api } = client();
    await api.get(p);
    advanceClock(2000);
    const refreshed = await api.get(p);
    expect([refreshed.cached, refreshed.headers.etag]).toEqual([true, '"old"']);
    expect((await api.get(p)).cached).toBe(true);
    expect(origin.hits(p)).toBe(2);
    await api.get(i);
    expect((await api.get(i, { cache: 'no-cache' })).cached).toBe(true);
    expect(origin.hits(i)).toBe(1);
  });

  it('looks up every redirect hop: a cacheable 301 and its target are served with no request; a 302 without freshness is asked again, never stored under its target', async () => {
    const moved = path('moved');
    const latest = path('latest');
    const version = path('version');
    // A small chunked body: a streamed redirect's body is read to its end (and so stored) up to 64 KiB.
    origin.route(moved, () => ({ status: 301, headers: { location: version, 'cache-control': 'max-age=60' } }));
    origin.route(latest, () => ({ status: 302, headers: { location: version } }));
    origin.route(version, () => ({ headers: { 'cache-control': 'max-age=31536000, immutable' } }));
    const { c, api } = client();
    const first = await api.get(moved);
    const again = await api.get(moved);
    expect([first.cached, again.cached]).toEqual([false, true]);
    expect(again.redirects).toEqual([
      { url: `${origin.url}${moved}`, status: 301, location: `${origin.url}${version}` },
    ]);
    expect(again.data).toEqual(first.data);
    expect([origin.hits(moved), origin.hits(version)]).toEqual([1, 1]);
    // /latest answers 302 each time (no freshness of its own); its target comes from the cache.
    for (let i = 0; i < 2; i += 1) {
      const response = await api.get(latest);
      expect(response.cached).toBe(true);
      expect(response.redirects).toHaveLength(1);
    }
    expect([origin.hits(latest), origin.hits(version)]).toEqual([2, 1]);
    // Stored: the 301 and the target, each under its own URL; the 302 is not.
    expect(c.stats().size).toBe(2);
    origin.route(latest, () => ({ status: 302, headers: { location: path('elsewhere') } }));
    expect((await api.get(latest, { validateStatus: () => true })).status).toBe(404);
    const { c: streams, api: streaming } = client({ cacheStreams: { maxBytes: 1_000_000 } });
    for (let i = 0; i < 2; i += 1) {
      const streamed = await streaming.get(moved, { responseType: 'stream' });
      for await (const _chunk of streamed.data) {
        // read to the end: a stream is stored, when it may be, once fully read
      }
      expect(streamed.cached).toBe(i === 1);
    }
    expect(streams.stats().size).toBe(2);
    // A request that does not follow gets the redirect itself, from the cache as well.
    const own = await api.get(moved, { maxRedirects: 0, validateStatus: (s) => s < 400 });
    expect([own.status, own.cached, own.headers.location]).toEqual([301, true, version]);
    expect(origin.hits(moved)).toBe(2);
  });

  it('does not store, under the URL asked for, a response an adapter of the caller reached through redirects', async () => {
    let calls = 0;
    const c = cache();
    const api = createClient({
      baseURL: 'http://127.0.0.1:9',
      plugins: [c],
      retry: false,
      // An adapter of one's own follows redirects its own way, below the cache.
      adapter: async (config) => {
        calls += 1;
        return {
          data: '{}',
          status: 200,
          statusText: 'OK',
          headers: { 'content-type': 'application/json', 'cache-control': 'max-age=60' },
          config,
          redirects: [{ url: 'http://127.0.0.1:9/latest', status: 302, location: 'http://127.0.0.1:9/v/1' }],
        };
      },
    });
    clients.push(api);
    await api.get('/latest');
    expect((await api.get('/latest')).cached).toBe(false);
    expect([calls, c.stats().size]).toEqual([2, 0]);
  });

  it('treats an invalid Age as stale', async () => {
    const p = path('age');
    origin.route(p, () => ({ headers: { 'cache-control': 'max-age=3600', age: '0, 0' } }));
    const { api } = client();
    await api.get(p);
    expect((await api.get(p)).cached).toBe(false);
  });

  it('replays a cached 404 as the same typed error', async () => {
    const p = path('gone');
    origin.route(p, () => ({ status: 404, headers: { 'cache-control': 'max-age=60' } }));
    const { api } = client();
    await expect(api.get(p)).rejects.toBeInstanceOf(NotFoundError);
    const error = await api.get(p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).response.cached).toBe(true);
    expect(origin.hits(p)).toBe(1);
  });
});

describe('request modes', () => {
  it("'no-cache' revalidates a fresh response, 'no-store' neither reads nor writes, false skips the cache", async () => {
    const p = path('modes');
    origin.route(p, (req) =>
      req.headers['if-none-match'] === '"x"'
        ? { status: 304, headers: { etag: '"x"', 'cache-control': 'max-age=60' } }
        : { headers: { etag: '"x"', 'cache-control': 'max-age=60' } },
    );
    const { api } = client();
    await api.get(p);
    const noCache = await api.get(p, { cache: 'no-cache' });
    expect(origin.hits(p)).toBe(2);
    expect(origin.last(p)?.headers['cache-control']).toBe('max-age=0');
    expect(noCache.cached).toBe(true);
    const noStore = await api.get(p, { cache: 'no-store' });
    expect(noStore.cached).toBe(false);
    expect(origin.hits(p)).toBe(3);
    expect(origin.last(p)?.headers.pragma).toBe('no-cache');
    const off = await api.get(p, { cache: false });
    expect(off.cached).toBeUndefined();
    expect(origin.hits(p)).toBe(4);
    expect((await api.get(p)).cached).toBe(true);
    expect(origin.hits(p)).toBe(4);
  });

  it("'only-if-cached' answers from the cache, stale included, and a miss is a 504 ServerError", async () => {
    const p = path('oic');
    origin.route(p, () => ({ headers: { 'cache-control': 'max-age=1', etag: '"e"' } }));
    const { api } = client();
    const error = await api.get(p, { cache: 'only-if-cached' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(504);
    expect((error as ServerError).message).toContain('504');
    expect(origin.hits(p)).toBe(0);
    await api.get(p);
    advanceClock(5000);
    const stale = await api.get(p, { cache: 'only-if-cached' });
    expect(stale.cached).toBe(true);
    expect(origin.hits(p)).toBe(1);
    // force-cache too; reload goes to the network and stores.
    expect((await api.get(p, { cache: 'force-cache' })).cached).toBe(true);
    expect((await api.get(p, { cache: 'reload' })).cached).toBe(false);
    expect(origin.hits(p)).toBe(2);
  });

  it('rejects an unknown mode with a ConfigurationError', async () => {
    const { api } = client();
    await expect(api.get('/x', { cache: 'sometimes' as never })).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('Vary and credentials', () => {
  it('keeps one variant per Vary value', async () => {
    const p = path('vary');
    origin.route(p, (req) => ({
      headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' },
      body: JSON.stringify(req.headers['accept-language']),
    }));
    const { api } = client();
    expect((await api.get(p, { headers: { 'Accept-Language': 'en' } })).data).toBe('en');
    expect((await api.get(p, { headers: { 'Accept-Language': 'fr' } })).data).toBe('fr');
    const en = await api.get(p, { headers: { 'Accept-Language': 'en' } });
    const fr = await api.get(p, { headers: { 'Accept-Language': 'fr' } });
    expect([en.data, en.cached, fr.data, fr.cached]).toEqual(['en', true, 'fr', true]);
    expect(origin.hits(p)).toBe(2);
  });

  it('never answers one user with another user’s response', async () => {
    const p = path('me');
    origin.route(p, (req) => ({
      headers: { 'cache-control': 'max-age=60' },
      body: JSON.stringify(req.headers.authorization),
    }));
    const { api } = client();
    const alice = { headers: { Authorization: 'Bearer alice' } };
    const bob = { headers: { Authorization: 'Bearer bob' } };
    expect((await api.get(p, alice)).data).toBe('Bearer alice');
    expect((await api.get(p, bob)).data).toBe('Bearer bob');
    const again = await api.get(p, alice);
    expect([again.data, again.cached]).toEqual(['Bearer alice', true]);
    expect(origin.hits(p)).toBe(2);
  });

  it('keeps credentials out of what it stores, even when the response varies on them', async () => {
    const p = path('vary-auth');
    origin.route(p, (req) => ({
      headers: { 'cache-control': 'max-age=60', vary: 'Authorization' },
      body: JSON.stringify(req.headers.authorization),
    }));
    const store = memoryStore();
    const { api } = client({ store });
    await api.get(p, { headers: { Authorization: 'Bearer s3cret' } });
    const hit = await api.get(p, { headers: { Authorization: 'Bearer s3cret' } });
    expect([hit.data, hit.cached]).toEqual(['Bearer s3cret', true]);
    expect((await api.get(p, { headers: { Authorization: 'Bearer other' } })).data).toBe('Bearer other');
    for await (const key of store.keys()) {
      const record = await store.get(key);
      expect(JSON.stringify(record?.variants.map((v) => [v.vary, v.headers, v.policy.toObject()]))).not.toContain(
        's3cret',
      );
    }
  });

  it('a shared cache stores neither requests with credentials nor private responses, and reads s-maxage', async () => {
    const auth = path('shared-auth');
    origin.route(auth, () => ({ headers: { 'cache-control': 'max-age=60' } }));
    const priv = path('shared-private');
    origin.route(priv, () => ({ headers: { 'cache-control': 'private, max-age=60' } }));
    const smax = path('shared-smaxage');
    origin.route(smax, () => ({
      headers: { 'cache-control': 'public, max-age=0, s-maxage=60', 'set-cookie': 'session=1' },
    }));
    const { api } = client({ shared: true });
    await api.get(auth, { headers: { Authorization: 'Bearer a' } });
    expect((await api.get(auth, { headers: { Authorization: 'Bearer a' } })).cached).toBe(false);
    await api.get(priv);
    expect((await api.get(priv)).cached).toBe(false);
    await api.get(smax);
    const hit = await api.get(smax);
    expect(hit.cached).toBe(true);
    // One user's cookie is not handed to the others.
    expect(hit.headers['set-cookie']).toBeUndefined();
  });
});

describe('invalidation', () => {
  it('an unsafe method invalidates its URL, its Location and its Content-Location', async () => {
    const a = path('item');
    const b = path('other');
    for (const p of [a, b]) origin.route(p, () => ({ headers: { 'cache-control': 'max-age=60' } }));
    origin.route(`${a}/edit`, () => ({ status: 201, headers: { location: b, 'content-location': a } }));
    const { api } = client();
    await api.get(a);
    await api.get(b);
    await api.post(`${a}/edit`, { x: 1 });
    expect((await api.get(a)).cached).toBe(false);
    expect((await api.get(b)).cached).toBe(false);
    await api.delete(a).catch(() => undefined);
    expect((await api.get(a)).cached).toBe(false);
  });

  it('an error response does not invalidate', async () => {
    const a = path('kept');
    origin.route(a, (req) => (req.method === 'PUT' ? { status: 500 } : { headers: { 'cache-control': 'max-age=60' } }));
    const { api } = client();
    await api.get(a);
    await expect(api.put(a, {})).rejects.toBeInstanceOf(ServerError);
    expect((await api.get(a)).cached).toBe(true);
  });

  it('invalidate, invalidatePattern and clear drop what they name', async () => {
    const [u1, u2, other] = [path('users/1'), path('users/2'), path('orders/1')];
    for (const p of [u1, u2, other]) origin.route(p, () => ({ headers: { 'cache-control': 'max-age=60' } }));
    const { c, api } = client();
    for (const p of [u1, u2, other]) await api.get(p);
    await api.get(u1, { headers: { Authorization: 'Bearer z' } });
    await c.invalidate(u1);
    expect((await api.get(u1)).cached).toBe(false);
    expect((await api.get(u1, { headers: { Authorization: 'Bearer z' } })).cached).toBe(false);
    // u1 twice (with and without credentials), and u2.
    expect(await c.invalidatePattern('/users/*')).toBe(3);
    expect(await c.invalidatePattern(/\/users\//)).toBe(0);
    expect((await api.get(u2)).cached).toBe(false);
    expect(await c.invalidatePattern((url) => url.endsWith(u2))).toBe(1);
    expect((await api.get(other)).cached).toBe(true);
    await c.clear();
    expect(c.stats().size).toBe(0);
    expect((await api.get(other)).cached).toBe(false);
    await expect(c.invalidate('')).rejects.toBeInstanceOf(ConfigurationError);
    await expect(c.invalidatePattern('' as never)).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('rules', () => {
  it('ttl: 0 never caches; a ttl gives freshness to responses that state none; override replaces the server', async () => {
    const never = path('never');
    const plain = path('plain');
    const forced = path('forced');
    origin.route(never, () => ({ headers: { 'cache-control': 'max-age=60' } }));
    origin.route(plain, () => ({}));
    origin.route(forced, () => ({ headers: { 'cache-control': 'no-store' } }));
    const { api } = client({
      rules: [
        { match: `${never}`, ttl: 0 },
        { match: '/plain-*', ttl: 300_000 },
        { match: (url) => url.endsWith(forced), ttl: 10_000, override: true },
      ],
    });
    for (const p of [never, plain, forced]) await api.get(p);
    expect((await api.get(never)).cached).toBe(false);
    expect((await api.get(plain)).cached).toBe(true);
    const hit = await api.get(forced);
    expect(hit.cached).toBe(true);
    expect(hit.headers['cache-control']).toBe('no-store');
    advanceClock(11_000);
    expect((await api.get(forced)).cached).toBe(false);
  });

  it('defaultTtl gives freshness to responses without any', async () => {
    const p = path('default-ttl');
    origin.route(p, () => ({}));
    const { api } = client({ defaultTtl: 5000 });
    await api.get(p);
    expect((await api.get(p)).cached).toBe(true);
    advanceClock(6000);
    expect((await api.get(p)).cached).toBe(false);
  });
});

describe('stale responses', () => {
  it('stale-while-revalidate answers stale at once and revalidates in the background', async () => {
    const p = path('swr');
    origin.route(p, (_req, n) => ({
      headers: { 'cache-control': 'max-age=1, stale-while-revalidate=60' },
      body: `${n}`,
    }));
    const { api } = client();
    const revalidated = new Promise((resolve) => api.events.once('cache:revalidated', resolve));
    await api.get(p);
    advanceClock(2000);
    const stale = await api.get(p);
    expect([stale.data, stale.cached]).toEqual([1, true]);
    await revalidated;
    expect(origin.hits(p)).toBe(2);
    const fresh = await api.get(p);
    expect([fresh.data, fresh.cached]).toEqual([2, true]);
  });

  it('stale-if-error also answers when the connection fails', async () => {
    const p = path('sie-conn');
    let failing = false;
    origin.route(p, () =>
      failing ? { destroy: true } : { headers: { 'cache-control': 'max-age=1, stale-if-error=60' } },
    );
    const { api } = client();
    await api.get(p);
    failing = true;
    advanceClock(2000);
    expect((await api.get(p)).cached).toBe(true);
    advanceClock(120_000);
    await expect(api.get(p)).rejects.toBeInstanceOf(ConnectionError);
  });

  it('stale-if-error answers stale when the server fails, within its window only', async () => {
    const p = path('sie');
    let failing = false;
    origin.route(p, () =>
      failing ? { status: 503 } : { headers: { 'cache-control': 'max-age=1, stale-if-error=60' } },
    );
    const { api } = client();
    await api.get(p);
    failing = true;
    advanceClock(2000);
    const stale = await api.get(p);
    expect(stale.cached).toBe(true);
    expect(stale.status).toBe(200);
    advanceClock(120_000);
    await expect(api.get(p)).rejects.toBeInstanceOf(ServerError);
  });
});

describe('coalescing', () => {
  it('identical GETs in flight share one request', async () => {
    const p = path('coalesce');
    origin.route(p, () => ({ delay: 50 }));
    const { c, api } = client();
    const responses = await Promise.all(Array.from({ length: 5 }, () => api.get(p)));
    expect(origin.hits(p)).toBe(1);
    for (const response of responses) expect(response.data).toEqual({ path: p, n: 1 });
    expect(responses.filter((r) => r.cached === false)).toHaveLength(5);
    expect(c.stats().coalesced).toBe(4);
    // Each caller has its own object.
    expect(new Set(responses.map((r) => r.data)).size).toBe(5);
  });

  it('when the shared request fails, every caller gets the error and nothing is retried', async () => {
    const p = path('coalesce-fail');
    origin.route(p, () => ({ status: 500, delay: 50 }));
    const { api } = client();
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => api.get(p)));
    expect(origin.hits(p)).toBe(1);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ServerError);
    }
  });

  it('a cancelled leader cancels only itself', async () => {
    const p = path('coalesce-cancel');
    origin.route(p, () => ({ delay: 80, headers: { 'cache-control': 'max-age=60' } }));
    const { api } = client();
    const controller = new AbortController();
    const leader = api.get(p, { signal: controller.signal });
    const follower = api.get(p);
    setTimeout(() => controller.abort(), 20);
    await expect(leader).rejects.toThrow();
    const response = await follower;
    expect(response.status).toBe(200);
    expect(origin.hits(p)).toBe(2);
  });

  it('callers whose Vary’d headers differ send their own request', async () => {
    const p = path('coalesce-vary');
    origin.route(p, (req) => ({
      delay: 30,
      headers: { vary: 'accept-language', 'cache-control': 'max-age=60' },
      body: JSON.stringify(req.headers['accept-language']),
    }));
    const { api } = client();
    const [en, fr] = await Promise.all([
      api.get(p, { headers: { 'Accept-Language': 'en' } }),
      api.get(p, { headers: { 'Accept-Language': 'fr' } }),
    ]);
    expect([en.data, fr.data]).toEqual(['en', 'fr']);
    expect(origin.hits(p)).toBe(2);
  });
});

describe('events', () => {
  it('emits cache:miss and cache:hit with the URL redacted', async () => {
    const p = path('events');
    origin.route(p, () => ({ headers: { 'cache-control': 'max-age=60' } }));
    const { api } = client();
    const seen: string[] = [];
    api.events.on('cache:miss', ({ url, reason }) => seen.push(`miss ${reason} ${url}`));
    api.events.on('cache:hit', ({ url, stale }) => seen.push(`hit ${stale} ${url}`));
    await api.get(p, { params: { token: 'secret' } });
    await api.get(p, { params: { token: 'secret' } });
    expect(seen).toHaveLength(2);
    expect(seen.join('\n')).not.toContain('secret');
    expect(seen[0]).toMatch(/^miss absent /);
    expect(seen[1]).toMatch(/^hit false /);
  });
});

describe('HEAD and other methods', () => {
  it('a stored GET answers a HEAD request without its body', async () => {
    const p = path('head');
    origin.route(p, () => ({ headers: { 'cache-control': 'max-age=60', 'x-kind': 'get' } }));
    const { api } = client();
    await api.get(p);
    const head = await api.head(p);
    expect([head.cached, head.data, head.headers['x-kind']]).toEqual([true, '', 'get']);
    expect(origin.hits(p)).toBe(1);
  });

  it('leaves OPTIONS alone and caches only the methods asked for', async () => {
    const p = path('methods');
    origin.route(p, () => ({ headers: { 'cache-control': 'max-age=60' } }));
    const { api } = client({ methods: ['HEAD'] });
    await api.get(p);
    expect((await api.get(p)).cached).toBe(false);
    await api.options(p);
    expect(origin.hits(p)).toBe(3);
  });
});

describe('response types', () => {
  it('serves bytes and streams from a stored text body, and caches streams only when asked', async () => {
    const p = path('types');
    origin.route(p, () => ({
      headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' },
      body: 'hello',
    }));
    const { api } = client({ cacheStreams: { maxBytes: 4 } });
    await api.get(p);
    const bytes = await api.get<Buffer>(p, { responseType: 'arraybuffer' });
    expect(Buffer.from(bytes.data).toString()).toBe('hello');
    const stream = await api.get(p, { responseType: 'stream' });
    let text = '';
    for await (const chunk of stream.data) text += chunk;
    expect([text, stream.cached]).toEqual(['hello', true]);

    // A stream larger than maxBytes is passed through and not stored.
    const big = path('stream-big');
    origin.route(big, () => ({
      headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' },
      body: 'hello world',
    }));
    const first = await api.get(big, { responseType: 'stream' });
    let read = '';
    for await (const chunk of first.data) read += chunk;
    expect(read).toBe('hello world');
    expect((await api.get(big)).cached).toBe(false);

    const small = path('stream-small');
    origin.route(small, () => ({
      headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' },
      body: 'hey',
    }));
    const once = await api.get(small, { responseType: 'stream' });
    for await (const _ of once.data) void _;
    await new Promise((resolve) => setImmediate(resolve));
    const hit = await api.get(small, { responseType: 'text' });
    expect([hit.data, hit.cached]).toEqual(['hey', true]);
  });

  it('stores a JSON body as the server sent it, not as JSON.stringify would write it again', async () => {
    const p = path('json-text');
    const body = '{ "price": 10.50, "tags": ["a"] }';
    origin.route(p, () => ({ headers: { 'cache-control': 'max-age=60', 'content-type': 'application/json' }, body }));
    const { api } = client();
    const first = await api.get(p);
    const text = await api.get<string>(p, { responseType: 'text' });
    const parsed = await api.get(p);
    expect(first.data).toEqual({ price: 10.5, tags: ['a'] });
    expect([text.data, text.cached]).toEqual([body, true]);
    expect([parsed.data, parsed.cached]).toEqual([{ price: 10.5, tags: ['a'] }, true]);
    expect(origin.hits(p)).toBe(1);
  });

  it('does not cache streams by default', async () => {
    const p = path('stream-off');
    origin.route(p, () => ({ headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' }, body: 'x' }));
    const { api } = client();
    const response = await api.get(p, { responseType: 'stream' });
    for await (const _ of response.data) void _;
    expect((await api.get(p)).cached).toBe(false);
  });
});

describe('a failing store', () => {
  const broken = (behaviour: 'reject' | 'hang'): CacheStore => {
    const fail = () =>
      behaviour === 'reject' ? Promise.reject(new Error('store down')) : new Promise<never>(() => undefined);
    return {
      get: fail,
      set: fail,
      delete: fail,
      clear: fail,
      async *keys() {
        yield* [];
      },
      size: undefined,
    };
  };

  it.each(['reject', 'hang'] as const)(
    'degrades to a miss with a cache:store-error event when the store %ss',
    async (behaviour) => {
      const p = path(`broken-${behaviour}`);
      origin.route(p, () => ({ headers: { 'cache-control': 'max-age=60' } }));
      const warnings: unknown[] = [];
      const logger = { debug() {}, info() {}, warn: (...args: unknown[]) => warnings.push(args), error() {} };
      const { c, api } = client({ store: broken(behaviour), storeTimeout: 50, logger });
      const operations: string[] = [];
      api.events.on('cache:store-error', ({ operation }) => operations.push(operation));
      const response = await api.get(p);
      expect(response.status).toBe(200);
      expect((await api.get(p)).cached).toBe(false);
      expect(operations).toEqual(['get', 'set', 'get', 'set']);
      expect(warnings).toHaveLength(4);
      expect(c.stats().storeErrors).toBe(4);
      // What the user asks for directly does fail.
      await expect(c.clear()).rejects.toThrow(behaviour === 'reject' ? 'store down' : 'did not answer within 50 ms');
    },
  );
});

describe('the handle', () => {
  it('is installed once, and close() closes the store', async () => {
    const close = jest.fn(async () => undefined);
    const store = { ...memoryStore(), close };
    const c = cache({ store });
    const api = createClient({ baseURL: origin.url, plugins: [c] });
    expect(() => createClient({ plugins: [c] })).toThrow('already installed');
    await api.close();
    expect(close).toHaveBeenCalledTimes(1);
    expect(c.stats()).toEqual({
      hits: 0,
      misses: 0,
      hitRate: 0,
      size: 0,
      revalidations: 0,
      coalesced: 0,
      storeErrors: 0,
    });
  });

  it('accepts a Keyv instance as the store', async () => {
    const { Keyv } = await import('keyv');
    const p = path('keyv');
    origin.route(p, () => ({ headers: { 'cache-control': 'max-age=60' } }));
    const { c, api } = client({ store: new Keyv() });
    await api.get(p);
    expect((await api.get(p)).cached).toBe(true);
    expect(c.stats().size).toBeUndefined();
    expect(await c.count()).toBe(1);
  });

  it('count() rejects, saying why, when a Keyv store cannot list its keys', async () => {
    const { Keyv } = await import('keyv');
    const store = new Keyv();
    Object.defineProperty(store, 'iterator', { value: undefined });
    const { c } = client({ store });
    await expect(c.count()).rejects.toThrow('this Keyv store has no iterator, so its keys cannot be listed');
  });
});
