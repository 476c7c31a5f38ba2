// The server-sent events parser against the WHATWG specification's edge cases.

import { type ServerSentEvent, SSEParser } from '@axle/core';

function parse(...chunks: string[]): ServerSentEvent[] {
  const parser = new SSEParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('SSEParser', () => {
  it('dispatches data at a blank line, with the default type "message"', () => {
    expect(parse('data: hello\n\n')).toEqual([{ event: 'message', data: 'hello', id: '' }]);
  });

  it('joins data over several lines with LF, and keeps the event type', () => {
    expect(parse('event: update\ndata: a\ndata: b\ndata\n\n')).toEqual([{ event: 'update', data: 'a\nb\n', id: '' }]);
  });

  it('accepts CR, LF and CRLF line ends, also split across chunks', () => {
    expect(parse('data: 1\r\n\r\ndata: 2\r\rdata: 3\n\n')).toEqual([
      { event: 'message', data: '1', id: '' },
      { event: 'message', data: '2', id: '' },
      { event: 'message', data: '3', id: '' },
    ]);
    expect(parse('data: x\r', '\n', '\r', '\ndata: y\r', '\r')).toEqual([
      { event: 'message', data: 'x', id: '' },
      { event: 'message', data: 'y', id: '' },
    ]);
  });

  it('handles fields split at any character', () => {
    const text = 'event: e\nid: 7\ndata: split here\n\n';
    expect(parse(...text.split(''))).toEqual([{ event: 'e', data: 'split here', id: '7' }]);
  });

  it('skips comments and unknown fields; removes only one leading space', () => {
    expect(parse(': keep-alive\nfoo: bar\ndata:  two spaces\ndata:none\n\n')).toEqual([
      { event: 'message', data: ' two spaces\nnone', id: '' },
    ]);
  });

  it('strips one BOM at the start of the stream only', () => {
    expect(parse('\ufeffdata: a\n\n')).toEqual([{ event: 'message', data: 'a', id: '' }]);
    expect(parse('\ufeff', 'data: a\n\n')).toEqual([{ event: 'message', data: 'a', id: '' }]);
    // A second BOM is part of a field name, so the line is an unknown field.
    expect(parse('\ufeff\ufeffdata: a\n\n')).toEqual([]);
  });

  it('the id persists over later events, an id with NUL is ignored, an empty id resets it', () => {
    const parser = new SSEParser();
    expect(parser.push('id: 1\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n')).toEqual([
      { event: 'message', data: 'a', id: '1' },
      { event: 'message', data: 'b', id: '1' },
      { event: 'message', data: 'c', id: '1' },
      { event: 'message', data: 'd', id: '' },
    ]);
  });

  it('retry sets the reconnection time only when all digits', () => {
    const parser = new SSEParser();
    expect(parser.push('retry: 2500\ndata: a\n\n')).toEqual([{ event: 'message', data: 'a', id: '', retry: 2500 }]);
    parser.push('retry: 12s\n\n');
    expect(parser.reconnectionTime).toBe(2500);
    parser.push('retry: 10\n\n');
    expect(parser.reconnectionTime).toBe(10);
  });

  it('an event without data is not dispatched, but an id in it still counts; the event type resets', () => {
    const parser = new SSEParser();
    expect(parser.push('event: ping\nid: 5\n\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x', id: '5' }]);
    expect(parser.lastEventId).toBe('5');
  });

  it('an unfinished event at the end is not dispatched', () => {
    expect(parse('data: complete\n\ndata: cut')).toEqual([{ event: 'message', data: 'complete', id: '' }]);
  });

  it('starts from a given last event ID, and reports what it holds', () => {
    const parser = new SSEParser('41');
    expect(parser.push('data: a\n\n')).toEqual([{ event: 'message', data: 'a', id: '41' }]);
    parser.push('data: pending\ndata: more');
    expect(parser.pendingLength).toBe('pending'.length + 'data: more'.length);
  });
});
