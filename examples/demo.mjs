/**
 * A guided tour of @axle/core. It starts a small local "books" API (./api-server.mjs, on 127.0.0.1
 * only), then runs one numbered section per feature, printing what it does and what happened.
 *
 * Run it from the repository root with `npm run demo` (builds first), or `node examples/demo.mjs`
 * once packages are built.
 *
 * Adding a section: append `{ title, why, run }` to `sections` below; numbers follow list order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { cache, memoryStore } from '@axle/cache';
import { circuitBreaker } from '@axle/circuit-breaker';
import {
  ClientResponseError,
  createClient,
  HTTPError,
  isAuthenticationError,
  isCircuitBreakerOpenError,
  isClientError,
  isNotFoundError,
  isRateLimitError,
  isServerError,
  isTimeoutError,
  NotFoundError,
  ReadTimeoutError,
  redactHeaders,
  TimeoutError,
  VERSION,
} from '@axle/core';
import { oauth2 } from '@axle/oauth2';
import { paginate } from '@axle/pagination';
import { rateLimit } from '@axle/rate-limit';
import { startDemoApi } from './api-server.mjs';

/**
 * @typedef {import('./api-server.mjs').Book} Book
 * @typedef {import('./api-server.mjs').DemoApi} DemoApi
 * @typedef {import('@axle/core').AxleInstance} AxleInstance
 *
 * @typedef {object} DemoContext  What sections share.
 * @property {DemoApi} server        the local API: `server.url`, `server.stats`
 * @property {AxleInstance} api      the main client, created in section 1
 * @property {AxleInstance[]} others clients made with `extend()`, to show that `close()` reaches them
 *
 * @typedef {object} Section
 * @property {string} title
 * @property {string} why                              one line: what the feature is for
 * @property {(ctx: DemoContext) => Promise<void>} run
 */

/** The fake bearer token the local API accepts. Never put a real token in an example. */
const TOKEN = 'demo-token';

/** If the demo is stuck this long, fail instead of hanging (unref'd: it never keeps the process alive). */
const WATCHDOG_MS = 20_000;

// ---------------------------------------------------------------------------------------------------
// Printing helpers
// ---------------------------------------------------------------------------------------------------

const INDENT = '   ';

/** Prints text indented under the current section; continuation lines are indented too. */
function say(text = '', extraIndent = '') {
  const prefix = INDENT + extraIndent;
  console.log(
    String(text)
      .split('\n')
      .map((lineText) => (lineText === '' ? '' : prefix + lineText))
      .join('\n'),
  );
}

/** Prints `label: value`, with objects rendered by util.inspect and indented below the label. */
function show(label, value, extraIndent = '  ') {
  const text = typeof value === 'string' ? value : inspect(value, { depth: 6, breakLength: 100, compact: 3 });
  const [first, ...rest] = text.split('\n');
  say(`${label}: ${first}`, extraIndent);
  if (rest.length > 0) say(rest.join('\n'), `${extraIndent}  `);
}

/** Awaits a promise that should reject and returns the error; throws if it resolved. */
async function failureOf(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

/** "GET /books/1" from a request config (method upper case, URL as the caller wrote it). */
function describeRequest(config) {
  return `${String(config.method).toUpperCase()} ${config.url}`;
}

/**
 * Prints every retry the client announces: `events.on('retry')` fires after an attempt fails and
 * before the wait. Returns the function that stops it.
 */
function watchRetries(client) {
  return client.events.on('retry', ({ attempt, delay, reason, config }) => {
    const key = config.headers.get('Idempotency-Key');
    say(
      `[retry] attempt ${attempt} failed (${reason}); attempt ${attempt + 1} in ${ms(delay)}` +
        (key ? `, Idempotency-Key ${key}` : ''),
      '  ',
    );
  });
}

/** Milliseconds, rounded for display. */
function ms(value) {
  return `${Math.round(value)} ms`;
}

// ---------------------------------------------------------------------------------------------------
// The sections, in order. Each prints its own narrative.
// ---------------------------------------------------------------------------------------------------

/** @type {Section[]} */
const sections = [
  {
    title: 'Create a client',
    why: 'One client per API: its base URL and default headers are set once and sent with every request.',
    async run(ctx) {
      ctx.api = createClient({
        baseURL: ctx.server.url,
        headers: { Accept: 'application/json', 'X-App': 'books-demo' },
        timeout: 5_000,
      });
      say('createClient({');
      say(`baseURL: '${ctx.server.url}',`, '  ');
      say("headers: { Accept: 'application/json', 'X-App': 'books-demo' },", '  ');
      say('timeout: 5000, // ms, for every request unless one says otherwise', '  ');
      say('})');
      say('The client is an axios instance: get/post/put/delete/request work as they do in axios.');
      const { data } = await ctx.api.get('/echo');
      say('GET /echo (the server replies with the headers it received):');
      show('accept', data.headers.accept);
      show('x-app', data.headers['x-app']);
      show('user-agent', `${data.headers['user-agent']}   <- axle's default; set User-Agent in headers to replace it`);
    },
  },

  {
    title: 'Send and receive JSON',
    why: 'Response bodies arrive parsed (in TypeScript: api.get<Book>(url)); objects you send are encoded as JSON.',
    async run({ api }) {
      const response = await api.get('/books/1');
      /** @type {Book} */
      const book = response.data;
      say('GET /books/1');
      show('status', `${response.status} (${response.headers['content-type']})`);
      show('data', book);
      show('book.title', book.title);

      const created = await api.post('/books', { title: 'The Dispossessed', author: 'Ursula K. Le Guin', year: 1974 });
      say("POST /books { title: 'The Dispossessed', ... }");
      show('status', created.status);
      show('location', created.headers.location);
      show('data', created.data);
      say('(the demo API only echoes: the new book is not stored)');
    },
  },

  {
    title: 'HTTP errors are typed errors',
    why: 'A 4xx/5xx rejects with an error class for its status; its message names the request, and it is safe to log.',
    async run({ api }) {
      say(`GET /books/999, sent with "Authorization: Bearer ${TOKEN}" and ?api_key=demo-key`);
      const err = await failureOf(
        api.get('/books/999', { headers: { Authorization: `Bearer ${TOKEN}` }, params: { api_key: 'demo-key' } }),
      );
      say(`-> rejected with ${err.name}`);
      show('err.message', err.message);
      show('err.status', err.status);
      show('err.response.data', err.response.data);
      show('isNotFoundError(err)', isNotFoundError(err));
      show(
        'instanceof',
        `NotFoundError ${err instanceof NotFoundError}, ClientResponseError (any 4xx) ${err instanceof ClientResponseError}, ` +
          `HTTPError (any status) ${err instanceof HTTPError}`,
      );
      say('Credentials stay out of logs:');
      show('err.toJSON()', err.toJSON());
      show(
        'token anywhere in JSON.stringify(err)?',
        `${JSON.stringify(err).includes(TOKEN)} (toJSON leaves the request config and its headers out)`,
      );
      show('redactHeaders(err.config.headers)', redactHeaders(err.config.headers));
    },
  },

  {
    title: 'When an error status is a normal answer: throwHttpErrors',
    why: 'throwHttpErrors (per request, or for the whole client in createClient) lets chosen statuses resolve.',
    async run({ api }) {
      const response = await api.get('/books/999', { throwHttpErrors: false });
      say('GET /books/999 with { throwHttpErrors: false }');
      show('-> resolved, status', response.status);
      show('data', response.data);

      say('A list names the statuses that should resolve (not the ones that throw):');
      const listed = await api.get('/books/999', { throwHttpErrors: [404] });
      show('GET /books/999 with { throwHttpErrors: [404] } -> resolved, status', listed.status);
      const err = await failureOf(api.get('/me', { throwHttpErrors: [404] }));
      show('GET /me        with { throwHttpErrors: [404] } -> still rejects', `${err.name} (${err.status})`);
    },
  },

  {
    title: 'Rate limits: RateLimitError and retryAfter',
    why: "A 429 becomes a RateLimitError; err.retryAfter is the server's Retry-After header, in seconds.",
    async run({ api }) {
      say(
        '/limited allows 3 requests, then refills 1 request per second. Four calls in a row, each with { retry: false }',
      );
      say('(retries are on by default and would wait out Retry-After by themselves: see "Retries" below):');
      for (let call = 1; call <= 4; call++) {
        try {
          const response = await api.get('/limited', { retry: false });
          say(
            `call ${call}: ${response.status}, X-RateLimit-Remaining: ${response.headers['x-ratelimit-remaining']}`,
            '  ',
          );
        } catch (err) {
          if (!isRateLimitError(err)) throw err;
          say(`call ${call}: ${err.name} (${err.status})`, '  ');
          show('err.message', err.message, '    ');
          show('err.retryAfter', `${err.retryAfter} (seconds)`, '    ');
          const h = err.response.headers;
          show(
            'X-RateLimit-*',
            `Limit ${h['x-ratelimit-limit']}, Remaining ${h['x-ratelimit-remaining']}, ` +
              `Reset ${h['x-ratelimit-reset']} (seconds until the bucket is full again)`,
            '    ',
          );
          say(`waiting ${err.retryAfter} s as the server asked, then calling again...`, '    ');
          await sleep((err.retryAfter ?? 1) * 1000);
          const again = await api.get('/limited', { retry: false });
          say(`call ${call + 1}: ${again.status}`, '  ');
        }
      }
    },
  },

  {
    title: 'Authentication: AuthenticationError, then a request hook that adds the token',
    why: 'A 401 becomes an AuthenticationError; a request hook (hooks.request) can set the Authorization header.',
    async run(ctx) {
      const err = await failureOf(ctx.api.get('/me'));
      say('GET /me without a token');
      say(`-> ${err.name} (isAuthenticationError: ${isAuthenticationError(err)})`);
      show('err.message', err.message);
      show('www-authenticate', err.response.headers['www-authenticate']);
      show('server said', err.response.data.message);

      // A request hook: change the config in place (or return a replacement).
      const bearer = (config) => {
        config.headers.set('Authorization', `Bearer ${TOKEN}`);
      };
      const authed = ctx.api.extend({ hooks: { request: [bearer] } });
      ctx.others.push(authed);
      say("const bearer = (config) => { config.headers.set('Authorization', 'Bearer demo-token'); };");
      say('const authed = api.extend({ hooks: { request: [bearer] } });');
      say(
        '(hooks are fixed when a client is created; extend(), shown again below, makes a new one with the hook added)',
      );
      const { status, data } = await authed.get('/me');
      show('authed.get(/me) -> status', status);
      show('data', data);
      say('The hook belongs to authed only: api itself still sends no token.');
    },
  },

  {
    title: 'Server errors: ServerError',
    why: 'A 5xx becomes a ServerError: isServerError(err) is true for every status from 500 to 599.',
    async run({ api, server }) {
      say(
        '/flaky fails 2 calls out of every 3 (503, 503, 200, then again). Three calls in a row, with { retry: false }',
      );
      say('(retries are on by default and would turn the 503s into one silent 200: see "Retries" below):');
      for (let call = 1; call <= 3; call++) {
        try {
          const response = await api.get('/flaky', { retry: false });
          say(`call ${call}: ${response.status} ${JSON.stringify(response.data)}`, '  ');
        } catch (err) {
          if (!isServerError(err)) throw err;
          say(`call ${call}: ${err.name} (${err.status}), isServerError: true`, '  ');
          show('err.message', err.message, '    ');
        }
      }
      say(
        `The server saw ${server.stats.routes['GET /flaky']} requests to /flaky: one per call, as retry: false asked.`,
      );
    },
  },

  {
    title: 'Retries: backoff, Retry-After and idempotency keys',
    why: 'Failed idempotent requests are retried, 3 times by default, with backoff; `retry` tunes it per client or request.',
    async run({ api, server }) {
      const seen = (route) => server.stats.routes[route] ?? 0;
      say("const off = api.events.on('retry', ({ attempt, delay, reason }) => ...) prints each retry as [retry].");
      const off = watchRetries(api);
      try {
        say('The defaults: 3 retries of GET, HEAD, OPTIONS, PUT and DELETE on 408, 429, 500, 502, 503 and 504 or a');
        say(
          'network error, after a random wait below 200 ms, 400 ms, 800 ms. The demo uses baseDelay: 20 to be quick.',
        );
        say();

        say('GET /flaky (503, 503, 200) with { retry: { baseDelay: 20 } }:');
        let before = seen('GET /flaky');
        const flaky = await api.get('/flaky', { retry: { baseDelay: 20 } });
        say(`-> ${flaky.status} ${JSON.stringify(flaky.data)}, one call for the caller`);
        show('response.config.axle.attempt', `${flaky.config.axle.attempt} (the attempt that succeeded)`);
        show('requests the server saw', seen('GET /flaky') - before);

        say('GET /status/503 (always 503) with { retry: { retries: 1, baseDelay: 20 } }:');
        before = seen('GET /status/:code');
        const down = await failureOf(api.get('/status/503', { retry: { retries: 1, baseDelay: 20 } }));
        say(
          `-> ${down.name} (${down.status}) from attempt ${down.config.axle.attempt}: out of retries, the last error is thrown`,
        );
        show('requests the server saw', seen('GET /status/:code') - before);
        say();

        say('POST is not idempotent: sent twice, it could place two orders. POST /orders fails the first attempt of');
        say('each order, and can only tell a repeat from a new order by its Idempotency-Key.');
        before = seen('POST /orders');
        const lost = await failureOf(api.post('/orders', { book: 7, copies: 1 }));
        say('api.post(/orders, order)');
        say(`-> ${lost.name} (${lost.status}), not retried: the server saw ${seen('POST /orders') - before} request`);
        show('server said', lost.response.data.message);
        say('api.post(/orders, order, { retry: { idempotencyKey: true, baseDelay: 20 } })');
        before = seen('POST /orders');
        const placed = await api.post(
          '/orders',
          { book: 7, copies: 1 },
          { retry: { idempotencyKey: true, baseDelay: 20 } },
        );
        const sentKey = placed.config.headers.get('Idempotency-Key');
        say(
          `-> ${placed.status} on attempt ${placed.config.axle.attempt}; the server saw ${seen('POST /orders') - before} requests`,
        );
        show('data', placed.data);
        show(
          'same key on every attempt',
          `${placed.data.idempotencyKey === sentKey && placed.data.attempts === 2} (the server got ${sentKey} ${placed.data.attempts} times)`,
        );
        say();

        say('GET /busy answers 429 with Retry-After: 1, then 200. With the default retry:');
        before = seen('GET /busy');
        let started = performance.now();
        const busy = await api.get('/busy');
        say(
          `-> ${busy.status} on attempt ${busy.config.axle.attempt} after ${ms(performance.now() - started)}: ` +
            "the wait was the server's Retry-After, not axle's backoff",
        );
        show('requests the server saw', seen('GET /busy') - before);

        say(
          'GET /status/429?retry_after=3600: an hour is more than maxRetryAfter (default 60000 ms), so no wait at all:',
        );
        before = seen('GET /status/:code');
        started = performance.now();
        const limited = await failureOf(api.get('/status/429?retry_after=3600'));
        say(
          `-> ${limited.name} after ${ms(performance.now() - started)}, isRateLimitError: ${isRateLimitError(limited)}`,
        );
        show('err.retryAfter', `${limited.retryAfter} (seconds: yours to act on, e.g. schedule the job for later)`);
        show('requests the server saw', seen('GET /status/:code') - before);
      } finally {
        off();
      }
    },
  },

  {
    title: 'Middleware: code around every call',
    why: 'Middleware is `async (config, next) => response`; it wraps the network call. This one times each request.',
    async run(ctx) {
      /** @type {import('@axle/core').Middleware} */
      const timing = async (config, next) => {
        const started = performance.now();
        try {
          const response = await next(config);
          say(`[timing] ${describeRequest(config)} -> ${response.status} in ${ms(performance.now() - started)}`, '  ');
          return response;
        } catch (error) {
          const what = isClientError(error) ? error.name : String(error);
          say(`[timing] ${describeRequest(config)} -> ${what} in ${ms(performance.now() - started)}`, '  ');
          throw error;
        }
      };
      const timed = ctx.api.extend({ middleware: [timing] });
      ctx.others.push(timed);
      say('const timed = api.extend({ middleware: [timing] })');
      await timed.get('/books/2');
      await timed.get('/slow');
      await failureOf(timed.get('/books/999'));
      say('Middleware sees typed errors too (the 404 above reached it as a NotFoundError).');
    },
  },

  {
    title: 'Timeouts: one per phase, and a deadline over every attempt',
    why: "A number keeps axios's meaning; { connect, response, read, write, total } limits each phase with its own error.",
    async run({ api, server }) {
      say('retry: false on the first two: a GET that times out is retried by default, which would repeat it 3 times.');
      say('GET /slow (answers after ~200 ms) with { timeout: 100, retry: false }, the number form:');
      const err = await failureOf(api.get('/slow', { timeout: 100, retry: false }));
      say(`-> ${err.name} (isTimeoutError: ${isTimeoutError(err)}, code ${err.code})`);
      show('err.message', err.message);

      say('GET /slow with { timeout: { response: 100 }, retry: false }: 100 ms from sending to the response headers:');
      const read = await failureOf(api.get('/slow', { timeout: { response: 100 }, retry: false }));
      say(
        `-> ${read.name} (instanceof ReadTimeoutError ${read instanceof ReadTimeoutError}, ` +
          `TimeoutError ${read instanceof TimeoutError}, code ${read.code})`,
      );
      show('err.message', read.message);
      say('(connect, read and write give ConnectTimeoutError, ReadTimeoutError and WriteTimeoutError the same way)');
      say();

      say('total bounds the whole call: every attempt and every wait. GET /status/503 (always 503) with');
      say(
        '{ timeout: { total: 300 }, retry: { retries: 10, delay: () => 200 } } (a fixed wait, for a repeatable run):',
      );
      const off = watchRetries(api);
      const before = server.stats.routes['GET /status/:code'] ?? 0;
      const started = performance.now();
      const late = await failureOf(
        api.get('/status/503', { timeout: { total: 300 }, retry: { retries: 10, delay: () => 200 } }),
      ).finally(off);
      const elapsed = performance.now() - started;
      const attempts = (server.stats.routes['GET /status/:code'] ?? 0) - before;
      say(`-> ${late.name} after ${ms(elapsed)} (isTimeoutError: ${isTimeoutError(late)})`);
      show('err.message', late.message);
      show('err.cause', `${late.cause.name} (${late.cause.status}), the last attempt's error`);
      show('requests the server saw', attempts);
      say(`Attempt ${attempts} failed at ${ms(elapsed)}; attempt ${attempts + 1} could not begin before the deadline,`);
      say('so axle threw at once, with retries to spare. (The message says "exceeded": read it as "cannot be met".)');
    },
  },

  {
    title: 'Events: watch every request',
    why: "client.events.on('request' | 'response' | 'error' | 'retry', listener) sees each attempt; on() returns an unsubscribe.",
    async run({ api }) {
      const counts = { request: 0, response: 0, error: 0 };
      const unsubscribe = [
        api.events.on('request', () => {
          counts.request += 1;
        }),
        api.events.on('response', ({ config, response, attempt, durationMs }) => {
          counts.response += 1;
          say(
            `[response] ${describeRequest(config)} -> ${response.status} (attempt ${attempt}, ${ms(durationMs)})`,
            '  ',
          );
        }),
        api.events.on('error', ({ config, error, attempt, durationMs }) => {
          counts.error += 1;
          const what = isClientError(error) ? error.name : String(error);
          say(`[error]    ${describeRequest(config)} -> ${what} (attempt ${attempt}, ${ms(durationMs)})`, '  ');
        }),
      ];
      await api.get('/books/3');
      await api.get('/books/4');
      await failureOf(api.get('/books/999'));
      show('counted', counts);
      for (const off of unsubscribe) off();
      await api.get('/books/5');
      show('after unsubscribing and one more request', counts);
      say("Clients made with extend() share their parent's events: one listener sees all of them.");
    },
  },

  {
    title: 'Pagination: @axle/pagination',
    why: 'paginate(client, url, options) streams the items of every page; here it follows the `Link: <...>; rel="next"` headers of /books.',
    async run({ api, server }) {
      const before = server.stats.routes['GET /books'] ?? 0;
      const books = paginate(api, '/books', { strategy: 'link', perPage: 3 });
      say("const books = paginate(api, '/books', { strategy: 'link', perPage: 3 })");
      say('for await (const book of books): each item as soon as its page arrives');
      for await (const book of books) {
        say(`#${book.id} ${book.title}, ${book.author} (${book.year})   pagesFetched: ${books.pagesFetched}`, '  ');
      }
      show('books.pagesFetched', books.pagesFetched);
      show('books.totalCount', `${books.totalCount} (from the X-Total-Count header)`);
      show('requests the server saw', (server.stats.routes['GET /books'] ?? 0) - before);
      say('Breaking out of the loop requests no further page; .pages() gives whole pages, .toArray() every item.');
    },
  },

  {
    title: 'Circuit breaker: @axle/circuit-breaker',
    why: 'After repeated failures the breaker opens: requests fail at once, unsent, until a probe after resetTimeout succeeds.',
    async run({ server }) {
      const breaker = circuitBreaker({ failureThreshold: 3, resetTimeout: 500 });
      const guarded = createClient({ baseURL: server.url, retry: false, plugins: [breaker] });
      say('const breaker = circuitBreaker({ failureThreshold: 3, resetTimeout: 500 });');
      say('const guarded = createClient({ baseURL, retry: false, plugins: [breaker] });');
      say('(retry: false so that each 503 counts once: with retries, each attempt is a call to the breaker)');
      for (const event of ['breaker:open', 'breaker:half-open', 'breaker:close']) {
        guarded.events.on(event, ({ from, to, reason }) => say(`[${event}] ${from} -> ${to} (${reason})`, '  '));
      }
      const seen = () => server.stats.routes['GET /outage'] ?? 0;
      const call = async (label) => {
        try {
          const response = await guarded.get('/outage');
          say(`${label}: ${response.status} ${JSON.stringify(response.data)}, breaker.state ${breaker.state}`, '  ');
        } catch (err) {
          if (isServerError(err)) say(`${label}: ${err.name} (${err.status}), breaker.state ${breaker.state}`, '  ');
          else if (isCircuitBreakerOpenError(err)) {
            say(`${label}: ${err.name} (${err.code}), state ${err.state}, nothing sent`, '  ');
            show('err.message', err.message, '    ');
          } else throw err;
        }
      };
      try {
        say('GET /outage is down for its first 3 calls, then recovers. Four calls in a row:');
        for (let n = 1; n <= 4; n++) await call(`call ${n}`);
        show('requests the server saw', `${seen()} (the 4th call never left the client)`);
        say('Waiting 550 ms (resetTimeout 500), then probing: successThreshold (default 2) successes close it.');
        await sleep(550);
        for (let n = 1; n <= 2; n++) await call(`probe ${n}`);
        show('requests the server saw', seen());
        const { failureCount, successCount, rejectedCount } = breaker.metrics;
        show('breaker.metrics', { failureCount, successCount, rejectedCount });
      } finally {
        await guarded.close();
      }
    },
  },

  {
    title: 'Client-side rate limiting: @axle/rate-limit',
    why: "rateLimit() queues requests so that the client stays under a rate, instead of meeting the server's 429s.",
    async run({ server }) {
      const limiter = rateLimit({ maxRequests: 5, timeWindow: 1000, strategy: 'sliding_window' });
      const limited = createClient({ baseURL: server.url, plugins: [limiter] });
      say("const limiter = rateLimit({ maxRequests: 5, timeWindow: 1000, strategy: 'sliding_window' });");
      say('(sliding_window: at most 5 in any second as the server sees them; the default token bucket refills');
      say('gradually, so it would let a sixth request through 200 ms after the first five)');
      const status = () => {
        const { limit, remaining, queued, running, resetAt } = limiter.status();
        return `{ limit: ${limit}, remaining: ${remaining}, queued: ${queued}, running: ${running}, resetAt: in ${ms(resetAt - Date.now())} }`;
      };
      try {
        say('Ten GET /echo at once, with Promise.all:');
        const started = Date.now();
        const pending = Promise.all(
          Array.from({ length: 10 }, (_, i) => limited.get('/echo', { params: { n: i + 1 } })),
        );
        await sleep(100);
        show('limiter.status() after 100 ms', status());
        const responses = await pending;
        const arrivals = responses.map((r) => r.data.receivedAt - started);
        say('When the server received each one (ms after the ten were sent):');
        say(arrivals.map((t, i) => `#${i + 1} +${Math.round(t)}`).join('  '), '  ');
        const early = arrivals.filter((t) => t < 1000).length;
        show('in the first second', `${early}, after it: ${arrivals.length - early}`);
        show('limiter.status() at the end', status());
      } finally {
        await limited.close();
      }
    },
  },

  {
    title: 'HTTP caching: @axle/cache',
    why: 'cache() keeps responses as RFC 9111 says (Cache-Control, ETag, Vary): a fresh hit sends nothing, a stale one is revalidated.',
    async run({ server }) {
      const responses = cache({ store: memoryStore({ maxEntries: 1000 }) });
      const cached = createClient({ baseURL: server.url, plugins: [responses] });
      say('const responses = cache({ store: memoryStore({ maxEntries: 1000 }) });');
      say('const cached = createClient({ baseURL, plugins: [responses] });');
      say('GET /genres answers Cache-Control: max-age=2 with an ETag, and 304 to a matching If-None-Match.');
      cached.events.on('cache:revalidated', ({ modified }) =>
        say(`[cache:revalidated] the server said ${modified ? '200 (changed)' : '304 Not Modified'}`, '  '),
      );
      const seen = () => server.stats.routes['GET /genres'] ?? 0;
      const get = async (label, config) => {
        const r = await cached.get('/genres', config);
        say(
          `${label}: ${r.status}, cached ${r.cached === true}, cacheAge ${r.cacheAge ?? 0} s; server saw ${seen()}`,
          '  ',
        );
      };
      try {
        await get('first GET (a miss: stored)');
        await get('second GET (fresh: nothing sent)');
        await get("third GET with { cache: 'no-cache' } (revalidated)", { cache: 'no-cache' });
        say('GET /categories answers 301 to /genres, cacheable for 60 s. Each redirect hop goes through the cache:');
        for (const label of ['first', 'second']) {
          const r = await cached.get('/categories');
          const hop = r.redirects[0];
          say(
            `${label} GET /categories: ${hop.status} → ${new URL(hop.location).pathname} ${r.status}, cached ${r.cached === true}; ` +
              `server saw /categories ${server.stats.routes['GET /categories'] ?? 0}, /genres ${seen()}`,
            '  ',
          );
        }
        say('Waiting 2.1 s, until the stored response is stale...');
        await sleep(2_100);
        await get('fourth GET (stale: revalidated with If-None-Match)');
        const { hits, misses, hitRate, size } = responses.stats();
        show('responses.stats()', { hits, misses, hitRate: Number(hitRate.toFixed(2)), size });
      } finally {
        await cached.close();
      }
    },
  },

  {
    title: 'OAuth 2.0: @axle/oauth2',
    why: 'oauth2() gets tokens from the token endpoint, attaches them, refreshes them before they expire, and replays once on invalid_token.',
    async run({ server }) {
      const { id, secret, lifetimeSeconds } = server.oauthClient;
      const auth = oauth2({
        flow: 'client_credentials',
        tokenUrl: `${server.url}/oauth/token`,
        clientId: id,
        clientSecret: secret,
        scope: 'reports:read',
        refreshSkew: 500,
      });
      const reports = createClient({ baseURL: server.url, plugins: [auth] });
      say(
        "const auth = oauth2({ flow: 'client_credentials', tokenUrl, clientId, clientSecret, scope: 'reports:read' });",
      );
      say('const reports = createClient({ baseURL, plugins: [auth] });');
      say(`(the demo's tokens live ${lifetimeSeconds} s; refreshSkew 500 ms renews them half a second early)`);
      reports.events.on('oauth2:token', ({ grantType, expiresAt }) =>
        say(`[oauth2:token] via ${grantType}, expires in ${ms(expiresAt - Date.now())}`, '  '),
      );
      const tokenRequests = () => server.stats.routes['POST /oauth/token'] ?? 0;
      try {
        say('Five GET /reports at once, before any token exists:');
        const five = await Promise.all(Array.from({ length: 5 }, () => reports.get('/reports')));
        show('statuses', five.map((r) => r.status).join(', '));
        show('token requests', `${tokenRequests()} (one, shared by the five)`);
        say(`Waiting ${lifetimeSeconds} s: the token is about to expire, so the next request renews it first.`);
        await sleep(lifetimeSeconds * 1000);
        const later = await reports.get('/reports');
        show('GET /reports', `${later.status}, served with token number ${later.data.tokenNumber}`);
        show('token requests', tokenRequests());
      } finally {
        await reports.close();
      }
    },
  },

  {
    title: 'extend(): a sub-client with extra headers',
    why: "extend() makes a client with options merged over its parent's; it shares the parent's connections and events.",
    async run(ctx) {
      const tenant = ctx.api.extend({ headers: { 'X-Tenant': 'north-library' } });
      ctx.others.push(tenant);
      say("const tenant = api.extend({ headers: { 'X-Tenant': 'north-library' } })");
      const fromTenant = (await tenant.get('/echo')).data.headers;
      const fromApi = (await ctx.api.get('/echo')).data.headers;
      show('tenant sends', `x-tenant: ${fromTenant['x-tenant']}, x-app: ${fromTenant['x-app']} (inherited)`);
      show('api sends   ', `x-tenant: ${fromApi['x-tenant'] ?? '(not sent)'}, x-app: ${fromApi['x-app']}`);
    },
  },

  {
    title: 'close(): release the connections',
    why: 'close() frees keep-alive sockets and plugin resources; afterwards every request fails with ERR_CLIENT_CLOSED.',
    async run({ api, server, others }) {
      const seenBefore = server.stats.total;
      await api.close();
      say('await api.close()');
      show('api.closed', api.closed);
      show(
        'clients made with api.extend() are closed with it',
        others.every((client) => client.closed),
      );
      const err = await failureOf(api.get('/books/1'));
      say('api.get(/books/1) after close');
      say(`-> ${err.name}, code ${err.code}`);
      show('err.message', err.message);
      const lateErr = await failureOf(others[0].get('/me'));
      show('a sub-client after close', `${lateErr.name}, code ${lateErr.code}`);
      show('requests that reached the server after close', server.stats.total - seenBefore);
    },
  },
];

// ---------------------------------------------------------------------------------------------------

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`\nThe demo is stuck (no end after ${WATCHDOG_MS / 1000} s); exiting.`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  const server = await startDemoApi();
  /** @type {DemoContext} */
  const ctx = { server, api: /** @type {AxleInstance} */ (/** @type {unknown} */ (undefined)), others: [] };
  console.log(`axle demo: @axle/core ${VERSION} against a local books API at ${server.url}`);
  console.log('Each section says what a feature is for, then shows what happened.');
  try {
    for (const [index, section] of sections.entries()) {
      console.log(`\n${index + 1}. ${section.title}`);
      say(section.why);
      say();
      await section.run(ctx);
    }

    console.log('\nWhat the server saw');
    say(`${server.stats.total} requests in all:`);
    for (const [route, count] of Object.entries(server.stats.routes))
      say(`${String(count).padStart(3)}  ${route}`, '  ');
    say(
      `by status: ${Object.entries(server.stats.statuses)
        .map(([status, count]) => `${status} x${count}`)
        .join(', ')}`,
    );
  } finally {
    if (ctx.api !== undefined && !ctx.api.closed) await ctx.api.close();
    await server.close();
    clearTimeout(watchdog);
  }
  console.log('\nDone: the API is stopped and the client closed, so the process exits on its own.');
}

main().catch((error) => {
  console.error('\nThe demo failed:');
  console.error(error);
  process.exitCode = 1;
});
