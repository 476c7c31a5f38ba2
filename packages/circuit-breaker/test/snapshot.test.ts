// Exporting and restoring state: a restart does not forget an open upstream.

import {
  type CircuitBreakerSnapshot,
  type CircuitBreakerStateEvent,
  type CircuitSnapshot,
  circuitBreaker,
} from '@axle/circuit-breaker';
import { type AxleInstance, CircuitBreakerOpenError, ConfigurationError, createClient } from '@axle/core';
import { flush, outcome, parkedTransport, useClock } from './support';

const clients: AxleInstance[] = [];
function clientWith(plugin: ReturnType<typeof circuitBreaker>, baseURL = 'http://upstream.test') {
  const transport = parkedTransport();
  const api = createClient({ baseURL, adapter: transport.adapter, plugins: [plugin], retry: false });
  clients.push(api);
  const call = async (status: number, url = '/x') => {
    const result = outcome(api.get(url));
    await flush();
    transport.waiting().at(-1)?.respond(status);
    return result;
  };
  return { api, transport, call };
}

beforeEach(() => useClock());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((api) => api.close()));
  jest.useRealTimers();
});

const closedCircuit: CircuitSnapshot = {
  host: '*',
  state: 'closed',
  consecutiveFailures: 0,
  failureCount: 0,
  successCount: 0,
  rejectedCount: 0,
  ignoredCount: 0,
};

describe('snapshot / restore', () => {
  it('an open breaker restored in a new process stays open until its retryAt, then probes', async () => {
    const first = circuitBreaker({ failureThreshold: 2, resetTimeout: 10_000, successThreshold: 1 });
    const one = clientWith(first);
    await one.call(503);
    await one.call(503);
    const openedAt = Date.now();
    jest.advanceTimersByTime(4000);
    const saved = JSON.parse(JSON.stringify(first.snapshot())) as CircuitBreakerSnapshot;
    expect(saved).toEqual({
      version: 1,
      takenAt: openedAt + 4000,
      perHost: false,
      circuits: [
        {
          host: '*',
          state: 'open',
          openedAt,
          retryAt: openedAt + 10_000,
          consecutiveFailures: 2,
          failureCount: 2,
          successCount: 0,
          rejectedCount: 0,
          ignoredCount: 0,
          lastFailureTime: openedAt,
        },
      ],
    });

    // "Restart": a new handle, restored before its client exists.
    jest.advanceTimersByTime(1000);
    const second = circuitBreaker({ failureThreshold: 2, resetTimeout: 10_000, successThreshold: 1 });
    second.restore(saved);
    expect(second.state).toBe('open');
    const two = clientWith(second);
    const error = await outcome(two.api.get('/x'));
    expect(error).toBeInstanceOf(CircuitBreakerOpenError);
    expect(error).toMatchObject({ retryAt: openedAt + 10_000 });
    expect(two.transport.calls).toHaveLength(0);
    // Time spent down counts: 5 s of the 10 s are gone.
    jest.advanceTimersByTime(5000);
    expect(second.state).toBe('half_open');
    expect(await two.call(200)).toBe(200);
    expect(second.state).toBe('closed');
  });

  it('an open breaker restored after its retryAt passed is half-open at once', () => {
    const breaker = circuitBreaker();
    breaker.restore({
      version: 1,
      takenAt: Date.now() - 60_000,
      perHost: false,
      circuits: [{ ...closedCircuit, state: 'open', openedAt: Date.now() - 60_000, retryAt: Date.now() - 30_000 }],
    });
    expect(breaker.state).toBe('half_open');
  });

  it('restore on an installed breaker replaces its state and reports the moves as manual', async () => {
    const breaker = circuitBreaker({ perHost: true, failureThreshold: 1 });
    const { api, call } = clientWith(breaker);
    const moves: string[] = [];
    const log = (e: CircuitBreakerStateEvent) => moves.push(`${e.host} ${e.from}->${e.to}:${e.reason}`);
    api.events.on('breaker:open', log);
    api.events.on('breaker:close', log);
    api.events.on('breaker:half-open', log);
    await call(503, 'http://a.test/');
    await call(200, 'http://b.test/');
    expect(moves).toEqual(['http://a.test closed->open:failure-threshold']);
    breaker.restore({
      version: 1,
      takenAt: Date.now(),
      perHost: true,
      circuits: [
        { ...closedCircuit, host: 'http://b.test', state: 'open', retryAt: Date.now() + 1000 },
        { ...closedCircuit, host: 'http://c.test', state: 'half_open' },
      ],
    });
    expect(moves.slice(1)).toEqual([
      'http://a.test open->closed:manual',
      'http://b.test closed->open:manual',
      'http://c.test closed->half_open:manual',
    ]);
    expect(breaker.hosts).toEqual(['http://b.test', 'http://c.test']);
    expect(await outcome(api.get('http://b.test/'))).toBeInstanceOf(CircuitBreakerOpenError);
  });

  it('a per-host snapshot keeps hosts in use order, and a smaller maxHosts keeps the most recent', async () => {
    const breaker = circuitBreaker({ perHost: true, failureThreshold: 1 });
    const { call } = clientWith(breaker);
    await call(200, 'http://a.test/');
    await call(503, 'http://b.test/');
    await call(200, 'http://c.test/');
    await call(200, 'http://a.test/');
    const saved = breaker.snapshot();
    expect(saved.circuits.map((c) => c.host)).toEqual(['http://b.test', 'http://c.test', 'http://a.test']);

    const small = circuitBreaker({ perHost: true, maxHosts: 2 });
    small.restore(saved);
    expect(small.hosts).toEqual(['http://c.test', 'http://a.test']);
    expect(small.forHost('http://a.test').metrics.successCount).toBe(2);
  });

  it('forced states survive, for one host and for the whole breaker', () => {
    const breaker = circuitBreaker({ perHost: true });
    breaker.forHost('http://a.test').forceOpen();
    breaker.forceClose();
    const saved = breaker.snapshot();
    expect(saved.forced).toBe('closed');
    const copy = circuitBreaker({ perHost: true });
    copy.restore(saved);
    expect(copy.forced).toBe('closed');
    expect(copy.forHost('http://a.test').metrics.forced).toBe('closed');
    expect(copy.forHost('http://new.test').metrics.forced).toBe('closed');

    const wide = circuitBreaker();
    wide.forceOpen();
    const restored = circuitBreaker();
    restored.restore(wide.snapshot());
    expect(restored.forced).toBe('open');
    expect(restored.metrics.retryAt).toBeUndefined();
    expect(restored.state).toBe('open');
  });

  it('before install, manual control and reads work on the saved state', () => {
    const breaker = circuitBreaker();
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics).toMatchObject({ failureCount: 0, state: 'closed', failureRate: 0 });
    expect(breaker.hosts).toEqual([]);
    expect(breaker.forced).toBeUndefined();
    breaker.forceOpen();
    expect(breaker.state).toBe('open');
    expect(breaker.forHost('http://anything.test').state).toBe('open');
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().circuits).toEqual([{ ...closedCircuit }]);
  });
});

describe('invalid snapshots are ConfigurationErrors naming the field', () => {
  const valid = (): CircuitBreakerSnapshot => ({ version: 1, takenAt: 0, perHost: false, circuits: [closedCircuit] });
  const cases: [string, unknown, string][] = [
    ['not an object', 'open', 'snapshot'],
    ['an array', [], 'snapshot'],
    ['another version', { ...valid(), version: 2 }, 'snapshot.version'],
    ['perHost missing', { ...valid(), perHost: undefined }, 'snapshot.perHost'],
    ['perHost differs', { ...valid(), perHost: true }, 'snapshot.perHost'],
    ['forced unknown', { ...valid(), forced: 'half' }, 'snapshot.forced'],
    ['circuits missing', { ...valid(), circuits: {} }, 'snapshot.circuits'],
    ['circuit not an object', { ...valid(), circuits: [null] }, 'snapshot.circuits[0]'],
    ['host empty', { ...valid(), circuits: [{ ...closedCircuit, host: '' }] }, 'snapshot.circuits[0].host'],
    [
      'host not *',
      { ...valid(), circuits: [{ ...closedCircuit, host: 'http://a.test' }] },
      'snapshot.circuits[0].host',
    ],
    ['host twice', { ...valid(), circuits: [closedCircuit, closedCircuit] }, 'snapshot.circuits[1].host'],
    ['state unknown', { ...valid(), circuits: [{ ...closedCircuit, state: 'ajar' }] }, 'snapshot.circuits[0].state'],
    [
      'forced unlike state',
      { ...valid(), circuits: [{ ...closedCircuit, forced: 'open' }] },
      'snapshot.circuits[0].forced',
    ],
    [
      'negative counter',
      { ...valid(), circuits: [{ ...closedCircuit, failureCount: -1 }] },
      'snapshot.circuits[0].failureCount',
    ],
    [
      'time not a number',
      { ...valid(), circuits: [{ ...closedCircuit, lastFailureTime: 'yesterday' }] },
      'snapshot.circuits[0].lastFailureTime',
    ],
    [
      'open without retryAt',
      { ...valid(), circuits: [{ ...closedCircuit, state: 'open' }] },
      'snapshot.circuits[0].retryAt',
    ],
  ];
  it.each(cases)('%s', (_name, snapshot, option) => {
    const breaker = circuitBreaker();
    let error: unknown;
    try {
      breaker.restore(snapshot as CircuitBreakerSnapshot);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ option });
    expect((error as Error).message).toMatch(/^Invalid circuit breaker snapshot: /);
  });

  it('a per-host snapshot restores into a per-host breaker only', () => {
    const perHost = circuitBreaker({ perHost: true }).snapshot();
    expect(() => circuitBreaker().restore(perHost)).toThrow(/perHost: true/);
  });
});
