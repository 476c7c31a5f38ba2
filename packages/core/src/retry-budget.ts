import type { RetryBudgetOptions } from './retry-options';

/**
 * A retry budget: each request deposits `ratio` of a retry, each retry withdraws one, and
 * `minPerSecond` retries a second are always allowed, all over a sliding window of `ttl` ms
 * (one-second buckets). When the balance is below one, retries are refused, so a failing upstream
 * sees at most about `1 + ratio` times its normal traffic instead of `1 + retries` times.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 10, ttl: 10_000 });
 * budget.deposit();
 * if (budget.tryWithdraw()) retry();
 * ```
 */
export class RetryBudget {
  readonly #ratio: number;
  readonly #reserve: number;
  readonly #slots: number;
  readonly #deposits: number[];
  readonly #withdrawals: number[];
  readonly #seconds: number[];
  readonly #now: () => number;

  constructor(options: Required<RetryBudgetOptions>, now: () => number = Date.now) {
    this.#ratio = options.ratio;
    this.#slots = Math.ceil(options.ttl / 1000);
    this.#reserve = options.minPerSecond * this.#slots;
    this.#deposits = new Array<number>(this.#slots).fill(0);
    this.#withdrawals = new Array<number>(this.#slots).fill(0);
    this.#seconds = new Array<number>(this.#slots).fill(-1);
    this.#now = now;
  }

  /** Records one request. */
  deposit(): void {
    this.#deposits[this.#slot()] = (this.#deposits[this.#slot()] ?? 0) + 1;
  }

  /** Takes one retry from the budget; `false` when there is none left. */
  tryWithdraw(): boolean {
    const slot = this.#slot();
    if (this.balance() < 1) return false;
    this.#withdrawals[slot] = (this.#withdrawals[slot] ?? 0) + 1;
    return true;
  }

  /** Retries available now. */
  balance(): number {
    const oldest = Math.floor(this.#now() / 1000) - this.#slots;
    let deposits = 0;
    let withdrawals = 0;
    for (let i = 0; i < this.#slots; i++) {
      // A bucket not written for a whole window holds an older second: it no longer counts.
      if ((this.#seconds[i] ?? -1) <= oldest) continue;
      deposits += this.#deposits[i] ?? 0;
      withdrawals += this.#withdrawals[i] ?? 0;
    }
    return this.#reserve + deposits * this.#ratio - withdrawals;
  }

  // The bucket for the current second, cleared when it last held an older second.
  #slot(): number {
    const second = Math.floor(this.#now() / 1000);
    const slot = second % this.#slots;
    if (this.#seconds[slot] !== second) {
      this.#seconds[slot] = second;
      this.#deposits[slot] = 0;
      this.#withdrawals[slot] = 0;
    }
    return slot;
  }
}
