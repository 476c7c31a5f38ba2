// A worker process for the distributed test: loads the TypeScript sources through @swc/core,
// sends its share of requests through a limiter shared in Redis, then reports.
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const packages = path.resolve(__dirname, '..', '..');

// TypeScript files compiled on load (Node's own hook, as Jest's transform does in the tests).
require.extensions['.ts'] = (module, filename) => {
  const source = require('node:fs').readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveAxle(request, ...rest) {
  const match = /^@axle\/([a-z0-9-]+)$/.exec(request);
  return resolve.call(this, match ? path.join(packages, match[1], 'src', 'index.ts') : request, ...rest);
};

const { createClient } = require('@axle/core');
const { rateLimit } = require('@axle/rate-limit');

process.once('message', async ({ url, prefix, count, maxRequests }) => {
  const api = createClient({
    baseURL: url,
    retry: false,
    plugins: [rateLimit({ maxRequests, timeWindow: 1000, queueSize: Infinity, queueTimeout: 0, redis: { prefix } })],
  });
  try {
    // One request past the limiter first: the cold first request (module code not yet compiled by
    // the JIT, a new connection) would otherwise reach the server late and bunch up with the next.
    await api.get('/warm', { rateLimit: false });
    await Promise.all(Array.from({ length: count }, () => api.get('/shared')));
    process.send({ ok: true });
  } catch (error) {
    process.send({ ok: false, error: String(error) });
  } finally {
    await api.close();
  }
});
process.send({ ready: true });
