// Every transition of the state machine, on fake time, through a client and a transport the
// test answers call by call (so calls can be in flight at the same time).

import {
  type CircuitBreakerOptions,
  type CircuitBreakerPlugin,
  type CircuitBreakerStateEvent,
  circuitBreaker,
} from '@axle/circuit-breaker';
import {
  type AxleInstance,
  CircuitBreakerOpenError,
  createClient,
  isCircuitBreakerOpenError,
  ServerError,
  ValidationError,
} from '@axle/core';
import axios from 'axios';
import { flush, outcome, type PendingCall, parkedTransport, useClock } from './support';

let api: AxleInstance;
let breaker: CircuitBreakerPlugin;
let transport: ReturnType<typeof parkedTransport>;
let moves: string[];

function setup(options: CircuitBreakerOptions): void {
  transport = parkedTransport();
  breaker = circuitBreaker(options);
  api = createClient({ baseURL: 'http://upstream.test', adapter: transport.adapter, plugins: [breaker], retry: false });
  moves = [];
  const log = (e: CircuitBreakerStateEvent) => moves.push(`${e.from}->${e.to}:${e.reason}`);
  api.events.on('breaker:open', log);
  api.events.on('breaker:half-open', log);
  api.events.on('breaker:close', log);
}

/** Sends one request and answers it with `status` (or a refused connection). */
async function call(status: number | 'refuse'): Promise<unknown> {
  const result = outcome(api.get('/x'));
  await flush();
  const pending = transport.waiting().at(-1);
  if (pending) {
    if (status === 'refuse') pending.refuse();
    else pending.respond(status);
  }
  return result;
}

/** Sends `n` requests at once and leaves them in flight. */
async function inFlight(n: number): Promise<{ results: Promise<unknown>[]; calls: PendingCall[] }> {
  const before = transport.calls.length;
  const results = Array.from({ length: n }, () => outcome(api.get('/x')));
  await flush();
  return { results, calls: transport.calls.slice(before) };
}

beforeEach(() => useClock());
afterEach(async () => {
  await api.close();
  jest.useRealTimers();
});

describe('closed → open', () => {
  it('opens after failureThreshold consecutive failures; a success in between starts the count again', async () => {
    setup({ failureThreshold: 3 });
    await call(503);
    await call(503);
    await call(200);
    expect(breaker.metrics.consecutiveFailures).toBe(0);
    await call(500);
    await call('refuse');
    expect(breaker.state).toBe('closed');
    await call(502);
    expect(breaker.state).toBe('open');
    expect(moves).toEqual(['closed->open:failure-threshold']);
    expect(breaker.metrics).toMatchObject({ failureCount: 5, successCount: 1, consecutiveFailures: 3 });
  });

  it('open: fails at once with CircuitBreakerOpenError (host, state, retryAt, URL), nothing reaches the transport', async () => {
    setup({ failureThreshold: 1, resetTimeout: 10_000 });
    await call(503);
    const openedAt = Date.now();
    const sent = transport.calls.length;
    const error = await outcome(api.get('/users/1', { params: { page: 2 } }));
    expect(transport.calls.length).toBe(sent);
    expect(error).toBeInstanceOf(CircuitBreakerOpenError);
    expect(isCircuitBreakerOpenError(error)).toBe(true);
    expect(axios.isAxiosError(error)).toBe(true);
    const open = error as CircuitBreakerOpenError;
    expect(open).toMatchObject({ host: '*', state: 'open', retryAt: openedAt + 10_000, code: 'ERR_CIRCUIT_OPEN' });
    expect(open.message).toBe(
      'Circuit breaker is open; request not sent (probes allowed in 10000 ms): GET http://upstream.test/users/1?page=2',
    );
    expect(open.config?.url).toBe('/users/1');
    expect(open.toJSON()).toMatchObject({ host: '*', state: 'open', retryAt: openedAt + 10_000 });
    expect(breaker.metrics.rejectedCount).toBe(1);
  });

  it('4xx, statuses not included and excluded errors never count', async () => {
    setup({ failureThreshold: 2, excludedErrors: [ValidationError, (e) => (e as Error).message === 'skip me'] });
    for (const status of [400, 401, 403, 404, 409, 429, 501]) await call(status);
    expect(breaker.metrics).toMatchObject({ failureCount: 0, successCount: 7, state: 'closed' });
    await call(503);
    // Neither failures nor successes: the streak of one failure survives them.
    let result = outcome(api.get('/x'));
    await flush();
    transport.waiting()[0]?.fail(new ValidationError('bad json', {}));
    await result;
    result = outcome(api.get('/x'));
    await flush();
    transport.waiting()[0]?.fail(new Error('skip me'));
    await result;
    expect(breaker.metrics).toMatchObject({ consecutiveFailures: 1, ignoredCount: 2, state: 'closed' });
    await call(503);
    expect(breaker.state).toBe('open');
  });

  it('includedStatusCodes replaces the default list', async () => {
    setup({ failureThreshold: 1, includedStatusCodes: [507] });
    await call(503);
    expect(breaker.state).toBe('closed');
    await call(507);
    expect(breaker.state).toBe('open');
  });

  it('a response that validateStatus lets through still counts by its status', async () => {
    setup({});
    const direct = circuitBreaker({ failureThreshold: 1 });
    const client = createClient({
      baseURL: 'http://upstream.test',
      adapter: async (config) => ({ data: null, status: 503, statusText: '', headers: {}, config }),
      plugins: [direct],
      retry: false,
    });
    expect((await client.get('/x')).status).toBe(503);
    expect(direct.state).toBe('open');
    await client.close();
  });

  it('a cancelled call does not count', async () => {
    setup({ failureThreshold: 1 });
    const controller = new AbortController();
    const result = outcome(api.get('/x', { signal: controller.signal }));
    await flush();
    transport.waiting()[0]?.fail(new axios.CanceledError('stop'));
    expect(axios.isCancel(await result)).toBe(true);
    expect(breaker.metrics).toMatchObject({ ignoredCount: 1, failureCount: 0, state: 'closed' });
  });
});

describe('open → half-open → closed / open', () => {
  it('turns half-open when asked after resetTimeout, not before', async () => {
    setup({ failureThreshold: 1, resetTimeout: 5000 });
    await call(503);
    jest.advanceTimersByTime(4999);
    expect(breaker.state).toBe('open');
    expect(await call(200)).toBeInstanceOf(CircuitBreakerOpenError);
    jest.advanceTimersByTime(1);
    expect(breaker.state).toBe('half_open');
    expect(moves).toEqual(['closed->open:failure-threshold', 'open->half_open:reset-timeout']);
  });

  it('half-open: exactly halfOpenMaxCalls of many concurrent calls pass; the rest are rejected at once', async () => {
    setup({ failureThreshold: 1, resetTimeout: 1000, halfOpenMaxCalls: 3, successThreshold: 3 });
    await call(503);
    jest.advanceTimersByTime(1000);
    const sent = transport.calls.length;
    const { results, calls } = await inFlight(10);
    expect(calls).toHaveLength(3);
    expect(transport.calls.length - sent).toBe(3);
    // The seven others were rejected without waiting for the probes.
    const early = await Promise.race([Promise.all(results.slice(3)), flush().then(() => 'still waiting')]);
    expect(early).toHaveLength(7);
    for (const error of early as unknown[]) {
      expect(error).toMatchObject({ name: 'CircuitBreakerOpenError', state: 'half_open', retryAt: undefined });
      expect((error as Error).message).toMatch(/half-open and its 3 probe call\(s\) are taken/);
    }
    // More arrivals while the probes run are rejected too.
    expect(await outcome(api.get('/x'))).toMatchObject({ state: 'half_open' });
    for (const c of calls) c.respond(200);
    expect(await Promise.all(results.slice(0, 3))).toEqual([200, 200, 200]);
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics.rejectedCount).toBe(8);
  });

  it('closes after successThreshold successful probes; a probe still in flight then counts as a closed-state call', async () => {
    setup({ failureThreshold: 2, resetTimeout: 1000, halfOpenMaxCalls: 3, successThreshold: 2 });
    await call(503);
    await call(503);
    jest.advanceTimersByTime(1000);
    const { results, calls } = await inFlight(3);
    calls[0]?.respond(200);
    await flush();
    expect(breaker.state).toBe('half_open');
    calls[1]?.respond(200);
    await flush();
    expect(breaker.state).toBe('closed');
    // The third probe fails after the breaker closed: it was let through in the half-open
    // generation, so it cannot reopen the breaker, but it is counted.
    calls[2]?.respond(503);
    await Promise.all(results);
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics).toMatchObject({ consecutiveFailures: 0, failureCount: 3 });
    expect(moves).toEqual([
      'closed->open:failure-threshold',
      'open->half_open:reset-timeout',
      'half_open->closed:probes-succeeded',
    ]);
  });

  it('a failed probe reopens at once for a new resetTimeout; probes still in flight cannot close it', async () => {
    setup({ failureThreshold: 1, resetTimeout: 1000, halfOpenMaxCalls: 3, successThreshold: 1 });
    await call(503);
    jest.advanceTimersByTime(1000);
    const { results, calls } = await inFlight(3);
    calls[0]?.respond(500);
    await flush();
    expect(breaker.state).toBe('open');
    expect(breaker.metrics.retryAt).toBe(Date.now() + 1000);
    calls[1]?.respond(200);
    calls[2]?.respond(200);
    await Promise.all(results);
    expect(breaker.state).toBe('open');
    expect(moves).toEqual([
      'closed->open:failure-threshold',
      'open->half_open:reset-timeout',
      'half_open->open:probe-failed',
    ]);
    jest.advanceTimersByTime(1000);
    expect(await call(200)).toBe(200);
    expect(breaker.state).toBe('closed');
  });

  it('a probe whose outcome does not count gives its permit back', async () => {
    setup({ failureThreshold: 1, resetTimeout: 1000, halfOpenMaxCalls: 1, successThreshold: 1 });
    await call(503);
    jest.advanceTimersByTime(1000);
    const first = await inFlight(1);
    expect(await outcome(api.get('/x'))).toBeInstanceOf(CircuitBreakerOpenError);
    first.calls[0]?.fail(new axios.CanceledError('caller gave up'));
    await first.results[0];
    expect(breaker.state).toBe('half_open');
    expect(await call(200)).toBe(200);
    expect(breaker.state).toBe('closed');
  });

  it('a call let through before the breaker opened cannot close it when it succeeds later', async () => {
    setup({ failureThreshold: 1, resetTimeout: 1000 });
    const slow = await inFlight(1);
    await call(503);
    expect(breaker.state).toBe('open');
    slow.calls[0]?.respond(200);
    expect(await slow.results[0]).toBe(200);
    expect(breaker.state).toBe('open');
    expect(breaker.metrics.successCount).toBe(1);
  });
});

describe('failure rate', () => {
  const options: CircuitBreakerOptions = {
    failureRateThreshold: 0.5,
    samplingDuration: 10_000,
    minimumThroughput: 4,
  };

  it('does not trip below minimumThroughput, however many of the calls failed', async () => {
    setup(options);
    for (let i = 0; i < 3; i++) await call(503);
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics).toMatchObject({ failureRate: 1, windowCalls: 3 });
    // Consecutive failures do not trip it: failureThreshold is off when only the rate is given.
    expect(breaker.options.failureThreshold).toBeUndefined();
  });

  it('trips when the rate reaches the threshold over the window', async () => {
    setup(options);
    await call(200);
    await call(200);
    await call(503);
    expect(breaker.state).toBe('closed');
    await call(503);
    expect(breaker.state).toBe('open');
    expect(moves).toEqual(['closed->open:failure-rate']);
  });

  it('forgets calls older than samplingDuration', async () => {
    setup(options);
    await call(503);
    await call(503);
    await call(503);
    jest.advanceTimersByTime(11_000);
    expect(breaker.metrics.windowCalls).toBe(0);
    await call(200);
    await call(200);
    await call(200);
    await call(503);
    expect(breaker.metrics).toMatchObject({ windowCalls: 4, failureRate: 0.25, state: 'closed' });
  });

  it('with both thresholds, whichever is reached first trips it', async () => {
    setup({ ...options, failureThreshold: 2 });
    await call(503);
    await call(503);
    expect(breaker.metrics.windowCalls).toBe(2);
    expect(moves).toEqual(['closed->open:failure-threshold']);
  });

  it('starts from a clean window after closing again', async () => {
    setup({ ...options, resetTimeout: 1000, halfOpenMaxCalls: 1, successThreshold: 1 });
    for (let i = 0; i < 4; i++) await call(503);
    jest.advanceTimersByTime(1000);
    await call(200);
    expect(breaker.state).toBe('closed');
    await call(503);
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics.windowCalls).toBe(1);
  });
});

describe('manual control', () => {
  it('forceOpen holds the breaker open past resetTimeout; forceClose holds it closed through failures; reset frees it', async () => {
    setup({ failureThreshold: 1, resetTimeout: 1000 });
    breaker.forceOpen();
    expect(breaker.state).toBe('open');
    expect(breaker.forced).toBe('open');
    jest.advanceTimersByTime(60_000);
    const error = (await call(200)) as CircuitBreakerOpenError;
    expect(error).toMatchObject({ state: 'open', retryAt: undefined });
    expect(error.message).toMatch(/^Circuit breaker is forced open; request not sent/);
    expect(breaker.metrics.retryAt).toBeUndefined();

    breaker.forceClose();
    expect(breaker.forced).toBe('closed');
    for (let i = 0; i < 5; i++) await call(503);
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics.failureCount).toBe(5);

    breaker.reset();
    expect(breaker.forced).toBeUndefined();
    expect(breaker.metrics).toMatchObject({ failureCount: 0, successCount: 0, rejectedCount: 0, state: 'closed' });
    await call(503);
    expect(breaker.state).toBe('open');
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(moves).toEqual([
      'closed->open:manual',
      'open->closed:manual',
      'closed->open:failure-threshold',
      'open->closed:manual',
    ]);
  });

  it('forceOpen on an open breaker keeps it open for good; forceOpen after forceClose opens it', async () => {
    setup({ failureThreshold: 1, resetTimeout: 1000 });
    await call(503);
    breaker.forceOpen();
    jest.advanceTimersByTime(5000);
    expect(breaker.state).toBe('open');
    breaker.forceClose();
    breaker.forceOpen();
    expect(breaker.state).toBe('open');
    expect(moves).toEqual(['closed->open:failure-threshold', 'open->closed:manual', 'closed->open:manual']);
  });

  it('a request with circuitBreaker: false passes an open breaker and is not counted', async () => {
    setup({ failureThreshold: 1 });
    breaker.forceOpen();
    const result = outcome(api.get('/x', { circuitBreaker: false }));
    await flush();
    transport.waiting()[0]?.respond(503);
    expect(await result).toBeInstanceOf(ServerError);
    expect(breaker.metrics.failureCount).toBe(0);
  });

  it('any other per-request value is a ConfigurationError naming the option', async () => {
    setup({});
    const error = await outcome(api.get('/x', { circuitBreaker: true as never }));
    expect(error).toMatchObject({ name: 'ConfigurationError', option: 'circuitBreaker' });
  });
});

describe('events', () => {
  it('breaker:reject carries host, state, retryAt, config and metrics; state events carry metrics', async () => {
    setup({ failureThreshold: 1, resetTimeout: 2000 });
    const opened: CircuitBreakerStateEvent[] = [];
    api.events.on('breaker:open', (e) => opened.push(e));
    const rejects: unknown[] = [];
    api.events.on('breaker:reject', (e) => rejects.push(e));
    await call(503);
    expect(opened[0]).toMatchObject({
      host: '*',
      from: 'closed',
      to: 'open',
      reason: 'failure-threshold',
      metrics: { state: 'open', failureCount: 1, retryAt: Date.now() + 2000 },
    });
    await outcome(api.get('/y'));
    expect(rejects).toEqual([
      expect.objectContaining({
        host: '*',
        state: 'open',
        retryAt: Date.now() + 2000,
        fallback: false,
        config: expect.objectContaining({ url: '/y' }),
        metrics: expect.objectContaining({ rejectedCount: 1 }),
      }),
    ]);
  });
});
