import type { Readable } from 'node:stream';

/**
 * Reads a Node stream chunk by chunk, as an async iterator, with backpressure. Unlike
 * `Readable[Symbol.asyncIterator]` (which calls `read()` and so concatenates what was buffered,
 * copying every byte once more), chunks are handed over as the stream emits them: the stream
 * flows while the reader waits and is paused while a chunk waits for the reader.
 */
export function readChunks(body: Readable): AsyncIterator<Buffer> {
  const queue: Buffer[] = [];
  let waiter: { resolve: (r: IteratorResult<Buffer>) => void; reject: (e: unknown) => void } | undefined;
  let ended = false;
  let failure: unknown;
  let failed = false;

  const settle = () => {
    if (!waiter) return;
    const w = waiter;
    waiter = undefined;
    if (queue.length > 0) w.resolve({ value: queue.shift() as Buffer, done: false });
    else if (failed) w.reject(failure);
    else if (ended) w.resolve({ value: undefined, done: true });
    else waiter = w;
  };
  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (waiter && queue.length === 0) {
      const w = waiter;
      waiter = undefined;
      w.resolve({ value: bytes, done: false });
      return;
    }
    queue.push(bytes);
    body.pause();
  };
  const onEnd = () => {
    ended = true;
    settle();
  };
  const onError = (error: unknown) => {
    if (failed || ended) return;
    failed = true;
    failure = error;
    settle();
  };
  const onClose = () => {
    if (ended || failed) return;
    // Destroyed without an error and without its end: the body is incomplete.
    const error = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    onError(error);
  };
  const detach = () => {
    body.off('data', onData);
    body.off('end', onEnd);
    body.off('error', onError);
    body.off('close', onClose);
  };
  body.on('data', onData);
  body.on('end', onEnd);
  body.on('error', onError);
  body.on('close', onClose);
  body.pause();

  return {
    next(): Promise<IteratorResult<Buffer>> {
      if (queue.length > 0) {
        const value = queue.shift() as Buffer;
        if (queue.length === 0 && !ended && !failed) body.resume();
        return Promise.resolve({ value, done: false });
      }
      if (failed) {
        detach();
        return Promise.reject(failure);
      }
      if (ended) {
        detach();
        return Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
        body.resume();
      });
    },
    return(): Promise<IteratorResult<Buffer>> {
      detach();
      // Keep a late error from becoming an unhandled 'error' event once nobody listens.
      body.on('error', () => undefined);
      if (!body.destroyed) body.destroy();
      ended = true;
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}
