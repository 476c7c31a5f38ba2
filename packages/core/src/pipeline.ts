import axios, { type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { RequestHook } from './axle-instance';
import { ClientError } from './client-error';
import { ErrorPayload, RequestPayload, ResponsePayload } from './event-payload';
import type { AxleEvents } from './events';
import type { CallLayer, ConfigStep, NextAdapter } from './plugin';
import { timeoutBehind } from './socket-timeouts';
import { toClientError } from './to-client-error';
import { wrapAdapter } from './wrap-adapter';

/** A call-phase layer with the per-request key that turns it off. */
export interface LayerEntry {
  readonly layer: CallLayer;
  readonly key?: string;
  /** `false` when the layer declared it never changes headers. Default `true`. */
  readonly changesHeaders?: boolean;
}

/** The parts of one client's pipeline, each already in pipeline order. */
export interface PipelineParts {
  /** Plugin config steps: credentials first, then the other roles. */
  readonly configSteps: readonly ConfigStep[];
  /**
   * How many of the first `configSteps` only ever set the same headers again on a retry (axle's own
   * credentials steps): they do not make retries copy the headers. Default `0`.
   */
  readonly idempotentSteps?: number;
  /** User request hooks, after the plugin steps. */
  readonly requestHooks: readonly RequestHook[];
  /** Call layers, outermost first: credentials, middleware, extension, cache, breaker, limiter. */
  readonly callLayers: readonly LayerEntry[];
  /** Where per-request middleware goes in `callLayers`: right after the client's middleware. Default: the end. */
  readonly requestMiddlewareAt?: number;
  /**
   * Where the layers that surround each network call (cache, breaker, limiter) start in
   * `callLayers`; a redirect follower given to `compose` sits right above them, so every hop goes
   * through them. Default: the end (no such layers).
   */
  readonly hopLayersAt?: number;
  readonly events: AxleEvents;
}

/** Wraps the chain each hop takes (cache, breaker, limiter, transport) with redirect following. */
export type Follower = (hop: NextAdapter) => NextAdapter;

/** One client's pipeline: builds call chains and runs attempts through config and call phases. */
export interface Pipeline {
  /**
   * The call chain down to `transport`, whose failures become typed axle errors; `extra` (a
   * request's own middleware) goes right after the client's middleware, and `follow` (the redirect
   * follower) right above the layers each hop goes through.
   */
  compose(transport: AxiosAdapter, extra?: readonly CallLayer[], follow?: Follower): NextAdapter;
  /** Whether anything in the pipeline may change a request's headers (config steps, hooks, layers). */
  readonly mutates: boolean;
  /** Runs one attempt: the config phase, then `call`. */
  attempt(
    config: InternalAxiosRequestConfig,
    call: NextAdapter,
    attempt: number,
    startedAt: number,
  ): Promise<AxiosResponse>;
}

/**
 * The typed axle error for an axios error that reached a catcher untyped (no call layer typed it):
 * a timeout of axle's as itself, anything else through `toClientError`. Typed errors,
 * cancellations and errors of user code pass unchanged.
 */
export function typedFailure(error: unknown, config: InternalAxiosRequestConfig): unknown {
  // What user code (a hook, a middleware, a plugin) threw is theirs and passes as it is.
  if (error instanceof ClientError || !axios.isAxiosError(error)) return error;
  return timeoutBehind(error, config) ?? toClientError(error, config);
}

/**
 * Builds a pipeline from its parts. Work is skipped where a part is empty, so a client with no
 * plugins, hooks or listeners adds two function calls to a request.
 */
export function createPipeline(parts: PipelineParts): Pipeline {
  const { configSteps, requestHooks, events } = parts;
  const hasConfigPhase = configSteps.length > 0 || requestHooks.length > 0;

  const compose = (transport: AxiosAdapter, extra?: readonly CallLayer[], follow?: Follower): NextAdapter => {
    let callLayers = parts.callLayers;
    let hopAt = parts.hopLayersAt ?? callLayers.length;
    if (extra !== undefined && extra.length > 0) {
      const at = parts.requestMiddlewareAt ?? callLayers.length;
      callLayers = [...callLayers.slice(0, at), ...extra.map((layer) => ({ layer })), ...callLayers.slice(at)];
      if (at <= hopAt) hopAt += extra.length;
    }
    // With no layer to see them, failures are typed by whoever catches them first (the retry loop
    // or the response phase): one promise less per request.
    if (callLayers.length === 0) return follow ? follow(transport as NextAdapter) : (transport as NextAdapter);
    let next: NextAdapter = (config) => {
      try {
        return Promise.resolve(transport(config)).then(undefined, (error: unknown) => {
          throw timeoutBehind(error, config) ?? toClientError(error, config);
        });
      } catch (error) {
        return Promise.reject(toClientError(error, config));
      }
    };
    for (let i = callLayers.length; i > 0; i--) {
      // Below the follower, failures are typed: the layers of each hop see typed errors, and the
      // follower passes the last one on.
      if (i === hopAt && follow) next = follow(next);
      const entry = callLayers[i - 1] as LayerEntry;
      next = wrapAdapter(next, entry.layer, entry.key);
    }
    return hopAt === 0 && follow ? follow(next) : next;
  };

  const runConfigPhase = async (config: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> => {
    let current = config;
    for (const step of configSteps) current = (await step(current)) ?? current;
    for (const hook of requestHooks) current = (await hook(current)) ?? current;
    return current;
  };

  // Promise chains rather than an async function: this runs on every request of a client with a
  // logger or listeners, and each `await` costs a tick.
  const observe = (current: InternalAxiosRequestConfig, call: NextAdapter, attempt: number) => {
    try {
      if (events.listenerCount('request') > 0) events.emit('request', new RequestPayload(current, attempt));
      if (events.listenerCount('response') === 0 && events.listenerCount('error') === 0) return call(current);
      const started = performance.now();
      return call(current).then(
        (response) => {
          events.emit('response', new ResponsePayload(current, response, attempt, performance.now() - started));
          return response;
        },
        (failure: unknown) => {
          const error = typedFailure(failure, current);
          events.emit('error', new ErrorPayload(current, error, attempt, performance.now() - started));
          throw error;
        },
      );
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const observed = (config: InternalAxiosRequestConfig, call: NextAdapter, attempt: number) =>
    hasConfigPhase
      ? runConfigPhase(config).then((current) => observe(current, call, attempt))
      : observe(config, call, attempt);

  return {
    compose,
    mutates:
      configSteps.length > (parts.idempotentSteps ?? 0) ||
      requestHooks.length > 0 ||
      parts.callLayers.some((entry) => entry.changesHeaders !== false),
    attempt(config, call, attempt, startedAt) {
      config.axle = { attempt, startedAt };
      if (
        !hasConfigPhase &&
        events.listenerCount('request') === 0 &&
        events.listenerCount('response') === 0 &&
        events.listenerCount('error') === 0
      ) {
        return call(config);
      }
      return observed(config, call, attempt);
    },
  };
}
