import { inspect } from 'node:util';
import {
  ConfigurationError,
  createClient,
  isClientError,
  type Logger,
  type LogLevel,
  REDACTED,
  REQUEST_ID_HEADER,
  ulid,
} from '@axle/core';
import { sendJson, startServer, type TestServer } from '../../../test-support/http-server';

/** A logger that keeps every call, as a console, pino or winston logger would receive it. */
function collectingLogger(): Logger & { calls: { level: LogLevel; args: unknown[] }[]; text(): string } {
  const calls: { level: LogLevel; args: unknown[] }[] = [];
  const at =
    (level: LogLevel) =>
    (...args: unknown[]) =>
      void calls.push({ level, args });
  return {
    calls,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => calls.map((call) => inspect(call.args, { depth: 20 }) + JSON.stringify(call.args)).join('\n'),
  };
}

function records(logger: ReturnType<typeof collectingLogger>, level?: LogLevel): Record<string, unknown>[] {
  return logger.calls
    .filter((call) => level === undefined || call.level === level)
    .map((call) => call.args[0] as Record<string, unknown>);
}

// Every secret the requests below carry; none may appear in any log output.
const SECRETS = {
  bearer: 'sekret-bearer-6b1f',
  proxy: 'sekret-proxy-77aa',
  cookie: 'sekret-cookie-91c3',
  setCookie: 'sekret-setcookie-0d2e',
  apiKeyHeader: 'sekret-apikeyheader-44f0',
  apiKeyQuery: 'sekret-apikeyquery-5e21',
  tokenQuery: 'sekret-tokenquery-a1b2',
  urlPassword: 'sekret-urlpassword-c3d4',
  customHeader: 'sekret-customheader-e5f6',
  regexHeader: 'sekret-regexheader-1a2b',
  customQuery: 'sekret-customquery-3c4d',
  bodyPassword: 'sekret-bodypassword-5e6f',
  bodyCustom: 'sekret-bodycustom-7a8b',
  responseToken: 'sekret-responsetoken-9c0d',
  formToken: 'sekret-formtoken-2b3c',
};

let server: TestServer;
let calls = 0;
beforeAll(async () => {
  server = await startServer((req, res) => {
    calls += 1;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/fail') return sendJson(res, 503, { error: 'down' });
    if (path === '/flaky') {
      return calls % 2 === 1 ? sendJson(res, 503, { error: 'down' }) : sendJson(res, 200, { ok: true });
    }
    if (path === '/slow') {
      setTimeout(() => sendJson(res, 200, { slow: true }), 60);
      return;
    }
    sendJson(
      res,
      200,
      { access_token: SECRETS.responseToken, name: 'ann', requestId: req.headers['x-request-id'] ?? null },
      { 'set-cookie': `sid=${SECRETS.setCookie}; HttpOnly` },
    );
  });
});
afterAll(() => server.close());

describe('logging with redaction', () => {
  it('no secret reaches the logger at DEBUG, with body samples on, across success, retries, slow responses and failures', async () => {
    const logger = collectingLogger();
    const api = createClient({
      baseURL: server.url.replace('http://', `http://ann:${SECRETS.urlPassword}@`),
      logger,
      logBodyBytes: 4096,
      slowThreshold: 30,
      requestId: true,
      redact: ['X-Tenant-Secret', /^x-internal-/i, 'customsecret', 'ssn'],
      retry: { retries: 2, delay: () => 0 },
      headers: {
        Authorization: `Bearer ${SECRETS.bearer}`,
        'Proxy-Authorization': `Basic ${SECRETS.proxy}`,
        Cookie: `session=${SECRETS.cookie}`,
        'X-Api-Key': SECRETS.apiKeyHeader,
        'X-Tenant-Secret': SECRETS.customHeader,
        'X-Internal-Signature': SECRETS.regexHeader,
      },
    });
    const query = `api_key=${SECRETS.apiKeyQuery}&token=${SECRETS.tokenQuery}&customsecret=${SECRETS.customQuery}&page=2`;
    await api.post(`/ok?${query}`, {
      user: 'ann',
      password: SECRETS.bodyPassword,
      profile: { ssn: SECRETS.bodyCustom },
    });
    await api.post('/ok', `grant_type=client_credentials&client_secret=${SECRETS.formToken}`, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    await api.get('/ok', { params: { apikey: SECRETS.apiKeyQuery, customsecret: SECRETS.customQuery } });
    await api.get('/slow');
    await api.get('/flaky');
    const failure = await api.get(`/fail?${query}`).catch((error: unknown) => error);
    expect(isClientError(failure)).toBe(true);

    const text = logger.text();
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect({ name, leaked: text.includes(secret) }).toEqual({ name, leaked: false });
    }
    // The error itself, as users log it.
    const errorText = `${(failure as Error).message}\n${JSON.stringify(failure)}\n${inspect(failure)}`;
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect({ name, leaked: errorText.includes(secret) }).toEqual({ name, leaked: false });
    }
    expect(text).toContain(REDACTED);
    // The samples and headers were logged (redacted), not left out.
    expect(text).toContain('"user":"ann"');
    expect(text).toContain('grant_type=client_credentials');
    expect(text).toContain('"name":"ann"');
    expect(text).toContain('page=2');
    // And the secrets did travel.
    expect(server.requests.some((req) => req.headers.cookie === `session=${SECRETS.cookie}`)).toBe(true);
    // Every level was used.
    expect(new Set(logger.calls.map((call) => call.level))).toEqual(new Set(['debug', 'info', 'warn', 'error']));
    await api.close();
  });

  it('writes structured records: DEBUG details, INFO per attempt, WARN for retries and slow responses, ERROR for final failures', async () => {
    const logger = collectingLogger();
    const api = createClient({
      baseURL: server.url,
      logger,
      logBodyBytes: 10,
      slowThreshold: 30,
      retry: { retries: 1, delay: () => 0 },
    });
    await api.post('/ok?page=1', { hello: 'world, a long body' });
    const debug = records(logger, 'debug');
    expect(debug[0]).toMatchObject({ event: 'request', method: 'POST', url: `${server.url}/ok?page=1`, attempt: 1 });
    expect(debug[0]?.headers).toMatchObject({ 'Content-Type': 'application/json' });
    expect(debug[0]?.body).toBe('{"hello":"…');
    expect(debug[1]).toMatchObject({ event: 'response-details', status: 200 });
    expect(records(logger, 'info')[0]).toMatchObject({
      event: 'response',
      method: 'POST',
      status: 200,
      attempt: 1,
      durationMs: expect.any(Number),
    });
    expect(logger.calls.find((call) => call.level === 'info')?.args[1]).toMatch(
      /^POST http:\/\/\S+\/ok\?page=1 200 in \d+ ms$/,
    );

    logger.calls.length = 0;
    await api.get('/slow');
    expect(records(logger, 'warn')).toEqual([expect.objectContaining({ event: 'slow', slowThreshold: 30 })]);

    logger.calls.length = 0;
    await expect(api.get('/fail')).rejects.toThrow(/503/);
    expect(records(logger, 'info').map((r) => [r.event, r.status, r.attempt])).toEqual([
      ['attempt-failed', 503, 1],
      ['attempt-failed', 503, 2],
    ]);
    expect(records(logger, 'warn')).toEqual([expect.objectContaining({ event: 'retry', attempt: 1, reason: 503 })]);
    expect(records(logger, 'error')).toEqual([
      expect.objectContaining({ event: 'failed', error: 'ServerError', status: 503, attempt: 2 }),
    ]);
    await api.close();
  });

  it('an HTTP error that throwHttpErrors lets through is not logged at ERROR; bodies stay out by default', async () => {
    const logger = collectingLogger();
    const api = createClient({ baseURL: server.url, logger, retry: false, throwHttpErrors: false });
    expect((await api.get('/fail')).status).toBe(503);
    await api.post('/ok', { a: 1 });
    expect(records(logger, 'error')).toEqual([]);
    expect(records(logger, 'debug').some((r) => 'body' in r || 'responseBody' in r)).toBe(false);
    await api.close();
  });

  it('with logger, requestId, trace and telemetry unset, nothing listens: the request path does no logging work', async () => {
    // Imported from the source, not '@axle/core': the test run's DEBUG audit hook adds a logger to
    // every client made through the package entry.
    const { createClient: bareCreateClient } =
      jest.requireActual<typeof import('../src/create-client')>('../src/create-client');
    const api = bareCreateClient({ baseURL: server.url, retry: false });
    expect((await api.get('/ok')).status).toBe(200);
    for (const event of ['request', 'response', 'retry', 'error'] as const) {
      expect(api.events.listenerCount(event)).toBe(0);
    }
    const logged = bareCreateClient({ baseURL: server.url, logger: collectingLogger() });
    expect(logged.events.listenerCount('response')).toBeGreaterThan(0);
    await Promise.all([api.close(), logged.close()]);
  });

  it('calls winston-style loggers with the message first, and skips DEBUG work when the logger says it is off', async () => {
    const calls: unknown[][] = [];
    const winstonLike = {
      transports: [],
      isLevelEnabled: (level: string) => level !== 'debug',
      debug: (...args: unknown[]) => calls.push(['debug', ...args]),
      info: (...args: unknown[]) => calls.push(['info', ...args]),
      warn: (...args: unknown[]) => calls.push(['warn', ...args]),
      error: (...args: unknown[]) => calls.push(['error', ...args]),
    };
    const api = createClient({ baseURL: server.url, logger: winstonLike });
    await api.get('/ok');
    expect(calls).toEqual([['info', expect.stringMatching(/^GET /), expect.objectContaining({ status: 200 })]]);
    await api.close();
  });

  it('logs a cancellation at INFO, not as a failure', async () => {
    const logger = collectingLogger();
    const api = createClient({ baseURL: server.url, logger });
    const controller = new AbortController();
    const pending = api.get('/slow', { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toThrow();
    expect(records(logger, 'error')).toEqual([]);
    expect(records(logger, 'info')).toContainEqual(expect.objectContaining({ event: 'canceled', method: 'GET' }));
    await api.close();
  });

  it('a logger that throws does not fail the request', async () => {
    const boom = () => {
      throw new Error('logger down');
    };
    const api = createClient({ baseURL: server.url, logger: { debug: boom, info: boom, warn: boom, error: boom } });
    expect((await api.get('/ok')).status).toBe(200);
    await api.close();
  });

  it('checks the options at createClient, naming them', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ logger: { info() {} } }, 'logger'],
      [{ logBodyBytes: -1 }, 'logBodyBytes'],
      [{ slowThreshold: 'fast' }, 'slowThreshold'],
      [{ requestId: 'snowflake' }, 'requestId'],
      [{ trace: 'yes' }, 'trace'],
      [{ telemetry: 1 }, 'telemetry'],
      [{ redact: 'Authorization' }, 'redact'],
      [{ redact: [42] }, 'redact'],
      [{ requestID: true }, 'requestID'],
    ];
    for (const [options, option] of cases) {
      let thrown: unknown;
      try {
        createClient(options as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigurationError);
      expect((thrown as ConfigurationError).option).toBe(option);
    }
  });

  it('extend keeps the observability options of its parent and refuses to change them', async () => {
    const logger = collectingLogger();
    const api = createClient({ baseURL: server.url, logger, requestId: true });
    expect(() => api.extend({ logger: console } as never)).toThrow(/logger cannot be changed by extend/);
    const child = api.extend({ headers: { 'X-Child': '1' } });
    const { data } = await child.get('/ok');
    expect(typeof data.requestId).toBe('string');
    expect(records(logger, 'info')[0]?.requestId).toBe(data.requestId);
    await api.close();
  });
});

describe('event payloads', () => {
  it('describe the request safely and serialise without the config or any secret', async () => {
    const api = createClient({
      baseURL: server.url,
      requestId: () => 'rid-1',
      redact: ['tenant'],
      retry: { retries: 1, delay: () => 0 },
      headers: { Authorization: `Bearer ${SECRETS.bearer}` },
    });
    const payloads: unknown[] = [];
    for (const event of ['request', 'response', 'error', 'retry'] as const) {
      api.events.on(event, (payload) => {
        expect(payload).toMatchObject({ method: 'GET', requestId: 'rid-1' });
        expect(payload.url).toContain(`token=${REDACTED}`);
        payloads.push(payload);
      });
    }
    await api.get(`/ok?token=${SECRETS.tokenQuery}&tenant=${SECRETS.customQuery}`);
    await api.get(`/fail?token=${SECRETS.tokenQuery}`).catch(() => undefined);
    expect(payloads).toHaveLength(2 + 2 + 2 + 1);
    const text = `${JSON.stringify(payloads)}\n${inspect(payloads, { depth: 10 })}`;
    for (const secret of [SECRETS.bearer, SECRETS.tokenQuery, SECRETS.customQuery, SECRETS.setCookie]) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(JSON.stringify(payloads[1]))).toMatchObject({
      method: 'GET',
      requestId: 'rid-1',
      attempt: 1,
      response: { status: 200, headers: { 'set-cookie': REDACTED } },
    });
    expect(JSON.parse(JSON.stringify(payloads[3]))).toMatchObject({ error: { name: 'ServerError', status: 503 } });
    await api.close();
  });
});

describe('redact keeps axios meaning', () => {
  it('is passed on to the request config, where axios reads it for its own errors', async () => {
    const api = createClient({ baseURL: server.url, redact: ['X-Tenant-Secret'] });
    const response = await api.get('/ok', { headers: { 'X-Tenant-Secret': 'x' } });
    expect(response.config.redact).toEqual(['X-Tenant-Secret']);
    await api.close();
  });

  it('per request, in errors: URL query parameters and response headers', async () => {
    const api = createClient({ baseURL: server.url, retry: false });
    const error = (await api
      .get('/fail', { params: { tenantkey: 'sekret-tk' }, redact: ['tenantkey'] })
      .catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('sekret-tk');
    expect(error.message).toContain(`tenantkey=${REDACTED}`);
    await api.close();
  });
});

describe('request IDs', () => {
  it.each([
    [true, /^[0-9a-f-]{36}$/],
    ['uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/],
    ['ulid', /^[0-9A-HJKMNP-TV-Z]{26}$/],
  ] as const)('requestId: %p sets X-Request-ID', async (requestId, pattern) => {
    const api = createClient({ baseURL: server.url, requestId });
    const { data } = await api.get('/ok');
    expect(data.requestId).toMatch(pattern);
    await api.close();
  });

  it('uses a function, keeps an ID the caller set, and is the same on every attempt and in every record', async () => {
    const logger = collectingLogger();
    let n = 0;
    const api = createClient({
      baseURL: server.url,
      logger,
      requestId: () => `req-${++n}`,
      retry: { retries: 2, delay: () => 0 },
    });
    const before = server.requests.length;
    await expect(api.get('/fail')).rejects.toThrow();
    const sent = server.requests.slice(before).map((req) => req.headers['x-request-id']);
    expect(sent).toEqual(['req-1', 'req-1', 'req-1']);
    expect(logger.calls.length).toBeGreaterThan(5);
    expect(new Set(records(logger).map((r) => r.requestId))).toEqual(new Set(['req-1']));

    const { data } = await api.get('/ok', { headers: { [REQUEST_ID_HEADER]: 'mine' } });
    expect(data.requestId).toBe('mine');
    expect(n).toBe(1);
    await api.close();
  });

  it("with a logger alone, a caller's X-Request-ID in any case is in every record, failures included", async () => {
    const logger = collectingLogger();
    const api = createClient({ baseURL: server.url, logger, retry: false });
    await api.get('/ok', { headers: { 'x-request-id': 'lower' } });
    await expect(api.get('/fail', { headers: { 'X-REQUEST-ID': 'upper' } })).rejects.toThrow();
    await api.get('/ok');
    const all = records(logger);
    // DEBUG records (the logger has no isLevelEnabled) carry the same ID as their request's others.
    const byEvent = all
      .filter((r) => r.event !== 'request' && r.event !== 'response-details')
      .map((r) => [r.event, r.requestId]);
    expect(all.filter((r) => r.event === 'request').map((r) => r.requestId)).toEqual(['lower', 'upper', undefined]);
    expect(byEvent).toEqual([
      ['response', 'lower'],
      ['attempt-failed', 'upper'],
      ['failed', 'upper'],
      ['response', undefined],
    ]);
    await api.close();
  });

  it('ulid sorts by time', () => {
    const early = ulid(1_000);
    const late = ulid(2_000_000_000_000);
    expect(early < late).toBe(true);
    expect(early.slice(0, 10)).toBe('00000000Z8');
  });
});
