import type http from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { InternalAxiosRequestConfig } from 'axios';
import type { ClientError } from './client-error';
import { ConnectTimeoutError, ReadTimeoutError, WriteTimeoutError } from './timeout-error';
import type { ResolvedTimeouts } from './timeout-options';

type AddRequest = (this: http.Agent, req: http.ClientRequest, options: object) => void;
interface RawAgent {
  readonly agent: http.Agent;
  readonly addRequest: AddRequest;
}
type Agent = http.Agent & { addRequest: AddRequest; [RAW]?: RawAgent };

/** The agent and `addRequest` beneath an agent axle watches. */
const RAW = Symbol('axle.rawAgent');
/** What a request ended with when one of axle's timeouts fired on it. */
const TIMED_OUT = Symbol('axle.timedOut');

type TimeoutKind = 'connect' | 'write' | 'response' | 'read';
interface TimeoutRecord {
  readonly kind: TimeoutKind;
  readonly ms: number;
}

/**
 * axios exposes no request object, so timeouts are put on requests where the agent pools them:
 * `addRequest` sees every request, redirect hops included. `watchAgent` does that for good on an
 * agent the client owns (it changes that agent); for one the caller passed in, it returns a view of
 * it (the pool stays theirs, their object is not changed).
 */
export function watchAgent(agent: http.Agent, watcher: TimeoutWatcher, owned: boolean): http.Agent {
  const target = (owned ? agent : Object.create(agent)) as Agent;
  const raw = rawOf(agent);
  target[RAW] = raw;
  target.addRequest = function addRequest(req, options) {
    watcher.watch(req);
    raw.addRequest.call(raw.agent, req, options);
  };
  return target;
}

/**
 * A view of `agent` for one attempt whose timeouts differ from the client's: `watcher` replaces
 * whatever the agent was watched with (`undefined`: none, axios's number form owns the request).
 */
export function agentForAttempt(agent: http.Agent, watcher: TimeoutWatcher | undefined): http.Agent {
  const view = Object.create(agent) as Agent;
  const raw = rawOf(agent);
  view.addRequest = function addRequest(req, options) {
    watcher?.watch(req);
    raw.addRequest.call(raw.agent, req, options);
  };
  return view;
}

function rawOf(agent: http.Agent): RawAgent {
  return (agent as Agent)[RAW] ?? { agent, addRequest: (agent as Agent).addRequest };
}

/**
 * The typed timeout error behind a transport failure, with the attempt's config (for its method and
 * URL), or `undefined` when no timeout of axle's ended the request.
 */
export function timeoutBehind(error: unknown, config: InternalAxiosRequestConfig): ClientError | undefined {
  const request = (
    error as { request?: { [TIMED_OUT]?: TimeoutRecord; _currentRequest?: { [TIMED_OUT]?: TimeoutRecord } } }
  )?.request;
  const record = request?.[TIMED_OUT] ?? request?._currentRequest?.[TIMED_OUT];
  return record ? timeoutError(record, { config, cause: error }) : undefined;
}

function timeoutError(
  record: TimeoutRecord,
  options: ConstructorParameters<typeof ConnectTimeoutError>[1],
): ClientError {
  const all = { code: 'ETIMEDOUT', ...options };
  switch (record.kind) {
    case 'connect':
      return new ConnectTimeoutError(`Connect timed out after ${record.ms} ms`, all);
    case 'write':
      return new WriteTimeoutError(`Sending the request body stalled for ${record.ms} ms`, all);
    case 'response':
      return new ReadTimeoutError(`No response within ${record.ms} ms after the request was sent`, all);
    default:
      return new ReadTimeoutError(`The response body stalled for ${record.ms} ms`, all);
  }
}

const PHASES: readonly TimeoutKind[] = ['connect', 'write', 'response', 'read'];

interface Watch {
  phase: number;
  since: number;
  progress: number;
}

/**
 * Enforces one set of timeouts on the requests it is given. Requests are not timed one by one:
 * a single interval, running only while requests are in flight, looks at each request's state
 * (connecting, sending, waiting, reading) and byte counters, so a request costs a map entry and a
 * listener rather than timers and listeners per phase. A limit fires between `limit` and
 * `limit + 2 × tick`, where the tick is a tenth of the smallest limit (5 ms to 1 s).
 *
 * @example
 * ```ts
 * const watcher = new TimeoutWatcher(resolveTimeouts({ connect: 2_000 }));
 * watcher.watch(req); // from an agent's addRequest
 * watcher.stop();     // when the client closes
 * ```
 */
export class TimeoutWatcher {
  readonly timeouts: ResolvedTimeouts;
  readonly #tick: number;
  readonly #inflight = new Map<http.ClientRequest, Watch>();
  readonly #onClose: (this: http.ClientRequest) => void;
  #interval: NodeJS.Timeout | undefined;

  constructor(timeouts: ResolvedTimeouts) {
    this.timeouts = timeouts;
    const limits = PHASES.map((phase) => timeouts[phase]).filter((ms) => ms > 0);
    this.#tick = Math.min(1000, Math.max(5, Math.floor(Math.min(...limits, 10_000) / 10)));
    const inflight = this.#inflight;
    const self = this;
    this.#onClose = function onClose() {
      inflight.delete(this);
      if (inflight.size === 0) self.#idle();
    };
  }

  /** Starts timing `req`; it is forgotten when it closes. */
  watch(req: http.ClientRequest): void {
    this.#inflight.set(req, { phase: -1, since: 0, progress: 0 });
    req.on('close', this.#onClose);
    if (this.#interval === undefined) {
      this.#interval = setInterval(() => this.#sweep(), this.#tick);
      this.#interval.unref();
    }
  }

  /** Whether no request is being timed. */
  get idle(): boolean {
    return this.#inflight.size === 0;
  }

  /** Stops the interval and forgets every request (the client is closing). */
  stop(): void {
    this.#inflight.clear();
    this.#idle();
  }

  #idle(): void {
    if (this.#interval !== undefined) clearInterval(this.#interval);
    this.#interval = undefined;
  }

  #sweep(): void {
    const now = performance.now();
    for (const [req, watch] of this.#inflight) this.#check(req, watch, now);
  }

  #check(req: http.ClientRequest, watch: Watch, now: number): void {
    const socket = req.socket as Socket | null;
    // Waiting for a pooled socket is not one of these phases.
    if (!socket) return;
    const res = (req as { res?: http.IncomingMessage }).res;
    let phase: number;
    if (
      socket.connecting ||
      (socket instanceof TLSSocket && !(socket as { _secureEstablished?: boolean })._secureEstablished)
    ) {
      phase = 0;
    } else if (!req.writableFinished) phase = 1;
    else if (!res) phase = 2;
    else if (!res.complete) phase = 3;
    else return;
    const counter = phase === 1 ? socket.bytesWritten - socket.writableLength : phase === 3 ? socket.bytesRead : 0;
    if (phase !== watch.phase) {
      watch.phase = phase;
      watch.since = now;
      watch.progress = counter;
      return;
    }
    // Bytes moved since the last look, or a body its reader has not drained (the reader's doing,
    // not the server's): the idle gap starts again.
    if (counter > watch.progress || (phase === 3 && res && res.readableLength >= res.readableHighWaterMark)) {
      watch.since = now;
      watch.progress = counter;
      return;
    }
    const limit = this.timeouts[PHASES[phase] as TimeoutKind];
    if (limit === 0 || now - watch.since < limit) return;
    this.#inflight.delete(req);
    const record: TimeoutRecord = { kind: PHASES[phase] as TimeoutKind, ms: limit };
    (req as unknown as Record<symbol, TimeoutRecord>)[TIMED_OUT] = record;
    const host = req.getHeader('host') ?? req.host;
    const error = timeoutError(record, {
      method: req.method,
      url: `${req.protocol}//${String(host)}${req.path}`,
      request: req,
    });
    if (phase === 3 && res) res.destroy(error);
    else req.destroy(error);
  }
}
