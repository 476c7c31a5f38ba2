import type { BodySerializer, FormFields } from './body-serializer';
import type { MultipartFields } from './multipart-body';
import type { Schema } from './schema-validation';

/**
 * The per-request keys for bodies and validation that `@axle/core` adds to axios's request
 * config (`serializer` is also a client option).
 */
declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Fields sent as `application/x-www-form-urlencoded` (arrays repeat a field; `null` and
     * `undefined` leave it out). Not with `data`. Default: none.
     */
    form?: FormFields | URLSearchParams;
    /**
     * Fields sent as `multipart/form-data`: text, bytes, `Blob`s, streams (read while sending,
     * never buffered) or `{ data, filename, contentType }` files. Not with `data`. Default: none.
     */
    multipart?: MultipartFields;
    /** Serialises plain object and array bodies in place of `JSON.stringify`. Default: JSON. */
    serializer?: BodySerializer;
    /**
     * A zod schema `response.data` must match; the response carries zod's output, typed as
     * `z.infer<typeof schema>` by the client's methods. `false` turns it off. Default: none (no cost).
     */
    schema?: Schema | false;
    /**
     * A zod schema the request body must match before anything is sent; zod's output is sent.
     * Default: none.
     */
    requestSchema?: Schema | false;
  }
}

/**
 * The body and validation keys axle adds to a request config (all optional, default off).
 *
 * @example
 * ```ts
 * const options: PayloadOptions = { form: { q: 'axle' } };
 * await api.post('/search', undefined, options);
 * ```
 */
export type PayloadOptions = Pick<
  import('axios').AxiosRequestConfig,
  'form' | 'multipart' | 'serializer' | 'schema' | 'requestSchema'
>;
