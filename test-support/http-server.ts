import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on 127.0.0.1 for tests, counting requests and TCP connections. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  /** Requests the server has seen, in order. */
  readonly requests: http.IncomingMessage[];
  /** Bodies of those requests, in the same order. */
  readonly bodies: string[];
  /** TCP connections accepted so far. */
  connections: number;
  /** Connections open right now. */
  readonly open: Set<import('node:net').Socket>;
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** Starts a server on 127.0.0.1 with `handler`; the body is read before the handler runs. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: http.IncomingMessage[] = [];
  const bodies: string[] = [];
  const open = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push(req);
      bodies.push(body);
      handler(req, res, body);
    });
  });
  const state = { connections: 0 };
  server.on('connection', (socket) => {
    state.connections += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    bodies,
    get connections() {
      return state.connections;
    },
    set connections(value: number) {
      state.connections = value;
    },
    open,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends `body` as JSON with `status`. */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
