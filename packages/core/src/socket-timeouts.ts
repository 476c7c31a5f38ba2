import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { InternalAxiosRequestConfig } from 'axios';
import { ConnectTimeoutError, ReadTimeoutError, WriteTimeoutError } from './timeout-error';
import type { ResolvedTimeouts } from './timeout-options';

/**
 * Puts `timeouts` (connect, write, response, read) on the attempt's requests. axios exposes no
 * request object, so each agent is replaced, for this attempt only, by a thin view of itself whose
 * `addRequest` sees every request it pools, redirect hops included. The pool stays the agent's.
 */
export function applySocketTimeouts(config: InternalAxiosRequestConfig, timeouts: ResolvedTimeouts): void {
  if (timeouts.connect === 0 && timeouts.write === 0 && timeouts.response === 0 && timeouts.read === 0) return;
  const watch = (req: http.ClientRequest) => watchRequest(req, timeouts, config);
  config.httpAgent = viewOf(config.httpAgent || http.globalAgent, watch);
  config.httpsAgent = viewOf(config.httpsAgent || https.globalAgent, watch);
}

function viewOf(agent: http.Agent, watch: (req: http.ClientRequest) => void): http.Agent {
  const view = Object.create(agent) as http.Agent & { addRequest: (req: http.ClientRequest, options: object) => void };
  const real = agent as http.Agent & { addRequest: (req: http.ClientRequest, options: object) => void };
  view.addRequest = (req, options) => {
    watch(req);
    real.addRequest(req, options);
  };
  return view;
}

function watchRequest(req: http.ClientRequest, t: ResolvedTimeouts, config: InternalAxiosRequestConfig): void {
  let timer: NodeJS.Timeout | undefined;
  let socket: Socket | undefined;
  let response: http.IncomingMessage | undefined;
  let flushed = 0;

  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    socket?.removeListener('data', onData);
  };
  const arm = (ms: number, fire: () => void) => {
    if (timer) clearTimeout(timer);
    timer = ms > 0 ? setTimeout(fire, ms) : undefined;
  };
  const onData = () => timer?.refresh();

  const connectTimeout = () => {
    stop();
    req.destroy(
      new ConnectTimeoutError(`Connect timed out after ${t.connect} ms`, { config, code: 'ETIMEDOUT', request: req }),
    );
  };
  const writeCheck = () => {
    // Progress is what left the process: bytes written minus bytes still queued.
    const now = socket ? socket.bytesWritten - socket.writableLength : 0;
    if (now > flushed) {
      flushed = now;
      arm(t.write, writeCheck);
      return;
    }
    stop();
    req.destroy(
      new WriteTimeoutError(`Sending the request body stalled for ${t.write} ms`, {
        config,
        code: 'ETIMEDOUT',
        request: req,
      }),
    );
  };
  const responseTimeout = () => {
    stop();
    req.destroy(
      new ReadTimeoutError(`No response within ${t.response} ms after the request was sent`, {
        config,
        code: 'ETIMEDOUT',
        request: req,
      }),
    );
  };
  const readCheck = () => {
    // A body paused by its reader is the reader's doing, not the server's.
    if (response && (response.isPaused() || response.readableLength >= response.readableHighWaterMark)) {
      arm(t.read, readCheck);
      return;
    }
    stop();
    response?.destroy(
      new ReadTimeoutError(`The response body stalled for ${t.read} ms`, { config, code: 'ETIMEDOUT', request: req }),
    );
  };

  const startResponse = () => {
    arm(t.response, responseTimeout);
  };
  const startWrite = () => {
    if (req.writableFinished) {
      startResponse();
      return;
    }
    flushed = socket ? socket.bytesWritten - socket.writableLength : 0;
    arm(t.write, writeCheck);
    req.once('finish', startResponse);
  };

  req.once('socket', (s: Socket) => {
    socket = s;
    if (s.connecting) {
      arm(t.connect, connectTimeout);
      s.once(s instanceof TLSSocket ? 'secureConnect' : 'connect', startWrite);
    } else {
      startWrite();
    }
  });
  req.once('response', (res: http.IncomingMessage) => {
    response = res;
    arm(t.read, readCheck);
    socket?.on('data', onData);
    res.once('end', stop);
    res.once('close', stop);
  });
  req.once('close', () => {
    if (!response) stop();
  });
  req.once('error', stop);
}
