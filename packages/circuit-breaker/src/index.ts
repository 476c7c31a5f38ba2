/**
 * `@axle/circuit-breaker`: circuit breaking for axle clients. Every export is named here.
 */
export type { CircuitBreakerRejectEvent, CircuitBreakerStateEvent } from './augment';
export type {
  CircuitBreakerMetrics,
  CircuitSnapshot,
  CircuitState,
  ForcedState,
  TransitionReason,
} from './circuit';
export type { CircuitBreakerPlugin, HostCircuit } from './circuit-breaker';
export { circuitBreaker } from './circuit-breaker';
export type {
  CircuitBreakerFallback,
  CircuitBreakerOptions,
  ErrorClass,
  ErrorPredicate,
  ResolvedCircuitBreakerOptions,
} from './options';
export { DEFAULT_CIRCUIT_BREAKER_OPTIONS, resolveCircuitBreakerOptions } from './options';
export type { CircuitBreakerSnapshot } from './snapshot';
