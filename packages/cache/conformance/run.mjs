// Runs the HTTP caching test suite (npm package http-cache-tests) against @axle/cache in private
// (browser) mode, and against axios-cache-interceptor for comparison, and prints both tallies.
//
//   node conformance/run.mjs                 both implementations, tallies
//   node conformance/run.mjs --impl axle     one implementation (axle | aci)
//   node conformance/run.mjs --json          one JSON line per implementation (for the Jest subset test)
//   node conformance/run.mjs --ids a,b       only these test ids (and those they depend on)
//   node conformance/run.mjs --failures      list every failed required test with the suite's message
//
// Each implementation runs in a child process: the suite's runner keeps its results in module
// state. Needs the built packages (`npm run build -w @axle/core -w @axle/cache`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    impl: { type: 'string' },
    json: { type: 'boolean', default: false },
    ids: { type: 'string' },
    failures: { type: 'boolean', default: false },
  },
});

if (values.impl !== undefined) {
  const { runSuite } = await import('./suite.mjs');
  const ids = values.ids ? values.ids.split(',') : undefined;
  const result = await runSuite(values.impl, ids);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const results = [];
  for (const impl of ['axle', 'aci']) {
    const args = [fileURLToPath(import.meta.url), '--impl', impl];
    if (values.ids) args.push('--ids', values.ids);
    results.push(await child(args));
  }
  for (const result of results) {
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      continue;
    }
    const t = result.tally;
    console.log(
      `${result.name.padEnd(28)} passed ${t.pass}, failed (required) ${t.fail}, not optimal ${t.optional_fail}, ` +
        `checks yes/no ${t.yes}/${t.no}, setup failures ${t.setup_fail}, dependency failures ${t.dependency_fail}, ` +
        `harness failures ${t.harness_fail + t.retry} (of ${result.total} tests)`,
    );
    const a = result.alone;
    console.log(
      `${''.padEnd(28)} each test judged alone (dependencies ignored): passed ${a.pass}, failed (required) ${a.fail}`,
    );
    if (values.failures) for (const f of result.failures) console.log(`    ${f.id}: ${f.message}`);
  }
  const [axle, aci] = results;
  const ok = axle.tally.fail === 0 && axle.tally.pass > aci.tally.pass;
  if (!values.json)
    console.log(ok ? 'target met: no required failure, more passes than axios-cache-interceptor' : 'target NOT met');
  process.exitCode = ok ? 0 : 1;
}

function child(args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--no-warnings', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line) reject(new Error(`conformance child ${args.join(' ')} exited with ${code}`));
      else resolve(JSON.parse(line));
    });
  });
}
