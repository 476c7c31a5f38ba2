/**
 * One server-sent event, as the WHATWG HTML specification dispatches it.
 */
export interface ServerSentEvent {
  /** The event type: the `event` field, `'message'` when there was none. */
  readonly event: string;
  /** The `data` fields joined with `\n`. */
  readonly data: string;
  /** The last event ID seen so far in the stream (the `id` field persists), `''` when none. */
  readonly id: string;
  /** The reconnection time in ms, when this event set one with a `retry` field. */
  readonly retry?: number;
}

/**
 * An incremental parser of `text/event-stream` text (the WHATWG HTML specification, 9.2.6): give
 * it text as it arrives with `push`, and it returns the events completed by it. Lines end with
 * CR, LF or CRLF (also across chunks); comments (`:`) are skipped; a BOM at the start is dropped;
 * an event is dispatched at a blank line only when it had data; an unfinished event at the end of
 * the stream is discarded, as the specification says.
 *
 * @example
 * ```ts
 * const parser = new SSEParser();
 * parser.push('data: a\n'); // []
 * parser.push('data: b\n\n'); // [{ event: 'message', data: 'a\nb', id: '' }]
 * ```
 */
export class SSEParser {
  #buffer = '';
  #started = false;
  #pendingCR = false;
  #data: string[] = [];
  #event = '';
  #id = '';
  #retry: number | undefined;
  /** The last event ID seen, for `Last-Event-ID` on reconnection. */
  lastEventId = '';
  /** The reconnection time the stream asked for (`retry:`), in ms, or `undefined`. */
  reconnectionTime: number | undefined;

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
    this.#id = lastEventId;
  }

  /** Parses `text` (the next piece of the stream) and returns the events it completed. */
  push(text: string): ServerSentEvent[] {
    let chunk = text;
    if (!this.#started && chunk.length > 0) {
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    // A CR that ended the last chunk already ended its line; an LF right after it is its pair.
    if (this.#pendingCR && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.#pendingCR = false;
    const events: ServerSentEvent[] = [];
    let text2 = this.#buffer + chunk;
    let start = 0;
    for (;;) {
      const cr = text2.indexOf('\r', start);
      const lf = text2.indexOf('\n', start);
      if (cr === -1 && lf === -1) break;
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      const line = text2.slice(start, end);
      if (text2[end] === '\r') {
        if (end + 1 === text2.length) {
          this.#pendingCR = true;
          start = end + 1;
        } else {
          start = text2[end + 1] === '\n' ? end + 2 : end + 1;
        }
      } else {
        start = end + 1;
      }
      const event = this.#line(line);
      if (event) events.push(event);
    }
    text2 = text2.slice(start);
    this.#buffer = text2;
    return events;
  }

  /** The text of an unfinished line, in characters (for memory limits). */
  get pendingLength(): number {
    return this.#buffer.length + this.#data.reduce((sum, d) => sum + d.length, 0);
  }

  #line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.#dispatch();
    if (line.charCodeAt(0) === 0x3a) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#event = value;
        break;
      case 'data':
        this.#data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) {
          this.#retry = Number(value);
          this.reconnectionTime = this.#retry;
        }
        break;
      default:
        break;
    }
    return undefined;
  }

  #dispatch(): ServerSentEvent | undefined {
    this.lastEventId = this.#id;
    const retry = this.#retry;
    this.#retry = undefined;
    if (this.#data.length === 0) {
      this.#event = '';
      return undefined;
    }
    const event: ServerSentEvent = {
      event: this.#event === '' ? 'message' : this.#event,
      data: this.#data.join('\n'),
      id: this.lastEventId,
      ...(retry !== undefined ? { retry } : {}),
    };
    this.#data = [];
    this.#event = '';
    return event;
  }
}
