// The limiter in a client, on fake time, with a transport the test answers by hand.
import { type AxleInstance, ClientError, ConfigurationError, createClient, RateLimitError } from '@axle/core';
import {
  isRateLimitExceededError,
  RateLimitExceededError,
  type RateLimitOptions,
  type RateLimitPausedEvent,
  type RateLimitQueuedEvent,
  type RateLimitRejectedEvent,
  rateLimit,
} from '@axle/rate-limit';
import axios from 'axios';
import { advance, flush, outcome, parkedTransport, useClock } from './support';

const T0 = Date.UTC(2030, 0, 1);
const clients: AxleInstance[] = [];

function setup(options: RateLimitOptions, auto?: { status: number; headers?: Record<string, string> }) {
  const transport = parkedTransport(auto);
  const limiter = rateLimit(options);
  const api = createClient({
    baseURL: 'http://api.test',
    adapter: transport.adapter,
    retry: false,
    plugins: [limiter],
  });
  clients.push(api);
  return { api, limiter, ...transport };
}

beforeEach(() => useClock(T0));
afterEach(async () => {
  await Promise.all(clients.splice(0).map((api) => api.close()));
  jest.useRealTimers();
});

describe.each(['token_bucket', 'fixed_window', 'sliding_window'] as const)('%s in a client', (strategy) => {
  it('sends maxRequests at once, queues the rest and sends them as the window allows', async () => {
    const { api, calls, limiter } = setup({ strategy, maxRequests: 2, timeWindow: 1000 }, { status: 200 });
    const results = Array.from({ length: 5 }, () => api.get('/a'));
    await flush();
    expect(calls).toHaveLength(2);
    expect(limiter.status()).toMatchObject({ limit: 2, remaining: 0, queued: 3 });
    await advance(1000);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.length).toBeLessThanOrEqual(4);
    await advance(2000);
    expect(calls).toHaveLength(5);
    await expect(Promise.all(results)).resolves.toHaveLength(5);
    // Never more than 2 in any 1000 ms window, whatever the strategy (token bucket: burst 2, rate 2/s).
    const times = calls.map((call) => call.at);
    for (let i = 2; i < times.length; i++) {
      if (strategy === 'fixed_window') {
        expect(Math.floor((times[i] as number) / 1000)).not.toBe(Math.floor((times[i - 2] as number) / 1000));
      } else {
        expect((times[i] as number) - (times[i - 2] as number)).toBeGreaterThanOrEqual(
          strategy === 'sliding_window' ? 1000 : 500,
        );
      }
    }
  });
});

describe('concurrency', () => {
  it('holds a slot for the whole call: never more than maxConcurrent in flight', async () => {
    const { api, waiting, limiter } = setup({ maxConcurrent: 2 });
    const results = Array.from({ length: 5 }, () => outcome(api.get('/a')));
    await flush();
    expect(waiting()).toHaveLength(2);
    expect(limiter.status()).toMatchObject({ running: 2, queued: 3, limit: Number.POSITIVE_INFINITY });
    waiting()[0]?.respond(200);
    await flush();
    expect(waiting()).toHaveLength(2);
    for (let i = 0; i < 4; i++) {
      waiting()[0]?.respond(500);
      await flush();
      expect(waiting().length).toBeLessThanOrEqual(2);
    }
    expect(await Promise.all(results)).toHaveLength(5);
    expect(limiter.status()).toMatchObject({ running: 0, queued: 0 });
  });
});

describe('the queue', () => {
  it('a full queue rejects at once with RateLimitExceededError, without sending', async () => {
    const { api, calls } = setup({ maxRequests: 1, queueSize: 1 }, { status: 200 });
    const rejected: RateLimitRejectedEvent[] = [];
    api.events.on('ratelimit:rejected', (event) => rejected.push(event));
    const first = api.get('/a');
    const second = api.get('/b');
    const third = outcome(api.get('/c'));
    const error = await third;
    expect(error).toBeInstanceOf(RateLimitExceededError);
    expect(error).toBeInstanceOf(ClientError);
    expect(axios.isAxiosError(error)).toBe(true);
    expect(isRateLimitExceededError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'queue_full', code: 'ERR_RATE_LIMIT_QUEUE_FULL', scope: '*' });
    expect((error as RateLimitExceededError).retryAt).toBeGreaterThan(T0);
    expect((error as RateLimitExceededError).toJSON()).toMatchObject({ reason: 'queue_full', scope: '*' });
    expect(rejected).toMatchObject([{ reason: 'queue_full', scope: '*' }]);
    await flush();
    expect(calls.map((c) => c.config.url)).toEqual(['/a']);
    await advance(1000);
    await expect(first).resolves.toBeDefined();
    await expect(second).resolves.toBeDefined();
  });

  it('queueSize 0 never waits', async () => {
    const { api } = setup({ maxRequests: 1, queueSize: 0 }, { status: 200 });
    await api.get('/a');
    await expect(api.get('/b')).rejects.toMatchObject({ reason: 'queue_full' });
  });

  it('a wait past queueTimeout rejects with reason queue_timeout, unsent', async () => {
    const { api, calls } = setup({ maxRequests: 1, timeWindow: 10_000, queueTimeout: 500 }, { status: 200 });
    await api.get('/a');
    const late = outcome(api.get('/b'));
    await advance(499);
    expect(calls).toHaveLength(1);
    await advance(1);
    expect(await late).toMatchObject({ reason: 'queue_timeout', code: 'ERR_RATE_LIMIT_QUEUE_TIMEOUT' });
    expect(((await late) as Error).message).toMatch(/waited 500 ms.*GET http:\/\/api\.test\/b/);
    await advance(10_000);
    expect(calls).toHaveLength(1);
  });

  it("the caller's AbortSignal removes a waiting request at once", async () => {
    const { api, calls, limiter } = setup({ maxRequests: 1, timeWindow: 10_000 }, { status: 200 });
    await api.get('/a');
    const controller = new AbortController();
    const aborted = outcome(api.get('/b', { signal: controller.signal }));
    const after = api.get('/c');
    await flush();
    expect(limiter.status().queued).toBe(2);
    controller.abort();
    expect(axios.isCancel(await aborted)).toBe(true);
    expect(limiter.status().queued).toBe(1);
    await advance(10_000);
    await after;
    expect(calls.map((c) => c.config.url)).toEqual(['/a', '/c']);
  });

  it('an already aborted signal does not wait', async () => {
    const { api } = setup({ maxRequests: 1, timeWindow: 10_000 }, { status: 200 });
    await api.get('/a');
    expect(axios.isCancel(await outcome(api.get('/b', { signal: AbortSignal.abort() })))).toBe(true);
  });

  it('queueTimeout 0 waits as long as it takes', async () => {
    const { api, calls } = setup({ maxRequests: 1, timeWindow: 120_000, queueTimeout: 0 }, { status: 200 });
    await api.get('/a');
    const late = api.get('/b');
    await advance(120_000);
    await late;
    expect(calls).toHaveLength(2);
  });

  it('close() rejects waiting requests with ERR_CLIENT_CLOSED and stops the timer', async () => {
    const { api } = setup({ maxRequests: 1, timeWindow: 10_000 }, { status: 200 });
    await api.get('/a');
    const waiting = outcome(api.get('/b'));
    await flush();
    expect(jest.getTimerCount()).toBe(1);
    await api.close();
    expect(await waiting).toMatchObject({ code: 'ERR_CLIENT_CLOSED' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('emits queued and dequeued with the scope that holds the request back', async () => {
    const { api } = setup({ maxRequests: 1, timeWindow: 1000 }, { status: 200 });
    const queued: RateLimitQueuedEvent[] = [];
    const waited: number[] = [];
    api.events.on('ratelimit:queued', (event) => queued.push(event));
    api.events.on('ratelimit:dequeued', (event) => waited.push(event.waited));
    await api.get('/a');
    const b = api.get('/b');
    await advance(1000);
    await b;
    expect(queued).toMatchObject([{ scope: '*', wait: 1000, queued: 1 }]);
    expect(waited).toEqual([1000]);
  });
});

describe('scopes', () => {
  it('rules limit matching endpoints on top of the client-wide limit', async () => {
    const { api, calls, limiter } = setup(
      { maxRequests: 100, rules: [{ match: 'GET /search*', maxRequests: 1, timeWindow: 1000 }] },
      { status: 200 },
    );
    await api.get('/search?q=1');
    const search = api.get('/search/more');
    await api.get('/users');
    await api.post('/search');
    await flush();
    expect(calls.map((c) => `${c.config.method} ${c.config.url}`)).toEqual([
      'get /search?q=1',
      'get /users',
      'post /search',
    ]);
    expect(limiter.status('GET /search*')).toMatchObject({ limit: 1, remaining: 0, queued: 1 });
    expect(limiter.scopes()).toEqual(['*', 'GET /search*']);
    await advance(1000);
    await search;
    expect(calls).toHaveLength(4);
  });

  it('rules match by RegExp and by path alone, on absolute URLs too', async () => {
    const { api, calls } = setup(
      {
        rules: [
          { match: /^DELETE /, maxRequests: 1, timeWindow: 1000 },
          { match: '/upload', maxRequests: 1, timeWindow: 1000 },
        ],
      },
      { status: 200 },
    );
    await api.delete('/x');
    const second = api.delete('http://other.test/y');
    await api.put('http://other.test/upload#frag');
    const third = api.post('upload');
    await flush();
    expect(calls).toHaveLength(2);
    await advance(1000);
    await Promise.all([second, third]);
  });

  it('perHost: true gives each origin its own limit', async () => {
    const { api, calls, limiter } = setup({ maxRequests: 1, timeWindow: 1000, perHost: true }, { status: 200 });
    await api.get('/a');
    await api.get('http://other.test/b');
    const c = api.get('/c');
    await flush();
    expect(calls).toHaveLength(2);
    expect(limiter.scopes()).toEqual(['*', 'http://api.test', 'http://other.test']);
    expect(limiter.status('http://api.test/')).toMatchObject({ remaining: 0, limit: 1 });
    expect(limiter.status()).toMatchObject({ limit: Number.POSITIVE_INFINITY });
    await advance(1000);
    await c;
  });

  it('perHost keeps at most 1000 origins, forgetting the first seen', async () => {
    const { api, limiter } = setup({ maxRequests: 5, perHost: true }, { status: 200 });
    for (let i = 0; i <= 1000; i++) await api.get(`http://h${i}.test/`);
    const scopes = limiter.scopes();
    expect(scopes).toHaveLength(1001);
    expect(scopes).not.toContain('http://h0.test');
    expect(scopes).toContain('http://h1000.test');
  });

  it('perHost with a limit of its own applies on top of the client-wide one', async () => {
    const { api, calls } = setup({ maxRequests: 3, perHost: { maxRequests: 1 } }, { status: 200 });
    await api.get('/a');
    await api.get('http://other.test/b');
    const c = api.get('/c');
    await flush();
    expect(calls).toHaveLength(2);
    await advance(1000);
    await c;
  });

  it('rateLimit: false skips the limiter; any other per-request value is a ConfigurationError', async () => {
    const { api, calls } = setup({ maxRequests: 1, timeWindow: 10_000 }, { status: 200 });
    await api.get('/a');
    await api.get('/b', { rateLimit: false });
    expect(calls).toHaveLength(2);
    await expect(api.get('/c', { rateLimit: true as never })).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('server limits', () => {
  it('parses the headers into response.rateLimit', async () => {
    const { api } = setup({}, { status: 200, headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '4' } });
    const response = await api.get('/a');
    expect(response.rateLimit).toMatchObject({ limit: 10, remaining: 4, sources: ['x-ratelimit'] });
  });

  it('a 429 pauses every queued request of the scope until Retry-After, not only the one that got it', async () => {
    const { api, calls, waiting, limiter } = setup({ maxConcurrent: 1 });
    const paused: RateLimitPausedEvent[] = [];
    api.events.on('ratelimit:paused', (event) => paused.push(event));
    const first = outcome(api.get('/a'));
    const rest = [outcome(api.get('/b')), outcome(api.get('/c'))];
    await flush();
    waiting()[0]?.respond(429, { 'retry-after': '2' });
    const error = await first;
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).response.rateLimit?.retryAfter).toBe(2);
    expect(paused).toMatchObject([{ scope: '*', until: T0 + 2000, reason: 429 }]);
    expect(limiter.status()).toMatchObject({ remaining: 0, pausedUntil: T0 + 2000, resetAt: T0 + 2000 });
    await advance(1999);
    expect(calls).toHaveLength(1);
    await advance(1);
    expect(calls).toHaveLength(2);
    waiting()[0]?.respond(200);
    await flush();
    waiting()[0]?.respond(200);
    expect(await Promise.all(rest)).toEqual([200, 200]);
  });

  it('a response saying none remain pauses until the reset; a 429 without a hint pauses defaultPause', async () => {
    const { api, calls, waiting } = setup({ defaultPause: 300 });
    const a = api.get('/a');
    await flush();
    waiting()[0]?.respond(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
    await a;
    const b = outcome(api.get('/b'));
    await advance(999);
    expect(calls).toHaveLength(1);
    await advance(1);
    waiting()[0]?.respond(429);
    await b;
    const c = api.get('/c');
    await advance(299);
    expect(calls).toHaveLength(2);
    await advance(1);
    waiting()[0]?.respond(200);
    await c;
  });

  it('maxPause caps what the server can impose', async () => {
    const { api, limiter } = setup({ maxPause: 5000 }, { status: 429, headers: { 'retry-after': '3600' } });
    await outcome(api.get('/a'));
    expect(limiter.status().pausedUntil).toBe(T0 + 5000);
  });

  it("on429: 'throw' fails requests of a paused scope at once, queued ones included", async () => {
    const { api, waiting } = setup({ maxConcurrent: 1, on429: 'throw' });
    const first = outcome(api.get('/a'));
    const queued = outcome(api.get('/b'));
    await flush();
    waiting()[0]?.respond(429, { 'retry-after': '5' });
    await first;
    expect(await queued).toMatchObject({ reason: 'paused', retryAt: T0 + 5000, code: 'ERR_RATE_LIMIT_PAUSED' });
    expect(await outcome(api.get('/c'))).toMatchObject({ reason: 'paused' });
    await advance(5000);
    const d = api.get('/d');
    await flush();
    waiting()[0]?.respond(200);
    await d;
  });

  it('pauses the most specific scope that applied (a rule), so other endpoints go on', async () => {
    const { api, calls } = setup(
      { rules: [{ match: '/search', maxRequests: 100 }] },
      { status: 429, headers: { 'retry-after': '1' } },
    );
    await outcome(api.get('/search'));
    const search = outcome(api.get('/search'));
    await outcome(api.get('/users'));
    expect(calls).toHaveLength(2);
    await advance(1000);
    await search;
    expect(calls).toHaveLength(3);
  });
});

describe('the handle', () => {
  it('status() works before install and after close', async () => {
    const limiter = rateLimit({ maxRequests: 5 });
    expect(limiter.status()).toMatchObject({ limit: 5, remaining: 5, queued: 0, running: 0, pausedUntil: undefined });
    expect(limiter.scopes()).toEqual(['*']);
    expect(limiter.status('unknown')).toMatchObject({ limit: Number.POSITIVE_INFINITY });
    const api = createClient({ plugins: [limiter], adapter: parkedTransport({ status: 200 }).adapter, retry: false });
    await api.get('http://api.test/');
    await api.close();
    expect(limiter.status().remaining).toBe(4);
  });

  it('one handle per client; extend() shares it', async () => {
    const limiter = rateLimit({ maxRequests: 1, timeWindow: 1000 });
    const { adapter, calls } = parkedTransport({ status: 200 });
    const api = createClient({ plugins: [limiter], adapter, retry: false, baseURL: 'http://api.test' });
    clients.push(api);
    expect(() => createClient({ plugins: [limiter] })).toThrow(ConfigurationError);
    await api.extend({ headers: { 'x-a': '1' } }).get('/a');
    const b = api.get('/b');
    await flush();
    expect(calls).toHaveLength(1);
    await advance(1000);
    await b;
  });
});
