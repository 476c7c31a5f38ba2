import { inspect } from 'node:util';
import {
  AuthenticationError,
  CircuitBreakerError,
  CircuitBreakerOpenError,
  ClientError,
  ClientResponseError,
  ConfigurationError,
  ConnectionError,
  ConnectTimeoutError,
  createClient,
  createHTTPError,
  ForbiddenError,
  HTTPError,
  isAuthenticationError,
  isCircuitBreakerError,
  isCircuitBreakerOpenError,
  isClientError,
  isClientResponseError,
  isConfigurationError,
  isConnectionError,
  isConnectTimeoutError,
  isForbiddenError,
  isHTTPError,
  isNotFoundError,
  isRateLimitError,
  isReadTimeoutError,
  isServerError,
  isTimeoutError,
  isValidationError,
  isWriteTimeoutError,
  NotFoundError,
  RateLimitError,
  ReadTimeoutError,
  requestUrl,
  ServerError,
  TimeoutError,
  toClientError,
  ValidationError,
  WriteTimeoutError,
} from '@axle/core';
import axios, { AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';

const SECRET = 'sekret-token-123';

function config(overrides: Partial<InternalAxiosRequestConfig> = {}): InternalAxiosRequestConfig {
  return {
    method: 'get',
    baseURL: 'https://api.example.test',
    url: '/users/7',
    headers: new axios.AxiosHeaders({ Authorization: `Bearer ${SECRET}` }),
    ...overrides,
  } as InternalAxiosRequestConfig;
}

function response(status: number, headers: Record<string, string> = {}, data: unknown = { error: 'x' }): AxiosResponse {
  return {
    status,
    statusText: status === 404 ? 'Not Found' : '',
    headers: new axios.AxiosHeaders({ 'set-cookie': `sid=${SECRET}`, ...headers }),
    data,
    config: config(),
  } as unknown as AxiosResponse;
}

describe('status → error class', () => {
  it.each([
    [400, ClientResponseError, 'ClientResponseError'],
    [401, AuthenticationError, 'AuthenticationError'],
    [403, ForbiddenError, 'ForbiddenError'],
    [404, NotFoundError, 'NotFoundError'],
    [409, ClientResponseError, 'ClientResponseError'],
    [429, RateLimitError, 'RateLimitError'],
    [500, ServerError, 'ServerError'],
    [503, ServerError, 'ServerError'],
    [599, ServerError, 'ServerError'],
    [304, HTTPError, 'HTTPError'],
  ])('%i becomes %p', (status, cls, name) => {
    const error = createHTTPError(response(status));
    expect(error).toBeInstanceOf(cls);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toBeInstanceOf(AxiosError);
    expect(axios.isAxiosError(error)).toBe(true);
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    expect(error.response.status).toBe(status);
    expect(error.code).toBe(status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST');
  });

  it('says what happened and to which URL, with the body still reachable', () => {
    const error = createHTTPError(response(404, {}, { error: 'no such user' }));
    expect(error.message).toBe('Request failed with status 404 Not Found: GET https://api.example.test/users/7');
    expect(error.method).toBe('GET');
    expect(error.url).toBe('https://api.example.test/users/7');
    expect(error.response.data).toEqual({ error: 'no such user' });
  });

  it('reads Retry-After as delta-seconds and as an HTTP-date', () => {
    expect((createHTTPError(response(429, { 'retry-after': '120' })) as RateLimitError).retryAfter).toBe(120);
    const date = new Date(Date.now() + 30_000).toUTCString();
    const fromDate = createHTTPError(response(429, { 'retry-after': date })) as RateLimitError;
    expect(fromDate.retryAfter).toBeGreaterThanOrEqual(28);
    expect(fromDate.retryAfter).toBeLessThanOrEqual(31);
    expect(createHTTPError(response(429)).retryAfter).toBeUndefined();
    expect(createHTTPError(response(503, { 'retry-after': '5' })).retryAfter).toBe(5);
  });
});

describe('credentials never leak', () => {
  const error = createHTTPError(response(401), {
    config: config({ url: 'https://user:hunter2@api.example.test/x?api_key=sekret-token-123&page=2' }),
  });

  it('redacts the URL in the message', () => {
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('page=2');
    expect(error.message).toContain('api_key=[REDACTED]');
  });

  it('redacts toJSON and leaves the config out', () => {
    const json = JSON.stringify(error);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain('hunter2');
    const parsed = JSON.parse(json);
    expect(parsed).toMatchObject({ name: 'AuthenticationError', status: 401, method: 'GET' });
    expect(parsed.config).toBeUndefined();
    expect(parsed.response.headers['set-cookie']).toBe('[REDACTED]');
  });

  it('prints nothing secret through util.inspect, console.log and the wrapped cause', () => {
    const wrapped = toClientError(
      new AxiosError('Request failed with status code 401', 'ERR_BAD_REQUEST', config(), {}, response(401)),
    ) as ClientError;
    expect(inspect(wrapped, { depth: 10 })).not.toContain(SECRET);
    expect(inspect(error, { depth: 10 })).not.toContain(SECRET);
    expect(inspect(wrapped.cause, { depth: 10 })).not.toContain(SECRET);
    expect(Object.keys(wrapped)).not.toContain('config');
    // The data stays reachable for code that asks for it.
    expect(wrapped.config?.headers.Authorization).toBe(`Bearer ${SECRET}`);
  });
});

describe('toClientError', () => {
  it('maps network failures to ConnectionError with the original as cause', () => {
    const original = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const axiosError = AxiosError.from(original, undefined, config());
    const error = toClientError(axiosError, config()) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.cause).toBe(axiosError);
    expect(error.message).toMatch(/ECONNREFUSED.*GET https:\/\/api\.example\.test\/users\/7$/);
  });

  it.each(['ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ERR_NETWORK'])('maps %s to ConnectionError', (code) => {
    expect(toClientError(new AxiosError('boom', code, config()))).toBeInstanceOf(ConnectionError);
  });

  it('maps a nested network code', () => {
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = Object.assign(new AxiosError('socket hang up', undefined, config()), { cause });
    expect(toClientError(error)).toBeInstanceOf(ConnectionError);
  });

  it("maps axios's timeout to TimeoutError", () => {
    const error = toClientError(new AxiosError('timeout of 50ms exceeded', 'ECONNABORTED', config()));
    expect(error).toBeInstanceOf(TimeoutError);
    // axios's code stays, for drop-in code that checks it.
    expect((error as TimeoutError).code).toBe('ECONNABORTED');
  });

  it('maps an aborted connection that is not a timeout to ConnectionError', () => {
    expect(toClientError(new AxiosError('Request aborted', 'ECONNABORTED', config()))).toBeInstanceOf(ConnectionError);
  });

  it('maps bad options to ConfigurationError', () => {
    expect(toClientError(new AxiosError('Invalid URL', 'ERR_INVALID_URL', config()))).toBeInstanceOf(
      ConfigurationError,
    );
  });

  it('maps a strict JSON parse failure to ValidationError that keeps status, headers and raw body', () => {
    const raw = `{"broken": ${'x'.repeat(300)}`;
    const res = response(200, { 'content-type': 'application/json' }, raw);
    const syntax = new SyntaxError('Unexpected token x');
    const parseError = Object.assign(new AxiosError('Unexpected token', 'ERR_BAD_RESPONSE', config(), {}, res), {
      cause: syntax,
    });
    const error = toClientError(parseError) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.response?.status).toBe(200);
    expect(error.response?.data).toBe(raw);
    expect(error.message).toContain('status 200');
    expect(error.message).toContain('application/json');
    expect(error.message).toContain('GET https://api.example.test/users/7');
    expect(error.issues[0]?.code).toBe('invalid_json');
  });

  it('keeps axle errors and cancellations as they are, and wraps anything else', () => {
    const typed = new ConnectionError('x');
    expect(toClientError(typed)).toBe(typed);
    const canceled = new axios.CanceledError('stop');
    expect(toClientError(canceled)).toBe(canceled);
    const wrapped = toClientError(new TypeError('bad'), config()) as ClientError;
    expect(wrapped).toBeInstanceOf(ClientError);
    expect(wrapped.message).toBe('Request failed (bad): GET https://api.example.test/users/7');
    expect(toClientError('weird')).toBeInstanceOf(ClientError);
  });
});

describe('guards check the marker, not only instanceof', () => {
  const cases: [unknown, (e: unknown) => boolean, boolean][] = [
    [new AuthenticationError('x', { response: response(401) }), isAuthenticationError, true],
    [new ForbiddenError('x', { response: response(403) }), isForbiddenError, true],
    [new NotFoundError('x', { response: response(404) }), isNotFoundError, true],
    [new RateLimitError('x', { response: response(429) }), isRateLimitError, true],
    [new ServerError('x', { response: response(500) }), isServerError, true],
    [new ServerError('x', { response: response(500) }), isClientResponseError, false],
    [new NotFoundError('x', { response: response(404) }), isClientResponseError, true],
    [new NotFoundError('x', { response: response(404) }), isHTTPError, true],
    [new ConnectionError('x'), isConnectionError, true],
    [new ConnectionError('x'), isHTTPError, false],
    [new ConnectTimeoutError('x'), isConnectTimeoutError, true],
    [new ConnectTimeoutError('x'), isTimeoutError, true],
    [new ReadTimeoutError('x'), isReadTimeoutError, true],
    [new WriteTimeoutError('x'), isWriteTimeoutError, true],
    [new ReadTimeoutError('x'), isWriteTimeoutError, false],
    [new CircuitBreakerOpenError('x', { host: 'h', state: 'open' }), isCircuitBreakerOpenError, true],
    [new CircuitBreakerOpenError('x', { host: 'h', state: 'open' }), isCircuitBreakerError, true],
    [new CircuitBreakerError('x'), isCircuitBreakerOpenError, false],
    [new ValidationError('x'), isValidationError, true],
    [new ConfigurationError('x'), isConfigurationError, true],
    [new ConfigurationError('x'), isClientError, true],
    [new AxiosError('x'), isClientError, false],
    [new Error('x'), isClientError, false],
    [null, isClientError, false],
    ['NotFoundError', isNotFoundError, false],
  ];
  it.each(cases)('%p → %p is %p', (value, guard, expected) => {
    expect(guard(value)).toBe(expected);
  });

  it('accepts an error from another copy of the package (same marker, other class)', () => {
    const foreign = Object.create(Error.prototype) as Record<symbol, unknown>;
    foreign[Symbol.for('axle.error.kinds')] = ['NotFoundError', 'ClientResponseError', 'HTTPError', 'ClientError'];
    expect(isNotFoundError(foreign)).toBe(true);
    expect(isServerError(foreign)).toBe(false);
  });
});

describe('error-specific fields', () => {
  it('CircuitBreakerOpenError carries host, state and retryAt in JSON', () => {
    const error = new CircuitBreakerOpenError('Circuit open', { host: 'api.example.test', state: 'open', retryAt: 5 });
    expect(error.toJSON()).toMatchObject({
      host: 'api.example.test',
      state: 'open',
      retryAt: 5,
      code: 'ERR_CIRCUIT_OPEN',
    });
  });

  it('ValidationError and ConfigurationError serialise their details', () => {
    const v = new ValidationError('bad body', {
      issues: [{ path: ['a', 0], message: 'Expected number', code: 'invalid_type' }],
    });
    expect(v.toJSON().issues).toEqual([{ path: ['a', 0], message: 'Expected number', code: 'invalid_type' }]);
    expect(new ConfigurationError('bad', { option: 'timeout' }).toJSON()).toMatchObject({ option: 'timeout' });
  });

  it('uses method and url given without a config', () => {
    const error = new ClientError('Nope', { method: 'post', url: 'http://h/x?token=abc' });
    expect(error.message).toBe('Nope: POST http://h/x?token=[REDACTED]');
  });

  it('keeps the cause in the stack for reporters that only read stack', () => {
    const cause = new Error('root cause here');
    const error = new ConnectionError('Connection failed', { cause });
    expect(error.stack).toContain('Caused by: Error: root cause here');
    expect(error.toJSON().cause).toEqual({ name: 'Error', message: 'root cause here' });
  });
});

describe('requestUrl', () => {
  it.each([
    [{ baseURL: 'https://h/api', url: '/users/1' }],
    [{ baseURL: 'https://h/api/', url: 'users/1' }],
    [{ baseURL: 'https://h/api/', url: '' }],
    [{ baseURL: 'https://h', url: 'https://other/x' }],
    [{ baseURL: 'https://h', url: 'https://other/x', allowAbsoluteUrls: false }],
    [{ url: '/only/path' }],
    [{ baseURL: 'https://h/api', url: '/x', params: { a: [1, 2], b: 'c d' } }],
    [{ baseURL: 'https://h/api', url: '/x?q=1', params: { page: 2 } }],
  ])('matches axios.getUri for %p', (config) => {
    expect(requestUrl(config as InternalAxiosRequestConfig)).toBe(axios.getUri(config));
  });
});

describe('captureStack: false', () => {
  it('skips the constructor frames; a request error still ends with the caller frames axios adds', async () => {
    const bare = new ClientError('refused', { captureStack: false, method: 'GET', url: 'http://127.0.0.1/x' });
    expect(bare.stack).toBe('ClientError: refused: GET http://127.0.0.1/x');
    expect(new ClientError('full').stack).toContain('\n    at ');
    const limit = Error.stackTraceLimit;
    expect(new Error('after').stack?.split('\n').length).toBeGreaterThan(1);
    expect(Error.stackTraceLimit).toBe(limit);

    const api = createClient({
      adapter: (config) => Promise.reject(new ClientError('refused', { config, captureStack: false })),
      retry: false,
    });
    const error: ClientError = await api.get('http://127.0.0.1:9/x').then(
      () => {
        throw new Error('resolved');
      },
      (e: unknown) => e as ClientError,
    );
    expect(error.stack).toMatch(/^ClientError: refused: GET http:\/\/127\.0\.0\.1:9\/x\n/);
    // The caller's frame (this test file), added by axios.
    expect(error.stack).toContain('errors.test.ts');
    await api.close();
  });
});
