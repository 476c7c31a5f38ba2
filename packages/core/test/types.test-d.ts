// Type expectations, checked by `tsc --noEmit` (npm run typecheck), not run by Jest.
// A line marked @ts-expect-error fails the type check if it ever starts to compile.

import {
  type AxleInstance,
  type ClientErrorJSON,
  createClient,
  definePlugin,
  type HTTPError,
  isNotFoundError,
  type Logger,
  loggingMiddleware,
  type Middleware,
  metricsMiddleware,
  type RateLimitError,
  type RequestMetric,
  type RetryInfo,
  type ServerSentEvent,
  type StreamResponse,
  timingMiddleware,
} from '@axle/core';
import axios, { type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { expectTypeOf } from 'expect-type';
import { z } from 'zod';

const client = createClient({
  baseURL: 'https://api.example.com',
  retry: { retries: 2, idempotencyKey: true },
  timeout: { connect: 1000, total: 5000 },
  throwHttpErrors: [404],
});

// The client is an axios instance with additions.
expectTypeOf(client).toMatchTypeOf<AxiosInstance>();
expectTypeOf(client.close).returns.toEqualTypeOf<Promise<void>>();
expectTypeOf(client.extend({ headers: { 'X-A': '1' } })).toEqualTypeOf<AxleInstance>();
expectTypeOf(client.create()).toEqualTypeOf<AxleInstance>();
expectTypeOf(client.closed).toEqualTypeOf<boolean>();

// Per-request keys type-check...
void client.get('/u', { retry: false });
void client.get('/u', { retry: 3 });
void client.get('/u', { retry: { retries: 1, methods: ['GET'] } });
void client.post('/u', {}, { throwHttpErrors: false });
void client.request({ url: '/u', retry: { onRetry: (info) => expectTypeOf(info).toEqualTypeOf<RetryInfo>() } });

// ...and misspelled or mistyped ones do not.
// @ts-expect-error `retyr` is not an option
void client.get('/u', { retyr: false });
// @ts-expect-error retry takes false, a number or options
void client.get('/u', { retry: 'yes' });
// @ts-expect-error `retries` belongs inside `retry`
void client.get('/u', { retry: { retires: 2 } });
// @ts-expect-error `baseUrl` is not an option (it is `baseURL`)
createClient({ baseUrl: 'https://api.example.com' });
// @ts-expect-error timeout objects take known phases only
createClient({ timeout: { conect: 1 } });

// Hooks that only change things in place need not return anything.
function addTenant(config: InternalAxiosRequestConfig): void {
  config.headers.set('X-Tenant', 'acme');
}
createClient({ hooks: { request: [addTenant], response: [(response: AxiosResponse) => void response.status] } });

// Events are typed by name.
client.events.on('retry', (info) => expectTypeOf(info.reason).toEqualTypeOf<number | string>());
client.events.on('response', ({ response, durationMs }) => {
  expectTypeOf(response).toEqualTypeOf<AxiosResponse>();
  expectTypeOf(durationMs).toEqualTypeOf<number>();
});
// @ts-expect-error no such event
client.events.on('responded', () => undefined);

// Guards narrow; errors stay AxiosErrors.
declare const err: unknown;
if (isNotFoundError(err)) {
  expectTypeOf(err.status).toEqualTypeOf<number>();
  expectTypeOf(err.toJSON()).toEqualTypeOf<ClientErrorJSON>();
}
declare const limited: RateLimitError;
expectTypeOf(limited.retryAfter).toEqualTypeOf<number | undefined>();
expectTypeOf(limited).toMatchTypeOf<HTTPError>();
expectTypeOf(axios.isAxiosError(limited)).toEqualTypeOf<boolean>();

// A plugin is checked by definePlugin.
definePlugin({ name: 'x', role: 'cache', install: () => undefined });
// @ts-expect-error unknown role
definePlugin({ name: 'x', role: 'kache', install: () => undefined });

// Observability options, middleware and with().
const observed = createClient({
  logger: console,
  logBodyBytes: 256,
  slowThreshold: 2000,
  requestId: 'ulid',
  trace: true,
  telemetry: true,
  redact: ['X-Tenant-Secret', /^x-internal-/i],
  middleware: [timingMiddleware(), metricsMiddleware((m: RequestMetric) => void m.durationMs)],
});
createClient({ requestId: () => 'id' });
// @ts-expect-error requestId formats are 'uuid' and 'ulid'
createClient({ requestId: 'snowflake' });
// @ts-expect-error a logger needs all four methods
createClient({ logger: { info: () => undefined } });
// @ts-expect-error logging is fixed at createClient
observed.extend({ logger: console });
expectTypeOf(observed.with(loggingMiddleware({ logger: console }))).toEqualTypeOf<AxleInstance>();
const perRequest: Middleware = (config, next) => next(config);
void observed.get('/u', { middleware: [perRequest], redact: ['tenant'] });
void observed.get('/u').then((response) => expectTypeOf(response.durationMs).toEqualTypeOf<number | undefined>());
const pinoLike: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
createClient({ logger: pinoLike });

// Schemas type `response.data`: `z.infer<typeof schema>`; without one, axios's types.
{
  const User = z.object({ id: z.number(), name: z.string() });
  type User = z.infer<typeof User>;
  const api = createClient();
  expectTypeOf(api.get('/u', { schema: User })).resolves.toEqualTypeOf<AxiosResponse<User, unknown>>();
  expectTypeOf(api.request({ url: '/u', schema: User })).resolves.toMatchTypeOf<{ data: User }>();
  expectTypeOf(api.post('/u', { name: 'x' }, { schema: User })).resolves.toMatchTypeOf<{ data: User }>();
  expectTypeOf(api.delete('/u', { schema: z.array(User) })).resolves.toMatchTypeOf<{ data: User[] }>();
  expectTypeOf(api.get<{ raw: true }>('/u')).resolves.toMatchTypeOf<{ data: { raw: true } }>();
  // Transforms type the output, not the input.
  const Dated = z.object({ at: z.string().transform((s) => new Date(s)) });
  expectTypeOf(api.put('/d', undefined, { schema: Dated })).resolves.toMatchTypeOf<{ data: { at: Date } }>();
  // The client is still usable where an AxiosInstance is expected.
  const asAxios: AxiosInstance = api;
  void asAxios;
  // @ts-expect-error a schema must be a zod schema
  void api.get('/u', { schema: { parse: () => 1 } });
  // Streams.
  expectTypeOf(api.stream('GET', '/s')).resolves.toMatchTypeOf<StreamResponse>();
  const _events: Promise<IteratorResult<ServerSentEvent, void>> = null as unknown as ReturnType<
    ReturnType<StreamResponse['iterEvents']>['next']
  >;
  void _events;
  // Bodies.
  void api.post('/f', undefined, { form: { a: 1, b: ['x'], c: null } });
  void api.post('/m', undefined, { multipart: { f: { data: Buffer.from('x'), filename: 'x.txt' } } });
  // @ts-expect-error form values are text, numbers or booleans
  void api.post('/f', undefined, { form: { a: { nested: true } } });
}
