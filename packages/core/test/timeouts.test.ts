import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { Readable } from 'node:stream';
import {
  ConfigurationError,
  ConnectTimeoutError,
  createClient,
  ReadTimeoutError,
  TimeoutError,
  WriteTimeoutError,
} from '@axle/core';
import { releaseAfterEach } from '../../../test-support/cleanup';
import { startServer, type TestServer } from '../../../test-support/http-server';
import { selfSignedCert } from '../../../test-support/tls';

// Timing on a shared 2-core machine: a stall of a few hundred ms can push a deadline past its bound.
// A failure is retried up to twice and each failure is printed; three misses fail the suite.
jest.retryTimes(2, { logErrorsBeforeRetry: true });
// A failed attempt must still close what it opened, or its listening server keeps Jest from exiting.
const release = releaseAfterEach();

let server: TestServer;
const hits = new Map<string, number>();

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    const n = hits.get(url.pathname) ?? 0;
    switch (url.pathname) {
      case '/stall-body': // half the body, then silence
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '10' });
        res.write('hello');
        return;
      case '/drip': {
        // a chunk every 100 ms, forever: no gap exceeds `read`
        res.writeHead(200, { 'content-type': 'text/plain' });
        const timer = setInterval(() => res.write('.'), 100);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/slow-headers':
        setTimeout(() => res.end('late'), 400);
        return;
      case '/slow-once':
        if (n === 1) setTimeout(() => res.end('late'), 400);
        else res.end('fast');
        return;
      default:
        res.end('ok');
    }
  });
});
afterAll(() => server.close());

describe('connect timeout', () => {
  it('a server that accepts TCP but never answers the TLS handshake → ConnectTimeoutError within connect + 100 ms', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    release(() => new Promise((resolve) => silent.close(resolve)));
    release(() => {
      for (const s of sockets) s.destroy();
    });
    const { port } = silent.address() as AddressInfo;
    const api = createClient({ timeout: { connect: 200 }, retry: false });
    release(() => api.close());
    const started = performance.now();
    const error = await api.get(`https://127.0.0.1:${port}/`).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    expect((error as ConnectTimeoutError).message).toBe(
      `Connect timed out after 200 ms: GET https://127.0.0.1:${port}/`,
    );
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(300);
  });

  it('a TLS server that answers is not affected', async () => {
    const { key, cert } = selfSignedCert();
    const tlsServer = https.createServer({ key, cert }, (_req, res) => res.end('secure'));
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    release(() => new Promise((resolve) => tlsServer.close(resolve)));
    release(() => tlsServer.closeAllConnections());
    const { port } = tlsServer.address() as AddressInfo;
    const httpsAgent = new https.Agent({ ca: cert, keepAlive: true });
    release(() => httpsAgent.destroy());
    const api = createClient({ timeout: { connect: 1000 }, httpsAgent });
    release(() => api.close());
    expect((await api.get(`https://127.0.0.1:${port}/`)).data).toBe('secure');
    expect((await api.get(`https://127.0.0.1:${port}/`)).data).toBe('secure');
  });
});

describe('response and read timeouts', () => {
  it('headers slower than `response` → ReadTimeoutError', async () => {
    const api = createClient({ baseURL: server.url, timeout: { response: 100 }, retry: false });
    release(() => api.close());
    const error = await api.get('/slow-headers').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadTimeoutError);
    expect((error as Error).message).toContain('No response within 100 ms');
  });

  it('a body that stalls midway → ReadTimeoutError (buffered)', async () => {
    const api = createClient({ baseURL: server.url, timeout: { read: 150 }, retry: false });
    release(() => api.close());
    const started = performance.now();
    const error = await api.get('/stall-body').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadTimeoutError);
    expect((error as Error).message).toContain('stalled for 150 ms');
    expect(performance.now() - started).toBeLessThan(400);
  });

  it('a body that stalls midway → ReadTimeoutError (stream)', async () => {
    const api = createClient({ baseURL: server.url, timeout: { read: 150 }, retry: false });
    release(() => api.close());
    const response = await api.get('/stall-body', { responseType: 'stream' });
    const chunks: string[] = [];
    const error = await (async () => {
      for await (const chunk of response.data as Readable) chunks.push(String(chunk));
    })().catch((e: unknown) => e);
    expect(chunks.join('')).toBe('hello');
    expect(error).toBeInstanceOf(ReadTimeoutError);
  });

  it('a body dripping slower than `total` fails at the deadline though no gap exceeds `read`', async () => {
    const api = createClient({ baseURL: server.url, timeout: { read: 300, total: 500 }, retry: false });
    release(() => api.close());
    const started = performance.now();
    const error = await api.get('/drip').catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('total deadline of 500 ms');
    expect(elapsed).toBeGreaterThanOrEqual(495);
    expect(elapsed).toBeLessThan(700);
  });

  it('the total deadline also covers a streamed body', async () => {
    const api = createClient({ baseURL: server.url, timeout: { read: 300, total: 400 }, retry: false });
    release(() => api.close());
    const response = await api.get('/drip', { responseType: 'stream' });
    const error = await (async () => {
      for await (const _ of response.data as Readable) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('timeouts are retried on idempotent methods', async () => {
    hits.delete('/slow-once');
    const api = createClient({ baseURL: server.url, timeout: { response: 100 }, retry: { baseDelay: 1 } });
    release(() => api.close());
    expect((await api.get('/slow-once')).data).toBe('fast');
    expect(hits.get('/slow-once')).toBe(2);
  });

  it('a per-request object overrides the client; a number keeps axios meaning', async () => {
    const api = createClient({ baseURL: server.url, timeout: { response: 5000 }, retry: false });
    release(() => api.close());
    await expect(api.get('/slow-headers', { timeout: { response: 100 } as never })).rejects.toBeInstanceOf(
      ReadTimeoutError,
    );
    await expect(api.get('/slow-headers', { timeout: 100 })).rejects.toMatchObject({ code: 'ECONNABORTED' });
    await expect(api.get('/slow-headers', { timeout: { bogus: 1 } as never })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });
});

describe('write timeout', () => {
  it('an upload the server never reads → WriteTimeoutError', async () => {
    // A server that takes the headers, then never reads the body.
    const stuck = http.createServer((req) => req.pause());
    await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve));
    release(() => new Promise((resolve) => stuck.close(resolve)));
    release(() => stuck.closeAllConnections());
    const { port } = stuck.address() as AddressInfo;
    const api = createClient({ timeout: { write: 200 }, retry: false });
    release(() => api.close());
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 4096; i++) yield Buffer.alloc(64 * 1024, 1);
      })(),
    );
    const started = performance.now();
    const error = await api.put(`http://127.0.0.1:${port}/upload`, body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteTimeoutError);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('options', () => {
  it.each([
    [{ timeout: { connect: -1 } }, /Invalid timeout\.connect: expected milliseconds/],
    [{ timeout: { conect: 1 } }, /Unknown option timeout\.conect/],
    [{ timeout: 'fast' }, /or \{ connect, response, read, write, total \}/],
  ])('%p fails at createClient', (options, message) => {
    expect(() => createClient(options as never)).toThrow(message);
  });
});
