/**
 * How a scope counts requests:
 *
 * - `token_bucket`: a bucket of `burstSize` tokens refilled at `maxRequests` per `timeWindow`,
 *   smooth, with bursts up to `burstSize`;
 * - `fixed_window`: at most `maxRequests` per window aligned on multiples of `timeWindow` (up to
 *   twice that can pass around a window boundary);
 * - `sliding_window`: at most `maxRequests` in any `timeWindow` (an exact log of the last
 *   `maxRequests` send times).
 *
 * @example
 * ```ts
 * const strategy: RateLimitStrategy = 'sliding_window';
 * ```
 */
export type RateLimitStrategy = 'token_bucket' | 'fixed_window' | 'sliding_window';

/**
 * One scope's counter. Times are ms since the epoch.
 *
 * @example
 * ```ts
 * const counter: Counter = new SlidingWindow(10, 1000);
 * if (counter.wait(Date.now()) === 0) counter.settle(counter.take(Date.now()), Date.now());
 * ```
 */
export interface Counter {
  /** Requests allowed per window (the bucket size for a token bucket). */
  readonly limit: number;
  /** 0 when a request may go now, else the ms until one may. */
  wait(now: number): number;
  /** Counts one request sent at `now` (call only after `wait(now)` returned 0); returns a ticket for `settle`. */
  take(now: number): number;
  /**
   * Tells that the request of `ticket` has its answer (or failed) at `now`. Only the sliding
   * window uses it: a request counts from its send until its answer plus the window, so the
   * server never sees more than `limit` arrivals in any window, whatever the latency.
   */
  settle(ticket: number, now: number): void;
  /** Requests that may go now without waiting. */
  remaining(now: number): number;
  /** When the counter is next full again (token bucket) or the window resets (ms since the epoch). */
  resetAt(now: number): number;
}

/**
 * What a counter is built from.
 *
 * @example
 * ```ts
 * const spec: CounterSpec = { strategy: 'token_bucket', maxRequests: 100, timeWindow: 60_000, burstSize: 10 };
 * ```
 */
export interface CounterSpec {
  readonly strategy: RateLimitStrategy;
  readonly maxRequests: number;
  readonly timeWindow: number;
  /** Token bucket only: the bucket size. */
  readonly burstSize: number;
}

/**
 * Creates the counter for `spec`.
 *
 * @example
 * ```ts
 * const counter = createCounter({ strategy: 'fixed_window', maxRequests: 10, timeWindow: 1000, burstSize: 10 });
 * if (counter.wait(Date.now()) === 0) counter.take(Date.now());
 * ```
 */
export function createCounter(spec: CounterSpec): Counter {
  switch (spec.strategy) {
    case 'token_bucket':
      return new TokenBucket(spec.maxRequests, spec.timeWindow, spec.burstSize);
    case 'fixed_window':
      return new FixedWindow(spec.maxRequests, spec.timeWindow);
    default:
      return new SlidingWindow(spec.maxRequests, spec.timeWindow);
  }
}

/**
 * Tokens refill continuously at `maxRequests / timeWindow` per ms up to `burstSize`; a request
 * takes one.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(10, 1000, 3); // 10/s, bursts of 3
 * bucket.wait(Date.now()); // 0: a token is there
 * ```
 */
export class TokenBucket implements Counter {
  readonly limit: number;
  readonly #perMs: number;
  #tokens: number;
  #at = Number.NEGATIVE_INFINITY;

  constructor(maxRequests: number, timeWindow: number, burstSize: number) {
    this.limit = burstSize;
    this.#perMs = maxRequests / timeWindow;
    this.#tokens = burstSize;
  }

  #refill(now: number): void {
    if (now <= this.#at) return;
    if (this.#at !== Number.NEGATIVE_INFINITY) {
      this.#tokens = Math.min(this.limit, this.#tokens + (now - this.#at) * this.#perMs);
    }
    this.#at = now;
  }

  wait(now: number): number {
    this.#refill(now);
    if (this.#tokens >= 1) return 0;
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#perMs));
  }

  take(now: number): number {
    this.#refill(now);
    this.#tokens -= 1;
    return 0;
  }

  settle(): void {}

  remaining(now: number): number {
    this.#refill(now);
    return Math.floor(this.#tokens);
  }

  resetAt(now: number): number {
    this.#refill(now);
    return now + Math.ceil((this.limit - this.#tokens) / this.#perMs);
  }
}

/**
 * Counts requests per window `[k × timeWindow, (k + 1) × timeWindow)`.
 *
 * @example
 * ```ts
 * const window = new FixedWindow(100, 60_000); // 100 per calendar minute
 * ```
 */
export class FixedWindow implements Counter {
  readonly limit: number;
  readonly #window: number;
  #start = Number.NEGATIVE_INFINITY;
  #count = 0;

  constructor(maxRequests: number, timeWindow: number) {
    this.limit = maxRequests;
    this.#window = timeWindow;
  }

  #roll(now: number): void {
    if (now < this.#start + this.#window) return;
    this.#start = now - (now % this.#window);
    this.#count = 0;
  }

  wait(now: number): number {
    this.#roll(now);
    return this.#count < this.limit ? 0 : this.#start + this.#window - now;
  }

  take(now: number): number {
    this.#roll(now);
    this.#count += 1;
    return 0;
  }

  settle(): void {}

  remaining(now: number): number {
    this.#roll(now);
    return this.limit - this.#count;
  }

  resetAt(now: number): number {
    this.#roll(now);
    return this.#start + this.#window;
  }
}

/**
 * Keeps the times of the last `limit` requests in a ring, in send order: a request may go when
 * the oldest is a window old. A request in flight counts as sent "now" until it settles; then its
 * time is that of its answer, so a request is sent a full window after the server has seen the
 * one `limit` places before it.
 *
 * @example
 * ```ts
 * const window = new SlidingWindow(20, 1000);
 * const ticket = window.take(Date.now());
 * window.settle(ticket, Date.now()); // when the answer came
 * ```
 */
export class SlidingWindow implements Counter {
  readonly limit: number;
  readonly #window: number;
  readonly #times: Float64Array;
  #next = 0;
  #count = 0;

  constructor(maxRequests: number, timeWindow: number) {
    this.limit = maxRequests;
    this.#window = timeWindow;
    this.#times = new Float64Array(maxRequests);
  }

  /** Send time of the oldest of the last `limit` requests (meaningful when the ring is full). */
  #oldest(): number {
    return this.#times[this.#next] as number;
  }

  wait(now: number): number {
    if (this.#count < this.limit) return 0;
    const oldest = this.#oldest();
    // Still in flight: its answer will wake the queue; until then, a window is the estimate.
    if (oldest === Number.POSITIVE_INFINITY) return this.#window;
    const free = oldest + this.#window;
    return free <= now ? 0 : free - now;
  }

  take(_now: number): number {
    const slot = this.#next;
    this.#times[slot] = Number.POSITIVE_INFINITY;
    this.#next = (slot + 1) % this.limit;
    if (this.#count < this.limit) this.#count += 1;
    return slot;
  }

  settle(ticket: number, now: number): void {
    this.#times[ticket] = now;
  }

  remaining(now: number): number {
    let used = 0;
    for (let i = 0; i < this.#count; i++) if ((this.#times[i] as number) > now - this.#window) used += 1;
    return this.limit - used;
  }

  resetAt(now: number): number {
    // Every slot is free a window after the latest time in the ring.
    let latest = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.#count; i++) latest = Math.max(latest, this.#times[i] as number);
    if (latest === Number.NEGATIVE_INFINITY) return now;
    return latest === Number.POSITIVE_INFINITY ? now + this.#window : Math.max(now, latest + this.#window);
  }
}
