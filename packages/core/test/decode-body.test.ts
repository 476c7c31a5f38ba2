// Response decoding against a real local server: JSON by Content-Type, charsets, invalid JSON,
// truncated bodies and the size limit.

import type http from 'node:http';
import {
  type AxleInstance,
  createClient,
  DEFAULT_MAX_CONTENT_LENGTH,
  isResponseTooLargeError,
  isTruncatedResponseError,
  isValidationError,
  NotFoundError,
  ResponseTooLargeError,
  responseText,
  TruncatedResponseError,
  ValidationError,
} from '@axle/core';
import axios from 'axios';
import { startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;
let api: AxleInstance;
const closed: string[] = [];

function send(res: http.ServerResponse, type: string | undefined, body: Buffer | string, status = 200): void {
  res.writeHead(status, type === undefined ? {} : { 'content-type': type });
  res.end(body);
}

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    switch (url.pathname) {
      case '/typed':
        return send(res, q.get('type') ?? undefined, q.get('body') ?? '');
      case '/bytes':
        return send(res, q.get('type') ?? undefined, Buffer.from(q.get('hex') ?? '', 'hex'));
      case '/invalid-json':
        return send(
          res,
          'application/json; charset=utf-8',
          `<html>${'x'.repeat(300)}</html>`,
          Number(q.get('status') ?? 200),
        );
      case '/error-json':
        return send(res, 'application/problem+json', JSON.stringify({ title: 'missing' }), 404);
      case '/short': {
        // Announces 100 bytes, sends 10, closes.
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
        res.write('0123456789');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      case '/chunked-cut': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items": [1, 2,');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      case '/endless': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 1);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) {
            /* fill the socket */
          }
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => closed.push('endless'));
        pump();
        return;
      }
      case '/big':
        return send(res, 'text/plain', 'y'.repeat(Number(q.get('n'))));
      default:
        return send(res, 'application/json', JSON.stringify({ ok: true }));
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

const typed = (type: string | undefined, body: string) =>
  api.get('/typed', { params: { ...(type === undefined ? {} : { type }), body } });
const bytes = (type: string | undefined, data: Buffer) =>
  api.get('/bytes', { params: { ...(type === undefined ? {} : { type }), hex: data.toString('hex') } });

describe('JSON by Content-Type', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'application/problem+json',
    'application/vnd.api+json',
  ])('%s is parsed', async (type) => {
    const { data } = await typed(type, '{"a":[1,2]}');
    expect(data).toEqual({ a: [1, 2] });
  });

  it('text stays text and binary types stay bytes', async () => {
    expect((await typed('text/html', '<p>hi</p>')).data).toBe('<p>hi</p>');
    const png = await bytes('image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]));
    expect(Buffer.isBuffer(png.data)).toBe(true);
    expect([...(png.data as Buffer)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0xff]);
    const octets = await bytes('application/octet-stream', Buffer.from([0, 1, 2]));
    expect(Buffer.isBuffer(octets.data)).toBe(true);
  });

  it('untyped text keeps axios’s silent JSON guess (drop-in)', async () => {
    expect((await typed('text/plain', '{"a":1}')).data).toEqual({ a: 1 });
    expect((await typed('text/plain', 'not json')).data).toBe('not json');
  });

  it('an empty JSON body is an empty string, not a parse error', async () => {
    expect((await typed('application/json', '')).data).toBe('');
  });

  it('parseReviver is honoured', async () => {
    const { data } = await api.get('/typed', {
      params: { type: 'application/json', body: '{"n":1}' },
      parseReviver: (_key: string, value: unknown) => (typeof value === 'number' ? value * 10 : value),
    });
    expect(data).toEqual({ n: 10 });
  });

  it('responseType and transformResponse chosen by the caller keep axios’s meaning', async () => {
    const ab = await api.get('/typed', {
      params: { type: 'application/json', body: '{"a":1}' },
      responseType: 'arraybuffer',
    });
    expect(Buffer.isBuffer(ab.data)).toBe(true);
    const text = await api.get('/typed', {
      params: { type: 'application/json', body: '{"a":1}' },
      responseType: 'text',
    });
    expect(text.data).toBe('{"a":1}');
    const raw = await api.get('/typed', {
      params: { type: 'application/json', body: 'not json' },
      transformResponse: [(data: unknown) => `raw:${String(data)}`],
    });
    expect(raw.data).toBe('raw:not json');
    expect(raw.config.responseType).toBeUndefined();
  });

  it('responseText() gives the JSON text as it came, invisible to JSON.stringify and Object.keys', async () => {
    const body = '{ "n": 1.50, "n": 2 }';
    const response = await typed('application/json; charset=utf-8', body);
    expect(response.data).toEqual({ n: 2 });
    expect(responseText(response)).toBe(body);
    const fields = response as unknown as Record<string, unknown>;
    expect(Object.keys(fields).filter((key) => fields[key] === body)).toEqual([]);
    expect(JSON.stringify({ ...response, config: undefined, request: undefined })).not.toContain('1.50');
    // Bodies axle did not parse are in data already, or were axios's to decode.
    expect(responseText(await typed('text/html', '<p>hi</p>'))).toBeUndefined();
    const text = await api.get('/typed', { params: { type: 'application/json', body }, responseType: 'text' });
    expect(responseText(text)).toBeUndefined();
  });

  it('the caller’s config is what the response shows', async () => {
    const response = await typed('application/json', '{}');
    expect(response.config.responseType).toBeUndefined();
  });
});

describe('character sets', () => {
  const cases: [string, string, Buffer][] = [
    ['ISO-8859-1', 'text/plain; charset=ISO-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9])],
    ['windows-1252', 'text/plain; charset=windows-1252', Buffer.from([0x80, 0x20, 0x63, 0x61, 0x66, 0xe9])],
    ['Shift_JIS', 'text/plain; charset="Shift_JIS"', Buffer.from([0x82, 0xa0, 0x82, 0xa2])],
    ['EUC-JP', 'text/plain;charset=euc-jp', Buffer.from([0xa4, 0xa2, 0xa4, 0xa4])],
    ['UTF-16LE', 'text/plain; charset=utf-16le', Buffer.from('café', 'utf16le')],
    ['UTF-16BE', 'text/plain; charset=utf-16be', Buffer.from([0, 0x63, 0, 0x61, 0, 0x66, 0, 0xe9])],
    ['GB18030', 'text/plain; charset=gb18030', Buffer.from([0xc4, 0xe3, 0xba, 0xc3])],
  ];
  const expected: Record<string, string> = {
    'ISO-8859-1': 'café',
    'windows-1252': '€ café',
    Shift_JIS: 'あい',
    'EUC-JP': 'あい',
    'UTF-16LE': 'café',
    'UTF-16BE': 'café',
    GB18030: '你好',
  };

  it.each(cases)('%s', async (name, type, body) => {
    expect((await bytes(type, body)).data).toBe(expected[name]);
  });

  it('UTF-8 is the default, and a UTF-8 BOM is stripped', async () => {
    expect((await bytes('text/plain', Buffer.from('naïve'))).data).toBe('naïve');
    expect((await bytes(undefined, Buffer.from('naïve'))).data).toBe('naïve');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')]);
    expect((await bytes('application/json', bom)).data).toEqual({ a: 'é' });
  });

  it('a UTF-16 BOM wins over a missing or wrong charset, and JSON in UTF-16 parses', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"k":"ü"}', 'utf16le')]);
    expect((await bytes('application/json', le)).data).toEqual({ k: 'ü' });
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('hi', 'utf16le').swap16()]);
    expect((await bytes('text/plain; charset=iso-8859-1', be)).data).toBe('hi');
  });

  it('JSON declared in ISO-8859-1 is decoded before parsing', async () => {
    const body = Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"n":"é"}
    expect((await bytes('application/json; charset=iso-8859-1', body)).data).toEqual({ n: 'é' });
  });

  it('an unknown charset falls back to UTF-8', async () => {
    expect((await bytes('text/plain; charset=x-made-up', Buffer.from('ok ✓'))).data).toBe('ok ✓');
  });

  it('responseEncoding is the fallback when the server names no charset', async () => {
    const { data } = await api.get('/bytes', {
      params: { type: 'text/plain', hex: Buffer.from([0xe9]).toString('hex') },
      responseEncoding: 'latin1',
    });
    expect(data).toBe('é');
  });
});

describe('invalid JSON', () => {
  it('a body that claims JSON and does not parse is a ValidationError with status, URL, type and the first 200 characters', async () => {
    const error = (await api.get('/invalid-json').catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(isValidationError(error)).toBe(true);
    expect(axios.isAxiosError(error)).toBe(true);
    expect(error.message).toContain('status 200');
    expect(error.message).toContain(`${server.url}/invalid-json`);
    expect(error.message).toContain('application/json; charset=utf-8');
    expect(error.message).toContain(`<html>${'x'.repeat(194)}…`);
    expect(error.message).not.toContain('x'.repeat(200));
    expect(error.response?.status).toBe(200);
    expect(error.response?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(error.response?.data).toBe(`<html>${'x'.repeat(300)}</html>`);
    expect(error.issues[0]?.code).toBe('invalid_json');
  });

  it('an HTTP error keeps its status error; its body is decoded leniently', async () => {
    const error = (await api.get('/invalid-json', { params: { status: 500 } }).catch((e: unknown) => e)) as Error & {
      response: { data: unknown };
      status: number;
    };
    expect(error.name).toBe('ServerError');
    expect(error.response.data).toContain('<html>');
    const notFound = (await api.get('/error-json').catch((e: unknown) => e)) as NotFoundError;
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound.response?.data).toEqual({ title: 'missing' });
  });
});

describe('truncated bodies', () => {
  it('a body shorter than its Content-Length is a TruncatedResponseError', async () => {
    const error = (await api.get('/short').catch((e: unknown) => e)) as TruncatedResponseError;
    expect(error).toBeInstanceOf(TruncatedResponseError);
    expect(isTruncatedResponseError(error)).toBe(true);
    expect(error.expected).toBe(100);
    expect(error.message).toContain('Content-Length 100');
    expect(error.message).toContain(`GET ${server.url}/short`);
    expect(error.response?.status).toBe(200);
  });

  it('a chunked body cut before its last chunk is a TruncatedResponseError, not a short result', async () => {
    const error = await api.get('/chunked-cut').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedResponseError);
    expect((error as Error).message).toContain('before the last chunk');
  });

  it('is also typed when the caller chose responseType (axios’s meaning otherwise)', async () => {
    const error = await api.get('/short', { responseType: 'text' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedResponseError);
  });
});

describe('maxContentLength', () => {
  it('defaults to 100 MB', () => {
    expect(DEFAULT_MAX_CONTENT_LENGTH).toBe(100 * 1024 * 1024);
    expect(api.defaults.maxContentLength).toBe(DEFAULT_MAX_CONTENT_LENGTH);
    const own = createClient({ maxContentLength: 10 });
    expect(own.defaults.maxContentLength).toBe(10);
    void own.close();
  });

  it('a body over the limit is a ResponseTooLargeError, and reading stops at the limit', async () => {
    const before = closed.length;
    const error = (await api
      .get('/endless', { maxContentLength: 1024 * 1024 })
      .catch((e: unknown) => e)) as ResponseTooLargeError;
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(isResponseTooLargeError(error)).toBe(true);
    expect(error.limit).toBe(1024 * 1024);
    expect(error.message).toContain('maxContentLength (1048576 bytes)');
    // The server sees the connection close: nothing past the limit is read.
    await new Promise((r) => setTimeout(r, 50));
    expect(closed.length).toBe(before + 1);
  });

  it('a body at the limit passes; -1 means no limit', async () => {
    expect((await api.get('/big', { params: { n: 1000 }, maxContentLength: 1000 })).data).toHaveLength(1000);
    expect((await api.get('/big', { params: { n: 1001 }, maxContentLength: -1 })).data).toHaveLength(1001);
    const error = await api.get('/big', { params: { n: 1001 }, maxContentLength: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
  });
});
