// Type expectations, checked by `tsc --noEmit` (npm run typecheck), not run by Jest.
// A line marked @ts-expect-error fails the type check if it ever starts to compile.

import {
  type CircuitBreakerMetrics,
  type CircuitBreakerPlugin,
  type CircuitBreakerSnapshot,
  type CircuitState,
  circuitBreaker,
  type TransitionReason,
} from '@axle/circuit-breaker';
import { type AxlePlugin, type CircuitBreakerOpenError, createClient, TimeoutError, ValidationError } from '@axle/core';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { expectTypeOf } from 'expect-type';

const breaker = circuitBreaker({
  failureThreshold: 5,
  resetTimeout: 30_000,
  successThreshold: 2,
  excludedErrors: [ValidationError, TimeoutError, (error) => error instanceof RangeError],
  fallback: (config, error) => {
    expectTypeOf(config).toEqualTypeOf<InternalAxiosRequestConfig>();
    expectTypeOf(error).toEqualTypeOf<CircuitBreakerOpenError>();
    return { data: null, status: 200, statusText: 'OK', headers: {}, config };
  },
});
expectTypeOf(breaker).toMatchTypeOf<AxlePlugin>();
expectTypeOf(breaker.state).toEqualTypeOf<CircuitState>();
expectTypeOf(breaker.metrics).toEqualTypeOf<CircuitBreakerMetrics>();
expectTypeOf(breaker.metrics.lastFailureTime).toEqualTypeOf<number | undefined>();
expectTypeOf(breaker.snapshot()).toEqualTypeOf<CircuitBreakerSnapshot>();
expectTypeOf(breaker.forHost('https://api.example.com').state).toEqualTypeOf<CircuitState>();
expectTypeOf<CircuitBreakerPlugin['key']>().toEqualTypeOf<'circuitBreaker'>();

// @ts-expect-error options are checked
circuitBreaker({ failure_threshold: 5 });
// @ts-expect-error excludedErrors takes classes and predicates, not names
circuitBreaker({ excludedErrors: ['ValidationError'] });
// @ts-expect-error a fallback returns a response
circuitBreaker({ fallback: () => 'cached' });
circuitBreaker({
  fallback: async (config): Promise<AxiosResponse> => ({ data: 1, status: 200, statusText: '', headers: {}, config }),
});

const api = createClient({ baseURL: 'https://api.example.com', plugins: [breaker] });

// The per-request key: `false` skips the breaker; nothing else is accepted.
void api.get('/u', { circuitBreaker: false });
// @ts-expect-error only false
void api.get('/u', { circuitBreaker: true });

// The events are typed by name.
api.events.on('breaker:open', (e) => {
  expectTypeOf(e.host).toEqualTypeOf<string>();
  expectTypeOf(e.reason).toEqualTypeOf<TransitionReason>();
  expectTypeOf(e.metrics).toEqualTypeOf<CircuitBreakerMetrics>();
});
api.events.on('breaker:half-open', (e) => expectTypeOf(e.to).toEqualTypeOf<CircuitState>());
api.events.on('breaker:close', (e) => expectTypeOf(e.from).toEqualTypeOf<CircuitState>());
api.events.on('breaker:reject', (e) => {
  expectTypeOf(e.state).toEqualTypeOf<'open' | 'half_open'>();
  expectTypeOf(e.retryAt).toEqualTypeOf<number | undefined>();
  expectTypeOf(e.config).toEqualTypeOf<InternalAxiosRequestConfig>();
});
// @ts-expect-error no such event
api.events.on('breaker:opened', () => undefined);
