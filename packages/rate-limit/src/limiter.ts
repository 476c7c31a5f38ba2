import { type AxleEvents, ClientError } from '@axle/core';
import axios, { type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { SharedLimit } from './distributed';
import type { ResolvedRateLimitOptions } from './options';
import { RateLimitExceededError, type RateLimitExceededReason } from './rate-limit-exceeded-error';
import { requestOrigin, requestTarget } from './request-target';
import { Scope } from './scope';
import { parseServerRateLimit, type ServerRateLimit } from './server-limit';

/**
 * What `limiter.status()` returns: the client-wide scope (or the one named), right now.
 *
 * @example
 * ```ts
 * const { remaining, limit, resetAt, queued, running } = limiter.status();
 * ```
 */
export interface RateLimitStatus {
  /** Requests per window (`Infinity` when the scope has no rate of its own). */
  readonly limit: number;
  /** Requests that may go now (0 while paused; at most what the server last said remains). */
  readonly remaining: number;
  /** When the scope is full again, or its pause ends (ms since the epoch). */
  readonly resetAt: number;
  /** Requests waiting in the queue (all scopes). */
  readonly queued: number;
  /** Calls in flight (all scopes). */
  readonly running: number;
  /** Ms since the epoch until which the server paused the scope, or `undefined`. */
  readonly pausedUntil: number | undefined;
  /** What the server said in the last response of this scope that carried rate-limit headers. */
  readonly server: ServerRateLimit | undefined;
}

interface Waiter {
  readonly config: InternalAxiosRequestConfig;
  readonly scopes: readonly Scope[];
  readonly enqueuedAt: number;
  readonly deadline: number;
  readonly resolve: (tickets: number[]) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

const GLOBAL = '*';
/** Origins with a scope of their own at most, with `perHost`. */
const MAX_HOSTS = 1000;

/** The state of one installed limiter: scopes, the concurrency gate and the FIFO queue. */
export class Limiter {
  readonly #options: ResolvedRateLimitOptions;
  readonly #events: AxleEvents;
  readonly #global: Scope;
  readonly #shared: SharedLimit | undefined;
  /** With `redis`: the client-wide limit counted here, used while Redis is down and `fallback` is `'local'`. */
  readonly #fallback: Scope | undefined;
  readonly #hosts = new Map<string, Scope>();
  readonly #rules: readonly { readonly test: (target: string) => boolean; readonly scope: Scope }[];
  readonly #server = new Map<Scope, ServerRateLimit>();
  readonly #queue: Waiter[] = [];
  #running = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ResolvedRateLimitOptions, events: AxleEvents, shared?: SharedLimit) {
    this.#options = options;
    this.#events = events;
    this.#shared = shared;
    // With Redis, the client-wide rate is counted there; the local scope keeps the server's pauses.
    this.#global = new Scope(GLOBAL, shared === undefined ? options.global : undefined);
    this.#fallback =
      shared !== undefined && options.redis?.fallback === 'local' ? new Scope(GLOBAL, options.global) : undefined;
    this.#rules = options.rules.map((rule) => ({ test: rule.test, scope: new Scope(rule.name, rule) }));
  }

  /** The call-phase layer body: waits for a slot in every scope, sends, reads the answer's limits. */
  run(config: InternalAxiosRequestConfig, next: (c: InternalAxiosRequestConfig) => Promise<AxiosResponse>) {
    const shared = this.#shared;
    const local = shared === undefined || (this.#fallback !== undefined && !shared.up);
    const scopes = this.#scopesFor(config, shared !== undefined && local);
    const now = Date.now();
    let granted: number[] | undefined;
    if (this.#queue.length === 0) granted = this.#tryGrant(scopes, now);
    if (local) {
      if (granted !== undefined) return this.#send(config, next, scopes, granted);
      return this.#enqueue(config, scopes, now).then((tickets) => this.#send(config, next, scopes, tickets));
    }
    const waited = granted !== undefined ? Promise.resolve(granted) : this.#enqueue(config, scopes, now);
    return waited.then((tickets) => this.#sendShared(config, next, scopes, tickets, now, shared as SharedLimit));
  }

  /** With Redis: after the local scopes, waits for the shared slot, then sends. */
  async #sendShared(
    config: InternalAxiosRequestConfig,
    next: (c: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
    scopes: readonly Scope[],
    tickets: readonly number[],
    start: number,
    shared: SharedLimit,
  ): Promise<AxiosResponse> {
    const timeout = this.#options.queueTimeout;
    let slot: Awaited<ReturnType<SharedLimit['acquire']>>;
    try {
      slot = await shared.acquire(
        config.signal as AbortSignal | undefined,
        timeout > 0 ? start + timeout : Number.POSITIVE_INFINITY,
      );
    } catch (error) {
      this.#release(scopes, tickets);
      // Redis is down: with fallback 'local', this request is limited here instead.
      if (this.#fallback !== undefined) return this.run(config, next);
      throw error;
    }
    if (slot === 'ok') return this.#send(config, next, scopes, tickets);
    this.#release(scopes, tickets);
    if (slot === 'aborted') throw new axios.CanceledError(undefined, undefined, config);
    if (slot === 'closed') throw closedError(config);
    throw this.#refusal('queue_timeout', this.#global, config, undefined, Date.now() - start);
  }

  #scopesFor(config: InternalAxiosRequestConfig, fallback: boolean): Scope[] {
    const scopes = [this.#global];
    if (fallback && this.#fallback !== undefined) scopes.push(this.#fallback);
    const perHost = this.#options.perHost;
    if (perHost !== undefined) {
      const origin = requestOrigin(config);
      let scope = this.#hosts.get(origin);
      if (scope === undefined) {
        // Bounded: past MAX_HOSTS origins, the one seen first is forgotten (with its count).
        if (this.#hosts.size >= MAX_HOSTS) this.#hosts.delete(this.#hosts.keys().next().value as string);
        scope = new Scope(origin, perHost);
        this.#hosts.set(origin, scope);
      }
      scopes.push(scope);
    }
    if (this.#rules.length > 0) {
      const target = requestTarget(config);
      for (const rule of this.#rules) if (rule.test(target)) scopes.push(rule.scope);
    }
    return scopes;
  }

  /** Takes a slot in every scope and a concurrency slot, or nothing: returns the tickets, or `undefined`. */
  #tryGrant(scopes: readonly Scope[], now: number): number[] | undefined {
    if (this.#running >= this.#options.maxConcurrent) return undefined;
    for (const scope of scopes) if (scope.wait(now) > 0) return undefined;
    return this.#grant(scopes, now);
  }

  #grant(scopes: readonly Scope[], now: number): number[] {
    const tickets = new Array<number>(scopes.length);
    for (let i = 0; i < scopes.length; i++) tickets[i] = (scopes[i] as Scope).take(now);
    this.#running += 1;
    return tickets;
  }

  #send(
    config: InternalAxiosRequestConfig,
    next: (c: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
    scopes: readonly Scope[],
    tickets: readonly number[],
  ): Promise<AxiosResponse> {
    let call: Promise<AxiosResponse>;
    try {
      call = next(config);
    } catch (error) {
      call = Promise.reject(error);
    }
    return call.then(
      (response) => {
        this.#observe(response, scopes);
        this.#release(scopes, tickets);
        return response;
      },
      (error: unknown) => {
        const response = (error as { response?: AxiosResponse } | null)?.response;
        if (response !== undefined && response !== null && typeof response === 'object') {
          this.#observe(response, scopes);
        }
        this.#release(scopes, tickets);
        throw error;
      },
    );
  }

  #release(scopes: readonly Scope[], tickets: readonly number[]): void {
    const now = Date.now();
    for (let i = 0; i < scopes.length; i++) (scopes[i] as Scope).settle(tickets[i] as number, now);
    this.#running -= 1;
    if (this.#queue.length > 0) this.#drain();
  }

  /** Reads the server's limits from a response; pauses the most specific scope when none remain. */
  #observe(response: AxiosResponse, scopes: readonly Scope[]): void {
    const now = Date.now();
    const server = parseServerRateLimit(response.headers as Record<string, unknown>, now);
    if (server !== undefined) response.rateLimit = server;
    const status = response.status;
    if (server === undefined && status !== 429) return;
    const scope = scopes[scopes.length - 1] as Scope;
    if (server !== undefined) this.#server.set(scope, server);
    let until: number | undefined;
    if (status === 429) {
      if (server?.retryAfter !== undefined) until = now + server.retryAfter * 1000;
      else if (server?.resetAt !== undefined && server.resetAt > now) until = server.resetAt;
      else until = now + this.#options.defaultPause;
    } else if (server?.remaining === 0 && server.resetAt !== undefined && server.resetAt > now) {
      until = server.resetAt;
    }
    if (until === undefined) return;
    until = Math.min(until, now + this.#options.maxPause);
    if (until <= scope.pausedUntil) return;
    scope.pausedUntil = until;
    if (this.#events.listenerCount('ratelimit:paused') > 0) {
      this.#events.emit('ratelimit:paused', {
        scope: scope.name,
        until,
        reason: status === 429 ? 429 : 'remaining',
        server,
      });
    }
    if (this.#queue.length > 0) this.#drain();
  }

  #enqueue(config: InternalAxiosRequestConfig, scopes: readonly Scope[], now: number): Promise<number[]> {
    if (this.#closed) return Promise.reject(closedError(config));
    const signal = config.signal as AbortSignal | undefined;
    if (signal?.aborted) return Promise.reject(new axios.CanceledError(undefined, undefined, config));
    if (this.#options.on429 === 'throw') {
      const paused = scopes.find((scope) => scope.paused(now));
      if (paused !== undefined) return Promise.reject(this.#refusal('paused', paused, config, paused.pausedUntil));
    }
    if (this.#queue.length >= this.#options.queueSize) {
      const binding = this.#binding(scopes, now);
      return Promise.reject(this.#refusal('queue_full', binding.scope, config, binding.at));
    }
    return new Promise<number[]>((resolve, reject) => {
      const timeout = this.#options.queueTimeout;
      const waiter: Waiter = {
        config,
        scopes,
        enqueuedAt: now,
        deadline: timeout > 0 ? now + timeout : Number.POSITIVE_INFINITY,
        resolve,
        reject,
        signal,
        onAbort: undefined,
      };
      if (signal !== undefined && typeof signal.addEventListener === 'function') {
        waiter.onAbort = () => {
          if (!this.#remove(waiter)) return;
          reject(new axios.CanceledError(undefined, undefined, config));
          if (this.#queue.length > 0) this.#drain();
          else this.#clearTimer();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      if (this.#events.listenerCount('ratelimit:queued') > 0) {
        const binding = this.#binding(scopes, now);
        this.#events.emit('ratelimit:queued', {
          config,
          scope: binding.scope.name === GLOBAL && binding.wait === 0 ? 'concurrency' : binding.scope.name,
          wait: binding.wait,
          queued: this.#queue.length,
        });
      }
      this.#drain();
    });
  }

  /** The scope that makes a request wait longest, and until when. */
  #binding(scopes: readonly Scope[], now: number): { scope: Scope; wait: number; at: number | undefined } {
    let scope = scopes[0] as Scope;
    let wait = 0;
    for (const s of scopes) {
      const w = s.wait(now);
      if (w > wait) {
        wait = w;
        scope = s;
      }
    }
    return { scope, wait, at: wait > 0 ? now + wait : undefined };
  }

  /** Grants what can go now, in FIFO order per scope; expires waits past their deadline; sets the next timer. */
  #drain(): void {
    this.#clearTimer();
    const now = Date.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    const blocked = new Set<Scope>();
    const queue = this.#queue;
    const throwOnPause = this.#options.on429 === 'throw';
    for (let i = 0; i < queue.length; ) {
      const waiter = queue[i] as Waiter;
      if (waiter.deadline <= now) {
        queue.splice(i, 1);
        this.#detach(waiter);
        const binding = this.#binding(waiter.scopes, now);
        waiter.reject(
          this.#refusal('queue_timeout', binding.scope, waiter.config, binding.at, now - waiter.enqueuedAt),
        );
        continue;
      }
      if (throwOnPause) {
        const paused = waiter.scopes.find((scope) => scope.paused(now));
        if (paused !== undefined) {
          queue.splice(i, 1);
          this.#detach(waiter);
          waiter.reject(this.#refusal('paused', paused, waiter.config, paused.pausedUntil));
          continue;
        }
      }
      if (waiter.deadline < wakeAt) wakeAt = waiter.deadline;
      if (this.#running >= this.#options.maxConcurrent) {
        i += 1;
        continue;
      }
      let free = true;
      for (const scope of waiter.scopes) {
        if (blocked.has(scope)) {
          free = false;
          continue;
        }
        const wait = scope.wait(now);
        if (wait > 0) {
          free = false;
          blocked.add(scope);
          if (now + wait < wakeAt) wakeAt = now + wait;
        }
      }
      if (!free) {
        i += 1;
        continue;
      }
      const tickets = this.#grant(waiter.scopes, now);
      queue.splice(i, 1);
      this.#detach(waiter);
      if (this.#events.listenerCount('ratelimit:dequeued') > 0) {
        this.#events.emit('ratelimit:dequeued', { config: waiter.config, waited: now - waiter.enqueuedAt });
      }
      waiter.resolve(tickets);
    }
    if (queue.length > 0 && wakeAt !== Number.POSITIVE_INFINITY) {
      this.#timer = setTimeout(
        () => {
          this.#timer = undefined;
          this.#drain();
        },
        Math.max(1, wakeAt - now),
      );
    }
  }

  #remove(waiter: Waiter): boolean {
    const index = this.#queue.indexOf(waiter);
    if (index < 0) return false;
    this.#queue.splice(index, 1);
    this.#detach(waiter);
    return true;
  }

  #detach(waiter: Waiter): void {
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.onAbort = undefined;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #refusal(
    reason: RateLimitExceededReason,
    scope: Scope,
    config: InternalAxiosRequestConfig,
    retryAt: number | undefined,
    waited?: number,
  ): RateLimitExceededError {
    const which = scope.name === GLOBAL ? 'Rate limit' : `Rate limit of ${scope.name}`;
    const message =
      reason === 'queue_full'
        ? `${which}: the queue is full (${this.#options.queueSize} waiting); request not sent`
        : reason === 'queue_timeout'
          ? `${which}: waited ${waited ?? this.#options.queueTimeout} ms (queueTimeout ${this.#options.queueTimeout}); request not sent`
          : `${which}: the server paused this scope until ${new Date(retryAt ?? 0).toISOString()}; request not sent`;
    const error = new RateLimitExceededError(message, { reason, scope: scope.name, retryAt, config });
    if (this.#events.listenerCount('ratelimit:rejected') > 0) {
      this.#events.emit('ratelimit:rejected', { config, reason, scope: scope.name, error });
    }
    return error;
  }

  /** The status of the scope named `name` (`'*'`, an origin, or a rule's pattern). */
  status(name: string = GLOBAL): RateLimitStatus {
    const now = Date.now();
    const scope = this.#find(name);
    // With Redis, the client-wide count lives there; the local fallback counter tells the limit.
    const counter = scope === this.#global && this.#shared !== undefined ? this.#fallback?.counter : scope?.counter;
    const paused = scope?.paused(now) === true;
    let remaining = paused ? 0 : counter === undefined ? Number.POSITIVE_INFINITY : counter.remaining(now);
    const server = scope === undefined ? undefined : this.#server.get(scope);
    if (server?.remaining !== undefined && server.resetAt !== undefined && server.resetAt > now) {
      remaining = Math.min(remaining, server.remaining);
    }
    const resetAt = Math.max(
      counter === undefined ? now : counter.resetAt(now),
      paused ? (scope?.pausedUntil ?? 0) : 0,
    );
    return Object.freeze({
      limit: counter?.limit ?? Number.POSITIVE_INFINITY,
      remaining,
      resetAt,
      queued: this.#queue.length,
      running: this.#running,
      pausedUntil: paused ? scope?.pausedUntil : undefined,
      server,
    });
  }

  #find(name: string): Scope | undefined {
    if (name === GLOBAL) return this.#global;
    const host = this.#hosts.get(name.toLowerCase().replace(/\/+$/, ''));
    if (host !== undefined) return host;
    return this.#rules.find((rule) => rule.scope.name === name)?.scope;
  }

  /** Names of the scopes seen so far: `'*'`, origins, rule patterns. */
  scopes(): string[] {
    return [GLOBAL, ...this.#hosts.keys(), ...this.#rules.map((rule) => rule.scope.name)];
  }

  /** Rejects every waiting request, stops the timer, and closes the Redis connections. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    for (const waiter of this.#queue.splice(0)) {
      this.#detach(waiter);
      waiter.reject(closedError(waiter.config));
    }
    await this.#shared?.close();
  }
}

function closedError(config: InternalAxiosRequestConfig): ClientError {
  return new ClientError('Client is closed; the request waiting for the rate limiter was not sent', {
    code: 'ERR_CLIENT_CLOSED',
    config,
  });
}
