import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import axiosRetry from 'axios-retry';
import { RetryPayload } from './event-payload';
import type { AxleEvents } from './events';
import { isConnectionError, isHTTPError, isTimeoutError } from './guards';
import { type Pipeline, typedFailure } from './pipeline';
import type { NextAdapter } from './plugin';
import type { RetryBudget } from './retry-budget';
import { type ResolvedRetryOptions, type RetryInfo, resolveRetryOptions, retryReason } from './retry-options';
import { agentForAttempt } from './socket-timeouts';
import { TimeoutError } from './timeout-error';
import { type ResolvedTimeouts, resolveTimeouts, type TimeoutOptions } from './timeout-options';

/** What one client gives every request it runs. */
export interface RequestContext {
  readonly pipeline: Pipeline;
  readonly events: AxleEvents;
  readonly retry: ResolvedRetryOptions | false;
  /** The client's split timeouts, or `undefined` when the client uses axios's number form. */
  readonly timeouts: ResolvedTimeouts | undefined;
  /** The timeouts the client's agents watch every request with (those of the client that owns them). */
  readonly agentTimeouts: ResolvedTimeouts | undefined;
  readonly budget: RetryBudget | undefined;
  /** Told of every retry (telemetry), when observability is on. */
  readonly observer?: { retry(info: RetryInfo): void } | undefined;
}

const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * Runs one logical request: the retry loop around the config and call phases, the split timeouts on
 * each attempt, and the total deadline over all of them. Runs inside the adapter, so interceptors
 * the user added run once per logical request, not once per attempt.
 */
export function runRequest(
  config: InternalAxiosRequestConfig,
  call: NextAdapter,
  ctx: RequestContext,
): Promise<AxiosResponse> {
  let retry: ResolvedRetryOptions | false;
  let timeouts: ResolvedTimeouts | undefined;
  try {
    retry = config.retry === undefined ? ctx.retry : resolveRetryOptions(config.retry, ctx.retry || undefined);
    timeouts = requestTimeouts(config, ctx.timeouts);
  } catch (error) {
    return Promise.reject(error);
  }
  if (timeouts === ctx.agentTimeouts && !timeouts?.total) {
    if (retry === false) return ctx.pipeline.attempt(config, call, 1, Date.now());
    // The common case: nothing to set up unless the first attempt fails.
    if (retry.budget === false && retry.idempotencyKey === false && !ctx.pipeline.mutates && !config.middleware) {
      const startedAt = Date.now();
      return ctx.pipeline
        .attempt(config, call, 1, startedAt)
        .then(undefined, (error: unknown) => runAttempts(config, call, ctx, retry, timeouts, { error, startedAt }));
    }
  }
  return runAttempts(config, call, ctx, retry, timeouts);
}

function runAttempts(
  config: InternalAxiosRequestConfig,
  call: NextAdapter,
  ctx: RequestContext,
  retry: ResolvedRetryOptions | false,
  timeouts: ResolvedTimeouts | undefined,
  first?: { error: unknown; startedAt: number },
): Promise<AxiosResponse> {
  if (retry && retry.idempotencyKey !== false && !config.headers.has(IDEMPOTENCY_HEADER)) {
    config.headers.set(IDEMPOTENCY_HEADER, retry.idempotencyKey());
  }
  const total = timeouts?.total ?? 0;
  const deadline = total > 0 ? new Deadline(total, config) : undefined;
  const userSignal = config.signal as AbortSignal | undefined;
  const signal = deadline ? deadline.signal(userSignal) : userSignal;
  const budget = retry && retry.budget !== false ? ctx.budget : undefined;
  budget?.deposit();
  // Timeouts other than those the agents watch with need agents of their own for this request.
  const override = timeouts !== ctx.agentTimeouts;
  const httpAgent = override ? agentForAttempt(config.httpAgent || http.globalAgent, timeouts) : undefined;
  const httpsAgent = override ? agentForAttempt(config.httpsAgent || https.globalAgent, timeouts) : undefined;
  // Headers are copied when something in the pipeline may change them, so every retry starts from
  // the request as it came in. Attempts with a deadline run on copies: axios checks the caller's
  // config for cancellation after the adapter and must not see the deadline's signal.
  const copyHeaders = retry !== false && (ctx.pipeline.mutates || config.middleware !== undefined);
  const copy = copyHeaders || deadline !== undefined || httpAgent !== undefined;
  const startedAt = first?.startedAt ?? Date.now();
  let lastError: unknown;

  const configFor = (): InternalAxiosRequestConfig => {
    if (!copy) return config;
    const attemptConfig = { ...config, headers: copyHeaders ? new axios.AxiosHeaders(config.headers) : config.headers };
    if (signal) attemptConfig.signal = signal;
    if (httpAgent) {
      attemptConfig.httpAgent = httpAgent;
      attemptConfig.httpsAgent = httpsAgent;
    }
    return attemptConfig;
  };

  const failed = async (
    failure: unknown,
    attemptConfig: InternalAxiosRequestConfig,
    attempt: number,
  ): Promise<AxiosResponse> => {
    const error = typedFailure(failure, attemptConfig);
    if (deadline?.fired) throw deadline.error(lastError ?? error);
    if (!retry || axios.isCancel(error)) throw error;
    const delay = retryDelay(error, attemptConfig, attempt, retry);
    if (delay === undefined) throw error;
    if (deadline?.wouldPass(delay)) throw deadline.error(error, delay);
    if (budget && !budget.tryWithdraw()) throw error;
    const info: RetryInfo = new RetryPayload(attemptConfig, error, attempt, delay, retryReason(error));
    retry.onRetry?.(info);
    ctx.events.emit('retry', info);
    ctx.observer?.retry(info);
    lastError = error;
    try {
      await sleep(delay, userSignal, deadline, config);
    } catch (interrupted) {
      // The deadline can still fire during the wait (timers and Date.now() disagree near it).
      throw deadline?.fired ? deadline.error(error) : interrupted;
    }
    return run(attempt + 1);
  };

  const run = (attempt: number): Promise<AxiosResponse> => {
    const attemptConfig = configFor();
    return ctx.pipeline
      .attempt(attemptConfig, call, attempt, startedAt)
      .then(undefined, (error: unknown) => failed(error, attemptConfig, attempt));
  };

  // Called after a first attempt that ran on the fast path (no deadline, no copies).
  if (first) return failed(first.error, config, 1);
  if (!deadline) return run(1);
  return run(1).then(
    (response) => {
      deadline.clear();
      deadline.coverStream(response);
      return response;
    },
    (error: unknown) => {
      deadline.clear();
      throw error;
    },
  );
}

function requestTimeouts(
  config: InternalAxiosRequestConfig,
  client: ResolvedTimeouts | undefined,
): ResolvedTimeouts | undefined {
  const value = config.timeout as unknown;
  if (value !== null && typeof value === 'object') {
    // The object form is axle's alone: axios must not see it.
    config.timeout = 0;
    return resolveTimeouts(value as TimeoutOptions, client);
  }
  return typeof value === 'number' && value > 0 ? undefined : client;
}

/** The wait before the next attempt, or `undefined` when the failure is not to be retried. */
function retryDelay(
  error: unknown,
  config: InternalAxiosRequestConfig,
  attempt: number,
  retry: ResolvedRetryOptions,
): number | undefined {
  if (attempt > retry.retries) return undefined;
  const method = (config.method ?? 'get').toUpperCase();
  const idempotent = retry.methods.has(method) || config.headers.has(IDEMPOTENCY_HEADER);
  // A body that was a stream has been consumed; it cannot be sent again.
  if (
    config.data !== null &&
    typeof config.data === 'object' &&
    typeof (config.data as { pipe?: unknown }).pipe === 'function'
  ) {
    return undefined;
  }
  if (isHTTPError(error)) {
    if (!retry.statuses.has(error.status)) return undefined;
    if (!idempotent && error.status !== 429) return undefined;
    if (error.retryAfter !== undefined) {
      const ms = error.retryAfter * 1000;
      return ms > retry.maxRetryAfter ? undefined : ms;
    }
  } else if (isTimeoutError(error)) {
    if (!retry.timeouts || !idempotent) return undefined;
  } else if (
    // Only a failure to reach the server is a network error: a rejection by a plugin (an open
    // breaker) or a bad option carries a code too, and retrying it would only wait for nothing.
    !retry.networkErrors ||
    !idempotent ||
    !isConnectionError(error) ||
    !axiosRetry.isNetworkError(error as never)
  ) {
    return undefined;
  }
  if (retry.delay) return Math.max(0, retry.delay(attempt, error));
  const ceiling = Math.min(retry.maxDelay, retry.baseDelay * 2 ** (attempt - 1));
  return Math.floor(Math.random() * ceiling);
}

/** The total deadline of one logical request. */
class Deadline {
  readonly #ms: number;
  readonly #at: number;
  readonly #config: InternalAxiosRequestConfig;
  #controller: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(ms: number, config: InternalAxiosRequestConfig) {
    this.#ms = ms;
    this.#at = Date.now() + ms;
    this.#config = config;
  }

  /** The signal attempts use: the caller's, joined with the deadline's when there is one. */
  signal(user: AbortSignal | undefined): AbortSignal {
    const controller = new AbortController();
    this.#controller = controller;
    this.#timer = setTimeout(() => {
      this.fired = true;
      controller.abort(this.error(undefined));
    }, this.#ms);
    return user ? AbortSignal.any([user, controller.signal]) : controller.signal;
  }

  /** Whether waiting `delay` ms would take us past the deadline. */
  wouldPass(delay: number): boolean {
    return Date.now() + delay >= this.#at;
  }

  /** The deadline's own signal, aborted when it fires. */
  get abortSignal(): AbortSignal | undefined {
    return this.#controller?.signal;
  }

  /** The deadline's error; with `delay`, the retry that would have waited that long could not start in time. */
  error(cause: unknown, delay?: number): TimeoutError {
    const message =
      delay === undefined
        ? `Request exceeded its total deadline of ${this.#ms} ms`
        : `Request cannot finish within its total deadline of ${this.#ms} ms (the next retry would start in ${delay} ms)`;
    return new TimeoutError(message, {
      config: this.#config,
      code: 'ETIMEDOUT',
      cause,
    });
  }

  /** A streamed body is read after the adapter returns: keep the deadline on it until it ends. */
  coverStream(response: AxiosResponse): void {
    const body = response.data as NodeJS.ReadableStream & {
      destroy?: (e: Error) => void;
      once?: (e: string, f: () => void) => void;
    };
    if (body === null || typeof body !== 'object' || typeof body.pipe !== 'function') return;
    const remaining = Math.max(0, this.#at - Date.now());
    const timer = setTimeout(() => body.destroy?.(this.error(undefined)), remaining);
    const done = () => clearTimeout(timer);
    body.once?.('end', done);
    body.once?.('close', done);
  }

  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Waits `ms`; rejects at once with `CanceledError` when the caller aborts, or the deadline's error when it fires. */
function sleep(
  ms: number,
  user: AbortSignal | undefined,
  deadline: Deadline | undefined,
  config: InternalAxiosRequestConfig,
): Promise<void> {
  const deadlineSignal = deadline?.abortSignal;
  if (user?.aborted) return Promise.reject(new axios.CanceledError(undefined, undefined, config));
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      user?.removeEventListener('abort', onUser);
      deadlineSignal?.removeEventListener('abort', onDeadline);
    };
    const onUser = () => {
      cleanup();
      reject(new axios.CanceledError(undefined, undefined, config));
    };
    const onDeadline = () => {
      cleanup();
      reject(deadlineSignal?.reason);
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve();
    }, ms);
    user?.addEventListener('abort', onUser, { once: true });
    deadlineSignal?.addEventListener('abort', onDeadline, { once: true });
  });
}
