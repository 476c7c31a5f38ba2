import { setTimeout as sleep } from 'node:timers/promises';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { ConfigurationError } from './configuration-error';
import { isConnectionError, isTimeoutError } from './guards';
import { ResponseTooLargeError } from './response-too-large-error';
import { type ServerSentEvent, SSEParser } from './sse-parser';
import type { Reopen, StreamResponse } from './stream-response';

/** Options of `iterEvents`. */
export interface IterEventsOptions {
  /**
   * Reconnect when the stream ends or the connection drops, as `EventSource` does: after the
   * reconnection time (the server's `retry:`, else `retry`), with `Last-Event-ID` set to the last
   * event ID. A `204` answer stops. An HTTP error is thrown. Default `false`.
   */
  readonly reconnect?: boolean;
  /** The reconnection time in ms until the server sends `retry:`. Default `3000`. */
  readonly retry?: number;
  /** The most reconnections in a row without an event in between. Default: no limit. */
  readonly maxReconnects?: number;
}

/** Default reconnection time of `iterEvents({ reconnect: true })`, in ms. */
export const DEFAULT_SSE_RETRY = 3000;

/**
 * The events of a `text/event-stream` body, reconnecting when asked. The first response's text
 * comes from `firstText`; later ones from `reopen`.
 */
export async function* eventStream(
  firstText: () => AsyncGenerator<string>,
  first: AxiosResponse,
  reopen: Reopen | undefined,
  options: IterEventsOptions = {},
  limit: number,
  utf8Text: (response: StreamResponse) => AsyncGenerator<string>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const config = first.config as InternalAxiosRequestConfig;
  const { reconnect = false, retry = DEFAULT_SSE_RETRY, maxReconnects = Number.POSITIVE_INFINITY } = options;
  if (typeof reconnect !== 'boolean') fail('reconnect', 'true or false', reconnect, config);
  if (!(Number.isFinite(retry) && retry >= 0)) fail('retry', 'a number of ms, 0 or more', retry, config);
  if (!(maxReconnects >= 0)) fail('maxReconnects', 'a number, 0 or more', maxReconnects, config);
  if (reconnect && !reopen) {
    fail('reconnect', 'false here: only client.stream(...) results can reconnect', reconnect, config);
  }
  let source = firstText;
  let wait = retry;
  let parser = new SSEParser();
  let attempts = 0;
  for (;;) {
    let failure: unknown;
    try {
      for await (const piece of source()) {
        for (const event of parser.push(piece)) {
          attempts = 0;
          yield event;
        }
        if (limit > -1 && parser.pendingLength > limit) {
          throw new ResponseTooLargeError(`An event of the stream is longer than maxContentLength (${limit} bytes)`, {
            config,
            limit,
          });
        }
      }
    } catch (error) {
      if (!reconnect || !(isConnectionError(error) || isTimeoutError(error))) throw error;
      failure = error;
    }
    if (!reconnect || !reopen) return;
    if (parser.reconnectionTime !== undefined) wait = parser.reconnectionTime;
    if (attempts >= maxReconnects) {
      if (failure !== undefined) throw failure;
      return;
    }
    attempts += 1;
    await sleep(wait);
    const lastEventId = parser.lastEventId;
    const next = await reopen(lastEventId === '' ? {} : { 'Last-Event-ID': lastEventId });
    if (next.status === 204) {
      next.close();
      return;
    }
    const reconnectionTime = parser.reconnectionTime;
    parser = new SSEParser(lastEventId);
    parser.reconnectionTime = reconnectionTime;
    source = () => utf8Text(next);
  }
}

function fail(option: string, expected: string, got: unknown, config: InternalAxiosRequestConfig): never {
  throw new ConfigurationError(`Invalid iterEvents ${option}: expected ${expected}; got ${String(got)}`, {
    option,
    config,
  });
}
