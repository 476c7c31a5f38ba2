// iterEvents against a third-party SSE server (better-sse) and a hand-written one: events,
// reconnection with Last-Event-ID, the server's retry, 204 to stop.

import type http from 'node:http';
import {
  type AxleInstance,
  ConfigurationError,
  createClient,
  ResponseTooLargeError,
  ServerError,
  type ServerSentEvent,
  toStreamResponse,
} from '@axle/core';
import { createSession } from 'better-sse';
import { startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;
let api: AxleInstance;
const connections: { at: number; lastEventId: string | undefined; path: string }[] = [];

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const lastEventId = req.headers['last-event-id'] as string | undefined;
    connections.push({ at: performance.now(), lastEventId, path: url.pathname });
    void handle(url, req, res, lastEventId);
  });
});

async function handle(
  url: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  lastEventId: string | undefined,
): Promise<void> {
  const seen = connections.filter((c) => c.path === url.pathname).length;
  switch (url.pathname) {
    case '/better-sse': {
      // better-sse: three events (JSON data), then the server hangs up; on the reconnection
      // (resuming after the last ID) two more, then 204 (stop).
      if (seen > 2) {
        res.writeHead(204);
        res.end();
        return;
      }
      const session = await createSession(req, res, { retry: 80, keepAlive: null });
      const start = lastEventId === undefined ? 1 : Number(lastEventId) + 1;
      const count = lastEventId === undefined ? 3 : 2;
      for (let i = start; i < start + count; i++) {
        session.push({ n: i, text: 'line one\nline two' }, i === 3 ? 'custom' : 'message', String(i));
      }
      setTimeout(() => res.end(), 10);
      return;
    }
    case '/drop': {
      // Drops the connection mid-stream on the first visit, then ends normally.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (seen === 1) {
        res.write('retry: 30\nid: a\ndata: first\n\n');
        setTimeout(() => res.socket?.destroy(), 10);
      } else {
        res.end(`data: resumed after ${lastEventId}\n\n`);
      }
      return;
    }
    case '/fail-later':
      if (seen === 1) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('retry: 10\ndata: once\n\n');
      } else {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('down');
      }
      return;
    case '/mislabelled':
      // Event streams are UTF-8 whatever the charset says; the second visit ends with 204.
      if (seen > 2) {
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=iso-8859-1' });
      res.end(Buffer.from(`retry: 1\ndata: café ${seen}\n\n`, 'utf8'));
      return;
    case '/empty':
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(': nothing to say\n\n');
      return;
    case '/huge': {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${'z'.repeat(100_000)}`);
      return;
    }
    default: {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: plain\n\n');
    }
  }
}

beforeEach(() => {
  connections.length = 0;
  api = createClient({ baseURL: server.url, retry: false });
});

afterEach(async () => {
  await api.close();
});

afterAll(async () => {
  await server.close();
});

async function collect(iterable: AsyncIterable<ServerSentEvent>, limit = 100): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const event of iterable) {
    out.push(event);
    if (out.length >= limit) break;
  }
  return out;
}

describe('iterEvents', () => {
  it('parses a better-sse stream, which ends when the server hangs up', async () => {
    const res = await api.stream('GET', '/better-sse');
    const events = await collect(res.iterEvents());
    expect(events.map((e) => ({ ...e, data: JSON.parse(e.data) as unknown }))).toEqual([
      { event: 'message', data: { n: 1, text: 'line one\nline two' }, id: '1' },
      { event: 'message', data: { n: 2, text: 'line one\nline two' }, id: '2' },
      { event: 'custom', data: { n: 3, text: 'line one\nline two' }, id: '3' },
    ]);
    expect(connections).toHaveLength(1);
  });

  it('reconnects with Last-Event-ID after the server’s retry, and stops at a 204', async () => {
    const res = await api.stream('GET', '/better-sse');
    const events = await collect(res.iterEvents({ reconnect: true, retry: 5000 }));
    expect(events.map((e) => (JSON.parse(e.data) as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
    expect(connections.map((c) => c.lastEventId)).toEqual([undefined, '3', '5']);
    // better-sse asked for 80 ms, which wins over the 5000 ms given here.
    const gap = (connections[1]?.at ?? 0) - (connections[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(75);
    expect(gap).toBeLessThan(2000);
  });

  it('reconnects after a dropped connection', async () => {
    const res = await api.stream('GET', '/drop');
    const events = await collect(res.iterEvents({ reconnect: true }), 2);
    expect(events.map((e) => e.data)).toEqual(['first', 'resumed after a']);
    expect(events[1]?.id).toBe('a');
  });

  it('decodes events as UTF-8 whatever the declared charset, also after reconnecting', async () => {
    const res = await api.stream('GET', '/mislabelled');
    const events = await collect(res.iterEvents({ reconnect: true }));
    expect(events.map((e) => e.data)).toEqual(['café 1', 'café 2']);
  });

  it('without reconnect, a dropped connection is an error', async () => {
    const res = await api.stream('GET', '/drop');
    await expect(collect(res.iterEvents())).rejects.toThrow(/Connection closed before the whole response body/);
  });

  it('an HTTP error on reconnection is thrown', async () => {
    const res = await api.stream('GET', '/fail-later');
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of res.iterEvents({ reconnect: true })) seen.push(event.data);
      })(),
    ).rejects.toThrow(ServerError);
    expect(seen).toEqual(['once']);
  });

  it('maxReconnects bounds reconnections without events', async () => {
    const res = await api.stream('GET', '/empty');
    const events = await collect(res.iterEvents({ reconnect: true, retry: 1, maxReconnects: 2 }));
    expect(events).toEqual([]);
    expect(connections).toHaveLength(3);
  });

  it('an event longer than maxContentLength is a ResponseTooLargeError', async () => {
    const res = await api.stream('GET', '/huge', { maxContentLength: 10_000 });
    await expect(collect(res.iterEvents())).rejects.toThrow(ResponseTooLargeError);
  });

  it('bad options are ConfigurationErrors; reconnect needs client.stream', async () => {
    const res = await api.stream('GET', '/');
    await expect(collect(res.iterEvents({ retry: -1 }))).rejects.toThrow(ConfigurationError);
    const plain = toStreamResponse(await api.get('/', { responseType: 'stream' }));
    await expect(collect(plain.iterEvents({ reconnect: true }))).rejects.toThrow(/only client.stream/);
    plain.close();
    res.close();
  });
});
