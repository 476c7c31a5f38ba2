import type http from 'node:http';
import { startServer, type TestServer } from '../../../test-support/http-server';

export interface Answer {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string;
  delay?: number;
  /** Closes the connection without an answer. */
  destroy?: boolean;
}

/** What a route answers, computed per request (`n`: how many requests the path has had). */
export type Route = (req: http.IncomingMessage, n: number) => Answer;

/** A local origin whose routes each test sets; counts requests per path. */
export interface Origin {
  readonly url: string;
  readonly server: TestServer;
  /** Sets what `path` answers (replacing what it answered before). */
  route(path: string, route: Route): void;
  /** Requests `path` received (query included in the path). */
  hits(path: string): number;
  /** The last request `path` received. */
  last(path: string): http.IncomingMessage | undefined;
  close(): Promise<void>;
}

export async function startOrigin(): Promise<Origin> {
  const routes = new Map<string, Route>();
  const counts = new Map<string, number>();
  const lasts = new Map<string, http.IncomingMessage>();
  const server = await startServer((req, res) => {
    const path = req.url ?? '/';
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    lasts.set(path, req);
    const route = routes.get(path) ?? routes.get(path.split('?')[0] as string);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no route');
      return;
    }
    const answer = route(req, n);
    if (answer.destroy) {
      req.socket.destroy();
      return;
    }
    const send = () => {
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? JSON.stringify({ path, n }));
    };
    if (answer.delay) setTimeout(send, answer.delay);
    else send();
  });
  return {
    url: server.url,
    server,
    route: (path, route) => {
      routes.set(path, route);
    },
    hits: (path) => counts.get(path) ?? 0,
    last: (path) => lasts.get(path),
    close: () => server.close(),
  };
}

/** Moves `Date.now()` forward by `ms` (http-cache-semantics reads the clock through it). */
export function advanceClock(ms: number): void {
  const now = Date.now();
  jest.spyOn(Date, 'now').mockReturnValue(now + ms);
}
