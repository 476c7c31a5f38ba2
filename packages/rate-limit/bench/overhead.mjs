// What the limiter costs when its limit is far from binding: createClient() with and without it,
// against a loopback server in another process. Run after building @axle/core and this package:
//   node packages/rate-limit/bench/overhead.mjs [durationMs] [rounds]
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createClient, definePlugin } = require('@axle/core');
const { rateLimit } = require('@axle/rate-limit');

if (process.argv[2] === 'serve') {
  const http = await import('node:http');
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
} else {
  const duration = Number(process.argv[2] ?? 1500);
  const rounds = Number(process.argv[3] ?? 5);
  const child = fork(new URL(import.meta.url).pathname, ['serve']);
  const port = await new Promise((resolve) => child.once('message', resolve));
  const baseURL = `http://127.0.0.1:${port}`;
  const scenarios = {
    'createClient()': () => createClient({ baseURL }),
    // Any call layer costs this in the core (the retry loop copies headers when a layer may change them).
    'no-op call layer (core cost of any plugin layer)': () =>
      createClient({
        baseURL,
        plugins: [
          definePlugin({
            name: 'noop',
            role: 'rate-limit',
            install(ctx) {
              ctx.wrap((config, next) => next(config));
              return undefined;
            },
          }),
        ],
      }),
    'rateLimit token_bucket 1e6/s': () =>
      createClient({ baseURL, plugins: [rateLimit({ maxRequests: 1_000_000, timeWindow: 1000 })] }),
    'rateLimit sliding_window 1e6/s + maxConcurrent 10000': () =>
      createClient({
        baseURL,
        plugins: [rateLimit({ strategy: 'sliding_window', maxRequests: 1_000_000, maxConcurrent: 10_000 })],
      }),
  };
  const run = async (make, concurrency) => {
    const api = make();
    const latencies = [];
    let count = 0;
    const end = Date.now() + duration;
    const warm = Date.now() + 300;
    const worker = async () => {
      while (Date.now() < end) {
        const start = performance.now();
        await api.get('/x');
        if (Date.now() > warm) {
          latencies.push(performance.now() - start);
          count += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await api.close();
    latencies.sort((a, b) => a - b);
    return { rps: count / ((duration - 300) / 1000), p50: latencies[Math.floor(latencies.length / 2)] };
  };
  for (const concurrency of [1, 16]) {
    const results = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, make] of Object.entries(scenarios)) results[name].push(await run(make, concurrency));
    }
    const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const base = results['createClient()'];
    const baseRps = median(base.map((r) => r.rps));
    const baseP50 = median(base.map((r) => r.p50));
    console.log(`concurrency ${concurrency} (median of ${rounds} rounds of ${duration} ms)`);
    for (const [name, rs] of Object.entries(results)) {
      const rps = median(rs.map((r) => r.rps));
      const p50 = median(rs.map((r) => r.p50));
      console.log(
        `  ${name.padEnd(56)} ${rps.toFixed(0).padStart(6)} req/s (${(((rps - baseRps) / baseRps) * 100).toFixed(1)}%)  p50 ${p50.toFixed(3)} ms (${(p50 - baseP50 >= 0 ? '+' : '') + (p50 - baseP50).toFixed(3)})`,
      );
    }
  }
  child.kill();
}
