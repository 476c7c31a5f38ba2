// Checks the DEBUG logs a test run wrote (test-support/debug-log.js) for the credentials the tests
// use. The credentials are read from the test sources themselves: string literals given to
// credential-named keys (password, token, secret, apiKey, ...), Bearer/Basic header values, the
// password part of URLs, and any literal containing `sekret` (the tests' naming convention). A literal that must appear in logs (a value a test proves is NOT treated as a
// secret) is listed in ALLOWED with the reason.
//
// Usage: node scripts/audit-secrets.mjs <log folder>
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const logDir = path.resolve(process.argv[2] ?? '.test-logs');

/** Literals that look like credentials in test sources but are not secrets. */
const ALLOWED = new Map([['[REDACTED]', 'the redaction marker itself']]);

const KEY =
  '(?:password|passphrase|passwd|pass|token|accessToken|access_token|refreshToken|refresh_token|secret|clientSecret|client_secret|apiKey|api_key|bearerToken|idToken|id_token)';
const PATTERNS = [
  // password: 'x', token = "x", clientSecret: `x` (template literals without ${} only)
  new RegExp(`\\b${KEY}['"]?\\s*[:=]\\s*(['"\`])([^'"\`$\\n]{6,})\\1`, 'gi'),
  // 'Bearer abc', "Basic dXNlcjpwYXNz" (not auth parameters: Bearer realm="...", error="...")
  /\b(?:Bearer|Basic)\s+(?![A-Za-z]+=\\?["'])([A-Za-z0-9._~+/=-]{6,})/g,
  // http://user:secret@host
  /[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"`]+:([^\s/@'"`]{6,})@/gi,
  // By convention, any literal with 'sekret' in it is a credential, whatever key holds it.
  /(['"`])([^'"`$\n]*sekret[^'"`$\n]*)\1/gi,
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else if (/\.(?:[cm]?[jt]s)$/.test(name)) yield full;
  }
}

function testSources() {
  const out = [];
  for (const pkg of readdirSync(path.join(root, 'packages'))) {
    const testDir = path.join(root, 'packages', pkg, 'test');
    try {
      if (statSync(testDir).isDirectory()) out.push(...files(testDir));
    } catch {
      // a package without tests
    }
  }
  return out;
}

const secrets = new Map();
for (const file of testSources()) {
  const text = readFileSync(file, 'utf8');
  for (const pattern of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const value = match[match.length - 1];
      // Markers like [REDACTED], and bare short words ('secret'), which name things rather than being one.
      if (ALLOWED.has(value) || /^\[.*\]$/.test(value) || /^[a-z]{1,8}$/.test(value) || value.includes('${')) continue;
      if (!secrets.has(value)) secrets.set(value, path.relative(root, file));
    }
  }
}

let logs;
try {
  logs = readdirSync(logDir).filter((name) => name.endsWith('.log'));
} catch {
  logs = [];
}
if (logs.length === 0) {
  console.error(`audit-secrets: no logs in ${logDir}; run the tests with AXLE_DEBUG_LOG=${logDir}`);
  process.exit(1);
}

let records = 0;
let bytes = 0;
const leaks = [];
for (const name of logs) {
  const text = readFileSync(path.join(logDir, name), 'utf8');
  bytes += text.length;
  for (const line of text.split('\n')) {
    if (!line) continue;
    records += 1;
    for (const [secret, source] of secrets) {
      if (line.includes(secret)) leaks.push({ secret, source, line: line.slice(0, 400) });
    }
  }
}

if (records === 0) {
  console.error('audit-secrets: the logs hold no records; the DEBUG log hook did not run');
  process.exit(1);
}
const mb = (bytes / 1e6).toFixed(1);
if (leaks.length > 0) {
  for (const leak of leaks.slice(0, 20)) {
    console.error(`audit-secrets: "${leak.secret}" (from ${leak.source}) appears in a log record:\n  ${leak.line}`);
  }
  console.error(`audit-secrets: ${leaks.length} leak(s) in ${records} records (${mb} MB)`);
  process.exit(1);
}
if (process.env.AUDIT_VERBOSE) console.log([...secrets.keys()].join('\n'));
console.log(`audit-secrets: ${secrets.size} credentials from the tests, none in ${records} DEBUG records (${mb} MB)`);
