// The unit-test step of `npm test`: Jest with coverage and open-handle detection, every client
// logging at DEBUG to .test-logs/ (test-support/debug-log.js), then the secrets audit over those logs.
// Extra arguments go to Jest (`npm run test:unit -- packages/core`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const logDir = path.join(root, '.test-logs');
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });

const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
const args = [jest, '--coverage', '--detectOpenHandles', ...process.argv.slice(2)];
const run = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, AXLE_DEBUG_LOG: logDir },
});
if (run.status !== 0) process.exit(run.status ?? 1);

const audit = spawnSync(process.execPath, [path.join(root, 'scripts', 'audit-secrets.mjs'), logDir], {
  stdio: 'inherit',
});
process.exit(audit.status ?? 1);
