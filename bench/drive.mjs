// Drives one client at a fixed concurrency: `concurrency` workers each loop "await request,
// repeat" through a warm-up and then a measured window.
import { performance } from 'node:perf_hooks';

/**
 * @param {() => Promise<unknown>} request
 * @param {{ concurrency: number, warmupMs: number, durationMs: number, maxErrors?: number,
 *   drainTimeoutMs?: number }} options
 */
export async function drive(
  request,
  { concurrency, warmupMs, durationMs, maxErrors = 1_000, drainTimeoutMs = 30_000 },
) {
  // 0: warm-up, 1: measuring, 2: stopped.
  let phase = 0;
  const latencies = [];
  let errors = 0;
  let firstError;
  let t0 = 0;
  let t1 = 0;
  let cpuStart;
  let cpu;
  let endWindow;
  const windowOver = new Promise((resolve) => {
    endWindow = resolve;
  });

  const stop = () => {
    if (phase === 2) return;
    if (phase === 1) {
      t1 = performance.now();
      cpu = process.cpuUsage(cpuStart);
    }
    phase = 2;
    endWindow();
  };

  const begin = () => {
    if (phase !== 0) return;
    t0 = performance.now();
    cpuStart = process.cpuUsage();
    phase = 1;
  };
  const startedAt = performance.now();
  const measureFrom = startedAt + warmupMs;

  const worker = async () => {
    while (phase !== 2) {
      const start = performance.now();
      try {
        await request();
      } catch (error) {
        firstError ??= error;
        errors += 1;
        if (errors >= maxErrors) stop();
        continue;
      }
      const end = performance.now();
      if (phase === 1) latencies.push(end - start);
      // The clock is read here as well as by the timers below: a client that answers without I/O
      // (a cache hit) never lets timers run, and would otherwise never leave the window.
      if (phase === 0 && end >= measureFrom) begin();
      else if (phase === 1 && end - t0 >= durationMs) stop();
    }
  };

  const workers = Array.from({ length: concurrency }, worker);

  const warmupTimer = setTimeout(() => {
    begin();
    setTimeout(stop, Math.max(0, t0 + durationMs - performance.now()));
  }, warmupMs);

  await windowOver;
  clearTimeout(warmupTimer);

  let drainTimer;
  const drained = await Promise.race([
    Promise.all(workers).then(() => true),
    new Promise((resolve) => {
      drainTimer = setTimeout(() => resolve(false), drainTimeoutMs);
    }),
  ]);
  clearTimeout(drainTimer);
  if (!drained) throw new Error(`requests still in flight ${drainTimeoutMs} ms after the window closed`);

  if (cpu === undefined) {
    const error = new Error(`${errors} errors during warm-up; nothing was measured`);
    error.cause = firstError;
    throw error;
  }

  const elapsedMs = t1 - t0;
  const requests = latencies.length;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests,
    errors,
    firstError: firstError === undefined ? undefined : describeError(firstError),
    elapsedMs,
    rps: requests / (elapsedMs / 1_000),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    cpuUsPerReq: requests > 0 ? (cpu.user + cpu.system) / requests : Number.NaN,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Median of numbers (mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A distribution-free 95% confidence interval of the median of `values` (order statistics of the
 * binomial(n, 1/2) distribution, normal approximation), or `undefined` below 6 values, where it
 * would span everything.
 */
export function medianInterval(values) {
  const n = values.length;
  if (n < 6) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const half = (1.96 * Math.sqrt(n)) / 2;
  const lower = Math.max(1, Math.floor(n / 2 - half));
  const upper = Math.min(n, Math.ceil(n / 2 + 1 + half));
  return [sorted[lower - 1], sorted[upper - 1]];
}

function describeError(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}${error.code ? ` (${error.code})` : ''}`;
  return String(error);
}
