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
export function watchAgent(agent: http.Agent, timeouts: ResolvedTimeouts, owned: boolean): http.Agent {
  const target = (owned ? agent : Object.create(agent)) as Agent;
  const raw = rawOf(agent);
  target[RAW] = raw;
  target.addRequest = function addRequest(req, options) {
    watchRequest(req, timeouts);
    raw.addRequest.call(raw.agent, req, options);
  };
  return target;
}

/**
 * A view of `agent` for one attempt whose timeouts differ from the client's: `timeouts` replace
 * whatever the agent was watched with (`undefined`: none, axios's number form owns the request).
 */
export function agentForAttempt(agent: http.Agent, timeouts: ResolvedTimeouts | undefined): http.Agent {
  const view = Object.create(agent) as Agent;
  const raw = rawOf(agent);
  view.addRequest = function addRequest(req, options) {
    if (timeouts) watchRequest(req, timeouts);
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

/**
 * One timer per request. Phase changes refresh it (or replace it when the phase's limit differs);
 * idle gaps are found by comparing byte counters when it fires, so nothing runs per chunk.
 */
function watchRequest(req: http.ClientRequest, t: ResolvedTimeouts): void {
  let timer: NodeJS.Timeout | undefined;
  let timerMs = 0;
  let phase = 0;
  let socket: Socket | undefined;
  let response: http.IncomingMessage | undefined;
  let progress = 0;

  const counter = (): number => {
    if (!socket) return 0;
    return phase === 1 ? socket.bytesWritten - socket.writableLength : socket.bytesRead;
  };
  const enter = (next: number) => {
    phase = next;
    progress = counter();
    const ms = t[PHASES[next] as TimeoutKind];
    if (ms === 0) {
      if (timer) clearTimeout(timer);
      timer = undefined;
    } else if (timer && timerMs === ms) {
      timer.refresh();
    } else {
      if (timer) clearTimeout(timer);
      timer = setTimeout(fire, ms);
      timerMs = ms;
    }
  };
  function fire() {
    if (phase === 1 || phase === 3) {
      const now = counter();
      // Bytes moved since the last look, or a body its reader has not drained (the reader's doing,
      // not the server's): look again later.
      const backpressured = phase === 3 && !!response && response.readableLength >= response.readableHighWaterMark;
      if (now > progress || backpressured) {
        progress = now;
        timer?.refresh();
        return;
      }
    }
    timer = undefined;
    const record: TimeoutRecord = { kind: PHASES[phase] as TimeoutKind, ms: timerMs };
    (req as unknown as Record<symbol, TimeoutRecord>)[TIMED_OUT] = record;
    const host = req.getHeader('host') ?? req.host;
    const error = timeoutError(record, {
      method: req.method,
      url: `${req.protocol}//${String(host)}${req.path}`,
      request: req,
    });
    if (phase === 3 && response) response.destroy(error);
    else req.destroy(error);
  }
  const onFinish = () => {
    if (phase === 1) enter(2);
  };
  const startWrite = () => {
    if (req.writableFinished) enter(2);
    else {
      enter(1);
      req.once('finish', onFinish);
    }
  };

  req.once('socket', (s: Socket) => {
    socket = s;
    if (s.connecting) {
      enter(0);
      s.once(s instanceof TLSSocket ? 'secureConnect' : 'connect', startWrite);
    } else {
      startWrite();
    }
  });
  req.once('response', (res: http.IncomingMessage) => {
    response = res;
    enter(3);
  });
  req.once('close', () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  });
}
