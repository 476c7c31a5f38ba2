import { ReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { InternalAxiosRequestConfig } from 'axios';
import { ConfigurationError } from './configuration-error';
import { isAsyncIterable, isNodeStream, isWebStream, type MultipartFields, multipartBody } from './multipart-body';
import { describeValue } from './option-checks';
import { isSchema, validateRequestBody } from './schema-validation';

/**
 * Turns a plain object or array body into bytes, in place of `JSON.stringify`: a function
 * (`(value) => string | Uint8Array`, sent as `application/json`), or `{ contentType, serialize }`
 * for another format.
 *
 * @example
 * ```ts
 * const api = createClient({ serializer: (value) => JSON.stringify(value, bigintAsString) });
 * const msgpack = createClient({ serializer: { contentType: 'application/msgpack', serialize: encode } });
 * ```
 */
export type BodySerializer =
  | ((value: unknown) => string | Uint8Array)
  | { readonly contentType: string; readonly serialize: (value: unknown) => string | Uint8Array };

/** One value of a `form` field: numbers and booleans become text; `null`/`undefined` leave the field out. */
export type FormValue = string | number | boolean | null | undefined;

/** The fields of a `form` body; an array repeats the field. */
export type FormFields = Readonly<Record<string, FormValue | readonly FormValue[]>>;

const OCTETS = 'application/octet-stream';

/**
 * Prepares a request's body before axios serialises it: `requestSchema` validation, `form` and
 * `multipart` fields, the `serializer`, streams of every kind (web streams and async iterables
 * become Node streams axios can send without buffering), and a `Content-Type` when the caller set
 * none. Runs once per logical request, right before dispatch.
 */
export function prepareRequestBody(config: InternalAxiosRequestConfig): void {
  const { form, multipart, requestSchema } = config;
  if (requestSchema !== undefined && requestSchema !== false) {
    config.data = validateRequestBody(requestSchema, config.data, config);
  }
  if (form !== undefined || multipart !== undefined) {
    const key = form !== undefined ? 'form' : 'multipart';
    if (form !== undefined && multipart !== undefined) {
      throw new ConfigurationError('form and multipart cannot both be given; choose one body', { option: 'form' });
    }
    if (config.data !== undefined && config.data !== null) {
      throw new ConfigurationError(`${key} and data cannot both be given; ${key} is the body`, { option: key });
    }
    if (form !== undefined) {
      config.data = formBody(form);
    } else {
      const { body, boundary, length } = multipartBody(multipart as MultipartFields);
      config.data = body;
      const current = config.headers.getContentType();
      if (typeof current !== 'string' || current === '') {
        config.headers.setContentType(`multipart/form-data; boundary=${boundary}`);
      } else if (/^multipart\//i.test(current) && !/boundary=/i.test(current)) {
        config.headers.setContentType(`${current}; boundary=${boundary}`);
      }
      if (length !== undefined && !config.headers.has('Content-Length')) config.headers.set('Content-Length', length);
      if (!Buffer.isBuffer(body)) streamed(config);
    }
    return;
  }
  const data = config.data as unknown;
  if (data === undefined || data === null || typeof data !== 'object') return;
  if (isNodeStream(data)) {
    if (data instanceof ReadStream) fileLength(config, data);
    streamed(config);
    return;
  }
  if (isWebStream(data)) {
    config.data = Readable.fromWeb(data as import('node:stream/web').ReadableStream);
    streamed(config);
    return;
  }
  if (isAsyncIterable(data)) {
    config.data = Readable.from(data as AsyncIterable<unknown>, { objectMode: false });
    streamed(config);
    return;
  }
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    defaultType(config, OCTETS);
    return;
  }
  const serializer = config.serializer;
  if (serializer !== undefined && (Array.isArray(data) || isPlainObject(data))) {
    const type = config.headers.getContentType();
    // A form or multipart Content-Type chosen by the caller keeps axios's encoding of the object.
    if (typeof type === 'string' && /urlencoded|multipart/i.test(type)) return;
    const serialize = typeof serializer === 'function' ? serializer : serializer.serialize;
    const out = serialize(data);
    // Bytes, so axios's transformRequest does not re-encode a string that claims JSON.
    config.data = typeof out === 'string' ? Buffer.from(out) : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    defaultType(config, typeof serializer === 'function' ? 'application/json' : serializer.contentType);
  }
}

/**
 * A streamed body is sent once, as it is read: never buffered for a redirect (axios's redirect
 * follower would keep every byte to replay it), so redirects are not followed for it.
 */
function streamed(config: InternalAxiosRequestConfig): void {
  defaultType(config, OCTETS);
  config.maxRedirects = 0;
}

function fileLength(config: InternalAxiosRequestConfig, file: ReadStream): void {
  if (config.headers.has('Content-Length') || typeof file.path !== 'string') return;
  try {
    const size = statSync(file.path).size;
    const options = file as unknown as { start?: number; end?: number };
    const start = options.start ?? 0;
    const end = Math.min(options.end ?? Number.POSITIVE_INFINITY, size - 1);
    config.headers.set('Content-Length', Math.max(0, end - start + 1));
  } catch {
    // Not a regular file (a pipe, a device): sent chunked.
  }
}

function defaultType(config: InternalAxiosRequestConfig, type: string): void {
  const current = config.headers.getContentType();
  if (typeof current !== 'string' || current === '') config.headers.setContentType(type);
}

function formBody(form: FormFields | URLSearchParams): URLSearchParams {
  if (form instanceof URLSearchParams) return form;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    const values = Array.isArray(value) ? (value as readonly FormValue[]) : [value as FormValue];
    for (const item of values) if (item !== undefined && item !== null) params.append(name, String(item));
  }
  return params;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks the body and validation options (`form`, `multipart`, `serializer`, `schema`,
 * `requestSchema`) of a client or a request; `prefix` goes before option names in messages.
 */
export function checkPayloadOptions(config: Record<string, unknown>, prefix: string): void {
  const { form, multipart, serializer, schema, requestSchema } = config;
  if (form !== undefined && !(form instanceof URLSearchParams) && !isPlainObject(form)) {
    fail(`${prefix}form`, 'an object of field names and values, or URLSearchParams', form);
  }
  if (multipart !== undefined && !isPlainObject(multipart)) {
    fail(`${prefix}multipart`, 'an object of field names and values (text, bytes, Blobs, streams or files)', multipart);
  }
  if (
    serializer !== undefined &&
    typeof serializer !== 'function' &&
    !(
      isPlainObject(serializer) &&
      typeof serializer.serialize === 'function' &&
      typeof serializer.contentType === 'string' &&
      serializer.contentType !== ''
    )
  ) {
    fail(`${prefix}serializer`, 'a function (value) => string | Uint8Array, or { contentType, serialize }', serializer);
  }
  for (const [key, value] of [
    ['schema', schema],
    ['requestSchema', requestSchema],
  ] as const) {
    if (value !== undefined && value !== false && !isSchema(value)) {
      fail(`${prefix}${key}`, 'a zod schema (z.object({...}), ...), or false', value);
    }
  }
}

function fail(option: string, expected: string, got: unknown): never {
  throw new ConfigurationError(`Invalid ${option}: expected ${expected}; got ${describeValue(got)}`, { option });
}
