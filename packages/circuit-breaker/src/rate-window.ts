/** Buckets a window is cut into: it slides in steps of a tenth of its length. */
const BUCKETS = 10;

/**
 * Successes and failures over the last `duration` ms, in ten buckets. Buckets are recycled by
 * the clock when written or read, so no timer runs and an idle breaker costs nothing.
 *
 * @example
 * ```ts
 * const window = new RateWindow(60_000);
 * window.record(false, Date.now());
 * window.totals(Date.now()); // { calls: 1, failures: 1 }
 * ```
 */
export class RateWindow {
  readonly #bucketMs: number;
  // Parallel arrays: the bucket's epoch (time / bucketMs), and its counts.
  readonly #epochs = new Array<number>(BUCKETS).fill(-1);
  readonly #calls = new Array<number>(BUCKETS).fill(0);
  readonly #failures = new Array<number>(BUCKETS).fill(0);

  constructor(duration: number) {
    this.#bucketMs = Math.max(1, Math.ceil(duration / BUCKETS));
  }

  /** Counts one call that ended at `now`: a failure, or a success. */
  record(failure: boolean, now: number): void {
    const epoch = Math.floor(now / this.#bucketMs);
    const i = epoch % BUCKETS;
    if (this.#epochs[i] !== epoch) {
      this.#epochs[i] = epoch;
      this.#calls[i] = 0;
      this.#failures[i] = 0;
    }
    this.#calls[i] = (this.#calls[i] ?? 0) + 1;
    if (failure) this.#failures[i] = (this.#failures[i] ?? 0) + 1;
  }

  /** Calls and failures in the window that ends at `now`. */
  totals(now: number): { calls: number; failures: number } {
    const oldest = Math.floor(now / this.#bucketMs) - BUCKETS + 1;
    let calls = 0;
    let failures = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if ((this.#epochs[i] ?? -1) < oldest) continue;
      calls += this.#calls[i] ?? 0;
      failures += this.#failures[i] ?? 0;
    }
    return { calls, failures };
  }

  /** Forgets every call (a breaker that closes starts from a clean window). */
  clear(): void {
    this.#epochs.fill(-1);
  }
}
