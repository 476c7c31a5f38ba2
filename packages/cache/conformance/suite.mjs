// One run of the http-cache-tests suite against one implementation, in this process: the suite's
// origin server on 127.0.0.1, its runner, and an adapter from its fetch calls to an axios client.
import http from 'node:http';
import { getResults, runTests } from 'http-cache-tests/client/runner.mjs';
import { determineTestResult } from 'http-cache-tests/lib/display.mjs';
import handleConfig from 'http-cache-tests/server/handle-config.mjs';
import handleFile from 'http-cache-tests/server/handle-file.mjs';
import handleState from 'http-cache-tests/server/handle-state.mjs';
import handleTest from 'http-cache-tests/server/handle-test.mjs';
import tests from 'http-cache-tests/tests/index.mjs';

const KINDS = [
  'pass',
  'fail',
  'optional_fail',
  'yes',
  'no',
  'setup_fail',
  'harness_fail',
  'dependency_fail',
  'retry',
  'untested',
];
const SYMBOLS = {
  '✅': 'pass',
  '⛔️': 'fail',
  '⚠️': 'optional_fail',
  Y: 'yes',
  N: 'no',
  '🔹': 'setup_fail',
  '⁉️': 'harness_fail',
  '⚪️': 'dependency_fail',
  '↻': 'retry',
  '-': 'untested',
};

/** Starts the suite's origin server on 127.0.0.1 (an ephemeral port). */
function startOrigin() {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1/');
    const segments = url.pathname.split('/');
    segments.shift();
    const dispatch = segments.shift();
    if (dispatch === 'config') handleConfig(segments, request, response);
    else if (dispatch === 'test') handleTest(segments, request, response);
    else if (dispatch === 'state') handleState(segments, request, response);
    else handleFile(url, request, response);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** An axios-based client for `impl`, and how to close it. */
async function makeClient(impl) {
  if (impl === 'axle') {
    const { createClient } = await import('@axle/core');
    const { cache, memoryStore } = await import('@axle/cache');
    const plugin = cache({ store: memoryStore({ maxEntries: 10_000 }) });
    const client = createClient({ retry: false, plugins: [plugin] });
    return {
      name: '@axle/cache',
      request: (config, mode) => client.request({ ...config, cache: mode }),
      close: () => client.close(),
    };
  }
  if (impl === 'aci') {
    const { default: axios } = await import('axios');
    const { setupCache } = await import('axios-cache-interceptor');
    const client = setupCache(axios.create(), { interpretHeader: true });
    return {
      name: 'axios-cache-interceptor 1.12.3',
      request: (config, mode) => client.request({ ...config, cache: mode === 'no-store' ? false : undefined }),
      close: async () => undefined,
    };
  }
  throw new Error(`unknown implementation ${impl}; use axle or aci`);
}

/** The suite calls `fetch(url, init)`; this answers it through the client under test. */
function fetchThrough(client) {
  return async (url, init = {}) => {
    const headers = {};
    for (const [name, value] of init.headers ?? []) {
      const key = name.toLowerCase();
      headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
    }
    const response = await client.request(
      {
        url,
        method: init.method ?? 'GET',
        headers,
        data: init.body,
        validateStatus: () => true,
        responseType: 'text',
        transformResponse: [(data) => data],
        maxRedirects: 0,
        // axios's fetch transport (undici): some tests send a body longer than their
        // Content-Length on purpose, which Node's http parser rejects even when lenient.
        adapter: 'fetch',
      },
      init.cache ?? 'default',
    );
    const out = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) for (const item of value) out.append(name, String(item));
      else out.set(name, String(value));
    }
    const body = response.data ?? '';
    return {
      status: response.status,
      statusText: response.statusText,
      headers: out,
      text: async () => (typeof body === 'string' ? body : String(body)),
    };
  };
}

/** Test ids to run: `ids` and, transitively, the tests they depend on. */
function selectTests(ids) {
  if (ids === undefined) return tests;
  const byId = new Map();
  for (const suite of tests) for (const test of suite.tests) byId.set(test.id, test);
  const wanted = new Set();
  const add = (id) => {
    if (wanted.has(id)) return;
    const test = byId.get(id);
    if (test === undefined) throw new Error(`no test with id ${id}`);
    wanted.add(id);
    for (const dep of test.depends_on ?? []) add(dep);
  };
  for (const id of ids) add(id);
  return tests
    .map((suite) => ({ ...suite, tests: suite.tests.filter((test) => wanted.has(test.id)) }))
    .filter((suite) => suite.tests.length > 0);
}

/**
 * Runs the suite (or the tests `ids` name) against `impl` in private (browser) mode; resolves with
 * the tally, each test's outcome, and the failed required tests with the suite's message.
 */
export async function runSuite(impl, ids) {
  const origin = await startOrigin();
  const client = await makeClient(impl);
  const base = `http://127.0.0.1:${origin.address().port}`;
  try {
    const selected = selectTests(ids);
    await runTests(selected, fetchThrough(client), true, base);
    const results = getResults();
    const tally = Object.fromEntries(KINDS.map((kind) => [kind, 0]));
    // The same, each test judged alone (a failed dependency does not hide a test's own result).
    const alone = Object.fromEntries(KINDS.map((kind) => [kind, 0]));
    const outcomes = {};
    const failures = [];
    for (const id of Object.keys(results)) {
      const kind = SYMBOLS[determineTestResult(tests, id, results)[2]] ?? 'harness_fail';
      tally[kind] += 1;
      alone[SYMBOLS[determineTestResult(tests, id, results, false)[2]] ?? 'harness_fail'] += 1;
      outcomes[id] = kind;
      if (kind === 'fail') failures.push({ id, message: String(results[id]?.[1] ?? '') });
    }
    return { name: client.name, total: Object.keys(results).length, tally, alone, outcomes, failures };
  } finally {
    await client.close();
    await new Promise((resolve) => origin.close(resolve));
  }
}
