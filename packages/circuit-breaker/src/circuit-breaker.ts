import {
  type AxleEvents,
  type AxlePlugin,
  type CallLayer,
  CircuitBreakerOpenError,
  ConfigurationError,
  definePlugin,
  type PluginContext,
} from '@axle/core';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import {
  type Circuit,
  type CircuitBreakerMetrics,
  type CircuitState,
  type ForcedState,
  REJECTED,
  type TransitionListener,
} from './circuit';
import { ALL_HOSTS, CircuitRegistry } from './circuit-registry';
import { classifyError, classifyResponse } from './classify-outcome';
import {
  type CircuitBreakerOptions,
  type ResolvedCircuitBreakerOptions,
  resolveCircuitBreakerOptions,
} from './options';
import { createOriginResolver } from './request-origin';
import { type CircuitBreakerSnapshot, checkSnapshot } from './snapshot';

/**
 * One host's breaker, from `breaker.forHost(url)`: read it, or force it, alone.
 *
 * @example
 * ```ts
 * const payments = breaker.forHost('https://payments.example.com');
 * if (payments.state === 'open') showBanner();
 * payments.forceOpen(); // stop calling it, whatever the others do
 * ```
 */
export interface HostCircuit {
  /** The origin (`https://payments.example.com`), or `'*'` for a breaker without `perHost`. */
  readonly host: string;
  /** Its state; `'closed'` for a host not seen yet (unless the whole breaker is forced). */
  readonly state: CircuitState;
  /** Its metrics (all zero for a host not seen yet). */
  readonly metrics: CircuitBreakerMetrics;
  /** Opens it and holds it open until `forceClose()` or `reset()`. */
  forceOpen(): void;
  /** Closes it and holds it closed (failures no longer trip it) until `forceOpen()` or `reset()`. */
  forceClose(): void;
  /** Back to a new breaker: closed, not forced, counters at zero. */
  reset(): void;
}

/**
 * The handle `circuitBreaker()` returns: give it to `createClient({ plugins: [...] })`, keep it
 * to read and steer the breaker. With `perHost`, `state` and `metrics` cover every host (the
 * worst state, summed counters) and `forHost(url)` gives one host's.
 *
 * @example
 * ```ts
 * const breaker = circuitBreaker({ failureThreshold: 5, resetTimeout: 30_000 });
 * const api = createClient({ baseURL, plugins: [breaker] });
 * breaker.state; // 'closed' | 'open' | 'half_open'
 * breaker.metrics.failureRate;
 * ```
 */
export interface CircuitBreakerPlugin extends AxlePlugin {
  readonly name: 'circuit-breaker';
  readonly role: 'circuit-breaker';
  readonly key: 'circuitBreaker';
  /** The options in use, defaults applied. */
  readonly options: ResolvedCircuitBreakerOptions;
  /** The state: with `perHost`, the worst over every host (open, then half-open, then closed). */
  readonly state: CircuitState;
  /** The metrics: with `perHost`, summed over every host (see `CircuitBreakerMetrics`). */
  readonly metrics: CircuitBreakerMetrics;
  /** Set while `forceOpen()` or `forceClose()` of the whole breaker holds. */
  readonly forced: ForcedState | undefined;
  /** Origins that have a breaker, least recently used first (`['*']` without `perHost`, once used). */
  readonly hosts: readonly string[];
  /** The breaker of the origin of `url` (a URL or an origin); without `perHost`, the one breaker. */
  forHost(url: string): HostCircuit;
  /** Opens every breaker (with `perHost`, hosts seen later too) until `forceClose()` or `reset()`. */
  forceOpen(): void;
  /** Closes every breaker (with `perHost`, hosts seen later too) and keeps it closed until `forceOpen()` or `reset()`. */
  forceClose(): void;
  /** Back to new: closed, not forced, counters at zero; a per-host breaker forgets its hosts. */
  reset(): void;
  /** The state as JSON-safe data, for `restore` (after a restart, say). Works after `client.close()` too. */
  snapshot(): CircuitBreakerSnapshot;
  /**
   * Takes the state of `snapshot`, replacing the current one; before the handle is installed,
   * it is applied at install. Throws a `ConfigurationError` for a snapshot it cannot take.
   */
  restore(snapshot: CircuitBreakerSnapshot): void;
}

/** A client the handle is installed in. */
interface Installed {
  readonly registry: CircuitRegistry;
  readonly events: AxleEvents;
}

const EVENT_FOR: Record<CircuitState, 'breaker:open' | 'breaker:half-open' | 'breaker:close'> = {
  open: 'breaker:open',
  half_open: 'breaker:half-open',
  closed: 'breaker:close',
};

/**
 * Creates a circuit breaker plugin: after `failureThreshold` consecutive failures (or a
 * `failureRateThreshold` over `samplingDuration`) requests fail at once with
 * `CircuitBreakerOpenError`, without a socket being opened, for `resetTimeout` ms; then up to
 * `halfOpenMaxCalls` probes are let through, and `successThreshold` successes close it again.
 * Failures are connection errors, timeouts and `includedStatusCodes` (500, 502, 503, 504); 4xx
 * never counts. It sits in the call phase after the cache and before the rate limiter, so each
 * retry attempt is one call, and a cache hit takes no permit.
 *
 * Defaults: `failureThreshold: 5`, `successThreshold: 2`, `resetTimeout: 30_000`,
 * `halfOpenMaxCalls: 3`, `samplingDuration: 60_000`, `minimumThroughput: 10`,
 * `includedStatusCodes: [500, 502, 503, 504]`, `perHost: false` (`maxHosts: 1000`). Invalid
 * options throw a `ConfigurationError` here.
 *
 * Nothing is created until a client installs the handle; the breaker runs no timer (an open
 * breaker turns half-open when it is next asked), and `client.close()` releases it.
 *
 * @example
 * ```ts
 * import { createClient, isCircuitBreakerOpenError } from '@axle/core';
 * import { circuitBreaker } from '@axle/circuit-breaker';
 *
 * const breaker = circuitBreaker({ failureThreshold: 5, resetTimeout: 30_000, successThreshold: 2 });
 * const api = createClient({ baseURL: 'https://api.example.com', plugins: [breaker] });
 * try {
 *   await api.get('/users');
 * } catch (err) {
 *   if (isCircuitBreakerOpenError(err)) console.warn(`down until ${new Date(err.retryAt ?? 0).toISOString()}`);
 * }
 * ```
 */
export function circuitBreaker(options?: CircuitBreakerOptions): CircuitBreakerPlugin {
  const resolved = resolveCircuitBreakerOptions(options);
  let installed: Installed | undefined;
  // The state while no client holds the handle: set by restore() or force calls before install,
  // and by close() (so a snapshot taken after close still tells what the breaker knew).
  let detached: CircuitBreakerSnapshot | undefined;

  const onTransition: TransitionListener = (circuit, from, to, reason) => {
    const events = installed?.events;
    const name = EVENT_FOR[to];
    if (events === undefined || events.listenerCount(name) === 0) return;
    events.emit(name, { host: circuit.host, from, to, reason, metrics: circuit.metrics(Date.now(), false) });
  };

  // Runs `use` on the live registry, or on one rebuilt from the detached state (plain data), so
  // the handle works the same before install and after close without holding a breaker then.
  const withRegistry = <T>(use: (registry: CircuitRegistry, now: number) => T): T => {
    const now = Date.now();
    if (installed) return use(installed.registry, now);
    const registry = new CircuitRegistry(resolved, () => undefined);
    if (detached) registry.restore(detached, now);
    const result = use(registry, now);
    detached = registry.snapshot(now);
    return result;
  };

  const originOf = createOriginResolver();
  const hostOf = (url: string): string =>
    resolved.perHost ? (/^[a-z][a-z\d+\-.]*:\/\//i.test(url) ? originOf({ url }) : url) : ALL_HOSTS;

  const forHost = (url: string): HostCircuit => {
    const host = hostOf(url);
    return {
      host,
      get state() {
        return withRegistry((registry, now) => registry.view(host).stateAt(now));
      },
      get metrics() {
        return withRegistry((registry, now) => registry.view(host).metrics(now));
      },
      forceOpen: () => withRegistry((registry, now) => registry.get(host).forceOpen(now)),
      forceClose: () => withRegistry((registry) => registry.get(host).forceClose()),
      reset: () => withRegistry((registry) => registry.peek(host)?.reset()),
    };
  };

  const install = (ctx: PluginContext) => {
    if (installed) {
      throw new Error(
        'this circuitBreaker() handle is already installed on a client; create one handle per client (clients made by extend() share it already)',
      );
    }
    const registry = new CircuitRegistry(resolved, onTransition);
    if (detached) registry.restore(detached, Date.now());
    installed = { registry, events: ctx.events };
    ctx.wrap(createLayer(registry, resolved, ctx.events), { changesHeaders: false });
    return () => {
      if (installed?.registry !== registry) return;
      detached = registry.snapshot(Date.now());
      registry.clear();
      installed = undefined;
    };
  };

  return definePlugin({
    name: 'circuit-breaker' as const,
    role: 'circuit-breaker' as const,
    key: 'circuitBreaker' as const,
    options: resolved,
    install,
    get state() {
      return withRegistry((registry, now) => registry.stateAt(now));
    },
    get metrics() {
      return withRegistry((registry, now) => registry.metrics(now));
    },
    get forced() {
      return withRegistry((registry) => (resolved.perHost ? registry.forced : registry.peek(ALL_HOSTS)?.forced));
    },
    get hosts() {
      return withRegistry((registry) => registry.hosts());
    },
    forHost,
    forceOpen: () => withRegistry((registry, now) => registry.forceOpen(now)),
    forceClose: () => withRegistry((registry) => registry.forceClose()),
    reset: () => withRegistry((registry) => registry.reset()),
    snapshot: () => withRegistry((registry, now) => registry.snapshot(now)),
    restore: (snapshot: CircuitBreakerSnapshot) => {
      checkSnapshot(snapshot, resolved.perHost);
      withRegistry((registry, now) => registry.restore(snapshot, now));
    },
  });
}

/** The call-phase layer of one installed breaker. */
function createLayer(registry: CircuitRegistry, options: ResolvedCircuitBreakerOptions, events: AxleEvents): CallLayer {
  const originOf = options.perHost ? createOriginResolver() : undefined;

  const refuse = (circuit: Circuit, config: InternalAxiosRequestConfig, now: number): Promise<AxiosResponse> => {
    const state = circuit.stateAt(now) === 'half_open' ? 'half_open' : 'open';
    const retryAt = circuit.retryAt;
    const error = new CircuitBreakerOpenError(refusal(circuit, state, retryAt, options, now), {
      config,
      host: circuit.host,
      state,
      retryAt,
      // Its own frames would be the pipeline's; axios adds the caller's when the error leaves request().
      captureStack: false,
    });
    if (events.listenerCount('breaker:reject') > 0) {
      events.emit('breaker:reject', {
        host: circuit.host,
        state,
        retryAt,
        config,
        fallback: options.fallback !== undefined,
        metrics: circuit.metrics(now),
      });
    }
    if (options.fallback === undefined) return Promise.reject(error);
    try {
      return Promise.resolve(options.fallback(config, error));
    } catch (failure) {
      return Promise.reject(failure);
    }
  };

  return (config, next) => {
    // `false` never gets here (the core skips the layer); anything else is a mistake.
    if (config.circuitBreaker !== undefined) {
      return Promise.reject(
        new ConfigurationError(
          `circuitBreaker per request takes only false (to skip the breaker); got ${String(config.circuitBreaker)}`,
          { option: 'circuitBreaker', config },
        ),
      );
    }
    const now = Date.now();
    const circuit = registry.get(originOf ? originOf(config) : ALL_HOSTS);
    const permit = circuit.acquire(now);
    if (permit === REJECTED) return refuse(circuit, config, now);
    let call: Promise<AxiosResponse>;
    try {
      call = next(config);
    } catch (error) {
      call = Promise.reject(error);
    }
    return call.then(
      (response) => {
        circuit.settle(permit, classifyResponse(response, options), Date.now());
        return response;
      },
      (error: unknown) => {
        circuit.settle(permit, classifyError(error, options), Date.now());
        throw error;
      },
    );
  };
}

function refusal(
  circuit: Circuit,
  state: 'open' | 'half_open',
  retryAt: number | undefined,
  options: ResolvedCircuitBreakerOptions,
  now: number,
): string {
  const which = circuit.host === ALL_HOSTS ? 'Circuit breaker' : `Circuit breaker of ${circuit.host}`;
  if (state === 'half_open') {
    return `${which} is half-open and its ${options.halfOpenMaxCalls} probe call(s) are taken; request not sent`;
  }
  if (retryAt === undefined) return `${which} is forced open; request not sent`;
  return `${which} is open; request not sent (probes allowed in ${Math.max(0, retryAt - now)} ms)`;
}
