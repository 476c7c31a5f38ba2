// Entry point: `npm run bench` (from the repo root) or `node bench/run.mjs [flags]`.
// Compares each scenario in scenarios.mjs with raw axios against a loopback server in a child
// process, at several fixed concurrencies, interleaving the scenarios over several rounds.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { drive, median } from './drive.mjs';
import { acceptance, acceptanceFailures, acceptanceLines, acceptanceRequirement, markdown, tables } from './report.mjs';
import { spawnServer } from './spawn-server.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_MD = path.join(BENCH_DIR, 'RESULTS.md');
const RESULTS_JSON = path.join(BENCH_DIR, 'results', 'latest.json');

const DEFAULTS = { duration: 1_200, warmup: 400, rounds: 6, prewarm: 2_500, concurrency: [1, 16, 256] };
// Concurrency of the pre-warm pass that runs once per scenario before anything is measured.
const PREWARM_CONCURRENCY = 16;
// Pause between cells so the server finishes closing the previous client's sockets.
const SETTLE_MS = 200;

// A full GC between cells, so one cell's garbage is not collected during the next one's window.
// Exposing gc at run time avoids needing `node --expose-gc` in the npm script.
const collectGarbage = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    return typeof gc === 'function' ? () => gc() : () => undefined;
  } catch {
    return () => undefined;
  }
})();

/** A bad flag or scenario name: reported without a stack trace. */
class UsageError extends Error {}

const HELP = `Usage: node bench/run.mjs [flags]   (or: npm run bench -- [flags])

  --duration MS       measured window per cell          (env BENCH_DURATION, default ${DEFAULTS.duration})
  --warmup MS         warm-up before each window         (env BENCH_WARMUP, default ${DEFAULTS.warmup})
  --rounds N          rounds per concurrency; median     (env BENCH_ROUNDS, default ${DEFAULTS.rounds})
  --prewarm MS        unmeasured run per scenario at the start, to warm the JIT of client and
                      server (0 to skip)                 (env BENCH_PREWARM, default ${DEFAULTS.prewarm})
  --concurrency LIST  comma-separated in-flight counts   (env BENCH_CONCURRENCY, default ${DEFAULTS.concurrency.join(',')})
  --only NAME         run only scenarios whose name contains NAME, or is exactly it with =NAME
                      (case-insensitive; repeat or comma-separate; raw axios always runs as the
                      baseline)   (env BENCH_ONLY)
  --out FILE          write the markdown to FILE instead of bench/RESULTS.md (and the raw figures
                      to bench/results/<FILE's name>.json), e.g. for a focused run kept beside it
  --no-write          print only; do not write bench/RESULTS.md or bench/results/latest.json
  --help              this text
`;

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        duration: { type: 'string' },
        warmup: { type: 'string' },
        rounds: { type: 'string' },
        prewarm: { type: 'string' },
        concurrency: { type: 'string' },
        only: { type: 'string', multiple: true },
        out: { type: 'string' },
        'no-write': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  const env = process.env;
  const int = (name, raw, fallback, min, max) => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
    }
    return n;
  };
  const concurrencyRaw = values.concurrency ?? env.BENCH_CONCURRENCY;
  const concurrency =
    concurrencyRaw === undefined || concurrencyRaw === ''
      ? DEFAULTS.concurrency
      : concurrencyRaw
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean)
          .map((c) => int('concurrency', c, undefined, 1, 4_096));
  const onlyRaw = values.only ?? (env.BENCH_ONLY ? [env.BENCH_ONLY] : []);
  return {
    help: values.help,
    write: !values['no-write'],
    out: values.out,
    durationMs: int('duration', values.duration ?? env.BENCH_DURATION, DEFAULTS.duration, 100, 600_000),
    warmupMs: int('warmup', values.warmup ?? env.BENCH_WARMUP, DEFAULTS.warmup, 0, 60_000),
    rounds: int('rounds', values.rounds ?? env.BENCH_ROUNDS, DEFAULTS.rounds, 1, 100),
    prewarmMs: int('prewarm', values.prewarm ?? env.BENCH_PREWARM, DEFAULTS.prewarm, 0, 60_000),
    concurrency,
    only: onlyRaw
      .flatMap((o) => o.split(','))
      .map((o) => o.trim())
      .filter(Boolean),
  };
}

function commandLine(argv) {
  const args = argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
  if (process.env.npm_lifecycle_event === 'bench') return args ? `npm run bench -- ${args}` : 'npm run bench';
  const script = path.relative(process.cwd(), fileURLToPath(import.meta.url)) || 'run.mjs';
  return `node ${script}${args ? ` ${args}` : ''}`;
}

function selectScenarios(all, baseline, only) {
  if (only.length === 0) return all;
  const wanted = only.map((o) => o.toLowerCase());
  // `=NAME` is one scenario by its exact name (`createClient()` alone is part of many names).
  const matches = (name, w) => (w.startsWith('=') ? name.toLowerCase() === w.slice(1) : name.toLowerCase().includes(w));
  for (const w of wanted) {
    if (!all.some((s) => matches(s.name, w))) {
      throw new UsageError(`--only "${w}" matches no scenario; known: ${all.map((s) => s.name).join(', ')}`);
    }
  }
  return all.filter((s) => s.name === baseline || wanted.some((w) => matches(s.name, w)));
}

function versionOf(specifier) {
  try {
    return createRequire(import.meta.url)(`${specifier}/package.json`).version;
  } catch {
    return 'unknown';
  }
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * The order of the scenarios in one round: rotated by one every two rounds, and reversed in every
 * odd round (A B C, C B A, B C A, A C B, C A B, B A C for three), so over 2n rounds each scenario
 * runs in each position equally often and each pair runs in both orders equally often; with three
 * scenarios and 6 rounds, every order runs once.
 */
function roundOrder(scenarios, round) {
  const shift = Math.floor(round / 2) % scenarios.length;
  const rotated = scenarios.map((_, i) => scenarios[(i + shift) % scenarios.length]);
  return round % 2 === 1 ? rotated.reverse() : rotated;
}

/** Builds one client, checks one response, drives it, and always closes it. */
async function measureCell(scenario, baseURL, concurrency, options) {
  const instance = scenario.make(baseURL);
  try {
    const first = await instance.request();
    const body = first !== null && typeof first === 'object' && 'data' in first ? first.data : first;
    if (body === null || typeof body !== 'object' || body.ok !== true) {
      throw new Error(`${scenario.name}: unexpected response body ${JSON.stringify(body)}`);
    }
    return await drive(instance.request, {
      concurrency,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
    });
  } finally {
    await instance.close();
  }
}

function summarize(scenarios, baselineName, concurrency, perScenarioRounds) {
  const summary = (rounds) => ({
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    cpuUsPerReq: median(rounds.map((r) => r.cpuUsPerReq)),
  });
  const base = summary(perScenarioRounds.get(baselineName));
  const baseRounds = perScenarioRounds.get(baselineName);
  const rows = scenarios.map((s) => {
    const rounds = perScenarioRounds.get(s.name);
    const m = summary(rounds);
    const rpsValues = rounds.map((r) => r.rps);
    return {
      name: s.name,
      median: m,
      ratio: {
        rps: m.rps / base.rps,
        p50: m.p50 / base.p50,
        p99: m.p99 / base.p99,
        cpuUsPerReq: m.cpuUsPerReq / base.cpuUsPerReq,
      },
      perRoundRpsRatio: rounds.map((r, i) => r.rps / baseRounds[i].rps),
      rpsSpread: (Math.max(...rpsValues) - Math.min(...rpsValues)) / m.rps,
      errors: rounds.reduce((n, r) => n + r.errors, 0),
      firstError: rounds.find((r) => r.firstError)?.firstError,
      rounds,
    };
  });
  return { concurrency, rows };
}

async function main() {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }

  let mod;
  try {
    mod = await import('./scenarios.mjs');
  } catch (error) {
    const hint = 'could not load the scenarios (has @axle/core been built? run `npm run build`)';
    throw new Error(`${hint}: ${error.message}`, { cause: error });
  }
  const { SCENARIOS, BASELINE } = mod;
  const baseline = SCENARIOS.find((s) => s.name === BASELINE);
  if (baseline === undefined) throw new Error(`scenarios.mjs has no "${BASELINE}" scenario`);
  // The baseline goes first in the tables; the run order itself rotates each round.
  const scenarios = [baseline, ...selectScenarios(SCENARIOS, BASELINE, options.only).filter((s) => s !== baseline)];

  const nameWidth = Math.max(...scenarios.map((s) => s.name.length));
  const cellCount = options.concurrency.length * options.rounds * scenarios.length;
  const expectedMs =
    cellCount * (options.warmupMs + options.durationMs + SETTLE_MS + 300) +
    scenarios.length * (options.prewarmMs + SETTLE_MS + 300);
  // Bound the whole run in time even if something hangs: the 'exit' hook kills the server.
  const watchdog = setTimeout(
    () => {
      console.error(`bench: still running after ${Math.round((2 * expectedMs + 60_000) / 1000)} s; giving up`);
      process.exit(1);
    },
    2 * expectedMs + 60_000,
  );
  watchdog.unref();

  const started = Date.now();
  const command = commandLine(argv);
  console.log(
    `bench: ${scenarios.map((s) => s.name).join(' vs ')}; concurrency ${options.concurrency.join(', ')}; ` +
      `${options.rounds} rounds of ${options.warmupMs} + ${options.durationMs} ms; ~${Math.round(expectedMs / 1000)} s`,
  );

  const server = await spawnServer();
  const cells = [];
  try {
    // The first seconds of traffic in a fresh process (client and server) run well below steady
    // state while the JIT warms up; run every scenario once, unmeasured, before the first cell.
    if (options.prewarmMs > 0) {
      for (const scenario of scenarios) {
        await measureCell(scenario, server.baseURL, PREWARM_CONCURRENCY, {
          warmupMs: 0,
          durationMs: options.prewarmMs,
        });
        await sleep(SETTLE_MS);
        collectGarbage();
      }
      console.log(
        `  pre-warm: ${options.prewarmMs} ms per scenario at concurrency ${PREWARM_CONCURRENCY} (not measured)`,
      );
    }
    for (const concurrency of options.concurrency) {
      const perScenarioRounds = new Map(scenarios.map((s) => [s.name, []]));
      for (let round = 0; round < options.rounds; round += 1) {
        const order = roundOrder(scenarios, round);
        for (const scenario of order) {
          const result = await measureCell(scenario, server.baseURL, concurrency, options);
          perScenarioRounds.get(scenario.name).push(result);
          console.log(
            `  c=${String(concurrency).padStart(3)} round ${round + 1}/${options.rounds} ` +
              `${scenario.name.padEnd(nameWidth)} ${Math.round(result.rps).toString().padStart(6)} req/s  ` +
              `p50 ${result.p50.toFixed(3)} ms  p99 ${result.p99.toFixed(3)} ms  ` +
              `${result.cpuUsPerReq.toFixed(1)} µs/req${result.errors ? `  errors ${result.errors} (${result.firstError})` : ''}`,
          );
          await sleep(SETTLE_MS);
          collectGarbage();
        }
      }
      cells.push(summarize(scenarios, BASELINE, concurrency, perScenarioRounds));
    }
  } finally {
    await server.stop();
    clearTimeout(watchdog);
  }

  const cpus = os.cpus();
  const results = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
      cpuCount: cpus.length,
      axleVersion: versionOf('@axle/core'),
      axiosVersion: versionOf('axios'),
      commit: gitCommit(),
      command,
      settings: {
        concurrency: options.concurrency,
        rounds: options.rounds,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
        prewarmMs: options.prewarmMs,
      },
      wallSeconds: (Date.now() - started) / 1000,
    },
    scenarios: scenarios.map((s) => ({ name: s.name, description: s.description })),
    cells,
  };
  const blocks = acceptance(results);
  results.acceptance = blocks;

  console.log(`\n${tables(results)}`);
  for (const block of blocks) {
    console.log(`Acceptance: ${block.title}`);
    console.log(acceptanceRequirement(block));
    for (const line of acceptanceLines(block)) console.log(line.replaceAll('**', ''));
    console.log('');
  }
  for (const block of blocks) {
    const failed = acceptanceFailures(block);
    if (failed.length > 0) {
      console.log(`*** ACCEPTANCE FAIL: ${block.title} at concurrency ${failed.join(', ')} (report only) ***`);
    } else if (block.lines.some((v) => v.required)) {
      console.log(`acceptance PASS: ${block.title} at every required concurrency measured`);
    }
  }

  if (options.write) {
    const markdownPath = options.out === undefined ? RESULTS_MD : path.resolve(options.out);
    const jsonPath =
      options.out === undefined
        ? RESULTS_JSON
        : path.join(path.dirname(RESULTS_JSON), `${path.basename(markdownPath, path.extname(markdownPath))}.json`);
    writeFileSync(markdownPath, markdown(results, blocks));
    mkdirSync(path.dirname(jsonPath), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `\nwrote ${path.relative(process.cwd(), markdownPath)} and ${path.relative(process.cwd(), jsonPath)} ` +
        `(${results.meta.wallSeconds.toFixed(0)} s)`,
    );
  }
}

main().catch((error) => {
  if (error instanceof UsageError) console.error(`bench: ${error.message}\n\n${HELP}`);
  else console.error(`bench: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
