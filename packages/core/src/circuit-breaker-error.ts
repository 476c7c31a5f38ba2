import { ClientError, type ClientErrorJSON, type ClientErrorOptions } from './client-error';

/**
 * A failure of the circuit breaker layer (see `@axle/circuit-breaker`).
 *
 * @example
 * ```ts
 * if (isCircuitBreakerError(err)) console.warn(err.message);
 * ```
 */
export class CircuitBreakerError<T = unknown, D = unknown> extends ClientError<T, D> {
  static override readonly errorName: string = 'CircuitBreakerError';
}

/** What a `CircuitBreakerOpenError` is built from. */
export interface CircuitBreakerOpenErrorOptions extends ClientErrorOptions {
  /** The host (or `'*'` for a client-wide breaker) whose breaker is open. */
  host: string;
  /** The breaker state that rejected the call: `'open'`, or `'half_open'` with no probe left. */
  state: 'open' | 'half_open';
  /** When the breaker will let a probe through (ms since the epoch), if known. */
  retryAt?: number;
}

/**
 * The breaker is open: the request failed at once, before any rate-limit wait and without
 * opening a socket.
 *
 * @example
 * ```ts
 * if (isCircuitBreakerOpenError(err)) return cachedUsers();
 * ```
 */
export class CircuitBreakerOpenError<T = unknown, D = unknown> extends CircuitBreakerError<T, D> {
  static override readonly errorName: string = 'CircuitBreakerOpenError';
  /** The host whose breaker is open. */
  readonly host: string;
  /** The state that rejected the call. */
  readonly state: 'open' | 'half_open';
  /** When the breaker will try half-open (ms since the epoch), or `undefined`. */
  readonly retryAt: number | undefined;

  constructor(message: string, options: CircuitBreakerOpenErrorOptions) {
    super(message, { code: 'ERR_CIRCUIT_OPEN', ...options });
    this.host = options.host;
    this.state = options.state;
    this.retryAt = options.retryAt;
  }

  protected override buildJSON(): ClientErrorJSON {
    return { ...super.buildJSON(), host: this.host, state: this.state, retryAt: this.retryAt };
  }
}
