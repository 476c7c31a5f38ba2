/**
 * A small, deliberately imperfect "books" API for the axle demo, served by node:http on the loopback
 * interface. Everything is deterministic, so the demo prints the same story on every run:
 *
 *   GET  /books?page=N&per_page=M   paginated catalogue: body { items, page, per_page, total }, `Link` header (rel="next")
 *   GET  /books/:id                 one book, or 404 with a JSON error body
 *   POST /books                     echoes the JSON book back with an id: 201 and a `Location` header (nothing is stored)
 *   GET  /flaky                     503 for the first 2 calls of every 3, then 200 (2 failures, 1 success, repeat)
 *   GET  /busy                      429 with `Retry-After: 1` to every other call (1st, 3rd, ...), 200 to the others
 *   GET  /status/:code?retry_after=N always answers `code` (400-599), with `Retry-After: N` when retry_after is given
 *   POST /orders                    the first attempt of each order gets 503; a repeat with the same `Idempotency-Key`
 *                                   gets 201 and the order, echoing the key (without a key, every POST is a new order)
 *   GET  /outage                    503 to the first 3 calls (an outage), 200 to every call after (recovered)
 *   GET  /limited                   token bucket (3 tokens, 1 token per second): 429 with `Retry-After: 1` when empty
 *   GET  /me                        needs `Authorization: Bearer demo-token`, 401 otherwise
 *   GET  /slow?ms=200               answers after ~200 ms
 *   GET  /echo                      returns the method, path, query and headers the server received, and
 *                                   receivedAt (epoch ms, fractional: when the request arrived)
 *   POST /oauth/token               OAuth2 client credentials grant (client_secret_basic with `oauthClient`); tokens
 *                                   live 2 s
 *   GET  /reports                   needs a live token from /oauth/token; 401 with `WWW-Authenticate: Bearer
 *                                   error="invalid_token"` otherwise
 *   GET  /genres                    `Cache-Control: max-age=2` and an ETag; 304 to a matching If-None-Match
 *   GET  /categories                301 to /genres, `Cache-Control: max-age=60` (the old name of the list)
 *   GET  /loans/feed                server-sent events: three events (one with a comment, one with two data lines)
 *   GET  /export.ndjson             every book as one JSON line
 *
 * Every error body has the same shape: { error: 'not_found', message: 'No book with id 999' }.
 *
 * @example
 * ```js
 * import { startDemoApi } from './api-server.mjs';
 *
 * const api = await startDemoApi();
 * const response = await fetch(`${api.url}/books/1`);
 * console.log(await response.json(), api.stats.total);
 * await api.close();
 * ```
 */
import http from 'node:http';

/**
 * @typedef {{ id: number, title: string, author: string, year: number }} Book
 *
 * @typedef {object} DemoApiStats  Request counters, updated live as the server answers.
 * @property {number} total                    every request the server received
 * @property {Record<string, number>} routes   by route, e.g. { 'GET /books/:id': 3 }
 * @property {Record<string, number>} statuses by status code, e.g. { '200': 10, '404': 2 }
 *
 * @typedef {object} DemoApi
 * @property {string} url               base URL, e.g. http://127.0.0.1:54321 (no trailing slash)
 * @property {() => Promise<void>} close stops the server and drops open connections; safe to call twice
 * @property {DemoApiStats} stats
 * @property {{ id: string, secret: string, lifetimeSeconds: number }} oauthClient the OAuth2 client /oauth/token knows
 *
 * @typedef {object} DemoApiOptions
 * @property {number} [port]                   default 0: any free port
 * @property {string} [token]                  the bearer token /me accepts; default 'demo-token'
 * @property {number} [flakyFailures]          failures at the start of each /flaky cycle; default 2
 * @property {number} [flakyCycle]             length of a /flaky cycle; default 3
 * @property {number} [busyRetryAfter]         the `Retry-After` (seconds) of /busy's 429s; default 1
 * @property {number} [outageFailures]         503s GET /outage answers before it recovers; default 3
 * @property {number} [orderFailures]          503s each order (each Idempotency-Key) gets first on POST /orders; default 1
 * @property {number} [rateLimitCapacity]      /limited bucket size; default 3
 * @property {number} [rateLimitRefillPerSecond] /limited refill rate; default 1
 * @property {number} [slowMs]                 default delay of /slow; default 200
 */

/** @type {readonly Book[]} */
export const BOOKS = Object.freeze([
  { id: 1, title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969 },
  { id: 2, title: 'Kindred', author: 'Octavia E. Butler', year: 1979 },
  { id: 3, title: 'Neuromancer', author: 'William Gibson', year: 1984 },
  { id: 4, title: 'Hyperion', author: 'Dan Simmons', year: 1989 },
  { id: 5, title: 'The Fifth Season', author: 'N. K. Jemisin', year: 2015 },
  { id: 6, title: 'Ancillary Justice', author: 'Ann Leckie', year: 2013 },
  { id: 7, title: 'Piranesi', author: 'Susanna Clarke', year: 2020 },
]);

const DEFAULT_PER_PAGE = 3;
const MAX_PER_PAGE = 100;
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Starts the demo API on 127.0.0.1.
 *
 * @param {DemoApiOptions} [options]
 * @returns {Promise<DemoApi>}
 */
export async function startDemoApi(options = {}) {
  const {
    port = 0,
    token = 'demo-token',
    flakyFailures = 2,
    flakyCycle = 3,
    busyRetryAfter = 1,
    orderFailures = 1,
    outageFailures = 3,
    rateLimitCapacity = 3,
    rateLimitRefillPerSecond = 1,
    slowMs = 200,
  } = options;

  /** @type {DemoApiStats} */
  const stats = { total: 0, routes: {}, statuses: {} };
  const timers = new Set();
  let flakyCalls = 0;
  let busyCalls = 0;
  let outageCalls = 0;
  /** POST /orders: attempts and the created order, by Idempotency-Key. */
  const orders = new Map();
  let nextOrderId = 1;
  const bucket = { tokens: rateLimitCapacity, updatedAt: performance.now() };
  let baseUrl = '';

  /** Sends a JSON body and counts the status. */
  const send = (res, status, body, headers = {}) => {
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };
  const fail = (res, status, error, message, headers) => send(res, status, { error, message }, headers);

  const count = (route) => {
    stats.routes[route] = (stats.routes[route] ?? 0) + 1;
  };

  /** GET /books: one page of the catalogue, with RFC 8288 `Link` headers to its neighbours. */
  const listBooks = (res, query) => {
    const page = positiveInt(query.get('page') ?? '1');
    const perPage = positiveInt(query.get('per_page') ?? String(DEFAULT_PER_PAGE));
    if (page === undefined || perPage === undefined || perPage > MAX_PER_PAGE) {
      fail(res, 400, 'bad_request', `page must be 1 or more and per_page 1 to ${MAX_PER_PAGE}`);
      return;
    }
    const total = BOOKS.length;
    const lastPage = Math.max(1, Math.ceil(total / perPage));
    const items = BOOKS.slice((page - 1) * perPage, page * perPage);
    const link = (n, rel) => `<${baseUrl}/books?page=${n}&per_page=${perPage}>; rel="${rel}"`;
    const links = [link(1, 'first')];
    if (page > 1) links.push(link(Math.min(page - 1, lastPage), 'prev'));
    if (page < lastPage) links.push(link(page + 1, 'next'));
    links.push(link(lastPage, 'last'));
    send(res, 200, { items, page, per_page: perPage, total }, { Link: links.join(', '), 'X-Total-Count': total });
  };

  /** POST /books: validates and echoes the book with a new id. The catalogue is not changed. */
  const createBook = async (req, res) => {
    const type = String(req.headers['content-type'] ?? '');
    if (!type.startsWith('application/json')) {
      fail(res, 415, 'unsupported_media_type', `expected application/json, got ${type || 'no content type'}`);
      return;
    }
    let text;
    try {
      text = await readBody(req);
    } catch (error) {
      fail(res, 413, 'too_large', error instanceof Error ? error.message : String(error), { Connection: 'close' });
      return;
    }
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      fail(res, 400, 'invalid_json', 'the request body is not valid JSON');
      return;
    }
    if (body === null || typeof body !== 'object' || typeof body.title !== 'string' || body.title === '') {
      fail(res, 422, 'invalid_book', 'a book needs a non-empty "title"');
      return;
    }
    const id = BOOKS.length + 1;
    send(res, 201, { ...body, id }, { Location: `${baseUrl}/books/${id}` });
  };

  /** GET /flaky: a deterministic outage, `flakyFailures` 503s then a success, every `flakyCycle` calls. */
  const flaky = (res) => {
    flakyCalls += 1;
    const position = (flakyCalls - 1) % flakyCycle;
    if (position < flakyFailures) {
      fail(res, 503, 'unavailable', `flaky failure ${position + 1} of ${flakyFailures} (call ${flakyCalls})`);
      return;
    }
    send(res, 200, { ok: true, call: flakyCalls });
  };

  /** GET /busy: a deterministic rate limit, 429 with `Retry-After` to every other call, starting with the first. */
  const busy = (res) => {
    busyCalls += 1;
    if (busyCalls % 2 === 1) {
      fail(res, 429, 'rate_limited', `busy (call ${busyCalls}); try again in ${busyRetryAfter} s`, {
        'Retry-After': busyRetryAfter,
      });
      return;
    }
    send(res, 200, { ok: true, call: busyCalls });
  };

  /** GET /outage: an upstream that is down for its first `outageFailures` calls, then up for good. */
  const outage = (res) => {
    outageCalls += 1;
    if (outageCalls <= outageFailures) {
      fail(res, 503, 'unavailable', `down (call ${outageCalls} of the ${outageFailures}-call outage)`);
      return;
    }
    send(res, 200, { ok: true, call: outageCalls, recovered: true });
  };

  /** GET /status/:code: always that status, with `Retry-After` when the query has `retry_after`. */
  const status = (res, codeText, query) => {
    const code = Number(codeText);
    if (!/^\d{3}$/.test(codeText) || code < 400 || code > 599) {
      fail(res, 400, 'bad_request', `/status/:code takes a status from 400 to 599, got ${codeText}`);
      return;
    }
    const retryAfter = query.get('retry_after');
    if (retryAfter !== null && positiveInt(retryAfter) === undefined && retryAfter !== '0') {
      fail(res, 400, 'bad_request', `retry_after must be a whole number of seconds, got ${retryAfter}`);
      return;
    }
    const headers = retryAfter === null ? {} : { 'Retry-After': retryAfter };
    fail(res, code, `status_${code}`, `answered ${code}, as the URL asked`, headers);
  };

  /**
   * POST /orders: an order service whose first attempt at each order fails (as if the order was lost
   * on the way back). The server knows a repeat only by its `Idempotency-Key`: a repeat gets 201 and
   * the order, and later repeats get the same order again, never a second one.
   */
  const createOrder = async (req, res) => {
    let text;
    try {
      text = await readBody(req);
    } catch (error) {
      fail(res, 413, 'too_large', error instanceof Error ? error.message : String(error), { Connection: 'close' });
      return;
    }
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      fail(res, 400, 'invalid_json', 'the request body is not valid JSON');
      return;
    }
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') {
      fail(
        res,
        503,
        'unavailable',
        'order not taken (no Idempotency-Key, so this is a new order, and a first attempt)',
      );
      return;
    }
    const entry = orders.get(key) ?? { attempts: 0, order: undefined };
    orders.set(key, entry);
    entry.attempts += 1;
    if (entry.order === undefined && entry.attempts <= orderFailures) {
      fail(res, 503, 'unavailable', `order not taken (attempt ${entry.attempts} with Idempotency-Key ${key})`);
      return;
    }
    entry.order ??= { id: nextOrderId++, ...body };
    send(res, 201, { order: entry.order, idempotencyKey: key, attempts: entry.attempts });
  };

  /**
   * GET /limited: a token bucket. `X-RateLimit-Reset` is the number of seconds until the bucket is
   * full again (a delta, like the IETF RateLimit headers; some APIs send an epoch time instead).
   */
  const limited = (res) => {
    const now = performance.now();
    bucket.tokens = Math.min(
      rateLimitCapacity,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * rateLimitRefillPerSecond,
    );
    bucket.updatedAt = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const headers = {
      'X-RateLimit-Limit': rateLimitCapacity,
      'X-RateLimit-Remaining': Math.floor(bucket.tokens),
      'X-RateLimit-Reset': Math.ceil((rateLimitCapacity - bucket.tokens) / rateLimitRefillPerSecond),
    };
    if (!allowed) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / rateLimitRefillPerSecond));
      fail(res, 429, 'rate_limited', `limit of ${rateLimitCapacity} requests exceeded; try again later`, {
        ...headers,
        'Retry-After': retryAfter,
      });
      return;
    }
    send(res, 200, { ok: true, remaining: headers['X-RateLimit-Remaining'] }, headers);
  };

  /** GET /me: bearer-token authentication. */
  const me = (req, res) => {
    const authorization = req.headers.authorization;
    const challenge = { 'WWW-Authenticate': 'Bearer realm="axle-demo"' };
    if (authorization === undefined) {
      fail(res, 401, 'unauthorized', 'missing Authorization header (expected a bearer token)', challenge);
    } else if (authorization !== `Bearer ${token}`) {
      fail(res, 401, 'unauthorized', 'invalid bearer token', challenge);
    } else {
      send(res, 200, { id: 'u-1', name: 'Demo Reader', scopes: ['books:read'] });
    }
  };

  /** GET /slow: answers after `ms` milliseconds; gives up quietly if the client disconnects first. */
  const slow = (res, query) => {
    const ms = Math.min(positiveInt(query.get('ms') ?? '') ?? slowMs, 10_000);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) send(res, 200, { ok: true, waitedMs: ms });
    }, ms);
    timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  /** OAuth2 client credentials for the demo's token endpoint (demo values, not secrets of anyone). */
  const oauthClient = { id: 'demo-client', secret: 'demo-client-secret', lifetimeSeconds: 2 };
  /** access token -> expiry (ms since the epoch). */
  const accessTokens = new Map();
  let tokensIssued = 0;

  /** POST /oauth/token: the client credentials grant, client_secret_basic (RFC 6749 section 4.4). */
  const issueToken = async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [id, secret] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [];
    if (id !== oauthClient.id || secret !== oauthClient.secret) {
      send(res, 401, { error: 'invalid_client', error_description: 'unknown client or wrong secret' });
      return;
    }
    if (form.get('grant_type') !== 'client_credentials') {
      send(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    tokensIssued += 1;
    const accessToken = `demo-at-${tokensIssued}-${Math.random().toString(36).slice(2, 10)}`;
    accessTokens.set(accessToken, Date.now() + oauthClient.lifetimeSeconds * 1000);
    send(
      res,
      200,
      {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: oauthClient.lifetimeSeconds,
        scope: form.get('scope') ?? 'reports:read',
      },
      { 'Cache-Control': 'no-store' },
    );
  };

  /** GET /reports: needs a live token from /oauth/token. */
  const reports = (req, res) => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const expiresAt = match ? accessTokens.get(match[1]) : undefined;
    if (expiresAt === undefined || expiresAt <= Date.now()) {
      fail(res, 401, 'unauthorized', 'missing, unknown or expired access token', {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
      return;
    }
    send(res, 200, { report: 'monthly loans', tokenNumber: Number(match[1].split('-')[2]) });
  };

  /** GET /genres: cacheable for 2 s, with an ETag, answering If-None-Match with 304. */
  const genresBody = JSON.stringify({ genres: ['science fiction', 'fantasy', 'mystery'] });
  const genresEtag = '"genres-v1"';
  const genres = (req, res) => {
    const headers = { 'Cache-Control': 'max-age=2', ETag: genresEtag };
    if (req.headers['if-none-match'] === genresEtag) {
      stats.statuses[304] = (stats.statuses[304] ?? 0) + 1;
      res.writeHead(304, headers);
      res.end();
      return;
    }
    send(res, 200, JSON.parse(genresBody), headers);
  };

  /** GET /loans/feed: server-sent events, three loans then the end of the stream. */
  const loanFeed = (res) => {
    stats.statuses[200] = (stats.statuses[200] ?? 0) + 1;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    const events = [
      'id: 1\nevent: loan\ndata: {"book":1,"reader":"ann"}\n\n',
      ': a comment line, which clients ignore\n\nid: 2\nevent: loan\ndata: {"book":3,"reader":"bob"}\n\n',
      'id: 3\nevent: return\ndata: {"book":1,\ndata: "reader":"ann"}\n\n',
    ];
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i === events.length) {
        res.end();
        return;
      }
      res.write(events[i]);
      i += 1;
      const timer = setTimeout(() => {
        timers.delete(timer);
        next();
      }, 20);
      timers.add(timer);
    };
    next();
  };

  /** GET /export.ndjson: every book as one JSON line, chunked. */
  const exportBooks = (res) => {
    stats.statuses[200] = (stats.statuses[200] ?? 0) + 1;
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (const book of BOOKS) res.write(`${JSON.stringify(book)}\n`);
    res.end();
  };

  const handle = async (req, res) => {
    const receivedAt = performance.timeOrigin + performance.now();
    stats.total += 1;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const bookMatch = /^\/books\/([^/]+)$/.exec(path);
    const statusMatch = /^\/status\/([^/]+)$/.exec(path);

    if (method === 'GET' && path === '/books') {
      count('GET /books');
      listBooks(res, url.searchParams);
    } else if (method === 'POST' && path === '/books') {
      count('POST /books');
      await createBook(req, res);
    } else if (method === 'GET' && bookMatch) {
      count('GET /books/:id');
      const book = BOOKS.find((b) => String(b.id) === bookMatch[1]);
      if (book) send(res, 200, book);
      else fail(res, 404, 'not_found', `No book with id ${bookMatch[1]}`);
    } else if (method === 'GET' && path === '/flaky') {
      count('GET /flaky');
      flaky(res);
    } else if (method === 'GET' && path === '/busy') {
      count('GET /busy');
      busy(res);
    } else if (method === 'GET' && statusMatch) {
      count('GET /status/:code');
      status(res, statusMatch[1], url.searchParams);
    } else if (method === 'POST' && path === '/orders') {
      count('POST /orders');
      await createOrder(req, res);
    } else if (method === 'GET' && path === '/outage') {
      count('GET /outage');
      outage(res);
    } else if (method === 'GET' && path === '/limited') {
      count('GET /limited');
      limited(res);
    } else if (method === 'GET' && path === '/me') {
      count('GET /me');
      me(req, res);
    } else if (method === 'GET' && path === '/slow') {
      count('GET /slow');
      slow(res, url.searchParams);
    } else if (method === 'POST' && path === '/oauth/token') {
      count('POST /oauth/token');
      await issueToken(req, res);
    } else if (method === 'GET' && path === '/reports') {
      count('GET /reports');
      reports(req, res);
    } else if (method === 'GET' && path === '/genres') {
      count('GET /genres');
      genres(req, res);
    } else if (method === 'GET' && path === '/categories') {
      count('GET /categories');
      send(res, 301, undefined, { Location: '/genres', 'Cache-Control': 'max-age=60' });
    } else if (method === 'GET' && path === '/loans/feed') {
      count('GET /loans/feed');
      loanFeed(res);
    } else if (method === 'GET' && path === '/export.ndjson') {
      count('GET /export.ndjson');
      exportBooks(res);
    } else if (path === '/echo') {
      count(`${method} /echo`);
      send(res, 200, {
        method,
        path,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        receivedAt,
      });
    } else {
      count(`${method} (unknown route)`);
      fail(res, 404, 'not_found', `No route for ${method} ${path}`);
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) fail(res, 500, 'internal', error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('demo API: no TCP address after listen');
  baseUrl = `http://127.0.0.1:${address.port}`;

  /** @type {Promise<void> | undefined} */
  let closing;
  const close = () => {
    closing ??= new Promise((resolve, reject) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closing;
  };

  return { url: baseUrl, close, stats, oauthClient };
}

function positiveInt(text) {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 && Number.isSafeInteger(value) ? value : undefined;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
