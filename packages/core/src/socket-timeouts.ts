import type http from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { InternalAxiosRequestConfig } from 'axios';
import type { ClientError } from './client-error';
import { ConnectTimeoutError, ReadTimeoutError, WriteTimeoutError } from './timeout-error';
import type { ResolvedTimeouts } from './timeout-options';

type AddRequest = (this: http.Agent, req: http.ClientRequest, options: object) => void;
type Agent = http.Agent & { addRequest: AddRequest; [WATCHER]?: AgentWatcher };
type Marked = http.ClientRequest & {
  [POLICY]?: ResolvedTimeouts | null;
  [TIMED_OUT]?: TimeoutRecord;
  [WATCH]?: Watch;
};

/** The watcher of an agent axle watches. */
const WATCHER = Symbol('axle.watcher');
/** The timeouts a request was sent with (`null`: none), where they are not the agent's. */
const POLICY = Symbol('axle.timeouts');
/** What a request ended with when one of axle's timeouts fired on it. */
const TIMED_OUT = Symbol('axle.timedOut');
/** What the watcher saw of a request at its last look (kept on the request, so it dies with it). */
const WATCH = Symbol('axle.watch');

type TimeoutKind = 'connect' | 'write' | 'response' | 'read';
interface TimeoutRecord {
  readonly kind: TimeoutKind;
  readonly ms: number;
}

/**
 * axios exposes no request object, so timeouts are enforced where requests are pooled: the agent.
 * `watchAgent` puts an {@link AgentWatcher} on an agent the client owns (it changes that agent:
 * `addRequest` wakes the watcher), or on a view of an agent the caller passed in (their object is
 * not changed, the pool stays theirs, and only the client's requests are timed). `timeouts` is
 * what the client's requests get unless one asks for others (`undefined`: none). `lateSockets`
 * (default `false`): the agent gives requests their socket later than `addRequest` (proxy agents).
 */
export function watchAgent(
  agent: http.Agent,
  timeouts: ResolvedTimeouts | undefined,
  owned: boolean,
  lateSockets = false,
): {
  agent: http.Agent;
  watcher: AgentWatcher;
} {
  const target = (owned ? agent : Object.create(agent)) as Agent;
  const watcher = new AgentWatcher(agent, owned ? timeouts : undefined);
  const raw = (agent as Agent).addRequest;
  target[WATCHER] = watcher;
  target.addRequest = function addRequest(req, options) {
    // A caller's agent may serve others too: only requests marked here are the client's.
    if (!owned && (req as Marked)[POLICY] === undefined) (req as Marked)[POLICY] = timeouts ?? null;
    const policy = (req as Marked)[POLICY] ?? timeouts;
    watcher.wake(policy);
    // A proxy agent hands the socket over only once its tunnel is up; the watcher may have gone
    // idle (no socket to watch) by then.
    if (lateSockets) req.once('socket', () => watcher.wake(policy));
    raw.call(agent, req, options);
  };
  return { agent: target, watcher };
}

/**
 * A view of a watched `agent` for one attempt whose timeouts differ from the client's
 * (`undefined`: none, as with axios's number form).
 */
export function agentForAttempt(agent: http.Agent, timeouts: ResolvedTimeouts | undefined): http.Agent {
  const view = Object.create(agent) as Agent;
  view.addRequest = function addRequest(req, options) {
    (req as Marked)[POLICY] = timeouts ?? null;
    (agent as Agent).addRequest(req, options);
  };
  return view;
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
 * Enforces timeouts on the requests an agent carries. Requests are not timed one by one: an
 * interval, running only while requests are in flight, walks the agent's active sockets and looks
 * at the request on each (connecting, sending, waiting, reading) and at byte counters. A request
 * costs nothing but a field check, which keeps axle's timeouts off the hot path. A limit fires
 * between `limit` and `limit + 2 × tick`; the tick is a tenth of the smallest limit in use
 * (5 ms to 1 s).
 *
 * @example
 * ```ts
 * const { agent, watcher } = watchAgent(new http.Agent({ keepAlive: true }), resolveTimeouts({ connect: 2_000 }), true);
 * watcher.stop(); // when the client closes
 * ```
 */
export class AgentWatcher {
  readonly #agent: http.Agent;
  readonly #defaults: ResolvedTimeouts | undefined;
  #interval: NodeJS.Timeout | undefined;
  #tick = 1000;
  #last: ResolvedTimeouts | undefined;

  /** `defaults` apply to requests not marked with timeouts of their own (on an owned agent). */
  constructor(agent: http.Agent, defaults: ResolvedTimeouts | undefined) {
    this.#agent = agent;
    this.#defaults = defaults;
  }

  /** Makes sure the interval runs, often enough for `timeouts`. */
  wake(timeouts: ResolvedTimeouts | null | undefined): void {
    if (!timeouts || (this.#interval !== undefined && timeouts === this.#last)) return;
    this.#last = timeouts;
    const tick = tickFor(timeouts);
    if (this.#interval !== undefined && tick >= this.#tick) return;
    if (this.#interval !== undefined) clearInterval(this.#interval);
    this.#tick = this.#interval === undefined ? tick : Math.min(tick, this.#tick);
    this.#interval = setInterval(() => this.#sweep(), this.#tick);
    this.#interval.unref();
  }

  /** Stops the interval (the client is closing). */
  stop(): void {
    if (this.#interval !== undefined) clearInterval(this.#interval);
    this.#interval = undefined;
  }

  #sweep(): void {
    const now = performance.now();
    let active = 0;
    const pools = this.#agent.sockets;
    for (const name in pools) {
      for (const socket of pools[name] ?? []) {
        const req = (socket as { _httpMessage?: Marked })._httpMessage;
        if (!req) continue;
        const marked = req[POLICY];
        const timeouts = marked === undefined ? this.#defaults : marked;
        if (!timeouts) continue;
        active += 1;
        this.#check(socket as Socket, req, timeouts, now);
      }
    }
    if (active === 0) this.stop();
  }

  #check(socket: Socket, req: Marked, timeouts: ResolvedTimeouts, now: number): void {
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
    const watch = req[WATCH];
    if (!watch || watch.phase !== phase) {
      req[WATCH] = { phase, since: now, progress: counter };
      return;
    }
    // Bytes moved since the last look, or a body its reader has not drained (the reader's doing,
    // not the server's): the idle gap starts again.
    if (counter > watch.progress || (phase === 3 && res && res.readableLength >= res.readableHighWaterMark)) {
      watch.since = now;
      watch.progress = counter;
      return;
    }
    const limit = timeouts[PHASES[phase] as TimeoutKind];
    if (limit === 0 || now - watch.since < limit) return;
    const record: TimeoutRecord = { kind: PHASES[phase] as TimeoutKind, ms: limit };
    req[TIMED_OUT] = record;
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

function tickFor(timeouts: ResolvedTimeouts): number {
  const limits = PHASES.map((phase) => timeouts[phase]).filter((ms) => ms > 0);
  return Math.min(1000, Math.max(5, Math.floor(Math.min(...limits, 10_000) / 10)));
}
