import { randomBytes } from 'node:crypto';

/** The parts of `@opentelemetry/api` axle uses. */
export type OpenTelemetryApi = typeof import('@opentelemetry/api');

let loading: Promise<OpenTelemetryApi | undefined> | undefined;
let loaded: OpenTelemetryApi | undefined;
let settled = false;

/**
 * Loads `@opentelemetry/api` (an optional peer dependency) on first call, never at import;
 * resolves with `undefined` when it is not installed.
 */
export function loadOpenTelemetry(): Promise<OpenTelemetryApi | undefined> {
  loading ??= import('@opentelemetry/api').then(
    (api) => {
      // An ES module namespace of a CommonJS package may hold the exports under `default`.
      const ns = api as OpenTelemetryApi & { default?: OpenTelemetryApi };
      loaded = typeof ns.trace?.getTracer === 'function' ? ns : ns.default;
      settled = true;
      return loaded;
    },
    () => {
      settled = true;
      return undefined;
    },
  );
  return loading;
}

/** The API when it has loaded; `null` while it is still loading; `undefined` when it is absent. */
export function openTelemetryNow(): OpenTelemetryApi | undefined | null {
  return settled ? loaded : null;
}

const ZERO_TRACE = /^0+$/;

/**
 * A W3C `traceparent` value: version `00`, a trace ID, a parent (span) ID and flags. Random IDs are
 * generated where none are given; flags default to `00` (not sampled: axle records nothing itself).
 *
 * @example
 * ```ts
 * traceparent(); // '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'
 * ```
 */
export function traceparent(traceId?: string, spanId?: string, sampled = false): string {
  let trace = traceId ?? randomBytes(16).toString('hex');
  if (ZERO_TRACE.test(trace)) trace = randomBytes(16).toString('hex');
  const span = spanId ?? randomBytes(8).toString('hex');
  return `00-${trace}-${span}-${sampled ? '01' : '00'}`;
}
