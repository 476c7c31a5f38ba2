// The chunk reader under streams: backpressure, early return, errors and premature close.

import { PassThrough, Readable } from 'node:stream';
import { readChunks } from '../src/read-chunks';

describe('readChunks', () => {
  it('hands over chunks as emitted, strings as bytes, and ends', async () => {
    const reader = readChunks(Readable.from(['ab', Buffer.from('cd')], { objectMode: true }));
    const out: string[] = [];
    for (let r = await reader.next(); !r.done; r = await reader.next()) out.push(r.value.toString());
    expect(out).toEqual(['ab', 'cd']);
    expect((await reader.next()).done).toBe(true);
  });

  it('pauses the stream while a chunk waits for the reader', async () => {
    const source = new PassThrough();
    const reader = readChunks(source);
    const first = reader.next();
    source.write('1');
    expect((await first).value?.toString()).toBe('1');
    source.write('2');
    source.write('3');
    await new Promise((r) => setImmediate(r));
    expect(source.isPaused()).toBe(true);
    expect((await reader.next()).value?.toString()).toBe('2');
    expect((await reader.next()).value?.toString()).toBe('3');
    source.end();
    expect((await reader.next()).done).toBe(true);
  });

  it('an error reaches the reader, and every later read', async () => {
    const source = new PassThrough();
    const reader = readChunks(source);
    const first = reader.next();
    source.write('x');
    expect((await first).value?.toString()).toBe('x');
    source.destroy(new Error('boom'));
    await new Promise((r) => setImmediate(r));
    await expect(reader.next()).rejects.toThrow('boom');
    await expect(reader.next()).rejects.toThrow('boom');
  });

  it('a stream destroyed without an error and without its end is a cut body (ECONNRESET "aborted")', async () => {
    const source = new PassThrough();
    const reader = readChunks(source);
    const pending = reader.next();
    source.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET', message: 'aborted' });
  });

  it('return() destroys the stream', async () => {
    const source = new PassThrough();
    const reader = readChunks(source);
    await reader.return?.();
    expect(source.destroyed).toBe(true);
  });
});
