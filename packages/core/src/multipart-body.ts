import { randomBytes } from 'node:crypto';
import { ReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';

/** A file part of a `multipart` body, with its name and type. */
export interface MultipartFile {
  /** The content: bytes, text, a `Blob`, or a stream (Node `Readable`, web `ReadableStream`, async iterable), sent as it is read. */
  readonly data: string | Uint8Array | Blob | Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
  /** The file name the server sees. Default: a stream's file name, a `File`'s name, else `'blob'`. */
  readonly filename?: string;
  /** The part's `Content-Type`. Default: a `Blob`'s type, else `application/octet-stream`. */
  readonly contentType?: string;
}

/** One value of a `multipart` field: text (numbers and booleans become text), bytes, a stream or a {@link MultipartFile}. */
export type MultipartValue =
  | string
  | number
  | boolean
  | Uint8Array
  | Blob
  | Readable
  | ReadableStream<Uint8Array>
  | MultipartFile;

/** The fields of a `multipart` body; an array sends the field once per item. */
export type MultipartFields = Readonly<Record<string, MultipartValue | readonly MultipartValue[] | null | undefined>>;

interface Part {
  readonly head: Buffer;
  readonly body: Buffer | Blob | AsyncIterable<Uint8Array>;
}

/**
 * Encodes `fields` as `multipart/form-data`. Parts that are streams are read while the body is
 * sent, never all at once; without such parts the body is one `Buffer` with a known length.
 */
export function multipartBody(fields: MultipartFields): {
  body: Buffer | Readable;
  boundary: string;
  length: number | undefined;
} {
  const boundary = `axle-${randomBytes(16).toString('hex')}`;
  const parts: Part[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? (value as readonly MultipartValue[]) : [value as MultipartValue];
    for (const item of values) parts.push(partOf(boundary, name, item));
  }
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const streaming = parts.some((part) => !Buffer.isBuffer(part.body) && !(part.body instanceof Blob));
  if (!streaming && parts.every((part) => Buffer.isBuffer(part.body))) {
    const chunks = parts.flatMap((part) => [part.head, part.body as Buffer, CRLF]);
    const body = Buffer.concat([...chunks, tail]);
    return { body, boundary, length: body.length };
  }
  const length = streaming
    ? undefined
    : parts.reduce((sum, p) => sum + p.head.length + sizeOf(p.body) + CRLF.length, tail.length);
  return { body: Readable.from(generate(parts, tail), { objectMode: false }), boundary, length };
}

const CRLF = Buffer.from('\r\n');

function sizeOf(body: Part['body']): number {
  return Buffer.isBuffer(body) ? body.length : (body as Blob).size;
}

async function* generate(parts: readonly Part[], tail: Buffer): AsyncGenerator<Buffer> {
  for (const part of parts) {
    yield part.head;
    const body = part.body;
    if (Buffer.isBuffer(body)) {
      yield body;
    } else if (body instanceof Blob) {
      for await (const chunk of body.stream()) yield Buffer.from(chunk);
    } else {
      for await (const chunk of body) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    }
    yield CRLF;
  }
  yield tail;
}

// Quotes and line breaks in names are percent-encoded, as browsers do (WHATWG form encoding).
function quoted(value: string): string {
  return `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

function partOf(boundary: string, name: string, value: MultipartValue): Part {
  let file: MultipartFile | undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return { head: header(boundary, name, undefined, undefined), body: Buffer.from(String(value)) };
  }
  if (isFileSpec(value)) file = value;
  else file = { data: value };
  const data = file.data;
  const defaultName =
    data instanceof ReadStream && typeof data.path === 'string'
      ? basename(data.path)
      : data instanceof File
        ? data.name
        : 'blob';
  const type = file.contentType ?? (data instanceof Blob && data.type ? data.type : 'application/octet-stream');
  const head = header(boundary, name, file.filename ?? defaultName, type);
  if (typeof data === 'string') return { head, body: Buffer.from(data) };
  if (data instanceof Uint8Array) return { head, body: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  if (data instanceof Blob) return { head, body: data };
  if (isWebStream(data)) return { head, body: Readable.fromWeb(data as import('node:stream/web').ReadableStream) };
  return { head, body: data as AsyncIterable<Uint8Array> };
}

function header(boundary: string, name: string, filename: string | undefined, type: string | undefined): Buffer {
  let text = `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}`;
  if (filename !== undefined) text += `; filename=${quoted(filename)}`;
  text += '\r\n';
  if (type !== undefined) text += `Content-Type: ${type.replace(/[\r\n]/g, '')}\r\n`;
  return Buffer.from(`${text}\r\n`);
}

function isFileSpec(value: unknown): value is MultipartFile {
  return (
    value !== null &&
    typeof value === 'object' &&
    'data' in value &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Blob) &&
    !isStreamLike(value)
  );
}

/** Whether `value` is a web `ReadableStream`. */
export function isWebStream(value: unknown): value is ReadableStream<Uint8Array> {
  return value !== null && typeof value === 'object' && typeof (value as ReadableStream).getReader === 'function';
}

/** Whether `value` is a Node stream (anything with `pipe`). */
export function isNodeStream(value: unknown): value is Readable {
  return value !== null && typeof value === 'object' && typeof (value as Readable).pipe === 'function';
}

function isStreamLike(value: unknown): boolean {
  return isNodeStream(value) || isWebStream(value) || isAsyncIterable(value);
}

/** Whether `value` can be iterated with `for await`. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}
