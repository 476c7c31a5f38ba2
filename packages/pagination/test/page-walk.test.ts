import { type AxleInstance, createClient } from '@axle/core';
import { paginate } from '@axle/pagination';
import { sendJson, startServer, type TestServer } from '../../../test-support/http-server';
import { type Item, item, sleep, until } from './fixtures';

// Timing on a shared 2-core machine: a stall of a few hundred ms can delay a page past a bound.
// A failure is retried up to twice and each failure is printed; three misses fail the suite.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

// Pages of 10 items, `?page=n` (1-based) of `total` items, total in X-Total-Count; each answer
// waits `delay(page)` ms. The server tracks how many requests it holds at once.
let server: TestServer;
let total = 100;
let delay: (page: number) => number = () => 0;
let holding = 0;
let maxHolding = 0;
let failPage: number | undefined;
let answered: number[] = [];

beforeAll(async () => {
  server = await startServer((req, res) => {
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? 1);
    holding += 1;
    maxHolding = Math.max(maxHolding, holding);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      holding -= 1;
    };
    res.on('close', finish);
    setTimeout(() => {
      if (res.destroyed) return;
      finish();
      answered.push(page);
      if (page === failPage) {
        sendJson(res, 500, { error: 'boom' });
        return;
      }
      const items: Item[] = [];
      for (let id = (page - 1) * 10; id < Math.min(page * 10, total); id += 1) items.push(item(id));
      sendJson(res, 200, items, { 'x-total-count': String(total) });
    }, delay(page));
  });
});
afterAll(() => server.close());

// Jest 30 fails the running test on an unhandled rejection, so the tests below that break out
// with requests in flight (and wait for them to settle) also check that none is left unhandled.
let api: AxleInstance;
beforeEach(() => {
  api = createClient({ baseURL: server.url, retry: false });
  total = 100;
  delay = () => 0;
  holding = 0;
  maxHolding = 0;
  failPage = undefined;
  answered = [];
  server.requests.length = 0;
});
afterEach(async () => {
  await api.close();
});

const pagesRequested = (): number[] =>
  server.requests.map((r) => Number(new URL(r.url ?? '/', 'http://x').searchParams.get('page')));
const page = (extra: object = {}) => ({ strategy: 'page' as const, perPage: 10, ...extra });

describe('prefetch', () => {
  it('requests up to n pages ahead while the caller works on a page, never more', async () => {
    const iterator = paginate<Item>(api, '/p', page({ prefetch: 2 }))[Symbol.asyncIterator]();
    try {
      expect((await iterator.next()).value).toEqual(item(0));
      // The caller is busy with page 1: pages 2 and 3 are fetched meanwhile, and no more.
      await until(() => pagesRequested().length >= 3);
      await sleep(50);
      expect(pagesRequested()).toEqual([1, 2, 3]);
      for (let i = 1; i < 10; i += 1) await iterator.next(); // the rest of page 1
      expect((await iterator.next()).value).toEqual(item(10)); // page 2 was already there
      await until(() => pagesRequested().length >= 4);
      await sleep(50);
      expect(pagesRequested()).toEqual([1, 2, 3, 4]);
    } finally {
      await iterator.return(undefined);
    }
  });

  it('yields every item in order', async () => {
    delay = (p) => (p % 3) * 5;
    const ids: number[] = [];
    for await (const it of paginate<Item>(api, '/p', page({ prefetch: 3 }))) ids.push(it.id);
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('an early break aborts the read-ahead request in flight; nothing is left unhandled', async () => {
    delay = (p) => (p === 1 ? 0 : 300);
    const started = performance.now();
    for await (const it of paginate<Item>(api, '/p', page({ prefetch: 2 }))) {
      if (it.id === 0) {
        await sleep(30); // page 2 is now in flight
        break;
      }
    }
    expect(performance.now() - started).toBeLessThan(250);
    expect(pagesRequested()).toEqual([1, 2]);
    await sleep(50);
    expect(holding).toBe(0); // the aborted request's connection is gone
    await sleep(300);
    expect(pagesRequested()).toEqual([1, 2]);
  });

  it('a read-ahead page that failed is thrown when the caller reaches it, not before', async () => {
    failPage = 3;
    const ids: number[] = [];
    const error = await (async () => {
      for await (const it of paginate<Item>(api, '/p', page({ prefetch: 2 }))) {
        ids.push(it.id);
        await sleep(1);
      }
    })().catch((e: unknown) => e);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(error).toMatchObject({ name: 'ServerError', status: 500 });
    expect(pagesRequested()).toEqual([1, 2, 3]);
  });

  it('a read-ahead page that failed while the caller broke out is never unhandled', async () => {
    failPage = 2;
    for await (const it of paginate<Item>(api, '/p', page({ prefetch: 2 }))) {
      if (it.id === 0) {
        await sleep(50); // page 2 has failed by now
        break;
      }
    }
    await sleep(20);
    expect(answered).toContain(2);
  });
});

describe('concurrency', () => {
  it('with a known total, fetches up to `concurrency` pages at once and yields them in order', async () => {
    // Later pages answer sooner, so they arrive out of order.
    delay = (p) => (p === 1 ? 0 : 60 - p * 5);
    const pager = paginate<Item>(api, '/p', page({ concurrency: 4 }));
    const ids: number[] = [];
    const pageIndexes: number[] = [];
    for await (const pg of pager.pages()) {
      pageIndexes.push(pg.index);
      ids.push(...pg.items.map((i) => i.id));
    }
    expect(pageIndexes).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(maxHolding).toBe(4);
    expect(answered).not.toEqual([...answered].sort((a, b) => a - b)); // they did arrive out of order
    expect(pager.pagesFetched).toBe(10);
  });

  it('maxPages and maxItems bound the planned pages', async () => {
    await paginate(api, '/p', page({ concurrency: 5, maxPages: 3 })).toArray();
    expect(pagesRequested().sort()).toEqual([1, 2, 3]);
    server.requests.length = 0;
    expect(await paginate(api, '/p', page({ concurrency: 5, maxItems: 25 })).toArray()).toHaveLength(25);
    expect(pagesRequested().sort()).toEqual([1, 2, 3]);
  });

  it('prefetch widens the window beyond concurrency - 1, still with `concurrency` in flight', async () => {
    delay = (p) => (p === 1 ? 0 : 20);
    const iterator = paginate<Item>(api, '/p', page({ concurrency: 2, prefetch: 5 }))[Symbol.asyncIterator]();
    try {
      await iterator.next();
      // Pages 2-6 (the prefetch window) are fetched while nobody reads, two at a time; no more follow.
      await until(() => pagesRequested().length >= 6 && holding === 0);
      await sleep(50);
      expect(pagesRequested()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(maxHolding).toBe(2);
    } finally {
      await iterator.return(undefined);
    }
  });

  it('an early break aborts every page in flight', async () => {
    // Pages 2-4 would take 2 s: if they are gone long before that, the break aborted them.
    delay = (p) => (p === 1 ? 0 : 2000);
    for await (const it of paginate<Item>(api, '/p', page({ concurrency: 4 }))) {
      if (it.id === 0) {
        await until(() => holding === 3);
        break;
      }
    }
    expect(pagesRequested()).toEqual([1, 2, 3, 4]);
    await until(() => holding === 0, 1500);
    expect(answered).toEqual([1]);
  });

  it('without a known total, concurrency falls back to one page at a time', async () => {
    const noTotal = await startServer((req, res) => {
      const p = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? 1);
      setTimeout(() => sendJson(res, 200, p <= 3 ? [p] : []), 10);
    });
    const client = createClient({ baseURL: noTotal.url, retry: false });
    // A failed attempt is retried; its server must not outlive it.
    try {
      const items = await paginate(client, '/p', {
        strategy: 'page',
        perPage: 1,
        concurrency: 4,
        stopOnShortPage: false,
      }).toArray();
      expect(items).toEqual([1, 2, 3]);
      expect(noTotal.requests).toHaveLength(4);
    } finally {
      await client.close();
      await noTotal.close();
    }
  });
});
