// Request bodies against a real local server: JSON, serializers, forms, multipart, raw bytes and
// streamed uploads (never read into memory), Content-Type handling, requestSchema.

import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type AxleInstance, ConfigurationError, createClient, ValidationError } from '@axle/core';
import axios from 'axios';
import { z } from 'zod';

interface Seen {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];
let api: AxleInstance;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'axle-body-'));
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      if (req.url === '/redirect') {
        res.writeHead(307, { location: '/' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  seen.length = 0;
  api = createClient({ baseURL: base, retry: false });
});

afterEach(async () => {
  await api.close();
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const last = (): Seen => seen[seen.length - 1] as Seen;

describe('JSON and serializers', () => {
  it('objects and arrays are JSON by default', async () => {
    await api.post('/', { a: 1, list: [true, null] });
    expect(last().headers['content-type']).toBe('application/json');
    expect(last().body.toString()).toBe('{"a":1,"list":[true,null]}');
    await api.put('/', [1, 2]);
    expect(last().body.toString()).toBe('[1,2]');
  });

  it('a serializer function replaces JSON.stringify (client-wide or per request)', async () => {
    const client = createClient({
      baseURL: base,
      serializer: (value) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    });
    await client.post('/', { big: 2n ** 64n });
    expect(last().body.toString()).toBe('{"big":"18446744073709551616"}');
    expect(last().headers['content-type']).toBe('application/json');
    await client.post('/', { a: 1 }, { serializer: () => '{"replaced":true}' });
    expect(last().body.toString()).toBe('{"replaced":true}');
    await client.close();
  });

  it('a serializer object names its Content-Type; one the caller set wins', async () => {
    const serializer = {
      contentType: 'application/x-ndjson',
      serialize: (v: unknown) =>
        new TextEncoder().encode(`${(v as unknown[]).map((x) => JSON.stringify(x)).join('\n')}\n`),
    };
    await api.post('/', [{ a: 1 }, { b: 2 }], { serializer });
    expect(last().headers['content-type']).toBe('application/x-ndjson');
    expect(last().body.toString()).toBe('{"a":1}\n{"b":2}\n');
    await api.post('/', [1], { serializer, headers: { 'Content-Type': 'application/vnd.custom' } });
    expect(last().headers['content-type']).toBe('application/vnd.custom');
  });

  it('a form Content-Type set by the caller keeps axios’s form encoding of an object', async () => {
    await api.post(
      '/',
      { a: 1 },
      { serializer: () => 'nope', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
    );
    expect(last().body.toString()).toBe('a=1');
  });
});

describe('forms', () => {
  it('form: {...} is application/x-www-form-urlencoded; arrays repeat, null and undefined are left out', async () => {
    await api.post('/', undefined, {
      form: { q: 'a b&c', n: 1, yes: true, tags: ['x', 'y'], none: null, skip: undefined },
    });
    expect(last().headers['content-type']).toBe('application/x-www-form-urlencoded;charset=utf-8');
    expect(last().body.toString()).toBe('q=a+b%26c&n=1&yes=true&tags=x&tags=y');
  });

  it('URLSearchParams as data or as form', async () => {
    await api.post('/', new URLSearchParams({ a: '1' }));
    expect(last().headers['content-type']).toBe('application/x-www-form-urlencoded;charset=utf-8');
    await api.post('/', undefined, { form: new URLSearchParams({ b: '2' }) });
    expect(last().body.toString()).toBe('b=2');
  });

  it('form with data, or form with multipart, is a ConfigurationError and sends nothing', async () => {
    await expect(api.post('/', { a: 1 }, { form: { b: 2 } })).rejects.toThrow(ConfigurationError);
    await expect(api.post('/', undefined, { form: { b: 2 }, multipart: { c: '3' } })).rejects.toThrow(
      /form and multipart/,
    );
    expect(seen).toHaveLength(0);
  });
});

describe('multipart', () => {
  it('text, bytes, Blobs and files, with names, filenames and types', async () => {
    const file = join(dir, 'report.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    await api.post('/', undefined, {
      multipart: {
        title: 'Q3 "final"',
        count: 3,
        raw: Buffer.from([1, 2, 3]),
        blob: new Blob(['hello'], { type: 'text/plain' }),
        report: createReadStream(file),
        named: { data: 'x', filename: 'x.txt', contentType: 'text/x-custom' },
        many: ['1', '2'],
      },
    });
    const type = String(last().headers['content-type']);
    const boundary = /boundary=(.+)$/.exec(type)?.[1] as string;
    expect(type).toMatch(/^multipart\/form-data; boundary=axle-[0-9a-f]+$/);
    const body = last().body.toString('latin1');
    expect(body).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nQ3 "final"\r\n`);
    expect(body).toContain('name="count"\r\n\r\n3\r\n');
    expect(body).toContain(
      'name="raw"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\n\x01\x02\x03\r\n',
    );
    expect(body).toContain('name="blob"; filename="blob"\r\nContent-Type: text/plain\r\n\r\nhello\r\n');
    expect(body).toContain(
      'name="report"; filename="report.csv"\r\nContent-Type: application/octet-stream\r\n\r\na,b\n1,2\n\r\n',
    );
    expect(body).toContain('name="named"; filename="x.txt"\r\nContent-Type: text/x-custom\r\n\r\nx\r\n');
    expect(body.match(/name="many"/g)).toHaveLength(2);
    expect(body.endsWith(`--${boundary}--\r\n`)).toBe(true);
    // A part that is a stream makes the body streamed (chunked).
    expect(last().headers['transfer-encoding']).toBe('chunked');
  });

  it('without stream parts the body has a Content-Length; a multipart type set by the caller gets the boundary', async () => {
    await api.post('/', undefined, {
      multipart: { a: '1', b: new Blob(['zz']) },
      headers: { 'Content-Type': 'multipart/form-data' },
    });
    expect(last().headers['content-type']).toMatch(/^multipart\/form-data; boundary=axle-/);
    expect(Number(last().headers['content-length'])).toBe(last().body.length);
    await api.post('/', undefined, { multipart: { a: '1' } });
    expect(Number(last().headers['content-length'])).toBe(last().body.length);
  });

  it('a FormData body keeps axios’s multipart encoding', async () => {
    const form = new FormData();
    form.append('k', 'v');
    await api.post('/', form);
    expect(String(last().headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(last().body.toString()).toContain('name="k"\r\n\r\nv\r\n');
  });

  it('web streams and async iterables as parts', async () => {
    async function* parts() {
      yield new TextEncoder().encode('gen');
    }
    await api.post('/', undefined, {
      multipart: { web: new Blob(['web']).stream(), gen: { data: parts(), filename: 'g.bin' } },
    });
    const body = last().body.toString();
    expect(body).toContain('name="web"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\nweb\r\n');
    expect(body).toContain('name="gen"; filename="g.bin"');
    expect(body).toContain('\r\n\r\ngen\r\n');
  });
});

describe('raw bodies and streamed uploads', () => {
  it('Buffers are raw bytes as application/octet-stream unless a type is set; strings keep axios’s default', async () => {
    await api.post('/', Buffer.from([0, 255]));
    expect([...last().body]).toEqual([0, 255]);
    expect(last().headers['content-type']).toBe('application/octet-stream');
    await api.post('/', new Uint8Array([7]), { headers: { 'Content-Type': 'image/png' } });
    expect(last().headers['content-type']).toBe('image/png');
    await api.post('/', 'a=1&b=2');
    expect(last().body.toString()).toBe('a=1&b=2');
    expect(last().headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('a Node Readable, a web ReadableStream and an async generator are streamed', async () => {
    await api.post('/', Readable.from([Buffer.from('node-'), Buffer.from('stream')]));
    expect(last().body.toString()).toBe('node-stream');
    expect(last().headers['transfer-encoding']).toBe('chunked');
    expect(last().headers['content-type']).toBe('application/octet-stream');
    await api.post('/', new Blob(['web stream']).stream(), { headers: { 'Content-Type': 'text/plain' } });
    expect(last().body.toString()).toBe('web stream');
    expect(last().headers['content-type']).toBe('text/plain');
    async function* generate() {
      for (let i = 0; i < 3; i++) yield Buffer.from(`part${i};`);
    }
    await api.put('/', generate());
    expect(last().body.toString()).toBe('part0;part1;part2;');
  });

  it('a file stream is sent with its Content-Length and reports upload progress', async () => {
    const file = join(dir, 'upload.bin');
    writeFileSync(file, Buffer.alloc(256 * 1024, 7));
    const progress: { loaded: number; total?: number }[] = [];
    await api.post('/', createReadStream(file), {
      onUploadProgress: (event) => progress.push({ loaded: event.loaded, total: event.total }),
    });
    expect(last().body.length).toBe(256 * 1024);
    expect(last().headers['content-length']).toBe(String(256 * 1024));
    expect(progress.length).toBeGreaterThan(0);
    // axios throttles progress events, so the last one may come before the last byte is counted.
    expect(progress.every((p) => p.total === 256 * 1024 && p.loaded > 0 && p.loaded <= 256 * 1024)).toBe(true);
    await api.post('/', createReadStream(file, { start: 10, end: 19 }));
    expect(last().headers['content-length']).toBe('10');
  });

  it('a streamed body is not buffered for redirects: a 307 is returned, not replayed', async () => {
    const error = await api.post('/redirect', Readable.from(['x'])).catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(307);
    expect(seen).toHaveLength(1);
  });
});

describe('requestSchema', () => {
  const NewUser = z.object({ name: z.string().min(1), age: z.number().int().default(18) });

  it('validates before sending and sends zod’s output', async () => {
    await api.post('/', { name: 'Ann', extra: 'dropped' }, { requestSchema: NewUser });
    expect(JSON.parse(last().body.toString())).toEqual({ name: 'Ann', age: 18 });
  });

  it('a body that fails is a ValidationError with field issues, and nothing is sent', async () => {
    const error = (await api
      .post('/', { name: '', age: 'x' }, { requestSchema: NewUser })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('nothing was sent');
    expect(error.message).toContain(`POST ${base}/`);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['name'], code: 'too_small' }),
        expect.objectContaining({ path: ['age'], code: 'invalid_type', expected: 'number', received: 'string' }),
      ]),
    );
    expect(error.response).toBeUndefined();
    expect(seen).toHaveLength(0);
  });

  it('an async refinement cannot run before sending: ConfigurationError', async () => {
    const schema = z.object({ a: z.string() }).refine(async () => true);
    await expect(api.post('/', { a: 'x' }, { requestSchema: schema })).rejects.toThrow(ConfigurationError);
    expect(seen).toHaveLength(0);
  });
});

describe('options', () => {
  it.each([
    [{ form: 'a=1' }, 'form'],
    [{ multipart: [1] }, 'multipart'],
    [{ serializer: 'json' }, 'serializer'],
    [{ serializer: { serialize: () => '' } }, 'serializer'],
    [{ schema: { parse: () => 1 } }, 'schema'],
    [{ requestSchema: 42 }, 'requestSchema'],
  ])('%j fails at createClient naming %s', (options, option) => {
    expect(() => createClient(options as never)).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', option }) as Error,
    );
  });

  it('a typo is suggested', () => {
    expect(() => createClient({ Serializer: () => '' } as never)).toThrow(/did you mean "serializer"/);
  });

  it('per request, a bad option rejects without sending', async () => {
    await expect(api.post('/', undefined, { form: 5 as never })).rejects.toThrow(/Invalid form/);
    expect(seen).toHaveLength(0);
  });
});
