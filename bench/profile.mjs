// Where the client's CPU goes on the loopback: drives one or two scenarios against the bench
// server with V8's sampling profiler on for the measured window only, and prints the self time of
// each function in µs per request (with two scenarios, what the second adds over the first).
// See README.md ("Overhead").
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { drive } from './drive.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { spawnServer } from './spawn-server.mjs';

const USAGE = `Usage: node bench/profile.mjs [flags] "<scenario>" ["<scenario to compare>"]

  --concurrency N   requests in flight          (default 16)
  --duration MS     profiled window per scenario (default 5000; 1500 ms unprofiled warm-up first)
  --top N           rows to print                (default 30)

Scenario names as in bench/scenarios.mjs, e.g. "createClient()" "createClient() + cache miss".
`;

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '16' },
    duration: { type: 'string', default: '5000' },
    top: { type: 'string', default: '30' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help || positionals.length === 0 || positionals.length > 2) {
  process.stdout.write(USAGE);
  process.exit(flags.help ? 0 : 1);
}
const concurrency = Number(flags.concurrency);
const durationMs = Number(flags.duration);
const top = Number(flags.top);
const chosen = positionals.map((name) => {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) {
    console.error(
      `bench/profile: no scenario named ${JSON.stringify(name)}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
    process.exit(1);
  }
  return scenario;
});

/** Self time per function (µs per request), keyed by name, file and line. */
function selfTimes(profile, requests) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  for (let i = 0; i < profile.samples.length; i += 1) {
    const frame = byId.get(profile.samples[i]).callFrame;
    const file = frame.url.split('/').slice(-2).join('/');
    const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  for (const [key, us] of totals) totals.set(key, us / requests);
  return totals;
}

const sum = (map) => [...map.values()].reduce((a, b) => a + b, 0);
const fmt = (us) => us.toFixed(2).padStart(8);

const server = await spawnServer();
const session = new Session();
session.connect();
const results = [];
try {
  await session.post('Profiler.enable');
  // 100 µs between samples: about 3 samples per request at this bench's costs.
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  for (const scenario of chosen) {
    const instance = scenario.make(server.baseURL);
    try {
      await drive(instance.request, { concurrency, warmupMs: 1_000, durationMs: 500 });
      await session.post('Profiler.start');
      const run = await drive(instance.request, { concurrency, warmupMs: 0, durationMs });
      const { profile } = await session.post('Profiler.stop');
      results.push({ name: scenario.name, run, times: selfTimes(profile, run.requests) });
      console.log(
        `${scenario.name}: ${Math.round(run.rps)} req/s, ${run.cpuUsPerReq.toFixed(0)} µs CPU/req, ` +
          `${run.requests} requests profiled at concurrency ${concurrency}`,
      );
    } finally {
      await instance.close();
    }
  }
} finally {
  session.disconnect();
  await server.stop();
}

if (results.length === 1) {
  const [only] = results;
  console.log(`\nself time, µs per request (sampled total ${sum(only.times).toFixed(1)}, idle included):`);
  for (const [key, us] of [...only.times].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(us)}  ${key}`);
} else {
  const [a, b] = results;
  const keys = new Set([...a.times.keys(), ...b.times.keys()]);
  const rows = [...keys].map((key) => [key, a.times.get(key) ?? 0, b.times.get(key) ?? 0]);
  rows.sort((x, y) => y[2] - y[1] - (x[2] - x[1]));
  console.log(`\nsampled µs per request: ${sum(a.times).toFixed(1)} → ${sum(b.times).toFixed(1)} (idle included)`);
  console.log(`\nlargest increases from "${a.name}" to "${b.name}" (µs per request: change, before, after):`);
  for (const [key, x, y] of rows.slice(0, top)) console.log(`${fmt(y - x)}${fmt(x)}${fmt(y)}  ${key}`);
  console.log('\nlargest decreases:');
  for (const [key, x, y] of rows.slice(-Math.min(8, top)).reverse())
    console.log(`${fmt(y - x)}${fmt(x)}${fmt(y)}  ${key}`);
}
