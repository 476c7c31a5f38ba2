import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

/** A real forward proxy (HTTP and CONNECT) on 127.0.0.1, recording what it forwarded. */
export interface TestProxy {
  readonly url: string;
  readonly port: number;
  /** `METHOD target` of each request the proxy got (CONNECT host:port, or GET absolute-URL). */
  readonly seen: string[];
  /** Client connections open now. */
  readonly open: () => number;
  /** `Proxy-Authorization` values the proxy got. */
  readonly credentials: (string | undefined)[];
  close(): Promise<void>;
}

/** Starts a forward proxy; with `basic` it answers 407 unless `Proxy-Authorization` matches. */
export async function startProxy(basic?: { username: string; password: string }): Promise<TestProxy> {
  const seen: string[] = [];
  const credentials: (string | undefined)[] = [];
  const server = http.createServer();
  const record = (req: http.IncomingMessage) => {
    seen.push(`${req.method} ${req.url}`);
    credentials.push(req.headers['proxy-authorization']);
  };
  // Listeners added before the proxy's own, so every request is seen, authorised or not.
  server.on('request', record);
  server.on('connect', record);
  const proxy = createProxy(server);
  if (basic) {
    const expected = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
    proxy.authenticate = (req) => req.headers['proxy-authorization'] === expected;
  }
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    credentials,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
