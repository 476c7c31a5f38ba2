import type { ResolvedCircuitBreakerOptions } from './options';
import { RateWindow } from './rate-window';

/**
 * The state of a breaker: `'closed'` lets calls through, `'open'` rejects them at once,
 * `'half_open'` lets a budget of probe calls through to test recovery.
 *
 * @example
 * ```ts
 * if (breaker.state === 'open') console.warn('upstream is down');
 * ```
 */
export type CircuitState = 'closed' | 'open' | 'half_open';

/**
 * A state held by `forceOpen()` (rejects every call until `forceClose()` or `reset()`) or
 * `forceClose()` (lets every call through and never trips until `forceOpen()` or `reset()`).
 *
 * @example
 * ```ts
 * if (breaker.forced === 'open') console.warn('someone pulled the plug by hand');
 * ```
 */
export type ForcedState = 'open' | 'closed';

/**
 * Why a breaker changed state: `'failure-threshold'` and `'failure-rate'` open it from closed,
 * `'probe-failed'` reopens it from half-open, `'reset-timeout'` makes it half-open,
 * `'probes-succeeded'` closes it, and `'manual'` is `forceOpen()`, `forceClose()`, `reset()` or
 * `restore()`.
 *
 * @example
 * ```ts
 * api.events.on('breaker:open', ({ reason }) => reason === 'manual' || page());
 * ```
 */
export type TransitionReason =
  | 'failure-threshold'
  | 'failure-rate'
  | 'probe-failed'
  | 'reset-timeout'
  | 'probes-succeeded'
  | 'manual';

/**
 * A breaker's numbers, read at one instant. Counters run from the breaker's creation (or its
 * last `reset()`); they only grow, as monitoring systems expect.
 *
 * @example
 * ```ts
 * const { state, failureRate, rejectedCount } = breaker.metrics;
 * ```
 */
export interface CircuitBreakerMetrics {
  /** The state right now. */
  readonly state: CircuitState;
  /** Set while `forceOpen()` or `forceClose()` holds the state; otherwise `undefined`. */
  readonly forced: ForcedState | undefined;
  /** Calls that failed in a way that counts (included statuses, connection errors, timeouts). */
  readonly failureCount: number;
  /** Calls that succeeded (any response, 4xx included, whose status is not counted as a failure). */
  readonly successCount: number;
  /** Calls the breaker rejected without sending them. */
  readonly rejectedCount: number;
  /** Calls whose outcome did not count: excluded errors, cancellations, errors of other layers. */
  readonly ignoredCount: number;
  /** Failures since the last success: what `failureThreshold` is compared with. */
  readonly consecutiveFailures: number;
  /** Failures among counted calls in the last `samplingDuration`, 0 to 1 (0 when there were none). */
  readonly failureRate: number;
  /** Counted calls in the last `samplingDuration`. */
  readonly windowCalls: number;
  /** When the last counted failure ended (ms since the epoch), or `undefined`. */
  readonly lastFailureTime: number | undefined;
  /** When the breaker last opened (ms since the epoch), or `undefined` when it is not open. */
  readonly openedAt: number | undefined;
  /** When an open breaker will let probes through (ms since the epoch); `undefined` otherwise or when forced open. */
  readonly retryAt: number | undefined;
}

/**
 * What one breaker's state is saved as, in `CircuitBreakerSnapshot#circuits`.
 *
 * @example
 * ```ts
 * const open = breaker.snapshot().circuits.filter((c: CircuitSnapshot) => c.state === 'open').map((c) => c.host);
 * ```
 */
export interface CircuitSnapshot {
  /** The origin (`http://127.0.0.1:8080`), or `'*'` for a client-wide breaker. */
  readonly host: string;
  readonly state: CircuitState;
  readonly forced?: ForcedState;
  readonly openedAt?: number;
  readonly retryAt?: number;
  readonly consecutiveFailures: number;
  readonly failureCount: number;
  readonly successCount: number;
  readonly rejectedCount: number;
  readonly ignoredCount: number;
  readonly lastFailureTime?: number;
}

/** How a call that went through ended, for the breaker. */
export type Outcome = 'success' | 'failure' | 'ignored';

/** Called on every state change of a circuit. */
export type TransitionListener = (
  circuit: Circuit,
  from: CircuitState,
  to: CircuitState,
  reason: TransitionReason,
) => void;

/** What `acquire` returns when the call may not pass. */
export const REJECTED = -1;

/**
 * One breaker's state machine (one per client, or one per origin). It runs on the clock, with no
 * timer: an open breaker turns half-open when it is next asked after `retryAt`, as
 * resilience4j does by default.
 *
 * Every state change starts a new generation; a call's outcome moves the state only if the call
 * was let through in the current generation, so a slow call that started before the breaker
 * opened cannot close it, and a probe that returns after the breaker closed cannot reopen it.
 */
export class Circuit {
  readonly host: string;
  readonly #options: ResolvedCircuitBreakerOptions;
  readonly #onTransition: TransitionListener;
  readonly #window: RateWindow;
  #state: CircuitState = 'closed';
  #generation = 0;
  #forced: ForcedState | undefined;
  #openedAt: number | undefined;
  #retryAt: number | undefined;
  #consecutive = 0;
  #probes = 0;
  #probeSuccesses = 0;
  #failureCount = 0;
  #successCount = 0;
  #rejectedCount = 0;
  #ignoredCount = 0;
  #lastFailureTime: number | undefined;

  /** `forced` starts the circuit forced open or closed (with no event: it never was otherwise). */
  constructor(
    host: string,
    options: ResolvedCircuitBreakerOptions,
    onTransition: TransitionListener,
    forced?: ForcedState,
  ) {
    this.host = host;
    this.#options = options;
    this.#onTransition = onTransition;
    this.#window = new RateWindow(options.samplingDuration);
    this.#forced = forced;
    if (forced === 'open') this.#state = 'open';
  }

  /** The state at `now`: an open breaker past `retryAt` turns half-open here. */
  stateAt(now: number): CircuitState {
    if (this.#state === 'open' && this.#retryAt !== undefined && now >= this.#retryAt) {
      this.#moveTo('half_open', 'reset-timeout');
    }
    return this.#state;
  }

  /** The state as stored, without looking at the clock (see `stateAt`). */
  get state(): CircuitState {
    return this.#state;
  }

  get forced(): ForcedState | undefined {
    return this.#forced;
  }

  get retryAt(): number | undefined {
    return this.#state === 'open' ? this.#retryAt : undefined;
  }

  /**
   * Asks to let one call through. Returns a permit (pass it to `settle`), or `REJECTED`; a
   * rejection is counted here.
   */
  acquire(now: number): number {
    if (this.#state === 'closed') return this.#generation;
    const state = this.stateAt(now);
    if (state === 'half_open' && this.#probes < this.#options.halfOpenMaxCalls) {
      this.#probes++;
      return this.#generation;
    }
    this.#rejectedCount++;
    return REJECTED;
  }

  /** Records how a call let through with `permit` ended, and moves the state if it must. */
  settle(permit: number, outcome: Outcome, now: number): void {
    if (outcome === 'ignored') {
      this.#ignoredCount++;
      // A probe whose outcome says nothing about the upstream gives its permit back, or a
      // half-open breaker whose probes were all cancelled would wait forever.
      if (permit === this.#generation && this.#state === 'half_open') this.#probes--;
      return;
    }
    const failure = outcome === 'failure';
    if (failure) {
      this.#failureCount++;
      this.#lastFailureTime = now;
    } else {
      this.#successCount++;
    }
    if (permit !== this.#generation) return;

    if (this.#state === 'half_open') {
      if (failure) {
        this.#open(now, 'probe-failed');
      } else if (++this.#probeSuccesses >= this.#options.successThreshold) {
        this.#moveTo('closed', 'probes-succeeded');
      }
      return;
    }
    // Closed (an open breaker hands out no permits of its generation).
    this.#window.record(failure, now);
    this.#consecutive = failure ? this.#consecutive + 1 : 0;
    if (!failure || this.#forced === 'closed') return;
    const { failureThreshold, failureRateThreshold, minimumThroughput } = this.#options;
    if (failureThreshold !== undefined && this.#consecutive >= failureThreshold) {
      this.#open(now, 'failure-threshold');
      return;
    }
    if (failureRateThreshold !== undefined) {
      const { calls, failures } = this.#window.totals(now);
      if (calls >= minimumThroughput && failures / calls >= failureRateThreshold) this.#open(now, 'failure-rate');
    }
  }

  /** Opens the breaker and holds it open until `forceClose()` or `reset()`. */
  forceOpen(now: number): void {
    this.#forced = 'open';
    if (this.#state === 'open') {
      this.#retryAt = undefined;
      return;
    }
    this.#open(now, 'manual');
  }

  /** Closes the breaker and holds it closed until `forceOpen()` or `reset()`. */
  forceClose(): void {
    this.#forced = 'closed';
    if (this.#state !== 'closed') this.#moveTo('closed', 'manual');
  }

  /** Back to a new breaker: closed, not forced, every counter at zero. */
  reset(): void {
    this.#forced = undefined;
    this.#failureCount = 0;
    this.#successCount = 0;
    this.#rejectedCount = 0;
    this.#ignoredCount = 0;
    this.#lastFailureTime = undefined;
    if (this.#state === 'closed') {
      this.#generation++;
      this.#consecutive = 0;
      this.#window.clear();
    } else {
      this.#moveTo('closed', 'manual');
    }
  }

  /** Counted calls and failures in the sampling window that ends at `now`. */
  windowTotals(now: number): { calls: number; failures: number } {
    return this.#window.totals(now);
  }

  /**
   * The numbers at `now`. With `advance: false` the stored state is reported as it is, without
   * turning an open breaker half-open (for reports made during a state change).
   */
  metrics(now: number, advance = true): CircuitBreakerMetrics {
    const state = advance ? this.stateAt(now) : this.#state;
    const { calls, failures } = this.#window.totals(now);
    return {
      state,
      forced: this.#forced,
      failureCount: this.#failureCount,
      successCount: this.#successCount,
      rejectedCount: this.#rejectedCount,
      ignoredCount: this.#ignoredCount,
      consecutiveFailures: this.#consecutive,
      failureRate: calls === 0 ? 0 : failures / calls,
      windowCalls: calls,
      lastFailureTime: this.#lastFailureTime,
      openedAt: state === 'open' ? this.#openedAt : undefined,
      retryAt: this.retryAt,
    };
  }

  /** The state as plain data (JSON-safe). The sampling window is not included. */
  snapshot(now: number): CircuitSnapshot {
    const state = this.stateAt(now);
    return {
      host: this.host,
      state,
      ...(this.#forced ? { forced: this.#forced } : {}),
      ...(state === 'open' && this.#openedAt !== undefined ? { openedAt: this.#openedAt } : {}),
      ...(state === 'open' && this.#retryAt !== undefined ? { retryAt: this.#retryAt } : {}),
      consecutiveFailures: this.#consecutive,
      failureCount: this.#failureCount,
      successCount: this.#successCount,
      rejectedCount: this.#rejectedCount,
      ignoredCount: this.#ignoredCount,
      ...(this.#lastFailureTime !== undefined ? { lastFailureTime: this.#lastFailureTime } : {}),
    };
  }

  /**
   * Takes the state of `saved` (already checked). A half-open breaker comes back with a fresh
   * probe budget: the probes of the process that saved it are gone. No event is emitted here.
   */
  load(saved: CircuitSnapshot): void {
    this.#generation++;
    this.#state = saved.state;
    this.#forced = saved.forced;
    this.#openedAt = saved.openedAt;
    this.#retryAt = saved.state === 'open' && saved.forced !== 'open' ? saved.retryAt : undefined;
    this.#consecutive = saved.consecutiveFailures;
    this.#probes = 0;
    this.#probeSuccesses = 0;
    this.#failureCount = saved.failureCount;
    this.#successCount = saved.successCount;
    this.#rejectedCount = saved.rejectedCount;
    this.#ignoredCount = saved.ignoredCount;
    this.#lastFailureTime = saved.lastFailureTime;
    this.#window.clear();
  }

  #open(now: number, reason: TransitionReason): void {
    this.#openedAt = now;
    this.#retryAt = this.#forced === 'open' ? undefined : now + this.#options.resetTimeout;
    this.#moveTo('open', reason);
  }

  #moveTo(to: CircuitState, reason: TransitionReason): void {
    const from = this.#state;
    this.#state = to;
    this.#generation++;
    this.#probes = 0;
    this.#probeSuccesses = 0;
    if (to === 'closed') {
      this.#consecutive = 0;
      this.#window.clear();
    }
    this.#onTransition(this, from, to, reason);
  }
}
