import { createCounter, FixedWindow, SlidingWindow, TokenBucket } from '@axle/rate-limit';

const T0 = Date.UTC(2030, 0, 1);

describe('token bucket', () => {
  it('allows a burst of burstSize, then one request per refill interval', () => {
    const bucket = new TokenBucket(10, 1000, 3);
    expect(bucket.limit).toBe(3);
    for (let i = 0; i < 3; i++) {
      expect(bucket.wait(T0)).toBe(0);
      bucket.take(T0);
    }
    expect(bucket.remaining(T0)).toBe(0);
    expect(bucket.wait(T0)).toBe(100);
    expect(bucket.wait(T0 + 50)).toBe(50);
    expect(bucket.wait(T0 + 100)).toBe(0);
    bucket.take(T0 + 100);
    expect(bucket.wait(T0 + 100)).toBe(100);
    expect(bucket.resetAt(T0 + 100)).toBe(T0 + 400);
  });

  it('never holds more than burstSize tokens, however long it idles', () => {
    const bucket = new TokenBucket(10, 1000, 2);
    bucket.take(T0);
    expect(bucket.remaining(T0 + 60_000)).toBe(2);
    expect(bucket.wait(T0 - 5)).toBe(0); // a clock going back does not refill
  });

  it('sends maxRequests per window on average under saturation', () => {
    const bucket = new TokenBucket(50, 1000, 1);
    let sent = 0;
    for (let t = T0; t < T0 + 10_000; t++) {
      if (bucket.wait(t) === 0) {
        bucket.take(t);
        sent += 1;
      }
    }
    expect(sent).toBeGreaterThanOrEqual(499);
    expect(sent).toBeLessThanOrEqual(501);
  });
});

describe('fixed window', () => {
  it('counts per aligned window and resets at its end', () => {
    const window = new FixedWindow(2, 1000);
    const t = T0 + 250;
    window.take(t);
    window.take(t + 1);
    expect(window.remaining(t + 1)).toBe(0);
    expect(window.wait(t + 1)).toBe(749);
    expect(window.resetAt(t)).toBe(T0 + 1000);
    expect(window.wait(T0 + 1000)).toBe(0);
    expect(window.remaining(T0 + 1000)).toBe(2);
  });
});

describe('sliding window', () => {
  it('allows at most maxRequests in any window of timeWindow', () => {
    const window = new SlidingWindow(3, 1000);
    const send = (t: number) => window.settle(window.take(t), t);
    expect(window.resetAt(T0)).toBe(T0);
    send(T0);
    send(T0 + 100);
    send(T0 + 900);
    expect(window.wait(T0 + 950)).toBe(50);
    expect(window.remaining(T0 + 950)).toBe(0);
    expect(window.wait(T0 + 1000)).toBe(0);
    expect(window.remaining(T0 + 1000)).toBe(1);
    send(T0 + 1000);
    expect(window.wait(T0 + 1000)).toBe(100);
    expect(window.resetAt(T0 + 1000)).toBe(T0 + 2000);
  });

  it('never lets more than maxRequests into any window under saturation', () => {
    const window = new SlidingWindow(5, 100);
    const sent: number[] = [];
    for (let t = T0; t < T0 + 2000; t++) {
      while (window.wait(t) === 0) {
        window.settle(window.take(t), t);
        sent.push(t);
      }
    }
    for (let i = 5; i < sent.length; i++)
      expect((sent[i] as number) - (sent[i - 5] as number)).toBeGreaterThanOrEqual(100);
    expect(sent.length).toBe(100);
  });
});

it('a sliding window counts a request in flight until its answer, then a window from it', () => {
  const window = new SlidingWindow(1, 1000);
  const ticket = window.take(T0);
  expect(window.wait(T0 + 5000)).toBe(1000);
  expect(window.resetAt(T0 + 5000)).toBe(T0 + 6000);
  window.settle(ticket, T0 + 300);
  expect(window.wait(T0 + 1000)).toBe(300);
  expect(window.wait(T0 + 1300)).toBe(0);
});

it('token bucket and fixed window ignore settle', () => {
  const bucket = new TokenBucket(1, 1000, 1);
  bucket.settle();
  const fixed = new FixedWindow(1, 1000);
  fixed.settle();
  expect(bucket.take(T0) + fixed.take(T0)).toBe(0);
});

it('createCounter builds the strategy asked for', () => {
  const spec = { maxRequests: 5, timeWindow: 1000, burstSize: 2 };
  expect(createCounter({ ...spec, strategy: 'token_bucket' })).toBeInstanceOf(TokenBucket);
  expect(createCounter({ ...spec, strategy: 'fixed_window' })).toBeInstanceOf(FixedWindow);
  expect(createCounter({ ...spec, strategy: 'sliding_window' })).toBeInstanceOf(SlidingWindow);
});
