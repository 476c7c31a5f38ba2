// In-process overhead benchmark: the client CPU each axle layer adds to one request, measured
// with an adapter that answers at once (no sockets), so the figures do not move with the
// loopback's noise. Scenarios are interleaved in short batches, their order rotated every round,
// and each figure is the median over the rounds. See README.md ("Overhead").

import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { cache, memoryStore } from '@axle/cache';
import { circuitBreaker } from '@axle/circuit-breaker';
import { createClient } from '@axle/core';
import { rateLimit } from '@axle/rate-limit';
import axios, { AxiosHeaders } from 'axios';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: process.env.OVERHEAD_ROUNDS ?? '25' },
    batch: { type: 'string', default: process.env.OVERHEAD_BATCH ?? '2000' },
    concurrency: { type: 'string', default: process.env.OVERHEAD_CONCURRENCY ?? '16' },
    only: { type: 'string', multiple: true },
    'no-write': { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(flags.rounds);
const BATCH = Number(flags.batch);
const CONCURRENCY = Number(flags.concurrency);

const baseURL = 'http://127.0.0.1:9';

/** What the bench server answers, built at once: the transport cost is left out on purpose. */
function instantAdapter() {
  let id = 0;
  return async (config) => {
    id += 1;
    const data = `{"ok":true,"id":${id}}`;
    const headers = new AxiosHeaders({
      'content-type': 'application/json',
      'content-length': String(data.length),
      ...(config.url?.startsWith('/cacheable') ? { 'cache-control': 'max-age=3600' } : {}),
    });
    return { data, status: 200, statusText: 'OK', headers, config, request: {} };
  };
}

const noop = () => undefined;
const infoLogger = { debug: noop, info: noop, warn: noop, error: noop, isLevelEnabled: (level) => level !== 'debug' };

const axleClient = (options) => createClient({ baseURL, adapter: instantAdapter(), ...options });
const fixed = (client) => () => client.get('/item');
const fresh = (client) => {
  let n = 0;
  return () => client.get(`/cacheable?n=${++n}`);
};

/** Each: a name, and a factory giving `{ request, close }`. */
const SCENARIOS = [
  ['raw axios', () => ({ client: axios.create({ baseURL, adapter: instantAdapter() }), send: fixed })],
  ['createClient()', () => ({ client: axleClient({}), send: fixed })],
  ['createClient({ retry: false })', () => ({ client: axleClient({ retry: false }), send: fixed })],
  ['createClient() + INFO logger', () => ({ client: axleClient({ logger: infoLogger }), send: fixed })],
  ['createClient() + closed breaker', () => ({ client: axleClient({ plugins: [circuitBreaker()] }), send: fixed })],
  [
    'createClient() + idle limiter',
    () => ({ client: axleClient({ plugins: [rateLimit({ maxRequests: 1e9, timeWindow: 1000 })] }), send: fixed }),
  ],
  [
    'createClient() + cache hit',
    () => ({
      client: axleClient({ plugins: [cache({ store: memoryStore() })] }),
      send: (client) => () => client.get('/cacheable'),
    }),
  ],
  ['createClient(), fresh URLs', () => ({ client: axleClient({}), send: fresh })],
  [
    'createClient() + cache miss',
    () => ({ client: axleClient({ plugins: [cache({ store: memoryStore({ maxEntries: 1000 }) })] }), send: fresh }),
  ],
].filter(([name]) => name === 'raw axios' || !flags.only || flags.only.some((o) => name.includes(o)));

async function runBatch(request) {
  let left = BATCH;
  const worker = async () => {
    while (left > 0) {
      left -= 1;
      await request();
    }
  };
  const start = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / BATCH;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const instances = SCENARIOS.map(([name, make]) => {
  const { client, send } = make();
  return { name, client, request: send(client), samples: [] };
});
// Warm every path up (JIT, caches filled) before anything is measured.
for (const s of instances) for (let i = 0; i < 3; i += 1) await runBatch(s.request);
for (let round = 0; round < ROUNDS; round += 1) {
  const order = instances.map((_, i) => instances[(i + round) % instances.length]);
  if (round % 2 === 1) order.reverse();
  for (const s of order) s.samples.push(await runBatch(s.request));
}
for (const s of instances) await s.client.close?.();

const raw = median(instances[0].samples);
const byName = new Map(instances.map((s) => [s.name, median(s.samples)]));
const rows = instances.map((s) => {
  const us = median(s.samples);
  const sorted = [...s.samples].sort((a, b) => a - b);
  const q1 = sorted[Math.floor(sorted.length / 4)];
  const q3 = sorted[Math.floor((sorted.length * 3) / 4)];
  return `| ${s.name} | ${us.toFixed(1)} | ${(us - raw).toFixed(1)} | ${q1.toFixed(1)}–${q3.toFixed(1)} |`;
});
const diff = (a, b) => (byName.get(a) ?? Number.NaN) - (byName.get(b) ?? Number.NaN);
const lines = [
  '# axle in-process overhead',
  '',
  `- Date: ${new Date().toISOString()}`,
  `- Node: ${process.version}; axios ${axios.VERSION}`,
  `- Command: \`npm run bench:overhead\` (${ROUNDS} rounds × ${BATCH} requests per scenario, concurrency ${CONCURRENCY})`,
  '',
  'Client CPU per request with an adapter that answers at once, so no socket is involved: what the',
  "client's own code costs. Median over the rounds, with the interquartile range.",
  '',
  '| scenario | CPU µs/req | over raw axios | IQR |',
  '| --- | ---: | ---: | ---: |',
  ...rows,
  '',
  'Layer costs (difference of medians, µs per request):',
  '',
  `- createClient() over raw axios: ${diff('createClient()', 'raw axios').toFixed(1)}`,
  `- retry layer (createClient() − retry: false): ${diff('createClient()', 'createClient({ retry: false })').toFixed(1)}`,
  `- INFO logger: ${diff('createClient() + INFO logger', 'createClient()').toFixed(1)}`,
  `- closed breaker: ${diff('createClient() + closed breaker', 'createClient()').toFixed(1)}`,
  `- idle limiter: ${diff('createClient() + idle limiter', 'createClient()').toFixed(1)}`,
  `- cache miss (lookup + store) over fresh URLs: ${diff('createClient() + cache miss', 'createClient(), fresh URLs').toFixed(1)}`,
  '',
];
const text = lines.join('\n');
console.log(text);
if (!flags['no-write'] && !flags.only) await writeFile(new URL('./OVERHEAD.md', import.meta.url), text);
