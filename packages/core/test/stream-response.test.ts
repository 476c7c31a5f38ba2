// Streaming responses against a real local server: iterBytes/iterText/iterLines/pipeTo,
// backpressure, release of the socket on early exit, truncation, progress, HTTP errors.

import type http from 'node:http';
import { Writable } from 'node:stream';
import {
  type AxleInstance,
  ClientError,
  createClient,
  NotFoundError,
  ResponseTooLargeError,
  TruncatedResponseError,
  toStreamResponse,
} from '@axle/core';
import { startServer, type TestServer } from '../../../test-support/http-server';

// Some tests bound wall-clock times (a wait that must end early, a socket released within 100 ms);
// on a shared 2-core machine a stall can push one past its bound. A failure is retried up to twice
// and each failure is printed; three misses fail the suite. Every test here uses the file's one
// server, so a failed attempt leaves nothing listening.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

let server: TestServer;
let api: AxleInstance;
const events: string[] = [];
let written = 0;

function endless(res: http.ServerResponse, line: string): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const chunk = Buffer.from(line.repeat(1000));
  const pump = () => {
    while (!res.destroyed && res.write(chunk)) written += chunk.length;
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/bytes': {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '10000' });
        // Uneven chunks, so rechunking is exercised.
        for (const size of [1, 999, 3000, 6000]) res.write(Buffer.alloc(size, size % 251));
        res.end();
        return;
      }
      case '/sjis': {
        res.writeHead(200, { 'content-type': 'text/plain; charset=shift_jis' });
        const bytes = Buffer.from([0x82, 0xa0, 0x82, 0xa2, 0x82, 0xa4]); // あいう
        // A character split across chunks.
        res.write(bytes.subarray(0, 3));
        setTimeout(() => res.end(bytes.subarray(3)), 10);
        return;
      }
      case '/lines': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('\ufeffone\r');
        setTimeout(() => res.write('\ntwo\rthree\n\nfo'), 5);
        setTimeout(() => res.end('ur'), 10);
        return;
      }
      case '/endless': {
        req.socket.once('close', () => events.push('closed'));
        endless(res, 'line\n');
        return;
      }
      case '/long-line': {
        endless(res, 'x');
        return;
      }
      case '/short': {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
        res.write('partial\n');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      case '/missing': {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"no such log"}');
        return;
      }
      case '/many-lines': {
        // A large chunked text body: 20 000 numbered lines in chunks of 7 lines, so chunks end
        // mid-line as often as not.
        res.writeHead(200, { 'content-type': 'text/plain' });
        let i = 0;
        const pump = () => {
          while (i < 20_000) {
            let chunk = '';
            for (const end = Math.min(i + 7, 20_000); i < end; i += 1) chunk += `line ${i}\n`;
            const ok = res.write(chunk.slice(0, 3));
            const rest = res.write(chunk.slice(3));
            if (!ok || !rest) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      default:
        res.end('hello');
    }
  });
});

beforeEach(() => {
  api = createClient({ baseURL: server.url, retry: false });
});

afterEach(async () => {
  await api.close();
});

afterAll(async () => {
  await server.close();
});

describe('iterBytes', () => {
  it('yields the body as it arrives', async () => {
    const res = await api.stream('GET', '/bytes');
    let total = 0;
    for await (const chunk of res.iterBytes()) total += chunk.length;
    expect(total).toBe(10_000);
    expect(res.status).toBe(200);
  });

  it('with a chunk size, yields chunks of exactly that size (the last may be shorter)', async () => {
    const res = await api.stream('GET', '/bytes');
    const sizes: number[] = [];
    const all: Buffer[] = [];
    for await (const chunk of res.iterBytes(4096)) {
      sizes.push(chunk.length);
      all.push(Buffer.from(chunk));
    }
    expect(sizes).toEqual([4096, 4096, 1808]);
    const body = Buffer.concat(all);
    expect(body[0]).toBe(1);
    expect(body[1]).toBe(999 % 251);
    expect(body[9999]).toBe(6000 % 251);
  });

  it('rejects a bad chunk size, and a body read twice', async () => {
    const res = await api.stream('GET', '/bytes');
    expect(() => res.iterBytes(0)).toThrow(/chunkSize/);
    for await (const _ of res.iterBytes()) {
      /* drain */
    }
    expect(() => res.iterText()).toThrow(expect.objectContaining({ code: 'ERR_STREAM_CONSUMED' }) as Error);
  });
});

describe('iterText and iterLines', () => {
  it('decodes by charset, also across chunk boundaries', async () => {
    const res = await api.stream('GET', '/sjis');
    let text = '';
    for await (const part of res.iterText()) text += part;
    expect(text).toBe('あいう');
  });

  it('splits LF, CRLF and CR lines, also across chunks; a BOM is stripped; the last line needs no end', async () => {
    const res = await api.stream('GET', '/lines');
    const lines: string[] = [];
    for await (const line of res.iterLines()) lines.push(line);
    expect(lines).toEqual(['one', 'two', 'three', '', 'four']);
  });

  it('reads a large chunked text line by line', async () => {
    const res = await api.stream('GET', '/many-lines');
    let count = 0;
    let lastLine = '';
    for await (const line of res.iterLines()) {
      count += 1;
      lastLine = line;
    }
    expect(count).toBe(20_000);
    expect(lastLine).toBe('line 19999');
  });

  it('a line longer than maxContentLength is a ResponseTooLargeError, and the connection is closed', async () => {
    const res = await api.stream('GET', '/long-line', { maxContentLength: 64 * 1024 });
    const error = await (async () => {
      for await (const _ of res.iterLines()) {
        /* never a whole line */
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(res.data.destroyed).toBe(true);
  });
});

describe('early exit and backpressure', () => {
  it('breaking out of iterLines on an endless stream releases the socket within 100 ms', async () => {
    events.length = 0;
    const res = await api.stream('GET', '/endless');
    let first: string | undefined;
    for await (const line of res.iterLines()) {
      first = line;
      break;
    }
    const brokeAt = performance.now();
    expect(first).toBe('line');
    while (!events.includes('closed') && performance.now() - brokeAt < 1000) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(events).toContain('closed');
    expect(performance.now() - brokeAt).toBeLessThan(100);
  });

  it('an exception in the loop releases the socket too', async () => {
    events.length = 0;
    const res = await api.stream('GET', '/endless');
    await expect(
      (async () => {
        for await (const _ of res.iterBytes()) throw new Error('consumer failed');
      })(),
    ).rejects.toThrow('consumer failed');
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toContain('closed');
  });

  it('a slow consumer is not buffered for: the server is held back', async () => {
    written = 0;
    const res = await api.stream('GET', '/endless');
    const iterator = res.iterBytes();
    await iterator.next();
    await new Promise((r) => setTimeout(r, 200));
    // Socket buffers only (a few hundred KB at most), not an unbounded stream.
    expect(written).toBeLessThan(8 * 1024 * 1024);
    await iterator.return(undefined);
  });

  it('close() releases a body that is never read', async () => {
    events.length = 0;
    const res = await api.stream('GET', '/endless');
    res.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toContain('closed');
  });
});

describe('pipeTo', () => {
  it('pipes into a Node Writable with backpressure', async () => {
    const res = await api.stream('GET', '/bytes');
    let total = 0;
    const sink = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        total += chunk.length;
        setImmediate(done);
      },
    });
    await res.pipeTo(sink);
    expect(total).toBe(10_000);
  });

  it('pipes into a web WritableStream', async () => {
    const res = await api.stream('GET', '/many-lines');
    let text = '';
    const decoder = new TextDecoder();
    await res.pipeTo(
      new WritableStream<Uint8Array>({
        write(chunk) {
          text += decoder.decode(chunk, { stream: true });
        },
      }),
    );
    expect(text.split('\n')).toHaveLength(20_001);
  });
});

describe('failures', () => {
  it('a connection closed before Content-Length is reached is a TruncatedResponseError with the counts', async () => {
    const res = await api.stream('GET', '/short');
    const lines: string[] = [];
    const error = (await (async () => {
      for await (const line of res.iterLines()) lines.push(line);
    })().catch((e: unknown) => e)) as TruncatedResponseError;
    expect(lines).toEqual(['partial']);
    expect(error).toBeInstanceOf(TruncatedResponseError);
    expect(error.received).toBe(8);
    expect(error.expected).toBe(1000);
    expect(error.message).toContain('received 8 of 1000 bytes');
    expect(error.response?.status).toBe(200);
  });

  it('an HTTP error rejects as usual, with its body read and decoded', async () => {
    const error = (await api.stream('GET', '/missing').catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.response?.data).toEqual({ error: 'no such log' });
  });

  it('toStreamResponse wraps a responseType: "stream" response, and refuses anything else', async () => {
    const res = toStreamResponse(await api.get('/bytes', { responseType: 'stream' }));
    let total = 0;
    for await (const chunk of res.iterBytes()) total += chunk.length;
    expect(total).toBe(10_000);
    const plain = await api.get('/');
    expect(() => toStreamResponse(plain)).toThrow(ClientError);
  });
});

describe('progress', () => {
  it('onDownloadProgress reports loaded, total and rate', async () => {
    const seen: { loaded: number; total?: number; rate?: number }[] = [];
    const res = await api.stream('GET', '/bytes', {
      onDownloadProgress: ({ loaded, total, rate }) => seen.push({ loaded, total, rate }),
    });
    for await (const _ of res.iterBytes()) {
      /* drain */
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.length).toBeGreaterThan(0);
    const final = seen[seen.length - 1];
    expect(final?.loaded).toBe(10_000);
    expect(final?.total).toBe(10_000);
    expect(final).toHaveProperty('rate');
  });
});
