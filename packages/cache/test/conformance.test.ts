// A fixed subset of the HTTP caching test suite (http-cache-tests), run by the conformance
// harness in a child process: the suite is ESM-only and the harness loads the built packages.
// The whole suite runs with `npm run conformance -w @axle/cache` (about 40 s).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SUBSET = [
  'freshness-max-age',
  'freshness-expires-past',
  'freshness-max-age-age',
  'age-parse-dup-0',
  'cc-resp-no-store',
  'cc-resp-no-cache-revalidate',
  'cc-resp-private-private',
  'conditional-etag-strong-generate',
  '304-etag-update-response-Cache-Control',
  'heuristic-200-cached',
  'heuristic-503-not_cached',
  'invalidate-POST-location',
  'invalidate-PUT-failed',
  'vary-match',
  'vary-no-match',
  'vary-star',
  'status-404-fresh',
  'headers-omit-headers-listed-in-Connection',
];

const root = join(__dirname, '..', '..');
const built = ['core', 'cache'].every((name) => existsSync(join(root, name, 'dist', 'index.mjs')));

// The harness imports the built packages; CI builds before testing (`.ci/run`).
(built ? it : it.skip)(
  'passes the subset of http-cache-tests it runs',
  async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--no-warnings', join(__dirname, '..', 'conformance', 'run.mjs'), '--impl', 'axle', '--ids', SUBSET.join(',')],
      { timeout: 60_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop() as string) as {
      outcomes: Record<string, string>;
      failures: { id: string; message: string }[];
    };
    expect(result.failures).toEqual([]);
    for (const id of SUBSET) expect([id, result.outcomes[id]]).toEqual([id, 'pass']);
  },
  60_000,
);
