// Helpers for the state-machine tests: a transport whose calls the test answers one by one.
import { ConnectionError, createHTTPError } from '@axle/core';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';

/** One call that reached the transport, waiting for the test to answer it. */
export interface PendingCall {
  readonly config: InternalAxiosRequestConfig;
  /** Answers with `status`: below 400 resolves, otherwise rejects as axios would (typed by the core). */
  respond(status?: number): void;
  /** Fails as a refused connection. */
  refuse(): void;
  /** Fails with `error` as it is. */
  fail(error: unknown): void;
}

/** A transport that parks every call until the test answers it. */
export function parkedTransport(): { adapter: AxiosAdapter; calls: PendingCall[]; waiting(): PendingCall[] } {
  const calls: PendingCall[] = [];
  const answered = new Set<PendingCall>();
  const adapter: AxiosAdapter = (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const call: PendingCall = {
        config,
        respond(status = 200) {
          answered.add(call);
          const response: AxiosResponse = { data: { status }, status, statusText: String(status), headers: {}, config };
          if (status < 400) resolve(response);
          else reject(createHTTPError(response, { config }));
        },
        refuse() {
          answered.add(call);
          reject(new ConnectionError('connect ECONNREFUSED', { code: 'ECONNREFUSED', config }));
        },
        fail(error) {
          answered.add(call);
          reject(error);
        },
      };
      calls.push(call);
    });
  return { adapter, calls, waiting: () => calls.filter((call) => !answered.has(call)) };
}

/** Lets promise chains run (with fake timers in place, setImmediate stays real: see `useClock`). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Fake timers (Date included) that leave setImmediate real, so `flush` works. */
export function useClock(now = Date.UTC(2030, 0, 1)): void {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'], now });
}

/** What a promise settled with: the status, or the error. */
export function outcome<T extends { status: number }>(promise: Promise<T>): Promise<number | unknown> {
  return promise.then(
    (response) => response.status,
    (error: unknown) => error,
  );
}
