import {
  Circuit,
  type CircuitBreakerMetrics,
  type CircuitState,
  type ForcedState,
  type TransitionListener,
} from './circuit';
import type { ResolvedCircuitBreakerOptions } from './options';
import { type CircuitBreakerSnapshot, SNAPSHOT_VERSION } from './snapshot';

/** The key of the one circuit of a breaker without `perHost`. */
export const ALL_HOSTS = '*';

const SEVERITY: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * The circuits of one breaker: one (`'*'`), or one per origin, created on first use and held in
 * least-recently-used order (a `Map` keeps insertion order; a use moves the key to the end), so
 * a client that calls 10,000 hosts keeps at most `maxHosts` of them.
 */
export class CircuitRegistry {
  readonly #options: ResolvedCircuitBreakerOptions;
  readonly #onTransition: TransitionListener;
  readonly #circuits = new Map<string, Circuit>();
  #last: Circuit | undefined;
  /** A force of the whole per-host breaker, applied to hosts seen after it too. */
  #forced: ForcedState | undefined;

  constructor(options: ResolvedCircuitBreakerOptions, onTransition: TransitionListener) {
    this.#options = options;
    this.#onTransition = onTransition;
  }

  get forced(): ForcedState | undefined {
    return this.#forced;
  }

  /**
   * The circuit for `host`, created if new (forced like the whole breaker, when it is); marks it
   * most recently used.
   */
  get(host: string): Circuit {
    // The common case, one upstream: no map work at all.
    const last = this.#last;
    if (last !== undefined && last.host === host) return last;
    let circuit = this.#circuits.get(host);
    if (circuit) {
      this.#circuits.delete(host);
    } else {
      circuit = new Circuit(host, this.#options, this.#onTransition, this.#forced);
      if (this.#circuits.size >= this.#options.maxHosts) {
        const oldest = this.#circuits.keys().next().value as string;
        this.#circuits.delete(oldest);
      }
    }
    this.#circuits.set(host, circuit);
    this.#last = circuit;
    return circuit;
  }

  /**
   * The circuit for `host` without marking it used; for a host not seen yet, a new circuit as
   * `get` would create it, not kept (reading a host must not evict another).
   */
  view(host: string): Circuit {
    return this.#circuits.get(host) ?? new Circuit(host, this.#options, this.#onTransition, this.#forced);
  }

  /** The circuit for `host` if it exists, without marking it used. */
  peek(host: string): Circuit | undefined {
    return this.#circuits.get(host);
  }

  /** Origins with a circuit, least recently used first. */
  hosts(): string[] {
    return [...this.#circuits.keys()];
  }

  /** The worst state over every circuit (open, then half-open, then closed). */
  stateAt(now: number): CircuitState {
    let worst: CircuitState = 'closed';
    for (const circuit of this.#circuits.values()) {
      const state = circuit.stateAt(now);
      if (SEVERITY[state] > SEVERITY[worst]) worst = state;
    }
    return worst;
  }

  /**
   * The metrics of the one circuit, or for a per-host breaker their sum: counters added,
   * `failureRate` over every host's window, times the latest (`retryAt`: the earliest).
   */
  metrics(now: number): CircuitBreakerMetrics {
    const circuits = [...this.#circuits.values()];
    if (circuits.length === 1 && !this.#options.perHost) return (circuits[0] as Circuit).metrics(now);
    const all = circuits.map((circuit) => circuit.metrics(now));
    const sum = (key: 'failureCount' | 'successCount' | 'rejectedCount' | 'ignoredCount' | 'windowCalls') =>
      all.reduce((total, m) => total + m[key], 0);
    const times = (key: 'lastFailureTime' | 'openedAt' | 'retryAt') =>
      all.map((m) => m[key]).filter((t): t is number => t !== undefined);
    const windowCalls = sum('windowCalls');
    const windowFailures = circuits.reduce((total, circuit) => total + circuit.windowTotals(now).failures, 0);
    const [lastFailures, openings, retries] = [times('lastFailureTime'), times('openedAt'), times('retryAt')];
    return {
      state: this.stateAt(now),
      forced: this.#forced,
      failureCount: sum('failureCount'),
      successCount: sum('successCount'),
      rejectedCount: sum('rejectedCount'),
      ignoredCount: sum('ignoredCount'),
      consecutiveFailures: all.reduce((most, m) => Math.max(most, m.consecutiveFailures), 0),
      failureRate: windowCalls === 0 ? 0 : windowFailures / windowCalls,
      windowCalls,
      lastFailureTime: lastFailures.length > 0 ? Math.max(...lastFailures) : undefined,
      openedAt: openings.length > 0 ? Math.max(...openings) : undefined,
      retryAt: retries.length > 0 ? Math.min(...retries) : undefined,
    };
  }

  /** Forces every circuit open (and, per host, those created later). */
  forceOpen(now: number): void {
    if (this.#options.perHost) this.#forced = 'open';
    else this.get(ALL_HOSTS);
    for (const circuit of this.#circuits.values()) circuit.forceOpen(now);
  }

  /** Forces every circuit closed (and, per host, those created later). */
  forceClose(): void {
    if (this.#options.perHost) this.#forced = 'closed';
    else this.get(ALL_HOSTS);
    for (const circuit of this.#circuits.values()) circuit.forceClose();
  }

  /** Resets every circuit; a per-host breaker forgets its hosts. */
  reset(): void {
    this.#forced = undefined;
    for (const circuit of this.#circuits.values()) circuit.reset();
    if (this.#options.perHost) {
      this.#circuits.clear();
      this.#last = undefined;
    }
  }

  snapshot(now: number): CircuitBreakerSnapshot {
    return {
      version: SNAPSHOT_VERSION,
      takenAt: now,
      perHost: this.#options.perHost,
      ...(this.#forced ? { forced: this.#forced } : {}),
      circuits: [...this.#circuits.values()].map((circuit) => circuit.snapshot(now)),
    };
  }

  /**
   * Replaces every circuit by those of `snapshot` (already checked). Circuits whose state
   * changes report it, with reason `'manual'`.
   */
  restore(snapshot: CircuitBreakerSnapshot, now: number): void {
    const before = new Map([...this.#circuits].map(([host, circuit]) => [host, circuit.stateAt(now)]));
    const previous = new Map(this.#circuits);
    this.#circuits.clear();
    this.#last = undefined;
    this.#forced = this.#options.perHost ? snapshot.forced : undefined;
    // The newest last: when the snapshot holds more hosts than maxHosts, the oldest give way.
    for (const saved of snapshot.circuits.slice(-this.#options.maxHosts)) {
      const circuit = previous.get(saved.host) ?? new Circuit(saved.host, this.#options, this.#onTransition);
      circuit.load(saved);
      this.#circuits.set(saved.host, circuit);
    }
    // Reported from the stored states: an open breaker restored past its retryAt reports its
    // own half-open move on its next use, as it would have without the restart.
    for (const [host, from] of before) {
      const circuit = this.#circuits.get(host) ?? (previous.get(host) as Circuit);
      const to = this.#circuits.has(host) ? circuit.state : 'closed';
      if (to !== from) this.#onTransition(circuit, from, to, 'manual');
    }
    for (const [host, circuit] of this.#circuits) {
      if (!before.has(host) && circuit.state !== 'closed')
        this.#onTransition(circuit, 'closed', circuit.state, 'manual');
    }
  }

  /** Drops every circuit (the client is closing). */
  clear(): void {
    this.#circuits.clear();
    this.#last = undefined;
  }
}
