import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { RequestDescription } from './event-payload';
import type { RetryInfo } from './retry-options';

/** Payload of the `request` event: an attempt is about to enter the call phase. */
export interface RequestEvent extends RequestDescription {
  readonly config: InternalAxiosRequestConfig;
  readonly attempt: number;
}

/** Payload of the `response` event: an attempt got a response that did not reject. */
export interface ResponseEvent extends RequestDescription {
  readonly config: InternalAxiosRequestConfig;
  readonly response: AxiosResponse;
  readonly attempt: number;
  /** Milliseconds the attempt's call phase took. */
  readonly durationMs: number;
}

/** Payload of the `error` event: an attempt failed (already a typed axle error, or a cancellation). */
export interface ErrorEvent extends RequestDescription {
  readonly config: InternalAxiosRequestConfig;
  readonly error: unknown;
  readonly attempt: number;
  readonly durationMs: number;
}

/** Payload of the `redirect` event: an attempt's response redirected it, and the next hop is about to go. */
export interface RedirectEvent extends RequestDescription {
  readonly config: InternalAxiosRequestConfig;
  readonly attempt: number;
  /** Which redirect of the attempt this is: 1 for the first. */
  readonly hop: number;
  readonly status: number;
  /** The URL that answered with the redirect, redacted. */
  readonly from: string;
  /** Where it sent the request, redacted. */
  readonly to: string;
}

/**
 * Every event a client emits, with its payload. Plugins add theirs by module augmentation:
 *
 * @example
 * ```ts
 * declare module '@axle/core' {
 *   interface AxleEventMap { 'breaker:open': { host: string } }
 * }
 * ```
 */
export interface AxleEventMap {
  request: RequestEvent;
  response: ResponseEvent;
  error: ErrorEvent;
  /** A failed attempt will be retried after `delay` ms. */
  retry: RetryInfo;
  /** A response redirected the request; the next hop follows. */
  redirect: RedirectEvent;
}

/** A listener for event `K`. */
export type AxleListener<K extends keyof AxleEventMap> = (payload: AxleEventMap[K]) => void;

/**
 * A small typed emitter: `on` returns the function that removes the listener. A listener that
 * throws does not break the request; the error is reported with `process.emitWarning`.
 *
 * @example
 * ```ts
 * const off = api.events.on('response', ({ response, durationMs }) => console.log(response.status, durationMs));
 * off();
 * ```
 */
export interface AxleEvents {
  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof AxleEventMap>(event: K, listener: AxleListener<K>): () => void;
  /** Adds a listener that runs once; returns a function that removes it. */
  once<K extends keyof AxleEventMap>(event: K, listener: AxleListener<K>): () => void;
  /** Sends `payload` to every listener of `event` (for plugins). */
  emit<K extends keyof AxleEventMap>(event: K, payload: AxleEventMap[K]): void;
  /** How many listeners `event` has; emitters check it before building a payload. */
  listenerCount(event: keyof AxleEventMap): number;
  /** Removes every listener (called by `client.close()`). */
  clear(): void;
}

/** Calls one listener; what it throws becomes a process warning, not a failed request. */
function call<P>(event: PropertyKey, listener: (payload: P) => void, payload: P): void {
  try {
    listener(payload);
  } catch (error) {
    process.emitWarning(
      `axle: a listener of "${String(event)}" threw: ${error instanceof Error ? error.message : String(error)}`,
      { code: 'AXLE_LISTENER_ERROR' },
    );
  }
}

/**
 * Creates an emitter. Each client owns one (shared with the clients `extend` makes from it).
 *
 * @example
 * ```ts
 * const events = createEvents();
 * events.on('request', ({ attempt }) => console.log('attempt', attempt));
 * ```
 */
export function createEvents(): AxleEvents {
  const listeners = new Map<keyof AxleEventMap, Set<(payload: never) => void>>();

  const on = <K extends keyof AxleEventMap>(event: K, listener: AxleListener<K>): (() => void) => {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    const stored = listener as (payload: never) => void;
    set.add(stored);
    return () => {
      set.delete(stored);
    };
  };

  return {
    on,
    once(event, listener) {
      const off = on(event, (payload) => {
        off();
        listener(payload);
      });
      return off;
    },
    emit(event, payload) {
      const set = listeners.get(event);
      if (!set || set.size === 0) return;
      // One listener (a logger's) is the common case: called without copying the set.
      if (set.size === 1) {
        call(event, set.values().next().value as (p: typeof payload) => void, payload);
        return;
      }
      // A copy, so a listener added by a listener does not run for this event.
      for (const listener of [...set]) call(event, listener as (p: typeof payload) => void, payload);
    },
    listenerCount(event) {
      return listeners.get(event)?.size ?? 0;
    },
    clear() {
      listeners.clear();
    },
  };
}
