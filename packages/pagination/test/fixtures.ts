import type http from 'node:http';
import { sendJson, startServer, type TestServer } from '../../../test-support/http-server';

/** One item of the test data set. */
export interface Item {
  id: number;
  name: string;
}

export const item = (id: number): Item => ({ id, name: `item-${id}` });

const range = (from: number, to: number): Item[] => {
  const out: Item[] = [];
  for (let id = from; id < to; id += 1) out.push(item(id));
  return out;
};

/** What the data server does; tests change it between walks. */
export interface DataServerState {
  /** Items in the data set. */
  total: number;
  /** Milliseconds added before each answer. */
  delayMs: number;
  /** The largest page the server gives, whatever was asked. */
  maxPageSize: number;
  /** Answers scripted per path, consumed first (status, or status and body). */
  script: Map<string, (number | [number, unknown])[]>;
}

/** A real server on 127.0.0.1 that pages a data set of `state.total` items in every common style. */
export interface DataServer extends TestServer {
  readonly state: DataServerState;
  /** Path and query of every request, in order. */
  seen(): string[];
  /** Resets what tests change. */
  reset(): void;
}

/**
 * Routes:
 * - `/offset?offset&limit` → `{ data, total }`; `/offset-bare` → the array alone, no total;
 *   `/offset-header` → the array alone with `X-Total-Count`;
 * - `/pages?page&per_page` (1-based) → `{ items, meta: { total } }`; `/pages0` counts from 0;
 * - `/cursor?cursor&limit` → `{ items, meta: { next_cursor } }`;
 * - `/link?page&per_page` → the array alone, with a relative `Link` next (and last) link.
 */
export async function startDataServer(initial: Partial<DataServerState> = {}): Promise<DataServer> {
  const defaults = (): DataServerState => ({
    total: 250,
    delayMs: 0,
    maxPageSize: Number.POSITIVE_INFINITY,
    script: new Map(),
    ...initial,
  });
  const state = defaults();
  const seen: string[] = [];
  const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    const size = (name: string, fallback: number): number =>
      Math.min(Number(q.get(name) ?? fallback) || fallback, state.maxPageSize);
    const scripted = state.script.get(url.pathname)?.shift();
    if (scripted !== undefined) {
      const [status, body] = Array.isArray(scripted) ? scripted : [scripted, { status: scripted }];
      sendJson(res, status, body);
      return;
    }
    switch (url.pathname) {
      case '/offset':
      case '/offset-bare':
      case '/offset-header': {
        const offset = Number(q.get('offset') ?? 0);
        const data = range(offset, Math.min(offset + size('limit', 100), state.total));
        if (url.pathname === '/offset') sendJson(res, 200, { data, total: state.total });
        else if (url.pathname === '/offset-bare') sendJson(res, 200, data);
        else sendJson(res, 200, data, { 'x-total-count': String(state.total) });
        return;
      }
      case '/pages':
      case '/pages0': {
        const base = url.pathname === '/pages' ? 1 : 0;
        const perPage = size('per_page', 30);
        const start = (Number(q.get('page') ?? base) - base) * perPage;
        sendJson(res, 200, {
          items: range(start, Math.min(start + perPage, state.total)),
          meta: { total: state.total },
        });
        return;
      }
      case '/cursor': {
        const start = q.has('cursor') ? Number(Buffer.from(q.get('cursor') ?? '', 'base64url').toString()) : 0;
        const end = Math.min(start + size('limit', 50), state.total);
        const next = end < state.total ? Buffer.from(String(end)).toString('base64url') : null;
        sendJson(res, 200, { items: range(start, end), meta: { next_cursor: next } });
        return;
      }
      case '/link': {
        const perPage = size('per_page', 30);
        const page = Number(q.get('page') ?? 1);
        const last = Math.max(1, Math.ceil(state.total / perPage));
        const links = [`</link?page=${last}&per_page=${perPage}>; rel="last"`];
        if (page < last) links.unshift(`</link?page=${page + 1}&per_page=${perPage}>; rel="next"`);
        const start = (page - 1) * perPage;
        sendJson(res, 200, range(start, Math.min(start + perPage, state.total)), { link: links.join(', ') });
        return;
      }
      default:
        sendJson(res, 404, { error: 'not found' });
    }
  };
  const server = await startServer((req, res) => {
    seen.push(req.url ?? '');
    if (state.delayMs > 0) setTimeout(() => answer(req, res), state.delayMs);
    else answer(req, res);
  });
  return Object.assign(server, {
    state,
    seen: () => [...seen],
    reset: () => {
      Object.assign(state, defaults());
      seen.length = 0;
    },
  });
}

/** Query of a seen request, as an object. */
export function queryOf(pathAndQuery: string): Record<string, string> {
  return Object.fromEntries(new URL(pathAndQuery, 'http://x').searchParams);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `done()` holds, checking every 5 ms; rejects after `ms` (a loaded machine is slow, not wrong). */
export async function until(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(5);
  }
}
