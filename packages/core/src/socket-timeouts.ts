import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { InternalAxiosRequestConfig } from 'axios';
import type { ClientError } from './client-error';
import { ConnectTimeoutError, ReadTimeoutError, WriteTimeoutError } from './timeout-error';
import type { ResolvedTimeouts } from './timeout-options';

/** Where an attempt's config keeps the timeout that ended it, so the transport can report it as is. */
export const TIMED_OUT = Symbol('axle.timedOut');

/** The slot `applySocketTimeouts` leaves on a config. */
export interface TimeoutSlot {
  error: ClientError | undefined;
}

type AgentWithAddRequest = http.Agent & { addRequest(req: http.ClientRequest, options: object): void };

/**
 * Puts `timeouts` (connect, write, response, read) on the attempt's requests. axios exposes no
 * request object, so each agent is replaced, for this attempt only, by a thin view of itself whose
 * `addRequest` sees every request it pools, redirect hops included. The pool stays the agent's.
 */
export function applySocketTimeouts(config: InternalAxiosRequestConfig, timeouts: ResolvedTimeouts): void {
  if (timeouts.connect === 0 && timeouts.write === 0 && timeouts.response === 0 && timeouts.read === 0) return;
  const slot: TimeoutSlot = { error: undefined };
  (config as unknown as Record<symbol, TimeoutSlot>)[TIMED_OUT] = slot;
  const real = (agent: unknown, fallback: http.Agent) => (agent || fallback) as AgentWithAddRequest;
  const httpAgent = real(config.httpAgent, http.globalAgent);
  const httpsAgent = real(config.httpsAgent, https.globalAgent);
  const view = (agent: AgentWithAddRequest): http.Agent => {
    const v = Object.create(agent) as AgentWithAddRequest;
    v.addRequest = (req, options) => {
      watchRequest(req, timeouts, config, slot);
      agent.addRequest(req, options);
    };
    return v;
  };
  config.httpAgent = view(httpAgent);
  config.httpsAgent = view(httpsAgent);
}

/** The timeout that ended this attempt, if one did. */
export function timedOut(config: InternalAxiosRequestConfig): ClientError | undefined {
  return (config as unknown as Record<symbol, TimeoutSlot | undefined>)[TIMED_OUT]?.error;
}

enum Phase {
  Connect,
  Write,
  Response,
  Read,
}

/**
 * One timer per request. Phase changes only refresh it (or replace it when the phase's limit
 * differs); idle gaps are found by comparing byte counters when the timer fires, so no listener
 * runs per chunk.
 */
function watchRequest(
  req: http.ClientRequest,
  t: ResolvedTimeouts,
  config: InternalAxiosRequestConfig,
  slot: TimeoutSlot,
): void {
  let timer: NodeJS.Timeout | undefined;
  let timerMs = 0;
  let phase = Phase.Connect;
  let socket: Socket | undefined;
  let response: http.IncomingMessage | undefined;
  let progress = 0;

  const limit = (): number =>
    phase === Phase.Connect
      ? t.connect
      : phase === Phase.Write
        ? t.write
        : phase === Phase.Response
          ? t.response
          : t.read;
  const counter = (): number => {
    if (!socket) return 0;
    return phase === Phase.Write ? socket.bytesWritten - socket.writableLength : socket.bytesRead;
  };
  const enter = (next: Phase) => {
    phase = next;
    progress = counter();
    const ms = limit();
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
  const fail = (error: ClientError, target: { destroy(e: Error): void }) => {
    timer = undefined;
    slot.error = error;
    target.destroy(error);
  };
  function fire() {
    const ms = timerMs;
    const options = { config, code: 'ETIMEDOUT', request: req };
    if (phase === Phase.Connect) {
      fail(new ConnectTimeoutError(`Connect timed out after ${ms} ms`, options), req);
    } else if (phase === Phase.Response) {
      fail(new ReadTimeoutError(`No response within ${ms} ms after the request was sent`, options), req);
    } else {
      const now = counter();
      // Bytes moved since the last look, or a body its reader has not drained (the reader's
      // doing, not the server's): wait another round.
      const backpressured =
        phase === Phase.Read && response !== undefined && response.readableLength >= response.readableHighWaterMark;
      if (now > progress || backpressured) {
        progress = now;
        timer?.refresh();
        return;
      }
      if (phase === Phase.Write) {
        fail(new WriteTimeoutError(`Sending the request body stalled for ${ms} ms`, options), req);
      } else {
        fail(new ReadTimeoutError(`The response body stalled for ${ms} ms`, options), response ?? req);
      }
    }
  }
  const onFinish = () => {
    if (phase === Phase.Write) enter(Phase.Response);
  };
  const startWrite = () => {
    if (req.writableFinished) enter(Phase.Response);
    else {
      enter(Phase.Write);
      req.once('finish', onFinish);
    }
  };

  req.once('socket', (s: Socket) => {
    socket = s;
    if (s.connecting) {
      enter(Phase.Connect);
      s.once(s instanceof TLSSocket ? 'secureConnect' : 'connect', startWrite);
    } else {
      startWrite();
    }
  });
  req.once('response', (res: http.IncomingMessage) => {
    response = res;
    enter(Phase.Read);
  });
  req.once('close', () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  });
}
