// Helpers: a transport the test answers by hand, and fake time that leaves setImmediate real.
import { createHTTPError } from '@axle/core';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';

/** One call that reached the transport, waiting for the test to answer it. */
export interface PendingCall {
  readonly config: InternalAxiosRequestConfig;
  readonly at: number;
  /** Answers with `status` and `headers`: below 400 resolves, otherwise rejects as axios would. */
  respond(status?: number, headers?: Record<string, string>): void;
}

/** A transport that parks every call until the test answers it (or answers at once with `auto`). */
export function parkedTransport(auto?: { status: number; headers?: Record<string, string> }): {
  adapter: AxiosAdapter;
  calls: PendingCall[];
  waiting(): PendingCall[];
} {
  const calls: PendingCall[] = [];
  const answered = new Set<PendingCall>();
  const adapter: AxiosAdapter = (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const call: PendingCall = {
        config,
        at: Date.now(),
        respond(status = 200, headers = {}) {
          answered.add(call);
          const response: AxiosResponse = { data: { status }, status, statusText: String(status), headers, config };
          if (status < 400) resolve(response);
          else reject(createHTTPError(response, { config }));
        },
      };
      calls.push(call);
      if (auto) call.respond(auto.status, auto.headers);
    });
  return { adapter, calls, waiting: () => calls.filter((call) => !answered.has(call)) };
}

/** Lets promise chains run (setImmediate stays real under `useClock`). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Fake timers (Date included) that leave setImmediate real, so `flush` works. */
export function useClock(now = Date.UTC(2030, 0, 1)): void {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'], now });
}

/** Advances fake time by `ms` and lets promise chains run. */
export async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
  await flush();
}

/** What a promise settled with: the status, or the error. */
export function outcome<T extends { status: number }>(promise: Promise<T>): Promise<number | unknown> {
  return promise.then(
    (response) => response.status,
    (error: unknown) => error,
  );
}
