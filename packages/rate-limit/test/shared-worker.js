// A worker process for the distributed test: loads the TypeScript sources through @swc/core,
// sends its share of requests through a limiter shared in Redis, then reports.
require('../../../test-support/load-axle-sources');

const { createClient } = require('@axle/core');
const { rateLimit } = require('@axle/rate-limit');
const axios = require('axios');
const { monitorEventLoopDelay } = require('node:perf_hooks');

// When each request left the limiter for the network (what the limiter decided), also sent to
// the server as `x-sent-at`, so the test can tell the limiter's spacing from the transit time.
const sent = [];
const http = axios.getAdapter('http');
const timedAdapter = (config) => {
  if (config.url !== '/warm') {
    const now = Date.now();
    sent.push(now);
    config.headers.set('x-sent-at', String(now));
  }
  return http(config);
};

process.once('message', async ({ url, prefix, count, maxRequests }) => {
  const api = createClient({
    baseURL: url,
    retry: false,
    adapter: timedAdapter,
    plugins: [rateLimit({ maxRequests, timeWindow: 1000, queueSize: Infinity, queueTimeout: 0, redis: { prefix } })],
  });
  try {
    // One request past the limiter first: the cold first request (module code not yet compiled by
    // the JIT, a new connection) would otherwise reach the server late and bunch up with the next.
    await api.get('/warm', { rateLimit: false });
    // How long this process's event loop stalled: a request whose turn came during a stall leaves
    // late, next to the ones after it, which no limiter in this process can prevent.
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    await Promise.all(Array.from({ length: count }, () => api.get('/shared')));
    stalls.disable();
    process.send({ ok: true, sent, maxStallMs: stalls.max / 1e6 });
  } catch (error) {
    process.send({ ok: false, error: String(error) });
  } finally {
    await api.close();
  }
});
process.send({ ready: true });
