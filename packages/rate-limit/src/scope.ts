import type { ResolvedScopeLimit } from './options';
import { type Counter, createCounter } from './strategy';

/**
 * One group of requests that share a limit: the whole client (`'*'`), an origin, or a rule. A
 * scope without a counter has no rate of its own but can still be paused by the server.
 */
export class Scope {
  readonly name: string;
  readonly counter: Counter | undefined;
  /** Ms since the epoch until which the server asked us to wait; 0 when not paused. */
  pausedUntil = 0;

  constructor(name: string, limit: ResolvedScopeLimit | undefined) {
    this.name = name;
    this.counter = limit === undefined ? undefined : createCounter(limit);
  }

  /** 0 when a request may go now, else the ms until one may. */
  wait(now: number): number {
    if (this.pausedUntil > now) return this.pausedUntil - now;
    return this.counter === undefined ? 0 : this.counter.wait(now);
  }

  /** Counts a request sent at `now`; returns the counter's ticket (see `Counter.settle`). */
  take(now: number): number {
    return this.counter === undefined ? 0 : this.counter.take(now);
  }

  /** The request of `ticket` has its answer. */
  settle(ticket: number, now: number): void {
    this.counter?.settle(ticket, now);
  }

  /** Whether the server has paused it at `now`. */
  paused(now: number): boolean {
    return this.pausedUntil > now;
  }
}
