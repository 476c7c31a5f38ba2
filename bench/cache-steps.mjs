// Where a cache miss's cost comes from on the loopback: the same fresh-URL requests through
// clients that stop at successive steps of the cache layer, each compared with no cache in the same
// round. See README.md ("Cache miss, step by step").
import { parseArgs } from 'node:util';
import { cache, memoryStore } from '@axle/cache';
import { createClient } from '@axle/core';
import { drive, median, medianInterval } from './drive.mjs';
import { spawnServer } from './spawn-server.mjs';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '16' },
    duration: { type: 'string', default: '1200' },
    warmup: { type: 'string', default: '400' },
  },
});
const rounds = Number(flags.rounds);
const concurrency = Number(flags.concurrency);

/** Each step does what the one before it does, and more. */
const STEPS = [
  {
    name: 'no cache',
    what: 'createClient({ baseURL }): the baseline',
    make: (baseURL) => createClient({ baseURL }),
  },
  {
    name: 'pass-through',
    what: "cache({ methods: ['HEAD'] }): the layer is in the chain, but GET is not a method it stores, so it only passes the request on",
    make: (baseURL) => createClient({ baseURL, plugins: [cache({ methods: ['HEAD'] })] }),
  },
  {
    name: 'bypass',
    what: "cache({ rules: [{ match: '/*', ttl: 0 }] }): the request's headers, credential and rule are read, then it is sent without a lookup",
    make: (baseURL) => createClient({ baseURL, plugins: [cache({ rules: [{ match: '/*', ttl: 0 }] })] }),
  },
  {
    name: 'miss',
    what: 'cache({ store: memoryStore({ maxEntries: 1000 }) }): key (SHA-256), lookup, the network, then the policy and the store (the bench scenario)',
    make: (baseURL) => createClient({ baseURL, plugins: [cache({ store: memoryStore({ maxEntries: 1000 }) })] }),
  },
];

const server = await spawnServer();
const figures = STEPS.map(() => []);
try {
  for (let round = 0; round < rounds; round += 1) {
    // Every other round in reverse order, so no step always runs right after another.
    const order = STEPS.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const client = STEPS[i].make(server.baseURL);
      let n = 0;
      figures[i].push(
        await drive(() => client.get(`/cacheable?n=${++n}`), {
          concurrency,
          warmupMs: Number(flags.warmup),
          durationMs: Number(flags.duration),
        }),
      );
      await client.close();
    }
    process.stderr.write(`round ${round + 1}/${rounds}\n`);
  }
} finally {
  await server.stop();
}

const fixed = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const lines = [
  `Cache miss, step by step: ${rounds} rounds at concurrency ${concurrency}, node ${process.version}`,
  '',
  '| step | req/s | CPU µs/req | req/s ÷ no cache (95% interval) | CPU µs/req over no cache |',
  '| --- | ---: | ---: | --- | ---: |',
];
const baseline = figures[0];
STEPS.forEach((step, i) => {
  const rps = median(figures[i].map((r) => r.rps));
  const cpu = median(figures[i].map((r) => r.cpuUsPerReq));
  const ratios = figures[i].map((r, k) => r.rps / baseline[k].rps);
  const interval = medianInterval(ratios);
  const extra = median(figures[i].map((r, k) => r.cpuUsPerReq - baseline[k].cpuUsPerReq));
  lines.push(
    `| ${step.name} | ${Math.round(rps)} | ${fixed(cpu, 1)} | ${fixed(median(ratios), 3)}${
      interval ? ` (${fixed(interval[0], 3)}–${fixed(interval[1], 3)})` : ''
    } | ${i === 0 ? '' : fixed(extra, 1)} |`,
  );
});
lines.push('', ...STEPS.map((step) => `- **${step.name}**: ${step.what}`));
process.stdout.write(`${lines.join('\n')}\n`);
