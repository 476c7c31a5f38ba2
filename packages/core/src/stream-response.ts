import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import axios, {
  type AxiosInstance,
  type AxiosRequestConfig,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { charsetOf, createDecoder } from './charset';
import { ClientError } from './client-error';
import { bodyFailure, DEFAULT_MAX_CONTENT_LENGTH, decodeResponseData } from './decode-body';
import { eventStream, type IterEventsOptions } from './event-stream';
import { readChunks } from './read-chunks';
import { ResponseTooLargeError } from './response-too-large-error';
import type { ServerSentEvent } from './sse-parser';
import { toClientError } from './to-client-error';

/**
 * A streamed response (`client.stream(...)`): an `AxiosResponse` whose `data` is the body as a
 * Node `Readable`, read only as you consume it. Every iterator respects backpressure (the socket is
 * read no faster than your loop), and breaking out of a loop or throwing in it closes the
 * connection at once. A body can be consumed once. A connection closed before the body's end is a
 * `TruncatedResponseError`.
 *
 * @example
 * ```ts
 * const res = await api.stream('GET', '/logs');
 * for await (const line of res.iterLines()) if (line.includes('ERROR')) break; // socket released
 * ```
 */
export interface StreamResponse<D = unknown> extends AxiosResponse<Readable, D> {
  /** The body's bytes as they arrive, or in chunks of exactly `chunkSize` bytes (the last may be shorter). */
  iterBytes(chunkSize?: number): AsyncGenerator<Buffer, void, undefined>;
  /** The body as text, decoded by the `charset` of its `Content-Type` (UTF-8 by default, BOM stripped). */
  iterText(): AsyncGenerator<string, void, undefined>;
  /**
   * The body's lines, without their ends (LF, CRLF or CR). A line longer than `maxContentLength`
   * (default 100 MB) is a `ResponseTooLargeError`, so an endless line cannot exhaust memory.
   */
  iterLines(): AsyncGenerator<string, void, undefined>;
  /** Server-sent events (WHATWG); with `{ reconnect: true }` it reconnects with `Last-Event-ID`. */
  iterEvents(options?: IterEventsOptions): AsyncGenerator<ServerSentEvent, void, undefined>;
  /** Pipes the body into a Node `Writable` or a web `WritableStream`, with backpressure; resolves when written. */
  pipeTo(destination: NodeJS.WritableStream | WritableStream<Uint8Array>): Promise<void>;
  /** Closes the connection without reading the rest (also safe after the body was read). */
  close(): void;
}

// Where a StreamResponse keeps its UTF-8 text reader (event streams are UTF-8 whatever they declare).
const UTF8_TEXT = Symbol('axle.utf8Text');
type WithUtf8Text = { [UTF8_TEXT]?: () => AsyncGenerator<string> };
const utf8TextOf = (response: StreamResponse): AsyncGenerator<string> =>
  (response as WithUtf8Text)[UTF8_TEXT]?.() ?? response.iterText();

/** Opens the same request again with extra headers (for SSE reconnection). */
export type Reopen = (headers: Record<string, string>) => Promise<StreamResponse>;

/**
 * Sends a request and returns its body as a {@link StreamResponse}; what `client.stream` does.
 * An HTTP error's body (up to 1 MiB) is read into the error, so it can be shown, and the
 * connection is released.
 */
export async function openStream(
  client: AxiosInstance,
  method: string,
  url: string,
  config: AxiosRequestConfig = {},
): Promise<StreamResponse> {
  let response: AxiosResponse;
  try {
    response = await client.request({ ...config, method, url, responseType: 'stream' });
  } catch (error) {
    if (axios.isAxiosError(error) && error.response && isReadable(error.response.data)) {
      error.response.data = await readErrorBody(error.response);
    }
    throw error;
  }
  const reopen: Reopen = (headers) =>
    openStream(client, method, url, {
      ...config,
      headers: axios.AxiosHeaders.concat(config.headers as never, headers),
    });
  return toStreamResponse(response, reopen);
}

/**
 * Adds the stream methods to a response whose `data` is a Node `Readable` (as axios returns for
 * `responseType: 'stream'`). `reopen` enables `iterEvents({ reconnect: true })`.
 *
 * @example
 * ```ts
 * const res = toStreamResponse(await api.get('/feed', { responseType: 'stream' }));
 * for await (const chunk of res.iterBytes(65536)) hash.update(chunk);
 * ```
 */
export function toStreamResponse(response: AxiosResponse, reopen?: Reopen): StreamResponse {
  const body = response.data as unknown;
  if (!isReadable(body)) {
    throw new ClientError('toStreamResponse needs a response whose data is a stream (responseType: "stream")', {
      code: 'ERR_NOT_STREAM',
      config: response.config,
    });
  }
  const config = response.config as InternalAxiosRequestConfig;
  let consumed = false;
  const take = (): Readable => {
    if (consumed) {
      throw new ClientError('The response body was already consumed; a stream can be read once', {
        code: 'ERR_STREAM_CONSUMED',
        config,
      });
    }
    consumed = true;
    return body;
  };
  const close = (): void => {
    if (!body.destroyed) body.destroy();
    const request = response.request as { destroyed?: boolean; destroy?: () => void } | undefined;
    if (request && request.destroyed === false && typeof request.destroy === 'function') request.destroy();
  };
  const contentType = response.headers?.['content-type'];
  const lineLimit = typeof config?.maxContentLength === 'number' ? config.maxContentLength : DEFAULT_MAX_CONTENT_LENGTH;

  const methods = {
    iterBytes: (chunkSize?: number) => {
      if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize > 0)) {
        throw new ClientError(`iterBytes: chunkSize must be a whole number of bytes above 0; got ${chunkSize}`, {
          code: 'ERR_BAD_OPTION_VALUE',
          config,
        });
      }
      const source = chunks(take(), response, close);
      return chunkSize === undefined ? source : rechunk(source, chunkSize);
    },
    iterText: () => text(chunks(take(), response, close), charsetOf(contentType)),
    iterLines: () => lines(text(chunks(take(), response, close), charsetOf(contentType)), lineLimit, config),
    iterEvents: (options?: IterEventsOptions) =>
      eventStream(
        // Event streams are always UTF-8 (WHATWG).
        () => text(chunks(take(), response, close), 'utf-8'),
        response,
        reopen,
        options,
        lineLimit,
        utf8TextOf,
      ),
    pipeTo: async (destination: NodeJS.WritableStream | WritableStream<Uint8Array>) => {
      const target = isWritableStream(destination)
        ? Writable.fromWeb(destination as import('node:stream/web').WritableStream)
        : destination;
      await pipeline(chunks(take(), response, close), target);
    },
    close,
  };
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(response, name, { value, enumerable: false, configurable: true, writable: true });
  }
  Object.defineProperty(response, UTF8_TEXT, {
    value: () => text(chunks(take(), response, close), 'utf-8'),
    enumerable: false,
  });
  return response as StreamResponse;
}

/** The raw chunks, with failures typed (truncation, size limit) and the connection released on early exit. */
async function* chunks(body: Readable, response: AxiosResponse, close: () => void): AsyncGenerator<Buffer> {
  const config = response.config as InternalAxiosRequestConfig;
  let received = 0;
  let finished = false;
  const reader = readChunks(body);
  try {
    for (;;) {
      const result = await reader.next();
      if (result.done) break;
      received += result.value.length;
      yield result.value;
    }
    finished = true;
  } catch (error) {
    const typed = bodyFailure(error, config, received, response);
    if (typed instanceof ClientError) {
      if (!typed.response) Object.defineProperty(typed, 'response', { value: response, writable: true });
      throw typed;
    }
    throw toClientError(typed, config);
  } finally {
    if (!finished) {
      await reader.return?.();
      close();
    }
  }
}

async function* rechunk(source: AsyncGenerator<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const chunk of source) {
    let piece = chunk;
    if (length === 0 && piece.length === size) {
      yield piece;
      continue;
    }
    while (length + piece.length >= size) {
      const take = size - length;
      pending.push(piece.subarray(0, take));
      yield pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, size);
      piece = piece.subarray(take);
      pending = [];
      length = 0;
    }
    if (piece.length > 0) {
      pending.push(piece);
      length += piece.length;
    }
  }
  if (length > 0) yield Buffer.concat(pending, length);
}

async function* text(source: AsyncGenerator<Buffer>, charset: string | undefined): AsyncGenerator<string> {
  const decoder = createDecoder(charset);
  for await (const chunk of source) {
    const part = decoder.decode(chunk, { stream: true });
    if (part !== '') yield part;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

async function* lines(
  source: AsyncGenerator<string>,
  limit: number,
  config: InternalAxiosRequestConfig,
): AsyncGenerator<string> {
  let pending = '';
  for await (const part of source) {
    pending += part;
    let start = 0;
    for (;;) {
      const lf = pending.indexOf('\n', start);
      const cr = pending.indexOf('\r', start);
      if (lf === -1 && cr === -1) break;
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(lf, cr);
      // A CR at the end of what we have may be the first half of a CRLF.
      if (pending[end] === '\r' && end === pending.length - 1) break;
      yield pending.slice(start, end);
      start = pending[end] === '\r' && pending[end + 1] === '\n' ? end + 2 : end + 1;
    }
    pending = start === 0 ? pending : pending.slice(start);
    if (limit > -1 && pending.length > limit) {
      await source.return(undefined);
      throw new ResponseTooLargeError(`A line of the response is longer than maxContentLength (${limit} bytes)`, {
        config,
        limit,
      });
    }
  }
  if (pending.endsWith('\r')) pending = pending.slice(0, -1);
  if (pending !== '') yield pending;
}

/** Reads an error response's streamed body (at most 1 MiB) and decodes it, releasing the connection. */
async function readErrorBody(response: AxiosResponse): Promise<unknown> {
  const body = response.data as Readable;
  const parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of body) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      parts.push(bytes);
      length += bytes.length;
      if (length >= 1024 * 1024) break;
    }
  } catch {
    // What arrived is still worth showing.
  }
  if (!body.destroyed) body.destroy();
  return decodeResponseData(
    { ...response, data: Buffer.concat(parts) },
    response.config as InternalAxiosRequestConfig,
    false,
  );
}

function isReadable(value: unknown): value is Readable {
  return value instanceof Readable;
}

function isWritableStream(value: unknown): value is WritableStream<Uint8Array> {
  return value !== null && typeof value === 'object' && typeof (value as WritableStream).getWriter === 'function';
}
