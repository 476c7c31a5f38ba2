import type { AddressInfo } from 'node:net';
import net from 'node:net';

/** A minimal SOCKS5 server (CONNECT, no authentication) on 127.0.0.1, for tests. */
export interface TestSocks {
  readonly url: string;
  /** `host:port` of each CONNECT it served. */
  readonly connects: string[];
  close(): Promise<void>;
}

export async function startSocks5(): Promise<TestSocks> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    client.once('data', (greeting) => {
      if (greeting[0] !== 5) return client.destroy();
      client.write(Buffer.from([5, 0])); // no authentication
      client.once('data', (request) => {
        // VER CMD RSV ATYP ADDR PORT
        if (request[1] !== 1) return client.destroy();
        let host: string;
        let offset: number;
        if (request[3] === 1) {
          host = Array.from(request.subarray(4, 8)).join('.');
          offset = 8;
        } else if (request[3] === 3) {
          const length = request[4] ?? 0;
          host = request.subarray(5, 5 + length).toString('utf8');
          offset = 5 + length;
        } else {
          return client.destroy();
        }
        const port = request.readUInt16BE(offset);
        connects.push(`${host}:${port}`);
        const upstream = net.connect(port, host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          upstream.pipe(client);
          client.pipe(upstream);
        });
        track(upstream);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `socks5://127.0.0.1:${port}`,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
