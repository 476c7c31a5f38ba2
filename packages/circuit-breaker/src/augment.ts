import type { InternalAxiosRequestConfig } from 'axios';
import type { CircuitBreakerMetrics, CircuitState, TransitionReason } from './circuit';

/**
 * Payload of `breaker:open`, `breaker:half-open` and `breaker:close`: one breaker changed state.
 *
 * @example
 * ```ts
 * api.events.on('breaker:open', ({ host, reason, metrics }) =>
 *   log.warn(`${host} open (${reason}), retry at ${new Date(metrics.retryAt ?? 0).toISOString()}`));
 * ```
 */
export interface CircuitBreakerStateEvent {
  /** The origin whose breaker moved, or `'*'` for a client-wide breaker. */
  readonly host: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  /** That breaker's metrics just after the move. */
  readonly metrics: CircuitBreakerMetrics;
}

/**
 * Payload of `breaker:reject`: a request was refused without being sent.
 *
 * @example
 * ```ts
 * api.events.on('breaker:reject', ({ host, config }) => metrics.increment('rejected', { host, path: config.url }));
 * ```
 */
export interface CircuitBreakerRejectEvent {
  /** The origin whose breaker refused, or `'*'` for a client-wide breaker. */
  readonly host: string;
  /** `'open'`, or `'half_open'` when the probe budget was used up. */
  readonly state: 'open' | 'half_open';
  /** When probes will be let through (ms since the epoch); `undefined` when half-open or forced open. */
  readonly retryAt: number | undefined;
  /** The config of the attempt that was refused. */
  readonly config: InternalAxiosRequestConfig;
  /** Whether `fallback` answered it. */
  readonly fallback: boolean;
  readonly metrics: CircuitBreakerMetrics;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * `false` sends this request past the circuit breaker: it is neither refused by an open
     * breaker nor counted. Default: the breaker applies.
     */
    circuitBreaker?: false;
  }
}

declare module '@axle/core' {
  interface AxleEventMap {
    /** A breaker opened: calls to its host are refused until `retryAt`. */
    'breaker:open': CircuitBreakerStateEvent;
    /** A breaker turned half-open: up to `halfOpenMaxCalls` probes may pass. */
    'breaker:half-open': CircuitBreakerStateEvent;
    /** A breaker closed: calls pass again. */
    'breaker:close': CircuitBreakerStateEvent;
    /** A request was refused by an open breaker (or a half-open one with no probe left). */
    'breaker:reject': CircuitBreakerRejectEvent;
  }
}
